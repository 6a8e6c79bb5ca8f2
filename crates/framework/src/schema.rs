//! The framework file's syntax: one Rust type per table of the TOML file.
//!
//! These types are a stability boundary: `docs/framework-reference.md` is
//! generated from them (doc comments included), and a test fails when the
//! two differ. Fields that a framework *should* have but might omit are
//! `Option`s, so that the checker, not the parser, reports their absence
//! with an explanation.

use std::collections::BTreeMap;

use base::{BasisPoints, Duration};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `[framework]`: identity and amendment of the framework.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// Short stable identifier, e.g. `ukraine-2025`.
    pub id: String,
    /// Human title.
    #[serde(default)]
    pub title: String,
    /// Version of this text, e.g. `1.2`. Each amendment gets a new version.
    pub version: String,
    /// Version this one amends, if any.
    #[serde(default)]
    pub supersedes: Option<String>,
    /// Date the text was adopted (`YYYY-MM-DD`).
    #[serde(default)]
    pub adopted: Option<String>,
    /// The voting rule that governs amendments to this framework.
    #[serde(default)]
    pub amendment: Option<VoteRule>,
}

/// A party's role in the framework.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Commits to respond to breaches.
    Guarantor,
    /// Contributes to the coalition without a guarantor's obligations.
    Contributor,
    /// The state whose security is guaranteed.
    ProtectedState,
    /// The party whose breaches the framework deters.
    Adversary,
    /// An observer or verification body (ground monitors, the technical cell).
    Monitor,
}

/// `[[party]]`: a state, coalition or organisation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Party {
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// One or more of `guarantor`, `contributor`, `protected_state`, `adversary`, `monitor`.
    pub roles: Vec<Role>,
    /// For a coalition or organisation: the members it speaks for (names, free text).
    #[serde(default)]
    pub members: Vec<String>,
}

/// Legal form of an instrument.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LegalForm {
    /// Ratified by parliaments; the strongest form.
    Treaty,
    /// Concluded by governments without ratification; may rely on annual funding votes.
    ExecutiveAgreement,
    /// A political commitment (e.g. a memorandum of understanding).
    Memorandum,
    /// A political framework with legally binding annexes.
    Hybrid,
    /// A joint statement with no legal force.
    PoliticalDeclaration,
    /// A resolution of a UN body.
    UnResolution,
}

/// Bilateral web or one multilateral pact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Between two parties (one strand of a web of agreements).
    Bilateral,
    /// One pact among many parties.
    Multilateral,
}

/// `[[instrument]]`: a legal instrument (treaty, agreement, memorandum …) and its articles.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Instrument {
    pub id: String,
    #[serde(default)]
    pub title: String,
    pub form: LegalForm,
    pub scope: Scope,
    /// Parties bound by the instrument.
    pub parties: Vec<String>,
    /// Date of signature (`YYYY-MM-DD`).
    #[serde(default)]
    pub signed: Option<String>,
    /// `[[instrument.article]]`: the articles, in order.
    #[serde(default, rename = "article")]
    pub articles: Vec<Article>,
    /// Who may see this item: `public`, `parties` (the default) or `restricted`.
    #[serde(default)]
    pub visibility: Visibility,
    /// With `visibility = "restricted"`: the parties that may see it.
    #[serde(default)]
    pub releasable_to: Vec<String>,
}

/// Which layer of the text an article belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    /// A principle ("an attack on one …").
    Principle,
    /// The operational annex: contingency plans, clocks, orders.
    Operational,
}

/// `[[instrument.article]]`: an article's text beside its operational meaning.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Article {
    pub id: String,
    #[serde(default)]
    pub title: String,
    /// The article's text (paraphrased where the original is not public).
    pub text: String,
    pub layer: Layer,
    /// Ids of the triggers, standards, tiers, actions, packages or relief
    /// items that give this article operational effect.
    #[serde(default)]
    pub implements: Vec<String>,
    /// Who may see this item: `public`, `parties` (the default) or `restricted`.
    #[serde(default)]
    pub visibility: Visibility,
    /// With `visibility = "restricted"`: the parties that may see it.
    #[serde(default)]
    pub releasable_to: Vec<String>,
}

