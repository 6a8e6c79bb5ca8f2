//! Judging expectations against what the engine decided. Works on plain
//! values (decisions, incidents, breaches, the ladder's views), so it can be
//! tested on synthetic outcomes without an engine.

use base::Timestamp;
use engine::ladder::{
    ActivationStatus, ActivationView, LadderEvent, MissedView, OrderView, ReliefStatus, ReliefView,
    VoteView,
};
use engine::{Breach, BreachStatus, Decision, Incident};
use framework::schema::Mode;
use model::{Choice, InputId};
use serde::Serialize;

use crate::load::{Check, Expectation, IncidentRef};
use crate::schema::Status;
use crate::time::offset;

/// What a run produced, as expectations see it.
#[derive(Clone, Copy, Debug)]
pub struct Outcome<'a> {
    pub start: Timestamp,
    pub decisions: &'a [Decision],
    /// The engine's incidents at the end of the run.
    pub incidents: &'a [Incident],
    /// The engine's breaches at the end of the run.
    pub breaches: &'a [Breach],
    /// The ladder's activations at the end of the run, in order of activation.
    pub activations: &'a [ActivationView],
    /// Every vote the ladder recorded, in order of recording.
    pub votes: &'a [VoteView],
    /// Every order that was open past its deadline.
    pub deadlines_missed: &'a [MissedView],
    /// Every relief item at the end of the run.
    pub relief: &'a [ReliefView],
    /// Every decision of the ladder, in order.
    pub events: &'a [LadderEvent],
}

/// An outcome of the engine alone (no ladder), for tests and tools that
/// judge only breaches and incidents.
impl<'a> Outcome<'a> {
    pub fn engine_only(
        start: Timestamp,
        decisions: &'a [Decision],
        incidents: &'a [Incident],
        breaches: &'a [Breach],
    ) -> Outcome<'a> {
        Outcome {
            start,
            decisions,
            incidents,
            breaches,
            activations: &[],
            votes: &[],
            deadlines_missed: &[],
            relief: &[],
            events: &[],
        }
    }
}

/// An activation's status as an expectation names it.
pub fn activation_status(s: ActivationStatus) -> Status {
    match s {
        ActivationStatus::Fired => Status::Fired,
        ActivationStatus::AwaitingVotes => Status::AwaitingVotes,
        ActivationStatus::PendingBlockWindow => Status::PendingBlockWindow,
        ActivationStatus::Blocked => Status::Blocked,
        ActivationStatus::Vetoed => Status::Vetoed,
        ActivationStatus::Lapsed => Status::Lapsed,
        ActivationStatus::Escalated => Status::Escalated,
        ActivationStatus::Relieved => Status::Relieved,
        ActivationStatus::Reimposed => Status::Reimposed,
        ActivationStatus::Superseded => Status::Superseded,
        ActivationStatus::Completed => Status::Completed,
    }
}

/// A relief item's status as an expectation names it.
pub fn relief_status(s: ReliefStatus) -> Status {
    match s {
        ReliefStatus::InForce => Status::InForce,
        ReliefStatus::Relieved => Status::Relieved,
        ReliefStatus::Reimposed => Status::Reimposed,
    }
}

/// A ballot as the wire format writes it.
pub fn ballot_word(c: Choice) -> &'static str {
    match c {
        Choice::For => "for",
        Choice::Against => "against",
        Choice::Veto => "veto",
        Choice::Block => "block",
        Choice::Withdraw => "withdraw",
    }
}

/// A tier's mode in words.
pub fn mode_word(m: Mode) -> &'static str {
    match m {
        Mode::Automatic => "automatic",
        Mode::ReverseVeto => "reverse veto",
        Mode::SignOff => "sign-off",
    }
}

/// One expectation, judged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    pub id: String,
    pub met: bool,
    /// What was expected and what happened, in words.
    pub detail: String,
    /// The author's reason for the expectation.
    pub note: String,
}

