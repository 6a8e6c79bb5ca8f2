//! Exercises: a scenario — a script of injects on a virtual clock, with the
//! outcomes expected from the framework's rules written down beforehand —
//! run through the same decision engine a live node uses, and an
//! after-action report that says, expectation by expectation, whether the
//! guarantee behaved as written.
//!
//! ```text
//! scenario.toml (+ .jsonl files) ──load──► Scenario ──run(decider)──► Report
//!                                                        └─ expectations judged ─┘
//! ```
//!
//! Architecture Invariant: this crate does no I/O and never reads the clock;
//! referenced files arrive through [`framework::Files`], and the engine's
//! "now" is only ever an inject's recorded time or the scenario's end. The
//! same framework and scenario give a byte-identical report on every run.

pub mod compare;
pub mod expect;
pub mod explain;
pub mod html;
pub mod load;
pub mod msel;
pub mod record;
pub mod reference;
pub mod run;
pub mod schema;
pub mod time;

pub use compare::{Change, ChangeKind, Comparison, compare};
pub use expect::{Evaluation, Outcome, evaluate};
pub use load::{Check, Expectation, IncidentRef, Inject, Scenario, ScenarioError, load};
pub use record::RunLog;
pub use run::{
    Report, RunError, describe, describe_step, plain, run, run_logged, run_with_progress, step_at,
};

/// The report as pretty JSON with a final newline (what `--format json` prints).
pub fn report_json(report: &Report) -> String {
    let mut text = serde_json::to_string_pretty(report).unwrap_or_default();
    text.push('\n');
    text
}
