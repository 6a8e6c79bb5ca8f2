//! The part of Structured Field Values (RFC 9651, formerly RFC 8941) that
//! `Signature-Input`, `Signature` and `Content-Digest` need: dictionaries
//! whose members are items or inner lists, with parameters; bare items of
//! every RFC 8941 type (integer, decimal, string, token, byte sequence,
//! boolean). Parsing is strict and reports the byte offset of the fault;
//! it never panics on any input.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// A bare item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BareItem {
    /// At most 15 digits, either sign.
    Integer(i64),
    /// A decimal, kept in thousandths (at most 12 integer digits, 3 fractional).
    Decimal(i64),
    /// Printable ASCII only.
    String(String),
    /// A token.
    Token(String),
    /// A byte sequence, `:base64:` on the wire.
    ByteSeq(Vec<u8>),
    /// `?1` or `?0`.
    Boolean(bool),
}

/// Ordered parameters; a repeated key keeps its first position and its last value.
pub type Params = Vec<(String, BareItem)>;

/// An item with its parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// The value.
    pub bare: BareItem,
    /// Its parameters.
    pub params: Params,
}

/// A dictionary member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Member {
    /// A single item.
    Item(Item),
    /// An inner list `( … )` with the list's parameters.
    InnerList(Vec<Item>, Params),
}

/// An ordered dictionary; keys are unique.
pub type Dictionary = Vec<(String, Member)>;

/// Where and why a structured field failed to parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SfError {
    /// Byte offset into the field value.
    pub at: usize,
    /// What was wrong there.
    pub reason: &'static str,
}

const MAX_INTEGER: i64 = 999_999_999_999_999;

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

fn insert<T>(list: &mut Vec<(String, T)>, key: String, value: T) {
    if let Some(slot) = list.iter_mut().find(|(k, _)| *k == key) {
        slot.1 = value;
    } else {
        list.push((key, value));
    }
}

impl<'a> Parser<'a> {
    fn err<T>(&self, reason: &'static str) -> Result<T, SfError> {
        Err(SfError { at: self.i, reason })
    }
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn skip_sp(&mut self) {
        while self.peek() == Some(b' ') {
            self.i += 1;
        }
    }
    fn skip_ows(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }

    fn key(&mut self) -> Result<String, SfError> {
        match self.peek() {
            Some(c) if c.is_ascii_lowercase() || c == b'*' => {}
            _ => return self.err("a key must start with a lowercase letter or '*'"),
        }
        let start = self.i;
        while let Some(c) = self.peek() {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || b"_-.*".contains(&c) {
                self.i += 1;
            } else {
                break;
            }
        }
        Ok(ascii(&self.s[start..self.i]))
    }

    fn params(&mut self) -> Result<Params, SfError> {
        let mut params = Params::new();
        while self.peek() == Some(b';') {
            self.i += 1;
            self.skip_sp();
            let key = self.key()?;
            let value = if self.peek() == Some(b'=') {
                self.i += 1;
                self.bare()?
            } else {
                BareItem::Boolean(true)
            };
            insert(&mut params, key, value);
        }
        Ok(params)
    }

    fn item(&mut self) -> Result<Item, SfError> {
        let bare = self.bare()?;
        let params = self.params()?;
        Ok(Item { bare, params })
    }

    fn member(&mut self) -> Result<Member, SfError> {
        if self.peek() != Some(b'(') {
            return Ok(Member::Item(self.item()?));
        }
        self.i += 1;
        let mut items = Vec::new();
        loop {
            self.skip_sp();
            match self.peek() {
                None => return self.err("an inner list is not closed"),
                Some(b')') => {
                    self.i += 1;
                    let params = self.params()?;
                    return Ok(Member::InnerList(items, params));
                }
                Some(_) => {
                    items.push(self.item()?);
                    match self.peek() {
                        Some(b' ' | b')') => {}
                        None => return self.err("an inner list is not closed"),
                        Some(_) => {
                            return self.err("inner list items must be separated by spaces");
                        }
                    }
                }
            }
        }
    }

