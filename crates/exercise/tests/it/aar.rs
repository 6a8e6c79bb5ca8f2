//! After-action reports: the HTML report of every example scenario (one
//! mark per decision, escaped, deterministic, checked in a real browser),
//! the amendment impact of `--compare`, and MSEL import.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{MemFiles, example_framework, repo, ukraine};
use crate::scenarios::{all_scenarios, load, name};

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn every_example_report_has_one_mark_per_decision_and_is_deterministic() {
    for (dir, file) in all_scenarios() {
        let (fw, scenario) = load(&dir, &file);
        let report = exercise::run(&fw, &scenario).unwrap();
        let html = exercise::html::report(&report, &scenario);
        let again = exercise::html::report(&exercise::run(&fw, &scenario).unwrap(), &scenario);
        assert!(html == again, "{}: two reports differ", file.display());
        assert_eq!(
            count(&html, "<g class=\"mark\""),
            report.decisions.len(),
            "{}: marks and decisions",
            file.display()
        );
        assert!(html.contains("<svg"), "{}: no chart", file.display());
        for bad in ["<script", "http://", "https://", "<link", "<img"] {
            let found = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
            assert!(!found.contains(bad), "{}: has `{bad}`", file.display());
        }
        // Each missed expectation is one improvement item.
        assert_eq!(
            count(&html, "<div class=\"ip\">"),
            report.summary.unmet,
            "{}",
            file.display()
        );
    }
}

/// A scenario whose every text field tries to inject markup.
const HOSTILE: &str = r#"
[scenario]
id = "x\"><script>alert(1)</script>"
title = "<img src=x onerror=alert(1)> & </title><script>alert(2)</script>"
description = "<iframe src='https://evil.example'></iframe>"
start = "2026-03-02T03:00:00Z"

[[inject]]
at = "T+00:05"
note = "</text></svg><script>alert(3)</script>"
input = { type = "observation", id = { party = "ukraine", source = "radar-east", message = "<b>m</b>" }, class = "radar", observed = { from = "T+00:01", to = "T+00:04" }, place = { zone = "kharkiv-oblast" }, kind = "missile_launch", weapon = "iskander-m", counts = { launched = 6 }, confidence_bp = 9000 }

[[expect]]
id = "<script>alert(4)</script>"
note = "\"'><script>alert(5)</script>"
trigger = "trg-missile-salvo"
certified = true
"#;

#[test]
fn text_from_the_scenario_cannot_inject_markup() {
    let fw = ukraine();
    let scenario = exercise::load(
        "hostile.toml",
        HOSTILE.as_bytes(),
        &MemFiles::default(),
        &fw,
    )
    .unwrap();
    let report = exercise::run(&fw, &scenario).unwrap();
    assert!(
        !report.summary.passed,
        "the expectation is missed, so it becomes an improvement item"
    );
    let html = exercise::html::report(&report, &scenario);
    for bad in ["<script", "<img", "<iframe", "<b>m"] {
        assert!(!html.contains(bad), "`{bad}` reached the report");
    }
    assert!(html.contains("&lt;script&gt;alert(3)&lt;/script&gt;"));
    assert!(html.contains("&lt;b&gt;m&lt;/b&gt;"));
    assert_eq!(count(&html, "<div class=\"ip\">"), 1);
}

/// Where browser screenshots are kept: `target/aar-screenshots/`.
fn screenshots() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).parent().map_or_else(
        || PathBuf::from("aar-screenshots"),
        |t| t.join("aar-screenshots"),
    )
}

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser"].into_iter().find(|c| {
        Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// Each example's report in headless Chromium: it renders, its chart
