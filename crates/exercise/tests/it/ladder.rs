//! Expectations about the response ladder — tiers, votes, orders, missed
//! deadlines, relief — judged on synthetic ladder views, met and not met;
//! and the loader's checks of their forms.

use std::collections::BTreeMap;

use base::Timestamp;
use engine::ladder::{
    ActivationStatus, ActivationView, LadderEvent, MissedView, OrderState, OrderView, ReliefStatus,
    ReliefView, VoteView,
};
use engine::{Breach, BreachStatus, CountRange};
use exercise::load::{Check, Expectation};
use exercise::schema::Status;
use exercise::{Outcome, evaluate};
use framework::schema::Mode;
use model::{Choice, InputId};

use crate::common::{MemFiles, ukraine};

fn start() -> Timestamp {
    Timestamp::parse("2026-03-01T00:00:00Z").unwrap()
}

fn t(relative: &str) -> Timestamp {
    exercise::time::resolve(relative, start()).unwrap()
}

fn id(text: &str) -> InputId {
    let parts: Vec<&str> = text.splitn(3, '/').collect();
    InputId {
        party: parts[0].into(),
        source: parts[1].into(),
        message: parts[2].into(),
    }
}

fn breach(id: &str, trigger: &str) -> Breach {
    Breach {
        id: id.into(),
        trigger: trigger.into(),
        category: "armour".into(),
        opened_at: t("T+00:10"),
        certified_at: Some(t("T+12:00")),
        status: BreachStatus::Certified,
        review_deadline: None,
        incidents: vec![],
        count: CountRange { low: 2, high: 2 },
        accumulated: false,
        framework_version: "1.0".into(),
        framework_hash: "00".into(),
        explanation: String::new(),
    }
}

fn order(order: &str, party: &str, due: &str, completed: Option<&str>) -> OrderView {
    OrderView {
        party: Some(party.into()),
        action: order.rsplit('/').next().unwrap().into(),
        order: order.into(),
        due: Some(t(due)),
        completed_at: completed.map(t),
        status: if completed.is_some() {
            OrderState::Completed
        } else {
            OrderState::Missed
        },
    }
}

/// B1 (armour) entered t2 (automatic, fired at T+12:00, one order done and
/// one missed) and t3 (reverse veto, blocked at T+60:00); B2 (missile) t1.
struct World {
    breaches: Vec<Breach>,
    activations: Vec<ActivationView>,
    votes: Vec<VoteView>,
    missed: Vec<MissedView>,
    relief: Vec<ReliefView>,
    events: Vec<LadderEvent>,
}

fn world() -> World {
    let activation =
        |breach: &str, tier: &str, mode, status, fired: Option<&str>, actions| ActivationView {
            breach: breach.into(),
            tier: tier.into(),
            mode,
            activated_at: t("T+12:00"),
            deadline: None,
            status,
            fired_at: fired.map(t),
            explanation: String::new(),
            actions,
        };
    let vote = |input: &str, ballot, at: &str, reason: Option<&str>| VoteView {
        party: id(input).party.to_string(),
        tier: "t3-energy-shipping".into(),
        breach: "B1".into(),
        ballot,
        recorded_at: t(at),
        counted: reason.is_none(),
        reason: reason.map(Into::into),
        input: id(input),
    };
    World {
        breaches: vec![
            breach("B1", "trg-armour-crossing"),
            breach("B2", "trg-missile-salvo"),
        ],
        activations: vec![
            activation(
                "B1",
                "t2-financial",
                Mode::Automatic,
                ActivationStatus::Fired,
                Some("T+12:00"),
                vec![
                    order(
                        "B1/t2-financial/a2-cyber-assist",
                        "uk",
                        "T+24:00",
                        Some("T+20:00"),
                    ),
                    order("B1/t2-financial/a2-financial-eu", "eu", "T+60:00", None),
                ],
            ),
            activation(
                "B1",
                "t3-energy-shipping",
                Mode::ReverseVeto,
                ActivationStatus::Blocked,
                None,
                vec![],
            ),
            activation(
                "B2",
                "t1-rails",
                Mode::Automatic,
                ActivationStatus::Completed,
                Some("T+03:00"),
                vec![],
            ),
        ],
        votes: vec![
            vote(
                "us/nsc/b1",
                Choice::Block,
                "T+20:00",
                Some("superseded by a later vote of the same party"),
            ),
            vote("us/state/b2", Choice::Block, "T+21:00", None),
            vote(
                "uk/fcdo/b1",
                Choice::Block,
                "T+60:00",
                Some("late: recorded at or after the deadline"),
            ),
        ],
        missed: vec![MissedView {
            order: "B1/t2-financial/a2-financial-eu".into(),
            party: Some("eu".into()),
            breach: "B1".into(),
            tier: "t2-financial".into(),
            action: "a2-financial-eu".into(),
            due: t("T+60:00"),
        }],
        relief: vec![ReliefView {
            item: "rel-pullback".into(),
            status: ReliefStatus::Reimposed,
            relieved_at: Some(t("T+1d")),
            reimposed_at: Some(t("T+3d")),
            explanation: "standard not met".into(),
            attestations: vec![],
        }],
        events: vec![
            LadderEvent::Relieved {
                at: t("T+1d"),
                item: "rel-pullback".into(),
                activations: vec![],
                explanation: String::new(),
            },
            LadderEvent::Reimposed {
                at: t("T+3d"),
                item: "rel-pullback".into(),
                breach: "B1".into(),
                activations: vec![],
                explanation: String::new(),
            },
        ],
    }
}

