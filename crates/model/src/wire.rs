//! The wire format: JSON lines, one input per line, each an object with
//! `"v"` (the format version) and `"type"`.
//!
//! A line is read in two passes. The first parses it as JSON — refusing a
//! key that appears twice in one object, which JSON parsers disagree about
//! (first wins, last wins, error) and which would let two readers see two
//! different inputs in the same bytes — and checks `v` and `type`. The
//! second reads the input type named by `type` straight from the text
//! (structs only from objects, no `null`: see `strict`), so that an error
//! carries both the column and the field path (`counts.launched`); serde's
//! messages are reworded for people who do not program.

use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::input::*;
use crate::strict::{Body, ObjectsOnly, Strict};

/// The version of the wire format this code reads and writes.
pub const WIRE_VERSION: u64 = 1;
/// The longest line accepted, in bytes.
pub const LINE_BYTES_MAX: usize = 1024 * 1024;
/// The deepest nesting of arrays and objects accepted, the line's own object
/// included: serde_json's recursion limit (128) lets 127 levels through. No
/// input type nests deeper than 4.
pub const NESTING_DEPTH_MAX: usize = 127;

/// The values of `type`, one per input type, in the order of [`Input`]'s
/// variants.
pub const INPUT_TYPES: [&str; 9] = [
    "observation",
    "vote",
    "attestation",
    "review",
    "order_report",
    "delivery",
    "retraction",
    "amendment",
    "outage",
];

/// Why a line was refused, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireError {
    /// 1-based line number within the input given.
    pub line: usize,
    /// 1-based column (in characters), when the position is known; else 1.
    pub column: usize,
    /// The field at fault, e.g. `counts.launched` or `place.track[2].at`,
    /// when the line is JSON but not a valid input.
    pub path: Option<String>,
    /// What is wrong, in words for the person who wrote the line.
    pub message: String,
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}:{}: ", self.line, self.column)?;
        if let Some(path) = &self.path {
            write!(f, "`{path}`: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for WireError {}

/// Decodes one line (without its newline). `line` numbers the error.
pub fn decode_line(text: &str, line: usize) -> Result<Input, WireError> {
    let error = |column: usize, message: String| WireError {
        line,
        column,
        path: None,
        message,
    };
    if text.len() > LINE_BYTES_MAX {
        return Err(error(
            1,
            format!(
                "the line is {} bytes, more than the limit of {LINE_BYTES_MAX}",
                text.len()
            ),
        ));
    }
    let value = match serde_json::from_str::<Strict>(text) {
        Ok(Strict(value)) => value,
        Err(e) => {
            let mut message = strip_position(&e.to_string());
            if message == "recursion limit exceeded" {
                message = format!("arrays and objects nested more than {NESTING_DEPTH_MAX} deep");
            }
            let message = if e.is_syntax() || e.is_eof() {
                format!("not valid JSON: {message}")
            } else {
                message
            };
            return Err(error(column_of(text, &e), message));
        }
    };
    let Value::Object(object) = &value else {
        return Err(error(
            1,
            format!(
                "an input must be a JSON object `{{…}}`, not {}",
                describe(&value)
            ),
        ));
    };
    match object.get("v") {
        None => {
            return Err(error(
                1,
                format!(
                    "no `v`: every input states the wire format version (`\"v\": {WIRE_VERSION}`)"
                ),
            ));
        }
        Some(v) if v.as_u64() == Some(WIRE_VERSION) => {}
        Some(v) => {
            return Err(error(
                1,
                format!(
                    "wire format version {v} is not supported (this is version {WIRE_VERSION})"
                ),
            ));
        }
    }
    let allowed = || {
        INPUT_TYPES
            .iter()
            .map(|t| format!("`{t}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let kind = match object.get("type") {
        None => {
            return Err(error(
                1,
                format!("no `type`: say which input this is, one of {}", allowed()),
            ));
        }
        Some(Value::String(kind)) => kind.as_str(),
        Some(other) => {
            return Err(error(
                1,
                format!(
                    "`type` must be a string, one of {}, not {}",
                    allowed(),
                    describe(other)
                ),
            ));
        }
    };
    let typed = match kind {
        "observation" => body::<Observation>(text).map(Input::Observation),
        "vote" => body::<Vote>(text).map(Input::Vote),
        "attestation" => body::<Attestation>(text).map(Input::Attestation),
        "review" => body::<Review>(text).map(Input::Review),
        "order_report" => body::<OrderReport>(text).map(Input::OrderReport),
        "delivery" => body::<Delivery>(text).map(Input::Delivery),
        "retraction" => body::<Retraction>(text).map(Input::Retraction),
        "amendment" => body::<Amendment>(text).map(Input::Amendment),
        "outage" => body::<Outage>(text).map(Input::Outage),
        other => {
            return Err(error(
                1,
                format!("unknown type `{other}`, expected one of {}", allowed()),
            ));
        }
    };
    typed.map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        WireError {
            line,
            column: column_of(text, &inner),
            path: (path != ".").then_some(path),
            message: humanize(&strip_position(&inner.to_string())),
        }
    })
}

/// Decodes JSON lines: every good line, and an error for every bad one
/// (blank lines and lines starting with `#` are skipped; so is a byte-order
/// mark at the start of the text).
pub fn decode_lines(text: &str) -> (Vec<(usize, Input)>, Vec<WireError>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        // The untrimmed line, so that columns count from its real start.
        match decode_line(raw, i + 1) {
            Ok(input) => inputs.push((i + 1, input)),
            Err(e) => errors.push(e),
        }
    }
    (inputs, errors)
}

/// Encodes one input as its canonical line (RFC 8785, no newline).
pub fn encode_line(input: &Input) -> String {
    crate::canonical::to_string(input)
}

/// The input type `T` read from the whole line, with `v` and `type` (checked
/// by the first pass) skipped at the top level.
fn body<T: DeserializeOwned>(
    text: &str,
) -> Result<T, serde_path_to_error::Error<serde_json::Error>> {
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(ObjectsOnly(Body(&mut de)))
}

/// The 1-based character column of a serde_json error (which counts bytes).
fn column_of(text: &str, e: &serde_json::Error) -> usize {
    let bytes = e.column();
    if e.line() != 1 || bytes == 0 {
        return bytes.max(1);
    }
    let mut end = bytes.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).map_or(1, |s| s.chars().count().max(1))
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message.get(..i).unwrap_or(message).to_string(),
        None => message.to_string(),
    }
}

