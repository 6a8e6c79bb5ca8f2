//! The sequencer alone (no HTTP): observations per second submitted in
//! batches of 1,000 and committed durably, with where the time goes —
//! decoding the wire lines, the engine and the log, and the commit.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use base::Timestamp;
use ledger::note::Signer;
use node::Sequencer;

struct DirFiles(PathBuf);

impl framework::Files for DirFiles {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        std::fs::read(self.0.join(path)).map_err(|e| e.to_string())
    }
}

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/ukraine-2025");
    let text = std::fs::read_to_string(dir.join("framework.toml")).unwrap();
    let fw = framework::load_and_check("framework.toml", &text, &DirFiles(dir)).0;
    let data = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-sequencer");
    let _ = std::fs::remove_dir_all(&data);
    let n: u64 = std::env::var("BULWARK_BENCH_INPUTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let batch = 1_000;
    let start = Timestamp::parse("2026-03-01T00:00:00Z").unwrap();
    let signer = Signer::from_seed("bulwark.bench/node", [2; 32]).unwrap();
    let (mut seq, _) = Sequencer::open(&fw, &data, signer, "coalition", start).unwrap();
    let parties = [
        ("ukraine", "radar-east", "radar"),
        ("us", "isr-rivet-joint", "isr"),
        ("poland", "radar-rzeszow", "radar"),
    ];
    let (mut decode, mut submit) = (Duration::ZERO, Duration::ZERO);
    let all = Instant::now();
    let mut k = 0u64;
    while k < n {
        let now = Timestamp::from_millis(start.millis() + (k as i64) * 10);
        let t = Instant::now();
        let (party, source, class) = parties[((k / batch) % 3) as usize];
        let inputs: Vec<model::Input> = (k..k + batch)
            .map(|i| {
                // Salvos an hour apart, each reported by one party: the
                // engine fuses, counts and opens breaches as it would.
                let observed = Timestamp::from_millis(start.millis() + (i as i64 / 50) * 3_600_000);
                let line = format!(
                    r#"{{"v":1,"type":"observation","id":{{"party":"{party}","source":"{source}","message":"m-{i}"}},"class":"{class}","observed":{{"from":"{observed}"}},"place":{{"zone":"ukraine"}},"kind":"missile_launch","counts":{{"launched":6}},"confidence_bp":9000}}"#
                );
                model::decode_line(&line, 1).unwrap()
            })
            .collect();
        decode += t.elapsed();
        let t = Instant::now();
        let (answers, _) = seq.submit(now, Some(party), inputs).unwrap();
        submit += t.elapsed();
        assert!(answers.iter().all(Result::is_ok));
        k += batch;
    }
    let secs = all.elapsed().as_secs_f64();
    println!(
        "sequencer: {n} observations in batches of {batch}: {:.0}/s overall",
        n as f64 / secs
    );
    println!(
        "  decoding wire lines: {:.1} µs per input",
        decode.as_secs_f64() * 1e6 / n as f64
    );
    println!(
        "  sequencing + logging + durable commit: {:.1} µs per input",
        submit.as_secs_f64() * 1e6 / n as f64
    );
    println!("  log: {} entries", seq.log_head().0);
    let rss = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS"))
                .map(str::to_string)
        })
        .unwrap_or_default();
    println!("  {rss}");
}
