//! Tests: diff. Each test edits a small inline framework and checks what
//! `framework::diff::diff` says about the edit — the sentences oversight
//! staff read, and the structured fields a script reads.

use framework::diff::{Change, Kind, Section, diff};

const BASE: &str = r#"
[framework]
id = "diff-base"
version = "1.0"
amendment = { electorate = ["us", "uk", "fr"], quorum = 3 }

[[party]]
id = "ua"
roles = ["protected_state"]

[[party]]
id = "ru"
roles = ["adversary"]

[[party]]
id = "us"
roles = ["guarantor"]

[[party]]
id = "uk"
roles = ["guarantor"]

[[party]]
id = "fr"
roles = ["guarantor"]

[[party]]
id = "hu"
name = "Hungary"
roles = ["contributor"]

[[source_class]]
id = "radar"
kind = "radar"
operated_by = ["ua", "us"]

[[source_class]]
id = "isr"
kind = "isr"
operated_by = ["us", "uk"]

[[standard]]
id = "kinetic"
classes = ["radar", "isr"]
independent_classes = 2
min_confidence = 8000
review = { duration = "12h", on_expiry = "fire" }

[[trigger]]
id = "missile-salvo"
category = "missile"
window = "24h"
threshold = 20
count = "launched"
range_end = "low"
standard = "kinetic"
tier = "t1"

[[trigger]]
id = "drone-swarm"
category = "drone"
window = "24h"
threshold = 50
count = "launched"
standard = "kinetic"
tier = "t1"

[[tier]]
id = "t1"
level = 1
mode = "automatic"
escalate = [{ to = "t2", when = "repeat", count = 3, within = "30d" }]

[[tier.action]]
id = "resupply"
kind = "resupply"
measure = "release interceptors from the pre-positioned stock"
by = "us"
deadline = "48h"
authority = "existing drawdown authority"
tranche = "fund"

[[tier]]
id = "t2"
level = 2
mode = "sign_off"
clock = { duration = "72h", on_expiry = "lapse" }
vote = { electorate = ["us", "uk", "fr"], quorum = 2 }

[[tier.action]]
id = "finance"
kind = "financial"
measure = "impose the financial package"
by = "uk"
deadline = "72h"
sanctions = "pkg"

[[sanctions]]
id = "pkg"
targets = [{ name = "Example Bank", kind = "bank" }]
pre_cleared = true

[[tranche]]
id = "fund"
source = "frozen_asset_windfall"
amount_millions = 1000
currency = "EUR"
status = "funded"

[[commitment]]
id = "uk-155"
party = "uk"
category = "155mm"
quantity = 30000
schedule = [{ day = 30, quantity = 10000 }, { day = 90, quantity = 30000 }]
"#;

/// `BASE` with each `(from, to)` replaced once; every `from` must be there.
fn edit(edits: &[(&str, &str)]) -> String {
    let mut text = BASE.to_string();
    for (from, to) in edits {
        assert!(text.contains(from), "the base has no `{from}`");
        text = text.replacen(from, to, 1);
    }
    text
}

fn changes(old: &str, new: &str) -> Vec<Change> {
    let (old_fw, old_diags) = framework::load("old.toml", old, &framework::NoFiles);
    let (new_fw, _) = framework::load("new.toml", new, &framework::NoFiles);
    assert!(
        old_diags.is_empty(),
        "the old text must load: {old_diags:?}"
    );
    diff(&old_fw, &new_fw)
}

fn sentences(new: &str) -> Vec<String> {
    changes(BASE, new).into_iter().map(|c| c.sentence).collect()
}

#[test]
fn an_identical_file_has_no_changes() {
    assert_eq!(changes(BASE, BASE), Vec::new());
}

#[test]
fn comments_and_layout_are_not_changes() {
    let new = edit(&[
        ("threshold = 20", "threshold = 20   # salvo size"),
        ("[[tranche]]", "\n# financing\n[[tranche]]"),
    ]);
    assert_eq!(changes(BASE, &new), Vec::new());
}

