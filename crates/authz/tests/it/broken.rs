//! Broken policies are refused, each problem located by line and column.

use authz::Policy;

use crate::common::{example, shipped_text};

/// The problems of `text`, which must be refused.
fn refused(text: &str) -> Vec<String> {
    match Policy::load(&example(), text, "p.cedar") {
        Ok(_) => panic!("the policy was accepted:\n{text}"),
        Err(problems) => problems,
    }
}

#[test]
fn print() {
    for text in [
        "@id(\"a\")\npermit (principal, action, resource)\n",
        "@id(\"a\")\npermit (principal is Key, action == Action::\"submit\", resource)\nwhen { principal.rolez.contains(\"x\") };",
        "@id(\"a\")\npermit (principal is Keyz, action, resource);",
        "permit (principal, action, resource);",
        "@id(\"a\")\npermit (principal, action == Action::\"read\", resource == View::\"pubic\");",
        "@id(\"a\")\npermit (principal, action == Action::\"submit\", resource == View::\"public\");",
    ] {
        eprintln!("{:#?}", refused(text));
    }
    let _ = shipped_text();
}
