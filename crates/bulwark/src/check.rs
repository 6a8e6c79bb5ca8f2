//! `bulwark check`: load, check and report a framework — and the access
//! policy beside it, `policy.cedar`, when there is one; or, with `--diff`,
//! describe what an amendment changes.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use framework::codes::{CATALOGUE, info};
use framework::{Files, Report};

use crate::Format;

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// The framework: a `.toml` file, or a directory holding `framework.toml`.
    #[arg(required_unless_present = "diff")]
    framework: Option<PathBuf>,
    /// Compare two versions and describe, in words, what the amendment changes.
    #[arg(long, num_args = 2, value_names = ["OLD", "NEW"], conflicts_with = "framework")]
    diff: Option<Vec<PathBuf>>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// Reads files relative to the framework file's directory.
struct DirFiles {
    root: PathBuf,
}

impl Files for DirFiles {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        let full = self.root.join(path);
        std::fs::read(&full)
            .map_err(|e| format!("cannot read `{}`: {}", full.display(), plain_io(&e)))
    }
}

fn plain_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Finds the framework file: the path itself, or `framework.toml` inside a directory.
fn resolve(path: &Path) -> Result<PathBuf> {
    if path.is_dir() {
        let file = path.join("framework.toml");
        if !file.is_file() {
            bail!(
                "`{}` is a directory without a `framework.toml`",
                path.display()
            );
        }
        return Ok(file);
    }
    Ok(path.to_path_buf())
}

/// Loads and checks one framework file.
pub fn load(path: &Path) -> Result<(framework::Framework, Vec<base::Diagnostic>)> {
    let file = resolve(path)?;
    let bytes = std::fs::read(&file)
        .map_err(|e| anyhow::anyhow!("cannot read `{}`: {}", file.display(), plain_io(&e)))?;
    let root = file.parent().map(Path::to_path_buf).unwrap_or_default();
    let shown = file.display().to_string();
    Ok(framework::load_and_check_bytes(
        &shown,
        &bytes,
        &DirFiles { root },
    ))
}

/// Loads one framework file without judging it: only what stops it being
/// read (syntax, types, unknown fields) comes back as diagnostics.
pub fn load_only(path: &Path) -> Result<(framework::Framework, Vec<base::Diagnostic>)> {
    let file = resolve(path)?;
    let bytes = std::fs::read(&file)
        .map_err(|e| anyhow::anyhow!("cannot read `{}`: {}", file.display(), plain_io(&e)))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("`{}` is not UTF-8 text: save it as UTF-8", file.display()))?;
    let root = file.parent().map(Path::to_path_buf).unwrap_or_default();
    let shown = file.display().to_string();
    Ok(framework::load(&shown, &text, &DirFiles { root }))
}

pub fn run(args: &CheckArgs) -> Result<u8> {
    if let Some(pair) = &args.diff {
        let [old, new] = pair.as_slice() else {
            bail!("--diff takes two frameworks: OLD NEW")
        };
        return diff(old, new, args.format);
    }
    let path = args.framework.as_ref().context("no framework given")?;
    let (fw, mut diags) = load(path)?;
    diags.extend(check_policy(&fw, &resolve(path)?));
    diags.sort();
    let report = Report::new(&fw, &diags);
    match args.format {
        Format::Json => say!("{}", serde_json::to_string_pretty(&report)?),
        Format::Text => {
            print_text(&report);
            print_target_files(&report);
        }
    }
    Ok(u8::from(report.has_errors()))
}

/// Loads the access policy beside the framework file, if there is one,
/// and returns its problems as findings (B006: a file beside the framework
/// that cannot be used), each at `policy.cedar:line:column`.
fn check_policy(fw: &framework::Framework, framework_file: &Path) -> Vec<base::Diagnostic> {
    let file = framework_file
        .parent()
        .map(|dir| dir.join(authz::POLICY_FILE))
        .unwrap_or_else(|| PathBuf::from(authz::POLICY_FILE));
    if !file.is_file() {
        return Vec::new();
    }
    let shown = file.display().to_string();
    let error = |location: base::Location, message: String| base::Diagnostic {
        location,
        code: framework::codes::GEOMETRY,
        severity: base::Severity::Error,
        message,
    };
    let start = base::Location {
        path: shown.clone(),
        line: 1,
        column: 1,
    };
    let text = match std::fs::read(&file) {
        Err(e) => {
            return vec![error(
                start,
                format!("the access policy cannot be read: {}", plain_io(&e)),
            )];
        }
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(_) => {
                return vec![error(
                    start,
                    "the access policy is not UTF-8 text: save it as UTF-8".into(),
                )];
            }
        },
    };
    match authz::Policy::load_located(fw, &text, &shown) {
        Ok(_) => Vec::new(),
        Err(problems) => problems
            .into_iter()
            .map(|p| error(p.location, p.message))
            .collect(),
    }
}

fn print_text(report: &Report) {
    // The help of a code is printed once, under its first finding.
    let mut explained = std::collections::BTreeSet::new();
    for f in &report.findings {
        say!(
            "{}:{}:{}: {}[{}]: {}",
            f.path,
            f.line,
            f.column,
            f.severity,
            f.code,
            f.message
        );
        if !f.help.is_empty() && explained.insert(f.code) {
            say!("    help: {}", f.help);
        }
    }
    let s = &report.summary;
    let name = match (&report.framework.id, &report.framework.version) {
        (Some(id), Some(v)) => format!("{id} {v}"),
        _ => report.framework.path.clone(),
    };
    if !report.findings.is_empty() {
        say!();
    }
    say!(
        "{name}: {} error{}, {} warning{} — score {}/100",
        s.errors,
        if s.errors == 1 { "" } else { "s" },
        s.warnings,
        if s.warnings == 1 { "" } else { "s" },
        s.score
    );
    let areas: Vec<String> = s
        .areas
        .iter()
        .map(|a| format!("{} {} (×{})", a.area.as_str(), a.score, a.weight))
        .collect();
    say!("  areas: {}", areas.join(", "));
    say!("  framework hash: {}", report.framework.hash);
}

