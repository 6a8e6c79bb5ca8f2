//! What the input types cannot say by themselves: an interval that ends
//! before it starts, a confidence above certainty, a position off the
//! globe, an empty name. Pure: `Input::validate` looks at one input and
//! nothing else (framework ids are the engine's to check).

use std::fmt;

use base::Timestamp;

use crate::input::*;

/// The largest confidence: certainty, in basis points.
pub const CONFIDENCE_BP_MAX: u16 = 10_000;
/// The largest longitude magnitude, 180°, in 10⁻⁷ degree.
pub const LON_E7_MAX: i32 = 1_800_000_000;
/// The largest latitude magnitude, 90°, in 10⁻⁷ degree.
pub const LAT_E7_MAX: i32 = 900_000_000;
/// The largest whole-number magnitude the canonical encoding (RFC 8785, whose
/// numbers are IEEE 754 doubles) writes exactly: 2⁵³ − 1.
pub const SAFE_INTEGER_MAX: i64 = (1 << 53) - 1;

impl Input {
    /// Every problem of this input that its types cannot rule out, each as
    /// one sentence naming the field; empty when there is none.
    pub fn validate(&self) -> Vec<String> {
        let mut v = Problems(Vec::new());
        v.id("id", self.id());
        match self {
            Input::Observation(x) => {
                v.name("class", &x.class);
                v.name("kind", &x.kind);
                v.derived("derived_from", &x.derived_from, &x.id);
                v.observed(&x.observed);
                v.place(&x.place);
                v.counts(&x.counts);
                v.optional_name("weapon", x.weapon.as_deref());
                v.optional_name("target", x.target.as_deref());
                if let Some(a) = &x.attribution {
                    v.name("attribution.actor", &a.actor);
                    v.confidence("attribution.confidence_bp", a.confidence_bp);
                    for (i, basis) in a.basis.iter().enumerate() {
                        v.name(format_args!("attribution.basis[{i}]"), basis);
                    }
                }
                v.confidence("confidence_bp", x.confidence_bp);
                v.releasability(&x.releasability);
                for key in x.attributes.keys() {
                    if key.is_empty() {
                        v.push("`attributes` has an empty key".into());
                    }
                }
            }
            Input::Vote(x) => {
                v.name("breach", &x.breach);
                v.name("tier", &x.tier);
            }
            Input::Attestation(x) => {
                v.name("item", &x.item);
                v.name("class", &x.class);
                v.observed(&x.observed);
                v.confidence("confidence_bp", x.confidence_bp);
                v.derived("derived_from", &x.derived_from, &x.id);
            }
            Input::Review(x) => v.name("breach", &x.breach),
            Input::OrderReport(x) => v.name("order", &x.order),
            Input::Delivery(x) => {
                v.name("commitment", &x.commitment);
                v.name("shipment", &x.shipment);
                if x.quantity < 0 {
                    v.push(format!(
                        "`quantity` {} is negative: a step reports how many units it covers, 0 or more (a correction is a retraction of the step and a new one)",
                        x.quantity
                    ));
                } else if x.quantity > SAFE_INTEGER_MAX {
                    v.push(format!(
                        "`quantity` {} is beyond {SAFE_INTEGER_MAX}, the largest whole number the canonical encoding (RFC 8785) keeps exactly",
                        x.quantity
                    ));
                }
            }
            Input::Retraction(x) => {
                v.id("retracts", &x.retracts);
                if x.retracts == x.id {
                    v.push("`retracts` names this retraction itself".into());
                }
                v.name("reason", &x.reason);
            }
            Input::Amendment(x) => {
                v.name("version", &x.version);
                let hex = x.framework_hash.len() == 64
                    && x.framework_hash
                        .bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
                if !hex {
                    v.push(format!(
                        "`framework_hash` `{}` is not a SHA-256 hash in lowercase hexadecimal (64 characters 0-9, a-f)",
                        x.framework_hash
                    ));
                }
            }
            Input::Outage(x) => {
                if x.until <= x.from {
                    v.push(format!(
                        "`until` {} is not after `from` {}: an outage lasts from the moment the sequencer stopped recording until it recorded again",
                        x.until, x.from
                    ));
                }
            }
        }
        v.0
    }
}

struct Problems(Vec<String>);

impl Problems {
    fn push(&mut self, problem: String) {
        self.0.push(problem);
    }

    // Field names are formatted only when there is a problem to report:
    // validation runs on every input, and nearly all of them are fine.
    fn name(&mut self, field: impl fmt::Display, value: &str) {
        if value.trim().is_empty() {
            self.push(format!("`{field}` is empty"));
        }
    }

    fn optional_name(&mut self, field: &str, value: Option<&str>) {
        if let Some(value) = value {
            self.name(field, value);
        }
    }

