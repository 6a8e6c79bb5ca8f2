//! Who is asking, and may they: every request passes [`guard`] before its
//! handler (docs/security.md).
//!
//! - A request signed with HTTP Message Signatures (RFC 9421, Ed25519)
//!   under an operational key of the key registry is that key's party and
//!   roles. The signature must cover method, authority, path, query and —
//!   with a body — `Content-Digest` (RFC 9530); `created` within ±30 s,
//!   `expires` and a `nonce` present; a nonce is accepted once per key,
//!   also across restarts (the sequencer keeps them in the store).
//! - A bearer token is accepted only in the local mode
//!   (`bulwark serve --auth local-tokens`): a party's token stands for the
//!   party with every role, for a node and its operators on one machine.
//! - Without credentials, the request is the public's.
//!
//! What a principal may do is the authorization policy's answer
//! ([`authz::Policy`]): per endpoint here, per input in the submission
//! handlers. Every refusal is a security event; every principal is held
//! to a rate limit (per party; per peer address for the public and for
//! failed authentications).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::ratelimit::Limiter;
use crate::security::{SecurityEvent, SecurityLog};

/// How parties authenticate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// Signed requests (RFC 9421) under keys of the key registry; no
    /// bearer tokens.
    #[default]
    Signatures,
    /// Signed requests, and also bearer tokens from `DATA/tokens` (one per
    /// party, every role): for a node and its operators on one machine.
    LocalTokens,
}

/// Who made a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Principal {
    /// No credentials.
    Public,
    /// An operational key of the registry.
    Key {
        name: String,
        party: String,
        roles: Vec<String>,
    },
    /// A bearer token (local mode).
    Local { party: String },
}

impl Principal {
    /// As the policy sees it.
    pub fn who(&self) -> authz::Who<'_> {
        match self {
            Principal::Public => authz::Who::Public,
            Principal::Key { name, party, roles } => authz::Who::Key { name, party, roles },
            Principal::Local { party } => authz::Who::Local { party },
        }
    }

    /// The party, if any.
    pub fn party(&self) -> Option<&str> {
        match self {
            Principal::Public => None,
            Principal::Key { party, .. } | Principal::Local { party } => Some(party),
        }
    }

    /// The key's name, for a key.
    pub fn keyid(&self) -> Option<&str> {
        match self {
            Principal::Key { name, .. } => Some(name),
            _ => None,
        }
    }
}

/// A signed request's nonce, to admit once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Nonce {
    pub keyid: String,
    pub nonce: String,
    /// The signature's `created`.
    pub created_s: i64,
    pub until_s: i64,
}

/// What [`guard`] found, for the handler (a request extension).
#[derive(Clone, Debug)]
pub struct Authenticated {
    pub principal: Principal,
    /// For a submission, its nonce (already admitted): written with the
    /// submission's commit.
    pub nonce: Option<Nonce>,
    /// Where the request came from, for security events.
    pub context: RequestContext,
}

/// A request's method, path and peer, for security events.
#[derive(Clone, Debug, Default)]
pub struct RequestContext {
    pub method: String,
    pub path: String,
    pub remote: Option<String>,
}

impl RequestContext {
    /// A security event about this request.
    pub fn event(
        &self,
        kind: &'static str,
        code: &'static str,
        status: StatusCode,
        principal: Option<&Principal>,
        keyid: Option<&str>,
        reason: impl Into<String>,
    ) -> SecurityEvent {
        SecurityEvent {
            at: crate::now().to_string(),
            kind,
            code,
            status: status.as_u16(),
            method: self.method.clone(),
            path: self.path.clone(),
            remote: self.remote.clone(),
            keyid: keyid
                .map(str::to_string)
                .or_else(|| principal.and_then(Principal::keyid).map(str::to_string)),
            party: principal.and_then(Principal::party).map(str::to_string),
            reason: reason.into(),
        }
    }
}

/// What an endpoint is, for the policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// A submission of inputs: each input is authorized by the handler.
    Submit,
    /// A key registry statement: authenticated by its own root signature.
    KeyStatement,
    /// A read of a view.
    Read(authz::View),
}

