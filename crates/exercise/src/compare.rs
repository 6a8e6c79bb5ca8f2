//! Amendment impact (`bulwark exercise --compare OLD NEW SCENARIO…`): the
//! same scenario run under two framework versions, and what changes between
//! the two reports — breaches opened or certified or not, and when; tiers
//! entered or fired, earlier or later; orders due earlier or later, missed
//! or kept; votes that count under one version and not the other;
//! expectations met under one and missed under the other.
//!
//! The two runs are independent (each a plain [`crate::run`]); this module
//! only diffs their reports. Breaches are matched by trigger and the first
//! observed time of their incidents (then by order among equals), not by
//! engine id: a breach that opens under one version only shifts the ids of
//! those after it. Everything is kept in sorted order: the same two reports
//! give the same list.

use std::collections::{BTreeMap, BTreeSet};

use base::Timestamp;
use engine::Breach;
use engine::ladder::ActivationView;
use serde::Serialize;

use crate::run::Report;
use crate::time::offset;

/// One framework version, as the comparison names it.
#[derive(Clone, Debug, Serialize)]
pub struct Side {
    /// The framework file as given.
    pub file: String,
    pub id: String,
    pub version: String,
    pub hash: String,
}

/// The amendment impact over several scenarios.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    pub old: Side,
    pub new: Side,
    pub scenarios: Vec<ScenarioChanges>,
    /// The number of changes over every scenario.
    pub changes: usize,
}

/// What changes in one scenario.
#[derive(Clone, Debug, Serialize)]
pub struct ScenarioChanges {
    pub scenario: String,
    pub title: String,
    /// Whether every expectation was met, under the old and the new version.
    pub old_passed: bool,
    pub new_passed: bool,
    pub changes: Vec<Change>,
}

/// What kind of change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// The breach opens only under the new version.
    BreachOpened,
    /// The breach opens only under the old version.
    BreachNotOpened,
    /// Certified under the new version, not under the old.
    Certified,
    /// Certified under the old version, not under the new.
    NotCertified,
    CertifiedEarlier,
    CertifiedLater,
    /// The breach enters the tier only under the new version.
    TierEntered,
    /// The breach enters the tier only under the old version.
    TierNotEntered,
    /// The tier fires only under the new version.
    TierFired,
    /// The tier fires only under the old version.
    TierNotFired,
    TierFiredEarlier,
    TierFiredLater,
    /// The tier's clock ends at another time.
    TierDeadlineEarlier,
    TierDeadlineLater,
    /// An order of a tier that fired under both is due at another time.
    OrderDueEarlier,
    OrderDueLater,
    /// The order's deadline is missed under the new version only.
    DeadlineMissed,
    /// The order's deadline is missed under the old version only.
    DeadlineKept,
    /// The vote counts under the new version, not under the old.
    VoteCounted,
    /// The vote counts under the old version, not under the new.
    VoteNotCounted,
    /// The vote is recorded (on a tier the breach entered) only under the new version.
    VoteRecorded,
    /// The vote is recorded only under the old version.
    VoteNotRecorded,
    /// The expectation is met under the new version, missed under the old.
    ExpectationMet,
    /// The expectation is met under the old version, missed under the new.
    ExpectationMissed,
}

impl ChangeKind {
    /// In words, as the text output prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::BreachOpened => "breach opened now",
            ChangeKind::BreachNotOpened => "breach no longer opened",
            ChangeKind::Certified => "certified now",
            ChangeKind::NotCertified => "no longer certified",
            ChangeKind::CertifiedEarlier => "certified earlier",
            ChangeKind::CertifiedLater => "certified later",
            ChangeKind::TierEntered => "tier entered now",
            ChangeKind::TierNotEntered => "tier no longer entered",
            ChangeKind::TierFired => "tier fires now",
            ChangeKind::TierNotFired => "tier no longer fires",
            ChangeKind::TierFiredEarlier => "tier fires earlier",
            ChangeKind::TierFiredLater => "tier fires later",
            ChangeKind::TierDeadlineEarlier => "tier clock ends earlier",
            ChangeKind::TierDeadlineLater => "tier clock ends later",
            ChangeKind::OrderDueEarlier => "order due earlier",
            ChangeKind::OrderDueLater => "order due later",
            ChangeKind::DeadlineMissed => "deadline now missed",
            ChangeKind::DeadlineKept => "deadline no longer missed",
            ChangeKind::VoteCounted => "vote counts now",
            ChangeKind::VoteNotCounted => "vote no longer counts",
            ChangeKind::VoteRecorded => "vote recorded now",
            ChangeKind::VoteNotRecorded => "vote no longer recorded",
            ChangeKind::ExpectationMet => "expectation met now",
            ChangeKind::ExpectationMissed => "expectation missed now",
        }
    }
}

