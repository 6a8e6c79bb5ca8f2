//! Amendments (DESIGN "Votes and the ladder"): a breach binds to the
//! framework version in force when its threshold was crossed; an amendment
//! takes effect only once recorded. Version 1.0 is the ukraine-2025 example;
//! version 1.1 (`examples/ukraine-2025/amendments/framework-v2.toml`) lowers
//! `trg-missile-salvo`'s threshold from 3 to 2 and makes `a1-intel` due 3h
//! after `t1-rails` fires instead of 6h.

use std::path::Path;

use engine::{Decider, Decision, Engine, EngineError, EngineOptions, Step};
use framework::Framework;

use crate::{Dir, run, t, ukraine};

fn example_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/ukraine-2025")
}

/// A framework from text, with referenced files beside the example; no errors.
fn load(text: &str, dir: &Path) -> Framework {
    let (fw, diags) = framework::load_and_check("framework.toml", text, &Dir(dir.to_path_buf()));
    assert!(
        diags.iter().all(|d| d.severity != base::Severity::Error),
        "{diags:?}"
    );
    fw
}

/// Version 1.1 of the example.
pub(crate) fn v11() -> Framework {
    let dir = example_dir().join("amendments");
    load(
        &std::fs::read_to_string(dir.join("framework-v2.toml")).unwrap(),
        &dir,
    )
}

/// Version 1.0 of the example with `edit` applied, as version `version`.
fn variant(version: &str, edit: impl Fn(String) -> String) -> Framework {
    let text = std::fs::read_to_string(example_dir().join("framework.toml")).unwrap();
    let text = text.replacen("version = \"1.0\"", &format!("version = \"{version}\""), 1);
    load(&edit(text), &example_dir())
}

fn engine(amendments: &[&Framework]) -> Engine {
    Engine::with_versions(&ukraine(), amendments, EngineOptions::default()).unwrap()
}

/// `n` ballistic missiles over Kharkiv, reported by `party` with `class`.
pub(crate) fn salvo(party: &str, class: &str, msg: &str, from: &str, to: &str, n: u32) -> String {
    format!(
        r#"{{"v":1,"type":"observation","id":{{"party":"{party}","source":"s","message":"{msg}"}},"class":"{class}","observed":{{"from":"{from}","to":"{to}"}},"kind":"missile_launch","weapon":"iskander-m","place":{{"zone":"kharkiv-oblast"}},"counts":{{"launched":{n}}},"confidence_bp":9000}}"#
    )
}

pub(crate) fn amendment(party: &str, msg: &str, version: &str, hash: &str) -> String {
    format!(
        r#"{{"v":1,"type":"amendment","id":{{"party":"{party}","source":"secretariat","message":"{msg}"}},"version":"{version}","framework_hash":"{hash}"}}"#
    )
}

fn opened(decisions: &[Decision]) -> Vec<String> {
    decisions
        .iter()
        .filter_map(|d| match d {
            Decision::BreachOpened { breach, .. } => Some(breach.clone()),
            _ => None,
        })
        .collect()
}

fn rejection(decisions: &[Decision]) -> Option<String> {
    decisions.iter().find_map(|d| match d {
        Decision::Rejected { reason, .. } => Some(reason.clone()),
        _ => None,
    })
}

