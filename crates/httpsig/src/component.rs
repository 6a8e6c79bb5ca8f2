//! Component identifiers and their values (RFC 9421 §2.1, §2.2).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::error::Error;
use crate::message::{Message, field_lines};
use crate::sf::{self, BareItem, Item};

/// The derived components this crate computes.
pub const DERIVED: &[&str] = &[
    "@method",
    "@target-uri",
    "@authority",
    "@scheme",
    "@request-target",
    "@path",
    "@query",
    "@query-param",
    "@status",
];

/// A component identifier: a lowercase name (a field name, or a derived
/// component starting with `@`) and its parameters, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComponentId {
    name: String,
    params: sf::Params,
}

impl ComponentId {
    /// A component with no parameters. Field names are lowercased.
    pub fn new(name: &str) -> Self {
        ComponentId {
            name: name.to_ascii_lowercase(),
            params: Vec::new(),
        }
    }

    /// `"@query-param";name="…"`; `name` is taken as already encoded.
    pub fn query_param(name: &str) -> Self {
        ComponentId {
            name: "@query-param".to_owned(),
            params: vec![("name".to_owned(), BareItem::String(name.to_owned()))],
        }
    }

    /// A field with `;bs` (each line's value wrapped as a byte sequence).
    pub fn field_bs(name: &str) -> Self {
        ComponentId {
            name: name.to_ascii_lowercase(),
            params: vec![("bs".to_owned(), BareItem::Boolean(true))],
        }
    }

    /// The name without parameters.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Parses a serialized identifier such as `"@query-param";name="Pet"`.
    pub fn parse(s: &str) -> Result<Self, Error> {
        let (items, params) = sf::parse_inner_list(&format!("({s})"))
            .map_err(|e| Error::parse("component identifier", e))?;
        match (items.as_slice(), params.is_empty()) {
            ([item], true) => Self::from_item(item),
            _ => Err(Error::shape(
                "component identifier",
                format!("{s:?} is not one identifier"),
            )),
        }
    }

    pub(crate) fn from_item(item: &Item) -> Result<Self, Error> {
        let BareItem::String(name) = &item.bare else {
            return Err(Error::shape(
                "Signature-Input",
                "a covered component is not a string",
            ));
        };
        let id = ComponentId {
            name: name.clone(),
            params: item.params.clone(),
        };
        id.check()?;
        Ok(id)
    }

    pub(crate) fn to_item(&self) -> Item {
        Item {
            bare: BareItem::String(self.name.clone()),
            params: self.params.clone(),
        }
    }

    fn unsupported(&self, reason: impl Into<String>) -> Error {
        Error::UnsupportedComponent {
            component: self.to_string(),
            reason: reason.into(),
        }
    }

    fn check(&self) -> Result<(), Error> {
        let n = &self.name;
        let is_derived = n.starts_with('@');
        if n.is_empty()
            || n.bytes()
                .any(|c| c.is_ascii_uppercase() || !c.is_ascii_graphic())
        {
            return Err(self.unsupported("a component name must be lowercase visible ASCII"));
        }
        if is_derived && !DERIVED.contains(&n.as_str()) {
            return Err(self.unsupported("unknown derived component"));
        }
        for (k, v) in &self.params {
            match (k.as_str(), v) {
                ("name", BareItem::String(_)) if n == "@query-param" => {}
                ("bs", BareItem::Boolean(true)) if !is_derived => {}
                ("sf" | "key" | "req" | "tr", _) => {
                    return Err(self.unsupported(format!("parameter {k} is not supported")));
                }
                _ => return Err(self.unsupported(format!("parameter {k} is not allowed here"))),
            }
        }
        if n == "@query-param" && !self.params.iter().any(|(k, _)| k == "name") {
            return Err(self.unsupported("@query-param needs a name parameter"));
        }
        Ok(())
    }

