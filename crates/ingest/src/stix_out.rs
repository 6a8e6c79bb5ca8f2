//! A certified cyber breach's evidence → a STIX 2.1 bundle, for the CTI
//! tools of the parties and for the record.
//!
//! The bundle holds:
//! - a `report` (published at certification) naming every object, with the
//!   breach, trigger, framework (id, version, hash) and engine version in
//!   `x_bulwark_*` properties, and the certification's explanation;
//! - a `campaign` for the breach, first and last seen over its evidence;
//! - an `identity` per party that reported evidence;
//! - a `threat-actor` per actor the evidence attributes it to, with an
//!   `attributed-to` relationship from the campaign (confidence: the
//!   highest attribution's, on the STIX 0–100 scale, rounded down);
//! - an `identity` of class `class` per target category, with `targets`;
//! - a `sighting` of the campaign per observation that counted, where its
//!   party saw it, carrying the observation's identity, class, kind and
//!   exact confidence in `x_bulwark_*` properties.
//!
//! - bulwark's own `identity` and the `extension-definition` that declares
//!   the `x_bulwark_*` properties (each object using them names it in
//!   `extensions`).
//!
//! Identifiers are UUIDv5 in one fixed namespace over stable keys (the
//! framework hash, the breach, the party, the input's identity), and every
//! time is the breach's own, so the same run gives the same bytes. Keys are
//! written in sorted order.

use std::collections::{BTreeMap, BTreeSet};

use base::Timestamp;
use model::Observation;
use serde_json::{Value, json};
use uuid::Uuid;

/// The namespace of every identifier bulwark writes into STIX.
pub const NAMESPACE: Uuid = Uuid::from_u128(0x6f0c_2a53_98d4_4b51_9a1e_4c2f_b7d0_1e35);

/// A party as the bundle names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Party {
    pub name: String,
    /// True for the framework's adversary (a nation-state threat actor).
    pub adversary: bool,
}

/// The certified breach being exported.
#[derive(Clone, Debug)]
pub struct Breach<'a> {
    pub id: &'a str,
    pub trigger: &'a str,
    pub trigger_name: &'a str,
    pub certified_at: Timestamp,
    pub explanation: &'a str,
    pub framework_id: &'a str,
    pub framework_version: &'a str,
    pub framework_hash: &'a str,
    pub engine_version: &'a str,
}

/// When bulwark's own STIX objects (its identity and its extension
/// definition) were first written: fixed, so their ids and bytes never
/// change between exports.
const DEFINED: &str = "2026-12-04T00:00:00.000Z";

/// Every property the extension adds.
pub const PROPERTIES: [&str; 10] = [
    "x_bulwark_breach",
    "x_bulwark_class",
    "x_bulwark_confidence_bp",
    "x_bulwark_engine_version",
    "x_bulwark_framework",
    "x_bulwark_input",
    "x_bulwark_kind",
    "x_bulwark_party",
    "x_bulwark_target",
    "x_bulwark_trigger",
];

/// The extension definition that declares the `x_bulwark_*` properties
/// (a top-level property extension, as STIX 2.1 §7.3 asks of custom
/// properties).
pub fn extension_id() -> String {
    id("extension-definition", "bulwark-evidence-1")
}

fn bulwark_objects() -> [Value; 2] {
    let creator = id("identity", "bulwark");
    [
        json!({
            "type": "identity",
            "spec_version": "2.1",
            "id": creator,
            "created": DEFINED,
            "modified": DEFINED,
            "name": "bulwark",
            "identity_class": "system",
            "description": "bulwark, the software that certified the breach and wrote this bundle",
        }),
        json!({
            "type": "extension-definition",
            "spec_version": "2.1",
            "id": extension_id(),
            "created_by_ref": creator,
            "created": DEFINED,
            "modified": DEFINED,
            "name": "bulwark evidence",
            "description": "Top-level x_bulwark_* properties: the breach, trigger, framework and engine of a report; each sighting's bulwark input identity, source class, observation kind and confidence in basis points.",
            "schema": "bulwark docs/ingest.md, section \"Exporting a certified cyber breach as STIX\"",
            "version": "1.0.0",
            "extension_types": ["toplevel-property-extension"],
            "extension_properties": PROPERTIES,
        }),
    ]
}

