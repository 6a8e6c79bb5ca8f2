//! `bulwark serve` end to end over loopback: inputs acknowledged only when
//! durable, idempotent by identity, and a node killed with SIGKILL many
//! times during a long ingest loses nothing it acknowledged and never
//! decides anything twice; delivery chains kept by the node, a step from
//! the wrong party refused at submission.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::io::Write;
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

mod common;
use common::*;

/// Observation `n` of a party: a salvo now, in Ukraine.
fn observation(party: &str, source: &str, class: &str, n: u64) -> Value {
    let ts = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        - 120;
    json!({
        "v": 1, "type": "observation",
        "id": {"party": party, "source": source, "message": format!("m-{n}")},
        "class": class, "observed": {"from": base::Timestamp::from_seconds(ts as i64).to_string()},
        "place": {"zone": "ukraine"}, "kind": "missile_launch",
        "counts": {"launched": 6}, "confidence_bp": 9000
    })
}

#[test]
fn inputs_are_acknowledged_idempotent_and_refused_to_strangers() {
    let data = scratch("api");
    let port = free_port();
    let mut node = start(&data, port);
    let t = tokens(&data);
    let obs = observation("ukraine", "radar-east", "radar", 1);
    let (status, first) = post(port, &t["ukraine"], std::slice::from_ref(&obs)).unwrap();
    assert_eq!(status, 200, "{first}");
    let receipt = &first["answers"][0]["receipt"];
    assert_eq!(receipt["duplicate"], false);
    let (_, again) = post(port, &t["ukraine"], std::slice::from_ref(&obs)).unwrap();
    assert_eq!(again["answers"][0]["receipt"]["duplicate"], true);
    assert_eq!(
        again["answers"][0]["receipt"]["log_index"],
        receipt["log_index"]
    );
    // Another party's token: refused by the policy, even for an input the
    // node has (its receipt is not poland's to see); nothing logged.
    for n in [1, 2] {
        let other = observation("ukraine", "radar-east", "radar", n);
        let (status, body) = post(port, &t["poland"], &[other]).unwrap();
        assert_eq!(status, 403, "{body}");
        let reason = body["answers"][0]["refused"]["reason"].as_str().unwrap();
        assert!(reason.contains("own-inputs-only"), "{reason}");
    }
    // No token, a wrong token, a bad input.
    assert_eq!(
        http(port, "POST", "/api/v1/inputs", None, "{}").unwrap().0,
        401
    );
    assert_eq!(
        http(
            port,
            "POST",
            "/api/v1/inputs",
            Some("not-a-token-at-all"),
            "{}"
        )
        .unwrap()
        .0,
        401
    );
    let (status, body) = http(
        port,
        "POST",
        "/api/v1/inputs",
        Some(&t["ukraine"]),
        "{\"type\":\"observation\"}",
    )
    .unwrap();
    assert_eq!(status, 422, "{body}");
    // The entry and its proof; the checkpoint; the status board.
    let index = receipt["log_index"].as_u64().unwrap();
    let (status, entry) = http(port, "GET", &format!("/api/v1/log/{index}"), None, "").unwrap();
    assert_eq!(status, 200);
    let entry: Value = serde_json::from_str(&entry).unwrap();
    assert_eq!(entry["entry"]["input"]["id"]["message"], "m-1");
    let (_, cp) = http(port, "GET", "/api/v1/checkpoint", None, "").unwrap();
    assert!(cp.contains("bulwark-node/ukraine-2025"), "{cp}");
    let (_, status_board) = http(port, "GET", "/api/v1/status", None, "").unwrap();
    let board: Value = serde_json::from_str(&status_board).unwrap();
    assert_eq!(board["inputs"], 1);
    let (_, metrics) = http(port, "GET", "/metrics", None, "").unwrap();
    assert!(
        metrics.contains("bulwark_inputs_total{outcome=\"duplicate\"} 1"),
        "{metrics}"
    );
    node.kill().unwrap();
    node.wait().unwrap();
}

/// One delivery step, `days` days after the example's adoption (its entry
/// into force, 2025-12-20) at 10:00 UTC.
fn delivery(
    party: &str,
    message: &str,
    commitment: &str,
    shipment: &str,
    step: &str,
    quantity: i64,
    day: i64,
) -> Value {
    let at = base::Timestamp::parse("2025-12-20T00:00:00Z")
        .unwrap()
        .millis()
        + (day - 1) * 86_400_000
        + 10 * 3_600_000;
    json!({
        "v": 1, "type": "delivery",
        "id": {"party": party, "source": "logistics", "message": message},
        "commitment": commitment, "shipment": shipment, "step": step,
        "quantity": quantity, "at": base::Timestamp::from_millis(at).to_string()
    })
}

