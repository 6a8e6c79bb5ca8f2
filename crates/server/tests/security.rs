//! Who may do what, through the node's router with signed requests:
//! the generated endpoint × role × party matrix (docs/security-matrix.md),
//! at least 100,000 generated unauthorized attempts (0 accepted), key
//! rotation and revocation from their log index, replays refused across a
//! restart, rate limits and security events.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use httpsig::{ComponentId, DigestAlg, SignatureParams};
use ledger::note::Signer;
use serde_json::{Value, json};
use sha2::Digest;
use tower::ServiceExt;

const AUTHORITY: &str = "node.test";

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
    let text = std::fs::read_to_string(example().join("framework.toml")).unwrap();
    framework::load_and_check("framework.toml", &text, &DirFiles(example())).0
}

/// A key from a fixed seed: the same keys on every run.
fn key(name: &str) -> Signer {
    let seed: [u8; 32] = sha2::Sha256::digest(format!("bulwark-test-key/{name}")).into();
    Signer::from_seed(name, seed).unwrap()
}

fn now_s() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A request signed by `signer` (or unsigned), as the router takes it.
fn signed(
    signer: Option<&Signer>,
    method: &str,
    path: &str,
    body: &str,
    created: i64,
    nonce: &str,
) -> httpsig::Request {
    let mut req = httpsig::Request::new(method, AUTHORITY, path).with_scheme("http");
    req.headers.push(("host".into(), AUTHORITY.into()));
    if !body.is_empty() {
        req.headers.push((
            "content-digest".into(),
            httpsig::content_digest(body.as_bytes(), &[DigestAlg::Sha256]),
        ));
    }
    req.body = body.as_bytes().to_vec();
    if let Some(signer) = signer {
        let mut components = vec!["@method", "@authority", "@path", "@query"];
        if !body.is_empty() {
            components.push("content-digest");
        }
        let params = SignatureParams::new(components.into_iter().map(ComponentId::new))
            .with_created(created)
            .with_expires(created + 30)
            .with_nonce(nonce)
            .with_keyid(&signer.name)
            .with_alg("ed25519");
        httpsig::sign(&req, "sig1", &params, signer.signing_key())
            .unwrap()
            .apply(&mut req);
    }
    req
}

async fn send(app: &Router, req: &httpsig::Request) -> (StatusCode, Value, Option<String>) {
    let target = match &req.query {
        Some(q) => format!("{}?{q}", req.path),
        None => req.path.clone(),
    };
    let mut r = Request::builder().method(req.method.as_str()).uri(target);
    for (k, v) in &req.headers {
        r = r.header(k.as_str(), v.as_str());
    }
    let res = app
        .clone()
        .oneshot(r.body(Body::from(req.body.clone())).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let retry = res
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_string());
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 26)
        .await
        .unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        retry,
    )
}

/// The test's parties, keys and node.
struct World {
    fw: framework::Framework,
    data: PathBuf,
    parties: Vec<String>,
    /// `party-role` → its key.
    keys: BTreeMap<String, Signer>,
    serial: BTreeMap<String, u64>,
    counter: u64,
}

