#![no_main]
//! Bytes read as a GeoPackage (the whole SQLite file): read or refused, never a panic.
//! See `sidelot_server::import::fuzzing`.

use sidelot_server::import::fuzzing::{self, Part};

libfuzzer_sys::fuzz_target!(init: fuzzing::start(Part::Gpkg), |data: &[u8]| {
    let _ = fuzzing::read(Part::Gpkg, data);
});
