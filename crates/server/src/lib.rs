//! The node's async shell (`bulwark serve`): the framework's sequencer on
//! its own thread, its store in embedded SQLite under the data directory,
//! and around it the HTTP API (`/api/v1/…`, `/openapi.json`, `/metrics`,
//! `/healthz`, a live stream of decisions) and the Cursor-on-Target
//! listener (docs/node.md).
//!
//! Every write goes through the sequencer thread, which answers only after
//! its commit is durable; reads are served from the same thread, so a
//! reader never sees a decision that is not on disk.

use std::collections::BTreeMap;
use std::io::Read;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use axum::Router;
use axum::extract::{Path as UrlPath, State};
use axum::http::{StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base::Timestamp;
use framework::Framework;
use ledger::note::Signer;
use node::{Answer, Sequencer, Startup};
use serde_json::{Value, json};
use tokio::sync::{broadcast, oneshot};

pub mod auth;
mod board;
mod dashboard;
pub mod outbox;
pub mod ratelimit;
pub mod rotations;
pub mod security;
pub mod stock;
pub mod supply;

/// How to run a node.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where the HTTP API listens.
    pub listen: String,
    /// Where CoT is accepted (unauthenticated, loopback only), if anywhere.
    pub cot_listen: Option<String>,
    pub options: Options,
}

/// How to open a node.
#[derive(Clone, Debug)]
pub struct Options {
    /// The data directory: the SQLite store, the node's key, the tokens,
    /// the security events.
    pub data: PathBuf,
    /// The party the node's own inputs and CoT observations carry; `None`:
    /// `coalition` if the framework has it, else its first party.
    pub node_party: Option<String>,
    /// How parties authenticate.
    pub auth: auth::Mode,
    /// The authorization policy (Cedar): its text and where it came from.
    pub policy: (String, String),
    /// The parties' root keys from the key registry file; enrolled (logged)
    /// on start when new.
    pub roots: Vec<(String, ledger::note::Verifier)>,
    /// Requests per party (or per peer address, for the public).
    pub rate_limit: ratelimit::Limit,
    /// The air-defence rotation plan to serve (`GET /api/v1/rotations`),
    /// checked against the framework at start.
    pub rotation_plan: Option<plan::Plan>,
    /// The entry into force, from which `/api/v1/supply` counts days;
    /// `None`: the framework's `adopted` date at midnight UTC.
    pub in_force: Option<Timestamp>,
}

impl Options {
    /// Defaults for `data`: signatures, the given policy, no roots, 200
    /// requests a second in bursts of 400.
    pub fn new(data: &Path, policy_text: &str, policy_origin: &str) -> Options {
        Options {
            data: data.to_path_buf(),
            node_party: None,
            auth: auth::Mode::Signatures,
            policy: (policy_text.to_string(), policy_origin.to_string()),
            roots: Vec::new(),
            rate_limit: ratelimit::Limit {
                rate: 200,
                burst: 400,
            },
            rotation_plan: None,
            in_force: None,
        }
    }
}

/// The most inputs one group commit takes before it commits.
const GROUP_INPUTS_MAX: usize = 20_000;

/// A request to the sequencer thread.
enum Job {
    Submit {
        party: Option<String>,
        /// The key that signed it: still valid when sequenced?
        keyid: Option<String>,
        /// The signed request's nonce, admitted with its commit.
        nonce: Option<auth::Nonce>,
        inputs: Vec<model::Input>,
        reply: oneshot::Sender<Result<Vec<Answer>, SubmitError>>,
    },
    /// A signed read's nonce (admitted by the guard), to write.
    Remember { nonce: auth::Nonce },
    /// A key registry statement to check, log and apply.
    Key {
        signed: Box<keyring::Signed>,
        reply: oneshot::Sender<Result<Value, String>>,
    },
    Read {
        what: Query,
        reply: oneshot::Sender<Value>,
    },
    Tile {
        path: String,
        reply: oneshot::Sender<Result<Vec<u8>, String>>,
    },
}

/// Why a submission was not sequenced.
#[derive(Debug)]
enum SubmitError {
    /// Its key was revoked after the request was authenticated.
    Revoked(String),
    /// The sequencer failed (the node stops).
    Failed(String),
}

#[derive(Clone, Debug)]
enum Query {
    Status,
    /// One part of the status board.
    Part(&'static str),
    Pack(String),
    Entry(u64),
    Checkpoint,
    Outbox,
    /// Every restricted input with its salt and the parties it names.
    Released,
    /// The delivery chains a reader of this party (`None`: the public) may see.
    Supply(Arc<supply::Access>, Option<String>),
    Keys,
    /// The dashboard's board, for a reader.
    Board(board::Reader),
    /// Days of supply of the public stock lines, as of now.
    Stock(Arc<stock::Public>, Option<Timestamp>),
}

/// Counters for `/metrics`.
#[derive(Debug, Default)]
struct Metrics {
    accepted: AtomicU64,
    duplicates: AtomicU64,
    refused: AtomicU64,
    commits: AtomicU64,
    commit_micros: AtomicU64,
    log_size: AtomicU64,
    unauthenticated: AtomicU64,
    auth_failures: AtomicU64,
}

#[derive(Clone)]
struct App {
    jobs: mpsc::Sender<Job>,
    /// The framework as the dashboard draws it (`/api/v1/framework`).
    framework: Arc<Value>,
    /// The rotation plan and its check as the public sees them
    /// (`/api/v1/rotations`), if one was given.
    rotations: Arc<Option<Value>>,
    /// Who may see each commitment's deliveries (`/api/v1/supply`).
    supply: Arc<supply::Access>,
    /// The stock lines and commitments the public may see (`/api/v1/stock`).
    stock: Arc<stock::Public>,
    guard: Arc<auth::Guard>,
    events: broadcast::Sender<String>,
    metrics: Arc<Metrics>,
}

fn now_ms() -> i64 {
    now().millis()
}

fn now_us() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros() as i64)
        .unwrap_or(0)
}

fn now() -> Timestamp {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    Timestamp::from_millis(ms)
}

/// The node's signer key: `DATA/node.key`, made on first start.
fn node_key(data: &Path, name: &str) -> Result<Signer> {
    let path = data.join("node.key");
    if path.exists() {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read the node's key `{}`", path.display()))?;
        return Signer::parse(text.trim_end()).map_err(|e| anyhow!("`{}`: {e}", path.display()));
    }
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| anyhow!("no randomness from the system: {e}"))?;
    let signer = Signer::from_seed(name, seed).map_err(|e| anyhow!("{e}"))?;
    write_secret(&path, &format!("{}\n", signer.encode()))?;
    Ok(signer)
}

