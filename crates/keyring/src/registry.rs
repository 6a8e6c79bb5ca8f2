//! The registry itself: every party's root keys and operational keys, as
//! enrolments and statements left them, and the rules a statement must
//! meet to change them.
//!
//! Every key that was ever registered stays in it — retired roots and
//! revoked keys too — so that a name or a public key is never used twice,
//! and so that the registry says what each key was and from when.

use std::collections::BTreeMap;

use ed25519_dalek::VerifyingKey;
use ledger::entry::Entry;
use ledger::note::Verifier;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::role::ROLES;
use crate::statement::{Action, NAME_BYTES_MAX, ParseError, Signed, valid_party};

/// The most operational keys in force (granted, not revoked) a party may
/// have at once.
pub const LIVE_KEYS_PER_PARTY_MAX: usize = 1000;
/// The most keys tried, when a signature does not verify with the party's
/// root, to say whose it is (a retired root, an operational key).
const SIGNER_GUESSES_MAX: usize = 64;

/// The parties' keys. `Default` is the empty registry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Registry {
    parties: BTreeMap<String, Party>,
    /// Every key ever registered, roots and operational keys, by name.
    keys: BTreeMap<String, Record>,
    /// Every public key ever registered, to its name.
    publics: BTreeMap<[u8; 32], String>,
    /// The log index of the last enrolment or statement applied.
    last_index: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Party {
    /// The current root key's name.
    root: String,
    /// The last statement's serial; 0 before the first.
    serial: u64,
    /// Every root key's name, first enrolled first.
    roots: Vec<String>,
    /// Every operational key's name, in the order granted.
    keys: Vec<String>,
    /// How many of `keys` are not revoked.
    live: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Record {
    party: String,
    verifier: Verifier,
    held: Held,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Held {
    Root {
        /// The log index of its enrolment or rotation.
        since: u64,
        retired_at: Option<u64>,
    },
    Operational {
        roles: Vec<String>,
        granted_at: u64,
        /// The log index of the revocation, and its reason.
        revoked: Option<(u64, String)>,
    },
}

/// An operational key that may sign requests now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key<'a> {
    /// Its name: the `keyid` of the requests it signs.
    pub name: &'a str,
    /// The party it signs for.
    pub party: &'a str,
    /// What it may do ([`crate::ROLES`]).
    pub roles: &'a [String],
    /// Its Ed25519 public key.
    pub verifying_key: &'a VerifyingKey,
    /// The log index of its grant.
    pub granted_at: u64,
}

/// Why a key may not sign requests.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// No key of that name was ever registered.
    #[error(
        "no key of that name is registered: the party's root key grants an operational key first (`bulwark keys grant`), and the node logs the grant; check the key name (`GET /api/v1/keys` lists them)"
    )]
    Unknown,
    /// The key was revoked, from log entry `at` on.
    #[error(
        "the key was revoked at log entry {at} ({reason}): sign with another key of the party, or have its root key grant a new one"
    )]
    Revoked {
        /// The log index of the revocation.
        at: u64,
        /// Its reason, as the party gave it.
        reason: String,
    },
    /// A party's current root key: it signs key statements, never
    /// requests.
    #[error(
        "this is a party's root key: a root key signs only key statements, never requests; sign requests with an operational key it granted (`bulwark keys grant`)"
    )]
    Root,
    /// A party's root key until log entry `at`, when it was replaced.
    #[error(
        "this was a party's root key until it was retired at log entry {at}: a root key never signs requests, and this one signs nothing any more; sign with an operational key"
    )]
    RootRetired {
        /// The log index of the rotation that retired it.
        at: u64,
    },
}

/// What an applied statement changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applied {
    /// A key was granted.
    Granted {
        /// The party.
        party: String,
        /// The key's name.
        name: String,
        /// Its roles.
        roles: Vec<String>,
    },
    /// A key was revoked.
    Revoked {
        /// The party.
        party: String,
        /// The key's name.
        name: String,
    },
    /// The root key was replaced.
    RootRotated {
        /// The party.
        party: String,
        /// The root retired.
        retired: String,
        /// The new root.
        root: String,
    },
}

impl std::fmt::Display for Applied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Applied::Granted { party, name, roles } => write!(
                f,
                "`{party}` granted `{name}` the role(s) {}",
                roles.join(", ")
            ),
            Applied::Revoked { party, name } => write!(f, "`{party}` revoked `{name}`"),
            Applied::RootRotated {
                party,
                retired,
                root,
            } => write!(
                f,
                "`{party}`'s root key is now `{root}`; `{retired}` is retired"
            ),
        }
    }
}

