//! FollowTheMoney: any bytes give targets and notes, never a panic; the
//! target lines written read back as the same targets, with nothing refused.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let read = ingest::ftm::read(data);
    let lines = ingest::ftm::encode(&read.targets);
    let again = ingest::ftm::read(lines.as_bytes());
    assert!(again.outcome.rejected.is_empty(), "{:?}", again.outcome.rejected);
    assert_eq!(again.targets, read.targets);
    for note in read.outcome.skipped.iter().chain(&read.outcome.rejected) {
        assert!(note.at.line >= 1 && note.at.column >= 1);
    }
});
