//! The map page: the parcel map, its legend and status line, and the panel
//! of the parcel chosen (by click, by keyboard, or by `?pin=` in the URL).

use std::collections::HashMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use sidelot_domain::api::{MAX_PARCEL_LIMIT, ParcelProperties};
use wasm_bindgen::prelude::*;

use crate::api::{self, ApiError};
use crate::format;
use crate::map::{self, MapHandle};
use crate::messages::{Msg, t};

/// Below this zoom parcels are too small to tell apart: none are fetched.
const MIN_PARCEL_ZOOM: f64 = 15.0;
/// Where the map opens: Chicago's West Side.
const START: (f64, f64, f64) = (-87.765, 41.885, 16.0);

#[derive(Debug, Clone, PartialEq)]
enum Load {
    ZoomIn,
    Loading,
    Loaded { shown: u64, truncated: bool },
    Failed(String),
}

#[component]
pub fn App() -> impl IntoView {
    let load = RwSignal::new(Load::ZoomIn);
    let parcels = RwSignal::new(HashMap::<String, ParcelProperties>::new());
    let selected = RwSignal::new(None::<ParcelProperties>);
    let map_handle = StoredValue::new_local(None::<MapHandle>);
    let in_flight = StoredValue::new_local(None::<web_sys::AbortController>);
    let last_view = StoredValue::new([0.0f64; 5]);

    let fetch_view = move |view: [f64; 5]| {
        last_view.set_value(view);
        if let Some(previous) = in_flight.get_value() {
            previous.abort();
        }
        if view[4] < MIN_PARCEL_ZOOM {
            load.set(Load::ZoomIn);
            map_handle.with_value(|m| {
                if let Some(m) = m {
                    map::set_parcels(m, r#"{"type":"FeatureCollection","features":[]}"#);
                }
            });
            return;
        }
        let Ok(controller) = web_sys::AbortController::new() else {
            return;
        };
        let signal = controller.signal();
        in_flight.set_value(Some(controller));
        load.set(Load::Loading);
        spawn_local(async move {
            match api::parcels_in(
                [view[0], view[1], view[2], view[3]],
                MAX_PARCEL_LIMIT,
                &signal,
            )
            .await
            {
                Ok((text, collection)) => {
                    map_handle.with_value(|m| {
                        if let Some(m) = m {
                            map::set_parcels(m, &text);
                        }
                    });
                    parcels.set(
                        collection
                            .features
                            .into_iter()
                            .map(|f| (f.properties.pin.clone(), f.properties))
                            .collect(),
                    );
                    load.set(Load::Loaded {
                        shown: collection.number_returned,
                        truncated: collection.truncated,
                    });
                }
                // A newer view replaced this request: nothing to say.
                Err(_) if signal.aborted() => {}
                Err(ApiError::Server { message, .. } | ApiError::Network(message)) => {
                    load.set(Load::Failed(message));
                }
            }
        });
    };

    let choose = move |pin: String| {
        map_handle.with_value(|m| {
            if let Some(m) = m {
                map::select_parcel(m, &pin);
            }
        });
        selected.set(parcels.with_untracked(|p| p.get(&pin).cloned()));
    };

    let map_div = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if map_div.get().is_none() || map_handle.with_value(Option::is_some) {
            return;
        }
        let on_view = Closure::<dyn FnMut(f64, f64, f64, f64, f64)>::new(
            move |w: f64, s: f64, e: f64, n: f64, z: f64| fetch_view([w, s, e, n, z]),
        );
        let on_select = Closure::<dyn FnMut(String)>::new(move |pin: String| choose(pin));
        let handle = map::create_map("map", START.0, START.1, START.2, &on_view, &on_select);
        // The map lives as long as the page, and so do its callbacks.
        on_view.forget();
        on_select.forget();
        map_handle.set_value(Some(handle));
        open_pin_from_url(map_handle, selected);
    });

    let retry = move |_| fetch_view(last_view.get_value());
    let close = move |_| {
        selected.set(None);
        map_handle.with_value(|m| {
            if let Some(m) = m {
                map::select_parcel(m, "");
            }
        });
    };

    view! {
        <div class="app">
            <header>
                <h1>{t(Msg::Title)}</h1>
                <p>{t(Msg::Tagline)}</p>
            </header>
            <main>
                <div id="map" node_ref=map_div role="region" aria-label=t(Msg::MapLabel)></div>
                <div class="overlay status-line" role="status" aria-live="polite">
                    {move || match load.get() {
                        Load::ZoomIn => t(Msg::ZoomIn).into_any(),
                        Load::Loading => t(Msg::Loading).into_any(),
                        Load::Loaded { shown, truncated: false } => {
                            format!("{} {}", format::thousands(shown as i64), t(Msg::ParcelsShown)).into_any()
                        }
                        Load::Loaded { truncated: true, .. } => t(Msg::Truncated).into_any(),
                        Load::Failed(_) => view! {
                            <span>{t(Msg::LoadFailed)}" "</span>
                            <button class="secondary" on:click=retry>{t(Msg::Retry)}</button>
                        }.into_any(),
                    }}
                </div>
                <section class="overlay legend" aria-label=t(Msg::Legend)>
                    <ul>
                        <li><span class="swatch" style="background:#1a9850"></span>{t(Msg::StatusAvailable)}</li>
                        <li><span class="swatch" style="background:#e08214"></span>{t(Msg::StatusPending)}</li>
                        <li><span class="swatch" style="background:#4575b4"></span>{t(Msg::StatusSold)}</li>
                        <li><span class="swatch" style="background:#9e9e9e"></span>{t(Msg::StatusNotForSale)}</li>
                    </ul>
                </section>
                {move || selected.get().map(|p| view! {
                    <aside class="overlay panel" aria-labelledby="panel-title">
                        <h2 id="panel-title">{p.address.clone().unwrap_or_else(|| t(Msg::NoAddress).to_owned())}</h2>
                        <dl>
                            <dt>{t(Msg::Pin)}</dt><dd data-testid="panel-pin">{sidelot_domain::pin::dashed(&p.pin)}</dd>
                            <dt>{t(Msg::Address)}</dt><dd data-testid="panel-address">{p.address.clone().unwrap_or_else(|| t(Msg::NoAddress).to_owned())}</dd>
                            <dt>{t(Msg::Area)}</dt><dd>{format::area(p.area_sqft)}</dd>
                            <dt>{t(Msg::Status)}</dt><dd>{format::status(p.status)}</dd>
                        </dl>
                        <button disabled aria-describedby="qualify-hint">{t(Msg::Qualify)}</button>
                        " "
                        <button class="secondary" on:click=close>{t(Msg::Close)}</button>
                        <p class="hint" id="qualify-hint">{t(Msg::QualifyLater)}</p>
                    </aside>
                })}
            </main>
        </div>
    }
}

