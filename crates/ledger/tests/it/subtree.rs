//! Subtree inclusion and consistency proofs: transparency-dev's 322 proof
//! files (read in place from the shared data directory), our proofs of the
//! same trees byte for byte, and a property test over random trees.

use ledger::merkle::{self, Hash, ProofError, Tree};
use ledger::subtree::{is_valid_subtree, verify_subtree_consistency, verify_subtree_inclusion};
use proptest::prelude::*;
use serde_json::Value;

use crate::real_data;
use crate::vectors::{bytes, files, proof, unhex};

fn u64_of(v: &Value, key: &str) -> u64 {
    v[key].as_u64().unwrap()
}

/// The tree of the RFC 6962 reference leaves, from which transparency-dev's
/// happy-path proofs were made.
fn reference_tree(data: &std::path::Path) -> Tree {
    let text = std::fs::read_to_string(
        data.join("transparency/transparency-dev-merkle/rfc6962_reference_vectors.json"),
    )
    .unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let mut tree = Tree::new();
    for leaf in v["leaf_inputs_hex"].as_array().unwrap() {
        tree.push(&unhex(leaf.as_str().unwrap()));
    }
    tree
}

#[test]
fn transparency_dev_subtree_inclusion_and_consistency_proofs() {
    let Some(data) = real_data("transparency_dev_subtree_inclusion_and_consistency_proofs") else {
        return;
    };
    let base = data.join("transparency/transparency-dev-merkle/testdata");
    let tree = reference_tree(&data);
    let (mut checked, mut ok, mut same_proof) = (0, 0, 0);

    for (path, v) in files(&base.join("subtreeinclusion")) {
        let want_err = v["wantErr"].as_bool().unwrap();
        let (index, start, end) = (
            u64_of(&v, "leafIdx"),
            u64_of(&v, "start"),
            u64_of(&v, "end"),
        );
        let given = proof(&v["proof"]);
        let result = match (&given, bytes(&v["leafHash"]), bytes(&v["root"])) {
            (Some(p), Some(leaf), Some(root)) => {
                verify_subtree_inclusion(index, start, end, &leaf, p, &root)
                    .map_err(|e| e.to_string())
            }
            _ => Err("malformed base64".to_string()),
        };
        assert_eq!(
            result.is_err(),
            want_err,
            "{path}: {} → {result:?}",
            v["desc"]
        );
        // A proof that holds for a subtree of the reference tree is the
        // one we make, byte for byte.
        if result.is_ok() && tree.subtree_root(start, end).ok().map(Vec::from) == bytes(&v["root"])
        {
            let ours = tree.subtree_inclusion_proof(index, start, end).unwrap();
            let ours: Vec<Vec<u8>> = ours.iter().map(|h| h.to_vec()).collect();
            assert_eq!(Some(ours), given, "{path}");
            same_proof += 1;
        }
        ok += usize::from(result.is_ok());
        checked += 1;
    }
    assert_eq!((checked, ok), (204, 12));

    for (path, v) in files(&base.join("subtreeconsistency")) {
        let want_err = v["wantErr"].as_bool().unwrap();
        let (start, end, size) = (u64_of(&v, "start"), u64_of(&v, "end"), u64_of(&v, "size"));
        let given = proof(&v["proof"]);
        let result = match (&given, bytes(&v["root1"]), bytes(&v["root2"])) {
            (Some(p), Some(r1), Some(r2)) => {
                verify_subtree_consistency(start, end, size, &r1, &r2, p)
            }
            _ => panic!("{path}: malformed base64"),
        };
        assert_eq!(
            result.is_err(),
            want_err,
            "{path}: {} → {result:?}",
            v["desc"]
        );
        if result.is_ok()
            && start < end
            && tree.subtree_root(start, end).ok().map(Vec::from) == bytes(&v["root1"])
            && tree.root_at(size).map(Vec::from) == bytes(&v["root2"])
        {
            let ours = tree.subtree_consistency_proof(start, end, size).unwrap();
            let ours: Vec<Vec<u8>> = ours.iter().map(|h| h.to_vec()).collect();
            assert_eq!(Some(ours), given, "{path}");
            same_proof += 1;
        }
        // What failed is named: a sample of the reasons.
        let desc = v["desc"].as_str().unwrap();
        if desc.starts_with("invalid subtree") {
            assert!(
                matches!(result, Err(ProofError::InvalidSubtree { .. })),
                "{path}: {result:?}"
            );
        }
        if desc == "wrong root1" {
            assert_eq!(
                result,
                Err(ProofError::WrongHashSize {
                    what: "subtree root",
                    len: 9
                }),
                "{path}"
            );
        }
        if desc.starts_with("modified proof") {
            assert!(
                matches!(
                    result,
                    Err(ProofError::RootMismatch { .. } | ProofError::SubtreeRootMismatch { .. })
                ),
                "{path}: {result:?}"
            );
        }
        ok += usize::from(result.is_ok());
        checked += 1;
    }
    assert_eq!(checked, 322, "files checked");
    assert_eq!(ok, 24, "files that verify");
    // The happy paths over the reference tree itself (the others are the
    // same proofs shifted to subtrees past its 8 entries): 5 inclusion and
    // 5 consistency proofs, one of them the empty proof of a whole tree.
    assert_eq!(same_proof, 10, "proofs made here and equal to the files'");
}

