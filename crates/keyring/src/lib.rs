//! The parties' key registry: who may sign what, rebuilt from the log
//! alone (docs/keys.md).
//!
//! Each party of the framework (`ukraine`, `us`, `monitoring-mission`) has
//! a **root key**, enrolled by the node operator from the key registry
//! file ([`parse_roots`]), and **operational keys** that sign its HTTP
//! requests (RFC 9421, the `httpsig` crate). The root key signs nothing but
//! key [statements](Statement): grant an operational key some
//! [roles](ROLES), revoke one, or rotate the root itself. Every enrolment
//! and every statement is a log entry (`ledger::entry::key`), so anyone can
//! rebuild the [`Registry`] from the log with [`replay`], re-verifying every
//! signature. A revocation takes effect from the log index of its entry.
//!
//! - [`sign`] makes a [`Signed`] statement; [`Signed::parse`] reads one
//!   (strictly: unknown fields, a second spelling of a time or a key, an
//!   unknown role are refused, each with its JSON path).
//! - [`Registry::check`] says whether a statement would apply now;
//!   [`Registry::apply`] applies it as a log entry; on error nothing
//!   changes.
//! - [`Registry::key`] answers the node's question for each request: may
//!   the key this `keyid` names sign requests now, for which party and
//!   roles?
//!
//! Keys are C2SP signed-note keys (`ledger::note`): a verifier key line
//! `NAME+KEYID+BASE64` names its key; the name is the `keyid` of request
//! signatures.
//!
//! Architecture Invariant: no I/O, no clock, no randomness. Time arrives
//! inside statements (`issued_at`, recorded, not checked against a clock)
//! and log indices are arguments.

mod registry;
mod role;
mod roots;
mod statement;

pub use registry::{
    Applied, Key, LIVE_KEYS_PER_PARTY_MAX, Refusal, Registry, RegistryError, replay,
};
pub use role::{ROLES, is_role, role_list};
pub use roots::{PARTIES_MAX, ROOTS_BYTES_MAX, parse_roots};
pub use statement::{
    Action, CONTEXT, NAME_BYTES_MAX, PARTY_BYTES_MAX, ParseError, REASON_BYTES_MAX, SERIAL_MAX,
    STATEMENT_BYTES_MAX, Signed, Statement, sign, valid_party,
};
