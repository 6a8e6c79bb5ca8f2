//! Observations per second through fusion, triggers and certification on
//! the ukraine-2025 framework with a realistic mix (`tests/it/mix.rs`, 60
//! simulated days), compared in the same run with a plain loop that only
//! decodes the same JSON lines. The engine runs with its whole history (as
//! exercises do) and without (as a live node would; see `EngineOptions`).
//!
//! The mix, per simulated day: a night drone wave (reported by the General
//! Staff, several radars every few minutes, and the technical cell), a
//! missile salvo every third day (with ISR and the technical cell), artillery
//! fire in the security zone, and now and then an airspace violation and a
//! cyber intrusion. Most observations are re-reports of an event already
//! known, as on a real night.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::path::Path;

use base::Timestamp;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use engine::{Engine, EngineOptions};
use framework::Files;

struct Dir(std::path::PathBuf);

impl Files for Dir {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        std::fs::read(self.0.join(path)).map_err(|e| e.to_string())
    }
}

fn ukraine() -> framework::Framework {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/ukraine-2025");
    let text = std::fs::read_to_string(dir.join("framework.toml")).unwrap();
    framework::load_and_check("framework.toml", &text, &Dir(dir)).0
}

#[path = "../tests/it/mix.rs"]
mod mix;

use mix::mix;

fn bench(c: &mut Criterion) {
    let fw = ukraine();
    let lines = mix(60);
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(lines.len() as u64));
    group.sample_size(10);
    group.bench_function("decode only (reference)", |b| {
        b.iter(|| {
            for l in &lines {
                black_box(model::decode_line(&l.json, 1).unwrap());
            }
        })
    });
    group.bench_function("decode + fuse + trigger + certify", |b| {
        b.iter(|| {
            let mut engine = Engine::new(&fw).unwrap();
            for l in &lines {
                let input = model::decode_line(&l.json, 1).unwrap();
                black_box(engine.submit(l.recorded, &input).unwrap());
            }
            black_box(engine.breaches().len())
        })
    });
    let decoded: Vec<(Timestamp, model::Input)> = lines
        .iter()
        .map(|l| (l.recorded, model::decode_line(&l.json, 1).unwrap()))
        .collect();
    group.bench_function("fuse + trigger + certify (decoded)", |b| {
        b.iter(|| {
            let mut engine = Engine::new(&fw).unwrap();
            for (t, input) in &decoded {
                black_box(engine.submit(*t, input).unwrap());
            }
            black_box(engine.breaches().len())
        })
    });
    // As a node runs it: each input's decisions written away, the list
    // reused.
    group.bench_function(
        "fuse + trigger + certify (decoded, decisions reused)",
        |b| {
            b.iter(|| {
                let mut engine = Engine::new(&fw).unwrap();
                let mut out = Vec::with_capacity(16);
                for (t, input) in &decoded {
                    engine.submit_into(*t, input, &mut out).unwrap();
                    black_box(&out);
                    out.clear();
                }
                black_box(engine.breaches().len())
            })
        },
    );
    let bounded = EngineOptions {
        keep_history: false,
    };
    group.bench_function("fuse + trigger + certify (decoded, no history)", |b| {
        b.iter(|| {
            let mut engine = Engine::with_options(&fw, bounded).unwrap();
            for (t, input) in &decoded {
                black_box(engine.submit(*t, input).unwrap());
            }
            black_box(engine.breaches().len())
        })
    });
    group.bench_function("both halves: engine + ladder (decoded)", |b| {
        b.iter(|| {
            let mut decider = engine::Decider::new(&fw).unwrap();
            for (t, input) in &decoded {
                black_box(decider.submit(*t, input).unwrap());
            }
            black_box(decider.ladder().activations().len())
        })
    });
    group.finish();
    // About 100,000 injects: the whole engine, both halves, on a long run.
    let long: Vec<(Timestamp, model::Input)> = mix(1800)
        .iter()
        .map(|l| (l.recorded, model::decode_line(&l.json, 1).unwrap()))
        .collect();
    let mut group = c.benchmark_group("engine, long run");
    group.throughput(Throughput::Elements(long.len() as u64));
    group.sample_size(10);
    group.bench_function("both halves: engine + ladder, ~100k injects", |b| {
        b.iter(|| {
            let mut decider = engine::Decider::new(&fw).unwrap();
            for (t, input) in &long {
                black_box(decider.submit(*t, input).unwrap());
            }
            black_box(decider.ladder().activations().len())
        })
    });
    group.finish();
    let mut decider = engine::Decider::new(&fw).unwrap();
    for (t, input) in &long {
        decider.submit(*t, input).unwrap();
    }
    eprintln!(
        "long run: {} injects, {} breaches, {} tier activations",
        long.len(),
        decider.engine().breaches().len(),
        decider.ladder().activations().len()
    );
    // Memory: what the engine holds at the end of the long run, with its
    // whole history and without (bounded by windows and late limits).
    for keep_history in [true, false] {
        let mut engine = Engine::with_options(&fw, EngineOptions { keep_history }).unwrap();
        for (t, input) in &long {
            engine.submit(*t, input).unwrap();
        }
        eprintln!(
            "long run, keep_history = {keep_history}: holds {:?}",
            engine.retained()
        );
    }
    // What the mix produced, for the reader of the bench output.
    let mut engine = Engine::new(&fw).unwrap();
    for (t, input) in &decoded {
        engine.submit(*t, input).unwrap();
    }
    let certified = engine
        .breaches()
        .iter()
        .filter(|b| b.certified_at.is_some())
        .count();
    eprintln!(
        "mix: {} observations, {} incidents, {} breaches ({certified} certified)",
        decoded.len(),
        engine.incidents().len(),
        engine.breaches().len()
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
