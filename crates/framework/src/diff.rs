//! What an amendment changes, in words: `bulwark check --diff OLD NEW`.
//!
//! The readers are oversight staff and leaders' offices, not programmers, so
//! every [`Change`] carries a sentence that says what the edit *means*
//! ("threshold lowered from 20 to 10 — breaches certify sooner"), beside
//! structured fields for scripts (documented in `docs/diff.md`).
//!
//! Items are matched by id within their section; actions are matched across
//! all tiers, because action ids share one namespace (an action that moves
//! to another tier is reported as moved, not as removed and added). Fields
//! with a specific wording are compared one by one; every other field of an
//! item falls through to a generic comparison of its serialized form, so a
//! field added to the schema later is still reported, if plainly.
//!
//! Order is deterministic and carries no hash-map iteration: sections in the
//! order of the framework file's reference (actions after tiers, a tier's
//! vote-rule changes right after the tier's own), items in the order of the
//! NEW file, removed items after them in the order of the OLD file, fields
//! in a fixed order per section.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;

use base::{BasisPoints, Duration};
use serde::Serialize;
use serde_json::Value;

use crate::load::{Framework, Geometry};
use crate::schema::*;

/// The part of the framework a change belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    Framework,
    Party,
    Instrument,
    Article,
    Menu,
    Selection,
    Posture,
    Zone,
    SourceClass,
    WeaponModel,
    Standard,
    Trigger,
    Tier,
    /// A tier's voting rule (the amendment rule is reported under `framework`).
    Vote,
    Action,
    Sanctions,
    Tranche,
    Relief,
    Commitment,
    Stock,
    AdSite,
    AdUnit,
    Hub,
}

impl Section {
    /// The name used in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Section::Framework => "framework",
            Section::Party => "party",
            Section::Instrument => "instrument",
            Section::Article => "article",
            Section::Menu => "menu",
            Section::Selection => "selection",
            Section::Posture => "posture",
            Section::Zone => "zone",
            Section::SourceClass => "source_class",
            Section::WeaponModel => "weapon_model",
            Section::Standard => "standard",
            Section::Trigger => "trigger",
            Section::Tier => "tier",
            Section::Vote => "vote",
            Section::Action => "action",
            Section::Sanctions => "sanctions",
            Section::Tranche => "tranche",
            Section::Relief => "relief",
            Section::Commitment => "commitment",
            Section::Stock => "stock",
            Section::AdSite => "ad_site",
            Section::AdUnit => "ad_unit",
            Section::Hub => "hub",
        }
    }

    /// How a sentence names an item of this section.
    fn noun(self) -> &'static str {
        match self {
            Section::Framework => "framework",
            Section::Party => "party",
            Section::Instrument => "instrument",
            Section::Article => "article",
            Section::Menu => "menu item",
            Section::Selection => "selection",
            Section::Posture => "posture target",
            Section::Zone => "zone",
            Section::SourceClass => "source class",
            Section::WeaponModel => "weapon model",
            Section::Standard => "evidence standard",
            Section::Trigger => "trigger",
            Section::Tier | Section::Vote => "tier",
            Section::Action => "action",
            Section::Sanctions => "sanctions package",
            Section::Tranche => "tranche",
            Section::Relief => "relief item",
            Section::Commitment => "commitment",
            Section::Stock => "stock line",
            Section::AdSite => "air-defence site",
            Section::AdUnit => "air-defence unit",
            Section::Hub => "maintenance hub",
        }
    }
}

/// Whether an item appeared, disappeared or changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Added,
    Removed,
    Changed,
}

/// One change between two versions of a framework.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    pub section: Section,
    /// The item's id (for a selection `party/item`; for the relief table
    /// itself `relief`; for the framework table the framework's id).
    pub id: String,
    pub kind: Kind,
    /// The field that changed, as written in the file (`threshold`,
    /// `clock.duration`, `weights.us`, `schedule.30`); absent when a whole
    /// item was added or removed.
    pub field: Option<String>,
    /// The old value as written (durations in canonical form), if any.
    pub old: Option<String>,
    /// The new value as written, if any.
    pub new: Option<String>,
    /// What the change means, in plain words.
    pub sentence: String,
}

/// Every change from `old` to `new`, in a deterministic order.
pub fn diff(old: &Framework, new: &Framework) -> Vec<Change> {
    let mut d = Differ {
        old,
        new,
        out: Vec::new(),
    };
    d.meta();
    d.sections();
    d.out
}

// ------------------------------------------------------------------ values

/// A value that can be shown as written in the file and in a sentence.
trait Val {
    /// As written in the file (the `old`/`new` fields of a change).
    fn written(&self) -> String;
    /// As shown in a sentence.
    fn shown(&self) -> String {
        self.written()
    }
}

impl Val for i64 {
    fn written(&self) -> String {
        self.to_string()
    }
}

impl Val for u32 {
    fn written(&self) -> String {
        self.to_string()
    }
}

impl Val for bool {
    fn written(&self) -> String {
        self.to_string()
    }
}

impl Val for String {
    fn written(&self) -> String {
        self.clone()
    }
}

impl Val for Duration {
    fn written(&self) -> String {
        self.to_string()
    }
}

impl Val for BasisPoints {
    fn written(&self) -> String {
        self.get().to_string()
    }
    fn shown(&self) -> String {
        self.to_string()
    }
}

/// The snake_case name serde gives a unit enum variant.
fn serde_name<T: Serialize + Debug>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(s)) => s,
        _ => format!("{value:?}"),
    }
}

macro_rules! enum_val {
    ($($t:ty),* $(,)?) => {
        $(impl Val for $t {
            fn written(&self) -> String {
                serde_name(self)
            }
        })*
    };
}

enum_val!(
    Role,
    Category,
    CountKind,
    Mode,
    Outcome,
    ActionKind,
    TrancheStatus,
    FundingSource,
    Licence,
    AdSystem,
    Visibility,
    SourceKind,
    ZoneKind,
    EscalationWhen,
    MenuCategory,
);

/// Any serializable value as it would be written in TOML (inline form).
fn written_value(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => inline(other),
    }
}

fn inline(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}")),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(inline).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(map) => {
            let parts: Vec<String> = map
                .iter()
                .filter(|(_, v)| !is_empty(v))
                .map(|(k, v)| format!("{k} = {}", inline(v)))
                .collect();
            format!("{{ {} }}", parts.join(", "))
        }
    }
}

/// Null, an empty string, list or table are what an omitted field parses to.
fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

fn to_json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn written_of<T: Serialize>(value: &T) -> String {
    written_value(&to_json(value))
}

/// A value in a sentence: free text in quotes, everything else bare.
fn shown_value(value: &Value) -> String {
    match value {
        Value::String(s) => format!("\"{s}\""),
        other => inline(other),
    }
}

/// `a`, `a` and `b`, `a`, `b` and `c` — each in backticks.
fn codes<S: AsRef<str>>(items: &[S]) -> String {
    let items: Vec<String> = items.iter().map(|s| format!("`{}`", s.as_ref())).collect();
    english(&items)
}

/// "a", "a" and "b" … — each in double quotes.
fn texts<S: AsRef<str>>(items: &[S]) -> String {
    let items: Vec<String> = items
        .iter()
        .map(|s| format!("\"{}\"", s.as_ref()))
        .collect();
    english(&items)
}

fn english(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// `one` for a single item, `many` otherwise.
fn plural(k: usize, one: &'static str, many: &'static str) -> &'static str {
    if k == 1 { one } else { many }
}

fn means(text: &str) -> String {
    if text.is_empty() {
        String::new()
    } else {
        format!(" — {text}")
    }
}

/// How a list of ids or words is quoted in sentences.
#[derive(Clone, Copy)]
enum Quote {
    /// Ids and names from the file: in backticks.
    Code,
    /// Free text: in double quotes.
    Text,
    /// Enum values and numbers: bare.
    Plain,
}

impl Quote {
    fn one(self, s: &str) -> String {
        match self {
            Quote::Code => format!("`{s}`"),
            Quote::Text => format!("\"{s}\""),
            Quote::Plain => s.to_string(),
        }
    }

    fn many<S: AsRef<str>>(self, items: &[S]) -> String {
        match self {
            Quote::Code => codes(items),
            Quote::Text => texts(items),
            Quote::Plain => {
                let items: Vec<String> = items.iter().map(|s| s.as_ref().to_string()).collect();
                english(&items)
            }
        }
    }
}

/// Items of `new` not in `old`, and of `old` not in `new`, each in its own
/// file's order and without repeats. Order within a list is ignored.
fn set_diff<'v>(old: &'v [String], new: &'v [String]) -> (Vec<&'v str>, Vec<&'v str>) {
    let in_old: BTreeSet<&str> = old.iter().map(String::as_str).collect();
    let in_new: BTreeSet<&str> = new.iter().map(String::as_str).collect();
    let mut added = Vec::new();
    let mut seen = BTreeSet::new();
    for s in new {
        if !in_old.contains(s.as_str()) && seen.insert(s.as_str()) {
            added.push(s.as_str());
        }
    }
    let mut removed = Vec::new();
    let mut seen = BTreeSet::new();
    for s in old {
        if !in_new.contains(s.as_str()) && seen.insert(s.as_str()) {
            removed.push(s.as_str());
        }
    }
    (added, removed)
}

fn names<T: Val>(items: &[T]) -> Vec<String> {
    items.iter().map(Val::written).collect()
}

