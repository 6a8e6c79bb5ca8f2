//! The canonical encoding of what is logged: RFC 8785 (JSON Canonicalization
//! Scheme) over the wire form, `"v"` included. Object keys sorted, no
//! insignificant whitespace, numbers in their shortest form (and there are
//! only integers), strings escaped minimally — so the same input always has
//! the same bytes, and so the same hash, on every machine.

use serde::Serialize;

use crate::input::Input;
use crate::wire::WIRE_VERSION;

/// The canonical text of an input.
pub fn to_string(input: &Input) -> String {
    String::from_utf8(to_vec(input)).unwrap_or_default()
}

/// The canonical bytes of an input.
pub fn to_vec(input: &Input) -> Vec<u8> {
    let mut value = match serde_json::to_value(input) {
        Ok(value) => value,
        // INVARIANT: inputs hold only strings, integers, booleans, arrays and
        // string-keyed maps, which always serialize.
        Err(e) => unreachable!("an input failed to serialize: {e}"),
    };
    if let Some(object) = value.as_object_mut() {
        object.insert("v".into(), WIRE_VERSION.into());
    }
    base::jcs::to_vec(&value)
}

/// The canonical bytes of any serializable value (reports, decisions).
pub fn value_to_vec<T: Serialize>(value: &T) -> Vec<u8> {
    match serde_json::to_value(value) {
        Ok(v) => base::jcs::to_vec(&v),
        // INVARIANT: as above; only non-finite floats fail, and there are none.
        Err(e) => unreachable!("canonical encoding failed: {e}"),
    }
}
