//! FollowTheMoney entities (the OpenSanctions format) → sanctions targets.
//!
//! An FTM file is JSON lines, one entity per line: `id`, `schema`,
//! `properties` (each a list of strings), and optionally `caption`,
//! `target`, `datasets`, `referents`. The entities a sanctions package can
//! name — people, companies, organizations, vessels, aircraft — become
//! [`Target`]s; the others are context folded into them: a `Sanction`
//! (→ `entity`) gives its programmes and authority, `Ownership`,
//! `Directorship`, `Family` and the other edges give links between
//! entities, `Address` entities give addresses.
//!
//! References between entities are resolved inside the file. A reference to
//! an entity the file does not hold (OpenSanctions exports cut a cluster out
//! of a larger graph, so some addresses are always missing) is tolerated: it
//! is counted, and reported as a skipped note at the referring entity, never
//! an error. A malformed line is rejected with its line and column; the
//! other lines are still read.
//!
//! The same reader takes back what it writes: a file of target lines
//! ([`encode`]) reads as the same targets, so a framework's `targets_file`
//! may be either the FTM export itself or the output of
//! `bulwark ingest --from ftm`.
//!
//! Targets come out sorted by id, with every list sorted: the same entities
//! in any line order give the same bytes.

use std::borrow::{Borrow, Cow};
use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::{Note, Outcome, Position};

/// The most lines (entities) read from one file.
pub const LINES_MAX: usize = 1_000_000;
/// The longest line read, in bytes (OpenSanctions' largest entities, with
/// every transliteration of their names, stay well below).
pub const LINE_BYTES_MAX: usize = 4 * 1024 * 1024;
/// The longest entity id accepted, in bytes.
pub const ID_BYTES_MAX: usize = 1024;

/// FTM schemas whose entities can be the target of a sanction, and the
/// `kind` each becomes (a framework target's `kind`).
pub const TARGET_SCHEMAS: &[(&str, &str)] = &[
    ("Airplane", "airplane"),
    ("Company", "company"),
    ("LegalEntity", "legal_entity"),
    ("Organization", "organization"),
    ("Person", "person"),
    ("PublicBody", "public_body"),
    ("Vehicle", "vehicle"),
    ("Vessel", "vessel"),
];

/// FTM schemas that sanction what their `entity` names.
const SANCTION_SCHEMAS: &[&str] = &["Sanction"];

/// Properties whose values are countries.
const COUNTRY_PROPERTIES: &[&str] = &[
    "citizenship",
    "country",
    "flag",
    "jurisdiction",
    "nationality",
];

/// Properties of a target that name another entity, read as links like an
/// edge's: (property, edge name, the holder's role, the named entity's
/// role). A vessel's `owner` is the same relation as an `Ownership`.
const PROPERTY_LINKS: &[(&str, &str, &str, &str)] = &[
    ("operator", "Operation", "operated", "operator"),
    ("owner", "Ownership", "asset", "owner"),
    ("parent", "Parent", "child", "parent"),
];

/// One sanctions target, as written by `bulwark ingest --from ftm` (one
/// JSON object per line) and read back by the framework loader.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// The FTM entity id (`NK-…`, `ofac-…`).
    pub id: String,
    /// From the schema: `person`, `company`, `organization`, `legal_entity`,
    /// `public_body`, `vessel`, `airplane`, `vehicle`.
    pub kind: String,
    /// The entity's `caption`, else its first `name`, else its id.
    pub name: String,
    /// Listed by a sanctions authority: FTM's `target` flag, a `Sanction`
    /// naming it, or the topic `sanction`. A target that is not is in the
    /// list for its links (a subsidiary, an owner).
    #[serde(default)]
    pub sanctioned: bool,
    /// ISO 3166-1 codes (lowercase, as FTM writes them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<String>,
    /// FTM topics: `sanction`, `sanction.linked`, `poi`, `export.control`, …
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<String>,
    /// Sanctioning programmes (`programId`: `EU-UKR`, `US-RUSHAR`, …), its
    /// own and those of the `Sanction` entities naming it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub programmes: Vec<String>,
    /// The authorities of the `Sanction` entities naming it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authorities: Vec<String>,
    /// Ids of the `Sanction` entities naming it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sanctions: Vec<String>,
    /// Its `Address` entities found in the file (their full text).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<String>,
    /// Relations to other entities of the file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// The OpenSanctions datasets the entity comes from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub datasets: Vec<String>,
}