#[test]
fn a_salvo_below_the_old_threshold_breaches_only_after_the_amendment() {
    let v11 = v11();
    let hash = v11.hash_hex();
    let before = salvo(
        "ukraine",
        "radar",
        "a",
        "2026-03-02T03:00:00Z",
        "2026-03-02T03:04:00Z",
        2,
    );
    let after = salvo(
        "ukraine",
        "radar",
        "c",
        "2026-03-04T03:00:00Z",
        "2026-03-04T03:04:00Z",
        2,
    );
    let amend = amendment("uk", "amd", "1.1", &hash);

    // Without the amendment: 2 < 3, twice, two days apart: nothing.
    let mut e = engine(&[&v11]);
    let d = run(
        &mut e,
        &[
            ("2026-03-02T03:10:00Z", &before),
            ("2026-03-04T03:10:00Z", &after),
        ],
    );
    assert!(opened(&d).is_empty(), "{d:#?}");

    // With it, recorded in between: the first salvo still opens nothing (the
    // amendment itself judges nothing); the second crosses 1.1's threshold.
    let mut e = engine(&[&v11]);
    let d = run(
        &mut e,
        &[
            ("2026-03-02T03:10:00Z", &before),
            ("2026-03-03T00:00:00Z", &amend),
        ],
    );
    assert!(opened(&d).is_empty(), "{d:#?}");
    assert!(
        d.iter().any(
            |x| matches!(x, Decision::Amended { version, framework_hash, .. }
            if version == "1.1" && *framework_hash == hash)
        ),
        "{d:#?}"
    );
    assert_eq!(e.version_in_force(), ("1.1", hash.as_str()));
    let d = run(&mut e, &[("2026-03-04T03:10:00Z", &after)]);
    assert_eq!(opened(&d), ["B1"], "{d:#?}");
    let b = e.breach("B1").unwrap();
    assert_eq!(
        (b.framework_version.as_str(), b.framework_hash.as_str()),
        ("1.1", hash.as_str())
    );
    assert!(
        b.explanation
            .contains("threshold of 2, under framework version 1.1"),
        "{}",
        b.explanation
    );
}

#[test]
fn a_breach_opened_before_the_amendment_stays_bound_to_its_version() {
    let v11 = v11();
    let mut e = engine(&[&v11]);
    let a = salvo(
        "ukraine",
        "radar",
        "a",
        "2026-03-02T03:00:00Z",
        "2026-03-02T03:04:00Z",
        3,
    );
    let d = run(&mut e, &[("2026-03-02T03:10:00Z", &a)]);
    assert_eq!(opened(&d), ["B1"]);
    run(
        &mut e,
        &[(
            "2026-03-02T04:00:00Z",
            &amendment("uk", "amd", "1.1", &v11.hash_hex()),
        )],
    );
    // Evidence joining after the amendment refreshes B1; it opens no second
    // breach of the same trigger, and B1 keeps version 1.0.
    let b = salvo(
        "us",
        "allied-isr",
        "b",
        "2026-03-02T03:00:00Z",
        "2026-03-02T03:04:00Z",
        4,
    );
    let d = run(&mut e, &[("2026-03-02T04:10:00Z", &b)]);
    assert!(opened(&d).is_empty(), "{d:#?}");
    let breaches = e.breaches();
    assert_eq!(breaches.len(), 1);
    assert_eq!(breaches[0].framework_version, "1.0");
    assert_eq!(breaches[0].count.high, 4, "{:#?}", breaches[0]);
    assert!(
        breaches[0]
            .explanation
            .contains("threshold of 3, under framework version 1.0"),
        "{}",
        breaches[0].explanation
    );
}

#[test]
fn evidence_joining_after_the_amendment_is_judged_by_the_new_threshold() {
    // Two missiles reported before the amendment (below 3), corroborated
    // after it: the incident changes under 1.1, whose threshold 2 it meets.
    let v11 = v11();
    let mut e = engine(&[&v11]);
    let d = run(
        &mut e,
        &[
            (
                "2026-03-02T03:10:00Z",
                &salvo(
                    "ukraine",
                    "radar",
                    "a",
                    "2026-03-02T03:00:00Z",
                    "2026-03-02T03:04:00Z",
                    2,
                ),
            ),
            (
                "2026-03-02T04:00:00Z",
                &amendment("uk", "amd", "1.1", &v11.hash_hex()),
            ),
        ],
    );
    assert!(opened(&d).is_empty(), "{d:#?}");
    let d = run(
        &mut e,
        &[(
            "2026-03-02T04:10:00Z",
            &salvo(
                "us",
                "allied-isr",
                "b",
                "2026-03-02T03:00:00Z",
                "2026-03-02T03:04:00Z",
                2,
            ),
        )],
    );
    assert_eq!(opened(&d), ["B1"], "{d:#?}");
    assert_eq!(e.breach("B1").unwrap().framework_version, "1.1");
}

