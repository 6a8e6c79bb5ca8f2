//! Key statements: what a party's root key signs, in the one JSON form
//! that is signed and logged, and the exact bytes the signature covers.
//!
//! ```text
//! {"statement":{"type":"grant","party":"ukraine","serial":1,
//!   "issued_at":"2026-12-04T08:00:00Z","key":"ukraine-ops-1+…","roles":["reporter"]},
//!  "signature":"BASE64(64-byte Ed25519 signature)"}
//! ```
//!
//! The signature is Ed25519 over [`CONTEXT`] followed by the RFC 8785
//! canonical bytes of the `statement` object (`base::jcs`), so anyone can
//! check it again from the log. A statement has one written form: a time in
//! UTC as `base::Timestamp` writes it, a key line as `ledger::note` writes
//! it; another spelling is refused rather than signed over, so the form
//! posted, the form logged and the form verified are the same bytes.

use std::fmt;

use base::Timestamp;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Signer as _};
use ledger::note::{Signer, Verifier};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::role::{is_role, role_list};

/// The bytes before the canonical statement in the signed message: a
/// statement's signature can never be mistaken for a signature over
/// anything else (a note, a request).
pub const CONTEXT: &[u8] = b"bulwark key statement v1\n";
/// The longest signed statement read, in bytes.
pub const STATEMENT_BYTES_MAX: usize = 16 * 1024;
/// The longest party id, in bytes.
pub const PARTY_BYTES_MAX: usize = 64;
/// The longest key name, in bytes.
pub const NAME_BYTES_MAX: usize = 128;
/// The longest reason for a revocation, in bytes.
pub const REASON_BYTES_MAX: usize = 1000;
/// The largest serial, 2⁵³ − 1: every serial is an integer RFC 8785 writes
/// exactly, so two serials never sign the same bytes.
pub const SERIAL_MAX: u64 = (1 << 53) - 1;

/// What a party's root key states, unsigned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// The party whose keys change; its current root key signs.
    pub party: String,
    /// The party's previous serial + 1 (the first statement's is 1): it
    /// orders a party's statements and refuses one posted twice.
    pub serial: u64,
    /// When the party says it issued the statement: recorded, never
    /// checked against a clock.
    pub issued_at: Timestamp,
    /// What changes.
    pub action: Action,
}

/// What a statement changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// A new operational key of the party, for these roles.
    Grant {
        /// The key granted.
        key: Verifier,
        /// Its roles ([`crate::ROLES`]), at least one, each once.
        roles: Vec<String>,
    },
    /// An operational key of the party may no longer sign, from this
    /// statement's log entry on; for ever.
    Revoke {
        /// The key's name.
        key: String,
        /// Why, in words (public).
        reason: String,
    },
    /// The party's root key is replaced: the current one signs nothing
    /// from this statement's log entry on.
    RotateRoot {
        /// The new root key.
        root: Verifier,
    },
}

impl Action {
    /// The statement's `type`: `grant`, `revoke` or `rotate_root`.
    pub fn kind(&self) -> &'static str {
        match self {
            Action::Grant { .. } => "grant",
            Action::Revoke { .. } => "revoke",
            Action::RotateRoot { .. } => "rotate_root",
        }
    }
}

/// A statement and its root key's signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signed {
    /// What is stated.
    pub statement: Statement,
    /// Ed25519 over [`Statement::signed_bytes`].
    pub signature: [u8; 64],
}

/// Why a statement is refused before any registry is consulted: every
/// problem found, each naming the JSON field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the key statement is not valid: {}", problems.join("; "))]
pub struct ParseError {
    /// Each problem, in words, starting with the field it is about.
    pub problems: Vec<String>,
}

impl ParseError {
    fn one(problem: String) -> ParseError {
        ParseError {
            problems: vec![problem],
        }
    }
}

impl Statement {
    /// The `statement` object, as signed and logged.
    pub fn to_value(&self) -> Value {
        let mut o = Map::new();
        o.insert("type".into(), self.action.kind().into());
        o.insert("party".into(), self.party.clone().into());
        o.insert("serial".into(), self.serial.into());
        o.insert("issued_at".into(), self.issued_at.to_string().into());
        match &self.action {
            Action::Grant { key, roles } => {
                o.insert("key".into(), key.encode().into());
                o.insert("roles".into(), roles.clone().into());
            }
            Action::Revoke { key, reason } => {
                o.insert("key".into(), key.clone().into());
                o.insert("reason".into(), reason.clone().into());
            }
            Action::RotateRoot { root } => {
                o.insert("root".into(), root.encode().into());
            }
        }
        Value::Object(o)
    }

