//! Each rule of the shipped policy, both ways, on the example framework.

use authz::{Policy, View, What, Who, sample};

use crate::common::{decide, roles, shipped, shipped_text};

/// Whether a key of `party` holding `key_roles` may submit `input`, and why.
fn key_submits(
    policy: &Policy,
    party: &str,
    key_roles: &[&str],
    input: &model::Input,
) -> (bool, String) {
    let roles = roles(key_roles);
    let who = Who::Key {
        name: "k-1",
        party,
        roles: &roles,
    };
    let d = decide(policy, &who, &What::Submit(input));
    (d.allowed, d.reason)
}

fn observation(party: &str) -> model::Input {
    sample::input("observation", party).unwrap()
}

#[test]
fn the_shipped_policy_loads_and_names_every_rule() {
    let (_, policy) = shipped();
    assert_eq!(
        policy.rule_ids(),
        [
            "own-inputs-only",
            "public-writes-nothing",
            "nobody-submits-outages",
            "reporters-and-analysts-observe",
            "monitor-analysts-review",
            "leaders-vote-in-their-electorate",
            "inspectors-attest-with-own-sources",
            "logistics-report-deliveries",
            "operations-report-orders",
            "reporters-retract-and-amend",
            "everyone-reads-public-views",
            "auditors-read-restricted-views",
            "releasable-to-own-party",
        ]
    );
}

#[test]
fn a_party_writes_only_its_own_inputs() {
    let (_, policy) = shipped();
    let every_role = authz::KEY_ROLES;
    // Whatever its roles, a Russian key never writes a Ukrainian input.
    for input in [
        observation("ukraine"),
        sample::vote("ukraine", "t3-energy-shipping"),
        sample::attestation("ukraine", "rel-pullback", "adversary-declarations"),
        sample::input("retraction", "ukraine").unwrap(),
    ] {
        let (allowed, reason) = key_submits(&policy, "russia", &every_role, &input);
        assert!(!allowed, "{reason}");
        assert!(reason.contains("`own-inputs-only`"), "{reason}");
        assert!(reason.contains("key `k-1` of `russia`"), "{reason}");
        assert!(reason.contains("as `ukraine`"), "{reason}");
    }
    // Its own observation, it may.
    let (allowed, reason) = key_submits(&policy, "russia", &["reporter"], &observation("russia"));
    assert!(allowed, "{reason}");
    assert_eq!(reason, "allowed by `reporters-and-analysts-observe`");
}

#[test]
fn the_public_writes_nothing_and_reads_the_public_views() {
    let (_, policy) = shipped();
    for input in [
        observation("ukraine"),
        sample::vote("us", "t3-energy-shipping"),
        sample::input("delivery", "us").unwrap(),
    ] {
        let d = decide(&policy, &Who::Public, &What::Submit(&input));
        assert!(!d.allowed, "{}", d.reason);
        assert!(d.reason.contains("`public-writes-nothing`"), "{}", d.reason);
    }
    for view in View::ALL {
        let d = decide(&policy, &Who::Public, &What::Read(view));
        let public = matches!(view, View::Public | View::Keys);
        assert_eq!(d.allowed, public, "{view:?}: {}", d.reason);
        if public {
            assert_eq!(d.reason, "allowed by `everyone-reads-public-views`");
        } else {
            assert!(
                d.reason
                    .starts_with("denied: no rule permits the public reading the `"),
                "{}",
                d.reason
            );
        }
    }
    let to = roles(&["poland"]);
    let d = decide(
        &policy,
        &Who::Public,
        &What::ReadRestricted { releasable_to: &to },
    );
    assert!(!d.allowed, "{}", d.reason);
}