#[test]
fn a_lowered_threshold() {
    let new = edit(&[("threshold = 20", "threshold = 10")]);
    let got = changes(BASE, &new);
    assert_eq!(
        got,
        vec![Change {
            section: Section::Trigger,
            id: "missile-salvo".into(),
            kind: Kind::Changed,
            field: Some("threshold".into()),
            old: Some("20".into()),
            new: Some("10".into()),
            sentence: "trigger `missile-salvo`: threshold lowered from 20 to 10 (launched, low end) — breaches certify sooner".into(),
        }]
    );
}

#[test]
fn a_raised_threshold_and_a_longer_window() {
    let new = edit(&[(
        "window = \"24h\"\nthreshold = 50",
        "window = \"48h\"\nthreshold = 80",
    )]);
    assert_eq!(
        sentences(&new),
        [
            "trigger `drone-swarm`: threshold raised from 50 to 80 (launched, low end) — it takes more to make a breach",
            "trigger `drone-swarm`: window lengthened from 24h to 48h — counts add up over a longer period, so the threshold is reached more easily",
        ]
    );
}

#[test]
fn a_shortened_clock() {
    let new = edit(&[(
        "clock = { duration = \"72h\", on_expiry = \"lapse\" }",
        "clock = { duration = \"24h\", on_expiry = \"lapse\" }",
    )]);
    let got = changes(BASE, &new);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].section, Section::Tier);
    assert_eq!(got[0].field.as_deref(), Some("clock.duration"));
    assert_eq!(
        (got[0].old.as_deref(), got[0].new.as_deref()),
        (Some("72h"), Some("24h"))
    );
    assert_eq!(
        got[0].sentence,
        "tier `t2`: consultation clock shortened from 72h to 24h — leaders must decide sooner"
    );
}

#[test]
fn what_silence_means_at_the_deadline() {
    let new = edit(&[("on_expiry = \"lapse\"", "on_expiry = \"fire\"")]);
    assert_eq!(
        sentences(&new),
        [
            "tier `t2`: when the consultation clock runs out, the tier fires without sign-off (was: nothing happens and the matter closes)"
        ]
    );
}