/// Contribution categories of the menu.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MenuCategory {
    /// Troops of a reassurance force.
    ReassuranceForce,
    /// Air-defence systems, crews, interceptors.
    AirDefence,
    /// Maritime security, naval rotations.
    Maritime,
    /// Intelligence, surveillance and reconnaissance assets.
    Isr,
    /// Sharing of intelligence products.
    IntelligenceSharing,
    /// Training missions.
    Training,
    /// Munitions and spare parts.
    Munitions,
    /// Money: budgets, windfall proceeds, loans.
    Financing,
    /// De-mining.
    Demining,
    /// Cyber defence and rapid-assist teams.
    Cyber,
}

/// `[[menu]]`: one item of the contributions menu.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MenuItem {
    pub id: String,
    pub category: MenuCategory,
    #[serde(default)]
    pub description: String,
}

/// `[[selection]]`: a party's chosen level of involvement in a menu item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Selection {
    pub party: String,
    /// The menu item's id.
    pub item: String,
    /// Level of involvement in words, e.g. `lead nation` or `two frigates on rotation`.
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub quantity: Option<i64>,
    #[serde(default)]
    pub unit: Option<String>,
    /// Who may see this item: `public`, `parties` (the default) or `restricted`.
    #[serde(default)]
    pub visibility: Visibility,
    /// With `visibility = "restricted"`: the parties that may see it.
    #[serde(default)]
    pub releasable_to: Vec<String>,
}

/// `[[posture]]`: a force-posture target.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PostureTarget {
    pub id: String,
    /// The party that fields the force.
    pub party: String,
    /// What is measured, e.g. `active-duty personnel`.
    pub measure: String,
    /// Lower bound of the target range.
    pub min: i64,
    /// Upper bound of the target range (equal to `min` for a point target).
    #[serde(default)]
    pub max: Option<i64>,
    #[serde(default)]
    pub unit: String,
    /// Where the force is stationed (a zone id).
    #[serde(default)]
    pub zone: Option<String>,
    /// Date by which the target should be met (`YYYY-MM-DD`).
    #[serde(default)]
    pub by: Option<String>,
    /// Who may see this item: `public`, `parties` (the default) or `restricted`.
    #[serde(default)]
    pub visibility: Visibility,
    /// With `visibility = "restricted"`: the parties that may see it.
    #[serde(default)]
    pub releasable_to: Vec<String>,
}

/// Shape of a zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ZoneKind {
    /// A polygon (an area of operations, a demilitarised zone, a protected city).
    Area,
    /// A line string (a line of contact, a pullback line, a maritime boundary).
    Line,
}

/// `[[zone]]`: an area or line, inline or from a GeoJSON file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Zone {
    pub id: String,
    #[serde(default)]
    pub name: String,
    pub kind: ZoneKind,
    /// Inline geometry: `[longitude, latitude]` pairs in degrees (WGS 84).
    /// An area's ring need not repeat its first point.
    #[serde(default)]
    pub points: Option<Vec<[f64; 2]>>,
    /// A GeoJSON (RFC 7946) file, relative to the framework file.
    #[serde(default)]
    pub file: Option<String>,
    /// Which feature of `file` to use: matched against the feature's `id` or
    /// its `name`/`shapeName` property. The first feature when absent.
    #[serde(default)]
    pub feature: Option<String>,
    /// The area zone that contains this one (a region within the country).
    /// Reports for a containing area replace the reports for its parts.
    #[serde(default)]
    pub within: Option<String>,
}

/// Kind of source of evidence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// Radar tracks.
    Radar,
    /// Allied ISR feeds (airborne, signals).
    Isr,
    /// Satellite imagery.
    Satellite,
    /// The protected state's General Staff reports.
    GeneralStaff,
    /// Ground monitors of a monitoring mission.
    GroundMonitor,
    /// Cyber forensics: logs, signatures, infrastructure.
    CyberForensics,
    /// The independent technical cell that timestamps launches, impacts and signatures.
    TechnicalCell,
    /// Official air-raid alerts.
    AirRaidAlert,
    /// Open-source reporting.
    OpenSource,
    /// Statements by a party about its own conduct.
    SelfReport,
}

/// Who may see a part of the framework or the inputs it governs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Shown on the public dashboard.
    Public,
    /// Every party of the framework (the default).
    #[default]
    Parties,
    /// Only the parties listed in `releasable_to`.
    Restricted,
}

