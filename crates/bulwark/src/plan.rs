//! `bulwark plan`: air-defence rotations — a plan found by HiGHS, and the
//! check that proves any plan gap-free (`crates/plan` decides; this reads
//! the files, shows progress and prints).

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use plan::instance::Instance;
use plan::plan::{Gap, Plan};

use crate::Format;

#[derive(clap::Args, Debug)]
pub struct PlanArgs {
    #[command(subcommand)]
    command: PlanCommand,
}

#[derive(clap::Subcommand, Debug)]
enum PlanCommand {
    /// A rotation plan that covers every air-defence site every day, if
    /// any plan can; otherwise the fewest uncovered site-days, each gap
    /// named with its reasons and what would close it.
    ///
    /// Read from the framework: `[[ad_site]]` (units required, systems that
    /// count), `[[ad_unit]]` (system, hub, `overhaul_every` — the longest
    /// stay at a site —, `overhaul_takes`, `home`, `available_from`) and
    /// `[[hub]]` (`capacity`, `spares`, `transit`, `transit_to`). A unit
    /// leaving a site travels to its hub, is overhauled, and can set out
    /// again. The solver is HiGHS, asked to prove its plan optimal: no
    /// plan has fewer gaps, and among those none has fewer moves.
    /// Exit status: 0 a plan with no gap, 1 a plan with gaps (or not
    /// proven best in the time allowed), 2 no plan (an error in the
    /// framework, or no solver).
    #[command(after_help = "Examples:\n  \
bulwark plan rotations examples/ukraine-2025 --days 180 --out plan.json\n  \
bulwark plan rotations examples/rotations/tight.toml --format json\n  \
bulwark plan rotations examples/rotations/short.toml --model model.json   # the program, for another solver\n  \
bulwark plan rotations examples/ukraine-2025 --from plan.json --day 30 --order a1-ad-surge --out plan-2.json\n      \
# the ladder ordered a surge on day 30: keep days 0-29, plan the rest again\n\n\
The model and the plan format: docs/rotations.md")]
    Rotations(RotationsArgs),
    /// Proves a plan gap-free, or lists each gap: every unit's stays,
    /// travel, overhauls, hub capacity and spares are checked against the
    /// framework, each site's calendar against the stays, and each site-day
    /// counted. Needs no solver.
    ///
    /// Exit status: 0 proven (no gap, no rule broken), 1 gaps or broken
    /// rules (each listed), 2 the files could not be read.
    #[command(after_help = "Examples:\n  \
bulwark plan check examples/ukraine-2025 plan.json\n  \
bulwark plan check examples/ukraine-2025 plan.json --format json\n\n\
The plan format: docs/rotations.md")]
    Check(CheckArgs),
}

#[derive(clap::Args, Debug)]
pub struct RotationsArgs {
    /// The framework file, or a directory with `framework.toml`.
    framework: PathBuf,
    /// Days to plan, from day 0 (180; with `--from`, as many as the
    /// earlier plan).
    #[arg(long)]
    days: Option<u32>,
    /// Re-plan from an earlier plan: what it did before `--day` is kept
    /// (units on the road keep going), everything after is planned again.
    #[arg(long, value_name = "PLAN.json", requires = "day")]
    from: Option<PathBuf>,
    /// With `--from`: today, as a day of the plan. Days before it are kept.
    #[arg(long, value_name = "N")]
    day: Option<u32>,
    /// A surge order to answer: an `air_defence_surge` action with a
    /// `[tier.action.surge]`, as `ACTION` (its tier activated on `--day`)
    /// or `ACTION@DAY`. Its sites need more units from the action's
    /// deadline for as long as the surge lasts. Repeatable.
    #[arg(long, value_name = "ACTION[@DAY]")]
    order: Vec<String>,
    /// Write the plan here (JSON, `bulwark-rotation-plan/1`).
    #[arg(long, value_name = "PLAN.json")]
    out: Option<PathBuf>,
    /// Stop the solver after this many seconds with the best plan so far.
    #[arg(long, default_value_t = 300.0, value_name = "SECONDS")]
    time_limit: f64,
    /// Solver threads. One (the default) gives the same plan every run.
    #[arg(long, default_value_t = 1)]
    threads: u32,
    /// Also write the program itself (JSON, `bulwark-milp/1`) for another
    /// solver; with no solver built in, only this is done.
    #[arg(long, value_name = "MODEL.json")]
    model: Option<PathBuf>,
    /// Readable text with a calendar, or the plan as JSON on standard output.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// The framework file, or a directory with `framework.toml`.
    framework: PathBuf,
    /// The plan to check.
    plan: PathBuf,
    /// Readable text, or one JSON document.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: &PlanArgs) -> Result<u8> {
    match &args.command {
        PlanCommand::Rotations(a) => rotations(a),
        PlanCommand::Check(a) => check(a),
    }
}

