//! The response ladder (DESIGN "Votes and the ladder", "Delivery"): what a
//! certified breach sets in motion. Tiers fire automatically, unless blocked
//! in time (reverse veto), or on sign-off; every clock says what silence
//! means; a fired tier gives orders to executing parties with deadlines;
//! relief follows attested compliance, and a new breach snaps it back.
//!
//! [`Ladder`] is a pure state machine like the rest of the engine: each
//! method takes the recorded time it acts at, clocks expire only in
//! [`Ladder::advance`] (which every other method runs first, so a clock is
//! judged at its deadline however coarsely time is advanced), and nothing
//! iterates a hash map. An activation is keyed by (breach, tier), so a tier
//! activates at most once per breach, whatever is called twice.
//!
//! Where the decisions happen: [`Ladder::certified`] and
//! [`Ladder::escalated`] enter tiers (`enter`, with escalation edges);
//! `judge` decides a tier at its deadline; `fire` issues orders; votes,
//! order reports and attestations each have their method. Every
//! [`LadderEvent`] explains itself: the rule, the votes and weights, and the
//! framework version.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;
use std::sync::Arc;

use base::{Duration, Timestamp};
use framework::Framework;
use framework::independence::{self, Source};
use framework::schema::{Action, Escalation, EscalationWhen, Mode, Outcome, Role, VoteRule};
use model::{Attestation, Choice, InputId, OrderReport, OrderStatus, Outage, Vote};
use serde::{Deserialize, Serialize};

mod snapshot;
pub(crate) use snapshot::LadderState;

/// The most votes one activation records (counted or not); more are refused.
pub const VOTES_PER_ACTIVATION_MAX: usize = 10_000;
/// The most attestations one relief item records; more are refused.
pub const ATTESTATIONS_PER_ITEM_MAX: usize = 10_000;

/// What the ladder needs to know of a breach.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BreachInfo {
    pub id: String,
    pub trigger: String,
    /// The count compared with the trigger's threshold (the range end it uses).
    pub count: u64,
    /// Recorded time the threshold was crossed.
    pub opened_at: Timestamp,
    /// Observed time of the breach's earliest evidence: `repeat` escalations
    /// measure their window on it.
    pub first_observed: Timestamp,
    /// The framework version the breach binds to, as an index into the
    /// versions the ladder was made with (0: the first, see
    /// [`Ladder::with_versions`]). Its tiers, clocks, electorates and
    /// snapback follow that version, whatever is in force later.
    pub version: usize,
}

/// Where an activation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivationStatus {
    /// Fired; some order is still open.
    Fired,
    /// A sign-off tier waiting for its quorum or its deadline.
    AwaitingVotes,
    /// A reverse-veto tier inside its blocking period.
    PendingBlockWindow,
    /// A qualified block stood at the deadline.
    Blocked,
    /// A veto stood at the deadline.
    Vetoed,
    /// The clock ran out and silence meant `lapse`.
    Lapsed,
    /// The clock ran out and silence meant `escalate`.
    Escalated,
    /// What it imposed was relieved on attested compliance.
    Relieved,
    /// A relief was undone by a certified breach (snapback).
    Reimposed,
    /// The breach was withdrawn; the activation no longer stands.
    Superseded,
    /// Fired, and every order was completed.
    Completed,
}

impl ActivationStatus {
    /// Still waiting on its clock.
    fn pending(self) -> bool {
        matches!(
            self,
            ActivationStatus::AwaitingVotes | ActivationStatus::PendingBlockWindow
        )
    }

    /// Fired and what it imposes is in force (relief may apply).
    fn in_force(self) -> bool {
        matches!(
            self,
            ActivationStatus::Fired | ActivationStatus::Completed | ActivationStatus::Reimposed
        )
    }
}

/// Where an order stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    /// Issued, not yet due, no report.
    Open,
    /// The executing party reported partial execution; still open.
    Partial,
    /// The executing party reported failure; still open.
    Failed,
    /// Open past its deadline (listed in [`Ladder::deadlines_missed`]).
    Missed,
    /// Closed by the executing party's completion report.
    Completed,
    /// Its activation was superseded before it was completed.
    Withdrawn,
}

/// Whether a relief item is relieved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReliefStatus {
    /// Not (yet) attested to its standard: what it gates stays imposed.
    InForce,
    /// Attested: what it gates is relieved.
    Relieved,
    /// Relieved once, then snapped back by a certified breach.
    Reimposed,
}

/// One activation of a tier for a breach, as the report shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ActivationView {
    pub breach: String,
    pub tier: String,
    /// `automatic`, `reverse_veto` or `sign_off`.
    pub mode: Mode,
    pub activated_at: Timestamp,
    /// The clock's deadline; `null` for automatic tiers (and tiers without a clock).
    pub deadline: Option<Timestamp>,
    pub status: ActivationStatus,
    pub fired_at: Option<Timestamp>,
    /// Every decision on this activation, in order, in words.
    pub explanation: String,
    pub actions: Vec<OrderView>,
}

/// One order of a fired tier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OrderView {
    /// The executing party (`null` if the action names none).
    pub party: Option<String>,
    pub action: String,
    /// `{breach}/{tier}/{action}`.
    pub order: String,
    /// `null` if the action has no deadline.
    pub due: Option<Timestamp>,
    pub completed_at: Option<Timestamp>,
    pub status: OrderState,
}

/// One vote as recorded, and whether it counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VoteView {
    pub party: String,
    pub tier: String,
    pub breach: String,
    /// `for`, `against`, `veto`, `block` or `withdraw`.
    pub ballot: Choice,
    pub recorded_at: Timestamp,
    pub counted: bool,
    /// Why it does not count (`null` when it does).
    pub reason: Option<String>,
    pub input: InputId,
}

/// An order that was open past its deadline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissedView {
    pub order: String,
    pub party: Option<String>,
    pub breach: String,
    pub tier: String,
    pub action: String,
    pub due: Timestamp,
}

/// A relief checklist item and the attestations recorded for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReliefView {
    pub item: String,
    pub status: ReliefStatus,
    pub relieved_at: Option<Timestamp>,
    pub reimposed_at: Option<Timestamp>,
    /// How the attestations stand against the item's standard, in words.
    pub explanation: String,
    pub attestations: Vec<AttestationView>,
}

/// One attestation of a relief item, and whether it counts now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AttestationView {
    pub input: InputId,
    pub party: String,
    pub class: String,
    pub complies: bool,
    pub confidence_bp: u16,
    pub recorded_at: Timestamp,
    pub counted: bool,
    /// Why it does not count (`null` when it does).
    pub reason: Option<String>,
}

/// What the ladder decided, in the order it decided it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum LadderEvent {
    /// A breach entered a tier: an activation exists from now on.
    TierEntered {
        at: Timestamp,
        breach: String,
        tier: String,
        mode: Mode,
        deadline: Option<Timestamp>,
        explanation: String,
    },
    /// A breach should have entered a tier but could not (none named, none declared).
    NotEntered {
        at: Timestamp,
        breach: String,
        tier: Option<String>,
        explanation: String,
    },
    Fired {
        at: Timestamp,
        breach: String,
        tier: String,
        explanation: String,
    },
    Blocked {
        at: Timestamp,
        breach: String,
        tier: String,
        explanation: String,
    },
    Vetoed {
        at: Timestamp,
        breach: String,
        tier: String,
        explanation: String,
    },
    Lapsed {
        at: Timestamp,
        breach: String,
        tier: String,
        explanation: String,
    },
    /// A breach moves up: by an escalation edge, by a clock whose silence
    /// means `escalate`, or (with `from` null) as a contested breach.
    Escalated {
        at: Timestamp,
        breach: String,
        from: Option<String>,
        to: String,
        explanation: String,
    },
    Superseded {
        at: Timestamp,
        breach: String,
        tier: String,
        explanation: String,
    },
    OrderIssued {
        at: Timestamp,
        order: String,
        party: Option<String>,
        due: Option<Timestamp>,
        explanation: String,
    },
    /// A `partial` or `failed` report: recorded, the order stays open.
    OrderReported {
        at: Timestamp,
        order: String,
        party: String,
        status: OrderStatus,
        input: InputId,
        explanation: String,
    },
    OrderCompleted {
        at: Timestamp,
        order: String,
        party: String,
        input: InputId,
        explanation: String,
    },
    DeadlineMissed {
        at: Timestamp,
        order: String,
        party: Option<String>,
        due: Timestamp,
        explanation: String,
    },
    VoteCounted {
        at: Timestamp,
        input: InputId,
        breach: String,
        tier: String,
        party: String,
        ballot: Choice,
        explanation: String,
    },
    /// Recorded at or after the deadline: kept, never counted.
    VoteLate {
        at: Timestamp,
        input: InputId,
        breach: String,
        tier: String,
        party: String,
        ballot: Choice,
        explanation: String,
    },
    /// Recorded after the tier was decided: kept, never counted.
    VoteNotCounted {
        at: Timestamp,
        input: InputId,
        breach: String,
        tier: String,
        party: String,
        ballot: Choice,
        explanation: String,
    },
    /// A clock that waits on parties (sign-off, block window) was extended
    /// by recorded downtime of the sequencer: nobody could vote while it
    /// lasted. Votes recorded before the new deadline count.
    ClockExtended {
        at: Timestamp,
        breach: String,
        tier: String,
        /// The outage recorded.
        input: InputId,
        /// How much later the deadline is, in milliseconds.
        by_ms: i64,
        previous_deadline: Timestamp,
        deadline: Timestamp,
        explanation: String,
    },
    /// An attestation of a relief item was recorded.
    Attested {
        at: Timestamp,
        input: InputId,
        item: String,
        explanation: String,
    },
    /// A relief item's standard was met: what it gates is relieved.
    Relieved {
        at: Timestamp,
        item: String,
        /// `{breach}/{tier}` of each activation relieved.
        activations: Vec<String>,
        explanation: String,
    },
    /// A certified breach re-imposed what a relief item had relieved.
    Reimposed {
        at: Timestamp,
        item: String,
        breach: String,
        activations: Vec<String>,
        explanation: String,
    },
}

/// An input the ladder refused: nothing changed because of it. `events` are
/// the clocks that expired up to its recorded time, which happened anyway.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    pub reason: String,
    pub events: Vec<LadderEvent>,
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for Rejected {}

// ------------------------------------------------------------------ compiled

#[derive(Clone, Debug)]
struct TierInfo {
    level: u32,
    /// The declared mode; an undeclared one is treated as `sign_off` (it
    /// then needs votes, so silence never acts on a gap in the file).
    mode: Mode,
    mode_declared: bool,
    duration: Option<Duration>,
    on_expiry: Option<Outcome>,
    escalate_to: Option<String>,
    vote: Option<VoteRule>,
    escalate: Vec<Escalation>,
    /// Declared order; the first of two actions with one id wins.
    actions: Vec<Action>,
}

impl TierInfo {
    fn eligible(&self, party: &str) -> bool {
        self.vote
            .as_ref()
            .is_some_and(|r| r.electorate.iter().any(|p| p == party) || is_veto_holder(r, party))
    }

