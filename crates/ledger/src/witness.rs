//! Witness cosignatures (C2SP tlog-cosignature, the Ed25519
//! `cosignature/v1` type) and quorums of them ("k of n parties").
//!
//! A witness keeps, per log origin, the last tree head (size, root) it
//! cosigned. It cosigns a new checkpoint only when the log's signature
//! verifies and the new tree extends the last one it cosigned (a
//! consistency proof, RFC 9162 §2.1.4.2); so it never cosigns two
//! checkpoints that contradict each other, and a log that shows different
//! trees to different people cannot gather cosignatures for both.
//!
//! A cosignature is one more signature line on the checkpoint note:
//! `— NAME BASE64(KEYID ‖ TIMESTAMP ‖ SIGNATURE)`, where the key id is the
//! first four bytes of `SHA-256(NAME ‖ 0x0A ‖ 0x04 ‖ PUBLIC KEY)`, the
//! timestamp is 8 bytes big-endian (POSIX seconds, at most 2⁶³ − 1) and the
//! Ed25519 signature is over
//! `cosignature/v1\ntime TIMESTAMP\n` followed by the checkpoint body.
//! Keys are written as note keys are ([`crate::note`]) with the type byte
//! 0x04: `NAME+KEYID+BASE64(0x04 ‖ KEY)`, and the secret
//! `PRIVATE+KEY+NAME+KEYID+BASE64(0x04 ‖ SEED)`.
//!
//! The time of a cosignature is an argument: this crate reads no clock.

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};

use crate::merkle::{self, Hash, ProofError};
use crate::note::{self, ALG_COSIGNATURE_V1, Checkpoint, NoteError, SIGNATURES_MAX, Verifier};

/// The largest timestamp a cosignature may carry (2⁶³ − 1).
pub const TIME_MAX: u64 = (1 << 63) - 1;

/// The first line of a witness state file.
const STATE_HEADER: &str = "bulwark witness state v1";

/// Why a checkpoint is not cosigned, or its cosignatures not enough.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WitnessError {
    /// The note, its log signature, a key or the checkpoint body.
    Note(NoteError),
    /// The checkpoint's origin is not the name of the log key given.
    OriginMismatch { origin: String, log: String },
    /// A cosignature time beyond [`TIME_MAX`].
    TimeOutOfRange { time: u64 },
    /// The checkpoint's tree is smaller than the one already cosigned.
    SmallerTree {
        origin: String,
        cosigned: u64,
        size: u64,
    },
    /// Two roots for the same tree size: the log forked.
    Fork {
        origin: String,
        size: u64,
        cosigned_root: Hash,
        root: Hash,
    },
    /// The consistency proof does not show the new tree extends the one
    /// cosigned.
    Inconsistent {
        origin: String,
        cosigned: u64,
        size: u64,
        error: ProofError,
    },
    /// A cosignature by a known witness key does not verify.
    BadCosignature { party: String, name: String },
    /// Fewer distinct parties cosigned than required.
    NotEnough {
        required: usize,
        parties: Vec<String>,
        unknown: Vec<String>,
    },
    /// The policy (witness keys, number required) cannot be used: why.
    BadPolicy(String),
    /// A witness state file is not well formed: why.
    BadState(String),
}

impl From<NoteError> for WitnessError {
    fn from(e: NoteError) -> WitnessError {
        WitnessError::Note(e)
    }
}

fn b64(h: &Hash) -> String {
    STANDARD.encode(h)
}

impl fmt::Display for WitnessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WitnessError::Note(e) => write!(f, "{e}"),
            WitnessError::OriginMismatch { origin, log } => write!(
                f,
                "the checkpoint's origin `{origin}` is not the name of the log key given (`{log}`)"
            ),
            WitnessError::TimeOutOfRange { time } => write!(
                f,
                "the time {time} is beyond the largest a cosignature may carry ({TIME_MAX})"
            ),
            WitnessError::SmallerTree {
                origin,
                cosigned,
                size,
            } => write!(
                f,
                "refused: `{origin}` at size {size} is smaller than the size {cosigned} this witness already cosigned (a log never shrinks)"
            ),
            WitnessError::Fork {
                origin,
                size,
                cosigned_root,
                root,
            } => write!(
                f,
                "FORK refused: `{origin}` at size {size} has root {} but this witness cosigned root {} at the same size",
                b64(root),
                b64(cosigned_root)
            ),
            WitnessError::Inconsistent {
                origin,
                cosigned,
                size,
                error,
            } => write!(
                f,
                "refused: `{origin}` at size {size} is not proven to extend the size {cosigned} this witness cosigned (a fork, or a wrong proof): {error}"
            ),
            WitnessError::BadCosignature { party, name } => write!(
                f,
                "the cosignature of `{name}` (party `{party}`) does not verify: the checkpoint was changed or not cosigned by that key"
            ),
            WitnessError::NotEnough {
                required,
                parties,
                unknown,
            } => {
                write!(
                    f,
                    "{} of the {required} parties required cosigned",
                    parties.len()
                )?;
                if !parties.is_empty() {
                    write!(f, " ({})", parties.join(", "))?;
                }
                if !unknown.is_empty() {
                    write!(
                        f,
                        "; signatures by keys not given were ignored: {}",
                        unknown.join(", ")
                    )?;
                }
                Ok(())
            }
            WitnessError::BadPolicy(why) => write!(f, "unusable witness policy: {why}"),
            WitnessError::BadState(why) => write!(f, "bad witness state: {why}"),
        }
    }
}