/// `[[source_class]]`: a class of evidence sources.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceClass {
    pub id: String,
    #[serde(default)]
    pub name: String,
    pub kind: SourceKind,
    /// Parties that operate sources of this class and submit their reports.
    pub operated_by: Vec<String>,
    /// True for a neutral source (a monitor, the technical cell).
    #[serde(default)]
    pub neutral: bool,
    /// How much older than its recording an observation may be and still
    /// open a breach; older ones may only join an existing incident.
    #[serde(default)]
    pub late_max: Option<Duration>,
    /// How often the class reports (the length of its interval reports).
    #[serde(default)]
    pub reporting_period: Option<Duration>,
    #[serde(default)]
    pub visibility: Visibility,
    /// With `visibility = "restricted"`: the parties that may see these reports.
    #[serde(default)]
    pub releasable_to: Vec<String>,
}

/// `[[weapon_model]]`: a node of the weapon-model hierarchy
/// (`Unknown UAV` covers every UAV model below it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WeaponModel {
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// The more general model this one refines.
    #[serde(default)]
    pub parent: Option<String>,
}

/// What silence means when a clock runs out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The tier fires (for a review clock: the breach is certified).
    Fire,
    /// Nothing happens; the matter closes.
    Lapse,
    /// The matter moves to `escalate_to` (a sign-off tier).
    Escalate,
}

/// A clock: a duration and what its expiry means.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Clock {
    #[serde(default)]
    pub duration: Option<Duration>,
    #[serde(default)]
    pub on_expiry: Option<Outcome>,
    /// With `on_expiry = "escalate"`: the tier that takes over.
    #[serde(default)]
    pub escalate_to: Option<String>,
}

/// How a cyber or proxy attack is attributed to the adversary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Attribution {
    /// Minimum confidence of the attribution.
    pub min_confidence: BasisPoints,
    /// The forensic or intelligence bases accepted, e.g. `malware_signature`,
    /// `infrastructure_overlap`, `command_link`, `funding_link`.
    pub basis: Vec<String>,
    /// The source class whose finding carries the attribution.
    #[serde(default)]
    pub by: Option<String>,
}

/// `[[standard]]`: an evidence standard — what it takes to certify a breach.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceStandard {
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// Source classes whose observations count toward this standard.
    pub classes: Vec<String>,
    /// Minimum number of distinct source classes that must corroborate.
    #[serde(default)]
    pub independent_classes: Option<u32>,
    /// Minimum number of distinct parties whose sources must corroborate.
    #[serde(default)]
    pub independent_parties: Option<u32>,
    /// True if one corroborating source must be neutral.
    #[serde(default)]
    pub neutral: bool,
    /// Minimum combined confidence.
    #[serde(default)]
    pub min_confidence: Option<BasisPoints>,
    /// Attribution standard (required for cyber and proxy triggers).
    #[serde(default)]
    pub attribution: Option<Attribution>,
    /// Review by the technical cell before certification, with its clock.
    #[serde(default)]
    pub review: Option<Clock>,
    /// Who may see this item: `public`, `parties` (the default) or `restricted`.
    #[serde(default)]
    pub visibility: Visibility,
    /// With `visibility = "restricted"`: the parties that may see it.
    #[serde(default)]
    pub releasable_to: Vec<String>,
}

/// Breach categories (MISSION T1, T2).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Missile strikes and salvos.
    Missile,
    /// Drone strikes and swarms.
    Drone,
    /// Armoured thrusts across an agreed line.
    Armour,
    /// Artillery fire.
    Artillery,
    /// Sabotage.
    Sabotage,
    /// Cyber attacks on critical infrastructure (grid, command systems).
    Cyber,
    /// Proxy, deniable or grey-zone attacks.
    Proxy,
    /// Airspace violations.
    Airspace,
    /// Maritime violations.
    Maritime,
    /// Armed attack in general.
    ArmedAttack,
    /// Nuclear use or threat of use.
    Nuclear,
    /// Early warning: indicators of build-up before any attack.
    Buildup,
}

/// Which count of an incident a trigger compares with its threshold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CountKind {
    /// Weapons launched.
    Launched,
    /// Weapons destroyed in flight.
    Destroyed,
    /// Weapons that hit.
    Hit,
    /// Weapons that did not reach a target (lost, jammed).
    NotReached,
    /// Incidents (one per fused event).
    Incidents,
    /// Crossings of a line.
    Crossings,
    /// People killed or wounded.
    Casualties,
}

