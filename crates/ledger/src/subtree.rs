//! Subtree proofs, as Merkle Tree Certificates use them: a subtree is the
//! run of entries `[start, end)` that sits under one node of every larger
//! tree, so it has a root of its own that can be signed once and then
//! checked against any later checkpoint.
//!
//! - A *subtree inclusion proof* shows that a leaf hash is entry `index` of
//!   the subtree `[start, end)` with a given root. It is the ordinary
//!   RFC 9162 inclusion proof of entry `index - start` in the tree made of
//!   the subtree's own entries.
//! - A *subtree consistency proof* shows that a subtree root is the root of
//!   entries `[start, end)` of the tree of `size` entries with a given root.
//!   With `start = 0` it is the RFC 9162 consistency proof from `end` to
//!   `size`.
//!
//! `[start, end)` is a subtree when `start ≤ end` and, for a non-empty
//! range that does not begin at 0, `start` is a multiple of the smallest
//! power of two at least `end - start` ([`is_valid_subtree`]). The empty
//! subtree `[s, s)` is allowed by the consistency check (its root is
//! `SHA-256("")`, its proof empty, and it fits every tree that reaches `s`);
//! it holds no leaf, so no inclusion proof names it.
//!
//! Verification says what failed ([`ProofError`]) and hashes only 32-byte
//! values: a root or proof hash of another length is refused by name. The
//! one exception is a claim that needs no hashing at all (the subtree is
//! the whole tree, or empty): the given roots are then only compared, as
//! transparency-dev's reference vectors expect.

use crate::merkle::{self, Hash, ProofError, Tree, empty_root, node_hash, split};

/// Whether `[start, end)` is a subtree (see the module documentation).
pub fn is_valid_subtree(start: u64, end: u64) -> bool {
    if start > end {
        return false;
    }
    if start == 0 || start == end {
        return true;
    }
    // The smallest power of two at least the length; a length above 2⁶³
    // has none in u64, and only a subtree starting at 0 can be that long.
    match (end - start).checked_next_power_of_two() {
        Some(width) => start.is_multiple_of(width),
        None => false,
    }
}

fn check_subtree(start: u64, end: u64) -> Result<(), ProofError> {
    if is_valid_subtree(start, end) {
        Ok(())
    } else {
        Err(ProofError::InvalidSubtree { start, end })
    }
}

/// A given value as a hash, refused by name when it is not 32 bytes.
fn as_hash(bytes: &[u8], what: &'static str) -> Result<Hash, ProofError> {
    Hash::try_from(bytes).map_err(|_| ProofError::WrongHashSize {
        what,
        len: bytes.len(),
    })
}

fn as_hashes<P: AsRef<[u8]>>(proof: &[P]) -> Result<Vec<Hash>, ProofError> {
    proof
        .iter()
        .map(|p| as_hash(p.as_ref(), "proof hash"))
        .collect()
}

/// Checks that `leaf` is entry `index` of the subtree `[start, end)` whose
/// root is `root`, by the inclusion proof `proof` (leaf side first).
pub fn verify_subtree_inclusion<P: AsRef<[u8]>>(
    index: u64,
    start: u64,
    end: u64,
    leaf: &[u8],
    proof: &[P],
    root: &[u8],
) -> Result<(), ProofError> {
    check_subtree(start, end)?;
    if index < start || index >= end {
        return Err(ProofError::IndexOutsideSubtree { index, start, end });
    }
    let root = as_hash(root, "subtree root")?;
    // Index, leaf length and proof length are checked here, in that order.
    let computed = merkle::inclusion_root(index - start, end - start, leaf, proof)?;
    as_hashes(proof)?;
    let computed = as_hash(&computed, "leaf hash")?;
    if computed == root {
        Ok(())
    } else {
        Err(ProofError::RootMismatch {
            computed,
            expected: root.to_vec(),
        })
    }
}