fn judge(check: Check) -> exercise::Evaluation {
    let w = world();
    let outcome = Outcome {
        start: start(),
        decisions: &[],
        incidents: &[],
        breaches: &w.breaches,
        activations: &w.activations,
        votes: &w.votes,
        deadlines_missed: &w.missed,
        relief: &w.relief,
        events: &w.events,
    };
    evaluate(
        &Expectation {
            id: "e".into(),
            note: "why".into(),
            check,
        },
        &outcome,
    )
}

fn met(check: Check) -> bool {
    judge(check).met
}

fn tier(tier: &str) -> Check {
    Check::Tier {
        tier: tier.into(),
        breach: None,
        trigger: None,
        entered: None,
        fired: None,
        fired_by: None,
        status: None,
        as_of: None,
    }
}

macro_rules! tier_with {
    ($tier:expr, $($field:ident = $value:expr),+) => {{
        let mut c = tier($tier);
        if let Check::Tier { $($field,)+ .. } = &mut c {
            $(*$field = $value;)+
        }
        c
    }};
}

#[test]
fn tier_fired_by_status_and_filters() {
    assert!(met(tier_with!(
        "t2-financial",
        fired_by = Some(t("T+12:00"))
    )));
    assert!(!met(tier_with!(
        "t2-financial",
        fired_by = Some(t("T+11:59"))
    )));
    assert!(met(tier_with!(
        "t2-financial",
        fired = Some(true),
        status = Some(Status::Fired)
    )));
    assert!(met(tier_with!(
        "t2-financial",
        trigger = Some("trg-armour-crossing".into()),
        entered = Some(true)
    )));
    assert!(!met(tier_with!(
        "t2-financial",
        trigger = Some("trg-missile-salvo".into()),
        entered = Some(true)
    )));
    let blocked = judge(tier_with!(
        "t3-energy-shipping",
        breach = Some("B1".into()),
        status = Some(Status::Blocked)
    ));
    assert!(blocked.met, "{}", blocked.detail);
    assert!(
        blocked
            .detail
            .contains("B1/t3-energy-shipping (reverse veto) entered at T+12:00, status blocked"),
        "{}",
        blocked.detail
    );
    // Never fired, and every activation blocked.
    assert!(met(tier_with!(
        "t3-energy-shipping",
        fired = Some(false),
        status = Some(Status::Blocked)
    )));
    assert!(!met(tier_with!("t2-financial", fired = Some(false))));
    // Not entered: for B2, and for a tier nobody reached.
    assert!(met(tier_with!(
        "t3-energy-shipping",
        breach = Some("B2".into()),
        entered = Some(false)
    )));
    let none = judge(tier_with!("t5-leaders", fired = Some(true)));
    assert!(!none.met);
    assert!(
        none.detail.contains("no breach entered tier `t5-leaders`"),
        "{}",
        none.detail
    );
    assert!(met(tier_with!(
        "t1-rails",
        status = Some(Status::Completed)
    )));
    // As of a time: t2 was entered and fired at T+12:00, not before.
    assert!(met(tier_with!(
        "t2-financial",
        fired = Some(false),
        as_of = Some(t("T+11:59"))
    )));
    assert!(met(tier_with!(
        "t2-financial",
        entered = Some(false),
        as_of = Some(t("T+11:59"))
    )));
    assert!(met(tier_with!(
        "t2-financial",
        fired = Some(true),
        as_of = Some(t("T+12:00"))
    )));
    let early = judge(tier_with!(
        "t2-financial",
        fired = Some(true),
        as_of = Some(t("T+11:00"))
    ));
    assert!(!early.met);
    assert!(early.detail.contains("as of T+11:00"), "{}", early.detail);
}

