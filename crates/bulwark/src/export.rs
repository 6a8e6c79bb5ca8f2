//! `bulwark export --to stix`: runs a scenario as `bulwark exercise` does
//! and writes one certified cyber breach's evidence as a STIX 2.1 bundle
//! (`ingest::stix_out`). Nothing is written unless the whole bundle is.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use engine::BreachStatus;
use framework::schema::{Category, Role};
use ingest::stix_out::{self, Party};
use model::{Input, InputId, Observation};

#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    /// The format to write: `stix` (a STIX 2.1 bundle).
    #[arg(long, value_name = "FORMAT")]
    to: String,
    /// The framework (a file, or a directory holding `framework.toml`).
    framework: PathBuf,
    /// The scenario whose run holds the breach.
    scenario: PathBuf,
    /// The breach to export: its id in the run (`B1`, `B2`, … in order of
    /// opening; `bulwark exercise` lists them).
    #[arg(long, value_name = "ID")]
    breach: String,
    /// Write the bundle to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

pub fn run(args: &ExportArgs) -> Result<u8> {
    if args.to != "stix" {
        bail!("`--to {}`: the one export format is `stix`", args.to);
    }
    let (fw, loaded, report) = match crate::exercise::load_and_run(&args.framework, &args.scenario)?
    {
        Ok(run) => run,
        Err(code) => return Ok(code),
    };
    let Some(breach) = report.breaches.iter().find(|b| b.id == args.breach) else {
        let there: Vec<String> = report
            .breaches
            .iter()
            .map(|b| format!("{} ({}, {})", b.id, b.trigger, status_word(b.status)))
            .collect();
        eprintln!(
            "bulwark: no breach `{}` in this run; {}",
            args.breach,
            if there.is_empty() {
                "the run opened no breach".to_string()
            } else {
                format!("its breaches are: {}", there.join(", "))
            }
        );
        return Ok(1);
    };
    let trigger = fw.triggers.iter().find(|t| t.id == breach.trigger);
    if trigger.is_none_or(|t| t.category != Category::Cyber) {
        eprintln!(
            "bulwark: breach `{}` is of trigger `{}`, which is not a cyber trigger: STIX describes cyber threats, so only cyber breaches are exported",
            breach.id, breach.trigger
        );
        return Ok(1);
    }
    let (Some(certified_at), BreachStatus::Certified) = (breach.certified_at, breach.status) else {
        eprintln!(
            "bulwark: breach `{}` is {}, not certified: only a certified breach's evidence is exported",
            breach.id,
            status_word(breach.status)
        );
        return Ok(1);
    };
    // The observations that counted: every source of the breach's incidents.
    let wanted: BTreeSet<&InputId> = report
        .incidents
        .iter()
        .filter(|i| breach.incidents.contains(&i.id))
        .flat_map(|i| i.sources.iter().map(|s| &s.input))
        .collect();
    let mut evidence: Vec<Observation> = Vec::new();
    for inject in &loaded.injects {
        for input in &inject.inputs {
            if let Input::Observation(o) = input
                && wanted.contains(&o.id)
                && !evidence.iter().any(|e| e.id == o.id)
            {
                evidence.push(o.clone());
            }
        }
    }
    let parties: BTreeMap<String, Party> = fw
        .parties
        .iter()
        .map(|p| {
            let name = if p.name.is_empty() {
                p.id.clone()
            } else {
                p.name.clone()
            };
            let adversary = p.roles.contains(&Role::Adversary);
            (p.id.clone(), Party { name, adversary })
        })
        .collect();
    let trigger_name = trigger.map_or(breach.trigger.as_str(), |t| {
        if t.name.is_empty() {
            t.id.as_str()
        } else {
            t.name.as_str()
        }
    });
    let text = stix_out::bundle(
        &stix_out::Breach {
            id: &breach.id,
            trigger: &breach.trigger,
            trigger_name,
            certified_at,
            explanation: &breach.explanation,
            framework_id: &report.framework.id,
            framework_version: &breach.framework_version,
            framework_hash: &breach.framework_hash,
            engine_version: &report.engine_version,
        },
        &parties,
        &evidence,
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    match &args.out {
        Some(path) => write_whole(path, &text)?,
        None => crate::write_stdout(&text),
    }
    eprintln!(
        "bulwark: breach {} ({}): {} observations exported as STIX 2.1",
        breach.id,
        breach.trigger,
        evidence.len()
    );
    Ok(0)
}

/// Writes `text` to a temporary file beside `path`, then renames it: a
/// reader never sees half a bundle.
fn write_whole(path: &Path, text: &str) -> Result<()> {
    let tmp = path.with_extension("partial");
    std::fs::write(&tmp, text).with_context(|| format!("cannot write `{}`", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write `{}`", path.display()))
}

fn status_word(s: BreachStatus) -> &'static str {
    match s {
        BreachStatus::Open => "open",
        BreachStatus::UnderReview => "under review",
        BreachStatus::Certified => "certified",
        BreachStatus::Escalated => "escalated",
        BreachStatus::Closed => "closed",
        BreachStatus::Withdrawn => "withdrawn",
    }
}
