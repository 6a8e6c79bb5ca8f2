//! Properties: what a signature covers cannot change unnoticed.

use httpsig::{
    ComponentId, DigestAlg, Error, NonceWindow, Request, SignatureParams, SigningKey, Verifier,
    VerifyingKey, check_content_digest, content_digest, find_signature, sf, sign,
};
use proptest::prelude::*;

const NOW: i64 = 1_700_000_000;

fn key() -> SigningKey {
    SigningKey::from_bytes(&[7u8; 32])
}

fn keys(id: &str) -> Option<VerifyingKey> {
    (id == "party-a").then(|| key().verifying_key())
}

/// Signs `req` as a party operator would: method, authority, path, query,
/// content-digest when there is a body; created, expires, nonce, keyid.
fn signed(mut req: Request, created: i64, nonce: &str) -> Request {
    let mut components: Vec<ComponentId> = ["@method", "@authority", "@path", "@query"]
        .into_iter()
        .map(ComponentId::new)
        .collect();
    if !req.body.is_empty() {
        let digest = content_digest(&req.body, &[DigestAlg::Sha256]);
        req.headers.push(("Content-Digest".into(), digest));
        components.push(ComponentId::new("content-digest"));
    }
    let params = SignatureParams::new(components)
        .with_created(created)
        .with_expires(created + 300)
        .with_nonce(nonce)
        .with_keyid("party-a")
        .with_alg("ed25519");
    sign(&req, "sig1", &params, &key()).unwrap().apply(&mut req);
    req
}

fn request() -> impl Strategy<Value = Request> {
    (
        prop::sample::select(vec!["GET", "POST", "PUT", "DELETE"]),
        "[a-z]{1,10}\\.example(:[0-9]{2,5})?",
        "(/[a-zA-Z0-9._~-]{0,8}){1,4}",
        prop::option::of("[a-zA-Z0-9=&%+]{0,20}"),
        prop::collection::vec(any::<u8>(), 0..200),
    )
        .prop_map(|(m, a, p, q, body)| {
            let target = match q {
                Some(q) => format!("{p}?{q}"),
                None => p,
            };
            Request::new(m, &a, &target)
                .with_header("Content-Type", "application/json")
                .with_body(body)
        })
}

