//! Times in a scenario: relative to its start (`T+02:30`, `T+6h`,
//! `T+1d02:00`, `T-00:10`) or absolute (RFC 3339).
//!
//! The grammar (documented in `docs/scenario-format.md`):
//!
//! ```text
//! relative := "T" sign offset
//! sign     := "+" | "-"
//! offset   := [days "d"] hours ":" MM [":" SS]   clock form: 02:30, 36:00, 1d02:00
//!           | duration                          unit form: 6h, 45m, 90s, 1d12h, 2w
//! ```
//!
//! In the clock form `hours` is one or more digits (below 24 when days are
//! given), `MM` and `SS` exactly two digits below 60. The unit form is the
//! framework's duration syntax (units s, m, h, d, w; no months). No spaces.
//! An offset is at most ten years.

use base::Timestamp;

/// The largest offset from the start, in seconds (ten years, as for durations).
pub const OFFSET_SECONDS_MAX: i64 = base::duration::DURATION_SECONDS_MAX;

/// Parses a relative time into an offset in milliseconds from the start.
/// `None` when `text` is not written as a relative time at all (it does not
/// start with `T+` or `T-`); `Some(Err)` when it is, but badly.
pub fn parse_relative(text: &str) -> Option<Result<i64, String>> {
    let (sign, offset) = if let Some(rest) = text.strip_prefix("T+") {
        (1, rest)
    } else if let Some(rest) = text.strip_prefix("T-") {
        (-1, rest)
    } else {
        return None;
    };
    Some(parse_offset(offset).map(|seconds| sign * seconds * 1000).map_err(|why| {
        format!(
            "`{text}` is not a relative time ({why}); write e.g. `T+02:30`, `T+6h`, `T+1d02:00` or `T-00:10`"
        )
    }))
}

/// Whether `text` is a well-formed relative time. Strings in inputs are
/// converted only when they are: `T-72` (a tank) stays a string.
pub fn is_relative(text: &str) -> bool {
    matches!(parse_relative(text), Some(Ok(_)))
}

fn parse_offset(offset: &str) -> Result<i64, String> {
    if offset.is_empty() {
        return Err("nothing after the sign".into());
    }
    if offset.chars().any(char::is_whitespace) {
        return Err("spaces are not allowed".into());
    }
    let seconds = if offset.contains(':') {
        parse_clock(offset)?
    } else {
        base::Duration::parse(offset)
            .map_err(|e| e.to_string())?
            .seconds()
    };
    if seconds > OFFSET_SECONDS_MAX {
        return Err("more than ten years from the start".into());
    }
    Ok(seconds)
}

/// `[days "d"] hours ":" MM [":" SS]`.
fn parse_clock(text: &str) -> Result<i64, String> {
    let (days, clock) = match text.split_once('d') {
        Some((days, clock)) => (Some(digits(days, "days")?), clock),
        None => (None, text),
    };
    let mut parts = clock.split(':');
    let hours = digits(parts.next().unwrap_or_default(), "hours")?;
    let minutes = two_digits(parts.next(), "minutes")?;
    let seconds = match parts.next() {
        Some(s) => two_digits(Some(s), "seconds")?,
        None => 0,
    };
    if parts.next().is_some() {
        return Err("too many `:`".into());
    }
    if days.is_some() && hours >= 24 {
        return Err("hours must be below 24 after days".into());
    }
    days.unwrap_or(0)
        .checked_mul(86_400)
        .and_then(|d| hours.checked_mul(3600).and_then(|h| d.checked_add(h)))
        .and_then(|s| s.checked_add(minutes * 60 + seconds))
        .ok_or_else(|| "too large".to_string())
}

fn digits(text: &str, what: &str) -> Result<i64, String> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) || text.len() > 9 {
        return Err(format!("{what} must be a number"));
    }
    text.parse().map_err(|_| format!("{what} must be a number"))
}

fn two_digits(text: Option<&str>, what: &str) -> Result<i64, String> {
    let text = text.ok_or_else(|| format!("no {what}"))?;
    if text.len() != 2 {
        return Err(format!("{what} take two digits"));
    }
    let value = digits(text, what)?;
    if value >= 60 {
        return Err(format!("{what} must be below 60"));
    }
    Ok(value)
}

