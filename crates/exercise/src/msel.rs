//! MSEL import: an HSEEP-style Master Scenario Events List (CSV) read as a
//! scenario (`docs/msel.md`). Each row is one event: an inject (a
//! wire-format JSON object, or lines of a JSON-lines file) at a scenario
//! time, from a controller to the players, with the expected player action
//! in words and, in the `expect` column, the same action as a checkable
//! expectation (the fields of `[[expect]]`).
//!
//! The rows are translated into the scenario format — one line of TOML per
//! inject and per expectation — and read by the scenario loader, so an MSEL
//! means exactly what the same scenario in TOML means. Every error of the
//! loader is mapped back to the CSV row and column it came from.
//! No I/O: JSON-lines files arrive through [`framework::Files`].

use std::collections::BTreeSet;
use std::fmt::Write as _;

use base::Location;
use framework::{Files, Framework};
use serde_json::Value;

use crate::load::{self, SCENARIO_BYTES_MAX, Scenario, ScenarioError};

/// The metadata keys of the `# key: value` lines before the header.
pub const META_KEYS: &[(&str, &str)] = &[
    (
        "id",
        "identifier of the scenario (default: the file name without `.csv`)",
    ),
    ("title", "the scenario's title (default: its id)"),
    (
        "start",
        "time zero (`T+00:00`), an RFC 3339 time with an offset — required",
    ),
    (
        "end",
        "when the run stops, relative or RFC 3339 (default: 7 days after the last inject)",
    ),
    (
        "description",
        "what the exercise tests; several lines are joined",
    ),
    (
        "amendments",
        "framework files the scenario may amend to, separated by commas",
    ),
];

/// The columns of the list, in the order the documentation gives them:
/// (name, required, meaning).
pub const COLUMNS: &[(&str, bool, &str)] = &[
    (
        "event_number",
        true,
        "The MSEL event number (`1`, `2`, `2a`…), shown in the timeline and naming the expectation (`E<event_number>`) unless `expect_id` is given.",
    ),
    (
        "scenario_time",
        true,
        "The recorded time of the inject: relative to `start` (`T+02:30`, `T+6h`, `T+1d02:00`) or RFC 3339. Rows must come in non-decreasing order of time. Required when the row has an inject.",
    ),
    (
        "event",
        false,
        "The event in words (the synopsis); the inject's note in the timeline.",
    ),
    (
        "inject",
        true,
        "What the controller injects: one wire-format input as a JSON object (`{\"type\": \"observation\", …}`; `v` may be left out, relative times are converted, as in a TOML scenario), or `FILE.jsonl` (every line of a JSON-lines file beside the list), or `FILE.jsonl:N` (its line N only). Empty: the row only states an expected action.",
    ),
    (
        "from",
        false,
        "Who sends the inject (the controller or the simulated source), shown in the note.",
    ),
    (
        "to",
        false,
        "Who receives it (the players), shown in the note.",
    ),
    (
        "expected_action",
        false,
        "The expected player action, in words. With `expect`, it is the expectation's `note` (why it is expected); without, it is shown in the timeline as not checked.",
    ),
    (
        "expect",
        false,
        "The expected action as a checkable expectation: the fields of an `[[expect]]` table (`docs/scenario-format.md`) as the body of a TOML inline table, e.g. `trigger = 'trg-missile-salvo', certified_by = 'T+03:00'` (single quotes spare the CSV's doubled double quotes). `id` and `note` come from `expect_id`/`event_number` and `expected_action`.",
    ),
    (
        "expect_id",
        false,
        "The expectation's id (default `E<event_number>`; a second expectation of one event number gets `-2`, `-3`…).",
    ),
    (
        "notes",
        false,
        "Remarks for the controllers; not used by the run.",
    ),
];

