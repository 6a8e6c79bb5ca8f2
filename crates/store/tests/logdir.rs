//! The log directory: written, reopened, tampered with, and killed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ledger::entry;
use ledger::note::Signer;
use store::logdir::{self, LogDir};
use store::verify::verify_log;

fn signer() -> Signer {
    Signer::from_seed("bulwark.test/log", [9; 32]).unwrap()
}

/// Entry `n`: canonical JSON, known by its number.
fn entry(n: u64) -> Vec<u8> {
    entry::canonical(&serde_json::json!({
        "entry": "decision", "decision": "test", "at": "2025-01-01T00:00:00Z", "n": n
    }))
}

fn fresh(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bulwark-store-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A log of `n` entries with a checkpoint after every 3.
fn log_of(name: &str, n: u64) -> PathBuf {
    let dir = fresh(name);
    let mut log = LogDir::create(&dir, signer()).unwrap();
    for i in 0..n {
        log.append(&[entry(i)]).unwrap();
        if i % 3 == 2 {
            log.checkpoint().unwrap();
        }
    }
    log.checkpoint().unwrap();
    dir
}

fn problems(dir: &Path) -> String {
    verify_log(dir, None, &[]).unwrap_err().problems.join("\n")
}

#[test]
fn a_log_written_verifies_and_reopens_where_it_stopped() {
    let dir = log_of("ok", 10);
    let r = verify_log(&dir, None, &[]).unwrap();
    assert_eq!((r.entries, r.checkpoints, r.size), (10, 5, 10));
    assert!(!r.key_trusted);
    let trusted = verify_log(&dir, Some(&signer().verifier()), &[]).unwrap();
    assert!(trusted.key_trusted);
    let (mut log, rec) = LogDir::open(&dir, signer()).unwrap();
    assert_eq!((rec.entries, rec.cut_bytes, rec.checkpoint), (10, 0, 10));
    log.append(&[entry(10)]).unwrap();
    log.checkpoint().unwrap();
    assert_eq!(verify_log(&dir, None, &[]).unwrap().size, 11);
    // Another key is not the log's.
    let other = Signer::from_seed("bulwark.test/log", [8; 32]).unwrap();
    let e = verify_log(&dir, Some(&other.verifier()), &[]).unwrap_err();
    assert!(e.problems[0].contains("no signature by a key given"), "{e}");
    assert!(
        LogDir::create(&dir, signer()).is_err(),
        "a second log over the first"
    );
}

#[test]
fn key_registry_entries_are_counted_apart_from_decisions() {
    let dir = fresh("keys");
    let mut log = LogDir::create(&dir, signer()).unwrap();
    let enrol =
        serde_json::json!({"type": "enrol", "party": "ua", "root": "ua-root+01020304+AQ=="});
    log.append(&[
        entry(0),
        entry::canonical(&entry::key("2025-01-01T00:00:00Z", enrol)),
    ])
    .unwrap();
    log.checkpoint().unwrap();
    let r = verify_log(&dir, None, &[]).unwrap();
    assert_eq!((r.entries, r.decisions, r.keys), (2, 1, 1));
}

#[test]
fn a_changed_byte_in_an_entry_is_caught_with_its_place() {
    let dir = log_of("byte", 7);
    let path = dir.join(logdir::ENTRIES);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("\"n\":4", "\"n\":5", 1)).unwrap();
    let p = problems(&dir);
    assert!(
        p.contains("signs root") && p.contains("an entry was changed"),
        "{p}"
    );
    // An edit that keeps JSON but not the canonical form is named too.
    std::fs::write(&path, text.replacen("\"n\":4", "\"n\": 4", 1)).unwrap();
    assert!(problems(&dir).contains("entry 4 (line 5): not in canonical form"));
}

#[test]
fn a_dropped_entry_is_caught() {
    let dir = log_of("drop", 7);
    let path = dir.join(logdir::ENTRIES);
    let text = std::fs::read_to_string(&path).unwrap();
    let kept: Vec<&str> = text
        .lines()
        .enumerate()
        .filter(|(i, _)| *i != 2)
        .map(|(_, l)| l)
        .collect();
    std::fs::write(&path, kept.join("\n") + "\n").unwrap();
    let p = problems(&dir);
    assert!(p.contains("signs 7 entries and the log holds 6"), "{p}");
    assert!(
        LogDir::open(&dir, signer())
            .unwrap_err()
            .to_string()
            .contains("acknowledged entries are missing")
    );
    // The last entry dropped: the same.
    let dir = log_of("drop-last", 7);
    let path = dir.join(logdir::ENTRIES);
    let text = std::fs::read_to_string(&path).unwrap();
    let n = text.trim_end().rfind('\n').unwrap();
    std::fs::write(&path, &text[..=n]).unwrap();
    assert!(problems(&dir).contains("signed entries were dropped"));
}

#[test]
fn a_swapped_checkpoint_is_caught() {
    let dir = log_of("swap", 7);
    let cps = dir.join(logdir::CHECKPOINTS);
    std::fs::copy(
        cps.join(logdir::checkpoint_file(3)),
        cps.join(logdir::checkpoint_file(6)),
    )
    .unwrap();
    let p = problems(&dir);
    assert!(p.contains("checkpoint files were swapped"), "{p}");
    // The latest replaced by a checkpoint of another size of this key's
    // logs: not among the log's checkpoints.
    let dir = log_of("swap-latest", 7);
    let other = log_of("swap-other", 8);
    std::fs::copy(other.join(logdir::CHECKPOINT), dir.join(logdir::CHECKPOINT)).unwrap();
    assert!(problems(&dir).contains("is not among checkpoints/"));
    // One behind the largest (a crash between the two writes) is fine.
    let dir = log_of("lag", 7);
    std::fs::copy(
        dir.join(logdir::CHECKPOINTS)
            .join(logdir::checkpoint_file(6)),
        dir.join(logdir::CHECKPOINT),
    )
    .unwrap();
    let r = verify_log(&dir, None, &[]).unwrap();
    assert_eq!((r.latest, r.size), (6, 7));
}

