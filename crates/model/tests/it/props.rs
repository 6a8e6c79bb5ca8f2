//! Property tests: any input survives encoding and decoding unchanged, its
//! encoding is stable, and no fractional number appears anywhere.

use std::collections::BTreeMap;

use base::Timestamp;
use model::*;
use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;

/// Any text, control characters, quotes, backslashes and astral characters
/// included.
fn text() -> BoxedStrategy<String> {
    prop_oneof![
        vec(any::<char>(), 0..10).prop_map(String::from_iter),
        "[a-z0-9-]{1,12}",
        Just(String::new()),
        Just("\"\\/\u{0}\u{1f}\u{7f}\u{2028}😀דּ".to_string()),
    ]
    .boxed()
}

/// Any instant from year 1 to 9999, often on a whole second.
fn timestamp() -> BoxedStrategy<Timestamp> {
    const MIN: i64 = -62_135_596_800_000;
    const MAX: i64 = 253_402_300_799_999;
    prop_oneof![
        (MIN..=MAX).prop_map(Timestamp::from_millis),
        (MIN / 1000..=MAX / 1000).prop_map(Timestamp::from_seconds),
    ]
    .boxed()
}

fn input_id() -> BoxedStrategy<InputId> {
    (text(), text(), text())
        .prop_map(|(party, source, message)| InputId {
            party: party.into(),
            source: source.into(),
            message: message.into(),
        })
        .boxed()
}

fn observed() -> BoxedStrategy<Observed> {
    (timestamp(), option::of(timestamp()))
        .prop_map(|(from, to)| Observed { from, to })
        .boxed()
}

fn place() -> BoxedStrategy<Place> {
    let point = (any::<i32>(), any::<i32>()).prop_map(|(lon_e7, lat_e7)| Point { lon_e7, lat_e7 });
    let track_point = (any::<i32>(), any::<i32>(), timestamp())
        .prop_map(|(lon_e7, lat_e7, at)| TrackPoint { lon_e7, lat_e7, at });
    (
        option::of(point),
        option::of(any::<u32>()),
        option::of(text()),
        vec(track_point, 0..4),
    )
        .prop_map(|(point, error_m, zone, track)| Place {
            point,
            error_m,
            zone,
            track,
        })
        .boxed()
}

fn counts() -> BoxedStrategy<Counts> {
    let n = || option::of(any::<u32>());
    (n(), n(), n(), n(), n(), n())
        .prop_map(
            |(launched, destroyed, hit, not_reached, crossings, casualties)| Counts {
                launched,
                destroyed,
                hit,
                not_reached,
                crossings,
                casualties,
            },
        )
        .boxed()
}

fn attribution() -> BoxedStrategy<Attribution> {
    (text(), any::<u16>(), vec(text(), 0..3))
        .prop_map(|(actor, confidence_bp, basis)| Attribution {
            actor,
            confidence_bp,
            basis,
        })
        .boxed()
}

fn releasability() -> BoxedStrategy<Releasability> {
    let visibility = prop_oneof![
        Just(Visibility::Public),
        Just(Visibility::Parties),
        Just(Visibility::Restricted),
    ];
    (visibility, vec(text(), 0..3))
        .prop_map(|(visibility, to)| Releasability { visibility, to })
        .boxed()
}

fn attributes() -> BoxedStrategy<BTreeMap<model::Name, String>> {
    btree_map(text().prop_map(model::Name::from), text(), 0..5).boxed()
}

pub fn observation() -> BoxedStrategy<Observation> {
    (
        (
            input_id(),
            text(),
            vec(input_id(), 0..3),
            observed(),
            place(),
        ),
        (text(), counts(), option::of(text()), option::of(text())),
        (
            option::of(attribution()),
            any::<u16>(),
            releasability(),
            attributes(),
        ),
    )
        .prop_map(
            |(
                (id, class, derived_from, observed, place),
                (kind, counts, weapon, target),
                (attribution, confidence_bp, releasability, attributes),
            )| Observation {
                id,
                class,
                derived_from,
                observed,
                place,
                kind,
                counts,
                weapon,
                target,
                attribution,
                confidence_bp,
                releasability,
                attributes,
            },
        )
        .boxed()
}

fn vote() -> BoxedStrategy<Vote> {
    let choice = prop_oneof![
        Just(Choice::For),
        Just(Choice::Against),
        Just(Choice::Veto),
        Just(Choice::Block),
        Just(Choice::Withdraw),
    ];
    (input_id(), text(), text(), choice)
        .prop_map(|(id, breach, tier, choice)| Vote {
            id,
            breach,
            tier,
            choice,
        })
        .boxed()
}

fn attestation() -> BoxedStrategy<Attestation> {
    (
        input_id(),
        text(),
        text(),
        any::<bool>(),
        observed(),
        any::<u16>(),
        vec(input_id(), 0..3),
        option::of(text()),
    )
        .prop_map(
            |(id, item, class, complies, observed, confidence_bp, derived_from, note)| {
                Attestation {
                    id,
                    item,
                    class,
                    complies,
                    observed,
                    confidence_bp,
                    derived_from,
                    note,
                }
            },
        )
        .boxed()
}

fn review() -> BoxedStrategy<Review> {
    let finding = prop_oneof![
        Just(Finding::Certify),
        Just(Finding::Reject),
        Just(Finding::Contest)
    ];
    (input_id(), text(), finding, option::of(text()))
        .prop_map(|(id, breach, finding, note)| Review {
            id,
            breach,
            finding,
            note,
        })
        .boxed()
}

