#![no_main]
//! Bytes read as Esri JSON, as a FeatureServer answers: read or refused, never a panic.
//! See `sidelot_server::import::fuzzing`.

use sidelot_server::import::fuzzing::{self, Part};

libfuzzer_sys::fuzz_target!(init: fuzzing::start(Part::Esri), |data: &[u8]| {
    let _ = fuzzing::read(Part::Esri, data);
});
