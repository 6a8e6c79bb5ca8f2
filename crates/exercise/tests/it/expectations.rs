//! Expectations are judged correctly: each form on synthetic outcomes, met
//! and not met, without the engine.

use base::Timestamp;
use engine::{Breach, BreachStatus, CountRange, Decision, Incident, SourceRef};
use exercise::load::{Check, Expectation, IncidentRef};
use exercise::schema::Status;
use exercise::{Outcome, evaluate};
use model::InputId;

fn start() -> Timestamp {
    Timestamp::parse("2026-03-01T00:00:00Z").unwrap()
}

/// `T+…` from the scenario's start.
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

fn breach(
    id: &str,
    trigger: &str,
    opened: &str,
    certified: Option<&str>,
    status: BreachStatus,
) -> Breach {
    Breach {
        id: id.into(),
        trigger: trigger.into(),
        category: "missile".into(),
        opened_at: t(opened),
        certified_at: certified.map(t),
        status,
        review_deadline: None,
        incidents: vec!["I1".into()],
        count: CountRange { low: 6, high: 6 },
        accumulated: false,
        framework_version: "1.0".into(),
        framework_hash: "00".into(),
        explanation: String::new(),
    }
}

fn incident(
    n: &str,
    kind: &str,
    low: u64,
    high: u64,
    contested: bool,
    inputs: &[&str],
) -> Incident {
    Incident {
        id: n.into(),
        kind: kind.into(),
        weapon: None,
        from: t("T+00:00"),
        to: t("T+00:05"),
        zone: None,
        count: CountRange { low, high },
        sources: inputs
            .iter()
            .map(|i| SourceRef {
                input: id(i),
                party: id(i).party.to_string(),
                class: "radar".into(),
                confidence_bp: 9000,
                late: false,
            })
            .collect(),
        confidence_bp: 9000,
        contested,
        contest_reasons: Vec::new(),
    }
}

/// A salvo: opened T+00:05, under review at T+00:40, certified at T+12:40;
/// one rejected and one duplicate input.
struct World {
    decisions: Vec<Decision>,
    incidents: Vec<Incident>,
    breaches: Vec<Breach>,
}

fn world() -> World {
    let radar = id("ukraine/radar/r1");
    let decisions = vec![
        Decision::Accepted {
            at: t("T+00:05"),
            input: radar.clone(),
        },
        Decision::IncidentOpened {
            at: t("T+00:05"),
            incident: "I1".into(),
            input: radar.clone(),
        },
        Decision::BreachOpened {
            at: t("T+00:05"),
            breach: "B1".into(),
            trigger: "trg-missile-salvo".into(),
            explanation: String::new(),
        },
        Decision::Duplicate {
            at: t("T+00:06"),
            input: radar.clone(),
        },
        Decision::Rejected {
            at: t("T+00:07"),
            input: id("ukraine/radar/r2"),
            reason: "claims the Future: observed later".into(),
        },
        Decision::ReviewOpened {
            at: t("T+00:40"),
            breach: "B1".into(),
            deadline: t("T+12:40"),
        },
        Decision::Certified {
            at: t("T+12:40"),
            breach: "B1".into(),
            trigger: "trg-missile-salvo".into(),
            explanation: String::new(),
        },
    ];
    World {
        decisions,
        incidents: vec![
            incident(
                "I1",
                "missile_launch",
                38,
                42,
                false,
                &["ukraine/radar/r1", "us/isr/i1"],
            ),
            incident("I2", "sabotage", 1, 1, true, &["ukraine/gs/g1"]),
        ],
        breaches: vec![breach(
            "B1",
            "trg-missile-salvo",
            "T+00:05",
            Some("T+12:40"),
            BreachStatus::Certified,
        )],
    }
}

fn judge(check: Check) -> exercise::Evaluation {
    let w = world();
    let outcome = Outcome::engine_only(start(), &w.decisions, &w.incidents, &w.breaches);
    evaluate(
        &Expectation {
            id: "e".into(),
            note: "why".into(),
            check,
        },
        &outcome,
    )
}