fn verify(req: &Request, now: i64) -> Result<httpsig::Verified, Error> {
    Verifier::default().verify(req, now, keys)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn signed_requests_verify_within_tolerance(req in request(), skew in -30i64..=30) {
        let req = signed(req, NOW, "n-1");
        let v = verify(&req, NOW + skew).unwrap();
        prop_assert_eq!(v.keyid, "party-a");
        prop_assert_eq!(v.nonce.as_deref(), Some("n-1"));
        prop_assert_eq!(v.valid_until, NOW + 30);
    }

    #[test]
    fn created_outside_tolerance_is_rejected(req in request(), skew in 31i64..100_000, sign_ in any::<bool>()) {
        let req = signed(req, NOW, "n");
        let now = if sign_ { NOW + skew } else { NOW - skew };
        let e = verify(&req, now).unwrap_err();
        let in_window = matches!(e, Error::CreatedOutOfWindow { .. });
        prop_assert!(in_window, "{}", e);
    }

    #[test]
    fn changing_a_covered_component_is_rejected(req in request(), which in 0usize..5, salt in "[a-z0-9]{1,4}") {
        let good = signed(req, NOW, "n");
        let mut bad = good.clone();
        match which {
            0 => bad.method = if bad.method == "GET" { "POST".into() } else { "GET".into() },
            1 => bad.authority = format!("{salt}{}", bad.authority),
            2 => bad.path = format!("{}/{salt}", bad.path),
            3 => bad.query = Some(format!("{}&{salt}", bad.query.clone().unwrap_or_default())),
            _ => {
                // Content-Digest header itself changed (only covered when there is a body).
                let Some(h) = bad.headers.iter_mut().find(|(n, _)| n == "Content-Digest") else {
                    return Ok(());
                };
                h.1 = content_digest(salt.as_bytes(), &[DigestAlg::Sha256]);
            }
        }
        prop_assume!(bad != good);
        let e = verify(&bad, NOW).unwrap_err();
        let bad_sig = matches!(e, Error::BadSignature { .. });
        prop_assert!(bad_sig, "{}", e);
    }

    #[test]
    fn changing_any_body_byte_is_rejected(req in request(), at in any::<prop::sample::Index>(), bit in 0u8..8) {
        prop_assume!(!req.body.is_empty());
        let mut bad = signed(req, NOW, "n");
        let i = at.index(bad.body.len());
        bad.body[i] ^= 1 << bit;
        let e = verify(&bad, NOW).unwrap_err();
        let mismatch = matches!(e, Error::DigestMismatch { .. });
        prop_assert!(mismatch, "{}", e);
    }

    #[test]
    fn adding_or_dropping_a_body_is_rejected(req in request(), extra in prop::collection::vec(any::<u8>(), 1..10)) {
        let good = signed(req, NOW, "n");
        let mut bad = good.clone();
        if bad.body.is_empty() { bad.body = extra } else { bad.body.clear() }
        prop_assert!(verify(&bad, NOW).is_err());
    }

    #[test]
    fn a_signature_for_one_request_fails_on_another(a in request(), b in request()) {
        let a = signed(a, NOW, "n");
        let mut b = b;
        if !a.body.is_empty() || !b.body.is_empty() {
            b.headers.push(("Content-Digest".into(), content_digest(&b.body, &[DigestAlg::Sha256])));
        }
        b.headers.extend(a.headers.iter().filter(|(n, _)| n.starts_with("Signature")).cloned());
        let same = (&a.method, a.normalized_authority(), &a.path, &a.query, &a.body)
            == (&b.method, b.normalized_authority(), &b.path, &b.query, &b.body);
        prop_assume!(!same);
        prop_assert!(verify(&b, NOW).is_err());
    }

    #[test]
    fn a_replayed_nonce_is_rejected(req in request(), later in 0i64..=30) {
        let req = signed(req, NOW, "once");
        let mut window = NonceWindow::new();
        Verifier::default().verify_once(&req, NOW, keys, &mut window).unwrap();
        let e = Verifier::default().verify_once(&req, NOW + later, keys, &mut window).unwrap_err();
        prop_assert_eq!(e, Error::Replay { keyid: "party-a".into(), nonce: "once".into() });
        // Once the signature has lapsed the nonce is forgotten, and the time check refuses it instead.
        let e = Verifier::default().verify_once(&req, NOW + 31, keys, &mut window).unwrap_err();
        let lapsed = matches!(e, Error::CreatedOutOfWindow { .. });
        prop_assert!(lapsed);
        window.prune(NOW + 31);
        prop_assert!(window.is_empty());
    }

    #[test]
    fn a_malleated_signature_is_rejected(req in request(), at in 0usize..64, bit in 0u8..8) {
        let good = signed(req, NOW, "n");
        let signed_ = find_signature(&good, None).unwrap();
        let mut sig = signed_.signature.clone();
        sig[at] ^= 1 << bit;
        let bad = with_signature(&good, &sig);
        prop_assert!(verify(&bad, NOW).is_err());
    }

    #[test]
    fn parsing_arbitrary_field_values_never_panics(s in ".{0,80}", t in "[a-z0-9=(),;:\"*? ./@%+-]{0,80}") {
        for v in [&s, &t] {
            let _ = sf::parse_dictionary(v);
            let _ = sf::parse_inner_list(v);
            let _ = ComponentId::parse(v);
            let _ = check_content_digest(v, b"x");
            let req = Request::new("GET", "a.example", "/?x=1")
                .with_header("Signature-Input", v)
                .with_header("Signature", v)
                .with_header("Content-Digest", v)
                .with_body("b");
            let _ = verify(&req, NOW);
            let req2 = Request::new("GET", "a.example", "/")
                .with_header("Signature-Input", &format!("sig1=({v});created={NOW};keyid=\"party-a\""))
                .with_header("Signature", "sig1=:AAAA:");
            let _ = verify(&req2, NOW);
        }
    }

    #[test]
    fn serialized_dictionaries_parse_back(s in "[a-z0-9=(),;:\"*? ./-]{0,60}") {
        if let Ok(d) = sf::parse_dictionary(&s) {
            let out = sf::write_dictionary(&d).unwrap();
            prop_assert_eq!(sf::parse_dictionary(&out).unwrap(), d);
        }
    }
}

fn with_signature(req: &Request, sig: &[u8]) -> Request {
    use base64::Engine as _;
    let mut out = req.clone();
    for (n, v) in &mut out.headers {
        if n == "Signature" {
            *v = format!(
                "sig1=:{}:",
                base64::engine::general_purpose::STANDARD.encode(sig)
            );
        }
    }
    out
}

/// Ed25519 malleability: S + L verifies under lax checking; strict refuses.
#[test]
fn non_canonical_s_is_rejected() {
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let good = signed(
        Request::new("POST", "node.example", "/x?y=1").with_body("{}"),
        NOW,
        "n",
    );
    verify(&good, NOW).unwrap();
    let mut sig = find_signature(&good, None).unwrap().signature;
    let mut carry = 0u16;
    for i in 0..32 {
        let s = u16::from(sig[32 + i]) + u16::from(L[i]) + carry;
        sig[32 + i] = (s & 0xff) as u8;
        carry = s >> 8;
    }
    assert_eq!(carry, 0);
    let e = verify(&with_signature(&good, &sig), NOW).unwrap_err();
    assert!(matches!(e, Error::BadSignature { .. }), "{e}");
}