/// A JSON value named for a person: `an array`, `the number 3`, ….
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {}", Value::String(s.clone())),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// Rewords serde's type errors ("invalid type: string \"12\", expected u32")
/// without Rust type names ("expected a whole number from 0 to 4294967295,
/// found the string \"12\"").
fn humanize(message: &str) -> String {
    for prefix in ["invalid type: ", "invalid value: "] {
        let Some(rest) = message.strip_prefix(prefix) else {
            continue;
        };
        let Some((found, expected)) = rest.rsplit_once(", expected ") else {
            continue;
        };
        return format!(
            "expected {}, found {}",
            expected_words(expected),
            found_words(found)
        );
    }
    message.to_string()
}

fn expected_words(expected: &str) -> String {
    let words = match expected {
        "u8" => "a whole number from 0 to 255",
        "u16" => "a whole number from 0 to 65535",
        "u32" => "a whole number from 0 to 4294967295",
        "u64" => "a whole number from 0 to 18446744073709551615",
        "i32" => "a whole number from -2147483648 to 2147483647",
        "i64" => "a whole number from -9223372036854775808 to 9223372036854775807",
        "a sequence" => "an array `[…]`",
        "a map" => "an object `{…}`",
        "a boolean" => "`true` or `false`",
        other => {
            if let Some(name) = other.strip_prefix("struct ") {
                return format!("an object `{{…}}` ({name})");
            }
            if let Some(name) = other.strip_prefix("enum ") {
                return format!("one of the names of {name}");
            }
            other
        }
    };
    words.to_string()
}

fn found_words(found: &str) -> String {
    if let Some(rest) = found.strip_prefix("integer ") {
        return format!("the number {}", rest.trim_matches('`'));
    }
    if let Some(rest) = found.strip_prefix("floating point ") {
        return format!(
            "the number {} (only whole numbers are used)",
            rest.trim_matches('`')
        );
    }
    if let Some(rest) = found.strip_prefix("string ") {
        return format!("the string {rest}");
    }
    if let Some(rest) = found.strip_prefix("boolean ") {
        return rest.to_string();
    }
    match found {
        "map" => "an object".into(),
        "sequence" => "an array".into(),
        "unit value" | "null" => "null".into(),
        other => other.to_string(),
    }
}
