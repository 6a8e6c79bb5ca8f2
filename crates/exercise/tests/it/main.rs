//! The exercise crate's one integration-test binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod aar;
mod bad;
mod common;
mod expectations;
mod ladder;
mod packs;
mod reference;
mod scenarios;
