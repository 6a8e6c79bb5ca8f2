//! The gap checker — the "Budapest 1994" test. Each rule looks for one way a
//! guarantee fails in practice and reports it with a stable code (see
//! [`crate::codes`]) at the place to fix it.
//!
//! Rules read the typed framework only; they never stop at the first finding
//! and never depend on hash-map order (every map here is a `BTreeMap`).

use std::collections::{BTreeMap, BTreeSet};

use base::{Diagnostic, Duration, Location};

use crate::codes::{self, info};
use crate::independence::{self, Source};
use crate::load::{Framework, Seg};
use crate::schema::*;

/// The longest the first response may take from the event ("on rails").
pub const FIRST_RESPONSE_MAX: Duration = Duration::from_hours(48);

/// Breach categories every framework must cover (MISSION T1).
pub const REQUIRED_CATEGORIES: [Category; 9] = [
    Category::Missile,
    Category::Drone,
    Category::Armour,
    Category::Artillery,
    Category::Sabotage,
    Category::Cyber,
    Category::Proxy,
    Category::Airspace,
    Category::Maritime,
];

/// Runs every rule; findings come back sorted by location, then code.
pub fn check(fw: &Framework) -> Vec<Diagnostic> {
    let mut c = Checker {
        fw,
        out: Vec::new(),
        ids: Ids::collect(fw),
        by_id: ById::new(fw),
    };
    c.duplicates();
    c.references();
    c.releasability_references();
    c.model_cycles();
    c.triggers();
    c.standards();
    c.ladder();
    c.first_response();
    c.votes();
    c.relief();
    c.logistics();
    let mut out = c.out;
    out.sort();
    out.dedup();
    out
}

/// Name of a category as written in the file.
pub fn category_name(category: Category) -> &'static str {
    match category {
        Category::Missile => "missile",
        Category::Drone => "drone",
        Category::Armour => "armour",
        Category::Artillery => "artillery",
        Category::Sabotage => "sabotage",
        Category::Cyber => "cyber",
        Category::Proxy => "proxy",
        Category::Airspace => "airspace",
        Category::Maritime => "maritime",
        Category::ArmedAttack => "armed_attack",
        Category::Nuclear => "nuclear",
        Category::Buildup => "buildup",
    }
}

/// Every declared id, per namespace (including ids of items that failed to parse).
struct Ids {
    by_kind: BTreeMap<&'static str, BTreeSet<String>>,
}

impl Ids {
    fn collect(fw: &Framework) -> Ids {
        let mut by_kind: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
        let mut add = |kind: &'static str, id: &str| {
            by_kind.entry(kind).or_default().insert(id.to_string());
        };
        fw.parties.iter().for_each(|x| add("party", &x.id));
        fw.menu.iter().for_each(|x| add("menu", &x.id));
        fw.zones.iter().for_each(|x| add("zone", &x.id));
        fw.source_classes
            .iter()
            .for_each(|x| add("source_class", &x.id));
        fw.weapon_models
            .iter()
            .for_each(|x| add("weapon_model", &x.id));
        fw.standards.iter().for_each(|x| add("standard", &x.id));
        fw.triggers.iter().for_each(|x| add("trigger", &x.id));
        fw.tiers.iter().for_each(|x| add("tier", &x.id));
        fw.tiers
            .iter()
            .flat_map(|t| &t.actions)
            .for_each(|x| add("action", &x.id));
        fw.sanctions.iter().for_each(|x| add("sanctions", &x.id));
        fw.tranches.iter().for_each(|x| add("tranche", &x.id));
        fw.relief.items.iter().for_each(|x| add("relief", &x.id));
        fw.commitments.iter().for_each(|x| add("commitment", &x.id));
        fw.stocks.iter().for_each(|x| add("stock", &x.id));
        fw.ad_sites.iter().for_each(|x| add("ad_site", &x.id));
        fw.ad_units.iter().for_each(|x| add("ad_unit", &x.id));
        fw.hubs.iter().for_each(|x| add("hub", &x.id));
        fw.postures.iter().for_each(|x| add("posture", &x.id));
        fw.instruments.iter().for_each(|x| add("instrument", &x.id));
        fw.instruments
            .iter()
            .flat_map(|i| &i.articles)
            .for_each(|x| add("article", &x.id));
        for (section, ids) in &fw.broken_ids {
            for id in ids {
                add(section, id);
            }
        }
        Ids { by_kind }
    }

    fn has(&self, kind: &str, id: &str) -> bool {
        self.by_kind.get(kind).is_some_and(|s| s.contains(id))
    }

    fn has_any(&self, id: &str) -> bool {
        self.by_kind.values().any(|s| s.contains(id))
    }
}

struct Checker<'a> {
    fw: &'a Framework,
    out: Vec<Diagnostic>,
    ids: Ids,
    by_id: ById<'a>,
}

/// Items by id, built once: rules look ids up per trigger and per tier, and
/// scanning the vectors instead made checking quadratic (seconds for 10,000
/// triggers). On a duplicate id the first item wins, as with a scan.
struct ById<'a> {
    parties: BTreeMap<&'a str, &'a Party>,
    standards: BTreeMap<&'a str, &'a EvidenceStandard>,
    tiers: BTreeMap<&'a str, &'a Tier>,
    classes: BTreeMap<&'a str, &'a SourceClass>,
}

impl<'a> ById<'a> {
    fn new(fw: &'a Framework) -> ById<'a> {
        fn first<T>(items: &[T], id: fn(&T) -> &str) -> BTreeMap<&str, &T> {
            let mut map = BTreeMap::new();
            for item in items {
                map.entry(id(item)).or_insert(item);
            }
            map
        }
        ById {
            parties: first(&fw.parties, |p| &p.id),
            standards: first(&fw.standards, |s| &s.id),
            tiers: first(&fw.tiers, |t| &t.id),
            classes: first(&fw.source_classes, |c| &c.id),
        }
    }
}

/// A bipartite edge: a source class and a party that operates it.
#[derive(Clone, Copy)]
struct Edge<'a> {
    class: &'a SourceClass,
    party: &'a str,
}

impl<'a> Checker<'a> {
    fn emit(&mut self, code: &'static str, location: Location, message: String) {
        let severity = info(code).map_or(base::Severity::Error, |i| i.severity);
        self.out.push(Diagnostic {
            location,
            code,
            severity,
            message,
        });
    }