fn breach_check(trigger: &str) -> Check {
    Check::Breach {
        trigger: trigger.into(),
        opened: None,
        opened_by: None,
        certified: None,
        certified_by: None,
        status: None,
        accumulated: None,
        version: None,
        as_of: None,
    }
}

fn with(check: Check, f: impl FnOnce(&mut Check)) -> Check {
    let mut check = check;
    f(&mut check);
    check
}

macro_rules! set {
    ($field:ident = $value:expr) => {
        |c: &mut Check| {
            if let Check::Breach { $field, .. } = c {
                *$field = $value;
            }
        }
    };
}

fn met(check: Check) -> bool {
    judge(check).met
}

#[test]
fn certified_by_is_met_at_or_after_the_certification_only() {
    let salvo = breach_check("trg-missile-salvo");
    assert!(met(with(
        salvo.clone(),
        set!(certified_by = Some(t("T+12:40")))
    )));
    assert!(met(with(
        salvo.clone(),
        set!(certified_by = Some(t("T+1d")))
    )));
    let late = judge(with(salvo.clone(), set!(certified_by = Some(t("T+12:00")))));
    assert!(!late.met);
    assert!(
        late.detail.contains("certified by T+12:00"),
        "{}",
        late.detail
    );
    assert!(
        late.detail.contains("certified at T+12:40"),
        "{}",
        late.detail
    );
    // Another trigger has no breach at all.
    let other = judge(with(
        breach_check("trg-artillery"),
        set!(certified_by = Some(t("T+1d"))),
    ));
    assert!(!other.met);
    assert!(
        other
            .detail
            .contains("no breach of `trg-artillery` was opened"),
        "{}",
        other.detail
    );
}

#[test]
fn opened_by_and_opened_false() {
    let salvo = breach_check("trg-missile-salvo");
    assert!(met(with(
        salvo.clone(),
        set!(opened_by = Some(t("T+00:05")))
    )));
    assert!(!met(with(
        salvo.clone(),
        set!(opened_by = Some(t("T+00:04")))
    )));
    assert!(!met(with(salvo.clone(), set!(opened = Some(false)))));
    assert!(met(with(
        breach_check("trg-artillery"),
        set!(opened = Some(false))
    )));
    assert!(met(with(salvo.clone(), set!(opened = Some(true)))));
    // As of a time before the breach opened, none was.
    let early = with(
        with(salvo, set!(opened = Some(false))),
        set!(as_of = Some(t("T+00:04"))),
    );
    assert!(met(early));
}

#[test]
fn certified_false_and_status() {
    let salvo = breach_check("trg-missile-salvo");
    // Certified at the end: `certified = false` fails, `status = certified` holds.
    assert!(!met(with(salvo.clone(), set!(certified = Some(false)))));
    assert!(met(with(
        salvo.clone(),
        set!(status = Some(Status::Certified))
    )));
    assert!(!met(with(
        salvo.clone(),
        set!(status = Some(Status::Escalated))
    )));
    // As of T+01:00 it was under review, not certified.
    let at_one = |c: Check| with(c, set!(as_of = Some(t("T+01:00"))));
    assert!(met(at_one(with(
        salvo.clone(),
        set!(certified = Some(false))
    ))));
    assert!(met(at_one(with(
        salvo.clone(),
        set!(status = Some(Status::UnderReview))
    ))));
    assert!(!met(at_one(with(
        salvo.clone(),
        set!(status = Some(Status::Open))
    ))));
    // As of T+00:10 it was open.
    let open = with(
        with(
            with(salvo.clone(), set!(certified = Some(false))),
            set!(status = Some(Status::Open)),
        ),
        set!(as_of = Some(t("T+00:10"))),
    );
    let judged = judge(open);
    assert!(judged.met, "{}", judged.detail);
    assert!(judged.detail.contains("as of T+00:10"), "{}", judged.detail);
    // `certified = false` with a status needs a breach to have it.
    let none = with(
        with(breach_check("trg-artillery"), set!(certified = Some(false))),
        set!(status = Some(Status::Escalated)),
    );
    assert!(!met(none));
    // No breach at all: `certified = false` alone holds.
    assert!(met(with(
        breach_check("trg-artillery"),
        set!(certified = Some(false))
    )));
}

