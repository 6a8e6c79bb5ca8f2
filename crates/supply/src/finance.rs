//! Financing: each `[[tranche]]` against the steps reported for it, totals
//! by source and currency, and which orders of the ladder are pre-funded.
//!
//! Reports are JSON lines
//! `{"tranche":"tr-windfall","step":"disbursed","amount_millions":500,"at":"2026-02-01T00:00:00Z"}`,
//! each an event: that much more was pledged, approved or disbursed then
//! (not a running total). The rules:
//!
//! - a tranche's pledged, approved and disbursed are the sums of its
//!   reports of each step, in millions of the tranche's currency; what is
//!   **left** is the tranche's amount minus what was disbursed, never
//!   below zero; disbursing more than the amount is named, and more than
//!   was approved where approvals are reported or the tranche waits on a
//!   vote (a `funded` or `appropriated` tranche needs no approval step);
//! - **totals** by source (frozen-asset windfall, EU borrowing, national
//!   budgets, other) and currency, then by currency: amounts of different
//!   currencies are never added;
//! - an order (`[[tier.action]]`) or a commitment is **pre-funded** when it
//!   names a tranche that is `funded` or `appropriated`; one paid from a
//!   tranche that is `pending_vote`, from a tranche the framework lacks, or
//!   from none, is not — it waits on a vote (or on someone naming the
//!   money). The ladder's automatic tiers are what must never wait.
//!
//! All integers; nothing here reads a file or the clock.

use std::collections::BTreeMap;

use base::Timestamp;
use framework::schema::{Commitment, FundingSource, Mode, Tier, Tranche, TrancheStatus};
use serde::{Deserialize, Serialize};

use crate::Refused;
use crate::schedule::SetAside;

/// A step of a tranche's money.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Pledged,
    Approved,
    Disbursed,
}

/// One reported step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StepReport {
    pub tranche: String,
    pub step: Step,
    pub amount_millions: i64,
    pub at: Timestamp,
    /// The line it was read from (0 when made in code).
    pub line: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Written {
    tranche: String,
    step: Step,
    amount_millions: i64,
    at: String,
}

/// Reads step reports, one JSON object a line; each bad line is refused
/// with its place.
pub fn read_reports(file: &str, bytes: &[u8]) -> (Vec<StepReport>, Vec<Refused>) {
    crate::jsonl::read(file, bytes, "a financing report", |w: Written, line| {
        if w.amount_millions < 0 {
            return Err(format!(
                "report for `{}`: a negative amount ({})",
                w.tranche, w.amount_millions
            ));
        }
        let at = Timestamp::parse(&w.at).map_err(|e| format!("report for `{}`: {e}", w.tranche))?;
        Ok(StepReport {
            tranche: w.tranche,
            step: w.step,
            amount_millions: w.amount_millions,
            at,
            line,
        })
    })
}

/// Sums of one tranche, or of a group of tranches in one currency.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Sums {
    pub amount_millions: i64,
    pub pledged_millions: i64,
    pub approved_millions: i64,
    pub disbursed_millions: i64,
    /// `amount − disbursed`, never below zero.
    pub left_millions: i64,
}

impl Sums {
    fn add(&mut self, other: &Sums) {
        self.amount_millions = self.amount_millions.saturating_add(other.amount_millions);
        self.pledged_millions = self.pledged_millions.saturating_add(other.pledged_millions);
        self.approved_millions = self
            .approved_millions
            .saturating_add(other.approved_millions);
        self.disbursed_millions = self
            .disbursed_millions
            .saturating_add(other.disbursed_millions);
        self.left_millions = self.left_millions.saturating_add(other.left_millions);
    }
}

/// One event of a tranche's series, with the running sums after it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Event {
    pub at: Timestamp,
    pub step: Step,
    pub amount_millions: i64,
    pub pledged_millions: i64,
    pub approved_millions: i64,
    pub disbursed_millions: i64,
    pub line: u32,
}

/// One tranche with its reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TrancheView {
    pub tranche: String,
    pub name: String,
    pub source: FundingSource,
    pub currency: String,
    pub status: TrancheStatus,
    pub party: Option<String>,
    #[serde(flatten)]
    pub sums: Sums,
    /// Disbursed beyond what was approved (judged where approvals were
    /// reported or the tranche waits on a vote; else 0).
    pub disbursed_beyond_approved_millions: i64,
    /// Disbursed beyond the tranche's amount.
    pub disbursed_beyond_amount_millions: i64,
    pub series: Vec<Event>,
}

/// Sums of the tranches of one source and currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceTotal {
    pub source: FundingSource,
    pub currency: String,
    pub tranches: usize,
    #[serde(flatten)]
    pub sums: Sums,
}

