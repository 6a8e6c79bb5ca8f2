//! Snapshots of a [`Decider`](crate::Decider): its state written to bytes
//! so that a node can restart from it instead of from the start of the log
//! ([`Decider::snapshot`](crate::Decider::snapshot),
//! [`Decider::restore`](crate::Decider::restore)).
//!
//! # The format (version [`SNAPSHOT_FORMAT`])
//!
//! ```text
//! {"format":"bulwark-snapshot","version":1,"engine":"0.1.0","frameworks":["<sha256>",…],"body_len":N,"sha256":"<sha256>"}\n
//! <body: N bytes of JSON>
//! ```
//!
//! - One header line of JSON, then the body. The header names the format
//!   and its version, the engine version that wrote it (for the record;
//!   compatibility is the format version's), the identity hash of every
//!   framework version the decider was made with, in the order given (the
//!   first in force at the start, then the amendments), the body's length,
//!   and a SHA-256 over the header line (written with `sha256` empty), its
//!   newline and the body: any byte changed anywhere is refused.
//! - The body holds the mutable state only: the engine's (inputs seen,
//!   incidents, breaches, clocks, indexes, pruning), the ladder's
//!   (breaches, activations, votes, orders, clocks, relief) and the
//!   decider's (version in force, the ladder inputs seen). The compiled
//!   frameworks are not in it: restore compiles them again from the files,
//!   so a restore is refused unless the files given have exactly the hashes
//!   recorded, in the same order.
//! - The same state gives the same bytes: every map written is ordered (the
//!   engine's hash table of inputs seen is written sorted by identity, its
//!   heaps sorted), shared data (identities, names) is written as values,
//!   and there is no floating point. A snapshot restored and taken again
//!   gives identical bytes.
//! - A restored decider decides exactly as the one the snapshot was taken
//!   of: the same later inputs give the same steps, a duplicate of an input
//!   taken before the snapshot is answered as a duplicate, and no tier
//!   activates twice for one breach.
//! - Bytes are input: anything else — another format, another format
//!   version, a truncated or altered body, a body that decodes but whose
//!   tables do not hang together — is refused with a [`SnapshotError`],
//!   never a panic. Changing the body's shape means a new format version.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::state::EngineError;

/// The version of the snapshot format this engine writes and reads.
pub const SNAPSHOT_FORMAT: u32 = 1;

const MAGIC: &str = "bulwark-snapshot";

/// Why a snapshot cannot be taken or restored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SnapshotError {
    /// The bytes do not start with a snapshot header.
    NotASnapshot(String),
    /// A snapshot of another format version.
    FormatVersion { found: u32, supported: u32 },
    /// The framework versions given are not those the snapshot was taken
    /// over: at `position` (0: the first, in force at the start; then the
    /// amendments, in order), the hash `expected` was recorded and `given`
    /// was given (`None`: no version at that position).
    FrameworkMismatch {
        position: usize,
        expected: Option<String>,
        given: Option<String>,
    },
    /// The body is truncated, altered, or does not decode.
    Corrupt(String),
    /// The body decodes but its tables do not hang together.
    Inconsistent(String),
    /// The frameworks given cannot be run (as [`crate::Decider::with_versions`]).
    Framework(EngineError),
    /// The state could not be written (never expected).
    Encode(String),
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapshotError::NotASnapshot(why) => write!(f, "not a bulwark snapshot: {why}"),
            SnapshotError::FormatVersion { found, supported } => write!(
                f,
                "snapshot format version {found} is not supported: this engine reads version {supported} only; replay the log instead"
            ),
            SnapshotError::FrameworkMismatch {
                position,
                expected,
                given,
            } => {
                let which = if *position == 0 {
                    "the framework in force at the start".to_string()
                } else {
                    format!("amendment {position}")
                };
                match (expected, given) {
                    (Some(e), Some(g)) => write!(
                        f,
                        "the snapshot was taken over another framework: for {which} it expects sha256 {e}, but was given sha256 {g}"
                    ),
                    (Some(e), None) => write!(
                        f,
                        "the snapshot was taken over more framework versions: {which} (sha256 {e}) was not given"
                    ),
                    (None, Some(g)) => write!(
                        f,
                        "the snapshot was taken over fewer framework versions: {which} (sha256 {g}) was given but is not in the snapshot"
                    ),
                    (None, None) => write!(f, "the framework versions given do not match"),
                }
            }
            SnapshotError::Corrupt(why) => write!(f, "the snapshot is corrupt: {why}"),
            SnapshotError::Inconsistent(why) => {
                write!(f, "the snapshot's state does not hang together: {why}")
            }
            SnapshotError::Framework(e) => write!(f, "{e}"),
            SnapshotError::Encode(why) => write!(f, "the snapshot could not be written: {why}"),
        }
    }
}