/// A STIX timestamp: UTC with exactly three fractional digits.
pub fn stix_time(t: Timestamp) -> String {
    match jiff::Timestamp::from_millisecond(t.millis()) {
        Ok(ts) => ts.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        Err(_) => "1970-01-01T00:00:00.000Z".to_string(),
    }
}

fn id(kind: &str, key: &str) -> String {
    format!("{kind}--{}", Uuid::new_v5(&NAMESPACE, key.as_bytes()))
}

/// STIX industry sectors (the `industry-sector-ov` vocabulary) for a
/// framework target category; none for a category it has no word for.
pub fn sectors(target: &str) -> &'static [&'static str] {
    match target {
        "energy" | "energy_grid" => &["energy", "utilities"],
        "water" => &["utilities"],
        "telecommunications" => &["telecommunications"],
        "command_systems" | "defence_industry" => &["defense"],
        "rail" => &["transportation"],
        "finance" | "banking" => &["financial-services"],
        "health" => &["healthcare"],
        _ => &[],
    }
}

/// The bundle, as pretty JSON with sorted keys. `evidence` is the breach's
/// counted observations; `parties` names the framework's parties (others
/// are named by their id). Refuses a breach with no evidence.
pub fn bundle(
    breach: &Breach<'_>,
    parties: &BTreeMap<String, Party>,
    evidence: &[Observation],
) -> Result<String, String> {
    if evidence.is_empty() {
        return Err(format!(
            "breach `{}` has no observations to export",
            breach.id
        ));
    }
    let at = stix_time(breach.certified_at);
    let common = |kind: &str, key: &str| {
        json!({
            "type": kind,
            "spec_version": "2.1",
            "id": id(kind, key),
            "created": at,
            "modified": at,
        })
    };
    let extension = extension_id();
    // Adds `fields` to `base`, declaring the extension when a field is ours.
    let with = |mut base: Value, fields: Value| {
        if let (Some(b), Value::Object(f)) = (base.as_object_mut(), fields) {
            if f.keys().any(|k| k.starts_with("x_bulwark_")) {
                b.insert(
                    "extensions".into(),
                    json!({ extension.as_str(): { "extension_type": "toplevel-property-extension" } }),
                );
            }
            b.extend(f);
        }
        base
    };
    let scope = format!("{}:{}", breach.framework_hash, breach.id);
    let name_of = |party: &str| {
        parties
            .get(party)
            .map_or_else(|| party.to_string(), |p| p.name.clone())
    };

    let first = evidence.iter().map(|o| o.observed.from).min();
    let last = evidence.iter().map(|o| o.observed.end()).max();
    let campaign_id = id("campaign", &format!("breach:{scope}"));
    let campaign = with(
        common("campaign", &format!("breach:{scope}")),
        json!({
            "name": format!("{} (bulwark breach {})", breach.trigger_name, breach.id),
            "description": breach.explanation,
            "first_seen": first.map(stix_time),
            "last_seen": last.map(stix_time),
            "x_bulwark_breach": breach.id,
            "x_bulwark_trigger": breach.trigger,
        }),
    );

    let reporters: BTreeSet<&str> = evidence.iter().map(|o| o.id.party.as_str()).collect();
    let identities: Vec<Value> = reporters
        .iter()
        .map(|p| {
            with(
                common("identity", &format!("party:{p}")),
                json!({
                    "name": name_of(p),
                    "identity_class": "organization",
                    "x_bulwark_party": p,
                }),
            )
        })
        .collect();

    // Actor → (highest attribution confidence, bases, inputs).
    let mut actors: BTreeMap<&str, (u16, BTreeSet<&str>, Vec<String>)> = BTreeMap::new();
    for o in evidence {
        if let Some(a) = &o.attribution {
            let entry = actors.entry(a.actor.as_str()).or_default();
            entry.0 = entry.0.max(a.confidence_bp);
            entry.1.extend(a.basis.iter().map(String::as_str));
            entry.2.push(o.id.to_string());
        }
    }
    let mut threat_actors = Vec::new();
    let mut relationships = Vec::new();
    for (actor, (bp, bases, inputs)) in &actors {
        let adversary = parties.get(*actor).is_some_and(|p| p.adversary);
        let actor_id = id("threat-actor", &format!("actor:{actor}"));
        let mut fields = json!({
            "name": name_of(actor),
            "threat_actor_types": [if adversary { "nation-state" } else { "unknown" }],
        });
        if parties.contains_key(*actor)
            && let Some(map) = fields.as_object_mut()
        {
            map.insert("x_bulwark_party".into(), json!(actor));
        }
        threat_actors.push(with(
            common("threat-actor", &format!("actor:{actor}")),
            fields,
        ));
        relationships.push(with(
            common("relationship", &format!("attributed-to:{scope}:{actor}")),
            json!({
                "relationship_type": "attributed-to",
                "source_ref": campaign_id,
                "target_ref": actor_id,
                "confidence": bp / 100,
                "description": format!(
                    "attributed on {} by {}",
                    bases.iter().copied().collect::<Vec<_>>().join(", "),
                    inputs.join(", ")
                ),
            }),
        ));
    }

    let targets: BTreeSet<&str> = evidence
        .iter()
        .filter_map(|o| o.target.as_deref())
        .collect();
    let mut target_identities = Vec::new();
    for t in &targets {
        let target_id = id("identity", &format!("target:{t}"));
        let mut fields = json!({
            "name": format!("{} (target category)", t.replace('_', " ")),
            "identity_class": "class",
            "x_bulwark_target": t,
        });
        let s = sectors(t);
        if !s.is_empty()
            && let Some(map) = fields.as_object_mut()
        {
            map.insert("sectors".into(), json!(s));
        }
        target_identities.push(with(common("identity", &format!("target:{t}")), fields));
        relationships.push(with(
            common("relationship", &format!("targets:{scope}:{t}")),
            json!({
                "relationship_type": "targets",
                "source_ref": campaign_id,
                "target_ref": target_id,
            }),
        ));
    }

    let sightings: Vec<Value> = evidence
        .iter()
        .map(|o| {
            let key = format!("input:{scope}:{}", o.id);
            let party = id("identity", &format!("party:{}", o.id.party));
            with(
                common("sighting", &key),
                json!({
                    "sighting_of_ref": campaign_id,
                    "first_seen": stix_time(o.observed.from),
                    "last_seen": stix_time(o.observed.end()),
                    "count": 1,
                    "where_sighted_refs": [party],
                    "created_by_ref": party,
                    "confidence": o.confidence_bp / 100,
                    "description": format!("{} reported by {} ({})", o.kind, name_of(&o.id.party), o.class),
                    "x_bulwark_input": {
                        "party": o.id.party.as_str(),
                        "source": o.id.source.as_str(),
                        "message": o.id.message.as_str(),
                    },
                    "x_bulwark_class": o.class,
                    "x_bulwark_kind": o.kind,
                    "x_bulwark_confidence_bp": o.confidence_bp,
                }),
            )
        })
        .collect();

    let mut objects = Vec::from(bulwark_objects());
    objects.push(campaign);
    objects.extend(identities);
    objects.extend(threat_actors);
    objects.extend(target_identities);
    objects.extend(relationships);
    objects.extend(sightings);
    let mut refs: Vec<&str> = objects
        .iter()
        .filter_map(|o| o.get("id").and_then(Value::as_str))
        .collect();
    refs.sort_unstable();
    let report = with(
        common("report", &format!("report:{scope}")),
        json!({
            "name": format!("bulwark: certified breach {} of {}", breach.id, breach.trigger),
            "description": breach.explanation,
            "report_types": ["campaign", "threat-report"],
            "published": at,
            "object_refs": refs,
            "x_bulwark_breach": breach.id,
            "x_bulwark_trigger": breach.trigger,
            "x_bulwark_framework": {
                "id": breach.framework_id,
                "version": breach.framework_version,
                "hash": breach.framework_hash,
            },
            "x_bulwark_engine_version": breach.engine_version,
        }),
    );
    objects.insert(0, report);
    let doc = json!({
        "type": "bundle",
        "id": id("bundle", &format!("bundle:{scope}")),
        "objects": objects,
    });
    let mut text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
    text.push('\n');
    Ok(text)
}