fn write_secret(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options
        .open(path)
        .with_context(|| format!("cannot create `{}`", path.display()))?;
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .with_context(|| format!("cannot write `{}`", path.display()))
}

/// The parties' bearer tokens: `DATA/tokens`, one `PARTY TOKEN` per line,
/// made on first start with a random token for every party.
fn tokens(data: &Path, parties: &[String]) -> Result<BTreeMap<String, String>> {
    let path = data.join("tokens");
    if !path.exists() {
        let mut text = String::from(
            "# bulwark node tokens: PARTY TOKEN per line; give each party its own line only.\n",
        );
        for p in parties {
            let mut raw = [0u8; 24];
            getrandom::fill(&mut raw).map_err(|e| anyhow!("no randomness from the system: {e}"))?;
            text.push_str(&format!("{p} {}\n", ledger::merkle::hex(&raw)));
        }
        write_secret(&path, &text)?;
        eprintln!(
            "bulwark: wrote a bearer token for each party to `{}` (keep it secret; give each party its own)",
            path.display()
        );
    }
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read `{}`", path.display()))?;
    let mut by_token = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (party, token) = line
            .split_once(' ')
            .ok_or_else(|| anyhow!("{}:{}: expected `PARTY TOKEN`", path.display(), i + 1))?;
        if token.len() < 16 {
            return Err(anyhow!(
                "{}:{}: the token of `{party}` is shorter than 16 characters",
                path.display(),
                i + 1
            ));
        }
        by_token.insert(token.trim().to_string(), party.to_string());
    }
    Ok(by_token)
}

/// A node ready to serve: the sequencer started on its own thread.
pub struct Node {
    app: App,
    /// What starting found.
    pub startup: Startup,
    /// The framework's id.
    pub id: String,
    node_party: String,
}

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Node").field("id", &self.id).finish()
    }
}

/// Opens the node in `options.data` (made on first start: its key; in the
/// local mode the parties' tokens), enrols new root keys, replays it and
/// starts its sequencer thread.
pub fn start(fw: &Framework, options: &Options) -> Result<Node> {
    let data = options.data.as_path();
    let parties: Vec<String> = fw.parties.iter().map(|p| p.id.to_string()).collect();
    let node_party = match options.node_party.as_deref() {
        Some(p) if parties.iter().any(|x| x == p) => p.to_string(),
        Some(p) => return Err(anyhow!("`{p}` is not a party of the framework")),
        None if parties.iter().any(|p| p == "coalition") => "coalition".to_string(),
        None => parties
            .first()
            .cloned()
            .ok_or_else(|| anyhow!("the framework has no party"))?,
    };
    let policy = authz::Policy::load(fw, &options.policy.0, &options.policy.1).map_err(|errs| {
        anyhow!(
            "the authorization policy `{}` is refused:\n  {}",
            options.policy.1,
            errs.join("\n  ")
        )
    })?;
    for (party, _) in &options.roots {
        if !parties.contains(party) {
            return Err(anyhow!(
                "the key registry names `{party}`, which is not a party of the framework"
            ));
        }
    }
    std::fs::create_dir_all(data).with_context(|| format!("cannot create `{}`", data.display()))?;
    let id = fw
        .meta
        .as_ref()
        .map_or("framework".to_string(), |m| m.id.clone());
    let signer = node_key(data, &format!("bulwark-node/{id}"))?;
    let framework = Arc::new(board::framework(fw, &signer.verifier().encode()));
    let rotations = match &options.rotation_plan {
        Some(p) => {
            let r = rotations::check(fw, p.clone()).map_err(|why| {
                anyhow!("the rotation plan cannot be checked against this framework:\n  {why}")
            })?;
            Some(rotations::public(fw, &r))
        }
        None => None,
    };
    let rotations = Arc::new(rotations);
    let supply = Arc::new(supply::Access::new(fw, options.in_force));
    let stock = Arc::new(stock::Public::new(fw));
    let tokens = match options.auth {
        auth::Mode::LocalTokens => tokens(data, &parties)?,
        auth::Mode::Signatures => BTreeMap::new(),
    };
    let (mut seq, startup) =
        Sequencer::open(fw, data, signer, &node_party, now()).map_err(|e| anyhow!("{e}"))?;
    for (party, root) in &options.roots {
        seq.enrol(party, root, now())
            .map_err(|e| anyhow!("the key registry: {e}"))?;
    }
    let registry = Arc::new(std::sync::RwLock::new(seq.registry().clone()));
    let security = security::SecurityLog::open(data)
        .with_context(|| format!("cannot write security events in `{}`", data.display()))?;
    let guard = Arc::new(auth::Guard {
        mode: options.auth,
        verifier: httpsig::Verifier {
            required: ["@method", "@authority", "@path", "@query"]
                .into_iter()
                .map(httpsig::ComponentId::new)
                .collect(),
            ..httpsig::Verifier::default()
        },
        registry: registry.clone(),
        tokens,
        policy: Arc::new(policy),
        limiter: ratelimit::Limiter::new(options.rate_limit),
        security,
        nonces: std::sync::Mutex::new(seq.nonce_window()),
        started_s: now().millis().div_euclid(1000),
    });
    let metrics = Arc::new(Metrics::default());
    let (events, _) = broadcast::channel(1024);
    let (jobs, rx) = mpsc::channel::<Job>();
    {
        let (metrics, events) = (metrics.clone(), events.clone());
        std::thread::Builder::new()
            .name("sequencer".into())
            .spawn(move || sequencer_loop(seq, rx, &metrics, &events, &registry))?;
    }
    {
        let data = data.to_path_buf();
        std::thread::Builder::new()
            .name("outbox".into())
            .spawn(move || outbox::run(&data, now_ms))?;
    }
    Ok(Node {
        app: App {
            jobs,
            framework,
            rotations,
            supply,
            stock,
            guard,
            events,
            metrics,
        },
        startup,
        id,
        node_party,
    })
}

impl Node {
    /// The HTTP API as a router (to serve, or to test without sockets).
    pub fn router(&self) -> Router {
        router(self.app.clone())
    }