/// holds one mark per decision in the rendered DOM, and a screenshot is
/// kept (`target/aar-screenshots/<scenario>.png`).
#[test]
fn every_example_report_renders_in_a_browser() {
    let Some(browser) = chromium() else {
        let message = "no `chromium` on PATH: the browser check of the HTML reports was NOT run (install Debian's `chromium`; .ci/run does)";
        assert!(std::env::var_os("CI").is_none(), "{message}");
        eprintln!("SKIPPED: {message}");
        return;
    };
    let out = screenshots();
    std::fs::create_dir_all(&out).unwrap();
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR")).join("aar-html");
    std::fs::create_dir_all(&tmp).unwrap();
    for (dir, file) in all_scenarios() {
        let (fw, scenario) = load(&dir, &file);
        let report = exercise::run(&fw, &scenario).unwrap();
        let name = name(&dir, &file);
        let page = tmp.join(format!("{name}.html"));
        std::fs::write(&page, exercise::html::report(&report, &scenario)).unwrap();
        let url = format!("file://{}", page.canonicalize().unwrap().display());
        let common = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-dev-shm-usage",
        ];
        let dom = Command::new(browser)
            .args(common)
            .arg("--dump-dom")
            .arg(&url)
            .output()
            .unwrap();
        assert!(
            dom.status.success(),
            "{name}: chromium failed: {}",
            String::from_utf8_lossy(&dom.stderr)
        );
        let dom = String::from_utf8_lossy(&dom.stdout);
        assert!(
            dom.contains("<svg"),
            "{name}: the rendered page has no chart"
        );
        assert_eq!(
            count(&dom, "class=\"mark\""),
            report.decisions.len(),
            "{name}: marks in the rendered DOM and decisions"
        );
        let shot = out.join(format!("{name}.png"));
        let _ = std::fs::remove_file(&shot);
        let status = Command::new(browser)
            .args(common)
            .arg("--hide-scrollbars")
            .arg(format!("--screenshot={}", shot.display()))
            .arg("--window-size=1400,2000")
            .arg(&url)
            .output()
            .unwrap();
        assert!(status.status.success(), "{name}: no screenshot");
        let png = std::fs::read(&shot).unwrap();
        assert!(
            png.starts_with(b"\x89PNG") && png.len() > 10_000,
            "{name}: the screenshot is empty"
        );
    }
}

fn compare_runs(file: &str) -> Vec<exercise::Change> {
    let dir = repo().join("examples/ukraine-2025");
    let v1 = example_framework(&dir);
    let v2 = example_framework_file(&dir.join("amendments/framework-v2.toml"));
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/test_data/compare")
        .join(file);
    let bytes = std::fs::read(&path).unwrap();
    let files = crate::common::DirFiles(path.parent().unwrap().to_path_buf());
    let old = exercise::run(&v1, &exercise::load(file, &bytes, &files, &v1).unwrap()).unwrap();
    let new = exercise::run(&v2, &exercise::load(file, &bytes, &files, &v2).unwrap()).unwrap();
    let c = exercise::compare(
        exercise::compare::side("v1", &old),
        exercise::compare::side("v2", &new),
        &[(old.clone(), new.clone())],
    );
    assert_eq!(c.changes, c.scenarios[0].changes.len());
    // Against itself, nothing changes.
    assert!(exercise::compare::changes(&old, &old).is_empty());
    c.scenarios[0].changes.clone()
}

fn example_framework_file(path: &Path) -> framework::Framework {
    let text = std::fs::read_to_string(path).unwrap();
    let (fw, diags) = framework::load_and_check(
        "framework-v2.toml",
        &text,
        &crate::common::DirFiles(path.parent().unwrap().to_path_buf()),
    );
    assert!(!diags.iter().any(|d| d.severity == base::Severity::Error));
    fw
}

fn brief(changes: &[exercise::Change]) -> Vec<String> {
    changes
        .iter()
        .map(|c| {
            let (old, new) = c.values();
            format!("{:?} {} {old} → {new}", c.change, c.subject)
        })
        .collect()
}

/// Version 1.1 lowers `trg-missile-salvo`'s threshold from 3 to 2: two
/// missiles now open a breach (at the first report), which the review
/// clock certifies when it runs out (12h after the neutral source), and
/// tier 1 fires; the expectation written for version 1.0 is now missed.
#[test]
fn compare_reports_the_lower_threshold_and_nothing_else() {
    let changes = compare_runs("threshold.toml");
    let b = "B1 of `trg-missile-salvo` (first observed T+00:00)";
    assert_eq!(
        brief(&changes),
        vec![
            format!("BreachOpened {b} — → T+00:10"),
            format!("Certified {b} — → T+12:40"),
            format!("TierEntered `t1-rails` for {b} — → T+12:40"),
            format!("TierFired `t1-rails` for {b} — → T+12:40"),
            "ExpectationMissed `below-threshold` expected 0 breaches of `trg-missile-salvo`; there were 0 → expected 0 breaches of `trg-missile-salvo`; there was 1 (B1)".to_string(),
        ]
    );
}

