//! Retractions (DESIGN "Votes and the ladder"): a party withdraws one of
//! its own observations. Its contribution leaves its incident — counts,
//! sources, confidence, contest recomputed from the reports that remain, as
//! if it had never been reported — and every breach resting on that
//! incident is reviewed at once: if what remains still meets the trigger
//! and the evidence standard, the breach stands (`BreachUpheld`); if not, it
//! is withdrawn (`BreachWithdrawn`), and the ladder supersedes its
//! activations. Each is a new decision appended after the old ones; nothing
//! is deleted: the observation stays in the log and its identity stays
//! taken (sending it again is a duplicate, not a revival).
//!
//! A withdrawn breach lets go of its incidents, so that the reports that
//! remain (and later ones) may open a new breach of the same trigger — which
//! then needs its own certification, and enters the ladder afresh.
//!
//! A retraction must come within the engine's horizon (the longest of the
//! framework's windows, late limits and fusion slack) of the observation's
//! observed start: older evidence can no longer change a decision — the
//! rule new observations follow — and an engine without history has
//! forgotten it. So both kinds of engine decide a retraction alike.
//!
//! Finding the observation scans the incidents held: retractions are rare,
//! and an index kept for every observation would cost every observation.

use base::Timestamp;
use model::{InputId, Retraction};

use crate::decision::{BreachStatus, Decision};
use crate::fusion::{BreachRef, IncRef, combine, first_contest_reason, groups};
use crate::state::Engine;

