//! Retractions (DESIGN "Votes and the ladder"): only the observation's own
//! party may retract it; its contribution leaves its incident as if it had
//! never been reported; the breaches resting on it are reviewed at once;
//! nothing is deleted and a refused retraction changes nothing.

use engine::{BreachStatus, Decider, Decision, Engine, Step};
use model::Input;

use crate::{run, t, ukraine};

const ZONE: &str = r#","place":{"zone":"kharkiv-oblast"}"#;

fn obs(party: &str, class: &str, msg: &str, launched: u32, confidence: u16) -> String {
    format!(
        r#"{{"v":1,"type":"observation","id":{{"party":"{party}","source":"{class}-1","message":"{msg}"}},"class":"{class}","observed":{{"from":"2025-11-01T02:00:00Z","to":"2025-11-01T02:05:00Z"}},"kind":"missile_launch","counts":{{"launched":{launched}}},"confidence_bp":{confidence}{ZONE}}}"#
    )
}

fn retract(party: &str, msg: &str, of_party: &str, of_class: &str, of_msg: &str) -> String {
    format!(
        r#"{{"v":1,"type":"retraction","id":{{"party":"{party}","source":"desk","message":"{msg}"}},"retracts":{{"party":"{of_party}","source":"{of_class}-1","message":"{of_msg}"}},"reason":"a test"}}"#
    )
}

fn review(breach: &str, finding: &str) -> String {
    format!(
        r#"{{"v":1,"type":"review","id":{{"party":"technical-cell","source":"desk","message":"rv-{breach}"}},"breach":"{breach}","finding":"{finding}"}}"#
    )
}

fn state(e: &Engine) -> String {
    serde_json::to_string(&(e.incidents(), e.breaches())).unwrap()
}

/// A salvo reported by Ukraine's General Staff (7000), Poland's radar
/// (6000) and the technical cell (9000), certified by review.
fn certified() -> Engine {
    let mut e = Engine::new(&ukraine()).unwrap();
    let a = obs("ukraine", "general-staff", "gs", 4, 7000);
    let b = obs("poland", "radar", "pl", 4, 6000);
    let c = obs("technical-cell", "technical-cell", "tc", 4, 9000);
    let r = review("B1", "certify");
    run(
        &mut e,
        &[
            ("2025-11-01T02:10:00Z", &a),
            ("2025-11-01T02:20:00Z", &b),
            ("2025-11-01T02:30:00Z", &c),
            ("2025-11-01T04:00:00Z", &r),
        ],
    );
    assert_eq!(e.breaches()[0].status, BreachStatus::Certified);
    e
}

fn rejected(d: &[Decision]) -> Option<&str> {
    d.iter().find_map(|d| match d {
        Decision::Rejected { reason, .. } => Some(reason.as_str()),
        _ => None,
    })
}

#[test]
fn refused_retractions_change_nothing() {
    let mut e = certified();
    let before = state(&e);
    let cases = [
        // Another party's observation.
        (
            retract("uk", "x1", "technical-cell", "technical-cell", "tc"),
            "only `technical-cell`, whose input it is, may retract it",
        ),
        // An identity never recorded.
        (
            retract("poland", "x2", "poland", "radar", "nope"),
            "there is no input `poland/radar-1/nope`",
        ),
        // Not a party of the framework.
        (
            retract("nobody", "x3", "nobody", "radar", "pl"),
            "not a party",
        ),
    ];
    for (line, want) in cases {
        let d = run(&mut e, &[("2025-11-01T05:00:00Z", &line)]);
        let reason = rejected(&d).unwrap_or_else(|| panic!("not rejected: {d:#?}"));
        assert!(reason.contains(want), "{reason}");
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(state(&e), before);
    }
    // A review is not an observation.
    let line = r#"{"v":1,"type":"retraction","id":{"party":"technical-cell","source":"desk","message":"x4"},"retracts":{"party":"technical-cell","source":"desk","message":"rv-B1"},"reason":"a test"}"#;
    let d = run(&mut e, &[("2025-11-01T05:00:00Z", line)]);
    assert!(
        rejected(&d).is_some_and(|r| r.contains("only observations can be retracted")),
        "{d:#?}"
    );
    assert_eq!(state(&e), before);
}

