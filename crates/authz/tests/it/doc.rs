//! `docs/authorization.md`'s table agrees with the shipped policy on the
//! example framework. `BULWARK_BLESS=1` rewrites the table in place.

use authz::{TABLE_BEGIN, TABLE_END};

use crate::common::{repo, shipped};

/// The text between the markers, and where it lies in `doc`.
fn section(doc: &str) -> Option<(usize, usize)> {
    let begin = doc.find(TABLE_BEGIN)? + TABLE_BEGIN.len();
    let begin = begin + usize::from(doc[begin..].starts_with('\n'));
    let end = begin + doc[begin..].find(TABLE_END)?;
    Some((begin, end))
}

#[test]
fn the_table_in_the_docs_is_current() {
    let (fw, policy) = shipped();
    let fresh = authz::table(&fw, &policy);
    let path = repo().join("docs/authorization.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let (begin, end) = section(&doc).unwrap_or_else(|| {
        panic!("docs/authorization.md has no section between `{TABLE_BEGIN}` and `{TABLE_END}`")
    });
    if std::env::var_os("BULWARK_BLESS").is_some() {
        std::fs::write(&path, format!("{}{fresh}{}", &doc[..begin], &doc[end..])).unwrap();
        return;
    }
    assert!(
        doc[begin..end] == fresh,
        "docs/authorization.md's table is out of step with the policy or the code; run `BULWARK_BLESS=1 cargo test -p authz --test it table_in_the_docs` and commit the result, or paste this between the markers:\n\n{fresh}"
    );
}

#[test]
fn the_table_answers_what_the_rules_say() {
    let (fw, policy) = shipped();
    let table = authz::table(&fw, &policy);
    let row = |label: &str| {
        table
            .lines()
            .find(|l| l.starts_with(&format!("| {label} |")))
            .unwrap_or_else(|| panic!("no row `{label}` in\n{table}"))
            .to_string()
    };
    assert_eq!(
        row("submit an observation"),
        "| submit an observation | reporter, analyst | reporter, analyst | reporter, analyst | reporter, analyst | — | no | yes |"
    );
    assert!(
        row("submit a review")
            .starts_with("| submit a review | — | — | analyst | — | — | no | no |")
    );
    assert!(row("submit an outage").ends_with("| — | — | — | — | — | no | no |"));
    assert!(row("read the `public` view").ends_with("| yes | yes |"));
}
