//! The framework, compiled for the engine: every id the engine meets on its
//! hot path — parties, source classes, zones, weapon models, observation
//! kinds, target categories, standards — interned to a dense index, and the
//! relations between them precomputed (zone and weapon containment as bit
//! rows, zone depths and bounding boxes, per-trigger weapon compatibility,
//! per-standard accepted classes and reviewers).
//!
//! Indices follow the ids' sorted order, so an order on indices is the
//! order on the ids: wherever a decision depends on an order of names (a
//! description of evidence groups, the order confidences are combined in,
//! the tie-break between zones), the integers give the same one.
//!
//! The relations are computed with the same bounded walks the first engine
//! made at every lookup (64 steps, so a cycle ends), so they answer alike.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use base::Duration;
use framework::Framework;
use framework::load::Geometry;
use framework::schema::{Accumulate, Category, Clock, CountKind, Fusion, RangeEnd, Role, ZoneKind};
use model::{Point, kinds};

use crate::geo::{self, BoundingBox};
use crate::hash::FastBuild;

/// Index of a party, source class, zone, weapon model, known observation
/// kind, target category or standard in its table.
pub(crate) type Ix = u16;

/// The most ids of one sort a framework may declare (they are `u16` here).
pub(crate) const IDS_MAX: usize = u16::MAX as usize;

/// How far containment chains are followed (a cycle ends there).
const CHAIN_STEPS_MAX: usize = 64;

/// A fixed set of small indices.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Bits(Box<[u64]>);

impl Bits {
    pub fn new(len: usize) -> Bits {
        Bits(vec![0; len.div_ceil(64)].into_boxed_slice())
    }

    pub fn insert(&mut self, i: usize) {
        if let Some(w) = self.0.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }

    pub fn remove(&mut self, i: usize) {
        if let Some(w) = self.0.get_mut(i / 64) {
            *w &= !(1 << (i % 64));
        }
    }

    #[inline]
    pub fn contains(&self, i: usize) -> bool {
        self.0.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
}

/// Names of one sort, in sorted order, and the way back from a name: by
/// length, then by the first eight bytes (a name is rarely one of more
/// than a few of its length), for names up to `SHORT_NAME_MAX` bytes.
#[derive(Clone, Debug, Default)]
pub(crate) struct Names {
    names: Vec<String>,
    by_length: Vec<Vec<(u64, Ix)>>,
    index: HashMap<Box<str>, Ix, FastBuild>,
}

/// Names up to this long are found by length and prefix.
const SHORT_NAME_MAX: usize = 64;

/// The first eight bytes of a name as a number (zero padded).
#[inline]
fn prefix(name: &str) -> u64 {
    let mut buf = [0u8; 8];
    for (b, c) in buf.iter_mut().zip(name.bytes()) {
        *b = c;
    }
    u64::from_le_bytes(buf)
}

impl Names {
    fn new(sorted: impl IntoIterator<Item = String>, what: &str) -> Result<Names, String> {
        let names: Vec<String> = sorted.into_iter().collect();
        if names.len() > IDS_MAX {
            return Err(format!(
                "the framework declares {} {what}; the engine takes at most {IDS_MAX}",
                names.len()
            ));
        }
        let mut by_length = vec![Vec::new(); SHORT_NAME_MAX + 1];
        let mut index = HashMap::default();
        for (i, n) in names.iter().enumerate() {
            match by_length.get_mut(n.len()) {
                Some(list) => list.push((prefix(n), i as Ix)),
                None => {
                    index.insert(n.as_str().into(), i as Ix);
                }
            }
        }
        Ok(Names {
            names,
            by_length,
            index,
        })
    }

    #[inline]
    pub fn get(&self, name: &str) -> Option<Ix> {
        match self.by_length.get(name.len()) {
            Some(list) => {
                let p = prefix(name);
                let mut found = list.iter().filter(|(q, _)| *q == p).map(|(_, ix)| *ix);
                if name.len() <= 8 {
                    // Same length, same (whole) prefix: the same name.
                    found.next()
                } else {
                    found.find(|ix| self.name(*ix).as_bytes().get(8..) == name.as_bytes().get(8..))
                }
            }
            None => self.index.get(name).copied(),
        }
    }

