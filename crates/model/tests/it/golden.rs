//! Golden files: hand-written lines of every input type, decoded and
//! re-encoded; the canonical lines and their SHA-256 are committed beside
//! them (`<name>.canonical`, `<name>.sha256`). `BULWARK_BLESS=1` rewrites
//! those two.

use std::collections::BTreeSet;

use model::{Choice, INPUT_TYPES, Input, decode_line, decode_lines, encode_line};
use sha2::{Digest, Sha256};

const BLESS: &str = "BULWARK_BLESS=1 cargo test -p model --test it golden";

fn golden_files() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(crate::test_data("golden"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    files.sort();
    files
}

pub fn golden_inputs() -> Vec<(String, usize, Input)> {
    let mut all = Vec::new();
    for (name, text) in golden_files() {
        let (inputs, errors) = decode_lines(&text);
        assert!(errors.is_empty(), "{name}.jsonl: {errors:#?}");
        all.extend(inputs.into_iter().map(|(line, x)| (name.clone(), line, x)));
    }
    all
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn golden_lines_match_their_canonical_form_and_hash() {
    let mut differences = Vec::new();
    for (name, text) in golden_files() {
        let (inputs, errors) = decode_lines(&text);
        assert!(errors.is_empty(), "{name}.jsonl: {errors:#?}");
        assert!(!inputs.is_empty(), "{name}.jsonl has no input");
        let mut canonical = String::new();
        let mut hashes = String::new();
        for (_, input) in &inputs {
            let line = encode_line(input);
            hashes.push_str(&sha256_hex(line.as_bytes()));
            hashes.push('\n');
            canonical.push_str(&line);
            canonical.push('\n');
        }
        let dir = crate::test_data("golden");
        differences.extend(crate::check_file(
            &dir.join(format!("{name}.canonical")),
            &canonical,
            BLESS,
        ));
        differences.extend(crate::check_file(
            &dir.join(format!("{name}.sha256")),
            &hashes,
            BLESS,
        ));
    }
    assert!(differences.is_empty(), "{differences:#?}");
}

/// The canonical lines are themselves valid wire lines that encode to
/// themselves: canonicalization is idempotent.
#[test]
fn canonical_lines_are_fixed_points() {
    for (name, line, input) in golden_inputs() {
        let canonical = encode_line(&input);
        let again = decode_line(&canonical, 1)
            .unwrap_or_else(|e| panic!("{name}.jsonl:{line}: canonical form refused: {e}"));
        assert_eq!(again, input, "{name}.jsonl:{line}");
        assert_eq!(encode_line(&again), canonical, "{name}.jsonl:{line}");
    }
}

#[test]
fn golden_inputs_are_valid_and_in_their_file() {
    for (name, line, input) in golden_inputs() {
        assert_eq!(
            input.type_name(),
            name,
            "{name}.jsonl:{line} holds another type"
        );
        assert_eq!(
            input.validate(),
            Vec::<String>::new(),
            "{name}.jsonl:{line}"
        );
    }
}

#[test]
fn golden_files_cover_every_type_and_choice() {
    let inputs = golden_inputs();
    let types: BTreeSet<&str> = inputs.iter().map(|(_, _, x)| x.type_name()).collect();
    assert_eq!(types, INPUT_TYPES.into_iter().collect());
    let choices: BTreeSet<String> = inputs
        .iter()
        .filter_map(|(_, _, x)| match x {
            Input::Vote(v) => Some(format!("{:?}", v.choice)),
            _ => None,
        })
        .collect();
    let all = [
        Choice::For,
        Choice::Against,
        Choice::Veto,
        Choice::Block,
        Choice::Withdraw,
    ];
    assert_eq!(choices, all.iter().map(|c| format!("{c:?}")).collect());
    // Each identity once: the golden files describe one consistent stream.
    let ids: BTreeSet<String> = inputs.iter().map(|(_, _, x)| x.id().to_string()).collect();
    assert_eq!(ids.len(), inputs.len());
}

/// The first golden observation uses every field an observation has.
#[test]
fn first_observation_uses_every_field() {
    let text = std::fs::read_to_string(crate::test_data("golden/observation.jsonl")).unwrap();
    let (inputs, _) = decode_lines(&text);
    let canonical: serde_json::Value = serde_json::from_str(&encode_line(&inputs[0].1)).unwrap();
    let mut generator = schemars::generate::SchemaGenerator::new(
        schemars::generate::SchemaSettings::draft2020_12(),
    );
    let schema = generator.root_schema_for::<model::Observation>();
    for field in schema
        .get("properties")
        .unwrap()
        .as_object()
        .unwrap()
        .keys()
    {
        assert!(
            canonical.get(field).is_some(),
            "the full golden observation lacks `{field}`"
        );
    }
}
