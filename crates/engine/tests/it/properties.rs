//! Properties over generated inputs (proptest): order of simultaneous
//! inputs, duplicates and batching never change a decision; one party never
//! satisfies independence; re-reporting never grows a count.

use base::Timestamp;
use engine::{BreachStatus, Engine};
use model::{Counts, Input, InputId, Observation, Observed, Place, Point, Retraction};
use proptest::prelude::*;

use crate::ukraine;

/// (party, class) pairs the ukraine-2025 framework accepts.
const SOURCES: &[(&str, &str)] = &[
    ("ukraine", "general-staff"),
    ("ukraine", "radar"),
    ("us", "allied-isr"),
    ("us", "radar"),
    ("uk", "allied-isr"),
    ("technical-cell", "technical-cell"),
    ("monitoring-mission", "ground-monitors"),
];

const START: i64 = 1_762_000_000_000; // 2025-11-01T12:26:40Z

#[derive(Clone, Debug)]
pub(crate) struct Gen {
    pub(crate) source: usize,
    pub(crate) msg: u32,
    pub(crate) kind: bool,
    pub(crate) minute: i64,
    pub(crate) launched: u32,
    pub(crate) place: u8,
    pub(crate) confidence: u16,
    pub(crate) delay_min: i64,
}

pub(crate) fn arb_obs() -> impl Strategy<Value = Gen> {
    (
        0..SOURCES.len(),
        0u32..1000,
        any::<bool>(),
        0i64..600,
        0u32..60,
        0u8..3,
        5000u16..10_000,
        1i64..90,
    )
        .prop_map(
            |(source, msg, kind, minute, launched, place, confidence, delay_min)| Gen {
                source,
                msg,
                kind,
                minute,
                launched,
                place,
                confidence,
                delay_min,
            },
        )
}

pub(crate) fn observation(g: &Gen) -> (Timestamp, Input) {
    let (party, class) = SOURCES[g.source];
    let at = Timestamp::from_millis(START + g.minute * 60_000);
    let points = [
        (305_234_000, 504_501_000),
        (361_234_000, 499_901_000),
        (240_000_000, 497_000_000),
    ];
    let (lon, lat) = points[g.place as usize];
    let o = Observation {
        id: InputId {
            party: party.into(),
            source: format!("{class}-1").into(),
            message: format!("m{}", g.msg).into(),
        },
        class: class.into(),
        derived_from: vec![],
        observed: Observed::at(at),
        place: Place {
            point: Some(Point {
                lon_e7: lon,
                lat_e7: lat,
            }),
            ..Place::default()
        },
        kind: if g.kind {
            "missile_launch".into()
        } else {
            "drone_launch".into()
        },
        counts: Counts {
            launched: Some(g.launched),
            ..Counts::default()
        },
        weapon: None,
        target: None,
        attribution: None,
        confidence_bp: g.confidence,
        releasability: Default::default(),
        attributes: Default::default(),
    };
    (
        at.plus(base::Duration::from_seconds(g.delay_min * 60)),
        Input::Observation(o),
    )
}

/// Recorded time → inputs, in time order; within one time, generation order.
fn batches(gens: &[Gen]) -> Vec<(Timestamp, Vec<Input>)> {
    let mut items: Vec<(Timestamp, usize, Input)> = gens
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let (t, input) = observation(g);
            (t, i, input)
        })
        .collect();
    items.sort_by_key(|(t, i, _)| (*t, *i));
    let mut out: Vec<(Timestamp, Vec<Input>)> = Vec::new();
    for (t, _, input) in items {
        match out.last_mut() {
            Some((last, group)) if *last == t => group.push(input),
            _ => out.push((t, vec![input])),
        }
    }
    out
}

/// A retraction of generated observation `target` (modulo their number),
/// `delay_min` after it was recorded, by its own party or another.
#[derive(Clone, Debug)]
struct GenRetraction {
    target: usize,
    delay_min: i64,
    own: bool,
}

