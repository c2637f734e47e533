#![no_main]
//! Bytes read as a GeoJSON file of parcels: read or refused, never a panic.
//! See `sidelot_server::import::fuzzing`.

use sidelot_server::import::fuzzing::{self, Part};

libfuzzer_sys::fuzz_target!(init: fuzzing::start(Part::GeoJson), |data: &[u8]| {
    let _ = fuzzing::read(Part::GeoJson, data);
});
