//! CSV through a mapping, rows per second (MB/s), compared in the same run
//! with the `csv` crate reading the same bytes into records and doing
//! nothing else: the floor any CSV converter pays. The ratio says what the
//! mapping adds — local times through the time zone database, counts,
//! bundled models, places, identity and validation.
//!
//! The input imitates the Air Force's attack reports: 50,000 rows of Kyiv
//! local times (summer and winter), bundled and single models, national
//! and regional places, a post reference.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ingest::Defaults;
use ingest::table::Mapping;

const MAPPING: &str = r#"
party = "ukraine"
source = "air-force-reports"
class = "general-staff"
confidence_bp = 8000
timezone = "Europe/Kyiv"
message = ["time_start", "time_end", "model", "target", "source"]
observed = { from = "time_start", to = "time_end", formats = ["%Y-%m-%d %H:%M", "%Y-%m-%d"] }
counts = { launched = "launched", destroyed = "destroyed" }
attributes = { post = "source" }

[weapon]
column = "model"
separator = " and "
[weapon.models]
"X-101/X-555" = { weapon = "kh-101", kind = "missile_launch", within = ["cruise-missile", "missile"] }
"Kalibr" = { weapon = "kalibr", kind = "missile_launch", within = ["cruise-missile", "missile"] }
"Shahed-136/131" = { weapon = "shahed-136", kind = "drone_launch", within = ["uav"] }

[place]
column = "target"
separator = " and "
several = "ukraine"
zones = { "Ukraine" = "ukraine", "south" = "air-command-south", "Odesa oblast" = "air-command-south", "Kyiv oblast" = "air-command-north" }
"#;

fn table(rows: usize) -> Vec<u8> {
    let models = ["Shahed-136/131", "X-101/X-555 and Kalibr", "Kalibr"];
    let places = ["Ukraine", "south", "Odesa oblast and Kyiv oblast"];
    let mut s = String::from("time_start,time_end,model,target,launched,destroyed,source\n");
    for i in 0..rows {
        let (month, day, hour) = (1 + i % 12, 1 + i % 28, i % 24);
        s.push_str(&format!(
            "2023-{month:02}-{day:02} {hour:02}:00,2023-{month:02}-{day:02} {hour:02}:30,{},{},{}.0,{}.0,kpszsu/posts/pfbid{i:012}\n",
            models[i % 3],
            places[i / 3 % 3],
            20 + i % 50,
            10 + i % 10,
        ));
    }
    s.into_bytes()
}

fn records_only(bytes: &[u8]) -> usize {
    let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let mut n = 0;
    while reader.read_byte_record(&mut record).unwrap_or(false) {
        n += record.len();
        black_box(&record);
    }
    n
}

fn bench(c: &mut Criterion) {
    let bytes = table(50_000);
    let mapping = Mapping::parse(MAPPING).unwrap();
    let defaults = Defaults {
        party: "unknown".into(),
        source: "csv".into(),
        class: "unknown".into(),
    };
    let out = ingest::table::convert(&bytes, &mapping, &defaults);
    assert_eq!(
        (out.read, out.observations.len(), out.rejected.len()),
        (50_000, 50_000, 0),
        "{:?}",
        out.rejected.first()
    );
    assert_eq!(records_only(&bytes), 50_000 * 7);
    let mut group = c.benchmark_group("table");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.sample_size(10);
    group.bench_function("csv_records_only", |b| {
        b.iter(|| records_only(black_box(&bytes)))
    });
    group.bench_function("ingest_table_convert", |b| {
        b.iter(|| {
            ingest::table::convert(black_box(&bytes), &mapping, &defaults)
                .observations
                .len()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
