//! Per-party rate limits: a generic cell rate algorithm (GCRA) per key —
//! `rate` requests a second on average, bursts of up to `burst` — with the
//! time an argument, so the limiter is deterministic under test.
//!
//! Written here rather than taken from `governor`: the algorithm is a
//! dozen lines, and `governor` would bring its own clock, a concurrent map
//! and their dependencies to the node for what one mutex-guarded map does.

use std::collections::HashMap;
use std::sync::Mutex;

/// Requests per second and burst, per key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// Sustained requests per second (≥ 1).
    pub rate: u32,
    /// Requests allowed at once after a quiet period (≥ 1).
    pub burst: u32,
}

impl Limit {
    /// Parses `RATE/s` or `RATE/s,BURST` (e.g. `50/s,200`).
    pub fn parse(text: &str) -> Result<Limit, String> {
        let bad = || {
            format!(
                "`{text}` is not a rate limit: write requests per second and an optional burst, e.g. `50/s` or `50/s,200`"
            )
        };
        let (rate, burst) = match text.split_once(',') {
            Some((r, b)) => (r, Some(b)),
            None => (text, None),
        };
        let rate: u32 = rate
            .trim()
            .strip_suffix("/s")
            .ok_or_else(bad)?
            .parse()
            .map_err(|_| bad())?;
        let burst: u32 = match burst {
            Some(b) => b.trim().parse().map_err(|_| bad())?,
            None => rate.saturating_mul(2),
        };
        if rate == 0 || burst == 0 {
            return Err(format!(
                "`{text}`: a rate limit of zero would refuse everything; give at least `1/s,1`"
            ));
        }
        Ok(Limit { rate, burst })
    }
}

/// The limiter: for each key, the theoretical arrival time of its next
/// request, in microseconds.
#[derive(Debug)]
pub struct Limiter {
    limit: Limit,
    tat: Mutex<HashMap<String, i64>>,
}

impl Limiter {
    pub fn new(limit: Limit) -> Limiter {
        Limiter {
            limit,
            tat: Mutex::new(HashMap::new()),
        }
    }

    pub fn limit(&self) -> Limit {
        self.limit
    }

    /// Counts one request by `key` at `now_us`: `Ok` when within the
    /// limit, or `Err(micros)` to wait before the next one is allowed.
    pub fn check(&self, key: &str, now_us: i64) -> Result<(), i64> {
        let interval = 1_000_000 / i64::from(self.limit.rate.max(1));
        let tolerance = interval * i64::from(self.limit.burst.max(1) - 1);
        let mut tat = self.tat.lock().unwrap_or_else(|p| p.into_inner());
        let t = tat.get(key).copied().unwrap_or(now_us).max(now_us);
        let allowed_at = t - tolerance;
        if now_us < allowed_at {
            return Err(allowed_at - now_us);
        }
        tat.insert(key.to_string(), t + interval);
        if tat.len() > 100_000 {
            // Forget keys whose bucket is full again.
            tat.retain(|_, v| *v > now_us);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_rates() {
        assert_eq!(
            Limit::parse("50/s").unwrap(),
            Limit {
                rate: 50,
                burst: 100
            }
        );
        assert_eq!(Limit::parse("5/s,7").unwrap(), Limit { rate: 5, burst: 7 });
        for bad in ["50", "x/s", "0/s", "5/s,0", "5/m"] {
            assert!(Limit::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_burst_then_the_rate_then_refusal_with_the_wait() {
        let l = Limiter::new(Limit { rate: 10, burst: 3 });
        // A burst of 3 at once; the 4th must wait 100 ms (one interval).
        for _ in 0..3 {
            assert_eq!(l.check("us", 0), Ok(()));
        }
        assert_eq!(l.check("us", 0), Err(100_000));
        // Another party is not affected.
        assert_eq!(l.check("uk", 0), Ok(()));
        // After 100 ms one more is allowed, not two.
        assert_eq!(l.check("us", 100_000), Ok(()));
        assert!(l.check("us", 100_000).is_err());
        // Sustained at the rate, always allowed.
        let mut t = 10_000_000;
        for _ in 0..100 {
            assert_eq!(l.check("pl", t), Ok(()));
            t += 100_000;
        }
        // Over 10 s at 20/s, about 10/s + the burst pass.
        let l = Limiter::new(Limit { rate: 10, burst: 3 });
        let passed = (0..200)
            .filter(|i| l.check("x", i * 50_000).is_ok())
            .count();
        assert!((100..=103).contains(&passed), "{passed}");
    }
}