#[test]
fn an_added_voter_with_an_unchanged_quorum() {
    let new = edit(&[(
        "vote = { electorate = [\"us\", \"uk\", \"fr\"], quorum = 2 }",
        "vote = { electorate = [\"us\", \"uk\", \"fr\", \"hu\"], quorum = 2 }",
    )]);
    let got = changes(BASE, &new);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].section, Section::Vote);
    assert_eq!(got[0].id, "t2");
    assert_eq!(got[0].field.as_deref(), Some("vote.electorate"));
    assert_eq!(got[0].old.as_deref(), Some(r#"["us", "uk", "fr"]"#));
    assert_eq!(got[0].new.as_deref(), Some(r#"["us", "uk", "fr", "hu"]"#));
    assert_eq!(
        got[0].sentence,
        "tier `t2`: `hu` added to the electorate; quorum unchanged at 2 (total weight now 4, was 3)"
    );
}

#[test]
fn a_changed_quorum_veto_and_weight() {
    let new = edit(&[(
        "vote = { electorate = [\"us\", \"uk\", \"fr\"], quorum = 2 }",
        "vote = { electorate = [\"us\", \"uk\", \"fr\"], weights = { us = 2 }, quorum = 3, veto = [\"fr\"] }",
    )]);
    assert_eq!(
        sentences(&new),
        [
            "tier `t2`: vote weight of `us` raised from 1 to 2 (total weight now 4, was 3)",
            "tier `t2`: quorum raised from 2 to 3 of a total weight of 4 — harder to reach a decision",
            "tier `t2`: `fr` now holds a veto — a single vote against stops the decision",
        ]
    );
    let got = changes(BASE, &new);
    let fields: Vec<_> = got.iter().map(|c| c.field.as_deref()).collect();
    assert_eq!(
        fields,
        [
            Some("vote.weights.us"),
            Some("vote.quorum"),
            Some("vote.veto")
        ]
    );
    assert!(got.iter().all(|c| c.section == Section::Vote));
}

#[test]
fn a_removed_voter_from_the_amendment_rule() {
    let new = edit(&[(
        "amendment = { electorate = [\"us\", \"uk\", \"fr\"], quorum = 3 }",
        "amendment = { electorate = [\"us\", \"uk\"], quorum = 2 }",
    )]);
    let got = changes(BASE, &new);
    assert!(got.iter().all(|c| c.section == Section::Framework));
    assert_eq!(
        got.iter().map(|c| c.sentence.as_str()).collect::<Vec<_>>(),
        [
            "framework `diff-base`: `fr` removed from the amendment electorate",
            "framework `diff-base`: amendment quorum lowered from 3 to 2 of a total weight of 2 — easier to reach a decision",
        ]
    );
}

#[test]
fn a_mode_change() {
    let new = edit(&[(
        "mode = \"sign_off\"\nclock = { duration = \"72h\", on_expiry = \"lapse\" }\nvote = { electorate = [\"us\", \"uk\", \"fr\"], quorum = 2 }",
        "mode = \"reverse_veto\"\nclock = { duration = \"72h\", on_expiry = \"fire\" }\nvote = { electorate = [\"us\", \"uk\", \"fr\"], block = 2 }",
    )]);
    assert_eq!(
        sentences(&new),
        [
            "tier `t2`: mode changed from sign_off to reverse_veto — it now fires at its deadline unless blocked",
            "tier `t2`: when the block clock runs out, the tier fires (was: nothing happens and the matter closes)",
            "tier `t2`: quorum removed (was 2) — nothing says how much support decides",
            "tier `t2`: block threshold set to 2 of a total weight of 3",
        ]
    );
}

#[test]
fn an_added_and_a_removed_trigger() {
    let added = r#"
[[trigger]]
id = "grid-cyber"
category = "cyber"
target_categories = ["energy"]
threshold = 1
count = "incidents"
standard = "kinetic"
tier = "t2"
"#;
    // Remove the drone trigger and add a cyber trigger before the missile one:
    // items come in the NEW file's order, removed items after them.
    let drone = "[[trigger]]\nid = \"drone-swarm\"\ncategory = \"drone\"\nwindow = \"24h\"\nthreshold = 50\ncount = \"launched\"\nstandard = \"kinetic\"\ntier = \"t1\"\n";
    let new = edit(&[
        (drone, ""),
        (
            "[[trigger]]\nid = \"missile-salvo\"",
            &format!("{}\n[[trigger]]\nid = \"missile-salvo\"", added.trim()),
        ),
    ]);
    let got = changes(BASE, &new);
    let summary: Vec<_> = got
        .iter()
        .map(|c| (c.section, c.id.as_str(), c.kind))
        .collect();
    assert_eq!(
        summary,
        [
            (Section::Trigger, "grid-cyber", Kind::Added),
            (Section::Trigger, "drone-swarm", Kind::Removed),
        ]
    );
    assert_eq!(
        got[0].sentence,
        "trigger `grid-cyber` added: cyber, threshold 1 incidents, certified under `kinetic`, enters tier `t2`"
    );
    assert_eq!(
        got[1].sentence,
        "trigger `drone-swarm` removed (was: drone, threshold 50 launched within 24h, certified under `kinetic`, enters tier `t1`)"
    );
    assert_eq!((got[0].field.clone(), got[0].old.clone()), (None, None));
}

#[test]
fn a_changed_action_deadline() {
    let new = edit(&[("deadline = \"48h\"", "deadline = \"24h\"")]);
    let got = changes(BASE, &new);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(
        (got[0].section, got[0].id.as_str(), got[0].field.as_deref()),
        (Section::Action, "resupply", Some("deadline"))
    );
    assert_eq!(
        got[0].sentence,
        "action `resupply` (tier `t1`): deadline shortened from 48h to 24h — the response must come sooner"
    );
}

#[test]
fn an_action_moved_to_another_tier_is_not_removed_and_added() {
    let finance = "\n[[tier.action]]\nid = \"finance\"\nkind = \"financial\"\nmeasure = \"impose the financial package\"\nby = \"uk\"\ndeadline = \"72h\"\nsanctions = \"pkg\"\n";
    let new = edit(&[
        (finance, "\n"),
        (
            "tranche = \"fund\"\n",
            &format!("tranche = \"fund\"\n{finance}"),
        ),
    ]);
    assert_eq!(
        sentences(&new),
        ["action `finance` (tier `t1`): moved from tier `t2` to tier `t1`"]
    );
}

#[test]
fn a_commitment_quantity_and_schedule() {
    let new = edit(&[
        ("quantity = 30000\n", "quantity = 45000\n"),
        (
            "{ day = 90, quantity = 30000 }",
            "{ day = 60, quantity = 25000 }, { day = 90, quantity = 45000 }",
        ),
    ]);
    let got = changes(BASE, &new);
    assert_eq!(
        got.iter().map(|c| c.sentence.as_str()).collect::<Vec<_>>(),
        [
            "commitment `uk-155`: quantity raised from 30000 to 45000",
            "commitment `uk-155`: deliveries due by day 60 set to 25000",
            "commitment `uk-155`: deliveries due by day 90 raised from 30000 to 45000 — more must arrive by then",
        ]
    );
    assert_eq!(got[0].field.as_deref(), Some("quantity"));
    assert_eq!(got[1].field.as_deref(), Some("schedule.60"));
    assert_eq!(
        (got[1].old.as_deref(), got[1].new.as_deref()),
        (None, Some("25000"))
    );
}

#[test]
fn evidence_standards_parties_and_money() {
    let new = edit(&[
        (
            "independent_classes = 2\n",
            "independent_classes = 1\nneutral = true\n",
        ),
        ("min_confidence = 8000", "min_confidence = 7000"),
        (
            "review = { duration = \"12h\"",
            "review = { duration = \"6h\"",
        ),
        (
            "name = \"Hungary\"\nroles = [\"contributor\"]",
            "name = \"Hungary\"\nroles = [\"guarantor\"]",
        ),
        ("status = \"funded\"", "status = \"pending_vote\""),
        (
            "targets = [{ name = \"Example Bank\", kind = \"bank\" }]",
            "targets = [{ name = \"Example Shipping\", kind = \"company\" }]",
        ),
    ]);
    assert_eq!(
        sentences(&new),
        [
            "party `hu`: roles changed from contributor to guarantor — it now commits to respond to breaches; it no longer contributes without a guarantor's obligations",
            "evidence standard `kinetic`: independent source classes required lowered from 2 to 1 — certification needs less corroboration",
            "evidence standard `kinetic`: now requires one neutral source (a monitor or the technical cell)",
            "evidence standard `kinetic`: minimum confidence lowered from 80.00% to 70.00% — weaker evidence now certifies",
            "evidence standard `kinetic`: review clock shortened from 12h to 6h — the technical cell must decide sooner",
            "sanctions package `pkg`: target \"Example Shipping\" (company) added",
            "sanctions package `pkg`: target \"Example Bank\" (bank) removed — the package no longer reaches it",
            "tranche `fund`: status changed from funded to pending_vote — the money now waits on a vote before it can be spent",
        ]
    );
    let confidence = changes(BASE, &new)
        .into_iter()
        .find(|c| c.field.as_deref() == Some("min_confidence"))
        .unwrap();
    // Values as written: basis points, not the percentage of the sentence.
    assert_eq!(
        (confidence.old.as_deref(), confidence.new.as_deref()),
        (Some("8000"), Some("7000"))
    );
}

#[test]
fn escalations_are_matched_by_target_and_reason() {
    let new = edit(&[(
        "{ to = \"t2\", when = \"repeat\", count = 3, within = \"30d\" }",
        "{ to = \"t2\", when = \"repeat\", count = 2, within = \"30d\" }",
    )]);
    assert_eq!(
        sentences(&new),
        [
            "tier `t1`: now escalates to tier `t2` when 2 certified breaches fall within 30d (was: to tier `t2` when 3 certified breaches fall within 30d)"
        ]
    );
}

#[test]
fn fields_without_a_wording_still_show() {
    let new = edit(&[(
        "id = \"missile-salvo\"\n",
        "id = \"missile-salvo\"\nname = \"Missile salvo\"\n",
    )]);
    let got = changes(BASE, &new);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].field.as_deref(), Some("name"));
    assert_eq!(
        got[0].sentence,
        "trigger `missile-salvo`: `name` set to \"Missile salvo\""
    );
}

#[test]
fn an_item_the_new_version_cannot_read_is_not_reported_removed() {
    // Without its required `category` the loader drops the trigger.
    let new = edit(&[("category = \"drone\"\n", "")]);
    let got = changes(BASE, &new);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].kind, Kind::Changed);
    assert_eq!(
        got[0].sentence,
        "trigger `drone-swarm`: could not be read in the new version (see `bulwark check`), so it is not compared"
    );
}