    pub fn name(&self, ix: Ix) -> &str {
        self.names.get(usize::from(ix)).map_or("", String::as_str)
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Every name, in sorted order.
    pub fn all(&self) -> &[String] {
        &self.names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_found_by_length_prefix_and_whole() {
        let long = "x".repeat(SHORT_NAME_MAX + 3);
        let mut list = vec![
            "uav".to_string(),
            "us".into(),
            "uk".into(),
            "one-way-attack-uav".into(),
            "one-way-attack-uaw".into(),
            long.clone(),
        ];
        list.sort();
        let names = Names::new(list.clone(), "names").unwrap();
        for (i, n) in list.iter().enumerate() {
            assert_eq!(names.get(n), Some(i as Ix), "{n}");
            assert_eq!(names.name(i as Ix), n);
        }
        for missing in ["", "u", "usa", "one-way-attack-uax", "x"] {
            assert_eq!(names.get(missing), None, "{missing}");
        }
        assert_eq!(names.get(&long[1..]), None);
    }
}

#[derive(Debug)]
pub(crate) struct ClassInfo {
    /// Parties operating it (declared ones).
    pub operated_by: Bits,
    pub neutral: bool,
    pub late_max: Option<Duration>,
}

#[derive(Debug)]
pub(crate) struct ZoneInfo {
    pub kind: ZoneKind,
    pub geometry: Option<Geometry>,
    /// For areas: the geometry ready for point tests.
    pub prepared: Option<geo::PreparedArea>,
    pub bbox: Option<BoundingBox>,
    /// Links followed up the `within` chain (an undeclared parent counts).
    pub depth: usize,
    /// Zones it is or lies within (itself and its declared ancestors).
    pub within: Bits,
    /// Its declared ancestors, nearest first, as the bounded walk meets them.
    pub chain: Vec<Ix>,
}

/// An evidence standard's attribution rule.
#[derive(Debug)]
pub(crate) struct AttributionRule {
    pub min_confidence: u16,
    pub basis: Vec<String>,
    /// `None`: any class; `Some(None)`: a class not declared (never met).
    pub by: Option<Option<Ix>>,
    /// As written, for explanations.
    pub by_name: Option<String>,
}

#[derive(Debug)]
pub(crate) struct StandardInfo {
    pub id: String,
    /// Declared classes whose observations count.
    pub classes: Bits,
    /// Independent sources needed.
    pub required: usize,
    pub neutral: bool,
    pub min_confidence: Option<u16>,
    pub attribution: Option<AttributionRule>,
    pub review: Option<Clock>,
    /// Parties that may review: operators of a neutral class it lists.
    pub reviewers: Bits,
}

/// Why a trigger has no usable standard.
#[derive(Clone, Debug)]
pub(crate) enum StandardRef {
    Known(Ix),
    None,
    Undeclared(String),
}

#[derive(Debug)]
pub(crate) struct TriggerInfo {
    pub id: String,
    pub category: Category,
    /// With a weapons list: which declared models are compatible with one in it.
    pub weapons: Option<Vec<bool>>,
    /// With a target list: the (interned) targets it names.
    pub targets: Option<Vec<Ix>>,
    /// With a zones list: its declared zones.
    pub zones: Option<Vec<Ix>>,
    pub window: Duration,
    /// The window and the accumulation window in words (`24h`, `7d`).
    pub window_text: String,
    pub accumulate_text: String,
    pub threshold: i64,
    pub count: CountKind,
    pub range_end: RangeEnd,
    pub standard: StandardRef,
    pub accumulate: Option<Accumulate>,
}

#[derive(Debug)]
pub(crate) struct Compiled {
    pub id: String,
    pub version: String,
    pub hash: String,
    pub parties: Names,
    pub protected: Vec<bool>,
    pub adversary: Vec<bool>,
    pub classes: Names,
    pub class_info: Vec<ClassInfo>,
    pub weapons: Names,
    /// Per weapon model: the models it is or refines.
    pub weapon_within: Vec<Bits>,
    pub zones: Names,
    pub zone_info: Vec<ZoneInfo>,
    /// Area zones with a geometry, deepest first, then ascending: the first that contains a
    /// point is the most specific.
    pub areas_by_depth: Vec<Ix>,
    /// Line zones with a geometry, ascending.
    pub lines: Vec<Ix>,
    /// Observation kinds some trigger counts.
    pub kinds: Names,
    /// Per known kind, the triggers that count it, ascending.
    pub kind_triggers: Vec<Vec<usize>>,
    /// Target categories some trigger names.
    pub targets: Names,
    pub standards: Vec<StandardInfo>,
    /// By the trigger's index in the [`Universe`]: `None` where this
    /// version has no such (measurable) trigger.
    pub triggers: Vec<Option<TriggerInfo>>,
    /// Parties that may record an amendment while this version is in
    /// force: the electorate and veto holders of `[framework.amendment]`,
    /// or, without one, the guarantors; never an adversary.
    pub amenders: Bits,
    /// Who may record an amendment, in words.
    pub amenders_text: String,
    /// `[framework] supersedes`: the version this one amends, if it says.
    pub supersedes: Option<String>,
    pub fusion: Fusion,
    /// The longest of every trigger and accumulation window, every class's
    /// `late_max` and the fusion slack: an observation older than this
    /// cannot change a decision any more (see `Engine::with_options`).
    pub horizon: Duration,
    /// The longest of every trigger and accumulation window and the slack:
    /// how far an incident reaches towards others.
    pub reach: Duration,
}

/// The observation kinds a category counts, unless a trigger lists its own.
pub(crate) fn default_kinds(category: Category) -> Vec<String> {
    let list: &[&str] = match category {
        Category::Missile => &[kinds::MISSILE_LAUNCH, kinds::MISSILE_IMPACT],
        Category::Drone => &[kinds::DRONE_LAUNCH, kinds::DRONE_IMPACT],
        Category::Armour => &[kinds::ARMOUR_MOVEMENT, kinds::LINE_CROSSING],
        Category::Artillery => &[kinds::ARTILLERY_FIRE],
        Category::Sabotage => &[kinds::SABOTAGE],
        Category::Cyber => &[kinds::CYBER_INTRUSION],
        Category::Proxy => &[kinds::PROXY_ATTACK],
        Category::Airspace => &[kinds::AIRSPACE_VIOLATION],
        Category::Maritime => &[kinds::MARITIME_VIOLATION],
        Category::Buildup => &[kinds::BUILDUP_INDICATOR],
        Category::ArmedAttack => &[
            kinds::MISSILE_LAUNCH,
            kinds::MISSILE_IMPACT,
            kinds::DRONE_LAUNCH,
            kinds::DRONE_IMPACT,
            kinds::ARMOUR_MOVEMENT,
            kinds::LINE_CROSSING,
            kinds::ARTILLERY_FIRE,
        ],
        Category::Nuclear => &[],
    };
    list.iter().map(|k| (*k).to_string()).collect()
}

fn list_or_none(names: &[&str]) -> String {
    if names.is_empty() {
        "none".into()
    } else {
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Whether `a` is `b` or lies below it, following `parent` at most 64
/// steps (the walk of the first engine, kept to precompute the relation).
fn walk_within(parent: &BTreeMap<String, String>, a: &str, b: &str) -> bool {
    let mut current = a;
    for _ in 0..CHAIN_STEPS_MAX {
        if current == b {
            return true;
        }
        match parent.get(current) {
            Some(p) => current = p,
            None => return false,
        }
    }
    false
}

/// The declared ancestors met walking up from `a`, nearest first, at most
/// 64 steps; the walk ends at an undeclared name.
fn walk_chain(parent: &BTreeMap<String, String>, names: &Names, a: &str) -> Vec<Ix> {
    let mut chain = Vec::new();
    let mut current = a;
    for _ in 0..CHAIN_STEPS_MAX {
        match parent.get(current) {
            Some(p) => match names.get(p) {
                Some(ix) => {
                    chain.push(ix);
                    current = p;
                }
                None => break,
            },
            None => break,
        }
    }
    chain
}

/// Links followed up from `a` (an undeclared parent counts), at most 64.
fn walk_depth(parent: &BTreeMap<String, String>, declared: &Names, a: &str) -> usize {
    let mut depth = 0;
    let mut current = a;
    while let Some(p) = parent.get(current) {
        depth += 1;
        current = p;
        if depth >= CHAIN_STEPS_MAX || declared.get(current).is_none() {
            break;
        }
    }
    depth
}

/// What every version of a framework that one engine knows shares, so that
/// an index means the same under each: the triggers (by id and occurrence),
/// and the observation kinds and target categories any version names.
///
/// Triggers are numbered in the first version's declared order, then those
/// new in later versions in theirs: with one version, the numbering (and so
/// the order triggers are run in) is the declared order, as it always was.
/// Parties, source classes, zones and weapon models are not unified here:
/// versions must declare the same ones ([`Compiled::compatible`]).
#[derive(Clone, Debug, Default)]
pub(crate) struct Universe {
    /// (trigger id, how many measurable triggers with that id came before).
    pub triggers: Vec<(String, usize)>,
    pub kinds: BTreeSet<String>,
    pub targets: BTreeSet<String>,
}

impl Universe {
    pub fn of(versions: &[&Framework]) -> Universe {
        let mut u = Universe::default();
        for fw in versions {
            let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
            for (t, kinds) in measurable(fw) {
                let occurrence = seen.entry(t.id.as_str()).or_insert(0);
                let key = (t.id.clone(), *occurrence);
                *occurrence += 1;
                if !u.triggers.contains(&key) {
                    u.triggers.push(key);
                }
                u.kinds.extend(kinds);
                u.targets.extend(t.target_categories.iter().cloned());
            }
        }
        u
    }
}

/// The triggers the engine can measure (a window and a threshold; the
/// checker reports the others), in declared order, with the kinds each counts.
fn measurable(fw: &Framework) -> Vec<(&framework::schema::Trigger, Vec<String>)> {
    fw.triggers
        .iter()
        .filter(|t| t.window.is_some() && t.threshold.is_some())
        .map(|t| {
            let kinds = if t.kinds.is_empty() {
                default_kinds(t.category)
            } else {
                t.kinds.clone()
            };
            (t, kinds)
        })
        .collect()
}

impl Compiled {
    /// Compiles one version of a framework, its triggers, kinds and targets
    /// numbered as in `universe` (which must include them).
    pub fn within(fw: &Framework, universe: &Universe) -> Result<Compiled, Vec<String>> {
        let Some(meta) = &fw.meta else {
            return Err(vec!["the framework has no `[framework]` table".into()]);
        };
        let mut problems = Vec::new();
        let names = |sorted: Vec<String>, what: &str, problems: &mut Vec<String>| {
            Names::new(sorted, what).unwrap_or_else(|e| {
                problems.push(e);
                Names::default()
            })
        };
        let has = |p: &framework::schema::Party, role: Role| p.roles.contains(&role);

        // Parties.
        let party_set: BTreeSet<String> = fw.parties.iter().map(|p| p.id.clone()).collect();
        let parties = names(party_set.into_iter().collect(), "parties", &mut problems);
        let mut protected = vec![false; parties.len()];
        let mut adversary = vec![false; parties.len()];
        for p in &fw.parties {
            if let Some(ix) = parties.get(&p.id) {
                let ix = usize::from(ix);
                if has(p, Role::ProtectedState)
                    && let Some(slot) = protected.get_mut(ix)
                {
                    *slot = true;
                }
                if has(p, Role::Adversary)
                    && let Some(slot) = adversary.get_mut(ix)
                {
                    *slot = true;
                }
            }
        }

        // Source classes (a later declaration of an id wins, as in a map).
        let class_map: BTreeMap<&str, &framework::schema::SourceClass> = fw
            .source_classes
            .iter()
            .map(|c| (c.id.as_str(), c))
            .collect();
        let classes = names(
            class_map.keys().map(|k| (*k).to_string()).collect(),
            "source classes",
            &mut problems,
        );
        let class_info: Vec<ClassInfo> = class_map
            .values()
            .map(|c| {
                let mut operated_by = Bits::new(parties.len());
                for p in &c.operated_by {
                    if let Some(ix) = parties.get(p) {
                        operated_by.insert(usize::from(ix));
                    }
                }
                ClassInfo {
                    operated_by,
                    neutral: c.neutral,
                    late_max: c.late_max,
                }
            })
            .collect();

        // Weapon models.
        let weapon_set: BTreeSet<String> = fw.weapon_models.iter().map(|m| m.id.clone()).collect();
        let weapon_parent: BTreeMap<String, String> = fw
            .weapon_models
            .iter()
            .filter_map(|m| m.parent.clone().map(|p| (m.id.clone(), p)))
            .collect();
        let weapons = names(
            weapon_set.into_iter().collect(),
            "weapon models",
            &mut problems,
        );
        let weapon_within: Vec<Bits> = (0..weapons.len())
            .map(|a| {
                let a = weapons.name(a as Ix);
                let mut row = Bits::new(weapons.len());
                row.insert(usize::from(weapons.get(a).unwrap_or(0)));
                for ix in walk_chain(&weapon_parent, &weapons, a)
                    .into_iter()
                    .take(CHAIN_STEPS_MAX - 1)
                {
                    row.insert(usize::from(ix));
                }
                row
            })
            .collect();

        // Zones.
        let zone_map: BTreeMap<&str, &framework::schema::Zone> =
            fw.zones.iter().map(|z| (z.id.as_str(), z)).collect();
        let zone_parent: BTreeMap<String, String> = zone_map
            .iter()
            .filter_map(|(id, z)| z.within.clone().map(|p| ((*id).to_string(), p)))
            .collect();
        let zones = names(
            zone_map.keys().map(|k| (*k).to_string()).collect(),
            "zones",
            &mut problems,
        );
        let zone_info: Vec<ZoneInfo> = zone_map
            .iter()
            .enumerate()
            .map(|(ix, (id, z))| {
                let geometry = fw.geometry.get(*id).cloned();
                let chain = walk_chain(&zone_parent, &zones, id);
                let mut within = Bits::new(zones.len());
                within.insert(ix);
                for a in chain.iter().take(CHAIN_STEPS_MAX - 1) {
                    within.insert(usize::from(*a));
                }
                ZoneInfo {
                    kind: z.kind,
                    prepared: geometry
                        .as_ref()
                        .filter(|_| z.kind == ZoneKind::Area)
                        .map(geo::PreparedArea::new),
                    bbox: geometry.as_ref().and_then(geo::bounding_box),
                    geometry,
                    depth: walk_depth(&zone_parent, &zones, id),
                    within,
                    chain,
                }
            })
            .collect();
        let with_geometry = |kind: ZoneKind| -> Vec<Ix> {
            zone_info
                .iter()
                .enumerate()
                .filter(|(_, z)| z.kind == kind && z.geometry.is_some())
                .map(|(i, _)| i as Ix)
                .collect()
        };
        let (areas, lines) = (with_geometry(ZoneKind::Area), with_geometry(ZoneKind::Line));
        let mut areas_by_depth = areas.clone();
        areas_by_depth.sort_by_key(|&z| {
            let depth = zone_info.get(usize::from(z)).map_or(0, |info| info.depth);
            (std::cmp::Reverse(depth), z)
        });

        // Standards.
        let standard_map: BTreeMap<&str, &framework::schema::EvidenceStandard> =
            fw.standards.iter().map(|s| (s.id.as_str(), s)).collect();
        let standard_ix: BTreeMap<&str, Ix> = standard_map
            .keys()
            .enumerate()
            .map(|(i, k)| (*k, i as Ix))
            .collect();
        if standard_map.len() > IDS_MAX {
            problems.push(format!(
                "the framework declares {} standards; the engine takes at most {IDS_MAX}",
                standard_map.len()
            ));
        }
        let standards: Vec<StandardInfo> = standard_map
            .values()
            .map(|s| {
                let mut accepted = Bits::new(classes.len());
                let mut reviewers = Bits::new(parties.len());
                for c in &s.classes {
                    if let Some(ix) = classes.get(c) {
                        accepted.insert(usize::from(ix));
                        if let Some(info) = class_info.get(usize::from(ix))
                            && info.neutral
                        {
                            for p in 0..parties.len() {
                                if info.operated_by.contains(p) {
                                    reviewers.insert(p);
                                }
                            }
                        }
                    }
                }
                StandardInfo {
                    id: s.id.clone(),
                    classes: accepted,
                    required: s
                        .independent_classes
                        .unwrap_or(1)
                        .max(s.independent_parties.unwrap_or(1))
                        .max(1) as usize,
                    neutral: s.neutral,
                    min_confidence: s.min_confidence.map(|m| m.get()),
                    attribution: s.attribution.as_ref().map(|rule| AttributionRule {
                        min_confidence: rule.min_confidence.get(),
                        basis: rule.basis.clone(),
                        by: rule.by.as_ref().map(|b| classes.get(b)),
                        by_name: rule.by.clone(),
                    }),
                    review: s.review.clone(),
                    reviewers,
                }
            })
            .collect();

        // Triggers, and the kinds and targets they name (those of every version).
        let kinds = names(
            universe.kinds.iter().cloned().collect(),
            "observation kinds",
            &mut problems,
        );
        let targets = names(
            universe.targets.iter().cloned().collect(),
            "target categories",
            &mut problems,
        );
        let mut kind_triggers = vec![Vec::new(); kinds.len()];
        let mut triggers: Vec<Option<TriggerInfo>> =
            (0..universe.triggers.len()).map(|_| None).collect();
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (t, trigger_kinds) in measurable(fw) {
            let (Some(window), Some(threshold)) = (t.window, t.threshold) else {
                continue;
            };
            let occurrence = seen.entry(t.id.as_str()).or_insert(0);
            let key = (t.id.clone(), *occurrence);
            *occurrence += 1;
            let Some(i) = universe.triggers.iter().position(|k| *k == key) else {
                problems.push(format!(
                    "trigger `{}` is missing from the engine's table of triggers",
                    t.id
                ));
                continue;
            };
            for k in &trigger_kinds {
                if let Some(list) = kinds
                    .get(k)
                    .and_then(|ix| kind_triggers.get_mut(usize::from(ix)))
                {
                    list.push(i);
                }
            }
            let weapon_ok = (!t.weapons.is_empty()).then(|| {
                (0..weapons.len())
                    .map(|w| {
                        let w = weapons.name(w as Ix);
                        t.weapons.iter().any(|tw| {
                            walk_within(&weapon_parent, w, tw) || walk_within(&weapon_parent, tw, w)
                        })
                    })
                    .collect()
            });
            let standard = match &t.standard {
                None => StandardRef::None,
                Some(s) => match standard_ix.get(s.as_str()) {
                    Some(ix) => StandardRef::Known(*ix),
                    None => StandardRef::Undeclared(s.clone()),
                },
            };
            let info = TriggerInfo {
                id: t.id.clone(),
                category: t.category,
                weapons: weapon_ok,
                targets: (!t.target_categories.is_empty()).then(|| {
                    t.target_categories
                        .iter()
                        .filter_map(|x| targets.get(x))
                        .collect()
                }),
                zones: (!t.zones.is_empty())
                    .then(|| t.zones.iter().filter_map(|z| zones.get(z)).collect()),
                window,
                window_text: window.to_string(),
                accumulate_text: t
                    .accumulate
                    .as_ref()
                    .map(|a| a.window.to_string())
                    .unwrap_or_default(),
                threshold,
                count: t.count.unwrap_or(CountKind::Incidents),
                range_end: t.range_end.unwrap_or(RangeEnd::Low),
                standard,
                accumulate: t.accumulate.clone(),
            };
            if let Some(slot) = triggers.get_mut(i) {
                *slot = Some(info);
            }
        }
        for list in &mut kind_triggers {
            list.sort_unstable();
            list.dedup();
        }

        // Who may record an amendment.
        let mut amenders = Bits::new(parties.len());
        let amenders_text = match &meta.amendment {
            Some(rule) => {
                for p in rule.electorate.iter().chain(&rule.veto) {
                    if let Some(ix) = parties.get(p) {
                        amenders.insert(usize::from(ix));
                    }
                }
                "a party of the electorate of `[framework.amendment]`".to_string()
            }
            None => {
                for p in fw.parties.iter().filter(|p| has(p, Role::Guarantor)) {
                    if let Some(ix) = parties.get(&p.id) {
                        amenders.insert(usize::from(ix));
                    }
                }
                "a guarantor (the framework has no `[framework.amendment]` rule)".to_string()
            }
        };
        for (ix, is_adversary) in adversary.iter().enumerate() {
            if *is_adversary && amenders.contains(ix) {
                amenders.remove(ix);
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }

        let slack = fw.fusion.time_slack;
        let reach = triggers
            .iter()
            .flatten()
            .flat_map(|t| [Some(t.window), t.accumulate.as_ref().map(|a| a.window)])
            .flatten()
            .fold(slack, Duration::max);
        let horizon = class_info
            .iter()
            .filter_map(|c| c.late_max)
            .fold(reach, Duration::max);
        Ok(Compiled {
            id: meta.id.clone(),
            version: meta.version.clone(),
            hash: fw.hash_hex(),
            parties,
            protected,
            adversary,
            classes,
            class_info,
            weapons,
            weapon_within,
            zones,
            zone_info,
            areas_by_depth,
            lines,
            kinds,
            kind_triggers,
            targets,
            standards,
            triggers,
            amenders,
            amenders_text,
            supersedes: meta.supersedes.clone(),
            fusion: fw.fusion.clone(),
            horizon,
            reach,
        })
    }

    /// Trigger `t` (its index in the universe), if this version has it.
    #[inline]
    pub fn trigger(&self, t: usize) -> Option<&TriggerInfo> {
        self.triggers.get(t).and_then(Option::as_ref)
    }

    /// Why `other` cannot be a later version of this framework in one
    /// engine: its incidents name parties, source classes, zones and
    /// weapon models by index, so every version must declare the same ones.
    pub fn compatible(&self, other: &Compiled) -> Vec<String> {
        let mut problems = Vec::new();
        if self.id != other.id {
            problems.push(format!(
                "it is framework `{}`, not `{}`: an amendment amends the same framework",
                other.id, self.id
            ));
        }
        for (what, a, b) in [
            ("parties", &self.parties, &other.parties),
            ("source classes", &self.classes, &other.classes),
            ("zones", &self.zones, &other.zones),
            ("weapon models", &self.weapons, &other.weapons),
        ] {
            if a.all() != b.all() {
                let added: Vec<&str> = b
                    .all()
                    .iter()
                    .filter(|n| a.get(n).is_none())
                    .map(String::as_str)
                    .collect();
                let removed: Vec<&str> = a
                    .all()
                    .iter()
                    .filter(|n| b.get(n).is_none())
                    .map(String::as_str)
                    .collect();
                problems.push(format!(
                    "it changes the {what} (added: {}; removed: {}); the engine takes amendments that keep the same {what} — such a change needs a new framework",
                    list_or_none(&added),
                    list_or_none(&removed)
                ));
            }
        }
        problems
    }

    pub fn class(&self, c: Ix) -> Option<&ClassInfo> {
        self.class_info.get(usize::from(c))
    }

    pub fn zone(&self, z: Ix) -> Option<&ZoneInfo> {
        self.zone_info.get(usize::from(z))
    }

    pub fn standard(&self, s: Ix) -> Option<&StandardInfo> {
        self.standards.get(usize::from(s))
    }

    /// Whether weapon model `a` is `b` or refines it.
    #[inline]
    pub fn weapon_within(&self, a: Ix, b: Ix) -> bool {
        self.weapon_within
            .get(usize::from(a))
            .is_some_and(|row| row.contains(usize::from(b)))
    }

    /// Whether two reported weapon models can be the same weapon.
    #[inline]
    pub fn weapons_compatible(&self, a: Option<Ix>, b: Option<Ix>) -> bool {
        match (a, b) {
            (Some(a), Some(b)) => self.weapon_within(a, b) || self.weapon_within(b, a),
            _ => true,
        }
    }

    /// Whether zone `a` is `b` or lies within it.
    #[inline]
    pub fn zone_within(&self, a: Ix, b: Ix) -> bool {
        self.zone(a)
            .is_some_and(|z| z.within.contains(usize::from(b)))
    }

    /// Depth of a zone in the containment chain (0 for a top-level zone).
    pub fn zone_depth(&self, z: Ix) -> usize {
        self.zone(z).map_or(0, |z| z.depth)
    }

    /// Whether area zone `z` contains point `p` (its box first).
    #[inline]
    pub fn area_contains(&self, z: Ix, p: Point) -> bool {
        self.zone(z).is_some_and(|info| {
            info.bbox.is_some_and(|b| b.contains(p))
                && info.prepared.as_ref().is_some_and(|g| g.contains(p))
        })
    }

    /// The most specific area zone containing a point (deepest; among
    /// equals, the first id), if any.
    pub fn zone_of_point(&self, p: Point) -> Option<Ix> {
        self.areas_by_depth
            .iter()
            .copied()
            .find(|&z| self.area_contains(z, p))
    }

    /// The line zones a track crosses, ascending.
    pub fn lines_crossed(&self, track: &[Point]) -> Vec<Ix> {
        let Some(bbox) = BoundingBox::of_points(track) else {
            return Vec::new();
        };
        self.lines
            .iter()
            .copied()
            .filter(|&z| {
                self.zone(z).is_some_and(|info| {
                    info.bbox.is_some_and(|b| b.overlaps(&bbox))
                        && info
                            .geometry
                            .as_ref()
                            .is_some_and(|g| geo::crosses(g, track))
                })
            })
            .collect()
    }
}
