//! HTTP Message Signatures (RFC 9421) with Ed25519, and `Content-Digest`
//! (RFC 9530) with sha-256 and sha-512.
//!
//! Pure: no I/O, no clock (the time is an argument), no HTTP stack — a
//! [`Request`] is a plain view of method, authority, path, query, ordered
//! header lines and body.
//!
//! - [`sign`] a request over [`SignatureParams`]; the result's fields go
//!   into `Signature-Input` and `Signature`.
//! - [`signature_base`] is RFC 9421 §2.5 exactly.
//! - [`Verifier`] applies the policy (required components, ±30 s, expiry,
//!   nonce, content digest) and returns the key id and nonce;
//!   [`NonceWindow`] refuses a nonce seen before.
//! - [`content_digest`] / [`check_content_digest`] for RFC 9530.
//!
//! Structured-field parsing ([`sf`]) is strict and never panics.

pub mod component;
pub mod digest;
mod error;
pub mod message;
pub mod sf;
pub mod signature;
pub mod verifier;

pub use component::ComponentId;
pub use digest::{DigestAlg, check_content_digest, content_digest};
pub use ed25519_dalek::{SigningKey, VerifyingKey};
pub use error::Error;
pub use message::{Message, Request, Response};
pub use signature::{
    SignatureFields, SignatureParams, Signed, find_signature, sign, signature_base, verify_signed,
};
pub use verifier::{NonceWindow, Verified, Verifier};
