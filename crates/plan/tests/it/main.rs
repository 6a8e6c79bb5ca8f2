//! The plan crate's one integration-test binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod check_refuses;
mod common;
mod hand;
mod instance_errors;
mod reference;
