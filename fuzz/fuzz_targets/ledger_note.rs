//! Signed notes and checkpoints: any text opens to a result, never a panic;
//! a note that opens has a text ending in a newline that parses again, and
//! a checkpoint that parses encodes back to its own text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let signer = match ledger::note::Signer::from_seed("fuzz.example/log", [3; 32]) {
        Ok(s) => s,
        Err(e) => panic!("the fixed signer is refused: {e}"),
    };
    let verifier = signer.verifier();
    if let Ok(opened) = ledger::note::open(text, std::slice::from_ref(&verifier)) {
        assert!(opened.text.ends_with('\n'));
        assert!(!opened.verified.is_empty());
    }
    if let Ok(c) = ledger::note::Checkpoint::parse(text) {
        assert_eq!(c.encode(), text);
    }
    // Signing what parses as a checkpoint body gives a note that opens.
    if text.ends_with('\n') && !text.ends_with("\n\n") {
        if let Ok(note) = ledger::note::sign(text, std::slice::from_ref(&signer)) {
            let opened = ledger::note::open(&note, std::slice::from_ref(&verifier));
            assert!(opened.is_ok(), "{note:?}: {opened:?}");
        }
    }
});