#[test]
fn a_fork_is_caught_across_readers() {
    // Two logs under one key diverge at entry 2; a reader of the second
    // holds its checkpoint of size 4.
    let a = log_of("fork-a", 4);
    let b = fresh("fork-b");
    let mut log = LogDir::create(&b, signer()).unwrap();
    log.append(&[entry(0), entry(1), entry(20), entry(3)])
        .unwrap();
    let seen = log.checkpoint().unwrap();
    let e = verify_log(&a, None, &[("the checkpoint received".into(), seen)]).unwrap_err();
    assert!(
        e.problems[0].starts_with("FORK: the checkpoint received"),
        "{e}"
    );
    assert!(e.problems[0].contains("size 4"));
    // A checkpoint seen earlier, of a smaller size, agrees.
    let early =
        std::fs::read_to_string(a.join(logdir::CHECKPOINTS).join(logdir::checkpoint_file(3)))
            .unwrap();
    assert_eq!(
        verify_log(&a, None, &[("early".into(), early)])
            .unwrap()
            .seen_checkpoints,
        1
    );
}

#[test]
fn a_partial_last_line_is_reported_cut_on_open_and_never_signed() {
    let dir = log_of("torn", 5);
    let path = dir.join(logdir::ENTRIES);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(&entry(5)[..9]);
    std::fs::write(&path, &bytes).unwrap();
    assert_eq!(verify_log(&dir, None, &[]).unwrap().partial_bytes, 9);
    let (mut log, rec) = LogDir::open(&dir, signer()).unwrap();
    assert_eq!((rec.entries, rec.cut_bytes), (5, 9));
    log.append(&[entry(5)]).unwrap();
    log.checkpoint().unwrap();
    let r = verify_log(&dir, None, &[]).unwrap();
    assert_eq!((r.entries, r.partial_bytes, r.size), (6, 0, 6));
    assert!(
        log.append(&[b"a\nb".to_vec()]).is_err(),
        "an entry over two lines"
    );
}

/// The child: appends batches to the log in `dir` (opening it if it is
/// there) and prints `acked N` after each checkpoint, until killed.
fn child(dir: &Path) {
    let (mut log, _) = if dir.join(logdir::ENTRIES).exists() {
        LogDir::open(dir, signer()).unwrap()
    } else {
        (LogDir::create(dir, signer()).unwrap(), Default::default())
    };
    // (libtest may print the test's name on the same line first.)
    println!("ready");
    loop {
        let n = log.tree().len();
        let batch: Vec<Vec<u8>> = (n..n + 1 + n % 7).map(entry).collect();
        log.append(&batch).unwrap();
        let size = log.tree().len();
        log.checkpoint().unwrap();
        println!("acked {size}");
    }
}

/// Kills the writer at pseudo-random moments, many times; after each kill
/// the log verifies and every acknowledged entry is there, unchanged.
#[test]
fn a_writer_killed_at_random_points_loses_nothing_acknowledged() {
    if let Some(dir) = std::env::var_os("BULWARK_STORE_KILL_CHILD") {
        child(Path::new(&dir));
        return;
    }
    let dir = fresh("kill");
    let exe = std::env::current_exe().unwrap();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut acked_max = 0u64;
    let rounds = 40;
    for round in 0..rounds {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let wait = Duration::from_micros(seed % 20_000);
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "a_writer_killed_at_random_points_loses_nothing_acknowledged",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("BULWARK_STORE_KILL_CHILD", &dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (ready_tx, ready) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            let mut acked = 0u64;
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if line.ends_with("ready") {
                    let _ = ready_tx.send(());
                } else if let Some(n) = line.strip_prefix("acked ") {
                    acked = n.parse().unwrap();
                }
            }
            acked
        });
        // Most rounds kill the writer while it appends; every fifth, maybe
        // while it creates or opens the log.
        if round % 5 != 0 {
            let _ = ready.recv_timeout(Duration::from_secs(20));
        }
        let start = Instant::now();
        while start.elapsed() < wait {
            std::thread::sleep(Duration::from_micros(500));
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let acked = reader.join().unwrap();
        acked_max = acked_max.max(acked);
        if !dir.exists() {
            assert_eq!(acked_max, 0, "round {round}: the log is gone");
            continue;
        }
        let report = verify_log(&dir, None, &[])
            .unwrap_or_else(|e| panic!("round {round}: the log does not verify after a kill: {e}"));
        assert!(
            report.entries >= acked_max && report.size >= acked_max,
            "round {round}: {acked_max} acknowledged, {} entries, {} signed",
            report.entries,
            report.size
        );
        // The tiles are written before the checkpoint is signed: every
        // tile of the largest is there, and every tile verified.
        assert_eq!(report.tiles_missing, 0, "round {round}");
        assert!(report.size == 0 || report.tiles > 0, "round {round}");
        let text = std::fs::read(dir.join(logdir::ENTRIES)).unwrap();
        // Up to the last whole line (an empty file, killed before its
        // first line, has none).
        let whole = text
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(&text[..0], |end| &text[..=end]);
        for (i, line) in logdir::lines(whole).enumerate() {
            assert_eq!(
                line,
                entry(i as u64).as_slice(),
                "round {round}: entry {i} changed"
            );
        }
    }
    assert!(acked_max > 0, "the writer never acknowledged anything");
    eprintln!("{rounds} kills; {acked_max} entries acknowledged in all");
}
