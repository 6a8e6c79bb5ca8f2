//! `bulwark exercise`: run a scenario against a framework in virtual time
//! and print the after-action report.
//!
//! Exit status: 0 every expectation met, 1 one or more not met, 2 nothing
//! was run (the framework has errors, the scenario is unreadable or invalid,
//! or the engine refused to run).

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};
use exercise::Report;
use framework::Files;

use crate::Format;

#[derive(clap::Args, Debug)]
pub struct ExerciseArgs {
    /// The framework: a `.toml` file, or a directory holding `framework.toml`.
    /// With `--compare OLD`, the new version.
    framework: PathBuf,
    /// The scenarios: `.toml` files (docs/scenario-format.md) or MSEL `.csv`
    /// files (docs/msel.md), run one after the other.
    #[arg(required = true, num_args = 1..)]
    scenarios: Vec<PathBuf>,
    /// Output format: a readable timeline, or the JSON report (an array of
    /// reports when several scenarios are given).
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Also write a self-contained HTML after-action report to this file
    /// (one scenario; or, with `--compare`, the amendment impact).
    #[arg(long, value_name = "FILE.html")]
    report: Option<PathBuf>,
    /// With `--report`: an air-defence rotation plan (`bulwark plan
    /// rotations … --out PLAN.json`), checked against the framework and
    /// drawn in the report's Logistics section as a calendar with its gaps.
    #[arg(long, value_name = "PLAN.json", requires = "report")]
    rotation_plan: Option<PathBuf>,
    /// Run the scenarios under an older framework version too, and report
    /// what changes from it to FRAMEWORK (the amendment impact):
    /// `bulwark exercise --compare OLD NEW SCENARIO…`.
    #[arg(long, value_name = "OLD_FRAMEWORK")]
    compare: Option<PathBuf>,
    /// Record the run into this new directory as a node would: the log of
    /// every input and decision with its signed checkpoints (`log/`), one
    /// evidence pack per certified breach (`packs/`), the salts of
    /// restricted inputs per entitled party (`restricted/`) and the report
    /// (`report.json`). Check them with `bulwark verify-log DIR` and
    /// `bulwark verify DIR/packs/B1.json` (docs/ledger.md). One scenario.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// With `--out`: sign the log's checkpoints with this signer key
    /// (`bulwark keys generate`). Without it, a key is made for the run and
    /// only its verifier key is kept (`log/log.vkey`).
    #[arg(long, value_name = "KEYFILE", requires = "out")]
    key: Option<PathBuf>,
}

/// Reads files relative to the scenario file's directory.
struct DirFiles {
    root: PathBuf,
}

impl Files for DirFiles {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        std::fs::read(self.root.join(path)).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            _ => e.to_string(),
        })
    }
}