impl std::error::Error for WitnessError {}

/// The message an Ed25519 `cosignature/v1` signs: the header, the time
/// line, then the checkpoint body (a note's text, final newline included).
pub fn message(body: &str, time: u64) -> String {
    format!("cosignature/v1\ntime {time}\n{body}")
}

/// The timestamp and signature of a cosignature blob (after its key id).
fn split_blob(blob: &[u8]) -> Option<(u64, [u8; 64])> {
    let (time, sig) = blob.split_first_chunk::<8>()?;
    let sig: [u8; 64] = sig.try_into().ok()?;
    let time = u64::from_be_bytes(*time);
    (time <= TIME_MAX).then_some((time, sig))
}

/// A key that verifies cosignatures (type 0x04).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CosignatureVerifier {
    pub name: String,
    pub id: [u8; 4],
    key: VerifyingKey,
}

impl CosignatureVerifier {
    /// Parses `NAME+HEX(KEYID)+BASE64(0x04 ‖ KEY)`.
    pub fn parse(text: &str) -> Result<CosignatureVerifier, NoteError> {
        let (name, id, key) = note::parse_verifier_key(text, ALG_COSIGNATURE_V1)?;
        Ok(CosignatureVerifier { name, id, key })
    }

    /// The key as a verifier key line.
    pub fn encode(&self) -> String {
        note::encode_key(
            &self.name,
            &self.id,
            ALG_COSIGNATURE_V1,
            self.key.as_bytes(),
            false,
        )
    }

    /// The time of the cosignature `blob` (what follows the key id) on
    /// `body`, if it verifies (strictly: no malleable signatures).
    fn verify(&self, body: &str, blob: &[u8]) -> Option<u64> {
        let (time, sig) = split_blob(blob)?;
        self.key
            .verify_strict(message(body, time).as_bytes(), &Signature::from_bytes(&sig))
            .ok()
            .map(|()| time)
    }
}

/// A witness's key: makes cosignatures.
#[derive(Clone, Debug)]
pub struct Cosigner {
    pub name: String,
    key: SigningKey,
}

impl Cosigner {
    /// A cosigner from a 32-byte Ed25519 seed.
    pub fn from_seed(name: &str, seed: [u8; 32]) -> Result<Cosigner, NoteError> {
        if !note::valid_name(name) {
            return Err(NoteError::BadKey(format!(
                "`{name}`: a name has no space, `+` or control character"
            )));
        }
        Ok(Cosigner {
            name: name.to_string(),
            key: SigningKey::from_bytes(&seed),
        })
    }

    /// Parses `PRIVATE+KEY+NAME+HEX(KEYID)+BASE64(0x04 ‖ SEED)`.
    pub fn parse(text: &str) -> Result<Cosigner, NoteError> {
        let (name, key) = note::parse_signer_key(text, ALG_COSIGNATURE_V1)?;
        Ok(Cosigner { name, key })
    }

    /// The key as a signer key line: secret.
    pub fn encode(&self) -> String {
        note::encode_key(
            &self.name,
            &self.verifier().id,
            ALG_COSIGNATURE_V1,
            self.key.as_bytes(),
            true,
        )
    }

    /// The matching verifier.
    pub fn verifier(&self) -> CosignatureVerifier {
        let key = self.key.verifying_key();
        CosignatureVerifier {
            id: note::key_id_for(&self.name, ALG_COSIGNATURE_V1, key.as_bytes()),
            name: self.name.clone(),
            key,
        }
    }

