//! Reading a scenario: TOML text (and the JSON-lines files it references)
//! → a [`Scenario`] with every time resolved and every input decoded, or
//! every problem found, each located at `path:line:column`.
//!
//! The document is parsed into toml's spanned tree (recovering from syntax
//! errors), then `[scenario]`, each `[[inject]]` and each `[[expect]]` is
//! read on its own, so one broken inject neither hides the problems of the
//! others nor loses its location. A scenario with any error is not run.
//! Referenced files arrive through [`framework::Files`]: no I/O here.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

use base::{LineIndex, Location, Timestamp};
use framework::{Files, Framework};
use model::{Input, InputId};
use serde_json::Value;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use crate::schema::{self, Expect, Status};
use crate::time;

/// The largest scenario file accepted, in bytes.
pub const SCENARIO_BYTES_MAX: usize = 16 * 1024 * 1024;
/// The largest JSON-lines file an inject may reference, in bytes.
pub const INPUT_FILE_BYTES_MAX: usize = 256 * 1024 * 1024;
/// The most injects one scenario may hold.
pub const INJECTS_MAX: usize = 100_000;
/// The most inputs one scenario may submit, inline and from files together.
pub const INPUTS_MAX: usize = 1_000_000;
/// The most expectations one scenario may hold.
pub const EXPECTATIONS_MAX: usize = 10_000;
/// How long the run goes on after the last inject when `end` is not given.
pub const DEFAULT_END_AFTER_LAST: base::Duration = base::Duration::from_days(7);

/// A problem with a scenario, where it is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ScenarioError {
    pub location: Location,
    pub message: String,
}

impl fmt::Display for ScenarioError {
    /// `path:line:col: error: message`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: error: {}", self.location, self.message)
    }
}

impl std::error::Error for ScenarioError {}

/// A scenario, ready to run.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// The scenario file's path as given.
    pub path: String,
    pub id: String,
    pub title: String,
    pub description: String,
    pub start: Timestamp,
    pub end: Timestamp,
    /// The framework versions the scenario may amend to
    /// (`[scenario] amendments`), in the order given.
    pub amendments: Vec<AmendedVersion>,
    /// In recorded order.
    pub injects: Vec<Inject>,
    pub expectations: Vec<Expectation>,
}

/// A framework version a scenario may amend to.
#[derive(Clone, Debug)]
pub struct AmendedVersion {
    /// The file, as the scenario names it.
    pub file: String,
    pub framework: Arc<Framework>,
}

impl AmendedVersion {
    /// `[framework] version`.
    pub fn version(&self) -> String {
        self.framework
            .meta
            .as_ref()
            .map(|m| m.version.clone())
            .unwrap_or_default()
    }
}

/// Reads a framework's referenced files relative to the directory of the
/// framework file (which is relative to the scenario file).
struct Beside<'a> {
    files: &'a dyn Files,
    dir: String,
}

impl Files for Beside<'_> {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        self.files.read(&format!("{}{path}", self.dir))
    }
}

/// Inputs recorded at one time.
#[derive(Clone, Debug)]
pub struct Inject {
    /// The recorded time.
    pub at: Timestamp,
    pub note: Option<String>,
    /// The file the inputs came from, when not inline.
    pub file: Option<String>,
    pub inputs: Vec<Input>,
}

/// One expectation, validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expectation {
    pub id: String,
    pub note: String,
    pub check: Check,
}

/// What an expectation checks (see `docs/scenario-format.md`, "Expectations").
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Check {
    /// About the breaches of one trigger.
    Breach {
        trigger: String,
        opened: Option<bool>,
        opened_by: Option<Timestamp>,
        certified: Option<bool>,
        certified_by: Option<Timestamp>,
        status: Option<Status>,
        accumulated: Option<bool>,
        /// The framework version the breach binds to.
        version: Option<String>,
        as_of: Option<Timestamp>,
    },
    /// The number of breaches (of one trigger).
    Breaches {
        trigger: Option<String>,
        count: u32,
    },
    /// The number of incidents (of one kind).
    Incidents {
        kind: Option<String>,
        count: u32,
    },
    /// One incident's count range and contested flag.
    Incident {
        which: IncidentRef,
        count_low: Option<u64>,
        count_high: Option<u64>,
        contested: Option<bool>,
    },
    Rejected {
        input: InputId,
        reason_contains: Option<String>,
    },
    Duplicate {
        input: InputId,
    },
    Accepted {
        input: InputId,
    },
    /// About the activations of one tier.
    Tier {
        tier: String,
        breach: Option<String>,
        trigger: Option<String>,
        entered: Option<bool>,
        fired: Option<bool>,
        fired_by: Option<Timestamp>,
        status: Option<Status>,
        as_of: Option<Timestamp>,
    },
    /// One vote as the ladder recorded it.
    Vote {
        input: InputId,
        counted: Option<bool>,
        reason_contains: Option<String>,
    },
    /// One order of a fired tier.
    Order {
        order: String,
        completed: Option<bool>,
        completed_by: Option<Timestamp>,
        missed: Option<bool>,
    },
    /// The number of missed deadlines (of one breach).
    DeadlinesMissed {
        breach: Option<String>,
        count: u32,
    },
    /// One relief checklist item.
    Relief {
        item: String,
        status: Option<Status>,
        relieved_by: Option<Timestamp>,
        reimposed_by: Option<Timestamp>,
        as_of: Option<Timestamp>,
    },
}

/// How an expectation names an incident.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IncidentRef {
    /// By engine id (`I1`).
    Id(String),
    /// The incident an input joined.
    Of(InputId),
}

