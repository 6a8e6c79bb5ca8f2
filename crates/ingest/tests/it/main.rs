//! The converters on files: our own fixtures under `test_data/` (always),
//! and the real samples of the shared data directory when
//! `BULWARK_REAL_DATA` points at it (said plainly when it does not).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cot;
mod ftm;
mod real;
mod schema;
mod stix;
mod stix_out;

use std::path::{Path, PathBuf};

use ingest::{Defaults, Outcome};

pub fn test_data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("test_data")
        .join(rel)
}

pub fn defaults() -> Defaults {
    Defaults {
        party: "ukraine".into(),
        source: "radar-kyiv-3".into(),
        class: "radar".into(),
    }
}

/// The outcome as text: one line per observation (the wire line), skip and
/// refusal.
pub fn render(o: &Outcome) -> String {
    let mut s = format!(
        "read {}, imported {}, skipped {}, rejected {}\n",
        o.read,
        o.observations.len(),
        o.skipped.len(),
        o.rejected.len()
    );
    for obs in &o.observations {
        s.push_str(&model::encode_line(&model::Input::Observation(obs.clone())));
        s.push('\n');
    }
    for (what, notes) in [("skipped", &o.skipped), ("rejected", &o.rejected)] {
        for n in notes {
            s.push_str(&format!(
                "{what} {}:{} (byte {}) {:?}: {}\n",
                n.at.line, n.at.column, n.at.offset, n.record, n.message
            ));
        }
    }
    s
}

/// Compares `actual` with the file `expected` (relative to `test_data/`);
/// `BULWARK_BLESS=1` rewrites it.
pub fn check(expected: &str, actual: &str) {
    let path = test_data(expected);
    if std::env::var_os("BULWARK_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (bless with BULWARK_BLESS=1)", path.display()));
    if want != actual {
        panic!(
            "{} differs (bless with BULWARK_BLESS=1)\n--- want\n{want}\n--- got\n{actual}",
            path.display()
        );
    }
}

/// The shared real-data directory, or `None` with a message saying the
/// test is skipped.
pub fn real_data(test: &str) -> Option<PathBuf> {
    match std::env::var_os("BULWARK_REAL_DATA") {
        Some(dir) => Some(PathBuf::from(dir)),
        None => {
            eprintln!(
                "{test}: skipped: BULWARK_REAL_DATA is not set (point it at the shared data directory)"
            );
            None
        }
    }
}

/// `docs/ingest.md` holds `section` (between `<!-- NAME -->` and
/// `<!-- /NAME -->`) exactly as generated; `BULWARK_BLESS=1` rewrites it.
pub fn check_docs_section(name: &str, generated: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/ingest.md");
    let docs = std::fs::read_to_string(&path).unwrap();
    let (open, close) = (format!("<!-- {name} -->\n"), format!("<!-- /{name} -->"));
    let start = docs
        .find(&open)
        .unwrap_or_else(|| panic!("docs/ingest.md lacks `{open}`"))
        + open.len();
    let end = docs
        .find(&close)
        .unwrap_or_else(|| panic!("docs/ingest.md lacks `{close}`"));
    if std::env::var_os("BULWARK_BLESS").is_some() {
        let text = format!("{}{generated}{}", &docs[..start], &docs[end..]);
        std::fs::write(&path, text).unwrap();
        return;
    }
    assert_eq!(
        &docs[start..end],
        generated,
        "docs/ingest.md section `{name}` differs from the code (bless with BULWARK_BLESS=1)"
    );
}
