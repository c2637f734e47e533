// The thin layer between the Rust app and MapLibre GL JS (an ES module
// copied into the build under /maplibre). Rust calls these functions; the
// map calls back with the viewport and the parcel chosen. Decisions (what to
// fetch, what the URL says) are made in Rust; this file only draws.
import { Map, setWorkerUrl } from "/maplibre/maplibre-gl.mjs";

setWorkerUrl("/maplibre/maplibre-gl-worker.mjs");

const STATUS_COLOURS = ["match", ["get", "status"],
  "available", "#1a9850", "pending", "#e08214", "sold", "#4575b4", "#9e9e9e"];

// The viewport is reported once the map has stopped moving for this long,
// so that a drag or a fling costs one request, not dozens.
const SETTLE_MS = 150;

const reducedMotion = () => window.matchMedia("(prefers-reduced-motion: reduce)").matches;

/** The style: a plain background, under an optional raster basemap. */
function styleFor(basemap) {
  const background = { id: "background", type: "background", paint: { "background-color": "#f4f1ea" } };
  if (basemap && basemap.kind === "style") return basemap.url;
  if (basemap && basemap.kind === "raster") {
    return {
      version: 8,
      sources: { basemap: { type: "raster", tiles: [basemap.url_template], tileSize: 256,
        attribution: basemap.attribution } },
      layers: [background, { id: "basemap", type: "raster", source: "basemap" }],
    };
  }
  return { version: 8, sources: {}, layers: [background] };
}

export function create_map(container, lon, lat, zoom, basemapJson, onView, onSelect) {
  const basemap = basemapJson ? JSON.parse(basemapJson) : null;
  const map = new Map({
    container,
    center: [lon, lat],
    zoom,
    style: styleFor(basemap),
    customAttribution: basemap && basemap.kind === "style" && basemap.attribution ? basemap.attribution : undefined,
  });
  let hovered = null;
  let settle = null;
  const report = () => {
    const b = map.getBounds();
    const c = map.getCenter();
    onView(b.getWest(), b.getSouth(), b.getEast(), b.getNorth(), map.getZoom(), c.lng, c.lat);
  };
  // The view is known before the style has loaded: report it at once, so
  // that the parcels are asked for while MapLibre starts (set_parcels keeps
  // an answer that comes before the source exists).
  setTimeout(report, 0);
  map.on("load", () => {
    map.addSource("parcels", { type: "geojson", data: { type: "FeatureCollection", features: [] }, promoteId: "pin" });
    map.addLayer({ id: "parcels-fill", type: "fill", source: "parcels", paint: {
      "fill-color": STATUS_COLOURS,
      "fill-opacity": ["case", ["boolean", ["feature-state", "hover"], false], 0.85, 0.55] } });
    map.addLayer({ id: "parcels-line", type: "line", source: "parcels", paint: { "line-color": "#444", "line-width": 0.6 } });
    map.addLayer({ id: "parcels-selected", type: "line", source: "parcels",
      filter: ["==", ["get", "pin"], ""], paint: { "line-color": "#000", "line-width": 3 } });
    map.addLayer({ id: "parcels-owned", type: "line", source: "parcels",
      filter: ["==", ["get", "pin"], ""], paint: { "line-color": "#6a1b9a", "line-width": 3, "line-dasharray": [2, 1] } });
    map.getCanvas().setAttribute("aria-label", "Map of parcels: drag or use the arrow keys to move, + and - to zoom");
    if (map.sidelotPending !== undefined) {
      const early = map.sidelotPending;
      delete map.sidelotPending;
      set_parcels(map, early);
    }
    report();
    map.on("moveend", () => {
      clearTimeout(settle);
      settle = setTimeout(report, SETTLE_MS);
    });
  });
  map.on("click", "parcels-fill", (e) => {
    const f = e.features && e.features[0];
    if (f) onSelect(f.properties.pin);
  });
  map.on("mousemove", "parcels-fill", (e) => {
    const f = e.features && e.features[0];
    if (!f) return;
    if (hovered !== null) map.setFeatureState({ source: "parcels", id: hovered }, { hover: false });
    hovered = f.id;
    map.setFeatureState({ source: "parcels", id: hovered }, { hover: true });
    map.getCanvas().style.cursor = "pointer";
  });
  map.on("mouseleave", "parcels-fill", () => {
    if (hovered !== null) map.setFeatureState({ source: "parcels", id: hovered }, { hover: false });
    hovered = null;
    map.getCanvas().style.cursor = "";
  });
  window.__sidelotMap = map;
  return map;
}

let painted = false;

export function set_parcels(map, geojsonText) {
  const source = map.getSource("parcels");
  if (!source) {
    // Before the map has loaded: drawn on load.
    map.sidelotPending = geojsonText;
    return;
  }
  source.setData(JSON.parse(geojsonText));
  // For the benchmark and the tests: when the first parcels were on screen.
  if (!painted && geojsonText.length > 60) {
    painted = true;
    map.once("idle", () => performance.mark("sidelot:parcels-painted"));
  }
}

export function select_parcel(map, pin) {
  if (map.getLayer("parcels-selected")) map.setFilter("parcels-selected", ["==", ["get", "pin"], pin]);
}

export function highlight_owned(map, pin) {
  if (map.getLayer("parcels-owned")) map.setFilter("parcels-owned", ["==", ["get", "pin"], pin]);
}

/** Shows the area, flying there unless the reader asked for less motion. */
export function fit_bounds(map, west, south, east, north, animate) {
  map.fitBounds([[west, south], [east, north]],
    { maxZoom: 18, padding: 80, duration: animate && !reducedMotion() ? 800 : 0 });
}

export function jump_to(map, lon, lat, zoom) {
  map.jumpTo({ center: [lon, lat], zoom });
}