impl std::error::Error for SnapshotError {}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    format: String,
    version: u32,
    engine: String,
    frameworks: Vec<String>,
    body_len: u64,
    /// Over the header line with this field empty, `\n`, and the body.
    sha256: String,
}

impl Header {
    /// The digest over this header (with `sha256` empty) and `body`.
    fn digest(&self, body: &[u8]) -> Result<String, SnapshotError> {
        let unsigned = Header {
            format: self.format.clone(),
            version: self.version,
            engine: self.engine.clone(),
            frameworks: self.frameworks.clone(),
            body_len: self.body_len,
            sha256: String::new(),
        };
        let mut hasher = Sha256::new();
        hasher.update(
            serde_json::to_vec(&unsigned).map_err(|e| SnapshotError::Encode(e.to_string()))?,
        );
        hasher.update(b"\n");
        hasher.update(body);
        Ok(hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect())
    }
}

/// Only what every format version's header has.
#[derive(Deserialize)]
struct Probe {
    format: String,
    version: u32,
}

/// Writes `body` under a header naming the framework versions.
pub(crate) fn encode<T: Serialize>(
    frameworks: &[String],
    body: &T,
) -> Result<Vec<u8>, SnapshotError> {
    let body = serde_json::to_vec(body).map_err(|e| SnapshotError::Encode(e.to_string()))?;
    let mut header = Header {
        format: MAGIC.into(),
        version: SNAPSHOT_FORMAT,
        engine: crate::ENGINE_VERSION.into(),
        frameworks: frameworks.to_vec(),
        body_len: body.len() as u64,
        sha256: String::new(),
    };
    header.sha256 = header.digest(&body)?;
    let mut out = serde_json::to_vec(&header).map_err(|e| SnapshotError::Encode(e.to_string()))?;
    out.push(b'\n');
    out.extend_from_slice(&body);
    Ok(out)
}

/// Reads a snapshot's body, checking its header against the framework
/// versions given (their hashes, in order).
pub(crate) fn decode<T: for<'de> Deserialize<'de>>(
    frameworks: &[String],
    bytes: &[u8],
) -> Result<T, SnapshotError> {
    let Some(newline) = bytes.iter().position(|&b| b == b'\n') else {
        return Err(SnapshotError::NotASnapshot(
            "no header line (empty or truncated)".into(),
        ));
    };
    let (head, rest) = bytes.split_at(newline);
    let body = rest.get(1..).unwrap_or_default();
    let probe: Probe = serde_json::from_slice(head).map_err(|e| {
        SnapshotError::NotASnapshot(format!("the first line is not a snapshot header: {e}"))
    })?;
    if probe.format != MAGIC {
        return Err(SnapshotError::NotASnapshot(format!(
            "the header names format `{}`, not `{MAGIC}`",
            probe.format
        )));
    }
    if probe.version != SNAPSHOT_FORMAT {
        return Err(SnapshotError::FormatVersion {
            found: probe.version,
            supported: SNAPSHOT_FORMAT,
        });
    }
    let header: Header =
        serde_json::from_slice(head).map_err(|e| SnapshotError::Corrupt(format!("header: {e}")))?;
    let positions = header.frameworks.len().max(frameworks.len());
    for position in 0..positions {
        let expected = header.frameworks.get(position);
        let given = frameworks.get(position);
        if expected != given {
            return Err(SnapshotError::FrameworkMismatch {
                position,
                expected: expected.cloned(),
                given: given.cloned(),
            });
        }
    }
    if body.len() as u64 != header.body_len {
        return Err(SnapshotError::Corrupt(format!(
            "the body is {} bytes, the header says {} (truncated or extended)",
            body.len(),
            header.body_len
        )));
    }
    let actual = header.digest(body)?;
    if actual != header.sha256 {
        return Err(SnapshotError::Corrupt(format!(
            "its sha256 is {actual}, the header says {} (altered)",
            header.sha256
        )));
    }
    serde_json::from_slice(body).map_err(|e| SnapshotError::Corrupt(format!("body: {e}")))
}
