//! The planning instance: a framework's `[[ad_site]]`, `[[ad_unit]]` and
//! `[[hub]]` sections in whole days, checked for what a plan needs.

use framework::Framework;
use framework::load::Seg;
use framework::schema::AdSystem;

/// A site that must stay covered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Site {
    pub id: String,
    pub name: String,
    /// Units that must be there every day.
    pub required: u32,
    /// Systems that count as covering it.
    pub systems: Vec<AdSystem>,
}

/// A maintenance hub.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hub {
    pub id: String,
    /// Units it can overhaul at once; `None`: no limit.
    pub capacity: Option<u32>,
    /// Overhauls it can start (one spares kit each); `None`: no limit.
    pub spares: Option<u32>,
    /// Days of travel between the hub and each site (by site index), each way.
    pub transit: Vec<u32>,
}

/// Where a unit is on the plan's first day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Start {
    /// Ready at its hub from this day.
    Hub { ready: u32 },
    /// Deployed at this site (by index), freshly overhauled, from day 0.
    Site { site: usize },
}

/// An air-defence unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    pub id: String,
    pub party: String,
    pub system: AdSystem,
    /// Its hub, by index.
    pub hub: usize,
    /// The longest it may stay at a site before an overhaul; `None`: no limit.
    pub max_days: Option<u32>,
    /// Days an overhaul takes at the hub.
    pub overhaul_days: u32,
    pub start: Start,
}

/// The instance a plan is made for and checked against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instance {
    /// Days planned: day 0 to `days - 1`.
    pub days: u32,
    pub sites: Vec<Site>,
    pub hubs: Vec<Hub>,
    pub units: Vec<Unit>,
    /// The framework's identity hash, hex.
    pub framework: String,
    /// Surge orders given to the plan, in the order given: each raises the
    /// cover some sites need for a while.
    pub orders: Vec<Order>,
    /// Days kept from an earlier plan: a re-plan changes nothing before
    /// `until` (what has happened stays as it happened).
    pub kept: Option<Kept>,
}

/// A surge order: an `air_defence_surge` action with a `[tier.action.surge]`,
/// activated on a day of the plan.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Order {
    /// The framework action's id.
    pub action: String,
    /// The day of the plan the tier was activated.
    pub day: u32,
    /// The sites it raises, by id, and for each the days (first and last,
    /// within the plan) and the units added. Worked out from the framework
    /// by [`Instance::order`]; a plan check works it out again.
    pub sites: Vec<SurgeSite>,
}

/// Extra cover an order asks of one site.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurgeSite {
    pub site: String,
    pub from: u32,
    pub to: u32,
    pub units: u32,
}

/// The part of an earlier plan a re-plan keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kept {
    /// The first day the re-plan may change.
    pub until: u32,
    /// The earlier plan's units (their stints before `until` are kept).
    pub units: Vec<crate::plan::UnitPlan>,
}

/// What stops an instance from being built, where and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {message}")]
pub struct InstanceError {
    pub location: String,
    pub message: String,
}

/// The longest horizon planned: ten years.
pub const MAX_DAYS: u32 = 3660;

/// Whole days in a duration, rounded up (a unit half a day away arrives the
/// next day).
fn days_of(d: base::Duration) -> u32 {
    let s = d.seconds().max(0);
    let days = s.div_euclid(86_400) + i64::from(s.rem_euclid(86_400) != 0);
    u32::try_from(days).unwrap_or(u32::MAX)
}

/// The system's name as written in a framework (`samp_t`).
pub fn system_name(s: AdSystem) -> String {
    match serde_json::to_value(s) {
        Ok(serde_json::Value::String(name)) => name,
        _ => format!("{s:?}"),
    }
}

