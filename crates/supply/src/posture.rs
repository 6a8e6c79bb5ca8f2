//! Force posture: each `[[posture]]` target (`min`, `max`, `by`) against
//! the levels reported for it.
//!
//! Reports are JSON lines `{"target":"pos-armed-forces","level":780000,"at":"2026-03-01T00:00:00Z"}`.
//! The rules:
//!
//! - a target's series is its reports in time order (a report at the same
//!   time as an earlier line comes after it); the **latest level** is the
//!   last of the series;
//! - **status**: *below* under `min`, *within* from `min` to `max` (a
//!   target without `max` is a point: `max = min`), *above* over `max`;
//!   **overdue** when below (or never reported) and the moment judged is
//!   after the whole day `by` (UTC) — the moment judged is the one given, else the latest
//!   report of any target;
//! - **trend**: the change per 30 days from the first report to the latest,
//!   rounded toward zero; none with fewer than two reports at distinct
//!   times;
//! - a report for a target the framework lacks is set aside; a bad line is
//!   refused with its place.
//!
//! All integers; nothing here reads a file or the clock.

use std::collections::BTreeMap;

use base::Timestamp;
use framework::schema::PostureTarget;
use serde::{Deserialize, Serialize};

use crate::Refused;
use crate::schedule::SetAside;

const DAY_MS: i64 = 86_400_000;
/// The trend's period, in days.
pub const TREND_DAYS: i64 = 30;

/// One reported level.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LevelReport {
    pub target: String,
    pub level: i64,
    pub at: Timestamp,
    /// The line it was read from (0 when made in code).
    pub line: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Written {
    target: String,
    level: i64,
    at: String,
}

/// Reads level reports, one JSON object a line; each bad line is refused
/// with its place.
pub fn read_reports(file: &str, bytes: &[u8]) -> (Vec<LevelReport>, Vec<Refused>) {
    crate::jsonl::read(file, bytes, "a posture report", |w: Written, line| {
        if w.level < 0 {
            return Err(format!(
                "report for `{}`: a negative level ({})",
                w.target, w.level
            ));
        }
        let at = Timestamp::parse(&w.at).map_err(|e| format!("report for `{}`: {e}", w.target))?;
        Ok(LevelReport {
            target: w.target,
            level: w.level,
            at,
            line,
        })
    })
}

/// Where the latest level stands against the range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Below,
    Within,
    Above,
    /// No report yet.
    Unreported,
}

impl Status {
    pub fn word(self) -> &'static str {
        match self {
            Status::Below => "below",
            Status::Within => "within",
            Status::Above => "above",
            Status::Unreported => "no report",
        }
    }
}

/// One point of a target's series.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Level {
    pub at: Timestamp,
    pub level: i64,
    pub line: u32,
}

/// One target judged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Judged {
    pub target: String,
    pub party: String,
    pub measure: String,
    pub unit: String,
    pub min: i64,
    pub max: i64,
    pub by: Option<String>,
    /// `by` could not be read as a date (`YYYY-MM-DD`): never overdue.
    pub by_unreadable: bool,
    pub latest: Option<Level>,
    pub status: Status,
    /// Below after `by`.
    pub overdue: bool,
    /// Change per 30 days, first report to latest, rounded toward zero.
    pub trend_per_30_days: Option<i64>,
    /// What is still missing to `min` (0 unless below).
    pub short_of_min: i64,
    pub series: Vec<Level>,
}

/// Every target judged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The moment judged (for overdue), if any.
    pub as_of: Option<Timestamp>,
    pub targets: Vec<Judged>,
    pub set_aside: Vec<SetAside>,
}

/// The moment a `by` date (`YYYY-MM-DD`) has passed: the start of the next
/// day, UTC.
pub fn deadline(by: &str) -> Option<Timestamp> {
    let start = Timestamp::parse(&format!("{}T00:00:00Z", by.trim())).ok()?;
    Some(Timestamp::from_millis(
        start.millis().saturating_add(DAY_MS),
    ))
}

