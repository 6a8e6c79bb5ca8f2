//! Reading a framework: TOML text → typed sections, plus located diagnostics.
//!
//! Parsing never stops at the first problem. The document is first parsed
//! into a spanned tree (recovering from syntax errors), then every item of
//! every section is deserialized on its own, so one broken trigger neither
//! hides the problems of the others nor stops the checker from looking at
//! them. The tree is kept to locate later findings (`path:line:column`).
//!
//! Referenced files (GeoJSON zones, target lists) are read through the
//! [`Files`] trait: this crate does no I/O of its own.

use std::collections::BTreeMap;

use base::{Coordinate, Diagnostic, LineIndex, Location, Severity};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use crate::codes;
use crate::schema::*;

/// The largest framework file accepted, in bytes.
pub const FRAMEWORK_BYTES_MAX: usize = 64 * 1024 * 1024;
/// The largest referenced file accepted, in bytes.
pub const REFERENCED_FILE_BYTES_MAX: usize = 256 * 1024 * 1024;
/// How many broken fields of one item are set aside before the item is dropped.
pub const SALVAGE_ATTEMPTS_MAX: usize = 16;
/// The most items one section may hold.
pub const SECTION_ITEMS_MAX: usize = 1_000_000;

/// Access to the files a framework references, relative to the framework file.
pub trait Files {
    /// The bytes of `path`, or a short reason why they cannot be read.
    fn read(&self, path: &str) -> Result<Vec<u8>, String>;
}

/// No referenced files at all (every reference fails with a clear reason).
#[derive(Debug)]
pub struct NoFiles;

impl Files for NoFiles {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        Err(format!("`{path}` cannot be read here (no file access)"))
    }
}

/// A position in fixed point: (longitude, latitude).
pub type Point = (Coordinate, Coordinate);

/// A zone's geometry, in fixed-point coordinates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Geometry {
    /// One or more polygons, each a list of rings (outer first).
    Area(Vec<Vec<Vec<Point>>>),
    /// One or more line strings.
    Line(Vec<Vec<Point>>),
}

/// The sections of a framework file, in the order the reference lists them.
pub const SECTIONS: &[(&str, bool)] = &[
    // (name, is an array of tables)
    ("framework", false),
    ("party", true),
    ("instrument", true),
    ("menu", true),
    ("selection", true),
    ("posture", true),
    ("zone", true),
    ("source_class", true),
    ("weapon_model", true),
    ("standard", true),
    ("trigger", true),
    ("tier", true),
    ("sanctions", true),
    ("tranche", true),
    ("relief", false),
    ("commitment", true),
    ("stock", true),
    ("ad_site", true),
    ("ad_unit", true),
    ("hub", true),
    ("fusion", false),
];

/// A loaded framework: every item that parsed, and where each came from.
#[derive(Debug, Default)]
pub struct Framework {
    pub meta: Option<Meta>,
    pub parties: Vec<Party>,
    pub instruments: Vec<Instrument>,
    pub menu: Vec<MenuItem>,
    pub selections: Vec<Selection>,
    pub postures: Vec<PostureTarget>,
    pub zones: Vec<Zone>,
    pub source_classes: Vec<SourceClass>,
    pub weapon_models: Vec<WeaponModel>,
    pub standards: Vec<EvidenceStandard>,
    pub triggers: Vec<Trigger>,
    pub tiers: Vec<Tier>,
    pub sanctions: Vec<SanctionsPackage>,
    pub tranches: Vec<Tranche>,
    pub relief: Relief,
    pub commitments: Vec<Commitment>,
    pub stocks: Vec<Stock>,
    pub ad_sites: Vec<AdSite>,
    pub ad_units: Vec<AdUnit>,
    pub hubs: Vec<Hub>,
    pub fusion: Fusion,
    /// Zone id → geometry, for zones whose geometry could be read.
    pub geometry: BTreeMap<String, Geometry>,
    /// Ids of items that failed to parse, per section: references to them
    /// are not reported again as unknown.
    pub broken_ids: BTreeMap<&'static str, Vec<String>>,
    /// Sanctions package id → the targets read from its `targets_file`
    /// (FollowTheMoney entity lines or target lines), for every package
    /// whose file could be read.
    pub target_files: BTreeMap<String, ingest::ftm::Targets>,
    /// SHA-256 over the framework file and every file it references.
    pub hash: [u8; 32],
    source: SourceMap,
}