/// Resolves a scenario time: relative to `start`, or an RFC 3339 time.
pub fn resolve(text: &str, start: Timestamp) -> Result<Timestamp, String> {
    match parse_relative(text) {
        Some(Ok(offset)) => start
            .millis()
            .checked_add(offset)
            .map(Timestamp::from_millis)
            .ok_or_else(|| format!("`{text}` is out of range")),
        Some(Err(message)) => Err(message),
        None => Timestamp::parse(text).map_err(|e| {
            format!("{e}; or write a time relative to the start, e.g. `T+02:30` or `T+6h`")
        }),
    }
}

/// The offset of `t` from `start` in the relative grammar's clock form:
/// `T+00:05`, `T+1d02:00`, `T-00:10`, `T+02:30:15` (milliseconds dropped).
pub fn offset(start: Timestamp, t: Timestamp) -> String {
    let millis = t.millis().saturating_sub(start.millis());
    let sign = if millis < 0 { '-' } else { '+' };
    let total = millis.unsigned_abs() / 1000;
    let (days, rest) = (total / 86_400, total % 86_400);
    let (hours, minutes, seconds) = (rest / 3600, rest % 3600 / 60, rest % 60);
    let mut out = format!("T{sign}");
    if days > 0 {
        out.push_str(&format!("{days}d"));
    }
    out.push_str(&format!("{hours:02}:{minutes:02}"));
    if seconds > 0 {
        out.push_str(&format!(":{seconds:02}"));
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn ok(text: &str) -> i64 {
        parse_relative(text).unwrap().unwrap() / 1000
    }

    fn bad(text: &str) -> String {
        parse_relative(text).unwrap().unwrap_err()
    }

    #[test]
    fn clock_and_unit_forms() {
        assert_eq!(ok("T+02:30"), 2 * 3600 + 30 * 60);
        assert_eq!(ok("T+00:00"), 0);
        assert_eq!(ok("T+36:00"), 36 * 3600);
        assert_eq!(ok("T+1d02:00"), 86_400 + 2 * 3600);
        assert_eq!(ok("T+02:30:15"), 2 * 3600 + 30 * 60 + 15);
        assert_eq!(ok("T-00:10"), -600);
        assert_eq!(ok("T+6h"), 6 * 3600);
        assert_eq!(ok("T+1d12h"), 36 * 3600);
        assert_eq!(ok("T+45m"), 45 * 60);
        assert_eq!(ok("T-1d"), -86_400);
    }

    #[test]
    fn malformed_relative_times_say_why() {
        for text in [
            "T+",
            "T+2:3",
            "T+02:60",
            "T+1d24:00",
            "T+6",
            "T+6 h",
            "T+1mo",
            "T+02:30:5",
            "T+1:00:00:00",
            "T+x",
            "T+4000d",
        ] {
            assert!(bad(text).contains(text), "{text}: {}", bad(text));
        }
        assert!(bad("T+1mo").contains("months"));
    }

    #[test]
    fn other_strings_are_not_relative() {
        assert!(parse_relative("2025-01-01T00:00:00Z").is_none());
        assert!(parse_relative("T").is_none());
        assert!(parse_relative("t+1h").is_none());
        assert!(!is_relative("T-72"));
        assert!(is_relative("T-72h"));
    }

    #[test]
    fn resolves_and_prints_offsets() {
        let start = Timestamp::parse("2026-03-01T04:00:00Z").unwrap();
        let t = resolve("T+1d02:30", start).unwrap();
        assert_eq!(t.to_string(), "2026-03-02T06:30:00Z");
        assert_eq!(offset(start, t), "T+1d02:30");
        assert_eq!(offset(start, resolve("T-00:10", start).unwrap()), "T-00:10");
        assert_eq!(
            offset(start, resolve("T+90s", start).unwrap()),
            "T+00:01:30"
        );
        assert_eq!(resolve("2026-03-01T05:00:00+01:00", start).unwrap(), start);
        assert!(resolve("tomorrow", start).unwrap_err().contains("T+02:30"));
    }
}