/// A relation from a target to another entity, through an FTM edge.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    /// The edge's schema: `Ownership`, `Directorship`, `Family`, …
    pub via: String,
    /// The target's role in it: `owner` or `asset`, `director` or
    /// `organization`, `person` or `relative`, …
    #[serde(rename = "as")]
    pub role: String,
    /// The other entity's id.
    pub with: String,
}

/// What a file is made of (decided by its first line).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Kind {
    /// FTM entities.
    #[default]
    Entities,
    /// Target lines, as [`encode`] writes them.
    Targets,
}

/// What [`read`] made of a file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Targets {
    /// Lines read (blank lines are not counted); skipped notes are the
    /// references to entities absent from the file; rejected notes the
    /// malformed lines. `observations` stays empty.
    pub outcome: Outcome,
    pub kind: Kind,
    /// The targets, sorted by id.
    pub targets: Vec<Target>,
    /// Entities read as context (not targets), per schema.
    pub context: BTreeMap<String, usize>,
    /// References between entities found in the file.
    pub resolved: usize,
}

impl Targets {
    /// How many targets are listed by an authority.
    pub fn sanctioned(&self) -> usize {
        self.targets.iter().filter(|t| t.sanctioned).count()
    }

    /// References to entities absent from the file (tolerated).
    pub fn absent(&self) -> usize {
        self.outcome.skipped.len()
    }

    /// Lines of summary, for `bulwark ingest` and `bulwark check`.
    pub fn summary(&self) -> Vec<String> {
        let mut lines = vec![format!(
            "targets {} ({} sanctioned, {} linked only)",
            self.targets.len(),
            self.sanctioned(),
            self.targets.len() - self.sanctioned()
        )];
        if self.kind == Kind::Entities {
            let context: usize = self.context.values().sum();
            let parts: Vec<String> = self
                .context
                .iter()
                .map(|(schema, n)| format!("{schema} {n}"))
                .collect();
            lines.push(format!(
                "context {context} ({})",
                if parts.is_empty() {
                    "none".to_string()
                } else {
                    parts.join(", ")
                }
            ));
            lines.push(format!(
                "references {} resolved, {} to entities absent from the file (tolerated)",
                self.resolved,
                self.absent()
            ));
        }
        lines
    }
}

/// Target lines: one JSON object per target, in the order given.
pub fn encode(targets: &[Target]) -> String {
    let mut out = String::new();
    for t in targets {
        // INVARIANT: a `Target` is strings, booleans and lists: it always
        // serializes.
        out.push_str(&serde_json::to_string(t).unwrap_or_default());
        out.push('\n');
    }
    out
}

/// Text lent from the input where it holds no escapes (serde lends a `Cow`
/// only as a field of its own, so lists and map keys need this wrapper).
#[derive(Deserialize, PartialEq, Eq, PartialOrd, Ord)]
struct Text<'a>(#[serde(borrow)] Cow<'a, str>);

impl Borrow<str> for Text<'_> {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

/// An entity line, borrowing its text where it holds no escapes.
#[derive(Deserialize)]
struct Entity<'a> {
    #[serde(borrow)]
    id: Text<'a>,
    #[serde(borrow)]
    schema: Text<'a>,
    #[serde(default, borrow)]
    caption: Option<Text<'a>>,
    #[serde(default, borrow)]
    properties: BTreeMap<Text<'a>, Vec<Text<'a>>>,
    #[serde(default)]
    target: Option<bool>,
    #[serde(default, borrow)]
    datasets: Vec<Text<'a>>,
}

impl Entity<'_> {
    fn values(&self, property: &str) -> impl Iterator<Item = &str> {
        self.properties
            .get(property)
            .into_iter()
            .flatten()
            .map(|v| &**v)
    }
}

/// A line that held an entity: where it starts, and the entity.
struct Line<'a> {
    offset: usize,
    entity: Entity<'a>,
}