fn arb_retraction() -> impl Strategy<Value = GenRetraction> {
    (0usize..64, 0i64..600, prop::bool::weighted(0.8)).prop_map(|(target, delay_min, own)| {
        GenRetraction {
            target,
            delay_min,
            own,
        }
    })
}

fn retraction(k: usize, r: &GenRetraction, gens: &[Gen]) -> Option<(Timestamp, Input)> {
    let g = gens.get(r.target % gens.len().max(1))?;
    let (at, input) = observation(g);
    let target = input.id().clone();
    let party = if r.own {
        target.party.clone()
    } else {
        SOURCES[(g.source + 2) % SOURCES.len()].0.into()
    };
    let input = Input::Retraction(Retraction {
        id: InputId {
            party,
            source: "desk".into(),
            message: format!("x{k}").into(),
        },
        retracts: target,
        reason: "generated".into(),
    });
    Some((
        at.plus(base::Duration::from_seconds(r.delay_min * 60)),
        input,
    ))
}

/// Observations and retractions by recorded time (generation order within one).
fn batches_with(gens: &[Gen], retractions: &[GenRetraction]) -> Vec<(Timestamp, Vec<Input>)> {
    let mut items: Vec<(Timestamp, usize, Input)> = gens
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let (t, input) = observation(g);
            (t, i, input)
        })
        .collect();
    for (k, r) in retractions.iter().enumerate() {
        if let Some((t, input)) = retraction(k, r, gens) {
            items.push((t, gens.len() + k, input));
        }
    }
    items.sort_by_key(|(t, i, _)| (*t, *i));
    let mut out: Vec<(Timestamp, Vec<Input>)> = Vec::new();
    for (t, _, input) in items {
        match out.last_mut() {
            Some((last, group)) if *last == t => group.push(input),
            _ => out.push((t, vec![input])),
        }
    }
    out
}

fn state(engine: &Engine) -> String {
    serde_json::to_string(&(engine.incidents(), engine.breaches())).unwrap()
}

fn run(batches: &[(Timestamp, Vec<Input>)], end: Timestamp) -> String {
    let mut engine = Engine::new(&ukraine()).unwrap();
    for (t, group) in batches {
        engine.submit_batch(*t, group).unwrap();
    }
    engine.advance(end).unwrap();
    state(&engine)
}

