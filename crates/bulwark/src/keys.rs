//! `bulwark keys`: Ed25519 keys for parties and nodes, in the C2SP
//! signed-note key formats — a signer key file (secret, written once, only
//! its owner may read it) and its verifier key (public: give it to whoever
//! must check your signatures).

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use ledger::note::Signer;

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
    },
    /// Print the verifier key (and key id) of a signer key file, or check
    /// a verifier key given on the command line.
    Show {
        /// A signer key file, or a verifier key (`NAME+KEYID+KEY`).
        key: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

pub fn run(args: &KeysArgs) -> Result<u8> {
    match &args.command {
        KeysCommand::Generate { name, out } => generate(name, out),
        KeysCommand::Show { key, format } => show(key, *format),
    }
}

fn generate(name: &str, out: &PathBuf) -> Result<u8> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed)
        .map_err(|e| anyhow::anyhow!("no randomness from the system: {e}"))?;
    let signer = Signer::from_seed(name, seed).map_err(|e| anyhow::anyhow!("{e}"))?;
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
    file.write_all(format!("{}\n", signer.encode()).as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write `{}`", out.display()))?;
    say!("{}", signer.verifier().encode());
    eprintln!(
        "bulwark: signer key written to `{}` (keep it secret); the line above is its verifier key",
        out.display()
    );
    Ok(0)
}

fn show(key: &str, format: Format) -> Result<u8> {
    let verifier = if key.contains('+') && !std::path::Path::new(key).exists() {
        ledger::note::Verifier::parse(key).map_err(|e| anyhow::anyhow!("{e}"))?
    } else {
        let text = std::fs::read_to_string(key).with_context(|| format!("cannot read `{key}`"))?;
        Signer::parse(text.trim_end())
            .map_err(|e| anyhow::anyhow!("`{key}`: {e}"))?
            .verifier()
    };
    match format {
        Format::Text => {
            say!("name      {}", verifier.name);
            say!("key id    {}", ledger::merkle::hex(&verifier.id));
            say!("verifier  {}", verifier.encode());
        }
        Format::Json => say!(
            "{}",
            serde_json::json!({
                "name": verifier.name,
                "key_id": ledger::merkle::hex(&verifier.id),
                "verifier": verifier.encode(),
            })
        ),
    }
    Ok(0)
}
