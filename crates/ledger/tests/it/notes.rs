//! C2SP signed-note and tlog-checkpoint vectors (the Go reference's and the
//! spec's), read in place from the shared data directory.

use ledger::note::{self, Checkpoint, NoteError, Signer, Verifier};
use serde_json::Value;

use crate::real_data;

fn vectors() -> Option<Value> {
    let data = real_data("signed note vectors")?;
    let text = std::fs::read_to_string(data.join("transparency/signed_note_vectors.json")).unwrap();
    Some(serde_json::from_str(&text).unwrap())
}

fn verifiers(v: &Value, names: &Value) -> Vec<Verifier> {
    names
        .as_array()
        .unwrap()
        .iter()
        .map(|n| Verifier::parse(v["keys"][n.as_str().unwrap()]["vkey"].as_str().unwrap()).unwrap())
        .collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

#[test]
fn keys_parse_and_their_ids_match() {
    let Some(v) = vectors() else { return };
    for (name, key) in v["keys"].as_object().unwrap() {
        let verifier = Verifier::parse(key["vkey"].as_str().unwrap()).unwrap();
        assert_eq!(&verifier.name, name);
        assert_eq!(
            ledger::merkle::hex(&verifier.id),
            key["key_id_hex"].as_str().unwrap()
        );
        assert_eq!(verifier.encode(), key["vkey"].as_str().unwrap());
        if let Some(skey) = key["skey_PUBLIC_TEST_KEY"].as_str() {
            let signer = Signer::parse(skey).unwrap();
            assert_eq!(signer.verifier(), verifier);
        }
    }
    // A key id that does not match its key is refused.
    let good = v["keys"]["PeterNeumann"]["vkey"].as_str().unwrap();
    let bad = good.replace("c74f20a3", "c74f20a4");
    assert!(matches!(Verifier::parse(&bad), Err(NoteError::BadKey(_))));
}

#[test]
fn valid_notes_open_with_exactly_the_expected_signers() {
    let Some(v) = vectors() else { return };
    for case in v["valid_notes"].as_array().unwrap() {
        let keys = verifiers(&v, &case["verify_with"]);
        let opened = note::open(case["note"].as_str().unwrap(), &keys)
            .unwrap_or_else(|e| panic!("{}: {e}", case["id"]));
        let want = &case["expect"];
        assert_eq!(
            opened.verified,
            strings(&want["verified"]),
            "{}",
            case["id"]
        );
        assert_eq!(
            opened.unverified,
            strings(&want["unverified"]),
            "{}",
            case["id"]
        );
        if let Some(text) = want["text"].as_str() {
            assert_eq!(opened.text, text);
        }
    }
}

#[test]
fn malformed_and_rejected_notes_are_refused_with_the_reason() {
    let Some(v) = vectors() else { return };
    let all = verifiers(&v, &serde_json::json!(["PeterNeumann", "EnochRoot"]));
    for case in v["malformed_notes"].as_array().unwrap() {
        let err = note::open(case["note"].as_str().unwrap(), &all).unwrap_err();
        assert!(
            matches!(err, NoteError::Malformed(_)),
            "{}: {err}",
            case["id"]
        );
    }
    // A note that is not UTF-8 (Go's extra case, a leading 0xFF) cannot
    // reach `open`: it takes text, and the caller's decoding refuses it.
    for case in v["rejected_notes"].as_array().unwrap() {
        let keys = verifiers(&v, &case["verify_with"]);
        let err = note::open(case["note"].as_str().unwrap(), &keys).unwrap_err();
        let want = case["expect"].as_str().unwrap();
        if want.contains("no verifiable") {
            assert_eq!(err, NoteError::NoVerifiableSignature, "{}", case["id"]);
        } else {
            assert!(
                matches!(err, NoteError::InvalidSignature { .. }),
                "{}: {err}",
                case["id"]
            );
        }
    }
}

#[test]
fn the_test_key_signs_byte_for_byte_as_the_reference() {
    let Some(v) = vectors() else { return };
    let signer = Signer::parse(
        v["keys"]["PeterNeumann"]["skey_PUBLIC_TEST_KEY"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    let case = &v["valid_notes"][0];
    let text = case["expect"]["text"].as_str().unwrap();
    assert_eq!(
        note::sign(text, &[signer]).unwrap(),
        case["note"].as_str().unwrap()
    );
}

#[test]
fn checkpoints_parse_and_bad_bodies_are_refused() {
    let Some(v) = vectors() else { return };
    for case in v["checkpoints"].as_array().unwrap() {
        let body = match (case["note"].as_str(), case["body"].as_str()) {
            (Some(n), _) => n.split("\n\n").next().unwrap().to_string() + "\n",
            (None, Some(b)) => b.to_string(),
            _ => continue,
        };
        let c = Checkpoint::parse(&body).unwrap_or_else(|e| panic!("{}: {e}", case["id"]));
        assert_eq!(c.encode(), body, "{}", case["id"]);
        if let Some(size) = case["tree_size"].as_u64() {
            assert_eq!(c.size, size);
        }
        for bad in case["bad_bodies"].as_array().into_iter().flatten() {
            let bad = bad.as_str().unwrap();
            let parsed = Checkpoint::parse(bad);
            // A checkpoint of another origin parses; the caller checks the
            // origin it expects.
            if parsed.as_ref().is_ok_and(|p| p.origin != c.origin) {
                continue;
            }
            assert!(parsed.is_err(), "{}: accepted {bad:?}", case["id"]);
        }
    }
}
