//! The browser's verifier, `js/verify.js`, against `pack::verify`: real
//! logs made with the ledger's API, a pack of each certification, and
//! many variants of them — every field changed, entries and proof hashes
//! taken out, added and altered, forged and malformed signatures,
//! malformed JSON, and every byte of two packs changed in turn — go
//! through both verifiers, and their verdicts must agree on every one
//! (and their words, where the Rust verifier's are its own). Log entries
//! with their proofs, and JSON values' RFC 8785 bytes, likewise.
//!
//! Needs Node.js 20 or later on PATH: the test fails, saying so, without.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use curve25519_dalek::Scalar;
use curve25519_dalek::constants::EIGHT_TORSION;
use curve25519_dalek::traits::IsIdentity;
use ledger::entry::{self, Evidence, Named};
use ledger::merkle::{self, Hash, Tree};
use ledger::note::{self, Checkpoint, Signer, Verifier};
use ledger::pack::{self, Pack, Proven};
use serde_json::{Value, json};
use sha2::{Digest, Sha512};

const LOG: &str = "bulwark.test/js";
const AT: &str = "2025-03-01T10:00:00Z";

fn signer() -> Signer {
    Signer::from_seed(LOG, [11; 32]).unwrap()
}

/// Another key of the same name.
fn impostor() -> Signer {
    Signer::from_seed(LOG, [12; 32]).unwrap()
}

/// A key of another name.
fn stranger() -> Signer {
    Signer::from_seed("bulwark.test/other", [13; 32]).unwrap()
}

/// A log: its entries, tree and a checkpoint of it signed by [`signer`].
struct Log {
    entries: Vec<Value>,
    tree: Tree,
    note: String,
    size: u64,
}

impl Log {
    fn new(entries: Vec<Value>) -> Log {
        let mut tree = Tree::new();
        for e in &entries {
            tree.push(&entry::canonical(e));
        }
        let size = tree.len();
        let note = checkpoint(size, tree.root(), &[]);
        Log {
            entries,
            tree,
            note,
            size,
        }
    }

    fn proven(&self, index: u64) -> Proven {
        Proven {
            index,
            entry: self.entries[usize::try_from(index).unwrap()].clone(),
            proof: self
                .tree
                .inclusion_proof(index, self.size)
                .unwrap()
                .iter()
                .map(|h| merkle::hex(h))
                .collect(),
        }
    }

    fn pack(&self, decision: u64) -> Pack {
        pack::build(
            &self.tree,
            &self.entries,
            decision,
            &signer().verifier(),
            &self.note,
            self.size,
        )
        .unwrap()
    }

    /// A pack of a decision `pack::build` refuses (not a readable
    /// certification), holding `evidence`.
    fn pack_by_hand(&self, decision: u64, evidence: &[u64]) -> Pack {
        let entry = &self.entries[usize::try_from(decision).unwrap()];
        let field = |k: &str| entry[k].as_str().unwrap_or("?").to_string();
        Pack {
            format: pack::PACK_FORMAT.to_string(),
            breach: field("breach"),
            trigger: field("trigger"),
            framework_hash: field("framework_hash"),
            key: signer().verifier().encode(),
            checkpoint: self.note.clone(),
            decision: self.proven(decision),
            evidence: evidence.iter().map(|&i| self.proven(i)).collect(),
        }
    }
}

/// A checkpoint body signed by [`signer`].
fn checkpoint(size: u64, root: Hash, extensions: &[&str]) -> String {
    let body = Checkpoint {
        origin: LOG.to_string(),
        size,
        root,
        extensions: extensions.iter().map(|e| e.to_string()).collect(),
    };
    note::sign(&body.encode(), &[signer()]).unwrap()
}

fn observation(party: &str, source: &str, message: &str, extra: Value) -> Value {
    let mut w = json!({
        "v": 1,
        "type": "observation",
        "id": {"party": party, "source": source, "message": message},
    });
    if let (Some(w), Value::Object(extra)) = (w.as_object_mut(), extra) {
        w.extend(extra);
    }
    entry::input(AT, w)
}

fn named(index: u64, input: &str) -> Named {
    Named {
        index,
        input: input.to_string(),
    }
}

fn certification(breach: &str, incidents: &[(&str, Vec<Named>)], reviews: Vec<Named>) -> Value {
    let evidence = Evidence {
        incidents: incidents
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
        reviews,
    };
    entry::decision(
        json!({"decision": "certified", "at": AT, "breach": breach, "trigger": "missile-salvo"}),
        Some(("9f2c0e", &evidence)),
    )
}

/// A certification with `evidence` as given (for shapes `Evidence` does
/// not write).
fn certification_raw(breach: &str, evidence: Value) -> Value {
    json!({
        "entry": "decision", "decision": "certified", "at": AT, "breach": breach,
        "trigger": "missile-salvo", "framework_hash": "9f2c0e", "evidence": evidence,
    })
}

/// `[[[…]]]`, `depth` arrays deep.
fn nested(depth: usize) -> Value {
    (0..depth).fold(json!("deep"), |v, _| Value::Array(vec![v]))
}