#[test]
fn nobody_submits_outages() {
    let (_, policy) = shipped();
    let outage = sample::input("outage", "ukraine").unwrap();
    let d = decide(
        &policy,
        &Who::Local { party: "ukraine" },
        &What::Submit(&outage),
    );
    assert!(!d.allowed);
    assert!(
        d.reason.contains("`nobody-submits-outages`"),
        "{}",
        d.reason
    );
    let (allowed, _) = key_submits(&policy, "ukraine", &authz::KEY_ROLES, &outage);
    assert!(!allowed);
}

#[test]
fn reporters_and_analysts_observe() {
    let (_, policy) = shipped();
    for role in ["reporter", "analyst"] {
        let (allowed, reason) = key_submits(&policy, "us", &[role], &observation("us"));
        assert!(allowed, "{role}: {reason}");
    }
    for role in ["leader", "inspector", "logistics", "operations", "auditor"] {
        let (allowed, reason) = key_submits(&policy, "us", &[role], &observation("us"));
        assert!(!allowed, "{role}: {reason}");
        assert!(
            reason.starts_with("denied: no rule permits key `k-1` of `us` ("),
            "{reason}"
        );
    }
    let (allowed, reason) = key_submits(&policy, "us", &[], &observation("us"));
    assert!(!allowed);
    assert!(reason.contains("(no roles)"), "{reason}");
}

#[test]
fn analysts_of_a_monitor_party_review() {
    let (_, policy) = shipped();
    let review = |p: &str| sample::input("review", p).unwrap();
    let (allowed, reason) = key_submits(
        &policy,
        "technical-cell",
        &["analyst"],
        &review("technical-cell"),
    );
    assert!(allowed, "{reason}");
    assert_eq!(reason, "allowed by `monitor-analysts-review`");
    // A guarantor's analyst is no monitor; a monitor's reporter is no analyst.
    let (allowed, _) = key_submits(&policy, "us", &["analyst"], &review("us"));
    assert!(!allowed);
    let (allowed, _) = key_submits(
        &policy,
        "technical-cell",
        &["reporter"],
        &review("technical-cell"),
    );
    assert!(!allowed);
}

#[test]
fn leaders_vote_on_the_tiers_whose_electorate_has_their_party() {
    let (_, policy) = shipped();
    let (allowed, reason) = key_submits(
        &policy,
        "us",
        &["leader"],
        &sample::vote("us", "t3-energy-shipping"),
    );
    assert!(allowed, "{reason}");
    assert_eq!(reason, "allowed by `leaders-vote-in-their-electorate`");
    // An automatic tier has no electorate.
    let (allowed, reason) = key_submits(
        &policy,
        "us",
        &["leader"],
        &sample::vote("us", "t0-early-warning"),
    );
    assert!(!allowed, "{reason}");
    // Not a leader; not in the electorate.
    let (allowed, _) = key_submits(
        &policy,
        "us",
        &["reporter"],
        &sample::vote("us", "t3-energy-shipping"),
    );
    assert!(!allowed);
    let (allowed, _) = key_submits(
        &policy,
        "monitoring-mission",
        &["leader"],
        &sample::vote("monitoring-mission", "t3-energy-shipping"),
    );
    assert!(!allowed);
    // An unknown tier is denied with a reason.
    let (allowed, reason) = key_submits(&policy, "us", &["leader"], &sample::vote("us", "t9"));
    assert!(!allowed);
    assert_eq!(
        reason,
        "denied: `t9` is not a tier of the framework, so there is nothing to vote on"
    );
}

#[test]
fn a_tier_whose_electorate_lacks_us_refuses_a_us_leader() {
    // The example with the leaders' tier voted on by the United Kingdom and
    // France alone.
    let dir = crate::common::example_dir();
    let text = std::fs::read_to_string(dir.join("framework.toml")).unwrap();
    let at = text.rfind("electorate = [").unwrap();
    let end = at + text[at..].find('\n').unwrap();
    let text = format!(
        "{}electorate = [\"uk\", \"france\"]{}",
        &text[..at],
        &text[end..]
    );
    let (fw, _) = framework::load("framework.toml", &text, &framework::NoFiles);
    let policy = Policy::load(&fw, &shipped_text(), "policy.cedar").unwrap();
    let (allowed, reason) = key_submits(
        &policy,
        "us",
        &["leader"],
        &sample::vote("us", "t5-leaders"),
    );
    assert!(!allowed, "{reason}");
    let (allowed, reason) = key_submits(
        &policy,
        "uk",
        &["leader"],
        &sample::vote("uk", "t5-leaders"),
    );
    assert!(allowed, "{reason}");
}

