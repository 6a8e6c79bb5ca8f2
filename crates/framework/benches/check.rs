//! Benchmark: loading and checking a large framework (10,000 triggers,
//! 1,000 tiers), beside the parsing floor — the same text parsed into a plain
//! `toml::Table` — so the figure reads as a ratio, not machine time.
//!
//! The framework is generated deterministically in code and is mostly clean:
//! every reference resolves, so the checker walks every rule for real. The
//! generator prints its size and findings once, before measuring.
//!
//! Run: `cargo bench -p framework --bench check`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::fmt::Write;
use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use framework::{NoFiles, Report, load_and_check};

const TRIGGERS: usize = 10_000;
const LADDERS: usize = 100;
const RUNGS: usize = 10;
const GUARANTORS: usize = 24;
const CLASSES: usize = 40;
const STANDARDS: usize = 200;
const ZONES: usize = 100;
const MODELS: usize = 60;
const PACKAGES: usize = 200;
const TRANCHES: usize = 20;
/// Findings the generated framework may produce; more means it stopped being
/// "mostly clean" and the benchmark no longer measures the common case.
const FINDINGS_MAX: usize = 20;

const CATEGORIES: [&str; 12] = [
    "missile",
    "drone",
    "armour",
    "artillery",
    "sabotage",
    "cyber",
    "proxy",
    "airspace",
    "maritime",
    "armed_attack",
    "nuclear",
    "buildup",
];
/// The observation kinds each category's triggers count (well-known kinds,
/// from `model::kinds`), in the order of `CATEGORIES`.
const KINDS: [&str; 12] = [
    "\"missile_launch\", \"missile_impact\"",
    "\"drone_launch\", \"drone_impact\"",
    "\"armour_movement\", \"line_crossing\"",
    "\"artillery_fire\"",
    "\"sabotage\"",
    "\"cyber_intrusion\"",
    "\"proxy_attack\"",
    "\"airspace_violation\"",
    "\"maritime_violation\"",
    "\"armour_movement\", \"missile_impact\"",
    "\"missile_launch\"",
    "\"buildup_indicator\"",
];
const SOURCE_KINDS: [&str; 8] = [
    "radar",
    "isr",
    "satellite",
    "general_staff",
    "cyber_forensics",
    "air_raid_alert",
    "open_source",
    "isr",
];
const ACTION_KINDS: [&str; 6] = [
    "resupply",
    "air_defence_surge",
    "intelligence_sharing",
    "financial",
    "export_control",
    "diplomatic",
];
const COUNTS: [&str; 4] = ["launched", "hit", "incidents", "crossings"];
const AD_SYSTEMS: [&str; 4] = ["patriot", "nasams", "iris_t", "samp_t"];

fn guarantor(i: usize) -> String {
    format!("g{:02}", i % GUARANTORS)
}

fn tier_id(ladder: usize, rung: usize) -> String {
    format!("tier-{ladder:03}-{rung:02}")
}

