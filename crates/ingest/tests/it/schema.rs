//! Conformance to MITRE's CoT 2.0 base event schema, judged by lxml (a
//! real validator, through `tests/cot_schema/validate.py`): every event the
//! schema accepts, bulwark accepts (imports, or skips by design); every
//! event the schema refuses, bulwark refuses too, unless the only
//! complaints are the attributes it tolerates missing (documented in
//! docs/ingest.md). Skipped, and said so, without `BULWARK_REAL_DATA` (for
//! the schema) or without python3 and lxml.

use std::path::{Path, PathBuf};
use std::process::Command;

use ingest::cot::{self, Piece, Splitter};

use crate::{defaults, real_data};

/// Attributes the schema requires and bulwark reads without: `hae`, `ce`
/// and `le` (a position and its error still say where), `how` (the
/// confidence falls back) and `version`.
const TOLERATED: [&str; 5] = ["'hae'", "'ce'", "'le'", "'how'", "'version'"];

#[derive(Debug)]
struct Verdict {
    file: String,
    valid: bool,
    errors: Vec<String>,
}

fn validate(schema: &Path, files: &[PathBuf]) -> Option<Vec<Verdict>> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cot_schema/validate.py");
    let mut cmd = Command::new("python3");
    cmd.arg(script).arg(schema).args(files);
    let out = cmd.output().ok()?;
    if out.status.code() == Some(3) {
        eprintln!(
            "cot schema: skipped: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
        return None;
    }
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    Some(
        text.lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                Verdict {
                    file: v["file"].as_str().unwrap().to_string(),
                    valid: v["valid"].as_bool().unwrap(),
                    errors: v["errors"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|e| e.as_str().unwrap().to_string())
                        .collect(),
                }
            })
            .collect(),
    )
}

/// Each event of `bytes` as its own file in `dir`, named `{stem}-{n}.xml`.
fn events(dir: &Path, stem: &str, bytes: &[u8], files: &mut Vec<(PathBuf, Vec<u8>)>) {
    for (n, piece) in Splitter::split_all(bytes).into_iter().enumerate() {
        let (Piece::Event { start, end } | Piece::Fault { start, end, .. }) = piece;
        let event = bytes[start..end].to_vec();
        let path = dir.join(format!("{stem}-{n}.xml"));
        std::fs::write(&path, &event).unwrap();
        files.push((path, event));
    }
}

#[test]
fn bulwark_accepts_what_the_cot_schema_accepts_and_refuses_the_rest_but_the_tolerated() {
    let Some(data) = real_data("cot schema conformance") else {
        return;
    };
    let schema = data.join("cot/atak_civ/mitre_schema/CoT_Base-Event_Schema_(PUBLIC_RELEASE).xsd");
    let dir = std::env::temp_dir().join(format!("bulwark-cot-schema-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    // Real events from ATAK, WinTAK and iTAK, and pytak's stream.
    let mut inputs: Vec<PathBuf> = Vec::new();
    for sub in ["cot/atak_civ/examples", "cot/captured"] {
        for entry in std::fs::read_dir(data.join(sub)).unwrap() {
            let path = entry.unwrap().path();
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if matches!(ext, "cot" | "xml" | "xmlstream") {
                inputs.push(path);
            }
        }
    }
    // This crate's own fixture: good, skipped, hostile and broken events.
    inputs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/cot/salvo.xmlstream"));
    inputs.sort();
    for (k, path) in inputs.iter().enumerate() {
        let bytes = std::fs::read(path).unwrap();
        events(&dir, &format!("in{k}"), &bytes, &mut files);
    }
    let paths: Vec<PathBuf> = files.iter().map(|(p, _)| p.clone()).collect();
    let Some(verdicts) = validate(&schema, &paths) else {
        return;
    };
    assert_eq!(verdicts.len(), files.len());
    let (mut valid, mut refused_both, mut tolerated) = (0, 0, 0);
    for (verdict, (path, bytes)) in verdicts.iter().zip(&files) {
        assert_eq!(verdict.file, path.to_str().unwrap());
        let out = cot::convert(bytes, &defaults());
        let rejected = !out.rejected.is_empty();
        if verdict.valid {
            assert!(
                !rejected,
                "{}: schema-valid, but bulwark refuses it: {:?}",
                path.display(),
                out.rejected
            );
            valid += 1;
        } else if rejected {
            refused_both += 1;
        } else {
            let untolerated: Vec<&String> = verdict
                .errors
                .iter()
                .filter(|e| {
                    !(e.contains("is required but missing")
                        && TOLERATED.iter().any(|t| e.contains(t)))
                })
                .collect();
            assert!(
                untolerated.is_empty(),
                "{}: the schema refuses it and bulwark accepts it: {untolerated:?}",
                path.display()
            );
            tolerated += 1;
        }
    }
    // The real samples are all valid; the fixture has one of each case.
    assert_eq!(
        (valid, refused_both, tolerated),
        (22, 2, 3),
        "{verdicts:#?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