impl Instance {
    /// Builds the instance for `days` days from a framework. Every problem is
    /// reported, each at its place in the file.
    pub fn new(fw: &Framework, days: u32) -> Result<Instance, Vec<InstanceError>> {
        let mut errors = Vec::new();
        let mut err = |location: base::Location, message: String| {
            errors.push(InstanceError {
                location: location.to_string(),
                message,
            });
        };
        if days == 0 || days > MAX_DAYS {
            err(
                fw.file_start(),
                format!("the plan must cover 1 to {MAX_DAYS} days, not {days}"),
            );
        }
        let sites: Vec<Site> = fw
            .ad_sites
            .iter()
            .map(|s| Site {
                id: s.id.clone(),
                name: s.name.clone(),
                required: s.units_required,
                systems: s.systems.clone(),
            })
            .collect();
        if sites.is_empty() {
            err(
                fw.file_start(),
                "the framework has no `[[ad_site]]`: there is nothing to cover".into(),
            );
        }
        let site_index = |id: &str| sites.iter().position(|s| s.id == id);
        let mut hubs = Vec::new();
        for (k, h) in fw.hubs.iter().enumerate() {
            let default = h.transit.map_or(1, days_of);
            let mut transit = vec![default; sites.len()];
            for (site, d) in &h.transit_to {
                match site_index(site) {
                    Some(i) => {
                        if let Some(t) = transit.get_mut(i) {
                            *t = days_of(*d);
                        }
                    }
                    None => err(
                        fw.locate("hub", k, &[Seg::Key("transit_to"), Seg::Key(site)]),
                        format!(
                            "hub `{}` gives a travel time to `{site}`, which is not an `[[ad_site]]`",
                            h.id
                        ),
                    ),
                }
            }
            hubs.push(Hub {
                id: h.id.clone(),
                capacity: h.capacity,
                spares: h.spares,
                transit,
            });
        }
        let mut units = Vec::new();
        for (k, u) in fw.ad_units.iter().enumerate() {
            let Some(hub_id) = u.hub.as_deref() else {
                err(
                    fw.locate("ad_unit", k, &[]),
                    format!(
                        "unit `{}` has no maintenance hub: give it `hub = \"…\"` so that it can be overhauled",
                        u.id
                    ),
                );
                continue;
            };
            let Some(hub) = fw.hubs.iter().position(|h| h.id == hub_id) else {
                err(
                    fw.locate("ad_unit", k, &[Seg::Key("hub")]),
                    format!(
                        "unit `{}` names hub `{hub_id}`, which is not a `[[hub]]`",
                        u.id
                    ),
                );
                continue;
            };
            let max_days = u.overhaul_every.map(days_of);
            if max_days == Some(0) {
                err(
                    fw.locate("ad_unit", k, &[Seg::Key("overhaul_every")]),
                    format!(
                        "unit `{}` would need an overhaul before its first day at a site",
                        u.id
                    ),
                );
                continue;
            }
            let overhaul_days = match (max_days, u.overhaul_takes) {
                (_, Some(d)) => days_of(d),
                (None, None) => 0,
                (Some(_), None) => {
                    err(
                        fw.locate("ad_unit", k, &[Seg::Key("overhaul_every")]),
                        format!(
                            "unit `{}` has `overhaul_every` but not `overhaul_takes`: say how long its overhaul takes",
                            u.id
                        ),
                    );
                    continue;
                }
            };
            let ready = u.available_from.map_or(0, days_of);
            let start = match u.home.as_deref() {
                None => Start::Hub { ready },
                Some(h) if h == hub_id => Start::Hub { ready },
                Some(home) => match site_index(home) {
                    Some(site) => {
                        let fits = sites
                            .get(site)
                            .is_some_and(|s| s.systems.contains(&u.system));
                        if !fits {
                            err(
                                fw.locate("ad_unit", k, &[Seg::Key("home")]),
                                format!(
                                    "unit `{}` starts at site `{home}`, which its system ({}) does not cover",
                                    u.id,
                                    system_name(u.system)
                                ),
                            );
                            continue;
                        }
                        if ready > 0 {
                            err(
                                fw.locate("ad_unit", k, &[Seg::Key("available_from")]),
                                format!(
                                    "unit `{}` starts deployed at `{home}` but is only available later: drop one of the two",
                                    u.id
                                ),
                            );
                            continue;
                        }
                        Start::Site { site }
                    }
                    None => {
                        err(
                            fw.locate("ad_unit", k, &[Seg::Key("home")]),
                            format!(
                                "unit `{}` starts at `{home}`, which is neither a site nor its hub `{hub_id}`",
                                u.id
                            ),
                        );
                        continue;
                    }
                },
            };
            units.push(Unit {
                id: u.id.clone(),
                party: u.party.clone(),
                system: u.system,
                hub,
                max_days,
                overhaul_days,
                start,
            });
        }
        if errors.is_empty() {
            Ok(Instance {
                days,
                sites,
                hubs,
                units,
                framework: fw.hash_hex(),
                orders: Vec::new(),
                kept: None,
            })
        } else {
            Err(errors)
        }
    }

