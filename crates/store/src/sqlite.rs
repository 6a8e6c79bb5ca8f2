//! The node's store: embedded SQLite (docs/node.md, "Storage").
//!
//! Everything a node must not lose is written in one transaction per group
//! commit: the events the sequencer applied (inputs with their recorded
//! time, and the clock ticks that made decisions), the log entries, the
//! signed checkpoint over them, and the outbox rows of the orders to
//! notify. With `journal_mode=WAL` and `synchronous=FULL` a commit is on
//! disk when it returns; [`NodeStore::open`] refuses any setting that could
//! lose an acknowledged input.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use crate::logdir::StoreError;

/// The schema's version, in `PRAGMA user_version`. Version 2 added key
/// registry events and the nonces of signed requests.
const SCHEMA_VERSION: i64 = 2;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('input', 'tick', 'key')),
    at_ms INTEGER NOT NULL,
    party TEXT,
    input BLOB
);
CREATE TABLE IF NOT EXISTS log (
    idx INTEGER PRIMARY KEY,
    entry BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS checkpoints (
    size INTEGER PRIMARY KEY,
    note TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY,
    order_id TEXT NOT NULL UNIQUE,
    party TEXT NOT NULL,
    log_index INTEGER NOT NULL,
    payload TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_ms INTEGER NOT NULL,
    delivered_ms INTEGER,
    last_error TEXT
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (next_ms) WHERE delivered_ms IS NULL;
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS nonces (
    keyid TEXT NOT NULL,
    nonce TEXT NOT NULL,
    until_s INTEGER NOT NULL,
    PRIMARY KEY (keyid, nonce)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS nonces_until ON nonces (until_s);
";

/// From version 1: `key` events, and the nonces table.
const MIGRATE_1_TO_2: &str = "
ALTER TABLE events RENAME TO events_v1;
CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('input', 'tick', 'key')),
    at_ms INTEGER NOT NULL,
    party TEXT,
    input BLOB
);
INSERT INTO events (seq, kind, at_ms, party, input) SELECT seq, kind, at_ms, party, input FROM events_v1;
DROP TABLE events_v1;
CREATE TABLE IF NOT EXISTS nonces (
    keyid TEXT NOT NULL,
    nonce TEXT NOT NULL,
    until_s INTEGER NOT NULL,
    PRIMARY KEY (keyid, nonce)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS nonces_until ON nonces (until_s);
";

/// One event the sequencer applied, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// An input (canonical bytes) recorded at `at_ms`, from `party` (the
    /// authenticated submitter, or `None` for the node's own).
    Input {
        at_ms: i64,
        party: Option<String>,
        input: Vec<u8>,
    },
    /// The clock moved to `at_ms` and decisions were made.
    Tick { at_ms: i64 },
    /// A key registry record (an enrolment or a signed statement, as JSON
    /// bytes) recorded at `at_ms`.
    Key { at_ms: i64, record: Vec<u8> },
}

/// A signed request's nonce, remembered until `until_s` (seconds since the
/// epoch) so that a replay is refused, also after a restart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Nonce {
    pub keyid: String,
    pub nonce: String,
    pub until_s: i64,
}

/// An order to notify, as the outbox holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxRow {
    pub id: i64,
    pub order_id: String,
    pub party: String,
    pub log_index: u64,
    pub payload: String,
    pub attempts: u32,
    pub next_ms: i64,
    pub delivered_ms: Option<i64>,
    pub last_error: Option<String>,
}

/// A new outbox row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewOrder {
    pub order_id: String,
    pub party: String,
    pub log_index: u64,
    pub payload: String,
}

/// What one group commit writes.
#[derive(Clone, Debug, Default)]
pub struct Commit {
    pub events: Vec<Event>,
    /// Log entries appended, from index `log_from` on.
    pub log_from: u64,
    pub log: Vec<Vec<u8>>,
    /// The signed checkpoint over the log after this commit: (size, note).
    pub checkpoint: Option<(u64, String)>,
    pub outbox: Vec<NewOrder>,
    /// The node's clock at this commit (for recorded downtime after a crash).
    pub alive_ms: i64,
    /// Nonces of the signed requests this commit answers.
    pub nonces: Vec<Nonce>,
}

fn sql(e: rusqlite::Error) -> StoreError {
    StoreError::Corrupt(format!("the node's database: {e}"))
}

/// The node's SQLite store.
#[derive(Debug)]
pub struct NodeStore {
    conn: Connection,
}