/// Change per 30 days between two points, rounded toward zero.
fn trend(first: &Level, last: &Level) -> Option<i64> {
    let elapsed = i128::from(last.at.millis()) - i128::from(first.at.millis());
    if elapsed <= 0 {
        return None;
    }
    let change = i128::from(last.level) - i128::from(first.level);
    i64::try_from(change * i128::from(TREND_DAYS * DAY_MS) / elapsed).ok()
}

/// Judges every target against `reports`, as of `as_of` (default: the
/// latest report).
pub fn judge(
    targets: &[PostureTarget],
    reports: &[LevelReport],
    as_of: Option<Timestamp>,
) -> Report {
    let mut series: BTreeMap<&str, Vec<Level>> = BTreeMap::new();
    let mut set_aside = Vec::new();
    for r in reports {
        if targets.iter().any(|t| t.id == r.target) {
            series.entry(&r.target).or_default().push(Level {
                at: r.at,
                level: r.level,
                line: r.line,
            });
        } else {
            set_aside.push(SetAside {
                id: r.target.clone(),
                line: r.line,
                reason: format!("the framework has no `[[posture]]` `{}`", r.target),
            });
        }
    }
    let as_of = as_of.or_else(|| series.values().flat_map(|s| s.iter().map(|l| l.at)).max());
    let judged = targets
        .iter()
        .map(|t| {
            let mut points = series.remove(t.id.as_str()).unwrap_or_default();
            points.sort_by_key(|l| (l.at, l.line));
            let max = t.max.unwrap_or(t.min);
            let latest = points.last().cloned();
            let status = match &latest {
                None => Status::Unreported,
                Some(l) if l.level < t.min => Status::Below,
                Some(l) if l.level > max => Status::Above,
                Some(_) => Status::Within,
            };
            let due = t.by.as_deref().map(deadline);
            let overdue = matches!(status, Status::Below | Status::Unreported)
                && matches!((due, as_of), (Some(Some(d)), Some(now)) if now >= d);
            let trend = match (points.first(), points.last()) {
                (Some(a), Some(b)) => trend(a, b),
                _ => None,
            };
            Judged {
                target: t.id.clone(),
                party: t.party.clone(),
                measure: t.measure.clone(),
                unit: t.unit.clone(),
                min: t.min,
                max,
                by: t.by.clone(),
                by_unreadable: matches!(due, Some(None)),
                short_of_min: latest
                    .as_ref()
                    .map_or(0, |l| t.min.saturating_sub(l.level).max(0)),
                latest,
                status,
                overdue,
                trend_per_30_days: trend,
                series: points,
            }
        })
        .collect();
    Report {
        as_of,
        targets: judged,
        set_aside,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn target(id: &str, min: i64, max: Option<i64>, by: Option<&str>) -> PostureTarget {
        let mut text =
            format!("id = \"{id}\"\nparty = \"ua\"\nmeasure = \"personnel\"\nmin = {min}\n");
        if let Some(m) = max {
            text.push_str(&format!("max = {m}\n"));
        }
        if let Some(b) = by {
            text.push_str(&format!("by = \"{b}\"\n"));
        }
        toml::from_str(&text).unwrap()
    }

    fn report(target: &str, level: i64, at: &str, line: u32) -> LevelReport {
        LevelReport {
            target: target.into(),
            level,
            at: Timestamp::parse(at).unwrap(),
            line,
        }
    }

    fn one(r: &Report, id: &str) -> Judged {
        r.targets.iter().find(|t| t.target == id).unwrap().clone()
    }

    #[test]
    fn below_within_above_and_the_point_target() {
        let ts = [
            target("range", 10, Some(20), None),
            target("point", 5, None, None),
        ];
        let at = "2026-01-01T00:00:00Z";
        for (level, range, point) in [
            (9, Status::Below, Status::Above),
            (10, Status::Within, Status::Above),
            (20, Status::Within, Status::Above),
            (21, Status::Above, Status::Above),
            (4, Status::Below, Status::Below),
            (5, Status::Below, Status::Within),
        ] {
            let r = judge(
                &ts,
                &[report("range", level, at, 1), report("point", level, at, 2)],
                None,
            );
            assert_eq!(one(&r, "range").status, range, "{level}");
            assert_eq!(one(&r, "point").status, point, "{level}");
        }
        let r = judge(&ts, &[], None);
        assert_eq!(one(&r, "range").status, Status::Unreported);
    }

    #[test]
    fn the_latest_report_counts_whatever_the_order_of_lines() {
        let ts = [target("t", 10, Some(20), None)];
        let rs = [
            report("t", 15, "2026-03-01T00:00:00Z", 1),
            report("t", 5, "2026-01-01T00:00:00Z", 2),
            report("t", 25, "2026-03-01T00:00:00Z", 3),
        ];
        let j = one(&judge(&ts, &rs, None), "t");
        assert_eq!(j.latest.unwrap().level, 25);
        assert_eq!(j.status, Status::Above);
        let lines: Vec<u32> = j.series.iter().map(|l| l.line).collect();
        assert_eq!(lines, [2, 1, 3]);
    }

    #[test]
    fn overdue_only_when_below_after_the_whole_day() {
        let ts = [target("t", 10, Some(20), Some("2026-06-30"))];
        let rs = [report("t", 8, "2026-06-30T23:59:59Z", 1)];
        let j = one(&judge(&ts, &rs, None), "t");
        assert!(!j.overdue, "the last second of the day is still in time");
        assert_eq!(j.short_of_min, 2);
        let late = Timestamp::parse("2026-07-01T00:00:00Z").unwrap();
        assert!(one(&judge(&ts, &rs, Some(late)), "t").overdue);
        let rs = [report("t", 12, "2026-08-01T00:00:00Z", 1)];
        assert!(!one(&judge(&ts, &rs, None), "t").overdue);
        let bad = [target("t", 10, None, Some("end of June"))];
        let j = one(&judge(&bad, &[], Some(late)), "t");
        assert!(j.by_unreadable && !j.overdue);
    }

    #[test]
    fn the_trend_is_per_30_days_from_first_to_latest() {
        let ts = [target("t", 100, None, None)];
        let rs = [
            report("t", 40, "2026-01-01T00:00:00Z", 1),
            report("t", 99, "2026-01-16T00:00:00Z", 2),
            report("t", 100, "2026-03-02T00:00:00Z", 3),
        ];
        // +60 over 60 days: +30 per 30 days, whatever lies between.
        assert_eq!(one(&judge(&ts, &rs, None), "t").trend_per_30_days, Some(30));
        // −10 over 60 days: −5; −7 over 60 days: −3.5, rounded toward zero.
        let down = [
            report("t", 40, "2026-01-01T00:00:00Z", 1),
            report("t", 33, "2026-03-02T00:00:00Z", 2),
        ];
        assert_eq!(
            one(&judge(&ts, &down, None), "t").trend_per_30_days,
            Some(-3)
        );
        let once = [report("t", 40, "2026-01-01T00:00:00Z", 1)];
        assert_eq!(one(&judge(&ts, &once, None), "t").trend_per_30_days, None);
    }

    #[test]
    fn unknown_targets_are_set_aside_and_bad_lines_located() {
        let ts = [target("t", 1, None, None)];
        let r = judge(&ts, &[report("x", 1, "2026-01-01T00:00:00Z", 4)], None);
        assert_eq!(r.set_aside[0].line, 4);
        let text = b"{\"target\":\"t\",\"level\":3,\"at\":\"2026-01-01T00:00:00Z\"}\n\
{\"target\":\"t\",\"level\":-3,\"at\":\"2026-01-01T00:00:00Z\"}\n\
{\"target\":\"t\",\"level\":3,\"at\":\"2026-01-01\"}\n\
{\"target\":\"t\",\"level\":3}\n";
        let (rs, refused) = read_reports("p.jsonl", text);
        assert_eq!(rs.len(), 1);
        let lines: Vec<u32> = refused.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 3, 4]);
        assert!(refused[0].reason.contains("negative"));
        assert!(refused[1].reason.contains("RFC 3339"));
    }
}
