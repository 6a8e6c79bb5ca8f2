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
//! "Its maps are ordered" holds only while serde_json's `preserve_order`
//! feature is off, and the workspace turns it on (`cedar-policy`, behind
//! `authz`, needs it, and Cargo unifies features). With it on, a map keeps
//! the order its keys were inserted in, so the fast path also checks that
//! every map's keys are in ascending order, and leaves the others to the
//! general canonicalizer: the bytes are the same with the feature on or off.

use serde_json::Value;

/// 2⁵³ − 1: the largest integer an IEEE 754 double holds exactly.
const SAFE_INTEGER: u64 = (1 << 53) - 1;

/// The RFC 8785 bytes of `value`.
pub fn to_vec(value: &Value) -> Vec<u8> {
    if plain(value) {
        serde_json::to_vec(value).unwrap_or_default()
    } else {
        // Only non-finite numbers fail, and a `Value` holds none.
        serde_json_canonicalizer::to_vec(value).unwrap_or_default()
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
        Value::Object(o) => {
            o.keys().is_sorted()
                && o.iter()
                    .all(|(k, v)| !k.chars().any(|c| c >= '\u{E000}') && plain(v))
        }
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
