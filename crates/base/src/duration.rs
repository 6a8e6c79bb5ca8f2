//! Durations written with explicit units: `90s`, `45m`, `6h`, `48h`, `30d`,
//! `2w`, or combinations such as `1d12h`.
//!
//! Calendar months and years are deliberately absent: their length depends on
//! the date they start from, and a rule must mean the same thing whenever it
//! is replayed. A bare number (`48`) is rejected, because "48 what?" is
//! exactly the ambiguity the framework file exists to remove.

use std::fmt;

/// The longest duration a framework may state: ten years, in seconds.
pub const DURATION_SECONDS_MAX: i64 = 10 * 366 * 86_400;

/// A non-negative span of time with one-second resolution.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration {
    seconds: i64,
}

/// Why a duration string was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DurationError {
    Empty,
    NoUnit { text: String },
    UnknownUnit { text: String, unit: String },
    Calendar { text: String },
    TooLong { text: String },
    Malformed { text: String },
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DurationError::Empty => {
                write!(f, "empty duration: write a number and a unit, e.g. `48h`")
            }
            DurationError::NoUnit { text } => write!(
                f,
                "duration `{text}` has no unit: write `{text}h` for hours, `{text}d` for days (units: s, m, h, d, w)"
            ),
            DurationError::UnknownUnit { text, unit } => write!(
                f,
                "duration `{text}` uses unknown unit `{unit}` (units: s, m, h, d, w)"
            ),
            DurationError::Calendar { text } => write!(
                f,
                "duration `{text}` uses calendar months or years, whose length varies; write days instead, e.g. `30d` or `365d`"
            ),
            DurationError::TooLong { text } => {
                write!(f, "duration `{text}` is longer than the limit of ten years")
            }
            DurationError::Malformed { text } => write!(
                f,
                "duration `{text}` is not a number followed by a unit, e.g. `48h` or `1d12h`"
            ),
        }
    }
}

impl std::error::Error for DurationError {}

impl Duration {
    pub const ZERO: Duration = Duration { seconds: 0 };

    pub const fn from_seconds(seconds: i64) -> Duration {
        Duration { seconds }
    }

    pub const fn from_hours(hours: i64) -> Duration {
        Duration {
            seconds: hours * 3600,
        }
    }

    pub const fn from_days(days: i64) -> Duration {
        Duration {
            seconds: days * 86_400,
        }
    }

    pub const fn seconds(self) -> i64 {
        self.seconds
    }

    /// Sum that saturates at the limit instead of overflowing.
    pub fn saturating_add(self, other: Duration) -> Duration {
        Duration {
            seconds: self.seconds.saturating_add(other.seconds),
        }
    }

    /// Parses `48h`, `30d`, `1d12h`, … .
    pub fn parse(text: &str) -> Result<Duration, DurationError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(DurationError::Empty);
        }
        let mut total: i64 = 0;
        let mut rest = trimmed;
        while !rest.is_empty() {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return Err(DurationError::Malformed {
                    text: text.to_string(),
                });
            }
            let (number, after) = rest.split_at(digits);
            let unit_len = after.bytes().take_while(u8::is_ascii_alphabetic).count();
            let (unit, after_unit) = after.split_at(unit_len);
            if unit.is_empty() {
                if after.is_empty() {
                    return Err(DurationError::NoUnit {
                        text: text.to_string(),
                    });
                }
                return Err(DurationError::Malformed {
                    text: text.to_string(),
                });
            }
            let scale: i64 = match unit {
                "s" => 1,
                "m" | "min" => 60,
                "h" => 3600,
                "d" => 86_400,
                "w" => 7 * 86_400,
                "mo" | "month" | "months" | "y" | "yr" | "year" | "years" => {
                    return Err(DurationError::Calendar {
                        text: text.to_string(),
                    });
                }
                other => {
                    return Err(DurationError::UnknownUnit {
                        text: text.to_string(),
                        unit: other.to_string(),
                    });
                }
            };
            let value: i64 = number.parse().map_err(|_| DurationError::TooLong {
                text: text.to_string(),
            })?;
            total = value
                .checked_mul(scale)
                .and_then(|part| total.checked_add(part))
                .filter(|sum| *sum <= DURATION_SECONDS_MAX)
                .ok_or_else(|| DurationError::TooLong {
                    text: text.to_string(),
                })?;
            rest = after_unit;
        }
        Ok(Duration { seconds: total })
    }
}

