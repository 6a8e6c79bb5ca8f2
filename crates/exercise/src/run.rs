//! The runner: the decision engine — both halves, certification and the
//! response ladder, composed by [`engine::Decider`] — in virtual time over a
//! scenario, and the after-action report. No clock, no I/O: the scenario's
//! recorded times are the only "now" the engine sees, so a run is the same
//! on every machine.

use std::fmt;

use base::Timestamp;
use engine::ladder::{ActivationView, LadderEvent, MissedView, ReliefView, VoteView};
use engine::{Breach, Decider, Decision, EngineError, Incident, Step};
use framework::Framework;
use framework::schema::Mode;
use model::InputId;
use serde::Serialize;

use crate::expect::{Evaluation, Outcome, ballot_word, evaluate, mode_word};
use crate::load::Scenario;
use crate::record::{Recorder, RunLog};
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
    /// Every activation of a tier for a breach, in order of activation, as
    /// it stands at the end of the run, with its orders.
    pub activations: Vec<ActivationView>,
    /// Every vote the ladder recorded, in order of recording, and whether it counts.
    pub votes: Vec<VoteView>,
    /// Every order that was open past its deadline, in order of due time.
    pub deadlines_missed: Vec<MissedView>,
    /// Every relief checklist item, by id, with its attestations.
    pub relief: Vec<ReliefView>,
    pub injects: Vec<InjectRecord>,
    /// The run's log: its size and root (docs/ledger.md).
    pub log: LogRef,
    /// Every decision, in the order the engine and the ladder made them.
    pub decisions: Vec<TimelineEntry>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FrameworkRef {
    pub id: String,
    /// The version in force at the start, and its hash.
    pub version: String,
    pub hash: String,
    /// The versions the scenario may amend to (`[scenario] amendments`), in
    /// the order given; left out when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub amendments: Vec<VersionRef>,
}

/// A framework version a scenario may amend to.
#[derive(Clone, Debug, Serialize)]
pub struct VersionRef {
    pub file: String,
    pub version: String,
    pub hash: String,
}

