//! The rotation model: units that are alike are counted together, and each
//! site's history is two running totals per kind of unit — arrivals and
//! departures — instead of a variable per unit per day. That keeps the
//! program small and its relaxation tight; [`decode`] turns the totals
//! back into named units, first in first out.
//!
//! For each class `c` (units of one system, hub, maximum stay and overhaul
//! time), each site `s` its system covers and each day `t`:
//!
//! - `A[c,s,t]`: units of `c` that have arrived at `s` by day `t` (those
//!   standing there on day 0 included); `D[c,s,t]`: units that have left by
//!   day `t` (a unit that leaves on day `t` is not there on day `t`). Both
//!   never decrease; `A - D ≥ 0` are the units there on day `t`.
//! - **Stays**: `D[c,s,t] ≥ A[c,s,t-L]`: whoever arrived by day `t - L` has
//!   left by day `t`, so no stay is longer than `L` days — true of every
//!   unit when they leave in the order they came.
//! - **Overhaul**: a unit leaving `s` on day `t` travels `r` days to its hub,
//!   is overhauled for `O` days and is ready on day `t + r + O`.
//! - **Readiness**: the units that have set out by day `t` are never more
//!   than those ready by then. A unit setting out on day `t` arrives on
//!   `t + r`.
//! - **Hub capacity**: units under overhaul on a day ≤ the hub's capacity;
//!   **spares**: overhauls begun ≤ the hub's kits.
//! - **Cover**: `Σ_c (A - D)[c,s,t] + gap[s,t] ≥ required[s]`.
//!
//! The objective is the number of uncovered site-days. A second stage then
//! keeps that number and looks for the fewest arrivals at sites (moves),
//! within a fixed amount of search, so that the plan is not needlessly
//! restless.

use std::collections::BTreeMap;

use framework::schema::AdSystem;

use crate::instance::{Instance, Kept, Start};
use crate::milp::Milp;

/// Units that are interchangeable for the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Class {
    pub system: AdSystem,
    pub hub: usize,
    pub max_days: Option<u32>,
    pub overhaul_days: u32,
    /// Its units, by index into the instance's units, in id order.
    pub units: Vec<usize>,
    /// Units ready at the hub by day: `(day, count)`.
    pub ready: Vec<(u32, i64)>,
    /// Units standing at each site on day 0, by site index.
    pub homed: BTreeMap<usize, i64>,
    /// Sites its system covers.
    pub sites: Vec<usize>,
}

/// The program and where its variables are.
#[derive(Clone, Debug)]
pub struct Model {
    pub milp: Milp,
    pub classes: Vec<Class>,
    /// `arrived[c][k][t]`: column of `A[c, classes[c].sites[k], t]`.
    pub arrived: Vec<Vec<Vec<usize>>>,
    pub left: Vec<Vec<Vec<usize>>>,
    /// `gap[s][t]`: column, or `None` for a site that needs nothing.
    pub gap: Vec<Vec<Option<usize>>>,
    /// Columns counting arrivals at sites (`A` on the last day): the moves.
    pub moves: Vec<usize>,
}

/// Groups the instance's units into classes.
pub fn classes(inst: &Instance) -> Vec<Class> {
    let mut by_key: BTreeMap<(AdSystem, usize, Option<u32>, u32), Class> = BTreeMap::new();
    let mut order: Vec<usize> = (0..inst.units.len()).collect();
    order.sort_by(|a, b| {
        let (ua, ub) = (&inst.units[*a], &inst.units[*b]);
        ua.id.cmp(&ub.id)
    });
    for u in order {
        let unit = &inst.units[u];
        let key = (unit.system, unit.hub, unit.max_days, unit.overhaul_days);
        let class = by_key.entry(key).or_insert_with(|| Class {
            system: unit.system,
            hub: unit.hub,
            max_days: unit.max_days,
            overhaul_days: unit.overhaul_days,
            units: Vec::new(),
            ready: Vec::new(),
            homed: BTreeMap::new(),
            sites: (0..inst.sites.len())
                .filter(|s| inst.covers(unit, *s))
                .collect(),
        });
        class.units.push(u);
        match unit.start {
            Start::Hub { ready } => match class.ready.iter_mut().find(|r| r.0 == ready) {
                Some(r) => r.1 += 1,
                None => class.ready.push((ready, 1)),
            },
            Start::Site { site } => *class.homed.entry(site).or_insert(0) += 1,
        }
    }
    let mut out: Vec<Class> = by_key.into_values().collect();
    for c in &mut out {
        c.ready.sort_unstable();
    }
    out
}

/// What may be relaxed, to learn what a gap comes from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Relax {
    /// Hubs (by index) whose capacity and spares are lifted.
    pub hubs: Vec<usize>,
    /// One more unit in this class, ready at its hub on day 0.
    pub extra_unit: Option<usize>,
}

