//! `Content-Digest` (RFC 9530): a dictionary of algorithm → byte sequence
//! over the message content.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest as _, Sha256, Sha512};

use crate::error::Error;
use crate::sf::{self, BareItem, Member};

/// A hashing algorithm from the Hash Algorithms for HTTP Digest Fields registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DigestAlg {
    /// `sha-256`.
    Sha256,
    /// `sha-512`.
    Sha512,
}

impl DigestAlg {
    /// Its registered key.
    pub fn key(self) -> &'static str {
        match self {
            DigestAlg::Sha256 => "sha-256",
            DigestAlg::Sha512 => "sha-512",
        }
    }

    fn from_key(k: &str) -> Option<Self> {
        match k {
            "sha-256" => Some(DigestAlg::Sha256),
            "sha-512" => Some(DigestAlg::Sha512),
            _ => None,
        }
    }

    /// The digest of `body`.
    pub fn digest(self, body: &[u8]) -> Vec<u8> {
        match self {
            DigestAlg::Sha256 => Sha256::digest(body).to_vec(),
            DigestAlg::Sha512 => Sha512::digest(body).to_vec(),
        }
    }
}

/// The `Content-Digest` field value for `body` with each of `algs`, in order.
pub fn content_digest(body: &[u8], algs: &[DigestAlg]) -> String {
    let mut out = String::new();
    for (n, alg) in algs.iter().enumerate() {
        if n > 0 {
            out.push_str(", ");
        }
        out.push_str(alg.key());
        out.push_str("=:");
        out.push_str(&STANDARD.encode(alg.digest(body)));
        out.push(':');
    }
    out
}

/// Checks a `Content-Digest` field value against `body`: every sha-256 and
/// sha-512 member must match, at least one must be present; other
/// algorithms are ignored (RFC 9530 §2 lets a recipient ignore them).
/// Returns the algorithms checked.
pub fn check_content_digest(field: &str, body: &[u8]) -> Result<Vec<DigestAlg>, Error> {
    let dict = sf::parse_dictionary(field).map_err(|e| Error::parse("Content-Digest", e))?;
    let mut checked = Vec::new();
    for (key, member) in &dict {
        let Some(alg) = DigestAlg::from_key(key) else {
            continue;
        };
        let Member::Item(sf::Item {
            bare: BareItem::ByteSeq(claimed),
            ..
        }) = member
        else {
            return Err(Error::shape(
                "Content-Digest",
                format!("{key} is not a byte sequence"),
            ));
        };
        let actual = alg.digest(body);
        if *claimed != actual {
            return Err(Error::DigestMismatch {
                alg: alg.key(),
                claimed: STANDARD.encode(claimed),
                actual: STANDARD.encode(actual),
            });
        }
        checked.push(alg);
    }
    if checked.is_empty() {
        return Err(Error::DigestAlgorithm(field.to_owned()));
    }
    Ok(checked)
}
