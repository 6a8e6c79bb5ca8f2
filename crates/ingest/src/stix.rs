//! STIX 2.1 bundles → cyber-intrusion observations with attribution.
//!
//! What happened, and when, is carried by three kinds of STIX object; each
//! becomes one observation of kind `cyber_intrusion`:
//!
//! - `campaign`: `first_seen`–`last_seen`;
//! - `sighting`: `first_seen`–`last_seen` (else its `created`), of what
//!   `sighting_of_ref` names;
//! - `observed-data`: `first_observed`–`last_observed`.
//!
//! The other objects are context, read to fill in the observation and then
//! skipped: `attributed-to` relationships (campaign → intrusion set or
//! threat actor) and, for a sighting, `indicates` (indicator → campaign or
//! intrusion set) give the attribution; `uses` (→ attack patterns, malware)
//! give the techniques and tools; `targets` (→ identity with `sectors`)
//! gives the target. See `docs/ingest.md` for the confidence scale.
//!
//! The message id is the STIX `id` (a new version of an object with the
//! same id and other content is a conflict the engine refuses: the party
//! retracts and resends). Revoked and deprecated objects are skipped.

use std::collections::{BTreeMap, HashMap};

use model::{Attribution, InputId, Name, Observation, Observed, kinds};
use serde_json::Value;

use crate::{Defaults, Note, Outcome, Position, validated};

/// The most objects read from one bundle.
pub const OBJECTS_MAX: usize = 1_000_000;
/// The confidence given when STIX states none (`confidence` absent): the
/// middle of the scale, "unspecified".
pub const CONFIDENCE_UNSPECIFIED_BP: u16 = 5000;

/// STIX `confidence` (0–100) → basis points: times 100, exactly (STIX's
/// own 0–100 scale is linear; 100 is certainty, as 10000 bp is).
pub fn confidence_bp(stix: Option<&Value>) -> Result<u16, String> {
    match stix {
        None => Ok(CONFIDENCE_UNSPECIFIED_BP),
        Some(v) => match v.as_u64() {
            Some(c) if c <= 100 => Ok(u16::try_from(c * 100).unwrap_or(10_000)),
            _ => Err(format!(
                "`confidence` `{v}` is not a whole number from 0 to 100"
            )),
        },
    }
}

fn text<'a>(o: &'a Value, key: &str) -> Option<&'a str> {
    o.get(key).and_then(Value::as_str)
}

fn external_id(o: &Value) -> Option<&str> {
    o.get("external_references")?
        .as_array()?
        .iter()
        .find(|r| text(r, "source_name").is_some_and(|s| s.starts_with("mitre")))
        .and_then(|r| text(r, "external_id"))
}

