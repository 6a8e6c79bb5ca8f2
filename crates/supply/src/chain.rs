//! A delivery as a chain of inputs, each from the party that owns its step.
//!
//! A shipment against a `[[commitment]]` goes `committed` → `allocated` →
//! `shipped` → `received`. The committing party (the commitment's `party`)
//! reports the first three; the protected state (the framework party with
//! the role `protected_state`) reports the last. Only `received` counts as
//! delivered: the recipient's word is what counts.
//!
//! The [`Book`] is fed the framework's commitments and parties, then
//! `model::Delivery` inputs one at a time, in the order they were
//! sequenced. Each is refused (nothing changes, with a reason a person can
//! act on) or taken, with flags for what looks wrong but must not lose
//! data:
//!
//! - refused: a step from a party that does not own it; a commitment the
//!   framework lacks; no shipment id; a negative quantity; too many
//!   shipments;
//! - flagged, counted once: the same step of the same shipment again (a
//!   *repeat*: the first stands);
//! - flagged, counted: a receipt with no `shipped` step before it; a
//!   receipt of more than was shipped; shipping beyond the commitment's
//!   quantity (*over-shipped*).
//!
//! Pure and deterministic: no I/O, no clock, only `BTreeMap`s; the same
//! inputs in the same order give the same book.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use base::Timestamp;
use framework::schema::{Commitment, Party, Role};
use model::{Delivery, DeliveryStep, InputId};
use serde::Serialize;

use crate::schedule;

/// The most shipments one commitment may have: a bound on the book's
/// memory in a node that runs for years (a shipment a day is 3 650 in ten
/// years).
pub const SHIPMENTS_PER_COMMITMENT_MAX: usize = 100_000;

/// Why a step was refused. Nothing was changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Refusal {
    /// The commitment named by the step.
    pub commitment: String,
    /// The shipment named by the step.
    pub shipment: String,
    /// The step.
    pub step: DeliveryStep,
    /// What is wrong and what to do, in words.
    pub reason: String,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for Refusal {}

/// What a flag says about a step that was taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    /// The same step of the same shipment was reported again: the first
    /// stands, the repeat is not counted.
    Repeat,
    /// A receipt came with no `shipped` step before it: it counts (the
    /// recipient's word is what counts), but the donor has not said it
    /// shipped.
    ReceivedNotShipped,
    /// More was received than the shipment's `shipped` step says.
    ReceivedMoreThanShipped,
    /// The commitment's shipped total went beyond its quantity.
    OverShipped,
}

/// Something that looks wrong about a step that was still taken.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Flag {
    pub kind: FlagKind,
    pub shipment: String,
    pub step: DeliveryStep,
    /// The input that raised it.
    pub input: InputId,
    /// What it means, in words.
    pub message: String,
}

/// One step of a shipment as it stands: the first report of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StepRecord {
    pub quantity: i64,
    pub at: Timestamp,
    /// The input that reported it.
    pub input: InputId,
    /// How many later reports of the same step were set aside as repeats.
    #[serde(skip_serializing_if = "is_zero")]
    pub repeats: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// One shipment: its steps so far, in chain order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Shipment {
    pub id: String,
    pub steps: BTreeMap<DeliveryStep, StepRecord>,
}

impl Shipment {
    /// The quantity of a step, if it was reported.
    pub fn quantity(&self, step: DeliveryStep) -> Option<i64> {
        self.steps.get(&step).map(|s| s.quantity)
    }
}

/// One commitment's chain: totals per step and every shipment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Ledger {
    pub id: String,
    /// The committing party: owner of `committed`, `allocated`, `shipped`.
    pub party: String,
    pub category: String,
    pub unit: String,
    /// What the framework says was committed in all.
    pub quantity: i64,
    /// Sum of the shipments' `committed` steps.
    pub committed: i64,
    /// Sum of the shipments' `allocated` steps.
    pub allocated: i64,
    /// Sum of the shipments' `shipped` steps.
    pub shipped: i64,
    /// Sum of the shipments' `received` steps: what counts as delivered.
    pub received: i64,
    /// By shipment id.
    pub shipments: BTreeMap<String, Shipment>,
    /// In the order they were raised.
    pub flags: Vec<Flag>,
}

impl Ledger {
    fn total_mut(&mut self, step: DeliveryStep) -> &mut i64 {
        match step {
            DeliveryStep::Committed => &mut self.committed,
            DeliveryStep::Allocated => &mut self.allocated,
            DeliveryStep::Shipped => &mut self.shipped,
            DeliveryStep::Received => &mut self.received,
        }
    }

