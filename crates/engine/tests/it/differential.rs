//! Differential tests: the engine against its oracle (the first, plain
//! implementation kept under `oracle/`) on generated inputs that reach every
//! rule — valid and invalid sources, kinds, weapons, zones, tracks across
//! lines, intervals, late and future data, attributions, re-reports,
//! reviews, duplicates and conflicts, and clocks run out by `advance`.
//! Every decision and the final views must serialize to the same bytes.

use base::Timestamp;
use engine::Engine;
use model::{
    Attribution, Choice, Counts, Finding, Input, InputId, Observation, Observed, Place, Point,
    Retraction, Review, TrackPoint, Vote,
};

use crate::mix;
use crate::oracle;
use crate::ukraine;

/// A small deterministic generator (xorshift64*).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// (party, class): valid pairs, and a few the engine must refuse.
const SOURCES: &[(&str, &str)] = &[
    ("ukraine", "general-staff"),
    ("ukraine", "radar"),
    ("ukraine", "cyber-forensics"),
    ("poland", "radar"),
    ("us", "allied-isr"),
    ("us", "radar"),
    ("us", "satellite"),
    ("us", "cyber-forensics"),
    ("uk", "allied-isr"),
    ("technical-cell", "technical-cell"),
    ("monitoring-mission", "ground-monitors"),
    ("turkey", "maritime-patrol"),
    ("russia", "adversary-declarations"),
    ("russia", "radar"),
    ("nobody", "radar"),
    ("us", "no-such-class"),
];

const KINDS: &[&str] = &[
    "missile_launch",
    "uav_launch",
    "artillery_fire",
    "airspace_violation",
    "cyber_intrusion",
    "armour_movement",
    "sabotage",
    "armed_group_attack",
    "mine_laying",
    "force_concentration",
    "made_up_kind",
];

const WEAPONS: &[&str] = &[
    "missile",
    "kh-101",
    "cruise-missile",
    "iskander-m",
    "ballistic-missile",
    "uav",
    "shahed-136",
    "one-way-attack-uav",
    "decoy-uav",
    "orlan-10",
    "tank",
    "armour",
    "tube-artillery",
    "artillery",
    "usv",
    "no-such-weapon",
];

const ZONES: &[&str] = &[
    "ukraine",
    "kharkiv-oblast",
    "dnipropetrovsk-oblast",
    "western-ukraine",
    "security-zone",
    "black-sea-corridor",
    "buildup-watch-area",
    "line-of-contact",
    "pullback-line",
    "rzeszow-hub",
    "no-such-zone",
];

/// Kyiv, Kharkiv, Dnipro, the security zone, the Black Sea, Rzeszów, Moscow,
/// the watch area, and Lviv.
const POINTS: &[(f64, f64)] = &[
    (30.52, 50.45),
    (36.23, 49.99),
    (35.05, 48.46),
    (35.0, 47.5),
    (30.7, 45.0),
    (22.0, 50.1),
    (37.6, 55.75),
    (38.5, 49.0),
    (24.03, 49.84),
];

const TARGETS: &[&str] = &["energy_grid", "energy", "civilian", "rail", "water"];
const ACTORS: &[&str] = &["russia", "ukraine", "wagner", "us"];
const BASES: &[&str] = &[
    "malware_signature",
    "command_link",
    "funding_link",
    "infrastructure_overlap",
    "hearsay",
];

const START: i64 = 1_762_000_000_000;
const MINUTE: i64 = 60_000;

fn point(lon: f64, lat: f64) -> Point {
    Point {
        lon_e7: (lon * 1e7) as i32,
        lat_e7: (lat * 1e7) as i32,
    }
}

/// One step of a generated run.
// Observations are nearly every step; boxing them would only add noise here.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum Step {
    Submit(Timestamp, Input),
    Batch(Timestamp, Vec<Input>),
    Advance(Timestamp),
}

