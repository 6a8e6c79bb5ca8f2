//! A broken field is reported and set aside; the rest of its item is still
//! checked, and findings on later elements still point at the right lines.

use framework::{NoFiles, load_and_check};

const TEXT: &str = r#"[framework]
id = "x"
version = "1"

[[tier]]
id = "t1"
level = 1
mode = "automatic"
escalate = [{ to = "t1", when = "repeat", within = "30" }]

[[tier.action]]
id = "a1"
kind = "resupply"
measure = "m"
deadline = "24"

[[tier.action]]
id = "a2"
kind = "resupply"

[[tier.action]]
id = "a3"
kind = "resupply"
measure = "ok"
by = 7
"#;

fn findings() -> Vec<String> {
    let (fw, diags) = load_and_check("f.toml", TEXT, &NoFiles);
    assert_eq!(fw.tiers.len(), 1, "the tier survives its broken fields");
    assert_eq!(
        fw.tiers[0]
            .actions
            .iter()
            .map(|a| a.id.as_str())
            .collect::<Vec<_>>(),
        ["a1", "a3"],
        "only the action lacking a required field is set aside"
    );
    diags.iter().map(ToString::to_string).collect()
}

fn has(lines: &[String], wanted: &str) {
    assert!(
        lines.iter().any(|l| l.starts_with(wanted)),
        "no line starting {wanted:?} in:\n{}",
        lines.join("\n")
    );
}

#[test]
fn every_broken_field_is_reported_where_it_is() {
    let lines = findings();
    has(
        &lines,
        "f.toml:9:52: error[B005]: `tier` item `t1`: duration `30` has no unit",
    );
    has(
        &lines,
        "f.toml:15:12: error[B005]: `tier` item `t1`: duration `24` has no unit",
    );
    has(
        &lines,
        "f.toml:17:1: error[B002]: `tier` item `t1`: required field `measure` is missing",
    );
    has(
        &lines,
        "f.toml:25:6: error[B002]: `tier` item `t1`: wrong type: integer `7`, expected a string",
    );
}

#[test]
fn the_rest_is_still_checked_at_its_own_lines() {
    let lines = findings();
    // The escalation survives without its broken `within`: its cycle is found.
    has(&lines, "f.toml:9:1: error[B308]");
    // a1 lost its deadline; a3, after the set-aside a2, is located at its own header.
    has(
        &lines,
        "f.toml:11:1: error[B303]: action `a1` has no `deadline`",
    );
    has(
        &lines,
        "f.toml:21:1: error[B302]: action `a3` names no executing party",
    );
}
