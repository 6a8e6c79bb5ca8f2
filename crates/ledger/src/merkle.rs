//! RFC 9162 §2.1 Merkle trees over SHA-256: leaf hash `SHA-256(0x00 ‖ d)`,
//! node hash `SHA-256(0x01 ‖ left ‖ right)`, the empty tree's root
//! `SHA-256("")`; inclusion and consistency proofs, made and verified.
//!
//! Written here rather than taken from a crate: the log needs proofs for
//! any earlier tree size from one append-only store of perfect subtrees,
//! and verification that names exactly what failed. `ct-merkle` is the
//! peer the tests compare every root and proof against.

use std::fmt;

use sha2::{Digest, Sha256};

/// A SHA-256 hash.
pub type Hash = [u8; 32];

/// `SHA-256(0x00 ‖ data)`.
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    h.finalize().into()
}

/// `SHA-256(0x01 ‖ left ‖ right)` over hashes as given (a verifier hashes
/// whatever bytes a proof carries; only a match with the root counts).
pub(crate) fn node_hash_bytes(left: &[u8], right: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// `SHA-256(0x01 ‖ left ‖ right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The root of the empty tree: `SHA-256("")`.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// Why a proof does not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProofError {
    /// The leaf index is not below the tree size.
    IndexOutOfRange { index: u64, size: u64 },
    /// The first tree is larger than the second.
    SizesOutOfOrder { size1: u64, size2: u64 },
    /// The proof has the wrong number of hashes for these sizes.
    WrongLength { got: usize, want: usize },
    /// Equal sizes need an empty proof and equal roots.
    EqualSizesDiffer,
    /// An empty first tree: no proof is possible, nor needed.
    EmptyFirstTree,
    /// A leaf hash that is not 32 bytes.
    NotAHash { len: usize },
    /// The proof leads to another root than the one given.
    RootMismatch { computed: Hash, expected: Vec<u8> },
    /// `[start, end)` is not a subtree: `start` is past `end`, or a
    /// non-empty range starts elsewhere than at 0 or a multiple of the
    /// smallest power of two at least `end - start` ([`crate::subtree`]).
    InvalidSubtree { start: u64, end: u64 },
    /// The leaf index is outside the subtree `[start, end)`.
    IndexOutsideSubtree { index: u64, start: u64, end: u64 },
    /// The subtree ends past the tree it is claimed to be part of.
    SubtreeBeyondTree { end: u64, size: u64 },
    /// A root or proof hash that is not 32 bytes; `what` names which.
    WrongHashSize { what: &'static str, len: usize },
    /// The subtree root the proof leads to (or, for an empty subtree, the
    /// empty root) is not the subtree root given.
    SubtreeRootMismatch { computed: Hash, expected: Vec<u8> },
}

impl fmt::Display for ProofError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProofError::IndexOutOfRange { index, size } => {
                write!(f, "leaf index {index} is not in a tree of {size} entries")
            }
            ProofError::SizesOutOfOrder { size1, size2 } => write!(
                f,
                "the earlier tree ({size1} entries) is larger than the later one ({size2})"
            ),
            ProofError::WrongLength { got, want } => write!(
                f,
                "the proof has {got} hashes; a proof for these sizes has {want}"
            ),
            ProofError::EqualSizesDiffer => write!(
                f,
                "two trees of the same size must have the same root and an empty proof"
            ),
            ProofError::EmptyFirstTree => {
                write!(f, "an empty tree has no consistency proof to check")
            }
            ProofError::NotAHash { len } => {
                write!(f, "the leaf hash has {len} bytes, not the 32 of SHA-256")
            }
            ProofError::RootMismatch { computed, expected } => write!(
                f,
                "the proof leads to root {}, not the expected {}",
                hex(computed),
                hex(expected)
            ),
            ProofError::InvalidSubtree { start, end } => write!(
                f,
                "[{start}, {end}) is not a subtree: start must not pass end, and must be 0 or a \
                 multiple of the smallest power of two at least end - start"
            ),
            ProofError::IndexOutsideSubtree { index, start, end } => {
                write!(
                    f,
                    "leaf index {index} is not in the subtree [{start}, {end})"
                )
            }
            ProofError::SubtreeBeyondTree { end, size } => write!(
                f,
                "the subtree ends at {end}, past the tree of {size} entries"
            ),
            ProofError::WrongHashSize { what, len } => {
                write!(f, "the {what} has {len} bytes, not the 32 of SHA-256")
            }
            ProofError::SubtreeRootMismatch { computed, expected } => write!(
                f,
                "the subtree root comes out as {}, not the given {}",
                hex(computed),
                hex(expected)
            ),
        }
    }
}

