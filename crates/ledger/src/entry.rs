//! What a log entry is: one JSON object, logged as its RFC 8785 canonical
//! bytes (docs/ledger.md, "Log entries").
//!
//! - `{"entry":"input","at":T,"input":{…}}` — an input as received, in the
//!   wire format, with its recorded time;
//! - `{"entry":"restricted","at":T,"commitment":HEX}` — a restricted input,
//!   logged as a salted commitment ([`commit`]) so that its hash reveals
//!   nothing; whoever holds the salt and the input can prove the entry;
//! - `{"entry":"decision","decision":KIND,…}` — a decision, its fields as
//!   the engine gives them; a certification also names the framework hash
//!   and, under `evidence`, the log index of every observation of its
//!   incidents and of every review it rests on;
//! - `{"entry":"key","at":T,"key":RECORD}` — a change to the parties' key
//!   registry (docs/keys.md): RECORD is `{"type":"enrol","party":P,
//!   "root":VKEY}` when the node operator enrols a party's first root key,
//!   or a key statement as the party's root signed it,
//!   `{"statement":{…},"signature":B64}`. The `keyring` crate rebuilds the
//!   registry from these entries, re-verifying every signature.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::merkle::{self, Hash};

/// The domain-separation prefix of a commitment.
const COMMITMENT_DOMAIN: &[u8] = b"bulwark-commitment/v1\0";

/// The canonical (RFC 8785) bytes of an entry: its leaf data.
pub fn canonical(value: &Value) -> Vec<u8> {
    base::jcs::to_vec(value)
}

/// `SHA-256("bulwark-commitment/v1" ‖ 0x00 ‖ salt ‖ input)`: the
/// commitment to a restricted input's canonical bytes.
pub fn commit(salt: &[u8; 32], input: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update(COMMITMENT_DOMAIN);
    h.update(salt);
    h.update(input);
    h.finalize().into()
}

/// An entry named in a certification's evidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Named {
    /// Its log index.
    pub index: u64,
    /// The input's identity, `party/source/message`.
    pub input: String,
}

/// What a certification rests on.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// Per incident, every observation that joined it, in log order.
    pub incidents: BTreeMap<String, Vec<Named>>,
    /// The reviews of the breach, in log order.
    #[serde(default)]
    pub reviews: Vec<Named>,
}

/// A certification as logged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certified {
    pub breach: String,
    pub trigger: String,
    pub framework_hash: String,
    pub incidents: BTreeMap<String, Vec<Named>>,
    pub reviews: Vec<Named>,
}

/// A log entry, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    Input {
        at: String,
        /// `party/source/message`.
        id: String,
    },
    Restricted {
        at: String,
        commitment: Hash,
    },
    Certified(Certified),
    /// Any other decision: its kind.
    Decision(String),
    /// A change to the key registry, its signature not checked here (the
    /// `keyring` crate does).
    Key {
        at: String,
        /// The party whose keys change.
        party: String,
        /// `enrol`, or the statement's type (`grant`, `revoke`,
        /// `rotate_root`).
        kind: String,
    },
}

/// Why a value is not a log entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryError(pub String);

impl fmt::Display for EntryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a log entry: {}", self.0)
    }
}

impl std::error::Error for EntryError {}

fn text<'a>(v: &'a Value, key: &str) -> Result<&'a str, EntryError> {
    v.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| EntryError(format!("no `{key}` text")))
}

impl Entry {
    /// Reads an entry.
    pub fn read(v: &Value) -> Result<Entry, EntryError> {
        match text(v, "entry")? {
            "input" => {
                let input = v
                    .get("input")
                    .ok_or_else(|| EntryError("an input entry without `input`".into()))?;
                let id = input
                    .get("id")
                    .ok_or_else(|| EntryError("an input without `id`".into()))?;
                Ok(Entry::Input {
                    at: text(v, "at")?.to_string(),
                    id: format!(
                        "{}/{}/{}",
                        text(id, "party")?,
                        text(id, "source")?,
                        text(id, "message")?
                    ),
                })
            }
            "restricted" => Ok(Entry::Restricted {
                at: text(v, "at")?.to_string(),
                commitment: crate::pack::unhex(text(v, "commitment")?)
                    .ok_or_else(|| EntryError("a commitment is 64 hex digits".into()))?,
            }),
            "decision" => match text(v, "decision")? {
                "certified" => {
                    let evidence: Evidence = v
                        .get("evidence")
                        .cloned()
                        .map(serde_json::from_value)
                        .transpose()
                        .map_err(|e| EntryError(format!("a certification's `evidence`: {e}")))?
                        .ok_or_else(|| EntryError("a certification without `evidence`".into()))?;
                    Ok(Entry::Certified(Certified {
                        breach: text(v, "breach")?.to_string(),
                        trigger: text(v, "trigger")?.to_string(),
                        framework_hash: text(v, "framework_hash")?.to_string(),
                        incidents: evidence.incidents,
                        reviews: evidence.reviews,
                    }))
                }
                other => Ok(Entry::Decision(other.to_string())),
            },
            "key" => {
                let record = v
                    .get("key")
                    .filter(|r| r.is_object())
                    .ok_or_else(|| EntryError("a key entry without a `key` object".into()))?;
                let (party, kind) = match record.get("statement") {
                    None => match text(record, "type")? {
                        "enrol" => {
                            text(record, "root")?;
                            (text(record, "party")?, "enrol")
                        }
                        other => {
                            return Err(EntryError(format!(
                                "a key entry is an `enrol` record or a signed statement, not `{other}`"
                            )));
                        }
                    },
                    Some(statement) => {
                        text(record, "signature")?;
                        (text(statement, "party")?, text(statement, "type")?)
                    }
                };
                Ok(Entry::Key {
                    at: text(v, "at")?.to_string(),
                    party: party.to_string(),
                    kind: kind.to_string(),
                })
            }
            other => Err(EntryError(format!("unknown entry kind `{other}`"))),
        }
    }

