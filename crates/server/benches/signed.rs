//! Signed requests through the node's whole guard — signature verified
//! under a registry key, rate limit, nonce admitted by the sequencer,
//! the policy's decision, the handler — against raw Ed25519 verification
//! in the same run (one core each: the router is called in-process, no
//! sockets).
//!
//! - `raw_ed25519_verify_strict`: one strict verification of a signature
//!   over a 200-byte message (a signature base is about that long).
//! - `signed_read_keys`: `GET /api/v1/keys` signed by an auditor's key.
//! - `signed_submission_denied`: `POST /api/v1/inputs` of one observation
//!   claiming another party: verified, digest checked, denied by the
//!   policy (nothing committed: the figure is the cost of the guard).
//!
//! Each request is signed before its measurement starts, with a fresh
//! nonce (a nonce is taken once).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ed25519_dalek::{Signer as _, SigningKey};
use httpsig::{ComponentId, DigestAlg, SignatureParams};
use ledger::note::Signer;
use sha2::Digest;
use tower::ServiceExt;

struct DirFiles(PathBuf);

impl framework::Files for DirFiles {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        std::fs::read(self.0.join(path)).map_err(|e| e.to_string())
    }
}

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/ukraine-2025")
}

fn key(name: &str) -> Signer {
    let seed: [u8; 32] = sha2::Sha256::digest(format!("bench-key/{name}")).into();
    Signer::from_seed(name, seed).unwrap()
}

fn now_s() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn signed(signer: &Signer, method: &str, path: &str, body: &str, nonce: &str) -> Request<Body> {
    let mut req = httpsig::Request::new(method, "node.bench", path).with_scheme("http");
    req.headers.push(("host".into(), "node.bench".into()));
    let mut components = vec!["@method", "@authority", "@path", "@query"];
    if !body.is_empty() {
        req.headers.push((
            "content-digest".into(),
            httpsig::content_digest(body.as_bytes(), &[DigestAlg::Sha256]),
        ));
        components.push("content-digest");
    }
    req.body = body.as_bytes().to_vec();
    let now = now_s();
    let params = SignatureParams::new(components.into_iter().map(ComponentId::new))
        .with_created(now)
        .with_expires(now + 30)
        .with_nonce(nonce)
        .with_keyid(&signer.name)
        .with_alg("ed25519");
    httpsig::sign(&req, "sig1", &params, signer.signing_key())
        .unwrap()
        .apply(&mut req);
    let mut r = Request::builder().method(method).uri(path);
    for (k, v) in &req.headers {
        r = r.header(k.as_str(), v.as_str());
    }
    r.body(Body::from(req.body)).unwrap()
}

async fn send(app: &Router, req: Request<Body>) -> StatusCode {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let _ = axum::body::to_bytes(res.into_body(), 1 << 24).await;
    status
}

fn bench(c: &mut Criterion) {
    let text = std::fs::read_to_string(example().join("framework.toml")).unwrap();
    let fw = framework::load_and_check("framework.toml", &text, &DirFiles(example())).0;
    let dir = std::env::temp_dir().join(format!("bulwark-bench-signed-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let policy = std::fs::read_to_string(example().join("policy.cedar")).unwrap();
    let mut options = server::Options::new(&dir, &policy, "policy.cedar");
    options.roots = vec![("us".to_string(), key("us-root").verifier())];
    options.rate_limit = server::ratelimit::Limit {
        rate: 1_000_000,
        burst: 1_000_000,
    };
    let node = server::start(&fw, &options).unwrap();
    let app = node.router();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // An auditor and a reporter key for `us`.
    let auditor = key("us-auditor");
    let reporter = key("us-reporter");
    for (serial, (k, role)) in [(&auditor, "auditor"), (&reporter, "reporter")]
        .into_iter()
        .enumerate()
    {
        let st = keyring::Statement {
            party: "us".into(),
            serial: serial as u64 + 1,
            issued_at: base::Timestamp::from_millis(1_700_000_000_000),
            action: keyring::Action::Grant {
                key: k.verifier(),
                roles: vec![role.into()],
            },
        };
        let body = keyring::sign(&st, &key("us-root")).to_json().to_string();
        let req = Request::builder()
            .method("POST")
            .uri("/api/v1/keys")
            .body(Body::from(body))
            .unwrap();
        assert_eq!(rt.block_on(send(&app, req)), StatusCode::OK);
    }
    let other = serde_json::json!({
        "v": 1, "type": "observation",
        "id": {"party": "poland", "source": "radar", "message": "m-1"},
        "class": "radar", "observed": {"from": "2026-12-01T00:00:00Z"},
        "place": {"zone": "ukraine"}, "kind": "missile_launch",
        "counts": {"launched": 6}, "confidence_bp": 9000
    })
    .to_string();

    let raw_key = SigningKey::from_bytes(&[7u8; 32]);
    let raw_pk = raw_key.verifying_key();
    let msg = [42u8; 200];
    let sig = raw_key.sign(&msg);

    let mut group = c.benchmark_group("signed");
    group.throughput(Throughput::Elements(1));
    group.bench_function("raw_ed25519_verify_strict", |b| {
        b.iter(|| {
            raw_pk
                .verify_strict(black_box(&msg), black_box(&sig))
                .unwrap()
        });
    });
    let mut counter = 0u64;
    let mut run =
        |b: &mut criterion::Bencher<'_>, make: &dyn Fn(&str) -> Request<Body>, want: StatusCode| {
            b.iter_custom(|iters| {
                // Signed beforehand, in slices well within a signature's 30 s.
                let mut total = Duration::ZERO;
                let mut left = iters;
                while left > 0 {
                    let n = left.min(20_000);
                    let reqs: Vec<_> = (0..n)
                        .map(|_| {
                            counter += 1;
                            make(&format!("bench-{counter}"))
                        })
                        .collect();
                    let start = Instant::now();
                    rt.block_on(async {
                        for r in reqs {
                            let s = send(&app, r).await;
                            debug_assert_eq!(s, want);
                            black_box(s);
                        }
                    });
                    total += start.elapsed();
                    left -= n;
                }
                total
            });
        };
    group.bench_function("signed_read_keys", |b| {
        run(
            b,
            &|n| signed(&auditor, "GET", "/api/v1/keys", "", n),
            StatusCode::OK,
        );
    });
    group.bench_function("signed_submission_denied", |b| {
        run(
            b,
            &|n| signed(&reporter, "POST", "/api/v1/inputs", &other, n),
            StatusCode::FORBIDDEN,
        );
    });
    group.finish();
    drop(app);
    drop(node);
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
