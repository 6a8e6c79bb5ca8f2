//! The catalogue of finding codes. Codes are stable: a code, once published,
//! keeps its meaning; retired codes are not reused.
//!
//! `docs/findings.md` is generated from [`CATALOGUE`] and a test keeps the
//! two in step; every code has a minimal pair under `test_data/pairs/`.

use base::Severity;
use serde::Serialize;

/// The area of a framework a finding concerns; each area has a score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    /// The file itself: syntax, fields, references.
    Structure,
    /// Breach triggers (MISSION T1, T2).
    Triggers,
    /// Evidence standards and the verification chain (T3–T7).
    Evidence,
    /// The response ladder: tiers, clocks, actions, funding (R1–R4, R6, L4).
    Response,
    /// Voting rules of tiers and amendments (R3, F3).
    Votes,
    /// Relief checklists and snapback (R5).
    Relief,
    /// Resupply and air defence (L1–L3).
    Logistics,
}

impl Area {
    pub const ALL: [Area; 7] = [
        Area::Structure,
        Area::Triggers,
        Area::Evidence,
        Area::Response,
        Area::Votes,
        Area::Relief,
        Area::Logistics,
    ];

    /// Weight of the area in the overall score; the weights add up to 100.
    pub fn weight(self) -> u32 {
        match self {
            Area::Structure => 10,
            Area::Triggers => 20,
            Area::Evidence => 20,
            Area::Response => 20,
            Area::Votes => 10,
            Area::Relief => 10,
            Area::Logistics => 10,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Area::Structure => "structure",
            Area::Triggers => "triggers",
            Area::Evidence => "evidence",
            Area::Response => "response",
            Area::Votes => "votes",
            Area::Relief => "relief",
            Area::Logistics => "logistics",
        }
    }
}

/// One entry of the catalogue.
#[derive(Clone, Copy, Debug)]
pub struct CodeInfo {
    pub code: &'static str,
    pub area: Area,
    pub severity: Severity,
    /// A short title.
    pub title: &'static str,
    /// Why it matters and what to do, for a reader who is not a programmer.
    pub help: &'static str,
}

macro_rules! catalogue {
    ($( $name:ident = $code:literal, $area:ident, $sev:ident, $title:literal, $help:literal; )*) => {
        $( pub const $name: &str = $code; )*
        /// Every finding code, in code order.
        pub const CATALOGUE: &[CodeInfo] = &[
            $( CodeInfo { code: $code, area: Area::$area, severity: Severity::$sev, title: $title, help: $help }, )*
        ];
    };
}

