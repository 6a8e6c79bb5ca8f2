//! The scenario file's tables, as written. These types are the file-format
//! boundary: `docs/scenario-format.md` is generated from them and their doc
//! comments (`reference.rs`). Times are kept as text here and resolved
//! against `start` by the loader, which also validates each expectation's
//! combination of fields.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

/// `[scenario]`: what the exercise is, and the virtual time it runs in.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioMeta {
    /// Identifier of the scenario, e.g. `missile-salvo-certified`; shown in the report.
    pub id: String,
    pub title: String,
    /// What the scenario tests and why, for the exercise's players.
    #[serde(default)]
    pub description: String,
    /// Time zero of the scenario (`T+00:00`): an RFC 3339 time with an offset,
    /// e.g. `2026-03-01T04:00:00Z`.
    pub start: String,
    /// When the run stops: the engine's clock is advanced to this time after
    /// the last inject, so that review clocks expiring before it fire. A time
    /// relative to `start` or an RFC 3339 time, not before the last inject.
    /// Default: the last inject's `at` plus 7 days (`start` plus 7 days when
    /// there is no inject) — longer than every review clock.
    #[serde(default)]
    pub end: Option<String>,
}

/// `[[inject]]`: inputs that the sequencer records at one time. Give exactly
/// one of `input` and `file`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Inject {
    /// The **recorded** time (when the sequencer logs the input, not when the
    /// event was observed): relative to `start` (`T+02:30`, `T+6h`,
    /// `T+1d02:00`, `T-00:10`) or an RFC 3339 time. Injects must come in
    /// non-decreasing order of `at`; an inject earlier than the one before it
    /// is an error (it is almost always a typo), never silently reordered.
    pub at: String,
    /// One input in the wire format (`docs/wire-format.md`) as a TOML table,
    /// usually inline: `input = { type = "observation", id = { … }, … }`.
    /// `type` is required; `v` may be left out and is filled in. Any string
    /// in it that is a well-formed relative time becomes an RFC 3339 time
    /// (`observed = { from = "T+00:05" }`); TOML date-times are accepted too.
    /// Floating-point numbers are refused: confidences are basis points and
    /// coordinates integers of 10⁻⁷ degree.
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, serde_json::Value>>")]
    pub input: Option<serde::de::IgnoredAny>,
    /// A file of JSON lines (wire format), relative to the scenario file; every
    /// line is recorded at `at`, in file order. Blank lines and lines starting
    /// with `#` are skipped; `v` may be left out, and relative times are
    /// converted as in `input`. Do not name it `.json`, `.toml`, `.csv` or
    /// `.yaml`: tools that run every scenario would take it for one.
    #[serde(default)]
    pub file: Option<String>,
    /// What the inject stands for, in words (shown in the timeline).
    #[serde(default)]
    pub note: Option<String>,
}

/// Status of a breach, as an expectation names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The threshold is crossed; the evidence standard is not met yet.
    Open,
    /// The standard is met and the technical cell's review clock runs.
    UnderReview,
    /// Certified: the response ladder may start.
    Certified,
    /// Contested or referred: goes to leaders' sign-off.
    Escalated,
    /// Rejected by review, or its clock lapsed.
    Closed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::UnderReview => "under_review",
            Status::Certified => "certified",
            Status::Escalated => "escalated",
            Status::Closed => "closed",
        }
    }
}

