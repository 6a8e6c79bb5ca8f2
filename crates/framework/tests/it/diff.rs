//! Tests: diff.