fn end() -> Timestamp {
    Timestamp::from_millis(START + 3 * 86_400_000)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn simultaneous_order_duplicates_and_batching_change_nothing(gens in prop::collection::vec(arb_obs(), 1..40), seed in any::<u64>()) {
        let reference = run(&batches(&gens), end());
        // Reverse-rotate every group of simultaneous inputs.
        let mut shuffled = batches(&gens);
        for (_, group) in &mut shuffled {
            let n = group.len();
            group.rotate_left((seed as usize) % n.max(1));
            group.reverse();
        }
        prop_assert_eq!(&reference, &run(&shuffled, end()));
        // Every input again, one minute later: absorbed as duplicates.
        let mut doubled = batches(&gens);
        let copies: Vec<(Timestamp, Vec<Input>)> =
            doubled.iter().map(|(t, g)| (t.plus(base::Duration::from_seconds(60)), g.clone())).collect();
        doubled.extend(copies);
        doubled.sort_by_key(|(t, _)| *t);
        let mut merged: Vec<(Timestamp, Vec<Input>)> = Vec::new();
        for (t, g) in doubled {
            match merged.last_mut() {
                Some((last, group)) if *last == t => group.extend(g),
                _ => merged.push((t, g)),
            }
        }
        prop_assert_eq!(&reference, &run(&merged, end()));
        // One input at a time, with clock advances between: same state.
        let mut engine = Engine::new(&ukraine()).unwrap();
        for (t, group) in batches(&gens) {
            engine.advance(t).unwrap();
            engine.submit_batch(t, &group).unwrap();
        }
        engine.advance(end()).unwrap();
        prop_assert_eq!(&reference, &state(&engine));
    }

    #[test]
    fn retractions_decide_the_same_in_any_order_and_batching(
        gens in prop::collection::vec(arb_obs(), 1..30),
        retractions in prop::collection::vec(arb_retraction(), 1..8),
        seed in any::<u64>(),
    ) {
        let groups = batches_with(&gens, &retractions);
        let decide = |groups: &[(Timestamp, Vec<Input>)], one_by_one: bool| -> (String, String) {
            let mut engine = Engine::new(&ukraine()).unwrap();
            let mut decisions = Vec::new();
            for (t, group) in groups {
                if one_by_one {
                    // The engine's order for simultaneous inputs, one call each.
                    let mut sorted: Vec<&Input> = group.iter().collect();
                    sorted.sort_by_key(|i| (i.id().clone(), model::canonical::to_vec(i)));
                    decisions.extend(engine.advance(*t).unwrap());
                    for input in sorted {
                        decisions.extend(engine.submit(*t, input).unwrap());
                    }
                } else {
                    decisions.extend(engine.submit_batch(*t, group).unwrap());
                }
            }
            decisions.extend(engine.advance(end()).unwrap());
            (serde_json::to_string(&decisions).unwrap(), state(&engine))
        };
        let reference = decide(&groups, false);
        let mut shuffled = groups.clone();
        for (_, group) in &mut shuffled {
            let n = group.len();
            group.rotate_left((seed as usize) % n.max(1));
            group.reverse();
        }
        prop_assert_eq!(&reference, &decide(&shuffled, false));
        prop_assert_eq!(&reference, &decide(&groups, true));
    }

    #[test]
    fn a_retraction_by_another_party_changes_nothing(
        gens in prop::collection::vec(arb_obs(), 1..30),
        retractions in prop::collection::vec(arb_retraction(), 1..8),
    ) {
        let foreign: Vec<GenRetraction> = retractions
            .into_iter()
            .map(|r| GenRetraction { own: false, ..r })
            .collect();
        let with = run(&batches_with(&gens, &foreign), end());
        prop_assert_eq!(run(&batches(&gens), end()), with);
    }

    #[test]
    fn one_party_never_satisfies_independence(gens in prop::collection::vec(arb_obs(), 1..40)) {
        // Everything from `us`, whatever classes it claims.
        let us_only: Vec<Gen> = gens.into_iter().map(|mut g| { g.source = if g.source % 2 == 0 { 2 } else { 3 }; g }).collect();
        let mut engine = Engine::new(&ukraine()).unwrap();
        for (t, group) in batches(&us_only) {
            engine.submit_batch(t, &group).unwrap();
        }
        engine.advance(end()).unwrap();
        for b in engine.breaches() {
            prop_assert!(b.status == BreachStatus::Open, "{:?}", b);
            prop_assert!(b.certified_at.is_none());
        }
    }

    #[test]
    fn re_reporting_never_grows_a_count(gens in prop::collection::vec(arb_obs(), 1..30), extra in 0usize..30) {
        // One message id per report, so that every report is in hand (an id
        // sent twice with other content is refused, and "re-reporting" that
        // refused content would be new evidence, not a re-report).
        let gens: Vec<Gen> = gens.into_iter().enumerate().map(|(i, mut g)| { g.msg = i as u32; g }).collect();
        let mut engine = Engine::new(&ukraine()).unwrap();
        let groups = batches(&gens);
        for (t, group) in &groups {
            engine.submit_batch(*t, group).unwrap();
        }
        let before: Vec<(String, u64, u64)> = engine.incidents().iter().map(|i| (i.id.clone(), i.count.low, i.count.high)).collect();
        // The same report again, under a new message id, as a re-report.
        let (_, group) = &groups[extra % groups.len()];
        let last = groups.last().map(|(t, _)| *t).unwrap();
        let Input::Observation(o) = &group[0] else { unreachable!() };
        let mut again = o.clone();
        again.derived_from = vec![o.id.clone()];
        again.id.message = format!("{}-again", o.id.message).into();
        engine.submit(last.plus(base::Duration::from_seconds(120)), &Input::Observation(again)).unwrap();
        let after: Vec<(String, u64, u64)> = engine.incidents().iter().map(|i| (i.id.clone(), i.count.low, i.count.high)).collect();
        prop_assert_eq!(before, after);
    }
}