    /// The cosignature line (without its newline) on `body` at `time`
    /// (at most [`TIME_MAX`]).
    fn line(&self, body: &str, time: u64) -> String {
        let sig = self.key.sign(message(body, time).as_bytes());
        let mut blob = self.verifier().id.to_vec();
        blob.extend_from_slice(&time.to_be_bytes());
        blob.extend_from_slice(&sig.to_bytes());
        format!("\u{2014} {} {}", self.name, STANDARD.encode(blob))
    }
}

/// A tree size and its root.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TreeHead {
    pub size: u64,
    pub root: Hash,
}

/// A witness's state: the last tree head it cosigned for each log origin.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Witness {
    heads: BTreeMap<String, TreeHead>,
}

/// A checkpoint cosigned, and the witness state that must be kept (made
/// durable) before the cosignature is given out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cosigned {
    /// The checkpoint cosigned.
    pub checkpoint: Checkpoint,
    /// The tree head cosigned before for this origin, if any.
    pub previous: Option<TreeHead>,
    /// The cosignature's time.
    pub time: u64,
    /// The cosignature line, without its newline.
    pub line: String,
    /// The checkpoint note with the cosignature line appended (an earlier
    /// cosignature by the same key is replaced).
    pub note: String,
    /// The witness state after this cosignature.
    pub witness: Witness,
}

impl Witness {
    /// A witness that has cosigned nothing.
    pub fn new() -> Witness {
        Witness::default()
    }

    /// The last tree head cosigned for `origin`.
    pub fn head(&self, origin: &str) -> Option<TreeHead> {
        self.heads.get(origin).copied()
    }

    /// Every origin and its last cosigned tree head, by origin.
    pub fn heads(&self) -> impl Iterator<Item = (&str, TreeHead)> {
        self.heads.iter().map(|(o, h)| (o.as_str(), *h))
    }

    /// Parses a state file: the line `bulwark witness state v1`, then one
    /// line per origin, `SIZE BASE64(ROOT) ORIGIN`.
    pub fn parse(text: &str) -> Result<Witness, WitnessError> {
        let bad = |n: usize, why: &str| WitnessError::BadState(format!("line {n}: {why}"));
        let mut lines = text.lines();
        if lines.next() != Some(STATE_HEADER) {
            return Err(bad(1, &format!("the first line is not `{STATE_HEADER}`")));
        }
        let mut heads = BTreeMap::new();
        for (i, line) in lines.enumerate() {
            let n = i + 2;
            if line.is_empty() {
                continue;
            }
            let mut parts = line.splitn(3, ' ');
            let (Some(size), Some(root), Some(origin)) = (parts.next(), parts.next(), parts.next())
            else {
                return Err(bad(n, "a line is `SIZE ROOT ORIGIN`"));
            };
            let size: u64 = size
                .parse()
                .map_err(|_| bad(n, "the size is not a number"))?;
            let root: Hash = STANDARD
                .decode(root)
                .ok()
                .and_then(|r| r.try_into().ok())
                .ok_or_else(|| bad(n, "the root is not 32 bytes of base64"))?;
            if origin.is_empty() || origin.chars().any(char::is_control) {
                return Err(bad(n, "the origin is empty or has a control character"));
            }
            if heads
                .insert(origin.to_string(), TreeHead { size, root })
                .is_some()
            {
                return Err(bad(n, &format!("origin `{origin}` appears twice")));
            }
        }
        Ok(Witness { heads })
    }

    /// The state file's text ([`Witness::parse`] reads it back).
    pub fn encode(&self) -> String {
        let mut s = format!("{STATE_HEADER}\n");
        for (origin, head) in &self.heads {
            s.push_str(&format!("{} {} {origin}\n", head.size, b64(&head.root)));
        }
        s
    }

