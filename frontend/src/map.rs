//! Bindings to `js/map.js`, the MapLibre glue.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/map.js")]
extern "C" {
    /// The map, as MapLibre holds it.
    pub type MapHandle;

    pub fn create_map(
        container: &str,
        lon: f64,
        lat: f64,
        zoom: f64,
        on_view: &Closure<dyn FnMut(f64, f64, f64, f64, f64)>,
        on_select: &Closure<dyn FnMut(String)>,
    ) -> MapHandle;
    pub fn set_parcels(map: &MapHandle, geojson: &str);
    pub fn select_parcel(map: &MapHandle, pin: &str);
    pub fn fit_bounds(map: &MapHandle, west: f64, south: f64, east: f64, north: f64);
}