    /// Adds a surge order: the framework's action `action` (an
    /// `air_defence_surge` with a `[tier.action.surge]`), its tier activated
    /// on `day`. Its extra units are needed from the action's deadline (in
    /// whole days, rounded up) for as long as the surge lasts, cut at the
    /// plan's end.
    pub fn order(&mut self, fw: &Framework, action: &str, day: u32) -> Result<(), String> {
        let found = fw
            .tiers
            .iter()
            .flat_map(|t| t.actions.iter())
            .find(|a| a.id == action);
        let Some(a) = found else {
            return Err(format!(
                "order `{action}`: the framework has no action with that id"
            ));
        };
        let Some(surge) = &a.surge else {
            let with: Vec<&str> = fw
                .tiers
                .iter()
                .flat_map(|t| t.actions.iter())
                .filter(|a| a.surge.is_some())
                .map(|a| a.id.as_str())
                .collect();
            return Err(format!(
                "order `{action}`: the action has no `[tier.action.surge]` saying which sites need more units (actions with one: {})",
                if with.is_empty() {
                    "none".to_string()
                } else {
                    with.join(", ")
                }
            ));
        };
        if day >= self.days {
            return Err(format!(
                "order `{action}` on day {day}: the plan covers days 0 to {}",
                self.days.saturating_sub(1)
            ));
        }
        let from = day.saturating_add(a.deadline.map_or(0, days_of));
        let lasts = days_of(surge.lasts);
        let to = from
            .saturating_add(lasts.saturating_sub(1))
            .min(self.days.saturating_sub(1));
        let mut sites = Vec::new();
        if lasts > 0 && from < self.days {
            for id in &surge.sites {
                if self.site_index(id).is_none() {
                    return Err(format!(
                        "order `{action}`: its surge names `{id}`, which is not an `[[ad_site]]`"
                    ));
                }
                sites.push(SurgeSite {
                    site: id.clone(),
                    from,
                    to,
                    units: surge.units,
                });
            }
        }
        self.orders.push(Order {
            action: action.into(),
            day,
            sites,
        });
        Ok(())
    }

    /// Units site `s` needs on `day`: its own requirement and every surge.
    pub fn required(&self, s: usize, day: u32) -> u32 {
        let Some(site) = self.sites.get(s) else {
            return 0;
        };
        self.orders
            .iter()
            .flat_map(|o| o.sites.iter())
            .filter(|x| x.site == site.id && x.from <= day && day <= x.to)
            .fold(site.required, |n, x| n.saturating_add(x.units))
    }

    /// Days of travel between unit `u`'s hub and site `s`.
    pub fn transit(&self, u: &Unit, s: usize) -> u32 {
        self.hubs
            .get(u.hub)
            .and_then(|h| h.transit.get(s))
            .copied()
            .unwrap_or(1)
    }

    /// Whether unit `u` can cover site `s`.
    pub fn covers(&self, u: &Unit, s: usize) -> bool {
        self.sites
            .get(s)
            .is_some_and(|site| site.systems.contains(&u.system))
    }

    pub fn site_index(&self, id: &str) -> Option<usize> {
        self.sites.iter().position(|s| s.id == id)
    }

    pub fn unit_index(&self, id: &str) -> Option<usize> {
        self.units.iter().position(|u| u.id == id)
    }
}
