//! Exporting a breach's evidence as STIX: the bundle pinned by a golden
//! file, the same bytes every time, and read back by the importer to the
//! same actor, target, kind and confidence.

use std::collections::BTreeMap;

use base::Timestamp;
use ingest::stix_out::{self, Breach, Party};
use model::{Attribution, InputId, Observation, Observed};

use crate::{check, defaults};

fn t(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap()
}

fn observation(
    party: &str,
    message: &str,
    from: &str,
    bp: u16,
    actor: Option<(&str, u16)>,
) -> Observation {
    Observation {
        id: InputId {
            party: party.into(),
            source: "desk".into(),
            message: message.into(),
        },
        class: if party == "technical-cell" {
            "technical-cell"
        } else {
            "cyber-forensics"
        }
        .into(),
        derived_from: Vec::new(),
        observed: Observed {
            from: t(from),
            to: Some(t(from).plus(base::Duration::from_seconds(600))),
        },
        place: Default::default(),
        kind: "cyber_disruption".into(),
        counts: Default::default(),
        weapon: None,
        target: Some("energy_grid".into()),
        attribution: actor.map(|(actor, confidence_bp)| Attribution {
            actor: actor.into(),
            confidence_bp,
            basis: vec!["malware_signature".into()],
        }),
        confidence_bp: bp,
        releasability: Default::default(),
        attributes: BTreeMap::new(),
    }
}

fn breach() -> Breach<'static> {
    Breach {
        id: "B1",
        trigger: "trg-grid",
        trigger_name: "Attack on the grid",
        certified_at: t("2026-03-16T16:00:00Z"),
        explanation: "two independent sources, one neutral; attributed by the technical cell",
        framework_id: "test",
        framework_version: "1.0",
        framework_hash: "00ff",
        engine_version: "0.1.0",
    }
}

fn parties() -> BTreeMap<String, Party> {
    [
        ("ukraine", "Ukraine", false),
        ("technical-cell", "Independent technical cell", false),
        ("russia", "Russian Federation", true),
    ]
    .into_iter()
    .map(|(id, name, adversary)| {
        (
            id.to_string(),
            Party {
                name: name.into(),
                adversary,
            },
        )
    })
    .collect()
}

fn evidence() -> Vec<Observation> {
    vec![
        observation(
            "ukraine",
            "cert-1",
            "2026-03-15T06:00:00Z",
            9000,
            Some(("russia", 8500)),
        ),
        observation(
            "technical-cell",
            "tc-1",
            "2026-03-15T06:02:00Z",
            8550,
            Some(("russia", 9000)),
        ),
    ]
}

#[test]
fn a_breach_exports_to_the_same_bundle_every_time() {
    let bundle = stix_out::bundle(&breach(), &parties(), &evidence()).unwrap();
    check("stix/export.expected", &bundle);
    assert_eq!(
        bundle,
        stix_out::bundle(&breach(), &parties(), &evidence()).unwrap()
    );
    // Another breach, other identifiers.
    let mut other = breach();
    other.id = "B2";
    let again = stix_out::bundle(&other, &parties(), &evidence()).unwrap();
    assert_ne!(bundle, again);
}

#[test]
fn the_importer_reads_the_export_back() {
    let bundle = stix_out::bundle(&breach(), &parties(), &evidence()).unwrap();
    let out = ingest::stix::convert(bundle.as_bytes(), &defaults());
    assert!(out.rejected.is_empty(), "{:?}", out.rejected);
    // The campaign (the breach) and one sighting per observation.
    assert_eq!(out.observations.len(), 3);
    let sightings: Vec<&Observation> = out
        .observations
        .iter()
        .filter(|o| o.attributes.get("stix_type").map(String::as_str) == Some("sighting"))
        .collect();
    assert_eq!(sightings.len(), 2);
    for (got, sent) in sightings.iter().zip(evidence()) {
        assert_eq!(got.kind, "cyber_disruption");
        assert_eq!(got.target.as_deref(), Some("energy_grid"));
        assert_eq!(
            got.confidence_bp, sent.confidence_bp,
            "exact, not rounded to STIX's 0–100"
        );
        assert_eq!(got.observed, sent.observed);
        let a = got.attribution.as_ref().unwrap();
        assert_eq!((a.actor.as_str(), a.confidence_bp), ("russia", 9000));
    }
}

#[test]
fn a_breach_without_evidence_is_refused() {
    let err = stix_out::bundle(&breach(), &parties(), &[]).unwrap_err();
    assert!(err.contains("no observations"), "{err}");
}
