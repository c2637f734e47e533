// The thin layer between the Rust app and MapLibre GL JS (an ES module
// copied into the build under /maplibre). Rust calls these functions; the
// map calls back with the viewport and the parcel chosen. Decisions (what to
// fetch, what the URL says) are made in Rust; this file only draws.
import { Map, setWorkerUrl } from "/maplibre/maplibre-gl.mjs";

setWorkerUrl("/maplibre/maplibre-gl-worker.mjs");

const STATUS_COLOURS = ["match", ["get", "status"],
  "available", "#1a9850", "pending", "#e08214", "sold", "#4575b4", "#9e9e9e"];

// The deepest zoom of the tiles' data; deeper, MapLibre enlarges it.
const TILE_MAX_ZOOM = 18;

// The viewport is reported once the map has stopped moving for this long,
// so that a drag or a fling costs one request, not dozens.
const SETTLE_MS = 150;

// The first view is reported when the map is first idle, or after this long.
const FIRST_REPORT_MS = 2000;

const reducedMotion = () => window.matchMedia("(prefers-reduced-motion: reduce)").matches;

/** The style: a plain background, under an optional raster basemap. */
function styleFor(basemap) {
  const background = { id: "background", type: "background", paint: { "background-color": "#f4f1ea" } };
  if (basemap && basemap.kind === "style") return basemap.url;
  // The labels' glyphs come from this server (server/src/glyphs.rs).
  const glyphs = `${location.origin}/fonts/{fontstack}/{range}.pbf`;
  if (basemap && basemap.kind === "raster") {
    return {
      version: 8,
      glyphs,
      sources: { basemap: { type: "raster", tiles: [basemap.url_template], tileSize: 256,
        attribution: basemap.attribution } },
      layers: [background, { id: "basemap", type: "raster", source: "basemap" }],
    };
  }
  return { version: 8, glyphs, sources: {}, layers: [background] };
}