/// Reads a scenario. `path` is shown in errors and used to name referenced
/// files (`dir/of/path/` + `file`); `files` reads them relative to the
/// scenario file; `fw` is the framework the scenario runs against (trigger
/// ids in expectations are checked against it).
pub fn load(
    path: &str,
    bytes: &[u8],
    files: &dyn Files,
    fw: &Framework,
) -> Result<Scenario, Vec<ScenarioError>> {
    let start_of_file = Location {
        path: path.to_string(),
        line: 1,
        column: 1,
    };
    if bytes.len() > SCENARIO_BYTES_MAX {
        return Err(vec![ScenarioError {
            location: start_of_file,
            message: format!(
                "the file is {} bytes, more than the limit of {SCENARIO_BYTES_MAX}",
                bytes.len()
            ),
        }]);
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let prefix = String::from_utf8_lossy(bytes.get(..e.valid_up_to()).unwrap_or_default());
            let (line, column) = LineIndex::new(&prefix).line_column(&prefix, prefix.len());
            return Err(vec![ScenarioError {
                location: Location {
                    path: path.to_string(),
                    line,
                    column,
                },
                message: "the file is not UTF-8 text: save it as UTF-8".into(),
            }]);
        }
    };
    let mut loader = Loader {
        path,
        text,
        lines: LineIndex::new(text),
        files,
        fw,
        errors: Vec::new(),
        inputs: 0,
        amendments: Vec::new(),
    };
    let scenario = loader.scenario();
    let mut errors = loader.errors;
    if errors.is_empty() {
        if let Some(scenario) = scenario {
            return Ok(scenario);
        }
        errors.push(ScenarioError {
            location: start_of_file,
            message: "the scenario could not be read".into(),
        });
    }
    errors.sort();
    errors.dedup();
    Err(errors)
}

struct Loader<'a> {
    path: &'a str,
    text: &'a str,
    lines: LineIndex,
    files: &'a dyn Files,
    fw: &'a Framework,
    errors: Vec<ScenarioError>,
    inputs: usize,
    amendments: Vec<AmendedVersion>,
}

type Node<'i> = Spanned<DeValue<'i>>;

impl<'a> Loader<'a> {
    fn location(&self, offset: usize) -> Location {
        let (line, column) = self.lines.line_column(self.text, offset);
        Location {
            path: self.path.to_string(),
            line,
            column,
        }
    }

    fn error(&mut self, offset: usize, message: impl Into<String>) {
        let location = self.location(offset);
        self.errors.push(ScenarioError {
            location,
            message: message.into(),
        });
    }

