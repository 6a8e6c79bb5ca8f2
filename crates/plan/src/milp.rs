//! A mixed-integer linear program held as plain data: integer costs,
//! bounds and coefficients, rows of sparse terms. The planner builds one;
//! HiGHS solves it ([`solve`], feature `highs`); [`Milp::to_json`] writes
//! the same model for any other solver (the benchmark gives it to OR-Tools
//! CP-SAT), so both solve exactly the same program.

use serde::Serialize;

/// A variable.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Column {
    pub name: String,
    pub cost: i64,
    pub lower: i64,
    pub upper: i64,
    pub integer: bool,
}

/// A linear constraint `lower ≤ Σ coefficient·column ≤ upper`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Row {
    pub name: String,
    pub lower: Option<i64>,
    pub upper: Option<i64>,
    /// `(column index, coefficient)`.
    pub terms: Vec<(usize, i64)>,
}

/// A minimisation problem.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Milp {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

impl Milp {
    /// Adds a variable and returns its index.
    pub fn column(&mut self, name: String, cost: i64, lower: i64, upper: i64) -> usize {
        self.columns.push(Column {
            name,
            cost,
            lower,
            upper,
            integer: true,
        });
        self.columns.len() - 1
    }

    /// Adds a constraint; zero coefficients are dropped and repeated columns
    /// added together.
    pub fn row(
        &mut self,
        name: impl FnOnce() -> String,
        lower: Option<i64>,
        upper: Option<i64>,
        terms: &[(usize, i64)],
    ) {
        let mut terms = terms.to_vec();
        terms.sort_unstable_by_key(|t| t.0);
        let mut merged: Vec<(usize, i64)> = Vec::with_capacity(terms.len());
        for (c, v) in terms {
            match merged.last_mut() {
                Some(last) if last.0 == c => last.1 += v,
                _ => merged.push((c, v)),
            }
        }
        merged.retain(|t| t.1 != 0);
        self.rows.push(Row {
            name: name(),
            lower,
            upper,
            terms: merged,
        });
    }

    /// Number of non-zero coefficients.
    pub fn nonzeros(&self) -> usize {
        self.rows.iter().map(|r| r.terms.len()).sum()
    }

    /// The objective of an assignment.
    pub fn objective(&self, values: &[i64]) -> i64 {
        self.columns
            .iter()
            .zip(values)
            .map(|(c, v)| c.cost * v)
            .sum()
    }

    /// Rows and bounds an assignment breaks, by name (empty: feasible).
    pub fn violations(&self, values: &[i64]) -> Vec<String> {
        let mut out = Vec::new();
        if values.len() != self.columns.len() {
            out.push(format!(
                "{} values for {} columns",
                values.len(),
                self.columns.len()
            ));
            return out;
        }
        for (c, v) in self.columns.iter().zip(values) {
            if *v < c.lower || *v > c.upper {
                out.push(format!(
                    "{} = {v} outside [{}, {}]",
                    c.name, c.lower, c.upper
                ));
            }
        }
        for r in &self.rows {
            let sum: i64 = r
                .terms
                .iter()
                .map(|(c, k)| k * values.get(*c).copied().unwrap_or(0))
                .sum();
            if r.lower.is_some_and(|l| sum < l) || r.upper.is_some_and(|u| sum > u) {
                out.push(format!("{} = {sum}", r.name));
            }
        }
        out
    }

    /// The model as `bulwark-milp/1` JSON (see `crates/plan/bench/cpsat.py`).
    pub fn to_json(&self) -> serde_json::Value {
        let columns: Vec<serde_json::Value> = self
            .columns
            .iter()
            .map(|c| {
                serde_json::json!({
                    "name": c.name, "cost": c.cost, "lower": c.lower,
                    "upper": c.upper, "integer": c.integer,
                })
            })
            .collect();
        let rows: Vec<serde_json::Value> = self
            .rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "name": r.name, "lower": r.lower, "upper": r.upper,
                    "terms": r.terms.iter().map(|(c, k)| [*c as i64, *k]).collect::<Vec<_>>(),
                })
            })
            .collect();
        serde_json::json!({
            "format": "bulwark-milp/1",
            "sense": "minimise",
            "objective_offset": 0,
            "columns": columns,
            "rows": rows,
        })
    }
}

/// How a solve ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The best possible: proven.
    Optimal,
    /// A solution, not proven best (time limit).
    Feasible,
    /// No solution exists.
    Infeasible,
    /// The solver stopped with nothing.
    Unknown,
}

/// A solver's answer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Solved {
    pub solver: String,
    pub status: Status,
    /// Column values, rounded to integers (empty without a solution).
    #[serde(skip)]
    pub values: Vec<i64>,
    pub objective: Option<i64>,
    /// The proven lower bound.
    pub bound: Option<f64>,
    pub seconds: f64,
}

