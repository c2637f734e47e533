//! The review page's map: the lot and the applicant's property among their
//! neighbours, drawn from the vector tiles by `js/review_map.js`. Where the
//! browser cannot draw a map (no WebGL), the two shapes are drawn to scale
//! in SVG instead (`shape.rs`).

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;

use crate::messages::{S, s};
use crate::shape;

#[wasm_bindgen(module = "/js/review_map.js")]
extern "C" {
    /// Resolves to true once drawn, false when no map can be drawn here.
    #[wasm_bindgen(catch)]
    async fn review_map(
        el: &web_sys::HtmlElement,
        shapes: &str,
        label: &str,
    ) -> Result<JsValue, JsValue>;
}

/// The map of `shapes`: the lot and the owned parcel as GeoJSON (a
/// GeometryCollection, the lot first).
#[component]
pub fn ReviewMap(shapes: serde_json::Value) -> impl IntoView {
    // None while the map is being drawn; then whether it could be.
    let drawn = RwSignal::new(None::<bool>);
    let node = NodeRef::<leptos::html::Div>::new();
    let started = StoredValue::new(false);
    let json = shapes.to_string();
    Effect::new(move |_| {
        let Some(el) = node.get() else {
            return;
        };
        if started.get_value() {
            return;
        }
        started.set_value(true);
        let json = json.clone();
        spawn_local(async move {
            let ok = review_map(&el, &json, s(S::MapOfTheLotGreen))
                .await
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            drawn.set(Some(ok));
        });
    });
    let paths = shape::paths(&shapes, 240.0);
    view! {
        <figure class="review-map-figure" hidden=move || drawn.get() == Some(false)>
            <div class="review-map" node_ref=node></div>
            <figcaption class="hint">{s(S::GreenTheLotBlueOutline)}</figcaption>
        </figure>
        <Show when=move || drawn.get() == Some(false)>
            <svg viewBox="0 0 240 240" width="240" height="240" role="img"
                aria-label=s(S::TheLotGreenAndThe)>
                {paths.first().cloned().map(|d| view! { <path d=d class="shape-lot" /> })}
                {paths.get(1).cloned().map(|d| view! { <path d=d class="shape-owned" /> })}
            </svg>
        </Show>
    }
}
