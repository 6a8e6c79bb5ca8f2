//! Why something did or did not happen in a run: for each breach, why it
//! was or was not certified; for each tier of the framework, why it did or
//! did not fire for that breach — the explanations the engine and the
//! ladder recorded, the votes counted and not counted with their reasons,
//! the orders and the missed deadlines. Built from a [`Report`] and its
//! framework only: nothing is decided again here, so the explanation never
//! disagrees with the run.

use std::fmt;

use base::Timestamp;
use engine::ladder::{ActivationView, MissedView, OrderView, ReliefView, VoteView};
use engine::{Breach, BreachStatus, Decision, Step};
use framework::Framework;
use framework::schema::{Escalation, EscalationWhen, Mode, Outcome, RangeEnd, Tier};
use model::{Choice, Input, InputId};
use serde::Serialize;

use crate::expect::{activation_status, mode_word};
use crate::load::Scenario;
use crate::run::{Report, ScenarioRef, plain};
use crate::time::offset;

/// What to explain.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Focus {
    /// Every breach, and every tier for each.
    #[default]
    All,
    /// One breach (engine id, `B1`), and every tier for it.
    Breach(String),
    /// One tier (framework id), for every breach.
    Tier(String),
}

/// The focus names something the run does not have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownFocus(pub String);

impl fmt::Display for UnknownFocus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UnknownFocus {}

/// The explanation of a run (`bulwark explain FRAMEWORK SCENARIO --format json`).
#[derive(Clone, Debug, Serialize)]
pub struct Explanation {
    pub scenario: ScenarioRef,
    /// `--breach`, when given.
    pub breach: Option<String>,
    /// `--tier`, when given.
    pub tier: Option<String>,
    /// Said once when there is nothing per breach to say (no breach opened).
    pub summary: String,
    pub breaches: Vec<BreachWhy>,
    /// Relief items that were attested or moved (not with `--tier` or `--breach`).
    pub relief: Vec<ReliefView>,
}

/// Why one breach was or was not certified, and what the ladder did with it.
#[derive(Clone, Debug, Serialize)]
pub struct BreachWhy {
    pub breach: String,
    pub trigger: String,
    pub status: BreachStatus,
    pub certified_at: Option<Timestamp>,
    /// Certified or not, and why, in words.
    pub why: String,
    /// The engine's own explanation of the breach (rule, thresholds, evidence).
    pub explanation: String,
    /// The engine's decisions about the breach, in order, in words.
    pub decisions: Vec<String>,
    pub tiers: Vec<TierWhy>,
}

/// Why one tier did or did not fire for one breach.
#[derive(Clone, Debug, Serialize)]
pub struct TierWhy {
    pub tier: String,
    pub level: u32,
    pub mode: Option<Mode>,
    /// The breach entered the tier (an activation exists).
    pub entered: bool,
    pub fired: bool,
    /// The activation's status (`null` when not entered).
    pub status: Option<String>,
    pub fired_at: Option<Timestamp>,
    /// Why, in words: the activation's whole explanation, or why the tier
    /// was not entered.
    pub why: String,
    /// Votes recorded on this activation, counted or not, with reasons.
    pub votes: Vec<VoteView>,
    /// Votes on this breach and tier that were refused outright (not in the
    /// electorate, no veto held, a ballot the mode does not take, no
    /// activation to vote on), with the reason.
    pub refused: Vec<Refused>,
    pub orders: Vec<OrderView>,
    pub deadlines_missed: Vec<MissedView>,
}

/// A vote refused before the ladder recorded it.
#[derive(Clone, Debug, Serialize)]
pub struct Refused {
    pub input: InputId,
    pub party: String,
    pub ballot: Choice,
    pub recorded_at: Timestamp,
    pub reason: String,
}