/// Locates findings in the framework file.
#[derive(Debug, Default)]
struct SourceMap {
    path: String,
    text: String,
    lines: Option<LineIndex>,
    tree: Option<SpanNode>,
    /// Section name → original index of each item kept in the typed vector.
    origin: BTreeMap<&'static str, Vec<usize>>,
    /// (section, original item index, array key) → original index of each
    /// element kept, for items whose nested elements were set aside.
    nested_origin: BTreeMap<(&'static str, usize, String), Vec<usize>>,
}

/// One step of a path into the document: a key or an array index.
#[derive(Clone, Copy, Debug)]
pub enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

impl Framework {
    /// A framework with nothing in it, for a file that could not be parsed at all.
    pub fn empty(path: &str, bytes: &[u8]) -> Framework {
        let mut fw = Framework::default();
        fw.source.path = path.to_string();
        fw.hash = identity_hash(bytes, &BTreeMap::new());
        fw
    }

    /// The framework file's path as given.
    pub fn path(&self) -> &str {
        &self.source.path
    }

    /// A referenced file's path as shown in findings: relative to the
    /// framework file's directory, as the file names it.
    pub fn referenced_path(&self, file: &str) -> String {
        if file.starts_with('/') {
            return file.to_string();
        }
        match self.source.path.rfind(['/', '\\']) {
            Some(i) => format!("{}/{file}", self.source.path.get(..i).unwrap_or_default()),
            None => file.to_string(),
        }
    }

    /// Every target of a sanctions package: those written in the framework
    /// and those of its `targets_file`.
    pub fn target_count(&self, package: &SanctionsPackage) -> usize {
        package.targets.len()
            + self
                .target_files
                .get(&package.id)
                .map_or(0, |t| t.targets.len())
    }