/// Which end of a disagreeing count range a trigger compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RangeEnd {
    /// The cautious end: max(containing report, sum of its parts).
    Low,
    /// The largest single report.
    High,
}

/// How sub-threshold events of a trigger accumulate into a breach.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Accumulate {
    /// The window over which sub-threshold incidents add up.
    pub window: Duration,
    /// Number of sub-threshold incidents in `window` that make a breach.
    pub incidents: u32,
}

/// `[[trigger]]`: a named breach trigger with a measurable threshold.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    pub id: String,
    #[serde(default)]
    pub name: String,
    pub category: Category,
    /// Observation kinds that count, e.g. `missile_launch`, `armour_movement`.
    #[serde(default)]
    pub kinds: Vec<String>,
    /// Zones where the trigger applies; a crossing trigger names a line.
    #[serde(default)]
    pub zones: Vec<String>,
    /// Target categories that count, e.g. `energy`, `civilian`, `military`.
    #[serde(default)]
    pub target_categories: Vec<String>,
    /// Weapon models that count (a model covers its descendants).
    #[serde(default)]
    pub weapons: Vec<String>,
    /// Window of observed time over which counts add up.
    #[serde(default)]
    pub window: Option<Duration>,
    /// The count at or above which the trigger is crossed.
    #[serde(default)]
    pub threshold: Option<i64>,
    /// Which count is compared.
    #[serde(default)]
    pub count: Option<CountKind>,
    /// Which end of the count range is compared.
    #[serde(default)]
    pub range_end: Option<RangeEnd>,
    /// The evidence standard that certifies a breach of this trigger.
    #[serde(default)]
    pub standard: Option<String>,
    /// The ladder tier a certified breach enters.
    #[serde(default)]
    pub tier: Option<String>,
    /// Sub-threshold probing that accumulates into a breach.
    #[serde(default)]
    pub accumulate: Option<Accumulate>,
    /// Who may see this item: `public`, `parties` (the default) or `restricted`.
    #[serde(default)]
    pub visibility: Visibility,
    /// With `visibility = "restricted"`: the parties that may see it.
    #[serde(default)]
    pub releasable_to: Vec<String>,
}

/// How a tier is decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Fires on certification, with no vote.
    Automatic,
    /// Fires at its clock's deadline unless a qualified block stands (snapback).
    ReverseVeto,
    /// Fires on leaders' sign-off under its vote rule.
    SignOff,
}

/// A voting rule: electorate, integer weights, quorum, vetoes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VoteRule {
    /// Parties that vote.
    pub electorate: Vec<String>,
    /// Integer weight per party; 1 when absent.
    #[serde(default)]
    pub weights: BTreeMap<String, u32>,
    /// Sum of weights in favour needed to decide.
    #[serde(default)]
    pub quorum: Option<u32>,
    /// Distinct parties in favour needed to decide.
    #[serde(default)]
    pub quorum_parties: Option<u32>,
    /// Parties whose single vote against stops the decision.
    #[serde(default)]
    pub veto: Vec<String>,
    /// Reverse-veto tiers: sum of weights needed to block.
    #[serde(default)]
    pub block: Option<u32>,
}

/// What makes an escalation happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EscalationWhen {
    /// Another certified breach within `within`.
    Repeat,
    /// A breach whose count is at least `factor` times its trigger's threshold.
    Larger,
}

/// An escalation edge to a higher tier.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Escalation {
    /// The tier escalated to.
    pub to: String,
    pub when: EscalationWhen,
    /// With `repeat`: the number of certified breaches, this one included.
    #[serde(default)]
    pub count: Option<u32>,
    /// With `repeat`: the window they fall in.
    #[serde(default)]
    pub within: Option<Duration>,
    /// With `larger`: the multiple of the threshold.
    #[serde(default)]
    pub factor: Option<u32>,
}

/// Kind of response measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// Release of munitions or equipment.
    Resupply,
    /// Surge of air-defence units or interceptors.
    AirDefenceSurge,
    /// Deployment of forces.
    Deployment,
    /// Expanded intelligence sharing.
    IntelligenceSharing,
    /// Financial restrictions.
    Financial,
    /// Export controls.
    ExportControl,
    /// Energy measures.
    Energy,
    /// Shipping measures.
    Shipping,
    /// Secondary sanctions on third parties.
    SecondarySanctions,
    /// Diplomatic measures.
    Diplomatic,
    /// Consultation among the parties.
    Consultation,
}

