//! The generated documents in docs/ agree with the code.
//! `BULWARK_BLESS=1` rewrites them.

use std::path::PathBuf;

fn check_doc(name: &str, generated: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs")
        .join(name);
    if std::env::var_os("BULWARK_BLESS").is_some() {
        std::fs::write(&path, generated).unwrap();
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == generated,
        "docs/{name} is out of step with the code; run `BULWARK_BLESS=1 cargo test -p framework --test it reference` and commit the result"
    );
}

#[test]
fn framework_reference_is_current() {
    check_doc("framework-reference.md", &framework::reference::markdown());
}

#[test]
fn findings_catalogue_is_current() {
    check_doc("findings.md", &framework::reference::findings_markdown());
}

#[test]
fn reference_mentions_every_section_and_code() {
    let doc = framework::reference::markdown();
    for (section, array) in framework::load::SECTIONS {
        let header = if *array {
            format!("## `[[{section}]]`")
        } else {
            format!("## `[{section}]`")
        };
        assert!(doc.contains(&header), "no heading {header}");
    }
    for code in framework::codes::CATALOGUE {
        assert!(doc.contains(code.code), "{} missing", code.code);
    }
    // Every field of a section type is documented (spot-check the ones checks rely on).
    for field in [
        "`threshold`",
        "`window`",
        "`range_end`",
        "`on_expiry`",
        "`escalate_to`",
        "`violated_by`",
        "`snapback_all`",
        "`releasable_to`",
        "`overhaul_takes`",
    ] {
        assert!(doc.contains(field), "{field} undocumented");
    }
}