    /// The framework's identity as lowercase hex.
    pub fn hash_hex(&self) -> String {
        self.hash.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Location of the start of the file.
    pub fn file_start(&self) -> Location {
        Location {
            path: self.source.path.clone(),
            line: 1,
            column: 1,
        }
    }

    /// Location of `rest` inside item `k` (typed-vector position) of `section`,
    /// falling back to the nearest enclosing value that exists.
    pub fn locate(&self, section: &str, k: usize, rest: &[Seg<'_>]) -> Location {
        let mut path = vec![Seg::Key(section)];
        if SECTIONS
            .iter()
            .any(|(name, array)| *name == section && *array)
        {
            let original = self
                .source
                .origin
                .get(section)
                .and_then(|v| v.get(k).copied())
                .unwrap_or(k);
            path.push(Seg::Index(original));
        }
        let item = match path.last() {
            Some(Seg::Index(i)) => *i,
            _ => 0,
        };
        let mut rest = rest.to_vec();
        if let [Seg::Key(key), Seg::Index(i), ..] = rest.as_mut_slice() {
            let kept = self
                .source
                .nested_origin
                .iter()
                .find(|((s, k, a), _)| *s == section && *k == item && a == key)
                .and_then(|(_, kept)| kept.get(*i).copied());
            if let Some(original) = kept {
                *i = original;
            }
        }
        path.extend_from_slice(&rest);
        self.locate_path(&path)
    }

    /// Location of a section, or of the file start when the section is absent.
    pub fn locate_section(&self, section: &str) -> Location {
        self.locate_path(&[Seg::Key(section)])
    }

    /// Location of a path from the document root (nearest existing ancestor).
    pub fn locate_path(&self, path: &[Seg<'_>]) -> Location {
        let Some(tree) = &self.source.tree else {
            return self.file_start();
        };
        let mut node = tree;
        let mut offset = None;
        for seg in path {
            let next = match (seg, &node.children) {
                (Seg::Key(key), Children::Keyed(entries)) => entries
                    .iter()
                    .find(|(k, _, _)| k == key)
                    .map(|(_, key_start, child)| (*key_start, child)),
                (Seg::Index(i), Children::Indexed(items)) => items.get(*i).map(|c| (c.start, c)),
                _ => None,
            };
            let Some((start, child)) = next else { break };
            offset = Some(start);
            node = child;
        }
        match offset {
            Some(offset) => self.offset_location(offset),
            None => self.file_start(),
        }
    }

    fn offset_location(&self, offset: usize) -> Location {
        let (line, column) = match &self.source.lines {
            Some(lines) => lines.line_column(&self.source.text, offset),
            None => (1, 1),
        };
        Location {
            path: self.source.path.clone(),
            line,
            column,
        }
    }
}

/// The shape of the document with the byte offset of every key and value,
/// kept after parsing to locate findings.
#[derive(Debug)]
struct SpanNode {
    start: usize,
    children: Children,
}

#[derive(Debug)]
enum Children {
    Leaf,
    /// (key, offset of the key, value): a finding about a key points at the key.
    Keyed(Vec<(String, usize, SpanNode)>),
    Indexed(Vec<SpanNode>),
}

impl SpanNode {
    fn table(span: std::ops::Range<usize>, table: &DeTable<'_>) -> SpanNode {
        let entries = table
            .iter()
            .map(|(k, v)| (k.get_ref().to_string(), k.span().start, SpanNode::value(v)))
            .collect();
        SpanNode {
            start: span.start,
            children: Children::Keyed(entries),
        }
    }

    fn value(value: &Spanned<DeValue<'_>>) -> SpanNode {
        match value.get_ref() {
            DeValue::Table(t) => SpanNode::table(value.span(), t),
            DeValue::Array(items) => SpanNode {
                start: value.span().start,
                children: Children::Indexed(items.iter().map(SpanNode::value).collect()),
            },
            _ => SpanNode {
                start: value.span().start,
                children: Children::Leaf,
            },
        }
    }
}

/// Loads a framework from the text of its main file. Never panics on input;
/// every problem becomes a diagnostic.
pub fn load(path: &str, text: &str, files: &dyn Files) -> (Framework, Vec<Diagnostic>) {
    let mut fw = Framework::default();
    let mut diags = Vec::new();
    fw.source.path = path.to_string();
    if text.len() > FRAMEWORK_BYTES_MAX {
        diags.push(Diagnostic {
            location: fw.file_start(),
            code: codes::SYNTAX,
            severity: Severity::Error,
            message: format!(
                "the file is {} bytes, more than the limit of {FRAMEWORK_BYTES_MAX}",
                text.len()
            ),
        });
        return (fw, diags);
    }
    fw.source.text = text.to_string();
    fw.source.lines = Some(LineIndex::new(text));
    let mut hashed: BTreeMap<String, Vec<u8>> = BTreeMap::new();

    let (tree, errors) = DeTable::parse_recoverable(text);
    for error in &errors {
        let location = match error.span() {
            Some(span) => fw.offset_location(span.start),
            None => fw.file_start(),
        };
        diags.push(Diagnostic {
            location,
            code: codes::SYNTAX,
            severity: Severity::Error,
            message: format!("invalid TOML: {}", error.message().trim_end()),
        });
    }

    let mut loader = Loader {
        fw: &mut fw,
        diags: &mut diags,
    };
    for (key, value) in tree.get_ref().iter() {
        let name = key.get_ref().as_ref();
        let Some((section, is_array)) = SECTIONS.iter().find(|(s, _)| *s == name).copied() else {
            let known: Vec<&str> = SECTIONS.iter().map(|(s, _)| *s).collect();
            let location = loader.fw.offset_location(key.span().start);
            loader.diags.push(Diagnostic {
                location,
                code: codes::SCHEMA,
                severity: Severity::Error,
                message: format!(
                    "unknown section `{name}`; the sections are: {}",
                    known.join(", ")
                ),
            });
            continue;
        };
        loader.section(section, is_array, key, value);
    }
    fw.source.tree = Some(SpanNode::table(tree.span(), tree.get_ref()));
    if fw.meta.is_none() && errors.is_empty() {
        diags.push(Diagnostic {
            location: fw.file_start(),
            code: codes::SCHEMA,
            severity: Severity::Error,
            message: "no `[framework]` table: add one with at least `id` and `version`".into(),
        });
    }
    load_zones(&mut fw, files, &mut hashed, &mut diags);
    load_target_files(&mut fw, files, &mut hashed, &mut diags);
    fw.hash = identity_hash(text.as_bytes(), &hashed);
    (fw, diags)
}

struct Loader<'a> {
    fw: &'a mut Framework,
    diags: &'a mut Vec<Diagnostic>,
}

impl Loader<'_> {
    fn section(
        &mut self,
        section: &'static str,
        is_array: bool,
        key: &Spanned<std::borrow::Cow<'_, str>>,
        value: &Spanned<DeValue<'_>>,
    ) {
        match (is_array, value.get_ref()) {
            (true, DeValue::Array(items)) => {
                if items.len() > SECTION_ITEMS_MAX {
                    self.error(
                        key.span().start,
                        codes::SCHEMA,
                        format!(
                            "`{section}` has {} items, more than the limit of {SECTION_ITEMS_MAX}",
                            items.len()
                        ),
                    );
                    return;
                }
                for (index, item) in items.iter().enumerate() {
                    self.item(section, index, item);
                }
            }
            (false, DeValue::Table(_)) => self.item(section, 0, value),
            (true, _) => self.error(
                key.span().start,
                codes::SCHEMA,
                format!(
                    "`{section}` must be an array of tables: write `[[{section}]]` before each item"
                ),
            ),
            (false, _) => self.error(
                key.span().start,
                codes::SCHEMA,
                format!("`{section}` must be a table: write `[{section}]`"),
            ),
        }
    }

    fn item(&mut self, section: &'static str, index: usize, value: &Spanned<DeValue<'_>>) {
        macro_rules! push {
            ($field:ident, $ty:ty) => {{
                if let Some(item) = self.parse::<$ty>(section, index, value) {
                    self.fw.$field.push(item);
                    self.fw
                        .source
                        .origin
                        .entry(section)
                        .or_default()
                        .push(index);
                }
            }};
        }
        match section {
            "framework" => {
                if let Some(meta) = self.parse::<Meta>(section, index, value) {
                    self.fw.meta = Some(meta);
                }
            }
            "relief" => {
                if let Some(relief) = self.parse::<Relief>(section, index, value) {
                    self.fw.relief = relief;
                }
            }
            "fusion" => {
                if let Some(fusion) = self.parse::<Fusion>(section, index, value) {
                    self.fw.fusion = fusion;
                }
            }
            "party" => push!(parties, Party),
            "instrument" => push!(instruments, Instrument),
            "menu" => push!(menu, MenuItem),
            "selection" => push!(selections, Selection),
            "posture" => push!(postures, PostureTarget),
            "zone" => push!(zones, Zone),
            "source_class" => push!(source_classes, SourceClass),
            "weapon_model" => push!(weapon_models, WeaponModel),
            "standard" => push!(standards, EvidenceStandard),
            "trigger" => push!(triggers, Trigger),
            "tier" => push!(tiers, Tier),
            "sanctions" => push!(sanctions, SanctionsPackage),
            "tranche" => push!(tranches, Tranche),
            "commitment" => push!(commitments, Commitment),
            "stock" => push!(stocks, Stock),
            "ad_site" => push!(ad_sites, AdSite),
            "ad_unit" => push!(ad_units, AdUnit),
            "hub" => push!(hubs, Hub),
            _ => {}
        }
    }

    /// Deserializes one item. On an error in one field, reports it and tries
    /// again without that field, so that the rest of the item is still checked
    /// (a missing required field, or an error in `id`, drops the item).
    fn parse<T: DeserializeOwned>(
        &mut self,
        section: &'static str,
        index: usize,
        value: &Spanned<DeValue<'_>>,
    ) -> Option<T> {
        let id = value
            .get_ref()
            .get("id")
            .and_then(|v| v.get_ref().as_str())
            .map(str::to_string);
        let what = match &id {
            Some(id) => format!("`{section}` item `{id}`"),
            None => format!("`{section}`"),
        };
        let mut current = value.clone();
        let mut shifted: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for _ in 0..SALVAGE_ATTEMPTS_MAX {
            let error = match T::deserialize(ValueDeserializer::from(current.clone())) {
                Ok(item) => {
                    for (key, kept) in shifted {
                        self.fw
                            .source
                            .nested_origin
                            .insert((section, index, key), kept);
                    }
                    return Some(item);
                }
                Err(error) => error,
            };
            let offset = error.span().map_or(current.span().start, |s| s.start);
            let code = if error.message().contains("duration") {
                codes::DURATION
            } else {
                codes::SCHEMA
            };
            self.error(
                offset,
                code,
                format!("{what}: {}", describe_serde_error(error.message())),
            );
            // Set aside the innermost field (or nested item) that holds the
            // error; a missing required field sets aside the table lacking it.
            let missing = error.message().starts_with("missing field");
            match set_aside(current.get_mut(), offset, missing) {
                None => break,
                // An element of an array of the item went: later elements
                // shift down, so remember which original index each keeps.
                Some(path) => {
                    if let [Step::Key(key), Step::Index(removed)] = path.as_slice() {
                        let length = current
                            .get_ref()
                            .get(key.as_str())
                            .and_then(|v| v.get_ref().as_array())
                            .map_or(0, |a| a.len() + 1);
                        let kept = shifted
                            .entry(key.clone())
                            .or_insert_with(|| (0..length).collect());
                        if *removed < kept.len() {
                            kept.remove(*removed);
                        }
                    }
                }
            }
        }
        if let Some(id) = id {
            self.fw.broken_ids.entry(section).or_default().push(id);
        }
        None
    }

    fn error(&mut self, offset: usize, code: &'static str, message: String) {
        let location = self.fw.offset_location(offset);
        self.diags.push(Diagnostic {
            location,
            code,
            severity: Severity::Error,
            message,
        });
    }
}

/// One step of the path to what [`set_aside`] removed.
#[derive(Debug)]
enum Step {
    Key(String),
    Index(usize),
}

/// Removes the innermost part of `value` holding byte `offset`: a key of a
/// table (never `id`), or an element of an array. With `missing`, the error
/// is a table lacking a required field, so only a whole nested table goes.
/// Returns the path to what was removed, or `None` when nothing below
/// `value` itself can be removed.
fn set_aside(value: &mut DeValue<'_>, offset: usize, missing: bool) -> Option<Vec<Step>> {
    let nested = |v: &DeValue<'_>| matches!(v, DeValue::Table(_) | DeValue::Array(_));
    match value {
        DeValue::Table(table) => {
            let key = table
                .iter()
                .find(|(k, v)| span_holds(k.span(), offset) || holds(v, offset))
                .map(|(k, _)| k.get_ref().to_string())?;
            if let Some(child) = table.get_mut(key.as_str()) {
                let is_nested = nested(child.get_ref());
                if is_nested && let Some(mut path) = set_aside(child.get_mut(), offset, missing) {
                    path.insert(0, Step::Key(key));
                    return Some(path);
                }
                if missing && !is_nested {
                    return None;
                }
            }
            (key != "id" && table.remove(key.as_str()).is_some()).then(|| vec![Step::Key(key)])
        }
        DeValue::Array(items) => {
            let index = items.iter().position(|item| holds(item, offset))?;
            if let Some(item) = items.get_mut(index)
                && nested(item.get_ref())
                && let Some(mut path) = set_aside(item.get_mut(), offset, missing)
            {
                path.insert(0, Step::Index(index));
                return Some(path);
            }
            let mut kept = toml::de::DeArray::new();
            for (i, item) in items.iter().enumerate() {
                if i != index {
                    kept.push(item.clone());
                }
            }
            *items = kept;
            Some(vec![Step::Index(index)])
        }
        _ => None,
    }
}

fn span_holds(span: std::ops::Range<usize>, offset: usize) -> bool {
    span.start <= offset && offset < span.end.max(span.start + 1)
}

/// Whether `offset` falls in `value` or anywhere inside it. (The span of an
/// array of tables does not cover all its elements, so children are searched.)
fn holds(value: &Spanned<DeValue<'_>>, offset: usize) -> bool {
    span_holds(value.span(), offset)
        || match value.get_ref() {
            DeValue::Table(table) => table
                .iter()
                .any(|(k, v)| span_holds(k.span(), offset) || holds(v, offset)),
            DeValue::Array(items) => items.iter().any(|item| holds(item, offset)),
            _ => false,
        }
}

/// Rewrites serde's wording for people who do not read Rust.
fn describe_serde_error(message: &str) -> String {
    let message = message.trim_end();
    if let Some(rest) = message.strip_prefix("unknown field ") {
        return format!("unknown field {rest}");
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        return format!("required field {rest} is missing");
    }
    message.replace("invalid type: ", "wrong type: ")
}

fn load_zones(
    fw: &mut Framework,
    files: &dyn Files,
    hashed: &mut BTreeMap<String, Vec<u8>>,
    diags: &mut Vec<Diagnostic>,
) {
    for k in 0..fw.zones.len() {
        let Some(zone) = fw.zones.get(k).cloned() else {
            continue;
        };
        let result = match (&zone.points, &zone.file) {
            (Some(points), None) => {
                inline_geometry(zone.kind, points).map_err(|m| (vec![Seg::Key("points")], m))
            }
            (None, Some(file)) => read_file(files, file, hashed)
                .and_then(|bytes| geojson_geometry(&bytes, zone.kind, zone.feature.as_deref()))
                .map_err(|m| (vec![Seg::Key("file")], format!("`{file}`: {m}"))),
            (Some(_), Some(_)) => Err((
                vec![Seg::Key("file")],
                "give either `points` or `file`, not both".to_string(),
            )),
            (None, None) => Err((
                vec![],
                "no geometry: give `points` (inline coordinates) or `file` (a GeoJSON file)"
                    .to_string(),
            )),
        };
        match result {
            Ok(geometry) => {
                fw.geometry.insert(zone.id.clone(), geometry);
            }
            Err((rest, message)) => diags.push(Diagnostic {
                location: fw.locate("zone", k, &rest),
                code: codes::GEOMETRY,
                severity: Severity::Error,
                message: format!("zone `{}`: {message}", zone.id),
            }),
        }
    }
}

/// Reads each sanctions package's `targets_file`: FollowTheMoney entity
/// lines or target lines (`bulwark ingest --from ftm`), through the same
/// reader as `bulwark ingest`. A malformed line is an error located in the
/// targets file; references to entities absent from the file are tolerated
/// (counted in [`Framework::target_files`], not reported). The file's bytes
/// enter the identity hash as they are, whatever they parse to.
fn load_target_files(
    fw: &mut Framework,
    files: &dyn Files,
    hashed: &mut BTreeMap<String, Vec<u8>>,
    diags: &mut Vec<Diagnostic>,
) {
    for k in 0..fw.sanctions.len() {
        let Some(package) = fw.sanctions.get(k) else {
            continue;
        };
        let Some(file) = &package.targets_file else {
            continue;
        };
        let id = package.id.clone();
        match read_file(files, file, hashed) {
            Err(message) => diags.push(Diagnostic {
                location: fw.locate("sanctions", k, &[Seg::Key("targets_file")]),
                code: codes::GEOMETRY,
                severity: Severity::Error,
                message: format!("sanctions package `{id}`: `{file}`: {message}"),
            }),
            Ok(bytes) => {
                let read = ingest::ftm::read(&bytes);
                let shown = fw.referenced_path(file);
                for note in &read.outcome.rejected {
                    let record = note
                        .record
                        .as_ref()
                        .map(|r| format!("`{r}`: "))
                        .unwrap_or_default();
                    diags.push(Diagnostic {
                        location: Location {
                            path: shown.clone(),
                            line: note.at.line,
                            column: note.at.column,
                        },
                        code: codes::GEOMETRY,
                        severity: Severity::Error,
                        message: format!(
                            "sanctions package `{id}`: targets file `{file}`: {record}{}",
                            note.message
                        ),
                    });
                }
                fw.target_files.insert(id, read);
            }
        }
    }
}

fn read_file(
    files: &dyn Files,
    path: &str,
    hashed: &mut BTreeMap<String, Vec<u8>>,
) -> Result<Vec<u8>, String> {
    if let Some(bytes) = hashed.get(path) {
        return Ok(bytes.clone());
    }
    let bytes = files.read(path)?;
    if bytes.len() > REFERENCED_FILE_BYTES_MAX {
        return Err(format!(
            "{} bytes, more than the limit of {REFERENCED_FILE_BYTES_MAX}",
            bytes.len()
        ));
    }
    hashed.insert(path.to_string(), bytes.clone());
    Ok(bytes)
}

/// The framework's identity: SHA-256 over, for the framework file and then
/// every referenced file in byte order of their paths, the path's length (8
/// bytes, big-endian), the path, the content's length (8 bytes, big-endian)
/// and the content. The framework file enters under the path `""`, so that
/// moving the directory does not change the identity.
pub fn identity_hash(main: &[u8], referenced: &BTreeMap<String, Vec<u8>>) -> [u8; 32] {
    let mut hasher = Sha256::new();
    let mut entry = |path: &str, bytes: &[u8]| {
        hasher.update((path.len() as u64).to_be_bytes());
        hasher.update(path.as_bytes());
        hasher.update((bytes.len() as u64).to_be_bytes());
        hasher.update(bytes);
    };
    entry("", main);
    for (path, bytes) in referenced {
        entry(path, bytes);
    }
    hasher.finalize().into()
}

fn to_point(pair: &[f64]) -> Result<Point, String> {
    match pair {
        [lon, lat, ..] => match (
            Coordinate::from_degrees(*lon),
            Coordinate::from_degrees(*lat),
        ) {
            (Some(x), Some(y)) if lat.abs() <= 90.0 => Ok((x, y)),
            _ => Err(format!(
                "position [{lon}, {lat}] is not a valid longitude, latitude"
            )),
        },
        _ => Err("a position needs a longitude and a latitude".to_string()),
    }
}

fn inline_geometry(kind: ZoneKind, points: &[[f64; 2]]) -> Result<Geometry, String> {
    let points: Vec<Point> = points
        .iter()
        .map(|p| to_point(p))
        .collect::<Result<_, _>>()?;
    match kind {
        ZoneKind::Area if points.len() >= 3 => Ok(Geometry::Area(vec![vec![points]])),
        ZoneKind::Line if points.len() >= 2 => Ok(Geometry::Line(vec![points])),
        ZoneKind::Area => Err(format!(
            "an area needs at least 3 points, found {}",
            points.len()
        )),
        ZoneKind::Line => Err(format!(
            "a line needs at least 2 points, found {}",
            points.len()
        )),
    }
}

fn geojson_geometry(
    bytes: &[u8],
    kind: ZoneKind,
    feature: Option<&str>,
) -> Result<Geometry, String> {
    use geojson::{GeoJson, GeometryValue as Value, Position};
    let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8 text ({e})"))?;
    let parsed: GeoJson = text
        .parse()
        .map_err(|e: geojson::Error| format!("not valid GeoJSON: {e}"))?;
    let geometry = match parsed {
        GeoJson::Geometry(g) => g,
        GeoJson::Feature(f) => f.geometry.ok_or("the feature has no geometry")?,
        GeoJson::FeatureCollection(fc) => {
            let chosen = match feature {
                None => fc.features.into_iter().next(),
                Some(wanted) => fc.features.into_iter().find(|f| feature_matches(f, wanted)),
            };
            let chosen = chosen.ok_or_else(|| match feature {
                Some(w) => {
                    format!("no feature named `{w}` (matched against `id`, `name` and `shapeName`)")
                }
                None => "the collection has no features".to_string(),
            })?;
            chosen
                .geometry
                .ok_or("the chosen feature has no geometry")?
        }
    };
    let ring = |r: &Vec<Position>| -> Result<Vec<Point>, String> {
        r.iter().map(|p| to_point(p.as_slice())).collect()
    };
    let polygon = |p: &Vec<Vec<Position>>| -> Result<Vec<Vec<Point>>, String> {
        p.iter().map(ring).collect()
    };
    match (kind, &geometry.value) {
        (ZoneKind::Area, Value::Polygon { coordinates: p }) => {
            Ok(Geometry::Area(vec![polygon(p)?]))
        }
        (ZoneKind::Area, Value::MultiPolygon { coordinates: ps }) => Ok(Geometry::Area(
            ps.iter().map(polygon).collect::<Result<_, _>>()?,
        )),
        (ZoneKind::Line, Value::LineString { coordinates: l }) => {
            Ok(Geometry::Line(vec![ring(l)?]))
        }
        (ZoneKind::Line, Value::MultiLineString { coordinates: ls }) => Ok(Geometry::Line(
            ls.iter().map(ring).collect::<Result<_, _>>()?,
        )),
        (ZoneKind::Area, other) => Err(format!(
            "an area zone needs a Polygon or MultiPolygon, found {}",
            other.type_name()
        )),
        (ZoneKind::Line, other) => Err(format!(
            "a line zone needs a LineString or MultiLineString, found {}",
            other.type_name()
        )),
    }
}

fn feature_matches(feature: &geojson::Feature, wanted: &str) -> bool {
    let id_matches = match &feature.id {
        Some(geojson::feature::Id::String(s)) => s == wanted,
        Some(geojson::feature::Id::Number(n)) => n.to_string() == wanted,
        None => false,
    };
    id_matches
        || ["name", "shapeName", "shapeISO"].iter().any(|key| {
            feature
                .property(key)
                .and_then(|v| v.as_str())
                .is_some_and(|v| v == wanted)
        })
}