    /// Listens for CoT on `addr` (unauthenticated) on its own threads.
    /// Loopback addresses only: CoT carries no credentials, so it is taken
    /// only from this machine (a TAK server or gateway beside the node),
    /// and its observations never count toward an evidence standard.
    pub fn listen_cot(&self, addr: &str) -> Result<SocketAddr> {
        let listener = TcpListener::bind(addr)
            .with_context(|| format!("cannot listen for CoT on `{addr}`"))?;
        let local = listener.local_addr()?;
        if !local.ip().is_loopback() {
            return Err(anyhow!(
                "CoT is unauthenticated, so it is taken on loopback only (e.g. `127.0.0.1:8087`), not on `{local}`: run a TAK server or gateway on this machine and let it forward to the node"
            ));
        }
        let defaults = ingest::Defaults {
            party: self.node_party.clone(),
            source: "cot-listener".into(),
            class: "unauthenticated".into(),
        };
        let (jobs, metrics) = (self.app.jobs.clone(), self.app.metrics.clone());
        std::thread::spawn(move || cot_loop(&listener, &defaults, &jobs, &metrics));
        Ok(local)
    }
}

/// Runs a node until interrupted (Ctrl-C).
pub fn run(fw: &Framework, config: &Config) -> Result<()> {
    let node = start(fw, &config.options)?;
    let s = &node.startup;
    eprintln!(
        "bulwark: node for `{}` in `{}`: {} events replayed, log of {} entries{}{}",
        node.id,
        config.options.data.display(),
        s.events_replayed,
        s.log_size,
        s.outage_ms
            .map(|ms| format!(", down {} s (recorded as an outage)", ms / 1000))
            .unwrap_or_default(),
        if s.overdue_decisions > 0 {
            format!(", {} decision(s) on overdue clocks", s.overdue_decisions)
        } else {
            String::new()
        }
    );
    if let Some(addr) = &config.cot_listen {
        let local = node.listen_cot(addr)?;
        eprintln!("bulwark: listening for CoT on {local} (loopback only, unauthenticated)");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&config.listen)
            .await
            .with_context(|| format!("cannot listen on `{}`", config.listen))?;
        eprintln!(
            "bulwark: serving on http://{} (API under /api/v1/, /openapi.json, /metrics, /healthz)",
            listener.local_addr()?
        );
        axum::serve(
            listener,
            node.router()
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
        Ok::<(), anyhow::Error>(())
    })
}

fn router(app: App) -> Router {
    Router::new()
        .route("/", get(dashboard::index))
        .route("/assets/{file}", get(dashboard::asset))
        .route("/api/v1/framework", get(framework_view))
        .route("/api/v1/rotations", get(rotations_view))
        .route("/api/v1/supply", get(supply_view))
        .route("/api/v1/stock", get(stock_view))
        .route("/api/v1/board", get(board_public))
        .route("/api/v1/board/restricted", get(board_restricted))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/openapi.json", get(openapi))
        .route("/metrics", get(metrics))
        .route("/api/v1/inputs", post(submit_inputs))
        .route("/api/v1/observations", post(submit_observations))
        .route("/api/v1/status", get(status))
        .route("/api/v1/breaches", get(|s| part(s, "breaches")))
        .route("/api/v1/incidents", get(|s| part(s, "incidents")))
        .route("/api/v1/activations", get(|s| part(s, "activations")))
        .route("/api/v1/packs/{breach}", get(pack))
        .route("/checkpoint", get(checkpoint_note))
        .route("/tile/{*path}", get(tile))
        .route("/api/v1/checkpoint", get(checkpoint))
        .route("/api/v1/log/{index}", get(log_entry))
        .route("/api/v1/outbox", get(outbox))
        .route("/api/v1/stream", get(stream))
        .route("/api/v1/keys", get(keys).post(key_statement))
        .route("/api/v1/restricted", get(restricted))
        .route("/api/v1/security-events", get(security_events))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            auth::guard,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(auth::BODY_MAX))
        .with_state(app)
}

/// A submission waiting in a group commit.
type Waiting = (
    Option<String>,
    Vec<model::Input>,
    oneshot::Sender<Result<Vec<Answer>, SubmitError>>,
);

/// Queues a submission's nonce to be written with its commit and checks
/// its key is still valid (a
/// revocation takes effect from its log index, and may have been sequenced
/// since the request was authenticated); refused submissions are answered
/// here and not sequenced.
fn admit_submission(
    seq: &mut Sequencer,
    keyid: Option<String>,
    nonce: Option<auth::Nonce>,
    waiting: Waiting,
    group: &mut Vec<Waiting>,
) {
    if let Some(k) = &keyid
        && let Err(why) = seq.registry().key(k)
    {
        let _ = waiting
            .2
            .send(Err(SubmitError::Revoked(format!("the key `{k}`: {why}"))));
        return;
    }
    if let Some(n) = nonce {
        seq.remember(&n.keyid, &n.nonce, n.until_s);
    }
    group.push(waiting);
}

