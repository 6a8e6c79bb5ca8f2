//! The request policy: what a signature must cover and when it is fresh;
//! and an in-memory window of nonces for refusing replays.

use std::collections::{BTreeSet, HashMap};

use ed25519_dalek::VerifyingKey;

use crate::component::ComponentId;
use crate::digest::check_content_digest;
use crate::error::Error;
use crate::message::{Request, combined_field};
use crate::signature::{SignatureParams, find_signature, verify_signed};

/// Verification policy for signed requests.
///
/// A request passes when its signature (under `label`, or its only one)
/// covers every component in `required` (and `content-digest` when the
/// body is not empty), has `keyid`, `created` within `tolerance` seconds of
/// `now`, `expires` not passed (and present if `require_expires`), a
/// `nonce` (if `require_nonce`), no `alg` other than `ed25519`, verifies
/// with Ed25519 strictly under the key for its `keyid`, and — when
/// `content-digest` is covered — the `Content-Digest` matches the body.
#[derive(Clone, Debug)]
pub struct Verifier {
    /// Allowed distance of `created` from `now`, seconds.
    pub tolerance: u64,
    /// The label to verify; `None` accepts a request with exactly one signature.
    pub label: Option<String>,
    /// Components every signature must cover.
    pub required: Vec<ComponentId>,
    /// Whether `expires` must be present.
    pub require_expires: bool,
    /// Whether `nonce` must be present.
    pub require_nonce: bool,
}

impl Default for Verifier {
    /// ±30 s; `@method`, `@authority`, `@path`, `@query` required;
    /// `expires` and `nonce` required.
    fn default() -> Self {
        Verifier {
            tolerance: 30,
            label: None,
            required: ["@method", "@authority", "@path", "@query"]
                .into_iter()
                .map(ComponentId::new)
                .collect(),
            require_expires: true,
            require_nonce: true,
        }
    }
}

/// A request that passed the policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    /// The signature's label.
    pub label: String,
    /// Who signed.
    pub keyid: String,
    /// The nonce, for the caller's replay check.
    pub nonce: Option<String>,
    /// `created`.
    pub created: i64,
    /// `expires`, if given.
    pub expires: Option<i64>,
    /// Everything the signature covered.
    pub params: SignatureParams,
    /// The last second at which this signature is still acceptable: a
    /// nonce needs remembering until then, no longer.
    pub valid_until: i64,
}

impl Verifier {
    /// Verifies `req` at time `now` (seconds since the epoch), looking the
    /// key up by `keyid`. Replays are not checked here: see
    /// [`Verifier::verify_once`] or [`NonceWindow`].
    pub fn verify(
        &self,
        req: &Request,
        now: i64,
        key_for: impl Fn(&str) -> Option<VerifyingKey>,
    ) -> Result<Verified, Error> {
        let signed = find_signature(req, self.label.as_deref())?;
        let p = &signed.params;
        if let Some(alg) = p.alg()
            && alg != "ed25519"
        {
            return Err(Error::Algorithm(alg.to_owned()));
        }
        let keyid = p.keyid().ok_or(Error::MissingParameter("keyid"))?;
        let created = p.created().ok_or(Error::MissingParameter("created"))?;
        if created.abs_diff(now) > self.tolerance {
            return Err(Error::CreatedOutOfWindow {
                created,
                now,
                tolerance: self.tolerance,
            });
        }
        let expires = p.expires();
        match expires {
            Some(e) if now > e => return Err(Error::Expired { expires: e, now }),
            None if self.require_expires => return Err(Error::MissingParameter("expires")),
            _ => {}
        }
        if self.require_nonce && p.nonce().is_none() {
            return Err(Error::MissingParameter("nonce"));
        }
        for id in &self.required {
            if !p.covers(id) {
                return Err(Error::NotCovered(id.to_string()));
            }
        }
        let digest = ComponentId::new("content-digest");
        let digest_covered = p.covers(&digest);
        if !req.body.is_empty() && !digest_covered {
            return Err(Error::BodyNotCovered);
        }
        let key = key_for(keyid).ok_or_else(|| Error::UnknownKey(keyid.to_owned()))?;
        verify_signed(req, &signed, &key)?;
        if digest_covered {
            let field = combined_field(req, "content-digest")
                .ok_or(Error::MissingField("Content-Digest"))?;
            check_content_digest(&field, &req.body)?;
        }
        let tolerance = i64::try_from(self.tolerance).unwrap_or(i64::MAX);
        let window_end = created.saturating_add(tolerance);
        Ok(Verified {
            keyid: keyid.to_owned(),
            nonce: p.nonce().map(str::to_owned),
            created,
            expires,
            valid_until: expires.map_or(window_end, |e| e.min(window_end)),
            params: signed.params.clone(),
            label: signed.label,
        })
    }

    /// [`Verifier::verify`], then refuses the nonce if `window` has seen it
    /// from the same key, and remembers it until the signature lapses.
    pub fn verify_once(
        &self,
        req: &Request,
        now: i64,
        key_for: impl Fn(&str) -> Option<VerifyingKey>,
        window: &mut NonceWindow,
    ) -> Result<Verified, Error> {
        let v = self.verify(req, now, key_for)?;
        let nonce = v.nonce.as_deref().ok_or(Error::MissingParameter("nonce"))?;
        window.check_and_remember(&v.keyid, nonce, v.valid_until, now)?;
        Ok(v)
    }
}

/// The nonces accepted recently, per key id, each remembered until the
/// last second its signature could still be accepted. In memory only:
/// persistence (across restarts, across nodes) is the caller's.
#[derive(Clone, Debug, Default)]
pub struct NonceWindow {
    until: HashMap<(String, String), i64>,
    by_time: BTreeSet<(i64, String, String)>,
}

impl NonceWindow {
    /// An empty window.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many nonces are remembered.
    pub fn len(&self) -> usize {
        self.until.len()
    }

    /// Whether none are.
    pub fn is_empty(&self) -> bool {
        self.until.is_empty()
    }

    /// Forgets nonces whose signatures lapsed before `now`.
    pub fn prune(&mut self, now: i64) {
        while let Some(first) = self.by_time.first() {
            if first.0 >= now {
                break;
            }
            if let Some((_, keyid, nonce)) = self.by_time.pop_first() {
                self.until.remove(&(keyid, nonce));
            }
        }
    }

    /// Refuses `nonce` if `keyid` used it and it has not lapsed; otherwise
    /// remembers it until `until` (inclusive).
    pub fn check_and_remember(
        &mut self,
        keyid: &str,
        nonce: &str,
        until: i64,
        now: i64,
    ) -> Result<(), Error> {
        self.prune(now);
        let key = (keyid.to_owned(), nonce.to_owned());
        if self.until.contains_key(&key) {
            return Err(Error::Replay {
                keyid: key.0,
                nonce: key.1,
            });
        }
        if until >= now {
            self.by_time.insert((until, key.0.clone(), key.1.clone()));
            self.until.insert(key, until);
        }
        Ok(())
    }
}