/// Builds the program for an instance.
pub fn build(inst: &Instance, relax: &Relax) -> Model {
    let days = inst.days as usize;
    let mut classes = classes(inst);
    if let Some(c) = relax.extra_unit.and_then(|c| classes.get_mut(c)) {
        match c.ready.first_mut() {
            Some(r) if r.0 == 0 => r.1 += 1,
            _ => c.ready.insert(0, (0, 1)),
        }
    }
    let mut m = Milp::default();
    let mut arrived = Vec::new();
    let mut left = Vec::new();
    let mut moves = Vec::new();
    for (ci, c) in classes.iter().enumerate() {
        let size = c.ready.iter().map(|r| r.1).sum::<i64>() + c.homed.values().sum::<i64>();
        let hub = &inst.hubs[c.hub];
        let mut ca = Vec::new();
        let mut ce = Vec::new();
        for &s in &c.sites {
            let tr = hub.transit.get(s).copied().unwrap_or(1) as usize;
            let homed = c.homed.get(&s).copied().unwrap_or(0);
            let cycle = (2 * tr + c.overhaul_days as usize + 1).max(1);
            let ub = homed + size * (days / cycle + 1) as i64;
            let sid = &inst.sites[s].id;
            let a: Vec<usize> = (0..days)
                .map(|t| {
                    let hi = if t < tr { homed } else { ub };
                    m.column(format!("A[{ci},{sid},{t}]"), 0, homed, hi)
                })
                .collect();
            let d: Vec<usize> = (0..days)
                .map(|t| {
                    let hi = if t == 0 { 0 } else { ub };
                    m.column(format!("D[{ci},{sid},{t}]"), 0, 0, hi)
                })
                .collect();
            for t in 1..days {
                m.row(
                    || format!("A rises[{ci},{sid},{t}]"),
                    Some(0),
                    None,
                    &[(a[t], 1), (a[t - 1], -1)],
                );
                m.row(
                    || format!("D rises[{ci},{sid},{t}]"),
                    Some(0),
                    None,
                    &[(d[t], 1), (d[t - 1], -1)],
                );
            }
            for t in 0..days {
                m.row(
                    || format!("present[{ci},{sid},{t}]"),
                    Some(0),
                    None,
                    &[(a[t], 1), (d[t], -1)],
                );
            }
            if let Some(l) = c.max_days.map(|l| l as usize) {
                for t in l..days {
                    m.row(
                        || format!("stay[{ci},{sid},{t}]"),
                        Some(0),
                        None,
                        &[(d[t], 1), (a[t - l], -1)],
                    );
                }
            }
            if let Some(last) = a.last() {
                moves.push(*last);
            }
            ca.push(a);
            ce.push(d);
        }
        // Readiness: set out by day t ≤ ready by day t.
        let o = c.overhaul_days as usize;
        for t in 0..days {
            let mut terms = Vec::new();
            let mut constant: i64 = c
                .ready
                .iter()
                .filter(|r| r.0 as usize <= t)
                .map(|r| r.1)
                .sum();
            for (k, &s) in c.sites.iter().enumerate() {
                let tr = hub.transit.get(s).copied().unwrap_or(1) as usize;
                if let Some(back) = t.checked_sub(tr + o)
                    && let Some(col) = ce[k].get(back)
                {
                    terms.push((*col, 1));
                }
                let by = (t + tr).min(days - 1);
                terms.push((ca[k][by], -1));
                let homed = c.homed.get(&s).copied().unwrap_or(0);
                constant += homed;
            }
            m.row(|| format!("ready[{ci},{t}]"), Some(-constant), None, &terms);
        }
        arrived.push(ca);
        left.push(ce);
    }
    // Hubs: capacity and spares.
    for (h, hub) in inst.hubs.iter().enumerate() {
        let lifted = relax.hubs.contains(&h);
        let members: Vec<usize> = (0..classes.len())
            .filter(|c| classes[*c].hub == h)
            .collect();
        if let (Some(cap), false) = (hub.capacity, lifted) {
            for t in 0..days {
                let mut terms = Vec::new();
                for &ci in &members {
                    let c = &classes[ci];
                    let o = c.overhaul_days as usize;
                    for (k, &s) in c.sites.iter().enumerate() {
                        let tr = hub.transit.get(s).copied().unwrap_or(1) as usize;
                        if let Some(i) = t.checked_sub(tr) {
                            terms.push((left[ci][k][i], 1));
                            if let Some(j) = i.checked_sub(o) {
                                terms.push((left[ci][k][j], -1));
                            }
                        }
                    }
                }
                if !terms.is_empty() {
                    m.row(
                        || format!("capacity[{},{t}]", hub.id),
                        None,
                        Some(i64::from(cap)),
                        &terms,
                    );
                }
            }
        }
        if let (Some(kits), false) = (hub.spares, lifted) {
            let mut terms = Vec::new();
            for &ci in &members {
                let c = &classes[ci];
                for (k, &s) in c.sites.iter().enumerate() {
                    let tr = hub.transit.get(s).copied().unwrap_or(1) as usize;
                    if let Some(i) = (days - 1).checked_sub(tr) {
                        terms.push((left[ci][k][i], 1));
                    }
                }
            }
            if !terms.is_empty() {
                m.row(
                    || format!("spares[{}]", hub.id),
                    None,
                    Some(i64::from(kits)),
                    &terms,
                );
            }
        }
    }
    if let Some(kept) = &inst.kept {
        keep(inst, kept, &classes, &arrived, &left, &mut m);
    }
    // Cover, with the gap counted.
    let mut gap = Vec::new();
    for (s, site) in inst.sites.iter().enumerate() {
        let mut row_gap = Vec::new();
        for t in 0..days {
            let req = i64::from(inst.required(s, t as u32));
            if req == 0 {
                row_gap.push(None);
                continue;
            }
            let g = m.column(format!("gap[{},{t}]", site.id), 1, 0, req);
            let mut terms = vec![(g, 1)];
            for (ci, c) in classes.iter().enumerate() {
                if let Some(k) = c.sites.iter().position(|x| *x == s) {
                    terms.push((arrived[ci][k][t], 1));
                    terms.push((left[ci][k][t], -1));
                }
            }
            m.row(
                || format!("cover[{},{t}]", site.id),
                Some(req),
                None,
                &terms,
            );
            row_gap.push(Some(g));
        }
        gap.push(row_gap);
    }
    Model {
        milp: m,
        classes,
        arrived,
        left,
        gap,
        moves,
    }
}

