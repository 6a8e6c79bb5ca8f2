//! Every rule of the registry, one test each (docs/keys.md, "Rules").

use keyring::{Applied, Refusal, Registry, RegistryError, Signed, replay, sign};
use ledger::entry;
use serde_json::{Value, json};

use crate::{World, at, grant, revoke, rotate, signer};

#[test]
fn a_granted_key_signs_requests_for_its_party_and_roles() {
    let mut w = World::new();
    let ops = signer("ukraine-ops-1", 10);
    let applied = w
        .apply(
            &grant("ukraine", 1, &ops, &["reporter", "analyst"]),
            &w.ua.clone(),
        )
        .unwrap();
    assert_eq!(
        applied,
        Applied::Granted {
            party: "ukraine".into(),
            name: "ukraine-ops-1".into(),
            roles: vec!["reporter".into(), "analyst".into()]
        }
    );
    assert_eq!(
        applied.to_string(),
        "`ukraine` granted `ukraine-ops-1` the role(s) reporter, analyst"
    );
    let key = w.registry.key("ukraine-ops-1").unwrap();
    assert_eq!(
        (key.name, key.party, key.roles, key.granted_at),
        (
            "ukraine-ops-1",
            "ukraine",
            &["reporter".to_string(), "analyst".to_string()][..],
            2
        )
    );
    assert_eq!(*key.verifying_key, ops.signing_key().verifying_key());
    assert_eq!(w.registry.key("ukraine-ops-2"), Err(Refusal::Unknown));
    assert_eq!(w.registry.next_serial("ukraine"), Some(2));
    assert_eq!(w.registry.next_serial("us"), Some(1));
    assert_eq!(w.registry.next_serial("russia"), None);
}

#[test]
fn a_root_key_never_signs_requests() {
    let w = World::new();
    let refusal = w.registry.key("ukraine-root").unwrap_err();
    assert_eq!(refusal, Refusal::Root);
    assert!(refusal.to_string().contains("never requests"), "{refusal}");
    assert_eq!(w.registry.root("ukraine"), Some(&w.ua.verifier()));
}

#[test]
fn a_key_name_is_used_once_for_all_time() {
    let mut w = World::new();
    let ua = w.ua.clone();
    let us = w.us.clone();
    w.apply(&grant("ukraine", 1, &signer("ops", 10), &["reporter"]), &ua)
        .unwrap();
    // The same name with another public key, by the same party or another.
    for (party, root, serial) in [("ukraine", &ua, 2), ("us", &us, 1)] {
        let e = w
            .apply(
                &grant(party, serial, &signer("ops", 11), &["reporter"]),
                root,
            )
            .unwrap_err();
        assert!(
            matches!(&e, RegistryError::NameTaken { name, owner, .. } if name == "ops" && owner == "ukraine"),
            "{e:?}"
        );
        assert!(e.to_string().contains("generate a new key"), "{e}");
    }
    // A root's name.
    let e = w
        .apply(
            &grant("us", 1, &signer("ukraine-root", 12), &["reporter"]),
            &us,
        )
        .unwrap_err();
    assert!(
        matches!(
            e,
            RegistryError::NameTaken {
                what: "the root key",
                ..
            }
        ),
        "{e:?}"
    );
    // A revoked key's name: never granted again, whatever the key.
    w.apply(&revoke("ukraine", 2, "ops", "laptop lost"), &ua)
        .unwrap();
    for seed in [10, 13] {
        let e = w
            .apply(
                &grant("ukraine", 3, &signer("ops", seed), &["reporter"]),
                &ua,
            )
            .unwrap_err();
        assert!(
            matches!(
                e,
                RegistryError::NameTaken {
                    what: "a revoked operational key",
                    ..
                }
            ),
            "{e:?}"
        );
    }
}

