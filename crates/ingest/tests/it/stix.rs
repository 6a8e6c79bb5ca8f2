//! STIX on our own bundle: campaigns, sightings and observed data, with
//! attribution, techniques, malware and target; refusals by id.

use ingest::stix;

use crate::{check, defaults, render, test_data};

#[test]
fn grid_bundle() {
    let bytes = std::fs::read(test_data("stix/grid.json")).unwrap();
    let out = stix::convert(&bytes, &defaults());
    check("stix/grid.expected", &render(&out));
    assert_eq!(
        (
            out.read,
            out.observations.len(),
            out.skipped.len(),
            out.rejected.len()
        ),
        (15, 2, 11, 2)
    );
    let campaign = &out.observations[0];
    assert_eq!(campaign.kind, "cyber_intrusion");
    assert_eq!(campaign.confidence_bp, 8500);
    let a = campaign.attribution.as_ref().unwrap();
    assert_eq!((a.actor.as_str(), a.confidence_bp), ("Grid Bear", 7000));
    assert_eq!(campaign.target.as_deref(), Some("energy"));
    assert_eq!(campaign.attributes["stix_techniques"], "T0855");
    assert_eq!(campaign.attributes["stix_malware"], "GridWiper");
    assert_eq!(
        campaign.observed.from.to_string(),
        "2025-11-14T01:00:00.123Z"
    );
    // The sighting of an indicator that indicates the campaign: attributed
    // through it, dated by `created` since it gives no `first_seen`.
    let sighting = &out.observations[1];
    assert_eq!(sighting.attribution.as_ref().unwrap().actor, "Grid Bear");
    assert_eq!(sighting.confidence_bp, 4000);
    assert_eq!(sighting.observed.from.to_string(), "2025-11-15T00:00:00Z");
    let messages: Vec<&str> = out.rejected.iter().map(|n| n.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "`observed-data`: `last_observed` is before `first_observed`",
            "`campaign`: `confidence` `150` is not a whole number from 0 to 100",
        ]
    );
}

#[test]
fn refuses_what_is_not_stix() {
    for (text, want) in [
        ("{", "not JSON"),
        ("[]", "no `type`"),
        (
            r#"{"type":"bundle","id":"bundle--1"}"#,
            "without an `objects` array",
        ),
        (
            r#"{"type":"bundle","objects":[{"type":"campaign"}]}"#,
            "without `id` or `type`",
        ),
        (
            r#"{"type":"bundle","objects":[{"type":"campaign","id":"campaign--1","first_seen":"2025-01-01"}]}"#,
            "`first_seen`",
        ),
    ] {
        let out = stix::convert(text.as_bytes(), &defaults());
        assert_eq!(out.rejected.len(), 1, "{text}: {out:?}");
        assert!(
            out.rejected[0].message.contains(want),
            "{text}: {}",
            out.rejected[0].message
        );
    }
}
