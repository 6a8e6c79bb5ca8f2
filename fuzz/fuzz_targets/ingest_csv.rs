//! CSV through a mapping: the first bytes up to a NUL are the mapping, the
//! rest the table. Any bytes give an outcome (or a refused mapping), never
//! a panic; every observation made is a valid input.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// A mapping that reads every kind of column, for tables alone.
const MAPPING: &str = r#"
confidence_bp = 8000
timezone = "Europe/Kyiv"
message = ["a", "b"]
observed = { from = "a", to = "b", formats = ["%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S%:z"] }
counts = { launched = "c", destroyed = "d" }
attributes = { note = "f" }
[weapon]
column = "e"
separator = " and "
models = { "K" = { weapon = "k", kind = "missile_launch", within = ["m"] }, "I" = { weapon = "i", kind = "missile_launch", within = ["m"] }, "S" = { kind = "drone_launch" } }
[place]
column = "f"
separator = " and "
zones = { "U" = "u", "S" = "s", "" = "u" }
several = "u"
"#;

fuzz_target!(|data: &[u8]| {
    let defaults = ingest::Defaults {
        party: "p".into(),
        source: "s".into(),
        class: "c".into(),
    };
    let (mapping, table) = match data.iter().position(|b| *b == 0) {
        Some(i) => match std::str::from_utf8(&data[..i]) {
            Ok(text) => match ingest::table::Mapping::parse(text) {
                Ok(m) => (m, &data[i + 1..]),
                Err(_) => return,
            },
            Err(_) => return,
        },
        None => match ingest::table::Mapping::parse(MAPPING) {
            Ok(m) => (m, data),
            Err(e) => panic!("the fixed mapping is refused: {e:?}"),
        },
    };
    let out = ingest::table::convert(table, &mapping, &defaults);
    for o in out.observations {
        assert!(model::Input::Observation(o).validate().is_empty());
    }
});
