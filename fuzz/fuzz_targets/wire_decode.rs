//! Fuzz target: arbitrary bytes through the wire-format decoder.
//!
//! `decode_lines` must never panic: every bad line is a `WireError` with a
//! line number, and every good line that `validate` accepts decodes to an
//! input that re-encodes to canonical bytes which decode to the same input.
//!
//! Run from the repository root: `cargo +nightly fuzz run wire_decode`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (inputs, errors) = model::decode_lines(&text);
    for e in &errors {
        assert!(e.line >= 1 && e.column >= 1, "an error without a position: {e}");
    }
    for (line, input) in &inputs {
        assert!(*line >= 1);
        // What `validate` refuses never reaches the log (e.g. a quantity
        // beyond 2^53, which RFC 8785's doubles cannot carry exactly).
        if !input.validate().is_empty() {
            continue;
        }
        let canonical = model::encode_line(input);
        let again = model::decode_line(&canonical, 1).expect("a canonical line decodes");
        assert_eq!(&again, input, "canonical round trip changed the input");
    }
});
