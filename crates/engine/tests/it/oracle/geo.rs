//! Fixed-point geometry for decisions: distances, point in polygon, and
//! whether a track crosses a line. Integer arithmetic only, so every
//! machine decides alike.

use base::Coordinate;
use framework::load::Geometry;
use model::Point;

/// cos(latitude) for whole degrees 0..=90, in units of 10⁻⁴.
const COS_E4: [i64; 91] = [
    10000, 9998, 9994, 9986, 9976, 9962, 9945, 9925, 9903, 9877, 9848, 9816, 9781, 9744, 9703,
    9659, 9613, 9563, 9511, 9455, 9397, 9336, 9272, 9205, 9135, 9063, 8988, 8910, 8829, 8746, 8660,
    8572, 8480, 8387, 8290, 8192, 8090, 7986, 7880, 7771, 7660, 7547, 7431, 7314, 7193, 7071, 6947,
    6820, 6691, 6561, 6428, 6293, 6157, 6018, 5878, 5736, 5592, 5446, 5299, 5150, 5000, 4848, 4695,
    4540, 4384, 4226, 4067, 3907, 3746, 3584, 3420, 3256, 3090, 2924, 2756, 2588, 2419, 2250, 2079,
    1908, 1736, 1564, 1392, 1219, 1045, 872, 698, 523, 349, 175, 0,
];

/// Micrometres per 10⁻⁷ degree of latitude (111 320 m per degree).
const MICROMETRES_PER_E7: i64 = 11_132;

/// The squared distance in square metres between two points, by the
/// equirectangular approximation (good to well under 1% at fusion ranges).
pub fn distance_m_squared(a: Point, b: Point) -> i64 {
    let mid_lat_deg = ((i64::from(a.lat_e7) + i64::from(b.lat_e7)) / 2 / 10_000_000).unsigned_abs();
    let cos = COS_E4
        .get(mid_lat_deg.min(90) as usize)
        .copied()
        .unwrap_or(0);
    // millimetres
    let dy_mm = (i64::from(a.lat_e7) - i64::from(b.lat_e7)) * MICROMETRES_PER_E7 / 1000;
    let dx_mm =
        (i64::from(a.lon_e7) - i64::from(b.lon_e7)) * MICROMETRES_PER_E7 / 1000 * cos / 10_000;
    let (dx_m, dy_m) = (dx_mm / 1000, dy_mm / 1000);
    dx_m.saturating_mul(dx_m)
        .saturating_add(dy_m.saturating_mul(dy_m))
}

/// Whether `p` lies inside the area (even-odd rule over every ring).
pub fn contains(geometry: &Geometry, p: Point) -> bool {
    let Geometry::Area(polygons) = geometry else {
        return false;
    };
    polygons.iter().any(|rings| {
        let mut inside = false;
        for ring in rings {
            if ring_contains(ring, p) {
                inside = !inside;
            }
        }
        inside
    })
}

fn xy(c: &(Coordinate, Coordinate)) -> (i64, i64) {
    (i64::from(c.0.units()), i64::from(c.1.units()))
}

fn ring_contains(ring: &[(Coordinate, Coordinate)], p: Point) -> bool {
    let (px, py) = (i64::from(p.lon_e7), i64::from(p.lat_e7));
    let mut inside = false;
    let n = ring.len();
    for i in 0..n {
        let (Some(a), Some(b)) = (ring.get(i), ring.get((i + n - 1) % n)) else {
            continue;
        };
        let ((ax, ay), (bx, by)) = (xy(a), xy(b));
        if (ay > py) != (by > py) {
            // x of the edge at height py, compared without division:
            // px < ax + (py - ay) * (bx - ax) / (by - ay)
            let lhs = (px - ax) * (by - ay);
            let rhs = (py - ay) * (bx - ax);
            if (by - ay > 0 && lhs < rhs) || (by - ay < 0 && lhs > rhs) {
                inside = !inside;
            }
        }
    }
    inside
}

/// Whether the polyline `track` crosses the line geometry.
pub fn crosses(geometry: &Geometry, track: &[Point]) -> bool {
    let Geometry::Line(lines) = geometry else {
        return false;
    };
    track.windows(2).any(|seg| {
        let [p, q] = seg else { return false };
        let (p, q) = (
            (i64::from(p.lon_e7), i64::from(p.lat_e7)),
            (i64::from(q.lon_e7), i64::from(q.lat_e7)),
        );
        lines.iter().any(|line| {
            line.windows(2).any(|edge| {
                let [a, b] = edge else { return false };
                segments_intersect(p, q, xy(a), xy(b))
            })
        })
    })
}

fn orientation(a: (i64, i64), b: (i64, i64), c: (i64, i64)) -> i128 {
    let v = i128::from(b.0 - a.0) * i128::from(c.1 - a.1)
        - i128::from(b.1 - a.1) * i128::from(c.0 - a.0);
    v.signum()
}

fn segments_intersect(p: (i64, i64), q: (i64, i64), a: (i64, i64), b: (i64, i64)) -> bool {
    let (o1, o2, o3, o4) = (
        orientation(p, q, a),
        orientation(p, q, b),
        orientation(a, b, p),
        orientation(a, b, q),
    );
    o1 * o2 < 0 && o3 * o4 < 0
}