#[test]
fn votes_counted_or_not_with_the_reason() {
    let vote = |input: &str, counted, reason: Option<&str>| Check::Vote {
        input: id(input),
        counted,
        reason_contains: reason.map(Into::into),
    };
    assert!(met(vote("us/state/b2", Some(true), None)));
    assert!(met(vote("us/nsc/b1", Some(false), Some("same party"))));
    assert!(!met(vote("us/nsc/b1", Some(true), None)));
    let late = judge(vote("uk/fcdo/b1", Some(false), Some("LATE")));
    assert!(late.met, "{}", late.detail);
    assert!(
        late.detail.contains(
            "`uk` voted `block` on B1/t3-energy-shipping at T+2d12:00, not counted: late"
        ),
        "{}",
        late.detail
    );
    assert!(!met(vote("uk/fcdo/b1", Some(false), Some("superseded"))));
    let unknown = judge(vote("france/elysee/v1", None, None));
    assert!(!unknown.met);
    assert!(
        unknown.detail.contains("recorded no such vote"),
        "{}",
        unknown.detail
    );
}

#[test]
fn orders_completed_and_missed() {
    let order = |o: &str, completed, by: Option<&str>, missed| Check::Order {
        order: o.into(),
        completed,
        completed_by: by.map(t),
        missed,
    };
    assert!(met(order(
        "B1/t2-financial/a2-cyber-assist",
        Some(true),
        Some("T+20:00"),
        Some(false)
    )));
    assert!(!met(order(
        "B1/t2-financial/a2-cyber-assist",
        None,
        Some("T+19:00"),
        None
    )));
    assert!(met(order(
        "B1/t2-financial/a2-financial-eu",
        Some(false),
        None,
        Some(true)
    )));
    let wrong = judge(order(
        "B1/t2-financial/a2-financial-eu",
        Some(true),
        None,
        None,
    ));
    assert!(!wrong.met);
    assert!(
        wrong.detail.contains("not completed, deadline missed"),
        "{}",
        wrong.detail
    );
    let none = judge(order("B2/t1-rails/a1-intel", Some(true), None, None));
    assert!(!none.met);
    assert!(
        none.detail.contains("no such order was issued"),
        "{}",
        none.detail
    );
    assert!(met(Check::DeadlinesMissed {
        breach: None,
        count: 1
    }));
    assert!(met(Check::DeadlinesMissed {
        breach: Some("B2".into()),
        count: 0
    }));
    assert!(!met(Check::DeadlinesMissed {
        breach: Some("B1".into()),
        count: 2
    }));
}

#[test]
fn relief_status_and_times() {
    let relief = |status, relieved: Option<&str>, reimposed: Option<&str>| Check::Relief {
        item: "rel-pullback".into(),
        status,
        relieved_by: relieved.map(t),
        reimposed_by: reimposed.map(t),
        as_of: None,
    };
    let as_of = |status, at: &str| Check::Relief {
        item: "rel-pullback".into(),
        status: Some(status),
        relieved_by: None,
        reimposed_by: None,
        as_of: Some(t(at)),
    };
    assert!(met(as_of(Status::InForce, "T+23:59")));
    assert!(met(as_of(Status::Relieved, "T+1d")));
    assert!(met(as_of(Status::Relieved, "T+2d")));
    assert!(met(as_of(Status::Reimposed, "T+3d")));
    let early = judge(as_of(Status::Relieved, "T+12:00"));
    assert!(!early.met);
    assert!(
        early
            .detail
            .contains("was in_force as of T+12:00 and is reimposed at the end"),
        "{}",
        early.detail
    );
    assert!(met(relief(
        Some(Status::Reimposed),
        Some("T+1d"),
        Some("T+3d")
    )));
    assert!(!met(relief(Some(Status::Relieved), None, None)));
    assert!(!met(relief(None, None, Some("T+2d"))));
    let detail = judge(relief(Some(Status::InForce), None, None)).detail;
    assert!(
        detail.contains("relieved at T+1d00:00, re-imposed at T+3d00:00"),
        "{detail}"
    );
}

const BASE: &str = r#"[scenario]
id = "t"
title = "test"
start = "2026-03-01T00:00:00Z"

[[inject]]
at = "T+00:05"
input = { type = "vote", id = { party = "us", source = "nsc", message = "v1" }, breach = "B1", tier = "t3-energy-shipping", choice = "block" }

[[expect]]
id = "e1"
note = "why"
EXPECT
"#;

