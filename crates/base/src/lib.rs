//! Shared vocabulary of bulwark: durations with explicit units, fixed-point
//! numbers (basis points, coordinates), and diagnostics with locations.
//!
//! Architecture Invariant: this crate does no I/O and never reads the clock.

pub mod diag;
pub mod duration;
pub mod fixed;
pub mod jcs;
pub mod time;

pub use diag::{Diagnostic, LineIndex, Location, Severity};
pub use duration::Duration;
pub use fixed::{BasisPoints, Coordinate};
pub use time::Timestamp;
