//! The JSON report: a snapshot of its shape, and its documentation in
//! docs/check-json.md names every field it contains.

use std::collections::BTreeSet;
use std::path::PathBuf;

use framework::{NoFiles, Report, load_and_check};
use serde_json::Value;

fn pairs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("test_data/pairs")
}

/// base.toml with a late first order and a duration without its unit.
fn flawed() -> String {
    std::fs::read_to_string(pairs_dir().join("base.toml"))
        .unwrap()
        .replacen(
            "deadline = \"24h\"\nauthority",
            "deadline = \"72h\"\nauthority",
            1,
        )
        .replacen(
            "window = \"24h\"\nthreshold = 50\n",
            "window = \"24\"\nthreshold = 50\n",
            1,
        )
}

fn report_json(text: &str) -> Value {
    let (fw, diags) = load_and_check("framework.toml", text, &NoFiles);
    serde_json::to_value(Report::new(&fw, &diags)).unwrap()
}

#[test]
fn json_report_snapshot() {
    insta::assert_json_snapshot!("flawed_report", report_json(&flawed()));
}

#[test]
fn scores_follow_the_documented_rule() {
    let report = report_json(&flawed());
    let areas = report["summary"]["areas"].as_array().unwrap();
    let mut weighted = 0;
    let mut weights = 0;
    for area in areas {
        let errors = area["errors"].as_u64().unwrap();
        let warnings = area["warnings"].as_u64().unwrap();
        let expected = 100u64.saturating_sub(25 * errors + 5 * warnings);
        assert_eq!(area["score"].as_u64().unwrap(), expected, "{area}");
        weighted += area["weight"].as_u64().unwrap() * expected;
        weights += area["weight"].as_u64().unwrap();
    }
    assert_eq!(weights, 100);
    assert_eq!(
        report["summary"]["score"].as_u64().unwrap(),
        (weighted + 50) / 100
    );
    let clean = report_json(&std::fs::read_to_string(pairs_dir().join("base.toml")).unwrap());
    assert_eq!(clean["summary"]["score"], 100);
    assert!(clean["findings"].as_array().unwrap().is_empty());
}

fn keys(value: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                out.insert(path.clone());
                keys(v, &path, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                keys(item, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_json_field_is_documented() {
    let doc = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/check-json.md"),
    )
    .unwrap();
    let mut found = BTreeSet::new();
    keys(&report_json(&flawed()), "", &mut found);
    for key in found {
        assert!(
            doc.contains(&format!("| `{key}` |")),
            "docs/check-json.md does not document `{key}`"
        );
    }
}
