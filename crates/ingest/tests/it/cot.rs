//! CoT on our own fixtures: the mapping, framing, refusals and their
//! locations, streams fed in pieces, determinism.

use ingest::cot;

use crate::{check, defaults, render, test_data};

#[test]
fn salvo_stream_maps_every_event() {
    let bytes = std::fs::read(test_data("cot/salvo.xmlstream")).unwrap();
    let out = cot::convert(&bytes, &defaults());
    check("cot/salvo.expected", &render(&out));
    // The figures the expected file holds, said again where they matter.
    assert_eq!(
        (
            out.read,
            out.observations.len(),
            out.skipped.len(),
            out.rejected.len()
        ),
        (8, 4, 2, 2)
    );
    let missile = &out.observations[0];
    assert_eq!(missile.kind, "missile_launch");
    assert_eq!(
        missile.id.message.as_str(),
        "trk-8812@2025-11-14T01:41:07.123456Z"
    );
    let p = missile.place.point.unwrap();
    // 50.45010005 rounds half away from zero; 30.52339995 likewise.
    assert_eq!((p.lat_e7, p.lon_e7), (504_501_001, 305_234_000));
    assert_eq!(missile.place.error_m, Some(151));
    assert_eq!(
        missile.observed.from.to_string(),
        "2025-11-14T01:41:07.123Z"
    );
    assert_eq!(missile.confidence_bp, 9000);
    let drone = &out.observations[1];
    assert_eq!(
        (drone.kind.as_str(), drone.weapon.as_deref()),
        ("drone_launch", Some("uav"))
    );
    assert_eq!(drone.place.point.unwrap().lat_e7, -1);
    assert_eq!(drone.place.error_m, None, "ce 9999999 means unknown");
    assert_eq!(drone.attributes["cot_callsign"], "GERAN & co");
}

#[test]
fn the_same_bytes_give_the_same_lines() {
    let bytes = std::fs::read(test_data("cot/salvo.xmlstream")).unwrap();
    assert_eq!(
        render(&cot::convert(&bytes, &defaults())),
        render(&cot::convert(&bytes, &defaults()))
    );
}

