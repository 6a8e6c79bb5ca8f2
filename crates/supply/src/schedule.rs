//! A framework's `[[commitment]]` schedules against delivery receipts.
//!
//! A schedule step `{ day = 60, quantity = 130000 }` says: by day 60 after
//! entry into force, 130 000 delivered in all. Receipts say what arrived,
//! on which day, and whether the receiving party confirmed it; they come
//! from the delivery chains of [`crate::chain::Book::deliveries`] (a
//! confirmed receipt per shipment received, an unconfirmed one per
//! shipment shipped and not yet received). The rules:
//!
//! - only confirmed receipts count as delivered; unconfirmed ones are
//!   listed as pending;
//! - a receipt id seen twice counts once (the first); the second is named;
//! - a receipt for a commitment the framework lacks is refused;
//! - receipts after the day judged (`as of`) are not counted yet;
//! - a step is met on the first day the cumulative confirmed quantity
//!   reaches it; its slip is that day minus the step's day (late when
//!   positive); a step past due and not met is short, overdue by the days
//!   since it fell due;
//! - the shortfall at a day is what the schedule made due by then minus
//!   what was delivered by then, never below zero; delivering more than
//!   committed is reported as over-delivery.

use std::collections::{BTreeMap, BTreeSet};

use framework::schema::Commitment;
use serde::Serialize;

/// One receipt, as judged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Delivery {
    /// The receipt's own id: the same id twice is one receipt.
    pub id: String,
    /// The `[[commitment]]` id it delivers against.
    pub commitment: String,
    /// How many units arrived (the commitment's unit).
    pub quantity: i64,
    /// Day after entry into force on which it arrived.
    pub day: u32,
    /// Whether the receiving party confirmed it. Only confirmed receipts count.
    pub confirmed: bool,
    /// The line it was read from (0 when made in code).
    pub line: u32,
}

/// The day after `in_force` on which `at` falls, counting a started day as
/// a day: 29½ days after entry into force is day 30, in time for a step of
/// day 30; the moment of entry into force is day 0.
pub fn day_of(at: base::Timestamp, in_force: base::Timestamp) -> Result<u32, String> {
    let seconds = at.millis().saturating_sub(in_force.millis());
    if seconds < 0 {
        return Err(format!(
            "`{at}` is before the entry into force ({in_force})"
        ));
    }
    let day = (seconds + 86_399_999) / 86_400_000;
    u32::try_from(day).map_err(|_| format!("`{at}` is too far after the entry into force"))
}

/// How one schedule step stands on the day judged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum StepStatus {
    /// Reached on or before its day (`slip_days` ≤ 0: early by that much).
    OnTime { reached_day: u32, slip_days: i64 },
    /// Reached after its day.
    Late { reached_day: u32, slip_days: i64 },
    /// Past due and not reached: `overdue_days` since it fell due.
    Short { missing: i64, overdue_days: i64 },
    /// Not due yet and not reached.
    NotYetDue,
}

/// One schedule step judged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    pub day: u32,
    /// Cumulative quantity due by `day`.
    pub due: i64,
    /// Cumulative confirmed quantity delivered by `day`.
    pub delivered_by_day: i64,
    #[serde(flatten)]
    pub status: StepStatus,
}

/// One commitment judged on the day `as_of`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Judged {
    pub commitment: String,
    pub party: String,
    pub category: String,
    pub unit: String,
    /// Total committed.
    pub quantity: i64,
    /// Due by `as_of` under the schedule.
    pub due: i64,
    /// Confirmed and arrived by `as_of`.
    pub delivered: i64,
    /// `due − delivered`, never below zero.
    pub shortfall: i64,
    /// Delivered beyond the total committed.
    pub over_delivered: i64,
    /// Delivered ÷ committed, basis points.
    pub delivered_share_bp: Option<i64>,
    /// Unconfirmed receipts arrived by `as_of`: not counted.
    pub pending: i64,
    pub steps: Vec<Step>,
}

/// A party's commitments of one category and unit, summed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Rollup {
    pub party: String,
    pub category: String,
    pub unit: String,
    pub quantity: i64,
    pub due: i64,
    pub delivered: i64,
    pub shortfall: i64,
}

