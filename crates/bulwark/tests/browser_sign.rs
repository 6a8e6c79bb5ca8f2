//! The dashboard's request signing (`crates/server/dashboard/sign.js`)
//! against a real node in the signatures mode: `bulwark serve` with a key
//! registry, keys granted and revoked with `bulwark keys`, a restricted
//! report posted with `bulwark submit`, and the page's own module run in
//! Node (`crates/server/dashboard/test/sign-check.mjs`, WebCrypto only)
//! signing the requests for the restricted board: the auditor's key opens
//! it, a replay, a tampering, another role and a revoked key are refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::json;

mod common;
use common::*;

fn bulwark(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_bulwark"))
        .args(args)
        .output()
        .unwrap()
}

fn ok(out: std::process::Output) -> String {
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

fn now_s() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// `node`, version 20 or later, when this machine has it. Without it the
/// test says so and is skipped — except in CI, where it fails.
fn node() -> bool {
    let version = Command::new("node")
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let major = version
        .as_deref()
        .and_then(|v| v.strip_prefix('v'))
        .and_then(|v| v.split('.').next())
        .and_then(|m| m.parse::<u32>().ok());
    let missing = match (&version, major) {
        (None, _) => "there is no `node` on PATH".to_string(),
        (Some(v), Some(m)) if m >= 20 => {
            eprintln!("node {v}");
            return true;
        }
        (Some(v), _) => format!("`node` is {v}, and Ed25519 in WebCrypto needs Node 20 or later"),
    };
    let message = format!(
        "the dashboard's request-signing test was NOT run: {missing} (apt-get install -y nodejs)"
    );
    assert!(std::env::var_os("CI").is_none(), "{message}");
    eprintln!("SKIPPED: {message}");
    false
}

#[test]
fn the_dashboard_signs_requests_that_a_node_in_the_signatures_mode_takes_and_refuses() {
    if !node() {
        return;
    }
    let dir = scratch("browser-sign");
    let data = dir.join("data");
    let path = |f: &str| dir.join(f).display().to_string();
    let generate = |name: &str, file: &str, more: &[&str]| {
        let mut args = vec!["keys", "generate", "--name", name, "--out"];
        let out = path(file);
        args.push(&out);
        args.extend_from_slice(more);
        ok(bulwark(&args)).trim().to_string()
    };
    // Two parties' roots; the UK's auditor, a US reporter, and a witness's
    // key (which signs no requests).
    let us_root = generate("us-root", "us-root.key", &[]);
    let uk_root = generate("uk-root", "uk-root.key", &[]);
    let auditor = generate("uk-audit-1", "uk-audit-1.key", &[]);
    std::fs::write(path("uk-audit-1.vkey"), format!("{auditor}\n")).unwrap();
    let reporter = generate("us-ops-1", "us-ops-1.key", &[]);
    generate("witness-1", "witness-1.key", &["--witness"]);
    std::fs::write(
        path("registry.toml"),
        format!("[roots]\nus = \"{us_root}\"\nuk = \"{uk_root}\"\n"),
    )
    .unwrap();
    let port = free_port();
    let mut node = serve(&data, port, &["--registry", &path("registry.toml")]);
    let url = format!("http://127.0.0.1:{port}");

    // The served module is the one tested.
    let (status, served) = http(port, "GET", "/assets/sign.js", None, "").unwrap();
    assert_eq!(status, 200);
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../server/dashboard");
    assert_eq!(
        served,
        std::fs::read_to_string(here.join("sign.js")).unwrap()
    );

    let post_statement = |statement: &str| {
        let (status, body) = http(port, "POST", "/api/v1/keys", None, statement).unwrap();
        assert_eq!(status, 200, "{body}");
    };
    let grant = |root: &str, party: &str, serial: &str, key: &str, role: &str| {
        ok(bulwark(&[
            "keys",
            "grant",
            "--root",
            &path(root),
            "--party",
            party,
            "--serial",
            serial,
            "--key",
            key,
            "--role",
            role,
        ]))
    };
    post_statement(&grant("uk-root.key", "uk", "1", &auditor, "auditor"));
    post_statement(&grant("us-root.key", "us", "1", &reporter, "reporter"));

    // A restricted report, released to the UK only, signed and submitted
    // by the US reporter.
    let secret = "us-int-SIGNED-5c1e";
    let observed = base::Timestamp::from_seconds(now_s() - 3 * 3600).to_string();
    let restricted = restricted_report(secret, &observed);
    std::fs::write(path("restricted.jsonl"), format!("{restricted}\n")).unwrap();
    let receipts = ok(bulwark(&[
        "submit",
        "--node",
        &url,
        "--key",
        &path("us-ops-1.key"),
        &path("restricted.jsonl"),
    ]));
    assert!(receipts.contains("→ log entry"), "{receipts}");
    // What the reporter will submit through sign.js, with a body.
    let input = json!({
        "v": 1, "type": "observation",
        "id": {"party": "us", "source": "nti", "message": "signed-in-node-1"},
        "class": "us-intelligence", "observed": {"from": observed},
        "place": {"zone": "kharkiv-oblast"}, "kind": "armour_movement",
        "counts": {"crossings": 3}, "confidence_bp": 7000,
        "releasability": {"visibility": "restricted", "to": ["uk"]}
    });

    let mut child = Command::new("node")
        .arg("sign-check.mjs")
        .current_dir(here.join("test"))
        .env("NODE_URL", &url)
        .env("AUDITOR_KEY", path("uk-audit-1.key"))
        .env("AUDITOR_VKEY", path("uk-audit-1.vkey"))
        .env("REPORTER_KEY", path("us-ops-1.key"))
        .env("WITNESS_KEY", path("witness-1.key"))
        .env("SECRET", secret)
        .env("REPORTER_INPUT", input.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the signing test needs Node.js 20 or later (`node` on PATH)");
    let mut to_script = child.stdin.take().unwrap();
    let mut revoked = false;
    let mut summary = String::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        eprintln!("sign-check: {line}");
        if line.trim() == "REVOKE" {
            let statement = ok(bulwark(&[
                "keys",
                "revoke",
                "--root",
                &path("uk-root.key"),
                "--party",
                "uk",
                "--serial",
                "2",
                "--key",
                "uk-audit-1",
                "--reason",
                "the auditor's laptop was lost",
            ]));
            post_statement(&statement);
            revoked = true;
            writeln!(to_script, "REVOKED").unwrap();
            to_script.flush().unwrap();
        }
        if line.ends_with(" failed") {
            summary = line;
        }
    }
    let status = child.wait().unwrap();
    node.kill().unwrap();
    node.wait().unwrap();
    assert!(status.success(), "the signing checks failed (above)");
    assert!(revoked, "the script never asked for the revocation");
    assert!(summary.ends_with(" 0 failed"), "{summary}");
    let _ = std::fs::remove_dir_all(&dir);
}
