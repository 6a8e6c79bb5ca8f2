//! `bulwark verify PACK` and `bulwark verify-log DIR`: offline checks of
//! an evidence pack and of a log directory, with nothing but the files
//! (and, to know who signed, the log's verifier key).
//!
//! Exit status: 0 verified, 1 a check failed (each failure named), 2 the
//! files could not be read.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use base::Timestamp;
use ledger::entry::{self, Entry};
use ledger::pack::{self, Pack, PackReport};

use crate::Format;

#[derive(clap::Args, Debug)]
pub struct VerifyArgs {
    /// The evidence pack (`DIR/packs/B1.json` of `bulwark exercise --out`).
    pack: PathBuf,
    /// The log's verifier key (`NAME+KEYID+KEY`, or a file holding it):
    /// the checkpoint must be signed by it. Without it the pack's own key
    /// is used, which shows the pack is intact but not who signed it.
    #[arg(long, value_name = "KEY")]
    key: Option<String>,
    /// Also re-run the evidence standard over the pack's observations and
    /// reviews under this framework (it must be the version the pack names).
    #[arg(long, value_name = "FRAMEWORK")]
    replay: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(clap::Args, Debug)]
pub struct VerifyLogArgs {
    /// A log directory, or the directory `bulwark exercise --out` wrote.
    dir: PathBuf,
    /// The log's verifier key: every checkpoint must be signed by it.
    /// Without it the log's own `log.vkey` is used (integrity only).
    #[arg(long, value_name = "KEY")]
    key: Option<String>,
    /// A checkpoint received elsewhere (a signed note file), to check
    /// against the log: a checkpoint of a size the log signed with another
    /// root is a fork. Repeatable.
    #[arg(long = "checkpoint", value_name = "FILE")]
    checkpoints: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// The outcome of a replay.
#[derive(Debug, serde::Serialize)]
struct Replay {
    framework_hash: String,
    inputs: usize,
    /// Restricted observations left out (commitments only).
    left_out: usize,
    certified: bool,
    /// What became of the breaches of the pack's trigger, in words.
    outcome: String,
}

pub fn run(args: &VerifyArgs) -> Result<u8> {
    let bytes = std::fs::read(&args.pack)
        .with_context(|| format!("cannot read the pack `{}`", args.pack.display()))?;
    let trusted = args
        .key
        .as_deref()
        .map(crate::keys::read_verifier)
        .transpose()?;
    let shown = args.pack.display();
    let report = match pack::verify(&bytes, trusted.as_ref()) {
        Ok(r) => r,
        Err(e) => {
            match args.format {
                Format::Json => say!(
                    "{}",
                    serde_json::json!({"pack": shown.to_string(), "verified": false, "problems": e.problems})
                ),
                Format::Text => {
                    say!("✗ {shown}: the evidence pack does NOT verify");
                    for p in &e.problems {
                        say!("  - {p}");
                    }
                }
            }
            return Ok(1);
        }
    };
    let replay = match &args.replay {
        Some(fw) => {
            // The pack verified: it parses.
            let p = pack::parse(&bytes).map_err(|e| anyhow!("{e}"))?;
            Some(replay(fw, &p)?)
        }
        None => None,
    };
    let failed = replay.as_ref().is_some_and(|r| !r.certified);
    match args.format {
        Format::Json => say!(
            "{}",
            serde_json::json!({"pack": shown.to_string(), "verified": true, "report": report, "replay": replay})
        ),
        Format::Text => print_pack(&shown.to_string(), &report, replay.as_ref()),
    }
    Ok(u8::from(failed))
}

fn print_pack(shown: &str, r: &PackReport, replay: Option<&Replay>) {
    say!(
        "✓ {shown}: breach {} (trigger `{}`), certified at log entry {}",
        r.breach,
        r.trigger,
        r.decision_index
    );
    say!(
        "  evidence: {} observation(s) of {} incident(s){}, {} review(s) — every one proves into the checkpoint",
        r.observations,
        r.incidents,
        if r.restricted > 0 {
            format!(" ({} restricted, as commitments)", r.restricted)
        } else {
            String::new()
        },
        r.reviews
    );
    say!(
        "  checkpoint: log `{}` size {} root {}, signed by `{}` ({})",
        r.origin,
        r.size,
        r.root,
        r.key_name,
        r.key_id
    );
    say!("  framework: {}", r.framework_hash);
    if !r.key_trusted {
        say!(
            "  note: checked with the pack's own key — this shows the pack is intact, not who signed it; pass --key with the log's verifier key"
        );
    }
    if let Some(x) = replay {
        let mark = if x.certified { "✓" } else { "✗" };
        say!(
            "{mark} replay: {} input(s) under framework {}: {}",
            x.inputs,
            x.framework_hash.get(..12).unwrap_or_default(),
            x.outcome
        );
        if x.left_out > 0 {
            say!(
                "  {} restricted observation(s) left out: the pack holds only their commitments",
                x.left_out
            );
        }
    }
}

/// Re-runs the evidence standard: the pack's inputs, at their recorded
/// times and in log order, into a fresh engine under `fw`, up to the
/// certification's time.
fn replay(fw_path: &Path, p: &Pack) -> Result<Replay> {
    let (fw, diags) = crate::check::load(fw_path)?;
    if diags.iter().any(|d| d.severity == base::Severity::Error) {
        return Err(anyhow!(
            "the framework `{}` has errors; `bulwark check` says which",
            fw_path.display()
        ));
    }
    let hash = fw.hash_hex();
    if hash != p.framework_hash {
        return Ok(Replay {
            framework_hash: hash.clone(),
            inputs: 0,
            left_out: 0,
            certified: false,
            outcome: format!(
                "the framework given is not the version the breach was certified under (its hash is {}, the pack's {})",
                hash.get(..12).unwrap_or_default(),
                p.framework_hash.get(..12).unwrap_or_default()
            ),
        });
    }
    let at = |v: &serde_json::Value| {
        v.get("at")
            .and_then(serde_json::Value::as_str)
            .and_then(|t| Timestamp::parse(t).ok())
    };
    let until = at(&p.decision.entry).ok_or_else(|| anyhow!("the certification has no time"))?;
    let mut inputs = Vec::new();
    let mut left_out = 0;
    for e in &p.evidence {
        match Entry::read(&e.entry) {
            Ok(Entry::Input { .. }) => {
                let wire = e.entry.get("input").cloned().unwrap_or_default();
                let text = String::from_utf8(entry::canonical(&wire)).unwrap_or_default();
                let input = model::decode_line(&text, 1)
                    .map_err(|err| anyhow!("log entry {}: {err}", e.index))?;
                let t = at(&e.entry).ok_or_else(|| anyhow!("log entry {} has no time", e.index))?;
                inputs.push((t, e.index, input));
            }
            Ok(Entry::Restricted { .. }) => left_out += 1,
            _ => {}
        }
    }
    inputs.sort_by_key(|(t, i, _)| (*t, *i));
    let mut decider = engine::Decider::new(&fw).map_err(|e| anyhow!("{e}"))?;
    for (t, _, input) in &inputs {
        decider.advance(*t).map_err(|e| anyhow!("{e}"))?;
        decider.submit(*t, input).map_err(|e| anyhow!("{e}"))?;
    }
    decider.advance(until).map_err(|e| anyhow!("{e}"))?;
    let breaches: Vec<engine::Breach> = decider
        .engine()
        .breaches()
        .into_iter()
        .filter(|b| b.trigger == p.trigger)
        .collect();
    let certified = breaches.iter().any(|b| b.certified_at.is_some());
    let outcome = if breaches.is_empty() {
        format!(
            "no breach of `{}`: these observations do not reach its threshold",
            p.trigger
        )
    } else {
        breaches
            .iter()
            .map(|b| {
                format!(
                    "{} of `{}` {}",
                    b.id,
                    b.trigger,
                    match b.certified_at {
                        Some(t) => format!("certified at {t}"),
                        None => format!("{:?} (not certified)", b.status).to_lowercase(),
                    }
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    Ok(Replay {
        framework_hash: hash,
        inputs: inputs.len(),
        left_out,
        certified,
        outcome,
    })
}

pub fn run_log(args: &VerifyLogArgs) -> Result<u8> {
    let key = args
        .key
        .as_deref()
        .map(crate::keys::read_verifier)
        .transpose()?;
    let mut seen = Vec::new();
    for path in &args.checkpoints {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the checkpoint `{}`", path.display()))?;
        seen.push((path.display().to_string(), text));
    }
    if !args.dir.is_dir() {
        return Err(anyhow!("`{}` is not a directory", args.dir.display()));
    }
    let shown = args.dir.display();
    match store::verify::verify_log(&args.dir, key.as_ref(), &seen) {
        Ok(r) => {
            match args.format {
                Format::Json => say!(
                    "{}",
                    serde_json::json!({"dir": shown.to_string(), "verified": true, "report": r})
                ),
                Format::Text => {
                    say!(
                        "✓ {shown}: {} entries ({} inputs, {} restricted, {} decisions); {} checkpoint(s), each signed, each consistent with the one before",
                        r.entries,
                        r.inputs,
                        r.restricted,
                        r.decisions,
                        r.checkpoints
                    );
                    say!(
                        "  latest: size {} root {}, signed by `{}` ({})",
                        r.size,
                        r.root,
                        r.key_name,
                        r.key_id
                    );
                    if r.tiles > 0 || r.tiles_missing > 0 {
                        say!(
                            "  {} tile(s) agree with the entries{}",
                            r.tiles,
                            if r.tiles_missing > 0 {
                                format!(
                                    "; {} tile(s) of the latest checkpoint missing (written again at the next checkpoint)",
                                    r.tiles_missing
                                )
                            } else {
                                String::new()
                            }
                        );
                    }
                    if r.unsigned_entries > 0 {
                        say!(
                            "  {} entr{} after the latest checkpoint, not yet signed",
                            r.unsigned_entries,
                            if r.unsigned_entries == 1 { "y" } else { "ies" }
                        );
                    }
                    if r.partial_bytes > 0 {
                        say!(
                            "  a partial last line ({} bytes): a write interrupted by a crash, never acknowledged; the writer cuts it when it reopens the log",
                            r.partial_bytes
                        );
                    }
                    if r.salts_opened > 0 {
                        say!(
                            "  {} released salt(s) open their commitments",
                            r.salts_opened
                        );
                    }
                    if r.packs > 0 {
                        say!("  {} evidence pack(s) verify against this log", r.packs);
                    }
                    if r.seen_checkpoints > 0 {
                        say!(
                            "  {} checkpoint(s) received elsewhere agree with this log",
                            r.seen_checkpoints
                        );
                    }
                    if !r.key_trusted {
                        say!(
                            "  note: checked with the log's own key (log.vkey) — this shows the log is intact, not who signed it; pass --key"
                        );
                    }
                }
            }
            Ok(0)
        }
        Err(e) => {
            match args.format {
                Format::Json => say!(
                    "{}",
                    serde_json::json!({"dir": shown.to_string(), "verified": false, "problems": e.problems})
                ),
                Format::Text => {
                    say!("✗ {shown}: the log does NOT verify");
                    for p in &e.problems {
                        say!("  - {p}");
                    }
                }
            }
            Ok(1)
        }
    }
}
