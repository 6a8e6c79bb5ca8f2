//! The statement format, byte for byte, and what parsing refuses.

use keyring::{CONTEXT, Signed, sign};
use serde_json::json;

use crate::{grant, revoke, rotate, signer};

/// The walk-through's first grant: Ukraine's root (seed 1) grants
/// `ukraine-ops-1` (seed 10) the reporter role.
fn example() -> Signed {
    sign(
        &grant("ukraine", 1, &signer("ukraine-ops-1", 10), &["reporter"]),
        &signer("ukraine-root", 1),
    )
}

const EXAMPLE_KEY: &str = "ukraine-ops-1+91055ad3+AUOnLnFEAXYt9mtowm373yaCquyfJHTspGE+QkoPuv08";
const EXAMPLE_SIGNED: &str = r#"{"signature":"vuAmkMcUDTXZUt+atdkdtpALaHdGPdg1bHfGw+Jg56dYJW082DcQz6Felm1Yr3PN/0KI51UEDteEK5AfznNeCw==","statement":{"issued_at":"2026-12-04T08:00:00Z","key":"ukraine-ops-1+91055ad3+AUOnLnFEAXYt9mtowm373yaCquyfJHTspGE+QkoPuv08","party":"ukraine","roles":["reporter"],"serial":1,"type":"grant"}}"#;

#[test]
fn the_signed_bytes_are_the_context_then_the_canonical_statement() {
    let signed = example();
    assert_eq!(signer("ukraine-ops-1", 10).verifier().encode(), EXAMPLE_KEY);
    let bytes = signed.statement.signed_bytes();
    assert_eq!(CONTEXT, b"bulwark key statement v1\n");
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        format!(
            "bulwark key statement v1\n{{\"issued_at\":\"2026-12-04T08:00:00Z\",\"key\":\"{EXAMPLE_KEY}\",\"party\":\"ukraine\",\"roles\":[\"reporter\"],\"serial\":1,\"type\":\"grant\"}}"
        )
    );
    // Ed25519 signatures are deterministic: this pins the whole format.
    assert_eq!(signed.to_json().to_string(), EXAMPLE_SIGNED);
    assert_eq!(signed.entry_record(), signed.to_json());
}

#[test]
fn the_documented_example_is_the_format() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/keys.md"))
        .unwrap();
    for pinned in [EXAMPLE_KEY, EXAMPLE_SIGNED] {
        assert!(doc.contains(pinned), "docs/keys.md lacks {pinned}");
    }
    let bytes = String::from_utf8(example().statement.signed_bytes()).unwrap();
    let canonical = bytes.strip_prefix("bulwark key statement v1\n").unwrap();
    assert!(doc.contains(canonical), "docs/keys.md lacks {canonical}");
}

#[test]
fn every_statement_reads_back_as_written() {
    let root = signer("ukraine-root", 1);
    for statement in [
        grant("ukraine", 1, &signer("ops", 10), &["reporter", "leader"]),
        revoke("ukraine", 2, "ops", "laptop lost — reported 5 Dec"),
        rotate("ukraine", 3, &signer("ukraine-root-2", 3)),
    ] {
        let signed = sign(&statement, &root);
        let text = signed.to_json().to_string();
        assert_eq!(Signed::parse(&text).unwrap(), signed, "{text}");
        let pretty = serde_json::to_string_pretty(&signed.to_json()).unwrap();
        assert_eq!(Signed::parse(&pretty).unwrap(), signed);
        assert!(statement.problems().is_empty());
    }
    let rotation = rotate("ukraine", 3, &signer("ukraine-root-2", 3));
    assert_eq!(
        rotation.to_string(),
        "rotation of `ukraine`'s root to `ukraine-root-2`, serial 3"
    );
}

/// The problems parsing `text` reports, joined.
fn refused(text: &str) -> String {
    Signed::parse(text).unwrap_err().to_string()
}

/// The example, changed.
fn example_with(change: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut v = example().to_json();
    change(&mut v);
    v.to_string()
}