/// The framework and its instance, or `Err(2)` after the reasons are
/// printed.
fn instance(
    framework: &Path,
    days: u32,
) -> Result<std::result::Result<(framework::Framework, Instance), u8>> {
    let (fw, diags) = crate::check::load_only(framework)?;
    let errors: Vec<&base::Diagnostic> = diags
        .iter()
        .filter(|d| d.severity == base::Severity::Error)
        .collect();
    if !errors.is_empty() {
        for d in &errors {
            eprintln!("{d}");
        }
        eprintln!(
            "bulwark: the framework `{}` cannot be read; fix the above first",
            framework.display()
        );
        return Ok(Err(2));
    }
    match Instance::new(&fw, days) {
        Ok(i) => Ok(Ok((fw, i))),
        Err(errors) => {
            for e in &errors {
                eprintln!("{e}");
            }
            eprintln!("bulwark: no rotation plan can be made until the above is fixed");
            Ok(Err(2))
        }
    }
}

/// Reads a plan file, or prints where it is wrong.
fn read_plan(path: &Path) -> Result<std::result::Result<Plan, u8>> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    match serde_json::from_slice(&bytes) {
        Ok(p) => Ok(Ok(p)),
        Err(e) => {
            eprintln!(
                "{}:{}:{}: not a rotation plan: {}",
                path.display(),
                e.line(),
                e.column(),
                strip_position(&e.to_string())
            );
            Ok(Err(2))
        }
    }
}

/// `ACTION` or `ACTION@DAY`.
fn parse_order(text: &str, today: Option<u32>) -> std::result::Result<(String, u32), String> {
    match text.split_once('@') {
        Some((action, day)) => day
            .parse::<u32>()
            .map(|d| (action.to_string(), d))
            .map_err(|_| {
                format!("`--order {text}`: `{day}` is not a day of the plan (0, 1, 2, …)")
            }),
        None => today.map(|d| (text.to_string(), d)).ok_or_else(|| {
            format!("`--order {text}`: on which day? Give `--day N` or write `{text}@N`")
        }),
    }
}

/// Applies surge orders to an instance, or prints why one cannot be.
fn apply_orders(
    fw: &framework::Framework,
    inst: &mut Instance,
    orders: &[(String, u32)],
) -> std::result::Result<(), u8> {
    for (action, day) in orders {
        if let Err(why) = inst.order(fw, action, *day) {
            eprintln!("bulwark: {why}");
            return Err(2);
        }
    }
    Ok(())
}