/// The main log. Its certifications: 6 (B1, with a restricted
/// observation), 8 (B2), 10 (B3, naming entries of the wrong kinds), 11
/// (evidence written positionally), 12 (no `reviews`), 13 to 15 and 17 to
/// 19 (evidence serde refuses; 16 is of no known kind), 20 (incident names
/// out of UTF-8 order), 22 (an entry nested 127 deep in its pack).
fn main_log() -> Log {
    let secret = json!({"v": 1, "type": "observation", "id": {"party": "ua", "source": "sigint", "message": "44"}});
    let commitment = entry::commit(&[9; 32], &entry::canonical(&secret));
    let entries = vec![
        // 0
        observation(
            "ua",
            "radar",
            "1",
            json!({"note": "Крылатая ракета «Калибр» — 3 шт. 😀 \u{7}\t\"q\" \\ / \u{2028}\u{e000}", "altitude_m": 150.5}),
        ),
        // 1: contradicting
        observation(
            "pl",
            "radar",
            "7",
            json!({"count": 0, "ok": false, "none": null}),
        ),
        // 2
        entry::restricted(AT, &commitment),
        // 3
        entry::decision(
            json!({"decision": "incident_opened", "at": AT, "incident": "I1"}),
            None,
        ),
        // 4: a review
        entry::input(
            AT,
            json!({"v": 1, "type": "review", "id": {"party": "ua", "source": "analyst", "message": "r1"}, "verdict": "confirmed"}),
        ),
        // 5
        entry::key(
            AT,
            json!({"type": "enrol", "party": "ua", "root": signer().verifier().encode()}),
        ),
        // 6
        certification(
            "B1",
            &[
                ("I1", vec![named(0, "ua/radar/1"), named(1, "pl/radar/7")]),
                ("I2", vec![named(2, "(restricted)")]),
            ],
            vec![named(4, "ua/analyst/r1")],
        ),
        // 7: numbers JSON writes in many ways
        observation(
            "ua",
            "radar",
            "2",
            json!({
                "big": 9_007_199_254_740_993_u64, "neg": -9_007_199_254_740_993_i64, "max": u64::MAX,
                "tenth": 0.1, "tiny": 5e-324, "huge": 1.797_693_134_862_315_7e308, "exp": 1e21,
                "negzero": -0.0, "third": 1.0 / 3.0, "whole": 3.0, "small": 1e-7,
            }),
        ),
        // 8
        certification("B2", &[("I3", vec![named(7, "ua/radar/2")])], vec![]),
        // 9
        entry::decision(
            json!({"decision": "closed", "at": AT, "breach": "B1"}),
            None,
        ),
        // 10: names a decision, a wrong input, a key entry, a restricted review
        certification(
            "B3",
            &[(
                "I4",
                vec![
                    named(3, "ua/radar/1"),
                    named(0, "ua/radar/9"),
                    named(5, "ua/keys/1"),
                ],
            )],
            vec![named(2, "(restricted)")],
        ),
        // 11: evidence and its items as lists (serde reads a struct so)
        certification_raw(
            "B4",
            json!([{"I5": [[0, "ua/radar/1"]]}, [[4, "ua/analyst/r1"]]]),
        ),
        // 12: no reviews
        certification_raw(
            "B5",
            json!({"incidents": {"I6": [{"index": 1, "input": "pl/radar/7"}]}}),
        ),
        // 13: an index with a fraction
        certification_raw(
            "B6",
            json!({"incidents": {"I7": [{"index": 0.0, "input": "ua/radar/1"}]}}),
        ),
        // 14: an unknown field in an item
        certification_raw(
            "B7",
            json!({"incidents": {"I8": [{"index": 0, "input": "ua/radar/1", "note": "x"}]}, "reviews": []}),
        ),
        // 15: evidence null
        certification_raw("B8", Value::Null),
        // 16: an entry of no known kind
        json!({"entry": "mystery", "at": AT}),
        // 17: a negative index
        certification_raw(
            "B9",
            json!({"incidents": {"I9": [{"index": -1, "input": "ua/radar/1"}]}}),
        ),
        // 18: incidents as a list
        certification_raw(
            "B10",
            json!({"incidents": [[{"index": 0, "input": "ua/radar/1"}]]}),
        ),
        // 19: reviews null
        certification_raw(
            "B11",
            json!({"incidents": {"I10": [{"index": 0, "input": "ua/radar/1"}]}, "reviews": null}),
        ),
        // 20: incident names whose UTF-8 and UTF-16 orders differ
        certification(
            "B12",
            &[
                ("z", vec![named(0, "ua/radar/1")]),
                ("é", vec![named(1, "pl/radar/7")]),
                ("😀", vec![named(7, "ua/radar/2")]),
                ("\u{e000}", vec![named(2, "(restricted)")]),
            ],
            vec![named(4, "ua/analyst/r1")],
        ),
        // 21: nested so that its pack is 127 deep (pack, evidence, item,
        // entry, input, then the arrays), serde_json's limit
        observation("ua", "radar", "deep", json!({"deep": nested(122)})),
        // 22
        certification("B13", &[("I11", vec![named(21, "ua/radar/deep")])], vec![]),
        // 23: so that the size is not a power of two
        entry::decision(json!({"decision": "noted", "at": AT}), None),
    ];
    Log::new(entries)
}

/// A log of more than 2^60 entries: the last four are real, the rest one
/// made-up subtree hash. Its certification (2^60 + 3) names the others.
fn huge_log() -> (Vec<Value>, Vec<Proven>, String, u64) {
    const BASE: u64 = 1 << 60;
    let entries = vec![
        observation("ua", "radar", "h1", json!({})),
        observation("pl", "radar", "h2", json!({})),
        entry::input(
            AT,
            json!({"v": 1, "type": "review", "id": {"party": "ua", "source": "analyst", "message": "h3"}}),
        ),
        certification(
            "H1",
            &[(
                "I1",
                vec![named(BASE, "ua/radar/h1"), named(BASE + 1, "pl/radar/h2")],
            )],
            vec![named(BASE + 2, "ua/analyst/h3")],
        ),
    ];
    let mut tail = Tree::new();
    for e in &entries {
        tail.push(&entry::canonical(e));
    }
    let left = [0x5a; 32];
    let size = BASE + 4;
    let root = merkle::node_hash(&left, &tail.root());
    let proven = (0..4u64)
        .map(|k| {
            let mut proof: Vec<String> = tail
                .inclusion_proof(k, 4)
                .unwrap()
                .iter()
                .map(|h| merkle::hex(h))
                .collect();
            proof.push(merkle::hex(&left));
            Proven {
                index: BASE + k,
                entry: entries[usize::try_from(k).unwrap()].clone(),
                proof,
            }
        })
        .collect();
    (entries, proven, checkpoint(size, root, &[]), size)
}

/// One pack for both verifiers: its bytes, the key given (if any), and
/// the verdict expected when it is certain.
struct Case {
    name: String,
    bytes: Vec<u8>,
    trusted: Option<String>,
    expect: Option<bool>,
}

#[derive(Default)]
struct Cases(Vec<Case>);

impl Cases {
    fn add(&mut self, name: &str, bytes: Vec<u8>, expect: Option<bool>) {
        self.0.push(Case {
            name: name.to_string(),
            bytes,
            trusted: None,
            expect,
        });
    }

    fn good(&mut self, name: &str, bytes: Vec<u8>) {
        self.add(name, bytes, Some(true));
    }

    fn bad(&mut self, name: &str, bytes: Vec<u8>) {
        self.add(name, bytes, Some(false));
    }

    fn trusted(&mut self, name: &str, bytes: Vec<u8>, key: &Verifier, expect: bool) {
        self.0.push(Case {
            name: name.to_string(),
            bytes,
            trusted: Some(key.encode()),
            expect: Some(expect),
        });
    }

    /// `base` changed by `f`, expected refused.
    fn edit(&mut self, name: &str, base: &Value, f: impl FnOnce(&mut Value)) {
        let mut v = base.clone();
        f(&mut v);
        self.bad(name, to_bytes(&v));
    }

    /// `base` as text with `from` replaced by `to` (once; it must be
    /// there).
    fn replace(&mut self, name: &str, base: &[u8], from: &str, to: &str, expect: bool) {
        let text = String::from_utf8(base.to_vec()).unwrap();
        assert!(text.contains(from), "{name}: `{from}` is not in the pack");
        self.add(name, text.replacen(from, to, 1).into_bytes(), Some(expect));
    }
}

fn to_bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap()
}

fn value(p: &Pack) -> Value {
    serde_json::to_value(p).unwrap()
}

/// The checkpoint note with its signature blob (key id ‖ signature)
/// changed by `f`.
fn resign(note: &str, f: impl FnOnce(&mut Vec<u8>)) -> String {
    let (text, line) = note.trim_end().rsplit_once('\n').unwrap();
    let (prefix, blob64) = line.rsplit_once(' ').unwrap();
    let mut blob = STANDARD.decode(blob64).unwrap();
    f(&mut blob);
    format!("{text}\n{prefix} {}\n", STANDARD.encode(blob))
}

