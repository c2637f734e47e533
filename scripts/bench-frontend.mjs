// Frontend benchmark: what a visitor downloads, and how long from navigation
// until the first parcels are painted for a viewport of about 5,000 parcels,
// in headless Chromium (Debian's) on this machine. Beside it, the same
// parcels drawn by a plain MapLibre page (no app: one fetch, one layer), the
// page a developer would otherwise write.
//
// Usage: DATABASE_URL=... node scripts/bench-frontend.mjs   (make bench-frontend
// sets it up: the release binary, the built app in dist/, a test cluster).
import { spawn, execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";

const root = path.resolve(import.meta.dirname, "..");
const bin = path.join(root, "target/release/sidelot");
const dist = path.join(root, "dist");
const data = path.join(root, "target/bench-data");
const PARCELS = 100000;
const TARGET_IN_VIEW = 5000;
const RUNS = 5;
const VIEWPORT = { width: 1280, height: 800 };

const url = process.env.DATABASE_URL;
if (!url) throw new Error("set DATABASE_URL (make bench-frontend does)");
for (const need of [bin, path.join(dist, "index.html")]) {
  if (!existsSync(need)) throw new Error(`bench: ${need} is missing: run make bench-frontend`);
}
// What visitors get is the release build (scripts/frontend.sh dist release).
const mode = path.join(dist, ".build-mode");
if (existsSync(mode) && readFileSync(mode, "utf8").trim() !== "release") {
  throw new Error(`bench: dist/ is a ${readFileSync(mode, "utf8").trim()} build: run make bench-frontend (FRONTEND_MODE=release)`);
}

const [base, query = ""] = url.split("?");
const server = base.slice(0, base.lastIndexOf("/"));
const q = query ? `?${query}` : "";
const benchUrl = `${server}/sidelot_bench_frontend${q}`;
const psql = (db, sql) => execFileSync("psql", [db, "-qtAc", sql], { encoding: "utf8", env: { ...process.env, PGOPTIONS: "-c client_min_messages=warning" } }).trim();

// 1. A generated city in a fresh database.
mkdirSync(data, { recursive: true });
const shp = path.join(data, `generated_${PARCELS}.shp`);
if (!existsSync(shp)) execFileSync(bin, ["sample", "--parcels", String(PARCELS), "--out", data, "--name", `generated_${PARCELS}`], { stdio: "inherit" });
psql(`${server}/postgres${q}`, "drop database if exists sidelot_bench_frontend");
psql(`${server}/postgres${q}`, "create database sidelot_bench_frontend");
execFileSync(bin, ["--database-url", benchUrl, "import", "parcels", shp, "--prepare-tiles"], { stdio: ["ignore", "ignore", "inherit"] });

// 2. The app, and beside it a plain MapLibre page, served by sidelot.
const site = path.join(data, "site");
rmSync(site, { recursive: true, force: true });
cpSync(dist, site, { recursive: true });
writeFileSync(path.join(site, "plain.html"), `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>plain MapLibre</title>
<link rel="stylesheet" href="/maplibre/maplibre-gl.css">
<style>html,body,#map{margin:0;height:100%}</style></head>
<body><div id="map"></div><script type="module">
import { Map, setWorkerUrl } from "/maplibre/maplibre-gl.mjs";
setWorkerUrl("/maplibre/maplibre-gl-worker.mjs");
const [z, lat, lon] = new URLSearchParams(location.search).get("map").split("/").map(Number);
const map = new Map({ container: "map", center: [lon, lat], zoom: z,
  style: { version: 8, sources: {}, layers: [{ id: "bg", type: "background", paint: { "background-color": "#f4f1ea" } }] } });
map.on("load", async () => {
  const b = map.getBounds();
  const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((x) => x.toFixed(6)).join(",");
  const data = await (await fetch("/api/parcels?limit=10000&bbox=" + bbox)).json();
  map.addSource("parcels", { type: "geojson", data });
  map.addLayer({ id: "fill", type: "fill", source: "parcels", paint: { "fill-color": "#9e9e9e", "fill-opacity": 0.55 } });
  map.addLayer({ id: "line", type: "line", source: "parcels", paint: { "line-color": "#444", "line-width": 0.6 } });
  map.once("idle", () => performance.mark("sidelot:parcels-painted"));
});
</script></body></html>`);
const port = await new Promise((resolve) => {
  const s = createServer();
  s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
});
const origin = `http://127.0.0.1:${port}`;
const serve = spawn(bin, ["--database-url", benchUrl, "serve", "--bind", `127.0.0.1:${port}`, "--static-dir", site],
  { stdio: ["ignore", "pipe", "inherit"] });
await new Promise((resolve, reject) => {
  serve.stdout.on("data", (d) => { if (String(d).includes("serving on")) resolve(); });
  serve.on("exit", (code) => reject(new Error(`sidelot serve exited with ${code}`)));
});

try {
  // 3. A view holding about 5,000 parcels: the centre of the city, at the
  // zoom (in quarter steps) whose 1280x800 viewport comes closest.
  const [lon, lat] = psql(benchUrl, "select ST_X(c) || ' ' || ST_Y(c) from (select ST_Centroid(ST_Extent(geom)) c from parcels) x").split(" ").map(Number);
  const merc = (la) => Math.log(Math.tan(Math.PI / 4 + (la * Math.PI) / 360));
  const unmerc = (y) => (360 / Math.PI) * Math.atan(Math.exp(y)) - 90;
  const bboxAt = (z) => {
    const world = 512 * 2 ** z; // MapLibre's tiles are 512 px
    const dx = (VIEWPORT.width / 2 / world) * 360;
    const dy = (VIEWPORT.height / 2 / world) * 2 * Math.PI;
    return [lon - dx, unmerc(merc(lat) - dy), lon + dx, unmerc(merc(lat) + dy)];
  };
  const countAt = async (z) => (await (await fetch(`${origin}/api/parcels?limit=10000&bbox=${bboxAt(z).map((x) => x.toFixed(6)).join(",")}`)).json()).numberMatched;
  let best = null;
  for (let z = 15; z <= 18; z += 0.25) {
    const n = await countAt(z);
    if (!best || Math.abs(n - TARGET_IN_VIEW) < Math.abs(best.n - TARGET_IN_VIEW)) best = { z, n };
  }
  const view = `${best.z}/${lat.toFixed(5)}/${lon.toFixed(5)}`;

  // 4. Sizes: what the map's app (the files at the top of dist/; the other
  // apps are in its folders) weighs on disk, gzipped (-9), and what the
  // browser was sent (sidelot compresses its answers).
  const gz = (f) => gzipSync(readFileSync(f), { level: 9 }).length;
  const files = readdirSync(dist).filter((f) => /\.(wasm|js|css)$/.test(f)).map((f) => path.join(dist, f));
  const own = files.reduce((a, f) => ({ raw: a.raw + statSync(f).size, gz: a.gz + gz(f) }), { raw: 0, gz: 0 });
  const maplibre = ["maplibre-gl.mjs", "maplibre-gl-worker.mjs", "maplibre-gl.css"].map((f) => path.join(dist, "maplibre", f))
    .reduce((a, f) => ({ raw: a.raw + statSync(f).size, gz: a.gz + gz(f) }), { raw: 0, gz: 0 });

  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update"],
  });
  const measure = async (page, at = view) => {
    const context = await browser.newContext({ viewport: VIEWPORT }); // a cold cache each run
    const tab = await context.newPage();
    await tab.goto(`${origin}/${page}?map=${at}`);
    await tab.waitForFunction(() => performance.getEntriesByName("sidelot:parcels-painted").length > 0, null, { timeout: 60000 });
    const result = await tab.evaluate(() => ({
      painted: performance.getEntriesByName("sidelot:parcels-painted")[0].startTime,
      transferred: performance.getEntriesByType("resource").concat(performance.getEntriesByType("navigation"))
        // The data (the API's answers, the tiles and the labels' glyphs) apart.
        .filter((r) => !/\/(api|tiles|fonts)\//.test(r.name))
        .reduce((a, r) => a + r.transferSize, 0),
    }));
    await context.close();
    return result;
  };
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const runs = {};
  for (const page of ["", "plain.html"]) {
    runs[page] = [];
    await measure(page); // warm the server and the OS caches once
    for (let i = 0; i < RUNS; i++) runs[page].push(await measure(page));
  }
  // The whole city (zoom 11): the map alone, since a plain page's GeoJSON
  // cannot hold a city's parcels.
  const cityView = `11/${lat.toFixed(5)}/${lon.toFixed(5)}`;
  await measure("", cityView);
  const city = [];
  for (let i = 0; i < RUNS; i++) city.push(await measure("", cityView));
  await browser.close();

  const kb = (n) => `${(n / 1024).toFixed(0)} KiB`;
  console.log(`\nfrontend benchmark: ${PARCELS.toLocaleString("en-US")} generated parcels, view ${view} (${VIEWPORT.width}x${VIEWPORT.height}) holding ${best.n.toLocaleString("en-US")} parcels`);
  console.log(`\n${"download".padEnd(40)} ${"bytes".padStart(10)} ${"gzip -9".padStart(10)}`);
  console.log(`${"sidelot app (wasm + js + css)".padEnd(40)} ${String(own.raw).padStart(10)} ${String(own.gz).padStart(10)}`);
  console.log(`${"MapLibre GL JS (module + worker + css)".padEnd(40)} ${String(maplibre.raw).padStart(10)} ${String(maplibre.gz).padStart(10)}`);
  console.log(`\n${"page".padEnd(40)} ${"first parcels painted".padStart(24)} ${"sent (excl. API)".padStart(18)}`);
  for (const [page, label] of [["", "sidelot map"], ["plain.html", "plain MapLibre page, same parcels"]]) {
    const times = runs[page].map((r) => r.painted);
    console.log(`${label.padEnd(40)} ${(median(times).toFixed(0) + " ms").padStart(24)} ${kb(median(runs[page].map((r) => r.transferred))).padStart(18)}`
      + `   (${RUNS} runs, cold cache: ${times.map((t) => t.toFixed(0)).join(", ")} ms)`);
  }
  const cityTimes = city.map((r) => r.painted);
  console.log(`${`sidelot map, the whole city (${cityView})`.padEnd(40)} ${(median(cityTimes).toFixed(0) + " ms").padStart(24)} ${kb(median(city.map((r) => r.transferred))).padStart(18)}`
    + `   (${RUNS} runs, cold cache: ${cityTimes.map((t) => t.toFixed(0)).join(", ")} ms)`);
} finally {
  serve.kill("SIGTERM");
}