    fn id(&mut self, field: impl fmt::Display, id: &InputId) {
        self.name(format_args!("{field}.party"), &id.party);
        self.name(format_args!("{field}.source"), &id.source);
        self.name(format_args!("{field}.message"), &id.message);
    }

    fn derived(&mut self, field: &str, ids: &[InputId], own: &InputId) {
        for (i, id) in ids.iter().enumerate() {
            self.id(format_args!("{field}[{i}]"), id);
            if id == own {
                self.push(format!("`{field}[{i}]` names this input itself"));
            }
        }
    }

    fn observed(&mut self, observed: &Observed) {
        if let Some(to) = observed.to
            && to < observed.from
        {
            self.push(format!(
                "`observed.to` ({to}) is before `observed.from` ({})",
                observed.from
            ));
        }
    }

    fn confidence(&mut self, field: &str, bp: u16) {
        if bp > CONFIDENCE_BP_MAX {
            self.push(format!(
                "`{field}` is {bp} basis points, more than {CONFIDENCE_BP_MAX} (certainty)"
            ));
        }
    }

    fn position(&mut self, field: impl fmt::Display, lon_e7: i32, lat_e7: i32) {
        if lon_e7.unsigned_abs() > LON_E7_MAX.unsigned_abs() {
            self.push(format!(
                "`{field}.lon_e7` {lon_e7} is outside ±180° (±{LON_E7_MAX} in 10⁻⁷ degree)"
            ));
        }
        if lat_e7.unsigned_abs() > LAT_E7_MAX.unsigned_abs() {
            self.push(format!(
                "`{field}.lat_e7` {lat_e7} is outside ±90° (±{LAT_E7_MAX} in 10⁻⁷ degree)"
            ));
        }
    }

    fn place(&mut self, place: &Place) {
        let given = [
            place.point.is_some().then_some("`point`"),
            place.zone.is_some().then_some("`zone`"),
            (!place.track.is_empty()).then_some("`track`"),
        ];
        if given.iter().flatten().count() > 1 {
            let given: Vec<&str> = given.into_iter().flatten().collect();
            self.push(format!(
                "`place` has {}: give at most one of `point`, `zone` and `track`",
                given.join(" and ")
            ));
        }
        if place.error_m.is_some() && place.point.is_none() {
            self.push("`place.error_m` is given without a `place.point` to be around".into());
        }
        if let Some(p) = place.point {
            self.position("place.point", p.lon_e7, p.lat_e7);
        }
        if let Some(zone) = &place.zone {
            self.name("place.zone", zone);
        }
        let mut previous: Option<Timestamp> = None;
        for (i, p) in place.track.iter().enumerate() {
            self.position(format_args!("place.track[{i}]"), p.lon_e7, p.lat_e7);
            if let Some(before) = previous
                && p.at < before
            {
                self.push(format!(
                    "`place.track[{i}].at` ({}) is before the point ahead of it ({before}): a track is in time order",
                    p.at
                ));
            }
            previous = Some(p.at);
        }
    }

    fn counts(&mut self, counts: &Counts) {
        let Some(launched) = counts.launched else {
            return;
        };
        let parts = [counts.destroyed, counts.hit, counts.not_reached];
        let sum: u64 = parts.iter().flatten().map(|&n| u64::from(n)).sum();
        if sum > u64::from(launched) {
            self.push(format!(
                "`counts`: destroyed, hit and not reached add up to {sum}, more than the {launched} launched"
            ));
        }
    }

