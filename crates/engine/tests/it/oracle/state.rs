//! The engine's state machine: validation, fusion, counting, triggers,
//! certification and the review clock.
//!
//! Indexes keep every step proportional to what is near in time, not to
//! history: incidents are found per kind by start time, and each trigger
//! keeps its not-yet-breached incidents by end time.

use std::collections::{BTreeMap, BTreeSet};

use base::Timestamp;
use framework::Framework;
use framework::independence::{self, Source};
use framework::schema::{Category, CountKind, Outcome, RangeEnd, ZoneKind};
use model::{Attribution, Counts, Finding, Input, InputId, Observation, Point};

use super::compile::{Compiled, TriggerInfo};
use engine::{Breach, BreachStatus, CountRange, Decision, Incident, SourceRef};

/// Recorded in reports: replaying with other code reports divergences
/// instead of rewriting history.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Why the engine cannot run a framework or take a call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EngineError {
    /// The framework has problems the engine cannot work around.
    Framework(Vec<String>),
    /// Recorded time went backwards.
    TimeWentBack { last: Timestamp, given: Timestamp },
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EngineError::Framework(problems) => {
                write!(f, "the framework cannot be run: {}", problems.join("; "))
            }
            EngineError::TimeWentBack { last, given } => {
                write!(f, "recorded time went back from {last} to {given}")
            }
        }
    }
}

impl std::error::Error for EngineError {}

/// One observation as an incident holds it.
#[derive(Clone, Debug)]
struct Obs {
    input: InputId,
    class: String,
    neutral: bool,
    confidence: u16,
    late: bool,
    from: Timestamp,
    to: Timestamp,
    counts: Counts,
    /// The area it reports for: its zone, the zone containing its point, or none.
    area: Option<String>,
    point: Option<Point>,
    /// Lines its track crosses, or the line it names for a crossing.
    lines: Vec<String>,
    weapon: Option<String>,
    target: Option<String>,
    attribution: Option<Attribution>,
    derived_from: Vec<InputId>,
}

/// Number of count kinds cached per incident (see `count_slot`).
const COUNT_KINDS: usize = 7;

const ALL_COUNTS: [CountKind; COUNT_KINDS] = [
    CountKind::Launched,
    CountKind::Destroyed,
    CountKind::Hit,
    CountKind::NotReached,
    CountKind::Crossings,
    CountKind::Casualties,
    CountKind::Incidents,
];

fn count_slot(kind: CountKind) -> usize {
    match kind {
        CountKind::Launched => 0,
        CountKind::Destroyed => 1,
        CountKind::Hit => 2,
        CountKind::NotReached => 3,
        CountKind::Crossings => 4,
        CountKind::Casualties => 5,
        CountKind::Incidents => 6,
    }
}

#[derive(Clone, Debug, Default)]
struct Inc {
    n: usize,
    kind: String,
    weapon: Option<String>,
    from: Timestamp,
    to: Timestamp,
    obs: Vec<Obs>,
    /// The first point reported: fusion measures distances from it.
    anchor: Option<Point>,
    /// The distinct areas reported for.
    areas: Vec<String>,
    /// Count ranges per count kind, recomputed when an observation joins.
    counts: [CountRange; COUNT_KINDS],
    /// Attribution actors named by its observations.
    actors: BTreeSet<String>,
    /// True while every observation comes from the protected state.
    only_protected: bool,
    /// True once an observation arrived within its class's `late_max`.
    timely: bool,
    /// Triggers it matches, ascending.
    triggers: Vec<usize>,
}

impl Inc {
    fn label(&self) -> String {
        format!("I{}", self.n)
    }

    fn count(&self, kind: CountKind) -> CountRange {
        self.counts
            .get(count_slot(kind))
            .copied()
            .unwrap_or_default()
    }
}

#[derive(Clone, Debug)]
struct BreachState {
    view: Breach,
    trigger: usize,
    incidents: Vec<usize>,
}

/// The engine over one framework.
#[derive(Debug)]
pub struct Engine {
    fw: Compiled,
    now: Option<Timestamp>,
    /// Accepted inputs by identity, for duplicates and conflicts.
    seen: BTreeMap<InputId, Input>,
    incidents: Vec<Inc>,
    /// Fusion index: per kind, incidents by (start, index).
    by_kind: BTreeMap<String, BTreeSet<(Timestamp, usize)>>,
    /// Per kind, the longest incident so far, in ms (bounds the index search).
    span_max: BTreeMap<String, i64>,
    /// Per kind, the triggers that count it.
    kind_triggers: BTreeMap<String, Vec<usize>>,
    /// Per trigger: matching incidents not yet in one of its breaches, by (end, index).
    free: Vec<BTreeSet<(Timestamp, usize)>>,
    /// Per trigger: incident → breach it belongs to.
    assigned: Vec<BTreeMap<usize, usize>>,
    breaches: Vec<BreachState>,
    /// Retracted observations: identity → (when, by which retraction).
    retracted: BTreeMap<InputId, (Timestamp, InputId)>,
}

impl Engine {
    pub fn new(framework: &Framework) -> Result<Engine, EngineError> {
        let fw = Compiled::new(framework).map_err(EngineError::Framework)?;
        let n = fw.triggers.len();
        let mut kind_triggers: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (t, trigger) in fw.triggers.iter().enumerate() {
            for kind in &trigger.kinds {
                kind_triggers.entry(kind.clone()).or_default().push(t);
            }
        }
        Ok(Engine {
            fw,
            now: None,
            seen: BTreeMap::new(),
            incidents: Vec::new(),
            by_kind: BTreeMap::new(),
            span_max: BTreeMap::new(),
            kind_triggers,
            free: vec![BTreeSet::new(); n],
            assigned: vec![BTreeMap::new(); n],
            breaches: Vec::new(),
            retracted: BTreeMap::new(),
        })
    }

    /// Applies one input recorded at `recorded` (which never goes back);
    /// first fires every clock whose deadline is at or before it.
    pub fn submit(
        &mut self,
        recorded: Timestamp,
        input: &Input,
    ) -> Result<Vec<Decision>, EngineError> {
        let mut out = self.advance(recorded)?;
        let id = input.id();
        if let Some(previous) = self.seen.get(id) {
            if previous == input {
                out.push(Decision::Duplicate {
                    at: recorded,
                    input: id.clone(),
                });
            } else {
                out.push(Decision::Rejected {
                    at: recorded,
                    input: id.clone(),
                    reason: "a different input with the same identity (party, source, message) was already recorded; send a new message id".into(),
                });
            }
            return Ok(out);
        }
        let problems = input.validate();
        let result = match input {
            _ if !problems.is_empty() => Err(problems.join("; ")),
            Input::Observation(o) => self.observation(recorded, o, &mut out),
            Input::Review(r) => self.review(recorded, r, &mut out),
            // The oracle models one framework version; the differential runs
            // never send it an amendment (tests/it/amend.rs covers those).
            Input::Retraction(r) => self.retraction(recorded, r, &mut out),
            _ => self.party_known(&id.party).map(|()| {
                out.push(Decision::Accepted {
                    at: recorded,
                    input: id.clone(),
                })
            }),
        };
        match result {
            Ok(()) => {
                self.seen.insert(id.clone(), input.clone());
            }
            Err(reason) => out.push(Decision::Rejected {
                at: recorded,
                input: id.clone(),
                reason,
            }),
        }
        Ok(out)
    }