/// A generated run of about `n` steps over a few days.
pub fn generate(seed: u64, n: usize) -> Vec<Step> {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut now = START;
    let mut sent: Vec<Input> = Vec::new();
    let mut steps = Vec::new();
    // A few focused places and kinds per run, so that observations fuse.
    let kinds: Vec<&'static str> = (0..2).map(|_| *rng.pick(KINDS)).collect();
    let mut events: Vec<Event> = Vec::new();
    for k in 0..n {
        now += (rng.below(12) as i64) * MINUTE;
        if rng.chance(3) {
            now += (rng.below(36) as i64) * 3_600_000;
        }
        let recorded = Timestamp::from_millis(now);
        let r = rng.below(100);
        if r < 6 && !sent.is_empty() {
            // The same input again, or a changed copy under the same identity.
            let mut again = rng.pick(&sent).clone();
            if rng.chance(40)
                && let Input::Observation(o) = &mut again
            {
                o.confidence_bp = o.confidence_bp.saturating_sub(1);
            }
            steps.push(Step::Submit(recorded, again));
            continue;
        }
        if r < 10 {
            steps.push(Step::Advance(recorded));
            continue;
        }
        if r < 16 {
            let party = *rng.pick(&["technical-cell", "monitoring-mission", "us", "nobody"]);
            let breach = format!("B{}", rng.below(8));
            let breach = if rng.chance(5) {
                "B01".to_string()
            } else {
                breach
            };
            let input = Input::Review(Review {
                id: InputId {
                    party: party.into(),
                    source: "desk".into(),
                    message: format!("r{k}").into(),
                },
                breach,
                finding: *rng.pick(&[Finding::Certify, Finding::Reject, Finding::Contest]),
                note: None,
            });
            sent.push(input.clone());
            steps.push(Step::Submit(recorded, input));
            continue;
        }
        if (18..22).contains(&r) {
            // A retraction: mostly of an observation by its own party; now
            // and then by another party, of a review, or of nothing sent.
            let observations: Vec<&InputId> = sent
                .iter()
                .filter(|i| matches!(i, Input::Observation(_)))
                .map(Input::id)
                .collect();
            let target = match rng.below(10) {
                0 => InputId {
                    party: "us".into(),
                    source: "radar-src".into(),
                    message: format!("m{}", k + 5).into(),
                },
                1 => sent
                    .iter()
                    .rev()
                    .find(|i| matches!(i, Input::Review(_)))
                    .map_or_else(
                        || InputId {
                            party: "technical-cell".into(),
                            source: "desk".into(),
                            message: "r0".into(),
                        },
                        |i| i.id().clone(),
                    ),
                _ if !observations.is_empty() => (*rng.pick(&observations)).clone(),
                _ => InputId {
                    party: "ukraine".into(),
                    source: "radar-src".into(),
                    message: "m0".into(),
                },
            };
            let party = if rng.chance(85) {
                target.party.clone()
            } else {
                (*rng.pick(&["us", "ukraine", "technical-cell", "nobody"])).into()
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
            sent.push(input.clone());
            steps.push(Step::Submit(recorded, input));
            continue;
        }
        if r < 24 {
            let input = Input::Vote(Vote {
                id: InputId {
                    party: (*rng.pick(&["us", "nobody"])).into(),
                    source: "desk".into(),
                    message: format!("v{k}").into(),
                },
                breach: "B1".into(),
                tier: "t1-rails".into(),
                choice: Choice::For,
            });
            sent.push(input.clone());
            steps.push(Step::Submit(recorded, input));
            continue;
        }
        let count = if rng.chance(3) { 1 + rng.below(4) } else { 1 };
        let mut batch = Vec::new();
        for j in 0..count {
            let o = observation(
                &mut rng,
                &kinds,
                &mut events,
                &sent,
                now,
                k * 10 + j as usize,
            );
            sent.push(Input::Observation(o.clone()));
            batch.push(Input::Observation(o));
        }
        if batch.len() == 1 {
            steps.push(Step::Submit(recorded, batch.remove(0)));
        } else {
            steps.push(Step::Batch(recorded, batch));
        }
    }
    steps.push(Step::Advance(Timestamp::from_millis(now + 5 * 86_400_000)));
    steps
}

/// An event several sources may report.
struct Event {
    kind: &'static str,
    at: i64,
    place: usize,
    weapons: &'static [&'static str],
    count: u64,
}

