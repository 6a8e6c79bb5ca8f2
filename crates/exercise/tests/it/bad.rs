//! Bad scenarios are refused with every error located at
//! `path:line:column`, and nothing is run. Good ones load with their times
//! resolved.

use std::collections::BTreeMap;

use crate::common::{MemFiles, ukraine};

const BASE: &str = r#"[scenario]
id = "t"
title = "test"
start = "2026-03-01T00:00:00Z"

[[inject]]
at = "T+00:05"
note = "radar"
[inject.input]
type = "observation"
id = { party = "ukraine", source = "radar", message = "r1" }
class = "radar"
observed = { from = "T+00:01" }
place = { zone = "ukraine" }
kind = "missile_launch"
counts = { launched = 6 }
confidence_bp = 9000

[[expect]]
id = "e1"
note = "6 ≥ 3"
trigger = "trg-missile-salvo"
opened_by = "T+00:05"
"#;

const PATH: &str = "scenarios/s.toml";

fn load(text: &str, files: &[(&str, &str)]) -> Result<exercise::Scenario, Vec<String>> {
    let files = MemFiles(
        files
            .iter()
            .map(|(k, v)| ((*k).to_string(), v.as_bytes().to_vec()))
            .collect::<BTreeMap<_, _>>(),
    );
    exercise::load(PATH, text.as_bytes(), &files, &ukraine())
        .map_err(|errors| errors.iter().map(ToString::to_string).collect())
}

/// The errors of `text`, which must not load.
fn refused(text: &str, files: &[(&str, &str)]) -> Vec<String> {
    match load(text, files) {
        Ok(_) => panic!("loaded, but should not have:\n{text}"),
        Err(errors) => errors,
    }
}

/// 1-based line of the first line containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("`{needle}` not in the text"))
        + 1
}

/// Asserts one error at `line` (any column unless given) mentioning `words`.
fn assert_error(errors: &[String], path: &str, line: usize, column: Option<usize>, words: &str) {
    let found = errors.iter().any(|e| {
        let prefix = match column {
            Some(c) => format!("{path}:{line}:{c}: error: "),
            None => format!("{path}:{line}:"),
        };
        e.starts_with(&prefix) && e.contains(": error: ") && e.contains(words)
    });
    assert!(
        found,
        "no error at {path}:{line}{} mentioning {words:?}; got:\n{}",
        column.map(|c| format!(":{c}")).unwrap_or_default(),
        errors.join("\n")
    );
}

#[test]
fn the_base_scenario_loads_with_times_resolved() {
    let s = load(BASE, &[]).unwrap();
    assert_eq!(s.start.to_string(), "2026-03-01T00:00:00Z");
    assert_eq!(s.injects[0].at.to_string(), "2026-03-01T00:05:00Z");
    // No `end`: the last inject plus 7 days.
    assert_eq!(s.end.to_string(), "2026-03-08T00:05:00Z");
    let model::Input::Observation(o) = &s.injects[0].inputs[0] else {
        panic!("not an observation")
    };
    assert_eq!(o.observed.from.to_string(), "2026-03-01T00:01:00Z");
    assert_eq!(s.expectations.len(), 1);
    assert_eq!(
        s.expectations[0].check,
        exercise::Check::Breach {
            trigger: "trg-missile-salvo".into(),
            opened: None,
            opened_by: Some(s.injects[0].at),
            certified: None,
            certified_by: None,
            status: None,
            accumulated: None,
            version: None,
            as_of: None,
        }
    );
}

#[test]
fn files_of_json_lines_load_relative_to_the_scenario() {
    let text = BASE.replace(
        "[[expect]]",
        "[[inject]]\nat = \"T+1h\"\nfile = \"more.jsonl\"\n\n[[expect]]",
    );
    let line = r#"{"type": "observation", "id": {"party": "us", "source": "isr", "message": "i1"}, "class": "allied-isr", "observed": {"from": "T+00:02"}, "kind": "missile_launch", "confidence_bp": 8000}"#;
    let s = load(&text, &[("more.jsonl", &format!("# comment\n\n{line}\n"))]).unwrap();
    assert_eq!(s.injects.len(), 2);
    assert_eq!(s.injects[1].at.to_string(), "2026-03-01T01:00:00Z");
    assert_eq!(s.injects[1].file.as_deref(), Some("more.jsonl"));
    assert_eq!(s.injects[1].inputs[0].id().to_string(), "us/isr/i1");
}

