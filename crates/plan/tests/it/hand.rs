//! A small instance whose optimum is worked out by hand.

use plan::Instance;
use plan::instance::{Hub, Site, Start, Unit};
use plan::milp::Status;

use crate::common::solve;

/// Two sites, `s1` needing one unit and `s2` two, three units of one
/// system with no overhaul cycle, 12 days, one hub a day away from each
/// site. Units `a` and `b` are ready at the hub on day 0, `c` on day 5.
///
/// By hand: a unit setting out on day `t` arrives on day `t + 1`, so on
/// day 0 no unit is at any site (3 site-days short); on days 1–5 at most
/// `a` and `b` are, 2 of the 3 units required (1 short a day, 5 site-days);
/// from day 6 all three can be, and nothing makes them leave. So at least
/// 3 + 5 = 8 site-days are uncovered, and sending every unit out as soon as
/// it is ready and keeping it there achieves 8: the optimum is exactly 8.
fn instance() -> Instance {
    let patriot = serde_json::from_str("\"patriot\"").unwrap();
    let site = |id: &str, required| Site {
        id: id.into(),
        name: id.into(),
        required,
        systems: vec![patriot],
    };
    let unit = |id: &str, start| Unit {
        id: id.into(),
        party: "p".into(),
        system: patriot,
        hub: 0,
        max_days: None,
        overhaul_days: 0,
        start,
    };
    Instance {
        days: 12,
        sites: vec![site("s1", 1), site("s2", 2)],
        hubs: vec![Hub {
            id: "h".into(),
            capacity: None,
            spares: None,
            transit: vec![1, 1],
        }],
        units: vec![
            unit("a", Start::Hub { ready: 0 }),
            unit("b", Start::Hub { ready: 0 }),
            unit("c", Start::Hub { ready: 5 }),
        ],
        framework: "hand".into(),
        orders: Vec::new(),
        kept: None,
    }
}

#[test]
fn the_solver_finds_the_optimum_worked_out_by_hand() {
    let inst = instance();
    let out = solve(&inst);
    assert_eq!(out.gaps.status, Status::Optimal);
    assert_eq!(out.plan.solver.as_ref().unwrap().gap_days, 8);
    // Day 0 is short at both sites; nothing is short from day 6.
    for site in ["s1", "s2"] {
        assert!(
            out.plan.gaps.iter().any(|g| g.site == site && g.from == 0),
            "{:#?}",
            out.plan.gaps
        );
    }
    assert!(
        out.plan.gaps.iter().all(|g| g.to <= 5),
        "{:#?}",
        out.plan.gaps
    );
    let report = plan::check(&inst, &out.plan);
    assert!(report.violations.is_empty(), "{:#?}", report.violations);
    assert_eq!(report.gap_days, 8);
}
