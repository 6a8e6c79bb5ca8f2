//! Triggers over windows → breaches → certification against evidence
//! standards, with the technical cell's review clock.
//!
//! While a breach is open, the evidence it rests on is summarised as it
//! grows — the highest confidence per (party, class) group, whether an
//! attribution meets the standard — and the standard is judged again only
//! when that summary changes. A re-report (`derived_from`) can take evidence
//! away again, so a breach holding one is judged from all its reports.

use base::Timestamp;
use framework::independence::{self, Source};
use framework::schema::{Category, CountKind, Outcome, RangeEnd};
use model::Finding;
use serde::{Deserialize, Serialize};

use crate::compile::{AttributionRule, Compiled, Ix, StandardInfo, StandardRef, TriggerInfo};
use crate::decision::{Breach, BreachStatus, CountRange, Decision, TriggerWindow};
use crate::fusion::{
    self, BreachRef, Inc, IncRef, Kind, Obs, Text, combine, contest_reasons, label,
};
use crate::state::{Engine, Slab};

/// A breach candidate of one trigger, and what became of it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct BreachState {
    pub view: Breach,
    pub n: u64,
    /// Its trigger, by index in the engine's `Universe`.
    pub trigger: usize,
    /// The framework version it binds to (index in `Engine::versions`):
    /// the one in force when its threshold was crossed. Its count, evidence
    /// standard and review follow that version's rules for good.
    pub version: usize,
    /// Its incidents, in order of opening.
    pub members: Vec<IncRef>,
    /// The explanation's first sentence (the threshold crossed).
    headline: String,
    evidence: Evidence,
    /// Members not yet forgotten (without history).
    pub held: usize,
    /// Members that may be forgotten once the review ends (without history).
    pub waiting: Vec<IncRef>,
}

/// What an open breach's evidence amounts to, kept as reports join.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Evidence {
    /// Per member: how many of its observations are summarised.
    folded: Vec<usize>,
    /// Highest confidence per (party, class), ascending by group.
    groups: Vec<(Ix, Ix, u16)>,
    /// A group appeared since independence was last measured.
    regrouped: bool,
    /// Independent sources the groups offer, and whether they meet the standard.
    matched: usize,
    independent: bool,
    /// Some report carries an attribution the standard accepts.
    attributed: bool,
    /// Some report is derived from another: summarise from all reports.
    derived: bool,
    /// What the standard still misses, as judged on the summary; `None`
    /// once the summary changed (or before it was judged).
    missing: Option<Missing>,
}

/// What keeps an open breach from certification. Put in words only when a
/// view is built: while evidence trickles in, it is judged again and again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
enum Missing {
    /// The trigger names no standard, or one not declared.
    Standard,
    Independence,
    Confidence(u16),
    Attribution,
}

/// Up to this many evidence groups, independence is measured without
/// allocating (`small`); beyond, by `framework::independence` itself.
const SMALL: usize = 16;

/// `framework::independence` for a few groups, on the stack: the same rule
/// (a maximum matching between classes and parties; with a neutral source
/// required, one neutral group fixed and a matching among the groups
/// independent of it), the same numbers.
mod small {
    use super::SMALL;
    use crate::compile::Ix;

    /// The largest number of groups with pairwise distinct classes and parties.
    fn matching(groups: &[(Ix, Ix)]) -> usize {
        // Left: classes; right: parties; adjacency as bit rows.
        let (mut classes, mut parties) = ([0 as Ix; SMALL], [0 as Ix; SMALL]);
        let (mut nc, mut np) = (0usize, 0usize);
        let mut adjacency = [0u32; SMALL];
        for &(party, class) in groups {
            let c = match classes.iter().take(nc).position(|x| *x == class) {
                Some(c) => c,
                None => {
                    if let Some(slot) = classes.get_mut(nc) {
                        *slot = class;
                    }
                    nc += 1;
                    nc - 1
                }
            };
            let p = match parties.iter().take(np).position(|x| *x == party) {
                Some(p) => p,
                None => {
                    if let Some(slot) = parties.get_mut(np) {
                        *slot = party;
                    }
                    np += 1;
                    np - 1
                }
            };
            if let Some(row) = adjacency.get_mut(c) {
                *row |= 1 << p;
            }
        }
        fn augment(c: usize, adjacency: &[u32], owner: &mut [usize], visited: &mut u32) -> bool {
            let mut row = adjacency.get(c).copied().unwrap_or(0);
            while row != 0 {
                let p = row.trailing_zeros() as usize;
                row &= row - 1;
                if *visited & (1 << p) != 0 {
                    continue;
                }
                *visited |= 1 << p;
                let held = owner.get(p).copied().unwrap_or(usize::MAX);
                if held == usize::MAX || augment(held, adjacency, owner, visited) {
                    if let Some(o) = owner.get_mut(p) {
                        *o = c;
                    }
                    return true;
                }
            }
            false
        }
        let mut owner = [usize::MAX; SMALL];
        let adjacency = adjacency.get(..nc).unwrap_or_default();
        (0..nc)
            .filter(|&c| augment(c, adjacency, &mut owner, &mut 0))
            .count()
    }

