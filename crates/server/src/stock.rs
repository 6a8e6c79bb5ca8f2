//! Days of supply as a node sees them (`GET /api/v1/stock`): each
//! `[[stock]]` line projected by `supply::stock` from today, with the
//! surges of the breaches the node certified and the deliveries logged to
//! it, confirmed by their recipient.
//!
//! Day 0: the entry into force, as for `/api/v1/supply` (`bulwark serve
//! --in-force`, else the framework's `adopted` date at midnight UTC); a
//! started day counts as a day. Deliveries: the receipts in the
//! sequencer's delivery book (`supply::chain`), so only the protected
//! state's confirmed receipts count, each shipment once.
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

/// What the node knows, as the projection needs it.
#[derive(Debug)]
pub struct Known<'a> {
    /// The sequencer's delivery book.
    pub book: &'a supply::chain::Book,
    /// When each certified breach was certified.
    pub certified: &'a [Timestamp],
    /// Day 0; `None` when neither `--in-force` nor the framework's
    /// `adopted` date gives one.
    pub in_force: Option<Timestamp>,
    pub now: Timestamp,
}

/// `{"day0": …, "today": …, "projection": …}`, or `null` without a day 0.
pub fn view(p: &Public, known: &Known) -> Value {
    let Some(day0) = known.in_force else {
        return Value::Null;
    };
    let public: std::collections::BTreeSet<&str> =
        p.commitments.iter().map(|c| c.id.as_str()).collect();
    let deliveries: Vec<Delivery> = known
        .book
        .deliveries(day0)
        .into_iter()
        .filter(|d| public.contains(d.commitment.as_str()))
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
