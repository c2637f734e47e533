#![no_main]
//! Bytes read as a zip of a shapefile: read or refused, never a panic.
//! See `sidelot_server::import::fuzzing`.

use sidelot_server::import::fuzzing::{self, Part};

libfuzzer_sys::fuzz_target!(init: fuzzing::start(Part::Zip), |data: &[u8]| {
    let _ = fuzzing::read(Part::Zip, data);
});