impl NodeStore {
    /// Opens (or makes) the store at `path`, in WAL mode with
    /// `synchronous=FULL`, checked by reading both settings back.
    pub fn open(path: &Path) -> Result<NodeStore, StoreError> {
        let conn = Connection::open(path).map_err(sql)?;
        // The outbox's delivery has its own connection: wait for the
        // sequencer's transaction rather than fail.
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(sql)?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .map_err(sql)?;
        conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")
            .map_err(sql)?;
        let sync: i64 = conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .map_err(sql)?;
        let store = NodeStore { conn };
        check_settings(&mode, sync)?;
        let version: i64 = store
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(sql)?;
        match version {
            0 => {
                store.conn.execute_batch(SCHEMA).map_err(sql)?;
                store
                    .conn
                    .execute_batch(&format!("PRAGMA user_version={SCHEMA_VERSION}"))
                    .map_err(sql)?;
            }
            1 => {
                let tx = store.conn.unchecked_transaction().map_err(sql)?;
                tx.execute_batch(MIGRATE_1_TO_2).map_err(sql)?;
                tx.execute_batch(&format!("PRAGMA user_version={SCHEMA_VERSION}"))
                    .map_err(sql)?;
                tx.commit().map_err(sql)?;
            }
            SCHEMA_VERSION => {}
            other => {
                return Err(StoreError::Corrupt(format!(
                    "the database has schema version {other}; this bulwark knows {SCHEMA_VERSION}"
                )));
            }
        }
        Ok(store)
    }

