//! Every root and proof against `ct-merkle`, for every tree size up to 512.

use ct_merkle::mem_backed_tree::MemoryBackedTree;
use ledger::merkle::Tree;
use sha2::Sha256;

#[test]
fn roots_and_proofs_agree_with_ct_merkle_up_to_512() {
    let mut ours = Tree::new();
    let mut peer: MemoryBackedTree<Sha256, Vec<u8>> = MemoryBackedTree::new();
    for n in 1..=512u32 {
        let leaf = n.to_be_bytes().to_vec();
        ours.push(&leaf);
        peer.push(leaf);
        assert_eq!(
            ours.root().as_slice(),
            peer.root().as_bytes().as_slice(),
            "root of {n}"
        );
        let size = u64::from(n);
        // Inclusion proofs of a few leaves, consistency from a few sizes.
        for index in [0, size / 3, size / 2, size - 1] {
            let p = ours.inclusion_proof(index, size).unwrap().concat();
            let q = peer.prove_inclusion(usize::try_from(index).unwrap());
            assert_eq!(p.as_slice(), q.as_bytes(), "inclusion of {index} in {n}");
        }
        for old in [1, size / 2, size - 1] {
            if old == 0 || old >= size {
                continue;
            }
            let p = ours.consistency_proof(old, size).unwrap().concat();
            let q = peer.prove_consistency(usize::try_from(size - old).unwrap());
            assert_eq!(p.as_slice(), q.as_bytes(), "consistency {old} → {n}");
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]

    /// Beyond 512: for random sizes, a random leaf's inclusion proof and a
    /// random earlier size's consistency proof equal ct-merkle's and verify.
    #[test]
    fn proofs_agree_with_ct_merkle_beyond_512(
        size in 513u64..5000,
        at in 0.0f64..1.0,
        from in 0.0f64..1.0,
    ) {
        let mut ours = Tree::new();
        let mut peer: MemoryBackedTree<Sha256, Vec<u8>> = MemoryBackedTree::new();
        for n in 0..size {
            let leaf = n.to_be_bytes().to_vec();
            ours.push(&leaf);
            peer.push(leaf);
        }
        let (root, peer_root) = (ours.root(), peer.root());
        proptest::prop_assert_eq!(root.as_slice(), peer_root.as_bytes().as_slice());
        let index = ((size as f64 * at) as u64).min(size - 1);
        let p = ours.inclusion_proof(index, size).unwrap();
        let q = peer.prove_inclusion(usize::try_from(index).unwrap());
        let flat = p.concat();
        proptest::prop_assert_eq!(flat.as_slice(), q.as_bytes());
        let leaf = ours.leaf(index).unwrap();
        proptest::prop_assert!(ledger::merkle::verify_inclusion(index, size, &leaf, &p, &ours.root()).is_ok());
        let old = ((size as f64 * from) as u64).clamp(1, size - 1);
        let p = ours.consistency_proof(old, size).unwrap();
        let q = peer.prove_consistency(usize::try_from(size - old).unwrap());
        let flat = p.concat();
        proptest::prop_assert_eq!(flat.as_slice(), q.as_bytes());
        let root1 = ours.root_at(old).unwrap();
        proptest::prop_assert!(ledger::merkle::verify_consistency(old, size, &root1, &ours.root(), &p).is_ok());
    }
}