pub fn run(args: &ExerciseArgs) -> Result<u8> {
    if let Some(old) = &args.compare {
        return compare(args, old);
    }
    if args.out.is_some() && (args.scenarios.len() > 1 || args.compare.is_some()) {
        return Err(anyhow!(
            "`--out` records the run of one scenario; give one scenario (and no `--compare`)"
        ));
    }
    if args.report.is_some() && args.scenarios.len() > 1 {
        return Err(anyhow!(
            "`--report` writes the report of one scenario; give one scenario (or use `--compare`)"
        ));
    }
    let fw = match load_framework(&args.framework)? {
        Ok(fw) => fw,
        Err(code) => return Ok(code),
    };
    // Load every scenario before running any: a bad one stops everything.
    let mut loaded = Vec::new();
    for path in &args.scenarios {
        match load_scenario(&fw, path)? {
            Ok(s) => loaded.push(s),
            Err(code) => return Ok(code),
        }
    }
    let mut progress = Progress::new(loaded.iter().map(inputs_of).sum());
    let mut reports = Vec::new();
    if let (Some(dir), [s]) = (&args.out, loaded.as_slice()) {
        let (signer, given) = crate::record::signer(args.key.as_deref(), &s.id)?;
        let (report, log) = progress.run_logged(&fw, s, exercise::record::salt_secret(&signer))?;
        progress.finish();
        let w = crate::record::write(dir, signer, &report, &log)?;
        eprintln!(
            "bulwark: recorded into `{}`: {} log entries under {} signed checkpoints (root {}), {} evidence pack(s){}{}",
            dir.display(),
            w.entries,
            w.checkpoints,
            w.root.get(..16).unwrap_or_default(),
            w.packs.len(),
            if w.restricted > 0 {
                format!(", {} restricted input(s) as commitments", w.restricted)
            } else {
                String::new()
            },
            if given {
                String::new()
            } else {
                " — signed with a key made for this run (log/log.vkey); pass --key to sign with yours".to_string()
            }
        );
        reports.push(report);
    } else {
        for s in &loaded {
            let report = progress.run(&fw, s)?;
            reports.push(report);
        }
        progress.finish();
    }
    if let (Some(file), Some(report), Some(s)) = (&args.report, reports.first(), loaded.first()) {
        let rotations = match &args.rotation_plan {
            Some(path) => Some(checked_plan(&fw, path)?),
            None => None,
        };
        let logistics = exercise::html::Logistics {
            rotations: rotations.as_ref().map(|(p, r)| (p, r)),
            commitments: &fw.commitments,
            stocks: &fw.stocks,
            parties: &fw.parties,
        };
        write_report(file, &exercise::html::report_with(report, s, &logistics))?;
    }
    match args.format {
        Format::Json => match reports.as_slice() {
            [one] => crate::write_stdout(&exercise::report_json(one)),
            many => {
                let mut text = serde_json::to_string_pretty(many).unwrap_or_default();
                text.push('\n');
                crate::write_stdout(&text);
            }
        },
        Format::Text => {
            for (i, r) in reports.iter().enumerate() {
                if i > 0 {
                    say!();
                    say!("────────");
                    say!();
                }
                print_text(r);
            }
        }
    }
    Ok(u8::from(reports.iter().any(|r| !r.summary.passed)))
}

/// The number of inputs a scenario submits (the progress bar's unit).
fn inputs_of(s: &exercise::Scenario) -> u64 {
    s.injects.iter().map(|i| i.inputs.len() as u64).sum()
}

/// Writes an HTML report; the file is written whole or not at all.
fn write_report(file: &Path, html: &str) -> Result<()> {
    let shown = file.display();
    let tmp = file.with_extension("html.partial");
    std::fs::write(&tmp, html)
        .and_then(|()| std::fs::rename(&tmp, file))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            anyhow!("cannot write the report `{shown}`: {e}")
        })
}

/// `--compare OLD NEW SCENARIO…`: each scenario under both versions.
fn compare(args: &ExerciseArgs, old_path: &Path) -> Result<u8> {
    let old_fw = match load_framework(old_path)? {
        Ok(fw) => fw,
        Err(code) => return Ok(code),
    };
    let new_fw = match load_framework(&args.framework)? {
        Ok(fw) => fw,
        Err(code) => return Ok(code),
    };
    let mut pairs = Vec::new();
    for path in &args.scenarios {
        let old = match load_scenario(&old_fw, path)? {
            Ok(s) => s,
            Err(code) => return Ok(code),
        };
        let new = match load_scenario(&new_fw, path)? {
            Ok(s) => s,
            Err(code) => return Ok(code),
        };
        pairs.push((old, new));
    }
    let total = pairs.iter().map(|(o, n)| inputs_of(o) + inputs_of(n)).sum();
    let mut progress = Progress::new(total);
    let mut runs = Vec::new();
    for (old, new) in &pairs {
        let o = progress.run(&old_fw, old)?;
        let n = progress.run(&new_fw, new)?;
        runs.push((o, n));
    }
    progress.finish();
    let (Some((first_old, first_new)), true) = (runs.first(), !runs.is_empty()) else {
        return Err(anyhow!("no scenario to compare"));
    };
    let comparison = exercise::compare(
        exercise::compare::side(&old_path.display().to_string(), first_old),
        exercise::compare::side(&args.framework.display().to_string(), first_new),
        &runs,
    );
    if let Some(file) = &args.report {
        write_report(file, &exercise::html::comparison(&comparison, &runs))?;
    }
    match args.format {
        Format::Json => {
            let mut text = serde_json::to_string_pretty(&comparison).unwrap_or_default();
            text.push('\n');
            crate::write_stdout(&text);
        }
        Format::Text => print_comparison(&comparison),
    }
    Ok(0)
}