#[test]
fn accumulated_flag() {
    let salvo = breach_check("trg-missile-salvo");
    assert!(met(with(salvo.clone(), set!(accumulated = Some(false)))));
    assert!(!met(with(salvo, set!(accumulated = Some(true)))));
}

#[test]
fn counts_of_breaches_and_incidents() {
    assert!(met(Check::Breaches {
        trigger: Some("trg-missile-salvo".into()),
        count: 1
    }));
    assert!(!met(Check::Breaches {
        trigger: Some("trg-missile-salvo".into()),
        count: 2
    }));
    assert!(met(Check::Breaches {
        trigger: None,
        count: 1
    }));
    assert!(met(Check::Breaches {
        trigger: Some("trg-artillery".into()),
        count: 0
    }));
    assert!(met(Check::Incidents {
        kind: None,
        count: 2
    }));
    assert!(met(Check::Incidents {
        kind: Some("missile_launch".into()),
        count: 1
    }));
    let wrong = judge(Check::Incidents {
        kind: Some("missile_launch".into()),
        count: 3,
    });
    assert!(!wrong.met);
    assert!(
        wrong.detail.contains("there was 1 (I1)"),
        "{}",
        wrong.detail
    );
}

#[test]
fn one_incident_by_id_or_by_input() {
    let range = |which, low, high| Check::Incident {
        which,
        count_low: low,
        count_high: high,
        contested: None,
    };
    assert!(met(range(IncidentRef::Id("I1".into()), Some(38), Some(42))));
    assert!(met(range(IncidentRef::Of(id("us/isr/i1")), Some(38), None)));
    assert!(!met(range(
        IncidentRef::Of(id("us/isr/i1")),
        Some(40),
        Some(42)
    )));
    assert!(!met(range(IncidentRef::Id("I1".into()), None, Some(40))));
    let missing = judge(range(IncidentRef::Id("I9".into()), Some(1), None));
    assert!(!missing.met);
    assert!(
        missing.detail.contains("no such incident"),
        "{}",
        missing.detail
    );
    let contested = |which, c| Check::Incident {
        which,
        count_low: None,
        count_high: None,
        contested: Some(c),
    };
    assert!(met(contested(IncidentRef::Of(id("ukraine/gs/g1")), true)));
    assert!(!met(contested(IncidentRef::Of(id("ukraine/gs/g1")), false)));
    assert!(met(contested(IncidentRef::Id("I1".into()), false)));
}

#[test]
fn fates_of_inputs() {
    let rejected = |input: &str, reason: Option<&str>| Check::Rejected {
        input: id(input),
        reason_contains: reason.map(Into::into),
    };
    assert!(met(rejected("ukraine/radar/r2", None)));
    // The reason is matched without regard to case.
    assert!(met(rejected("ukraine/radar/r2", Some("the future"))));
    assert!(!met(rejected("ukraine/radar/r2", Some("operate"))));
    let accepted_instead = judge(rejected("ukraine/radar/r1", None));
    assert!(!accepted_instead.met);
    assert!(
        accepted_instead
            .detail
            .contains("it was accepted at T+00:05"),
        "{}",
        accepted_instead.detail
    );
    assert!(met(Check::Duplicate {
        input: id("ukraine/radar/r1")
    }));
    assert!(!met(Check::Duplicate {
        input: id("ukraine/radar/r2")
    }));
    assert!(met(Check::Accepted {
        input: id("ukraine/radar/r1")
    }));
    let never = judge(Check::Accepted {
        input: id("us/isr/unknown"),
    });
    assert!(!never.met);
    assert!(never.detail.contains("no decision"), "{}", never.detail);
}