/// The run's log: every input and decision, as a ledger would hold them.
#[derive(Clone, Debug, Serialize)]
pub struct LogRef {
    /// Entries.
    pub size: u64,
    /// The RFC 9162 root (hex).
    pub root: String,
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

/// A decision — the engine's or the ladder's — with its time relative to
/// the scenario's start.
#[derive(Clone, Debug, Serialize)]
pub struct TimelineEntry {
    pub offset: String,
    /// The inject (1-based, in `injects[]`) whose inputs caused it; absent
    /// for decisions of clocks that ran out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inject: Option<usize>,
    /// Its index in the run's log.
    pub log_index: u64,
    #[serde(flatten)]
    pub step: Step,
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
    /// Activations of tiers, and how many of them fired.
    pub activations: usize,
    pub fired: usize,
    /// Votes the ladder recorded, and how many of them do not count.
    pub votes: usize,
    pub votes_not_counted: usize,
    /// Orders issued, completed, and open past their deadlines.
    pub orders: usize,
    pub orders_completed: usize,
    pub deadlines_missed: usize,
    /// The fastest first action over the breaches, in seconds (the minimum
    /// of `first_action_s.breaches[].seconds`); `null` when no order was issued.
    pub time_to_first_action_s: Option<i64>,
    pub first_action_s: FirstActionTimes,
}

/// From the first observed time of a breach's incidents to its first
/// order (issued when the first of its tiers with an action fired), per
/// breach, in seconds.
#[derive(Clone, Debug, Serialize)]
pub struct FirstActionTimes {
    pub breaches: Vec<FirstActionTime>,
    /// `null` when no order was issued.
    pub min: Option<i64>,
    pub max: Option<i64>,
    /// The middle value; with an even number, the mean of the two middle
    /// values rounded down. `null` when no order was issued.
    pub median: Option<i64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FirstActionTime {
    pub breach: String,
    pub trigger: String,
    /// The tier whose firing issued the first order.
    pub tier: String,
    /// The first order it issued (`breach/tier/action`).
    pub order: String,
    pub first_observed: Timestamp,
    pub fired_at: Timestamp,
    pub seconds: i64,
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

/// Runs a scenario: for each recorded time, advance the decider to it and
/// submit every input recorded then — in the engine's order for
/// simultaneous inputs (identity, then canonical bytes; see
/// `Decider::submit_batch`), so that how injects are split or ordered within
/// one time never changes the report; then advance to the scenario's end;
/// then judge the expectations and build the report.
pub fn run(fw: &Framework, scenario: &Scenario) -> Result<Report, RunError> {
    run_with_progress(fw, scenario, &mut |_| {})
}

/// [`run`], telling `progress` how many inputs have been submitted so far
/// after each recorded time (for a progress bar; it changes nothing else).
pub fn run_with_progress(
    fw: &Framework,
    scenario: &Scenario,
    progress: &mut dyn FnMut(usize),
) -> Result<Report, RunError> {
    run_logged(fw, scenario, [0; 32], progress).map(|(report, _)| report)
}

/// [`run_with_progress`], also returning the run's log: every input and
/// decision as a ledger entry, with each decision's log index in the
/// report. `secret` derives the salts of restricted inputs.
pub fn run_logged(
    fw: &Framework,
    scenario: &Scenario,
    secret: [u8; 32],
    progress: &mut dyn FnMut(usize),
) -> Result<(Report, RunLog), RunError> {
    let versions: Vec<&Framework> = scenario.amendments.iter().map(|a| &*a.framework).collect();
    let mut decider = Decider::with_versions(fw, &versions)?;
    let mut rec = Recorder::new(secret);
    let mut steps: Vec<(Option<usize>, Step, u64)> = Vec::new();
    let mut injects = Vec::with_capacity(scenario.injects.len());
    let mut inputs = 0;
    let mut submitted = 0;
    let mut k = 0;
    // Logs what `made` holds and keeps it, with its inject and log index.
    let keep = |rec: &mut Recorder,
                decider: &Decider,
                steps: &mut Vec<(Option<usize>, Step, u64)>,
                inject: Option<usize>,
                made: Vec<Step>| {
        for step in made {
            let index = rec.step(&step, decider.engine());
            steps.push((inject, step, index));
        }
    };
    while let Some(first) = scenario.injects.get(k) {
        let at = first.at;
        let group_end = scenario.injects[k..]
            .iter()
            .take_while(|i| i.at == at)
            .count()
            + k;
        let mut batch: Vec<(&model::InputId, Vec<u8>, usize, &model::Input)> = Vec::new();
        for (index, inject) in scenario.injects.iter().enumerate().take(group_end).skip(k) {
            for input in &inject.inputs {
                batch.push((input.id(), model::canonical::to_vec(input), index, input));
            }
        }
        batch.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        // Recorded downtime first: it extends clocks before time moves.
        for (_, _, index, input) in &batch {
            if matches!(input, model::Input::Outage(_)) {
                rec.input(at, input);
            }
            let made = decider.record_outage(at, input)?;
            keep(&mut rec, &decider, &mut steps, Some(index + 1), made);
        }
        let made = decider.advance(at)?;
        keep(&mut rec, &decider, &mut steps, None, made);
        for (_, _, index, input) in batch {
            if matches!(input, model::Input::Outage(_)) {
                continue;
            }
            rec.input(at, input);
            let made = decider.submit(at, input)?;
            keep(&mut rec, &decider, &mut steps, Some(index + 1), made);
            submitted += 1;
        }
        rec.checkpoint();
        progress(submitted);
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
    let made = decider.advance(scenario.end)?;
    keep(&mut rec, &decider, &mut steps, None, made);
    let log = rec.finish();
    let mut decisions: Vec<Decision> = Vec::new();
    let mut events: Vec<LadderEvent> = Vec::new();
    for (_, step, _) in &steps {
        match step {
            Step::Engine(d) => decisions.push(d.clone()),
            Step::Ladder(e) => events.push(e.clone()),
        }
    }

    let engine = decider.engine();
    let ladder = decider.ladder();
    let incidents = engine.incidents();
    let breaches = engine.breaches();
    let activations = ladder.activations();
    let votes = ladder.votes();
    let deadlines_missed = ladder.deadlines_missed();
    let relief = ladder.relief();
    let outcome = Outcome {
        start: scenario.start,
        decisions: &decisions,
        incidents: &incidents,
        breaches: &breaches,
        activations: &activations,
        votes: &votes,
        deadlines_missed: &deadlines_missed,
        relief: &relief,
        events: &events,
    };
    let expectations: Vec<Evaluation> = scenario
        .expectations
        .iter()
        .map(|e| evaluate(e, &outcome))
        .collect();
    let met = expectations.iter().filter(|e| e.met).count();
    let metrics = metrics(&outcome, scenario.injects.len(), inputs);
    let meta = fw.meta.as_ref();
    let report = Report {
        format: REPORT_FORMAT,
        engine_version: engine::ENGINE_VERSION.to_string(),
        framework: FrameworkRef {
            id: meta.map(|m| m.id.clone()).unwrap_or_default(),
            version: meta.map(|m| m.version.clone()).unwrap_or_default(),
            hash: fw.hash_hex(),
            amendments: scenario
                .amendments
                .iter()
                .map(|a| VersionRef {
                    file: a.file.clone(),
                    version: a.version(),
                    hash: a.framework.hash_hex(),
                })
                .collect(),
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
        activations,
        votes,
        deadlines_missed,
        relief,
        injects,
        log: LogRef {
            size: log.tree.len(),
            root: ledger::merkle::hex(&log.tree.root()),
        },
        decisions: steps
            .into_iter()
            .map(|(inject, step, log_index)| TimelineEntry {
                offset: offset(scenario.start, step_at(&step)),
                inject,
                log_index,
                step,
            })
            .collect(),
    };
    Ok((report, log))
}

/// The middle value of sorted numbers; with an even number, the mean of
/// the two middle values rounded down.
fn median(sorted: &[i64]) -> Option<i64> {
    match sorted.len() {
        0 => None,
        n if n % 2 == 1 => sorted.get(n / 2).copied(),
        n => match (sorted.get(n / 2 - 1), sorted.get(n / 2)) {
            (Some(a), Some(b)) => Some((a + b).div_euclid(2)),
            _ => None,
        },
    }
}

/// The earliest observed time of a breach's incidents.
fn first_observed(o: &Outcome<'_>, b: &Breach) -> Option<Timestamp> {
    o.incidents
        .iter()
        .filter(|i| b.incidents.contains(&i.id))
        .map(|i| i.from)
        .min()
}

fn first_actions(o: &Outcome<'_>) -> FirstActionTimes {
    let mut times: Vec<FirstActionTime> = Vec::new();
    for b in o.breaches {
        let Some(observed) = first_observed(o, b) else {
            continue;
        };
        // The first of the breach's tiers to fire with an action; ties go
        // to the earlier activation.
        let mut first: Option<(&ActivationView, Timestamp)> = None;
        for a in o.activations.iter().filter(|a| a.breach == b.id) {
            let Some(fired) = a.fired_at else { continue };
            if a.actions.is_empty() {
                continue;
            }
            if first.is_none_or(|(_, f)| fired < f) {
                first = Some((a, fired));
            }
        }
        let Some((a, fired)) = first else { continue };
        times.push(FirstActionTime {
            breach: b.id.clone(),
            trigger: b.trigger.clone(),
            tier: a.tier.clone(),
            order: a
                .actions
                .first()
                .map(|x| x.order.clone())
                .unwrap_or_default(),
            first_observed: observed,
            fired_at: fired,
            seconds: fired.seconds_since(observed),
        });
    }
    let mut seconds: Vec<i64> = times.iter().map(|t| t.seconds).collect();
    seconds.sort_unstable();
    FirstActionTimes {
        min: seconds.first().copied(),
        max: seconds.last().copied(),
        median: median(&seconds),
        breaches: times,
    }
}

fn metrics(o: &Outcome<'_>, injects: usize, inputs: usize) -> Metrics {
    let count = |f: fn(&Decision) -> bool| o.decisions.iter().filter(|d| f(d)).count();
    let mut times: Vec<CertificationTime> = o
        .breaches
        .iter()
        .filter_map(|b| {
            let certified_at = b.certified_at?;
            let first_observed = first_observed(o, b)?;
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
    let median = median(&seconds);
    let first = first_actions(o);
    let orders = o.activations.iter().map(|a| a.actions.len()).sum();
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
        activations: o.activations.len(),
        fired: o
            .activations
            .iter()
            .filter(|a| a.fired_at.is_some())
            .count(),
        votes: o.votes.len(),
        votes_not_counted: o.votes.iter().filter(|v| !v.counted).count(),
        orders,
        orders_completed: o
            .activations
            .iter()
            .flat_map(|a| a.actions.iter())
            .filter(|x| x.completed_at.is_some())
            .count(),
        deadlines_missed: o.deadlines_missed.len(),
        time_to_first_action_s: first.min,
        first_action_s: first,
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
        Decision::IncidentUncontested {
            incident, input, ..
        } => format!("incident {incident} no longer contested, once {input} joined"),
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
        Decision::Amended {
            version,
            explanation,
            ..
        } => format!("AMENDED: version {version} in force: {explanation}"),
        Decision::ObservationRetracted { explanation, .. } => {
            format!("RETRACTION: {explanation}")
        }
        Decision::BreachUpheld {
            breach,
            explanation,
            ..
        } => format!("breach {breach} UPHELD: {explanation}"),
        Decision::BreachWithdrawn { breach, reason, .. } => {
            format!("breach {breach} WITHDRAWN {reason}")
        }
    }
}

/// When a step happened.
pub fn step_at(step: &Step) -> Timestamp {
    match step {
        Step::Engine(d) => d.at(),
        Step::Ladder(e) => match e {
            LadderEvent::TierEntered { at, .. }
            | LadderEvent::NotEntered { at, .. }
            | LadderEvent::Fired { at, .. }
            | LadderEvent::Blocked { at, .. }
            | LadderEvent::Vetoed { at, .. }
            | LadderEvent::Lapsed { at, .. }
            | LadderEvent::Escalated { at, .. }
            | LadderEvent::Superseded { at, .. }
            | LadderEvent::OrderIssued { at, .. }
            | LadderEvent::OrderReported { at, .. }
            | LadderEvent::OrderCompleted { at, .. }
            | LadderEvent::DeadlineMissed { at, .. }
            | LadderEvent::VoteCounted { at, .. }
            | LadderEvent::VoteLate { at, .. }
            | LadderEvent::VoteNotCounted { at, .. }
            | LadderEvent::Attested { at, .. }
            | LadderEvent::Relieved { at, .. }
            | LadderEvent::Reimposed { at, .. }
            | LadderEvent::ClockExtended { at, .. } => *at,
        },
    }
}

/// An explanation without the framework note the ladder appends to each
/// (`… [framework `id` version v, sha256 …]`): the report header names the
/// framework once.
pub fn plain(explanation: &str) -> &str {
    for marker in [" [framework `", " [an unnamed framework"] {
        if let Some(i) = explanation.rfind(marker)
            && explanation.ends_with(']')
        {
            return explanation.get(..i).unwrap_or(explanation);
        }
    }
    explanation
}

/// A step in words, for the text timeline.
pub fn describe_step(start: Timestamp, step: &Step) -> String {
    let e = match step {
        Step::Engine(d) => return describe(start, d),
        Step::Ladder(e) => e,
    };
    let when = |t: Timestamp| format!("{t} ({})", offset(start, t));
    let party = |p: &Option<String>| {
        p.as_ref()
            .map_or_else(|| "no named party".to_string(), |p| format!("`{p}`"))
    };
    match e {
        LadderEvent::TierEntered {
            breach,
            tier,
            mode,
            deadline,
            ..
        } => {
            let clock = match (mode, deadline) {
                (Mode::Automatic, _) => String::new(),
                (Mode::SignOff, Some(d)) => {
                    format!(": votes are taken until {}", when(*d))
                }
                (Mode::ReverseVeto, Some(d)) => {
                    format!(": it fires at {} unless a qualified block stands", when(*d))
                }
                (_, None) => ": no clock".to_string(),
            };
            format!(
                "breach {breach} ENTERS tier `{tier}` ({}){clock}",
                mode_word(*mode)
            )
        }
        LadderEvent::NotEntered {
            breach,
            explanation,
            ..
        } => {
            format!("breach {breach} enters no tier: {}", plain(explanation))
        }
        LadderEvent::Fired {
            breach,
            tier,
            explanation,
            ..
        } => {
            format!("tier `{tier}` FIRED for {breach}: {}", plain(explanation))
        }
        LadderEvent::Blocked {
            breach,
            tier,
            explanation,
            ..
        } => {
            format!("tier `{tier}` BLOCKED for {breach}: {}", plain(explanation))
        }
        LadderEvent::Vetoed {
            breach,
            tier,
            explanation,
            ..
        } => {
            format!("tier `{tier}` VETOED for {breach}: {}", plain(explanation))
        }
        LadderEvent::Lapsed {
            breach,
            tier,
            explanation,
            ..
        } => {
            format!("tier `{tier}` LAPSED for {breach}: {}", plain(explanation))
        }
        LadderEvent::Escalated {
            breach,
            from,
            to,
            explanation,
            ..
        } => match from {
            Some(from) => format!(
                "breach {breach} ESCALATES from tier `{from}` to `{to}`: {}",
                plain(explanation)
            ),
            None => format!(
                "contested breach {breach} goes to sign-off in tier `{to}`: {}",
                plain(explanation)
            ),
        },
        LadderEvent::Superseded {
            breach,
            tier,
            explanation,
            ..
        } => {
            format!(
                "tier `{tier}` for {breach} superseded: {}",
                plain(explanation)
            )
        }
        LadderEvent::OrderIssued {
            order,
            party: p,
            due,
            ..
        } => match due {
            Some(d) => format!("order {order} issued to {}, due {}", party(p), when(*d)),
            None => format!("order {order} issued to {}, with no deadline", party(p)),
        },
        LadderEvent::OrderReported { explanation, .. } => {
            format!("order report: {}", plain(explanation))
        }
        LadderEvent::OrderCompleted {
            order, explanation, ..
        } => {
            format!("order {order} COMPLETED: {}", plain(explanation))
        }
        LadderEvent::DeadlineMissed {
            order, party: p, ..
        } => {
            format!(
                "DEADLINE MISSED: order {order} to {} is still open",
                party(p)
            )
        }
        LadderEvent::VoteCounted {
            input,
            breach,
            tier,
            party,
            ballot,
            explanation,
            ..
        } => format!(
            "vote counted: `{party}` `{}` on {breach}/{tier} ({input}): {}",
            ballot_word(*ballot),
            plain(explanation)
        ),
        LadderEvent::VoteLate {
            input,
            breach,
            tier,
            party,
            ballot,
            explanation,
            ..
        }
        | LadderEvent::VoteNotCounted {
            input,
            breach,
            tier,
            party,
            ballot,
            explanation,
            ..
        } => format!(
            "vote NOT COUNTED: `{party}` `{}` on {breach}/{tier} ({input}): {}",
            ballot_word(*ballot),
            plain(explanation)
        ),
        LadderEvent::ClockExtended {
            breach,
            tier,
            deadline,
            explanation,
            ..
        } => format!(
            "clock of tier `{tier}` for {breach} EXTENDED to {}: {}",
            when(*deadline),
            plain(explanation)
        ),
        LadderEvent::Attested { explanation, .. } => {
            format!("attestation: {}", plain(explanation))
        }
        LadderEvent::Relieved {
            item, explanation, ..
        } => {
            format!("relief item `{item}` RELIEVED: {}", plain(explanation))
        }
        LadderEvent::Reimposed {
            item,
            breach,
            explanation,
            ..
        } => {
            format!(
                "relief item `{item}` RE-IMPOSED by {breach}: {}",
                plain(explanation)
            )
        }
    }
}
