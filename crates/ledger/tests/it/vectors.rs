//! RFC 6962 reference vectors and transparency-dev's proof files, byte for
//! byte (read in place from the shared data directory).

use std::path::Path;

use base64::Engine;
use ledger::merkle::{self, Tree};
use serde_json::Value;

use crate::real_data;

pub(crate) fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Base64 bytes as the files give them (roots may be any length: only a
/// match counts).
pub(crate) fn bytes(v: &Value) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD
        .decode(v.as_str()?)
        .ok()
}

#[test]
fn rfc6962_reference_roots_and_hashes() {
    let Some(data) = real_data("rfc6962_reference_roots_and_hashes") else {
        return;
    };
    let text = std::fs::read_to_string(
        data.join("transparency/transparency-dev-merkle/rfc6962_reference_vectors.json"),
    )
    .unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let leaves: Vec<Vec<u8>> = v["leaf_inputs_hex"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| unhex(l.as_str().unwrap()))
        .collect();
    for (leaf, want) in leaves.iter().zip(v["leaf_hashes_hex"].as_array().unwrap()) {
        assert_eq!(
            merkle::hex(&merkle::leaf_hash(leaf)),
            want.as_str().unwrap()
        );
    }
    let mut tree = Tree::new();
    for leaf in &leaves {
        tree.push(leaf);
    }
    let roots = v["root_hash_by_tree_size_hex"].as_object().unwrap();
    assert_eq!(roots.len(), leaves.len() + 1);
    for (size, want) in roots {
        let size: u64 = size.parse().unwrap();
        assert_eq!(
            merkle::hex(&tree.root_at(size).unwrap()),
            want.as_str().unwrap(),
            "root of size {size}"
        );
    }
    for case in v["hasher_vectors"].as_array().unwrap() {
        let got = if let Some(l) = case.get("leaf_ascii") {
            merkle::leaf_hash(l.as_str().unwrap().as_bytes())
        } else if let (Some(l), Some(r)) =
            (case["left_ascii"].as_str(), case["right_ascii"].as_str())
        {
            // Children given as raw bytes, not 32-byte hashes: SHA-256(0x01 ‖ l ‖ r).
            use sha2::Digest;
            sha2::Sha256::digest([&[1u8][..], l.as_bytes(), r.as_bytes()].concat()).into()
        } else {
            merkle::empty_root()
        };
        assert_eq!(
            merkle::hex(&got),
            case["want"].as_str().unwrap(),
            "{}",
            case["desc"]
        );
    }
}

/// Every file of a proof directory: (path, parsed).
pub(crate) fn files(dir: &Path) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&p).unwrap();
                out.push((
                    p.display().to_string(),
                    serde_json::from_str(&text).unwrap(),
                ));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// A proof as the files give it: `null` is an empty proof; text that is
/// not base64 makes it malformed (`None`).
pub(crate) fn proof(v: &Value) -> Option<Vec<Vec<u8>>> {
    match v {
        Value::Null => Some(Vec::new()),
        Value::Array(a) => a.iter().map(bytes).collect(),
        _ => None,
    }
}

#[test]
fn transparency_dev_inclusion_and_consistency_proofs() {
    let Some(data) = real_data("transparency_dev_inclusion_and_consistency_proofs") else {
        return;
    };
    let base = data.join("transparency/transparency-dev-merkle/testdata");
    let mut checked = 0;
    for (path, v) in files(&base.join("inclusion")) {
        let want_err = v["wantErr"].as_bool().unwrap();
        let result = match (proof(&v["proof"]), bytes(&v["leafHash"]), bytes(&v["root"])) {
            (Some(p), Some(leaf), Some(root)) => merkle::verify_inclusion(
                v["leafIdx"].as_u64().unwrap(),
                v["treeSize"].as_u64().unwrap(),
                &leaf,
                &p,
                &root,
            )
            .map_err(|e| e.to_string()),
            _ => Err("malformed hash".to_string()),
        };
        assert_eq!(
            result.is_err(),
            want_err,
            "{path}: {} → {result:?}",
            v["desc"]
        );
        checked += 1;
    }
    for (path, v) in files(&base.join("consistency")) {
        let want_err = v["wantErr"].as_bool().unwrap();
        let result = match (proof(&v["proof"]), bytes(&v["root1"]), bytes(&v["root2"])) {
            (Some(p), Some(r1), Some(r2)) => merkle::verify_consistency(
                v["size1"].as_u64().unwrap(),
                v["size2"].as_u64().unwrap(),
                &r1,
                &r2,
                &p,
            )
            .map_err(|e| e.to_string()),
            _ => Err("malformed hash".to_string()),
        };
        assert_eq!(
            result.is_err(),
            want_err,
            "{path}: {} → {result:?}",
            v["desc"]
        );
        checked += 1;
    }
    assert_eq!(checked, 196);
}
