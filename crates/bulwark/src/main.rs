//! `bulwark`: the command line. Every subcommand is a thin shell over the
//! domain crates; this is the only place that reads files and prints.
//!
//! Exit codes: 0 success (no errors found), 1 errors found, 2 could not run
//! (a file could not be read, bad arguments).

/// Prints one line on standard output. A closed pipe (`bulwark … | head`)
/// ends the program quietly instead of with a panic.
macro_rules! say {
    () => { $crate::write_stdout("\n") };
    ($($arg:tt)*) => { $crate::write_stdout(&format!("{}\n", format_args!($($arg)*))) };
}

mod check;
mod exercise;
mod explain;
mod export;
mod ingest;
mod keys;
mod plan;
mod progress;
mod record;
mod serve;
mod submit;
mod supply;
mod verify;
mod witness;

/// Writes to standard output; exits quietly when the reader has gone away.
pub fn write_stdout(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(error) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("bulwark: cannot write the output: {error}");
        std::process::exit(2);
    }
}

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "bulwark",
    version,
    about = "Security guarantees as executable, auditable software",
    long_about = "bulwark turns a security-guarantee framework — triggers, evidence standards, \
a response ladder with clocks and votes, relief and snapback, resupply and air defence — \
into software that checks it, runs it and records it.\n\n\
Start with `bulwark check examples/ukraine-2025/framework.toml`, then run an exercise: \
`bulwark exercise examples/ukraine-2025 examples/ukraine-2025/scenarios/01-missile-salvo.toml`."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check a framework for syntax errors and for the gaps that make guarantees fail.
    ///
    /// Reports every problem at once, as `path:line:col: error[CODE]: message`,
    /// followed by a score per area (0–100). `bulwark explain CODE` says more
    /// about any code. Exit status: 0 no errors, 1 errors found, 2 could not read.
    #[command(after_help = "Examples:\n  \
bulwark check examples/ukraine-2025/framework.toml\n  \
bulwark check examples/budapest-1994 --format json\n  \
bulwark check --diff old/framework.toml new/framework.toml")]
    Check(check::CheckArgs),
    /// Run a scenario against a framework in virtual time and report whether
    /// the guarantee behaved as expected.
    ///
    /// Prints the timeline of decisions, then every expectation with ✓ or ✗.
    /// `--report FILE.html` also writes a self-contained after-action report
    /// (timeline chart, clocks, expectations, improvement plan, decisions).
    /// A `.csv` scenario is an MSEL (HSEEP Master Scenario Events List).
    /// `--compare OLD NEW SCENARIO…` runs the scenarios under both framework
    /// versions and reports what changes (the amendment impact).
    /// Exit status: 0 every expectation met (with `--compare`: compared),
    /// 1 one or more not met, 2 nothing was run (framework errors, invalid
    /// scenario — located on stderr).
    #[command(after_help = "Examples:\n  \
bulwark exercise examples/ukraine-2025 examples/ukraine-2025/scenarios/01-missile-salvo.toml\n  \
bulwark exercise examples/ukraine-2025 SCENARIO.toml --format json\n  \
bulwark exercise examples/ukraine-2025 SCENARIO.toml --report aar.html\n  \
bulwark exercise examples/ukraine-2025 MSEL.csv SCENARIO.toml\n  \
bulwark exercise --compare OLD_FRAMEWORK NEW_FRAMEWORK SCENARIO...\n\n\
The scenario format: docs/scenario-format.md; MSEL lists (CSV): docs/msel.md")]
    Exercise(exercise::ExerciseArgs),
    /// Explain a finding code (e.g. `B301`), or why a scenario's breaches
    /// were or were not certified and its tiers did or did not fire.
    ///
    /// Two forms. `bulwark explain CODE` says what a finding code of
    /// `bulwark check` means and how to fix it (`bulwark explain` lists every
    /// code). `bulwark explain FRAMEWORK SCENARIO` runs the scenario as
    /// `bulwark exercise` does and, for each breach, says why it was or was
    /// not certified and, for each tier of the ladder, why it did or did not
    /// fire: the explanations recorded with each decision, the votes counted
    /// and not counted with their reasons, the orders and the missed
    /// deadlines. `--breach` narrows it to one breach, `--tier` to one tier.
    /// Exit status: 0 explained, 2 nothing could be run or no such breach
    /// or tier.
    #[command(after_help = "Examples:\n  \