/// Every object of a bundle.
pub fn convert(bytes: &[u8], defaults: &Defaults) -> Outcome {
    let mut out = Outcome::default();
    let note = |line: usize, column: usize, record: Option<&str>, message: String| Note {
        at: Position {
            offset: 0,
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        },
        record: record.map(str::to_string),
        message,
    };
    let doc: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => {
            out.read = 1;
            out.rejected
                .push(note(e.line(), e.column(), None, format!("not JSON: {e}")));
            return out;
        }
    };
    let objects: Vec<&Value> = match (text(&doc, "type"), doc.get("objects")) {
        (Some("bundle"), Some(Value::Array(objects))) => objects.iter().collect(),
        (Some("bundle"), _) => {
            out.read = 1;
            out.rejected.push(note(
                1,
                1,
                text(&doc, "id"),
                "a bundle without an `objects` array".into(),
            ));
            return out;
        }
        (Some(_), _) => vec![&doc],
        (None, _) => {
            out.read = 1;
            out.rejected
                .push(note(1, 1, None, "not STIX: no `type`".into()));
            return out;
        }
    };
    if objects.len() > OBJECTS_MAX {
        out.read = 1;
        out.rejected
            .push(note(1, 1, None, format!("more than {OBJECTS_MAX} objects")));
        return out;
    }
    // Index by id; relationships by source.
    let mut by_id: BTreeMap<&str, &Value> = BTreeMap::new();
    let mut rels: BTreeMap<&str, Vec<(&str, &str, &Value)>> = BTreeMap::new();
    for o in &objects {
        if let Some(id) = text(o, "id") {
            by_id.insert(id, o);
        }
        if text(o, "type") == Some("relationship")
            && !skippable(o)
            && let (Some(s), Some(t), Some(r)) = (
                text(o, "source_ref"),
                text(o, "target_ref"),
                text(o, "relationship_type"),
            )
        {
            rels.entry(s).or_default().push((r, t, o));
        }
    }
    let related = |source: &str, rel: &str| -> Vec<(&Value, &Value)> {
        rels.get(source)
            .into_iter()
            .flatten()
            .filter(|(r, ..)| *r == rel)
            .filter_map(|(_, t, o)| by_id.get(t).map(|target| (*target, *o)))
            .filter(|(target, _)| !skippable(target))
            .collect()
    };
    for (k, o) in objects.iter().enumerate() {
        out.read += 1;
        let id = text(o, "id");
        let record = id.map_or_else(|| format!("objects[{k}]"), str::to_string);
        let kind = text(o, "type").unwrap_or("");
        let skip = |m: String| note(1, 1, Some(&record), m);
        if id.is_none() || kind.is_empty() {
            out.rejected
                .push(skip("an object without `id` or `type`".into()));
            continue;
        }
        if skippable(o) {
            out.skipped
                .push(skip(format!("`{kind}`: revoked or deprecated")));
            continue;
        }
        let (from, to) = match kind {
            "campaign" => ("first_seen", "last_seen"),
            "sighting" => ("first_seen", "last_seen"),
            "observed-data" => ("first_observed", "last_observed"),
            _ => {
                out.skipped.push(skip(format!(
                    "`{kind}`: context, not an event (read for attribution and techniques)"
                )));
                continue;
            }
        };
        if kind == "campaign" && o.get(from).is_none() {
            out.skipped.push(skip(
                "`campaign` without `first_seen`: it says no time, so it is no observation".into(),
            ));
            continue;
        }
        match observation(o, kind, (from, to), defaults, &related, &by_id) {
            Ok(obs) => out.observations.push(obs),
            Err(m) => out.rejected.push(skip(format!("`{kind}`: {m}"))),
        }
    }
    // Locate each note at the first mention of its object's id (where the
    // object is written, unless a relationship before it names it), from
    // one pass over the text.
    if !out.skipped.is_empty() || !out.rejected.is_empty() {
        let mentions = first_mentions(bytes);
        for n in out.skipped.iter_mut().chain(out.rejected.iter_mut()) {
            if let Some(at) = n.record.as_deref().and_then(|r| mentions.get(r)) {
                n.at.offset = *at as u64;
            }
        }
    }
    out.locate(bytes);
    out
}

/// The byte offset of the opening quote of the first quoted mention of
/// each STIX identifier (`type--uuid`) in `bytes`. A segment between two
/// quotes counts when it is an identifier; an escaped quote inside a
/// string can only make a segment that is not one.
fn first_mentions(bytes: &[u8]) -> HashMap<&str, usize> {
    let mut seen = HashMap::new();
    let quotes: Vec<usize> = memchr::memchr_iter(b'"', bytes).collect();
    for pair in quotes.windows(2) {
        let (open, close) = (pair[0], pair[1]);
        let Some(inner) = bytes.get(open + 1..close) else {
            continue;
        };
        let looks_like_id = inner.len() > 38
            && memchr::memmem::find(inner, b"--").is_some()
            && inner
                .iter()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-');
        if looks_like_id && let Ok(id) = std::str::from_utf8(inner) {
            seen.entry(id).or_insert(open);
        }
    }
    seen
}

/// Objects related to a source by a relationship type: (target, relationship).
type Related<'a> = dyn Fn(&str, &str) -> Vec<(&'a Value, &'a Value)> + 'a;

fn skippable(o: &Value) -> bool {
    o.get("revoked").and_then(Value::as_bool) == Some(true)
        || o.get("x_mitre_deprecated").and_then(Value::as_bool) == Some(true)
}

