//! The map page: the parcel map with its search box, legend, status line and
//! list view, and the panel of the parcel chosen (by a click, from the list
//! or the search, or by `?pin=` in the URL). The URL follows the page, so
//! links can be shared and the back button goes back.

use leptos::prelude::*;
use leptos::task::spawn_local;
use sidelot_domain::api::{ParcelProperties, SearchResult};
use sidelot_domain::pin::dashed;
use wasm_bindgen::prelude::*;

use crate::api::{self, ApiError};
use crate::components::list::ParcelList;
use crate::components::map::{self, MapHandle, OnView};
use crate::components::search::SearchBox;
use crate::format;
use crate::messages::{Msg, t, tf};
use crate::url::{Camera, UrlState};
use crate::viewport::{self, Bounds};

mod panel;
mod parcels;

use panel::Panel;
use parcels::{Current, Load, Parcels};

/// Where the map opens when neither the URL nor the server says: Chicago's
/// West Side.
const START: Camera = Camera {
    lon: -87.765,
    lat: 41.885,
    zoom: 16.0,
};

/// How a parcel is being opened.
#[derive(Debug, Clone, Copy)]
struct Open {
    /// A new history entry (a reader's choice), or not (the back button).
    push: bool,
    /// Move the map to the parcel.
    fit: bool,
    /// Move the keyboard focus into the panel.
    focus: bool,
}