/// A header name as written → its canonical column name: case, spaces,
/// hyphens and a `#` are ignored (`Event #` → `event_number`).
fn canonical(header: &str) -> String {
    let mut out = String::new();
    for c in header.trim().chars() {
        match c {
            ' ' | '-' | '_' => {
                if !out.ends_with('_') && !out.is_empty() {
                    out.push('_');
                }
            }
            '#' => {
                if !out.ends_with('_') && !out.is_empty() {
                    out.push('_');
                }
                out.push_str("number");
            }
            c => out.extend(c.to_lowercase()),
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
}

/// Where a piece of the generated TOML came from.
struct Origin {
    /// The CSV line (1-based, in the whole file).
    line: usize,
    /// (byte offset in the generated line where the piece starts, 1-based
    /// CSV field number, column name).
    pieces: Vec<(usize, usize, &'static str)>,
}

struct Msel<'a> {
    path: &'a str,
    files: &'a dyn Files,
    errors: Vec<ScenarioError>,
    /// One per generated TOML line (index = generated line - 1).
    origins: Vec<Option<Origin>>,
    toml: String,
}

impl Msel<'_> {
    fn error(&mut self, line: usize, column: usize, message: impl Into<String>) {
        self.errors.push(ScenarioError {
            location: Location {
                path: self.path.to_string(),
                line: n32(line),
                column: n32(column),
            },
            message: message.into(),
        });
    }

    /// Appends one generated line with where its pieces came from.
    fn line(&mut self, text: &str, origin: Option<Origin>) {
        self.toml.push_str(text);
        self.toml.push('\n');
        self.origins.push(origin);
    }
}

/// Reads an MSEL (CSV) as a scenario; errors are located at the CSV's
/// `line:field`.
pub fn load(
    path: &str,
    bytes: &[u8],
    files: &dyn Files,
    fw: &Framework,
) -> Result<Scenario, Vec<ScenarioError>> {
    let at = |line: usize, column: usize, message: String| {
        vec![ScenarioError {
            location: Location {
                path: path.to_string(),
                line: n32(line),
                column: n32(column),
            },
            message,
        }]
    };
    if bytes.len() > SCENARIO_BYTES_MAX {
        return Err(at(
            1,
            1,
            format!(
                "the file is {} bytes, more than the limit of {SCENARIO_BYTES_MAX}",
                bytes.len()
            ),
        ));
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(at(
            1,
            1,
            "the file is not UTF-8 text: save it as UTF-8 CSV".into(),
        ));
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut m = Msel {
        path,
        files,
        errors: Vec::new(),
        origins: Vec::new(),
        toml: String::new(),
    };

    // The `# key: value` lines before the header.
    let mut meta: Vec<(String, String, usize)> = Vec::new();
    let mut consumed = 0;
    let mut skipped_lines = 0;
    for raw in text.split_inclusive('\n') {
        let line = raw.trim();
        if !(line.starts_with('#') || line.is_empty()) {
            break;
        }
        consumed += raw.len();
        skipped_lines += 1;
        let Some(rest) = line.strip_prefix('#') else {
            continue;
        };
        if let Some((key, value)) = rest.split_once(':') {
            let key = key.trim().to_lowercase();
            if META_KEYS.iter().any(|(k, _)| *k == key) {
                meta.push((key, value.trim().to_string(), skipped_lines));
            }
            // Other `#` lines are comments.
        }
    }
    let body = text.get(consumed..).unwrap_or_default();
    let get = |key: &str| -> Vec<&(String, String, usize)> {
        meta.iter().filter(|(k, _, _)| k == key).collect()
    };
    let stem = path
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(path)
        .trim_end_matches(".csv");
    let id = get("id").last().map_or(stem.to_string(), |x| x.1.clone());
    let title = get("title").last().map_or(id.clone(), |x| x.1.clone());
    let description: Vec<String> = get("description").iter().map(|x| x.1.clone()).collect();
    let mut scenario = format!(
        "scenario = {{ id = {}, title = {}, description = {}",
        toml_string(&id),
        toml_string(&title),
        toml_string(&description.join(" "))
    );
    match get("start").last() {
        Some((_, start, _)) => {
            let _ = write!(scenario, ", start = {}", toml_string(start));
        }
        None => m.error(
            1,
            1,
            "no `# start: …` line before the header: give the scenario's time zero, e.g. `# start: 2026-03-02T03:00:00Z`",
        ),
    }
    if let Some((_, end, _)) = get("end").last() {
        let _ = write!(scenario, ", end = {}", toml_string(end));
    }
    if let Some((_, list, _)) = get("amendments").last() {
        let files: Vec<String> = list
            .split(',')
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .map(toml_string)
            .collect();
        let _ = write!(scenario, ", amendments = [{}]", files.join(", "));
    }
    scenario.push_str(" }");
    // Errors in the metadata are placed on its first line.
    let meta_line = meta.first().map_or(1, |x| x.2);
    m.line(
        &scenario,
        Some(Origin {
            line: meta_line,
            pieces: vec![(0, 1, "metadata")],
        }),
    );

    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .comment(Some(b'#'))
        .flexible(false)
        .from_reader(body.as_bytes());
    let header_line = skipped_lines + 1;
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(canonical).collect(),
        Err(e) => {
            return Err(at(
                header_line,
                1,
                format!("cannot read the header row: {}", csv_reason(&e)),
            ));
        }
    };
    let mut columns: Vec<Option<&'static str>> = Vec::new();
    let mut seen: BTreeSet<&'static str> = BTreeSet::new();
    for (i, h) in headers.iter().enumerate() {
        match COLUMNS.iter().find(|(name, _, _)| name == h) {
            Some((name, _, _)) => {
                if !seen.insert(name) {
                    m.error(header_line, i + 1, format!("column `{name}` appears twice"));
                }
                columns.push(Some(name));
            }
            None => {
                let names: Vec<&str> = COLUMNS.iter().map(|c| c.0).collect();
                m.error(
                    header_line,
                    i + 1,
                    format!(
                        "unknown column `{h}`; the columns are {} (docs/msel.md)",
                        names.join(", ")
                    ),
                );
                columns.push(None);
            }
        }
    }
    for (name, required, _) in COLUMNS {
        if *required && !seen.contains(name) {
            m.error(
                header_line,
                1,
                format!("the header has no `{name}` column (docs/msel.md)"),
            );
        }
    }
    if !m.errors.is_empty() {
        return Err(m.errors);
    }

    let mut injects: Vec<(String, Origin)> = Vec::new();
    let mut expects: Vec<(String, Origin)> = Vec::new();
    let mut ids: BTreeSet<String> = BTreeSet::new();
    let mut rows = 0;
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(header_line, |p| {
                    usize::try_from(p.line()).unwrap_or(0) + skipped_lines
                });
                m.error(line, 1, format!("cannot read the row: {}", csv_reason(&e)));
                continue;
            }
        };
        rows += 1;
        if rows > load::INJECTS_MAX {
            m.error(
                header_line,
                1,
                format!("more than {} rows", load::INJECTS_MAX),
            );
            break;
        }
        let line = record.position().map_or(0, |p| {
            usize::try_from(p.line()).unwrap_or(0) + skipped_lines
        });
        let field = |name: &str| -> (usize, String) {
            columns
                .iter()
                .position(|c| *c == Some(name))
                .map_or((0, String::new()), |i| {
                    (i + 1, record.get(i).unwrap_or_default().trim().to_string())
                })
        };
        let (event_col, event_number) = field("event_number");
        let (time_col, time) = field("scenario_time");
        let (_, event) = field("event");
        let (inject_col, inject) = field("inject");
        let (_, from) = field("from");
        let (_, to) = field("to");
        let (_, expected) = field("expected_action");
        let (expect_col, expect) = field("expect");
        let (expect_id_col, expect_id) = field("expect_id");
        if event_number.is_empty() {
            m.error(line, event_col, "the event number is empty");
            continue;
        }

        if !inject.is_empty() {
            if time.is_empty() {
                m.error(line, time_col, "an inject needs a scenario time");
                continue;
            }
            let mut note = format!("MSEL {event_number}");
            if !event.is_empty() {
                let _ = write!(note, ": {event}");
            }
            match (from.is_empty(), to.is_empty()) {
                (false, false) => {
                    let _ = write!(note, " ({from} → {to})");
                }
                (false, true) => {
                    let _ = write!(note, " (from {from})");
                }
                (true, false) => {
                    let _ = write!(note, " (to {to})");
                }
                (true, true) => {}
            }
            if !expected.is_empty() && expect.is_empty() {
                let _ = write!(note, " — expected, not checked: {expected}");
            }
            let mut text = format!(
                "  {{ at = {}, note = {}, ",
                toml_string(&time),
                toml_string(&note)
            );
            let mut pieces = vec![(0, time_col, "scenario_time")];
            pieces.push((text.len(), inject_col, "inject"));
            match m.inject(&inject, line, inject_col) {
                Some(part) => text.push_str(&part),
                None => continue,
            }
            text.push_str(" },");
            injects.push((text, Origin { line, pieces }));
        }

        if !expect.is_empty() {
            let mut id = if expect_id.is_empty() {
                format!("E{event_number}")
            } else {
                expect_id.clone()
            };
            if expect_id.is_empty() {
                let base = id.clone();
                let mut n = 2;
                while ids.contains(&id) {
                    id = format!("{base}-{n}");
                    n += 1;
                }
            }
            ids.insert(id.clone());
            // The body must be one inline table's fields and nothing else.
            let probe = format!("x = {{ {expect} }}");
            let parsed = toml::de::DeTable::parse(&probe);
            let single = match &parsed {
                Ok(t) => t.get_ref().len() == 1,
                Err(_) => false,
            };
            if !single {
                let why = match parsed {
                    Err(e) => e.message().trim_end().to_string(),
                    Ok(_) => "more than one table".to_string(),
                };
                m.error(
                    line,
                    expect_col,
                    format!(
                        "column `expect` is not the body of a TOML inline table (`key = 'value', …`): {why}"
                    ),
                );
                continue;
            }
            let note = if expected.is_empty() {
                format!("MSEL event {event_number}")
            } else {
                expected.clone()
            };
            let head = format!(
                "  {{ id = {}, note = {}, ",
                toml_string(&id),
                toml_string(&note)
            );
            let text = format!("{head}{expect} }},");
            expects.push((
                text,
                Origin {
                    line,
                    pieces: vec![
                        (
                            0,
                            if expect_id.is_empty() {
                                event_col
                            } else {
                                expect_id_col
                            },
                            "expect_id",
                        ),
                        (head.len(), expect_col, "expect"),
                    ],
                },
            ));
        } else if inject.is_empty() && expected.is_empty() {
            m.error(
                line,
                inject_col,
                "the row has neither an inject nor an expected action",
            );
        }
    }
    if !m.errors.is_empty() {
        m.errors.sort();
        return Err(m.errors);
    }
    for (key, list) in [("inject", injects), ("expect", expects)] {
        if list.is_empty() {
            continue;
        }
        m.line(&format!("{key} = ["), None);
        for (text, origin) in list {
            m.line(&text, Some(origin));
        }
        m.line("]", None);
    }

    let toml = std::mem::take(&mut m.toml);
    load::load(path, toml.as_bytes(), files, fw).map_err(|errors| {
        let mut out: Vec<ScenarioError> = errors.into_iter().map(|e| m.locate(e)).collect();
        out.sort();
        out.dedup();
        out
    })
}