    /// The total of one step over every shipment.
    pub fn total(&self, step: DeliveryStep) -> i64 {
        match step {
            DeliveryStep::Committed => self.committed,
            DeliveryStep::Allocated => self.allocated,
            DeliveryStep::Shipped => self.shipped,
            DeliveryStep::Received => self.received,
        }
    }

    /// Cumulative quantity received by day after `in_force`, one point per
    /// day with a receipt: `[(day, cumulative)]`, days increasing. A
    /// receipt before the entry into force counts on day 0.
    pub fn received_series(&self, in_force: Timestamp) -> Vec<(u32, i64)> {
        let mut by_day: BTreeMap<u32, i64> = BTreeMap::new();
        for s in self.shipments.values() {
            if let Some(r) = s.steps.get(&DeliveryStep::Received) {
                let slot = by_day.entry(day(r.at, in_force)).or_default();
                *slot = slot.saturating_add(r.quantity);
            }
        }
        let mut total = 0i64;
        by_day
            .into_iter()
            .map(|(d, q)| {
                total = total.saturating_add(q);
                (d, total)
            })
            .collect()
    }
}

/// The day after `in_force` of `at` (a started day counts as a day, as in
/// [`schedule::day_of`]); a time before the entry into force is day 0.
fn day(at: Timestamp, in_force: Timestamp) -> u32 {
    if at <= in_force {
        return 0;
    }
    schedule::day_of(at, in_force).unwrap_or(u32::MAX)
}

/// Every commitment's delivery chain, fed one input at a time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Book {
    /// By commitment id, in the framework's id order.
    commitments: BTreeMap<String, Ledger>,
    /// The parties with the role `protected_state`: who confirms receipts.
    recipients: BTreeSet<String>,
}

impl Book {
    /// An empty book for the framework's commitments and parties.
    pub fn new(commitments: &[Commitment], parties: &[Party]) -> Book {
        let mut book = BTreeMap::new();
        for c in commitments {
            // A commitment id given twice is a framework error (`bulwark
            // check` says so); the first stands, as in the rest of the code.
            book.entry(c.id.clone()).or_insert_with(|| Ledger {
                id: c.id.clone(),
                party: c.party.clone(),
                category: c.category.clone(),
                unit: c.unit.clone(),
                quantity: c.quantity,
                committed: 0,
                allocated: 0,
                shipped: 0,
                received: 0,
                shipments: BTreeMap::new(),
                flags: Vec::new(),
            });
        }
        let recipients = parties
            .iter()
            .filter(|p| p.roles.contains(&Role::ProtectedState))
            .map(|p| p.id.clone())
            .collect();
        Book {
            commitments: book,
            recipients,
        }
    }

    /// Every commitment's chain, by id.
    pub fn commitments(&self) -> impl Iterator<Item = &Ledger> {
        self.commitments.values()
    }

    /// One commitment's chain.
    pub fn commitment(&self, id: &str) -> Option<&Ledger> {
        self.commitments.get(id)
    }

    /// Whether `d` would be taken, without taking it: `Err` with the reason
    /// when it would be refused.
    pub fn check(&self, d: &Delivery) -> Result<(), Refusal> {
        let refuse = |reason: String| Refusal {
            commitment: d.commitment.clone(),
            shipment: d.shipment.clone(),
            step: d.step,
            reason,
        };
        let Some(c) = self.commitments.get(&d.commitment) else {
            let known: Vec<&str> = self.commitments.keys().map(String::as_str).collect();
            return Err(refuse(format!(
                "step `{}` of shipment `{}`: the framework has no commitment `{}`{}",
                d.step,
                d.shipment,
                d.commitment,
                if known.is_empty() {
                    " (it has no [[commitment]] at all)".to_string()
                } else {
                    format!("; its commitments: {}", known.join(", "))
                }
            )));
        };
        if d.shipment.trim().is_empty() {
            return Err(refuse(format!(
                "step `{}` for `{}` names no shipment: give each delivery an id (`shipment`) that its every step repeats",
                d.step, d.commitment
            )));
        }
        if d.quantity < 0 {
            return Err(refuse(format!(
                "step `{}` of shipment `{}`: a negative quantity ({}); report how many units the step covers",
                d.step, d.shipment, d.quantity
            )));
        }
        let from = d.id.party.as_str();
        match d.step {
            DeliveryStep::Committed | DeliveryStep::Allocated | DeliveryStep::Shipped => {
                if from != c.party {
                    return Err(refuse(format!(
                        "step `{}` of shipment `{}` must come from `{}`, the committing party of `{}`; it came from `{from}`",
                        d.step, d.shipment, c.party, c.id
                    )));
                }
            }
            DeliveryStep::Received => {
                if !self.recipients.contains(from) {
                    let who = if self.recipients.is_empty() {
                        "the protected state, and the framework names no party with the role `protected_state`".to_string()
                    } else {
                        let names: Vec<String> =
                            self.recipients.iter().map(|p| format!("`{p}`")).collect();
                        format!("{}, the protected state", names.join(" or "))
                    };
                    return Err(refuse(format!(
                        "step `received` of shipment `{}` must come from {who}; it came from `{from}` (only the recipient confirms a receipt)",
                        d.shipment
                    )));
                }
            }
        }
        if !c.shipments.contains_key(&d.shipment)
            && c.shipments.len() >= SHIPMENTS_PER_COMMITMENT_MAX
        {
            return Err(refuse(format!(
                "commitment `{}` already has {SHIPMENTS_PER_COMMITMENT_MAX} shipments, the most a book keeps; shipment `{}` is one too many",
                c.id, d.shipment
            )));
        }
        Ok(())
    }