fn families(kind: &str) -> &'static [&'static str] {
    match kind {
        "missile_launch" => &[
            "missile",
            "kh-101",
            "cruise-missile",
            "iskander-m",
            "kalibr",
        ],
        "uav_launch" => &["uav", "shahed-136", "one-way-attack-uav", "decoy-uav"],
        "artillery_fire" => &["artillery", "tube-artillery", "mlrs"],
        "airspace_violation" => &["recon-uav", "orlan-10", "aircraft", "fixed-wing"],
        "armour_movement" => &["armour", "tank", "ifv"],
        _ => &[],
    }
}

fn observation(
    rng: &mut Rng,
    kinds: &[&'static str],
    events: &mut Vec<Event>,
    sent: &[Input],
    now: i64,
    n: usize,
) -> Observation {
    let (party, class) = if rng.chance(95) {
        *rng.pick(&SOURCES[..13])
    } else {
        *rng.pick(SOURCES)
    };
    if events.is_empty() || rng.chance(25) {
        let kind = *rng.pick(kinds);
        events.push(Event {
            kind,
            at: now - (rng.below(90) as i64) * MINUTE,
            place: rng.below(POINTS.len() as u64) as usize,
            weapons: families(kind),
            count: 1 + rng.below(40),
        });
    }
    let recent = events.len().saturating_sub(4);
    let event = &events[recent + rng.below((events.len() - recent) as u64) as usize];
    let random = rng.chance(10);
    // Observed about when the event happened; now and then late or "future".
    let mut from = event.at + (rng.below(40) as i64 - 20) * MINUTE;
    match rng.below(25) {
        0 => from = now + (1 + rng.below(15) as i64) * MINUTE,
        1 => from -= (rng.below(48) as i64) * 3_600_000,
        _ => {}
    }
    if random {
        from = now - (rng.below(600) as i64) * MINUTE;
    }
    let from = from.min(now + 10 * MINUTE);
    let to = match rng.below(40) {
        0..=3 => Some(from + (rng.below(8 * 60) as i64) * MINUTE),
        4 => Some(from - MINUTE),
        _ => None,
    };
    let (lon, lat) = if random {
        *rng.pick(POINTS)
    } else {
        POINTS[event.place]
    };
    let place = match rng.below(12) {
        0 => Place::default(),
        1 | 2 => {
            let zones = if rng.chance(90) { &ZONES[..10] } else { ZONES };
            Place {
                zone: Some((*rng.pick(zones)).into()),
                ..Place::default()
            }
        }
        3 => {
            // A track across (or along) the line of contact.
            let (lat, lon) = (47.0 + rng.below(30) as f64 / 10.0, 35.5);
            let t0 = Timestamp::from_millis(from);
            let east = 1.0 + rng.below(3) as f64;
            let a = point(lon, lat);
            let b = point(lon + east, lat);
            Place {
                track: vec![
                    TrackPoint {
                        lon_e7: a.lon_e7,
                        lat_e7: a.lat_e7,
                        at: t0,
                    },
                    TrackPoint {
                        lon_e7: b.lon_e7,
                        lat_e7: b.lat_e7,
                        at: t0,
                    },
                ],
                ..Place::default()
            }
        }
        _ => {
            let jitter = rng.below(40) as f64 / 100.0;
            Place {
                point: Some(point(lon + jitter, lat)),
                zone: rng.chance(5).then(|| (*rng.pick(&ZONES[..10])).into()),
                ..Place::default()
            }
        }
    };
    let mut counts = Counts::default();
    if rng.chance(80) {
        counts.launched = Some((event.count + rng.below(5)).saturating_sub(2) as u32);
    }
    if rng.chance(20) {
        counts.crossings = Some(rng.below(5) as u32);
    }
    if rng.chance(10) {
        counts.hit = Some(rng.below(9) as u32);
    }
    let derived_from = if rng.chance(8) && !sent.is_empty() {
        vec![
            rng.pick(&sent[sent.len().saturating_sub(10)..])
                .id()
                .clone(),
        ]
    } else if rng.chance(3) {
        // Derived from something that arrives later (or never).
        let (p, c) = *rng.pick(&SOURCES[..13]);
        vec![InputId {
            party: p.into(),
            source: format!("{c}-src").into(),
            message: format!("m{}", n + 10 + rng.below(20) as usize).into(),
        }]
    } else {
        vec![]
    };
    let attribution = rng.chance(12).then(|| Attribution {
        actor: (*rng.pick(ACTORS)).into(),
        confidence_bp: 6000 + rng.below(4000) as u16,
        basis: (0..rng.below(3))
            .map(|_| (*rng.pick(BASES)).to_string())
            .collect(),
    });
    let weapon = if rng.chance(3) {
        Some((*rng.pick(WEAPONS)).to_string())
    } else if rng.chance(75) && !event.weapons.is_empty() {
        Some((*rng.pick(event.weapons)).to_string())
    } else {
        None
    };
    Observation {
        id: InputId {
            party: party.into(),
            source: format!("{class}-src").into(),
            message: format!("m{n}").into(),
        },
        class: class.into(),
        derived_from,
        observed: Observed {
            from: Timestamp::from_millis(from),
            to: to.map(Timestamp::from_millis),
        },
        place,
        kind: if random { *rng.pick(KINDS) } else { event.kind }.into(),
        counts,
        weapon,
        target: rng.chance(30).then(|| (*rng.pick(TARGETS)).into()),
        attribution,
        confidence_bp: if rng.chance(2) {
            10_001
        } else {
            7000 + rng.below(3001) as u16
        },
        releasability: Default::default(),
        attributes: Default::default(),
    }
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap()
}

/// Runs `steps` through the engine and the oracle; panics at the first
/// difference, naming the step. Returns the kinds of decision made, with
/// how often each was made.
pub fn compare(label: &str, steps: &[Step]) -> std::collections::BTreeMap<String, usize> {
    let mut kinds = std::collections::BTreeMap::new();
    let fw = ukraine();
    let mut engine = Engine::new(&fw).unwrap();
    let mut oracle = oracle::Engine::new(&fw).unwrap();
    for (k, step) in steps.iter().enumerate() {
        let (ours, theirs) = match step {
            Step::Submit(t, input) => (
                json(&engine.submit(*t, input).unwrap()),
                json(&oracle.submit(*t, input).unwrap()),
            ),
            Step::Batch(t, inputs) => (
                json(&engine.submit_batch(*t, inputs).unwrap()),
                json(&oracle.submit_batch(*t, inputs).unwrap()),
            ),
            Step::Advance(t) => (
                json(&engine.advance(*t).unwrap()),
                json(&oracle.advance(*t).unwrap()),
            ),
        };
        assert_eq!(
            ours, theirs,
            "{label}: decisions differ at step {k}: {step:?}"
        );
        let made: serde_json::Value = serde_json::from_str(&ours).unwrap();
        for d in made.as_array().into_iter().flatten() {
            let kind = d["decision"].as_str().unwrap_or_default().to_string();
            *kinds.entry(kind).or_insert(0) += 1;
        }
    }
    assert_eq!(
        json(&engine.incidents()),
        json(&oracle.incidents()),
        "{label}: incidents differ"
    );
    assert_eq!(
        json(&engine.breaches()),
        json(&oracle.breaches()),
        "{label}: breaches differ"
    );
    kinds
}

#[test]
fn generated_runs_decide_as_the_oracle() {
    let runs: u64 = std::env::var("DIFFERENTIAL_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    let mut kinds = std::collections::BTreeMap::new();
    for seed in 0..runs {
        let steps = generate(seed, 30 + (seed as usize % 5) * 25);
        for (kind, n) in compare(&format!("seed {seed}"), &steps) {
            *kinds.entry(kind).or_insert(0) += n;
        }
    }
    // The runs reach the retraction rules, both ways.
    if runs >= 150 {
        for kind in ["observation_retracted", "breach_upheld", "breach_withdrawn"] {
            assert!(
                kinds.get(kind).is_some_and(|n| *n > 0),
                "no `{kind}` in {kinds:?}"
            );
        }
    }
}

#[test]
fn the_benchmark_mix_decides_as_the_oracle() {
    let steps: Vec<Step> = mix::mix(30)
        .into_iter()
        .map(|l| Step::Submit(l.recorded, model::decode_line(&l.json, 1).unwrap()))
        .collect();
    compare("mix", &steps);
}