    fn bare(&mut self) -> Result<BareItem, SfError> {
        match self.peek() {
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'"') => self.string(),
            Some(b':') => self.bytes(),
            Some(b'?') => self.boolean(),
            Some(c) if c.is_ascii_alphabetic() || c == b'*' => Ok(self.token()),
            Some(b'@' | b'%') => self.err("dates and display strings are not supported"),
            None => self.err("a value is missing at the end"),
            Some(_) => self.err("not the start of any structured value"),
        }
    }

    fn number(&mut self) -> Result<BareItem, SfError> {
        let start = self.i;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.i += 1;
        }
        let digits_start = self.i;
        let mut point = None;
        while let Some(c) = self.peek() {
            if c.is_ascii_digit() {
                self.i += 1;
            } else if c == b'.' && point.is_none() {
                if self.i - digits_start > 12 {
                    return self.err("a decimal has more than 12 integer digits");
                }
                point = Some(self.i);
                self.i += 1;
            } else {
                break;
            }
            let len = self.i - digits_start;
            if point.is_none() && len > 15 {
                return self.err("an integer has more than 15 digits");
            }
            if point.is_some() && len > 16 {
                return self.err("a decimal is too long");
            }
        }
        if self.i == digits_start || !self.s[digits_start].is_ascii_digit() {
            self.i = start;
            return self.err("a number must have digits");
        }
        let text = ascii(&self.s[digits_start..self.i]);
        let sign = if negative { -1 } else { 1 };
        match point {
            None => {
                let n: i64 = text.parse().map_err(|_| SfError {
                    at: start,
                    reason: "an integer does not parse",
                })?;
                if n > MAX_INTEGER {
                    return Err(SfError {
                        at: start,
                        reason: "an integer is out of range",
                    });
                }
                Ok(BareItem::Integer(sign * n))
            }
            Some(p) => {
                let frac = &self.s[p + 1..self.i];
                if frac.is_empty() {
                    return self.err("a decimal ends with '.'");
                }
                if frac.len() > 3 {
                    return self.err("a decimal has more than 3 fractional digits");
                }
                let int: i64 = ascii(&self.s[digits_start..p])
                    .parse()
                    .map_err(|_| SfError {
                        at: start,
                        reason: "a decimal does not parse",
                    })?;
                let mut f: i64 = ascii(frac).parse().map_err(|_| SfError {
                    at: start,
                    reason: "a decimal does not parse",
                })?;
                for _ in frac.len()..3 {
                    f *= 10;
                }
                Ok(BareItem::Decimal(sign * (int * 1000 + f)))
            }
        }
    }

    fn string(&mut self) -> Result<BareItem, SfError> {
        self.i += 1;
        let mut out = String::new();
        loop {
            match self.peek() {
                None => return self.err("a string is not closed"),
                Some(b'\\') => {
                    self.i += 1;
                    match self.peek() {
                        Some(c @ (b'"' | b'\\')) => {
                            out.push(char::from(c));
                            self.i += 1;
                        }
                        _ => return self.err("a string escapes something other than '\"' or '\\'"),
                    }
                }
                Some(b'"') => {
                    self.i += 1;
                    return Ok(BareItem::String(out));
                }
                Some(c @ 0x20..=0x7e) => {
                    out.push(char::from(c));
                    self.i += 1;
                }
                Some(_) => return self.err("a string holds a byte outside printable ASCII"),
            }
        }
    }

    fn token(&mut self) -> BareItem {
        let start = self.i;
        while let Some(c) = self.peek() {
            if is_tchar(c) || c == b':' || c == b'/' {
                self.i += 1;
            } else {
                break;
            }
        }
        BareItem::Token(ascii(&self.s[start..self.i]))
    }

    fn bytes(&mut self) -> Result<BareItem, SfError> {
        self.i += 1;
        let start = self.i;
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || b"+/=".contains(&c) {
                self.i += 1;
            } else {
                break;
            }
        }
        if self.peek() != Some(b':') {
            return self.err("a byte sequence holds a non-base64 byte or is not closed");
        }
        let decoded = STANDARD
            .decode(&self.s[start..self.i])
            .map_err(|_| SfError {
                at: start,
                reason: "a byte sequence is not canonical base64",
            })?;
        self.i += 1;
        Ok(BareItem::ByteSeq(decoded))
    }

    fn boolean(&mut self) -> Result<BareItem, SfError> {
        self.i += 1;
        let b = match self.peek() {
            Some(b'1') => true,
            Some(b'0') => false,
            _ => return self.err("a boolean must be ?0 or ?1"),
        };
        self.i += 1;
        Ok(BareItem::Boolean(b))
    }
}

