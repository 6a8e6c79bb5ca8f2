//! GeoJSON (RFC 7946) zones and lines: checked and summarized, and turned
//! into framework `[[zone]]` entries.
//!
//! Zones are framework data, not observations: a region, the line of
//! contact, the occupied area on a given day. So `--from geojson` writes no
//! input lines; it reads every feature, checks its geometry as the
//! framework loader will need it (positions on the globe, rings closed with
//! at least four positions, lines of at least two), and says per feature
//! what it found. [`zone_entries`] writes the `[[zone]]` entries that make a
//! collection's features framework zones (the geometry stays in the file,
//! named by `file` and `feature`).
//!
//! Positions: serde_json reads numbers as binary floats; each is turned
//! into 10⁻⁷ degree through its shortest decimal form (Rust's `{}`, which
//! gives back the digits written for any numeral of up to 15 significant
//! digits) and [`crate::decimal`], so no rounding depends on float
//! arithmetic.

use serde_json::Value;

use crate::{Note, Outcome, Position, decimal};

/// The most positions read in one file.
pub const POSITIONS_MAX: usize = 10_000_000;
/// The most features read in one file.
pub const FEATURES_MAX: usize = 100_000;

/// One feature, as checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feature {
    /// Index in the collection (0-based).
    pub index: usize,
    /// The name the framework loader matches (`id`, else `name`, else
    /// `shapeName`), if any.
    pub name: Option<String>,
    /// An ISO 3166-2 code (`shapeISO`, `iso_3166_2`), if any.
    pub iso: Option<String>,
    /// `Polygon`, `MultiPolygon`, `LineString`, …
    pub geometry: String,
    /// Polygons (areas) or lines.
    pub parts: usize,
    pub positions: usize,
    /// Bounding box in 10⁻⁷ degree: (min lon, min lat, max lon, max lat).
    pub bbox: (i64, i64, i64, i64),
}

impl Feature {
    /// `area` or `line`, as a framework zone's `kind`; `None` for points.
    pub fn zone_kind(&self) -> Option<&'static str> {
        match self.geometry.as_str() {
            "Polygon" | "MultiPolygon" => Some("area"),
            "LineString" | "MultiLineString" => Some("line"),
            _ => None,
        }
    }
}

/// Reads a GeoJSON file: an outcome (features read; refused ones with
/// their index; no observations) and the features that passed.
pub fn read(bytes: &[u8]) -> (Outcome, Vec<Feature>) {
    let mut out = Outcome::default();
    let mut good = Vec::new();
    let refuse = |line: usize, column: usize, record: Option<String>, message: String| Note {
        at: Position {
            offset: 0,
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        },
        record,
        message,
    };
    let doc: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => {
            out.read = 1;
            out.rejected
                .push(refuse(e.line(), e.column(), None, format!("not JSON: {e}")));
            return (out, good);
        }
    };
    let features: Vec<&Value> = match doc.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => match doc.get("features").and_then(Value::as_array) {
            Some(f) => f.iter().collect(),
            None => {
                out.read = 1;
                out.rejected.push(refuse(
                    1,
                    1,
                    None,
                    "a FeatureCollection without a `features` array".into(),
                ));
                return (out, good);
            }
        },
        Some("Feature") => vec![&doc],
        Some(t) => {
            out.read = 1;
            out.rejected.push(refuse(
                1,
                1,
                None,
                format!("type `{t}`: expected a `FeatureCollection` or a `Feature`"),
            ));
            return (out, good);
        }
        None => {
            out.read = 1;
            out.rejected
                .push(refuse(1, 1, None, "not GeoJSON: no `type`".into()));
            return (out, good);
        }
    };
    let starts = feature_offsets(bytes);
    let at = |index: usize, record: String, message: String| Note {
        at: Position {
            offset: starts.get(index).copied().unwrap_or(0) as u64,
            line: 0,
            column: 0,
        },
        record: Some(record),
        message,
    };
    let mut positions_left = POSITIONS_MAX;
    for (index, f) in features.iter().enumerate() {
        out.read += 1;
        let record = format!("features[{index}]");
        if index >= FEATURES_MAX {
            out.rejected.push(at(
                index,
                record,
                format!("more than {FEATURES_MAX} features"),
            ));
            break;
        }
        match feature(index, f, &mut positions_left) {
            Ok(feat) => good.push(feat),
            Err(m) => out.rejected.push(at(index, record, m)),
        }
    }
    out.locate(bytes);
    (out, good)
}