#[test]
fn policy_refusals_name_what_failed() {
    let base = Request::new("POST", "node.example", "/x?y=1").with_body("{}");
    let k = key();
    let mk = |p: SignatureParams| {
        let mut r = base.clone().with_header(
            "Content-Digest",
            &content_digest(b"{}", &[DigestAlg::Sha512]),
        );
        sign(&r, "sig1", &p, &k).unwrap().apply(&mut r);
        r
    };
    let all = ["@method", "@authority", "@path", "@query", "content-digest"].map(ComponentId::new);
    let full = || {
        SignatureParams::new(all.clone())
            .with_created(NOW)
            .with_expires(NOW + 10)
            .with_keyid("party-a")
    };

    let e = verify(&mk(full()), NOW).unwrap_err();
    assert_eq!(e, Error::MissingParameter("nonce"));
    assert_eq!(
        e.to_string(),
        "signature parameter nonce is required and missing"
    );

    assert_eq!(
        sign(&base, "s", &full().with_alg("rsa-pss-sha512"), &k).unwrap_err(),
        Error::Algorithm("rsa-pss-sha512".into())
    );
    let mut other_alg = mk(full().with_nonce("n"));
    for (n, v) in &mut other_alg.headers {
        if n == "Signature-Input" {
            v.push_str(";alg=\"rsa-pss-sha512\"");
        }
    }
    assert_eq!(
        verify(&other_alg, NOW).unwrap_err(),
        Error::Algorithm("rsa-pss-sha512".into())
    );

    let e = verify(&mk(full().with_nonce("n")), NOW + 11).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("expires={} has passed (now={})", NOW + 10, NOW + 11)
    );

    let e = verify(&mk(full().with_nonce("n").with_keyid("stranger")), NOW).unwrap_err();
    assert_eq!(e, Error::UnknownKey("stranger".into()));

    let no_query = SignatureParams::new(
        ["@method", "@authority", "@path", "content-digest"].map(ComponentId::new),
    )
    .with_created(NOW)
    .with_expires(NOW + 10)
    .with_nonce("n")
    .with_keyid("party-a");
    let e = verify(&mk(no_query), NOW).unwrap_err();
    assert_eq!(
        e.to_string(),
        "component \"@query\" is required but not covered by the signature"
    );

    let no_digest =
        SignatureParams::new(["@method", "@authority", "@path", "@query"].map(ComponentId::new))
            .with_created(NOW)
            .with_expires(NOW + 10)
            .with_nonce("n")
            .with_keyid("party-a");
    assert_eq!(
        verify(&mk(no_digest), NOW).unwrap_err(),
        Error::BodyNotCovered
    );

    let mut wrong_path = mk(full().with_nonce("n"));
    wrong_path.path = "/y".into();
    let e = verify(&wrong_path, NOW).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("the Ed25519 signature (keyid=\"party-a\") does not verify"),
        "{e}"
    );

    let dup = SignatureParams::new(["@method", "@method"].map(ComponentId::new));
    assert_eq!(
        sign(&base, "s", &dup, &k).unwrap_err(),
        Error::DuplicateComponent("\"@method\"".into())
    );

    let mut two = mk(full().with_nonce("n"));
    sign(&two.clone(), "sig2", &full().with_nonce("m"), &k)
        .unwrap()
        .apply(&mut two);
    assert_eq!(
        verify(&two, NOW).unwrap_err(),
        Error::AmbiguousLabel("sig1, sig2".into())
    );
    let v = Verifier {
        label: Some("sig2".into()),
        ..Verifier::default()
    }
    .verify(&two, NOW, keys)
    .unwrap();
    assert_eq!(v.nonce.as_deref(), Some("m"));
    assert_eq!(v.valid_until, NOW + 10);

    let e = verify(
        &base
            .clone()
            .with_header("Signature-Input", "sig1=(\"@method\"")
            .with_header("Signature", "sig1=:AA==:"),
        NOW,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "Signature-Input: malformed at byte 15: an inner list is not closed"
    );
}

#[test]
fn nonce_window_is_per_key_and_forgets_lapsed_nonces() {
    let mut w = NonceWindow::new();
    w.check_and_remember("a", "n", 10, 0).unwrap();
    w.check_and_remember("b", "n", 10, 0).unwrap();
    assert!(w.check_and_remember("a", "n", 20, 5).is_err());
    assert!(w.check_and_remember("a", "n", 20, 10).is_err());
    w.check_and_remember("a", "n", 20, 11).unwrap();
    assert_eq!(w.len(), 1);
}
