//! The engine's integration tests: one binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod amend;
mod differential;
mod history;
mod mix;
mod oracle;
mod outage;
mod properties;
mod retraction;
mod rules;
mod snapshot;

use std::path::{Path, PathBuf};

use base::Timestamp;
use engine::{Decision, Engine};
use framework::Files;

#[derive(Debug)]
pub struct Dir(pub PathBuf);

impl Files for Dir {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        std::fs::read(self.0.join(path)).map_err(|e| e.to_string())
    }
}

/// The ukraine-2025 example framework.
pub fn ukraine() -> framework::Framework {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/ukraine-2025");
    let text = std::fs::read_to_string(dir.join("framework.toml")).unwrap();
    let (fw, diags) = framework::load_and_check("framework.toml", &text, &Dir(dir));
    assert!(
        diags.iter().all(|d| d.severity != base::Severity::Error),
        "{diags:?}"
    );
    fw
}

pub fn t(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap()
}

/// Feeds (recorded, json line) pairs; returns every decision.
pub fn run(engine: &mut Engine, inputs: &[(&str, &str)]) -> Vec<Decision> {
    let mut out = Vec::new();
    for (at, line) in inputs {
        let input = model::decode_line(line, 1).unwrap_or_else(|e| panic!("{e}: {line}"));
        out.extend(engine.submit(t(at), &input).unwrap());
    }
    out
}