bulwark explain B301\n  \
bulwark explain\n  \
bulwark explain examples/ukraine-2025 examples/ukraine-2025/scenarios/01-missile-salvo.toml\n  \
bulwark explain examples/ukraine-2025 SCENARIO.toml --tier t3-energy-shipping\n  \
bulwark explain examples/ukraine-2025 SCENARIO.toml --breach B1 --format json")]
    Explain(explain::ExplainArgs),
    /// Convert the world's formats into bulwark's input lines: Cursor-on-Target
    /// (files, TAK streams, or live over TCP), STIX 2.1 bundles, GeoJSON zones,
    /// CSV tables through a mapping file.
    ///
    /// Writes one JSON line per observation (docs/wire-format.md) on standard
    /// output or to `--out`, and a summary per file on standard error: records
    /// read, imported, skipped (they carry no observation, such as a friendly
    /// position report) and rejected, each with its line, column and byte
    /// offset. A bad record never stops the others. The mappings are in
    /// docs/ingest.md. Exit status: 0 all imported, 1 some rejected (the good
    /// ones still written), 2 a file could not be read.
    #[command(after_help = "Examples:\n  \
bulwark ingest --from cot --party ukraine --source radar-kyiv --class radar events.xml\n  \
bulwark ingest --from cot --listen 127.0.0.1:8087 --party ukraine --class radar --out live.jsonl\n  \
bulwark ingest --from stix --party ukraine --class cyber-forensics bundle.json\n  \
bulwark ingest --from geojson --check zones.geojson\n  \
bulwark ingest --from csv:examples/ukraine-2025/mappings/missile-attacks.toml missile_attacks_daily.csv")]
    Ingest(ingest::IngestArgs),
    /// Export a certified cyber breach's evidence as a STIX 2.1 bundle.
    ///
    /// Runs the scenario as `bulwark exercise` does, then writes the breach
    /// (`--breach B1`) as a STIX report: a campaign for the breach, a
    /// sighting per observation that counted (with its identity and exact
    /// confidence in `x_bulwark_*` properties), the reporting parties, the
    /// threat actors it is attributed to and the targets. The same run
    /// gives the same bytes. Only a certified breach of a cyber trigger is
    /// exported. Exit status: 0 written, 1 refused (no such breach, not
    /// certified, not cyber — nothing written), 2 nothing could be run.
    #[command(after_help = "Examples:\n  \
bulwark export --to stix examples/ukraine-2025 examples/ukraine-2025/scenarios/05-cyber-grid-corroborated.toml --breach B1\n  \
bulwark export --to stix FRAMEWORK SCENARIO --breach B1 --out breach.stix.json\n\n\
The mapping: docs/ingest.md, \"Exporting a certified cyber breach as STIX\"")]
    Export(export::ExportArgs),
    /// Make and show Ed25519 keys (C2SP signed-note formats) for parties,
    /// nodes and logs; sign key registry statements with a party's root.
    ///
    /// `generate` writes a new signer key to a file only its owner can read
    /// (never over an existing one) and prints its verifier key; `show`
    /// prints the name, key id and verifier key of a signer key file, or
    /// checks a verifier key. `grant`, `revoke` and `rotate-root` print a
    /// statement signed by the party's root key, to post to the node's
    /// `/api/v1/keys` (docs/keys.md). Exit status: 0 done, 2 refused.
    #[command(after_help = "Examples:\n  \
bulwark keys generate --name ukraine-root --out ukraine-root.key > ukraine-root.vkey\n  \
bulwark keys generate --name ukraine-ops-1 --out ukraine-ops-1.key > ukraine-ops-1.vkey\n  \
bulwark keys grant --root ukraine-root.key --party ukraine --serial 1 --key ukraine-ops-1.vkey --role reporter > grant.json\n  \
curl --data-binary @grant.json http://127.0.0.1:8080/api/v1/keys\n  \
bulwark keys revoke --root ukraine-root.key --party ukraine --serial 2 --key ukraine-ops-1 --reason 'laptop lost'\n  \
bulwark keys generate --witness --name witness.example/w1 --out w1.key\n  \
bulwark keys show 'ukraine+1a2b3c4d+AQ...' --format json")]
    Keys(keys::KeysArgs),
    /// Check an evidence pack offline: every entry proves into a signed
    /// checkpoint, and it holds everything the certification names.
    ///
    /// The pack (written by `bulwark exercise … --out DIR` under
    /// `DIR/packs/`) holds the certification, every observation of its
    /// incidents — contradicting ones too — and its reviews, each with its
    /// inclusion proof, and a checkpoint signed by the log's key. Each
    /// failure is named: a changed entry, a proof that does not lead to the
    /// root, a bad signature, an observation the certification names that
    /// the pack lacks. `--replay FRAMEWORK` re-runs the evidence standard
    /// over the pack's inputs. Exit status: 0 verified (and, with
    /// `--replay`, certified again), 1 a check failed, 2 could not read.
    #[command(after_help = "Examples:\n  \
