//! `bulwark supply`: commitments against deliveries — the Kiel support
//! tracker's figures, and a framework's delivery schedules, in the same
//! terms (`crates/supply` decides; this reads the files and prints).

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use supply::kiel::{self, Category, Ledger, billions};
use supply::schedule::{self, StepStatus};
use supply::{Refused, chain, finance, percent, posture, stock};

use crate::Format;

#[derive(clap::Args, Debug)]
pub struct SupplyArgs {
    #[command(subcommand)]
    command: SupplyCommand,
}

#[derive(clap::Subcommand, Debug)]
enum SupplyCommand {
    /// Each donor's committed and allocated support from the Kiel Ukraine
    /// Support Tracker, and the share of its commitment allocated.
    ///
    /// DIR holds the tracker as CSV: `country_summary.csv` (per donor and
    /// category — military, financial, humanitarian — committed and
    /// allocated, EUR billions) and `bilateral_activities.csv` (each dated
    /// activity). Text shows EUR billions with two decimals, donors by
    /// commitment, largest first; `--format json` gives exact euro cents,
    /// shares in basis points and each donor's monthly cumulative series.
    /// `--donor` shows one donor by category and month. Donors whose
    /// activities do not add up to their summary line are named. Every
    /// refused row is listed as FILE:LINE:COLUMN with its reason; the rest
    /// is still read. Exit status: 0 all read, 1 some rows refused, 2 a
    /// file could not be read or no such donor.
    #[command(after_help = "Examples:\n  \
bulwark supply kiel path/to/kiel_support_tracker\n  \
bulwark supply kiel path/to/kiel_support_tracker --donor 'United States'\n  \
bulwark supply kiel path/to/kiel_support_tracker --format json\n\n\
The terms and the source: docs/supply.md")]
    Kiel(KielArgs),
    /// A framework's `[[commitment]]`s against their deliveries: each
    /// delivery's chain (committed, allocated, shipped, received), what is
    /// due by the day judged, what was received, the shortfall, and how
    /// late each schedule step was met.
    ///
    /// DELIVERIES holds delivery inputs in the wire format, one JSON input
    /// a line, as `bulwark submit` sends them to a node — each step from the
    /// party that owns it: `committed`, `allocated` and `shipped` from the
    /// commitment's party, `received` from the protected state:
    /// `{"v":1,"type":"delivery","id":{"party":"ukraine","source":"log-command","message":"rx-1"},"commitment":"c-iris-t-missiles","shipment":"IRIS-01","step":"received","quantity":40,"at":"2026-01-17T09:30:00Z"}`.
    /// Only received steps count as delivered; a shipment shipped and not
    /// yet received is shown as in transit. A step from the wrong party,
    /// for a commitment the framework lacks, or not a delivery is refused
    /// as FILE:LINE:COLUMN with its reason, the rest still read; a step
    /// repeated counts once and is flagged. Days count from the entry into
    /// force (`--in-force`, default the framework's `adopted` date at
    /// midnight UTC), a started day counting as a day. Without DELIVERIES
    /// nothing is delivered and everything due is short. `--day N` judges
    /// on day N (default: the last scheduled day). Exit status: 0 nothing
    /// short, 1 something short or a line refused, 2 a file could not be
    /// read or no entry into force is known.
    #[command(after_help = "Examples:\n  \
bulwark supply commitments examples/ukraine-2025\n  \
bulwark supply commitments examples/ukraine-2025 examples/ukraine-2025/supply/deliveries.jsonl --day 40\n  \
bulwark supply commitments examples/ukraine-2025 examples/ukraine-2025/supply/deliveries.jsonl --format json\n  \
bulwark supply commitments examples/ukraine-2025 deliveries.jsonl --in-force 2026-01-01T00:00:00Z\n\n\
A delivery's chain (one shipment, each step from its owner):\n  \
{\"v\":1,\"type\":\"delivery\",\"id\":{\"party\":\"germany\",\"source\":\"bmvg\",\"message\":\"IRIS-01-S\"},\"commitment\":\"c-iris-t-missiles\",\"shipment\":\"IRIS-01\",\"step\":\"shipped\",\"quantity\":40,\"at\":\"2026-01-15T08:00:00Z\"}\n  \
{\"v\":1,\"type\":\"delivery\",\"id\":{\"party\":\"ukraine\",\"source\":\"log-command\",\"message\":\"RX-IRIS-01\"},\"commitment\":\"c-iris-t-missiles\",\"shipment\":\"IRIS-01\",\"step\":\"received\",\"quantity\":40,\"at\":\"2026-01-17T09:30:00Z\"}\n\n\
The chain and the rules: docs/supply.md")]
    Commitments(CommitmentsArgs),
    /// Days of supply of each `[[stock]]` line (155mm, interceptors …),
    /// projected day by day against its alert floor — with and without the
    /// deliveries the commitments still promise — and an alert for each
    /// day a projection goes below its floor, with why.
    ///
    /// The projection starts from the last stock report on or before the
    /// day viewed (`--stock`, JSON lines
    /// `{"category":"155mm","on_hand":410000,"day":40}` or with
    /// `"at":TIME` and `--in-force`), else from the framework's `on_hand`
    /// on day 0. It adds what was received after that report (`--receipts`,
    /// the delivery inputs of `bulwark supply commitments`: only `received`
    /// steps count), and — on the *with
    /// promised* curve — each schedule step as it falls due (steps already
    /// missed are not assumed to arrive: they are missing deliveries). It
    /// subtracts `per_day`, or `surge_per_day` for `surge_days` days from
    /// each `--breach-at` (a day, or a time with `--in-force`). Days of
    /// supply = stock ÷ the day's consumption, rounded down. A chart per
    /// line shows both curves against the floor. Exit status: 0 read, 1 a
    /// line refused (or an alert, with `--fail-on-alert`), 2 a file could
    /// not be read or an argument is wrong.
    #[command(after_help = "Examples:\n  \
bulwark supply days examples/ukraine-2025\n  \
bulwark supply days examples/ukraine-2025 --breach-at 45 --days 120\n  \
bulwark supply days examples/ukraine-2025 --stock examples/ukraine-2025/supply/stock.jsonl --receipts examples/ukraine-2025/supply/deliveries.jsonl --day 40\n  \
bulwark supply days examples/ukraine-2025 --in-force 2026-01-01T00:00:00Z --breach-at 2026-02-14T03:00:00Z --fail-on-alert\n\n\
A stock report line:  {\"category\":\"155mm\",\"on_hand\":410000,\"day\":40}\n\
The rules: docs/supply.md, \"Days of supply\"")]
    Days(DaysArgs),
    /// Force posture: each `[[posture]]` target (a range `min`–`max` to
    /// reach `by` a date) against the levels reported for it — the latest
    /// level, below / within / above, overdue when still below after `by`,
    /// and the trend per 30 days.
    ///
    /// REPORTS is a JSON-lines file, one level a line:
    /// `{"target":"pos-armed-forces","level":780000,"at":"2026-03-01T00:00:00Z"}`.
    /// Without it every target is unreported. `--at TIME` judges
    /// "overdue" at that moment (default: the latest report). Exit status:
    /// 0 read, 1 a line refused (or a target overdue, with
    /// `--fail-on-alert`), 2 a file could not be read.
    #[command(after_help = "Examples:\n  \
