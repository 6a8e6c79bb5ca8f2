//! The dashboard's first render with 1,000 incidents, in headless Chromium,
//! against the browser's own floor measured in the same run: a static page
//! holding the same rows and map marks, no script. Needs Chromium and
//! `npm ci --prefix crates/server/dashboard/test`.
//!
//! `cargo bench -p bulwark --bench dashboard` (`DASHBOARD_INCIDENTS`, default 1000).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

use serde_json::{Value, json};

#[path = "../tests/common/mod.rs"]
mod common;
use common::*;

fn main() {
    let n: u64 = std::env::var("DASHBOARD_INCIDENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let data = scratch("dashboard-bench");
    let port = free_port();
    let mut node = start(&data, port);
    let t = tokens(&data);
    let now_s = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    // One report per incident: spread over seven days and a grid over the
    // country, far enough apart in time and place that none fuse.
    let inputs: Vec<Value> = (0..n)
        .map(|i| {
            let (col, row) = ((i % 40) as i64, ((i / 40) % 25) as i64);
            let at = now_s - 7 * 86_400 + (i as i64) * (7 * 86_400 - 600) / n.max(1) as i64;
            let kind = ["drone_launch", "missile_launch", "artillery_fire"][(i % 3) as usize];
            json!({
                "v": 1, "type": "observation",
                "id": {"party": "ukraine", "source": "bench", "message": format!("b-{i}")},
                "class": "general-staff",
                "observed": {"from": base::Timestamp::from_seconds(at).to_string()},
                "place": {"point": {"lon_e7": 230_000_000 + col * 3_500_000, "lat_e7": 452_000_000 + row * 2_000_000}},
                "kind": kind, "counts": {"launched": 1 + i % 4}, "confidence_bp": 7000
            })
        })
        .collect();
    for chunk in inputs.chunks(500) {
        let (status, answer) = post(port, &t["ukraine"], chunk).unwrap();
        assert_eq!(status, 200, "{answer}");
    }
    // The board is built on the sequencer thread: what a refresh costs it,
    // against the plain status view of the same state.
    for path in ["/api/v1/board", "/api/v1/status"] {
        let mut times: Vec<f64> = (0..21)
            .map(|_| {
                let t0 = std::time::Instant::now();
                http(port, "GET", path, None, "").unwrap();
                t0.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        times.sort_by(f64::total_cmp);
        let bytes = http(port, "GET", path, None, "").unwrap().1.len();
        eprintln!(
            "GET {path}: median {:.1} ms, {} KiB",
            times[10],
            bytes / 1024
        );
    }
    let (_, board) = http(port, "GET", "/api/v1/board", None, "").unwrap();
    let board: Value = serde_json::from_str(&board).unwrap();
    let incidents = board["incidents"].as_array().map_or(0, Vec::len);
    eprintln!(
        "{incidents} incidents on the board, {} breaches",
        board["breaches"].as_array().map_or(0, Vec::len)
    );
    let driver =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../server/dashboard/test");
    let status = Command::new("node")
        .arg("bench.mjs")
        .current_dir(&driver)
        .env("DASHBOARD_URL", format!("http://127.0.0.1:{port}"))
        .env(
            "CHROMIUM",
            std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
        )
        .status()
        .expect("node");
    let _ = node.kill();
    let _ = node.wait();
    assert!(status.success());
}
