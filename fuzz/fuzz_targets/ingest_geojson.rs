//! GeoJSON: any bytes give an outcome and zone entries or an error, never
//! a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = ingest::geojson::convert(data);
    let _ = ingest::geojson::zone_entries(data, "zones.geojson");
});
