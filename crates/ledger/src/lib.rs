//! The tamper-evident log: every input and decision is a leaf of a Merkle
//! tree hashed as RFC 9162 §2.1 says, so that any party can check, with
//! nothing but a root and a proof, that an entry is in the log
//! ([`merkle::verify_inclusion`]) and that a later log extends an earlier
//! one without changing it ([`merkle::verify_consistency`]).
//!
//! Subtree inclusion and consistency proofs ([`subtree`], as Merkle Tree
//! Certificates use them) show that an entry is in a signed range of the
//! log, and that the range is part of a later tree.
//!
//! Checkpoints of the tree are signed notes ([`note`], C2SP signed-note
//! and tlog-checkpoint) with Ed25519 keys. Witnesses cosign them
//! ([`witness`], C2SP tlog-cosignature) only when each extends the last
//! they cosigned, and a checkpoint is trusted when enough distinct parties
//! did ([`witness::verify_cosignatures`]).
//! What an entry is, [`entry`]; evidence packs, made and verified
//! offline, [`pack`]. The log served as static files, C2SP tlog-tiles
//! hash tiles and entry bundles, and the roots and proofs a client computes
//! from them alone, [`tiles`].
//!
//! Architecture Invariant: no I/O, no clock, no randomness; the same leaves
//! give the same roots and proofs, byte for byte.

pub mod entry;
pub mod merkle;
pub mod note;
pub mod pack;
pub mod subtree;
pub mod tiles;
pub mod witness;