/// Sums of every tranche in one currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CurrencyTotal {
    pub currency: String,
    pub tranches: usize,
    #[serde(flatten)]
    pub sums: Sums,
}

/// Whether an order or commitment can be paid without a vote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "funding", rename_all = "snake_case")]
pub enum Funding {
    /// Paid from a `funded` or `appropriated` tranche.
    PreFunded {
        tranche: String,
        status: TrancheStatus,
    },
    /// Paid from a tranche that still waits on a vote.
    WaitsOnVote { tranche: String },
    /// Names a tranche the framework lacks.
    UnknownTranche { tranche: String },
    /// Names no tranche.
    NoTranche,
}

impl Funding {
    pub fn pre_funded(&self) -> bool {
        matches!(self, Funding::PreFunded { .. })
    }
}

/// An order of the ladder and how it is paid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ActionFunding {
    pub tier: String,
    pub level: u32,
    /// The tier fires with no vote.
    pub automatic: bool,
    pub action: String,
    pub measure: String,
    #[serde(flatten)]
    pub funding: Funding,
}

/// A commitment and how it is paid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CommitmentFunding {
    pub commitment: String,
    pub party: String,
    pub category: String,
    #[serde(flatten)]
    pub funding: Funding,
}

/// The financing view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    pub tranches: Vec<TrancheView>,
    /// By source, then currency.
    pub by_source: Vec<SourceTotal>,
    pub by_currency: Vec<CurrencyTotal>,
    /// Every order of the ladder, automatic tiers first (by rung), then the others.
    pub actions: Vec<ActionFunding>,
    pub commitments: Vec<CommitmentFunding>,
    pub set_aside: Vec<SetAside>,
}

fn funding(tranches: &[Tranche], named: Option<&str>) -> Funding {
    let Some(id) = named else {
        return Funding::NoTranche;
    };
    match tranches.iter().find(|t| t.id == id) {
        None => Funding::UnknownTranche { tranche: id.into() },
        Some(t) if t.status == TrancheStatus::PendingVote => {
            Funding::WaitsOnVote { tranche: id.into() }
        }
        Some(t) => Funding::PreFunded {
            tranche: id.into(),
            status: t.status,
        },
    }
}

/// The source's order in the totals.
fn source_rank(s: FundingSource) -> u8 {
    match s {
        FundingSource::FrozenAssetWindfall => 0,
        FundingSource::EuBorrowing => 1,
        FundingSource::NationalBudget => 2,
        FundingSource::Other => 3,
    }
}