/// Explains a run. `--breach` or `--tier` naming nothing the run or the
/// framework has is an error that lists what there is.
pub fn explain(
    fw: &Framework,
    scenario: &Scenario,
    report: &Report,
    focus: &Focus,
) -> Result<Explanation, UnknownFocus> {
    let ids: Vec<&str> = report.breaches.iter().map(|b| b.id.as_str()).collect();
    match focus {
        Focus::Breach(b) if !ids.contains(&b.as_str()) => {
            return Err(UnknownFocus(format!(
                "no breach `{b}` in this run; its breaches: {}",
                if ids.is_empty() {
                    "none".to_string()
                } else {
                    ids.join(", ")
                }
            )));
        }
        Focus::Tier(t) if !fw.tiers.iter().any(|x| &x.id == t) => {
            let tiers: Vec<&str> = fw.tiers.iter().map(|x| x.id.as_str()).collect();
            return Err(UnknownFocus(format!(
                "the framework has no tier `{t}`; its tiers: {}",
                if tiers.is_empty() {
                    "none".to_string()
                } else {
                    tiers.join(", ")
                }
            )));
        }
        _ => {}
    }
    let mut tiers: Vec<&Tier> = fw
        .tiers
        .iter()
        .filter(|t| match focus {
            Focus::Tier(id) => &t.id == id,
            _ => true,
        })
        .collect();
    tiers.sort_by(|a, b| (a.level, &a.id).cmp(&(b.level, &b.id)));
    let breaches: Vec<BreachWhy> = report
        .breaches
        .iter()
        .filter(|b| match focus {
            Focus::Breach(id) => &b.id == id,
            _ => true,
        })
        .map(|b| breach_why(fw, scenario, report, b, &tiers))
        .collect();
    let summary = if report.breaches.is_empty() {
        let incidents: Vec<String> = report
            .incidents
            .iter()
            .map(|i| {
                format!(
                    "{} ({}, count {}–{}{})",
                    i.id,
                    i.kind,
                    i.count.low,
                    i.count.high,
                    if i.contested { ", contested" } else { "" }
                )
            })
            .collect();
        format!(
            "no breach was opened, so no tier could fire: no trigger's threshold was reached within its window. Incidents: {}",
            if incidents.is_empty() {
                "none".to_string()
            } else {
                incidents.join("; ")
            }
        )
    } else {
        let certified = report
            .breaches
            .iter()
            .filter(|b| b.certified_at.is_some())
            .count();
        let fired = report
            .activations
            .iter()
            .filter(|a| a.fired_at.is_some())
            .count();
        format!(
            "{} breach{} opened, {certified} certified; {} activation{}, {fired} fired; {} vote{} ({} not counted); {} missed deadline{}",
            report.breaches.len(),
            if report.breaches.len() == 1 { "" } else { "es" },
            report.activations.len(),
            if report.activations.len() == 1 {
                ""
            } else {
                "s"
            },
            report.votes.len(),
            if report.votes.len() == 1 { "" } else { "s" },
            report.votes.iter().filter(|v| !v.counted).count(),
            report.deadlines_missed.len(),
            if report.deadlines_missed.len() == 1 {
                ""
            } else {
                "s"
            },
        )
    };
    let relief = match focus {
        Focus::All => report
            .relief
            .iter()
            .filter(|r| r.relieved_at.is_some() || !r.attestations.is_empty())
            .cloned()
            .collect(),
        _ => Vec::new(),
    };
    Ok(Explanation {
        scenario: report.scenario.clone(),
        breach: match focus {
            Focus::Breach(b) => Some(b.clone()),
            _ => None,
        },
        tier: match focus {
            Focus::Tier(t) => Some(t.clone()),
            _ => None,
        },
        summary,
        breaches,
        relief,
    })
}

