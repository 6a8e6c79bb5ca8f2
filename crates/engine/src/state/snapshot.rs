//! The engine's part of a snapshot (see `crate::snapshot`): its mutable
//! state, in a canonical order — the table of inputs seen (a hash map) by
//! identity, the pruning heaps sorted — and checked on the way back in, so
//! that bytes which decode but do not hang together are refused instead
//! of reaching the state machine.

use std::collections::{BTreeMap, BTreeSet};

use base::{Duration, Timestamp};
use model::InputId;
use serde::{Deserialize, Serialize};

use super::{Bucket, Engine, Expiry, KindIndex, Pruning, Seen, Slab};
use crate::certify::BreachState;
use crate::fusion::{Ident, Inc, Kind};
use crate::hash::hash_of;

/// Everything of an [`Engine`] that inputs change; the compiled framework
/// versions are not in it (they are compiled again on restore).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EngineState {
    in_force: usize,
    horizon_s: i64,
    reach_s: i64,
    keep_history: bool,
    now: Option<Timestamp>,
    /// Identities accepted with their content fingerprints, by identity.
    seen: Vec<(Ident, u64)>,
    incidents: Slab<Inc>,
    opened: u64,
    known_kinds: Vec<KindIndex>,
    other_kinds: BTreeMap<Box<str>, KindIndex>,
    free: Vec<BTreeSet<(Timestamp, u64, usize)>>,
    breaches: Slab<BreachState>,
    breach_slots: BTreeMap<u64, usize>,
    breaches_opened: u64,
    clocks: BTreeSet<(Timestamp, u64)>,
    /// The pruning heaps, sorted: (earliest prune time, number, slot).
    prune_incidents: Vec<(i64, u64, usize)>,
    /// (observed from, identity), sorted.
    prune_seen: Vec<(i64, Ident)>,
    prune_last: Option<Timestamp>,
    /// Observations retracted: identity → (recorded, the retraction).
    retracted: Vec<(InputId, (Timestamp, InputId))>,
}

impl Engine {
    /// The engine's mutable state, in canonical order.
    pub(crate) fn save(&self) -> EngineState {
        // No `..`: a field added to `Engine` must be placed here (saved,
        // or said to be derived from the framework) before this compiles.
        let Engine {
            fw: _,
            versions: _,
            in_force,
            horizon,
            reach,
            keep_history,
            now,
            seen,
            incidents,
            opened,
            known_kinds,
            other_kinds,
            free,
            breaches,
            breach_slots,
            breaches_opened,
            clocks,
            pruning,
            scratch: _,
            retracted,
        } = self;
        let mut seen_list: Vec<(Ident, u64)> = Vec::with_capacity(seen.len);
        for bucket in seen.buckets.values() {
            match bucket {
                Bucket::One(id, content) => seen_list.push((id.clone(), *content)),
                Bucket::Many(list) => seen_list.extend(list.iter().cloned()),
            }
        }
        seen_list.sort_by_cached_key(|(id, _)| id.to_id());
        let Pruning {
            incidents: prune_incidents,
            seen: prune_seen,
            last: prune_last,
        } = pruning;
        let mut prune_incidents: Vec<(i64, u64, usize)> =
            prune_incidents.iter().map(|r| r.0).collect();
        prune_incidents.sort_unstable();
        let mut prune_seen: Vec<(i64, Ident)> = prune_seen
            .iter()
            .map(|e| (e.from_ms, e.id.clone()))
            .collect();
        prune_seen.sort_by_cached_key(|(from, id)| (*from, id.to_id()));
        EngineState {
            in_force: *in_force,
            horizon_s: horizon.seconds(),
            reach_s: reach.seconds(),
            keep_history: *keep_history,
            now: *now,
            seen: seen_list,
            incidents: incidents.clone(),
            opened: *opened,
            known_kinds: known_kinds.clone(),
            other_kinds: other_kinds.clone(),
            free: free.clone(),
            breaches: breaches.clone(),
            breach_slots: breach_slots.clone(),
            breaches_opened: *breaches_opened,
            clocks: clocks.clone(),
            prune_incidents,
            prune_seen,
            prune_last: *prune_last,
            retracted: retracted
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        }
    }