/// A note of `text` with one signature line by `name` whose blob is `blob`.
fn note_with(text: &str, name: &str, blob: &[u8]) -> String {
    format!("{text}\n\u{2014} {name} {}\n", STANDARD.encode(blob))
}

/// The signer's signature of `text` made with R the identity point (of
/// small order): S = k·a, which satisfies the equation; strict
/// verification refuses it.
fn identity_r_signature(text: &str) -> Vec<u8> {
    let expanded = Sha512::digest([11u8; 32]);
    let mut a = [0u8; 32];
    a.copy_from_slice(&expanded[..32]);
    a[0] &= 248;
    a[31] &= 127;
    a[31] |= 64;
    let public = signer().verifier().verifying_key().to_bytes();
    let mut r = [0u8; 32];
    r[0] = 1;
    let mut h = Sha512::new();
    h.update(r);
    h.update(public);
    h.update(text.as_bytes());
    let mut wide = [0u8; 64];
    wide.copy_from_slice(&h.finalize());
    let s = Scalar::from_bytes_mod_order_wide(&wide) * Scalar::from_bytes_mod_order(a);
    let mut sig = r.to_vec();
    sig.extend_from_slice(s.as_bytes());
    sig
}

/// The group order L, little-endian.
const ORDER: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

/// A signature blob (key id ‖ R ‖ S) with S + L in place of S.
fn malleate(blob: &mut [u8]) {
    let mut carry = 0u16;
    for (b, l) in blob[36..].iter_mut().zip(ORDER) {
        let sum = u16::from(*b) + u16::from(l) + carry;
        *b = (sum & 0xff) as u8;
        carry = sum >> 8;
    }
}

/// A verifier key line for `name` and 32 raw key bytes, of type `alg`,
/// its key id computed.
fn key_line(name: &str, alg: u8, key: &[u8]) -> String {
    let mut h = sha2::Sha256::new();
    h.update(name.as_bytes());
    h.update([b'\n', alg]);
    h.update(key);
    let id = h.finalize();
    let mut raw = vec![alg];
    raw.extend_from_slice(key);
    format!("{name}+{}+{}", merkle::hex(&id[..4]), STANDARD.encode(raw))
}

