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

/// Asserts some problem is at `line:column` and says `words`.
fn has(problems: &[String], line: u32, column: u32, words: &str) {
    let at = format!("p.cedar:{line}:{column}: ");
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with(&at) && p.contains(words)),
        "no problem at {line}:{column} saying {words:?} in {problems:#?}"
    );
}

#[test]
fn a_syntax_error_is_located() {
    // The closing parenthesis of the scope is missing.
    let text = "// reads\n@id(\"a\")\npermit (principal, action == Action::\"read\", resource\nwhen { true };\n";
    let problems = refused(text);
    has(&problems, 4, 1, "unexpected token `when`");
    // A missing `;` at the very end.
    let problems = refused("@id(\"a\")\npermit (principal, action, resource)\n");
    has(&problems, 2, 37, "unexpected end of input");
}

#[test]
fn an_unknown_attribute_is_located() {
    let text = "@id(\"a\")\npermit (principal is Key, action == Action::\"submit\", resource)\nwhen { principal.rolez.contains(\"reporter\") };\n";
    let problems = refused(text);
    has(
        &problems,
        3,
        8,
        "attribute `rolez` on entity type `Key` not found",
    );
    has(&problems, 3, 8, "did you mean `roles`?");
    // The message names the rule by its @id, not Cedar's number for it.
    has(&problems, 3, 8, "for rule `a`");
}

#[test]
fn an_unknown_entity_type_is_located() {
    let text = "@id(\"ok\")\npermit (principal, action == Action::\"read\", resource == View::\"public\");\n\n@id(\"a\")\npermit (principal is Keyz, action, resource);\n";
    let problems = refused(text);
    has(&problems, 5, 22, "unrecognized entity type `Keyz`");
}

#[test]
fn an_unknown_action_and_context_field_are_located() {
    let problems =
        refused("@id(\"a\")\npermit (principal, action == Action::\"delete\", resource);\n");
    has(&problems, 2, 30, "`Action::\"delete\"`");
    let problems = refused(
        "@id(\"a\")\npermit (principal, action == Action::\"vote\", resource)\nwhen { context.class == SourceClass::\"radar\" };\n",
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("p.cedar:3:") && p.contains("`class`")),
        "{problems:#?}"
    );
}

#[test]
fn a_rule_without_a_name_or_with_a_repeated_name_is_refused() {
    let text = "@id(\"a\")\npermit (principal, action == Action::\"read\", resource);\n  permit (principal, action == Action::\"read\", resource);\n@id(\"a\")\nforbid (principal, action == Action::\"read\", resource);\n";
    let problems = refused(text);
    has(
        &problems,
        3,
        3,
        "this rule has no name: put `@id(\"…\")` before it",
    );
    has(&problems, 4, 1, "a second rule is named `a`");
}

#[test]
fn an_entity_that_names_nothing_is_refused() {
    let text = "@id(\"a\")\npermit (principal, action == Action::\"submit\", resource == Kind::\"obsrvation\");\n@id(\"b\")\npermit (principal is Key, action == Action::\"vote\", resource == Tier::\"t7\");\n";
    let problems = refused(text);
    has(&problems, 2, 60, "`Kind::\"obsrvation\"` names nothing");
    has(&problems, 2, 60, "`observation`");
    has(&problems, 4, 65, "`Tier::\"t7\"` names nothing");
    has(&problems, 4, 65, "`t3-energy-shipping`");
}

#[test]
fn templates_and_empty_policies_are_refused() {
    let problems = refused("@id(\"a\")\npermit (principal == ?principal, action, resource);\n");
    has(&problems, 1, 1, "bulwark uses no templates");
    let problems = refused("// nothing yet\n");
    has(&problems, 1, 1, "the policy has no rules");
}

#[test]
fn a_policy_too_large_is_refused_before_parsing() {
    let text = format!(
        "// {}\n{}",
        "x".repeat(authz::POLICY_BYTES_MAX),
        shipped_text()
    );
    let problems = refused(&text);
    has(&problems, 1, 1, "more than the 1048576 accepted");
}
