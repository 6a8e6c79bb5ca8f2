//! The plan file (`bulwark-rotation-plan/1`, docs/rotations.md) and the
//! decoding of a solved model into it.

use serde::{Deserialize, Serialize};

use crate::instance::{Instance, Order, Start, system_name};
use crate::model::Model;

pub const FORMAT: &str = "bulwark-rotation-plan/1";

/// A rotation plan: where every unit is each day, and each site's calendar.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub format: String,
    /// The framework's identity hash (hex) the plan was made for.
    pub framework: String,
    /// Days planned: day 0 to `days - 1`.
    pub days: u32,
    /// Every unit's stays at sites and overhauls, in unit id order.
    pub units: Vec<UnitPlan>,
    /// Every site, with every day and the units there.
    pub sites: Vec<SiteCalendar>,
    /// Runs of days when a site has fewer units than it needs.
    pub gaps: Vec<Gap>,
    /// Surge orders the plan answers, each with the extra cover it asks
    /// for (`plan check` works them out again from the framework).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub orders: Vec<Order>,
    /// A re-plan: the days before this one were kept from the earlier plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kept_until: Option<u32>,
    /// How the plan was found (absent from a plan written by hand).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solver: Option<SolverReport>,
}

/// One unit's year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitPlan {
    pub unit: String,
    pub system: String,
    pub hub: String,
    /// Stays at sites, in order.
    pub stints: Vec<Stint>,
    /// Overhauls begun within the plan, in order.
    pub overhauls: Vec<Overhaul>,
}

/// A stay at a site, first and last day included.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stint {
    pub site: String,
    pub from: u32,
    pub to: u32,
}

/// An overhaul at a hub, first and last day included.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overhaul {
    pub hub: String,
    pub from: u32,
    pub to: u32,
}

/// A site's calendar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteCalendar {
    pub site: String,
    pub required: u32,
    pub days: Vec<SiteDay>,
}

/// The units at a site on a day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteDay {
    pub day: u32,
    pub units: Vec<String>,
    /// Units needed that day when a surge order raises it above the
    /// site's `required`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<u32>,
}

/// Days a site is short of units.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gap {
    pub site: String,
    /// First and last day of the run.
    pub from: u32,
    pub to: u32,
    /// Units missing each of those days.
    pub missing: u32,
    /// Why, in words (empty from the checker).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
}

/// The solve behind a plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SolverReport {
    pub name: String,
    /// `optimal`: no plan has fewer uncovered site-days (proven);
    /// `feasible`: the fewest found in the time allowed.
    pub status: String,
    pub gap_days: i64,
    /// Arrivals at sites, the tie-breaker among plans with the fewest gaps.
    pub arrivals: i64,
    /// `optimal`: no plan with as few gaps has fewer arrivals (proven);
    /// `feasible`: the fewest found in the search allowed.
    pub arrivals_status: String,
    /// Wall time of both stages.
    pub seconds: f64,
    /// Wall time of the first stage alone (the fewest gaps, proven).
    #[serde(default)]
    pub gap_seconds: f64,
    pub columns: usize,
    pub rows: usize,
}

/// Why a solution could not be read back into units (a solver bug).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the solver's answer does not add up: {0}")]
pub struct DecodeError(pub String);

/// A unit while the plan is read back.
#[derive(Clone, Debug)]
struct Track {
    unit: usize,
    /// Ready at the hub from this day.
    ready: Option<u32>,
    /// At a site (index) since this day.
    at: Option<(usize, u32)>,
    stints: Vec<Stint>,
    overhauls: Vec<Overhaul>,
}

