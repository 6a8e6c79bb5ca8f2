//! Tests: pairs.
