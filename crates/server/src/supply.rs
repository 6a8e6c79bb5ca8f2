//! `GET /api/v1/supply`: every commitment's delivery chains as the node's
//! book holds them (`supply::chain`, kept by the sequencer), for the
//! dashboard's Logistics section.
//!
//! Visibility: a commitment the framework marks `restricted` is shown only
//! to a reader whose party is in its `releasable_to` — never to the public,
//! never to another party: no row, no total, no flag. Other commitments are
//! shown to everyone, as `/api/v1/framework` shows them.
//!
//! Days in `received_series` count from the entry into force: `bulwark
//! serve --in-force`, else the framework's `adopted` date at midnight UTC;
//! with neither the series is empty and `in_force` is null.

use std::collections::BTreeMap;

use base::Timestamp;
use framework::Framework;
use framework::schema::Visibility;
use model::DeliveryStep;
use serde_json::{Value, json};
use supply::chain::Book;

/// Who may see each commitment, and the day the series count from; fixed
/// at start.
#[derive(Clone, Debug, Default)]
pub struct Access {
    /// By commitment id: `None` for everyone, `Some(parties)` for a
    /// restricted one.
    restricted: BTreeMap<String, Option<Vec<String>>>,
    pub in_force: Option<Timestamp>,
}

impl Access {
    pub fn new(fw: &Framework, in_force: Option<Timestamp>) -> Access {
        let restricted = fw
            .commitments
            .iter()
            .map(|c| {
                let to = (c.visibility == Visibility::Restricted).then(|| c.releasable_to.clone());
                (c.id.clone(), to)
            })
            .collect();
        let in_force = in_force.or_else(|| {
            supply::chain::adopted_in_force(fw.meta.as_ref().and_then(|m| m.adopted.as_deref()))
        });
        Access {
            restricted,
            in_force,
        }
    }

    /// Whether a reader of `party` (`None`: the public) sees `commitment`.
    pub fn shows(&self, commitment: &str, party: Option<&str>) -> bool {
        match self.restricted.get(commitment) {
            Some(None) => true,
            Some(Some(to)) => party.is_some_and(|p| to.iter().any(|x| x == p)),
            // Not a commitment of the framework: the book has none.
            None => false,
        }
    }
}

/// The book as a reader of `party` may see it. `log_index` gives an
/// input's log index (for the figures' links to the log).
pub fn view(
    book: &Book,
    access: &Access,
    party: Option<&str>,
    log_index: impl Fn(&model::InputId) -> Option<u64>,
) -> Value {
    let mut out = Vec::new();
    // Not even a count of what is left out: that a restricted commitment
    // exists is itself not the reader's to know.
    for l in book.commitments() {
        if !access.shows(&l.id, party) {
            continue;
        }
        let series: Vec<Value> = access
            .in_force
            .map(|start| l.received_series(start))
            .unwrap_or_default()
            .into_iter()
            .map(|(day, total)| json!([day, total]))
            .collect();
        let mut entries = Vec::new();
        let shipments: Vec<Value> = l
            .shipments
            .values()
            .map(|s| {
                let mut steps = serde_json::Map::new();
                for step in DeliveryStep::ALL {
                    if let Some(r) = s.steps.get(&step) {
                        let index = log_index(&r.input);
                        if step == DeliveryStep::Received
                            && let Some(i) = index
                        {
                            entries.push(json!([i, "input"]));
                        }
                        steps.insert(
                            step.as_str().into(),
                            json!({"quantity": r.quantity, "at": r.at, "input": r.input,
                                   "log_index": index, "repeats": r.repeats}),
                        );
                    }
                }
                json!({"id": s.id, "steps": steps})
            })
            .collect();
        entries.sort_by_key(|e| e[0].as_u64());
        out.push(json!({
            "id": l.id,
            "party": l.party,
            "category": l.category,
            "unit": l.unit,
            "quantity": l.quantity,
            "committed": l.committed,
            "allocated": l.allocated,
            "shipped": l.shipped,
            "received": l.received,
            "received_series": series,
            "entries": entries,
            "shipments": shipments,
            "flags": l.flags,
        }));
    }
    json!({
        "in_force": access.in_force,
        "commitments": out,
    })
}
