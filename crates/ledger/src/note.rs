//! Signed notes (C2SP signed-note) with Ed25519 keys, and the checkpoints
//! (C2SP tlog-checkpoint) they carry.
//!
//! A note is UTF-8 text ending in a newline, a blank line, then one line
//! per signature: `— NAME BASE64(KEYID ‖ SIGNATURE)`. The key id is the
//! first four bytes of `SHA-256(NAME ‖ 0x0A ‖ 0x01 ‖ PUBLIC KEY)`; the
//! signed message is the text, trailing newline included. A verifier key
//! is written `NAME+HEX(KEYID)+BASE64(0x01 ‖ PUBLIC KEY)`.
//!
//! Written here: the C2SP crates pull older copies of the signing and
//! hashing crates (DEPENDENCIES.md); the format is small and the vectors
//! pin it. Verification is strict (`verify_strict`: no small-order keys,
//! no malleable signatures).

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// The most signatures a note may carry.
pub const SIGNATURES_MAX: usize = 100;
/// The signature type byte of Ed25519 note keys.
pub const ALG_ED25519: u8 = 0x01;
/// The signature type byte of Ed25519 cosignature keys (C2SP
/// tlog-cosignature `cosignature/v1`); see [`crate::witness`].
pub const ALG_COSIGNATURE_V1: u8 = 0x04;

/// Why a note, a key or a checkpoint is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoteError {
    /// The note is not well formed: why.
    Malformed(String),
    /// A key is not well formed: why.
    BadKey(String),
    /// A signature by a known key does not verify.
    InvalidSignature { name: String },
    /// No signature is by a known key.
    NoVerifiableSignature,
    /// A checkpoint body is not `origin`, size, root: why.
    BadCheckpoint(String),
}

impl fmt::Display for NoteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoteError::Malformed(why) => write!(f, "malformed note: {why}"),
            NoteError::BadKey(why) => write!(f, "bad key: {why}"),
            NoteError::InvalidSignature { name } => {
                write!(
                    f,
                    "the signature of `{name}` does not verify: the note was changed or not signed by that key"
                )
            }
            NoteError::NoVerifiableSignature => {
                write!(f, "the note has no signature by a key given to verify it")
            }
            NoteError::BadCheckpoint(why) => write!(f, "bad checkpoint: {why}"),
        }
    }
}

impl std::error::Error for NoteError {}

/// `SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[..4]`.
pub fn key_id(name: &str, public: &[u8; 32]) -> [u8; 4] {
    key_id_for(name, ALG_ED25519, public)
}

/// `SHA-256(name ‖ 0x0A ‖ alg ‖ public key)[..4]`: the key id of a key of
/// signature type `alg` (0x01 note signatures, 0x04 cosignatures).
pub(crate) fn key_id_for(name: &str, alg: u8, public: &[u8; 32]) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([b'\n', alg]);
    h.update(public);
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

/// The signature type names used in messages.
fn alg_name(alg: u8) -> &'static str {
    if alg == ALG_ED25519 {
        "Ed25519 note keys (type 0x01)"
    } else {
        "Ed25519 cosignature keys (type 0x04)"
    }
}

/// Parses a verifier key `NAME+HEX(KEYID)+BASE64(alg ‖ KEY)` of signature
/// type `alg`, its key id checked: the name, id and key.
pub(crate) fn parse_verifier_key(
    text: &str,
    alg: u8,
) -> Result<(String, [u8; 4], VerifyingKey), NoteError> {
    let bad = |why: &str| NoteError::BadKey(format!("`{text}`: {why}"));
    let mut parts = text.splitn(3, '+');
    let (Some(name), Some(id_hex), Some(key64)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad("a verifier key is NAME+KEYID+KEY"));
    };
    if !valid_name(name) {
        return Err(bad(
            "the name is empty or has a space, `+` or control character",
        ));
    }
    let id = parse_id(id_hex).ok_or_else(|| bad("the key id is not 8 hex digits"))?;
    let raw = STANDARD
        .decode(key64)
        .map_err(|_| bad("the key is not base64"))?;
    let [found, key @ ..] = raw.as_slice() else {
        return Err(bad("the key is empty"));
    };
    if *found != alg {
        return Err(bad(&format!(
            "the key is of type 0x{found:02x}; only {} are accepted here",
            alg_name(alg)
        )));
    }
    let public: [u8; 32] = key
        .try_into()
        .map_err(|_| bad("an Ed25519 public key has 32 bytes"))?;
    if key_id_for(name, alg, &public) != id {
        return Err(bad("the key id does not match the name and key"));
    }
    let key =
        VerifyingKey::from_bytes(&public).map_err(|_| bad("not a valid Ed25519 public key"))?;
    Ok((name.to_string(), id, key))
}