/// Where each element of a FeatureCollection's `features` array begins, in
/// bytes: the parser lends each element's text from the input, so its
/// offset is where that text sits. Empty for anything else.
fn feature_offsets(bytes: &[u8]) -> Vec<usize> {
    #[derive(serde::Deserialize)]
    struct Collection<'a> {
        #[serde(borrow)]
        features: Vec<&'a serde_json::value::RawValue>,
    }
    let base = bytes.as_ptr() as usize;
    serde_json::from_slice::<Collection>(bytes).map_or_else(
        |_| Vec::new(),
        |c| {
            c.features
                .iter()
                .map(|f| (f.get().as_ptr() as usize).saturating_sub(base))
                .collect()
        },
    )
}

/// What `--from geojson` reports: the outcome and one line per feature.
pub fn convert(bytes: &[u8]) -> (Outcome, Vec<String>) {
    let (out, features) = read(bytes);
    let lines = features
        .iter()
        .map(|f| {
            let (x0, y0, x1, y1) = f.bbox;
            format!(
                "features[{}]{}: {} ({} part{}, {} positions), bbox lon {}..{} lat {}..{} (10⁻⁷ degree)",
                f.index,
                f.name.as_ref().map(|n| format!(" `{n}`")).unwrap_or_default(),
                f.geometry,
                f.parts,
                if f.parts == 1 { "" } else { "s" },
                f.positions,
                x0,
                x1,
                y0,
                y1
            )
        })
        .collect();
    (out, lines)
}

/// Framework `[[zone]]` entries (TOML) for every area and line of a
/// collection stored at `file` (the path the framework will name). Each
/// zone's id is the ISO 3166-2 code when there is one (`ua-65`), else its
/// name, in lowercase with every run of other characters as one `-`.
pub fn zone_entries(bytes: &[u8], file: &str) -> Result<String, String> {
    let (out, features) = read(bytes);
    if let Some(n) = out.rejected.first() {
        return Err(format!(
            "{}{}",
            n.record
                .as_ref()
                .map(|r| format!("{r}: "))
                .unwrap_or_default(),
            n.message
        ));
    }
    let mut s = String::new();
    for f in &features {
        let Some(kind) = f.zone_kind() else { continue };
        let Some(name) = &f.name else {
            return Err(format!(
                "features[{}] has no `id`, `name` or `shapeName` to name it by",
                f.index
            ));
        };
        let id = slug(f.iso.as_deref().unwrap_or(name));
        s.push_str(&format!(
            "[[zone]]\nid = {}\nname = {}\nkind = \"{kind}\"\nfile = {}\nfeature = {}\n\n",
            quote(&id),
            quote(name),
            quote(file),
            quote(name)
        ));
    }
    Ok(s)
}

fn slug(text: &str) -> String {
    let mut s = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            s.push(c);
        } else if !s.is_empty() && !s.ends_with('-') {
            s.push('-');
        }
    }
    s.trim_end_matches('-').to_string()
}