bulwark supply posture examples/ukraine-2025\n  \
bulwark supply posture examples/ukraine-2025 examples/ukraine-2025/supply/levels.jsonl\n  \
bulwark supply posture examples/ukraine-2025 examples/ukraine-2025/supply/levels.jsonl --at 2026-07-01T00:00:00Z --fail-on-alert\n\n\
The rules: docs/supply.md, \"Force posture\"")]
    Posture(PostureArgs),
    /// Financing: each `[[tranche]]` against the steps reported for it
    /// (pledged, approved, disbursed), totals by source and currency
    /// (different currencies are never added), and which orders of the
    /// response ladder are pre-funded and which still wait on a vote.
    ///
    /// REPORTS is a JSON-lines file, one step a line, each an event (that
    /// much more, then): `{"tranche":"tr-windfall","step":"disbursed","amount_millions":500,"at":"2026-02-01T00:00:00Z"}`.
    /// An order is pre-funded when its `tranche` is `funded` or
    /// `appropriated`; from a `pending_vote` tranche, or from none, it
    /// waits. Exit status: 0 read, 1 a line refused (or an order of an
    /// automatic tier not pre-funded, with `--fail-on-alert`), 2 a file
    /// could not be read.
    #[command(after_help = "Examples:\n  \
bulwark supply finance examples/ukraine-2025\n  \
bulwark supply finance examples/ukraine-2025 examples/ukraine-2025/supply/steps.jsonl --format json\n\n\
The rules: docs/supply.md, \"Financing\"")]
    Finance(FinanceArgs),
}

