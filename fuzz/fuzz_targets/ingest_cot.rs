//! CoT: any bytes, whole or fed in pieces, give an outcome and never a
//! panic; the pieces give what the whole gives.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let defaults = ingest::Defaults {
        party: "p".into(),
        source: "s".into(),
        class: "c".into(),
    };
    let whole = ingest::cot::convert(data, &defaults);
    let mut stream = ingest::cot::Stream::new(defaults);
    let mut pieces = ingest::Outcome::default();
    for chunk in data.chunks(7) {
        pieces.extend(stream.push(chunk));
    }
    pieces.extend(stream.finish());
    assert_eq!(whole.observations, pieces.observations);
    assert_eq!(whole.read, pieces.read);
});