/// A breach as it stood at some time.
#[derive(Clone, Debug)]
struct Seen {
    id: String,
    trigger: String,
    opened_at: Timestamp,
    certified_at: Option<Timestamp>,
    status: Status,
    accumulated: Option<bool>,
    /// The framework version it binds to (unknown as of a past time).
    version: Option<String>,
}

fn status_of(s: BreachStatus) -> Status {
    match s {
        BreachStatus::Open => Status::Open,
        BreachStatus::UnderReview => Status::UnderReview,
        BreachStatus::Certified => Status::Certified,
        BreachStatus::Escalated => Status::Escalated,
        BreachStatus::Closed => Status::Closed,
        BreachStatus::Withdrawn => Status::Withdrawn,
    }
}

/// The breaches at the end, from the engine's own view.
fn at_end(breaches: &[Breach]) -> Vec<Seen> {
    breaches
        .iter()
        .map(|b| Seen {
            id: b.id.clone(),
            trigger: b.trigger.clone(),
            opened_at: b.opened_at,
            certified_at: b.certified_at,
            status: status_of(b.status),
            accumulated: Some(b.accumulated),
            version: Some(b.framework_version.clone()),
        })
        .collect()
}

/// The breaches as they stood after every decision recorded at or before `t`.
fn as_of(decisions: &[Decision], t: Timestamp) -> Vec<Seen> {
    let mut seen: Vec<Seen> = Vec::new();
    for d in decisions.iter().filter(|d| d.at() <= t) {
        let (breach, status) = match d {
            Decision::BreachOpened {
                at,
                breach,
                trigger,
                ..
            } => {
                seen.push(Seen {
                    id: breach.clone(),
                    trigger: trigger.clone(),
                    opened_at: *at,
                    certified_at: None,
                    status: Status::Open,
                    accumulated: None,
                    version: None,
                });
                continue;
            }
            Decision::ReviewOpened { breach, .. } => (breach, Status::UnderReview),
            Decision::Certified { breach, .. } => (breach, Status::Certified),
            Decision::Escalated { breach, .. } => (breach, Status::Escalated),
            Decision::Closed { breach, .. } => (breach, Status::Closed),
            Decision::BreachWithdrawn { breach, .. } => (breach, Status::Withdrawn),
            _ => continue,
        };
        if let Some(s) = seen.iter_mut().find(|s| &s.id == breach) {
            s.status = status;
            if status == Status::Certified && s.certified_at.is_none() {
                s.certified_at = Some(d.at());
            }
        }
    }
    seen
}