    /// (largest matching, whether the standard's independence is met) for
    /// at most `SMALL` (party, class, confidence) groups.
    pub(super) fn independence(
        groups: &[(Ix, Ix, u16)],
        required: usize,
        neutral: bool,
        is_neutral: impl Fn(Ix) -> bool,
    ) -> (usize, bool) {
        let mut pairs = [(0 as Ix, 0 as Ix); SMALL];
        let n = groups.len().min(SMALL);
        for (slot, g) in pairs.iter_mut().zip(groups) {
            *slot = (g.0, g.1);
        }
        let pairs = pairs.get(..n).unwrap_or_default();
        let matched = matching(pairs);
        if !neutral {
            return (matched, matched >= required);
        }
        let met = pairs
            .iter()
            .filter(|(_, class)| is_neutral(*class))
            .any(|&(party, class)| {
                let mut rest = [(0 as Ix, 0 as Ix); SMALL];
                let mut k = 0;
                for &(p, c) in pairs {
                    if p != party && c != class {
                        if let Some(slot) = rest.get_mut(k) {
                            *slot = (p, c);
                        }
                        k += 1;
                    }
                }
                1 + matching(rest.get(..k).unwrap_or_default()) >= required
            });
        (matched, met)
    }

    #[cfg(test)]
    mod tests {
        use framework::independence::{self, Source};

        #[test]
        fn measures_as_the_framework_does() {
            let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
            let mut next = |n: u64| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed % n
            };
            for _ in 0..20_000 {
                let len = next(9) as usize;
                let mut groups: Vec<(u16, u16, u16)> = Vec::new();
                for _ in 0..len {
                    let g = (next(5) as u16, next(6) as u16, 0);
                    if !groups.iter().any(|x| (x.0, x.1) == (g.0, g.1)) {
                        groups.push(g);
                    }
                }
                groups.sort_unstable();
                let neutral_classes = next(64);
                let is_neutral = |c: u16| neutral_classes & (1 << c) != 0;
                let sources: Vec<Source<u16, u16>> = groups
                    .iter()
                    .map(|&(party, class, _)| Source {
                        class,
                        party,
                        neutral: is_neutral(class),
                    })
                    .collect();
                for required in 1..5 {
                    for neutral in [false, true] {
                        assert_eq!(
                            super::independence(&groups, required, neutral, is_neutral),
                            (
                                independence::max_matching(&sources),
                                independence::independent(required, neutral, &sources)
                            ),
                            "{groups:?} {required} {neutral} {neutral_classes:b}"
                        );
                    }
                }
            }
        }
    }
}

fn count_word(count: CountKind) -> &'static str {
    match count {
        CountKind::Launched => "launched",
        CountKind::Destroyed => "destroyed",
        CountKind::Hit => "hit",
        CountKind::NotReached => "not reaching their target",
        CountKind::Incidents => "incidents",
        CountKind::Crossings => "crossings",
        CountKind::Casualties => "casualties",
    }
}

fn end_word(end: RangeEnd) -> &'static str {
    match end {
        RangeEnd::Low => "low",
        RangeEnd::High => "high",
    }
}

fn category_word(category: Category) -> &'static str {
    framework::check::category_name(category)
}

fn first_sentence(explanation: &str) -> String {
    // Neither separator in it (the common case): the whole of it.
    if !explanation.bytes().any(|b| b == b';' || b == 0xE2) {
        return explanation.to_string();
    }
    explanation
        .split(" — not certified yet")
        .next()
        .unwrap_or(explanation)
        .split("; ")
        .next()
        .unwrap_or(explanation)
        .to_string()
}

fn trigger_count(t: &TriggerInfo, inc: &Inc) -> u64 {
    let r = inc.count(t.count);
    match t.range_end {
        RangeEnd::Low => r.low,
        RangeEnd::High => r.high,
    }
}

/// Whether an observation's attribution meets a standard's rule.
fn attributes(fw: &Compiled, rule: &AttributionRule, o: &Obs) -> bool {
    o.attribution().is_some_and(|a| {
        fw.parties
            .get(&a.actor)
            .is_some_and(|p| fw.adversary.get(usize::from(p)).copied().unwrap_or(false))
            && a.confidence_bp >= rule.min_confidence
            && (rule.basis.is_empty() || a.basis.iter().any(|b| rule.basis.contains(b)))
    }) && rule.by.is_none_or(|by| by == Some(o.class))
}

/// A breach's evidence: its members' reports of the standard's classes.
fn evidence<'a>(
    incidents: &'a Slab<Inc>,
    members: &'a [IncRef],
    standard: &'a StandardInfo,
) -> impl Iterator<Item = &'a Obs> + 'a {
    members
        .iter()
        .filter_map(|m| incidents.get(m.slot).filter(|inc| inc.n == m.n))
        .flat_map(|inc| inc.obs.iter())
        .filter(|o| standard.classes.contains(usize::from(o.class)))
}

/// The reports that count: a re-report of another report in hand is not
/// independent evidence.
fn usable<'a>(all: &[&'a Obs]) -> Vec<&'a Obs> {
    if all.iter().all(|o| o.derived_from().is_empty()) {
        return all.to_vec();
    }
    all.iter()
        .copied()
        .filter(|o| {
            !o.derived_from()
                .iter()
                .any(|d| !o.input.is(d) && all.iter().any(|x| x.input.is(d)))
        })
        .collect()
}

