//! The model crate's one integration-test binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod canonical;
mod errors;
mod golden;
mod props;
mod reference;
mod robustness;

use std::path::{Path, PathBuf};

/// `crates/model/test_data/…`.
pub fn test_data(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("test_data")
        .join(relative)
}

/// Whether `BULWARK_BLESS` asks expected files to be rewritten.
pub fn blessing() -> bool {
    std::env::var_os("BULWARK_BLESS").is_some()
}

/// Compares `actual` with the file at `path`, or rewrites the file when
/// blessing. Returns a description of the difference, if any.
pub fn check_file(path: &Path, actual: &str, how_to_bless: &str) -> Option<String> {
    if blessing() {
        std::fs::write(path, actual).unwrap();
        return None;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    if expected == actual {
        return None;
    }
    let line = expected
        .lines()
        .zip(actual.lines())
        .position(|(a, b)| a != b)
        .map_or_else(
            || expected.lines().count().min(actual.lines().count()) + 1,
            |i| i + 1,
        );
    Some(format!(
        "{} differs from the code's output (first at line {line}); if the change is intended, run `{how_to_bless}` and commit the result",
        path.display()
    ))
}
