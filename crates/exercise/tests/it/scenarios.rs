//! Every scenario under `examples/*/scenarios/` runs against its example's
//! framework, the same way twice; and each scenario that meets its
//! expectations has its JSON report pinned by a snapshot.
//!
//! Snapshots (`snapshots/<example>__<scenario>.snap`) are taken only of
//! scenarios that pass: a report of a guarantee behaving wrongly is not a
//! reference. Create or update them with
//! `INSTA_UPDATE=always cargo test -p exercise --test it scenarios` and
//! review the diff. A scenario that does not pass yet and has no snapshot is
//! listed as PENDING on standard error; one that has a snapshot but no
//! longer passes fails the test.

use std::path::{Path, PathBuf};

use crate::common::{DirFiles, example_framework, repo};

/// (example directory, scenario file) for every scenario, in path order.
pub fn all_scenarios() -> Vec<(PathBuf, PathBuf)> {
    let examples = repo().join("examples");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&examples)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("scenarios").is_dir())
        .collect();
    dirs.sort();
    let mut out = Vec::new();
    for dir in dirs {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("scenarios"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml" || x == "csv"))
            .collect();
        files.sort();
        out.extend(files.into_iter().map(|f| (dir.clone(), f)));
    }
    out
}

/// `ukraine-2025__01-missile-salvo`.
pub fn name(dir: &Path, file: &Path) -> String {
    format!(
        "{}__{}",
        dir.file_name().unwrap().to_string_lossy(),
        file.file_stem().unwrap().to_string_lossy()
    )
}

/// Loads an example scenario (TOML or MSEL) with its example's framework.
pub fn load(dir: &Path, file: &Path) -> (framework::Framework, exercise::Scenario) {
    let fw = example_framework(dir);
    let shown = format!(
        "examples/{}/scenarios/{}",
        dir.file_name().unwrap().to_string_lossy(),
        file.file_name().unwrap().to_string_lossy()
    );
    let bytes = std::fs::read(file).unwrap();
    let scenario = exercise::msel::load_any(
        &shown,
        &bytes,
        &DirFiles(file.parent().unwrap().to_path_buf()),
        &fw,
    )
    .unwrap_or_else(|errors| {
        let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
        panic!("{shown} does not load:\n{}", list.join("\n"))
    });
    assert!(
        !scenario.expectations.is_empty(),
        "{shown} has no expectations"
    );
    (fw, scenario)
}

pub fn run(dir: &Path, file: &Path) -> exercise::Report {
    let (fw, scenario) = load(dir, file);
    exercise::run(&fw, &scenario).unwrap_or_else(|e| panic!("{} does not run: {e}", file.display()))
}

/// The report with the framework's hash taken out: the hash changes with any
/// edit of the example (a comment too), which is not what snapshots watch.
/// The ladder's explanations name its first 12 digits (`sha256 0123abcd…`).
fn redacted(report: &exercise::Report) -> String {
    let mut value = serde_json::to_value(report).unwrap();
    value["framework"]["hash"] = "[framework hash]".into();
    if let Some(breaches) = value["breaches"].as_array_mut() {
        for b in breaches {
            b["framework_hash"] = "[framework hash]".into();
        }
    }
    let short = format!("sha256 {}…", &report.framework.hash[..12]);
    let mut text = serde_json::to_string_pretty(&value).unwrap() + "\n";
    text = text.replace(&short, "sha256 [framework hash]…");
    // Amended versions: their hashes change with their files in the same way.
    for (k, a) in report.framework.amendments.iter().enumerate() {
        let name = format!("[amendment {} hash]", k + 1);
        text = text.replace(&a.hash, &name);
        text = text.replace(&format!("{}…", &a.hash[..12]), &format!("{name}…"));
    }
    // The version in force at the start, wherever an explanation names it in full.
    text.replace(&report.framework.hash, "[framework hash]")
        .replace(
            &format!("{}…", &report.framework.hash[..12]),
            "[framework hash]…",
        )
}

#[test]
fn there_are_scenarios() {
    let all = all_scenarios();
    let ukraine = all
        .iter()
        .filter(|(dir, _)| dir.ends_with("ukraine-2025"))
        .count();
    assert!(
        ukraine >= 16,
        "ukraine-2025 has {ukraine} scenarios, want at least 16 (nine of them about the response ladder)"
    );
}

#[test]
fn every_scenario_loads_and_runs_identically_twice() {
    for (dir, file) in all_scenarios() {
        let first = exercise::report_json(&run(&dir, &file));
        let second = exercise::report_json(&run(&dir, &file));
        assert!(
            first == second,
            "{}: two runs gave different reports",
            file.display()
        );
    }
}

#[test]
fn passing_scenarios_match_their_snapshots() {
    let mut pending = Vec::new();
    for (dir, file) in all_scenarios() {
        let report = run(&dir, &file);
        let name = name(&dir, &file);
        let snapshot = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/it/snapshots")
            .join(format!("{name}.snap"));
        if !report.summary.passed {
            let unmet: Vec<String> = report
                .expectations
                .iter()
                .filter(|e| !e.met)
                .map(|e| format!("    ✗ {}: {}", e.id, e.detail))
                .collect();
            assert!(
                !snapshot.exists(),
                "{name} has a snapshot but no longer meets its expectations:\n{}",
                unmet.join("\n")
            );
            pending.push(format!(
                "PENDING {name}: {} of {} expectations unmet, so no snapshot is taken yet:\n{}",
                report.summary.unmet,
                report.summary.expectations,
                unmet.join("\n")
            ));
            continue;
        }
        let mut settings = insta::Settings::clone_current();
        settings.set_prepend_module_to_snapshot(false);
        settings.set_snapshot_path("snapshots");
        settings.bind(|| insta::assert_snapshot!(name.clone(), redacted(&report)));
    }
    for p in &pending {
        eprintln!("{p}");
    }
}