impl Evidence {
    /// Summarises the members' reports not yet summarised; forgets the
    /// verdict if the summary changed.
    fn fold(
        &mut self,
        fw: &Compiled,
        incidents: &Slab<Inc>,
        members: &[IncRef],
        standard: &StandardInfo,
    ) {
        self.folded.resize(members.len(), 0);
        let mut fresh = false;
        let mut changed = false;
        for (m, folded) in members.iter().zip(self.folded.iter_mut()) {
            let Some(inc) = incidents.get(m.slot).filter(|inc| inc.n == m.n) else {
                continue;
            };
            for o in inc.obs.iter().skip(*folded) {
                if !standard.classes.contains(usize::from(o.class)) {
                    continue;
                }
                fresh = true;
                self.derived |= !o.derived_from().is_empty();
                if self.derived {
                    continue;
                }
                match fusion::add_to_group(&mut self.groups, o.party, o.class, o.confidence) {
                    Some(true) => {
                        self.regrouped = true;
                        changed = true;
                    }
                    Some(false) => changed = true,
                    None => {}
                }
                if !self.attributed
                    && let Some(rule) = &standard.attribution
                    && attributes(fw, rule, o)
                {
                    self.attributed = true;
                    changed = true;
                }
            }
            *folded = inc.obs.len();
        }
        if self.derived && fresh {
            let all: Vec<&Obs> = evidence(incidents, members, standard).collect();
            let usable = usable(&all);
            self.groups = fusion::groups(usable.iter().copied());
            self.attributed = standard
                .attribution
                .as_ref()
                .is_some_and(|rule| usable.iter().any(|o| attributes(fw, rule, o)));
            self.regrouped = true;
            changed = true;
        }
        if changed {
            self.missing = None;
        }
    }

    /// Whether the summary meets the standard: Ok with a description of the
    /// evidence, or Err with what is missing.
    fn judge(
        &mut self,
        fw: &Compiled,
        incidents: &Slab<Inc>,
        members: &[IncRef],
        standard: &StandardInfo,
    ) -> Result<String, Missing> {
        if self.regrouped {
            (self.matched, self.independent) = if self.groups.len() <= SMALL {
                small::independence(&self.groups, standard.required, standard.neutral, |class| {
                    fw.class(class).is_some_and(|c| c.neutral)
                })
            } else {
                let sources = self.sources(fw);
                (
                    independence::max_matching(&sources),
                    independence::independent(standard.required, standard.neutral, &sources),
                )
            };
            self.regrouped = false;
        }
        if !self.independent {
            return Err(Missing::Independence);
        }
        let confidence = self.confidence();
        if let Some(min) = standard.min_confidence
            && confidence < min
        {
            return Err(Missing::Confidence(confidence));
        }
        let mut attributed = String::new();
        if let Some(rule) = &standard.attribution {
            let found = if self.attributed {
                let all: Vec<&Obs> = evidence(incidents, members, standard).collect();
                usable(&all)
                    .into_iter()
                    .find(|o| attributes(fw, rule, o))
                    .and_then(|o| o.attribution().map(|a| (o, a)))
            } else {
                None
            };
            let Some((o, a)) = found else {
                return Err(Missing::Attribution);
            };
            attributed = format!(
                "; attributed to `{}` by {} at {} bp ({})",
                a.actor,
                o.input,
                a.confidence_bp,
                a.basis.join(", ")
            );
        }
        let mut text = Text::with_capacity(160)
            .s("standard `")
            .s(&standard.id)
            .s("` met: ")
            .n(self.matched as u64)
            .s(" independent sources of ")
            .n(standard.required as u64)
            .s(" needed (");
        for (k, &(p, c, _)) in self.groups.iter().enumerate() {
            if k > 0 {
                text = text.s(", ");
            }
            text = text.s(fw.parties.name(p)).s("/").s(fw.classes.name(c));
        }
        Ok(text
            .s("), confidence ")
            .n(u64::from(confidence))
            .s(" bp")
            .s(&attributed)
            .done())
    }

    fn sources(&self, fw: &Compiled) -> Vec<Source<Ix, Ix>> {
        self.groups
            .iter()
            .map(|&(party, class, _)| Source {
                class,
                party,
                neutral: fw.class(class).is_some_and(|c| c.neutral),
            })
            .collect()
    }

    fn confidence(&self) -> u16 {
        combine(self.groups.iter().map(|g| g.2))
    }

    /// The groups in words: `party/class`.
    fn described(&self, fw: &Compiled) -> Vec<String> {
        self.groups
            .iter()
            .map(|&(p, c, _)| format!("{}/{}", fw.parties.name(p), fw.classes.name(c)))
            .collect()
    }

    /// What is missing, in words.
    fn explain(&self, fw: &Compiled, trigger: &TriggerInfo, missing: Missing) -> String {
        let standard = match &trigger.standard {
            StandardRef::Known(s) => fw.standard(*s),
            StandardRef::None | StandardRef::Undeclared(_) => None,
        };
        let (Some(standard), false) = (standard, missing == Missing::Standard) else {
            return match &trigger.standard {
                StandardRef::Undeclared(sid) => format!("standard `{sid}` is not declared"),
                StandardRef::Known(_) | StandardRef::None => {
                    "the trigger names no evidence standard".into()
                }
            };
        };
        let sid = &standard.id;
        match missing {
            Missing::Standard | Missing::Independence => {
                let neutral = if standard.neutral {
                    ", one of them neutral"
                } else {
                    ""
                };
                let described = self.described(fw);
                format!(
                    "standard `{sid}` needs {} independent sources{neutral}; the evidence offers {} ({})",
                    standard.required,
                    self.matched,
                    if described.is_empty() {
                        "none".to_string()
                    } else {
                        described.join(", ")
                    }
                )
            }
            Missing::Confidence(confidence) => format!(
                "standard `{sid}` needs confidence {} bp; combined confidence is {confidence} bp",
                standard.min_confidence.unwrap_or(0)
            ),
            Missing::Attribution => {
                let (min, by) = standard
                    .attribution
                    .as_ref()
                    .map(|rule| (rule.min_confidence, rule.by_name.as_deref()))
                    .unwrap_or((0, None));
                format!(
                    "standard `{sid}` needs an attribution to the adversary at {min} bp or more on an accepted basis{}",
                    by.map(|b| format!(" from `{b}`")).unwrap_or_default()
                )
            }
        }
    }
}