    /// Tiers an escalation edge or the clock leads to, in declared order.
    fn successors(&self) -> impl Iterator<Item = &str> {
        self.escalate
            .iter()
            .map(|e| e.to.as_str())
            .chain(self.escalate_to.as_deref())
    }
}

#[derive(Clone, Debug)]
struct TriggerInfo {
    tier: Option<String>,
    threshold: Option<i64>,
    standard: Option<String>,
}

#[derive(Clone, Debug)]
struct StandardInfo {
    classes: BTreeSet<String>,
    required: usize,
    neutral: bool,
    min_confidence: Option<u16>,
    review_escalate_to: Option<String>,
}

#[derive(Clone, Debug)]
struct ClassInfo {
    neutral: bool,
    operated_by: BTreeSet<String>,
}

#[derive(Clone, Debug)]
struct ItemInfo {
    id: String,
    condition: String,
    standard: Option<String>,
    relieves: BTreeSet<String>,
    violated_by: BTreeSet<String>,
}

// --------------------------------------------------------------------- state

#[derive(Clone, Debug, Serialize, Deserialize)]
struct BreachRec {
    version: usize,
    trigger: String,
    count: u64,
    first_observed: Timestamp,
    certified_at: Option<Timestamp>,
    /// Withdrawn (its activations superseded): it no longer counts toward
    /// a `repeat` escalation.
    withdrawn: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Order {
    id: String,
    action: String,
    party: Option<String>,
    due: Option<Timestamp>,
    completed_at: Option<Timestamp>,
    last_report: Option<OrderStatus>,
    missed: bool,
    withdrawn: bool,
}

impl Order {
    fn state(&self) -> OrderState {
        if self.completed_at.is_some() {
            OrderState::Completed
        } else if self.withdrawn {
            OrderState::Withdrawn
        } else if self.missed {
            OrderState::Missed
        } else {
            match self.last_report {
                Some(OrderStatus::Failed) => OrderState::Failed,
                Some(OrderStatus::Partial) => OrderState::Partial,
                Some(OrderStatus::Done) | None => OrderState::Open,
            }
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Activation {
    /// The framework version of its breach.
    version: usize,
    breach: String,
    tier: String,
    mode: Mode,
    activated_at: Timestamp,
    deadline: Option<Timestamp>,
    status: ActivationStatus,
    fired_at: Option<Timestamp>,
    /// Entered as a contested breach: silence never fires it.
    contested: bool,
    /// Every decision on it, in order.
    explanation: Vec<String>,
    orders: Vec<Order>,
    /// Party → index (in `Ladder::votes`) of its counted vote.
    last_vote: BTreeMap<String, usize>,
    votes_recorded: usize,
    /// Relief items that relieve it now.
    relieved_by: BTreeSet<String>,
}

impl Activation {
    fn name(&self) -> String {
        format!("{}/{}", self.breach, self.tier)
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct VoteRec {
    input: InputId,
    party: String,
    breach: String,
    tier: String,
    ballot: Choice,
    recorded_at: Timestamp,
    counted: bool,
    reason: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct AttRec {
    input: InputId,
    class: String,
    complies: bool,
    confidence: u16,
    derived_from: Vec<InputId>,
    recorded_at: Timestamp,
    adversary: bool,
    /// Set when a violation voided it: compliance must be attested again.
    void: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct ItemState {
    status: ReliefStatus,
    relieved_at: Option<Timestamp>,
    reimposed_at: Option<Timestamp>,
    attestations: Vec<AttRec>,
}

/// The ladder's rules of one framework version.
#[derive(Clone, Debug)]
struct Rules {
    /// `framework `id` version v, sha256 …`: named in every explanation.
    framework: String,
    /// Shared: entering a tier holds on to its rules while the ladder changes.
    tiers: BTreeMap<String, Arc<TierInfo>>,
    triggers: BTreeMap<String, TriggerInfo>,
    standards: BTreeMap<String, StandardInfo>,
    classes: BTreeMap<String, ClassInfo>,
    /// Sorted by id (the same ids in every version).
    items: Vec<ItemInfo>,
    /// Parties with the `adversary` role.
    adversaries: BTreeSet<String>,
    snapback_all: bool,
}

/// No rules at all: what an unknown version index finds (never, by
/// construction; it keeps lookups total).
static NO_RULES: Rules = Rules {
    framework: String::new(),
    tiers: BTreeMap::new(),
    triggers: BTreeMap::new(),
    standards: BTreeMap::new(),
    classes: BTreeMap::new(),
    items: Vec::new(),
    adversaries: BTreeSet::new(),
    snapback_all: false,
};

impl Rules {
    fn new(fw: &Framework) -> Rules {
        let hash = fw.hash_hex();
        let short = hash.get(..12).unwrap_or(&hash);
        let framework = match &fw.meta {
            Some(m) => format!(
                "framework `{}` version {}, sha256 {short}…",
                m.id, m.version
            ),
            None => format!("an unnamed framework, sha256 {short}…"),
        };
        let mut tiers = BTreeMap::new();
        for t in &fw.tiers {
            let mut actions: Vec<Action> = Vec::new();
            for a in &t.actions {
                if !actions.iter().any(|b| b.id == a.id) {
                    actions.push(a.clone());
                }
            }
            tiers.entry(t.id.clone()).or_insert_with(|| {
                Arc::new(TierInfo {
                    level: t.level,
                    mode: t.mode.unwrap_or(Mode::SignOff),
                    mode_declared: t.mode.is_some(),
                    duration: t.clock.as_ref().and_then(|c| c.duration),
                    on_expiry: t.clock.as_ref().and_then(|c| c.on_expiry),
                    escalate_to: t.clock.as_ref().and_then(|c| c.escalate_to.clone()),
                    vote: t.vote.clone(),
                    escalate: t.escalate.clone(),
                    actions,
                })
            });
        }
        let mut triggers = BTreeMap::new();
        for t in &fw.triggers {
            triggers.entry(t.id.clone()).or_insert_with(|| TriggerInfo {
                tier: t.tier.clone(),
                threshold: t.threshold,
                standard: t.standard.clone(),
            });
        }
        let mut standards = BTreeMap::new();
        for s in &fw.standards {
            standards
                .entry(s.id.clone())
                .or_insert_with(|| StandardInfo {
                    classes: s.classes.iter().cloned().collect(),
                    required: s
                        .independent_classes
                        .unwrap_or(1)
                        .max(s.independent_parties.unwrap_or(1))
                        .max(1) as usize,
                    neutral: s.neutral,
                    min_confidence: s.min_confidence.map(|m| m.get()),
                    review_escalate_to: s.review.as_ref().and_then(|r| r.escalate_to.clone()),
                });
        }
        let mut classes = BTreeMap::new();
        for c in &fw.source_classes {
            classes.entry(c.id.clone()).or_insert_with(|| ClassInfo {
                neutral: c.neutral,
                operated_by: c.operated_by.iter().cloned().collect(),
            });
        }
        let mut by_id: BTreeMap<String, ItemInfo> = BTreeMap::new();
        for item in &fw.relief.items {
            by_id.entry(item.id.clone()).or_insert_with(|| ItemInfo {
                id: item.id.clone(),
                condition: item.condition.clone(),
                standard: item.standard.clone(),
                relieves: item.relieves.iter().cloned().collect(),
                violated_by: item.violated_by.iter().cloned().collect(),
            });
        }
        let items: Vec<ItemInfo> = by_id.into_values().collect();
        let adversaries = fw
            .parties
            .iter()
            .filter(|p| p.roles.contains(&Role::Adversary))
            .map(|p| p.id.clone())
            .collect();
        Rules {
            framework,
            tiers,
            triggers,
            standards,
            classes,
            items,
            adversaries,
            snapback_all: fw.relief.snapback_all,
        }
    }
}

/// The response ladder of a framework, in one or more versions.
///
/// With amendments ([`Ladder::with_versions`], [`Ladder::amend`]):
/// everything a breach sets in motion — the tiers it enters, their modes,
/// clocks and electorates, escalation edges, orders, and the snapback its
/// certification causes — follows the version the breach binds to
/// ([`BreachInfo::version`]), and every explanation names that version.
/// The relief checklist is one across versions (the same item ids, its
/// attestations kept): it is judged by the version in force — the item's
/// standard and what it relieves — each activation's gated actions read
/// from its own version.
#[derive(Clone, Debug)]
pub struct Ladder {
    versions: Vec<Rules>,
    /// The version in force (an index into `versions`).
    in_force: usize,
    item_index: BTreeMap<String, usize>,

    now: Option<Timestamp>,
    breaches: BTreeMap<String, BreachRec>,
    /// In order of activation; the index is the activation's sequence number.
    activations: Vec<Activation>,
    by_key: BTreeMap<(String, String), usize>,
    /// (trigger, tier) → (first observed, breach) of every breach of the
    /// trigger that entered the tier: what a `repeat` edge counts, found by
    /// range instead of by scanning every breach.
    reached: BTreeMap<(String, String), BTreeSet<(Timestamp, String)>>,
    /// Order id → (activation, order index).
    orders: BTreeMap<String, (usize, usize)>,
    /// (deadline, activation) of every pending clock.
    clocks: BTreeSet<(Timestamp, usize)>,
    /// (due, activation, order index) of every open order with a deadline.
    dues: BTreeSet<(Timestamp, usize, usize)>,
    votes: Vec<VoteRec>,
    missed: Vec<MissedView>,
    relief: Vec<ItemState>,
    /// Recorded downtime of the sequencer, in order of recording:
    /// (from, until, the outage input).
    outages: Vec<(Timestamp, Timestamp, InputId)>,
}

impl Ladder {
    pub fn new(fw: &Framework) -> Ladder {
        let rules = Rules::new(fw);
        Ladder::from_rules(vec![rules])
    }

    /// A ladder over `framework` that may be amended to any of `amendments`
    /// (their indices, from 1, are the `version`s of [`BreachInfo`] and
    /// [`Ladder::amend`]). Every version must have the same relief items.
    pub fn with_versions(
        framework: &Framework,
        amendments: &[&Framework],
    ) -> Result<Ladder, Vec<String>> {
        let first = Rules::new(framework);
        let mut problems = Vec::new();
        let mut versions = vec![first];
        for fw in amendments {
            let rules = Rules::new(fw);
            let ids = |r: &Rules| r.items.iter().map(|i| i.id.clone()).collect::<Vec<_>>();
            if versions.first().map(ids) != Some(ids(&rules)) {
                problems.push(format!(
                    "{}: its relief checklist has other items than the first version's ({}); the ladder takes amendments that keep the same items",
                    rules.framework,
                    ids(&rules).join(", ")
                ));
            }
            versions.push(rules);
        }
        if problems.is_empty() {
            Ok(Ladder::from_rules(versions))
        } else {
            Err(problems)
        }
    }

    /// From now on, version `version` is in force: relief is judged by its
    /// checklist. Breaches already known keep their own version.
    pub fn amend(&mut self, at: Timestamp, version: usize) -> Vec<LadderEvent> {
        let at = self.clamp(at);
        let out = self.advance(at);
        if version < self.versions.len() {
            self.in_force = version;
        }
        out
    }

    fn from_rules(versions: Vec<Rules>) -> Ladder {
        let items = versions.first().map_or(&NO_RULES.items, |r| &r.items);
        let item_index = items
            .iter()
            .enumerate()
            .map(|(k, i)| (i.id.clone(), k))
            .collect();
        let relief = items
            .iter()
            .map(|_| ItemState {
                status: ReliefStatus::InForce,
                relieved_at: None,
                reimposed_at: None,
                attestations: Vec::new(),
            })
            .collect();
        Ladder {
            versions,
            in_force: 0,
            item_index,
            now: None,
            breaches: BTreeMap::new(),
            activations: Vec::new(),
            by_key: BTreeMap::new(),
            reached: BTreeMap::new(),
            orders: BTreeMap::new(),
            clocks: BTreeSet::new(),
            dues: BTreeSet::new(),
            votes: Vec::new(),
            missed: Vec::new(),
            relief,
            outages: Vec::new(),
        }
    }

    /// The latest time the ladder has been advanced to.
    pub fn now(&self) -> Option<Timestamp> {
        self.now
    }

    /// The earliest pending clock deadline or order due date, if any: when
    /// [`Ladder::advance`] will next have something to do.
    pub fn next_deadline(&self) -> Option<Timestamp> {
        let clock = self.clocks.first().map(|c| c.0);
        let due = self.dues.first().map(|d| d.0);
        match (clock, due) {
            (Some(c), Some(d)) => Some(c.min(d)),
            (c, d) => c.or(d),
        }
    }

    // ------------------------------------------------------------ breaches

    /// A breach was certified at `at`: it enters its trigger's tier (and
    /// the tiers its escalation edges earn), and re-imposes the relief its
    /// trigger violates. Certifying the same breach again changes nothing.
    pub fn certified(&mut self, at: Timestamp, breach: &BreachInfo) -> Vec<LadderEvent> {
        let at = self.clamp(at);
        let mut out = self.advance(at);
        let v = breach.version;
        let rec = self
            .breaches
            .entry(breach.id.clone())
            .or_insert_with(|| BreachRec {
                version: v,
                trigger: breach.trigger.clone(),
                count: breach.count,
                first_observed: breach.first_observed,
                certified_at: None,
                withdrawn: false,
            });
        if rec.certified_at.is_some() {
            return out;
        }
        let before = (rec.trigger.clone(), rec.first_observed);
        *rec = BreachRec {
            version: v,
            trigger: breach.trigger.clone(),
            count: breach.count,
            first_observed: breach.first_observed,
            certified_at: Some(at),
            withdrawn: false,
        };
        if before != (breach.trigger.clone(), breach.first_observed) {
            self.reindex_reached(&breach.id, before);
        }
        self.snapback(at, breach, &mut out);
        let trigger = self.rules(v).triggers.get(&breach.trigger);
        let threshold = trigger
            .and_then(|t| t.threshold)
            .map_or_else(|| "no threshold".to_string(), |t| format!("threshold {t}"));
        match trigger.map(|t| t.tier.clone()) {
            None => out.push(LadderEvent::NotEntered {
                at,
                breach: breach.id.clone(),
                tier: None,
                explanation: self.note_v(v, format!(
                    "breach `{}` was certified, but its trigger `{}` is not declared: no tier to enter",
                    breach.id, breach.trigger
                )),
            }),
            Some(None) => out.push(LadderEvent::NotEntered {
                at,
                breach: breach.id.clone(),
                tier: None,
                explanation: self.note_v(v, format!(
                    "breach `{}` was certified, but trigger `{}` names no tier to enter",
                    breach.id, breach.trigger
                )),
            }),
            Some(Some(tier)) => {
                let cause = format!(
                    "breach `{}` of trigger `{}` certified at {at} (count {}, {threshold}, first observed {}, opened {}): the trigger enters tier `{tier}`",
                    breach.id, breach.trigger, breach.count, breach.first_observed, breach.opened_at
                );
                self.enter(at, &breach.id, &tier, false, cause, &mut out);
            }
        }
        out
    }

    /// A contested breach escalated at `at`: it goes to sign-off — the tier
    /// its standard's review clock escalates to, or else the first sign-off
    /// tier reachable from its trigger's tier (lowest level, then id) — and
    /// never fires by silence there.
    pub fn escalated(&mut self, at: Timestamp, breach: &BreachInfo) -> Vec<LadderEvent> {
        let at = self.clamp(at);
        let mut out = self.advance(at);
        let v = breach.version;
        self.breaches
            .entry(breach.id.clone())
            .or_insert_with(|| BreachRec {
                version: v,
                trigger: breach.trigger.clone(),
                count: breach.count,
                first_observed: breach.first_observed,
                certified_at: None,
                withdrawn: false,
            });
        let trigger = self.rules(v).triggers.get(&breach.trigger);
        let review = trigger
            .and_then(|t| t.standard.as_ref())
            .and_then(|s| self.rules(v).standards.get(s))
            .and_then(|s| s.review_escalate_to.clone());
        let (start, via) = match (review, trigger.and_then(|t| t.tier.clone())) {
            (Some(r), _) => (Some(r), "its standard's review clock escalates to"),
            (None, Some(t)) => (Some(t), "its trigger enters"),
            (None, None) => (None, ""),
        };
        // Not excluding tiers already entered: escalating twice finds the
        // same tier, which is entered once.
        let target = start
            .as_deref()
            .and_then(|s| self.first_sign_off(v, s, &BTreeSet::new()));
        match (start, target) {
            (_, Some(target))
                if self
                    .by_key
                    .contains_key(&(breach.id.clone(), target.clone())) => {}
            (Some(start), Some(target)) => {
                let cause = format!(
                    "breach `{}` of trigger `{}` is contested (escalated at {at}): {via} tier `{start}`, and the first sign-off tier reachable from it is `{target}`; a contested breach needs votes, so silence never fires it",
                    breach.id, breach.trigger
                );
                out.push(LadderEvent::Escalated {
                    at,
                    breach: breach.id.clone(),
                    from: None,
                    to: target.clone(),
                    explanation: self.note_v(v, &cause),
                });
                self.enter(at, &breach.id, &target, true, cause, &mut out);
            }
            (start, _) => {
                let why = match start {
                    Some(s) => format!("no sign-off tier is reachable from tier `{s}`"),
                    None => format!(
                        "trigger `{}` names no tier and its standard no review escalation",
                        breach.trigger
                    ),
                };
                out.push(LadderEvent::NotEntered {
                    at,
                    breach: breach.id.clone(),
                    tier: None,
                    explanation: self.note_v(
                        v,
                        format!(
                            "contested breach `{}` needs a sign-off vote, but {why}",
                            breach.id
                        ),
                    ),
                });
            }
        }
        out
    }

    /// The breach no longer stands (a retraction's review rejected it): each
    /// of its activations is superseded — pending clocks stop, open orders
    /// are withdrawn. Nothing is deleted: the earlier decisions stay listed.
    pub fn superseded(&mut self, at: Timestamp, breach: &str, reason: &str) -> Vec<LadderEvent> {
        let at = self.clamp(at);
        let mut out = self.advance(at);
        if let Some(rec) = self.breaches.get_mut(breach) {
            rec.withdrawn = true;
        }
        // In order of activation.
        let mut ixs: Vec<usize> = self
            .by_key
            .range((breach.to_string(), String::new())..)
            .take_while(|((b, _), _)| b == breach)
            .map(|(_, ix)| *ix)
            .collect();
        ixs.sort_unstable();
        for ix in ixs {
            let Some(act) = self.activations.get_mut(ix) else {
                continue;
            };
            let v = act.version;
            if act.status == ActivationStatus::Superseded {
                continue;
            }
            if let Some(d) = act.deadline {
                self.clocks.remove(&(d, ix));
            }
            let mut withdrawn = Vec::new();
            for (k, order) in act.orders.iter_mut().enumerate() {
                if order.completed_at.is_none() && !order.withdrawn {
                    order.withdrawn = true;
                    withdrawn.push(order.id.clone());
                    if let Some(due) = order.due {
                        self.dues.remove(&(due, ix, k));
                    }
                }
            }
            let was = act.status;
            act.status = ActivationStatus::Superseded;
            let text = format!(
                "superseded at {at} (was {}): {reason}; open orders withdrawn: {}",
                status_word(was),
                list_or_none(&withdrawn)
            );
            act.explanation.push(text.clone());
            let (b, t) = (act.breach.clone(), act.tier.clone());
            out.push(LadderEvent::Superseded {
                at,
                breach: b,
                tier: t,
                explanation: self.note_v(v, text),
            });
        }
        out
    }

    // --------------------------------------------------------------- inputs

    /// A vote on (breach, tier). Only the tier's electorate (and its veto
    /// holders) may vote, on an activation that exists, with a ballot the
    /// tier's mode takes. A party's last vote recorded before the deadline
    /// counts, whichever of its sources sent it.
    pub fn vote(&mut self, at: Timestamp, vote: &Vote) -> Result<Vec<LadderEvent>, Rejected> {
        let mut out = self.begin(at)?;
        match self.vote_inner(at, vote, &mut out) {
            Ok(()) => Ok(out),
            Err(reason) => Err(Rejected {
                reason,
                events: out,
            }),
        }
    }

    /// An executing party's report on one of its orders: `done` completes
    /// it (even late); `partial` and `failed` are recorded and it stays open.
    pub fn order_report(
        &mut self,
        at: Timestamp,
        report: &OrderReport,
    ) -> Result<Vec<LadderEvent>, Rejected> {
        let mut out = self.begin(at)?;
        match self.report_inner(at, report, &mut out) {
            Ok(()) => Ok(out),
            Err(reason) => Err(Rejected {
                reason,
                events: out,
            }),
        }
    }

    /// An attestation of a relief item. `adversaries` adds to the parties
    /// the framework gives the `adversary` role: attestations from any of
    /// them are recorded but never count (the standard must be met without
    /// them).
    pub fn attestation(
        &mut self,
        at: Timestamp,
        a: &Attestation,
        adversaries: &BTreeSet<String>,
    ) -> Result<Vec<LadderEvent>, Rejected> {
        let mut out = self.begin(at)?;
        match self.attest_inner(at, a, adversaries, &mut out) {
            Ok(()) => Ok(out),
            Err(reason) => Err(Rejected {
                reason,
                events: out,
            }),
        }
    }

    /// Downtime of the sequencer from `from` until `until`, recorded at
    /// `at` once it was back (`until` ≤ `at`). Every clock that waits on
    /// parties — a sign-off or block window, still pending — is extended by
    /// the downtime between its start and its deadline; a deadline that
    /// fell inside the outage moves by all the downtime after the clock's
    /// start, so the parties get the time they lost once recording resumes.
    /// Automatic tiers, order deadlines and the engine's review clocks are
    /// not extended. Tiers entered later (by clocks the engine still has to
    /// run up to `at`) are extended as they are entered.
    ///
    /// Call it before advancing the ladder to `at`: a clock is extended
    /// only while it is pending; one judged before the outage was recorded
    /// stays judged. Outages may not overlap one recorded earlier (the same
    /// downtime would count twice).
    pub fn outage(&mut self, at: Timestamp, o: &Outage) -> Result<Vec<LadderEvent>, Rejected> {
        let refuse = |reason: String| Rejected {
            reason,
            events: Vec::new(),
        };
        if let Some(now) = self.now
            && at < now
        {
            return Err(refuse(format!(
                "recorded at {at}, before the ladder's time {now}: recorded time never goes back"
            )));
        }
        if o.until <= o.from {
            return Err(refuse(format!(
                "the outage ends ({}) no later than it starts ({})",
                o.until, o.from
            )));
        }
        if o.until > at {
            return Err(refuse(format!(
                "the outage lasts until {}, after it was recorded at {at}: the sequencer records its downtime once it is back, so `until` is at or before the time it is recorded",
                o.until
            )));
        }
        if let Some((from, until, id)) = self
            .outages
            .iter()
            .find(|(from, until, _)| o.from < *until && *from < o.until)
        {
            return Err(refuse(format!(
                "it overlaps outage `{id}` ({from} to {until}), already recorded: the same downtime would extend clocks twice"
            )));
        }
        self.outages.push((o.from, o.until, o.id.clone()));
        let k = self.outages.len() - 1;
        let mut out = Vec::new();
        for ix in 0..self.activations.len() {
            self.extend_clock(ix, k, at, &mut out);
        }
        Ok(out)
    }

    /// Moves time to `now`: judges every clock with deadline ≤ `now` and
    /// records every open order due ≤ `now` as missed, in time order (clocks
    /// before orders at one instant; ties by activation, then order). Each
    /// takes effect *at its deadline*, so how often this is called never
    /// changes a decision. Time never goes back: an earlier `now` does nothing.
    pub fn advance(&mut self, now: Timestamp) -> Vec<LadderEvent> {
        let mut out = Vec::new();
        if self.now.is_some_and(|n| now < n) {
            return out;
        }
        loop {
            let clock = self.clocks.first().copied().filter(|c| c.0 <= now);
            let due = self.dues.first().copied().filter(|d| d.0 <= now);
            match (clock, due) {
                (Some(c), Some(d)) if d.0 < c.0 => self.miss(d, &mut out),
                (Some(c), _) => {
                    self.clocks.remove(&c);
                    self.judge(c.1, c.0, &mut out);
                }
                (None, Some(d)) => self.miss(d, &mut out),
                (None, None) => break,
            }
        }
        self.now = Some(now);
        out
    }

    // ---------------------------------------------------------------- views

    /// Every activation, in order of activation.
    pub fn activations(&self) -> Vec<ActivationView> {
        self.activations
            .iter()
            .map(|a| ActivationView {
                breach: a.breach.clone(),
                tier: a.tier.clone(),
                mode: a.mode,
                activated_at: a.activated_at,
                deadline: a.deadline,
                status: a.status,
                fired_at: a.fired_at,
                explanation: a.explanation.join("; then "),
                actions: a
                    .orders
                    .iter()
                    .map(|o| OrderView {
                        party: o.party.clone(),
                        action: o.action.clone(),
                        order: o.id.clone(),
                        due: o.due,
                        completed_at: o.completed_at,
                        status: o.state(),
                    })
                    .collect(),
            })
            .collect()
    }

    /// Every vote recorded, in order of recording.
    pub fn votes(&self) -> Vec<VoteView> {
        self.votes
            .iter()
            .map(|v| VoteView {
                party: v.party.clone(),
                tier: v.tier.clone(),
                breach: v.breach.clone(),
                ballot: v.ballot,
                recorded_at: v.recorded_at,
                counted: v.counted,
                reason: v.reason.clone(),
                input: v.input.clone(),
            })
            .collect()
    }

    /// Every order that was open past its deadline, in order of due time.
    pub fn deadlines_missed(&self) -> Vec<MissedView> {
        self.missed.clone()
    }

    /// Every relief item, by id, with its attestations.
    pub fn relief(&self) -> Vec<ReliefView> {
        self.current()
            .items
            .iter()
            .zip(&self.relief)
            .enumerate()
            .map(|(k, (item, state))| {
                let eval = self.evaluate(k);
                ReliefView {
                    item: item.id.clone(),
                    status: state.status,
                    relieved_at: state.relieved_at,
                    reimposed_at: state.reimposed_at,
                    explanation: eval.summary,
                    attestations: state
                        .attestations
                        .iter()
                        .zip(eval.reasons)
                        .map(|(a, reason)| AttestationView {
                            input: a.input.clone(),
                            party: a.input.party.to_string(),
                            class: a.class.clone(),
                            complies: a.complies,
                            confidence_bp: a.confidence,
                            recorded_at: a.recorded_at,
                            counted: reason.is_none(),
                            reason,
                        })
                        .collect(),
                }
            })
            .collect()
    }

    // ------------------------------------------------------------ internals

    /// An explanation, naming the version in force.
    fn note(&self, text: impl fmt::Display) -> String {
        self.note_v(self.in_force, text)
    }

    /// An explanation, naming version `v`.
    fn note_v(&self, v: usize, text: impl fmt::Display) -> String {
        format!("{text} [{}]", self.rules(v).framework)
    }

    /// The rules of version `v`.
    fn rules(&self, v: usize) -> &Rules {
        self.versions.get(v).unwrap_or(&NO_RULES)
    }

    /// The rules of the version in force.
    fn current(&self) -> &Rules {
        self.rules(self.in_force)
    }

    /// The version a breach binds to (the one in force if it is unknown).
    fn breach_version(&self, breach: &str) -> usize {
        self.breaches
            .get(breach)
            .map_or(self.in_force, |b| b.version)
    }

    /// Times never go back: an earlier time is taken as the ladder's now.
    fn clamp(&self, at: Timestamp) -> Timestamp {
        self.now.map_or(at, |n| at.max(n))
    }

    /// Refuses an input recorded before the ladder's now; else advances to it.
    fn begin(&mut self, at: Timestamp) -> Result<Vec<LadderEvent>, Rejected> {
        if let Some(now) = self.now
            && at < now
        {
            return Err(Rejected {
                reason: format!(
                    "recorded at {at}, before the ladder's time {now}: recorded time never goes back"
                ),
                events: Vec::new(),
            });
        }
        Ok(self.advance(at))
    }

    /// The tiers a breach has entered.
    fn tiers_of(&self, breach: &str) -> BTreeSet<String> {
        self.by_key
            .range((breach.to_string(), String::new())..)
            .take_while(|((b, _), _)| b == breach)
            .map(|((_, t), _)| t.clone())
            .collect()
    }

    /// The sign-off tier with the lowest (level, id) among those reachable
    /// from `start` (itself included) by escalation edges and clocks,
    /// leaving out `exclude`.
    fn first_sign_off(&self, v: usize, start: &str, exclude: &BTreeSet<String>) -> Option<String> {
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let mut queue: VecDeque<&str> = VecDeque::from([start]);
        let mut best: Option<(u32, &str)> = None;
        while let Some(id) = queue.pop_front() {
            if !seen.insert(id) {
                continue;
            }
            let Some(tier) = self.rules(v).tiers.get(id) else {
                continue;
            };
            if tier.mode == Mode::SignOff
                && !exclude.contains(id)
                && best.is_none_or(|b| (tier.level, id) < b)
            {
                best = Some((tier.level, id));
            }
            queue.extend(tier.successors());
        }
        best.map(|(_, id)| id.to_string())
    }

    /// Enters `tier` for `breach` at `at`, then — for a certified breach —
    /// the tiers its escalation edges earn, breadth first.
    fn enter(
        &mut self,
        at: Timestamp,
        breach: &str,
        tier: &str,
        contested: bool,
        cause: String,
        out: &mut Vec<LadderEvent>,
    ) {
        let v = self.breach_version(breach);
        let mut queue: VecDeque<(String, String)> = VecDeque::from([(tier.to_string(), cause)]);
        while let Some((tier_id, cause)) = queue.pop_front() {
            let key = (breach.to_string(), tier_id.clone());
            if self.by_key.contains_key(&key) {
                continue;
            }
            let Some(tier) = self.rules(v).tiers.get(&tier_id).cloned() else {
                out.push(LadderEvent::NotEntered {
                    at,
                    breach: breach.to_string(),
                    tier: Some(tier_id.clone()),
                    explanation: self
                        .note(format!("{cause}; but tier `{tier_id}` is not declared")),
                });
                continue;
            };
            let ix = self.activations.len();
            let deadline = match tier.mode {
                Mode::Automatic => None,
                Mode::ReverseVeto | Mode::SignOff => tier.duration.map(|d| at.plus(d)),
            };
            let status = match tier.mode {
                Mode::Automatic | Mode::SignOff => ActivationStatus::AwaitingVotes,
                Mode::ReverseVeto => ActivationStatus::PendingBlockWindow,
            };
            let mut text = cause.clone();
            if !tier.mode_declared {
                text.push_str("; the tier declares no mode, so it is decided by sign-off");
            }
            match (tier.mode, deadline) {
                (Mode::Automatic, _) => {}
                (Mode::SignOff, Some(d)) => text.push_str(&format!(
                    "; sign-off votes are taken until {d}{}",
                    if contested {
                        " (contested: silence never fires it)"
                    } else {
                        ""
                    }
                )),
                (Mode::ReverseVeto, Some(d)) => text.push_str(&format!(
                    "; it fires at {d} unless a qualified block stands then"
                )),
                (Mode::SignOff, None) => {
                    text.push_str("; the tier has no clock: it waits for votes without a deadline")
                }
                (Mode::ReverseVeto, None) => text.push_str(
                    "; the tier has no clock, so its blocking period never ends and it never fires",
                ),
            }
            self.activations.push(Activation {
                version: v,
                breach: breach.to_string(),
                tier: tier_id.clone(),
                mode: tier.mode,
                activated_at: at,
                deadline,
                status,
                fired_at: None,
                contested,
                explanation: vec![text.clone()],
                orders: Vec::new(),
                last_vote: BTreeMap::new(),
                votes_recorded: 0,
                relieved_by: BTreeSet::new(),
            });
            self.by_key.insert(key, ix);
            if let Some(rec) = self.breaches.get(breach) {
                self.reached
                    .entry((rec.trigger.clone(), tier_id.clone()))
                    .or_default()
                    .insert((rec.first_observed, breach.to_string()));
            }
            out.push(LadderEvent::TierEntered {
                at,
                breach: breach.to_string(),
                tier: tier_id.clone(),
                mode: tier.mode,
                deadline,
                explanation: self.note_v(v, &text),
            });
            if tier.mode == Mode::Automatic {
                self.fire(
                    ix,
                    at,
                    format!("tier `{tier_id}` is automatic: it fires on entry"),
                    out,
                );
            } else if let Some(d) = deadline {
                self.clocks.insert((d, ix));
                // Entered by a clock the engine ran late, inside downtime
                // already recorded: the new clock is extended too.
                for k in 0..self.outages.len() {
                    self.extend_clock(ix, k, at, out);
                }
            }
            if contested {
                continue;
            }
            for edge in &tier.escalate {
                if self
                    .by_key
                    .contains_key(&(breach.to_string(), edge.to.clone()))
                {
                    continue;
                }
                if let Some(why) = self.edge_holds(breach, edge, &tier_id) {
                    let text = format!("tier `{tier_id}` escalates to `{}` ({why})", edge.to);
                    out.push(LadderEvent::Escalated {
                        at,
                        breach: breach.to_string(),
                        from: Some(tier_id.clone()),
                        to: edge.to.clone(),
                        explanation: self.note_v(v, &text),
                    });
                    queue.push_back((edge.to.clone(), text));
                }
            }
        }
    }

    /// Moves `breach`'s entries in `reached` from its former (trigger,
    /// first observed) to its record's current ones.
    fn reindex_reached(&mut self, breach: &str, (trigger, first): (String, Timestamp)) {
        let Some(rec) = self.breaches.get(breach) else {
            return;
        };
        let (now_trigger, now_first) = (rec.trigger.clone(), rec.first_observed);
        let tiers: Vec<String> = self
            .by_key
            .range((breach.to_string(), String::new())..)
            .take_while(|((b, _), _)| b == breach)
            .map(|((_, tier), _)| tier.clone())
            .collect();
        for tier in tiers {
            if let Some(set) = self.reached.get_mut(&(trigger.clone(), tier.clone())) {
                set.remove(&(first, breach.to_string()));
            }
            self.reached
                .entry((now_trigger.clone(), tier))
                .or_default()
                .insert((now_first, breach.to_string()));
        }
    }

    /// Whether an escalation edge out of tier `from` holds for `breach`. A
    /// `repeat` edge counts the breaches of the same trigger that reached
    /// `from` — so each repeat climbs one rung, not the whole ladder at once.
    fn edge_holds(&self, breach: &str, edge: &Escalation, from: &str) -> Option<String> {
        let rec = self.breaches.get(breach)?;
        match edge.when {
            EscalationWhen::Repeat => {
                let need = edge.count.unwrap_or(2);
                let within = edge.within?;
                let t = rec.first_observed;
                // Certified breaches of the trigger that reached `from`, by
                // first observed time. A window of length `within` holding
                // `t` lies inside (t − within, t + within).
                let lowest = Timestamp::from_millis(
                    t.minus(within).millis().saturating_add(1).min(t.millis()),
                );
                let times: Vec<(Timestamp, &str)> = self
                    .reached
                    .get(&(rec.trigger.clone(), from.to_string()))
                    .map(|set| {
                        set.range((lowest, String::new())..(t.plus(within), String::new()))
                            .filter(|(_, id)| {
                                self.breaches
                                    .get(id)
                                    .is_some_and(|b| b.certified_at.is_some() && !b.withdrawn)
                            })
                            .map(|(at, id)| (*at, id.as_str()))
                            .collect()
                    })
                    .unwrap_or_default();
                // The densest window [s, s + within) that holds this breach,
                // starting at one of their times (the earliest such start
                // wins a tie). `times` is sorted, so each window is a slice.
                let mut best: &[(Timestamp, &str)] = &[];
                for &(s, _) in &times {
                    if s > t || s.plus(within) <= t {
                        continue;
                    }
                    let lo = times.partition_point(|(u, _)| *u < s);
                    let hi = times.partition_point(|(u, _)| *u < s.plus(within));
                    let inside = times.get(lo..hi).unwrap_or_default();
                    if inside.len() > best.len() {
                        best = inside;
                    }
                }
                (best.len() >= need as usize).then(|| {
                    format!(
                        "repeat: {} certified breaches of trigger `{}` that reached tier `{from}`, first observed within {within} ({}), at least {need} needed",
                        best.len(),
                        rec.trigger,
                        best.iter().map(|(_, id)| format!("`{id}`")).collect::<Vec<_>>().join(", ")
                    )
                })
            }
            EscalationWhen::Larger => {
                let factor = edge.factor?;
                let threshold = self
                    .rules(rec.version)
                    .triggers
                    .get(&rec.trigger)?
                    .threshold?;
                if threshold <= 0 {
                    return None;
                }
                let bar = i128::from(factor) * i128::from(threshold);
                (i128::from(rec.count) >= bar).then(|| {
                    format!(
                        "larger: count {} is at least {factor} × threshold {threshold} = {bar}",
                        rec.count
                    )
                })
            }
        }
    }

    /// Extends activation `ix`'s clock by outage `k`, if it is a pending
    /// clock that waits on parties and the outage falls after its start
    /// and before its deadline.
    fn extend_clock(&mut self, ix: usize, k: usize, at: Timestamp, out: &mut Vec<LadderEvent>) {
        let Some((from, until, input)) = self.outages.get(k).cloned() else {
            return;
        };
        let Some(act) = self.activations.get_mut(ix) else {
            return;
        };
        let Some(deadline) = act.deadline else {
            return;
        };
        if !act.status.pending() || !matches!(act.mode, Mode::SignOff | Mode::ReverseVeto) {
            return;
        }
        let start = act.activated_at;
        if from >= deadline || until <= start {
            return;
        }
        // The downtime after the clock's start; if the deadline fell inside
        // the outage, all of it after the start (the parties get back the
        // time they lost).
        let by_ms = until.millis() - from.max(start).millis();
        if by_ms <= 0 {
            return;
        }
        let extended = Timestamp::from_millis(deadline.millis().saturating_add(by_ms));
        act.deadline = Some(extended);
        let what = match act.mode {
            Mode::ReverseVeto => "block window",
            _ => "sign-off clock",
        };
        let text = format!(
            "the {what} of tier `{}` for breach `{}` is extended by {} to {extended} (was {deadline}): the sequencer was down from {from} to {until} (outage `{input}`), and a clock that waits on parties does not run while they cannot vote",
            act.tier,
            act.breach,
            span_words(by_ms)
        );
        act.explanation.push(format!("extended at {at}: {text}"));
        let (breach, tier) = (act.breach.clone(), act.tier.clone());
        self.clocks.remove(&(deadline, ix));
        self.clocks.insert((extended, ix));
        out.push(LadderEvent::ClockExtended {
            at,
            breach,
            tier,
            input,
            by_ms,
            previous_deadline: deadline,
            deadline: extended,
            explanation: self.note(text),
        });
    }

    /// Fires activation `ix` at `at`: each action becomes an order.
    fn fire(&mut self, ix: usize, at: Timestamp, why: String, out: &mut Vec<LadderEvent>) {
        let Some(act) = self.activations.get(ix) else {
            return;
        };
        let v = act.version;
        let Some(tier) = self.rules(v).tiers.get(&act.tier) else {
            return;
        };
        let (breach, tier_id) = (act.breach.clone(), act.tier.clone());
        let mut orders = Vec::new();
        let mut issued = Vec::new();
        for (k, action) in tier.actions.iter().enumerate() {
            let id = format!("{breach}/{tier_id}/{}", action.id);
            let due = action.deadline.map(|d| at.plus(d));
            let mut text = format!(
                "tier `{tier_id}` fired for breach `{breach}`: action `{}` ({}) orders {}",
                action.id,
                action.measure,
                action
                    .by
                    .as_ref()
                    .map_or_else(|| "no named party".to_string(), |p| format!("`{p}`")),
            );
            match (due, action.deadline) {
                (Some(due), Some(d)) => text.push_str(&format!(", due {due} ({d} after firing)")),
                _ => text.push_str(", with no deadline"),
            }
            if let Some(p) = &action.sanctions {
                text.push_str(&format!("; imposes sanctions package `{p}`"));
            }
            if let Some(a) = &action.authority {
                text.push_str(&format!("; authority: {a}"));
            }
            issued.push(LadderEvent::OrderIssued {
                at,
                order: id.clone(),
                party: action.by.clone(),
                due,
                explanation: self.note_v(v, text),
            });
            orders.push((
                k,
                Order {
                    id,
                    action: action.id.clone(),
                    party: action.by.clone(),
                    due,
                    completed_at: None,
                    last_report: None,
                    missed: false,
                    withdrawn: false,
                },
            ));
        }
        out.push(LadderEvent::Fired {
            at,
            breach,
            tier: tier_id,
            explanation: self.note_v(v, &why),
        });
        out.extend(issued);
        for (k, order) in &orders {
            self.orders.entry(order.id.clone()).or_insert((ix, *k));
            if let Some(due) = order.due {
                self.dues.insert((due, ix, *k));
            }
        }
        if let Some(act) = self.activations.get_mut(ix) {
            act.status = ActivationStatus::Fired;
            act.fired_at = Some(at);
            act.explanation.push(format!("fired at {at}: {why}"));
            act.orders = orders.into_iter().map(|(_, o)| o).collect();
        }
    }

    /// Sets a decided status that is not a firing.
    fn decide(
        &mut self,
        ix: usize,
        at: Timestamp,
        status: ActivationStatus,
        why: String,
        out: &mut Vec<LadderEvent>,
    ) {
        let Some(act) = self.activations.get_mut(ix) else {
            return;
        };
        let v = act.version;
        act.status = status;
        act.explanation
            .push(format!("{} at {at}: {why}", status_word(status)));
        let (breach, tier) = (act.breach.clone(), act.tier.clone());
        let explanation = self.note_v(v, &why);
        out.push(match status {
            ActivationStatus::Blocked => LadderEvent::Blocked {
                at,
                breach,
                tier,
                explanation,
            },
            ActivationStatus::Vetoed => LadderEvent::Vetoed {
                at,
                breach,
                tier,
                explanation,
            },
            _ => LadderEvent::Lapsed {
                at,
                breach,
                tier,
                explanation,
            },
        });
    }

    /// Judges activation `ix` at its deadline.
    fn judge(&mut self, ix: usize, deadline: Timestamp, out: &mut Vec<LadderEvent>) {
        let Some(act) = self.activations.get(ix) else {
            return;
        };
        if !act.status.pending() || act.deadline != Some(deadline) {
            return;
        }
        let v = act.version;
        let Some(tier) = self.rules(v).tiers.get(&act.tier).cloned() else {
            return;
        };
        let (breach, tier_id, contested) = (act.breach.clone(), act.tier.clone(), act.contested);
        let tally = self.tally(act, &tier);
        match tier.mode {
            Mode::Automatic => {}
            Mode::ReverseVeto => {
                let described = describe_blocks(tier.vote.as_ref(), &tally);
                if block_qualified(tier.vote.as_ref(), &tally) {
                    self.decide(
                        ix,
                        deadline,
                        ActivationStatus::Blocked,
                        format!("a qualified block stood at the deadline {deadline}: {described}"),
                        out,
                    );
                } else {
                    self.fire(
                        ix,
                        deadline,
                        format!(
                            "no qualified block stood at the deadline {deadline} (reverse veto): {described}"
                        ),
                        out,
                    );
                }
            }
            Mode::SignOff => {
                let described = describe_sign_off(tier.vote.as_ref(), &tally);
                let quorum = quorum_holds(tier.vote.as_ref(), &tally);
                if !tally.vetoes.is_empty() {
                    self.decide(
                        ix,
                        deadline,
                        ActivationStatus::Vetoed,
                        format!("a veto stood at the deadline {deadline}: {described}"),
                        out,
                    );
                    return;
                }
                if quorum {
                    self.fire(
                        ix,
                        deadline,
                        format!("quorum held at the deadline {deadline} with no veto standing: {described}"),
                        out,
                    );
                    return;
                }
                let declared = tier.on_expiry;
                let mut outcome = declared.unwrap_or(Outcome::Lapse);
                let mut why = match declared {
                    Some(o) => format!(
                        "no quorum by the deadline {deadline} ({described}); the clock says silence means `{}`",
                        outcome_word(o)
                    ),
                    None => format!(
                        "no quorum by the deadline {deadline} ({described}); the clock says nothing of silence, so it lapses"
                    ),
                };
                if contested && outcome == Outcome::Fire {
                    outcome = if tier.escalate_to.is_some() {
                        Outcome::Escalate
                    } else {
                        Outcome::Lapse
                    };
                    why.push_str(&format!(
                        ", but the breach is contested and never fires by silence: it {}",
                        if outcome == Outcome::Escalate {
                            "escalates"
                        } else {
                            "lapses"
                        }
                    ));
                }
                match outcome {
                    Outcome::Fire => self.fire(ix, deadline, why, out),
                    Outcome::Lapse => {
                        self.decide(ix, deadline, ActivationStatus::Lapsed, why, out);
                    }
                    Outcome::Escalate => {
                        let exclude = self.tiers_of(&breach);
                        let target = match (&tier.escalate_to, contested) {
                            (None, _) => None,
                            (Some(t), false) => Some(t.clone()),
                            (Some(t), true) => self.first_sign_off(v, t, &exclude),
                        };
                        let Some(target) = target.filter(|t| !exclude.contains(t)) else {
                            why.push_str(&match &tier.escalate_to {
                                None => ", but the clock names no `escalate_to`: it lapses".to_string(),
                                Some(t) => format!(
                                    ", but no tier is left to take it from `{t}` (already entered, or no sign-off tier for a contested breach): it lapses"
                                ),
                            });
                            self.decide(ix, deadline, ActivationStatus::Lapsed, why, out);
                            return;
                        };
                        if let Some(act) = self.activations.get_mut(ix) {
                            act.status = ActivationStatus::Escalated;
                            act.explanation
                                .push(format!("escalated at {deadline} to `{target}`: {why}"));
                        }
                        let text = format!("{why}; tier `{tier_id}` escalates to `{target}`");
                        out.push(LadderEvent::Escalated {
                            at: deadline,
                            breach: breach.clone(),
                            from: Some(tier_id.clone()),
                            to: target.clone(),
                            explanation: self.note_v(v, &text),
                        });
                        self.enter(deadline, &breach, &target, contested, text, out);
                    }
                }
            }
        }
    }

    /// Records open order (`ix`, `k`) as missed at its due time.
    fn miss(&mut self, key: (Timestamp, usize, usize), out: &mut Vec<LadderEvent>) {
        self.dues.remove(&key);
        let (due, ix, k) = key;
        let Some(act) = self.activations.get_mut(ix) else {
            return;
        };
        let v = act.version;
        let (breach, tier) = (act.breach.clone(), act.tier.clone());
        let Some(order) = act.orders.get_mut(k) else {
            return;
        };
        if order.completed_at.is_some() || order.withdrawn || order.missed {
            return;
        }
        order.missed = true;
        let order = order.clone();
        let reported = match order.last_report {
            Some(OrderStatus::Partial) => "only a partial execution had been reported",
            Some(OrderStatus::Failed) => "the executing party had reported failure",
            Some(OrderStatus::Done) | None => "no completion report had been recorded",
        };
        let text = format!(
            "order `{}` to {} (action `{}` of tier `{tier}` for breach `{breach}`) was due at {due} and {reported}: a missed deadline",
            order.id,
            order
                .party
                .as_ref()
                .map_or_else(|| "no named party".to_string(), |p| format!("`{p}`")),
            order.action,
        );
        self.missed.push(MissedView {
            order: order.id.clone(),
            party: order.party.clone(),
            breach,
            tier,
            action: order.action.clone(),
            due,
        });
        out.push(LadderEvent::DeadlineMissed {
            at: due,
            order: order.id,
            party: order.party,
            due,
            explanation: self.note_v(v, text),
        });
    }

    fn tally(&self, act: &Activation, tier: &TierInfo) -> Tally {
        let mut tally = Tally::default();
        let Some(rule) = tier.vote.as_ref() else {
            return tally;
        };
        for (party, &v) in &act.last_vote {
            let Some(vote) = self.votes.get(v) else {
                continue;
            };
            let w = weight(rule, party);
            let holder = is_veto_holder(rule, party);
            match (vote.ballot, tier.mode) {
                (Choice::For, _) => tally.for_.push((party.clone(), w)),
                (Choice::Against, _) => tally.against.push(party.clone()),
                (Choice::Veto, Mode::SignOff) => tally.vetoes.push(party.clone()),
                (Choice::Veto | Choice::Block, _) => {
                    tally.blocks.push((party.clone(), w));
                    if holder {
                        tally.sole_blocks.push(party.clone());
                    }
                }
                (Choice::Withdraw, _) => {}
            }
        }
        let holders: BTreeSet<&String> = rule.veto.iter().collect();
        tally.silent_veto_holders = holders
            .into_iter()
            .filter(|p| !act.last_vote.contains_key(*p))
            .cloned()
            .collect();
        tally
    }

    fn vote_inner(
        &mut self,
        at: Timestamp,
        vote: &Vote,
        out: &mut Vec<LadderEvent>,
    ) -> Result<(), String> {
        let party = vote.id.party.as_str();
        // The version of the activation voted on (or of its breach).
        let version = self
            .by_key
            .get(&(vote.breach.clone(), vote.tier.clone()))
            .and_then(|ix| self.activations.get(*ix))
            .map_or_else(|| self.breach_version(&vote.breach), |a| a.version);
        let tier = self
            .rules(version)
            .tiers
            .get(&vote.tier)
            .ok_or_else(|| format!("tier `{}` is not declared in the framework", vote.tier))?;
        if !tier.eligible(party) {
            return Err(format!(
                "`{party}` is not in the electorate of tier `{}`",
                vote.tier
            ));
        }
        let ix = *self
            .by_key
            .get(&(vote.breach.clone(), vote.tier.clone()))
            .ok_or_else(|| {
                format!(
                    "breach `{}` has not entered tier `{}`: there is nothing to vote on",
                    vote.breach, vote.tier
                )
            })?;
        let holder = tier.vote.as_ref().is_some_and(|r| is_veto_holder(r, party));
        match (tier.mode, vote.choice) {
            (Mode::Automatic, _) => {
                return Err(format!(
                    "tier `{}` is automatic: it takes no votes",
                    vote.tier
                ));
            }
            (Mode::SignOff, Choice::Block | Choice::Withdraw) => {
                return Err(format!(
                    "tier `{}` is decided by sign-off: vote `for`, `against` or (a veto holder) `veto`, not `{}`",
                    vote.tier,
                    ballot_word(vote.choice)
                ));
            }
            (Mode::ReverseVeto, Choice::For | Choice::Against) => {
                return Err(format!(
                    "tier `{}` is a reverse-veto tier: vote `block`, `withdraw` or (a veto holder) `veto`, not `{}`",
                    vote.tier,
                    ballot_word(vote.choice)
                ));
            }
            (_, Choice::Veto) if !holder => {
                return Err(format!("`{party}` holds no veto on tier `{}`", vote.tier));
            }
            _ => {}
        }
        let tier = tier.clone();
        let act = self
            .activations
            .get(ix)
            .ok_or("the activation is missing (an internal error)")?;
        if act.votes_recorded >= VOTES_PER_ACTIVATION_MAX {
            return Err(format!(
                "tier `{}` of breach `{}` has recorded {VOTES_PER_ACTIVATION_MAX} votes, the limit",
                vote.tier, vote.breach
            ));
        }
        let late = act.deadline.filter(|d| at >= *d);
        let decided = !act.status.pending();
        let status = act.status;
        let v = self.votes.len();
        let mut rec = VoteRec {
            input: vote.id.clone(),
            party: party.to_string(),
            breach: vote.breach.clone(),
            tier: vote.tier.clone(),
            ballot: vote.choice,
            recorded_at: at,
            counted: false,
            reason: None,
        };
        let (breach, tier_id, input, ballot) = (
            vote.breach.clone(),
            vote.tier.clone(),
            vote.id.clone(),
            vote.choice,
        );
        if let Some(deadline) = late {
            let reason = format!("late: recorded at or after the deadline {deadline}");
            rec.reason = Some(reason.clone());
            self.votes.push(rec);
            if let Some(act) = self.activations.get_mut(ix) {
                act.votes_recorded += 1;
            }
            out.push(LadderEvent::VoteLate {
                at,
                input,
                breach,
                tier: tier_id,
                party: party.to_string(),
                ballot,
                explanation: self.note_v(
                    version,
                    format!(
                        "`{party}` voted `{}` at {at}; {reason}, so it changes nothing",
                        ballot_word(ballot)
                    ),
                ),
            });
            return Ok(());
        }
        if decided {
            let reason = if status == ActivationStatus::Superseded {
                "the activation was superseded".to_string()
            } else {
                "the tier was already decided".to_string()
            };
            rec.reason = Some(reason.clone());
            self.votes.push(rec);
            if let Some(act) = self.activations.get_mut(ix) {
                act.votes_recorded += 1;
            }
            out.push(LadderEvent::VoteNotCounted {
                at,
                input,
                breach,
                tier: tier_id,
                party: party.to_string(),
                ballot,
                explanation: self.note_v(
                    version,
                    format!(
                        "`{party}` voted `{}` at {at}; {reason} ({}), so it changes nothing",
                        ballot_word(ballot),
                        status_word(status)
                    ),
                ),
            });
            return Ok(());
        }
        rec.counted = true;
        self.votes.push(rec);
        let previous = self.activations.get_mut(ix).and_then(|act| {
            act.votes_recorded += 1;
            act.last_vote.insert(party.to_string(), v)
        });
        let mut replaced = String::new();
        if let Some(p) = previous.and_then(|p| self.votes.get_mut(p)) {
            p.counted = false;
            p.reason = Some("superseded by a later vote of the same party".into());
            replaced = format!(
                " (replacing its `{}` of {} from `{}`)",
                ballot_word(p.ballot),
                p.recorded_at,
                p.input.source
            );
        }
        let Some(act) = self.activations.get(ix) else {
            return Ok(());
        };
        let tally = self.tally(act, &tier);
        let w = tier.vote.as_ref().map_or(1, |r| weight(r, party));
        let described = match tier.mode {
            Mode::ReverseVeto => describe_blocks(tier.vote.as_ref(), &tally),
            Mode::SignOff | Mode::Automatic => describe_sign_off(tier.vote.as_ref(), &tally),
        };
        out.push(LadderEvent::VoteCounted {
            at,
            input: input.clone(),
            breach,
            tier: tier_id.clone(),
            party: party.to_string(),
            ballot,
            explanation: self.note_v(version, format!(
                "`{party}` (weight {w}) voted `{}` at {at} from source `{}`{replaced}; now {described}",
                ballot_word(ballot),
                input.source
            )),
        });
        if tier.mode == Mode::SignOff
            && tally.vetoes.is_empty()
            && tally.silent_veto_holders.is_empty()
            && quorum_holds(tier.vote.as_ref(), &tally)
        {
            self.fire(
                ix,
                at,
                format!(
                    "quorum reached at {at}, before the deadline, and every veto holder has voted without a veto: {described}"
                ),
                out,
            );
        }
        Ok(())
    }

    fn report_inner(
        &mut self,
        at: Timestamp,
        report: &OrderReport,
        out: &mut Vec<LadderEvent>,
    ) -> Result<(), String> {
        let (ix, k) = *self
            .orders
            .get(&report.order)
            .ok_or_else(|| format!("`{}` is not an order the ladder has issued", report.order))?;
        let reporter = report.id.party.as_str();
        let act = self
            .activations
            .get(ix)
            .ok_or("the activation is missing (an internal error)")?;
        let v = act.version;
        let status = act.status;
        let order = act
            .orders
            .get(k)
            .ok_or("the order is missing (an internal error)")?;
        match &order.party {
            None => {
                return Err(format!(
                    "order `{}` names no executing party: no report can close it",
                    order.id
                ));
            }
            Some(p) if p != reporter => {
                return Err(format!(
                    "order `{}` is addressed to `{p}`; `{reporter}` cannot report on it",
                    order.id
                ));
            }
            Some(_) => {}
        }
        if let Some(t) = order.completed_at {
            return Err(format!("order `{}` was already completed at {t}", order.id));
        }
        if order.withdrawn {
            return Err(format!(
                "order `{}` was withdrawn when its activation was superseded",
                order.id
            ));
        }
        let id = order.id.clone();
        let due = order.due;
        let missed = order.missed;
        match report.status {
            OrderStatus::Done => {
                let mut all_done = false;
                if let Some(act) = self.activations.get_mut(ix) {
                    if let Some(order) = act.orders.get_mut(k) {
                        order.completed_at = Some(at);
                        order.last_report = Some(OrderStatus::Done);
                    }
                    all_done = act.orders.iter().all(|o| o.completed_at.is_some());
                    if all_done && status == ActivationStatus::Fired {
                        act.status = ActivationStatus::Completed;
                        act.explanation
                            .push(format!("completed at {at}: every order was completed"));
                    }
                }
                if let Some(due) = due {
                    self.dues.remove(&(due, ix, k));
                }
                let timing = match (due, missed) {
                    (Some(due), true) => {
                        format!("late, after its deadline {due} (it stays listed as missed)")
                    }
                    (Some(due), false) => format!("on time (due {due})"),
                    (None, _) => "with no deadline".to_string(),
                };
                let rest = if all_done {
                    "; every order of the activation is now complete"
                } else {
                    ""
                };
                out.push(LadderEvent::OrderCompleted {
                    at,
                    order: id.clone(),
                    party: reporter.to_string(),
                    input: report.id.clone(),
                    explanation: self.note_v(
                        v,
                        format!("`{reporter}` reported order `{id}` done at {at}, {timing}{rest}"),
                    ),
                });
            }
            OrderStatus::Partial | OrderStatus::Failed => {
                if let Some(order) = self
                    .activations
                    .get_mut(ix)
                    .and_then(|act| act.orders.get_mut(k))
                {
                    order.last_report = Some(report.status);
                }
                let word = if report.status == OrderStatus::Partial {
                    "partly carried out"
                } else {
                    "not carried out (failed)"
                };
                out.push(LadderEvent::OrderReported {
                    at,
                    order: id.clone(),
                    party: reporter.to_string(),
                    status: report.status,
                    input: report.id.clone(),
                    explanation: self.note_v(v, format!(
                        "`{reporter}` reported order `{id}` {word} at {at}; the order stays open"
                    )),
                });
            }
        }
        Ok(())
    }

    fn attest_inner(
        &mut self,
        at: Timestamp,
        a: &Attestation,
        adversaries: &BTreeSet<String>,
        out: &mut Vec<LadderEvent>,
    ) -> Result<(), String> {
        let k = *self
            .item_index
            .get(&a.item)
            .ok_or_else(|| format!("relief item `{}` is not declared in the framework", a.item))?;
        let item = self
            .current()
            .items
            .get(k)
            .ok_or("the item is missing (an internal error)")?;
        let sid = item.standard.as_ref().ok_or_else(|| {
            format!(
                "relief item `{}` names no evidence standard, so no attestation can relieve it",
                a.item
            )
        })?;
        if !self.current().standards.contains_key(sid) {
            return Err(format!(
                "standard `{sid}` of relief item `{}` is not declared in the framework",
                a.item
            ));
        }
        let party = a.id.party.as_str();
        let class = self.current().classes.get(&a.class).ok_or_else(|| {
            format!(
                "source class `{}` is not declared in the framework",
                a.class
            )
        })?;
        if !class.operated_by.contains(party) {
            return Err(format!(
                "`{party}` does not operate source class `{}`",
                a.class
            ));
        }
        if a.confidence_bp > 10_000 {
            return Err(format!(
                "confidence {} is above 10000 basis points",
                a.confidence_bp
            ));
        }
        let adversary = self.current().adversaries.contains(party) || adversaries.contains(party);
        let state = self
            .relief
            .get_mut(k)
            .ok_or("the item's state is missing (an internal error)")?;
        if state.attestations.len() >= ATTESTATIONS_PER_ITEM_MAX {
            return Err(format!(
                "relief item `{}` has recorded {ATTESTATIONS_PER_ITEM_MAX} attestations, the limit",
                a.item
            ));
        }
        state.attestations.push(AttRec {
            input: a.id.clone(),
            class: a.class.clone(),
            complies: a.complies,
            confidence: a.confidence_bp,
            derived_from: a.derived_from.clone(),
            recorded_at: at,
            adversary,
            void: None,
        });
        let status = state.status;
        let eval = self.evaluate(k);
        let said = if a.complies {
            "complies"
        } else {
            "does not comply"
        };
        let head = format!(
            "`{party}` ({}) attests at {at} that relief item `{}` {said}, at {} bp{}",
            a.class,
            a.item,
            a.confidence_bp,
            if adversary {
                " — from the adversary, so it never counts"
            } else {
                ""
            }
        );
        if status == ReliefStatus::Relieved {
            out.push(LadderEvent::Attested {
                at,
                input: a.id.clone(),
                item: a.item.clone(),
                explanation: self.note(format!(
                    "{head}; the item is already relieved (a certified breach of a trigger it names would re-impose it)"
                )),
            });
            return Ok(());
        }
        out.push(LadderEvent::Attested {
            at,
            input: a.id.clone(),
            item: a.item.clone(),
            explanation: self.note(format!("{head}; {}", eval.summary)),
        });
        if eval.met {
            self.relieve(k, at, &eval.summary, out);
        }
        Ok(())
    }

    /// Relief item `k` is met at `at`: what it gates is relieved.
    fn relieve(&mut self, k: usize, at: Timestamp, summary: &str, out: &mut Vec<LadderEvent>) {
        let Some(item) = self.current().items.get(k) else {
            return;
        };
        let item = item.clone();
        let mut relieved = Vec::new();
        for act in &mut self.activations {
            if !(act.status.in_force() || act.status == ActivationStatus::Relieved) {
                continue;
            }
            let Some(tier) = self
                .versions
                .get(act.version)
                .and_then(|r| r.tiers.get(&act.tier))
            else {
                continue;
            };
            let gated: Vec<String> = tier
                .actions
                .iter()
                .filter_map(|a| {
                    if item.relieves.contains(&a.id) {
                        Some(format!("action `{}`", a.id))
                    } else {
                        a.sanctions
                            .as_ref()
                            .filter(|p| item.relieves.contains(*p))
                            .map(|p| format!("package `{p}` (action `{}`)", a.id))
                    }
                })
                .collect();
            if gated.is_empty() {
                continue;
            }
            act.relieved_by.insert(item.id.clone());
            act.status = ActivationStatus::Relieved;
            act.explanation.push(format!(
                "relieved at {at} by relief item `{}`: {}",
                item.id,
                gated.join(", ")
            ));
            relieved.push(act.name());
        }
        if let Some(state) = self.relief.get_mut(k) {
            state.status = ReliefStatus::Relieved;
            state.relieved_at = Some(at);
        }
        out.push(LadderEvent::Relieved {
            at,
            item: item.id.clone(),
            activations: relieved.clone(),
            explanation: self.note(format!(
                "relief item `{}` ({}) is attested: {summary}; it relieves {}; activations relieved: {}",
                item.id,
                item.condition,
                list_or_none(&item.relieves.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>()),
                list_or_none(&relieved)
            )),
        });
    }

    /// A certified breach voids earlier attestations of the items its
    /// trigger violates (all items with `snapback_all`), and re-imposes at
    /// once what those items had relieved.
    fn snapback(&mut self, at: Timestamp, breach: &BreachInfo, out: &mut Vec<LadderEvent>) {
        let v = breach.version;
        for k in 0..self.rules(v).items.len() {
            let Some(item) = self.rules(v).items.get(k) else {
                continue;
            };
            let named = item.violated_by.contains(&breach.trigger);
            if !(named || self.rules(v).snapback_all) {
                continue;
            }
            let rule = if named {
                format!(
                    "the item names trigger `{}` in `violated_by`",
                    breach.trigger
                )
            } else {
                "the framework sets `snapback_all`: any certified breach re-imposes everything"
                    .to_string()
            };
            let item_id = item.id.clone();
            let Some(state) = self.relief.get_mut(k) else {
                continue;
            };
            for a in &mut state.attestations {
                if a.void.is_none() {
                    a.void = Some(format!(
                        "recorded before breach `{}` of trigger `{}` was certified at {at}: compliance must be attested again",
                        breach.id, breach.trigger
                    ));
                }
            }
            if state.status != ReliefStatus::Relieved {
                continue;
            }
            state.status = ReliefStatus::Reimposed;
            state.reimposed_at = Some(at);
            let mut reimposed = Vec::new();
            for act in &mut self.activations {
                if !act.relieved_by.remove(&item_id) {
                    continue;
                }
                if act.status == ActivationStatus::Relieved {
                    act.status = ActivationStatus::Reimposed;
                }
                act.explanation.push(format!(
                    "re-imposed at {at}: breach `{}` of trigger `{}` undid relief item `{item_id}`",
                    breach.id, breach.trigger
                ));
                reimposed.push(act.name());
            }
            out.push(LadderEvent::Reimposed {
                at,
                item: item_id.clone(),
                breach: breach.id.clone(),
                activations: reimposed.clone(),
                explanation: self.note_v(v, format!(
                    "breach `{}` of trigger `{}` was certified at {at} and {rule}: relief item `{item_id}` is re-imposed at once (activations: {}); it stays in force until attested again",
                    breach.id,
                    breach.trigger,
                    list_or_none(&reimposed)
                )),
            });
        }
    }

    /// How relief item `k`'s attestations stand against its standard.
    fn evaluate(&self, k: usize) -> Evaluation {
        let (Some(item), Some(state)) = (self.current().items.get(k), self.relief.get(k)) else {
            return Evaluation::default();
        };
        let n = state.attestations.len();
        let mut reasons: Vec<Option<String>> = vec![None; n];
        let standard = item
            .standard
            .as_ref()
            .and_then(|s| self.current().standards.get(s).map(|info| (s, info)));
        let Some((sid, standard)) = standard else {
            return Evaluation {
                met: false,
                summary: "the item has no declared evidence standard: it cannot be relieved".into(),
                reasons: vec![Some("the item has no declared evidence standard".into()); n],
            };
        };
        // Exclusions that do not depend on other attestations.
        for (a, reason) in state.attestations.iter().zip(reasons.iter_mut()) {
            if let Some(v) = &a.void {
                *reason = Some(v.clone());
            } else if a.adversary {
                *reason =
                    Some("from an adversary party: the adversary's own word never counts".into());
            } else if !standard.classes.contains(&a.class) {
                *reason = Some(format!(
                    "source class `{}` does not count toward standard `{sid}`",
                    a.class
                ));
            }
        }
        // Within a (party, class) group, a non-compliance attestation
        // withdraws the group's earlier compliance.
        let mut groups: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
        for (j, a) in state.attestations.iter().enumerate() {
            if reasons.get(j).is_some_and(Option::is_none) {
                groups
                    .entry((a.input.party.as_str(), a.class.as_str()))
                    .or_default()
                    .push(j);
            }
        }
        for members in groups.values() {
            let last_no = members
                .iter()
                .rev()
                .find(|j| state.attestations.get(**j).is_some_and(|a| !a.complies))
                .copied();
            for &j in members {
                let Some(a) = state.attestations.get(j) else {
                    continue;
                };
                let reason = if !a.complies {
                    Some("states non-compliance".to_string())
                } else if last_no.is_some_and(|no| j < no) {
                    Some(
                        "withdrawn by a later non-compliance attestation of the same party and class"
                            .to_string(),
                    )
                } else {
                    None
                };
                if let (Some(r), Some(slot)) = (reason, reasons.get_mut(j)) {
                    *slot = Some(r);
                }
            }
        }
        // A re-report of another counted attestation is not independent.
        let counted: Vec<usize> = (0..n)
            .filter(|j| reasons.get(*j).is_some_and(Option::is_none))
            .collect();
        let mut derived = Vec::new();
        for &j in &counted {
            let Some(a) = state.attestations.get(j) else {
                continue;
            };
            let source = a.derived_from.iter().find(|d| {
                **d != a.input
                    && counted
                        .iter()
                        .any(|o| state.attestations.get(*o).is_some_and(|b| b.input == **d))
            });
            if let Some(d) = source {
                derived.push((
                    j,
                    format!("derived from `{d}`, which counts: not independent evidence"),
                ));
            }
        }
        for (j, r) in derived {
            if let Some(slot) = reasons.get_mut(j) {
                *slot = Some(r);
            }
        }
        let mut best: BTreeMap<(&str, &str), u16> = BTreeMap::new();
        for (a, reason) in state.attestations.iter().zip(&reasons) {
            if reason.is_none() {
                let c = best
                    .entry((a.input.party.as_str(), a.class.as_str()))
                    .or_insert(0);
                *c = (*c).max(a.confidence);
            }
        }
        let sources: Vec<Source<&str, &str>> = best
            .keys()
            .map(|&(party, class)| Source {
                class,
                party,
                neutral: self.current().classes.get(class).is_some_and(|c| c.neutral),
            })
            .collect();
        let matched = independence::max_matching(&sources);
        let independent = independence::independent(standard.required, standard.neutral, &sources);
        let confidence = combine(best.values().copied());
        let confident = standard.min_confidence.is_none_or(|m| confidence >= m);
        let met = independent && confident;
        let groups: Vec<String> = best
            .iter()
            .map(|((p, c), bp)| format!("{p}/{c} {bp} bp"))
            .collect();
        let summary = format!(
            "standard `{sid}` {}: {matched} independent sources of {} needed{} ({}), combined confidence {confidence} bp{}",
            if met { "met" } else { "not met" },
            standard.required,
            if standard.neutral {
                ", one neutral"
            } else {
                ""
            },
            list_or_none(&groups),
            standard
                .min_confidence
                .map_or_else(String::new, |m| format!(" of {m} needed")),
        );
        Evaluation {
            met,
            summary,
            reasons,
        }
    }
}

#[derive(Debug, Default)]
struct Evaluation {
    met: bool,
    summary: String,
    /// Per attestation: why it does not count (`None`: it counts).
    reasons: Vec<Option<String>>,
}

/// The counted votes of one activation, sorted by party.
#[derive(Debug, Default)]
struct Tally {
    for_: Vec<(String, u32)>,
    against: Vec<String>,
    /// Veto holders whose last vote is `veto` (sign-off).
    vetoes: Vec<String>,
    /// Parties whose last vote is a block (reverse veto), with weights.
    blocks: Vec<(String, u32)>,
    /// Veto holders among them: each blocks alone.
    sole_blocks: Vec<String>,
    /// Veto holders without a counted vote.
    silent_veto_holders: Vec<String>,
}

fn is_veto_holder(rule: &VoteRule, party: &str) -> bool {
    rule.veto.iter().any(|p| p == party)
}

fn weight(rule: &VoteRule, party: &str) -> u32 {
    rule.weights.get(party).copied().unwrap_or(1)
}

fn sum(ws: &[(String, u32)]) -> u64 {
    ws.iter().map(|(_, w)| u64::from(*w)).sum()
}

/// A sign-off quorum: weight in favour ≥ `quorum` and parties in favour ≥
/// `quorum_parties`, for each that is set. A rule that sets neither has no
/// quorum that votes could reach.
fn quorum_holds(rule: Option<&VoteRule>, tally: &Tally) -> bool {
    let Some(rule) = rule else {
        return false;
    };
    if rule.quorum.is_none() && rule.quorum_parties.is_none() {
        return false;
    }
    rule.quorum.is_none_or(|q| sum(&tally.for_) >= u64::from(q))
        && rule
            .quorum_parties
            .is_none_or(|q| tally.for_.len() as u64 >= u64::from(q))
}

/// A qualified block: a veto holder's block, or blocks whose weights reach
/// `block`. Without a `block` threshold only veto holders can block.
fn block_qualified(rule: Option<&VoteRule>, tally: &Tally) -> bool {
    !tally.sole_blocks.is_empty()
        || rule
            .and_then(|r| r.block)
            .is_some_and(|b| sum(&tally.blocks) >= u64::from(b))
}

fn weighted(ws: &[(String, u32)]) -> String {
    if ws.is_empty() {
        return "none".into();
    }
    ws.iter()
        .map(|(p, w)| format!("`{p}` ({w})"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn named(ps: &[String]) -> String {
    list_or_none(&ps.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>())
}

/// A span of milliseconds in words: `2h30m`, or `1500 ms` below a whole second.
fn span_words(ms: i64) -> String {
    if ms % 1000 == 0 {
        Duration::from_seconds(ms / 1000).to_string()
    } else {
        format!("{ms} ms")
    }
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

fn describe_sign_off(rule: Option<&VoteRule>, tally: &Tally) -> String {
    let need = match rule.map(|r| (r.quorum, r.quorum_parties)) {
        Some((Some(q), Some(p))) => format!("weight {q} and {p} parties"),
        Some((Some(q), None)) => format!("weight {q}"),
        Some((None, Some(p))) => format!("{p} parties"),
        Some((None, None)) | None => "a quorum the rule never sets".into(),
    };
    format!(
        "for: {} = weight {} in {} parties, quorum needs {need}; against: {}; vetoes standing: {}; veto holders yet to vote: {}",
        weighted(&tally.for_),
        sum(&tally.for_),
        tally.for_.len(),
        named(&tally.against),
        named(&tally.vetoes),
        named(&tally.silent_veto_holders)
    )
}

fn describe_blocks(rule: Option<&VoteRule>, tally: &Tally) -> String {
    let need = rule.and_then(|r| r.block).map_or_else(
        || "no threshold set (only veto holders block)".to_string(),
        |b| format!("{b} needed"),
    );
    format!(
        "blocks: {} = weight {}, {need}; veto holders blocking alone: {}",
        weighted(&tally.blocks),
        sum(&tally.blocks),
        named(&tally.sole_blocks)
    )
}

fn ballot_word(c: Choice) -> &'static str {
    match c {
        Choice::For => "for",
        Choice::Against => "against",
        Choice::Veto => "veto",
        Choice::Block => "block",
        Choice::Withdraw => "withdraw",
    }
}

fn outcome_word(o: Outcome) -> &'static str {
    match o {
        Outcome::Fire => "fire",
        Outcome::Lapse => "lapse",
        Outcome::Escalate => "escalate",
    }
}

fn status_word(s: ActivationStatus) -> &'static str {
    match s {
        ActivationStatus::Fired => "fired",
        ActivationStatus::AwaitingVotes => "awaiting votes",
        ActivationStatus::PendingBlockWindow => "pending in its block window",
        ActivationStatus::Blocked => "blocked",
        ActivationStatus::Vetoed => "vetoed",
        ActivationStatus::Lapsed => "lapsed",
        ActivationStatus::Escalated => "escalated",
        ActivationStatus::Relieved => "relieved",
        ActivationStatus::Reimposed => "re-imposed",
        ActivationStatus::Superseded => "superseded",
        ActivationStatus::Completed => "completed",
    }
}

/// Combined confidence of independent groups: 1 − Π(1 − cᵢ), in basis
/// points, with integer arithmetic (each factor rounded down) — the rule
/// the engine certifies breaches by.
fn combine(confidences: impl Iterator<Item = u16>) -> u16 {
    let mut doubt: u32 = 10_000;
    for c in confidences {
        doubt = doubt * (10_000 - u32::from(c.min(10_000))) / 10_000;
    }
    u16::try_from(10_000 - doubt).unwrap_or(10_000)
}

#[cfg(test)]
mod tests;
