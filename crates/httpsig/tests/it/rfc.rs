//! RFC 9421 Appendix B and RFC 9530 examples, byte for byte.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use httpsig::sf;
use httpsig::{
    ComponentId, DigestAlg, Error, Message, Request, Response, SignatureParams, SigningKey,
    Verifier, check_content_digest, content_digest, find_signature, sign, signature_base,
    verify_signed,
};

const BODY: &str = r#"{"hello": "world"}"#;
const SHA512_BODY: &str = "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:";

/// B.2's test-request.
fn test_request() -> Request {
    Request::new("POST", "example.com", "/foo?param=Value&Pet=dog")
        .with_header("Host", "example.com")
        .with_header("Date", "Tue, 20 Apr 2021 02:07:55 GMT")
        .with_header("Content-Type", "application/json")
        .with_header("Content-Digest", SHA512_BODY)
        .with_header("Content-Length", "18")
        .with_body(BODY)
}

/// B.2's test-response.
fn test_response() -> Response {
    Response {
        status: 200,
        headers: vec![
            ("Date".into(), "Tue, 20 Apr 2021 02:07:56 GMT".into()),
            ("Content-Type".into(), "application/json".into()),
            (
                "Content-Digest".into(),
                "sha-512=:mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oGX69wWdXymyU0rjJuahq4l5aGgfLQ==:".into(),
            ),
            ("Content-Length".into(), "23".into()),
        ],
        body: br#"{"message": "good dog"}"#.to_vec(),
    }
}

/// B.1.4, test-key-ed25519.
fn test_key() -> SigningKey {
    let d = URL_SAFE_NO_PAD
        .decode("n4Ni-HpISpVObnQMW0wOhCKROaIKqKtW_2ZYb2p9KcU")
        .unwrap();
    let key = SigningKey::from_bytes(&d.try_into().unwrap());
    let x = URL_SAFE_NO_PAD
        .decode("JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs")
        .unwrap();
    assert_eq!(key.verifying_key().as_bytes().as_slice(), x.as_slice());
    key
}

/// Parses `Signature-Input: <input>` on `msg`, checks it serializes back
/// unchanged, and returns the signature base built from it.
fn base_from_input(msg: &dyn Message, input: &str) -> String {
    let dict = sf::parse_dictionary(input).unwrap();
    let [(label, member)] = dict.as_slice() else {
        panic!("one member")
    };
    let params = SignatureParams::from_member(label, member).unwrap();
    assert_eq!(format!("{label}={}", params.serialize().unwrap()), input);
    signature_base(msg, &params).unwrap()
}

#[test]
fn b21_minimal() {
    let base = base_from_input(
        &test_request(),
        r#"sig-b21=();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd""#,
    );
    assert_eq!(
        base,
        r#""@signature-params": ();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd""#
    );
}