    /// Every event, in order.
    pub fn events(&self) -> Result<Vec<Event>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT kind, at_ms, party, input FROM events ORDER BY seq")
            .map_err(sql)?;
        let rows = stmt
            .query_map([], |r| {
                let kind: String = r.get(0)?;
                let at_ms: i64 = r.get(1)?;
                Ok(match kind.as_str() {
                    "tick" => Event::Tick { at_ms },
                    "key" => Event::Key {
                        at_ms,
                        record: r.get::<_, Option<Vec<u8>>>(3)?.unwrap_or_default(),
                    },
                    _ => Event::Input {
                        at_ms,
                        party: r.get(2)?,
                        input: r.get::<_, Option<Vec<u8>>>(3)?.unwrap_or_default(),
                    },
                })
            })
            .map_err(sql)?;
        rows.collect::<Result<_, _>>().map_err(sql)
    }

    /// Every log entry, in order.
    pub fn log(&self) -> Result<Vec<Vec<u8>>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT entry FROM log ORDER BY idx")
            .map_err(sql)?;
        let rows = stmt.query_map([], |r| r.get(0)).map_err(sql)?;
        rows.collect::<Result<_, _>>().map_err(sql)
    }

    /// Log entries `from..to`, in order.
    pub fn log_range(&self, from: u64, to: u64) -> Result<Vec<Vec<u8>>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT entry FROM log WHERE idx >= ?1 AND idx < ?2 ORDER BY idx")
            .map_err(sql)?;
        let rows = stmt
            .query_map(
                params![
                    i64::try_from(from).unwrap_or(i64::MAX),
                    i64::try_from(to).unwrap_or(i64::MAX)
                ],
                |r| r.get(0),
            )
            .map_err(sql)?;
        rows.collect::<Result<_, _>>().map_err(sql)
    }

    /// Writes one group commit in one transaction; durable on return.
    pub fn commit(&mut self, c: &Commit) -> Result<(), StoreError> {
        let tx = self.conn.transaction().map_err(sql)?;
        {
            let mut ev = tx
                .prepare_cached(
                    "INSERT INTO events (kind, at_ms, party, input) VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(sql)?;
            for e in &c.events {
                match e {
                    Event::Input {
                        at_ms,
                        party,
                        input,
                    } => ev.execute(params!["input", at_ms, party, input]),
                    Event::Tick { at_ms } => {
                        ev.execute(params!["tick", at_ms, None::<String>, None::<Vec<u8>>])
                    }
                    Event::Key { at_ms, record } => {
                        ev.execute(params!["key", at_ms, None::<String>, record])
                    }
                }
                .map_err(sql)?;
            }
            if !c.nonces.is_empty() {
                // Lapsed nonces go as new ones come.
                tx.execute(
                    "DELETE FROM nonces WHERE until_s < ?1",
                    [c.alive_ms.div_euclid(1000)],
                )
                .map_err(sql)?;
            }
            remember(&tx, &c.nonces)?;
            let mut log = tx
                .prepare_cached("INSERT INTO log (idx, entry) VALUES (?1, ?2)")
                .map_err(sql)?;
            for (i, entry) in c.log.iter().enumerate() {
                let idx = i64::try_from(c.log_from + i as u64).unwrap_or(i64::MAX);
                log.execute(params![idx, entry]).map_err(sql)?;
            }
            if let Some((size, note)) = &c.checkpoint {
                tx.execute(
                    "INSERT OR REPLACE INTO checkpoints (size, note) VALUES (?1, ?2)",
                    params![i64::try_from(*size).unwrap_or(i64::MAX), note],
                )
                .map_err(sql)?;
            }
            let mut out = tx
                .prepare_cached(
                    "INSERT INTO outbox (order_id, party, log_index, payload, next_ms) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (order_id) DO NOTHING",
                )
                .map_err(sql)?;
            for o in &c.outbox {
                out.execute(params![
                    o.order_id,
                    o.party,
                    i64::try_from(o.log_index).unwrap_or(i64::MAX),
                    o.payload,
                    c.alive_ms
                ])
                .map_err(sql)?;
            }
            tx.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('alive_ms', ?1)",
                params![c.alive_ms.to_string()],
            )
            .map_err(sql)?;
        }
        tx.commit().map_err(sql)
    }

    /// Remembers nonces now, in a transaction of their own (signed reads:
    /// nothing else to commit).
    /// Nonces lapsed before `now_s` are deleted in the same transaction,
    /// so the table holds only the last half-minute's.
    pub fn remember_nonces(&mut self, nonces: &[Nonce], now_s: i64) -> Result<(), StoreError> {
        let tx = self.conn.transaction().map_err(sql)?;
        tx.execute("DELETE FROM nonces WHERE until_s < ?1", [now_s])
            .map_err(sql)?;
        remember(&tx, nonces)?;
        tx.commit().map_err(sql)
    }

    /// The nonces still remembered at `now_s`; lapsed ones are deleted.
    pub fn nonces(&mut self, now_s: i64) -> Result<Vec<Nonce>, StoreError> {
        self.conn
            .execute("DELETE FROM nonces WHERE until_s < ?1", [now_s])
            .map_err(sql)?;
        let mut stmt = self
            .conn
            .prepare("SELECT keyid, nonce, until_s FROM nonces")
            .map_err(sql)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Nonce {
                    keyid: r.get(0)?,
                    nonce: r.get(1)?,
                    until_s: r.get(2)?,
                })
            })
            .map_err(sql)?;
        rows.collect::<Result<_, _>>().map_err(sql)
    }

    /// The node's clock at its last commit, if any.
    pub fn alive_ms(&self) -> Result<Option<i64>, StoreError> {
        self.meta("alive_ms")
            .map(|v| v.and_then(|t| t.parse().ok()))
    }

    /// A value kept beside the data (e.g. the framework's hash).
    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(sql)
    }

    /// Sets a value kept beside the data.
    pub fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
                params![key, value],
            )
            .map(|_| ())
            .map_err(sql)
    }

    /// The latest signed checkpoint.
    pub fn latest_checkpoint(&self) -> Result<Option<(u64, String)>, StoreError> {
        self.conn
            .query_row(
                "SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1",
                [],
                |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?)),
            )
            .optional()
            .map_err(sql)
    }

    /// Orders due for (another) notification attempt at `now_ms`.
    pub fn outbox_due(&self, now_ms: i64, limit: u32) -> Result<Vec<OutboxRow>, StoreError> {
        self.outbox_where(
            "delivered_ms IS NULL AND next_ms <= ?1 ORDER BY next_ms, id LIMIT ?2",
            params![now_ms, limit],
        )
    }

    /// Every outbox row, in order.
    pub fn outbox(&self) -> Result<Vec<OutboxRow>, StoreError> {
        self.outbox_where("1 = 1 ORDER BY id", params![])
    }

    fn outbox_where(
        &self,
        clause: &str,
        p: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<OutboxRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT id, order_id, party, log_index, payload, attempts, next_ms, delivered_ms, last_error FROM outbox WHERE {clause}"
            ))
            .map_err(sql)?;
        let rows = stmt
            .query_map(p, |r| {
                Ok(OutboxRow {
                    id: r.get(0)?,
                    order_id: r.get(1)?,
                    party: r.get(2)?,
                    log_index: r.get::<_, i64>(3)? as u64,
                    payload: r.get(4)?,
                    attempts: r.get(5)?,
                    next_ms: r.get(6)?,
                    delivered_ms: r.get(7)?,
                    last_error: r.get(8)?,
                })
            })
            .map_err(sql)?;
        rows.collect::<Result<_, _>>().map_err(sql)
    }

    /// Records a delivered notification.
    pub fn delivered(&mut self, id: i64, now_ms: i64) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE outbox SET delivered_ms = ?2, attempts = attempts + 1, last_error = NULL WHERE id = ?1",
                params![id, now_ms],
            )
            .map(|_| ())
            .map_err(sql)
    }

    /// Records a failed attempt and when to try again.
    pub fn failed(&mut self, id: i64, error: &str, next_ms: i64) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, next_ms = ?3 WHERE id = ?1",
                params![id, error, next_ms],
            )
            .map(|_| ())
            .map_err(sql)
    }
}

