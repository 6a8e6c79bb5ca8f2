//! The coverage-gap proof: a plan checked against the framework alone, with
//! no solver. Every unit's days are rebuilt from its stints — travel to and
//! from its hub, the overhaul after each stay, the longest stay, the hub's
//! capacity and spares — and every site's calendar must be exactly what the
//! stints say, every day listed. What is left is counted: a site-day with
//! fewer units than required is a gap.

use std::collections::{BTreeMap, BTreeSet};

use crate::instance::{Instance, Start, system_name};
use crate::plan::{FORMAT, Gap, Overhaul, Plan, gaps_of};

/// What the check found.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    /// Runs of site-days without the units required, by site and day.
    pub gaps: Vec<Gap>,
    /// Uncovered site-days, counted one per missing unit per day.
    pub gap_days: u64,
    /// Rules the plan breaks, each saying where.
    pub violations: Vec<String>,
}

impl Report {
    /// Whether the plan is sound and covers every site every day.
    pub fn proven(&self) -> bool {
        self.gaps.is_empty() && self.violations.is_empty()
    }
}

/// Checks a plan for an instance (made with the plan's own `days`).
pub fn check(inst: &Instance, plan: &Plan) -> Report {
    let mut v: Vec<String> = Vec::new();
    if plan.format != FORMAT {
        v.push(format!("`format` is `{}`, not `{FORMAT}`", plan.format));
    }
    if plan.framework != inst.framework {
        v.push(format!(
            "the plan was made for framework {}, not this one ({})",
            short(&plan.framework),
            short(&inst.framework)
        ));
    }
    if plan.orders != inst.orders {
        v.push(format!(
            "the plan's surge orders ({}) are not what the framework gives for them ({}): re-plan with `--order`",
            orders(&plan.orders),
            orders(&inst.orders)
        ));
    }
    let days = inst.days;
    // Units: each known, once; each stay and overhaul where the rules allow.
    let mut seen = BTreeSet::new();
    let mut overhauls_by_hub: BTreeMap<&str, Vec<(u32, u32)>> = BTreeMap::new();
    let mut at_site: BTreeMap<(&str, u32), BTreeSet<&str>> = BTreeMap::new();
    for up in &plan.units {
        let Some(ui) = inst.unit_index(&up.unit) else {
            v.push(format!("unit `{}` is not in the framework", up.unit));
            continue;
        };
        if !seen.insert(up.unit.as_str()) {
            v.push(format!("unit `{}` is listed twice", up.unit));
            continue;
        }
        let u = &inst.units[ui];
        let hub = &inst.hubs[u.hub];
        let name = &up.unit;
        if up.system != system_name(u.system) || up.hub != hub.id {
            v.push(format!(
                "unit `{name}` is given as {} at `{}`, but the framework has {} at `{}`",
                up.system,
                up.hub,
                system_name(u.system),
                hub.id
            ));
        }
        // Where and when the unit can next arrive at a site `s`.
        let mut ready: Option<u32> = match u.start {
            Start::Hub { ready } => Some(ready),
            Start::Site { .. } => None,
        };
        let mut expected: Vec<Overhaul> = Vec::new();
        let mut last_to: Option<u32> = None;
        for (k, st) in up.stints.iter().enumerate() {
            let here = format!(
                "unit `{name}`, stay {} at `{}` (days {}–{})",
                k + 1,
                st.site,
                st.from,
                st.to
            );
            let Some(s) = inst.site_index(&st.site) else {
                v.push(format!("{here}: no such site"));
                continue;
            };
            if st.from > st.to || st.to >= days {
                v.push(format!("{here}: the days are not within 0–{}", days - 1));
                continue;
            }
            if !inst.covers(u, s) {
                v.push(format!(
                    "{here}: the site does not count {} as covering it",
                    system_name(u.system)
                ));
            }
            if let Some(max) = u.max_days
                && st.to - st.from + 1 > max
            {
                v.push(format!(
                    "{here}: {} days, longer than its {max} days between overhauls",
                    st.to - st.from + 1
                ));
            }
            if last_to.is_some_and(|t| st.from <= t) {
                v.push(format!("{here}: begins before the stay before it ends"));
            }
            let tr = inst.transit(u, s);
            let first_home = matches!(u.start, Start::Site { site } if site == s) && k == 0;
            if k == 0 && matches!(u.start, Start::Site { .. }) && !first_home {
                v.push(format!(
                    "{here}: the unit stands at its home site on day 0, so its first stay must be there from day 0"
                ));
            } else if first_home {
                if st.from != 0 {
                    v.push(format!("{here}: the unit stands at this site on day 0, so its first stay begins on day 0"));
                }
            } else {
                match ready {
                    Some(r) if r + tr <= st.from => {}
                    Some(r) => v.push(format!(
                        "{here}: ready at `{}` on day {r} and {tr} day(s) away, it cannot arrive before day {}",
                        hub.id,
                        r + tr
                    )),
                    None => v.push(format!("{here}: the unit is not free to go")),
                }
            }
            // After the stay: back to the hub, overhaul, ready.
            let leave = st.to + 1;
            if leave < days {
                let back = inst.transit(u, s);
                let start = leave + back;
                if start < days && u.overhaul_days > 0 {
                    expected.push(Overhaul {
                        hub: hub.id.clone(),
                        from: start,
                        to: start + u.overhaul_days - 1,
                    });
                }
                ready = Some(start + u.overhaul_days);
            } else {
                ready = None;
            }
            last_to = Some(st.to);
            for day in st.from..=st.to {
                at_site
                    .entry((inst.sites[s].id.as_str(), day))
                    .or_default()
                    .insert(name.as_str());
            }
        }
        if up.overhauls != expected {
            v.push(format!(
                "unit `{name}`: its overhauls are given as {}, but its stays require {}",
                list(&up.overhauls),
                list(&expected)
            ));
        }
        for o in &expected {
            overhauls_by_hub
                .entry(inst.hubs[u.hub].id.as_str())
                .or_default()
                .push((o.from, o.to));
        }
    }
    // Hubs: capacity each day, spares over the plan.
    for hub in &inst.hubs {
        let list = overhauls_by_hub
            .get(hub.id.as_str())
            .cloned()
            .unwrap_or_default();
        if let Some(cap) = hub.capacity {
            let mut over: Vec<u32> = Vec::new();
            for day in 0..days {
                let n = list.iter().filter(|(f, t)| *f <= day && day <= *t).count();
                if n > cap as usize {
                    over.push(day);
                }
            }
            if let (Some(first), Some(last)) = (over.first(), over.last()) {
                v.push(format!(
                    "hub `{}` overhauls more than its {cap} unit(s) at once on {} day(s), days {first}–{last}",
                    hub.id,
                    over.len()
                ));
            }
        }
        if let Some(kits) = hub.spares
            && list.len() > kits as usize
        {
            v.push(format!(
                "hub `{}` begins {} overhauls but has spares for {kits}",
                hub.id,
                list.len()
            ));
        }
    }
    // Calendars: every site once, every day once, exactly the units there.
    let mut listed = BTreeSet::new();
    for cal in &plan.sites {
        let Some(s) = inst.site_index(&cal.site) else {
            v.push(format!(
                "site `{}` in the calendar is not in the framework",
                cal.site
            ));
            continue;
        };
        if !listed.insert(cal.site.as_str()) {
            v.push(format!("site `{}` has two calendars", cal.site));
            continue;
        }
        let site = &inst.sites[s];
        if cal.required != site.required {
            v.push(format!(
                "site `{}` is given as needing {} unit(s); the framework says {}",
                cal.site, cal.required, site.required
            ));
        }
        let mut given: BTreeMap<u32, &Vec<String>> = BTreeMap::new();
        let mut misstated = Vec::new();
        for d in &cal.days {
            if d.required.unwrap_or(cal.required) != inst.required(s, d.day) {
                misstated.push(d.day);
            }
            if given.insert(d.day, &d.units).is_some() {
                v.push(format!(
                    "site `{}`: day {} is listed twice",
                    cal.site, d.day
                ));
            }
        }
        if !misstated.is_empty() {
            v.push(format!(
                "site `{}`: on {} day(s) ({}) the calendar misstates the units needed (its requirement and the surge orders)",
                cal.site,
                misstated.len(),
                runs(&misstated)
            ));
        }
        let missing: Vec<u32> = (0..days).filter(|d| !given.contains_key(d)).collect();
        if !missing.is_empty() {
            v.push(format!(
                "site `{}`: {} day(s) missing from its calendar ({})",
                cal.site,
                missing.len(),
                runs(&missing)
            ));
        }
        if let Some((d, _)) = given.range(days..).next() {
            v.push(format!(
                "site `{}`: day {d} is past the plan's last day",
                cal.site
            ));
        }
        let mut wrong = Vec::new();
        for (day, units) in &given {
            let there: BTreeSet<&str> = at_site
                .get(&(site.id.as_str(), *day))
                .cloned()
                .unwrap_or_default();
            let said: BTreeSet<&str> = units.iter().map(String::as_str).collect();
            if said != there || said.len() != units.len() {
                wrong.push(*day);
            }
        }
        if !wrong.is_empty() {
            v.push(format!(
                "site `{}`: on {} day(s) ({}) the calendar does not list the units the stays put there",
                cal.site,
                wrong.len(),
                runs(&wrong)
            ));
        }
    }
    for site in &inst.sites {
        if !listed.contains(site.id.as_str()) {
            v.push(format!("site `{}` has no calendar", site.id));
        }
    }
    // Cover, from the stays themselves.
    let truth = crate::plan::calendar(inst, &plan.units);
    let gaps = gaps_of(inst, &truth);
    let gap_days = gaps
        .iter()
        .map(|g| u64::from(g.to - g.from + 1) * u64::from(g.missing))
        .sum();
    let declared: Vec<(&str, u32, u32, u32)> = plan
        .gaps
        .iter()
        .map(|g| (g.site.as_str(), g.from, g.to, g.missing))
        .collect();
    let found: Vec<(&str, u32, u32, u32)> = gaps
        .iter()
        .map(|g| (g.site.as_str(), g.from, g.to, g.missing))
        .collect();
    if declared != found {
        v.push(format!(
            "the plan declares {} gap(s); its stays leave {}",
            declared.len(),
            found.len()
        ));
    }
    Report {
        gaps,
        gap_days,
        violations: v,
    }
}

fn orders(o: &[crate::instance::Order]) -> String {
    if o.is_empty() {
        return "none".into();
    }
    o.iter()
        .map(|x| {
            let sites: Vec<String> = x
                .sites
                .iter()
                .map(|s| format!("+{} at `{}` days {}–{}", s.units, s.site, s.from, s.to))
                .collect();
            format!("`{}` on day {}: {}", x.action, x.day, sites.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

fn list(o: &[Overhaul]) -> String {
    if o.is_empty() {
        return "none".into();
    }
    o.iter()
        .map(|x| format!("`{}` days {}–{}", x.hub, x.from, x.to))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `[1,2,3,7]` → `1–3, 7`.
fn runs(days: &[u32]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < days.len() {
        let mut j = i;
        while j + 1 < days.len() && days[j + 1] == days[j] + 1 {
            j += 1;
        }
        out.push(if i == j {
            days[i].to_string()
        } else {
            format!("{}–{}", days[i], days[j])
        });
        i = j + 1;
    }
    if out.len() > 6 {
        let n = out.len();
        out.truncate(6);
        out.push(format!("… {} more", n - 6));
    }
    out.join(", ")
}