fn breach_why(
    fw: &Framework,
    scenario: &Scenario,
    report: &Report,
    b: &Breach,
    tiers: &[&Tier],
) -> BreachWhy {
    let start = report.scenario.start;
    let mut decisions = Vec::new();
    let mut certified_because = None;
    let mut escalated_because = None;
    let mut closed_because = None;
    let mut withdrawn_because = None;
    for entry in &report.decisions {
        let Step::Engine(d) = &entry.step else {
            continue;
        };
        let line = match d {
            Decision::BreachOpened {
                breach,
                at,
                explanation,
                ..
            } if breach == &b.id => {
                format!("{}: opened — {explanation}", offset(start, *at))
            }
            Decision::ReviewOpened {
                breach,
                at,
                deadline,
            } if breach == &b.id => format!(
                "{}: the evidence standard is met; the review clock runs until {}",
                offset(start, *at),
                offset(start, *deadline)
            ),
            Decision::Certified {
                breach,
                at,
                explanation,
                ..
            } if breach == &b.id => {
                certified_because = Some(explanation.clone());
                format!("{}: certified — {explanation}", offset(start, *at))
            }
            Decision::Escalated { breach, at, reason } if breach == &b.id => {
                escalated_because = Some(reason.clone());
                format!("{}: escalated to sign-off — {reason}", offset(start, *at))
            }
            Decision::Closed { breach, at, reason } if breach == &b.id => {
                closed_because = Some(reason.clone());
                format!("{}: closed — {reason}", offset(start, *at))
            }
            Decision::BreachUpheld {
                breach,
                at,
                explanation,
                ..
            } if breach == &b.id => format!("{}: upheld — {explanation}", offset(start, *at)),
            Decision::BreachWithdrawn {
                breach, at, reason, ..
            } if breach == &b.id => {
                withdrawn_because = Some(reason.clone());
                format!("{}: withdrawn — {reason}", offset(start, *at))
            }
            _ => continue,
        };
        decisions.push(line);
    }
    let why = match (b.status, b.certified_at) {
        (BreachStatus::Withdrawn, _) => format!(
            "withdrawn: it no longer stands — {}",
            withdrawn_because.as_deref().unwrap_or(&b.explanation)
        ),
        (_, Some(at)) => format!(
            "certified at {at} ({}): {}",
            offset(start, at),
            certified_because.as_deref().unwrap_or(&b.explanation)
        ),
        (BreachStatus::Escalated, None) => format!(
            "not certified: the breach is contested and went to sign-off — {}",
            escalated_because.as_deref().unwrap_or(&b.explanation)
        ),
        (BreachStatus::Closed, None) => format!(
            "not certified: closed — {}",
            closed_because.as_deref().unwrap_or(&b.explanation)
        ),
        (BreachStatus::UnderReview, None) => format!(
            "not certified by the end of the run: the evidence standard is met and the review clock runs until {}",
            b.review_deadline.map_or_else(
                || "its deadline".to_string(),
                |d| format!("{d} ({})", offset(start, d))
            )
        ),
        (_, None) => format!(
            "not certified: the threshold was crossed, but the evidence standard was never met — {}",
            b.explanation
        ),
    };
    let tiers = tiers
        .iter()
        .map(|t| tier_why(fw, scenario, report, b, t))
        .collect();
    BreachWhy {
        breach: b.id.clone(),
        trigger: b.trigger.clone(),
        status: b.status,
        certified_at: b.certified_at,
        why,
        explanation: b.explanation.clone(),
        decisions,
        tiers,
    }
}

fn tier_why(
    fw: &Framework,
    scenario: &Scenario,
    report: &Report,
    b: &Breach,
    tier: &Tier,
) -> TierWhy {
    let activation = report
        .activations
        .iter()
        .find(|a| a.breach == b.id && a.tier == tier.id);
    let votes: Vec<VoteView> = report
        .votes
        .iter()
        .filter(|v| v.breach == b.id && v.tier == tier.id)
        .cloned()
        .collect();
    let deadlines_missed: Vec<MissedView> = report
        .deadlines_missed
        .iter()
        .filter(|m| m.breach == b.id && m.tier == tier.id)
        .cloned()
        .collect();
    let (entered, why) = match activation {
        Some(a) => (true, activation_why(report, a)),
        None => (false, not_entered(fw, report, b, tier)),
    };
    TierWhy {
        tier: tier.id.clone(),
        level: tier.level,
        mode: tier.mode,
        entered,
        fired: activation.is_some_and(|a| a.fired_at.is_some()),
        status: activation.map(|a| activation_status(a.status).as_str().to_string()),
        fired_at: activation.and_then(|a| a.fired_at),
        why,
        votes,
        refused: refused(scenario, report, &b.id, &tier.id),
        orders: activation.map(|a| a.actions.clone()).unwrap_or_default(),
        deadlines_missed,
    }
}

