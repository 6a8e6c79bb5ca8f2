//! Generated statements against a model of the rules, and arbitrary input
//! against the parsers.

use std::collections::{BTreeMap, BTreeSet};

use keyring::{Action, Refusal, Registry, Signed, Statement, parse_roots, replay, sign};
use ledger::entry;
use ledger::note::Signer;
use proptest::prelude::*;
use serde_json::Value;

use crate::rules::malleated;
use crate::{at, signer};

const PARTIES: [&str; 3] = ["ukraine", "us", "nobody"];
/// Roles by number; 7 is not a role.
const ROLE_NAMES: [&str; 8] = [
    "reporter",
    "analyst",
    "leader",
    "inspector",
    "logistics",
    "operations",
    "auditor",
    "pilot",
];

/// The keys statements are made of: the two enrolled roots, ten fresh
/// keys, and three keys under another name with the public key of `k0`,
/// `k1`, `k2`. A key is known to the model by its index here; its public
/// key by its seed.
fn pool() -> Vec<(Signer, u8)> {
    let mut pool = vec![(signer("ukraine-root", 1), 1), (signer("us-root", 2), 2)];
    for i in 0..10u8 {
        pool.push((signer(&format!("k{i}"), 10 + i), 10 + i));
    }
    for i in 0..3u8 {
        pool.push((signer(&format!("a{i}"), 10 + i), 10 + i));
    }
    pool
}

#[derive(Clone, Debug)]
struct Op {
    /// 0 grant, 1 revoke, 2 rotate_root.
    kind: u8,
    party: usize,
    key: usize,
    roles: Vec<usize>,
    /// `None`: the party's current root signs; else that pool key.
    signer: Option<usize>,
    /// Added to the right serial.
    serial_delta: i64,
    /// 0 none; 1 a signature bit flipped; 2 S + L; 3 `issued_at`, 4
    /// `serial`, 5 `party` changed after signing.
    mutation: u8,
    bit: usize,
}

fn op() -> impl Strategy<Value = Op> {
    (
        0..3u8,
        prop_oneof![5 => 0..2usize, 1 => Just(2usize)],
        0..15usize,
        prop::collection::vec(prop_oneof![8 => 0..7usize, 1 => Just(7usize)], 0..4),
        prop_oneof![4 => Just(None), 1 => (0..15usize).prop_map(Some)],
        prop_oneof![6 => Just(0i64), 1 => -1..=2i64],
        prop_oneof![8 => Just(0u8), 1 => 1..=5u8],
        0..512usize,
    )
        .prop_map(
            |(kind, party, key, roles, signer, serial_delta, mutation, bit)| Op {
                kind,
                party,
                key,
                roles,
                signer,
                serial_delta,
                mutation,
                bit,
            },
        )
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    Root,
    Retired,
    Live,
    Revoked,
}

/// The rules, written again as plainly as possible.
#[derive(Default)]
struct Model {
    /// Party → pool index of its current root.
    root: BTreeMap<&'static str, usize>,
    serial: BTreeMap<&'static str, u64>,
    /// Key name → (party, status).
    names: BTreeMap<String, (&'static str, Status)>,
    /// Seeds of every public key registered.
    publics: BTreeSet<u8>,
}

impl Model {
    fn register(&mut self, party: &'static str, name: &str, seed: u8, status: Status) {
        self.names.insert(name.to_string(), (party, status));
        self.publics.insert(seed);
    }

    fn fresh(&self, name: &str, seed: u8) -> bool {
        !self.names.contains_key(name) && !self.publics.contains(&seed)
    }

    /// Whether `op` is valid by the rules.
    fn valid(&self, op: &Op, pool: &[(Signer, u8)]) -> bool {
        let party = PARTIES[op.party];
        let Some(root) = self.root.get(party) else {
            return false;
        };
        // A key under another name with the root's seed is the root key.
        let by_root = op.signer.is_none_or(|s| pool[s].1 == pool[*root].1);
        if !by_root || op.mutation != 0 || op.serial_delta != 0 {
            return false;
        }
        let (key, seed) = &pool[op.key];
        match op.kind {
            0 => {
                let unique: BTreeSet<_> = op.roles.iter().collect();
                !op.roles.is_empty()
                    && op.roles.iter().all(|r| *r < 7)
                    && unique.len() == op.roles.len()
                    && self.fresh(&key.name, *seed)
            }
            1 => self.names.get(&key.name) == Some(&(party, Status::Live)),
            _ => self.fresh(&key.name, *seed),
        }
    }