#[test]
fn amendments_that_cannot_be_recorded_are_rejected_and_change_nothing() {
    let v11 = v11();
    let hash = v11.hash_hex();
    let mut e = engine(&[&v11]);
    let cases = [
        (
            amendment("russia", "1", "1.1", &hash),
            "may not record an amendment",
        ),
        (
            amendment("technical-cell", "2", "1.1", &hash),
            "may not record an amendment",
        ),
        (
            amendment("uk", "3", "1.1", &"0".repeat(64)),
            "no framework version with hash",
        ),
        (
            amendment("uk", "4", "2.0", &hash),
            "but the framework with hash",
        ),
        (
            amendment("uk", "5", "1.0", &ukraine().hash_hex()),
            "already in force",
        ),
        (amendment("nobody", "6", "1.1", &hash), "not a party"),
    ];
    for (k, (line, why)) in cases.iter().enumerate() {
        let at = format!("2026-03-02T03:{:02}:00Z", k + 1);
        let d = run(&mut e, &[(&at, line)]);
        let reason = rejection(&d).unwrap_or_else(|| panic!("{line}: {d:#?}"));
        assert!(reason.contains(why), "{line}: {reason}");
        assert!(!d.iter().any(|x| matches!(x, Decision::Amended { .. })));
        assert_eq!(e.version_in_force().0, "1.0");
    }
    // Still 1.0: two missiles open nothing.
    let d = run(
        &mut e,
        &[(
            "2026-03-02T04:10:00Z",
            &salvo(
                "ukraine",
                "radar",
                "a",
                "2026-03-02T04:00:00Z",
                "2026-03-02T04:04:00Z",
                2,
            ),
        )],
    );
    assert!(opened(&d).is_empty(), "{d:#?}");
    // A rejected amendment's identity is free: sent right, it is recorded.
    let d = run(
        &mut e,
        &[("2026-03-02T04:20:00Z", &amendment("uk", "3", "1.1", &hash))],
    );
    assert!(rejection(&d).is_none(), "{d:#?}");
    assert_eq!(e.version_in_force().0, "1.1");
}

#[test]
fn a_version_must_amend_the_version_in_force_when_it_says_which() {
    let v11 = v11();
    // 1.2 supersedes 1.1: it cannot be recorded while 1.0 is in force.
    let v12 = variant("1.2", |t| {
        t.replacen("adopted = \"2025-12-20\"", "supersedes = \"1.1\"", 1)
    });
    let mut e = engine(&[&v11, &v12]);
    let d = run(
        &mut e,
        &[(
            "2026-03-02T03:00:00Z",
            &amendment("uk", "1", "1.2", &v12.hash_hex()),
        )],
    );
    let reason = rejection(&d).unwrap();
    assert!(
        reason.contains("supersedes version 1.1, but version 1.0 is in force"),
        "{reason}"
    );
    let d = run(
        &mut e,
        &[
            (
                "2026-03-02T03:10:00Z",
                &amendment("uk", "2", "1.1", &v11.hash_hex()),
            ),
            (
                "2026-03-02T03:20:00Z",
                &amendment("uk", "3", "1.2", &v12.hash_hex()),
            ),
        ],
    );
    assert!(rejection(&d).is_none(), "{d:#?}");
    assert_eq!(e.version_in_force().0, "1.2");
}