/// The sequencer thread: applies jobs in order; ticks the clock every
/// second when idle.
fn sequencer_loop(
    mut seq: Sequencer,
    rx: mpsc::Receiver<Job>,
    metrics: &Metrics,
    events: &broadcast::Sender<String>,
    registry: &std::sync::RwLock<keyring::Registry>,
) {
    let publish = |entries: &[Value]| {
        for e in entries.iter().filter(|e| e["entry"] == "decision") {
            let _ = events.send(e.to_string());
        }
    };
    let mut flushed = Instant::now();
    loop {
        // Read nonces reach the disk within a second, even when busy.
        if flushed.elapsed() >= Duration::from_secs(1) {
            if let Err(e) = seq.flush_nonces() {
                stop(&e);
            }
            flushed = Instant::now();
        }
        let job = match rx.recv_timeout(Duration::from_secs(1)) {
            Ok(job) => Some(job),
            Err(mpsc::RecvTimeoutError::Timeout) => None,
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        };
        match job {
            None => match seq.flush_nonces().and_then(|()| seq.tick(now())) {
                Ok(entries) => {
                    if !entries.is_empty() {
                        metrics.commits.fetch_add(1, Ordering::Relaxed);
                    }
                    publish(&entries);
                }
                Err(e) => stop(&e),
            },
            Some(Job::Submit {
                party,
                keyid,
                nonce,
                inputs,
                reply,
            }) => {
                // A group commit: every submission already waiting joins
                // this one's transaction.
                let start = Instant::now();
                let mut count = inputs.len();
                let mut group = Vec::new();
                admit_submission(&mut seq, keyid, nonce, (party, inputs, reply), &mut group);
                let mut reads = Vec::new();
                let mut later = Vec::new();
                while count < GROUP_INPUTS_MAX {
                    match rx.try_recv() {
                        Ok(Job::Submit {
                            party,
                            keyid,
                            nonce,
                            inputs,
                            reply,
                        }) => {
                            count += inputs.len();
                            admit_submission(
                                &mut seq,
                                keyid,
                                nonce,
                                (party, inputs, reply),
                                &mut group,
                            );
                        }
                        Ok(Job::Read { what, reply }) => reads.push((what, reply)),
                        Ok(Job::Tile { path, reply }) => {
                            // Tiles are of committed entries only: answer
                            // from the tree as it stands before this group.
                            let _ = reply.send(seq.tile(&format!("tile/{path}")));
                        }
                        // Nonces of reads and key statements after the
                        // group, in order.
                        Ok(other) => {
                            later.push(other);
                            break;
                        }
                        Err(_) => break,
                    }
                }
                let (submissions, replies): (Vec<_>, Vec<_>) = group
                    .into_iter()
                    .map(|(party, inputs, reply)| ((party, inputs), reply))
                    .unzip();
                if !submissions.is_empty() {
                    match seq.submit_group(now(), submissions) {
                        Ok((answers, entries)) => {
                            metrics.commits.fetch_add(1, Ordering::Relaxed);
                            metrics
                                .commit_micros
                                .fetch_add(start.elapsed().as_micros() as u64, Ordering::Relaxed);
                            for a in answers.iter().flatten() {
                                let counter = match a {
                                    Ok(r) if r.duplicate => &metrics.duplicates,
                                    Ok(_) => &metrics.accepted,
                                    Err(_) => &metrics.refused,
                                };
                                counter.fetch_add(1, Ordering::Relaxed);
                            }
                            metrics.log_size.store(seq.log_head().0, Ordering::Relaxed);
                            for (reply, answers) in replies.into_iter().zip(answers) {
                                let _ = reply.send(Ok(answers));
                            }
                            publish(&entries);
                        }
                        Err(e) => {
                            // Nothing was acknowledged; the node cannot go on
                            // without risking it.
                            for reply in replies {
                                let _ = reply.send(Err(SubmitError::Failed(e.to_string())));
                            }
                            stop(&e);
                        }
                    }
                } else if let Err(e) = seq.flush_nonces() {
                    stop(&e);
                }
                for (what, reply) in reads {
                    let _ = reply.send(read(&seq, &what));
                }
                for job in later {
                    other_job(&mut seq, job, registry, metrics);
                }
            }
            Some(job) => other_job(&mut seq, job, registry, metrics),
        }
    }
}

/// The sequencer cannot go on without risking an acknowledged input.
fn stop(e: &dyn std::fmt::Display) -> ! {
    eprintln!("bulwark: the sequencer stopped: {e}");
    std::process::exit(2);
}

/// A job other than a submission.
fn other_job(
    seq: &mut Sequencer,
    job: Job,
    registry: &std::sync::RwLock<keyring::Registry>,
    metrics: &Metrics,
) {
    match job {
        Job::Read { what, reply } => {
            let _ = reply.send(read(seq, &what));
        }
        Job::Tile { path, reply } => {
            let _ = reply.send(seq.tile(&format!("tile/{path}")));
        }
        Job::Remember { nonce } => {
            // Written with the next commit or within a second; signatures
            // from before a restart are refused anyway.
            seq.remember(&nonce.keyid, &nonce.nonce, nonce.until_s);
        }
        Job::Key { signed, reply } => match seq.key_statement(now(), &signed) {
            Ok(Ok(index)) => {
                metrics.commits.fetch_add(1, Ordering::Relaxed);
                metrics.log_size.store(seq.log_head().0, Ordering::Relaxed);
                *registry.write().unwrap_or_else(|p| p.into_inner()) = seq.registry().clone();
                let _ = reply.send(Ok(json!({"log_index": index})));
            }
            Ok(Err(refused)) => {
                let _ = reply.send(Err(refused));
            }
            Err(e) => stop(&e),
        },
        Job::Submit { reply, .. } => {
            let _ = reply.send(Err(SubmitError::Failed("internal: misrouted job".into())));
        }
    }
}

fn read(seq: &Sequencer, what: &Query) -> Value {
    match what {
        Query::Part(name) => read(seq, &Query::Status)
            .get(*name)
            .cloned()
            .unwrap_or(Value::Null),
        Query::Pack(breach) => match seq.pack(breach) {
            Ok(Some(p)) => serde_json::to_value(p).unwrap_or(Value::Null),
            Ok(None) => Value::Null,
            Err(e) => json!({"error": e}),
        },

        Query::Status => {
            let d = seq.decider();
            let (size, root) = seq.log_head();
            let mut status = json!({
                "log": {"size": size, "root": root},
                "inputs": seq.inputs(),
                "breaches": d.engine().breaches(),
                "incidents": d.engine().incidents(),
                "activations": d.ladder().activations(),
                "votes": d.ladder().votes(),
                "deadlines_missed": d.ladder().deadlines_missed(),
            });
            // A public view: restricted inputs named by their entries only.
            seq.recorder().redact(&mut status);
            status
        }
        Query::Entry(index) => {
            let entry = seq
                .store()
                .log_range(*index, index.saturating_add(1))
                .ok()
                .and_then(|mut one| one.pop())
                .and_then(|b| serde_json::from_slice::<Value>(&b).ok());
            let size = seq.log_head().0;
            // Every commit signs the whole log: the latest checkpoint is of
            // this size, and the proof is into its root.
            let checkpoint = seq
                .checkpoint()
                .ok()
                .flatten()
                .filter(|(s, _)| *s == size)
                .map(|(_, note)| note);
            match entry {
                Some(e) => json!({
                    "index": index,
                    "entry": e,
                    "size": size,
                    "proof": seq.inclusion_proof(*index),
                    "checkpoint": checkpoint,
                }),
                None => Value::Null,
            }
        }
        Query::Checkpoint => match seq.checkpoint() {
            Ok(Some((size, note))) => json!({"size": size, "checkpoint": note}),
            _ => Value::Null,
        },
        Query::Released => Value::Array(
            seq.released()
                .iter()
                .map(|r| {
                    json!({"log_index": r.index, "salt": ledger::merkle::hex(&r.salt),
                           "input": r.input, "parties": r.parties})
                })
                .collect(),
        ),
        Query::Keys => seq.registry().to_json(),
        Query::Board(reader) => board::build(seq, reader, now()),
        Query::Supply(access, party) => {
            supply::view(seq.book(), access, party.as_deref(), |id| seq.log_index(id))
        }
        Query::Stock(public, in_force) => {
            let certified: Vec<Timestamp> = seq
                .decider()
                .engine()
                .breaches()
                .iter()
                .filter_map(|b| b.certified_at)
                .collect();
            stock::view(
                public,
                &stock::Known {
                    book: seq.book(),
                    certified: &certified,
                    in_force: *in_force,
                    now: now(),
                },
            )
        }
        Query::Outbox => match seq.store().outbox() {
            Ok(rows) => Value::Array(
                rows.into_iter()
                    .map(|r| {
                        json!({"order": r.order_id, "party": r.party, "log_index": r.log_index,
                               "attempts": r.attempts, "delivered_ms": r.delivered_ms, "last_error": r.last_error})
                    })
                    .collect(),
            ),
            Err(_) => Value::Null,
        },
    }
}