/// Reads FTM entity lines, or target lines, into targets.
pub fn read(bytes: &[u8]) -> Targets {
    let mut out = Targets::default();
    let mut kind: Option<Kind> = None;
    let mut entities: Vec<Line> = Vec::new();
    let mut listed: Vec<(usize, Target)> = Vec::new();
    let mut start = 0;
    while start < bytes.len() {
        let end = memchr::memchr(b'\n', bytes.get(start..).unwrap_or_default())
            .map_or(bytes.len(), |i| start + i);
        let raw = bytes.get(start..end).unwrap_or_default();
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        let offset = start;
        start = end + 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        out.outcome.read += 1;
        let reject = |out: &mut Targets, at: usize, record: Option<&str>, message: String| {
            out.outcome.rejected.push(Note {
                at: Position {
                    offset: at as u64,
                    line: 0,
                    column: 0,
                },
                record: record.map(str::to_string),
                message,
            });
        };
        if out.outcome.read > LINES_MAX {
            reject(
                &mut out,
                offset,
                None,
                format!("more than {LINES_MAX} lines: the rest is not read"),
            );
            break;
        }
        if line.len() > LINE_BYTES_MAX {
            reject(
                &mut out,
                offset,
                None,
                format!("a line of more than {LINE_BYTES_MAX} bytes"),
            );
            continue;
        }
        let this = *kind.get_or_insert_with(|| sniff(line));
        let parsed = match this {
            Kind::Entities => serde_json::from_slice::<Entity>(line).map(Ok),
            Kind::Targets => serde_json::from_slice::<Target>(line).map(Err),
        };
        match parsed {
            Err(e) => {
                let at = if e.classify() == serde_json::error::Category::Data
                    && e.to_string().starts_with("missing field")
                {
                    offset
                } else {
                    offset + e.column().saturating_sub(1).min(line.len())
                };
                let what = match this {
                    Kind::Entities => "an FTM entity",
                    Kind::Targets => "a target line",
                };
                reject(&mut out, at, None, format!("not {what}: {}", plain(&e)));
            }
            Ok(Ok(entity)) => match check_entity(&entity) {
                Ok(()) => entities.push(Line { offset, entity }),
                Err(m) => reject(&mut out, offset, Some(&entity.id), m),
            },
            Ok(Err(target)) => match check_target(&target) {
                Ok(()) => listed.push((offset, target)),
                Err(m) => reject(&mut out, offset, Some(&target.id), m),
            },
        }
    }
    out.kind = kind.unwrap_or_default();
    match out.kind {
        Kind::Entities => resolve(&mut out, entities),
        Kind::Targets => {
            let mut seen: BTreeMap<String, usize> = BTreeMap::new();
            for (offset, target) in listed {
                if seen.insert(target.id.clone(), offset).is_some() {
                    out.outcome.rejected.push(Note {
                        at: Position {
                            offset: offset as u64,
                            line: 0,
                            column: 0,
                        },
                        record: Some(target.id.clone()),
                        message: "a second target with this id".into(),
                    });
                    continue;
                }
                out.targets.push(target);
            }
            out.targets.sort_by(|a, b| a.id.cmp(&b.id));
        }
    }
    out.outcome.skipped.sort_by_key(|n| n.at);
    out.outcome.rejected.sort_by_key(|n| n.at);
    out.outcome.locate(bytes);
    out
}

/// A line with a `schema` key is an FTM entity; one without, a target line.
fn sniff(line: &[u8]) -> Kind {
    #[derive(Deserialize)]
    struct Probe {
        schema: Option<serde::de::IgnoredAny>,
    }
    match serde_json::from_slice::<Probe>(line) {
        Ok(Probe { schema: None }) => Kind::Targets,
        _ => Kind::Entities,
    }
}

/// serde_json's message without its own "at line 1 column N" (the note
/// carries the location).
fn plain(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let text = match text.rfind(" at line ") {
        Some(i) => text.get(..i).unwrap_or(&text).to_string(),
        None => text,
    };
    let text = match text.strip_prefix("missing field ") {
        Some(field) => format!("required field {field} is missing"),
        None => text,
    };
    text.replace("invalid type: ", "wrong type: ")
}

