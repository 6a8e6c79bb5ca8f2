//! The reference instances in `examples/rotations`.

use plan::milp::Status;

use crate::common::{fewest_gap_days, instance, solve, tight};

/// The plan file with the measured times set to zero.
fn normalised_json(out: &plan::Outcome) -> String {
    let mut p = out.plan.clone();
    if let Some(s) = p.solver.as_mut() {
        s.seconds = 0.0;
        s.gap_seconds = 0.0;
    }
    serde_json::to_string_pretty(&p).unwrap()
}

#[test]
fn solving_twice_gives_the_same_plan_bytes() {
    let inst = instance("short.toml", 180);
    let a = normalised_json(&solve(&inst));
    let b = normalised_json(&solve(&inst));
    assert_eq!(a, b);
}

#[test]
fn tight_is_proven_gap_free_and_the_check_agrees() {
    let (inst, out) = tight();
    assert_eq!(out.gaps.status, Status::Optimal);
    let solver = out.plan.solver.as_ref().unwrap();
    assert_eq!(solver.gap_days, 0);
    assert_eq!(solver.status, "optimal");
    assert!(out.plan.gaps.is_empty());
    assert!(out.remedies.is_empty());
    let report = plan::check(inst, &out.plan);
    assert_eq!(report.gap_days, 0);
    assert!(report.violations.is_empty(), "{:#?}", report.violations);
    assert!(report.proven());
}

#[test]
fn tight_without_any_one_unit_has_a_proven_gap() {
    let (inst, _) = tight();
    assert_eq!(inst.units.len(), 24);
    for k in 0..inst.units.len() {
        let mut less = inst.clone();
        let gone = less.units.remove(k);
        let (gap_days, status) = fewest_gap_days(&less);
        assert_eq!(status, Status::Optimal, "without `{}`", gone.id);
        assert!(gap_days > 0, "without `{}` there is still no gap", gone.id);
    }
}

#[test]
fn short_has_exactly_80_uncovered_site_days_explained_with_remedies() {
    let inst = instance("short.toml", 180);
    let out = solve(&inst);
    assert_eq!(out.gaps.status, Status::Optimal);
    let solver = out.plan.solver.as_ref().unwrap();
    assert_eq!(solver.gap_days, 80);
    assert!(!out.plan.gaps.is_empty());
    for g in &out.plan.gaps {
        assert!(!g.reasons.is_empty(), "gap at `{}` has no reasons", g.site);
    }
    let report = plan::check(&inst, &out.plan);
    assert!(report.violations.is_empty(), "{:#?}", report.violations);
    assert_eq!(report.gap_days, 80);
    assert!(
        out.remedies.iter().any(|r| r.starts_with("with one more ")
            && r.contains(": 0 uncovered site-day(s) instead of 80")),
        "{:#?}",
        out.remedies
    );
}

#[test]
fn large_is_proven_gap_free_for_a_year_and_the_check_agrees() {
    let inst = instance("large.toml", 365);
    assert_eq!((inst.sites.len(), inst.units.len()), (36, 72));
    let out = solve(&inst);
    assert_eq!(out.gaps.status, Status::Optimal);
    assert_eq!(out.plan.solver.as_ref().unwrap().gap_days, 0);
    let report = plan::check(&inst, &out.plan);
    assert!(report.proven(), "{:#?}", report.violations);
}
