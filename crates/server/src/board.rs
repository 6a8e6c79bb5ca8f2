//! The dashboard's data: the framework as the board shows it (triggers,
//! tiers, zones as GeoJSON), and the board itself — the snapback status at
//! this moment, each figure with the log entries behind it.
//!
//! Views: the public sees every decision (they are in the public log) and
//! every input that is not restricted. A restricted input a reader may not
//! see is named by its log entry only; a figure computed from one — an
//! incident's count, time, place — is withheld from that reader, and a
//! trigger window's count leaves out the incidents withheld.

use std::collections::BTreeSet;

use base::Timestamp;
use framework::Framework;
use node::Sequencer;
use serde_json::{Value, json};

/// The framework as the dashboard draws it (public: the framework file is).
pub(crate) fn framework(fw: &Framework, key: &str) -> Value {
    let meta = fw.meta.as_ref();
    let triggers: Vec<Value> = fw
        .triggers
        .iter()
        .map(|t| {
            json!({
                "id": t.id, "name": t.name, "category": t.category, "kinds": t.kinds,
                "zones": t.zones, "window": t.window.map(|w| w.to_string()),
                "threshold": t.threshold, "count": t.count, "standard": t.standard, "tier": t.tier,
            })
        })
        .collect();
    let tiers: Vec<Value> = fw
        .tiers
        .iter()
        .map(|t| json!({"id": t.id, "name": t.name, "level": t.level, "mode": t.mode}))
        .collect();
    let standards: Vec<Value> = fw
        .standards
        .iter()
        .map(|s| json!({"id": s.id, "name": s.name}))
        .collect();
    let parties: Vec<Value> = fw
        .parties
        .iter()
        .map(|p| json!({"id": p.id, "name": p.name}))
        .collect();
    // Restricted commitments stay out of this public summary.
    let commitments: Vec<Value> = fw
        .commitments
        .iter()
        .filter(|c| c.visibility != framework::schema::Visibility::Restricted)
        .map(|c| {
            let schedule: Vec<Value> = c
                .schedule
                .iter()
                .map(|s| json!({"day": s.day, "quantity": s.quantity}))
                .collect();
            json!({
                "id": c.id, "party": c.party, "category": c.category, "item": c.item,
                "quantity": c.quantity, "unit": c.unit, "schedule": schedule,
            })
        })
        .collect();
    json!({
        "id": meta.map(|m| m.id.as_str()),
        "title": meta.map(|m| m.title.as_str()),
        "version": meta.map(|m| m.version.as_str()),
        "hash": fw.hash_hex(),
        "log_key": key,
        "parties": parties,
        "triggers": triggers,
        "tiers": tiers,
        "standards": standards,
        "commitments": commitments,
        "zones": zones(fw),
    })
}

/// The framework's zones as a GeoJSON (RFC 7946) feature collection, in
/// degrees, each feature's `id` the zone's.
pub(crate) fn zones(fw: &Framework) -> Value {
    let deg = |c: base::Coordinate| -> Value {
        // Fixed point to degrees: exact decimal text, read as a number.
        let u = i64::from(c.units());
        let text = format!(
            "{}{}.{:07}",
            if u < 0 { "-" } else { "" },
            u.abs() / 10_000_000,
            u.abs() % 10_000_000
        );
        serde_json::from_str(&text).unwrap_or(Value::Null)
    };
    let ring = |r: &Vec<framework::load::Point>| -> Value {
        Value::Array(r.iter().map(|&(x, y)| json!([deg(x), deg(y)])).collect())
    };
    let features: Vec<Value> = fw
        .zones
        .iter()
        .filter_map(|z| {
            let geometry = match fw.geometry.get(&z.id)? {
                framework::load::Geometry::Area(polygons) => json!({
                    "type": "MultiPolygon",
                    "coordinates": polygons.iter().map(|p| p.iter().map(ring).collect::<Vec<_>>()).collect::<Vec<_>>(),
                }),
                framework::load::Geometry::Line(lines) => json!({
                    "type": "MultiLineString",
                    "coordinates": lines.iter().map(ring).collect::<Vec<_>>(),
                }),
            };
            Some(json!({
                "type": "Feature",
                "id": z.id,
                "properties": {"name": z.name, "kind": z.kind, "within": z.within},
                "geometry": geometry,
            }))
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features})
}

