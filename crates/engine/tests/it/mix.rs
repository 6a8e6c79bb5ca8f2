//! The benchmark's workload, shared with the tests: about `days` of a
//! realistic mix on the ukraine-2025 framework, as JSON lines with their
//! recorded times.
//!
//! Per simulated day: a night drone wave (reported by the General Staff,
//! several radars every few minutes, and the technical cell), a missile
//! salvo every third day (with ISR and the technical cell), artillery fire
//! in the security zone, and now and then an airspace violation and a cyber
//! intrusion. Most observations are re-reports of an event already known,
//! as on a real night.

use base::Timestamp;

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

pub struct Line {
    pub recorded: Timestamp,
    pub json: String,
}

#[allow(clippy::too_many_arguments)]
fn line(
    lines: &mut Vec<Line>,
    n: &mut u64,
    party: &str,
    class: &str,
    kind: &str,
    at_ms: i64,
    delay_s: i64,
    count: Option<u32>,
    weapon: &str,
    lon: f64,
    lat: f64,
    extra: &str,
) {
    *n += 1;
    let at = Timestamp::from_millis(at_ms);
    let counts = count
        .map(|c| format!(r#","counts":{{"launched":{c}}}"#))
        .unwrap_or_default();
    let weapon = if weapon.is_empty() {
        String::new()
    } else {
        format!(r#","weapon":"{weapon}""#)
    };
    let json = format!(
        r#"{{"v":1,"type":"observation","id":{{"party":"{party}","source":"{class}-src","message":"m{n}"}},"class":"{class}","observed":{{"from":"{at}"}},"place":{{"point":{{"lon_e7":{},"lat_e7":{}}}}},"kind":"{kind}","confidence_bp":{}{counts}{weapon}{extra}}}"#,
        (lon * 1e7) as i64,
        (lat * 1e7) as i64,
        7000 + (*n % 3000)
    );
    lines.push(Line {
        recorded: at.plus(base::Duration::from_seconds(delay_s)),
        json,
    });
}

/// About `days` of a realistic mix; returns lines sorted by recorded time.
pub fn mix(days: i64) -> Vec<Line> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut lines = Vec::new();
    let mut n = 0u64;
    let start = Timestamp::parse("2025-11-01T00:00:00Z").unwrap().millis();
    let minute = 60_000i64;
    for day in 0..days {
        let night = start + day * 86_400_000 + 22 * 3_600_000;
        // Drone wave over Kharkiv: the General Staff, three radars every 5 minutes for an hour, the cell.
        let drones = 10 + rng.below(60) as u32;
        let (lon, lat) = (36.23, 49.99);
        line(
            &mut lines,
            &mut n,
            "ukraine",
            "general-staff",
            "uav_launch",
            night,
            3600,
            Some(drones),
            "one-way-attack-uav",
            lon,
            lat,
            "",
        );
        for step in 0..12 {
            for (party, jitter) in [("ukraine", 0.01), ("poland", 0.02), ("us", 0.03)] {
                let c = drones.saturating_sub(rng.below(3) as u32);
                line(
                    &mut lines,
                    &mut n,
                    party,
                    "radar",
                    "uav_launch",
                    night + step * 5 * minute,
                    60,
                    Some(c),
                    "uav",
                    lon + jitter,
                    lat,
                    "",
                );
            }
        }
        line(
            &mut lines,
            &mut n,
            "technical-cell",
            "technical-cell",
            "uav_launch",
            night + 10 * minute,
            1800,
            Some(drones),
            "shahed-136",
            lon,
            lat,
            "",
        );
        // A missile salvo over Kyiv every third day.
        if day % 3 == 0 {
            let salvo = night + 5 * 3_600_000;
            let missiles = 20 + rng.below(60) as u32;
            let (lon, lat) = (30.52, 50.45);
            line(
                &mut lines,
                &mut n,
                "ukraine",
                "general-staff",
                "missile_launch",
                salvo,
                7200,
                Some(missiles),
                "cruise-missile",
                lon,
                lat,
                "",
            );
            for step in 0..6 {
                for party in ["ukraine", "us"] {
                    line(
                        &mut lines,
                        &mut n,
                        party,
                        "radar",
                        "missile_launch",
                        salvo + step * 2 * minute,
                        30,
                        Some(missiles),
                        "kh-101",
                        lon,
                        lat,
                        "",
                    );
                }
            }
            line(
                &mut lines,
                &mut n,
                "us",
                "allied-isr",
                "missile_launch",
                salvo,
                1200,
                Some(missiles + 2),
                "missile",
                lon,
                lat,
                "",
            );
            line(
                &mut lines,
                &mut n,
                "technical-cell",
                "technical-cell",
                "missile_launch",
                salvo + minute,
                2400,
                Some(missiles),
                "kh-101",
                lon,
                lat,
                "",
            );
        }
        // Artillery in the security zone: a dozen reports through the day.
        for k in 0..12 {
            let t = start + day * 86_400_000 + k * 2 * 3_600_000;
            let party = if k % 3 == 0 {
                "monitoring-mission"
            } else {
                "ukraine"
            };
            let class = if k % 3 == 0 {
                "ground-monitors"
            } else {
                "general-staff"
            };
            line(
                &mut lines,
                &mut n,
                party,
                class,
                "artillery_fire",
                t,
                900,
                Some(1 + rng.below(8) as u32),
                "tube-artillery",
                35.0,
                47.5,
                "",
            );
        }
        // An airspace violation every other day; a cyber intrusion weekly.
        if day % 2 == 1 {
            let t = start + day * 86_400_000 + 14 * 3_600_000;
            line(
                &mut lines,
                &mut n,
                "ukraine",
                "radar",
                "airspace_violation",
                t,
                120,
                None,
                "recon-uav",
                33.0,
                51.5,
                "",
            );
            line(
                &mut lines,
                &mut n,
                "us",
                "radar",
                "airspace_violation",
                t + minute,
                120,
                None,
                "orlan-10",
                33.0,
                51.5,
                "",
            );
        }
        if day % 7 == 3 {
            let t = start + day * 86_400_000 + 9 * 3_600_000;
            line(
                &mut lines,
                &mut n,
                "ukraine",
                "cyber-forensics",
                "cyber_intrusion",
                t,
                7200,
                None,
                "",
                30.52,
                50.45,
                r#","target":"energy_grid""#,
            );
        }
    }
    lines.sort_by_key(|l| l.recorded);
    lines
}
