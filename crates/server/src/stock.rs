//! Days of supply as a node sees them (`GET /api/v1/stock`): each
//! `[[stock]]` line projected by `supply::stock` from today, with the
//! surges of the breaches the node certified and the deliveries logged to
//! it, confirmed by their recipient.
//!
//! Day 0: the framework file names no entry into force, so the node counts
//! days from its log's first entry (the day it started keeping this
//! framework's record), as `bulwark supply days --in-force` counts them
//! from the time given: a started day counts as a day.
//!
//! Visibility: the route is public. A `[[stock]]` line or a
//! `[[commitment]]` with `visibility = "restricted"` never reaches it: no
//! line, and no delivery, arrear or promised step of a restricted
//! commitment counted in another line.

use base::Timestamp;
use framework::Framework;
use framework::schema::{Commitment, Stock, Visibility};
use serde_json::{Value, json};
use supply::schedule::Delivery;
use supply::stock;

/// The most log entries read for deliveries in one request.
pub const LOG_ENTRIES_MAX: u64 = 1_000_000;

/// The stock lines and commitments the public may see, as read at start.
#[derive(Clone, Debug, Default)]
pub struct Public {
    pub stocks: Vec<Stock>,
    pub commitments: Vec<Commitment>,
}

impl Public {
    pub fn new(fw: &Framework) -> Public {
        Public {
            stocks: fw
                .stocks
                .iter()
                .filter(|s| s.visibility != Visibility::Restricted)
                .cloned()
                .collect(),
            commitments: fw
                .commitments
                .iter()
                .filter(|c| c.visibility != Visibility::Restricted)
                .cloned()
                .collect(),
        }
    }
}

/// A delivery logged to the node, as `supply::stock` counts it: only the
/// recipient's (`side = "received"`) is confirmed; its log index is its
/// receipt id, so the same input is counted once.
fn delivery(index: u64, input: &model::Input, day0: Timestamp) -> Option<Delivery> {
    let model::Input::Delivery(d) = input else {
        return None;
    };
    Some(Delivery {
        id: format!("log-{index}"),
        commitment: d.commitment.clone(),
        quantity: d.quantity,
        day: supply::schedule::day_of(d.delivered, day0).ok()?,
        confirmed: d.side == model::Side::Received,
        line: u32::try_from(index).unwrap_or(u32::MAX),
    })
}

/// What the node knows, as the projection needs it.
#[derive(Debug)]
pub struct Known<'a> {
    /// Every log entry's bytes, in order (the first gives day 0).
    pub entries: &'a [Vec<u8>],
    /// When each certified breach was certified.
    pub certified: &'a [Timestamp],
    pub now: Timestamp,
}

/// `{"day0": …, "today": …, "projection": …}`, or `null` before the log
/// has an entry.
pub fn view(p: &Public, known: &Known) -> Value {
    let parsed: Vec<Value> = known
        .entries
        .iter()
        .map(|b| serde_json::from_slice(b).unwrap_or(Value::Null))
        .collect();
    let Some(day0) = parsed
        .first()
        .and_then(|e| e["at"].as_str())
        .and_then(|at| Timestamp::parse(at).ok())
    else {
        return Value::Null;
    };
    let deliveries: Vec<Delivery> = parsed
        .iter()
        .enumerate()
        .filter(|(_, e)| e["entry"] == "input" && e["input"]["type"] == "delivery")
        .filter_map(|(i, e)| {
            let input: model::Input = serde_json::from_value(e["input"].clone()).ok()?;
            delivery(u64::try_from(i).ok()?, &input, day0)
        })
        .collect();
    let breach_days: Vec<u32> = known
        .certified
        .iter()
        .filter_map(|t| supply::schedule::day_of(*t, day0).ok())
        .collect();
    let today = supply::schedule::day_of(known.now, day0).unwrap_or(0);
    let projection = stock::project(&stock::Ask {
        stocks: &p.stocks,
        commitments: &p.commitments,
        reports: &[],
        deliveries: &deliveries,
        breach_days: &breach_days,
        from: today,
        horizon_days: stock::HORIZON_DAYS_DEFAULT,
    });
    json!({
        "day0": day0,
        "today": today,
        "projection": projection,
    })
}
