//! Recorded downtime of the sequencer through the Decider: an outage takes
//! effect before time moves to the moment it is recorded, alone or in a
//! batch, so a sign-off clock whose deadline fell inside it is not judged
//! there.

use engine::{Decider, Decision, Step};
use model::Input;

use crate::{t, ukraine};

fn line(text: &str) -> Input {
    model::decode_line(text, 1).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// A contested strike in sign-off: t4-secondary entered at 2025-11-01T03:00Z,
/// deadline 2025-11-04T03:00Z; us and uk have voted for.
fn in_sign_off() -> Decider {
    let mut d = Decider::new(&ukraine()).unwrap();
    let inputs = [
        (
            "2025-11-01T00:10:00Z",
            r#"{"v":1,"type":"observation","id":{"party":"ukraine","source":"radar-1","message":"o1"},"class":"radar","observed":{"from":"2025-11-01T00:00:00Z","to":"2025-11-01T00:05:00Z"},"place":{"zone":"kharkiv-oblast"},"kind":"missile_launch","counts":{"launched":4},"confidence_bp":9000}"#,
        ),
        (
            "2025-11-01T00:40:00Z",
            r#"{"v":1,"type":"observation","id":{"party":"technical-cell","source":"tc-1","message":"o2"},"class":"technical-cell","observed":{"from":"2025-11-01T00:00:00Z","to":"2025-11-01T00:05:00Z"},"place":{"zone":"kharkiv-oblast"},"kind":"missile_launch","counts":{"launched":4},"confidence_bp":9000}"#,
        ),
        (
            "2025-11-01T03:00:00Z",
            r#"{"v":1,"type":"review","id":{"party":"technical-cell","source":"desk","message":"rv"},"breach":"B1","finding":"contest"}"#,
        ),
        (
            "2025-11-01T20:00:00Z",
            r#"{"v":1,"type":"vote","id":{"party":"us","source":"desk","message":"v"},"breach":"B1","tier":"t4-secondary","choice":"for"}"#,
        ),
    ];
    for (at, text) in inputs {
        d.submit(t(at), &line(text)).unwrap();
    }
    let act = d.ladder().activations();
    assert_eq!(act[0].tier, "t4-secondary");
    assert_eq!(act[0].deadline, Some(t("2025-11-04T03:00:00Z")));
    d
}

/// Down 2025-11-03T22:00Z–2025-11-04T04:00Z, recorded on restart: after
/// the original deadline, which fell inside it.
const OUTAGE: &str = r#"{"v":1,"type":"outage","id":{"party":"coalition","source":"sequencer","message":"out-1"},"from":"2025-11-03T22:00:00Z","until":"2025-11-04T04:00:00Z"}"#;

fn names(steps: &[Step]) -> Vec<String> {
    steps
        .iter()
        .map(|s| {
            serde_json::to_value(s).unwrap()["decision"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn an_outage_submitted_alone_extends_the_clock_before_time_moves() {
    let mut d = in_sign_off();
    let steps = d.submit(t("2025-11-04T04:00:00Z"), &line(OUTAGE)).unwrap();
    assert_eq!(names(&steps), ["accepted", "clock_extended"]);
    // 6 hours after the clock's start: the deadline moves from 03:00 to 09:00.
    let act = &d.ladder().activations()[0];
    assert_eq!(act.deadline, Some(t("2025-11-04T09:00:00Z")));
    assert_eq!(act.status, engine::ladder::ActivationStatus::AwaitingVotes);
    // Without the outage, the clock would have escalated at 03:00.
    let mut control = in_sign_off();
    let steps = control.advance(t("2025-11-04T04:00:00Z")).unwrap();
    assert!(
        names(&steps).contains(&"escalated".to_string()),
        "{steps:#?}"
    );
}

#[test]
fn an_outage_in_a_batch_comes_first_whatever_the_order() {
    let vote = line(
        r#"{"v":1,"type":"vote","id":{"party":"uk","source":"desk","message":"v"},"breach":"B1","tier":"t4-secondary","choice":"for"}"#,
    );
    let at = t("2025-11-04T04:00:00Z");
    let mut one = in_sign_off();
    let a = one.submit_batch(at, &[vote.clone(), line(OUTAGE)]).unwrap();
    let mut two = in_sign_off();
    let b = two.submit_batch(at, &[line(OUTAGE), vote.clone()]).unwrap();
    let mut three = in_sign_off();
    let mut c = three.submit(at, &line(OUTAGE)).unwrap();
    c.extend(three.submit(at, &vote).unwrap());
    let json = |s: &[Step]| serde_json::to_string(s).unwrap();
    assert_eq!(json(&a), json(&b));
    assert_eq!(json(&a), json(&c));
    // The vote, recorded after the original deadline, counts.
    assert!(names(&a).contains(&"vote_counted".to_string()), "{a:#?}");
    assert!(one.ladder().votes().iter().all(|v| v.counted));
}

#[test]
fn outages_refused_change_nothing() {
    let cases = [
        // The adversary may not stretch the clocks.
        (
            OUTAGE.replace(r#""party":"coalition""#, r#""party":"russia""#),
            "adversary",
        ),
        // Not a party.
        (
            OUTAGE.replace(r#""party":"coalition""#, r#""party":"nobody""#),
            "not a party",
        ),
        // Ends before it starts.
        (
            OUTAGE.replace("2025-11-04T04:00:00Z", "2025-11-03T21:00:00Z"),
            "`until`",
        ),
    ];
    for (text, want) in cases {
        let mut d = in_sign_off();
        let steps = d.submit(t("2025-11-04T04:00:00Z"), &line(&text)).unwrap();
        let reason = steps
            .iter()
            .find_map(|s| match s {
                Step::Engine(Decision::Rejected { reason, .. }) => Some(reason.clone()),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{steps:#?}"));
        assert!(reason.contains(want), "{reason}");
        // Time moved on as if the outage had never been sent.
        assert!(
            names(&steps).contains(&"escalated".to_string()),
            "{steps:#?}"
        );
    }
}
