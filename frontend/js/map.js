// The thin layer between the Rust app and MapLibre GL JS (an ES module
// copied into the build under /maplibre). Rust calls these functions; the
// map calls back with the viewport and the parcel chosen.
import { Map, setWorkerUrl } from "/maplibre/maplibre-gl.mjs";

setWorkerUrl("/maplibre/maplibre-gl-worker.mjs");

const STATUS_COLOURS = ["match", ["get", "status"],
  "available", "#1a9850", "pending", "#e08214", "sold", "#4575b4", "#9e9e9e"];

export function create_map(container, lon, lat, zoom, onView, onSelect) {
  const map = new Map({
    container,
    center: [lon, lat],
    zoom,
    style: { version: 8, sources: {}, layers: [
      { id: "background", type: "background", paint: { "background-color": "#f4f1ea" } }] },
  });
  let hovered = null;
  const report = () => {
    const b = map.getBounds();
    onView(b.getWest(), b.getSouth(), b.getEast(), b.getNorth(), map.getZoom());
  };
  map.on("load", () => {
    map.addSource("parcels", { type: "geojson", data: { type: "FeatureCollection", features: [] }, promoteId: "pin" });
    map.addLayer({ id: "parcels-fill", type: "fill", source: "parcels", paint: {
      "fill-color": STATUS_COLOURS,
      "fill-opacity": ["case", ["boolean", ["feature-state", "hover"], false], 0.85, 0.55] } });
    map.addLayer({ id: "parcels-line", type: "line", source: "parcels", paint: { "line-color": "#444", "line-width": 0.6 } });
    map.addLayer({ id: "parcels-selected", type: "line", source: "parcels",
      filter: ["==", ["get", "pin"], ""], paint: { "line-color": "#000", "line-width": 3 } });
    report();
  });
  map.on("moveend", report);
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

export function set_parcels(map, geojsonText) {
  const source = map.getSource("parcels");
  if (source) source.setData(JSON.parse(geojsonText));
}

export function select_parcel(map, pin) {
  if (map.getLayer("parcels-selected")) map.setFilter("parcels-selected", ["==", ["get", "pin"], pin]);
}

export function fit_bounds(map, west, south, east, north) {
  map.fitBounds([[west, south], [east, north]], { maxZoom: 18, padding: 80, duration: 0 });
}