#[test]
fn toml_syntax_error() {
    let text = BASE.replace("at = \"T+00:05\"", "at = \"T+00:05");
    let errs = refused(&text, &[]);
    assert_error(
        &errs,
        PATH,
        line_of(&text, "at = \"T+00:05"),
        None,
        "invalid TOML",
    );
}

#[test]
fn unknown_field_in_an_inject() {
    let text = BASE.replace("note = \"radar\"", "note = \"radar\"\ncolour = \"red\"");
    let errs = refused(&text, &[]);
    assert_error(
        &errs,
        PATH,
        line_of(&text, "colour"),
        Some(1),
        "unknown field `colour`",
    );
}

#[test]
fn unknown_table() {
    let text = format!("{BASE}\n[[injects]]\nat = \"T+1h\"\n");
    let errs = refused(&text, &[]);
    assert_error(
        &errs,
        PATH,
        line_of(&text, "[[injects]]"),
        None,
        "unknown table `injects`",
    );
}

#[test]
fn bad_relative_times() {
    let text = BASE.replace("at = \"T+00:05\"", "at = \"T+2:3\"");
    let errs = refused(&text, &[]);
    assert_error(
        &errs,
        PATH,
        line_of(&text, "T+2:3"),
        Some(1),
        "`T+2:3` is not a relative time",
    );

    let text = BASE.replace("opened_by = \"T+00:05\"", "opened_by = \"T+5 minutes\"");
    let errs = refused(&text, &[]);
    assert_error(
        &errs,
        PATH,
        line_of(&text, "T+5 minutes"),
        Some(1),
        "`opened_by`",
    );

    let text = BASE.replace(
        "start = \"2026-03-01T00:00:00Z\"",
        "start = \"2026-03-01 00:00\"",
    );
    let errs = refused(&text, &[]);
    assert_error(&errs, PATH, line_of(&text, "start ="), Some(1), "`start`");

    // In an input, a mistyped relative time is reported when the input is decoded.
    let text = BASE.replace(
        "observed = { from = \"T+00:01\" }",
        "observed = { from = \"T+00:1\" }",
    );
    let errs = refused(&text, &[]);
    assert_error(
        &errs,
        PATH,
        line_of(&text, "T+00:1"),
        None,
        "relative time is written",
    );
}

#[test]
fn injects_out_of_order() {
    let text = BASE.replace(
        "[[expect]]",
        "[[inject]]\nat = \"T+00:01\"\n[inject.input]\ntype = \"review\"\nid = { party = \"technical-cell\", source = \"rv\", message = \"1\" }\nbreach = \"B1\"\nfinding = \"certify\"\n\n[[expect]]",
    );
    let errs = refused(&text, &[]);
    assert_error(
        &errs,
        PATH,
        line_of(&text, "at = \"T+00:01\""),
        Some(1),
        "earlier than the one before it",
    );
}

#[test]
fn inject_input_of_unknown_type_or_field() {
    let text = BASE.replace("type = \"observation\"", "type = \"observatoin\"");
    let errs = refused(&text, &[]);
    assert_error(
        &errs,
        PATH,
        line_of(&text, "observatoin"),
        Some(8),
        "observatoin",
    );

    let text = BASE.replace(
        "kind = \"missile_launch\"",
        "kind = \"missile_launch\"\nweapons = \"kh-101\"",
    );
    let errs = refused(&text, &[]);
    assert_error(&errs, PATH, line_of(&text, "weapons ="), Some(1), "weapons");

    let text = BASE.replace("type = \"observation\"\n", "");
    let errs = refused(&text, &[]);
    assert_error(
        &errs,
        PATH,
        line_of(&text, "[inject.input]"),
        None,
        "no `type`",
    );

    let text = BASE.replace("confidence_bp = 9000", "confidence_bp = 0.9");
    let errs = refused(&text, &[]);
    assert_error(
        &errs,
        PATH,
        line_of(&text, "0.9"),
        Some(17),
        "floating-point",
    );

    let text = BASE.replace("type = \"observation\"", "type = \"observation\"\nv = 2");
    let errs = refused(&text, &[]);
    assert_error(
        &errs,
        PATH,
        line_of(&text, "[inject.input]"),
        None,
        "version",
    );
}