/// A JSON error with a status.
fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, axum::Json(json!({"error": message.into()}))).into_response()
}

/// Reads a body of inputs: one JSON object, an array of them, or JSON
/// lines, each in the wire format (docs/wire-format.md).
fn decode(body: &str) -> Result<Vec<model::Input>, Vec<String>> {
    let trimmed = body.trim_start();
    let lines: Vec<String> = if trimmed.starts_with('[') {
        match serde_json::from_str::<Vec<Value>>(trimmed) {
            Ok(items) => items.iter().map(Value::to_string).collect(),
            Err(e) => return Err(vec![format!("the body is not a JSON array: {e}")]),
        }
    } else {
        body.lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect()
    };
    if lines.is_empty() {
        return Err(vec!["the body holds no input".into()]);
    }
    let mut inputs = Vec::new();
    let mut problems = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        match model::decode_line(line, i + 1) {
            Ok(input) => inputs.push(input),
            Err(e) => problems.push(format!("input {}: {e}", i + 1)),
        }
    }
    if problems.is_empty() {
        Ok(inputs)
    } else {
        Err(problems)
    }
}

async fn submit(
    app: App,
    auth: auth::Authenticated,
    body: String,
    only_observations: bool,
) -> Response {
    let inputs = match decode(&body) {
        Ok(i) => i,
        Err(problems) => {
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                axum::Json(json!({"error": "nothing was accepted: the batch has invalid inputs", "problems": problems})),
            )
                .into_response();
        }
    };
    if only_observations
        && let Some(other) = inputs
            .iter()
            .find(|i| !matches!(i, model::Input::Observation(_)))
    {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "`{}` is a `{}`: this endpoint takes observations only (use /api/v1/inputs)",
                other.id(),
                other.type_name()
            ),
        );
    }
    // Each input is authorized by the policy; the refused ones are answered
    // here and never reach the sequencer.
    let who = auth.principal.who();
    let total = inputs.len();
    let mut answers: Vec<Option<Value>> = vec![None; total];
    let mut allowed = Vec::with_capacity(total);
    let mut denied = Vec::new();
    // What the policy sees of an input is its kind, claimed party, and a
    // vote's tier or an attestation's item and class: decided once per
    // request for each, not once per input.
    let mut seen: Vec<(PolicyKey, authz::Decision)> = Vec::new();
    for (i, input) in inputs.into_iter().enumerate() {
        let (a, b) = match &input {
            model::Input::Vote(v) => (v.tier.as_str(), ""),
            model::Input::Attestation(x) => (x.item.as_str(), x.class.as_str()),
            _ => ("", ""),
        };
        let (kind, party) = (input.type_name(), input.id().party.as_str());
        let at = match seen
            .iter()
            .position(|((k, p, x, y), _)| *k == kind && p == party && x == a && y == b)
        {
            Some(at) => at,
            None => {
                let d = app.guard.policy.decide(&who, &authz::What::Submit(&input));
                seen.push(((kind, party.to_string(), a.to_string(), b.to_string()), d));
                seen.len() - 1
            }
        };
        let d = &seen[at].1;
        if d.allowed {
            allowed.push((i, input));
        } else {
            let reason = format!("not authorized: {}", d.reason);
            answers[i] =
                Some(json!({"refused": {"input": input.id().to_string(), "reason": reason}}));
            denied.push(format!("{} ({})", input.id(), d.reason));
        }
    }
    if !denied.is_empty() {
        app.metrics
            .auth_failures
            .fetch_add(denied.len() as u64, Ordering::Relaxed);
        let status = if allowed.is_empty() {
            StatusCode::FORBIDDEN
        } else {
            StatusCode::OK
        };
        app.guard.security.record(auth.context.event(
            "authorization",
            "denied",
            status,
            Some(&auth.principal),
            None,
            format!(
                "{} of {total} input(s) refused: {}",
                denied.len(),
                denied.iter().take(3).cloned().collect::<Vec<_>>().join("; ")
            ),
        ));
    }
    if !allowed.is_empty() {
        let (positions, inputs): (Vec<usize>, Vec<model::Input>) = allowed.into_iter().unzip();
        let (reply, answer) = oneshot::channel();
        let job = Job::Submit {
            party: auth.principal.party().map(str::to_string),
            keyid: auth.principal.keyid().map(str::to_string),
            nonce: auth.nonce.clone(),
            inputs,
            reply,
        };
        if app.jobs.send(job).is_err() {
            return error(StatusCode::SERVICE_UNAVAILABLE, "the sequencer has stopped");
        }
        let sequenced = match answer.await {
            Ok(Ok(a)) => a,
            Ok(Err(SubmitError::Revoked(why))) => {
                app.guard.security.record(auth.context.event(
                    "authentication",
                    "revoked_key",
                    StatusCode::UNAUTHORIZED,
                    Some(&auth.principal),
                    None,
                    why.clone(),
                ));
                return auth::refusal_response(StatusCode::UNAUTHORIZED, "revoked_key", &why);
            }
            Ok(Err(SubmitError::Failed(e))) => return error(StatusCode::INTERNAL_SERVER_ERROR, e),
            Err(_) => return error(StatusCode::SERVICE_UNAVAILABLE, "the sequencer has stopped"),
        };
        for (i, a) in positions.into_iter().zip(sequenced) {
            answers[i] = Some(match a {
                Ok(r) => json!({"receipt": r}),
                Err(r) => json!({"refused": r}),
            });
        }
    }
    let answers: Vec<Value> = answers.into_iter().map(Option::unwrap_or_default).collect();
    let all_refused = answers.iter().all(|a| a.get("refused").is_some());
    let status = if all_refused {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::OK
    };
    (status, axum::Json(json!({"answers": answers}))).into_response()
}

async fn submit_inputs(
    State(app): State<App>,
    axum::Extension(auth): axum::Extension<auth::Authenticated>,
    body: String,
) -> Response {
    submit(app, auth, body, false).await
}