/// Who reads the board.
#[derive(Clone, Debug)]
pub(crate) struct Reader {
    /// `None`: the public.
    pub party: Option<String>,
    /// The restricted inputs (by log index) released to this reader.
    pub released: BTreeSet<u64>,
}

/// `[[index, kind], …]`.
fn entries(list: &[(u64, &str)]) -> Value {
    Value::Array(list.iter().map(|(i, k)| json!([i, k])).collect())
}

fn degrees(e7: i32) -> Value {
    serde_json::from_str(&format!(
        "{}{}.{:07}",
        if e7 < 0 { "-" } else { "" },
        (i64::from(e7)).abs() / 10_000_000,
        (i64::from(e7)).abs() % 10_000_000
    ))
    .unwrap_or(Value::Null)
}

/// What a board was built at: the log's size and the engine's clock.
type Built = (u64, Option<Timestamp>);

std::thread_local! {
    /// The public board last built on this (the sequencer's) thread, and
    /// what it was built at: the log's size and the engine's clock. Every
    /// public reader refreshes at each decision; one build serves them all.
    static PUBLIC: std::cell::RefCell<Option<(Built, Value)>> =
        const { std::cell::RefCell::new(None) };
}

/// The board for `reader`, at wall-clock time `now`.
pub(crate) fn build(seq: &Sequencer, reader: &Reader, now: Timestamp) -> Value {
    if reader.party.is_some() {
        return board(seq, reader, now);
    }
    let key = (seq.log_head().0, seq.decider().engine().now());
    let cached = PUBLIC.with_borrow(|c| {
        c.as_ref()
            .filter(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
    });
    let mut v = cached.unwrap_or_else(|| {
        let v = board(seq, reader, now);
        PUBLIC.with_borrow_mut(|c| *c = Some((key, v.clone())));
        v
    });
    v["now"] = serde_json::to_value(now).unwrap_or_default();
    v
}

fn board(seq: &Sequencer, reader: &Reader, now: Timestamp) -> Value {
    let rec = seq.recorder();
    let released = seq.released();
    let restricted: BTreeSet<u64> = released.iter().map(|r| r.index).collect();
    let hide = |i: u64| restricted.contains(&i) && !reader.released.contains(&i);
    let none = exercise::record::Trace::default();
    let trace = rec.trace().unwrap_or(&none);
    let d = seq.decider();
    let (size, root) = seq.log_head();

    // Incidents: their entries, their place, and what a reader may not see.
    let mut withheld_incidents = BTreeSet::new();
    let incidents: Vec<Value> = d
        .engine()
        .incidents()
        .into_iter()
        .map(|inc| {
            let members = rec.members(&inc.id);
            let mut list = trace.about(&format!("incident:{}", inc.id));
            list.extend(members.iter().map(|m| (m.index, "input")));
            list.sort_unstable();
            list.dedup();
            let hidden = members.iter().filter(|m| hide(m.index)).count();
            let position = members
                .iter()
                .filter(|m| !hide(m.index))
                .find_map(|m| seq.position(m.index))
                .map(|(x, y)| json!([degrees(x), degrees(y)]));
            let mut v = serde_json::to_value(&inc).unwrap_or_default();
            rec.redact_where(&mut v, &hide);
            if let Some(o) = v.as_object_mut() {
                if hidden > 0 {
                    withheld_incidents.insert(inc.id.clone());
                    for field in ["kind", "weapon", "from", "to", "zone", "count", "confidence_bp"] {
                        o.remove(field);
                    }
                    o.insert(
                        "withheld".into(),
                        json!(format!(
                            "{hidden} of its {} reports are restricted and not released to this view: its figures are not shown",
                            members.len()
                        )),
                    );
                }
                o.insert("position".into(), position.unwrap_or(Value::Null));
                o.insert("entries".into(), entries(&list));
            }
            v
        })
        .collect();

    let breaches: Vec<engine::Breach> = d.engine().breaches();
    let breach_rows: Vec<Value> = breaches
        .iter()
        .map(|b| {
            let mut v = serde_json::to_value(b).unwrap_or_default();
            rec.redact_where(&mut v, &hide);
            if let Some(o) = v.as_object_mut() {
                o.insert(
                    "entries".into(),
                    entries(&trace.about(&format!("breach:{}", b.id))),
                );
            }
            v
        })
        .collect();

    let triggers: Vec<Value> = d
        .engine()
        .trigger_windows()
        .into_iter()
        .map(|w| {
            let shown: Vec<&(String, u64)> = w
                .incidents
                .iter()
                .filter(|(i, _)| !withheld_incidents.contains(i))
                .collect();
            let count: u64 = shown.iter().map(|(_, c)| c).sum();
            let mut list = trace.about(&format!("trigger:{}", w.trigger));
            for (id, _) in &shown {
                list.extend(trace.about(&format!("incident:{id}")));
            }
            list.sort_unstable();
            list.dedup();
            let own: Vec<&engine::Breach> =
                breaches.iter().filter(|b| b.trigger == w.trigger).collect();
            let live = own.iter().any(|b| {
                !matches!(
                    b.status,
                    engine::BreachStatus::Closed | engine::BreachStatus::Withdrawn
                )
            });
            let state = if live {
                "breach"
            } else if !shown.is_empty() {
                "counting"
            } else {
                "quiet"
            };
            json!({
                "trigger": w.trigger, "window": w.window, "threshold": w.threshold,
                "count": count, "incidents": shown.iter().map(|(i, _)| i).collect::<Vec<_>>(),
                "withheld": w.incidents.len() - shown.len(),
                "breaches": own.iter().map(|b| &b.id).collect::<Vec<_>>(),
                "state": state, "entries": entries(&list),
            })
        })
        .collect();

    let activations: Vec<Value> = d
        .ladder()
        .activations()
        .into_iter()
        .map(|a| {
            let tier = trace.about(&format!("tier:{}/{}", a.breach, a.tier));
            let mut v = serde_json::to_value(&a).unwrap_or_default();
            rec.redact_where(&mut v, &hide);
            if let Some(actions) = v.get_mut("actions").and_then(Value::as_array_mut) {
                for o in actions {
                    let id = o["order"].as_str().unwrap_or_default().to_string();
                    o["entries"] = entries(&trace.about(&format!("order:{id}")));
                }
            }
            v["entries"] = entries(&tier);
            v
        })
        .collect();

    let votes: Vec<Value> = d
        .ladder()
        .votes()
        .into_iter()
        .map(|vote| {
            let id = vote.input.to_string();
            let mut list = Vec::new();
            if let Some(i) = rec.index_of(&id) {
                list.push((i, "input"));
                // The ladder's decision on it follows it in the log.
                if let Some(&(j, k)) = trace
                    .about(&format!("tier:{}/{}", vote.breach, vote.tier))
                    .iter()
                    .find(|(j, k)| *j > i && k.starts_with("vote_"))
                {
                    list.push((j, k));
                }
            }
            let mut v = serde_json::to_value(&vote).unwrap_or_default();
            rec.redact_where(&mut v, &hide);
            v["entries"] = entries(&list);
            v
        })
        .collect();

    let missed: Vec<Value> = d
        .ladder()
        .deadlines_missed()
        .into_iter()
        .map(|m| {
            let list: Vec<(u64, &str)> = trace
                .about(&format!("order:{}", m.order))
                .into_iter()
                .filter(|(_, k)| *k == "deadline_missed" || *k == "order_issued")
                .collect();
            let mut v = serde_json::to_value(&m).unwrap_or_default();
            v["entries"] = entries(&list);
            v
        })
        .collect();

    let checkpoint = seq.checkpoint().ok().flatten();
    json!({
        "view": if reader.party.is_some() { "restricted" } else { "public" },
        "party": reader.party,
        "now": now,
        "engine_now": d.engine().now(),
        "log": {
            "size": size,
            "root": root,
            "checkpoint": checkpoint.filter(|(s, _)| *s == size).map(|(_, note)| note),
        },
        "inputs": seq.inputs(),
        "triggers": triggers,
        "breaches": breach_rows,
        "incidents": incidents,
        "activations": activations,
        "votes": votes,
        "deadlines_missed": missed,
    })
}