fn load(expect: &str) -> Result<exercise::Scenario, Vec<String>> {
    let text = BASE.replace("EXPECT", expect);
    exercise::load(
        "s.toml",
        text.as_bytes(),
        &MemFiles(BTreeMap::new()),
        &ukraine(),
    )
    .map_err(|errors| errors.iter().map(ToString::to_string).collect())
}

fn refused(expect: &str, words: &str) {
    match load(expect) {
        Ok(_) => panic!("loaded, but should not have: {expect}"),
        Err(errors) => assert!(
            errors.iter().any(|e| e.contains(words)),
            "no error mentioning {words:?} for {expect:?}; got:\n{}",
            errors.join("\n")
        ),
    }
}

#[test]
fn ladder_forms_load() {
    let loaded = load("tier = \"t3-energy-shipping\"\ntrigger = \"trg-armour-crossing\"\nstatus = \"blocked\"\nfired_by = \"T+2d\"").unwrap();
    assert_eq!(
        loaded.expectations[0].check,
        Check::Tier {
            tier: "t3-energy-shipping".into(),
            breach: None,
            trigger: Some("trg-armour-crossing".into()),
            entered: None,
            fired: None,
            fired_by: Some(t("T+2d")),
            status: Some(Status::Blocked),
            as_of: None,
        }
    );
    load("vote = \"us/nsc/v1\"\ncounted = false\nreason_contains = \"late\"").unwrap();
    load("order = \"B1/t1-rails/a1-intel\"\nmissed = true").unwrap();
    load("deadlines_missed = 2\nbreach = \"B1\"").unwrap();
    load("relief = \"rel-pullback\"\nstatus = \"reimposed\"").unwrap();
    load("tier = \"t1-rails\"\nentered = false\nas_of = \"T+1h\"").unwrap();
    load("relief = \"rel-pullback\"\nstatus = \"in_force\"\nas_of = \"T+1h\"").unwrap();
}

#[test]
fn ladder_forms_are_checked() {
    refused("tier = \"t9\"\nfired = true", "no tier `t9`");
    refused("tier = \"t1-rails\"", "give at least one of `entered`");
    refused(
        "tier = \"t1-rails\"\nstatus = \"certified\"",
        "`certified` is not a status of a tier's activation",
    );
    refused(
        "trigger = \"trg-missile-salvo\"\nstatus = \"fired\"",
        "`fired` is not a status of a breach",
    );
    refused(
        "tier = \"t1-rails\"\nentered = false\nfired = true",
        "`entered = false`",
    );
    refused(
        "tier = \"t1-rails\"\nfired = false\nfired_by = \"T+1h\"",
        "`fired = false` contradicts",
    );
    refused(
        "tier = \"t1-rails\"\nfired = true\ncounted = true",
        "`counted` does not apply to an expectation about `tier`",
    );
    refused(
        "vote = \"us/nsc/v9\"",
        "no inject submits an input `us/nsc/v9`",
    );
    refused(
        "vote = \"us/nsc/v1\"\ncounted = true\nreason_contains = \"late\"",
        "goes with `counted = false`",
    );
    refused(
        "order = \"B1/t1-rails\"\nmissed = true",
        "not an order id `breach/tier/action`",
    );
    refused(
        "order = \"B1/t1-rails/a3-energy\"\nmissed = true",
        "tier `t1-rails` has no action `a3-energy`",
    );
    refused(
        "order = \"B1/t1-rails/a1-intel\"",
        "give at least one of `completed`",
    );
    refused(
        "order = \"B1/t1-rails/a1-intel\"\ncompleted = false\ncompleted_by = \"T+1h\"",
        "contradicts `completed_by`",
    );
    refused(
        "relief = \"rel-nothing\"\nstatus = \"relieved\"",
        "no relief item `rel-nothing`",
    );
    refused(
        "relief = \"rel-pullback\"\nstatus = \"blocked\"",
        "not a status of a relief item",
    );
    refused("relief = \"rel-pullback\"", "give at least one of `status`");
    refused(
        "tier = \"t1-rails\"\nfired = true\nvote = \"us/nsc/v1\"",
        "more than one subject",
    );
    refused(
        "tier = \"t1-rails\"\nstatus = \"fired\"\nas_of = \"T+1h\"",
        "`as_of` applies to `entered` and `fired` only",
    );
    refused(
        "relief = \"rel-pullback\"\nrelieved_by = \"T+1h\"\nas_of = \"T+1h\"",
        "`as_of` applies to `status` only",
    );
    refused(
        "vote = \"us/nsc/v1\"\nas_of = \"T+1h\"",
        "`as_of` does not apply to an expectation about `vote`",
    );
}
