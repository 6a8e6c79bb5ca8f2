//! The engine's first, straightforward implementation (string keys, full
//! recomputation on every change), kept as a test oracle: the optimized
//! engine must make byte-identical decisions and views on every input.
//! Change both together when a rule changes.
#![allow(dead_code, clippy::all)]

mod compile;

mod geo;
mod state;

pub use state::Engine;