    /// Puts a saved state into an engine freshly made over the same
    /// framework versions; refuses a state that does not hang together.
    pub(crate) fn load(&mut self, st: EngineState) -> Result<(), String> {
        let fw = self.versions.get(st.in_force).cloned().ok_or_else(|| {
            format!(
                "version in force {} is not one of the {} versions given",
                st.in_force,
                self.versions.len()
            )
        })?;
        if st.known_kinds.len() != self.known_kinds.len() {
            return Err(format!(
                "{} observation kinds, but the frameworks have {}",
                st.known_kinds.len(),
                self.known_kinds.len()
            ));
        }
        if st.free.len() != self.free.len() {
            return Err(format!(
                "{} triggers, but the frameworks have {}",
                st.free.len(),
                self.free.len()
            ));
        }
        if st.horizon_s < 0 || st.reach_s < 0 {
            return Err("a negative horizon or reach".into());
        }
        check_slab(&st.incidents, "incidents")?;
        check_slab(&st.breaches, "breaches")?;
        let triggers = st.free.len();
        let kinds = st.known_kinds.len();
        let versions = self.versions.len();
        for (slot, inc) in st.incidents.slots() {
            if inc.n == 0 || inc.n > st.opened {
                return Err(format!(
                    "incident in slot {slot} has number {}, but {} were opened",
                    inc.n, st.opened
                ));
            }
            if inc.from > inc.to {
                return Err(format!("incident I{} ends before it starts", inc.n));
            }
            if let Kind::Known(k) = inc.kind
                && usize::from(k) >= kinds
            {
                return Err(format!("incident I{} has an unknown kind", inc.n));
            }
            if inc.triggers.iter().any(|&t| t >= triggers)
                || inc.breaches.iter().any(|&(t, _)| t >= triggers)
            {
                return Err(format!("incident I{} names an unknown trigger", inc.n));
            }
            // An incident may hold no observation: retractions can take
            // every one away, and it is kept for the record.
        }
        for (slot, b) in st.breaches.slots() {
            if b.n == 0 || b.n > st.breaches_opened {
                return Err(format!(
                    "breach in slot {slot} has number {}, but {} were opened",
                    b.n, st.breaches_opened
                ));
            }
            if b.version >= versions || b.trigger >= triggers {
                return Err(format!(
                    "breach B{} names an unknown framework version or trigger",
                    b.n
                ));
            }
            if st.breach_slots.get(&b.n) != Some(&slot) {
                return Err(format!("breach B{} is not indexed", b.n));
            }
        }
        for (n, slot) in &st.breach_slots {
            if st.breaches.get(*slot).is_none_or(|b| b.n != *n) {
                return Err(format!("breach B{n} is indexed but not held"));
            }
        }
        let mut seen = Seen::default();
        for (id, content) in st.seen {
            let key = id.to_id();
            let hash = hash_of(&key);
            if seen.get(hash, &key).is_some() {
                return Err(format!("input {key} is recorded as seen twice"));
            }
            seen.insert(hash, id, content);
        }
        let mut pruning = Pruning {
            last: st.prune_last,
            ..Pruning::default()
        };
        for entry in st.prune_incidents {
            pruning.incidents.push(std::cmp::Reverse(entry));
        }
        for (from_ms, id) in st.prune_seen {
            let hash = hash_of(&id.to_id());
            pruning.seen.push(Expiry { from_ms, hash, id });
        }
        // The same destructuring as in `save`: every field is set.
        let Engine {
            fw: fw_slot,
            versions: _,
            in_force,
            horizon,
            reach,
            keep_history,
            now,
            seen: seen_slot,
            incidents,
            opened,
            known_kinds,
            other_kinds,
            free,
            breaches,
            breach_slots,
            breaches_opened,
            clocks,
            pruning: pruning_slot,
            scratch,
            retracted,
        } = self;
        *fw_slot = fw;
        *in_force = st.in_force;
        *horizon = Duration::from_seconds(st.horizon_s);
        *reach = Duration::from_seconds(st.reach_s);
        *keep_history = st.keep_history;
        *now = st.now;
        *seen_slot = seen;
        *incidents = st.incidents;
        *opened = st.opened;
        *known_kinds = st.known_kinds;
        *other_kinds = st.other_kinds;
        *free = st.free;
        *breaches = st.breaches;
        *breach_slots = st.breach_slots;
        *breaches_opened = st.breaches_opened;
        *clocks = st.clocks;
        *pruning_slot = pruning;
        *retracted = st.retracted.into_iter().collect();
        scratch.clear();
        Ok(())
    }
}

/// A slab's free list names distinct empty slots, and every empty slot.
fn check_slab<T>(slab: &Slab<T>, what: &str) -> Result<(), String> {
    let empty = slab.items.iter().filter(|x| x.is_none()).count();
    let distinct: BTreeSet<usize> = slab.vacant.iter().copied().collect();
    let consistent = empty == slab.vacant.len()
        && distinct.len() == slab.vacant.len()
        && distinct
            .iter()
            .all(|&v| slab.items.get(v).is_some_and(Option::is_none));
    if consistent {
        Ok(())
    } else {
        Err(format!("the table of {what} has an inconsistent free list"))
    }
}
