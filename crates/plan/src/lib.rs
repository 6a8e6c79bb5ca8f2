//! Air-defence rotations: a plan that keeps every site covered every day
//! while units leave for overhaul, found by a real solver, and a check of
//! any plan that needs no solver at all.
//!
//! ```text
//! framework ──Instance::new──► instance ──model::build──► Milp ──milp::solve (HiGHS)──►
//!     values ──plan::decode──► Plan ──check::check──► gaps and violations
//! ```
//!
//! Pure: no I/O and no clock (the solver's time limit aside). The same
//! framework, days and options give the same plan: HiGHS runs on one
//! thread with a fixed seed, and the plan is read back in a fixed order.

pub mod check;
pub mod instance;
pub mod milp;
pub mod model;
pub mod plan;

pub use check::{Report, check};
pub use instance::{Instance, InstanceError};
pub use plan::Plan;

use model::Relax;

/// The instance a plan file is checked against: the framework's, for the
/// plan's days, with the plan's surge orders worked out again from the
/// framework (so that a plan cannot claim a smaller surge than was
/// ordered). Every reason it cannot be built, in words.
pub fn instance_for(fw: &framework::Framework, plan: &Plan) -> Result<Instance, Vec<String>> {
    let mut inst = Instance::new(fw, plan.days)
        .map_err(|errors| errors.iter().map(ToString::to_string).collect::<Vec<_>>())?;
    let mut errors = Vec::new();
    for o in &plan.orders {
        if let Err(why) = inst.order(fw, &o.action, o.day) {
            errors.push(why);
        }
    }
    if errors.is_empty() {
        Ok(inst)
    } else {
        Err(errors)
    }
}

/// Why planning failed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum PlanError {
    #[error(transparent)]
    Solve(#[from] milp::SolveError),
    #[error(transparent)]
    Decode(#[from] plan::DecodeError),
    #[error("the solver found no plan within {0} s: allow more time with --time-limit")]
    NoPlan(f64),
}

/// A plan and how it was found.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub plan: Plan,
    /// The first stage: the fewest uncovered site-days.
    pub gaps: milp::Solved,
    /// The second stage: the fewest moves keeping that number.
    pub moves: Option<milp::Solved>,
    /// With gaps: what would close them, e.g. "with one more patriot unit
    /// at `hub-rzeszow`: 0 uncovered site-days instead of 12".
    pub remedies: Vec<String>,
}

/// Branch-and-bound nodes the second stage may search. A limit of work,
/// not time, so that the plan is the same on any machine.
pub const MOVE_NODES: i64 = 200;

/// Plans the instance in two stages: the fewest uncovered site-days
/// (proven, or the solver says it is not), then, keeping that number, the
/// fewest arrivals at sites within [`MOVE_NODES`] nodes of search from the
/// first stage's plan. With gaps, each is explained and the relaxations
/// that would close them are tried (more solves).
pub fn plan(inst: &Instance, options: &milp::Options) -> Result<Outcome, PlanError> {
    let model = model::build(inst, &Relax::default());
    let first = milp::solve(&model.milp, options)?;
    if first.values.is_empty() {
        return Err(PlanError::NoPlan(options.time_limit));
    }
    let gap_days = model.gaps(&first.values);
    let mut values = first.values.clone();
    let second_model = model.fewest_moves(gap_days);
    let second = milp::solve(
        &second_model,
        &milp::Options {
            node_limit: Some(MOVE_NODES),
            start: Some(first.values.clone()),
            ..options.clone()
        },
    )?;
    let better = !second.values.is_empty()
        && model.arrivals(&second.values) <= model.arrivals(&values)
        && model.gaps(&second.values) == gap_days;
    if better {
        values.clone_from(&second.values);
    }
    let mut plan = plan::decode(inst, &model, &values)?;
    let status = |s: milp::Status| match s {
        milp::Status::Optimal => "optimal",
        _ => "feasible",
    };
    plan.solver = Some(plan::SolverReport {
        name: first.solver.clone(),
        status: status(first.status).into(),
        gap_days,
        arrivals: model.arrivals(&values),
        arrivals_status: if better {
            status(second.status)
        } else {
            "feasible"
        }
        .into(),
        seconds: first.seconds + second.seconds,
        gap_seconds: first.seconds,
        columns: model.milp.columns.len(),
        rows: model.milp.rows.len(),
    });
    let mut remedies = Vec::new();
    if gap_days > 0 {
        explain(inst, &mut plan);
        remedies = what_would_close(inst, &model, gap_days, options)?;
    }
    Ok(Outcome {
        plan,
        gaps: first,
        moves: Some(second),
        remedies,
    })
}

