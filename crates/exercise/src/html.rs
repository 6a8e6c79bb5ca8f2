//! The after-action report as one self-contained HTML page (`bulwark
//! exercise … --report FILE.html`): a verdict, the key measures, a timeline
//! chart (inline SVG: one lane per kind of decision, one mark per decision,
//! every clock drawn from its start to its deadline), the expectations met
//! and missed, an improvement plan with one item per missed expectation
//! (HSEEP's after-action report and improvement plan), and every decision
//! with its explanation. Also the amendment impact of `--compare`.
//!
//! Nothing is loaded from anywhere: the CSS is inline, there is no script,
//! no font, no image. Every piece of text that comes from an input (a
//! scenario's notes, ids, reasons) goes through [`esc`], so a scenario
//! cannot inject markup. Coordinates are integer pixels computed with
//! integer arithmetic: the same report gives the same bytes.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use base::Timestamp;
use engine::ladder::LadderEvent;
use engine::{Decision, Step};

use crate::compare::Comparison;
use crate::load::{Check, Scenario};
use crate::run::{Report, describe_step, step_at};
use crate::time::offset;

mod logistics;
pub use logistics::Logistics;

/// Width of the chart, in pixels.
const CHART_WIDTH_PX: i64 = 1240;
/// Width of the lane labels at the left of the chart.
const LABEL_WIDTH_PX: i64 = 150;
/// Height of one row of marks within a lane.
const ROW_HEIGHT_PX: i64 = 14;
/// Height of one clock bar's row.
const CLOCK_ROW_PX: i64 = 18;
/// Marks closer than this (in pixels) are stacked rather than drawn over
/// each other.
const STACK_BUCKET_PX: i64 = 8;
/// The most rows of stacked marks in one lane; further marks wrap around.
const STACK_ROWS_MAX: i64 = 12;
/// The most ticks on the time axis.
const TICKS_MAX: i64 = 14;

/// Escapes text for HTML element content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Text with `backticks` shown as code, escaped.
fn words(text: &str) -> String {
    let mut out = String::new();
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{}</code>", esc(part));
        } else {
            out.push_str(&esc(part));
        }
    }
    // An odd number of backticks: the last part was not code after all.
    if text.matches('`').count() % 2 == 1 {
        return esc(text);
    }
    out
}

const STYLE: &str = r#"
:root { --ink:#1b1f24; --muted:#5b6470; --line:#d7dce2; --good:#1a7f37; --bad:#c62828;
  --key:#0b57d0; --warn:#b26a00; --bg:#fff; --soft:#f4f6f8; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
  background: var(--bg); margin: 0 auto; padding: 24px 28px 60px; max-width: 1320px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 15px; margin: 18px 0 6px; }
.sub { color: var(--muted); margin: 0 0 14px; }
code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--soft);
  padding: 0 3px; border-radius: 3px; }