/// MTH(D[start:end]) straight from the definition, over leaf hashes.
fn mth(leaves: &[Hash]) -> Hash {
    match leaves {
        [] => merkle::empty_root(),
        [one] => *one,
        _ => {
            // The largest power of two below the length.
            let k = 1 << (usize::BITS - 1 - (leaves.len() - 1).leading_zeros());
            merkle::node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
        }
    }
}

/// A valid non-empty subtree of a tree of `n` entries, from three draws.
fn subtree_of(n: u64, a: u64, b: u64) -> (u64, u64) {
    let start = a % n;
    let room = n - start;
    let longest = if start == 0 {
        room
    } else {
        room.min(1 << start.trailing_zeros())
    };
    let end = start + 1 + b % longest;
    (start, end)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn generated_subtree_proofs_verify_and_changed_ones_do_not(
        n in 1u64..700,
        a in any::<u64>(),
        b in any::<u64>(),
        c in any::<u64>(),
        d in any::<u64>(),
        byte in 0usize..32,
    ) {
        let mut tree = Tree::new();
        let mut leaves = Vec::new();
        for i in 0..n {
            tree.push(&i.to_le_bytes());
            leaves.push(tree.leaf(i).unwrap());
        }
        let (start, end) = subtree_of(n, a, b);
        prop_assert!(is_valid_subtree(start, end));
        let (s, e) = (usize::try_from(start).unwrap(), usize::try_from(end).unwrap());
        let sub = tree.subtree_root(start, end).unwrap();
        prop_assert_eq!(sub, mth(&leaves[s..e]));

        // Inclusion of one entry of the subtree.
        let index = start + c % (end - start);
        let leaf = tree.leaf(index).unwrap();
        let p = tree.subtree_inclusion_proof(index, start, end).unwrap();
        prop_assert!(verify_subtree_inclusion(index, start, end, &leaf, &p, &sub).is_ok());
        if start == 0 {
            prop_assert_eq!(&p, &tree.inclusion_proof(index, end).unwrap());
        }
        if let Some(i) = (c as usize).checked_rem(p.len()) {
            let mut bad = p.clone();
            bad[i][byte] ^= 1;
            prop_assert!(verify_subtree_inclusion(index, start, end, &leaf, &bad, &sub).is_err());
        }
        for other in [index.wrapping_sub(1), index + 1] {
            prop_assert!(verify_subtree_inclusion(other, start, end, &leaf, &p, &sub).is_err());
        }
        let mut bad_leaf = leaf;
        bad_leaf[byte] ^= 1;
        prop_assert!(verify_subtree_inclusion(index, start, end, &bad_leaf, &p, &sub).is_err());

        // Consistency with a tree of any size from `end` on.
        let size = end + d % (n - end + 1);
        let root = tree.root_at(size).unwrap();
        let q = tree.subtree_consistency_proof(start, end, size).unwrap();
        prop_assert!(verify_subtree_consistency(start, end, size, &sub, &root, &q).is_ok());
        if start == 0 && end < size {
            prop_assert_eq!(&q, &tree.consistency_proof(end, size).unwrap());
        }
        for i in 0..q.len() {
            let mut bad = q.clone();
            bad[i][byte] ^= 1;
            prop_assert!(verify_subtree_consistency(start, end, size, &sub, &root, &bad).is_err());
        }
        let mut bad_sub = sub;
        bad_sub[byte] ^= 1;
        prop_assert!(verify_subtree_consistency(start, end, size, &bad_sub, &root, &q).is_err());
        let mut bad_root = root;
        bad_root[byte] ^= 1;
        prop_assert!(verify_subtree_consistency(start, end, size, &sub, &bad_root, &q).is_err());
        // The same proof does not hold for a subtree ending one entry
        // earlier or later in the same tree.
        for other in [end - 1, end + 1] {
            if other > start && other <= size && is_valid_subtree(start, other) {
                prop_assert!(
                    verify_subtree_consistency(start, other, size, &sub, &root, &q).is_err(),
                    "[{}, {}) in {} passed for [{}, {})", start, end, size, start, other
                );
            }
        }
    }
}