impl BreachState {
    /// Forgets the evidence summary, so that the standard is judged again
    /// from every report (after a retraction took one away).
    pub(crate) fn reset_evidence(&mut self) {
        self.evidence = Evidence::default();
    }

    /// The explanation's first sentence (the threshold crossed).
    pub(crate) fn headline(&self) -> &str {
        &self.headline
    }

    /// The breach as reports show it: while it is open, its explanation
    /// says what the standard still misses.
    pub fn view(&self, fw: &Compiled) -> Breach {
        let mut view = self.view.clone();
        if view.status == BreachStatus::Open
            && let (Some(missing), Some(trigger)) =
                (self.evidence.missing, fw.trigger(self.trigger))
        {
            view.explanation = format!(
                "{} — not certified yet: {}",
                self.headline,
                self.evidence.explain(fw, trigger, missing)
            );
        }
        view
    }
}

impl Engine {
    // ------------------------------------------------------------ triggers

    /// Every trigger of the version in force, with the incidents not yet
    /// in a breach of it that the window ending at the engine's "now"
    /// holds (observed within it), and what they count. Before any input,
    /// every window is empty.
    pub fn trigger_windows(&self) -> Vec<TriggerWindow> {
        (0..self.free.len())
            .filter_map(|t| {
                let trigger = self.fw.trigger(t)?;
                let mut incidents = Vec::new();
                let mut count = 0u64;
                if let Some(now) = self.now() {
                    let start = now.minus(trigger.window);
                    let free = self.free.get(t)?;
                    let mut held: Vec<(u64, &Inc)> = free
                        .range((start, 0, 0)..=(now, u64::MAX, usize::MAX))
                        .filter_map(|&(_, n, slot)| Some((n, self.incident(IncRef { n, slot })?)))
                        .filter(|(_, x)| x.from >= start)
                        .collect();
                    held.sort_unstable_by_key(|(n, _)| *n);
                    for (_, x) in held {
                        let c = trigger_count(trigger, x);
                        count = count.saturating_add(c);
                        incidents.push((x.label().to_string(), c));
                    }
                }
                Some(TriggerWindow {
                    trigger: trigger.id.clone(),
                    window: trigger.window_text.clone(),
                    threshold: u64::try_from(trigger.threshold).unwrap_or(0),
                    count,
                    incidents,
                })
            })
            .collect()
    }

    pub(crate) fn trigger_matches(&self, t: &TriggerInfo, inc: &Inc) -> bool {
        // An unreported model is compatible with any: the kind already says
        // what was launched, and a missing detail must not hide a breach.
        if let (Some(compatible), Some(w)) = (&t.weapons, inc.weapon)
            && !compatible.get(usize::from(w)).copied().unwrap_or(false)
        {
            return false;
        }
        if let Some(targets) = &t.targets
            && !inc.targets.iter().any(|x| targets.contains(x))
        {
            return false;
        }
        if let Some(zones) = &t.zones {
            let inside = zones
                .iter()
                .any(|&z| match self.fw.zone(z).map(|z| z.kind) {
                    Some(framework::schema::ZoneKind::Line) => inc.lines.contains(&z),
                    Some(framework::schema::ZoneKind::Area) => {
                        inc.areas.iter().any(|&a| self.fw.zone_within(a, z))
                            || inc.anchor.is_some_and(|p| self.fw.area_contains(z, p))
                    }
                    None => false,
                });
            if !inside {
                return false;
            }
        }
        true
    }

    /// Runs the triggers that count incident `i`'s kind after it changed.
    pub(crate) fn triggers_for(&mut self, i: IncRef, recorded: Timestamp, out: &mut Vec<Decision>) {
        let Some(Kind::Known(k)) = self.incident(i).map(|inc| inc.kind.clone()) else {
            return;
        };
        let count = self
            .fw
            .kind_triggers
            .get(usize::from(k))
            .map_or(0, Vec::len);
        for idx in 0..count {
            let Some(&t) = self
                .fw
                .kind_triggers
                .get(usize::from(k))
                .and_then(|l| l.get(idx))
            else {
                continue;
            };
            let (Some(trigger), Some(inc)) = (self.fw.trigger(t), self.incident(i)) else {
                continue;
            };
            if let Some(b) = inc.breach_for(t) {
                self.refresh_breach(b, recorded, out);
                continue;
            }
            if !inc.triggers.contains(&t) {
                if !self.trigger_matches(trigger, inc) {
                    continue;
                }
                let to = inc.to;
                if let Some(inc) = self.incidents.get_mut(i.slot) {
                    inc.triggers.push(t);
                }
                if let Some(free) = self.free.get_mut(t) {
                    free.insert((to, i.n, i.slot));
                }
            }
            self.try_open(t, i, recorded, out);
        }
        if self.versions.len() > 1 {
            self.refresh_bound_elsewhere(i, k, recorded, out);
        }
    }

    /// After an amendment, an incident may belong to a breach whose trigger
    /// the version in force no longer runs on its kind: that breach, bound
    /// to its own version, still sees the evidence that joins.
    fn refresh_bound_elsewhere(
        &mut self,
        i: IncRef,
        k: Ix,
        recorded: Timestamp,
        out: &mut Vec<Decision>,
    ) {
        let Some(inc) = self.incident(i) else {
            return;
        };
        let running = self.fw.kind_triggers.get(usize::from(k));
        let others: Vec<BreachRef> = inc
            .breaches
            .iter()
            .filter(|(t, _)| !running.is_some_and(|l| l.contains(t)))
            .map(|(_, b)| *b)
            .collect();
        for b in others {
            self.refresh_breach(b, recorded, out);
        }
    }

