//! Tests: regressions.