#[component]
pub fn MapPage() -> impl IntoView {
    let current = RwSignal::new(None::<Current>);
    let parcels = Parcels::new(current);
    let (load, rows) = (parcels.load, parcels.rows);
    let fetch = move |force: bool| parcels.fetch(force);
    let failed = move |e: ApiError| parcels.failed(e);
    let selected = RwSignal::new(None::<ParcelProperties>);
    let list_open = RwSignal::new(false);
    let for_sale_only = RwSignal::new(false);
    // With "Lots for sale only": the lots offered in view, at any zoom.
    let for_sale_rows = RwSignal::new(None::<Vec<ParcelProperties>>);
    let lots_in_flight = StoredValue::new_local(None::<web_sys::AbortController>);
    let notice = RwSignal::new(None::<String>);
    let map_handle = StoredValue::new_local(None::<MapHandle>);
    // The parcel the URL names: set at once, while `selected` may wait for
    // the server.
    let url_pin = StoredValue::new(None::<String>);
    // Where the focus was before the panel took it, to give it back.
    let focus_before = StoredValue::new_local(None::<web_sys::HtmlElement>);

    let with_map = move |f: &dyn Fn(&MapHandle)| {
        map_handle.with_value(|m| {
            if let Some(m) = m {
                f(m)
            }
        })
    };

    let write_url = move |push: bool| {
        let state = UrlState {
            pin: url_pin.get_value().map(|p| dashed(&p)),
            view: current.get_untracked().map(|c| c.view),
        };
        let location = window().location();
        let query = state.to_query();
        if push && location.search().ok().as_deref() == Some(query.as_str()) {
            return;
        }
        let url = format!("{}{}", location.pathname().unwrap_or_default(), query);
        if let Ok(history) = window().history() {
            let _ = if push {
                history.push_state_with_url(&JsValue::NULL, "", Some(&url))
            } else {
                history.replace_state_with_url(&JsValue::NULL, "", Some(&url))
            };
        }
    };

    // The lots for sale in view, for the list, while "Lots for sale only" is on.
    let fetch_lots = move || {
        if let Some(previous) = lots_in_flight.get_value() {
            previous.abort();
        }
        let (true, Some(cur)) = (for_sale_only.get_untracked(), current.get_untracked()) else {
            return;
        };
        let Ok(controller) = web_sys::AbortController::new() else {
            return;
        };
        let signal = controller.signal();
        lots_in_flight.set_value(Some(controller));
        spawn_local(async move {
            match api::public::lots_in(cur.bounds, &signal).await {
                Ok(lots) => for_sale_rows.set(Some(lots)),
                Err(_) if signal.aborted() => {}
                Err(e) => failed(e),
            }
        });
    };

    let on_view = move |bounds: Bounds, view: Camera| {
        current.set(Some(Current { bounds, view }));
        write_url(false);
        fetch(false);
        fetch_lots();
    };

    let show = move |props: ParcelProperties, how: Open| {
        with_map(&|m| map::select_parcel(m, &props.pin));
        selected.set(Some(props));
        if how.focus {
            focus_before.set_value(document().active_element().and_then(|e| e.dyn_into().ok()));
            request_animation_frame(|| focus_by_id("panel-title"));
        }
    };

    let open_parcel = move |pin: String, how: Open| {
        notice.set(None);
        url_pin.set_value(Some(pin.clone()));
        if how.push {
            write_url(true);
        }
        let known = rows.with_untracked(|r| {
            r.iter()
                .find(|r| r.props.pin == pin)
                .map(|r| r.props.clone())
        });
        match known {
            Some(props) if !how.fit => show(props, how),
            _ => spawn_local(async move {
                match api::public::parcel(&pin).await {
                    // The reader moved on while this was on its way.
                    _ if url_pin.get_value().as_deref() != Some(pin.as_str()) => {}
                    Ok(feature) => {
                        if let (true, Some(b)) = (how.fit, feature.geometry.0) {
                            with_map(&|m| map::fit_bounds(m, b[0], b[1], b[2], b[3], how.push));
                        }
                        show(feature.properties, how);
                    }
                    Err(e) => {
                        notice.set(Some(tf(Msg::ParcelFailed, &[&dashed(&pin), &e.message()])));
                    }
                }
            }),
        }
    };

    let on_owned = Callback::new(move |owned: Option<String>| {
        with_map(&|m| map::highlight_owned(m, owned.as_deref().unwrap_or_default()));
    });

    let close_panel = move || {
        with_map(&|m| map::highlight_owned(m, ""));
        selected.set(None);
        url_pin.set_value(None);
        with_map(&|m| map::select_parcel(m, ""));
        write_url(true);
        if let Some(el) = focus_before.get_value().filter(|e| e.is_connected()) {
            let _ = el.focus();
        }
        focus_before.set_value(None);
    };

    // The back and forward buttons: show what the URL says, adding no entry.
    let _ = window_event_listener(leptos::ev::popstate, move |_| {
        let state = UrlState::parse(&window().location().search().unwrap_or_default());
        if let Some(v) = state.view {
            with_map(&|m| map::jump_to(m, v.lon, v.lat, v.zoom));
        }
        match state.pin {
            Some(pin) => {
                let how = Open {
                    push: false,
                    fit: state.view.is_none(),
                    focus: false,
                };
                open_parcel(pin, how);
            }
            None => {
                url_pin.set_value(None);
                selected.set(None);
                with_map(&|m| map::select_parcel(m, ""));
            }
        }
    });

    let on_search = Callback::new(move |r: SearchResult| {
        let [w, s, e, n] = r.bbox;
        with_map(&|m| map::fit_bounds(m, w, s, e, n, true));
        let how = Open {
            push: true,
            fit: false,
            focus: true,
        };
        open_parcel(r.pin, how);
    });
    // A search that finds nothing: the parcel of the previous one (and its
    // verdict) goes, the focus stays in the search box.
    let on_search_none = Callback::new(move |()| {
        if url_pin.get_value().is_none() && selected.get_untracked().is_none() {
            return;
        }
        with_map(&|m| map::highlight_owned(m, ""));
        selected.set(None);
        url_pin.set_value(None);
        with_map(&|m| map::select_parcel(m, ""));
        write_url(false);
        focus_before.set_value(None);
    });
    let on_list_open = Callback::new(move |pin: String| {
        let how = Open {
            push: true,
            fit: false,
            focus: true,
        };
        open_parcel(pin, how);
    });

    // The parcels in view (by extent), or None when zoomed out too far.
    let in_view = Memo::new(move |_| {
        if for_sale_only.get() {
            return for_sale_rows.get();
        }
        if load.with(|l| *l == Load::ZoomIn) {
            return None;
        }
        let bounds = current.get()?.bounds;
        Some(rows.with(|r| {
            r.iter()
                .filter(|r| viewport::intersects(r.bounds, bounds))
                .map(|r| r.props.clone())
                .collect::<Vec<_>>()
        }))
    });

    let map_div = NodeRef::<leptos::html::Div>::new();
    let started = StoredValue::new(false);
    Effect::new(move |_| {
        if map_div.get().is_none() || started.get_value() {
            return;
        }
        started.set_value(true);
        spawn_local(async move {
            // Without the configuration the parcels still show, on a plain background.
            let config = api::public::config().await.ok();
            let basemap = config
                .as_ref()
                .and_then(|c| c.basemap.as_ref())
                .and_then(|b| serde_json::to_string(b).ok())
                .unwrap_or_default();
            let initial = UrlState::parse(&window().location().search().unwrap_or_default());
            let start = initial
                .view
                .unwrap_or_else(|| match config.and_then(|c| c.start) {
                    Some([lon, lat]) => Camera { lon, lat, ..START },
                    None => START,
                });
            let report: OnView = Closure::new(
                move |w: f64, s: f64, e: f64, n: f64, zoom: f64, lon: f64, lat: f64| {
                    on_view([w, s, e, n], Camera { lon, lat, zoom })
                },
            );
            let on_select = Closure::<dyn FnMut(String)>::new(move |pin: String| {
                let how = Open {
                    push: true,
                    fit: false,
                    focus: false,
                };
                open_parcel(pin, how);
            });
            let handle = map::create_map(
                "map",
                start.lon,
                start.lat,
                start.zoom,
                &basemap,
                &map::map_words(),
                &report,
                &on_select,
            );
            // The map lives as long as the page, and so do its callbacks.
            report.forget();
            on_select.forget();
            map_handle.set_value(Some(handle));
            if let Some(pin) = initial.pin {
                let how = Open {
                    push: false,
                    fit: initial.view.is_none(),
                    focus: false,
                };
                open_parcel(pin, how);
            }
        });
    });

    view! {
        <div class="app">
            <header>
                <div class="brand">
                    <h1>{t(Msg::Title)}</h1>
                    <p class="tagline">{t(Msg::Tagline)}</p>
                </div>
                <crate::components::header::SiteLinks />
                <SearchBox on_choose=on_search on_none=on_search_none />
                <button
                    class="secondary list-toggle"
                    aria-expanded=move || list_open.get().to_string()
                    aria-controls="parcel-list"
                    on:click=move |_| list_open.update(|o| *o = !*o)
                >
                    {move || if list_open.get() { t(Msg::ListHide) } else { t(Msg::ListShow) }}
                </button>
            </header>
            <main>
                <div id="map" node_ref=map_div role="region" aria-label=t(Msg::MapLabel)></div>
                <div class="overlay status-line" role="status" aria-live="polite">
                    {move || match load.get() {
                        Load::ZoomIn => t(Msg::ZoomIn).into_any(),
                        Load::Loading => t(Msg::Loading).into_any(),
                        Load::Loaded { truncated: false } => {
                            let shown = in_view.with(|v| v.as_ref().map_or(0, Vec::len));
                            format!("{} {}", format::thousands(shown as i64), t(Msg::ParcelsShown)).into_any()
                        }
                        Load::Loaded { truncated: true } => t(Msg::Truncated).into_any(),
                        Load::Failed(_) => view! {
                            <span>{t(Msg::LoadFailed)}" "</span>
                            <button class="secondary" on:click=move |_| fetch(true)>{t(Msg::Retry)}</button>
                        }.into_any(),
                    }}
                </div>
                {move || notice.get().map(|text| view! {
                    <div class="overlay notice" role="alert">
                        <span>{text}" "</span>
                        <button class="secondary" on:click=move |_| notice.set(None)>{t(Msg::Close)}</button>
                    </div>
                })}
                <section class="overlay legend" aria-label=t(Msg::Legend)>
                    <label class="for-sale-toggle">
                        <input
                            type="checkbox"
                            prop:checked=move || for_sale_only.get()
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                for_sale_only.set(on);
                                for_sale_rows.set(None);
                                with_map(&|m| map::only_for_sale(m, on));
                                fetch_lots();
                            }
                        />
                        " "{t(Msg::ForSaleOnly)}
                    </label>
                    <ul>
                        <li><span class="swatch" style="background:#1a9850"></span>{t(Msg::StatusAvailable)}</li>
                        <li><span class="swatch" style="background:#e08214"></span>{t(Msg::StatusPending)}</li>
                        <li><span class="swatch" style="background:#4575b4"></span>{t(Msg::StatusSold)}</li>
                        <li><span class="swatch" style="background:#9e9e9e"></span>{t(Msg::StatusNotForSale)}</li>
                    </ul>
                </section>
                <Show when=move || list_open.get()>
                    <ParcelList
                        in_view=Signal::derive(move || in_view.get())
                        for_sale=Signal::derive(move || for_sale_only.get())
                        on_open=on_list_open
                        on_close=Callback::new(move |()| {
                            list_open.set(false);
                            focus_by_selector(".list-toggle");
                        })
                    />
                </Show>
                {move || selected.get().map(|p| view! {
                    <Panel parcel=p on_owned=on_owned on_close=Callback::new(move |()| close_panel()) />
                })}
            </main>
        </div>
    }
}

fn focus_by_id(id: &str) {
    if let Some(el) = document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

fn focus_by_selector(selector: &str) {
    if let Some(el) = document()
        .query_selector(selector)
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}
