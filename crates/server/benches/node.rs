//! The node's benchmarks (issue: "Benchmarks (not timed tests), as ratios"),
//! all in one run, each against a reference measured in the same run:
//!
//! - throughput: observations accepted durably per second by the node over
//!   HTTP on loopback (`POST /api/v1/inputs`, JSON lines, batches of 100,
//!   500, 1,000), against (b) a bare axum handler that only reads the body
//!   and answers 200, with the same clients and bodies, and (c) raw SQLite
//!   inserts of the same line bytes (WAL, `synchronous=FULL`) in
//!   transactions of the same size;
//! - acknowledgement latency (p50, p99, max) at a steady 1,000 inputs/s,
//!   open loop (measured from each request's scheduled time, so a slow
//!   answer delays the ones behind it and is counted), as 10 batches of 100
//!   per second and as 1,000 single-input requests per second;
//! - resident memory (VmRSS) of a node process after N observations, in a
//!   child process of its own so the other phases leave nothing behind.
//!
//! The client is hand-rolled HTTP/1.1 over `std::net::TcpStream` with
//! keep-alive (one connection per client thread, `TCP_NODELAY`): no client
//! library's overhead in either measurement.
//!
//! Settings (environment): `NODEBENCH_PHASES` (default
//! `bare,sqlite,node,latency,memory`), `NODEBENCH_BATCHES` (`100,500,1000`),
//! `NODEBENCH_CLIENTS` (4), `NODEBENCH_INPUTS` (inputs per throughput point,
//! 200000; the references repeat theirs for at least `NODEBENCH_REF_SECS`,
//! 3), `NODEBENCH_LATENCY_SECS` (15), `NODEBENCH_N` (observations for
//! the memory phase, 1000000), `NODEBENCH_MEMORY_MAX_SECS` (1200: the
//! memory phase stops there and reports the N it reached).
//!
//! Run: `cargo bench -p server --bench node`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;

// ---------------------------------------------------------------- settings

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn phases() -> Vec<String> {
    std::env::var("NODEBENCH_PHASES")
        .unwrap_or_else(|_| "bare,sqlite,node,latency,memory".into())
        .split(',')
        .map(|s| s.trim().to_string())
        .collect()
}

