//! `bulwark submit`: a party operator's client. Reads inputs (JSON lines in
//! the wire format), checks them here first, signs each batch as an HTTP
//! Message Signature (RFC 9421, Ed25519, with `Content-Digest`) under the
//! operator's key and posts it to the node; prints one receipt per input.
//!
//! Safe to run again: the node is idempotent by input identity, so a batch
//! sent twice (after a timeout, a 429 or a restart) gives the original
//! receipts marked `duplicate`.

use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use base64::Engine;
use httpsig::{ComponentId, DigestAlg, SignatureParams};
use ledger::note::Signer;
use serde_json::{Value, json};

use crate::Format;

#[derive(clap::Args, Debug)]
pub struct SubmitArgs {
    /// The node's base URL, e.g. `http://127.0.0.1:8080`.
    #[arg(long)]
    node: String,
    /// Your operational key (a signer key file from `bulwark keys generate`,
    /// granted to your party in the node's key registry).
    #[arg(long, value_name = "KEYFILE")]
    key: PathBuf,
    /// Files of inputs, one JSON object per line (docs/wire-format.md);
    /// `-` reads standard input.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Inputs per request (each request is signed and committed at once).
    #[arg(long, default_value_t = 500)]
    batch: usize,
    /// How many times to retry a batch the node could not take (connection
    /// lost, 429 Too Many Requests, 503); each retry is signed afresh.
    #[arg(long, default_value_t = 5)]
    retries: u32,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// One input read, with where it came from.
struct Line {
    at: String,
    text: String,
}

pub fn run(args: &SubmitArgs) -> Result<u8> {
    let text = std::fs::read_to_string(&args.key)
        .with_context(|| format!("cannot read the key `{}`", args.key.display()))?;
    let signer = Signer::parse(text.trim()).map_err(|e| {
        anyhow!(
            "`{}` is not a signer key ({e}); make one with `bulwark keys generate --name NAME --out FILE`",
            args.key.display()
        )
    })?;
    let (base, authority) = split_url(&args.node)?;
    // Read and check everything first: a bad line stops nothing else from
    // being checked, and nothing is sent until every line is good.
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    for file in &args.files {
        let (name, body) = if file.as_os_str() == "-" {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .context("cannot read standard input")?;
            ("<stdin>".to_string(), s)
        } else {
            let s = std::fs::read_to_string(file)
                .with_context(|| format!("cannot read `{}`", file.display()))?;
            (file.display().to_string(), s)
        };
        for (i, text) in body.lines().enumerate() {
            if text.trim().is_empty() || text.trim_start().starts_with('#') {
                continue;
            }
            let at = format!("{name}:{}", i + 1);
            match model::decode_line(text, i + 1) {
                Ok(_) => lines.push(Line {
                    at,
                    text: text.to_string(),
                }),
                Err(e) => problems.push(format!("{at}: {e}")),
            }
        }
    }
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("{p}");
        }
        bail!(
            "{} line(s) are not valid inputs: nothing was sent; fix them and run again",
            problems.len()
        );
    }
    if lines.is_empty() {
        bail!("no inputs to send");
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(60)))
        .http_status_as_error(false)
        .build()
        .into();
    let (mut accepted, mut duplicates, mut refused) = (0usize, 0usize, 0usize);
    for chunk in lines.chunks(args.batch.max(1)) {
        let body: String = chunk.iter().map(|l| format!("{}\n", l.text)).collect();
        let answers = post(
            &agent,
            &signer,
            &base,
            &authority,
            body.as_bytes(),
            args.retries,
        )?;
        for (line, answer) in chunk.iter().zip(&answers) {
            if let Some(r) = answer.get("receipt") {
                if r["duplicate"] == true {
                    duplicates += 1;
                } else {
                    accepted += 1;
                }
            } else {
                refused += 1;
            }
            match args.format {
                Format::Json => say!("{}", json!({"at": line.at, "answer": answer})),
                Format::Text => say!("{}", describe(&line.at, answer)),
            }
        }
    }
    if args.format == Format::Text {
        eprintln!(
            "bulwark: {accepted} accepted, {duplicates} already received, {refused} refused (node {})",
            args.node
        );
    }
    Ok(u8::from(refused > 0))
}