fn order_report() -> BoxedStrategy<OrderReport> {
    let status = prop_oneof![
        Just(OrderStatus::Done),
        Just(OrderStatus::Partial),
        Just(OrderStatus::Failed)
    ];
    (input_id(), text(), status, option::of(text()))
        .prop_map(|(id, order, status, note)| OrderReport {
            id,
            order,
            status,
            note,
        })
        .boxed()
}

/// Quantities from 0 to 2⁵³ − 1: beyond, the canonical encoding is lossy
/// by RFC 8785's design and `validate` refuses them (see canonical.rs), as
/// it refuses negative ones.
fn delivery() -> BoxedStrategy<Delivery> {
    let safe = model::validate::SAFE_INTEGER_MAX;
    let step = prop::sample::select(DeliveryStep::ALL.to_vec());
    (
        (input_id(), text(), text()),
        (step, 0..=safe, timestamp(), option::of(text())),
    )
        .prop_map(
            |((id, commitment, shipment), (step, quantity, at, note))| Delivery {
                id,
                commitment,
                shipment,
                step,
                quantity,
                at,
                note,
            },
        )
        .boxed()
}

fn retraction() -> BoxedStrategy<Retraction> {
    (input_id(), input_id(), text())
        .prop_map(|(id, retracts, reason)| Retraction {
            id,
            retracts,
            reason,
        })
        .boxed()
}

fn amendment() -> BoxedStrategy<Amendment> {
    (input_id(), text(), "[0-9a-f]{64}")
        .prop_map(|(id, version, framework_hash)| Amendment {
            id,
            version,
            framework_hash,
        })
        .boxed()
}

fn outage() -> BoxedStrategy<Outage> {
    (input_id(), timestamp(), timestamp(), option::of(text()))
        .prop_map(|(id, from, until, note)| Outage {
            id,
            from,
            until,
            note,
        })
        .boxed()
}

pub fn input() -> BoxedStrategy<Input> {
    prop_oneof![
        4 => observation().prop_map(Input::Observation),
        1 => vote().prop_map(Input::Vote),
        1 => attestation().prop_map(Input::Attestation),
        1 => review().prop_map(Input::Review),
        1 => order_report().prop_map(Input::OrderReport),
        1 => delivery().prop_map(Input::Delivery),
        1 => retraction().prop_map(Input::Retraction),
        1 => amendment().prop_map(Input::Amendment),
        1 => outage().prop_map(Input::Outage),
    ]
    .boxed()
}

fn assert_no_fraction(value: &serde_json::Value, line: &str) {
    match value {
        serde_json::Value::Number(n) => {
            assert!(n.is_i64() || n.is_u64(), "{n} in {line}");
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| assert_no_fraction(v, line)),
        serde_json::Value::Object(map) => map.values().for_each(|v| assert_no_fraction(v, line)),
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn observations_round_trip(x in observation()) {
        let x = Input::Observation(x);
        let line = encode_line(&x);
        prop_assert_eq!(decode_line(&line, 1), Ok(x));
    }

    #[test]
    fn inputs_round_trip_and_encode_stably(x in input()) {
        let line = encode_line(&x);
        prop_assert_eq!(&encode_line(&x), &line);
        let back = decode_line(&line, 1);
        prop_assert_eq!(back.as_ref(), Ok(&x), "{}", line);
        prop_assert_eq!(encode_line(&back.unwrap()), line.clone());
        prop_assert!(!line.contains('\n'));
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_no_fraction(&value, &line);
        prop_assert_eq!(value["v"].as_u64(), Some(WIRE_VERSION));
        prop_assert_eq!(value["type"].as_str(), Some(x.type_name()));
    }

    /// A line laid out differently — keys in reverse order, spaces —
    /// decodes to the same input and so has the same canonical bytes.
    #[test]
    fn layout_does_not_change_the_bytes(x in input()) {
        let line = encode_line(&x);
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();
        let reordered = reverse_keys(&value);
        let back = decode_line(&reordered, 1);
        prop_assert_eq!(back.as_ref(), Ok(&x), "{}", reordered);
        prop_assert_eq!(encode_line(&back.unwrap()), line);
    }

    /// validate never panics, whatever the input.
    #[test]
    fn validate_is_total(x in input()) {
        let _ = x.validate();
    }
}

/// The JSON text of `value` with every object's keys in reverse order and a
/// space after each separator.
fn reverse_keys(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Object(map) => {
            let fields: Vec<String> = map
                .iter()
                .rev()
                .map(|(k, v)| {
                    format!(
                        "{} : {}",
                        serde_json::Value::from(k.as_str()),
                        reverse_keys(v)
                    )
                })
                .collect();
            format!("{{ {} }}", fields.join(" , "))
        }
        serde_json::Value::Array(items) => {
            let items: Vec<String> = items.iter().map(reverse_keys).collect();
            format!("[ {} ]", items.join(" , "))
        }
        other => other.to_string(),
    }
}

/// The schema of every input type has whole numbers only.
#[test]
fn schema_has_no_fractional_numbers() {
    let mut generator = schemars::generate::SchemaGenerator::new(
        schemars::generate::SchemaSettings::draft2020_12(),
    );
    generator.subschema_for::<Input>();
    let text = serde_json::to_string(generator.definitions()).unwrap();
    assert!(
        !text.contains("\"number\""),
        "a fractional number in the schema"
    );
    assert!(!text.contains("float") && !text.contains("double"));
}
