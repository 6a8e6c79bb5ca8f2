//! Bad lines: each gets a `WireError` with its line number, a column, the
//! field at fault where there is one, and a message a non-programmer can
//! act on; the good lines around it are still read.

use model::{LINE_BYTES_MAX, WireError, decode_line, decode_lines};

const GOOD: &str = r#"{"v":1,"type":"vote","id":{"party":"us","source":"nsc-desk","message":"v-1"},"breach":"B1","tier":"t3-energy-shipping","choice":"for"}"#;

/// A valid observation line with `extra` spliced in before its closing brace
/// and `drop` (a `"key":value` text) removed.
fn observation(drop: &str, extra: &str) -> String {
    let base = r#"{"v":1,"type":"observation","id":{"party":"ua","source":"radar-kyiv-3","message":"trk-1"},"class":"radar","observed":{"from":"2025-11-14T02:00:00Z"},"kind":"missile_launch","confidence_bp":8000}"#;
    let mut line = if drop.is_empty() {
        base.to_string()
    } else {
        assert!(base.contains(drop), "{drop}");
        base.replace(&format!(",{drop}"), "")
    };
    line.truncate(line.len() - 1);
    format!("{line}{extra}}}")
}

/// Decodes `bad` as line 2 between two good lines, checks the good ones
/// survive, and returns the one error.
fn error(bad: &str) -> WireError {
    let text = format!("{GOOD}\n{bad}\n{GOOD}\n");
    let (inputs, errors) = decode_lines(&text);
    assert_eq!(
        inputs.iter().map(|(line, _)| *line).collect::<Vec<_>>(),
        vec![1, 3],
        "the good lines around {bad:?}"
    );
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let e = errors.into_iter().next().unwrap();
    assert_eq!(e.line, 2, "{e}");
    assert!(e.column >= 1, "{e}");
    assert_eq!(decode_line(bad, 2), Err(e.clone()), "decode_line agrees");
    e
}

fn assert_message(e: &WireError, path: Option<&str>, needles: &[&str]) {
    assert_eq!(e.path.as_deref(), path, "{e}");
    for needle in needles {
        assert!(e.message.contains(needle), "{e:?} lacks {needle:?}");
    }
    for jargon in [
        "u16", "u32", "i32", "i64", "struct ", "sequence", " map", "Rust",
    ] {
        assert!(
            !e.message.contains(jargon),
            "{e:?}: programmer's word {jargon:?}"
        );
    }
}

