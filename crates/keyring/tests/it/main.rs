//! keyring from the outside: the statement format byte for byte, every
//! registry rule, the registry file, and generated statements.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod prop;
mod roots;
mod rules;
mod statement;

use base::Timestamp;
use keyring::{Action, Registry, Signed, Statement, sign};
use ledger::note::Signer;

/// A key from a fixed seed.
pub fn signer(name: &str, seed: u8) -> Signer {
    Signer::from_seed(name, [seed; 32]).unwrap()
}

pub fn at(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap()
}

pub fn grant(party: &str, serial: u64, key: &Signer, roles: &[&str]) -> Statement {
    Statement {
        party: party.into(),
        serial,
        issued_at: at("2026-12-04T08:00:00Z"),
        action: Action::Grant {
            key: key.verifier(),
            roles: roles.iter().map(|r| r.to_string()).collect(),
        },
    }
}

pub fn revoke(party: &str, serial: u64, name: &str, reason: &str) -> Statement {
    Statement {
        party: party.into(),
        serial,
        issued_at: at("2026-12-05T09:30:00Z"),
        action: Action::Revoke {
            key: name.into(),
            reason: reason.into(),
        },
    }
}

pub fn rotate(party: &str, serial: u64, root: &Signer) -> Statement {
    Statement {
        party: party.into(),
        serial,
        issued_at: at("2026-12-06T10:00:00Z"),
        action: Action::RotateRoot {
            root: root.verifier(),
        },
    }
}

/// A registry with `ukraine` (root `ukraine-root`, seed 1, entry 0) and
/// `us` (root `us-root`, seed 2, entry 1) enrolled; `next` is the next
/// log index.
#[derive(Debug)]
pub struct World {
    pub registry: Registry,
    pub ua: Signer,
    pub us: Signer,
    pub next: u64,
}

impl World {
    #[allow(clippy::new_without_default)]
    pub fn new() -> World {
        let ua = signer("ukraine-root", 1);
        let us = signer("us-root", 2);
        let mut registry = Registry::default();
        registry.enrol("ukraine", &ua.verifier(), 0).unwrap();
        registry.enrol("us", &us.verifier(), 1).unwrap();
        World {
            registry,
            ua,
            us,
            next: 2,
        }
    }

    /// Signs and applies; on error, checks that nothing changed.
    pub fn apply(
        &mut self,
        statement: &Statement,
        by: &Signer,
    ) -> Result<keyring::Applied, keyring::RegistryError> {
        self.apply_signed(&sign(statement, by))
    }

    pub fn apply_signed(
        &mut self,
        signed: &Signed,
    ) -> Result<keyring::Applied, keyring::RegistryError> {
        let before = self.registry.clone();
        let checked = self.registry.check(signed);
        let result = self.registry.apply(signed, self.next);
        assert_eq!(checked.is_ok(), result.is_ok(), "check and apply disagree");
        match &result {
            Ok(_) => self.next += 1,
            Err(_) => assert_eq!(
                self.registry, before,
                "a refused statement changed the registry"
            ),
        }
        result
    }
}
