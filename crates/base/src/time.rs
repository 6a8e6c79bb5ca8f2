//! Instants in UTC, with millisecond resolution, written as RFC 3339.
//!
//! Time is data here: nothing in this crate reads the clock. The engine's
//! "now" is the recorded time of the input it is processing.

use std::fmt;

use crate::Duration;

/// An instant: milliseconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    millis: i64,
}

impl Timestamp {
    pub const fn from_millis(millis: i64) -> Timestamp {
        Timestamp { millis }
    }

    pub const fn from_seconds(seconds: i64) -> Timestamp {
        Timestamp {
            millis: seconds * 1000,
        }
    }

    pub const fn millis(self) -> i64 {
        self.millis
    }

    /// `self + d`, saturating.
    pub fn plus(self, d: Duration) -> Timestamp {
        Timestamp {
            millis: self.millis.saturating_add(d.seconds().saturating_mul(1000)),
        }
    }

    /// `self - d`, saturating.
    pub fn minus(self, d: Duration) -> Timestamp {
        Timestamp {
            millis: self.millis.saturating_sub(d.seconds().saturating_mul(1000)),
        }
    }

    /// Whole seconds from `earlier` to `self` (negative if `earlier` is later).
    pub fn seconds_since(self, earlier: Timestamp) -> i64 {
        (self.millis - earlier.millis).div_euclid(1000)
    }

    /// Parses RFC 3339 (`2025-10-10T04:00:00Z`, `…+03:00`, fractional seconds
    /// down to milliseconds). A time without an offset is refused: it is
    /// ambiguous.
    pub fn parse(text: &str) -> Result<Timestamp, String> {
        let ts: jiff::Timestamp = text.parse().map_err(|e: jiff::Error| {
            format!(
                "`{text}` is not an RFC 3339 time with an offset (e.g. `2025-10-10T04:00:00Z`): {e}"
            )
        })?;
        if ts.subsec_nanosecond() % 1_000_000 != 0 {
            return Err(format!("`{text}` is more precise than a millisecond"));
        }
        Ok(Timestamp {
            millis: ts.as_millisecond(),
        })
    }
}

impl fmt::Display for Timestamp {
    /// RFC 3339 in UTC with `Z`; milliseconds only when not zero.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match jiff::Timestamp::from_millisecond(self.millis) {
            Ok(ts) if self.millis % 1000 == 0 => write!(f, "{}", ts.strftime("%Y-%m-%dT%H:%M:%SZ")),
            Ok(ts) => write!(f, "{}", ts.strftime("%Y-%m-%dT%H:%M:%S%.3fZ")),
            Err(_) => write!(f, "@{}ms", self.millis),
        }
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Timestamp::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for Timestamp {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Timestamp".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date-time",
            "description": "An RFC 3339 time with an offset, e.g. `2025-10-10T04:00:00Z`."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_rfc3339() {
        let t = Timestamp::parse("2022-10-10T04:00:00Z").unwrap();
        assert_eq!(t.millis(), 1_665_374_400_000);
        assert_eq!(t.to_string(), "2022-10-10T04:00:00Z");
        let k = Timestamp::parse("2022-10-10T07:00:00+03:00").unwrap();
        assert_eq!(k, t);
        let ms = Timestamp::parse("2022-10-10T04:00:00.250Z").unwrap();
        assert_eq!(ms.to_string(), "2022-10-10T04:00:00.250Z");
        assert_eq!(ms.seconds_since(t), 0);
        assert_eq!(
            t.plus(Duration::from_hours(48)).to_string(),
            "2022-10-12T04:00:00Z"
        );
    }

    #[test]
    fn refuses_ambiguous_times() {
        assert!(Timestamp::parse("2022-10-10T04:00:00").is_err());
        assert!(Timestamp::parse("2022-10-10").is_err());
        assert!(Timestamp::parse("yesterday").is_err());
        assert!(Timestamp::parse("2022-10-10T04:00:00.000001Z").is_err());
    }
}