fn batches() -> Vec<usize> {
    std::env::var("NODEBENCH_BATCHES")
        .unwrap_or_else(|_| "100,500,1000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

// ------------------------------------------------------------------ inputs

/// Observation `n` as one JSON line (no newline): unique message id; the
/// observed time advances one second every 100 observations.
fn line(out: &mut String, n: u64) {
    let s = n / 100;
    let (day, h, m, sec) = (1 + s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60);
    write!(
        out,
        r#"{{"v":1,"type":"observation","id":{{"party":"ukraine","source":"radar-east","message":"m-{n}"}},"class":"radar","observed":{{"from":"2026-03-{day:02}T{h:02}:{m:02}:{sec:02}Z"}},"place":{{"zone":"ukraine"}},"kind":"missile_launch","counts":{{"launched":6}},"confidence_bp":9000}}"#
    )
    .unwrap();
}

/// A body of `size` observations from `first` on, as JSON lines.
fn body(first: u64, size: usize) -> Vec<u8> {
    let mut s = String::with_capacity(size * 300);
    for n in first..first + size as u64 {
        line(&mut s, n);
        s.push('\n');
    }
    s.into_bytes()
}

// ------------------------------------------------------------------ client

/// A keep-alive HTTP/1.1 connection that posts bodies to one path.
struct Client {
    stream: TcpStream,
    head: String,
    buf: Vec<u8>,
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

impl Client {
    fn connect(addr: SocketAddr, token: &str) -> Client {
        let stream = TcpStream::connect(addr).unwrap();
        stream.set_nodelay(true).unwrap();
        let head = format!(
            "POST /api/v1/inputs HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/x-ndjson\r\nContent-Length: "
        );
        Client {
            stream,
            head,
            buf: Vec::with_capacity(64 * 1024),
        }
    }

    /// Posts `body`; the answer's status and body.
    fn post(&mut self, body: &[u8]) -> (u16, Vec<u8>) {
        let mut req = Vec::with_capacity(self.head.len() + 16 + body.len());
        req.extend_from_slice(self.head.as_bytes());
        write!(req, "{}\r\n\r\n", body.len()).unwrap();
        req.extend_from_slice(body);
        self.stream.write_all(&req).unwrap();
        self.response()
    }

    fn fill(&mut self) {
        let mut chunk = [0u8; 64 * 1024];
        let n = self.stream.read(&mut chunk).unwrap();
        assert!(n > 0, "the server closed the connection");
        self.buf.extend_from_slice(&chunk[..n]);
    }

    fn response(&mut self) -> (u16, Vec<u8>) {
        let end = loop {
            if let Some(i) = find(&self.buf, b"\r\n\r\n") {
                break i;
            }
            self.fill();
        };
        let head = String::from_utf8_lossy(&self.buf[..end]).to_ascii_lowercase();
        self.buf.drain(..end + 4);
        let status: u16 = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("a status line");
        let header = |name: &str| {
            head.lines()
                .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_string()))
        };
        if let Some(len) = header("content-length:") {
            let len: usize = len.parse().unwrap();
            while self.buf.len() < len {
                self.fill();
            }
            let body = self.buf.drain(..len).collect();
            return (status, body);
        }
        assert_eq!(
            header("transfer-encoding:").as_deref(),
            Some("chunked"),
            "an answer without a length"
        );
        let mut body = Vec::new();
        loop {
            let eol = loop {
                if let Some(i) = find(&self.buf, b"\r\n") {
                    break i;
                }
                self.fill();
            };
            let size = usize::from_str_radix(
                String::from_utf8_lossy(&self.buf[..eol])
                    .split(';')
                    .next()
                    .unwrap()
                    .trim(),
                16,
            )
            .unwrap();
            self.buf.drain(..eol + 2);
            while self.buf.len() < size + 2 {
                self.fill();
            }
            body.extend(self.buf.drain(..size));
            self.buf.drain(..2);
            if size == 0 {
                return (status, body);
            }
        }
    }
}

/// Checks a node's answer: 200, and no input refused.
fn check(status: u16, body: &[u8]) {
    if status != 200 || find(body, b"\"refused\"").is_some() {
        panic!(
            "the node answered {status}: {}",
            String::from_utf8_lossy(body.get(..600.min(body.len())).unwrap_or_default())
        );
    }
}

// ----------------------------------------------------------------- servers

struct DirFiles(PathBuf);

impl framework::Files for DirFiles {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        std::fs::read(self.0.join(path)).map_err(|e| e.to_string())
    }
}

fn framework() -> framework::Framework {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/ukraine-2025");
    let text = std::fs::read_to_string(dir.join("framework.toml")).unwrap();
    framework::load_and_check("framework.toml", &text, &DirFiles(dir)).0
}

