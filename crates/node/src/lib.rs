//! The node: one framework's sequencer ([`sequencer`]) over the decision
//! engine, with its store in embedded SQLite. The HTTP API, the outbox's
//! delivery and the CoT listener are the async shell around it
//! (`bulwark serve`).

pub mod sequencer;

pub use sequencer::{Answer, NodeError, Receipt, Refused, Sequencer, Startup};
