//! Minimal inputs of each kind, for the generated table, tests and
//! benchmarks. Only what authorization looks at is meaningful: the kind,
//! the claimed party and, for votes and attestations, the tier, relief
//! item and source class. The rest is a fixed placeholder.

use base::Timestamp;
use model::{
    Amendment, Attestation, Choice, Delivery, DeliveryStep, Finding, Input, InputId, Observation,
    Observed, OrderReport, Outage, Retraction, Review, Vote,
};

fn id(party: &str) -> InputId {
    InputId {
        party: party.into(),
        source: "sample".into(),
        message: "1".into(),
    }
}

fn at() -> Observed {
    Observed::at(Timestamp::from_seconds(0))
}

/// An input of `kind` (one of `model::INPUT_TYPES`) claiming to be from
/// `party`; `None` for an unknown kind. A vote is on tier `t`, an
/// attestation of item `i` with class `c`: use [`vote`] and
/// [`attestation`] to choose them.
pub fn input(kind: &str, party: &str) -> Option<Input> {
    Some(match kind {
        "observation" => Input::Observation(Observation {
            id: id(party),
            class: "c".into(),
            derived_from: Vec::new(),
            observed: at(),
            place: Default::default(),
            kind: model::kinds::MISSILE_LAUNCH.into(),
            counts: Default::default(),
            weapon: None,
            target: None,
            attribution: None,
            confidence_bp: 9000,
            releasability: Default::default(),
            attributes: Default::default(),
        }),
        "vote" => vote(party, "t"),
        "attestation" => attestation(party, "i", "c"),
        "review" => Input::Review(Review {
            id: id(party),
            breach: "B1".into(),
            finding: Finding::Certify,
            note: None,
        }),
        "order_report" => Input::OrderReport(OrderReport {
            id: id(party),
            order: "o".into(),
            status: model::OrderStatus::Done,
            note: None,
        }),
        "delivery" => Input::Delivery(Delivery {
            id: id(party),
            commitment: "c".into(),
            shipment: "s".into(),
            step: DeliveryStep::Shipped,
            quantity: 1,
            at: Timestamp::from_seconds(0),
            note: None,
        }),
        "retraction" => Input::Retraction(Retraction {
            id: id(party),
            retracts: id(party),
            reason: "sample".into(),
        }),
        "amendment" => Input::Amendment(Amendment {
            id: id(party),
            version: "2".into(),
            framework_hash: "0".repeat(64),
        }),
        "outage" => Input::Outage(Outage {
            id: id(party),
            from: Timestamp::from_seconds(0),
            until: Timestamp::from_seconds(60),
            note: None,
        }),
        _ => return None,
    })
}

/// A vote from `party` on `tier`.
pub fn vote(party: &str, tier: &str) -> Input {
    Input::Vote(Vote {
        id: id(party),
        breach: "B1".into(),
        tier: tier.into(),
        choice: Choice::For,
    })
}

/// An attestation from `party` of relief item `item`, by a source of `class`.
pub fn attestation(party: &str, item: &str, class: &str) -> Input {
    Input::Attestation(Attestation {
        id: id(party),
        item: item.into(),
        class: class.into(),
        complies: true,
        observed: at(),
        confidence_bp: 9000,
        derived_from: Vec::new(),
        note: None,
    })
}