.verdict { display: flex; gap: 14px; align-items: stretch; flex-wrap: wrap; margin: 16px 0; }
.badge { font-size: 22px; font-weight: 700; padding: 14px 20px; border-radius: 8px; color: #fff; min-width: 220px; }
.badge small { display: block; font-size: 13px; font-weight: 500; opacity: .95; }
.badge.pass { background: var(--good); } .badge.fail { background: var(--bad); }
.figure { flex: 1 1 120px; border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; background: var(--soft); }
.figure b { display: block; font-size: 20px; } .figure span { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--line); }
th { background: var(--soft); font-weight: 600; font-size: 13px; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.t { white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.met td.mark-cell { color: var(--good); font-weight: 700; }
tr.unmet td { background: #fdecea; } tr.unmet td.mark-cell { color: var(--bad); font-weight: 700; }
.ok { color: var(--good); font-weight: 600; } .no { color: var(--bad); font-weight: 600; }
.ip { border-left: 5px solid var(--bad); background: #fff7f6; padding: 8px 12px; margin: 8px 0; }
.ip h3 { margin: 0 0 4px; }
.ip dl { display: grid; grid-template-columns: 170px 1fr; gap: 2px 10px; margin: 0; }
.ip dt { color: var(--muted); } .ip dd { margin: 0; }
.chart { overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; padding: 6px; }
svg text { font: 11px system-ui, sans-serif; fill: var(--ink); }
svg .lane-label { font-weight: 600; font-size: 12px; }
svg .axis text { fill: var(--muted); }
svg .grid { stroke: #e6e9ed; }
svg .lane-bg { fill: #fafbfc; } svg .lane-bg.alt { fill: #f1f3f6; }
svg .good { fill: var(--good); } svg .bad { fill: var(--bad); } svg .key { fill: var(--key); }
svg .warn { fill: var(--warn); } svg .plain { fill: #8a939e; }
svg .inject { fill: #6f42c1; }
svg .clock rect.bar { fill: #dbe7fb; stroke: var(--key); }
svg .clock.missed rect.bar { fill: #fbe0de; stroke: var(--bad); }
svg .clock.done rect.bar { fill: #dcf1e1; stroke: var(--good); }
svg .clock .deadline { stroke: var(--ink); stroke-width: 2; }
svg .clock.missed .deadline { stroke: var(--bad); }
svg .label-key { font-weight: 700; }
.legend { display: flex; flex-wrap: wrap; gap: 14px; color: var(--muted); font-size: 12px; margin: 6px 0 0; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 4px; vertical-align: -1px; }
.change-good { color: var(--good); } .change-bad { color: var(--bad); }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
@media print {
  body { padding: 0; max-width: none; font-size: 11px; }
  .chart { overflow: visible; border: none; padding: 0; }
  .chart svg { width: 100%; height: auto; }
  h2 { break-after: avoid; } tr, .ip, .figure { break-inside: avoid; }
  .badge { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  svg, tr.unmet td, .ip { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
"#;

fn page(title: &str, body: &str) -> String {
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(out, "<title>{}</title>", esc(title));
    let _ = writeln!(
        out,
        "<style>{STYLE}{}</style>\n</head>\n<body>",
        logistics::STYLE
    );
    out.push_str(body);
    out.push_str("<footer>Generated by bulwark from the scenario and the framework named above; the same inputs give the same report.</footer>\n</body>\n</html>\n");
    out
}

/// The after-action report of one run, as a complete HTML page.
pub fn report(r: &Report, s: &Scenario) -> String {
    report_with(r, s, &Logistics::default())
}

/// The after-action report with its Logistics section: the rotation
/// calendar of a plan (`--rotation-plan`) and the commitments' schedules
/// against the scenario's deliveries, and a days-of-supply chart per
/// `[[stock]]` line. The section appears when a plan is given, the
/// scenario delivers against a commitment, or the framework has stock lines.
pub fn report_with(r: &Report, s: &Scenario, logistics: &Logistics) -> String {
    let mut body = String::new();
    header(&mut body, r, s);
    figures(&mut body, r);
    body.push_str("<h2>Timeline</h2>\n");
    let _ = writeln!(
        body,
        "<p class=\"sub\">Every decision is one mark, numbered as in the decision log below (hover for its text); bars are clocks, from their start to their deadline (▮).</p>"
    );
    chart(&mut body, r);
    expectations(&mut body, r);
    improvement_plan(&mut body, r, s);
    measures(&mut body, r);
    ladder(&mut body, r);
    if logistics::wanted(logistics, s) {
        logistics::section(&mut body, logistics, s, r);
    }
    decision_log(&mut body, r);
    page(&format!("After-action report: {}", r.scenario.title), &body)
}

fn header(body: &mut String, r: &Report, s: &Scenario) {
    let _ = writeln!(
        body,
        "<h1>After-action report — {}</h1>",
        esc(&r.scenario.title)
    );
    let _ = writeln!(
        body,
        "<p class=\"sub\">Scenario <code>{}</code> · framework <code>{}</code> version {} (<code>{}</code>) · engine {} · {} to {}</p>",
        esc(&r.scenario.id),
        esc(&r.framework.id),
        esc(&r.framework.version),
        esc(r.framework.hash.get(..12).unwrap_or_default()),
        esc(&r.engine_version),
        r.scenario.start,
        r.scenario.end
    );
    if !s.description.trim().is_empty() {
        let _ = writeln!(body, "<p>{}</p>", words(s.description.trim()));
    }
}

fn figure(body: &mut String, value: &str, label: &str) {
    let _ = writeln!(
        body,
        "<div class=\"figure\"><b>{}</b><span>{}</span></div>",
        esc(value),
        esc(label)
    );
}

fn hours(seconds: i64) -> String {
    base::Duration::from_seconds(seconds.max(0)).to_string()
}

fn figures(body: &mut String, r: &Report) {
    let s = &r.summary;
    let m = &r.metrics;
    body.push_str("<div class=\"verdict\">\n");
    let _ = writeln!(
        body,
        "<div class=\"badge {}\">{}<small>{} of {} expectations met</small></div>",
        if s.passed { "pass" } else { "fail" },
        if s.passed {
            "AS EXPECTED"
        } else {
            "NOT AS EXPECTED"
        },
        s.met,
        s.expectations
    );
    let tc = &m.time_to_certification_s;
    let cert = tc
        .median
        .map_or_else(|| "—".to_string(), |x| format!("{} median", hours(x)));
    figure(
        body,
        &cert,
        &format!(
            "time to certification{}",
            tc.max
                .map_or_else(String::new, |x| format!(" (max {})", hours(x)))
        ),
    );
    let first = m
        .time_to_first_action_s
        .map_or_else(|| "—".to_string(), hours);
    figure(body, &first, "time to first action (fastest)");
    figure(
        body,
        &format!("{} / {}", m.certified, m.breaches),
        "breaches certified / opened",
    );
    figure(
        body,
        &format!("{} / {}", m.fired, m.activations),
        "tiers fired / entered",
    );
    figure(
        body,
        &format!("{} / {}", m.votes - m.votes_not_counted, m.votes),
        "votes counted / recorded",
    );
    figure(
        body,
        &format!("{} / {}", m.orders_completed, m.orders),
        &format!("orders completed / issued; {} missed", m.deadlines_missed),
    );
    body.push_str("</div>\n");
}

/// The lanes of the chart, top to bottom.
const LANES: &[&str] = &[
    "Injects",
    "Inputs",
    "Incidents",
    "Breaches",
    "Framework",
    "Tiers",
    "Votes",
    "Orders",
    "Relief",
];

/// A mark's colour class.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tone {
    Good,
    Bad,
    Key,
    Warn,
    Plain,
}

impl Tone {
    fn class(self) -> &'static str {
        match self {
            Tone::Good => "good",
            Tone::Bad => "bad",
            Tone::Key => "key",
            Tone::Warn => "warn",
            Tone::Plain => "plain",
        }
    }
}

/// The lane, tone, and (for the decisions that matter most) a short label.
fn classify(step: &Step) -> (&'static str, Tone, Option<String>) {
    match step {
        Step::Engine(d) => match d {
            Decision::Accepted { .. } => ("Inputs", Tone::Plain, None),
            Decision::Duplicate { .. } => ("Inputs", Tone::Warn, None),
            Decision::Rejected { .. } => ("Inputs", Tone::Bad, None),
            Decision::IncidentOpened { incident, .. } => {
                ("Incidents", Tone::Key, Some(incident.to_string()))
            }
            Decision::IncidentJoined { .. } => ("Incidents", Tone::Plain, None),
            Decision::IncidentContested { incident, .. } => (
                "Incidents",
                Tone::Bad,
                Some(format!("{incident} contested")),
            ),
            Decision::IncidentUncontested { .. } => ("Incidents", Tone::Good, None),
            Decision::BreachOpened { breach, .. } => {
                ("Breaches", Tone::Warn, Some(format!("{breach} opened")))
            }
            Decision::ReviewOpened { .. } => ("Breaches", Tone::Key, None),
            Decision::Certified { breach, .. } => {
                ("Breaches", Tone::Good, Some(format!("{breach} certified")))
            }
            Decision::Escalated { breach, .. } => {
                ("Breaches", Tone::Warn, Some(format!("{breach} escalated")))
            }
            Decision::Closed { breach, .. } => {
                ("Breaches", Tone::Bad, Some(format!("{breach} closed")))
            }
            Decision::Amended { version, .. } => {
                ("Framework", Tone::Key, Some(format!("v{version}")))
            }
            Decision::ObservationRetracted { .. } => {
                ("Inputs", Tone::Warn, Some("retracted".into()))
            }
            Decision::BreachUpheld { breach, .. } => {
                ("Breaches", Tone::Good, Some(format!("{breach} upheld")))
            }
            Decision::BreachWithdrawn { breach, .. } => {
                ("Breaches", Tone::Bad, Some(format!("{breach} withdrawn")))
            }
        },
        Step::Ladder(e) => match e {
            LadderEvent::TierEntered { .. } => ("Tiers", Tone::Key, None),
            LadderEvent::NotEntered { .. } => ("Tiers", Tone::Plain, None),
            LadderEvent::Fired { tier, .. } => ("Tiers", Tone::Good, Some(format!("{tier} fired"))),
            LadderEvent::Blocked { tier, .. } => {
                ("Tiers", Tone::Bad, Some(format!("{tier} blocked")))
            }
            LadderEvent::Vetoed { tier, .. } => {
                ("Tiers", Tone::Bad, Some(format!("{tier} vetoed")))
            }
            LadderEvent::Lapsed { tier, .. } => {
                ("Tiers", Tone::Bad, Some(format!("{tier} lapsed")))
            }
            LadderEvent::Escalated { to, .. } => ("Tiers", Tone::Warn, Some(format!("→ {to}"))),
            LadderEvent::Superseded { .. } => ("Tiers", Tone::Plain, None),
            LadderEvent::ClockExtended { tier, .. } => {
                ("Tiers", Tone::Warn, Some(format!("{tier} clock extended")))
            }
            LadderEvent::OrderIssued { .. } => ("Orders", Tone::Key, None),
            LadderEvent::OrderReported { .. } => ("Orders", Tone::Plain, None),
            LadderEvent::OrderCompleted { .. } => ("Orders", Tone::Good, None),
            LadderEvent::DeadlineMissed { .. } => ("Orders", Tone::Bad, None),
            LadderEvent::VoteCounted { .. } => ("Votes", Tone::Good, None),
            LadderEvent::VoteLate { .. } | LadderEvent::VoteNotCounted { .. } => {
                ("Votes", Tone::Bad, None)
            }
            LadderEvent::Attested { .. } => ("Relief", Tone::Plain, None),
            LadderEvent::Relieved { item, .. } => {
                ("Relief", Tone::Good, Some(format!("{item} relieved")))
            }
            LadderEvent::Reimposed { item, .. } => {
                ("Relief", Tone::Bad, Some(format!("{item} re-imposed")))
            }
        },
    }
}

/// A clock to draw: from its start to its deadline.
struct Clock {
    label: String,
    start: Timestamp,
    deadline: Timestamp,
    /// `missed`, `done` or empty.
    state: &'static str,
    /// When it was met (an order completed), if before the end.
    done_at: Option<Timestamp>,
}

fn clocks(r: &Report) -> Vec<Clock> {
    let mut out = Vec::new();
    for d in &r.decisions {
        if let Step::Engine(Decision::ReviewOpened {
            at,
            breach,
            deadline,
            ..
        }) = &d.step
        {
            let certified = r
                .breaches
                .iter()
                .find(|b| &b.id == breach)
                .and_then(|b| b.certified_at);
            out.push(Clock {
                label: format!("{breach} review"),
                start: *at,
                deadline: *deadline,
                state: if certified.is_some() { "done" } else { "" },
                done_at: certified.filter(|c| c <= deadline),
            });
        }
    }
    for a in &r.activations {
        if let Some(deadline) = a.deadline {
            out.push(Clock {
                label: format!("{} {}", a.breach, a.tier),
                start: a.activated_at,
                deadline,
                state: if a.fired_at.is_some() { "done" } else { "" },
                done_at: a.fired_at.filter(|f| *f <= deadline),
            });
        }
        for o in &a.actions {
            let (Some(due), Some(fired)) = (o.due, a.fired_at) else {
                continue;
            };
            let missed = r.deadlines_missed.iter().any(|m| m.order == o.order);
            out.push(Clock {
                label: o.order.clone(),
                start: fired,
                deadline: due,
                state: if missed {
                    "missed"
                } else if o.completed_at.is_some() {
                    "done"
                } else {
                    ""
                },
                done_at: o.completed_at,
            });
        }
    }
    out
}

/// Maps times to x pixels over the chart's span.
struct Axis {
    t0: i64,
    span: i64,
}

impl Axis {
    fn x(&self, t: Timestamp) -> i64 {
        let plot = i128::from(CHART_WIDTH_PX - LABEL_WIDTH_PX - 20);
        let dt = i128::from(t.millis().saturating_sub(self.t0).clamp(0, self.span));
        let x = dt * plot / i128::from(self.span.max(1));
        LABEL_WIDTH_PX + i64::try_from(x).unwrap_or(0)
    }
}

fn axis_of(r: &Report, clocks: &[Clock]) -> Axis {
    let mut times: Vec<i64> = vec![r.scenario.start.millis()];
    times.extend(r.injects.iter().map(|i| i.at.millis()));
    times.extend(r.decisions.iter().map(|d| step_at(&d.step).millis()));
    times.extend(clocks.iter().map(|c| c.deadline.millis()));
    let t0 = times.iter().copied().min().unwrap_or(0);
    let t1 = times.iter().copied().max().unwrap_or(0);
    let hour = 3_600_000;
    // A little room after the last thing drawn.
    let span = (t1 - t0).max(hour);
    Axis {
        t0,
        span: span + span / 40,
    }
}

fn chart(body: &mut String, r: &Report) {
    let clocks = clocks(r);
    let axis = axis_of(r, &clocks);
    // Marks per lane: (decision number or inject number, x, tone, label, title).
    struct Mark {
        n: usize,
        x: i64,
        row: i64,
        tone: Tone,
        label: Option<String>,
        title: String,
        inject: bool,
    }
    let mut lanes: BTreeMap<usize, Vec<Mark>> = BTreeMap::new();
    let mut stacks: BTreeMap<(usize, i64), i64> = BTreeMap::new();
    let mut place = |lane: usize, x: i64| {
        let level = stacks.entry((lane, x / STACK_BUCKET_PX)).or_insert(0);
        let row = *level % STACK_ROWS_MAX;
        *level += 1;
        row
    };
    for (i, inject) in r.injects.iter().enumerate() {
        let x = axis.x(inject.at);
        let title = format!(
            "inject {} at {}: {}",
            i + 1,
            inject.offset,
            inject.note.clone().unwrap_or_else(|| match &inject.file {
                Some(f) => format!("{} inputs from {f}", inject.inputs.len()),
                None => format!("{} input(s)", inject.inputs.len()),
            })
        );
        let row = place(0, x);
        lanes.entry(0).or_default().push(Mark {
            n: i + 1,
            x,
            row,
            tone: Tone::Plain,
            label: None,
            title,
            inject: true,
        });
    }
    for (i, d) in r.decisions.iter().enumerate() {
        let (lane_name, tone, label) = classify(&d.step);
        let lane = LANES.iter().position(|l| *l == lane_name).unwrap_or(0);
        let x = axis.x(step_at(&d.step));
        let row = place(lane, x);
        lanes.entry(lane).or_default().push(Mark {
            n: i + 1,
            x,
            row,
            tone,
            label,
            title: format!(
                "#{} {} — {}",
                i + 1,
                d.offset,
                describe_step(r.scenario.start, &d.step)
            ),
            inject: false,
        });
    }

    // Layout: the axis on top, then each lane that has marks, then the clocks.
    let top = 28;
    let mut y = top;
    let mut lane_boxes: Vec<(usize, i64, i64)> = Vec::new();
    for (&lane, marks) in &lanes {
        let rows = marks.iter().map(|m| m.row).max().unwrap_or(0) + 1;
        let labelled = marks.iter().any(|m| m.label.is_some());
        let height = rows * ROW_HEIGHT_PX + 14 + if labelled { 14 } else { 0 };
        lane_boxes.push((lane, y, height));
        y += height;
    }
    let clocks_top = y + if clocks.is_empty() { 0 } else { 22 };
    let height = clocks_top + i64::try_from(clocks.len()).unwrap_or(0) * CLOCK_ROW_PX + 10;
    let _ = writeln!(
        body,
        "<div class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{CHART_WIDTH_PX}\" height=\"{height}\" viewBox=\"0 0 {CHART_WIDTH_PX} {height}\" role=\"img\" aria-label=\"timeline of the exercise\">"
    );
    for (k, (lane, y, h)) in lane_boxes.iter().enumerate() {
        let _ = writeln!(
            body,
            "<rect class=\"lane-bg{}\" x=\"0\" y=\"{y}\" width=\"{CHART_WIDTH_PX}\" height=\"{h}\"/><text class=\"lane-label\" x=\"8\" y=\"{}\">{}</text>",
            if k % 2 == 1 { " alt" } else { "" },
            y + 16,
            LANES.get(*lane).copied().unwrap_or_default()
        );
    }
    // The time axis: ticks at a round step, labelled relative to the start.
    body.push_str("<g class=\"axis\">\n");
    let steps_h = [1, 2, 3, 6, 12, 24, 48, 72, 168, 336, 720];
    let step_ms = steps_h
        .iter()
        .map(|h| h * 3_600_000)
        .find(|s| axis.span / s < TICKS_MAX)
        .unwrap_or(axis.span / TICKS_MAX + 1)
        .max(1);
    let start = r.scenario.start.millis();
    // The first tick at or after t0 on the start's grid.
    let mut tick = start + (axis.t0 - start).div_euclid(step_ms) * step_ms;
    if tick < axis.t0 {
        tick += step_ms;
    }
    while tick <= axis.t0 + axis.span {
        let t = Timestamp::from_millis(tick);
        let x = axis.x(t);
        let _ = writeln!(
            body,
            "<line class=\"grid\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{height}\"/><text x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            top - 6,
            top - 10,
            offset(r.scenario.start, t)
        );
        tick += step_ms;
    }
    body.push_str("</g>\n");
    for (lane, y, _) in &lane_boxes {
        let Some(marks) = lanes.get(lane) else {
            continue;
        };
        let mut labels_at: Vec<i64> = Vec::new();
        let labelled = marks.iter().any(|m| m.label.is_some());
        for m in marks {
            let cy = y + 10 + m.row * ROW_HEIGHT_PX + if labelled { 14 } else { 0 };
            if m.inject {
                let _ = writeln!(
                    body,
                    "<g class=\"inject-mark\" data-inject=\"{}\"><title>{}</title><rect class=\"inject\" x=\"{}\" y=\"{}\" width=\"8\" height=\"8\" transform=\"rotate(45 {} {})\"/></g>",
                    m.n,
                    esc(&m.title),
                    m.x - 4,
                    cy - 4,
                    m.x,
                    cy
                );
                continue;
            }
            let r_px = if m.tone == Tone::Plain { 4 } else { 5 };
            let _ = write!(
                body,
                "<g class=\"mark\" data-decision=\"{}\"><title>{}</title><a href=\"#d-{}\"><circle class=\"{}\" cx=\"{}\" cy=\"{cy}\" r=\"{r_px}\"/></a>",
                m.n,
                esc(&m.title),
                m.n,
                m.tone.class(),
                m.x
            );
            if let Some(label) = &m.label {
                // Labels that would overlap the previous one are left out:
                // the mark and its tooltip remain.
                if labels_at.iter().all(|&lx| (m.x - lx).abs() > 90) {
                    labels_at.push(m.x);
                    let _ = write!(
                        body,
                        "<text class=\"label-key\" x=\"{}\" y=\"{}\">{}</text>",
                        m.x + 3,
                        y + 14,
                        esc(label)
                    );
                }
            }
            body.push_str("</g>\n");
        }
    }
    if !clocks.is_empty() {
        let _ = writeln!(
            body,
            "<rect class=\"lane-bg\" x=\"0\" y=\"{}\" width=\"{CHART_WIDTH_PX}\" height=\"{}\"/><text class=\"lane-label\" x=\"8\" y=\"{}\">Clocks</text>",
            clocks_top - 22,
            height - clocks_top + 22,
            clocks_top - 6
        );
    }
    for (k, c) in clocks.iter().enumerate() {
        let y = clocks_top + i64::try_from(k).unwrap_or(0) * CLOCK_ROW_PX;
        let (x1, x2) = (axis.x(c.start), axis.x(c.deadline));
        let title = format!(
            "{}: from {} to its deadline {}{}",
            c.label,
            offset(r.scenario.start, c.start),
            offset(r.scenario.start, c.deadline),
            match (c.state, c.done_at) {
                ("missed", Some(t)) =>
                    format!(", missed; done late at {}", offset(r.scenario.start, t)),
                ("missed", None) => ", missed".to_string(),
                (_, Some(t)) => format!(", met at {}", offset(r.scenario.start, t)),
                _ => String::new(),
            }
        );
        let _ = write!(
            body,
            "<g class=\"clock {}\"><title>{}</title><rect class=\"bar\" x=\"{x1}\" y=\"{}\" width=\"{}\" height=\"11\" rx=\"2\"/><line class=\"deadline\" x1=\"{x2}\" y1=\"{}\" x2=\"{x2}\" y2=\"{}\"/>",
            c.state,
            esc(&title),
            y + 2,
            (x2 - x1).max(1),
            y,
            y + 15
        );
        if let Some(done) = c.done_at {
            let x = axis.x(done);
            let _ = write!(
                body,
                "<circle class=\"{}\" cx=\"{x}\" cy=\"{}\" r=\"3\"/>",
                if c.state == "missed" { "bad" } else { "good" },
                y + 7
            );
        }
        // The label goes where there is room: after the deadline, else
        // before the bar, else inside it.
        let (lx, anchor) = if x2 + 8 + 200 < CHART_WIDTH_PX {
            (x2 + 6, "start")
        } else if x1 - 6 - 200 > LABEL_WIDTH_PX {
            (x1 - 6, "end")
        } else {
            // No room outside: inside the (light) bar.
            (x1 + 8, "start")
        };
        let _ = writeln!(
            body,
            "<text x=\"{lx}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text></g>",
            y + 11,
            esc(&c.label)
        );
    }
    body.push_str("</svg></div>\n");
    body.push_str("<div class=\"legend\"><span><i style=\"background:#6f42c1;border-radius:0\"></i>inject</span><span><i style=\"background:#1a7f37\"></i>certified, fired, counted, done</span><span><i style=\"background:#c62828\"></i>rejected, contested, refused, missed, not counted</span><span><i style=\"background:#0b57d0\"></i>opened, entered, issued</span><span><i style=\"background:#b26a00\"></i>threshold crossed, escalated, duplicate</span><span><i style=\"background:#8a939e\"></i>routine</span></div>\n");
}

fn expectations(body: &mut String, r: &Report) {
    body.push_str("<h2>Expectations</h2>\n");
    body.push_str(
        "<table><thead><tr><th></th><th>Expectation</th><th>What happened</th><th>Why it was expected</th></tr></thead><tbody>\n",
    );
    for e in &r.expectations {
        let _ = writeln!(
            body,
            "<tr class=\"{}\"><td class=\"mark-cell\">{}</td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            if e.met { "met" } else { "unmet" },
            if e.met { "✓ met" } else { "✗ missed" },
            esc(&e.id),
            words(&e.detail),
            words(&e.note)
        );
    }
    body.push_str("</tbody></table>\n");
}

/// What to look at when an expectation of this kind was missed.
fn corrective_action(check: Option<&Check>) -> &'static str {
    match check {
        Some(Check::Breach { .. } | Check::Breaches { .. }) => {
            "Review the trigger's threshold and window, the evidence standard (sources, confidence) and the review clock against what the scenario reported; then either correct the framework or the verification chain's reporting procedure, and re-run this scenario."
        }
        Some(Check::Incidents { .. } | Check::Incident { .. }) => {
            "Review how the reports were fused: the sources' observed times, places and counts, and the contest rules; correct the reporting procedure or the framework's fusion rules, and re-run."
        }
        Some(Check::Rejected { .. } | Check::Duplicate { .. } | Check::Accepted { .. }) => {
            "Review the input's sender, its identity and its format against the wire format and the framework's parties and sources; correct the procedure that produced it."
        }
        Some(Check::Tier { .. }) => {
            "Review the tier's mode, clock, electorate and voting rule, and the escalation path that leads to it; decide whether the framework or the players' procedure must change, and re-run."
        }
        Some(Check::Vote { .. }) => {
            "Review who may vote on the tier and when the clock closes; brief the voting parties on the deadline and the voting procedure."
        }
        Some(Check::Order { .. } | Check::DeadlinesMissed { .. }) => {
            "Follow up with the executing party: why the order was not reported done by its deadline; either resource the action or set a deadline that can be kept, and track it to completion."
        }
        Some(Check::Relief { .. }) => {
            "Review the relief item's standard (who must attest, how many, how independent) and the attestations the scenario provided."
        }
        None => "Review the expectation and the framework rule it rests on.",
    }
}

fn improvement_plan(body: &mut String, r: &Report, s: &Scenario) {
    body.push_str("<h2>Improvement plan</h2>\n");
    let missed: Vec<(usize, &crate::Evaluation)> = r
        .expectations
        .iter()
        .enumerate()
        .filter(|(_, e)| !e.met)
        .collect();
    if missed.is_empty() {
        body.push_str("<p class=\"ok\">Every expectation was met: no improvement item.</p>\n");
        return;
    }
    for (k, (i, e)) in missed.iter().enumerate() {
        let check = s.expectations.get(*i).map(|x| &x.check);
        let _ = writeln!(
            body,
            "<div class=\"ip\"><h3>IP-{} — <code>{}</code></h3><dl><dt>Observation</dt><dd>{}</dd><dt>Expected, because</dt><dd>{}</dd><dt>Corrective action</dt><dd>{}</dd><dt>Responsible</dt><dd>to be assigned by the exercise director</dd><dt>Status</dt><dd>open</dd></dl></div>",
            k + 1,
            esc(&e.id),
            words(&e.detail),
            words(&e.note),
            esc(corrective_action(check))
        );
    }
}

fn measures(body: &mut String, r: &Report) {
    let start = r.scenario.start;
    let m = &r.metrics;
    body.push_str("<h2>Measures</h2>\n");
    body.push_str("<h3>Time to certification (from the first observation of the event)</h3>\n");
    if m.time_to_certification_s.breaches.is_empty() {
        body.push_str("<p>No breach was certified.</p>\n");
    } else {
        body.push_str("<table><thead><tr><th>Breach</th><th>Trigger</th><th>First observed</th><th>Certified</th><th class=\"num\">Time</th></tr></thead><tbody>\n");
        for c in &m.time_to_certification_s.breaches {
            let _ = writeln!(
                body,
                "<tr><td>{}</td><td><code>{}</code></td><td class=\"t\">{}</td><td class=\"t\">{}</td><td class=\"num\">{}</td></tr>",
                esc(&c.breach),
                esc(&c.trigger),
                offset(start, c.first_observed),
                offset(start, c.certified_at),
                hours(c.seconds)
            );
        }
        body.push_str("</tbody></table>\n");
    }
    body.push_str(
        "<h3>Time to first action (from the first observation to the first order)</h3>\n",
    );
    if m.first_action_s.breaches.is_empty() {
        body.push_str("<p>No order was issued.</p>\n");
    } else {
        body.push_str("<table><thead><tr><th>Breach</th><th>Tier</th><th>First order</th><th>First observed</th><th>Fired</th><th class=\"num\">Time</th></tr></thead><tbody>\n");
        for f in &m.first_action_s.breaches {
            let _ = writeln!(
                body,
                "<tr><td>{}</td><td><code>{}</code></td><td><code>{}</code></td><td class=\"t\">{}</td><td class=\"t\">{}</td><td class=\"num\">{}</td></tr>",
                esc(&f.breach),
                esc(&f.tier),
                esc(&f.order),
                offset(start, f.first_observed),
                offset(start, f.fired_at),
                hours(f.seconds)
            );
        }
        body.push_str("</tbody></table>\n");
    }
    let _ = writeln!(
        body,
        "<p>{} injects, {} inputs ({} rejected, {} duplicates), {} incidents ({} contested), {} breaches ({} certified, {} escalated, {} closed).</p>",
        m.injects,
        m.inputs,
        m.rejected,
        m.duplicates,
        m.incidents,
        m.contested_incidents,
        m.breaches,
        m.certified,
        m.escalated,
        m.closed
    );
}

fn ladder(body: &mut String, r: &Report) {
    let start = r.scenario.start;
    let at = |t: Option<Timestamp>| t.map_or_else(|| "—".to_string(), |t| offset(start, t));
    if !r.breaches.is_empty() {
        body.push_str("<h2>Breaches</h2>\n<table><thead><tr><th>Breach</th><th>Trigger</th><th>Opened</th><th>Certified</th><th>Status</th><th>Why</th></tr></thead><tbody>\n");
        for b in &r.breaches {
            let _ = writeln!(
                body,
                "<tr><td>{}</td><td><code>{}</code></td><td class=\"t\">{}</td><td class=\"t\">{}</td><td>{}</td><td>{}</td></tr>",
                esc(&b.id),
                esc(&b.trigger),
                offset(start, b.opened_at),
                at(b.certified_at),
                esc(&format!("{:?}", b.status).to_lowercase()),
                words(crate::plain(&b.explanation))
            );
        }
        body.push_str("</tbody></table>\n");
    }
    if !r.activations.is_empty() {
        body.push_str("<h2>Response ladder</h2>\n<table><thead><tr><th>Activation</th><th>Entered</th><th>Deadline</th><th>Fired</th><th>Status</th><th>Orders</th></tr></thead><tbody>\n");
        for a in &r.activations {
            let mut orders = String::new();
            for o in &a.actions {
                let missed = r.deadlines_missed.iter().any(|m| m.order == o.order);
                let _ = write!(
                    orders,
                    "<div><code>{}</code> → {} · due {} · {}{}</div>",
                    esc(&o.action),
                    esc(o.party.as_deref().unwrap_or("—")),
                    at(o.due),
                    match o.completed_at {
                        Some(t) => format!("<span class=\"ok\">done {}</span>", offset(start, t)),
                        None => esc(&format!("{:?}", o.status).to_lowercase()),
                    },
                    if missed {
                        " <span class=\"no\">deadline missed</span>"
                    } else {
                        ""
                    }
                );
            }
            let _ = writeln!(
                body,
                "<tr><td>{} / <code>{}</code> ({})</td><td class=\"t\">{}</td><td class=\"t\">{}</td><td class=\"t\">{}</td><td>{}</td><td>{}</td></tr>",
                esc(&a.breach),
                esc(&a.tier),
                crate::expect::mode_word(a.mode),
                offset(start, a.activated_at),
                at(a.deadline),
                at(a.fired_at),
                crate::expect::activation_status(a.status).as_str(),
                orders
            );
        }
        body.push_str("</tbody></table>\n");
    }
    if !r.votes.is_empty() {
        body.push_str("<h3>Votes</h3>\n<table><thead><tr><th>Recorded</th><th>Party</th><th>Ballot</th><th>On</th><th>Counted</th></tr></thead><tbody>\n");
        for v in &r.votes {
            let counted = if v.counted {
                "<span class=\"ok\">counted</span>".to_string()
            } else {
                format!(
                    "<span class=\"no\">not counted</span>{}",
                    v.reason
                        .as_deref()
                        .map_or_else(String::new, |x| format!(": {}", words(x)))
                )
            };
            let _ = writeln!(
                body,
                "<tr><td class=\"t\">{}</td><td><code>{}</code></td><td>{}</td><td>{} / <code>{}</code></td><td>{counted}</td></tr>",
                offset(start, v.recorded_at),
                esc(&v.party),
                crate::expect::ballot_word(v.ballot),
                esc(&v.breach),
                esc(&v.tier)
            );
        }
        body.push_str("</tbody></table>\n");
    }
}

fn decision_log(body: &mut String, r: &Report) {
    body.push_str("<h2>Decision log</h2>\n<p class=\"sub\">Every decision of the engine and the ladder, in the order they were made, with its explanation.</p>\n");
    body.push_str("<table><thead><tr><th class=\"num\">#</th><th>Time</th><th>Inject</th><th>Lane</th><th>Decision</th></tr></thead><tbody>\n");
    let mut shown = 0;
    let inject_row = |body: &mut String, k: usize| {
        if let Some(i) = r.injects.get(k - 1) {
            let what = i.note.clone().unwrap_or_else(|| match &i.file {
                Some(f) => format!("{} inputs from `{f}`", i.inputs.len()),
                None => format!("inject {k}"),
            });
            let _ = writeln!(
                body,
                "<tr><td></td><td class=\"t\">{}</td><td>▸ {k}</td><td>Injects</td><td><b>{}</b></td></tr>",
                esc(&i.offset),
                words(&what)
            );
        }
    };
    for (n, d) in r.decisions.iter().enumerate() {
        if let Some(k) = d.inject {
            while shown < k {
                shown += 1;
                inject_row(body, shown);
            }
        }
        let (lane, tone, _) = classify(&d.step);
        let _ = writeln!(
            body,
            "<tr id=\"d-{}\"><td class=\"num\">{}</td><td class=\"t\">{}</td><td>{}</td><td>{lane}</td><td class=\"{}\">{}</td></tr>",
            n + 1,
            n + 1,
            esc(&d.offset),
            d.inject.map_or_else(String::new, |k| k.to_string()),
            match tone {
                Tone::Bad => "no",
                _ => "",
            },
            words(&describe_step(r.scenario.start, &d.step))
        );
    }
    while shown < r.injects.len() {
        shown += 1;
        inject_row(body, shown);
    }
    body.push_str("</tbody></table>\n");
}

/// The amendment impact of `--compare`, as an HTML page: the changes per
/// scenario, then each scenario's timeline under the old and the new version.
pub fn comparison(c: &Comparison, runs: &[(Report, Report)]) -> String {
    let mut body = String::new();
    let _ = writeln!(
        body,
        "<h1>Amendment impact — <code>{}</code> {} → {}</h1>",
        esc(&c.old.id),
        esc(&c.old.version),
        esc(&c.new.version)
    );
    let _ = writeln!(
        body,
        "<p class=\"sub\">Old <code>{}</code> ({}), new <code>{}</code> ({}); the same {} scenario{} run under each.</p>",
        esc(&c.old.file),
        esc(c.old.hash.get(..12).unwrap_or_default()),
        esc(&c.new.file),
        esc(c.new.hash.get(..12).unwrap_or_default()),
        c.scenarios.len(),
        if c.scenarios.len() == 1 { "" } else { "s" }
    );
    body.push_str("<h2>What changes</h2>\n<table><thead><tr><th>Scenario</th><th>Change</th><th>Old</th><th>New</th></tr></thead><tbody>\n");
    for s in &c.scenarios {
        if s.changes.is_empty() {
            let _ = writeln!(
                body,
                "<tr><td><code>{}</code></td><td colspan=\"3\">no change</td></tr>",
                esc(&s.scenario)
            );
        }
        for ch in &s.changes {
            let (old, new) = ch.values();
            let _ = writeln!(
                body,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&s.scenario),
                words(&ch.describe()),
                words(&old),
                words(&new)
            );
        }
    }
    body.push_str("</tbody></table>\n");
    for (old, new) in runs {
        let _ = writeln!(
            body,
            "<h2>{} — <code>{}</code></h2>\n<h3>Under {} (old)</h3>",
            esc(&old.scenario.title),
            esc(&old.scenario.id),
            esc(&old.framework.version)
        );
        figures(&mut body, old);
        chart(&mut body, old);
        let _ = writeln!(body, "<h3>Under {} (new)</h3>", esc(&new.framework.version));
        figures(&mut body, new);
        chart(&mut body, new);
    }
    page(
        &format!(
            "Amendment impact: {} {} → {}",
            c.old.id, c.old.version, c.new.version
        ),
        &body,
    )
}