    /// Opens a breach of trigger `t` if the free incidents in a window
    /// around incident `i` reach the threshold, or accumulate enough.
    fn try_open(&mut self, t: usize, i: IncRef, recorded: Timestamp, out: &mut Vec<Decision>) {
        let mut near = std::mem::take(&mut self.scratch);
        let opened = self.window_reached(t, i, &mut near);
        self.scratch = near;
        if let Some((members, sum, accumulated, explanation)) = opened {
            self.open_breach(t, members, sum, accumulated, explanation, recorded, out);
        }
    }

    /// The members, count, kind and explanation of a breach of trigger `t`
    /// that incident `i` completes, if it completes one.
    fn window_reached(
        &self,
        t: usize,
        i: IncRef,
        near: &mut Vec<(Timestamp, u64, usize)>,
    ) -> Option<(Vec<IncRef>, u64, bool, String)> {
        let (Some(trigger), Some(inc), Some(free)) =
            (self.fw.trigger(t), self.incident(i), self.free.get(t))
        else {
            return None;
        };
        if trigger.threshold <= 0 {
            return None;
        }
        let threshold = u64::try_from(trigger.threshold).unwrap_or(u64::MAX);
        // Windows containing incident i end between its end and its start + window;
        // their members end between its end − window and its start + window.
        let lo = inc.to.minus(trigger.window);
        let hi = inc.from.plus(trigger.window);
        near.clear();
        // An incident that lasts longer than two windows (reports chained
        // over days) fits in no window: nothing to gather (and a range whose
        // start is after its end would not be one).
        if lo <= hi {
            near.extend(free.range((lo, 0, 0)..=(hi, u64::MAX, usize::MAX)).copied());
        }
        for &(anchor, _, _) in near.iter().filter(|(end, _, _)| *end >= inc.to) {
            let start = anchor.minus(trigger.window);
            let mut sum = 0u64;
            let mut timely = false;
            let mut has_i = false;
            for &(_, n, slot) in near.iter() {
                let Some(x) = self.incident(IncRef { n, slot }) else {
                    continue;
                };
                if x.from >= start && x.to <= anchor {
                    sum = sum.saturating_add(trigger_count(trigger, x));
                    timely |= x.timely;
                    has_i |= n == i.n;
                }
            }
            if has_i && timely && sum >= threshold {
                let mut members: Vec<IncRef> = near
                    .iter()
                    .map(|&(_, n, slot)| IncRef { n, slot })
                    .filter(|m| {
                        self.incident(*m)
                            .is_some_and(|x| x.from >= start && x.to <= anchor)
                    })
                    .collect();
                members.sort_unstable();
                let explanation = Text::with_capacity(160)
                    .s("trigger `")
                    .s(&trigger.id)
                    .s("`: ")
                    .n(sum)
                    .s(" ")
                    .s(count_word(trigger.count))
                    .s(" (")
                    .s(end_word(trigger.range_end))
                    .s(" end) within ")
                    .s(&trigger.window_text)
                    .s(" (observed ")
                    .t(start)
                    .s(" to ")
                    .t(anchor)
                    .s(") reached the threshold of ")
                    .n(threshold)
                    .done();
                return Some((members, sum, false, explanation));
            }
        }
        if let Some(acc) = &trigger.accumulate
            && acc.incidents > 0
        {
            // Sub-threshold probing: enough incidents within the accumulation window.
            let start = inc.to.minus(acc.window);
            let mut members: Vec<IncRef> = free
                .range((start, 0, 0)..=(inc.to, u64::MAX, usize::MAX))
                .map(|&(_, n, slot)| IncRef { n, slot })
                .filter(|m| self.incident(*m).is_some_and(|x| x.timely))
                .collect();
            if members.len() >= acc.incidents as usize && members.contains(&i) {
                members.sort_unstable();
                let sum: u64 = members
                    .iter()
                    .filter_map(|m| self.incident(*m))
                    .map(|x| trigger_count(trigger, x))
                    .sum();
                let explanation = Text::with_capacity(160)
                    .s("trigger `")
                    .s(&trigger.id)
                    .s("`: ")
                    .n(members.len() as u64)
                    .s(" incidents below its threshold within ")
                    .s(&trigger.accumulate_text)
                    .s(" (observed ")
                    .t(start)
                    .s(" to ")
                    .t(inc.to)
                    .s(") reached the accumulation limit of ")
                    .n(u64::from(acc.incidents))
                    .done();
                return Some((members, sum, true, explanation));
            }
        }
        None
    }

