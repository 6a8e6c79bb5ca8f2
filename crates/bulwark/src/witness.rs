//! `bulwark witness`: cosign a log's checkpoints as a witness (C2SP
//! tlog-cosignature), keeping per log the last tree head cosigned in a
//! state file, and check that a checkpoint carries cosignatures from
//! enough distinct parties.
//!
//! The state file is replaced crash-safely (temporary file, fsync, rename,
//! fsync of the directory) and under a lock, before the cosignature is
//! printed: a witness that crashes or restarts never cosigns a checkpoint
//! inconsistent with one it gave out.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ledger::merkle::Hash;
use ledger::note::Verifier;
use ledger::witness::{
    CosignatureVerifier, Cosigner, Witness, WitnessError, WitnessKey, verify_cosignatures,
};

use crate::Format;

#[derive(clap::Args, Debug)]
pub struct WitnessArgs {
    #[command(subcommand)]
    command: WitnessCommand,
}

#[derive(clap::Subcommand, Debug)]
enum WitnessCommand {
    /// Cosign a checkpoint if it extends the last one cosigned for its log,
    /// and print it with the cosignature appended.
    ///
    /// Checks the log's signature, that the checkpoint's origin is the log
    /// key's name, and that its tree extends the one last cosigned for
    /// that origin (recorded in the state file): the same size needs the
    /// same root (another root is a fork, refused naming both), a smaller
    /// size is refused, a larger one needs a consistency proof. The state
    /// file is updated durably before anything is printed. A missing state
    /// file is a witness that has cosigned nothing: keep it safe. Exit
    /// status: 0 cosigned, 1 refused, 2 could not run.
    #[command(
        after_help = "PROOF is a text file holding the RFC 9162 consistency proof from \
the tree size last cosigned for this log (see the state file) to the checkpoint's size: one \
SHA-256 hash per line, in base64 (44 characters), in the proof's order; blank lines are \
ignored. It is not needed the first time a log is cosigned, nor for the same size again.\n\n\
The state file holds one line per log: `SIZE BASE64(ROOT) ORIGIN`, after the line \
`bulwark witness state v1`.\n\n\
Examples:\n  \
bulwark keys generate --witness --name witness.example/w1 --out w1.key\n  \
bulwark witness cosign --key w1.key --log-key log.vkey --state w1.state checkpoint.txt\n  \
bulwark witness cosign --key w1.key --log-key log.vkey --state w1.state checkpoint.txt --proof proof.txt --format json"
    )]
    Cosign {
        /// The checkpoint: a signed note from the log.
        checkpoint: PathBuf,
        /// The witness's cosigning key file (`bulwark keys generate --witness`).
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        /// The log's verifier key: a file, or the key itself.
        #[arg(long, value_name = "KEY")]
        log_key: String,
        /// The witness state file (created if missing).
        #[arg(long, value_name = "FILE")]
        state: PathBuf,
        /// The consistency proof from the size last cosigned (see below).
        #[arg(long, value_name = "PROOF")]
        proof: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Check that a checkpoint is signed by its log and cosigned by at least
    /// K distinct parties.
    ///
    /// Each `--witness PARTY=KEY` gives a witness verifier key (a file, or
    /// the key itself) and the party it belongs to; keys of one party count
    /// once together; signatures by keys not given are ignored; a
    /// cosignature by a key given that does not verify fails the check.
    /// Exit status: 0 enough parties cosigned, 1 not (or a signature does
    /// not verify), 2 could not run (or K is 0 or more than the parties).
    #[command(after_help = "Examples:\n  \
bulwark witness verify checkpoint.txt --log-key log.vkey --witness ukraine=w1.vkey --witness poland=w2.vkey --require 2\n  \
bulwark witness verify checkpoint.txt --log-key log.vkey --witness 'ukraine=w1+1a2b3c4d+BA...' --require 1 --format json")]
    Verify {
        /// The checkpoint: a signed, cosigned note.
        checkpoint: PathBuf,
        /// The log's verifier key: a file, or the key itself.
        #[arg(long, value_name = "KEY")]
        log_key: String,
        /// A witness key and its party, `PARTY=KEY` (repeat for each).
        #[arg(long = "witness", value_name = "PARTY=KEY", required = true)]
        witnesses: Vec<String>,
        /// How many distinct parties must have cosigned.
        #[arg(long, value_name = "K")]
        require: usize,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

pub fn run(args: &WitnessArgs) -> Result<u8> {
    match &args.command {
        WitnessCommand::Cosign {
            checkpoint,
            key,
            log_key,
            state,
            proof,
            format,
        } => cosign(checkpoint, key, log_key, state, proof.as_deref(), *format),
        WitnessCommand::Verify {
            checkpoint,
            log_key,
            witnesses,
            require,
            format,
        } => verify(checkpoint, log_key, witnesses, *require, *format),
    }
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read `{}`", path.display()))
}

/// A key given as a file or as the key itself.
fn key_text(key: &str) -> Result<String> {
    if Path::new(key).exists() || !key.contains('+') {
        Ok(read(Path::new(key))?.trim().to_string())
    } else {
        Ok(key.to_string())
    }
}

fn log_verifier(key: &str) -> Result<Verifier> {
    Verifier::parse(&key_text(key)?).map_err(|e| anyhow!("the log key: {e}"))
}

/// Reads a proof file: one base64 hash per line.
fn read_proof(path: &Path) -> Result<Vec<Hash>> {
    let text = read(path)?;
    let mut proof = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let hash: Hash = STANDARD
            .decode(line)
            .ok()
            .and_then(|h| h.try_into().ok())
            .ok_or_else(|| {
                anyhow!(
                    "`{}` line {}: not a SHA-256 hash in base64 (32 bytes)",
                    path.display(),
                    i + 1
                )
            })?;
        proof.push(hash);
    }
    Ok(proof)
}

/// Takes the lock `STATE.lock` beside the state file, held until dropped:
/// two witness processes never cosign from the same state at once.
fn lock(state: &Path) -> Result<File> {
    let mut name = state.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    let path = state.with_file_name(name);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open the lock file `{}`", path.display()))?;
    file.lock()
        .with_context(|| format!("cannot lock `{}`", path.display()))?;
    Ok(file)
}

/// Replaces `path` with `text` so that a crash leaves the old or the new
/// file, never part of one: a temporary file beside it, synced, renamed
/// over it, and the directory synced.
fn write_durably(path: &Path, text: &str) -> Result<()> {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    let tmp = path.with_file_name(name);
    let mut file =
        File::create(&tmp).with_context(|| format!("cannot create `{}`", tmp.display()))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write `{}`", tmp.display()))?;
    drop(file);
    std::fs::rename(&tmp, path)
        .with_context(|| format!("cannot rename `{}` to `{}`", tmp.display(), path.display()))?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    File::open(dir)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("cannot sync the directory `{}`", dir.display()))?;
    Ok(())
}

