// The review page's map: the lot and the applicant's property over their
// neighbours, drawn from the same vector tiles as the public map. MapLibre
// is loaded only when a review page asks for it. This file only draws.

const TILE_MAX_ZOOM = 18;

/** Every [lon, lat] of a GeoJSON geometry. */
function points(geometry) {
  if (!geometry) return [];
  if (geometry.type === "GeometryCollection") return geometry.geometries.flatMap(points);
  const walk = (c) => (typeof c[0] === "number" ? [c] : c.flatMap(walk));
  return walk(geometry.coordinates || []);
}

/**
 * Draws the map in the element `el`: `shapesJson` is the lot and the
 * owned parcel (a GeometryCollection, lot first). Resolves to true once the
 * map is drawn, false when this browser cannot draw one (no WebGL).
 */
export async function review_map(el, shapesJson, label) {
  const shapes = JSON.parse(shapesJson);
  const pts = points(shapes);
  if (pts.length === 0) return false;
  const west = Math.min(...pts.map((p) => p[0])), east = Math.max(...pts.map((p) => p[0]));
  const south = Math.min(...pts.map((p) => p[1])), north = Math.max(...pts.map((p) => p[1]));
  let maplibre;
  try {
    maplibre = await import("/maplibre/maplibre-gl.mjs");
    maplibre.setWorkerUrl("/maplibre/maplibre-gl-worker.mjs");
  } catch (e) {
    return false;
  }
  const [lot, owned] = shapes.type === "GeometryCollection" ? shapes.geometries : [shapes, null];
  const feature = (geometry, role) => ({ type: "Feature", properties: { role }, geometry });
  // The page may have moved on while MapLibre was loading.
  if (!el.isConnected) return true;
  // One map per element: a page drawn again replaces its map.
  if (el.__sidelotReviewMap) el.__sidelotReviewMap.remove();
  let map;
  try {
    map = new maplibre.Map({
      container: el,
      bounds: [[west, south], [east, north]],
      fitBoundsOptions: { padding: 60, maxZoom: 19 },
      scrollZoom: false,
      attributionControl: false,
      style: { version: 8, glyphs: `${location.origin}/fonts/{fontstack}/{range}.pbf`, sources: {}, layers: [{ id: "background", type: "background", paint: { "background-color": "#f4f1ea" } }] },
    });
  } catch (e) {
    return false;
  }
  el.__sidelotReviewMap = map;
  map.addControl(new maplibre.NavigationControl({ showCompass: false }));
  await new Promise((resolve) => map.on("load", resolve));
  map.addSource("parcels", { type: "vector", tiles: [`${location.origin}/tiles/parcels/{z}/{x}/{y}.pbf`],
    minzoom: 0, maxzoom: TILE_MAX_ZOOM });
  map.addSource("review", { type: "geojson", data: { type: "FeatureCollection",
    features: [feature(lot, "lot"), ...(owned ? [feature(owned, "owned")] : [])] } });
  const shapesOnly = ["in", ["geometry-type"], ["literal", ["Polygon", "MultiPolygon"]]];
  map.addLayer({ id: "neighbours", type: "fill", source: "parcels", "source-layer": "parcels", filter: shapesOnly,
    paint: { "fill-color": "#d9d4c7", "fill-opacity": 0.6 } });
  map.addLayer({ id: "neighbours-line", type: "line", source: "parcels", "source-layer": "parcels", filter: shapesOnly,
    paint: { "line-color": "#777", "line-width": 0.6 } });
  map.addLayer({ id: "house-numbers", type: "symbol", source: "parcels", "source-layer": "numbers", minzoom: 17,
    layout: { "text-field": ["get", "number"], "text-font": ["DejaVu Sans"], "text-size": 11 },
    paint: { "text-color": "#444", "text-halo-color": "rgba(255,255,255,0.9)", "text-halo-width": 1.5 } });
  map.addLayer({ id: "review-lot", type: "fill", source: "review", filter: ["==", ["get", "role"], "lot"],
    paint: { "fill-color": "#1a9850", "fill-opacity": 0.75 } });
  map.addLayer({ id: "review-owned", type: "line", source: "review", filter: ["==", ["get", "role"], "owned"],
    paint: { "line-color": "#2166ac", "line-width": 3 } });
  map.getCanvas().setAttribute("aria-label", label);
  map.getCanvas().setAttribute("role", "img");
  await new Promise((resolve) => map.once("idle", resolve));
  window.__sidelotReviewMap = map;
  performance.mark("sidelot:review-map-painted");
  return true;
}