    /// Cosigns the checkpoint `note` at `time` if its signature by `log`
    /// verifies, its origin is the log key's name, and its tree extends
    /// the last one cosigned for that origin (`proof`: the consistency
    /// proof from that size; none is needed the first time or at the same
    /// size). `self` is left as it was: the new state is in the result.
    pub fn cosign(
        &self,
        cosigner: &Cosigner,
        log: &Verifier,
        note: &str,
        proof: &[Hash],
        time: u64,
    ) -> Result<Cosigned, WitnessError> {
        let opened = note::open(note, std::slice::from_ref(log))?;
        let checkpoint = Checkpoint::parse(&opened.text)?;
        if checkpoint.origin != log.name {
            return Err(WitnessError::OriginMismatch {
                origin: checkpoint.origin,
                log: log.name.clone(),
            });
        }
        if time > TIME_MAX {
            return Err(WitnessError::TimeOutOfRange { time });
        }
        let previous = self.head(&checkpoint.origin);
        if let Some(prev) = previous {
            check_extends(&checkpoint, prev, proof)?;
        }
        // The note again, without any earlier cosignature by this key.
        let (text, lines) = note::parse(note)?;
        let own = cosigner.verifier();
        let sigs = note.get(text.len() + 1..).unwrap_or_default();
        let mut kept: Vec<&str> = sigs
            .split_terminator('\n')
            .zip(&lines)
            .filter(|(_, l)| !(l.name == own.name && l.id == own.id))
            .map(|(s, _)| s)
            .collect();
        if kept.len() >= SIGNATURES_MAX {
            return Err(NoteError::Malformed(format!(
                "the note already has {} signatures: no room for a cosignature",
                kept.len()
            ))
            .into());
        }
        let line = cosigner.line(text, time);
        kept.push(&line);
        let mut cosigned_note = format!("{text}\n");
        for l in kept {
            cosigned_note.push_str(l);
            cosigned_note.push('\n');
        }
        let mut witness = self.clone();
        witness.heads.insert(
            checkpoint.origin.clone(),
            TreeHead {
                size: checkpoint.size,
                root: checkpoint.root,
            },
        );
        Ok(Cosigned {
            checkpoint,
            previous,
            time,
            line,
            note: cosigned_note,
            witness,
        })
    }
}

/// Does `checkpoint` extend `prev` (by `proof`)?
fn check_extends(
    checkpoint: &Checkpoint,
    prev: TreeHead,
    proof: &[Hash],
) -> Result<(), WitnessError> {
    let origin = || checkpoint.origin.clone();
    if checkpoint.size < prev.size {
        return Err(WitnessError::SmallerTree {
            origin: origin(),
            cosigned: prev.size,
            size: checkpoint.size,
        });
    }
    if checkpoint.size == prev.size {
        if checkpoint.root != prev.root {
            return Err(WitnessError::Fork {
                origin: origin(),
                size: checkpoint.size,
                cosigned_root: prev.root,
                root: checkpoint.root,
            });
        }
        return Ok(());
    }
    if prev.size == 0 {
        // The empty tree is a prefix of every tree.
        return Ok(());
    }
    merkle::verify_consistency(
        prev.size,
        checkpoint.size,
        &prev.root,
        &checkpoint.root,
        proof,
    )
    .map_err(|error| WitnessError::Inconsistent {
        origin: origin(),
        cosigned: prev.size,
        size: checkpoint.size,
        error,
    })
}

/// A witness key and the party it belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WitnessKey {
    pub party: String,
    pub key: CosignatureVerifier,
}

/// A cosignature that verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cosignature {
    pub party: String,
    /// The witness key's name.
    pub name: String,
    pub time: u64,
}

/// A checkpoint whose cosignatures meet the policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quorum {
    pub checkpoint: Checkpoint,
    /// The distinct parties that cosigned, in note order.
    pub parties: Vec<String>,
    /// Every cosignature that verified, in note order.
    pub cosignatures: Vec<Cosignature>,
    /// Names on signatures by keys neither the log's nor a witness's.
    pub unknown: Vec<String>,
    pub required: usize,
}