fn observation<'a>(
    o: &'a Value,
    kind: &str,
    (from_key, to_key): (&str, &str),
    defaults: &Defaults,
    related: &Related<'a>,
    by_id: &BTreeMap<&str, &'a Value>,
) -> Result<Observation, String> {
    let id = text(o, "id").unwrap_or_default();
    let time = |key: &str| -> Result<Option<base::Timestamp>, String> {
        text(o, key)
            .map(|t| crate::time_ms(t).map_err(|m| format!("`{key}`: {m}")))
            .transpose()
    };
    let from = match time(from_key)? {
        Some(t) => t,
        None if kind == "sighting" => time("created")?.ok_or("no `first_seen` and no `created`")?,
        None => return Err(format!("no `{from_key}`: an event needs a time")),
    };
    let to = time(to_key)?.filter(|t| *t != from);
    if to.is_some_and(|t| t < from) {
        return Err(format!("`{to_key}` is before `{from_key}`"));
    }
    // bulwark's own export keeps the exact basis points beside STIX's 0–100.
    let confidence = match o.get("x_bulwark_confidence_bp").and_then(Value::as_u64) {
        Some(bp) if bp <= 10_000 => u16::try_from(bp).unwrap_or(10_000),
        _ => confidence_bp(o.get("confidence"))?,
    };
    // What the event is about: the sighting's object, else the event itself.
    let subject: &Value = match kind {
        "sighting" => text(o, "sighting_of_ref")
            .and_then(|r| by_id.get(r).copied())
            .unwrap_or(o),
        _ => o,
    };
    let subject_id = text(subject, "id").unwrap_or(id);
    // Attribution: attributed-to from the subject, or through what an
    // indicator indicates.
    let mut actors: Vec<(&Value, &Value)> = related(subject_id, "attributed-to");
    for (target, rel) in related(subject_id, "indicates") {
        match text(target, "type") {
            Some("intrusion-set" | "threat-actor") => actors.push((target, rel)),
            Some("campaign") => actors.extend(related(
                text(target, "id").unwrap_or_default(),
                "attributed-to",
            )),
            _ => {}
        }
    }
    actors.sort_by_key(|(t, _)| text(t, "name").unwrap_or_default().to_string());
    actors.dedup_by_key(|(t, _)| text(t, "id").unwrap_or_default().to_string());
    let attribution = match actors.as_slice() {
        [] => None,
        [(actor, rel), ..] => Some(Attribution {
            // A framework party's id where bulwark wrote it, else the name.
            actor: text(actor, "x_bulwark_party")
                .or(text(actor, "name"))
                .unwrap_or("unnamed")
                .to_string(),
            confidence_bp: confidence_bp(rel.get("confidence"))?,
            basis: vec!["stix_attributed_to".to_string()],
        }),
    };
    let mut techniques = Vec::new();
    let mut malware = Vec::new();
    for (target, _) in related(subject_id, "uses") {
        match text(target, "type") {
            Some("attack-pattern") => techniques.push(
                external_id(target)
                    .or(text(target, "name"))
                    .unwrap_or_default()
                    .to_string(),
            ),
            Some("malware" | "tool") => {
                malware.push(text(target, "name").unwrap_or_default().to_string())
            }
            _ => {}
        }
    }
    techniques.sort();
    techniques.dedup();
    malware.sort();
    malware.dedup();
    let target = related(subject_id, "targets")
        .into_iter()
        .find_map(|(t, _)| {
            if let Some(category) = text(t, "x_bulwark_target") {
                return Some(category.to_string());
            }
            let sectors = t.get("sectors")?.as_array()?;
            sectors
                .iter()
                .filter_map(Value::as_str)
                .next()
                .map(|s| match s {
                    "energy" | "utilities" => "energy".to_string(),
                    other => other.to_string(),
                })
        });
    let mut attributes = BTreeMap::new();
    let mut keep = |k: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            attributes.insert(Name::from(k), v);
        }
    };
    keep("stix_id", Some(id.to_string()));
    keep("stix_type", Some(kind.to_string()));
    keep("stix_name", text(subject, "name").map(str::to_string));
    keep("stix_external_id", external_id(subject).map(str::to_string));
    keep("stix_techniques", Some(techniques.join(",")));
    keep("stix_malware", Some(malware.join(",")));
    keep(
        "stix_actors",
        Some(
            actors
                .iter()
                .filter_map(|(a, _)| text(a, "name"))
                .collect::<Vec<_>>()
                .join(","),
        ),
    );
    validated(Observation {
        id: InputId {
            party: Name::from(defaults.party.as_str()),
            source: Name::from(defaults.source.as_str()),
            message: Name::from(id),
        },
        class: defaults.class.clone(),
        derived_from: Vec::new(),
        observed: Observed { from, to },
        place: Default::default(),
        kind: text(o, "x_bulwark_kind")
            .filter(|k| k.starts_with("cyber_"))
            .unwrap_or(kinds::CYBER_INTRUSION)
            .to_string(),
        counts: Default::default(),
        weapon: None,
        target,
        attribution,
        confidence_bp: confidence,
        releasability: Default::default(),
        attributes,
    })
}
