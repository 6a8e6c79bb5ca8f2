//! Fusion: observations of one real event become one incident (same kind,
//! compatible weapon, overlapping time within the slack, compatible place),
//! and each incident keeps its count ranges current as reports join.
//!
//! An observation is held as integers (interned ids, fixed-point points),
//! with its identity once, shared with the engine's table of inputs seen.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use base::Timestamp;
use framework::schema::CountKind;
use model::{Attribution, Counts, InputId, Name, Point};
use serde::{Deserialize, Serialize};

use crate::compile::{Compiled, Ix};
use crate::decision::CountRange;

/// An input's identity in one shared allocation: party, source and
/// message back to back (held by its observation and the table of inputs
/// seen; an `InputId` is made from it only for a view).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Ident {
    bytes: Arc<[u8]>,
    party_end: u32,
    source_end: u32,
}

impl Ident {
    pub fn new(id: &InputId) -> Ident {
        let (p, s, m) = (
            id.party.as_bytes(),
            id.source.as_bytes(),
            id.message.as_bytes(),
        );
        let mut buf = [0u8; 128];
        let len = p.len() + s.len() + m.len();
        let bytes: Arc<[u8]> = match buf.get_mut(..len) {
            Some(b) => {
                let (bp, rest) = b.split_at_mut(p.len());
                let (bs, bm) = rest.split_at_mut(s.len());
                bp.copy_from_slice(p);
                bs.copy_from_slice(s);
                bm.copy_from_slice(m);
                Arc::from(&*b)
            }
            None => Arc::from([p, s, m].concat()),
        };
        // Identities are bounded by the wire's line length, far below 4 GiB.
        let end = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Ident {
            bytes,
            party_end: end(p.len()),
            source_end: end(p.len() + s.len()),
        }
    }

    fn part(&self, from: u32, to: Option<u32>) -> &[u8] {
        let from = from as usize;
        match to {
            Some(to) => self.bytes.get(from..to as usize),
            None => self.bytes.get(from..),
        }
        .unwrap_or_default()
    }

    fn text(&self, from: u32, to: Option<u32>) -> &str {
        // Made from three `str`s: each part is UTF-8.
        std::str::from_utf8(self.part(from, to)).unwrap_or_default()
    }

    pub fn party(&self) -> &str {
        self.text(0, Some(self.party_end))
    }

    pub fn source(&self) -> &str {
        self.text(self.party_end, Some(self.source_end))
    }

    pub fn message(&self) -> &str {
        self.text(self.source_end, None)
    }

    /// Whether this is identity `id`.
    #[inline]
    pub fn is(&self, id: &InputId) -> bool {
        self.part(0, Some(self.party_end)) == id.party.as_bytes()
            && self.part(self.party_end, Some(self.source_end)) == id.source.as_bytes()
            && self.part(self.source_end, None) == id.message.as_bytes()
    }

    pub fn to_id(&self) -> InputId {
        InputId {
            party: self.party().into(),
            source: self.source().into(),
            message: self.message().into(),
        }
    }
}

/// As `InputId` shows itself: `party/source/message`.
impl std::fmt::Display for Ident {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/{}", self.party(), self.source(), self.message())
    }
}

/// In a snapshot, an identity is written as the `InputId` it is (the
/// sharing with the table of inputs seen is not kept: equal is enough).
impl Serialize for Ident {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_id().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Ident {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Ident, D::Error> {
        InputId::deserialize(deserializer).map(|id| Ident::new(&id))
    }
}

/// One observation as an incident holds it: small and flat, since most
/// reports are re-reports of an event known, and an incident holds them all.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Obs {
    pub input: Ident,
    pub party: Ix,
    pub class: Ix,
    pub confidence: u16,
    /// True when it joined after its class's `late_max`.
    pub late: bool,
    pub from: Timestamp,
    pub to: Timestamp,
    pub counts: PackedCounts,
    /// The area it reports for: its zone, the zone containing its point, or none.
    pub area: Option<Ix>,
    pub point: Option<Point>,
    pub weapon: Option<Ix>,
    /// Its target category, if some trigger names it.
    pub target: Option<Ix>,
    /// Lines, attribution and sources, which few reports carry.
    pub rare: Option<Box<Rare>>,
}

