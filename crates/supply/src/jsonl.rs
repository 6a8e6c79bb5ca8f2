//! JSON lines as the supply readers take them: one object a line, blank
//! lines and lines starting with `#` skipped, each bad line refused with
//! its `file:line:column` while the good ones are still read.

use serde::de::DeserializeOwned;

use crate::Refused;

/// The most lines one file may hold; the rest are refused at once.
pub const LINES_MAX: usize = 10_000_000;

/// Reads every line of `bytes` as a `W`, then hands it to `accept`, which
/// turns it into a `T` or refuses it with a reason (column 1). Serde's
/// errors keep their column.
pub fn read<W, T>(
    file: &str,
    bytes: &[u8],
    what: &str,
    mut accept: impl FnMut(W, u32) -> Result<T, String>,
) -> (Vec<T>, Vec<Refused>)
where
    W: DeserializeOwned,
{
    let mut out = Vec::new();
    let mut refused = Vec::new();
    for (i, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let refuse = |column: usize, reason: String| Refused {
            file: file.into(),
            line,
            column: u32::try_from(column).unwrap_or(u32::MAX).max(1),
            reason,
        };
        if i >= LINES_MAX {
            refused.push(refuse(
                1,
                format!("more than {LINES_MAX} lines: the rest of the file is not read"),
            ));
            break;
        }
        let trimmed = raw.trim_ascii();
        if trimmed.is_empty() || trimmed.starts_with(b"#") {
            continue;
        }
        match serde_json::from_slice::<W>(raw) {
            Ok(w) => match accept(w, line) {
                Ok(t) => out.push(t),
                Err(why) => refused.push(refuse(1, why)),
            },
            Err(e) => refused.push(refuse(e.column(), format!("not {what}: {e}"))),
        }
    }
    (out, refused)
}