fn remember(tx: &rusqlite::Transaction<'_>, nonces: &[Nonce]) -> Result<(), StoreError> {
    if nonces.is_empty() {
        return Ok(());
    }
    let mut stmt = tx
        .prepare_cached("INSERT OR REPLACE INTO nonces (keyid, nonce, until_s) VALUES (?1, ?2, ?3)")
        .map_err(sql)?;
    for n in nonces {
        stmt.execute(params![n.keyid, n.nonce, n.until_s])
            .map_err(sql)?;
    }
    Ok(())
}

/// Refuses settings that could lose an acknowledged input.
fn check_settings(journal_mode: &str, synchronous: i64) -> Result<(), StoreError> {
    if !journal_mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Corrupt(format!(
            "SQLite runs with journal_mode={journal_mode}, not WAL: refusing to acknowledge inputs that could be lost (is the data directory on a file system that supports WAL?)"
        )));
    }
    // 2 = FULL, 3 = EXTRA.
    if synchronous < 2 {
        return Err(StoreError::Corrupt(format!(
            "SQLite runs with synchronous={synchronous}, below FULL (2): a commit could be lost on power failure; refusing to start"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_that_could_lose_data_are_refused() {
        assert!(check_settings("wal", 2).is_ok());
        assert!(check_settings("WAL", 3).is_ok());
        let e = check_settings("delete", 2).unwrap_err().to_string();
        assert!(e.contains("not WAL"), "{e}");
        let e = check_settings("wal", 1).unwrap_err().to_string();
        assert!(e.contains("below FULL"), "{e}");
    }
}

#[cfg(test)]
mod schema_tests {
    use super::*;

    /// The version-1 schema, as the first nodes wrote it.
    const SCHEMA_V1: &str = "
CREATE TABLE events (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('input', 'tick')), at_ms INTEGER NOT NULL, party TEXT, input BLOB);
CREATE TABLE log (idx INTEGER PRIMARY KEY, entry BLOB NOT NULL);
CREATE TABLE checkpoints (size INTEGER PRIMARY KEY, note TEXT NOT NULL);
CREATE TABLE outbox (id INTEGER PRIMARY KEY, order_id TEXT NOT NULL UNIQUE, party TEXT NOT NULL, log_index INTEGER NOT NULL, payload TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_ms INTEGER NOT NULL, delivered_ms INTEGER, last_error TEXT);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO events (kind, at_ms, party, input) VALUES ('input', 5, 'us', X'7B7D');
INSERT INTO events (kind, at_ms) VALUES ('tick', 9);
PRAGMA user_version=1;
";

    #[test]
    fn a_version_1_store_is_migrated_with_its_events() {
        let dir = std::env::temp_dir().join(format!("bulwark-migrate-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("node.sqlite");
        Connection::open(&path)
            .unwrap()
            .execute_batch(SCHEMA_V1)
            .unwrap();
        let mut store = NodeStore::open(&path).unwrap();
        assert_eq!(
            store.events().unwrap(),
            vec![
                Event::Input {
                    at_ms: 5,
                    party: Some("us".into()),
                    input: b"{}".to_vec()
                },
                Event::Tick { at_ms: 9 },
            ]
        );
        // Key events and nonces now have a place.
        let nonce = Nonce {
            keyid: "k".into(),
            nonce: "n1".into(),
            until_s: 100,
        };
        store
            .commit(&Commit {
                events: vec![Event::Key {
                    at_ms: 10,
                    record: b"{\"k\":1}".to_vec(),
                }],
                nonces: vec![nonce.clone()],
                ..Commit::default()
            })
            .unwrap();
        drop(store);
        let mut store = NodeStore::open(&path).unwrap();
        assert_eq!(store.events().unwrap().len(), 3);
        assert_eq!(store.nonces(100).unwrap(), vec![nonce]);
        // Lapsed nonces are forgotten: on reading them, and as new ones
        // are written.
        assert!(store.nonces(101).unwrap().is_empty());
        let old = Nonce {
            keyid: "k".into(),
            nonce: "n2".into(),
            until_s: 150,
        };
        store
            .remember_nonces(std::slice::from_ref(&old), 100)
            .unwrap();
        let new = Nonce {
            keyid: "k".into(),
            nonce: "n3".into(),
            until_s: 400,
        };
        store
            .remember_nonces(std::slice::from_ref(&new), 200)
            .unwrap();
        assert_eq!(store.nonces(0).unwrap(), vec![new]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