/// Version 1.1 makes `a1-intel` due 3h after firing instead of 6h: the
/// same report four hours after firing is now late.
#[test]
fn compare_reports_the_shorter_clock_and_nothing_else() {
    let changes = compare_runs("clock.toml");
    let o = "`a1-intel` of `t1-rails` for B1 of `trg-missile-salvo` (first observed T+00:00)";
    assert_eq!(
        brief(&changes),
        vec![
            format!("OrderDueEarlier {o} T+07:00 → T+04:00"),
            format!("DeadlineMissed {o} kept, done T+05:00 → missed, done T+05:00"),
            "ExpectationMissed `intel-on-time` expected order `B1/t1-rails/a1-intel` its deadline not missed; `B1/t1-rails/a1-intel` to `us`, due T+07:00, completed at T+05:00 \
             → expected order `B1/t1-rails/a1-intel` its deadline not missed; `B1/t1-rails/a1-intel` to `us`, due T+04:00, completed at T+05:00, deadline missed"
                .to_string(),
        ]
    );
}

const MSEL_HEAD: &str = "# start: 2026-03-02T03:00:00Z\nevent_number,scenario_time,event,inject,expected_action,expect\n";

fn msel(body: &str) -> Result<exercise::Scenario, Vec<String>> {
    let text = format!("{MSEL_HEAD}{body}");
    exercise::msel::load(
        "list.csv",
        text.as_bytes(),
        &MemFiles::default(),
        &ukraine(),
    )
    .map_err(|e| e.iter().map(ToString::to_string).collect())
}

const RADAR: &str = r#""{""type"":""observation"",""id"":{""party"":""ukraine"",""source"":""radar-east"",""message"":""m1""},""class"":""radar"",""observed"":{""from"":""T+00:01"",""to"":""T+00:04""},""place"":{""zone"":""kharkiv-oblast""},""kind"":""missile_launch"",""weapon"":""iskander-m"",""counts"":{""launched"":6},""confidence_bp"":9000}""#;

#[test]
fn an_msel_row_is_an_inject_and_an_expectation() {
    let s = msel(&format!(
        "1,T+00:05,Radar,{RADAR},The breach opens,\"trigger = 'trg-missile-salvo', opened_by = 'T+00:05'\"\n"
    ))
    .unwrap();
    assert_eq!(s.injects.len(), 1);
    assert_eq!(s.injects[0].note.as_deref(), Some("MSEL 1: Radar"));
    assert_eq!(s.expectations.len(), 1);
    assert_eq!(s.expectations[0].id, "E1");
    assert_eq!(s.expectations[0].note, "The breach opens");
    let report = exercise::run(&ukraine(), &s).unwrap();
    assert!(report.summary.passed);
}

#[test]
fn bad_msel_rows_are_located_by_line_and_field() {
    let cases: &[(&str, &str)] = &[
        // A row with a field too many.
        (
            "1,T+00:05,Radar,{},x,y,z\n",
            "list.csv:3:1: error: cannot read the row: it has 7 fields where the header has 6",
        ),
        // Not JSON.
        (
            "1,T+00:05,Radar,{oops,x,\n",
            "list.csv:3:4: error: column `inject` is not a JSON object",
        ),
        // A bad time, found by the scenario loader, mapped back.
        (
            &format!("1,T+zz,Radar,{RADAR},x,\"trigger = 'trg-missile-salvo', opened = true\"\n"),
            "list.csv:3:2: error: column `scenario_time`",
        ),
        // An unknown trigger in the expectation.
        (
            &format!("1,T+00:05,Radar,{RADAR},x,\"trigger = 'no-such', opened = true\"\n"),
            "list.csv:3:6: error: column `expect`",
        ),
        // Not an inline table's body.
        (
            &format!("1,T+00:05,Radar,{RADAR},x,\"trigger = \"\n"),
            "list.csv:3:6: error: column `expect` is not the body",
        ),
        // null in an inject.
        (
            "1,T+00:05,Radar,\"{\"\"type\"\":null}\",x,\n",
            "list.csv:3:4: error: column `inject`: `null` is not allowed",
        ),
    ];
    for (body, want) in cases {
        let errors = msel(body).expect_err(body);
        assert!(
            errors.iter().any(|e| e.starts_with(want)),
            "{body}: want `{want}`, got {errors:#?}"
        );
    }
    let unknown = exercise::msel::load(
        "list.csv",
        b"# start: 2026-03-02T03:00:00Z\nevent_number,scenario_time,inject,colour\n",
        &MemFiles::default(),
        &ukraine(),
    )
    .unwrap_err();
    assert!(
        unknown[0]
            .to_string()
            .starts_with("list.csv:2:4: error: unknown column `colour`"),
        "{unknown:?}"
    );
    let no_start = exercise::msel::load(
        "list.csv",
        b"event_number,scenario_time,inject\n",
        &MemFiles::default(),
        &ukraine(),
    )
    .unwrap_err();
    assert!(
        no_start[0].to_string().contains("no `# start: …` line"),
        "{no_start:?}"
    );
}

