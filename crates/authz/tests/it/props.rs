//! Random principals × random inputs against the shipped policy: an input
//! claiming another party than the principal's is never accepted, and the
//! memo never changes an answer.

use std::sync::OnceLock;

use authz::{KEY_ROLES, Policy, View, What, Who, sample};
use framework::Framework;
use proptest::prelude::*;

fn shipped() -> &'static (Framework, Policy) {
    static SHIPPED: OnceLock<(Framework, Policy)> = OnceLock::new();
    SHIPPED.get_or_init(crate::common::shipped)
}

/// Party ids of the example, and one that is not in it.
fn parties() -> Vec<String> {
    let (fw, _) = shipped();
    let mut out: Vec<String> = fw.parties.iter().map(|p| p.id.clone()).collect();
    out.push("atlantis".into());
    out
}

#[derive(Clone, Debug)]
enum Principal {
    Public,
    Key {
        name: String,
        party: String,
        roles: Vec<String>,
    },
    Local(String),
}

impl Principal {
    fn who(&self) -> Who<'_> {
        match self {
            Principal::Public => Who::Public,
            Principal::Key { name, party, roles } => Who::Key { name, party, roles },
            Principal::Local(party) => Who::Local { party },
        }
    }

    fn party(&self) -> Option<&str> {
        match self {
            Principal::Public => None,
            Principal::Key { party, .. } | Principal::Local(party) => Some(party),
        }
    }
}

fn principal() -> impl Strategy<Value = Principal> {
    let party = proptest::sample::select(parties());
    let mut role_names: Vec<String> = KEY_ROLES.iter().map(|r| r.to_string()).collect();
    role_names.push("admin".into());
    prop_oneof![
        1 => Just(Principal::Public),
        6 => (
            proptest::sample::select(vec!["k1", "k2", "k3"]),
            party.clone(),
            proptest::sample::subsequence(role_names.clone(), 0..=role_names.len()),
        )
            .prop_map(|(name, party, roles)| Principal::Key {
                name: name.into(),
                party,
                roles,
            }),
        2 => party.prop_map(Principal::Local),
    ]
}

fn input() -> impl Strategy<Value = model::Input> {
    let (fw, _) = shipped();
    let mut tiers: Vec<String> = fw.tiers.iter().map(|t| t.id.clone()).collect();
    tiers.push("t9".into());
    let mut items: Vec<String> = fw.relief.items.iter().map(|i| i.id.clone()).collect();
    items.push("rel-nothing".into());
    let mut classes: Vec<String> = fw.source_classes.iter().map(|c| c.id.clone()).collect();
    classes.push("drones".into());
    (
        proptest::sample::select(model::INPUT_TYPES.to_vec()),
        proptest::sample::select(parties()),
        proptest::sample::select(tiers),
        proptest::sample::select(items),
        proptest::sample::select(classes),
    )
        .prop_map(|(kind, party, tier, item, class)| match kind {
            "vote" => sample::vote(&party, &tier),
            "attestation" => sample::attestation(&party, &item, &class),
            _ => sample::input(kind, &party).unwrap(),
        })
}

fn read() -> impl Strategy<Value = (Option<View>, Vec<String>)> {
    prop_oneof![
        proptest::sample::select(View::ALL.to_vec()).prop_map(|v| (Some(v), Vec::new())),
        proptest::sample::subsequence(parties(), 0..4).prop_map(|to| (None, to)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn another_partys_input_is_never_accepted_and_the_memo_agrees(
        p in principal(),
        inputs in proptest::collection::vec(input(), 1..8),
    ) {
        let (_, policy) = shipped();
        let who = p.who();
        for input in &inputs {
            let what = What::Submit(input);
            let cached = policy.decide(&who, &what);
            let uncached = policy.decide_uncached(&who, &what);
            prop_assert_eq!(&cached, &uncached);
            prop_assert_eq!(&policy.decide(&who, &what), &uncached);
            if p.party() != Some(input.id().party.as_str()) {
                prop_assert!(!cached.allowed, "{:?} wrote {}: {}", p, input.id(), cached.reason);
            }
        }
    }

    #[test]
    fn reads_from_the_memo_equal_reads_without_it(p in principal(), (view, to) in read()) {
        let (_, policy) = shipped();
        let who = p.who();
        let what = match view {
            Some(view) => What::Read(view),
            None => What::ReadRestricted { releasable_to: &to },
        };
        let cached = policy.decide(&who, &what);
        prop_assert_eq!(&cached, &policy.decide_uncached(&who, &what));
        prop_assert_eq!(&cached, &policy.decide(&who, &what));
    }
}

#[test]
fn no_random_input_of_another_party_gets_through() {
    // The property above, counted: over every principal shape and every
    // kind, none of the inputs claiming another party is accepted.
    let (fw, policy) = shipped();
    let all = KEY_ROLES.iter().map(|r| r.to_string()).collect::<Vec<_>>();
    let mut tried = 0;
    let mut accepted = 0;
    for key_party in &fw.parties {
        for input_party in &fw.parties {
            if key_party.id == input_party.id {
                continue;
            }
            for kind in model::INPUT_TYPES {
                let input = match kind {
                    "vote" => sample::vote(&input_party.id, "t3-energy-shipping"),
                    "attestation" => sample::attestation(&input_party.id, "rel-pullback", "radar"),
                    _ => sample::input(kind, &input_party.id).unwrap(),
                };
                for who in [
                    Who::Key {
                        name: "k",
                        party: &key_party.id,
                        roles: &all,
                    },
                    Who::Local {
                        party: &key_party.id,
                    },
                    Who::Public,
                ] {
                    tried += 1;
                    accepted += usize::from(policy.decide(&who, &What::Submit(&input)).allowed);
                }
            }
        }
    }
    assert!(tried > 1000, "{tried}");
    assert_eq!(accepted, 0);
}