catalogue! {
    SYNTAX = "B001", Structure, Error, "the file is not valid TOML",
        "Fix the TOML syntax at the position shown; nothing after a syntax error can be trusted.";
    SCHEMA = "B002", Structure, Error, "a section or field is unknown, missing or of the wrong type",
        "Compare the item with docs/framework-reference.md: a misspelt field is ignored by nobody here, it is an error.";
    REFERENCE = "B003", Structure, Error, "a reference names nothing declared",
        "Declare the party, zone, standard, tier or other item, or correct the id: an unresolved reference means a trigger, vote or order that cannot work.";
    DUPLICATE = "B004", Structure, Error, "two items share one id",
        "Give each item its own id: evidence, votes and orders refer to items by id.";
    DURATION = "B005", Structure, Error, "a duration is missing its unit or is malformed",
        "Write durations with a unit — `48h`, `30d`, `1d12h`. A bare `48` is exactly the ambiguity a guarantee must not have.";
    GEOMETRY = "B006", Structure, Error, "a referenced file or a zone's geometry cannot be used",
        "Check the file path (relative to the framework file) and its content: a zone's file is GeoJSON with the geometry the zone needs; a sanctions package's `targets_file` is FollowTheMoney entities or target lines, one JSON object per line (docs/ingest.md); the access policy `policy.cedar` beside the framework is Cedar, and docs/authorization.md says what it may name.";
    MODEL_CYCLE = "B007", Structure, Error, "the weapon-model hierarchy has a cycle",
        "A model's parent chain must end at a root; break the cycle so that `covers` has a meaning.";
    CATEGORY_UNCOVERED = "B101", Triggers, Error, "a breach category has no trigger",
        "An attack of this kind would be met with an argument, not a response. Add a trigger for it, with a threshold, a window and an evidence standard.";
    PROBING_UNCOUNTED = "B102", Triggers, Error, "sub-threshold probing never accumulates",
        "Give at least one trigger an `accumulate` rule, so that repeated incidents below the threshold add up to a breach instead of being hand-waved away.";
    NO_THRESHOLD = "B103", Triggers, Error, "a trigger has no threshold",
        "Say how many launches, crossings or incidents make a breach; without a number every breach is debatable.";
    NO_WINDOW = "B104", Triggers, Error, "a trigger has no window",
        "Say over how long counts add up (e.g. `24h`); without a window a threshold cannot be measured.";
    NO_COUNT = "B105", Triggers, Error, "a trigger does not say which count it compares",
        "Say whether launched, hit, destroyed or incidents are counted: 40 launched and 3 hit are different breaches.";
    NO_RANGE_END = "B106", Triggers, Warning, "a trigger does not say which end of a disagreeing count it compares",
        "Reports disagree; say `range_end = \"low\"` (the cautious count) or `\"high\"`. The engine assumes `low`.";
    WINDOW_TOO_SHORT = "B107", Triggers, Warning, "a trigger's window is shorter than its sources' reporting period",
        "An interval report only counts when the window contains it, so reports from these sources can never count: lengthen the window or use faster sources.";
    NO_ATTRIBUTION = "B108", Triggers, Error, "a cyber or proxy trigger has no attribution standard",
        "Deniable attacks are the adversary's favourite; write the forensic threshold for attribution now, not during a blackout.";
    NO_EARLY_WARNING = "B109", Triggers, Warning, "there is no early-warning trigger",
        "Add a `buildup` trigger for indicators of preparation, so that partners act before the attack, not after.";
    NO_STANDARD = "B110", Triggers, Error, "a trigger has no evidence standard",
        "Name the evidence standard that certifies this breach; otherwise every breach can be disputed forever.";
    NO_TIER = "B111", Triggers, Error, "a trigger leads to no tier of the ladder",
        "Name the tier a certified breach enters; a trigger that sets nothing in motion deters nothing.";
    NO_LINE = "B112", Triggers, Warning, "a crossing trigger names no line",
        "Armour across a line needs the line: name a `line` zone in `zones`.";
    UNKNOWN_KIND = "B113", Triggers, Note, "a trigger counts an observation kind that is not a well-known one",
        "Sources and converters report the well-known kinds (docs/wire-format.md); a kind of the framework's own is fine if its sources use it, but check it is not a misspelling.";
    SINGLE_PARTY = "B201", Evidence, Error, "one party's sources can satisfy the standard alone",
        "Require at least two independent parties (or a neutral source besides the reporting party), so that no single party can certify, or deny, a breach by itself.";
    UNSATISFIABLE = "B202", Evidence, Error, "no declared sources can ever satisfy the standard",
        "Accept more source classes, or more parties operating them, or lower the independence required: as written, no breach can ever be certified.";
    HIDDEN_SOURCES = "B203", Evidence, Warning, "voters must decide on sources they cannot see",
        "Release the sources to every voter, or accept sources they can see; a leader asked to sign off on evidence they cannot see will hesitate.";
    NO_CONFIDENCE = "B204", Evidence, Warning, "a standard sets no minimum confidence",
        "Set `min_confidence` in basis points (e.g. 8000), so that a weak case is not certified.";
    NO_STANDARDS = "B205", Evidence, Error, "there are no evidence standards",
        "Without written evidence standards every breach is argued after the fact. Declare at least one standard: which independent sources must corroborate, and with what confidence.";
    NOT_ON_RAILS = "B301", Response, Error, "no action within 48 hours of the event",
        "The first response must be on rails: an automatic (or reverse-veto) tier whose evidence, review and first order all fit in 48 hours of the event.";
    NO_EXECUTOR = "B302", Response, Error, "an action names no executing party",
        "Say who does it; an order addressed to nobody is carried out by nobody.";
    NO_DEADLINE = "B303", Response, Error, "an action has no deadline",
        "Give the order a deadline counted from the tier's activation, e.g. `24h`.";
    NO_AUTHORITY = "B304", Response, Error, "an action names no legal authority",
        "Name the existing law or article it rests on, so that the order does not wait on new legislation.";
    NO_FUNDING = "B305", Response, Error, "an action names no funding tranche",
        "Name the pre-funded tranche that pays for it, so that the response does not wait on a midnight vote.";
    NO_OUTCOME = "B306", Response, Error, "a clock does not say what happens when it runs out",
        "Say what silence means — `fire`, `lapse` or `escalate` (with `escalate_to`) — so that running out the clock is not a veto.";
    UNREACHABLE_TIER = "B307", Response, Error, "a tier can never be reached",
        "No trigger enters this tier and no escalation leads to it: connect it, or remove it.";
    ESCALATION_CYCLE = "B308", Response, Error, "escalations form a cycle",
        "Escalation must climb: a cycle sends a breach round the ladder forever.";
    NO_CLOCK = "B309", Response, Error, "a consultation, review or sign-off has no clock",
        "Give it a duration in hours; consultation without a clock is how guarantees die in committee.";
    NO_ACTIONS = "B310", Response, Warning, "a tier orders nothing",
        "Add the actions the tier orders, each with its executor, deadline, authority and funding.";
    UNFUNDED_TRANCHE = "B311", Response, Warning, "an action's tranche still waits on a vote",
        "The money behind this order is not yet there; pre-fund the tranche or choose a funded one.";
    NO_MODE = "B312", Response, Error, "a tier does not say how it is decided",
        "Set `mode` to `automatic`, `reverse_veto` or `sign_off`.";
    NO_TARGETS = "B313", Response, Warning, "a sanctions package has no target list",
        "List the package's targets (or a target file) in advance, so that it can be imposed the day it is needed.";
    ADVERSARY_VOTES = "B401", Votes, Error, "the adversary is in an electorate",
        "The party to be deterred must not vote on, or veto, the response to its own breach. Remove it from the electorate.";
    SOLE_BLOCKER = "B402", Votes, Warning, "one party can block the decision alone",
        "This is a veto under another name. Consider the reverse-veto form: the tier fires at its deadline unless a qualified majority blocks it.";
    QUORUM_UNREACHABLE = "B403", Votes, Error, "the quorum can never be reached",
        "The quorum exceeds the electorate's total weight or size; lower it or widen the electorate.";
    NO_VOTE_RULE = "B404", Votes, Error, "a voted tier has no complete voting rule",
        "A sign-off tier needs an electorate and a quorum; a reverse-veto tier needs an electorate and a blocking threshold.";
    NO_ATTESTATION = "B501", Relief, Error, "a relief item has no attestation standard",
        "Relief must be earned on verified compliance: name the evidence standard an attestation must meet.";
    ADVERSARY_WORD = "B502", Relief, Error, "relief rests on the adversary's word",
        "The adversary's own statement must never suffice: require independent sources that the adversary does not operate.";
    NO_SNAPBACK = "B503", Relief, Error, "relief has no snapback",
        "Say which certified breaches re-impose what this item relieves (`violated_by`), or set `snapback_all = true`.";
    NO_RELIEF = "B504", Relief, Error, "there is no relief checklist",
        "Relief must be earned by verified compliance — pullback lines, de-mining, prisoner exchanges, monitors' access — and lost again on violation. Declare `[[relief.item]]` entries.";
    NO_SCHEDULE = "B601", Logistics, Error, "a commitment has no delivery schedule",
        "Give 30/60/90-day delivery steps: a commitment without dates is a wish list.";
    BAD_SCHEDULE = "B602", Logistics, Warning, "a delivery schedule is inconsistent",
        "Steps must come in day order, never decrease, and reach the committed quantity.";
    AD_CAPACITY = "B603", Logistics, Error, "the declared air-defence units cannot cover the sites",
        "Even with every unit in place and none in overhaul, some sites stay uncovered: add units or lower the requirement.";
    AD_NO_SYSTEM = "B604", Logistics, Error, "a site accepts no declared unit's system",
        "No declared unit can cover this site; add a unit of an accepted system.";
    AD_ROTATION_GAP = "B605", Logistics, Warning, "overhauls leave the sites uncovered on average",
        "Counting the time units spend in overhaul, there are not enough to keep every site covered; add units or spares.";
    NO_COMMITMENTS = "B606", Logistics, Error, "there are no resupply commitments",
        "Add resupply commitments with schedules; deterrence needs warehouses, not wish lists.";
    HUB_MISMATCH = "B607", Logistics, Warning, "a unit's maintenance hub cannot overhaul its system",
        "Send the unit to a hub that supports its system, or add the system to the hub: otherwise its overhaul has nowhere to happen.";
    BAD_STOCK = "B608", Logistics, Error, "a stock line is inconsistent",
        "A `[[stock]]` line needs a stock on hand of zero or more, a daily consumption above zero, a surge rate at least the normal one with a number of days it lasts, and a floor of at least one day: otherwise its days of supply mean nothing.";
    STOCK_UNREPLENISHED = "B609", Logistics, Warning, "no commitment replenishes a stock line",
        "No `[[commitment]]` of the stock's category and unit delivers into it, so every day of consumption is lost for good: add a commitment, or write the category and unit exactly as the commitments do.";
    STOCK_BELOW_FLOOR = "B610", Logistics, Warning, "a stock line starts below its floor",
        "At entry into force the stock already lasts fewer days than its alert floor at the normal rate: the alert is raised from the first day. Raise the stock on hand, or say why the floor is set where it is.";
    BAD_SURGE = "B611", Logistics, Error, "an air-defence surge is inconsistent",
        "A `[tier.action.surge]` belongs to an `air_defence_surge` action and asks for at least one more unit, at one site or more, for at least a day: otherwise the planner cannot re-plan for it.";
}

/// Codes that mean an area is missing entirely: any of them sets its
/// area's score to 0, whatever else is found there.
pub const AREA_ABSENT: &[&str] = &[NO_STANDARDS, NO_RELIEF, NO_COMMITMENTS];

/// The catalogue entry of `code`.
pub fn info(code: &str) -> Option<&'static CodeInfo> {
    CATALOGUE.iter().find(|c| c.code == code)
}