    /// Applies inputs that share one recorded time. Their order is fixed
    /// here — by identity, then canonical bytes — so that the sequencer's
    /// arrival order of simultaneous inputs never changes a decision.
    pub fn submit_batch(
        &mut self,
        recorded: Timestamp,
        inputs: &[Input],
    ) -> Result<Vec<Decision>, EngineError> {
        let mut ordered: Vec<(&InputId, Vec<u8>, &Input)> = inputs
            .iter()
            .map(|i| (i.id(), model::canonical::to_vec(i), i))
            .collect();
        ordered.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        let mut out = self.advance(recorded)?;
        for (_, _, input) in ordered {
            out.extend(self.submit(recorded, input)?);
        }
        Ok(out)
    }

    /// Moves "now" to `now`, firing the clocks whose deadline is at or before it.
    pub fn advance(&mut self, now: Timestamp) -> Result<Vec<Decision>, EngineError> {
        if let Some(last) = self.now
            && now < last
        {
            return Err(EngineError::TimeWentBack { last, given: now });
        }
        self.now = Some(now);
        let mut out = Vec::new();
        // Clocks fire in deadline order, then breach order.
        let mut due: Vec<(Timestamp, usize)> = self
            .breaches
            .iter()
            .enumerate()
            .filter(|(_, b)| b.view.status == BreachStatus::UnderReview)
            .filter_map(|(i, b)| b.view.review_deadline.filter(|d| *d <= now).map(|d| (d, i)))
            .collect();
        due.sort();
        for (deadline, b) in due {
            self.review_expired(b, deadline, &mut out);
        }
        Ok(out)
    }

    /// The incidents, as reports show them.
    pub fn incidents(&self) -> Vec<Incident> {
        self.incidents
            .iter()
            .map(|i| self.incident_view(i))
            .collect()
    }

    /// The breaches, as reports show them.
    pub fn breaches(&self) -> Vec<Breach> {
        self.breaches.iter().map(|b| b.view.clone()).collect()
    }

    fn party_known(&self, party: &str) -> Result<(), String> {
        if self.fw.parties.contains(party) {
            Ok(())
        } else {
            Err(format!(
                "`{party}` is not a party of framework `{}`",
                self.fw.id
            ))
        }
    }

    // ------------------------------------------------------------ observations

    fn observation(
        &mut self,
        recorded: Timestamp,
        o: &Observation,
        out: &mut Vec<Decision>,
    ) -> Result<(), String> {
        let party = o.id.party.as_str();
        self.party_known(party)?;
        let class = self.fw.classes.get(&o.class).ok_or_else(|| {
            format!(
                "source class `{}` is not declared in the framework",
                o.class
            )
        })?;
        if !class.operated_by.contains(party) {
            return Err(format!(
                "`{party}` does not operate source class `{}`",
                o.class
            ));
        }
        let end = o.observed.end();
        if end < o.observed.from {
            return Err("the observed interval ends before it starts".into());
        }
        if o.confidence_bp > 10_000 {
            return Err(format!(
                "confidence {} is above 10000 basis points",
                o.confidence_bp
            ));
        }
        if end > recorded.plus(self.fw.fusion.future_max) {
            return Err(format!(
                "claims the future: observed until {end}, but recorded at {recorded} (more than {} ahead)",
                self.fw.fusion.future_max
            ));
        }
        if let Some(w) = &o.weapon
            && !self.fw.weapons.contains(w)
        {
            return Err(format!(
                "weapon model `{w}` is not declared in the framework"
            ));
        }
        let late = class
            .late_max
            .is_some_and(|max| recorded.seconds_since(end) > max.seconds());
        let neutral = class.neutral;
        let mut area = None;
        let mut lines = Vec::new();
        if let Some(zone) = &o.place.zone {
            let info = self
                .fw
                .zones
                .get(zone)
                .ok_or_else(|| format!("zone `{zone}` is not declared in the framework"))?;
            match info.kind {
                ZoneKind::Area => area = Some(zone.clone()),
                ZoneKind::Line => lines.push(zone.clone()),
            }
        }
        let point = o.place.point.or_else(|| {
            o.place.track.first().map(|t| Point {
                lon_e7: t.lon_e7,
                lat_e7: t.lat_e7,
            })
        });
        if area.is_none()
            && let Some(p) = point
        {
            area = self.fw.zone_of_point(p);
        }
        if o.place.track.len() >= 2 {
            let track: Vec<Point> = o
                .place
                .track
                .iter()
                .map(|t| Point {
                    lon_e7: t.lon_e7,
                    lat_e7: t.lat_e7,
                })
                .collect();
            for (id, z) in &self.fw.zones {
                if z.kind == ZoneKind::Line
                    && z.geometry
                        .as_ref()
                        .is_some_and(|g| super::geo::crosses(g, &track))
                {
                    lines.push(id.clone());
                }
            }
        }
        // The adversary's word neither contests nor lowers a count.
        let adversary = self.fw.adversaries.contains(party);
        let obs = Obs {
            input: o.id.clone(),
            class: o.class.clone(),
            neutral,
            confidence: o.confidence_bp,
            late,
            from: o.observed.from,
            to: end,
            counts: if adversary {
                Counts::default()
            } else {
                o.counts
            },
            area,
            point,
            lines,
            weapon: o.weapon.clone(),
            target: o.target.clone(),
            attribution: if adversary {
                None
            } else {
                o.attribution.clone()
            },
            derived_from: o.derived_from.clone(),
        };
        out.push(Decision::Accepted {
            at: recorded,
            input: o.id.clone(),
        });
        let protected = self.fw.protected.contains(party);
        let i = match self.find_incident(&o.kind, &obs) {
            Some(i) => {
                self.join(i, obs, protected, recorded, out);
                i
            }
            None => self.open_incident(&o.kind, obs, protected, recorded, out),
        };
        self.triggers_for(i, recorded, out);
        Ok(())
    }

    /// The incident an observation joins: same kind, compatible weapon,
    /// overlapping time (within the slack) and compatible place. Among
    /// several, the one that started last (then the one opened last) wins.
    fn find_incident(&self, kind: &str, obs: &Obs) -> Option<usize> {
        let slack = self.fw.fusion.time_slack;
        let distance_m = i64::from(self.fw.fusion.distance_km) * 1000;
        let index = self.by_kind.get(kind)?;
        let span = self.span_max.get(kind).copied().unwrap_or(0);
        let lowest = Timestamp::from_millis(obs.from.minus(slack).millis().saturating_sub(span));
        let highest = obs.to.plus(slack);
        let fitting: Vec<usize> = index
            .range((lowest, 0)..=(highest, usize::MAX))
            .rev()
            .filter_map(|&(_, i)| {
                let inc = self.incidents.get(i)?;
                let fits = obs.from <= inc.to.plus(slack)
                    && self
                        .fw
                        .weapons_compatible(inc.weapon.as_deref(), obs.weapon.as_deref())
                    && self.places_compatible(inc, obs, distance_m);
                fits.then_some(i)
            })
            .collect();
        // A re-report joins the incident holding what it re-reports, if that fits.
        fitting
            .iter()
            .copied()
            .find(|i| {
                self.incidents
                    .get(*i)
                    .is_some_and(|inc| inc.obs.iter().any(|x| obs.derived_from.contains(&x.input)))
            })
            .or(fitting.first().copied())
    }