/// Fixes what the earlier plan did before `kept.until`: who had left each
/// site by each day, and who had set out for it (arrived by each day up to
/// `until` plus the journey: a unit on the road keeps going). The plan is
/// read back day by day, so the same totals give the same units the same
/// past.
fn keep(
    inst: &Instance,
    kept: &Kept,
    classes: &[Class],
    arrived: &[Vec<Vec<usize>>],
    left: &[Vec<Vec<usize>>],
    m: &mut Milp,
) {
    let until = (kept.until as usize).min(inst.days as usize);
    for (ci, c) in classes.iter().enumerate() {
        let stints: Vec<&crate::plan::Stint> = c
            .units
            .iter()
            .filter_map(|&u| kept.units.iter().find(|p| p.unit == inst.units[u].id))
            .flat_map(|p| p.stints.iter())
            .collect();
        for (k, &s) in c.sites.iter().enumerate() {
            let site = &inst.sites[s].id;
            let tr = inst.hubs[c.hub].transit.get(s).copied().unwrap_or(1) as usize;
            let mut fix = |col: usize, value: usize| {
                if let Some(c) = m.columns.get_mut(col) {
                    c.lower = value as i64;
                    c.upper = value as i64;
                }
            };
            for (t, &col) in arrived[ci][k].iter().enumerate().take(until + tr) {
                let day = t as u32;
                let a = stints
                    .iter()
                    .filter(|x| &x.site == site && x.from <= day)
                    .count();
                fix(col, a);
            }
            for (t, &col) in left[ci][k].iter().enumerate().take(until) {
                let day = t as u32;
                let d = stints
                    .iter()
                    .filter(|x| &x.site == site && x.to < day)
                    .count();
                fix(col, d);
            }
        }
    }
}

impl Model {
    /// The second stage: among plans with at most `gap_days` uncovered
    /// site-days, the fewest arrivals at sites.
    pub fn fewest_moves(&self, gap_days: i64) -> Milp {
        let mut m = self.milp.clone();
        for c in &mut m.columns {
            c.cost = 0;
        }
        for &col in &self.moves {
            if let Some(c) = m.columns.get_mut(col) {
                c.cost = 1;
            }
        }
        let gaps: Vec<(usize, i64)> = self
            .gap
            .iter()
            .flatten()
            .flatten()
            .map(|c| (*c, 1))
            .collect();
        m.row(|| "gap days at most".into(), None, Some(gap_days), &gaps);
        m
    }

    /// Arrivals at sites in a solution.
    pub fn arrivals(&self, values: &[i64]) -> i64 {
        self.moves
            .iter()
            .map(|c| values.get(*c).copied().unwrap_or(0))
            .sum()
    }

    /// Uncovered site-days in a solution.
    pub fn gaps(&self, values: &[i64]) -> i64 {
        self.gap
            .iter()
            .flatten()
            .flatten()
            .map(|c| values.get(*c).copied().unwrap_or(0))
            .sum()
    }
}
