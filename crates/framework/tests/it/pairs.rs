//! Minimal pairs: for every finding code, a defect that triggers it and the
//! same file mended (`test_data/pairs/base.toml`), where it is gone.
//!
//! Each `B###.toml` lists text edits to apply to the base; the base itself
//! must have no findings at all, so the mended file of every pair is clean.

use std::collections::BTreeSet;
use std::path::PathBuf;

use framework::codes::CATALOGUE;
use framework::{NoFiles, load_and_check};

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Pair {
    edit: Vec<Edit>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Edit {
    find: String,
    replace: String,
}

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("test_data/pairs")
}

fn base() -> String {
    std::fs::read_to_string(dir().join("base.toml")).unwrap()
}

fn codes_of(path: &str, text: &str) -> (BTreeSet<&'static str>, Vec<String>) {
    let (_, diags) = load_and_check(path, text, &NoFiles);
    (
        diags.iter().map(|d| d.code).collect(),
        diags.iter().map(ToString::to_string).collect(),
    )
}

/// The defective text of the pair for `code`.
fn defective(code: &str) -> String {
    let path = dir().join(format!("{code}.toml"));
    let spec = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("no minimal pair for {code}: add {}", path.display()));
    let pair: Pair = toml::from_str(&spec).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut text = base();
    for edit in &pair.edit {
        assert_eq!(
            text.matches(&edit.find).count(),
            1,
            "{code}: the text to find must occur exactly once in base.toml:\n{}",
            edit.find
        );
        text = text.replacen(&edit.find, &edit.replace, 1);
    }
    text
}

#[test]
fn base_is_clean() {
    let (codes, lines) = codes_of("base.toml", &base());
    assert!(
        codes.is_empty(),
        "base.toml must have no findings:\n{}",
        lines.join("\n")
    );
}

#[test]
fn every_code_has_a_minimal_pair() {
    let mut failures = Vec::new();
    for entry in CATALOGUE {
        let text = defective(entry.code);
        let (codes, lines) = codes_of(&format!("{}.toml", entry.code), &text);
        if !codes.contains(entry.code) {
            failures.push(format!(
                "{}: defect not reported; found:\n  {}",
                entry.code,
                lines.join("\n  ")
            ));
        }
        // The finding is located at a real line of the defective file.
        let lines_in_file = u32::try_from(text.lines().count()).unwrap();
        let (_, diags) = load_and_check("pair.toml", &text, &NoFiles);
        for d in diags.iter().filter(|d| d.code == entry.code) {
            assert!(
                d.location.line >= 1 && d.location.line <= lines_in_file + 1,
                "{d}"
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn no_pair_without_a_code() {
    let known: BTreeSet<&str> = CATALOGUE.iter().map(|c| c.code).collect();
    for entry in std::fs::read_dir(dir()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let Some(code) = name.strip_suffix(".toml") else {
            continue;
        };
        assert!(
            code == "base" || known.contains(code),
            "{name} names no code in the catalogue"
        );
    }
}

/// Codes found in base.toml after the given (find, replace) edits.
fn codes_after(edits: &[(&str, &str)]) -> (BTreeSet<&'static str>, Vec<String>) {
    let mut text = base();
    for (find, replace) in edits {
        assert_eq!(text.matches(find).count(), 1, "{find}");
        text = text.replacen(find, replace, 1);
    }
    codes_of("edited.toml", &text)
}

#[test]
fn first_response_waits_for_the_slowest_source_the_standard_cannot_do_without() {
    // The only neutral source reports every 47h: with a 24h order, the first
    // action comes 71h after the event, however fast the other sources are.
    let slow_cell = [(
        "operated_by = [\"mon\"]\nneutral = true\n",
        "operated_by = [\"mon\"]\nneutral = true\nreporting_period = \"47h\"\n",
    )];
    let (codes, lines) = codes_after(&slow_cell);
    assert!(codes.contains("B301"), "{}", lines.join("\n"));
    assert!(
        lines
            .iter()
            .any(|l| l.contains("gets its first action 71h after the event")),
        "{}",
        lines.join("\n")
    );
    // A 12h neutral source fits: 12h + 24h is within 48h.
    let fast_cell = [(
        "operated_by = [\"mon\"]\nneutral = true\n",
        "operated_by = [\"mon\"]\nneutral = true\nreporting_period = \"12h\"\n",
    )];
    let (codes, lines) = codes_after(&fast_cell);
    assert!(!codes.contains("B301"), "{}", lines.join("\n"));
}
