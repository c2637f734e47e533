#![no_main]
//! Bytes read as a parcels CSV whose geometry column is WKT: read or refused, never a panic.
//! See `sidelot_server::import::fuzzing`.

use sidelot_server::import::fuzzing::{self, Part};

libfuzzer_sys::fuzz_target!(init: fuzzing::start(Part::Wkt), |data: &[u8]| {
    let _ = fuzzing::read(Part::Wkt, data);
});
