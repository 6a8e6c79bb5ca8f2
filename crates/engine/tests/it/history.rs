//! Without history (`keep_history: false`) the engine forgets what can no
//! longer change a decision. These tests hold it to that: every decision is
//! the one the engine with history makes, but for observations older than
//! the horizon, which are rejected as too old; what it still shows is what
//! the engine with history shows; and its memory stays flat over a long run.

use base::{Duration, Timestamp};
use engine::{Decision, Engine, EngineOptions};
use model::Input;

use crate::differential::{Step, generate};
use crate::{mix, run, t, ukraine};

const BOUNDED: EngineOptions = EngineOptions {
    keep_history: false,
};

/// ukraine-2025 with windows, late limits and slack of hours, so that a run
/// of a few days forgets most of what it saw.
fn short_windows() -> framework::Framework {
    let mut fw = ukraine();
    for t in &mut fw.triggers {
        t.window = t.window.map(|w| w.min(Duration::from_hours(3)));
        if let Some(acc) = &mut t.accumulate {
            acc.window = acc.window.min(Duration::from_hours(5));
        }
    }
    for c in &mut fw.source_classes {
        c.late_max = c.late_max.map(|l| l.min(Duration::from_hours(2)));
    }
    fw.fusion.time_slack = Duration::from_seconds(20 * 60);
    fw
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap()
}

fn too_old(d: &Decision) -> bool {
    matches!(d, Decision::Rejected { reason, .. } if reason.contains("too old to change any decision"))
}

/// Observations the engine without history refuses as too old at `at`.
fn is_too_old(input: &Input, at: Timestamp, horizon: Duration) -> bool {
    matches!(input, Input::Observation(o) if o.observed.from < at.minus(horizon))
}

/// Runs `steps` through both engines; the one with history never sees the
/// too-old observations. Returns how many incidents the one without
/// history forgot.
fn compare(fw: &framework::Framework, label: &str, steps: &[Step]) -> usize {
    let mut full = Engine::new(fw).unwrap();
    let mut bounded = Engine::with_options(fw, BOUNDED).unwrap();
    let horizon = bounded.horizon();
    for (k, step) in steps.iter().enumerate() {
        let (ours, theirs) = match step {
            Step::Submit(at, input) if matches!(input, Input::Retraction(_)) => {
                // Both refuse a retraction of an observation older than the
                // horizon — as too old, or, without history, perhaps as
                // unknown (forgotten); every other decision is the same.
                let mut ours = bounded.submit(*at, input).unwrap();
                let mut theirs = full.submit(*at, input).unwrap();
                // (A copy of a retraction accepted earlier is a duplicate
                // in both, and compared as it is.)
                if ours.last() != theirs.last() || ours.last().is_some_and(too_old) {
                    for made in [&ours, &theirs] {
                        assert!(
                            matches!(made.last(), Some(Decision::Rejected { .. })),
                            "{label} step {k}: {made:?}"
                        );
                    }
                    ours.pop();
                    theirs.pop();
                }
                (ours, theirs)
            }
            Step::Submit(at, input) if is_too_old(input, *at, horizon) => {
                let ours = bounded.submit(*at, input).unwrap();
                assert!(
                    ours.last().is_some_and(too_old),
                    "{label} step {k}: {ours:?}"
                );
                (ours, full.advance(*at).unwrap())
            }
            Step::Submit(at, input) => (
                bounded.submit(*at, input).unwrap(),
                full.submit(*at, input).unwrap(),
            ),
            Step::Batch(at, inputs) => {
                let kept: Vec<Input> = inputs
                    .iter()
                    .filter(|i| !is_too_old(i, *at, horizon))
                    .cloned()
                    .collect();
                let ours = bounded.submit_batch(*at, inputs).unwrap();
                assert_eq!(
                    ours.iter().filter(|d| too_old(d)).count(),
                    inputs.len() - kept.len()
                );
                (ours, full.submit_batch(*at, &kept).unwrap())
            }
            Step::Advance(at) => (bounded.advance(*at).unwrap(), full.advance(*at).unwrap()),
        };
        let ours: Vec<Decision> = ours.into_iter().filter(|d| !too_old(d)).collect();
        assert_eq!(
            json(&ours),
            json(&theirs),
            "{label}: decisions differ at step {k}: {step:?}"
        );
        if k % 5 == 0 || k + 2 == steps.len() {
            same_views(&full, &bounded, &format!("{label} step {k}"));
        }
    }
    same_views(&full, &bounded, label);
    full.incidents().len() - bounded.incidents().len()
}

/// What the engine without history still shows, it shows alike.
fn same_views(full: &Engine, bounded: &Engine, label: &str) {
    let all = full.incidents();
    for i in &bounded.incidents() {
        let same = all.iter().find(|x| x.id == i.id).unwrap();
        assert_eq!(json(i), json(same), "{label}");
    }
    let all = full.breaches();
    for b in &bounded.breaches() {
        let same = all.iter().find(|x| x.id == b.id).unwrap();
        assert_eq!(json(b), json(same), "{label}");
    }
}

#[test]
fn forgetting_changes_no_decision() {
    let fw = short_windows();
    let mut forgotten = 0;
    for seed in 0..120 {
        let steps = generate(seed, 60 + (seed as usize % 4) * 40);
        forgotten += compare(&fw, &format!("seed {seed}"), &steps);
    }
    assert!(
        forgotten > 1000,
        "the runs forgot only {forgotten} incidents"
    );
}

#[test]
fn forgetting_the_benchmark_mix_changes_no_decision() {
    let steps: Vec<Step> = mix::mix(20)
        .into_iter()
        .map(|l| Step::Submit(l.recorded, model::decode_line(&l.json, 1).unwrap()))
        .collect();
    let forgotten = compare(&short_windows(), "mix", &steps);
    assert!(forgotten > 100, "{forgotten}");
}