#[test]
fn the_order_is_deterministic() {
    let new = edit(&[
        ("threshold = 20", "threshold = 10"),
        ("quantity = 30000\n", "quantity = 45000\n"),
        ("version = \"1.0\"", "version = \"1.1\""),
        ("deadline = \"72h\"", "deadline = \"48h\""),
    ]);
    let first = changes(BASE, &new);
    for _ in 0..3 {
        assert_eq!(changes(BASE, &new), first);
    }
    let sections: Vec<_> = first.iter().map(|c| c.section).collect();
    assert_eq!(
        sections,
        [
            Section::Framework,
            Section::Trigger,
            Section::Action,
            Section::Commitment
        ]
    );
}

/// The JSON a script reads, for a realistic amendment touching most sections.
#[test]
fn json_shape_of_an_amendment() {
    let new = edit(&[
        (
            "version = \"1.0\"",
            "version = \"1.1\"\nsupersedes = \"1.0\"",
        ),
        ("threshold = 20", "threshold = 10"),
        (
            "clock = { duration = \"72h\"",
            "clock = { duration = \"24h\"",
        ),
        (
            "vote = { electorate = [\"us\", \"uk\", \"fr\"], quorum = 2 }",
            "vote = { electorate = [\"us\", \"uk\", \"fr\", \"hu\"], quorum = 2 }",
        ),
        ("deadline = \"48h\"", "deadline = \"24h\""),
        ("quantity = 30000\n", "quantity = 45000\n"),
        ("amount_millions = 1000", "amount_millions = 1500"),
    ]);
    insta::assert_json_snapshot!(changes(BASE, &new));
}

