//! Fuzz target: arbitrary bytes through the framework loader and checker.
//!
//! The loader promises never to panic on input (STYLE 8): every problem is
//! a located diagnostic. The bytes go in twice — as lossy UTF-8 text through
//! `load_and_check`, and raw through `load_and_check_bytes` — and the report
//! is built and serialised as `bulwark check --format json` would.
//!
//! Run from the repository root: `cargo +nightly fuzz run framework_load`
//! (seed the corpus first with `fuzz/seed.sh`).
#![no_main]

use framework::{NoFiles, Report, load_and_check, load_and_check_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (fw, diags) = load_and_check("fuzz.toml", &text, &NoFiles);
    for d in &diags {
        assert!(
            d.location.line >= 1 && d.location.column >= 1,
            "a diagnostic without a location: {d}"
        );
    }
    let report = Report::new(&fw, &diags);
    assert_eq!(report.findings.len(), diags.len());
    assert!(serde_json::to_string(&report).is_ok());

    let (fw, diags) = load_and_check_bytes("fuzz.toml", data, &NoFiles);
    let report = Report::new(&fw, &diags);
    assert!(serde_json::to_string(&report).is_ok());
});