fn salvo(message: &str, observed: &str) -> String {
    format!(
        r#"{{"v":1,"type":"observation","id":{{"party":"us","source":"isr","message":"{message}"}},"class":"allied-isr","observed":{{"from":"{observed}"}},"kind":"missile_launch","counts":{{"launched":40}},"confidence_bp":9000,"place":{{"point":{{"lon_e7":305234000,"lat_e7":504501000}}}}}}"#
    )
}

#[test]
fn without_history_an_input_older_than_the_horizon_is_too_old() {
    let fw = ukraine();
    let mut e = Engine::with_options(&fw, BOUNDED).unwrap();
    assert_eq!(e.horizon(), Duration::from_days(30));
    let a = salvo("1", "2025-11-01T02:00:00Z");
    let d = run(&mut e, &[("2025-11-01T02:30:00Z", &a)]);
    assert!(matches!(d[0], Decision::Accepted { .. }), "{d:#?}");
    // Within the horizon, the same input again is a duplicate.
    let d = run(&mut e, &[("2025-11-20T00:00:00Z", &a)]);
    assert!(matches!(d[0], Decision::Duplicate { .. }), "{d:#?}");
    // Past it, the same input is too old to change anything…
    let d = run(&mut e, &[("2025-12-02T00:00:00Z", &a)]);
    assert!(
        matches!(&d[0], Decision::Rejected { reason, .. } if reason.contains("too old to change any decision") && reason.contains("30d")),
        "{d:#?}"
    );
    // …and so is a new one observed that long ago.
    let b = salvo("2", "2025-11-01T02:05:00Z");
    let d = run(&mut e, &[("2025-12-02T00:01:00Z", &b)]);
    assert!(too_old(&d[0]), "{d:#?}");
    // With history, both are answered as ever.
    let mut full = Engine::new(&fw).unwrap();
    run(&mut full, &[("2025-11-01T02:30:00Z", &a)]);
    let d = run(
        &mut full,
        &[("2025-12-02T00:00:00Z", &a), ("2025-12-02T00:01:00Z", &b)],
    );
    assert!(matches!(d[0], Decision::Duplicate { .. }), "{d:#?}");
    assert!(matches!(d[1], Decision::Accepted { .. }), "{d:#?}");
}

#[test]
fn without_history_memory_is_bounded_by_the_windows_not_by_history() {
    let fw = ukraine();
    let held = |days: i64, options: EngineOptions| {
        let mut e = Engine::with_options(&fw, options).unwrap();
        for l in mix::mix(days) {
            e.submit(l.recorded, &model::decode_line(&l.json, 1).unwrap())
                .unwrap();
        }
        e.retained()
    };
    let (short, long) = (held(60, BOUNDED), held(600, BOUNDED));
    // About the last 60 days (30 of horizon, 30 of the longest window) stay.
    assert!(
        long.incidents <= short.incidents + short.incidents / 5,
        "60 days: {short:?}; 600 days: {long:?}"
    );
    assert!(long.observations <= short.observations + short.observations / 5);
    assert!(long.identities <= short.identities + short.identities / 5);
    assert!(long.breaches <= short.breaches + short.breaches / 5);
    // With history, everything stays.
    let (short, long) = (
        held(60, EngineOptions::default()),
        held(600, EngineOptions::default()),
    );
    assert!(long.incidents >= 9 * short.incidents, "{short:?} {long:?}");
}

#[test]
fn without_history_a_breach_under_review_keeps_its_incidents() {
    let fw = short_windows();
    let mut e = Engine::with_options(&fw, BOUNDED).unwrap();
    let obs = |party: &str, class: &str, message: &str| {
        format!(
            r#"{{"v":1,"type":"observation","id":{{"party":"{party}","source":"s","message":"{message}"}},"class":"{class}","observed":{{"from":"2025-11-01T02:00:00Z"}},"kind":"missile_launch","counts":{{"launched":40}},"confidence_bp":9500,"place":{{"point":{{"lon_e7":305234000,"lat_e7":504501000}}}}}}"#
        )
    };
    let (a, b) = (
        obs("us", "allied-isr", "1"),
        obs("technical-cell", "technical-cell", "1"),
    );
    let d = run(
        &mut e,
        &[("2025-11-01T02:10:00Z", &a), ("2025-11-01T02:20:00Z", &b)],
    );
    assert!(
        d.iter().any(|x| matches!(x, Decision::ReviewOpened { .. })),
        "{d:#?}"
    );
    // The review clock (12h) outlasts the horizon (5h) and its reach: the
    // incident stays until the clock runs out, then goes.
    e.advance(t("2025-11-01T14:00:00Z")).unwrap();
    assert_eq!(e.retained().incidents, 1);
    let d = e.advance(t("2025-11-01T14:20:01Z")).unwrap();
    assert!(
        d.iter().any(|x| matches!(x, Decision::Certified { .. })),
        "{d:#?}"
    );
    e.advance(t("2025-11-01T14:30:00Z")).unwrap();
    assert_eq!(e.retained().incidents, 0);
    assert_eq!(e.retained().breaches, 0);
    // A review of the forgotten breach is answered as before: not under review.
    let review = r#"{"v":1,"type":"review","id":{"party":"technical-cell","source":"desk","message":"r1"},"breach":"B1","finding":"certify"}"#;
    let d = run(&mut e, &[("2025-11-01T15:00:00Z", review)]);
    assert!(
        matches!(&d[0], Decision::Rejected { reason, .. } if reason == "breach `B1` is not under review"),
        "{d:#?}"
    );
}
