//! The engine's state machine: validation, the table of inputs seen, fusion
//! into incidents, clocks, views, and (without history) pruning.
//!
//! Every step is proportional to what is near in time, not to history:
//! incidents are found per kind by start time, each trigger keeps its
//! not-yet-breached incidents by end time, review clocks wait in deadline
//! order, and ids are integers (see `compile`). Hash maps serve lookups
//! only; nothing iterates one into a decision or a view.

use std::cmp::Ordering;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap};
use std::hash::BuildHasherDefault;
use std::sync::Arc;

use base::{Duration, Timestamp};
use framework::Framework;
use framework::schema::ZoneKind;
use model::{Amendment, Input, InputId, Observation, Point};
use serde::{Deserialize, Serialize};

use crate::certify::BreachState;
use crate::compile::{Compiled, Ix, Universe};
use crate::decision::{Breach, Decision, Incident, SourceRef};
use crate::fusion::{
    self, BreachRef, Few, Ident, Inc, IncRef, Kind, Obs, PackedCounts, Rare, combine,
    contest_reasons, first_contest_reason,
};
use crate::hash::{PassThrough, fingerprint, hash_of};

mod snapshot;
pub(crate) use snapshot::EngineState;

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

/// How the engine keeps what it has seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EngineOptions {
    /// Keep every incident, breach and input identity for good (the
    /// default), so that [`Engine::incidents`] and [`Engine::breaches`]
    /// show the whole history, as exercise reports need.
    ///
    /// Without history, memory is bounded by the framework's windows and
    /// late limits instead of by history (a live node, whose log is the
    /// record). The engine then forgets what can no longer change a
    /// decision — see [`Engine::horizon`] — and so:
    /// - an observation observed from a time older than the horizon before
    ///   its recorded time is rejected as too old (with history, it would
    ///   be fused like any other);
    /// - the views show only what the engine still holds;
    /// - an observation's identity is remembered while it is within the
    ///   horizon: a copy sent later is rejected as too old, but a different
    ///   input reusing the identity with a recent observed time is taken as
    ///   new (the log, not the engine, holds identities for good). Other
    ///   inputs (votes, reviews, …) are remembered for good.
    ///
    /// Every other decision is the same with or without history.
    pub keep_history: bool,
}

impl Default for EngineOptions {
    fn default() -> EngineOptions {
        EngineOptions { keep_history: true }
    }
}

/// What the engine holds in memory, counted (for tests and monitoring).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Retained {
    pub incidents: usize,
    pub observations: usize,
    pub breaches: usize,
    /// Input identities remembered for duplicates and conflicts.
    pub identities: usize,
}

/// A table whose slots are reused once emptied. Items are boxed: an
/// incident is some hundreds of bytes, and growing a table of them inline
/// copied every one at each doubling.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Slab<T> {
    items: Vec<Option<Box<T>>>,
    vacant: Vec<usize>,
}

impl<T> Default for Slab<T> {
    fn default() -> Slab<T> {
        Slab {
            items: Vec::new(),
            vacant: Vec::new(),
        }
    }
}

impl<T> Slab<T> {
    pub fn insert(&mut self, item: T) -> usize {
        let item = Box::new(item);
        if let Some(slot) = self.vacant.pop()
            && let Some(place) = self.items.get_mut(slot)
        {
            *place = Some(item);
            return slot;
        }
        self.items.push(Some(item));
        self.items.len() - 1
    }

    #[inline]
    pub fn get(&self, slot: usize) -> Option<&T> {
        self.items.get(slot).and_then(Option::as_deref)
    }

    #[inline]
    pub fn get_mut(&mut self, slot: usize) -> Option<&mut T> {
        self.items.get_mut(slot).and_then(Option::as_deref_mut)
    }

    pub fn remove(&mut self, slot: usize) -> Option<T> {
        let item = self.items.get_mut(slot).and_then(Option::take);
        if item.is_some() {
            self.vacant.push(slot);
        }
        item.map(|b| *b)
    }

    pub fn len(&self) -> usize {
        self.items.len() - self.vacant.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.items.iter().flatten().map(|b| &**b)
    }

    /// The items held, with their slots.
    pub fn slots(&self) -> impl Iterator<Item = (usize, &T)> {
        self.items
            .iter()
            .enumerate()
            .filter_map(|(slot, item)| item.as_deref().map(|x| (slot, x)))
    }
}

/// Per observation kind: its incidents by (start, number, slot).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct KindIndex {
    pub by_start: BTreeSet<(Timestamp, u64, usize)>,
    /// The longest incident so far, in ms (bounds the search).
    pub span_max: i64,
}

/// The identities of the inputs accepted, each with a fingerprint of its
/// content: keyed by a hash of the identity (computed once per input), with
/// the identity itself to tell apart the rare ones whose hashes collide.
#[derive(Debug, Default)]
struct Seen {
    buckets: HashMap<u64, Bucket, BuildHasherDefault<PassThrough>>,
    len: usize,
}

#[derive(Debug)]
enum Bucket {
    One(Ident, u64),
    Many(Vec<(Ident, u64)>),
}

