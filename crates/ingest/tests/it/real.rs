//! The real samples of the shared data directory (never copied here), with
//! exact counts. Skipped, and said so, without `BULWARK_REAL_DATA`.

use ingest::cot;

use crate::{defaults, real_data};

fn counts(o: &ingest::Outcome) -> (usize, usize, usize, usize) {
    (
        o.read,
        o.observations.len(),
        o.skipped.len(),
        o.rejected.len(),
    )
}

#[test]
fn every_cot_sample_imports_with_exact_counts() {
    let Some(data) = real_data("every_cot_sample_imports_with_exact_counts") else {
        return;
    };
    // (file, read, imported, skipped, rejected)
    let expected: &[(&str, usize, usize, usize, usize)] = &[
        ("atak_civ/examples/Drawing_Shapes_-_Circle.cot", 1, 0, 1, 0),
        (
            "atak_civ/examples/Drawing_Shapes_-_Free_Form.cot",
            1,
            0,
            1,
            0,
        ),
        (
            "atak_civ/examples/Drawing_Shapes_-_Rectangle.cot",
            1,
            0,
            1,
            0,
        ),
        (
            "atak_civ/examples/Drawing_Shapes_-_Telestration.cot",
            1,
            0,
            1,
            0,
        ),
        ("atak_civ/examples/Geo_Fence.cot", 1, 0, 1, 0),
        ("atak_civ/examples/Marker_-_2525.cot", 1, 1, 0, 0),
        ("atak_civ/examples/Marker_-_Icon_Set.cot", 1, 1, 0, 0),
        ("atak_civ/examples/Marker_-_Spot.cot", 1, 0, 1, 0),
        ("atak_civ/examples/Range_Bearing_-_Bullseye.cot", 1, 0, 1, 0),
        ("atak_civ/examples/Range_Bearing_-_Circle.cot", 1, 0, 1, 0),
        ("atak_civ/examples/Range_Bearing_-_Line.cot", 1, 0, 1, 0),
        ("atak_civ/examples/Route.cot", 1, 0, 1, 0),
        ("captured/fts_atak_civ_4.2_sa_SPAC3SLOTH.xml", 1, 0, 1, 0),
        ("captured/fts_atak_geochat_to_wintak.xml", 1, 0, 1, 0),
        ("captured/takproto_wintak_sa_EliopoliHQ.xml", 1, 0, 1, 0),
        ("captured/taky_atak_civ_sa_JENNY.xml", 1, 0, 1, 0),
        ("captured/taky_itak_marker_a-u-G.xml", 1, 1, 0, 0),
        (
            "captured/pytak_7.6.1_tcp_stream_capture.xmlstream",
            2,
            1,
            1,
            0,
        ),
    ];
    let cot_dir = data.join("cot");
    // Every XML sample in the folder is listed: none is left untested.
    let mut on_disk: Vec<String> = Vec::new();
    for sub in ["atak_civ/examples", "captured"] {
        for entry in std::fs::read_dir(cot_dir.join(sub)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if name.ends_with(".cot") || name.ends_with(".xml") || name.ends_with(".xmlstream") {
                on_disk.push(format!("{sub}/{name}"));
            }
        }
    }
    on_disk.sort();
    let mut listed: Vec<String> = expected.iter().map(|e| e.0.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
    for &(file, read, imported, skipped, rejected) in expected {
        let bytes = std::fs::read(cot_dir.join(file)).unwrap();
        let out = cot::convert(&bytes, &defaults());
        assert_eq!(
            counts(&out),
            (read, imported, skipped, rejected),
            "{file}: {out:#?}"
        );
    }
    // The pytak capture: the keep-alive is skipped, the drone is read exactly.
    let bytes =
        std::fs::read(cot_dir.join("captured/pytak_7.6.1_tcp_stream_capture.xmlstream")).unwrap();
    let out = cot::convert(&bytes, &defaults());
    let o = &out.observations[0];
    assert_eq!(
        o.id.message.as_str(),
        "bulwark-smoke-1@2026-11-21T23:36:30.763937Z"
    );
    assert_eq!(
        (o.kind.as_str(), o.weapon.as_deref()),
        ("drone_launch", Some("uav"))
    );
    let p = o.place.point.unwrap();
    assert_eq!((p.lat_e7, p.lon_e7), (504_501_000, 305_234_000));
    assert_eq!(o.attributes["cot_callsign"], "SHAHED-TEST");
    assert_eq!(out.skipped[0].record.as_deref(), Some("takPing"));
    // The iTAK marker: an unknown ground contact, its digits kept exactly.
    let bytes = std::fs::read(cot_dir.join("captured/taky_itak_marker_a-u-G.xml")).unwrap();
    let o = &cot::convert(&bytes, &defaults()).observations[0];
    assert_eq!(o.kind, "unknown_contact");
    let p = o.place.point.unwrap();
    assert_eq!((p.lat_e7, p.lon_e7), (543_389_860, 97_552_630));
}

#[test]
fn the_takproto_vector_event_is_read() {
    let Some(data) = real_data("the_takproto_vector_event_is_read") else {
        return;
    };
    let text = std::fs::read_to_string(data.join("cot/captured/takproto_v1_vectors.json")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let xml = doc["cot_xml"].as_str().unwrap();
    let out = cot::convert(xml.as_bytes(), &defaults());
    assert_eq!(counts(&out), (1, 0, 1, 0), "{out:?}");
    assert!(out.skipped[0].message.contains("a-f-G-E-V-C"));
}

#[test]
fn stix_mitre_attack_for_ics_gives_the_ukraine_campaigns() {
    let Some(data) = real_data("stix_mitre_attack_for_ics_gives_the_ukraine_campaigns") else {
        return;
    };
    let bytes =
        std::fs::read(data.join("stix/mitre_attack/ics-attack-18.1-ukraine-subset.json")).unwrap();
    let out = ingest::stix::convert(&bytes, &defaults());
    assert_eq!(counts(&out), (170, 4, 166, 0));
    let c0034 = out
        .observations
        .iter()
        .find(|o| o.attributes.get("stix_external_id").map(String::as_str) == Some("C0034"))
        .expect("campaign C0034");
    assert_eq!(
        c0034.id.message.as_str(),
        "campaign--df8eb785-70f8-4300-b444-277ba849083d"
    );
    assert_eq!(c0034.kind, "cyber_intrusion");
    assert_eq!(c0034.attribution.as_ref().unwrap().actor, "Sandworm Team");
    assert_eq!(c0034.observed.from.to_string(), "2022-06-01T04:00:00Z");
    assert_eq!(
        c0034.observed.to.unwrap().to_string(),
        "2022-10-01T04:00:00Z"
    );
    let attributed = out
        .observations
        .iter()
        .filter(|o| o.attribution.is_some())
        .count();
    assert_eq!(
        attributed, 3,
        "C0028, C0025 and C0034 are Sandworm's; C0041 is unattributed"
    );
    let bytes = std::fs::read(data.join("stix/mitre_attack/ics-attack-18.1.json")).unwrap();
    assert_eq!(
        counts(&ingest::stix::convert(&bytes, &defaults())),
        (1826, 7, 1819, 0)
    );
}

#[test]
fn geojson_boundaries_and_occupied_areas_are_read() {
    let Some(data) = real_data("geojson_boundaries_and_occupied_areas_are_read") else {
        return;
    };
    for (file, parts, positions) in [
        (
            "deepstate_occupied/deepstatemap_occupied_20240708.geojson",
            7,
            2938,
        ),
        (
            "deepstate_occupied/deepstatemap_occupied_20250301.geojson",
            7,
            2910,
        ),
        (
            "deepstate_occupied/deepstatemap_occupied_20260822.geojson",
            21,
            2953,
        ),
    ] {
        let (out, features) =
            ingest::geojson::read(&std::fs::read(data.join("geo").join(file)).unwrap());
        assert_eq!((out.read, out.rejected.len()), (1, 0), "{file}");
        assert_eq!(
            (
                features[0].geometry.as_str(),
                features[0].parts,
                features[0].positions
            ),
            ("MultiPolygon", parts, positions)
        );
    }
    for file in [
        "geoBoundaries-UKR-ADM1.geojson",
        "geoBoundaries-UKR-ADM1_simplified.geojson",
    ] {
        let bytes = std::fs::read(data.join("geo").join(file)).unwrap();
        let (out, _) = ingest::geojson::read(&bytes);
        assert_eq!((out.read, out.rejected.len()), (27, 0), "{file}");
        let zones = ingest::geojson::zone_entries(&bytes, "adm1.geojson").unwrap();
        assert_eq!(zones.matches("[[zone]]").count(), 27);
        assert!(zones.contains("id = \"ua-32\"\nname = \"Kyiv Oblast\"\nkind = \"area\"\nfile = \"adm1.geojson\"\nfeature = \"Kyiv Oblast\"\n"), "{zones}");
    }
}

/// The example mapping `name` of ukraine-2025.
fn mapping(name: &str) -> ingest::table::Mapping {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/ukraine-2025/mappings")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    ingest::table::Mapping::parse(&text).unwrap()
}

#[test]
fn the_real_attack_reports_and_alerts_import_through_their_mappings() {
    let Some(data) = real_data("the_real_attack_reports_and_alerts_import") else {
        return;
    };
    let table = |path: &str, name: &str| {
        let bytes = std::fs::read(data.join(path)).unwrap();
        ingest::table::convert(&bytes, &mapping(name), &defaults())
    };
    let attacks = table(
        "missile_attacks/missile_attacks_daily.csv",
        "missile-attacks.toml",
    );
    assert_eq!(
        counts(&attacks),
        (3585, 3582, 0, 3),
        "{:#?}",
        attacks.rejected
    );
    // Refused with their reasons, at their lines: two places outside
    // Ukraine, one row whose destroyed count exceeds its launched.
    let why: Vec<(u32, bool)> = attacks
        .rejected
        .iter()
        .map(|n| (n.at.line, n.message.contains("Kursk oblast")))
        .collect();
    assert_eq!(why, [(1600, true), (1620, false), (2012, true)]);
    assert!(
        attacks.rejected[1]
            .message
            .contains("more than the 16 launched")
    );
    // 10 October 2022, 06:00–14:00 Kyiv (UTC+3): 84 cruise missiles.
    let salvo = attacks
        .observations
        .iter()
        .find(|o| o.counts.launched == Some(84) && o.id.message.starts_with("2022-10-10 06:00"))
        .unwrap();
    assert_eq!(salvo.observed.from.to_string(), "2022-10-10T03:00:00Z");
    assert_eq!(salvo.weapon.as_deref(), Some("cruise-missile"));
    assert_eq!(salvo.counts.destroyed, Some(43));

    let alerts = table(
        "air_raid_alerts/official_data_en_2022-03-15_to_2023-12.csv",
        "air-raid-alerts.toml",
    );
    assert_eq!(
        counts(&alerts),
        (31288, 31287, 0, 1),
        "{:#?}",
        alerts.rejected
    );
    assert!(alerts.rejected[0].message.contains("Lubenskyi raion"));
    // Times in UTC, as written.
    assert_eq!(
        alerts.observations[0].observed.from.to_string(),
        "2022-03-15T16:10:34Z"
    );
}

fn ftm_sample(data: &std::path::Path, name: &str) -> ingest::ftm::Targets {
    let bytes = std::fs::read(data.join("opensanctions").join(name)).unwrap();
    ingest::ftm::read(&bytes)
}

/// The link the data README promises: from a drone model's maker (ZALA
/// Aero, maker of the Lancet and Orlan-family drones) to sanctioned
/// entities. The counts of references agree with the followthemoney
/// library's own model (4.11.2), which finds 95 resolved and 16 absent.
#[test]
fn zala_cluster_links_the_drone_maker_to_sanctioned_entities() {
    let Some(data) = real_data("zala_cluster_links_the_drone_maker_to_sanctioned_entities") else {
        return;
    };
    let t = ftm_sample(&data, "zala_cluster.entities.ftm.json");
    assert_eq!(
        (
            t.outcome.read,
            t.targets.len(),
            t.absent(),
            t.outcome.rejected.len()
        ),
        (91, 17, 16, 0)
    );
    assert_eq!((t.sanctioned(), t.resolved), (14, 95));
    let context: Vec<(&str, usize)> = t.context.iter().map(|(s, n)| (s.as_str(), *n)).collect();
    assert_eq!(
        context,
        [
            ("Address", 11),
            ("Directorship", 3),
            ("Family", 4),
            ("Ownership", 14),
            ("Passport", 1),
            ("Sanction", 41)
        ]
    );
    // Every absent reference is an address.
    assert!(
        t.outcome
            .skipped
            .iter()
            .all(|n| n.message.contains("`addressEntity`"))
    );
    let by_id = |id: &str| t.targets.iter().find(|x| x.id == id).unwrap();
    const MAKER: &str = "NK-cPks3aTbes8k4aCerfBAzN"; // ZALA AERO JSC
    const OWNER: &str = "NK-aU5ybkbRFJucf8YMwsJvDw"; // Alexander Zakharov
    const CST: &str = "NK-abdzbEBkqyT29GyREbiURZ"; // LLC CST
    let maker = by_id(MAKER);
    assert_eq!((maker.kind.as_str(), maker.sanctioned), ("company", true));
    assert_eq!(
        maker.programmes,
        ["UA-SA1644", "UA-WS-MILIND", "UA-WS-UAVS"]
    );
    // The maker is owned by a person sanctioned under six programmes…
    let owners: Vec<&str> = maker
        .links
        .iter()
        .filter(|l| l.via == "Ownership" && l.role == "asset")
        .map(|l| l.with.as_str())
        .collect();
    assert_eq!(owners, [OWNER]);
    let owner = by_id(OWNER);
    assert!(owner.sanctioned);
    assert_eq!(
        owner.programmes,
        [
            "EU-UKR",
            "GB-RUS",
            "NZ-RSA2022",
            "SECO-UKRAINE",
            "UA-SA1644",
            "US-RUSHAR"
        ]
    );
    assert_eq!(owner.sanctions.len(), 13);
    // …who owns eight companies, directs two and has four relatives listed.
    let count = |via: &str, role: &str| {
        owner
            .links
            .iter()
            .filter(|l| l.via == via && l.role == role)
            .map(|l| &l.with)
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    };
    assert_eq!(
        (
            count("Ownership", "owner"),
            count("Directorship", "director"),
            count("Family", "relative")
        ),
        (8, 2, 4)
    );
    // CST, owned by him and by Kalashnikov Concern, is named by 28 sanction
    // entries under eleven programmes.
    let cst = by_id(CST);
    assert_eq!((cst.programmes.len(), cst.sanctions.len()), (11, 28));
    // From the maker, every target of the file is reached through links.
    let mut reached = std::collections::BTreeSet::from([MAKER]);
    let mut todo = vec![MAKER];
    while let Some(id) = todo.pop() {
        for l in &by_id(id).links {
            if reached.insert(l.with.as_str()) {
                todo.push(l.with.as_str());
            }
        }
    }
    assert_eq!(reached.len(), 17);
}

#[test]
fn eu_sample_lists_six_targets_and_tolerates_two_absent_addresses() {
    let Some(data) = real_data("eu_sample_lists_six_targets_and_tolerates_two_absent_addresses")
    else {
        return;
    };
    let t = ftm_sample(&data, "eu_fsf_sample_t1.entities.ftm.json");
    assert_eq!(
        (
            t.outcome.read,
            t.targets.len(),
            t.sanctioned(),
            t.absent(),
            t.outcome.rejected.len()
        ),
        (7, 6, 6, 2, 0)
    );
    let kinds: Vec<&str> = t.targets.iter().map(|x| x.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "organization",
            "person",
            "person",
            "person",
            "person",
            "organization"
        ]
    );
}
