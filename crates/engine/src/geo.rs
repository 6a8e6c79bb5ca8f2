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

/// An axis-aligned box in 10⁻⁷ degree: a quick "certainly not" before an
/// exact test. A point outside the box of every ring is inside none (a
/// closed ring crosses any horizontal line an even number of times), and
/// segments whose boxes do not overlap cannot cross.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BoundingBox {
    min_x: i64,
    min_y: i64,
    max_x: i64,
    max_y: i64,
}

impl BoundingBox {
    fn of(mut points: impl Iterator<Item = (i64, i64)>) -> Option<BoundingBox> {
        let (x, y) = points.next()?;
        let mut b = BoundingBox {
            min_x: x,
            min_y: y,
            max_x: x,
            max_y: y,
        };
        for (x, y) in points {
            b.min_x = b.min_x.min(x);
            b.min_y = b.min_y.min(y);
            b.max_x = b.max_x.max(x);
            b.max_y = b.max_y.max(y);
        }
        Some(b)
    }

    pub fn of_points(points: &[Point]) -> Option<BoundingBox> {
        BoundingBox::of(
            points
                .iter()
                .map(|p| (i64::from(p.lon_e7), i64::from(p.lat_e7))),
        )
    }

    #[inline]
    pub fn contains(&self, p: Point) -> bool {
        let (x, y) = (i64::from(p.lon_e7), i64::from(p.lat_e7));
        self.min_x <= x && x <= self.max_x && self.min_y <= y && y <= self.max_y
    }

    pub fn overlaps(&self, other: &BoundingBox) -> bool {
        self.min_x <= other.max_x
            && other.min_x <= self.max_x
            && self.min_y <= other.max_y
            && other.min_y <= self.max_y
    }
}

/// The box around every vertex of a geometry.
pub fn bounding_box(geometry: &Geometry) -> Option<BoundingBox> {
    match geometry {
        Geometry::Area(polygons) => BoundingBox::of(polygons.iter().flatten().flatten().map(xy)),
        Geometry::Line(lines) => BoundingBox::of(lines.iter().flatten().map(xy)),
    }
}

/// An area's rings as plain integer pairs, for the same test as
/// [`contains`] without converting coordinates at every point.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PreparedArea {
    polygons: Vec<Vec<Vec<(i64, i64)>>>,
}

impl PreparedArea {
    pub fn new(geometry: &Geometry) -> PreparedArea {
        let Geometry::Area(polygons) = geometry else {
            return PreparedArea::default();
        };
        PreparedArea {
            polygons: polygons
                .iter()
                .map(|rings| {
                    rings
                        .iter()
                        .map(|ring| ring.iter().map(xy).collect())
                        .collect()
                })
                .collect(),
        }
    }

    /// Exactly [`contains`] on the geometry it was prepared from.
    pub fn contains(&self, p: Point) -> bool {
        let (px, py) = (i64::from(p.lon_e7), i64::from(p.lat_e7));
        self.polygons.iter().any(|rings| {
            let mut inside = false;
            for ring in rings {
                if prepared_ring_contains(ring, px, py) {
                    inside = !inside;
                }
            }
            inside
        })
    }
}

fn prepared_ring_contains(ring: &[(i64, i64)], px: i64, py: i64) -> bool {
    let mut inside = false;
    let Some(&last) = ring.last() else {
        return false;
    };
    let mut b = last;
    for &a in ring {
        let ((ax, ay), (bx, by)) = (a, b);
        if (ay > py) != (by > py) {
            let lhs = (px - ax) * (by - ay);
            let rhs = (py - ay) * (bx - ax);
            if (by - ay > 0 && lhs < rhs) || (by - ay < 0 && lhs > rhs) {
                inside = !inside;
            }
        }
        b = a;
    }
    inside
}

/// Whether `p` lies inside the area (even-odd rule over every ring): the
/// plain form, kept as the reference [`PreparedArea`] is tested against.
#[cfg(test)]
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

#[cfg(test)]
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

#[cfg(test)]
mod tests {
    use super::*;

    fn pt(lon: f64, lat: f64) -> Point {
        Point {
            lon_e7: (lon * 1e7) as i32,
            lat_e7: (lat * 1e7) as i32,
        }
    }

    fn c(lon: f64, lat: f64) -> (Coordinate, Coordinate) {
        (
            Coordinate::from_degrees(lon).unwrap(),
            Coordinate::from_degrees(lat).unwrap(),
        )
    }

    #[test]
    fn distances_are_about_right() {
        // Kyiv to Kharkiv: about 410 km.
        let d = distance_m_squared(pt(30.52, 50.45), pt(36.23, 49.99));
        let km = (d as f64).sqrt() / 1000.0;
        assert!((400.0..425.0).contains(&km), "{km}");
        assert_eq!(distance_m_squared(pt(30.0, 50.0), pt(30.0, 50.0)), 0);
    }

    #[test]
    fn point_in_area_and_track_across_line() {
        let square = Geometry::Area(vec![vec![vec![
            c(30.0, 50.0),
            c(31.0, 50.0),
            c(31.0, 51.0),
            c(30.0, 51.0),
        ]]]);
        assert!(contains(&square, pt(30.5, 50.5)));
        assert!(!contains(&square, pt(31.5, 50.5)));
        let line = Geometry::Line(vec![vec![c(36.0, 49.0), c(36.0, 50.0)]]);
        assert!(crosses(&line, &[pt(35.9, 49.5), pt(36.1, 49.5)]));
        assert!(!crosses(&line, &[pt(35.8, 49.5), pt(35.9, 49.5)]));
    }

    #[test]
    fn boxes_never_exclude_a_point_inside() {
        // An L-shaped area with a hole: its box holds every inside point.
        let area = Geometry::Area(vec![vec![
            vec![
                c(30.0, 50.0),
                c(32.0, 50.0),
                c(32.0, 51.0),
                c(31.0, 51.0),
                c(31.0, 52.0),
                c(30.0, 52.0),
            ],
            vec![c(30.2, 50.2), c(30.4, 50.2), c(30.4, 50.4), c(30.2, 50.4)],
        ]]);
        let b = bounding_box(&area).unwrap();
        for i in 0..60 {
            for j in 0..60 {
                let p = pt(29.5 + f64::from(i) * 0.05, 49.5 + f64::from(j) * 0.05);
                if contains(&area, p) {
                    assert!(b.contains(p), "{p:?}");
                }
            }
        }
        assert!(!contains(&area, pt(30.3, 50.3)), "the hole");
        assert!(contains(&area, pt(30.1, 50.1)));
    }

    #[test]
    fn prepared_areas_answer_as_the_geometry() {
        let area = Geometry::Area(vec![
            vec![
                vec![c(30.0, 50.0), c(32.0, 50.0), c(32.0, 51.0), c(30.0, 52.0)],
                vec![c(30.2, 50.2), c(30.4, 50.2), c(30.4, 50.4)],
            ],
            vec![vec![c(33.0, 50.0), c(34.0, 50.0), c(33.5, 51.0)]],
        ]);
        let prepared = PreparedArea::new(&area);
        // On a grid that hits vertices and edges exactly, and between them.
        for i in 0..90 {
            for j in 0..50 {
                let p = pt(29.9 + f64::from(i) * 0.05, 49.9 + f64::from(j) * 0.05);
                assert_eq!(prepared.contains(p), contains(&area, p), "{p:?}");
            }
        }
    }
}
