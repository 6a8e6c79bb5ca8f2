//! Days of supply: each `[[stock]]` line projected day by day against its
//! alert floor, with and without the deliveries still promised.
//!
//! Days count after entry into force, as in [`crate::schedule`]; a day's
//! stock is what is left at its end. The rules:
//!
//! - **Start.** The last stock report of the line's category on or before
//!   the day viewed (`from`); without one, the line's `on_hand` on day 0. A
//!   report counts everything that arrived up to and including its day.
//! - **Receipts.** Confirmed receipts (a receipt id counted once, the first)
//!   for commitments of the line's category *and unit*, arriving after the
//!   start and on or before `from`, are added on their day. Receipts after
//!   `from` are not known yet and are set aside.
//! - **Promised deliveries** (the *with promised* curve only): each step of
//!   those commitments falling due after `from` adds, on its day, what it
//!   makes due beyond what was due or delivered by `from`. A step already
//!   missed by `from` is *not* assumed to arrive: it is an arrear, a
//!   missing delivery. The *without promised* curve counts no future
//!   delivery at all.
//! - **Consumption.** Each day uses `per_day`, or `surge_per_day` on the
//!   `surge_days` days starting with each certified breach's day. The stock
//!   never goes below zero.
//! - **Days of supply** on a day = stock ÷ that day's consumption, rounded
//!   down. Below the floor means `stock < floor_days × consumption`.
//! - **Alert**: the first day of the view a curve is below its floor, and
//!   every later day it goes below again after recovering. Its reasons are
//!   what, taken away, would leave the curve at or above its floor that
//!   day: the surge of the breaches, the arrears (missing deliveries), the
//!   promised deliveries not counted (on the *without* curve); when no
//!   single one does, those that do together; when nothing does, normal
//!   consumption.
//!
//! All integers; nothing here reads a file or the clock.

use std::collections::{BTreeMap, BTreeSet};

use framework::schema::{Commitment, Stock};
use serde::{Deserialize, Serialize};

use crate::Refused;
use crate::schedule::{Delivery, SetAside, day_of};

/// The longest projection, in days.
pub const HORIZON_DAYS_MAX: u32 = 3650;
/// The latest day a view or a stock report may name: a hundred years
/// after entry into force. (Each day between the start and the end of a
/// view is simulated, so a day of four billion would take hours.)
pub const DAY_MAX: u32 = 36_525;
/// The projection's length when none is asked for, in days.
pub const HORIZON_DAYS_DEFAULT: u32 = 90;
/// The most breach times one projection takes.
pub const BREACHES_MAX: usize = 1000;
/// The most alerts one curve reports (the first ones).
pub const ALERTS_PER_CURVE_MAX: usize = 32;

/// A reported stock level.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StockReport {
    /// The `[[stock]]` category it reports.
    pub category: String,
    pub on_hand: i64,
    /// Day after entry into force.
    pub day: u32,
    /// The line it was read from (0 when made in code).
    pub line: u32,
}

/// A stock report as written: a `day`, or an RFC 3339 time `at`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Written {
    category: String,
    on_hand: i64,
    #[serde(default)]
    day: Option<u32>,
    #[serde(default)]
    at: Option<String>,
}

/// Reads stock reports, one JSON object a line:
/// `{"category":"155mm","on_hand":410000,"at":"2026-02-10T00:00:00Z"}`
/// (or `"day":40`). A time needs `in_force`; a started day counts as a
/// day ([`day_of`]). Each bad line is refused with its place.
pub fn read_reports(
    file: &str,
    bytes: &[u8],
    in_force: Option<base::Timestamp>,
) -> (Vec<StockReport>, Vec<Refused>) {
    crate::jsonl::read(file, bytes, "a stock report", |w: Written, line| {
        if w.on_hand < 0 {
            return Err(format!(
                "stock report for `{}`: a negative `on_hand` ({})",
                w.category, w.on_hand
            ));
        }
        let day = to_day(w.day, w.at.as_deref(), in_force)
            .and_then(|day| {
                if day > DAY_MAX {
                    Err(format!(
                        "day {day} is more than {DAY_MAX} days (a hundred years) after entry into force"
                    ))
                } else {
                    Ok(day)
                }
            })
            .map_err(|why| format!("stock report for `{}`: {why}", w.category))?;
        Ok(StockReport {
            category: w.category,
            on_hand: w.on_hand,
            day,
            line,
        })
    })
}

