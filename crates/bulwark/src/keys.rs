//! `bulwark keys`: Ed25519 keys for parties and nodes, in the C2SP
//! signed-note key formats — a signer key file (secret, written once, only
//! its owner may read it) and its verifier key (public: give it to whoever
//! must check your signatures). `--witness` makes a witness's cosigning
//! key instead (C2SP tlog-cosignature, type 0x04; `bulwark witness`).

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use ledger::note::{ALG_COSIGNATURE_V1, Signer, Verifier};
use ledger::witness::{CosignatureVerifier, Cosigner};

use crate::Format;

#[derive(clap::Args, Debug)]
pub struct KeysArgs {
    #[command(subcommand)]
    command: KeysCommand,
}

#[derive(clap::Subcommand, Debug)]
enum KeysCommand {
    /// Make a new key pair: writes the signer key to FILE (refusing to
    /// overwrite one) and prints the verifier key.
    Generate {
        /// The key's name: a party or node id, or a log's origin
        /// (`bulwark.example/ukraine-2025`). No spaces or `+`.
        #[arg(long)]
        name: String,
        /// Where to write the signer key (created with permissions 0600).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Make a witness's cosigning key (C2SP tlog-cosignature, key type
        /// 0x04) rather than a note signing key: for `bulwark witness`.
        #[arg(long)]
        witness: bool,
    },
    /// Print the verifier key (and key id) of a signer key file, or check
    /// a verifier key (given on the command line or in a file); note or
    /// witness keys.
    Show {
        /// A signer key file, or a verifier key (`NAME+KEYID+KEY`) or a
        /// file holding one.
        key: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

pub fn run(args: &KeysArgs) -> Result<u8> {
    match &args.command {
        KeysCommand::Generate { name, out, witness } => generate(name, out, *witness),
        KeysCommand::Show { key, format } => show(key, *format),
    }
}

fn generate(name: &str, out: &PathBuf, witness: bool) -> Result<u8> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed)
        .map_err(|e| anyhow::anyhow!("no randomness from the system: {e}"))?;
    let (secret, public) = if witness {
        let c = Cosigner::from_seed(name, seed).map_err(|e| anyhow::anyhow!("{e}"))?;
        (c.encode(), c.verifier().encode())
    } else {
        let s = Signer::from_seed(name, seed).map_err(|e| anyhow::anyhow!("{e}"))?;
        (s.encode(), s.verifier().encode())
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = match options.open(out) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => bail!(
            "`{}` already exists: a key file is never overwritten (remove it first if you mean to replace the key)",
            out.display()
        ),
        Err(e) => return Err(e).with_context(|| format!("cannot create `{}`", out.display())),
    };
    file.write_all(format!("{secret}\n").as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write `{}`", out.display()))?;
    say!("{public}");
    eprintln!(
        "bulwark: signer key written to `{}` (keep it secret); the line above is its verifier key",
        out.display()
    );
    Ok(0)
}

/// Reads a signer key file.
pub fn read_signer(path: &std::path::Path) -> Result<Signer> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the key file `{}`", path.display()))?;
    Signer::parse(text.trim_end()).map_err(|e| anyhow::anyhow!("`{}`: {e}", path.display()))
}

/// Reads a verifier key: given as `NAME+KEYID+KEY`, or a file holding one,
/// or a signer key file (its verifier).
pub fn read_verifier(key: &str) -> Result<Verifier> {
    let path = std::path::Path::new(key);
    if key.contains('+') && !path.exists() {
        return Verifier::parse(key).map_err(|e| anyhow::anyhow!("{e}"));
    }
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read `{key}`"))?;
    let line = text.trim_end();
    match Verifier::parse(line) {
        Ok(v) => Ok(v),
        Err(_) => Signer::parse(line).map(|s| s.verifier()).map_err(|e| {
            anyhow::anyhow!("`{key}` is neither a verifier key nor a signer key: {e}")
        }),
    }
}

/// A verifier key's name, key id, encoding and type.
struct Shown {
    name: String,
    id: [u8; 4],
    verifier: String,
    kind: &'static str,
}

fn from_note(v: &Verifier) -> Shown {
    Shown {
        name: v.name.clone(),
        id: v.id,
        verifier: v.encode(),
        kind: "note",
    }
}

fn from_witness(v: &CosignatureVerifier) -> Shown {
    Shown {
        name: v.name.clone(),
        id: v.id,
        verifier: v.encode(),
        kind: "cosignature",
    }
}

fn show(key: &str, format: Format) -> Result<u8> {
    let witness = |text: &str| ledger::note::key_type(text) == Some(ALG_COSIGNATURE_V1);
    let (text, file) = if key.contains('+') && !std::path::Path::new(key).exists() {
        (key.to_string(), None)
    } else {
        let text = std::fs::read_to_string(key).with_context(|| format!("cannot read `{key}`"))?;
        (text.trim().to_string(), Some(key))
    };
    let shown = match (text.starts_with("PRIVATE+KEY+"), witness(&text)) {
        (true, true) => Cosigner::parse(&text).map(|c| from_witness(&c.verifier())),
        (true, false) => Signer::parse(&text).map(|s| from_note(&s.verifier())),
        (false, true) => CosignatureVerifier::parse(&text).map(|v| from_witness(&v)),
        (false, false) => Verifier::parse(&text).map(|v| from_note(&v)),
    }
    .map_err(|e| match file {
        Some(f) => anyhow::anyhow!("`{f}`: {e}"),
        None => anyhow::anyhow!("{e}"),
    })?;
    match format {
        Format::Text => {
            say!("name      {}", shown.name);
            say!("key id    {}", ledger::merkle::hex(&shown.id));
            say!("type      {}", shown.kind);
            say!("verifier  {}", shown.verifier);
        }
        Format::Json => say!(
            "{}",
            serde_json::json!({
                "name": shown.name,
                "key_id": ledger::merkle::hex(&shown.id),
                "type": shown.kind,
                "verifier": shown.verifier,
            })
        ),
    }
    Ok(0)
}
