//! The ladder driven directly over small inline frameworks: rule tests for
//! each mode, clock and input, then property tests (proptest) against an
//! independent reading of the vote rules, and batching invariance.

use std::collections::{BTreeMap, BTreeSet};

use base::{Duration, Timestamp};
use model::{Attestation, Choice, InputId, Observed, OrderReport, OrderStatus, Outage, Vote};
use proptest::prelude::*;

use super::*;

const T0: Timestamp = Timestamp::from_seconds(1_760_000_000);

fn h(hours: i64) -> Timestamp {
    T0.plus(Duration::from_hours(hours))
}

fn s(seconds: i64) -> Timestamp {
    T0.plus(Duration::from_seconds(seconds))
}

/// Parties, source classes, a relief standard and one relief item.
fn header(snapback_all: bool) -> String {
    format!(
        r#"
[framework]
id = "ladder-test"
version = "1.0"

[[party]]
id = "a"
roles = ["guarantor"]

[[party]]
id = "b"
roles = ["guarantor"]

[[party]]
id = "c"
roles = ["guarantor"]

[[party]]
id = "d"
roles = ["guarantor"]

[[party]]
id = "x"
roles = ["contributor"]

[[party]]
id = "adv"
roles = ["adversary"]

[[party]]
id = "mon"
roles = ["monitor"]

[[source_class]]
id = "radar"
kind = "radar"
operated_by = ["a", "b"]

[[source_class]]
id = "isr"
kind = "isr"
operated_by = ["c"]

[[source_class]]
id = "monitors"
kind = "ground_monitor"
operated_by = ["mon"]
neutral = true

[[source_class]]
id = "self"
kind = "self_report"
operated_by = ["adv"]

[[standard]]
id = "std-attest"
classes = ["radar", "isr", "monitors", "self"]
independent_classes = 2
neutral = true
min_confidence = 8000

[[standard]]
id = "std-review"
classes = ["radar"]
review = {{ duration = "12h", on_expiry = "escalate", escalate_to = "t-leaders" }}

[relief]
snapback_all = {snapback_all}

[[relief.item]]
id = "rel-pullback"
condition = "heavy weapons behind the pullback line"
standard = "std-attest"
relieves = ["pkg-fin"]
violated_by = ["trg-missile"]
"#
    )
}

/// The ladder's tiers: `t1` automatic (escalating to `t2` on repeat or a
/// 3× breach), `t2` and `t-so` sign-off, `t-rv` reverse veto, `t-leaders`
/// sign-off whose silence fires.
fn tiers(expiry: &str) -> String {
    format!(
        r#"
[[trigger]]
id = "trg-missile"
category = "missile"
threshold = 10
tier = "t1"

[[trigger]]
id = "trg-drone"
category = "drone"
threshold = 5
tier = "t1"

[[trigger]]
id = "trg-so"
category = "armed_attack"
threshold = 1
tier = "t-so"

[[trigger]]
id = "trg-rv"
category = "maritime"
threshold = 1
tier = "t-rv"

[[trigger]]
id = "trg-cyber"
category = "cyber"
threshold = 1
standard = "std-review"
tier = "t1"

[[tier]]
id = "t1"
level = 1
mode = "automatic"

[[tier.escalate]]
to = "t2"
when = "repeat"
count = 2
within = "30d"

[[tier.escalate]]
to = "t2"
when = "larger"
factor = 3

[[tier.action]]
id = "intel"
kind = "intelligence_sharing"
measure = "share targeting intelligence"
by = "a"
deadline = "6h"

[[tier.action]]
id = "fin"
kind = "financial"
measure = "impose the financial package"
by = "b"
deadline = "24h"
sanctions = "pkg-fin"

[[tier]]
id = "t2"
level = 2
mode = "sign_off"
clock = {{ duration = "72h", on_expiry = "lapse" }}

[tier.vote]
electorate = ["a", "b", "c", "d"]
quorum = 3

[[tier.action]]
id = "secondary"
kind = "secondary_sanctions"
measure = "secondary sanctions"
by = "a"
deadline = "48h"

[[tier]]
id = "t-so"
level = 2
mode = "sign_off"
clock = {{ duration = "48h", on_expiry = "{expiry}", escalate_to = "t-next" }}

[tier.vote]
electorate = ["a", "b", "c", "d"]
quorum = 5
quorum_parties = 2
veto = ["d"]

[tier.vote.weights]
a = 3
b = 2

[[tier.action]]
id = "deploy"
kind = "deployment"
measure = "deploy the reserve"
by = "c"
deadline = "7d"

[[tier]]
id = "t-next"
level = 3
mode = "sign_off"
clock = {{ duration = "24h", on_expiry = "lapse" }}

[tier.vote]
electorate = ["a", "b", "c", "d"]
quorum = 5

[[tier]]
id = "t-rv"
level = 3
mode = "reverse_veto"
clock = {{ duration = "48h", on_expiry = "fire" }}

[tier.vote]
electorate = ["a", "b", "c", "d"]
block = 4
veto = ["d"]

[tier.vote.weights]
a = 3
b = 2

[[tier.action]]
id = "energy"
kind = "energy"
measure = "lower the price cap"
by = "a"
deadline = "24h"
sanctions = "pkg-energy"

[[tier]]
id = "t-leaders"
level = 5
mode = "sign_off"
clock = {{ duration = "48h", on_expiry = "fire" }}

[tier.vote]
electorate = ["a", "b", "c", "d"]
quorum = 4
"#
    )
}