/// One line per sanctions package with a `targets_file`: how many targets
/// it lists, of which kinds, how many are sanctioned, and how many
/// references to entities absent from the file were tolerated.
fn print_target_files(report: &Report) {
    for t in &report.target_files {
        let kinds: Vec<String> = t.kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
        let absent = if t.format == "ftm" {
            format!(
                "; {} reference{} to entities absent from the file (tolerated)",
                t.absent_references,
                if t.absent_references == 1 { "" } else { "s" }
            )
        } else {
            String::new()
        };
        say!(
            "  sanctions `{}`: {} targets from `{}`{}{}, {} sanctioned{absent}",
            t.package,
            t.targets,
            t.file,
            if kinds.is_empty() { "" } else { ": " },
            kinds.join(", "),
            t.sanctioned,
        );
    }
}

fn diff(old: &Path, new: &Path, format: Format) -> Result<u8> {
    let (old_fw, old_diags) = load(old)?;
    let (new_fw, new_diags) = load(new)?;
    let changes = framework::diff::diff(&old_fw, &new_fw);
    let old_report = Report::new(&old_fw, &old_diags);
    let new_report = Report::new(&new_fw, &new_diags);
    match format {
        Format::Json => {
            let doc = serde_json::json!({
                "format": framework::report::REPORT_FORMAT,
                "old": { "path": old_report.framework.path, "version": old_report.framework.version, "hash": old_report.framework.hash, "score": old_report.summary.score },
                "new": { "path": new_report.framework.path, "version": new_report.framework.version, "hash": new_report.framework.hash, "score": new_report.summary.score },
                "changes": changes,
            });
            say!("{}", serde_json::to_string_pretty(&doc)?);
        }
        Format::Text => {
            if changes.is_empty() {
                say!("no changes");
            }
            for change in &changes {
                say!("{}", change.sentence);
            }
            say!(
                "\nscore {} → {} ({} → {} errors)",
                old_report.summary.score,
                new_report.summary.score,
                old_report.summary.errors,
                new_report.summary.errors
            );
        }
    }
    Ok(0)
}

pub fn explain(code: Option<&str>) -> Result<u8> {
    match code {
        Some(code) => {
            let upper = code.to_ascii_uppercase();
            let Some(entry) = info(&upper) else {
                bail!("unknown code `{code}`; `bulwark explain` lists them all");
            };
            say!(
                "{} ({}, {}): {}\n\n{}",
                entry.code,
                entry.severity,
                entry.area.as_str(),
                entry.title,
                entry.help
            );
        }
        None => {
            for entry in CATALOGUE {
                say!(
                    "{}  {:<8} {:<10} {}",
                    entry.code,
                    entry.severity.as_str(),
                    entry.area.as_str(),
                    entry.title
                );
            }
        }
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    /// A fresh directory holding the clean test framework and, if given, a policy.
    fn framework_dir(name: &str, policy: Option<&str>) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("bulwark-check-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let base =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../framework/test_data/pairs/base.toml");
        std::fs::copy(base, dir.join("framework.toml")).unwrap();
        if let Some(policy) = policy {
            std::fs::write(dir.join(authz::POLICY_FILE), policy).unwrap();
        }
        dir
    }

    fn policy_findings(dir: &Path) -> Vec<base::Diagnostic> {
        let (fw, diags) = load(dir).unwrap();
        assert!(
            diags.iter().all(|d| d.severity != base::Severity::Error),
            "{diags:?}"
        );
        check_policy(&fw, &resolve(dir).unwrap())
    }

    #[test]
    fn no_policy_no_findings() {
        let dir = framework_dir("none", None);
        assert!(policy_findings(&dir).is_empty());
    }

    #[test]
    fn the_shipped_policy_passes() {
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/ukraine-2025")
            .join(authz::POLICY_FILE);
        let dir = framework_dir("shipped", Some(&std::fs::read_to_string(shipped).unwrap()));
        assert_eq!(policy_findings(&dir), Vec::new());
    }

    #[test]
    fn a_broken_policy_is_an_error_at_its_line_and_column() {
        let text = "@id(\"a\")\npermit (principal is Key, action == Action::\"submit\", resource)\nwhen { principal.rolez.contains(\"reporter\") };\n";
        let dir = framework_dir("broken", Some(text));
        let findings = policy_findings(&dir);
        assert_eq!(findings.len(), 1, "{findings:?}");
        let f = &findings[0];
        assert_eq!(f.code, "B006");
        assert_eq!(f.severity, base::Severity::Error);
        assert_eq!(
            f.location.path,
            dir.join("policy.cedar").display().to_string()
        );
        assert_eq!((f.location.line, f.location.column), (3, 8));
        assert!(
            f.message
                .contains("attribute `rolez` on entity type `Key` not found"),
            "{}",
            f.message
        );
    }

    #[test]
    fn a_policy_that_is_not_text_is_an_error() {
        let dir = framework_dir("binary", None);
        std::fs::write(dir.join(authz::POLICY_FILE), [0xff, 0xfe, 0x00]).unwrap();
        let findings = policy_findings(&dir);
        assert_eq!(findings.len(), 1);
        assert!(
            findings[0].message.contains("not UTF-8"),
            "{}",
            findings[0].message
        );
    }
}
