//! Everything that can fail, each naming what failed.

use crate::sf::SfError;

/// Why signing, a signature base, a digest or a verification failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A structured field did not parse.
    #[error("{field}: malformed at byte {at}: {reason}")]
    Parse {
        /// Which field (or component identifier) was being parsed.
        field: String,
        /// Byte offset of the fault.
        at: usize,
        /// What was wrong.
        reason: &'static str,
    },
    /// A field has the right syntax but not the shape it must have.
    #[error("{field}: {reason}")]
    Shape {
        /// Which field.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A header field the operation needs is absent.
    #[error("the {0} header field is missing")]
    MissingField(&'static str),
    /// No signature under the label asked for.
    #[error("no signature labelled {0:?} in Signature-Input and Signature")]
    UnknownLabel(String),
    /// Several signatures and no label to choose one.
    #[error("several signatures ({0}) and no label chosen")]
    AmbiguousLabel(String),
    /// A covered component is not in the message.
    #[error("covered component {0} is not in the message")]
    MissingComponent(String),
    /// A component is covered twice.
    #[error("component {0} is covered more than once")]
    DuplicateComponent(String),
    /// A component or component parameter this crate does not implement.
    #[error("component {component}: {reason}")]
    UnsupportedComponent {
        /// The component identifier.
        component: String,
        /// What is not supported.
        reason: String,
    },
    /// A component's value cannot go into a signature base.
    #[error("component {component}: value {reason}")]
    BadComponentValue {
        /// The component identifier.
        component: String,
        /// What is wrong with its value.
        reason: &'static str,
    },
    /// A signature parameter has the wrong type or is not allowed.
    #[error("signature parameter {name}: {reason}")]
    BadParameter {
        /// The parameter.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// The policy requires a signature parameter that is absent.
    #[error("signature parameter {0} is required and missing")]
    MissingParameter(&'static str),
    /// The policy requires a component the signature does not cover.
    #[error("component {0} is required but not covered by the signature")]
    NotCovered(String),
    /// `created` is too far from now.
    #[error("created={created} is {} s from now={now}, beyond the {tolerance} s tolerance", created.abs_diff(*now))]
    CreatedOutOfWindow {
        /// The signature's `created`.
        created: i64,
        /// The verifier's clock.
        now: i64,
        /// Allowed skew in seconds.
        tolerance: u64,
    },
    /// `expires` has passed.
    #[error("expires={expires} has passed (now={now})")]
    Expired {
        /// The signature's `expires`.
        expires: i64,
        /// The verifier's clock.
        now: i64,
    },
    /// `alg` names another algorithm.
    #[error("alg={0:?}: only \"ed25519\" is accepted")]
    Algorithm(String),
    /// No verifying key for the key id.
    #[error("no key known for keyid={0:?}")]
    UnknownKey(String),
    /// The signature value is not 64 bytes.
    #[error("the signature is {0} bytes; an Ed25519 signature is 64")]
    SignatureLength(usize),
    /// Ed25519 strict verification failed.
    #[error(
        "the Ed25519 signature (keyid={keyid:?}) does not verify over the signature base: a covered component or parameter differs from what was signed, or the key is wrong"
    )]
    BadSignature {
        /// The key id used.
        keyid: String,
    },
    /// The body has bytes but `content-digest` is not covered.
    #[error("the request has a body but content-digest is not covered by the signature")]
    BodyNotCovered,
    /// `Content-Digest` names no algorithm this crate computes.
    #[error("Content-Digest names no supported algorithm (sha-256, sha-512): {0}")]
    DigestAlgorithm(String),
    /// A digest does not match the body.
    #[error(
        "Content-Digest {alg} does not match the body: field says {claimed}, body hashes to {actual}"
    )]
    DigestMismatch {
        /// Which algorithm.
        alg: &'static str,
        /// base64 of the digest in the field.
        claimed: String,
        /// base64 of the digest of the body.
        actual: String,
    },
    /// The nonce was seen before within its window.
    #[error("replay: nonce {nonce:?} from keyid={keyid:?} was already accepted")]
    Replay {
        /// The key id.
        keyid: String,
        /// The repeated nonce.
        nonce: String,
    },
}

impl Error {
    pub(crate) fn parse(field: &str, e: SfError) -> Self {
        Error::Parse {
            field: field.to_owned(),
            at: e.at,
            reason: e.reason,
        }
    }
    pub(crate) fn shape(field: &str, reason: impl Into<String>) -> Self {
        Error::Shape {
            field: field.to_owned(),
            reason: reason.into(),
        }
    }
}
