#![no_main]
//! Bytes read as a shapefile's .dbf (its attributes): read or refused, never a panic.
//! See `sidelot_server::import::fuzzing`.

use sidelot_server::import::fuzzing::{self, Part};

libfuzzer_sys::fuzz_target!(init: fuzzing::start(Part::Dbf), |data: &[u8]| {
    let _ = fuzzing::read(Part::Dbf, data);
});