/// A `day`, or a time `at` counted from `in_force`.
pub fn to_day(
    day: Option<u32>,
    at: Option<&str>,
    in_force: Option<base::Timestamp>,
) -> Result<u32, String> {
    match (day, at, in_force) {
        (Some(d), None, _) => Ok(d),
        (None, Some(at), Some(start)) => base::Timestamp::parse(at).and_then(|t| day_of(t, start)),
        (None, Some(_), None) => {
            Err("`at` needs the entry into force to count days from (`--in-force`)".to_string())
        }
        (Some(_), Some(_), _) => Err("give `day` or `at`, not both".to_string()),
        (None, None, _) => Err("no `day` and no `at`: when was it?".to_string()),
    }
}

/// What a projection is asked.
#[derive(Clone, Copy, Debug)]
pub struct Ask<'a> {
    pub stocks: &'a [Stock],
    pub commitments: &'a [Commitment],
    pub reports: &'a [StockReport],
    pub deliveries: &'a [Delivery],
    /// Days of certified breaches: each starts a surge.
    pub breach_days: &'a [u32],
    /// The day the view is taken ("today"; capped at [`DAY_MAX`]).
    pub from: u32,
    /// How many days after `from` to project (capped at [`HORIZON_DAYS_MAX`]).
    pub horizon_days: u32,
}

/// The two curves of a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Curve {
    /// Counting the deliveries the schedules still promise.
    WithPromised,
    /// Counting no delivery after the day viewed.
    WithoutPromised,
}

impl Curve {
    pub fn words(self) -> &'static str {
        match self {
            Curve::WithPromised => "with promised deliveries",
            Curve::WithoutPromised => "without promised deliveries",
        }
    }
}

/// One day of a curve.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Point {
    pub day: u32,
    /// Left at the end of the day.
    pub stock: i64,
    /// Used that day.
    pub consumption: i64,
    /// `stock ÷ consumption`, rounded down; none when nothing is used.
    pub days_of_supply: Option<i64>,
    /// Arrived that day (receipts, and promised steps on the *with* curve).
    pub arrived: i64,
    /// Whether a surge was on.
    pub surge: bool,
    /// Whether the stock is below its floor.
    pub below_floor: bool,
}

/// A commitment behind its schedule on the day viewed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Arrear {
    pub commitment: String,
    /// Due by the day viewed.
    pub due: i64,
    /// Confirmed and arrived by then.
    pub delivered: i64,
    /// `due − delivered`: not assumed to arrive.
    pub missing: i64,
}

/// Why a curve went below its floor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Reason {
    /// Without the surges of these breaches (their days), it would not be.
    Surge { breach_days: Vec<u32> },
    /// With the arrears delivered on the day viewed, it would not be.
    MissingDelivery { arrears: Vec<Arrear> },
    /// With the promised deliveries counted, it would not be.
    PromisedNotCounted { promised_by_then: i64 },
    /// Consumption at the normal rate outruns the stock and what is
    /// delivered: nothing above explains it.
    NormalConsumption,
}

/// A curve crossing below its floor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Alert {
    pub category: String,
    pub unit: String,
    pub curve: Curve,
    /// The day it goes below.
    pub day: u32,
    /// The stock then.
    pub stock: i64,
    pub days_of_supply: Option<i64>,
    pub floor_days: u32,
    /// Below already on the day viewed (no crossing inside the view).
    pub already_below: bool,
    /// Whether the reasons only do it together.
    pub together: bool,
    pub reasons: Vec<Reason>,
}

/// Where a line's projection starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Start {
    pub day: u32,
    pub on_hand: i64,
    /// The stock report's line, or none for the framework's `on_hand`.
    pub report_line: Option<u32>,
}

/// One `[[stock]]` line projected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Line {
    pub stock: String,
    pub category: String,
    pub unit: String,
    pub per_day: i64,
    pub surge_per_day: i64,
    pub surge_days: u32,
    pub floor_days: u32,
    pub start: Start,
    /// The commitments that replenish it (same category and unit).
    pub commitments: Vec<String>,
    /// Commitments of the category counted in another unit: not used.
    pub other_units: Vec<String>,
    /// Confirmed receipts counted between the start and the day viewed.
    pub received: i64,
    /// Steps missed by the day viewed.
    pub arrears: Vec<Arrear>,
    /// What the schedules still promise within the view.
    pub promised: i64,
    pub with_promised: Vec<Point>,
    pub without_promised: Vec<Point>,
    pub alerts: Vec<Alert>,
}