/// Reads a solution back into named units: per class, each day, units set
/// out for a site in order of readiness (then id), and leave a site first
/// in, first out — the order under which the model's limits hold for each.
pub fn decode(inst: &Instance, model: &Model, values: &[i64]) -> Result<Plan, DecodeError> {
    let days = inst.days;
    let v = |col: usize| values.get(col).copied().unwrap_or(0);
    let mut tracks: Vec<Track> = Vec::new();
    for (ci, c) in model.classes.iter().enumerate() {
        let hub = &inst.hubs[c.hub];
        let mut members: Vec<Track> = c
            .units
            .iter()
            .map(|&u| {
                let (ready, at) = match inst.units[u].start {
                    Start::Hub { ready } => (Some(ready), None),
                    Start::Site { site } => (None, Some((site, 0))),
                };
                Track {
                    unit: u,
                    ready,
                    at,
                    stints: Vec::new(),
                    overhauls: Vec::new(),
                }
            })
            .collect();
        for t in 0..days {
            let tu = t as usize;
            for (k, &s) in c.sites.iter().enumerate() {
                let tr = hub.transit.get(s).copied().unwrap_or(1);
                // Leaving on day t.
                let prev = if tu == 0 {
                    0
                } else {
                    v(model.left[ci][k][tu - 1])
                };
                let leaving = v(model.left[ci][k][tu]) - prev;
                for _ in 0..leaving {
                    let pick = members
                        .iter_mut()
                        .filter(|m| matches!(m.at, Some((site, since)) if site == s && since <= t))
                        .min_by_key(|m| (m.at.map(|a| a.1), inst.units[m.unit].id.clone()))
                        .ok_or_else(|| {
                            DecodeError(format!(
                                "nobody to leave site {} on day {t}",
                                inst.sites[s].id
                            ))
                        })?;
                    if let Some((_, since)) = pick.at.take()
                        && since < t
                    {
                        pick.stints.push(Stint {
                            site: inst.sites[s].id.clone(),
                            from: since,
                            to: t - 1,
                        });
                    }
                    let start = t + tr;
                    if start < days && c.overhaul_days > 0 {
                        pick.overhauls.push(Overhaul {
                            hub: hub.id.clone(),
                            from: start,
                            to: start + c.overhaul_days - 1,
                        });
                    }
                    pick.ready = Some(start + c.overhaul_days);
                }
                // Setting out on day t, to arrive on day t + tr.
                let arrive = t + tr;
                if arrive < days {
                    let a = arrive as usize;
                    let before = if a == 0 {
                        c.homed.get(&s).copied().unwrap_or(0)
                    } else {
                        v(model.arrived[ci][k][a - 1])
                    };
                    let coming = v(model.arrived[ci][k][a]) - before;
                    for _ in 0..coming {
                        let pick = members
                            .iter_mut()
                            .filter(|m| m.at.is_none() && m.ready.is_some_and(|r| r <= t))
                            .min_by_key(|m| (m.ready, inst.units[m.unit].id.clone()))
                            .ok_or_else(|| {
                                DecodeError(format!(
                                    "no unit ready on day {t} to set out for {}",
                                    inst.sites[s].id
                                ))
                            })?;
                        pick.ready = None;
                        pick.at = Some((s, arrive));
                    }
                }
            }
        }
        for m in &mut members {
            if let Some((s, since)) = m.at.take() {
                m.stints.push(Stint {
                    site: inst.sites[s].id.clone(),
                    from: since,
                    to: days - 1,
                });
            }
            m.stints.sort_by_key(|x| x.from);
        }
        tracks.extend(members);
    }
    tracks.sort_by(|a, b| inst.units[a.unit].id.cmp(&inst.units[b.unit].id));
    let units: Vec<UnitPlan> = tracks
        .into_iter()
        .map(|t| {
            let u = &inst.units[t.unit];
            UnitPlan {
                unit: u.id.clone(),
                system: system_name(u.system),
                hub: inst.hubs[u.hub].id.clone(),
                stints: t.stints,
                overhauls: t.overhauls,
            }
        })
        .collect();
    let sites = calendar(inst, &units);
    let gaps = gaps_of(inst, &sites);
    Ok(Plan {
        format: FORMAT.into(),
        framework: inst.framework.clone(),
        days,
        units,
        sites,
        gaps,
        orders: inst.orders.clone(),
        kept_until: inst.kept.as_ref().map(|k| k.until),
        solver: None,
    })
}

/// Each site's calendar from the units' stints.
pub fn calendar(inst: &Instance, units: &[UnitPlan]) -> Vec<SiteCalendar> {
    inst.sites
        .iter()
        .enumerate()
        .map(|(s, site)| SiteCalendar {
            site: site.id.clone(),
            required: site.required,
            days: (0..inst.days)
                .map(|day| SiteDay {
                    day,
                    required: Some(inst.required(s, day)).filter(|r| *r != site.required),
                    units: units
                        .iter()
                        .filter(|u| {
                            u.stints
                                .iter()
                                .any(|s| s.site == site.id && s.from <= day && day <= s.to)
                        })
                        .map(|u| u.unit.clone())
                        .collect(),
                })
                .collect(),
        })
        .collect()
}

/// Runs of short days in calendars, by site then day.
pub fn gaps_of(inst: &Instance, calendars: &[SiteCalendar]) -> Vec<Gap> {
    let mut out: Vec<Gap> = Vec::new();
    for (s, site) in inst.sites.iter().enumerate() {
        let have = |day: u32| -> u32 {
            calendars
                .iter()
                .find(|c| c.site == site.id)
                .and_then(|c| c.days.iter().find(|d| d.day == day))
                .map_or(0, |d| u32::try_from(d.units.len()).unwrap_or(u32::MAX))
        };
        for day in 0..inst.days {
            let missing = inst.required(s, day).saturating_sub(have(day));
            if missing == 0 {
                continue;
            }
            match out.last_mut() {
                Some(g) if g.site == site.id && g.to + 1 == day && g.missing == missing => {
                    g.to = day
                }
                _ => out.push(Gap {
                    site: site.id.clone(),
                    from: day,
                    to: day,
                    missing,
                    reasons: Vec::new(),
                }),
            }
        }
    }
    out
}
