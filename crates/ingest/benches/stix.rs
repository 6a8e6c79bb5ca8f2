//! STIX 2.1 objects converted per second, compared in the same run with
//! serde_json parsing the same bundle into a `Value` and nothing more: the
//! floor any converter that reads the bundle pays. The ratio says what
//! resolving relationships (attribution, techniques, targets) and building
//! observations add.
//!
//! The bundle: 5,000 campaigns, each attributed to one of 50 intrusion
//! sets, using a malware and a technique, targeting a grid operator, and
//! seen once by a sighting of its indicator — 45,150 objects.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ingest::Defaults;

fn bundle(campaigns: usize) -> (Vec<u8>, usize) {
    let mut objects = Vec::new();
    let head = |kind: &str, n: usize| {
        format!(
            "\"type\": \"{kind}\", \"spec_version\": \"2.1\", \"id\": \"{kind}--00000000-0000-4000-8000-{n:012}\", \"created\": \"2025-01-01T00:00:00Z\", \"modified\": \"2025-01-01T00:00:00Z\""
        )
    };
    let id = |kind: &str, n: usize| format!("{kind}--00000000-0000-4000-8000-{n:012}");
    for s in 0..50 {
        objects.push(format!(
            "{{{}, \"name\": \"Set {s}\"}}",
            head("intrusion-set", s)
        ));
    }
    objects.push(format!(
        "{{{}, \"name\": \"Oblenergo\", \"identity_class\": \"organization\", \"sectors\": [\"utilities\"]}}",
        head("identity", 0)
    ));
    objects.push(format!(
        "{{{}, \"name\": \"GridWiper\", \"is_family\": true}}",
        head("malware", 0)
    ));
    objects.push(format!(
        "{{{}, \"name\": \"Unauthorized Command Message\", \"external_references\": [{{\"source_name\": \"mitre-ics-attack\", \"external_id\": \"T0855\"}}]}}",
        head("attack-pattern", 0)
    ));
    let mut rel = 0;
    let mut relationship = |kind: &str, from: String, to: String| {
        rel += 1;
        format!(
            "{{{}, \"relationship_type\": \"{kind}\", \"source_ref\": \"{from}\", \"target_ref\": \"{to}\", \"confidence\": 70}}",
            head("relationship", rel)
        )
    };
    for c in 0..campaigns {
        let campaign = id("campaign", c);
        let (day, hour) = (1 + c % 28, c % 24);
        objects.push(format!(
            "{{{}, \"name\": \"Campaign {c}\", \"confidence\": 85, \"first_seen\": \"2025-11-{day:02}T{hour:02}:00:00.123456Z\", \"last_seen\": \"2025-11-{day:02}T{hour:02}:30:00Z\"}}",
            head("campaign", c)
        ));
        objects.push(relationship(
            "attributed-to",
            campaign.clone(),
            id("intrusion-set", c % 50),
        ));
        objects.push(relationship("uses", campaign.clone(), id("malware", 0)));
        objects.push(relationship(
            "uses",
            campaign.clone(),
            id("attack-pattern", 0),
        ));
        objects.push(relationship("targets", campaign.clone(), id("identity", 0)));
        objects.push(format!(
            "{{{}, \"pattern\": \"[file:hashes.'SHA-256' = 'aa']\", \"pattern_type\": \"stix\", \"valid_from\": \"2025-01-01T00:00:00Z\"}}",
            head("indicator", c)
        ));
        objects.push(relationship("indicates", id("indicator", c), campaign));
        objects.push(format!(
            "{{{}, \"sighting_of_ref\": \"{}\", \"confidence\": 40, \"first_seen\": \"2025-11-{day:02}T{hour:02}:10:00Z\"}}",
            head("sighting", c),
            id("indicator", c)
        ));
        objects.push(format!(
            "{{{}, \"first_observed\": \"2025-11-{day:02}T{hour:02}:05:00Z\", \"last_observed\": \"2025-11-{day:02}T{hour:02}:06:00Z\", \"number_observed\": 1, \"object_refs\": []}}",
            head("observed-data", c)
        ));
    }
    let n = objects.len();
    let text = format!(
        "{{\"type\": \"bundle\", \"id\": \"bundle--00000000-0000-4000-8000-000000000000\", \"objects\": [\n{}\n]}}",
        objects.join(",\n")
    );
    (text.into_bytes(), n)
}

fn bench(c: &mut Criterion) {
    let (bytes, objects) = bundle(5_000);
    let defaults = Defaults {
        party: "ukraine".into(),
        source: "cert-ua".into(),
        class: "cyber-forensics".into(),
    };
    let out = ingest::stix::convert(&bytes, &defaults);
    assert_eq!(
        (out.read, out.observations.len(), out.rejected.len()),
        (objects, 15_000, 0),
        "{:?}",
        out.rejected.first()
    );
    let mut group = c.benchmark_group("stix");
    group.throughput(Throughput::Elements(objects as u64));
    group.sample_size(10);
    group.bench_function("serde_json_value_only", |b| {
        b.iter(|| {
            serde_json::from_slice::<serde_json::Value>(black_box(&bytes))
                .unwrap()
                .is_object()
        })
    });
    group.bench_function("ingest_stix_convert", |b| {
        b.iter(|| {
            ingest::stix::convert(black_box(&bytes), &defaults)
                .observations
                .len()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