fn load(text: &str) -> Framework {
    let (fw, diags) = framework::load("test.toml", text, &framework::NoFiles);
    let errors: Vec<_> = diags
        .iter()
        .filter(|d| d.severity == base::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    fw
}

fn ladder_with(expiry: &str, snapback_all: bool) -> Ladder {
    Ladder::new(&load(&format!("{}{}", header(snapback_all), tiers(expiry))))
}

fn ladder() -> Ladder {
    ladder_with("lapse", false)
}

fn breach(id: &str, trigger: &str, count: u64, at: Timestamp) -> BreachInfo {
    BreachInfo {
        id: id.into(),
        trigger: trigger.into(),
        count,
        opened_at: at,
        first_observed: at,
        version: 0,
    }
}

fn id(party: &str, source: &str, message: &str) -> InputId {
    InputId {
        party: party.into(),
        source: source.into(),
        message: message.into(),
    }
}

fn ballot(party: &str, source: &str, breach: &str, tier: &str, choice: Choice) -> Vote {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    Vote {
        id: id(party, source, &format!("v{n}")),
        breach: breach.into(),
        tier: tier.into(),
        choice,
    }
}

fn report(party: &str, order: &str, status: OrderStatus) -> OrderReport {
    OrderReport {
        id: id(party, "desk", &format!("{order}-{status:?}")),
        order: order.into(),
        status,
        note: None,
    }
}

fn attest(party: &str, class: &str, complies: bool, confidence_bp: u16, msg: &str) -> Attestation {
    Attestation {
        id: id(party, class, msg),
        item: "rel-pullback".into(),
        class: class.into(),
        complies,
        observed: Observed::at(T0),
        confidence_bp,
        derived_from: vec![],
        note: None,
    }
}

fn view(l: &Ladder, breach: &str, tier: &str) -> ActivationView {
    let found: Vec<ActivationView> = l
        .activations()
        .into_iter()
        .filter(|a| a.breach == breach && a.tier == tier)
        .collect();
    assert_eq!(found.len(), 1, "activations of {breach}/{tier}");
    found.into_iter().next().unwrap()
}

fn status(l: &Ladder, breach: &str, tier: &str) -> ActivationStatus {
    view(l, breach, tier).status
}

fn names(events: &[LadderEvent]) -> Vec<String> {
    events
        .iter()
        .map(|e| {
            serde_json::to_value(e).unwrap()["decision"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

fn vote_ok(l: &mut Ladder, at: Timestamp, v: &Vote) -> Vec<LadderEvent> {
    l.vote(at, v).unwrap_or_else(|r| panic!("rejected: {r}"))
}

// ------------------------------------------------------------------ automatic

#[test]
fn automatic_fires_at_once_with_orders_due() {
    let mut l = ladder();
    let events = l.certified(h(1), &breach("B1", "trg-missile", 12, h(0)));
    assert_eq!(
        names(&events),
        ["tier_entered", "fired", "order_issued", "order_issued"]
    );
    let v = view(&l, "B1", "t1");
    assert_eq!(v.status, ActivationStatus::Fired);
    assert_eq!(v.fired_at, Some(h(1)));
    assert_eq!(v.deadline, None);
    assert_eq!(v.mode, Mode::Automatic);
    let orders: Vec<(&str, Option<&str>, Option<Timestamp>)> = v
        .actions
        .iter()
        .map(|o| (o.order.as_str(), o.party.as_deref(), o.due))
        .collect();
    assert_eq!(
        orders,
        [
            ("B1/t1/intel", Some("a"), Some(h(7))),
            ("B1/t1/fin", Some("b"), Some(h(25))),
        ]
    );
    assert!(v.explanation.contains("automatic"), "{}", v.explanation);
    // Every event names the framework version.
    for e in &events {
        let json = serde_json::to_value(e).unwrap();
        let text = json["explanation"].as_str().unwrap();
        assert!(text.contains("`ladder-test` version 1.0"), "{text}");
    }
}

#[test]
fn same_breach_certified_twice_is_one_activation() {
    let mut l = ladder();
    l.certified(h(1), &breach("B1", "trg-missile", 12, h(0)));
    let again = l.certified(h(2), &breach("B1", "trg-missile", 12, h(0)));
    assert!(again.is_empty(), "{again:?}");
    // Escalated after certification: its tier (t2 is the first sign-off
    // reachable) is entered once, and escalating again changes nothing.
    l.escalated(h(3), &breach("B1", "trg-missile", 12, h(0)));
    let twice = l.escalated(h(4), &breach("B1", "trg-missile", 12, h(0)));
    assert!(twice.is_empty(), "{twice:?}");
    let keys: Vec<(String, String)> = l
        .activations()
        .into_iter()
        .map(|a| (a.breach, a.tier))
        .collect();
    assert_eq!(
        keys,
        [("B1".into(), "t1".into()), ("B1".into(), "t2".into())]
    );
}

// ------------------------------------------------------------------- sign-off

#[test]
fn sign_off_fires_at_quorum_before_the_deadline() {
    let mut l = ladder();
    let events = l.certified(h(0), &breach("B1", "trg-so", 1, h(0)));
    assert_eq!(names(&events), ["tier_entered"]);
    assert_eq!(status(&l, "B1", "t-so"), ActivationStatus::AwaitingVotes);
    assert_eq!(view(&l, "B1", "t-so").deadline, Some(h(48)));
    // a (3) + b (2) = 5 in 2 parties is the quorum, but veto holder d has not voted.
    vote_ok(&mut l, h(1), &ballot("a", "k1", "B1", "t-so", Choice::For));
    vote_ok(&mut l, h(2), &ballot("b", "k1", "B1", "t-so", Choice::For));
    assert_eq!(status(&l, "B1", "t-so"), ActivationStatus::AwaitingVotes);
    let events = vote_ok(
        &mut l,
        h(3),
        &ballot("d", "k1", "B1", "t-so", Choice::Against),
    );
    assert_eq!(names(&events), ["vote_counted", "fired", "order_issued"]);
    let v = view(&l, "B1", "t-so");
    assert_eq!(v.status, ActivationStatus::Fired);
    assert_eq!(v.fired_at, Some(h(3)));
    assert_eq!(v.actions[0].due, Some(h(3 + 7 * 24)));
    assert!(
        v.explanation
            .contains("`a` (3), `b` (2) = weight 5 in 2 parties"),
        "{}",
        v.explanation
    );
    // A vote after the decision is recorded and not counted.
    let events = vote_ok(&mut l, h(4), &ballot("c", "k1", "B1", "t-so", Choice::For));
    assert_eq!(names(&events), ["vote_not_counted"]);
    let last = l.votes().pop().unwrap();
    assert!(!last.counted);
    assert_eq!(last.reason.as_deref(), Some("the tier was already decided"));
    // Nothing more happens at the deadline.
    assert!(l.advance(h(100)).is_empty());
    assert_eq!(status(&l, "B1", "t-so"), ActivationStatus::Fired);
}

#[test]
fn sign_off_vetoed_when_a_veto_stands_at_the_deadline() {
    let mut l = ladder();
    l.certified(h(0), &breach("B1", "trg-so", 1, h(0)));
    vote_ok(&mut l, h(1), &ballot("a", "k1", "B1", "t-so", Choice::For));
    vote_ok(&mut l, h(2), &ballot("b", "k1", "B1", "t-so", Choice::For));
    vote_ok(&mut l, h(3), &ballot("d", "k1", "B1", "t-so", Choice::Veto));
    assert_eq!(status(&l, "B1", "t-so"), ActivationStatus::AwaitingVotes);
    let events = l.advance(h(48));
    assert_eq!(names(&events), ["vetoed"]);
    let v = view(&l, "B1", "t-so");
    assert_eq!(v.status, ActivationStatus::Vetoed);
    assert!(v.actions.is_empty());
    assert!(
        v.explanation.contains("vetoes standing: `d`"),
        "{}",
        v.explanation
    );
}

#[test]
fn veto_changed_to_for_before_the_deadline_fires() {
    let mut l = ladder();
    l.certified(h(0), &breach("B1", "trg-so", 1, h(0)));
    vote_ok(&mut l, h(1), &ballot("d", "k1", "B1", "t-so", Choice::Veto));
    vote_ok(&mut l, h(2), &ballot("a", "k1", "B1", "t-so", Choice::For));
    vote_ok(&mut l, h(3), &ballot("b", "k1", "B1", "t-so", Choice::For));
    assert_eq!(status(&l, "B1", "t-so"), ActivationStatus::AwaitingVotes);
    // d changes its mind with another key: the veto no longer stands.
    let events = vote_ok(&mut l, h(4), &ballot("d", "k2", "B1", "t-so", Choice::For));
    assert_eq!(names(&events), ["vote_counted", "fired", "order_issued"]);
    let votes = l.votes();
    assert!(!votes[0].counted);
    assert_eq!(
        votes[0].reason.as_deref(),
        Some("superseded by a later vote of the same party")
    );
    assert!(votes[3].counted);
}

#[test]
fn one_party_voting_with_two_keys_counts_once() {
    let mut l = ladder();
    l.certified(h(0), &breach("B1", "trg-so", 1, h(0)));
    vote_ok(
        &mut l,
        h(0),
        &ballot("d", "k1", "B1", "t-so", Choice::Against),
    );
    // a alone has weight 3 and is one party, whatever keys it uses.
    vote_ok(&mut l, h(1), &ballot("a", "k1", "B1", "t-so", Choice::For));
    vote_ok(&mut l, h(2), &ballot("a", "k2", "B1", "t-so", Choice::For));
    vote_ok(&mut l, h(3), &ballot("a", "k3", "B1", "t-so", Choice::For));
    assert_eq!(status(&l, "B1", "t-so"), ActivationStatus::AwaitingVotes);
    let counted: Vec<(String, String)> = l
        .votes()
        .into_iter()
        .filter(|v| v.counted)
        .map(|v| (v.party, v.input.source.to_string()))
        .collect();
    assert_eq!(
        counted,
        [("d".into(), "k1".into()), ("a".into(), "k3".into())]
    );
    // Its last vote counts: switching to against leaves no weight for.
    vote_ok(
        &mut l,
        h(4),
        &ballot("a", "k1", "B1", "t-so", Choice::Against),
    );
    vote_ok(&mut l, h(5), &ballot("b", "k1", "B1", "t-so", Choice::For));
    assert_eq!(status(&l, "B1", "t-so"), ActivationStatus::AwaitingVotes);
    l.advance(h(48));
    assert_eq!(status(&l, "B1", "t-so"), ActivationStatus::Lapsed);
}

#[test]
fn a_vote_one_second_before_the_deadline_counts_and_one_at_it_does_not() {
    let mut l = ladder();
    l.certified(h(0), &breach("B1", "trg-so", 1, h(0)));
    let deadline = h(48);
    vote_ok(&mut l, h(1), &ballot("a", "k1", "B1", "t-so", Choice::For));
    // b's vote one second before the deadline counts: quorum at the deadline.
    let before = deadline.minus(Duration::from_seconds(1));
    let events = vote_ok(
        &mut l,
        before,
        &ballot("b", "k1", "B1", "t-so", Choice::For),
    );
    assert_eq!(names(&events), ["vote_counted"]);
    // d's veto at the deadline is late: it changes nothing, and the clock
    // (judged first, at its deadline) fires.
    let events = vote_ok(
        &mut l,
        deadline,
        &ballot("d", "k1", "B1", "t-so", Choice::Veto),
    );
    assert_eq!(names(&events), ["fired", "order_issued", "vote_late"]);
    let last = l.votes().pop().unwrap();
    assert!(!last.counted);
    assert!(
        last.reason
            .as_deref()
            .unwrap()
            .starts_with("late: recorded at or after the deadline"),
        "{:?}",
        last.reason
    );
    let v = view(&l, "B1", "t-so");
    assert_eq!(v.status, ActivationStatus::Fired);
    assert_eq!(v.fired_at, Some(deadline));
    // A late vote after the deadline is late too, not "decided".
    let events = vote_ok(&mut l, h(50), &ballot("c", "k1", "B1", "t-so", Choice::For));
    assert_eq!(names(&events), ["vote_late"]);
}

// --------------------------------------------------------------- reverse veto

#[test]
fn reverse_veto_block_below_the_threshold_fires() {
    let mut l = ladder();
    let events = l.certified(h(0), &breach("B1", "trg-rv", 1, h(0)));
    assert_eq!(names(&events), ["tier_entered"]);
    assert_eq!(
        status(&l, "B1", "t-rv"),
        ActivationStatus::PendingBlockWindow
    );
    // b (2) + c (1) = 3 of 4.
    vote_ok(
        &mut l,
        h(1),
        &ballot("b", "k1", "B1", "t-rv", Choice::Block),
    );
    vote_ok(
        &mut l,
        h(2),
        &ballot("c", "k1", "B1", "t-rv", Choice::Block),
    );
    assert_eq!(
        status(&l, "B1", "t-rv"),
        ActivationStatus::PendingBlockWindow
    );
    let events = l.advance(h(48));
    assert_eq!(names(&events), ["fired", "order_issued"]);
    let v = view(&l, "B1", "t-rv");
    assert_eq!(v.fired_at, Some(h(48)));
    assert_eq!(v.actions[0].due, Some(h(72)));
    assert!(
        v.explanation.contains("weight 3, 4 needed"),
        "{}",
        v.explanation
    );
}

#[test]
fn reverse_veto_qualified_block_blocks() {
    let mut l = ladder();
    l.certified(h(0), &breach("B1", "trg-rv", 1, h(0)));
    vote_ok(
        &mut l,
        h(1),
        &ballot("a", "k1", "B1", "t-rv", Choice::Block),
    );
    vote_ok(
        &mut l,
        h(2),
        &ballot("c", "k1", "B1", "t-rv", Choice::Block),
    );
    // Judged only at the deadline, however early the block stands.
    assert_eq!(
        status(&l, "B1", "t-rv"),
        ActivationStatus::PendingBlockWindow
    );
    let events = l.advance(h(49));
    assert_eq!(names(&events), ["blocked"]);
    assert_eq!(status(&l, "B1", "t-rv"), ActivationStatus::Blocked);
    // A veto holder blocks alone.
    let mut l = ladder();
    l.certified(h(0), &breach("B1", "trg-rv", 1, h(0)));
    vote_ok(&mut l, h(1), &ballot("d", "k1", "B1", "t-rv", Choice::Veto));
    l.advance(h(48));
    assert_eq!(status(&l, "B1", "t-rv"), ActivationStatus::Blocked);
}

#[test]
fn reverse_veto_block_withdrawn_before_the_deadline_fires() {
    let mut l = ladder();
    l.certified(h(0), &breach("B1", "trg-rv", 1, h(0)));
    vote_ok(
        &mut l,
        h(1),
        &ballot("a", "k1", "B1", "t-rv", Choice::Block),
    );
    vote_ok(
        &mut l,
        h(2),
        &ballot("c", "k1", "B1", "t-rv", Choice::Block),
    );
    vote_ok(
        &mut l,
        h(47),
        &ballot("a", "k2", "B1", "t-rv", Choice::Withdraw),
    );
    // A block at the deadline is late.
    vote_ok(
        &mut l,
        h(48),
        &ballot("b", "k1", "B1", "t-rv", Choice::Block),
    );
    assert_eq!(status(&l, "B1", "t-rv"), ActivationStatus::Fired);
    assert_eq!(view(&l, "B1", "t-rv").fired_at, Some(h(48)));
}

// --------------------------------------------------------------------- silence

#[test]
fn silence_fires_when_the_clock_says_fire() {
    let mut l = ladder_with("fire", false);
    l.certified(h(0), &breach("B1", "trg-so", 1, h(0)));
    assert!(l.advance(h(47)).is_empty());
    let events = l.advance(h(48));
    assert_eq!(names(&events), ["fired", "order_issued"]);
    let v = view(&l, "B1", "t-so");
    assert!(
        v.explanation.contains("silence means `fire`"),
        "{}",
        v.explanation
    );
}

#[test]
fn silence_lapses_when_the_clock_says_lapse() {
    let mut l = ladder_with("lapse", false);
    l.certified(h(0), &breach("B1", "trg-so", 1, h(0)));
    let events = l.advance(h(100));
    assert_eq!(names(&events), ["lapsed"]);
    assert_eq!(status(&l, "B1", "t-so"), ActivationStatus::Lapsed);
}

#[test]
fn silence_escalates_when_the_clock_says_escalate() {
    let mut l = ladder_with("escalate", false);
    l.certified(h(0), &breach("B1", "trg-so", 1, h(0)));
    // One advance far past both clocks: each is judged at its own deadline.
    let events = l.advance(h(200));
    assert_eq!(names(&events), ["escalated", "tier_entered", "lapsed"]);
    assert_eq!(status(&l, "B1", "t-so"), ActivationStatus::Escalated);
    let next = view(&l, "B1", "t-next");
    assert_eq!(next.activated_at, h(48));
    assert_eq!(next.deadline, Some(h(72)));
    assert_eq!(next.status, ActivationStatus::Lapsed);
}

#[test]
fn a_contested_breach_goes_to_sign_off_and_never_fires_by_silence() {
    let mut l = ladder();
    // trg-cyber's standard escalates reviews to t-leaders, whose silence fires.
    let events = l.escalated(h(0), &breach("B1", "trg-cyber", 1, h(0)));
    assert_eq!(names(&events), ["escalated", "tier_entered"]);
    assert_eq!(
        status(&l, "B1", "t-leaders"),
        ActivationStatus::AwaitingVotes
    );
    let events = l.advance(h(48));
    assert_eq!(names(&events), ["lapsed"]);
    let v = view(&l, "B1", "t-leaders");
    assert!(v.explanation.contains("contested"), "{}", v.explanation);
    // With votes it fires.
    let mut l = ladder();
    l.escalated(h(0), &breach("B2", "trg-cyber", 1, h(0)));
    for p in ["a", "b", "c", "d"] {
        vote_ok(
            &mut l,
            h(1),
            &ballot(p, "k1", "B2", "t-leaders", Choice::For),
        );
    }
    assert_eq!(status(&l, "B2", "t-leaders"), ActivationStatus::Fired);
    // Without a review escalation, the first sign-off reachable from the trigger's tier.
    let mut l = ladder();
    l.escalated(h(0), &breach("B3", "trg-missile", 50, h(0)));
    let keys: Vec<String> = l.activations().into_iter().map(|a| a.tier).collect();
    assert_eq!(keys, ["t2"]);
}

// ------------------------------------------------------------------ escalation

#[test]
fn a_repeated_breach_escalates() {
    let mut l = ladder();
    l.certified(h(1), &breach("B1", "trg-missile", 12, h(0)));
    assert_eq!(l.activations().len(), 1);
    // Another trigger's breach does not count toward the repeat.
    l.certified(h(2), &breach("B2", "trg-drone", 6, h(1)));
    assert_eq!(l.activations().len(), 2);
    let events = l.certified(h(24 * 10), &breach("B3", "trg-missile", 11, h(24 * 10)));
    assert_eq!(
        names(&events),
        [
            "deadline_missed",
            "deadline_missed",
            "deadline_missed",
            "deadline_missed",
            "tier_entered",
            "fired",
            "order_issued",
            "order_issued",
            "escalated",
            "tier_entered"
        ]
    );
    let up = view(&l, "B3", "t2");
    assert_eq!(up.status, ActivationStatus::AwaitingVotes);
    assert!(
        up.explanation.contains("repeat: 2 certified breaches"),
        "{}",
        up.explanation
    );
    // Outside the window: no escalation.
    let events = l.certified(h(24 * 45), &breach("B4", "trg-missile", 11, h(24 * 45)));
    assert!(!names(&events).contains(&"escalated".to_string()));
}

#[test]
fn a_repeat_counts_only_breaches_first_observed_within_the_window() {
    let escalated = |l: &Ladder, b: &str| {
        l.activations()
            .iter()
            .any(|a| a.breach == b && a.tier == "t2")
    };
    let ms = |t: Timestamp, d: i64| Timestamp::from_millis(t.millis() + d);
    // 30 days exactly before: a window [s, s + 30d) cannot hold both.
    let mut l = ladder();
    l.certified(h(1), &breach("B1", "trg-missile", 12, h(0)));
    l.certified(h(24 * 30 + 1), &breach("B2", "trg-missile", 12, h(24 * 30)));
    assert!(!escalated(&l, "B2"));
    // One millisecond less: it can.
    let mut l = ladder();
    l.certified(h(1), &breach("B1", "trg-missile", 12, h(0)));
    let t = ms(h(24 * 30), -1);
    l.certified(h(24 * 30 + 1), &breach("B2", "trg-missile", 12, t));
    assert!(escalated(&l, "B2"));
    // A breach first observed later but certified earlier counts too, and
    // one that never reached the tier (another trigger) does not.
    let mut l = ladder();
    l.certified(h(1), &breach("B1", "trg-missile", 12, h(24 * 20)));
    l.certified(h(2), &breach("B9", "trg-drone", 6, h(24 * 10)));
    l.certified(h(3), &breach("B2", "trg-missile", 12, h(24 * 10)));
    assert!(escalated(&l, "B2"));
    let why = view(&l, "B2", "t2").explanation;
    assert!(why.contains("(`B2`, `B1`)"), "{why}");
}

#[test]
fn a_larger_breach_escalates() {
    let mut l = ladder();
    let events = l.certified(h(1), &breach("B1", "trg-missile", 29, h(0)));
    assert!(!names(&events).contains(&"escalated".to_string()));
    let events = l.certified(h(2), &breach("B2", "trg-drone", 15, h(0)));
    assert!(names(&events).contains(&"escalated".to_string()));
    assert!(
        view(&l, "B2", "t2")
            .explanation
            .contains("count 15 is at least 3 × threshold 5 = 15")
    );
}

// ---------------------------------------------------------------------- orders

#[test]
fn an_order_completed_and_one_missed() {
    let mut l = ladder();
    l.certified(h(0), &breach("B1", "trg-missile", 12, h(0)));
    // The wrong party cannot report.
    let err = l
        .order_report(h(1), &report("b", "B1/t1/intel", OrderStatus::Done))
        .unwrap_err();
    assert_eq!(
        err.reason,
        "order `B1/t1/intel` is addressed to `a`; `b` cannot report on it"
    );
    assert!(
        l.order_report(h(1), &report("a", "B9/t1/intel", OrderStatus::Done))
            .is_err()
    );
    let events = l
        .order_report(h(2), &report("a", "B1/t1/intel", OrderStatus::Done))
        .unwrap();
    assert_eq!(names(&events), ["order_completed"]);
    // A partial report keeps the order open.
    let events = l
        .order_report(h(3), &report("b", "B1/t1/fin", OrderStatus::Partial))
        .unwrap();
    assert_eq!(names(&events), ["order_reported"]);
    assert_eq!(view(&l, "B1", "t1").actions[1].status, OrderState::Partial);
    let said = serde_json::to_value(&events[0]).unwrap()["explanation"].to_string();
    assert!(said.contains("partly carried out"), "{said}");
    let events = l
        .order_report(h(3), &report("b", "B1/t1/fin", OrderStatus::Failed))
        .unwrap();
    let said = serde_json::to_value(&events[0]).unwrap()["explanation"].to_string();
    assert!(said.contains("not carried out (failed)"), "{said}");
    // Past due: missed once, however often time advances.
    let events = l.advance(h(24));
    assert_eq!(names(&events), ["deadline_missed"]);
    assert!(l.advance(h(30)).is_empty());
    assert_eq!(
        l.deadlines_missed(),
        [MissedView {
            order: "B1/t1/fin".into(),
            party: Some("b".into()),
            breach: "B1".into(),
            tier: "t1".into(),
            action: "fin".into(),
            due: h(24),
        }]
    );
    assert_eq!(view(&l, "B1", "t1").actions[1].status, OrderState::Missed);
    // Completed late: completed, and still listed as missed.
    let events = l
        .order_report(h(31), &report("b", "B1/t1/fin", OrderStatus::Done))
        .unwrap();
    assert_eq!(names(&events), ["order_completed"]);
    let v = view(&l, "B1", "t1");
    assert_eq!(v.status, ActivationStatus::Completed);
    assert_eq!(v.actions[1].status, OrderState::Completed);
    assert_eq!(v.actions[1].completed_at, Some(h(31)));
    assert_eq!(l.deadlines_missed().len(), 1);
    assert!(
        l.order_report(h(32), &report("b", "B1/t1/fin", OrderStatus::Done))
            .is_err()
    );
}

#[test]
fn a_superseded_breach_withdraws_its_orders_and_stops_its_clocks() {
    let mut l = ladder();
    l.certified(h(0), &breach("B1", "trg-missile", 40, h(0)));
    assert_eq!(status(&l, "B1", "t2"), ActivationStatus::AwaitingVotes);
    let events = l.superseded(h(1), "B1", "the retraction's review rejected the breach");
    assert_eq!(names(&events), ["superseded", "superseded"]);
    assert!(l.advance(h(200)).is_empty());
    assert!(l.deadlines_missed().is_empty());
    let v = view(&l, "B1", "t1");
    assert_eq!(v.status, ActivationStatus::Superseded);
    assert!(v.actions.iter().all(|o| o.status == OrderState::Withdrawn));
    let events = vote_ok(&mut l, h(201), &ballot("a", "k1", "B1", "t2", Choice::For));
    assert_eq!(names(&events), ["vote_late"]);
}

// ---------------------------------------------------------------------- votes

// -------------------------------------------------------------------- outages

fn outage(message: &str, from: Timestamp, until: Timestamp) -> Outage {
    Outage {
        id: id("mon", "sequencer", message),
        from,
        until,
        note: None,
    }
}

fn extended(events: &[LadderEvent]) -> Vec<(String, i64, Timestamp, Timestamp)> {
    events
        .iter()
        .filter_map(|e| match e {
            LadderEvent::ClockExtended {
                tier,
                by_ms,
                previous_deadline,
                deadline,
                ..
            } => Some((tier.clone(), *by_ms, *previous_deadline, *deadline)),
            _ => None,
        })
        .collect()
}

#[test]
fn an_outage_extends_sign_off_so_a_vote_after_the_first_deadline_counts() {
    let mut l = ladder();
    l.certified(h(0), &breach("B1", "trg-so", 1, h(0)));
    vote_ok(&mut l, h(1), &ballot("a", "k1", "B1", "t-so", Choice::For));
    // The sequencer was down from h10 to h16; it records that at h16.
    let events = l
        .outage(h(16), &outage("o1", h(10), h(16)))
        .unwrap_or_else(|r| panic!("rejected: {r}"));
    assert_eq!(names(&events), ["clock_extended"]);
    assert_eq!(
        extended(&events),
        [("t-so".to_string(), 6 * 3_600_000, h(48), h(54))]
    );
    assert_eq!(view(&l, "B1", "t-so").deadline, Some(h(54)));
    // Past the first deadline (h48), before the new one: nothing is judged,
    // and b's vote counts.
    assert!(l.advance(h(50)).is_empty());
    let events = vote_ok(&mut l, h(50), &ballot("b", "k1", "B1", "t-so", Choice::For));
    assert_eq!(names(&events), ["vote_counted"]);
    // The veto holder votes against (no veto): quorum, every veto holder
    // has voted — it fires.
    let events = vote_ok(
        &mut l,
        h(51),
        &ballot("d", "k1", "B1", "t-so", Choice::Against),
    );
    assert_eq!(names(&events), ["vote_counted", "fired", "order_issued"]);
    let v = view(&l, "B1", "t-so");
    assert_eq!(v.fired_at, Some(h(51)));
    assert!(
        v.explanation.contains("is extended by 6h"),
        "{}",
        v.explanation
    );
    assert!(l.votes().iter().all(|v| v.counted));
}

#[test]
fn without_an_outage_the_same_vote_is_late() {
    // The control for the test above: the clock runs out at h48.
    let mut l = ladder();
    l.certified(h(0), &breach("B1", "trg-so", 1, h(0)));
    vote_ok(&mut l, h(1), &ballot("a", "k1", "B1", "t-so", Choice::For));
    let events = vote_ok(&mut l, h(50), &ballot("b", "k1", "B1", "t-so", Choice::For));
    assert_eq!(names(&events), ["lapsed", "vote_late"]);
}

#[test]
fn a_deadline_inside_an_outage_moves_past_its_end() {
    let mut l = ladder();
    l.certified(h(0), &breach("B1", "trg-so", 1, h(0)));
    // Down from h40 to h60: the deadline h48 fell inside. The parties lost
    // the 8 hours h40–h48; they get them back after h60 — all 20 hours of
    // downtime after the clock's start move the deadline.
    let events = l
        .outage(h(60), &outage("o1", h(40), h(60)))
        .unwrap_or_else(|r| panic!("rejected: {r}"));
    assert_eq!(
        extended(&events),
        [("t-so".to_string(), 20 * 3_600_000, h(48), h(68))]
    );
    assert!(l.advance(h(60)).is_empty());
    assert_eq!(status(&l, "B1", "t-so"), ActivationStatus::AwaitingVotes);
    assert_eq!(names(&l.advance(h(68))), ["lapsed"]);
}

#[test]
fn an_outage_extends_a_block_window_so_a_later_block_stands() {
    let mut l = ladder();
    l.certified(h(0), &breach("B1", "trg-rv", 1, h(0)));
    let events = l
        .outage(h(12), &outage("o1", h(10), h(12)))
        .unwrap_or_else(|r| panic!("rejected: {r}"));
    assert_eq!(
        extended(&events),
        [("t-rv".to_string(), 2 * 3_600_000, h(48), h(50))]
    );
    // The veto holder blocks at h49: after the first deadline, inside the
    // extended window.
    let events = vote_ok(
        &mut l,
        h(49),
        &ballot("d", "k1", "B1", "t-rv", Choice::Veto),
    );
    assert_eq!(names(&events), ["vote_counted"]);
    assert_eq!(names(&l.advance(h(50))), ["blocked"]);
}

#[test]
fn an_outage_does_not_delay_an_automatic_tier_or_its_orders() {
    let mut l = ladder();
    let events = l.certified(h(0), &breach("B1", "trg-missile", 10, h(0)));
    assert_eq!(
        names(&events),
        ["tier_entered", "fired", "order_issued", "order_issued"]
    );
    // Down from h2 to h8: the `intel` order (due h6) is not extended.
    let events = l
        .outage(h(8), &outage("o1", h(2), h(8)))
        .unwrap_or_else(|r| panic!("rejected: {r}"));
    assert!(events.is_empty(), "{events:?}");
    let v = view(&l, "B1", "t1");
    assert_eq!(v.deadline, None);
    assert_eq!(v.actions[0].due, Some(h(6)));
    let events = l.advance(h(8));
    assert_eq!(names(&events), ["deadline_missed"]);
    assert_eq!(l.deadlines_missed()[0].due, h(6));
}

#[test]
fn a_tier_entered_inside_recorded_downtime_is_extended_on_entry() {
    let mut l = ladder();
    // Recorded at h16 before time moves there; a review clock the engine
    // still has to run certifies a breach at h12, inside the outage.
    l.outage(h(16), &outage("o1", h(10), h(16)))
        .unwrap_or_else(|r| panic!("rejected: {r}"));
    let events = l.certified(h(12), &breach("B1", "trg-so", 1, h(12)));
    assert_eq!(names(&events), ["tier_entered", "clock_extended"]);
    assert_eq!(
        extended(&events),
        [("t-so".to_string(), 4 * 3_600_000, h(60), h(64))]
    );
    // A tier entered after the outage is not extended.
    let events = l.certified(h(20), &breach("B2", "trg-so", 1, h(20)));
    assert_eq!(names(&events), ["tier_entered"]);
    assert_eq!(view(&l, "B2", "t-so").deadline, Some(h(68)));
}

#[test]
fn outages_refused() {
    let mut l = ladder();
    l.certified(h(0), &breach("B1", "trg-so", 1, h(0)));
    // Recorded before it ended: the sequencer records it once back.
    let r = l.outage(h(5), &outage("o1", h(2), h(6))).unwrap_err();
    assert!(r.reason.contains("once it is back"), "{r}");
    let r = l.outage(h(6), &outage("o1", h(6), h(6))).unwrap_err();
    assert!(r.reason.contains("no later than it starts"), "{r}");
    l.outage(h(6), &outage("o1", h(2), h(6)))
        .unwrap_or_else(|r| panic!("rejected: {r}"));
    // The same downtime again, in part: refused, the clock moves once.
    let r = l.outage(h(7), &outage("o2", h(5), h(7))).unwrap_err();
    assert!(
        r.reason.contains("overlaps outage `mon/sequencer/o1`"),
        "{r}"
    );
    assert_eq!(view(&l, "B1", "t-so").deadline, Some(h(52)));
    // A clock already judged is not reopened.
    l.advance(h(60));
    assert_eq!(status(&l, "B1", "t-so"), ActivationStatus::Lapsed);
    let events = l
        .outage(h(70), &outage("o3", h(50), h(70)))
        .unwrap_or_else(|r| panic!("rejected: {r}"));
    assert!(events.is_empty());
    assert_eq!(status(&l, "B1", "t-so"), ActivationStatus::Lapsed);
}

#[test]
fn ineligible_voters_and_bad_ballots_are_rejected() {
    let mut l = ladder();
    l.certified(h(0), &breach("B1", "trg-so", 1, h(0)));
    let err = l
        .vote(h(1), &ballot("x", "k1", "B1", "t-so", Choice::For))
        .unwrap_err();
    assert_eq!(err.reason, "`x` is not in the electorate of tier `t-so`");
    let err = l
        .vote(h(1), &ballot("a", "k1", "B2", "t-so", Choice::For))
        .unwrap_err();
    assert!(
        err.reason.contains("has not entered tier"),
        "{}",
        err.reason
    );
    let err = l
        .vote(h(1), &ballot("a", "k1", "B1", "t-so", Choice::Veto))
        .unwrap_err();
    assert_eq!(err.reason, "`a` holds no veto on tier `t-so`");
    let err = l
        .vote(h(1), &ballot("a", "k1", "B1", "t-so", Choice::Block))
        .unwrap_err();
    assert!(err.reason.contains("decided by sign-off"), "{}", err.reason);
    let err = l
        .vote(h(1), &ballot("a", "k1", "B1", "t-nope", Choice::For))
        .unwrap_err();
    assert!(err.reason.contains("not declared"), "{}", err.reason);
    // Rejected votes are not recorded.
    assert!(l.votes().is_empty());
    // Time never goes back.
    l.advance(h(5));
    let err = l
        .vote(h(4), &ballot("a", "k1", "B1", "t-so", Choice::For))
        .unwrap_err();
    assert!(err.reason.contains("never goes back"), "{}", err.reason);
    // A rejection still hands over the clocks that expired meanwhile.
    let err = l
        .vote(h(60), &ballot("x", "k1", "B1", "t-so", Choice::For))
        .unwrap_err();
    assert_eq!(names(&err.events), ["lapsed"]);
}

// ---------------------------------------------------------------------- relief

#[test]
fn relief_on_attested_compliance_then_snapback_on_a_violation() {
    let mut l = ladder();
    l.certified(h(0), &breach("B1", "trg-missile", 12, h(0)));
    l.certified(h(0), &breach("B2", "trg-rv", 1, h(0)));
    // The adversary's own word never counts, nor does one party's.
    let adversaries = BTreeSet::from(["adv".to_string()]);
    let events = l
        .attestation(
            h(1),
            &attest("adv", "self", true, 10_000, "m1"),
            &adversaries,
        )
        .unwrap();
    assert_eq!(names(&events), ["attested"]);
    l.attestation(h(2), &attest("a", "radar", true, 9000, "m2"), &adversaries)
        .unwrap();
    assert_eq!(status(&l, "B1", "t1"), ActivationStatus::Fired);
    // A party that does not operate the class is refused.
    assert!(
        l.attestation(h(2), &attest("c", "radar", true, 9000, "m3"), &adversaries)
            .is_err()
    );
    // A neutral monitor makes two independent classes, 9900 bp.
    let events = l
        .attestation(
            h(3),
            &attest("mon", "monitors", true, 9000, "m4"),
            &adversaries,
        )
        .unwrap();
    assert_eq!(names(&events), ["attested", "relieved"]);
    assert_eq!(status(&l, "B1", "t1"), ActivationStatus::Relieved);
    // t-rv has not fired and imposes another package: untouched.
    assert_eq!(
        status(&l, "B2", "t-rv"),
        ActivationStatus::PendingBlockWindow
    );
    let relief = l.relief();
    assert_eq!(relief[0].status, ReliefStatus::Relieved);
    assert!(!relief[0].attestations[0].counted);
    assert!(
        relief[0]
            .explanation
            .contains("combined confidence 9900 bp")
    );
    // A breach of a trigger the item does not name changes nothing.
    l.certified(h(4), &breach("B3", "trg-drone", 6, h(4)));
    assert_eq!(status(&l, "B1", "t1"), ActivationStatus::Relieved);
    // A breach of a trigger it names re-imposes at once.
    let events = l.certified(h(5), &breach("B4", "trg-missile", 11, h(24 * 40)));
    assert_eq!(names(&events)[0], "reimposed");
    assert_eq!(status(&l, "B1", "t1"), ActivationStatus::Reimposed);
    let relief = l.relief();
    assert_eq!(relief[0].status, ReliefStatus::Reimposed);
    assert!(relief[0].attestations.iter().all(|a| !a.counted));
    // Attested again after the violation: relieved again (B3 and B4 too).
    l.attestation(h(6), &attest("b", "radar", true, 9000, "m5"), &adversaries)
        .unwrap();
    let events = l
        .attestation(
            h(7),
            &attest("mon", "monitors", true, 9000, "m6"),
            &adversaries,
        )
        .unwrap();
    assert_eq!(names(&events), ["attested", "relieved"]);
    for b in ["B1", "B3", "B4"] {
        assert_eq!(status(&l, b, "t1"), ActivationStatus::Relieved, "{b}");
    }
}

#[test]
fn relief_names_what_it_relieves_and_passes_over_what_is_not_in_force() {
    let mut l = ladder();
    l.certified(h(0), &breach("B1", "trg-missile", 12, h(0)));
    l.certified(h(0), &breach("B2", "trg-drone", 6, h(0)));
    // B2's evidence fell away: its fired tier is superseded, no longer in force.
    l.superseded(h(1), "B2", "its evidence was retracted");
    let adversaries = BTreeSet::from(["adv".to_string()]);
    l.attestation(h(2), &attest("a", "radar", true, 9000, "m1"), &adversaries)
        .unwrap();
    let events = l
        .attestation(
            h(3),
            &attest("mon", "monitors", true, 9000, "m2"),
            &adversaries,
        )
        .unwrap();
    let relieved: Vec<Vec<String>> = events
        .iter()
        .filter_map(|e| match e {
            LadderEvent::Relieved { activations, .. } => Some(activations.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(relieved, [vec!["B1/t1".to_string()]]);
    assert_eq!(status(&l, "B1", "t1"), ActivationStatus::Relieved);
    assert_eq!(status(&l, "B2", "t1"), ActivationStatus::Superseded);
}

#[test]
fn next_deadline_is_the_earliest_pending_clock_or_due_date() {
    let mut l = ladder();
    assert_eq!((l.now(), l.next_deadline()), (None, None));
    // t1 fires at once: `intel` due in 6h, `fin` in 24h.
    l.certified(h(0), &breach("B1", "trg-missile", 12, h(0)));
    assert_eq!((l.now(), l.next_deadline()), (Some(h(0)), Some(h(6))));
    // t-so's sign-off clock runs to T+49h.
    l.certified(h(1), &breach("B2", "trg-so", 1, h(1)));
    assert_eq!(l.next_deadline(), Some(h(6)));
    l.advance(h(7));
    assert_eq!((l.now(), l.next_deadline()), (Some(h(7)), Some(h(24))));
    l.advance(h(30));
    assert_eq!(l.next_deadline(), Some(h(49)));
    // A clock before any due date: the clock.
    let mut l = ladder();
    l.certified(h(0), &breach("B2", "trg-so", 1, h(0)));
    assert_eq!(l.next_deadline(), Some(h(48)));
}

#[test]
fn time_never_goes_back_and_clocks_come_before_orders_at_one_instant() {
    let mut l = ladder();
    // t-so's clock (48h, lapse) ends at T+6h, when t1's `intel` is due.
    l.certified(h(-42), &breach("B2", "trg-so", 1, h(-42)));
    l.certified(h(0), &breach("B1", "trg-missile", 12, h(0)));
    let events = l.advance(h(7));
    assert_eq!(names(&events), ["lapsed", "deadline_missed"]);
    // An earlier "now" changes nothing, not even "now".
    assert!(l.advance(h(3)).is_empty());
    assert_eq!(l.now(), Some(h(7)));
}

#[test]
fn a_superseded_breach_keeps_its_completed_orders_out_of_the_withdrawn() {
    let mut l = ladder();
    l.certified(h(0), &breach("B1", "trg-missile", 12, h(0)));
    l.order_report(h(1), &report("a", "B1/t1/intel", OrderStatus::Done))
        .unwrap();
    let events = l.superseded(h(2), "B1", "its evidence was retracted");
    let text = serde_json::to_string(&events).unwrap();
    assert!(text.contains("open orders withdrawn: B1/t1/fin"), "{text}");
    assert!(!text.contains("B1/t1/intel"), "{text}");
    let v = view(&l, "B1", "t1");
    assert_eq!(v.actions[0].status, OrderState::Completed);
    assert_eq!(v.actions[1].status, OrderState::Withdrawn);
}

/// The test ladder with a repeat edge out of the sign-off tier `t2`.
fn ladder_with_repeat_from_sign_off() -> Ladder {
    let tiers = tiers("lapse").replacen(
        "[[tier.action]]\nid = \"secondary\"",
        "[[tier.escalate]]\nto = \"t-next\"\nwhen = \"repeat\"\ncount = 2\nwithin = \"1d\"\n[[tier.action]]\nid = \"secondary\"",
        1,
    );
    Ladder::new(&load(&format!("{}{tiers}", header(false))))
}

#[test]
fn a_repeat_counts_a_breach_by_its_first_observed_time_once_certified() {
    // B1, contested at first, goes to sign-off (t2) with what was known
    // then; when certified, its first observation is known to be 50h in.
    let mut l = ladder_with_repeat_from_sign_off();
    l.escalated(h(0), &breach("B1", "trg-missile", 12, h(0)));
    assert_eq!(status(&l, "B1", "t2"), ActivationStatus::AwaitingVotes);
    let mut b1 = breach("B1", "trg-missile", 12, h(60));
    b1.first_observed = h(50);
    l.certified(h(60), &b1);
    // B2, three times the threshold, climbs t1 → t2; with B1 first observed
    // within a day of it, t2's repeat edge holds.
    let mut b2 = breach("B2", "trg-missile", 40, h(62));
    b2.first_observed = h(51);
    let events = l.certified(h(62), &b2);
    assert!(
        view(&l, "B2", "t-next")
            .explanation
            .contains("repeat: 2 certified breaches"),
        "{}",
        serde_json::to_string(&events).unwrap()
    );
}

#[test]
fn a_refusal_reads_as_its_reason() {
    let mut l = ladder();
    l.certified(h(0), &breach("B1", "trg-so", 1, h(0)));
    let err = l
        .vote(h(1), &ballot("x", "k1", "B1", "t-so", Choice::For))
        .unwrap_err();
    assert_eq!(err.to_string(), err.reason);
    assert!(!err.reason.is_empty());
}

#[test]
fn snapback_all_reimposes_on_any_certified_breach() {
    let mut l = ladder_with("lapse", true);
    l.certified(h(0), &breach("B1", "trg-missile", 12, h(0)));
    let none = BTreeSet::new();
    l.attestation(h(1), &attest("a", "radar", true, 9000, "m1"), &none)
        .unwrap();
    l.attestation(h(2), &attest("mon", "monitors", true, 9000, "m2"), &none)
        .unwrap();
    assert_eq!(status(&l, "B1", "t1"), ActivationStatus::Relieved);
    let events = l.certified(h(3), &breach("B2", "trg-rv", 1, h(3)));
    assert_eq!(names(&events), ["reimposed", "tier_entered"]);
    assert_eq!(status(&l, "B1", "t1"), ActivationStatus::Reimposed);
}

#[test]
fn a_non_compliance_attestation_withdraws_its_group() {
    let mut l = ladder();
    l.certified(h(0), &breach("B1", "trg-missile", 12, h(0)));
    let none = BTreeSet::new();
    l.attestation(h(1), &attest("a", "radar", true, 9000, "m1"), &none)
        .unwrap();
    l.attestation(h(2), &attest("a", "radar", false, 9000, "m2"), &none)
        .unwrap();
    l.attestation(h(3), &attest("mon", "monitors", true, 9000, "m3"), &none)
        .unwrap();
    assert_eq!(status(&l, "B1", "t1"), ActivationStatus::Fired);
    let reasons: Vec<Option<String>> = l.relief()[0]
        .attestations
        .iter()
        .map(|a| a.reason.clone())
        .collect();
    assert!(reasons[0].as_deref().unwrap().contains("withdrawn"));
    assert_eq!(reasons[1].as_deref(), Some("states non-compliance"));
    assert_eq!(reasons[2], None);
}

// ------------------------------------------------------------------ serialized

#[test]
fn views_and_events_serialize_as_the_report_needs() {
    let mut l = ladder();
    l.certified(h(0), &breach("B1", "trg-so", 1, h(0)));
    let events = vote_ok(&mut l, h(1), &ballot("a", "k1", "B1", "t-so", Choice::For));
    let json = serde_json::to_value(&events[0]).unwrap();
    assert_eq!(json["decision"], "vote_counted");
    assert_eq!(json["ballot"], "for");
    assert_eq!(json["at"], "2025-10-09T09:53:20Z");
    let json = serde_json::to_value(l.activations()).unwrap();
    let a = &json[0];
    assert_eq!(a["mode"], "sign_off");
    assert_eq!(a["status"], "awaiting_votes");
    assert_eq!(a["deadline"], "2025-10-11T08:53:20Z");
    assert!(a["fired_at"].is_null());
    let json = serde_json::to_value(l.votes()).unwrap();
    assert_eq!(
        json[0],
        serde_json::json!({
            "party": "a",
            "tier": "t-so",
            "breach": "B1",
            "ballot": "for",
            "recorded_at": "2025-10-09T09:53:20Z",
            "counted": true,
            "reason": null,
            "input": json[0]["input"].clone(),
        })
    );
    let mut l = ladder();
    l.certified(h(0), &breach("B1", "trg-missile", 12, h(0)));
    let json = serde_json::to_value(l.activations()).unwrap();
    assert_eq!(json[0]["status"], "fired");
    assert!(json[0]["deadline"].is_null());
    assert_eq!(
        json[0]["actions"][0],
        serde_json::json!({
            "party": "a",
            "action": "intel",
            "order": "B1/t1/intel",
            "due": "2025-10-09T14:53:20Z",
            "completed_at": null,
            "status": "open",
        })
    );
}

// ------------------------------------------------------------------ properties

const PARTIES: [&str; 6] = ["a", "b", "c", "d", "x", "adv"];
const CHOICES: [Choice; 5] = [
    Choice::For,
    Choice::Against,
    Choice::Veto,
    Choice::Block,
    Choice::Withdraw,
];
const DEADLINE_S: i64 = 48 * 3600;

#[derive(Clone, Debug)]
struct Rule {
    weights: [u32; 4],
    quorum: Option<u32>,
    quorum_parties: Option<u32>,
    block: Option<u32>,
    veto: [bool; 4],
    expiry: &'static str,
}

impl Rule {
    fn holder(&self, party: &str) -> bool {
        PARTIES[..4]
            .iter()
            .zip(self.veto)
            .any(|(p, v)| v && *p == party)
    }

    fn weight(&self, party: &str) -> u64 {
        PARTIES[..4]
            .iter()
            .zip(self.weights)
            .find(|(p, _)| **p == party)
            .map_or(0, |(_, w)| u64::from(w))
    }

    fn eligible(&self, party: &str) -> bool {
        PARTIES[..4].contains(&party)
    }

    fn framework(&self, mode: &str) -> Framework {
        let opt =
            |name: &str, v: Option<u32>| v.map_or(String::new(), |v| format!("{name} = {v}\n"));
        let veto: Vec<String> = PARTIES[..4]
            .iter()
            .zip(self.veto)
            .filter(|(_, v)| *v)
            .map(|(p, _)| format!("\"{p}\""))
            .collect();
        let text = format!(
            r#"{}
[[trigger]]
id = "trg"
category = "armed_attack"
threshold = 1
tier = "t"

[[tier]]
id = "t"
level = 1
mode = "{mode}"
clock = {{ duration = "48h", on_expiry = "{}", escalate_to = "t-next" }}

[tier.vote]
electorate = ["a", "b", "c", "d"]
{}{}{}veto = [{}]

[tier.vote.weights]
a = {}
b = {}
c = {}
d = {}

[[tier.action]]
id = "act"
kind = "deployment"
measure = "act"
by = "a"
deadline = "12h"

[[tier]]
id = "t-next"
level = 2
mode = "sign_off"
clock = {{ duration = "24h", on_expiry = "lapse" }}

[tier.vote]
electorate = ["a", "b", "c", "d"]
quorum = 1
"#,
            header(false),
            self.expiry,
            opt("quorum", self.quorum),
            opt("quorum_parties", self.quorum_parties),
            opt("block", self.block),
            veto.join(", "),
            self.weights[0],
            self.weights[1],
            self.weights[2],
            self.weights[3],
        );
        load(&text)
    }
}

fn arb_rule() -> impl Strategy<Value = Rule> {
    (
        proptest::array::uniform4(0u32..4),
        proptest::option::of(1u32..10),
        proptest::option::of(0u32..5),
        proptest::option::of(1u32..9),
        proptest::array::uniform4(proptest::bool::weighted(0.3)),
        prop_oneof![Just("fire"), Just("lapse"), Just("escalate")],
    )
        .prop_map(
            |(weights, quorum, quorum_parties, block, veto, expiry)| Rule {
                weights,
                quorum,
                quorum_parties,
                block,
                veto,
                expiry,
            },
        )
}

#[derive(Clone, Debug)]
struct GenVote {
    second: i64,
    party: usize,
    key: u8,
    choice: usize,
}

fn arb_votes() -> impl Strategy<Value = Vec<GenVote>> {
    let second = prop_oneof![0i64..DEADLINE_S + 7200, DEADLINE_S - 3..DEADLINE_S + 3,];
    proptest::collection::vec(
        (second, 0..PARTIES.len(), 0u8..3, 0..CHOICES.len()).prop_map(
            |(second, party, key, choice)| GenVote {
                second,
                party,
                key,
                choice,
            },
        ),
        0..24,
    )
    .prop_map(|mut votes| {
        votes.sort_by_key(|v| v.second);
        votes
    })
}

fn cast(l: &mut Ladder, votes: &[GenVote]) {
    for (n, g) in votes.iter().enumerate() {
        let v = Vote {
            id: id(PARTIES[g.party], &format!("key{}", g.key), &format!("m{n}")),
            breach: "B1".into(),
            tier: "t".into(),
            choice: CHOICES[g.choice],
        };
        let _ = l.vote(s(g.second), &v);
    }
}

/// What a sign-off tier should become, read from the rules directly:
/// (status, fired_at).
fn expect_sign_off(rule: &Rule, votes: &[GenVote]) -> (ActivationStatus, Option<Timestamp>) {
    let holders: Vec<&str> = PARTIES[..4]
        .iter()
        .copied()
        .filter(|p| rule.holder(p))
        .collect();
    let quorum = |last: &BTreeMap<&str, Choice>| {
        let fors: Vec<&str> = last
            .iter()
            .filter(|(_, c)| **c == Choice::For)
            .map(|(p, _)| *p)
            .collect();
        let weight: u64 = fors.iter().map(|p| rule.weight(p)).sum();
        (rule.quorum.is_some() || rule.quorum_parties.is_some())
            && rule.quorum.is_none_or(|q| weight >= u64::from(q))
            && rule
                .quorum_parties
                .is_none_or(|q| fors.len() as u64 >= u64::from(q))
    };
    let mut last: BTreeMap<&str, Choice> = BTreeMap::new();
    for g in votes {
        let (party, choice) = (PARTIES[g.party], CHOICES[g.choice]);
        let valid = rule.eligible(party)
            && match choice {
                Choice::For | Choice::Against => true,
                Choice::Veto => rule.holder(party),
                Choice::Block | Choice::Withdraw => false,
            };
        if g.second >= DEADLINE_S || !valid {
            continue;
        }
        last.insert(party, choice);
        let all_voted = holders.iter().all(|h| last.contains_key(h));
        let vetoed = last.values().any(|c| *c == Choice::Veto);
        if quorum(&last) && all_voted && !vetoed {
            return (ActivationStatus::Fired, Some(s(g.second)));
        }
    }
    let deadline = s(DEADLINE_S);
    if last.values().any(|c| *c == Choice::Veto) {
        (ActivationStatus::Vetoed, None)
    } else if quorum(&last) {
        (ActivationStatus::Fired, Some(deadline))
    } else {
        match rule.expiry {
            "fire" => (ActivationStatus::Fired, Some(deadline)),
            "escalate" => (ActivationStatus::Escalated, None),
            _ => (ActivationStatus::Lapsed, None),
        }
    }
}

/// Whether a qualified block stands at a reverse-veto tier's deadline.
fn expect_blocked(rule: &Rule, votes: &[GenVote]) -> bool {
    let mut last: BTreeMap<&str, Choice> = BTreeMap::new();
    for g in votes {
        let (party, choice) = (PARTIES[g.party], CHOICES[g.choice]);
        let valid = rule.eligible(party)
            && match choice {
                Choice::Block | Choice::Withdraw => true,
                Choice::Veto => rule.holder(party),
                Choice::For | Choice::Against => false,
            };
        if g.second < DEADLINE_S && valid {
            last.insert(party, choice);
        }
    }
    let blocking: Vec<&str> = last
        .iter()
        .filter(|(_, c)| matches!(c, Choice::Block | Choice::Veto))
        .map(|(p, _)| *p)
        .collect();
    let weight: u64 = blocking.iter().map(|p| rule.weight(p)).sum();
    blocking.iter().any(|p| rule.holder(p)) || rule.block.is_some_and(|b| weight >= u64::from(b))
}

/// Everything observable, as JSON.
fn observed(l: &Ladder) -> serde_json::Value {
    serde_json::json!({
        "activations": l.activations(),
        "votes": l.votes(),
        "missed": l.deadlines_missed(),
        "relief": l.relief(),
    })
}

#[derive(Clone, Debug)]
enum Step {
    Certify {
        breach: u8,
        trigger: u8,
        count: u64,
    },
    Escalate {
        breach: u8,
    },
    Vote(GenVote, u8, u8),
    Report {
        breach: u8,
        action: u8,
        party: u8,
        done: bool,
    },
    Attest {
        source: u8,
        complies: bool,
        confidence: u16,
    },
    Supersede {
        breach: u8,
    },
}

fn arb_step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0u8..4, 0u8..5, 1u64..40).prop_map(|(breach, trigger, count)| Step::Certify { breach, trigger, count }),
        1 => (0u8..4).prop_map(|breach| Step::Escalate { breach }),
        6 => ((0..PARTIES.len(), 0u8..3, 0..CHOICES.len()), 0u8..4, 0u8..5).prop_map(|((party, key, choice), breach, tier)| {
            Step::Vote(GenVote { second: 0, party, key, choice }, breach, tier)
        }),
        3 => (0u8..4, 0u8..3, 0u8..4, any::<bool>()).prop_map(|(breach, action, party, done)| Step::Report { breach, action, party, done }),
        2 => (0u8..5, any::<bool>(), 5000u16..10_001).prop_map(|(source, complies, confidence)| Step::Attest { source, complies, confidence }),
        1 => (0u8..4).prop_map(|breach| Step::Supersede { breach }),
    ]
}

/// Runs a scenario; `extra[i]` advances (to a point between the previous
/// step and step i) before step i.
fn run(steps: &[(i64, Step)], extra: &[Option<u8>]) -> (serde_json::Value, Vec<String>) {
    let mut l = ladder_with("escalate", false);
    let mut log: Vec<String> = Vec::new();
    let record = |r: Result<Vec<LadderEvent>, Rejected>, log: &mut Vec<String>| match r {
        Ok(events) => log.extend(events.iter().map(|e| serde_json::to_string(e).unwrap())),
        Err(rejected) => {
            log.extend(
                rejected
                    .events
                    .iter()
                    .map(|e| serde_json::to_string(e).unwrap()),
            );
            log.push(format!("rejected: {}", rejected.reason));
        }
    };
    let triggers = ["trg-missile", "trg-drone", "trg-so", "trg-rv", "trg-cyber"];
    let tiers = ["t1", "t2", "t-so", "t-rv", "t-next"];
    let actions = ["intel", "fin", "deploy"];
    let sources = [
        ("a", "radar"),
        ("b", "radar"),
        ("c", "isr"),
        ("mon", "monitors"),
        ("adv", "self"),
    ];
    let adversaries = BTreeSet::from(["adv".to_string()]);
    let mut previous = 0i64;
    for (n, (minute, step)) in steps.iter().enumerate() {
        if let Some(Some(f)) = extra.get(n) {
            let between = previous + (minute - previous) * i64::from(*f) / 255;
            record(Ok(l.advance(s(between * 60))), &mut log);
        }
        previous = *minute;
        let at = s(minute * 60);
        match step {
            Step::Certify {
                breach: b,
                trigger,
                count,
            } => {
                let info = BreachInfo {
                    id: format!("B{b}"),
                    trigger: triggers[usize::from(*trigger)].into(),
                    count: *count,
                    opened_at: at,
                    first_observed: s(minute * 60 - 600),
                    version: 0,
                };
                record(Ok(l.certified(at, &info)), &mut log);
            }
            Step::Escalate { breach: b } => {
                let info = BreachInfo {
                    id: format!("B{b}"),
                    trigger: "trg-cyber".into(),
                    count: 1,
                    opened_at: at,
                    first_observed: at,
                    version: 0,
                };
                record(Ok(l.escalated(at, &info)), &mut log);
            }
            Step::Vote(g, b, t) => {
                let v = Vote {
                    id: id(PARTIES[g.party], &format!("key{}", g.key), &format!("m{n}")),
                    breach: format!("B{b}"),
                    tier: tiers[usize::from(*t)].into(),
                    choice: CHOICES[g.choice],
                };
                record(l.vote(at, &v), &mut log);
            }
            Step::Report {
                breach: b,
                action,
                party,
                done,
            } => {
                let tier = if *action == 2 { "t-so" } else { "t1" };
                let r = OrderReport {
                    id: id(PARTIES[usize::from(*party)], "desk", &format!("r{n}")),
                    order: format!("B{b}/{tier}/{}", actions[usize::from(*action)]),
                    status: if *done {
                        OrderStatus::Done
                    } else {
                        OrderStatus::Partial
                    },
                    note: None,
                };
                record(l.order_report(at, &r), &mut log);
            }
            Step::Attest {
                source,
                complies,
                confidence,
            } => {
                let (party, class) = sources[usize::from(*source)];
                let a = attest(party, class, *complies, *confidence, &format!("a{n}"));
                record(l.attestation(at, &a, &adversaries), &mut log);
            }
            Step::Supersede { breach: b } => {
                record(
                    Ok(l.superseded(at, &format!("B{b}"), "withdrawn")),
                    &mut log,
                );
            }
        }
    }
    record(Ok(l.advance(s(400 * 3600))), &mut log);
    (observed(&l), log)
}

fn arb_scenario() -> impl Strategy<Value = (Vec<(i64, Step)>, Vec<Option<u8>>)> {
    proptest::collection::vec((0i64..(120 * 60), arb_step()), 1..40)
        .prop_map(|mut steps| {
            steps.sort_by_key(|(m, _)| *m);
            steps
        })
        .prop_flat_map(|steps| {
            let n = steps.len();
            (
                Just(steps),
                proptest::collection::vec(proptest::option::of(any::<u8>()), n),
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A sign-off tier is decided exactly as the rule reads: it never fires
    /// without a quorum of distinct eligible parties (unless silence means
    /// `fire` at its deadline), and a standing veto always stops it.
    #[test]
    fn sign_off_follows_its_rule(rule in arb_rule(), votes in arb_votes()) {
        let mut l = Ladder::new(&rule.framework("sign_off"));
        l.certified(T0, &breach("B1", "trg", 1, T0));
        cast(&mut l, &votes);
        l.advance(s(DEADLINE_S + 100 * 3600));
        let v = view(&l, "B1", "t");
        let (want, fired_at) = expect_sign_off(&rule, &votes);
        prop_assert_eq!(v.status, want);
        prop_assert_eq!(v.fired_at, fired_at);

        // The counted votes: one per distinct eligible party, each before the deadline.
        let counted: Vec<VoteView> = l.votes().into_iter().filter(|v| v.counted).collect();
        let parties: BTreeSet<&str> = counted.iter().map(|v| v.party.as_str()).collect();
        prop_assert_eq!(parties.len(), counted.len());
        prop_assert!(counted.iter().all(|v| rule.eligible(&v.party) && v.recorded_at < s(DEADLINE_S)));
        if v.status == ActivationStatus::Fired {
            // Never with a counted veto.
            prop_assert!(counted.iter().all(|v| v.ballot != Choice::Veto));
            let fors: Vec<&VoteView> = counted.iter().filter(|v| v.ballot == Choice::For).collect();
            let weight: u64 = fors.iter().map(|v| rule.weight(&v.party)).sum();
            let quorum = (rule.quorum.is_some() || rule.quorum_parties.is_some())
                && rule.quorum.is_none_or(|q| weight >= u64::from(q))
                && rule.quorum_parties.is_none_or(|q| fors.len() as u64 >= u64::from(q));
            let by_silence = v.fired_at == Some(s(DEADLINE_S)) && rule.expiry == "fire";
            prop_assert!(quorum || by_silence, "fired without quorum: {:?}", v.explanation);
        }
        // A standing veto at the deadline always stops the tier, unless it
        // had already fired before the veto was cast.
        let veto_standing = {
            let mut last: BTreeMap<&str, Choice> = BTreeMap::new();
            for g in &votes {
                let (p, c) = (PARTIES[g.party], CHOICES[g.choice]);
                let valid = rule.eligible(p) && match c {
                    Choice::For | Choice::Against => true,
                    Choice::Veto => rule.holder(p),
                    Choice::Block | Choice::Withdraw => false,
                };
                if valid && g.second < DEADLINE_S {
                    last.insert(p, c);
                }
            }
            last.values().any(|c| *c == Choice::Veto)
        };
        if veto_standing && v.fired_at.is_none_or(|t| t >= s(DEADLINE_S)) {
            prop_assert_eq!(v.status, ActivationStatus::Vetoed);
        }
    }

    /// A reverse-veto tier fires at its deadline exactly when no qualified
    /// block stands then.
    #[test]
    fn reverse_veto_fires_unless_a_qualified_block_stands(rule in arb_rule(), votes in arb_votes()) {
        let mut l = Ladder::new(&rule.framework("reverse_veto"));
        l.certified(T0, &breach("B1", "trg", 1, T0));
        cast(&mut l, &votes);
        prop_assert!(l.activations()[0].status.pending() || votes.iter().any(|g| g.second >= DEADLINE_S));
        l.advance(s(DEADLINE_S + 100 * 3600));
        let v = view(&l, "B1", "t");
        if expect_blocked(&rule, &votes) {
            prop_assert_eq!(v.status, ActivationStatus::Blocked);
            prop_assert_eq!(v.fired_at, None);
        } else {
            prop_assert_eq!(v.status, ActivationStatus::Fired);
            prop_assert_eq!(v.fired_at, Some(s(DEADLINE_S)));
        }
    }

    /// Extra `advance` calls between inputs change nothing: the same views,
    /// and the same decisions in the same order.
    #[test]
    fn batching_never_changes_a_decision((steps, extra) in arb_scenario()) {
        let (views, log) = run(&steps, &[]);
        let (batched_views, batched_log) = run(&steps, &extra);
        prop_assert_eq!(views, batched_views);
        prop_assert_eq!(log, batched_log);
    }
}

// ------------------------------------------------------------- vote limits

#[test]
fn an_automatic_tier_takes_no_votes() {
    // A framework may give an automatic tier a stray `vote` table (the
    // checker allows it); its electorate still cannot vote the tier.
    let stray = "mode = \"automatic\"\n\n[tier.vote]\nelectorate = [\"a\"]\nquorum = 1\n";
    let text =
        format!("{}{}", header(false), tiers("lapse")).replacen("mode = \"automatic\"\n", stray, 1);
    let mut l = Ladder::new(&load(&text));
    l.certified(h(1), &breach("B1", "trg-missile", 12, h(0)));
    for choice in [Choice::For, Choice::Against, Choice::Veto, Choice::Block] {
        let err = l
            .vote(h(2), &ballot("a", "k1", "B1", "t1", choice))
            .unwrap_err();
        assert_eq!(err.reason, "tier `t1` is automatic: it takes no votes");
    }
    assert!(l.votes().is_empty());
}

/// Every vote recorded on an activation counts toward its limit, whether
/// counted, late or cast after the decision: the next one is refused.
#[test]
fn votes_on_one_activation_are_bounded_however_they_are_recorded() {
    // (when c votes, what each vote is recorded as)
    for (case, at, word) in [
        ("counted", h(1), "vote_counted"),
        ("late", h(49), "vote_late"),
        ("decided", h(5), "vote_not_counted"),
    ] {
        let mut l = ladder();
        l.certified(h(0), &breach("B1", "trg-so", 1, h(0)));
        let mut recorded = 0;
        if case == "decided" {
            // a, b and the veto holder d: quorum, and it fires.
            for p in ["a", "b", "d"] {
                vote_ok(&mut l, h(2), &ballot(p, "k1", "B1", "t-so", Choice::For));
                recorded += 1;
            }
            assert_eq!(status(&l, "B1", "t-so"), ActivationStatus::Fired);
        }
        while recorded < VOTES_PER_ACTIVATION_MAX {
            let events = vote_ok(&mut l, at, &ballot("c", "k1", "B1", "t-so", Choice::For));
            assert_eq!(
                names(&events).last().map(String::as_str),
                Some(word),
                "{case}"
            );
            recorded += 1;
        }
        let err = l
            .vote(at, &ballot("c", "k1", "B1", "t-so", Choice::For))
            .unwrap_err();
        assert!(err.reason.contains("the limit"), "{case}: {}", err.reason);
        assert_eq!(l.votes().len(), VOTES_PER_ACTIVATION_MAX, "{case}");
    }
}

// ------------------------------------------------- escalation edge cases

/// Tiers added to the test ladder for the cases below: a tier entered at
/// once by its own edge and again named by its neighbour's clock; a start
/// whose edges reach a high sign-off tier before a low one; a repeat that
/// needs three breaches.
const EXTRA: &str = r#"
[[trigger]]
id = "trg-both"
category = "sabotage"
threshold = 1
tier = "t-a"

[[trigger]]
id = "trg-order"
category = "proxy"
threshold = 1
tier = "t-start"

[[trigger]]
id = "trg-three"
category = "airspace"
threshold = 1
tier = "t-three"

[[tier]]
id = "t-a"
level = 2
mode = "sign_off"
clock = { duration = "24h", on_expiry = "escalate", escalate_to = "t-b" }

[tier.vote]
electorate = ["a", "b"]
quorum = 2

[[tier.escalate]]
to = "t-b"
when = "larger"
factor = 2

[[tier]]
id = "t-b"
level = 3
mode = "sign_off"
clock = { duration = "24h", on_expiry = "lapse" }

[tier.vote]
electorate = ["a", "b"]
quorum = 2

[[tier]]
id = "t-start"
level = 1
mode = "automatic"

[[tier.escalate]]
to = "t-high"
when = "larger"
factor = 100

[[tier.escalate]]
to = "t-low"
when = "larger"
factor = 100

[[tier]]
id = "t-high"
level = 5
mode = "sign_off"
clock = { duration = "24h", on_expiry = "lapse" }

[tier.vote]
electorate = ["a", "b"]
quorum = 2

[[tier]]
id = "t-low"
level = 2
mode = "sign_off"
clock = { duration = "24h", on_expiry = "lapse" }

[tier.vote]
electorate = ["a", "b"]
quorum = 2

[[tier]]
id = "t-three"
level = 1
mode = "automatic"

[[tier.escalate]]
to = "t-b"
when = "repeat"
count = 3
within = "30d"
"#;

fn extra_ladder() -> Ladder {
    Ladder::new(&load(&format!(
        "{}{}{EXTRA}",
        header(false),
        tiers("lapse")
    )))
}

#[test]
fn a_clock_does_not_escalate_into_a_tier_the_breach_already_entered() {
    let mut l = extra_ladder();
    // Count 2 ≥ 2 × threshold 1: the edge enters t-b along with t-a.
    l.certified(h(0), &breach("B1", "trg-both", 2, h(0)));
    assert_eq!(status(&l, "B1", "t-b"), ActivationStatus::AwaitingVotes);
    // t-a's clock runs out and names t-b, which B1 is already in.
    l.advance(h(24));
    let a = view(&l, "B1", "t-a");
    assert_eq!(a.status, ActivationStatus::Lapsed, "{}", a.explanation);
    assert!(
        a.explanation.contains("already entered"),
        "{}",
        a.explanation
    );
    // Another breach, smaller, is escalated by the same clock.
    l.certified(h(25), &breach("B2", "trg-both", 1, h(25)));
    l.advance(h(49));
    assert_eq!(status(&l, "B2", "t-a"), ActivationStatus::Escalated);
    assert_eq!(status(&l, "B2", "t-b"), ActivationStatus::AwaitingVotes);
}

#[test]
fn a_contested_breach_goes_to_the_lowest_sign_off_tier_not_the_first_found() {
    let mut l = extra_ladder();
    // t-start's edges list t-high (level 5) before t-low (level 2).
    l.escalated(h(0), &breach("B1", "trg-order", 1, h(0)));
    let keys: Vec<String> = l.activations().into_iter().map(|a| a.tier).collect();
    assert_eq!(keys, ["t-low"]);
}

#[test]
fn a_repeat_window_ends_before_its_last_millisecond() {
    // Three needed within 30 days. B1 at −10d and B3 at +20d are exactly
    // 30 days apart: no window [s, s + 30d) holds B1, B2 and B3.
    let mut l = extra_ladder();
    let day = |d: i64| Timestamp::from_millis(h(24 * 20).millis() + d * 86_400_000);
    l.certified(h(1), &breach("B1", "trg-three", 1, day(-10)));
    l.certified(h(2), &breach("B3", "trg-three", 1, day(20)));
    l.certified(h(3), &breach("B2", "trg-three", 1, day(0)));
    assert!(l.activations().iter().all(|a| a.tier != "t-b"));
    // A millisecond closer, and they fit.
    let mut l = extra_ladder();
    l.certified(h(1), &breach("B1", "trg-three", 1, day(-10)));
    let near = Timestamp::from_millis(day(20).millis() - 1);
    l.certified(h(2), &breach("B3", "trg-three", 1, near));
    l.certified(h(3), &breach("B2", "trg-three", 1, day(0)));
    assert!(
        l.activations()
            .iter()
            .any(|a| a.breach == "B2" && a.tier == "t-b")
    );
}

#[test]
fn a_superseded_breach_no_longer_counts_toward_a_repeat() {
    let mut l = ladder();
    l.certified(h(1), &breach("B1", "trg-missile", 12, h(0)));
    l.superseded(h(2), "B1", "the review found the tracks were boosters");
    l.certified(h(3), &breach("B2", "trg-missile", 12, h(2)));
    assert!(l.activations().iter().all(|a| a.tier != "t2"));
    // The tier's explanation says nothing of an undeclared mode.
    assert!(
        !view(&l, "B2", "t1")
            .explanation
            .contains("declares no mode")
    );
}

#[test]
fn a_deadline_before_an_outage_stays_where_it_was() {
    let mut l = ladder();
    l.certified(h(0), &breach("B1", "trg-so", 1, h(0)));
    // Down from h50 to h55, recorded at h60: the clock ended at h48, before
    // it, and is judged there.
    let events = l
        .outage(h(60), &outage("o1", h(50), h(55)))
        .unwrap_or_else(|r| panic!("rejected: {r}"));
    assert!(extended(&events).is_empty(), "{events:?}");
    assert_eq!(view(&l, "B1", "t-so").deadline, Some(h(48)));
    assert_eq!(names(&l.advance(h(60))), ["lapsed"]);
}

#[test]
fn an_outage_extends_a_block_window_and_says_so() {
    let mut l = ladder();
    l.certified(h(0), &breach("B1", "trg-rv", 1, h(0)));
    let events = l
        .outage(h(12), &outage("o1", h(10), h(12)))
        .unwrap_or_else(|r| panic!("rejected: {r}"));
    assert_eq!(
        extended(&events),
        [("t-rv".to_string(), 2 * 3_600_000, h(48), h(50))]
    );
    let said = serde_json::to_value(&events[0]).unwrap()["explanation"].to_string();
    assert!(said.contains("the block window of tier `t-rv`"), "{said}");
}

#[test]
fn an_order_says_when_it_is_due() {
    let mut l = ladder();
    let events = l.certified(h(0), &breach("B1", "trg-missile", 12, h(0)));
    let said: Vec<String> = events
        .iter()
        .filter(|e| matches!(e, LadderEvent::OrderIssued { .. }))
        .map(|e| serde_json::to_value(e).unwrap()["explanation"].to_string())
        .collect();
    assert_eq!(said.len(), 2, "{said:#?}");
    let due = format!("due {} (6h after firing)", h(6));
    assert!(said[0].contains(&due), "{said:#?}");
}

#[test]
fn orders_of_a_superseded_breach_are_never_missed() {
    let mut l = ladder();
    l.certified(h(0), &breach("B1", "trg-missile", 12, h(0)));
    l.superseded(h(1), "B1", "the salvo was a test launch inside Russia");
    // Past both orders' deadlines (6h and 24h).
    let events = l.advance(h(30));
    assert!(
        !names(&events).contains(&"deadline_missed".to_string()),
        "{events:?}"
    );
    assert!(l.deadlines_missed().is_empty());
}

#[test]
fn a_completed_order_is_never_missed() {
    let mut l = ladder();
    l.certified(h(0), &breach("B1", "trg-missile", 12, h(0)));
    l.order_report(h(1), &report("a", "B1/t1/intel", OrderStatus::Done))
        .unwrap();
    let events = l.advance(h(30));
    let missed: Vec<String> = l
        .deadlines_missed()
        .iter()
        .map(|m| m.order.clone())
        .collect();
    assert_eq!(missed, ["B1/t1/fin"], "{events:?}");
}

#[test]
fn of_two_equally_full_repeat_windows_the_earlier_is_named() {
    // Two needed within 30 days: B1 on day 0, B3 on day 40, then B2 on day
    // 20 — [0, 30) holds B1 and B2, [20, 50) holds B2 and B3.
    let mut l = ladder();
    let day = |d: i64| Timestamp::from_millis(d * 86_400_000);
    l.certified(h(1), &breach("B1", "trg-missile", 12, day(0)));
    l.certified(h(2), &breach("B3", "trg-missile", 12, day(40)));
    l.certified(h(3), &breach("B2", "trg-missile", 12, day(20)));
    let why = view(&l, "B2", "t2").explanation;
    assert!(why.contains("(`B1`, `B2`)"), "{why}");
}

#[test]
fn an_adversary_is_known_by_the_framework_or_by_the_caller() {
    let mut l = ladder();
    l.certified(h(0), &breach("B1", "trg-missile", 12, h(0)));
    // `adv` is the framework's adversary, even when the caller names none;
    // `b` is one because the caller says so (e.g. an amendment's).
    l.attestation(
        h(1),
        &attest("adv", "self", true, 10_000, "m1"),
        &BTreeSet::new(),
    )
    .unwrap();
    let named = BTreeSet::from(["b".to_string()]);
    l.attestation(h(2), &attest("b", "radar", true, 9000, "m2"), &named)
        .unwrap();
    let relief = l.relief();
    let reasons: Vec<Option<String>> = relief[0]
        .attestations
        .iter()
        .map(|a| a.reason.clone())
        .collect();
    for r in &reasons {
        assert!(
            r.as_deref()
                .is_some_and(|r| r.contains("from an adversary party")),
            "{reasons:?}"
        );
    }
}

#[test]
fn a_tier_is_completed_only_when_every_order_is() {
    let mut l = ladder();
    l.certified(h(0), &breach("B1", "trg-missile", 12, h(0)));
    l.order_report(h(1), &report("a", "B1/t1/intel", OrderStatus::Done))
        .unwrap();
    assert_eq!(status(&l, "B1", "t1"), ActivationStatus::Fired);
    l.order_report(h(2), &report("b", "B1/t1/fin", OrderStatus::Done))
        .unwrap();
    assert_eq!(status(&l, "B1", "t1"), ActivationStatus::Completed);
}

#[test]
fn an_attestation_derived_from_a_counted_one_is_not_independent() {
    let adversaries = BTreeSet::new();
    let derived = |from: InputId| Attestation {
        derived_from: vec![from],
        ..attest("mon", "monitors", true, 9000, "m4")
    };
    // The monitor re-reports a's radar attestation: one source, no relief.
    let mut l = ladder();
    l.certified(h(0), &breach("B1", "trg-missile", 12, h(0)));
    l.attestation(h(1), &attest("a", "radar", true, 9000, "m2"), &adversaries)
        .unwrap();
    l.attestation(h(2), &derived(id("a", "radar", "m2")), &adversaries)
        .unwrap();
    let relief = l.relief();
    assert_eq!(
        relief[0].status,
        ReliefStatus::InForce,
        "{}",
        relief[0].explanation
    );
    let why = relief[0].attestations[1].reason.clone().unwrap_or_default();
    assert!(why.contains("derived from `a/radar/m2`"), "{why}");
    // Derived from something that does not count (never recorded): it is
    // its own evidence, and with a's it relieves.
    let mut l = ladder();
    l.certified(h(0), &breach("B1", "trg-missile", 12, h(0)));
    l.attestation(h(1), &attest("a", "radar", true, 9000, "m2"), &adversaries)
        .unwrap();
    l.attestation(h(2), &derived(id("c", "isr", "never-sent")), &adversaries)
        .unwrap();
    let relief = l.relief();
    assert_eq!(
        relief[0].status,
        ReliefStatus::Relieved,
        "{}",
        relief[0].explanation
    );
    assert!(relief[0].attestations.iter().all(|a| a.counted));
}

#[test]
fn a_refused_ballot_is_named_in_the_refusal() {
    let mut l = ladder();
    l.certified(h(0), &breach("B1", "trg-so", 1, h(0)));
    let err = l
        .vote(h(1), &ballot("a", "k1", "B1", "t-so", Choice::Block))
        .unwrap_err();
    assert!(err.reason.ends_with("not `block`"), "{}", err.reason);
    let events = vote_ok(
        &mut l,
        h(2),
        &ballot("a", "k1", "B1", "t-so", Choice::Against),
    );
    let said = serde_json::to_value(&events[0]).unwrap().to_string();
    assert!(said.contains("against"), "{said}");
}

#[test]
fn an_activation_says_how_it_ended() {
    let mut l = ladder();
    l.certified(h(0), &breach("B1", "trg-so", 1, h(0)));
    l.advance(h(48));
    let why = view(&l, "B1", "t-so").explanation;
    assert!(why.contains(&format!("lapsed at {}", h(48))), "{why}");
}
