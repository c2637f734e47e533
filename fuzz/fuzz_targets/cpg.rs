#![no_main]
//! Bytes read as a shapefile's .cpg (its character set): read or refused, never a panic.
//! See `sidelot_server::import::fuzzing`.

use sidelot_server::import::fuzzing::{self, Part};

libfuzzer_sys::fuzz_target!(init: fuzzing::start(Part::Cpg), |data: &[u8]| {
    let _ = fuzzing::read(Part::Cpg, data);
});