#[test]
fn delivery_chains_over_http_count_receipts_and_refuse_a_step_from_the_wrong_party() {
    let data = scratch("supply");
    let port = free_port();
    let mut node = start(&data, port);
    let t = tokens(&data);
    let pac = "c-patriot-interceptors";
    let (status, body) = post(
        port,
        &t["us"],
        &[
            delivery("us", "pac-1-c", pac, "PAC-1", "committed", 30, 2),
            delivery("us", "pac-1-s", pac, "PAC-1", "shipped", 30, 26),
            delivery("us", "pac-2-s", pac, "PAC-2", "shipped", 30, 40),
        ],
    )
    .unwrap();
    assert_eq!(status, 200, "{body}");
    let (status, body) = post(
        port,
        &t["ukraine"],
        &[delivery(
            "ukraine", "rx-pac-1", pac, "PAC-1", "received", 30, 28,
        )],
    )
    .unwrap();
    assert_eq!(status, 200, "{body}");
    // Germany ships for the United States' commitment: refused, with why.
    let head = http(port, "GET", "/api/v1/checkpoint", None, "").unwrap().1;
    let (_, body) = post(
        port,
        &t["germany"],
        &[delivery(
            "germany", "pac-9-s", pac, "PAC-9", "shipped", 30, 30,
        )],
    )
    .unwrap();
    let reason = body["answers"][0]["refused"]["reason"]
        .as_str()
        .unwrap_or_default();
    assert!(
        reason.contains("step `shipped` of shipment `PAC-9` must come from `us`, the committing party of `c-patriot-interceptors`; it came from `germany`"),
        "{body}"
    );
    assert_eq!(
        http(port, "GET", "/api/v1/checkpoint", None, "").unwrap().1,
        head,
        "a refused step logs nothing"
    );
    let (status, text) = http(port, "GET", "/api/v1/supply", None, "").unwrap();
    assert_eq!(status, 200, "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["in_force"], "2025-12-20T00:00:00Z");
    let c = v["commitments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == pac)
        .unwrap();
    assert_eq!(
        (&c["committed"], &c["shipped"], &c["received"]),
        (&json!(30), &json!(60), &json!(30))
    );
    assert_eq!(c["received_series"], json!([[28, 30]]));
    assert_eq!(c["shipments"].as_array().unwrap().len(), 2);
    assert_eq!(c["entries"].as_array().unwrap().len(), 1);
    node.kill().unwrap();
    node.wait().unwrap();
    // A restart rebuilds the same book from the log.
    let mut node = start(&data, port);
    let (_, again) = http(port, "GET", "/api/v1/supply", None, "").unwrap();
    assert_eq!(serde_json::from_str::<Value>(&again).unwrap(), v);
    node.kill().unwrap();
    node.wait().unwrap();
}

/// CoT from a TAK client reaches the log, marked unauthenticated, and
/// never counts: the engine refuses its class.
#[test]
fn cot_over_tcp_is_logged_unauthenticated_and_never_counts() {
    let data = scratch("cot");
    let (port, cot) = (free_port(), free_port());
    let mut node = start_with(&data, port, &["--cot-listen", &format!("127.0.0.1:{cot}")]);
    let now = base::Timestamp::from_seconds(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64,
    );
    let stale = base::Timestamp::from_seconds(now.millis() / 1000 + 3600);
    let event = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><event version="2.0" uid="trk-1" type="a-h-A-M-F-Q" time="{now}" start="{now}" stale="{stale}" how="m-g"><point lat="50.45" lon="30.52" hae="0" ce="500" le="100"/><detail/></event>"#
    );
    let mut s = TcpStream::connect(("127.0.0.1", cot)).unwrap();
    s.write_all(event.as_bytes()).unwrap();
    drop(s);
    let begun = Instant::now();
    let mut entries = Vec::new();
    while begun.elapsed() < Duration::from_secs(20) && entries.len() < 2 {
        entries = (0..10)
            .map_while(|i| {
                let (status, body) =
                    http(port, "GET", &format!("/api/v1/log/{i}"), None, "").ok()?;
                (status == 200).then(|| serde_json::from_str::<Value>(&body).unwrap())
            })
            .filter(|e| e["entry"]["entry"] != "decision" || e["entry"]["decision"] == "rejected")
            .collect();
        std::thread::sleep(Duration::from_millis(100));
    }
    let input = entries
        .iter()
        .find(|e| e["entry"]["entry"] == "input")
        .unwrap_or_else(|| panic!("the CoT event is not in the log: {entries:?}"));
    assert_eq!(input["entry"]["input"]["class"], "unauthenticated");
    assert_eq!(input["entry"]["input"]["id"]["source"], "cot-listener");
    let rejected = entries
        .iter()
        .find(|e| e["entry"]["decision"] == "rejected")
        .unwrap_or_else(|| panic!("the CoT observation was not refused: {entries:?}"));
    assert!(
        rejected["entry"]["reason"]
            .as_str()
            .unwrap()
            .contains("unauthenticated")
    );
    let (_, metrics) = http(port, "GET", "/metrics", None, "").unwrap();
    assert!(
        metrics.contains("bulwark_cot_observations_total 1"),
        "{metrics}"
    );
    node.kill().unwrap();
    node.wait().unwrap();
}

/// Kills the node with SIGKILL at random moments while a client submits
/// batches; after every restart each acknowledged input is in the log at
/// its acknowledged index, and nothing was decided twice.
#[test]
fn a_node_killed_many_times_loses_nothing_acknowledged() {
    let data = scratch("kill");
    let port = free_port();
    let mut node = start(&data, port);
    let t = tokens(&data);
    let parties = [
        ("ukraine", "radar-east", "radar"),
        ("us", "isr-rivet-joint", "isr"),
        ("poland", "radar-rzeszow", "radar"),
    ];
    let mut acked: BTreeMap<String, u64> = BTreeMap::new();
    let mut n = 0u64;
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let rounds = 8;
    for round in 0..rounds {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let run_for = Duration::from_millis(150 + seed % 600);
        let begun = Instant::now();
        while begun.elapsed() < run_for {
            let (party, source, class) = parties[(n % 3) as usize];
            let batch: Vec<Value> = (n..n + 10)
                .map(|k| observation(party, source, class, k))
                .collect();
            match post(port, &t[party], &batch) {
                Ok((200, body)) => {
                    for a in body["answers"].as_array().unwrap() {
                        let r = &a["receipt"];
                        acked.insert(
                            r["input"].as_str().unwrap().to_string(),
                            r["log_index"].as_u64().unwrap(),
                        );
                    }
                    n += 10;
                }
                Ok((status, body)) => panic!("round {round}: HTTP {status}: {body}"),
                Err(_) => break,
            }
        }
        node.kill().unwrap(); // SIGKILL
        node.wait().unwrap();
        node = start(&data, port);
    }
    assert!(acked.len() > 50, "only {} inputs acknowledged", acked.len());
    // Read the log back through the API: every acknowledged input at its index.
    for (id, index) in &acked {
        let (status, body) = http(port, "GET", &format!("/api/v1/log/{index}"), None, "").unwrap();
        assert_eq!(status, 200, "{id} at {index}: {body}");
        let e: Value = serde_json::from_str(&body).unwrap();
        let got = &e["entry"]["input"]["id"];
        let got = format!(
            "{}/{}/{}",
            got["party"].as_str().unwrap(),
            got["source"].as_str().unwrap(),
            got["message"].as_str().unwrap()
        );
        assert_eq!(
            &got, id,
            "entry {index} is not the input acknowledged there"
        );
    }
    node.kill().unwrap();
    node.wait().unwrap();
    // Nothing decided twice: no tier fired twice for a breach, no order twice.
    let db = store::sqlite::NodeStore::open(&data.join("node.sqlite")).unwrap();
    let mut fired = BTreeMap::new();
    let mut orders = BTreeMap::new();
    let mut opened = 0;
    for b in db.log().unwrap() {
        let e: Value = serde_json::from_slice(&b).unwrap();
        match e["decision"].as_str() {
            Some("fired") => {
                *fired
                    .entry(format!("{}/{}", e["breach"], e["tier"]))
                    .or_insert(0) += 1
            }
            Some("order_issued") => *orders.entry(e["order"].to_string()).or_insert(0) += 1,
            Some("breach_opened") => opened += 1,
            _ => {}
        }
    }
    assert!(
        fired.values().all(|&c| c == 1),
        "a tier fired twice: {fired:?}"
    );
    assert!(
        orders.values().all(|&c| c == 1),
        "an order issued twice: {orders:?}"
    );
    assert!(opened > 0, "the ingest opened no breach");
    eprintln!(
        "{rounds} kills; {} inputs acknowledged; {} tiers fired",
        acked.len(),
        fired.len()
    );
}

fn bulwark(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_bulwark"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn a_party_operator_grants_a_key_and_submits_signed_inputs() {
    let dir = scratch("submit");
    let data = dir.join("data");
    let path = |f: &str| dir.join(f).display().to_string();
    // The party's root key and an operational key.
    let root = bulwark(&[
        "keys",
        "generate",
        "--name",
        "ukraine-root",
        "--out",
        &path("root.key"),
    ]);
    assert!(root.status.success(), "{root:?}");
    let root_vkey = String::from_utf8(root.stdout).unwrap().trim().to_string();
    let ops = bulwark(&[
        "keys",
        "generate",
        "--name",
        "ukraine-ops-1",
        "--out",
        &path("ops.key"),
    ]);
    assert!(ops.status.success());
    std::fs::write(path("ops.vkey"), &ops.stdout).unwrap();
    // The operator's registry file enrols the root.
    std::fs::write(
        path("registry.toml"),
        format!("[roots]\nukraine = \"{root_vkey}\"\n"),
    )
    .unwrap();
    let port = free_port();
    let mut node = serve(&data, port, &["--registry", &path("registry.toml")]);
    let url = format!("http://127.0.0.1:{port}");

    // Not granted yet: refused, nothing sent twice.
    std::fs::write(
        path("inputs.jsonl"),
        format!(
            "{}\n{}\n",
            observation("ukraine", "radar-east", "radar", 1),
            observation("ukraine", "radar-east", "radar", 2)
        ),
    )
    .unwrap();
    let out = bulwark(&[
        "submit",
        "--node",
        &url,
        "--key",
        &path("ops.key"),
        &path("inputs.jsonl"),
    ]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no key of that name is registered"),
        "{out:?}"
    );

    // The root grants the key the reporter role; the node logs it.
    let grant = bulwark(&[
        "keys",
        "grant",
        "--root",
        &path("root.key"),
        "--party",
        "ukraine",
        "--serial",
        "1",
        "--key",
        &path("ops.vkey"),
        "--role",
        "reporter",
    ]);
    assert!(grant.status.success(), "{grant:?}");
    let statement = String::from_utf8(grant.stdout).unwrap();
    let (status, body) = http(port, "POST", "/api/v1/keys", None, &statement).unwrap();
    assert_eq!(status, 200, "{body}");
    // The same statement again is refused (its serial is used).
    let (status, body) = http(port, "POST", "/api/v1/keys", None, &statement).unwrap();
    assert_eq!(status, 403, "{body}");

    // Signed and submitted: a receipt per input.
    let out = bulwark(&[
        "submit",
        "--node",
        &url,
        "--key",
        &path("ops.key"),
        &path("inputs.jsonl"),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(stdout.matches("→ log entry").count(), 2, "{stdout}");
    assert!(
        stdout.contains("inputs.jsonl:1: ukraine/radar-east/m-1"),
        "{stdout}"
    );
    // Again: the original receipts, marked.
    let out = bulwark(&[
        "submit",
        "--node",
        &url,
        "--key",
        &path("ops.key"),
        &path("inputs.jsonl"),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["answer"]["receipt"]["duplicate"], true, "{v}");
    }
    // Another party's input through this key: refused by the policy.
    std::fs::write(
        path("poland.jsonl"),
        format!("{}\n", observation("poland", "radar", "radar", 3)),
    )
    .unwrap();
    let out = bulwark(&[
        "submit",
        "--node",
        &url,
        "--key",
        &path("ops.key"),
        &path("poland.jsonl"),
    ]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("REFUSED: not authorized"),
        "{out:?}"
    );
    // A bad line: located, and nothing sent.
    std::fs::write(
        path("bad.jsonl"),
        format!(
            "{}\n{{\"type\":\"observation\"}}\n",
            observation("ukraine", "radar-east", "radar", 4)
        ),
    )
    .unwrap();
    let out = bulwark(&[
        "submit",
        "--node",
        &url,
        "--key",
        &path("ops.key"),
        &path("bad.jsonl"),
    ]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("bad.jsonl:2:"),
        "{out:?}"
    );
    let (_, status_board) = http(port, "GET", "/api/v1/status", None, "").unwrap();
    let board: Value = serde_json::from_str(&status_board).unwrap();
    assert_eq!(board["inputs"], 2, "m-4 was not sent");
    // Bearer tokens are not taken by a node in the signatures mode.
    let (status, body) = http(
        port,
        "POST",
        "/api/v1/inputs",
        Some("some-token-0123456789"),
        "{}",
    )
    .unwrap();
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("bearer_not_enabled"), "{body}");
    node.kill().unwrap();
    node.wait().unwrap();
}