#[test]
fn a_public_key_is_one_key_of_one_party() {
    let mut w = World::new();
    let ua = w.ua.clone();
    let us = w.us.clone();
    w.apply(
        &grant("ukraine", 1, &signer("ua-ops", 10), &["reporter"]),
        &ua,
    )
    .unwrap();
    // Ukraine's key under another name: for the US (one party through two
    // keys of another's), or for Ukraine itself.
    for (party, root) in [("us", &us), ("ukraine", &ua)] {
        let e = w
            .apply(
                &grant(
                    party,
                    w.registry.next_serial(party).unwrap(),
                    &signer("alias", 10),
                    &["leader"],
                ),
                root,
            )
            .unwrap_err();
        assert_eq!(
            e,
            RegistryError::PublicKeyTaken {
                name: "alias".into(),
                existing: "ua-ops".into(),
                owner: "ukraine".into()
            }
        );
    }
    // A root's public key, as an operational key or as another party's root.
    let e = w
        .apply(
            &grant("ukraine", 2, &signer("root-again", 1), &["reporter"]),
            &ua,
        )
        .unwrap_err();
    assert!(matches!(e, RegistryError::PublicKeyTaken { .. }), "{e:?}");
    let e = w
        .apply(&rotate("us", 1, &signer("us-root-2", 1)), &us)
        .unwrap_err();
    assert!(matches!(e, RegistryError::PublicKeyTaken { .. }), "{e:?}");
}

#[test]
fn a_revocation_is_final_and_takes_effect_from_its_entry() {
    let mut w = World::new();
    let ua = w.ua.clone();
    let ops = signer("ukraine-ops-1", 10);
    w.apply(&grant("ukraine", 1, &ops, &["reporter"]), &ua)
        .unwrap();
    assert_eq!(w.next, 3);
    let applied = w
        .apply(&revoke("ukraine", 2, "ukraine-ops-1", "laptop lost"), &ua)
        .unwrap();
    assert_eq!(applied.to_string(), "`ukraine` revoked `ukraine-ops-1`");
    let refusal = w.registry.key("ukraine-ops-1").unwrap_err();
    assert_eq!(
        refusal,
        Refusal::Revoked {
            at: 3,
            reason: "laptop lost".into()
        }
    );
    assert!(refusal.to_string().contains("log entry 3 (laptop lost)"));
    // Revoked again: refused, and there is no statement that un-revokes.
    let e = w
        .apply(&revoke("ukraine", 3, "ukraine-ops-1", "again"), &ua)
        .unwrap_err();
    assert_eq!(
        e,
        RegistryError::AlreadyRevoked {
            name: "ukraine-ops-1".into(),
            at: 3,
            reason: "laptop lost".into()
        }
    );
    let e = w
        .apply(&grant("ukraine", 3, &ops, &["reporter"]), &ua)
        .unwrap_err();
    assert!(matches!(e, RegistryError::NameTaken { .. }), "{e:?}");
}

#[test]
fn a_party_revokes_only_its_own_operational_keys() {
    let mut w = World::new();
    let ua = w.ua.clone();
    let us = w.us.clone();
    w.apply(
        &grant("ukraine", 1, &signer("ua-ops", 10), &["reporter"]),
        &ua,
    )
    .unwrap();
    let e = w
        .apply(&revoke("us", 1, "ua-ops", "not ours"), &us)
        .unwrap_err();
    assert_eq!(
        e,
        RegistryError::OtherPartysKey {
            party: "us".into(),
            name: "ua-ops".into(),
            owner: "ukraine".into()
        }
    );
    let e = w
        .apply(&revoke("us", 1, "us-ops", "typo"), &us)
        .unwrap_err();
    assert_eq!(
        e,
        RegistryError::UnknownKey {
            party: "us".into(),
            name: "us-ops".into()
        }
    );
    let e = w
        .apply(&revoke("us", 1, "us-root", "compromised"), &us)
        .unwrap_err();
    assert!(matches!(e, RegistryError::RevokeRoot { .. }), "{e:?}");
    assert!(e.to_string().contains("rotate-root"), "{e}");
    assert!(w.registry.key("ua-ops").is_ok());
}

