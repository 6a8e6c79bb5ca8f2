//! Decisions per second on the example framework with its shipped policy:
//! cold (every request put to Cedar, as the first time a key asks) and
//! cached (the memo's answer, as for every later input of the same kind
//! from the same key).
//!
//! The requests are a mix of what a node sees: observations from several
//! parties, votes, attestations, reviews, deliveries, an input claiming
//! another party, reads of views and of restricted inputs, by keys, the
//! public and the local mode.
//!
//! Run: `cargo bench -p authz --bench decide`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::path::Path;

use authz::{Policy, View, What, Who, sample};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/ukraine-2025");
    let text = std::fs::read_to_string(dir.join("framework.toml")).unwrap();
    // Zone geometry is not read: authorization needs none of it.
    let (fw, _) = framework::load("framework.toml", &text, &framework::NoFiles);
    let policy_text = std::fs::read_to_string(dir.join(authz::POLICY_FILE)).unwrap();
    let policy = Policy::load(&fw, &policy_text, "policy.cedar").unwrap();

    let reporter = vec!["reporter".to_string(), "analyst".to_string()];
    let leader = vec!["leader".to_string()];
    let inspector = vec!["inspector".to_string()];
    let analyst = vec!["analyst".to_string()];
    let logistics = vec!["logistics".to_string()];
    let auditor = vec!["auditor".to_string()];
    let to = vec!["uk".to_string(), "ukraine".to_string()];

    let inputs = [
        sample::input("observation", "ukraine").unwrap(),
        sample::input("observation", "us").unwrap(),
        sample::input("observation", "poland").unwrap(),
        sample::vote("us", "t3-energy-shipping"),
        sample::attestation("ukraine", "rel-pullback", "general-staff"),
        sample::input("review", "technical-cell").unwrap(),
        sample::input("delivery", "germany").unwrap(),
        sample::input("observation", "ukraine").unwrap(),
    ];
    let requests: Vec<(Who<'_>, What<'_>)> = vec![
        (
            Who::Key {
                name: "ua-radar",
                party: "ukraine",
                roles: &reporter,
            },
            What::Submit(&inputs[0]),
        ),
        (
            Who::Key {
                name: "us-isr",
                party: "us",
                roles: &reporter,
            },
            What::Submit(&inputs[1]),
        ),
        (
            Who::Key {
                name: "pl-radar",
                party: "poland",
                roles: &reporter,
            },
            What::Submit(&inputs[2]),
        ),
        (
            Who::Key {
                name: "us-leader",
                party: "us",
                roles: &leader,
            },
            What::Submit(&inputs[3]),
        ),
        (
            Who::Key {
                name: "ua-inspector",
                party: "ukraine",
                roles: &inspector,
            },
            What::Submit(&inputs[4]),
        ),
        (
            Who::Key {
                name: "tc-analyst",
                party: "technical-cell",
                roles: &analyst,
            },
            What::Submit(&inputs[5]),
        ),
        (
            Who::Key {
                name: "de-logistics",
                party: "germany",
                roles: &logistics,
            },
            What::Submit(&inputs[6]),
        ),
        (
            Who::Key {
                name: "ru-reporter",
                party: "russia",
                roles: &reporter,
            },
            What::Submit(&inputs[7]),
        ),
        (Who::Local { party: "ukraine" }, What::Submit(&inputs[0])),
        (Who::Public, What::Read(View::Public)),
        (
            Who::Key {
                name: "uk-auditor",
                party: "uk",
                roles: &auditor,
            },
            What::Read(View::SecurityEvents),
        ),
        (
            Who::Key {
                name: "uk-auditor",
                party: "uk",
                roles: &auditor,
            },
            What::ReadRestricted { releasable_to: &to },
        ),
    ];
    // The mix is what it says: the Russian key's Ukrainian input is the
    // only write refused.
    let allowed = requests
        .iter()
        .filter(|(who, what)| policy.decide_uncached(who, what).allowed)
        .count();
    assert_eq!(allowed, requests.len() - 1);
    for (who, what) in &requests {
        policy.decide(who, what);
    }

    let mut group = c.benchmark_group("decide");
    group.throughput(Throughput::Elements(requests.len() as u64));
    group.bench_function("cold_uncached", |b| {
        b.iter(|| {
            for (who, what) in &requests {
                black_box(policy.decide_uncached(black_box(who), black_box(what)));
            }
        })
    });
    group.bench_function("cached", |b| {
        b.iter(|| {
            for (who, what) in &requests {
                black_box(policy.decide(black_box(who), black_box(what)));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