/// The votes on (`breach`, `tier`) that were refused, with the reasons.
fn refused(scenario: &Scenario, report: &Report, breach: &str, tier: &str) -> Vec<Refused> {
    let mut out = Vec::new();
    for entry in &report.decisions {
        let Step::Engine(Decision::Rejected { at, input, reason }) = &entry.step else {
            continue;
        };
        let vote = entry
            .inject
            .and_then(|k| scenario.injects.get(k.wrapping_sub(1)))
            .into_iter()
            .flat_map(|i| i.inputs.iter())
            .find_map(|i| match i {
                Input::Vote(v) if &v.id == input => Some(v),
                _ => None,
            });
        if let Some(v) = vote.filter(|v| v.breach == breach && v.tier == tier) {
            out.push(Refused {
                input: input.clone(),
                party: input.party.to_string(),
                ballot: v.choice,
                recorded_at: *at,
                reason: reason.clone(),
            });
        }
    }
    out
}

/// An activation's own record, in words.
fn activation_why(report: &Report, a: &ActivationView) -> String {
    let start = report.scenario.start;
    let head = match (a.fired_at, activation_status(a.status).as_str()) {
        (Some(f), status) => format!("fired at {} (now {status})", offset(start, f)),
        (None, status) => format!("did not fire: {status}"),
    };
    format!("{head} — {}", plain(&a.explanation))
}

/// Why `breach` never entered `tier`.
fn not_entered(fw: &Framework, report: &Report, b: &Breach, tier: &Tier) -> String {
    let entered: Vec<&str> = report
        .activations
        .iter()
        .filter(|a| a.breach == b.id)
        .map(|a| a.tier.as_str())
        .collect();
    let trigger = fw.triggers.iter().find(|t| t.id == b.trigger);
    let entry = trigger.and_then(|t| t.tier.as_deref());
    if b.certified_at.is_none() && b.status != BreachStatus::Escalated {
        return format!(
            "not entered: breach `{}` was never certified (status {}), and no tier is entered before certification{}",
            b.id,
            breach_status_word(b.status),
            entry.map_or_else(String::new, |e| format!(
                " (on certification it would enter `{e}`)"
            ))
        );
    }
    if b.certified_at.is_none() {
        return format!(
            "not entered: breach `{}` is contested, so it goes only to sign-off (it entered {}); contested breaches never enter tiers that fire without votes",
            b.id,
            list(&entered)
        );
    }
    if entry == Some(tier.id.as_str()) {
        return format!(
            "not entered, although trigger `{}` enters it: the ladder recorded no activation",
            b.trigger
        );
    }
    // The ways into `tier`: escalation edges and clocks of other tiers.
    let mut ways: Vec<String> = Vec::new();
    for from in &fw.tiers {
        for edge in from.escalate.iter().filter(|e| e.to == tier.id) {
            ways.push(edge_why(report, b, trigger, from, edge, &entered));
        }
        let clock_to = from
            .clock
            .as_ref()
            .filter(|c| c.on_expiry == Some(Outcome::Escalate))
            .and_then(|c| c.escalate_to.as_deref());
        if clock_to == Some(tier.id.as_str()) {
            let state = report
                .activations
                .iter()
                .find(|a| a.breach == b.id && a.tier == from.id);
            ways.push(match state {
                None => format!(
                    "`{}`'s clock escalates to it when silence runs it out, but breach `{}` never entered `{}`",
                    from.id, b.id, from.id
                ),
                Some(a) => format!(
                    "`{}`'s clock escalates to it when silence runs it out, but that activation ended {}",
                    from.id,
                    activation_status(a.status).as_str()
                ),
            });
        }
    }
    let entered_words = format!(
        "trigger `{}` enters {}; breach `{}` entered {}",
        b.trigger,
        entry.map_or_else(|| "no tier".to_string(), |e| format!("`{e}`")),
        b.id,
        list(&entered)
    );
    if ways.is_empty() {
        format!(
            "not entered: no escalation edge or clock leads to `{}`; {entered_words}",
            tier.id
        )
    } else {
        format!("not entered: {entered_words}; {}", ways.join("; "))
    }
}