bulwark verify run/packs/B1.json\n  \
bulwark verify run/packs/B1.json --key run/log/log.vkey\n  \
bulwark verify run/packs/B1.json --replay examples/ukraine-2025 --format json\n\n\
The pack format: docs/ledger.md, \"Evidence packs\"")]
    Verify(verify::VerifyArgs),
    /// Run a node: the framework's sequencer with its store in embedded
    /// SQLite, the HTTP API, and optionally a Cursor-on-Target listener.
    ///
    /// Parties submit inputs (JSON, or JSON lines) to `POST /api/v1/inputs`
    /// as requests signed with their operational keys (HTTP Message
    /// Signatures, RFC 9421: `bulwark submit` does it); the keys are in the
    /// key registry — roots from `--registry`, operational keys granted by
    /// statements signed by a root (`bulwark keys grant`, posted to
    /// `/api/v1/keys`), all of it in the log. What each key may do is the
    /// authorization policy's answer (`policy.cedar` beside the framework,
    /// docs/authorization.md). Inputs are acknowledged only after a durable
    /// commit; the same input again gets its original receipt. Reads:
    /// `/api/v1/status`, `/api/v1/log/N` (with its inclusion proof),
    /// `/api/v1/checkpoint`, `/api/v1/keys`, a live stream of decisions at
    /// `/api/v1/stream`, and for auditors `/api/v1/restricted`,
    /// `/api/v1/outbox`, `/api/v1/security-events`; `/metrics`, `/healthz`,
    /// `/openapi.json`. Every refusal is written to `DATA/security.jsonl`.
    /// After a stop or a crash the node replays its store, records its
    /// downtime (clocks waiting on parties are extended) and fires overdue
    /// clocks at once. Exit status: 0 stopped, 2 could not start (each
    /// reason said).
    #[command(after_help = "Examples:\n  \
bulwark serve --framework examples/ukraine-2025 --data node-data --registry registry.toml\n  \
bulwark serve --framework examples/ukraine-2025 --listen 127.0.0.1:8080 --cot-listen 127.0.0.1:8087\n  \
bulwark submit --node http://127.0.0.1:8080 --key ukraine-ops.key inputs.jsonl\n  \
bulwark serve --framework examples/ukraine-2025 --auth local-tokens   # one machine: bearer tokens in DATA/tokens\n\n\
Security: docs/security.md. The API: docs/node.md and /openapi.json")]
    Serve(serve::ServeArgs),
    /// Submit inputs to a node as a party: each batch signed with your
    /// operational key (RFC 9421, Ed25519, with a content digest); one
    /// receipt per input.
    ///
    /// Every line is checked here first; nothing is sent if one is invalid
    /// (each problem printed as FILE:LINE). A receipt gives the input's log
    /// index and recorded time; an input the node received before gets its
    /// original receipt, so running the same file again is safe. Batches
    /// refused for the rate limit (429) or a lost connection are retried,
    /// signed afresh. Exit status: 0 all accepted, 1 some refused, 2 could
    /// not send (the node's reason said).
    #[command(after_help = "Examples:\n  \
