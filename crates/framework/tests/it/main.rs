//! The framework crate's one integration-test binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod diff;
mod examples;
mod pairs;
mod reference;
mod regressions;
mod report;
mod salvage;
mod targets;
