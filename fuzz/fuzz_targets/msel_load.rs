//! Fuzz target: arbitrary bytes as an MSEL (CSV scenario), against the
//! ukraine-2025 example framework. Loading must never panic and every error
//! must be located; a list that loads must run, and its HTML report must
//! render, without panicking.
//!
//! Run from the repository root: `cargo +nightly fuzz run msel_load`.
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
    match exercise::msel::load("fuzz.csv", data, &NoFiles, fw) {
        Ok(scenario) => {
            if let Ok(report) = exercise::run::run(fw, &scenario) {
                let _ = exercise::html::report(&report, &scenario);
            }
        }
        Err(errors) => {
            for e in &errors {
                assert!(e.location.line >= 1 && e.location.column >= 1);
            }
        }
    }
});