fn is_tchar(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c)
}

fn ascii(b: &[u8]) -> String {
    b.iter().map(|&c| char::from(c)).collect()
}

/// Parses a dictionary field value (members joined by commas, as several
/// field lines combine).
pub fn parse_dictionary(value: &str) -> Result<Dictionary, SfError> {
    let mut p = Parser {
        s: value.as_bytes(),
        i: 0,
    };
    p.skip_sp();
    let mut dict = Dictionary::new();
    while p.peek().is_some() {
        let key = p.key()?;
        let member = if p.peek() == Some(b'=') {
            p.i += 1;
            p.member()?
        } else {
            let params = p.params()?;
            Member::Item(Item {
                bare: BareItem::Boolean(true),
                params,
            })
        };
        insert(&mut dict, key, member);
        p.skip_ows();
        match p.peek() {
            None => break,
            Some(b',') => {
                p.i += 1;
                p.skip_ows();
                if p.peek().is_none() {
                    return p.err("a dictionary ends with ','");
                }
            }
            Some(_) => return p.err("dictionary members must be separated by ','"),
        }
    }
    Ok(dict)
}

/// Parses one inner list (with its parameters) standing alone, as the
/// value of a `Signature-Input` member is.
pub fn parse_inner_list(value: &str) -> Result<(Vec<Item>, Params), SfError> {
    let mut p = Parser {
        s: value.as_bytes(),
        i: 0,
    };
    if p.peek() != Some(b'(') {
        return p.err("expected an inner list");
    }
    match p.member()? {
        Member::InnerList(items, params) if p.i == value.len() => Ok((items, params)),
        _ => p.err("trailing characters after the inner list"),
    }
}

/// Why a value cannot be serialized.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SerializeError(pub &'static str);

/// Serializes a bare item.
pub fn write_bare(out: &mut String, b: &BareItem) -> Result<(), SerializeError> {
    match b {
        BareItem::Integer(n) => {
            if n.unsigned_abs() > MAX_INTEGER.unsigned_abs() {
                return Err(SerializeError("an integer is out of range"));
            }
            out.push_str(&n.to_string());
        }
        BareItem::Decimal(m) => {
            if m.unsigned_abs() / 1000 > 999_999_999_999 {
                return Err(SerializeError("a decimal is out of range"));
            }
            if *m < 0 {
                out.push('-');
            }
            let a = m.unsigned_abs();
            out.push_str(&(a / 1000).to_string());
            out.push('.');
            let frac = format!("{:03}", a % 1000);
            let trimmed = frac.trim_end_matches('0');
            out.push_str(if trimmed.is_empty() { "0" } else { trimmed });
        }
        BareItem::String(s) => {
            out.push('"');
            for c in s.chars() {
                match c {
                    '"' | '\\' => {
                        out.push('\\');
                        out.push(c);
                    }
                    ' '..='~' => out.push(c),
                    _ => {
                        return Err(SerializeError(
                            "a string holds a character outside printable ASCII",
                        ));
                    }
                }
            }
            out.push('"');
        }
        BareItem::Token(t) => {
            let b = t.as_bytes();
            let ok = b
                .first()
                .is_some_and(|&c| c.is_ascii_alphabetic() || c == b'*')
                && b.iter().all(|&c| is_tchar(c) || c == b':' || c == b'/');
            if !ok {
                return Err(SerializeError("not a valid token"));
            }
            out.push_str(t);
        }
        BareItem::ByteSeq(bytes) => {
            out.push(':');
            out.push_str(&STANDARD.encode(bytes));
            out.push(':');
        }
        BareItem::Boolean(v) => out.push_str(if *v { "?1" } else { "?0" }),
    }
    Ok(())
}