    #[allow(clippy::too_many_arguments)]
    fn open_breach(
        &mut self,
        t: usize,
        members: Vec<IncRef>,
        sum: u64,
        accumulated: bool,
        explanation: String,
        recorded: Timestamp,
        out: &mut Vec<Decision>,
    ) {
        let Some(trigger) = self.fw.trigger(t) else {
            return;
        };
        // Where amendments are possible, say which version the breach binds to.
        let explanation = if self.versions.len() > 1 {
            format!(
                "{explanation}, under framework version {} (sha256 {})",
                self.fw.version,
                crate::state::short(&self.fw.hash)
            )
        } else {
            explanation
        };
        self.breaches_opened += 1;
        let n = self.breaches_opened;
        let id = label('B', n);
        let view = Breach {
            id: id.clone(),
            trigger: trigger.id.clone(),
            category: category_word(trigger.category).to_string(),
            opened_at: recorded,
            certified_at: None,
            status: BreachStatus::Open,
            review_deadline: None,
            incidents: members
                .iter()
                .filter_map(|m| self.incident(*m))
                .map(|inc| inc.label().to_string())
                .collect(),
            count: CountRange {
                low: sum,
                high: sum,
            },
            accumulated,
            framework_version: self.fw.version.clone(),
            framework_hash: self.fw.hash.clone(),
            explanation: explanation.clone(),
        };
        out.push(Decision::BreachOpened {
            at: recorded,
            breach: id,
            trigger: trigger.id.clone(),
            explanation: explanation.clone(),
        });
        let slot = self.breaches.insert(BreachState {
            view,
            n,
            trigger: t,
            version: self.in_force,
            headline: first_sentence(&explanation),
            evidence: Evidence::default(),
            held: members.len(),
            waiting: Vec::new(),
            members: Vec::new(),
        });
        let b = BreachRef { n, slot };
        self.breach_slots.insert(n, slot);
        for m in &members {
            let end = self.incident(*m).map(|x| x.to);
            if let (Some(free), Some(end)) = (self.free.get_mut(t), end) {
                free.remove(&(end, m.n, m.slot));
            }
            if let Some(inc) = self.incidents.get_mut(m.slot).filter(|x| x.n == m.n) {
                inc.breaches.push((t, b));
            }
        }
        if let Some(state) = self.breach_mut(b) {
            state.members = members;
        }
        self.refresh_breach(b, recorded, out);
    }

    // ------------------------------------------------------------ retraction

    /// Whether breach `b`'s members, as they stand now, still reach its
    /// trigger: Ok with the rule in words, or Err with why not. A member
    /// counts only while it still holds a report and still matches the
    /// trigger; as when a breach opens, some member must have arrived in
    /// time (an older observation cannot make a breach alone).
    pub(crate) fn still_reached(&self, b: BreachRef) -> Result<String, String> {
        let state = self.breach_state(b).ok_or("the breach is not held")?;
        let fw = self
            .version_of(state)
            .ok_or("its framework version is unknown")?;
        let trigger = fw.trigger(state.trigger).ok_or("its trigger is unknown")?;
        let live: Vec<&Inc> = state
            .members
            .iter()
            .filter_map(|m| self.incident(*m))
            .filter(|inc| !inc.is_empty() && self.trigger_matches(trigger, inc))
            .collect();
        let timely = live.iter().any(|inc| inc.timely);
        if state.view.accumulated {
            let need = trigger
                .accumulate
                .as_ref()
                .map_or(u32::MAX, |a| a.incidents);
            let have = live.iter().filter(|inc| inc.timely).count() as u64;
            return if have >= u64::from(need) {
                Ok(format!(
                    "trigger `{}`: {have} incidents below its threshold within {} still reach the accumulation limit of {need}",
                    trigger.id, trigger.accumulate_text
                ))
            } else {
                Err(format!(
                    "trigger `{}`: {have} incidents reported in time remain, below the accumulation limit of {need} within {}",
                    trigger.id, trigger.accumulate_text
                ))
            };
        }
        let threshold = u64::try_from(trigger.threshold).unwrap_or(u64::MAX);
        let sum: u64 = live.iter().map(|inc| trigger_count(trigger, inc)).sum();
        let what = format!(
            "{sum} {} ({} end) within {}",
            count_word(trigger.count),
            end_word(trigger.range_end),
            trigger.window_text
        );
        match (sum >= threshold && threshold > 0, timely) {
            (true, true) => Ok(format!(
                "trigger `{}`: {what} still reach the threshold of {threshold}",
                trigger.id
            )),
            (false, _) => Err(format!(
                "trigger `{}`: {what} remain, below the threshold of {threshold}",
                trigger.id
            )),
            (true, false) => Err(format!(
                "trigger `{}`: {what} remain, but only from reports recorded after their class's late limit, which cannot make a breach alone",
                trigger.id
            )),
        }
    }

    /// Judges breach `b`'s evidence standard afresh on every report its
    /// incidents hold now: Ok with the evidence in words, or Err with what
    /// is missing.
    pub(crate) fn standard_afresh(&self, b: BreachRef) -> Result<String, String> {
        let state = self.breach_state(b).ok_or("the breach is not held")?;
        let fw = self
            .version_of(state)
            .ok_or("its framework version is unknown")?;
        let trigger = fw.trigger(state.trigger).ok_or("its trigger is unknown")?;
        let standard = match &trigger.standard {
            StandardRef::Known(s) => fw.standard(*s),
            StandardRef::None | StandardRef::Undeclared(_) => None,
        };
        let mut evidence = Evidence::default();
        let verdict = match standard {
            Some(standard) => {
                evidence.fold(fw, &self.incidents, &state.members, standard);
                evidence.judge(fw, &self.incidents, &state.members, standard)
            }
            None => Err(Missing::Standard),
        };
        verdict.map_err(|missing| evidence.explain(fw, trigger, missing))
    }

    /// Whether incident `i` still matches trigger `t` (after a retraction).
    pub(crate) fn still_matches(&self, t: usize, i: IncRef) -> bool {
        match (self.fw.trigger(t), self.incident(i)) {
            (Some(trigger), Some(inc)) => !inc.is_empty() && self.trigger_matches(trigger, inc),
            _ => false,
        }
    }

