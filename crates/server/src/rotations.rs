//! The air-defence rotation plan a node serves (`bulwark serve
//! --rotation-plan`, `GET /api/v1/rotations`): checked once at start
//! against the framework being served with `plan::check` (no solver in the
//! server), and cut to what the public may see.
//!
//! A plan with gaps or broken rules is still served, with the report that
//! says so: the dashboard is where people should see them.
//!
//! Visibility: the route is public. An `[[ad_site]]` or `[[ad_unit]]` with
//! `visibility = "restricted"` never reaches it — no site row, no unit row,
//! no stay at a restricted site, no gap at one, no gap reason or
//! violation naming one. A restricted unit on a public site still counts
//! toward that site's coverage: its day lists it as `restricted`, so the
//! calendar does not show a gap that is not there, without naming the unit.

use std::collections::BTreeSet;

use framework::Framework;
use framework::schema::Visibility;
use serde_json::{Value, json};

/// What a restricted unit is called on a public site's day.
pub const RESTRICTED_UNIT: &str = "restricted";

/// A plan and its check, as read at start.
#[derive(Clone, Debug)]
pub struct Rotations {
    pub plan: plan::Plan,
    pub report: plan::Report,
}

/// Checks `plan` against the framework `fw`; `Err` when the framework
/// cannot carry a rotation plan at all (its air-defence sections are
/// unusable), with every reason.
pub fn check(fw: &Framework, plan: plan::Plan) -> Result<Rotations, String> {
    let inst = plan::instance_for(fw, &plan).map_err(|errors| errors.join("\n  "))?;
    let report = plan::check(&inst, &plan);
    Ok(Rotations { plan, report })
}

/// The ids of restricted air-defence sites and units.
fn restricted(fw: &Framework) -> BTreeSet<String> {
    let sites = fw
        .ad_sites
        .iter()
        .filter(|s| s.visibility == Visibility::Restricted)
        .map(|s| s.id.clone());
    let units = fw
        .ad_units
        .iter()
        .filter(|u| u.visibility == Visibility::Restricted)
        .map(|u| u.id.clone());
    sites.chain(units).collect()
}

/// Whether a text names a restricted id (ids are quoted in backticks in
/// gap reasons and violations).
fn names_any(text: &str, hidden: &BTreeSet<String>) -> bool {
    hidden.iter().any(|id| text.contains(&format!("`{id}`")))
}

/// `{"plan": …, "report": …}` as the public may see it.
pub fn public(fw: &Framework, r: &Rotations) -> Value {
    let hidden = restricted(fw);
    let mut plan = r.plan.clone();
    plan.units.retain(|u| !hidden.contains(&u.unit));
    for u in &mut plan.units {
        u.stints.retain(|s| !hidden.contains(&s.site));
    }
    plan.sites.retain(|s| !hidden.contains(&s.site));
    for site in &mut plan.sites {
        for day in &mut site.days {
            for unit in &mut day.units {
                if hidden.contains(unit) {
                    *unit = RESTRICTED_UNIT.to_string();
                }
            }
        }
    }
    let scrub = |gaps: &mut Vec<plan::plan::Gap>| {
        gaps.retain(|g| !hidden.contains(&g.site));
        for g in gaps.iter_mut() {
            g.reasons.retain(|why| !names_any(why, &hidden));
        }
    };
    scrub(&mut plan.gaps);
    let mut report = r.report.clone();
    scrub(&mut report.gaps);
    report.violations.retain(|v| !names_any(v, &hidden));
    if !hidden.is_empty() {
        // Uncovered site-days of the sites shown.
        report.gap_days = report
            .gaps
            .iter()
            .map(|g| u64::from(g.to.saturating_sub(g.from) + 1) * u64::from(g.missing))
            .sum();
    }
    json!({
        "plan": plan,
        "report": report,
        "proven": report.gaps.is_empty() && report.violations.is_empty(),
        "withheld": !hidden.is_empty(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn framework(extra: &str) -> Framework {
        let text = format!(
            r#"
[[party]]
id = "us"
[[ad_site]]
id = "site-a"
units_required = 1
systems = ["patriot"]
[[ad_site]]
id = "site-secret"
units_required = 1
systems = ["patriot"]
visibility = "restricted"
releasable_to = ["us"]
[[ad_unit]]
id = "u-1"
party = "us"
system = "patriot"
hub = "hub"
home = "site-a"
[[ad_unit]]
id = "u-2"
party = "us"
system = "patriot"
hub = "hub"
home = "site-secret"
{extra}
[[hub]]
id = "hub"
systems = ["patriot"]
"#
        );
        framework::load("framework.toml", &text, &framework::NoFiles).0
    }

    fn stint(site: &str, from: u32, to: u32) -> plan::plan::Stint {
        plan::plan::Stint {
            site: site.into(),
            from,
            to,
        }
    }

    #[test]
    fn restricted_sites_and_units_never_reach_the_public() {
        let fw = framework(
            "[[ad_unit]]\nid = \"u-hidden\"\nparty = \"us\"\nsystem = \"patriot\"\nhub = \"hub\"\nvisibility = \"restricted\"\nreleasable_to = [\"us\"]\n",
        );
        let inst = plan::Instance::new(&fw, 4).unwrap();
        let unit = |id: &str, stints| plan::plan::UnitPlan {
            unit: id.into(),
            system: "patriot".into(),
            hub: "hub".into(),
            stints,
            overhauls: Vec::new(),
        };
        let units = vec![
            unit("u-1", vec![stint("site-a", 0, 3)]),
            unit("u-2", vec![stint("site-secret", 0, 1)]),
            unit("u-hidden", vec![]),
        ];
        let sites = plan::plan::calendar(&inst, &units);
        let gaps = plan::plan::gaps_of(&inst, &sites);
        let p = plan::Plan {
            format: plan::plan::FORMAT.into(),
            framework: inst.framework.clone(),
            days: 4,
            units,
            sites,
            gaps,
            orders: Vec::new(),
            kept_until: None,
            solver: None,
        };
        let r = check(&fw, p).unwrap();
        assert!(!r.report.gaps.is_empty(), "the secret site has a gap");
        let v = public(&fw, &r);
        let text = v.to_string();
        for secret in ["site-secret", "u-hidden"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert!(text.contains("site-a") && text.contains("u-1"), "{text}");
        // A public unit stays listed, without its stay at the restricted site.
        assert_eq!(v["plan"]["units"][1]["unit"], "u-2");
        assert_eq!(v["plan"]["units"][1]["stints"], json!([]));
        assert_eq!(v["report"]["gap_days"], 0, "{text}");
        assert_eq!(v["withheld"], true);
    }
}