/// What few observations carry.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct Rare {
    /// Lines its track crosses, or the line it names for a crossing.
    pub lines: Vec<Ix>,
    pub attribution: Option<Attribution>,
    pub derived_from: Vec<InputId>,
}

impl Obs {
    pub fn lines(&self) -> &[Ix] {
        self.rare.as_ref().map_or(&[], |r| r.lines.as_slice())
    }

    pub fn attribution(&self) -> Option<&Attribution> {
        self.rare.as_ref().and_then(|r| r.attribution.as_ref())
    }

    pub fn derived_from(&self) -> &[InputId] {
        self.rare
            .as_ref()
            .map_or(&[], |r| r.derived_from.as_slice())
    }
}

/// A report's counts: each of the six kinds present or not, in 28 bytes
/// instead of 48.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
pub(crate) struct PackedCounts {
    values: [u32; VALUE_KINDS],
    present: u8,
}

impl PackedCounts {
    pub fn new(c: &Counts) -> PackedCounts {
        let mut packed = PackedCounts::default();
        let all = [
            c.launched,
            c.destroyed,
            c.hit,
            c.not_reached,
            c.crossings,
            c.casualties,
        ];
        for (k, (v, slot)) in all.iter().zip(packed.values.iter_mut()).enumerate() {
            if let Some(v) = v {
                *slot = *v;
                packed.present |= 1 << k;
            }
        }
        packed
    }

    /// The value of count slot `k` (see `count_slot`), if reported.
    #[inline]
    fn get(&self, k: usize) -> Option<u32> {
        (self.present & (1 << k) != 0)
            .then(|| self.values.get(k).copied())
            .flatten()
    }
}

/// An incident's place in the engine: its number (`I{n}`, in order of
/// opening) and its slot in the table (reused once an incident is pruned).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub(crate) struct IncRef {
    pub n: u64,
    pub slot: usize,
}

/// A breach's number (`B{n}`) and slot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub(crate) struct BreachRef {
    pub n: u64,
    pub slot: usize,
}

/// A short list kept inline up to four entries, spilling to the heap
/// beyond: most incidents name one area, match one trigger and belong to
/// one breach at most, and allocating for each would cost more than the
/// rest of their bookkeeping.
#[derive(Clone, Debug, Default)]
pub(crate) struct Few<T> {
    inline: [T; 4],
    len: usize,
    spill: Vec<T>,
}

impl<T: Copy + Default + PartialEq> Few<T> {
    pub fn push(&mut self, v: T) {
        match self.inline.get_mut(self.len) {
            Some(slot) => *slot = v,
            None => self.spill.push(v),
        }
        self.len += 1;
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.inline.iter().take(self.len).chain(self.spill.iter())
    }

    pub fn contains(&self, v: &T) -> bool {
        self.iter().any(|x| x == v)
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Keeps only the entries `keep` accepts, in order.
    pub fn retain(&mut self, keep: impl Fn(&T) -> bool) {
        let kept: Few<T> = self.iter().copied().filter(|x| keep(x)).collect();
        *self = kept;
    }
}

impl<T: Copy + Default + PartialEq> FromIterator<T> for Few<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Few<T> {
        let mut few = Few::default();
        for v in items {
            few.push(v);
        }
        few
    }
}

/// In a snapshot, a `Few` is the plain list of its entries.
impl<T: Copy + Default + PartialEq + Serialize> Serialize for Few<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de, T: Copy + Default + PartialEq + Deserialize<'de>> Deserialize<'de> for Few<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Few<T>, D::Error> {
        Vec::<T>::deserialize(deserializer).map(|items| items.into_iter().collect())
    }
}

/// An observation kind: one a trigger counts, or any other (kinds are open).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Kind {
    Known(Ix),
    Other(Box<str>),
}

/// Count kinds with a value per report (`Incidents` has none).
pub(crate) const VALUE_KINDS: usize = 6;

/// Number of count kinds cached per incident (see `count_slot`).
pub(crate) const COUNT_KINDS: usize = 7;

const ALL_COUNTS: [CountKind; COUNT_KINDS] = [
    CountKind::Launched,
    CountKind::Destroyed,
    CountKind::Hit,
    CountKind::NotReached,
    CountKind::Crossings,
    CountKind::Casualties,
    CountKind::Incidents,
];

