//! What an amendment changes, in words: `bulwark check --diff OLD NEW`.
//! Placeholder until the diff lands.

use serde::Serialize;

use crate::load::Framework;

/// One change between two versions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    pub sentence: String,
}

pub fn diff(_old: &Framework, _new: &Framework) -> Vec<Change> {
    Vec::new()
}