    /// The component's value in `msg`, as it goes into the signature base.
    pub fn value(&self, msg: &dyn Message) -> Result<String, Error> {
        self.check()?;
        let value = if self.name == "@query-param" {
            let wanted = self.params.iter().find_map(|(k, v)| match (k.as_str(), v) {
                ("name", BareItem::String(s)) => Some(s.as_str()),
                _ => None,
            });
            let wanted = wanted.unwrap_or_default();
            let mut found = query_pairs(msg.query().unwrap_or_default())
                .filter(|(n, _)| n == wanted)
                .map(|(_, v)| v);
            let first = found
                .next()
                .ok_or_else(|| Error::MissingComponent(self.to_string()))?;
            if found.next().is_some() {
                return Err(Error::BadComponentValue {
                    component: self.to_string(),
                    reason: "is ambiguous: the parameter occurs more than once",
                });
            }
            first
        } else if self.name.starts_with('@') {
            msg.derived(&self.name)
                .ok_or_else(|| self.unsupported("not a component of this kind of message"))?
        } else {
            let bs = self.params.iter().any(|(k, _)| k == "bs");
            let mut lines = Vec::new();
            for line in field_lines(msg, &self.name) {
                if line.bytes().any(|c| c == b'\r' || c == b'\n' || c == 0) {
                    return Err(Error::BadComponentValue {
                        component: self.to_string(),
                        reason: "holds CR, LF or NUL",
                    });
                }
                let trimmed = line.trim_matches([' ', '\t']);
                lines.push(if bs {
                    format!(":{}:", STANDARD.encode(trimmed))
                } else {
                    trimmed.to_owned()
                });
            }
            if lines.is_empty() {
                return Err(Error::MissingComponent(self.to_string()));
            }
            lines.join(", ")
        };
        if value.bytes().any(|c| c == b'\n' || c == b'\r') {
            return Err(Error::BadComponentValue {
                component: self.to_string(),
                reason: "holds CR or LF",
            });
        }
        Ok(value)
    }
}

impl std::fmt::Display for ComponentId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut s = String::new();
        match sf::write_item(&mut s, &self.to_item()) {
            Ok(()) => f.write_str(&s),
            Err(_) => write!(f, "{:?}", self.name),
        }
    }
}

/// `application/x-www-form-urlencoded` parsing (WHATWG URL §5.1) then
/// re-encoding every name and value (§5.2, but spaces as `%20`, as RFC
/// 9421 §2.2.8's examples show).
fn query_pairs(query: &str) -> impl Iterator<Item = (String, String)> + '_ {
    query.split('&').filter(|s| !s.is_empty()).map(|pair| {
        let (n, v) = pair.split_once('=').unwrap_or((pair, ""));
        (reencode(n), reencode(v))
    })
}

fn reencode(s: &str) -> String {
    let b = s.as_bytes();
    let mut decoded = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => decoded.push(b' '),
            b'%' if i + 2 < b.len() && hex(b[i + 1]).is_some() && hex(b[i + 2]).is_some() => {
                let hi = hex(b[i + 1]).unwrap_or(0);
                let lo = hex(b[i + 2]).unwrap_or(0);
                decoded.push((hi << 4) | lo);
                i += 2;
            }
            c => decoded.push(c),
        }
        i += 1;
    }
    let text = String::from_utf8_lossy(&decoded);
    let mut out = String::with_capacity(text.len());
    for c in text.bytes() {
        if c.is_ascii_alphanumeric() || b"*-._".contains(&c) {
            out.push(char::from(c));
        } else {
            out.push_str(&format!("%{c:02X}"));
        }
    }
    out
}

fn hex(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn reencodes_like_the_rfc() {
        assert_eq!(
            reencode("this%20is%20a%20big%0Avalue"),
            "this%20is%20a%20big%0Avalue"
        );
        assert_eq!(reencode("with+plus+whitespace"), "with%20plus%20whitespace");
        assert_eq!(reencode("%"), "%25");
        assert_eq!(reencode("a%2"), "a%252");
        assert_eq!(reencode("%zz"), "%25zz");
    }
}
