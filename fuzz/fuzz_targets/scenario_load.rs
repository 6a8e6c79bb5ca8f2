//! Fuzz target: arbitrary bytes as an exercise scenario, against the
//! ukraine-2025 example framework. Loading must never panic; a scenario that
//! loads must run without panicking (the engine's invariants hold on any
//! input the loader accepts).
//!
//! Run from the repository root: `cargo +nightly fuzz run scenario_load`.
#![no_main]

use std::sync::OnceLock;

use framework::{Files, Framework, NoFiles};
use libfuzzer_sys::fuzz_target;

struct Dir(&'static str);

impl Files for Dir {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        std::fs::read(format!("{}/{path}", self.0)).map_err(|e| e.to_string())
    }
}

fn framework() -> &'static Framework {
    static FW: OnceLock<Framework> = OnceLock::new();
    FW.get_or_init(|| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/ukraine-2025");
        let text = std::fs::read_to_string(format!("{dir}/framework.toml")).expect("the example framework");
        framework::load_and_check("framework.toml", &text, &Dir(dir)).0
    })
}

fuzz_target!(|data: &[u8]| {
    let fw = framework();
    match exercise::load::load("fuzz.toml", data, &NoFiles, fw) {
        Ok(scenario) => {
            let _ = exercise::run::run(fw, &scenario);
        }
        Err(errors) => {
            for e in &errors {
                assert!(e.location.line >= 1 && e.location.column >= 1);
            }
        }
    }
});