/// Parses a signer key `PRIVATE+KEY+NAME+HEX(KEYID)+BASE64(alg ‖ SEED)` of
/// signature type `alg`, its key id checked: the name and key.
pub(crate) fn parse_signer_key(text: &str, alg: u8) -> Result<(String, SigningKey), NoteError> {
    let bad = |why: &str| NoteError::BadKey(format!("a signer key: {why}"));
    let rest = text
        .strip_prefix("PRIVATE+KEY+")
        .ok_or_else(|| bad("it does not start with PRIVATE+KEY+"))?;
    let mut parts = rest.splitn(3, '+');
    let (Some(name), Some(id_hex), Some(key64)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad("it is PRIVATE+KEY+NAME+KEYID+KEY"));
    };
    if !valid_name(name) {
        return Err(bad("a name has no space, `+` or control character"));
    }
    let id = parse_id(id_hex).ok_or_else(|| bad("the key id is not 8 hex digits"))?;
    let raw = STANDARD
        .decode(key64)
        .map_err(|_| bad("the key is not base64"))?;
    let [found, seed @ ..] = raw.as_slice() else {
        return Err(bad("the key is empty"));
    };
    if *found != alg {
        return Err(bad(&format!(
            "the key is of type 0x{found:02x}; only {} are accepted here",
            alg_name(alg)
        )));
    }
    let seed: [u8; 32] = seed
        .try_into()
        .map_err(|_| bad("an Ed25519 seed has 32 bytes"))?;
    let key = SigningKey::from_bytes(&seed);
    if key_id_for(name, alg, key.verifying_key().as_bytes()) != id {
        return Err(bad("the key id does not match the name and key"));
    }
    Ok((name.to_string(), key))
}

/// `NAME+HEX(KEYID)+BASE64(alg ‖ KEY)`, with `PRIVATE+KEY+` before it for
/// a signer key.
pub(crate) fn encode_key(
    name: &str,
    id: &[u8; 4],
    alg: u8,
    key: &[u8; 32],
    private: bool,
) -> String {
    let mut raw = vec![alg];
    raw.extend_from_slice(key);
    format!(
        "{}{}+{}+{}",
        if private { "PRIVATE+KEY+" } else { "" },
        name,
        crate::merkle::hex(id),
        STANDARD.encode(raw)
    )
}

/// The signature type byte of a verifier or signer key line (0x01 a note
/// key, 0x04 a cosignature key), without checking the rest.
pub fn key_type(key: &str) -> Option<u8> {
    let key = key.strip_prefix("PRIVATE+KEY+").unwrap_or(key);
    let key64 = key.splitn(3, '+').nth(2)?;
    STANDARD.decode(key64).ok()?.first().copied()
}

/// A name may be any non-empty UTF-8 without spaces, `+` or newlines.
pub(crate) fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && !name
            .chars()
            .any(|c| c.is_whitespace() || c == '+' || c.is_control())
}

/// A key that verifies notes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verifier {
    pub name: String,
    pub id: [u8; 4],
    key: VerifyingKey,
}

impl Verifier {
    /// Parses `NAME+HEX(KEYID)+BASE64(0x01 ‖ KEY)`.
    pub fn parse(text: &str) -> Result<Verifier, NoteError> {
        let (name, id, key) = parse_verifier_key(text, ALG_ED25519)?;
        Ok(Verifier { name, id, key })
    }

    /// The key as a verifier key line.
    pub fn encode(&self) -> String {
        encode_key(
            &self.name,
            &self.id,
            ALG_ED25519,
            self.key.as_bytes(),
            false,
        )
    }

    /// The Ed25519 public key, for verifying other messages than notes
    /// (HTTP request signatures, key statements). Verify with
    /// `verify_strict`, as notes are.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.key
    }

    pub(crate) fn verify(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        self.key
            .verify_strict(message, &Signature::from_bytes(signature))
            .is_ok()
    }
}