/// One change between the old and the new run of a scenario.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    pub change: ChangeKind,
    /// What changed, e.g. ``B2 of `trg-missile-salvo` (first observed T+24:00)``.
    pub subject: String,
    /// The value under the old version (a time relative to the scenario's
    /// start, a status), when there is one.
    pub old: Option<String>,
    pub new: Option<String>,
}

impl Change {
    /// The change and its subject in words.
    pub fn describe(&self) -> String {
        format!("{}: {}", self.change.as_str(), self.subject)
    }

    /// The old and new values, `—` when absent.
    pub fn values(&self) -> (String, String) {
        let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".to_string());
        (show(&self.old), show(&self.new))
    }
}

/// A breach's matching key: trigger, first observed time, and the order
/// among breaches with the same two.
type Key = (i64, String, usize);

fn keyed(r: &Report) -> BTreeMap<Key, &Breach> {
    let mut out = BTreeMap::new();
    for b in &r.breaches {
        let observed = r
            .incidents
            .iter()
            .filter(|i| b.incidents.contains(&i.id))
            .map(|i| i.from.millis())
            .min()
            .unwrap_or_else(|| b.opened_at.millis());
        let mut n = 0;
        while out.contains_key(&(observed, b.trigger.clone(), n)) {
            n += 1;
        }
        out.insert((observed, b.trigger.clone(), n), b);
    }
    out
}