fn print_comparison(c: &exercise::Comparison) {
    say!(
        "amendment impact: `{}` {} ({}) → {} ({})",
        c.old.id,
        c.old.version,
        c.old.hash.get(..12).unwrap_or_default(),
        c.new.version,
        c.new.hash.get(..12).unwrap_or_default()
    );
    say!("old: {}", c.old.file);
    say!("new: {}", c.new.file);
    for s in &c.scenarios {
        say!();
        let verdict = |p: bool| if p { "as expected" } else { "NOT as expected" };
        say!(
            "scenario `{}`: {} — old {}, new {}",
            s.scenario,
            count(s.changes.len(), "change"),
            verdict(s.old_passed),
            verdict(s.new_passed)
        );
        for ch in &s.changes {
            let (old, new) = ch.values();
            say!("  {:<26} {}: {old} → {new}", ch.change.as_str(), ch.subject);
        }
    }
    say!();
    say!(
        "{} in {}",
        count(c.changes, "change"),
        count(c.scenarios.len(), "scenario")
    );
}

/// The exercise's progress: inputs run, over every scenario.
struct Progress {
    bar: crate::progress::Progress,
    done: u64,
}

impl Progress {
    fn new(total: u64) -> Progress {
        Progress {
            bar: crate::progress::Progress::new(
                total,
                "{elapsed:>4} [{bar:40}] {pos}/{len} inputs {msg}",
            ),
            done: 0,
        }
    }

    fn tick(&mut self, position: u64) {
        self.bar.tick(position);
    }

    fn run(&mut self, fw: &framework::Framework, s: &exercise::Scenario) -> Result<Report> {
        self.run_logged(fw, s, [0; 32]).map(|(report, _)| report)
    }

    fn run_logged(
        &mut self,
        fw: &framework::Framework,
        s: &exercise::Scenario,
        secret: [u8; 32],
    ) -> Result<(Report, exercise::RunLog)> {
        let base = self.done;
        self.bar.set_message(s.id.clone());
        let run = exercise::run_logged(fw, s, secret, &mut |n| self.tick(base + n as u64))
            .map_err(|e| anyhow!("{e}"))?;
        self.done = base + inputs_of(s);
        self.tick(self.done);
        Ok(run)
    }

    fn finish(&self) {
        self.bar.finish();
    }
}

/// Loads the framework and the scenario and runs it. `Ok(Err(2))` when
/// nothing was run: the framework has errors or the scenario is invalid
/// (both already reported on standard error).
pub fn load_and_run(
    framework: &Path,
    scenario: &Path,
) -> Result<std::result::Result<(framework::Framework, exercise::Scenario, Report), u8>> {
    let fw = match load_framework(framework)? {
        Ok(fw) => fw,
        Err(code) => return Ok(Err(code)),
    };
    let loaded = match load_scenario(&fw, scenario)? {
        Ok(s) => s,
        Err(code) => return Ok(Err(code)),
    };
    let report = exercise::run(&fw, &loaded).map_err(|e| anyhow!("{e}"))?;
    Ok(Ok((fw, loaded, report)))
}

/// Loads a framework; `Ok(Err(2))` when it has errors (reported on stderr).
fn load_framework(framework: &Path) -> Result<std::result::Result<framework::Framework, u8>> {
    let (fw, diags) = crate::check::load(framework)?;
    let errors: Vec<&base::Diagnostic> = diags
        .iter()
        .filter(|d| d.severity == base::Severity::Error)
        .collect();
    if !errors.is_empty() {
        for d in &errors {
            eprintln!("{d}");
        }
        eprintln!(
            "bulwark: the framework `{}` has {} error{}; fix {} before running an exercise (`bulwark check` says more)",
            framework.display(),
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            if errors.len() == 1 { "it" } else { "them" }
        );
        return Ok(Err(2));
    }
    Ok(Ok(fw))
}