impl Seen {
    /// The content fingerprint of the input with identity `id` (hash `h`).
    fn get(&self, h: u64, id: &InputId) -> Option<u64> {
        match self.buckets.get(&h)? {
            Bucket::One(k, v) => k.is(id).then_some(*v),
            Bucket::Many(list) => list.iter().find(|(k, _)| k.is(id)).map(|(_, v)| *v),
        }
    }

    /// Remembers an identity not held yet.
    fn insert(&mut self, h: u64, id: Ident, content: u64) {
        self.len += 1;
        match self.buckets.entry(h) {
            Entry::Vacant(e) => {
                e.insert(Bucket::One(id, content));
            }
            Entry::Occupied(mut e) => {
                let bucket = e.get_mut();
                let list = match std::mem::replace(bucket, Bucket::Many(Vec::new())) {
                    Bucket::One(k, v) => vec![(k, v), (id, content)],
                    Bucket::Many(mut list) => {
                        list.push((id, content));
                        list
                    }
                };
                *bucket = Bucket::Many(list);
            }
        }
    }

    fn remove(&mut self, h: u64, id: &Ident) {
        let Entry::Occupied(mut e) = self.buckets.entry(h) else {
            return;
        };
        let empty = match e.get_mut() {
            Bucket::One(k, _) => k == id,
            Bucket::Many(list) => {
                let before = list.len();
                list.retain(|(k, _)| k != id);
                if list.len() < before {
                    self.len -= 1;
                }
                list.is_empty()
            }
        };
        if empty {
            if matches!(e.get(), Bucket::One(..)) {
                self.len -= 1;
            }
            e.remove();
        }
    }
}

/// An identity to forget once its observation is older than the horizon.
#[derive(Clone, Debug)]
struct Expiry {
    from_ms: i64,
    hash: u64,
    id: Ident,
}

// A min-heap on `from_ms`; ties in any order (all expire together).
impl PartialEq for Expiry {
    fn eq(&self, other: &Expiry) -> bool {
        self.from_ms == other.from_ms
    }
}
impl Eq for Expiry {}
impl PartialOrd for Expiry {
    fn partial_cmp(&self, other: &Expiry) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Expiry {
    fn cmp(&self, other: &Expiry) -> Ordering {
        other.from_ms.cmp(&self.from_ms)
    }
}

/// Without history: what waits to be forgotten.
#[derive(Clone, Debug, Default)]
pub(crate) struct Pruning {
    /// Incidents by the earliest time they may be pruned (a lower bound,
    /// raised when they are looked at too early), as a min-heap.
    pub incidents: BinaryHeap<std::cmp::Reverse<(i64, u64, usize)>>,
    seen: BinaryHeap<Expiry>,
    last: Option<Timestamp>,
}

/// The engine over one framework, in one or more versions.
///
/// Amendments (DESIGN "Votes and the ladder": a breach binds to the
/// framework version in force when its threshold was crossed; an amendment
/// takes effect only once recorded). Every version the engine may be
/// amended to is given when it is made ([`Engine::with_versions`]); an
/// `amendment` input naming one of them (by hash, with its version string)
/// puts it in force from its recorded time:
/// - the amendment itself decides nothing else: no trigger is judged at
///   that moment, since only evidence crosses a threshold;
/// - incidents are evidence and are kept as they are; which triggers each
///   matches is worked out again under the new version, and the next
///   evidence recorded is judged by the new version's thresholds and
///   windows — windows may reach back to incidents recorded before;
/// - breaches opened from then on bind to the new version; breaches opened
///   before keep their own: count, evidence standard, review clock (and, on
///   the ladder, tiers, clocks, electorates, snapback) — an incident in
///   such a breach is not counted again by a new breach of the same trigger;
/// - versions must declare the same parties, source classes, zones and
///   weapon models (incidents name them by index); triggers, observation
///   kinds and target categories are numbered across all versions
///   ([`Universe`]), so a trigger that only one version has is simply
///   absent from the others.
#[derive(Debug)]
pub struct Engine {
    /// The version in force (also in `versions`, at `in_force`).
    pub(crate) fw: Arc<Compiled>,
    /// Every version the engine knows, the first in force at the start.
    pub(crate) versions: Vec<Arc<Compiled>>,
    pub(crate) in_force: usize,
    /// The longest horizon and reach of the versions in force so far:
    /// forgetting stays safe for the breaches of every version.
    horizon: Duration,
    reach: Duration,
    pub(crate) keep_history: bool,
    now: Option<Timestamp>,
    /// Accepted inputs by identity, with a fingerprint of their content.
    seen: Seen,
    pub(crate) incidents: Slab<Inc>,
    /// Incidents opened so far (the last number given).
    opened: u64,
    /// Fusion index per known kind, and for other kinds by name.
    known_kinds: Vec<KindIndex>,
    other_kinds: BTreeMap<Box<str>, KindIndex>,
    /// Per trigger: matching incidents not yet in one of its breaches, by (end, number, slot).
    pub(crate) free: Vec<BTreeSet<(Timestamp, u64, usize)>>,
    pub(crate) breaches: Slab<BreachState>,
    /// Breach number → slot, for the breaches held.
    pub(crate) breach_slots: BTreeMap<u64, usize>,
    /// Breaches opened so far (the last number given).
    pub(crate) breaches_opened: u64,
    /// Review clocks by (deadline, breach number).
    pub(crate) clocks: BTreeSet<(Timestamp, u64)>,
    pub(crate) pruning: Pruning,
    /// A reused buffer for the trigger windows.
    pub(crate) scratch: Vec<(Timestamp, u64, usize)>,
    /// Observations retracted: identity → (recorded time, the retraction).
    /// As many as retractions accepted; never pruned (a retraction is rare,
    /// and a second one must be told it comes too late).
    pub(crate) retracted: BTreeMap<InputId, (Timestamp, InputId)>,
}

impl Engine {
    /// An engine that keeps its whole history (see [`EngineOptions`]).
    pub fn new(framework: &Framework) -> Result<Engine, EngineError> {
        Engine::with_options(framework, EngineOptions::default())
    }