fn all_cases() -> Cases {
    let log = main_log();
    let mut c = Cases::default();
    let b1 = log.pack(6);
    let b1v = value(&b1);
    let b1_bytes = to_bytes(&b1v);
    let key = signer().verifier();

    // Packs that verify.
    c.good("B1, with a restricted observation", b1_bytes.clone());
    c.trusted("B1, the log's key given", b1_bytes.clone(), &key, true);
    c.good(
        "B1 pretty-printed",
        serde_json::to_vec_pretty(&b1v).unwrap(),
    );
    let b2_bytes = to_bytes(&value(&log.pack(8)));
    c.good("B2, numbers of every form", b2_bytes.clone());
    c.trusted("B2, the log's key given", b2_bytes.clone(), &key, true);
    c.good(
        "B4, evidence written as lists",
        to_bytes(&value(&log.pack(11))),
    );
    c.good("B5, no reviews", to_bytes(&value(&log.pack(12))));
    let b12 = log.pack(20);
    c.good(
        "B12, incident names out of UTF-8 order",
        to_bytes(&value(&b12)),
    );
    let deep = to_bytes(&value(&log.pack(22)));
    c.good("B13, nested 127 deep", deep.clone());
    {
        let text = String::from_utf8(deep).unwrap();
        let t = text.replacen("\"deep\"]", "\"deep\"]]", 1);
        c.bad(
            "B13, nested 128 deep",
            t.replacen("\"deep\":[", "\"deep\":[[", 1).into_bytes(),
        );
    }
    c.good(
        "B1 after leading and trailing whitespace",
        [b" \n\t".as_slice(), &b1_bytes, b"\r\n "].concat(),
    );
    c.replace(
        "B1 with a field name escaped",
        &b1_bytes,
        "\"breach\"",
        "\"bre\\u0061ch\"",
        true,
    );
    c.replace(
        "B1 with a key given twice in an entry, the last right",
        &b1_bytes,
        "{\"entry\":\"input\",\"at\":",
        "{\"at\":\"forged\",\"entry\":\"input\",\"at\":",
        true,
    );
    c.replace(
        "B1 with an index given twice in the certification, the last right",
        &b1_bytes,
        "{\"index\":0,\"input\":\"ua/radar/1\"}",
        "{\"index\":0.0,\"index\":0,\"input\":\"ua/radar/1\"}",
        true,
    );
    c.replace(
        "B1 with an index given twice in the certification, the last wrong",
        &b1_bytes,
        "{\"index\":0,\"input\":\"ua/radar/1\"}",
        "{\"index\":0,\"index\":0.0,\"input\":\"ua/radar/1\"}",
        false,
    );
    c.good("B1 with the decision written as a list", {
        let mut v = b1v.clone();
        let d = &v["decision"];
        v["decision"] = json!([d["index"], d["entry"], d["proof"]]);
        to_bytes(&v)
    });
    c.good("B1 written as a list", {
        let fields = [
            "format",
            "breach",
            "trigger",
            "framework_hash",
            "key",
            "checkpoint",
            "decision",
            "evidence",
        ];
        to_bytes(&Value::Array(
            fields.iter().map(|f| b1v[*f].clone()).collect(),
        ))
    });
    c.good("B1 with its evidence in another order", {
        let mut v = b1v.clone();
        v["evidence"].as_array_mut().unwrap().reverse();
        to_bytes(&v)
    });
    c.good("B1 with a proof hash in capitals", {
        let mut v = b1v.clone();
        let h = v["decision"]["proof"][0].as_str().unwrap().to_uppercase();
        v["decision"]["proof"][0] = h.into();
        to_bytes(&v)
    });
    {
        // `u8::from_str_radix` alone would read `+a` as 0x0a: a hash is 64
        // hex digits, and both verifiers refuse it.
        let mut v = b1v.clone();
        let spot = (0..v["evidence"].as_array().unwrap().len())
            .flat_map(|e| (0..4).map(move |h| (e, h)))
            .find_map(|(e, h)| {
                let s = v["evidence"][e]["proof"].get(h)?.as_str()?.to_string();
                let at = (0..32).find(|i| &s[2 * i..2 * i + 1] == "0")?;
                Some((e, h, s, at))
            })
            .unwrap();
        let (e, h, s, at) = spot;
        let t = format!("{}+{}", &s[..2 * at], &s[2 * at + 1..]);
        v["evidence"][e]["proof"][h] = t.into();
        c.bad("B1 with a proof byte written `+a`", to_bytes(&v));
    }
    c.good("B1, a checkpoint with an extension line", {
        let mut v = b1v.clone();
        v["checkpoint"] = checkpoint(log.size, log.tree.root(), &["extension one"]).into();
        to_bytes(&v)
    });
    let body = format!("{}\n", log.note.split_once("\n\n").unwrap().0);
    let root64 = STANDARD.encode(log.tree.root());
    c.good("B1, a checkpoint also signed by another log", {
        let mut v = b1v.clone();
        v["checkpoint"] = note::sign(&body, &[stranger(), signer()]).unwrap().into();
        to_bytes(&v)
    });
    c.good("B1, a checkpoint with a bad signature by an unknown key", {
        let mut v = b1v.clone();
        v["checkpoint"] = format!(
            "{}\u{2014} bulwark.test/other {}\n",
            log.note,
            STANDARD.encode([7u8; 68])
        )
        .into();
        to_bytes(&v)
    });
    c.good("B1, a checkpoint signed twice by the log", {
        let mut v = b1v.clone();
        v["checkpoint"] = note::sign(&body, &[signer(), signer()]).unwrap().into();
        to_bytes(&v)
    });
    {
        let encoded = key.encode();
        let (name, rest) = encoded.split_once('+').unwrap();
        let (id, key64) = rest.split_once('+').unwrap();
        c.good("B1, the key id in capitals", {
            let mut v = b1v.clone();
            v["key"] = format!("{name}+{}+{key64}", id.to_uppercase()).into();
            to_bytes(&v)
        });
        // A bit of the key changed (its id no longer matches).
        let mut raw = STANDARD.decode(key64).unwrap();
        raw[9] ^= 1;
        c.edit("a bit of the key changed", &b1v, |v| {
            v["key"] = format!("{name}+{id}+{}", STANDARD.encode(&raw)).into();
        });
        c.edit("the key without its id", &b1v, |v| {
            v["key"] = format!("{name}+{key64}").into();
        });
        c.edit("the key with a wrong id", &b1v, |v| {
            v["key"] = format!("{name}+00000000+{key64}").into();
        });
        c.edit("the key with another name", &b1v, |v| {
            v["key"] = format!("bulwark.test/jsx+{id}+{key64}").into();
        });
        c.edit("the key with an empty name", &b1v, |v| {
            v["key"] = format!("+{id}+{key64}").into();
        });
        c.edit("the key not base64", &b1v, |v| {
            v["key"] = format!("{name}+{id}+{}", &key64[1..]).into();
        });
    }

    // The fields of the pack.
    c.edit("format changed", &b1v, |v| {
        v["format"] = "bulwark-evidence-pack/2".into();
    });
    c.edit("breach changed", &b1v, |v| v["breach"] = "B99".into());
    c.edit("trigger changed", &b1v, |v| v["trigger"] = "drone".into());
    c.edit("framework hash changed", &b1v, |v| {
        v["framework_hash"] = "9f2c0f".into();
    });
    c.edit("another log's key", &b1v, |v| {
        v["key"] = impostor().verifier().encode().into();
    });
    c.edit("a key of type 0x04", &b1v, |v| {
        let raw = signer().verifier().verifying_key().to_bytes();
        v["key"] = key_line(LOG, 4, &raw).into();
    });
    c.edit("a key of 31 bytes", &b1v, |v| {
        let raw = signer().verifier().verifying_key().to_bytes();
        v["key"] = key_line(LOG, 1, &raw[..31]).into();
    });
    c.edit("a key that is not a point", &b1v, |v| {
        let mut raw = [0u8; 32];
        raw[0] = 2;
        v["key"] = key_line(LOG, 1, &raw).into();
    });
    for (i, point) in EIGHT_TORSION.iter().enumerate() {
        // A key of small order, with a signature R = identity, S = 0 that
        // the equation alone accepts (for a text whose hash k has
        // [k]A = identity); strict verification refuses such a key.
        let a = point.compress().to_bytes();
        let weak = key_line(LOG, 1, &a);
        let weak_key = Verifier::parse(&weak).unwrap();
        let mut r = [0u8; 32];
        r[0] = 1;
        let text = (0..)
            .map(|n| format!("{LOG}\n{}\n{root64}\ntry {n}\n", log.size))
            .find(|text| {
                let mut h = Sha512::new();
                h.update(r);
                h.update(a);
                h.update(text.as_bytes());
                let mut wide = [0u8; 64];
                wide.copy_from_slice(&h.finalize());
                (point * Scalar::from_bytes_mod_order_wide(&wide)).is_identity()
            })
            .unwrap();
        let mut blob = weak_key.id.to_vec();
        blob.extend_from_slice(&r);
        blob.extend_from_slice(&[0; 32]);
        let mut v = b1v.clone();
        v["key"] = weak.clone().into();
        v["checkpoint"] = note_with(&text, LOG, &blob).into();
        c.bad(
            &format!("a key of small order ({i}T), its signature by the equation alone"),
            to_bytes(&v),
        );
        c.trusted(
            &format!("a key of small order ({i}T), given, its signature by the equation alone"),
            to_bytes(&v),
            &weak_key,
            false,
        );
    }
    c.edit("checkpoint size changed, not signed again", &b1v, |v| {
        let n = v["checkpoint"].as_str().unwrap().replacen(
            &format!("\n{}\n", log.size),
            &format!("\n{}\n", log.size + 1),
            1,
        );
        v["checkpoint"] = n.into();
    });
    c.edit("checkpoint of another root, signed", &b1v, |v| {
        v["checkpoint"] = checkpoint(log.size, [3; 32], &[]).into();
    });
    // The same root signed for one more entry: proofs of the same shape
    // still lead to it, so whether it verifies depends on the index.
    c.add(
        "checkpoint of one more entry with the same root, signed",
        {
            let mut v = b1v.clone();
            v["checkpoint"] = checkpoint(log.size + 1, log.tree.root(), &[]).into();
            to_bytes(&v)
        },
        None,
    );
    c.edit("checkpoint of 2^64 - 1 entries, signed", &b1v, |v| {
        v["checkpoint"] = checkpoint(u64::MAX, log.tree.root(), &[]).into();
    });
    for (name, text) in [
        (
            "checkpoint size with a leading zero",
            format!("{LOG}\n0{}\n{root64}\n", log.size),
        ),
        (
            "checkpoint size of 2^64",
            format!("{LOG}\n18446744073709551616\n{root64}\n"),
        ),
        (
            "checkpoint root of 31 bytes",
            format!(
                "{LOG}\n{}\n{}\n",
                log.size,
                STANDARD.encode(&log.tree.root()[..31])
            ),
        ),
        (
            "checkpoint with an empty extension line",
            format!("{LOG}\n{}\n{root64}\n\next\n", log.size),
        ),
        (
            "checkpoint without an origin",
            format!("\n{}\n{root64}\n", log.size),
        ),
        (
            "checkpoint without a root",
            format!("{LOG}\n{}\n", log.size),
        ),
    ] {
        c.edit(name, &b1v, |v| {
            v["checkpoint"] = note::sign(&text, &[signer()]).unwrap().into();
        });
    }
    c.edit("checkpoint signature byte changed", &b1v, |v| {
        v["checkpoint"] = resign(&log.note, |b| b[20] ^= 1).into();
    });
    c.edit("checkpoint signature with S + L", &b1v, |v| {
        v["checkpoint"] = resign(&log.note, |b| malleate(b)).into();
    });
    c.edit("checkpoint signature cut to 63 bytes", &b1v, |v| {
        v["checkpoint"] = resign(&log.note, |b| {
            b.pop();
        })
        .into();
    });
    c.edit("checkpoint signature shorter than a key id", &b1v, |v| {
        v["checkpoint"] = resign(&log.note, |b| b.truncate(4)).into();
    });
    c.edit("checkpoint signature with R the identity", &b1v, |v| {
        let mut blob = key.id.to_vec();
        blob.extend(identity_r_signature(&body));
        v["checkpoint"] = note_with(&body, LOG, &blob).into();
    });
    c.edit("checkpoint signed by another key of the name", &b1v, |v| {
        v["checkpoint"] = note::sign(&body, &[impostor()]).unwrap().into();
    });
    c.edit("checkpoint signed by another log only", &b1v, |v| {
        v["checkpoint"] = note::sign(&body, &[stranger()]).unwrap().into();
    });
    {
        let sig_line = log.note.rsplit('\n').nth(1).unwrap().to_string();
        let unknown = format!("\u{2014} bulwark.test/other {}", STANDARD.encode([7u8; 68]));
        for (name, note) in [
            ("checkpoint without signatures", format!("{body}\n")),
            (
                "checkpoint without a blank line",
                format!("{body}{sig_line}\n"),
            ),
            (
                "checkpoint without its last newline",
                log.note.trim_end().to_string(),
            ),
            (
                "checkpoint with a tab",
                log.note.replacen(LOG, &format!("{LOG}\t"), 1),
            ),
            (
                "checkpoint with a line that is not a signature",
                format!("{}hello\n", log.note),
            ),
            (
                "checkpoint with 101 signatures",
                format!("{}{}", log.note, format!("{unknown}\n").repeat(100)),
            ),
            (
                "checkpoint with a signer name holding `+`",
                format!("{}\u{2014} a+b {}\n", log.note, STANDARD.encode([7u8; 68])),
            ),
            (
                "checkpoint signature without padding",
                format!(
                    "{}\u{2014} x {}\n",
                    log.note,
                    STANDARD.encode([7u8; 68]).trim_end_matches('=')
                ),
            ),
            ("checkpoint signature base64 with stray bits", {
                let (head, blob64) = sig_line.rsplit_once(' ').unwrap();
                let mut chars: Vec<char> = blob64.chars().collect();
                let last = chars.iter().rposition(|&ch| ch != '=').unwrap();
                let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
                let pos = alphabet.find(chars[last]).unwrap();
                chars[last] = alphabet.chars().nth(pos ^ 1).unwrap();
                let blob: String = chars.into_iter().collect();
                format!("{body}\n{head} {blob}\n")
            }),
        ] {
            c.edit(name, &b1v, |v| v["checkpoint"] = note.into());
        }
    }

    // Entries, proofs, indexes.
    c.edit("decision index changed", &b1v, |v| {
        v["decision"]["index"] = 7.into();
    });
    c.edit("evidence index changed", &b1v, |v| {
        v["evidence"][1]["index"] = 3.into();
    });
    c.edit("decision entry's time changed", &b1v, |v| {
        v["decision"]["entry"]["at"] = "2025-03-01T10:00:01Z".into();
    });
    c.edit("decision entry's evidence index changed", &b1v, |v| {
        v["decision"]["entry"]["evidence"]["incidents"]["I1"][0]["index"] = 3.into();
    });
    c.edit("evidence entry's party changed", &b1v, |v| {
        v["evidence"][0]["entry"]["input"]["id"]["party"] = "ru".into();
    });
    c.edit("evidence entry with a field added", &b1v, |v| {
        v["evidence"][0]["entry"]["extra"] = 1.into();
    });
    c.edit("evidence entry's number 150.5 as 150.50001", &b1v, |v| {
        v["evidence"][0]["entry"]["input"]["altitude_m"] = 150.50001.into();
    });
    c.edit("evidence entry null", &b1v, |v| {
        v["evidence"][0]["entry"] = Value::Null;
    });
    c.edit("a proof hash changed", &b1v, |v| {
        let h = v["decision"]["proof"][0].as_str().unwrap();
        let flipped = format!("{}{}", if h.starts_with('0') { "1" } else { "0" }, &h[1..]);
        v["decision"]["proof"][0] = flipped.into();
    });
    c.edit("a proof hash taken out", &b1v, |v| {
        v["evidence"][2]["proof"].as_array_mut().unwrap().pop();
    });
    c.edit("a proof hash added", &b1v, |v| {
        v["evidence"][2]["proof"]
            .as_array_mut()
            .unwrap()
            .push(merkle::hex(&[1; 32]).into());
    });
    c.edit("every proof hash taken out", &b1v, |v| {
        v["decision"]["proof"] = json!([]);
    });
    c.edit("a proof hash of 63 digits", &b1v, |v| {
        let h = v["decision"]["proof"][0].as_str().unwrap()[1..].to_string();
        v["decision"]["proof"][0] = h.into();
    });
    c.edit("a proof hash with a letter not hex", &b1v, |v| {
        let h = format!("g{}", &v["decision"]["proof"][0].as_str().unwrap()[1..]);
        v["decision"]["proof"][0] = h.into();
    });
    c.edit("a proof hash with a minus sign", &b1v, |v| {
        let h = format!("-{}", &v["decision"]["proof"][0].as_str().unwrap()[1..]);
        v["decision"]["proof"][0] = h.into();
    });
    // `u8::from_str_radix` alone reads `+7` as 7: a hash is 64 hex digits,
    // so a leading zero of a byte turned into a plus sign is refused.
    c.edit("a proof hash with a plus sign for a zero", &b1v, |v| {
        let proof = v["decision"]["proof"].as_array_mut().unwrap();
        let (k, i) = proof
            .iter()
            .enumerate()
            .find_map(|(k, h)| {
                let h = h.as_str().unwrap();
                (0..32)
                    .find(|i| h.as_bytes()[2 * i] == b'0')
                    .map(|i| (k, i))
            })
            .expect("a proof hash with a byte below 0x10");
        let mut h = proof[k].as_str().unwrap().to_string();
        h.replace_range(2 * i..2 * i + 1, "+");
        proof[k] = h.into();
    });
    c.edit("a proof hash with a non-ASCII letter", &b1v, |v| {
        let h = format!("é{}", &v["decision"]["proof"][0].as_str().unwrap()[2..]);
        v["decision"]["proof"][0] = h.into();
    });
    for k in 0..b1.evidence.len() {
        c.edit(&format!("evidence entry {k} taken out"), &b1v, |v| {
            v["evidence"].as_array_mut().unwrap().remove(k);
        });
    }
    c.edit("every evidence entry taken out", &b1v, |v| {
        v["evidence"] = json!([]);
    });
    c.edit("every evidence entry of B12 taken out", &value(&b12), |v| {
        v["evidence"] = json!([]);
    });
    c.edit("an evidence entry twice", &b1v, |v| {
        let e = v["evidence"][1].clone();
        v["evidence"].as_array_mut().unwrap().push(e);
    });
    c.edit("an entry not named added", &b1v, |v| {
        v["evidence"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::to_value(log.proven(3)).unwrap());
    });
    c.edit("the certification as evidence too", &b1v, |v| {
        let d = v["decision"].clone();
        v["evidence"].as_array_mut().unwrap().push(d);
    });
    c.edit("an input as the decision", &b1v, |v| {
        v["decision"] = serde_json::to_value(log.proven(0)).unwrap();
    });
    c.edit("a `closed` decision as the decision", &b1v, |v| {
        v["decision"] = serde_json::to_value(log.proven(9)).unwrap();
    });
    c.edit("a key entry as the decision", &b1v, |v| {
        v["decision"] = serde_json::to_value(log.proven(5)).unwrap();
    });
    c.bad(
        "B3, naming entries of the wrong kinds",
        to_bytes(&value(&log.pack(10))),
    );
    for (decision, name) in [
        (13, "B6, an evidence index with a fraction"),
        (14, "B7, an unknown field in an evidence item"),
        (15, "B8, evidence null"),
        (16, "an entry of no known kind as the decision"),
        (17, "B9, a negative evidence index"),
        (18, "B10, incidents as a list"),
        (19, "B11, reviews null"),
    ] {
        c.bad(name, to_bytes(&value(&log.pack_by_hand(decision, &[0]))));
    }

    // Keys given.
    c.trusted(
        "B1, another key of the name given",
        b1_bytes.clone(),
        &impostor().verifier(),
        false,
    );
    c.trusted(
        "B1, another log's key given",
        b1_bytes.clone(),
        &stranger().verifier(),
        false,
    );

    // Malformed JSON.
    for field in [
        "format",
        "breach",
        "trigger",
        "framework_hash",
        "key",
        "checkpoint",
        "decision",
        "evidence",
    ] {
        c.edit(&format!("no `{field}`"), &b1v, |v| {
            v.as_object_mut().unwrap().remove(field);
        });
    }
    for field in ["index", "entry", "proof"] {
        c.edit(&format!("no decision `{field}`"), &b1v, |v| {
            v["decision"].as_object_mut().unwrap().remove(field);
        });
        c.edit(&format!("no evidence `{field}`"), &b1v, |v| {
            v["evidence"][0].as_object_mut().unwrap().remove(field);
        });
    }
    c.edit("an unknown field", &b1v, |v| v["signed_by"] = "me".into());
    c.edit("an unknown field in the decision", &b1v, |v| {
        v["decision"]["note"] = "x".into();
    });
    for (name, pointer, bad) in [
        ("breach a number", "/breach", json!(1)),
        ("key null", "/key", Value::Null),
        ("checkpoint a list", "/checkpoint", json!([])),
        ("evidence an object", "/evidence", json!({})),
        ("evidence null", "/evidence", Value::Null),
        ("decision a string", "/decision", json!("6")),
        ("decision a list of two", "/decision", json!([6, {}])),
        ("proof a string", "/decision/proof", json!("00")),
        ("a proof hash a number", "/decision/proof/0", json!(0)),
        ("index a string", "/decision/index", json!("6")),
        ("index negative", "/decision/index", json!(-6)),
        ("index with a fraction", "/decision/index", json!(6.5)),
        ("index 6.0", "/decision/index", json!(6.0)),
        (
            "index 2^64 as a float",
            "/decision/index",
            json!(18_446_744_073_709_551_616.0),
        ),
        ("index 2^64 - 1", "/decision/index", json!(u64::MAX)),
        ("index true", "/evidence/0/index", json!(true)),
    ] {
        c.edit(name, &b1v, |v| *v.pointer_mut(pointer).unwrap() = bad);
    }
    let text = String::from_utf8(b1_bytes.clone()).unwrap();
    let index6 = "\"decision\":{\"index\":6,";
    for (name, from, to) in [
        ("index written 6.0", index6, "\"decision\":{\"index\":6.0,"),
        ("index written 6e0", index6, "\"decision\":{\"index\":6e0,"),
        ("index written 06", index6, "\"decision\":{\"index\":06,"),
        ("index written -0", index6, "\"decision\":{\"index\":-0,"),
        (
            "index written 2^64",
            index6,
            "\"decision\":{\"index\":18446744073709551616,",
        ),
        (
            "a field twice",
            "\"breach\":\"B1\"",
            "\"breach\":\"B1\",\"breach\":\"B1\"",
        ),
        (
            "an index twice",
            index6,
            "\"decision\":{\"index\":6,\"index\":6,",
        ),
        ("a trailing comma", "\"trigger\"", ",\"trigger\""),
        ("breach with a lone surrogate", "\"B1\"", "\"B1\\ud800\""),
        (
            "breach with a lone trailing surrogate",
            "\"B1\"",
            "\"B1\\udc00\"",
        ),
        ("breach with a bad escape", "\"B1\"", "\"B1\\x\""),
        (
            "breach with a raw control character",
            "\"B1\"",
            "\"B1\u{1}\"",
        ),
        ("a number out of range in an entry", "150.5", "1.5e400"),
        ("a number with a bare point in an entry", "150.5", "150."),
        ("true misspelt in an entry", "false", "flase"),
        ("a key not a string", "\"breach\":", "breach:"),
        ("single quotes", "\"B1\"", "'B1'"),
    ] {
        assert!(text.contains(from), "{name}: `{from}` is not in the pack");
        c.bad(name, text.replacen(from, to, 1).into_bytes());
    }
    c.bad(
        "a byte order mark",
        [b"\xef\xbb\xbf".as_slice(), &b1_bytes].concat(),
    );
    c.bad("not UTF-8", {
        let mut b = b1_bytes.clone();
        let at = text.find("\"B1\"").unwrap() + 2;
        b[at] = 0xff;
        b
    });
    c.bad("cut in half", b1_bytes[..b1_bytes.len() / 2].to_vec());
    c.bad("cut by one byte", b1_bytes[..b1_bytes.len() - 1].to_vec());
    c.bad("more after the pack", [b1_bytes.as_slice(), b"x"].concat());
    c.bad("two packs", [b1_bytes.as_slice(), &b1_bytes].concat());
    c.bad("empty", Vec::new());
    c.bad("null", b"null".to_vec());
    c.bad("a list of seven", {
        let mut a: Vec<Value> = b1v.as_object().unwrap().values().cloned().collect();
        a.pop();
        to_bytes(&Value::Array(a))
    });
    c.bad("a string", b"\"bulwark-evidence-pack/1\"".to_vec());

    // A log of more than 2^60 entries: exact indexes past 2^53.
    {
        let (entries, proven, note, size) = huge_log();
        let cert = &entries[3];
        let huge = Pack {
            format: pack::PACK_FORMAT.to_string(),
            breach: "H1".into(),
            trigger: cert["trigger"].as_str().unwrap().into(),
            framework_hash: cert["framework_hash"].as_str().unwrap().into(),
            key: key.encode(),
            checkpoint: note,
            decision: proven[3].clone(),
            evidence: proven[..3].to_vec(),
        };
        let hv = value(&huge);
        assert_eq!(size, (1 << 60) + 4);
        c.good("more than 2^60 entries", to_bytes(&hv));
        c.trusted(
            "more than 2^60 entries, the key given",
            to_bytes(&hv),
            &key,
            true,
        );
        c.edit("more than 2^60 entries, the decision index + 1", &hv, |v| {
            v["decision"]["index"] = ((1u64 << 60) + 4).into();
        });
        c.edit("more than 2^60 entries, an evidence index + 1", &hv, |v| {
            v["evidence"][0]["index"] = ((1u64 << 60) + 1).into();
        });
        c.edit(
            "more than 2^60 entries, the last evidence index - 1",
            &hv,
            |v| {
                v["evidence"][2]["index"] = ((1u64 << 60) + 1).into();
            },
        );
    }

    // Every byte of two packs changed in turn.
    for (name, bytes) in [("B2", &b2_bytes), ("B1", &b1_bytes)] {
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] = b[i].wrapping_add(1);
            c.add(&format!("{name}, byte {i} + 1"), b, None);
        }
    }
    c
}

