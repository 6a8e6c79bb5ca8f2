//! The authz crate's one integration-test binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod broken;
mod common;
mod doc;
mod props;
mod rules;
