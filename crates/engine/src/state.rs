//! The engine's state machine.

use base::Timestamp;
use framework::Framework;
use model::Input;

use crate::decision::{Breach, Decision, Incident};

/// Recorded in every decision's report: replaying with other code reports
/// divergences instead of rewriting history.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Why the engine cannot run a framework or take a call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EngineError {
    /// The framework has errors the engine cannot work around.
    Framework(Vec<String>),
    /// Recorded time went backwards.
    TimeWentBack { last: Timestamp, given: Timestamp },
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EngineError::Framework(problems) => {
                write!(f, "the framework cannot be run: {}", problems.join("; "))
            }
            EngineError::TimeWentBack { last, given } => {
                write!(f, "recorded time went back from {last} to {given}")
            }
        }
    }
}

impl std::error::Error for EngineError {}

/// The engine over one framework.
#[derive(Debug)]
pub struct Engine {
    now: Option<Timestamp>,
    incidents: Vec<Incident>,
    breaches: Vec<Breach>,
}

impl Engine {
    pub fn new(_framework: &Framework) -> Result<Engine, EngineError> {
        Ok(Engine {
            now: None,
            incidents: Vec::new(),
            breaches: Vec::new(),
        })
    }

    /// Applies one input recorded at `recorded` (which never goes back);
    /// first fires every clock that expires before it.
    pub fn submit(
        &mut self,
        recorded: Timestamp,
        _input: &Input,
    ) -> Result<Vec<Decision>, EngineError> {
        let decisions = self.advance(recorded)?;
        Ok(decisions)
    }

    /// Moves "now" to `now`, firing the clocks whose deadline is at or before it.
    pub fn advance(&mut self, now: Timestamp) -> Result<Vec<Decision>, EngineError> {
        if let Some(last) = self.now {
            if now < last {
                return Err(EngineError::TimeWentBack { last, given: now });
            }
        }
        self.now = Some(now);
        Ok(Vec::new())
    }

    pub fn incidents(&self) -> &[Incident] {
        &self.incidents
    }

    pub fn breaches(&self) -> &[Breach] {
        &self.breaches
    }
}
