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
    /// Framework files (relative to the scenario file) that the scenario may
    /// amend the framework to, e.g. `["../amendments/framework-v2.toml"]`.
    /// Each must load without errors, be a version of the same framework
    /// (the same `[framework] id`, parties, source classes, zones, weapon
    /// models and relief items) with a version string of its own. An
    /// `amendment` input puts one in force from its recorded time; in it,
    /// `amend_to = "<one of these files>"` may stand for `version` and
    /// `framework_hash`, which the loader fills in. Breaches opened before
    /// keep the version they bind to (its tiers, clocks and electorates).
    #[serde(default)]
    pub amendments: Vec<String>,
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
    /// coordinates integers of 10⁻⁷ degree. In an `amendment`, `amend_to`
    /// names one of the `[scenario] amendments` files instead of giving
    /// `version` and `framework_hash`.
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

/// A status, as an expectation names it with `status`. Which values apply
/// depends on the subject: a breach (`trigger`), a tier's activation
/// (`tier`) or a relief item (`relief`); each value says which.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Breach: the threshold is crossed; the evidence standard is not met yet.
    Open,
    /// Breach: the standard is met and the technical cell's review clock runs.
    UnderReview,
    /// Breach: certified; the response ladder may start.
    Certified,
    /// Breach: contested or referred, it goes to leaders' sign-off. Tier:
    /// its clock ran out and silence meant `escalate`.
    Escalated,
    /// Breach: rejected by review, or its clock lapsed.
    Closed,
    /// Breach: a retraction took away evidence it rested on, and what
    /// remains no longer meets its trigger or standard.
    Withdrawn,
    /// Tier: fired; some order is still open.
    Fired,
    /// Tier: a sign-off tier waiting for its quorum or its deadline.
    AwaitingVotes,
    /// Tier: a reverse-veto tier inside its blocking period.
    PendingBlockWindow,
    /// Tier: a qualified block stood at the deadline (reverse veto).
    Blocked,
    /// Tier: a veto stood at the deadline (sign-off).
    Vetoed,
    /// Tier: the clock ran out and silence meant `lapse`.
    Lapsed,
    /// Tier: fired, and every order was completed.
    Completed,
    /// Tier: what it imposed was relieved on attested compliance. Relief
    /// item: attested to its standard, so what it gates is relieved.
    Relieved,
    /// Tier or relief item: relieved, then snapped back by a certified breach.
    Reimposed,
    /// Tier: its breach was withdrawn; the activation no longer stands.
    Superseded,
    /// Relief item: not (yet) attested to its standard; what it gates stays imposed.
    InForce,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::UnderReview => "under_review",
            Status::Certified => "certified",
            Status::Escalated => "escalated",
            Status::Closed => "closed",
            Status::Withdrawn => "withdrawn",
            Status::Fired => "fired",
            Status::AwaitingVotes => "awaiting_votes",
            Status::PendingBlockWindow => "pending_block_window",
            Status::Blocked => "blocked",
            Status::Vetoed => "vetoed",
            Status::Lapsed => "lapsed",
            Status::Completed => "completed",
            Status::Relieved => "relieved",
            Status::Reimposed => "reimposed",
            Status::Superseded => "superseded",
            Status::InForce => "in_force",
        }
    }

    /// The statuses of a breach.
    pub const BREACH: &'static [Status] = &[
        Status::Open,
        Status::UnderReview,
        Status::Certified,
        Status::Escalated,
        Status::Closed,
        Status::Withdrawn,
    ];

    /// The statuses of a tier's activation.
    pub const TIER: &'static [Status] = &[
        Status::Fired,
        Status::AwaitingVotes,
        Status::PendingBlockWindow,
        Status::Blocked,
        Status::Vetoed,
        Status::Lapsed,
        Status::Escalated,
        Status::Relieved,
        Status::Reimposed,
        Status::Superseded,
        Status::Completed,
    ];

    /// The statuses of a relief item.
    pub const RELIEF: &'static [Status] = &[Status::InForce, Status::Relieved, Status::Reimposed];
}