    fn releasability(&mut self, r: &Releasability) {
        match r.visibility {
            Visibility::Restricted if r.to.is_empty() => self.push(
                "`releasability` is `restricted` to nobody: name the parties in `releasability.to`"
                    .into(),
            ),
            Visibility::Restricted => {
                for (i, party) in r.to.iter().enumerate() {
                    self.name(format_args!("releasability.to[{i}]"), party);
                }
            }
            _ if !r.to.is_empty() => self.push(
                "`releasability.to` is given, but only a `restricted` input has a list of parties"
                    .into(),
            ),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn t(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    fn id(message: &str) -> InputId {
        InputId {
            party: "ua".into(),
            source: "radar-kyiv-3".into(),
            message: message.into(),
        }
    }

    fn observation() -> Observation {
        Observation {
            id: id("trk-1"),
            class: "radar".into(),
            derived_from: Vec::new(),
            observed: Observed::at(t("2025-11-14T02:00:00Z")),
            place: Place::default(),
            kind: "missile_launch".into(),
            counts: Counts::default(),
            weapon: None,
            target: None,
            attribution: None,
            confidence_bp: 8000,
            releasability: Releasability::default(),
            attributes: Default::default(),
        }
    }

    fn problems(edit: impl FnOnce(&mut Observation)) -> Vec<String> {
        let mut x = observation();
        edit(&mut x);
        Input::Observation(x).validate()
    }

    /// Exactly one problem, which mentions `needle`.
    fn one(edit: impl FnOnce(&mut Observation), needle: &str) {
        let found = problems(edit);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains(needle), "{found:?} lacks {needle:?}");
    }

    #[test]
    fn a_plain_observation_is_valid() {
        assert_eq!(problems(|_| {}), Vec::<String>::new());
    }

    #[test]
    fn interval_ending_before_it_starts() {
        one(
            |x| x.observed.to = Some(t("2025-11-14T01:59:59.999Z")),
            "`observed.to` (2025-11-14T01:59:59.999Z) is before `observed.from`",
        );
        assert!(problems(|x| x.observed.to = Some(x.observed.from)).is_empty());
    }

    #[test]
    fn confidence_above_certainty() {
        one(|x| x.confidence_bp = 10_001, "`confidence_bp` is 10001");
        assert!(problems(|x| x.confidence_bp = 10_000).is_empty());
        one(
            |x| {
                x.attribution = Some(Attribution {
                    actor: "ru".into(),
                    confidence_bp: 65_535,
                    basis: vec!["weapon_debris".into()],
                })
            },
            "`attribution.confidence_bp` is 65535",
        );
        let mut a = Attestation {
            id: id("a"),
            item: "rel-pullback".into(),
            class: "ground-monitors".into(),
            complies: true,
            observed: Observed::at(t("2026-03-01T00:00:00Z")),
            confidence_bp: 20_000,
            derived_from: Vec::new(),
            note: None,
        };
        assert_eq!(Input::Attestation(a.clone()).validate().len(), 1);
        a.confidence_bp = 0;
        assert!(Input::Attestation(a).validate().is_empty());
    }

    #[test]
    fn coordinates_off_the_globe() {
        let at = |lon_e7, lat_e7| Some(Point { lon_e7, lat_e7 });
        one(
            |x| x.place.point = at(1_800_000_001, 0),
            "`place.point.lon_e7` 1800000001",
        );
        one(|x| x.place.point = at(-1_800_000_001, 0), "outside ±180°");
        one(
            |x| x.place.point = at(0, 900_000_001),
            "`place.point.lat_e7` 900000001",
        );
        one(|x| x.place.point = at(0, i32::MIN), "outside ±90°");
        assert!(problems(|x| x.place.point = at(1_800_000_000, -900_000_000)).is_empty());
        assert!(problems(|x| x.place.point = at(-1_800_000_000, 900_000_000)).is_empty());
        one(
            |x| {
                x.place.track = vec![TrackPoint {
                    lon_e7: i32::MAX,
                    lat_e7: 0,
                    at: x.observed.from,
                }]
            },
            "`place.track[0].lon_e7`",
        );
    }

    #[test]
    fn empty_names() {
        one(|x| x.id.party = "".into(), "`id.party` is empty");
        one(|x| x.id.source = " ".into(), "`id.source` is empty");
        one(|x| x.id.message = "".into(), "`id.message` is empty");
        one(|x| x.class.clear(), "`class` is empty");
        one(|x| x.kind.clear(), "`kind` is empty");
        one(|x| x.weapon = Some(String::new()), "`weapon` is empty");
        one(
            |x| x.derived_from = vec![id("")],
            "`derived_from[0].message` is empty",
        );
        one(
            |x| {
                x.attributes.insert(crate::Name::default(), "x".into());
            },
            "`attributes` has an empty key",
        );
        let vote = Vote {
            id: id("v"),
            breach: String::new(),
            tier: "t3-energy-shipping".into(),
            choice: Choice::For,
        };
        assert_eq!(Input::Vote(vote).validate(), vec!["`breach` is empty"]);
        let retraction = Retraction {
            id: id("r"),
            retracts: InputId {
                party: String::new().into(),
                ..id("trk-1")
            },
            reason: "misclassified".into(),
        };
        assert_eq!(
            Input::Retraction(retraction).validate(),
            vec!["`retracts.party` is empty"]
        );
    }

    #[test]
    fn place_with_more_than_one_form() {
        let point = Some(Point {
            lon_e7: 305_234_000,
            lat_e7: 504_501_000,
        });
        one(
            |x| {
                x.place.point = point;
                x.place.zone = Some("ukraine".into());
            },
            "`place` has `point` and `zone`: give at most one",
        );
        let found = problems(|x| {
            x.place.point = point;
            x.place.zone = Some("ukraine".into());
            x.place.track = vec![TrackPoint {
                lon_e7: 0,
                lat_e7: 0,
                at: x.observed.from,
            }];
        });
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("`point` and `zone` and `track`"));
        one(
            |x| x.place.error_m = Some(500),
            "`place.error_m` is given without",
        );
    }

    #[test]
    fn track_out_of_time_order() {
        let p = |at: &str| TrackPoint {
            lon_e7: 330_500_000,
            lat_e7: 443_500_000,
            at: t(at),
        };
        one(
            |x| {
                x.place.track = vec![
                    p("2025-11-14T02:12:05Z"),
                    p("2025-11-14T02:19:30Z"),
                    p("2025-11-14T02:19:29Z"),
                ]
            },
            "`place.track[2].at` (2025-11-14T02:19:29Z) is before the point ahead of it",
        );
        // Two fixes in the same millisecond are not out of order.
        assert!(
            problems(|x| x.place.track = vec![p("2025-11-14T02:12:05Z"), p("2025-11-14T02:12:05Z")])
                .is_empty()
        );
    }

    #[test]
    fn counts_whose_parts_exceed_the_whole() {
        one(
            |x| {
                x.counts = Counts {
                    launched: Some(40),
                    destroyed: Some(34),
                    hit: Some(4),
                    not_reached: Some(3),
                    ..Counts::default()
                }
            },
            "add up to 41, more than the 40 launched",
        );
        // Unknown launches: nothing to compare with.
        assert!(
            problems(|x| x.counts = Counts {
                destroyed: Some(u32::MAX),
                hit: Some(u32::MAX),
                ..Counts::default()
            })
            .is_empty()
        );
    }

    #[test]
    fn releasability_lists() {
        one(
            |x| x.releasability.visibility = Visibility::Restricted,
            "`restricted` to nobody",
        );
        one(
            |x| x.releasability.to = vec!["us".into()],
            "only a `restricted` input has a list",
        );
        assert!(
            problems(|x| x.releasability = Releasability {
                visibility: Visibility::Restricted,
                to: vec!["ua".into(), "us".into()],
            })
            .is_empty()
        );
    }

    #[test]
    fn inputs_about_themselves() {
        one(
            |x| x.derived_from = vec![x.id.clone()],
            "names this input itself",
        );
        let r = Retraction {
            id: id("r"),
            retracts: id("r"),
            reason: "typo".into(),
        };
        assert_eq!(
            Input::Retraction(r).validate(),
            vec!["`retracts` names this retraction itself"]
        );
    }

    fn delivery(quantity: i64) -> Delivery {
        Delivery {
            id: id("d"),
            commitment: "c-patriot-interceptors".into(),
            shipment: "pac-1".into(),
            step: DeliveryStep::Shipped,
            quantity,
            at: t("2025-11-18T14:00:00Z"),
            note: None,
        }
    }

    #[test]
    fn quantity_beyond_exact_doubles() {
        let v = |q| Input::Delivery(delivery(q)).validate();
        assert!(v(SAFE_INTEGER_MAX).is_empty());
        assert!(v(0).is_empty());
        assert_eq!(v(SAFE_INTEGER_MAX + 1).len(), 1);
        assert!(v(i64::MAX)[0].contains("beyond"));
    }

    #[test]
    fn negative_quantities_are_refused() {
        let found = Input::Delivery(delivery(-1)).validate();
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("`quantity` -1 is negative"), "{found:?}");
        assert_eq!(Input::Delivery(delivery(i64::MIN)).validate().len(), 1);
    }