/// Solver options.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// Wall-clock limit in seconds.
    pub time_limit: f64,
    /// Threads for the solver; 1 keeps the answer the same run to run.
    pub threads: u32,
    /// Branch-and-bound nodes allowed: a limit of work rather than time,
    /// so that a search cut short stops at the same place on any machine.
    pub node_limit: Option<i64>,
    /// A solution to start from (column values).
    pub start: Option<Vec<i64>>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            time_limit: 600.0,
            threads: 1,
            node_limit: None,
            start: None,
        }
    }
}

/// Why a solve could not run.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SolveError {
    #[error(
        "bulwark was built without a solver (the `highs` feature): it can write the model (`--model`) and check plans, not solve"
    )]
    NoSolver,
    #[error("the solver refused the model: {0}")]
    Refused(String),
}

/// Solves with HiGHS: single-threaded by default, seeded, and asked for a
/// proof of optimality (the objective is an integer, so an absolute gap
/// under 1 is a proof).
#[cfg(feature = "highs")]
pub fn solve(m: &Milp, options: &Options) -> Result<Solved, SolveError> {
    use highs::{HighsModelStatus, RowProblem, Sense};
    let started = std::time::Instant::now();
    let mut pb = RowProblem::default();
    let cols: Vec<highs::Col> = m
        .columns
        .iter()
        .map(|c| {
            pb.add_column_with_integrality(
                c.cost as f64,
                c.lower as f64..=c.upper as f64,
                c.integer,
            )
        })
        .collect();
    for r in &m.rows {
        let terms: Vec<(highs::Col, f64)> = r
            .terms
            .iter()
            .filter_map(|(c, k)| cols.get(*c).map(|col| (*col, *k as f64)))
            .collect();
        let lo = r.lower.map_or(f64::NEG_INFINITY, |v| v as f64);
        let hi = r.upper.map_or(f64::INFINITY, |v| v as f64);
        pb.add_row(lo..=hi, &terms);
    }
    let mut model = pb
        .try_optimise(Sense::Minimise)
        .map_err(|e| SolveError::Refused(format!("{e:?}")))?;
    model.make_quiet();
    let set = |model: &mut highs::Model, name: &str, value: f64| {
        model
            .try_set_option(name, value)
            .map_err(|e| SolveError::Refused(format!("option {name}: {e:?}")))
    };
    set(&mut model, "time_limit", options.time_limit)?;
    set(&mut model, "mip_rel_gap", 0.0)?;
    set(&mut model, "mip_abs_gap", 0.999)?;
    model
        .try_set_option("random_seed", 1_i32)
        .map_err(|e| SolveError::Refused(format!("option random_seed: {e:?}")))?;
    if let Some(n) = std::num::NonZeroU32::new(options.threads) {
        model.set_threads(n);
    }
    if let Some(nodes) = options.node_limit {
        model
            .try_set_option("mip_max_nodes", i32::try_from(nodes).unwrap_or(i32::MAX))
            .map_err(|e| SolveError::Refused(format!("option mip_max_nodes: {e:?}")))?;
    }
    if let Some(start) = &options.start {
        let cols: Vec<f64> = start.iter().map(|v| *v as f64).collect();
        model
            .try_set_solution(Some(&cols), None, None, None)
            .map_err(|e| SolveError::Refused(format!("starting solution: {e:?}")))?;
    }
    let solved = model
        .try_solve()
        .map_err(|e| SolveError::Refused(format!("{e:?}")))?;
    let status = solved.status();
    let values: Vec<i64> = match status {
        HighsModelStatus::Optimal
        | HighsModelStatus::ReachedTimeLimit
        | HighsModelStatus::ReachedIterationLimit
        | HighsModelStatus::ObjectiveBound
        | HighsModelStatus::ObjectiveTarget
        | HighsModelStatus::ReachedSolutionLimit
        | HighsModelStatus::ReachedInterrupt => solved
            .get_solution()
            .columns()
            .iter()
            .map(|v| v.round() as i64)
            .collect(),
        _ => Vec::new(),
    };
    let has = values.len() == m.columns.len() && m.violations(&values).is_empty();
    let status = match status {
        HighsModelStatus::Optimal if has => Status::Optimal,
        HighsModelStatus::Infeasible => Status::Infeasible,
        _ if has => Status::Feasible,
        _ => Status::Unknown,
    };
    let bound = solved.double_info_value(c"mip_dual_bound").ok();
    let values = if has { values } else { Vec::new() };
    Ok(Solved {
        solver: "highs".into(),
        status,
        objective: has.then(|| m.objective(&values)),
        values,
        bound: bound.filter(|b| b.is_finite()),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Without the `highs` feature there is no solver.
#[cfg(not(feature = "highs"))]
pub fn solve(_m: &Milp, _options: &Options) -> Result<Solved, SolveError> {
    Err(SolveError::NoSolver)
}