/// The endpoint a request is for.
pub fn endpoint(method: &Method, path: &str) -> Endpoint {
    match (method, path) {
        (&Method::POST, "/api/v1/inputs" | "/api/v1/observations") => Endpoint::Submit,
        (&Method::POST, "/api/v1/keys") => Endpoint::KeyStatement,
        (_, "/api/v1/restricted" | "/api/v1/board/restricted") => {
            Endpoint::Read(authz::View::Restricted)
        }
        (_, "/api/v1/outbox") => Endpoint::Read(authz::View::Outbox),
        (_, "/api/v1/security-events") => Endpoint::Read(authz::View::SecurityEvents),
        (_, "/api/v1/keys") => Endpoint::Read(authz::View::Keys),
        _ => Endpoint::Read(authz::View::Public),
    }
}

/// The largest request body taken.
pub const BODY_MAX: usize = 32 * 1024 * 1024;

/// Everything the guard needs.
#[derive(Debug)]
pub struct Guard {
    pub mode: Mode,
    pub verifier: httpsig::Verifier,
    pub registry: Arc<RwLock<keyring::Registry>>,
    /// Bearer token → party (local mode).
    pub tokens: BTreeMap<String, String>,
    pub policy: Arc<authz::Policy>,
    pub limiter: Limiter,
    pub security: SecurityLog,
    /// The nonces of signed requests still within their signatures'
    /// lifetime (loaded from the store at start; the sequencer writes each
    /// new one).
    pub nonces: std::sync::Mutex<httpsig::NonceWindow>,
    /// When the node started (seconds since the epoch): signatures made
    /// before are refused, so no request from before a restart is taken
    /// again, even one whose nonce had not been written yet.
    pub started_s: i64,
}

/// A refusal, before it is answered and recorded.
struct Refusal {
    status: StatusCode,
    kind: &'static str,
    code: &'static str,
    keyid: Option<String>,
    reason: String,
}

impl Refusal {
    fn authn(code: &'static str, keyid: Option<&str>, reason: impl Into<String>) -> Refusal {
        Refusal {
            status: StatusCode::UNAUTHORIZED,
            kind: "authentication",
            code,
            keyid: keyid.map(str::to_string),
            reason: reason.into(),
        }
    }
}

/// The error body every refusal answers with.
pub fn refusal_response(status: StatusCode, code: &str, reason: &str) -> Response {
    let mut r = (
        status,
        axum::Json(json!({"error": reason, "code": code, "docs": "docs/security.md"})),
    )
        .into_response();
    if status == StatusCode::UNAUTHORIZED {
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Signature"),
        );
    }
    r
}

impl Guard {
    /// Takes a signed request's nonce once.
    fn admit(&self, n: &Nonce, now_s: i64) -> Result<(), String> {
        if n.created_s < self.started_s {
            return Err(format!(
                "the request was signed at {} (seconds since 1970), before the node started at {}: it may be a replay from before the restart; sign it again",
                n.created_s, self.started_s
            ));
        }
        self.nonces
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .check_and_remember(&n.keyid, &n.nonce, n.until_s, now_s)
            .map_err(|e| e.to_string())
    }

    /// Authenticates a request from its parts and body at `now_s`.
    fn authenticate(
        &self,
        method: &Method,
        uri: &axum::http::Uri,
        headers: &HeaderMap,
        body: &[u8],
        now_s: i64,
    ) -> Result<(Principal, Option<Nonce>), Refusal> {
        let signed = headers.contains_key("signature-input") || headers.contains_key("signature");
        if signed {
            return self.verify_signature(method, uri, headers, body, now_s);
        }
        let bearer = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        match (bearer, self.mode) {
            (None, _) => {
                if headers.contains_key(header::AUTHORIZATION) {
                    return Err(Refusal::authn(
                        "bad_token",
                        None,
                        "the Authorization header is not `Bearer TOKEN`: sign the request (RFC 9421) with your key, e.g. with `bulwark submit`",
                    ));
                }
                Ok((Principal::Public, None))
            }
            (Some(_), Mode::Signatures) => Err(Refusal::authn(
                "bearer_not_enabled",
                None,
                "this node takes signed requests only (RFC 9421): bearer tokens work only when the node runs with `--auth local-tokens`; sign with your party's key, e.g. `bulwark submit --key KEYFILE`",
            )),
            (Some(token), Mode::LocalTokens) => match self.tokens.get(token.trim()) {
                Some(party) => Ok((
                    Principal::Local {
                        party: party.clone(),
                    },
                    None,
                )),
                None => Err(Refusal::authn(
                    "bad_token",
                    None,
                    "this token is not a party's (DATA/tokens)",
                )),
            },
        }
    }