#[derive(clap::Args, Debug)]
pub struct DaysArgs {
    /// The framework file, or a directory with `framework.toml`.
    framework: PathBuf,
    /// Stock reports, JSON lines. None: the framework's `on_hand` on day 0.
    #[arg(long, value_name = "STOCK.jsonl")]
    stock: Option<PathBuf>,
    /// Delivery inputs, JSON lines in the wire format (as for `bulwark
    /// supply commitments`): only `received` steps count.
    #[arg(long, visible_alias = "deliveries", value_name = "DELIVERIES.jsonl")]
    receipts: Option<PathBuf>,
    /// A certified breach: a day after entry into force, or an RFC 3339
    /// time (with `--in-force`). Each starts a surge. Repeatable.
    #[arg(long, value_name = "DAY|TIME")]
    breach_at: Vec<String>,
    /// When the framework entered into force (RFC 3339): days count from
    /// it (default: the framework's `adopted` date, at midnight UTC).
    #[arg(long, value_name = "TIME")]
    in_force: Option<String>,
    /// The day viewed (default: the latest stock report's day, else 0).
    #[arg(long, value_name = "N")]
    day: Option<u32>,
    /// How many days to project after the day viewed.
    #[arg(long, value_name = "H", default_value_t = stock::HORIZON_DAYS_DEFAULT)]
    days: u32,
    /// Exit with status 1 when any projection crosses its floor.
    #[arg(long)]
    fail_on_alert: bool,
    /// Readable text with charts, or one JSON document.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(clap::Args, Debug)]
pub struct PostureArgs {
    /// The framework file, or a directory with `framework.toml`.
    framework: PathBuf,
    /// Level reports, JSON lines. None: nothing reported.
    reports: Option<PathBuf>,
    /// The moment judged for "overdue" (RFC 3339; default: the latest report).
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    /// Exit with status 1 when a target is overdue.
    #[arg(long)]
    fail_on_alert: bool,
    /// Readable text, or one JSON document.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(clap::Args, Debug)]
pub struct FinanceArgs {
    /// The framework file, or a directory with `framework.toml`.
    framework: PathBuf,
    /// Step reports, JSON lines. None: nothing pledged, approved or disbursed.
    reports: Option<PathBuf>,
    /// Exit with status 1 when an order of an automatic tier is not pre-funded.
    #[arg(long)]
    fail_on_alert: bool,
    /// Readable text, or one JSON document.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(clap::Args, Debug)]
pub struct KielArgs {
    /// The folder with `country_summary.csv` and `bilateral_activities.csv`.
    dir: PathBuf,
    /// Only this donor (as the tracker names it, any case), by category and month.
    #[arg(long, value_name = "NAME")]
    donor: Option<String>,
    /// Readable text, or one JSON document (exact cents).
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(clap::Args, Debug)]
pub struct CommitmentsArgs {
    /// The framework file, or a directory with `framework.toml`.
    framework: PathBuf,
    /// Delivery inputs, JSON lines in the wire format. None: nothing
    /// delivered yet.
    deliveries: Option<PathBuf>,
    /// The day judged, after entry into force (default: the last scheduled day).
    #[arg(long, value_name = "N")]
    day: Option<u32>,
    /// When the framework entered into force (RFC 3339, e.g.
    /// `2026-01-01T00:00:00Z`): days count from it (default: the
    /// framework's `adopted` date, at midnight UTC).
    #[arg(long, value_name = "TIME")]
    in_force: Option<String>,
    /// Readable text, or one JSON document.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: &SupplyArgs) -> Result<u8> {
    match &args.command {
        SupplyCommand::Kiel(a) => run_kiel(a),
        SupplyCommand::Commitments(a) => run_commitments(a),
        SupplyCommand::Days(a) => run_days(a),
        SupplyCommand::Posture(a) => run_posture(a),
        SupplyCommand::Finance(a) => run_finance(a),
    }
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| anyhow::anyhow!("cannot read `{}`: {e}", path.display()))
}

fn run_kiel(args: &KielArgs) -> Result<u8> {
    let summary_path = args.dir.join("country_summary.csv");
    let activities_path = args.dir.join("bilateral_activities.csv");
    let summary = kiel::read_summary(&summary_path.display().to_string(), &read(&summary_path)?);
    let activities = kiel::read_activities(
        &activities_path.display().to_string(),
        &read(&activities_path)?,
    );
    let ledger = Ledger::new(&summary.rows, &activities.rows);
    let refused: Vec<&Refused> = summary.refused.iter().chain(&activities.refused).collect();
    let donors: Vec<&kiel::Donor> = match &args.donor {
        Some(name) => {
            let found: Vec<&kiel::Donor> = ledger
                .donors
                .iter()
                .filter(|d| d.donor.eq_ignore_ascii_case(name.trim()))
                .collect();
            if found.is_empty() {
                let names: Vec<&str> = ledger.donors.iter().map(|d| d.donor.as_str()).collect();
                bail!(
                    "the tracker has no donor `{name}`; its donors: {}",
                    names.join(", ")
                );
            }
            found
        }
        None => ledger.donors.iter().collect(),
    };
    let disagree: Vec<&kiel::Donor> = ledger
        .disagreements(100)
        .into_iter()
        .filter(|d| donors.iter().any(|x| x.donor == d.donor))
        .collect();
    match args.format {
        Format::Json => {
            let doc = serde_json::json!({
                "source": "Kiel Institute for the World Economy, Ukraine Support Tracker",
                "unit": "EUR cents; shares in basis points (10000 = all of the commitment)",
                "summary_rows": summary.lines,
                "activity_rows": activities.lines,
                "donors": donors,
                "total": if args.donor.is_none() { Some(&ledger.total) } else { None },
                "activities_disagree": disagree.iter().map(|d| d.donor.as_str()).collect::<Vec<_>>(),
                "without_summary": ledger.without_summary,
                "refused": refused,
            });
            say!("{}", serde_json::to_string_pretty(&doc)?);
        }
        Format::Text => {
            say!("Kiel Ukraine Support Tracker: committed and allocated, EUR billions");
            say!(
                "{:<30} {:>10} {:>10} {:>16}",
                "donor",
                "committed",
                "allocated",
                "allocated share"
            );
            for d in &donors {
                say!(
                    "{:<30} {:>10} {:>10} {:>16}",
                    d.donor,
                    billions(d.total.committed_eur_cents),
                    billions(d.total.allocated_eur_cents),
                    share(d.total.allocated_share_bp)
                );
            }
            if args.donor.is_none() {
                say!(
                    "{:<30} {:>10} {:>10} {:>16}",
                    format!("all {} donors", donors.len()),
                    billions(ledger.total.committed_eur_cents),
                    billions(ledger.total.allocated_eur_cents),
                    share(ledger.total.allocated_share_bp)
                );
            }
            if args.donor.is_some() {
                for d in &donors {
                    print_donor(d);
                }
            }
            for d in &disagree {
                say!(
                    "note: {}'s activities add up to {} committed and {} allocated, not {} and {} as its summary line says",
                    d.donor,
                    billions(d.from_activities.committed_eur_cents),
                    billions(d.from_activities.allocated_eur_cents),
                    billions(d.total.committed_eur_cents),
                    billions(d.total.allocated_eur_cents)
                );
            }
            if args.donor.is_none() && !ledger.without_summary.is_empty() {
                say!(
                    "note: activities of donors without a summary line (not in the table): {}",
                    ledger.without_summary.join(", ")
                );
            }
            say!(
                "read {} summary rows and {} activities; {} refused",
                summary.lines,
                activities.lines,
                refused.len()
            );
        }
    }
    for r in &refused {
        eprintln!("{r}");
    }
    Ok(u8::from(!refused.is_empty()))
}

fn share(bp: Option<i64>) -> String {
    bp.map_or_else(|| "—".to_string(), percent)
}

fn print_donor(d: &kiel::Donor) {
    say!();
    say!("{} by category (EUR bn):", d.donor);
    for c in Category::ALL {
        if let Some(f) = d.categories.get(&c) {
            say!(
                "  {:<14} committed {:>8}  allocated {:>8}  share {:>8}",
                c.word(),
                billions(f.committed_eur_cents),
                billions(f.allocated_eur_cents),
                share(f.allocated_share_bp)
            );
        }
    }
    say!(
        "{} by month, cumulative from the activities (EUR bn):",
        d.donor
    );
    for m in &d.months {
        say!(
            "  {}  committed {:>8}  allocated {:>8}",
            m.month,
            billions(m.cumulative.committed_eur_cents),
            billions(m.cumulative.allocated_eur_cents)
        );
    }
    if d.undated.committed_eur_cents != 0 || d.undated.allocated_eur_cents != 0 {
        say!(
            "  undated   committed {:>8}  allocated {:>8}",
            billions(d.undated.committed_eur_cents),
            billions(d.undated.allocated_eur_cents)
        );
    }
}

/// The entry into force: `--in-force`, else the framework's `adopted`
/// date at midnight UTC; `None` when neither is known.
fn entry_into_force(
    flag: Option<&str>,
    fw: &framework::Framework,
) -> Result<Option<base::Timestamp>> {
    match flag {
        Some(text) => Ok(Some(parse_time("--in-force", text)?)),
        None => Ok(chain::adopted_in_force(
            fw.meta.as_ref().and_then(|m| m.adopted.as_deref()),
        )),
    }
}

/// The delivery inputs of `path` read through the framework's book, with
/// the entry into force they are counted from.
struct Chains {
    book: chain::Book,
    read: chain::Read,
}

fn read_chains(fw: &framework::Framework, path: Option<&Path>) -> Result<Chains> {
    let mut book = chain::Book::new(&fw.commitments, &fw.parties);
    let read = match path {
        Some(path) => chain::read_lines(&mut book, &path.display().to_string(), &read(path)?),
        None => chain::Read::default(),
    };
    Ok(Chains { book, read })
}

/// The in-force time needed to count days, or the error that says how to
/// give one.
fn need_in_force(in_force: Option<base::Timestamp>) -> Result<base::Timestamp> {
    in_force.ok_or_else(|| {
        anyhow::anyhow!(
            "days count from the entry into force, and the framework has no `adopted` date: give it with --in-force (e.g. `--in-force 2026-01-01T00:00:00Z`)"
        )
    })
}

fn run_commitments(args: &CommitmentsArgs) -> Result<u8> {
    let fw = load_framework(&args.framework, "commitments")?;
    let in_force = entry_into_force(args.in_force.as_deref(), &fw)?;
    let chains = read_chains(&fw, args.deliveries.as_deref())?;
    let deliveries = match &args.deliveries {
        Some(_) => chains.book.deliveries(need_in_force(in_force)?),
        None => Vec::new(),
    };
    let as_of = args
        .day
        .unwrap_or_else(|| schedule::last_day(&fw.commitments));
    let report = schedule::judge(&fw.commitments, &deliveries, as_of);
    let short = report.commitments.iter().any(|c| c.shortfall > 0);
    let refused = &chains.read.refused;
    match args.format {
        Format::Json => {
            let ledgers: Vec<&chain::Ledger> = chains.book.commitments().collect();
            let flags: Vec<serde_json::Value> = chains
                .read
                .flags
                .iter()
                .map(|(line, f)| serde_json::json!({"line": line, "flag": f}))
                .collect();
            let doc = serde_json::json!({
                "deliveries_given": args.deliveries.is_some(),
                "in_force": in_force,
                "report": report,
                "chains": ledgers,
                "flags": flags,
                "refused": refused,
            });
            say!("{}", serde_json::to_string_pretty(&doc)?);
        }
        Format::Text => print_commitments(&report, &chains, args.deliveries.is_none()),
    }
    for r in refused {
        eprintln!("{r}");
    }
    Ok(u8::from(short || !refused.is_empty()))
}

fn print_commitments(report: &schedule::Report, chains: &Chains, no_deliveries: bool) {
    if report.commitments.is_empty() {
        say!("the framework has no [[commitment]]");
        return;
    }
    say!("commitments on day {} after entry into force", report.as_of);
    if no_deliveries {
        say!("no deliveries file given: nothing counts as delivered, so everything due is short");
    }
    for c in &report.commitments {
        say!();
        say!(
            "{} ({}, {}): {} {} committed; due by day {}: {}; delivered: {} ({}); short: {}",
            c.commitment,
            c.party,
            c.category,
            c.quantity,
            c.unit,
            report.as_of,
            c.due,
            c.delivered,
            share(c.delivered_share_bp),
            c.shortfall
        );
        if let Some(l) = chains.book.commitment(&c.commitment)
            && !l.shipments.is_empty()
        {
            say!(
                "  chain: committed {}, allocated {}, shipped {}, received {} — {} shipment{}",
                l.committed,
                l.allocated,
                l.shipped,
                l.received,
                l.shipments.len(),
                if l.shipments.len() == 1 { "" } else { "s" }
            );
        }
        if c.pending > 0 {
            say!("  shipped, not yet received (not counted): {}", c.pending);
        }
        if c.over_delivered > 0 {
            say!("  delivered beyond the commitment: {}", c.over_delivered);
        }
        for s in &c.steps {
            let how = match &s.status {
                StepStatus::OnTime { reached_day, .. } => {
                    format!("met on day {reached_day}, on time")
                }
                StepStatus::Late {
                    reached_day,
                    slip_days,
                } => format!("met on day {reached_day}, {slip_days} days late"),
                StepStatus::Short {
                    missing,
                    overdue_days,
                } => format!("short by {missing}, {overdue_days} days overdue"),
                StepStatus::NotYetDue => "not due yet".to_string(),
            };
            say!(
                "  day {:>3}: {:>8} due, {:>8} delivered by then — {how}",
                s.day,
                s.due,
                s.delivered_by_day
            );
        }
    }
    say!();
    say!("by party and category (due by day {}):", report.as_of);
    for r in &report.by_party_category {
        say!(
            "  {:<12} {:<14} committed {:>8} {:<8} due {:>8}  delivered {:>8}  short {:>8}",
            r.party,
            r.category,
            r.quantity,
            r.unit,
            r.due,
            r.delivered,
            r.shortfall
        );
    }
    say!("by period:");
    for p in &report.periods {
        if !p.judged {
            say!(
                "  day {:>3}: not come by day {} ({} commitments have a step then)",
                p.day,
                report.as_of,
                p.commitments_due
            );
            continue;
        }
        say!(
            "  day {:>3}: {} of {} commitments not met by then",
            p.day,
            p.short.len(),
            p.commitments_due
        );
        for x in &p.short {
            say!(
                "    {} ({}, {}): {} of {} {} delivered, short {}",
                x.commitment,
                x.party,
                x.category,
                x.delivered,
                x.due,
                x.unit,
                x.shortfall
            );
        }
    }
    for s in &report.set_aside {
        say!("set aside: shipment `{}`: {}", s.id, s.reason);
    }
    for (line, f) in &chains.read.flags {
        say!("flag (line {line}): {}", f.message);
    }
}

/// Loads a framework for a supply view, saying on stderr when it has
/// errors (what loaded is still used).
fn load_framework(path: &Path, what: &str) -> Result<framework::Framework> {
    let (fw, diags) = crate::check::load(path)?;
    let errors = diags
        .iter()
        .filter(|d| d.severity == base::Severity::Error)
        .count();
    if errors > 0 {
        eprintln!(
            "bulwark: the framework has {errors} error{} (`bulwark check` says more); its {what} that loaded are used",
            if errors == 1 { "" } else { "s" }
        );
    }
    Ok(fw)
}

fn parse_time(flag: &str, text: &str) -> Result<base::Timestamp> {
    base::Timestamp::parse(text).map_err(|e| anyhow::anyhow!("{flag}: {e}"))
}

/// Thousands separated by commas: `450000` → `450,000`.
fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

fn run_days(args: &DaysArgs) -> Result<u8> {
    if args.day.is_some_and(|d| d > stock::DAY_MAX) {
        bail!(
            "--day: at most {} (a hundred years after entry into force)",
            stock::DAY_MAX
        );
    }
    if args.days > stock::HORIZON_DAYS_MAX {
        bail!("--days: at most {} (ten years)", stock::HORIZON_DAYS_MAX);
    }
    let fw = load_framework(&args.framework, "stock lines and commitments")?;
    let in_force = entry_into_force(args.in_force.as_deref(), &fw)?;
    if args.breach_at.len() > stock::BREACHES_MAX {
        bail!(
            "--breach-at: {} breaches, more than the limit of {}",
            args.breach_at.len(),
            stock::BREACHES_MAX
        );
    }
    let mut breach_days = Vec::new();
    for text in &args.breach_at {
        let day = match text.trim().parse::<u32>() {
            Ok(day) => day,
            Err(_) => {
                let Some(start) = in_force else {
                    bail!(
                        "--breach-at `{text}`: a time needs the entry into force, and the framework has no `adopted` date: give --in-force (or give the day after entry into force, e.g. `--breach-at 45`)"
                    );
                };
                let at = parse_time("--breach-at", text)?;
                schedule::day_of(at, start).map_err(|e| anyhow::anyhow!("--breach-at: {e}"))?
            }
        };
        breach_days.push(day);
    }
    let mut refused: Vec<Refused> = Vec::new();
    let reports = match &args.stock {
        Some(path) => {
            let (r, bad) = stock::read_reports(&path.display().to_string(), &read(path)?, in_force);
            refused.extend(bad);
            r
        }
        None => Vec::new(),
    };
    let deliveries = match &args.receipts {
        Some(path) => {
            let chains = read_chains(&fw, Some(path))?;
            refused.extend(chains.read.refused);
            chains.book.deliveries(need_in_force(in_force)?)
        }
        None => Vec::new(),
    };
    let from = args.day.unwrap_or_else(|| stock::default_from(&reports));
    let projection = stock::project(&stock::Ask {
        stocks: &fw.stocks,
        commitments: &fw.commitments,
        reports: &reports,
        deliveries: &deliveries,
        breach_days: &breach_days,
        from,
        horizon_days: args.days,
    });
    let alerts = projection
        .lines
        .iter()
        .map(|l| l.alerts.len())
        .sum::<usize>();
    match args.format {
        Format::Json => {
            let doc = serde_json::json!({
                "stock_reports_given": args.stock.is_some(),
                "receipts_given": args.receipts.is_some(),
                "projection": projection,
                "refused": refused,
            });
            say!("{}", serde_json::to_string_pretty(&doc)?);
        }
        Format::Text => print_days(&projection, args),
    }
    for r in &refused {
        eprintln!("{r}");
    }
    Ok(u8::from(
        !refused.is_empty() || (args.fail_on_alert && alerts > 0),
    ))
}

fn print_days(p: &stock::Projection, args: &DaysArgs) {
    if p.lines.is_empty() {
        say!("the framework has no [[stock]] line");
        return;
    }
    say!(
        "Days of supply, from day {} after entry into force to day {}",
        p.from,
        p.to
    );
    if p.breach_days.is_empty() {
        say!("no breach given (--breach-at): normal consumption throughout");
    } else {
        let days: Vec<String> = p.breach_days.iter().map(u32::to_string).collect();
        say!(
            "certified breaches on day {}: each starts a surge",
            days.join(", ")
        );
    }
    if args.stock.is_none() {
        say!("no stock reports given (--stock): starting from the framework's on_hand on day 0");
    }
    if args.receipts.is_none() {
        say!("no receipts given (--receipts): nothing counts as delivered so far");
    }
    for l in &p.lines {
        say!();
        let origin = match l.start.report_line {
            Some(line) => format!("stock report of day {} (line {line})", l.start.day),
            None => format!("on hand on day {} (the framework)", l.start.day),
        };
        say!(
            "{} ({}): {} {} — {origin}",
            l.category,
            l.stock,
            grouped(l.start.on_hand),
            l.unit
        );
        say!(
            "  uses {} a day, {} a day for {} days after a breach; floor {} days of supply",
            grouped(l.per_day),
            grouped(l.surge_per_day),
            l.surge_days,
            l.floor_days
        );
        if l.commitments.is_empty() {
            say!("  no commitment replenishes it");
        } else {
            say!(
                "  replenished by {}: {} received since then, {} still promised by day {}",
                l.commitments.join(", "),
                grouped(l.received),
                grouped(l.promised),
                p.to
            );
        }
        if !l.other_units.is_empty() {
            say!("  not counted (another unit): {}", l.other_units.join(", "));
        }
        for a in &l.arrears {
            say!(
                "  missing on day {}: {} — {} due, {} delivered, {} not assumed to arrive",
                p.from,
                a.commitment,
                grouped(a.due),
                grouped(a.delivered),
                grouped(a.missing)
            );
        }
        for row in chart(l, p.from, p.to) {
            say!("{row}");
        }
        let end_with = l.with_promised.last();
        let end_without = l.without_promised.last();
        if let (Some(w), Some(o)) = (end_with, end_without) {
            say!(
                "  on day {}: {} {} ({} days) with promised deliveries, {} ({} days) without",
                w.day,
                grouped(w.stock),
                l.unit,
                days_text(w.days_of_supply),
                grouped(o.stock),
                days_text(o.days_of_supply)
            );
        }
        if l.alerts.is_empty() {
            say!(
                "  no alert: both curves stay at or above {} days to day {}",
                l.floor_days,
                p.to
            );
        }
        for a in &l.alerts {
            say!("  {}", alert_text(a));
        }
    }
    for s in &p.set_aside {
        say!("set aside: `{}` (line {}): {}", s.id, s.line, s.reason);
    }
}

fn days_text(days: Option<i64>) -> String {
    days.map_or_else(|| "unlimited".to_string(), |d| d.to_string())
}

fn alert_text(a: &stock::Alert) -> String {
    let when = if a.already_below {
        format!("already below on day {}", a.day)
    } else {
        format!("goes below on day {}", a.day)
    };
    let why: Vec<String> = a
        .reasons
        .iter()
        .map(|r| match r {
            stock::Reason::Surge { breach_days } => {
                let days: Vec<String> = breach_days.iter().map(u32::to_string).collect();
                format!("the surge after the breach of day {}", days.join(", "))
            }
            stock::Reason::MissingDelivery { arrears } => {
                let named: Vec<String> = arrears
                    .iter()
                    .map(|x| format!("{} short {}", x.commitment, grouped(x.missing)))
                    .collect();
                format!("missing deliveries ({})", named.join(", "))
            }
            stock::Reason::PromisedNotCounted { promised_by_then } => format!(
                "the {} promised by then are not counted",
                grouped(*promised_by_then)
            ),
            stock::Reason::NormalConsumption => {
                "normal consumption outruns the stock and what arrives".to_string()
            }
        })
        .collect();
    let joiner = if a.together { " together with " } else { "; " };
    format!(
        "ALERT {} {}: {when} with {} {} left, {} days of supply < floor {} — why: {}",
        a.category,
        a.curve.words(),
        grouped(a.stock),
        a.unit,
        days_text(a.days_of_supply),
        a.floor_days,
        why.join(joiner)
    )
}

/// Rows and columns of the days-of-supply chart.
const CHART_ROWS: i64 = 10;
const CHART_COLUMNS_MAX: usize = 60;

/// Both curves of a line as days of supply against the floor: `*` with
/// promised deliveries, `o` without, `#` both, `-` the floor. Each column
/// is a span of days and shows its lowest value (the cautious one).
fn chart(l: &stock::Line, from: u32, to: u32) -> Vec<String> {
    let floor = i64::from(l.floor_days);
    let value = |p: &stock::Point| p.days_of_supply.unwrap_or(i64::MAX);
    let with: Vec<i64> = l.with_promised.iter().map(value).collect();
    let without: Vec<i64> = l.without_promised.iter().map(value).collect();
    let n = with.len().min(without.len());
    if n == 0 {
        return Vec::new();
    }
    let width = n.min(CHART_COLUMNS_MAX);
    let lowest = |vals: &[i64], c: usize| -> i64 {
        let a = c * n / width;
        let b = ((c + 1) * n / width).max(a + 1).min(n);
        vals.get(a..b)
            .and_then(|s| s.iter().min().copied())
            .unwrap_or(0)
    };
    let with_cols: Vec<i64> = (0..width).map(|c| lowest(&with, c)).collect();
    let without_cols: Vec<i64> = (0..width).map(|c| lowest(&without, c)).collect();
    let finite_max = with_cols
        .iter()
        .chain(&without_cols)
        .copied()
        .filter(|v| *v != i64::MAX)
        .max()
        .unwrap_or(0);
    let top = finite_max.max(floor.saturating_mul(2)).max(1);
    let scaled = |v: i64| -> i64 {
        let v = i128::from(v.clamp(0, top));
        let (rows, top) = (i128::from(CHART_ROWS), i128::from(top));
        i64::try_from((v * rows + top / 2) / top).unwrap_or(CHART_ROWS)
    };
    let floor_row = scaled(floor).max(1);
    // INVARIANT: a value below the floor is drawn under the floor's row,
    // one at or above it on or over that row, whatever the rounding.
    let row_of = |v: i64| -> i64 {
        if v < floor {
            scaled(v).min(floor_row - 1)
        } else {
            scaled(v).max(floor_row)
        }
    };
    let mut out = vec![format!("  days of supply ({} to {}):", from, to)];
    for row in (0..=CHART_ROWS).rev() {
        let label = if row == CHART_ROWS {
            top.to_string()
        } else if row == floor_row {
            floor.to_string()
        } else if row == 0 {
            "0".to_string()
        } else {
            String::new()
        };
        let cells: String = (0..width)
            .map(|c| {
                let w = with_cols.get(c).is_some_and(|v| row_of(*v) == row);
                let o = without_cols.get(c).is_some_and(|v| row_of(*v) == row);
                match (w, o) {
                    (true, true) => '#',
                    (true, false) => '*',
                    (false, true) => 'o',
                    (false, false) if row == floor_row => '-',
                    _ => ' ',
                }
            })
            .collect();
        let tail = if row == floor_row { " floor" } else { "" };
        out.push(
            format!("  {label:>7} |{cells}{tail}")
                .trim_end()
                .to_string(),
        );
    }
    out.push(format!("  {:>7} +{}", "", "-".repeat(width)));
    let left = format!("day {from}");
    let right = to.to_string();
    let gap = (width + 1).saturating_sub(left.len() + right.len());
    out.push(format!("  {:>7}  {left}{}{right}", "", " ".repeat(gap)));
    out.push(format!(
        "  {:>7}  * with promised deliveries   o without   # both   - floor ({} days)",
        "", l.floor_days
    ));
    out
}

fn run_posture(args: &PostureArgs) -> Result<u8> {
    let fw = load_framework(&args.framework, "posture targets")?;
    let as_of = match &args.at {
        Some(text) => Some(parse_time("--at", text)?),
        None => None,
    };
    let (reports, refused) = match &args.reports {
        Some(path) => posture::read_reports(&path.display().to_string(), &read(path)?),
        None => (Vec::new(), Vec::new()),
    };
    let report = posture::judge(&fw.postures, &reports, as_of);
    let overdue = report.targets.iter().filter(|t| t.overdue).count();
    match args.format {
        Format::Json => {
            let doc = serde_json::json!({
                "reports_given": args.reports.is_some(),
                "report": report,
                "refused": refused,
            });
            say!("{}", serde_json::to_string_pretty(&doc)?);
        }
        Format::Text => print_posture(&report, args.reports.is_none()),
    }
    for r in &refused {
        eprintln!("{r}");
    }
    Ok(u8::from(
        !refused.is_empty() || (args.fail_on_alert && overdue > 0),
    ))
}

fn print_posture(r: &posture::Report, no_reports: bool) {
    if r.targets.is_empty() {
        say!("the framework has no [[posture]] target");
        return;
    }
    match r.as_of {
        Some(t) => say!("Force posture as of {t}"),
        None => say!("Force posture"),
    }
    if no_reports {
        say!("no reports file given: no target has a reported level");
    }
    say!(
        "{:<24} {:<10} {:>12} {:>21}  {:<10} {:>15}  {}",
        "target",
        "party",
        "latest",
        "target range",
        "status",
        "trend / 30 days",
        "by"
    );
    for t in &r.targets {
        let latest = t
            .latest
            .as_ref()
            .map_or_else(|| "—".to_string(), |l| grouped(l.level));
        let range = if t.min == t.max {
            grouped(t.min)
        } else {
            format!("{}–{}", grouped(t.min), grouped(t.max))
        };
        let status = if t.overdue {
            format!("{} OVERDUE", t.status.word())
        } else {
            t.status.word().to_string()
        };
        let trend = t.trend_per_30_days.map_or_else(
            || "—".to_string(),
            |d| {
                if d > 0 {
                    format!("+{}", grouped(d))
                } else {
                    grouped(d)
                }
            },
        );
        let by = match (&t.by, t.by_unreadable) {
            (Some(b), false) => b.clone(),
            (Some(b), true) => format!("{b} (not a date)"),
            (None, _) => "—".to_string(),
        };
        say!(
            "{:<24} {:<10} {:>12} {:>21}  {:<10} {:>15}  {}",
            t.target,
            t.party,
            latest,
            range,
            status,
            trend,
            by
        );
    }
    for t in &r.targets {
        say!();
        say!("{} — {} ({}):", t.target, t.measure, t.unit);
        if t.series.is_empty() {
            say!("  no report");
        }
        for l in &t.series {
            say!("  {}  {:>12}  (line {})", l.at, grouped(l.level), l.line);
        }
        if t.short_of_min > 0 {
            say!("  short of the minimum by {}", grouped(t.short_of_min));
        }
    }
    for s in &r.set_aside {
        say!("set aside: `{}` (line {}): {}", s.id, s.line, s.reason);
    }
}

fn run_finance(args: &FinanceArgs) -> Result<u8> {
    let fw = load_framework(&args.framework, "tranches, tiers and commitments")?;
    let (reports, refused) = match &args.reports {
        Some(path) => finance::read_reports(&path.display().to_string(), &read(path)?),
        None => (Vec::new(), Vec::new()),
    };
    let report = finance::judge(&fw.tranches, &fw.tiers, &fw.commitments, &reports);
    let waiting = report
        .actions
        .iter()
        .filter(|a| a.automatic && !a.funding.pre_funded())
        .count();
    match args.format {
        Format::Json => {
            let doc = serde_json::json!({
                "reports_given": args.reports.is_some(),
                "unit": "millions of each tranche's currency",
                "report": report,
                "refused": refused,
            });
            say!("{}", serde_json::to_string_pretty(&doc)?);
        }
        Format::Text => print_finance(&report, args.reports.is_none()),
    }
    for r in &refused {
        eprintln!("{r}");
    }
    Ok(u8::from(
        !refused.is_empty() || (args.fail_on_alert && waiting > 0),
    ))
}

fn source_words(s: framework::schema::FundingSource) -> &'static str {
    use framework::schema::FundingSource as S;
    match s {
        S::FrozenAssetWindfall => "frozen-asset windfall",
        S::EuBorrowing => "EU borrowing",
        S::NationalBudget => "national budgets",
        S::Other => "other",
    }
}

fn status_words(s: framework::schema::TrancheStatus) -> &'static str {
    use framework::schema::TrancheStatus as T;
    match s {
        T::Funded => "funded",
        T::Appropriated => "appropriated",
        T::PendingVote => "PENDING VOTE",
    }
}