    /// Re-evaluates a breach after a retraction changed its evidence (the
    /// review a retraction opens); see `refresh_breach` for the open case.
    pub(crate) fn rejudge_open(
        &mut self,
        b: BreachRef,
        recorded: Timestamp,
        out: &mut Vec<Decision>,
    ) {
        if let Some(state) = self.breach_mut(b) {
            state.reset_evidence();
        }
        self.refresh_breach(b, recorded, out);
    }

    // ------------------------------------------------------------ certification

    /// The first reason any of a breach's incidents is contested.
    fn breach_contest(&self, state: &BreachState) -> Option<String> {
        state
            .members
            .iter()
            .filter_map(|m| self.incident(*m))
            .filter(|inc| inc.contested())
            .flat_map(contest_reasons)
            .next()
    }

    /// Re-evaluates a breach after its evidence changed.
    pub(crate) fn refresh_breach(
        &mut self,
        b: BreachRef,
        recorded: Timestamp,
        out: &mut Vec<Decision>,
    ) {
        let Engine {
            versions,
            incidents,
            breaches,
            clocks,
            ..
        } = self;
        let Some(state) = breaches.get_mut(b.slot).filter(|s| s.n == b.n) else {
            return;
        };
        let Some(fw) = versions.get(state.version) else {
            return;
        };
        let Some(trigger) = fw.trigger(state.trigger) else {
            return;
        };
        // Keep the count current.
        let (mut low, mut high) = (0u64, 0u64);
        for inc in state
            .members
            .iter()
            .filter_map(|m| incidents.get(m.slot).filter(|x| x.n == m.n))
        {
            let r = inc.count(trigger.count);
            low = low.saturating_add(r.low);
            high = high.saturating_add(r.high);
        }
        if trigger.count == CountKind::Incidents {
            // Members whose every report was retracted count nothing.
            let emptied = state
                .members
                .iter()
                .filter_map(|m| incidents.get(m.slot).filter(|x| x.n == m.n))
                .filter(|x| x.is_empty())
                .count();
            let n = state.members.len().saturating_sub(emptied) as u64;
            (low, high) = (n, n);
        }
        state.view.count = CountRange { low, high };
        if state.view.status != BreachStatus::Open {
            return;
        }
        let standard = match &trigger.standard {
            StandardRef::Known(s) => fw.standard(*s),
            StandardRef::None | StandardRef::Undeclared(_) => None,
        };
        if let Some(standard) = standard {
            state.evidence.fold(fw, incidents, &state.members, standard);
        }
        if state.evidence.missing.is_some() {
            // The same evidence summary: the same verdict, nothing changes.
            return;
        }
        let verdict = match standard {
            Some(standard) => state
                .evidence
                .judge(fw, incidents, &state.members, standard),
            None => Err(Missing::Standard),
        };
        let evidence = match verdict {
            Ok(evidence) => evidence,
            Err(missing) => {
                state.evidence.missing = Some(missing);
                return;
            }
        };
        let review = standard.and_then(|s| s.review.clone());
        let base = state.headline.clone();
        let id = state.view.id.clone();
        let trigger_id = state.view.trigger.clone();
        let n = state.n;
        let contested = state
            .members
            .iter()
            .filter_map(|m| incidents.get(m.slot).filter(|x| x.n == m.n))
            .filter(|inc| inc.contested())
            .flat_map(contest_reasons)
            .next();
        match (contested, review.as_ref().and_then(|r| r.duration)) {
            (_, Some(duration)) => {
                let deadline = recorded.plus(duration);
                state.view.status = BreachStatus::UnderReview;
                state.view.review_deadline = Some(deadline);
                state.view.explanation = Text::with_capacity(base.len() + evidence.len() + 64)
                    .s(&base)
                    .s("; ")
                    .s(&evidence)
                    .s("; review by the technical cell until ")
                    .t(deadline)
                    .done();
                clocks.insert((deadline, n));
                out.push(Decision::ReviewOpened {
                    at: recorded,
                    breach: id,
                    deadline,
                });
            }
            (Some(reason), None) => {
                state.view.status = BreachStatus::Escalated;
                state.view.explanation = format!(
                    "{base}; {evidence}; contested ({reason}): escalated to leaders' sign-off"
                );
                out.push(Decision::Escalated {
                    at: recorded,
                    breach: id,
                    reason,
                });
            }
            (None, None) => {
                state.view.status = BreachStatus::Certified;
                state.view.certified_at = Some(recorded);
                state.view.explanation = Text::with_capacity(base.len() + evidence.len() + 2)
                    .s(&base)
                    .s("; ")
                    .s(&evidence)
                    .done();
                out.push(Decision::Certified {
                    at: recorded,
                    breach: id,
                    trigger: trigger_id,
                    explanation: state.view.explanation.clone(),
                });
            }
        }
        state.evidence = Evidence::default();
    }

    // ------------------------------------------------------------ reviews

    /// The breach a review names: held, once held (and forgotten), or none.
    pub(crate) fn find_breach(&self, id: &str) -> Result<BreachRef, bool> {
        let n = id
            .strip_prefix('B')
            .and_then(|digits| digits.parse::<u64>().ok())
            .filter(|n| (1..=self.breaches_opened).contains(n) && label('B', *n) == id);
        let Some(n) = n else {
            return Err(false);
        };
        match self.breach_slots.get(&n) {
            Some(&slot) => Ok(BreachRef { n, slot }),
            None => Err(true),
        }
    }

