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
pub mod independence;
pub mod load;
pub mod reference;
pub mod report;
pub mod schema;

pub use check::check;
pub use load::{Files, Framework, NoFiles, load};
pub use report::Report;

/// Like [`load_and_check`], for bytes that may not be UTF-8: invalid text is
/// one `B001` diagnostic at the first invalid byte, not a failure to read.
pub fn load_and_check_bytes(
    path: &str,
    bytes: &[u8],
    files: &dyn Files,
) -> (Framework, Vec<base::Diagnostic>) {
    match std::str::from_utf8(bytes) {
        Ok(text) => load_and_check(path, text, files),
        Err(error) => {
            let valid = bytes.get(..error.valid_up_to()).unwrap_or_default();
            // INVARIANT: the prefix up to `valid_up_to` is valid UTF-8.
            let prefix = String::from_utf8_lossy(valid);
            let (line, column) = base::LineIndex::new(&prefix).line_column(&prefix, prefix.len());
            let byte = bytes.get(error.valid_up_to()).copied().unwrap_or_default();
            let fw = Framework::empty(path, bytes);
            let diagnostic = base::Diagnostic {
                location: base::Location {
                    path: path.to_string(),
                    line,
                    column,
                },
                code: codes::SYNTAX,
                severity: base::Severity::Error,
                message: format!(
                    "the file is not UTF-8 text (byte 0x{byte:02x} at offset {}): save it as UTF-8",
                    error.valid_up_to()
                ),
            };
            let mut diags = check(&fw);
            diags.push(diagnostic);
            diags.sort();
            (fw, diags)
        }
    }
}

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