/// A fresh directory on the build's disk (not a tmpfs).
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("nodebench-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A router served on 127.0.0.1:0 by a tokio runtime of its own (worker
/// threads: one per core); stopped when dropped.
struct Served {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Served {
    fn new(router: Router) -> Served {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        runtime.spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
        });
        Served {
            addr,
            stop: Some(stop),
            runtime: Some(runtime),
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(r) = self.runtime.take() {
            r.shutdown_timeout(Duration::from_secs(2));
        }
    }
}

/// The reference: read the body, answer 200.
fn bare() -> Served {
    Served::new(Router::new().route(
        "/api/v1/inputs",
        post(|body: String| async move {
            std::hint::black_box(body);
            StatusCode::OK
        }),
    ))
}

/// A node on a fresh data directory, served; with the `ukraine` token.
fn node(fw: &framework::Framework, name: &str) -> (Served, String, PathBuf) {
    let dir = scratch(name);
    let policy_path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/ukraine-2025/policy.cedar");
    let policy = std::fs::read_to_string(&policy_path).unwrap();
    let mut options = server::Options::new(&dir, &policy, "policy.cedar");
    // Bearer tokens and no rate limit: the figure is the node's throughput.
    options.auth = server::auth::Mode::LocalTokens;
    options.rate_limit = server::ratelimit::Limit {
        rate: 1_000_000,
        burst: 1_000_000,
    };
    let node = server::start(fw, &options).unwrap();
    let tokens = std::fs::read_to_string(dir.join("tokens")).unwrap();
    let token = tokens
        .lines()
        .find_map(|l| l.strip_prefix("ukraine "))
        .unwrap()
        .trim()
        .to_string();
    (Served::new(node.router()), token, dir)
}

// -------------------------------------------------------------- throughput

/// Posts `total` inputs in batches of `batch` from `clients` threads, each
/// on its own connection, bodies made beforehand; inputs per second. With
/// `repeat` (the bare reference, which keeps nothing), the same bodies are
/// posted again until `repeat` has passed, so a fast reference is timed
/// over seconds too.
fn throughput(
    addr: SocketAddr,
    token: &str,
    clients: usize,
    (batch, total): (usize, usize),
    first: u64,
    checked: bool,
    repeat: Option<Duration>,
) -> f64 {
    let per_client = total / batch / clients;
    let bodies: Vec<Vec<Vec<u8>>> = (0..clients)
        .map(|c| {
            (0..per_client)
                .map(|i| body(first + ((c * per_client + i) * batch) as u64, batch))
                .collect()
        })
        .collect();
    let barrier = Arc::new(Barrier::new(clients + 1));
    let threads: Vec<_> = bodies
        .into_iter()
        .map(|bodies| {
            let (barrier, token) = (barrier.clone(), token.to_string());
            std::thread::spawn(move || {
                let mut client = Client::connect(addr, &token);
                barrier.wait();
                let start = Instant::now();
                let mut posted = 0usize;
                loop {
                    for b in &bodies {
                        let (status, answer) = client.post(b);
                        if checked {
                            check(status, &answer);
                        } else {
                            assert_eq!(status, 200);
                        }
                    }
                    posted += bodies.len() * batch;
                    if repeat.is_none_or(|d| start.elapsed() >= d) {
                        return posted;
                    }
                }
            })
        })
        .collect();
    barrier.wait();
    let start = Instant::now();
    let posted: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
    posted as f64 / start.elapsed().as_secs_f64()
}

/// The same line bytes inserted into SQLite (WAL, synchronous=FULL), one
/// transaction per batch, all of them again until `repeat` has passed;
/// inserts per second.
fn sqlite(batch: usize, total: usize, repeat: Duration) -> f64 {
    let dir = scratch(&format!("sqlite-{batch}"));
    let conn = rusqlite::Connection::open(dir.join("raw.sqlite")).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    conn.execute_batch(
        "PRAGMA synchronous=FULL;
         CREATE TABLE events (seq INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, party TEXT, input BLOB);",
    )
    .unwrap();
    let batches: Vec<Vec<Vec<u8>>> = (0..total / batch)
        .map(|b| {
            (0..batch)
                .map(|i| {
                    let mut s = String::new();
                    line(&mut s, (b * batch + i) as u64);
                    s.into_bytes()
                })
                .collect()
        })
        .collect();
    let mut conn = conn;
    let start = Instant::now();
    let mut rounds = 0;
    while rounds == 0 || start.elapsed() < repeat {
        rounds += 1;
        for (b, lines) in batches.iter().enumerate() {
            let tx = conn.transaction().unwrap();
            {
                let mut st = tx
                    .prepare_cached("INSERT INTO events (at_ms, party, input) VALUES (?1, ?2, ?3)")
                    .unwrap();
                for l in lines {
                    st.execute(rusqlite::params![b as i64, "ukraine", l])
                        .unwrap();
                }
            }
            tx.commit().unwrap();
        }
    }
    (rounds * batches.len() * batch) as f64 / start.elapsed().as_secs_f64()
}

// ----------------------------------------------------------------- latency

struct Latency {
    p50: Duration,
    p99: Duration,
    max: Duration,
    rate: f64,
}

/// Open loop: `rate` requests per second of `batch` inputs each for
/// `secs`, spread over `conns` connections (request i on connection
/// i mod conns, scheduled at i / rate); latency from the scheduled time to
/// the answer.
fn latency(
    addr: SocketAddr,
    token: &str,
    batch: usize,
    rate: u64,
    secs: u64,
    conns: usize,
    first: u64,
) -> Latency {
    let requests = rate * secs;
    let interval = Duration::from_secs_f64(1.0 / rate as f64);
    let start = Instant::now() + Duration::from_millis(200);
    let threads: Vec<_> = (0..conns)
        .map(|c| {
            let token = token.to_string();
            std::thread::spawn(move || {
                let mut client = Client::connect(addr, &token);
                let mut lat = Vec::new();
                let mut i = c as u64;
                while i < requests {
                    let b = body(first + i * batch as u64, batch);
                    let at = start + interval * i as u32;
                    let now = Instant::now();
                    if at > now {
                        std::thread::sleep(at - now);
                    }
                    let (status, answer) = client.post(&b);
                    check(status, &answer);
                    lat.push(at.elapsed());
                    i += conns as u64;
                }
                lat
            })
        })
        .collect();
    let mut all: Vec<Duration> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    let elapsed = start.elapsed().as_secs_f64();
    all.sort();
    let q = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)];
    Latency {
        p50: q(0.50),
        p99: q(0.99),
        max: *all.last().unwrap(),
        rate: (all.len() * batch) as f64 / elapsed,
    }
}