/// A framework of `TRIGGERS` triggers and `LADDERS * RUNGS` tiers, with the
/// parties, classes, standards, zones, packages and tranches they name.
fn generate() -> String {
    let mut s = String::with_capacity(8 << 20);
    let electorate: Vec<String> = (0..GUARANTORS)
        .map(|g| format!("\"{}\"", guarantor(g)))
        .collect();
    writeln!(
        s,
        "[framework]\nid = \"bench-large\"\ntitle = \"A large generated framework\"\nversion = \"1.0\"\nadopted = \"2026-01-15\"\n\
         amendment = {{ electorate = [{}], quorum = 18 }}\n",
        electorate.join(", ")
    )
    .unwrap();

    for g in 0..GUARANTORS {
        writeln!(
            s,
            "[[party]]\nid = \"{}\"\nname = \"Guarantor {g}\"\nroles = [\"guarantor\"]\n",
            guarantor(g)
        )
        .unwrap();
    }
    s.push_str(
        "[[party]]\nid = \"ua\"\nname = \"Protected state\"\nroles = [\"protected_state\"]\n\n\
         [[party]]\nid = \"adv\"\nname = \"Adversary\"\nroles = [\"adversary\"]\n\n\
         [[party]]\nid = \"osce\"\nname = \"Ground monitors\"\nroles = [\"monitor\"]\n\n\
         [[party]]\nid = \"cell\"\nname = \"Technical cell\"\nroles = [\"monitor\"]\n\n",
    );

    for i in 0..25 {
        writeln!(
            s,
            "[[instrument]]\nid = \"inst-{i:02}\"\ntitle = \"Bilateral agreement {i}\"\nform = \"executive_agreement\"\n\
             scope = \"bilateral\"\nparties = [\"{}\", \"ua\"]\nsigned = \"2026-01-15\"\n",
            guarantor(i)
        )
        .unwrap();
        for a in 0..4 {
            writeln!(
                s,
                "[[instrument.article]]\nid = \"inst-{i:02}-art-{a}\"\ntext = \"The parties respond to a breach as the annex sets out.\"\n\
                 layer = \"{}\"\nimplements = [\"{}\", \"trigger-{:05}\"]\n",
                if a == 0 { "principle" } else { "operational" },
                tier_id((i * 4 + a) % LADDERS, 1),
                (i * 400 + a) % TRIGGERS
            )
            .unwrap();
        }
    }

    for m in 0..10 {
        writeln!(
            s,
            "[[menu]]\nid = \"menu-{m}\"\ncategory = \"{}\"\ndescription = \"Menu item {m}\"\n",
            [
                "reassurance_force",
                "air_defence",
                "maritime",
                "isr",
                "training"
            ][m % 5]
        )
        .unwrap();
    }
    for k in 0..50 {
        writeln!(
            s,
            "[[selection]]\nparty = \"{}\"\nitem = \"menu-{}\"\nlevel = \"contributor\"\nquantity = {}\nunit = \"units\"\n",
            guarantor(k),
            k % 10,
            k + 1
        )
        .unwrap();
    }
    for k in 0..20 {
        writeln!(
            s,
            "[[posture]]\nid = \"posture-{k}\"\nparty = \"{}\"\nmeasure = \"active-duty personnel\"\nmin = {}\nmax = {}\n\
             unit = \"personnel\"\nzone = \"zone-{:03}\"\nby = \"2027-01-01\"\n",
            guarantor(k),
            1000 * (k + 1),
            1500 * (k + 1),
            (k * 2) % ZONES
        )
        .unwrap();
    }

    // Even zones are areas, odd ones lines (armour triggers cross a line).
    for z in 0..ZONES {
        let (lon, lat) = (30.0 + (z % 10) as f64 * 0.5, 46.0 + (z / 10) as f64 * 0.4);
        if z % 2 == 0 {
            writeln!(
                s,
                "[[zone]]\nid = \"zone-{z:03}\"\nname = \"Area {z}\"\nkind = \"area\"\n\
                 points = [[{lon:.3}, {lat:.3}], [{:.3}, {lat:.3}], [{:.3}, {:.3}], [{lon:.3}, {:.3}]]\n",
                lon + 0.4,
                lon + 0.4,
                lat + 0.3,
                lat + 0.3
            )
            .unwrap();
        } else {
            writeln!(
                s,
                "[[zone]]\nid = \"zone-{z:03}\"\nname = \"Line {z}\"\nkind = \"line\"\n\
                 points = [[{lon:.3}, {lat:.3}], [{:.3}, {:.3}], [{:.3}, {:.3}]]\n",
                lon + 0.2,
                lat + 0.1,
                lon + 0.4,
                lat + 0.05
            )
            .unwrap();
        }
    }

    // Every fourth class is neutral, run by a monitor; the others by two guarantors.
    for c in 0..CLASSES {
        if c % 4 == 0 {
            writeln!(
                s,
                "[[source_class]]\nid = \"class-{c:02}\"\nname = \"Monitor class {c}\"\nkind = \"{}\"\n\
                 operated_by = [\"{}\"]\nneutral = true\nlate_max = \"72h\"\nreporting_period = \"1h\"\n",
                if c % 8 == 0 { "ground_monitor" } else { "technical_cell" },
                if c % 8 == 0 { "osce" } else { "cell" }
            )
            .unwrap();
        } else {
            writeln!(
                s,
                "[[source_class]]\nid = \"class-{c:02}\"\nname = \"Class {c}\"\nkind = \"{}\"\n\
                 operated_by = [\"{}\", \"{}\"]\nlate_max = \"72h\"\nreporting_period = \"1h\"\n",
                SOURCE_KINDS[c % SOURCE_KINDS.len()],
                guarantor(c),
                guarantor(c + 7)
            )
            .unwrap();
        }
    }
    s.push_str(
        "[[source_class]]\nid = \"adv-statements\"\nkind = \"self_report\"\noperated_by = [\"adv\"]\n\n",
    );

    for m in 0..MODELS {
        let parent = if m == 0 {
            String::new()
        } else {
            format!("parent = \"model-{:02}\"\n", (m - 1) / 3)
        };
        writeln!(
            s,
            "[[weapon_model]]\nid = \"model-{m:02}\"\nname = \"Model {m}\"\n{parent}"
        )
        .unwrap();
    }

    // Four consecutive classes: exactly one neutral. Even standards carry an
    // attribution rule (cyber and proxy triggers use those).
    for k in 0..STANDARDS {
        let classes: Vec<String> = (0..4)
            .map(|j| format!("\"class-{:02}\"", (k * 4 + j) % CLASSES))
            .collect();
        writeln!(
            s,
            "[[standard]]\nid = \"std-{k:03}\"\nname = \"Standard {k}\"\nclasses = [{}]\n\
             independent_classes = 2\nindependent_parties = 2\nneutral = true\nmin_confidence = 7000\n\
             review = {{ duration = \"12h\", on_expiry = \"fire\" }}",
            classes.join(", ")
        )
        .unwrap();
        if k % 2 == 0 {
            writeln!(
                s,
                "attribution = {{ min_confidence = 8000, basis = [\"malware_signature\", \"command_link\"], by = \"class-{:02}\" }}",
                (k * 4 + 1) % CLASSES
            )
            .unwrap();
        }
        s.push('\n');
    }

    for t in 0..TRIGGERS {
        let category = CATEGORIES[t % CATEGORIES.len()];
        let kinds = KINDS[t % KINDS.len()];
        let mut standard = t % STANDARDS;
        if matches!(category, "cyber" | "proxy") && standard % 2 == 1 {
            standard -= 1;
        }
        let zone = if category == "armour" {
            (t % (ZONES / 2)) * 2 + 1
        } else {
            t % ZONES
        };
        writeln!(
            s,
            "[[trigger]]\nid = \"trigger-{t:05}\"\nname = \"Trigger {t}\"\ncategory = \"{category}\"\n\
             kinds = [{kinds}]\nzones = [\"zone-{zone:03}\", \"zone-{:03}\"]\n\
             target_categories = [\"civilian\", \"energy\"]\nweapons = [\"model-{:02}\"]\n\
             window = \"{}h\"\nthreshold = {}\ncount = \"{}\"\n{}\
             standard = \"std-{standard:03}\"\ntier = \"{}\"",
            (zone + 2) % ZONES,
            t % MODELS,
            6 + t % 48,
            1 + t % 5,
            if category == "armour" {
                "crossings"
            } else {
                COUNTS[t % COUNTS.len()]
            },
            // A few realistic gaps: every 1000th trigger leaves its range end implicit.
            if t % 1000 == 999 {
                ""
            } else {
                "range_end = \"low\"\n"
            },
            tier_id(t % LADDERS, 1)
        )
        .unwrap();
        if t % 10 == 0 {
            writeln!(s, "accumulate = {{ window = \"30d\", incidents = 3 }}").unwrap();
        }
        s.push('\n');
    }

    // Ladders of RUNGS tiers: rung 1 is automatic (on rails), the rest are
    // reverse-veto with a 24h blocking period; each escalates to the next.
    for l in 0..LADDERS {
        for r in 1..=RUNGS {
            let id = tier_id(l, r);
            writeln!(
                s,
                "[[tier]]\nid = \"{id}\"\nname = \"Ladder {l} rung {r}\"\nlevel = {r}"
            )
            .unwrap();
            if r == 1 {
                s.push_str("mode = \"automatic\"\n");
            } else {
                let voters: Vec<String> = (0..5)
                    .map(|v| format!("\"{}\"", guarantor(l + v * 3)))
                    .collect();
                writeln!(
                    s,
                    "mode = \"reverse_veto\"\nclock = {{ duration = \"24h\", on_expiry = \"fire\" }}\n\
                     vote = {{ electorate = [{}], block = 3 }}",
                    voters.join(", ")
                )
                .unwrap();
            }
            if r < RUNGS {
                writeln!(
                    s,
                    "escalate = [{{ to = \"{}\", when = \"repeat\", count = 2, within = \"30d\" }}]",
                    tier_id(l, r + 1)
                )
                .unwrap();
            }
            s.push('\n');
            for a in 0..2 {
                let n = l * RUNGS + r + a;
                let kind = ACTION_KINDS[n % ACTION_KINDS.len()];
                let sanctions = if kind == "financial" {
                    format!("sanctions = \"pkg-{:03}\"\n", n % PACKAGES)
                } else {
                    String::new()
                };
                writeln!(
                    s,
                    "[[tier.action]]\nid = \"{id}-act-{a}\"\nkind = \"{kind}\"\nmeasure = \"Measure {a} of {id}\"\n\
                     by = \"{}\"\ndeadline = \"{}h\"\nauthority = \"Article 3 of the bilateral agreement\"\n\
                     tranche = \"tranche-{:02}\"\n{sanctions}",
                    guarantor(n),
                    12 + 12 * a,
                    n % TRANCHES
                )
                .unwrap();
            }
        }
    }

    for p in 0..PACKAGES {
        writeln!(
            s,
            "[[sanctions]]\nid = \"pkg-{p:03}\"\nname = \"Package {p}\"\nmeasures = [\"asset freeze\", \"export ban\"]\n\
             pre_cleared = true\ntargets = [{{ name = \"Company {p}\", kind = \"company\" }}, \
             {{ name = \"Vessel {p}\", kind = \"vessel\", id = \"imo-{}\" }}]\n",
            9_000_000 + p
        )
        .unwrap();
    }
    for k in 0..TRANCHES {
        writeln!(
            s,
            "[[tranche]]\nid = \"tranche-{k:02}\"\nsource = \"{}\"\namount_millions = {}\ncurrency = \"EUR\"\n\
             status = \"{}\"\nparty = \"{}\"\n",
            ["frozen_asset_windfall", "eu_borrowing", "national_budget"][k % 3],
            500 * (k + 1),
            if k % 2 == 0 { "funded" } else { "appropriated" },
            guarantor(k)
        )
        .unwrap();
    }

    s.push_str("[relief]\nsnapback_all = false\n\n");
    for k in 0..30 {
        writeln!(
            s,
            "[[relief.item]]\nid = \"relief-{k:02}\"\ncondition = \"heavy weapons 30 km behind line {k}\"\n\
             standard = \"std-{:03}\"\nrelieves = [\"pkg-{:03}\"]\nviolated_by = [\"trigger-{:05}\"]\nzone = \"zone-{:03}\"\n",
            k * 3,
            k,
            k * 7,
            k * 2 + 1
        )
        .unwrap();
    }

    for k in 0..40 {
        let q = 100 * (k + 1);
        writeln!(
            s,
            "[[commitment]]\nid = \"commit-{k:02}\"\nparty = \"{}\"\ncategory = \"155mm\"\nitem = \"shells\"\nquantity = {q}\n\
             unit = \"rounds\"\nmenu = \"menu-{}\"\nlicence = \"pre_cleared\"\ntranche = \"tranche-{:02}\"\n\
             schedule = [{{ day = 30, quantity = {} }}, {{ day = 60, quantity = {} }}, {{ day = 90, quantity = {q} }}]\n",
            guarantor(k),
            k % 10,
            k % TRANCHES,
            q / 3,
            2 * q / 3
        )
        .unwrap();
    }

    for k in 0..20 {
        writeln!(
            s,
            "[[ad_site]]\nid = \"site-{k:02}\"\nname = \"Site {k}\"\nlocation = [{:.2}, {:.2}]\nunits_required = 2\n\
             systems = [\"patriot\", \"nasams\", \"iris_t\", \"samp_t\"]\n",
            30.0 + k as f64 * 0.3,
            48.0 + k as f64 * 0.1
        )
        .unwrap();
    }
    for k in 0..60 {
        writeln!(
            s,
            "[[ad_unit]]\nid = \"unit-{k:02}\"\nparty = \"{}\"\nsystem = \"{}\"\noverhaul_every = \"180d\"\n\
             overhaul_takes = \"30d\"\nhub = \"hub-{}\"\n",
            guarantor(k),
            AD_SYSTEMS[k % 4],
            k % 4
        )
        .unwrap();
    }
    for (k, system) in AD_SYSTEMS.iter().enumerate() {
        writeln!(
            s,
            "[[hub]]\nid = \"hub-{k}\"\nname = \"Hub {k}\"\nsystems = [\"{system}\"]\nzone = \"zone-{:03}\"\n",
            k * 2
        )
        .unwrap();
    }
    s
}

