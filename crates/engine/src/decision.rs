//! What the engine decides, and the views of its state that reports show.
//! These types are serialized into reports and (later) the log: their
//! shape is a stability boundary.

use base::Timestamp;
use model::{InputId, Name};
use serde::{Deserialize, Serialize};

/// A count range over disagreeing reports (DESIGN "Counting").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountRange {
    pub low: u64,
    pub high: u64,
}

/// One observation's contribution to an incident.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceRef {
    pub input: InputId,
    pub party: String,
    pub class: String,
    pub confidence_bp: u16,
    /// True when it joined after its class's `late_max`.
    pub late: bool,
}

/// Observations of one real event, fused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Incident {
    /// `I1`, `I2`, … in order of opening.
    pub id: String,
    /// The observation kind, e.g. `missile_launch`.
    pub kind: String,
    /// Weapon model, the most specific reported.
    pub weapon: Option<String>,
    /// Observed time covered: earliest start, latest end.
    pub from: Timestamp,
    pub to: Timestamp,
    /// The zone the incident is placed in, if any.
    pub zone: Option<String>,
    /// The compared count (launched, hit, … as the observations carry).
    pub count: CountRange,
    pub sources: Vec<SourceRef>,
    /// Combined confidence, across (party, class) groups only.
    pub confidence_bp: u16,
    pub contested: bool,
    /// Why it is contested, in words.
    pub contest_reasons: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreachStatus {
    /// Threshold crossed; the evidence standard is not met yet.
    Open,
    /// The standard is met and the technical cell's review clock runs.
    UnderReview,
    Certified,
    /// Contested: goes to leaders' sign-off, never certified by a clock.
    Escalated,
    /// The review rejected it, or its clock lapsed.
    Closed,
    /// A retraction took away evidence it rested on, and what remains no
    /// longer meets its trigger or its evidence standard: it no longer
    /// stands. The decisions that opened or certified it stay in the log.
    Withdrawn,
}

/// A breach candidate of one trigger, and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breach {
    /// `B1`, `B2`, … in order of opening.
    pub id: String,
    pub trigger: String,
    pub category: String,
    /// Recorded time the threshold was crossed.
    pub opened_at: Timestamp,
    pub certified_at: Option<Timestamp>,
    pub status: BreachStatus,
    /// Deadline of the review clock, when one runs.
    pub review_deadline: Option<Timestamp>,
    pub incidents: Vec<String>,
    /// The count compared with the threshold, over the window.
    pub count: CountRange,
    /// True if it was reached by accumulated sub-threshold probing.
    pub accumulated: bool,
    /// The framework version and hash it binds to.
    pub framework_version: String,
    pub framework_hash: String,
    /// Why, in words: the rule, the thresholds, the evidence.
    pub explanation: String,
}

/// A trigger's window as it stands at the engine's "now": the incidents
/// not yet in a breach of it that a window ending now holds, and their
/// count against the threshold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TriggerWindow {
    pub trigger: String,
    /// The window in words (`24h`).
    pub window: String,
    pub threshold: u64,
    /// What the trigger counts of those incidents (the end of the range it
    /// compares), summed.
    pub count: u64,
    /// The incidents, in order of opening, each with what it counts.
    pub incidents: Vec<(String, u64)>,
}

/// One decision, in the order the engine made it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Decision {
    /// The input was accepted and applied.
    Accepted { at: Timestamp, input: InputId },
    /// The same input again: absorbed; nothing changes.
    Duplicate { at: Timestamp, input: InputId },
    /// The input was refused; nothing changes.
    Rejected {
        at: Timestamp,
        input: InputId,
        reason: String,
    },
    IncidentOpened {
        at: Timestamp,
        incident: Name,
        input: InputId,
    },
    IncidentJoined {
        at: Timestamp,
        incident: Name,
        input: InputId,
    },
    IncidentContested {
        at: Timestamp,
        incident: Name,
        reason: String,
    },
    /// Evidence that joined resolved what contested the incident (e.g. an
    /// independent party corroborated the protected state's report).
    IncidentUncontested {
        at: Timestamp,
        incident: Name,
        input: InputId,
    },
    BreachOpened {
        at: Timestamp,
        breach: String,
        trigger: String,
        explanation: String,
    },
    ReviewOpened {
        at: Timestamp,
        breach: String,
        deadline: Timestamp,
    },
    Certified {
        at: Timestamp,
        breach: String,
        trigger: String,
        explanation: String,
    },
    Escalated {
        at: Timestamp,
        breach: String,
        reason: String,
    },
    Closed {
        at: Timestamp,
        breach: String,
        reason: String,
    },
    /// An amendment was recorded: the framework version it names is in
    /// force from now on (the input itself is `accepted` just before).
    Amended {
        at: Timestamp,
        input: InputId,
        /// The version now in force, and its identity hash.
        version: String,
        framework_hash: String,
        explanation: String,
    },
    /// An observation was retracted by its own party: its contribution to
    /// its incident is taken away (counts, sources and confidence as if it
    /// had never been reported). The observation stays in the log.
    ObservationRetracted {
        at: Timestamp,
        /// The retraction.
        input: InputId,
        /// The observation withdrawn.
        retracts: InputId,
        incident: String,
        explanation: String,
    },
    /// The review a retraction opens: what remains of a breach's evidence
    /// still meets its trigger and standard, so the breach stands as it was
    /// (`status`). Supersedes the earlier decision on it.
    BreachUpheld {
        at: Timestamp,
        breach: String,
        /// The retraction.
        input: InputId,
        status: BreachStatus,
        explanation: String,
    },
    /// The review a retraction opens: what remains no longer meets the
    /// trigger or the standard, so the breach is withdrawn; it supersedes
    /// the decision that left it `was`, and every tier it entered is
    /// superseded on the ladder.
    BreachWithdrawn {
        at: Timestamp,
        breach: String,
        /// The retraction.
        input: InputId,
        was: BreachStatus,
        reason: String,
    },
}

impl Decision {
    pub fn at(&self) -> Timestamp {
        match self {
            Decision::Accepted { at, .. }
            | Decision::Duplicate { at, .. }
            | Decision::Rejected { at, .. }
            | Decision::IncidentOpened { at, .. }
            | Decision::IncidentJoined { at, .. }
            | Decision::IncidentContested { at, .. }
            | Decision::IncidentUncontested { at, .. }
            | Decision::BreachOpened { at, .. }
            | Decision::ReviewOpened { at, .. }
            | Decision::Certified { at, .. }
            | Decision::Escalated { at, .. }
            | Decision::Closed { at, .. }
            | Decision::Amended { at, .. }
            | Decision::ObservationRetracted { at, .. }
            | Decision::BreachUpheld { at, .. }
            | Decision::BreachWithdrawn { at, .. } => *at,
        }
    }
}