// ------------------------------------------------------------------ memory

fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn disk_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum()
}

/// The memory phase, in a process of its own: a node, N observations in
/// batches of 1,000 from 4 clients (bodies made as they go), VmRSS along
/// the way.
fn memory_child() {
    let n: u64 = env_or("NODEBENCH_N", 1_000_000);
    let max_secs: u64 = env_or("NODEBENCH_MEMORY_MAX_SECS", 1200);
    let (clients, batch) = (4u64, 1000u64);
    let fw = framework();
    let (served, token, dir) = node(&fw, "memory");
    let rss0 = status_kb("VmRSS:");
    println!(
        "memory: node started, VmRSS {:.1} MiB; posting {n} observations (batches of {batch}, {clients} clients)",
        rss0 as f64 / 1024.0
    );
    let next = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let deadline = start + Duration::from_secs(max_secs);
    let step = (n / 10).max(batch);
    // The first checkpoint (~N/10): the marginal slope is taken from there,
    // past the runtime's and allocator's start-up.
    let warm = Arc::new((AtomicU64::new(0), AtomicU64::new(0)));
    let threads: Vec<_> = (0..clients)
        .map(|_| {
            let (next, token, addr, warm) =
                (next.clone(), token.clone(), served.addr, warm.clone());
            std::thread::spawn(move || {
                let mut client = Client::connect(addr, &token);
                let mut done = 0u64;
                loop {
                    let first = next.fetch_add(batch, Ordering::Relaxed);
                    if first >= n || Instant::now() > deadline {
                        return done;
                    }
                    let size = batch.min(n - first);
                    let (status, answer) = client.post(&body(first, size as usize));
                    check(status, &answer);
                    done += size;
                    if (first + size) % step < batch {
                        let (rss, at) = (status_kb("VmRSS:"), first + size);
                        let _ = warm.0.compare_exchange(0, at, Ordering::SeqCst, Ordering::SeqCst);
                        let _ = warm.1.compare_exchange(0, rss, Ordering::SeqCst, Ordering::SeqCst);
                        let (n1, r1) = (warm.0.load(Ordering::SeqCst), warm.1.load(Ordering::SeqCst));
                        println!(
                            "memory: ~{at:>9} observations, {:>6.0} s, VmRSS {:>7.1} MiB, {:.0} B/observation over the start, {:.0} B/observation since ~{n1}",
                            start.elapsed().as_secs_f64(),
                            rss as f64 / 1024.0,
                            (rss.saturating_sub(rss0) * 1024) as f64 / at as f64,
                            (rss.saturating_sub(r1) * 1024) as f64 / at.saturating_sub(n1).max(1) as f64,
                        );
                    }
                }
            })
        })
        .collect();
    let done: u64 = threads.into_iter().map(|t| t.join().unwrap()).sum();
    let secs = start.elapsed().as_secs_f64();
    let (rss, hwm) = (status_kb("VmRSS:"), status_kb("VmHWM:"));
    let (n1, r1) = (warm.0.load(Ordering::SeqCst), warm.1.load(Ordering::SeqCst));
    println!(
        "MEMORY n={done} secs={secs:.0} rate={:.0} rss0_mib={:.1} rss_mib={:.1} hwm_mib={:.1} slope_b={:.0} marginal_b={:.0} (from ~{n1}, {:.1} MiB) disk_mib={:.1}",
        done as f64 / secs,
        rss0 as f64 / 1024.0,
        rss as f64 / 1024.0,
        hwm as f64 / 1024.0,
        (rss.saturating_sub(rss0) * 1024) as f64 / done.max(1) as f64,
        (rss.saturating_sub(r1) * 1024) as f64 / done.saturating_sub(n1).max(1) as f64,
        r1 as f64 / 1024.0,
        disk_bytes(&dir) as f64 / (1 << 20) as f64,
    );
    drop(served);
}

