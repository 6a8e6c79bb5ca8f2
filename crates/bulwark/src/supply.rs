//! `bulwark supply`: commitments against deliveries — the Kiel support
//! tracker's figures, and a framework's delivery schedules, in the same
//! terms (`crates/supply` decides; this reads the files and prints).

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use supply::kiel::{self, Category, Ledger, billions};
use supply::schedule::{self, StepStatus};
use supply::{Refused, percent};

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
    /// A framework's `[[commitment]]`s against delivery receipts: what is
    /// due by the day judged, what was delivered, the shortfall, and how
    /// late each schedule step was met.
    ///
    /// DELIVERIES is a JSON-lines file, one receipt a line:
    /// `{"id":"r1","commitment":"c-iris-t-missiles","quantity":40,"day":28,"confirmed":true}`
    /// (`day`: days after entry into force; or `"at":"2026-01-29T10:00:00Z"`
    /// with `--in-force`, a started day counting as a day). Only confirmed receipts count;
    /// a receipt id given twice counts once; receipts after the day judged
    /// wait. Without DELIVERIES nothing is delivered and everything due is
    /// short. `--day N` judges on day N (default: the last scheduled day).
    /// Exit status: 0 nothing short, 1 something short or a receipt
    /// refused, 2 a file could not be read.
    #[command(after_help = "Examples:\n  \
bulwark supply commitments examples/ukraine-2025\n  \
bulwark supply commitments examples/ukraine-2025 deliveries.jsonl --day 60\n  \
bulwark supply commitments examples/ukraine-2025 deliveries.jsonl --format json\n  \
bulwark supply commitments examples/ukraine-2025 receipts.jsonl --in-force 2026-01-01T00:00:00Z\n\n\
The rules: docs/supply.md")]
    Commitments(CommitmentsArgs),
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
    /// Delivery receipts, JSON lines. None: nothing delivered yet.
    deliveries: Option<PathBuf>,
    /// The day judged, after entry into force (default: the last scheduled day).
    #[arg(long, value_name = "N")]
    day: Option<u32>,
    /// When the framework entered into force (RFC 3339, e.g.
    /// `2026-01-01T00:00:00Z`): needed by receipts that give their time
    /// `at` rather than their `day`.
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

fn run_commitments(args: &CommitmentsArgs) -> Result<u8> {
    let (fw, diags) = crate::check::load(&args.framework)?;
    let errors = diags
        .iter()
        .filter(|d| d.severity == base::Severity::Error)
        .count();
    if errors > 0 {
        eprintln!(
            "bulwark: the framework has {errors} error{} (`bulwark check` says more); its commitments that loaded are judged",
            if errors == 1 { "" } else { "s" }
        );
    }
    let in_force = match &args.in_force {
        Some(text) => {
            Some(base::Timestamp::parse(text).map_err(|e| anyhow::anyhow!("--in-force: {e}"))?)
        }
        None => None,
    };
    let (deliveries, refused) = match &args.deliveries {
        Some(path) => {
            schedule::read_deliveries(&path.display().to_string(), &read(path)?, in_force)
        }
        None => (Vec::new(), Vec::new()),
    };
    let as_of = args
        .day
        .unwrap_or_else(|| schedule::last_day(&fw.commitments));
    let report = schedule::judge(&fw.commitments, &deliveries, as_of);
    let short = report.commitments.iter().any(|c| c.shortfall > 0);
    match args.format {
        Format::Json => {
            let doc = serde_json::json!({
                "deliveries_given": args.deliveries.is_some(),
                "report": report,
                "refused": refused,
            });
            say!("{}", serde_json::to_string_pretty(&doc)?);
        }
        Format::Text => print_commitments(&report, args.deliveries.is_none()),
    }
    for r in &refused {
        eprintln!("{r}");
    }
    Ok(u8::from(short || !refused.is_empty()))
}

fn print_commitments(report: &schedule::Report, no_deliveries: bool) {
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
        if c.pending > 0 {
            say!("  unconfirmed, not counted: {}", c.pending);
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
        say!(
            "set aside: receipt `{}` (line {}): {}",
            s.id,
            s.line,
            s.reason
        );
    }
}