/// Why an enrolment, a statement or a log entry is refused. Each says what
/// is wrong and what to do.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    /// The statement is not valid on its own.
    #[error("{0}")]
    Invalid(#[from] ParseError),
    /// A log entry is not a key registry entry.
    #[error("not a key registry entry: {0}")]
    Entry(String),
    /// Not a party id.
    #[error("`{party}` cannot be a party id: {why}")]
    BadParty {
        /// The id given.
        party: String,
        /// Why not.
        why: String,
    },
    /// A root key name too long.
    #[error(
        "the key name `{name}` is more than {NAME_BYTES_MAX} bytes: generate the key again with a shorter name"
    )]
    LongName {
        /// The name.
        name: String,
    },
    /// The party has no root key.
    #[error(
        "party `{party}` has no root key in this registry: the node operator enrols each party's root key from the key registry file (`[roots]`) before its statements can apply; check the party id"
    )]
    NotEnrolled {
        /// The party.
        party: String,
    },
    /// The party has a root key already.
    #[error(
        "party `{party}` already has a root key (`{root}`): a root key changes only by a `rotate_root` statement signed by the current one (`bulwark keys rotate-root`)"
    )]
    AlreadyEnrolled {
        /// The party.
        party: String,
        /// Its current root key's name.
        root: String,
    },
    /// The key name is used already, now or in the past.
    #[error(
        "the key name `{name}` is already used, by {what} of `{owner}`: a key name is used once, for all time (a revoked key is never granted again); generate a new key with another name (`bulwark keys generate --name …`)"
    )]
    NameTaken {
        /// The name.
        name: String,
        /// The party whose key has it.
        owner: String,
        /// `a root key`, `an operational key`, …
        what: &'static str,
    },
    /// The public key is registered already, under another name or for
    /// another party.
    #[error(
        "the public key of `{name}` is already registered, as `{existing}` of `{owner}`: one public key is one key of one party, under one name, for all time; generate a new key (`bulwark keys generate`)"
    )]
    PublicKeyTaken {
        /// The name it is offered under.
        name: String,
        /// The name it is registered under.
        existing: String,
        /// The party it is registered to.
        owner: String,
    },
    /// The signature does not verify with the party's root key.
    #[error(
        "the signature does not verify with `{party}`'s root key `{root}`: the statement was changed after it was signed, or another key signed it; sign it again with that root key"
    )]
    BadSignature {
        /// The party.
        party: String,
        /// Its current root key's name.
        root: String,
    },
    /// Signed by a root key the party has replaced.
    #[error(
        "the statement is signed by `{name}`, `{party}`'s root key until it was retired at log entry {retired_at}: sign it with the current root key `{root}`"
    )]
    SignedByRetiredRoot {
        /// The party.
        party: String,
        /// The retired root's name.
        name: String,
        /// When it was retired.
        retired_at: u64,
        /// The current root's name.
        root: String,
    },
    /// Signed by an operational key.
    #[error(
        "the statement is signed by `{name}`, an operational key of `{owner}`: only a party's root key signs key statements; sign it with `{party}`'s root key `{root}`"
    )]
    SignedByOperationalKey {
        /// The party the statement is for.
        party: String,
        /// The key that signed.
        name: String,
        /// The party that key belongs to.
        owner: String,
        /// The party's current root's name.
        root: String,
    },
    /// Signed by another party's root key.
    #[error(
        "the statement for `{party}` is signed by `{name}`, the root key of `{owner}`: a party's statements are signed by its own root key, `{root}`"
    )]
    SignedByOtherRoot {
        /// The party the statement is for.
        party: String,
        /// The key that signed.
        name: String,
        /// The party whose root it is.
        owner: String,
        /// The party's current root's name.
        root: String,
    },
    /// The serial is not the party's next.
    #[error("{}", serial_message(party, *serial, *expected))]
    Serial {
        /// The party.
        party: String,
        /// The statement's serial.
        serial: u64,
        /// The party's next serial.
        expected: u64,
    },
    /// Revoking a key the registry does not have.
    #[error(
        "`{party}` has no key named `{name}`: nothing to revoke; check the name (`GET /api/v1/keys` lists each party's keys)"
    )]
    UnknownKey {
        /// The party.
        party: String,
        /// The name given.
        name: String,
    },
    /// Revoking another party's key.
    #[error("the key `{name}` is `{owner}`'s, not `{party}`'s: a party revokes only its own keys")]
    OtherPartysKey {
        /// The party revoking.
        party: String,
        /// The key.
        name: String,
        /// Its party.
        owner: String,
    },
    /// Revoking a key revoked already.
    #[error(
        "the key `{name}` was already revoked at log entry {at} ({reason}): a revocation is final; nothing to do"
    )]
    AlreadyRevoked {
        /// The key.
        name: String,
        /// When it was revoked.
        at: u64,
        /// Why.
        reason: String,
    },
    /// Revoking a root key.
    #[error(
        "`{name}` is a root key of `{party}`, not an operational key: a root key is replaced with a `rotate_root` statement (`bulwark keys rotate-root`), never revoked"
    )]
    RevokeRoot {
        /// The party.
        party: String,
        /// The root key.
        name: String,
    },
    /// Too many keys in force.
    #[error(
        "`{party}` has {LIVE_KEYS_PER_PARTY_MAX} operational keys in force, the most allowed: revoke the keys no longer used before granting another"
    )]
    TooManyKeys {
        /// The party.
        party: String,
    },
    /// A log index at or before one applied already.
    #[error(
        "log entry {index} is not after entry {last}, applied already: key entries apply once each, in log order"
    )]
    OutOfOrder {
        /// The index given.
        index: u64,
        /// The last index applied.
        last: u64,
    },
}