    fn scenario(&mut self) -> Option<Scenario> {
        let (tree, syntax) = DeTable::parse_recoverable(self.text);
        for e in &syntax {
            let offset = e.span().map_or(0, |s| s.start);
            self.error(offset, format!("invalid TOML: {}", e.message().trim_end()));
        }
        let mut meta_node = None;
        let mut inject_nodes: &[Node<'_>] = &[];
        let mut expect_nodes: &[Node<'_>] = &[];
        let mut expect_key = 0;
        for (key, value) in tree.get_ref().iter() {
            let offset = key.span().start;
            match (key.get_ref().as_ref(), value.get_ref()) {
                ("scenario", DeValue::Table(_)) => meta_node = Some(value),
                ("scenario", _) => self.error(offset, "`scenario` must be a table: write `[scenario]`"),
                ("inject", DeValue::Array(items)) => inject_nodes = &items[..],
                ("inject", _) => self.error(
                    offset,
                    "`inject` must be an array of tables: write `[[inject]]` before each inject",
                ),
                ("expect", DeValue::Array(items)) => {
                    expect_nodes = &items[..];
                    expect_key = offset;
                }
                ("expect", _) => self.error(
                    offset,
                    "`expect` must be an array of tables: write `[[expect]]` before each expectation",
                ),
                (other, _) => self.error(
                    offset,
                    format!(
                        "unknown table `{other}`; a scenario has `[scenario]`, `[[inject]]` and `[[expect]]`"
                    ),
                ),
            }
        }

        let meta = match meta_node {
            Some(node) => self.meta(node),
            None => {
                if syntax.is_empty() {
                    self.error(
                        0,
                        "no `[scenario]` table: add one with `id`, `title` and `start`",
                    );
                }
                None
            }
        };
        let start = meta.as_ref().and_then(|(_, start)| *start);
        if let (Some((m, _)), Some(node)) = (&meta, meta_node) {
            self.amendments(&m.amendments, field_offset(node, "amendments"));
        }

        if inject_nodes.len() > INJECTS_MAX {
            self.error(
                0,
                format!(
                    "{} injects, more than the limit of {INJECTS_MAX}",
                    inject_nodes.len()
                ),
            );
            inject_nodes = &[];
        }
        let mut injects = Vec::new();
        let mut previous: Option<(Timestamp, String)> = None;
        for node in inject_nodes {
            if let Some(inject) = self.inject(node, start, &mut previous) {
                injects.push(inject);
            }
        }

        if expect_nodes.len() > EXPECTATIONS_MAX {
            self.error(
                expect_key,
                format!(
                    "{} expectations, more than the limit of {EXPECTATIONS_MAX}",
                    expect_nodes.len()
                ),
            );
            expect_nodes = &[];
        }
        let submitted: BTreeSet<&InputId> = injects
            .iter()
            .flat_map(|i: &Inject| i.inputs.iter().map(Input::id))
            .collect();
        let mut expectations = Vec::new();
        let mut ids: BTreeMap<String, usize> = BTreeMap::new();
        for node in expect_nodes {
            if let Some(e) = self.expectation(node, start, &submitted) {
                if ids.insert(e.id.clone(), node.span().start).is_some() {
                    let offset = field_offset(node, "id");
                    self.error(offset, format!("expectation id `{}` is used twice", e.id));
                }
                expectations.push(e);
            }
        }
        if expect_nodes.is_empty() && syntax.is_empty() {
            self.error(
                expect_key,
                "the scenario has no `[[expect]]`: write the expected outcome before running",
            );
        }

        let ((meta, _), start) = (meta?, start?);
        let last = injects.last().map_or(start, |i: &Inject| i.at);
        let end = match &meta.end {
            None => last.plus(DEFAULT_END_AFTER_LAST),
            Some(text) => {
                let offset = meta_node.map_or(0, |n| field_offset(n, "end"));
                match time::resolve(text, start) {
                    Ok(end) if end < last => {
                        self.error(
                            offset,
                            format!(
                                "`end` ({}) is before the last inject ({})",
                                time::offset(start, end),
                                time::offset(start, last)
                            ),
                        );
                        return None;
                    }
                    Ok(end) => end,
                    Err(message) => {
                        self.error(offset, format!("`end`: {message}"));
                        return None;
                    }
                }
            }
        };
        Some(Scenario {
            path: self.path.to_string(),
            id: meta.id,
            title: meta.title,
            description: meta.description,
            start,
            end,
            amendments: std::mem::take(&mut self.amendments),
            injects,
            expectations,
        })
    }

    /// Loads `[scenario] amendments`: each file a framework without errors,
    /// and all of them versions the engine can take together.
    fn amendments(&mut self, files: &[String], offset: usize) {
        let mut loaded = Vec::new();
        for file in files {
            if file.starts_with('/') || file.starts_with('\\') || file.get(1..2) == Some(":") {
                self.error(
                    offset,
                    format!("amendment `{file}`: give a path relative to the scenario file"),
                );
                continue;
            }
            if loaded.iter().any(|a: &AmendedVersion| a.file == *file) {
                self.error(offset, format!("amendment `{file}` is listed twice"));
                continue;
            }
            let bytes = match self.files.read(file) {
                Ok(bytes) => bytes,
                Err(reason) => {
                    self.error(offset, format!("amendment `{file}`: {reason}"));
                    continue;
                }
            };
            let dir = match file.rfind(['/', '\\']) {
                Some(i) => file.get(..=i).unwrap_or_default().to_string(),
                None => String::new(),
            };
            let files = Beside {
                files: self.files,
                dir,
            };
            let shown = beside(self.path, file);
            let (fw, diags) = framework::load_and_check_bytes(&shown, &bytes, &files);
            let errors: Vec<String> = diags
                .iter()
                .filter(|d| d.severity == base::Severity::Error)
                .map(ToString::to_string)
                .collect();
            if !errors.is_empty() {
                self.error(
                    offset,
                    format!(
                        "amendment `{file}` has errors (run `bulwark check` on it): {}",
                        errors.join("; ")
                    ),
                );
                continue;
            }
            loaded.push(AmendedVersion {
                file: file.clone(),
                framework: Arc::new(fw),
            });
        }
        if loaded.len() == files.len() && !loaded.is_empty() {
            let versions: Vec<&Framework> = loaded.iter().map(|a| &*a.framework).collect();
            if let Err(e) = engine::Decider::with_versions(self.fw, &versions) {
                self.error(offset, format!("`amendments`: {e}"));
                return;
            }
        }
        self.amendments = loaded;
    }

    /// In an `amendment` input, `amend_to = "file"` becomes the version and
    /// hash of that file (one of `[scenario] amendments`).
    fn amend_to(&mut self, node: &Node<'_>, value: &mut Value) -> Option<()> {
        let Value::Object(object) = value else {
            return Some(());
        };
        if object.get("type").and_then(Value::as_str) != Some("amendment") {
            return Some(());
        }
        let Some(target) = object.remove("amend_to") else {
            return Some(());
        };
        let offset = field_offset(node, "amend_to");
        let Some(file) = target.as_str() else {
            self.error(
                offset,
                "`amend_to` must be a file name, as listed in `[scenario] amendments`",
            );
            return None;
        };
        let Some(found) = self.amendments.iter().find(|a| a.file == file) else {
            let listed: Vec<String> = self
                .amendments
                .iter()
                .map(|a| format!("`{}`", a.file))
                .collect();
            self.error(
                offset,
                format!(
                    "`amend_to`: `{file}` is not one of `[scenario] amendments` ({})",
                    if listed.is_empty() {
                        "none listed".to_string()
                    } else {
                        listed.join(", ")
                    }
                ),
            );
            return None;
        };
        if object.contains_key("version") || object.contains_key("framework_hash") {
            self.error(
                offset,
                "give either `amend_to` or `version` and `framework_hash`, not both",
            );
            return None;
        }
        object.insert("version".into(), Value::String(found.version()));
        object.insert(
            "framework_hash".into(),
            Value::String(found.framework.hash_hex()),
        );
        Some(())
    }

    /// `[scenario]`, and its start time when that is valid.
    fn meta(&mut self, node: &Node<'_>) -> Option<(schema::ScenarioMeta, Option<Timestamp>)> {
        let meta = self.deserialize::<schema::ScenarioMeta>(node, "`[scenario]`")?;
        let start = match Timestamp::parse(&meta.start) {
            Ok(t) => Some(t),
            Err(message) => {
                self.error(field_offset(node, "start"), format!("`start`: {message}"));
                None
            }
        };
        Some((meta, start))
    }

    fn deserialize<T: serde::de::DeserializeOwned>(
        &mut self,
        node: &Node<'_>,
        what: &str,
    ) -> Option<T> {
        match T::deserialize(ValueDeserializer::from(node.clone())) {
            Ok(value) => Some(value),
            Err(e) => {
                let offset = e.span().map_or(node.span().start, |s| s.start);
                self.error(
                    offset,
                    format!("{what}: {}", describe_serde_error(e.message())),
                );
                None
            }
        }
    }

    fn inject(
        &mut self,
        node: &Node<'_>,
        start: Option<Timestamp>,
        previous: &mut Option<(Timestamp, String)>,
    ) -> Option<Inject> {
        let spec = self.deserialize::<schema::Inject>(node, "`[[inject]]`")?;
        let at_offset = field_offset(node, "at");
        let at = match start.map(|start| time::resolve(&spec.at, start)) {
            Some(Ok(at)) => Some(at),
            Some(Err(message)) => {
                self.error(at_offset, format!("`at`: {message}"));
                None
            }
            None => {
                // No valid start: still check the grammar of relative times.
                if let Some(Err(message)) = time::parse_relative(&spec.at) {
                    self.error(at_offset, format!("`at`: {message}"));
                }
                None
            }
        };
        if let (Some(at), Some((before, before_text))) = (at, previous.as_ref())
            && at < *before
        {
            self.error(
                at_offset,
                format!(
                    "this inject (`{}`) is earlier than the one before it (`{before_text}`): injects must be in order of `at`",
                    spec.at
                ),
            );
        }
        if let Some(at) = at {
            *previous = Some((at, spec.at.clone()));
        }
        let inputs = match (node.get_ref().get("input"), &spec.file) {
            (Some(input), None) => self.inline_input(input, start).map(|i| vec![i]),
            (None, Some(file)) => self.file_inputs(file, field_offset(node, "file"), start),
            (Some(_), Some(_)) => {
                self.error(
                    field_offset(node, "file"),
                    "give either `input` or `file`, not both",
                );
                None
            }
            (None, None) => {
                self.error(
                    node.span().start,
                    "an inject needs `input` (an inline input) or `file` (a JSON-lines file)",
                );
                None
            }
        }?;
        self.inputs += inputs.len();
        if self.inputs > INPUTS_MAX {
            self.error(
                at_offset,
                format!("more than {INPUTS_MAX} inputs in one scenario"),
            );
            return None;
        }
        Some(Inject {
            at: at?,
            note: spec.note,
            file: spec.file,
            inputs,
        })
    }

    fn inline_input(&mut self, node: &Node<'_>, start: Option<Timestamp>) -> Option<Input> {
        let DeValue::Table(table) = node.get_ref() else {
            self.error(
                node.span().start,
                "`input` must be a table: `input = { type = \"observation\", … }`",
            );
            return None;
        };
        if table.get("type").is_none() {
            self.error(
                node.span().start,
                "the input has no `type`: say which input this is, e.g. `type = \"observation\"`",
            );
            return None;
        }
        let mut value = self.json_value(node, start)?;
        self.amend_to(node, &mut value)?;
        if let Value::Object(object) = &mut value {
            object
                .entry("v")
                .or_insert_with(|| Value::from(model::WIRE_VERSION));
        }
        let line = serde_json::to_string(&value).unwrap_or_default();
        match model::decode_line(&line, 1) {
            Ok(input) => Some(input),
            Err(e) => {
                let (within, key) = match &e.path {
                    Some(path) => walk(node, path),
                    None => (node, None),
                };
                let offset = token(&e.message)
                    .and_then(|t| find_in_tree(within, t))
                    .or(key)
                    .unwrap_or(within.span().start);
                self.error(offset, describe_wire_error(&e));
                None
            }
        }
    }

    /// A TOML value as JSON, with relative times converted. TOML date-times
    /// become RFC 3339 strings; floats are refused.
    fn json_value(&mut self, node: &Node<'_>, start: Option<Timestamp>) -> Option<Value> {
        Some(match node.get_ref() {
            DeValue::String(s) => match (time::parse_relative(s), start) {
                (Some(Ok(_)), Some(start)) => match time::resolve(s, start) {
                    Ok(t) => Value::String(t.to_string()),
                    Err(message) => {
                        self.error(node.span().start, message);
                        return None;
                    }
                },
                _ => Value::String(s.to_string()),
            },
            DeValue::Integer(i) => {
                let number = i64::from_str_radix(i.as_str(), i.radix())
                    .map(Value::from)
                    .or_else(|_| u64::from_str_radix(i.as_str(), i.radix()).map(Value::from));
                match number {
                    Ok(n) => n,
                    Err(_) => {
                        self.error(node.span().start, format!("integer `{i}` is out of range"));
                        return None;
                    }
                }
            }
            DeValue::Float(f) => {
                self.error(
                    node.span().start,
                    format!(
                        "`{f}`: inputs hold no floating-point numbers (confidences are basis points 0–10000, coordinates integers of 10⁻⁷ degree)"
                    ),
                );
                return None;
            }
            DeValue::Boolean(b) => Value::Bool(*b),
            DeValue::Datetime(d) => Value::String(d.to_string()),
            DeValue::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items.iter() {
                    out.push(self.json_value(item, start)?);
                }
                Value::Array(out)
            }
            DeValue::Table(table) => {
                let mut out = serde_json::Map::new();
                for (key, value) in table.iter() {
                    let value = self.json_value(value, start)?;
                    out.insert(key.get_ref().to_string(), value);
                }
                Value::Object(out)
            }
        })
    }

    fn file_inputs(
        &mut self,
        file: &str,
        offset: usize,
        start: Option<Timestamp>,
    ) -> Option<Vec<Input>> {
        if file.starts_with('/') || file.starts_with('\\') || file.get(1..2) == Some(":") {
            self.error(
                offset,
                format!("`{file}`: give a path relative to the scenario file"),
            );
            return None;
        }
        let bytes = match self.files.read(file) {
            Ok(bytes) => bytes,
            Err(reason) => {
                self.error(offset, format!("`{file}`: {reason}"));
                return None;
            }
        };
        if bytes.len() > INPUT_FILE_BYTES_MAX {
            self.error(
                offset,
                format!(
                    "`{file}` is {} bytes, more than the limit of {INPUT_FILE_BYTES_MAX}",
                    bytes.len()
                ),
            );
            return None;
        }
        let shown = beside(self.path, file);
        let Ok(text) = String::from_utf8(bytes) else {
            self.error(offset, format!("`{file}` is not UTF-8 text"));
            return None;
        };
        let mut inputs = Vec::new();
        let mut failed = false;
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            let trimmed = raw.trim_start();
            let indent = raw.chars().count() - trimmed.chars().count();
            let trimmed = trimmed.trim_end();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            match json_line(trimmed, line, start) {
                Ok(input) => inputs.push(input),
                Err((column, message)) => {
                    failed = true;
                    self.errors.push(ScenarioError {
                        location: Location {
                            path: shown.clone(),
                            line: u32::try_from(line).unwrap_or(u32::MAX),
                            column: u32::try_from(indent + column).unwrap_or(u32::MAX),
                        },
                        message,
                    });
                }
            }
        }
        if inputs.is_empty() && !failed {
            self.error(offset, format!("`{file}` holds no inputs"));
            return None;
        }
        (!failed).then_some(inputs)
    }