    fn verify_signature(
        &self,
        method: &Method,
        uri: &axum::http::Uri,
        headers: &HeaderMap,
        body: &[u8],
        now_s: i64,
    ) -> Result<(Principal, Option<Nonce>), Refusal> {
        let authority = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .or_else(|| uri.authority().map(ToString::to_string))
            .unwrap_or_default();
        let mut req = httpsig::Request::new(method.as_str(), &authority, uri.path());
        req.query = uri.query().map(str::to_string);
        req.scheme = "http".into();
        for (name, value) in headers {
            let Ok(v) = value.to_str() else {
                return Err(Refusal::authn(
                    "malformed_signature",
                    None,
                    format!("the header `{name}` is not text"),
                ));
            };
            req.headers.push((name.as_str().to_string(), v.to_string()));
        }
        req.body = body.to_vec();
        let registry = self.registry.read().unwrap_or_else(|p| p.into_inner());
        // What the registry said of the key the signature names.
        let looked_up: std::cell::RefCell<Option<Result<Principal, (&'static str, String)>>> =
            std::cell::RefCell::new(None);
        let result = self.verifier.verify(&req, now_s, |keyid| {
            let (answer, key) = match registry.key(keyid) {
                Ok(k) => (
                    Ok(Principal::Key {
                        name: k.name.to_string(),
                        party: k.party.to_string(),
                        roles: k.roles.to_vec(),
                    }),
                    Some(*k.verifying_key),
                ),
                Err(refusal) => {
                    let code = match refusal {
                        keyring::Refusal::Unknown => "unknown_key",
                        keyring::Refusal::Root => "root_key",
                        _ => "revoked_key",
                    };
                    (Err((code, refusal.to_string())), None)
                }
            };
            *looked_up.borrow_mut() = Some(answer);
            key
        });
        drop(registry);
        let looked_up = looked_up.into_inner();
        match (result, looked_up) {
            (Ok(v), Some(Ok(principal))) => {
                let nonce = v.nonce.map(|nonce| Nonce {
                    keyid: v.keyid.clone(),
                    nonce,
                    created_s: v.created,
                    until_s: v.valid_until,
                });
                Ok((principal, nonce))
            }
            (Ok(v), _) => Err(Refusal::authn(
                "unknown_key",
                Some(&v.keyid),
                "the key is unknown",
            )),
            (Err(httpsig::Error::UnknownKey(keyid)), looked_up) => {
                let (code, why) = match looked_up {
                    Some(Err(refused)) => refused,
                    _ => ("unknown_key", "no such key".into()),
                };
                Err(Refusal::authn(
                    code,
                    Some(&keyid),
                    format!("the key `{keyid}`: {why}"),
                ))
            }
            (Err(e), _) => {
                let code = match &e {
                    httpsig::Error::CreatedOutOfWindow { .. } | httpsig::Error::Expired { .. } => {
                        "stale"
                    }
                    httpsig::Error::BadSignature { .. } => "bad_signature",
                    httpsig::Error::Replay { .. } => "replay",
                    _ => "malformed_signature",
                };
                let keyid = signature_keyid(headers);
                Err(Refusal::authn(
                    code,
                    keyid.as_deref(),
                    format!("the request's signature is refused: {e}"),
                ))
            }
        }
    }
}

/// The `keyid` a request's signature names, read loosely (for events).
fn signature_keyid(headers: &HeaderMap) -> Option<String> {
    let input = headers.get("signature-input")?.to_str().ok()?;
    let at = input.find("keyid=\"")? + 7;
    let rest = input.get(at..)?;
    let end = rest.find('"')?;
    let id = rest.get(..end)?;
    Some(id.chars().take(100).collect())
}

/// The middleware: authenticates, rate-limits, authorizes reads and admits
/// the nonce, then runs the handler with [`Authenticated`] in the request's
/// extensions.
pub(crate) async fn guard(State(app): State<crate::App>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let context = RequestContext {
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        remote: parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string()),
    };
    let g = &app.guard;
    let bytes: Bytes = match axum::body::to_bytes(body, BODY_MAX).await {
        Ok(b) => b,
        Err(_) => {
            return crate::error(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the body is larger than {BODY_MAX} bytes: send smaller batches"),
            );
        }
    };
    let endpoint = endpoint(&parts.method, parts.uri.path());
    let now_s = crate::now().millis().div_euclid(1000);
    let refuse = |principal: Option<&Principal>, r: Refusal| {
        g.security.record(context.event(
            r.kind,
            r.code,
            r.status,
            principal,
            r.keyid.as_deref(),
            r.reason.clone(),
        ));
        refusal_response(r.status, r.code, &r.reason)
    };
    let authenticated = g.authenticate(&parts.method, &parts.uri, &parts.headers, &bytes, now_s);
    let (principal, nonce) = match authenticated {
        Ok(p) => p,
        Err(r) => {
            // Failed authentications count against the peer's address.
            let peer = format!("peer:{}", context.remote.as_deref().unwrap_or("unknown"));
            if let Err(wait) = g.limiter.check(&peer, crate::now_us()) {
                return rate_limited(g, &context, None, wait);
            }
            return refuse(None, r);
        }
    };
    let bucket = match principal.party() {
        Some(p) => format!("party:{p}"),
        None => format!("peer:{}", context.remote.as_deref().unwrap_or("unknown")),
    };
    if let Err(wait) = g.limiter.check(&bucket, crate::now_us()) {
        return rate_limited(g, &context, Some(&principal), wait);
    }
    match endpoint {
        Endpoint::Submit if principal == Principal::Public => {
            return refuse(
                None,
                Refusal::authn(
                    "no_credentials",
                    None,
                    "no credentials: sign the request with your party's key (RFC 9421), e.g. `bulwark submit --node URL --key KEYFILE FILE`",
                ),
            );
        }
        Endpoint::Read(view) => {
            let d = g.policy.decide(&principal.who(), &authz::What::Read(view));
            if !d.allowed {
                let status = if principal == Principal::Public {
                    StatusCode::UNAUTHORIZED
                } else {
                    StatusCode::FORBIDDEN
                };
                return refuse(
                    Some(&principal),
                    Refusal {
                        status,
                        kind: "authorization",
                        code: "denied",
                        keyid: None,
                        reason: format!("not allowed to read this view: {}", d.reason),
                    },
                );
            }
        }
        _ => {}
    }
    let mut pending = None;
    if let Some(n) = nonce {
        if let Err(why) = g.admit(&n, now_s) {
            return refuse(
                Some(&principal),
                Refusal {
                    status: StatusCode::UNAUTHORIZED,
                    kind: "replay",
                    code: "replay",
                    keyid: Some(n.keyid),
                    reason: why,
                },
            );
        }
        if endpoint == Endpoint::Submit {
            // Written with the submission's commit.
            pending = Some(n);
        } else {
            crate::remember(&app, n);
        }
    }
    parts.extensions.insert(Authenticated {
        principal,
        nonce: pending,
        context,
    });
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn rate_limited(
    g: &Guard,
    context: &RequestContext,
    principal: Option<&Principal>,
    wait_us: i64,
) -> Response {
    let secs = (wait_us + 999_999) / 1_000_000;
    let limit = g.limiter.limit();
    let reason = format!(
        "too many requests: the limit is {}/s (bursts of {}); retry after {secs} s",
        limit.rate, limit.burst
    );
    g.security.record(context.event(
        "rate_limit",
        "rate_limited",
        StatusCode::TOO_MANY_REQUESTS,
        principal,
        None,
        reason.clone(),
    ));
    let mut r = refusal_response(StatusCode::TOO_MANY_REQUESTS, "rate_limited", &reason);
    if let Ok(v) = header::HeaderValue::from_str(&secs.max(1).to_string()) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}