/// `[[expect]]`: an outcome written down from the framework's rules
/// **before** the scenario is run (HSEEP's "expected player action"). Each
/// names exactly one subject — `trigger`, `breaches`, `incidents`,
/// `incident`, `incident_of`, `rejected`, `duplicate`, `accepted`, `tier`,
/// `vote`, `order`, `deadlines_missed` or `relief` — and the conditions
/// that the subject allows (see "Expectations" below).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// Identifier, unique within the scenario; shown with ✓ or ✗.
    pub id: String,
    /// Why this outcome follows from the framework: the rule, the numbers.
    pub note: String,
    /// Subject: breaches of this trigger (a framework trigger id). With
    /// `breaches` or `tier`, a filter instead.
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
    /// The status of the subject at the end of the run: of a breach (or at
    /// `as_of`), of a tier's activation, or of a relief item (see
    /// [Status](#status) for which values each takes). With `certified =
    /// false` or `fired = false`, every breach or activation of the subject
    /// must have it.
    #[serde(default)]
    pub status: Option<Status>,
    /// The breach was (`true`) or was not (`false`) opened by accumulated
    /// sub-threshold incidents.
    #[serde(default)]
    pub accumulated: Option<bool>,
    /// The breach binds to this framework version (`[framework] version`):
    /// the one in force when its threshold was crossed.
    #[serde(default)]
    pub version: Option<String>,
    /// Judge as things stood at this time (after every decision recorded at
    /// or before it) instead of at the end: with `trigger`, `opened`,
    /// `certified` and `status`; with `tier`, `entered` and `fired`; with
    /// `relief`, `status`.
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
    /// With `rejected`: the engine's reason contains this text; with `vote`,
    /// the reason the vote does not count contains it (case is ignored).
    #[serde(default)]
    pub reason_contains: Option<String>,
    /// Subject: the input `party/source/message` was received again and
    /// absorbed as a duplicate.
    #[serde(default)]
    pub duplicate: Option<String>,
    /// Subject: the input `party/source/message` was accepted.
    #[serde(default)]
    pub accepted: Option<String>,
    /// Subject: the activations of this tier (a framework tier id) — for
    /// `breach`, or for the breaches of `trigger`, when given.
    #[serde(default)]
    pub tier: Option<String>,
    /// With `tier` or `deadlines_missed`: only this breach, by its engine id
    /// (`B1`, `B2`, … in order of opening).
    #[serde(default)]
    pub breach: Option<String>,
    /// `true`: the breach entered `tier` (an activation exists); `false`: it
    /// did not (no other condition).
    #[serde(default)]
    pub entered: Option<bool>,
    /// `true`: `tier` fired for the breach (whatever became of it later);
    /// `false`: it never fired.
    #[serde(default)]
    pub fired: Option<bool>,
    /// `tier` fired for the breach at or before this time.
    #[serde(default)]
    pub fired_by: Option<String>,
    /// Subject: the vote `party/source/message`, as the ladder recorded it
    /// (a vote the ladder refused is not recorded: use `rejected`).
    #[serde(default)]
    pub vote: Option<String>,
    /// With `vote`: `true`, the vote counts at the end of the run; `false`,
    /// it does not (late, after the tier was decided, or replaced by a later
    /// vote of the same party).
    #[serde(default)]
    pub counted: Option<bool>,
    /// Subject: one order, by its id `breach/tier/action` (e.g.
    /// `B1/t1-rails/a1-intel`).
    #[serde(default)]
    pub order: Option<String>,
    /// With `order`: `true`, the executing party reported it done (on time
    /// or late); `false`, it did not.
    #[serde(default)]
    pub completed: Option<bool>,
    /// With `order`: reported done at or before this time.
    #[serde(default)]
    pub completed_by: Option<String>,
    /// With `order`: `true`, it was open past its deadline (a missed
    /// deadline, even if completed later); `false`, it was not.
    #[serde(default)]
    pub missed: Option<bool>,
    /// Subject: the number of missed deadlines at the end (of `breach`, if given).
    #[serde(default)]
    pub deadlines_missed: Option<u32>,
    /// Subject: one relief checklist item (a framework relief item id).
    #[serde(default)]
    pub relief: Option<String>,
    /// With `relief`: relieved at or before this time (it may have been
    /// re-imposed since).
    #[serde(default)]
    pub relieved_by: Option<String>,
    /// With `relief`: re-imposed by a certified breach at or before this time.
    #[serde(default)]
    pub reimposed_by: Option<String>,
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
            "version",
            "as_of",
        ],
        meaning: "Breaches of one trigger. Met when some breach of `trigger` satisfies every condition given among `opened_by`, `certified_by`, `status`, `accumulated`, `version`, `opened = true`, `certified = true`. `opened = false`: no breach of `trigger` was opened (no other condition but `as_of`). `certified = false`: no breach of `trigger` was certified — a breach under review or escalated is not certified; with `status`, every breach of `trigger` has that status (and there is at least one). `as_of` judges `opened`, `certified` and `status` at that time instead of at the end.",
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
    Form {
        subject: "tier",
        conditions: &[
            "breach", "trigger", "entered", "fired", "fired_by", "status", "as_of",
        ],
        meaning: "The activations of one tier of the response ladder, for `breach` (or the breaches of `trigger`) if given. Met when some activation satisfies every condition given among `fired_by`, `status` (a tier status), `entered = true`, `fired = true`. `entered = false`: no activation of `tier` (for that breach or trigger) exists — no other condition. `fired = false`: none fired; with `status`, every such activation has that status (and there is at least one). Statuses are as at the end of the run; `as_of` judges `entered` and `fired` at that time instead (e.g. `fired = false` as of the moment before a quorum was reached).",
    },
    Form {
        subject: "vote",
        conditions: &["counted", "reason_contains"],
        meaning: "The vote `party/source/message` was recorded by the ladder; with `counted`, it counts (`true`) or does not (`false`) at the end of the run; with `reason_contains`, the reason it does not count contains that text. A party's last vote recorded before the deadline counts, whichever of its keys sent it; a vote recorded at or after the deadline is late.",
    },
    Form {
        subject: "order",
        conditions: &["completed", "completed_by", "missed"],
        meaning: "One order `breach/tier/action`, issued when the tier fired. `completed`: whether the executing party reported it done; `completed_by`: done at or before that time; `missed`: whether it was open past its deadline (an order completed late was missed). At least one condition.",
    },
    Form {
        subject: "deadlines_missed",
        conditions: &["breach"],
        meaning: "The number of orders open past their deadlines at the end of the run, of `breach` if given.",
    },
    Form {
        subject: "relief",
        conditions: &["status", "relieved_by", "reimposed_by", "as_of"],
        meaning: "One relief checklist item: its status at the end of the run (`in_force`, `relieved`, `reimposed`) or, with `as_of`, at that time; relieved by a time; re-imposed (snapback) by a time. At least one condition.",
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
    "version",
    "as_of",
    "kind",
    "count_low",
    "count_high",
    "contested",
    "reason_contains",
    "breach",
    "entered",
    "fired",
    "fired_by",
    "counted",
    "completed",
    "completed_by",
    "missed",
    "relieved_by",
    "reimposed_by",
];