/// A receipt or refusal for people.
fn describe(at: &str, answer: &Value) -> String {
    if let Some(r) = answer.get("receipt") {
        format!(
            "{at}: {} → log entry {} at {}{}",
            r["input"].as_str().unwrap_or("?"),
            r["log_index"],
            r["recorded_at"].as_str().unwrap_or("?"),
            if r["duplicate"] == true {
                " (already received: the original receipt)"
            } else {
                ""
            }
        )
    } else {
        let r = &answer["refused"];
        format!(
            "{at}: {} REFUSED: {}",
            r["input"].as_str().unwrap_or("?"),
            r["reason"].as_str().unwrap_or("?")
        )
    }
}

/// `http://host:port[/prefix]` → the base without a trailing `/`, and the
/// authority (`host:port`) the signature covers.
fn split_url(url: &str) -> Result<(String, String)> {
    let rest = url.strip_prefix("http://").ok_or_else(|| {
        anyhow!(
            "`{url}`: give the node as `http://HOST:PORT` (this client speaks plain HTTP; put TLS in front of the node with a proxy on the same machine)"
        )
    })?;
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.is_empty() {
        bail!("`{url}` names no host");
    }
    Ok((url.trim_end_matches('/').to_string(), authority.to_string()))
}

/// The signed headers for a POST of `body` to `path` at `now` (seconds).
pub fn sign_post(
    signer: &Signer,
    authority: &str,
    path: &str,
    body: &[u8],
    now: i64,
) -> Result<Vec<(String, String)>> {
    let mut nonce = [0u8; 16];
    getrandom::fill(&mut nonce).map_err(|e| anyhow!("no randomness from the system: {e}"))?;
    let nonce = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(nonce);
    let mut req = httpsig::Request::new("POST", authority, path).with_scheme("http");
    req.headers.push((
        "Content-Digest".into(),
        httpsig::content_digest(body, &[DigestAlg::Sha256]),
    ));
    req.headers
        .push(("Content-Type".into(), "application/x-ndjson".into()));
    req.body = body.to_vec();
    let params = SignatureParams::new(
        ["@method", "@authority", "@path", "@query", "content-digest"].map(ComponentId::new),
    )
    .with_created(now)
    .with_expires(now + 30)
    .with_nonce(&nonce)
    .with_keyid(&signer.name)
    .with_alg("ed25519");
    httpsig::sign(&req, "sig1", &params, signer.signing_key())
        .map_err(|e| anyhow!("cannot sign the request: {e}"))?
        .apply(&mut req);
    Ok(req.headers)
}

fn post(
    agent: &ureq::Agent,
    signer: &Signer,
    base: &str,
    authority: &str,
    body: &[u8],
    retries: u32,
) -> Result<Vec<Value>> {
    let path = "/api/v1/inputs";
    let mut attempt = 0;
    loop {
        attempt += 1;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        let headers = sign_post(signer, authority, path, body, now)?;
        let mut req = agent.post(format!("{base}{path}"));
        for (k, v) in &headers {
            req = req.header(k, v);
        }
        let (status, retry_after, text) = match req.send(body) {
            Ok(mut resp) => {
                let status = resp.status().as_u16();
                let retry_after = resp
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse::<u64>().ok());
                let text = resp.body_mut().read_to_string().unwrap_or_default();
                (status, retry_after, text)
            }
            Err(e) if attempt <= retries => {
                eprintln!("bulwark: {base}: {e}; retrying ({attempt}/{retries})");
                std::thread::sleep(Duration::from_millis(500 << attempt.min(5)));
                continue;
            }
            Err(e) => bail!("cannot reach the node at {base}: {e}"),
        };
        let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        match status {
            200 | 403 if v["answers"].is_array() => {
                return Ok(v["answers"].as_array().cloned().unwrap_or_default());
            }
            429 | 503 if attempt <= retries => {
                let wait = retry_after.unwrap_or(1).clamp(1, 60);
                eprintln!(
                    "bulwark: the node answered {status}; retrying in {wait} s ({attempt}/{retries})"
                );
                std::thread::sleep(Duration::from_secs(wait));
            }
            _ => {
                let why = v["error"].as_str().map_or(text.clone(), str::to_string);
                let mut problems = String::new();
                if let Some(p) = v["problems"].as_array() {
                    for p in p {
                        problems.push_str(&format!("\n  {}", p.as_str().unwrap_or_default()));
                    }
                }
                bail!("the node refused the batch (HTTP {status}): {why}{problems}");
            }
        }
    }
}