    fn party(&self, id: &str) -> Option<&'a Party> {
        self.by_id.parties.get(id).copied()
    }

    fn is_adversary(&self, id: &str) -> bool {
        self.party(id)
            .is_some_and(|p| p.roles.contains(&Role::Adversary))
    }

    fn standard(&self, id: &str) -> Option<&'a EvidenceStandard> {
        self.by_id.standards.get(id).copied()
    }

    fn tier(&self, id: &str) -> Option<&'a Tier> {
        self.by_id.tiers.get(id).copied()
    }

    fn class(&self, id: &str) -> Option<&'a SourceClass> {
        self.by_id.classes.get(id).copied()
    }

    // ---------------------------------------------------------------- structure

    fn duplicates(&mut self) {
        let fw = self.fw;
        let mut seen: BTreeMap<(&str, &str), ()> = BTreeMap::new();
        let mut check = |c: &mut Self, kind: &'static str, id: &'a str, at: Location| {
            if seen.insert((kind, id), ()).is_some() {
                c.emit(
                    codes::DUPLICATE,
                    at,
                    format!(
                        "`{id}` is declared more than once as a {}",
                        kind.replace('_', " ")
                    ),
                );
            }
        };
        macro_rules! each {
            ($vec:expr, $section:literal) => {
                for (k, x) in $vec.iter().enumerate() {
                    check(
                        self,
                        $section,
                        &x.id,
                        fw.locate($section, k, &[Seg::Key("id")]),
                    );
                }
            };
        }
        each!(fw.parties, "party");
        each!(fw.instruments, "instrument");
        each!(fw.menu, "menu");
        each!(fw.postures, "posture");
        each!(fw.zones, "zone");
        each!(fw.source_classes, "source_class");
        each!(fw.weapon_models, "weapon_model");
        each!(fw.standards, "standard");
        each!(fw.triggers, "trigger");
        each!(fw.tiers, "tier");
        each!(fw.sanctions, "sanctions");
        each!(fw.tranches, "tranche");
        each!(fw.commitments, "commitment");
        each!(fw.stocks, "stock");
        each!(fw.ad_sites, "ad_site");
        each!(fw.ad_units, "ad_unit");
        each!(fw.hubs, "hub");
        for (k, tier) in fw.tiers.iter().enumerate() {
            for (a, action) in tier.actions.iter().enumerate() {
                let at = fw.locate(
                    "tier",
                    k,
                    &[Seg::Key("action"), Seg::Index(a), Seg::Key("id")],
                );
                check(self, "action", &action.id, at);
            }
        }
        for (k, inst) in fw.instruments.iter().enumerate() {
            for (a, article) in inst.articles.iter().enumerate() {
                let at = fw.locate(
                    "instrument",
                    k,
                    &[Seg::Key("article"), Seg::Index(a), Seg::Key("id")],
                );
                check(self, "article", &article.id, at);
            }
        }
        for (i, item) in fw.relief.items.iter().enumerate() {
            let at = fw.locate(
                "relief",
                0,
                &[Seg::Key("item"), Seg::Index(i), Seg::Key("id")],
            );
            check(self, "relief", &item.id, at);
        }
    }

    fn reference(&mut self, kinds: &[&str], id: &str, at: Location, context: &str) {
        if kinds.iter().any(|k| self.ids.has(k, id)) {
            return;
        }
        let wanted = kinds
            .iter()
            .map(|k| k.replace('_', " "))
            .collect::<Vec<_>>()
            .join(" or ");
        self.emit(
            codes::REFERENCE,
            at,
            format!("{context} names `{id}`, but no {wanted} has that id"),
        );
    }

    fn vote_references(
        &mut self,
        rule: &VoteRule,
        at: impl Fn(&str, Option<usize>) -> Location,
        context: &str,
    ) {
        for (i, p) in rule.electorate.iter().enumerate() {
            self.reference(&["party"], p, at("electorate", Some(i)), context);
        }
        for p in rule.weights.keys() {
            self.reference(&["party"], p, at("weights", None), context);
            if !rule.electorate.contains(p) {
                self.emit(
                    codes::REFERENCE,
                    at("weights", None),
                    format!("{context} gives a weight to `{p}`, who is not in the electorate"),
                );
            }
        }
        for (i, p) in rule.veto.iter().enumerate() {
            self.reference(&["party"], p, at("veto", Some(i)), context);
        }
    }

    fn references(&mut self) {
        let fw = self.fw;
        if let Some(rule) = fw.meta.as_ref().and_then(|m| m.amendment.as_ref()) {
            let at = |key: &str, i: Option<usize>| {
                let mut path = vec![Seg::Key("framework"), Seg::Key("amendment"), Seg::Key(key)];
                path.extend(i.map(Seg::Index));
                fw.locate_path(&path)
            };
            self.vote_references(rule, at, "the amendment rule");
        }
        for (k, sel) in fw.selections.iter().enumerate() {
            self.reference(
                &["party"],
                &sel.party,
                fw.locate("selection", k, &[Seg::Key("party")]),
                "a selection",
            );
            self.reference(
                &["menu"],
                &sel.item,
                fw.locate("selection", k, &[Seg::Key("item")]),
                "a selection",
            );
        }
        for (k, p) in fw.postures.iter().enumerate() {
            let ctx = format!("posture target `{}`", p.id);
            self.reference(
                &["party"],
                &p.party,
                fw.locate("posture", k, &[Seg::Key("party")]),
                &ctx,
            );
            if let Some(z) = &p.zone {
                self.reference(
                    &["zone"],
                    z,
                    fw.locate("posture", k, &[Seg::Key("zone")]),
                    &ctx,
                );
            }
        }
        for (k, inst) in fw.instruments.iter().enumerate() {
            let ctx = format!("instrument `{}`", inst.id);
            for (i, p) in inst.parties.iter().enumerate() {
                self.reference(
                    &["party"],
                    p,
                    fw.locate("instrument", k, &[Seg::Key("parties"), Seg::Index(i)]),
                    &ctx,
                );
            }
            for (a, article) in inst.articles.iter().enumerate() {
                for (i, id) in article.implements.iter().enumerate() {
                    if !self.ids.has_any(id) {
                        let at = fw.locate(
                            "instrument",
                            k,
                            &[
                                Seg::Key("article"),
                                Seg::Index(a),
                                Seg::Key("implements"),
                                Seg::Index(i),
                            ],
                        );
                        self.emit(
                            codes::REFERENCE,
                            at,
                            format!("article `{}` says it is implemented by `{id}`, but nothing has that id", article.id),
                        );
                    }
                }
            }
        }
        for (k, c) in fw.source_classes.iter().enumerate() {
            let ctx = format!("source class `{}`", c.id);
            for (i, p) in c.operated_by.iter().enumerate() {
                self.reference(
                    &["party"],
                    p,
                    fw.locate("source_class", k, &[Seg::Key("operated_by"), Seg::Index(i)]),
                    &ctx,
                );
            }
            for (i, p) in c.releasable_to.iter().enumerate() {
                self.reference(
                    &["party"],
                    p,
                    fw.locate(
                        "source_class",
                        k,
                        &[Seg::Key("releasable_to"), Seg::Index(i)],
                    ),
                    &ctx,
                );
            }
        }
        for (k, m) in fw.weapon_models.iter().enumerate() {
            if let Some(parent) = &m.parent {
                let ctx = format!("weapon model `{}`", m.id);
                self.reference(
                    &["weapon_model"],
                    parent,
                    fw.locate("weapon_model", k, &[Seg::Key("parent")]),
                    &ctx,
                );
            }
        }
        for (k, s) in fw.standards.iter().enumerate() {
            let ctx = format!("evidence standard `{}`", s.id);
            for (i, c) in s.classes.iter().enumerate() {
                self.reference(
                    &["source_class"],
                    c,
                    fw.locate("standard", k, &[Seg::Key("classes"), Seg::Index(i)]),
                    &ctx,
                );
            }
            if let Some(by) = s.attribution.as_ref().and_then(|a| a.by.as_ref()) {
                self.reference(
                    &["source_class"],
                    by,
                    fw.locate("standard", k, &[Seg::Key("attribution"), Seg::Key("by")]),
                    &ctx,
                );
            }
            if let Some(to) = s.review.as_ref().and_then(|r| r.escalate_to.as_ref()) {
                self.reference(
                    &["tier"],
                    to,
                    fw.locate(
                        "standard",
                        k,
                        &[Seg::Key("review"), Seg::Key("escalate_to")],
                    ),
                    &ctx,
                );
            }
        }
        for (k, t) in fw.triggers.iter().enumerate() {
            let ctx = format!("trigger `{}`", t.id);
            for (i, z) in t.zones.iter().enumerate() {
                self.reference(
                    &["zone"],
                    z,
                    fw.locate("trigger", k, &[Seg::Key("zones"), Seg::Index(i)]),
                    &ctx,
                );
            }
            for (i, w) in t.weapons.iter().enumerate() {
                self.reference(
                    &["weapon_model"],
                    w,
                    fw.locate("trigger", k, &[Seg::Key("weapons"), Seg::Index(i)]),
                    &ctx,
                );
            }
            if let Some(s) = &t.standard {
                self.reference(
                    &["standard"],
                    s,
                    fw.locate("trigger", k, &[Seg::Key("standard")]),
                    &ctx,
                );
            }
            if let Some(tier) = &t.tier {
                self.reference(
                    &["tier"],
                    tier,
                    fw.locate("trigger", k, &[Seg::Key("tier")]),
                    &ctx,
                );
            }
        }
        for (k, tier) in fw.tiers.iter().enumerate() {
            let ctx = format!("tier `{}`", tier.id);
            if let Some(to) = tier.clock.as_ref().and_then(|c| c.escalate_to.as_ref()) {
                self.reference(
                    &["tier"],
                    to,
                    fw.locate("tier", k, &[Seg::Key("clock"), Seg::Key("escalate_to")]),
                    &ctx,
                );
            }
            if let Some(rule) = &tier.vote {
                let at = |key: &str, i: Option<usize>| {
                    let mut path = vec![Seg::Key("vote"), Seg::Key(key)];
                    path.extend(i.map(Seg::Index));
                    fw.locate("tier", k, &path)
                };
                self.vote_references(rule, at, &ctx);
            }
            for (e, esc) in tier.escalate.iter().enumerate() {
                self.reference(
                    &["tier"],
                    &esc.to,
                    fw.locate(
                        "tier",
                        k,
                        &[Seg::Key("escalate"), Seg::Index(e), Seg::Key("to")],
                    ),
                    &ctx,
                );
            }
            for (a, action) in tier.actions.iter().enumerate() {
                let at = |key: &'static str| {
                    fw.locate(
                        "tier",
                        k,
                        &[Seg::Key("action"), Seg::Index(a), Seg::Key(key)],
                    )
                };
                let ctx = format!("action `{}`", action.id);
                if let Some(by) = &action.by {
                    self.reference(&["party"], by, at("by"), &ctx);
                }
                if let Some(tr) = &action.tranche {
                    self.reference(&["tranche"], tr, at("tranche"), &ctx);
                }
                if let Some(s) = &action.sanctions {
                    self.reference(&["sanctions"], s, at("sanctions"), &ctx);
                }
                if let Some(surge) = &action.surge {
                    for (i, site) in surge.sites.iter().enumerate() {
                        let at = fw.locate(
                            "tier",
                            k,
                            &[
                                Seg::Key("action"),
                                Seg::Index(a),
                                Seg::Key("surge"),
                                Seg::Key("sites"),
                                Seg::Index(i),
                            ],
                        );
                        self.reference(&["ad_site"], site, at, &ctx);
                    }
                }
            }
        }
        for (k, tr) in fw.tranches.iter().enumerate() {
            if let Some(p) = &tr.party {
                self.reference(
                    &["party"],
                    p,
                    fw.locate("tranche", k, &[Seg::Key("party")]),
                    &format!("tranche `{}`", tr.id),
                );
            }
        }
        for (i, item) in fw.relief.items.iter().enumerate() {
            let at = |key: &'static str, j: Option<usize>| {
                let mut path = vec![Seg::Key("item"), Seg::Index(i), Seg::Key(key)];
                path.extend(j.map(Seg::Index));
                fw.locate("relief", 0, &path)
            };
            let ctx = format!("relief item `{}`", item.id);
            if let Some(s) = &item.standard {
                self.reference(&["standard"], s, at("standard", None), &ctx);
            }
            for (j, r) in item.relieves.iter().enumerate() {
                self.reference(&["sanctions", "action"], r, at("relieves", Some(j)), &ctx);
            }
            for (j, t) in item.violated_by.iter().enumerate() {
                self.reference(&["trigger"], t, at("violated_by", Some(j)), &ctx);
            }
            if let Some(z) = &item.zone {
                self.reference(&["zone"], z, at("zone", None), &ctx);
            }
        }
        for (k, c) in fw.commitments.iter().enumerate() {
            let ctx = format!("commitment `{}`", c.id);
            self.reference(
                &["party"],
                &c.party,
                fw.locate("commitment", k, &[Seg::Key("party")]),
                &ctx,
            );
            if let Some(m) = &c.menu {
                self.reference(
                    &["menu"],
                    m,
                    fw.locate("commitment", k, &[Seg::Key("menu")]),
                    &ctx,
                );
            }
            if let Some(t) = &c.tranche {
                self.reference(
                    &["tranche"],
                    t,
                    fw.locate("commitment", k, &[Seg::Key("tranche")]),
                    &ctx,
                );
            }
        }
        for (k, u) in fw.ad_units.iter().enumerate() {
            let ctx = format!("air-defence unit `{}`", u.id);
            self.reference(
                &["party"],
                &u.party,
                fw.locate("ad_unit", k, &[Seg::Key("party")]),
                &ctx,
            );
            if let Some(h) = &u.hub {
                self.reference(
                    &["hub"],
                    h,
                    fw.locate("ad_unit", k, &[Seg::Key("hub")]),
                    &ctx,
                );
            }
            if let Some(home) = &u.home {
                self.reference(
                    &["ad_site", "hub"],
                    home,
                    fw.locate("ad_unit", k, &[Seg::Key("home")]),
                    &ctx,
                );
            }
        }
        for (k, z) in fw.zones.iter().enumerate() {
            if let Some(w) = &z.within {
                let ctx = format!("zone `{}`", z.id);
                self.reference(
                    &["zone"],
                    w,
                    fw.locate("zone", k, &[Seg::Key("within")]),
                    &ctx,
                );
            }
        }
        for (k, h) in fw.hubs.iter().enumerate() {
            if let Some(z) = &h.zone {
                self.reference(
                    &["zone"],
                    z,
                    fw.locate("hub", k, &[Seg::Key("zone")]),
                    &format!("hub `{}`", h.id),
                );
            }
            for site in h.transit_to.keys() {
                self.reference(
                    &["ad_site"],
                    site,
                    fw.locate("hub", k, &[Seg::Key("transit_to"), Seg::Key(site)]),
                    &format!("hub `{}`", h.id),
                );
            }
        }
    }

    /// Parties named in `releasable_to` of every item that has one.
    fn releasability_references(&mut self) {
        let fw = self.fw;
        macro_rules! each {
            ($vec:expr, $section:literal, $what:literal) => {
                for (k, item) in $vec.iter().enumerate() {
                    for (i, p) in item.releasable_to.iter().enumerate() {
                        let at =
                            fw.locate($section, k, &[Seg::Key("releasable_to"), Seg::Index(i)]);
                        self.reference(&["party"], p, at, &format!("{} `{}`", $what, item.id));
                    }
                }
            };
        }
        each!(fw.instruments, "instrument", "instrument");
        each!(fw.postures, "posture", "posture target");
        each!(fw.triggers, "trigger", "trigger");
        each!(fw.standards, "standard", "evidence standard");
        each!(fw.tiers, "tier", "tier");
        each!(fw.sanctions, "sanctions", "sanctions package");
        each!(fw.tranches, "tranche", "tranche");
        each!(fw.commitments, "commitment", "commitment");
        each!(fw.stocks, "stock", "stock line");
        each!(fw.ad_sites, "ad_site", "air-defence site");
        each!(fw.ad_units, "ad_unit", "air-defence unit");
        for (k, inst) in fw.instruments.iter().enumerate() {
            for (a, article) in inst.articles.iter().enumerate() {
                for (i, p) in article.releasable_to.iter().enumerate() {
                    let path = [
                        Seg::Key("article"),
                        Seg::Index(a),
                        Seg::Key("releasable_to"),
                        Seg::Index(i),
                    ];
                    let at = fw.locate("instrument", k, &path);
                    self.reference(&["party"], p, at, &format!("article `{}`", article.id));
                }
            }
        }
        for (k, sel) in fw.selections.iter().enumerate() {
            for (i, p) in sel.releasable_to.iter().enumerate() {
                let at = fw.locate("selection", k, &[Seg::Key("releasable_to"), Seg::Index(i)]);
                self.reference(&["party"], p, at, "a selection");
            }
        }
        for (r, item) in fw.relief.items.iter().enumerate() {
            for (i, p) in item.releasable_to.iter().enumerate() {
                let path = [
                    Seg::Key("item"),
                    Seg::Index(r),
                    Seg::Key("releasable_to"),
                    Seg::Index(i),
                ];
                self.reference(
                    &["party"],
                    p,
                    fw.locate("relief", 0, &path),
                    &format!("relief item `{}`", item.id),
                );
            }
        }
    }

    fn model_cycles(&mut self) {
        let fw = self.fw;
        let parent: BTreeMap<&str, &str> = fw
            .weapon_models
            .iter()
            .filter_map(|m| m.parent.as_deref().map(|p| (m.id.as_str(), p)))
            .collect();
        let mut reported: BTreeSet<&str> = BTreeSet::new();
        // Models whose way up is known — to a root, or into a cycle already
        // looked at — end later walks, so a chain of n models is walked once,
        // not n times (and `on_chain` spares a scan of the chain per step).
        let mut done: BTreeSet<&str> = BTreeSet::new();
        for (k, m) in fw.weapon_models.iter().enumerate() {
            if done.contains(m.id.as_str()) {
                continue;
            }
            let mut chain = vec![m.id.as_str()];
            let mut on_chain: BTreeSet<&str> = BTreeSet::from([m.id.as_str()]);
            let mut current = m.id.as_str();
            while let Some(next) = parent.get(current).copied() {
                if done.contains(next) {
                    break;
                }
                if let Some(pos) = on_chain
                    .contains(next)
                    .then(|| chain.iter().position(|c| *c == next))
                    .flatten()
                {
                    let cycle: Vec<&str> = chain.get(pos..).map(<[_]>::to_vec).unwrap_or_default();
                    if pos == 0 && !cycle.iter().any(|c| reported.contains(c)) {
                        reported.extend(cycle.iter().copied());
                        self.emit(
                            codes::MODEL_CYCLE,
                            fw.locate("weapon_model", k, &[Seg::Key("parent")]),
                            format!(
                                "weapon models form a cycle: {} → {}",
                                cycle.join(" → "),
                                next
                            ),
                        );
                    }
                    // A cycle not through `m` is reported at its own first
                    // model: only the tail leading into it is settled.
                    if pos > 0 {
                        chain.truncate(pos);
                    }
                    break;
                }
                chain.push(next);
                on_chain.insert(next);
                current = next;
            }
            done.extend(chain);
        }
    }

    // ---------------------------------------------------------------- triggers

    fn triggers(&mut self) {
        let fw = self.fw;
        let covered: BTreeSet<Category> = fw.triggers.iter().map(|t| t.category).collect();
        let section = if fw.triggers.is_empty() {
            fw.locate_section("framework")
        } else {
            fw.locate_section("trigger")
        };
        for category in REQUIRED_CATEGORIES {
            if !covered.contains(&category) {
                self.emit(
                    codes::CATEGORY_UNCOVERED,
                    section.clone(),
                    format!(
                        "no trigger covers `{}` breaches ({})",
                        category_name(category),
                        category_description(category)
                    ),
                );
            }
        }
        if !fw.triggers.iter().any(|t| t.accumulate.is_some()) {
            self.emit(
                codes::PROBING_UNCOUNTED,
                section.clone(),
                "no trigger accumulates sub-threshold incidents: probing below every threshold goes unanswered for ever".into(),
            );
        }
        if !covered.contains(&Category::Buildup) {
            self.emit(
                codes::NO_EARLY_WARNING,
                section,
                "no `buildup` trigger: indicators of preparation before an attack are watched by no rule".into(),
            );
        }
        for (k, t) in fw.triggers.iter().enumerate() {
            let at = |key: &'static str| fw.locate("trigger", k, &[Seg::Key(key)]);
            let head = fw.locate("trigger", k, &[]);
            let name = &t.id;
            if t.threshold.is_none() {
                self.emit(
                    codes::NO_THRESHOLD,
                    head.clone(),
                    format!("trigger `{name}` has no `threshold`"),
                );
            }
            if t.window.is_none() {
                self.emit(
                    codes::NO_WINDOW,
                    head.clone(),
                    format!("trigger `{name}` has no `window`"),
                );
            }
            if t.count.is_none() {
                self.emit(
                    codes::NO_COUNT,
                    head.clone(),
                    format!("trigger `{name}` does not say which `count` it compares"),
                );
            }
            if t.range_end.is_none() {
                self.emit(codes::NO_RANGE_END, head.clone(), format!("trigger `{name}` does not say which `range_end` it compares (`low` is assumed)"));
            }
            match t.standard.as_deref() {
                None => self.emit(
                    codes::NO_STANDARD,
                    head.clone(),
                    format!("trigger `{name}` names no evidence `standard`"),
                ),
                Some(sid) => {
                    if let Some(standard) = self.standard(sid) {
                        if matches!(t.category, Category::Cyber | Category::Proxy)
                            && standard.attribution.is_none()
                        {
                            self.emit(
                                codes::NO_ATTRIBUTION,
                                at("standard"),
                                format!(
                                    "{} trigger `{name}` uses standard `{sid}`, which has no `attribution` rule",
                                    category_name(t.category)
                                ),
                            );
                        }
                        if let Some(window) = t.window {
                            let slow: Vec<String> = standard
                                .classes
                                .iter()
                                .filter_map(|c| self.class(c))
                                .filter(|c| c.reporting_period.is_some_and(|p| p > window))
                                .map(|c| {
                                    format!(
                                        "`{}` ({})",
                                        c.id,
                                        c.reporting_period.unwrap_or_default()
                                    )
                                })
                                .collect();
                            if !slow.is_empty() {
                                self.emit(
                                    codes::WINDOW_TOO_SHORT,
                                    at("window"),
                                    format!(
                                        "trigger `{name}` has a {window} window, shorter than the reporting period of {}",
                                        slow.join(", ")
                                    ),
                                );
                            }
                        }
                    }
                }
            }
            if t.tier.is_none() && t.category != Category::Buildup {
                self.emit(
                    codes::NO_TIER,
                    head.clone(),
                    format!("trigger `{name}` names no `tier` for a certified breach to enter"),
                );
            }
            for (j, kind) in t.kinds.iter().enumerate() {
                if !model::kinds::ALL.contains(&kind.as_str()) {
                    let at = fw.locate("trigger", k, &[Seg::Key("kinds"), Seg::Index(j)]);
                    self.emit(
                        codes::UNKNOWN_KIND,
                        at,
                        format!("trigger `{name}` counts `{kind}`, which is not a well-known observation kind"),
                    );
                }
            }
            if t.category == Category::Armour {
                let has_line = t.zones.iter().any(|z| {
                    fw.zones
                        .iter()
                        .any(|zone| zone.id == *z && zone.kind == ZoneKind::Line)
                });
                if !has_line {
                    self.emit(
                        codes::NO_LINE,
                        head,
                        format!("armour trigger `{name}` names no `line` zone to cross"),
                    );
                }
            }
        }
    }

    // ---------------------------------------------------------------- evidence

    /// Every (class, operator) pair among `classes`, optionally filtered.
    fn edges(
        &self,
        classes: &[String],
        keep: impl Fn(&SourceClass, &str) -> bool,
    ) -> Vec<Edge<'a>> {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        for id in classes {
            let Some(class) = self.class(id) else {
                continue;
            };
            if !seen.insert(id.as_str()) {
                continue;
            }
            for party in &class.operated_by {
                if keep(class, party) {
                    out.push(Edge {
                        class,
                        party: party.as_str(),
                    });
                }
            }
        }
        out
    }

    fn visible_to(class: &SourceClass, party: &str) -> bool {
        class.visibility != Visibility::Restricted || class.releasable_to.iter().any(|p| p == party)
    }

    fn standards(&mut self) {
        let fw = self.fw;
        if fw.standards.is_empty() {
            self.emit(
                codes::NO_STANDARDS,
                fw.locate_section("framework"),
                "no evidence standards are declared: nothing says what proves a breach".into(),
            );
        }
        for (k, s) in fw.standards.iter().enumerate() {
            let head = fw.locate("standard", k, &[]);
            let all = self.edges(&s.classes, |_, _| true);
            if !satisfiable(s, &all) {
                self.emit(
                    codes::UNSATISFIABLE,
                    head.clone(),
                    format!(
                        "standard `{}` needs {}, which its source classes can never provide",
                        s.id,
                        requirement(s)
                    ),
                );
            } else {
                let parties: BTreeSet<&str> = all.iter().map(|e| e.party).collect();
                let alone: Vec<&str> = parties
                    .iter()
                    .copied()
                    .filter(|p| satisfiable(s, &self.edges(&s.classes, |_, q| q == *p)))
                    .collect();
                if !alone.is_empty() {
                    self.emit(
                        codes::SINGLE_PARTY,
                        head.clone(),
                        format!(
                            "standard `{}` can be met by the sources of {} alone: require `independent_parties = 2` or more",
                            s.id,
                            list(&alone)
                        ),
                    );
                }
            }
            if s.min_confidence.is_none() {
                self.emit(
                    codes::NO_CONFIDENCE,
                    head.clone(),
                    format!("standard `{}` sets no `min_confidence`", s.id),
                );
            }
            if let Some(review) = &s.review {
                let at = fw.locate("standard", k, &[Seg::Key("review")]);
                self.clock(review, at, &format!("the review of standard `{}`", s.id));
            }
        }
        // Voters who must decide on sources they cannot see.
        // Many triggers share a standard and an entry tier, and many tiers a
        // voter: each distinct pair is looked at once.
        let mut hidden: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        let pairs: BTreeSet<(&str, &str)> = fw
            .triggers
            .iter()
            .filter_map(|t| Some((t.standard.as_deref()?, t.tier.as_deref()?)))
            .collect();
        let mut decided: BTreeSet<(&str, &str)> = BTreeSet::new();
        for (sid, entry) in pairs {
            let Some(standard) = self.standard(sid) else {
                continue;
            };
            for tier in self.reachable_from(entry) {
                let Some(rule) = &tier.vote else { continue };
                for voter in &rule.electorate {
                    if !decided.insert((standard.id.as_str(), voter.as_str())) {
                        continue;
                    }
                    let visible = self.edges(&standard.classes, |c, _| Self::visible_to(c, voter));
                    if !satisfiable(standard, &visible)
                        && satisfiable(standard, &self.edges(&standard.classes, |_, _| true))
                    {
                        hidden
                            .entry(standard.id.as_str())
                            .or_default()
                            .insert(voter.as_str());
                    }
                }
            }
        }
        for (sid, voters) in hidden {
            let Some(k) = fw.standards.iter().position(|s| s.id == sid) else {
                continue;
            };
            let voters: Vec<&str> = voters.into_iter().collect();
            self.emit(
                codes::HIDDEN_SOURCES,
                fw.locate("standard", k, &[Seg::Key("classes")]),
                format!(
                    "standard `{sid}` cannot be met with the sources {} may see, yet they vote on the breaches it certifies",
                    list(&voters)
                ),
            );
        }
    }

    /// Tiers reachable from `entry` by escalation (entry included), in id order.
    fn reachable_from(&self, entry: &str) -> Vec<&'a Tier> {
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let mut stack = vec![entry];
        while let Some(id) = stack.pop() {
            if !seen.insert(id) {
                continue;
            }
            if let Some(tier) = self.tier(id) {
                stack.extend(successors(tier));
            }
        }
        seen.into_iter().filter_map(|id| self.tier(id)).collect()
    }

    // ---------------------------------------------------------------- ladder

    fn clock(&mut self, clock: &Clock, at: Location, what: &str) {
        if clock.duration.is_none() {
            self.emit(
                codes::NO_CLOCK,
                at.clone(),
                format!("{what} has no `duration`"),
            );
        }
        match clock.on_expiry {
            None => self.emit(
                codes::NO_OUTCOME,
                at,
                format!("{what} does not say what happens on expiry (`on_expiry`)"),
            ),
            Some(Outcome::Escalate) if clock.escalate_to.is_none() => self.emit(
                codes::NO_OUTCOME,
                at,
                format!("{what} escalates on expiry but names no tier (`escalate_to`)"),
            ),
            Some(_) => {}
        }
    }

    fn ladder(&mut self) {
        let fw = self.fw;
        for (k, tier) in fw.tiers.iter().enumerate() {
            let head = fw.locate("tier", k, &[]);
            let name = &tier.id;
            match tier.mode {
                None => self.emit(
                    codes::NO_MODE,
                    head.clone(),
                    format!("tier `{name}` has no `mode`"),
                ),
                Some(Mode::Automatic) => {}
                Some(mode) => {
                    let what = match mode {
                        Mode::ReverseVeto => format!("the blocking period of tier `{name}`"),
                        _ => format!("the sign-off of tier `{name}`"),
                    };
                    match &tier.clock {
                        Some(clock) => {
                            self.clock(clock, fw.locate("tier", k, &[Seg::Key("clock")]), &what)
                        }
                        None => {
                            self.emit(
                                codes::NO_CLOCK,
                                head.clone(),
                                format!("{what} has no clock"),
                            );
                            self.emit(
                                codes::NO_OUTCOME,
                                head.clone(),
                                format!("{what} does not say what happens when time runs out"),
                            );
                        }
                    }
                }
            }
            if tier.actions.is_empty() {
                self.emit(
                    codes::NO_ACTIONS,
                    head.clone(),
                    format!("tier `{name}` has no actions"),
                );
            }
            for (a, action) in tier.actions.iter().enumerate() {
                let at = fw.locate("tier", k, &[Seg::Key("action"), Seg::Index(a)]);
                let id = &action.id;
                if action.by.is_none() {
                    self.emit(
                        codes::NO_EXECUTOR,
                        at.clone(),
                        format!("action `{id}` names no executing party (`by`)"),
                    );
                }
                if action.deadline.is_none() {
                    self.emit(
                        codes::NO_DEADLINE,
                        at.clone(),
                        format!("action `{id}` has no `deadline`"),
                    );
                }
                if action
                    .authority
                    .as_deref()
                    .is_none_or(|a| a.trim().is_empty())
                {
                    self.emit(
                        codes::NO_AUTHORITY,
                        at.clone(),
                        format!("action `{id}` names no legal `authority`"),
                    );
                }
                match action.tranche.as_deref() {
                    None => self.emit(
                        codes::NO_FUNDING,
                        at.clone(),
                        format!("action `{id}` names no funding `tranche`"),
                    ),
                    Some(tr) => {
                        let pending = fw
                            .tranches
                            .iter()
                            .any(|t| t.id == tr && t.status == TrancheStatus::PendingVote);
                        if pending {
                            self.emit(
                                codes::UNFUNDED_TRANCHE,
                                fw.locate("tier", k, &[Seg::Key("action"), Seg::Index(a), Seg::Key("tranche")]),
                                format!("action `{id}` is paid from tranche `{tr}`, which still waits on a vote"),
                            );
                        }
                    }
                }
            }
        }
        // Reachability: entries of triggers, escalations and expiry outcomes.
        let mut roots: BTreeSet<&str> = fw
            .triggers
            .iter()
            .filter_map(|t| t.tier.as_deref())
            .collect();
        roots.extend(
            fw.standards
                .iter()
                .filter_map(|s| s.review.as_ref().and_then(|r| r.escalate_to.as_deref())),
        );
        let mut reached: BTreeSet<&str> = BTreeSet::new();
        for root in roots {
            // A reached tier's successors are reached already.
            if reached.contains(root) {
                continue;
            }
            reached.extend(self.reachable_from(root).into_iter().map(|t| t.id.as_str()));
        }
        for (k, tier) in fw.tiers.iter().enumerate() {
            if !reached.contains(tier.id.as_str()) {
                self.emit(
                    codes::UNREACHABLE_TIER,
                    fw.locate("tier", k, &[]),
                    format!(
                        "tier `{}` is entered by no trigger and reached by no escalation",
                        tier.id
                    ),
                );
            }
        }
        // Escalation cycles (each reported once, at its first tier in file order).
        let mut in_cycle: BTreeSet<&str> = BTreeSet::new();
        for (k, tier) in fw.tiers.iter().enumerate() {
            if in_cycle.contains(tier.id.as_str()) {
                continue;
            }
            if let Some(cycle) = self.cycle_through(tier) {
                in_cycle.extend(cycle.iter().copied());
                self.emit(
                    codes::ESCALATION_CYCLE,
                    fw.locate("tier", k, &[Seg::Key("escalate")]),
                    format!(
                        "escalation goes round in a cycle: {} → {}",
                        cycle.join(" → "),
                        tier.id
                    ),
                );
            }
        }
        for (k, p) in fw.sanctions.iter().enumerate() {
            if p.targets.is_empty() && p.targets_file.is_none() {
                self.emit(
                    codes::NO_TARGETS,
                    fw.locate("sanctions", k, &[]),
                    format!(
                        "sanctions package `{}` has no `targets` and no `targets_file`",
                        p.id
                    ),
                );
            }
            // A file that was read but names nobody a sanction can target
            // (only addresses, say) leaves the package as empty as no file.
            if let (Some(file), Some(read)) = (&p.targets_file, fw.target_files.get(&p.id))
                && fw.target_count(p) == 0
                && read.outcome.rejected.is_empty()
            {
                self.emit(
                    codes::NO_TARGETS,
                    fw.locate("sanctions", k, &[Seg::Key("targets_file")]),
                    format!(
                        "sanctions package `{}`: `{file}` lists no target (no person, company, organization, vessel or aircraft) and the package has no `targets`",
                        p.id
                    ),
                );
            }
        }
    }

    /// A path of escalations from `start` back to `start`, if any.
    fn cycle_through(&self, start: &'a Tier) -> Option<Vec<&'a str>> {
        // Depth-first search keeping the path; graphs are small (≤ tiers × escalations).
        fn dfs<'a>(
            c: &Checker<'a>,
            target: &str,
            id: &'a str,
            path: &mut Vec<&'a str>,
            seen: &mut BTreeSet<&'a str>,
        ) -> bool {
            let Some(tier) = c.tier(id) else { return false };
            for next in successors(tier) {
                if next == target {
                    return true;
                }
                if seen.insert(next) {
                    path.push(next);
                    if dfs(c, target, next, path, seen) {
                        return true;
                    }
                    path.pop();
                }
            }
            false
        }
        let mut path = vec![start.id.as_str()];
        let mut seen = BTreeSet::new();
        dfs(self, &start.id, &start.id, &mut path, &mut seen).then_some(path)
    }

    /// The worst-case time from the event to the first order's deadline,
    /// with the reason when the path is not on rails at all.
    /// The soonest all the evidence a standard needs can be in: the smallest
    /// reporting period P such that the classes reporting at least every P
    /// can meet the standard on their own (independence and neutrality
    /// included). `None` if the standard can never be met.
    fn evidence_delay(&self, standard: &EvidenceStandard) -> Option<Duration> {
        let mut periods: Vec<Duration> = standard
            .classes
            .iter()
            .filter_map(|c| self.class(c))
            .map(|c| c.reporting_period.unwrap_or(Duration::ZERO))
            .collect();
        periods.sort();
        periods.dedup();
        periods.into_iter().find(|period| {
            let fast = self.edges(&standard.classes, |c, _| {
                c.reporting_period.unwrap_or(Duration::ZERO) <= *period
            });
            satisfiable(standard, &fast)
        })
    }

    fn response_time(
        &self,
        trigger: &Trigger,
        delays: &BTreeMap<&str, Option<Duration>>,
    ) -> Result<(Duration, String), String> {
        let sid = trigger
            .standard
            .as_deref()
            .ok_or("it has no evidence standard")?;
        let standard = self
            .standard(sid)
            .ok_or("its evidence standard is not declared")?;
        let entry = trigger.tier.as_deref().ok_or("it enters no tier")?;
        let tier = self.tier(entry).ok_or("its tier is not declared")?;
        let evidence = delays
            .get(sid)
            .copied()
            .flatten()
            .ok_or("its evidence standard can never be met")?;
        let review = match &standard.review {
            None => Duration::ZERO,
            Some(clock) => match (clock.duration, clock.on_expiry) {
                (Some(d), Some(Outcome::Fire)) => d,
                (None, _) => return Err(format!("the review of standard `{sid}` has no clock")),
                (Some(_), _) => {
                    return Err(format!(
                        "the review of standard `{sid}` does not certify when its clock runs out"
                    ));
                }
            },
        };
        let decision = match (tier.mode, &tier.clock) {
            (Some(Mode::Automatic), _) => Duration::ZERO,
            (
                Some(Mode::ReverseVeto),
                Some(Clock {
                    duration: Some(d), ..
                }),
            ) => *d,
            (
                Some(Mode::SignOff),
                Some(Clock {
                    duration: Some(d),
                    on_expiry: Some(Outcome::Fire),
                    ..
                }),
            ) => *d,
            (Some(Mode::SignOff), _) => {
                return Err(format!(
                    "its first tier `{entry}` waits on a fresh vote with no deadline that fires"
                ));
            }
            (Some(Mode::ReverseVeto), _) => {
                return Err(format!(
                    "the blocking period of tier `{entry}` has no clock"
                ));
            }
            (None, _) => return Err(format!("its first tier `{entry}` has no mode")),
        };
        let order = tier
            .actions
            .iter()
            .filter_map(|a| a.deadline)
            .min()
            .ok_or_else(|| format!("no action of tier `{entry}` has a deadline"))?;
        let total = evidence
            .saturating_add(review)
            .saturating_add(decision)
            .saturating_add(order);
        Ok((
            total,
            format!(
                "evidence {evidence} + review {review} + decision {decision} + first order {order}"
            ),
        ))
    }

    fn first_response(&mut self) {
        let fw = self.fw;
        let delays: BTreeMap<&str, Option<Duration>> = fw
            .standards
            .iter()
            .map(|s| (s.id.as_str(), self.evidence_delay(s)))
            .collect();
        let mut any = false;
        for (k, t) in fw.triggers.iter().enumerate() {
            if t.category == Category::Buildup {
                continue;
            }
            any = true;
            match self.response_time(t, &delays) {
                Ok((total, _)) if total <= FIRST_RESPONSE_MAX => {}
                Ok((total, parts)) => self.emit(
                    codes::NOT_ON_RAILS,
                    fw.locate("trigger", k, &[]),
                    format!(
                        "a breach of trigger `{}` gets its first action {total} after the event ({parts}), later than {FIRST_RESPONSE_MAX}",
                        t.id
                    ),
                ),
                Err(reason) => self.emit(
                    codes::NOT_ON_RAILS,
                    fw.locate("trigger", k, &[]),
                    format!("a breach of trigger `{}` has no action on rails within {FIRST_RESPONSE_MAX}: {reason}", t.id),
                ),
            }
        }
        if !any {
            self.emit(
                codes::NOT_ON_RAILS,
                fw.locate_section("framework"),
                format!("no breach trigger leads to any action within {FIRST_RESPONSE_MAX}"),
            );
        }
    }

    // ---------------------------------------------------------------- votes

    fn votes(&mut self) {
        let fw = self.fw;
        if let Some(rule) = fw.meta.as_ref().and_then(|m| m.amendment.as_ref()) {
            let at = fw.locate_path(&[Seg::Key("framework"), Seg::Key("amendment")]);
            self.vote_rule(rule, None, at, "the amendment rule");
        }
        for (k, tier) in fw.tiers.iter().enumerate() {
            let ctx = format!("tier `{}`", tier.id);
            match (tier.mode, &tier.vote) {
                (Some(Mode::SignOff | Mode::ReverseVeto), None) => self.emit(
                    codes::NO_VOTE_RULE,
                    fw.locate("tier", k, &[]),
                    format!("{ctx} is decided by vote but has no `vote` rule"),
                ),
                (mode, Some(rule)) => {
                    self.vote_rule(rule, mode, fw.locate("tier", k, &[Seg::Key("vote")]), &ctx);
                }
                _ => {}
            }
        }
    }

    fn vote_rule(&mut self, rule: &VoteRule, mode: Option<Mode>, at: Location, ctx: &str) {
        let adversaries: Vec<&str> = rule
            .electorate
            .iter()
            .chain(&rule.veto)
            .map(String::as_str)
            .filter(|p| self.is_adversary(p))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if !adversaries.is_empty() {
            self.emit(
                codes::ADVERSARY_VOTES,
                at.clone(),
                format!("{ctx} lets the adversary {} vote", list(&adversaries)),
            );
        }
        let electorate: BTreeSet<&str> = rule.electorate.iter().map(String::as_str).collect();
        let weight = |p: &str| rule.weights.get(p).copied().unwrap_or(1);
        // In u64: weights are u32 each, and their sum must not overflow.
        let total: u64 = electorate.iter().map(|p| u64::from(weight(p))).sum();
        let voters = u32::try_from(electorate.len()).unwrap_or(u32::MAX);
        match mode {
            Some(Mode::ReverseVeto) => {
                let Some(block) = rule.block else {
                    self.emit(
                        codes::NO_VOTE_RULE,
                        at,
                        format!("{ctx} is a reverse-veto tier without a `block` threshold"),
                    );
                    return;
                };
                let alone: Vec<&str> = electorate
                    .iter()
                    .copied()
                    .filter(|p| weight(p) >= block)
                    .collect();
                let mut blockers = alone;
                blockers.extend(rule.veto.iter().map(String::as_str));
                blockers.sort();
                blockers.dedup();
                if !blockers.is_empty() {
                    self.emit(
                        codes::SOLE_BLOCKER,
                        at,
                        format!("{ctx} can be blocked by {} alone", list(&blockers)),
                    );
                }
            }
            _ => {
                let (quorum, quorum_parties) = (rule.quorum, rule.quorum_parties);
                if quorum.is_none() && quorum_parties.is_none() {
                    if mode == Some(Mode::SignOff) || mode.is_none() {
                        self.emit(codes::NO_VOTE_RULE, at, format!("{ctx} sets no `quorum`"));
                    }
                    return;
                }
                if quorum.is_some_and(|q| u64::from(q) > total)
                    || quorum_parties.is_some_and(|q| q > voters)
                {
                    self.emit(
                        codes::QUORUM_UNREACHABLE,
                        at,
                        format!(
                            "{ctx} needs a quorum of {} but its electorate has {total} weight in {voters} parties",
                            describe_quorum(quorum, quorum_parties)
                        ),
                    );
                    return;
                }
                let mut blockers: Vec<&str> = electorate
                    .iter()
                    .copied()
                    .filter(|p| {
                        quorum.is_some_and(|q| total - u64::from(weight(p)) < u64::from(q))
                            || quorum_parties.is_some_and(|q| voters - 1 < q)
                    })
                    .collect();
                blockers.extend(rule.veto.iter().map(String::as_str));
                blockers.sort();
                blockers.dedup();
                if !blockers.is_empty() && mode.is_some() {
                    self.emit(
                        codes::SOLE_BLOCKER,
                        at,
                        format!(
                            "{ctx} can be blocked by {} alone — a veto under another name; a reverse-veto tier (fires at its deadline unless a qualified majority blocks) would not be",
                            list(&blockers)
                        ),
                    );
                }
            }
        }
    }

    // ---------------------------------------------------------------- relief

    fn relief(&mut self) {
        let fw = self.fw;
        let adversaries: BTreeSet<&str> = fw
            .parties
            .iter()
            .filter(|p| p.roles.contains(&Role::Adversary))
            .map(|p| p.id.as_str())
            .collect();
        if fw.relief.items.is_empty() {
            self.emit(
                codes::NO_RELIEF,
                fw.locate_section("relief"),
                "no relief checklist is declared: nothing says what compliance earns relief, or what violation re-imposes".into(),
            );
        }
        for (i, item) in fw.relief.items.iter().enumerate() {
            let at = fw.locate("relief", 0, &[Seg::Key("item"), Seg::Index(i)]);
            let id = &item.id;
            match item.standard.as_deref().and_then(|s| self.standard(s)) {
                None if item.standard.is_none() => self.emit(
                    codes::NO_ATTESTATION,
                    at.clone(),
                    format!("relief item `{id}` names no `standard` that attestations must meet"),
                ),
                None => {}
                Some(standard) => {
                    let adversary_only =
                        self.edges(&standard.classes, |_, p| adversaries.contains(p));
                    let non_adversary =
                        self.edges(&standard.classes, |_, p| !adversaries.contains(p));
                    if !adversaries.is_empty()
                        && (satisfiable(standard, &adversary_only) || non_adversary.is_empty())
                    {
                        self.emit(
                            codes::ADVERSARY_WORD,
                            at.clone(),
                            format!(
                                "relief item `{id}` can be attested under standard `{}` by the adversary's own sources",
                                standard.id
                            ),
                        );
                    }
                }
            }
            if !fw.relief.snapback_all && item.violated_by.is_empty() {
                self.emit(
                    codes::NO_SNAPBACK,
                    at,
                    format!("relief item `{id}` names no breach that re-imposes it (`violated_by`), and `snapback_all` is off"),
                );
            }
        }
    }

    // ---------------------------------------------------------------- logistics

    /// `[[stock]]` lines: consumption that makes sense, a commitment that
    /// replenishes each, and a floor that is not already crossed on the
    /// first day.
    fn stocks(&mut self) {
        let fw = self.fw;
        for (k, st) in fw.stocks.iter().enumerate() {
            let key = |f: &'static str| fw.locate("stock", k, &[Seg::Key(f)]);
            let problem = if st.on_hand < 0 {
                Some(("on_hand", format!("a negative `on_hand` ({})", st.on_hand)))
            } else if st.per_day <= 0 {
                Some((
                    "per_day",
                    format!(
                        "`per_day` is {}: days of supply need a consumption above zero",
                        st.per_day
                    ),
                ))
            } else if st.surge_per_day < st.per_day {
                Some((
                    "surge_per_day",
                    format!(
                        "`surge_per_day` ({}) is below `per_day` ({}): a surge uses more, not less",
                        st.surge_per_day, st.per_day
                    ),
                ))
            } else if st.surge_days == 0 && st.surge_per_day > st.per_day {
                Some((
                    "surge_days",
                    "`surge_days` is 0, so the surge rate never applies".to_string(),
                ))
            } else if st.floor_days == 0 {
                Some((
                    "floor_days",
                    "`floor_days` is 0: the alert would come only when the stock is gone"
                        .to_string(),
                ))
            } else {
                None
            };
            if let Some((field, problem)) = problem {
                self.emit(
                    codes::BAD_STOCK,
                    key(field),
                    format!("stock line `{}` is inconsistent: {problem}", st.id),
                );
                continue;
            }
            let replenished = fw
                .commitments
                .iter()
                .any(|c| c.category == st.category && c.unit == st.unit);
            if !replenished {
                let units: Vec<String> = fw
                    .commitments
                    .iter()
                    .filter(|c| c.category == st.category)
                    .map(|c| format!("`{}` in {}", c.id, c.unit))
                    .collect();
                let detail = if units.is_empty() {
                    String::new()
                } else {
                    format!(
                        " (commitments of that category count another unit: {})",
                        units.join(", ")
                    )
                };
                self.emit(
                    codes::STOCK_UNREPLENISHED,
                    key("category"),
                    format!(
                        "no commitment of category `{}` in `{}` replenishes stock line `{}`{detail}",
                        st.category, st.unit, st.id
                    ),
                );
            }
            let floor = i128::from(st.floor_days) * i128::from(st.per_day);
            if i128::from(st.on_hand) < floor {
                self.emit(
                    codes::STOCK_BELOW_FLOOR,
                    key("on_hand"),
                    format!(
                        "stock line `{}` starts with {} {}, {} days of supply at {} a day: below its floor of {} days",
                        st.id,
                        st.on_hand,
                        st.unit,
                        st.on_hand / st.per_day,
                        st.per_day,
                        st.floor_days
                    ),
                );
            }
        }
    }

    fn surges(&mut self) {
        let fw = self.fw;
        for (k, tier) in fw.tiers.iter().enumerate() {
            for (a, action) in tier.actions.iter().enumerate() {
                let Some(surge) = &action.surge else {
                    continue;
                };
                let problem = if action.kind != ActionKind::AirDefenceSurge {
                    Some(format!(
                        "it is on an action of kind `{}`, not `air_defence_surge`",
                        serde_json::to_value(action.kind)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_default()
                    ))
                } else if surge.units == 0 {
                    Some("it asks for 0 more units".to_string())
                } else if surge.sites.is_empty() {
                    Some("it names no site".to_string())
                } else if surge.lasts.seconds() < 86_400 {
                    Some(format!("it lasts {}, less than a day", surge.lasts))
                } else {
                    None
                };
                if let Some(problem) = problem {
                    self.emit(
                        codes::BAD_SURGE,
                        fw.locate(
                            "tier",
                            k,
                            &[Seg::Key("action"), Seg::Index(a), Seg::Key("surge")],
                        ),
                        format!(
                            "the surge of action `{}` is inconsistent: {problem}",
                            action.id
                        ),
                    );
                }
            }
        }
    }

    fn logistics(&mut self) {
        let fw = self.fw;
        if fw.commitments.is_empty() {
            self.emit(
                codes::NO_COMMITMENTS,
                fw.locate_section("framework"),
                "no resupply commitments are declared".into(),
            );
        }
        for (k, c) in fw.commitments.iter().enumerate() {
            let at = fw.locate("commitment", k, &[]);
            if c.schedule.is_empty() {
                self.emit(
                    codes::NO_SCHEDULE,
                    at,
                    format!("commitment `{}` has no delivery `schedule`", c.id),
                );
                continue;
            }
            let ordered = c.schedule.windows(2).all(|w| match w {
                [a, b] => a.day < b.day && a.quantity <= b.quantity,
                _ => true,
            });
            let last = c.schedule.last().map_or(0, |s| s.quantity);
            let problem = if !ordered {
                Some("its steps are not in day order with non-decreasing quantities".to_string())
            } else if last != c.quantity {
                Some(format!(
                    "it delivers {last} by its last step, but {} are committed",
                    c.quantity
                ))
            } else {
                None
            };
            if let Some(problem) = problem {
                let at = fw.locate("commitment", k, &[Seg::Key("schedule")]);
                self.emit(
                    codes::BAD_SCHEDULE,
                    at,
                    format!(
                        "the schedule of commitment `{}` is inconsistent: {problem}",
                        c.id
                    ),
                );
            }
        }
        self.stocks();
        self.surges();
        for (k, unit) in fw.ad_units.iter().enumerate() {
            let Some(hub_id) = unit.hub.as_deref() else {
                continue;
            };
            let Some(hub) = fw.hubs.iter().find(|h| h.id == hub_id) else {
                continue;
            };
            if !hub.systems.contains(&unit.system) {
                self.emit(
                    codes::HUB_MISMATCH,
                    fw.locate("ad_unit", k, &[Seg::Key("hub")]),
                    format!("unit `{}` is overhauled at hub `{hub_id}`, which does not support its system", unit.id),
                );
            }
        }
        if fw.ad_sites.is_empty() {
            return;
        }
        // Saturating: more than u32::MAX positions is as impossible to fill as u32::MAX.
        let required: u32 = fw
            .ad_sites
            .iter()
            .fold(0, |sum, s| sum.saturating_add(s.units_required));
        for (k, site) in fw.ad_sites.iter().enumerate() {
            if site.units_required > 0
                && !fw.ad_units.iter().any(|u| site.systems.contains(&u.system))
            {
                self.emit(
                    codes::AD_NO_SYSTEM,
                    fw.locate("ad_site", k, &[Seg::Key("systems")]),
                    format!(
                        "no declared unit has a system that site `{}` accepts",
                        site.id
                    ),
                );
            }
        }
        let covered = ad_cover(&fw.ad_sites, &fw.ad_units);
        if covered < required {
            self.emit(
                codes::AD_CAPACITY,
                fw.locate_section("ad_site"),
                format!(
                    "the {} declared units can fill at most {covered} of the {required} unit positions the sites need, even with none in overhaul",
                    fw.ad_units.len()
                ),
            );
        } else {
            // Average availability, in basis points of a unit, after overhauls.
            let available_bp: i64 = fw
                .ad_units
                .iter()
                .map(|u| match (u.overhaul_every, u.overhaul_takes) {
                    (Some(every), Some(takes)) if every.seconds() > 0 => {
                        10_000 - (takes.seconds().min(every.seconds()) * 10_000) / every.seconds()
                    }
                    _ => 10_000,
                })
                .sum();
            if available_bp < i64::from(required) * 10_000 {
                self.emit(
                    codes::AD_ROTATION_GAP,
                    fw.locate_section("ad_unit"),
                    format!(
                        "counting overhauls, the units are available for {}.{:02} positions on average, but the sites need {required}",
                        available_bp / 10_000,
                        (available_bp % 10_000) / 100
                    ),
                );
            }
        }
    }
}