    pub fn with_options(
        framework: &Framework,
        options: EngineOptions,
    ) -> Result<Engine, EngineError> {
        Engine::with_versions(framework, &[], options)
    }

    /// An engine over `framework`, which may be amended to any of
    /// `amendments` (see [`Engine`] for the rules). Each must be a version
    /// of the same framework with the same parties, source classes, zones
    /// and weapon models, and a hash and version string of its own.
    pub fn with_versions(
        framework: &Framework,
        amendments: &[&Framework],
        options: EngineOptions,
    ) -> Result<Engine, EngineError> {
        let mut all = vec![framework];
        all.extend_from_slice(amendments);
        let universe = Universe::of(&all);
        let mut versions: Vec<Arc<Compiled>> = Vec::with_capacity(all.len());
        let mut problems = Vec::new();
        for fw in &all {
            match Compiled::within(fw, &universe) {
                Ok(c) => versions.push(Arc::new(c)),
                Err(p) => problems.extend(p),
            }
        }
        if !problems.is_empty() {
            return Err(EngineError::Framework(problems));
        }
        if let Some((first, rest)) = versions.split_first() {
            for (k, v) in rest.iter().enumerate() {
                let what = format!(
                    "amendment version {} (sha256 {})",
                    v.version,
                    short(&v.hash)
                );
                for p in first.compatible(v) {
                    problems.push(format!("{what}: {p}"));
                }
                for earlier in versions.iter().take(k + 1) {
                    if earlier.hash == v.hash {
                        problems.push(format!("{what}: this version is given twice"));
                    } else if earlier.version == v.version {
                        problems.push(format!(
                            "{what}: version {} is also the version string of sha256 {}; each version needs its own",
                            v.version,
                            short(&earlier.hash)
                        ));
                    }
                }
            }
        }
        if !problems.is_empty() {
            return Err(EngineError::Framework(problems));
        }
        let Some(fw) = versions.first().cloned() else {
            return Err(EngineError::Framework(vec!["no framework given".into()]));
        };
        Ok(Engine {
            keep_history: options.keep_history,
            now: None,
            seen: Seen::default(),
            incidents: Slab::default(),
            opened: 0,
            known_kinds: vec![KindIndex::default(); fw.kinds.len()],
            other_kinds: BTreeMap::new(),
            free: vec![BTreeSet::new(); fw.triggers.len()],
            breaches: Slab::default(),
            breach_slots: BTreeMap::new(),
            breaches_opened: 0,
            clocks: BTreeSet::new(),
            pruning: Pruning::default(),
            scratch: Vec::new(),
            horizon: fw.horizon,
            reach: fw.reach,
            in_force: 0,
            retracted: BTreeMap::new(),
            fw,
            versions,
        })
    }

    /// The version in force: (`[framework] version`, identity hash).
    pub fn version_in_force(&self) -> (&str, &str) {
        (&self.fw.version, &self.fw.hash)
    }

    /// The version a breach binds to.
    pub(crate) fn version_of(&self, state: &BreachState) -> Option<&Compiled> {
        self.versions.get(state.version).map(|v| &**v)
    }

    /// How old an observation may be (observed `from`, before its recorded
    /// time) and still change a decision: the longest of every trigger and
    /// accumulation window, every source class's `late_max` and the fusion
    /// slack. Without history, older observations are rejected as too old,
    /// and incidents are forgotten once they end more than this plus the
    /// longest window before "now" and no open or reviewed breach needs them.
    pub fn horizon(&self) -> Duration {
        self.horizon
    }

    /// The latest recorded time the engine has seen (`None` before any).
    pub fn now(&self) -> Option<Timestamp> {
        self.now
    }

    /// What the engine holds now.
    pub fn retained(&self) -> Retained {
        Retained {
            incidents: self.incidents.len(),
            observations: self.incidents.iter().map(|i| i.obs.len()).sum(),
            breaches: self.breaches.len(),
            identities: self.seen.len,
        }
    }

    /// Applies one input recorded at `recorded` (which never goes back);
    /// first fires every clock whose deadline is at or before it.
    pub fn submit(
        &mut self,
        recorded: Timestamp,
        input: &Input,
    ) -> Result<Vec<Decision>, EngineError> {
        // An observation makes two decisions, mostly, and up to four often
        // (an incident opened and contested, a breach opened).
        let mut out = Vec::with_capacity(4);
        self.submit_into(recorded, input, &mut out)?;
        Ok(out)
    }

