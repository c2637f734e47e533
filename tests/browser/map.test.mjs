// End-to-end tests of the map in headless Chromium (Debian's), against the
// real `sidelot serve` on a real PostGIS loaded with the Austin parcels from
// ../shared/gis (or, when that folder is absent, the generated sample).
//
// Run by `make test-browser` (part of `make test`), which sets SIDELOT_BIN,
// DATABASE_URL (a fresh database) and SIDELOT_DIST.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { chromium } from "playwright-core";

const root = path.resolve(import.meta.dirname, "../..");
const bin = process.env.SIDELOT_BIN ?? path.join(root, "target/release/sidelot");
const dist = process.env.SIDELOT_DIST ?? path.join(root, "dist");
const databaseUrl = process.env.DATABASE_URL;
const shots = path.join(root, "target/screenshots");
const austin = path.join(root, "../shared/gis/chicago-austin/austin_lots_3435.shp");

let server, browser, base;

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

before(async () => {
  assert.ok(databaseUrl, "DATABASE_URL must name a fresh database");
  mkdirSync(shots, { recursive: true });
  const [file, args] = existsSync(austin)
    ? [austin, ["--pin-field", "DISPLAY_PI"]]
    : [path.join(root, "gis-data/sample/sidelot_sample.shp"), []];
  if (!existsSync(austin)) console.error("*** ../shared/gis is absent: the browser tests use the generated sample ***");
  execFileSync(bin, ["--database-url", databaseUrl, "import", "parcels", file, ...args], { stdio: "inherit" });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(bin, ["--database-url", databaseUrl, "serve", "--bind", `127.0.0.1:${port}`, "--static-dir", dist],
    { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise((resolve, reject) => {
    server.stdout.on("data", (d) => { if (String(d).includes("serving on")) resolve(); });
    server.on("exit", (code) => reject(new Error(`sidelot serve exited with ${code}`)));
  });
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  server?.kill("SIGTERM");
});

/** A page on `url`, collecting console errors, with the parcels loaded. */
async function open(url, viewport = { width: 1280, height: 800 }) {
  const page = await browser.newPage({ viewport });
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(base + url);
  await page.waitForFunction(() => /parcels shown|zoom in to see them all/i.test(
    document.querySelector("[role=status]")?.textContent ?? ""), null, { timeout: 30000 });
  // Let MapLibre draw what it was given.
  await page.waitForFunction(() => window.__sidelotMap?.loaded(), null, { timeout: 30000 });
  return { page, errors };
}

async function api(p) {
  const r = await fetch(base + p);
  return r.json();
}

test("the map loads without console errors and draws what the API returns for the viewport", async () => {
  const { page, errors } = await open("/");
  await page.screenshot({ path: path.join(shots, "map-desktop.png") });
  const { bounds, drawn } = await page.evaluate(() => {
    const m = window.__sidelotMap, b = m.getBounds();
    const pins = new Set(m.querySourceFeatures("parcels").map((f) => f.properties.pin));
    return { bounds: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], drawn: pins.size };
  });
  const fc = await api(`/api/parcels?bbox=${bounds.map((x) => x.toFixed(6)).join(",")}&limit=10000`);
  assert.ok(fc.numberReturned > 50, `expected many parcels in view, got ${fc.numberReturned}`);
  assert.equal(drawn, fc.numberReturned);
  const status = await page.textContent("[role=status]");
  assert.match(status, new RegExp(`${fc.numberReturned.toLocaleString("en-US")} parcels shown`));
  assert.deepEqual(errors, []);
  await page.close();
});

test("clicking a parcel opens its panel with its PIN and address", async () => {
  const { page } = await open("/");
  const target = await page.evaluate(() => {
    const m = window.__sidelotMap;
    const f = m.queryRenderedFeatures({ layers: ["parcels-fill"] })
      .find((f) => f.properties.address);
    const ring = f.geometry.type === "MultiPolygon" ? f.geometry.coordinates[0][0] : f.geometry.coordinates[0];
    const lon = ring.slice(0, -1).reduce((a, c) => a + c[0], 0) / (ring.length - 1);
    const lat = ring.slice(0, -1).reduce((a, c) => a + c[1], 0) / (ring.length - 1);
    const p = m.project([lon, lat]);
    const r = m.getCanvas().getBoundingClientRect();
    return { pin: f.properties.pin, address: f.properties.address, x: r.left + p.x, y: r.top + p.y };
  });
  await page.mouse.click(target.x, target.y);
  await page.waitForSelector("[data-testid=panel-pin]");
  assert.equal((await page.textContent("[data-testid=panel-pin]")).replaceAll("-", ""), target.pin);
  assert.equal(await page.textContent("[data-testid=panel-address]"), target.address);
  await page.screenshot({ path: path.join(shots, "panel-after-click.png") });
  await page.close();
});

test("/?pin= opens the parcel, dashed or plain", async () => {
  const found = await api("/api/search?q=van%20buren&limit=1");
  const { pin, address } = found.results[0];
  const dashed = `${pin.slice(0, 2)}-${pin.slice(2, 4)}-${pin.slice(4, 7)}-${pin.slice(7, 10)}-${pin.slice(10)}`;
  for (const spelled of [pin, dashed]) {
    const { page, errors } = await open(`/?pin=${spelled}`);
    await page.waitForSelector("[data-testid=panel-pin]");
    assert.equal(await page.textContent("[data-testid=panel-pin]"), dashed);
    assert.equal(await page.textContent("[data-testid=panel-address]"), address);
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test("at 360 px wide the panel becomes a bottom sheet", async () => {
  const found = await api("/api/search?q=van%20buren&limit=1");
  const { page } = await open(`/?pin=${found.results[0].pin}`, { width: 360, height: 740 });
  await page.waitForSelector("[data-testid=panel-pin]");
  const box = await page.locator("aside.panel").boundingBox();
  assert.ok(box.width <= 360 && box.width > 340, `panel width ${box.width}`);
  assert.ok(Math.abs(box.y + box.height - 740) < 2, "the panel sits on the bottom edge");
  await page.screenshot({ path: path.join(shots, "map-360.png") });
  await page.close();
});

test("axe finds no serious or critical accessibility violations", async () => {
  const found = await api("/api/search?q=van%20buren&limit=1");
  const { page } = await open(`/?pin=${found.results[0].pin}`);
  await page.waitForSelector("[data-testid=panel-pin]");
  await page.addScriptTag({ content: readFileSync(path.join(root, "node_modules/axe-core/axe.min.js"), "utf8") });
  const violations = await page.evaluate(async () => (await window.axe.run()).violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.length})`));
  assert.deepEqual(violations, []);
  await page.close();
});
