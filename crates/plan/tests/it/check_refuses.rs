//! The check refuses bad plans: each test starts from the solved plan of
//! `tight.toml` (proven gap-free, see `reference.rs`) and changes one thing.

use plan::{Instance, Plan, Report};

use crate::common::tight;

fn base() -> (Instance, Plan) {
    let (inst, out) = tight();
    (inst.clone(), out.plan.clone())
}

fn has(report: &Report, words: &str) -> bool {
    report.violations.iter().any(|v| v.contains(words))
}

fn assert_violation(report: &Report, words: &str) {
    assert!(
        has(report, words),
        "no violation saying {words:?}: {:#?}",
        report.violations
    );
    assert!(!report.proven());
}

#[test]
fn the_unchanged_plan_passes() {
    let (inst, p) = base();
    assert!(plan::check(&inst, &p).proven());
}

#[test]
fn a_stay_longer_than_the_longest_allowed() {
    let (inst, mut p) = base();
    let (ui, k, max) = p
        .units
        .iter()
        .enumerate()
        .find_map(|(ui, up)| {
            let max = inst.units[inst.unit_index(&up.unit)?].max_days?;
            let k = up.stints.iter().position(|s| s.from + max < inst.days)?;
            Some((ui, k, max))
        })
        .unwrap();
    let st = &mut p.units[ui].stints[k];
    st.to = st.from + max;
    let report = plan::check(&inst, &p);
    assert_violation(
        &report,
        &format!("longer than its {max} days between overhauls"),
    );
}

#[test]
fn two_stays_of_one_unit_overlap() {
    let (inst, mut p) = base();
    let up = p.units.iter_mut().find(|u| u.stints.len() >= 2).unwrap();
    up.stints[1].from = up.stints[0].to;
    let report = plan::check(&inst, &p);
    assert_violation(&report, "begins before the stay before it ends");
}

#[test]
fn an_overhaul_too_short() {
    let (inst, mut p) = base();
    let up = p
        .units
        .iter_mut()
        .find(|u| !u.overhauls.is_empty())
        .unwrap();
    up.overhauls[0].to -= 1;
    let name = up.unit.clone();
    let report = plan::check(&inst, &p);
    assert_violation(
        &report,
        &format!("unit `{name}`: its overhauls are given as"),
    );
}

#[test]
fn an_overhaul_at_the_wrong_hub() {
    let (inst, mut p) = base();
    let up = p
        .units
        .iter_mut()
        .find(|u| !u.overhauls.is_empty())
        .unwrap();
    let other = inst
        .hubs
        .iter()
        .find(|h| h.id != up.overhauls[0].hub)
        .unwrap();
    up.overhauls[0].hub.clone_from(&other.id);
    let name = up.unit.clone();
    let report = plan::check(&inst, &p);
    assert_violation(
        &report,
        &format!("unit `{name}`: its overhauls are given as"),
    );
}

/// The plan is unchanged but the hub's capacity is lowered under it: the
/// same as a plan with more units in overhaul than the hub holds.
#[test]
fn more_units_in_overhaul_than_the_hub_holds() {
    let (mut inst, p) = base();
    let hub = p
        .units
        .iter()
        .find(|u| !u.overhauls.is_empty())
        .unwrap()
        .overhauls[0]
        .hub
        .clone();
    let h = inst.hubs.iter_mut().find(|h| h.id == hub).unwrap();
    h.capacity = Some(0);
    let report = plan::check(&inst, &p);
    assert_violation(
        &report,
        &format!("hub `{hub}` overhauls more than its 0 unit(s) at once"),
    );
}

#[test]
fn a_site_calendar_missing_a_day() {
    let (inst, mut p) = base();
    let site = p.sites[0].site.clone();
    p.sites[0].days.retain(|d| d.day != 7);
    let report = plan::check(&inst, &p);
    assert_violation(
        &report,
        &format!("site `{site}`: 1 day(s) missing from its calendar"),
    );
}

/// The plan is unchanged but the site no longer counts the system of a unit
/// that stays there.
#[test]
fn a_unit_at_a_site_its_system_does_not_cover() {
    let (mut inst, p) = base();
    let up = p.units.iter().find(|u| !u.stints.is_empty()).unwrap();
    let system = inst.units[inst.unit_index(&up.unit).unwrap()].system;
    let s = inst.site_index(&up.stints[0].site).unwrap();
    inst.sites[s].systems.retain(|x| *x != system);
    let report = plan::check(&inst, &p);
    assert_violation(&report, "the site does not count");
}

#[test]
fn a_plan_thinned_by_one_stay_has_a_gap_at_that_site_and_those_days() {
    let (inst, mut p) = base();
    let ui = p.units.iter().position(|u| !u.stints.is_empty()).unwrap();
    let removed = p.units[ui].stints.pop().unwrap();
    // Keep the calendars true to the stays, so what is left is the gap.
    p.sites = plan::plan::calendar(&inst, &p.units);
    let report = plan::check(&inst, &p);
    assert!(report.gap_days > 0);
    assert!(
        report
            .gaps
            .iter()
            .any(|g| g.site == removed.site && g.from <= removed.to && g.to >= removed.from),
        "no gap at `{}` days {}–{}: {:#?}",
        removed.site,
        removed.from,
        removed.to,
        report.gaps
    );
    assert!(!report.proven());
}

#[test]
fn a_plan_for_another_framework() {
    let (inst, mut p) = base();
    p.framework = "0".repeat(64);
    let report = plan::check(&inst, &p);
    assert_violation(&report, "the plan was made for framework");
}

#[test]
fn an_unknown_unit() {
    let (inst, mut p) = base();
    p.units[0].unit = "u-nobody".into();
    let report = plan::check(&inst, &p);
    assert_violation(&report, "unit `u-nobody` is not in the framework");
}
