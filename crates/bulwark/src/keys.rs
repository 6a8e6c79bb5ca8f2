//! `bulwark keys`: Ed25519 keys for parties and nodes, in the C2SP
//! signed-note key formats — a signer key file (secret, written once, only
//! its owner may read it) and its verifier key (public: give it to whoever
//! must check your signatures). `--witness` makes a witness's cosigning
//! key instead (C2SP tlog-cosignature, type 0x04; `bulwark witness`).
//!
//! `grant`, `revoke` and `rotate-root` are what a party's operator runs
//! with the party's root key: each prints a key statement signed by that
//! root (the `keyring` crate, docs/keys.md), to be posted to the node. The
//! clock is read here, for `issued_at`, never in the crate.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, anyhow, bail};
use base::Timestamp;
use keyring::{Action, Statement};
use ledger::note::{ALG_COSIGNATURE_V1, Signer, Verifier};
use ledger::witness::{CosignatureVerifier, Cosigner};

use crate::Format;

#[derive(clap::Args, Debug)]
pub struct KeysArgs {
    #[command(subcommand)]
    command: KeysCommand,
}

/// How a statement reaches the node, for the help of `grant`, `revoke`
/// and `rotate-root`.
macro_rules! posting {
    () => {
        "These are the commands a party's operator runs, with the party's root key. Each prints one signed statement (JSON) on standard output and changes nothing by itself: post it to the node, e.g. `curl --data-binary @stmt.json URL/api/v1/keys`. The node checks it against the key registry (the root's signature, the serial, the key rules) and logs it; `GET /api/v1/keys` shows the registry, with each party's last `serial`. Exit status: 0 printed, 2 refused."
    };
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
    /// Grant an operational key one or more roles: prints the statement,
    /// signed by the party's root key, to post to the node.
    ///
    /// The operational key then signs the party's requests (RFC 9421, its
    /// name as `keyid`) for those roles, from the log entry of the grant
    /// on. Generate it first (`bulwark keys generate --name ukraine-ops-1
    /// --out ukraine-ops-1.key > ukraine-ops-1.vkey`); its name and public
    /// key must never have been registered before.
    #[command(after_help = concat!(
        "Examples:\n  \
bulwark keys grant --root ukraine-root.key --party ukraine --serial 1 --key ukraine-ops-1.vkey --role reporter --role analyst > stmt.json\n  \
curl --data-binary @stmt.json https://node.example/api/v1/keys\n\n",
        posting!()
    ))]
    Grant {
        #[command(flatten)]
        statement: StatementArgs,
        /// The operational key granted: its verifier key line
        /// (`NAME+KEYID+KEY`), or a file holding it.
        #[arg(long, value_name = "OPS.vkey")]
        key: String,
        /// A role to grant; repeat for several.
        #[arg(long = "role", value_name = "ROLE", required = true, value_parser = roles())]
        roles: Vec<String>,
    },
    /// Revoke an operational key of the party: prints the statement, signed
    /// by the party's root key, to post to the node.
    ///
    /// The key signs nothing from the log entry of the revocation on, and
    /// a revocation is final: the key, and its name, are never granted
    /// again. The reason is public.
    #[command(after_help = concat!(
        "Examples:\n  \
bulwark keys revoke --root ukraine-root.key --party ukraine --serial 2 --key ukraine-ops-1 --reason 'laptop lost on 5 December' > stmt.json\n  \
curl --data-binary @stmt.json https://node.example/api/v1/keys\n\n",
        posting!()
    ))]
    Revoke {
        #[command(flatten)]
        statement: StatementArgs,
        /// The key's name (or its verifier key line: its name is taken).
        #[arg(long, value_name = "NAME")]
        key: String,
        /// Why, in words, on one line (public).
        #[arg(long, value_name = "TEXT")]
        reason: String,
    },
    /// Replace the party's root key: prints the statement, signed by the
    /// current root key, to post to the node.
    ///
    /// From the log entry of the rotation on, only the new root signs the
    /// party's statements; the old one is retired for good. Operational
    /// keys stay in force: if the old root may be compromised, revoke the
    /// keys it granted, with the new root. Generate the new root first
    /// (`bulwark keys generate --name ukraine-root-2 --out
    /// ukraine-root-2.key > ukraine-root-2.vkey`).
    #[command(name = "rotate-root", after_help = concat!(
        "Examples:\n  \
bulwark keys rotate-root --root ukraine-root.key --party ukraine --serial 3 --new-root ukraine-root-2.vkey > stmt.json\n  \
curl --data-binary @stmt.json https://node.example/api/v1/keys\n\n",
        posting!()
    ))]
    RotateRoot {
        #[command(flatten)]
        statement: StatementArgs,
        /// The new root key: its verifier key line, or a file holding it.
        #[arg(long, value_name = "NEW.vkey")]
        new_root: String,
    },
}

