//! Evidence packs: one self-contained file holding a certification, every
//! log entry it rests on — each observation of its incidents, contradicting
//! ones too, and the reviews — with their inclusion proofs, and the signed
//! checkpoint they prove into. [`verify`] checks a pack with nothing else
//! and lists exactly what failed (docs/ledger.md, "Evidence packs").
//!
//! Every field of a pack is either hashed into the log or checked against
//! what is: a pack cannot say something its log does not.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::entry::{self, Entry};
use crate::merkle::{self, Hash};
use crate::note::{self, Checkpoint, Verifier};

/// The format line every pack starts with.
pub const PACK_FORMAT: &str = "bulwark-evidence-pack/1";

/// A log entry with its position and its inclusion proof in the tree of
/// the pack's checkpoint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Proven {
    /// Its leaf index in the log.
    pub index: u64,
    /// The entry as logged (its leaf is the RFC 8785 form of this object).
    pub entry: Value,
    /// The inclusion proof, hashes in hexadecimal.
    pub proof: Vec<String>,
}

/// An evidence pack.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pack {
    /// [`PACK_FORMAT`].
    pub format: String,
    /// The breach certified, e.g. `B1`.
    pub breach: String,
    /// Its trigger.
    pub trigger: String,
    /// The hash of the framework version it was certified under.
    pub framework_hash: String,
    /// The log's verifier key (`NAME+KEYID+KEY`).
    pub key: String,
    /// A checkpoint of the log signed by that key, as a signed note.
    pub checkpoint: String,
    /// The certification decision.
    pub decision: Proven,
    /// Every entry the certification names, in log order.
    pub evidence: Vec<Proven>,
}

/// What a pack that verified shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PackReport {
    pub breach: String,
    pub trigger: String,
    pub framework_hash: String,
    /// The log's origin, the checkpoint's size and root (hex).
    pub origin: String,
    pub size: u64,
    pub root: String,
    /// The signing key's name and id (hex).
    pub key_name: String,
    pub key_id: String,
    /// True when the key was given by the caller; false when only the
    /// pack's own key was used (which proves integrity, not who signed).
    pub key_trusted: bool,
    /// The certification's log index.
    pub decision_index: u64,
    pub incidents: usize,
    pub observations: usize,
    /// Observations present only as salted commitments (restricted).
    pub restricted: usize,
    pub reviews: usize,
}

