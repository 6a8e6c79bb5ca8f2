//! Storage: the log directory — append-only entries and signed
//! checkpoints, written so that a crash loses nothing acknowledged
//! ([`logdir`]) — and its offline verification ([`verify`]).

pub mod logdir;
pub mod sqlite;
pub mod verify;