#[test]
fn what_parsing_refuses_it_names_with_its_field() {
    let cases: Vec<(String, &str)> = vec![
        (
            example_with(|v| v["statement"]["rolse"] = json!(["leader"])),
            "`statement.rolse`: unknown field `rolse`, expected one of `type`, `party`",
        ),
        (
            example_with(|v| v["statement"]["serial"] = json!("1")),
            "`statement.serial`: invalid type: string \"1\", expected u64",
        ),
        (
            example_with(|v| v["statement"]["serial"] = json!(-1)),
            "`statement.serial`",
        ),
        (
            example_with(|v| v["statement"]["serial"] = json!(9007199254740992u64)),
            "`statement.serial` is 9007199254740992",
        ),
        (
            example_with(|v| v["statement"]["type"] = json!("delete")),
            "`statement.type`: unknown variant `delete`, expected one of `grant`, `revoke`, `rotate_root`",
        ),
        (
            example_with(|v| v["statement"]["issued_at"] = json!("2026-12-04T10:00:00+02:00")),
            "`statement.issued_at` is `2026-12-04T10:00:00+02:00`: write it in UTC, as `2026-12-04T08:00:00Z`",
        ),
        (
            example_with(|v| v["statement"]["issued_at"] = json!("tomorrow")),
            "`statement.issued_at`: `tomorrow` is not an RFC 3339 time",
        ),
        (
            example_with(|v| v["statement"]["reason"] = json!("why")),
            "`statement.reason` is not part of a `grant`: remove it",
        ),
        (
            example_with(|v| {
                v["statement"].as_object_mut().unwrap().remove("roles");
            }),
            "a `grant` needs `statement.roles`",
        ),
        (
            example_with(|v| v["statement"]["roles"] = json!(null)),
            "a `grant` needs `statement.roles`",
        ),
        (
            example_with(|v| v["statement"]["key"] = json!("ops")),
            "`statement.key`: bad key",
        ),
        (
            example_with(|v| v["statement"]["key"] = json!(signer("ops", 10).encode())),
            "`statement.key`: bad key",
        ),
        (
            example_with(|v| {
                v["statement"]["key"] = json!(signer("україна-ops", 10).verifier().encode())
            }),
            "`statement.key`: the key name `україна-ops` is not all ASCII",
        ),
        (
            example_with(|v| v["statement"]["party"] = json!("ukraine/army")),
            "`statement.party`: `ukraine/army` has a space, control character, `+` or `/`",
        ),
        (
            example_with(|v| v["signature"] = json!("AAAA")),
            "`signature` is not 64 bytes in base64",
        ),
        (
            example_with(|v| {
                v.as_object_mut().unwrap().remove("signature");
            }),
            "missing field `signature`",
        ),
        (
            example_with(|v| v["note"] = json!(1)),
            "unknown field `note`",
        ),
        (
            format!("{} {{}}", example().to_json()),
            "after the statement: trailing characters",
        ),
        ("[1, 2]".to_string(), "a signed statement is a JSON object"),
        (
            example_with(|v| {
                v["statement"] = json!([
                    "grant",
                    "ukraine",
                    1,
                    "2026-12-04T08:00:00Z",
                    EXAMPLE_KEY,
                    ["reporter"],
                    null,
                    null
                ])
            }),
            "`statement` is not written in its one form",
        ),
        ("".to_string(), "a signed statement is a JSON object"),
        ("{".to_string(), "EOF while parsing"),
        (
            format!("{{\"pad\": \"{}\"}}", "x".repeat(20_000)),
            "more than the limit of 16384",
        ),
    ];
    for (text, expected) in cases {
        let message = refused(&text);
        assert!(
            message.contains(expected),
            "{text}\n→ {message}\n(expected {expected})"
        );
    }
    // A key id in capitals: the same key, another spelling.
    let key = signer("ukraine-ops-1", 10).verifier().encode();
    let id = key.split('+').nth(1).unwrap().to_string();
    let upper = key.replacen(&id, &id.to_uppercase(), 1);
    assert_ne!(upper, key);
    let message = refused(&example_with(|v| v["statement"]["key"] = json!(upper)));
    assert!(message.contains("the key id in lowercase hex"), "{message}");
    // A duplicate field.
    let text =
        example()
            .to_json()
            .to_string()
            .replacen("\"serial\":1", "\"serial\":1,\"serial\":2", 1);
    assert!(
        refused(&text).contains("duplicate field `serial`"),
        "{}",
        refused(&text)
    );
}

#[test]
fn every_problem_is_named_at_once() {
    let message = refused(&example_with(|v| {
        v["statement"]["party"] = json!("");
        v["statement"]["serial"] = json!(0);
        v["statement"]["roles"] = json!(["pilot", "reporter", "reporter"]);
        v["statement"]["reason"] = json!("x");
        v["signature"] = json!("!");
    }));
    for expected in [
        "`statement.party`: the party id is empty",
        "`statement.serial` is 0",
        "`statement.roles[0]`: `pilot` is not a role",
        "`statement.roles[2]`: `reporter` is named twice",
        "`statement.reason` is not part of a `grant`",
        "`signature` is not 64 bytes",
    ] {
        assert!(
            message.contains(expected),
            "{message}\n(expected {expected})"
        );
    }
}

#[test]
fn a_revocation_needs_a_name_and_a_reason_on_one_line() {
    let root = signer("ukraine-root", 1);
    let line = signer("ops", 10).verifier().encode();
    for (name, reason, expected) in [
        (
            line.as_str(),
            "lost",
            "give the key's name, not its key line",
        ),
        ("ops", " ", "say why the key is revoked"),
        ("ops", "lost\nfound", "write it on one line"),
        ("", "lost", "the key name is empty"),
    ] {
        let text = sign(&revoke("ukraine", 1, name, reason), &root)
            .to_json()
            .to_string();
        let message = refused(&text);
        assert!(
            message.contains(expected),
            "{message}\n(expected {expected})"
        );
    }
    let long = "x".repeat(keyring::REASON_BYTES_MAX + 1);
    let statement = revoke("ukraine", 1, "ops", &long);
    assert!(statement.problems()[0].contains("more than the limit of 1000"));
}