/// `[[expect]]`: an outcome written down from the framework's rules
/// **before** the scenario is run (HSEEP's "expected player action"). Each
/// names exactly one subject — `trigger`, `breaches`, `incidents`,
/// `incident`, `incident_of`, `rejected`, `duplicate` or `accepted` — and
/// the conditions that the subject allows (see "Expectations" below).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// Identifier, unique within the scenario; shown with ✓ or ✗.
    pub id: String,
    /// Why this outcome follows from the framework: the rule, the numbers.
    pub note: String,
    /// Subject: breaches of this trigger (a framework trigger id). With
    /// `breaches`, a filter instead.
    #[serde(default)]
    pub trigger: Option<String>,
    /// A breach of `trigger` was opened at or before this time.
    #[serde(default)]
    pub opened_by: Option<String>,
    /// `true`: a breach of `trigger` was opened; `false`: none was (alone,
    /// or with `as_of`).
    #[serde(default)]
    pub opened: Option<bool>,
    /// A breach of `trigger` was certified at or before this time.
    #[serde(default)]
    pub certified_by: Option<String>,
    /// `true`: a breach of `trigger` was certified; `false`: none was.
    #[serde(default)]
    pub certified: Option<bool>,
    /// The breach's status at the end of the run (or at `as_of`). With
    /// `certified = false`, every breach of `trigger` must have it.
    #[serde(default)]
    pub status: Option<Status>,
    /// The breach was (`true`) or was not (`false`) opened by accumulated
    /// sub-threshold incidents.
    #[serde(default)]
    pub accumulated: Option<bool>,
    /// Judge `opened`, `certified` and `status` as they stood at this time
    /// (after every decision recorded at or before it) instead of at the end.
    #[serde(default)]
    pub as_of: Option<String>,
    /// Subject: the number of breaches at the end (of `trigger`, if given).
    #[serde(default)]
    pub breaches: Option<u32>,
    /// Subject: the number of incidents at the end (of `kind`, if given).
    #[serde(default)]
    pub incidents: Option<u32>,
    /// With `incidents`: only incidents of this observation kind, e.g. `missile_launch`.
    #[serde(default)]
    pub kind: Option<String>,
    /// Subject: one incident by its engine id (`I1`, `I2`, … in order of opening).
    #[serde(default)]
    pub incident: Option<String>,
    /// Subject: the incident that an input joined, by the input's identity
    /// `party/source/message` — steadier than an incident id.
    #[serde(default)]
    pub incident_of: Option<String>,
    /// The incident's count range has this low end.
    #[serde(default)]
    pub count_low: Option<u64>,
    /// The incident's count range has this high end.
    #[serde(default)]
    pub count_high: Option<u64>,
    /// The incident is (`true`) or is not (`false`) contested.
    #[serde(default)]
    pub contested: Option<bool>,
    /// Subject: the input `party/source/message` was rejected.
    #[serde(default)]
    pub rejected: Option<String>,
    /// With `rejected`: the engine's reason contains this text (case is ignored).
    #[serde(default)]
    pub reason_contains: Option<String>,
    /// Subject: the input `party/source/message` was received again and
    /// absorbed as a duplicate.
    #[serde(default)]
    pub duplicate: Option<String>,
    /// Subject: the input `party/source/message` was accepted.
    #[serde(default)]
    pub accepted: Option<String>,
}

/// One form of expectation: its subject, the conditions it takes, and what
/// it means. The loader enforces these; the reference prints them.
#[derive(Clone, Copy, Debug)]
pub struct Form {
    pub subject: &'static str,
    pub conditions: &'static [&'static str],
    pub meaning: &'static str,
}

/// The forms of `[[expect]]`, in the order the reference lists them.
pub const FORMS: &[Form] = &[
    Form {
        subject: "trigger",
        conditions: &[
            "opened_by",
            "opened",
            "certified_by",
            "certified",
            "status",
            "accumulated",
            "as_of",
        ],
        meaning: "Breaches of one trigger. Met when some breach of `trigger` satisfies every condition given among `opened_by`, `certified_by`, `status`, `accumulated`, `opened = true`, `certified = true`. `opened = false`: no breach of `trigger` was opened (no other condition but `as_of`). `certified = false`: no breach of `trigger` was certified — a breach under review or escalated is not certified; with `status`, every breach of `trigger` has that status (and there is at least one). `as_of` judges `opened`, `certified` and `status` at that time instead of at the end.",
    },
    Form {
        subject: "breaches",
        conditions: &["trigger"],
        meaning: "The number of breaches at the end of the run, of `trigger` if given.",
    },
    Form {
        subject: "incidents",
        conditions: &["kind"],
        meaning: "The number of incidents at the end of the run, of observation `kind` if given.",
    },
    Form {
        subject: "incident",
        conditions: &["count_low", "count_high", "contested"],
        meaning: "One incident, by engine id: its count range (low and high ends, compared exactly) and whether it is contested. At least one condition.",
    },
    Form {
        subject: "incident_of",
        conditions: &["count_low", "count_high", "contested"],
        meaning: "The incident that the input `party/source/message` joined; conditions as for `incident`.",
    },
    Form {
        subject: "rejected",
        conditions: &["reason_contains"],
        meaning: "The input `party/source/message` was rejected (at least once), its reason containing `reason_contains` if given.",
    },
    Form {
        subject: "duplicate",
        conditions: &[],
        meaning: "The input `party/source/message` was received again with the same bytes and absorbed as a duplicate.",
    },
    Form {
        subject: "accepted",
        conditions: &[],
        meaning: "The input `party/source/message` was accepted.",
    },
];

/// Every condition field of `[[expect]]` (fields that are not subjects).
pub const CONDITIONS: &[&str] = &[
    "trigger",
    "opened_by",
    "opened",
    "certified_by",
    "certified",
    "status",
    "accumulated",
    "as_of",
    "kind",
    "count_low",
    "count_high",
    "contested",
    "reason_contains",
];
