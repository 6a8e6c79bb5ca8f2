//! Both halves of the decision engine together: [`Engine`] certifies
//! breaches from observations; [`Ladder`] fires the response tiers for
//! certified (or contested, escalated) breaches, counts votes, tracks orders,
//! relief and snapback. The `Decider` routes each input to its half, feeds
//! every certification and escalation to the ladder at the time it happened,
//! and returns one ordered list of steps.
//!
//! Amendments: the Decider is made with every framework version it may be
//! amended to ([`Decider::with_versions`]); an `amendment` input puts one in
//! force from its recorded time (the rules are on [`Engine`]). Each breach
//! reaches the ladder with the version it binds to, so its tiers, clocks and
//! electorates are that version's; relief is judged by the version in force.
//!
//! Time order within one call: the engine's clocks first (review expiries
//! up to the recorded time, each handed to the ladder at its own time), then
//! the ladder's clocks, then the input itself.

use std::collections::{BTreeMap, BTreeSet};

use base::Timestamp;
use framework::Framework;
use framework::schema::{RangeEnd, Role};
use model::{Input, InputId};
use serde::Serialize;

use crate::decision::Decision;
use crate::ladder::{BreachInfo, Ladder, LadderEvent};
use crate::state::{Engine, EngineError, EngineOptions};

mod snapshot;

/// One step of the decision log: the engine's or the ladder's. Both carry a
/// `"decision"` tag, so the log reads as one list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Step {
    Engine(Decision),
    Ladder(LadderEvent),
}

/// The whole decision engine over one framework (in one or more versions).
#[derive(Debug)]
pub struct Decider {
    engine: Engine,
    ladder: Ladder,
    /// Per version, in the order given (0: the first), its identity hash,
    /// its adversaries, and per trigger id the end of the count range it
    /// compares.
    versions: Vec<VersionInfo>,
    /// The version in force (an index into `versions`).
    in_force: usize,
    parties: BTreeSet<String>,
    /// Inputs the ladder took, by identity (votes, order reports, attestations).
    ladder_seen: BTreeMap<InputId, Input>,
}

#[derive(Debug)]
struct VersionInfo {
    hash: String,
    adversaries: BTreeSet<String>,
    range_end: BTreeMap<String, RangeEnd>,
}

impl VersionInfo {
    fn new(fw: &Framework) -> VersionInfo {
        VersionInfo {
            hash: fw.hash_hex(),
            adversaries: fw
                .parties
                .iter()
                .filter(|p| p.roles.contains(&Role::Adversary))
                .map(|p| p.id.clone())
                .collect(),
            range_end: fw
                .triggers
                .iter()
                .map(|t| (t.id.clone(), t.range_end.unwrap_or(RangeEnd::Low)))
                .collect(),
        }
    }
}

impl Decider {
    pub fn new(fw: &Framework) -> Result<Decider, EngineError> {
        Decider::with_versions(fw, &[])
    }

    /// A decider over `fw`, in force from the start, that an `amendment`
    /// input may move to any of `amendments` (named by hash and version).
    /// Versions must be of the same framework, with the same parties,
    /// source classes, zones, weapon models and relief items; else the
    /// error lists what differs.
    pub fn with_versions(
        fw: &Framework,
        amendments: &[&Framework],
    ) -> Result<Decider, EngineError> {
        let engine = Engine::with_versions(fw, amendments, EngineOptions::default())?;
        let ladder = Ladder::with_versions(fw, amendments).map_err(EngineError::Framework)?;
        let mut versions = vec![VersionInfo::new(fw)];
        versions.extend(amendments.iter().map(|a| VersionInfo::new(a)));
        Ok(Decider {
            engine,
            ladder,
            versions,
            in_force: 0,
            parties: fw.parties.iter().map(|p| p.id.clone()).collect(),
            ladder_seen: BTreeMap::new(),
        })
    }

    fn version(&self, v: usize) -> Option<&VersionInfo> {
        self.versions.get(v)
    }

