//! The inputs of bulwark and their wire format.
//!
//! Every system that talks to bulwark — ingest converters, exercise
//! scenarios, and later the node's API — speaks one format: **JSON lines**,
//! one input per line, each an object with `"v": 1` and a `"type"`. See
//! `docs/wire-format.md`; golden files under `crates/model/test_data/`
//! are decoded by a test.
//!
//! What is logged is encoded canonically (RFC 8785, [`canonical`]), so that
//! the same input always hashes to the same bytes; test vectors under
//! `crates/model/test_data/canonical/` pin it. [`mod@reference`] generates
//! `docs/wire-format.md` from the types; [`validate`] checks what the types
//! cannot express (an interval ending before it starts, a position off the
//! globe, …).
//!
//! Architecture Invariant: no floating point anywhere in these types;
//! coordinates are integers of 10⁻⁷ degree and confidences basis points.

pub mod canonical;
pub mod input;
mod name;
pub mod reference;
mod strict;
pub mod validate;
pub mod wire;

pub use input::*;
pub use name::Name;
pub use wire::{
    INPUT_TYPES, LINE_BYTES_MAX, WIRE_VERSION, WireError, decode_line, decode_lines, encode_line,
};
