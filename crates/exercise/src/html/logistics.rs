//! The report's Logistics section: the air-defence rotation calendar of a
//! plan given with `--rotation-plan` (the same picture as the dashboard's:
//! a row per site, covered or short in red with the number missing, then a
//! row per unit, its stays coloured by site and its overhauls hatched),
//! each `[[commitment]]` schedule as steps against the deliveries the
//! scenario injects, and each `[[stock]]` line's days of supply
//! (`supply::stock`): the two curves, the floor, the days below it and the
//! surges after the breaches the run certified. Static SVG, integer
//! coordinates, no script.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use framework::schema::{Commitment, Party, Stock};
use supply::stock;

use super::esc;
use crate::load::Scenario;
use crate::run::Report;

/// What the Logistics section draws.
#[derive(Clone, Copy, Debug, Default)]
pub struct Logistics<'a> {
    /// A rotation plan and its check against the framework.
    pub rotations: Option<(&'a plan::Plan, &'a plan::Report)>,
    /// The framework's commitments.
    pub commitments: &'a [Commitment],
    /// The framework's stock lines: a days-of-supply chart each.
    pub stocks: &'a [Stock],
    /// The framework's parties: who owns each step of a delivery.
    pub parties: &'a [Party],
}

/// Width of the calendar, in pixels.
const CALENDAR_WIDTH_PX: i64 = 1240;
/// Width of the row labels.
const CALENDAR_LABEL_PX: i64 = 230;
/// Height of one row.
const CALENDAR_ROW_PX: i64 = 18;
/// Width and height of one commitment's step chart.
const STEPS_WIDTH_PX: i64 = 320;
const STEPS_HEIGHT_PX: i64 = 90;
/// Width and height of one days-of-supply chart.
const DAYS_WIDTH_PX: i64 = 640;
const DAYS_HEIGHT_PX: i64 = 170;
/// How far past the exercise's last day the curves are projected, in days.
const PROJECTED_DAYS: u32 = stock::HORIZON_DAYS_DEFAULT;
/// The longest exercise whose days are drawn one by one (each past day is
/// its own view, as the stock stood that day).
const EXERCISE_DAYS_MAX: u32 = 400;
/// The most days drawn (a plan is at most ten years: `plan::instance::MAX_DAYS`).
const DAYS_MAX: u32 = plan::instance::MAX_DAYS;

/// Site colours, in the dashboard's order.
const SITE_COLOURS: [&str; 10] = [
    "#2f6db5", "#3a8f5c", "#8a5cb5", "#c07a1c", "#2a9a9a", "#b5487a", "#6b7d2a", "#5a5fd0",
    "#8c5a3c", "#4d8fcf",
];