/// Checks that `subtree_root` is the root of entries `[start, end)` of the
/// tree of `size` entries whose root is `root`, by the subtree consistency
/// proof `proof`.
pub fn verify_subtree_consistency<P: AsRef<[u8]>>(
    start: u64,
    end: u64,
    size: u64,
    subtree_root: &[u8],
    root: &[u8],
    proof: &[P],
) -> Result<(), ProofError> {
    check_subtree(start, end)?;
    if end > size {
        return Err(ProofError::SubtreeBeyondTree { end, size });
    }
    let want = consistency_length(start, end, size);
    if proof.len() != want {
        return Err(ProofError::WrongLength {
            got: proof.len(),
            want,
        });
    }
    if start == end {
        // Nothing to prove about the tree: only the root of nothing fits.
        let empty = empty_root();
        return if subtree_root == empty.as_slice() {
            Ok(())
        } else {
            Err(ProofError::SubtreeRootMismatch {
                computed: empty,
                expected: subtree_root.to_vec(),
            })
        };
    }
    if start == 0 && end == size {
        // The subtree is the tree: the two roots are one.
        if subtree_root == root {
            return Ok(());
        }
        return Err(match as_hash(subtree_root, "subtree root") {
            Ok(computed) => ProofError::RootMismatch {
                computed,
                expected: root.to_vec(),
            },
            Err(e) => e,
        });
    }
    let old = as_hash(subtree_root, "subtree root")?;
    let new = as_hash(root, "tree root")?;
    let proof = as_hashes(proof)?;
    let Some((got_old, got_new)) = climb(start, end, 0, size, true, &old, &proof) else {
        // Unreachable with the length checked above; refused all the same.
        return Err(ProofError::WrongLength {
            got: proof.len(),
            want,
        });
    };
    if got_old != old {
        return Err(ProofError::SubtreeRootMismatch {
            computed: got_old,
            expected: old.to_vec(),
        });
    }
    if got_new != new {
        return Err(ProofError::RootMismatch {
            computed: got_new,
            expected: new.to_vec(),
        });
    }
    Ok(())
}

/// Rebuilds, from a subtree consistency proof, the root of the subtree
/// `[start, end)` and the root of the node `[lo, hi)` that contains it,
/// walking down the way the proof was made and hashing on the way back up
/// (the last proof hash is the sibling nearest the top). `known` is the
/// subtree root the verifier was given, used where the proof leaves it out
/// (`whole`). `None` when the proof's shape does not fit.
fn climb(
    start: u64,
    end: u64,
    lo: u64,
    hi: u64,
    whole: bool,
    known: &Hash,
    proof: &[Hash],
) -> Option<(Hash, Hash)> {
    if start == lo && end == hi {
        return match (whole, proof) {
            (true, []) => Some((*known, *known)),
            (false, [h]) => Some((*h, *h)),
            _ => None,
        };
    }
    if hi - lo < 2 {
        return None;
    }
    let (sibling, below) = proof.split_last()?;
    let mid = lo + split(hi - lo);
    if end <= mid {
        let (old, new) = climb(start, end, lo, mid, whole, known, below)?;
        Some((old, node_hash(&new, sibling)))
    } else if start >= mid {
        let (old, new) = climb(start, end, mid, hi, whole, known, below)?;
        Some((old, node_hash(sibling, &new)))
    } else if start == lo {
        // The subtree holds the whole left half and part of the right: its
        // root is a node over the left half, whose hash the proof gives.
        let (old, new) = climb(mid, end, mid, hi, false, known, below)?;
        Some((node_hash(sibling, &old), node_hash(sibling, &new)))
    } else {
        None
    }
}

/// The number of hashes in the consistency proof of the valid subtree
/// `[start, end)` in the tree of `size ≥ end` entries.
fn consistency_length(start: u64, end: u64, size: u64) -> usize {
    if start == end {
        return 0;
    }
    let (mut start, mut lo, mut hi, mut whole) = (start, 0, size, true);
    let mut n = 0;
    loop {
        if start == lo && end == hi {
            return n + usize::from(!whole);
        }
        if hi - lo < 2 {
            return n;
        }
        let mid = lo + split(hi - lo);
        n += 1;
        if end <= mid {
            hi = mid;
        } else if start >= mid {
            lo = mid;
        } else {
            (start, lo, whole) = (mid, mid, false);
        }
    }
}

impl Tree {
    /// The root of the subtree `[start, end)`: `SHA-256("")` when empty.
    pub fn subtree_root(&self, start: u64, end: u64) -> Result<Hash, ProofError> {
        check_subtree(start, end)?;
        if end > self.len() {
            return Err(ProofError::SubtreeBeyondTree {
                end,
                size: self.len(),
            });
        }
        Ok(if start == end {
            empty_root()
        } else {
            self.subtree(start, end)
        })
    }

    /// The inclusion proof of entry `index` in the subtree `[start, end)`,
    /// leaf side first.
    pub fn subtree_inclusion_proof(
        &self,
        index: u64,
        start: u64,
        end: u64,
    ) -> Result<Vec<Hash>, ProofError> {
        check_subtree(start, end)?;
        if end > self.len() {
            return Err(ProofError::SubtreeBeyondTree {
                end,
                size: self.len(),
            });
        }
        if index < start || index >= end {
            return Err(ProofError::IndexOutsideSubtree { index, start, end });
        }
        let mut proof = Vec::new();
        self.path(index - start, start, end, &mut proof);
        Ok(proof)
    }

