//! `docs/scenario-format.md` agrees with the code. `BULWARK_BLESS=1`
//! rewrites it.

use crate::common::repo;

#[test]
fn scenario_format_reference_is_current() {
    let path = repo().join("docs/scenario-format.md");
    let generated = exercise::reference::markdown();
    if std::env::var_os("BULWARK_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == generated,
        "docs/scenario-format.md is out of step with the code; run `BULWARK_BLESS=1 cargo test -p exercise --test it reference` and commit the result"
    );
}

#[test]
fn reference_documents_every_field_and_form() {
    let doc = exercise::reference::markdown();
    for header in ["## `[scenario]`", "## `[[inject]]`", "## `[[expect]]`"] {
        assert!(doc.contains(header), "no heading {header}");
    }
    for form in exercise::schema::FORMS {
        assert!(
            doc.contains(&format!("| `{}` |", form.subject)),
            "form `{}` undocumented",
            form.subject
        );
    }
    for field in exercise::schema::CONDITIONS {
        assert!(
            doc.contains(&format!("| `{field}` |")),
            "field `{field}` undocumented"
        );
    }
    for field in [
        "`at`", "`input`", "`file`", "`start`", "`end`", "`note`", "`as_of`",
    ] {
        assert!(doc.contains(field), "{field} undocumented");
    }
}