    fn apply(&mut self, op: &Op, pool: &[(Signer, u8)]) {
        let party = PARTIES[op.party];
        let (key, seed) = &pool[op.key];
        *self.serial.entry(party).or_default() += 1;
        match op.kind {
            0 => self.register(party, &key.name, *seed, Status::Live),
            1 => {
                self.names
                    .insert(key.name.clone(), (party, Status::Revoked));
            }
            _ => {
                let old = &pool[self.root[party]].0.name;
                self.names.insert(old.clone(), (party, Status::Retired));
                self.register(party, &key.name, *seed, Status::Root);
                self.root.insert(party, op.key);
            }
        }
    }
}

/// The statement `op` describes, signed, then changed as it says.
fn signed(op: &Op, model: &Model, pool: &[(Signer, u8)]) -> Signed {
    let party = PARTIES[op.party];
    let (key, _) = &pool[op.key];
    let expected = model.serial.get(party).copied().unwrap_or(0) + 1;
    let statement = Statement {
        party: party.to_string(),
        serial: expected.saturating_add_signed(op.serial_delta),
        issued_at: at("2026-12-04T08:00:00Z"),
        action: match op.kind {
            0 => Action::Grant {
                key: key.verifier(),
                roles: op
                    .roles
                    .iter()
                    .map(|r| ROLE_NAMES[*r].to_string())
                    .collect(),
            },
            1 => Action::Revoke {
                key: key.name.clone(),
                reason: "generated".into(),
            },
            _ => Action::RotateRoot {
                root: key.verifier(),
            },
        },
    };
    // Nobody's statements are signed by a stranger's key.
    let by = match op.signer {
        Some(i) => pool[i].0.clone(),
        None => match model.root.get(party) {
            Some(i) => pool[*i].0.clone(),
            None => signer("nobody-root", 99),
        },
    };
    let mut s = sign(&statement, &by);
    match op.mutation {
        1 => s.signature[op.bit / 8] ^= 1 << (op.bit % 8),
        2 => s = malleated(&s),
        3 => s.statement.issued_at = at("2026-12-04T08:00:01Z"),
        4 => s.statement.serial += 1,
        5 => s.statement.party = PARTIES[(op.party + 1) % 3].to_string(),
        _ => {}
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn a_statement_applies_iff_the_rules_allow_it_and_the_log_rebuilds_the_registry(
        ops in prop::collection::vec(op(), 1..30)
    ) {
        let pool = pool();
        let mut model = Model::default();
        let mut registry = Registry::default();
        let mut log: Vec<Value> = Vec::new();
        for (party, i) in [("ukraine", 0usize), ("us", 1)] {
            registry.enrol(party, &pool[i].0.verifier(), log.len() as u64).unwrap();
            log.push(entry::key("t", Registry::entry_for_enrol(party, &pool[i].0.verifier())));
            model.root.insert(party, i);
            model.register(party, &pool[i].0.name, pool[i].1, Status::Root);
        }
        for op in &ops {
            let valid = model.valid(op, &pool);
            let signed = signed(op, &model, &pool);
            // What the node receives is text.
            let received = match Signed::parse(&signed.to_json().to_string()) {
                Ok(parsed) => {
                    prop_assert_eq!(&parsed, &signed);
                    parsed
                }
                Err(e) => {
                    prop_assert!(!valid, "a valid statement does not parse: {e}");
                    signed
                }
            };
            let before = registry.clone();
            let index = log.len() as u64;
            prop_assert_eq!(registry.check(&received).is_ok(), valid);
            match registry.apply(&received, index) {
                Ok(_) => {
                    prop_assert!(valid, "{:?} applied", op);
                    model.apply(op, &pool);
                    log.push(entry::key("t", received.entry_record()));
                }
                Err(e) => {
                    prop_assert!(!valid, "{:?} refused: {}", op, e);
                    prop_assert_eq!(&registry, &before);
                    // Something else takes the index in the log.
                    log.push(serde_json::json!({"entry": "decision", "decision": "rejected"}));
                }
            }
        }
        // Every key is what the model says it is.
        for (key, _) in &pool {
            let got = registry.key(&key.name);
            let want = model.names.get(&key.name).map(|(party, status)| (*party, *status));
            match (got, want) {
                (Ok(k), Some((party, Status::Live))) => prop_assert_eq!(k.party, party),
                (Err(Refusal::Root), Some((_, Status::Root)))
                | (Err(Refusal::RootRetired { .. }), Some((_, Status::Retired)))
                | (Err(Refusal::Revoked { .. }), Some((_, Status::Revoked)))
                | (Err(Refusal::Unknown), None) => {}
                (got, want) => prop_assert!(false, "{}: {:?}, the model says {:?}", key.name, got, want),
            }
        }
        let rebuilt = replay(log.iter().enumerate().map(|(i, v)| (i as u64, v)));
        let rebuilt = rebuilt.map_err(|(i, e)| TestCaseError::fail(format!("entry {i}: {e}")))?;
        prop_assert_eq!(rebuilt.to_json(), registry.to_json());
        prop_assert_eq!(rebuilt, registry);
    }

    #[test]
    fn arbitrary_bytes_never_panic_a_parser(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = Signed::parse(&text);
        let _ = parse_roots(&text);
        if let Ok(value) = serde_json::from_str::<Value>(&text) {
            let entry = entry::key("t", value);
            let _ = replay(std::iter::once((0, &entry)));
        }
    }

    #[test]
    fn a_statement_changed_anywhere_never_panics_and_never_verifies_unless_unchanged(
        at_byte in 0..400usize,
        replacement in prop::sample::select(vec!["", "\"", "{", "}", "[", "]", ",", ":", "0", "-1", "null", "1e400", "\\u0000", "é", "+", "a"]),
        cut in 0..3usize,
    ) {
        let root = signer("ukraine-root", 1);
        let mut registry = Registry::default();
        registry.enrol("ukraine", &root.verifier(), 0).unwrap();
        let statement = crate::grant("ukraine", 1, &signer("ops", 10), &["reporter", "leader"]);
        let original = sign(&statement, &root);
        let text = original.to_json().to_string();
        let mut at_byte = at_byte.min(text.len());
        while !text.is_char_boundary(at_byte) {
            at_byte -= 1;
        }
        let end = (at_byte + cut).min(text.len());
        let end = (end..=text.len()).find(|e| text.is_char_boundary(*e)).unwrap_or(text.len());
        let changed = format!("{}{}{}", &text[..at_byte], replacement, &text[end..]);
        if let Ok(parsed) = Signed::parse(&changed)
            && registry.check(&parsed).is_ok()
        {
            prop_assert_eq!(parsed, original);
        }
    }
}