/// What changes from `old` to `new`, two runs of the same scenario.
pub fn changes(old: &Report, new: &Report) -> Vec<Change> {
    let start = new.scenario.start;
    let at = |t: Timestamp| offset(start, t);
    let at_opt = |t: Option<Timestamp>| t.map(|t| offset(start, t));
    let mut out: Vec<Change> = Vec::new();
    let mut push = |change, subject: &str, old: Option<String>, new: Option<String>| {
        out.push(Change {
            change,
            subject: subject.to_string(),
            old,
            new,
        });
    };
    let old_breaches = keyed(old);
    let new_breaches = keyed(new);
    let keys: BTreeSet<&Key> = old_breaches.keys().chain(new_breaches.keys()).collect();
    // Votes are matched by input; remember the breach ids on each side.
    let mut breach_names: BTreeMap<(bool, String), String> = BTreeMap::new();
    for key in keys {
        let (o, n) = (old_breaches.get(key), new_breaches.get(key));
        let id = match (o, n) {
            (Some(o), Some(n)) if o.id != n.id => format!("{} (was {})", n.id, o.id),
            (_, Some(n)) => n.id.clone(),
            (Some(o), None) => o.id.clone(),
            (None, None) => continue,
        };
        let subject = format!(
            "{id} of `{}` (first observed {})",
            key.1,
            at(Timestamp::from_millis(key.0))
        );
        if let Some(o) = o {
            breach_names.insert((false, o.id.clone()), subject.clone());
        }
        if let Some(n) = n {
            breach_names.insert((true, n.id.clone()), subject.clone());
        }
        match (o, n) {
            (None, Some(n)) => push(
                ChangeKind::BreachOpened,
                &subject,
                None,
                Some(at(n.opened_at)),
            ),
            (Some(o), None) => {
                push(
                    ChangeKind::BreachNotOpened,
                    &subject,
                    Some(at(o.opened_at)),
                    None,
                );
            }
            _ => {}
        }
        let (oc, nc) = (
            o.and_then(|b| b.certified_at),
            n.and_then(|b| b.certified_at),
        );
        let kind = match (oc, nc) {
            (None, Some(_)) => Some(ChangeKind::Certified),
            (Some(_), None) => Some(ChangeKind::NotCertified),
            (Some(a), Some(b)) if b < a => Some(ChangeKind::CertifiedEarlier),
            (Some(a), Some(b)) if b > a => Some(ChangeKind::CertifiedLater),
            _ => None,
        };
        if let Some(kind) = kind {
            push(kind, &subject, at_opt(oc), at_opt(nc));
        }
        tiers(
            &mut push,
            &subject,
            o.map(|b| activations(old, &b.id)).unwrap_or_default(),
            n.map(|b| activations(new, &b.id)).unwrap_or_default(),
            &at,
            old,
            new,
        );
    }
    let vote_subject = |side: bool, v: &engine::ladder::VoteView| {
        let breach = breach_names
            .get(&(side, v.breach.clone()))
            .cloned()
            .unwrap_or_else(|| v.breach.clone());
        format!(
            "`{}` `{}` on `{}` for {breach} ({})",
            v.party,
            crate::expect::ballot_word(v.ballot),
            v.tier,
            v.input
        )
    };
    let old_votes: BTreeMap<String, &engine::ladder::VoteView> =
        old.votes.iter().map(|v| (v.input.to_string(), v)).collect();
    let new_votes: BTreeMap<String, &engine::ladder::VoteView> =
        new.votes.iter().map(|v| (v.input.to_string(), v)).collect();
    let inputs: BTreeSet<&String> = old_votes.keys().chain(new_votes.keys()).collect();
    let word = |v: &engine::ladder::VoteView| {
        if v.counted {
            "counted".to_string()
        } else {
            format!("not counted: {}", v.reason.clone().unwrap_or_default())
        }
    };
    for input in inputs {
        match (old_votes.get(input), new_votes.get(input)) {
            (Some(o), Some(n)) if o.counted != n.counted => push(
                if n.counted {
                    ChangeKind::VoteCounted
                } else {
                    ChangeKind::VoteNotCounted
                },
                &vote_subject(true, n),
                Some(word(o)),
                Some(word(n)),
            ),
            (None, Some(n)) => {
                push(
                    ChangeKind::VoteRecorded,
                    &vote_subject(true, n),
                    None,
                    Some(word(n)),
                );
            }
            (Some(o), None) => {
                push(
                    ChangeKind::VoteNotRecorded,
                    &vote_subject(false, o),
                    Some(word(o)),
                    None,
                );
            }
            _ => {}
        }
    }
    for n in &new.expectations {
        let Some(o) = old.expectations.iter().find(|o| o.id == n.id) else {
            continue;
        };
        if o.met != n.met {
            push(
                if n.met {
                    ChangeKind::ExpectationMet
                } else {
                    ChangeKind::ExpectationMissed
                },
                &format!("`{}`", n.id),
                Some(o.detail.clone()),
                Some(n.detail.clone()),
            );
        }
    }
    out
}

fn activations<'r>(r: &'r Report, breach: &str) -> BTreeMap<String, &'r ActivationView> {
    r.activations
        .iter()
        .filter(|a| a.breach == breach)
        .map(|a| (a.tier.clone(), a))
        .collect()
}