pub(crate) fn count_slot(kind: CountKind) -> usize {
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

/// Counts before any report: none, and one incident.
const INITIAL_COUNTS: [CountRange; COUNT_KINDS] = [
    CountRange { low: 0, high: 0 },
    CountRange { low: 0, high: 0 },
    CountRange { low: 0, high: 0 },
    CountRange { low: 0, high: 0 },
    CountRange { low: 0, high: 0 },
    CountRange { low: 0, high: 0 },
    CountRange { low: 1, high: 1 },
];

/// A report's value for a count kind, if it carries one.
fn value(o: &Obs, kind: CountKind) -> Option<u32> {
    match kind {
        CountKind::Incidents => Some(1),
        CountKind::Crossings => o
            .counts
            .get(count_slot(kind))
            .or((!o.lines().is_empty()).then_some(1)),
        _ => o.counts.get(count_slot(kind)),
    }
}

/// A running tally of one count kind for the common case: every report
/// carrying it is for one area, and the range is (least, greatest).
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
struct Tally {
    /// The area of the first report carrying a value (`Some(None)`: no area).
    first_area: Option<Option<Ix>>,
    one_area: bool,
    lo: u32,
    hi: u32,
}

impl Default for Tally {
    fn default() -> Tally {
        Tally {
            first_area: None,
            one_area: true,
            lo: u32::MAX,
            hi: 0,
        }
    }
}

/// Observations of one real event, fused.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Inc {
    pub n: u64,
    /// `I7`: made once, shared by every decision about the incident.
    label: Name,
    pub kind: Kind,
    /// Weapon model, the most specific reported.
    pub weapon: Option<Ix>,
    pub from: Timestamp,
    pub to: Timestamp,
    pub obs: Vec<Obs>,
    /// The first point reported: fusion measures distances from it.
    pub anchor: Option<Point>,
    /// The distinct areas reported for.
    pub areas: Few<Ix>,
    /// The distinct lines its observations cross or name.
    pub lines: Few<Ix>,
    /// The distinct (known) target categories reported.
    pub targets: Few<Ix>,
    /// Count ranges per count kind, kept current as observations join.
    pub counts: [CountRange; COUNT_KINDS],
    tallies: [Tally; VALUE_KINDS],
    /// Distinct attribution actors named by its observations.
    pub actors: BTreeSet<String>,
    /// True while every observation comes from the protected state.
    pub only_protected: bool,
    /// True once an observation arrived within its class's `late_max`.
    pub timely: bool,
    /// Triggers it matches.
    pub triggers: Few<usize>,
    /// Per trigger, the breach it belongs to.
    pub breaches: Few<(usize, BreachRef)>,
}

impl Inc {
    /// Opens an incident on its first observation.
    pub fn open(fw: &Compiled, n: u64, kind: Kind, obs: Obs, protected: bool) -> Inc {
        let mut inc = Inc {
            n,
            label: label('I', n).into(),
            kind,
            weapon: obs.weapon,
            from: obs.from,
            to: obs.to,
            obs: Vec::with_capacity(1),
            anchor: None,
            areas: Few::default(),
            lines: Few::default(),
            targets: Few::default(),
            counts: INITIAL_COUNTS,
            tallies: [Tally::default(); VALUE_KINDS],
            actors: BTreeSet::new(),
            only_protected: protected,
            timely: !obs.late,
            triggers: Few::default(),
            breaches: Few::default(),
        };
        inc.absorb(fw, obs);
        inc
    }

    /// Adds a later observation (the caller keeps the indexes current).
    pub fn join(&mut self, fw: &Compiled, obs: Obs, protected: bool) {
        self.from = self.from.min(obs.from);
        self.to = self.to.max(obs.to);
        if let Some(w) = obs.weapon {
            let more_specific = self.weapon.is_none_or(|cur| fw.weapon_within(w, cur));
            if more_specific {
                self.weapon = Some(w);
            }
        }
        self.only_protected &= protected;
        self.timely |= !obs.late;
        self.absorb(fw, obs);
    }