impl World {
    fn new(name: &str) -> World {
        let fw = framework();
        let data = std::env::temp_dir().join(format!("bulwark-sec-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&data);
        let parties = fw.parties.iter().map(|p| p.id.to_string()).collect();
        World {
            fw,
            data,
            parties,
            keys: BTreeMap::new(),
            serial: BTreeMap::new(),
            counter: 0,
        }
    }

    fn options(&self, rate: u32) -> server::Options {
        let policy = std::fs::read_to_string(example().join("policy.cedar")).unwrap();
        let mut o = server::Options::new(&self.data, &policy, "policy.cedar");
        o.roots = self
            .parties
            .iter()
            .map(|p| (p.clone(), key(&format!("{p}-root")).verifier()))
            .collect();
        o.rate_limit = server::ratelimit::Limit { rate, burst: rate };
        o
    }

    fn start(&self) -> (server::Node, Router) {
        let node = server::start(&self.fw, &self.options(1_000_000)).unwrap();
        let app = node.router();
        (node, app)
    }

    fn nonce(&mut self) -> String {
        self.counter += 1;
        format!("n{}", self.counter)
    }

    /// Posts a key statement signed by `root` for `party`.
    async fn statement(
        &mut self,
        app: &Router,
        party: &str,
        root: &Signer,
        action: keyring::Action,
    ) -> (StatusCode, Value) {
        let serial = self.serial.entry(party.to_string()).or_insert(0);
        *serial += 1;
        let st = keyring::Statement {
            party: party.to_string(),
            serial: *serial,
            issued_at: base::Timestamp::from_millis(1_700_000_000_000),
            action,
        };
        let body = keyring::sign(&st, root).to_json().to_string();
        let req = signed(None, "POST", "/api/v1/keys", &body, now_s(), "");
        let (status, v, _) = send(app, &req).await;
        if status != StatusCode::OK {
            // A refused statement does not use up the serial.
            *self.serial.get_mut(party).unwrap() -= 1;
        }
        (status, v)
    }

    /// Grants the key `party-NAME` to `party`, with the role NAME up to
    /// its first `-` (`leader-old` is a second leader key).
    async fn grant(&mut self, app: &Router, party: &str, name: &str) -> Signer {
        let role = name.split('-').next().unwrap();
        let k = key(&format!("{party}-{name}"));
        let root = key(&format!("{party}-root"));
        let (status, v) = self
            .statement(
                app,
                party,
                &root,
                keyring::Action::Grant {
                    key: k.verifier(),
                    roles: vec![role.to_string()],
                },
            )
            .await;
        assert_eq!(status, StatusCode::OK, "granting {party}-{name}: {v}");
        self.keys.insert(format!("{party}-{name}"), k.clone());
        k
    }
}

/// The wire JSON of a sample input of `kind` from `party`, with a fresh
/// message id.
fn input(kind: &str, party: &str, message: &str) -> Value {
    if kind == "delivery" {
        return delivery(party, message);
    }
    let i = match kind {
        "vote" => authz::sample::vote(party, "t3-energy-shipping"),
        "attestation" => authz::sample::attestation(party, "rel-pullback", "ground-monitors"),
        k => authz::sample::input(k, party).unwrap(),
    };
    let mut v: Value = serde_json::from_str(&model::canonical::to_string(&i)).unwrap();
    v["id"]["message"] = json!(message);
    v
}

/// A delivery step of the example as `party` would report it: a donor
/// ships against its own commitment, Ukraine (the protected state) confirms
/// a receipt; a party with neither reports a shipment of the United
/// States' commitment, which the node's delivery book refuses (it is not
/// that party's step), after the policy has let it through.
fn delivery(party: &str, message: &str) -> Value {
    let own = [
        ("coalition", "c-artillery-ammunition"),
        ("us", "c-patriot-interceptors"),
        ("germany", "c-iris-t-missiles"),
        ("uk", "c-counter-uas"),
        ("france", "c-spare-parts"),
    ];
    let (commitment, step) = match own.iter().find(|(p, _)| *p == party) {
        Some((_, c)) => (*c, "shipped"),
        None if party == "ukraine" => ("c-patriot-interceptors", "received"),
        None => ("c-patriot-interceptors", "shipped"),
    };
    json!({
        "v": 1, "type": "delivery",
        "id": {"party": party, "source": "sample", "message": message},
        "commitment": commitment, "shipment": "matrix-1", "step": step,
        "quantity": 1, "at": "2026-01-15T00:00:00Z"
    })
}

/// A restricted observation from `party`, releasable to `to`.
fn restricted(party: &str, to: &[&str], message: &str) -> Value {
    let mut v = input("observation", party, message);
    v["releasability"] = json!({"visibility": "restricted", "to": to});
    v
}

/// What one submission's answer says, for the matrix.
fn outcome(status: StatusCode, v: &Value) -> &'static str {
    match status {
        StatusCode::UNAUTHORIZED => "401",
        StatusCode::TOO_MANY_REQUESTS => "429",
        _ => match v["answers"][0].as_object() {
            Some(a) if a.contains_key("receipt") => "accepted",
            Some(a)
                if a["refused"]["reason"]
                    .as_str()
                    .unwrap_or_default()
                    .starts_with("not authorized") =>
            {
                "denied"
            }
            Some(_) => "refused",
            None => {
                if status == StatusCode::OK {
                    "ok"
                } else if status == StatusCode::FORBIDDEN {
                    "denied"
                } else {
                    "error"
                }
            }
        },
    }
}

const ROLES: [&str; 7] = [
    "reporter",
    "analyst",
    "leader",
    "inspector",
    "logistics",
    "operations",
    "auditor",
];

/// The submissions of the matrix: (column, kind, claimed party: own or
/// another's).
const WRITES: [(&str, &str, bool); 10] = [
    ("observation", "observation", true),
    ("review", "review", true),
    ("vote t3", "vote", true),
    ("attest", "attestation", true),
    ("delivery", "delivery", true),
    ("order report", "order_report", true),
    ("retraction", "retraction", true),
    ("amendment", "amendment", true),
    ("other's observation", "observation", false),
    ("other's vote", "vote", false),
];

const READS: [(&str, &str); 5] = [
    ("status", "/api/v1/status"),
    ("keys", "/api/v1/keys"),
    ("restricted", "/api/v1/restricted"),
    ("outbox", "/api/v1/outbox"),
    ("security events", "/api/v1/security-events"),
];

/// Another party than `party`, for cross-party attempts.
fn other(parties: &[String], party: &str) -> String {
    let i = parties.iter().position(|p| p == party).unwrap_or(0);
    parties[(i + 1) % parties.len()].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_endpoint_role_party_matrix_is_the_documented_one() {
    let mut w = World::new("matrix");
    let (_node, app) = w.start();
    // Every party has a key for every role; one key is revoked.
    for party in w.parties.clone() {
        for role in ROLES {
            w.grant(&app, &party, role).await;
        }
    }
    let revoked = w.grant(&app, "poland", "reporter-2").await;
    let (status, v) = w
        .statement(
            &app,
            "poland",
            &key("poland-root"),
            keyring::Action::Revoke {
                key: revoked.name.clone(),
                reason: "lost laptop".into(),
            },
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    // One restricted input, releasable to uk only.
    let body = restricted("us", &["uk"], "secret-1").to_string();
    let req = signed(
        Some(&w.keys["us-reporter"].clone()),
        "POST",
        "/api/v1/inputs",
        &body,
        now_s(),
        &w.nonce(),
    );
    let (status, v, _) = send(&app, &req).await;
    assert_eq!(status, StatusCode::OK, "{v}");

    // The principals: every party × role, a revoked key, a root key, the
    // public.
    let mut principals: Vec<(String, String, Option<Signer>)> = Vec::new();
    for party in &w.parties {
        for role in ROLES {
            principals.push((
                party.clone(),
                role.to_string(),
                Some(w.keys[&format!("{party}-{role}")].clone()),
            ));
        }
    }
    principals.push(("poland".into(), "revoked key".into(), Some(revoked)));
    principals.push(("us".into(), "root key".into(), Some(key("us-root"))));
    principals.push(("—".into(), "public".into(), None));

    let mut table = String::from("| party | key | ");
    table += &WRITES
        .iter()
        .map(|w| w.0)
        .chain(READS.iter().map(|r| r.0))
        .collect::<Vec<_>>()
        .join(" | ");
    table += " |\n|---|---|";
    table += &"---|".repeat(WRITES.len() + READS.len());
    table.push('\n');
    let mut cross_accepted = 0;
    let mut leaked = 0;
    for (party, role, signer) in &principals {
        let mut row = vec![party.clone(), role.clone()];
        let me = if party == "—" {
            "us".to_string()
        } else {
            party.clone()
        };
        for (_, kind, own) in WRITES {
            let claimed = if own {
                me.clone()
            } else {
                other(&w.parties, &me)
            };
            let message = w.nonce();
            let body = input(kind, &claimed, &format!("m-{message}")).to_string();
            let req = signed(
                signer.as_ref(),
                "POST",
                "/api/v1/inputs",
                &body,
                now_s(),
                &message,
            );
            let (status, v, _) = send(&app, &req).await;
            let o = outcome(status, &v);
            if !own && (o == "accepted" || o == "refused") {
                cross_accepted += 1;
            }
            row.push(o.to_string());
        }
        for (_, path) in READS {
            let n = w.nonce();
            let req = signed(signer.as_ref(), "GET", path, "", now_s(), &n);
            let (status, v, _) = send(&app, &req).await;
            if path == "/api/v1/restricted" && status == StatusCode::OK {
                let seen = v["restricted"].as_array().unwrap().len();
                if seen > 0 && party != "uk" && party != "us" {
                    leaked += 1;
                }
                row.push(format!("{seen} of 1"));
            } else {
                row.push(match status {
                    StatusCode::OK => "ok".to_string(),
                    s => s.as_u16().to_string(),
                });
            }
        }
        table += &format!("| {} |\n", row.join(" | "));
    }
    assert_eq!(cross_accepted, 0, "cross-party writes got past the policy");
    assert_eq!(
        leaked, 0,
        "a restricted input was read by a party it is not releasable to"
    );

    let doc_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/security-matrix.md");
    let doc = std::fs::read_to_string(&doc_path).unwrap_or_default();
    let begin = "<!-- BEGIN GENERATED MATRIX -->\n";
    let end = "<!-- END GENERATED MATRIX -->";
    let found = doc
        .split_once(begin)
        .and_then(|(_, rest)| rest.split_once(end))
        .map(|(t, _)| t.to_string())
        .unwrap_or_default();
    if found != table {
        if std::env::var("BULWARK_BLESS").is_ok() {
            let (head, rest) = doc.split_once(begin).unwrap();
            let (_, tail) = rest.split_once(end).unwrap();
            std::fs::write(&doc_path, format!("{head}{begin}{table}{end}{tail}")).unwrap();
        } else {
            panic!(
                "docs/security-matrix.md differs from what the node answers; if the change is intended, run with BULWARK_BLESS=1. The answers:\n{table}"
            );
        }
    }
}

/// A tiny deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The number of unauthorized attempts (`BULWARK_ATTEMPTS` overrides).
fn attempts() -> usize {
    std::env::var("BULWARK_ATTEMPTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_unauthorized_votes_and_submissions_are_all_refused() {
    let mut w = World::new("attempts");
    let (_node, app) = w.start();
    let parties = w.parties.clone();
    for party in &parties {
        for role in ["reporter", "leader", "auditor"] {
            w.grant(&app, party, role).await;
        }
    }
    // Revoked keys, and a rotated (retired) root.
    let mut revoked = Vec::new();
    for party in ["us", "uk", "ukraine"] {
        let k = w.grant(&app, party, "leader-old").await;
        let (s, v) = w
            .statement(
                &app,
                party,
                &key(&format!("{party}-root")),
                keyring::Action::Revoke {
                    key: k.name.clone(),
                    reason: "rotated".into(),
                },
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        revoked.push(k);
    }
    let new_root = key("france-root-2");
    let (s, v) = w
        .statement(
            &app,
            "france",
            &key("france-root"),
            keyring::Action::RotateRoot {
                root: new_root.verifier(),
            },
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let retired_root = key("france-root");

    // Originals, accepted, to replay and to take signatures from.
    let mut originals = Vec::new();
    for i in 0..64 {
        let party = &parties[i % 8];
        let signer = w.keys[&format!("{party}-reporter")].clone();
        let body = input("observation", party, &format!("orig-{i}")).to_string();
        let n = w.nonce();
        let req = signed(Some(&signer), "POST", "/api/v1/inputs", &body, now_s(), &n);
        let (status, v, _) = send(&app, &req).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        assert!(v["answers"][0]["receipt"].is_object(), "{v}");
        originals.push(req);
    }

    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut accepted = 0usize;
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    let total = attempts();
    for i in 0..total {
        let party = parties[rng.below(parties.len())].clone();
        let victim = other(&parties, &party);
        let kind = [
            "observation",
            "vote",
            "review",
            "attestation",
            "delivery",
            "retraction",
        ][rng.below(6)];
        let message = format!("a-{i}");
        let nonce = format!("an-{i}");
        let now = now_s();
        let (name, req) = match i % 8 {
            // Another party's input or vote, through this party's key.
            0 => {
                let role = ["reporter", "leader", "auditor"][rng.below(3)];
                let k = w.keys[&format!("{party}-{role}")].clone();
                let body = input(kind, &victim, &message).to_string();
                (
                    "wrong party",
                    signed(Some(&k), "POST", "/api/v1/inputs", &body, now, &nonce),
                )
            }
            // A revoked key, on its own party's input.
            1 => {
                let k = &revoked[rng.below(revoked.len())];
                let p = k.name.split('-').next().unwrap();
                let body = input(kind, p, &message).to_string();
                (
                    "revoked key",
                    signed(Some(k), "POST", "/api/v1/inputs", &body, now, &nonce),
                )
            }
            // A rotated root, or any root: roots sign statements only.
            2 => {
                let k = if rng.below(2) == 0 {
                    retired_root.clone()
                } else {
                    key(&format!("{party}-root"))
                };
                let p = if k.name.starts_with("france") {
                    "france".to_string()
                } else {
                    party.clone()
                };
                let body = input(kind, &p, &message).to_string();
                (
                    "root or rotated root",
                    signed(Some(&k), "POST", "/api/v1/inputs", &body, now, &nonce),
                )
            }
            // A signature taken from another request.
            3 => {
                let orig = &originals[rng.below(originals.len())];
                let k = w.keys[&format!("{party}-reporter")].clone();
                let body = input(kind, &party, &message).to_string();
                let mut req = signed(Some(&k), "POST", "/api/v1/inputs", &body, now, &nonce);
                req.headers.retain(|(h, _)| {
                    !h.eq_ignore_ascii_case("signature")
                        && !h.eq_ignore_ascii_case("signature-input")
                });
                for (h, v) in &orig.headers {
                    if h.eq_ignore_ascii_case("signature")
                        || h.eq_ignore_ascii_case("signature-input")
                    {
                        req.headers.push((h.clone(), v.clone()));
                    }
                }
                if rng.below(2) == 0 {
                    // The original's digest too: the body no longer matches it.
                    req.headers
                        .retain(|(h, _)| !h.eq_ignore_ascii_case("content-digest"));
                    for (h, v) in &orig.headers {
                        if h.eq_ignore_ascii_case("content-digest") {
                            req.headers.push((h.clone(), v.clone()));
                        }
                    }
                }
                ("signature of another request", req)
            }
            // A request already accepted, again.
            4 => (
                "duplicated signature",
                originals[rng.below(originals.len())].clone(),
            ),
            // A vote in this party's name through a second key without
            // the leader role, or through another party's leader.
            5 => {
                let k = if rng.below(2) == 0 {
                    w.keys[&format!("{party}-reporter")].clone()
                } else {
                    w.keys[&format!("{victim}-leader")].clone()
                };
                let body = input("vote", &party, &message).to_string();
                (
                    "one party through two keys",
                    signed(Some(&k), "POST", "/api/v1/inputs", &body, now, &nonce),
                )
            }
            // A malleated signature: a flipped bit, or S + L.
            6 => {
                let k = w.keys[&format!("{party}-reporter")].clone();
                let body = input("observation", &party, &message).to_string();
                let mut req = signed(Some(&k), "POST", "/api/v1/inputs", &body, now, &nonce);
                for (h, v) in req.headers.iter_mut() {
                    if h.eq_ignore_ascii_case("signature") {
                        let b64 = v.trim_start_matches("sig1=:").trim_end_matches(':');
                        use base64::Engine;
                        let mut sig = base64::engine::general_purpose::STANDARD
                            .decode(b64)
                            .unwrap();
                        if rng.below(2) == 0 {
                            let at = rng.below(64);
                            sig[at] ^= 1 << rng.below(8);
                        } else {
                            // S + L, the group order: same point, not canonical.
                            const L: [u8; 32] = [
                                0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                                0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                0, 0, 0, 0x10,
                            ];
                            let mut carry = 0u16;
                            for j in 0..32 {
                                let s = u16::from(sig[32 + j]) + u16::from(L[j]) + carry;
                                sig[32 + j] = s as u8;
                                carry = s >> 8;
                            }
                        }
                        *v = format!(
                            "sig1=:{}:",
                            base64::engine::general_purpose::STANDARD.encode(sig)
                        );
                    }
                }
                ("malleated signature", req)
            }
            // No signature, a stale one, or an unknown key.
            _ => {
                let body = input(kind, &party, &message).to_string();
                match rng.below(3) {
                    0 => (
                        "unsigned",
                        signed(None, "POST", "/api/v1/inputs", &body, now, &nonce),
                    ),
                    1 => {
                        let k = w.keys[&format!("{party}-reporter")].clone();
                        (
                            "stale signature",
                            signed(
                                Some(&k),
                                "POST",
                                "/api/v1/inputs",
                                &body,
                                now - 31 - rng.below(10_000) as i64,
                                &nonce,
                            ),
                        )
                    }
                    _ => (
                        "unknown key",
                        signed(
                            Some(&key(&format!("{party}-stranger"))),
                            "POST",
                            "/api/v1/inputs",
                            &body,
                            now,
                            &nonce,
                        ),
                    ),
                }
            }
        };
        let (status, v, _) = send(&app, &req).await;
        let any_receipt = v["answers"].as_array().is_some_and(|a| {
            a.iter()
                .any(|x| x["receipt"].is_object() && x["receipt"]["duplicate"] != true)
        });
        if status.is_success() || any_receipt {
            accepted += 1;
            eprintln!("ACCEPTED {name}: {status} {v}");
        }
        *by_kind.entry(name).or_default() += 1;
    }
    eprintln!("{total} unauthorized attempts by kind: {by_kind:?}");
    assert_eq!(by_kind.len(), 10, "{by_kind:?}");
    assert_eq!(accepted, 0, "unauthorized attempts were accepted");
    // Restricted reads: an auditor of a party the input is not releasable
    // to sees nothing of it.
    let body = restricted("us", &["uk"], "secret").to_string();
    let k = w.keys["us-reporter"].clone();
    let n = w.nonce();
    let (s, v, _) = send(
        &app,
        &signed(Some(&k), "POST", "/api/v1/inputs", &body, now_s(), &n),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // The public views never show it in clear.
    for path in [
        "/api/v1/status",
        "/api/v1/incidents",
        "/api/v1/breaches",
        "/api/v1/activations",
    ] {
        let (s, v, _) = send(&app, &signed(None, "GET", path, "", now_s(), "")).await;
        assert_eq!(s, StatusCode::OK, "{path}");
        assert!(
            !v.to_string().contains("\"secret\""),
            "{path} shows the restricted input: {v}"
        );
    }
    let size = send(
        &app,
        &signed(None, "GET", "/api/v1/status", "", now_s(), ""),
    )
    .await
    .1["log"]["size"]
        .as_u64()
        .unwrap();
    for i in size.saturating_sub(5)..size {
        let (_, v, _) = send(
            &app,
            &signed(None, "GET", &format!("/api/v1/log/{i}"), "", now_s(), ""),
        )
        .await;
        assert!(
            !v.to_string().contains("\"secret\""),
            "log entry {i} shows the restricted input: {v}"
        );
    }
    for party in &parties {
        let k = w.keys[&format!("{party}-auditor")].clone();
        let n = w.nonce();
        let (s, v, _) = send(
            &app,
            &signed(Some(&k), "GET", "/api/v1/restricted", "", now_s(), &n),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let seen = v["restricted"].as_array().unwrap().len();
        assert_eq!(
            seen,
            usize::from(party == "us" || party == "uk"),
            "{party}: {v}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revocation_rotation_replay_across_restart_rate_limit_and_security_events() {
    let mut w = World::new("lifecycle");
    let (node, app) = w.start();
    let ops = w.grant(&app, "ukraine", "reporter").await;
    let obs = |m: &str| input("observation", "ukraine", m).to_string();
    let n = w.nonce();
    let first = signed(
        Some(&ops),
        "POST",
        "/api/v1/inputs",
        &obs("o1"),
        now_s(),
        &n,
    );
    let (s, v, _) = send(&app, &first).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let o1_index = v["answers"][0]["receipt"]["log_index"].as_u64().unwrap();

    // A statement signed by another party's root, a wrong serial, a
    // replayed statement: refused, nothing logged.
    let (s, v) = w
        .statement(
            &app,
            "ukraine",
            &key("russia-root"),
            keyring::Action::Revoke {
                key: ops.name.clone(),
                reason: "forged".into(),
            },
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    assert_eq!(v["code"], "bad_statement");

    // The root revokes the key: in force from the revocation's log index.
    let (s, v) = w
        .statement(
            &app,
            "ukraine",
            &key("ukraine-root"),
            keyring::Action::Revoke {
                key: ops.name.clone(),
                reason: "device lost".into(),
            },
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let revoked_at = v["log_index"].as_u64().unwrap();
    assert!(revoked_at > o1_index);
    let n = w.nonce();
    let (s, v, _) = send(
        &app,
        &signed(
            Some(&ops),
            "POST",
            "/api/v1/inputs",
            &obs("o2"),
            now_s(),
            &n,
        ),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    assert_eq!(v["code"], "revoked_key", "{v}");
    assert!(
        v["error"]
            .as_str()
            .unwrap()
            .contains(&revoked_at.to_string()),
        "{v}"
    );
    // The registry is public and in the log.
    let (s, keys, _) = send(&app, &signed(None, "GET", "/api/v1/keys", "", now_s(), "")).await;
    assert_eq!(s, StatusCode::OK);
    let k = keys["parties"]["ukraine"]["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == ops.name.as_str())
        .unwrap()
        .clone();
    assert_eq!(k["revoked"]["at"], revoked_at, "{keys}");
    let (_, entry, _) = send(
        &app,
        &signed(
            None,
            "GET",
            &format!("/api/v1/log/{revoked_at}"),
            "",
            now_s(),
            "",
        ),
    )
    .await;
    assert_eq!(entry["entry"]["entry"], "key", "{entry}");

    // A new key replaces it (rotation of the operational key).
    let ops2 = w.grant(&app, "ukraine", "reporter-2").await;
    let n = w.nonce();
    let again = signed(
        Some(&ops2),
        "POST",
        "/api/v1/inputs",
        &obs("o3"),
        now_s(),
        &n,
    );
    let (s, v, _) = send(&app, &again).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // The same signed request again: a replay.
    let (s, v, _) = send(&app, &again).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    assert_eq!(v["code"], "replay");

    // Restart: the registry comes back from the log, and the nonce is
    // still remembered.
    drop(app);
    drop(node);
    std::thread::sleep(std::time::Duration::from_millis(300));
    let (node, app) = w.start();
    let (s, v, _) = send(&app, &again).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    assert_eq!(v["code"], "replay", "{v}");
    // Signed before the restart and never seen: its nonce might have been
    // lost with the crash of a node, so it is refused too.
    let n = w.nonce();
    let early = signed(Some(&ops2), "GET", "/api/v1/status", "", now_s() - 5, &n);
    let (s, v, _) = send(&app, &early).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    assert_eq!(v["code"], "replay", "{v}");
    let n = w.nonce();
    let (s, v, _) = send(
        &app,
        &signed(
            Some(&ops),
            "POST",
            "/api/v1/inputs",
            &obs("o4"),
            now_s(),
            &n,
        ),
    )
    .await;
    assert_eq!(v["code"], "revoked_key", "{s} {v}");
    let n = w.nonce();
    let (s, v, _) = send(
        &app,
        &signed(
            Some(&ops2),
            "POST",
            "/api/v1/inputs",
            &obs("o5"),
            now_s(),
            &n,
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // Security events: each refusal, as JSON lines on disk.
    drop(app);
    drop(node);
    std::thread::sleep(std::time::Duration::from_millis(300));
    let events = std::fs::read_to_string(w.data.join("security.jsonl")).unwrap();
    let codes: Vec<String> = events
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["code"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    for code in ["bad_statement", "revoked_key", "replay"] {
        assert!(
            codes.iter().any(|c| c == code),
            "no `{code}` event in {events}"
        );
    }
    let e: Value = serde_json::from_str(events.lines().next().unwrap()).unwrap();
    for field in ["at", "kind", "code", "status", "method", "path", "reason"] {
        assert!(e.get(field).is_some(), "no `{field}` in {e}");
    }

    // Rate limits: 429 with Retry-After once a party's burst is spent.
    let node = server::start(&w.fw, &w.options(5)).unwrap();
    let app = node.router();
    let mut limited = None;
    for i in 0..20 {
        let n = format!("rl-{i}");
        let (s, v, retry) = send(
            &app,
            &signed(Some(&ops2), "GET", "/api/v1/status", "", now_s(), &n),
        )
        .await;
        if s == StatusCode::TOO_MANY_REQUESTS {
            limited = Some((i, v, retry));
            break;
        }
    }
    let (i, v, retry) = limited.expect("never rate limited");
    assert!(i >= 5, "limited after {i} requests, the burst is 5");
    assert_eq!(v["code"], "rate_limited");
    assert!(retry.unwrap().parse::<u64>().unwrap() >= 1);
    // Another party is not held up by ukraine's burst.
    let us = w.grant(&app, "us", "auditor").await;
    let (s, v, _) = send(
        &app,
        &signed(Some(&us), "GET", "/api/v1/status", "", now_s(), "rl-us"),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

#[test]
fn cot_is_taken_on_loopback_only() {
    let w = World::new("cot");
    let node = server::start(&w.fw, &w.options(100)).unwrap();
    let e = node.listen_cot("0.0.0.0:0").unwrap_err().to_string();
    assert!(e.contains("loopback only"), "{e}");
    assert!(node.listen_cot("127.0.0.1:0").is_ok());
}