/// Judges one expectation.
pub fn evaluate(e: &Expectation, o: &Outcome<'_>) -> Evaluation {
    let (met, detail) = match &e.check {
        Check::Breach {
            trigger,
            opened,
            opened_by,
            certified,
            certified_by,
            status,
            accumulated,
            version,
            as_of: when,
        } => {
            let all = match when {
                Some(t) => as_of(o.decisions, *t),
                None => at_end(o.breaches),
            };
            let of: Vec<&Seen> = all.iter().filter(|b| &b.trigger == trigger).collect();
            let mut expected: Vec<String> = Vec::new();
            let mut met = true;
            if *opened == Some(false) {
                expected.push(format!("no breach of `{trigger}` opened"));
                met = of.is_empty();
            } else {
                let mut wanted: Vec<String> = Vec::new();
                if *certified == Some(false) {
                    expected.push(format!("no breach of `{trigger}` certified"));
                    met &= of
                        .iter()
                        .all(|b| b.certified_at.is_none() && b.status != Status::Certified);
                    if let Some(s) = status {
                        expected.push(format!("every breach of `{trigger}` {}", s.as_str()));
                        met &= !of.is_empty() && of.iter().all(|b| b.status == *s);
                    }
                } else if let Some(s) = status {
                    wanted.push(format!("with status {}", s.as_str()));
                }
                if *opened == Some(true) {
                    wanted.push("opened".into());
                }
                if let Some(t) = opened_by {
                    wanted.push(format!("opened by {}", offset(o.start, *t)));
                }
                if *certified == Some(true) {
                    wanted.push("certified".into());
                }
                if let Some(t) = certified_by {
                    wanted.push(format!("certified by {}", offset(o.start, *t)));
                }
                if let Some(a) = accumulated {
                    wanted.push(if *a {
                        "opened by accumulated sub-threshold incidents".into()
                    } else {
                        "not by accumulation".into()
                    });
                }
                if let Some(v) = version {
                    wanted.push(format!("bound to framework version {v}"));
                }
                if !wanted.is_empty() {
                    expected.push(format!("a breach of `{trigger}` {}", wanted.join(", ")));
                    let status_wanted = if *certified == Some(false) {
                        None
                    } else {
                        *status
                    };
                    met &= of.iter().any(|b| {
                        opened_by.is_none_or(|t| b.opened_at <= t)
                            && certified_by.is_none_or(|t| b.certified_at.is_some_and(|c| c <= t))
                            && (*certified != Some(true) || b.certified_at.is_some())
                            && status_wanted.is_none_or(|s| b.status == s)
                            && accumulated.is_none_or(|a| b.accumulated == Some(a))
                            && version
                                .as_ref()
                                .is_none_or(|v| b.version.as_ref() == Some(v))
                    });
                }
            }
            let scope = match when {
                Some(t) => format!(" as of {}", offset(o.start, *t)),
                None => String::new(),
            };
            let happened = if of.is_empty() {
                format!("no breach of `{trigger}` was opened{scope}")
            } else {
                let list: Vec<String> = of
                    .iter()
                    .map(|b| match (version, &b.version) {
                        (Some(_), Some(v)) => {
                            format!("{} (framework version {v})", describe(o.start, b))
                        }
                        _ => describe(o.start, b),
                    })
                    .collect();
                format!("{}{scope}", list.join("; "))
            };
            (
                met,
                format!("expected {}{scope}; {happened}", expected.join(" and ")),
            )
        }
        Check::Breaches { trigger, count } => {
            let of: Vec<&Breach> = o
                .breaches
                .iter()
                .filter(|b| trigger.as_ref().is_none_or(|t| &b.trigger == t))
                .collect();
            let which = match trigger {
                Some(t) => format!(" of `{t}`"),
                None => String::new(),
            };
            let ids: Vec<&str> = of.iter().map(|b| b.id.as_str()).collect();
            (
                of.len() == *count as usize,
                format!(
                    "expected {} breach{}{which}; there {} {}{}",
                    count,
                    plural(*count as usize, "es"),
                    if of.len() == 1 { "was" } else { "were" },
                    of.len(),
                    listed(&ids)
                ),
            )
        }
        Check::Incidents { kind, count } => {
            let of: Vec<&Incident> = o
                .incidents
                .iter()
                .filter(|i| kind.as_ref().is_none_or(|k| &i.kind == k))
                .collect();
            let which = match kind {
                Some(k) => format!(" of kind `{k}`"),
                None => String::new(),
            };
            let ids: Vec<&str> = of.iter().map(|i| i.id.as_str()).collect();
            (
                of.len() == *count as usize,
                format!(
                    "expected {} incident{}{which}; there {} {}{}",
                    count,
                    plural(*count as usize, "s"),
                    if of.len() == 1 { "was" } else { "were" },
                    of.len(),
                    listed(&ids)
                ),
            )
        }
        Check::Incident {
            which,
            count_low,
            count_high,
            contested,
        } => {
            let (name, found) = match which {
                IncidentRef::Id(id) => (
                    format!("incident `{id}`"),
                    o.incidents.iter().find(|i| &i.id == id),
                ),
                IncidentRef::Of(input) => (
                    format!("the incident of `{input}`"),
                    o.incidents
                        .iter()
                        .find(|i| i.sources.iter().any(|s| &s.input == input)),
                ),
            };
            let mut wanted = Vec::new();
            match (count_low, count_high) {
                (Some(l), Some(h)) => wanted.push(format!("to count {l}–{h}")),
                (Some(l), None) => wanted.push(format!("to count at least {l} (low end)")),
                (None, Some(h)) => wanted.push(format!("to count at most {h} (high end)")),
                (None, None) => {}
            }
            if let Some(c) = contested {
                wanted.push(if *c {
                    "contested".into()
                } else {
                    "not contested".into()
                });
            }
            let expected = format!("expected {name} {}", wanted.join(", "));
            match found {
                None => (false, format!("{expected}; there is no such incident")),
                Some(i) => {
                    let met = count_low.is_none_or(|l| i.count.low == l)
                        && count_high.is_none_or(|h| i.count.high == h)
                        && contested.is_none_or(|c| i.contested == c);
                    let mut what = format!(
                        "{} ({}) counts {}–{}, {}",
                        i.id,
                        i.kind,
                        i.count.low,
                        i.count.high,
                        if i.contested {
                            "contested"
                        } else {
                            "not contested"
                        }
                    );
                    if !i.contest_reasons.is_empty() {
                        what.push_str(&format!(" ({})", i.contest_reasons.join("; ")));
                    }
                    (met, format!("{expected}; {what}"))
                }
            }
        }
        Check::Rejected {
            input,
            reason_contains,
        } => {
            let rejection = o.decisions.iter().find_map(|d| match d {
                Decision::Rejected {
                    at,
                    input: i,
                    reason,
                } if i == input => Some((*at, reason)),
                _ => None,
            });
            let expected = match reason_contains {
                Some(r) => format!("expected `{input}` rejected, the reason mentioning \"{r}\""),
                None => format!("expected `{input}` rejected"),
            };
            match rejection {
                Some((at, reason)) => {
                    let met = reason_contains
                        .as_ref()
                        .is_none_or(|r| reason.to_lowercase().contains(&r.to_lowercase()));
                    (
                        met,
                        format!(
                            "{expected}; it was rejected at {}: {reason}",
                            offset(o.start, at)
                        ),
                    )
                }
                None => (
                    false,
                    format!("{expected}; {}", fate(o.start, o.decisions, input)),
                ),
            }
        }
        Check::Duplicate { input } => {
            let found = o.decisions.iter().find_map(|d| match d {
                Decision::Duplicate { at, input: i } if i == input => Some(*at),
                _ => None,
            });
            let expected = format!("expected `{input}` absorbed as a duplicate");
            match found {
                Some(at) => (
                    true,
                    format!("{expected}; it was, at {}", offset(o.start, at)),
                ),
                None => (
                    false,
                    format!("{expected}; {}", fate(o.start, o.decisions, input)),
                ),
            }
        }
        Check::Accepted { input } => {
            let found = o.decisions.iter().find_map(|d| match d {
                Decision::Accepted { at, input: i } if i == input => Some(*at),
                _ => None,
            });
            let expected = format!("expected `{input}` accepted");
            match found {
                Some(at) => (
                    true,
                    format!("{expected}; it was, at {}", offset(o.start, at)),
                ),
                None => (
                    false,
                    format!("{expected}; {}", fate(o.start, o.decisions, input)),
                ),
            }
        }
        Check::Tier { .. } => judge_tier(o, &e.check),
        Check::Vote {
            input,
            counted,
            reason_contains,
        } => {
            let mut wanted = Vec::new();
            match counted {
                Some(true) => wanted.push("counted".to_string()),
                Some(false) => wanted.push("not counted".to_string()),
                None => wanted.push("recorded".to_string()),
            }
            if let Some(r) = reason_contains {
                wanted.push(format!("the reason mentioning \"{r}\""));
            }
            let expected = format!("expected vote `{input}` {}", wanted.join(", "));
            match o.votes.iter().find(|v| &v.input == input) {
                None => (
                    false,
                    format!(
                        "{expected}; the ladder recorded no such vote: {}",
                        fate(o.start, o.decisions, input)
                    ),
                ),
                Some(v) => {
                    let met = counted.is_none_or(|c| v.counted == c)
                        && reason_contains.as_ref().is_none_or(|r| {
                            v.reason.as_ref().is_some_and(|reason| {
                                reason.to_lowercase().contains(&r.to_lowercase())
                            })
                        });
                    (met, format!("{expected}; {}", describe_vote(o.start, v)))
                }
            }
        }
        Check::Order {
            order,
            completed,
            completed_by,
            missed,
        } => {
            let mut wanted = Vec::new();
            match completed {
                Some(true) => wanted.push("completed".to_string()),
                Some(false) => wanted.push("not completed".to_string()),
                None => {}
            }
            if let Some(t) = completed_by {
                wanted.push(format!("completed by {}", offset(o.start, *t)));
            }
            match missed {
                Some(true) => wanted.push("its deadline missed".to_string()),
                Some(false) => wanted.push("its deadline not missed".to_string()),
                None => {}
            }
            let expected = format!("expected order `{order}` {}", wanted.join(", "));
            let found = o
                .activations
                .iter()
                .flat_map(|a| a.actions.iter())
                .find(|a| &a.order == order);
            match found {
                None => (false, format!("{expected}; no such order was issued")),
                Some(a) => {
                    let was_missed = o.deadlines_missed.iter().any(|m| &m.order == order);
                    let met = completed.is_none_or(|c| a.completed_at.is_some() == c)
                        && completed_by.is_none_or(|t| a.completed_at.is_some_and(|c| c <= t))
                        && missed.is_none_or(|m| was_missed == m);
                    (
                        met,
                        format!("{expected}; {}", describe_order(o.start, a, was_missed)),
                    )
                }
            }
        }
        Check::DeadlinesMissed { breach, count } => {
            let of: Vec<&str> = o
                .deadlines_missed
                .iter()
                .filter(|m| breach.as_ref().is_none_or(|b| &m.breach == b))
                .map(|m| m.order.as_str())
                .collect();
            let which = match breach {
                Some(b) => format!(" of breach `{b}`"),
                None => String::new(),
            };
            (
                of.len() == *count as usize,
                format!(
                    "expected {} missed deadline{}{which}; there {} {}{}",
                    count,
                    plural(*count as usize, "s"),
                    if of.len() == 1 { "was" } else { "were" },
                    of.len(),
                    listed(&of)
                ),
            )
        }
        Check::Relief {
            item,
            status,
            relieved_by,
            reimposed_by,
            as_of,
        } => {
            let mut wanted = Vec::new();
            if let Some(s) = status {
                wanted.push(format!("with status {}", s.as_str()));
            }
            if let Some(t) = relieved_by {
                wanted.push(format!("relieved by {}", offset(o.start, *t)));
            }
            if let Some(t) = reimposed_by {
                wanted.push(format!("re-imposed by {}", offset(o.start, *t)));
            }
            if let Some(t) = as_of {
                wanted.push(format!("as of {}", offset(o.start, *t)));
            }
            let expected = format!("expected relief item `{item}` {}", wanted.join(", "));
            match o.relief.iter().find(|r| &r.item == item) {
                None => (false, format!("{expected}; the ladder has no such item")),
                Some(r) => {
                    let now = match as_of {
                        Some(t) => relief_as_of(o.events, item, *t),
                        None => relief_status(r.status),
                    };
                    let met = status.is_none_or(|s| now == s)
                        && relieved_by.is_none_or(|t| r.relieved_at.is_some_and(|at| at <= t))
                        && reimposed_by.is_none_or(|t| r.reimposed_at.is_some_and(|at| at <= t));
                    let mut what = match as_of {
                        Some(t) => format!(
                            "`{item}` was {} as of {} and is {} at the end",
                            now.as_str(),
                            offset(o.start, *t),
                            relief_status(r.status).as_str()
                        ),
                        None => format!("`{item}` is {}", now.as_str()),
                    };
                    if let Some(at) = r.relieved_at {
                        what.push_str(&format!(", relieved at {}", offset(o.start, at)));
                    }
                    if let Some(at) = r.reimposed_at {
                        what.push_str(&format!(", re-imposed at {}", offset(o.start, at)));
                    }
                    what.push_str(&format!(" ({})", r.explanation));
                    (met, format!("{expected}; {what}"))
                }
            }
        }
    };
    Evaluation {
        id: e.id.clone(),
        met,
        detail,
        note: e.note.clone(),
    }
}