/// Why a pack does not verify: every problem found, each saying where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackError {
    pub problems: Vec<String>,
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problems.as_slice() {
            [one] => write!(f, "{one}"),
            many => {
                write!(f, "{} problems:", many.len())?;
                for p in many {
                    write!(f, "\n  - {p}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for PackError {}

impl PackError {
    fn one(p: impl Into<String>) -> PackError {
        PackError {
            problems: vec![p.into()],
        }
    }
}

/// Reads a hash in hexadecimal: exactly 64 hex digits (no sign, which
/// `u8::from_str_radix` alone would take).
pub fn unhex(text: &str) -> Option<Hash> {
    if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut h = [0u8; 32];
    for (i, b) in h.iter_mut().enumerate() {
        *b = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(h)
}

/// Reads a pack's bytes, saying where they are not a pack.
pub fn parse(bytes: &[u8]) -> Result<Pack, PackError> {
    let pack: Pack = serde_json::from_slice(bytes).map_err(|e| {
        PackError::one(format!(
            "not an evidence pack: at line {} column {}: {e}",
            e.line(),
            e.column()
        ))
    })?;
    if pack.format != PACK_FORMAT {
        return Err(PackError::one(format!(
            "format `{}` is not `{PACK_FORMAT}`",
            pack.format
        )));
    }
    Ok(pack)
}

/// Checks a pack. With `trusted`, its checkpoint must be signed by that
/// key; without, by the key the pack names (integrity only).
pub fn verify(bytes: &[u8], trusted: Option<&Verifier>) -> Result<PackReport, PackError> {
    let pack = parse(bytes)?;
    let own =
        Verifier::parse(&pack.key).map_err(|e| PackError::one(format!("the pack's key: {e}")))?;
    let key = match trusted {
        Some(t) if *t != own => {
            return Err(PackError::one(format!(
                "the pack's log key is `{}` ({}), not the key you gave, `{}` ({})",
                own.name,
                merkle::hex(&own.id),
                t.name,
                merkle::hex(&t.id)
            )));
        }
        Some(t) => t,
        None => &own,
    };
    let opened = note::open(&pack.checkpoint, std::slice::from_ref(key))
        .map_err(|e| PackError::one(format!("the checkpoint: {e}")))?;
    let cp = Checkpoint::parse(&opened.text)
        .map_err(|e| PackError::one(format!("the checkpoint: {e}")))?;
    let mut problems = Vec::new();

    // Every entry proves into the checkpoint.
    problems.extend(prove(&cp, "the certification", &pack.decision));
    let mut held: BTreeMap<u64, &Proven> = BTreeMap::new();
    for p in &pack.evidence {
        let what = format!("evidence entry {}", describe(&p.entry));
        problems.extend(prove(&cp, &what, p));
        if held.insert(p.index, p).is_some() {
            problems.push(format!("log entry {} is in the pack twice", p.index));
        }
    }

    // The certification is what the pack says it is.
    let cert = match Entry::read(&pack.decision.entry) {
        Ok(Entry::Certified(c)) => Some(c),
        Ok(other) => {
            problems.push(format!(
                "log entry {} is {}, not a certification",
                pack.decision.index,
                other.kind()
            ));
            None
        }
        Err(e) => {
            problems.push(format!(
                "the certification (log entry {}): {e}",
                pack.decision.index
            ));
            None
        }
    };
    let mut counts = (0, 0, 0, 0);
    if let Some(c) = &cert {
        for (field, pack_value, logged) in [
            ("breach", &pack.breach, &c.breach),
            ("trigger", &pack.trigger, &c.trigger),
            ("framework hash", &pack.framework_hash, &c.framework_hash),
        ] {
            if pack_value != logged {
                problems.push(format!(
                    "the pack's {field} is `{pack_value}`, the logged certification's is `{logged}`"
                ));
            }
        }
        // Every entry the certification names is held, and is what it names.
        let mut named = BTreeMap::new();
        for (incident, item) in c
            .incidents
            .iter()
            .flat_map(|(i, items)| items.iter().map(move |x| (Some(i.as_str()), x)))
            .chain(c.reviews.iter().map(|x| (None, x)))
        {
            named.insert(item.index, ());
            let role = match incident {
                Some(i) => format!("observation `{}` of incident {i}", item.input),
                None => format!("review `{}`", item.input),
            };
            let Some(p) = held.get(&item.index) else {
                problems.push(format!(
                    "the certification names {role} at log entry {}, and the pack does not hold it: a pack holds every observation of its incidents, contradicting ones too",
                    item.index
                ));
                continue;
            };
            match Entry::read(&p.entry) {
                Ok(Entry::Input { id, .. }) if id == item.input => {}
                Ok(Entry::Restricted { .. }) if incident.is_some() => counts.2 += 1,
                Ok(other) => problems.push(format!(
                    "log entry {} should be {role}, and is {}",
                    item.index,
                    other.kind()
                )),
                Err(e) => problems.push(format!("log entry {}: {e}", item.index)),
            }
        }
        for index in held.keys() {
            if !named.contains_key(index) {
                problems.push(format!(
                    "log entry {index} is in the pack but the certification does not name it"
                ));
            }
        }
        counts.0 = c.incidents.len();
        counts.1 = c.incidents.values().map(Vec::len).sum();
        counts.3 = c.reviews.len();
    }
    if !problems.is_empty() {
        return Err(PackError { problems });
    }
    Ok(PackReport {
        breach: pack.breach,
        trigger: pack.trigger,
        framework_hash: pack.framework_hash,
        origin: cp.origin,
        size: cp.size,
        root: merkle::hex(&cp.root),
        key_name: key.name.clone(),
        key_id: merkle::hex(&key.id),
        key_trusted: trusted.is_some(),
        decision_index: pack.decision.index,
        incidents: counts.0,
        observations: counts.1,
        restricted: counts.2,
        reviews: counts.3,
    })
}

/// Why `p` does not prove into the tree of `cp`, if it does not.
fn prove(cp: &Checkpoint, what: &str, p: &Proven) -> Option<String> {
    let Some(proof) = p.proof.iter().map(|h| unhex(h)).collect::<Option<Vec<_>>>() else {
        return Some(format!(
            "{what} (log entry {}): a proof hash is not 64 hex digits",
            p.index
        ));
    };
    let leaf = merkle::leaf_hash(&entry::canonical(&p.entry));
    merkle::verify_inclusion(p.index, cp.size, &leaf, &proof, &cp.root)
        .err()
        .map(|e| {
            format!(
                "{what} (log entry {}) is not in the log of the checkpoint (size {}): {e}; the entry or its proof was changed",
                p.index, cp.size
            )
        })
}

/// A short name for an entry in messages.
fn describe(value: &Value) -> String {
    match Entry::read(value) {
        Ok(Entry::Input { id, .. }) => format!("`{id}`"),
        Ok(other) => other.kind().to_string(),
        Err(_) => "(unreadable)".to_string(),
    }
}

/// Makes the pack of the certification at `decision` from the log's
/// entries (`entries[i]` is leaf `i` of `tree`), for the tree of the
/// signed `checkpoint` (whose size the proofs are made for).
pub fn build(
    tree: &merkle::Tree,
    entries: &[Value],
    decision: u64,
    key: &Verifier,
    checkpoint: &str,
    size: u64,
) -> Result<Pack, String> {
    let proven = |index: u64| -> Result<Proven, String> {
        let entry = usize::try_from(index)
            .ok()
            .and_then(|i| entries.get(i))
            .ok_or_else(|| format!("no log entry {index}"))?;
        let proof = tree
            .inclusion_proof(index, size)
            .map_err(|e| format!("log entry {index}: {e}"))?;
        Ok(Proven {
            index,
            entry: entry.clone(),
            proof: proof.iter().map(|h| merkle::hex(h)).collect(),
        })
    };
    let d = proven(decision)?;
    let Ok(Entry::Certified(c)) = Entry::read(&d.entry) else {
        return Err(format!("log entry {decision} is not a certification"));
    };
    let mut indexes: Vec<u64> = c
        .incidents
        .values()
        .flatten()
        .chain(&c.reviews)
        .map(|n| n.index)
        .collect();
    indexes.sort_unstable();
    indexes.dedup();
    Ok(Pack {
        format: PACK_FORMAT.to_string(),
        breach: c.breach,
        trigger: c.trigger,
        framework_hash: c.framework_hash,
        key: key.encode(),
        checkpoint: checkpoint.to_string(),
        decision: d,
        evidence: indexes.into_iter().map(proven).collect::<Result<_, _>>()?,
    })
}