/// Rust's verdict on a case: ok, problems, report.
fn rust_verdict(case: &Case) -> (bool, Vec<String>, Value) {
    let trusted = case.trusted.as_ref().map(|k| Verifier::parse(k).unwrap());
    match pack::verify(&case.bytes, trusted.as_ref()) {
        Ok(r) => (true, Vec::new(), serde_json::to_value(r).unwrap()),
        Err(e) => (false, e.problems, Value::Null),
    }
}

/// One log entry, its proof, a checkpoint and a key, for `verifyEntry`.
struct EntryCase {
    name: String,
    index: u64,
    entry: Value,
    proof: Vec<String>,
    note: String,
    key: String,
}

/// Rust's verdict on an entry: the checkpoint opens with the key, and the
/// entry proves into it.
fn rust_entry(c: &EntryCase) -> bool {
    let Ok(key) = Verifier::parse(&c.key) else {
        return false;
    };
    let Ok(opened) = note::open(&c.note, &[key]) else {
        return false;
    };
    let Ok(cp) = Checkpoint::parse(&opened.text) else {
        return false;
    };
    let Some(proof) = c
        .proof
        .iter()
        .map(|h| pack::unhex(h))
        .collect::<Option<Vec<_>>>()
    else {
        return false;
    };
    let leaf = merkle::leaf_hash(&entry::canonical(&c.entry));
    merkle::verify_inclusion(c.index, cp.size, &leaf, &proof, &cp.root).is_ok()
}

