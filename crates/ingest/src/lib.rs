//! The world's formats turned into bulwark's inputs.
//!
//! Each converter reads the bytes of one file (or one connection's stream)
//! and returns an [`Outcome`]: the observations it made, the records it
//! passed over on purpose (a friendly position report says nothing about a
//! breach) and the records it refused, each with its byte offset, line and
//! column. A bad record never stops the others. What the converters emit is
//! `model::Observation`, written by the caller with `model::encode_line`.
//!
//! - [`cot`]: Cursor-on-Target XML events, one document or a TAK client's
//!   TCP stream (events back to back, no delimiter), with [`cot::Splitter`]
//!   framing a stream that arrives in pieces.
//! - [`stix`]: STIX 2.1 bundles → cyber-intrusion observations with
//!   attribution.
//! - [`geojson`]: zones and lines (RFC 7946) → a checked summary, and
//!   framework zone entries.
//! - [`stix_out`]: the reverse — a certified cyber breach's evidence as a
//!   STIX 2.1 bundle.
//! - [`table`]: CSV tables through a mapping file (attack reports, air-raid
//!   alerts): a new source needs a mapping, not code.
//! - [`ftm`]: FollowTheMoney entities (OpenSanctions) → sanctions targets,
//!   with references between entities resolved and those to entities
//!   absent from the file tolerated.
//! - [`decimal`]: decimal text → fixed-point integers, exactly.
//!
//! The mappings (CoT `type` → kind, `how` → confidence, STIX confidence →
//! basis points) are tables in the code and in `docs/ingest.md`; a test
//! keeps the two in step.
//!
//! Architecture Invariant: this crate does no I/O, never reads the clock and
//! never panics on input. The same bytes give the same observations in the
//! same order.

pub mod cot;
pub mod decimal;
pub mod ftm;
pub mod geojson;
pub mod stix;
pub mod stix_out;
pub mod table;

use model::Observation;

/// Who submits what a converter makes: the parts of an observation's
/// identity and class that the source format does not say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Defaults {
    /// The submitting party (a framework party id).
    pub party: String,
    /// The party's source (sensor, cell, feed).
    pub source: String,
    /// The source class (a framework `source_class` id).
    pub class: String,
}

/// Where a record sits in its input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// Byte offset from the start of the input (or of the connection).
    pub offset: u64,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

/// A record passed over or refused: where, which record, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub at: Position,
    /// The record's own name where it has one (a CoT `uid`, a STIX `id`).
    pub record: Option<String>,
    /// Why, in words for the person who sent it.
    pub message: String,
}

/// What a converter made of one input.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Records read (CoT events, STIX objects, GeoJSON features).
    pub read: usize,
    /// The observations made, in input order.
    pub observations: Vec<Observation>,
    /// Records that carry no observation, by design (not an error).
    pub skipped: Vec<Note>,
    /// Records refused: malformed, hostile, out of range.
    pub rejected: Vec<Note>,
}

impl Outcome {
    /// Adds another outcome's records after this one's.
    pub fn extend(&mut self, other: Outcome) {
        self.read += other.read;
        self.observations.extend(other.observations);
        self.skipped.extend(other.skipped);
        self.rejected.extend(other.rejected);
    }

    /// Fills in line and column of every note from byte offsets into `bytes`.
    /// Columns count characters (UTF-8 sequences); a byte that is not
    /// UTF-8 counts as one. No note: nothing is scanned.
    pub fn locate(&mut self, bytes: &[u8]) {
        if self.skipped.is_empty() && self.rejected.is_empty() {
            return;
        }
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
        for note in self.skipped.iter_mut().chain(self.rejected.iter_mut()) {
            let offset = usize::try_from(note.at.offset)
                .unwrap_or(usize::MAX)
                .min(bytes.len());
            let line = line_starts.partition_point(|s| *s <= offset).max(1) - 1;
            let start = line_starts.get(line).copied().unwrap_or(0);
            let column = bytes
                .get(start..offset)
                .map_or(0, |b| b.iter().filter(|&&c| c & 0xC0 != 0x80).count());
            note.at.line = u32::try_from(line + 1).unwrap_or(u32::MAX);
            note.at.column = u32::try_from(column + 1).unwrap_or(u32::MAX);
        }
    }
}

/// Checks an observation as the wire format would; a converter refuses
/// what `Input::validate` would refuse rather than write a line the engine
/// cannot read.
pub(crate) fn validated(observation: Observation) -> Result<Observation, String> {
    let input = model::Input::Observation(observation);
    let problems = input.validate();
    if !problems.is_empty() {
        return Err(problems.join("; "));
    }
    match input {
        model::Input::Observation(o) => Ok(o),
        // INVARIANT: built as an observation just above.
        _ => Err("internal: not an observation".to_string()),
    }
}

/// An RFC 3339 time; digits finer than a millisecond (pytak and STIX may
/// write microseconds) are dropped, which rounds toward the past.
pub(crate) fn time_ms(text: &str) -> Result<base::Timestamp, String> {
    if let Some(millis) = utc_ms(text.as_bytes()) {
        return Ok(base::Timestamp::from_millis(millis));
    }
    let t = text.trim();
    let Some(dot) = t.find('.') else {
        return base::Timestamp::parse(t);
    };
    let digits = t
        .get(dot + 1..)
        .map_or(0, |f| f.bytes().take_while(u8::is_ascii_digit).count());
    if digits <= 3 {
        return base::Timestamp::parse(t);
    }
    let head = t.get(..dot + 4).unwrap_or(t);
    let tail = t.get(dot + 1 + digits..).unwrap_or("");
    base::Timestamp::parse(&format!("{head}{tail}"))
}