fn tiers(
    push: &mut impl FnMut(ChangeKind, &str, Option<String>, Option<String>),
    breach: &str,
    old: BTreeMap<String, &ActivationView>,
    new: BTreeMap<String, &ActivationView>,
    at: &impl Fn(Timestamp) -> String,
    old_report: &Report,
    new_report: &Report,
) {
    let names: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for tier in names {
        let (o, n) = (old.get(tier).copied(), new.get(tier).copied());
        let subject = format!("`{tier}` for {breach}");
        match (o, n) {
            (None, Some(n)) => {
                push(
                    ChangeKind::TierEntered,
                    &subject,
                    None,
                    Some(at(n.activated_at)),
                );
            }
            (Some(o), None) => {
                push(
                    ChangeKind::TierNotEntered,
                    &subject,
                    Some(at(o.activated_at)),
                    None,
                );
            }
            _ => {}
        }
        let (of, nf) = (o.and_then(|a| a.fired_at), n.and_then(|a| a.fired_at));
        let kind = match (of, nf) {
            (None, Some(_)) => Some(ChangeKind::TierFired),
            (Some(_), None) => Some(ChangeKind::TierNotFired),
            (Some(a), Some(b)) if b < a => Some(ChangeKind::TierFiredEarlier),
            (Some(a), Some(b)) if b > a => Some(ChangeKind::TierFiredLater),
            _ => None,
        };
        if let Some(kind) = kind {
            push(kind, &subject, of.map(at), nf.map(at));
        }
        let (Some(o), Some(n)) = (o, n) else { continue };
        // Clocks: compared as durations from their start, so that a clock
        // that starts later only because the tier was entered later is not
        // reported twice.
        let length = |a: &ActivationView| a.deadline.map(|d| d.seconds_since(a.activated_at));
        if let (Some(ol), Some(nl)) = (length(o), length(n))
            && ol != nl
        {
            push(
                if nl < ol {
                    ChangeKind::TierDeadlineEarlier
                } else {
                    ChangeKind::TierDeadlineLater
                },
                &subject,
                o.deadline.map(at),
                n.deadline.map(at),
            );
        }
        let (Some(ofired), Some(nfired)) = (o.fired_at, n.fired_at) else {
            continue;
        };
        for no in &n.actions {
            let Some(oo) = o.actions.iter().find(|x| x.action == no.action) else {
                continue;
            };
            let subject = format!("`{}` of `{tier}` for {breach}", no.action);
            let due = |d: Option<Timestamp>, fired: Timestamp| d.map(|d| d.seconds_since(fired));
            if let (Some(ol), Some(nl)) = (due(oo.due, ofired), due(no.due, nfired))
                && ol != nl
            {
                push(
                    if nl < ol {
                        ChangeKind::OrderDueEarlier
                    } else {
                        ChangeKind::OrderDueLater
                    },
                    &subject,
                    oo.due.map(at),
                    no.due.map(at),
                );
            }
            let missed =
                |r: &Report, order: &str| r.deadlines_missed.iter().any(|m| m.order == order);
            let (om, nm) = (missed(old_report, &oo.order), missed(new_report, &no.order));
            if om != nm {
                let word = |m: bool, done: Option<Timestamp>| {
                    let done = done
                        .map_or_else(|| "never done".to_string(), |t| format!("done {}", at(t)));
                    format!("{}, {done}", if m { "missed" } else { "kept" })
                };
                push(
                    if nm {
                        ChangeKind::DeadlineMissed
                    } else {
                        ChangeKind::DeadlineKept
                    },
                    &subject,
                    Some(word(om, oo.completed_at)),
                    Some(word(nm, no.completed_at)),
                );
            }
        }
    }
}

/// The comparison of several scenarios' pairs of runs (old, new).
pub fn compare(old: Side, new: Side, runs: &[(Report, Report)]) -> Comparison {
    let scenarios: Vec<ScenarioChanges> = runs
        .iter()
        .map(|(o, n)| ScenarioChanges {
            scenario: n.scenario.id.clone(),
            title: n.scenario.title.clone(),
            old_passed: o.summary.passed,
            new_passed: n.summary.passed,
            changes: changes(o, n),
        })
        .collect();
    Comparison {
        old,
        new,
        changes: scenarios.iter().map(|s| s.changes.len()).sum(),
        scenarios,
    }
}

/// The side of a comparison for a run's framework.
pub fn side(file: &str, r: &Report) -> Side {
    Side {
        file: file.to_string(),
        id: r.framework.id.clone(),
        version: r.framework.version.clone(),
        hash: r.framework.hash.clone(),
    }
}