/// Gives each gap its reasons: how many units could cover the site at all,
/// and where each of them is on the gap's first day.
fn explain(inst: &Instance, plan: &mut Plan) {
    for gap in &mut plan.gaps {
        let Some(s) = inst.site_index(&gap.site) else {
            continue;
        };
        let site = &inst.sites[s];
        let able: Vec<usize> = (0..inst.units.len())
            .filter(|u| inst.covers(&inst.units[*u], s))
            .collect();
        let systems: Vec<String> = site
            .systems
            .iter()
            .map(|x| instance::system_name(*x))
            .collect();
        if able.is_empty() {
            gap.reasons.push(format!(
                "no unit in the framework has a system that covers it ({})",
                systems.join(", ")
            ));
            continue;
        }
        let needed: u32 = inst
            .sites
            .iter()
            .filter(|other| other.systems.iter().any(|x| site.systems.contains(x)))
            .map(|other| other.required)
            .sum();
        gap.reasons.push(format!(
            "{} unit(s) can cover it ({}), shared with sites needing {needed} in all",
            able.len(),
            systems.join(", ")
        ));
        let day = gap.from;
        let mut whereabouts = Vec::new();
        for &u in &able {
            let unit = &inst.units[u];
            let Some(up) = plan.units.iter().find(|x| x.unit == unit.id) else {
                continue;
            };
            let at = up.stints.iter().find(|x| x.from <= day && day <= x.to);
            let ov = up.overhauls.iter().find(|x| x.from <= day && day <= x.to);
            let what = match (at, ov, unit.start) {
                (Some(st), _, _) => format!("at `{}`", st.site),
                (None, Some(o), _) => format!("in overhaul at `{}` until day {}", o.hub, o.to),
                (None, None, instance::Start::Hub { ready }) if ready > day => {
                    format!("not available until day {ready}")
                }
                _ if up.stints.iter().any(|x| x.from > day) => "travelling".to_string(),
                _ if up.overhauls.iter().any(|x| x.to < day)
                    || up.stints.iter().any(|x| x.to < day) =>
                {
                    "travelling back, or ready too late to arrive in time".to_string()
                }
                _ => "ready, but cannot arrive in time".to_string(),
            };
            whereabouts.push(format!("`{}` {what}", unit.id));
        }
        gap.reasons
            .push(format!("on day {day}: {}", whereabouts.join("; ")));
        let hub_full: Vec<String> = inst
            .hubs
            .iter()
            .filter(|h| h.capacity.is_some() || h.spares.is_some())
            .filter(|h| {
                able.iter()
                    .any(|u| inst.hubs[inst.units[*u].hub].id == h.id)
            })
            .map(|h| {
                format!(
                    "hub `{}` overhauls {} at once{}",
                    h.id,
                    h.capacity
                        .map_or("any number".to_string(), |c| c.to_string()),
                    h.spares
                        .map_or(String::new(), |k| format!(", with spares for {k}"))
                )
            })
            .collect();
        gap.reasons.extend(hub_full);
    }
}

/// Re-solves with one limit lifted at a time and says which would close the
/// gaps: each limited hub without its limit, one more unit of each class.
fn what_would_close(
    inst: &Instance,
    model: &model::Model,
    gap_days: i64,
    options: &milp::Options,
) -> Result<Vec<String>, PlanError> {
    let mut out = Vec::new();
    let mut tries: Vec<(String, Relax)> = Vec::new();
    for (h, hub) in inst.hubs.iter().enumerate() {
        if hub.capacity.is_some() || hub.spares.is_some() {
            tries.push((
                format!("without the capacity and spares limits of hub `{}`", hub.id),
                Relax {
                    hubs: vec![h],
                    extra_unit: None,
                },
            ));
        }
    }
    for (ci, c) in model.classes.iter().enumerate() {
        tries.push((
            format!(
                "with one more {} unit at `{}`",
                instance::system_name(c.system),
                inst.hubs[c.hub].id
            ),
            Relax {
                hubs: Vec::new(),
                extra_unit: Some(ci),
            },
        ));
    }
    for (what, relax) in tries {
        let m = model::build(inst, &relax);
        let s = milp::solve(&m.milp, options)?;
        if s.values.is_empty() {
            continue;
        }
        let g = m.gaps(&s.values);
        if g < gap_days {
            out.push(format!(
                "{what}: {g} uncovered site-day(s) instead of {gap_days}{}",
                if s.status == milp::Status::Optimal {
                    ""
                } else {
                    " (not proven)"
                }
            ));
        }
    }
    Ok(out)
}
