//! The framework file: a security guarantee written as declarations, and
//! the checker that finds the gaps which make guarantees fail.
//!
//! ```text
//! text ──load──► Framework + diagnostics ──check──► findings ──Report::new──► scores
//! ```
//!
//! Architecture Invariant: this crate does no I/O and never reads the clock;
//! referenced files arrive through [`load::Files`].

pub mod check;
pub mod codes;
pub mod diff;
pub mod load;
pub mod reference;
pub mod report;
pub mod schema;

pub use check::check;
pub use load::{Files, Framework, NoFiles, load};
pub use report::Report;

/// Loads and checks a framework in one step: every diagnostic of both phases,
/// sorted by location, then code.
pub fn load_and_check(
    path: &str,
    text: &str,
    files: &dyn Files,
) -> (Framework, Vec<base::Diagnostic>) {
    let (fw, mut diags) = load(path, text, files);
    diags.extend(check(&fw));
    diags.sort();
    diags.dedup();
    (fw, diags)
}