// -------------------------------------------------------------------- main

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .map(|v| v.trim_start_matches([' ', '\t', ':']).to_string())
        })
        .unwrap_or_default();
    format!(
        "{} cores, {cpu}",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    )
}

fn main() {
    if std::env::var("NODEBENCH_ROLE").as_deref() == Ok("memory") {
        memory_child();
        return;
    }
    let phases = phases();
    let on = |p: &str| phases.iter().any(|x| x == p);
    let clients: usize = env_or("NODEBENCH_CLIENTS", 4);
    let total: usize = env_or("NODEBENCH_INPUTS", 200_000);
    let secs: u64 = env_or("NODEBENCH_LATENCY_SECS", 15);
    let repeat = Duration::from_secs(env_or("NODEBENCH_REF_SECS", 3));
    println!("machine: {}", machine());
    println!(
        "throughput: {total} observations per point, {clients} client threads (keep-alive HTTP/1.1, hand-rolled over TcpStream), JSON lines"
    );
    let fw = framework();
    let mut first = 0u64;
    let mut rows = Vec::new();
    for &batch in &batches() {
        let b = on("bare").then(|| {
            let s = bare();
            throughput(s.addr, "x", clients, (batch, total), 0, false, Some(repeat))
        });
        let c = on("sqlite").then(|| sqlite(batch, total, repeat));
        let a = on("node").then(|| {
            let (s, token, _) = node(&fw, &format!("node-{batch}"));
            let r = throughput(s.addr, &token, clients, (batch, total), first, true, None);
            first += total as u64;
            r
        });
        let f = |x: Option<f64>| x.map_or("-".into(), |x| format!("{x:.0}"));
        let ratio = |x: Option<f64>, y: Option<f64>| match (x, y) {
            (Some(x), Some(y)) => format!("{:.3}", x / y),
            _ => "-".into(),
        };
        let row = format!(
            "| {batch:>5} | {:>10} | {:>10} | {:>10} | {:>7} | {:>7} |",
            f(a),
            f(b),
            f(c),
            ratio(a, b),
            ratio(a, c)
        );
        println!("{row}");
        rows.push(row);
    }
    println!("\ninputs accepted per second (goal: node >= 40000/s)");
    println!("| batch | (a) node/s | (b) bare/s | (c) sqlite/s |   a/b   |   a/c   |");
    println!("|------:|-----------:|-----------:|-----------:|--------:|--------:|");
    for r in &rows {
        println!("{r}");
    }
    if on("latency") {
        println!(
            "\nacknowledgement latency at a steady 1000 inputs/s for {secs} s, open loop (goal: p99 <= 20 ms)"
        );
        println!("| shape                     | p50 ms | p99 ms | max ms | achieved/s |");
        println!("|---------------------------|-------:|-------:|-------:|-----------:|");
        for (name, batch, rate, conns) in [
            ("10/s batches of 100", 100usize, 10u64, 4usize),
            ("1000/s single inputs", 1, 1000, 16),
        ] {
            let (s, token, _) = node(&fw, &format!("latency-{batch}"));
            let l = latency(s.addr, &token, batch, rate, secs, conns, 0);
            let ms = |d: Duration| d.as_secs_f64() * 1e3;
            println!(
                "| {name:<25} | {:>6.2} | {:>6.2} | {:>6.2} | {:>10.0} |",
                ms(l.p50),
                ms(l.p99),
                ms(l.max),
                l.rate
            );
        }
    }
    if on("memory") {
        println!();
        let status = std::process::Command::new(std::env::current_exe().unwrap())
            .env("NODEBENCH_ROLE", "memory")
            .status()
            .unwrap();
        assert!(status.success(), "the memory phase failed");
    }
}