    fn places_compatible(&self, inc: &Inc, obs: &Obs, distance_m: i64) -> bool {
        if let (Some(p), Some(q)) = (inc.anchor, obs.point) {
            return super::geo::distance_m_squared(p, q) <= distance_m.saturating_mul(distance_m);
        }
        match &obs.area {
            Some(y) if !inc.areas.is_empty() => inc
                .areas
                .iter()
                .any(|x| self.fw.zone_within(x, y) || self.fw.zone_within(y, x)),
            _ => true,
        }
    }

    fn open_incident(
        &mut self,
        kind: &str,
        obs: Obs,
        protected: bool,
        recorded: Timestamp,
        out: &mut Vec<Decision>,
    ) -> usize {
        let i = self.incidents.len();
        let input = obs.input.clone();
        let mut inc = Inc {
            n: i + 1,
            kind: kind.to_string(),
            weapon: obs.weapon.clone(),
            from: obs.from,
            to: obs.to,
            anchor: obs.point,
            areas: obs.area.iter().cloned().collect(),
            counts: [CountRange::default(); COUNT_KINDS],
            actors: obs.attribution.iter().map(|a| a.actor.clone()).collect(),
            only_protected: protected,
            timely: !obs.late,
            triggers: Vec::new(),
            obs: vec![obs],
        };
        self.recount(&mut inc);
        out.push(Decision::IncidentOpened {
            at: recorded,
            incident: inc.label().into(),
            input,
        });
        if let Some(reason) = contest_reasons(&inc).into_iter().next() {
            out.push(Decision::IncidentContested {
                at: recorded,
                incident: inc.label().into(),
                reason,
            });
        }
        self.by_kind
            .entry(inc.kind.clone())
            .or_default()
            .insert((inc.from, i));
        let span = inc.to.millis() - inc.from.millis();
        let max = self.span_max.entry(inc.kind.clone()).or_insert(0);
        *max = (*max).max(span);
        self.incidents.push(inc);
        i
    }

    /// Adds an observation to incident `i`, keeping the indexes current.
    fn join(
        &mut self,
        i: usize,
        obs: Obs,
        protected: bool,
        recorded: Timestamp,
        out: &mut Vec<Decision>,
    ) {
        let Some(mut inc) = self.incidents.get_mut(i).map(std::mem::take) else {
            return;
        };
        let input = obs.input.clone();
        let was_contested = !contest_reasons(&inc).is_empty();
        let (old_from, old_to) = (inc.from, inc.to);
        inc.from = inc.from.min(obs.from);
        inc.to = inc.to.max(obs.to);
        if let Some(w) = &obs.weapon {
            let more_specific = inc
                .weapon
                .as_deref()
                .is_none_or(|cur| self.fw.weapon_within(w, cur));
            if more_specific {
                inc.weapon = Some(w.clone());
            }
        }
        if inc.anchor.is_none() {
            inc.anchor = obs.point;
        }
        if let Some(a) = &obs.area
            && !inc.areas.contains(a)
        {
            inc.areas.push(a.clone());
        }
        if let Some(a) = &obs.attribution {
            inc.actors.insert(a.actor.clone());
        }
        inc.only_protected &= protected;
        inc.timely |= !obs.late;
        inc.obs.push(obs);
        self.recount(&mut inc);
        out.push(Decision::IncidentJoined {
            at: recorded,
            incident: inc.label().into(),
            input: input.clone(),
        });
        let contested_now = !contest_reasons(&inc).is_empty();
        if !was_contested && let Some(reason) = contest_reasons(&inc).into_iter().next() {
            out.push(Decision::IncidentContested {
                at: recorded,
                incident: inc.label().into(),
                reason,
            });
        } else if was_contested && !contested_now {
            out.push(Decision::IncidentUncontested {
                at: recorded,
                incident: inc.label().into(),
                input,
            });
        }
        if inc.from != old_from
            && let Some(index) = self.by_kind.get_mut(&inc.kind)
        {
            index.remove(&(old_from, i));
            index.insert((inc.from, i));
        }
        let span = inc.to.millis() - inc.from.millis();
        let max = self.span_max.entry(inc.kind.clone()).or_insert(0);
        *max = (*max).max(span);
        if inc.to != old_to {
            for &t in &inc.triggers {
                if let Some(free) = self.free.get_mut(t)
                    && free.remove(&(old_to, i))
                {
                    free.insert((inc.to, i));
                }
            }
        }
        if let Some(slot) = self.incidents.get_mut(i) {
            *slot = inc;
        }
    }

    // ------------------------------------------------------------ counting

    /// Recomputes an incident's cached count ranges.
    fn recount(&self, inc: &mut Inc) {
        let mut counts = [CountRange::default(); COUNT_KINDS];
        for kind in ALL_COUNTS {
            if let Some(slot) = counts.get_mut(count_slot(kind)) {
                *slot = self.count_range(&inc.obs, kind);
            }
        }
        inc.counts = counts;
    }