#[test]
fn inspectors_attest_with_a_class_their_party_operates() {
    let (_, policy) = shipped();
    let attest = |class: &str| sample::attestation("ukraine", "rel-pullback", class);
    let (allowed, reason) =
        key_submits(&policy, "ukraine", &["inspector"], &attest("general-staff"));
    assert!(allowed, "{reason}");
    assert_eq!(reason, "allowed by `inspectors-attest-with-own-sources`");
    // Satellites are operated by others.
    let (allowed, reason) = key_submits(&policy, "ukraine", &["inspector"], &attest("satellite"));
    assert!(!allowed, "{reason}");
    let (allowed, _) = key_submits(&policy, "ukraine", &["reporter"], &attest("general-staff"));
    assert!(!allowed);
    let (allowed, reason) = key_submits(
        &policy,
        "ukraine",
        &["inspector"],
        &sample::attestation("ukraine", "rel-nothing", "general-staff"),
    );
    assert!(!allowed);
    assert!(
        reason.contains("`rel-nothing` is not an item of the framework's relief checklist"),
        "{reason}"
    );
    let (allowed, reason) = key_submits(&policy, "ukraine", &["inspector"], &attest("drones"));
    assert!(!allowed);
    assert!(
        reason.contains("`drones` is not a source class"),
        "{reason}"
    );
}

#[test]
fn logistics_keys_report_deliveries_and_operations_keys_orders() {
    let (_, policy) = shipped();
    let delivery = sample::input("delivery", "germany").unwrap();
    let order = sample::input("order_report", "germany").unwrap();
    assert!(key_submits(&policy, "germany", &["logistics"], &delivery).0);
    assert!(!key_submits(&policy, "germany", &["operations"], &delivery).0);
    assert!(key_submits(&policy, "germany", &["operations"], &order).0);
    assert!(!key_submits(&policy, "germany", &["logistics"], &order).0);
}

#[test]
fn reporters_retract_and_amend() {
    let (_, policy) = shipped();
    for kind in ["retraction", "amendment"] {
        let input = sample::input(kind, "france").unwrap();
        let (allowed, reason) = key_submits(&policy, "france", &["reporter"], &input);
        assert!(allowed, "{kind}: {reason}");
        assert_eq!(reason, "allowed by `reporters-retract-and-amend`");
        let (allowed, _) = key_submits(&policy, "france", &["analyst", "leader"], &input);
        assert!(!allowed, "{kind}");
    }
}

#[test]
fn auditors_read_the_restricted_views() {
    let (_, policy) = shipped();
    let auditor = roles(&["auditor"]);
    let reporter = roles(&["reporter"]);
    for view in [View::Restricted, View::Outbox, View::SecurityEvents] {
        let who = Who::Key {
            name: "a",
            party: "uk",
            roles: &auditor,
        };
        let d = decide(&policy, &who, &What::Read(view));
        assert!(d.allowed, "{view:?}: {}", d.reason);
        assert_eq!(d.reason, "allowed by `auditors-read-restricted-views`");
        let who = Who::Key {
            name: "r",
            party: "uk",
            roles: &reporter,
        };
        assert!(
            !decide(&policy, &who, &What::Read(view)).allowed,
            "{view:?}"
        );
    }
}