    fn expectation(
        &mut self,
        node: &Node<'_>,
        start: Option<Timestamp>,
        submitted: &BTreeSet<&InputId>,
    ) -> Option<Expectation> {
        let spec = self.deserialize::<Expect>(node, "`[[expect]]`")?;
        let what = format!("expectation `{}`", spec.id);
        let subjects: Vec<&str> = schema::FORMS
            .iter()
            .map(|f| f.subject)
            .filter(|s| present(&spec, s))
            .filter(|s| !(*s == "trigger" && (spec.breaches.is_some() || spec.tier.is_some())))
            .collect();
        let subject = match subjects.as_slice() {
            [one] => *one,
            [] => {
                self.error(
                    node.span().start,
                    format!(
                        "{what} names no subject: give one of `{}`",
                        schema::FORMS
                            .iter()
                            .map(|f| f.subject)
                            .collect::<Vec<_>>()
                            .join("`, `")
                    ),
                );
                return None;
            }
            [_, second, ..] => {
                self.error(
                    field_offset(node, second),
                    format!(
                        "{what} names more than one subject (`{}`): write one expectation for each",
                        subjects.join("`, `")
                    ),
                );
                return None;
            }
        };
        let allowed: &[&str] = schema::FORMS
            .iter()
            .find(|f| f.subject == subject)
            .map_or(&[], |f| f.conditions);
        let mut ok = true;
        for field in schema::CONDITIONS {
            if *field != subject && present(&spec, field) && !allowed.contains(field) {
                ok = false;
                let hint = if allowed.is_empty() {
                    "it takes no condition".to_string()
                } else {
                    format!("it takes `{}`", allowed.join("`, `"))
                };
                self.error(
                    field_offset(node, field),
                    format!("{what}: `{field}` does not apply to an expectation about `{subject}`; {hint}"),
                );
            }
        }
        let time =
            |loader: &mut Self, field: &str, text: &Option<String>| -> Option<Option<Timestamp>> {
                let Some(text) = text else { return Some(None) };
                match start.map(|start| time::resolve(text, start)) {
                    Some(Ok(t)) => Some(Some(t)),
                    Some(Err(message)) => {
                        loader.error(
                            field_offset(node, field),
                            format!("{what}: `{field}`: {message}"),
                        );
                        None
                    }
                    None => None,
                }
            };
        let opened_by = time(self, "opened_by", &spec.opened_by);
        let certified_by = time(self, "certified_by", &spec.certified_by);
        let as_of = time(self, "as_of", &spec.as_of);
        let fired_by = time(self, "fired_by", &spec.fired_by);
        let completed_by = time(self, "completed_by", &spec.completed_by);
        let relieved_by = time(self, "relieved_by", &spec.relieved_by);
        let reimposed_by = time(self, "reimposed_by", &spec.reimposed_by);
        let (opened_by, certified_by, as_of) = (opened_by?, certified_by?, as_of?);
        let (fired_by, completed_by) = (fired_by?, completed_by?);
        let (relieved_by, reimposed_by) = (relieved_by?, reimposed_by?);
        let applies: Option<(&[Status], &str)> = match subject {
            "tier" => Some((Status::TIER, "a tier's activation")),
            "relief" => Some((Status::RELIEF, "a relief item")),
            "trigger" => Some((Status::BREACH, "a breach")),
            _ => None,
        };
        if let (Some(status), Some((applies, kind))) = (spec.status, applies)
            && !applies.contains(&status)
        {
            {
                let names: Vec<&str> = applies.iter().map(|s| s.as_str()).collect();
                self.error(
                    field_offset(node, "status"),
                    format!(
                        "{what}: `{}` is not a status of {kind}; it is one of `{}`",
                        status.as_str(),
                        names.join("`, `")
                    ),
                );
                ok = false;
            }
        }
        if let Some(tier) = &spec.tier
            && !self.fw.tiers.iter().any(|t| &t.id == tier)
        {
            let known: Vec<&str> = self.fw.tiers.iter().map(|t| t.id.as_str()).collect();
            self.error(
                field_offset(node, "tier"),
                format!(
                    "{what}: the framework has no tier `{tier}`; its tiers are: {}",
                    known.join(", ")
                ),
            );
            ok = false;
        }
        if let Some(item) = &spec.relief
            && !self.fw.relief.items.iter().any(|i| &i.id == item)
        {
            let known: Vec<&str> = self.fw.relief.items.iter().map(|i| i.id.as_str()).collect();
            self.error(
                field_offset(node, "relief"),
                format!(
                    "{what}: the framework has no relief item `{item}`; its items are: {}",
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                ),
            );
            ok = false;
        }
        if let Some(order) = &spec.order
            && let Some(problem) = order_problem(self.fw, order)
        {
            self.error(field_offset(node, "order"), format!("{what}: {problem}"));
            ok = false;
        }
        if let Some(trigger) = &spec.trigger
            && !self.fw.triggers.iter().any(|t| &t.id == trigger)
        {
            let known: Vec<&str> = self.fw.triggers.iter().map(|t| t.id.as_str()).collect();
            self.error(
                field_offset(node, "trigger"),
                format!(
                    "{what}: the framework has no trigger `{trigger}`; its triggers are: {}",
                    known.join(", ")
                ),
            );
            ok = false;
        }
        if let Some(kind) = &spec.kind {
            let named = model::kinds::ALL.contains(&kind.as_str())
                || self.fw.triggers.iter().any(|t| t.kinds.contains(kind));
            if !named {
                self.error(
                    field_offset(node, "kind"),
                    format!(
                        "{what}: `{kind}` is neither a well-known observation kind ({}) nor one a trigger of the framework names",
                        model::kinds::ALL.join(", ")
                    ),
                );
                ok = false;
            }
        }
        let input_id = |loader: &mut Self, field: &str, text: &str| -> Option<InputId> {
            let offset = field_offset(node, field);
            let mut parts = text.splitn(3, '/');
            let (Some(party), Some(source), Some(message)) =
                (parts.next(), parts.next(), parts.next())
            else {
                loader.error(
                    offset,
                    format!("{what}: `{text}` is not an input identity `party/source/message`"),
                );
                return None;
            };
            if party.is_empty() || source.is_empty() || message.is_empty() {
                loader.error(
                    offset,
                    format!("{what}: `{text}` is not an input identity `party/source/message`"),
                );
                return None;
            }
            let id = InputId {
                party: party.into(),
                source: source.into(),
                message: message.into(),
            };
            if !submitted.contains(&id) {
                loader.error(
                    offset,
                    format!("{what}: no inject submits an input `{text}`"),
                );
                return None;
            }
            Some(id)
        };
        let check = match subject {
            "trigger" => {
                let trigger = spec.trigger.clone().unwrap_or_default();
                let conditions = [
                    spec.opened.is_some(),
                    opened_by.is_some(),
                    spec.certified.is_some(),
                    certified_by.is_some(),
                    spec.status.is_some(),
                    spec.accumulated.is_some(),
                    spec.version.is_some(),
                ];
                let problem = if !conditions.iter().any(|c| *c) {
                    Some(
                        "give at least one of `opened_by`, `opened`, `certified_by`, `certified`, `status`, `accumulated`, `version`",
                    )
                } else if spec.opened == Some(false)
                    && conditions.iter().filter(|c| **c).count() > 1
                {
                    Some(
                        "`opened = false` says no breach was opened; it takes no other condition (except `as_of`)",
                    )
                } else if spec.certified == Some(false)
                    && (certified_by.is_some() || spec.status == Some(Status::Certified))
                {
                    Some(
                        "`certified = false` contradicts `certified_by` or `status = \"certified\"`",
                    )
                } else if as_of.is_some()
                    && (opened_by.is_some()
                        || certified_by.is_some()
                        || spec.accumulated.is_some()
                        || spec.version.is_some())
                {
                    Some(
                        "`as_of` applies to `opened`, `certified` and `status` only (`opened_by` and `certified_by` carry their own time)",
                    )
                } else {
                    None
                };
                if let Some(problem) = problem {
                    self.error(node.span().start, format!("{what}: {problem}"));
                    return None;
                }
                Check::Breach {
                    trigger,
                    opened: spec.opened,
                    opened_by,
                    certified: spec.certified,
                    certified_by,
                    status: spec.status,
                    accumulated: spec.accumulated,
                    version: spec.version.clone(),
                    as_of,
                }
            }
            "breaches" => Check::Breaches {
                trigger: spec.trigger.clone(),
                count: spec.breaches.unwrap_or_default(),
            },
            "incidents" => Check::Incidents {
                kind: spec.kind.clone(),
                count: spec.incidents.unwrap_or_default(),
            },
            "incident" | "incident_of" => {
                if spec.count_low.is_none() && spec.count_high.is_none() && spec.contested.is_none()
                {
                    self.error(
                        node.span().start,
                        format!(
                            "{what}: give at least one of `count_low`, `count_high`, `contested`"
                        ),
                    );
                    return None;
                }
                let which = match (&spec.incident, &spec.incident_of) {
                    (Some(id), _) => IncidentRef::Id(id.clone()),
                    (None, Some(of)) => IncidentRef::Of(input_id(self, "incident_of", of)?),
                    (None, None) => return None,
                };
                Check::Incident {
                    which,
                    count_low: spec.count_low,
                    count_high: spec.count_high,
                    contested: spec.contested,
                }
            }
            "rejected" => Check::Rejected {
                input: input_id(
                    self,
                    "rejected",
                    spec.rejected.as_deref().unwrap_or_default(),
                )?,
                reason_contains: spec.reason_contains.clone(),
            },
            "duplicate" => Check::Duplicate {
                input: input_id(
                    self,
                    "duplicate",
                    spec.duplicate.as_deref().unwrap_or_default(),
                )?,
            },
            "accepted" => Check::Accepted {
                input: input_id(
                    self,
                    "accepted",
                    spec.accepted.as_deref().unwrap_or_default(),
                )?,
            },
            "tier" => {
                let conditions = [
                    spec.entered.is_some(),
                    spec.fired.is_some(),
                    fired_by.is_some(),
                    spec.status.is_some(),
                ];
                let problem = if !conditions.iter().any(|c| *c) {
                    Some("give at least one of `entered`, `fired`, `fired_by`, `status`")
                } else if spec.entered == Some(false)
                    && conditions.iter().filter(|c| **c).count() > 1
                {
                    Some(
                        "`entered = false` says the tier was not entered; it takes no other condition (except `breach` and `trigger`)",
                    )
                } else if spec.fired == Some(false)
                    && (fired_by.is_some()
                        || matches!(spec.status, Some(Status::Fired | Status::Completed)))
                {
                    Some(
                        "`fired = false` contradicts `fired_by` or `status = \"fired\"` / `\"completed\"`",
                    )
                } else if as_of.is_some() && (fired_by.is_some() || spec.status.is_some()) {
                    Some(
                        "with `tier`, `as_of` applies to `entered` and `fired` only (`fired_by` carries its own time; statuses are judged at the end)",
                    )
                } else {
                    None
                };
                if let Some(problem) = problem {
                    self.error(node.span().start, format!("{what}: {problem}"));
                    return None;
                }
                Check::Tier {
                    tier: spec.tier.clone().unwrap_or_default(),
                    breach: spec.breach.clone(),
                    trigger: spec.trigger.clone(),
                    entered: spec.entered,
                    fired: spec.fired,
                    fired_by,
                    status: spec.status,
                    as_of,
                }
            }
            "vote" => {
                if spec.counted == Some(true) && spec.reason_contains.is_some() {
                    self.error(
                        field_offset(node, "reason_contains"),
                        format!("{what}: a vote that counts has no reason not to; `reason_contains` goes with `counted = false`"),
                    );
                    return None;
                }
                Check::Vote {
                    input: input_id(self, "vote", spec.vote.as_deref().unwrap_or_default())?,
                    counted: spec.counted,
                    reason_contains: spec.reason_contains.clone(),
                }
            }
            "order" => {
                let problem = if spec.completed.is_none()
                    && completed_by.is_none()
                    && spec.missed.is_none()
                {
                    Some("give at least one of `completed`, `completed_by`, `missed`")
                } else if spec.completed == Some(false) && completed_by.is_some() {
                    Some("`completed = false` contradicts `completed_by`")
                } else {
                    None
                };
                if let Some(problem) = problem {
                    self.error(node.span().start, format!("{what}: {problem}"));
                    return None;
                }
                Check::Order {
                    order: spec.order.clone().unwrap_or_default(),
                    completed: spec.completed,
                    completed_by,
                    missed: spec.missed,
                }
            }
            "deadlines_missed" => Check::DeadlinesMissed {
                breach: spec.breach.clone(),
                count: spec.deadlines_missed.unwrap_or_default(),
            },
            _ => {
                let problem = if spec.status.is_none()
                    && relieved_by.is_none()
                    && reimposed_by.is_none()
                {
                    Some("give at least one of `status`, `relieved_by`, `reimposed_by`")
                } else if as_of.is_some() && (relieved_by.is_some() || reimposed_by.is_some()) {
                    Some(
                        "with `relief`, `as_of` applies to `status` only (`relieved_by` and `reimposed_by` carry their own time)",
                    )
                } else {
                    None
                };
                if let Some(problem) = problem {
                    self.error(node.span().start, format!("{what}: {problem}"));
                    return None;
                }
                Check::Relief {
                    item: spec.relief.clone().unwrap_or_default(),
                    status: spec.status,
                    relieved_by,
                    reimposed_by,
                    as_of,
                }
            }
        };
        ok.then_some(Expectation {
            id: spec.id,
            note: spec.note,
            check,
        })
    }
}