#[test]
fn not_json() {
    let e = error(r#"{"v":1,"type":"vote",}"#);
    assert_message(&e, None, &["not valid JSON"]);
    assert_eq!(e.column, 22, "{e}");
    let e = error("v=1 type=vote");
    assert_message(&e, None, &["not valid JSON"]);
    let e = error(r#"{"v":1,"type":"vote""#);
    assert_message(&e, None, &["not valid JSON"]);
}

#[test]
fn not_an_object() {
    assert_message(
        &error("[1,2,3]"),
        None,
        &["must be a JSON object", "not an array"],
    );
    assert_message(
        &error(r#""observation""#),
        None,
        &["must be a JSON object", "not the string \"observation\""],
    );
    assert_message(&error("42"), None, &["not the number 42"]);
}

#[test]
fn missing_v() {
    let e = error(&GOOD.replace(r#""v":1,"#, ""));
    assert_message(&e, None, &["no `v`", "\"v\": 1"]);
}

#[test]
fn wrong_v() {
    let e = error(&GOOD.replace(r#""v":1"#, r#""v":2"#));
    assert_message(
        &e,
        None,
        &["version 2 is not supported", "this is version 1"],
    );
    let e = error(&GOOD.replace(r#""v":1"#, r#""v":"1""#));
    assert_message(&e, None, &["version \"1\" is not supported"]);
    let e = error(&GOOD.replace(r#""v":1"#, r#""v":1.0"#));
    assert_message(&e, None, &["version 1.0 is not supported"]);
}

#[test]
fn missing_type() {
    let e = error(&GOOD.replace(r#""type":"vote","#, ""));
    assert_message(&e, None, &["no `type`", "`observation`", "`amendment`"]);
}

#[test]
fn unknown_type() {
    let e = error(&GOOD.replace(r#""type":"vote""#, r#""type":"ballot""#));
    assert_message(
        &e,
        None,
        &["unknown type `ballot`", "`vote`", "`order_report`"],
    );
    let e = error(&GOOD.replace(r#""type":"vote""#, r#""type":["vote"]"#));
    assert_message(&e, None, &["`type` must be a string", "not an array"]);
}

#[test]
fn unknown_field() {
    let e = error(&observation("", r#","colour":"red""#));
    assert_message(
        &e,
        Some("colour"),
        &["unknown field `colour`", "`confidence_bp`"],
    );
    // The column points at the misspelt key, not at the start of the line.
    assert!(e.column > 150, "{e}");
    let e = error(&observation("", r#","counts":{"lanched":40}"#));
    assert_message(
        &e,
        Some("counts.lanched"),
        &["unknown field `lanched`", "`launched`"],
    );
}

#[test]
fn time_without_offset() {
    let e = error(&observation(
        r#""observed":{"from":"2025-11-14T02:00:00Z"}"#,
        r#","observed":{"from":"2025-11-14T02:00:00"}"#,
    ));
    assert_message(
        &e,
        Some("observed.from"),
        &["`2025-11-14T02:00:00`", "offset"],
    );
    let e = error(&observation(
        "",
        r#","place":{"track":[{"lon_e7":1,"lat_e7":2,"at":"2025-11-14T02:00:00Z"},{"lon_e7":1,"lat_e7":2,"at":"14.11.2025 02:00"}]}"#,
    ));
    assert_message(&e, Some("place.track[1].at"), &["`14.11.2025 02:00`"]);
    let e = error(&observation(
        r#""observed":{"from":"2025-11-14T02:00:00Z"}"#,
        r#","observed":{"from":"2025-11-14T02:00:00.0001Z"}"#,
    ));
    assert_message(
        &e,
        Some("observed.from"),
        &["more precise than a millisecond"],
    );
}

#[test]
fn string_where_an_integer_belongs() {
    let e = error(&observation("", r#","counts":{"launched":"40"}"#));
    assert_message(
        &e,
        Some("counts.launched"),
        &[
            "expected a whole number from 0 to 4294967295",
            "found the string \"40\"",
        ],
    );
    let line = observation("", r#","counts":{"launched":"40"}"#);
    let at = line.find(r#""40""#).unwrap();
    assert!(e.column > at, "{e}: column after the start of the value");
    let e = error(&observation(
        r#""confidence_bp":8000"#,
        r#","confidence_bp":"high""#,
    ));
    assert_message(
        &e,
        Some("confidence_bp"),
        &["0 to 65535", "the string \"high\""],
    );
}

#[test]
fn other_wrong_values() {
    let e = error(&observation(
        r#""confidence_bp":8000"#,
        r#","confidence_bp":80.5"#,
    ));
    assert_message(
        &e,
        Some("confidence_bp"),
        &["the number 80.5 (only whole numbers"],
    );
    let e = error(&observation(
        r#""confidence_bp":8000"#,
        r#","confidence_bp":70000"#,
    ));
    assert_message(
        &e,
        Some("confidence_bp"),
        &["0 to 65535", "the number 70000"],
    );
    let e = error(&observation(
        "",
        r#","place":{"point":{"lon_e7":-0,"lat_e7":0}}"#,
    ));
    assert_message(&e, Some("place.point.lon_e7"), &["whole number"]);
    let e = error(&observation(
        "",
        r#","place":{"point":{"lon_e7":3052340000,"lat_e7":0}}"#,
    ));
    assert_message(
        &e,
        Some("place.point.lon_e7"),
        &["-2147483648 to 2147483647"],
    );
    let e = error(&GOOD.replace(r#""choice":"for""#, r#""choice":"yes""#));
    assert_message(
        &e,
        Some("choice"),
        &["unknown variant `yes`", "`for`", "`withdraw`"],
    );
    let e = error(&GOOD.replace(r#""choice":"for""#, r#""choice":1"#));
    assert_message(&e, Some("choice"), &["one of `for`", "found the number 1"]);
    let e = error(&GOOD.replace(r#","choice":"for""#, ""));
    assert_message(&e, None, &["missing field `choice`"]);
    let e = error(&GOOD.replace(
        r#""id":{"party":"us","source":"nsc-desk","message":"v-1"}"#,
        r#""id":"us/nsc-desk/v-1""#,
    ));
    assert_message(&e, Some("id"), &["expected an object", "(InputId)"]);
    let e = error(&observation("", r#","attributes":{"oblast":5}"#));
    assert_message(
        &e,
        Some("attributes.oblast"),
        &["expected a string", "the number 5"],
    );
}

/// The shapes serde_json would otherwise let through.
#[test]
fn strictness() {
    // A key twice: which one counts would depend on the parser.
    let e = error(&GOOD.replace(r#""breach":"B1""#, r#""breach":"B1","breach":"B2""#));
    assert_message(&e, None, &["the key `breach` appears twice"]);
    let e = error(&GOOD.replace(r#""party":"us""#, r#""party":"us","party":"ru""#));
    assert_message(&e, None, &["the key `party` appears twice"]);
    let e = error(&GOOD.replace(r#""type":"vote""#, r#""type":"vote","type":"vote""#));
    assert_message(&e, None, &["the key `type` appears twice"]);
    // A struct as an array of its fields.
    let e = error(&observation("", r#","counts":[40,34]"#));
    assert_message(
        &e,
        Some("counts"),
        &["expected an object", "found an array"],
    );
    let e = error(&GOOD.replace(
        r#"{"party":"us","source":"nsc-desk","message":"v-1"}"#,
        r#"["us","nsc-desk","v-1"]"#,
    ));
    assert_message(&e, Some("id"), &["expected an object", "found an array"]);
    // null for an optional field: leave it out instead.
    let e = error(&observation("", r#","weapon":null"#));
    assert_message(&e, Some("weapon"), &["expected a string", "found null"]);
    let e = error(&observation("", r#","counts":{"launched":null}"#));
    assert_message(&e, Some("counts.launched"), &["found null"]);
    // An unpaired surrogate is not a character.
    let e = error(&observation("", r#","attributes":{"a":"\ud800"}"#));
    assert_message(&e, None, &["not valid JSON"]);
}

#[test]
fn over_long_line() {
    let padding = "x".repeat(LINE_BYTES_MAX);
    let e = error(&observation(
        "",
        &format!(r#","attributes":{{"pad":"{padding}"}}"#),
    ));
    assert_message(&e, None, &["more than the limit of 1048576"]);
    assert_eq!(e.column, 1);
}

#[test]
fn over_deep_nesting() {
    use model::wire::NESTING_DEPTH_MAX;
    // The line's object and `attributes` are two levels; arrays fill the rest.
    let arrays = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    let e = error(&observation(
        "",
        &format!(r#","attributes":{{"a":{}}}"#, arrays(NESTING_DEPTH_MAX - 1)),
    ));
    assert_message(&e, None, &["nested more than 127 deep"]);
    // At the limit, the structure is read (and refused for its type only).
    let e = error(&observation(
        "",
        &format!(r#","attributes":{{"a":{}}}"#, arrays(NESTING_DEPTH_MAX - 2)),
    ));
    assert_message(&e, Some("attributes.a"), &["expected a string"]);
}

#[test]
fn blank_comment_and_crlf_lines() {
    let text = format!("\u{feff}# a comment\n\n   \n  # indented comment\r\n{GOOD}\r\n\t{GOOD}\n");
    let (inputs, errors) = decode_lines(&text);
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(
        inputs.iter().map(|(l, _)| *l).collect::<Vec<_>>(),
        vec![5, 6]
    );
    // Columns count from the real start of the line, indentation included.
    let (_, errors) = decode_lines(&format!("\t\t{}", GOOD.replace("\"for\"", "\"yes\"")));
    let unindented = decode_line(&GOOD.replace("\"for\"", "\"yes\""), 1).unwrap_err();
    assert_eq!(errors[0].column, unindented.column + 2);
}

#[test]
fn many_bad_lines_each_reported() {
    let text = [
        GOOD,
        "nope",
        GOOD,
        "# fine",
        r#"{"v":9}"#,
        "",
        r#"{"v":1,"type":"vote"}"#,
        GOOD,
    ]
    .join("\n");
    let (inputs, errors) = decode_lines(&text);
    assert_eq!(
        inputs.iter().map(|(l, _)| *l).collect::<Vec<_>>(),
        vec![1, 3, 8]
    );
    assert_eq!(
        errors.iter().map(|e| e.line).collect::<Vec<_>>(),
        vec![2, 5, 7]
    );
}

#[test]
fn display_names_line_column_and_field() {
    let e = decode_line(&observation("", r#","counts":{"launched":"40"}"#), 7).unwrap_err();
    let shown = e.to_string();
    assert!(
        shown.starts_with(&format!(
            "line 7:{}: `counts.launched`: expected a whole number",
            e.column
        )),
        "{shown}"
    );
}