fn valid_key(k: &str) -> bool {
    let b = k.as_bytes();
    b.first()
        .is_some_and(|&c| c.is_ascii_lowercase() || c == b'*')
        && b.iter()
            .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || b"_-.*".contains(&c))
}

/// Serializes parameters.
pub fn write_params(out: &mut String, params: &Params) -> Result<(), SerializeError> {
    for (k, v) in params {
        if !valid_key(k) {
            return Err(SerializeError("not a valid parameter key"));
        }
        out.push(';');
        out.push_str(k);
        if *v != BareItem::Boolean(true) {
            out.push('=');
            write_bare(out, v)?;
        }
    }
    Ok(())
}

/// Serializes an item with its parameters.
pub fn write_item(out: &mut String, item: &Item) -> Result<(), SerializeError> {
    write_bare(out, &item.bare)?;
    write_params(out, &item.params)
}

/// Serializes an inner list with its parameters.
pub fn write_inner_list(
    out: &mut String,
    items: &[Item],
    params: &Params,
) -> Result<(), SerializeError> {
    out.push('(');
    for (n, item) in items.iter().enumerate() {
        if n > 0 {
            out.push(' ');
        }
        write_item(out, item)?;
    }
    out.push(')');
    write_params(out, params)
}

/// Serializes a dictionary.
pub fn write_dictionary(dict: &Dictionary) -> Result<String, SerializeError> {
    let mut out = String::new();
    for (n, (k, m)) in dict.iter().enumerate() {
        if n > 0 {
            out.push_str(", ");
        }
        if !valid_key(k) {
            return Err(SerializeError("not a valid dictionary key"));
        }
        out.push_str(k);
        match m {
            Member::Item(Item {
                bare: BareItem::Boolean(true),
                params,
            }) => write_params(&mut out, params)?,
            Member::Item(item) => {
                out.push('=');
                write_item(&mut out, item)?;
            }
            Member::InnerList(items, params) => {
                out.push('=');
                write_inner_list(&mut out, items, params)?;
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn round_trips() {
        for s in [
            "a=1, b=?0, c;x=\"y\\\"z\", d=(1 2.5 tok/en:x);p=:AQI=:",
            "sig1=(\"@method\" \"@query-param\";name=\"Pet\");created=1618884473;keyid=\"k\"",
            "a=-999999999999999, b=0.001, c=-12.1",
        ] {
            let d = parse_dictionary(s).unwrap();
            assert_eq!(write_dictionary(&d).unwrap(), s);
        }
    }

    #[test]
    fn rejects() {
        for s in [
            "a=1,",
            "A=1",
            "a=(1 2",
            "a=\"x",
            "a=:AQ:",
            "a=?2",
            "a=1 b=2",
            "a=1000000000000000",
            "a=1.2345",
            "a=(1,2)",
            "a=\"\u{e9}\"",
            "a=\"\\n\"",
            "a=-",
            "a=1.",
            "a=@1",
            "1=a",
        ] {
            assert!(parse_dictionary(s).is_err(), "{s}");
        }
    }

    #[test]
    fn duplicates_keep_position_and_last_value() {
        let d = parse_dictionary("a=1, b=2, a=3").unwrap();
        assert_eq!(write_dictionary(&d).unwrap(), "a=3, b=2");
    }
}
