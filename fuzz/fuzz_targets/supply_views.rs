//! The JSON-lines readers of `bulwark supply days|posture|finance`:
//! arbitrary bytes as stock reports, posture levels and financing steps,
//! then each view over what was read. No panic; every refusal has a line
//! and a column; the projection's stock is never negative and each curve
//! covers the view day by day.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (reports, refused) = supply::stock::read_reports("s.jsonl", data, Some(base_time()));
    let (levels, refused_levels) = supply::posture::read_reports("p.jsonl", data);
    let (steps, refused_steps) = supply::finance::read_reports("f.jsonl", data);
    for r in refused.iter().chain(&refused_levels).chain(&refused_steps) {
        assert!(r.line >= 1 && r.column >= 1, "{r:?}");
    }
    // Deliveries reach the projection through the book: `supply_chain`.
    let deliveries: Vec<supply::schedule::Delivery> = Vec::new();
    let stocks = [stock()];
    // Breach days from the bytes themselves, so surges land anywhere.
    let breach_days: Vec<u32> = data.iter().take(8).map(|b| u32::from(*b)).collect();
    let from = supply::stock::default_from(&reports).min(400);
    let projection = supply::stock::project(&supply::stock::Ask {
        stocks: &stocks,
        commitments: &[],
        reports: &reports,
        deliveries: &deliveries,
        breach_days: &breach_days,
        from,
        horizon_days: 120,
    });
    for line in &projection.lines {
        for curve in [&line.with_promised, &line.without_promised] {
            assert_eq!(curve.len(), 121);
            assert!(curve.iter().all(|p| p.stock >= 0));
        }
    }
    let _ = serde_json::to_string(&projection);
    let posture = supply::posture::judge(&[], &levels, None);
    assert_eq!(posture.set_aside.len(), levels.len());
    let finance = supply::finance::judge(&[], &[], &[], &steps);
    assert_eq!(finance.set_aside.len(), steps.len());
});

fn stock() -> framework::schema::Stock {
    framework::schema::Stock {
        id: "s".into(),
        category: "155mm".into(),
        unit: "rounds".into(),
        on_hand: 1_000_000,
        per_day: 2_500,
        surge_per_day: 8_000,
        surge_days: 30,
        floor_days: 90,
        visibility: framework::schema::Visibility::Parties,
        releasable_to: Vec::new(),
    }
}

fn base_time() -> base::Timestamp {
    base::Timestamp::from_seconds(1_767_225_600)
}