    /// The bytes the root key signs: [`CONTEXT`] then the RFC 8785
    /// canonical bytes of [`Statement::to_value`].
    pub fn signed_bytes(&self) -> Vec<u8> {
        let mut bytes = CONTEXT.to_vec();
        bytes.extend(base::jcs::to_vec(&self.to_value()));
        bytes
    }

    /// Every problem of the statement on its own (a party id, a serial, a
    /// role, a reason), before any registry is consulted; empty when none.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        check_party(&self.party, &mut problems);
        check_serial(self.serial, &mut problems);
        if Timestamp::parse(&self.issued_at.to_string()).is_err() {
            problems.push(format!(
                "`statement.issued_at` ({} ms since 1970) is out of the range of RFC 3339 times",
                self.issued_at.millis()
            ));
        }
        match &self.action {
            Action::Grant { key, roles } => {
                check_name("statement.key", &key.name, &mut problems);
                check_keyid("statement.key", &key.name, &mut problems);
                check_roles(roles, &mut problems);
            }
            Action::Revoke { key, reason } => {
                check_name("statement.key", key, &mut problems);
                check_reason(reason, &mut problems);
            }
            Action::RotateRoot { root } => check_name("statement.root", &root.name, &mut problems),
        }
        problems
    }
}

/// Signs `statement` with a party's root key. Nothing is checked: see
/// [`Statement::problems`] and [`crate::Registry::check`].
pub fn sign(statement: &Statement, root: &Signer) -> Signed {
    Signed {
        statement: statement.clone(),
        signature: root
            .signing_key()
            .sign(&statement.signed_bytes())
            .to_bytes(),
    }
}

/// `{"statement": …, "signature": …}` as it arrives: a grammar, not yet a
/// statement.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireSigned {
    statement: WireStatement,
    signature: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireStatement {
    #[serde(rename = "type")]
    kind: Kind,
    party: String,
    serial: u64,
    issued_at: String,
    key: Option<String>,
    roles: Option<Vec<String>>,
    reason: Option<String>,
    root: Option<String>,
}

#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    Grant,
    Revoke,
    RotateRoot,
}

impl Signed {
    /// Reads a signed statement (JSON). Refuses unknown or missing fields,
    /// fields of another type of statement, a second spelling of a time or
    /// a key line, an unknown role; every problem is named with its JSON
    /// path. The signature is not checked here: it is
    /// [`crate::Registry::check`]'s, against the party's current root.
    pub fn parse(text: &str) -> Result<Signed, ParseError> {
        if text.len() > STATEMENT_BYTES_MAX {
            return Err(ParseError::one(format!(
                "the statement is {} bytes, more than the limit of {STATEMENT_BYTES_MAX}",
                text.len()
            )));
        }
        if !text.trim_start().starts_with('{') {
            return Err(ParseError::one(
                "a signed statement is a JSON object, `{\"statement\": {…}, \"signature\": \"…\"}`"
                    .to_string(),
            ));
        }
        let mut de = serde_json::Deserializer::from_str(text);
        let wire: WireSigned = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            ParseError::one(if path == "." {
                e.inner().to_string()
            } else {
                format!("`{path}`: {}", e.inner())
            })
        })?;
        de.end()
            .map_err(|e| ParseError::one(format!("after the statement: {e}")))?;
        let signed = from_wire(wire)?;
        // INVARIANT: what was posted is what `to_value` writes, so the
        // bytes verified here are the bytes anyone verifies from the log.
        let raw: Value = serde_json::from_str(text).map_err(|e| ParseError::one(e.to_string()))?;
        if raw.get("statement") != Some(&signed.statement.to_value()) {
            return Err(ParseError::one(
                "`statement` is not written in its one form (an object, its fields by name, none set to `null`): make it again with `bulwark keys`"
                    .to_string(),
            ));
        }
        Ok(signed)
    }

    /// `{"statement": {…}, "signature": BASE64}`: what is posted to the
    /// node.
    pub fn to_json(&self) -> Value {
        let v = serde_json::json!({
            "signature": STANDARD.encode(self.signature),
            "statement": self.statement.to_value(),
        });
        // Members in canonical order, whatever order serde_json's maps keep.
        serde_json::from_slice(&base::jcs::to_vec(&v)).unwrap_or(v)
    }

    /// The record of its log entry (`ledger::entry::key(at, record)`): the
    /// signed statement itself, so anyone can verify it again.
    pub fn entry_record(&self) -> Value {
        self.to_json()
    }

    /// True when the signature verifies with `key` (strictly: no
    /// malleable signature, no small-order key).
    pub(crate) fn verifies_with(&self, key: &Verifier) -> bool {
        key.verifying_key()
            .verify_strict(
                &self.statement.signed_bytes(),
                &Signature::from_bytes(&self.signature),
            )
            .is_ok()
    }
}