/// Every commitment at one schedule day (30, 60, 90 …).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Period {
    pub day: u32,
    /// Commitments with a step on that day.
    pub commitments_due: usize,
    /// Whether the day has come (it is not after the day judged).
    pub judged: bool,
    /// Of those, the ones not met by that day (late or still short), with
    /// what was missing on that day; none before the day has come.
    pub short: Vec<PeriodShortfall>,
}

/// A commitment short at a period's day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PeriodShortfall {
    pub commitment: String,
    pub party: String,
    pub category: String,
    pub unit: String,
    /// Cumulative due by the period's day.
    pub due: i64,
    /// Confirmed and arrived by the period's day.
    pub delivered: i64,
    /// `due − delivered`.
    pub shortfall: i64,
}

/// A receipt set aside, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SetAside {
    pub id: String,
    pub line: u32,
    pub reason: String,
}

/// The framework's commitments judged on one day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The day judged, after entry into force.
    pub as_of: u32,
    pub commitments: Vec<Judged>,
    /// By party, then category and unit.
    pub by_party_category: Vec<Rollup>,
    pub periods: Vec<Period>,
    /// Duplicates, unknown commitments, receipts after the day judged.
    pub set_aside: Vec<SetAside>,
}

/// The day a report is judged on by default: the last scheduled day.
pub fn last_day(commitments: &[Commitment]) -> u32 {
    commitments
        .iter()
        .flat_map(|c| c.schedule.iter().map(|s| s.day))
        .max()
        .unwrap_or(0)
}