/// Loads a scenario (TOML, or an MSEL when it ends in `.csv`) against a
/// framework; `Ok(Err(2))` when it is invalid (reported on stderr).
fn load_scenario(
    fw: &framework::Framework,
    scenario: &Path,
) -> Result<std::result::Result<exercise::Scenario, u8>> {
    let shown = scenario.display().to_string();
    let bytes = std::fs::read(scenario).map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            _ => e.to_string(),
        };
        anyhow!("cannot read `{shown}`: {why}")
    })?;
    let root = scenario.parent().map(Path::to_path_buf).unwrap_or_default();
    match exercise::msel::load_any(&shown, &bytes, &DirFiles { root }, fw) {
        Ok(scenario) => Ok(Ok(scenario)),
        Err(errors) => {
            for e in &errors {
                eprintln!("{e}");
            }
            eprintln!(
                "bulwark: `{shown}` has {} error{}; nothing was run",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" }
            );
            Ok(Err(2))
        }
    }
}

fn print_text(r: &Report) {
    say!("exercise `{}`: {}", r.scenario.id, r.scenario.title);
    say!(
        "framework {} {} ({}), engine {}",
        r.framework.id,
        r.framework.version,
        r.framework.hash.get(..12).unwrap_or_default(),
        r.engine_version
    );
    for a in &r.framework.amendments {
        say!(
            "may be amended to {} ({}), from {}",
            a.version,
            a.hash.get(..12).unwrap_or_default(),
            a.file
        );
    }
    say!("start {}, end {}", r.scenario.start, r.scenario.end);
    say!();
    let mut shown_inject = 0;
    let announce = |index: usize| {
        if let Some(inject) = r.injects.get(index - 1) {
            let what = match (&inject.note, &inject.file) {
                (Some(note), _) => note.clone(),
                (None, Some(file)) => format!("{} inputs from `{file}`", inject.inputs.len()),
                (None, None) => format!("inject {index}"),
            };
            say!("{}  {:<10}  ▸ {what}", inject.at, inject.offset);
        }
    };
    for entry in &r.decisions {
        if let Some(index) = entry.inject {
            // Injects whose inputs made no decision still appear, in order.
            while shown_inject < index {
                shown_inject += 1;
                announce(shown_inject);
            }
        }
        say!(
            "{}  {:<10}      {}",
            exercise::step_at(&entry.step),
            entry.offset,
            exercise::describe_step(r.scenario.start, &entry.step)
        );
    }
    while shown_inject < r.injects.len() {
        shown_inject += 1;
        announce(shown_inject);
    }
    say!(
        "{}  {:<10}  ▸ end of the run",
        r.scenario.end,
        exercise::time::offset(r.scenario.start, r.scenario.end)
    );
    print_ladder(r);
    say!();
    say!("expectations:");
    for e in &r.expectations {
        say!(
            "  {} {} — {}",
            if e.met { "✓" } else { "✗" },
            e.id,
            e.detail
        );
        if !e.met {
            say!("      why expected: {}", e.note);
        }
    }
    let m = &r.metrics;
    say!();
    say!(
        "{} ({} rejected, {} duplicate{}) → {} ({} contested), {} ({} certified, {} escalated, {} closed)",
        count(m.inputs, "input"),
        m.rejected,
        m.duplicates,
        if m.duplicates == 1 { "" } else { "s" },
        count(m.incidents, "incident"),
        m.contested_incidents,
        count(m.breaches, "breach"),
        m.certified,
        m.escalated,
        m.closed
    );
    if let (Some(max), Some(median)) = (
        m.time_to_certification_s.max,
        m.time_to_certification_s.median,
    ) {
        say!(
            "time to certification: median {}, max {}",
            hours(median),
            hours(max)
        );
    }
    if m.activations > 0 {
        say!(
            "ladder: {} ({} fired), {} ({} not counted), {} ({} completed, {} missed)",
            count(m.activations, "activation"),
            m.fired,
            count(m.votes, "vote"),
            m.votes_not_counted,
            count(m.orders, "order"),
            m.orders_completed,
            m.deadlines_missed
        );
    }
    if let (Some(min), Some(median), Some(max)) = (
        m.first_action_s.min,
        m.first_action_s.median,
        m.first_action_s.max,
    ) {
        say!(
            "time to first action (from the first observation): fastest {}, median {}, max {}",
            hours(min),
            hours(median),
            hours(max)
        );
    }
    let s = &r.summary;
    say!(
        "{} of {} expectations met{}",
        s.met,
        s.expectations,
        if s.passed { "" } else { " — see ✗ above" }
    );
}

