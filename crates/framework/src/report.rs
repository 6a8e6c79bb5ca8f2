//! The checker's report: findings plus per-area scores, as printed by
//! `bulwark check` and serialised by `--format json` (documented in
//! `docs/check-json.md`; its shape is a stability boundary).

use base::{Diagnostic, Severity};
use serde::Serialize;

use crate::codes::{Area, info};
use crate::load::Framework;

/// Version of the JSON report's shape; bumped on any incompatible change.
pub const REPORT_FORMAT: u32 = 1;
/// Points an area loses per error.
pub const ERROR_PENALTY: u32 = 25;
/// Points an area loses per warning.
pub const WARNING_PENALTY: u32 = 5;

#[derive(Debug, Serialize)]
pub struct Report {
    pub format: u32,
    pub framework: FrameworkInfo,
    pub findings: Vec<Finding>,
    pub summary: Summary,
    /// Sanctions packages whose targets come from a `targets_file` that
    /// could be read, in the order of the file (left out when there are
    /// none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub target_files: Vec<TargetFile>,
}

/// What a sanctions package's `targets_file` lists.
#[derive(Debug, Serialize)]
pub struct TargetFile {
    /// The package's id.
    pub package: String,
    /// The file as the package names it.
    pub file: String,
    /// `ftm` (FollowTheMoney entities) or `targets` (target lines).
    pub format: &'static str,
    pub targets: usize,
    /// Targets per kind (`company`, `person`, …), by kind.
    pub kinds: std::collections::BTreeMap<String, usize>,
    /// Targets listed by a sanctions authority.
    pub sanctioned: usize,
    /// References to entities absent from the file (tolerated; 0 for
    /// target lines).
    pub absent_references: usize,
}

#[derive(Debug, Serialize)]
pub struct FrameworkInfo {
    pub path: String,
    pub id: Option<String>,
    pub version: Option<String>,
    /// SHA-256 over the framework and every file it references (hex).
    pub hash: String,
}

#[derive(Debug, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub area: Area,
    pub message: String,
    pub path: String,
    pub line: u32,
    pub column: u32,
    /// What to do about it, from the catalogue.
    pub help: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub errors: u32,
    pub warnings: u32,
    pub notes: u32,
    pub areas: Vec<AreaScore>,
    /// Weighted mean of the area scores, 0–100; 0 when the file is not valid TOML.
    pub score: u32,
}

#[derive(Debug, Serialize)]
pub struct AreaScore {
    pub area: Area,
    pub weight: u32,
    pub errors: u32,
    pub warnings: u32,
    /// 100 minus 25 per error and 5 per warning, never below 0; 0 when the
    /// area is missing entirely (see `codes::AREA_ABSENT`).
    pub score: u32,
}

impl Report {
    pub fn new(fw: &Framework, diagnostics: &[Diagnostic]) -> Report {
        let findings: Vec<Finding> = diagnostics
            .iter()
            .map(|d| {
                let entry = info(d.code);
                Finding {
                    code: d.code,
                    severity: d.severity,
                    area: entry.map_or(Area::Structure, |i| i.area),
                    message: d.message.clone(),
                    path: d.location.path.clone(),
                    line: d.location.line,
                    column: d.location.column,
                    help: entry.map_or("", |i| i.help),
                }
            })
            .collect();
        let count = |sev: Severity, area: Option<Area>| -> u32 {
            let n = findings
                .iter()
                .filter(|f| f.severity == sev && area.is_none_or(|a| f.area == a))
                .count();
            u32::try_from(n).unwrap_or(u32::MAX)
        };
        let absent = |area: Area| {
            findings
                .iter()
                .any(|f| f.area == area && crate::codes::AREA_ABSENT.contains(&f.code))
        };
        let areas: Vec<AreaScore> = Area::ALL
            .iter()
            .map(|&area| {
                let errors = count(Severity::Error, Some(area));
                let warnings = count(Severity::Warning, Some(area));
                let lost = errors
                    .saturating_mul(ERROR_PENALTY)
                    .saturating_add(warnings.saturating_mul(WARNING_PENALTY));
                AreaScore {
                    area,
                    weight: area.weight(),
                    errors,
                    warnings,
                    score: if absent(area) {
                        0
                    } else {
                        100u32.saturating_sub(lost)
                    },
                }
            })
            .collect();
        let total_weight: u32 = areas.iter().map(|a| a.weight).sum();
        let weighted: u32 = areas.iter().map(|a| a.weight * a.score).sum();
        // Round half up, in integers. A file that is not valid TOML scores 0:
        // nothing after a syntax error can be trusted.
        let unreadable = findings.iter().any(|f| f.code == crate::codes::SYNTAX);
        let score = if unreadable {
            0
        } else {
            (weighted + total_weight / 2) / total_weight.max(1)
        };
        Report {
            format: REPORT_FORMAT,
            framework: FrameworkInfo {
                path: fw.path().to_string(),
                id: fw.meta.as_ref().map(|m| m.id.clone()),
                version: fw.meta.as_ref().map(|m| m.version.clone()),
                hash: fw.hash_hex(),
            },
            summary: Summary {
                errors: count(Severity::Error, None),
                warnings: count(Severity::Warning, None),
                notes: count(Severity::Note, None),
                areas,
                score,
            },
            findings,
            target_files: target_files(fw),
        }
    }

    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }
}

fn target_files(fw: &Framework) -> Vec<TargetFile> {
    fw.sanctions
        .iter()
        .filter_map(|p| {
            let file = p.targets_file.as_ref()?;
            let read = fw.target_files.get(&p.id)?;
            let mut kinds = std::collections::BTreeMap::new();
            for t in &read.targets {
                *kinds.entry(t.kind.clone()).or_default() += 1;
            }
            Some(TargetFile {
                package: p.id.clone(),
                file: file.clone(),
                format: match read.kind {
                    ingest::ftm::Kind::Entities => "ftm",
                    ingest::ftm::Kind::Targets => "targets",
                },
                targets: read.targets.len(),
                kinds,
                sanctioned: read.sanctioned(),
                absent_references: read.absent(),
            })
        })
        .collect()
}
