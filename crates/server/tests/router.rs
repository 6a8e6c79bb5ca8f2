//! The node's API through its router, without sockets: a salvo reported by
//! three parties and reviewed is certified, its tier fires and its order is
//! in the outbox; the evidence pack served verifies offline, and the tiles
//! served give the signed checkpoint's root.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::Value;
use tower::ServiceExt;

struct DirFiles(PathBuf);

impl framework::Files for DirFiles {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        std::fs::read(self.0.join(path)).map_err(|e| e.to_string())
    }
}

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/ukraine-2025")
}

fn framework() -> framework::Framework {
    let text = std::fs::read_to_string(example().join("framework.toml")).unwrap();
    framework::load_and_check("framework.toml", &text, &DirFiles(example())).0
}

async fn call(
    app: &Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: &str,
) -> (StatusCode, Vec<u8>) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let res = app
        .clone()
        .oneshot(req.body(Body::from(body.to_string())).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 26)
        .await
        .unwrap();
    (status, bytes.to_vec())
}

async fn json(
    app: &Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: &str,
) -> (StatusCode, Value) {
    let (status, bytes) = call(app, method, uri, token, body).await;
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// Every RFC 3339 time in `v` moved by `by_ms`.
fn shift(v: &mut Value, by_ms: i64) {
    match v {
        Value::String(s) => {
            if let Ok(t) = base::Timestamp::parse(s)
                && s.len() >= 20
                && s.as_bytes().get(4) == Some(&b'-')
            {
                *s = base::Timestamp::from_millis(t.millis() + by_ms).to_string();
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| shift(x, by_ms)),
        Value::Object(o) => o.values_mut().for_each(|x| shift(x, by_ms)),
        _ => {}
    }
}

/// A scenario's inputs in wire form, each with its party, moved so that
/// its last inject was a minute ago.
fn scenario_now(fw: &framework::Framework, name: &str) -> Vec<(String, Value)> {
    let path = example().join("scenarios").join(name);
    let scenario = exercise::msel::load_any(
        name,
        &std::fs::read(&path).unwrap(),
        &DirFiles(path.parent().unwrap().to_path_buf()),
        fw,
    )
    .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let by = now - scenario.injects.last().unwrap().at.millis() - 60_000;
    scenario
        .injects
        .iter()
        .flat_map(|i| i.inputs.iter())
        .map(|input| {
            let mut v: Value = serde_json::from_str(&model::encode_line(input)).unwrap();
            shift(&mut v, by);
            (input.id().party.to_string(), v)
        })
        .collect()
}

/// A node in the local mode (bearer tokens) in a fresh data directory.
fn local_node(name: &str) -> (framework::Framework, PathBuf, server::Node) {
    let fw = framework();
    let data = std::env::temp_dir().join(format!("bulwark-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let policy = std::fs::read_to_string(example().join("policy.cedar")).unwrap();
    let mut options = server::Options::new(&data, &policy, "policy.cedar");
    options.auth = server::auth::Mode::LocalTokens;
    let node = server::start(&fw, &options).unwrap();
    (fw, data, node)
}

fn tokens(data: &std::path::Path) -> BTreeMap<String, String> {
    std::fs::read_to_string(data.join("tokens"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once(' '))
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certified_breach_through_the_api_gives_a_pack_that_verifies_and_tiles_that_prove() {
    let (fw, data, node) = local_node("router");
    let app = node.router();
    let t = tokens(&data);

    // The plain endpoints.
    assert_eq!(
        call(&app, "GET", "/healthz", None, "").await.0,
        StatusCode::OK
    );
    let (_, metrics) = call(&app, "GET", "/metrics", None, "").await;
    assert!(
        String::from_utf8(metrics)
            .unwrap()
            .contains("# TYPE bulwark_inputs_total counter")
    );
    let (_, doc) = json(&app, "GET", "/openapi.json", None, "").await;
    for path in [
        "/api/v1/inputs",
        "/api/v1/packs/{breach}",
        "/tile/{path}",
        "/api/v1/stream",
    ] {
        assert!(
            doc["paths"].get(path).is_some(),
            "{path} is not in the OpenAPI document"
        );
    }
    assert_eq!(
        call(&app, "POST", "/api/v1/inputs", None, "{}").await.0,
        StatusCode::UNAUTHORIZED
    );

    // A live reader of decisions, from before the first input.
    let res = app
        .clone()
        .oneshot(
            Request::builder()
                .uri("/api/v1/stream")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "text/event-stream");
    let mut live = res.into_body().into_data_stream();

    // Scenario 01's inputs, moved to now, posted by each party in order.
    for (party, v) in scenario_now(&fw, "01-missile-salvo.toml") {
        if v["type"] == "observation" {
            let (status, body) = json(
                &app,
                "POST",
                "/api/v1/observations",
                Some(&t[&party]),
                &v.to_string(),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{body}");
        } else {
            // Not an observation: that endpoint refuses it, whole.
            let (status, _) = json(
                &app,
                "POST",
                "/api/v1/observations",
                Some(&t[&party]),
                &v.to_string(),
            )
            .await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
            let (status, body) = json(
                &app,
                "POST",
                "/api/v1/inputs",
                Some(&t[&party]),
                &v.to_string(),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
    }
    // The stream told of the first decision as it was made.
    use futures_util::StreamExt;
    let first = tokio::time::timeout(std::time::Duration::from_secs(10), live.next())
        .await
        .expect("no decision streamed")
        .unwrap()
        .unwrap();
    let first = String::from_utf8(first.to_vec()).unwrap();
    assert!(first.starts_with("event: decision\ndata: {"), "{first}");
    assert!(first.contains("\"entry\":\"decision\""), "{first}");
    let (_, breaches) = json(&app, "GET", "/api/v1/breaches", None, "").await;
    let b1 = breaches
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == "B1")
        .unwrap_or_else(|| panic!("no B1: {breaches}"));
    assert_eq!(b1["status"], "certified", "{b1}");
    let (_, activations) = json(&app, "GET", "/api/v1/activations", None, "").await;
    assert!(
        activations
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["fired_at"].is_string()),
        "no tier fired: {activations}"
    );
    // The outbox is for auditors (a local token stands for every role),
    // not the public.
    let (status, _) = json(&app, "GET", "/api/v1/outbox", None, "").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, outbox) = json(&app, "GET", "/api/v1/outbox", Some(&t["us"]), "").await;
    assert!(
        !outbox.as_array().unwrap().is_empty(),
        "no order in the outbox"
    );

    // The pack verifies offline with the node's key, and says so.
    let (status, pack) = call(&app, "GET", "/api/v1/packs/B1", None, "").await;
    assert_eq!(status, StatusCode::OK);
    let key = ledger::note::Signer::parse(
        std::fs::read_to_string(data.join("node.key"))
            .unwrap()
            .trim_end(),
    )
    .unwrap()
    .verifier();
    let report = ledger::pack::verify(&pack, Some(&key)).unwrap();
    assert_eq!(report.breach, "B1");
    assert!(report.observations >= 3);
    assert_eq!(
        call(&app, "GET", "/api/v1/packs/B9", None, "").await.0,
        StatusCode::NOT_FOUND
    );

    // The tiles give the checkpoint's root, and every entry.
    let (_, note) = call(&app, "GET", "/checkpoint", None, "").await;
    let note = String::from_utf8(note).unwrap();
    let opened = ledger::note::open(&note, &[key]).unwrap();
    let cp = ledger::note::Checkpoint::parse(&opened.text).unwrap();
    let mut set = ledger::tiles::TileSet::new();
    for id in ledger::tiles::tiles_of(cp.size) {
        let (status, bytes) = call(&app, "GET", &format!("/{}", id.path()), None, "").await;
        assert_eq!(status, StatusCode::OK, "{}", id.path());
        set.insert(&id.path(), bytes).unwrap();
    }
    assert_eq!(set.root(cp.size).unwrap(), cp.root);
    let (status, body) = call(&app, "GET", "/tile/0/999", None, "").await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "{}",
        String::from_utf8_lossy(&body)
    );
}

/// The log entries a board row names (`[[index, kind], …]`).
fn indexes(row: &Value) -> Vec<(u64, String)> {
    row["entries"]
        .as_array()
        .unwrap_or_else(|| panic!("no entries: {row}"))
        .iter()
        .map(|e| (e[0].as_u64().unwrap(), e[1].as_str().unwrap().to_string()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_board_traces_every_row_to_its_entries_and_keeps_restricted_reports_to_their_readers() {
    let (fw, data, node) = local_node("board");
    let app = node.router();
    let t = tokens(&data);

    // The page and its files: from this node only, under a strict policy.
    let res = app
        .clone()
        .oneshot(Request::builder().uri("/").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let csp = res.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'self'") && csp.contains("connect-src 'self'"));
    let page = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .unwrap();
    let page = String::from_utf8(page.to_vec()).unwrap();
    assert!(
        page.contains("/assets/app.js") && !page.contains("http://") && !page.contains("https://")
    );
    for file in ["app.js", "map.js", "sign.js", "verify.js", "style.css"] {
        let (status, body) = call(&app, "GET", &format!("/assets/{file}"), None, "").await;
        assert_eq!(status, StatusCode::OK, "{file}");
        assert!(!body.is_empty());
    }
    assert_eq!(
        call(&app, "GET", "/assets/../Cargo.toml", None, "").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&app, "GET", "/assets/nothing.js", None, "").await.0,
        StatusCode::NOT_FOUND
    );

    // The framework as drawn: every zone with geometry, in degrees.
    let (_, f) = json(&app, "GET", "/api/v1/framework", None, "").await;
    assert_eq!(f["triggers"].as_array().unwrap().len(), fw.triggers.len());
    let features = f["zones"]["features"].as_array().unwrap();
    assert_eq!(features.len(), fw.geometry.len());
    let ukraine = features.iter().find(|z| z["id"] == "ukraine").unwrap();
    assert_eq!(ukraine["geometry"]["type"], "MultiPolygon");
    let first = &ukraine["geometry"]["coordinates"][0][0][0];
    assert!(
        (22.0..23.0).contains(&first[0].as_f64().unwrap()),
        "{first}"
    );
    assert!(f["log_key"].as_str().unwrap().starts_with("bulwark-node/"));

    // Before anything: every trigger quiet, every window empty.
    let (_, b) = json(&app, "GET", "/api/v1/board", None, "").await;
    assert_eq!(b["view"], "public");
    assert!(
        b["triggers"]
            .as_array()
            .unwrap()
            .iter()
            .all(|w| w["state"] == "quiet" && w["count"] == 0)
    );

    for (party, v) in scenario_now(&fw, "01-missile-salvo.toml") {
        let (status, body) = json(
            &app,
            "POST",
            "/api/v1/inputs",
            Some(&t[&party]),
            &v.to_string(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let secret = "nti-SECRET-42";
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let restricted = serde_json::json!({
        "v": 1, "type": "observation",
        "id": {"party": "us", "source": "nti", "message": secret},
        "class": "us-intelligence",
        "observed": {"from": base::Timestamp::from_millis(now - 9 * 3_600_000).to_string()},
        "place": {"point": {"lon_e7": 307_654_321, "lat_e7": 464_321_987}},
        "kind": "armour_movement", "counts": {"crossings": 12}, "confidence_bp": 8000,
        "releasability": {"visibility": "restricted", "to": ["uk"]}
    });
    let (status, body) = json(
        &app,
        "POST",
        "/api/v1/inputs",
        Some(&t["us"]),
        &restricted.to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Every row names its entries, and each entry is what the row says.
    let (_, b) = json(&app, "GET", "/api/v1/board", None, "").await;
    let entry = |i: u64| {
        let app = app.clone();
        async move {
            let (status, e) = json(&app, "GET", &format!("/api/v1/log/{i}"), None, "").await;
            assert_eq!(status, StatusCode::OK, "entry {i}");
            assert!(
                e["checkpoint"].is_string(),
                "entry {i} has no checkpoint: {e}"
            );
            e["entry"].clone()
        }
    };
    let b1 = b["breaches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == "B1")
        .unwrap();
    assert_eq!(b1["status"], "certified");
    let listed = indexes(b1);
    assert!(
        listed.iter().any(|(_, k)| k == "breach_opened")
            && listed.iter().any(|(_, k)| k == "certified"),
        "{listed:?}"
    );
    for (i, kind) in &listed {
        let e = entry(*i).await;
        assert_eq!(e["decision"], kind.as_str());
        assert_eq!(e["breach"], "B1", "entry {i}: {e}");
    }
    let salvo = b["triggers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["trigger"] == "trg-missile-salvo")
        .unwrap();
    assert_eq!(salvo["state"], "breach");
    assert_eq!(salvo["breaches"], serde_json::json!(["B1"]));
    let fired = b["activations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["breach"] == "B1" && a["status"] == "fired")
        .unwrap();
    let tier = fired["tier"].as_str().unwrap();
    for (i, kind) in indexes(fired) {
        let e = entry(i).await;
        assert_eq!(e["decision"], kind.as_str());
        assert!(
            e["tier"] == tier || e["to"] == tier || e["from"] == tier,
            "entry {i}: {e}"
        );
    }
    let order = &fired["actions"][0];
    let issued: Vec<_> = indexes(order)
        .into_iter()
        .filter(|(_, k)| k == "order_issued")
        .collect();
    assert_eq!(issued.len(), 1, "{order}");
    assert_eq!(entry(issued[0].0).await["order"], order["order"]);
    for inc in b["incidents"].as_array().unwrap() {
        assert!(!indexes(inc).is_empty(), "{inc}");
    }

    // The restricted report: in no public view, its figures withheld, its
    // place not drawn; the UK's auditor sees it, France's does not.
    let withheld: Vec<&Value> = b["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["withheld"].is_string())
        .collect();
    assert_eq!(withheld.len(), 1, "{}", b["incidents"]);
    assert!(withheld[0]["position"].is_null() && withheld[0]["count"].is_null());
    for path in ["/api/v1/board", "/api/v1/status", "/api/v1/incidents"] {
        let (_, body) = call(&app, "GET", path, None, "").await;
        let text = String::from_utf8(body).unwrap();
        assert!(
            !text.contains(secret) && !text.contains("30.7654321") && !text.contains("46.4321987"),
            "{path} shows the restricted report"
        );
    }
    assert_eq!(
        call(&app, "GET", "/api/v1/board/restricted", None, "")
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    let (status, uk) = json(&app, "GET", "/api/v1/board/restricted", Some(&t["uk"]), "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (uk["view"].as_str(), uk["party"].as_str()),
        (Some("restricted"), Some("uk"))
    );
    let seen = uk["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i.to_string().contains(secret))
        .unwrap_or_else(|| panic!("the UK does not see it: {}", uk["incidents"]));
    assert_eq!(
        seen["position"],
        serde_json::json!([30.7654321, 46.4321987])
    );
    assert!(seen["withheld"].is_null() && seen["count"].is_object());
    let (_, fr) = call(
        &app,
        "GET",
        "/api/v1/board/restricted",
        Some(&t["france"]),
        "",
    )
    .await;
    assert!(
        !String::from_utf8(fr).unwrap().contains(secret),
        "France's auditor sees a report not released to France"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rotation_plan_is_served_with_its_check_and_commitments_with_their_schedules() {
    // Without a plan: 404 with the reason and how to give one.
    let (fw, data, node) = local_node("rotations-none");
    let app = node.router();
    let (status, body) = call(&app, "GET", "/api/v1/rotations", None, "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let why: Value = serde_json::from_slice(&body).unwrap();
    assert!(
        why["error"].as_str().unwrap().contains("--rotation-plan"),
        "{why}"
    );
    // The framework summary carries every commitment's schedule.
    let (_, body) = call(&app, "GET", "/api/v1/framework", None, "").await;
    let summary: Value = serde_json::from_slice(&body).unwrap();
    let commitments = summary["commitments"].as_array().unwrap();
    assert_eq!(commitments.len(), fw.commitments.len());
    let c = &commitments[0];
    assert_eq!(c["id"], "c-artillery-ammunition");
    assert_eq!(c["schedule"][0]["day"], 30);
    assert_eq!(c["schedule"][2]["quantity"], 200_000);
    drop(app);
    drop(node);
    let _ = std::fs::remove_dir_all(&data);

    // A thin plan (every unit idle at its hub): served, with its gaps.
    let inst = plan::Instance::new(&fw, 10).unwrap();
    let units: Vec<plan::plan::UnitPlan> = inst
        .units
        .iter()
        .map(|u| plan::plan::UnitPlan {
            unit: u.id.clone(),
            system: plan::instance::system_name(u.system),
            hub: inst.hubs[u.hub].id.clone(),
            stints: Vec::new(),
            overhauls: Vec::new(),
        })
        .collect();
    let sites = plan::plan::calendar(&inst, &units);
    let gaps = plan::plan::gaps_of(&inst, &sites);
    let thin = plan::Plan {
        format: plan::plan::FORMAT.into(),
        framework: inst.framework.clone(),
        days: 10,
        units,
        sites,
        gaps,
        orders: Vec::new(),
        kept_until: None,
        solver: None,
    };
    let data = std::env::temp_dir().join(format!("bulwark-rotations-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let policy = std::fs::read_to_string(example().join("policy.cedar")).unwrap();
    let mut options = server::Options::new(&data, &policy, "policy.cedar");
    options.auth = server::auth::Mode::LocalTokens;
    options.rotation_plan = Some(thin);
    let node = server::start(&fw, &options).unwrap();
    let app = node.router();
    let (status, body) = call(&app, "GET", "/api/v1/rotations", None, "").await;
    assert_eq!(status, StatusCode::OK);
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        v["plan"]["sites"].as_array().unwrap().len(),
        fw.ad_sites.len()
    );
    assert_eq!(
        v["plan"]["units"].as_array().unwrap().len(),
        fw.ad_units.len()
    );
    let gaps = v["report"]["gaps"].as_array().unwrap();
    assert!(
        gaps.iter()
            .any(|g| g["site"] == "site-kyiv" && g["missing"] == 2 && g["from"] == 0),
        "{v}"
    );
    // Every required unit-day of the example's 8 positions over 10 days.
    assert_eq!(v["report"]["gap_days"], 80);
    assert_eq!(v["proven"], false);
    let _ = std::fs::remove_dir_all(&data);
}

/// A delivery step of France's spare parts.
fn spare_parts(party: &str, message: &str, step: &str) -> String {
    format!(
        "{{\"v\":1,\"type\":\"delivery\",\"id\":{{\"party\":\"{party}\",\"source\":\"logistics\",\"message\":\"{message}\"}},\"commitment\":\"c-spare-parts\",\"shipment\":\"SP-1\",\"step\":\"{step}\",\"quantity\":100,\"at\":\"2026-01-10T10:00:00Z\"}}"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restricted_commitments_deliveries_are_served_only_to_the_parties_it_is_released_to() {
    let text = std::fs::read_to_string(example().join("framework.toml"))
        .unwrap()
        .replace(
            "id = \"c-spare-parts\"\n",
            "id = \"c-spare-parts\"\nvisibility = \"restricted\"\nreleasable_to = [\"france\", \"ukraine\"]\n",
        );
    let fw = framework::load_and_check("framework.toml", &text, &DirFiles(example())).0;
    let data = std::env::temp_dir().join(format!("bulwark-supply-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let policy = std::fs::read_to_string(example().join("policy.cedar")).unwrap();
    let mut options = server::Options::new(&data, &policy, "policy.cedar");
    options.auth = server::auth::Mode::LocalTokens;
    let node = server::start(&fw, &options).unwrap();
    let app = node.router();
    let t = tokens(&data);
    let (status, body) = json(
        &app,
        "POST",
        "/api/v1/inputs",
        Some(&t["france"]),
        &spare_parts("france", "sp-1-s", "shipped"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = json(
        &app,
        "POST",
        "/api/v1/inputs",
        Some(&t["ukraine"]),
        &spare_parts("ukraine", "sp-1-r", "received"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // France cannot confirm its own delivery.
    let (_, body) = json(
        &app,
        "POST",
        "/api/v1/inputs",
        Some(&t["france"]),
        &spare_parts("france", "sp-1-r-fr", "received"),
    )
    .await;
    assert!(
        body["answers"][0]["refused"]["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("must come from `ukraine`, the protected state"),
        "{body}"
    );
    let ids = |v: &Value| -> Vec<String> {
        v["commitments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect()
    };
    for (who, sees) in [
        (None, false),
        (Some("us"), false),
        (Some("russia"), false),
        (Some("france"), true),
        (Some("ukraine"), true),
    ] {
        let token = who.map(|p| t[p].as_str());
        let (status, v) = json(&app, "GET", "/api/v1/supply", token, "").await;
        assert_eq!(status, StatusCode::OK, "{v}");
        assert_eq!(
            ids(&v).iter().any(|id| id == "c-spare-parts"),
            sees,
            "{who:?}: {v}"
        );
        assert_eq!(ids(&v).len(), fw.commitments.len() - usize::from(!sees));
        assert_eq!(
            serde_json::to_string(&v).unwrap().contains("SP-1"),
            sees,
            "{who:?}: nothing of it leaks"
        );
        if sees {
            let c = v["commitments"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["id"] == "c-spare-parts")
                .unwrap();
            assert_eq!(
                (&c["shipped"], &c["received"]),
                (&Value::from(100), &Value::from(100))
            );
        }
    }
    let (_, doc) = json(&app, "GET", "/openapi.json", None, "").await;
    assert!(doc["paths"].get("/api/v1/supply").is_some());
    let _ = std::fs::remove_dir_all(&data);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn days_of_supply_surge_from_the_day_the_node_certified_a_breach() {
    let (fw, data, node) = local_node("stock");
    let app = node.router();
    let t = tokens(&data);
    // Day 0 is the framework's adoption: the projection is there before
    // anything is logged, with no surge.
    let (status, v) = json(&app, "GET", "/api/v1/stock", None, "").await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["projection"]["breach_days"], serde_json::json!([]), "{v}");
    for (party, v) in scenario_now(&fw, "01-missile-salvo.toml") {
        let (status, body) = json(
            &app,
            "POST",
            "/api/v1/inputs",
            Some(&t[&party]),
            &v.to_string(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (_, breaches) = json(&app, "GET", "/api/v1/breaches", None, "").await;
    let certified = breaches
        .as_array()
        .unwrap()
        .iter()
        .find_map(|b| b["certified_at"].as_str().map(str::to_string))
        .unwrap_or_else(|| panic!("nothing certified: {breaches}"));
    let (status, v) = json(&app, "GET", "/api/v1/stock", None, "").await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let day0 = base::Timestamp::parse(v["day0"].as_str().unwrap()).unwrap();
    let certified = base::Timestamp::parse(&certified).unwrap();
    let breach_day = supply::schedule::day_of(certified, day0).unwrap();
    let p = &v["projection"];
    assert_eq!(p["breach_days"], serde_json::json!([breach_day]), "{p}");
    let lines = p["lines"].as_array().unwrap();
    assert_eq!(lines.len(), fw.stocks.len());
    for line in lines {
        for curve in ["with_promised", "without_promised"] {
            let points = line[curve].as_array().unwrap();
            assert!(!points.is_empty(), "{line}");
            for point in points {
                let day = u32::try_from(point["day"].as_u64().unwrap()).unwrap();
                let surge_days = u32::try_from(line["surge_days"].as_u64().unwrap()).unwrap();
                let expected = day >= breach_day && day < breach_day + surge_days;
                assert_eq!(point["surge"], expected, "{}: day {day}", line["stock"]);
            }
        }
    }

    // A restricted stock line or commitment never reaches the route.
    let mut hidden = framework();
    hidden.stocks[0].visibility = framework::schema::Visibility::Restricted;
    for c in &mut hidden.commitments {
        c.visibility = framework::schema::Visibility::Restricted;
    }
    let public = server::stock::Public::new(&hidden);
    assert_eq!(public.stocks.len(), fw.stocks.len() - 1);
    assert!(public.commitments.is_empty());
    assert!(public.stocks.iter().all(|s| s.id != fw.stocks[0].id));
}