fn present(e: &Expect, field: &str) -> bool {
    match field {
        "trigger" => e.trigger.is_some(),
        "breaches" => e.breaches.is_some(),
        "incidents" => e.incidents.is_some(),
        "incident" => e.incident.is_some(),
        "incident_of" => e.incident_of.is_some(),
        "rejected" => e.rejected.is_some(),
        "duplicate" => e.duplicate.is_some(),
        "accepted" => e.accepted.is_some(),
        "opened_by" => e.opened_by.is_some(),
        "opened" => e.opened.is_some(),
        "certified_by" => e.certified_by.is_some(),
        "certified" => e.certified.is_some(),
        "status" => e.status.is_some(),
        "accumulated" => e.accumulated.is_some(),
        "as_of" => e.as_of.is_some(),
        "kind" => e.kind.is_some(),
        "count_low" => e.count_low.is_some(),
        "count_high" => e.count_high.is_some(),
        "contested" => e.contested.is_some(),
        "reason_contains" => e.reason_contains.is_some(),
        "tier" => e.tier.is_some(),
        "breach" => e.breach.is_some(),
        "entered" => e.entered.is_some(),
        "fired" => e.fired.is_some(),
        "fired_by" => e.fired_by.is_some(),
        "vote" => e.vote.is_some(),
        "counted" => e.counted.is_some(),
        "order" => e.order.is_some(),
        "completed" => e.completed.is_some(),
        "completed_by" => e.completed_by.is_some(),
        "missed" => e.missed.is_some(),
        "deadlines_missed" => e.deadlines_missed.is_some(),
        "relief" => e.relief.is_some(),
        "relieved_by" => e.relieved_by.is_some(),
        "reimposed_by" => e.reimposed_by.is_some(),
        _ => false,
    }
}

