//! The key registry file.

use keyring::parse_roots;

use crate::signer;

fn line(party: &str, name: &str, seed: u8) -> String {
    format!("{party} = \"{}\"\n", signer(name, seed).verifier().encode())
}

#[test]
fn a_registry_file_lists_each_party_s_root_in_file_order() {
    let text = format!(
        "# bulwark key registry: each party's root key (verifier key lines), enrolled by the node operator\n[roots]\n{}{}\"monitoring-mission\" = \"{}\"\n",
        line("us", "us-root", 2),
        line("ukraine", "ukraine-root", 1),
        signer("mission-root", 3).verifier().encode()
    );
    let roots = parse_roots(&text).unwrap();
    let names: Vec<(&str, &str)> = roots
        .iter()
        .map(|(p, v)| (p.as_str(), v.name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("us", "us-root"),
            ("ukraine", "ukraine-root"),
            ("monitoring-mission", "mission-root")
        ]
    );
    assert_eq!(roots[1].1, signer("ukraine-root", 1).verifier());
    assert_eq!(parse_roots("[roots]\n").unwrap(), []);
}

#[test]
fn every_problem_is_reported_with_its_line() {
    let text = format!(
        "[roots]\n{}{}{}{}ru = \"nonsense\"\n\"a b\" = \"{}\"\n",
        line("ukraine", "ukraine-root", 1),
        line("us", "ukraine-root", 2),
        line("uk", "uk-root", 1),
        format_args!("secret = \"{}\"\n", signer("secret-root", 4).encode()),
        signer("ab-root", 5).verifier().encode()
    );
    let problems = parse_roots(&text).unwrap_err();
    let expected = [
        "line 3: `us`'s root has the name `ukraine-root`, as `ukraine`'s on line 2",
        "line 4: `uk`'s root is the same public key as `ukraine`'s on line 2",
        "line 5: `secret`'s root is a secret signer key: put its verifier key here",
        "line 6: `ru`'s root: bad key",
        "line 7: `a b` has a space",
    ];
    assert_eq!(problems.len(), expected.len(), "{problems:#?}");
    for (problem, expected) in problems.iter().zip(expected) {
        assert!(
            problem.starts_with(expected),
            "{problem}\n(expected {expected})"
        );
    }
}

#[test]
fn a_file_that_is_not_a_registry_says_where() {
    for (text, expected) in [
        ("", "no `[roots]` table"),
        (
            "[root]\nua = \"x\"\n",
            "line 1, column 2: unknown field `root`",
        ),
        (
            "[roots]\nua = 1\n",
            "line 2, column 6: invalid type: integer `1`, expected a string",
        ),
        ("[roots]\nua = \"x\n", "line 2, column"),
        (
            "[roots]\nua = \"a\"\nua = \"b\"\n",
            "line 3, column 1: duplicate key",
        ),
    ] {
        let problems = parse_roots(text).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with(expected),
            "{}\n(expected {expected})",
            problems[0]
        );
    }
}