    /// The range of count `kind` over an incident's observations
    /// (DESIGN "Counting"): per area, direct reports are alternatives;
    /// parts add up; low = max(direct min, Σ parts' lows), high likewise.
    fn count_range(&self, obs: &[Obs], kind: CountKind) -> CountRange {
        if kind == CountKind::Incidents {
            return CountRange { low: 1, high: 1 };
        }
        let value = |o: &Obs| -> Option<u64> {
            let c = &o.counts;
            let v = match kind {
                CountKind::Launched => c.launched,
                CountKind::Destroyed => c.destroyed,
                CountKind::Hit => c.hit,
                CountKind::NotReached => c.not_reached,
                CountKind::Crossings => c.crossings.or((!o.lines.is_empty()).then_some(1)),
                CountKind::Casualties => c.casualties,
                CountKind::Incidents => Some(1),
            };
            v.map(u64::from)
        };
        // Fast path: every report for one area (the common case).
        let mut first_area: Option<&Option<String>> = None;
        let mut one_area = true;
        let (mut lo, mut hi, mut any) = (u64::MAX, 0u64, false);
        for o in obs {
            let Some(v) = value(o) else { continue };
            match first_area {
                None => first_area = Some(&o.area),
                Some(a) if *a != o.area => one_area = false,
                Some(_) => {}
            }
            lo = lo.min(v);
            hi = hi.max(v);
            any = true;
        }
        if !any {
            return CountRange::default();
        }
        if one_area {
            return CountRange { low: lo, high: hi };
        }
        // Direct reports per area ("" = the whole, unspecified).
        let mut direct: BTreeMap<String, (u64, u64)> = BTreeMap::new();
        for o in obs {
            let Some(v) = value(o) else { continue };
            let entry = direct
                .entry(o.area.clone().unwrap_or_default())
                .or_insert((v, v));
            entry.0 = entry.0.min(v);
            entry.1 = entry.1.max(v);
        }
        // Parent of each area: the nearest reported area containing it; "" contains all.
        let parent_of = |area: &str| -> Option<String> {
            if area.is_empty() {
                return None;
            }
            let mut current = area.to_string();
            for _ in 0..64 {
                match self.fw.zones.get(&current).and_then(|z| z.within.clone()) {
                    Some(p) if direct.contains_key(&p) => return Some(p),
                    Some(p) => current = p,
                    None => break,
                }
            }
            direct.contains_key("").then(String::new)
        };
        fn range(
            area: &str,
            direct: &BTreeMap<String, (u64, u64)>,
            children: &BTreeMap<String, Vec<String>>,
            depth: usize,
        ) -> (u64, u64) {
            let (dmin, dmax) = direct.get(area).copied().unwrap_or((0, 0));
            let (mut low, mut high) = (0u64, 0u64);
            if depth < 64 {
                for child in children.get(area).into_iter().flatten() {
                    let (l, h) = range(child, direct, children, depth + 1);
                    low = low.saturating_add(l);
                    high = high.saturating_add(h);
                }
            }
            (dmin.max(low), dmax.max(high))
        }
        let mut children: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut roots = Vec::new();
        for area in direct.keys() {
            match parent_of(area) {
                Some(p) => children.entry(p).or_default().push(area.clone()),
                None => roots.push(area.clone()),
            }
        }
        let (mut low, mut high) = (0u64, 0u64);
        for root in &roots {
            let (l, h) = range(root, &direct, &children, 0);
            low = low.saturating_add(l);
            high = high.saturating_add(h);
        }
        CountRange {
            low,
            high: high.max(low),
        }
    }

    /// The count an incident shows in reports: the first count any report carries.
    fn shown_count(inc: &Inc) -> CountRange {
        if inc.obs.is_empty() {
            return CountRange::default();
        }
        for kind in [
            CountKind::Launched,
            CountKind::Crossings,
            CountKind::Hit,
            CountKind::Destroyed,
            CountKind::NotReached,
            CountKind::Casualties,
        ] {
            let r = inc.count(kind);
            if r.high > 0 {
                return r;
            }
        }
        CountRange { low: 1, high: 1 }
    }

    // ------------------------------------------------------------ triggers

    fn trigger_matches(&self, t: &TriggerInfo, inc: &Inc) -> bool {
        // An unreported model is compatible with any: the kind already says
        // what was launched, and a missing detail must not hide a breach.
        if !t.weapons.is_empty()
            && let Some(w) = &inc.weapon
            && !t
                .weapons
                .iter()
                .any(|tw| self.fw.weapons_compatible(Some(w), Some(tw)))
        {
            return false;
        }
        if !t.targets.is_empty()
            && !inc
                .obs
                .iter()
                .any(|o| o.target.as_ref().is_some_and(|x| t.targets.contains(x)))
        {
            return false;
        }
        if !t.zones.is_empty() {
            let inside = t.zones.iter().any(|z| {
                let Some(zone) = self.fw.zones.get(z) else {
                    return false;
                };
                match zone.kind {
                    ZoneKind::Line => inc.obs.iter().any(|o| o.lines.iter().any(|l| l == z)),
                    ZoneKind::Area => {
                        inc.areas.iter().any(|a| self.fw.zone_within(a, z))
                            || inc.anchor.is_some_and(|p| {
                                zone.geometry
                                    .as_ref()
                                    .is_some_and(|g| super::geo::contains(g, p))
                            })
                    }
                }
            });
            if !inside {
                return false;
            }
        }
        true
    }

    fn trigger_count(t: &TriggerInfo, inc: &Inc) -> u64 {
        let r = inc.count(t.count);
        match t.range_end {
            RangeEnd::Low => r.low,
            RangeEnd::High => r.high,
        }
    }

    /// Runs the triggers that count incident `i`'s kind after it changed.
    fn triggers_for(&mut self, i: usize, recorded: Timestamp, out: &mut Vec<Decision>) {
        let Some(kind) = self.incidents.get(i).map(|inc| inc.kind.clone()) else {
            return;
        };
        let triggers = self.kind_triggers.get(&kind).cloned().unwrap_or_default();
        for t in triggers {
            let (Some(trigger), Some(inc)) = (self.fw.triggers.get(t), self.incidents.get(i))
            else {
                continue;
            };
            if let Some(&b) = self.assigned.get(t).and_then(|a| a.get(&i)) {
                self.refresh_breach(b, recorded, out);
                continue;
            }
            if !inc.triggers.contains(&t) {
                if !self.trigger_matches(trigger, inc) {
                    continue;
                }
                let to = inc.to;
                if let Some(inc) = self.incidents.get_mut(i) {
                    inc.triggers.push(t);
                    inc.triggers.sort_unstable();
                }
                if let Some(free) = self.free.get_mut(t) {
                    free.insert((to, i));
                }
            }
            self.try_open(t, i, recorded, out);
        }
    }