    fn version_of_hash(&self, hash: &str) -> Option<usize> {
        self.versions.iter().position(|v| v.hash == hash)
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn ladder(&self) -> &Ladder {
        &self.ladder
    }

    /// Moves "now" forward: the engine's clocks (each certification or
    /// escalation handed to the ladder at its own time), then the ladder's.
    pub fn advance(&mut self, now: Timestamp) -> Result<Vec<Step>, EngineError> {
        let decisions = self.engine.advance(now)?;
        let mut steps = self.route(decisions);
        steps.extend(self.ladder.advance(now).into_iter().map(Step::Ladder));
        Ok(steps)
    }

    /// Applies one input recorded at `recorded`.
    pub fn submit(&mut self, recorded: Timestamp, input: &Input) -> Result<Vec<Step>, EngineError> {
        match input {
            Input::Vote(_) | Input::OrderReport(_) | Input::Attestation(_) => {
                let mut steps = self.advance(recorded)?;
                steps.extend(self.ladder_input(recorded, input));
                Ok(steps)
            }
            Input::Outage(_) => {
                let mut steps = self.record_outage(recorded, input)?;
                steps.extend(self.advance(recorded)?);
                Ok(steps)
            }
            Input::Retraction(r) if self.ladder_seen.contains_key(&r.retracts) => {
                // A vote, an order report or an attestation: the ladder's
                // inputs are corrected by newer ones, not retracted.
                let mut steps = self.advance(recorded)?;
                let kind = self
                    .ladder_seen
                    .get(&r.retracts)
                    .map_or("input", |i| i.type_name());
                steps.push(Step::Engine(Decision::Rejected {
                    at: recorded,
                    input: r.id.clone(),
                    reason: format!(
                        "`{}` is a `{kind}` input, and only observations can be retracted: a party changes its vote by voting again, a block by withdrawing it, an attestation by attesting anew",
                        r.retracts
                    ),
                }));
                Ok(steps)
            }
            _ => {
                let mut steps = self.advance(recorded)?;
                let decisions = self.engine.submit(recorded, input)?;
                steps.extend(self.route(decisions));
                Ok(steps)
            }
        }
    }

    /// Applies inputs that share one recorded time, in the engine's order
    /// for simultaneous inputs (identity, then canonical bytes).
    pub fn submit_batch(
        &mut self,
        recorded: Timestamp,
        inputs: &[Input],
    ) -> Result<Vec<Step>, EngineError> {
        let mut ordered: Vec<(&InputId, Vec<u8>, &Input)> = inputs
            .iter()
            .map(|i| (i.id(), model::canonical::to_vec(i), i))
            .collect();
        ordered.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        // Outages first: they extend clocks before time moves.
        let mut steps = Vec::new();
        for (_, _, input) in &ordered {
            steps.extend(self.record_outage(recorded, input)?);
        }
        steps.extend(self.advance(recorded)?);
        for (_, _, input) in ordered {
            if !matches!(input, Input::Outage(_)) {
                steps.extend(self.submit(recorded, input)?);
            }
        }
        Ok(steps)
    }

    /// Records downtime of the sequencer (an `outage` input) at `recorded`
    /// *without* moving time: it extends the ladder's pending clocks that
    /// wait on parties, and must come before time moves to `recorded` — a
    /// clock whose deadline fell inside the outage must not be judged
    /// there. [`Decider::submit`] and [`Decider::submit_batch`] do this
    /// before they advance; a caller that advances on its own (as the
    /// exercise runner does) records outages first. Any other input is
    /// left alone (no steps).
    pub fn record_outage(
        &mut self,
        recorded: Timestamp,
        input: &Input,
    ) -> Result<Vec<Step>, EngineError> {
        let Input::Outage(o) = input else {
            return Ok(Vec::new());
        };
        if let Some(last) = self.engine.now()
            && recorded < last
        {
            return Err(EngineError::TimeWentBack {
                last,
                given: recorded,
            });
        }
        if let Some(refused) = self.ladder_checks(recorded, input) {
            return Ok(vec![refused]);
        }
        let id = input.id().clone();
        if self
            .version(self.in_force)
            .is_some_and(|v| v.adversaries.contains(id.party.as_str()))
        {
            return Ok(vec![Step::Engine(Decision::Rejected {
                at: recorded,
                input: id.clone(),
                reason: format!(
                    "`{}` is an adversary party: it cannot record the sequencer's downtime",
                    id.party
                ),
            })]);
        }
        match self.ladder.outage(recorded, o) {
            Ok(events) => {
                self.ladder_seen.insert(id.clone(), input.clone());
                let mut steps = vec![Step::Engine(Decision::Accepted {
                    at: recorded,
                    input: id,
                })];
                steps.extend(events.into_iter().map(Step::Ladder));
                Ok(steps)
            }
            Err(rejected) => Ok(vec![Step::Engine(Decision::Rejected {
                at: recorded,
                input: id,
                reason: rejected.reason,
            })]),
        }
    }

    /// What every input the ladder takes must pass before it changes
    /// anything: not a duplicate or a conflict, from a party of the
    /// framework, valid by itself. `Some`: the refusal (or duplicate).
    fn ladder_checks(&self, at: Timestamp, input: &Input) -> Option<Step> {
        let id = input.id().clone();
        if let Some(previous) = self.ladder_seen.get(&id) {
            let decision = if previous == input {
                Decision::Duplicate { at, input: id }
            } else {
                Decision::Rejected {
                    at,
                    input: id,
                    reason: "a different input with the same identity (party, source, message) was already recorded; send a new message id".into(),
                }
            };
            return Some(Step::Engine(decision));
        }
        if !self.parties.contains(id.party.as_str()) {
            let reason = format!("`{}` is not a party of the framework", id.party);
            return Some(Step::Engine(Decision::Rejected {
                at,
                input: id,
                reason,
            }));
        }
        if let Some(problem) = input.validate().into_iter().next() {
            return Some(Step::Engine(Decision::Rejected {
                at,
                input: id,
                reason: problem,
            }));
        }
        None
    }

    fn ladder_input(&mut self, at: Timestamp, input: &Input) -> Vec<Step> {
        let id = input.id().clone();
        if let Some(refused) = self.ladder_checks(at, input) {
            return vec![refused];
        }
        let result = match input {
            Input::Vote(v) => self.ladder.vote(at, v),
            Input::OrderReport(r) => self.ladder.order_report(at, r),
            Input::Attestation(a) => {
                let adversaries = self
                    .version(self.in_force)
                    .map(|v| v.adversaries.clone())
                    .unwrap_or_default();
                self.ladder.attestation(at, a, &adversaries)
            }
            _ => return Vec::new(),
        };
        match result {
            Ok(events) => {
                self.ladder_seen.insert(id.clone(), input.clone());
                let mut steps = vec![Step::Engine(Decision::Accepted { at, input: id })];
                steps.extend(events.into_iter().map(Step::Ladder));
                steps
            }
            Err(rejected) => {
                let mut steps: Vec<Step> = rejected.events.into_iter().map(Step::Ladder).collect();
                steps.push(Step::Engine(Decision::Rejected {
                    at,
                    input: id,
                    reason: rejected.reason,
                }));
                steps
            }
        }
    }

    /// Passes the engine's decisions on, handing each certification and
    /// escalation to the ladder at the time it happened.
    fn route(&mut self, decisions: Vec<Decision>) -> Vec<Step> {
        let mut steps = Vec::with_capacity(decisions.len());
        for decision in decisions {
            if let Decision::BreachWithdrawn {
                at, breach, reason, ..
            } = &decision
            {
                let events = self.ladder.superseded(
                    *at,
                    breach,
                    &format!("breach `{breach}` was withdrawn {reason}"),
                );
                steps.push(Step::Engine(decision));
                steps.extend(events.into_iter().map(Step::Ladder));
                continue;
            }
            let handoff = match &decision {
                Decision::Certified { at, breach, .. } => Some((*at, breach.clone(), true)),
                Decision::Escalated { at, breach, .. } => Some((*at, breach.clone(), false)),
                _ => None,
            };
            let amended = match &decision {
                Decision::Amended {
                    at, framework_hash, ..
                } => self.version_of_hash(framework_hash).map(|v| (*at, v)),
                _ => None,
            };
            steps.push(Step::Engine(decision));
            if let Some((at, v)) = amended {
                self.in_force = v;
                let events = self.ladder.amend(at, v);
                steps.extend(events.into_iter().map(Step::Ladder));
            }
            let Some((at, breach, certified)) = handoff else {
                continue;
            };
            let Some(info) = self.breach_info(&breach) else {
                continue;
            };
            let events = if certified {
                self.ladder.certified(at, &info)
            } else {
                self.ladder.escalated(at, &info)
            };
            steps.extend(events.into_iter().map(Step::Ladder));
        }
        steps
    }

    fn breach_info(&self, id: &str) -> Option<BreachInfo> {
        let breach = self.engine.breach(id)?;
        let version = self.version_of_hash(&breach.framework_hash)?;
        let count = match self
            .version(version)
            .and_then(|v| v.range_end.get(&breach.trigger))
        {
            Some(RangeEnd::High) => breach.count.high,
            _ => breach.count.low,
        };
        let first_observed = self
            .engine
            .breach_first_observed(id)
            .unwrap_or(breach.opened_at);
        Some(BreachInfo {
            id: breach.id,
            trigger: breach.trigger,
            count,
            opened_at: breach.opened_at,
            first_observed,
            version,
        })
    }
}