#[test]
fn versions_that_name_other_parties_zones_or_items_are_refused_up_front() {
    let extra_party = variant("1.1", |t| {
        t.replacen(
            "[[party]]\nid = \"eu\"",
            "[[party]]\nid = \"canada\"\nname = \"Canada\"\nroles = [\"guarantor\"]\n\n[[party]]\nid = \"eu\"",
            1,
        )
    });
    match Engine::with_versions(&ukraine(), &[&extra_party], EngineOptions::default()) {
        Err(EngineError::Framework(problems)) => assert!(
            problems
                .iter()
                .any(|p| p.contains("it changes the parties (added: `canada`; removed: none)")),
            "{problems:?}"
        ),
        other => panic!("{other:?}"),
    }
    let same_version = variant("1.0", |t| t.replacen("threshold = 3", "threshold = 2", 1));
    match Engine::with_versions(&ukraine(), &[&same_version], EngineOptions::default()) {
        Err(EngineError::Framework(problems)) => assert!(
            problems
                .iter()
                .any(|p| p.contains("each version needs its own")),
            "{problems:?}"
        ),
        other => panic!("{other:?}"),
    }
    let fewer_items = variant("1.1", |t| {
        let start = t.find("[[relief.item]]\nid = \"rel-prisoners\"").unwrap();
        let end = start + t[start..].find("# Measures imposed").unwrap();
        format!("{}{}", &t[..start], &t[end..]).replacen("\"rel-prisoners\", ", "", 1)
    });
    match Decider::with_versions(&ukraine(), &[&fewer_items]) {
        Err(EngineError::Framework(problems)) => assert!(
            problems
                .iter()
                .any(|p| p.contains("relief checklist has other items")),
            "{problems:?}"
        ),
        other => panic!("{other:?}"),
    }
}

/// The due time of order `order` on the ladder.
fn due(d: &Decider, order: &str) -> base::Timestamp {
    d.ladder()
        .activations()
        .iter()
        .flat_map(|a| a.actions.iter())
        .find(|o| o.order == order)
        .and_then(|o| o.due)
        .unwrap_or_else(|| panic!("no order {order}"))
}

fn submit(d: &mut Decider, at: &str, line: &str) -> Vec<Step> {
    let input = model::decode_line(line, 1).unwrap();
    d.submit(t(at), &input).unwrap()
}

#[test]
fn a_breach_bound_to_the_old_version_keeps_its_tier_clock() {
    let v11 = v11();
    let mut d = Decider::with_versions(&ukraine(), &[&v11]).unwrap();
    // B1: three missiles, three parties (one neutral), opened under 1.0.
    let from = "2026-03-02T03:00:00Z";
    let to = "2026-03-02T03:04:00Z";
    submit(
        &mut d,
        "2026-03-02T03:10:00Z",
        &salvo("ukraine", "radar", "a1", from, to, 3),
    );
    submit(
        &mut d,
        "2026-03-02T03:20:00Z",
        &salvo("us", "allied-isr", "a2", from, to, 3),
    );
    submit(
        &mut d,
        "2026-03-02T03:30:00Z",
        &salvo("technical-cell", "technical-cell", "a3", from, to, 3),
    );
    submit(
        &mut d,
        "2026-03-02T04:00:00Z",
        &amendment("uk", "amd", "1.1", &v11.hash_hex()),
    );
    // Certified after the amendment, by the review.
    let review = r#"{"v":1,"type":"review","id":{"party":"technical-cell","source":"desk","message":"r1"},"breach":"B1","finding":"certify"}"#;
    let steps = submit(&mut d, "2026-03-02T05:00:00Z", review);
    assert!(
        steps.iter().any(
            |s| matches!(s, Step::Engine(Decision::Certified { breach, .. }) if breach == "B1")
        ),
        "{steps:#?}"
    );
    // 1.0's a1-intel is due 6h after firing, not 1.1's 3h.
    assert_eq!(due(&d, "B1/t1-rails/a1-intel"), t("2026-03-02T11:00:00Z"));
    // The ladder's explanations name the version the breach binds to.
    let fired = d
        .ladder()
        .activations()
        .into_iter()
        .find(|a| a.breach == "B1")
        .unwrap();
    assert!(
        steps.iter().any(|s| matches!(s, Step::Ladder(engine::ladder::LadderEvent::TierEntered { explanation, .. })
            if explanation.contains("version 1.0"))),
        "{fired:#?}"
    );

    // B2, two days later, two missiles: opened and certified under 1.1.
    let from = "2026-03-04T03:00:00Z";
    let to = "2026-03-04T03:04:00Z";
    submit(
        &mut d,
        "2026-03-04T03:10:00Z",
        &salvo("ukraine", "radar", "c1", from, to, 2),
    );
    submit(
        &mut d,
        "2026-03-04T03:20:00Z",
        &salvo("us", "allied-isr", "c2", from, to, 2),
    );
    submit(
        &mut d,
        "2026-03-04T03:30:00Z",
        &salvo("technical-cell", "technical-cell", "c3", from, to, 2),
    );
    let review = r#"{"v":1,"type":"review","id":{"party":"technical-cell","source":"desk","message":"r2"},"breach":"B2","finding":"certify"}"#;
    submit(&mut d, "2026-03-04T05:00:00Z", review);
    assert_eq!(d.engine().breach("B2").unwrap().framework_version, "1.1");
    assert_eq!(due(&d, "B2/t1-rails/a1-intel"), t("2026-03-04T08:00:00Z"));
}

