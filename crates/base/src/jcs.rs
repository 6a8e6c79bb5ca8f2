//! RFC 8785 (JSON Canonicalization Scheme) bytes of a JSON value — what
//! bulwark hashes and logs.
//!
//! `serde_json_canonicalizer` does it for any value. For the values bulwark
//! logs, serde_json's own writer gives the same bytes much faster, and is
//! used when that is certain: its maps are ordered by UTF-8 bytes, which is
//! RFC 8785's UTF-16 order unless a key holds a character at or above
//! U+E000; it escapes strings exactly as RFC 8785 does (`\b \t \n \f \r`,
//! other controls as lowercase `\u00xx`, nothing else); and it prints
//! integers up to 2⁵³ − 1 as RFC 8785 does. Any other value (such a key, a
//! fraction, a larger integer) goes to the general canonicalizer.
//!
//! Object members are written here, sorted, rather than in the map's own
//! order: a dependency (Cedar) turns on serde_json's `preserve_order`, and
//! feature unification then gives every `Value` in the build insertion
//! order. The bytes must not depend on which crates are linked.

use serde_json::Value;

/// 2⁵³ − 1: the largest integer an IEEE 754 double holds exactly.
const SAFE_INTEGER: u64 = (1 << 53) - 1;

/// The RFC 8785 bytes of `value`.
pub fn to_vec(value: &Value) -> Vec<u8> {
    if plain(value) {
        let mut out = Vec::with_capacity(128);
        write_sorted(value, &mut out);
        out
    } else {
        // Only non-finite numbers fail, and a `Value` holds none.
        serde_json_canonicalizer::to_vec(value).unwrap_or_default()
    }
}

/// Writes a [`plain`] value with every object's members sorted by key
/// (UTF-8 byte order, which is RFC 8785's for the keys `plain` admits).
fn write_sorted(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Array(a) => {
            out.push(b'[');
            for (i, v) in a.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_sorted(v, out);
            }
            out.push(b']');
        }
        Value::Object(o) => {
            let mut members: Vec<(&String, &Value)> = o.iter().collect();
            if !members.windows(2).all(|w| w[0].0 < w[1].0) {
                members.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            }
            out.push(b'{');
            for (i, (k, v)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                // A string never fails to serialize.
                let _ = serde_json::to_writer(&mut *out, k);
                out.push(b':');
                write_sorted(v, out);
            }
            out.push(b'}');
        }
        // Scalars: serde_json writes them as RFC 8785 does (see above).
        other => {
            let _ = serde_json::to_writer(&mut *out, other);
        }
    }
}

/// True when serde_json's writer gives the canonical bytes of `value`.
fn plain(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(_) | Value::String(_) => true,
        Value::Number(n) => {
            n.as_u64().is_some_and(|u| u <= SAFE_INTEGER)
                || n.as_i64().is_some_and(|i| i.unsigned_abs() <= SAFE_INTEGER)
        }
        Value::Array(a) => a.iter().all(plain),
        Value::Object(o) => o
            .iter()
            .all(|(k, v)| !k.chars().any(|c| c >= '\u{E000}') && plain(v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn general(v: &Value) -> Vec<u8> {
        serde_json_canonicalizer::to_vec(v).unwrap()
    }

    #[test]
    fn the_fast_path_and_the_general_one_agree_where_it_matters() {
        let cases = [
            r#"{"z":1,"a":[true,null,"x"],"é":"\u0001\n\t\"\\/","😀":0,"ﬁ":1,"":-9007199254740991}"#,
            r#"{"b":{"d":1,"c":2},"a":"\u007f é 😀"}"#,
            r#"[9007199254740993, 1.5, -0.0, 1e21]"#,
            r#"{"\ue000":1,"\ud83d\ude00":2}"#,
        ];
        for text in cases {
            let v: Value = serde_json::from_str(text).unwrap();
            assert_eq!(
                String::from_utf8(to_vec(&v)).unwrap(),
                String::from_utf8(general(&v)).unwrap(),
                "{text}"
            );
        }
        // The last two take the general path.
        assert!(!plain(&serde_json::from_str(cases[2]).unwrap()));
        assert!(!plain(&serde_json::from_str(cases[3]).unwrap()));
    }

    #[test]
    fn members_are_sorted_whatever_the_map_keeps() {
        // With serde_json's `preserve_order` (turned on by any crate in the
        // build) a map keeps insertion order; the bytes must not change.
        let mut m = serde_json::Map::new();
        m.insert("z".into(), Value::from(1));
        m.insert("a".into(), Value::from(2));
        m.insert("m".into(), Value::Array(vec![Value::Object(m.clone())]));
        let v = Value::Object(m);
        assert_eq!(
            String::from_utf8(to_vec(&v)).unwrap(),
            r#"{"a":2,"m":[{"a":2,"z":1}],"z":1}"#
        );
        assert_eq!(to_vec(&v), general(&v));
    }

    fn json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            "\\PC{0,8}".prop_map(Value::String),
            any::<String>().prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(any::<String>(), inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn any_value_gets_the_general_canonical_bytes(v in json()) {
            prop_assert_eq!(to_vec(&v), general(&v));
        }
    }
}
