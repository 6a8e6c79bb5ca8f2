//! Loading the reference instances and solving them.

use std::path::PathBuf;
use std::sync::OnceLock;

use framework::Framework;
use plan::model::{self, Relax};
use plan::{Instance, Outcome, milp};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A framework from its text (the rotation instances reference no files).
pub fn framework_from(name: &str, text: &str) -> Framework {
    let (fw, _diags) = framework::load(name, text, &framework::NoFiles);
    fw
}

pub fn rotations_text(name: &str) -> String {
    std::fs::read_to_string(root().join("examples/rotations").join(name)).unwrap()
}

pub fn instance(name: &str, days: u32) -> Instance {
    let fw = framework_from(name, &rotations_text(name));
    Instance::new(&fw, days).unwrap()
}

pub fn solve(inst: &Instance) -> Outcome {
    plan::plan(inst, &milp::Options::default()).unwrap()
}

/// Stage 1 only: the fewest uncovered site-days and whether it is proven.
pub fn fewest_gap_days(inst: &Instance) -> (i64, milp::Status) {
    let m = model::build(inst, &Relax::default());
    let solved = milp::solve(&m.milp, &milp::Options::default()).unwrap();
    assert!(!solved.values.is_empty(), "no solution");
    (m.gaps(&solved.values), solved.status)
}

/// `tight.toml` over 180 days, and its plan, solved once for all tests.
pub fn tight() -> &'static (Instance, Outcome) {
    static TIGHT: OnceLock<(Instance, Outcome)> = OnceLock::new();
    TIGHT.get_or_init(|| {
        let inst = instance("tight.toml", 180);
        let out = solve(&inst);
        (inst, out)
    })
}
