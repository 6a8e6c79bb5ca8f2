//! The decision engine, part one: from inputs to certified breaches.
//!
//! ```text
//! input ──validate──► observation ──fuse──► incident ──triggers──► breach
//!                                                     └─standard─► certified / review clock
//! ```
//!
//! The engine is a pure state machine: [`Engine::submit`] takes an input with
//! its *recorded* time (the sequencer's, monotonic) and returns the decisions
//! it caused; [`Engine::advance`] moves "now" forward and fires the clocks
//! that expire. It never reads the clock, does no I/O, and iterates no hash
//! map into an output: the same inputs give byte-identical decisions.
//!
//! Codemap: `compile` interns the framework's ids and precomputes their
//! relations; `state` holds the engine, validation, the inputs seen, fusion
//! indexes, clocks, views and pruning; `fusion` the observations and
//! incidents with their counts; `certify` the triggers, breaches, evidence
//! and reviews; `geo` fixed-point geometry; `hash` lookup hashing and input
//! fingerprints; `rfc3339` timestamps in words; `decision` the serialized
//! types; `ladder` and `decider` the response ladder and both halves
//! together. The first, plain implementation of this half is kept under
//! `tests/it/oracle` as a test oracle: every decision and view must match it.
//!
//! Architecture Invariant: hash maps serve lookups only (ids, inputs seen);
//! none is iterated into a decision, a view or an order of work.
//!
//! Architecture Invariant: ids are interned as integers in the sorted order
//! of their names, so any order a decision shows (groups of evidence, the
//! order confidences combine in, the tie between zones) is the names' order.
//!
//! Architecture Invariant: without history (`EngineOptions`), memory is
//! bounded by the framework's windows and late limits, not by how long the
//! engine runs; forgetting never changes a decision (tests/it/history.rs).

mod certify;
mod compile;
pub mod decider;
pub mod decision;
mod fusion;
mod geo;
mod hash;
pub mod ladder;
mod retract;
mod rfc3339;
pub mod snapshot;
mod state;

pub use decider::{Decider, Step};
pub use decision::{
    Breach, BreachStatus, CountRange, Decision, Incident, SourceRef, TriggerWindow,
};
pub use snapshot::{SNAPSHOT_FORMAT, SnapshotError};
pub use state::{ENGINE_VERSION, Engine, EngineError, EngineOptions, Retained};