    /// Opens a breach of trigger `t` if the free incidents in a window
    /// around incident `i` reach the threshold, or accumulate enough.
    fn try_open(&mut self, t: usize, i: usize, recorded: Timestamp, out: &mut Vec<Decision>) {
        let (Some(trigger), Some(inc), Some(free)) = (
            self.fw.triggers.get(t),
            self.incidents.get(i),
            self.free.get(t),
        ) else {
            return;
        };
        if trigger.threshold <= 0 {
            return;
        }
        let threshold = u64::try_from(trigger.threshold).unwrap_or(u64::MAX);
        // Windows containing incident i end between its end and its start + window;
        // their members end between its end − window and its start + window.
        let lo = inc.to.minus(trigger.window);
        let hi = inc.from.plus(trigger.window);
        let near: Vec<(Timestamp, usize)> =
            free.range((lo, 0)..=(hi, usize::MAX)).copied().collect();
        for &(anchor, _) in near.iter().filter(|(end, _)| *end >= inc.to) {
            let start = anchor.minus(trigger.window);
            let mut sum = 0u64;
            let mut timely = false;
            let mut members = Vec::new();
            for &(_, j) in &near {
                let Some(x) = self.incidents.get(j) else {
                    continue;
                };
                if x.from >= start && x.to <= anchor {
                    sum = sum.saturating_add(Self::trigger_count(trigger, x));
                    timely |= x.timely;
                    members.push(j);
                }
            }
            if members.contains(&i) && timely && sum >= threshold {
                members.sort_unstable();
                let explanation = format!(
                    "trigger `{}`: {sum} {} ({} end) within {} (observed {start} to {anchor}) reached the threshold of {}",
                    trigger.id,
                    count_word(trigger.count),
                    end_word(trigger.range_end),
                    trigger.window,
                    trigger.threshold
                );
                self.open_breach(t, members, sum, false, explanation, recorded, out);
                return;
            }
        }
        // Sub-threshold probing: enough incidents within the accumulation window.
        let Some(acc) = trigger.accumulate.clone() else {
            return;
        };
        if acc.incidents == 0 {
            return;
        }
        let start = inc.to.minus(acc.window);
        let mut members: Vec<usize> = free
            .range((start, 0)..=(inc.to, usize::MAX))
            .map(|&(_, j)| j)
            .filter(|j| self.incidents.get(*j).is_some_and(|x| x.timely))
            .collect();
        if members.len() >= acc.incidents as usize && members.contains(&i) {
            members.sort_unstable();
            let sum: u64 = members
                .iter()
                .filter_map(|j| self.incidents.get(*j))
                .map(|x| Self::trigger_count(trigger, x))
                .sum();
            let explanation = format!(
                "trigger `{}`: {} incidents below its threshold within {} (observed {start} to {}) reached the accumulation limit of {}",
                trigger.id,
                members.len(),
                acc.window,
                inc.to,
                acc.incidents
            );
            self.open_breach(t, members, sum, true, explanation, recorded, out);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn open_breach(
        &mut self,
        t: usize,
        members: Vec<usize>,
        sum: u64,
        accumulated: bool,
        explanation: String,
        recorded: Timestamp,
        out: &mut Vec<Decision>,
    ) {
        let Some(trigger) = self.fw.triggers.get(t) else {
            return;
        };
        let b = self.breaches.len();
        let id = format!("B{}", b + 1);
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
                .filter_map(|j| self.incidents.get(*j))
                .map(Inc::label)
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
            explanation,
        });
        for j in &members {
            let end = self.incidents.get(*j).map(|x| x.to);
            if let (Some(free), Some(end)) = (self.free.get_mut(t), end) {
                free.remove(&(end, *j));
            }
            if let Some(a) = self.assigned.get_mut(t) {
                a.insert(*j, b);
            }
        }
        self.breaches.push(BreachState {
            view,
            trigger: t,
            incidents: members,
        });
        self.refresh_breach(b, recorded, out);
    }

    // ------------------------------------------------------------ certification