/// Every line projected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Projection {
    /// The day viewed.
    pub from: u32,
    /// The last day projected.
    pub to: u32,
    /// The breach days used, sorted, each once.
    pub breach_days: Vec<u32>,
    pub lines: Vec<Line>,
    /// Reports and receipts not used, and why.
    pub set_aside: Vec<SetAside>,
}

/// The default day viewed: the last stock report's day, else 0.
pub fn default_from(reports: &[StockReport]) -> u32 {
    reports.iter().map(|r| r.day).max().unwrap_or(0)
}

/// Projects every stock line.
pub fn project(ask: &Ask<'_>) -> Projection {
    let from = ask.from.min(DAY_MAX);
    let to = from.saturating_add(ask.horizon_days.min(HORIZON_DAYS_MAX));
    let mut breach_days: Vec<u32> = ask.breach_days.to_vec();
    breach_days.sort_unstable();
    breach_days.dedup();
    breach_days.truncate(BREACHES_MAX);
    let mut set_aside = Vec::new();

    let categories: BTreeSet<&str> = ask.stocks.iter().map(|s| s.category.as_str()).collect();
    // category → the last report on or before `from` (a later line wins a tie).
    let mut last: BTreeMap<&str, &StockReport> = BTreeMap::new();
    for r in ask.reports {
        if !categories.contains(r.category.as_str()) {
            set_aside.push(SetAside {
                id: r.category.clone(),
                line: r.line,
                reason: format!(
                    "the framework has no `[[stock]]` of category `{}`",
                    r.category
                ),
            });
        } else if r.day > from {
            set_aside.push(SetAside {
                id: r.category.clone(),
                line: r.line,
                reason: format!("stock report of day {}, after day {from}: not used", r.day),
            });
        } else if last.get(r.category.as_str()).is_none_or(|l| l.day <= r.day) {
            last.insert(&r.category, r);
        }
    }

    // Receipts: the first of each id, confirmed, known, not after `from`.
    let known: BTreeMap<&str, &Commitment> =
        ask.commitments.iter().map(|c| (c.id.as_str(), c)).collect();
    let mut seen = BTreeSet::new();
    let mut receipts: Vec<&Delivery> = Vec::new();
    for d in ask.deliveries {
        if !seen.insert(d.id.as_str()) || !known.contains_key(d.commitment.as_str()) {
            continue; // said by the schedule's judge; not counted here either
        }
        if d.day > from {
            set_aside.push(SetAside {
                id: d.id.clone(),
                line: d.line,
                reason: format!("receipt of day {}, after day {from}: not known yet", d.day),
            });
            continue;
        }
        if d.confirmed {
            receipts.push(d);
        }
    }

    let lines = ask
        .stocks
        .iter()
        .map(|s| {
            let start = match last.get(s.category.as_str()) {
                Some(r) => Start {
                    day: r.day,
                    on_hand: r.on_hand,
                    report_line: Some(r.line),
                },
                None => Start {
                    day: 0,
                    on_hand: s.on_hand,
                    report_line: None,
                },
            };
            line(s, ask.commitments, &receipts, &breach_days, start, from, to)
        })
        .collect();
    Projection {
        from,
        to,
        breach_days,
        lines,
        set_aside,
    }
}

/// Cumulative quantity a schedule makes due by `day`.
fn due_by(c: &Commitment, day: u32) -> i64 {
    c.schedule
        .iter()
        .filter(|s| s.day <= day)
        .map(|s| s.quantity)
        .max()
        .unwrap_or(0)
}

/// The simulation of one line: inputs fixed, curves run with parts taken away.
struct Sim {
    start: Start,
    per_day: i64,
    surge_per_day: i64,
    surge_days: u32,
    floor_days: u32,
    breach_days: Vec<u32>,
    /// Whether a surge is on, for each day from the start to `to`.
    surge_on: Vec<bool>,
    /// Day → confirmed receipts arrived (after the start, not after `from`).
    receipts: BTreeMap<u32, i64>,
    /// Day → promised arrivals (after `from`).
    promised: BTreeMap<u32, i64>,
    arrears_total: i64,
    from: u32,
    to: u32,
}

/// What a run counts.
#[derive(Clone, Copy)]
struct Run {
    promised: bool,
    surge: bool,
    arrears: bool,
}

impl Sim {
    /// Marks the surge days of every breach between `start` and `to`.
    fn surge_days_on(breach_days: &[u32], surge_days: u32, start: u32, to: u32) -> Vec<bool> {
        let length = usize::try_from(to.saturating_sub(start)).unwrap_or(0) + 1;
        let mut on = vec![false; length];
        for b in breach_days {
            let first = (*b).max(start);
            let end = u64::from(*b) + u64::from(surge_days);
            let mut day = first;
            while u64::from(day) < end && day <= to {
                if let Some(slot) = usize::try_from(day - start)
                    .ok()
                    .and_then(|i| on.get_mut(i))
                {
                    *slot = true;
                }
                day += 1;
            }
        }
        on
    }