    /// Takes `d` into the book, or refuses it (nothing changed). When taken,
    /// gives the flags it raised (also kept in the commitment's `flags`).
    pub fn apply(&mut self, d: &Delivery) -> Result<Vec<Flag>, Refusal> {
        self.check(d)?;
        let Some(c) = self.commitments.get_mut(&d.commitment) else {
            // INVARIANT: `check` refused every unknown commitment.
            unreachable!("checked: the commitment is known");
        };
        let flag = |kind: FlagKind, message: String| Flag {
            kind,
            shipment: d.shipment.clone(),
            step: d.step,
            input: d.id.clone(),
            message,
        };
        let mut flags = Vec::new();
        let shipment = c
            .shipments
            .entry(d.shipment.clone())
            .or_insert_with(|| Shipment {
                id: d.shipment.clone(),
                steps: BTreeMap::new(),
            });
        if let Some(first) = shipment.steps.get_mut(&d.step) {
            first.repeats = first.repeats.saturating_add(1);
            flags.push(flag(
                FlagKind::Repeat,
                format!(
                    "step `{}` of shipment `{}` was reported again (by {}): the first report ({}, {} at {}) stands and is counted once",
                    d.step, d.shipment, d.id, first.input, first.quantity, first.at
                ),
            ));
            c.flags.extend(flags.iter().cloned());
            return Ok(flags);
        }
        shipment.steps.insert(
            d.step,
            StepRecord {
                quantity: d.quantity,
                at: d.at,
                input: d.id.clone(),
                repeats: 0,
            },
        );
        let shipped = shipment.quantity(DeliveryStep::Shipped);
        let received = shipment.quantity(DeliveryStep::Received);
        match (d.step, shipped, received) {
            (DeliveryStep::Received, None, _) => flags.push(flag(
                FlagKind::ReceivedNotShipped,
                format!(
                    "shipment `{}` was received ({}) with no `shipped` step from `{}` before it: counted as delivered, since the recipient confirmed it",
                    d.shipment, d.quantity, c.party
                ),
            )),
            (DeliveryStep::Received | DeliveryStep::Shipped, Some(s), Some(r)) if r > s => {
                flags.push(flag(
                    FlagKind::ReceivedMoreThanShipped,
                    format!(
                        "shipment `{}`: {r} received, more than the {s} shipped; the {r} received count",
                        d.shipment
                    ),
                ));
            }
            _ => {}
        }
        let total = c.total_mut(d.step);
        *total = total.saturating_add(d.quantity);
        if d.step == DeliveryStep::Shipped && c.shipped > c.quantity {
            flags.push(flag(
                FlagKind::OverShipped,
                format!(
                    "`{}` has now shipped {} {}, more than the {} committed",
                    c.id, c.shipped, c.unit, c.quantity
                ),
            ));
        }
        c.flags.extend(flags.iter().cloned());
        Ok(flags)
    }

    /// The receipts as [`schedule::judge`] and the stock projection take
    /// them: one confirmed delivery per shipment received, on its day after
    /// `in_force` (a receipt before it on day 0), and one unconfirmed —
    /// pending, not counted — per shipment shipped and not yet received,
    /// on the day it was shipped. Ids are `COMMITMENT/SHIPMENT`, so no
    /// shipment is counted twice.
    pub fn deliveries(&self, in_force: Timestamp) -> Vec<schedule::Delivery> {
        let mut out = Vec::new();
        for c in self.commitments.values() {
            for s in c.shipments.values() {
                let (record, confirmed) = match (
                    s.steps.get(&DeliveryStep::Received),
                    s.steps.get(&DeliveryStep::Shipped),
                ) {
                    (Some(r), _) => (r, true),
                    (None, Some(shipped)) => (shipped, false),
                    (None, None) => continue,
                };
                out.push(schedule::Delivery {
                    id: format!("{}/{}", c.id, s.id),
                    commitment: c.id.clone(),
                    quantity: record.quantity,
                    day: day(record.at, in_force),
                    confirmed,
                    line: 0,
                });
            }
        }
        out
    }
}