#[test]
fn b22_selective() {
    let base = base_from_input(
        &test_request(),
        r#"sig-b22=("@authority" "content-digest" "@query-param";name="Pet");created=1618884473;keyid="test-key-rsa-pss";tag="header-example""#,
    );
    let want = [
        r#""@authority": example.com"#,
        &format!(r#""content-digest": {SHA512_BODY}"#),
        r#""@query-param";name="Pet": dog"#,
        r#""@signature-params": ("@authority" "content-digest" "@query-param";name="Pet");created=1618884473;keyid="test-key-rsa-pss";tag="header-example""#,
    ]
    .join("\n");
    assert_eq!(base, want);
}

#[test]
fn b23_full_coverage() {
    let base = base_from_input(
        &test_request(),
        r#"sig-b23=("date" "@method" "@path" "@query" "@authority" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss""#,
    );
    let want = [
        r#""date": Tue, 20 Apr 2021 02:07:55 GMT"#,
        r#""@method": POST"#,
        r#""@path": /foo"#,
        r#""@query": ?param=Value&Pet=dog"#,
        r#""@authority": example.com"#,
        r#""content-type": application/json"#,
        &format!(r#""content-digest": {SHA512_BODY}"#),
        r#""content-length": 18"#,
        r#""@signature-params": ("date" "@method" "@path" "@query" "@authority" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss""#,
    ]
    .join("\n");
    assert_eq!(base, want);
}

#[test]
fn b24_response() {
    let base = base_from_input(
        &test_response(),
        r#"sig-b24=("@status" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-ecc-p256""#,
    );
    let want = [
        r#""@status": 200"#,
        r#""content-type": application/json"#,
        r#""content-digest": sha-512=:mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oGX69wWdXymyU0rjJuahq4l5aGgfLQ==:"#,
        r#""content-length": 23"#,
        r#""@signature-params": ("@status" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-ecc-p256""#,
    ]
    .join("\n");
    assert_eq!(base, want);
    check_content_digest(&test_response().headers[2].1, &test_response().body).unwrap();
}

#[test]
fn b25_hmac_base() {
    let base = base_from_input(
        &test_request(),
        r#"sig-b25=("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret""#,
    );
    let want = [
        r#""date": Tue, 20 Apr 2021 02:07:55 GMT"#,
        r#""@authority": example.com"#,
        r#""content-type": application/json"#,
        r#""@signature-params": ("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret""#,
    ]
    .join("\n");
    assert_eq!(base, want);
}

const B26_INPUT: &str = r#"sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519""#;
const B26_SIGNATURE: &str = "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:";

#[test]
fn b26_ed25519_reproduces_exactly() {
    let base = base_from_input(&test_request(), B26_INPUT);
    let want = [
        r#""date": Tue, 20 Apr 2021 02:07:55 GMT"#,
        r#""@method": POST"#,
        r#""@path": /foo"#,
        r#""@authority": example.com"#,
        r#""content-type": application/json"#,
        r#""content-length": 18"#,
        r#""@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519""#,
    ]
    .join("\n");
    assert_eq!(base, want);

    let params = SignatureParams::new(
        [
            "date",
            "@method",
            "@path",
            "@authority",
            "content-type",
            "content-length",
        ]
        .map(ComponentId::new),
    )
    .with_created(1618884473)
    .with_keyid("test-key-ed25519");
    let fields = sign(&test_request(), "sig-b26", &params, &test_key()).unwrap();
    assert_eq!(fields.signature_input, B26_INPUT);
    assert_eq!(fields.signature, B26_SIGNATURE);

    // And the RFC's fields verify on the RFC's message.
    let mut req = test_request();
    req.headers
        .push(("Signature-Input".into(), B26_INPUT.into()));
    req.headers.push(("Signature".into(), B26_SIGNATURE.into()));
    let signed = find_signature(&req, Some("sig-b26")).unwrap();
    verify_signed(&req, &signed, &test_key().verifying_key()).unwrap();

    // The bulwark policy refuses it: no nonce, no expiry, body not covered by a digest.
    let pk = test_key().verifying_key();
    let strict = Verifier::default();
    assert_eq!(
        strict.verify(&req, 1618884473, |_| Some(pk)),
        Err(Error::MissingParameter("expires"))
    );
    let lax = Verifier {
        required: vec![],
        require_expires: false,
        require_nonce: false,
        ..Verifier::default()
    };
    assert_eq!(
        lax.verify(&req, 1618884473, |_| Some(pk)),
        Err(Error::BodyNotCovered)
    );
    assert!(matches!(
        lax.verify(&req, 1618884473 + 31, |_| Some(pk)),
        Err(Error::CreatedOutOfWindow { .. })
    ));
    let v = lax
        .verify(&req.clone().with_body(""), 1618884473, |_| Some(pk))
        .unwrap();
    assert_eq!(v.keyid, "test-key-ed25519");
}

/// RFC 9421 §2.2 examples of derived components.
#[test]
fn derived_components() {
    let req = Request::new("POST", "www.example.com", "/path?param=value")
        .with_header("Host", "www.example.com");
    let v = |n: &str| ComponentId::new(n).value(&req).unwrap();
    assert_eq!(v("@method"), "POST");
    assert_eq!(v("@target-uri"), "https://www.example.com/path?param=value");
    assert_eq!(v("@authority"), "www.example.com");
    assert_eq!(v("@scheme"), "https");
    assert_eq!(v("@request-target"), "/path?param=value");
    assert_eq!(v("@path"), "/path");
    assert_eq!(v("@query"), "?param=value");

    let no_query = Request::new("GET", "www.example.com", "/path");
    assert_eq!(ComponentId::new("@query").value(&no_query).unwrap(), "?");
    let empty_query = Request::new("GET", "www.example.com", "/path?");
    assert_eq!(ComponentId::new("@query").value(&empty_query).unwrap(), "?");

    let q = Request::new(
        "GET",
        "www.example.com",
        "/path?param=value&foo=bar&baz=batman&qux=",
    );
    assert_eq!(ComponentId::query_param("baz").value(&q).unwrap(), "batman");
    assert_eq!(ComponentId::query_param("qux").value(&q).unwrap(), "");
    assert_eq!(
        ComponentId::query_param("param").value(&q).unwrap(),
        "value"
    );
    let q = Request::new(
        "GET",
        "www.example.com",
        "/path?var=this%20is%20a%20big%0Avalue&bar=with+plus+whitespace",
    );
    assert_eq!(
        ComponentId::query_param("var").value(&q).unwrap(),
        "this%20is%20a%20big%0Avalue"
    );
    assert_eq!(
        ComponentId::query_param("bar").value(&q).unwrap(),
        "with%20plus%20whitespace"
    );

    // Default ports dropped, host lowercased.
    let r = Request::new("GET", "WWW.Example.com:443", "/");
    assert_eq!(
        ComponentId::new("@authority").value(&r).unwrap(),
        "www.example.com"
    );
    let r = Request::new("GET", "example.com:8443", "/");
    assert_eq!(
        ComponentId::new("@authority").value(&r).unwrap(),
        "example.com:8443"
    );

    // Field values: trimmed, lines combined in order, names without regard to case.
    let r = Request::new("GET", "example.com", "/")
        .with_header("X-Multi", "  a ")
        .with_header("x-multi", "\tb, c")
        .with_header("Example-Dict", " a=1,    b=2;x=1;y=2,   c=(a   b   c)");
    assert_eq!(ComponentId::new("x-multi").value(&r).unwrap(), "a, b, c");
    assert_eq!(
        ComponentId::new("example-dict").value(&r).unwrap(),
        "a=1,    b=2;x=1;y=2,   c=(a   b   c)"
    );
    assert_eq!(
        ComponentId::field_bs("x-multi").value(&r).unwrap(),
        ":YQ==:, :YiwgYw==:"
    );
    assert!(matches!(
        ComponentId::new("x-missing").value(&r),
        Err(Error::MissingComponent(_))
    ));
    assert!(matches!(
        ComponentId::new("@status").value(&r),
        Err(Error::UnsupportedComponent { .. })
    ));
    assert!(matches!(
        ComponentId::parse(r#""example-dict";sf"#),
        Err(Error::UnsupportedComponent { .. })
    ));
}

#[test]
fn rfc9530_content_digest() {
    // The content of RFC 9421's test messages and RFC 9530's examples.
    assert_eq!(
        content_digest(BODY.as_bytes(), &[DigestAlg::Sha256, DigestAlg::Sha512]),
        format!("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, {SHA512_BODY}")
    );
    // RFC 9530 §2's sha-512 example is over the same JSON with a trailing newline.
    let nl = format!("{BODY}\n");
    assert_eq!(
        content_digest(nl.as_bytes(), &[DigestAlg::Sha512]),
        "sha-512=:YMAam51Jz/jOATT6/zvHrLVgOYTGFy1d6GJiOHTohq4yP+pgk4vf2aCsyRZOtw8MjkM7iw7yZ/WkppmM44T3qg==:"
    );
    assert_eq!(
        check_content_digest(SHA512_BODY, BODY.as_bytes()),
        Ok(vec![DigestAlg::Sha512])
    );
    assert_eq!(
        check_content_digest(&format!("md5=:AAAA:, {SHA512_BODY}"), BODY.as_bytes()),
        Ok(vec![DigestAlg::Sha512])
    );
    assert!(matches!(
        check_content_digest("md5=:AAAA:", BODY.as_bytes()),
        Err(Error::DigestAlgorithm(_))
    ));
    let e = check_content_digest(SHA512_BODY, b"{\"hello\": \"World\"}").unwrap_err();
    assert!(
        e.to_string().contains("sha-512 does not match the body"),
        "{e}"
    );
    assert!(matches!(
        check_content_digest("sha-256=1", b""),
        Err(Error::Shape { .. })
    ));
    // Empty content has a digest too.
    assert_eq!(
        content_digest(b"", &[DigestAlg::Sha256]),
        format!(
            "sha-256=:{}:",
            STANDARD.encode(DigestAlg::Sha256.digest(b""))
        )
    );
}