impl std::error::Error for ProofError {}

/// Lower-case hexadecimal.
pub fn hex(h: &[u8]) -> String {
    h.iter().map(|b| format!("{b:02x}")).collect()
}

/// The largest power of two below `n` (`n` ≥ 2).
pub(crate) fn split(n: u64) -> u64 {
    1 << (63 - (n - 1).leading_zeros())
}

/// An append-only Merkle tree that keeps every perfect subtree it has
/// completed: level `k` holds the roots of the aligned runs of 2ᵏ leaves.
/// A root or a proof for any size up to the current one costs O(log n)
/// hashes of stored nodes, never a rehash of the leaves.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tree {
    levels: Vec<Vec<Hash>>,
}

impl Tree {
    pub fn new() -> Tree {
        Tree::default()
    }

    /// The number of leaves.
    pub fn len(&self) -> u64 {
        self.levels.first().map_or(0, |l| l.len() as u64)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends a leaf by its hash; returns its index.
    pub fn push_hash(&mut self, leaf: Hash) -> u64 {
        let index = self.len();
        if self.levels.is_empty() {
            self.levels.push(Vec::new());
        }
        let mut node = leaf;
        let mut k = 0;
        while let Some(level) = self.levels.get_mut(k) {
            level.push(node);
            if level.len() % 2 == 1 {
                break;
            }
            let n = level.len();
            node = node_hash(&level[n - 2], &level[n - 1]);
            k += 1;
            if self.levels.len() == k {
                self.levels.push(Vec::new());
            }
        }
        index
    }

    /// Appends a leaf by its data; returns its index.
    pub fn push(&mut self, data: &[u8]) -> u64 {
        self.push_hash(leaf_hash(data))
    }

    /// The hash of leaf `index`.
    pub fn leaf(&self, index: u64) -> Option<Hash> {
        self.node(0, index)
    }

    fn node(&self, level: u32, index: u64) -> Option<Hash> {
        let i = usize::try_from(index).ok()?;
        self.levels.get(level as usize)?.get(i).copied()
    }

    /// MTH(D[start:end]) for `start < end ≤ len`.
    pub(crate) fn subtree(&self, start: u64, end: u64) -> Hash {
        let n = end - start;
        if n.is_power_of_two() && start.is_multiple_of(n) {
            let k = n.trailing_zeros();
            if let Some(h) = self.node(k, start >> k) {
                return h;
            }
        }
        if n == 1 {
            return self.leaf(start).unwrap_or_default();
        }
        let k = split(n);
        node_hash(
            &self.subtree(start, start + k),
            &self.subtree(start + k, end),
        )
    }

    /// The root of the tree of its first `size` leaves (`None` beyond `len`).
    pub fn root_at(&self, size: u64) -> Option<Hash> {
        match size {
            0 => Some(empty_root()),
            s if s <= self.len() => Some(self.subtree(0, s)),
            _ => None,
        }
    }

    /// The current root.
    pub fn root(&self) -> Hash {
        self.root_at(self.len()).unwrap_or_else(empty_root)
    }

    /// The inclusion proof of leaf `index` in the tree of size `size`
    /// (RFC 9162 §2.1.3.1), leaf to root.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, ProofError> {
        if index >= size || size > self.len() {
            return Err(ProofError::IndexOutOfRange { index, size });
        }
        let mut proof = Vec::new();
        self.path(index, 0, size, &mut proof);
        Ok(proof)
    }

    /// PATH(m, D[start:end]), appended leaf-side first.
    pub(crate) fn path(&self, m: u64, start: u64, end: u64, out: &mut Vec<Hash>) {
        let n = end - start;
        if n <= 1 {
            return;
        }
        let k = split(n);
        if m < k {
            self.path(m, start, start + k, out);
            out.push(self.subtree(start + k, end));
        } else {
            self.path(m - k, start + k, end, out);
            out.push(self.subtree(start, start + k));
        }
    }