bulwark submit --node http://127.0.0.1:8080 --key ukraine-ops.key observations.jsonl\n  \
bulwark ingest --from cot feed.xml --party ukraine --source radar-3 | bulwark submit --node http://127.0.0.1:8080 --key ukraine-ops.key -\n  \
bulwark submit --node http://127.0.0.1:8080 --key us-leader.key vote.jsonl --format json\n\n\
Keys: docs/keys.md; the wire format: docs/wire-format.md")]
    Submit(submit::SubmitArgs),
    /// Check a log directory offline: recompute its tree, check every
    /// checkpoint's signature and its consistency with the one before.
    ///
    /// Also checks that every entry is canonical JSON, that the latest
    /// checkpoint is one of the log's, that checkpoints received elsewhere
    /// (`--checkpoint FILE`) agree with it (a fork is named as such), and,
    /// in a directory written by `bulwark exercise --out`, the released
    /// salts of restricted entries and the evidence packs. A partial last
    /// line (a write cut by a crash, never acknowledged) is reported, not
    /// failed. Exit status: 0 verified, 1 a check failed, 2 could not read.
    #[command(
        name = "verify-log",
        after_help = "Examples:\n  \
bulwark verify-log run\n  \
bulwark verify-log run --key 'bulwark.example/log+1a2b3c4d+AQ...'\n  \
bulwark verify-log run --checkpoint received.note --format json"
    )]
    VerifyLog(verify::VerifyLogArgs),
    /// Cosign a log's checkpoints as a witness, and check that a checkpoint
    /// is cosigned by enough distinct parties (C2SP tlog-cosignature).
    ///
    /// `cosign` checks the log's signature and that the checkpoint extends
    /// the last one this witness cosigned for the log (a consistency
    /// proof; a fork is refused naming both roots), records it durably in
    /// the state file, then prints the checkpoint with the cosignature
    /// appended. `verify` checks the log's signature and counts valid
    /// cosignatures by distinct parties against `--require K`.
    /// Exit status: 0 cosigned / enough, 1 refused / not enough, 2 could
    /// not run.
    #[command(after_help = "Examples:\n  \
bulwark keys generate --witness --name witness.example/w1 --out w1.key\n  \
bulwark witness cosign --key w1.key --log-key log.vkey --state w1.state checkpoint.txt --proof proof.txt\n  \
bulwark witness verify checkpoint.txt --log-key log.vkey --witness ukraine=w1.vkey --witness poland=w2.vkey --require 2\n\n\
The formats: docs/ledger.md, \"Witness cosignatures\"")]
    Witness(witness::WitnessArgs),
    /// Commitments against deliveries, in one set of terms: the Kiel
    /// support tracker's donors (committed, allocated, the share
    /// allocated), a framework's `[[commitment]]` schedules against
    /// delivery receipts (shortfall, slip in days), days of supply against
    /// their floors, force posture against its targets, and financing.
    ///
    /// `bulwark supply kiel DIR` reads the tracker's CSV files;
    /// `bulwark supply commitments FRAMEWORK [DELIVERIES.jsonl]` judges the
    /// schedules; `bulwark supply days FRAMEWORK` projects each `[[stock]]`
    /// line; `bulwark supply posture FRAMEWORK [REPORTS.jsonl]` judges the
    /// `[[posture]]` targets; `bulwark supply finance FRAMEWORK
    /// [REPORTS.jsonl]` follows the `[[tranche]]`s and says which orders
    /// are pre-funded. See each one's `--help`.
    #[command(after_help = "Examples:\n  \
bulwark supply kiel path/to/kiel_support_tracker --donor Germany\n  \
bulwark supply commitments examples/ukraine-2025 deliveries.jsonl --day 60\n  \
bulwark supply days examples/ukraine-2025 --breach-at 45\n  \
bulwark supply posture examples/ukraine-2025 levels.jsonl\n  \
bulwark supply finance examples/ukraine-2025 steps.jsonl\n\n\
The terms and rules: docs/supply.md")]
    Supply(supply::SupplyArgs),
    /// Air-defence rotations: `bulwark plan rotations FRAMEWORK` finds a
    /// plan that covers every site every day (or the fewest gaps, each
    /// explained) with HiGHS; `bulwark plan check FRAMEWORK PLAN.json`
    /// proves a plan gap-free or lists its gaps, with no solver.
    #[command(after_help = "Examples:\n  \
bulwark plan rotations examples/ukraine-2025 --days 180 --out plan.json\n  \
bulwark plan check examples/ukraine-2025 plan.json\n\n\
The model and the plan format: docs/rotations.md")]
    Plan(plan::PlanArgs),
}

/// Output format for commands that report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Lines for people.
    #[default]
    Text,
    /// One JSON document for scripts (see docs/check-json.md).
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Exercise(args) => exercise::run(&args),
        Command::Ingest(args) => ingest::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Keys(args) => keys::run(&args),
        Command::Verify(args) => verify::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Submit(args) => submit::run(&args),
        Command::VerifyLog(args) => verify::run_log(&args),
        Command::Witness(args) => witness::run(&args),
        Command::Supply(args) => supply::run(&args),
        Command::Plan(args) => plan::run(&args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("bulwark: {error:#}");
            ExitCode::from(2)
        }
    }
}
