//! Key statements and the key registry file: any text reads to a result,
//! never a panic; a statement that reads writes back to text that reads
//! as the same statement, and a registry with its party enrolled checks it
//! without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = keyring::parse_roots(text);
    let Ok(signed) = keyring::Signed::parse(text) else {
        return;
    };
    let again = keyring::Signed::parse(&signed.to_json().to_string());
    assert_eq!(again.as_ref(), Ok(&signed), "{text:?}");
    let root = match ledger::note::Signer::from_seed("fuzz-root", [3; 32]) {
        Ok(s) => s,
        Err(e) => panic!("the fixed signer is refused: {e}"),
    };
    let mut registry = keyring::Registry::default();
    if registry
        .enrol(&signed.statement.party, &root.verifier(), 0)
        .is_ok()
    {
        let _ = registry.check(&signed);
        let resigned = keyring::sign(&signed.statement, &root);
        let before = registry.clone();
        if registry.apply(&resigned, 1).is_err() {
            assert_eq!(registry, before, "a refused statement changed the registry");
        }
    }
});