    /// The consistency proof from size `size1` to size `size2` (RFC 9162
    /// §2.1.4.1). Empty when the sizes are equal; refused for an empty
    /// first tree or sizes out of order.
    pub fn consistency_proof(&self, size1: u64, size2: u64) -> Result<Vec<Hash>, ProofError> {
        if size1 > size2 || size2 > self.len() {
            return Err(ProofError::SizesOutOfOrder { size1, size2 });
        }
        if size1 == 0 {
            return Err(ProofError::EmptyFirstTree);
        }
        let mut proof = Vec::new();
        if size1 < size2 {
            self.subproof(size1, 0, size2, true, &mut proof);
        }
        Ok(proof)
    }

    /// SUBPROOF(m, D[start:end], b).
    fn subproof(&self, m: u64, start: u64, end: u64, whole: bool, out: &mut Vec<Hash>) {
        let n = end - start;
        if m == n {
            if !whole {
                out.push(self.subtree(start, end));
            }
            return;
        }
        let k = split(n);
        if m <= k {
            self.subproof(m, start, start + k, whole, out);
            out.push(self.subtree(start + k, end));
        } else {
            self.subproof(m - k, start + k, end, false, out);
            out.push(self.subtree(start, start + k));
        }
    }
}

/// The root an inclusion proof leads to (RFC 9162 §2.1.3.2), as bytes:
/// with no proof (a tree of one) it is the leaf hash as given.
pub(crate) fn inclusion_root<P: AsRef<[u8]>>(
    index: u64,
    size: u64,
    leaf: &[u8],
    proof: &[P],
) -> Result<Vec<u8>, ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    if leaf.len() != 32 {
        return Err(ProofError::NotAHash { len: leaf.len() });
    }
    let want = inclusion_length(index, size);
    if proof.len() != want {
        return Err(ProofError::WrongLength {
            got: proof.len(),
            want,
        });
    }
    let (mut fn_, mut sn) = (index, size - 1);
    let mut r: Vec<u8> = leaf.to_vec();
    for p in proof {
        let p = p.as_ref();
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash_bytes(p, &r).to_vec();
            while fn_ & 1 == 0 && fn_ != 0 {
                fn_ >>= 1;
                sn >>= 1;
            }
        } else {
            r = node_hash_bytes(&r, p).to_vec();
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    Ok(r)
}

/// The root an inclusion proof of a 32-byte leaf hash leads to.
pub fn root_from_inclusion<P: AsRef<[u8]>>(
    index: u64,
    size: u64,
    leaf: &Hash,
    proof: &[P],
) -> Result<Hash, ProofError> {
    let r = inclusion_root(index, size, leaf, proof)?;
    Ok(<[u8; 32]>::try_from(r.as_slice()).unwrap_or(*leaf))
}

/// The number of hashes in an inclusion proof.
fn inclusion_length(index: u64, size: u64) -> usize {
    let (mut fn_, mut sn, mut n) = (index, size.saturating_sub(1), 0);
    while sn != 0 {
        if fn_ & 1 == 0 && fn_ == sn {
            while fn_ & 1 == 0 && fn_ != 0 {
                fn_ >>= 1;
                sn >>= 1;
            }
        }
        fn_ >>= 1;
        sn >>= 1;
        n += 1;
    }
    n
}

/// Checks that `leaf` is entry `index` of the tree of `size` entries whose
/// root is `root`.
pub fn verify_inclusion<P: AsRef<[u8]>>(
    index: u64,
    size: u64,
    leaf: &[u8],
    proof: &[P],
    root: &[u8],
) -> Result<(), ProofError> {
    let computed = inclusion_root(index, size, leaf, proof)?;
    if computed.as_slice() == root {
        Ok(())
    } else {
        Err(ProofError::RootMismatch {
            computed: <[u8; 32]>::try_from(computed.as_slice()).unwrap_or([0; 32]),
            expected: root.to_vec(),
        })
    }
}