/// The common shape of [`time_ms`]'s input, read without a general
/// parser: `YYYY-MM-DDTHH:MM:SS` (year 1000–9998), an optional fraction
/// of at least one digit (truncated to milliseconds) and `Z`. Anything
/// else (an offset, blanks, a leap second, a lowercase `t`/`z`, a field
/// out of range) is `None`, left to the full parser, so this gives what it
/// gives wherever it gives anything.
fn utc_ms(t: &[u8]) -> Option<i64> {
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        t.get(range)?.iter().try_fold(0i64, |n, &b| {
            b.is_ascii_digit().then(|| n * 10 + i64::from(b - b'0'))
        })
    };
    if t.get(4) != Some(&b'-')
        || t.get(7) != Some(&b'-')
        || t.get(10) != Some(&b'T')
        || t.get(13) != Some(&b':')
        || t.get(16) != Some(&b':')
    {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    };
    if !(1000..=9998).contains(&year)
        || !(1..=month_days).contains(&day)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let mut millis = 0;
    let mut i = 19;
    if t.get(i) == Some(&b'.') {
        i += 1;
        let first = i;
        while let Some(b) = t.get(i).filter(|b| b.is_ascii_digit()) {
            if i - first < 3 {
                millis = millis * 10 + i64::from(b - b'0');
            }
            i += 1;
        }
        match i - first {
            0 => return None,
            1 => millis *= 100,
            2 => millis *= 10,
            _ => {}
        }
    }
    if t.get(i) != Some(&b'Z') || i + 1 != t.len() {
        return None;
    }
    // Days from 1970-01-01 to the date (proleptic Gregorian; H. Hinnant's
    // `days_from_civil`).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quick_time_reader_agrees_with_the_full_parser() {
        let mut texts = vec![
            "2025-11-14T01:41:07.123456Z".to_string(),
            "2025-11-14T01:41:07Z".to_string(),
            "2025-11-14T01:41:07.1Z".to_string(),
            "2025-11-14T01:41:07.12Z".to_string(),
            "2025-11-14T01:41:07.Z".to_string(),
            "2025-11-14T01:41:07.1234567890123Z".to_string(),
            "2025-11-14T01:41:60Z".to_string(),
            "2025-11-14t01:41:07z".to_string(),
            "2025-11-14T01:41:07+03:00".to_string(),
            " 2025-11-14T01:41:07Z".to_string(),
            "2025-11-14T01:41:07Z ".to_string(),
            "2025-13-14T01:41:07Z".to_string(),
            "2025-11-31T01:41:07Z".to_string(),
            "2025-1-14T01:41:07Z".to_string(),
            "+2025-11-14T01:41:07Z".to_string(),
            "9999-12-31T23:59:59Z".to_string(),
            "0000-01-01T00:00:00Z".to_string(),
        ];
        for year in [1000, 1600, 1899, 1900, 1969, 1970, 2000, 2024, 2100, 9998] {
            for (month, day) in [(1, 1), (2, 28), (2, 29), (2, 30), (3, 1), (12, 31)] {
                for (h, m, s) in [(0, 0, 0), (23, 59, 59), (12, 30, 1)] {
                    texts.push(format!(
                        "{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.987Z"
                    ));
                }
            }
        }
        for text in &texts {
            let full = {
                let t = text.trim();
                match t.find('.') {
                    Some(dot)
                        if t.len() > dot + 4
                            && t[dot + 4..].starts_with(|c: char| c.is_ascii_digit()) =>
                    {
                        let digits = t[dot + 1..].bytes().take_while(u8::is_ascii_digit).count();
                        base::Timestamp::parse(&format!(
                            "{}{}",
                            &t[..dot + 4],
                            &t[dot + 1 + digits..]
                        ))
                    }
                    _ => base::Timestamp::parse(t),
                }
            };
            if let Some(ms) = utc_ms(text.as_bytes()) {
                assert_eq!(Ok(base::Timestamp::from_millis(ms)), full, "{text}");
            }
            assert_eq!(time_ms(text), full, "{text}");
        }
        assert!(utc_ms(b"2025-11-14T01:41:07.123456Z").is_some());
        assert!(utc_ms(b"2024-02-29T23:59:59Z").is_some());
    }

    fn note(offset: u64) -> Note {
        Note {
            at: Position {
                offset,
                line: 0,
                column: 0,
            },
            record: None,
            message: String::new(),
        }
    }

    #[test]
    fn locate_counts_lines_and_characters_not_bytes() {
        let bytes = "ab\nbé<x\n\n<y".as_bytes();
        let mut out = Outcome {
            skipped: vec![note(0), note(3)],
            // `<x` after the two-byte `é`: byte 6, character column 3 (byte column 4).
            rejected: vec![note(6), note(10), note(999)],
            ..Outcome::default()
        };
        out.locate(bytes);
        let at: Vec<(u32, u32)> = out
            .skipped
            .iter()
            .chain(&out.rejected)
            .map(|n| (n.at.line, n.at.column))
            .collect();
        assert_eq!(at, [(1, 1), (2, 1), (2, 3), (4, 1), (4, 3)]);
    }
}