    /// The consistency proof of the subtree `[start, end)` in the tree of
    /// its first `size` entries, leaf side first. Empty when the subtree is
    /// empty or is the whole tree.
    pub fn subtree_consistency_proof(
        &self,
        start: u64,
        end: u64,
        size: u64,
    ) -> Result<Vec<Hash>, ProofError> {
        check_subtree(start, end)?;
        if end > size {
            return Err(ProofError::SubtreeBeyondTree { end, size });
        }
        if size > self.len() {
            return Err(ProofError::SubtreeBeyondTree {
                end: size,
                size: self.len(),
            });
        }
        let mut proof = Vec::new();
        if start < end {
            self.subtree_subproof(start, end, 0, size, true, &mut proof);
        }
        Ok(proof)
    }

    /// The hashes proving the subtree `[start, end)` inside the node
    /// `[lo, hi)`, leaf side first. `whole` is whether the verifier knows
    /// the root of what is left of the subtree at this node (it does until
    /// the subtree has been cut in two).
    fn subtree_subproof(
        &self,
        start: u64,
        end: u64,
        lo: u64,
        hi: u64,
        whole: bool,
        out: &mut Vec<Hash>,
    ) {
        if start == lo && end == hi {
            if !whole {
                out.push(self.subtree(lo, hi));
            }
            return;
        }
        if hi - lo < 2 {
            return;
        }
        let mid = lo + split(hi - lo);
        if end <= mid {
            self.subtree_subproof(start, end, lo, mid, whole, out);
            out.push(self.subtree(mid, hi));
        } else if start >= mid {
            self.subtree_subproof(start, end, mid, hi, whole, out);
            out.push(self.subtree(lo, mid));
        } else {
            // A valid subtree across the middle starts at `lo`.
            self.subtree_subproof(mid, end, mid, hi, false, out);
            out.push(self.subtree(lo, mid));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_subtrees() {
        for (start, end) in [(0, 1), (0, 7), (4, 8), (4, 7), (8, 13), (3, 4), (5, 5)] {
            assert!(is_valid_subtree(start, end), "[{start}, {end})");
        }
        for (start, end) in [(1, 3), (2, 5), (2, 6), (1, 15), (4, 9), (6, 5)] {
            assert!(!is_valid_subtree(start, end), "[{start}, {end})");
        }
        assert!(!is_valid_subtree(1, (1 << 63) + 2));
        assert!(is_valid_subtree(0, u64::MAX));
        assert!(is_valid_subtree(1 << 63, u64::MAX));
    }

    #[test]
    fn extreme_ranges_are_answered_without_panic() {
        let h = [7u8; 32];
        let proof = vec![h; 64];
        for (start, end, size) in [
            (0, u64::MAX, u64::MAX),
            (1 << 63, u64::MAX, u64::MAX),
            (0, 1, u64::MAX),
            (u64::MAX - 1, u64::MAX, u64::MAX),
            (u64::MAX, u64::MAX, u64::MAX),
            (5, 5, 4),
        ] {
            for n in [0, 1, 63, 64] {
                let p = &proof[..n];
                assert!(verify_subtree_consistency(start, end, size, &h, &[1; 32], p).is_err());
                assert!(verify_subtree_inclusion(start, start, end, &h, p, &[1; 32]).is_err());
                // Holds only for a subtree of one entry and an empty proof.
                let last = verify_subtree_inclusion(end.saturating_sub(1), start, end, &h, p, &h);
                assert_eq!(last.is_ok(), end - start == 1 && n == 0);
            }
        }
        let t = Tree::new();
        assert!(t.subtree_root(0, 1).is_err());
        assert_eq!(t.subtree_root(0, 0), Ok(empty_root()));
        assert!(t.subtree_consistency_proof(0, 0, 1).is_err());
        assert!(t.subtree_inclusion_proof(0, 0, 0).is_err());
    }

    #[test]
    fn every_subtree_of_small_trees_proves_and_verifies() {
        let mut t = Tree::new();
        for i in 0..40u32 {
            t.push(&i.to_be_bytes());
        }
        for size in 1..=40 {
            let root = t.root_at(size).unwrap();
            for start in 0..size {
                for end in start + 1..=size {
                    if !is_valid_subtree(start, end) {
                        continue;
                    }
                    let sub = t.subtree_root(start, end).unwrap();
                    let proof = t.subtree_consistency_proof(start, end, size).unwrap();
                    assert_eq!(proof.len(), consistency_length(start, end, size));
                    verify_subtree_consistency(start, end, size, &sub, &root, &proof).unwrap();
                    for index in start..end {
                        let leaf = t.leaf(index).unwrap();
                        let p = t.subtree_inclusion_proof(index, start, end).unwrap();
                        verify_subtree_inclusion(index, start, end, &leaf, &p, &sub).unwrap();
                    }
                }
            }
        }
    }
}