#[test]
fn missing_or_broken_files() {
    let with_file = |file: &str| {
        BASE.replace(
            "[[expect]]",
            &format!("[[inject]]\nat = \"T+1h\"\nfile = \"{file}\"\n\n[[expect]]"),
        )
    };
    let text = with_file("missing.jsonl");
    let errs = refused(&text, &[]);
    assert_error(
        &errs,
        PATH,
        line_of(&text, "missing.jsonl"),
        Some(1),
        "no such file",
    );

    let text = with_file("/etc/inputs.jsonl");
    let errs = refused(&text, &[]);
    assert_error(
        &errs,
        PATH,
        line_of(&text, "/etc/inputs.jsonl"),
        Some(1),
        "relative to the scenario",
    );

    // A bad line is located in the referenced file itself.
    let good = r#"{"type": "review", "id": {"party": "technical-cell", "source": "rv", "message": "1"}, "breach": "B1", "finding": "certify"}"#;
    let text = with_file("more.jsonl");
    let errs = refused(
        &text,
        &[(
            "more.jsonl",
            &format!("{good}\n{{\"type\": \"review\",\n  {{\"type\": \"revue\"}}\n"),
        )],
    );
    assert_error(&errs, "scenarios/more.jsonl", 2, None, "not valid JSON");
    assert_error(&errs, "scenarios/more.jsonl", 3, Some(12), "revue");

    // Columns after a converted relative time (and the inserted `v`) still
    // point into the line as written.
    let line = r#"{"type": "observation", "id": {"party": "us", "source": "isr", "message": "i1"}, "class": "allied-isr", "observed": {"from": "T+00:02"}, "kind": "missile_launch", "confidence_bp": "high"}"#;
    let column = line.find("\"high\"").unwrap() + 1;
    let errs = refused(&text, &[("more.jsonl", line)]);
    let found = errs
        .iter()
        .find(|e| e.starts_with("scenarios/more.jsonl:1:"))
        .unwrap_or_else(|| panic!("{errs:?}"));
    let got: usize = found.split(':').nth(2).unwrap().parse().unwrap();
    assert!(
        (column..=column + 6).contains(&got),
        "column {got}, want the `\"high\"` at {column}: {found}"
    );
    assert!(found.contains("`confidence_bp`"), "{found}");

    // A key given twice is refused, as the wire format refuses it.
    let twice = r#"{"type": "review", "id": {"party": "technical-cell", "source": "rv", "message": "1"}, "breach": "B1", "finding": "certify", "finding": "reject"}"#;
    let errs = refused(&text, &[("more.jsonl", twice)]);
    assert!(
        errs.iter()
            .any(|e| e.starts_with("scenarios/more.jsonl:1:") && e.contains("finding")),
        "{errs:?}"
    );

    let text = with_file("empty.jsonl");
    let errs = refused(&text, &[("empty.jsonl", "# nothing\n")]);
    assert_error(
        &errs,
        PATH,
        line_of(&text, "empty.jsonl"),
        None,
        "holds no inputs",
    );
}

#[test]
fn an_inject_needs_one_of_input_and_file() {
    let text = BASE.replace("note = \"radar\"", "note = \"radar\"\nfile = \"x.jsonl\"");
    let errs = refused(&text, &[("x.jsonl", "")]);
    assert_error(
        &errs,
        PATH,
        line_of(&text, "file = "),
        Some(1),
        "either `input` or `file`",
    );
}

#[test]
fn a_scenario_without_expectations_is_refused() {
    let text = BASE.split("[[expect]]").next().unwrap().to_string();
    let errs = refused(&text, &[]);
    assert_error(
        &errs,
        PATH,
        1,
        Some(1),
        "write the expected outcome before running",
    );
}