impl fmt::Display for Duration {
    /// The canonical spelling: whole hours under a week in hours (`48h`,
    /// `72h`, as clocks are spoken of), otherwise the fewest parts, largest
    /// unit first (`30d`, `7d12h`, `2h30m`); weeks are not used.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.seconds == 0 {
            return f.write_str("0s");
        }
        if self.seconds % 3600 == 0 && self.seconds < 7 * 86_400 {
            return write!(f, "{}h", self.seconds / 3600);
        }
        let mut rest = self.seconds;
        for (unit, scale) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] {
            if rest >= scale {
                write!(f, "{}{unit}", rest / scale)?;
                rest %= scale;
            }
        }
        Ok(())
    }
}

impl std::str::FromStr for Duration {
    type Err = DurationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Duration::parse(s)
    }
}

impl serde::Serialize for Duration {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Duration {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Duration;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a duration with a unit, such as \"48h\" or \"30d\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Duration, E> {
                Duration::parse(v).map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Duration, E> {
                Err(E::custom(DurationError::NoUnit {
                    text: v.to_string(),
                }))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Duration, E> {
                Err(E::custom(DurationError::NoUnit {
                    text: v.to_string(),
                }))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl schemars::JsonSchema for Duration {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Duration".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^([0-9]+(s|m|h|d|w))+$",
            "description": "A duration with explicit units: s, m, h, d, w (e.g. `48h`, `30d`, `1d12h`). Months and years are refused."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units_and_combinations() {
        assert_eq!(Duration::parse("48h"), Ok(Duration::from_hours(48)));
        assert_eq!(Duration::parse("30d"), Ok(Duration::from_days(30)));
        assert_eq!(Duration::parse("1d12h"), Ok(Duration::from_hours(36)));
        assert_eq!(Duration::parse("2w"), Ok(Duration::from_days(14)));
        assert_eq!(Duration::parse("90s"), Ok(Duration::from_seconds(90)));
        assert_eq!(Duration::parse("45m"), Ok(Duration::from_seconds(2700)));
    }

    #[test]
    fn refuses_what_is_ambiguous() {
        assert!(matches!(
            Duration::parse("48"),
            Err(DurationError::NoUnit { .. })
        ));
        assert!(matches!(
            Duration::parse("3mo"),
            Err(DurationError::Calendar { .. })
        ));
        assert!(matches!(
            Duration::parse("1y"),
            Err(DurationError::Calendar { .. })
        ));
        assert!(matches!(
            Duration::parse("5x"),
            Err(DurationError::UnknownUnit { .. })
        ));
        assert!(matches!(
            Duration::parse("h"),
            Err(DurationError::Malformed { .. })
        ));
        assert!(matches!(
            Duration::parse("-1h"),
            Err(DurationError::Malformed { .. })
        ));
        assert!(matches!(Duration::parse(""), Err(DurationError::Empty)));
        assert!(matches!(
            Duration::parse("99999999999999999999d"),
            Err(DurationError::TooLong { .. })
        ));
        assert!(matches!(
            Duration::parse("4000d"),
            Err(DurationError::TooLong { .. })
        ));
    }

    #[test]
    fn display_is_canonical_and_round_trips() {
        for text in ["0s", "48h", "30d", "1d12h", "2h30m", "1d0h1s", "90s"] {
            let d = Duration::parse(text).unwrap();
            let shown = d.to_string();
            assert_eq!(Duration::parse(&shown), Ok(d), "{text} -> {shown}");
        }
        assert_eq!(Duration::from_hours(48).to_string(), "48h");
        assert_eq!(Duration::from_hours(36).to_string(), "36h");
        assert_eq!(Duration::from_days(30).to_string(), "30d");
        assert_eq!(Duration::from_hours(180).to_string(), "7d12h");
        assert_eq!(Duration::from_seconds(9000).to_string(), "2h30m");
    }
}