fn edge_why(
    report: &Report,
    b: &Breach,
    trigger: Option<&framework::schema::Trigger>,
    from: &Tier,
    edge: &Escalation,
    entered: &[&str],
) -> String {
    let rule = match edge.when {
        EscalationWhen::Repeat => format!(
            "on repeat ({} certified breaches of the trigger first observed within {})",
            edge.count.unwrap_or(2),
            edge.within
                .map_or_else(|| "an unset window".to_string(), |w| w.to_string())
        ),
        EscalationWhen::Larger => format!(
            "on a larger breach (count at least {} × the trigger's threshold)",
            edge.factor
                .map_or_else(|| "an unset factor".to_string(), |f| f.to_string())
        ),
    };
    if !entered.contains(&from.id.as_str()) {
        return format!(
            "`{}` escalates to it {rule}, but breach `{}` never entered `{}`",
            from.id, b.id, from.id
        );
    }
    let facts = match edge.when {
        EscalationWhen::Repeat => {
            let same: Vec<String> = report
                .breaches
                .iter()
                .filter(|x| x.trigger == b.trigger && x.certified_at.is_some())
                .map(|x| {
                    let observed = report
                        .incidents
                        .iter()
                        .filter(|i| x.incidents.contains(&i.id))
                        .map(|i| i.from)
                        .min();
                    match observed {
                        Some(o) => format!(
                            "`{}` first observed {}",
                            x.id,
                            offset(report.scenario.start, o)
                        ),
                        None => format!("`{}`", x.id),
                    }
                })
                .collect();
            format!(
                "certified breaches of `{}` in the run: {}",
                b.trigger,
                if same.is_empty() {
                    "none".to_string()
                } else {
                    same.join(", ")
                }
            )
        }
        EscalationWhen::Larger => {
            let high = trigger.and_then(|t| t.range_end) == Some(RangeEnd::High);
            let count = if high { b.count.high } else { b.count.low };
            match (trigger.and_then(|t| t.threshold), edge.factor) {
                (Some(threshold), Some(factor)) => format!(
                    "the count was {count} ({} end), the bar {factor} × {threshold} = {}",
                    if high { "high" } else { "low" },
                    i128::from(factor) * i128::from(threshold)
                ),
                _ => format!("the count was {count}"),
            }
        }
    };
    format!(
        "`{}` escalates to it {rule}, which did not hold: {facts}",
        from.id
    )
}

fn breach_status_word(s: BreachStatus) -> &'static str {
    match s {
        BreachStatus::Open => "open",
        BreachStatus::UnderReview => "under review",
        BreachStatus::Certified => "certified",
        BreachStatus::Escalated => "escalated",
        BreachStatus::Closed => "closed",
        BreachStatus::Withdrawn => "withdrawn",
    }
}

fn list(items: &[&str]) -> String {
    if items.is_empty() {
        "no tier".to_string()
    } else {
        items
            .iter()
            .map(|i| format!("`{i}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A tier's mode in words, for a tier that may declare none.
pub fn mode_words(m: Option<Mode>) -> &'static str {
    m.map_or("sign-off (no mode declared)", mode_word)
}
