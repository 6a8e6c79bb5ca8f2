//! The input types. Field names are the wire format's; changing one is a
//! change of `WIRE_VERSION`.

use std::collections::BTreeMap;
use std::fmt;

use base::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Name;

/// An input's identity: (party, source, message). The same identity with
/// the same bytes is a duplicate; with other bytes, a conflict.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct InputId {
    /// The submitting party (a framework party id).
    pub party: Name,
    /// The party's source: a sensor, a cell, a desk — free text, stable.
    pub source: Name,
    /// The message id, unique within the source. For Cursor-on-Target,
    /// the event's `uid` and `time` together.
    pub message: Name,
}

impl fmt::Display for InputId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.party, self.source, self.message)
    }
}

/// When something was observed: a moment, or an interval report
/// (`from` ≤ `to`; e.g. a General Staff report for 06:00–14:00).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Observed {
    /// Start of the interval (or the moment).
    pub from: Timestamp,
    /// End of the interval; equal to `from` for a moment. Absent means a moment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Timestamp>,
}

impl Observed {
    pub fn at(t: Timestamp) -> Observed {
        Observed { from: t, to: None }
    }

    pub fn end(&self) -> Timestamp {
        self.to.unwrap_or(self.from)
    }
}

/// A fixed-point position: integers of 10⁻⁷ degree (WGS 84).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct Point {
    /// Longitude in 10⁻⁷ degree, east positive: −1800000000 to 1800000000.
    pub lon_e7: i32,
    /// Latitude in 10⁻⁷ degree, north positive: −900000000 to 900000000.
    pub lat_e7: i32,
}

/// A point of a track, with its time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackPoint {
    /// Longitude in 10⁻⁷ degree, east positive: −1800000000 to 1800000000.
    pub lon_e7: i32,
    /// Latitude in 10⁻⁷ degree, north positive: −900000000 to 900000000.
    pub lat_e7: i32,
    /// When the object was at this position; not before the point ahead of it.
    pub at: Timestamp,
}

/// Where: a point (with an optional error radius), a framework zone, or a
/// track. At most one of `point`, `zone` and `track`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Place {
    /// A position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub point: Option<Point>,
    /// Circular error around `point`, in metres: the true position is within
    /// this distance. Only with `point`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_m: Option<u32>,
    /// A zone of the framework (an area such as a region, or the whole country).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    /// A track: positions in time order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub track: Vec<TrackPoint>,
}

/// Well-known observation kinds. `kind` is open: a framework may name its
/// own (`seizure_of_buildings`, `mine_laying`, …) in a trigger's `kinds`;
/// these are the ones every category counts by default.
pub mod kinds {
    pub const MISSILE_LAUNCH: &str = "missile_launch";
    pub const MISSILE_IMPACT: &str = "missile_impact";
    pub const DRONE_LAUNCH: &str = "drone_launch";
    pub const DRONE_IMPACT: &str = "drone_impact";
    pub const ARMOUR_MOVEMENT: &str = "armour_movement";
    /// A crossing of a line (the line is the place's zone).
    pub const LINE_CROSSING: &str = "line_crossing";
    pub const ARTILLERY_FIRE: &str = "artillery_fire";
    pub const CYBER_INTRUSION: &str = "cyber_intrusion";
    pub const SABOTAGE: &str = "sabotage";
    pub const PROXY_ATTACK: &str = "proxy_attack";
    pub const AIRSPACE_VIOLATION: &str = "airspace_violation";
    pub const MARITIME_VIOLATION: &str = "maritime_violation";
    /// An indicator of military build-up (early warning).
    pub const BUILDUP_INDICATOR: &str = "buildup_indicator";
    /// Monitors were denied access.
    pub const ACCESS_DENIED: &str = "access_denied";
    /// Every well-known kind.
    pub const ALL: &[&str] = &[
        MISSILE_LAUNCH,
        MISSILE_IMPACT,
        DRONE_LAUNCH,
        DRONE_IMPACT,
        ARMOUR_MOVEMENT,
        LINE_CROSSING,
        ARTILLERY_FIRE,
        CYBER_INTRUSION,
        SABOTAGE,
        PROXY_ATTACK,
        AIRSPACE_VIOLATION,
        MARITIME_VIOLATION,
        BUILDUP_INDICATOR,
        ACCESS_DENIED,
    ];
}

/// Counts reported for an event. Absent counts are unknown, not zero.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Counts {
    /// Launched (fired, sent off) in the event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launched: Option<u32>,
    /// Destroyed or intercepted before reaching a target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destroyed: Option<u32>,
    /// Reached a target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hit: Option<u32>,
    /// Neither destroyed nor reached a target (lost, jammed, fell short).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_reached: Option<u32>,
    /// Crossings of the line (the place's zone): vehicles, people or craft.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crossings: Option<u32>,
    /// People killed or wounded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub casualties: Option<u32>,
}

