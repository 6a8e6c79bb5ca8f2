//! Timestamps in words without a formatting library on the hot path: the
//! same RFC 3339 text as `base::Timestamp`'s `Display` (UTC, `Z`,
//! milliseconds only when not zero), written directly for the years
//! 1970–9998 and left to `Display` outside them.

use std::fmt;

use base::Timestamp;

/// The first millisecond of year 9999 (the formatting library's range ends
/// within that year).
const YEAR_9999_MS: i64 = 253_370_764_800_000;

/// Shows a timestamp as `base::Timestamp` does, faster.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Rfc3339(pub Timestamp);

impl fmt::Display for Rfc3339 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.fast() {
            Some((buf, n)) => f.write_str(
                std::str::from_utf8(buf.get(..n).unwrap_or_default()).unwrap_or_default(),
            ),
            None => write!(f, "{}", self.0),
        }
    }
}

impl Rfc3339 {
    /// Appends the text to `out`.
    pub fn push_to(self, out: &mut String) {
        match self.fast() {
            Some((buf, n)) => out.push_str(
                std::str::from_utf8(buf.get(..n).unwrap_or_default()).unwrap_or_default(),
            ),
            None => out.push_str(&self.0.to_string()),
        }
    }

    /// The text in a buffer, for the years written directly.
    fn fast(self) -> Option<([u8; 24], usize)> {
        let ms = self.0.millis();
        if !(0..YEAR_9999_MS).contains(&ms) {
            return None;
        }
        let (secs, milli) = (ms / 1000, ms % 1000);
        let (days, day_secs) = (secs / 86_400, secs % 86_400);
        // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
        let z = days + 719_468;
        let era = z / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        let mut buf = [0u8; 24];
        let mut n = 0;
        let mut put = |value: i64, width: usize, after: Option<u8>| {
            let mut v = value;
            for i in (0..width).rev() {
                if let Some(b) = buf.get_mut(n + i) {
                    *b = b'0' + (v % 10) as u8;
                }
                v /= 10;
            }
            n += width;
            if let Some(c) = after {
                if let Some(b) = buf.get_mut(n) {
                    *b = c;
                }
                n += 1;
            }
        };
        put(year, 4, Some(b'-'));
        put(month, 2, Some(b'-'));
        put(day, 2, Some(b'T'));
        put(day_secs / 3600, 2, Some(b':'));
        put(day_secs / 60 % 60, 2, Some(b':'));
        if milli == 0 {
            put(day_secs % 60, 2, Some(b'Z'));
        } else {
            put(day_secs % 60, 2, Some(b'.'));
            put(milli, 3, Some(b'Z'));
        }
        Some((buf, n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_as_the_timestamp_itself() {
        let mut ms: i64 = 0x2545_F491;
        let mut samples = vec![
            0,
            1,
            999,
            1000,
            86_399_999,
            951_782_400_000, // 2000-02-29
            4_107_542_399_999,
            YEAR_9999_MS - 1,
            YEAR_9999_MS,
            YEAR_9999_MS + 86_400_000 * 364,
            -1,
            -1500,
            1_762_000_000_000,
        ];
        for _ in 0..20_000 {
            ms = ms.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let v = ms.rem_euclid(YEAR_9999_MS + 10_000);
            samples.push(v);
            samples.push(v - v % 1000);
        }
        for v in samples {
            let t = Timestamp::from_millis(v);
            assert_eq!(Rfc3339(t).to_string(), t.to_string(), "{v}");
            let mut pushed = String::from("at ");
            Rfc3339(t).push_to(&mut pushed);
            assert_eq!(pushed, format!("at {t}"));
        }
    }
}