    fn surging(&self, day: u32) -> bool {
        day.checked_sub(self.start.day)
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| self.surge_on.get(i).copied())
            .unwrap_or(false)
    }

    fn consumption(&self, day: u32, surge: bool) -> i64 {
        if surge && self.surging(day) {
            self.surge_per_day
        } else {
            self.per_day
        }
    }

    fn point(&self, day: u32, stock: i64, arrived: i64, run: Run) -> Point {
        let consumption = self.consumption(day, run.surge);
        let floor = i128::from(self.floor_days) * i128::from(consumption);
        Point {
            day,
            stock,
            consumption,
            days_of_supply: (consumption > 0).then(|| stock / consumption),
            arrived,
            surge: run.surge && self.surging(day),
            below_floor: i128::from(stock) < floor,
        }
    }

    /// The curve's points from `from` to `to`.
    fn run(&self, run: Run) -> Vec<Point> {
        let arrears = if run.arrears { self.arrears_total } else { 0 };
        let mut points = Vec::new();
        let mut stock = self.start.on_hand;
        if self.start.day >= self.from {
            stock = stock.saturating_add(arrears);
            points.push(self.point(self.start.day, stock, arrears, run));
        }
        let mut day = self.start.day;
        while day < self.to {
            day += 1;
            let mut arrived = self.receipts.get(&day).copied().unwrap_or(0);
            if run.promised {
                arrived = arrived.saturating_add(self.promised.get(&day).copied().unwrap_or(0));
            }
            if day == self.from {
                arrived = arrived.saturating_add(arrears);
            }
            let used = self.consumption(day, run.surge);
            stock = stock.saturating_add(arrived).saturating_sub(used).max(0);
            if day >= self.from {
                points.push(self.point(day, stock, arrived, run));
            }
        }
        points
    }
}

fn line(
    s: &Stock,
    commitments: &[Commitment],
    receipts: &[&Delivery],
    breach_days: &[u32],
    start: Start,
    from: u32,
    to: u32,
) -> Line {
    let ours: Vec<&Commitment> = commitments
        .iter()
        .filter(|c| c.category == s.category && c.unit == s.unit)
        .collect();
    let other_units = commitments
        .iter()
        .filter(|c| c.category == s.category && c.unit != s.unit)
        .map(|c| format!("{} ({})", c.id, c.unit))
        .collect();
    let mut by_day: BTreeMap<u32, i64> = BTreeMap::new();
    let mut received = 0i64;
    let mut arrears = Vec::new();
    let mut promised: BTreeMap<u32, i64> = BTreeMap::new();
    for c in &ours {
        let mine = receipts.iter().filter(|d| d.commitment == c.id);
        let mut delivered = 0i64;
        for d in mine {
            delivered = delivered.saturating_add(d.quantity);
            if d.day > start.day {
                let slot = by_day.entry(d.day).or_default();
                *slot = slot.saturating_add(d.quantity);
                received = received.saturating_add(d.quantity);
            }
        }
        let due = due_by(c, from);
        if due > delivered {
            arrears.push(Arrear {
                commitment: c.id.clone(),
                due,
                delivered,
                missing: due - delivered,
            });
        }
        // Promised beyond what was due or delivered by `from`, as it falls due.
        let floor = due.max(delivered);
        let mut counted = 0i64;
        let mut steps: Vec<(u32, i64)> = c
            .schedule
            .iter()
            .filter(|st| st.day > from && st.day <= to)
            .map(|st| (st.day, st.quantity))
            .collect();
        steps.sort_unstable();
        for (day, _) in steps {
            let extra = due_by(c, day).saturating_sub(floor).max(0);
            if extra > counted {
                let slot = promised.entry(day).or_default();
                *slot = slot.saturating_add(extra - counted);
                counted = extra;
            }
        }
    }
    let sim = Sim {
        surge_on: Sim::surge_days_on(breach_days, s.surge_days, start.day, to),
        start: start.clone(),
        per_day: s.per_day,
        surge_per_day: s.surge_per_day,
        surge_days: s.surge_days,
        floor_days: s.floor_days,
        breach_days: breach_days.to_vec(),
        receipts: by_day,
        promised,
        arrears_total: arrears
            .iter()
            .fold(0i64, |t, a| t.saturating_add(a.missing)),
        from,
        to,
    };
    let all = Run {
        promised: true,
        surge: true,
        arrears: false,
    };
    let with_promised = sim.run(all);
    let without_promised = sim.run(Run {
        promised: false,
        ..all
    });
    let mut alerts = Vec::new();
    for (curve, points) in [
        (Curve::WithPromised, &with_promised),
        (Curve::WithoutPromised, &without_promised),
    ] {
        let promised_run = curve == Curve::WithPromised;
        let mut before = false;
        let mut found = 0usize;
        for (i, p) in points.iter().enumerate() {
            let crossing = p.below_floor && (i == 0 || !before);
            before = p.below_floor;
            if !crossing || found >= ALERTS_PER_CURVE_MAX {
                continue;
            }
            found += 1;
            let base = Run {
                promised: promised_run,
                ..all
            };
            let (together, reasons) = reasons(&sim, &arrears, base, p.day);
            alerts.push(Alert {
                category: s.category.clone(),
                unit: s.unit.clone(),
                curve,
                day: p.day,
                stock: p.stock,
                days_of_supply: p.days_of_supply,
                floor_days: s.floor_days,
                already_below: i == 0,
                together,
                reasons,
            });
        }
    }
    Line {
        stock: s.id.clone(),
        category: s.category.clone(),
        unit: s.unit.clone(),
        per_day: s.per_day,
        surge_per_day: s.surge_per_day,
        surge_days: s.surge_days,
        floor_days: s.floor_days,
        start,
        commitments: ours.iter().map(|c| c.id.clone()).collect(),
        other_units,
        received,
        arrears,
        promised: sim
            .promised
            .values()
            .fold(0i64, |t, q| t.saturating_add(*q)),
        with_promised,
        without_promised,
        alerts,
    }
}

