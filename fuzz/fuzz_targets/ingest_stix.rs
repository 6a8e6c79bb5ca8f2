//! STIX: any bytes give an outcome, never a panic; every observation made
//! is a valid input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let defaults = ingest::Defaults {
        party: "p".into(),
        source: "s".into(),
        class: "c".into(),
    };
    let out = ingest::stix::convert(data, &defaults);
    for o in out.observations {
        assert!(model::Input::Observation(o).validate().is_empty());
    }
});
