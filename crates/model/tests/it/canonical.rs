//! RFC 8785 test vectors on our data: `test_data/canonical/`. Written by
//! hand from the RFC, never blessed from the library (see the README there).

use model::{decode_lines, encode_line};

struct Case {
    name: String,
    lines: Vec<String>,
    expected: Vec<String>,
    divergence: Option<String>,
    refused_by_validate: bool,
}

fn cases() -> Vec<Case> {
    let dir = crate::test_data("canonical");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let input = std::fs::read_to_string(dir.join(format!("{name}.jsonl"))).unwrap();
            let expected = std::fs::read(dir.join(format!("{name}.canonical"))).unwrap();
            let expected = String::from_utf8(expected).unwrap();
            let comments: Vec<&str> = input
                .lines()
                .filter_map(|l| l.trim().strip_prefix('#'))
                .map(str::trim)
                .collect();
            assert!(
                expected.ends_with('\n'),
                "{name}.canonical lacks its final newline"
            );
            Case {
                lines: input
                    .lines()
                    .filter(|l| !l.trim().is_empty() && !l.trim().starts_with('#'))
                    .map(str::to_string)
                    .collect(),
                expected: expected.lines().map(str::to_string).collect(),
                divergence: comments
                    .iter()
                    .find_map(|c| c.strip_prefix("known-divergence:"))
                    .map(|c| c.trim().to_string()),
                refused_by_validate: comments.contains(&"validate: refuses"),
                name,
            }
        })
        .collect()
}

#[test]
fn canonical_vectors() {
    let cases = cases();
    assert!(cases.len() >= 7, "vectors missing: {}", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let name = &case.name;
        let (inputs, errors) = decode_lines(&case.lines.join("\n"));
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        assert_eq!(
            inputs.len(),
            case.expected.len(),
            "{name}: as many expected lines as inputs"
        );
        for ((_, input), expected) in inputs.iter().zip(&case.expected) {
            let actual = encode_line(input);
            match &case.divergence {
                None if actual != *expected => failures.push(format!(
                    "{name}:\n  expected {expected}\n  actual   {actual}"
                )),
                Some(why) if actual == *expected => failures.push(format!(
                    "{name}: marked as a known divergence ({why}) but the library now agrees with the RFC: remove the mark"
                )),
                _ => {}
            }
            assert_eq!(
                !input.validate().is_empty(),
                case.refused_by_validate,
                "{name}: {input:?} validation {:?}",
                input.validate()
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The canonical bytes are UTF-8 with no byte-order mark, no newline and no
/// whitespace outside strings; hashing them is hashing exactly this.
#[test]
fn canonical_bytes_are_what_is_hashed() {
    for case in cases() {
        let (inputs, _) = decode_lines(&case.lines.join("\n"));
        for (_, input) in inputs {
            let bytes = model::canonical::to_vec(&input);
            assert_eq!(bytes, encode_line(&input).into_bytes());
            assert!(!bytes.starts_with(&[0xef, 0xbb, 0xbf]));
            assert!(!bytes.contains(&b'\n'));
            let mut in_string = false;
            let mut escaped = false;
            for &b in &bytes {
                if in_string {
                    match (escaped, b) {
                        (true, _) => escaped = false,
                        (false, b'\\') => escaped = true,
                        (false, b'"') => in_string = false,
                        _ => {}
                    }
                } else {
                    assert!(
                        !b.is_ascii_whitespace(),
                        "{}: whitespace outside strings",
                        case.name
                    );
                    in_string = b == b'"';
                }
            }
        }
    }
}

/// Two inputs differing only in a quantity beyond 2⁵³ share their canonical
/// bytes — why `validate` refuses such quantities.
#[test]
fn quantities_beyond_two_to_the_53_collide() {
    let line = |q: &str| {
        format!(
            r#"{{"v":1,"type":"delivery","id":{{"party":"us","source":"dsca","message":"d"}},"commitment":"c","shipment":"s-1","step":"shipped","quantity":{q},"at":"2025-11-18T14:00:00Z"}}"#
        )
    };
    let a = model::decode_line(&line("9007199254740992"), 1).unwrap();
    let b = model::decode_line(&line("9007199254740993"), 1).unwrap();
    assert_ne!(a, b);
    assert_eq!(encode_line(&a), encode_line(&b));
    // 2⁵³ itself is exact, but not safe: 2⁵³ + 1 has the same bytes.
    assert!(!a.validate().is_empty());
    assert!(!b.validate().is_empty());
}
