//! What the end-to-end tests of `bulwark serve` share: a node on a free
//! loopback port, plain HTTP/1.1 requests, the local tokens.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/ukraine-2025")
}

pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bulwark-node-e2e-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn start(data: &Path, port: u16) -> Child {
    start_with(data, port, &[])
}

pub fn start_with(data: &Path, port: u16, more: &[&str]) -> Child {
    // Bearer tokens (DATA/tokens) and no practical rate limit: these tests
    // are about durability; signed requests are tested apart.
    let mut args = vec![
        "--auth",
        "local-tokens",
        "--rate-limit",
        "1000000/s,1000000",
    ];
    args.extend_from_slice(more);
    serve(data, port, &args)
}

pub fn serve(data: &Path, port: u16, more: &[&str]) -> Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bulwark"))
        .args(["serve", "--framework"])
        .arg(example())
        .arg("--data")
        .arg(data)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .args(more)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        if let Ok((200, _)) = http(port, "GET", "/healthz", None, "") {
            return child;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the node did not come up on port {port}");
}

/// One HTTP/1.1 request; (status, body).
pub fn http(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &str,
) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut text = String::new();
    s.read_to_string(&mut text)?;
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("no status in {text:?}")))?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
}

pub fn tokens(data: &Path) -> BTreeMap<String, String> {
    std::fs::read_to_string(data.join("tokens"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once(' '))
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect()
}

pub fn post(port: u16, token: &str, inputs: &[Value]) -> std::io::Result<(u16, Value)> {
    let body: String = inputs.iter().map(|v| format!("{v}\n")).collect();
    let (status, text) = http(port, "POST", "/api/v1/inputs", Some(token), &body)?;
    Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
}

/// A restricted observation of armour by the US, observed at `observed`,
/// released to the UK only: message id `secret`, at 30.7654321 E
/// 46.4321987 N.
pub fn restricted_report(secret: &str, observed: &str) -> Value {
    serde_json::json!({
        "v": 1, "type": "observation",
        "id": {"party": "us", "source": "nti", "message": secret},
        "class": "us-intelligence", "observed": {"from": observed},
        "place": {"point": {"lon_e7": 307_654_321, "lat_e7": 464_321_987}},
        "kind": "armour_movement", "counts": {"crossings": 12}, "confidence_bp": 8000,
        "releasability": {"visibility": "restricted", "to": ["uk"]}
    })
}