/// How an ordered value moved.
enum Move<'v, T> {
    Up(&'v T, &'v T),
    Down(&'v T, &'v T),
    Set(&'v T),
    Unset(&'v T),
}

fn moved<'v, T: PartialOrd>(old: Option<&'v T>, new: Option<&'v T>) -> Option<Move<'v, T>> {
    match (old, new) {
        (None, None) => None,
        (None, Some(n)) => Some(Move::Set(n)),
        (Some(o), None) => Some(Move::Unset(o)),
        (Some(o), Some(n)) if n > o => Some(Move::Up(o, n)),
        (Some(o), Some(n)) if n < o => Some(Move::Down(o, n)),
        _ => None,
    }
}

/// The words for an ordered value ("threshold raised from 10 to 20 — …").
struct Words {
    what: String,
    /// What is named when the value is removed, if not `what`.
    what_unset: Option<String>,
    up: &'static str,
    down: &'static str,
    /// Shown after the values, e.g. ` (launched, low end)`.
    detail: String,
    up_means: String,
    down_means: String,
    unset_means: String,
}

impl Words {
    fn raised(what: &str) -> Words {
        Words {
            what: what.to_string(),
            what_unset: None,
            up: "raised",
            down: "lowered",
            detail: String::new(),
            up_means: String::new(),
            down_means: String::new(),
            unset_means: String::new(),
        }
    }

    fn lengthened(what: &str) -> Words {
        Words {
            up: "lengthened",
            down: "shortened",
            ..Words::raised(what)
        }
    }

    fn detail(mut self, detail: impl Into<String>) -> Words {
        self.detail = detail.into();
        self
    }

    fn up(mut self, text: impl Into<String>) -> Words {
        self.up_means = text.into();
        self
    }

    fn down(mut self, text: impl Into<String>) -> Words {
        self.down_means = text.into();
        self
    }

    fn what_unset(mut self, what: impl Into<String>) -> Words {
        self.what_unset = Some(what.into());
        self
    }

    fn unset(mut self, text: impl Into<String>) -> Words {
        self.unset_means = text.into();
        self
    }
}

/// The words for a clock of a given role.
struct ClockWords {
    /// `consultation clock`, `block clock`, `review clock`, `clock`.
    name: &'static str,
    /// What silence means when the clock runs out with `on_expiry = "fire"`.
    fire: &'static str,
    shorter: &'static str,
    longer: &'static str,
}

fn outcome_words(words: &ClockWords, clock: &Clock) -> String {
    match clock.on_expiry {
        Some(Outcome::Fire) => words.fire.to_string(),
        Some(Outcome::Lapse) => "nothing happens and the matter closes".to_string(),
        Some(Outcome::Escalate) => match &clock.escalate_to {
            Some(to) => format!("the matter moves to tier `{to}`"),
            None => "the matter escalates (to no named tier)".to_string(),
        },
        None => "the file does not say what happens".to_string(),
    }
}

fn clock_summary(words: &ClockWords, clock: &Clock) -> String {
    let length = clock
        .duration
        .map_or_else(|| "no duration".to_string(), |d| d.to_string());
    format!("{length}, then {}", outcome_words(words, clock))
}

fn tier_clock_words(mode: Option<Mode>) -> ClockWords {
    match mode {
        Some(Mode::SignOff) => ClockWords {
            name: "consultation clock",
            fire: "the tier fires without sign-off",
            shorter: "leaders must decide sooner",
            longer: "leaders have longer to decide, so the response may come later",
        },
        Some(Mode::ReverseVeto) => ClockWords {
            name: "block clock",
            fire: "the tier fires",
            shorter: "the tier fires sooner unless blocked in time",
            longer: "there is longer to block, so the tier fires later",
        },
        Some(Mode::Automatic) | None => ClockWords {
            name: "clock",
            fire: "the tier fires",
            shorter: "",
            longer: "",
        },
    }
}

const REVIEW_CLOCK: ClockWords = ClockWords {
    name: "review clock",
    fire: "the breach is certified",
    shorter: "the technical cell must decide sooner",
    longer: "the technical cell has longer, so certification may come later",
};

fn mode_means(mode: Mode) -> &'static str {
    match mode {
        Mode::Automatic => "it now fires on certification, with no vote",
        Mode::ReverseVeto => "it now fires at its deadline unless blocked",
        Mode::SignOff => "it now fires only on leaders' sign-off under its vote rule",
    }
}

fn role_means(role: Role) -> &'static str {
    match role {
        Role::Guarantor => "commits to respond to breaches",
        Role::Contributor => "contributes without a guarantor's obligations",
        Role::ProtectedState => "is the state whose security is guaranteed",
        Role::Adversary => "is the party whose breaches the framework deters",
        Role::Monitor => "observes and verifies",
    }
}

fn status_means(status: TrancheStatus) -> &'static str {
    match status {
        TrancheStatus::Funded => "the money is there and may be spent now",
        TrancheStatus::Appropriated => "appropriated by law; paying out needs no vote",
        TrancheStatus::PendingVote => "the money now waits on a vote before it can be spent",
    }
}

fn total_weight(rule: &VoteRule) -> u64 {
    let electorate: BTreeSet<&str> = rule.electorate.iter().map(String::as_str).collect();
    electorate
        .iter()
        .map(|p| u64::from(rule.weights.get(*p).copied().unwrap_or(1)))
        .sum()
}

fn voters(rule: &VoteRule) -> usize {
    rule.electorate.iter().collect::<BTreeSet<_>>().len()
}

fn vote_summary(rule: &VoteRule) -> String {
    let mut parts = vec![format!("electorate {}", codes(&rule.electorate))];
    if let Some(q) = rule.quorum {
        parts.push(format!("quorum {q} of {}", total_weight(rule)));
    }
    if let Some(q) = rule.quorum_parties {
        parts.push(format!("{q} parties in favour"));
    }
    if !rule.veto.is_empty() {
        parts.push(format!("veto {}", codes(&rule.veto)));
    }
    if let Some(b) = rule.block {
        parts.push(format!("block at {b}"));
    }
    parts.join("; ")
}

fn escalation_desc(e: &Escalation) -> String {
    let to = format!("to tier `{}`", e.to);
    match e.when {
        EscalationWhen::Repeat => {
            let count = e
                .count
                .map_or_else(|| "repeated".to_string(), |c| c.to_string());
            let within = e
                .within
                .map_or_else(String::new, |w| format!(" within {w}"));
            format!("{to} when {count} certified breaches fall{within}")
        }
        EscalationWhen::Larger => match e.factor {
            Some(f) => format!("{to} when a breach reaches {f}× its trigger's threshold"),
            None => format!("{to} on a larger breach"),
        },
    }
}

fn trigger_summary(t: &Trigger) -> String {
    let mut parts = vec![t.category.written()];
    if let Some(threshold) = t.threshold {
        let count = t
            .count
            .map_or_else(String::new, |c| format!(" {}", c.written()));
        let window = t
            .window
            .map_or_else(String::new, |w| format!(" within {w}"));
        parts.push(format!("threshold {threshold}{count}{window}"));
    }
    if let Some(s) = &t.standard {
        parts.push(format!("certified under `{s}`"));
    }
    if let Some(tier) = &t.tier {
        parts.push(format!("enters tier `{tier}`"));
    }
    parts.join(", ")
}

fn action_summary(a: &Action) -> String {
    let mut s = format!("{} — \"{}\"", a.kind.written(), a.measure);
    if let Some(by) = &a.by {
        s.push_str(&format!(", by `{by}`"));
    }
    if let Some(d) = a.deadline {
        s.push_str(&format!(", within {d}"));
    }
    s
}

fn target_key(t: &Target) -> String {
    t.id.clone().unwrap_or_else(|| t.name.clone())
}

/// Targets of a target list file named one by one in a sentence; the rest
/// are counted.
const TARGETS_NAMED_MAX: usize = 5;

fn target_desc(t: &Target) -> String {
    format!("\"{}\" ({})", t.name, t.kind)
}

// ------------------------------------------------------------------ matching

