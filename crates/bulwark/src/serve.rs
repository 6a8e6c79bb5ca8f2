//! `bulwark serve`: one node (crate `server`, docs/node.md).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};

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
    /// How parties authenticate: `signatures` (RFC 9421 signed requests
    /// under registry keys) or `local-tokens` (also bearer tokens from
    /// `DATA/tokens`, one per party with every role: for one machine only).
    #[arg(long, value_enum, default_value_t = AuthMode::Signatures)]
    auth: AuthMode,
    /// The authorization policy (Cedar). Default: `policy.cedar` beside the
    /// framework.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// The key registry file: each party's root key (docs/keys.md). Roots
    /// not yet in the log are enrolled on start. Default:
    /// `DATA/registry.toml` if it exists.
    #[arg(long, value_name = "FILE")]
    registry: Option<PathBuf>,
    /// Requests a second per party (and per peer address for the public),
    /// with an optional burst: `RATE/s[,BURST]`. Over it: 429 with
    /// Retry-After.
    #[arg(long, default_value = "200/s,400", value_name = "RATE")]
    rate_limit: String,
    /// An air-defence rotation plan (`bulwark plan rotations … --out
    /// PLAN.json`) to show on the dashboard's Logistics section and at
    /// `/api/v1/rotations`. It is checked against the framework at start; a
    /// plan with gaps or broken rules is served with its report.
    #[arg(long, value_name = "PLAN.json")]
    rotation_plan: Option<PathBuf>,
    /// When the framework entered into force (RFC 3339): the day 0 of the
    /// deliveries' `received_series` at `/api/v1/supply` and on the
    /// dashboard. Default: the framework's `adopted` date, at midnight UTC.
    #[arg(long, value_name = "TIME")]
    in_force: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum AuthMode {
    Signatures,
    LocalTokens,
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
    let policy_path = match &args.policy {
        Some(p) => p.clone(),
        None => {
            let dir = if args.framework.is_dir() {
                args.framework.clone()
            } else {
                args.framework
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_default()
            };
            dir.join("policy.cedar")
        }
    };
    let policy = std::fs::read_to_string(&policy_path).with_context(|| {
        format!(
            "cannot read the authorization policy `{}`: every node needs one (docs/authorization.md); give it with `--policy FILE`",
            policy_path.display()
        )
    })?;
    let registry_path = args.registry.clone().or_else(|| {
        let p = args.data.join("registry.toml");
        p.exists().then_some(p)
    });
    let roots = match &registry_path {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the key registry `{}`", path.display()))?;
            keyring::parse_roots(&text).map_err(|errs| {
                anyhow!(
                    "the key registry `{}` is refused:\n  {}",
                    path.display(),
                    errs.join("\n  ")
                )
            })?
        }
        None => {
            eprintln!(
                "bulwark: no key registry file (`--registry FILE` or `{}`): only keys already in the log can sign (docs/keys.md)",
                args.data.join("registry.toml").display()
            );
            Vec::new()
        }
    };
    let mut options = server::Options::new(&args.data, &policy, &policy_path.display().to_string());
    options.node_party = args.node_party.clone();
    options.auth = match args.auth {
        AuthMode::Signatures => server::auth::Mode::Signatures,
        AuthMode::LocalTokens => server::auth::Mode::LocalTokens,
    };
    options.roots = roots;
    options.rotation_plan = match &args.rotation_plan {
        Some(path) => Some(read_plan(path)?),
        None => None,
    };
    options.in_force = match &args.in_force {
        Some(text) => Some(base::Timestamp::parse(text).map_err(|e| anyhow!("--in-force: {e}"))?),
        None => None,
    };
    options.rate_limit = server::ratelimit::Limit::parse(&args.rate_limit)
        .map_err(|e| anyhow!("--rate-limit: {e}"))?;
    server::run(
        &fw,
        &server::Config {
            listen: args.listen.clone(),
            cot_listen: args.cot_listen.clone(),
            options,
        },
    )?;
    Ok(0)
}

/// Reads a rotation plan file, or says plainly why it cannot be served.
fn read_plan(path: &Path) -> Result<plan::Plan> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("cannot read the rotation plan `{}`", path.display()))?;
    serde_json::from_slice(&bytes).map_err(|e| {
        anyhow!(
            "{}:{}:{}: not a rotation plan (`bulwark-rotation-plan/1`, made by `bulwark plan rotations … --out PLAN.json`): {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })
}
