//! The sequencer against the example framework: idempotency, restarts that
//! replay to the same log, overdue clocks firing once, downtime extending
//! the clocks that wait on parties.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use base::Timestamp;
use ledger::note::Signer;
use node::Sequencer;
use serde_json::Value;

struct DirFiles(PathBuf);

impl framework::Files for DirFiles {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        std::fs::read(self.0.join(path)).map_err(|e| e.to_string())
    }
}

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/ukraine-2025")
}

fn framework() -> framework::Framework {
    let dir = example();
    let text = std::fs::read_to_string(dir.join("framework.toml")).unwrap();
    framework::load_and_check("framework.toml", &text, &DirFiles(dir)).0
}

/// A scenario's injects: (recorded time, inputs).
fn injects(fw: &framework::Framework, name: &str) -> Vec<(Timestamp, Vec<model::Input>)> {
    let path = example().join("scenarios").join(name);
    let bytes = std::fs::read(&path).unwrap();
    let s = exercise::msel::load_any(
        name,
        &bytes,
        &DirFiles(path.parent().unwrap().to_path_buf()),
        fw,
    )
    .unwrap_or_else(|e| panic!("{name}: {e:?}"));
    s.injects.iter().map(|i| (i.at, i.inputs.clone())).collect()
}

fn signer() -> Signer {
    Signer::from_seed("bulwark.test/node", [6; 32]).unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bulwark-node-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn kinds(entries: &[Value]) -> Vec<String> {
    entries
        .iter()
        .filter_map(|e| {
            e.get("decision")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .collect()
}

fn open(fw: &framework::Framework, dir: &Path, now: Timestamp) -> (Sequencer, node::Startup) {
    Sequencer::open(fw, dir, signer(), "coalition", now).unwrap()
}

#[test]
fn the_same_input_again_gets_its_original_receipt_and_changes_nothing() {
    let fw = framework();
    let dir = scratch("idem");
    let inj = injects(&fw, "01-missile-salvo.toml");
    let (t0, first) = inj[0].clone();
    let (mut s, _) = open(&fw, &dir, t0);
    let (answers, logged) = s.submit(t0, Some("ukraine"), first.clone()).unwrap();
    let receipt = answers[0].clone().unwrap();
    assert!(!receipt.duplicate && !logged.is_empty());
    let head = s.log_head();
    let later = Timestamp::from_millis(t0.millis() + 60_000);
    let (again, logged) = s.submit(later, Some("ukraine"), first.clone()).unwrap();
    let dup = again[0].clone().unwrap();
    assert!(dup.duplicate);
    assert_eq!(
        (dup.log_index, dup.recorded_at),
        (receipt.log_index, receipt.recorded_at)
    );
    assert!(logged.is_empty(), "a duplicate logged something");
    assert_eq!(s.log_head(), head);
    // Also after a restart.
    drop(s);
    let (mut s, startup) = open(&fw, &dir, later);
    assert_eq!(startup.log_size, head.0);
    let (again, _) = s.submit(later, Some("ukraine"), first).unwrap();
    assert_eq!(again[0].clone().unwrap().log_index, receipt.log_index);
}

#[test]
fn a_party_submits_only_its_own_inputs() {
    let fw = framework();
    let dir = scratch("party");
    let inj = injects(&fw, "01-missile-salvo.toml");
    let (t0, first) = inj[0].clone();
    let (mut s, _) = open(&fw, &dir, t0);
    let head = s.log_head();
    let (answers, logged) = s.submit(t0, Some("poland"), first).unwrap();
    let refused = answers[0].clone().unwrap_err();
    assert!(
        refused.reason.contains("authenticated as `poland`"),
        "{}",
        refused.reason
    );
    assert!(logged.is_empty());
    assert_eq!(s.log_head(), head);
}

#[test]
fn a_restart_replays_to_the_same_log_and_overdue_clocks_fire_once() {
    let fw = framework();
    let dir = scratch("restart");
    let inj = injects(&fw, "01-missile-salvo.toml");
    let (mut s, _) = open(&fw, &dir, inj[0].0);
    let mut all = Vec::new();
    for (at, inputs) in &inj {
        for input in inputs {
            let party = input.id().party.to_string();
            let (answers, logged) = s.submit(*at, Some(&party), vec![input.clone()]).unwrap();
            assert!(answers[0].is_ok());
            all.extend(logged);
        }
    }
    let k = kinds(&all);
    assert!(k.iter().any(|d| d == "certified"), "{k:?}");
    assert!(k.iter().any(|d| d == "order_issued"), "{k:?}");
    let orders = s.store().outbox().unwrap();
    assert!(!orders.is_empty(), "no order in the outbox");
    let head = s.log_head();
    let last = inj.last().unwrap().0;
    drop(s); // the node stops…
    // …and comes back ten days later: every order's deadline has passed.
    let back = Timestamp::from_millis(last.millis() + 10 * 86_400_000);
    let (s, startup) = open(&fw, &dir, back);
    assert_eq!(startup.log_size, head.0, "the replay gave another log");
    assert_eq!(startup.outage_ms, Some(back.millis() - last.millis()));
    assert!(startup.overdue_decisions > 0, "nothing overdue fired");
    let stored: Vec<Value> = s
        .store()
        .log()
        .unwrap()
        .iter()
        .map(|b| serde_json::from_slice(b).unwrap())
        .collect();
    let missed = kinds(&stored)
        .iter()
        .filter(|d| *d == "deadline_missed")
        .count();
    assert!(missed > 0, "no deadline missed after ten days down");
    assert!(
        stored.iter().any(|e| e["input"]["type"] == "outage"),
        "the downtime is not in the log"
    );
    // The same outbox, no order twice.
    assert_eq!(s.store().outbox().unwrap().len(), orders.len());
    drop(s);
    // Again, two seconds later: nothing fires twice.
    let (s, startup) = open(&fw, &dir, Timestamp::from_millis(back.millis() + 2_000));
    assert_eq!(startup.outage_ms, None, "two seconds are not an outage");
    assert_eq!(startup.overdue_decisions, 0);
    let stored: Vec<Value> = s
        .store()
        .log()
        .unwrap()
        .iter()
        .map(|b| serde_json::from_slice(b).unwrap())
        .collect();
    assert_eq!(
        kinds(&stored)
            .iter()
            .filter(|d| *d == "deadline_missed")
            .count(),
        missed
    );
    // The log verifies: every checkpoint signed over what is stored.
    let (size, note) = s.checkpoint().unwrap().unwrap();
    assert_eq!(size, stored.len() as u64);
    let opened = ledger::note::open(&note, &[signer().verifier()]).unwrap();
    let cp = ledger::note::Checkpoint::parse(&opened.text).unwrap();
    let mut tree = ledger::merkle::Tree::new();
    for b in s.store().log().unwrap() {
        tree.push(&b);
    }
    assert_eq!(cp.root, tree.root());
}

#[test]
fn downtime_extends_a_sign_off_clock_waiting_on_parties() {
    let fw = framework();
    let dir = scratch("signoff");
    let inj = injects(&fw, "16-sign-off-clock-runs-out.toml");
    let (mut s, _) = open(&fw, &dir, inj[0].0);
    let mut all = Vec::new();
    // Feed until a sign-off tier is entered.
    let mut stop = None;
    'feed: for (at, inputs) in &inj {
        for input in inputs {
            let party = input.id().party.to_string();
            let (_, logged) = s.submit(*at, Some(&party), vec![input.clone()]).unwrap();
            let entered = logged
                .iter()
                .any(|e| e["decision"] == "tier_entered" && e["mode"] == "sign_off");
            all.extend(logged);
            if entered {
                stop = Some(*at);
                break 'feed;
            }
        }
    }
    let at = stop.unwrap_or_else(|| panic!("no sign-off tier entered: {:?}", kinds(&all)));
    drop(s);
    // Down for two hours.
    let back = Timestamp::from_millis(at.millis() + 2 * 3_600_000);
    let (s, startup) = open(&fw, &dir, back);
    assert_eq!(startup.outage_ms, Some(2 * 3_600_000));
    let stored: Vec<Value> = s
        .store()
        .log()
        .unwrap()
        .iter()
        .map(|b| serde_json::from_slice(b).unwrap())
        .collect();
    let extended: Vec<&Value> = stored
        .iter()
        .filter(|e| e["decision"] == "clock_extended")
        .collect();
    assert!(
        !extended.is_empty(),
        "the sign-off clock was not extended: {:?}",
        kinds(&stored)
    );
    assert_eq!(extended[0]["by_ms"], 2 * 3_600_000);
}

/// One delivery step, as a party submits it.
fn step(party: &str, message: &str, shipment: &str, step: &str, quantity: i64) -> model::Input {
    let line = format!(
        "{{\"v\":1,\"type\":\"delivery\",\"id\":{{\"party\":\"{party}\",\"source\":\"logistics\",\"message\":\"{message}\"}},\"commitment\":\"c-iris-t-missiles\",\"shipment\":\"{shipment}\",\"step\":\"{step}\",\"quantity\":{quantity},\"at\":\"2026-01-20T10:00:00Z\"}}"
    );
    model::decode_line(&line, 1).unwrap()
}

#[test]
fn delivery_steps_keep_the_book_a_wrong_party_is_refused_and_a_restart_rebuilds_it() {
    let fw = framework();
    let dir = scratch("book");
    let t0 = Timestamp::parse("2026-01-21T00:00:00Z").unwrap();
    let (mut s, _) = open(&fw, &dir, t0);
    let (answers, _) = s
        .submit(
            t0,
            Some("germany"),
            vec![step("germany", "s1", "IRIS-1", "shipped", 40)],
        )
        .unwrap();
    assert!(answers[0].is_ok(), "{answers:?}");
    let (answers, _) = s
        .submit(
            t0,
            Some("ukraine"),
            vec![step("ukraine", "r1", "IRIS-1", "received", 40)],
        )
        .unwrap();
    assert!(answers[0].is_ok(), "{answers:?}");
    // A donor confirming its own delivery: refused, nothing logged.
    let head = s.log_head();
    let (answers, logged) = s
        .submit(
            t0,
            Some("germany"),
            vec![step("germany", "r2", "IRIS-2", "received", 40)],
        )
        .unwrap();
    let refused = answers[0].clone().unwrap_err();
    assert!(
        refused
            .reason
            .contains("step `received` of shipment `IRIS-2` must come from `ukraine`, the protected state; it came from `germany`"),
        "{}",
        refused.reason
    );
    assert!(logged.is_empty());
    assert_eq!(s.log_head(), head);
    let iris = s.book().commitment("c-iris-t-missiles").unwrap();
    assert_eq!((iris.shipped, iris.received), (40, 40));
    let before = s.book().clone();
    drop(s);
    let later = Timestamp::from_millis(t0.millis() + 60_000);
    let (s, _) = open(&fw, &dir, later);
    assert_eq!(s.book(), &before, "the replay rebuilds the same book");
}
