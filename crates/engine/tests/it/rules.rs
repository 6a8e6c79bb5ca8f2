//! The DESIGN rules, one test each, on the ukraine-2025 framework.

use engine::{BreachStatus, Decision, Engine};

use crate::{run, t, ukraine};

fn obs(
    party: &str,
    source: &str,
    msg: &str,
    class: &str,
    kind: &str,
    at: &str,
    extra: &str,
) -> String {
    format!(
        r#"{{"v":1,"type":"observation","id":{{"party":"{party}","source":"{source}","message":"{msg}"}},"class":"{class}","observed":{{"from":"{at}"}},"kind":"{kind}","confidence_bp":9000{extra}}}"#
    )
}

const KYIV: &str = r#","place":{"point":{"lon_e7":305234000,"lat_e7":504501000}}"#;

#[test]
fn three_reports_of_one_salvo_are_one_incident_with_a_range() {
    let mut e = Engine::new(&ukraine()).unwrap();
    let a = obs(
        "ukraine",
        "gs",
        "1",
        "general-staff",
        "missile_launch",
        "2025-11-01T02:00:00Z",
        &format!(r#","counts":{{"launched":40}},"weapon":"kh-101"{KYIV}"#),
    );
    let b = obs(
        "us",
        "isr",
        "1",
        "allied-isr",
        "missile_launch",
        "2025-11-01T02:05:00Z",
        &format!(r#","counts":{{"launched":42}},"weapon":"cruise-missile"{KYIV}"#),
    );
    let c = obs(
        "technical-cell",
        "tc",
        "1",
        "technical-cell",
        "missile_launch",
        "2025-11-01T02:10:00Z",
        &format!(r#","counts":{{"launched":38}}{KYIV}"#),
    );
    let decisions = run(
        &mut e,
        &[
            ("2025-11-01T02:30:00Z", &a),
            ("2025-11-01T02:40:00Z", &b),
            ("2025-11-01T02:50:00Z", &c),
        ],
    );
    let incidents = e.incidents();
    assert_eq!(incidents.len(), 1, "{incidents:#?}");
    assert_eq!((incidents[0].count.low, incidents[0].count.high), (38, 42));
    assert_eq!(incidents[0].weapon.as_deref(), Some("kh-101"));
    let breaches = e.breaches();
    assert_eq!(breaches.len(), 1, "{decisions:#?}");
    assert_eq!(breaches[0].trigger, "trg-missile-salvo");
    assert_eq!(
        breaches[0].status,
        BreachStatus::UnderReview,
        "{:#?}",
        breaches[0]
    );
    // The review clock (12h, fire) certifies at its deadline.
    let later = e.advance(t("2025-11-01T15:00:00Z")).unwrap();
    assert!(
        later
            .iter()
            .any(|d| matches!(d, Decision::Certified { .. })),
        "{later:#?}"
    );
    let b = &e.breaches()[0];
    assert_eq!(b.status, BreachStatus::Certified);
    assert!(b.certified_at.is_some());
    // One breach by its id, as the list shows it.
    assert_eq!(e.breach("B1").as_ref(), Some(b));
    assert_eq!(e.breach("B2"), None);
    assert_eq!(e.breach("B01"), None);
}

#[test]
fn the_future_is_rejected_and_duplicates_absorbed() {
    let mut e = Engine::new(&ukraine()).unwrap();
    let future = obs(
        "ukraine",
        "gs",
        "9",
        "general-staff",
        "missile_launch",
        "2025-11-01T03:00:00Z",
        "",
    );
    let d = run(&mut e, &[("2025-11-01T02:00:00Z", &future)]);
    assert!(
        matches!(&d[0], Decision::Rejected { reason, .. } if reason.contains("claims the future")),
        "{d:#?}"
    );
    let ok = obs(
        "ukraine",
        "gs",
        "10",
        "general-staff",
        "missile_launch",
        "2025-11-01T01:00:00Z",
        "",
    );
    let d = run(
        &mut e,
        &[("2025-11-01T02:00:00Z", &ok), ("2025-11-01T02:01:00Z", &ok)],
    );
    assert!(
        d.iter().any(|x| matches!(x, Decision::Duplicate { .. })),
        "{d:#?}"
    );
    let changed = ok.replace("9000", "8000");
    let d = run(&mut e, &[("2025-11-01T02:02:00Z", &changed)]);
    assert!(
        matches!(&d[0], Decision::Rejected { reason, .. } if reason.contains("same identity")),
        "{d:#?}"
    );
}

#[test]
fn one_party_never_satisfies_independence() {
    let mut e = Engine::new(&ukraine()).unwrap();
    // Ukraine reports through two classes it operates: still one party.
    let a = obs(
        "ukraine",
        "gs",
        "1",
        "general-staff",
        "missile_launch",
        "2025-11-01T02:00:00Z",
        &format!(r#","counts":{{"launched":10}}{KYIV}"#),
    );
    let b = obs(
        "ukraine",
        "radar-7",
        "1",
        "radar",
        "missile_launch",
        "2025-11-01T02:01:00Z",
        &format!(r#","counts":{{"launched":10}}{KYIV}"#),
    );
    run(
        &mut e,
        &[("2025-11-01T02:30:00Z", &a), ("2025-11-01T02:31:00Z", &b)],
    );
    let breaches = e.breaches();
    assert_eq!(breaches.len(), 1);
    assert_eq!(breaches[0].status, BreachStatus::Open, "{:#?}", breaches[0]);
    assert!(
        breaches[0].explanation.contains("not certified yet"),
        "{}",
        breaches[0].explanation
    );
}

#[test]
fn a_re_report_joins_the_incident_of_what_it_re_reports() {
    let mut e = Engine::new(&ukraine()).unwrap();
    let launch = |msg: &str, at: &str, launched: u32, extra: &str| {
        obs(
            "ukraine",
            "gs",
            msg,
            "general-staff",
            "missile_launch",
            at,
            &format!(r#","counts":{{"launched":{launched}}}{KYIV}{extra}"#),
        )
    };
    // Two salvos 31 minutes apart (beyond the 30-minute slack), and a
    // report between them that fits both: it joins the later one.
    let a = launch("1", "2025-11-01T02:00:00Z", 35, "");
    let b = launch("2", "2025-11-01T02:31:00Z", 0, "");
    let c = launch("3", "2025-11-01T02:30:00Z", 34, "");
    run(
        &mut e,
        &[
            ("2025-11-01T02:01:00Z", &a),
            ("2025-11-01T02:32:00Z", &b),
            ("2025-11-01T02:33:00Z", &c),
        ],
    );
    let before: Vec<_> = e
        .incidents()
        .iter()
        .map(|i| (i.id.clone(), i.count))
        .collect();
    // A re-report of the first salvo fits both too, but it is the first.
    let again = launch(
        "1-again",
        "2025-11-01T02:00:00Z",
        35,
        r#","derived_from":[{"party":"ukraine","source":"gs","message":"1"}]"#,
    );
    let d = run(&mut e, &[("2025-11-01T02:40:00Z", &again)]);
    assert!(
        d.iter()
            .any(|x| matches!(x, Decision::IncidentJoined { incident, .. } if incident == "I1")),
        "{d:#?}"
    );
    let after: Vec<_> = e
        .incidents()
        .iter()
        .map(|i| (i.id.clone(), i.count))
        .collect();
    assert_eq!(before, after);
}

/// The adversary's word can neither contest nor shrink a breach: its
/// declarations join the incident as sources, nothing more.
#[test]
fn the_adversary_cannot_deny_a_breach_by_declaration() {
    let salvo = |with_declaration: &str| {
        let mut e = Engine::new(&ukraine()).unwrap();
        let denial = obs(
            "russia",
            "mod",
            "1",
            "adversary-declarations",
            "missile_launch",
            "2025-11-01T02:00:00Z",
            with_declaration,
        );
        let a = obs(
            "ukraine",
            "radar-7",
            "1",
            "radar",
            "missile_launch",
            "2025-11-01T02:00:00Z",
            &format!(r#","counts":{{"launched":6}}{KYIV}"#),
        );
        let b = obs(
            "technical-cell",
            "tc",
            "1",
            "technical-cell",
            "missile_launch",
            "2025-11-01T02:01:00Z",
            &format!(r#","counts":{{"launched":6}}{KYIV}"#),
        );
        run(
            &mut e,
            &[
                ("2025-11-01T02:10:00Z", &denial),
                ("2025-11-01T02:20:00Z", &a),
                ("2025-11-01T02:30:00Z", &b),
            ],
        );
        e.advance(t("2025-11-02T12:00:00Z")).unwrap();
        e
    };
    // "None launched": recorded first, it must not become the low end of the count.
    let e = salvo(&format!(r#","counts":{{"launched":0}}{KYIV}"#));
    let incidents = e.incidents();
    assert_eq!(incidents.len(), 1, "{incidents:#?}");
    assert_eq!((incidents[0].count.low, incidents[0].count.high), (6, 6));
    assert_eq!(
        incidents[0].sources.len(),
        3,
        "the declaration is kept as a source"
    );
    let b = e.breaches();
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].status, BreachStatus::Certified, "{:#?}", b[0]);
    // "Ukraine did it": an attribution by the adversary does not contest the facts.
    let e = salvo(&format!(
        r#","counts":{{"launched":6}},"attribution":{{"actor":"ukraine","confidence_bp":9000}}{KYIV}"#
    ));
    assert!(!e.incidents()[0].contested, "{:#?}", e.incidents()[0]);
    assert_eq!(e.breaches()[0].status, BreachStatus::Certified);
}

/// Reports chained every ten minutes for 60 hours fuse into one incident
/// longer than two 24-hour windows: it fits in no window, and judging it
/// must not trip over a window whose start comes after its end.
#[test]
fn an_incident_longer_than_two_windows_is_judged_without_fault() {
    let mut e = Engine::new(&ukraine()).unwrap();
    let start = t("2025-11-01T00:00:00Z");
    for k in 0..360i64 {
        let at = base::Timestamp::from_millis(start.millis() + k * 600_000);
        let line = obs(
            "ukraine",
            "radar",
            &k.to_string(),
            "radar",
            "missile_launch",
            &at.to_string(),
            &format!(r#","counts":{{"launched":1}}{KYIV}"#),
        );
        let input = model::decode_line(&line, 1).unwrap();
        e.submit(base::Timestamp::from_millis(at.millis() + 60_000), &input)
            .unwrap();
    }
    let incidents = e.incidents();
    assert_eq!(incidents.len(), 1, "{incidents:#?}");
}

#[test]
fn a_trigger_window_holds_the_free_incidents_of_the_window_ending_now() {
    let mut e = Engine::new(&ukraine()).unwrap();
    let salvo = |msg: &str, at: &str, launched: u32, lon: i64| {
        obs(
            "ukraine",
            "gs",
            msg,
            "general-staff",
            "missile_launch",
            at,
            &format!(
                r#","counts":{{"launched":{launched}}},"weapon":"kh-101","place":{{"point":{{"lon_e7":{lon},"lat_e7":504501000}}}}"#
            ),
        )
    };
    let window = |e: &Engine| {
        e.trigger_windows()
            .into_iter()
            .find(|w| w.trigger == "trg-missile-salvo")
            .unwrap()
    };
    // Before any input every window is empty; every trigger is listed.
    assert!(e.trigger_windows().iter().all(|w| w.count == 0));
    assert_eq!(e.trigger_windows().len(), ukraine().triggers.len());
    // Two launches far apart: two incidents, 1 + 1 of a threshold of 3.
    let a = salvo("1", "2025-11-01T02:00:00Z", 1, 305_234_000);
    let b = salvo("2", "2025-11-01T05:00:00Z", 1, 355_234_000);
    run(
        &mut e,
        &[("2025-11-01T02:10:00Z", &a), ("2025-11-01T05:10:00Z", &b)],
    );
    let w = window(&e);
    assert_eq!((w.count, w.threshold, w.window.as_str()), (2, 3, "24h"));
    assert_eq!(
        w.incidents,
        vec![("I1".to_string(), 1), ("I2".to_string(), 1)]
    );
    // The window slides: a day later the first has left it.
    e.advance(t("2025-11-02T03:00:00Z")).unwrap();
    let w = window(&e);
    assert_eq!(w.incidents, vec![("I2".to_string(), 1)]);
    // A salvo that crosses the threshold: its incidents belong to the
    // breach now, and leave the window.
    let c = salvo("3", "2025-11-02T03:30:00Z", 5, 305_234_000);
    run(&mut e, &[("2025-11-02T03:40:00Z", &c)]);
    assert_eq!(e.breaches().len(), 1);
    let w = window(&e);
    assert!(w.incidents.is_empty(), "{w:?}");
    assert_eq!(w.count, 0);
}