    /// [`Engine::submit`], appending the decisions to `out`: a caller that
    /// writes them away and clears `out` allocates no list per input.
    pub fn submit_into(
        &mut self,
        recorded: Timestamp,
        input: &Input,
        out: &mut Vec<Decision>,
    ) -> Result<(), EngineError> {
        self.tick(recorded, out)?;
        let id = input.id();
        if !self.keep_history
            && let Input::Observation(o) = input
            && o.observed.from < recorded.minus(self.horizon)
        {
            out.push(Decision::Rejected {
                at: recorded,
                input: id.clone(),
                reason: format!(
                    "observed from {}, more than {} before it was recorded at {recorded}: too old to change any decision (this engine keeps no history beyond {}, the longest of the framework's windows, late limits and fusion slack)",
                    o.observed.from, self.horizon, self.horizon
                ),
            });
            return Ok(());
        }
        let content = fingerprint(input);
        let hash = hash_of(id);
        if let Some(previous) = self.seen.get(hash, id) {
            if previous == content {
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
            return Ok(());
        }
        // What the wire format cannot say (an interval ending before it
        // starts, a track out of time order, a quantity beyond what the
        // log's encoding carries exactly) is refused before anything changes.
        let problems = input.validate();
        let result = match input {
            _ if !problems.is_empty() => Err(problems.join("; ")),
            Input::Observation(o) => self.observation(recorded, o, out),
            Input::Review(r) => self.review(recorded, r, out).map(|()| Ident::new(id)),
            Input::Amendment(a) => self.amend(recorded, a, out).map(|()| Ident::new(id)),
            Input::Retraction(r) => self.retraction(recorded, r, out).map(|()| Ident::new(id)),
            _ => self.party_known(&id.party).map(|_| {
                out.push(Decision::Accepted {
                    at: recorded,
                    input: id.clone(),
                });
                Ident::new(id)
            }),
        };
        match result {
            Ok(key) => {
                if !self.keep_history
                    && let Input::Observation(o) = input
                {
                    self.pruning.seen.push(Expiry {
                        from_ms: o.observed.from.millis(),
                        hash,
                        id: key.clone(),
                    });
                }
                self.seen.insert(hash, key, content);
            }
            Err(reason) => out.push(Decision::Rejected {
                at: recorded,
                input: id.clone(),
                reason,
            }),
        }
        Ok(())
    }

    /// Applies inputs that share one recorded time. Their order is fixed
    /// here — by identity, then canonical bytes — so that the sequencer's
    /// arrival order of simultaneous inputs never changes a decision.
    pub fn submit_batch(
        &mut self,
        recorded: Timestamp,
        inputs: &[Input],
    ) -> Result<Vec<Decision>, EngineError> {
        let mut ordered: Vec<&Input> = inputs.iter().collect();
        ordered.sort_by(|a, b| a.id().cmp(b.id()));
        // Canonical bytes only where identities tie (rare: they are costly).
        let mut start = 0;
        while start < ordered.len() {
            let id = ordered.get(start).map(|i| i.id());
            let end = ordered
                .iter()
                .skip(start)
                .position(|i| Some(i.id()) != id)
                .map_or(ordered.len(), |k| start + k);
            if end - start > 1
                && let Some(run) = ordered.get_mut(start..end)
            {
                run.sort_by_cached_key(|i| model::canonical::to_vec(i));
            }
            start = end;
        }
        let mut out = self.advance(recorded)?;
        for input in ordered {
            out.extend(self.submit(recorded, input)?);
        }
        Ok(out)
    }

    /// Moves "now" to `now`, firing the clocks whose deadline is at or before it.
    pub fn advance(&mut self, now: Timestamp) -> Result<Vec<Decision>, EngineError> {
        let mut out = Vec::new();
        self.tick(now, &mut out)?;
        Ok(out)
    }

    /// `advance`, into the decisions of the call that moves time.
    fn tick(&mut self, now: Timestamp, out: &mut Vec<Decision>) -> Result<(), EngineError> {
        if let Some(last) = self.now
            && now < last
        {
            return Err(EngineError::TimeWentBack { last, given: now });
        }
        self.now = Some(now);
        // Clocks fire in deadline order, then breach order.
        while let Some(&(deadline, n)) = self.clocks.first() {
            if deadline > now {
                break;
            }
            self.clocks.pop_first();
            self.review_expired(n, deadline, out);
        }
        if !self.keep_history && self.pruning.last.is_none_or(|last| now > last) {
            self.prune(now);
        }
        Ok(())
    }

    /// The incidents, as reports show them, in order of opening.
    pub fn incidents(&self) -> Vec<Incident> {
        let mut held: Vec<&Inc> = self.incidents.iter().collect();
        held.sort_by_key(|i| i.n);
        held.into_iter().map(|i| self.incident_view(i)).collect()
    }

    /// One breach (`B7`), as reports show it, if the engine holds it:
    /// without building the others' views.
    pub fn breach(&self, id: &str) -> Option<Breach> {
        let b = self.find_breach(id).ok()?;
        let state = self.breach_state(b)?;
        Some(state.view(self.version_of(state)?))
    }

    /// The earliest observed time among a breach's incidents, if the engine
    /// holds the breach: where "time from the event" is measured from.
    pub fn breach_first_observed(&self, id: &str) -> Option<Timestamp> {
        let b = self.find_breach(id).ok()?;
        let state = self.breach_state(b)?;
        state
            .members
            .iter()
            .filter_map(|i| self.incident(*i))
            .map(|inc| inc.from)
            .min()
    }

    /// The breaches, as reports show them, in order of opening.
    pub fn breaches(&self) -> Vec<Breach> {
        self.breach_slots
            .values()
            .filter_map(|slot| self.breaches.get(*slot))
            .filter_map(|b| Some(b.view(self.version_of(b)?)))
            .collect()
    }

    /// Whether an input with identity `id` was accepted (and is still
    /// remembered, without history).
    pub(crate) fn has_seen(&self, id: &InputId) -> bool {
        self.seen.get(hash_of(id), id).is_some()
    }

    pub(crate) fn party_known(&self, party: &str) -> Result<Ix, String> {
        self.fw
            .parties
            .get(party)
            .ok_or_else(|| format!("`{party}` is not a party of framework `{}`", self.fw.id))
    }

    /// The incident at `i`, if it is still held.
    #[inline]
    pub(crate) fn incident(&self, i: IncRef) -> Option<&Inc> {
        self.incidents.get(i.slot).filter(|inc| inc.n == i.n)
    }

    /// The breach at `b`, if it is still held.
    #[inline]
    pub(crate) fn breach_state(&self, b: BreachRef) -> Option<&BreachState> {
        self.breaches.get(b.slot).filter(|s| s.n == b.n)
    }

    #[inline]
    pub(crate) fn breach_mut(&mut self, b: BreachRef) -> Option<&mut BreachState> {
        self.breaches.get_mut(b.slot).filter(|s| s.n == b.n)
    }

    // ------------------------------------------------------------ amendments

    /// Puts a registered framework version in force (see [`Engine`]). Only
    /// a party that the version in force lets amend may record it; the
    /// version must be one the engine knows, named by its hash and its
    /// version string, not the one in force, and — if it says which
    /// version it supersedes — amend the one in force.
    fn amend(
        &mut self,
        recorded: Timestamp,
        a: &Amendment,
        out: &mut Vec<Decision>,
    ) -> Result<(), String> {
        let party = self.party_known(&a.id.party)?;
        let current = Arc::clone(&self.fw);
        if !current.amenders.contains(usize::from(party)) {
            return Err(format!(
                "`{}` may not record an amendment: under version {} it takes {}",
                a.id.party, current.version, current.amenders_text
            ));
        }
        let Some(ix) = self
            .versions
            .iter()
            .position(|v| v.hash == a.framework_hash)
        else {
            let known: Vec<String> = self
                .versions
                .iter()
                .map(|v| format!("{} (sha256 {})", v.version, v.hash))
                .collect();
            return Err(format!(
                "no framework version with hash {} was given to the engine; it knows: {} — check the hash with `bulwark check` on the amended file",
                a.framework_hash,
                known.join(", ")
            ));
        };
        let Some(next) = self.versions.get(ix).cloned() else {
            return Err("no such version".into());
        };
        if next.version != a.version {
            return Err(format!(
                "the amendment names version {}, but the framework with hash {} is version {}",
                a.version,
                short(&a.framework_hash),
                next.version
            ));
        }
        if ix == self.in_force {
            return Err(format!(
                "version {} (sha256 {}) is already in force",
                next.version,
                short(&next.hash)
            ));
        }
        if let Some(s) = &next.supersedes
            && *s != current.version
        {
            return Err(format!(
                "version {} supersedes version {s}, but version {} is in force",
                next.version, current.version
            ));
        }
        out.push(Decision::Accepted {
            at: recorded,
            input: a.id.clone(),
        });
        out.push(Decision::Amended {
            at: recorded,
            input: a.id.clone(),
            version: next.version.clone(),
            framework_hash: next.hash.clone(),
            explanation: format!(
                "framework `{}` version {} (sha256 {}) is in force from {recorded}, replacing version {} (sha256 {}): evidence recorded from now on is judged by its triggers, and breaches opened from now on bind to it; breaches opened before keep the version they bind to",
                next.id,
                next.version,
                short(&next.hash),
                current.version,
                short(&current.hash)
            ),
        });
        self.in_force = ix;
        self.horizon = self.horizon.max(next.horizon);
        self.reach = self.reach.max(next.reach);
        self.fw = next;
        self.rematch_triggers();
        Ok(())
    }

    /// After an amendment: which triggers each incident matches, and the
    /// incidents each trigger may still count, under the version in force.
    /// An incident already in a breach of a trigger (of any version) is not
    /// free for that trigger again.
    fn rematch_triggers(&mut self) {
        for free in &mut self.free {
            free.clear();
        }
        let held: Vec<IncRef> = self
            .incidents
            .slots()
            .map(|(slot, inc)| IncRef { n: inc.n, slot })
            .collect();
        for i in held {
            let Some(inc) = self.incident(i) else {
                continue;
            };
            let matched: fusion::Few<usize> = match &inc.kind {
                Kind::Known(k) => self
                    .fw
                    .kind_triggers
                    .get(usize::from(*k))
                    .map(|list| {
                        list.iter()
                            .copied()
                            .filter(|&t| {
                                self.fw
                                    .trigger(t)
                                    .is_some_and(|trigger| self.trigger_matches(trigger, inc))
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                Kind::Other(_) => Few::default(),
            };
            let to = inc.to;
            let free_for: Vec<usize> = matched
                .iter()
                .copied()
                .filter(|&t| inc.breach_for(t).is_none())
                .collect();
            for t in free_for {
                if let Some(free) = self.free.get_mut(t) {
                    free.insert((to, i.n, i.slot));
                }
            }
            if let Some(inc) = self.incidents.get_mut(i.slot).filter(|x| x.n == i.n) {
                inc.triggers = matched;
            }
        }
    }

    // ------------------------------------------------------------ observations

    /// Validates an observation, fuses it, and runs the triggers it touches;
    /// returns its identity, to be remembered.
    fn observation(
        &mut self,
        recorded: Timestamp,
        o: &Observation,
        out: &mut Vec<Decision>,
    ) -> Result<Ident, String> {
        let party = o.id.party.as_str();
        let party_ix = self.party_known(party)?;
        let fw = &self.fw;
        let class_ix = fw.classes.get(&o.class).ok_or_else(|| {
            format!(
                "source class `{}` is not declared in the framework",
                o.class
            )
        })?;
        let class = fw.class(class_ix).ok_or("no such class")?;
        if !class.operated_by.contains(usize::from(party_ix)) {
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
        if end > recorded.plus(fw.fusion.future_max) {
            return Err(format!(
                "claims the future: observed until {end}, but recorded at {recorded} (more than {} ahead)",
                fw.fusion.future_max
            ));
        }
        let weapon =
            match &o.weapon {
                Some(w) => Some(fw.weapons.get(w).ok_or_else(|| {
                    format!("weapon model `{w}` is not declared in the framework")
                })?),
                None => None,
            };
        let late = class
            .late_max
            .is_some_and(|max| recorded.seconds_since(end) > max.seconds());
        let mut area = None;
        let mut lines = Vec::new();
        if let Some(zone) = &o.place.zone {
            let z = fw
                .zones
                .get(zone)
                .ok_or_else(|| format!("zone `{zone}` is not declared in the framework"))?;
            match fw.zone(z).map(|info| info.kind) {
                Some(ZoneKind::Area) => area = Some(z),
                Some(ZoneKind::Line) => lines.push(z),
                None => {}
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
            area = fw.zone_of_point(p);
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
            lines.extend(fw.lines_crossed(&track));
        }
        // The adversary's own reports are kept as sources, but its word
        // neither contests another party's evidence (an attribution naming
        // someone else) nor lowers a count (a "none launched" declaration):
        // no single party may deny a breach by itself.
        let adversary = fw
            .adversary
            .get(usize::from(party_ix))
            .copied()
            .unwrap_or(false);
        let no_counts = model::Counts::default();
        let counts = if adversary { &no_counts } else { &o.counts };
        let attribution = if adversary {
            None
        } else {
            o.attribution.clone()
        };
        let key = Ident::new(&o.id);
        let obs = Obs {
            input: key.clone(),
            party: party_ix,
            class: class_ix,
            confidence: o.confidence_bp,
            late,
            from: o.observed.from,
            to: end,
            counts: PackedCounts::new(counts),
            area,
            point,
            weapon,
            target: o.target.as_deref().and_then(|t| fw.targets.get(t)),
            rare: (!lines.is_empty() || attribution.is_some() || !o.derived_from.is_empty()).then(
                || {
                    Box::new(Rare {
                        lines,
                        attribution,
                        derived_from: o.derived_from.clone(),
                    })
                },
            ),
        };
        out.push(Decision::Accepted {
            at: recorded,
            input: o.id.clone(),
        });
        let protected = fw
            .protected
            .get(usize::from(party_ix))
            .copied()
            .unwrap_or(false);
        let kind = match fw.kinds.get(&o.kind) {
            Some(k) => Kind::Known(k),
            None => Kind::Other(o.kind.as_str().into()),
        };
        let i = match self.find_incident(&kind, &obs) {
            Some(i) => {
                self.join(i, obs, protected, recorded, &o.id, out);
                i
            }
            None => self.open_incident(kind, obs, protected, recorded, &o.id, out),
        };
        self.triggers_for(i, recorded, out);
        Ok(key)
    }

    fn kind_index(&self, kind: &Kind) -> Option<&KindIndex> {
        match kind {
            Kind::Known(k) => self.known_kinds.get(usize::from(*k)),
            Kind::Other(name) => self.other_kinds.get(name),
        }
    }

    pub(crate) fn kind_index_mut(&mut self, kind: &Kind) -> Option<&mut KindIndex> {
        match kind {
            Kind::Known(k) => self.known_kinds.get_mut(usize::from(*k)),
            Kind::Other(name) => Some(self.other_kinds.entry(name.clone()).or_default()),
        }
    }

    /// The incident an observation joins: same kind, compatible weapon,
    /// overlapping time (within the slack) and compatible place. A report
    /// derived from another joins the incident holding that other report,
    /// if it fits; otherwise, among several, the one that started last
    /// (then the one opened last) wins.
    fn find_incident(&self, kind: &Kind, obs: &Obs) -> Option<IncRef> {
        let slack = self.fw.fusion.time_slack;
        let distance_m = i64::from(self.fw.fusion.distance_km) * 1000;
        let index = self.kind_index(kind)?;
        let lowest = Timestamp::from_millis(
            obs.from
                .minus(slack)
                .millis()
                .saturating_sub(index.span_max),
        );
        let highest = obs.to.plus(slack);
        let mut fitting = index
            .by_start
            .range((lowest, 0, 0)..=(highest, u64::MAX, usize::MAX))
            .rev()
            .filter_map(|&(_, n, slot)| {
                let i = IncRef { n, slot };
                let inc = self.incident(i)?;
                let fits = obs.from <= inc.to.plus(slack)
                    && self.fw.weapons_compatible(inc.weapon, obs.weapon)
                    && self.places_compatible(inc, obs, distance_m);
                fits.then_some((i, inc))
            });
        if obs.derived_from().is_empty() {
            return fitting.next().map(|(i, _)| i);
        }
        let mut first = None;
        for (i, inc) in fitting {
            if inc
                .obs
                .iter()
                .any(|x| obs.derived_from().iter().any(|d| x.input.is(d)))
            {
                return Some(i);
            }
            first.get_or_insert(i);
        }
        first
    }

    fn places_compatible(&self, inc: &Inc, obs: &Obs, distance_m: i64) -> bool {
        if let (Some(p), Some(q)) = (inc.anchor, obs.point) {
            return crate::geo::distance_m_squared(p, q) <= distance_m.saturating_mul(distance_m);
        }
        match obs.area {
            Some(y) if !inc.areas.is_empty() => inc
                .areas
                .iter()
                .any(|&x| self.fw.zone_within(x, y) || self.fw.zone_within(y, x)),
            _ => true,
        }
    }

    fn open_incident(
        &mut self,
        kind: Kind,
        obs: Obs,
        protected: bool,
        recorded: Timestamp,
        input: &InputId,
        out: &mut Vec<Decision>,
    ) -> IncRef {
        self.opened += 1;
        let n = self.opened;
        let input = input.clone();
        let inc = Inc::open(&self.fw, n, kind, obs, protected);
        let label = inc.label();
        let contested = first_contest_reason(&inc);
        let (from, span) = (inc.from, inc.to.millis() - inc.from.millis());
        let kind = inc.kind.clone();
        let slot = self.incidents.insert(inc);
        out.push(Decision::IncidentOpened {
            at: recorded,
            incident: label.clone(),
            input,
        });
        if let Some(reason) = contested {
            out.push(Decision::IncidentContested {
                at: recorded,
                incident: label,
                reason,
            });
        }
        if let Some(index) = self.kind_index_mut(&kind) {
            index.by_start.insert((from, n, slot));
            index.span_max = index.span_max.max(span);
        }
        if !self.keep_history {
            self.pruning
                .incidents
                .push(std::cmp::Reverse((i64::MIN, n, slot)));
        }
        IncRef { n, slot }
    }

    /// Adds an observation to incident `i`, keeping the indexes current.
    fn join(
        &mut self,
        i: IncRef,
        obs: Obs,
        protected: bool,
        recorded: Timestamp,
        input: &InputId,
        out: &mut Vec<Decision>,
    ) {
        let Some(inc) = self.incidents.get_mut(i.slot).filter(|inc| inc.n == i.n) else {
            return;
        };
        let was_contested = inc.contested();
        let (old_from, old_to) = (inc.from, inc.to);
        inc.join(&self.fw, obs, protected);
        out.push(Decision::IncidentJoined {
            at: recorded,
            incident: inc.label(),
            input: input.clone(),
        });
        if !was_contested && let Some(reason) = first_contest_reason(inc) {
            out.push(Decision::IncidentContested {
                at: recorded,
                incident: inc.label(),
                reason,
            });
        } else if was_contested && !inc.contested() {
            out.push(Decision::IncidentUncontested {
                at: recorded,
                incident: inc.label(),
                input: input.clone(),
            });
        }
        let (from, to, span) = (inc.from, inc.to, inc.to.millis() - inc.from.millis());
        let kind = inc.kind.clone();
        let triggers = if to != old_to {
            inc.triggers.clone()
        } else {
            Few::default()
        };
        if let Some(index) = self.kind_index_mut(&kind) {
            if from != old_from {
                index.by_start.remove(&(old_from, i.n, i.slot));
                index.by_start.insert((from, i.n, i.slot));
            }
            index.span_max = index.span_max.max(span);
        }
        for &t in triggers.iter() {
            if let Some(free) = self.free.get_mut(t)
                && free.remove(&(old_to, i.n, i.slot))
            {
                free.insert((to, i.n, i.slot));
            }
        }
    }

    // ------------------------------------------------------------ pruning

    /// Forgets what can no longer change a decision (without history only).
    ///
    /// An observation accepted from now on starts no earlier than
    /// `now − horizon`; it can join only incidents ending after that minus
    /// the slack, and its incident's windows reach back at most the longest
    /// window. So an incident ending before `now − horizon − reach` is never
    /// touched again, and once the same holds for every member of every
    /// breach it belongs to, and none of those is under review (whose clock
    /// reads its incidents), nothing reads it again either.
    fn prune(&mut self, now: Timestamp) {
        self.pruning.last = Some(now);
        let cutoff = now.minus(self.horizon).minus(self.reach);
        while let Some(&std::cmp::Reverse((key, n, slot))) = self.pruning.incidents.peek() {
            if key >= cutoff.millis() {
                break;
            }
            self.pruning.incidents.pop();
            self.consider_pruning(IncRef { n, slot }, cutoff);
        }
        let forget = now.minus(self.horizon).millis();
        while let Some(e) = self.pruning.seen.peek() {
            if e.from_ms >= forget {
                break;
            }
            if let Some(e) = self.pruning.seen.pop() {
                self.seen.remove(e.hash, &e.id);
            }
        }
    }

    fn consider_pruning(&mut self, i: IncRef, cutoff: Timestamp) {
        let Some(inc) = self.incident(i) else {
            return;
        };
        let mut last_end = inc.to;
        let mut reviewed = None;
        for (_, b) in inc.breaches.iter() {
            let Some(state) = self.breach_state(*b) else {
                continue;
            };
            if state.view.status == crate::decision::BreachStatus::UnderReview {
                reviewed = Some(*b);
            }
            for m in &state.members {
                if let Some(x) = self.incident(*m) {
                    last_end = last_end.max(x.to);
                }
            }
        }
        if last_end >= cutoff {
            self.pruning
                .incidents
                .push(std::cmp::Reverse((last_end.millis(), i.n, i.slot)));
            return;
        }
        if let Some(b) = reviewed {
            if let Some(state) = self.breach_mut(b) {
                state.waiting.push(i);
            }
            return;
        }
        let Some(inc) = self.incidents.remove(i.slot) else {
            return;
        };
        if let Some(index) = self.kind_index_mut(&inc.kind) {
            index.by_start.remove(&(inc.from, i.n, i.slot));
        }
        if let Kind::Other(name) = &inc.kind
            && self
                .other_kinds
                .get(name)
                .is_some_and(|x| x.by_start.is_empty())
        {
            self.other_kinds.remove(name);
        }
        for t in inc.triggers.iter() {
            if let Some(free) = self.free.get_mut(*t) {
                free.remove(&(inc.to, i.n, i.slot));
            }
        }
        for (_, b) in inc.breaches.iter() {
            let gone = match self.breach_mut(*b) {
                Some(state) => {
                    state.held = state.held.saturating_sub(1);
                    state.held == 0
                }
                None => false,
            };
            if gone {
                self.breaches.remove(b.slot);
                self.breach_slots.remove(&b.n);
            }
        }
    }

    /// Without history: a breach's review ended, so the incidents that
    /// waited for it may go.
    pub(crate) fn review_ended(&mut self, b: BreachRef) {
        if self.keep_history {
            return;
        }
        let waiting = match self.breach_mut(b) {
            Some(state) => std::mem::take(&mut state.waiting),
            None => return,
        };
        for i in waiting {
            self.pruning
                .incidents
                .push(std::cmp::Reverse((i64::MIN, i.n, i.slot)));
        }
    }

    // ------------------------------------------------------------ views

    fn incident_view(&self, inc: &Inc) -> Incident {
        let reasons = contest_reasons(inc);
        let zone = inc
            .obs
            .iter()
            .filter_map(|o| o.area)
            .min_by_key(|z| (self.fw.zone_depth(*z), *z))
            .map(|z| self.fw.zones.name(z).to_string());
        Incident {
            id: inc.label().to_string(),
            kind: match &inc.kind {
                Kind::Known(k) => self.fw.kinds.name(*k).to_string(),
                Kind::Other(name) => name.to_string(),
            },
            weapon: inc.weapon.map(|w| self.fw.weapons.name(w).to_string()),
            from: inc.from,
            to: inc.to,
            zone,
            count: inc.shown_count(),
            sources: inc
                .obs
                .iter()
                .map(|o| SourceRef {
                    input: o.input.to_id(),
                    party: o.input.party().to_string(),
                    class: self.fw.classes.name(o.class).to_string(),
                    confidence_bp: o.confidence,
                    late: o.late,
                })
                .collect(),
            confidence_bp: combine(fusion::groups(inc.obs.iter()).into_iter().map(|g| g.2)),
            contested: !reasons.is_empty(),
            contest_reasons: reasons,
        }
    }
}

/// The first twelve hex digits of a hash, for explanations.
pub(crate) fn short(hash: &str) -> String {
    format!("{}…", hash.get(..12).unwrap_or(hash))
}