    /// The kind, for messages: an input, a commitment, the decision, or the
    /// key registry change.
    pub fn kind(&self) -> String {
        match self {
            Entry::Input { .. } => "an input".to_string(),
            Entry::Restricted { .. } => "a restricted input's commitment".to_string(),
            Entry::Certified(_) => "a certification".to_string(),
            Entry::Decision(d) => format!("a `{d}` decision"),
            Entry::Key { kind, .. } if kind == "enrol" => "a root key's enrolment".to_string(),
            Entry::Key { kind, .. } => format!("a `{kind}` key statement"),
        }
    }
}

/// An input entry.
pub fn input(at: &str, wire: Value) -> Value {
    serde_json::json!({"entry": "input", "at": at, "input": wire})
}

/// A restricted input's entry.
pub fn restricted(at: &str, commitment: &Hash) -> Value {
    serde_json::json!({"entry": "restricted", "at": at, "commitment": merkle::hex(commitment)})
}

/// A key registry entry: `record` is an enrolment (`{"type":"enrol",…}`)
/// or a signed key statement (`{"statement":…,"signature":…}`), as the
/// `keyring` crate writes them.
pub fn key(at: &str, record: Value) -> Value {
    serde_json::json!({"entry": "key", "at": at, "key": record})
}

/// A decision's entry: its fields (an object with a `decision` kind), and
/// for a certification its framework hash and evidence.
pub fn decision(mut fields: Value, certified: Option<(&str, &Evidence)>) -> Value {
    if let Some(object) = fields.as_object_mut() {
        object.insert("entry".into(), "decision".into());
        if let Some((hash, evidence)) = certified {
            object.insert("framework_hash".into(), hash.into());
            object.insert(
                "evidence".into(),
                serde_json::to_value(evidence).unwrap_or_default(),
            );
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_read_back_as_written() {
        let wire = serde_json::json!({"type": "observation", "id": {"party": "ua", "source": "radar", "message": "1"}});
        assert_eq!(
            Entry::read(&input("2025-01-01T00:00:00Z", wire)).unwrap(),
            Entry::Input {
                at: "2025-01-01T00:00:00Z".into(),
                id: "ua/radar/1".into()
            }
        );
        let c = commit(&[1; 32], b"{}");
        assert_ne!(
            c,
            commit(&[2; 32], b"{}"),
            "the salt changes the commitment"
        );
        assert_eq!(
            Entry::read(&restricted("t", &c)).unwrap(),
            Entry::Restricted {
                at: "t".into(),
                commitment: c
            }
        );
        let mut evidence = Evidence::default();
        evidence.incidents.insert(
            "I1".into(),
            vec![Named {
                index: 0,
                input: "ua/radar/1".into(),
            }],
        );
        let cert = decision(
            serde_json::json!({"decision": "certified", "at": "t", "breach": "B1", "trigger": "x"}),
            Some(("ab", &evidence)),
        );
        let Entry::Certified(c) = Entry::read(&cert).unwrap() else {
            panic!("not a certification")
        };
        assert_eq!((c.breach.as_str(), c.incidents.len()), ("B1", 1));
        assert_eq!(
            Entry::read(&serde_json::json!({"entry": "decision", "decision": "closed"})).unwrap(),
            Entry::Decision("closed".into())
        );
        assert!(Entry::read(&serde_json::json!({"entry": "other"})).is_err());
        let enrol =
            serde_json::json!({"type": "enrol", "party": "ua", "root": "ua-root+01020304+AQ=="});
        assert_eq!(
            Entry::read(&key("t", enrol)).unwrap(),
            Entry::Key {
                at: "t".into(),
                party: "ua".into(),
                kind: "enrol".into()
            }
        );
        let signed = serde_json::json!({"statement": {"type": "revoke", "party": "ua", "serial": 2}, "signature": "AA=="});
        let read = Entry::read(&key("t", signed)).unwrap();
        assert_eq!(read.kind(), "a `revoke` key statement");
        for bad in [
            serde_json::json!({"type": "grant", "party": "ua"}),
            serde_json::json!({"statement": {"type": "grant", "party": "ua"}}),
            serde_json::json!("enrol"),
        ] {
            assert!(Entry::read(&key("t", bad)).is_err());
        }
        assert!(
            Entry::read(&serde_json::json!({"entry": "decision", "decision": "certified", "breach": "B1", "trigger": "x", "framework_hash": "a"}))
                .unwrap_err()
                .0
                .contains("without `evidence`")
        );
    }
}