/// Judges `commitments` against `deliveries` on day `as_of`.
pub fn judge(commitments: &[Commitment], deliveries: &[Delivery], as_of: u32) -> Report {
    let known: BTreeSet<&str> = commitments.iter().map(|c| c.id.as_str()).collect();
    let mut seen: BTreeMap<&str, u32> = BTreeMap::new();
    let mut set_aside = Vec::new();
    // commitment → (day → confirmed quantity), and pending totals.
    let mut arrived: BTreeMap<&str, BTreeMap<u32, i64>> = BTreeMap::new();
    let mut pending: BTreeMap<&str, i64> = BTreeMap::new();
    for d in deliveries {
        if let Some(first) = seen.get(d.id.as_str()) {
            set_aside.push(SetAside {
                id: d.id.clone(),
                line: d.line,
                reason: format!("receipt id seen before (line {first}): counted once"),
            });
            continue;
        }
        seen.insert(&d.id, d.line);
        if !known.contains(d.commitment.as_str()) {
            set_aside.push(SetAside {
                id: d.id.clone(),
                line: d.line,
                reason: format!("the framework has no commitment `{}`", d.commitment),
            });
            continue;
        }
        if d.day > as_of {
            set_aside.push(SetAside {
                id: d.id.clone(),
                line: d.line,
                reason: format!(
                    "arrives on day {}, after day {as_of}: not counted yet",
                    d.day
                ),
            });
            continue;
        }
        if d.confirmed {
            let slot = arrived
                .entry(&d.commitment)
                .or_default()
                .entry(d.day)
                .or_default();
            *slot = slot.saturating_add(d.quantity);
        } else {
            let slot = pending.entry(&d.commitment).or_default();
            *slot = slot.saturating_add(d.quantity);
        }
    }
    let empty = BTreeMap::new();
    let mut judged = Vec::new();
    for c in commitments {
        let days = arrived.get(c.id.as_str()).unwrap_or(&empty);
        let by = |day: u32| -> i64 {
            days.range(..=day)
                .fold(0i64, |t, (_, q)| t.saturating_add(*q))
        };
        let reached = |target: i64| -> Option<u32> {
            let mut total = 0i64;
            days.iter().find_map(|(day, q)| {
                total = total.saturating_add(*q);
                (total >= target).then_some(*day)
            })
        };
        let mut schedule = c.schedule.clone();
        schedule.sort_by_key(|s| s.day);
        let steps: Vec<Step> = schedule
            .iter()
            .map(|s| {
                let status = match reached(s.quantity) {
                    Some(r) => {
                        let slip = i64::from(r) - i64::from(s.day);
                        if slip <= 0 {
                            StepStatus::OnTime {
                                reached_day: r,
                                slip_days: slip,
                            }
                        } else {
                            StepStatus::Late {
                                reached_day: r,
                                slip_days: slip,
                            }
                        }
                    }
                    None if s.day <= as_of => StepStatus::Short {
                        missing: s.quantity.saturating_sub(by(as_of)).max(0),
                        overdue_days: i64::from(as_of) - i64::from(s.day),
                    },
                    None => StepStatus::NotYetDue,
                };
                Step {
                    day: s.day,
                    due: s.quantity,
                    delivered_by_day: by(s.day),
                    status,
                }
            })
            .collect();
        let due = schedule
            .iter()
            .filter(|s| s.day <= as_of)
            .map(|s| s.quantity)
            .max()
            .unwrap_or(0);
        let delivered = by(as_of);
        judged.push(Judged {
            commitment: c.id.clone(),
            party: c.party.clone(),
            category: c.category.clone(),
            unit: c.unit.clone(),
            quantity: c.quantity,
            due,
            delivered,
            shortfall: due.saturating_sub(delivered).max(0),
            over_delivered: delivered.saturating_sub(c.quantity).max(0),
            delivered_share_bp: crate::share_bp(delivered, c.quantity),
            pending: pending.get(c.id.as_str()).copied().unwrap_or(0),
            steps,
        });
    }
    let mut rollups: BTreeMap<(&str, &str, &str), Rollup> = BTreeMap::new();
    for j in &judged {
        let r = rollups
            .entry((&j.party, &j.category, &j.unit))
            .or_insert_with(|| Rollup {
                party: j.party.clone(),
                category: j.category.clone(),
                unit: j.unit.clone(),
                quantity: 0,
                due: 0,
                delivered: 0,
                shortfall: 0,
            });
        r.quantity = r.quantity.saturating_add(j.quantity);
        r.due = r.due.saturating_add(j.due);
        r.delivered = r.delivered.saturating_add(j.delivered);
        r.shortfall = r.shortfall.saturating_add(j.shortfall);
    }
    let mut periods: BTreeMap<u32, Period> = BTreeMap::new();
    for j in &judged {
        for s in &j.steps {
            let p = periods.entry(s.day).or_insert_with(|| Period {
                day: s.day,
                judged: s.day <= as_of,
                commitments_due: 0,
                short: Vec::new(),
            });
            p.commitments_due += 1;
            if matches!(s.status, StepStatus::Late { .. } | StepStatus::Short { .. }) {
                p.short.push(PeriodShortfall {
                    commitment: j.commitment.clone(),
                    party: j.party.clone(),
                    category: j.category.clone(),
                    unit: j.unit.clone(),
                    due: s.due,
                    delivered: s.delivered_by_day,
                    shortfall: s.due.saturating_sub(s.delivered_by_day).max(0),
                });
            }
        }
    }
    let by_party_category: Vec<Rollup> = rollups.into_values().collect();
    Report {
        as_of,
        commitments: judged,
        by_party_category,
        periods: periods.into_values().collect(),
        set_aside,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use framework::schema::ScheduleStep;

    fn commitment(id: &str, party: &str, quantity: i64, steps: &[(u32, i64)]) -> Commitment {
        let text = format!(
            "id = \"{id}\"\nparty = \"{party}\"\ncategory = \"interceptors\"\nquantity = {quantity}\nunit = \"missiles\"\n"
        );
        let mut c: Commitment = toml::from_str(&text).unwrap();
        c.schedule = steps
            .iter()
            .map(|(day, quantity)| ScheduleStep {
                day: *day,
                quantity: *quantity,
            })
            .collect();
        c
    }

    fn receipt(id: &str, commitment: &str, quantity: i64, day: u32, confirmed: bool) -> Delivery {
        Delivery {
            id: id.into(),
            commitment: commitment.into(),
            quantity,
            day,
            confirmed,
            line: 0,
        }
    }

    fn statuses(j: &Judged) -> Vec<StepStatus> {
        j.steps.iter().map(|s| s.status.clone()).collect()
    }

    const STEPS: [(u32, i64); 3] = [(30, 30), (60, 60), (90, 90)];

    #[test]
    fn on_time_late_and_never() {
        let cs = [
            commitment("on-time", "us", 90, &STEPS),
            commitment("late", "de", 90, &STEPS),
            commitment("never", "fr", 90, &STEPS),
        ];
        let ds = [
            receipt("a", "on-time", 30, 25, true),
            receipt("b", "on-time", 60, 60, true),
            receipt("c", "late", 30, 41, true),
            receipt("d", "late", 30, 70, true),
        ];
        let r = judge(&cs, &ds, 90);
        assert_eq!(
            statuses(&r.commitments[0]),
            [
                StepStatus::OnTime {
                    reached_day: 25,
                    slip_days: -5
                },
                StepStatus::OnTime {
                    reached_day: 60,
                    slip_days: 0
                },
                StepStatus::OnTime {
                    reached_day: 60,
                    slip_days: -30
                },
            ]
        );
        assert_eq!(r.commitments[0].shortfall, 0);
        assert_eq!(
            statuses(&r.commitments[1]),
            [
                StepStatus::Late {
                    reached_day: 41,
                    slip_days: 11
                },
                StepStatus::Late {
                    reached_day: 70,
                    slip_days: 10
                },
                StepStatus::Short {
                    missing: 30,
                    overdue_days: 0
                },
            ]
        );
        assert_eq!(
            (
                r.commitments[1].due,
                r.commitments[1].delivered,
                r.commitments[1].shortfall
            ),
            (90, 60, 30)
        );
        assert_eq!(r.commitments[1].delivered_share_bp, Some(6667));
        let late = judge(&cs, &ds, 60);
        assert!(late.periods[2].short.is_empty() && !late.periods[2].judged);
        assert_eq!(r.commitments[2].shortfall, 90);
        let short: Vec<(&str, i64)> = r.periods[1]
            .short
            .iter()
            .map(|p| (p.commitment.as_str(), p.shortfall))
            .collect();
        assert_eq!(short, [("late", 30), ("never", 60)]);
        assert_eq!(
            r.by_party_category
                .iter()
                .map(|x| x.party.as_str())
                .collect::<Vec<_>>(),
            ["de", "fr", "us"]
        );
    }

    #[test]
    fn the_day_judged_decides_what_is_due() {
        let cs = [commitment("c", "us", 90, &STEPS)];
        let ds = [
            receipt("a", "c", 20, 10, true),
            receipt("b", "c", 70, 50, true),
        ];
        let r = judge(&cs, &ds, 45);
        let j = &r.commitments[0];
        assert_eq!((j.due, j.delivered, j.shortfall), (30, 20, 10));
        assert_eq!(
            statuses(j)[0],
            StepStatus::Short {
                missing: 10,
                overdue_days: 15
            }
        );
        assert_eq!(statuses(j)[1], StepStatus::NotYetDue);
        assert_eq!(r.set_aside.len(), 1);
        assert!(r.set_aside[0].reason.contains("after day 45"));
    }

    #[test]
    fn over_delivery_duplicates_unconfirmed_and_unknown() {
        let cs = [commitment("c", "us", 90, &STEPS)];
        let ds = [
            receipt("a", "c", 100, 5, true),
            receipt("a", "c", 100, 6, true),
            receipt("b", "c", 40, 7, false),
            receipt("x", "nope", 1, 1, true),
        ];
        let r = judge(&cs, &ds, 90);
        let j = &r.commitments[0];
        assert_eq!(
            (j.delivered, j.over_delivered, j.pending, j.shortfall),
            (100, 10, 40, 0)
        );
        assert_eq!(j.delivered_share_bp, Some(11_111));
        let why: Vec<&str> = r.set_aside.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(why, ["a", "x"]);
        assert!(r.set_aside[0].reason.contains("counted once"));
    }

    #[test]
    fn only_unconfirmed_is_still_short() {
        let cs = [commitment("c", "us", 90, &STEPS)];
        let r = judge(&cs, &[receipt("a", "c", 90, 1, false)], 90);
        assert_eq!(r.commitments[0].shortfall, 90);
        assert_eq!(r.commitments[0].pending, 90);
    }

    #[test]
    fn times_become_days_after_entry_into_force() {
        let start = base::Timestamp::parse("2026-01-01T00:00:00Z").unwrap();
        let day = |at: &str| day_of(base::Timestamp::parse(at).unwrap(), start);
        assert_eq!(day("2026-01-01T00:00:00Z"), Ok(0));
        assert_eq!(day("2026-01-30T12:00:00Z"), Ok(30));
        assert_eq!(day("2026-01-31T00:00:00.001Z"), Ok(31));
        assert!(
            day("2025-12-31T23:00:00Z")
                .unwrap_err()
                .contains("before the entry into force")
        );
    }
}