/// Who did it, how sure, and on what basis.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Attribution {
    /// The party held responsible (a framework party id, or a free name for a proxy).
    pub actor: String,
    /// Confidence in basis points (0–10000).
    pub confidence_bp: u16,
    /// The bases, e.g. `malware_signature`, `infrastructure_overlap`, `command_link`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub basis: Vec<String>,
}

/// Who may see an input.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Releasability {
    /// `public`, `parties` (the default) or `restricted`.
    #[serde(default, skip_serializing_if = "is_default_visibility")]
    pub visibility: Visibility,
    /// With `restricted`: the parties that may see it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to: Vec<String>,
}

/// Who may see an input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Anyone, including the public.
    Public,
    /// Every party of the framework (the default).
    #[default]
    Parties,
    /// Only the parties listed in `to`; logged as a salted commitment.
    Restricted,
}

fn is_default_visibility(v: &Visibility) -> bool {
    *v == Visibility::Parties
}

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

/// A report of something seen, by one party's source of one class.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Observation {
    /// The input's identity: who sent it, from which source, which message.
    pub id: InputId,
    /// The source class (a framework `source_class` id).
    pub class: String,
    /// Inputs this one is derived from (a re-report is not independent evidence).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub derived_from: Vec<InputId>,
    /// When it was seen, as the party claims: a moment or an interval.
    pub observed: Observed,
    /// Where it was seen. Absent: nowhere in particular (e.g. a cyber event).
    #[serde(default, skip_serializing_if = "is_default")]
    pub place: Place,
    /// What was observed: a well-known kind (`missile_launch`, `drone_launch`,
    /// `armour_movement`, `line_crossing`, `artillery_fire`, `cyber_intrusion`,
    /// `sabotage`, `proxy_attack`, `airspace_violation`, `maritime_violation`,
    /// `buildup_indicator`, `access_denied`, …) or one a framework's trigger names.
    pub kind: String,
    /// How many. Absent counts are unknown, not zero.
    #[serde(default, skip_serializing_if = "is_default")]
    pub counts: Counts,
    /// Weapon model (a framework `weapon_model` id; a general model covers its refinements).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weapon: Option<String>,
    /// Target category, e.g. `energy`, `civilian`, `military`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Who the source holds responsible, if it says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<Attribution>,
    /// The source's confidence in this report, in basis points (0–10000).
    pub confidence_bp: u16,
    /// Who may see it. Absent: every party of the framework.
    #[serde(default, skip_serializing_if = "is_default")]
    pub releasability: Releasability,
    /// Free attributes (string values), kept and logged, never decisive.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<Name, String>,
}

/// A vote on a tier for a breach.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Vote {
    /// The input's identity: who sent it, from which source, which message.
    pub id: InputId,
    /// The breach voted on.
    pub breach: String,
    /// The tier voted on.
    pub tier: String,
    /// The party's choice. Its last vote recorded before the deadline counts.
    pub choice: Choice,
}

/// A vote's choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    /// In favour (sign-off).
    For,
    /// Against (sign-off), without a veto.
    Against,
    /// A veto (by a veto holder).
    Veto,
    /// A block (reverse-veto tiers).
    Block,
    /// Withdraws an earlier block.
    Withdraw,
}

/// An attestation that a relief checklist item is (or is not) complied with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Attestation {
    /// The input's identity: who sent it, from which source, which message.
    pub id: InputId,
    /// The relief item.
    pub item: String,
    /// The source class of the attesting source.
    pub class: String,
    /// `true`: the item is complied with; `false`: it is not.
    pub complies: bool,
    /// The moment or period the attestation covers.
    pub observed: Observed,
    /// The source's confidence in this attestation, in basis points (0–10000).
    pub confidence_bp: u16,
    /// Inputs this one is derived from (a re-report is not independent evidence).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub derived_from: Vec<InputId>,
    /// Free text for people; never decisive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The technical cell's review of a breach.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Review {
    /// The input's identity: who sent it, from which source, which message.
    pub id: InputId,
    /// The breach reviewed.
    pub breach: String,
    /// What the review found.
    pub finding: Finding,
    /// Free text for people; never decisive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A review's finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Finding {
    /// The evidence proves the breach.
    Certify,
    /// The evidence does not prove it.
    Reject,
    /// The facts are contested: escalate to sign-off.
    Contest,
}

