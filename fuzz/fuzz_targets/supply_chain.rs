//! The delivery chain: arbitrary bytes as delivery lines (wire-format
//! inputs, one a line) read into a `supply::chain::Book` for a small
//! framework, then on to the schedule and the stock projection. No panic;
//! every refusal has a line and a column; what is delivered is the sum of
//! the protected state's receipts; reading the same bytes again gives the
//! same book; a second pass over the same lines changes no total (every
//! step is then a repeat or refused).
//!
//! Run from the repository root: `cargo +nightly fuzz run supply_chain`.
#![no_main]

use std::sync::OnceLock;

use framework::{Framework, NoFiles};
use libfuzzer_sys::fuzz_target;
use model::DeliveryStep;

const FRAMEWORK: &str = r#"
[framework]
id = "fuzz"
version = "1"
adopted = "2026-01-01"

[[party]]
id = "ukraine"
roles = ["protected_state"]

[[party]]
id = "us"
roles = ["guarantor"]

[[commitment]]
id = "c"
party = "us"
category = "interceptors"
quantity = 90
unit = "missiles"
schedule = [{ day = 30, quantity = 30 }, { day = 60, quantity = 90 }]

[[stock]]
id = "s"
category = "interceptors"
unit = "missiles"
on_hand = 100
per_day = 2
surge_per_day = 10
surge_days = 14
floor_days = 30
"#;

fn framework() -> &'static Framework {
    static FW: OnceLock<Framework> = OnceLock::new();
    FW.get_or_init(|| framework::load_and_check("fuzz.toml", FRAMEWORK, &NoFiles).0)
}

fn totals(book: &supply::chain::Book) -> Vec<[i64; 4]> {
    book.commitments()
        .map(|l| DeliveryStep::ALL.map(|s| l.total(s)))
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let fw = framework();
    let mut book = supply::chain::Book::new(&fw.commitments, &fw.parties);
    let read = supply::chain::read_lines(&mut book, "d.jsonl", data);
    for r in &read.refused {
        assert!(r.line >= 1 && r.column >= 1, "{r:?}");
    }
    for l in book.commitments() {
        let receipts: i64 = l
            .shipments
            .values()
            .filter_map(|s| s.steps.get(&DeliveryStep::Received))
            .map(|r| {
                assert_eq!(r.input.party.as_str(), "ukraine");
                r.quantity
            })
            .fold(0, i64::saturating_add);
        assert_eq!(l.received, receipts);
    }
    let mut again = supply::chain::Book::new(&fw.commitments, &fw.parties);
    let _ = supply::chain::read_lines(&mut again, "d.jsonl", data);
    assert_eq!(book, again);
    let before = totals(&book);
    let _ = supply::chain::read_lines(&mut book, "d.jsonl", data);
    assert_eq!(before, totals(&book), "a second pass is all repeats");

    let start = base::Timestamp::from_seconds(1_767_225_600);
    let deliveries = book.deliveries(start);
    let report = supply::schedule::judge(&fw.commitments, &deliveries, 90);
    assert!(report.commitments.iter().all(|c| c.shortfall >= 0));
    let projection = supply::stock::project(&supply::stock::Ask {
        stocks: &fw.stocks,
        commitments: &fw.commitments,
        reports: &[],
        deliveries: &deliveries,
        breach_days: &[3],
        from: 0,
        horizon_days: 120,
    });
    for line in &projection.lines {
        assert!(line.with_promised.iter().all(|p| p.stock >= 0));
    }
    let _ = serde_json::to_string(&book);
    let _ = serde_json::to_string(&projection);
});