/// One item matched between the two versions.
enum Pair<'a, T> {
    Both(&'a T, &'a T),
    Added(&'a T),
    Removed(&'a T),
    /// The key is declared a different number of times (old, new) and more
    /// than once in one of the versions; follows the item's first entry.
    Repeated(&'a T, usize, usize),
}

/// Matches items by key: `new`'s order first, then what `old` alone has, in
/// `old`'s order. A repeated key is matched once (the first occurrence), and
/// a change in how often it is declared is reported after it.
fn pair<'a, T>(old: &'a [T], new: &'a [T], key: impl Fn(&T) -> String) -> Vec<Pair<'a, T>> {
    let mut by_key: BTreeMap<String, &'a T> = BTreeMap::new();
    let mut old_count: BTreeMap<String, usize> = BTreeMap::new();
    for item in old {
        let k = key(item);
        *old_count.entry(k.clone()).or_insert(0) += 1;
        by_key.entry(k).or_insert(item);
    }
    let mut new_count: BTreeMap<String, usize> = BTreeMap::new();
    for item in new {
        *new_count.entry(key(item)).or_insert(0) += 1;
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for item in new {
        let k = key(item);
        if !seen.insert(k.clone()) {
            continue;
        }
        match by_key.get(&k) {
            Some(o) => out.push(Pair::Both(*o, item)),
            None => out.push(Pair::Added(item)),
        }
        let before = old_count.get(&k).copied().unwrap_or(0);
        let after = new_count.get(&k).copied().unwrap_or(0);
        if before != after && before.max(after) > 1 {
            out.push(Pair::Repeated(item, before, after));
        }
    }
    let mut gone = BTreeSet::new();
    for item in old {
        let k = key(item);
        if !seen.contains(&k) && gone.insert(k) {
            out.push(Pair::Removed(item));
        }
    }
    out
}

// ------------------------------------------------------------------ the differ

/// Where a change is: its section, the item's id and how sentences name it.
#[derive(Clone)]
struct At {
    section: Section,
    id: String,
    name: String,
}

impl At {
    fn new(section: Section, id: &str) -> At {
        At {
            section,
            id: id.to_string(),
            name: format!("{} `{id}`", section.noun()),
        }
    }
}

struct Differ<'a> {
    old: &'a Framework,
    new: &'a Framework,
    out: Vec<Change>,
}

/// Summary of an item for "added"/"removed" sentences; empty for none.
type Summary<T> = fn(&T) -> String;
/// Compares two versions of one item.
type Both<'a, T> = fn(&mut Differ<'a>, &At, &'a T, &'a T);

impl<'a> Differ<'a> {
    fn push(
        &mut self,
        at: &At,
        kind: Kind,
        field: Option<&str>,
        old: Option<String>,
        new: Option<String>,
        sentence: String,
    ) {
        self.out.push(Change {
            section: at.section,
            id: at.id.clone(),
            kind,
            field: field.map(str::to_string),
            old,
            new,
            sentence,
        });
    }

    /// A change of one field; the sentence is prefixed with the item's name.
    fn field(
        &mut self,
        at: &At,
        field: &str,
        old: Option<String>,
        new: Option<String>,
        text: impl AsRef<str>,
    ) {
        let sentence = format!("{}: {}", at.name, text.as_ref());
        self.push(at, Kind::Changed, Some(field), old, new, sentence);
    }

    /// An ordered value: raised/lowered, set or removed.
    fn scalar<T: Val + PartialOrd>(
        &mut self,
        at: &At,
        field: &str,
        old: Option<&T>,
        new: Option<&T>,
        w: Words,
    ) {
        let Some(m) = moved(old, new) else { return };
        let text = match m {
            Move::Up(o, n) => format!(
                "{} {} from {} to {}{}{}",
                w.what,
                w.up,
                o.shown(),
                n.shown(),
                w.detail,
                means(&w.up_means)
            ),
            Move::Down(o, n) => format!(
                "{} {} from {} to {}{}{}",
                w.what,
                w.down,
                o.shown(),
                n.shown(),
                w.detail,
                means(&w.down_means)
            ),
            Move::Set(n) => format!("{} set to {}{}", w.what, n.shown(), w.detail),
            Move::Unset(o) => format!(
                "{} removed (was {}){}",
                w.what_unset.as_deref().unwrap_or(&w.what),
                o.shown(),
                means(&w.unset_means)
            ),
        };
        self.field(
            at,
            field,
            old.map(Val::written),
            new.map(Val::written),
            text,
        );
    }

    /// A value without an order: changed, set or removed.
    #[allow(clippy::too_many_arguments)]
    fn swap<T: Val + PartialEq>(
        &mut self,
        at: &At,
        field: &str,
        old: Option<&T>,
        new: Option<&T>,
        what: &str,
        quote: Quote,
        unset_means: &str,
    ) {
        if old == new {
            return;
        }
        let text = match (old, new) {
            (Some(o), Some(n)) => format!(
                "{what} changed from {} to {}",
                quote.one(&o.shown()),
                quote.one(&n.shown())
            ),
            (None, Some(n)) => format!("{what} set to {}", quote.one(&n.shown())),
            (Some(o), None) => format!(
                "{what} removed (was {}){}",
                quote.one(&o.shown()),
                means(unset_means)
            ),
            (None, None) => return,
        };
        self.field(
            at,
            field,
            old.map(Val::written),
            new.map(Val::written),
            text,
        );
    }

    /// A list whose order carries no meaning; `added`/`removed` turn the
    /// quoted items into a phrase.
    #[allow(clippy::too_many_arguments)]
    fn list(
        &mut self,
        at: &At,
        field: &str,
        old: &[String],
        new: &[String],
        quote: Quote,
        added: impl Fn(&str, usize) -> String,
        removed: impl Fn(&str, usize) -> String,
    ) {
        let (plus, minus) = set_diff(old, new);
        if plus.is_empty() && minus.is_empty() {
            return;
        }
        let mut phrases = Vec::new();
        if !plus.is_empty() {
            phrases.push(added(&quote.many(&plus), plus.len()));
        }
        if !minus.is_empty() {
            phrases.push(removed(&quote.many(&minus), minus.len()));
        }
        self.field(
            at,
            field,
            Some(written_of(&old)),
            Some(written_of(&new)),
            phrases.join("; "),
        );
    }

    /// Every field of the two items not in `handled`, compared generically.
    fn rest<T: Serialize>(&mut self, at: &At, old: &T, new: &T, handled: &[&str]) {
        let (Value::Object(o), Value::Object(n)) = (to_json(old), to_json(new)) else {
            return;
        };
        let keys: BTreeSet<&String> = o.keys().chain(n.keys()).collect();
        for key in keys {
            if key == "id" || handled.contains(&key.as_str()) {
                continue;
            }
            let ov = o.get(key).filter(|v| !is_empty(v));
            let nv = n.get(key).filter(|v| !is_empty(v));
            if ov == nv {
                continue;
            }
            let text = match (ov, nv) {
                (Some(a), Some(b)) => format!(
                    "`{key}` changed from {} to {}",
                    shown_value(a),
                    shown_value(b)
                ),
                (None, Some(b)) => format!("`{key}` set to {}", shown_value(b)),
                (Some(a), None) => format!("`{key}` removed (was {})", shown_value(a)),
                (None, None) => continue,
            };
            self.field(at, key, ov.map(written_value), nv.map(written_value), text);
        }
    }

    /// Walks one section: added, removed and changed items, with a note for
    /// items that one version could not read (rather than "removed").
    fn items<T: 'a>(
        &mut self,
        section: Section,
        old: &'a [T],
        new: &'a [T],
        key: fn(&T) -> String,
        summary: Summary<T>,
        both: Both<'a, T>,
    ) {
        for p in pair(old, new, key) {
            match p {
                Pair::Both(o, n) => both(self, &At::new(section, &key(n)), o, n),
                Pair::Added(n) => {
                    let at = At::new(section, &key(n));
                    if self.broken(self.old, section, &at.id) {
                        self.unreadable(&at, "old");
                    } else {
                        self.added(&at, &summary(n));
                    }
                }
                Pair::Removed(o) => {
                    let at = At::new(section, &key(o));
                    if self.broken(self.new, section, &at.id) {
                        self.unreadable(&at, "new");
                    } else {
                        self.removed(&at, &summary(o));
                    }
                }
                Pair::Repeated(n, before, after) => {
                    self.repeated(&At::new(section, &key(n)), before, after);
                }
            }
        }
    }

    fn added(&mut self, at: &At, summary: &str) {
        let sentence = if summary.is_empty() {
            format!("{} added", at.name)
        } else {
            format!("{} added: {summary}", at.name)
        };
        self.push(at, Kind::Added, None, None, None, sentence);
    }

    fn removed(&mut self, at: &At, summary: &str) {
        let sentence = if summary.is_empty() {
            format!("{} removed", at.name)
        } else {
            format!("{} removed (was: {summary})", at.name)
        };
        self.push(at, Kind::Removed, None, None, None, sentence);
    }

    fn repeated(&mut self, at: &At, before: usize, after: usize) {
        let times = |k: usize| match k {
            0 => "not at all".to_string(),
            1 => "once".to_string(),
            2 => "twice".to_string(),
            k => format!("{k} times"),
        };
        let sentence = format!(
            "{}: declared {} (was {}) — only the first declaration is compared; `bulwark check` reports the duplicate",
            at.name,
            times(after),
            times(before)
        );
        self.push(at, Kind::Changed, None, None, None, sentence);
    }

    fn broken(&self, fw: &Framework, section: Section, id: &str) -> bool {
        fw.broken_ids
            .get(section.as_str())
            .is_some_and(|ids| ids.iter().any(|b| b == id))
    }

    fn unreadable(&mut self, at: &At, which: &str) {
        let sentence = format!(
            "{}: could not be read in the {which} version (see `bulwark check`), so it is not compared",
            at.name
        );
        self.push(at, Kind::Changed, None, None, None, sentence);
    }

    // -------------------------------------------------------------- sections

    fn sections(&mut self) {
        let (o, n) = (self.old, self.new);
        fn id<T: HasId>(x: &T) -> String {
            x.id().to_string()
        }
        self.items(
            Section::Party,
            &o.parties,
            &n.parties,
            id,
            party_summary,
            Differ::party,
        );
        self.items(
            Section::Instrument,
            &o.instruments,
            &n.instruments,
            id,
            |i| i.title.clone(),
            Differ::instrument,
        );
        self.items(
            Section::Menu,
            &o.menu,
            &n.menu,
            id,
            |m| m.category.written(),
            |d, at, o, n| d.rest(at, o, n, &[]),
        );
        self.items(
            Section::Selection,
            &o.selections,
            &n.selections,
            |s| format!("{}/{}", s.party, s.item),
            |s| s.level.clone(),
            |d, at, o, n| d.rest(at, o, n, &["party", "item"]),
        );
        self.items(
            Section::Posture,
            &o.postures,
            &n.postures,
            id,
            |p| {
                let max = p.max.filter(|m| *m != p.min);
                let range = max.map_or_else(|| p.min.to_string(), |m| format!("{}–{m}", p.min));
                format!("{range} {}", p.measure)
            },
            |d, at, o, n| d.rest(at, o, n, &[]),
        );
        self.items(
            Section::Zone,
            &o.zones,
            &n.zones,
            id,
            |z| z.kind.written(),
            Differ::zone,
        );
        self.items(
            Section::SourceClass,
            &o.source_classes,
            &n.source_classes,
            id,
            |c| c.kind.written(),
            |d, at, o, n| d.rest(at, o, n, &[]),
        );
        self.items(
            Section::WeaponModel,
            &o.weapon_models,
            &n.weapon_models,
            id,
            |_| String::new(),
            |d, at, o, n| d.rest(at, o, n, &[]),
        );
        self.items(
            Section::Standard,
            &o.standards,
            &n.standards,
            id,
            |s| format!("source classes {}", codes(&s.classes)),
            Differ::standard,
        );
        self.items(
            Section::Trigger,
            &o.triggers,
            &n.triggers,
            id,
            trigger_summary,
            Differ::trigger,
        );
        self.items(
            Section::Tier,
            &o.tiers,
            &n.tiers,
            id,
            |t| {
                let mode = t
                    .mode
                    .map_or_else(String::new, |m| format!(", {}", m.written()));
                format!("rung {}{mode}", t.level)
            },
            Differ::tier,
        );
        self.actions();
        self.items(
            Section::Sanctions,
            &o.sanctions,
            &n.sanctions,
            id,
            |s| {
                let cleared = if s.pre_cleared { ", pre-cleared" } else { "" };
                format!("{} targets{cleared}", s.targets.len())
            },
            Differ::sanctions,
        );
        self.items(
            Section::Tranche,
            &o.tranches,
            &n.tranches,
            id,
            |t| {
                format!(
                    "{} million {}, {}",
                    t.amount_millions,
                    t.currency,
                    t.status.written()
                )
            },
            Differ::tranche,
        );
        self.relief();
        self.items(
            Section::Commitment,
            &o.commitments,
            &n.commitments,
            id,
            |c| {
                format!(
                    "`{}` commits {} {} {}",
                    c.party, c.quantity, c.unit, c.category
                )
            },
            Differ::commitment,
        );
        self.items(
            Section::Stock,
            &o.stocks,
            &n.stocks,
            id,
            |st| {
                format!(
                    "{} {} {} on hand, {} a day, floor {} days",
                    st.on_hand, st.unit, st.category, st.per_day, st.floor_days
                )
            },
            Differ::stock,
        );
        self.items(
            Section::AdSite,
            &o.ad_sites,
            &n.ad_sites,
            id,
            |s| {
                format!(
                    "needs {} unit(s) of {}",
                    s.units_required,
                    Quote::Plain.many(&names(&s.systems))
                )
            },
            Differ::ad_site,
        );
        self.items(
            Section::AdUnit,
            &o.ad_units,
            &n.ad_units,
            id,
            |u| format!("{} from `{}`", u.system.written(), u.party),
            Differ::ad_unit,
        );
        self.items(
            Section::Hub,
            &o.hubs,
            &n.hubs,
            id,
            |h| format!("overhauls {}", Quote::Plain.many(&names(&h.systems))),
            |d, at, o, n| d.rest(at, o, n, &[]),
        );
    }

    fn meta(&mut self) {
        let id = self
            .new
            .meta
            .as_ref()
            .or(self.old.meta.as_ref())
            .map_or("", |m| m.id.as_str());
        let at = At::new(Section::Framework, id);
        let (o, n) = match (&self.old.meta, &self.new.meta) {
            (Some(o), Some(n)) => (o, n),
            (None, Some(_)) => {
                let sentence = "the `[framework]` table was added".to_string();
                return self.push(&at, Kind::Added, None, None, None, sentence);
            }
            (Some(_), None) => {
                let sentence =
                    "the `[framework]` table was removed or could not be read".to_string();
                return self.push(&at, Kind::Removed, None, None, None, sentence);
            }
            (None, None) => return,
        };
        if o.id != n.id {
            let text = format!(
                "id changed from `{}` to `{}` — check these are versions of the same framework",
                o.id, n.id
            );
            self.field(&at, "id", Some(o.id.clone()), Some(n.id.clone()), text);
        }
        if o.version != n.version {
            let text = format!("version changed from {} to {}", o.version, n.version);
            self.field(
                &at,
                "version",
                Some(o.version.clone()),
                Some(n.version.clone()),
                text,
            );
        }
        if o.supersedes != n.supersedes {
            let text = match (&o.supersedes, &n.supersedes) {
                (_, Some(v)) => format!("now says it amends version {v}"),
                (Some(v), None) => format!("no longer says which version it amends (was {v})"),
                (None, None) => String::new(),
            };
            self.field(
                &at,
                "supersedes",
                o.supersedes.clone(),
                n.supersedes.clone(),
                text,
            );
        }
        self.swap(
            &at,
            "adopted",
            o.adopted.as_ref(),
            n.adopted.as_ref(),
            "adoption date",
            Quote::Plain,
            "",
        );
        self.vote(
            &at,
            "amendment",
            "amendment ",
            None,
            o.amendment.as_ref(),
            n.amendment.as_ref(),
        );
        self.rest(
            &at,
            o,
            n,
            &["id", "version", "supersedes", "adopted", "amendment"],
        );
    }

    fn party(&mut self, at: &At, o: &'a Party, n: &'a Party) {
        let (old_roles, new_roles) = (names(&o.roles), names(&n.roles));
        let (plus, minus) = set_diff(&old_roles, &new_roles);
        if !plus.is_empty() || !minus.is_empty() {
            let mut text = format!(
                "roles changed from {} to {}",
                Quote::Plain.many(&old_roles),
                Quote::Plain.many(&new_roles)
            );
            let mut meanings = Vec::new();
            for r in &n.roles {
                if !o.roles.contains(r) {
                    meanings.push(format!("it now {}", role_means(*r)));
                }
            }
            for r in &o.roles {
                if !n.roles.contains(r) {
                    meanings.push(format!("it no longer {}", role_means(*r)));
                }
            }
            meanings.dedup();
            text.push_str(&means(&meanings.join("; ")));
            self.field(
                at,
                "roles",
                Some(written_of(&o.roles)),
                Some(written_of(&n.roles)),
                text,
            );
        }
        self.list(
            at,
            "members",
            &o.members,
            &n.members,
            Quote::Text,
            |l, _| format!("now speaks for {l}"),
            |l, _| format!("no longer speaks for {l}"),
        );
        self.rest(at, o, n, &["roles", "members"]);
    }

    fn instrument(&mut self, at: &At, o: &'a Instrument, n: &'a Instrument) {
        self.list(
            at,
            "parties",
            &o.parties,
            &n.parties,
            Quote::Code,
            |l, k| format!("{l} now {} bound by it", if k == 1 { "is" } else { "are" }),
            |l, k| {
                format!(
                    "{l} no longer {} bound by it",
                    if k == 1 { "is" } else { "are" }
                )
            },
        );
        self.rest(at, o, n, &["parties", "article"]);
        for p in pair(&o.articles, &n.articles, |a| a.id.clone()) {
            match p {
                Pair::Both(oa, na) => {
                    let at = At::new(Section::Article, &na.id);
                    self.list(
                        &at,
                        "implements",
                        &oa.implements,
                        &na.implements,
                        Quote::Code,
                        |l, _| format!("now given effect by {l}"),
                        |l, _| format!("no longer given effect by {l}"),
                    );
                    self.rest(&at, oa, na, &["implements"]);
                }
                Pair::Added(na) => {
                    let at = At::new(Section::Article, &na.id);
                    self.added(&at, &format!("in instrument `{}`", n.id));
                }
                Pair::Removed(oa) => {
                    let at = At::new(Section::Article, &oa.id);
                    self.removed(&at, &format!("in instrument `{}`", o.id));
                }
                Pair::Repeated(na, before, after) => {
                    self.repeated(&At::new(Section::Article, &na.id), before, after);
                }
            }
        }
    }

    fn zone(&mut self, at: &At, o: &'a Zone, n: &'a Zone) {
        if o.points != n.points {
            let count = |p: &Option<Vec<[f64; 2]>>| p.as_ref().map_or(0, Vec::len);
            let text = match (&o.points, &n.points) {
                (Some(_), Some(_)) => format!(
                    "boundary redrawn ({} {}, was {})",
                    count(&n.points),
                    plural(count(&n.points), "point", "points"),
                    count(&o.points)
                ),
                (None, Some(_)) => format!(
                    "inline boundary of {} {} set",
                    count(&n.points),
                    plural(count(&n.points), "point", "points")
                ),
                _ => "inline boundary removed".to_string(),
            };
            let written = |p: &Option<Vec<[f64; 2]>>| p.as_ref().map(written_of);
            self.field(at, "points", written(&o.points), written(&n.points), text);
        } else if o.file == n.file && o.feature == n.feature {
            let (og, ng): (Option<&Geometry>, Option<&Geometry>) =
                (self.old.geometry.get(&o.id), self.new.geometry.get(&n.id));
            if og != ng {
                let file = n.file.as_deref().unwrap_or("its file");
                let text = format!("the geometry read from `{file}` changed");
                self.field(at, "geometry", None, None, text);
            }
        }
        self.rest(at, o, n, &["points"]);
    }

    fn standard(&mut self, at: &At, o: &'a EvidenceStandard, n: &'a EvidenceStandard) {
        self.list(
            at,
            "classes",
            &o.classes,
            &n.classes,
            Quote::Code,
            |l, k| {
                let noun = plural(k, "class", "classes");
                format!("observations from source {noun} {l} now count toward it")
            },
            |l, k| {
                let noun = plural(k, "class", "classes");
                format!("observations from source {noun} {l} no longer count toward it")
            },
        );
        self.scalar(
            at,
            "independent_classes",
            o.independent_classes.as_ref(),
            n.independent_classes.as_ref(),
            Words::raised("independent source classes required")
                .up("certification needs more corroboration")
                .down("certification needs less corroboration")
                .unset("no number of independent source classes is required any more"),
        );
        self.scalar(
            at,
            "independent_parties",
            o.independent_parties.as_ref(),
            n.independent_parties.as_ref(),
            Words::raised("independent parties required")
                .up("certification needs corroboration from more parties")
                .down("certification needs corroboration from fewer parties")
                .unset("no number of independent parties is required any more"),
        );
        if o.neutral != n.neutral {
            let text = if n.neutral {
                "now requires one neutral source (a monitor or the technical cell)"
            } else {
                "no longer requires a neutral source — the interested parties' sources can certify alone"
            };
            self.field(
                at,
                "neutral",
                Some(o.neutral.written()),
                Some(n.neutral.written()),
                text,
            );
        }
        self.scalar(
            at,
            "min_confidence",
            o.min_confidence.as_ref(),
            n.min_confidence.as_ref(),
            Words::raised("minimum confidence")
                .up("certification needs stronger evidence")
                .down("weaker evidence now certifies")
                .unset("no minimum confidence any more"),
        );
        self.attribution(at, o.attribution.as_ref(), n.attribution.as_ref());
        self.clock(
            at,
            "review",
            &REVIEW_CLOCK,
            o.review.as_ref(),
            n.review.as_ref(),
        );
        self.swap(
            at,
            "visibility",
            Some(&o.visibility),
            Some(&n.visibility),
            "visibility",
            Quote::Plain,
            "",
        );
        self.rest(
            at,
            o,
            n,
            &[
                "classes",
                "independent_classes",
                "independent_parties",
                "neutral",
                "min_confidence",
                "attribution",
                "review",
                "visibility",
            ],
        );
    }

    fn attribution(&mut self, at: &At, o: Option<&'a Attribution>, n: Option<&'a Attribution>) {
        let summary = |a: &Attribution| {
            format!(
                "at {} confidence on {}",
                a.min_confidence,
                Quote::Plain.many(&a.basis)
            )
        };
        match (o, n) {
            (None, None) => {}
            (None, Some(n)) => self.field(
                at,
                "attribution",
                None,
                Some(written_of(n)),
                format!(
                    "attacks must now be attributed to the adversary {}",
                    summary(n)
                ),
            ),
            (Some(o), None) => self.field(
                at,
                "attribution",
                Some(written_of(o)),
                None,
                format!(
                    "attribution standard removed (was {}) — nothing says how an attack is tied to the adversary",
                    summary(o)
                ),
            ),
            (Some(o), Some(n)) => {
                self.scalar(
                    at,
                    "attribution.min_confidence",
                    Some(&o.min_confidence),
                    Some(&n.min_confidence),
                    Words::raised("attribution confidence")
                        .up("attribution needs stronger evidence")
                        .down("weaker evidence now attributes an attack"),
                );
                self.list(
                    at,
                    "attribution.basis",
                    &o.basis,
                    &n.basis,
                    Quote::Plain,
                    |l, _| format!("attribution may now rest on {l}"),
                    |l, _| format!("attribution may no longer rest on {l}"),
                );
                self.swap(
                    at,
                    "attribution.by",
                    o.by.as_ref(),
                    n.by.as_ref(),
                    "attributing source class",
                    Quote::Code,
                    "",
                );
            }
        }
    }

    /// A clock: its duration and what its expiry means.
    fn clock(
        &mut self,
        at: &At,
        field: &str,
        words: &ClockWords,
        o: Option<&'a Clock>,
        n: Option<&'a Clock>,
    ) {
        let name = words.name;
        match (o, n) {
            (None, None) => {}
            (None, Some(n)) => self.field(
                at,
                field,
                None,
                Some(written_of(n)),
                format!("{name} added: {}", clock_summary(words, n)),
            ),
            (Some(o), None) => self.field(
                at,
                field,
                Some(written_of(o)),
                None,
                format!("{name} removed (was {})", clock_summary(words, o)),
            ),
            (Some(o), Some(n)) => {
                self.scalar(
                    at,
                    &format!("{field}.duration"),
                    o.duration.as_ref(),
                    n.duration.as_ref(),
                    Words::lengthened(name)
                        .what_unset(format!("{name}'s length"))
                        .up(words.longer)
                        .down(words.shorter)
                        .unset("nothing says when it runs out"),
                );
                if o.on_expiry != n.on_expiry || o.escalate_to != n.escalate_to {
                    let (f, ov, nv) = if o.on_expiry != n.on_expiry {
                        (
                            "on_expiry",
                            o.on_expiry.as_ref().map(Val::written),
                            n.on_expiry.as_ref().map(Val::written),
                        )
                    } else {
                        ("escalate_to", o.escalate_to.clone(), n.escalate_to.clone())
                    };
                    let text = format!(
                        "when the {name} runs out, {} (was: {})",
                        outcome_words(words, n),
                        outcome_words(words, o)
                    );
                    self.field(at, &format!("{field}.{f}"), ov, nv, text);
                }
            }
        }
    }

    fn trigger(&mut self, at: &At, o: &'a Trigger, n: &'a Trigger) {
        self.swap(
            at,
            "category",
            Some(&o.category),
            Some(&n.category),
            "category",
            Quote::Plain,
            "",
        );
        let count = n.count.map(|c| c.written());
        let end = match n.range_end {
            Some(RangeEnd::High) => "high end",
            _ => "low end",
        };
        let detail = match count {
            Some(c) => format!(" ({c}, {end})"),
            None => format!(" ({end})"),
        };
        self.scalar(
            at,
            "threshold",
            o.threshold.as_ref(),
            n.threshold.as_ref(),
            Words::raised("threshold")
                .detail(detail)
                .up("it takes more to make a breach")
                .down("breaches certify sooner")
                .unset("the trigger no longer has a measurable threshold"),
        );
        self.scalar(
            at,
            "window",
            o.window.as_ref(),
            n.window.as_ref(),
            Words::lengthened("window")
                .up("counts add up over a longer period, so the threshold is reached more easily")
                .down(
                    "counts add up over a shorter period, so the threshold is reached less easily",
                )
                .unset("nothing says over what period counts add up"),
        );
        self.swap(
            at,
            "count",
            o.count.as_ref(),
            n.count.as_ref(),
            "compared count",
            Quote::Plain,
            "nothing says which count is compared",
        );
        if o.range_end != n.range_end {
            let effective = |r: Option<RangeEnd>| r.unwrap_or(RangeEnd::Low);
            let text = match (effective(o.range_end), effective(n.range_end)) {
                (RangeEnd::Low, RangeEnd::High) => {
                    "now compares the high end of a disagreeing count (the largest single report) instead of the cautious low end — breaches certify more easily"
                }
                (RangeEnd::High, RangeEnd::Low) => {
                    "now compares the cautious low end of a disagreeing count instead of the high end (the largest single report) — breaches certify less easily"
                }
                _ if n.range_end.is_none() => {
                    "range end no longer written; the default, the low end, applies (no change in effect)"
                }
                _ => "range end now written out as the default, the low end (no change in effect)",
            };
            self.field(
                at,
                "range_end",
                o.range_end.map(|r| serde_name(&r)),
                n.range_end.map(|r| serde_name(&r)),
                text,
            );
        }
        self.zones(at, o, n);
        self.list(
            at,
            "kinds",
            &o.kinds,
            &n.kinds,
            Quote::Plain,
            |l, k| {
                format!(
                    "observations of {} {l} now count",
                    plural(k, "kind", "kinds")
                )
            },
            |l, k| {
                let noun = plural(k, "kind", "kinds");
                format!("observations of {noun} {l} no longer count")
            },
        );
        self.list(
            at,
            "target_categories",
            &o.target_categories,
            &n.target_categories,
            Quote::Plain,
            |l, _| format!("attacks on {l} targets now count"),
            |l, _| format!("attacks on {l} targets no longer count"),
        );
        self.list(
            at,
            "weapons",
            &o.weapons,
            &n.weapons,
            Quote::Code,
            |l, k| {
                let (noun, verb) = (plural(k, "model", "models"), plural(k, "counts", "count"));
                format!("weapon {noun} {l} now {verb}")
            },
            |l, k| {
                let (noun, verb) = (plural(k, "model", "models"), plural(k, "counts", "count"));
                format!("weapon {noun} {l} no longer {verb}")
            },
        );
        if o.standard != n.standard {
            let text = match (&o.standard, &n.standard) {
                (Some(a), Some(b)) => {
                    format!("now certified under evidence standard `{b}` (was `{a}`)")
                }
                (None, Some(b)) => format!("now certified under evidence standard `{b}`"),
                (Some(a), _) => format!(
                    "no evidence standard any more (was `{a}`) — its breaches cannot be certified"
                ),
                (None, None) => String::new(),
            };
            self.field(at, "standard", o.standard.clone(), n.standard.clone(), text);
        }
        if o.tier != n.tier {
            let text = match (&o.tier, &n.tier) {
                (Some(a), Some(b)) => {
                    format!("a certified breach now enters tier `{b}` (was `{a}`)")
                }
                (None, Some(b)) => format!("a certified breach now enters tier `{b}`"),
                (Some(a), _) => format!(
                    "a certified breach no longer enters any tier (was `{a}`) — nothing responds to it"
                ),
                (None, None) => String::new(),
            };
            self.field(at, "tier", o.tier.clone(), n.tier.clone(), text);
        }
        self.accumulate(at, o.accumulate.as_ref(), n.accumulate.as_ref());
        self.rest(
            at,
            o,
            n,
            &[
                "category",
                "threshold",
                "window",
                "count",
                "range_end",
                "zones",
                "kinds",
                "target_categories",
                "weapons",
                "standard",
                "tier",
                "accumulate",
            ],
        );
    }

    fn zones(&mut self, at: &At, o: &'a Trigger, n: &'a Trigger) {
        let (plus, minus) = set_diff(&o.zones, &n.zones);
        if plus.is_empty() && minus.is_empty() {
            return;
        }
        let text = if o.zones.is_empty() {
            format!(
                "now applies only in {} {} (no zones were listed before)",
                plural(plus.len(), "zone", "zones"),
                codes(&plus)
            )
        } else if n.zones.is_empty() {
            format!("no zones listed any more (was only in {})", codes(&o.zones))
        } else {
            let mut phrases = Vec::new();
            if !plus.is_empty() {
                phrases.push(format!(
                    "now also applies in {} {}",
                    plural(plus.len(), "zone", "zones"),
                    codes(&plus)
                ));
            }
            if !minus.is_empty() {
                phrases.push(format!(
                    "no longer applies in {} {}",
                    plural(minus.len(), "zone", "zones"),
                    codes(&minus)
                ));
            }
            phrases.join("; ")
        };
        self.field(
            at,
            "zones",
            Some(written_of(&o.zones)),
            Some(written_of(&n.zones)),
            text,
        );
    }

    fn accumulate(&mut self, at: &At, o: Option<&'a Accumulate>, n: Option<&'a Accumulate>) {
        match (o, n) {
            (None, None) => {}
            (None, Some(n)) => self.field(
                at,
                "accumulate",
                None,
                Some(written_of(n)),
                format!(
                    "sub-threshold incidents now accumulate: {} within {} make a breach",
                    n.incidents, n.window
                ),
            ),
            (Some(o), None) => self.field(
                at,
                "accumulate",
                Some(written_of(o)),
                None,
                format!(
                    "sub-threshold incidents no longer accumulate (was {} within {}) — probing below the threshold never makes a breach",
                    o.incidents, o.window
                ),
            ),
            (Some(o), Some(n)) => {
                self.scalar(
                    at,
                    "accumulate.incidents",
                    Some(&o.incidents),
                    Some(&n.incidents),
                    Words::raised("sub-threshold incidents that make a breach")
                        .up("more probing is tolerated")
                        .down("probing makes a breach sooner"),
                );
                self.scalar(
                    at,
                    "accumulate.window",
                    Some(&o.window),
                    Some(&n.window),
                    Words::lengthened("accumulation window")
                        .up("probing spread over a longer period adds up to a breach")
                        .down("probing must be more concentrated to add up to a breach"),
                );
            }
        }
    }

    fn tier(&mut self, at: &At, o: &'a Tier, n: &'a Tier) {
        if o.level != n.level {
            let text = format!(
                "moved from rung {} to rung {} of the ladder",
                o.level, n.level
            );
            self.field(
                at,
                "level",
                Some(o.level.written()),
                Some(n.level.written()),
                text,
            );
        }
        if o.mode != n.mode {
            let text = match (o.mode, n.mode) {
                (Some(a), Some(b)) => format!(
                    "mode changed from {} to {}{}",
                    a.written(),
                    b.written(),
                    means(mode_means(b))
                ),
                (None, Some(b)) => format!("mode set to {}{}", b.written(), means(mode_means(b))),
                (Some(a), None) => format!(
                    "mode removed (was {}) — nothing says how the tier is decided",
                    a.written()
                ),
                (None, None) => String::new(),
            };
            self.field(
                at,
                "mode",
                o.mode.as_ref().map(Val::written),
                n.mode.as_ref().map(Val::written),
                text,
            );
        }
        let words = tier_clock_words(n.mode);
        self.clock(at, "clock", &words, o.clock.as_ref(), n.clock.as_ref());
        let vote_at = At {
            section: Section::Vote,
            ..at.clone()
        };
        self.vote(
            &vote_at,
            "vote",
            "",
            n.mode,
            o.vote.as_ref(),
            n.vote.as_ref(),
        );
        self.escalations(at, &o.escalate, &n.escalate);
        self.swap(
            at,
            "visibility",
            Some(&o.visibility),
            Some(&n.visibility),
            "visibility",
            Quote::Plain,
            "",
        );
        self.rest(
            at,
            o,
            n,
            &[
                "level",
                "mode",
                "clock",
                "vote",
                "escalate",
                "action",
                "visibility",
            ],
        );
    }

    /// A voting rule. `label` qualifies the nouns (`amendment ` for the
    /// amendment rule); field names are prefixed with `field`.
    fn vote(
        &mut self,
        at: &At,
        field: &str,
        label: &str,
        mode: Option<Mode>,
        o: Option<&'a VoteRule>,
        n: Option<&'a VoteRule>,
    ) {
        let (o, n) = match (o, n) {
            (None, None) => return,
            (None, Some(n)) => {
                let text = format!("{label}vote rule added: {}", vote_summary(n));
                return self.field(at, field, None, Some(written_of(n)), text);
            }
            (Some(o), None) => {
                let unset = if mode.is_some_and(|m| m != Mode::Automatic) {
                    " — the tier is decided by vote but no longer says how"
                } else {
                    ""
                };
                let text = format!("{label}vote rule removed (was {}){unset}", vote_summary(o));
                return self.field(at, field, Some(written_of(o)), None, text);
            }
            (Some(o), Some(n)) => (o, n),
        };
        let (ot, nt) = (total_weight(o), total_weight(n));
        let (plus, minus) = set_diff(&o.electorate, &n.electorate);
        if !plus.is_empty() || !minus.is_empty() {
            let mut phrases = Vec::new();
            if !plus.is_empty() {
                phrases.push(format!("{} added to the {label}electorate", codes(&plus)));
            }
            if !minus.is_empty() {
                phrases.push(format!(
                    "{} removed from the {label}electorate",
                    codes(&minus)
                ));
            }
            let of_total = if ot == nt {
                String::new()
            } else {
                format!(" (total weight now {nt}, was {ot})")
            };
            if let (Some(a), Some(b)) = (o.quorum, n.quorum)
                && a == b
            {
                phrases.push(format!("quorum unchanged at {b}{of_total}"));
            }
            if let (Some(a), Some(b)) = (o.quorum_parties, n.quorum_parties)
                && a == b
            {
                phrases.push(format!(
                    "parties needed in favour unchanged at {b} (of {} voters, was {})",
                    voters(n),
                    voters(o)
                ));
            }
            if let (Some(a), Some(b)) = (o.block, n.block)
                && a == b
            {
                phrases.push(format!("block threshold unchanged at {b}{of_total}"));
            }
            self.field(
                at,
                &format!("{field}.electorate"),
                Some(written_of(&o.electorate)),
                Some(written_of(&n.electorate)),
                phrases.join("; "),
            );
        }
        let parties: BTreeSet<&String> = o.weights.keys().chain(n.weights.keys()).collect();
        for p in parties {
            let (ow, nw) = (o.weights.get(p), n.weights.get(p));
            let (oe, ne) = (ow.copied().unwrap_or(1), nw.copied().unwrap_or(1));
            if oe == ne {
                continue;
            }
            let verb = if ne > oe { "raised" } else { "lowered" };
            let text = format!(
                "{label}vote weight of `{p}` {verb} from {oe} to {ne} (total weight now {nt}, was {ot})"
            );
            self.field(
                at,
                &format!("{field}.weights.{p}"),
                ow.map(Val::written),
                nw.map(Val::written),
                text,
            );
        }
        self.scalar(
            at,
            &format!("{field}.quorum"),
            o.quorum.as_ref(),
            n.quorum.as_ref(),
            Words::raised(&format!("{label}quorum"))
                .detail(format!(" of a total weight of {nt}"))
                .up("harder to reach a decision")
                .down("easier to reach a decision")
                .unset("nothing says how much support decides"),
        );
        self.scalar(
            at,
            &format!("{field}.quorum_parties"),
            o.quorum_parties.as_ref(),
            n.quorum_parties.as_ref(),
            Words::raised(&format!("{label}parties needed in favour"))
                .detail(format!(" of {} voters", voters(n)))
                .up("harder to reach a decision")
                .down("easier to reach a decision"),
        );
        self.list(
            at,
            &format!("{field}.veto"),
            &o.veto,
            &n.veto,
            Quote::Code,
            |l, k| {
                format!(
                    "{l} now {} a veto — a single vote against stops the decision",
                    if k == 1 { "holds" } else { "hold" }
                )
            },
            |l, k| {
                format!(
                    "{l} no longer {} a veto",
                    if k == 1 { "holds" } else { "hold" }
                )
            },
        );
        self.scalar(
            at,
            &format!("{field}.block"),
            o.block.as_ref(),
            n.block.as_ref(),
            Words::raised("block threshold")
                .detail(format!(" of a total weight of {nt}"))
                .up("harder to block, so the tier fires more surely")
                .down("easier to block")
                .unset("nothing says what weight blocks the tier"),
        );
    }

    fn escalations(&mut self, at: &At, o: &'a [Escalation], n: &'a [Escalation]) {
        // No id: an escalation is matched by where it goes and why, and the
        // k-th of a kind with the k-th.
        let keyed = |list: &'a [Escalation]| {
            let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
            list.iter()
                .map(|e| {
                    let base = (e.to.clone(), serde_name(&e.when));
                    let k = seen.entry(base.clone()).or_insert(0);
                    *k += 1;
                    (format!("{}/{}/{}", base.0, base.1, k), e)
                })
                .collect::<Vec<_>>()
        };
        let (ok, nk) = (keyed(o), keyed(n));
        for p in pair(&ok, &nk, |(k, _)| k.clone()) {
            match p {
                Pair::Both((_, oe), (_, ne)) => {
                    if oe != ne {
                        let text = format!(
                            "now escalates {} (was: {})",
                            escalation_desc(ne),
                            escalation_desc(oe)
                        );
                        self.field(
                            at,
                            "escalate",
                            Some(written_of(oe)),
                            Some(written_of(ne)),
                            text,
                        );
                    }
                }
                Pair::Added((_, ne)) => {
                    let text = format!("now escalates {}", escalation_desc(ne));
                    self.field(at, "escalate", None, Some(written_of(ne)), text);
                }
                Pair::Removed((_, oe)) => {
                    let text = format!("no longer escalates {}", escalation_desc(oe));
                    self.field(at, "escalate", Some(written_of(oe)), None, text);
                }
                // Keys carry their occurrence number, so none repeats.
                Pair::Repeated(..) => {}
            }
        }
    }

    fn actions(&mut self) {
        let flat = |fw: &'a Framework| -> Vec<(&'a str, &'a Action)> {
            fw.tiers
                .iter()
                .flat_map(|t| t.actions.iter().map(move |a| (t.id.as_str(), a)))
                .collect()
        };
        let (o, n) = (flat(self.old), flat(self.new));
        for p in pair(&o, &n, |(_, a)| a.id.clone()) {
            match p {
                Pair::Both((ot, oa), (nt, na)) => {
                    let at = action_at(nt, &na.id);
                    self.action(&at, ot, nt, oa, na);
                }
                Pair::Added((nt, na)) => {
                    let at = action_at(nt, &na.id);
                    if self.broken(self.old, Section::Tier, nt) {
                        self.unreadable(&at, "old");
                    } else {
                        self.added(&at, &action_summary(na));
                    }
                }
                Pair::Removed((ot, oa)) => {
                    let at = action_at(ot, &oa.id);
                    if self.broken(self.new, Section::Tier, ot) {
                        self.unreadable(&at, "new");
                    } else {
                        self.removed(&at, &action_summary(oa));
                    }
                }
                Pair::Repeated((nt, na), before, after) => {
                    self.repeated(&action_at(nt, &na.id), before, after);
                }
            }
        }
    }

    fn action(&mut self, at: &At, ot: &str, nt: &str, o: &'a Action, n: &'a Action) {
        if ot != nt {
            let text = format!("moved from tier `{ot}` to tier `{nt}`");
            self.field(at, "tier", Some(ot.to_string()), Some(nt.to_string()), text);
        }
        self.swap(
            at,
            "kind",
            Some(&o.kind),
            Some(&n.kind),
            "kind",
            Quote::Plain,
            "",
        );
        self.swap(
            at,
            "measure",
            Some(&o.measure),
            Some(&n.measure),
            "measure",
            Quote::Text,
            "",
        );
        if o.by != n.by {
            let text = match (&o.by, &n.by) {
                (Some(a), Some(b)) => format!("now executed by `{b}` (was `{a}`)"),
                (None, Some(b)) => format!("now executed by `{b}`"),
                (Some(a), _) => {
                    format!("no longer names who executes it (was `{a}`) — nobody is bound to act")
                }
                (None, None) => String::new(),
            };
            self.field(at, "by", o.by.clone(), n.by.clone(), text);
        }
        self.scalar(
            at,
            "deadline",
            o.deadline.as_ref(),
            n.deadline.as_ref(),
            Words::lengthened("deadline")
                .up("the response may come later")
                .down("the response must come sooner")
                .unset("the order no longer has a deadline"),
        );
        self.swap(
            at,
            "authority",
            o.authority.as_ref(),
            n.authority.as_ref(),
            "legal authority",
            Quote::Text,
            "the order no longer names the legal authority it rests on",
        );
        self.swap(
            at,
            "tranche",
            o.tranche.as_ref(),
            n.tranche.as_ref(),
            "paying tranche",
            Quote::Code,
            "the order no longer names the money that pays for it",
        );
        self.swap(
            at,
            "sanctions",
            o.sanctions.as_ref(),
            n.sanctions.as_ref(),
            "sanctions package imposed",
            Quote::Code,
            "",
        );
        self.rest(
            at,
            o,
            n,
            &[
                "kind",
                "measure",
                "by",
                "deadline",
                "authority",
                "tranche",
                "sanctions",
            ],
        );
    }

    fn sanctions(&mut self, at: &At, o: &'a SanctionsPackage, n: &'a SanctionsPackage) {
        if o.pre_cleared != n.pre_cleared {
            let text = if n.pre_cleared {
                "now legally cleared in advance — it can be imposed at once"
            } else {
                "no longer cleared in advance — it needs legal clearance before it can be imposed"
            };
            self.field(
                at,
                "pre_cleared",
                Some(o.pre_cleared.written()),
                Some(n.pre_cleared.written()),
                text,
            );
        }
        self.list(
            at,
            "measures",
            &o.measures,
            &n.measures,
            Quote::Text,
            |l, _| format!("measure {l} added"),
            |l, _| format!("measure {l} removed"),
        );
        for p in pair(&o.targets, &n.targets, target_key) {
            match p {
                Pair::Both(ot, nt) => {
                    if ot != nt {
                        let text = format!(
                            "target {} now listed as {}",
                            target_desc(ot),
                            target_desc(nt)
                        );
                        self.field(
                            at,
                            "targets",
                            Some(written_of(ot)),
                            Some(written_of(nt)),
                            text,
                        );
                    }
                }
                Pair::Added(nt) => {
                    let text = format!("target {} added", target_desc(nt));
                    self.field(at, "targets", None, Some(written_of(nt)), text);
                }
                // A target listed twice is still one target.
                Pair::Repeated(..) => {}
                Pair::Removed(ot) => {
                    let text = format!(
                        "target {} removed — the package no longer reaches it",
                        target_desc(ot)
                    );
                    self.field(at, "targets", Some(written_of(ot)), None, text);
                }
            }
        }
        self.swap(
            at,
            "targets_file",
            o.targets_file.as_ref(),
            n.targets_file.as_ref(),
            "target list file",
            Quote::Code,
            "",
        );
        self.target_file_changes(at, o, n);
        self.rest(
            at,
            o,
            n,
            &["pre_cleared", "measures", "targets", "targets_file"],
        );
    }

    /// The targets a package's `targets_file` gains or loses between the
    /// versions (by entity id), whether the file was renamed or its content
    /// changed: the path alone would hide a list that grew or shrank.
    fn target_file_changes(&mut self, at: &At, o: &SanctionsPackage, n: &SanctionsPackage) {
        let (Some(old), Some(new)) = (
            self.old.target_files.get(&o.id),
            self.new.target_files.get(&n.id),
        ) else {
            return;
        };
        let ids = |t: &'a ingest::ftm::Targets| -> BTreeMap<&'a str, &'a ingest::ftm::Target> {
            t.targets.iter().map(|x| (x.id.as_str(), x)).collect()
        };
        let (old, new) = (ids(old), ids(new));
        let added: Vec<&ingest::ftm::Target> = new
            .iter()
            .filter(|(id, _)| !old.contains_key(*id))
            .map(|(_, t)| *t)
            .collect();
        let removed: Vec<&ingest::ftm::Target> = old
            .iter()
            .filter(|(id, _)| !new.contains_key(*id))
            .map(|(_, t)| *t)
            .collect();
        let listed = |ts: &[&ingest::ftm::Target]| -> String {
            let mut names: Vec<String> = ts
                .iter()
                .take(TARGETS_NAMED_MAX)
                .map(|t| format!("\"{}\" ({})", t.name, t.kind))
                .collect();
            if ts.len() > TARGETS_NAMED_MAX {
                names.push(format!("and {} more", ts.len() - TARGETS_NAMED_MAX));
            }
            names.join(", ")
        };
        let ids_of = |ts: &[&ingest::ftm::Target]| -> String {
            ts.iter()
                .map(|t| t.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !added.is_empty() {
            let text = format!(
                "{} target{} added to the target list file: {}",
                added.len(),
                if added.len() == 1 { "" } else { "s" },
                listed(&added)
            );
            self.field(at, "targets_file", None, Some(ids_of(&added)), text);
        }
        if !removed.is_empty() {
            let text = format!(
                "{} target{} removed from the target list file — the package no longer reaches {}: {}",
                removed.len(),
                if removed.len() == 1 { "" } else { "s" },
                if removed.len() == 1 { "it" } else { "them" },
                listed(&removed)
            );
            self.field(at, "targets_file", Some(ids_of(&removed)), None, text);
        }
    }

    fn tranche(&mut self, at: &At, o: &'a Tranche, n: &'a Tranche) {
        if o.status != n.status {
            let text = format!(
                "status changed from {} to {} — {}",
                o.status.written(),
                n.status.written(),
                status_means(n.status)
            );
            self.field(
                at,
                "status",
                Some(o.status.written()),
                Some(n.status.written()),
                text,
            );
        }
        let currency = if o.currency == n.currency {
            format!(" million {}", n.currency)
        } else {
            " million".to_string()
        };
        self.scalar(
            at,
            "amount_millions",
            Some(&o.amount_millions),
            Some(&n.amount_millions),
            Words::raised("amount").detail(currency),
        );
        self.swap(
            at,
            "currency",
            Some(&o.currency),
            Some(&n.currency),
            "currency",
            Quote::Plain,
            "",
        );
        self.swap(
            at,
            "source",
            Some(&o.source),
            Some(&n.source),
            "source of the money",
            Quote::Plain,
            "",
        );
        self.swap(
            at,
            "party",
            o.party.as_ref(),
            n.party.as_ref(),
            "party holding the money",
            Quote::Code,
            "",
        );
        self.rest(
            at,
            o,
            n,
            &["status", "amount_millions", "currency", "source", "party"],
        );
    }

    fn relief(&mut self) {
        let (o, n) = (&self.old.relief, &self.new.relief);
        if o.snapback_all != n.snapback_all {
            let at = At {
                section: Section::Relief,
                id: "relief".to_string(),
                name: "relief".to_string(),
            };
            let text = if n.snapback_all {
                "any certified breach now re-imposes everything relieved"
            } else {
                "a certified breach no longer re-imposes everything relieved — only what the violated item relieved"
            };
            self.field(
                &at,
                "snapback_all",
                Some(o.snapback_all.written()),
                Some(n.snapback_all.written()),
                text,
            );
        }
        self.items(
            Section::Relief,
            &o.items,
            &n.items,
            |i| i.id.clone(),
            |i| format!("\"{}\", relieves {}", i.condition, codes(&i.relieves)),
            Differ::relief_item,
        );
    }

    fn relief_item(&mut self, at: &At, o: &'a ReliefItem, n: &'a ReliefItem) {
        self.swap(
            at,
            "condition",
            Some(&o.condition),
            Some(&n.condition),
            "condition",
            Quote::Text,
            "",
        );
        self.swap(
            at,
            "standard",
            o.standard.as_ref(),
            n.standard.as_ref(),
            "evidence standard for attestations",
            Quote::Code,
            "nothing says what evidence attests compliance",
        );
        self.list(
            at,
            "relieves",
            &o.relieves,
            &n.relieves,
            Quote::Code,
            |l, _| format!("now relieves {l} once attested"),
            |l, _| format!("no longer relieves {l}"),
        );
        self.list(
            at,
            "violated_by",
            &o.violated_by,
            &n.violated_by,
            Quote::Code,
            |l, _| format!("a certified breach of {l} now re-imposes what it relieved"),
            |l, _| format!("a certified breach of {l} no longer re-imposes what it relieved"),
        );
        self.swap(
            at,
            "zone",
            o.zone.as_ref(),
            n.zone.as_ref(),
            "zone",
            Quote::Code,
            "",
        );
        self.rest(
            at,
            o,
            n,
            &["condition", "standard", "relieves", "violated_by", "zone"],
        );
    }

    fn commitment(&mut self, at: &At, o: &'a Commitment, n: &'a Commitment) {
        self.swap(
            at,
            "party",
            Some(&o.party),
            Some(&n.party),
            "committing party",
            Quote::Code,
            "",
        );
        let unit = if o.unit == n.unit && !n.unit.is_empty() {
            format!(" {}", n.unit)
        } else {
            String::new()
        };
        self.scalar(
            at,
            "quantity",
            Some(&o.quantity),
            Some(&n.quantity),
            Words::raised("quantity").detail(unit.clone()),
        );
        let steps = |c: &Commitment| {
            let mut by_day: BTreeMap<u32, i64> = BTreeMap::new();
            for s in &c.schedule {
                by_day.entry(s.day).or_insert(s.quantity);
            }
            by_day
        };
        let (os, ns) = (steps(o), steps(n));
        let days: BTreeSet<u32> = os.keys().chain(ns.keys()).copied().collect();
        for day in days {
            let field = format!("schedule.{day}");
            self.scalar(
                at,
                &field,
                os.get(&day),
                ns.get(&day),
                Words::raised(&format!("deliveries due by day {day}"))
                    .detail(unit.clone())
                    .up("more must arrive by then")
                    .down("less must arrive by then")
                    .unset("no delivery step at that day any more"),
            );
        }
        for (f, ov, nv, what) in [
            ("category", &o.category, &n.category, "category"),
            ("item", &o.item, &n.item, "item"),
            ("unit", &o.unit, &n.unit, "unit"),
        ] {
            let some = |s: &'a String| Some(s).filter(|s| !s.is_empty());
            self.swap(at, f, some(ov), some(nv), what, Quote::Plain, "");
        }
        if o.licence != n.licence {
            let pending = if n.licence == Some(Licence::Pending) {
                " — deliveries now wait on an export licence"
            } else {
                ""
            };
            let text = match (o.licence, n.licence) {
                (Some(a), Some(b)) => format!(
                    "export licence changed from {} to {}{pending}",
                    a.written(),
                    b.written()
                ),
                (None, Some(b)) => format!("export licence set to {}{pending}", b.written()),
                (Some(a), None) => format!("export licence status removed (was {})", a.written()),
                (None, None) => String::new(),
            };
            self.field(
                at,
                "licence",
                o.licence.as_ref().map(Val::written),
                n.licence.as_ref().map(Val::written),
                text,
            );
        }
        self.swap(
            at,
            "menu",
            o.menu.as_ref(),
            n.menu.as_ref(),
            "menu item fulfilled",
            Quote::Code,
            "",
        );
        self.swap(
            at,
            "tranche",
            o.tranche.as_ref(),
            n.tranche.as_ref(),
            "paying tranche",
            Quote::Code,
            "nothing says what pays for it",
        );
        self.rest(
            at,
            o,
            n,
            &[
                "party", "quantity", "schedule", "category", "item", "unit", "licence", "menu",
                "tranche",
            ],
        );
    }

    fn stock(&mut self, at: &At, o: &'a Stock, n: &'a Stock) {
        let unit = if o.unit == n.unit && !n.unit.is_empty() {
            format!(" {}", n.unit)
        } else {
            String::new()
        };
        self.scalar(
            at,
            "on_hand",
            Some(&o.on_hand),
            Some(&n.on_hand),
            Words::raised("stock on hand at entry into force").detail(unit.clone()),
        );
        self.scalar(
            at,
            "per_day",
            Some(&o.per_day),
            Some(&n.per_day),
            Words::raised("normal consumption per day")
                .detail(unit.clone())
                .up("the stock lasts fewer days")
                .down("the stock lasts more days"),
        );
        self.scalar(
            at,
            "surge_per_day",
            Some(&o.surge_per_day),
            Some(&n.surge_per_day),
            Words::raised("consumption per day in a surge after a breach")
                .detail(unit)
                .up("a breach eats the stock faster")
                .down("a breach eats the stock more slowly"),
        );
        self.scalar(
            at,
            "surge_days",
            Some(&o.surge_days),
            Some(&n.surge_days),
            Words::lengthened("surge after a breach").detail(" days"),
        );
        self.scalar(
            at,
            "floor_days",
            Some(&o.floor_days),
            Some(&n.floor_days),
            Words::raised("alert floor")
                .detail(" days of supply")
                .up("the alert comes earlier")
                .down("the alert comes later"),
        );
        for (f, ov, nv) in [
            ("category", &o.category, &n.category),
            ("unit", &o.unit, &n.unit),
        ] {
            let some = |s: &'a String| Some(s).filter(|s| !s.is_empty());
            self.swap(at, f, some(ov), some(nv), f, Quote::Plain, "");
        }
        self.rest(
            at,
            o,
            n,
            &[
                "on_hand",
                "per_day",
                "surge_per_day",
                "surge_days",
                "floor_days",
                "category",
                "unit",
            ],
        );
    }

    fn ad_site(&mut self, at: &At, o: &'a AdSite, n: &'a AdSite) {
        self.scalar(
            at,
            "units_required",
            Some(&o.units_required),
            Some(&n.units_required),
            Words::raised("units that must cover it at every moment")
                .up("more air defence must stay on the site through rotations")
                .down("less air defence stays on the site"),
        );
        self.list(
            at,
            "systems",
            &names(&o.systems),
            &names(&n.systems),
            Quote::Plain,
            |l, _| format!("{l} can now cover it"),
            |l, _| format!("{l} no longer counts as covering it"),
        );
        self.rest(at, o, n, &["units_required", "systems"]);
    }

    fn ad_unit(&mut self, at: &At, o: &'a AdUnit, n: &'a AdUnit) {
        self.swap(
            at,
            "party",
            Some(&o.party),
            Some(&n.party),
            "providing party",
            Quote::Code,
            "",
        );
        self.swap(
            at,
            "system",
            Some(&o.system),
            Some(&n.system),
            "system",
            Quote::Plain,
            "",
        );
        self.scalar(
            at,
            "overhaul_every",
            o.overhaul_every.as_ref(),
            n.overhaul_every.as_ref(),
            Words::lengthened("time between overhauls"),
        );
        self.scalar(
            at,
            "overhaul_takes",
            o.overhaul_takes.as_ref(),
            n.overhaul_takes.as_ref(),
            Words::lengthened("overhaul time")
                .up("the unit is out of service longer")
                .down("the unit is back in service sooner"),
        );
        self.swap(
            at,
            "hub",
            o.hub.as_ref(),
            n.hub.as_ref(),
            "maintenance hub",
            Quote::Code,
            "",
        );
        self.rest(
            at,
            o,
            n,
            &["party", "system", "overhaul_every", "overhaul_takes", "hub"],
        );
    }
}

fn action_at(tier: &str, id: &str) -> At {
    At {
        section: Section::Action,
        id: id.to_string(),
        name: format!("action `{id}` (tier `{tier}`)"),
    }
}

fn party_summary(p: &Party) -> String {
    let name = if p.name.is_empty() {
        String::new()
    } else {
        format!("{}, ", p.name)
    };
    format!("{name}{}", Quote::Plain.many(&names(&p.roles)))
}

/// Items matched by id.
trait HasId {
    fn id(&self) -> &str;
}

macro_rules! has_id {
    ($($t:ty),* $(,)?) => {
        $(impl HasId for $t {
            fn id(&self) -> &str {
                &self.id
            }
        })*
    };
}

has_id!(
    Party,
    Instrument,
    MenuItem,
    PostureTarget,
    Zone,
    SourceClass,
    WeaponModel,
    EvidenceStandard,
    Trigger,
    Tier,
    SanctionsPackage,
    Tranche,
    Commitment,
    Stock,
    AdSite,
    AdUnit,
    Hub,
);
