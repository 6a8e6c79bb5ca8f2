//! `bulwark exercise … --out DIR`: the run recorded as a node would keep
//! it — the log with its signed checkpoints (`DIR/log/`), one evidence pack
//! per certification (`DIR/packs/`), the salts of restricted inputs for
//! each party entitled to them (`DIR/restricted/PARTY.jsonl`) and the
//! after-action report (`DIR/report.json`). docs/ledger.md says what each
//! file holds and how to check it.

use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use exercise::{Report, RunLog};
use ledger::note::Signer;
use ledger::{entry, merkle, pack};
use store::logdir::{LogDir, write_durably};

/// The run's signing key: the one given, or one made for this run.
pub fn signer(key: Option<&Path>, scenario: &str) -> Result<(Signer, bool)> {
    if let Some(path) = key {
        return Ok((crate::keys::read_signer(path)?, true));
    }
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| anyhow!("no randomness from the system: {e}"))?;
    let name: String = format!("bulwark-exercise/{scenario}")
        .chars()
        .map(|c| {
            if c.is_whitespace() || c == '+' {
                '-'
            } else {
                c
            }
        })
        .collect();
    Ok((
        Signer::from_seed(&name, seed).map_err(|e| anyhow!("{e}"))?,
        false,
    ))
}

/// What was written.
#[derive(Debug)]
pub struct Written {
    pub entries: u64,
    pub checkpoints: usize,
    pub root: String,
    pub packs: Vec<String>,
    pub restricted: usize,
}

/// Writes the run into `dir` (which must be new or empty).
pub fn write(dir: &Path, signer: Signer, report: &Report, log: &RunLog) -> Result<Written> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        bail!(
            "`{}` already exists and is not empty: give a new directory for the run's log and packs",
            dir.display()
        );
    }
    let verifier = signer.verifier();
    let mut out = LogDir::create(&dir.join("log"), signer)?;
    let mut from = 0usize;
    let mut latest = String::new();
    for &size in &log.checkpoints {
        let size = usize::try_from(size)?;
        let batch: Vec<Vec<u8>> = log
            .entries
            .get(from..size)
            .unwrap_or_default()
            .iter()
            .map(entry::canonical)
            .collect();
        out.append(&batch)?;
        latest = out.checkpoint()?;
        from = size;
    }
    if out.tree().root() != log.tree.root() {
        bail!(
            "the log written does not give the run's root: nothing is consistent; please report this"
        );
    }
    let size = out.tree().len();
    let packs_dir = dir.join("packs");
    std::fs::create_dir_all(&packs_dir)
        .with_context(|| format!("cannot create `{}`", packs_dir.display()))?;
    let mut packs = Vec::new();
    for &index in &log.certifications {
        let p = pack::build(&log.tree, &log.entries, index, &verifier, &latest, size)
            .map_err(|e| anyhow!("making the evidence pack of log entry {index}: {e}"))?;
        let mut name = format!("{}.json", p.breach);
        if packs.contains(&name) {
            name = format!("{}-{index}.json", p.breach);
        }
        let mut text = serde_json::to_string_pretty(&p)?;
        text.push('\n');
        write_durably(&packs_dir, &name, text.as_bytes())?;
        packs.push(name);
    }
    let mut by_party: std::collections::BTreeMap<&str, String> = Default::default();
    for r in &log.released {
        let line =
            serde_json::json!({"index": r.index, "salt": merkle::hex(&r.salt), "input": r.input});
        for p in &r.parties {
            let text = by_party.entry(p.as_str()).or_default();
            text.push_str(&line.to_string());
            text.push('\n');
        }
    }
    if !by_party.is_empty() {
        let restricted = dir.join("restricted");
        std::fs::create_dir_all(&restricted)
            .with_context(|| format!("cannot create `{}`", restricted.display()))?;
        for (party, text) in &by_party {
            write_durably(&restricted, &format!("{party}.jsonl"), text.as_bytes())?;
        }
    }
    write_durably(dir, "report.json", exercise::report_json(report).as_bytes())?;
    Ok(Written {
        entries: size,
        checkpoints: log.checkpoints.len(),
        root: merkle::hex(&log.tree.root()),
        packs,
        restricted: log.released.len(),
    })
}