/// What is wrong with an order id `breach/tier/action`, if anything: the
/// tier must be one of the framework's and the action one of that tier's.
fn order_problem(fw: &Framework, order: &str) -> Option<String> {
    let mut parts = order.splitn(3, '/');
    let (Some(breach), Some(tier), Some(action)) = (parts.next(), parts.next(), parts.next())
    else {
        return Some(format!(
            "`{order}` is not an order id `breach/tier/action` (e.g. `B1/t1-rails/a1-intel`)"
        ));
    };
    if breach.is_empty() || tier.is_empty() || action.is_empty() {
        return Some(format!(
            "`{order}` is not an order id `breach/tier/action` (e.g. `B1/t1-rails/a1-intel`)"
        ));
    }
    let Some(t) = fw.tiers.iter().find(|t| t.id == tier) else {
        return Some(format!(
            "order `{order}`: the framework has no tier `{tier}`"
        ));
    };
    if !t.actions.iter().any(|a| a.id == action) {
        let known: Vec<&str> = t.actions.iter().map(|a| a.id.as_str()).collect();
        return Some(format!(
            "order `{order}`: tier `{tier}` has no action `{action}`; its actions are: {}",
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        ));
    }
    None
}

/// Decodes one JSON line of a referenced file, relative times converted and
/// `v` filled in. Both are done on the text itself, not on a parsed copy, so
/// that strict decoding still sees every key as written (a key given twice
/// is refused); the error's column is mapped back to the line as written.
fn json_line(text: &str, line: usize, start: Option<Timestamp>) -> Result<Input, (usize, String)> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        let message = e.to_string();
        let message = message
            .rfind(" at line ")
            .and_then(|i| message.get(..i))
            .unwrap_or(&message)
            .to_string();
        (e.column().max(1), format!("not valid JSON: {message}"))
    })?;
    let Value::Object(object) = &value else {
        return Err((1, "an input must be a JSON object".into()));
    };
    let v = match (object.contains_key("v"), object.is_empty()) {
        (true, _) => None,
        (false, true) => Some(format!("\"v\":{}", model::WIRE_VERSION)),
        (false, false) => Some(format!("\"v\":{},", model::WIRE_VERSION)),
    };
    let rewritten = rewrite(text, start, v)?;
    model::decode_line(&rewritten.text, line).map_err(|e| {
        // Errors about the whole line (`type`, `v`) come without a column:
        // point at what the message names, when the line shows it.
        let named = || {
            token(&e.message)
                .and_then(|t| text.find(&format!("\"{t}\"")))
                .map(|byte| text.get(..byte).map_or(1, |p| p.chars().count() + 1))
        };
        let column = match e.column {
            0 | 1 => named().unwrap_or(1),
            column => rewritten.original_column(text, column),
        };
        (column, describe_wire_error(&e))
    })
}