/// Checks the checkpoint `note`: signed by `log`, and cosigned by at least
/// `required` distinct parties among `witnesses` (keys of one party count
/// once together; signatures by other keys are ignored; a cosignature by
/// a key given that does not verify is an error).
pub fn verify_cosignatures(
    note: &str,
    log: &Verifier,
    witnesses: &[WitnessKey],
    required: usize,
) -> Result<Quorum, WitnessError> {
    let mut all_parties: Vec<&str> = Vec::new();
    for (i, w) in witnesses.iter().enumerate() {
        if !all_parties.contains(&w.party.as_str()) {
            all_parties.push(&w.party);
        }
        if let Some(other) = witnesses[..i]
            .iter()
            .find(|o| o.key.name == w.key.name && o.key.id == w.key.id && o.party != w.party)
        {
            return Err(WitnessError::BadPolicy(format!(
                "witness key `{}` is given for both `{}` and `{}`",
                w.key.name, other.party, w.party
            )));
        }
    }
    if required == 0 {
        return Err(WitnessError::BadPolicy(
            "at least one cosignature must be required".to_string(),
        ));
    }
    if required > all_parties.len() {
        return Err(WitnessError::BadPolicy(format!(
            "{required} parties required but keys of only {} given",
            all_parties.len()
        )));
    }
    let opened = note::open(note, std::slice::from_ref(log))?;
    let checkpoint = Checkpoint::parse(&opened.text)?;
    if checkpoint.origin != log.name {
        return Err(WitnessError::OriginMismatch {
            origin: checkpoint.origin,
            log: log.name.clone(),
        });
    }
    let (text, lines) = note::parse(note)?;
    let mut parties: Vec<String> = Vec::new();
    let mut cosignatures = Vec::new();
    let mut unknown = Vec::new();
    for line in &lines {
        if line.name == log.name && line.id == log.id {
            continue;
        }
        let Some(w) = witnesses
            .iter()
            .find(|w| w.key.name == line.name && w.key.id == line.id)
        else {
            unknown.push(line.name.clone());
            continue;
        };
        let time = w
            .key
            .verify(text, &line.blob)
            .ok_or_else(|| WitnessError::BadCosignature {
                party: w.party.clone(),
                name: line.name.clone(),
            })?;
        if !parties.contains(&w.party) {
            parties.push(w.party.clone());
        }
        cosignatures.push(Cosignature {
            party: w.party.clone(),
            name: line.name.clone(),
            time,
        });
    }
    if parties.len() < required {
        return Err(WitnessError::NotEnough {
            required,
            parties,
            unknown,
        });
    }
    Ok(Quorum {
        checkpoint,
        parties,
        cosignatures,
        unknown,
        required,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::Tree;
    use crate::note::Signer;

    const ORIGIN: &str = "bulwark.test/log";
    const T: u64 = 1_700_000_000;

    fn log() -> Signer {
        Signer::from_seed(ORIGIN, [7; 32]).unwrap()
    }

    fn tree(n: u64, salt: &str) -> Tree {
        let mut t = Tree::new();
        for i in 0..n {
            t.push(format!("{salt}{i}").as_bytes());
        }
        t
    }

    fn checkpoint(t: &Tree, size: u64) -> String {
        let body = Checkpoint {
            origin: ORIGIN.into(),
            size,
            root: t.root_at(size).unwrap(),
            extensions: vec![],
        }
        .encode();
        note::sign(&body, &[log()]).unwrap()
    }

    fn witness(name: &str, seed: u8) -> Cosigner {
        Cosigner::from_seed(name, [seed; 32]).unwrap()
    }

    fn key(party: &str, c: &Cosigner) -> WitnessKey {
        WitnessKey {
            party: party.into(),
            key: c.verifier(),
        }
    }

    #[test]
    fn keys_round_trip_and_use_type_0x04() {
        let c = witness("witness.test/w1", 1);
        let v = c.verifier();
        assert_eq!(CosignatureVerifier::parse(&v.encode()).unwrap(), v);
        assert_eq!(Cosigner::parse(&c.encode()).unwrap().verifier(), v);
        assert_eq!(
            v.id,
            note::key_id_for("witness.test/w1", 0x04, v.key.as_bytes())
        );
        // The same seed as a note key has another id, and neither parser
        // takes the other's type.
        let as_note = Signer::from_seed("witness.test/w1", [1; 32]).unwrap();
        assert_ne!(as_note.verifier().id, v.id);
        assert!(CosignatureVerifier::parse(&as_note.verifier().encode()).is_err());
        assert!(Verifier::parse(&v.encode()).is_err());
        assert!(Cosigner::parse(&as_note.encode()).is_err());
        assert!(Signer::parse(&c.encode()).is_err());
        assert_eq!(note::key_type(&v.encode()), Some(0x04));
        assert_eq!(note::key_type(&c.encode()), Some(0x04));
        // A `+` inside the base64 (transparency-dev's test key).
        assert_eq!(
            note::key_type("TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6"),
            Some(0x01)
        );
    }

    #[test]
    fn published_vectors_key_id_and_timestamps() {
        // transparency-dev/formats note_cosigv1_test.go: a native 0x04 key.
        let v = CosignatureVerifier::parse(
            "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2",
        )
        .unwrap();
        assert_eq!(v.name, "remora.n621.de");
        assert_eq!(merkle::hex(&v.id), "da77ade7");
        assert!(
            CosignatureVerifier::parse(
                "remora.n621.de+da77ade8+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2"
            )
            .is_err()
        );
        // The cosignature of C2SP tlog-cosignature's example, and one of
        // transparency-dev's: key id, then the big-endian time.
        for (blob, time) in [
            (
                "jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==",
                1_679_315_147,
            ),
            (
                "ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA==",
                1_727_964_367,
            ),
        ] {
            let raw = STANDARD.decode(blob).unwrap();
            assert_eq!(raw.len(), 4 + 8 + 64);
            assert_eq!(split_blob(&raw[4..]).unwrap().0, time);
        }
    }

    #[test]
    fn a_cosignature_signs_the_header_time_and_body_and_verifies() {
        let t = tree(3, "a");
        let note = checkpoint(&t, 3);
        let w = witness("witness.test/w1", 1);
        let done = Witness::new()
            .cosign(&w, &log().verifier(), &note, &[], T)
            .unwrap();
        assert_eq!(done.previous, None);
        assert!(done.note.starts_with(&note));
        assert_eq!(done.note, format!("{note}{}\n", done.line));
        assert_eq!(
            done.witness.head(ORIGIN),
            Some(TreeHead {
                size: 3,
                root: t.root_at(3).unwrap()
            })
        );
        // The signed bytes, by hand.
        let blob = STANDARD
            .decode(done.line.rsplit(' ').next().unwrap())
            .unwrap();
        assert_eq!(&blob[..4], &w.verifier().id);
        assert_eq!(&blob[4..12], &T.to_be_bytes());
        let body = Checkpoint::parse(&note[..note.find("\n\n").unwrap() + 1])
            .unwrap()
            .encode();
        let msg = format!("cosignature/v1\ntime 1700000000\n{body}");
        let sig = Signature::from_bytes(&blob[12..].try_into().unwrap());
        w.verifier()
            .key
            .verify_strict(msg.as_bytes(), &sig)
            .unwrap();
        // Verified as 1 of 1, with its time.
        let q =
            verify_cosignatures(&done.note, &log().verifier(), &[key("ukraine", &w)], 1).unwrap();
        assert_eq!(q.parties, ["ukraine"]);
        assert_eq!(q.cosignatures[0].time, T);
        assert_eq!(q.checkpoint.size, 3);
        // Without any cosignature: not enough, saying so.
        let e =
            verify_cosignatures(&note, &log().verifier(), &[key("ukraine", &w)], 1).unwrap_err();
        assert_eq!(e.to_string(), "0 of the 1 parties required cosigned");
    }

    #[test]
    fn the_state_advances_with_proofs_and_survives_encoding() {
        let t = tree(9, "a");
        let w = witness("witness.test/w1", 1);
        let lk = log().verifier();
        let s1 = Witness::new()
            .cosign(&w, &lk, &checkpoint(&t, 3), &[], T)
            .unwrap()
            .witness;
        let proof = t.consistency_proof(3, 9).unwrap();
        let s2 = s1
            .cosign(&w, &lk, &checkpoint(&t, 9), &proof, T + 1)
            .unwrap();
        assert_eq!(s2.previous.map(|h| h.size), Some(3));
        let state = Witness::parse(&s2.witness.encode()).unwrap();
        assert_eq!(state, s2.witness);
        // The same tree head again is cosigned again (a fresh time).
        state
            .cosign(&w, &lk, &checkpoint(&t, 9), &[], T + 2)
            .unwrap();
        // Cosigning a note already cosigned by this key replaces the line.
        let again = state.cosign(&w, &lk, &s2.note, &[], T + 3).unwrap();
        assert_eq!(again.note.matches("witness.test/w1").count(), 1);
        assert!(Witness::parse("nonsense\n").is_err());
        assert!(Witness::parse("bulwark witness state v1\n3 AAAA x\n").is_err());
    }

    #[test]
    fn a_fork_is_refused_naming_both_roots() {
        let (a, b) = (tree(5, "a"), tree(5, "b"));
        let w = witness("witness.test/w1", 1);
        let lk = log().verifier();
        let state = Witness::new()
            .cosign(&w, &lk, &checkpoint(&a, 5), &[], T)
            .unwrap()
            .witness;
        let e = state
            .cosign(&w, &lk, &checkpoint(&b, 5), &[], T)
            .unwrap_err();
        let (ra, rb) = (a.root(), b.root());
        assert_eq!(
            e,
            WitnessError::Fork {
                origin: ORIGIN.into(),
                size: 5,
                cosigned_root: ra,
                root: rb
            }
        );
        let msg = e.to_string();
        assert!(msg.contains("FORK"), "{msg}");
        assert!(msg.contains(&STANDARD.encode(ra)), "{msg}");
        assert!(msg.contains(&STANDARD.encode(rb)), "{msg}");
        // A larger tree of the other history: its own proof does not
        // lead from the root cosigned.
        let b8 = tree(8, "b");
        let e = state
            .cosign(
                &w,
                &lk,
                &checkpoint(&b8, 8),
                &b8.consistency_proof(5, 8).unwrap(),
                T,
            )
            .unwrap_err();
        assert!(
            matches!(
                e,
                WitnessError::Inconsistent {
                    cosigned: 5,
                    size: 8,
                    ..
                }
            ),
            "{e}"
        );
    }

    #[test]
    fn a_smaller_tree_is_refused() {
        let t = tree(5, "a");
        let w = witness("witness.test/w1", 1);
        let lk = log().verifier();
        let state = Witness::new()
            .cosign(&w, &lk, &checkpoint(&t, 5), &[], T)
            .unwrap()
            .witness;
        let e = state
            .cosign(&w, &lk, &checkpoint(&t, 4), &[], T)
            .unwrap_err();
        assert!(
            matches!(
                e,
                WitnessError::SmallerTree {
                    cosigned: 5,
                    size: 4,
                    ..
                }
            ),
            "{e}"
        );
        assert!(e.to_string().contains("smaller"), "{e}");
    }

    #[test]
    fn a_bad_log_signature_or_foreign_origin_is_refused() {
        let t = tree(3, "a");
        let w = witness("witness.test/w1", 1);
        let other = Signer::from_seed(ORIGIN, [8; 32]).unwrap();
        let e = Witness::new()
            .cosign(&w, &other.verifier(), &checkpoint(&t, 3), &[], T)
            .unwrap_err();
        assert_eq!(e, WitnessError::Note(NoteError::NoVerifiableSignature));
        let stranger = Signer::from_seed("elsewhere.test/log", [7; 32]).unwrap();
        let body = checkpoint(&t, 3);
        let body = &body[..body.find("\n\n").unwrap() + 1];
        let note = note::sign(body, std::slice::from_ref(&stranger)).unwrap();
        let e = Witness::new()
            .cosign(&w, &stranger.verifier(), &note, &[], T)
            .unwrap_err();
        assert!(matches!(e, WitnessError::OriginMismatch { .. }), "{e}");
        let e = Witness::new()
            .cosign(&w, &log().verifier(), &checkpoint(&t, 3), &[], TIME_MAX + 1)
            .unwrap_err();
        assert_eq!(e, WitnessError::TimeOutOfRange { time: TIME_MAX + 1 });
    }

    #[test]
    fn k_of_n_counts_distinct_parties_once_and_ignores_unknown_keys() {
        let t = tree(4, "a");
        let lk = log().verifier();
        let (ua, ub, pl, de, stranger) = (
            witness("w.ukraine/a", 1),
            witness("w.ukraine/b", 2),
            witness("w.poland", 3),
            witness("w.germany", 4),
            witness("w.stranger", 5),
        );
        let mut note = checkpoint(&t, 4);
        for c in [&ua, &ub, &pl, &stranger] {
            note = Witness::new().cosign(c, &lk, &note, &[], T).unwrap().note;
        }
        let keys = [
            key("ukraine", &ua),
            key("ukraine", &ub),
            key("poland", &pl),
            key("germany", &de),
        ];
        let q = verify_cosignatures(&note, &lk, &keys, 2).unwrap();
        assert_eq!(q.parties, ["ukraine", "poland"]);
        assert_eq!(q.cosignatures.len(), 3);
        assert_eq!(q.unknown, ["w.stranger"]);
        let e = verify_cosignatures(&note, &lk, &keys, 3).unwrap_err();
        assert_eq!(
            e.to_string(),
            "2 of the 3 parties required cosigned (ukraine, poland); signatures by keys not given were ignored: w.stranger"
        );
        // Policies that cannot be met or are ambiguous.
        assert!(matches!(
            verify_cosignatures(&note, &lk, &keys, 4),
            Err(WitnessError::BadPolicy(_))
        ));
        assert!(matches!(
            verify_cosignatures(&note, &lk, &keys, 0),
            Err(WitnessError::BadPolicy(_))
        ));
        let twice = [key("ukraine", &ua), key("poland", &ua)];
        assert!(matches!(
            verify_cosignatures(&note, &lk, &twice, 1),
            Err(WitnessError::BadPolicy(_))
        ));
    }

    /// Replaces the signature of the cosignature line of `name` in `note`.
    fn with_blob(note: &str, name: &str, change: impl Fn(&mut Vec<u8>)) -> String {
        let prefix = format!("\u{2014} {name} ");
        note.lines()
            .map(|l| match l.strip_prefix(&prefix) {
                Some(b) => {
                    let mut raw = STANDARD.decode(b).unwrap();
                    change(&mut raw);
                    format!("{prefix}{}\n", STANDARD.encode(raw))
                }
                None => format!("{l}\n"),
            })
            .collect()
    }

    #[test]
    fn a_malleated_or_changed_cosignature_is_rejected() {
        let t = tree(4, "a");
        let lk = log().verifier();
        let w = witness("w.ukraine", 1);
        let note = Witness::new()
            .cosign(&w, &lk, &checkpoint(&t, 4), &[], T)
            .unwrap()
            .note;
        let keys = [key("ukraine", &w)];
        verify_cosignatures(&note, &lk, &keys, 1).unwrap();
        let bad = WitnessError::BadCosignature {
            party: "ukraine".into(),
            name: "w.ukraine".into(),
        };
        // S + L: the same signature to a lax verifier, refused here.
        const L: [u8; 32] = [
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
            0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ];
        let malleated = with_blob(&note, "w.ukraine", |raw| {
            let s = &mut raw[12 + 32..];
            let mut carry = 0u16;
            for (b, l) in s.iter_mut().zip(L) {
                let sum = u16::from(*b) + u16::from(l) + carry;
                *b = sum as u8;
                carry = sum >> 8;
            }
        });
        assert_ne!(malleated, note);
        assert_eq!(
            verify_cosignatures(&malleated, &lk, &keys, 1).unwrap_err(),
            bad
        );
        // Another time, a flipped bit, a truncated blob.
        for change in [
            (|raw: &mut Vec<u8>| raw[11] ^= 1) as fn(&mut Vec<u8>),
            |raw| raw[40] ^= 0x80,
            |raw| raw.truncate(70),
            |raw| raw[4] = 0x80,
        ] {
            let changed = with_blob(&note, "w.ukraine", change);
            assert_eq!(
                verify_cosignatures(&changed, &lk, &keys, 1).unwrap_err(),
                bad
            );
        }
    }

    #[test]
    fn a_cosignature_does_not_carry_over_to_a_changed_body() {
        let t = tree(4, "a");
        let lk = log().verifier();
        let w = witness("w.ukraine", 1);
        let mut body = Checkpoint {
            origin: ORIGIN.into(),
            size: 4,
            root: t.root(),
            extensions: vec![],
        };
        body.extensions.push("ext one".into());
        let note = note::sign(&body.encode(), &[log()]).unwrap();
        let done = Witness::new().cosign(&w, &lk, &note, &[], T).unwrap();
        // The log re-signs a changed body (here: an extension line); the
        // witness's line, copied over, no longer verifies.
        body.extensions[0] = "ext two".into();
        let resigned = note::sign(&body.encode(), &[log()]).unwrap();
        let forged = format!("{resigned}{}\n", done.line);
        assert_eq!(
            verify_cosignatures(&forged, &lk, &[key("ukraine", &w)], 1).unwrap_err(),
            WitnessError::BadCosignature {
                party: "ukraine".into(),
                name: "w.ukraine".into()
            }
        );
        // And a body changed without the log's key fails on the log's.
        let changed = done.note.replacen("\n4\n", "\n5\n", 1);
        assert!(matches!(
            verify_cosignatures(&changed, &lk, &[key("ukraine", &w)], 1).unwrap_err(),
            WitnessError::Note(NoteError::InvalidSignature { .. })
        ));
    }
}

#[cfg(test)]
mod no_panic {
    use super::*;
    use crate::note::Signer;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Any text as a state file, a key, or bytes spliced into a
        /// cosigned note: an answer or an error, never a panic.
        #[test]
        fn any_input_is_answered(text in "\\PC*", at in 0usize..400, cut in 0usize..8) {
            let _ = Witness::parse(&text);
            let _ = Witness::parse(&format!("{STATE_HEADER}\n{text}"));
            let _ = CosignatureVerifier::parse(&text);
            let _ = Cosigner::parse(&text);
            let _ = note::key_type(&text);
            let log = Signer::from_seed("o", [1; 32]).unwrap();
            let w = Cosigner::from_seed("w", [2; 32]).unwrap();
            let body = "o\n2\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
            let note = note::sign(body, std::slice::from_ref(&log)).unwrap();
            let done = Witness::new().cosign(&w, &log.verifier(), &note, &[], 5).unwrap();
            let mut bytes = done.note.into_bytes();
            let at = at.min(bytes.len());
            let end = (at + cut).min(bytes.len());
            bytes.splice(at..end, text.bytes());
            let changed = String::from_utf8_lossy(&bytes);
            let keys = [WitnessKey { party: "p".into(), key: w.verifier() }];
            let _ = verify_cosignatures(&changed, &log.verifier(), &keys, 1);
            let _ = done.witness.cosign(&w, &log.verifier(), &changed, &[[0; 32]], 6);
        }
    }
}
