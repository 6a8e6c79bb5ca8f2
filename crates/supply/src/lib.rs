//! Commitments against deliveries, pure (no I/O, no clock).
//!
//! Two sources are put in the same terms — who committed what, how much of
//! it has arrived, the share in basis points, and what is still short:
//!
//! - [`kiel`]: the Kiel Institute's Ukraine Support Tracker (CSV, given as
//!   bytes), read into exact euro cents per donor and category, with the
//!   dated activities behind them; [`kiel::Ledger`] is the report.
//! - [`schedule`]: a framework's `[[commitment]]` schedules against a list
//!   of delivery receipts: shortfall per commitment, per party and
//!   category, per period, and the slip of each schedule step in days.
//! - [`chain`]: deliveries as chains of inputs (`model::Delivery`) —
//!   committed, allocated, shipped by the donor, received by the protected
//!   state — kept in a [`chain::Book`]; only receipts count as delivered,
//!   and the book hands them to [`schedule`] as its receipts.
//!
//! Every bad row is refused with its `file:line:column` and a reason; the
//! rest is still read. Amounts and quantities are integers: no floating
//! point reaches a figure.

pub mod chain;
mod csvtext;
pub mod finance;
pub mod jsonl;
pub mod kiel;
pub mod posture;
pub mod schedule;
pub mod stock;

use serde::Serialize;

/// A row or cell refused, where it is and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Refused {
    /// The file's name as given by the caller.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// Why, in words.
    pub reason: String,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.reason
        )
    }
}

/// `part` of `whole` in basis points (10 000 = all of it), rounded half
/// up; `None` when nothing was committed. Can exceed 10 000.
pub fn share_bp(part: i64, whole: i64) -> Option<i64> {
    if whole <= 0 {
        return None;
    }
    let (p, w) = (i128::from(part), i128::from(whole));
    let scaled = p * 10_000;
    let q = scaled.div_euclid(w);
    let r = scaled.rem_euclid(w);
    let rounded = if r * 2 >= w { q + 1 } else { q };
    i64::try_from(rounded).ok()
}

/// Basis points as a percentage with two decimals: `9699` → `96.99%`.
pub fn percent(bp: i64) -> String {
    let sign = if bp < 0 { "-" } else { "" };
    let a = bp.unsigned_abs();
    format!("{sign}{}.{:02}%", a / 100, a % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_round_half_up_and_refuse_nothing_committed() {
        assert_eq!(share_bp(1, 3), Some(3333));
        assert_eq!(share_bp(2, 3), Some(6667));
        assert_eq!(share_bp(5, 5), Some(10_000));
        assert_eq!(share_bp(6, 5), Some(12_000));
        assert_eq!(share_bp(5, 0), None);
        assert_eq!(percent(9699), "96.99%");
        assert_eq!(percent(-5), "-0.05%");
    }
}