/// A relief item's status as of `t`, from the ladder's events.
fn relief_as_of(events: &[LadderEvent], item: &str, t: Timestamp) -> Status {
    let mut status = Status::InForce;
    for e in events {
        match e {
            LadderEvent::Relieved { at, item: i, .. } if i == item && *at <= t => {
                status = Status::Relieved;
            }
            LadderEvent::Reimposed { at, item: i, .. } if i == item && *at <= t => {
                status = Status::Reimposed;
            }
            _ => {}
        }
    }
    status
}

/// Judges a `tier` expectation.
fn judge_tier(o: &Outcome<'_>, check: &Check) -> (bool, String) {
    let Check::Tier {
        tier,
        breach,
        trigger,
        entered,
        fired,
        fired_by,
        status,
        as_of,
    } = check
    else {
        return (false, String::new());
    };
    let (tier, breach, trigger) = (tier.as_str(), breach.as_deref(), trigger.as_deref());
    let (entered, fired, fired_by, status, as_of) = (*entered, *fired, *fired_by, *status, *as_of);
    // As of a time: activations entered by then, fired only if by then.
    let by = |t: Timestamp| as_of.is_none_or(|a| t <= a);
    let trigger_of = |b: &str| {
        o.breaches
            .iter()
            .find(|x| x.id == b)
            .map(|x| x.trigger.as_str())
    };
    let of: Vec<&ActivationView> = o
        .activations
        .iter()
        .filter(|a| a.tier == tier)
        .filter(|a| breach.is_none_or(|b| a.breach == b))
        .filter(|a| trigger.is_none_or(|t| trigger_of(&a.breach) == Some(t)))
        .filter(|a| by(a.activated_at))
        .collect();
    let fired_at = |a: &ActivationView| a.fired_at.filter(|f| by(*f));
    let mut scope = match (breach, trigger) {
        (Some(b), Some(t)) => format!(" for breach `{b}` (of `{t}`)"),
        (Some(b), None) => format!(" for breach `{b}`"),
        (None, Some(t)) => format!(" for a breach of `{t}`"),
        (None, None) => String::new(),
    };
    if scope.is_empty() && entered != Some(false) && fired != Some(false) {
        scope = " for some breach".into();
    }
    let mut expected: Vec<String> = Vec::new();
    let met = if entered == Some(false) {
        expected.push(format!("tier `{tier}` not entered{scope}"));
        of.is_empty()
    } else if fired == Some(false) {
        expected.push(format!("tier `{tier}` never fired{scope}"));
        let mut met = of.iter().all(|a| fired_at(a).is_none());
        if let Some(s) = status {
            expected.push(format!("every activation of it {}", s.as_str()));
            met &= !of.is_empty() && of.iter().all(|a| activation_status(a.status) == s);
        }
        met
    } else {
        let mut wanted: Vec<String> = Vec::new();
        if entered == Some(true) {
            wanted.push("entered".into());
        }
        if fired == Some(true) {
            wanted.push("fired".into());
        }
        if let Some(t) = fired_by {
            wanted.push(format!("fired by {}", offset(o.start, t)));
        }
        if let Some(s) = status {
            wanted.push(format!("with status {}", s.as_str()));
        }
        expected.push(format!("tier `{tier}`{scope} {}", wanted.join(", ")));
        of.iter().any(|a| {
            (fired != Some(true) || fired_at(a).is_some())
                && fired_by.is_none_or(|t| a.fired_at.is_some_and(|f| f <= t))
                && status.is_none_or(|s| activation_status(a.status) == s)
        })
    };
    let when = match as_of {
        Some(t) => format!(" as of {}", offset(o.start, t)),
        None => String::new(),
    };
    let happened = if of.is_empty() {
        format!(
            "no breach{} entered tier `{tier}`{when}",
            match (breach, trigger) {
                (Some(b), _) => format!(" `{b}`"),
                (None, Some(t)) => format!(" of `{t}`"),
                (None, None) => String::new(),
            }
        )
    } else {
        of.iter()
            .map(|a| describe_activation(o.start, a))
            .collect::<Vec<_>>()
            .join("; ")
    };
    (
        met,
        format!("expected {}{when}; {happened}", expected.join(" and ")),
    )
}