    pub(crate) fn review(
        &mut self,
        recorded: Timestamp,
        r: &model::Review,
        out: &mut Vec<Decision>,
    ) -> Result<(), String> {
        let party = self.party_known(&r.id.party)?;
        let b = match self.find_breach(&r.breach) {
            Ok(b) => b,
            // Forgotten breaches were never under review.
            Err(true) => return Err(format!("breach `{}` is not under review", r.breach)),
            Err(false) => return Err(format!("there is no breach `{}`", r.breach)),
        };
        let state = self.breach_state(b).ok_or("no such breach")?;
        if state.view.status != BreachStatus::UnderReview {
            return Err(format!("breach `{}` is not under review", r.breach));
        }
        let fw = self.version_of(state).ok_or("unknown framework version")?;
        let trigger = fw.trigger(state.trigger).ok_or("unknown trigger")?;
        let standard = match &trigger.standard {
            StandardRef::Known(s) => fw.standard(*s),
            _ => None,
        }
        .ok_or("no standard")?;
        if !standard.reviewers.contains(usize::from(party)) {
            return Err(format!(
                "`{}` may not review breach `{}`: reviews come from the parties operating a neutral source class of standard `{}`",
                r.id.party, r.breach, standard.id
            ));
        }
        out.push(Decision::Accepted {
            at: recorded,
            input: r.id.clone(),
        });
        let Some(state) = self.breach_mut(b) else {
            return Ok(());
        };
        let id = state.view.id.clone();
        let base = state.view.explanation.clone();
        let deadline = state.view.review_deadline;
        match r.finding {
            Finding::Certify => {
                state.view.status = BreachStatus::Certified;
                state.view.certified_at = Some(recorded);
                state.view.explanation = format!("{base}; certified by the review of {}", r.id);
                out.push(Decision::Certified {
                    at: recorded,
                    breach: id,
                    trigger: state.view.trigger.clone(),
                    explanation: state.view.explanation.clone(),
                });
            }
            Finding::Reject => {
                state.view.status = BreachStatus::Closed;
                state.view.explanation = format!("{base}; rejected by the review of {}", r.id);
                out.push(Decision::Closed {
                    at: recorded,
                    breach: id,
                    reason: format!("rejected by the review of {}", r.id),
                });
            }
            Finding::Contest => {
                state.view.status = BreachStatus::Escalated;
                state.view.explanation = format!(
                    "{base}; contested by the review of {}: escalated to leaders' sign-off",
                    r.id
                );
                out.push(Decision::Escalated {
                    at: recorded,
                    breach: id,
                    reason: format!("contested by the review of {}", r.id),
                });
            }
        }
        if let Some(deadline) = deadline {
            self.clocks.remove(&(deadline, b.n));
        }
        self.review_ended(b);
        Ok(())
    }

    /// The review clock of breach number `n` ran out at `deadline`.
    pub(crate) fn review_expired(&mut self, n: u64, deadline: Timestamp, out: &mut Vec<Decision>) {
        let Some(&slot) = self.breach_slots.get(&n) else {
            return;
        };
        let b = BreachRef { n, slot };
        let Some(state) = self.breach_state(b) else {
            return;
        };
        if state.view.status != BreachStatus::UnderReview {
            return;
        }
        let contested = self.breach_contest(state);
        let fw = self.version_of(state);
        let outcome = fw
            .and_then(|fw| fw.trigger(state.trigger).map(|t| (fw, t)))
            .and_then(|(fw, t)| match &t.standard {
                StandardRef::Known(s) => fw.standard(*s),
                _ => None,
            })
            .and_then(|s| s.review.as_ref())
            .and_then(|r| r.on_expiry);
        let Some(state) = self.breach_mut(b) else {
            return;
        };
        let id = state.view.id.clone();
        let base = state.view.explanation.clone();
        // A contested breach is never certified because a clock ran out.
        let outcome = match (&contested, outcome) {
            (Some(_), _) | (None, Some(Outcome::Escalate)) => Outcome::Escalate,
            (None, Some(Outcome::Fire)) => Outcome::Fire,
            (None, Some(Outcome::Lapse) | None) => Outcome::Lapse,
        };
        match outcome {
            Outcome::Fire => {
                state.view.status = BreachStatus::Certified;
                state.view.certified_at = Some(deadline);
                state.view.explanation = Text::with_capacity(base.len() + 96)
                    .s(&base)
                    .s("; the review clock ran out at ")
                    .t(deadline)
                    .s(": certified, as the standard says")
                    .done();
                out.push(Decision::Certified {
                    at: deadline,
                    breach: id,
                    trigger: state.view.trigger.clone(),
                    explanation: state.view.explanation.clone(),
                });
            }
            Outcome::Lapse => {
                state.view.status = BreachStatus::Closed;
                state.view.explanation = Text::with_capacity(base.len() + 64)
                    .s(&base)
                    .s("; the review clock ran out at ")
                    .t(deadline)
                    .s(": lapsed")
                    .done();
                out.push(Decision::Closed {
                    at: deadline,
                    breach: id,
                    reason: "the review clock ran out: lapsed".into(),
                });
            }
            Outcome::Escalate => {
                let reason = match &contested {
                    Some(r) => Text::with_capacity(r.len() + 56)
                        .s("the review clock ran out on a contested breach (")
                        .s(r)
                        .s(")")
                        .done(),
                    None => "the review clock ran out: escalate, as the standard says".into(),
                };
                state.view.status = BreachStatus::Escalated;
                state.view.explanation = Text::with_capacity(base.len() + reason.len() + 40)
                    .s(&base)
                    .s("; ")
                    .s(&reason)
                    .s(": escalated to leaders' sign-off")
                    .done();
                out.push(Decision::Escalated {
                    at: deadline,
                    breach: id,
                    reason,
                });
            }
        }
        self.review_ended(b);
    }
}