/// `[[tier.action]]`: one order a tier gives.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub id: String,
    pub kind: ActionKind,
    /// What is done, in words.
    pub measure: String,
    /// The executing party.
    #[serde(default)]
    pub by: Option<String>,
    /// Deadline, counted from the tier's activation.
    #[serde(default)]
    pub deadline: Option<Duration>,
    /// The existing legal authority the action rests on.
    #[serde(default)]
    pub authority: Option<String>,
    /// The financing tranche that pays for it.
    #[serde(default)]
    pub tranche: Option<String>,
    /// The sanctions package it imposes.
    #[serde(default)]
    pub sanctions: Option<String>,
    /// `[tier.action.surge]`, for an `air_defence_surge`: the sites that
    /// need more units, how many and for how long. `bulwark plan rotations
    /// --from PLAN --order ACTION` re-plans with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surge: Option<Surge>,
}

/// `[tier.action.surge]`: extra air-defence cover an order asks for, from
/// the action's deadline after the tier's activation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Surge {
    /// `[[ad_site]]` ids that need more units.
    pub sites: Vec<String>,
    /// Units each of those sites needs on top of its `units_required`.
    pub units: u32,
    /// How long the extra cover is kept, e.g. `30d`.
    pub lasts: Duration,
}

/// `[[tier]]`: a rung of the response ladder.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// Rung number: 1 is the first response.
    pub level: u32,
    #[serde(default)]
    pub mode: Option<Mode>,
    /// The consultation, block or sign-off clock (not used by automatic tiers).
    #[serde(default)]
    pub clock: Option<Clock>,
    /// The voting rule (sign-off and reverse-veto tiers).
    #[serde(default)]
    pub vote: Option<VoteRule>,
    /// Escalations to higher tiers.
    #[serde(default)]
    pub escalate: Vec<Escalation>,
    /// `[[tier.action]]`: the orders the tier gives.
    #[serde(default, rename = "action")]
    pub actions: Vec<Action>,
    /// Who may see this item: `public`, `parties` (the default) or `restricted`.
    #[serde(default)]
    pub visibility: Visibility,
    /// With `visibility = "restricted"`: the parties that may see it.
    #[serde(default)]
    pub releasable_to: Vec<String>,
}

/// A sanctions target.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub name: String,
    /// `company`, `person`, `vessel`, `bank`, `sector`, …
    pub kind: String,
    /// An identifier in an external list (e.g. a FollowTheMoney entity id).
    #[serde(default)]
    pub id: Option<String>,
}

/// `[[sanctions]]`: a pre-cleared sanctions package and its target list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SanctionsPackage {
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// The measures, in words.
    #[serde(default)]
    pub measures: Vec<String>,
    #[serde(default)]
    pub targets: Vec<Target>,
    /// A file of further targets, relative to the framework file:
    /// FollowTheMoney entities, one JSON object per line, as OpenSanctions
    /// publishes them (people, companies, organizations, vessels and aircraft
    /// become targets, with the programmes of the `Sanction` entities naming
    /// them; references to entities absent from the file are tolerated), or
    /// the target lines `bulwark ingest --from ftm` writes. A malformed line
    /// is an error (B006) located in that file; the file's bytes, as they
    /// are, enter the framework's identity hash.
    #[serde(default)]
    pub targets_file: Option<String>,
    /// True if legally cleared in advance.
    #[serde(default)]
    pub pre_cleared: bool,
    /// Who may see this item: `public`, `parties` (the default) or `restricted`.
    #[serde(default)]
    pub visibility: Visibility,
    /// With `visibility = "restricted"`: the parties that may see it.
    #[serde(default)]
    pub releasable_to: Vec<String>,
}

/// Where the money comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FundingSource {
    /// Windfall proceeds of frozen assets.
    FrozenAssetWindfall,
    /// Joint EU borrowing.
    EuBorrowing,
    /// A national defence budget.
    NationalBudget,
    /// Any other source.
    Other,
}

/// Whether a tranche's money can be spent without a further vote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TrancheStatus {
    /// The money is there and may be spent now.
    Funded,
    /// Appropriated by law; disbursement needs no vote.
    Appropriated,
    /// Still waits on a vote.
    PendingVote,
}