/// The entry into force when none is given: the framework's `adopted`
/// date (`YYYY-MM-DD`), at midnight UTC. `None` without a date, or with one
/// that is not a date.
pub fn adopted_in_force(adopted: Option<&str>) -> Option<Timestamp> {
    let date = adopted?.trim();
    let ok = date.len() == 10
        && date.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !ok {
        return None;
    }
    Timestamp::parse(&format!("{date}T00:00:00Z")).ok()
}

/// What reading a file of delivery inputs gave, besides the book itself.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Read {
    /// Lines taken into the book.
    pub taken: usize,
    /// Lines refused, each with its place and why (the rest still read).
    pub refused: Vec<crate::Refused>,
    /// Flags raised by lines that were taken, with their line.
    pub flags: Vec<(u32, Flag)>,
}

/// Reads delivery inputs in the wire format (one JSON input a line, as
/// `bulwark submit` sends them) into `book`, in line order. Blank lines and
/// lines starting with `#` are skipped. A line that is not JSON, not a
/// `delivery`, not valid, or refused by the book is refused with
/// `file:line:column` and its reason; every other line is still read.
pub fn read_lines(book: &mut Book, file: &str, bytes: &[u8]) -> Read {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let mut out = Read::default();
    for (i, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let trimmed = raw.trim_ascii();
        if trimmed.is_empty() || trimmed.starts_with(b"#") {
            continue;
        }
        let refuse = |column: usize, reason: String| crate::Refused {
            file: file.into(),
            line,
            column: u32::try_from(column).unwrap_or(u32::MAX).max(1),
            reason,
        };
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let text = match std::str::from_utf8(raw) {
            Ok(text) => text,
            Err(e) => {
                out.refused.push(refuse(
                    e.valid_up_to() + 1,
                    "the line is not UTF-8 text".into(),
                ));
                continue;
            }
        };
        let input = match model::decode_line(text, i + 1) {
            Ok(input) => input,
            Err(e) => {
                let reason = match &e.path {
                    Some(path) => format!("`{path}`: {}", e.message),
                    None => e.message.clone(),
                };
                out.refused.push(refuse(e.column, reason));
                continue;
            }
        };
        let model::Input::Delivery(d) = &input else {
            out.refused.push(refuse(
                1,
                format!(
                    "a `{}` input, not a `delivery`: this file holds the steps of deliveries",
                    input.type_name()
                ),
            ));
            continue;
        };
        let problems = input.validate();
        if !problems.is_empty() {
            out.refused.push(refuse(1, problems.join("; ")));
            continue;
        }
        match book.apply(d) {
            Ok(flags) => {
                out.taken += 1;
                out.flags.extend(flags.into_iter().map(|f| (line, f)));
            }
            Err(why) => out.refused.push(refuse(1, why.reason)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn framework() -> (Vec<Commitment>, Vec<Party>) {
        let text = r#"
[[party]]
id = "ukraine"
roles = ["protected_state"]
[[party]]
id = "us"
roles = ["guarantor"]
[[party]]
id = "germany"
roles = ["guarantor"]

[[commitment]]
id = "c-pac"
party = "us"
category = "interceptors"
quantity = 90
unit = "missiles"
schedule = [{ day = 30, quantity = 30 }, { day = 60, quantity = 90 }]

[[commitment]]
id = "c-iris"
party = "germany"
category = "interceptors"
quantity = 120
unit = "missiles"
"#;
        #[derive(serde::Deserialize)]
        struct F {
            party: Vec<Party>,
            commitment: Vec<Commitment>,
        }
        let f: F = toml::from_str(text).unwrap();
        (f.commitment, f.party)
    }

    fn book() -> Book {
        let (c, p) = framework();
        Book::new(&c, &p)
    }

    fn t(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    fn step(
        party: &str,
        message: &str,
        commitment: &str,
        shipment: &str,
        step: DeliveryStep,
        quantity: i64,
        at: &str,
    ) -> Delivery {
        Delivery {
            id: InputId {
                party: party.into(),
                source: "logistics".into(),
                message: message.into(),
            },
            commitment: commitment.into(),
            shipment: shipment.into(),
            step,
            quantity,
            at: t(at),
            note: None,
        }
    }

    use DeliveryStep::{Allocated, Committed, Received, Shipped};

    fn chain(shipment: &str, q: i64) -> Vec<Delivery> {
        vec![
            step(
                "us",
                &format!("{shipment}-c"),
                "c-pac",
                shipment,
                Committed,
                q,
                "2026-01-02T00:00:00Z",
            ),
            step(
                "us",
                &format!("{shipment}-a"),
                "c-pac",
                shipment,
                Allocated,
                q,
                "2026-01-05T00:00:00Z",
            ),
            step(
                "us",
                &format!("{shipment}-s"),
                "c-pac",
                shipment,
                Shipped,
                q,
                "2026-01-20T00:00:00Z",
            ),
            step(
                "ukraine",
                &format!("{shipment}-r"),
                "c-pac",
                shipment,
                Received,
                q,
                "2026-01-22T06:00:00Z",
            ),
        ]
    }

    fn kinds(l: &Ledger) -> Vec<FlagKind> {
        l.flags.iter().map(|f| f.kind).collect()
    }

    #[test]
    fn a_whole_chain_counts_once_received() {
        let mut b = book();
        for d in chain("pac-1", 30) {
            assert_eq!(b.apply(&d).unwrap(), vec![]);
        }
        let l = b.commitment("c-pac").unwrap();
        assert_eq!(
            (l.committed, l.allocated, l.shipped, l.received),
            (30, 30, 30, 30)
        );
        assert!(l.flags.is_empty());
        let s = &l.shipments["pac-1"];
        assert_eq!(
            s.steps.keys().copied().collect::<Vec<_>>(),
            DeliveryStep::ALL
        );
        assert_eq!(s.steps[&Received].at, t("2026-01-22T06:00:00Z"));
    }

    #[test]
    fn only_received_counts_as_delivered() {
        let mut b = book();
        for d in &chain("pac-1", 30)[..3] {
            b.apply(d).unwrap();
        }
        let start = t("2026-01-01T00:00:00Z");
        let ds = b.deliveries(start);
        assert_eq!(ds.len(), 1);
        assert!(!ds[0].confirmed, "shipped, not received: pending");
        let (c, _) = framework();
        let r = schedule::judge(&c, &ds, 60);
        assert_eq!(
            (r.commitments[0].delivered, r.commitments[0].pending),
            (0, 30)
        );
        b.apply(&chain("pac-1", 30)[3]).unwrap();
        let ds = b.deliveries(start);
        assert_eq!((ds[0].confirmed, ds[0].day), (true, 22));
        let r = schedule::judge(&c, &ds, 60);
        assert_eq!(r.commitments[0].delivered, 30);
        assert_eq!(
            b.commitment("c-pac").unwrap().received_series(start),
            [(22, 30)]
        );
    }

    #[test]
    fn donor_steps_come_from_the_committing_party() {
        let mut b = book();
        let before = b.clone();
        for s in [Committed, Allocated, Shipped] {
            let wrong = step(
                "germany",
                "x",
                "c-pac",
                "pac-1",
                s,
                30,
                "2026-01-02T00:00:00Z",
            );
            let why = b.apply(&wrong).unwrap_err();
            assert_eq!(
                why.reason,
                format!(
                    "step `{s}` of shipment `pac-1` must come from `us`, the committing party of `c-pac`; it came from `germany`"
                )
            );
            // The protected state cannot ship for a donor either.
            let ua = step(
                "ukraine",
                "x",
                "c-pac",
                "pac-1",
                s,
                30,
                "2026-01-02T00:00:00Z",
            );
            assert!(b.apply(&ua).is_err());
        }
        assert_eq!(b, before, "a refusal changes nothing");
    }

    #[test]
    fn receipts_come_from_the_protected_state() {
        let mut b = book();
        let by_donor = step(
            "us",
            "r",
            "c-pac",
            "pac-1",
            Received,
            30,
            "2026-01-22T00:00:00Z",
        );
        let why = b.apply(&by_donor).unwrap_err();
        assert!(
            why.reason
                .contains("must come from `ukraine`, the protected state; it came from `us`"),
            "{why}"
        );
        assert_eq!(b.commitment("c-pac").unwrap().received, 0);
        // A framework without a protected state can confirm nothing.
        let (c, _) = framework();
        let mut none = Book::new(&c, &[]);
        let ua = step(
            "ukraine",
            "r",
            "c-pac",
            "pac-1",
            Received,
            30,
            "2026-01-22T00:00:00Z",
        );
        assert!(
            none.apply(&ua)
                .unwrap_err()
                .reason
                .contains("names no party with the role `protected_state`")
        );
    }

    #[test]
    fn unknown_commitments_and_negative_quantities_are_refused() {
        let mut b = book();
        let why = b
            .apply(&step(
                "us",
                "x",
                "c-nope",
                "s",
                Shipped,
                1,
                "2026-01-02T00:00:00Z",
            ))
            .unwrap_err();
        assert!(
            why.reason
                .contains("no commitment `c-nope`; its commitments: c-iris, c-pac"),
            "{why}"
        );
        let why = b
            .apply(&step(
                "us",
                "x",
                "c-pac",
                "s",
                Shipped,
                -1,
                "2026-01-02T00:00:00Z",
            ))
            .unwrap_err();
        assert!(why.reason.contains("negative quantity"), "{why}");
        let why = b
            .apply(&step(
                "us",
                "x",
                "c-pac",
                " ",
                Shipped,
                1,
                "2026-01-02T00:00:00Z",
            ))
            .unwrap_err();
        assert!(why.reason.contains("names no shipment"), "{why}");
        assert_eq!(b, book());
    }

    #[test]
    fn a_repeated_step_counts_once_and_is_flagged() {
        let mut b = book();
        for d in chain("pac-1", 30) {
            b.apply(&d).unwrap();
        }
        // The same step again, under another message id and quantity.
        let again = step(
            "ukraine",
            "pac-1-r-bis",
            "c-pac",
            "pac-1",
            Received,
            50,
            "2026-01-23T00:00:00Z",
        );
        let flags = b.apply(&again).unwrap();
        assert_eq!(flags.len(), 1);
        assert_eq!(flags[0].kind, FlagKind::Repeat);
        let l = b.commitment("c-pac").unwrap();
        assert_eq!(l.received, 30, "the first stands");
        assert_eq!(l.shipments["pac-1"].steps[&Received].quantity, 30);
        assert_eq!(l.shipments["pac-1"].steps[&Received].repeats, 1);
        // The same shipment id in another commitment is another shipment.
        b.apply(&step(
            "germany",
            "g",
            "c-iris",
            "pac-1",
            Shipped,
            5,
            "2026-01-02T00:00:00Z",
        ))
        .unwrap();
        assert!(b.commitment("c-iris").unwrap().flags.is_empty());
    }

    #[test]
    fn a_receipt_without_shipment_counts_and_is_flagged() {
        let mut b = book();
        let rx = step(
            "ukraine",
            "r",
            "c-pac",
            "pac-9",
            Received,
            12,
            "2026-01-22T00:00:00Z",
        );
        let flags = b.apply(&rx).unwrap();
        assert_eq!(
            flags.iter().map(|f| f.kind).collect::<Vec<_>>(),
            [FlagKind::ReceivedNotShipped]
        );
        assert_eq!(b.commitment("c-pac").unwrap().received, 12);
    }

    #[test]
    fn receiving_more_than_shipped_is_flagged_whichever_comes_first() {
        let mut b = book();
        b.apply(&step(
            "us",
            "s",
            "c-pac",
            "pac-1",
            Shipped,
            10,
            "2026-01-20T00:00:00Z",
        ))
        .unwrap();
        b.apply(&step(
            "ukraine",
            "r",
            "c-pac",
            "pac-1",
            Received,
            12,
            "2026-01-22T00:00:00Z",
        ))
        .unwrap();
        assert_eq!(
            kinds(b.commitment("c-pac").unwrap()),
            [FlagKind::ReceivedMoreThanShipped]
        );
        assert_eq!(b.commitment("c-pac").unwrap().received, 12);
        // The shipped step reported after the receipt.
        let mut b = book();
        b.apply(&step(
            "ukraine",
            "r",
            "c-pac",
            "pac-2",
            Received,
            12,
            "2026-01-22T00:00:00Z",
        ))
        .unwrap();
        b.apply(&step(
            "us",
            "s",
            "c-pac",
            "pac-2",
            Shipped,
            10,
            "2026-01-20T00:00:00Z",
        ))
        .unwrap();
        assert_eq!(
            kinds(b.commitment("c-pac").unwrap()),
            [
                FlagKind::ReceivedNotShipped,
                FlagKind::ReceivedMoreThanShipped
            ]
        );
        // Receiving less (a loss in transit) is not flagged.
        let mut b = book();
        b.apply(&step(
            "us",
            "s",
            "c-pac",
            "pac-3",
            Shipped,
            10,
            "2026-01-20T00:00:00Z",
        ))
        .unwrap();
        b.apply(&step(
            "ukraine",
            "r",
            "c-pac",
            "pac-3",
            Received,
            0,
            "2026-01-22T00:00:00Z",
        ))
        .unwrap();
        assert!(b.commitment("c-pac").unwrap().flags.is_empty());
    }

    #[test]
    fn shipping_beyond_the_commitment_is_flagged() {
        let mut b = book();
        b.apply(&step(
            "us",
            "s1",
            "c-pac",
            "a",
            Shipped,
            60,
            "2026-01-20T00:00:00Z",
        ))
        .unwrap();
        b.apply(&step(
            "us",
            "s2",
            "c-pac",
            "b",
            Shipped,
            30,
            "2026-01-21T00:00:00Z",
        ))
        .unwrap();
        assert!(
            b.commitment("c-pac").unwrap().flags.is_empty(),
            "90 of 90 is not over"
        );
        let flags = b
            .apply(&step(
                "us",
                "s3",
                "c-pac",
                "c",
                Shipped,
                1,
                "2026-01-22T00:00:00Z",
            ))
            .unwrap();
        assert_eq!(flags[0].kind, FlagKind::OverShipped);
        assert!(
            flags[0]
                .message
                .contains("shipped 91 missiles, more than the 90 committed")
        );
        assert_eq!(b.commitment("c-pac").unwrap().shipped, 91);
    }

    #[test]
    fn receipts_before_entry_into_force_count_on_day_zero() {
        let mut b = book();
        b.apply(&step(
            "ukraine",
            "r",
            "c-pac",
            "a",
            Received,
            3,
            "2025-12-31T00:00:00Z",
        ))
        .unwrap();
        b.apply(&step(
            "ukraine",
            "r2",
            "c-pac",
            "b",
            Received,
            4,
            "2026-01-01T00:00:01Z",
        ))
        .unwrap();
        let start = t("2026-01-01T00:00:00Z");
        assert_eq!(
            b.commitment("c-pac").unwrap().received_series(start),
            [(0, 3), (1, 7)]
        );
    }

    #[test]
    fn a_file_of_inputs_is_read_line_by_line_with_refusals_located() {
        let mut b = book();
        let text = b"# a chain\n\
{\"v\":1,\"type\":\"delivery\",\"id\":{\"party\":\"us\",\"source\":\"dsca\",\"message\":\"s\"},\"commitment\":\"c-pac\",\"shipment\":\"p1\",\"step\":\"shipped\",\"quantity\":30,\"at\":\"2026-01-20T00:00:00Z\"}\n\
\n\
{\"v\":1,\"type\":\"delivery\",\"id\":{\"party\":\"us\",\"source\":\"dsca\",\"message\":\"r\"},\"commitment\":\"c-pac\",\"shipment\":\"p1\",\"step\":\"received\",\"quantity\":30,\"at\":\"2026-01-21T00:00:00Z\"}\n\
{\"v\":1,\"type\":\"review\",\"id\":{\"party\":\"us\",\"source\":\"x\",\"message\":\"y\"},\"breach\":\"B1\",\"finding\":\"certify\"}\n\
{\"v\":1,\"type\":\"delivery\",\"quantity\":\"many\"}\n\
\xff\n\
{\"v\":1,\"type\":\"delivery\",\"id\":{\"party\":\"ukraine\",\"source\":\"lc\",\"message\":\"r\"},\"commitment\":\"c-pac\",\"shipment\":\"p1\",\"step\":\"received\",\"quantity\":-3,\"at\":\"2026-01-21T00:00:00Z\"}\n\
{\"v\":1,\"type\":\"delivery\",\"id\":{\"party\":\"ukraine\",\"source\":\"lc\",\"message\":\"r\"},\"commitment\":\"c-pac\",\"shipment\":\"p1\",\"step\":\"received\",\"quantity\":30,\"at\":\"2026-01-21T00:00:00Z\"}\n\
{\"v\":1,\"type\":\"delivery\",\"id\":{\"party\":\"ukraine\",\"source\":\"lc\",\"message\":\"r2\"},\"commitment\":\"c-pac\",\"shipment\":\"p1\",\"step\":\"received\",\"quantity\":30,\"at\":\"2026-01-22T00:00:00Z\"}\n";
        let read = read_lines(&mut b, "d.jsonl", text);
        let lines: Vec<u32> = read.refused.iter().map(|r| r.line).collect();
        assert_eq!(lines, [4, 5, 6, 7, 8], "{:?}", read.refused);
        assert!(read.refused[0].reason.contains("must come from `ukraine`"));
        assert!(
            read.refused[1]
                .reason
                .contains("a `review` input, not a `delivery`")
        );
        assert!(read.refused[3].reason.contains("not UTF-8"));
        assert!(read.refused[4].reason.contains("negative"));
        assert_eq!(read.taken, 3);
        assert_eq!(read.flags.len(), 1);
        assert_eq!(
            (read.flags[0].0, read.flags[0].1.kind),
            (10, FlagKind::Repeat)
        );
        assert_eq!(b.commitment("c-pac").unwrap().received, 30);
    }

    #[test]
    fn the_adopted_date_is_the_default_entry_into_force() {
        assert_eq!(
            adopted_in_force(Some("2025-12-20")),
            Some(t("2025-12-20T00:00:00Z"))
        );
        assert_eq!(adopted_in_force(Some("20 December 2025")), None);
        assert_eq!(adopted_in_force(None), None);
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        /// A delivery drawn from a small world, so that chains, repeats,
        /// wrong parties and unknown commitments all happen.
        fn delivery() -> impl Strategy<Value = Delivery> {
            let party = prop::sample::select(vec!["us", "germany", "ukraine", "russia"]);
            let commitment = prop::sample::select(vec!["c-pac", "c-iris", "c-nope"]);
            let shipment = prop::sample::select(vec!["s1", "s2", "s3"]);
            let s = prop::sample::select(DeliveryStep::ALL.to_vec());
            (
                party,
                0u8..4,
                commitment,
                shipment,
                s,
                -2i64..100,
                0i64..90 * 86_400,
            )
                .prop_map(|(party, source, c, sh, s, q, secs)| Delivery {
                    id: InputId {
                        party: party.into(),
                        source: format!("src-{source}").into(),
                        message: format!("{c}-{sh}-{s}-{q}").into(),
                    },
                    commitment: c.into(),
                    shipment: sh.into(),
                    step: s,
                    quantity: q,
                    at: Timestamp::from_seconds(1_767_225_600 + secs),
                    note: None,
                })
        }

        fn feed(inputs: &[Delivery]) -> Book {
            let mut b = book();
            for d in inputs {
                let _ = b.apply(d);
            }
            b
        }

        fn totals(b: &Book) -> Vec<(String, i64, i64, i64, i64)> {
            b.commitments()
                .map(|l| {
                    (
                        l.id.clone(),
                        l.committed,
                        l.allocated,
                        l.shipped,
                        l.received,
                    )
                })
                .collect()
        }

        proptest! {
            #[test]
            fn the_same_inputs_in_the_same_order_give_the_same_book(
                inputs in prop::collection::vec(delivery(), 0..40)
            ) {
                prop_assert_eq!(feed(&inputs), feed(&inputs));
                let start = Timestamp::from_seconds(1_767_225_600);
                prop_assert_eq!(feed(&inputs).deliveries(start), feed(&inputs).deliveries(start));
            }

            #[test]
            fn duplicates_never_change_totals(
                inputs in prop::collection::vec(delivery(), 1..30),
                picks in prop::collection::vec(
                    (any::<prop::sample::Index>(), any::<prop::sample::Index>()),
                    1..10,
                ),
            ) {
                let once = feed(&inputs);
                // Each pick repeats input `i` right after input `j` (j ≥ i),
                // so the first report always comes first.
                let n = inputs.len();
                let mut after: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
                for (a, b) in &picks {
                    let i = a.index(n);
                    after.entry(i + b.index(n - i)).or_default().push(i);
                }
                let mut twice = Vec::new();
                for (j, d) in inputs.iter().enumerate() {
                    twice.push(d.clone());
                    for &i in after.get(&j).into_iter().flatten() {
                        twice.push(inputs[i].clone());
                    }
                }
                let again = feed(&twice);
                prop_assert_eq!(totals(&once), totals(&again));
                let start = Timestamp::from_seconds(1_767_225_600);
                prop_assert_eq!(once.deliveries(start), again.deliveries(start));
            }

            #[test]
            fn delivered_is_the_sum_of_receipts_from_the_protected_state(
                inputs in prop::collection::vec(delivery(), 0..40)
            ) {
                let b = feed(&inputs);
                for l in b.commitments() {
                    let sum: i64 = l.shipments.values()
                        .filter_map(|s| s.steps.get(&Received))
                        .inspect(|r| assert_eq!(r.input.party.as_str(), "ukraine"))
                        .map(|r| r.quantity)
                        .sum();
                    prop_assert_eq!(l.received, sum);
                }
            }
        }
    }
}