#[test]
fn restricted_inputs_are_read_by_auditors_and_analysts_of_a_party_they_are_releasable_to() {
    let (_, policy) = shipped();
    let poland = roles(&["poland"]);
    let us = roles(&["us"]);
    let both = roles(&["us", "poland"]);
    let with_unknown = roles(&["poland", "atlantis"]);
    for role in ["auditor", "analyst"] {
        let r = roles(&[role]);
        let who = Who::Key {
            name: "p",
            party: "poland",
            roles: &r,
        };
        for (to, expected) in [
            (&poland, true),
            (&us, false),
            (&both, true),
            (&with_unknown, true),
        ] {
            let d = decide(&policy, &who, &What::ReadRestricted { releasable_to: to });
            assert_eq!(d.allowed, expected, "{role} {to:?}: {}", d.reason);
        }
    }
    let d = decide(
        &policy,
        &Who::Key {
            name: "p",
            party: "poland",
            roles: &roles(&["auditor"]),
        },
        &What::ReadRestricted { releasable_to: &[] },
    );
    assert!(!d.allowed);
    assert!(d.reason.contains("releasable to nobody"), "{}", d.reason);
    let r = roles(&["reporter", "leader"]);
    let who = Who::Key {
        name: "p",
        party: "poland",
        roles: &r,
    };
    assert!(
        !decide(
            &policy,
            &who,
            &What::ReadRestricted {
                releasable_to: &poland
            }
        )
        .allowed
    );
}

#[test]
fn the_local_mode_is_its_party_with_every_role() {
    let (_, policy) = shipped();
    let local = Who::Local { party: "ukraine" };
    for input in [
        observation("ukraine"),
        sample::vote("ukraine", "t3-energy-shipping"),
        sample::attestation("ukraine", "rel-pullback", "radar"),
        sample::input("delivery", "ukraine").unwrap(),
    ] {
        let d = decide(&policy, &local, &What::Submit(&input));
        assert!(d.allowed, "{}", d.reason);
    }
    // Ukraine is no monitor, and the local mode is still one party.
    let review = sample::input("review", "ukraine").unwrap();
    assert!(!decide(&policy, &local, &What::Submit(&review)).allowed);
    let d = decide(&policy, &local, &What::Submit(&observation("russia")));
    assert!(!d.allowed);
    assert!(
        d.reason
            .contains("the local operator of `ukraine` (every role)"),
        "{}",
        d.reason
    );
    assert!(decide(&policy, &local, &What::Read(View::SecurityEvents)).allowed);
}

#[test]
fn unknown_parties_are_denied_with_a_reason() {
    let (_, policy) = shipped();
    let (allowed, reason) =
        key_submits(&policy, "atlantis", &["reporter"], &observation("atlantis"));
    assert!(!allowed);
    assert_eq!(
        reason,
        "denied: key `k-1` of `atlantis` (reporter) belongs to `atlantis`, which is not a party of the framework: the key registry and the framework disagree"
    );
    let (allowed, reason) = key_submits(&policy, "us", &["reporter"], &observation("atlantis"));
    assert!(!allowed);
    assert!(
        reason.contains("`atlantis`, which is not a party of the framework"),
        "{reason}"
    );
    let d = decide(
        &policy,
        &Who::Local { party: "atlantis" },
        &What::Read(View::Public),
    );
    assert!(!d.allowed);
}

#[test]
fn a_key_whose_roles_change_gets_the_new_answer() {
    // The memo is keyed by everything Cedar sees, so a registry change needs
    // no forgetting.
    let (_, policy) = shipped();
    let input = observation("us");
    let leader = roles(&["leader"]);
    let reporter = roles(&["reporter"]);
    let who = |roles| Who::Key {
        name: "same-name",
        party: "us",
        roles,
    };
    assert!(!policy.decide(&who(&leader), &What::Submit(&input)).allowed);
    assert!(
        policy
            .decide(&who(&reporter), &What::Submit(&input))
            .allowed
    );
    assert!(!policy.decide(&who(&leader), &What::Submit(&input)).allowed);
}

#[test]
fn a_policy_can_be_shared_between_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<Policy>();
}