fn serial_message(party: &str, serial: u64, expected: u64) -> String {
    if serial < expected {
        format!(
            "serial {serial} of `{party}` is used already (the next is {expected}): a statement applies once, so one posted again is refused; if this is a new statement, sign it again with `--serial {expected}`"
        )
    } else {
        format!(
            "serial {serial} of `{party}` skips ahead (the next is {expected}): statements apply in order; post the earlier one first, or sign this one again with `--serial {expected}`"
        )
    }
}

/// An enrolment's log record.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EnrolRecord {
    #[serde(rename = "type")]
    kind: String,
    party: String,
    root: String,
}

impl Registry {
    /// Enrols `party`'s first root key (from the operator's key registry
    /// file) as log entry `index`. Refuses a party that has a root key
    /// already (a root changes only by a `rotate_root` signed by the
    /// current one), and a key name or public key used already.
    pub fn enrol(&mut self, party: &str, root: &Verifier, index: u64) -> Result<(), RegistryError> {
        valid_party(party).map_err(|why| RegistryError::BadParty {
            party: party.to_string(),
            why,
        })?;
        if let Some(p) = self.parties.get(party) {
            return Err(RegistryError::AlreadyEnrolled {
                party: party.to_string(),
                root: p.root.clone(),
            });
        }
        if root.name.len() > NAME_BYTES_MAX {
            return Err(RegistryError::LongName {
                name: root.name.clone(),
            });
        }
        self.fresh(root)?;
        self.in_order(index)?;
        self.insert(
            party,
            root,
            Held::Root {
                since: index,
                retired_at: None,
            },
        );
        self.parties.insert(
            party.to_string(),
            Party {
                root: root.name.clone(),
                serial: 0,
                roots: vec![root.name.clone()],
                keys: Vec::new(),
                live: 0,
            },
        );
        self.last_index = Some(index);
        Ok(())
    }