async fn submit_observations(
    State(app): State<App>,
    axum::Extension(auth): axum::Extension<auth::Authenticated>,
    body: String,
) -> Response {
    submit(app, auth, body, true).await
}

/// What the policy sees of an input: its kind, claimed party, and a vote's
/// tier or an attestation's item and class.
type PolicyKey = (&'static str, String, String, String);

/// Hands a signed read's nonce to the sequencer, to write.
fn remember(app: &App, nonce: auth::Nonce) {
    let _ = app.jobs.send(Job::Remember { nonce });
}

/// `POST /api/v1/keys`: a key registry statement signed by a party's root
/// key (docs/keys.md); logged, then in force.
async fn key_statement(
    State(app): State<App>,
    axum::Extension(auth): axum::Extension<auth::Authenticated>,
    body: String,
) -> Response {
    let signed = match keyring::Signed::parse(&body) {
        Ok(s) => s,
        Err(e) => {
            return error(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("not a key statement: {e}"),
            );
        }
    };
    let (reply, answer) = oneshot::channel();
    if app
        .jobs
        .send(Job::Key {
            signed: Box::new(signed),
            reply,
        })
        .is_err()
    {
        return error(StatusCode::SERVICE_UNAVAILABLE, "the sequencer has stopped");
    }
    match answer.await {
        Ok(Ok(v)) => axum::Json(v).into_response(),
        Ok(Err(why)) => {
            app.guard.security.record(auth.context.event(
                "authentication",
                "bad_statement",
                StatusCode::FORBIDDEN,
                None,
                None,
                why.clone(),
            ));
            auth::refusal_response(StatusCode::FORBIDDEN, "bad_statement", &why)
        }
        Err(_) => error(StatusCode::SERVICE_UNAVAILABLE, "the sequencer has stopped"),
    }
}

/// `GET /api/v1/keys`: the key registry (public).
async fn keys(State(app): State<App>) -> Response {
    ask(&app, Query::Keys).await
}

/// `GET /api/v1/restricted`: the restricted inputs the principal may read,
/// in clear with their salts (each checks against its log entry's
/// commitment).
async fn restricted(
    State(app): State<App>,
    axum::Extension(auth): axum::Extension<auth::Authenticated>,
) -> Response {
    match released_to(&app, &auth).await {
        Ok(visible) => axum::Json(json!({"party": auth.principal.party(), "restricted": visible}))
            .into_response(),
        Err(r) => r,
    }
}

/// The restricted inputs released to the principal, as the policy says.
async fn released_to(app: &App, auth: &auth::Authenticated) -> Result<Vec<Value>, Response> {
    let all = match query(app, Query::Released).await? {
        Value::Array(all) => all,
        _ => Vec::new(),
    };
    let who = auth.principal.who();
    Ok(all
        .into_iter()
        .filter(|r| {
            let parties: Vec<String> = r["parties"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|p| p.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            app.guard
                .policy
                .decide(
                    &who,
                    &authz::What::ReadRestricted {
                        releasable_to: &parties,
                    },
                )
                .allowed
        })
        .collect())
}

/// `GET /api/v1/framework`: the framework as the dashboard draws it.
async fn framework_view(State(app): State<App>) -> Response {
    axum::Json(app.framework.as_ref().clone()).into_response()
}

/// `GET /api/v1/rotations`: the rotation plan served and its check, or 404
/// with the reason when the node was started without one.
async fn rotations_view(State(app): State<App>) -> Response {
    match app.rotations.as_ref() {
        Some(v) => axum::Json(v.clone()).into_response(),
        None => error(
            StatusCode::NOT_FOUND,
            "this node serves no rotation plan: start it with `bulwark serve … --rotation-plan PLAN.json` (make one with `bulwark plan rotations FRAMEWORK --out PLAN.json`)",
        ),
    }
}

/// `GET /api/v1/supply`: every commitment's delivery chains — totals per
/// step, shipments, flags, the cumulative received by day — without the
/// restricted commitments the reader's party is not in `releasable_to` of.
async fn supply_view(
    State(app): State<App>,
    axum::Extension(auth): axum::Extension<auth::Authenticated>,
) -> Response {
    let party = auth.principal.party().map(str::to_string);
    ask(&app, Query::Supply(app.supply.clone(), party)).await
}

/// `GET /api/v1/stock`: days of supply of the public `[[stock]]` lines
/// as of now, or 404 without an entry into force (`--in-force`, or the
/// framework's `adopted` date).
async fn stock_view(State(app): State<App>) -> Response {
    ask(&app, Query::Stock(app.stock.clone(), app.supply.in_force)).await
}

/// `GET /api/v1/board`: the dashboard's public board.
async fn board_public(State(app): State<App>) -> Response {
    let reader = board::Reader {
        party: None,
        released: std::collections::BTreeSet::new(),
    };
    ask(&app, Query::Board(reader)).await
}

/// `GET /api/v1/board/restricted`: the board with the restricted inputs
/// released to the principal (auditors, as the policy says).
async fn board_restricted(
    State(app): State<App>,
    axum::Extension(auth): axum::Extension<auth::Authenticated>,
) -> Response {
    let released = match released_to(&app, &auth).await {
        Ok(v) => v.iter().filter_map(|r| r["log_index"].as_u64()).collect(),
        Err(r) => return r,
    };
    let reader = board::Reader {
        party: Some(auth.principal.party().unwrap_or("local").to_string()),
        released,
    };
    ask(&app, Query::Board(reader)).await
}

/// `GET /api/v1/security-events`: the latest refusals (auditors).
async fn security_events(State(app): State<App>) -> Response {
    axum::Json(
        json!({"counts": app.guard.security.counts(), "events": app.guard.security.recent()}),
    )
    .into_response()
}

/// Asks the sequencer thread; `Err` is the answer when it has stopped.
async fn query(app: &App, what: Query) -> Result<Value, Response> {
    let stopped = || error(StatusCode::SERVICE_UNAVAILABLE, "the sequencer has stopped");
    let (reply, answer) = oneshot::channel();
    if app.jobs.send(Job::Read { what, reply }).is_err() {
        return Err(stopped());
    }
    answer.await.map_err(|_| stopped())
}

async fn ask(app: &App, what: Query) -> Response {
    match query(app, what).await {
        Ok(Value::Null) => error(StatusCode::NOT_FOUND, "no such entry"),
        Ok(v) => axum::Json(v).into_response(),
        Err(r) => r,
    }
}

async fn part(State(app): State<App>, name: &'static str) -> Response {
    ask(&app, Query::Part(name)).await
}

async fn pack(State(app): State<App>, UrlPath(breach): UrlPath<String>) -> Response {
    ask(&app, Query::Pack(breach)).await
}

/// The latest checkpoint as the signed note itself (the tlog-tiles name).
async fn checkpoint_note(State(app): State<App>) -> Response {
    match query(&app, Query::Checkpoint).await {
        Ok(v) => match v["checkpoint"].as_str() {
            Some(note) => (
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                note.to_string(),
            )
                .into_response(),
            None => error(StatusCode::NOT_FOUND, "no checkpoint yet"),
        },
        Err(r) => r,
    }
}

/// A tile (`/tile/0/000`, `/tile/entries/000.p/5`, …) as bytes.
async fn tile(State(app): State<App>, UrlPath(path): UrlPath<String>) -> Response {
    let (reply, answer) = oneshot::channel();
    if app.jobs.send(Job::Tile { path, reply }).is_err() {
        return error(StatusCode::SERVICE_UNAVAILABLE, "the sequencer has stopped");
    }
    match answer.await {
        Ok(Ok(bytes)) => {
            ([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response()
        }
        Ok(Err(why)) => error(StatusCode::NOT_FOUND, why),
        Err(_) => error(StatusCode::SERVICE_UNAVAILABLE, "the sequencer has stopped"),
    }
}

async fn status(State(app): State<App>) -> Response {
    ask(&app, Query::Status).await
}

async fn checkpoint(State(app): State<App>) -> Response {
    ask(&app, Query::Checkpoint).await
}

async fn outbox(State(app): State<App>) -> Response {
    ask(&app, Query::Outbox).await
}

async fn log_entry(State(app): State<App>, UrlPath(index): UrlPath<u64>) -> Response {
    ask(&app, Query::Entry(index)).await
}

async fn stream(
    State(app): State<App>,
) -> Sse<impl futures_util::Stream<Item = Result<Event, std::convert::Infallible>>> {
    let rx = app.events.subscribe();
    let s = futures_util::stream::unfold(rx, |mut rx| async move {
        match rx.recv().await {
            Ok(text) => Some((Ok(Event::default().event("decision").data(text)), rx)),
            Err(broadcast::error::RecvError::Lagged(n)) => {
                let e = Event::default()
                    .event("lagged")
                    .data(format!("{n} decisions skipped: read them from /api/v1/log"));
                Some((Ok(e), rx))
            }
            Err(broadcast::error::RecvError::Closed) => None,
        }
    });
    Sse::new(s).keep_alive(KeepAlive::default())
}

async fn metrics(State(app): State<App>) -> Response {
    let m = &app.metrics;
    let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
    let text = format!(
        "# HELP bulwark_inputs_total Inputs answered, by outcome.\n\
# TYPE bulwark_inputs_total counter\n\
bulwark_inputs_total{{outcome=\"accepted\"}} {}\n\
bulwark_inputs_total{{outcome=\"duplicate\"}} {}\n\
bulwark_inputs_total{{outcome=\"refused\"}} {}\n\
# HELP bulwark_cot_observations_total Unauthenticated CoT observations sequenced.\n\
# TYPE bulwark_cot_observations_total counter\n\
bulwark_cot_observations_total {}\n\
# HELP bulwark_auth_failures_total Requests refused for missing or unknown credentials.\n\
# TYPE bulwark_auth_failures_total counter\n\
bulwark_auth_failures_total {}\n\
# HELP bulwark_commits_total Durable group commits.\n\
# TYPE bulwark_commits_total counter\n\
bulwark_commits_total {}\n\
# HELP bulwark_commit_seconds_total Time spent sequencing and committing submissions.\n\
# TYPE bulwark_commit_seconds_total counter\n\
bulwark_commit_seconds_total {:.6}\n\
# HELP bulwark_log_entries Entries in the log.\n\
# TYPE bulwark_log_entries gauge\n\
bulwark_log_entries {}\n",
        get(&m.accepted),
        get(&m.duplicates),
        get(&m.refused),
        get(&m.unauthenticated),
        get(&m.auth_failures),
        get(&m.commits),
        get(&m.commit_micros) as f64 / 1e6,
        get(&m.log_size),
    );
    let mut text = text;
    text.push_str(
        "# HELP bulwark_security_events_total Requests refused, by reason (DATA/security.jsonl).\n\
# TYPE bulwark_security_events_total counter\n",
    );
    for (code, n) in app.guard.security.counts() {
        text.push_str(&format!(
            "bulwark_security_events_total{{code=\"{code}\"}} {n}\n"
        ));
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
}

async fn openapi() -> Response {
    axum::Json(openapi_document()).into_response()
}

/// The API's OpenAPI 3.1 description.
pub fn openapi_document() -> Value {
    let bearer = json!([{"signature": []}, {"bearer": []}]);
    let answers = json!({"description": "one answer per input, in order: a receipt (log index, recorded time; `duplicate` when received before) or the reason it was refused", "content": {"application/json": {}}});
    let submit = |summary: &str| {
        json!({
            "summary": summary,
            "security": bearer,
            "requestBody": {"required": true, "content": {
                "application/json": {"schema": {"description": "one input in the wire format (docs/wire-format.md), or an array of them"}},
                "application/x-ndjson": {"schema": {"description": "inputs as JSON lines"}}}},
            "responses": {
                "200": answers,
                "401": {"description": "no credentials, a bad or stale signature, an unknown, revoked or root key, or a replay (`code` says which: docs/security.md)"},
                "403": {"description": "every input refused (by the policy or the engine)"},
                "422": {"description": "invalid inputs: nothing accepted; each problem located"},
                "429": {"description": "over the party's rate limit; Retry-After gives the seconds to wait"},
            }
        })
    };
    let read = |summary: &str| json!({"summary": summary, "responses": {"200": {"description": "JSON", "content": {"application/json": {}}}}});
    json!({
        "openapi": "3.1.0",
        "info": {"title": "bulwark node", "version": env!("CARGO_PKG_VERSION"),
                 "description": "One framework's sequencer: inputs in, decisions and their log out (docs/node.md)."},
        "components": {"securitySchemes": {
            "signature": {"type": "apiKey", "in": "header", "name": "Signature",
                "description": "HTTP Message Signatures (RFC 9421), Ed25519, under an operational key of the key registry: covers @method @authority @path @query and content-digest; created (±30 s), expires, nonce, keyid (docs/security.md)"},
            "bearer": {"type": "http", "scheme": "bearer", "description": "local mode only (`--auth local-tokens`): a party's token from DATA/tokens"}}},
        "paths": {
            "/api/v1/inputs": {"post": submit("Submit inputs of any type (acknowledged after a durable commit; idempotent by identity)")},
            "/api/v1/observations": {"post": submit("Submit observations only")},
            "/": {"get": {"summary": "The dashboard (HTML; its scripts and styles under /assets/, nothing from elsewhere)", "responses": {"200": {"description": "text/html"}}}},
            "/api/v1/framework": {"get": read("The framework as the dashboard draws it: triggers, tiers, standards, parties, zones as GeoJSON, the log's key")},
            "/api/v1/rotations": {"get": {"summary": "The air-defence rotation plan the node was started with (`--rotation-plan`) and its check (gaps, uncovered site-days, broken rules); restricted sites and units left out",
                "responses": {"200": {"description": "{\"plan\": …, \"report\": …}"}, "404": {"description": "no plan was given (the reason)"}}}},
            "/api/v1/supply": {"get": read("Every commitment's deliveries as chains of inputs (committed, allocated, shipped by the donor; received by the protected state): totals per step, each shipment's steps with their times and log entries, flags (repeats, receipts without shipment, received over shipped, over-shipped), and `received_series` `[[day, cumulative]]` from the entry into force; restricted commitments only for the parties they are releasable to")},
            "/api/v1/stock": {"get": read("Days of supply of each public `[[stock]]` line as of now (supply::stock): both curves (with and without promised deliveries), the floor alerts with their reasons, surges from the days of certified breaches, only the protected state's confirmed receipts in the delivery book counted; day 0 the entry into force (`--in-force`, else the framework's `adopted` date)")},
            "/api/v1/board": {"get": read("The dashboard's board, public view: every trigger's window, breaches, incidents with their place, tiers and orders, votes, missed deadlines; each row with the log entries behind it")},
            "/api/v1/board/restricted": {"get": {"summary": "The board with the restricted inputs released to the principal (as the policy says)", "security": bearer, "responses": {"200": {"description": "JSON"}, "401": {"description": "no credentials"}, "403": {"description": "the policy does not let this principal read restricted views"}}}},
            "/api/v1/status": {"get": read("The status board: breaches, incidents, activations and orders, votes, missed deadlines, the log's head")},
            "/api/v1/checkpoint": {"get": read("The latest signed checkpoint (C2SP signed note)")},
            "/api/v1/breaches": {"get": read("Every breach, with its status, evidence standard and explanation")},
            "/api/v1/incidents": {"get": read("Every incident, with its sources and whether it is contested")},
            "/api/v1/activations": {"get": read("Every tier entered for a breach, with its clock, votes and orders")},
            "/api/v1/packs/{breach}": {"get": {"summary": "The evidence pack of a certified breach (docs/ledger.md), for `bulwark verify`",
                "parameters": [{"name": "breach", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "the pack"}, "404": {"description": "no certified breach of that id"}}}},
            "/checkpoint": {"get": {"summary": "The latest checkpoint as a signed note (C2SP tlog-tiles)", "responses": {"200": {"description": "text/plain"}}}},
            "/tile/{path}": {"get": {"summary": "A tile of the log (C2SP tlog-tiles: tile/L/N[.p/W], tile/entries/N[.p/W])",
                "parameters": [{"name": "path", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "application/octet-stream"}, "404": {"description": "no such tile (the reason)"}}}},
            "/api/v1/log/{index}": {"get": {"summary": "A log entry with its inclusion proof in the current tree",
                "parameters": [{"name": "index", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 0}}],
                "responses": {"200": {"description": "the entry"}, "404": {"description": "no such entry"}}}},
            "/api/v1/outbox": {"get": read("The orders to notify and their delivery state (auditors)")},
            "/api/v1/keys": {
                "get": read("The key registry: each party's roots and operational keys, their roles, grant and revocation log indices"),
                "post": {"summary": "A key statement (grant, revoke, rotate_root) signed by the party's root key (docs/keys.md); logged, then in force",
                    "requestBody": {"required": true, "content": {"application/json": {}}},
                    "responses": {"200": {"description": "{\"log_index\": N}"}, "403": {"description": "refused by the registry (the reason)"}, "422": {"description": "not a key statement"}}}},
            "/api/v1/restricted": {"get": read("The restricted inputs released to the caller's party, in clear with their salts (auditors and analysts, as the policy says)")},
            "/api/v1/security-events": {"get": read("The latest refused requests, and counts by code (auditors)")},
            "/api/v1/stream": {"get": {"summary": "Decisions as they are made (server-sent events, event `decision`)",
                "responses": {"200": {"description": "text/event-stream", "content": {"text/event-stream": {}}}}}},
            "/metrics": {"get": {"summary": "Prometheus metrics", "responses": {"200": {"description": "text/plain"}}}},
            "/healthz": {"get": {"summary": "Liveness", "responses": {"200": {"description": "ok"}}}},
            "/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3.1"}}}},
        }
    })
}