#[test]
fn msel_reference_is_current() {
    let path = repo().join("docs/msel.md");
    let generated = exercise::msel::markdown();
    if std::env::var_os("BULWARK_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == generated,
        "docs/msel.md is out of step with the code; run `BULWARK_BLESS=1 cargo test -p exercise --test it msel_reference` and commit the result"
    );
}

/// A scenario that delivers against two commitments, confirmed by their
/// recipient (the `shipped` step is not counted).
const DELIVERIES: &str = r#"
[scenario]
id = "deliveries"
title = "Interceptors arrive"
start = "2026-03-02T03:00:00Z"

[[inject]]
at = "T+20d"
input = { type = "delivery", id = { party = "ukraine", source = "logistics", message = "rx-1" }, commitment = "c-patriot-interceptors", shipment = "pac-1", step = "received", quantity = 24, at = "2026-03-20T03:00:00Z" }

[[inject]]
at = "T+20d"
input = { type = "delivery", id = { party = "us", source = "dsca", message = "tx-1" }, commitment = "c-patriot-interceptors", shipment = "pac-1", step = "shipped", quantity = 24, at = "2026-03-19T03:00:00Z" }

# The same receipt again (another message), and a donor claiming a
# receipt: the book counts neither.
[[inject]]
at = "T+20d"
input = { type = "delivery", id = { party = "ukraine", source = "logistics", message = "rx-1-again" }, commitment = "c-patriot-interceptors", shipment = "pac-1", step = "received", quantity = 24, at = "2026-03-20T05:00:00Z" }

[[inject]]
at = "T+20d"
input = { type = "delivery", id = { party = "us", source = "dsca", message = "rx-by-donor" }, commitment = "c-patriot-interceptors", shipment = "pac-2", step = "received", quantity = 10, at = "2026-03-20T06:00:00Z" }

[[inject]]
at = "T+21d"
input = { type = "delivery", id = { party = "ukraine", source = "logistics", message = "rx-2" }, commitment = "c-iris-t-missiles", shipment = "iris-1", step = "received", quantity = 40, at = "2026-03-21T03:00:00Z" }

[[expect]]
id = "no-breach"
note = "Deliveries open no breach"
trigger = "trg-missile-salvo"
certified = false
"#;

/// A 20-day plan: every unit with a home site stays there, except
/// `u-iris-t-de-2`, which never leaves its hub — a gap at Rivne.
fn thin_plan(fw: &framework::Framework) -> (plan::Plan, plan::Report) {
    let inst = plan::Instance::new(fw, 20).unwrap();
    let units: Vec<plan::plan::UnitPlan> = inst
        .units
        .iter()
        .map(|u| plan::plan::UnitPlan {
            unit: u.id.clone(),
            system: plan::instance::system_name(u.system),
            hub: inst.hubs[u.hub].id.clone(),
            stints: match u.start {
                plan::instance::Start::Site { site } if u.id != "u-iris-t-de-2" => {
                    vec![plan::plan::Stint {
                        site: inst.sites[site].id.clone(),
                        from: 0,
                        to: 19,
                    }]
                }
                _ => Vec::new(),
            },
            overhauls: Vec::new(),
        })
        .collect();
    let sites = plan::plan::calendar(&inst, &units);
    let gaps = plan::plan::gaps_of(&inst, &sites);
    let p = plan::Plan {
        format: plan::plan::FORMAT.into(),
        framework: inst.framework.clone(),
        days: 20,
        units,
        sites,
        gaps,
        orders: Vec::new(),
        kept_until: None,
        solver: None,
    };
    let report = plan::check(&inst, &p);
    (p, report)
}

