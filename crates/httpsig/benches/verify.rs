//! Signed requests verified per second against raw Ed25519 verification
//! of a 64-byte message, in the same run.
//!
//! A request verification is one strict Ed25519 verification plus the
//! parsing of `Signature-Input`/`Signature`, the signature base, the
//! policy checks and (with a body) a SHA-256 of the body, so the raw rate
//! is its ceiling.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ed25519_dalek::{Signature, Signer as _, SigningKey};
use httpsig::{ComponentId, DigestAlg, Request, SignatureParams, Verifier, content_digest, sign};

const NOW: i64 = 1_700_000_000;

fn signed(body: &[u8], key: &SigningKey) -> Request {
    let mut req = Request::new(
        "POST",
        "node.bulwark.example",
        "/v1/exercises/42/injects?party=blue&seq=17",
    )
    .with_header("Content-Type", "application/json")
    .with_header("User-Agent", "bulwark-party/0.1")
    .with_body(body);
    let mut components: Vec<ComponentId> = ["@method", "@authority", "@path", "@query"]
        .into_iter()
        .map(ComponentId::new)
        .collect();
    if !body.is_empty() {
        req.headers.push((
            "Content-Digest".into(),
            content_digest(body, &[DigestAlg::Sha256]),
        ));
        components.push(ComponentId::new("content-digest"));
    }
    let params = SignatureParams::new(components)
        .with_created(NOW)
        .with_expires(NOW + 60)
        .with_nonce("6f1c2a9e-0b7d-4a53-9c1e-3d8f5b2a7c40")
        .with_keyid("party-blue")
        .with_alg("ed25519");
    sign(&req, "sig1", &params, key).unwrap().apply(&mut req);
    req
}

fn bench(c: &mut Criterion) {
    let key = SigningKey::from_bytes(&[7u8; 32]);
    let pk = key.verifying_key();
    let msg = [42u8; 64];
    let sig: Signature = key.sign(&msg);
    let verifier = Verifier::default();
    let no_body = signed(b"", &key);
    let body_1k = signed(&[b'x'; 1024], &key);
    verifier.verify(&no_body, NOW, |_| Some(pk)).unwrap();
    verifier.verify(&body_1k, NOW, |_| Some(pk)).unwrap();

    let mut group = c.benchmark_group("verify");
    group.throughput(Throughput::Elements(1));
    group.bench_function("raw_ed25519_verify_strict_64_bytes", |b| {
        b.iter(|| pk.verify_strict(black_box(&msg), black_box(&sig)).unwrap())
    });
    group.bench_function("raw_ed25519_verify_64_bytes", |b| {
        b.iter(|| ed25519_dalek::Verifier::verify(&pk, black_box(&msg), black_box(&sig)).unwrap())
    });
    group.bench_function("signed_request_no_body", |b| {
        b.iter(|| {
            verifier
                .verify(black_box(&no_body), NOW, |_| Some(pk))
                .unwrap()
        })
    });
    group.bench_function("signed_request_1kib_body", |b| {
        b.iter(|| {
            verifier
                .verify(black_box(&body_1k), NOW, |_| Some(pk))
                .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