    /// Checks a signed statement against the registry as it is now and
    /// applies it as log entry `index`. On error nothing changes.
    pub fn apply(&mut self, signed: &Signed, index: u64) -> Result<Applied, RegistryError> {
        self.check(signed)?;
        self.in_order(index)?;
        let st = &signed.statement;
        // Every statement below passed `check`: its party exists, and a
        // revoked key exists, is the party's and is in force.
        let Some(party) = self.parties.get_mut(&st.party) else {
            return Err(RegistryError::NotEnrolled {
                party: st.party.clone(),
            });
        };
        let applied = match &st.action {
            Action::Grant { key, roles } => {
                party.keys.push(key.name.clone());
                party.live += 1;
                party.serial = st.serial;
                self.insert(
                    &st.party,
                    key,
                    Held::Operational {
                        roles: roles.clone(),
                        granted_at: index,
                        revoked: None,
                    },
                );
                Applied::Granted {
                    party: st.party.clone(),
                    name: key.name.clone(),
                    roles: roles.clone(),
                }
            }
            Action::Revoke { key, reason } => {
                let Some(Record {
                    held: Held::Operational { revoked, .. },
                    ..
                }) = self.keys.get_mut(key)
                else {
                    return Err(RegistryError::UnknownKey {
                        party: st.party.clone(),
                        name: key.clone(),
                    });
                };
                *revoked = Some((index, reason.clone()));
                party.live = party.live.saturating_sub(1);
                party.serial = st.serial;
                Applied::Revoked {
                    party: st.party.clone(),
                    name: key.clone(),
                }
            }
            Action::RotateRoot { root } => {
                let retired = std::mem::replace(&mut party.root, root.name.clone());
                party.roots.push(root.name.clone());
                party.serial = st.serial;
                if let Some(Record {
                    held: Held::Root { retired_at, .. },
                    ..
                }) = self.keys.get_mut(&retired)
                {
                    *retired_at = Some(index);
                }
                self.insert(
                    &st.party,
                    root,
                    Held::Root {
                        since: index,
                        retired_at: None,
                    },
                );
                Applied::RootRotated {
                    party: st.party.clone(),
                    retired,
                    root: root.name.clone(),
                }
            }
        };
        self.last_index = Some(index);
        Ok(applied)
    }

    /// Checks a signed statement against the registry as it is now,
    /// changing nothing: the node checks before it logs. In order: the
    /// statement on its own, the party's root key, the signature, the
    /// serial, then what the statement changes.
    pub fn check(&self, signed: &Signed) -> Result<(), RegistryError> {
        let st = &signed.statement;
        let problems = st.problems();
        if !problems.is_empty() {
            return Err(ParseError { problems }.into());
        }
        let party = self
            .parties
            .get(&st.party)
            .ok_or_else(|| RegistryError::NotEnrolled {
                party: st.party.clone(),
            })?;
        let root = self
            .keys
            .get(&party.root)
            .ok_or_else(|| RegistryError::NotEnrolled {
                party: st.party.clone(),
            })?;
        if !signed.verifies_with(&root.verifier) {
            return Err(self.who_signed(signed, &st.party, party));
        }
        let expected = party.serial.saturating_add(1);
        if st.serial != expected {
            return Err(RegistryError::Serial {
                party: st.party.clone(),
                serial: st.serial,
                expected,
            });
        }
        match &st.action {
            Action::Grant { key, .. } => {
                self.fresh(key)?;
                if party.live >= LIVE_KEYS_PER_PARTY_MAX {
                    return Err(RegistryError::TooManyKeys {
                        party: st.party.clone(),
                    });
                }
            }
            Action::Revoke { key, .. } => {
                let record = self
                    .keys
                    .get(key)
                    .ok_or_else(|| RegistryError::UnknownKey {
                        party: st.party.clone(),
                        name: key.clone(),
                    })?;
                if record.party != st.party {
                    return Err(RegistryError::OtherPartysKey {
                        party: st.party.clone(),
                        name: key.clone(),
                        owner: record.party.clone(),
                    });
                }
                match &record.held {
                    Held::Root { .. } => {
                        return Err(RegistryError::RevokeRoot {
                            party: st.party.clone(),
                            name: key.clone(),
                        });
                    }
                    Held::Operational {
                        revoked: Some((at, reason)),
                        ..
                    } => {
                        return Err(RegistryError::AlreadyRevoked {
                            name: key.clone(),
                            at: *at,
                            reason: reason.clone(),
                        });
                    }
                    Held::Operational { revoked: None, .. } => {}
                }
            }
            Action::RotateRoot { root } => self.fresh(root)?,
        }
        Ok(())
    }

