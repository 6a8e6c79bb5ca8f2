//! The key registry file: each party's root key, as the node operator
//! enrols it.
//!
//! ```toml
//! # bulwark key registry: each party's root key (verifier key lines), enrolled by the node operator
//! [roots]
//! ukraine = "ukraine-root+1a2b3c4d+Ab…"
//! us = "us-root+…"
//! ```

use std::collections::BTreeMap;

use base::LineIndex;
use ledger::note::Verifier;
use serde::Deserialize;
use toml::Spanned;

use crate::statement::{NAME_BYTES_MAX, valid_party};

/// The largest key registry file read, in bytes.
pub const ROOTS_BYTES_MAX: usize = 1024 * 1024;
/// The most parties a key registry file may list.
pub const PARTIES_MAX: usize = 1000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    roots: BTreeMap<String, Spanned<String>>,
}

/// Reads a key registry file: each party and its root key, in file order.
/// Every problem is reported, each with its line: a party id that cannot
/// be one, a key that is not a verifier key line (a signer key pasted by
/// mistake is named as such), a key name or public key listed twice.
pub fn parse_roots(text: &str) -> Result<Vec<(String, Verifier)>, Vec<String>> {
    if text.len() > ROOTS_BYTES_MAX {
        return Err(vec![format!(
            "the key registry file is {} bytes, more than the limit of {ROOTS_BYTES_MAX}",
            text.len()
        )]);
    }
    let lines = LineIndex::new(text);
    let line = |offset: usize| lines.line_column(text, offset).0;
    let file: File = toml::from_str(text).map_err(|e| {
        let at = e.span().map_or_else(String::new, |s| {
            let (line, column) = lines.line_column(text, s.start);
            format!("line {line}, column {column}: ")
        });
        let message = e.message().trim_end();
        if message.contains("missing field `roots`") {
            vec![format!(
                "no `[roots]` table: list each party's root key under `[roots]`, as `party = \"NAME+KEYID+KEY\"`"
            )]
        } else {
            vec![format!("{at}{message}")]
        }
    })?;
    let mut problems = Vec::new();
    if file.roots.len() > PARTIES_MAX {
        problems.push(format!(
            "{} parties, more than the limit of {PARTIES_MAX}",
            file.roots.len()
        ));
    }
    let mut entries: Vec<(&String, &Spanned<String>)> = file.roots.iter().collect();
    entries.sort_by_key(|(_, key)| key.span().start);
    let mut roots: Vec<(String, Verifier)> = Vec::new();
    let mut seen: Vec<(usize, &str, Verifier)> = Vec::new();
    for (party, key) in entries {
        let at = line(key.span().start);
        if let Err(why) = valid_party(party) {
            problems.push(format!("line {at}: {why}"));
        }
        let text = key.get_ref().trim();
        if text.starts_with("PRIVATE+KEY+") {
            problems.push(format!(
                "line {at}: `{party}`'s root is a secret signer key: put its verifier key here (`bulwark keys show FILE` prints it), and keep the signer key away from the node"
            ));
            continue;
        }
        let verifier = match Verifier::parse(text) {
            Ok(v) => v,
            Err(e) => {
                problems.push(format!("line {at}: `{party}`'s root: {e}"));
                continue;
            }
        };
        if verifier.name.len() > NAME_BYTES_MAX {
            problems.push(format!(
                "line {at}: `{party}`'s root key name is more than {NAME_BYTES_MAX} bytes"
            ));
        }
        for (other_line, other, v) in &seen {
            if v.name == verifier.name {
                problems.push(format!(
                    "line {at}: `{party}`'s root has the name `{}`, as `{other}`'s on line {other_line}: each key has its own name",
                    verifier.name
                ));
            } else if v.verifying_key() == verifier.verifying_key() {
                problems.push(format!(
                    "line {at}: `{party}`'s root is the same public key as `{other}`'s on line {other_line}: each party has its own root key"
                ));
            }
        }
        seen.push((at as usize, party, verifier.clone()));
        roots.push((party.clone(), verifier));
    }
    if problems.is_empty() {
        Ok(roots)
    } else {
        Err(problems)
    }
}