pub(super) const STYLE: &str = r#"
svg .covered { fill: #7fbf8e; } svg .gap { fill: var(--bad); }
svg .missing { fill: #fff; font-weight: 700; text-anchor: middle; }
svg .tick { stroke: #e6e9ed; } svg .due { fill: none; stroke: var(--key); stroke-width: 2; }
svg .got { fill: none; stroke: var(--good); stroke-width: 2; stroke-dasharray: 4 2; }
svg .surge { fill: #fbe3c0; } svg .floor { stroke: var(--warn); stroke-width: 1.5; stroke-dasharray: 6 3; }
svg .dos-with { fill: none; stroke: var(--key); stroke-width: 2; }
svg .dos-confirmed { fill: none; stroke: var(--ink); stroke-width: 2; stroke-dasharray: 5 3; }
svg .below { fill: var(--bad); } svg .now { stroke: var(--muted); stroke-dasharray: 2 2; }
"#;

/// One delivery received, as the scenario injects it.
struct Received {
    day: u32,
    quantity: i64,
}

/// The day after `start` on which `at` falls, counting a started day as a
/// day (as `supply::schedule::day_of` does; the scenario's start stands for
/// the entry into force). `None` before the start.
fn day_of(at: base::Timestamp, start: base::Timestamp) -> Option<u32> {
    let ms = at.millis().checked_sub(start.millis())?;
    if ms < 0 {
        return None;
    }
    u32::try_from(ms.saturating_add(86_399_999) / 86_400_000).ok()
}

/// The receipts confirmed by their recipient, on their days after the
/// scenario's start, as `supply::stock` counts them: the scenario's delivery
/// inputs through the same book a node keeps (`supply::chain`), so a step
/// from a party that does not own it is not counted and a shipment
/// received twice counts once.
fn receipts(s: &Scenario, l: &Logistics) -> Vec<supply::schedule::Delivery> {
    let mut book = supply::chain::Book::new(l.commitments, l.parties);
    for input in s.injects.iter().flat_map(|i| i.inputs.iter()) {
        if let model::Input::Delivery(d) = input {
            // A refused step changes nothing, as on a node.
            let _ = book.apply(d);
        }
    }
    book.deliveries(s.start)
        .into_iter()
        .filter(|d| d.confirmed)
        .collect()
}

/// The confirmed receipts by commitment, in day order.
fn received(s: &Scenario, l: &Logistics) -> BTreeMap<String, Vec<Received>> {
    let mut out: BTreeMap<String, Vec<Received>> = BTreeMap::new();
    for d in receipts(s, l) {
        out.entry(d.commitment).or_default().push(Received {
            day: d.day,
            quantity: d.quantity,
        });
    }
    for list in out.values_mut() {
        list.sort_by_key(|r| r.day);
    }
    out
}

/// The days the run certified a breach on: each starts a surge.
fn breach_days(r: &Report, s: &Scenario) -> Vec<u32> {
    r.breaches
        .iter()
        .filter_map(|b| b.certified_at)
        .filter_map(|at| day_of(at, s.start))
        .collect()
}

/// Whether the section has anything to show.
pub(super) fn wanted(l: &Logistics, s: &Scenario) -> bool {
    l.rotations.is_some()
        || !l.stocks.is_empty()
        || (!l.commitments.is_empty() && !received(s, l).is_empty())
}

/// The section.
pub(super) fn section(body: &mut String, l: &Logistics, s: &Scenario, r: &Report) {
    body.push_str("<h2>Logistics</h2>\n");
    if let Some((plan, report)) = l.rotations {
        calendar(body, plan, report);
    }
    commitments(body, l.commitments, &received(s, l));
    if !l.stocks.is_empty() {
        days_of_supply(body, l, s, r);
    }
}

fn day_text(from: u32, to: u32) -> String {
    if from == to {
        format!("day {from}")
    } else {
        format!("days {from}–{to}")
    }
}

/// Runs of days with the same key: `(from, to, key)`.
fn runs<K: PartialEq>(days: u32, key: impl Fn(u32) -> K) -> Vec<(u32, u32, K)> {
    let mut out: Vec<(u32, u32, K)> = Vec::new();
    for d in 0..days {
        let k = key(d);
        match out.last_mut() {
            Some(last) if last.2 == k && last.1 + 1 == d => last.1 = d,
            _ => out.push((d, d, k)),
        }
    }
    out
}

fn calendar(body: &mut String, p: &plan::Plan, report: &plan::Report) {
    let days = p.days.clamp(1, DAYS_MAX);
    let _ = writeln!(
        body,
        "<h3>Air-defence rotation calendar</h3>\n<p class=\"sub\">The plan given with <code>--rotation-plan</code>: {days} days from day 0, {} sites, {} units; checked against the framework: {}.</p>",
        p.sites.len(),
        p.units.len(),
        if report.gaps.is_empty() && report.violations.is_empty() {
            "every site covered every day".to_string()
        } else {
            format!(
                "<span class=\"no\">{} uncovered site-day(s) in {} gap(s), {} rule(s) broken</span>",
                report.gap_days,
                report.gaps.len(),
                report.violations.len()
            )
        }
    );
    let colour: BTreeMap<&str, &str> = p
        .sites
        .iter()
        .enumerate()
        .map(|(i, s)| (s.site.as_str(), SITE_COLOURS[i % SITE_COLOURS.len()]))
        .collect();
    let span = CALENDAR_WIDTH_PX - CALENDAR_LABEL_PX - 10;
    let x = |d: u32| CALENDAR_LABEL_PX + i64::from(d) * span / i64::from(days);
    let w = |from: u32, to: u32| (x(to.min(days - 1) + 1) - x(from)).max(1);
    let top = 22;
    let rows = i64::try_from(p.sites.len() + p.units.len()).unwrap_or(0);
    let height = top + rows * CALENDAR_ROW_PX + 24;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{CALENDAR_WIDTH_PX}\" height=\"{height}\" viewBox=\"0 0 {CALENDAR_WIDTH_PX} {height}\" role=\"img\" aria-label=\"Rotation calendar\"><defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#f2f2f2\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#444\" stroke-width=\"2.5\"/></pattern></defs>"
    );
    let step = match days {
        0..=31 => 5,
        32..=120 => 10,
        121..=400 => 30,
        _ => 90,
    };
    for d in (0..days).step_by(step) {
        let _ = write!(
            svg,
            "<line class=\"tick\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/><text class=\"axis\" x=\"{3}\" y=\"{4}\">day {d}</text>",
            x(d),
            top - 4,
            height - 20,
            x(d) + 2,
            top - 8
        );
    }
    let mut y = top;
    for site in &p.sites {
        let on = |d: u32| -> Vec<&str> {
            site.days
                .iter()
                .find(|x| x.day == d)
                .map(|x| x.units.iter().map(String::as_str).collect())
                .unwrap_or_default()
        };
        let missing = |d: u32| {
            report
                .gaps
                .iter()
                .find(|g| g.site == site.site && g.from <= d && d <= g.to)
                .map_or(0, |g| g.missing)
        };
        let _ = write!(
            svg,
            "<g data-site=\"{0}\"><text x=\"4\" y=\"{1}\">{0} ({2})</text>",
            esc(&site.site),
            y + 13,
            site.required
        );
        for (from, to, (gap, units)) in runs(days, |d| (missing(d), on(d))) {
            let title = format!(
                "{}, {}: {} ({} of {} required){}",
                site.site,
                day_text(from, to),
                if units.is_empty() {
                    "no unit".to_string()
                } else {
                    units.join(", ")
                },
                units.len(),
                site.required,
                if gap > 0 {
                    format!(" — {gap} missing")
                } else {
                    String::new()
                }
            );
            if gap > 0 {
                let _ = write!(
                    svg,
                    "<g class=\"cal-gap\" data-gap-site=\"{}\" data-from=\"{from}\" data-to=\"{to}\"><title>GAP: {}</title><rect class=\"gap\" x=\"{}\" y=\"{y}\" width=\"{}\" height=\"{}\"/>",
                    esc(&site.site),
                    esc(&title),
                    x(from),
                    w(from, to),
                    CALENDAR_ROW_PX - 3
                );
                if w(from, to) >= 12 {
                    let _ = write!(
                        svg,
                        "<text class=\"missing\" x=\"{}\" y=\"{}\">−{gap}</text>",
                        x(from) + w(from, to) / 2,
                        y + 12
                    );
                }
                svg.push_str("</g>");
            } else if !units.is_empty() || site.required == 0 {
                let _ = write!(
                    svg,
                    "<rect class=\"covered\" x=\"{}\" y=\"{y}\" width=\"{}\" height=\"{}\"><title>{}</title></rect>",
                    x(from),
                    w(from, to),
                    CALENDAR_ROW_PX - 3,
                    esc(&title)
                );
            }
        }
        svg.push_str("</g>");
        y += CALENDAR_ROW_PX;
    }
    for u in &p.units {
        let _ = write!(
            svg,
            "<g data-unit=\"{0}\"><text x=\"4\" y=\"{1}\">{0} · {2}</text>",
            esc(&u.unit),
            y + 13,
            esc(&u.system)
        );
        for st in u.stints.iter().filter(|st| st.from < days) {
            let _ = write!(
                svg,
                "<rect fill=\"{}\" x=\"{}\" y=\"{y}\" width=\"{}\" height=\"{}\"><title>{}</title></rect>",
                colour.get(st.site.as_str()).copied().unwrap_or("#888"),
                x(st.from),
                w(st.from, st.to),
                CALENDAR_ROW_PX - 3,
                esc(&format!(
                    "{} at {}, {}",
                    u.unit,
                    st.site,
                    day_text(st.from, st.to)
                ))
            );
        }
        for o in u.overhauls.iter().filter(|o| o.from < days) {
            let _ = write!(
                svg,
                "<rect fill=\"url(#hatch)\" stroke=\"#444\" stroke-width=\"0.5\" x=\"{}\" y=\"{y}\" width=\"{}\" height=\"{}\"><title>{}</title></rect>",
                x(o.from),
                w(o.from, o.to),
                CALENDAR_ROW_PX - 3,
                esc(&format!(
                    "{} in overhaul at {}, {}",
                    u.unit,
                    o.hub,
                    day_text(o.from, o.to)
                ))
            );
        }
        svg.push_str("</g>");
        y += CALENDAR_ROW_PX;
    }
    svg.push_str("</svg>");
    let _ = writeln!(body, "<div class=\"chart\">{svg}</div>");
    let mut legend = String::from(
        "<div class=\"legend\"><span><i style=\"background:#7fbf8e\"></i>site covered</span><span><i style=\"background:var(--bad)\"></i>gap: units missing (−N)</span><span><i style=\"background:#888\"></i>hatched: overhaul at a hub</span>",
    );
    for (i, site) in p.sites.iter().enumerate() {
        let _ = write!(
            legend,
            "<span><i style=\"background:{}\"></i>at {}</span>",
            SITE_COLOURS[i % SITE_COLOURS.len()],
            esc(&site.site)
        );
    }
    legend.push_str("</div>\n");
    body.push_str(&legend);
    if !report.gaps.is_empty() {
        body.push_str("<table><thead><tr><th>Site</th><th>Days</th><th class=\"num\">Units missing</th></tr></thead><tbody>\n");
        for g in &report.gaps {
            let _ = writeln!(
                body,
                "<tr class=\"unmet\"><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td></tr>",
                esc(&g.site),
                day_text(g.from, g.to),
                g.missing
            );
        }
        body.push_str("</tbody></table>\n");
    }
    if !report.violations.is_empty() {
        body.push_str("<p class=\"no\">Rules the plan breaks:</p><ul>\n");
        for v in &report.violations {
            let _ = writeln!(body, "<li>{}</li>", esc(v));
        }
        body.push_str("</ul>\n");
    }
}

/// A step path over `(day, cumulative quantity)` points.
fn steps(
    points: &[(u32, i64)],
    x: &dyn Fn(u32) -> i64,
    y: &dyn Fn(i64) -> i64,
    end: i64,
) -> String {
    let mut d = format!("M{},{}", x(0), y(0));
    for (day, q) in points {
        let _ = write!(d, "H{}V{}", x(*day), y(*q));
    }
    let _ = write!(d, "H{end}");
    d
}

fn commitments(body: &mut String, list: &[Commitment], got: &BTreeMap<String, Vec<Received>>) {
    body.push_str("<h3>Commitments against deliveries</h3>\n");
    if list.is_empty() {
        body.push_str("<p class=\"sub\">The framework has no <code>[[commitment]]</code>.</p>\n");
        return;
    }
    body.push_str(if got.is_empty() {
        "<p class=\"sub\">The scenario injects no delivery: the schedules alone (cumulative quantity due by day after the start).</p>\n"
    } else {
        "<p class=\"sub\">Each schedule (solid, cumulative by day after the scenario's start) against the deliveries the scenario injects, as confirmed by their recipient (dashed).</p>\n"
    });
    // Parties in the order the framework first names them.
    let mut parties: Vec<&str> = Vec::new();
    for c in list {
        if !parties.contains(&c.party.as_str()) {
            parties.push(&c.party);
        }
    }
    for party in parties {
        let _ = writeln!(body, "<h3>{}</h3>", esc(party));
        body.push_str("<table><thead><tr><th>Commitment</th><th class=\"num\">Committed</th><th>Schedule</th><th class=\"num\">Received</th><th>Due and received</th></tr></thead><tbody>\n");
        for c in list.iter().filter(|c| c.party == party) {
            let received = got.get(c.id.as_str());
            let mut cumulative = Vec::new();
            let mut total = 0i64;
            for r in received.map(Vec::as_slice).unwrap_or_default() {
                total = total.saturating_add(r.quantity);
                cumulative.push((r.day, total));
            }
            let schedule: Vec<(u32, i64)> =
                c.schedule.iter().map(|s| (s.day, s.quantity)).collect();
            let max_day = schedule
                .iter()
                .chain(&cumulative)
                .map(|p| p.0)
                .max()
                .unwrap_or(1)
                .max(1);
            let max_q = schedule
                .iter()
                .chain(&cumulative)
                .map(|p| p.1)
                .chain([c.quantity, 1])
                .max()
                .unwrap_or(1)
                .max(1);
            let (l, b) = (6i64, 16i64);
            let x = |d: u32| l + i64::from(d) * (STEPS_WIDTH_PX - 2 * l) / i64::from(max_day);
            let y = |q: i64| {
                let q = i128::from(q.clamp(0, max_q));
                let h = i128::from(STEPS_HEIGHT_PX - b - 6);
                STEPS_HEIGHT_PX - b - i64::try_from(q * h / i128::from(max_q)).unwrap_or(0)
            };
            let end = x(max_day);
            let (axis_y, axis_end) = (STEPS_HEIGHT_PX - b, STEPS_WIDTH_PX - l);
            let mut svg = format!(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{STEPS_WIDTH_PX}\" height=\"{STEPS_HEIGHT_PX}\" viewBox=\"0 0 {STEPS_WIDTH_PX} {STEPS_HEIGHT_PX}\" role=\"img\" aria-label=\"{}\"><line class=\"tick\" x1=\"{l}\" y1=\"{axis_y}\" x2=\"{axis_end}\" y2=\"{axis_y}\"/>",
                esc(&format!("{}: schedule and deliveries", c.id)),
            );
            for (d, _) in &schedule {
                let _ = write!(
                    svg,
                    "<text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"end\">day {d}</text>",
                    x(*d),
                    STEPS_HEIGHT_PX - 3
                );
            }
            let _ = write!(
                svg,
                "<path class=\"due\" d=\"{}\"/>",
                steps(&schedule, &x, &y, end)
            );
            if !cumulative.is_empty() {
                let _ = write!(
                    svg,
                    "<path class=\"got\" data-received=\"{}\" d=\"{}\"/>",
                    esc(&c.id),
                    steps(&cumulative, &x, &y, end)
                );
            }
            svg.push_str("</svg>");
            let schedule_text: Vec<String> = c
                .schedule
                .iter()
                .map(|s| format!("by day {}: {}", s.day, s.quantity))
                .collect();
            let _ = writeln!(
                body,
                "<tr data-commitment=\"{}\"><td><code>{}</code><br>{}</td><td class=\"num\">{} {}</td><td>{}</td><td class=\"num\">{}</td><td>{svg}</td></tr>",
                esc(&c.id),
                esc(&c.id),
                esc(if c.item.is_empty() {
                    &c.category
                } else {
                    &c.item
                }),
                c.quantity,
                esc(&c.unit),
                esc(&schedule_text.join("; ")),
                if received.is_some() {
                    total.to_string()
                } else {
                    "—".to_string()
                }
            );
        }
        body.push_str("</tbody></table>\n");
    }
}

/// One line's two curves over the whole chart: the days of the exercise
/// as the stock stood each day, then the projection from its last day.
struct Curves<'p> {
    line: &'p stock::Line,
    with_promised: Vec<&'p stock::Point>,
    confirmed: Vec<&'p stock::Point>,
}

/// The first day a curve is below its floor.
fn first_below(points: &[&stock::Point]) -> Option<u32> {
    points.iter().find(|p| p.below_floor).map(|p| p.day)
}

/// The chart's accessible summary, e.g. "155mm: 180 days of supply on day
/// 0, below its 90-day floor from day 41 on the confirmed-only curve".
fn summary(c: &Curves, to: u32) -> String {
    let l = c.line;
    let start = c
        .confirmed
        .first()
        .map(|p| match p.days_of_supply {
            Some(d) => format!("{d} days of supply on day {}", p.day),
            None => format!("nothing used on day {}", p.day),
        })
        .unwrap_or_default();
    let with = first_below(&c.with_promised);
    let confirmed = first_below(&c.confirmed);
    let floor = format!("its {}-day floor", l.floor_days);
    let below = match (confirmed, with) {
        (None, None) => format!("never below {floor} up to day {to}"),
        (Some(a), Some(b)) if a == b => {
            format!("below {floor} from day {a} on both curves")
        }
        (Some(a), None) => format!(
            "below {floor} from day {a} on the confirmed-only curve, never with the promised deliveries"
        ),
        (Some(a), Some(b)) => format!(
            "below {floor} from day {a} on the confirmed-only curve, from day {b} with the promised deliveries"
        ),
        (None, Some(b)) => format!("below {floor} from day {b} with the promised deliveries"),
    };
    format!("{}: {start}, {below}", l.category)
}

/// A days-of-supply chart per `[[stock]]` line.
fn days_of_supply(body: &mut String, l: &Logistics, s: &Scenario, r: &Report) {
    let end = day_of(s.end, s.start).unwrap_or(0).min(EXERCISE_DAYS_MAX);
    let deliveries = receipts(s, l);
    let breaches = breach_days(r, s);
    let ask = |from: u32, horizon_days: u32| {
        stock::project(&stock::Ask {
            stocks: l.stocks,
            commitments: l.commitments,
            reports: &[],
            deliveries: &deliveries,
            breach_days: &breaches,
            from,
            horizon_days,
        })
    };
    // Each day of the exercise seen from that day: what had arrived by
    // then, nothing promised (both curves are the same there).
    let past: Vec<stock::Projection> = (0..end).map(|d| ask(d, 0)).collect();
    let ahead = ask(end, PROJECTED_DAYS);
    let to = ahead.to;
    let _ = writeln!(
        body,
        "<h3>Days of supply</h3>\n<p class=\"sub\">Each <code>[[stock]]</code> line from its <code>on_hand</code> on day 0 (the scenario's start standing for entry into force), day by day: up to day {end} (the exercise's last day) as it stood with the deliveries received by then; from there {PROJECTED_DAYS} days on two curves, with the deliveries the schedules still promise (solid) and with the confirmed deliveries only (dashed). The floor is the dashed line, days below it on the confirmed-only curve are marked in red, and the surges after the breaches the run certified ({}) are shaded.</p>",
        if breaches.is_empty() {
            "none".to_string()
        } else {
            let mut days = breaches.clone();
            days.sort_unstable();
            days.dedup();
            let days: Vec<String> = days.iter().map(|d| format!("day {d}")).collect();
            days.join(", ")
        }
    );
    for (i, line) in ahead.lines.iter().enumerate() {
        let before: Vec<&stock::Point> = past
            .iter()
            .filter_map(|p| p.lines.get(i))
            .filter_map(|l| l.without_promised.first())
            .collect();
        let curves = Curves {
            line,
            with_promised: before.iter().copied().chain(&line.with_promised).collect(),
            confirmed: before
                .iter()
                .copied()
                .chain(&line.without_promised)
                .collect(),
        };
        let text = summary(&curves, to);
        let _ = writeln!(
            body,
            "<h3>{}</h3>\n<p>{}</p>",
            esc(&format!(
                "{} ({}, {})",
                line.category, line.stock, line.unit
            )),
            esc(&text)
        );
        body.push_str(&chart(&curves, end, to, &text));
        body.push('\n');
    }
}

/// The SVG of one line.
fn chart(c: &Curves, end: u32, to: u32, text: &str) -> String {
    let (left, right, top, bottom) = (44i64, 10i64, 10i64, 22i64);
    let all = c.with_promised.iter().chain(&c.confirmed);
    let max = all
        .filter_map(|p| p.days_of_supply)
        .chain([i64::from(c.line.floor_days) * 2, 1])
        .max()
        .unwrap_or(1);
    let days = i64::from(to.max(1));
    let x = |d: u32| left + i64::from(d) * (DAYS_WIDTH_PX - left - right) / days;
    let y = |v: i64| {
        let h = i128::from(DAYS_HEIGHT_PX - top - bottom);
        let v = i128::from(v.clamp(0, max));
        DAYS_HEIGHT_PX - bottom - i64::try_from(v * h / i128::from(max)).unwrap_or(0)
    };
    let value = |p: &stock::Point| p.days_of_supply.unwrap_or(max);
    let base = DAYS_HEIGHT_PX - bottom;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{DAYS_WIDTH_PX}\" height=\"{DAYS_HEIGHT_PX}\" viewBox=\"0 0 {DAYS_WIDTH_PX} {DAYS_HEIGHT_PX}\" role=\"img\" aria-label=\"{}\" data-stock=\"{}\"><title>{}</title>",
        esc(text),
        esc(&c.line.stock),
        esc(text)
    );
    // Surges, shaded (the same days on both curves).
    let mut surge: Option<(u32, u32)> = None;
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for p in &c.confirmed {
        match (&mut surge, p.surge) {
            (Some((_, last)), true) if *last + 1 == p.day => *last = p.day,
            (_, true) => {
                runs.extend(surge.take());
                surge = Some((p.day, p.day));
            }
            (_, false) => runs.extend(surge.take()),
        }
    }
    runs.extend(surge);
    for (from, last) in runs {
        let _ = write!(
            svg,
            "<rect class=\"surge\" data-surge-from=\"{from}\" data-surge-to=\"{last}\" x=\"{}\" y=\"{top}\" width=\"{}\" height=\"{}\"><title>surge, {}</title></rect>",
            x(from),
            (x(last + 1) - x(from)).max(1),
            base - top,
            day_text(from, last)
        );
    }
    // Axes and ticks.
    let step = match to {
        0..=60 => 10,
        61..=200 => 30,
        201..=800 => 90,
        _ => 365,
    };
    for d in (0..=to).step_by(step) {
        let _ = write!(
            svg,
            "<line class=\"tick\" x1=\"{0}\" y1=\"{top}\" x2=\"{0}\" y2=\"{base}\"/><text class=\"axis\" x=\"{0}\" y=\"{1}\" text-anchor=\"middle\">day {d}</text>",
            x(d),
            DAYS_HEIGHT_PX - 6
        );
    }
    for v in [0, max / 2, max] {
        let _ = write!(
            svg,
            "<text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{v} d</text>",
            left - 4,
            y(v) + 4
        );
    }
    let _ = write!(
        svg,
        "<line class=\"now\" x1=\"{0}\" y1=\"{top}\" x2=\"{0}\" y2=\"{base}\"><title>the exercise's last day, day {end}</title></line>",
        x(end)
    );
    let floor = i64::from(c.line.floor_days);
    let _ = write!(
        svg,
        "<line class=\"floor\" data-floor-days=\"{floor}\" x1=\"{left}\" y1=\"{0}\" x2=\"{1}\" y2=\"{0}\"><title>floor: {floor} days of supply</title></line>",
        y(floor),
        x(to)
    );
    // Days below the floor on the confirmed-only curve.
    for p in c.confirmed.iter().filter(|p| p.below_floor) {
        let _ = write!(
            svg,
            "<rect class=\"below\" data-below=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"4\"/>",
            p.day,
            x(p.day),
            base - 4,
            (x(p.day + 1) - x(p.day)).max(1)
        );
    }
    for (class, points) in [
        ("dos-with", &c.with_promised),
        ("dos-confirmed", &c.confirmed),
    ] {
        let path: Vec<String> = points
            .iter()
            .map(|p| format!("{},{}", x(p.day), y(value(p))))
            .collect();
        let _ = write!(
            svg,
            "<polyline class=\"{class}\" data-first-below=\"{}\" points=\"{}\"/>",
            first_below(points).map_or_else(|| "none".to_string(), |d| d.to_string()),
            path.join(" ")
        );
    }
    svg.push_str("</svg>");
    svg
}