/// An activation in words: `B1/t1-rails (automatic) entered at T+03:00, fired at T+03:00, status completed`.
pub fn describe_activation(start: Timestamp, a: &ActivationView) -> String {
    let mut out = format!(
        "{}/{} ({}) entered at {}",
        a.breach,
        a.tier,
        mode_word(a.mode),
        offset(start, a.activated_at)
    );
    if let Some(d) = a.deadline {
        out.push_str(&format!(", deadline {}", offset(start, d)));
    }
    if let Some(f) = a.fired_at {
        out.push_str(&format!(", fired at {}", offset(start, f)));
    }
    out.push_str(&format!(
        ", status {}",
        activation_status(a.status).as_str()
    ));
    out
}

/// A vote in words.
fn describe_vote(start: Timestamp, v: &VoteView) -> String {
    let mut out = format!(
        "`{}` voted `{}` on {}/{} at {}",
        v.party,
        ballot_word(v.ballot),
        v.breach,
        v.tier,
        offset(start, v.recorded_at)
    );
    match (&v.reason, v.counted) {
        (_, true) => out.push_str(", counted"),
        (Some(r), false) => out.push_str(&format!(", not counted: {r}")),
        (None, false) => out.push_str(", not counted"),
    }
    out
}

/// An order in words.
fn describe_order(start: Timestamp, a: &OrderView, missed: bool) -> String {
    let mut out = format!(
        "`{}` to {}",
        a.order,
        a.party
            .as_ref()
            .map_or_else(|| "no named party".to_string(), |p| format!("`{p}`"))
    );
    match a.due {
        Some(d) => out.push_str(&format!(", due {}", offset(start, d))),
        None => out.push_str(", no deadline"),
    }
    match a.completed_at {
        Some(c) => out.push_str(&format!(", completed at {}", offset(start, c))),
        None => out.push_str(", not completed"),
    }
    if missed {
        out.push_str(", deadline missed");
    }
    out
}