#[test]
fn a_stream_in_any_pieces_gives_what_the_whole_file_gives() {
    let bytes = std::fs::read(test_data("cot/salvo.xmlstream")).unwrap();
    let whole = cot::convert(&bytes, &defaults());
    for size in [1, 7, 64, 333, 4096] {
        let mut stream = cot::Stream::new(defaults());
        let mut got = ingest::Outcome::default();
        for chunk in bytes.chunks(size) {
            got.extend(stream.push(chunk));
        }
        got.extend(stream.finish());
        assert_eq!(got.observations, whole.observations, "pieces of {size}");
        let offsets = |o: &ingest::Outcome| {
            o.rejected
                .iter()
                .chain(&o.skipped)
                .map(|n| (n.at.offset, n.message.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(offsets(&got), offsets(&whole), "pieces of {size}");
    }
}

#[test]
fn billion_laughs_and_xxe_are_refused_at_once() {
    let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<event version="2.0" uid="x" type="a-h-G" time="2025-01-01T00:00:00Z" start="2025-01-01T00:00:00Z" stale="2025-01-01T01:00:00Z" how="m-g"><point lat="50" lon="30" hae="0" ce="10" le="10"/><detail><remarks>&lol3;</remarks></detail></event>
<event version="2.0" uid="y" type="a-h-G" time="2025-01-01T00:00:00Z" start="2025-01-01T00:00:00Z" stale="2025-01-01T01:00:00Z" how="m-g"><point lat="50" lon="30" hae="0" ce="10" le="10"/></event>"#;
    let xxe = r#"<?xml version="1.0"?><!DOCTYPE event [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><event uid="x" type="a-h-G" time="2025-01-01T00:00:00Z" start="2025-01-01T00:00:00Z" stale="2025-01-01T01:00:00Z"><point lat="50" lon="30"/><detail><remarks>&xxe;</remarks></detail></event>"#;
    let out = cot::convert(laughs.as_bytes(), &defaults());
    assert_eq!(
        (out.read, out.observations.len(), out.rejected.len()),
        (2, 1, 1),
        "{out:?}"
    );
    assert_eq!((out.rejected[0].at.line, out.rejected[0].at.column), (2, 1));
    assert!(out.rejected[0].message.contains("billion laughs"));
    assert_eq!(
        out.observations[0].id.message.as_str(),
        "y@2025-01-01T00:00:00Z"
    );
    let out = cot::convert(xxe.as_bytes(), &defaults());
    assert_eq!(
        (out.read, out.observations.len(), out.rejected.len()),
        (1, 0, 1),
        "{out:?}"
    );
    assert!(out.rejected[0].message.contains("XXE"));
    // An undeclared entity on its own is refused too (no DTD to hide behind).
    let bare = xxe.replace(
        r#"<!DOCTYPE event [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>"#,
        "",
    );
    let out = cot::convert(bare.as_bytes(), &defaults());
    assert_eq!(out.rejected.len(), 1, "{out:?}");
    assert_eq!(out.rejected[0].record.as_deref(), Some("x"));
    assert!(
        out.rejected[0]
            .message
            .contains("`&xxe;` is not an entity XML predefines")
    );
}

#[test]
fn refusals_name_the_field() {
    let ev = |point: &str, time: &str| {
        format!(
            r#"<event uid="u" type="a-h-G" time="{time}" start="2025-01-01T00:00:00Z" stale="2025-01-01T01:00:00Z">{point}</event>"#
        )
    };
    let cases = [
        (
            ev(r#"<point lat="91" lon="0"/>"#, "2025-01-01T00:00:00Z"),
            "`point` `lat` `91` is off the globe",
        ),
        (
            ev(
                r#"<point lat="1" lon="-180.00000006"/>"#,
                "2025-01-01T00:00:00Z",
            ),
            "`point` `lon` `-180.00000006` is off the globe",
        ),
        (
            ev(r#"<point lat="1,5" lon="0"/>"#, "2025-01-01T00:00:00Z"),
            "`point` `lat`: `1,5` is not a decimal number",
        ),
        (
            ev(
                r#"<point lat="1" lon="0" ce="-3"/>"#,
                "2025-01-01T00:00:00Z",
            ),
            "`point` `ce` `-3` is negative",
        ),
        (
            ev(r#"<point lon="0"/>"#, "2025-01-01T00:00:00Z"),
            "`point` has no `lat`",
        ),
        (
            ev("", "2025-01-01T00:00:00Z"),
            "the event has 0 `point` elements",
        ),
        (
            ev(r#"<point lat="1" lon="0"/>"#, "2025-01-01 00:00"),
            "`time`: `2025-01-01 00:00` is not an RFC 3339 time",
        ),
        (
            ev(
                r#"<point lat="1" lon="0" lat="2"/>"#,
                "2025-01-01T00:00:00Z",
            ),
            "a malformed attribute",
        ),
        (
            r#"<event uid="u" type="a-q-G"/>"#.to_string(),
            "`q` is not a CoT affiliation",
        ),
        (
            r#"<event type="a-h-G"/>"#.to_string(),
            "the event has no `uid`",
        ),
        (r#"<point/>"#.to_string(), "the top element is `point`"),
        (
            "<event uid='u' type='a-h-G'><a></b></event>".to_string(),
            "not well-formed",
        ),
    ];
    for (text, want) in cases {
        let out = cot::convert(text.as_bytes(), &defaults());
        assert_eq!(out.rejected.len(), 1, "{text}: {out:?}");
        assert!(
            out.rejected[0].message.contains(want),
            "{text}: {}",
            out.rejected[0].message
        );
        assert!(out.observations.is_empty());
    }
    let bytes = b"<event uid='\xff' type='a-h-G'/>";
    let out = cot::convert(bytes, &defaults());
    assert_eq!(out.rejected[0].message, "the event is not UTF-8 text");
    assert_eq!(out.rejected[0].at.offset, 12);
}

#[test]
fn the_docs_show_the_tables_the_code_uses() {
    crate::check_docs_section("cot-tables", &cot::map::markdown());
}