#[test]
fn after_a_rotation_only_the_new_root_signs() {
    let mut w = World::new();
    let old = w.ua.clone();
    let new = signer("ukraine-root-2", 3);
    let ops = signer("ukraine-ops-1", 10);
    w.apply(&grant("ukraine", 1, &ops, &["reporter"]), &old)
        .unwrap();
    let applied = w.apply(&rotate("ukraine", 2, &new), &old).unwrap();
    assert_eq!(
        applied,
        Applied::RootRotated {
            party: "ukraine".into(),
            retired: "ukraine-root".into(),
            root: "ukraine-root-2".into()
        }
    );
    assert_eq!(
        w.registry.key("ukraine-root"),
        Err(Refusal::RootRetired { at: 3 })
    );
    assert_eq!(w.registry.key("ukraine-root-2"), Err(Refusal::Root));
    assert!(
        w.registry.key("ukraine-ops-1").is_ok(),
        "a rotation leaves operational keys in force"
    );
    // The retired root, an operational key, another party's root, a key
    // the registry does not know: each refused, and named.
    let next = grant("ukraine", 3, &signer("ukraine-ops-2", 11), &["reporter"]);
    let e = w.apply(&next, &old).unwrap_err();
    assert_eq!(
        e,
        RegistryError::SignedByRetiredRoot {
            party: "ukraine".into(),
            name: "ukraine-root".into(),
            retired_at: 3,
            root: "ukraine-root-2".into()
        }
    );
    let e = w.apply(&next, &ops).unwrap_err();
    assert!(
        matches!(&e, RegistryError::SignedByOperationalKey { name, .. } if name == "ukraine-ops-1"),
        "{e:?}"
    );
    assert!(
        e.to_string().contains("only a party's root key signs"),
        "{e}"
    );
    let e = w.apply(&next, &w.us.clone()).unwrap_err();
    assert!(
        matches!(&e, RegistryError::SignedByOtherRoot { owner, .. } if owner == "us"),
        "{e:?}"
    );
    let e = w.apply(&next, &signer("stranger", 99)).unwrap_err();
    assert_eq!(
        e,
        RegistryError::BadSignature {
            party: "ukraine".into(),
            root: "ukraine-root-2".into()
        }
    );
    w.apply(&next, &new).unwrap();
    // A rotation back to the retired root is refused: its name is used.
    let e = w.apply(&rotate("ukraine", 4, &old), &new).unwrap_err();
    assert!(
        matches!(
            e,
            RegistryError::NameTaken {
                what: "a retired root key",
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn a_party_without_a_root_has_no_statements() {
    let mut w = World::new();
    let russia = signer("russia-root", 4);
    let e = w
        .apply(
            &grant("russia", 1, &signer("ru-ops", 10), &["reporter"]),
            &russia,
        )
        .unwrap_err();
    assert_eq!(
        e,
        RegistryError::NotEnrolled {
            party: "russia".into()
        }
    );
    assert!(e.to_string().contains("key registry file"), "{e}");
}

#[test]
fn enrolment_is_once_per_party_with_a_fresh_key() {
    let mut w = World::new();
    let e = w
        .registry
        .enrol("ukraine", &signer("ukraine-root-b", 5).verifier(), 2)
        .unwrap_err();
    assert_eq!(
        e,
        RegistryError::AlreadyEnrolled {
            party: "ukraine".into(),
            root: "ukraine-root".into()
        }
    );
    let e = w
        .registry
        .enrol("uk", &signer("us-root", 5).verifier(), 2)
        .unwrap_err();
    assert!(matches!(e, RegistryError::NameTaken { .. }), "{e:?}");
    let e = w
        .registry
        .enrol("uk", &signer("uk-root", 2).verifier(), 2)
        .unwrap_err();
    assert!(matches!(e, RegistryError::PublicKeyTaken { .. }), "{e:?}");
    for party in ["", "two words", "a/b", "a+b"] {
        let e = w
            .registry
            .enrol(party, &signer("x-root", 6).verifier(), 2)
            .unwrap_err();
        assert!(
            matches!(e, RegistryError::BadParty { .. }),
            "{party}: {e:?}"
        );
    }
    w.registry
        .enrol("uk", &signer("uk-root", 6).verifier(), 2)
        .unwrap();
}

#[test]
fn the_serial_is_the_previous_plus_one() {
    let mut w = World::new();
    let ua = w.ua.clone();
    let first = sign(&grant("ukraine", 1, &signer("a", 10), &["reporter"]), &ua);
    w.apply_signed(&first).unwrap();
    // The same statement posted again.
    let e = w.apply_signed(&first).unwrap_err();
    assert_eq!(
        e,
        RegistryError::Serial {
            party: "ukraine".into(),
            serial: 1,
            expected: 2
        }
    );
    assert!(e.to_string().contains("used already"), "{e}");
    let e = w
        .apply(&grant("ukraine", 3, &signer("b", 11), &["reporter"]), &ua)
        .unwrap_err();
    assert!(e.to_string().contains("skips ahead"), "{e}");
    let e = w
        .apply(&grant("ukraine", 0, &signer("b", 11), &["reporter"]), &ua)
        .unwrap_err();
    assert!(matches!(e, RegistryError::Invalid(_)), "{e:?}");
    w.apply(&grant("ukraine", 2, &signer("b", 11), &["reporter"]), &ua)
        .unwrap();
}

#[test]
fn a_signature_over_anything_else_is_refused() {
    let mut w = World::new();
    let ua = w.ua.clone();
    w.apply(&grant("ukraine", 1, &signer("ops", 10), &["reporter"]), &ua)
        .unwrap();
    let key = signer("ops-1", 11);
    let other = signer("ops-2", 12);
    let statements = [
        grant("ukraine", 2, &key, &["reporter"]),
        revoke("ukraine", 2, "ops", "lost"),
        rotate("ukraine", 2, &key),
    ];
    for statement in statements {
        let signed = sign(&statement, &w.ua);
        let mut changes = Vec::new();
        let mut change = |f: &dyn Fn(&mut keyring::Statement)| {
            let mut s = signed.clone();
            f(&mut s.statement);
            assert_ne!(s, signed);
            changes.push(s);
        };
        change(&|s| s.serial = 3);
        change(&|s| s.issued_at = at("2026-12-04T08:00:01Z"));
        change(&|s| match &mut s.action {
            keyring::Action::Grant { key, roles } => {
                *key = other.verifier();
                roles.push("leader".into());
            }
            keyring::Action::Revoke { key, reason } => {
                *key = "ops-1".into();
                reason.push('!');
            }
            keyring::Action::RotateRoot { root } => *root = other.verifier(),
        });
        if let keyring::Action::Grant { .. } = &signed.statement.action {
            change(&|s| {
                if let keyring::Action::Grant { roles, .. } = &mut s.action {
                    roles[0] = "leader".into();
                }
            });
        }
        // Bits flipped in R and in S.
        for bit in [0, 9, 300, 511] {
            let mut s = signed.clone();
            s.signature[bit / 8] ^= 1 << (bit % 8);
            changes.push(s);
        }
        // S + L: the same signature, malleated; refused by verify_strict.
        changes.push(malleated(&signed));
        for changed in &changes {
            let e = w.registry.check(changed).unwrap_err();
            assert!(matches!(e, RegistryError::BadSignature { .. }), "{e:?}");
        }
        let e = w
            .registry
            .check(&Signed {
                statement: keyring::Statement {
                    party: "us".into(),
                    ..signed.statement.clone()
                },
                signature: signed.signature,
            })
            .unwrap_err();
        assert_eq!(
            e,
            RegistryError::BadSignature {
                party: "us".into(),
                root: "us-root".into()
            }
        );
        w.registry.check(&signed).unwrap();
    }
}

/// The group order L, little-endian.
const L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

/// The signature with S replaced by S + L (non-canonical, same point).
pub fn malleated(signed: &Signed) -> Signed {
    let mut s = signed.clone();
    let mut carry = 0u16;
    for (i, l) in L.iter().enumerate() {
        let sum = u16::from(s.signature[32 + i]) + u16::from(*l) + carry;
        s.signature[32 + i] = sum as u8;
        carry = sum >> 8;
    }
    assert_eq!(carry, 0);
    s
}

#[test]
fn roles_are_known_named_once_and_at_least_one() {
    let mut w = World::new();
    let ua = w.ua.clone();
    let e = w
        .apply(
            &grant("ukraine", 1, &signer("a", 10), &["reporter", "pilot"]),
            &ua,
        )
        .unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("`statement.roles[1]`: `pilot` is not a role; the roles are reporter, analyst, leader, inspector, logistics, operations, auditor"),
        "{text}"
    );
    let e = w
        .apply(&grant("ukraine", 1, &signer("a", 10), &[]), &ua)
        .unwrap_err();
    assert!(e.to_string().contains("grant at least one role"), "{e}");
    let e = w
        .apply(
            &grant("ukraine", 1, &signer("a", 10), &["leader", "leader"]),
            &ua,
        )
        .unwrap_err();
    assert!(e.to_string().contains("named twice"), "{e}");
    for (role, _) in keyring::ROLES {
        let serial = w.registry.next_serial("ukraine").unwrap();
        let name = format!("ukraine-{role}");
        let seed = 20 + serial as u8;
        w.apply(
            &grant("ukraine", serial, &signer(&name, seed), &[role]),
            &ua,
        )
        .unwrap();
    }
}

#[test]
fn entries_apply_once_each_in_log_order() {
    let mut w = World::new();
    let signed = sign(&grant("ukraine", 1, &signer("a", 10), &["reporter"]), &w.ua);
    let e = w.registry.apply(&signed, 1).unwrap_err();
    assert_eq!(e, RegistryError::OutOfOrder { index: 1, last: 1 });
    let e = w
        .registry
        .enrol("uk", &signer("uk-root", 6).verifier(), 0)
        .unwrap_err();
    assert_eq!(e, RegistryError::OutOfOrder { index: 0, last: 1 });
    w.registry.apply(&signed, 7).unwrap();
    assert_eq!(w.registry.key("a").unwrap().granted_at, 7);
}

/// The registry of the walk-through: both parties, a grant, a revocation,
/// a rotation, and what the log holds of it.
fn walk_through() -> (Registry, Vec<Value>) {
    let ua = signer("ukraine-root", 1);
    let us = signer("us-root", 2);
    let mut registry = Registry::default();
    let mut log = Vec::new();
    let at = "2026-12-04T08:00:00Z";
    for (party, root) in [("ukraine", &ua), ("us", &us)] {
        registry
            .enrol(party, &root.verifier(), log.len() as u64)
            .unwrap();
        log.push(entry::key(
            at,
            Registry::entry_for_enrol(party, &root.verifier()),
        ));
    }
    // An input between, passed over by `replay`.
    log.push(json!({"entry": "input", "at": "t", "input": {"id": {"party": "ukraine", "source": "s", "message": "1"}}}));
    let statements = [
        sign(
            &grant("ukraine", 1, &signer("ukraine-ops-1", 10), &["reporter"]),
            &ua,
        ),
        sign(
            &grant(
                "ukraine",
                2,
                &signer("ukraine-ops-2", 11),
                &["leader", "auditor"],
            ),
            &ua,
        ),
        sign(&revoke("ukraine", 3, "ukraine-ops-1", "laptop lost"), &ua),
        sign(&rotate("ukraine", 4, &signer("ukraine-root-2", 3)), &ua),
    ];
    for signed in &statements {
        registry.apply(signed, log.len() as u64).unwrap();
        log.push(entry::key(at, signed.entry_record()));
    }
    (registry, log)
}

#[test]
fn the_registry_as_json_says_everything_public() {
    let (registry, _) = walk_through();
    let ua_root = signer("ukraine-root", 1).verifier().encode();
    let ua_root_2 = signer("ukraine-root-2", 3).verifier().encode();
    let us_root = signer("us-root", 2).verifier().encode();
    let ops_1 = signer("ukraine-ops-1", 10).verifier().encode();
    let ops_2 = signer("ukraine-ops-2", 11).verifier().encode();
    let mut expected = json!({
        "parties": {
            "ukraine": {
                "root": "ukraine-root-2",
                "serial": 4,
                "roots": [
                    {"name": "ukraine-root", "key": ua_root, "since": 0, "retired_at": 6},
                    {"name": "ukraine-root-2", "key": ua_root_2, "since": 6, "retired_at": null},
                ],
                "keys": [
                    {"name": "ukraine-ops-1", "key": ops_1, "roles": ["reporter"], "granted_at": 3,
                     "revoked": {"at": 5, "reason": "laptop lost"}},
                    {"name": "ukraine-ops-2", "key": ops_2, "roles": ["leader", "auditor"], "granted_at": 4,
                     "revoked": null},
                ],
            },
            "us": {
                "root": "us-root",
                "serial": 0,
                "roots": [{"name": "us-root", "key": us_root, "since": 1, "retired_at": null}],
                "keys": [],
            },
        },
    });
    let actual = registry.to_json();
    expected["roles"] = actual["roles"].clone();
    assert_eq!(actual, expected);
    assert_eq!(actual["roles"].as_object().unwrap().len(), 7);
    assert_eq!(
        actual["roles"]["leader"],
        "votes on tiers: a leader's office signing off escalations"
    );
}

#[test]
fn the_log_alone_rebuilds_the_registry() {
    let (registry, log) = walk_through();
    for e in &log {
        let read = entry::Entry::read(e).unwrap();
        assert!(!read.kind().is_empty());
    }
    let rebuilt = replay(log.iter().enumerate().map(|(i, v)| (i as u64, v))).unwrap();
    assert_eq!(rebuilt, registry);
    assert_eq!(rebuilt.to_json(), registry.to_json());
    // The canonical bytes, as logged, read back the same.
    let reread: Vec<Value> = log
        .iter()
        .map(|e| serde_json::from_slice(&entry::canonical(e)).unwrap())
        .collect();
    let again = replay(reread.iter().enumerate().map(|(i, v)| (i as u64, v))).unwrap();
    assert_eq!(again, registry);
}

#[test]
fn a_tampered_log_is_refused_at_its_entry() {
    let (_, log) = walk_through();
    let indexed =
        |log: &[Value]| replay(log.iter().enumerate().map(|(i, v)| (i as u64, v))).map(|_| ());
    // A changed reason: the signature no longer verifies.
    let mut changed = log.clone();
    changed[5]["key"]["statement"]["reason"] = "routine".into();
    let (at, e) = indexed(&changed).unwrap_err();
    assert_eq!(at, 5);
    assert!(matches!(e, RegistryError::BadSignature { .. }), "{e:?}");
    // A statement dropped: the next one's serial skips ahead.
    let mut dropped = log.clone();
    dropped.remove(3);
    let (at, e) = indexed(&dropped).unwrap_err();
    assert_eq!(at, 3);
    assert!(
        matches!(
            e,
            RegistryError::Serial {
                serial: 2,
                expected: 1,
                ..
            }
        ),
        "{e:?}"
    );
    // A second enrolment of a party, and records that are not key records.
    let mut twice = log.clone();
    twice.push(twice[0].clone());
    assert!(matches!(
        indexed(&twice).unwrap_err(),
        (7, RegistryError::AlreadyEnrolled { .. })
    ));
    for bad in [
        json!({"entry": "key", "at": "t", "key": {"type": "enrol", "party": "uk"}}),
        json!({"entry": "key", "at": "t", "key": {"type": "enrol", "party": "uk", "root": "x", "extra": 1}}),
        json!({"entry": "key", "at": "t", "key": {"type": "enrol", "party": "uk", "root": "not a key"}}),
        json!({"entry": "key", "at": "t", "key": {"statement": {"type": "grant", "party": "uk"}, "signature": ""}}),
        json!({"entry": "key", "at": "t", "key": 1}),
    ] {
        let (at, e) = indexed(std::slice::from_ref(&bad)).unwrap_err();
        assert_eq!(at, 0);
        assert!(
            matches!(e, RegistryError::Entry(_) | RegistryError::Invalid(_)),
            "{bad}: {e:?}"
        );
    }
}