/// `[[tranche]]`: a financing tranche.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tranche {
    pub id: String,
    #[serde(default)]
    pub name: String,
    pub source: FundingSource,
    /// Amount in millions of `currency`.
    pub amount_millions: i64,
    pub currency: String,
    pub status: TrancheStatus,
    /// Party that holds the money.
    #[serde(default)]
    pub party: Option<String>,
    /// Who may see this item: `public`, `parties` (the default) or `restricted`.
    #[serde(default)]
    pub visibility: Visibility,
    /// With `visibility = "restricted"`: the parties that may see it.
    #[serde(default)]
    pub releasable_to: Vec<String>,
}

/// `[relief]`: the relief checklist and its snapback rule.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Relief {
    /// True if any certified breach re-imposes everything relieved.
    #[serde(default)]
    pub snapback_all: bool,
    /// `[[relief.item]]`: the checklist.
    #[serde(default, rename = "item")]
    pub items: Vec<ReliefItem>,
}

/// `[[relief.item]]`: one compliance checklist item and what it relieves.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReliefItem {
    pub id: String,
    /// What must be done, in words (e.g. `heavy weapons 30 km behind the pullback line`).
    pub condition: String,
    /// The evidence standard an attestation of compliance must meet.
    #[serde(default)]
    pub standard: Option<String>,
    /// Sanctions packages or actions relieved when the item is attested.
    pub relieves: Vec<String>,
    /// Triggers whose certified breach re-imposes what this item relieved.
    #[serde(default)]
    pub violated_by: Vec<String>,
    /// Zone the item concerns (e.g. a pullback line).
    #[serde(default)]
    pub zone: Option<String>,
    /// Who may see this item: `public`, `parties` (the default) or `restricted`.
    #[serde(default)]
    pub visibility: Visibility,
    /// With `visibility = "restricted"`: the parties that may see it.
    #[serde(default)]
    pub releasable_to: Vec<String>,
}

/// One step of a delivery schedule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleStep {
    /// Days after the framework enters into force (or after activation).
    pub day: u32,
    /// Cumulative quantity delivered by that day.
    pub quantity: i64,
}

/// Export licence status of a commitment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Licence {
    /// Export licence granted in advance.
    PreCleared,
    /// Licence still to be granted.
    Pending,
    /// No licence needed.
    NotRequired,
}

/// `[[commitment]]`: a resupply commitment with its delivery schedule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Commitment {
    pub id: String,
    pub party: String,
    /// What is delivered, e.g. `155mm`, `interceptors`, `counter-uas`, `spare-parts`.
    pub category: String,
    #[serde(default)]
    pub item: String,
    /// Total quantity committed.
    pub quantity: i64,
    #[serde(default)]
    pub unit: String,
    /// The menu item this fulfils.
    #[serde(default)]
    pub menu: Option<String>,
    /// `[[commitment.schedule]]`: cumulative deliveries by day (30/60/90).
    #[serde(default)]
    pub schedule: Vec<ScheduleStep>,
    #[serde(default)]
    pub licence: Option<Licence>,
    /// The financing tranche that pays for it.
    #[serde(default)]
    pub tranche: Option<String>,
    /// Who may see this item: `public`, `parties` (the default) or `restricted`.
    #[serde(default)]
    pub visibility: Visibility,
    /// With `visibility = "restricted"`: the parties that may see it.
    #[serde(default)]
    pub releasable_to: Vec<String>,
}

/// `[[stock]]`: a key munition line on hand, how fast it is used, and the
/// floor below which its days of supply raise an alert
/// (`bulwark supply days`, docs/supply.md).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Stock {
    pub id: String,
    /// What is stocked; the `category` of the commitments that replenish
    /// it, e.g. `155mm`, `interceptors`, `counter-uas`.
    pub category: String,
    /// The unit counted, as those commitments count it, e.g. `rounds`.
    #[serde(default)]
    pub unit: String,
    /// Quantity on hand at entry into force.
    pub on_hand: i64,
    /// Normal consumption per day.
    pub per_day: i64,
    /// Consumption per day during a surge after a certified breach.
    pub surge_per_day: i64,
    /// How many days a surge lasts after each certified breach.
    pub surge_days: u32,
    /// The alert floor, in days of supply at the day's consumption rate.
    pub floor_days: u32,
    /// Who may see this item: `public`, `parties` (the default) or `restricted`.
    #[serde(default)]
    pub visibility: Visibility,
    /// With `visibility = "restricted"`: the parties that may see it.
    #[serde(default)]
    pub releasable_to: Vec<String>,
}

