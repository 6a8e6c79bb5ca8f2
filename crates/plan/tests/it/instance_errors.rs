//! What `Instance::new` refuses, each error located and naming the thing.

use plan::{Instance, InstanceError};

use crate::common::{framework_from, rotations_text};

fn errors(text: &str, days: u32) -> Vec<InstanceError> {
    let fw = framework_from("tight.toml", text);
    Instance::new(&fw, days).unwrap_err()
}

fn assert_error(errors: &[InstanceError], words: &str) {
    let e = errors
        .iter()
        .find(|e| e.message.contains(words))
        .unwrap_or_else(|| panic!("no error saying {words:?}: {errors:#?}"));
    // Located in the file: `tight.toml:line:column`.
    assert!(e.location.starts_with("tight.toml:"), "{e}");
}

/// `tight.toml` with its first unit's field `line` replaced.
fn first_unit_with(from: &str, to: &str) -> String {
    let text = rotations_text("tight.toml");
    assert!(text.contains(from));
    text.replacen(from, to, 1)
}

#[test]
fn zero_days_and_too_many() {
    let text = rotations_text("tight.toml");
    assert_error(
        &errors(&text, 0),
        "the plan must cover 1 to 3660 days, not 0",
    );
    assert_error(&errors(&text, 3661), "not 3661");
}

#[test]
fn a_unit_with_an_unknown_hub() {
    let text = first_unit_with("hub = \"hub-north\"\nhome", "hub = \"hub-nowhere\"\nhome");
    assert_error(
        &errors(&text, 30),
        "unit `u-patriot-1` names hub `hub-nowhere`, which is not a `[[hub]]`",
    );
}

#[test]
fn a_unit_with_no_hub() {
    let text = first_unit_with("hub = \"hub-north\"\nhome", "home");
    assert_error(
        &errors(&text, 30),
        "unit `u-patriot-1` has no maintenance hub",
    );
}

#[test]
fn a_unit_at_home_at_a_site_it_cannot_cover() {
    let text = first_unit_with("system = \"patriot\"", "system = \"gepard\"");
    assert_error(
        &errors(&text, 30),
        "unit `u-patriot-1` starts at site `site-1a`, which its system (gepard) does not cover",
    );
}

#[test]
fn a_unit_at_home_nowhere() {
    let text = first_unit_with("home = \"site-1a\"", "home = \"site-nowhere\"");
    assert_error(
        &errors(&text, 30),
        "unit `u-patriot-1` starts at `site-nowhere`, which is neither a site nor its hub",
    );
}

#[test]
fn an_overhaul_cycle_without_its_length() {
    let text = first_unit_with("overhaul_takes = \"30d\"\n", "");
    assert_error(
        &errors(&text, 30),
        "unit `u-patriot-1` has `overhaul_every` but not `overhaul_takes`",
    );
}