export function create_map(container, lon, lat, zoom, basemapJson, wordsJson, onView, onSelect) {
  const basemap = basemapJson ? JSON.parse(basemapJson) : null;
  // What the map itself says, in the page's language.
  const words = JSON.parse(wordsJson);
  const map = new Map({
    container,
    locale: { "AttributionControl.ToggleAttribution": words.toggle_attribution },
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
  // The first view is reported once its tiles are drawn (or after
  // FIRST_REPORT_MS, if they are slow): the list's parcels are not asked for
  // while the server renders the tiles of the first paint.
  let reported = false;
  const firstReport = () => {
    if (!reported) {
      reported = true;
      report();
    }
  };
  map.on("load", () => {
    // The parcels as vector tiles, at every zoom: the lots with a status
    // (points, then shapes) over a count of the parcels per cell when the
    // whole city is in view, and every parcel from zoom 15.
    map.addSource("parcels", { type: "vector", tiles: [`${location.origin}/tiles/parcels/{z}/{x}/{y}.pbf`],
      minzoom: 0, maxzoom: TILE_MAX_ZOOM, attribution: words.attribution });
    const layer = { source: "parcels", "source-layer": "parcels" };
    const shapes = ["in", ["geometry-type"], ["literal", ["Polygon", "MultiPolygon"]]];
    const points = ["in", ["geometry-type"], ["literal", ["Point", "MultiPoint"]]];
    map.addLayer({ id: "density", type: "fill", source: "parcels", "source-layer": "density", maxzoom: 15,
      paint: { "fill-color": "#7a7a7a",
        "fill-opacity": ["interpolate", ["linear"], ["get", "parcels"], 1, 0.12, 30, 0.4] } });
    map.addLayer({ id: "parcels-fill", type: "fill", ...layer, filter: shapes, paint: {
      "fill-color": STATUS_COLOURS,
      "fill-opacity": ["case", ["boolean", ["feature-state", "hover"], false], 0.9,
        ["==", ["get", "status"], "none"], 0.45, 0.75] } });
    map.addLayer({ id: "parcels-line", type: "line", ...layer, filter: shapes,
      paint: { "line-color": "#444", "line-width": ["interpolate", ["linear"], ["zoom"], 13, 0.3, 17, 0.8] } });
    map.addLayer({ id: "lots-points", type: "circle", ...layer, filter: points, paint: {
      "circle-color": STATUS_COLOURS,
      "circle-radius": ["interpolate", ["linear"], ["zoom"], 9, 3, 12, 6],
      "circle-stroke-color": "#fff", "circle-stroke-width": 1.5 } });
    // Without a basemap the map still reads: house numbers on the parcels
    // and street names along the streets, both from the parcels' addresses.
    // (A basemap given as a whole style brings its own labels.)
    if (!(basemap && basemap.kind === "style")) {
      const text = { "text-font": ["DejaVu Sans"], "text-allow-overlap": false };
      const halo = { "text-color": "#222", "text-halo-color": "rgba(255,255,255,0.9)", "text-halo-width": 1.5 };
      map.addLayer({ id: "street-names", type: "symbol", source: "parcels", "source-layer": "streets", minzoom: 16,
        layout: { ...text, "text-field": ["get", "name"], "symbol-placement": "line", "text-size": 13,
          "symbol-spacing": 350, "text-letter-spacing": 0.04 }, paint: halo });
      map.addLayer({ id: "house-numbers", type: "symbol", source: "parcels", "source-layer": "numbers", minzoom: 17,
        layout: { ...text, "text-field": ["get", "number"], "text-size": 11 },
        paint: { ...halo, "text-color": "#444" } });
    }
    map.addLayer({ id: "parcels-selected", type: "line", ...layer,
      filter: ["==", ["get", "pin"], ""], paint: { "line-color": "#000", "line-width": 3 } });
    map.addLayer({ id: "parcels-owned", type: "line", ...layer,
      filter: ["==", ["get", "pin"], ""], paint: { "line-color": "#6a1b9a", "line-width": 3, "line-dasharray": [2, 1] } });
    map.getCanvas().setAttribute("aria-label", words.label);
    // For the benchmark and the tests: when the first parcels were on screen.
    map.once("idle", () => {
      performance.mark("sidelot:parcels-painted");
      firstReport();
    });
    setTimeout(firstReport, FIRST_REPORT_MS);
    map.on("moveend", () => {
      reported = true;
      clearTimeout(settle);
      settle = setTimeout(report, SETTLE_MS);
    });
  });
  for (const clickable of ["parcels-fill", "lots-points"]) {
    map.on("click", clickable, (e) => {
      const f = e.features && e.features[0];
      if (f) onSelect(f.properties.pin);
    });
    map.on("mousemove", clickable, (e) => {
      const f = e.features && e.features[0];
      if (!f || f.id === undefined) return;
      if (hovered !== null) map.setFeatureState({ source: "parcels", sourceLayer: "parcels", id: hovered }, { hover: false });
      hovered = f.id;
      map.setFeatureState({ source: "parcels", sourceLayer: "parcels", id: hovered }, { hover: true });
      map.getCanvas().style.cursor = "pointer";
    });
    map.on("mouseleave", clickable, () => {
      if (hovered !== null) map.setFeatureState({ source: "parcels", sourceLayer: "parcels", id: hovered }, { hover: false });
      hovered = null;
      map.getCanvas().style.cursor = "";
    });
  }
  window.__sidelotMap = map;
  return map;
}

export function select_parcel(map, pin) {
  if (map.getLayer("parcels-selected")) map.setFilter("parcels-selected", ["==", ["get", "pin"], pin]);
}

/** Shows only the lots for sale (and dims the rest), or everything. */
export function only_for_sale(map, on) {
  const dim = on ? ["!=", ["get", "status"], "available"] : false;
  for (const id of ["parcels-fill", "lots-points"]) {
    if (!map.getLayer(id)) continue;
    const opacity = id === "parcels-fill" ? "fill-opacity" : "circle-opacity";
    const normal = id === "parcels-fill"
      ? ["case", ["boolean", ["feature-state", "hover"], false], 0.9, ["==", ["get", "status"], "none"], 0.45, 0.75]
      : 1;
    map.setPaintProperty(id, opacity, on ? ["case", dim, 0.12, normal] : normal);
  }
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