    /// Re-evaluates a breach after its evidence changed.
    fn refresh_breach(&mut self, b: usize, recorded: Timestamp, out: &mut Vec<Decision>) {
        let Some(state) = self.breaches.get(b) else {
            return;
        };
        let Some(trigger) = self.fw.triggers.get(state.trigger) else {
            return;
        };
        // Keep the count current.
        let (mut low, mut high) = (0u64, 0u64);
        for inc in state
            .incidents
            .iter()
            .filter_map(|j| self.incidents.get(*j))
        {
            let r = inc.count(trigger.count);
            low = low.saturating_add(r.low);
            high = high.saturating_add(r.high);
        }
        if trigger.count == CountKind::Incidents {
            // Incidents whose every report was retracted count nothing.
            let n = state
                .incidents
                .iter()
                .filter_map(|j| self.incidents.get(*j))
                .filter(|inc| !inc.obs.is_empty())
                .count() as u64;
            (low, high) = (n, n);
        }
        if state.view.status != BreachStatus::Open {
            if let Some(state) = self.breaches.get_mut(b) {
                state.view.count = CountRange { low, high };
            }
            return;
        }
        let status = state.view.status;
        let verdict = self.evaluate(state);
        let contested = self.breach_contest(state);
        let review = trigger
            .standard
            .as_ref()
            .and_then(|s| self.fw.standards.get(s))
            .and_then(|s| s.review.clone());
        let Some(state) = self.breaches.get_mut(b) else {
            return;
        };
        state.view.count = CountRange { low, high };
        if status != BreachStatus::Open {
            return;
        }
        let Ok(evidence) = verdict else {
            if let Err(missing) = verdict {
                state.view.explanation = format!(
                    "{} — not certified yet: {missing}",
                    first_sentence(&state.view.explanation)
                );
            }
            return;
        };
        let base = first_sentence(&state.view.explanation);
        let id = state.view.id.clone();
        match (contested.first(), review.as_ref().and_then(|r| r.duration)) {
            (_, Some(duration)) => {
                let deadline = recorded.plus(duration);
                state.view.status = BreachStatus::UnderReview;
                state.view.review_deadline = Some(deadline);
                state.view.explanation =
                    format!("{base}; {evidence}; review by the technical cell until {deadline}");
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
                    reason: reason.clone(),
                });
            }
            (None, None) => {
                state.view.status = BreachStatus::Certified;
                state.view.certified_at = Some(recorded);
                state.view.explanation = format!("{base}; {evidence}");
                out.push(Decision::Certified {
                    at: recorded,
                    breach: id,
                    trigger: state.view.trigger.clone(),
                    explanation: state.view.explanation.clone(),
                });
            }
        }
    }

    /// Whether a breach's evidence meets its trigger's standard: Ok with a
    /// description of the evidence, or Err with what is missing.
    fn evaluate(&self, state: &BreachState) -> Result<String, String> {
        let Some(trigger) = self.fw.triggers.get(state.trigger) else {
            return Err("unknown trigger".into());
        };
        let sid = trigger
            .standard
            .as_deref()
            .ok_or("the trigger names no evidence standard")?;
        let standard = self
            .fw
            .standards
            .get(sid)
            .ok_or_else(|| format!("standard `{sid}` is not declared"))?;
        let all: Vec<&Obs> = state
            .incidents
            .iter()
            .filter_map(|j| self.incidents.get(*j))
            .flat_map(|inc| inc.obs.iter())
            .filter(|o| standard.classes.contains(&o.class))
            .collect();
        let ids: BTreeSet<&InputId> = all.iter().map(|o| &o.input).collect();
        // A re-report of another observation in hand is not independent evidence.
        let usable: Vec<&Obs> = all
            .iter()
            .copied()
            .filter(|o| {
                !o.derived_from
                    .iter()
                    .any(|d| ids.contains(d) && *d != o.input)
            })
            .collect();
        let sources: Vec<Source<&str, &str>> = usable
            .iter()
            .map(|o| Source {
                class: o.class.as_str(),
                party: o.input.party.as_str(),
                neutral: o.neutral,
            })
            .collect();
        let required = standard
            .independent_classes
            .unwrap_or(1)
            .max(standard.independent_parties.unwrap_or(1))
            .max(1) as usize;
        let matched = independence::max_matching(&sources);
        let mut groups: BTreeMap<(&str, &str), u16> = BTreeMap::new();
        for o in &usable {
            let g = groups
                .entry((o.input.party.as_str(), o.class.as_str()))
                .or_insert(0);
            *g = (*g).max(o.confidence);
        }
        let confidence = combine(groups.values().copied());
        let described: Vec<String> = groups.keys().map(|(p, c)| format!("{p}/{c}")).collect();
        if !independence::independent(required, standard.neutral, &sources) {
            let neutral = if standard.neutral {
                ", one of them neutral"
            } else {
                ""
            };
            return Err(format!(
                "standard `{sid}` needs {required} independent sources{neutral}; the evidence offers {matched} ({})",
                if described.is_empty() {
                    "none".to_string()
                } else {
                    described.join(", ")
                }
            ));
        }
        if let Some(min) = standard.min_confidence
            && confidence < min.get()
        {
            return Err(format!(
                "standard `{sid}` needs confidence {} bp; combined confidence is {confidence} bp",
                min.get()
            ));
        }
        let mut attributed = String::new();
        if let Some(rule) = &standard.attribution {
            let found = usable.iter().find(|o| {
                o.attribution.as_ref().is_some_and(|a| {
                    self.fw.adversaries.contains(&a.actor)
                        && a.confidence_bp >= rule.min_confidence.get()
                        && (rule.basis.is_empty() || a.basis.iter().any(|b| rule.basis.contains(b)))
                }) && rule.by.as_ref().is_none_or(|by| *by == o.class)
            });
            match found.and_then(|o| o.attribution.as_ref().map(|a| (o, a))) {
                Some((o, a)) => {
                    attributed = format!(
                        "; attributed to `{}` by {} at {} bp ({})",
                        a.actor,
                        o.input,
                        a.confidence_bp,
                        a.basis.join(", ")
                    );
                }
                None => {
                    return Err(format!(
                        "standard `{sid}` needs an attribution to the adversary at {} bp or more on an accepted basis{}",
                        rule.min_confidence.get(),
                        rule.by
                            .as_ref()
                            .map(|b| format!(" from `{b}`"))
                            .unwrap_or_default()
                    ));
                }
            }
        }
        Ok(format!(
            "standard `{sid}` met: {matched} independent sources of {required} needed ({}), confidence {confidence} bp{attributed}",
            described.join(", ")
        ))
    }

    fn breach_contest(&self, state: &BreachState) -> Vec<String> {
        state
            .incidents
            .iter()
            .filter_map(|j| self.incidents.get(*j))
            .flat_map(contest_reasons)
            .collect()
    }

    // ------------------------------------------------------------ retractions

    /// A retraction: only the observation's own party; the observation
    /// leaves its incident, which is recomputed from what remains, and
    /// every breach on the incident is judged again from scratch.
    fn retraction(
        &mut self,
        recorded: Timestamp,
        r: &model::Retraction,
        out: &mut Vec<Decision>,
    ) -> Result<(), String> {
        self.party_known(&r.id.party)?;
        if r.retracts.party != r.id.party {
            return Err(format!(
                "`{}` may not retract `{}`: only `{}`, whose input it is, may retract it",
                r.id.party, r.retracts, r.retracts.party
            ));
        }
        if let Some((at, by)) = self.retracted.get(&r.retracts) {
            return Err(format!(
                "`{}` was already retracted at {at} (by `{by}`): there is nothing left to withdraw",
                r.retracts
            ));
        }
        let mut found = None;
        for (i, inc) in self.incidents.iter().enumerate() {
            if let Some(k) = inc.obs.iter().position(|o| o.input == r.retracts) {
                found = Some((i, k));
            }
        }
        // The longest of every window, late limit and the fusion slack:
        // evidence observed longer ago than that changes no decision.
        let mut horizon = self.fw.fusion.time_slack;
        for t in &self.fw.triggers {
            horizon = horizon.max(t.window);
            if let Some(a) = &t.accumulate {
                horizon = horizon.max(a.window);
            }
        }
        for c in self.fw.classes.values() {
            if let Some(late) = c.late_max {
                horizon = horizon.max(late);
            }
        }
        let Some((i, k)) = found else {
            return Err(if self.seen.contains_key(&r.retracts) {
                format!(
                    "`{}` is not an observation the engine holds: only observations can be retracted (a review stands as recorded; a vote is changed by voting again)",
                    r.retracts
                )
            } else {
                format!(
                    "there is no input `{}` to retract: check its party, source and message id (an observation observed more than {horizon} ago cannot be retracted any more)",
                    r.retracts
                )
            });
        };
        if let Some(o) = self.incidents.get(i).and_then(|inc| inc.obs.get(k))
            && o.from < recorded.minus(horizon)
        {
            return Err(format!(
                "`{}` was observed from {}, more than {horizon} before this retraction was recorded at {recorded}: too old to change any decision (a retraction must come within {horizon}, the longest of the framework's windows, late limits and fusion slack)",
                r.retracts, o.from
            ));
        }
        out.push(Decision::Accepted {
            at: recorded,
            input: r.id.clone(),
        });
        self.retracted
            .insert(r.retracts.clone(), (recorded, r.id.clone()));
        let Some(mut inc) = self.incidents.get_mut(i).map(std::mem::take) else {
            return Ok(());
        };
        let was_contested = !contest_reasons(&inc).is_empty();
        let (old_from, old_to) = (inc.from, inc.to);
        inc.obs.remove(k);
        self.rebuild(&mut inc);
        let label = inc.label();
        let explanation = if inc.obs.is_empty() {
            format!(
                "`{}` retracted its observation `{}` ({}): incident {label} holds no report any more and counts nothing",
                r.id.party, r.retracts, r.reason
            )
        } else {
            let count = Self::shown_count(&inc);
            let mut groups: BTreeMap<(&str, &str), u16> = BTreeMap::new();
            for o in &inc.obs {
                let g = groups
                    .entry((o.input.party.as_str(), o.class.as_str()))
                    .or_insert(0);
                *g = (*g).max(o.confidence);
            }
            let n = inc.obs.len();
            format!(
                "`{}` retracted its observation `{}` ({}): incident {label} now rests on {n} report{}, count {}–{}, confidence {} bp",
                r.id.party,
                r.retracts,
                r.reason,
                if n == 1 { "" } else { "s" },
                count.low,
                count.high,
                combine(groups.values().copied())
            )
        };
        out.push(Decision::ObservationRetracted {
            at: recorded,
            input: r.id.clone(),
            retracts: r.retracts.clone(),
            incident: label.clone(),
            explanation,
        });
        let reasons = contest_reasons(&inc);
        if !was_contested && let Some(reason) = reasons.first() {
            out.push(Decision::IncidentContested {
                at: recorded,
                incident: label.clone().into(),
                reason: reason.clone(),
            });
        } else if was_contested && reasons.is_empty() {
            out.push(Decision::IncidentUncontested {
                at: recorded,
                incident: label.into(),
                input: r.id.clone(),
            });
        }
        let empty = inc.obs.is_empty();
        if let Some(index) = self.by_kind.get_mut(&inc.kind) {
            index.remove(&(old_from, i));
            if !empty {
                index.insert((inc.from, i));
            }
        }
        // Triggers without a breach: in their free set while still matching.
        let mut kept = Vec::new();
        for &t in &inc.triggers {
            let breached = self.assigned.get(t).is_some_and(|a| a.contains_key(&i));
            if breached {
                kept.push(t);
                continue;
            }
            if let Some(free) = self.free.get_mut(t) {
                free.remove(&(old_to, i));
            }
            let matches = !empty
                && self
                    .fw
                    .triggers
                    .get(t)
                    .is_some_and(|tr| self.trigger_matches(tr, &inc));
            if matches {
                if let Some(free) = self.free.get_mut(t) {
                    free.insert((inc.to, i));
                }
                kept.push(t);
            }
        }
        inc.triggers = kept;
        if let Some(slot) = self.incidents.get_mut(i) {
            *slot = inc;
        }
        let mut breaches: Vec<(usize, usize)> = self
            .assigned
            .iter()
            .enumerate()
            .filter_map(|(t, a)| a.get(&i).map(|b| (*b, t)))
            .collect();
        breaches.sort_unstable();
        for (b, t) in breaches {
            self.review_on_retraction(t, b, recorded, &r.id, out);
        }
        if !empty {
            self.triggers_for(i, recorded, out);
        }
        Ok(())
    }

    /// Recomputes an incident from its observations, as if only they had
    /// been reported, in the order they came.
    fn rebuild(&self, inc: &mut Inc) {
        let Some(first) = inc.obs.first() else {
            inc.anchor = None;
            inc.areas.clear();
            inc.counts = [CountRange::default(); COUNT_KINDS];
            inc.actors.clear();
            inc.only_protected = false;
            inc.timely = false;
            return;
        };
        inc.from = first.from;
        inc.to = first.to;
        inc.weapon = first.weapon.clone();
        for o in inc.obs.iter().skip(1) {
            inc.from = inc.from.min(o.from);
            inc.to = inc.to.max(o.to);
            if let Some(w) = &o.weapon
                && inc
                    .weapon
                    .as_deref()
                    .is_none_or(|cur| self.fw.weapon_within(w, cur))
            {
                inc.weapon = Some(w.clone());
            }
        }
        inc.anchor = inc.obs.iter().find_map(|o| o.point);
        inc.areas.clear();
        for o in &inc.obs {
            if let Some(a) = &o.area
                && !inc.areas.contains(a)
            {
                inc.areas.push(a.clone());
            }
        }
        inc.actors = inc
            .obs
            .iter()
            .filter_map(|o| o.attribution.as_ref().map(|a| a.actor.clone()))
            .collect();
        inc.only_protected = inc
            .obs
            .iter()
            .all(|o| self.fw.protected.contains(o.input.party.as_str()));
        inc.timely = inc.obs.iter().any(|o| !o.late);
        self.recount(inc);
    }

    /// Whether breach `b`'s incidents, as they are now, still reach its trigger.
    fn still_reached(&self, b: usize) -> Result<String, String> {
        let state = self.breaches.get(b).ok_or("no such breach")?;
        let trigger = self
            .fw
            .triggers
            .get(state.trigger)
            .ok_or("unknown trigger")?;
        let live: Vec<&Inc> = state
            .incidents
            .iter()
            .filter_map(|j| self.incidents.get(*j))
            .filter(|inc| !inc.obs.is_empty() && self.trigger_matches(trigger, inc))
            .collect();
        if state.view.accumulated {
            let (need, window) = trigger
                .accumulate
                .as_ref()
                .map_or((u32::MAX, String::new()), |a| {
                    (a.incidents, a.window.to_string())
                });
            let have = live.iter().filter(|inc| inc.timely).count() as u64;
            return if have >= u64::from(need) {
                Ok(format!(
                    "trigger `{}`: {have} incidents below its threshold within {window} still reach the accumulation limit of {need}",
                    trigger.id
                ))
            } else {
                Err(format!(
                    "trigger `{}`: {have} incidents reported in time remain, below the accumulation limit of {need} within {window}",
                    trigger.id
                ))
            };
        }
        let threshold = u64::try_from(trigger.threshold).unwrap_or(u64::MAX);
        let sum: u64 = live
            .iter()
            .map(|inc| Self::trigger_count(trigger, inc))
            .sum();
        let timely = live.iter().any(|inc| inc.timely);
        let what = format!(
            "{sum} {} ({} end) within {}",
            count_word(trigger.count),
            end_word(trigger.range_end),
            trigger.window
        );
        if sum < threshold || threshold == 0 {
            Err(format!(
                "trigger `{}`: {what} remain, below the threshold of {threshold}",
                trigger.id
            ))
        } else if !timely {
            Err(format!(
                "trigger `{}`: {what} remain, but only from reports recorded after their class's late limit, which cannot make a breach alone",
                trigger.id
            ))
        } else {
            Ok(format!(
                "trigger `{}`: {what} still reach the threshold of {threshold}",
                trigger.id
            ))
        }
    }

    /// The review a retraction opens for breach `b` of trigger `t`.
    fn review_on_retraction(
        &mut self,
        t: usize,
        b: usize,
        recorded: Timestamp,
        input: &InputId,
        out: &mut Vec<Decision>,
    ) {
        let Some(state) = self.breaches.get(b) else {
            return;
        };
        let was = state.view.status;
        if matches!(was, BreachStatus::Closed | BreachStatus::Withdrawn) {
            self.refresh_breach(b, recorded, out);
            return;
        }
        let verdict = match self.still_reached(b) {
            Ok(rule) if was == BreachStatus::Open => Ok(rule),
            Ok(rule) => match self.evaluate(state) {
                Ok(evidence) => Ok(format!("{rule}; {evidence}")),
                Err(missing) => Err(format!("{rule}, but {missing}")),
            },
            Err(why) => Err(why),
        };
        let id = state.view.id.clone();
        let certified_at = state.view.certified_at;
        match verdict {
            Ok(why) => {
                let stands = match was {
                    BreachStatus::Open => "the breach stays open".to_string(),
                    BreachStatus::UnderReview => {
                        "the breach stays under review; its clock runs on".to_string()
                    }
                    BreachStatus::Certified => format!(
                        "the certification{} stands",
                        certified_at.map(|t| format!(" of {t}")).unwrap_or_default()
                    ),
                    _ => "the escalation to leaders' sign-off stands".to_string(),
                };
                if was != BreachStatus::Open
                    && let Some(state) = self.breaches.get_mut(b)
                {
                    state.view.explanation = format!(
                        "{}; reviewed at {recorded} on the retraction of `{input}`: {stands}",
                        state.view.explanation
                    );
                }
                out.push(Decision::BreachUpheld {
                    at: recorded,
                    breach: id,
                    input: input.clone(),
                    status: was,
                    explanation: format!(
                        "reviewed on the retraction of `{input}`: {why}: {stands}"
                    ),
                });
            }
            Err(why) => {
                let members = state.incidents.clone();
                if let Some(state) = self.breaches.get_mut(b) {
                    let base = if was == BreachStatus::Open {
                        first_sentence(&state.view.explanation)
                    } else {
                        state.view.explanation.clone()
                    };
                    state.view.status = BreachStatus::Withdrawn;
                    state.view.explanation = format!(
                        "{base}; withdrawn at {recorded} on the retraction of `{input}`: {why}"
                    );
                }
                out.push(Decision::BreachWithdrawn {
                    at: recorded,
                    breach: id,
                    input: input.clone(),
                    was,
                    reason: format!("on the retraction of `{input}`: {why}"),
                });
                for j in members {
                    if let Some(a) = self.assigned.get_mut(t) {
                        a.remove(&j);
                    }
                    let Some(inc) = self.incidents.get(j) else {
                        continue;
                    };
                    let matches = !inc.obs.is_empty()
                        && self
                            .fw
                            .triggers
                            .get(t)
                            .is_some_and(|tr| self.trigger_matches(tr, inc));
                    let to = inc.to;
                    if matches {
                        if let Some(free) = self.free.get_mut(t) {
                            free.insert((to, j));
                        }
                    } else if let Some(inc) = self.incidents.get_mut(j) {
                        inc.triggers.retain(|x| *x != t);
                    }
                }
            }
        }
        self.refresh_breach(b, recorded, out);
    }

    // ------------------------------------------------------------ reviews

    fn review(
        &mut self,
        recorded: Timestamp,
        r: &model::Review,
        out: &mut Vec<Decision>,
    ) -> Result<(), String> {
        self.party_known(&r.id.party)?;
        let b = self
            .breaches
            .iter()
            .position(|x| x.view.id == r.breach)
            .ok_or_else(|| format!("there is no breach `{}`", r.breach))?;
        let state = self.breaches.get(b).ok_or("no such breach")?;
        if state.view.status != BreachStatus::UnderReview {
            return Err(format!("breach `{}` is not under review", r.breach));
        }
        let trigger = self
            .fw
            .triggers
            .get(state.trigger)
            .ok_or("unknown trigger")?;
        let standard = trigger
            .standard
            .as_ref()
            .and_then(|s| self.fw.standards.get(s))
            .ok_or("no standard")?;
        let reviewer = standard.classes.iter().any(|c| {
            self.fw
                .classes
                .get(c)
                .is_some_and(|info| info.neutral && info.operated_by.contains(r.id.party.as_str()))
        });
        if !reviewer {
            return Err(format!(
                "`{}` may not review breach `{}`: reviews come from the parties operating a neutral source class of standard `{}`",
                r.id.party, r.breach, standard.id
            ));
        }
        out.push(Decision::Accepted {
            at: recorded,
            input: r.id.clone(),
        });
        let Some(state) = self.breaches.get_mut(b) else {
            return Ok(());
        };
        let id = state.view.id.clone();
        let base = state.view.explanation.clone();
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
        Ok(())
    }

    fn review_expired(&mut self, b: usize, deadline: Timestamp, out: &mut Vec<Decision>) {
        let Some(state) = self.breaches.get(b) else {
            return;
        };
        let contested = self.breach_contest(state);
        let outcome = self
            .fw
            .triggers
            .get(state.trigger)
            .and_then(|t| t.standard.as_ref())
            .and_then(|s| self.fw.standards.get(s))
            .and_then(|s| s.review.as_ref())
            .and_then(|r| r.on_expiry);
        let Some(state) = self.breaches.get_mut(b) else {
            return;
        };
        let id = state.view.id.clone();
        let base = state.view.explanation.clone();
        // A contested breach is never certified because a clock ran out.
        let outcome = match (contested.first(), outcome) {
            (Some(_), _) | (None, Some(Outcome::Escalate)) => Outcome::Escalate,
            (None, Some(Outcome::Fire)) => Outcome::Fire,
            (None, Some(Outcome::Lapse) | None) => Outcome::Lapse,
        };
        match outcome {
            Outcome::Fire => {
                state.view.status = BreachStatus::Certified;
                state.view.certified_at = Some(deadline);
                state.view.explanation = format!(
                    "{base}; the review clock ran out at {deadline}: certified, as the standard says"
                );
                out.push(Decision::Certified {
                    at: deadline,
                    breach: id,
                    trigger: state.view.trigger.clone(),
                    explanation: state.view.explanation.clone(),
                });
            }
            Outcome::Lapse => {
                state.view.status = BreachStatus::Closed;
                state.view.explanation =
                    format!("{base}; the review clock ran out at {deadline}: lapsed");
                out.push(Decision::Closed {
                    at: deadline,
                    breach: id,
                    reason: "the review clock ran out: lapsed".into(),
                });
            }
            Outcome::Escalate => {
                let reason = match contested.first() {
                    Some(r) => format!("the review clock ran out on a contested breach ({r})"),
                    None => "the review clock ran out: escalate, as the standard says".into(),
                };
                state.view.status = BreachStatus::Escalated;
                state.view.explanation =
                    format!("{base}; {reason}: escalated to leaders' sign-off");
                out.push(Decision::Escalated {
                    at: deadline,
                    breach: id,
                    reason,
                });
            }
        }
    }

    // ------------------------------------------------------------ views

    fn incident_view(&self, inc: &Inc) -> Incident {
        let mut groups: BTreeMap<(&str, &str), u16> = BTreeMap::new();
        for o in &inc.obs {
            let g = groups
                .entry((o.input.party.as_str(), o.class.as_str()))
                .or_insert(0);
            *g = (*g).max(o.confidence);
        }
        let reasons = contest_reasons(inc);
        let zone = inc
            .obs
            .iter()
            .filter_map(|o| o.area.clone())
            .min_by_key(|z| (self.fw.zone_depth(z), z.clone()));
        Incident {
            id: format!("I{}", inc.n),
            kind: inc.kind.clone(),
            weapon: inc.weapon.clone(),
            from: inc.from,
            to: inc.to,
            zone,
            count: Self::shown_count(inc),
            sources: inc
                .obs
                .iter()
                .map(|o| SourceRef {
                    input: o.input.clone(),
                    party: o.input.party.to_string(),
                    class: o.class.clone(),
                    confidence_bp: o.confidence,
                    late: o.late,
                })
                .collect(),
            confidence_bp: combine(groups.values().copied()),
            contested: !reasons.is_empty(),
            contest_reasons: reasons,
        }
    }
}

