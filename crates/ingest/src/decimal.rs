//! Decimal text → fixed-point integers, with integer arithmetic only.
//!
//! Coordinates arrive as text (`38.83737606453269`, `-77.0729993250914`,
//! `5E1`); bulwark keeps them as integers of 10⁻⁷ degree. Going through a
//! float would round twice (text → binary → decimal) and could land one
//! unit off on halfway cases; here the digits are scaled and rounded once,
//! half away from zero, so the same text always gives the same integer.

/// The longest numeral accepted, in bytes.
pub const NUMERAL_BYTES_MAX: usize = 64;
/// The largest exponent magnitude accepted (`1e400` is refused, not infinite).
pub const EXPONENT_MAX: i32 = 400;
/// Significant digits kept; later digits are dropped (they lie far below
/// any scale used here and cannot move a half-away-from-zero rounding).
const DIGITS_KEPT: u32 = 36;

/// `text` (an `xs:decimal` or `xs:double` numeral: sign, digits, an
/// optional fraction and an optional exponent) times 10^`scale`, rounded
/// half away from zero. Surrounding blanks are allowed; `NaN`, `INF`, an
/// empty fraction with no digits at all, and values beyond `i64` are refused.
pub fn scaled(text: &str, scale: u32) -> Result<i64, String> {
    convert(text, scale, Rounding::HalfAwayFromZero)
}

/// `text` in whole units, rounded up (toward positive infinity): an error
/// radius of 9.01 m is 10 m, never 9.
pub fn ceiling(text: &str) -> Result<i64, String> {
    convert(text, 0, Rounding::Up)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Rounding {
    HalfAwayFromZero,
    Up,
}

fn convert(text: &str, scale: u32, rounding: Rounding) -> Result<i64, String> {
    let t = text.trim_matches(|c: char| c == ' ' || c == '\t' || c == '\n' || c == '\r');
    if t.len() > NUMERAL_BYTES_MAX {
        return Err(format!("a number of {} characters is too long", t.len()));
    }
    let bad = || format!("`{t}` is not a decimal number");
    let bytes = t.as_bytes();
    let mut i = 0;
    let negative = match bytes.first() {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let mut mantissa: u128 = 0;
    let mut kept: u32 = 0;
    let mut digits = 0usize;
    // Power of ten to apply to `mantissa` (fraction digits kept count down,
    // integer digits dropped count up).
    let mut exponent: i32 = 0;
    let mut in_fraction = false;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'0'..=b'9' => {
                digits += 1;
                let d = u128::from(b - b'0');
                if mantissa == 0 && d == 0 {
                    // A leading zero: significant only as a place holder.
                    if in_fraction {
                        exponent -= 1;
                    }
                } else if kept < DIGITS_KEPT {
                    mantissa = mantissa * 10 + d;
                    kept += 1;
                    if in_fraction {
                        exponent -= 1;
                    }
                } else if !in_fraction {
                    exponent += 1;
                }
            }
            b'.' if !in_fraction => in_fraction = true,
            _ => break,
        }
        i += 1;
    }
    if digits == 0 {
        return Err(bad());
    }
    if let Some(b'e' | b'E') = bytes.get(i) {
        i += 1;
        let rest = t.get(i..).ok_or_else(bad)?;
        if rest.is_empty() || rest.len() > 5 {
            return Err(bad());
        }
        let e: i32 = rest.parse().map_err(|_| bad())?;
        if e.abs() > EXPONENT_MAX {
            return Err(format!("`{t}`: the exponent is out of range"));
        }
        exponent += e;
        i = bytes.len();
    }
    if i != bytes.len() {
        return Err(bad());
    }
    let shift = exponent + i32::try_from(scale).map_err(|_| bad())?;
    let magnitude: u128 = if shift >= 0 {
        let mut m = mantissa;
        for _ in 0..shift {
            m = m
                .checked_mul(10)
                .filter(|m| *m <= i64::MAX as u128)
                .ok_or_else(|| format!("`{t}` is out of range"))?;
            if m == 0 {
                break;
            }
        }
        m
    } else if -shift > 38 {
        // Far below one unit (the mantissa has at most 36 digits).
        u128::from(rounding == Rounding::Up && !negative && mantissa != 0)
    } else {
        let p = 10u128.pow(shift.unsigned_abs());
        let (q, r) = (mantissa / p, mantissa % p);
        match rounding {
            Rounding::HalfAwayFromZero if r * 2 >= p => q + 1,
            Rounding::Up if r != 0 && !negative => q + 1,
            _ => q,
        }
    };
    let value = i64::try_from(magnitude).map_err(|_| format!("`{t}` is out of range"))?;
    Ok(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_exactly() {
        assert_eq!(scaled("38.83737606453269", 7), Ok(388_373_761));
        assert_eq!(scaled("-77.0729993250914", 7), Ok(-770_729_993));
        assert_eq!(scaled("50.4501", 7), Ok(504_501_000));
        assert_eq!(scaled("0.0", 7), Ok(0));
        assert_eq!(scaled("-0", 7), Ok(0));
        assert_eq!(scaled("+1.5", 0), Ok(2));
        assert_eq!(scaled("-1.5", 0), Ok(-2));
        assert_eq!(scaled("1.49999999999", 0), Ok(1));
        assert_eq!(scaled("5E1", 0), Ok(50));
        assert_eq!(scaled("5e-1", 0), Ok(1));
        assert_eq!(scaled(" 12 ", 0), Ok(12));
        assert_eq!(scaled(".5", 1), Ok(5));
        assert_eq!(scaled("7.", 1), Ok(70));
        assert_eq!(scaled("0.00000005", 7), Ok(1));
        assert_eq!(
            scaled("0.000000049999999999999999999999999999999999", 7),
            Ok(0)
        );
        assert_eq!(scaled("1e-400", 7), Ok(0));
        // 40 significant digits: the ones past 36 are dropped.
        assert!(scaled("1234567890123456789012345678901234567890", 0).is_err());
        assert_eq!(
            scaled("1.000000000000000000000000000000000000009", 0),
            Ok(1)
        );
        assert_eq!(
            scaled("9223372036854775808", 0),
            Err("`9223372036854775808` is out of range".into())
        );
    }

    #[test]
    fn refuses_what_is_not_a_number() {
        for t in [
            "", "-", ".", "NaN", "INF", "1.2.3", "1e", "1e+", "0x10", "1,5", "1e99999", "١",
        ] {
            assert!(scaled(t, 7).is_err(), "{t:?}");
        }
    }

    #[test]
    fn ceilings() {
        assert_eq!(ceiling("9.1"), Ok(10));
        assert_eq!(ceiling("9.0"), Ok(9));
        assert_eq!(ceiling("11"), Ok(11));
        assert_eq!(ceiling("0.0001"), Ok(1));
        assert_eq!(ceiling("-0.5"), Ok(0));
        assert_eq!(ceiling("-1.5"), Ok(-1));
        assert_eq!(ceiling("1e-300"), Ok(1));
    }
}