fn now() -> Result<u64> {
    Ok(std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|_| anyhow!("the system clock is before 1970"))?
        .as_secs())
}

fn cosign(
    checkpoint: &Path,
    key: &Path,
    log_key: &str,
    state: &Path,
    proof: Option<&Path>,
    format: Format,
) -> Result<u8> {
    let cosigner =
        Cosigner::parse(read(key)?.trim()).map_err(|e| anyhow!("`{}`: {e}", key.display()))?;
    let log = log_verifier(log_key)?;
    let note = read(checkpoint)?;
    let proof = match proof {
        Some(p) => read_proof(p)?,
        None => Vec::new(),
    };
    let _lock = lock(state)?;
    let witness = match std::fs::read_to_string(state) {
        Ok(text) => Witness::parse(&text).map_err(|e| anyhow!("`{}`: {e}", state.display()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Witness::new(),
        Err(e) => {
            return Err(e).with_context(|| format!("cannot read `{}`", state.display()));
        }
    };
    let done = match witness.cosign(&cosigner, &log, &note, &proof, now()?) {
        Ok(done) => done,
        Err(e) => {
            eprintln!("bulwark: {}: {e}", checkpoint.display());
            return Ok(1);
        }
    };
    if done.witness != witness {
        write_durably(state, &done.witness.encode())?;
    }
    let root = STANDARD.encode(done.checkpoint.root);
    match format {
        Format::Text => {
            crate::write_stdout(&done.note);
            match done.previous {
                Some(p) => eprintln!(
                    "bulwark: cosigned `{}` at size {} (previously cosigned at size {})",
                    done.checkpoint.origin, done.checkpoint.size, p.size
                ),
                None => eprintln!(
                    "bulwark: cosigned `{}` at size {} (the first time for this log)",
                    done.checkpoint.origin, done.checkpoint.size
                ),
            }
        }
        Format::Json => say!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "origin": done.checkpoint.origin,
                "size": done.checkpoint.size,
                "root": root,
                "time": done.time,
                "previous": done.previous.map(|p| serde_json::json!({
                    "size": p.size,
                    "root": STANDARD.encode(p.root),
                })),
                "cosignature": done.line,
                "note": done.note,
            }))?
        ),
    }
    Ok(0)
}

fn verify(
    checkpoint: &Path,
    log_key: &str,
    witnesses: &[String],
    require: usize,
    format: Format,
) -> Result<u8> {
    let log = log_verifier(log_key)?;
    let mut keys = Vec::new();
    for w in witnesses {
        let Some((party, key)) = w.split_once('=') else {
            bail!("`--witness {w}`: give PARTY=KEY");
        };
        if party.is_empty() {
            bail!("`--witness {w}`: the party is empty");
        }
        let key = CosignatureVerifier::parse(&key_text(key)?)
            .map_err(|e| anyhow!("`--witness {w}`: {e}"))?;
        keys.push(WitnessKey {
            party: party.to_string(),
            key,
        });
    }
    let note = read(checkpoint)?;
    match verify_cosignatures(&note, &log, &keys, require) {
        Ok(q) => {
            match format {
                Format::Text => {
                    say!(
                        "checkpoint  {} size {} root {}",
                        q.checkpoint.origin,
                        q.checkpoint.size,
                        STANDARD.encode(q.checkpoint.root)
                    );
                    for c in &q.cosignatures {
                        say!("cosigned    {} by `{}` at {}", c.party, c.name, c.time);
                    }
                    for u in &q.unknown {
                        say!("ignored     `{u}` (not a key given)");
                    }
                    say!(
                        "ok          {} of the {} parties required cosigned ({})",
                        q.parties.len(),
                        q.required,
                        q.parties.join(", ")
                    );
                }
                Format::Json => say!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "ok": true,
                        "origin": q.checkpoint.origin,
                        "size": q.checkpoint.size,
                        "root": STANDARD.encode(q.checkpoint.root),
                        "required": q.required,
                        "parties": q.parties,
                        "cosignatures": q.cosignatures.iter().map(|c| serde_json::json!({
                            "party": c.party,
                            "name": c.name,
                            "time": c.time,
                        })).collect::<Vec<_>>(),
                        "unknown": q.unknown,
                    }))?
                ),
            }
            Ok(0)
        }
        Err(e @ WitnessError::BadPolicy(_)) => bail!("{e}"),
        Err(e) => {
            if format == Format::Json {
                say!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "ok": false,
                        "required": require,
                        "error": e.to_string(),
                    }))?
                );
            }
            eprintln!("bulwark: {}: {e}", checkpoint.display());
            Ok(1)
        }
    }
}
