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

mod compile;
pub mod decision;
mod geo;
mod state;

pub use decision::{Breach, BreachStatus, CountRange, Decision, Incident, SourceRef};
pub use state::{ENGINE_VERSION, Engine, EngineError};
