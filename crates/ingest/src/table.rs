//! CSV tables → observations, through a mapping file.
//!
//! A new tabular source needs a mapping, not code. The mapping (TOML, see
//! `docs/ingest.md` "CSV through a mapping") says which columns make the
//! message id, the observed interval (and the time zone of times written
//! without an offset), the counts, the kind, the weapon model (with bundled
//! names such as `X-101/X-555 and Kalibr`), the place and the attributes
//! kept. Each row is one observation, or one note saying why not.
//!
//! - Times: each `formats` entry is tried in order (`strftime` directives);
//!   a time with an offset is taken as written, one without is local time
//!   in `timezone` (a repeated hour at the autumn change is read as the
//!   earlier one; a skipped hour in spring moves forward). A time of day
//!   left out means the whole day: `from` is its midnight, `to` the next.
//! - Counts: whole numbers, written `84` or `84.0`; an empty cell is an
//!   unknown count, never zero.
//! - Bundles: a cell naming several models joined by the `separator` gives
//!   one observation; its weapon is the models' own when they agree, else
//!   the first group in the first model's `within` that every model names.
//!   Models of different kinds cannot share one count: the row is refused.
//! - Places: a cell's value, or each of its parts, is looked up in `zones`;
//!   parts in different zones take `several`; a value not listed takes
//!   `other` (or the row is refused when there is none).
//! - Identity: two rows with the same message id are one report sent twice
//!   when their cells are equal (the second is skipped), a conflict
//!   otherwise (the second is refused: add a column to `message`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::tz::TimeZone;
use model::{Counts, InputId, Name, Observation, Observed, Place};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::{Defaults, Note, Outcome, Position, validated};

/// The most rows read from one table.
pub const ROWS_MAX: usize = 10_000_000;