fn rotations(a: &RotationsArgs) -> Result<u8> {
    let earlier = match &a.from {
        Some(path) => match read_plan(path)? {
            Ok(p) => Some((path, p)),
            Err(code) => return Ok(code),
        },
        None => None,
    };
    let days = a
        .days
        .or(earlier.as_ref().map(|(_, p)| p.days))
        .unwrap_or(180);
    let (fw, mut inst) = match instance(&a.framework, days)? {
        Ok(i) => i,
        Err(code) => return Ok(code),
    };
    let mut orders: Vec<(String, u32)> = Vec::new();
    if let Some((path, old)) = &earlier {
        let today = a.day.unwrap_or(0);
        if old.framework != inst.framework {
            eprintln!(
                "bulwark: `{}` was made for another framework (or an earlier version of this one): re-plan from scratch, without --from",
                path.display()
            );
            return Ok(2);
        }
        if today > old.days || today >= days {
            eprintln!(
                "bulwark: --day {today} is past the end of `{}` ({} days) or of the new plan ({days} days)",
                path.display(),
                old.days
            );
            return Ok(2);
        }
        // The earlier plan must itself be sound: its past is kept as it is.
        let before: Vec<(String, u32)> = old
            .orders
            .iter()
            .map(|o| (o.action.clone(), o.day))
            .collect();
        let old_inst = match plan::instance_for(&fw, old) {
            Ok(i) => i,
            Err(errors) => {
                for e in &errors {
                    eprintln!("bulwark: `{}`: {e}", path.display());
                }
                return Ok(2);
            }
        };
        let report = plan::check(&old_inst, old);
        if !report.violations.is_empty() {
            eprintln!(
                "bulwark: `{}` breaks rules, so its past cannot be kept (see `bulwark plan check`):",
                path.display()
            );
            for v in &report.violations {
                eprintln!("  - {v}");
            }
            return Ok(2);
        }
        orders = before;
        inst.kept = Some(plan::instance::Kept {
            until: today,
            units: old.units.clone(),
        });
    }
    for text in &a.order {
        match parse_order(text, a.day) {
            Ok(o) => orders.push(o),
            Err(why) => {
                eprintln!("bulwark: {why}");
                return Ok(2);
            }
        }
    }
    if let Err(code) = apply_orders(&fw, &mut inst, &orders) {
        return Ok(code);
    }
    if let Some(path) = &a.model {
        let model = plan::model::build(&inst, &plan::model::Relax::default());
        let text = serde_json::to_string(&model.milp.to_json())?;
        std::fs::write(path, text).with_context(|| format!("cannot write `{}`", path.display()))?;
        eprintln!(
            "bulwark: the program ({} variables, {} constraints, {} non-zeros) is in `{}`",
            model.milp.columns.len(),
            model.milp.rows.len(),
            model.milp.nonzeros(),
            path.display()
        );
        if !cfg!(feature = "highs") {
            return Ok(0);
        }
    }
    let spinner = indicatif::ProgressBar::new_spinner();
    spinner.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    spinner.set_message(format!(
        "planning {} sites, {} units, {} days with HiGHS…",
        inst.sites.len(),
        inst.units.len(),
        inst.days
    ));
    spinner.enable_steady_tick(Duration::from_millis(120));
    let options = plan::milp::Options {
        time_limit: a.time_limit,
        threads: a.threads,
        ..plan::milp::Options::default()
    };
    let outcome = plan::plan(&inst, &options);
    spinner.finish_and_clear();
    let outcome = outcome.map_err(|e| anyhow!("{e}"))?;
    let p = &outcome.plan;
    // The planner's own plan goes through the same check as any other.
    let report = plan::check(&inst, p);
    if let Some((path, old)) = &earlier {
        let changed = changed_past(old, p, a.day.unwrap_or(0));
        if !changed.is_empty() {
            eprintln!(
                "bulwark: the re-plan would rewrite the past of `{}` (was it edited by hand?): {}",
                path.display(),
                changed.join("; ")
            );
            return Ok(2);
        }
    }
    if let Some(path) = &a.out {
        let text = serde_json::to_string_pretty(p)?;
        std::fs::write(path, text + "\n")
            .with_context(|| format!("cannot write `{}`", path.display()))?;
    }
    let proven = outcome.gaps.status == plan::milp::Status::Optimal;
    match a.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(p)?),
        Format::Text => {
            let s = p.solver.as_ref();
            println!(
                "{} sites, {} units, {} days: {}",
                inst.sites.len(),
                inst.units.len(),
                inst.days,
                if p.gaps.is_empty() {
                    "every site covered every day".to_string()
                } else {
                    format!(
                        "{} uncovered site-day(s) in {} gap(s) — no plan has fewer",
                        report.gap_days,
                        p.gaps.len()
                    )
                }
            );
            println!(
                "solver: HiGHS, gaps {} in {:.2} s ({} variables, {} constraints); {} arrivals at sites ({})",
                if proven {
                    "proven fewest"
                } else {
                    "NOT proven fewest (time limit)"
                },
                outcome.gaps.seconds,
                s.map_or(0, |s| s.columns),
                s.map_or(0, |s| s.rows),
                s.map_or(0, |s| s.arrivals),
                if s.is_some_and(|s| s.arrivals_status == "optimal") {
                    "proven fewest for those gaps"
                } else {
                    "the fewest found in the search allowed"
                }
            );
            if let (Some((path, _)), Some(today)) = (&earlier, a.day) {
                println!(
                    "re-planned from day {today}: days 0–{} kept from {}",
                    today.saturating_sub(1),
                    path.display()
                );
            }
            for o in &p.orders {
                for x in &o.sites {
                    println!(
                        "surge `{}` (ordered day {}): +{} unit(s) at `{}`, days {}–{}",
                        o.action, o.day, x.units, x.site, x.from, x.to
                    );
                }
            }
            println!();
            print!("{}", calendar_text(&inst, p));
            print_gaps(&p.gaps);
            if !outcome.remedies.is_empty() {
                println!("\nWhat would close the gaps (each tried alone, re-solved):");
                for r in &outcome.remedies {
                    println!("  - {r}");
                }
            }
            if !report.violations.is_empty() {
                println!(
                    "\nThe check found the planner's own plan unsound (a bug, please report it):"
                );
                for v in &report.violations {
                    println!("  - {v}");
                }
            }
            if let Some(path) = &a.out {
                println!(
                    "\nplan written to {}; check it with: bulwark plan check {} {}",
                    path.display(),
                    a.framework.display(),
                    path.display()
                );
            }
        }
    }
    Ok(if !report.violations.is_empty() {
        2
    } else if report.proven() && proven {
        0
    } else {
        1
    })
}