fn from_wire(wire: WireSigned) -> Result<Signed, ParseError> {
    let mut problems = Vec::new();
    let s = wire.statement;
    check_party(&s.party, &mut problems);
    check_serial(s.serial, &mut problems);
    let issued_at = match Timestamp::parse(&s.issued_at) {
        Ok(t) if t.to_string() == s.issued_at => Some(t),
        Ok(t) => {
            problems.push(format!(
                "`statement.issued_at` is `{}`: write it in UTC, as `{t}`",
                s.issued_at
            ));
            None
        }
        Err(e) => {
            problems.push(format!("`statement.issued_at`: {e}"));
            None
        }
    };
    let (kind, fields): (&str, &[&str]) = match s.kind {
        Kind::Grant => ("grant", &["key", "roles"]),
        Kind::Revoke => ("revoke", &["key", "reason"]),
        Kind::RotateRoot => ("rotate_root", &["root"]),
    };
    let present = [
        ("key", s.key.is_some()),
        ("roles", s.roles.is_some()),
        ("reason", s.reason.is_some()),
        ("root", s.root.is_some()),
    ];
    for (field, here) in present {
        let wanted = fields.contains(&field);
        if wanted && !here {
            problems.push(format!(
                "a `{kind}` needs `statement.{field}` ({})",
                meaning(field)
            ));
        } else if here && !wanted {
            problems.push(format!(
                "`statement.{field}` is not part of a `{kind}`: remove it"
            ));
        }
    }
    let key_line = |field: &str, line: &Option<String>, problems: &mut Vec<String>| {
        let line = line.as_deref()?;
        match Verifier::parse(line) {
            Ok(v) if v.encode() == line => {
                check_name(&format!("statement.{field}"), &v.name, problems);
                Some(v)
            }
            Ok(v) => {
                problems.push(format!(
                    "`statement.{field}` is not written as `{}` (the key id in lowercase hex)",
                    v.encode()
                ));
                None
            }
            Err(e) => {
                problems.push(format!("`statement.{field}`: {e}"));
                None
            }
        }
    };
    let action = match s.kind {
        Kind::Grant => {
            let key = key_line("key", &s.key, &mut problems);
            if let Some(key) = &key {
                check_keyid("statement.key", &key.name, &mut problems);
            }
            if let Some(roles) = &s.roles {
                check_roles(roles, &mut problems);
            }
            key.zip(s.roles)
                .map(|(key, roles)| Action::Grant { key, roles })
        }
        Kind::Revoke => {
            if let Some(key) = &s.key {
                check_name("statement.key", key, &mut problems);
            }
            if let Some(reason) = &s.reason {
                check_reason(reason, &mut problems);
            }
            s.key
                .zip(s.reason)
                .map(|(key, reason)| Action::Revoke { key, reason })
        }
        Kind::RotateRoot => {
            key_line("root", &s.root, &mut problems).map(|root| Action::RotateRoot { root })
        }
    };
    let signature: Option<[u8; 64]> = STANDARD
        .decode(&wire.signature)
        .ok()
        .and_then(|bytes| bytes.try_into().ok());
    if signature.is_none() {
        problems.push(
            "`signature` is not 64 bytes in base64 (an Ed25519 signature by the party's root key)"
                .to_string(),
        );
    }
    match (problems.is_empty(), issued_at, action, signature) {
        (true, Some(issued_at), Some(action), Some(signature)) => Ok(Signed {
            statement: Statement {
                party: s.party,
                serial: s.serial,
                issued_at,
                action,
            },
            signature,
        }),
        _ => Err(ParseError { problems }),
    }
}

/// What a statement field holds, for messages.
fn meaning(field: &str) -> &'static str {
    match field {
        "key" => "the key: its verifier key line in a grant, its name in a revoke",
        "roles" => "the roles granted",
        "reason" => "why the key is revoked, in words",
        _ => "the new root's verifier key line",
    }
}

