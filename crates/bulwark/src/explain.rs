//! `bulwark explain`: say what a finding code means, or — given a framework
//! and a scenario — run the scenario and say why each breach was or was not
//! certified and why each tier did or did not fire.

use std::path::Path;

use anyhow::{Result, bail};
use exercise::explain::{Explanation, Focus, TierWhy, explain, mode_words};

use crate::Format;

#[derive(clap::Args, Debug)]
pub struct ExplainArgs {
    /// A finding code (`B301`), or a framework and a scenario. Nothing:
    /// every finding code.
    #[arg(value_name = "CODE | FRAMEWORK SCENARIO", num_args = 0..=2)]
    args: Vec<String>,
    /// With a scenario: only this breach (its engine id, `B1`, `B2`, … in
    /// order of opening), and every tier for it.
    #[arg(long, value_name = "ID", conflicts_with = "tier")]
    breach: Option<String>,
    /// With a scenario: only this tier (a framework tier id), for every breach.
    #[arg(long, value_name = "ID")]
    tier: Option<String>,
    /// Output format (with a scenario): readable text, or one JSON document.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: &ExplainArgs) -> Result<u8> {
    let scenario_only = args.breach.is_some() || args.tier.is_some() || args.format != Format::Text;
    match args.args.as_slice() {
        [] | [_] if scenario_only => bail!(
            "`--breach`, `--tier` and `--format` go with a scenario: bulwark explain FRAMEWORK SCENARIO [--breach ID | --tier ID] [--format json]"
        ),
        [] => crate::check::explain(None),
        [code] => crate::check::explain(Some(code)),
        [framework, scenario] => scenario_form(args, Path::new(framework), Path::new(scenario)),
        _ => bail!("give a finding code, or a framework and a scenario"),
    }
}

fn scenario_form(args: &ExplainArgs, framework: &Path, scenario: &Path) -> Result<u8> {
    let (fw, loaded, report) = match crate::exercise::load_and_run(framework, scenario)? {
        Ok(run) => run,
        Err(code) => return Ok(code),
    };
    let focus = match (&args.breach, &args.tier) {
        (Some(b), _) => Focus::Breach(b.clone()),
        (None, Some(t)) => Focus::Tier(t.clone()),
        (None, None) => Focus::All,
    };
    let explanation = match explain(&fw, &loaded, &report, &focus) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("bulwark: {e}");
            return Ok(2);
        }
    };
    match args.format {
        Format::Json => {
            let mut text = serde_json::to_string_pretty(&explanation)?;
            text.push('\n');
            crate::write_stdout(&text);
        }
        Format::Text => print_text(&explanation),
    }
    Ok(0)
}

fn print_text(e: &Explanation) {
    let start = e.scenario.start;
    let off = |t: base::Timestamp| exercise::time::offset(start, t);
    say!("scenario `{}`: {}", e.scenario.id, e.scenario.title);
    say!("{}", e.summary);
    for b in &e.breaches {
        say!();
        say!("breach {} (trigger `{}`): {}", b.breach, b.trigger, b.why);
        for d in &b.decisions {
            say!("    {d}");
        }
        for t in &b.tiers {
            print_tier(t, &off);
        }
    }
    if !e.relief.is_empty() {
        say!();
        say!("relief:");
        for r in &e.relief {
            say!(
                "  {}: {} — {}",
                r.item,
                exercise::expect::relief_status(r.status).as_str(),
                r.explanation
            );
            for a in &r.attestations {
                say!(
                    "      {} {} ({}) at {}: {}",
                    a.input,
                    if a.complies {
                        "complies"
                    } else {
                        "does not comply"
                    },
                    a.class,
                    off(a.recorded_at),
                    match &a.reason {
                        None => "counts".to_string(),
                        Some(r) => format!("does not count: {r}"),
                    }
                );
            }
        }
    }
}

fn print_tier(t: &TierWhy, off: &dyn Fn(base::Timestamp) -> String) {
    let head = match (&t.status, t.fired_at) {
        (_, Some(f)) => format!("FIRED at {}", off(f)),
        (Some(status), None) => format!("did not fire ({status})"),
        (None, None) => "not entered".to_string(),
    };
    say!(
        "  tier `{}` (level {}, {}): {head}",
        t.tier,
        t.level,
        mode_words(t.mode)
    );
    say!("      why: {}", t.why);
    for v in &t.votes {
        let counted = match (&v.reason, v.counted) {
            (_, true) => "counted".to_string(),
            (Some(r), false) => format!("not counted: {r}"),
            (None, false) => "not counted".to_string(),
        };
        say!(
            "      vote {} `{}` `{}` at {}: {counted}",
            v.input,
            v.party,
            exercise::expect::ballot_word(v.ballot),
            off(v.recorded_at)
        );
    }
    for r in &t.refused {
        say!(
            "      vote {} `{}` `{}` at {}: REFUSED: {}",
            r.input,
            r.party,
            exercise::expect::ballot_word(r.ballot),
            off(r.recorded_at),
            r.reason
        );
    }
    for o in &t.orders {
        let missed = t.deadlines_missed.iter().any(|m| m.order == o.order);
        let state = match (o.completed_at, missed) {
            (Some(c), true) => format!("completed {}, after its deadline was missed", off(c)),
            (Some(c), false) => format!("completed {}", off(c)),
            (None, true) => "DEADLINE MISSED, still open".to_string(),
            (None, false) => format!("{:?}", o.status).to_lowercase(),
        };
        say!(
            "      order {} to {}, due {}: {state}",
            o.order,
            o.party.as_deref().unwrap_or("no named party"),
            o.due.map_or_else(|| "—".to_string(), off)
        );
    }
}
