//! The outbox's delivery: each order the ladder issues is notified to its
//! executing party's endpoint (a webhook), at least once, with the
//! decision's log index; a failed attempt is retried with backoff, and the
//! rows are in the node's store, so nothing is lost across restarts.
//!
//! Endpoints are read from `DATA/webhooks`: one `PARTY URL` per line
//! (`http://` URLs; `#` starts a comment), read again on every round so an
//! endpoint added later is used for the orders still waiting.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use store::logdir::StoreError;
use store::sqlite::NodeStore;

/// The longest wait between two attempts.
pub const BACKOFF_MAX_MS: i64 = 10 * 60 * 1000;

/// The wait after `attempts` failed attempts: 1 s, 2 s, 4 s, … up to
/// [`BACKOFF_MAX_MS`].
pub fn backoff_ms(attempts: u32) -> i64 {
    1000i64
        .saturating_mul(1i64 << attempts.min(20))
        .min(BACKOFF_MAX_MS)
}

/// Reads `PARTY URL` lines; a line that is not one is skipped with a
/// message naming it.
pub fn endpoints(path: &Path) -> BTreeMap<String, String> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return BTreeMap::new();
    };
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line.split_once(char::is_whitespace) {
            Some((party, url)) if url.trim().starts_with("http://") => {
                out.insert(party.to_string(), url.trim().to_string());
            }
            _ => eprintln!(
                "bulwark: {}:{}: expected `PARTY http://…`; line skipped",
                path.display(),
                i + 1
            ),
        }
    }
    out
}

/// One round: every due order is posted to its party's endpoint; returns
/// (delivered, failed). `post(url, body)` gives the HTTP status or why no
/// answer came.
pub fn deliver_due(
    store: &mut NodeStore,
    endpoints: &BTreeMap<String, String>,
    now_ms: i64,
    post: &mut dyn FnMut(&str, &str) -> Result<u16, String>,
) -> Result<(usize, usize), StoreError> {
    let (mut delivered, mut failed) = (0, 0);
    for row in store.outbox_due(now_ms, 100)? {
        let outcome = match endpoints.get(&row.party) {
            None => Err(format!(
                "no endpoint for `{}`: add `{} http://…` to the data directory's `webhooks`",
                row.party, row.party
            )),
            Some(url) => match post(url, &row.payload) {
                Ok(status) if (200..300).contains(&status) => Ok(()),
                Ok(status) => Err(format!("{url} answered HTTP {status}")),
                Err(e) => Err(format!("{url}: {e}")),
            },
        };
        match outcome {
            Ok(()) => {
                store.delivered(row.id, now_ms)?;
                delivered += 1;
            }
            Err(e) => {
                store.failed(row.id, &e, now_ms + backoff_ms(row.attempts))?;
                failed += 1;
            }
        }
    }
    Ok((delivered, failed))
}

/// Posts JSON with a timeout; the status, or why there was none.
pub fn http_post(url: &str, body: &str) -> Result<u16, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .http_status_as_error(false)
        .build()
        .into();
    agent
        .post(url)
        .header("content-type", "application/json")
        .send(body)
        .map(|r| r.status().as_u16())
        .map_err(|e| e.to_string())
}

/// The delivery loop: a round every second, on its own connection to the
/// store, until the process ends.
pub fn run(data: &Path, now: fn() -> i64) {
    let mut store = match NodeStore::open(&data.join("node.sqlite")) {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "bulwark: the outbox cannot open the store: {e}; orders are kept, not delivered"
            );
            return;
        }
    };
    loop {
        let endpoints = endpoints(&data.join("webhooks"));
        if let Err(e) = deliver_due(&mut store, &endpoints, now(), &mut http_post) {
            eprintln!("bulwark: the outbox: {e}");
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use store::sqlite::{Commit, NewOrder};

    #[test]
    fn orders_are_delivered_at_least_once_with_backoff_and_survive_a_restart() {
        let dir = std::env::temp_dir().join(format!("bulwark-outbox-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let db = dir.join("node.sqlite");
        let mut store = NodeStore::open(&db).unwrap();
        let order = |id: &str, party: &str| NewOrder {
            order_id: id.into(),
            party: party.into(),
            log_index: 7,
            payload: format!("{{\"order\":\"{id}\"}}"),
        };
        store
            .commit(&Commit {
                outbox: vec![order("B1/t1/a", "us"), order("B1/t1/b", "poland")],
                alive_ms: 1_000,
                ..Commit::default()
            })
            .unwrap();
        let mut eps = BTreeMap::new();
        eps.insert("us".to_string(), "http://us.example/orders".to_string());
        // The endpoint fails once, then takes it; poland has no endpoint.
        let calls = std::cell::RefCell::new(Vec::new());
        let mut post = |url: &str, body: &str| {
            calls.borrow_mut().push((url.to_string(), body.to_string()));
            if calls.borrow().len() == 1 {
                Ok(500)
            } else {
                Ok(204)
            }
        };
        assert_eq!(
            deliver_due(&mut store, &eps, 1_000, &mut post).unwrap(),
            (0, 2)
        );
        // Not due again before its backoff.
        assert_eq!(
            deliver_due(&mut store, &eps, 1_500, &mut post).unwrap(),
            (0, 0)
        );
        drop(store);
        // A restart: the rows are still there, with their attempts.
        let mut store = NodeStore::open(&db).unwrap();
        let rows = store.outbox().unwrap();
        assert_eq!(rows[0].attempts, 1);
        assert!(rows[0].last_error.as_deref().unwrap().contains("HTTP 500"));
        assert!(
            rows[1]
                .last_error
                .as_deref()
                .unwrap()
                .contains("no endpoint for `poland`")
        );
        assert_eq!(
            deliver_due(&mut store, &eps, 2_000, &mut post).unwrap(),
            (1, 1)
        );
        assert_eq!(calls.borrow().len(), 2);
        assert_eq!(calls.borrow()[1].1, "{\"order\":\"B1/t1/a\"}");
        // Delivered is delivered: never posted again.
        assert_eq!(
            deliver_due(&mut store, &eps, 100_000, &mut post).unwrap(),
            (0, 1)
        );
        assert_eq!(calls.borrow().len(), 2);
        // The same order committed again (a replay) is not a second row.
        store
            .commit(&Commit {
                outbox: vec![order("B1/t1/a", "us")],
                alive_ms: 3_000,
                ..Commit::default()
            })
            .unwrap();
        assert_eq!(store.outbox().unwrap().len(), 2);
        assert_eq!(backoff_ms(0), 1_000);
        assert_eq!(backoff_ms(3), 8_000);
        assert_eq!(backoff_ms(40), BACKOFF_MAX_MS);
    }

    #[test]
    fn a_webhook_is_posted_over_http_and_a_dead_endpoint_is_an_error() {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut buf = vec![0u8; 4096];
            let n = s.read(&mut buf).unwrap();
            s.write_all(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
                .unwrap();
            String::from_utf8_lossy(&buf[..n]).into_owned()
        });
        let url = format!("http://127.0.0.1:{port}/orders");
        assert_eq!(http_post(&url, "{\"order\":\"x\"}"), Ok(204));
        let request = server.join().unwrap();
        assert!(request.starts_with("POST /orders HTTP/1.1"), "{request}");
        assert!(
            request
                .to_ascii_lowercase()
                .contains("content-type: application/json")
        );
        // Nobody listens there any more.
        assert!(http_post(&url, "{}").is_err());
    }
}