fn parse_id(hex: &str) -> Option<[u8; 4]> {
    if hex.len() != 8 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut id = [0u8; 4];
    for (i, b) in id.iter_mut().enumerate() {
        *b = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(id)
}

/// A key that signs notes.
#[derive(Clone, Debug)]
pub struct Signer {
    pub name: String,
    key: SigningKey,
}

impl Signer {
    /// A signer from a 32-byte Ed25519 seed.
    pub fn from_seed(name: &str, seed: [u8; 32]) -> Result<Signer, NoteError> {
        if !valid_name(name) {
            return Err(NoteError::BadKey(format!(
                "`{name}`: a name has no space, `+` or control character"
            )));
        }
        Ok(Signer {
            name: name.to_string(),
            key: SigningKey::from_bytes(&seed),
        })
    }

    /// Parses `PRIVATE+KEY+NAME+HEX(KEYID)+BASE64(0x01 ‖ SEED)`.
    pub fn parse(text: &str) -> Result<Signer, NoteError> {
        let (name, key) = parse_signer_key(text, ALG_ED25519)?;
        Ok(Signer { name, key })
    }

    /// The key as a signer key line (`PRIVATE+KEY+NAME+KEYID+KEY`): secret.
    pub fn encode(&self) -> String {
        encode_key(
            &self.name,
            &self.verifier().id,
            ALG_ED25519,
            self.key.as_bytes(),
            true,
        )
    }

    /// The Ed25519 secret key, for signing other messages than notes
    /// (HTTP request signatures, key statements).
    pub fn signing_key(&self) -> &SigningKey {
        &self.key
    }

    /// The matching verifier.
    pub fn verifier(&self) -> Verifier {
        let key = self.key.verifying_key();
        Verifier {
            id: key_id(&self.name, key.as_bytes()),
            name: self.name.clone(),
            key,
        }
    }

    /// The signature line for `text` (without its newline).
    fn line(&self, text: &str) -> String {
        let sig = self.key.sign(text.as_bytes());
        let mut blob = self.verifier().id.to_vec();
        blob.extend_from_slice(&sig.to_bytes());
        format!("\u{2014} {} {}", self.name, STANDARD.encode(blob))
    }
}

/// A signature line as read: the key name, the key id and the rest of the
/// signature (for a note key, the 64-byte Ed25519 signature).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Line {
    pub(crate) name: String,
    pub(crate) id: [u8; 4],
    pub(crate) blob: Vec<u8>,
}

/// A note read and checked against a set of verifiers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    /// The signed text, trailing newline included.
    pub text: String,
    /// Names of the keys whose signatures verified, in note order.
    pub verified: Vec<String>,
    /// Names on signatures by keys not given, in note order.
    pub unverified: Vec<String>,
}

/// Splits a note into its text and signature lines.
pub(crate) fn parse(note: &str) -> Result<(&str, Vec<Line>), NoteError> {
    let bad = |why: &str| NoteError::Malformed(why.to_string());
    if note.chars().any(|c| c.is_control() && c != '\n') {
        return Err(bad("a control character other than newline"));
    }
    if !note.ends_with('\n') {
        return Err(bad("it does not end with a newline"));
    }
    let split = note
        .rfind("\n\n")
        .ok_or_else(|| bad("no blank line before the signatures"))?;
    let (text, sigs) = (&note[..split + 1], &note[split + 2..]);
    if sigs.is_empty() {
        return Err(bad("no signature lines"));
    }
    let mut lines = Vec::new();
    for line in sigs.strip_suffix('\n').unwrap_or(sigs).split('\n') {
        let rest = line
            .strip_prefix("\u{2014} ")
            .ok_or_else(|| bad("a line after the blank line is not a signature (`— NAME SIG`)"))?;
        let (name, blob64) = rest
            .split_once(' ')
            .ok_or_else(|| bad("a signature line without its signature"))?;
        if !valid_name(name) || blob64.contains(' ') {
            return Err(bad("a signature line's name has a space or `+`"));
        }
        let blob = STANDARD
            .decode(blob64)
            .map_err(|_| bad("a signature is not base64"))?;
        if blob.len() < 5 {
            return Err(bad("a signature is shorter than a key id"));
        }
        let id = [blob[0], blob[1], blob[2], blob[3]];
        lines.push(Line {
            name: name.to_string(),
            id,
            blob: blob[4..].to_vec(),
        });
        if lines.len() > SIGNATURES_MAX {
            return Err(bad("more than 100 signatures"));
        }
    }
    Ok((text, lines))
}

