//! The ladder's part of a snapshot (see `crate::snapshot`): its mutable
//! state; the rules of each framework version are compiled again on
//! restore. Maps keyed by pairs are written as lists of entries (in key
//! order), and indices between the tables are checked on the way back in.

use std::collections::{BTreeMap, BTreeSet};

use base::Timestamp;
use model::InputId;
use serde::{Deserialize, Serialize};

use super::{Activation, BreachRec, ItemState, Ladder, MissedView, VoteRec};

/// (trigger, tier) and the (first observed, breach) that reached it.
type Reached = ((String, String), BTreeSet<(Timestamp, String)>);

/// Everything of a [`Ladder`] that inputs change.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LadderState {
    in_force: usize,
    now: Option<Timestamp>,
    breaches: BTreeMap<String, BreachRec>,
    activations: Vec<Activation>,
    by_key: Vec<((String, String), usize)>,
    reached: Vec<Reached>,
    orders: BTreeMap<String, (usize, usize)>,
    clocks: BTreeSet<(Timestamp, usize)>,
    dues: BTreeSet<(Timestamp, usize, usize)>,
    votes: Vec<VoteRec>,
    missed: Vec<MissedView>,
    relief: Vec<ItemState>,
    outages: Vec<(Timestamp, Timestamp, InputId)>,
}

impl Ladder {
    pub(crate) fn save(&self) -> LadderState {
        // No `..`: a field added to `Ladder` must be placed here first.
        let Ladder {
            versions: _,
            in_force,
            item_index: _,
            now,
            breaches,
            activations,
            by_key,
            reached,
            orders,
            clocks,
            dues,
            votes,
            missed,
            relief,
            outages,
        } = self;
        LadderState {
            in_force: *in_force,
            now: *now,
            breaches: breaches.clone(),
            activations: activations.clone(),
            by_key: by_key.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            reached: reached
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            orders: orders.clone(),
            clocks: clocks.clone(),
            dues: dues.clone(),
            votes: votes.clone(),
            missed: missed.clone(),
            relief: relief.clone(),
            outages: outages.clone(),
        }
    }

    /// Puts a saved state into a ladder freshly made over the same
    /// framework versions; refuses one whose tables do not hang together.
    pub(crate) fn load(&mut self, st: LadderState) -> Result<(), String> {
        let versions = self.versions.len();
        if st.in_force >= versions {
            return Err(format!(
                "ladder version in force {} is not one of the {versions} versions given",
                st.in_force
            ));
        }
        if st.relief.len() != self.relief.len() {
            return Err(format!(
                "{} relief items, but the frameworks have {}",
                st.relief.len(),
                self.relief.len()
            ));
        }
        let acts = &st.activations;
        let order_exists =
            |a: usize, o: usize| acts.get(a).is_some_and(|x| x.orders.get(o).is_some());
        for (k, a) in acts.iter().enumerate() {
            if a.version >= versions {
                return Err(format!(
                    "activation {k} names framework version {}",
                    a.version
                ));
            }
            if a.last_vote.values().any(|&v| v >= st.votes.len()) {
                return Err(format!("activation {k} counts a vote not recorded"));
            }
        }
        if st.breaches.values().any(|b| b.version >= versions) {
            return Err("a breach names an unknown framework version".into());
        }
        let bad_index = st.by_key.iter().any(|(_, a)| *a >= acts.len())
            || st.orders.values().any(|&(a, o)| !order_exists(a, o))
            || st.clocks.iter().any(|&(_, a)| a >= acts.len())
            || st.dues.iter().any(|&(_, a, o)| !order_exists(a, o));
        if bad_index {
            return Err("the ladder's indexes name activations or orders it does not hold".into());
        }
        let by_key: BTreeMap<(String, String), usize> = st.by_key.into_iter().collect();
        let reached: BTreeMap<(String, String), BTreeSet<(Timestamp, String)>> =
            st.reached.into_iter().collect();
        let Ladder {
            versions: _,
            in_force,
            item_index: _,
            now,
            breaches,
            activations,
            by_key: by_key_slot,
            reached: reached_slot,
            orders,
            clocks,
            dues,
            votes,
            missed,
            relief,
            outages,
        } = self;
        *in_force = st.in_force;
        *now = st.now;
        *breaches = st.breaches;
        *activations = st.activations;
        *by_key_slot = by_key;
        *reached_slot = reached;
        *orders = st.orders;
        *clocks = st.clocks;
        *dues = st.dues;
        *outages = st.outages;
        *votes = st.votes;
        *missed = st.missed;
        *relief = st.relief;
        Ok(())
    }
}