fn check_id(id: &str) -> Result<(), String> {
    if id.trim().is_empty() {
        return Err("an empty `id`".into());
    }
    if id.len() > ID_BYTES_MAX {
        return Err(format!("an `id` longer than {ID_BYTES_MAX} bytes"));
    }
    Ok(())
}

fn check_entity(e: &Entity) -> Result<(), String> {
    check_id(&e.id)?;
    if e.schema.trim().is_empty() {
        return Err("an empty `schema`".into());
    }
    Ok(())
}

fn check_target(t: &Target) -> Result<(), String> {
    check_id(&t.id)?;
    if !TARGET_SCHEMAS.iter().any(|(_, k)| *k == t.kind) {
        let kinds: Vec<&str> = TARGET_SCHEMAS.iter().map(|(_, k)| *k).collect();
        return Err(format!(
            "`kind` `{}`: expected one of {}",
            t.kind,
            kinds.join(", ")
        ));
    }
    Ok(())
}

/// The schema's entity-valued properties and, for an edge, its two ends.
/// An unknown schema is read as a `Thing`.
fn schema_info(
    schema: &str,
) -> (
    &'static [&'static str],
    Option<(&'static str, &'static str)>,
) {
    let find = |name: &str| SCHEMAS.binary_search_by(|(s, ..)| (*s).cmp(name)).ok();
    let i = find(schema).or_else(|| find("Thing"));
    i.and_then(|i| SCHEMAS.get(i))
        .map_or((&[], None), |(_, props, edge)| (*props, *edge))
}

fn target_kind(schema: &str) -> Option<&'static str> {
    TARGET_SCHEMAS
        .iter()
        .find(|(s, _)| *s == schema)
        .map(|(_, k)| *k)
}

/// Sorted and without repeats.
fn set<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    values
        .into_iter()
        .filter(|v| !v.trim().is_empty())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// Builds the targets of a file of entities, resolving references.