/// Successor tiers by escalation or clock expiry.
fn successors(tier: &Tier) -> Vec<&str> {
    let mut out: Vec<&str> = tier.escalate.iter().map(|e| e.to.as_str()).collect();
    if let Some(to) = tier.clock.as_ref().and_then(|c| c.escalate_to.as_deref()) {
        out.push(to);
    }
    out
}

/// Number of mutually independent observations a standard needs.
fn required_sources(s: &EvidenceStandard) -> u32 {
    s.independent_classes
        .unwrap_or(1)
        .max(s.independent_parties.unwrap_or(1))
        .max(1)
}

fn requirement(s: &EvidenceStandard) -> String {
    let n = required_sources(s);
    let neutral = if s.neutral {
        ", one of them neutral"
    } else {
        ""
    };
    if n == 1 {
        format!("one source{neutral}")
    } else {
        format!("{n} sources of distinct classes from distinct parties{neutral}")
    }
}

/// Can the standard be met using only `edges`? Independent observations
/// need distinct classes and distinct parties, so this is a bipartite
/// matching of the required size, with a neutral class in it if required.
fn satisfiable(s: &EvidenceStandard, edges: &[Edge<'_>]) -> bool {
    let sources: Vec<Source<&str, &str>> = edges
        .iter()
        .map(|e| Source {
            class: e.class.id.as_str(),
            party: e.party,
            neutral: e.class.neutral,
        })
        .collect();
    independence::independent(required_sources(s) as usize, s.neutral, &sources)
}

/// How many unit positions the units can fill at once (each unit one position).
fn ad_cover(sites: &[AdSite], units: &[AdUnit]) -> u32 {
    // Units of one system are interchangeable, so this is a flow from sites
    // (capacity: their positions) through systems (capacity: their units).
    // Its value is the minimum cut: over every set `inside` of systems, the
    // units of those systems plus the positions of the sites that accept a
    // system outside it. At most 2^7 sets, whatever `units_required` says (a
    // matching with one node per position took minutes on an 11 KB file).
    let mut per_system: BTreeMap<AdSystem, u64> = BTreeMap::new();
    for unit in units {
        *per_system.entry(unit.system).or_default() += 1;
    }
    let systems: Vec<(AdSystem, u64)> = per_system.into_iter().collect();
    let cut = |inside: u32| -> u64 {
        let is_inside = |k: usize| inside & (1 << k) != 0;
        let units: u64 = (0..systems.len())
            .filter(|k| is_inside(*k))
            .filter_map(|k| systems.get(k).map(|(_, n)| *n))
            .sum();
        let positions: u64 = sites
            .iter()
            .filter(|site| {
                systems
                    .iter()
                    .enumerate()
                    .any(|(k, (system, _))| !is_inside(k) && site.systems.contains(system))
            })
            .map(|site| u64::from(site.units_required))
            .sum();
        units + positions
    };
    // INVARIANT: at most 7 systems (the variants of `AdSystem`), so the shift fits.
    let covered = (0..1u32 << systems.len()).map(cut).min().unwrap_or(0);
    u32::try_from(covered).unwrap_or(u32::MAX)
}

fn describe_quorum(quorum: Option<u32>, parties: Option<u32>) -> String {
    match (quorum, parties) {
        (Some(q), Some(p)) => format!("weight {q} from {p} parties"),
        (Some(q), None) => format!("weight {q}"),
        (None, Some(p)) => format!("{p} parties"),
        (None, None) => "nothing".into(),
    }
}

fn category_description(category: Category) -> &'static str {
    match category {
        Category::Missile => "missile strikes and salvos",
        Category::Drone => "drone strikes and swarms",
        Category::Armour => "armour across an agreed line",
        Category::Artillery => "artillery fire",
        Category::Sabotage => "sabotage",
        Category::Cyber => "cyber attacks on critical infrastructure",
        Category::Proxy => "proxy, deniable or grey-zone attacks",
        Category::Airspace => "airspace violations",
        Category::Maritime => "maritime violations",
        Category::ArmedAttack => "armed attack",
        Category::Nuclear => "nuclear use or threat",
        Category::Buildup => "build-up indicators",
    }
}

fn list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