fn describe(start: Timestamp, b: &Seen) -> String {
    let mut out = format!("{} was opened at {}", b.id, offset(start, b.opened_at));
    if b.accumulated == Some(true) {
        out.push_str(" by accumulation");
    }
    match b.certified_at {
        Some(c) => out.push_str(&format!(", certified at {}", offset(start, c))),
        None => out.push_str(", not certified"),
    }
    out.push_str(&format!(", status {}", b.status.as_str()));
    out
}

/// What became of an input, in words.
fn fate(start: Timestamp, decisions: &[Decision], input: &InputId) -> String {
    let mut said: Vec<String> = Vec::new();
    for d in decisions {
        match d {
            Decision::Accepted { at, input: i } if i == input => {
                said.push(format!("it was accepted at {}", offset(start, *at)));
            }
            Decision::Duplicate { at, input: i } if i == input => {
                said.push(format!(
                    "it was absorbed as a duplicate at {}",
                    offset(start, *at)
                ));
            }
            Decision::Rejected {
                at,
                input: i,
                reason,
            } if i == input => {
                said.push(format!(
                    "it was rejected at {}: {reason}",
                    offset(start, *at)
                ));
            }
            _ => {}
        }
    }
    if said.is_empty() {
        "the engine made no decision about it".into()
    } else {
        said.join("; ")
    }
}

fn plural(n: usize, suffix: &str) -> &str {
    if n == 1 { "" } else { suffix }
}

fn listed(ids: &[&str]) -> String {
    if ids.is_empty() {
        String::new()
    } else {
        format!(" ({})", ids.join(", "))
    }
}