#[test]
fn malformed_expectations() {
    let expect_at = |text: &str| line_of(text, "[[expect]]");

    let text = BASE.replace(
        "opened_by = \"T+00:05\"",
        "opened_by = \"T+00:05\"\nincidents = 1",
    );
    let errs = refused(&text, &[]);
    assert_error(
        &errs,
        PATH,
        line_of(&text, "incidents = 1"),
        Some(1),
        "more than one subject",
    );

    let text = BASE.replace(
        "trigger = \"trg-missile-salvo\"\nopened_by = \"T+00:05\"",
        "count_low = 3",
    );
    let errs = refused(&text, &[]);
    assert_error(&errs, PATH, expect_at(&text), None, "names no subject");

    let text = BASE.replace(
        "opened_by = \"T+00:05\"",
        "opened_by = \"T+00:05\"\ncount_low = 3",
    );
    let errs = refused(&text, &[]);
    assert_error(
        &errs,
        PATH,
        line_of(&text, "count_low"),
        Some(1),
        "does not apply to an expectation about `trigger`",
    );

    let text = BASE.replace("trg-missile-salvo", "trg-missile-salvoes");
    let errs = refused(&text, &[]);
    assert_error(
        &errs,
        PATH,
        line_of(&text, "trg-missile-salvoes"),
        Some(1),
        "no trigger `trg-missile-salvoes`",
    );

    let text = BASE.replace(
        "trigger = \"trg-missile-salvo\"\nopened_by = \"T+00:05\"",
        "rejected = \"ukraine/radar/r9\"",
    );
    let errs = refused(&text, &[]);
    assert_error(
        &errs,
        PATH,
        line_of(&text, "rejected ="),
        Some(1),
        "no inject submits an input `ukraine/radar/r9`",
    );

    let text = BASE.replace(
        "trigger = \"trg-missile-salvo\"\nopened_by = \"T+00:05\"",
        "duplicate = \"ukraine-radar\"",
    );
    let errs = refused(&text, &[]);
    assert_error(
        &errs,
        PATH,
        line_of(&text, "duplicate ="),
        Some(1),
        "party/source/message",
    );

    let text = BASE.replace("note = \"6 ≥ 3\"\n", "");
    let errs = refused(&text, &[]);
    assert_error(&errs, PATH, expect_at(&text), None, "`note` is missing");

    let text = BASE.replace(
        "opened_by = \"T+00:05\"",
        "opened = false\ncertified_by = \"T+1h\"",
    );
    let errs = refused(&text, &[]);
    assert_error(&errs, PATH, expect_at(&text), None, "`opened = false`");

    let text = format!("{BASE}\n[[expect]]\nid = \"e1\"\nnote = \"again\"\nincidents = 1\n");
    let errs = refused(&text, &[]);
    assert_error(
        &errs,
        PATH,
        line_of(&text, "note = \"again\"") - 1,
        Some(1),
        "used twice",
    );

    let text = BASE.replace("opened_by = \"T+00:05\"", "status = \"certifeid\"");
    let errs = refused(&text, &[]);
    assert_error(&errs, PATH, line_of(&text, "certifeid"), None, "certifeid");
}

#[test]
fn every_error_is_reported_at_once() {
    let text = BASE
        .replace("at = \"T+00:05\"", "at = \"T+2:3\"")
        .replace("trg-missile-salvo", "trg-nothing");
    let errs = refused(&text, &[]);
    assert_eq!(errs.len(), 2, "{}", errs.join("\n"));
}

#[test]
fn non_utf8_is_located() {
    let mut bytes = BASE.as_bytes().to_vec();
    bytes.splice(3..3, [0xff]);
    let errors = exercise::load(PATH, &bytes, &MemFiles::default(), &ukraine()).unwrap_err();
    assert_eq!(
        errors[0].to_string(),
        format!("{PATH}:1:4: error: the file is not UTF-8 text: save it as UTF-8")
    );
}

#[test]
fn mutated_scenarios_never_panic() {
    // Deterministic mutations of a real scenario and its JSON-lines file:
    // every one loads or is refused with located errors, never a panic.
    let dir = crate::common::repo().join("examples/ukraine-2025/scenarios");
    let text = std::fs::read_to_string(dir.join("05-cyber-grid-corroborated.toml")).unwrap();
    let lines = std::fs::read_to_string(dir.join("05-cyber-grid-corroborated.jsonl")).unwrap();
    let fw = ukraine();
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let cut = |s: &str, at: usize| {
        let mut at = at % (s.len() + 1);
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    for round in 0..300 {
        let (mut t, mut l) = (text.clone(), lines.clone());
        let target = if round % 3 == 0 { &mut l } else { &mut t };
        let at = cut(target, next() as usize);
        match next() % 4 {
            0 => {
                let end = cut(target, at + (next() % 8) as usize).max(at);
                target.replace_range(at..end, "");
            }
            1 => target.insert(
                at,
                ['"', '{', '}', '[', '=', '\n', ',', 'T'][(next() % 8) as usize],
            ),
            2 => target.insert_str(at, "T+1d25:00"),
            _ => {
                let end = cut(target, at + 1).max(at);
                target.replace_range(at..end, "9");
            }
        }
        let files = MemFiles(
            [(
                "05-cyber-grid-corroborated.jsonl".to_string(),
                l.into_bytes(),
            )]
            .into_iter()
            .collect(),
        );
        if let Err(errors) = exercise::load(PATH, t.as_bytes(), &files, &fw) {
            assert!(!errors.is_empty());
            for e in &errors {
                assert!(e.location.line >= 1 && e.location.column >= 1, "{e}");
            }
        }
    }
}