fn entry_cases() -> Vec<EntryCase> {
    let log = main_log();
    let key = signer().verifier().encode();
    let mut out = Vec::new();
    let case = |name: String, p: &Proven, note: &str, key: &str| EntryCase {
        name,
        index: p.index,
        entry: p.entry.clone(),
        proof: p.proof.clone(),
        note: note.to_string(),
        key: key.to_string(),
    };
    for i in 0..log.size {
        let p = log.proven(i);
        out.push(case(format!("entry {i}"), &p, &log.note, &key));
        let mut e = case(format!("entry {i}, index + 1"), &p, &log.note, &key);
        e.index += 1;
        out.push(e);
        let mut e = case(format!("entry {i}, a field added"), &p, &log.note, &key);
        e.entry["x"] = 1.into();
        out.push(e);
        if !p.proof.is_empty() {
            let mut e = case(
                format!("entry {i}, a proof hash taken out"),
                &p,
                &log.note,
                &key,
            );
            e.proof.pop();
            out.push(e);
            let mut e = case(
                format!("entry {i}, a proof hash changed"),
                &p,
                &log.note,
                &key,
            );
            e.proof[0] = merkle::hex(&[0; 32]);
            out.push(e);
        }
    }
    let p = log.proven(0);
    out.push(case(
        "another key".into(),
        &p,
        &log.note,
        &impostor().verifier().encode(),
    ));
    out.push(case(
        "a key that is not one".into(),
        &p,
        &log.note,
        "nonsense",
    ));
    out.push(case(
        "a checkpoint changed".into(),
        &p,
        &log.note.replacen(&format!("\n{}\n", log.size), "\n99\n", 1),
        &key,
    ));
    let mut e = case("index 2^64 - 1".into(), &p, &log.note, &key);
    e.index = u64::MAX;
    out.push(e);
    let mut e = case(
        "a proof hash not hex".into(),
        &log.proven(3),
        &log.note,
        &key,
    );
    e.proof[0] = "zz".repeat(32);
    out.push(e);
    let (_, proven, note, _) = huge_log();
    for p in &proven {
        out.push(case(format!("huge log entry {}", p.index), p, &note, &key));
        let mut e = case(
            format!("huge log entry {}, index + 1", p.index),
            p,
            &note,
            &key,
        );
        e.index += 1;
        out.push(e);
    }
    out
}

