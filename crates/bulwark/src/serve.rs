//! `bulwark serve`: one node (crate `server`, docs/node.md).

use std::path::PathBuf;

use anyhow::{Result, anyhow};

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// The framework: a `.toml` file, or a directory holding `framework.toml`.
    #[arg(long)]
    framework: PathBuf,
    /// The node's data directory: its SQLite store, its key, the parties'
    /// tokens. Made on first start.
    #[arg(long, default_value = "bulwark-data")]
    data: PathBuf,
    /// Where the HTTP API listens.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
    /// Also listen for Cursor-on-Target over TCP (as TAK clients send it).
    /// Its observations are unauthenticated: logged with the source class
    /// `unauthenticated`, which no evidence standard counts.
    #[arg(long, value_name = "ADDR")]
    cot_listen: Option<String>,
    /// The party whose name CoT observations and the node's own inputs
    /// (its recorded downtime) carry. Default: `coalition` if the framework
    /// has it, else its first party.
    #[arg(long)]
    node_party: Option<String>,
}

pub fn run(args: &ServeArgs) -> Result<u8> {
    let (fw, diags) = crate::check::load(&args.framework)?;
    let errors: Vec<_> = diags
        .iter()
        .filter(|d| d.severity == base::Severity::Error)
        .collect();
    if !errors.is_empty() {
        for d in errors {
            eprintln!("{d}");
        }
        return Err(anyhow!(
            "the framework `{}` has errors; fix them before serving it (`bulwark check` says more)",
            args.framework.display()
        ));
    }
    server::run(
        &fw,
        &server::Config {
            data: args.data.clone(),
            listen: args.listen.clone(),
            cot_listen: args.cot_listen.clone(),
            node_party: args.node_party.clone(),
        },
    )?;
    Ok(0)
}