impl Engine {
    /// Applies a retraction, or says why it is refused (nothing changed).
    pub(crate) fn retraction(
        &mut self,
        recorded: Timestamp,
        r: &Retraction,
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
        let horizon = self.horizon();
        let Some((i, k)) = self.locate(&r.retracts) else {
            return Err(if self.has_seen(&r.retracts) {
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
        let observed = self
            .incident(i)
            .and_then(|inc| inc.obs.get(k))
            .map(|o| o.from);
        if let Some(from) = observed
            && from < recorded.minus(horizon)
        {
            return Err(format!(
                "`{}` was observed from {from}, more than {horizon} before this retraction was recorded at {recorded}: too old to change any decision (a retraction must come within {horizon}, the longest of the framework's windows, late limits and fusion slack)",
                r.retracts
            ));
        }
        out.push(Decision::Accepted {
            at: recorded,
            input: r.id.clone(),
        });
        self.retracted
            .insert(r.retracts.clone(), (recorded, r.id.clone()));
        self.take_out(i, k, recorded, r, out);
        // Every breach resting on the incident, in order of opening.
        let mut breaches: Vec<(usize, BreachRef)> = self
            .incident(i)
            .map(|inc| inc.breaches.iter().copied().collect())
            .unwrap_or_default();
        breaches.sort_by_key(|(_, b)| b.n);
        for (t, b) in breaches {
            self.review_on_retraction(t, b, recorded, &r.id, out);
        }
        if self.incident(i).is_some_and(|inc| !inc.is_empty()) {
            // What remains may still (or now) reach a trigger on its own.
            self.triggers_for(i, recorded, out);
        }
        Ok(())
    }

    /// The incident and position holding observation `id`: of several
    /// (an identity reused once forgotten, without history), the incident
    /// opened last.
    fn locate(&self, id: &InputId) -> Option<(IncRef, usize)> {
        self.incidents
            .slots()
            .filter_map(|(slot, inc)| {
                let k = inc.obs.iter().position(|o| o.input.is(id))?;
                Some((IncRef { n: inc.n, slot }, k))
            })
            .max_by_key(|(i, _)| i.n)
    }

    /// Takes observation `k` out of incident `i`, keeping the fusion and
    /// trigger indexes current, and says what the incident is now.
    fn take_out(
        &mut self,
        i: IncRef,
        k: usize,
        recorded: Timestamp,
        r: &Retraction,
        out: &mut Vec<Decision>,
    ) {
        let Engine { fw, incidents, .. } = self;
        let Some(inc) = incidents.get_mut(i.slot).filter(|inc| inc.n == i.n) else {
            return;
        };
        let was_contested = inc.contested();
        let (old_from, old_to) = (inc.from, inc.to);
        if inc.remove(fw, k).is_none() {
            return;
        }
        let label = inc.label();
        let (from, to, empty, kind) = (inc.from, inc.to, inc.is_empty(), inc.kind.clone());
        let contest = (!was_contested)
            .then(|| first_contest_reason(inc))
            .flatten();
        let uncontested = was_contested && !inc.contested();
        let explanation = if empty {
            format!(
                "`{}` retracted its observation `{}` ({}): incident {label} holds no report any more and counts nothing",
                r.id.party, r.retracts, r.reason
            )
        } else {
            let count = inc.shown_count();
            let confidence = combine(groups(inc.obs.iter()).into_iter().map(|g| g.2));
            format!(
                "`{}` retracted its observation `{}` ({}): incident {label} now rests on {} report{}, count {}–{}, confidence {confidence} bp",
                r.id.party,
                r.retracts,
                r.reason,
                inc.obs.len(),
                if inc.obs.len() == 1 { "" } else { "s" },
                count.low,
                count.high
            )
        };
        let triggers: Vec<(usize, bool)> = inc
            .triggers
            .iter()
            .map(|&t| (t, inc.breach_for(t).is_some()))
            .collect();
        out.push(Decision::ObservationRetracted {
            at: recorded,
            input: r.id.clone(),
            retracts: r.retracts.clone(),
            incident: label.to_string(),
            explanation,
        });
        if let Some(reason) = contest {
            out.push(Decision::IncidentContested {
                at: recorded,
                incident: label.clone(),
                reason,
            });
        } else if uncontested {
            out.push(Decision::IncidentUncontested {
                at: recorded,
                incident: label,
                input: r.id.clone(),
            });
        }
        if let Some(index) = self.kind_index_mut(&kind) {
            if empty || from != old_from {
                index.by_start.remove(&(old_from, i.n, i.slot));
            }
            if !empty && from != old_from {
                index.by_start.insert((from, i.n, i.slot));
            }
        }
        // Triggers without a breach of it: the incident waits in their
        // free set while it still matches them.
        let mut dropped = Vec::new();
        for (t, breached) in triggers {
            if breached {
                continue;
            }
            if let Some(free) = self.free.get_mut(t) {
                free.remove(&(old_to, i.n, i.slot));
            }
            if self.still_matches(t, i) {
                if let Some(free) = self.free.get_mut(t) {
                    free.insert((to, i.n, i.slot));
                }
            } else {
                dropped.push(t);
            }
        }
        if !dropped.is_empty()
            && let Some(inc) = self.incidents.get_mut(i.slot).filter(|inc| inc.n == i.n)
        {
            inc.triggers.retain(|t| !dropped.contains(t));
        }
    }

    /// The review a retraction opens for breach `b` of trigger `t`.
    fn review_on_retraction(
        &mut self,
        t: usize,
        b: BreachRef,
        recorded: Timestamp,
        input: &InputId,
        out: &mut Vec<Decision>,
    ) {
        let Some(state) = self.breach_state(b) else {
            return;
        };
        let was = state.view.status;
        let id = state.view.id.clone();
        if matches!(was, BreachStatus::Closed | BreachStatus::Withdrawn) {
            // Decided for good: only its count follows.
            self.refresh_count(b, recorded, out);
            return;
        }
        let verdict = self.still_reached(b).and_then(|rule| {
            if was == BreachStatus::Open {
                // Not certified: the standard is judged as reports come.
                Ok(rule)
            } else {
                self.standard_afresh(b)
                    .map(|evidence| format!("{rule}; {evidence}"))
                    .map_err(|missing| format!("{rule}, but {missing}"))
            }
        });
        match verdict {
            Ok(why) => {
                let stands = match was {
                    BreachStatus::Open => "the breach stays open".to_string(),
                    BreachStatus::UnderReview => {
                        "the breach stays under review; its clock runs on".to_string()
                    }
                    BreachStatus::Certified => {
                        let when = state
                            .view
                            .certified_at
                            .map(|t| format!(" of {t}"))
                            .unwrap_or_default();
                        format!("the certification{when} stands")
                    }
                    _ => "the escalation to leaders' sign-off stands".to_string(),
                };
                let explanation =
                    format!("reviewed on the retraction of `{input}`: {why}: {stands}");
                if let Some(state) = self.breach_mut(b)
                    && was != BreachStatus::Open
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
                    explanation,
                });
                if was == BreachStatus::Open {
                    self.rejudge_open(b, recorded, out);
                } else {
                    self.refresh_count(b, recorded, out);
                }
            }
            Err(why) => {
                self.withdraw(t, b, recorded, input, was, why, out);
                self.refresh_count(b, recorded, out);
            }
        }
    }

    /// Keeps a decided breach's count current (`refresh_breach` does only
    /// that once a breach is no longer open).
    fn refresh_count(&mut self, b: BreachRef, recorded: Timestamp, out: &mut Vec<Decision>) {
        let open = self
            .breach_state(b)
            .is_some_and(|s| s.view.status == BreachStatus::Open);
        if open {
            self.rejudge_open(b, recorded, out);
        } else {
            self.refresh_breach(b, recorded, out);
        }
    }

    /// Withdraws breach `b` of trigger `t`: its review clock (if any) stops,
    /// and its incidents are free again for trigger `t`.
    #[allow(clippy::too_many_arguments)]
    fn withdraw(
        &mut self,
        t: usize,
        b: BreachRef,
        recorded: Timestamp,
        input: &InputId,
        was: BreachStatus,
        why: String,
        out: &mut Vec<Decision>,
    ) {
        let Some(state) = self.breach_mut(b) else {
            return;
        };
        let id = state.view.id.clone();
        let deadline = state
            .view
            .review_deadline
            .filter(|_| was == BreachStatus::UnderReview);
        state.view.status = BreachStatus::Withdrawn;
        state.view.explanation = format!(
            "{}; withdrawn at {recorded} on the retraction of `{input}`: {why}",
            match was {
                BreachStatus::Open => state.headline().to_string(),
                _ => state.view.explanation.clone(),
            }
        );
        let members = state.members.clone();
        out.push(Decision::BreachWithdrawn {
            at: recorded,
            breach: id,
            input: input.clone(),
            was,
            reason: format!("on the retraction of `{input}`: {why}"),
        });
        if let Some(deadline) = deadline {
            self.clocks.remove(&(deadline, b.n));
            self.review_ended(b);
        }
        for m in members {
            let matches = self.still_matches(t, m);
            let Some(inc) = self.incidents.get_mut(m.slot).filter(|x| x.n == m.n) else {
                continue;
            };
            inc.breaches.retain(|(_, x)| *x != b);
            if matches {
                let to = inc.to;
                if let Some(free) = self.free.get_mut(t) {
                    free.insert((to, m.n, m.slot));
                }
            } else {
                inc.triggers.retain(|x| *x != t);
            }
        }
    }
}