/// What every key statement needs.
#[derive(clap::Args, Debug)]
struct StatementArgs {
    /// The party's root signer key file (`PRIVATE+KEY+…`), which signs the
    /// statement.
    #[arg(long, value_name = "ROOT.key")]
    root: PathBuf,
    /// The party id, as in the framework and the node's key registry file
    /// (`ukraine`, `monitoring-mission`).
    #[arg(long, value_name = "PARTY")]
    party: String,
    /// The party's next serial: its last statement's + 1, or 1 for its
    /// first (`GET /api/v1/keys` shows the last as `serial`).
    #[arg(long, value_name = "N")]
    serial: u64,
    /// The statement's `issued_at` (RFC 3339, e.g. 2026-12-04T08:00:00Z);
    /// the system clock's time when not given. Recorded, not checked.
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
}

/// The roles, with what each lets a key do, for `--role`.
fn roles() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(
        keyring::ROLES
            .iter()
            .map(|(role, meaning)| clap::builder::PossibleValue::new(*role).help(*meaning)),
    )
}

pub fn run(args: &KeysArgs) -> Result<u8> {
    match &args.command {
        KeysCommand::Generate { name, out, witness } => generate(name, out, *witness),
        KeysCommand::Show { key, format } => show(key, *format),
        KeysCommand::Grant {
            statement,
            key,
            roles,
        } => {
            let key = read_verifier(key)?;
            statement_of(statement, |root| {
                if key.verifying_key() == root.verifier().verifying_key() {
                    bail!(
                        "`{}` is the root key itself: a root key never signs requests; generate an operational key (`bulwark keys generate`) and grant that",
                        key.name
                    );
                }
                Ok(Action::Grant {
                    key: key.clone(),
                    roles: roles.clone(),
                })
            })
        }
        KeysCommand::Revoke {
            statement,
            key,
            reason,
        } => statement_of(statement, |_| {
            Ok(Action::Revoke {
                key: key.split('+').next().unwrap_or_default().to_string(),
                reason: reason.clone(),
            })
        }),
        KeysCommand::RotateRoot {
            statement,
            new_root,
        } => {
            let new_root = read_verifier(new_root)?;
            statement_of(statement, |root| {
                if new_root.verifying_key() == root.verifier().verifying_key() {
                    bail!(
                        "the new root `{}` is the current root key: generate a new key (`bulwark keys generate`) to rotate to",
                        new_root.name
                    );
                }
                Ok(Action::RotateRoot {
                    root: new_root.clone(),
                })
            })
        }
    }
}

/// Makes the statement of `args` and `action`, checks it on its own, signs
/// it with the root key and prints it.
fn statement_of(
    args: &StatementArgs,
    action: impl FnOnce(&Signer) -> Result<Action>,
) -> Result<u8> {
    let root = read_signer(&args.root)?;
    let issued_at = match &args.at {
        Some(text) => Timestamp::parse(text).map_err(|e| anyhow!("--at: {e}"))?,
        None => now()?,
    };
    let statement = Statement {
        party: args.party.clone(),
        serial: args.serial,
        issued_at,
        action: action(&root)?,
    };
    let problems = statement.problems();
    if !problems.is_empty() {
        bail!(
            "the statement is refused: {}",
            problems
                .iter()
                .map(|p| p.replace("`statement.", "`"))
                .collect::<Vec<_>>()
                .join("; ")
        );
    }
    let signed = keyring::sign(&statement, &root);
    say!("{}", signed.to_json());
    eprintln!(
        "bulwark: the {statement}, signed by `{}`; post it to the node: curl --data-binary @FILE URL/api/v1/keys",
        root.name
    );
    Ok(0)
}

/// The system clock's time, to the second.
fn now() -> Result<Timestamp> {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|_| anyhow!("the system clock is before 1970: give the time with --at"))?;
    let seconds = i64::try_from(since.as_secs())
        .map_err(|_| anyhow!("the system clock is out of range: give the time with --at"))?;
    Ok(Timestamp::from_seconds(seconds))
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