/// An executing party's report on an order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderReport {
    /// The input's identity: who sent it, from which source, which message.
    pub id: InputId,
    /// The order (an action activated for a breach).
    pub order: String,
    /// How far the order was carried out.
    pub status: OrderStatus,
    /// Free text for people; never decisive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// How far an order was carried out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Carried out in full: the order is closed.
    Done,
    /// Carried out in part: the order stays open.
    Partial,
    /// Could not be carried out.
    Failed,
}

/// One step of a delivery against a commitment, reported by the party that
/// owns it. A delivery (a *shipment*) is a chain — `committed` →
/// `allocated` → `shipped` → `received` — whose first three steps are the
/// committing party's and whose last is the protected state's: only a
/// `received` step counts as delivered (docs/supply.md).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Delivery {
    /// The input's identity: who sent it, from which source, which message.
    pub id: InputId,
    /// The commitment delivered against (a framework `commitment` id).
    pub commitment: String,
    /// The delivery's own id, unique within its commitment: every step of
    /// the same delivery names the same shipment.
    pub shipment: String,
    /// Which step of the chain this input reports.
    pub step: DeliveryStep,
    /// How many units, in the commitment's unit: 0 to 9007199254740991
    /// (2⁵³ − 1, the largest the canonical encoding keeps exactly). A
    /// receipt of 0 says the shipment arrived with nothing usable.
    pub quantity: i64,
    /// When the step happened: promised, earmarked, handed over, taken in.
    pub at: Timestamp,
    /// Free text for people; never decisive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The steps of a delivery, in their order. Named `DeliveryStep` in code so
/// that it is not confused with the engine's `Step` (a decision); on the
/// wire it is the field `step`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStep {
    /// The committing party commits this shipment (a quantity of the commitment).
    Committed,
    /// The committing party earmarks it: stock or a contract set aside.
    Allocated,
    /// The committing party hands it over for transport.
    Shipped,
    /// The protected state takes it in: the only step that counts as delivered.
    Received,
}

impl DeliveryStep {
    /// Every step, in chain order.
    pub const ALL: [DeliveryStep; 4] = [
        DeliveryStep::Committed,
        DeliveryStep::Allocated,
        DeliveryStep::Shipped,
        DeliveryStep::Received,
    ];

    /// The step's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStep::Committed => "committed",
            DeliveryStep::Allocated => "allocated",
            DeliveryStep::Shipped => "shipped",
            DeliveryStep::Received => "received",
        }
    }
}

impl fmt::Display for DeliveryStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Withdraws an earlier input; opens a review of what rested on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Retraction {
    /// The input's identity: who sent it, from which source, which message.
    pub id: InputId,
    /// The input withdrawn.
    pub retracts: InputId,
    /// Why, for people.
    pub reason: String,
}

/// Records that a new framework version is in force.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Amendment {
    /// The input's identity: who sent it, from which source, which message.
    pub id: InputId,
    /// The new version's `[framework] version`.
    pub version: String,
    /// The new version's identity hash: SHA-256 over the framework and every
    /// file it references, in lowercase hexadecimal.
    pub framework_hash: String,
}

/// Downtime of the sequencer, recorded by the sequencer itself once it is
/// back (so `until` is at or before the time it is recorded). Clocks that
/// wait on parties — sign-off and block windows — are extended by it, since
/// nobody could vote while it lasted; automatic tiers and order deadlines
/// are not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Outage {
    /// The input's identity: who sent it, from which source, which message.
    pub id: InputId,
    /// When the sequencer stopped recording.
    pub from: Timestamp,
    /// When it recorded again; after `from`.
    pub until: Timestamp,
    /// Free text for people (the cause); never decisive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One input, as carried on the wire.
// Observations are nearly every input: boxing them would allocate for the
// common case to save memory on the rare ones.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Input {
    Observation(Observation),
    Vote(Vote),
    Attestation(Attestation),
    Review(Review),
    OrderReport(OrderReport),
    Delivery(Delivery),
    Retraction(Retraction),
    Amendment(Amendment),
    Outage(Outage),
}

impl Input {
    pub fn id(&self) -> &InputId {
        match self {
            Input::Observation(x) => &x.id,
            Input::Vote(x) => &x.id,
            Input::Attestation(x) => &x.id,
            Input::Review(x) => &x.id,
            Input::OrderReport(x) => &x.id,
            Input::Delivery(x) => &x.id,
            Input::Retraction(x) => &x.id,
            Input::Amendment(x) => &x.id,
            Input::Outage(x) => &x.id,
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Input::Observation(_) => "observation",
            Input::Vote(_) => "vote",
            Input::Attestation(_) => "attestation",
            Input::Review(_) => "review",
            Input::OrderReport(_) => "order_report",
            Input::Delivery(_) => "delivery",
            Input::Retraction(_) => "retraction",
            Input::Amendment(_) => "amendment",
            Input::Outage(_) => "outage",
        }
    }
}
