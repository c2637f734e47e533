//! Bindings to `js/map.js`, the MapLibre glue.

use wasm_bindgen::prelude::*;

/// `on_view(west, south, east, north, zoom, centre_lon, centre_lat)`.
pub type OnView = Closure<dyn FnMut(f64, f64, f64, f64, f64, f64, f64)>;

#[wasm_bindgen(module = "/js/map.js")]
extern "C" {
    /// The map, as MapLibre holds it.
    pub type MapHandle;

    /// A map in the element `container`; `basemap` is the JSON of the
    /// server's `Basemap`, or empty for none; `words` is the JSON of what
    /// the map says ([`map_words`]).
    pub fn create_map(
        container: &str,
        lon: f64,
        lat: f64,
        zoom: f64,
        basemap: &str,
        words: &str,
        on_view: &OnView,
        on_select: &Closure<dyn FnMut(String)>,
    ) -> MapHandle;
    /// Shows only the lots for sale, the rest dimmed (or everything again).
    pub fn only_for_sale(map: &MapHandle, on: bool);
    pub fn select_parcel(map: &MapHandle, pin: &str);
    /// Outlines the parcel the neighbour owns (none for `""`).
    pub fn highlight_owned(map: &MapHandle, pin: &str);
    pub fn fit_bounds(map: &MapHandle, west: f64, south: f64, east: f64, north: f64, animate: bool);
    pub fn jump_to(map: &MapHandle, lon: f64, lat: f64, zoom: f64);
}

/// What the map itself says (its canvas's label, the parcels' source, its
/// attribution button), in the page's language: the JSON `create_map` reads.
pub fn map_words() -> String {
    use crate::messages::{Msg, t};
    serde_json::json!({
        "label": t(Msg::MapCanvasLabel),
        "attribution": t(Msg::MapAttribution),
        "toggle_attribution": t(Msg::MapToggleAttribution),
    })
    .to_string()
}