/// Checks that the tree of `size2` entries with root `root2` extends the
/// tree of `size1` entries with root `root1` (RFC 9162 §2.1.4.2).
pub fn verify_consistency<P: AsRef<[u8]>>(
    size1: u64,
    size2: u64,
    root1: &[u8],
    root2: &[u8],
    proof: &[P],
) -> Result<(), ProofError> {
    if size1 > size2 {
        return Err(ProofError::SizesOutOfOrder { size1, size2 });
    }
    // An empty tree is consistent with everything: a proof from it says
    // nothing, so none is accepted (as transparency-dev's verifier).
    if size1 == 0 {
        return Err(ProofError::EmptyFirstTree);
    }
    if size1 == size2 {
        return if proof.is_empty() && root1 == root2 {
            Ok(())
        } else {
            Err(ProofError::EqualSizesDiffer)
        };
    }
    let want = consistency_length(size1, size2);
    if proof.len() != want {
        return Err(ProofError::WrongLength {
            got: proof.len(),
            want,
        });
    }
    // If size1 is a power of two, the first tree's root starts the path.
    let mut path: Vec<&[u8]> = Vec::with_capacity(proof.len() + 1);
    if size1.is_power_of_two() {
        path.push(root1);
    }
    path.extend(proof.iter().map(AsRef::as_ref));
    let Some((first, rest)) = path.split_first() else {
        return Err(ProofError::WrongLength { got: 0, want });
    };
    let (mut fn_, mut sn) = (size1 - 1, size2 - 1);
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    let (mut fr, mut sr): (Vec<u8>, Vec<u8>) = (first.to_vec(), first.to_vec());
    for c in rest {
        if sn == 0 {
            return Err(ProofError::WrongLength {
                got: proof.len(),
                want,
            });
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = node_hash_bytes(c, &fr).to_vec();
            sr = node_hash_bytes(c, &sr).to_vec();
            while fn_ & 1 == 0 && fn_ != 0 {
                fn_ >>= 1;
                sn >>= 1;
            }
        } else {
            sr = node_hash_bytes(&sr, c).to_vec();
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    let as_hash = |v: &[u8]| <[u8; 32]>::try_from(v).unwrap_or([0; 32]);
    if fr.as_slice() != root1 {
        return Err(ProofError::RootMismatch {
            computed: as_hash(&fr),
            expected: root1.to_vec(),
        });
    }
    if sr.as_slice() != root2 {
        return Err(ProofError::RootMismatch {
            computed: as_hash(&sr),
            expected: root2.to_vec(),
        });
    }
    Ok(())
}

/// The number of hashes in a consistency proof between two sizes
/// (`0 < size1 < size2`), without the first root a power-of-two size adds.
fn consistency_length(size1: u64, size2: u64) -> usize {
    // RFC 9162: the proof has no entry for the first tree's root itself
    // when size1 is a power of two (the verifier starts from it).
    fn sub(m: u64, n: u64, whole: bool) -> usize {
        if m == n {
            return usize::from(!whole);
        }
        let k = split(n);
        if m <= k {
            sub(m, k, whole) + 1
        } else {
            sub(m - k, n - k, false) + 1
        }
    }
    sub(size1, size2, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_is_the_largest_power_of_two_below() {
        assert_eq!(
            [2, 3, 4, 5, 8, 9, 1 << 40].map(split),
            [1, 2, 2, 4, 4, 8, 1 << 39]
        );
    }

    #[test]
    fn every_proof_of_a_small_tree_verifies_and_a_changed_one_does_not() {
        let mut t = Tree::new();
        for i in 0..40u32 {
            t.push(&i.to_be_bytes());
        }
        for size in 1..=40 {
            let root = t.root_at(size).unwrap();
            for index in 0..size {
                let leaf = t.leaf(index).unwrap();
                let proof = t.inclusion_proof(index, size).unwrap();
                assert_eq!(proof.len(), inclusion_length(index, size));
                verify_inclusion(index, size, &leaf, &proof, &root).unwrap();
                let mut bad = proof.clone();
                if let Some(h) = bad.first_mut() {
                    h[0] ^= 1;
                    assert!(verify_inclusion(index, size, &leaf, &bad, &root).is_err());
                }
            }
            for size1 in 1..=size {
                let proof = t.consistency_proof(size1, size).unwrap();
                if size1 < size {
                    assert_eq!(proof.len(), consistency_length(size1, size));
                }
                let root1 = t.root_at(size1).unwrap();
                verify_consistency(size1, size, &root1, &root, &proof).unwrap();
                if size1 < size {
                    let mut other = root1;
                    other[31] ^= 1;
                    assert!(verify_consistency(size1, size, &other, &root, &proof).is_err());
                }
            }
        }
    }
}