/// JSON texts whose RFC 8785 bytes both must give alike.
fn canonical_cases() -> Vec<(String, String)> {
    let mut texts: Vec<String> = [
        r#"{"b":1,"a":2}"#,
        r#"{"é":"é","😀":"😀","\ue000":1,"ﬁ":2,"a":"\u0000\u001f\u007f\u0080\u00ff\u2028\u2029\ufeff"}"#,
        r#""\"\\\/\b\f\n\r\t\u0007\u000b\u001b""#,
        r#"{"z":{"y":[{"b":[],"a":{}}]},"":null,"t":true,"f":false}"#,
        r#"[0,-0,0.0,-0.0,1,-1,1.0,1.5,1e21,1e20,1e-7,1e-6,0.1,123456789012345678901234567890,9007199254740993,-9007199254740993,18446744073709551615,18446744073709551616,-9223372036854775808,-9223372036854775809,5e-324,1.7976931348623157e308,2.2250738585072014e-308,1E2,1e+2,100e-2,0.30000000000000004,4.35,-1.5e-10,333333333.33333329,1e23,1e-400,0e999]"#,
        r#"{"a":1,"a":2}"#,
        r#"{"\u20ac":1,"\r":2,"1":3,"\u0080":4,"\ud83d\ude00":5,"\ue000":6,"ö":7,"10":8,"__proto__":9,"constructor":10}"#,
        r#"[ "\ud83d\ude00" , { "k" : [ ] } ]"#,
        r#""Крылатая ракета «Калибр» 漢字 \u00e9 e\u0301""#,
        "3",
        "null",
        r#"{"entry":"input","at":"2025-03-01T10:00:00Z","input":{"v":1,"id":{"party":"ua","source":"radar","message":"1"}}}"#,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    texts.push(serde_json::to_string(&nested(100)).unwrap());
    texts.push(serde_json::to_string(&main_log().entries).unwrap());
    texts
        .into_iter()
        .enumerate()
        .map(|(i, t)| (format!("value {i}"), t))
        .collect()
}

/// `node`, at version 20 or later, or a failure saying it is needed.
fn node() -> PathBuf {
    let need = "this test runs the browser verifier (crates/ledger/js/verify.js) and needs Node.js 20 or later as `node` on PATH";
    let out = Command::new("node")
        .arg("--version")
        .output()
        .unwrap_or_else(|e| panic!("{need}: running `node --version` failed: {e}"));
    let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let major: u32 = version
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    assert!(major >= 20, "{need}; `node --version` says `{version}`");
    PathBuf::from("node")
}

#[test]
fn the_browser_verifier_passes_its_own_checks() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("js/test/self-check.mjs");
    let out = Command::new(node()).arg(script).output().unwrap();
    assert!(
        out.status.success(),
        "self-check.mjs failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs verify-packs.mjs over `dir`; its JSON output.
fn run_js(dir: &Path) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("js/test/verify-packs.mjs");
    let out = Command::new(node()).arg(script).arg(dir).output().unwrap();
    assert!(
        out.status.success(),
        "verify-packs.mjs failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A report's numbers as text (verify.js gives those past 2^53 as text).
fn numbers_as_text(v: &Value) -> Value {
    match v {
        Value::Number(n) => Value::String(n.to_string()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), numbers_as_text(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Problems whose words come from serde (the pack's or the evidence's
/// JSON read), which verify.js says in its own.
fn worded_by_serde(problems: &[String]) -> bool {
    problems.iter().any(|p| {
        p.starts_with("not an evidence pack:") || p.contains("a certification's `evidence`:")
    })
}

#[test]
fn the_browser_verifier_agrees_with_the_rust_one() {
    node();
    let dir = std::env::temp_dir().join(format!("bulwark-ledger-js-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("packs")).unwrap();

    let cases = all_cases();
    let mut rust = Vec::new();
    let mut manifest_packs = Vec::new();
    for (i, case) in cases.0.iter().enumerate() {
        let verdict = rust_verdict(case);
        if let Some(expect) = case.expect {
            assert_eq!(
                verdict.0, expect,
                "the test's own expectation for `{}`: Rust says {:?}",
                case.name, verdict.1
            );
        }
        let file = format!("packs/{i:05}.json");
        std::fs::write(dir.join(&file), &case.bytes).unwrap();
        manifest_packs.push(json!({
            "name": case.name, "file": file, "trusted": case.trusted,
            "rust": {"ok": verdict.0, "problems": verdict.1, "report": verdict.2},
        }));
        rust.push(verdict);
    }
    let entries = entry_cases();
    let rust_entries: Vec<bool> = entries.iter().map(rust_entry).collect();
    let canon = canonical_cases();
    let rust_canon: Vec<String> = canon
        .iter()
        .map(|(_, t)| {
            let v: Value = serde_json::from_str(t).unwrap();
            String::from_utf8(entry::canonical(&v)).unwrap()
        })
        .collect();
    let manifest = json!({
        "packs": manifest_packs,
        "entries": entries.iter().zip(&rust_entries).map(|(e, ok)| json!({
            "name": e.name, "index": e.index.to_string(), "entry": e.entry, "proof": e.proof,
            "checkpoint": e.note, "key": e.key, "rust": {"ok": ok},
        })).collect::<Vec<_>>(),
        "canonical": canon.iter().zip(&rust_canon).map(|((name, text), c)| json!({
            "name": name, "text": text, "rust": c,
        })).collect::<Vec<_>>(),
    });
    std::fs::write(
        dir.join("manifest.json"),
        serde_json::to_vec_pretty(&manifest).unwrap(),
    )
    .unwrap();

    let js = run_js(&dir);

    // Packs: the same verdict on every one; on those that verify, the
    // same report; on those that do not, the same problems, word for word,
    // where the words are the Rust verifier's own.
    let js_packs = js["packs"].as_array().unwrap();
    assert_eq!(js_packs.len(), cases.0.len());
    let mut disagree = Vec::new();
    let mut worded = 0;
    let mut words = BTreeMap::new();
    for ((case, (ok, problems, report)), j) in cases.0.iter().zip(&rust).zip(js_packs) {
        let js_problems: Vec<String> = j["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().to_string())
            .collect();
        if j["ok"] != Value::Bool(*ok) {
            disagree.push(format!(
                "`{}`: Rust {} {problems:?}, verify.js {} {js_problems:?}",
                case.name,
                if *ok { "verifies" } else { "refuses" },
                j["ok"]
            ));
        } else if *ok && numbers_as_text(report) != numbers_as_text(&j["report"]) {
            disagree.push(format!(
                "`{}`: reports differ: Rust {report}, verify.js {}",
                case.name, j["report"]
            ));
        } else if !*ok && !worded_by_serde(problems) {
            worded += 1;
            if *problems != js_problems {
                disagree.push(format!(
                    "`{}`: problems differ:\n    Rust      {problems:?}\n    verify.js {js_problems:?}",
                    case.name
                ));
            }
        } else if !*ok {
            // Serde's words: one problem each, and say the same part.
            if js_problems.len() != problems.len() {
                disagree.push(format!(
                    "`{}`: Rust {problems:?}, verify.js {js_problems:?}",
                    case.name
                ));
            }
            words.insert(case.name.clone(), (problems.clone(), js_problems));
        }
    }
    for (name, (r, j)) in words.iter().filter(|(n, _)| !n.contains("byte")) {
        eprintln!("{name}:\n    Rust      {r:?}\n    verify.js {j:?}");
    }
    let refused = rust.iter().filter(|v| !v.0).count();
    let named_refused = cases
        .0
        .iter()
        .zip(&rust)
        .filter(|(c, v)| c.expect.is_some() && !v.0)
        .count();
    eprintln!(
        "{} packs ({} named variants), {refused} refused ({named_refused} of the named), {worded} with the Rust verifier's own words compared",
        cases.0.len(),
        cases.0.iter().filter(|c| c.expect.is_some()).count()
    );

    // Entries and canonical bytes.
    for ((e, ok), j) in entries
        .iter()
        .zip(&rust_entries)
        .zip(js["entries"].as_array().unwrap())
    {
        if j["ok"] != Value::Bool(*ok) {
            disagree.push(format!(
                "entry `{}`: Rust {ok}, verify.js {} {}",
                e.name, j["ok"], j["problems"]
            ));
        }
    }
    for (((name, _), want), j) in canon
        .iter()
        .zip(&rust_canon)
        .zip(js["canonical"].as_array().unwrap())
    {
        for field in ["from_json_parse", "from_parse_json"] {
            if j[field].as_str() != Some(want.as_str()) {
                disagree.push(format!(
                    "{name} ({field}): Rust {want}, verify.js {}",
                    j[field]
                ));
            }
        }
    }

    assert!(
        disagree.is_empty(),
        "verify.js and the Rust verifier disagree on {} of {} cases (files in {}):\n  {}",
        disagree.len(),
        cases.0.len() + entries.len() + canon.len(),
        dir.display(),
        disagree.join("\n  ")
    );
    assert!(
        named_refused >= 150,
        "only {named_refused} named variants refused"
    );
    assert!(refused >= 5000, "only {refused} variants refused");
    assert!(
        rust.iter().filter(|v| v.0).count() >= 20,
        "too few packs that verify"
    );
    assert!(rust_entries.iter().filter(|ok| **ok).count() >= 24);
    assert!(rust_entries.iter().filter(|ok| !**ok).count() >= 60);
    std::fs::remove_dir_all(&dir).unwrap();
}