/// Accepts CoT connections and feeds their observations to the sequencer.
fn cot_loop(
    listener: &TcpListener,
    defaults: &ingest::Defaults,
    jobs: &mpsc::Sender<Job>,
    metrics: &Arc<Metrics>,
) {
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let (defaults, jobs, metrics) = (defaults.clone(), jobs.clone(), metrics.clone());
        std::thread::spawn(move || cot_connection(stream, defaults, &jobs, &metrics));
    }
}

fn cot_connection(
    mut stream: TcpStream,
    defaults: ingest::Defaults,
    jobs: &mpsc::Sender<Job>,
    metrics: &Metrics,
) {
    let peer = stream
        .peer_addr()
        .map_or_else(|_| "a client".to_string(), |p| p.to_string());
    let mut cot = ingest::cot::Stream::new(defaults);
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let (outcome, last) = match stream.read(&mut buf) {
            Ok(0) | Err(_) => (cot.finish(), true),
            Ok(n) => (cot.push(buf.get(..n).unwrap_or_default()), false),
        };
        for r in &outcome.rejected {
            eprintln!(
                "bulwark: CoT from {peer}: byte {}: {}",
                r.at.offset, r.message
            );
        }
        if !outcome.observations.is_empty() {
            let inputs: Vec<model::Input> = outcome
                .observations
                .into_iter()
                .map(model::Input::Observation)
                .collect();
            metrics
                .unauthenticated
                .fetch_add(inputs.len() as u64, Ordering::Relaxed);
            let (reply, _answer) = oneshot::channel();
            let job = Job::Submit {
                party: None,
                keyid: None,
                nonce: None,
                inputs,
                reply,
            };
            if jobs.send(job).is_err() {
                return;
            }
        }
        if last {
            return;
        }
    }
}
