//! The wire format: JSON lines, one input per line, each an object with
//! `"v"` (the format version) and `"type"`.

use std::fmt;

use crate::input::Input;

/// The version of the wire format this code reads and writes.
pub const WIRE_VERSION: u64 = 1;
/// The longest line accepted, in bytes.
pub const LINE_BYTES_MAX: usize = 1024 * 1024;

/// Why a line was refused, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireError {
    /// 1-based line number within the input given.
    pub line: usize,
    /// 1-based column, when the position is known.
    pub column: usize,
    pub message: String,
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for WireError {}

/// Decodes one line (without its newline). `line` numbers the error.
pub fn decode_line(text: &str, line: usize) -> Result<Input, WireError> {
    let error = |column: usize, message: String| WireError { line, column, message };
    if text.len() > LINE_BYTES_MAX {
        return Err(error(1, format!("the line is {} bytes, more than the limit of {LINE_BYTES_MAX}", text.len())));
    }
    let mut value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| error(e.column().max(1), format!("not valid JSON: {}", strip_position(&e.to_string()))))?;
    let Some(object) = value.as_object_mut() else {
        return Err(error(1, "an input must be a JSON object".into()));
    };
    match object.remove("v") {
        None => return Err(error(1, format!("no `v`: every input states the wire format version (`\"v\": {WIRE_VERSION}`)"))),
        Some(v) if v.as_u64() == Some(WIRE_VERSION) => {}
        Some(v) => {
            return Err(error(1, format!("wire format version {v} is not supported (this is version {WIRE_VERSION})")));
        }
    }
    if !object.contains_key("type") {
        return Err(error(1, "no `type`: say which input this is, e.g. `\"type\": \"observation\"`".into()));
    }
    serde_json::from_value::<Input>(value).map_err(|e| error(1, e.to_string()))
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message.get(..i).unwrap_or(message).to_string(),
        None => message.to_string(),
    }
}

/// Decodes JSON lines: every good line, and an error for every bad one
/// (blank lines and lines starting with `#` are skipped).
pub fn decode_lines(text: &str) -> (Vec<(usize, Input)>, Vec<WireError>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        match decode_line(trimmed, i + 1) {
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