fn funding_words(f: &finance::Funding) -> String {
    match f {
        finance::Funding::PreFunded { tranche, status } => {
            format!("pre-funded from {tranche} ({})", status_words(*status))
        }
        finance::Funding::WaitsOnVote { tranche } => {
            format!("WAITS ON A VOTE: {tranche} is pending a vote")
        }
        finance::Funding::UnknownTranche { tranche } => {
            format!("NOT FUNDED: no tranche `{tranche}` in the framework")
        }
        finance::Funding::NoTranche => "NOT FUNDED: names no tranche".to_string(),
    }
}

fn print_finance(r: &finance::Report, no_reports: bool) {
    say!("Financing, in millions of each tranche's currency");
    if no_reports {
        say!("no reports file given: nothing pledged, approved or disbursed yet");
    }
    say!(
        "{:<22} {:<22} {:<4} {:>8} {:>8} {:>8} {:>9} {:>8}  {}",
        "tranche",
        "source",
        "cur",
        "amount",
        "pledged",
        "approved",
        "disbursed",
        "left",
        "status"
    );
    for t in &r.tranches {
        say!(
            "{:<22} {:<22} {:<4} {:>8} {:>8} {:>8} {:>9} {:>8}  {}",
            t.tranche,
            source_words(t.source),
            t.currency,
            grouped(t.sums.amount_millions),
            grouped(t.sums.pledged_millions),
            grouped(t.sums.approved_millions),
            grouped(t.sums.disbursed_millions),
            grouped(t.sums.left_millions),
            status_words(t.status)
        );
    }
    for t in &r.tranches {
        if t.disbursed_beyond_approved_millions > 0 {
            say!(
                "note: {} disbursed {} more than was approved",
                t.tranche,
                grouped(t.disbursed_beyond_approved_millions)
            );
        }
        if t.disbursed_beyond_amount_millions > 0 {
            say!(
                "note: {} disbursed {} beyond its amount",
                t.tranche,
                grouped(t.disbursed_beyond_amount_millions)
            );
        }
    }
    say!();
    say!("by source (never adding different currencies):");
    for s in &r.by_source {
        say!(
            "  {:<22} {:<4} {:>8}  disbursed {:>8}  left {:>8}  ({} tranche{})",
            source_words(s.source),
            s.currency,
            grouped(s.sums.amount_millions),
            grouped(s.sums.disbursed_millions),
            grouped(s.sums.left_millions),
            s.tranches,
            if s.tranches == 1 { "" } else { "s" }
        );
    }
    say!("by currency:");
    for c in &r.by_currency {
        say!(
            "  {:<4} {:>8}  pledged {:>8}  approved {:>8}  disbursed {:>8}  left {:>8}",
            c.currency,
            grouped(c.sums.amount_millions),
            grouped(c.sums.pledged_millions),
            grouped(c.sums.approved_millions),
            grouped(c.sums.disbursed_millions),
            grouped(c.sums.left_millions)
        );
    }
    let automatic: Vec<&finance::ActionFunding> =
        r.actions.iter().filter(|a| a.automatic).collect();
    let ready = automatic.iter().filter(|a| a.funding.pre_funded()).count();
    say!();
    say!(
        "orders of automatic tiers (they fire with no vote, so their money must be there): {ready} of {} pre-funded",
        automatic.len()
    );
    for a in &automatic {
        say!(
            "  {:<20} {:<26} {}",
            a.tier,
            a.action,
            funding_words(&a.funding)
        );
    }
    let voted: Vec<&finance::ActionFunding> = r.actions.iter().filter(|a| !a.automatic).collect();
    if !voted.is_empty() {
        let ready = voted.iter().filter(|a| a.funding.pre_funded()).count();
        say!(
            "orders of voted tiers: {ready} of {} pre-funded",
            voted.len()
        );
        for a in &voted {
            say!(
                "  {:<20} {:<26} {}",
                a.tier,
                a.action,
                funding_words(&a.funding)
            );
        }
    }
    if !r.commitments.is_empty() {
        let ready = r
            .commitments
            .iter()
            .filter(|c| c.funding.pre_funded())
            .count();
        say!(
            "resupply commitments: {ready} of {} pre-funded",
            r.commitments.len()
        );
        for c in &r.commitments {
            say!(
                "  {:<28} {:<14} {}",
                c.commitment,
                c.category,
                funding_words(&c.funding)
            );
        }
    }
    for s in &r.set_aside {
        say!("set aside: `{}` (line {}): {}", s.id, s.line, s.reason);
    }
}