/// Opens `note` with `verifiers`: every signature by a given key must
/// verify, and at least one must be there.
pub fn open(note: &str, verifiers: &[Verifier]) -> Result<Verified, NoteError> {
    let (text, lines) = parse(note)?;
    let mut verified = Vec::new();
    let mut unverified = Vec::new();
    for line in &lines {
        match verifiers
            .iter()
            .find(|v| v.name == line.name && v.id == line.id)
        {
            Some(v) => {
                let ok = <[u8; 64]>::try_from(line.blob.as_slice())
                    .is_ok_and(|sig| v.verify(text.as_bytes(), &sig));
                if !ok {
                    return Err(NoteError::InvalidSignature {
                        name: line.name.clone(),
                    });
                }
                if !verified.contains(&line.name) {
                    verified.push(line.name.clone());
                }
            }
            None => unverified.push(line.name.clone()),
        }
    }
    if verified.is_empty() {
        return Err(NoteError::NoVerifiableSignature);
    }
    Ok(Verified {
        text: text.to_string(),
        verified,
        unverified,
    })
}

/// Signs `text` (which must end in a newline) with every signer.
pub fn sign(text: &str, signers: &[Signer]) -> Result<String, NoteError> {
    if !text.ends_with('\n') || text.ends_with("\n\n") {
        return Err(NoteError::Malformed(
            "the text must end with one newline".to_string(),
        ));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(NoteError::Malformed(
            "a control character other than newline".to_string(),
        ));
    }
    let mut note = format!("{text}\n");
    for s in signers {
        note.push_str(&s.line(text));
        note.push('\n');
    }
    Ok(note)
}

/// A checkpoint's body: origin, tree size, root hash, extension lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: [u8; 32],
    pub extensions: Vec<String>,
}

impl Checkpoint {
    /// Parses a checkpoint body (a note's text).
    pub fn parse(text: &str) -> Result<Checkpoint, NoteError> {
        let bad = |why: &str| NoteError::BadCheckpoint(why.to_string());
        let body = text
            .strip_suffix('\n')
            .ok_or_else(|| bad("it does not end with a newline"))?;
        let mut lines = body.split('\n');
        let origin = lines
            .next()
            .filter(|o| !o.is_empty())
            .ok_or_else(|| bad("no origin line"))?;
        let size_text = lines.next().ok_or_else(|| bad("no tree size line"))?;
        if size_text.is_empty()
            || !size_text.bytes().all(|b| b.is_ascii_digit())
            || (size_text.len() > 1 && size_text.starts_with('0'))
        {
            return Err(bad(
                "the tree size is not a decimal number without leading zeros",
            ));
        }
        let size = size_text
            .parse()
            .map_err(|_| bad("the tree size is too large"))?;
        let root64 = lines.next().ok_or_else(|| bad("no root hash line"))?;
        let root: [u8; 32] = STANDARD
            .decode(root64)
            .ok()
            .and_then(|r| r.try_into().ok())
            .ok_or_else(|| bad("the root hash is not 32 bytes of base64"))?;
        let extensions: Vec<String> = lines.map(str::to_string).collect();
        if extensions.iter().any(String::is_empty) {
            return Err(bad("an empty extension line"));
        }
        Ok(Checkpoint {
            origin: origin.to_string(),
            size,
            root,
            extensions,
        })
    }

    /// The body as text.
    pub fn encode(&self) -> String {
        let mut s = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            STANDARD.encode(self.root)
        );
        for e in &self.extensions {
            s.push_str(e);
            s.push('\n');
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_raw_keys_sign_and_verify_other_messages() {
        let signer = Signer::from_seed("ukraine-ops-1", [9; 32]).unwrap();
        let verifier = Verifier::parse(&signer.verifier().encode()).unwrap();
        let signature = signer.signing_key().sign(b"a request");
        assert_eq!(
            signer.signing_key().verifying_key(),
            *verifier.verifying_key()
        );
        assert!(
            verifier
                .verifying_key()
                .verify_strict(b"a request", &signature)
                .is_ok()
        );
        assert!(
            verifier
                .verifying_key()
                .verify_strict(b"another request", &signature)
                .is_err()
        );
    }

    #[test]
    fn a_note_signed_here_opens_with_its_key_and_not_after_a_change() {
        let signer = Signer::from_seed("bulwark.test/log", [7; 32]).unwrap();
        let v = signer.verifier();
        assert_eq!(Verifier::parse(&v.encode()).unwrap(), v);
        assert_eq!(Signer::parse(&signer.encode()).unwrap().verifier(), v);
        let note = sign(
            "bulwark.test/log\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
            &[signer],
        )
        .unwrap();
        let opened = open(&note, std::slice::from_ref(&v)).unwrap();
        assert_eq!(opened.verified, ["bulwark.test/log"]);
        let changed = note.replacen("\n3\n", "\n4\n", 1);
        assert_eq!(
            open(&changed, &[v]).unwrap_err(),
            NoteError::InvalidSignature {
                name: "bulwark.test/log".into()
            }
        );
    }
}