/// Site-days before `today` whose units differ between two plans.
fn changed_past(old: &Plan, new: &Plan, today: u32) -> Vec<String> {
    let mut out = Vec::new();
    for cal in &new.sites {
        let before = old.sites.iter().find(|c| c.site == cal.site);
        for d in cal.days.iter().filter(|d| d.day < today) {
            let was = before.and_then(|c| c.days.iter().find(|x| x.day == d.day));
            if was.map(|x| &x.units) != Some(&d.units) {
                out.push(format!("`{}` day {}", cal.site, d.day));
                break;
            }
        }
    }
    out
}

fn check(a: &CheckArgs) -> Result<u8> {
    let plan = match read_plan(&a.plan)? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let (fw, _) = match instance(&a.framework, plan.days)? {
        Ok(i) => i,
        Err(code) => return Ok(code),
    };
    let inst = match plan::instance_for(&fw, &plan) {
        Ok(i) => i,
        Err(errors) => {
            for e in &errors {
                eprintln!("bulwark: {e}");
            }
            return Ok(2);
        }
    };
    let report = plan::check(&inst, &plan);
    match a.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        Format::Text => {
            if report.proven() {
                println!(
                    "proven: every one of {} sites has the units it needs on every one of {} days, and every stay, journey and overhaul keeps the rules",
                    inst.sites.len(),
                    inst.days
                );
            } else {
                if report.gaps.is_empty() {
                    println!("no uncovered site-day, but the plan breaks rules:");
                } else {
                    println!(
                        "NOT covered: {} uncovered site-day(s) in {} gap(s)",
                        report.gap_days,
                        report.gaps.len()
                    );
                }
                print_gaps(&report.gaps);
                if !report.violations.is_empty() {
                    println!("\nRules broken ({}):", report.violations.len());
                    for v in &report.violations {
                        println!("  - {v}");
                    }
                }
            }
        }
    }
    Ok(if report.proven() { 0 } else { 1 })
}

fn strip_position(message: &str) -> &str {
    message.split(" at line ").next().unwrap_or(message)
}

fn print_gaps(gaps: &[Gap]) {
    if gaps.is_empty() {
        return;
    }
    println!("\nGaps:");
    for g in gaps {
        let days = if g.from == g.to {
            format!("day {}", g.from)
        } else {
            format!("days {}–{}", g.from, g.to)
        };
        println!("  - `{}`, {days}: {} unit(s) short", g.site, g.missing);
        for r in &g.reasons {
            println!("      {r}");
        }
    }
}

/// Each site as a strip of the plan's days (one character for a few days:
/// `█` covered, `░` short) and each unit's days (the letter of its site,
/// `o` overhaul, `·` travelling or waiting).
fn calendar_text(inst: &Instance, p: &Plan) -> String {
    use std::fmt::Write;
    let days = inst.days;
    let per = days.div_ceil(72).max(1);
    let cells = days.div_ceil(per);
    let mut out = String::new();
    let width = inst
        .sites
        .iter()
        .map(|s| s.id.len())
        .chain(inst.units.iter().map(|u| u.id.len()))
        .max()
        .unwrap_or(4);
    let _ = writeln!(out, "Sites ({per} day(s) a character; █ covered, ░ short):");
    for site in &inst.sites {
        let cal = p.sites.iter().find(|c| c.site == site.id);
        let strip: String = (0..cells)
            .map(|k| {
                let short = (k * per..((k + 1) * per).min(days)).any(|d| {
                    cal.and_then(|c| c.days.iter().find(|x| x.day == d))
                        .is_none_or(|x| (x.units.len() as u32) < site.required)
                });
                if short { '░' } else { '█' }
            })
            .collect();
        let _ = writeln!(out, "  {:width$}  {strip}", site.id);
    }
    let letters: Vec<char> = ('A'..='Z').chain('a'..='n').chain('p'..='z').collect();
    let letter = |s: usize| letters.get(s).copied().unwrap_or('?');
    let _ = writeln!(
        out,
        "\nUnits (site letter; o overhaul; · travelling or waiting):"
    );
    for up in &p.units {
        let strip: String = (0..cells)
            .map(|k| {
                let d = k * per;
                if let Some(st) = up.stints.iter().find(|s| s.from <= d && d <= s.to) {
                    inst.site_index(&st.site).map_or('?', letter)
                } else if up.overhauls.iter().any(|o| o.from <= d && d <= o.to) {
                    'o'
                } else {
                    '·'
                }
            })
            .collect();
        let _ = writeln!(out, "  {:width$}  {strip}", up.unit);
    }
    let legend: Vec<String> = inst
        .sites
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{} {}", letter(i), s.id))
        .collect();
    let _ = writeln!(out, "  ({})", legend.join(", "));
    out
}