/// Judges the tranches against `reports` and the ladder's funding.
pub fn judge(
    tranches: &[Tranche],
    tiers: &[Tier],
    commitments: &[Commitment],
    reports: &[StepReport],
) -> Report {
    let mut events: BTreeMap<&str, Vec<&StepReport>> = BTreeMap::new();
    let mut set_aside = Vec::new();
    for r in reports {
        if tranches.iter().any(|t| t.id == r.tranche) {
            events.entry(&r.tranche).or_default().push(r);
        } else {
            set_aside.push(SetAside {
                id: r.tranche.clone(),
                line: r.line,
                reason: format!("the framework has no `[[tranche]]` `{}`", r.tranche),
            });
        }
    }
    let views: Vec<TrancheView> = tranches
        .iter()
        .map(|t| {
            let mut mine = events.remove(t.id.as_str()).unwrap_or_default();
            mine.sort_by_key(|r| (r.at, r.line));
            let approvals = mine.iter().any(|r| r.step == Step::Approved);
            let mut sums = Sums {
                amount_millions: t.amount_millions,
                ..Sums::default()
            };
            let series = mine
                .iter()
                .map(|r| {
                    let slot = match r.step {
                        Step::Pledged => &mut sums.pledged_millions,
                        Step::Approved => &mut sums.approved_millions,
                        Step::Disbursed => &mut sums.disbursed_millions,
                    };
                    *slot = slot.saturating_add(r.amount_millions);
                    Event {
                        at: r.at,
                        step: r.step,
                        amount_millions: r.amount_millions,
                        pledged_millions: sums.pledged_millions,
                        approved_millions: sums.approved_millions,
                        disbursed_millions: sums.disbursed_millions,
                        line: r.line,
                    }
                })
                .collect();
            sums.left_millions = t
                .amount_millions
                .saturating_sub(sums.disbursed_millions)
                .max(0);
            TrancheView {
                tranche: t.id.clone(),
                name: t.name.clone(),
                source: t.source,
                currency: t.currency.clone(),
                status: t.status,
                party: t.party.clone(),
                // A funded or appropriated tranche needs no approval to be
                // spent: only judged when approvals were reported, or the
                // tranche still waits on its vote.
                disbursed_beyond_approved_millions: if approvals
                    || t.status == TrancheStatus::PendingVote
                {
                    sums.disbursed_millions
                        .saturating_sub(sums.approved_millions)
                        .max(0)
                } else {
                    0
                },
                disbursed_beyond_amount_millions: sums
                    .disbursed_millions
                    .saturating_sub(t.amount_millions)
                    .max(0),
                sums,
                series,
            }
        })
        .collect();
    let mut by_source: BTreeMap<(u8, String), SourceTotal> = BTreeMap::new();
    let mut by_currency: BTreeMap<String, CurrencyTotal> = BTreeMap::new();
    for v in &views {
        let s = by_source
            .entry((source_rank(v.source), v.currency.clone()))
            .or_insert_with(|| SourceTotal {
                source: v.source,
                currency: v.currency.clone(),
                tranches: 0,
                sums: Sums::default(),
            });
        s.tranches += 1;
        s.sums.add(&v.sums);
        let c = by_currency
            .entry(v.currency.clone())
            .or_insert_with(|| CurrencyTotal {
                currency: v.currency.clone(),
                tranches: 0,
                sums: Sums::default(),
            });
        c.tranches += 1;
        c.sums.add(&v.sums);
    }
    let mut actions: Vec<ActionFunding> = tiers
        .iter()
        .flat_map(|tier| {
            tier.actions.iter().map(move |a| ActionFunding {
                tier: tier.id.clone(),
                level: tier.level,
                automatic: tier.mode == Some(Mode::Automatic),
                action: a.id.clone(),
                measure: a.measure.clone(),
                funding: funding(tranches, a.tranche.as_deref()),
            })
        })
        .collect();
    actions.sort_by_key(|a| (!a.automatic, a.level));
    let commitments = commitments
        .iter()
        .map(|c| CommitmentFunding {
            commitment: c.id.clone(),
            party: c.party.clone(),
            category: c.category.clone(),
            funding: funding(tranches, c.tranche.as_deref()),
        })
        .collect();
    Report {
        tranches: views,
        by_source: by_source.into_values().collect(),
        by_currency: by_currency.into_values().collect(),
        actions,
        commitments,
        set_aside,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn tranche(id: &str, source: &str, amount: i64, currency: &str, status: &str) -> Tranche {
        toml::from_str(&format!(
            "id = \"{id}\"\nsource = \"{source}\"\namount_millions = {amount}\ncurrency = \"{currency}\"\nstatus = \"{status}\"\n"
        ))
        .unwrap()
    }

    fn report(tranche: &str, step: Step, amount: i64, at: &str, line: u32) -> StepReport {
        StepReport {
            tranche: tranche.into(),
            step,
            amount_millions: amount,
            at: Timestamp::parse(at).unwrap(),
            line,
        }
    }

    fn ladder() -> Vec<Tier> {
        let text = r#"
[[tier]]
id = "t2"
level = 2
mode = "sign_off"
action = [{ id = "later", kind = "deployment", measure = "deploy", tranche = "pending" }]

[[tier]]
id = "t1"
level = 1
mode = "automatic"
action = [
  { id = "paid", kind = "resupply", measure = "release shells", tranche = "windfall" },
  { id = "vote", kind = "resupply", measure = "release missiles", tranche = "pending" },
  { id = "none", kind = "financial", measure = "freeze" },
  { id = "typo", kind = "financial", measure = "freeze more", tranche = "windfal" },
]
"#;
        #[derive(Deserialize)]
        struct Doc {
            tier: Vec<Tier>,
        }
        toml::from_str::<Doc>(text).unwrap().tier
    }

    #[test]
    fn steps_add_up_per_tranche_with_what_is_left() {
        let ts = [tranche(
            "windfall",
            "frozen_asset_windfall",
            1000,
            "EUR",
            "funded",
        )];
        let rs = [
            report("windfall", Step::Disbursed, 300, "2026-03-01T00:00:00Z", 3),
            report("windfall", Step::Approved, 400, "2026-02-01T00:00:00Z", 2),
            report("windfall", Step::Pledged, 1000, "2026-01-01T00:00:00Z", 1),
            report("windfall", Step::Disbursed, 200, "2026-04-01T00:00:00Z", 4),
            report("nowhere", Step::Pledged, 1, "2026-01-01T00:00:00Z", 5),
        ];
        let r = judge(&ts, &[], &[], &rs);
        let v = &r.tranches[0];
        assert_eq!(
            v.sums,
            Sums {
                amount_millions: 1000,
                pledged_millions: 1000,
                approved_millions: 400,
                disbursed_millions: 500,
                left_millions: 500
            }
        );
        assert_eq!(v.disbursed_beyond_approved_millions, 100);
        assert_eq!(v.disbursed_beyond_amount_millions, 0);
        let lines: Vec<u32> = v.series.iter().map(|e| e.line).collect();
        assert_eq!(lines, [1, 2, 3, 4]);
        assert_eq!(v.series[2].disbursed_millions, 300);
        assert_eq!(r.set_aside[0].line, 5);
        // Appropriated money needs no approval step; pending money does.
        let ts = [
            tranche("law", "national_budget", 100, "USD", "appropriated"),
            tranche("vote", "eu_borrowing", 100, "EUR", "pending_vote"),
        ];
        let rs = [
            report("law", Step::Disbursed, 60, "2026-01-01T00:00:00Z", 1),
            report("vote", Step::Disbursed, 60, "2026-01-01T00:00:00Z", 2),
        ];
        let r = judge(&ts, &[], &[], &rs);
        assert_eq!(r.tranches[0].disbursed_beyond_approved_millions, 0);
        assert_eq!(r.tranches[1].disbursed_beyond_approved_millions, 60);
    }

    #[test]
    fn totals_never_add_currencies() {
        let ts = [
            tranche("a", "national_budget", 100, "EUR", "funded"),
            tranche("b", "national_budget", 50, "GBP", "funded"),
            tranche("c", "national_budget", 10, "EUR", "appropriated"),
            tranche("d", "eu_borrowing", 1000, "EUR", "pending_vote"),
            tranche("e", "frozen_asset_windfall", 7, "EUR", "funded"),
        ];
        let r = judge(&ts, &[], &[], &[]);
        let by_source: Vec<(FundingSource, &str, i64)> = r
            .by_source
            .iter()
            .map(|s| (s.source, s.currency.as_str(), s.sums.amount_millions))
            .collect();
        assert_eq!(
            by_source,
            [
                (FundingSource::FrozenAssetWindfall, "EUR", 7),
                (FundingSource::EuBorrowing, "EUR", 1000),
                (FundingSource::NationalBudget, "EUR", 110),
                (FundingSource::NationalBudget, "GBP", 50),
            ]
        );
        let by_currency: Vec<(&str, i64, usize)> = r
            .by_currency
            .iter()
            .map(|c| (c.currency.as_str(), c.sums.amount_millions, c.tranches))
            .collect();
        assert_eq!(by_currency, [("EUR", 1117, 4), ("GBP", 50, 1)]);
    }

    #[test]
    fn an_order_from_a_pending_tranche_or_none_is_not_pre_funded() {
        let ts = [
            tranche("windfall", "frozen_asset_windfall", 1000, "EUR", "funded"),
            tranche("pending", "eu_borrowing", 1000, "EUR", "pending_vote"),
        ];
        let r = judge(&ts, &ladder(), &[], &[]);
        let got: Vec<(&str, bool, bool)> = r
            .actions
            .iter()
            .map(|a| (a.action.as_str(), a.automatic, a.funding.pre_funded()))
            .collect();
        assert_eq!(
            got,
            [
                ("paid", true, true),
                ("vote", true, false),
                ("none", true, false),
                ("typo", true, false),
                ("later", false, false),
            ]
        );
        assert_eq!(
            r.actions[1].funding,
            Funding::WaitsOnVote {
                tranche: "pending".into()
            }
        );
        assert_eq!(r.actions[2].funding, Funding::NoTranche);
        assert_eq!(
            r.actions[3].funding,
            Funding::UnknownTranche {
                tranche: "windfal".into()
            }
        );
    }

    #[test]
    fn bad_lines_are_located_and_steps_are_a_closed_list() {
        let text = b"{\"tranche\":\"a\",\"step\":\"pledged\",\"amount_millions\":5,\"at\":\"2026-01-01T00:00:00Z\"}\n\
{\"tranche\":\"a\",\"step\":\"promised\",\"amount_millions\":5,\"at\":\"2026-01-01T00:00:00Z\"}\n\
{\"tranche\":\"a\",\"step\":\"pledged\",\"amount_millions\":-5,\"at\":\"2026-01-01T00:00:00Z\"}\n\
{\"tranche\":\"a\",\"step\":\"pledged\",\"amount_millions\":5.5,\"at\":\"2026-01-01T00:00:00Z\"}\n";
        let (rs, refused) = read_reports("f.jsonl", text);
        assert_eq!(rs.len(), 1);
        let lines: Vec<u32> = refused.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 3, 4]);
        assert!(refused[0].reason.contains("promised"));
    }
}