/// A TOML basic string.
fn quote(text: &str) -> String {
    let mut s = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => s.push_str(&format!("\\u{:04X}", c as u32)),
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

fn feature(index: usize, f: &Value, left: &mut usize) -> Result<Feature, String> {
    if f.get("type").and_then(Value::as_str) != Some("Feature") {
        return Err("not a `Feature`".into());
    }
    let prop = |k: &str| {
        f.get("properties")
            .and_then(|p| p.get(k))
            .and_then(Value::as_str)
    };
    let id = match f.get("id") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let name = id
        .or(prop("name").map(str::to_string))
        .or(prop("shapeName").map(str::to_string));
    let iso = prop("shapeISO")
        .or(prop("iso_3166_2"))
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let geometry = f.get("geometry").ok_or("no `geometry`")?;
    let kind = geometry
        .get("type")
        .and_then(Value::as_str)
        .ok_or("a geometry without `type`")?;
    let coords = geometry
        .get("coordinates")
        .ok_or("a geometry without `coordinates`")?;
    let mut bbox = (i64::MAX, i64::MAX, i64::MIN, i64::MIN);
    let mut positions = 0usize;
    let mut position = |p: &Value| -> Result<(), String> {
        let p = p.as_array().ok_or("a position that is not an array")?;
        if p.len() < 2 || p.len() > 3 {
            return Err(format!(
                "a position of {} numbers (RFC 7946: longitude, latitude, optional altitude)",
                p.len()
            ));
        }
        if *left == 0 {
            return Err(format!("more than {POSITIONS_MAX} positions in the file"));
        }
        *left -= 1;
        positions += 1;
        let lon = e7(&p[0])?;
        let lat = e7(&p[1])?;
        if lon.abs() > 1_800_000_000 || lat.abs() > 900_000_000 {
            return Err(format!("position [{}, {}] is off the globe", p[0], p[1]));
        }
        bbox = (
            bbox.0.min(lon),
            bbox.1.min(lat),
            bbox.2.max(lon),
            bbox.3.max(lat),
        );
        Ok(())
    };
    let list = |v: &Value, what: &str| -> Result<Vec<Value>, String> {
        v.as_array()
            .cloned()
            .ok_or_else(|| format!("{what} is not an array"))
    };
    let mut line = |l: &Value, ring: bool| -> Result<(), String> {
        let l = list(l, "a line")?;
        if ring {
            if l.len() < 4 {
                return Err(format!(
                    "a ring of {} positions (at least 4, the last equal to the first)",
                    l.len()
                ));
            }
            if l.first() != l.last() {
                return Err(
                    "a ring that is not closed (the last position must equal the first)".into(),
                );
            }
        } else if l.len() < 2 {
            return Err(format!("a line of {} position (at least 2)", l.len()));
        }
        l.iter().try_for_each(&mut position)
    };
    let parts = match kind {
        "Point" => {
            position(coords)?;
            1
        }
        "MultiPoint" => {
            let ps = list(coords, "`coordinates`")?;
            ps.iter().try_for_each(&mut position)?;
            ps.len()
        }
        "LineString" => {
            line(coords, false)?;
            1
        }
        "MultiLineString" => {
            let ls = list(coords, "`coordinates`")?;
            for l in &ls {
                line(l, false)?;
            }
            ls.len()
        }
        "Polygon" => {
            for r in &list(coords, "`coordinates`")? {
                line(r, true)?;
            }
            1
        }
        "MultiPolygon" => {
            let ps = list(coords, "`coordinates`")?;
            for p in &ps {
                for r in &list(p, "a polygon")? {
                    line(r, true)?;
                }
            }
            ps.len()
        }
        other => {
            return Err(format!(
                "geometry `{other}` is not supported (Point, MultiPoint, LineString, MultiLineString, Polygon, MultiPolygon)"
            ));
        }
    };
    if parts == 0 {
        return Err(format!("an empty `{kind}`"));
    }
    Ok(Feature {
        index,
        name,
        iso,
        geometry: kind.to_string(),
        parts,
        positions,
        bbox,
    })
}

fn e7(v: &Value) -> Result<i64, String> {
    let n = v
        .as_number()
        .ok_or_else(|| format!("`{v}` is not a number"))?;
    decimal::scaled(&n.to_string(), 7)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_and_names_zones() {
        let text = r#"{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"shapeName":"Kyiv Oblast","shapeISO":"UA-32"},
  "geometry":{"type":"Polygon","coordinates":[[[30.1,50.1],[31.2,50.1],[31.2,51.05],[30.1,50.1]]]}},
 {"type":"Feature","id":"line-of-contact","properties":{},
  "geometry":{"type":"LineString","coordinates":[[37.5,47.1],[38.0,48.9]]}},
 {"type":"Feature","properties":{"name":"open"},
  "geometry":{"type":"Polygon","coordinates":[[[30,50],[31,50],[31,51],[30,51]]]}},
 {"type":"Feature","properties":{"name":"off"},
  "geometry":{"type":"Point","coordinates":[181,0]}}
]}"#;
        let (out, lines) = convert(text.as_bytes());
        assert_eq!((out.read, out.rejected.len()), (4, 2));
        assert_eq!(out.rejected[0].record.as_deref(), Some("features[2]"));
        assert!(out.rejected[0].message.contains("not closed"));
        assert!(out.rejected[1].message.contains("off the globe"));
        // Each refusal says where its feature begins: line and column.
        let at: Vec<(u32, u32)> = out
            .rejected
            .iter()
            .map(|n| (n.at.line, n.at.column))
            .collect();
        assert_eq!(at, [(6, 2), (8, 2)]);
        assert_eq!(
            lines[0],
            "features[0] `Kyiv Oblast`: Polygon (1 part, 4 positions), bbox lon 301000000..312000000 lat 501000000..510500000 (10⁻⁷ degree)"
        );
        let good = r#"{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"shapeName":"Kyiv \"City\"","shapeISO":"UA-30"},
  "geometry":{"type":"MultiPolygon","coordinates":[[[[30.1,50.1],[31.2,50.1],[31.2,51.05],[30.1,50.1]]]]}},
 {"type":"Feature","id":"Line of contact (2025)","geometry":{"type":"LineString","coordinates":[[37.5,47.1],[38.0,48.9]]}}
]}"#;
        assert_eq!(
            zone_entries(good.as_bytes(), "zones.geojson").unwrap(),
            "[[zone]]\nid = \"ua-30\"\nname = \"Kyiv \\\"City\\\"\"\nkind = \"area\"\nfile = \"zones.geojson\"\nfeature = \"Kyiv \\\"City\\\"\"\n\n\
             [[zone]]\nid = \"line-of-contact-2025\"\nname = \"Line of contact (2025)\"\nkind = \"line\"\nfile = \"zones.geojson\"\nfeature = \"Line of contact (2025)\"\n\n"
        );
        assert!(
            zone_entries(text.as_bytes(), "x")
                .unwrap_err()
                .contains("features[2]")
        );
    }

    #[test]
    fn refuses_what_is_not_geojson() {
        for (text, want) in [
            ("{", "not JSON"),
            ("[]", "no `type`"),
            (r#"{"type":"Topology"}"#, "expected a `FeatureCollection`"),
            (
                r#"{"type":"FeatureCollection"}"#,
                "without a `features` array",
            ),
            (
                r#"{"type":"Feature","geometry":{"type":"LineString","coordinates":[[1,2]]}}"#,
                "a line of 1 position",
            ),
            (
                r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[1,"2"]}}"#,
                "is not a number",
            ),
            (
                r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2,3,4]}}"#,
                "a position of 4 numbers",
            ),
            (
                r#"{"type":"Feature","geometry":{"type":"GeometryCollection","geometries":[]}}"#,
                "a geometry without `coordinates`",
            ),
        ] {
            let (out, _) = convert(text.as_bytes());
            assert_eq!(out.rejected.len(), 1, "{text}");
            assert!(
                out.rejected[0].message.contains(want),
                "{text}: {}",
                out.rejected[0].message
            );
        }
    }
}