#[test]
fn the_logistics_section_draws_the_rotation_calendar_and_deliveries_against_schedules() {
    let fw = ukraine();
    let scenario = exercise::load(
        "deliveries.toml",
        DELIVERIES.as_bytes(),
        &MemFiles::default(),
        &fw,
    )
    .unwrap();
    let report = exercise::run(&fw, &scenario).unwrap();
    let (p, checked) = thin_plan(&fw);
    assert_eq!(checked.gaps.len(), 1, "{checked:?}");
    let logistics = exercise::html::Logistics {
        rotations: Some((&p, &checked)),
        commitments: &fw.commitments,
        stocks: &[],
        parties: &fw.parties,
    };
    let html = exercise::html::report_with(&report, &scenario, &logistics);
    assert_eq!(
        html,
        exercise::html::report_with(&report, &scenario, &logistics),
        "deterministic"
    );
    assert!(html.contains("<h2>Logistics</h2>"));
    // Every site and every unit has its row.
    for site in &fw.ad_sites {
        assert!(
            html.contains(&format!("<g data-site=\"{}\">", site.id)),
            "{}",
            site.id
        );
    }
    for unit in &fw.ad_units {
        assert!(
            html.contains(&format!("<g data-unit=\"{}\">", unit.id)),
            "{}",
            unit.id
        );
    }
    // The gap, in red, with its site, days and the number missing.
    assert!(html.contains(
        "<g class=\"cal-gap\" data-gap-site=\"site-rivne-npp\" data-from=\"0\" data-to=\"19\"><title>GAP: site-rivne-npp, days 0–19: no unit (0 of 1 required) — 1 missing</title><rect class=\"gap\""
    ));
    assert!(html.contains(">−1</text>"));
    assert_eq!(count(&html, "class=\"cal-gap\""), 1);
    // Deliveries received, as steps against the schedule; the shipped step
    // is not counted; a commitment with none shows its schedule alone.
    assert!(html.contains("<path class=\"got\" data-received=\"c-patriot-interceptors\""));
    assert!(html.contains("<path class=\"got\" data-received=\"c-iris-t-missiles\""));
    assert_eq!(count(&html, "<path class=\"got\""), 2);
    assert_eq!(count(&html, "<path class=\"due\""), fw.commitments.len());
    let row = html
        .lines()
        .find(|l| l.contains("<tr data-commitment=\"c-patriot-interceptors\""))
        .unwrap();
    // 24, not 48 (the repeated receipt) nor 34 (the donor's own "receipt").
    assert!(row.contains("<td class=\"num\">24</td>"), "{row}");
    for bad in ["<script", "https://"] {
        assert!(!html.contains(bad), "{bad}");
    }

    // Without a plan and without deliveries: no Logistics section.
    let plain = exercise::html::report_with(
        &report,
        &scenario,
        &exercise::html::Logistics {
            rotations: None,
            commitments: &[],
            stocks: &[],
            parties: &[],
        },
    );
    assert!(!plain.contains("<h2>Logistics</h2>"));
    // Without a plan, with deliveries: the schedules and deliveries alone.
    let supply_only = exercise::html::report_with(
        &report,
        &scenario,
        &exercise::html::Logistics {
            rotations: None,
            commitments: &fw.commitments,
            stocks: &[],
            parties: &fw.parties,
        },
    );
    assert!(supply_only.contains("<h2>Logistics</h2>") && !supply_only.contains("data-site="));
}

/// The missile salvo of example 01, six days later: certified on day 7
/// (a started day counts as a day).
fn salvo_on_day_seven() -> String {
    let text = std::fs::read_to_string(
        repo().join("examples/ukraine-2025/scenarios/01-missile-salvo.toml"),
    )
    .unwrap();
    text.replace("\"T+00:", "\"T+6d00:")
        .replace("\"T+03:00\"", "\"T+6d03:00\"")
}