fn resolve(out: &mut Targets, lines: Vec<Line>) {
    // Index by id; a second entity with an id already seen is refused.
    // Looked up only, never iterated: no order of its reaches an output.
    let mut by_id: HashMap<&str, usize> = HashMap::with_capacity(lines.len());
    let mut duplicates = Vec::new();
    for (k, l) in lines.iter().enumerate() {
        if let Some(first) = by_id.get(&*l.entity.id) {
            duplicates.push((k, *first));
        } else {
            by_id.insert(&l.entity.id, k);
        }
    }
    let dropped: BTreeSet<usize> = duplicates.iter().map(|(k, _)| *k).collect();
    for (k, _) in &duplicates {
        if let Some(l) = lines.get(*k) {
            out.outcome.rejected.push(Note {
                at: Position {
                    offset: l.offset as u64,
                    line: 0,
                    column: 0,
                },
                record: Some(l.entity.id.to_string()),
                message: "a second entity with this id (FTM exports hold each entity once)".into(),
            });
        }
    }
    let entity = |id: &str| by_id.get(id).and_then(|k| lines.get(*k)).map(|l| &l.entity);

    // Every target, built from its own properties; looked up by id here,
    // sorted by id at the end.
    let mut targets: HashMap<&str, Target> = HashMap::new();
    let mut context: BTreeMap<&str, usize> = BTreeMap::new();
    for (k, l) in lines.iter().enumerate() {
        if dropped.contains(&k) {
            continue;
        }
        let e = &l.entity;
        let Some(kind) = target_kind(&e.schema) else {
            *context.entry(&e.schema).or_default() += 1;
            continue;
        };
        let topics = set(e.values("topics"));
        let name = e
            .caption
            .as_deref()
            .filter(|c| !c.trim().is_empty())
            .or_else(|| e.values("name").next())
            .unwrap_or(&e.id)
            .to_string();
        targets.insert(
            &e.id,
            Target {
                id: e.id.to_string(),
                kind: kind.to_string(),
                name,
                sanctioned: e.target == Some(true) || topics.iter().any(|t| t == "sanction"),
                countries: set(COUNTRY_PROPERTIES.iter().flat_map(|p| e.values(p))),
                topics,
                programmes: set(e.values("programId")),
                datasets: set(e.datasets.iter().map(|d| d.as_ref())),
                ..Target::default()
            },
        );
    }

    // Every reference: resolved (and folded into a target) or absent (noted).
    for (k, l) in lines.iter().enumerate() {
        if dropped.contains(&k) {
            continue;
        }
        let e = &l.entity;
        let (properties, edge) = schema_info(&e.schema);
        for property in properties {
            for other in e.values(property) {
                if entity(other).is_some() {
                    out.resolved += 1;
                } else {
                    out.outcome.skipped.push(Note {
                        at: Position {
                            offset: l.offset as u64,
                            line: 0,
                            column: 0,
                        },
                        record: Some(e.id.to_string()),
                        message: format!(
                            "`{}` `{property}` names `{other}`, which is not in the file (tolerated)",
                            &*e.schema
                        ),
                    });
                }
            }
        }
        // Addresses of a target.
        if let Some(t) = targets.get_mut(&*e.id) {
            for a in e.values("addressEntity").filter_map(&entity) {
                let text = a
                    .values("full")
                    .next()
                    .or(a.caption.as_deref())
                    .unwrap_or(&a.id);
                t.addresses.push(text.to_string());
            }
        }
        // A target's own links (a vessel's owner, a subsidiary's parent).
        if targets.contains_key(&*e.id) {
            for (property, via, holder, named) in PROPERTY_LINKS {
                for other in e.values(property).filter(|o| entity(o).is_some()) {
                    for (this, role, that) in [(&*e.id, holder, other), (other, named, &*e.id)] {
                        if let Some(x) = targets.get_mut(this) {
                            x.links.push(Link {
                                via: via.to_string(),
                                role: role.to_string(),
                                with: that.to_string(),
                            });
                        }
                    }
                }
            }
        }
        // A sanction: its programmes and authority go to what it names.
        if SANCTION_SCHEMAS.contains(&&*e.schema) {
            for named in e.values("entity") {
                if let Some(t) = targets.get_mut(named) {
                    t.sanctioned = true;
                    t.sanctions.push(e.id.to_string());
                    t.programmes
                        .extend(e.values("programId").map(str::to_string));
                    t.authorities
                        .extend(e.values("authority").map(str::to_string));
                }
            }
        }
        // An edge: a link on each end that is a target.
        if let Some((source, target)) = edge {
            for s in e.values(source).filter(|s| entity(s).is_some()) {
                for t in e.values(target).filter(|t| entity(t).is_some()) {
                    for (this, role, that) in [(s, source, t), (t, target, s)] {
                        if let Some(x) = targets.get_mut(this) {
                            x.links.push(Link {
                                via: e.schema.to_string(),
                                role: role.to_string(),
                                with: that.to_string(),
                            });
                        }
                    }
                }
            }
        }
    }
    out.targets = targets
        .into_values()
        .map(|mut t| {
            for list in [
                &mut t.programmes,
                &mut t.authorities,
                &mut t.sanctions,
                &mut t.addresses,
            ] {
                list.sort();
                list.dedup();
            }
            t.links.sort();
            t.links.dedup();
            t
        })
        .collect();
    out.targets.sort_by(|a, b| a.id.cmp(&b.id));
    out.context = context
        .into_iter()
        .map(|(schema, n)| (schema.to_string(), n))
        .collect();
}

// Generated from the FollowTheMoney model (followthemoney 4.11.2, Python):
// for each schema, the properties of type `entity` (stubs left out) and
// the edge ends. Regenerate when the model changes.

/// A schema: its name, its entity-valued properties, its edge ends.
type Schema = (
    &'static str,
    &'static [&'static str],
    Option<(&'static str, &'static str)>,
);

