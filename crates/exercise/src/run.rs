//! The runner: the decision engine in virtual time over a scenario, and the
//! after-action report. No clock, no I/O: the scenario's recorded times are
//! the only "now" the engine sees, so a run is the same on every machine.

use std::fmt;

use base::Timestamp;
use engine::{Breach, Decision, Engine, EngineError, Incident};
use framework::Framework;
use model::InputId;
use serde::Serialize;

use crate::expect::{Evaluation, Outcome, evaluate};
use crate::load::Scenario;
use crate::time::offset;

/// The report's format version; raised on any incompatible change.
pub const REPORT_FORMAT: u32 = 1;

/// Why a scenario could not be run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunError {
    /// The engine refused the framework or a call.
    Engine(EngineError),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Engine(e) => write!(f, "the engine stopped: {e}"),
        }
    }
}

impl std::error::Error for RunError {}

impl From<EngineError> for RunError {
    fn from(e: EngineError) -> RunError {
        RunError::Engine(e)
    }
}

/// The after-action report (`docs/scenario-format.md`, "The report").
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub format: u32,
    pub engine_version: String,
    pub framework: FrameworkRef,
    pub scenario: ScenarioRef,
    pub summary: Summary,
    pub expectations: Vec<Evaluation>,
    pub metrics: Metrics,
    pub breaches: Vec<Breach>,
    pub incidents: Vec<Incident>,
    pub injects: Vec<InjectRecord>,
    /// Every decision, in the order the engine made it.
    pub decisions: Vec<TimelineEntry>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FrameworkRef {
    pub id: String,
    pub version: String,
    pub hash: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ScenarioRef {
    pub id: String,
    pub title: String,
    pub start: Timestamp,
    pub end: Timestamp,
}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct Summary {
    pub expectations: usize,
    pub met: usize,
    pub unmet: usize,
    /// Every expectation met.
    pub passed: bool,
}

/// One inject as it was fed to the engine.
#[derive(Clone, Debug, Serialize)]
pub struct InjectRecord {
    pub at: Timestamp,
    pub offset: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    pub inputs: Vec<InputId>,
}

/// A decision with its time relative to the scenario's start.
#[derive(Clone, Debug, Serialize)]
pub struct TimelineEntry {
    pub offset: String,
    /// The inject (1-based, in `injects[]`) whose inputs caused it; absent
    /// for decisions of clocks that ran out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inject: Option<usize>,
    #[serde(flatten)]
    pub decision: Decision,
}

#[derive(Clone, Debug, Serialize)]
pub struct Metrics {
    pub injects: usize,
    /// Inputs submitted, inline and from files.
    pub inputs: usize,
    pub accepted: usize,
    pub rejected: usize,
    pub duplicates: usize,
    pub incidents: usize,
    pub contested_incidents: usize,
    pub breaches: usize,
    pub certified: usize,
    pub escalated: usize,
    pub closed: usize,
    pub time_to_certification_s: TimeToCertification,
}

/// From the first observed time of a breach's incidents to its
/// certification, per certified breach, in seconds.
#[derive(Clone, Debug, Serialize)]
pub struct TimeToCertification {
    pub breaches: Vec<CertificationTime>,
    /// `null` when nothing was certified.
    pub max: Option<i64>,
    /// The middle value; with an even number, the mean of the two middle
    /// values rounded down. `null` when nothing was certified.
    pub median: Option<i64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CertificationTime {
    pub breach: String,
    pub trigger: String,
    pub first_observed: Timestamp,
    pub certified_at: Timestamp,
    pub seconds: i64,
}

/// Runs a scenario: for each recorded time, advance the engine to it and
/// submit every input recorded then — in the engine's order for
/// simultaneous inputs (identity, then canonical bytes; see
/// `Engine::submit_batch`), so that how injects are split or ordered within
/// one time never changes the report; then advance to the scenario's end;
/// then judge the expectations and build the report.
pub fn run(fw: &Framework, scenario: &Scenario) -> Result<Report, RunError> {
    let mut engine = Engine::new(fw)?;
    let mut decisions: Vec<(Option<usize>, Decision)> = Vec::new();
    let mut injects = Vec::with_capacity(scenario.injects.len());
    let mut inputs = 0;
    let mut k = 0;
    while let Some(first) = scenario.injects.get(k) {
        let at = first.at;
        let group_end = scenario.injects[k..]
            .iter()
            .take_while(|i| i.at == at)
            .count()
            + k;
        decisions.extend(engine.advance(at)?.into_iter().map(|d| (None, d)));
        let mut batch: Vec<(&model::InputId, Vec<u8>, usize, &model::Input)> = Vec::new();
        for (index, inject) in scenario.injects.iter().enumerate().take(group_end).skip(k) {
            for input in &inject.inputs {
                batch.push((input.id(), model::canonical::to_vec(input), index, input));
            }
        }
        batch.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        for (_, _, index, input) in batch {
            let made = engine.submit(at, input)?;
            decisions.extend(made.into_iter().map(|d| (Some(index + 1), d)));
        }
        k = group_end;
    }
    for inject in &scenario.injects {
        inputs += inject.inputs.len();
        injects.push(InjectRecord {
            at: inject.at,
            offset: offset(scenario.start, inject.at),
            note: inject.note.clone(),
            file: inject.file.clone(),
            inputs: inject.inputs.iter().map(|i| i.id().clone()).collect(),
        });
    }
    decisions.extend(engine.advance(scenario.end)?.into_iter().map(|d| (None, d)));
    let (causes, decisions): (Vec<Option<usize>>, Vec<Decision>) = decisions.into_iter().unzip();

    let incidents = engine.incidents();
    let breaches = engine.breaches();
    let outcome = Outcome {
        start: scenario.start,
        decisions: &decisions,
        incidents: &incidents,
        breaches: &breaches,
    };
    let expectations: Vec<Evaluation> = scenario
        .expectations
        .iter()
        .map(|e| evaluate(e, &outcome))
        .collect();
    let met = expectations.iter().filter(|e| e.met).count();
    let metrics = metrics(&outcome, scenario.injects.len(), inputs);
    let meta = fw.meta.as_ref();
    Ok(Report {
        format: REPORT_FORMAT,
        engine_version: engine::ENGINE_VERSION.to_string(),
        framework: FrameworkRef {
            id: meta.map(|m| m.id.clone()).unwrap_or_default(),
            version: meta.map(|m| m.version.clone()).unwrap_or_default(),
            hash: fw.hash_hex(),
        },
        scenario: ScenarioRef {
            id: scenario.id.clone(),
            title: scenario.title.clone(),
            start: scenario.start,
            end: scenario.end,
        },
        summary: Summary {
            expectations: expectations.len(),
            met,
            unmet: expectations.len() - met,
            passed: met == expectations.len(),
        },
        expectations,
        metrics,
        breaches,
        incidents,
        injects,
        decisions: causes
            .into_iter()
            .zip(decisions)
            .map(|(inject, decision)| TimelineEntry {
                offset: offset(scenario.start, decision.at()),
                inject,
                decision,
            })
            .collect(),
    })
}

fn metrics(o: &Outcome<'_>, injects: usize, inputs: usize) -> Metrics {
    let count = |f: fn(&Decision) -> bool| o.decisions.iter().filter(|d| f(d)).count();
    let mut times: Vec<CertificationTime> = o
        .breaches
        .iter()
        .filter_map(|b| {
            let certified_at = b.certified_at?;
            let first_observed = o
                .incidents
                .iter()
                .filter(|i| b.incidents.contains(&i.id))
                .map(|i| i.from)
                .min()?;
            Some(CertificationTime {
                breach: b.id.clone(),
                trigger: b.trigger.clone(),
                first_observed,
                certified_at,
                seconds: certified_at.seconds_since(first_observed),
            })
        })
        .collect();
    times.sort_by(|a, b| a.breach.cmp(&b.breach).then(a.seconds.cmp(&b.seconds)));
    let mut seconds: Vec<i64> = times.iter().map(|t| t.seconds).collect();
    seconds.sort_unstable();
    let median = match seconds.len() {
        0 => None,
        n if n % 2 == 1 => seconds.get(n / 2).copied(),
        n => match (seconds.get(n / 2 - 1), seconds.get(n / 2)) {
            (Some(a), Some(b)) => Some((a + b).div_euclid(2)),
            _ => None,
        },
    };
    use engine::BreachStatus as S;
    let status = |s: S| o.breaches.iter().filter(|b| b.status == s).count();
    Metrics {
        injects,
        inputs,
        accepted: count(|d| matches!(d, Decision::Accepted { .. })),
        rejected: count(|d| matches!(d, Decision::Rejected { .. })),
        duplicates: count(|d| matches!(d, Decision::Duplicate { .. })),
        incidents: o.incidents.len(),
        contested_incidents: o.incidents.iter().filter(|i| i.contested).count(),
        breaches: o.breaches.len(),
        certified: o
            .breaches
            .iter()
            .filter(|b| b.certified_at.is_some())
            .count(),
        escalated: status(S::Escalated),
        closed: status(S::Closed),
        time_to_certification_s: TimeToCertification {
            max: seconds.last().copied(),
            median,
            breaches: times,
        },
    }
}

/// A decision in words, for the text timeline.
pub fn describe(start: Timestamp, d: &Decision) -> String {
    match d {
        Decision::Accepted { input, .. } => format!("accepted {input}"),
        Decision::Duplicate { input, .. } => {
            format!("duplicate of an input already logged: {input} (absorbed, nothing changes)")
        }
        Decision::Rejected { input, reason, .. } => format!("REJECTED {input}: {reason}"),
        Decision::IncidentOpened {
            incident, input, ..
        } => format!("incident {incident} opened by {input}"),
        Decision::IncidentJoined {
            incident, input, ..
        } => format!("{input} joined incident {incident}"),
        Decision::IncidentContested {
            incident, reason, ..
        } => format!("incident {incident} CONTESTED: {reason}"),
        Decision::BreachOpened {
            breach,
            trigger,
            explanation,
            ..
        } => format!("breach {breach} of `{trigger}` opened: {explanation}"),
        Decision::ReviewOpened {
            breach, deadline, ..
        } => format!(
            "evidence standard met for {breach}: review clock runs until {deadline} ({})",
            offset(start, *deadline)
        ),
        Decision::Certified {
            breach,
            trigger,
            explanation,
            ..
        } => format!("breach {breach} of `{trigger}` CERTIFIED: {explanation}"),
        Decision::Escalated { breach, reason, .. } => {
            format!("breach {breach} ESCALATED to sign-off: {reason}")
        }
        Decision::Closed { breach, reason, .. } => format!("breach {breach} closed: {reason}"),
    }
}