#[test]
fn the_days_of_supply_charts_shade_the_surge_from_the_certified_breach_and_mark_the_floor() {
    let fw = ukraine();
    assert!(!fw.stocks.is_empty());
    let text = salvo_on_day_seven();
    let scenario =
        exercise::load("salvo.toml", text.as_bytes(), &MemFiles::default(), &fw).unwrap();
    let report = exercise::run(&fw, &scenario).unwrap();
    let certified: Vec<_> = report
        .breaches
        .iter()
        .filter_map(|b| b.certified_at)
        .collect();
    assert_eq!(certified.len(), 1, "{:?}", report.breaches);
    let ms = certified[0].millis() - scenario.start.millis();
    let breach_day = u32::try_from((ms + 86_399_999) / 86_400_000).unwrap();
    assert_eq!(breach_day, 7);
    let logistics = exercise::html::Logistics {
        rotations: None,
        commitments: &fw.commitments,
        stocks: &fw.stocks,
        parties: &fw.parties,
    };
    let html = exercise::html::report_with(&report, &scenario, &logistics);
    assert_eq!(
        html,
        exercise::html::report_with(&report, &scenario, &logistics)
    );
    assert!(html.contains("<h3>Days of supply</h3>"));
    // The same curve as `supply days` with the breach: nothing delivered in
    // this scenario, so the confirmed-only curve is the projection from
    // day 0 without promised deliveries.
    let end =
        u32::try_from((scenario.end.millis() - scenario.start.millis() + 86_399_999) / 86_400_000)
            .unwrap();
    let projection = supply::stock::project(&supply::stock::Ask {
        stocks: &fw.stocks,
        commitments: &fw.commitments,
        reports: &[],
        deliveries: &[],
        breach_days: &[breach_day],
        from: 0,
        horizon_days: end + supply::stock::HORIZON_DAYS_DEFAULT,
    });
    assert_eq!(
        count(&html, "<polyline class=\"dos-with\""),
        fw.stocks.len()
    );
    assert_eq!(
        count(&html, "<polyline class=\"dos-confirmed\""),
        fw.stocks.len()
    );
    for line in &projection.lines {
        let start = html
            .find(&format!("data-stock=\"{}\"", line.stock))
            .unwrap_or_else(|| panic!("no chart for {}", line.stock));
        let svg = &html[start..start + html[start..].find("</svg>").unwrap()];
        // The surge is shaded from the day the run certified the breach.
        assert!(
            svg.contains(&format!(
                "<rect class=\"surge\" data-surge-from=\"{breach_day}\" data-surge-to=\"{}\"",
                breach_day + line.surge_days - 1
            )),
            "{}: {svg}",
            line.stock
        );
        assert_eq!(count(svg, "<rect class=\"surge\""), 1);
        // The first day below the floor is `stock::project`'s alert day.
        let alert = line
            .alerts
            .iter()
            .find(|a| a.curve == supply::stock::Curve::WithoutPromised)
            .unwrap_or_else(|| panic!("{}: no alert", line.stock));
        assert!(
            svg.contains(&format!(
                "<polyline class=\"dos-confirmed\" data-first-below=\"{}\"",
                alert.day
            )),
            "{}: alert on day {}: {svg}",
            line.stock,
            alert.day
        );
        assert!(svg.contains(&format!("data-below=\"{}\"", alert.day)));
        assert!(svg.contains(&format!("data-floor-days=\"{}\"", line.floor_days)));
        // The text summary says it too.
        assert!(
            html.contains(&format!(
                "below its {}-day floor from day {}",
                line.floor_days, alert.day
            )),
            "{}",
            line.stock
        );
    }
    // A framework without `[[stock]]`: no chart.
    let none = exercise::html::report_with(
        &report,
        &scenario,
        &exercise::html::Logistics {
            rotations: None,
            commitments: &fw.commitments,
            stocks: &[],
            parties: &fw.parties,
        },
    );
    assert!(!none.contains("<h3>Days of supply</h3>") && !none.contains("<polyline class=\"dos-"));
}