/// Every minimal pair of the checker (`test_data/pairs`) edits the clean base
/// to add one defect; the diff must say something about each edit, or a
/// field slipped through unreported.
#[test]
fn every_minimal_pair_edit_is_reported() {
    #[derive(serde::Deserialize)]
    struct Pair {
        edit: Vec<Edit>,
    }
    #[derive(serde::Deserialize)]
    struct Edit {
        find: String,
        replace: String,
    }
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("test_data/pairs");
    let base = std::fs::read_to_string(dir.join("base.toml")).unwrap();
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .filter(|p| p.file_name().is_some_and(|n| n != "base.toml"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty());
    let mut silent = Vec::new();
    for path in paths {
        let pair: Pair = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let mut text = base.clone();
        for e in &pair.edit {
            text = text.replacen(&e.find, &e.replace, 1);
        }
        if changes(&base, &text).is_empty() {
            silent.push(path.display().to_string());
        }
    }
    assert!(
        silent.is_empty(),
        "edits the diff does not report: {silent:#?}"
    );
}

#[test]
fn a_stock_line_added_then_its_floor_and_surge_changed() {
    let stock = "\n[[stock]]\nid = \"shells\"\ncategory = \"155mm\"\nunit = \"rounds\"\non_hand = 60000\nper_day = 1000\nsurge_per_day = 3000\nsurge_days = 14\nfloor_days = 30\n";
    let with = format!("{BASE}{stock}");
    let added = changes(BASE, &with);
    assert_eq!(added.len(), 1, "{added:?}");
    assert_eq!(
        (added[0].section, added[0].kind),
        (Section::Stock, Kind::Added)
    );
    assert!(
        added[0]
            .sentence
            .contains("60000 rounds 155mm on hand, 1000 a day, floor 30 days"),
        "{}",
        added[0].sentence
    );
    let changed = with
        .replacen("floor_days = 30", "floor_days = 45", 1)
        .replacen("surge_per_day = 3000", "surge_per_day = 5000", 1);
    let got: Vec<String> = changes(&with, &changed)
        .into_iter()
        .map(|c| c.sentence)
        .collect();
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(
        got.iter().any(|s| s.contains("surge")
            && s.contains("3000")
            && s.contains("5000")
            && s.contains("a breach eats the stock faster")),
        "{got:?}"
    );
    assert!(
        got.iter()
            .any(|s| s.contains("alert floor raised from 30 to 45")
                && s.contains("the alert comes earlier")),
        "{got:?}"
    );
}