/// Air-defence systems.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AdSystem {
    /// MIM-104 Patriot.
    Patriot,
    /// SAMP/T (Aster).
    SampT,
    /// NASAMS.
    Nasams,
    /// IRIS-T SLM.
    IrisT,
    /// C-RAM (counter rocket, artillery and mortar).
    CRam,
    /// Gepard self-propelled anti-aircraft gun.
    Gepard,
    /// Any other system.
    Other,
}

/// `[[ad_site]]`: a site that air defence must keep covered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdSite {
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// `[longitude, latitude]` in degrees.
    #[serde(default)]
    pub location: Option<[f64; 2]>,
    /// Number of units that must cover the site at every moment.
    pub units_required: u32,
    /// Systems able to cover the site.
    pub systems: Vec<AdSystem>,
    /// Who may see this item: `public`, `parties` (the default) or `restricted`.
    #[serde(default)]
    pub visibility: Visibility,
    /// With `visibility = "restricted"`: the parties that may see it.
    #[serde(default)]
    pub releasable_to: Vec<String>,
}

/// `[[ad_unit]]`: an air-defence unit (a battery or fire unit).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdUnit {
    pub id: String,
    /// The party that provides it.
    pub party: String,
    pub system: AdSystem,
    /// Time between overhauls.
    #[serde(default)]
    pub overhaul_every: Option<Duration>,
    /// Time an overhaul takes the unit out of service.
    #[serde(default)]
    pub overhaul_takes: Option<Duration>,
    /// Maintenance hub that overhauls it.
    #[serde(default)]
    pub hub: Option<String>,
    /// Where it stands when a rotation plan starts: a site id (deployed
    /// there, freshly overhauled) or its hub (ready to leave). Default: its hub.
    #[serde(default)]
    pub home: Option<String>,
    /// When it can first be used, counted from the plan's first day
    /// (e.g. `30d` for a unit still being delivered). Default: at once.
    #[serde(default)]
    pub available_from: Option<Duration>,
    /// Who may see this item: `public`, `parties` (the default) or `restricted`.
    #[serde(default)]
    pub visibility: Visibility,
    /// With `visibility = "restricted"`: the parties that may see it.
    #[serde(default)]
    pub releasable_to: Vec<String>,
}

/// `[[hub]]`: a shared maintenance hub with pre-positioned spares.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Hub {
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// Systems it can overhaul.
    pub systems: Vec<AdSystem>,
    /// Where it is (a zone id).
    #[serde(default)]
    pub zone: Option<String>,
    /// How many units it can overhaul at once. Default: no limit.
    #[serde(default)]
    pub capacity: Option<u32>,
    /// Overhaul kits (pre-positioned spares) on hand: each overhaul uses one.
    /// Default: no limit.
    #[serde(default)]
    pub spares: Option<u32>,
    /// Travel time between the hub and any site, each way, unless
    /// `transit_to` names the site. Default `1d`.
    #[serde(default)]
    pub transit: Option<Duration>,
    /// Travel time between the hub and particular sites, each way:
    /// `{ "site-kharkiv" = "3d" }`.
    #[serde(default)]
    pub transit_to: BTreeMap<String, Duration>,
}

/// `[fusion]`: how observations of one event are recognised as one incident,
/// and how much clock error is tolerated. Every field has a default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fusion {
    /// Observations whose observed times are within this of an incident's
    /// join it (if kind, weapon and place agree). Default `30m`.
    #[serde(default = "default_time_slack")]
    pub time_slack: Duration,
    /// Point observations further apart than this (kilometres) are separate
    /// events. Default 100.
    #[serde(default = "default_distance_km")]
    pub distance_km: u32,
    /// An input claiming an observed time later than its recorded time by
    /// more than this is rejected as claiming the future. Default `5m`.
    #[serde(default = "default_future_max")]
    pub future_max: Duration,
}

impl Default for Fusion {
    fn default() -> Fusion {
        Fusion {
            time_slack: default_time_slack(),
            distance_km: default_distance_km(),
            future_max: default_future_max(),
        }
    }
}

fn default_time_slack() -> Duration {
    Duration::from_seconds(30 * 60)
}

fn default_distance_km() -> u32 {
    100
}

fn default_future_max() -> Duration {
    Duration::from_seconds(5 * 60)
}
