//! The Kiel support tracker's readers: arbitrary bytes as the country
//! summary and as the activities file, then the ledger over what was read
//! (delivery lines have their own target, `supply_chain`). No panic; every
//! refusal has a line and a column; what is read adds up without overflow panics; the ledger's
//! donors come out in order.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let summary = supply::kiel::read_summary("s.csv", data);
    let activities = supply::kiel::read_activities("a.csv", data);
    for r in summary.refused.iter().chain(&activities.refused) {
        assert!(r.line >= 1 && r.column >= 1, "{r:?}");
    }
    assert!(summary.rows.len() <= summary.lines && activities.rows.len() <= activities.lines);
    let ledger = supply::kiel::Ledger::new(&summary.rows, &activities.rows);
    for pair in ledger.donors.windows(2) {
        assert!(pair[0].total.committed_eur_cents >= pair[1].total.committed_eur_cents);
    }
    let _ = serde_json::to_string(&ledger);
});
