//! docs/wire-format.md is generated from the input types and kept in step.

use std::path::Path;

use model::INPUT_TYPES;

#[test]
fn wire_format_reference_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/wire-format.md");
    if let Some(difference) = crate::check_file(
        &path,
        &model::reference::markdown(),
        "BULWARK_BLESS=1 cargo test -p model --test it reference",
    ) {
        panic!("{difference}");
    }
}

#[test]
fn reference_has_a_section_and_an_example_per_type() {
    let doc = model::reference::markdown();
    for t in INPUT_TYPES {
        assert!(doc.contains(&format!("\n## `{t}`\n")), "no section for {t}");
        assert!(
            doc.contains(&format!("golden/{t}.jsonl")),
            "no example for {t}"
        );
    }
    for nested in [
        "### InputId",
        "### Observed",
        "### Place",
        "### Counts",
        "### Timestamp",
    ] {
        assert!(doc.contains(nested), "{nested} missing");
    }
    for topic in [
        "LINE_BYTES_MAX",
        "RFC 8785",
        "SHA-256",
        "lon_e7",
        "basis points",
        "unknown, not zero",
        "`#`",
    ] {
        let topic = if topic == "LINE_BYTES_MAX" {
            model::LINE_BYTES_MAX.to_string()
        } else {
            topic.to_string()
        };
        assert!(
            doc.contains(&topic),
            "the preamble does not mention {topic}"
        );
    }
}

/// Every field of every table says what it is for: a field without a doc
/// comment would show an empty description.
#[test]
fn every_field_is_described() {
    let doc = model::reference::markdown();
    let undescribed: Vec<&str> = doc
        .lines()
        .filter(|l| l.starts_with("| `") && l.trim_end().ends_with("|  |"))
        .collect();
    assert!(undescribed.is_empty(), "{undescribed:#?}");
}

/// The reference's list of types and the decoder's agree with the enum.
#[test]
fn input_types_match_the_enum() {
    let mut generator = schemars::generate::SchemaGenerator::new(
        schemars::generate::SchemaSettings::draft2020_12(),
    );
    generator.subschema_for::<model::Input>();
    let defs = generator.definitions();
    let consts: Vec<&str> = defs["Input"]["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["properties"]["type"]["const"].as_str().unwrap())
        .collect();
    assert_eq!(consts, INPUT_TYPES);
}