impl Msel<'_> {
    /// An error of the scenario loader, at the CSV row and column the
    /// generated line came from.
    fn locate(&self, e: ScenarioError) -> ScenarioError {
        if e.location.path != self.path {
            // In a referenced file: already located there.
            return e;
        }
        let origin = e
            .location
            .line
            .checked_sub(1)
            .and_then(|i| self.origins.get(usize::try_from(i).ok()?))
            .and_then(Option::as_ref);
        match origin {
            Some(o) => {
                let offset = usize::try_from(e.location.column.saturating_sub(1)).unwrap_or(0);
                let (field, name) = o
                    .pieces
                    .iter()
                    .rev()
                    .find(|(start, _, _)| *start <= offset)
                    .map_or((1, "row"), |(_, f, n)| (*f, *n));
                ScenarioError {
                    location: Location {
                        path: self.path.to_string(),
                        line: n32(o.line),
                        column: n32(field),
                    },
                    message: format!("column `{name}`: {}", e.message),
                }
            }
            None => ScenarioError {
                location: Location {
                    path: self.path.to_string(),
                    line: 1,
                    column: 1,
                },
                message: e.message,
            },
        }
    }

    /// The inject column as the TOML of an inline `input = …` or
    /// `file = …`; `None` after an error.
    fn inject(&mut self, text: &str, line: usize, column: usize) -> Option<String> {
        if text.starts_with('{') {
            let value: Value = match serde_json::from_str(text) {
                Ok(v) => v,
                Err(e) => {
                    self.error(
                        line,
                        column,
                        format!("column `inject` is not a JSON object: {e}"),
                    );
                    return None;
                }
            };
            return self.input(&value, line, column);
        }
        let (file, wanted) = match text.rsplit_once(':') {
            Some((file, n)) if file.ends_with(".jsonl") => match n.trim().parse::<usize>() {
                Ok(n) if n > 0 => (file.trim(), Some(n)),
                _ => {
                    self.error(
                        line,
                        column,
                        format!("column `inject`: `{n}` is not a line number (1, 2, …)"),
                    );
                    return None;
                }
            },
            _ => (text, None),
        };
        if !file.ends_with(".jsonl") {
            self.error(
                line,
                column,
                "column `inject` holds neither a JSON object (`{…}`) nor a `.jsonl` file (`FILE.jsonl` or `FILE.jsonl:N`)",
            );
            return None;
        }
        let Some(n) = wanted else {
            return Some(format!("file = {}", toml_string(file)));
        };
        let bytes = match self.files.read(file) {
            Ok(b) => b,
            Err(why) => {
                self.error(
                    line,
                    column,
                    format!("column `inject`: cannot read `{file}`: {why}"),
                );
                return None;
            }
        };
        if bytes.len() > load::INPUT_FILE_BYTES_MAX {
            self.error(
                line,
                column,
                format!(
                    "column `inject`: `{file}` is larger than {} bytes",
                    load::INPUT_FILE_BYTES_MAX
                ),
            );
            return None;
        }
        let text = String::from_utf8_lossy(&bytes);
        let Some(json) = text.lines().nth(n - 1) else {
            self.error(
                line,
                column,
                format!("column `inject`: `{file}` has no line {n}"),
            );
            return None;
        };
        match serde_json::from_str::<Value>(json) {
            Ok(value) => self.input(&value, line, column),
            Err(e) => {
                self.error(
                    line,
                    column,
                    format!("column `inject`: line {n} of `{file}` is not JSON: {e}"),
                );
                None
            }
        }
    }

    fn input(&mut self, value: &Value, line: usize, column: usize) -> Option<String> {
        if !value.is_object() {
            self.error(line, column, "column `inject` must be a JSON object");
            return None;
        }
        let mut out = String::from("input = ");
        match json_to_toml(value, &mut out, 0) {
            Ok(()) => Some(out),
            Err(why) => {
                self.error(line, column, format!("column `inject`: {why}"));
                None
            }
        }
    }
}

