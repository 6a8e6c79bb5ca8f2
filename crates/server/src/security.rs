//! Security events: every authentication, authorization, replay and rate
//! limit refusal, as one JSON line in `DATA/security.jsonl` (appended by a
//! writer thread, so a flood of refusals never waits on the disk), the
//! latest kept in memory for `GET /api/v1/security-events`, and counted by
//! code for `/metrics`.
//!
//! They are not log entries: anyone on the network can cause them, and
//! the log holds only what parties submitted and what the node decided.

use std::collections::{BTreeMap, VecDeque};
use std::io::Write;
use std::path::Path;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use serde_json::Value;

/// How many events `GET /api/v1/security-events` shows.
const KEPT: usize = 1000;

/// One refusal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SecurityEvent {
    /// When (RFC 3339, the node's clock).
    pub at: String,
    /// `authentication`, `authorization`, `replay` or `rate_limit`.
    pub kind: &'static str,
    /// A stable code: `no_credentials`, `bad_signature`, `unknown_key`,
    /// `revoked_key`, `root_key`, `stale`, `bearer_not_enabled`,
    /// `bad_token`, `denied`, `replay`, `rate_limited`, `bad_statement`.
    pub code: &'static str,
    /// The HTTP status answered.
    pub status: u16,
    pub method: String,
    pub path: String,
    /// The peer's address, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote: Option<String>,
    /// The key the request named, when it named one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keyid: Option<String>,
    /// The party the credentials belong to, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub party: Option<String>,
    /// What was refused and why, for people.
    pub reason: String,
}

/// Where security events go.
#[derive(Clone, Debug)]
pub struct SecurityLog {
    tx: Option<mpsc::Sender<SecurityEvent>>,
    recent: Arc<Mutex<VecDeque<SecurityEvent>>>,
    counts: Arc<Mutex<BTreeMap<&'static str, u64>>>,
}

impl SecurityLog {
    /// Appends to `DATA/security.jsonl` from a thread of its own.
    pub fn open(data: &Path) -> std::io::Result<SecurityLog> {
        let path = data.join("security.jsonl");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)?;
        let (tx, rx) = mpsc::channel::<SecurityEvent>();
        std::thread::Builder::new()
            .name("security-log".into())
            .spawn(move || {
                let mut out = std::io::BufWriter::new(file);
                while let Ok(first) = rx.recv() {
                    let mut write = |e: &SecurityEvent| {
                        if let Ok(line) = serde_json::to_string(e) {
                            let _ = writeln!(out, "{line}");
                        }
                    };
                    write(&first);
                    for e in rx.try_iter() {
                        write(&e);
                    }
                    let _ = out.flush();
                }
            })?;
        Ok(SecurityLog {
            tx: Some(tx),
            ..SecurityLog::in_memory()
        })
    }

    /// Kept in memory only (tests).
    pub fn in_memory() -> SecurityLog {
        SecurityLog {
            tx: None,
            recent: Arc::new(Mutex::new(VecDeque::new())),
            counts: Arc::new(Mutex::new(BTreeMap::new())),
        }
    }

    pub fn record(&self, event: SecurityEvent) {
        {
            let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
            *counts.entry(event.code).or_default() += 1;
        }
        {
            let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
            if recent.len() == KEPT {
                recent.pop_front();
            }
            recent.push_back(event.clone());
        }
        if let Some(tx) = &self.tx {
            let _ = tx.send(event);
        }
    }

    /// The latest events, oldest first.
    pub fn recent(&self) -> Value {
        let recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        serde_json::to_value(recent.iter().collect::<Vec<_>>()).unwrap_or(Value::Null)
    }

    /// How many events of each code.
    pub fn counts(&self) -> BTreeMap<&'static str, u64> {
        self.counts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}
