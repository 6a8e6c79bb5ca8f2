//! The dashboard in a real browser: `bulwark serve` on loopback, a live
//! scenario posted by its parties, and headless Chromium (Debian's
//! `chromium`, driven by `playwright-core` from
//! `crates/server/dashboard/test`) checking what a person would see —
//! the certified breach, the fired tier and its orders, a countdown that
//! moves, every figure linked to log entries that exist and prove, the
//! public view free of a restricted report that the auditor's view shows,
//! and the evidence pack verified in the browser with the node stopped,
//! failing on a tampered pack. Screenshots are kept in
//! `target/dashboard-artefacts/` (or `$BULWARK_ARTEFACTS`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

mod common;
use common::*;

/// Reads files relative to a directory (the scenario's references).
struct DirFiles(PathBuf);

impl framework::Files for DirFiles {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        std::fs::read(self.0.join(path)).map_err(|e| format!("{path}: {e}"))
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// Every RFC 3339 time in `v` moved by `by_ms`.
fn shift(v: &mut Value, by_ms: i64) {
    match v {
        Value::String(s) => {
            if s.len() >= 20
                && s.as_bytes().get(4) == Some(&b'-')
                && let Ok(t) = base::Timestamp::parse(s)
            {
                *s = base::Timestamp::from_millis(t.millis() + by_ms).to_string();
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| shift(x, by_ms)),
        Value::Object(o) => o.values_mut().for_each(|x| shift(x, by_ms)),
        _ => {}
    }
}

/// A scenario's inputs in wire form, moved so its last inject is a minute ago.
fn scenario(name: &str) -> Vec<Value> {
    let dir = example().join("scenarios");
    let (fw, _) = framework::load(
        "framework.toml",
        &std::fs::read_to_string(example().join("framework.toml")).unwrap(),
        &DirFiles(example()),
    );
    let s = exercise::msel::load_any(
        name,
        &std::fs::read(dir.join(name)).unwrap(),
        &DirFiles(dir),
        &fw,
    )
    .unwrap();
    let by = now_ms() - s.injects.last().unwrap().at.millis() - 60_000;
    s.injects
        .iter()
        .flat_map(|i| i.inputs.iter())
        .map(|input| {
            let mut v: Value = serde_json::from_str(&model::encode_line(input)).unwrap();
            shift(&mut v, by);
            v
        })
        .collect()
}

/// The browser driver's directory and Chromium, when this machine has both.
/// Without them the test says so and is skipped — except in CI, where it
/// fails.
fn browser() -> Option<(PathBuf, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../server/dashboard/test");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let missing = if !dir.join("node_modules/playwright-core").is_dir() {
        "playwright-core is not installed: run `npm ci --prefix crates/server/dashboard/test`"
            .to_string()
    } else if !Path::new(&chromium).exists() {
        format!("no Chromium at {chromium}: apt-get install -y chromium (or set CHROMIUM)")
    } else {
        return Some((dir, chromium));
    };
    let message =
        format!("the dashboard's browser test was NOT run: {missing} (.ci/run does both)");
    assert!(std::env::var_os("CI").is_none(), "{message}");
    eprintln!("SKIPPED: {message}");
    None
}

/// A 60-day plan made by `bulwark plan rotations`, and a thin copy with
/// the first deployed unit's stays (and overhauls) dropped, its name taken
/// off every site's days. Returns both paths and `site,from,to` of the
/// dropped stay, which must show as a gap.
fn rotation_plans(dir: &Path) -> (PathBuf, PathBuf, String) {
    let full = dir.join("plan.json");
    let out = Command::new(env!("CARGO_BIN_EXE_bulwark"))
        .args(["plan", "rotations"])
        .arg(example())
        .args(["--days", "60", "--out"])
        .arg(&full)
        .output()
        .unwrap();
    assert!(
        full.is_file(),
        "bulwark plan rotations wrote no plan: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut plan: Value = serde_json::from_str(&std::fs::read_to_string(&full).unwrap()).unwrap();
    let units = plan["units"].as_array_mut().unwrap();
    let unit = units
        .iter_mut()
        .find(|u| !u["stints"].as_array().unwrap().is_empty())
        .expect("a unit deployed somewhere");
    let name = unit["unit"].as_str().unwrap().to_string();
    let stay = unit["stints"][0].clone();
    unit["stints"] = json!([]);
    unit["overhauls"] = json!([]);
    for site in plan["sites"].as_array_mut().unwrap() {
        for day in site["days"].as_array_mut().unwrap() {
            day["units"]
                .as_array_mut()
                .unwrap()
                .retain(|u| u.as_str() != Some(&name));
        }
    }
    plan["gaps"] = json!([]);
    let thin = dir.join("plan-thin.json");
    std::fs::write(&thin, serde_json::to_string_pretty(&plan).unwrap()).unwrap();
    let gap = format!(
        "{},{},{}",
        stay["site"].as_str().unwrap(),
        stay["from"],
        stay["to"]
    );
    (full, thin, gap)
}

fn artefacts() -> PathBuf {
    let dir = std::env::var_os("BULWARK_ARTEFACTS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/dashboard-artefacts"),
        PathBuf::from,
    );
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_dashboard_shows_a_live_scenario_every_figure_traced_and_verifies_evidence_offline() {
    let Some((driver, chromium)) = browser() else {
        return;
    };
    let data = scratch("dashboard");
    // A 60-day rotation plan for the Logistics section, and a thin one
    // (one unit's stays dropped) served by a second node, whose gap the
    // page must show in red.
    let (full, thin, gap) = rotation_plans(&data);
    let port = free_port();
    let mut node = start_with(&data, port, &["--rotation-plan", full.to_str().unwrap()]);
    let t = tokens(&data);
    let thin_data = data.join("thin-node");
    let thin_port = free_port();
    let mut thin_node = start_with(
        &thin_data,
        thin_port,
        &["--rotation-plan", thin.to_str().unwrap()],
    );

    // Scenario 01, posted by its parties: a salvo, certified by review; the
    // 48-hour rails tier fires and issues its orders.
    for input in scenario("01-missile-salvo.toml") {
        let party = input["id"]["party"].as_str().unwrap().to_string();
        let (status, answer) = post(port, &t[&party], &[input]).unwrap();
        assert_eq!(status, 200, "{answer}");
    }
    // A restricted report, released to the UK only: its message id and its
    // place must never reach the public view.
    let secret = "us-int-SECRET-7f3a";
    let observed = base::Timestamp::from_millis(now_ms() - 9 * 3_600_000).to_string();
    let restricted = restricted_report(secret, &observed);
    let (status, answer) = post(port, &t["us"], &[restricted]).unwrap();
    assert_eq!(status, 200, "{answer}");
    assert!(answer.to_string().contains("receipt"), "{answer}");

    // A delivery chain: the United States ships 30 interceptors, Ukraine
    // confirms receiving them; a second shipment is still on the way.
    let step = |party: &str, message: &str, shipment: &str, step: &str, days_ago: i64| {
        json!({
            "v": 1, "type": "delivery",
            "id": {"party": party, "source": "logistics", "message": message},
            "commitment": "c-patriot-interceptors", "shipment": shipment, "step": step,
            "quantity": 30,
            "at": base::Timestamp::from_millis(now_ms() - days_ago * 86_400_000).to_string()
        })
    };
    let (status, answer) = post(
        port,
        &t["us"],
        &[
            step("us", "pac-1-s", "PAC-1", "shipped", 3),
            step("us", "pac-2-s", "PAC-2", "shipped", 1),
        ],
    )
    .unwrap();
    assert_eq!(status, 200, "{answer}");
    let (status, answer) = post(
        port,
        &t["ukraine"],
        &[step("ukraine", "rx-pac-1", "PAC-1", "received", 2)],
    )
    .unwrap();
    assert_eq!(status, 200, "{answer}");

    let artefacts = artefacts();
    let mut child = Command::new("node")
        .arg("browser.mjs")
        .current_dir(&driver)
        .env("DASHBOARD_URL", format!("http://127.0.0.1:{port}"))
        .env("CHROMIUM", &chromium)
        .env("ARTEFACTS", &artefacts)
        .env("AUDITOR_TOKEN", &t["uk"])
        .env("OUTSIDER_TOKEN", &t["france"])
        .env("SECRETS", format!("{secret},30.7654321,46.4321987"))
        .env("ROTATION_PLAN", &full)
        .env("THIN_URL", format!("http://127.0.0.1:{thin_port}"))
        .env("THIN_GAP", &gap)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the browser test needs Node.js 20 or later (`node` on PATH)");
    let mut to_driver = child.stdin.take().unwrap();
    let mut stopped = false;
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        eprintln!("browser: {line}");
        if line.trim() == "POST-MORE" {
            // A new report while the page is open: it must appear live.
            let more = json!({
                "v": 1, "type": "observation",
                "id": {"party": "ukraine", "source": "alerts", "message": "live-1"},
                "class": "air-raid-alerts",
                "observed": {"from": base::Timestamp::from_millis(now_ms() - 30_000).to_string()},
                "place": {"zone": "kharkiv-oblast"}, "kind": "drone_launch",
                "counts": {"launched": 2}, "confidence_bp": 6000
            });
            let (status, answer) = post(port, &t["ukraine"], &[more]).unwrap();
            assert_eq!(status, 200, "{answer}");
            writeln!(to_driver, "POSTED").unwrap();
            to_driver.flush().unwrap();
        }
        if line.trim() == "STOP-NODE" {
            // The node goes away: nothing answers on its port any more.
            node.kill().unwrap();
            let t0 = std::time::Instant::now();
            while http(port, "GET", "/healthz", None, "").is_ok()
                && t0.elapsed() < std::time::Duration::from_secs(10)
            {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            stopped = true;
            writeln!(to_driver, "STOPPED").unwrap();
            to_driver.flush().unwrap();
        }
    }
    let status = child.wait().unwrap();
    let _ = node.kill();
    let _ = node.wait();
    let _ = thin_node.kill();
    let _ = thin_node.wait();
    assert!(
        status.success(),
        "the browser checks failed (above); screenshots in {}",
        artefacts.display()
    );
    assert!(
        stopped,
        "the driver never stopped the node: the offline verification was not tested"
    );
    for shot in [
        "board.png",
        "map.png",
        "entries.png",
        "restricted.png",
        "evidence-verified-offline.png",
        "evidence-tampered.png",
        "logistics.png",
        "logistics-gap.png",
    ] {
        assert!(artefacts.join(shot).is_file(), "no screenshot {shot}");
    }
}