    /// The key a request's `keyid` names, if it may sign requests now: an
    /// operational key granted and not revoked.
    pub fn key(&self, keyid: &str) -> Result<Key<'_>, Refusal> {
        let record = self.keys.get(keyid).ok_or(Refusal::Unknown)?;
        match &record.held {
            Held::Root {
                retired_at: None, ..
            } => Err(Refusal::Root),
            Held::Root {
                retired_at: Some(at),
                ..
            } => Err(Refusal::RootRetired { at: *at }),
            Held::Operational {
                revoked: Some((at, reason)),
                ..
            } => Err(Refusal::Revoked {
                at: *at,
                reason: reason.clone(),
            }),
            Held::Operational {
                roles,
                granted_at,
                revoked: None,
            } => Ok(Key {
                name: &record.verifier.name,
                party: &record.party,
                roles,
                verifying_key: record.verifier.verifying_key(),
                granted_at: *granted_at,
            }),
        }
    }

    /// The serial `party`'s next statement must have, or `None` when the
    /// party has no root key.
    pub fn next_serial(&self, party: &str) -> Option<u64> {
        self.parties.get(party).map(|p| p.serial.saturating_add(1))
    }

    /// Whether `root` is or was a root key of `party`.
    pub fn knows_root(&self, party: &str, root: &Verifier) -> bool {
        self.parties.get(party).is_some_and(|p| {
            p.roots
                .iter()
                .any(|name| self.keys.get(name).is_some_and(|r| r.verifier == *root))
        })
    }

    /// The current root key of `party`, if enrolled.
    pub fn root(&self, party: &str) -> Option<&Verifier> {
        let p = self.parties.get(party)?;
        self.keys.get(&p.root).map(|r| &r.verifier)
    }

    /// The registry as JSON, for `GET /api/v1/keys` (all of it is public):
    ///
    /// ```text
    /// {"roles": {"reporter": "submits observations, …", …},
    ///  "parties": {"ukraine": {"root": "ukraine-root-2", "serial": 3,
    ///    "roots": [{"name": …, "key": VERIFIER, "since": 0, "retired_at": 7}, …],
    ///    "keys": [{"name": …, "key": VERIFIER, "roles": ["reporter"],
    ///              "granted_at": 3, "revoked": null | {"at": 9, "reason": "…"}}, …]}}}
    /// ```
    pub fn to_json(&self) -> Value {
        let roles: serde_json::Map<String, Value> = ROLES
            .iter()
            .map(|(role, meaning)| ((*role).to_string(), (*meaning).into()))
            .collect();
        let parties: serde_json::Map<String, Value> = self
            .parties
            .iter()
            .map(|(id, p)| {
                let roots: Vec<Value> = p
                    .roots
                    .iter()
                    .filter_map(|name| self.keys.get(name))
                    .filter_map(|r| match &r.held {
                        Held::Root { since, retired_at } => Some(json!({
                            "name": r.verifier.name,
                            "key": r.verifier.encode(),
                            "since": since,
                            "retired_at": retired_at,
                        })),
                        Held::Operational { .. } => None,
                    })
                    .collect();
                let keys: Vec<Value> = p
                    .keys
                    .iter()
                    .filter_map(|name| self.keys.get(name))
                    .filter_map(|r| match &r.held {
                        Held::Operational {
                            roles,
                            granted_at,
                            revoked,
                        } => Some(json!({
                            "name": r.verifier.name,
                            "key": r.verifier.encode(),
                            "roles": roles,
                            "granted_at": granted_at,
                            "revoked": revoked
                                .as_ref()
                                .map(|(at, reason)| json!({"at": at, "reason": reason})),
                        })),
                        Held::Root { .. } => None,
                    })
                    .collect();
                let party = json!({
                    "root": p.root,
                    "serial": p.serial,
                    "roots": roots,
                    "keys": keys,
                });
                (id.clone(), party)
            })
            .collect();
        json!({"roles": roles, "parties": parties})
    }

    /// The record of `party`'s enrolment's log entry
    /// (`ledger::entry::key(at, record)`):
    /// `{"type": "enrol", "party": …, "root": VERIFIER KEY}`.
    pub fn entry_for_enrol(party: &str, root: &Verifier) -> Value {
        json!({"type": "enrol", "party": party, "root": root.encode()})
    }

    /// Refuses `key` if its name or its public key was ever registered.
    fn fresh(&self, key: &Verifier) -> Result<(), RegistryError> {
        if let Some(r) = self.keys.get(&key.name) {
            return Err(RegistryError::NameTaken {
                name: key.name.clone(),
                owner: r.party.clone(),
                what: match r.held {
                    Held::Root {
                        retired_at: None, ..
                    } => "the root key",
                    Held::Root { .. } => "a retired root key",
                    Held::Operational { revoked: None, .. } => "an operational key",
                    Held::Operational { .. } => "a revoked operational key",
                },
            });
        }
        if let Some(existing) = self.publics.get(key.verifying_key().as_bytes()) {
            return Err(RegistryError::PublicKeyTaken {
                name: key.name.clone(),
                existing: existing.clone(),
                owner: self
                    .keys
                    .get(existing)
                    .map(|r| r.party.clone())
                    .unwrap_or_default(),
            });
        }
        Ok(())
    }

    fn in_order(&self, index: u64) -> Result<(), RegistryError> {
        match self.last_index {
            Some(last) if index <= last => Err(RegistryError::OutOfOrder { index, last }),
            _ => Ok(()),
        }
    }

    fn insert(&mut self, party: &str, key: &Verifier, held: Held) {
        self.publics
            .insert(*key.verifying_key().as_bytes(), key.name.clone());
        self.keys.insert(
            key.name.clone(),
            Record {
                party: party.to_string(),
                verifier: key.clone(),
                held,
            },
        );
    }

    /// Why a signature does not verify with the party's root: whose key
    /// signed, when it is one the registry knows — the party's retired
    /// roots and operational keys first, newest first, then the other
    /// parties' roots.
    fn who_signed(&self, signed: &Signed, party_id: &str, party: &Party) -> RegistryError {
        let others = self
            .parties
            .iter()
            .filter(|(id, _)| id.as_str() != party_id)
            .map(|(_, p)| &p.root);
        let candidates = party
            .roots
            .iter()
            .rev()
            .filter(|name| **name != party.root)
            .chain(party.keys.iter().rev())
            .chain(others)
            .take(SIGNER_GUESSES_MAX);
        for name in candidates {
            let Some(record) = self.keys.get(name) else {
                continue;
            };
            if !signed.verifies_with(&record.verifier) {
                continue;
            }
            let (party, name, root) = (party_id.to_string(), name.clone(), party.root.clone());
            return match record.held {
                Held::Root {
                    retired_at: Some(retired_at),
                    ..
                } if record.party == party => RegistryError::SignedByRetiredRoot {
                    party,
                    name,
                    retired_at,
                    root,
                },
                Held::Root { .. } => RegistryError::SignedByOtherRoot {
                    party,
                    name,
                    owner: record.party.clone(),
                    root,
                },
                Held::Operational { .. } => RegistryError::SignedByOperationalKey {
                    party,
                    name,
                    owner: record.party.clone(),
                    root,
                },
            };
        }
        RegistryError::BadSignature {
            party: party_id.to_string(),
            root: party.root.clone(),
        }
    }
}