/// `Ok` when `party` may be a party id: 1 to [`PARTY_BYTES_MAX`] bytes,
/// no space, control character, `+` or `/` (input ids are
/// `party/source/message`); otherwise why not.
pub fn valid_party(party: &str) -> Result<(), String> {
    if party.is_empty() {
        Err("the party id is empty".to_string())
    } else if party.len() > PARTY_BYTES_MAX {
        Err(format!(
            "the party id is {} bytes, more than the limit of {PARTY_BYTES_MAX}",
            party.len()
        ))
    } else if party
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '+' || c == '/')
    {
        Err(format!(
            "`{}` has a space, control character, `+` or `/`: a party id is one word such as `ukraine` or `monitoring-mission`",
            party.escape_debug()
        ))
    } else {
        Ok(())
    }
}

fn check_party(party: &str, problems: &mut Vec<String>) {
    if let Err(why) = valid_party(party) {
        problems.push(format!("`statement.party`: {why}"));
    }
}

fn check_serial(serial: u64, problems: &mut Vec<String>) {
    if serial == 0 || serial > SERIAL_MAX {
        problems.push(format!(
            "`statement.serial` is {serial}: a party's first statement has serial 1, each next one the previous + 1 (at most {SERIAL_MAX})"
        ));
    }
}

/// A key name: as `ledger::note` allows (no space, `+` or control
/// character), at most [`NAME_BYTES_MAX`] bytes.
fn check_name(field: &str, name: &str, problems: &mut Vec<String>) {
    if name.is_empty() {
        problems.push(format!("`{field}`: the key name is empty"));
    } else if name.len() > NAME_BYTES_MAX {
        problems.push(format!(
            "`{field}`: the key name is {} bytes, more than the limit of {NAME_BYTES_MAX}",
            name.len()
        ));
    } else if name
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '+')
    {
        problems.push(format!(
            "`{field}`: `{}` is not a key name (no space, `+` or control character); in a revoke, give the key's name, not its key line",
            name.escape_debug()
        ));
    }
}

/// An operational key's name is the `keyid` of the requests it signs, an
/// RFC 9421 structured-field string: ASCII only.
fn check_keyid(field: &str, name: &str, problems: &mut Vec<String>) {
    if !name.is_ascii() {
        problems.push(format!(
            "`{field}`: the key name `{name}` is not all ASCII, and it is the `keyid` of the requests the key signs (RFC 9421 allows ASCII only there); generate the key again with an ASCII name"
        ));
    }
}

fn check_roles(roles: &[String], problems: &mut Vec<String>) {
    if roles.is_empty() {
        problems.push(format!(
            "`statement.roles` is empty: grant at least one role ({})",
            role_list()
        ));
    }
    for (i, role) in roles.iter().enumerate() {
        if !is_role(role) {
            problems.push(format!(
                "`statement.roles[{i}]`: `{}` is not a role; the roles are {}",
                role.escape_debug(),
                role_list()
            ));
        } else if roles[..i].contains(role) {
            problems.push(format!(
                "`statement.roles[{i}]`: `{role}` is named twice: name each role once"
            ));
        }
    }
}

fn check_reason(reason: &str, problems: &mut Vec<String>) {
    if reason.trim().is_empty() {
        problems.push(
            "`statement.reason` is empty: say why the key is revoked (it is public)".to_string(),
        );
    } else if reason.len() > REASON_BYTES_MAX {
        problems.push(format!(
            "`statement.reason` is {} bytes, more than the limit of {REASON_BYTES_MAX}",
            reason.len()
        ));
    } else if reason.chars().any(char::is_control) {
        problems.push(
            "`statement.reason` has a control character (a newline, a tab…): write it on one line"
                .to_string(),
        );
    }
}

impl fmt::Display for Statement {
    /// `grant of `ukraine-ops-1` (reporter) by `ukraine`, serial 1`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.action {
            Action::Grant { key, roles } => write!(
                f,
                "grant of `{}` ({}) by `{}`",
                key.name,
                roles.join(", "),
                self.party
            )?,
            Action::Revoke { key, .. } => write!(f, "revocation of `{key}` by `{}`", self.party)?,
            Action::RotateRoot { root } => {
                write!(f, "rotation of `{}`'s root to `{}`", self.party, root.name)?;
            }
        }
        write!(f, ", serial {}", self.serial)
    }
}
