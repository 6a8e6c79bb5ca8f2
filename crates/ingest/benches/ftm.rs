//! FollowTheMoney read per second (MB/s), compared in the same run with
//! serde_json parsing every line of the same bytes into a
//! `serde_json::Value`: the reference is what any reader that looks at
//! every entity pays, and the ratio says what typed parsing (text lent from
//! the input), the checks, reference resolution and building the targets
//! add or save.
//!
//! The input is a synthetic OpenSanctions-like export: 4,000 clusters of a
//! drone maker, its owner, a supplier, an address, two ownerships, a
//! directorship and three sanctions (40,000 entities), each cluster with
//! one reference to an address absent from the file.
//!
//! Measured on the 2-core machine, under load from other builds (8.4 MB):
//! serde_json `Value` per line 123 MiB/s; `ftm::read` 40 MiB/s (0.33×),
//! of which parsing the lines alone takes about a third (≈ 36 ms of ≈ 120
//! ms, about 1.8× faster than building `Value`s, as the text is lent from
//! the input) and resolving references and building targets the rest.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn export(clusters: usize) -> Vec<u8> {
    let mut s = String::new();
    for i in 0..clusters {
        s.push_str(&format!(
            r#"{{"id":"co-{i}","schema":"Company","caption":"Kestrel Avia {i} JSC","properties":{{"name":["Kestrel Avia {i} JSC","АО \"Кестрел Авиа {i}\"","Kestrel Avia {i}"],"country":["ru"],"topics":["sanction","poi","export.control"],"programId":["EU-UKR","UA-SA1644","US-RUSHAR"],"addressEntity":["addr-{i}","addr-gone-{i}"],"sourceUrl":["https://example.org/entities/{i}"],"innCode":["59200{i:05}"]}},"target":true,"datasets":["eu_fsf","ua_war_sanctions","us_ofac_sdn"],"referents":["eu-fsf-{i}","ofac-{i}"],"first_seen":"2023-07-26T20:01:14","last_seen":"2025-06-01T10:57:03"}}
{{"id":"pe-{i}","schema":"Person","caption":"Ivan Petrovich Sokolov {i}","properties":{{"name":["Ivan Petrovich Sokolov {i}","Иван Петрович Соколов {i}"],"birthDate":["1971-01-22"],"nationality":["ru"],"topics":["sanction"],"gender":["male"]}},"target":true,"datasets":["us_ofac_sdn"]}}
{{"id":"co-parts-{i}","schema":"Company","properties":{{"name":["Kestrel Parts {i} LLC"],"country":["ru"]}},"target":false,"datasets":["ext_ru_egrul"]}}
{{"id":"addr-{i}","schema":"Address","caption":"{i} Aviation St, Izhevsk","properties":{{"full":["{i} Aviation St, Izhevsk, Russia"],"country":["ru"]}}}}
{{"id":"own-a-{i}","schema":"Ownership","properties":{{"owner":["pe-{i}"],"asset":["co-{i}"],"percentage":["51"],"startDate":["2015-11-25"]}}}}
{{"id":"own-b-{i}","schema":"Ownership","properties":{{"owner":["co-{i}"],"asset":["co-parts-{i}"],"percentage":["100"]}}}}
{{"id":"dir-{i}","schema":"Directorship","properties":{{"director":["pe-{i}"],"organization":["co-{i}"],"role":["General Director"]}}}}
{{"id":"sanc-eu-{i}","schema":"Sanction","properties":{{"entity":["co-{i}"],"authority":["Council of the European Union"],"programId":["EU-UKR"],"program":["Regulation (EU) 269/2014"],"startDate":["2023-02-25"]}}}}
{{"id":"sanc-us-{i}","schema":"Sanction","properties":{{"entity":["pe-{i}"],"authority":["Office of Foreign Assets Control"],"programId":["US-RUSHAR"]}}}}
{{"id":"sanc-ua-{i}","schema":"Sanction","properties":{{"entity":["co-{i}"],"authority":["National Security and Defense Council"],"programId":["UA-SA1644"]}}}}
"#
        ));
    }
    s.into_bytes()
}

fn values(bytes: &[u8]) -> usize {
    bytes
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice::<serde_json::Value>(l).unwrap())
        .map(|v| usize::from(v.is_object()))
        .sum()
}

fn bench(c: &mut Criterion) {
    let clusters = 4_000;
    let bytes = export(clusters);
    let read = ingest::ftm::read(&bytes);
    assert_eq!(
        (
            read.outcome.read,
            read.targets.len(),
            read.absent(),
            read.outcome.rejected.len()
        ),
        (clusters * 10, clusters * 3, clusters, 0)
    );
    assert_eq!(values(&bytes), clusters * 10);
    let mut group = c.benchmark_group("ftm");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.sample_size(20);
    group.bench_function("serde_json_value_per_line", |b| {
        b.iter(|| values(black_box(&bytes)))
    });
    group.bench_function("ingest_ftm_read", |b| {
        b.iter(|| ingest::ftm::read(black_box(&bytes)).targets.len())
    });
    group.bench_function("ingest_ftm_read_and_encode", |b| {
        b.iter(|| ingest::ftm::encode(&ingest::ftm::read(black_box(&bytes)).targets).len())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
