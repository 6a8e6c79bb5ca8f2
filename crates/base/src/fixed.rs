//! Fixed-point numbers: decisions never use floating point, so that every
//! replay on every machine gives the same bytes.

use std::fmt;

/// A confidence or share in basis points: 0 ..= 10 000 (10 000 = certainty).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct BasisPoints(u16);

impl BasisPoints {
    pub const MAX: BasisPoints = BasisPoints(10_000);

    pub fn new(value: u32) -> Option<BasisPoints> {
        u16::try_from(value)
            .ok()
            .filter(|v| *v <= 10_000)
            .map(BasisPoints)
    }

    pub const fn get(self) -> u16 {
        self.0
    }
}

impl fmt::Display for BasisPoints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}%", self.0 / 100, self.0 % 100)
    }
}

impl<'de> serde::Deserialize<'de> for BasisPoints {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = i64::deserialize(deserializer)?;
        u32::try_from(raw)
            .ok()
            .and_then(BasisPoints::new)
            .ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "basis points must be between 0 and 10000 (10000 = 100%), found {raw}"
                ))
            })
    }
}

impl schemars::JsonSchema for BasisPoints {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "BasisPoints".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "integer",
            "minimum": 0,
            "maximum": 10000,
            "description": "Basis points: 0 to 10000, where 10000 means 100%."
        })
    }
}

/// Fixed-point scale of coordinates: 10^7 units per degree (about 1 cm).
pub const COORDINATE_UNITS_PER_DEGREE: i64 = 10_000_000;

/// One axis of a WGS 84 position (longitude or latitude) in units of 10^-7 degree.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Coordinate(i32);

impl Coordinate {
    pub const fn from_units(units: i32) -> Coordinate {
        Coordinate(units)
    }

    pub const fn units(self) -> i32 {
        self.0
    }

    /// Converts degrees as written in a file, rounding to the nearest unit.
    /// Refuses non-finite values and values beyond ±180°.
    pub fn from_degrees(degrees: f64) -> Option<Coordinate> {
        if !degrees.is_finite() || degrees.abs() > 180.0 {
            return None;
        }
        // INVARIANT: |degrees| <= 180, so the product fits in i32 (1.8e9 < 2.147e9).
        let units = (degrees * COORDINATE_UNITS_PER_DEGREE as f64).round();
        Some(Coordinate(units as i32))
    }
}

impl fmt::Display for Coordinate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let units = i64::from(self.0);
        let sign = if units < 0 { "-" } else { "" };
        let abs = units.abs();
        write!(
            f,
            "{sign}{}.{:07}",
            abs / COORDINATE_UNITS_PER_DEGREE,
            abs % COORDINATE_UNITS_PER_DEGREE
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basis_points_bounds() {
        assert_eq!(BasisPoints::new(10_000), Some(BasisPoints::MAX));
        assert_eq!(BasisPoints::new(10_001), None);
        assert_eq!(BasisPoints::new(7_550).unwrap().to_string(), "75.50%");
        let err = serde_json::from_str::<BasisPoints>("12000").unwrap_err();
        assert!(err.to_string().contains("between 0 and 10000"), "{err}");
    }

    #[test]
    fn coordinates_round_to_fixed_point() {
        let c = Coordinate::from_degrees(30.523_333_3).unwrap();
        assert_eq!(c.units(), 305_233_333);
        assert_eq!(c.to_string(), "30.5233333");
        assert_eq!(
            Coordinate::from_degrees(-0.5).unwrap().to_string(),
            "-0.5000000"
        );
        assert_eq!(Coordinate::from_degrees(181.0), None);
        assert_eq!(Coordinate::from_degrees(f64::NAN), None);
    }
}
