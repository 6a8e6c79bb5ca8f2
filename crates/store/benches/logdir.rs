//! Durable appends: entries per second into a log directory with batches
//! of 1, 100 and 1,000 entries (each batch one `fdatasync`, then a signed
//! checkpoint written whole), against the machine's raw limit in the same
//! run — the same bytes appended to a plain file with one `fdatasync` per
//! batch and nothing else.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ledger::entry;
use ledger::note::Signer;
use store::logdir::LogDir;

fn entry_bytes(n: u64) -> Vec<u8> {
    entry::canonical(&serde_json::json!({
        "entry": "input", "at": "2026-03-01T00:05:00Z",
        "input": {"v": 1, "type": "observation", "id": {"party": "ukraine", "source": "radar-east", "message": format!("trk-{n}")},
                  "class": "radar", "observed": {"from": "2026-03-01T00:01:00Z"}, "place": {"zone": "ukraine"},
                  "kind": "missile_launch", "counts": {"launched": 6}, "confidence_bp": 9000}
    }))
}

fn scratch(name: &str) -> PathBuf {
    // Beside the build, on the disk the node would use (not a tmpfs).
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("bench-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("durable_append");
    group.sample_size(10);
    for batch in [1u64, 100, 1000] {
        let entries: Vec<Vec<u8>> = (0..batch).map(entry_bytes).collect();
        let mut joined = Vec::new();
        for e in &entries {
            joined.extend_from_slice(e);
            joined.push(b'\n');
        }
        group.throughput(Throughput::Elements(batch));
        let raw = scratch(&format!("raw-{batch}"));
        let mut file = OpenOptions::new()
            .append(true)
            .create(true)
            .open(raw.join("raw"))
            .unwrap();
        group.bench_function(format!("raw_write_fdatasync/batch_{batch}"), |b| {
            b.iter(|| {
                file.write_all(&joined).unwrap();
                file.sync_data().unwrap();
            })
        });
        let dir = scratch(&format!("log-{batch}"));
        let signer = Signer::from_seed("bulwark.bench/log", [1; 32]).unwrap();
        let mut log = LogDir::create(&dir.join("log"), signer).unwrap();
        group.bench_function(format!("logdir_append_checkpoint/batch_{batch}"), |b| {
            b.iter(|| {
                log.append(&entries).unwrap();
                log.checkpoint().unwrap().len()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