#[test]
fn a_retraction_that_leaves_the_standard_met_upholds_the_breach() {
    let mut e = certified();
    let line = retract("poland", "x1", "poland", "radar", "pl");
    let d = run(&mut e, &[("2025-11-01T05:00:00Z", &line)]);
    let kinds: Vec<String> = d
        .iter()
        .map(|d| {
            serde_json::to_value(d).unwrap()["decision"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        kinds,
        ["accepted", "observation_retracted", "breach_upheld"]
    );
    let incident = &e.incidents()[0];
    // The radar's report is gone from the incident; confidence recomputed
    // from the General Staff (7000) and the cell (9000): 1 − 0.3 × 0.1.
    assert_eq!(incident.sources.len(), 2);
    assert!(incident.sources.iter().all(|s| s.party != "poland"));
    assert_eq!(incident.confidence_bp, 9700);
    let b = &e.breaches()[0];
    assert_eq!(b.status, BreachStatus::Certified);
    assert!(b.explanation.contains("stands"), "{}", b.explanation);
    // Nothing is revived by sending the retracted report again: a duplicate.
    let again = obs("poland", "radar", "pl", 4, 6000);
    let d = run(&mut e, &[("2025-11-01T05:10:00Z", &again)]);
    assert!(
        matches!(d.as_slice(), [Decision::Duplicate { .. }]),
        "{d:#?}"
    );
    assert_eq!(e.incidents()[0].sources.len(), 2);
    // Retracting it twice: refused.
    let twice = retract("poland", "x2", "poland", "radar", "pl");
    let d = run(&mut e, &[("2025-11-01T05:20:00Z", &twice)]);
    assert!(
        rejected(&d).is_some_and(|r| r.contains("already retracted")),
        "{d:#?}"
    );
}

#[test]
fn a_retraction_that_breaks_the_standard_withdraws_the_breach() {
    let mut e = certified();
    let line = retract(
        "technical-cell",
        "x1",
        "technical-cell",
        "technical-cell",
        "tc",
    );
    let d = run(&mut e, &[("2025-11-01T05:00:00Z", &line)]);
    let withdrawn = d
        .iter()
        .find_map(|d| match d {
            Decision::BreachWithdrawn {
                breach,
                was,
                reason,
                ..
            } => Some((breach, was, reason)),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{d:#?}"));
    assert_eq!(withdrawn.0, "B1");
    assert_eq!(*withdrawn.1, BreachStatus::Certified);
    assert!(
        withdrawn.2.contains("needs 2 independent sources"),
        "{}",
        withdrawn.2
    );
    let breaches = e.breaches();
    // B1 stays in the record, withdrawn; its certification time is kept.
    assert_eq!(breaches[0].status, BreachStatus::Withdrawn);
    assert!(breaches[0].certified_at.is_some());
    // Ukraine and Poland still report 4 launched ≥ 3: a new breach opens
    // on them, not certified (no neutral source).
    assert_eq!(breaches.len(), 2, "{breaches:#?}");
    assert_eq!(breaches[1].status, BreachStatus::Open);
    assert_eq!(breaches[1].incidents, ["I1"]);
}

#[test]
fn retracting_every_report_leaves_an_empty_incident_that_counts_nothing() {
    let mut e = Engine::new(&ukraine()).unwrap();
    let a = obs("ukraine", "general-staff", "gs", 4, 7000);
    run(&mut e, &[("2025-11-01T02:10:00Z", &a)]);
    assert_eq!(e.breaches()[0].status, BreachStatus::Open);
    let line = retract("ukraine", "x1", "ukraine", "general-staff", "gs");
    let d = run(&mut e, &[("2025-11-01T03:00:00Z", &line)]);
    assert!(
        d.iter().any(|d| matches!(
            d,
            Decision::BreachWithdrawn {
                was: BreachStatus::Open,
                ..
            }
        )),
        "{d:#?}"
    );
    let incident = &e.incidents()[0];
    assert!(incident.sources.is_empty());
    assert_eq!((incident.count.low, incident.count.high), (0, 0));
    assert!(!incident.contested);
    assert_eq!(e.breaches()[0].count.low, 0);
    // A new report of the event opens a new incident, not the emptied one.
    let b = obs("us", "allied-isr", "isr", 4, 9000);
    run(&mut e, &[("2025-11-01T03:10:00Z", &b)]);
    assert_eq!(e.incidents().len(), 2);
    assert_eq!(e.incidents()[1].sources.len(), 1);
}

#[test]
fn a_retraction_can_raise_a_count() {
    // Two direct reports for one area are alternatives: low = the smaller.
    let mut e = Engine::new(&ukraine()).unwrap();
    let a = obs("us", "allied-isr", "isr", 2, 9000);
    let b = obs("uk", "allied-isr", "isr", 5, 9000);
    run(
        &mut e,
        &[("2025-11-01T02:10:00Z", &a), ("2025-11-01T02:20:00Z", &b)],
    );
    assert_eq!(e.incidents()[0].count.low, 2);
    assert!(e.breaches().is_empty());
    // Without the report of 2, the low end is 5 ≥ 3: a breach opens now.
    let line = retract("us", "x1", "us", "allied-isr", "isr");
    let d = run(&mut e, &[("2025-11-01T03:00:00Z", &line)]);
    assert_eq!(e.incidents()[0].count.low, 5);
    assert!(
        d.iter().any(|d| matches!(d, Decision::BreachOpened { .. })),
        "{d:#?}"
    );
}

#[test]
fn the_decider_supersedes_the_ladder_and_refuses_to_retract_a_vote() {
    let fw = ukraine();
    let mut decider = Decider::new(&fw).unwrap();
    let lines = [
        (
            "2025-11-01T02:10:00Z",
            obs("ukraine", "general-staff", "gs", 4, 7000),
        ),
        (
            "2025-11-01T02:20:00Z",
            obs("technical-cell", "technical-cell", "tc", 4, 9000),
        ),
        ("2025-11-01T04:00:00Z", review("B1", "certify")),
    ];
    for (at, line) in &lines {
        decider
            .submit(t(at), &model::decode_line(line, 1).unwrap())
            .unwrap();
    }
    let fired = decider.ladder().activations();
    assert_eq!(fired.len(), 1);
    assert_eq!(fired[0].tier, "t1-rails");
    // A report on one of the tier's orders, then an attempt to retract it.
    let report: Input = model::decode_line(
        r#"{"v":1,"type":"order_report","id":{"party":"us","source":"desk","message":"or1"},"order":"B1/t1-rails/a1-intel","status":"done"}"#,
        1,
    )
    .unwrap();
    decider.submit(t("2025-11-01T05:00:00Z"), &report).unwrap();
    let line = r#"{"v":1,"type":"retraction","id":{"party":"us","source":"desk","message":"x0"},"retracts":{"party":"us","source":"desk","message":"or1"},"reason":"a test"}"#;
    let steps = decider
        .submit(
            t("2025-11-01T05:10:00Z"),
            &model::decode_line(line, 1).unwrap(),
        )
        .unwrap();
    assert!(
        matches!(steps.as_slice(), [Step::Engine(Decision::Rejected { reason, .. })] if reason.contains("is a `order_report` input, and only observations can be retracted")),
        "{steps:#?}"
    );
    // The cell retracts its reading: B1 is withdrawn, t1-rails superseded.
    let line = retract(
        "technical-cell",
        "x1",
        "technical-cell",
        "technical-cell",
        "tc",
    );
    let steps = decider
        .submit(
            t("2025-11-01T06:00:00Z"),
            &model::decode_line(&line, 1).unwrap(),
        )
        .unwrap();
    let names: Vec<String> = steps
        .iter()
        .map(|s| {
            serde_json::to_value(s).unwrap()["decision"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let at = |name: &str| {
        names
            .iter()
            .position(|n| n == name)
            .unwrap_or_else(|| panic!("{names:?}"))
    };
    assert!(at("breach_withdrawn") < at("superseded"), "{names:?}");
    let act = &decider.ladder().activations()[0];
    assert_eq!(act.status, engine::ladder::ActivationStatus::Superseded);
    // The order reported done stays completed; the others are withdrawn.
    use engine::ladder::OrderState;
    assert_eq!(act.actions[0].status, OrderState::Completed);
    assert!(
        act.actions[1..]
            .iter()
            .all(|o| o.status == OrderState::Withdrawn)
    );
    // Withdrawn orders are never missed.
    decider.advance(t("2025-11-09T00:00:00Z")).unwrap();
    assert!(decider.ladder().deadlines_missed().is_empty());
}