/// A JSON line after [`rewrite`], with the edits that map it back.
struct Rewritten {
    text: String,
    /// (start in `text`, length in `text`, start in the original, length in
    /// the original), in order.
    edits: Vec<(usize, usize, usize, usize)>,
}

impl Rewritten {
    /// The 1-based character column in `original` of character column
    /// `column` of the rewritten text.
    fn original_column(&self, original: &str, column: usize) -> usize {
        let new = self
            .text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(self.text.len(), |(b, _)| b);
        // Shift back by what every edit before `new` added; inside an
        // edit, point at the start of what it replaced.
        let mut shift: i64 = 0;
        let mut inside = None;
        for &(new_start, new_len, old_start, old_len) in &self.edits {
            if new >= new_start + new_len {
                shift += new_len as i64 - old_len as i64;
            } else if new >= new_start {
                inside = Some(old_start);
                break;
            }
        }
        let old = inside.unwrap_or_else(|| usize::try_from(new as i64 - shift).unwrap_or(0));
        let old = old.min(original.len());
        original
            .get(..old)
            .map_or(1, |prefix| prefix.chars().count() + 1)
    }
}

/// Replaces every string literal of `raw` that is a relative time with its
/// RFC 3339 time, and inserts `v` after the first `{`.
fn rewrite(
    raw: &str,
    start: Option<Timestamp>,
    mut v: Option<String>,
) -> Result<Rewritten, (usize, String)> {
    let bytes = raw.as_bytes();
    let mut out = String::with_capacity(raw.len() + 64);
    let mut edits = Vec::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'{' {
            out.push('{');
            i += 1;
            if let Some(insert) = v.take() {
                edits.push((out.len(), insert.len(), i, 0));
                out.push_str(&insert);
            }
            continue;
        }
        if b == b'"' {
            // INVARIANT: `"` and `\` are ASCII, never inside a multi-byte
            // character, so these byte positions are character boundaries.
            let mut j = i + 1;
            while let Some(&c) = bytes.get(j) {
                match c {
                    b'\\' => j += 2,
                    b'"' => break,
                    _ => j += 1,
                }
            }
            let end = (j + 1).min(raw.len());
            let literal = raw.get(i..end).unwrap_or_default();
            let content = raw.get(i + 1..j.min(raw.len())).unwrap_or_default();
            match start {
                Some(start) if time::is_relative(content) => {
                    let t = time::resolve(content, start).map_err(|message| {
                        let column = raw.get(..i).map_or(1, |p| p.chars().count() + 1);
                        (column, message)
                    })?;
                    let replacement = format!("\"{t}\"");
                    edits.push((out.len(), replacement.len(), i, literal.len()));
                    out.push_str(&replacement);
                }
                _ => out.push_str(literal),
            }
            i = end;
            continue;
        }
        let Some(c) = raw.get(i..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        out.push(c);
        i += c.len_utf8();
    }
    Ok(Rewritten { text: out, edits })
}

