//! The parcels in view, for the list and the count: what to ask for when
//! the map moves, what came back, and what the status line says meanwhile.
//! (The map itself draws the parcels from the vector tiles.)

use leptos::prelude::*;
use leptos::task::spawn_local;
use sidelot_domain::api::{MAX_PARCEL_LIMIT, ParcelProperties};

use crate::api::{self, ApiError};
use crate::url::Camera;
use crate::viewport::{self, Bounds, LightCollection, Loaded};

/// Below this zoom parcels are too small to tell apart: the tiles show the
/// lots with a status only, and none are fetched for the list.
pub const MIN_PARCEL_ZOOM: f64 = 15.0;

#[derive(Debug, Clone, PartialEq)]
pub enum Load {
    ZoomIn,
    Loading,
    Loaded { truncated: bool },
    Failed(String),
}

/// A parcel of the answer, with its extent (to tell whether it is in view).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub props: ParcelProperties,
    pub bounds: Bounds,
}

/// The map's viewport, as last reported.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Current {
    pub bounds: Bounds,
    pub view: Camera,
}

/// The list's parcels and their loading, as signals (it is `Copy`, as they are).
#[derive(Clone, Copy)]
pub struct Parcels {
    pub load: RwSignal<Load>,
    pub rows: RwSignal<Vec<Row>>,
    current: RwSignal<Option<Current>>,
    in_flight: StoredValue<Option<web_sys::AbortController>, LocalStorage>,
    loaded: StoredValue<Option<Loaded>>,
    // The first view's margin while its answer is on its way.
    coming: StoredValue<Option<Bounds>>,
}

impl Parcels {
    /// Follows the viewport in `current`.
    pub fn new(current: RwSignal<Option<Current>>) -> Parcels {
        Parcels {
            // Until the map reports its first view.
            load: RwSignal::new(Load::Loading),
            rows: RwSignal::new(Vec::new()),
            current,
            in_flight: StoredValue::new_local(None),
            loaded: StoredValue::new(None),
            coming: StoredValue::new(None),
        }
    }

    /// Shows the answer for `area` in the list and the count.
    fn apply(self, area: Bounds, collection: LightCollection) {
        self.rows.set(
            collection
                .features
                .into_iter()
                .map(|f| Row {
                    bounds: f.geometry.0.unwrap_or(area),
                    props: f.properties,
                })
                .collect(),
        );
        self.loaded.set_value(Some(Loaded {
            area,
            complete: !collection.truncated,
        }));
        self.load.set(Load::Loaded {
            truncated: collection.truncated,
        });
    }

    pub fn failed(self, e: ApiError) {
        self.load.set(Load::Failed(e.message()))
    }

    fn abort(self) {
        if let Some(previous) = self.in_flight.get_value() {
            previous.abort();
        }
    }

    /// Asks for what the current view needs and is not loaded yet (all of
    /// it, and its margin, when `force`).
    pub fn fetch(self, force: bool) {
        let Some(cur) = self.current.get_untracked() else {
            return;
        };
        if cur.view.zoom < MIN_PARCEL_ZOOM {
            self.abort();
            self.loaded.set_value(None);
            self.coming.set_value(None);
            self.rows.set(Vec::new());
            self.load.set(Load::ZoomIn);
            return;
        }
        // The first margin, still on its way, covers this view: it will
        // be shown when it comes.
        if !force
            && self
                .coming
                .get_value()
                .is_some_and(|c| viewport::contains(c, cur.bounds))
        {
            return;
        }
        let area = if force {
            Some(viewport::padded(cur.bounds))
        } else {
            viewport::to_fetch(self.loaded.get_value(), cur.bounds)
        };
        let Some(area) = area else {
            // What is loaded covers this view: a request still on its way
            // (for a view since left) would only replace it.
            self.abort();
            self.in_flight.set_value(None);
            let complete = self.loaded.get_value().is_some_and(|l| l.complete);
            self.load.set(Load::Loaded {
                truncated: !complete,
            });
            return;
        };
        self.abort();
        self.coming.set_value(None);
        let Ok(controller) = web_sys::AbortController::new() else {
            return;
        };
        let signal = controller.signal();
        self.in_flight.set_value(Some(controller));
        self.load.set(Load::Loading);
        if area == cur.bounds {
            spawn_local(async move {
                match api::public::parcels_in(area, MAX_PARCEL_LIMIT, &signal).await {
                    Ok((_, collection)) => self.apply(area, collection),
                    // A newer view replaced this request: nothing to say.
                    Err(_) if signal.aborted() => {}
                    Err(e) => self.failed(e),
                }
            });
        } else if self.loaded.get_value().is_none() {
            self.first_view(cur.bounds, area, signal);
        } else {
            // The margin may hold more parcels than one answer carries;
            // then the view alone is asked for, so that what is seen is
            // complete.
            let attempts = [area, cur.bounds];
            spawn_local(async move {
                for (i, area) in attempts.iter().copied().enumerate() {
                    match api::public::parcels_in(area, MAX_PARCEL_LIMIT, &signal).await {
                        Ok((_, collection)) if collection.truncated && i + 1 < attempts.len() => {}
                        Ok((_, collection)) => return self.apply(area, collection),
                        // A newer view replaced this request: nothing to say.
                        Err(_) if signal.aborted() => return,
                        Err(e) => return self.failed(e),
                    }
                }
            });
        }
    }

    /// The first view of the page: the view and its margin are asked for at
    /// once, so the parcels in sight are listed as soon as the smaller
    /// answer comes, and the margin (when complete) replaces them so that
    /// small moves cost nothing.
    fn first_view(self, view: Bounds, area: Bounds, signal: web_sys::AbortSignal) {
        self.coming.set_value(Some(area));
        let first = signal.clone();
        spawn_local(async move {
            let margin_shown = || self.loaded.get_value().is_some_and(|l| l.area == area);
            match api::public::parcels_in(view, MAX_PARCEL_LIMIT, &first).await {
                Ok((_, collection)) if !margin_shown() => self.apply(view, collection),
                Ok(_) => {}
                Err(_) if first.aborted() => {}
                Err(e) if self.loaded.get_value().is_none() => self.failed(e),
                Err(_) => {}
            }
        });
        spawn_local(async move {
            let answer = api::public::parcels_in(area, MAX_PARCEL_LIMIT, &signal).await;
            if signal.aborted() {
                return;
            }
            self.coming.set_value(None);
            match answer {
                Ok((_, collection)) if !collection.truncated => self.apply(area, collection),
                // Too many for one answer, or not had: the view's own
                // answer stands, for the view it was asked for.
                _ => {}
            }
            // The view moved while the margin was on its way, beyond what
            // is now shown: ask for the view, as any move would.
            if let Some(c) = self.current.get_untracked()
                && c.bounds != view
                && viewport::to_fetch(self.loaded.get_value(), c.bounds).is_some()
            {
                match api::public::parcels_in(c.bounds, MAX_PARCEL_LIMIT, &signal).await {
                    Ok((_, collection)) => self.apply(c.bounds, collection),
                    Err(_) if signal.aborted() => {}
                    Err(e) => self.failed(e),
                }
            }
        });
    }
}
