//! Judging expectations against what the engine decided. Works on plain
//! values (decisions, incidents, breaches), so it can be tested on synthetic
//! outcomes without an engine.

use base::Timestamp;
use engine::{Breach, BreachStatus, Decision, Incident};
use model::InputId;
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
}

fn status_of(s: BreachStatus) -> Status {
    match s {
        BreachStatus::Open => Status::Open,
        BreachStatus::UnderReview => Status::UnderReview,
        BreachStatus::Certified => Status::Certified,
        BreachStatus::Escalated => Status::Escalated,
        BreachStatus::Closed => Status::Closed,
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
                });
                continue;
            }
            Decision::ReviewOpened { breach, .. } => (breach, Status::UnderReview),
            Decision::Certified { breach, .. } => (breach, Status::Certified),
            Decision::Escalated { breach, .. } => (breach, Status::Escalated),
            Decision::Closed { breach, .. } => (breach, Status::Closed),
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
                let list: Vec<String> = of.iter().map(|b| describe(o.start, b)).collect();
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
    };
    Evaluation {
        id: e.id.clone(),
        met,
        detail,
        note: e.note.clone(),
    }
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