/// Every FollowTheMoney schema (model 4.11) with its properties whose values
/// are entity ids, and, for an edge (a relation between two entities), its
/// source and target properties. Sorted by schema name.
const SCHEMAS: &[Schema] = &[
    ("Address", &["addressEntity", "proof", "riskSource"], None),
    (
        "Airplane",
        &["addressEntity", "operator", "owner", "proof", "riskSource"],
        None,
    ),
    ("Analyzable", &[], None),
    (
        "Article",
        &[
            "addressEntity",
            "ancestors",
            "parent",
            "proof",
            "riskSource",
        ],
        None,
    ),
    ("Asset", &["addressEntity", "proof", "riskSource"], None),
    (
        "Associate",
        &["associate", "person", "proof"],
        Some(("person", "associate")),
    ),
    (
        "Audio",
        &[
            "addressEntity",
            "ancestors",
            "parent",
            "proof",
            "riskSource",
        ],
        None,
    ),
    (
        "BankAccount",
        &["addressEntity", "bank", "proof", "riskSource"],
        None,
    ),
    ("Call", &["caller", "proof", "receiver"], None),
    (
        "CallForTenders",
        &[
            "addressEntity",
            "authority",
            "onBehalfOf",
            "proof",
            "riskSource",
            "tenderers",
        ],
        None,
    ),
    (
        "Company",
        &["addressEntity", "parent", "proof", "riskSource"],
        None,
    ),
    (
        "Contract",
        &[
            "addressEntity",
            "authority",
            "project",
            "proof",
            "riskSource",
        ],
        None,
    ),
    (
        "ContractAward",
        &["callForTenders", "contract", "proof", "supplier"],
        Some(("contract", "supplier")),
    ),
    (
        "Control",
        &["controlled", "controller", "proof"],
        Some(("controller", "controlled")),
    ),
    ("CourtCase", &["addressEntity", "proof", "riskSource"], None),
    (
        "CourtCaseParty",
        &["case", "party", "proof"],
        Some(("party", "case")),
    ),
    (
        "CryptoWallet",
        &["addressEntity", "holder", "proof", "riskSource"],
        None,
    ),
    (
        "Debt",
        &["creditor", "debtor", "proof"],
        Some(("debtor", "creditor")),
    ),
    (
        "Directorship",
        &["director", "organization", "proof"],
        Some(("director", "organization")),
    ),
    (
        "Document",
        &[
            "addressEntity",
            "ancestors",
            "parent",
            "proof",
            "riskSource",
        ],
        None,
    ),
    (
        "Documentation",
        &["document", "entity", "proof"],
        Some(("document", "entity")),
    ),
    (
        "EconomicActivity",
        &[
            "bankAccount",
            "bankForeign",
            "bankRub",
            "contract",
            "contractHolder",
            "declarant",
            "proof",
            "receiver",
            "sender",
            "transport",
        ],
        None,
    ),
    (
        "Email",
        &[
            "addressEntity",
            "ancestors",
            "emitters",
            "inReplyToEmail",
            "parent",
            "proof",
            "recipients",
            "riskSource",
        ],
        None,
    ),
    (
        "Employment",
        &["employee", "employer", "proof"],
        Some(("employee", "employer")),
    ),
    (
        "Event",
        &[
            "addressEntity",
            "involved",
            "organizer",
            "proof",
            "riskSource",
        ],
        None,
    ),
    (
        "Family",
        &["person", "proof", "relative"],
        Some(("person", "relative")),
    ),
    (
        "Folder",
        &[
            "addressEntity",
            "ancestors",
            "parent",
            "proof",
            "riskSource",
        ],
        None,
    ),
    (
        "HyperText",
        &[
            "addressEntity",
            "ancestors",
            "parent",
            "proof",
            "riskSource",
        ],
        None,
    ),
    ("Identification", &["holder", "proof"], None),
    (
        "Image",
        &[
            "addressEntity",
            "ancestors",
            "parent",
            "pictured",
            "proof",
            "riskSource",
        ],
        None,
    ),
    ("Interest", &["proof"], None),
    ("Interval", &["proof"], None),
    (
        "LegalEntity",
        &["addressEntity", "parent", "proof", "riskSource"],
        None,
    ),
    (
        "License",
        &[
            "addressEntity",
            "authority",
            "project",
            "proof",
            "riskSource",
        ],
        None,
    ),
    (
        "Membership",
        &["member", "organization", "proof"],
        Some(("member", "organization")),
    ),
    ("Mention", &["document", "resolved"], None),
    (
        "Message",
        &[
            "addressEntity",
            "ancestors",
            "inReplyToMessage",
            "parent",
            "proof",
            "recipientAccount",
            "recipients",
            "riskSource",
            "sender",
            "senderAccount",
        ],
        None,
    ),
    (
        "Note",
        &["addressEntity", "entity", "proof", "riskSource"],
        None,
    ),
    (
        "Occupancy",
        &["holder", "post", "proof"],
        Some(("holder", "post")),
    ),
    (
        "Organization",
        &["addressEntity", "parent", "proof", "riskSource"],
        None,
    ),
    (
        "Ownership",
        &["asset", "owner", "proof"],
        Some(("owner", "asset")),
    ),
    (
        "Package",
        &[
            "addressEntity",
            "ancestors",
            "parent",
            "proof",
            "riskSource",
        ],
        None,
    ),
    ("Page", &["document"], None),
    (
        "Pages",
        &[
            "addressEntity",
            "ancestors",
            "parent",
            "proof",
            "riskSource",
        ],
        None,
    ),
    ("Passport", &["holder", "proof"], None),
    (
        "Payment",
        &[
            "beneficiary",
            "beneficiaryAccount",
            "contract",
            "payer",
            "payerAccount",
            "project",
            "proof",
        ],
        Some(("payer", "beneficiary")),
    ),
    (
        "Person",
        &["addressEntity", "parent", "proof", "riskSource"],
        None,
    ),
    (
        "PlainText",
        &[
            "addressEntity",
            "ancestors",
            "parent",
            "proof",
            "riskSource",
        ],
        None,
    ),
    (
        "Position",
        &["addressEntity", "organization", "proof", "riskSource"],
        None,
    ),
    ("Project", &["addressEntity", "proof", "riskSource"], None),
    (
        "ProjectParticipant",
        &["participant", "project", "proof"],
        Some(("participant", "project")),
    ),
    (
        "PublicBody",
        &["addressEntity", "parent", "proof", "riskSource"],
        None,
    ),
    (
        "RealEstate",
        &["addressEntity", "parent", "proof", "riskSource"],
        None,
    ),
    (
        "Representation",
        &["agent", "client", "proof"],
        Some(("agent", "client")),
    ),
    ("Risk", &["entity", "proof"], None),
    ("Sanction", &["entity", "proof"], None),
    (
        "Security",
        &["addressEntity", "issuer", "proof", "riskSource"],
        None,
    ),
    ("Similar", &["candidate", "match"], None),
    (
        "Succession",
        &["predecessor", "proof", "successor"],
        Some(("predecessor", "successor")),
    ),
    (
        "Table",
        &[
            "addressEntity",
            "ancestors",
            "parent",
            "proof",
            "riskSource",
        ],
        None,
    ),
    ("TaxRoll", &["proof", "taxee"], None),
    (
        "Territory",
        &["addressEntity", "partOf", "proof", "riskSource"],
        None,
    ),
    ("Thing", &["addressEntity", "proof", "riskSource"], None),
    (
        "Trip",
        &[
            "addressEntity",
            "endLocation",
            "involved",
            "organizer",
            "proof",
            "riskSource",
            "startLocation",
            "vehicle",
        ],
        None,
    ),
    (
        "UnknownLink",
        &["object", "proof", "subject"],
        Some(("subject", "object")),
    ),
    (
        "UserAccount",
        &["addressEntity", "owner", "proof", "riskSource"],
        None,
    ),
    ("Value", &[], None),
    (
        "Vehicle",
        &["addressEntity", "operator", "owner", "proof", "riskSource"],
        None,
    ),
    (
        "Vessel",
        &["addressEntity", "operator", "owner", "proof", "riskSource"],
        None,
    ),
    (
        "Video",
        &[
            "addressEntity",
            "ancestors",
            "parent",
            "proof",
            "riskSource",
        ],
        None,
    ),
    (
        "Workbook",
        &[
            "addressEntity",
            "ancestors",
            "parent",
            "proof",
            "riskSource",
        ],
        None,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_table_is_sorted_for_binary_search() {
        assert!(SCHEMAS.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(
            TARGET_SCHEMAS
                .iter()
                .all(|(s, _)| schema_info(s).0.contains(&"addressEntity"))
        );
    }
}
