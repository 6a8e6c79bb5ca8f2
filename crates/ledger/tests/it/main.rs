//! The ledger against the world's vectors and a peer implementation.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod js;
mod notes;
mod peer;
mod subtree;
mod tiles;
mod vectors;

use std::path::PathBuf;

/// The shared real-data directory, or `None` with a message saying the
/// test is skipped.
pub fn real_data(test: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("BULWARK_REAL_DATA").map(PathBuf::from);
    if dir.is_none() {
        eprintln!(
            "{test}: skipped: BULWARK_REAL_DATA is not set (point it at the shared data directory)"
        );
    }
    dir
}