    /// Takes observation `k` away (a retraction) and recomputes everything
    /// from the observations that remain, as if it had never been reported:
    /// times, weapon, place, lines, targets, actors, counts. The triggers it
    /// matched and the breaches it belongs to are kept (the caller revisits
    /// them). With no observation left, the incident counts nothing.
    pub fn remove(&mut self, fw: &Compiled, k: usize) -> Option<Obs> {
        if k >= self.obs.len() {
            return None;
        }
        let removed = self.obs.remove(k);
        let remaining = std::mem::take(&mut self.obs);
        let triggers = std::mem::take(&mut self.triggers);
        let breaches = std::mem::take(&mut self.breaches);
        let protected = |o: &Obs| {
            fw.protected
                .get(usize::from(o.party))
                .copied()
                .unwrap_or(false)
        };
        let mut rest = remaining.into_iter();
        match rest.next() {
            Some(first) => {
                let p = protected(&first);
                let mut fresh = Inc::open(fw, self.n, self.kind.clone(), first, p);
                for o in rest {
                    let p = protected(&o);
                    fresh.join(fw, o, p);
                }
                *self = fresh;
            }
            None => {
                // Nothing left: the incident is kept for the record (its
                // number, kind and times), counting nothing.
                self.anchor = None;
                self.areas = Few::default();
                self.lines = Few::default();
                self.targets = Few::default();
                self.counts = [CountRange::default(); COUNT_KINDS];
                self.tallies = [Tally::default(); VALUE_KINDS];
                self.actors.clear();
                self.only_protected = false;
                self.timely = false;
            }
        }
        self.triggers = triggers;
        self.breaches = breaches;
        Some(removed)
    }

    /// True once every observation it held was retracted.
    pub fn is_empty(&self) -> bool {
        self.obs.is_empty()
    }

    /// What opening and joining share: place, lines, targets, actors, counts.
    fn absorb(&mut self, fw: &Compiled, obs: Obs) {
        if self.anchor.is_none() {
            self.anchor = obs.point;
        }
        if let Some(a) = obs.area
            && !self.areas.contains(&a)
        {
            self.areas.push(a);
        }
        for l in obs.lines() {
            if !self.lines.contains(l) {
                self.lines.push(*l);
            }
        }
        if let Some(t) = obs.target
            && !self.targets.contains(&t)
        {
            self.targets.push(t);
        }
        if let Some(a) = obs.attribution()
            && !self.actors.contains(&a.actor)
        {
            self.actors.insert(a.actor.clone());
        }
        let mut values = [None; VALUE_KINDS];
        for (v, kind) in values.iter_mut().zip(ALL_COUNTS) {
            *v = value(&obs, kind);
        }
        let area = obs.area;
        self.obs.push(obs);
        let Inc {
            obs,
            tallies,
            counts,
            ..
        } = self;
        for ((kind, v), (t, range)) in ALL_COUNTS
            .iter()
            .zip(values)
            .zip(tallies.iter_mut().zip(counts.iter_mut()))
        {
            let Some(v) = v else { continue };
            match t.first_area {
                None => t.first_area = Some(area),
                Some(a) if a != area => t.one_area = false,
                Some(_) => {}
            }
            t.lo = t.lo.min(v);
            t.hi = t.hi.max(v);
            *range = if t.one_area {
                CountRange {
                    low: u64::from(t.lo),
                    high: u64::from(t.hi),
                }
            } else {
                count_range(fw, obs, *kind)
            };
        }
    }

    pub fn count(&self, kind: CountKind) -> CountRange {
        self.counts
            .get(count_slot(kind))
            .copied()
            .unwrap_or_default()
    }

    /// The count an incident shows in reports: the first count any report carries.
    pub fn shown_count(&self) -> CountRange {
        if self.obs.is_empty() {
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
            let r = self.count(kind);
            if r.high > 0 {
                return r;
            }
        }
        CountRange { low: 1, high: 1 }
    }

    /// Whether its facts are contested (see `contest_reasons`).
    pub fn contested(&self) -> bool {
        self.actors.len() >= 2 || (self.only_protected && !self.obs.is_empty())
    }

    /// The breach it belongs to for trigger `t`, if any.
    pub fn breach_for(&self, t: usize) -> Option<BreachRef> {
        self.breaches
            .iter()
            .find(|(trigger, _)| *trigger == t)
            .map(|(_, b)| *b)
    }

    pub fn label(&self) -> Name {
        self.label.clone()
    }
}