/// A mapping file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    #[allow(dead_code)] // Read for the reader of the file; checked as text only.
    description: Option<String>,
    #[serde(default)]
    party: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    class: Option<String>,
    confidence_bp: u16,
    #[serde(default)]
    timezone: Option<String>,
    message: Vec<String>,
    observed: RawObserved,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    target: Option<String>,
    #[serde(default)]
    counts: BTreeMap<String, String>,
    #[serde(default)]
    weapon: Option<RawWeapon>,
    #[serde(default)]
    place: Option<RawPlace>,
    #[serde(default)]
    attributes: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawObserved {
    from: String,
    #[serde(default)]
    to: Option<String>,
    formats: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWeapon {
    column: String,
    #[serde(default)]
    separator: Option<String>,
    models: BTreeMap<String, Model>,
}

/// What one model name in the table stands for.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// The framework weapon model; absent: none said.
    #[serde(default)]
    pub weapon: Option<String>,
    /// The observation kind (`missile_launch`, `drone_launch`, …).
    pub kind: String,
    /// Groups the model belongs to, most specific first: what a bundle of
    /// unlike models falls back to.
    #[serde(default)]
    pub within: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlace {
    column: String,
    #[serde(default)]
    separator: Option<String>,
    zones: BTreeMap<String, String>,
    #[serde(default)]
    several: Option<String>,
    #[serde(default)]
    other: Option<String>,
}

/// The count fields a mapping may fill.
const COUNT_FIELDS: [&str; 6] = [
    "launched",
    "destroyed",
    "hit",
    "not_reached",
    "crossings",
    "casualties",
];

/// A checked mapping, ready to convert tables.
#[derive(Clone, Debug)]
pub struct Mapping {
    party: Option<String>,
    source: Option<String>,
    class: Option<String>,
    confidence_bp: u16,
    timezone: TimeZone,
    message: Vec<String>,
    from: String,
    to: Option<String>,
    formats: Vec<String>,
    kind: Option<String>,
    target: Option<String>,
    counts: Vec<(&'static str, String)>,
    weapon: Option<(String, Option<String>, BTreeMap<String, Model>)>,
    place: Option<Places>,
    attributes: BTreeMap<Name, String>,
}

#[derive(Clone, Debug)]
struct Places {
    column: String,
    separator: Option<String>,
    zones: BTreeMap<String, String>,
    several: Option<String>,
    other: Option<String>,
}

impl Mapping {
    /// Reads a mapping file; every problem found, each with where it is.
    pub fn parse(text: &str) -> Result<Mapping, Vec<String>> {
        let raw: Raw = toml::from_str(text).map_err(|e| {
            let at = e.span().map_or_else(String::new, |s| {
                let (line, column) = base::LineIndex::new(text).line_column(text, s.start);
                format!("line {line}, column {column}: ")
            });
            vec![format!("{at}{}", e.message())]
        })?;
        let mut problems = Vec::new();
        if raw.confidence_bp > 10_000 {
            problems.push(format!(
                "`confidence_bp` is {}, more than 10000 (certainty)",
                raw.confidence_bp
            ));
        }
        let timezone = match raw.timezone.as_deref() {
            None | Some("UTC") => TimeZone::UTC,
            Some(name) => TimeZone::get(name).unwrap_or_else(|e| {
                problems.push(format!(
                    "`timezone` `{name}` is not a time zone of the IANA database (e.g. `Europe/Kyiv`): {e}"
                ));
                TimeZone::UTC
            }),
        };
        if raw.message.is_empty() {
            problems.push(
                "`message` names no column: list the columns that together identify a row"
                    .to_string(),
            );
        }
        if raw.observed.formats.is_empty() {
            problems.push("`observed.formats` is empty: give at least one time format".to_string());
        }
        for f in &raw.observed.formats {
            // A format is checked by formatting a known time with it.
            let probe = jiff::Timestamp::UNIX_EPOCH.to_zoned(TimeZone::UTC);
            if let Err(e) = jiff::fmt::strtime::format(f.as_str(), &probe) {
                problems.push(format!(
                    "`observed.formats`: `{f}` is not a time format: {e}"
                ));
            }
        }
        let mut counts = Vec::new();
        for (field, column) in &raw.counts {
            match COUNT_FIELDS.iter().find(|c| *c == field) {
                Some(c) => counts.push((*c, column.clone())),
                None => problems.push(format!(
                    "`counts.{field}` is not a count: use {}",
                    COUNT_FIELDS.join(", ")
                )),
            }
        }
        match (&raw.kind, &raw.weapon) {
            (None, None) => problems.push(
                "no `kind`, and no `weapon` table to give one: every row needs a kind".to_string(),
            ),
            (_, Some(w)) if w.models.is_empty() => {
                problems.push("`weapon.models` is empty".to_string());
            }
            _ => {}
        }
        if let Some(w) = &raw.weapon
            && w.separator.as_deref() == Some("")
        {
            problems.push("`weapon.separator` is empty".to_string());
        }
        if let Some(p) = &raw.place
            && p.separator.as_deref() == Some("")
        {
            problems.push("`place.separator` is empty".to_string());
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Mapping {
            party: raw.party,
            source: raw.source,
            class: raw.class,
            confidence_bp: raw.confidence_bp,
            timezone,
            message: raw.message,
            from: raw.observed.from,
            to: raw.observed.to,
            formats: raw.observed.formats,
            kind: raw.kind,
            target: raw.target,
            counts,
            weapon: raw.weapon.map(|w| (w.column, w.separator, w.models)),
            place: raw.place.map(|p| Places {
                column: p.column,
                separator: p.separator,
                zones: p.zones,
                several: p.several,
                other: p.other,
            }),
            attributes: raw
                .attributes
                .into_iter()
                .map(|(name, column)| (Name::from(name), column))
                .collect(),
        })
    }

    /// The identity the mapping gives, over `defaults` where it says none.
    pub fn defaults(&self, defaults: &Defaults) -> Defaults {
        Defaults {
            party: self.party.clone().unwrap_or_else(|| defaults.party.clone()),
            source: self
                .source
                .clone()
                .unwrap_or_else(|| defaults.source.clone()),
            class: self.class.clone().unwrap_or_else(|| defaults.class.clone()),
        }
    }

    /// Every column the mapping reads, in a stable order.
    fn columns(&self) -> BTreeSet<&str> {
        let mut c: BTreeSet<&str> = self.message.iter().map(String::as_str).collect();
        c.insert(&self.from);
        c.extend(self.to.as_deref());
        c.extend(self.counts.iter().map(|(_, col)| col.as_str()));
        c.extend(self.weapon.as_ref().map(|w| w.0.as_str()));
        c.extend(self.place.as_ref().map(|p| p.column.as_str()));
        c.extend(self.attributes.values().map(String::as_str));
        c
    }
}

/// Which end of a day a date without a time of day stands for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum End {
    Start,
    Finish,
}

/// A cell's time, as milliseconds since the epoch.
fn time(m: &Mapping, text: &str, end: End) -> Result<base::Timestamp, String> {
    let t = text.trim();
    for f in &m.formats {
        let Ok(tm) = jiff::fmt::strtime::parse(f.as_str(), t) else {
            continue;
        };
        let whole_day = tm.hour().is_none();
        let ts = if tm.offset().is_some() {
            tm.to_timestamp().map_err(|e| format!("`{t}`: {e}"))?
        } else {
            let mut dt = tm.to_datetime().map_err(|e| format!("`{t}`: {e}"))?;
            if whole_day && end == End::Finish {
                dt = dt
                    .checked_add(jiff::Span::new().days(1))
                    .map_err(|e| format!("`{t}`: {e}"))?;
            }
            m.timezone
                .to_ambiguous_timestamp(dt)
                .compatible()
                .map_err(|e| format!("`{t}`: {e}"))?
        };
        return Ok(base::Timestamp::from_millis(ts.as_millisecond()));
    }
    Err(format!(
        "`{t}` matches none of the mapping's time formats ({})",
        m.formats
            .iter()
            .map(|f| format!("`{f}`"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// A count cell: empty is unknown; `84` and `84.0` are 84; a fraction, a
/// negative or a number beyond 2³² − 1 is refused.
fn count(text: &str) -> Result<Option<u32>, String> {
    let t = text.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("nan") {
        return Ok(None);
    }
    let whole = crate::decimal::scaled(t, 0)?;
    let fine = crate::decimal::scaled(t, 6)?;
    if fine != whole.saturating_mul(1_000_000) {
        return Err(format!("`{t}` is not a whole number"));
    }
    u32::try_from(whole)
        .map(Some)
        .map_err(|_| format!("`{t}` is not a count from 0 to {}", u32::MAX))
}

/// Splits a cell by `separator` (or not at all), trimming each part and
/// leaving out empty ones.
fn parts<'a>(cell: &'a str, separator: Option<&str>) -> Vec<&'a str> {
    match separator {
        Some(s) => cell
            .split(s)
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect(),
        None => Some(cell.trim())
            .filter(|p| !p.is_empty())
            .into_iter()
            .collect(),
    }
}

/// The kind and weapon of a model cell.
fn weapon(
    cell: &str,
    separator: Option<&str>,
    models: &BTreeMap<String, Model>,
) -> Result<(String, Option<String>), String> {
    let names = parts(cell, separator);
    if names.is_empty() {
        return Err("the model cell is empty".to_string());
    }
    let mut found = Vec::new();
    // The whole cell first: a model's own name may contain the separator.
    match models.get(cell.trim()) {
        Some(m) => found.push(m),
        None => {
            for n in &names {
                found.push(models.get(*n).ok_or_else(|| {
                    format!("model `{n}` is not in the mapping's `weapon.models`")
                })?);
            }
        }
    }
    let first = found.first().copied().ok_or("no model")?;
    if let Some(other) = found.iter().find(|m| m.kind != first.kind) {
        return Err(format!(
            "`{}` bundles a `{}` with a `{}`: one count cannot be split between them",
            cell.trim(),
            first.kind,
            other.kind
        ));
    }
    if found.iter().all(|m| m.weapon == first.weapon) {
        return Ok((first.kind.clone(), first.weapon.clone()));
    }
    let covers = |m: &Model, group: &str| {
        m.weapon.as_deref() == Some(group) || m.within.iter().any(|w| w == group)
    };
    let group = first
        .weapon
        .iter()
        .chain(&first.within)
        .find(|g| found.iter().all(|m| covers(m, g)))
        .ok_or_else(|| {
            format!(
                "`{}` bundles models with no group in common (give them one in `within`)",
                cell.trim()
            )
        })?;
    Ok((first.kind.clone(), Some(group.clone())))
}

/// The zone of a place cell.
fn zone(cell: &str, p: &Places) -> Result<Option<String>, String> {
    if let Some(z) = p.zones.get(cell.trim()) {
        return Ok(Some(z.clone()));
    }
    let names = parts(cell, p.separator.as_deref());
    let mut zones: Vec<Option<&String>> = names.iter().map(|n| p.zones.get(*n)).collect();
    zones.dedup();
    match zones.as_slice() {
        [Some(z)] => Ok(Some((*z).clone())),
        [] | [None] => match &p.other {
            Some(z) => Ok(Some(z.clone())),
            None => Err(format!(
                "place `{}` is not in the mapping's `place.zones` (and it has no `other`)",
                cell.trim()
            )),
        },
        _ if zones.iter().all(Option::is_some) => match &p.several {
            Some(z) => Ok(Some(z.clone())),
            None => Err(format!(
                "place `{}` spans several zones and the mapping has no `several`",
                cell.trim()
            )),
        },
        _ => match p.other.as_ref().or(p.several.as_ref()) {
            Some(z) => Ok(Some(z.clone())),
            None => Err(format!(
                "place `{}` is partly not in the mapping's `place.zones`",
                cell.trim()
            )),
        },
    }
}

/// Every row of a table.
pub fn convert(bytes: &[u8], mapping: &Mapping, defaults: &Defaults) -> Outcome {
    let mut out = Outcome::default();
    let who = mapping.defaults(defaults);
    let (party, source): (Name, Name) = (who.party.as_str().into(), who.source.as_str().into());
    let note = |offset: u64, record: Option<String>, message: String| Note {
        at: Position {
            offset,
            line: 0,
            column: 0,
        },
        record,
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes);
    let header: Vec<String> = match reader.byte_headers() {
        Ok(h) => h
            .iter()
            .map(|c| String::from_utf8_lossy(c).trim().to_string())
            .collect(),
        Err(e) => {
            out.rejected
                .push(note(0, None, format!("the header row cannot be read: {e}")));
            out.locate(bytes);
            return out;
        }
    };
    let index: BTreeMap<&str, usize> = header
        .iter()
        .enumerate()
        .map(|(i, h)| (h.as_str(), i))
        .collect();
    let missing: Vec<&str> = mapping
        .columns()
        .into_iter()
        .filter(|c| !index.contains_key(c))
        .collect();
    if !missing.is_empty() {
        out.rejected.push(note(
            0,
            None,
            format!(
                "the mapping reads column{} {} which the header lacks; the header has: {}",
                if missing.len() == 1 { "" } else { "s" },
                missing
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                header.join(", ")
            ),
        ));
        out.locate(bytes);
        return out;
    }
    // message id → (offset, SHA-256 of the row's cells). Looked up only,
    // never iterated: its order reaches no output.
    let mut seen: HashMap<String, (u64, [u8; 32])> = HashMap::new();
    let mut record = csv::ByteRecord::new();
    loop {
        let offset = reader.position().byte();
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                out.read += 1;
                out.rejected
                    .push(note(offset, None, format!("not a CSV row: {e}")));
                // The reader cannot resynchronise inside a broken quote.
                break;
            }
        }
        let offset = record.position().map_or(offset, csv::Position::byte);
        out.read += 1;
        if out.read > ROWS_MAX {
            out.rejected.push(note(
                offset,
                None,
                format!("more than {ROWS_MAX} rows: the rest is not read"),
            ));
            break;
        }
        if record.len() != header.len() {
            out.rejected.push(note(
                offset,
                None,
                format!(
                    "{} cells where the header has {}",
                    record.len(),
                    header.len()
                ),
            ));
            continue;
        }
        let mut cells: Vec<&str> = Vec::with_capacity(record.len());
        let mut bad = None;
        for (i, c) in record.iter().enumerate() {
            match std::str::from_utf8(c) {
                Ok(s) => cells.push(s),
                Err(_) => {
                    bad = Some(i);
                    cells.push("");
                }
            }
        }
        if let Some(i) = bad {
            let name = header.get(i).map_or("?", String::as_str);
            out.rejected.push(note(
                offset,
                None,
                format!("cell `{name}` is not UTF-8 text"),
            ));
            continue;
        }
        let cell = |column: &str| -> &str {
            index
                .get(column)
                .and_then(|i| cells.get(*i))
                .copied()
                .unwrap_or("")
        };
        let message = mapping
            .message
            .iter()
            .map(|c| cell(c).trim())
            .collect::<Vec<_>>()
            .join("|");
        let digest = cells_digest(&record);
        if let Some((first, earlier)) = seen.get(&message) {
            let line_of = |o: u64| format!("the row at byte {o}");
            if *earlier == digest {
                out.skipped.push(note(
                    offset,
                    Some(message),
                    format!("repeats {} cell for cell", line_of(*first)),
                ));
            } else {
                out.rejected.push(note(
                    offset,
                    Some(message),
                    format!(
                        "has the same message id as {} but other cells: add a column that tells them apart to the mapping's `message`",
                        line_of(*first)
                    ),
                ));
            }
            continue;
        }
        seen.insert(message.clone(), (offset, digest));
        match row(mapping, &cell, &party, &source, &who.class, &message) {
            Ok(o) => match validated(o) {
                Ok(o) => out.observations.push(o),
                Err(e) => out.rejected.push(note(offset, Some(message), e)),
            },
            Err(e) => out.rejected.push(note(offset, Some(message), e)),
        }
    }
    out.locate(bytes);
    out
}

/// SHA-256 over the row's cells, each preceded by its length: equal
/// digests are equal cells.
fn cells_digest(record: &csv::ByteRecord) -> [u8; 32] {
    let mut h = Sha256::new();
    for c in record {
        h.update((c.len() as u64).to_be_bytes());
        h.update(c);
    }
    h.finalize().into()
}

fn row<'a>(
    m: &Mapping,
    cell: &dyn Fn(&str) -> &'a str,
    party: &Name,
    source: &Name,
    class: &str,
    message: &str,
) -> Result<Observation, String> {
    let from = time(m, cell(&m.from), End::Start).map_err(|e| format!("`{}`: {e}", m.from))?;
    let to = match &m.to {
        Some(c) if !cell(c).trim().is_empty() => {
            Some(time(m, cell(c), End::Finish).map_err(|e| format!("`{c}`: {e}"))?)
        }
        _ => None,
    };
    if let Some(to) = to
        && to < from
    {
        return Err(format!(
            "ends ({to}, `{}`) before it starts ({from}, `{}`)",
            m.to.as_deref().unwrap_or(""),
            m.from
        ));
    }
    let mut counts = Counts::default();
    for (field, column) in &m.counts {
        let v = count(cell(column)).map_err(|e| format!("`{column}`: {e}"))?;
        match *field {
            "launched" => counts.launched = v,
            "destroyed" => counts.destroyed = v,
            "hit" => counts.hit = v,
            "not_reached" => counts.not_reached = v,
            "crossings" => counts.crossings = v,
            _ => counts.casualties = v,
        }
    }
    let (kind, weapon) = match &m.weapon {
        Some((column, separator, models)) => weapon(cell(column), separator.as_deref(), models)
            .map_err(|e| format!("`{column}`: {e}"))?,
        None => (m.kind.clone().unwrap_or_default(), None),
    };
    let zone = match &m.place {
        Some(p) => zone(cell(&p.column), p).map_err(|e| format!("`{}`: {e}", p.column))?,
        None => None,
    };
    let attributes = m
        .attributes
        .iter()
        .filter(|(_, column)| !cell(column).trim().is_empty())
        .map(|(name, column)| (name.clone(), cell(column).trim().to_string()))
        .collect();
    Ok(Observation {
        id: InputId {
            party: party.clone(),
            source: source.clone(),
            message: message.into(),
        },
        class: class.to_string(),
        derived_from: Vec::new(),
        observed: Observed {
            from,
            to: to.filter(|t| *t != from),
        },
        place: Place {
            zone,
            ..Place::default()
        },
        kind,
        counts,
        weapon,
        target: m.target.clone(),
        attribution: None,
        confidence_bp: m.confidence_bp,
        releasability: model::Releasability::default(),
        attributes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAPPING: &str = r#"
party = "ukraine"
source = "air-force"
class = "general-staff"
confidence_bp = 8000
timezone = "Europe/Kyiv"
message = ["start", "model", "where"]
observed = { from = "start", to = "end", formats = ["%Y-%m-%d %H:%M", "%Y-%m-%d"] }
counts = { launched = "launched", destroyed = "destroyed" }
attributes = { post = "source" }

[weapon]
column = "model"
separator = " and "
[weapon.models]
"X-101/X-555" = { weapon = "kh-101", kind = "missile_launch", within = ["cruise-missile", "missile"] }
"Kalibr" = { weapon = "kalibr", kind = "missile_launch", within = ["cruise-missile", "missile"] }
"Iskander-M" = { weapon = "iskander-m", kind = "missile_launch", within = ["ballistic-missile", "missile"] }
"Shahed-136/131" = { weapon = "shahed-136", kind = "drone_launch", within = ["uav"] }

[place]
column = "where"
separator = " and "
zones = { "Ukraine" = "ukraine", "south" = "south", "Odesa oblast" = "south", "Mykolaiv oblast" = "south", "Kyiv oblast" = "north" }
several = "ukraine"
"#;

    fn run(table: &str) -> Outcome {
        let m = Mapping::parse(MAPPING).unwrap();
        let d = Defaults {
            party: "x".into(),
            source: "y".into(),
            class: "z".into(),
        };
        convert(table.as_bytes(), &m, &d)
    }

    const HEAD: &str = "start,end,model,where,launched,destroyed,source\n";

    #[test]
    fn kyiv_local_times_become_utc_summer_and_winter() {
        let out = run(&format!(
            "{HEAD}2022-10-10 06:00,2022-10-10 14:00,X-101/X-555 and Kalibr,Ukraine,84.0,43.0,gs/1\n\
             2023-01-14 06:00,2023-01-14 14:00,Kalibr,Ukraine,28,18,gs/2\n"
        ));
        assert!(out.rejected.is_empty(), "{:?}", out.rejected);
        let o = &out.observations[0];
        // EEST (UTC+3) in October, EET (UTC+2) in January.
        assert_eq!(o.observed.from.to_string(), "2022-10-10T03:00:00Z");
        assert_eq!(o.observed.end().to_string(), "2022-10-10T11:00:00Z");
        assert_eq!(
            out.observations[1].observed.from.to_string(),
            "2023-01-14T04:00:00Z"
        );
        assert_eq!(o.weapon.as_deref(), Some("cruise-missile"));
        assert_eq!(o.kind, "missile_launch");
        assert_eq!(
            (o.counts.launched, o.counts.destroyed),
            (Some(84), Some(43))
        );
        assert_eq!(o.place.zone.as_deref(), Some("ukraine"));
        assert_eq!(o.id.party.as_str(), "ukraine");
        assert_eq!(
            o.id.message.as_str(),
            "2022-10-10 06:00|X-101/X-555 and Kalibr|Ukraine"
        );
        assert_eq!(o.attributes.get("post").map(String::as_str), Some("gs/1"));
    }

    #[test]
    fn a_date_alone_is_the_whole_local_day() {
        let out = run(&format!(
            "{HEAD}2024-08-02,2024-08-02,Shahed-136/131,south,12,,x\n"
        ));
        let o = &out.observations[0];
        assert_eq!(o.observed.from.to_string(), "2024-08-01T21:00:00Z");
        assert_eq!(o.observed.end().to_string(), "2024-08-02T21:00:00Z");
        assert_eq!(
            o.counts.destroyed, None,
            "an empty cell is unknown, not zero"
        );
    }

    #[test]
    fn bad_rows_are_refused_with_a_reason_and_the_rest_kept() {
        let out = run(&format!(
            "{HEAD}2022-10-10 06:00,2022-10-10 14:00,Kalibr and Shahed-136/131,Ukraine,5,1,a\n\
             2022-10-10 06:00,2022-10-10 14:00,Zircon,Ukraine,5,1,b\n\
             10/10/2022,2022-10-10 14:00,Kalibr,Ukraine,5,1,c\n\
             2022-10-11 06:00,2022-10-11 14:00,Kalibr,Ukraine,5.5,1,d\n\
             2022-10-12 06:00,2022-10-11 14:00,Kalibr,Ukraine,5,1,e\n\
             2022-10-13 06:00,2022-10-13 14:00,Kalibr,Atlantis,5,1,f\n\
             2022-10-14 06:00,2022-10-14 14:00,Kalibr,Ukraine,5\n\
             2022-10-15 06:00,2022-10-15 14:00,Iskander-M and Kalibr,Odesa oblast and Kyiv oblast,2,1,g\n"
        ));
        let why: Vec<(u32, &str)> = out
            .rejected
            .iter()
            .map(|n| (n.at.line, n.message.as_str()))
            .collect();
        assert_eq!(why.len(), 7, "{why:#?}");
        assert!(
            why[0]
                .1
                .contains("bundles a `missile_launch` with a `drone_launch`")
        );
        assert!(why[1].1.contains("model `Zircon` is not in the mapping"));
        assert!(
            why[2]
                .1
                .contains("matches none of the mapping's time formats")
        );
        assert!(why[3].1.contains("not a whole number"));
        assert!(why[4].1.contains("before it starts"));
        assert!(why[5].1.contains("place `Atlantis`"));
        assert!(why[6].1.contains("5 cells where the header has 7"));
        assert_eq!(
            why.iter().map(|w| w.0).collect::<Vec<_>>(),
            [2, 3, 4, 5, 6, 7, 8]
        );
        // The good row: unlike missiles fall back to their common group;
        // places in two zones take `several`.
        assert_eq!(out.observations.len(), 1);
        let o = &out.observations[0];
        assert_eq!(o.weapon.as_deref(), Some("missile"));
        assert_eq!(o.place.zone.as_deref(), Some("ukraine"));
        assert_eq!(out.read, 8);
    }

    #[test]
    fn a_repeated_row_is_skipped_and_a_conflicting_one_refused() {
        let row = "2022-10-10 06:00,2022-10-10 14:00,Kalibr,Ukraine,5,1,a\n";
        let out = run(&format!(
            "{HEAD}{row}{row}2022-10-10 06:00,2022-10-10 14:00,Kalibr,Ukraine,6,1,a\n"
        ));
        assert_eq!(out.observations.len(), 1);
        assert_eq!(out.skipped.len(), 1);
        assert_eq!(out.skipped[0].at.line, 3);
        assert_eq!(out.rejected.len(), 1);
        assert!(out.rejected[0].message.contains("same message id"));
    }

    #[test]
    fn a_header_without_the_mapped_columns_refuses_the_file_at_once() {
        let out = run("start,end,model\n2022-10-10 06:00,,Kalibr\n");
        assert_eq!(out.observations.len(), 0);
        assert_eq!(out.rejected.len(), 1);
        let m = &out.rejected[0].message;
        assert!(m.contains("`launched`") && m.contains("`where`"), "{m}");
    }

    #[test]
    fn mapping_mistakes_are_all_reported() {
        let bad = MAPPING
            .replace("Europe/Kyiv", "Europe/Atlantis")
            .replace("launched = \"launched\"", "fired = \"launched\"");
        let problems = Mapping::parse(&bad).unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(problems[0].contains("Europe/Atlantis"));
        assert!(problems[1].contains("`counts.fired` is not a count"));
        let problems = Mapping::parse("confidence_bp = 1\nmesage = []").unwrap_err();
        assert!(
            problems[0].starts_with("line 2, column 1: "),
            "{problems:?}"
        );
    }
}