/// Rebuilds the registry from a log: every `key` entry, in order, with its
/// log index — enrolments enrolled, statements checked (signature, serial,
/// every rule) and applied as when they were logged. Other entries are
/// passed over. The first entry refused stops it, with its index.
pub fn replay<'a>(
    entries: impl Iterator<Item = (u64, &'a Value)>,
) -> Result<Registry, (u64, RegistryError)> {
    let mut registry = Registry::default();
    for (index, value) in entries {
        if value.get("entry").and_then(Value::as_str) != Some("key") {
            continue;
        }
        registry.apply_entry(value, index).map_err(|e| (index, e))?;
    }
    Ok(registry)
}

impl Registry {
    /// Applies one `key` log entry (an enrolment or a signed statement) as
    /// log entry `index`, checking it as when it was logged.
    pub fn apply_entry(&mut self, value: &Value, index: u64) -> Result<(), RegistryError> {
        match Entry::read(value) {
            Ok(Entry::Key { kind, .. }) if kind == "enrol" => {
                let record = value.get("key").cloned().unwrap_or_default();
                let enrol: EnrolRecord = serde_json::from_value(record)
                    .map_err(|e| RegistryError::Entry(format!("an enrolment: {e}")))?;
                if enrol.kind != "enrol" {
                    return Err(RegistryError::Entry(format!(
                        "an enrolment of type `{}`",
                        enrol.kind
                    )));
                }
                let root = Verifier::parse(&enrol.root).map_err(|e| {
                    RegistryError::Entry(format!(
                        "the root key enrolled for `{}`: {e}",
                        enrol.party
                    ))
                })?;
                self.enrol(&enrol.party, &root, index)
            }
            Ok(Entry::Key { .. }) => {
                let record = value.get("key").map(Value::to_string).unwrap_or_default();
                let signed = Signed::parse(&record)?;
                self.apply(&signed, index).map(|_| ())
            }
            Ok(other) => Err(RegistryError::Entry(format!(
                "{} marked as a key entry",
                other.kind()
            ))),
            Err(e) => Err(RegistryError::Entry(e.0)),
        }
    }
}