/// The ladder at the end of the run: each activation with its orders and
/// due times, the votes, and the relief items that moved.
fn print_ladder(r: &Report) {
    let start = r.scenario.start;
    let at = |t: base::Timestamp| format!("{t} ({})", exercise::time::offset(start, t));
    if !r.activations.is_empty() {
        say!();
        say!("activations:");
    }
    for a in &r.activations {
        say!(
            "  {} — {}",
            exercise::expect::describe_activation(start, a),
            exercise::plain(
                a.explanation
                    .rsplit("; then ")
                    .next()
                    .unwrap_or(&a.explanation)
            )
        );
        for o in &a.actions {
            let status = match (o.completed_at, o.status) {
                (Some(c), _) => format!("completed {}", at(c)),
                (None, state) => format!("{state:?}").to_lowercase(),
            };
            let missed = if o.completed_at.is_some()
                && r.deadlines_missed.iter().any(|m| m.order == o.order)
            {
                " (late: its deadline was missed)"
            } else {
                ""
            };
            say!(
                "      {:<26} {:<10} due {:<36} {status}{missed}",
                o.action,
                o.party.as_deref().unwrap_or("—"),
                o.due.map_or_else(|| "—".to_string(), at)
            );
        }
    }
    if !r.votes.is_empty() {
        say!();
        say!("votes:");
    }
    for v in &r.votes {
        let counted = match (&v.reason, v.counted) {
            (_, true) => "counted".to_string(),
            (Some(reason), false) => format!("NOT COUNTED: {reason}"),
            (None, false) => "NOT COUNTED".to_string(),
        };
        say!(
            "  {:<10} `{}` `{}` on {}/{} ({}): {counted}",
            exercise::time::offset(start, v.recorded_at),
            v.party,
            exercise::expect::ballot_word(v.ballot),
            v.breach,
            v.tier,
            v.input
        );
    }
    let moved: Vec<_> = r
        .relief
        .iter()
        .filter(|i| i.relieved_at.is_some() || !i.attestations.is_empty())
        .collect();
    if !moved.is_empty() {
        say!();
        say!("relief:");
    }
    for item in moved {
        let mut line = format!(
            "  {}: {}",
            item.item,
            exercise::expect::relief_status(item.status).as_str()
        );
        if let Some(t) = item.relieved_at {
            line.push_str(&format!(", relieved {}", at(t)));
        }
        if let Some(t) = item.reimposed_at {
            line.push_str(&format!(", re-imposed {}", at(t)));
        }
        say!("{line} — {}", item.explanation);
    }
}

/// `1 breach`, `2 breaches`, `0 inputs`.
fn count(n: usize, noun: &str) -> String {
    match (n, noun.ends_with("ch")) {
        (1, _) => format!("1 {noun}"),
        (_, true) => format!("{n} {noun}es"),
        (_, false) => format!("{n} {noun}s"),
    }
}

/// Seconds as `12h40m` (or `45m`, `30s`).
pub fn hours(seconds: i64) -> String {
    base::Duration::from_seconds(seconds.max(0)).to_string()
}

/// A rotation plan file checked against the framework, for the report.
fn checked_plan(fw: &framework::Framework, path: &Path) -> Result<(plan::Plan, plan::Report)> {
    let bytes = std::fs::read(path)
        .map_err(|e| anyhow!("cannot read the rotation plan `{}`: {e}", path.display()))?;
    let p: plan::Plan = serde_json::from_slice(&bytes).map_err(|e| {
        anyhow!(
            "{}:{}:{}: not a rotation plan (`bulwark plan rotations … --out PLAN.json` makes one): {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    let inst = plan::instance_for(fw, &p).map_err(|errors| {
        anyhow!(
            "the rotation plan `{}` cannot be checked against this framework:\n  {}",
            path.display(),
            errors.join("\n  ")
        )
    })?;
    let report = plan::check(&inst, &p);
    Ok((p, report))
}
