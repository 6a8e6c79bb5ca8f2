//! Evidence packs, log entries, witness state and keys: any bytes give a
//! result, never a panic; a pack that verifies parses again to the same
//! pack, and witness state that parses encodes back to state that parses
//! the same.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(report) = ledger::pack::verify(data, None) {
        let again = ledger::pack::parse(data);
        assert!(again.is_ok(), "a verified pack does not parse: {report:?}");
    }
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = ledger::entry::Entry::read(&value);
        let _ = ledger::entry::canonical(&value);
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(w) = ledger::witness::Witness::parse(text) {
        let encoded = w.encode();
        match ledger::witness::Witness::parse(&encoded) {
            Ok(again) => assert_eq!(again.encode(), encoded),
            Err(e) => panic!("encoded witness state does not parse: {e}"),
        }
    }
    let _ = ledger::witness::CosignatureVerifier::parse(text);
    let _ = ledger::witness::Cosigner::parse(text);
});
