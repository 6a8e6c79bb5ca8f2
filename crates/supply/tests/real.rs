//! The Kiel support tracker's real files, read in place through
//! `BULWARK_REAL_DATA`: the import's figures against figures read here
//! independently from the same CSV text, and the row counts against the
//! tracker's own metadata.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use supply::kiel::{self, Category, Ledger};

/// The tracker's folder, or `None` after saying the test is skipped (a
/// failure under CI, where the data must be there).
fn folder(test: &str) -> Option<PathBuf> {
    match std::env::var_os("BULWARK_REAL_DATA") {
        Some(d) => Some(PathBuf::from(d).join("kiel_support_tracker")),
        None if std::env::var_os("CI").is_some() => {
            panic!("{test}: BULWARK_REAL_DATA is not set, and CI is: the real data must be read")
        }
        None => {
            eprintln!(
                "{test}: skipped: BULWARK_REAL_DATA is not set (point it at the shared data directory)"
            );
            None
        }
    }
}

/// EUR billions as written (`118.96333631235719`, `6e-05`) → cents, through
/// a float: independent of the import's integer reader, and within a cent
/// of it at these magnitudes.
fn cents_via_float(text: &str) -> i64 {
    let bn: f64 = text.parse().unwrap();
    (bn * 1e11).round() as i64
}

#[test]
fn summary_figures_equal_the_csv_text() {
    let Some(dir) = folder("summary_figures_equal_the_csv_text") else {
        return;
    };
    let bytes = std::fs::read(dir.join("country_summary.csv")).unwrap();
    let read = kiel::read_summary("country_summary.csv", &bytes);
    assert!(read.refused.is_empty(), "{:?}", read.refused);

    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("metadata.json")).unwrap()).unwrap();
    assert_eq!(
        read.rows.len() as u64,
        meta["antall_land_summary"].as_u64().unwrap()
    );
    assert_eq!(read.rows.len(), 42);

    let text = String::from_utf8(bytes).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let mut checked = 0;
    for (line, row) in lines.zip(&read.rows) {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells[col("land")], row.donor);
        let near = |name: &str, got: i64| {
            let want = cents_via_float(cells[col(name)]);
            assert!(
                (got - want).abs() <= 1,
                "{} {name}: {got} vs {want}",
                row.donor
            );
        };
        near("total_commitment", row.total_committed);
        near("total_allocation", row.total_allocated);
        for c in Category::ALL {
            near(&format!("{}_commitment", c.word()), row.committed[&c]);
            near(&format!("{}_allocation", c.word()), row.allocated[&c]);
        }
        // The categories add up to the totals, within the rounding of
        // three cells to the cent.
        let sum = |m: &std::collections::BTreeMap<Category, i64>| m.values().sum::<i64>();
        assert!(
            (sum(&row.committed) - row.total_committed).abs() <= 2,
            "{}",
            row.donor
        );
        assert!(
            (sum(&row.allocated) - row.total_allocated).abs() <= 2,
            "{}",
            row.donor
        );
        checked += 1;
    }
    assert_eq!(checked, 42);

    let us = read
        .rows
        .iter()
        .find(|r| r.donor == "United States")
        .unwrap();
    assert_eq!(kiel::billions(us.total_committed), "118.96");
    assert_eq!(kiel::billions(us.total_allocated), "115.38");
}

#[test]
fn activities_are_all_read_and_agree_with_the_summary() {
    let Some(dir) = folder("activities_are_all_read_and_agree_with_the_summary") else {
        return;
    };
    let bytes = std::fs::read(dir.join("bilateral_activities.csv")).unwrap();
    let read = kiel::read_activities("bilateral_activities.csv", &bytes);
    assert!(
        read.refused.is_empty(),
        "{:?}",
        &read.refused[..read.refused.len().min(5)]
    );
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("metadata.json")).unwrap()).unwrap();
    assert_eq!(
        read.lines as u64,
        meta["antall_bilateral_rader"].as_u64().unwrap()
    );
    assert_eq!(read.rows.len(), 5565);

    // Rows counted here from the text: undated ones, and allocation rows.
    let text = String::from_utf8(bytes.clone()).unwrap();
    let data: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    // Undated: no date, and no month number either (`maaned_finnes` False,
    // or a month number of 0, which two rows carry with `True`).
    let undated_text = data
        .iter()
        .filter(|c| c[1].is_empty() && (c[8] == "False" || c[7] == "0"))
        .count();
    let undated = read.rows.iter().filter(|a| a.month.is_none()).count();
    assert_eq!(undated, undated_text);
    let allocations_text = data.iter().filter(|c| c[3] == "Allocation").count();
    let allocations = read
        .rows
        .iter()
        .filter(|a| a.measure == kiel::Measure::Allocation)
        .count();
    assert_eq!(allocations, allocations_text);

    let summary_bytes = std::fs::read(dir.join("country_summary.csv")).unwrap();
    let summary = kiel::read_summary("country_summary.csv", &summary_bytes);
    let ledger = Ledger::new(&summary.rows, &read.rows);
    // The activities add up to the summary within a euro for every donor
    // but two: the EU's summary line includes what the activities book to
    // the European Investment Bank (a donor with activities but no summary
    // line), and Slovenia's activities exceed its line.
    let off: Vec<&str> = ledger
        .disagreements(100)
        .iter()
        .map(|d| d.donor.as_str())
        .collect();
    assert_eq!(off, ["EU (Commission and Council)", "Slovenia"]);
    assert_eq!(
        ledger.without_summary,
        ["European Investment Bank", "European Peace Facility"]
    );
    let eu = ledger
        .donors
        .iter()
        .find(|d| d.donor.starts_with("EU "))
        .unwrap();
    let eib: i64 = read
        .rows
        .iter()
        .filter(|a| a.donor == "European Investment Bank")
        .map(|a| a.allocated)
        .sum();
    let gap = eu.total.allocated_eur_cents - eu.from_activities.allocated_eur_cents;
    assert!((gap - eib).abs() <= 100, "EU gap {gap} vs EIB {eib}");
    assert_eq!(kiel::billions(eib), "3.17");
    let us = ledger
        .donors
        .iter()
        .find(|d| d.donor == "United States")
        .unwrap();
    assert!(
        us.from_activities
            .committed_eur_cents
            .abs_diff(us.total.committed_eur_cents)
            <= 100
    );
    // The monthly series ends, with the undated rows, at the activities' sums.
    let last = us.months.last().unwrap();
    assert_eq!(
        last.cumulative.allocated_eur_cents + us.undated.allocated_eur_cents,
        us.from_activities.allocated_eur_cents
    );
    let first: Vec<&str> = ledger.donors[..3]
        .iter()
        .map(|d| d.donor.as_str())
        .collect();
    assert_eq!(
        first,
        ["EU (Commission and Council)", "United States", "Germany"]
    );
    assert_eq!(us.total.allocated_share_bp, Some(9699));
}
