//! A sanctions package's `targets_file`: FollowTheMoney entity lines or
//! target lines, read by the ingest crate's reader; malformed lines are
//! errors located in the targets file, absent references are tolerated, and
//! the identity hash is over the file's bytes as they are.

use std::collections::BTreeMap;

use framework::{Files, load_and_check};

/// Files held in memory, by the path the framework names.
struct Memory(BTreeMap<&'static str, &'static str>);

impl Files for Memory {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        self.0
            .get(path)
            .map(|t| t.as_bytes().to_vec())
            .ok_or_else(|| format!("no file `{path}`"))
    }
}

fn base() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/pairs/base.toml");
    std::fs::read_to_string(path).unwrap()
}

/// The base framework with its one package's targets taken from `file`.
fn with_targets_file(file: &str) -> String {
    let text = base();
    let inline = "targets = [{ name = \"Example Bank\", kind = \"bank\" }]";
    assert_eq!(text.matches(inline).count(), 1);
    text.replace(inline, &format!("targets_file = \"{file}\""))
}

const ENTITIES: &str = r#"{"id":"co-1","schema":"Company","caption":"Kestrel Avia JSC","properties":{"topics":["sanction"],"addressEntity":["addr-absent"]}}
{"id":"pe-1","schema":"Person","properties":{"name":["Ivan Sokolov"]}}
{"id":"own-1","schema":"Ownership","properties":{"owner":["pe-1"],"asset":["co-1"]}}
{"id":"sanc-1","schema":"Sanction","properties":{"entity":["co-1"],"programId":["EU-UKR"]}}
"#;

#[test]
fn ftm_entities_become_the_package_targets_and_absent_references_are_tolerated() {
    let text = with_targets_file("lists/kestrel.ftm.json");
    let files = Memory(BTreeMap::from([("lists/kestrel.ftm.json", ENTITIES)]));
    let (fw, diags) = load_and_check("dir/framework.toml", &text, &files);
    assert!(diags.is_empty(), "{diags:?}");
    let package = &fw.sanctions[0];
    assert_eq!(fw.target_count(package), 2);
    let read = &fw.target_files["pkg"];
    assert_eq!((read.sanctioned(), read.absent()), (1, 1));
    let ids: Vec<&str> = read.targets.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["co-1", "pe-1"]);
    assert_eq!(read.targets[0].programmes, ["EU-UKR"]);
    // The identity is over the bytes of both files, unchanged by parsing.
    let referenced = BTreeMap::from([(
        "lists/kestrel.ftm.json".to_string(),
        ENTITIES.as_bytes().to_vec(),
    )]);
    assert_eq!(
        fw.hash,
        framework::load::identity_hash(text.as_bytes(), &referenced)
    );
}

#[test]
fn target_lines_are_read_as_written_by_ingest() {
    let lines = concat!(
        r#"{"id":"co-1","kind":"company","name":"Kestrel Avia JSC","sanctioned":true}"#,
        "\n",
        r#"{"id":"ve-1","kind":"vessel","name":"Sea Kestrel"}"#,
        "\n"
    );
    let files = Memory(BTreeMap::from([("targets.jsonl", lines)]));
    let (fw, diags) = load_and_check(
        "framework.toml",
        &with_targets_file("targets.jsonl"),
        &files,
    );
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(fw.target_count(&fw.sanctions[0]), 2);
}

#[test]
fn a_malformed_targets_file_is_refused_with_its_location() {
    let broken = concat!(
        r#"{"id":"pe-1","schema":"Person","properties":{"name":["Ivan Sokolov"]}}"#,
        "\n",
        r#"{"id":"pe-2","schema":"Person","properties":{"name":"Ivan"}}"#,
        "\n"
    );
    let files = Memory(BTreeMap::from([("kestrel.ftm.json", broken)]));
    let (fw, diags) = load_and_check(
        "dir/framework.toml",
        &with_targets_file("kestrel.ftm.json"),
        &files,
    );
    let shown: Vec<String> = diags.iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert!(
        shown[0].starts_with("dir/kestrel.ftm.json:2:58: error[B006]: sanctions package `pkg`: targets file `kestrel.ftm.json`: not an FTM entity: wrong type"),
        "{shown:?}"
    );
    // The good line still counts.
    assert_eq!(fw.target_count(&fw.sanctions[0]), 1);
}

#[test]
fn a_targets_file_naming_nobody_leaves_the_package_without_targets() {
    let only_addresses =
        r#"{"id":"addr-1","schema":"Address","properties":{"full":["1 Main St"]}}"#;
    let files = Memory(BTreeMap::from([("a.ftm.json", only_addresses)]));
    let (_, diags) = load_and_check("framework.toml", &with_targets_file("a.ftm.json"), &files);
    let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["B313"]);
}

#[test]
fn the_diff_names_targets_a_list_file_gains_or_loses() {
    let more = concat!(
        r#"{"id":"co-1","schema":"Company","caption":"Kestrel Avia JSC","properties":{}}"#,
        "\n",
        r#"{"id":"ve-1","schema":"Vessel","caption":"Sea Kestrel","properties":{}}"#,
        "\n",
        r#"{"id":"ve-2","schema":"Vessel","caption":"Sea Kestrel II","properties":{}}"#,
        "\n"
    );
    let old_files = Memory(BTreeMap::from([("kestrel.ftm.json", ENTITIES)]));
    let new_files = Memory(BTreeMap::from([("kestrel.ftm.json", more)]));
    let text = with_targets_file("kestrel.ftm.json");
    let (old, _) = load_and_check("old.toml", &text, &old_files);
    let (new, _) = load_and_check("new.toml", &text, &new_files);
    let sentences: Vec<String> = framework::diff::diff(&old, &new)
        .into_iter()
        .map(|c| c.sentence)
        .collect();
    assert_eq!(
        sentences,
        [
            "sanctions package `pkg`: 2 targets added to the target list file: \"Sea Kestrel\" (vessel), \"Sea Kestrel II\" (vessel)",
            "sanctions package `pkg`: 1 target removed from the target list file — the package no longer reaches it: \"Ivan Sokolov\" (person)",
        ],
        "{sentences:#?}"
    );
}

#[test]
fn the_json_report_counts_each_target_file_and_documents_every_field() {
    let files = Memory(BTreeMap::from([("kestrel.ftm.json", ENTITIES)]));
    let (fw, diags) = load_and_check(
        "framework.toml",
        &with_targets_file("kestrel.ftm.json"),
        &files,
    );
    let report = serde_json::to_value(framework::Report::new(&fw, &diags)).unwrap();
    assert_eq!(
        report["target_files"],
        serde_json::json!([{
            "package": "pkg",
            "file": "kestrel.ftm.json",
            "format": "ftm",
            "targets": 2,
            "kinds": { "company": 1, "person": 1 },
            "sanctioned": 1,
            "absent_references": 1
        }])
    );
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/check-json.md"),
    )
    .unwrap();
    for key in report["target_files"][0].as_object().unwrap().keys() {
        assert!(
            doc.contains(&format!("| `target_files[].{key}` |")),
            "{key}"
        );
    }
    // Without a targets file the field is left out: the report of every
    // other framework keeps its shape.
    let (fw, diags) = load_and_check("framework.toml", &base(), &files);
    let report = serde_json::to_value(framework::Report::new(&fw, &diags)).unwrap();
    assert!(report.get("target_files").is_none());
}