/// Whether `run` is below the floor on `day`.
fn below(sim: &Sim, run: Run, day: u32) -> bool {
    sim.run(run)
        .iter()
        .find(|p| p.day == day)
        .is_some_and(|p| p.below_floor)
}

/// The reasons a curve run as `base` is below its floor on `day`.
fn reasons(sim: &Sim, arrears: &[Arrear], base: Run, day: u32) -> (bool, Vec<Reason>) {
    // Breaches whose surge falls (partly) after the start and by `day`.
    let surged: Vec<u32> = sim
        .breach_days
        .iter()
        .copied()
        .filter(|b| {
            *b <= day && u64::from(*b) + u64::from(sim.surge_days) > u64::from(sim.start.day)
        })
        .collect();
    let promised_by_then: i64 = sim
        .promised
        .range(..=day)
        .fold(0i64, |t, (_, q)| t.saturating_add(*q));
    // Each candidate: the reason, and the run with it taken away.
    let mut candidates: Vec<(Reason, Run)> = Vec::new();
    if !surged.is_empty() {
        candidates.push((
            Reason::Surge {
                breach_days: surged,
            },
            Run {
                surge: false,
                ..base
            },
        ));
    }
    if !arrears.is_empty() {
        candidates.push((
            Reason::MissingDelivery {
                arrears: arrears.to_vec(),
            },
            Run {
                arrears: true,
                ..base
            },
        ));
    }
    if !base.promised && promised_by_then > 0 {
        candidates.push((
            Reason::PromisedNotCounted { promised_by_then },
            Run {
                promised: true,
                ..base
            },
        ));
    }
    let alone: Vec<Reason> = candidates
        .iter()
        .filter(|(_, run)| !below(sim, *run, day))
        .map(|(r, _)| r.clone())
        .collect();
    if !alone.is_empty() {
        return (false, alone);
    }
    let none = Run {
        surge: base.surge && !candidates.iter().any(|(_, r)| !r.surge),
        arrears: candidates.iter().any(|(_, r)| r.arrears),
        promised: base.promised || candidates.iter().any(|(_, r)| r.promised),
    };
    if candidates.len() > 1 && !below(sim, none, day) {
        return (true, candidates.into_iter().map(|(r, _)| r).collect());
    }
    (false, vec![Reason::NormalConsumption])
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use framework::schema::ScheduleStep;

    fn stock(on_hand: i64, per_day: i64, surge: i64, surge_days: u32, floor: u32) -> Stock {
        let text = format!(
            "id = \"s\"\ncategory = \"155mm\"\nunit = \"rounds\"\non_hand = {on_hand}\nper_day = {per_day}\nsurge_per_day = {surge}\nsurge_days = {surge_days}\nfloor_days = {floor}\n"
        );
        toml::from_str(&text).unwrap()
    }

    fn commitment(id: &str, unit: &str, steps: &[(u32, i64)]) -> Commitment {
        let total = steps.last().map_or(0, |s| s.1);
        let text = format!(
            "id = \"{id}\"\nparty = \"us\"\ncategory = \"155mm\"\nquantity = {total}\nunit = \"{unit}\"\n"
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

    fn report(on_hand: i64, day: u32) -> StockReport {
        StockReport {
            category: "155mm".into(),
            on_hand,
            day,
            line: 1,
        }
    }

    fn ask<'a>(
        stocks: &'a [Stock],
        commitments: &'a [Commitment],
        reports: &'a [StockReport],
        deliveries: &'a [Delivery],
        breach_days: &'a [u32],
        from: u32,
        horizon_days: u32,
    ) -> Ask<'a> {
        Ask {
            stocks,
            commitments,
            reports,
            deliveries,
            breach_days,
            from,
            horizon_days,
        }
    }

    fn at(points: &[Point], day: u32) -> &Point {
        points.iter().find(|p| p.day == day).unwrap()
    }

    fn alert(line: &Line, curve: Curve) -> Option<&Alert> {
        line.alerts.iter().find(|a| a.curve == curve)
    }

    #[test]
    fn consumption_from_entry_into_force_and_days_rounded_down() {
        let s = [stock(1000, 30, 30, 0, 5)];
        let p = project(&ask(&s, &[], &[], &[], &[], 0, 10));
        let l = &p.lines[0];
        assert_eq!((p.from, p.to), (0, 10));
        assert_eq!(l.start.report_line, None);
        assert_eq!(at(&l.with_promised, 0).stock, 1000);
        assert_eq!(at(&l.with_promised, 0).days_of_supply, Some(33));
        assert_eq!(at(&l.with_promised, 10).stock, 700);
        assert_eq!(at(&l.with_promised, 10).days_of_supply, Some(23));
        assert_eq!(l.with_promised.len(), 11);
        assert!(l.alerts.is_empty());
    }

    #[test]
    fn the_stock_never_goes_below_zero() {
        let s = [stock(100, 30, 30, 0, 1)];
        let p = project(&ask(&s, &[], &[], &[], &[], 0, 10));
        assert_eq!(at(&p.lines[0].with_promised, 4).stock, 0);
        assert_eq!(at(&p.lines[0].with_promised, 10).stock, 0);
    }

    #[test]
    fn the_last_report_replaces_on_hand_and_receipts_after_it_count_once() {
        let s = [stock(1000, 10, 10, 0, 1)];
        let c = [commitment("c", "rounds", &[(30, 500)])];
        let reports = [report(800, 5), report(600, 20), report(1, 40)];
        let ds = [
            receipt("before", "c", 100, 20, true), // in the day-20 report already
            receipt("after", "c", 50, 22, true),
            receipt("after", "c", 50, 23, true), // the same id: once
            receipt("pending", "c", 70, 24, false),
            receipt("later", "c", 70, 26, true), // after the day viewed
        ];
        let p = project(&ask(&s, &c, &reports, &ds, &[], 25, 0));
        let l = &p.lines[0];
        assert_eq!(
            l.start,
            Start {
                day: 20,
                on_hand: 600,
                report_line: Some(1)
            }
        );
        assert_eq!(l.received, 50);
        // 600 + 50 − 5 days × 10.
        assert_eq!(at(&l.with_promised, 25).stock, 600);
        let why: Vec<&str> = p.set_aside.iter().map(|x| x.reason.as_str()).collect();
        assert!(
            why.iter().any(|w| w.contains("day 40, after day 25")),
            "{why:?}"
        );
        assert!(
            why.iter().any(|w| w.contains("day 26, after day 25")),
            "{why:?}"
        );
    }

    #[test]
    fn promised_steps_fall_due_on_their_days_only_on_the_with_curve() {
        let s = [stock(1000, 10, 10, 0, 1)];
        let c = [
            commitment("c", "rounds", &[(30, 300), (60, 600)]),
            commitment("pallets", "pallets", &[(30, 9999)]),
        ];
        let p = project(&ask(&s, &c, &[], &[], &[], 0, 60));
        let l = &p.lines[0];
        assert_eq!(l.commitments, ["c"]);
        assert_eq!(l.other_units, ["pallets (pallets)"]);
        assert_eq!(l.promised, 600);
        assert_eq!(at(&l.with_promised, 29).stock, 710);
        assert_eq!(at(&l.with_promised, 30).stock, 1000);
        assert_eq!(at(&l.with_promised, 30).arrived, 300);
        assert_eq!(at(&l.with_promised, 60).stock, 1000);
        assert_eq!(at(&l.without_promised, 60).stock, 400);
    }

    #[test]
    fn a_missed_step_is_an_arrear_not_assumed_to_arrive_and_a_reason() {
        // 600 on hand, 10 a day, floor 30 days (300): without the 200 due by
        // day 10 and missing, the curve goes below on day 31.
        let s = [stock(600, 10, 10, 0, 30)];
        let c = [commitment("c", "rounds", &[(10, 200), (100, 400)])];
        let ds = [receipt("r", "c", 50, 5, true)];
        let p = project(&ask(&s, &c, &[], &ds, &[], 20, 30));
        let l = &p.lines[0];
        assert_eq!(
            l.arrears,
            [Arrear {
                commitment: "c".into(),
                due: 200,
                delivered: 50,
                missing: 150
            }]
        );
        // 600 + 50 − 20 × 10 = 450 on day 20; nothing arrives until day 100.
        assert_eq!(at(&l.with_promised, 20).stock, 450);
        let a = alert(l, Curve::WithPromised).unwrap();
        assert_eq!((a.day, a.stock), (36, 290));
        assert!(!a.already_below);
        assert_eq!(
            a.reasons,
            [Reason::MissingDelivery {
                arrears: l.arrears.clone()
            }]
        );
    }

    #[test]
    fn the_without_curve_crosses_earlier_and_says_what_was_not_counted() {
        let s = [stock(500, 10, 10, 0, 20)];
        let c = [commitment("c", "rounds", &[(20, 300)])];
        let p = project(&ask(&s, &c, &[], &[], &[], 0, 60));
        let l = &p.lines[0];
        // Without: 500 − 10 t < 200 from day 31. With: +300 on day 20,
        // 800 − 10 t < 200 from day 61 (outside the view).
        let without = alert(l, Curve::WithoutPromised).unwrap();
        assert_eq!((without.day, without.stock), (31, 190));
        assert_eq!(
            without.reasons,
            [Reason::PromisedNotCounted {
                promised_by_then: 300
            }]
        );
        assert!(alert(l, Curve::WithPromised).is_none());
    }

    #[test]
    fn a_surge_after_a_breach_brings_the_crossing_forward() {
        // 900 on hand, 10 a day, floor 30 days: without a breach below on day
        // 61 (290 < 300). A breach on day 20 with 5 days at 50 a day uses 200
        // more, and its own days count at the surge rate.
        let s = [stock(900, 10, 50, 5, 30)];
        let calm = project(&ask(&s, &[], &[], &[], &[], 0, 90));
        let a = alert(&calm.lines[0], Curve::WithPromised).unwrap();
        assert_eq!((a.day, a.stock), (61, 290));
        assert_eq!(a.reasons, [Reason::NormalConsumption]);

        let breach = project(&ask(&s, &[], &[], &[], &[20], 0, 90));
        let l = &breach.lines[0];
        let a = alert(l, Curve::WithPromised).unwrap();
        // Day 20 is the surge's first day: 900 − 19 × 10 − 50 = 660, under
        // 30 days × 50 = 1500.
        assert_eq!((a.day, a.stock), (20, 660));
        assert_eq!(a.days_of_supply, Some(13));
        assert_eq!(
            a.reasons,
            [Reason::Surge {
                breach_days: vec![20]
            }]
        );
        assert!(at(&l.with_promised, 24).surge && !at(&l.with_promised, 25).surge);
        // Back above after the surge (450 on day 25 ≥ 300), then below
        // again on day 41: 20 days earlier than without the breach.
        let days: Vec<u32> = l.alerts.iter().map(|a| a.day).collect();
        assert_eq!(days, [20, 41, 20, 41]);
        assert_eq!(
            l.alerts[1].reasons,
            [Reason::Surge {
                breach_days: vec![20]
            }]
        );
    }

    #[test]
    fn below_on_the_day_viewed_is_an_alert_at_once() {
        let s = [stock(1000, 10, 10, 0, 30)];
        let p = project(&ask(&s, &[], &[report(100, 3)], &[], &[], 3, 5));
        let a = alert(&p.lines[0], Curve::WithPromised).unwrap();
        assert!(a.already_below);
        assert_eq!((a.day, a.stock), (3, 100));
    }

    #[test]
    fn reasons_that_only_work_together() {
        // 50 on hand on day 0, the day of a breach (30 a day for 5 days), a
        // floor of 10 days, and 60 due on day 0 that never came. Below 300
        // (surge) or 100 (normal): without the surge 50 is still below 100;
        // with the 60 it is 110, still below 300; with both, 110 ≥ 100.
        let s = [stock(50, 10, 30, 5, 10)];
        let c = [commitment("c", "rounds", &[(0, 60), (50, 100)])];
        let p = project(&ask(&s, &c, &[], &[], &[0], 0, 3));
        let a = alert(&p.lines[0], Curve::WithPromised).unwrap();
        assert!(a.already_below && a.together);
        assert_eq!((a.day, a.stock), (0, 50));
        assert_eq!(
            a.reasons,
            [
                Reason::Surge {
                    breach_days: vec![0]
                },
                Reason::MissingDelivery {
                    arrears: p.lines[0].arrears.clone()
                }
            ]
        );
        // Without the arrear, the surge alone is not enough: normal consumption.
        let c = [commitment("c", "rounds", &[(50, 100)])];
        let p = project(&ask(&s, &c, &[], &[], &[0], 0, 3));
        let a = alert(&p.lines[0], Curve::WithPromised).unwrap();
        assert!(!a.together);
        assert_eq!(a.reasons, [Reason::NormalConsumption]);
    }

    #[test]
    fn reports_are_read_with_their_days_and_bad_lines_located() {
        let start = base::Timestamp::parse("2026-01-01T00:00:00Z").unwrap();
        let text = b"{\"category\":\"155mm\",\"on_hand\":5,\"day\":3}\n\n# note\n\
{\"category\":\"155mm\",\"on_hand\":5,\"at\":\"2026-01-10T12:00:00Z\"}\n\
{\"category\":\"155mm\",\"on_hand\":-1,\"day\":3}\n\
{\"category\":\"155mm\",\"on_hand\":5}\n\
{\"category\":\"155mm\",\"on_hand\":5,\"day\":3,\"extra\":1}\n\
not json\n";
        let (rs, refused) = read_reports("s.jsonl", text, Some(start));
        let days: Vec<(u32, u32)> = rs.iter().map(|r| (r.line, r.day)).collect();
        assert_eq!(days, [(1, 3), (4, 10)]);
        let lines: Vec<u32> = refused.iter().map(|r| r.line).collect();
        assert_eq!(lines, [5, 6, 7, 8], "{refused:?}");
        assert!(refused[0].reason.contains("negative"));
        assert!(refused[1].reason.contains("no `day` and no `at`"));
        assert!(refused[2].column > 1);
        let (_, refused) = read_reports("s.jsonl", text, None);
        assert!(
            refused
                .iter()
                .any(|r| r.line == 4 && r.reason.contains("--in-force"))
        );
    }

    #[test]
    fn days_beyond_a_hundred_years_are_refused_or_capped() {
        let text = b"{\"category\":\"155mm\",\"on_hand\":5,\"day\":4000000000}\n";
        let (rs, refused) = read_reports("s.jsonl", text, None);
        assert!(rs.is_empty());
        assert!(refused[0].reason.contains("a hundred years"), "{refused:?}");
        let s = [stock(10, 1, 2, 3, 1)];
        let p = project(&ask(&s, &[], &[], &[], &[u32::MAX, 0], u32::MAX, 5));
        assert_eq!((p.from, p.to), (DAY_MAX, DAY_MAX + 5));
        assert_eq!(p.lines[0].with_promised.len(), 6);
    }

    #[test]
    fn overlapping_surges_do_not_add_up() {
        let s = [stock(1000, 1, 10, 3, 1)];
        let p = project(&ask(&s, &[], &[], &[], &[2, 3], 0, 6));
        let used: Vec<i64> = p.lines[0]
            .with_promised
            .iter()
            .map(|p| p.consumption)
            .collect();
        assert_eq!(used, [1, 1, 10, 10, 10, 10, 1]);
    }

    #[test]
    fn unknown_categories_are_set_aside_and_the_horizon_is_capped() {
        let s = [stock(10, 1, 1, 0, 1)];
        let other = StockReport {
            category: "mines".into(),
            on_hand: 1,
            day: 0,
            line: 7,
        };
        let p = project(&ask(&s, &[], &[other], &[], &[], 0, u32::MAX));
        assert_eq!(p.to, HORIZON_DAYS_MAX);
        assert_eq!(p.set_aside[0].line, 7);
        assert!(
            p.set_aside[0]
                .reason
                .contains("no `[[stock]]` of category `mines`")
        );
    }
}