/// `I7`, `B12`: a letter and a number.
pub(crate) fn label(letter: char, n: u64) -> String {
    let mut s = String::with_capacity(8);
    s.push(letter);
    s.push_str(itoa(n, &mut [0u8; 20]));
    s
}

/// Builds explanations from parts without the formatting machinery: they
/// are made for every breach, on the hot path.
#[derive(Debug)]
pub(crate) struct Text(String);

impl Text {
    pub fn with_capacity(n: usize) -> Text {
        Text(String::with_capacity(n))
    }

    pub fn s(mut self, part: &str) -> Text {
        self.0.push_str(part);
        self
    }

    pub fn n(mut self, v: u64) -> Text {
        self.0.push_str(itoa(v, &mut [0u8; 20]));
        self
    }

    pub fn t(mut self, t: base::Timestamp) -> Text {
        crate::rfc3339::Rfc3339(t).push_to(&mut self.0);
        self
    }

    pub fn done(self) -> String {
        self.0
    }
}

/// Decimal digits of `n` without the formatting machinery.
fn itoa(mut n: u64, buf: &mut [u8; 20]) -> &str {
    let mut i = buf.len();
    loop {
        i -= 1;
        if let Some(b) = buf.get_mut(i) {
            *b = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    std::str::from_utf8(buf.get(i..).unwrap_or_default()).unwrap_or_default()
}

/// Why an incident's facts are contested, if they are.
pub(crate) fn contest_reasons(inc: &Inc) -> Vec<String> {
    attribution_contested(inc)
        .into_iter()
        .chain(interested_only(inc))
        .collect()
}

/// The first reason an incident is contested, if it is.
pub(crate) fn first_contest_reason(inc: &Inc) -> Option<String> {
    if !inc.contested() {
        return None;
    }
    attribution_contested(inc).or_else(|| interested_only(inc))
}

fn attribution_contested(inc: &Inc) -> Option<String> {
    if inc.actors.len() < 2 {
        return None;
    }
    let who: Vec<String> = inc
        .obs
        .iter()
        .filter_map(|o| {
            o.attribution()
                .map(|a| format!("{} says `{}`", o.input, a.actor))
        })
        .collect();
    Some(format!("contradicting attribution: {}", who.join("; ")))
}

fn interested_only(inc: &Inc) -> Option<String> {
    let first = inc.obs.first()?.input.party();
    if !inc.only_protected {
        return None;
    }
    const SAYS: &str = "evidence only from the interested party (";
    if inc.obs.iter().all(|o| o.input.party() == first) {
        let mut reason = String::with_capacity(SAYS.len() + first.len() + 1);
        reason.push_str(SAYS);
        reason.push_str(first);
        reason.push(')');
        return Some(reason);
    }
    let parties: BTreeSet<&str> = inc.obs.iter().map(|o| o.input.party()).collect();
    let list: Vec<&str> = parties.into_iter().collect();
    Some(format!("{SAYS}{})", list.join(", ")))
}

/// The range of count `kind` over observations reporting for several areas
/// (DESIGN "Counting"): per area, direct reports are alternatives; parts add
/// up; low = max(direct min, Σ parts' lows), high likewise. Areas are keyed
/// `None` (the whole, unspecified) first, then by zone id.
fn count_range(fw: &Compiled, obs: &[Obs], kind: CountKind) -> CountRange {
    type Area = Option<Ix>;
    let mut direct: BTreeMap<Area, (u64, u64)> = BTreeMap::new();
    for o in obs {
        let Some(v) = value(o, kind).map(u64::from) else {
            continue;
        };
        let entry = direct.entry(o.area).or_insert((v, v));
        entry.0 = entry.0.min(v);
        entry.1 = entry.1.max(v);
    }
    if direct.is_empty() {
        return CountRange::default();
    }
    // Parent of each area: the nearest reported area containing it; the
    // unspecified whole contains all.
    let parent_of = |area: Area| -> Option<Area> {
        let z = area?;
        let chain = fw.zone(z).map(|info| info.chain.as_slice()).unwrap_or(&[]);
        if let Some(p) = chain.iter().find(|p| direct.contains_key(&Some(**p))) {
            return Some(Some(*p));
        }
        direct.contains_key(&None).then_some(None)
    };
    fn range(
        area: Area,
        direct: &BTreeMap<Area, (u64, u64)>,
        children: &BTreeMap<Area, Vec<Area>>,
        depth: usize,
    ) -> (u64, u64) {
        let (dmin, dmax) = direct.get(&area).copied().unwrap_or((0, 0));
        let (mut low, mut high) = (0u64, 0u64);
        if depth < 64 {
            for child in children.get(&area).into_iter().flatten() {
                let (l, h) = range(*child, direct, children, depth + 1);
                low = low.saturating_add(l);
                high = high.saturating_add(h);
            }
        }
        (dmin.max(low), dmax.max(high))
    }
    let mut children: BTreeMap<Area, Vec<Area>> = BTreeMap::new();
    let mut roots = Vec::new();
    for area in direct.keys() {
        match parent_of(*area) {
            Some(p) => children.entry(p).or_default().push(*area),
            None => roots.push(*area),
        }
    }
    let (mut low, mut high) = (0u64, 0u64);
    for root in &roots {
        let (l, h) = range(*root, &direct, &children, 0);
        low = low.saturating_add(l);
        high = high.saturating_add(h);
    }
    CountRange {
        low,
        high: high.max(low),
    }
}

/// Combined confidence of independent groups: 1 − Π(1 − cᵢ), in basis points,
/// with integer arithmetic (each factor rounded down).
pub(crate) fn combine(confidences: impl Iterator<Item = u16>) -> u16 {
    let mut doubt: u32 = 10_000;
    for c in confidences {
        doubt = doubt * (10_000 - u32::from(c.min(10_000))) / 10_000;
    }
    u16::try_from(10_000 - doubt).unwrap_or(10_000)
}

/// The highest confidence per (party, class) group, ascending by group
/// (the ids' order), for reports that count.
pub(crate) fn groups<'a>(obs: impl Iterator<Item = &'a Obs>) -> Vec<(Ix, Ix, u16)> {
    let mut groups: Vec<(Ix, Ix, u16)> = Vec::new();
    for o in obs {
        add_to_group(&mut groups, o.party, o.class, o.confidence);
    }
    groups
}

/// Raises (or adds) one group's confidence: `Some(true)` if the group is
/// new, `Some(false)` if its confidence rose, `None` if nothing changed.
pub(crate) fn add_to_group(
    groups: &mut Vec<(Ix, Ix, u16)>,
    party: Ix,
    class: Ix,
    c: u16,
) -> Option<bool> {
    match groups.binary_search_by(|(p, k, _)| (*p, *k).cmp(&(party, class))) {
        Ok(i) => match groups.get_mut(i) {
            Some(g) if g.2 < c => {
                g.2 = c;
                Some(false)
            }
            _ => None,
        },
        Err(i) => {
            groups.insert(i, (party, class, c));
            Some(true)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_letter_and_number() {
        assert_eq!(label('I', 0), "I0");
        assert_eq!(label('I', 7), "I7");
        assert_eq!(label('B', 1234567890123), "B1234567890123");
        assert_eq!(label('B', u64::MAX), format!("B{}", u64::MAX));
    }

    #[test]
    fn identities_pack_and_unpack() {
        for (party, source, message) in [
            ("us", "isr", "1"),
            ("", "", ""),
            ("technical-cell", "Ω-cell", "m/é"),
            ("p", &"s".repeat(200), "m"),
        ] {
            let id = InputId {
                party: party.into(),
                source: source.into(),
                message: message.into(),
            };
            let packed = Ident::new(&id);
            assert!(packed.is(&id));
            assert_eq!(packed.to_id(), id);
            assert_eq!(packed.to_string(), id.to_string());
            let mut other = id.clone();
            other.message = format!("{}x", other.message).into();
            assert!(!packed.is(&other));
            // The parts' boundaries count: "ab"+"c" is not "a"+"bc".
            let shifted = InputId {
                party: format!("{party}{}", source.chars().next().unwrap_or('_')).into(),
                source: source.chars().skip(1).collect::<String>().into(),
                message: message.into(),
            };
            assert!(!packed.is(&shifted));
        }
    }

    #[test]
    fn combining_is_in_group_order_and_rounds_down() {
        assert_eq!(combine([9000u16, 8000].into_iter()), 9800);
        assert_eq!(combine(std::iter::empty()), 0);
        assert_eq!(combine([10_000u16].into_iter()), 10_000);
    }
}