    #[test]
    fn a_delivery_names_its_commitment_and_shipment() {
        let mut d = delivery(1);
        d.shipment = " ".into();
        d.commitment = String::new();
        assert_eq!(
            Input::Delivery(d).validate(),
            vec!["`commitment` is empty", "`shipment` is empty"]
        );
    }

    #[test]
    fn amendment_hash_is_lowercase_sha256_hex() {
        let amendment = |hash: &str| {
            Input::Amendment(Amendment {
                id: id("amd"),
                version: "2026.1".into(),
                framework_hash: hash.into(),
            })
        };
        assert!(amendment(&"ab".repeat(32)).validate().is_empty());
        assert_eq!(amendment(&"AB".repeat(32)).validate().len(), 1);
        assert_eq!(amendment("abc").validate().len(), 1);
        assert_eq!(amendment(&"g".repeat(64)).validate().len(), 1);
    }

    #[test]
    fn an_outage_ends_after_it_starts() {
        let outage = |from: &str, until: &str| {
            Input::Outage(Outage {
                id: id("out"),
                from: t(from),
                until: t(until),
                note: None,
            })
        };
        assert!(
            outage("2026-03-02T01:00:00Z", "2026-03-02T01:00:00.001Z")
                .validate()
                .is_empty()
        );
        let same = outage("2026-03-02T01:00:00Z", "2026-03-02T01:00:00Z").validate();
        assert_eq!(same.len(), 1);
        assert!(same[0].contains("`until`"), "{same:?}");
        assert_eq!(
            outage("2026-03-02T02:00:00Z", "2026-03-02T01:00:00Z")
                .validate()
                .len(),
            1
        );
    }
}