/// `/?pin=...` opens that parcel: fly to it and show its panel.
fn open_pin_from_url(
    map_handle: StoredValue<Option<MapHandle>, LocalStorage>,
    selected: RwSignal<Option<ParcelProperties>>,
) {
    let query = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let Some(pin) = format::pin_from_query(&query) else {
        return;
    };
    spawn_local(async move {
        if let Ok(feature) = api::parcel(&pin).await {
            if let Some(bbox) = bbox_of(&feature.geometry) {
                map_handle.with_value(|m| {
                    if let Some(m) = m {
                        map::fit_bounds(m, bbox[0], bbox[1], bbox[2], bbox[3]);
                        map::select_parcel(m, &feature.properties.pin);
                    }
                });
            }
            selected.set(Some(feature.properties));
        }
    });
}

/// The extent of a GeoJSON geometry's coordinates.
fn bbox_of(geometry: &serde_json::Value) -> Option<[f64; 4]> {
    fn walk(v: &serde_json::Value, b: &mut [f64; 4]) {
        match v.as_array() {
            Some(a) if a.len() >= 2 && a[0].is_number() => {
                let (x, y) = (a[0].as_f64().unwrap_or(0.0), a[1].as_f64().unwrap_or(0.0));
                *b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
            }
            Some(a) => a.iter().for_each(|c| walk(c, b)),
            None => {}
        }
    }
    let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    walk(geometry.get("coordinates")?, &mut b);
    (b[0] <= b[2]).then_some(b)
}