fn attestation(party: &str, class: &str, msg: &str) -> String {
    format!(
        r#"{{"v":1,"type":"attestation","id":{{"party":"{party}","source":"s","message":"{msg}"}},"item":"rel-pullback","class":"{class}","complies":true,"observed":{{"from":"2026-02-01T00:00:00Z","to":"2026-03-01T00:00:00Z"}},"confidence_bp":9000}}"#
    )
}

fn ladder_explanations(steps: &[Step]) -> Vec<String> {
    steps
        .iter()
        .filter_map(|s| match s {
            Step::Ladder(e) => serde_json::to_value(e).ok().and_then(|v| {
                v.get("explanation")
                    .and_then(|x| x.as_str().map(String::from))
            }),
            _ => None,
        })
        .collect()
}

#[test]
fn the_decider_hands_attestations_and_amendments_to_the_ladder() {
    let v11 = v11();
    let mut d = Decider::with_versions(&ukraine(), &[&v11]).unwrap();
    let steps = submit(
        &mut d,
        "2026-03-01T01:00:00Z",
        &attestation("monitoring-mission", "ground-monitors", "m1"),
    );
    let said = ladder_explanations(&steps);
    assert!(said.iter().any(|e| e.contains("version 1.0")), "{steps:#?}");
    submit(
        &mut d,
        "2026-03-01T02:00:00Z",
        &amendment("uk", "amd", "1.1", &v11.hash_hex()),
    );
    // The ladder judges relief by the version in force: it says which.
    let steps = submit(
        &mut d,
        "2026-03-01T03:00:00Z",
        &attestation("technical-cell", "technical-cell", "m2"),
    );
    let said = ladder_explanations(&steps);
    assert!(said.iter().any(|e| e.contains("version 1.1")), "{steps:#?}");
}

#[test]
fn a_trigger_that_compares_the_high_end_hands_the_ladder_the_high_count() {
    let high = variant("1.0", |text| {
        // The salvo trigger is the first to declare its end (after a comment).
        text.replacen("\nrange_end = \"low\"", "\nrange_end = \"high\"", 1)
    });
    let mut d = Decider::new(&high).unwrap();
    let from = "2026-03-02T03:00:00Z";
    let to = "2026-03-02T03:04:00Z";
    // One salvo over one area, reported as 4 and as 7: the range is 4–7.
    submit(
        &mut d,
        "2026-03-02T03:10:00Z",
        &salvo("ukraine", "radar", "h1", from, to, 4),
    );
    submit(
        &mut d,
        "2026-03-02T03:20:00Z",
        &salvo("us", "allied-isr", "h2", from, to, 7),
    );
    submit(
        &mut d,
        "2026-03-02T03:30:00Z",
        &salvo("technical-cell", "technical-cell", "h3", from, to, 7),
    );
    let review = r#"{"v":1,"type":"review","id":{"party":"technical-cell","source":"desk","message":"r1"},"breach":"B1","finding":"certify"}"#;
    let steps = submit(&mut d, "2026-03-02T05:00:00Z", review);
    let said = ladder_explanations(&steps);
    assert!(said.iter().any(|e| e.contains("(count 7,")), "{said:#?}");
}