/// A line or column number as [`Location`] holds it.
fn n32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The deepest nesting of arrays and objects in an inject.
const INJECT_DEPTH_MAX: usize = 32;

/// A JSON value as TOML inline syntax. JSON `null` has no TOML form.
fn json_to_toml(v: &Value, out: &mut String, depth: usize) -> Result<(), String> {
    if depth > INJECT_DEPTH_MAX {
        return Err(format!("nested deeper than {INJECT_DEPTH_MAX} levels"));
    }
    match v {
        Value::Null => return Err("`null` is not allowed: leave the field out".into()),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => out.push_str(&toml_string(s)),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                json_to_toml(item, out, depth + 1)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push_str("{ ");
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&toml_string(k));
                out.push_str(" = ");
                json_to_toml(item, out, depth + 1)?;
            }
            out.push_str(" }");
        }
    }
    Ok(())
}

/// A TOML basic string: quotes, backslashes and every control character escaped.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("it has {len} fields where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "it is not UTF-8 text".into(),
        _ => e.to_string(),
    }
}

/// The documentation of the MSEL format (`docs/msel.md`), generated from
/// [`COLUMNS`] and [`META_KEYS`] so it cannot drift.
pub fn markdown() -> String {
    let mut out = String::from(
        "<!-- Generated from crates/exercise/src/msel.rs by a test (`cargo test -p exercise`); do not edit by hand. -->\n\n\
# MSEL scenarios (CSV)\n\n\
`bulwark exercise FRAMEWORK LIST.csv` runs an HSEEP-style **Master Scenario Events List**: a spreadsheet \
of events, each an inject at a scenario time from a controller to the players, with the expected player \
action. A `.csv` file is read as an MSEL; every other scenario file as TOML (`docs/scenario-format.md`). \
Each row becomes an `[[inject]]` and, when it says how to check the expected action, an `[[expect]]`: \
an MSEL means exactly what the same scenario written in TOML means, and is reported the same way \
(`--format json`, `--report`).\n\n\
## Metadata\n\n\
Before the header row, lines `# key: value` give what `[scenario]` holds; other lines starting with `#` \
are comments (also between rows).\n\n| Key | Meaning |\n|---|---|\n",
    );
    for (key, meaning) in META_KEYS {
        let _ = writeln!(out, "| `{key}` | {meaning} |");
    }
    out.push_str(
        "\n## Columns\n\nThe header row names the columns, in any order; case, spaces, hyphens and a `#` are \
ignored (`Event #`, `Event Number` and `event_number` are the same column). An unknown column is an error.\n\n\
| Column | Required | Meaning |\n|---|---|---|\n",
    );
    for (name, required, meaning) in COLUMNS {
        let _ = writeln!(
            out,
            "| `{name}` | {} | {} |",
            if *required { "yes" } else { "no" },
            meaning.replace('|', "\\|")
        );
    }
    out.push_str(
        "\n## Expected actions\n\n\
HSEEP writes the expected player action in words; bulwark can only judge what it can check. \
A row's `expected_action` is kept as the reason (`note`) of the expectation written in its `expect` \
column — any `[[expect]]` form of `docs/scenario-format.md`, for instance\n\n\
```text\ntrigger = 'trg-missile-salvo', certified_by = 'T+03:00'\ntier = 't1-rails', breach = 'B1', fired_by = 'T+03:00'\n\
order = 'B1/t1-rails/a1-intel', completed = true, missed = false\n```\n\n\
A row with an expected action and no `expect` is shown in the timeline as *expected, not checked*. \
A row may hold only an expectation (no inject); several rows may share an event number.\n\n\
## Errors\n\n\
A list with any error is not run (exit status 2). Every error names the CSV line and the field \
(column number), `LIST.csv:LINE:FIELD: error: column `name`: …` — also the errors found in an inject \
or an expectation once translated (a bad time, an unknown trigger, a float in an input).\n\n\
## Example\n\n\
`examples/ukraine-2025/scenarios/24-msel-salvo.csv`:\n\n\
```csv\n# id: msel-salvo\n# title: …\n# start: 2026-03-02T03:00:00Z\n\
event_number,scenario_time,event,inject,from,to,expected_action,expect\n\
1,T+00:05,Radar tracks six launches,\"{\"\"type\"\":\"\"observation\"\", …}\",ukraine radar,verification cell,\
The breach opens at the first report,\"trigger = 'trg-missile-salvo', opened_by = 'T+00:05'\"\n```\n",
    );
    out
}

/// Reads a scenario of either form: an MSEL when `path` ends in `.csv`
/// (case ignored), TOML otherwise.
pub fn load_any(
    path: &str,
    bytes: &[u8],
    files: &dyn Files,
    fw: &Framework,
) -> Result<Scenario, Vec<ScenarioError>> {
    if path.to_ascii_lowercase().ends_with(".csv") {
        load(path, bytes, files, fw)
    } else {
        load::load(path, bytes, files, fw)
    }
}