/// A wire error in words, with its field path and, for a string that looks
/// like a mistyped relative time, the grammar.
fn describe_wire_error(e: &model::WireError) -> String {
    let message = with_relative_hint(&e.message);
    match &e.path {
        Some(path) => format!("the input is not valid: `{path}`: {message}"),
        None => format!("the input is not valid: {message}"),
    }
}

/// The node at a wire error's field path (`counts.launched`,
/// `place.track[2].at`), as deep as the path can be followed, and the offset
/// of the key that names it.
fn walk<'a, 'i>(node: &'a Node<'i>, path: &str) -> (&'a Node<'i>, Option<usize>) {
    let mut current = node;
    let mut key_offset = None;
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let mut pieces = part.split('[');
        let key = pieces.next().unwrap_or_default();
        if !key.is_empty() {
            let DeValue::Table(table) = current.get_ref() else {
                break;
            };
            let Some((k, child)) = table.iter().find(|(k, _)| k.get_ref() == key) else {
                break;
            };
            key_offset = Some(k.span().start);
            current = child;
        }
        for index in pieces {
            let Ok(index) = index.trim_end_matches(']').parse::<usize>() else {
                break;
            };
            let DeValue::Array(items) = current.get_ref() else {
                break;
            };
            let Some(child) = items.get(index) else {
                break;
            };
            key_offset = Some(child.span().start);
            current = child;
        }
    }
    (current, key_offset)
}

/// Byte offset of the value of `key` in a table node, else of the node.
fn field_offset(node: &Node<'_>, key: &str) -> usize {
    if let DeValue::Table(table) = node.get_ref()
        && let Some((k, _)) = table.iter().find(|(k, _)| k.get_ref() == key)
    {
        return k.span().start;
    }
    node.span().start
}

/// The first `backticked` word of an error message: the field, variant or
/// value it is about.
fn token(message: &str) -> Option<&str> {
    let (_, rest) = message.split_once('`')?;
    let (word, _) = rest.split_once('`')?;
    (!word.is_empty()).then_some(word)
}

/// Where in `node` a key or a string value equal to `token` is written.
fn find_in_tree(node: &Node<'_>, token: &str) -> Option<usize> {
    match node.get_ref() {
        DeValue::String(s) if s == token => Some(node.span().start),
        DeValue::Table(table) => table.iter().find_map(|(k, v)| {
            if k.get_ref() == token {
                Some(k.span().start)
            } else {
                find_in_tree(v, token)
            }
        }),
        DeValue::Array(items) => items.iter().find_map(|item| find_in_tree(item, token)),
        _ => None,
    }
}

/// A wire error about a string that looks like a mistyped relative time
/// gets the grammar as a hint.
fn with_relative_hint(message: &str) -> String {
    match token(message) {
        Some(t) if t.starts_with("T+") || t.starts_with("T-") => format!(
            "{message} (a relative time is written `T+02:30`, `T+6h`, `T+1d02:00` or `T-00:10`)"
        ),
        _ => message.to_string(),
    }
}

/// `file` as a sibling of the scenario file, for messages.
fn beside(scenario: &str, file: &str) -> String {
    match scenario.rfind(['/', '\\']) {
        Some(i) => format!("{}{file}", scenario.get(..=i).unwrap_or_default()),
        None => file.to_string(),
    }
}

/// Rewrites serde's wording for people who do not read Rust.
fn describe_serde_error(message: &str) -> String {
    let message = message.trim_end();
    if let Some(rest) = message.strip_prefix("missing field ") {
        return format!("required field {rest} is missing");
    }
    message.replace("invalid type: ", "wrong type: ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_siblings() {
        assert_eq!(token("unknown field `foo`, expected `bar`"), Some("foo"));
        assert_eq!(token("no ticks"), None);
        assert_eq!(beside("a/b/s.toml", "x.jsonl"), "a/b/x.jsonl");
        assert_eq!(beside("s.toml", "x.jsonl"), "x.jsonl");
    }
}