fn bench(c: &mut Criterion) {
    let text = generate();
    let (fw, diags) = load_and_check("bench.toml", &text, &NoFiles);
    assert_eq!(fw.triggers.len(), TRIGGERS, "every trigger should load");
    assert_eq!(fw.tiers.len(), LADDERS * RUNGS, "every tier should load");
    let mut by_code: BTreeMap<&str, usize> = BTreeMap::new();
    for d in &diags {
        *by_code.entry(d.code).or_default() += 1;
    }
    eprintln!(
        "generated framework: {} bytes, {} triggers, {} tiers, {} findings {by_code:?}",
        text.len(),
        fw.triggers.len(),
        fw.tiers.len(),
        diags.len()
    );
    for d in diags.iter().take(5) {
        eprintln!("  {d}");
    }
    assert!(
        diags.len() <= FINDINGS_MAX,
        "the generated framework should be mostly clean"
    );
    let report = Report::new(&fw, &diags);
    black_box(&report);

    let mut group = c.benchmark_group("framework_10k_triggers");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("load_and_check", |b| {
        b.iter(|| load_and_check("bench.toml", black_box(&text), &NoFiles))
    });
    group.bench_function("toml_parse_floor", |b| {
        b.iter(|| toml::from_str::<toml::Table>(black_box(&text)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