/// Why an incident's facts are contested, if they are.
fn contest_reasons(inc: &Inc) -> Vec<String> {
    let mut reasons = Vec::new();
    if inc.actors.len() >= 2 {
        let who: Vec<String> = inc
            .obs
            .iter()
            .filter_map(|o| {
                o.attribution
                    .as_ref()
                    .map(|a| format!("{} says `{}`", o.input, a.actor))
            })
            .collect();
        reasons.push(format!("contradicting attribution: {}", who.join("; ")));
    }
    if inc.only_protected && !inc.obs.is_empty() {
        let parties: BTreeSet<&str> = inc.obs.iter().map(|o| o.input.party.as_str()).collect();
        let list: Vec<&str> = parties.into_iter().collect();
        reasons.push(format!(
            "evidence only from the interested party ({})",
            list.join(", ")
        ));
    }
    reasons
}

/// Combined confidence of independent groups: 1 − Π(1 − cᵢ), in basis points,
/// with integer arithmetic (each factor rounded down).
fn combine(confidences: impl Iterator<Item = u16>) -> u16 {
    let mut doubt: u32 = 10_000;
    for c in confidences {
        doubt = doubt * (10_000 - u32::from(c.min(10_000))) / 10_000;
    }
    u16::try_from(10_000 - doubt).unwrap_or(10_000)
}

fn first_sentence(explanation: &str) -> String {
    explanation
        .split(" — not certified yet")
        .next()
        .unwrap_or(explanation)
        .split("; ")
        .next()
        .unwrap_or(explanation)
        .to_string()
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
