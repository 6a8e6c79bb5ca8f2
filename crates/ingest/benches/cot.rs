//! CoT parsed per second (MB/s), compared in the same run with a plain
//! `quick_xml` reader loop that only tokenizes the same bytes: the
//! reference is the floor any XML-based converter pays, and the ratio says
//! what framing, checks, mapping and building observations add.
//!
//! The input is a TAK stream as a client sends it: 20,000 events back to
//! back, each with its XML declaration and a TAK `detail` (contact, group,
//! status, track, remarks), a mix of hostile tracks and friendly reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ingest::Defaults;
use quick_xml::Reader;
use quick_xml::events::Event;

fn stream(events: usize) -> Vec<u8> {
    let types = [
        "a-h-A-M-F-Q",
        "a-h-A-W-M-S",
        "a-f-G-U-C",
        "a-h-G-E-V-A-T",
        "a-u-G",
    ];
    let mut s = String::new();
    for i in 0..events {
        let t = types[i % types.len()];
        let (sec, ms) = (i / 1000 % 60, i % 1000);
        s.push_str(&format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\" ?>\n\
<event version=\"2.0\" type=\"{t}\" uid=\"trk-{i}\" how=\"m-g\" time=\"2025-11-14T01:41:{sec:02}.{ms:03}456Z\" \
start=\"2025-11-14T01:41:{sec:02}.{ms:03}456Z\" stale=\"2025-11-14T01:46:{sec:02}Z\">\
<point lat=\"50.{i:07}\" lon=\"30.5234{ms:03}\" hae=\"1200.5\" ce=\"35.5\" le=\"20.0\" />\
<detail><contact callsign=\"TRACK-{i}\" endpoint=\"*:-1:stcp\"/><__group name=\"Cyan\" role=\"Team Member\"/>\
<status battery=\"78\"/><track course=\"80.24833892285461\" speed=\"51.4\"/>\
<remarks>heading west, altitude 1200 m</remarks></detail></event>"
        ));
    }
    s.into_bytes()
}

fn tokenize(bytes: &[u8]) -> usize {
    let mut reader = Reader::from_reader(bytes);
    let mut n = 0;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(e) => {
                n += 1;
                black_box(e);
            }
            Err(_) => break,
        }
    }
    n
}

fn bench(c: &mut Criterion) {
    let bytes = stream(20_000);
    let defaults = Defaults {
        party: "ukraine".into(),
        source: "radar-kyiv-3".into(),
        class: "radar".into(),
    };
    let out = ingest::cot::convert(&bytes, &defaults);
    assert_eq!(
        (out.read, out.observations.len(), out.rejected.len()),
        (20_000, 16_000, 0)
    );
    assert!(tokenize(&bytes) > 20_000 * 10);
    let mut group = c.benchmark_group("cot");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.sample_size(20);
    group.bench_function("quick_xml_tokenize_only", |b| {
        b.iter(|| tokenize(black_box(&bytes)))
    });
    group.bench_function("ingest_cot_convert", |b| {
        b.iter(|| {
            ingest::cot::convert(black_box(&bytes), &defaults)
                .observations
                .len()
        })
    });
    group.bench_function("ingest_cot_convert_and_encode", |b| {
        b.iter(|| {
            let out = ingest::cot::convert(black_box(&bytes), &defaults);
            out.observations
                .into_iter()
                .map(|o| model::encode_line(&model::Input::Observation(o)).len())
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
