// End-to-end tests of the map in headless Chromium (Debian's), against the
// real `sidelot serve` on a real PostGIS loaded with the Austin parcels from
// ../shared/gis (or, when that folder is absent, the generated sample).
//
// Run by `make test-browser` (part of `make test`), which sets SIDELOT_BIN,
// DATABASE_URL (a fresh database) and SIDELOT_DIST.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { createServer } from "node:net";
import http from "node:http";
import { deflateSync } from "node:zlib";
import path from "node:path";
import { chromium } from "playwright-core";

const root = path.resolve(import.meta.dirname, "../..");
const bin = process.env.SIDELOT_BIN ?? path.join(root, "target/release/sidelot");
const dist = process.env.SIDELOT_DIST ?? path.join(root, "dist");
const databaseUrl = process.env.DATABASE_URL;
const shots = path.join(root, "target/screenshots");
const austin = path.join(root, "../shared/gis/chicago-austin/austin_lots_3435.shp");

let server, browser, base;
// Documents and written mail of the servers these tests start.
const dataDir = mkdtempSync(path.join(os.tmpdir(), "sidelot-data-"));

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** One column of a query's rows, one per line. */
function sql(query) {
  return execFileSync("psql", [databaseUrl, "-qAtc", query], { encoding: "utf8" }).trim();
}

/** Starts `sidelot serve` with `extra` arguments on a free port. */
async function serve(extra = []) {
  const port = await freePort();
  const child = spawn(bin, ["--database-url", databaseUrl, "serve", "--bind", `127.0.0.1:${port}`, "--static-dir", dist,
    "--data-dir", dataDir, "--public-url", `http://127.0.0.1:${port}`, ...extra],
    { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise((resolve, reject) => {
    child.stdout.on("data", (d) => { if (String(d).includes("serving on")) resolve(); });
    child.on("exit", (code) => reject(new Error(`sidelot serve exited with ${code}`)));
  });
  return { server: child, base: `http://127.0.0.1:${port}` };
}

before(async () => {
  assert.ok(databaseUrl, "DATABASE_URL must name a fresh database");
  mkdirSync(shots, { recursive: true });
  const [file, args] = existsSync(austin)
    ? [austin, ["--pin-field", "DISPLAY_PI"]]
    : [path.join(root, "gis-data/sample/sidelot_sample.shp"), []];
  if (!existsSync(austin)) console.error("*** ../shared/gis is absent: the browser tests use the generated sample ***");
  // --prepare-tiles: the first paints find the tiles stored, as they are
  // once a server has prepared them in the background.
  execFileSync(bin, ["--database-url", databaseUrl, "import", "parcels", file, ...args, "--prepare-tiles"], { stdio: "inherit" });
  // An open round offering the city-owned lots (the 248 of 2016 in Austin).
  const tmp = mkdtempSync(path.join(os.tmpdir(), "sidelot-round-"));
  writeFileSync(path.join(tmp, "round.toml"), 'slug = "test-round"\nname = "Test round"\n'
    + 'opens = "2020-01-01T09:00"\ncloses = "2099-12-31T17:00"\ntime_zone = "America/Chicago"\n');
  execFileSync(bin, ["--database-url", databaseUrl, "round", "create", path.join(tmp, "round.toml")], { stdio: "inherit" });
  const lots = sql("select pin from parcels where source->>'CITY_OWNED' in ('T', 'true') "
    + "and coalesce(source->>'ELIGABLE', 'T') in ('T', 'true') order by pin");
  writeFileSync(path.join(tmp, "lots.csv"), `pin\n${lots}\n`);
  execFileSync(bin, ["--database-url", databaseUrl, "import", "lots", "--round", "test-round", path.join(tmp, "lots.csv")], { stdio: "inherit" });
  // The lottery test commits to a real quicknet round published in 2023
  // (whose beacon exists), as if it were still to come: the lottery's clock
  // starts ten minutes before quicknet's first round.
  ({ server, base } = await serve(["--lottery-now", "2023-08-23T14:59:27Z"]));
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

/** The first `.eml` the outbox worker wrote that `matches`, waited for up
 * to 10 s; null when none came. */
async function emailWhere(matches) {
  for (let i = 0; i < 50; i++) {
    const dir = path.join(dataDir, "mail");
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".eml")) : [];
    const found = files.map((f) => readFileSync(path.join(dir, f), "utf8")).find(matches);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 200));
  }
  return null;
}

/** A page on `url`, collecting console errors, with the parcels loaded. */
test("a neighbour asks from the panel to be told when lots open near their property, confirms by the email's link, and one link stops it, at 1280 and 360 px", async () => {
  // A property that is not for sale (in Austin's file only the city's lots
  // have addresses).
  const pin = sql(`select pin from parcels p
                    where not exists (select 1 from round_lots l where l.pin = p.pin)
                     and not exists (select 1 from applications a where a.owned_pin = p.pin)
                   order by pin desc limit 1`);
  for (const [width, height] of [[1280, 800], [360, 740]]) {
    const { page, errors } = await open(`/?pin=${pin}`, { width, height });
    await page.waitForSelector("[data-testid=panel-pin]", { timeout: 10000 }).catch(async (e) => {
      throw new Error(`${e}\npin ${JSON.stringify(pin)}; page: ${await page.textContent("body")}; errors: ${errors}`);
    });
    await page.getByText("Tell me when lots open near this property").click();
    await page.fill("#subscribe-email", "not an address");
    await page.getByRole("button", { name: "Tell me" }).click();
    await page.waitForFunction(() => /not an email address/.test(document.querySelector("#subscribe-email-error").textContent));
    await page.fill("#subscribe-email", `near-${width}@example.org`);
    await page.getByRole("button", { name: "Tell me" }).click();
    await page.waitForFunction(() => /Check your email/.test(document.querySelector("[data-testid=subscribe-answer]").textContent));
    assert.deepEqual(await overflowing(page, ".panel, .panel form, .panel input, .panel button"), []);
    assert.deepEqual(await axeViolations(page), [], `the panel's form at ${width} px`);
    await page.screenshot({ path: path.join(shots, `subscribe-${width}.png`) });
    // (The refused address is a 400, which Chromium logs as a failed load.)
    assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
    await page.close();
  }
  // The email's two links, each opened as a person would.
  const eml = await emailWhere((m) => m.includes("near-360@example.org") && m.includes("Confirm: tell me when lots open near"));
  assert.ok(eml, "the confirmation was emailed");
  const unfolded = eml.replaceAll("=\r\n", "").replaceAll("=3D", "=");
  const confirm = unfolded.match(/http:\/\/127\.0\.0\.1:\d+\/subscriptions\/confirm\/[0-9a-f]{64}/)[0];
  const stop = unfolded.match(/http:\/\/127\.0\.0\.1:\d+\/subscriptions\/stop\/[0-9a-f]{64}/)[0];
  const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
  await page.goto(confirm);
  await page.waitForSelector("[data-testid=subscription-done]");
  assert.match(await page.textContent("main"), /you will get an email when a round opens/);
  assert.deepEqual(await axeViolations(page), [], "the confirmation page");
  await page.goto(stop);
  await page.waitForSelector("[data-testid=subscription-done]");
  assert.match(await page.textContent("main"), /we deleted your email address/);
  await page.screenshot({ path: path.join(shots, "subscription-stopped-360.png") });
  await page.goto(stop);
  await page.waitForFunction(() => /This link is not known/.test(document.querySelector("main h1")?.textContent ?? ""));
  await page.close();
  assert.equal(sql(`select count(*) from subscriptions where email = 'near-360@example.org'`), "0");
});

async function open(url, viewport = { width: 1280, height: 800 }) {
  const page = await browser.newPage({ viewport });
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(base + url);
  await page.waitForFunction(() => /parcels shown|zoom in to see them all|zoom in to see every parcel/i.test(
    document.querySelector(".status-line")?.textContent ?? ""), null, { timeout: 30000 });
  // Let MapLibre draw what it was given.
  await page.waitForFunction(() => window.__sidelotMap?.loaded(), null, { timeout: 30000 });
  return { page, errors };
}

async function api(p) {
  const r = await fetch(base + p);
  return r.json();
}

/** The id of the focused element, once it is `expected` or 2 s have
 * passed: the app moves the focus on the next animation frame. */
async function focusedId(page, expected) {
  await page.waitForFunction((id) => document.activeElement?.id === id, expected, { timeout: 2000 }).catch(() => {});
  return page.evaluate(() => document.activeElement?.id ?? "");
}

/** The view's bounds, the parcels MapLibre rendered, and the status line's count. */
async function onScreen(page) {
  return page.evaluate(() => {
    const m = window.__sidelotMap, b = m.getBounds();
    const rendered = new Set(m.queryRenderedFeatures({ layers: ["parcels-fill"] }).map((f) => f.properties.pin));
    const inSource = new Set(m.querySourceFeatures("parcels", { sourceLayer: "parcels" }).map((f) => f.properties.pin));
    const status = document.querySelector(".status-line").textContent;
    return { bounds: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()],
      rendered: [...rendered], inSource: [...inSource], status };
  });
}

function extent(geometry) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c) => typeof c[0] === "number"
    ? (b[0] = Math.min(b[0], c[0]), b[1] = Math.min(b[1], c[1]), b[2] = Math.max(b[2], c[0]), b[3] = Math.max(b[3], c[1]))
    : c.forEach(walk);
  walk(geometry.coordinates);
  return b;
}

/** A valid 1x1 RGB PNG of one colour, written here (no image library needed). */
function onePixelPng(rgb) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => (buf.reduce((c, b) => crcTable[(c ^ b) & 0xff] ^ (c >>> 8), 0xffffffff) ^ 0xffffffff) >>> 0;
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const header = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header), chunk("IDAT", deflateSync(Buffer.from([0, ...rgb]))), chunk("IEND", Buffer.alloc(0))]);
}

const overlaps = (a, b) => a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
const bboxParam = (b) => b.map((x) => x.toFixed(6)).join(",");

/** A street-level view (a few dozen parcels) around a parcel on Van Buren. */
async function streetView(zoom = 18.5) {
  const found = await api("/api/search?q=van%20buren&limit=1");
  const [lon, lat] = found.results[0].center;
  return { url: `/?map=${zoom}/${lat.toFixed(5)}/${lon.toFixed(5)}`, result: found.results[0] };
}

test("the map loads without console errors and draws what the API returns for the viewport", async () => {
  const { page, errors } = await open("/");
  await page.screenshot({ path: path.join(shots, "map-desktop.png") });
  const { bounds, rendered, inSource, status } = await onScreen(page);
  const fc = await api(`/api/parcels?bbox=${bboxParam(bounds)}&limit=10000`);
  assert.ok(fc.numberReturned > 50, `expected many parcels in view, got ${fc.numberReturned}`);
  const loaded = new Set(inSource);
  const missing = fc.features.filter((f) => !loaded.has(f.properties.pin)).map((f) => f.properties.pin);
  assert.deepEqual(missing, [], "every parcel the API has for the view is on the map");
  const api_pins = new Set(fc.features.map((f) => f.properties.pin));
  assert.deepEqual(rendered.filter((p) => !api_pins.has(p)), [], "nothing is drawn that the API does not have there");
  // Counted by extent, the status line may count a few more than the API
  // (which intersects shapes); never fewer.
  const shown = Number(status.match(/([\d,]+) parcels shown/)[1].replaceAll(",", ""));
  assert.ok(shown >= fc.numberReturned && shown <= fc.numberReturned * 1.05 + 5, `${shown} vs ${fc.numberReturned}`);
  // The map opened on the middle of the parcels (from /api/config), and the URL says where.
  const { start } = await api("/api/config");
  const [z, lat, lon] = new URL(page.url()).searchParams.get("map").split("/").map(Number);
  assert.equal(z, 16);
  assert.ok(Math.abs(lat - start[1]) < 1e-4 && Math.abs(lon - start[0]) < 1e-4, `map=${z}/${lat}/${lon} vs ${start}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the viewport comes from the URL, and the list view lists exactly the parcels in it", async () => {
  const { url } = await streetView();
  const { page, errors } = await open(url);
  const { bounds, status } = await onScreen(page);
  const zoom = await page.evaluate(() => window.__sidelotMap.getZoom());
  assert.equal(zoom, 18.5);
  await page.getByRole("button", { name: "List the parcels in view" }).click();
  const listed = await page.$$eval("#parcel-list tbody button[data-pin]", (bs) => bs.map((b) => b.dataset.pin));
  const shown = Number(status.match(/([\d,]+) parcels shown/)[1].replaceAll(",", ""));
  assert.ok(listed.length > 5 && listed.length <= 200, `${listed.length} parcels listed`);
  assert.equal(listed.length, shown, "the list and the status line agree");
  const fc = await api(`/api/parcels?bbox=${bboxParam(bounds)}&limit=10000`);
  const inView = new Set(fc.features.map((f) => f.properties.pin));
  assert.deepEqual([...inView].filter((p) => !listed.includes(p)), [], "every parcel in view is listed");
  for (const pin of listed.filter((p) => !inView.has(p))) {
    const f = await api(`/api/parcels/${pin}`);
    assert.ok(overlaps(extent(f.geometry), bounds), `${pin} is listed but lies outside the view`);
  }
  await page.screenshot({ path: path.join(shots, "list-view.png") });
  assert.deepEqual(errors, []);
  await page.close();
});

test("the list works from the keyboard alone: Enter opens a parcel, Escape gives the focus back", async () => {
  const { url } = await streetView();
  const { page, errors } = await open(url);
  await page.focus("#search-input");
  let label = null;
  for (let i = 0; i < 5 && label !== "List the parcels in view"; i++) {
    await page.keyboard.press("Tab");
    label = await page.evaluate(() => document.activeElement.textContent);
  }
  assert.equal(label, "List the parcels in view", "Tab from the search box reaches the list button");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#parcel-list tbody button[data-pin]");
  let pin = null;
  for (let i = 0; i < 10 && !pin; i++) {
    await page.keyboard.press("Tab");
    pin = await page.evaluate(() => document.activeElement.dataset.pin ?? null);
  }
  assert.ok(pin, "Tab reaches the first parcel of the list");
  await page.keyboard.press("Enter");
  await page.waitForSelector("[data-testid=panel-pin]");
  assert.equal((await page.textContent("[data-testid=panel-pin]")).replaceAll("-", ""), pin);
  assert.equal(await focusedId(page, "panel-title"), "panel-title", "the focus moves to the panel");
  assert.equal(new URL(page.url()).searchParams.get("pin").replaceAll("-", ""), pin);
  await page.keyboard.press("Escape");
  await page.waitForSelector("[data-testid=panel-pin]", { state: "detached" });
  assert.equal(await page.evaluate(() => document.activeElement.dataset.pin), pin, "the focus returns to the row");
  assert.deepEqual(errors, []);
  await page.close();
});

test("search by PIN and by address lands on the parcel", async () => {
  const { result } = await streetView();
  const { page, errors } = await open("/");
  // A PIN, typed plain, then Enter.
  await page.fill("#search-input", result.pin);
  await page.keyboard.press("Enter");
  await page.waitForFunction((pin) => document.querySelector("[data-testid=panel-pin]")?.textContent.replaceAll("-", "") === pin,
    result.pin, { timeout: 15000 });
  // An address, lowercase and without its punctuation, chosen from the suggestions.
  const other = (await api("/api/search?q=washington&limit=5")).results.at(-1);
  const typed = other.address.toLowerCase().replace(/[^a-z0-9 ]/g, "").split(" ").slice(0, 3).join(" ");
  await page.fill("#search-input", "");
  await page.type("#search-input", typed, { delay: 20 });
  await page.waitForSelector("#search-results [role=option]");
  const options = await page.$$eval("#search-results [role=option] .result-address", (os) => os.map((o) => o.textContent));
  const index = options.indexOf(other.address);
  assert.ok(index >= 0, `"${typed}" suggests ${other.address} among ${options}`);
  for (let i = 0; i <= index; i++) await page.keyboard.press("ArrowDown");
  assert.equal(await page.getAttribute("#search-input", "aria-activedescendant"), `search-option-${index}`);
  await page.screenshot({ path: path.join(shots, "search-suggestions.png") });
  await page.keyboard.press("Enter");
  await page.waitForFunction((a) => document.querySelector("[data-testid=panel-address]")?.textContent === a,
    other.address, { timeout: 15000 });
  // The map flew there: the parcel is in the middle of the view.
  await page.waitForFunction(([w, s, e, n]) => {
    const c = window.__sidelotMap.getCenter();
    return !window.__sidelotMap.isMoving() && c.lng >= w && c.lng <= e && c.lat >= s && c.lat <= n;
  }, other.bbox, { timeout: 15000 });
  assert.equal(new URL(page.url()).searchParams.get("pin").replaceAll("-", ""), other.pin);
  // Nothing found is said plainly.
  await page.fill("#search-input", "zzzz qqqq");
  await page.waitForFunction(() => /No parcel matches/.test(document.querySelector(".search-message").textContent));
  assert.deepEqual(errors, []);
  await page.close();
});

test("the back button retraces the parcels opened, and forward comes back", async () => {
  const { url } = await streetView();
  const { page, errors } = await open(url);
  await page.getByRole("button", { name: "List the parcels in view" }).click();
  const pins = await page.$$eval("#parcel-list tbody button[data-pin]", (bs) => bs.map((b) => b.dataset.pin));
  const [a, b] = [pins[0], pins[1]];
  const panelPin = async () => (await page.$("[data-testid=panel-pin]"))
    ? (await page.textContent("[data-testid=panel-pin]")).replaceAll("-", "") : null;
  await page.click(`#parcel-list button[data-pin="${a}"]`);
  await page.waitForFunction((p) => document.querySelector("[data-testid=panel-pin]")?.textContent.replaceAll("-", "") === p, a);
  await page.click(`#parcel-list button[data-pin="${b}"]`);
  await page.waitForFunction((p) => document.querySelector("[data-testid=panel-pin]")?.textContent.replaceAll("-", "") === p, b);
  await page.goBack();
  await page.waitForFunction((p) => document.querySelector("[data-testid=panel-pin]")?.textContent.replaceAll("-", "") === p, a);
  await page.goBack();
  await page.waitForSelector("[data-testid=panel-pin]", { state: "detached" });
  assert.equal(new URL(page.url()).searchParams.get("pin"), null);
  assert.equal(await panelPin(), null);
  await page.goForward();
  await page.waitForFunction((p) => document.querySelector("[data-testid=panel-pin]")?.textContent.replaceAll("-", "") === p, a);
  assert.deepEqual(errors, []);
  await page.close();
});

test("clicking a parcel opens its panel with its PIN and address", async () => {
  const { page } = await open("/");
  const target = await page.evaluate(() => {
    const m = window.__sidelotMap;
    // The tiles carry addresses from zoom 17 only: the panel reads its own.
    const f = m.queryRenderedFeatures({ layers: ["parcels-fill"] })
      .find((f) => f.geometry.type === "Polygon" && f.properties.status === "none");
    const ring = f.geometry.type === "MultiPolygon" ? f.geometry.coordinates[0][0] : f.geometry.coordinates[0];
    const lon = ring.slice(0, -1).reduce((a, c) => a + c[0], 0) / (ring.length - 1);
    const lat = ring.slice(0, -1).reduce((a, c) => a + c[1], 0) / (ring.length - 1);
    const p = m.project([lon, lat]);
    const r = m.getCanvas().getBoundingClientRect();
    return { pin: f.properties.pin, x: r.left + p.x, y: r.top + p.y };
  });
  target.address = (await api(`/api/parcels/${target.pin}`)).properties.address ?? "No street address on record";
  await page.mouse.click(target.x, target.y);
  await page.waitForSelector("[data-testid=panel-pin]");
  assert.equal(new URL(page.url()).searchParams.get("pin").replaceAll("-", ""), target.pin, "the URL names the parcel");
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

test("a lot's panel gives its round, price and closing time, and links the round's rules, at 1280 and 360 px", async () => {
  const lot = sql("select l.pin from round_lots l join rounds r on r.id = l.round_id where r.slug = 'test-round' "
    + "and not exists (select 1 from application_lots a where a.lot_pin = l.pin) order by l.pin limit 1");
  sql(`update round_lots set price_cents = 100 where pin = '${lot}'`);
  for (const viewport of [{ width: 1280, height: 800 }, { width: 360, height: 740 }]) {
    const { page, errors } = await open(`/?pin=${lot}`, viewport);
    await page.waitForSelector("[data-testid=panel-price]");
    assert.equal(await page.textContent("[data-testid=panel-price]"), "$1");
    // The round's own time zone: Chicago's, in winter CST.
    assert.equal(await page.textContent("[data-testid=panel-closes]"), "Dec 31, 2099, 5:00 PM CST");
    assert.match(await page.textContent(".panel"), /Offered inTest round/);
    await page.getByRole("link", { name: "The round's rules and how a sale works" }).click();
    await page.waitForURL(/\/how-it-works#test-round$/);
    await page.waitForSelector("section#test-round");
    const rules = await page.textContent("section#test-round");
    assert.match(rules, /Applications open Jan 1, 2020, 9:00 AM CST and close Dec 31, 2099, 5:00 PM CST\./);
    assert.match(rules, /owners of a property that shares a boundary with the lot/);
    assert.ok(await page.locator('a[href="/lottery/test-round"]').count() === 1, "the round's lotteries are linked");
    assert.ok(await page.locator('main a[href="/figures"]').count() === 1, "the figures are linked");
    assert.deepEqual(await overflowing(page, "main, main section, main li"), []);
    assert.deepEqual(await axeViolations(page), [], `how it works at ${viewport.width} px`);
    await page.screenshot({ path: path.join(shots, `how-it-works-${viewport.width}.png`), fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test("the whole city at zoom 11 shows the lots for sale, zoom 17 every parcel, and a click on a lot opens it", async () => {
  const { start } = await api("/api/config");
  const { page, errors } = await open(`/?map=11/${start[1].toFixed(5)}/${start[0].toFixed(5)}`);
  await page.waitForFunction(() => window.__sidelotMap.loaded() && !window.__sidelotMap.isMoving());
  await page.waitForTimeout(300);
  const city = await page.evaluate(() => {
    const m = window.__sidelotMap;
    const lots = m.queryRenderedFeatures({ layers: ["lots-points"] });
    return { lots: [...new Set(lots.map((f) => f.properties.pin))], statuses: [...new Set(lots.map((f) => f.properties.status))],
      cells: m.queryRenderedFeatures({ layers: ["density"] }).length,
      shapes: m.queryRenderedFeatures({ layers: ["parcels-fill"] }).length };
  });
  const offered = sql("select l.pin from round_lots l join rounds r on r.id = l.round_id where r.slug = 'test-round' order by 1").split("\n");
  assert.deepEqual(city.lots.sort(), offered, "every lot offered, and nothing else, stands out at city zoom");
  assert.deepEqual(city.statuses, ["available"]);
  assert.ok(city.cells > 20, `the ordinary parcels are counted per cell: ${city.cells} cells`);
  assert.equal(city.shapes, 0, "no parcel shapes at city zoom");
  await page.screenshot({ path: path.join(shots, "map-city-z11.png") });

  // "Lots for sale only" dims everything else.
  await page.getByLabel("Lots for sale only").check();
  const opacity = await page.evaluate(() => JSON.stringify(window.__sidelotMap.getPaintProperty("parcels-fill", "fill-opacity")));
  assert.match(opacity, /"!=",\["get","status"\],"available"/);
  // ... and the list holds the lots for sale in view, at any zoom.
  await page.getByRole("button", { name: "List the parcels in view" }).click();
  await page.waitForFunction(() => document.querySelectorAll("#parcel-list tbody tr").length > 0);
  const listed = await page.evaluate(() => ({
    rows: [...document.querySelectorAll("#parcel-list tbody tr")].map((tr) => tr.cells[3].textContent),
    note: document.querySelector("#parcel-list .hint")?.textContent ?? "" }));
  assert.equal(await page.textContent("#list-title"), "Lots for sale in view");
  assert.equal(listed.rows.length, Math.min(200, offered.length));
  assert.ok(listed.rows.every((s) => s === "Available for sale"), listed.rows.join());
  if (offered.length > 200) assert.match(listed.note, new RegExp(`of ${offered.length}`));
  await page.screenshot({ path: path.join(shots, "map-city-lots-list.png") });
  await page.locator("#parcel-list .list-head button").click();
  await page.getByLabel("Lots for sale only").uncheck();

  // A click on a lot's point opens its panel.
  const target = await page.evaluate(() => {
    const m = window.__sidelotMap;
    const f = m.queryRenderedFeatures({ layers: ["lots-points"] })[0];
    const p = m.project(f.geometry.coordinates);
    const r = m.getCanvas().getBoundingClientRect();
    return { pin: f.properties.pin, x: r.left + p.x, y: r.top + p.y };
  });
  await page.mouse.click(target.x, target.y);
  await page.waitForSelector("[data-testid=panel-pin]");
  const clicked = (await page.textContent("[data-testid=panel-pin]")).replaceAll("-", "");
  assert.ok(offered.includes(clicked), `the panel shows an offered lot: ${clicked}`);

  // Zoom 17: every parcel, with its house number for labels.
  await page.evaluate(() => window.__sidelotMap.jumpTo({ zoom: 17 }));
  await page.waitForFunction(() => window.__sidelotMap.loaded() && window.__sidelotMap
    .queryRenderedFeatures({ layers: ["parcels-fill"] }).length > 50, null, { timeout: 15000 });
  // The labels follow the shapes once their glyphs have loaded: wait for
  // them (the assertion below says what was drawn if they never come).
  await page.waitForFunction(() => window.__sidelotMap
    .queryRenderedFeatures({ layers: ["house-numbers"] }).length > 0, null, { timeout: 15000 }).catch(() => {});
  const street = await page.evaluate(() => {
    const fs = window.__sidelotMap.queryRenderedFeatures({ layers: ["parcels-fill"] });
    const addressed = fs.filter((f) => f.properties.address);
    const numbers = window.__sidelotMap.queryRenderedFeatures({ layers: ["house-numbers"] });
    return { none: fs.filter((f) => f.properties.status === "none").length, addressed: addressed.length,
      numbered: addressed.filter((f) => f.properties.address.startsWith(`${f.properties.number} `)).length,
      labelled: numbers.length };
  });
  // (Austin's file gives addresses for the city's lots only.)
  assert.ok(street.none > 20 && street.addressed > 0 && street.numbered === street.addressed, JSON.stringify(street));
  assert.ok(street.labelled > 0, `house numbers are drawn without a basemap: ${JSON.stringify(street)}`);
  await page.screenshot({ path: path.join(shots, "map-street-z17.png") });
  assert.deepEqual(errors, []);
  await page.close();
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
  await injectAxe(page);
  const check = () => page.evaluate(async () => (await window.axe.run()).violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.length})`));
  assert.deepEqual(await check(), [], "the map with a parcel's panel");
  await page.getByRole("button", { name: "List the parcels in view" }).click();
  await page.waitForSelector("#parcel-list");
  assert.deepEqual(await check(), [], "the list view");
  await page.type("#search-input", "van bur", { delay: 20 });
  await page.waitForSelector("#search-results [role=option]");
  assert.deepEqual(await check(), [], "the search suggestions");
  await page.close();
});

test("a configured raster basemap is drawn under the parcels, with its attribution", async () => {
  // A tile server of our own: every tile is one pale pixel.
  const pixel = onePixelPng([222, 235, 247]);
  const asked = [];
  const tiles = http.createServer((req, res) => {
    asked.push(req.url);
    res.writeHead(200, { "content-type": "image/png", "access-control-allow-origin": "*" });
    res.end(pixel);
  });
  await new Promise((resolve) => tiles.listen(0, "127.0.0.1", resolve));
  const template = `http://127.0.0.1:${tiles.address().port}/tiles/{z}/{x}/{y}.png`;
  const other = await serve(["--basemap-tiles", template, "--basemap-attribution", "Tiles from the Test City GIS office"]);
  const saved = base;
  base = other.base;
  try {
    const config = await api("/api/config");
    assert.deepEqual(config.basemap, { kind: "raster", url_template: template, attribution: "Tiles from the Test City GIS office" });
    const { page, errors } = await open("/");
    await page.waitForFunction(() => /Test City GIS office/.test(document.querySelector(".maplibregl-ctrl-attrib")?.textContent ?? ""));
    assert.ok(asked.some((u) => /^\/tiles\/1[6-7]\/\d+\/\d+\.png$/.test(u)), `tiles asked for: ${asked.slice(0, 5)}`);
    const layers = await page.evaluate(() => window.__sidelotMap.getStyle().layers.map((l) => l.id));
    assert.ok(layers.indexOf("basemap") < layers.indexOf("parcels-fill"), `layers in order: ${layers}`);
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    base = saved;
    other.server.kill("SIGTERM");
    tiles.close();
  }
});

test("parcels are fetched once per new area: small moves reuse what is loaded, zoomed out fetches nothing", async () => {
  const { page, errors } = await open("/");
  const asked = [];
  page.on("request", (r) => { if (r.url().includes("/api/parcels?")) asked.push(r.url()); });
  const settle = () => page.waitForTimeout(800);
  // A small pan stays within the margin loaded around the view.
  await page.evaluate(() => window.__sidelotMap.panBy([120, -80], { duration: 0 }));
  await settle();
  assert.equal(asked.length, 0, `a small pan asked for ${asked}`);
  // Zooming in stays within what was loaded.
  await page.evaluate(() => window.__sidelotMap.zoomTo(17, { duration: 0 }));
  await settle();
  assert.equal(asked.length, 0, `zooming in asked for ${asked}`);
  // A burst of moves far away (a fling) asks once, for where it ends.
  await page.evaluate(() => {
    const m = window.__sidelotMap, c = m.getCenter();
    for (let i = 1; i <= 10; i++) m.jumpTo({ center: [c.lng + i * 0.002, c.lat] });
  });
  await settle();
  assert.equal(asked.length, 1, `a fling asked for ${asked}`);
  await page.waitForFunction(() => /parcels shown/.test(document.querySelector(".status-line").textContent));
  // Zoomed out: a hint, no request for the list, and the tiles hold only
  // the lots with a status (the rest are counted per cell).
  await page.evaluate(() => window.__sidelotMap.zoomTo(13, { duration: 0 }));
  await settle();
  assert.equal(asked.length, 1);
  assert.equal(await page.textContent(".status-line"), "Zoom in to see every parcel; lots for sale show at every zoom");
  await page.waitForFunction(() => window.__sidelotMap.loaded());
  const statuses = await page.evaluate(() => [...new Set(window.__sidelotMap
    .querySourceFeatures("parcels", { sourceLayer: "parcels" }).map((f) => f.properties.status))]);
  assert.ok(statuses.length > 0 && !statuses.includes("none"), `statuses at zoom 13: ${statuses}`);
  await page.screenshot({ path: path.join(shots, "zoom-in-hint.png") });
  assert.deepEqual(errors, []);
  await page.close();
});

test("when the parcels cannot be loaded the page says so and retries", async () => {
  const { page } = await open("/");
  let fail = true;
  await page.route("**/api/parcels?*", (route) => fail
    ? route.fulfill({ status: 503, contentType: "application/json",
      body: JSON.stringify({ error: { code: "unavailable", message: "the database is not answering" } }) })
    : route.continue());
  await page.evaluate(() => { const m = window.__sidelotMap, c = m.getCenter(); m.jumpTo({ center: [c.lng + 0.05, c.lat] }); });
  await page.waitForFunction(() => /Could not load parcels/.test(document.querySelector(".status-line").textContent));
  await page.screenshot({ path: path.join(shots, "load-failed.png") });
  fail = false;
  await page.getByRole("button", { name: "Retry" }).click();
  await page.waitForFunction(() => /parcels shown/.test(document.querySelector(".status-line").textContent));
  await page.close();
});

/** axe, run in the page as the devtools run code: the page's
 * Content-Security-Policy (no inline scripts) does not apply to it. */
async function injectAxe(page) {
  await page.evaluate(readFileSync(path.join(root, "node_modules/axe-core/axe.min.js"), "utf8"));
}

async function axeViolations(page) {
  await injectAxe(page);
  return page.evaluate(async () => (await window.axe.run()).violations
    .filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help}`));
}

/** A lot on offer and a neighbour sharing a long boundary with it, found
 * here with PostGIS directly: the first or the last such lot by PIN. With
 * `another`, a neighbour with a second lot on offer within 8 m (beside it or
 * across the alley), so that it qualifies for two. */
function lotAndNeighbour(order, another = false) {
  const second = another
    ? `and exists (select 1 from round_lots o join parcels op on op.pin = o.pin
                    where o.pin <> l.pin and op.pin <> p.pin
                      and ST_DWithin(op.geom::geography, p.geom::geography, 8))`
    : "";
  return sql(`
    select l.pin || '|' || p.pin || '|' || p.address
      from round_lots r join parcels l on l.pin = r.pin
      join parcels p on p.pin <> l.pin and p.geom && l.geom and ST_Intersects(p.geom, l.geom)
     where p.address is not null
       and ST_Length(ST_Intersection(ST_Boundary(l.geom), ST_Buffer(p.geom, 0.000001))::geography) > 10
       ${second}
     order by l.pin ${order}, p.pin limit 1`).split("|");
}

/** In the open lot's panel: "Do I qualify?", the neighbour's address typed
 * in lowercase, the first suggestion chosen from the keyboard. */
async function askWhetherQualified(page, address) {
  await page.waitForSelector("[data-testid=panel-pin]");
  await page.getByRole("button", { name: "Do I qualify?" }).click();
  assert.equal(await focusedId(page, "owned-input"), "owned-input", "the focus goes to the address box");
  await page.type("#owned-input", address.toLowerCase(), { delay: 10 });
  await page.waitForSelector("#owned-results [role=option]");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
}

test("a neighbour asks whether they qualify for a lot and gets the answer in plain words", async () => {
  const [lot, neighbour, address] = lotAndNeighbour("asc");
  const { page, errors } = await open(`/?pin=${lot}`);
  // The panel names the lot's ward as the parcel file gives it.
  const ward = sql(`select coalesce(parcel_ward(source), '') from parcels where pin = '${lot}'`);
  await page.waitForSelector("[data-testid=panel-pin]");
  if (ward) assert.equal(await page.textContent("[data-testid=panel-ward]"), ward);
  else assert.equal(await page.locator("[data-testid=panel-ward]").count(), 0);
  await askWhetherQualified(page, address);
  await page.waitForSelector("[data-testid=verdict]");
  assert.equal(await page.getAttribute("[data-testid=verdict]", "data-relation"), "adjacent");
  const verdict = await page.textContent("[data-testid=verdict]");
  assert.match(verdict, /^You qualify for this lot\. Your property at .+ shares a \d+ ft boundary with this lot\. In this round that makes you eligible, with the first priority\.$/);
  const outlined = await page.evaluate(() => JSON.stringify(window.__sidelotMap.getFilter("parcels-owned")));
  assert.ok(outlined.includes(neighbour), `the neighbour's parcel is outlined: ${outlined}`);
  await page.screenshot({ path: path.join(shots, "qualify.png") });
  assert.deepEqual(await axeViolations(page), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test("after No parcel matches, the previous verdict and parcel are no longer on screen", async () => {
  const [lot, , address] = lotAndNeighbour("asc");
  const { page, errors } = await open(`/?pin=${lot}`);
  await askWhetherQualified(page, address);
  await page.waitForSelector("[data-testid=verdict]");
  // Another property that matches nothing: its box says so, and the verdict
  // on the first one goes (with its outline on the map).
  await page.fill("#owned-input", "zzzz qqqq");
  await page.waitForFunction(() => /No parcel matches/.test(document.querySelector(".qualify .search-message")?.textContent ?? ""));
  assert.equal(await page.locator("[data-testid=verdict]").count(), 0, "no verdict stays beside No parcel matches");
  assert.equal(await page.locator(".qualify a.button").count(), 0, "nor its Apply link");
  const outlined = await page.evaluate(() => JSON.stringify(window.__sidelotMap.getFilter("parcels-owned")));
  assert.ok(!outlined.includes(lotAndNeighbour("asc")[1]), `no owned parcel is outlined: ${outlined}`);
  // Asked again, the verdict comes back; then the page's search finds
  // nothing: the lot's panel (and the verdict in it) goes, the focus stays.
  await page.fill("#owned-input", "");
  await page.type("#owned-input", address.toLowerCase(), { delay: 10 });
  await page.waitForSelector("#owned-results [role=option]");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await page.waitForSelector("[data-testid=verdict]");
  await page.click("#search-input");
  await page.fill("#search-input", "zzzz qqqq");
  await page.waitForFunction(() => /No parcel matches/.test(document.querySelector("header .search-message").textContent));
  await page.waitForFunction(() => !document.querySelector("aside.panel"), null, { timeout: 5000 });
  assert.equal(await page.locator("[data-testid=verdict]").count(), 0);
  assert.equal(new URL(page.url()).searchParams.get("pin"), null, "the URL no longer names the lot");
  assert.equal(await focusedId(page, "search-input"), "search-input");
  await page.screenshot({ path: path.join(shots, "search-none.png") });
  assert.deepEqual(errors, []);
  await page.close();
});

test("from the map to a sent application: qualify, fill the form step by step, upload the deed, get the email, open the status page", async () => {
  // Another lot than the previous test's, so that this neighbour has not
  // applied yet; the neighbour qualifies for a second lot too.
  const [lot, neighbour, address] = lotAndNeighbour("desc", true);
  const { page, errors } = await open(`/?pin=${lot}`);
  await askWhetherQualified(page, address);
  await page.getByRole("link", { name: "Apply for this lot" }).click();
  await page.waitForURL(/\/apply\?/);
  await page.waitForFunction(() => /shares a \d+ ft boundary/.test(document.querySelector("[data-testid=apply-check]")?.textContent ?? ""));

  // Step 1 offers the other lots of the round this property qualifies for,
  // exactly as the API lists them; one more is ticked.
  const round = (await api(`/api/eligibility?lot=${lot}&owned=${neighbour}`)).round.slug;
  const others = (await api(`/api/rounds/${round}/eligible-lots?owned=${neighbour}`)).lots.filter((l) => l.pin !== lot);
  await page.waitForSelector("#field-lots input[type=checkbox], [data-testid=no-other-lots]");
  const offered = await page.locator("#field-lots input[type=checkbox]").evaluateAll((els) => els.map((e) => e.value));
  assert.deepEqual(offered, others.map((l) => l.pin));
  assert.ok(others.length >= 1, "a second lot is offered");
  if (others.length >= 2) {
    // Three lots where the round allows two: named on this step.
    await page.check(`#lot-${others[0].pin}`);
    await page.check(`#lot-${others[1].pin}`);
    await page.getByRole("button", { name: "Next" }).click();
    await page.waitForFunction(() => /at most 2 lots/.test(document.querySelector("#error-lots").textContent));
    await page.uncheck(`#lot-${others[1].pin}`);
  }
  await page.check(`#lot-${others[0].pin}`);
  await page.screenshot({ path: path.join(shots, "apply-lots.png") });

  // Step 1 (the property and the lot), then step 2 with nothing filled in:
  // each field says what is wrong, and the focus goes to the first.
  await page.getByRole("button", { name: "Next" }).click();
  await page.waitForFunction(() => /Step 2 of 4/.test(document.querySelector("#field-step-title").textContent));
  await page.getByRole("button", { name: "Next" }).click();
  await page.waitForSelector(".error-summary");
  assert.equal(await page.getAttribute("#field-email", "aria-invalid"), "true");
  assert.match(await page.textContent("#error-applicant_name"), /is required/);
  assert.equal(await focusedId(page, "field-applicant_name"), "field-applicant_name");
  assert.deepEqual(await axeViolations(page), [], "the form with its errors");
  await page.screenshot({ path: path.join(shots, "apply-errors.png") });
  await page.setViewportSize({ width: 360, height: 740 });
  await page.screenshot({ path: path.join(shots, "apply-errors-360.png"), fullPage: true });
  assert.deepEqual(await axeViolations(page), [], "the form with its errors at 360 px");
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), "the form fits a 360 px screen");
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.fill("#field-applicant_name", "Ada Neighbour");
  await page.fill("#field-email", "not an email");
  await page.fill("#field-mailing_address", "5312 W Van Buren St, Chicago IL 60644");
  await page.getByRole("button", { name: "Next" }).click();
  await page.waitForFunction(() => /is not an email address/.test(document.querySelector("#error-email").textContent));
  await page.fill("#field-email", "ada@example.org");
  await page.getByRole("button", { name: "Next" }).click();
  await page.waitForFunction(() => /Step 3 of 4/.test(document.querySelector("#field-step-title").textContent));
  await page.selectOption("#field-planned_use", "garden");
  await page.getByRole("button", { name: "Next" }).click();
  await page.waitForFunction(() => /Step 4 of 4/.test(document.querySelector("#field-step-title").textContent));

  // A file that claims to be a PDF but is not: the server refuses it, by name.
  await page.setInputFiles("#field-deed", { name: "deed.pdf", mimeType: "application/pdf", buffer: Buffer.from("not really a pdf") });
  await page.check("#field-attests_ownership");
  await page.check("#field-attests_taxes");
  await page.getByRole("button", { name: "Send my application" }).click();
  await page.waitForFunction(() => /is not a PDF, JPEG or PNG file/.test(document.querySelector("#error-deed").textContent));
  // The real deed: sent, and the status page opens.
  const pdf = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
  await page.setInputFiles("#field-deed", { name: "deed.pdf", mimeType: "application/pdf", buffer: pdf });
  await page.getByRole("button", { name: "Send my application" }).click();
  await page.waitForURL(/\/status\/[0-9a-f]{64}$/, { timeout: 15000 });
  await page.waitForSelector("[data-testid=tracking-code]");
  const code = (await page.textContent("[data-testid=tracking-code]")).replace("Application ", "");
  assert.match(code, /^SL-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  // Opening the status page confirms nothing: the email's own link does.
  assert.match(await page.textContent("[data-testid=confirm-hint]"), /Please confirm your email address/);
  assert.match(await page.textContent("main"), /shares a \d+ ft boundary/);
  assert.equal(await page.locator("[data-testid=lot-state]").count(), 2, "both lots applied for");
  assert.deepEqual(await axeViolations(page), [], "the status page");
  await page.screenshot({ path: path.join(shots, "status-page.png") });
  await page.setViewportSize({ width: 360, height: 740 });
  await page.screenshot({ path: path.join(shots, "status-page-360.png"), fullPage: true });
  assert.deepEqual(await axeViolations(page), [], "the status page at 360 px");
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), "the status page fits a 360 px screen");
  await page.setViewportSize({ width: 1280, height: 800 });
  const statusUrl = page.url();

  // The confirmation email, written by the outbox worker, carries the same link.
  const eml = await emailWhere((m) => m.includes(code));
  assert.ok(eml, "the confirmation message was written");
  assert.match(eml, /To: ada@example\.org/);
  const unfolded = eml.replaceAll("=\r\n", "");
  assert.ok(unfolded.includes(statusUrl), `the message links to ${statusUrl}`);
  assert.match(eml, /Content-Type: text\/plain; charset=utf-8/);
  assert.match(eml, /Content-Type: text\/html; charset=utf-8/);
  // Its confirmation link confirms the address, and the status page says so.
  const confirmUrl = unfolded.match(/http:\/\/127\.0\.0\.1:\d+\/confirm\/[0-9a-f]{64}/)[0];
  await page.goto(confirmUrl);
  await page.waitForSelector("[data-testid=confirmed]");
  assert.equal(await page.textContent("[data-testid=confirmed]"), "Thank you: your email address is confirmed.");
  assert.deepEqual(await axeViolations(page), [], "the confirmation page");
  await page.screenshot({ path: path.join(shots, "confirmed.png") });
  await page.goto(statusUrl);
  await page.waitForSelector("[data-testid=tracking-code]");
  assert.match(await page.textContent("main"), /Your email address is confirmed\./);
  // The lot now shows as pending on the map.
  const feature = await api(`/api/parcels/${lot}`);
  assert.equal(feature.properties.status, "pending");
  assert.equal(neighbour.length, 14);
  assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
  await page.close();
});

test("in a browser set to Spanish the map, the pre-check, the form, the status page and the email are in Spanish, and English is one click away and remembered", async () => {
  const { lot, first } = lotAndTwoFreshNeighbours();
  const context = await browser.newContext({ locale: "es-US", viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(base + `/?pin=${lot}`);
  await page.waitForFunction(() => document.documentElement.lang === "es");
  await page.waitForFunction(() => /parcelas a la vista|acérquese/i.test(document.querySelector(".status-line")?.textContent ?? ""), null, { timeout: 30000 });
  assert.match(await page.title(), /Lotes baldíos para los vecinos que viven al lado/);
  assert.match(await page.textContent("header"), /Cómo funciona/);
  await page.waitForSelector("[data-testid=panel-pin]");
  const panel = await page.textContent("aside.panel");
  assert.match(panel, /Superficie/);
  assert.match(panel, /[\d,]+ pies²/);
  assert.match(panel, /Solicite antes del/);

  // The pre-check, in Spanish words.
  await page.getByRole("button", { name: "¿Califico?" }).click();
  await page.type("#owned-input", first.address.toLowerCase(), { delay: 10 });
  await page.waitForSelector("#owned-results [role=option]");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await page.waitForSelector("[data-testid=verdict]");
  assert.match(await page.textContent("[data-testid=verdict]"), /^Usted califica para este lote\./);
  assert.match(await page.textContent("aside.panel"), /Ningún otro vecino ha pedido este lote todavía\./);
  await page.screenshot({ path: path.join(shots, "qualify-es.png") });
  assert.deepEqual(await axeViolations(page), [], "the map in Spanish at 1280 px");
  await page.setViewportSize({ width: 360, height: 740 });
  await page.screenshot({ path: path.join(shots, "qualify-es-360.png") });
  assert.deepEqual(await axeViolations(page), [], "the map in Spanish at 360 px");
  await page.setViewportSize({ width: 1280, height: 800 });

  // The form, step by step.
  await page.getByRole("link", { name: "Solicitar este lote" }).click();
  await page.waitForURL(/\/apply\?/);
  await page.waitForFunction(() => document.documentElement.lang === "es");
  await page.waitForFunction(() => /Paso 1 de 4: Su propiedad y los lotes/.test(document.querySelector("#field-step-title")?.textContent ?? ""));
  await page.getByRole("button", { name: "Siguiente" }).click();
  await page.waitForFunction(() => /Paso 2 de 4/.test(document.querySelector("#field-step-title").textContent));
  await page.getByRole("button", { name: "Siguiente" }).click();
  await page.waitForSelector(".error-summary");
  assert.match(await page.textContent(".error-summary"), /Corrija estos campos, por favor:/);
  // The field's own words, from the rules the server applies.
  assert.match(await page.textContent(".error-summary"), /Falta su nombre, tal como está escrito en la escritura\./);
  assert.match(await page.textContent(".error-summary"), /Falta su correo electrónico/);
  assert.deepEqual(await axeViolations(page), [], "the form with its errors in Spanish");
  await page.screenshot({ path: path.join(shots, "apply-errors-es.png") });
  await page.setViewportSize({ width: 360, height: 740 });
  await page.screenshot({ path: path.join(shots, "apply-errors-es-360.png"), fullPage: true });
  assert.deepEqual(await axeViolations(page), [], "the form with its errors in Spanish at 360 px");
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), "the form fits a 360 px screen");
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.fill("#field-email", "no es correo");
  await page.getByRole("button", { name: "Siguiente" }).click();
  await page.waitForFunction(() => /no es una dirección de correo electrónico/.test(document.querySelector(".error-summary")?.textContent ?? ""));
  await page.fill("#field-applicant_name", "José Núñez");
  await page.fill("#field-email", "jose@example.org");
  await page.fill("#field-mailing_address", "5312 W Van Buren St\nChicago IL 60644");
  await page.getByRole("button", { name: "Siguiente" }).click();
  await page.waitForFunction(() => /Paso 3 de 4/.test(document.querySelector("#field-step-title").textContent));
  await page.selectOption("#field-planned_use", "garden");
  await page.getByRole("button", { name: "Siguiente" }).click();
  await page.waitForFunction(() => /Paso 4 de 4/.test(document.querySelector("#field-step-title").textContent));
  const pdf = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
  await page.setInputFiles("#field-deed", { name: "escritura.pdf", mimeType: "application/pdf", buffer: pdf });
  await page.check("#field-attests_ownership");
  await page.check("#field-attests_taxes");
  await page.getByRole("button", { name: "Enviar mi solicitud" }).click();
  await page.waitForURL(/\/status\/[0-9a-f]{64}$/, { timeout: 15000 });

  // The status page: the server's words about where it stands too.
  await page.waitForSelector("[data-testid=tracking-code]");
  const code = (await page.textContent("[data-testid=tracking-code]")).replace("Solicitud ", "");
  assert.match(code, /^SL-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  assert.match(await page.textContent("[data-testid=confirm-hint]"), /Confirme su correo electrónico, por favor/);
  assert.equal((await page.textContent("[data-testid=lot-state]")).trim(), "Recibimos su solicitud.");
  assert.match(await page.textContent("main"), /Lo que sigue/);
  assert.match(await page.textContent("main"), /cierra el \d+ de [a-z]+ de \d{4}/);
  // How the property relates to the lot, written again in Spanish.
  assert.match(await page.textContent("main"), /Su propiedad en .+ comparte con este lote un lindero de [\d,]+ pies\./);
  assert.deepEqual(await axeViolations(page), [], "the status page in Spanish");
  await page.screenshot({ path: path.join(shots, "status-page-es.png"), fullPage: true });
  await page.setViewportSize({ width: 360, height: 740 });
  await page.screenshot({ path: path.join(shots, "status-page-es-360.png"), fullPage: true });
  assert.deepEqual(await axeViolations(page), [], "the status page in Spanish at 360 px");
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), "the status page fits a 360 px screen");
  await page.setViewportSize({ width: 1280, height: 800 });

  // The round's rules, in Spanish words and feet.
  const how = await context.newPage();
  await how.goto(base + "/how-it-works");
  await how.waitForFunction(() => document.documentElement.lang === "es");
  await how.waitForFunction(() => /los dueños de una propiedad/.test(document.querySelector("main")?.textContent ?? ""));
  assert.match(await how.textContent("main"), /los dueños de una propiedad que comparte un lindero con el lote \(de al menos [\d,]+ pies\)/);
  await how.close();

  // The email, in Spanish, as the outbox worker wrote it.
  const eml = await emailWhere((m) => m.includes(code));
  assert.ok(eml, "the confirmation message was written");
  const plain = eml.replaceAll("=\r\n", "").replace(/=([0-9A-F]{2})/g, (_, h) => `%${h}`);
  const decoded = decodeURIComponent(plain.replace(/%(?![0-9A-F]{2})/g, "%25"));
  assert.match(decoded, /Hola, José Núñez:/);
  assert.match(decoded, new RegExp(`Recibimos su solicitud ${code} en `));
  assert.match(decoded, /sidelot, para el personal de planificación de la ciudad/);

  // English, one click away; the choice is remembered on the next page.
  await page.getByRole("button", { name: "View this page in English" }).click();
  await page.waitForFunction(() => document.documentElement.lang === "en");
  await page.waitForSelector("[data-testid=tracking-code]");
  assert.match(await page.textContent("[data-testid=tracking-code]"), /^Application SL-/);
  assert.equal((await page.textContent("[data-testid=lot-state]")).trim(), "We received your application.");
  await page.goto(base + "/how-it-works");
  await page.waitForFunction(() => document.documentElement.lang === "en");
  assert.match(await page.textContent("header"), /How it works/);
  assert.deepEqual(errors, []);
  await context.close();
});

/** An offered lot nobody applied for, with two neighbours (PIN and address)
 * sharing a long boundary with it, neither of which has applied. */
function lotAndTwoFreshNeighbours() {
  const rows = sql(`
    select l.pin || '|' || p.pin || '|' || p.address
      from round_lots r join parcels l on l.pin = r.pin
      join parcels p on p.pin <> l.pin and p.geom && l.geom and ST_Intersects(p.geom, l.geom)
     where p.address is not null
       and not exists (select 1 from application_lots a where a.lot_pin = l.pin)
       and not exists (select 1 from applications a where a.owned_pin = p.pin)
       and ST_Length(ST_Intersection(ST_Boundary(l.geom), ST_Buffer(p.geom, 0.000001))::geography) > 10
     order by l.pin, p.pin`).split("\n").map((row) => row.split("|"));
  const byLot = new Map();
  for (const row of rows) byLot.set(row[0], [...(byLot.get(row[0]) ?? []), row]);
  const [lot, [a, b]] = [...byLot].find(([, neighbours]) => neighbours.length >= 2);
  return { lot, first: { pin: a[1], address: a[2] }, second: { pin: b[1], address: b[2] } };
}

test("the pre-check says before the form that this property has applied, and how many others have", async () => {
  const { lot, first, second } = lotAndTwoFreshNeighbours();
  await applyByApi(lot, first.pin, "first@example.org");
  // The property that applied: told so, with the way to its application,
  // and no Apply link.
  const { page, errors } = await open(`/?pin=${lot}`);
  // By PIN: an address may name several parcels.
  const ask = async (pin) => {
    await page.fill("#owned-input", "");
    await page.type("#owned-input", pin, { delay: 10 });
    await page.waitForSelector("#owned-results [role=option]");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
  };
  await page.waitForSelector("[data-testid=panel-pin]");
  await page.getByRole("button", { name: "Do I qualify?" }).click();
  await ask(first.pin);
  await page.waitForSelector("[data-testid=already-applied]");
  assert.match(await page.textContent("[data-testid=already-applied]"),
    /^This property has applied in this round already: .+ open the status link in the email you received\.$/);
  assert.equal(await page.locator(".qualify a.button").count(), 0, "no Apply link for a second application");
  assert.equal(await page.textContent("[data-testid=others-applied]"), "No other neighbour has applied for this lot yet.");
  await page.screenshot({ path: path.join(shots, "qualify-applied.png") });
  // Its neighbour: how many applied, naming no one, and the way to apply.
  await ask(second.pin);
  await page.waitForFunction(() => /1 other neighbour has applied/.test(document.querySelector("[data-testid=others-applied]")?.textContent ?? ""));
  assert.equal(await page.textContent("[data-testid=others-applied]"),
    "1 other neighbour has applied for this lot; with the same priority, a public lottery decides.");
  assert.equal(await page.locator("[data-testid=already-applied]").count(), 0);
  assert.equal(await page.locator(".qualify a.button").count(), 1);
  assert.doesNotMatch(await page.textContent(".qualify"), /first@example\.org|Bo Neighbour/);
  assert.deepEqual(await axeViolations(page), []);
  assert.deepEqual(errors, []);
  await page.close();
});

/** What sticks out to the right of the viewport (or of its scroll box) on
 * this page: the page itself, and each element matching `selector`. */
async function overflowing(page, selector) {
  return page.evaluate((selector) => {
    const out = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) out.push(`the page: ${root.scrollWidth} > ${root.clientWidth}`);
    for (const el of document.querySelectorAll(selector)) {
      const box = el.getBoundingClientRect();
      if (box.right > root.clientWidth + 0.5) out.push(`${el.tagName} ${el.textContent.slice(0, 30)}: right ${box.right}`);
      if (el.scrollWidth > el.clientWidth + 1) out.push(`${el.tagName} scrolls: ${el.scrollWidth} > ${el.clientWidth}`);
    }
    return out;
  }, selector);
}

test("at 360 px the status page's table and the list view's columns fit the screen", async () => {
  const [[lot, owned]] = twoFreshPairs();
  const receipt = await applyByApi(lot, owned, "narrow@example.org");
  const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
  await page.goto(receipt.status_url);
  await page.waitForSelector("[data-testid=lot-state]");
  assert.deepEqual(await overflowing(page, "main, main table, main table td, main h2"), []);
  // Each cell is read under its column's name.
  const where = await page.evaluate(() => getComputedStyle(document.querySelector("[data-testid=lot-state]"), "::before").content);
  assert.equal(where, '"Where it stands"');
  await page.screenshot({ path: path.join(shots, "status-360.png"), fullPage: true });
  await page.close();

  // The list view at street level: every column, Status last, inside the list.
  const { url } = await streetView();
  const { page: map, errors } = await open(url, { width: 360, height: 740 });
  await map.click(".list-toggle");
  await map.waitForSelector("#parcel-list tbody tr");
  const cut = await map.evaluate(() => {
    const list = document.querySelector("#parcel-list").getBoundingClientRect();
    const scroll = document.querySelector("#parcel-list .table-scroll");
    const status = [...document.querySelectorAll("#parcel-list th")].at(-1).getBoundingClientRect();
    return { status: status.right, list: list.right, scrolls: scroll.scrollWidth > scroll.clientWidth + 1, text: document.querySelector("#parcel-list th:last-child").textContent };
  });
  assert.equal(cut.text, "Status");
  assert.ok(cut.status <= cut.list && !cut.scrolls, `the Status column is cut off: ${JSON.stringify(cut)}`);
  assert.deepEqual(await overflowing(map, "#parcel-list, #parcel-list td"), []);
  await map.screenshot({ path: path.join(shots, "list-360.png") });
  assert.deepEqual(errors, []);
  await map.close();
});

test("a neighbour who lost the link finds it again by email, from a dead status link, at 1280 and 360 px", async () => {
  const [, [lot, owned]] = twoFreshPairs();
  const receipt = await applyByApi(lot, owned, "lost@example.org");
  for (const [width, height] of [[1280, 800], [360, 740]]) {
    const page = await browser.newPage({ viewport: { width, height } });
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    // A link copied wrong: the page says so and leads to Find my application.
    await page.goto(base + "/status/" + "0".repeat(64));
    await page.getByRole("link", { name: "Lost your link? Find my application" }).click();
    await page.waitForURL(/\/find$/);
    await page.waitForSelector("#find-email");
    // Not an address: said beside the field.
    await page.fill("#find-email", "lost at example");
    await page.getByRole("button", { name: "Email me my links" }).click();
    await page.waitForFunction(() => /not an email address/.test(document.querySelector("#find-email-error").textContent));
    assert.equal(await page.getAttribute("#find-email", "aria-invalid"), "true");
    await page.fill("#find-email", "lost@example.org");
    await page.getByRole("button", { name: "Email me my links" }).click();
    await page.waitForFunction(() => /we are emailing it new links/.test(document.querySelector("[data-testid=find-answer]").textContent));
    const main = await page.textContent("main");
    assert.ok(!/\/status\/[0-9a-f]{64}/.test(main), "no link on screen");
    assert.deepEqual(await overflowing(page, "main, main form, main input, main button"), []);
    assert.deepEqual(await axeViolations(page), [], `the find page at ${width} px`);
    await page.screenshot({ path: path.join(shots, `find-${width}.png`), fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  }
  // The email with new links, written by the outbox worker; its link opens the application.
  const eml = await emailWhere((m) => m.includes("The links to your applications") && m.includes(receipt.tracking_code));
  assert.ok(eml, "the links were emailed");
  const link = eml.replaceAll("=\r\n", "").match(/http:\/\/127\.0\.0\.1:\d+\/status\/[0-9a-f]{64}/)[0];
  assert.notEqual(link, receipt.status_url);
  const page = await browser.newPage();
  await page.goto(link);
  await page.waitForSelector("[data-testid=tracking-code]");
  assert.match(await page.textContent("[data-testid=tracking-code]"), new RegExp(receipt.tracking_code));
  await page.close();
});

/** Applies for `lot` as the owner of `owned` through the API; the receipt. */
async function applyByApi(lot, owned, email) {
  const form = new FormData();
  for (const [k, v] of Object.entries({ applicant_name: "Bo Neighbour", email, mailing_address: "1 Main St",
    owned, lot, planned_use: "garden", attests_ownership: "true", attests_taxes: "true" })) form.append(k, v);
  form.append("deed", new Blob([Buffer.from("%PDF-1.4\n%%EOF\n")], { type: "application/pdf" }), "deed.pdf");
  const r = await fetch(base + "/api/applications", { method: "POST", body: form });
  const receipt = await r.json();
  assert.equal(r.status, 201, JSON.stringify(receipt));
  return receipt;
}

/** Two offered lots, each with a neighbour of its own who has not applied. */
function twoFreshPairs() {
  return sql(`
    select distinct on (l.pin) l.pin || '|' || p.pin
      from round_lots r join parcels l on l.pin = r.pin
      join parcels p on p.pin <> l.pin and p.geom && l.geom and ST_Intersects(p.geom, l.geom)
     where not exists (select 1 from application_lots a where a.lot_pin = l.pin)
       and not exists (select 1 from applications a where a.owned_pin = p.pin)
       and ST_Length(ST_Intersection(ST_Boundary(l.geom), ST_Buffer(p.geom, 0.000001))::geography) > 10
     order by l.pin, p.pin limit 40`).split("\n").map((row) => row.split("|"))
    .filter(([, owned], i, all) => all.findIndex(([, o]) => o === owned) === i).slice(0, 2);
}

async function openInQueue(page, code) {
  await page.goto(base + "/staff");
  await page.fill("#f-code", code);
  await page.getByRole("button", { name: "Filter" }).click();
  await page.waitForURL(/code=/);
  await page.waitForFunction(() => /1 requested lots match/.test(document.body.textContent));
  await page.getByRole("link", { name: code }).click();
  await page.waitForSelector(".lot-review");
}

test("staff sign in, filter the queue, move one application to disclosure and deny another; the applicants see both", async () => {
  const password = "a long reviewer passphrase";
  execFileSync(bin, ["--database-url", databaseUrl, "user", "add", "--role", "reviewer", "rev@city.example"],
    { input: `${password}\n`, stdio: ["pipe", "inherit", "inherit"] });
  const [[lotA, ownedA], [lotB, ownedB]] = twoFreshPairs();
  // The assessor's roll names A's owner as the applicant writes the name
  // (surname first, in capitals), and a company for B.
  const rollDir = mkdtempSync(path.join(os.tmpdir(), "sidelot-roll-"));
  const roll = path.join(rollDir, "roll.csv");
  writeFileSync(roll, `pin,owner_name,mailing_address\n${ownedA},NEIGHBOUR BO,1 MAIN ST\n${ownedB},ACME HOLDINGS LLC,9 ELM ST\n`);
  execFileSync(bin, ["--database-url", databaseUrl, "import", "owners", roll], { stdio: ["ignore", "ignore", "inherit"] });
  const a = await applyByApi(lotA, ownedA, "a@example.org");
  const b = await applyByApi(lotB, ownedB, "b@example.org");

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(base + "/staff");
  // A wrong password is said plainly; the right one signs in.
  await page.fill("#staff-email", "rev@city.example");
  await page.fill("#staff-password", "not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForFunction(() => /The email or the password is wrong/.test(document.querySelector("[role=alert]")?.textContent ?? ""));
  assert.deepEqual(await axeViolations(page), [], "the sign-in page");
  await page.fill("#staff-password", password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForSelector("table.queue");
  assert.match(await page.textContent("header"), /rev@city\.example \(reviewer\)/);
  await page.screenshot({ path: path.join(shots, "staff-queue.png"), fullPage: true });
  assert.deepEqual(await axeViolations(page), [], "the queue");
  // Working through the queue from the keyboard: j opens the next
  // application in the queue's order, k the previous.
  const walk = await page.$$eval("table.queue tbody tr td:first-child a", (as) => [...new Set(as.map((a) => a.getAttribute("href")))]);
  assert.ok(walk.length >= 2, `the queue lists two applications or more: ${walk}`);
  await page.click(`table.queue a[href="${walk[0]}"]`);
  await page.waitForSelector(".lot-review");
  await page.keyboard.press("j");
  await page.waitForURL((u) => u.pathname === walk[1]);
  await page.waitForSelector("nav.walk a[rel=prev]");
  await page.keyboard.press("k");
  await page.waitForURL((u) => u.pathname === walk[0]);
  await page.goto(base + "/staff");
  await page.waitForSelector("table.queue");

  // A through ownership review: location passes on its own, the lot is set aside.
  // The ward filter keeps only lots in that ward.
  const wardA = sql(`select parcel_ward(source) from parcels where pin = '${lotA}'`);
  if (wardA) {
    await page.goto(`${base}/staff?ward=${wardA}`);
    await page.waitForSelector("table.queue");
    const rows = await page.locator("table.queue tbody tr").allTextContents();
    assert.ok(rows.length >= 1 && rows.every((r) => r.includes(`ward ${wardA}`)), rows.join("\n"));
  }
  // The queue narrowed to names that match the roll: A, not B.
  await page.goto(`${base}/staff?owner=match`);
  await page.waitForSelector("table.queue");
  const matching = await page.locator("table.queue tbody").textContent();
  assert.ok(matching.includes(a.tracking_code) && !matching.includes(b.tracking_code), matching);
  assert.match(matching, /Matches the roll/);
  assert.equal(await page.inputValue("#f-owner"), "match");
  await openInQueue(page, a.tracking_code);
  // The owner of record beside the deed, for the reviewer only.
  const evidence = await page.textContent("[data-testid=owner-of-record]");
  assert.match(evidence, /The applicant's name matches the roll\./);
  assert.match(evidence, /names: NEIGHBOUR BO/);
  assert.match(evidence, /The roll sends its mail to: 1 MAIN ST/);
  for (const [button, state] of [["Start screening", "Screening"], ["Complete: to ownership review", "Ownership review"],
    ["Ownership verified", "Disclosure pending"]]) {
    await page.getByRole("button", { name: button }).click();
    await page.waitForFunction((s) => document.querySelector(".announce")?.textContent.includes(`now in ${s}`), state);
  }
  await page.waitForFunction(() => /Disclosure pending/.test(document.querySelector(".lot-review .state").textContent));
  const history = await page.textContent(".history-table");
  assert.match(history, /rev@city\.example/);
  assert.match(history, /system.*Location review → Disclosure pending/s);
  // The lot and the property are drawn on a map of their neighbours, from the tiles.
  await page.waitForFunction(() => performance.getEntriesByName("sidelot:review-map-painted").length > 0, null, { timeout: 20000 });
  assert.equal(await page.locator(".lot-review .review-map canvas[role=img]").count(), 1,
    await page.evaluate(() => `the review map is drawn: ${document.querySelectorAll(".lot-review").length} lots, ${document.querySelectorAll(".review-map").length} maps, ${document.querySelectorAll(".review-map canvas").length} canvases, ${[...document.querySelectorAll(".review-map canvas")].map((c) => c.className + "/" + c.getAttribute("role")).join(" ")}`));
  assert.equal(await page.locator(".lot-review svg").count(), 0, "no fallback drawing where a map can be drawn");
  const drawn = await page.evaluate(() => {
    const map = window.__sidelotReviewMap;
    const count = (layer) => map.queryRenderedFeatures({ layers: [layer] }).length;
    return { neighbours: count("neighbours"), lot: count("review-lot"), owned: count("review-owned") };
  });
  assert.ok(drawn.neighbours > 2 && drawn.lot === 1 && drawn.owned === 1, JSON.stringify(drawn));
  await page.screenshot({ path: path.join(shots, "staff-application.png"), fullPage: true });
  const wide = page.viewportSize();
  await page.setViewportSize({ width: 360, height: 740 });
  await page.screenshot({ path: path.join(shots, "staff-application-360.png"), fullPage: true });
  assert.ok(await page.evaluate(() => document.querySelector(".review-map").getBoundingClientRect().right <= window.innerWidth),
    "the review map fits a 360 px screen");
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
    "the application page fits a 360 px screen, its history included");
  await page.setViewportSize(wide);
  assert.deepEqual(await axeViolations(page), [], "the application page");

  // B denied with a reason from the catalogue (and none chosen first: named).
  await openInQueue(page, b.tracking_code);
  await page.getByRole("button", { name: "Deny…" }).click();
  await page.getByRole("button", { name: "Confirm" }).click();
  await page.waitForFunction(() => /A reason is required: pick one from the catalogue\./.test(document.querySelector(".lot-review [role=alert]").textContent));
  await page.selectOption(`#lot-${lotB}-reason`, "deed_mismatch");
  await page.fill(`#lot-${lotB}-note`, "The deed names someone else.");
  await page.getByRole("button", { name: "Confirm" }).click();
  await page.waitForFunction(() => /Denied/.test(document.querySelector(".lot-review .state").textContent));

  // The applicants' status pages say where each stands, in plain words.
  await page.goto(a.status_url);
  await page.waitForSelector("[data-testid=lot-state]");
  assert.match(await page.textContent("[data-testid=lot-state]"), /The lot is set aside for you/);
  assert.match(await page.textContent(".history"), /Disclosure pending/);
  await page.goto(b.status_url);
  await page.waitForSelector("[data-testid=lot-state]");
  const denied = await page.textContent("[data-testid=lot-state]");
  assert.match(denied, /was denied/);
  assert.match(denied, /does not show you as the owner/);
  assert.doesNotMatch(await page.textContent("main"), /names someone else/, "staff notes stay with staff");
  await page.screenshot({ path: path.join(shots, "status-denied.png"), fullPage: true });
  // The public figures count them, naming no one.
  await page.goto(base + "/figures");
  await page.waitForSelector("section.status dl");
  const figures = await page.textContent("main");
  assert.match(figures, /Test round/);
  assert.match(figures, /Disclosure pending\s*1/);
  assert.doesNotMatch(figures, /example\.org|Neighbour/);
  if (existsSync(austin)) {
    const wards = await page.$$eval("table", (tables) => tables.filter((t) => t.caption?.textContent === "By ward")
      .flatMap((t) => [...t.querySelectorAll("tbody th")].map((th) => th.textContent)));
    assert.deepEqual(wards, ["28", "29", "37"], "Austin's offered lots are in wards 28, 29 and 37");
  }
  assert.deepEqual(await axeViolations(page), [], "the figures page");
  assert.deepEqual(errors, []);
  await page.close();
});

test("an admin opens a round from the browser and sees every account and message", async () => {
  const password = "a long admin passphrase";
  execFileSync(bin, ["--database-url", databaseUrl, "user", "add", "--role", "admin", "chief@city.example"],
    { input: `${password}\n`, stdio: ["pipe", "inherit", "inherit"] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(base + "/staff/admin");
  await page.fill("#staff-email", "chief@city.example");
  await page.fill("#staff-password", password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForSelector("#round-toml");
  await page.waitForFunction(() => /rev@city\.example/.test(document.body.textContent));
  // A mistake in the file is named by its key; the corrected file opens the round.
  const toml = (await page.inputValue("#round-toml")).replace('time_zone = "America/Chicago"', 'time_zone = "Mars/Olympus"');
  await page.fill("#round-toml", toml);
  await page.getByRole("button", { name: "Create round" }).click();
  // The refusal is said beside the form, as an alert.
  await page.waitForFunction(() => /time_zone:/.test(document.querySelector("section[aria-labelledby=rounds-title] [role=alert]").textContent));
  assert.equal(await page.textContent("section[aria-labelledby=users-title] [role=alert]"), "", "and only there");
  await page.fill("#round-toml", toml.replace('"Mars/Olympus"', '"America/Chicago"'));
  await page.getByRole("button", { name: "Create round" }).click();
  await page.waitForFunction(() => /austin-2027/.test(document.querySelector("section[aria-labelledby=rounds-title] table")?.textContent ?? ""));
  assert.match(await page.textContent("section[aria-labelledby=outbox-title]"), /Your application SL-/);
  // Disabling an account (and enabling it again) from its row: asked first.
  let asked = "";
  page.once("dialog", (d) => { asked = d.message(); d.dismiss(); });
  await page.getByRole("button", { name: "Disable rev@city.example" }).click();
  assert.match(asked, /Disable rev@city\.example\? Their sessions end at once/);
  assert.equal(sql("select disabled_at is null from staff_users where email = 'rev@city.example'"), "t", "dismissed: nothing changed");
  page.once("dialog", (d) => d.accept());
  await page.getByRole("button", { name: "Disable rev@city.example" }).click();
  await page.getByRole("button", { name: "Enable rev@city.example" }).waitFor();
  assert.match(await page.textContent("section[aria-labelledby=users-title] [role=status]"), /Account changed/);
  assert.equal(sql("select disabled_at is not null from staff_users where email = 'rev@city.example'"), "t");
  await page.getByRole("button", { name: "Enable rev@city.example" }).click();
  await page.getByRole("button", { name: "Disable rev@city.example" }).waitFor();
  assert.deepEqual(await axeViolations(page), [], "the admin page");
  await page.screenshot({ path: path.join(shots, "staff-admin.png"), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test("an analyst uploads a lot inventory, follows the import and reads every refused row", async () => {
  const password = "a long analyst passphrase";
  execFileSync(bin, ["--database-url", databaseUrl, "user", "add", "--role", "analyst", "gis@city.example"],
    { input: `${password}\n`, stdio: ["pipe", "inherit", "inherit"] });
  const offered = sql("select pin from round_lots order by pin limit 1");
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(base + "/staff/imports");
  await page.fill("#staff-email", "gis@city.example");
  await page.fill("#staff-password", password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForSelector("form.upload");
  // Nothing chosen: the missing fields are named.
  await page.check("input[name=kind][value=lots]");
  await page.getByRole("button", { name: "Upload and import" }).click();
  await page.waitForFunction(() => /Choose a file to upload\./.test(document.querySelector(".upload [role=status]").textContent)
    && /Choose the round offering the lots\./.test(document.querySelector(".upload [role=status]").textContent));
  await page.selectOption("#import-round", "test-round");
  await page.setInputFiles("#import-file", { name: "more-lots.csv", mimeType: "text/csv",
    buffer: Buffer.from(`pin,price\n${offered},1.00\n99999999999999,1.00\nnot a pin,\n`) });
  await page.getByRole("button", { name: "Upload and import" }).click();
  await page.waitForSelector("table.jobs tr[data-status=succeeded]", { timeout: 30000 });
  assert.match(await page.textContent("table.jobs"), /3 rows: 0 lots offered, 1 already offered \(updated\), 2 refused/);
  assert.deepEqual(await axeViolations(page), [], "the imports page");
  await page.screenshot({ path: path.join(shots, "staff-imports.png"), fullPage: true });
  await page.getByRole("link", { name: "Report of more-lots.csv" }).click();
  await page.waitForSelector("table.jobs tbody tr");
  const rows = await page.locator("table.jobs tbody tr").allTextContents();
  assert.equal(rows.length, 2);
  assert.match(rows[0], /^3.*99999999999999/);
  assert.match(rows[1], /^4/);
  assert.deepEqual(await axeViolations(page), [], "the report page");
  assert.deepEqual(errors, []);
  await page.close();
});

/** A staff API call from a signed-in page, with its anti-forgery token. */
async function staffApi(page, method, p, body) {
  return page.evaluate(async ([method, p, body]) => {
    const { csrf_token } = await (await fetch("/api/staff/session")).json();
    const r = await fetch(p, { method, headers: { "content-type": "application/json", "x-csrf-token": csrf_token },
      body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, json: await r.json().catch(() => null) };
  }, [method, p, body]);
}

test("a lottery is frozen, committed and drawn from the admin page, and verified in the browser", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(base + "/staff/admin");
  await page.fill("#staff-email", "chief@city.example");
  await page.fill("#staff-password", "a long admin passphrase");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForSelector("#lottery-source");

  // Earlier tests left applications in review: close them, so the review is done.
  for (const state of ["submitted", "screening", "ownership_review"]) {
    const r = await staffApi(page, "POST", "/api/staff/bulk", { round: "test-round", state, action: "deny", reason_code: "incomplete" });
    assert.equal(r.status, 200, JSON.stringify(r.json));
  }
  // Two neighbours of one lot, both adjacent: equal priority, so a lottery.
  const [lot, n1, n2] = sql(`
    select l.pin || '|' || min(p.pin) || '|' || max(p.pin)
      from round_lots r join parcels l on l.pin = r.pin
      join parcels p on p.pin <> l.pin and p.geom && l.geom and ST_Intersects(p.geom, l.geom)
     where not exists (select 1 from application_lots a where a.lot_pin = l.pin)
       and not exists (select 1 from applications a where a.owned_pin = p.pin)
       and ST_Length(ST_Intersection(ST_Boundary(l.geom), ST_Buffer(p.geom, 0.000001))::geography) > 10
     group by l.pin having count(*) >= 2 order by l.pin limit 1`).split("|");
  const one = await applyByApi(lot, n1, "one@example.org");
  const two = await applyByApi(lot, n2, "two@example.org");
  for (const code of [one.tracking_code, two.tracking_code]) {
    const id = sql(`select id from applications where tracking_code = '${code}'`);
    for (const action of ["start_screening", "pass_screening", "pass_ownership"]) {
      const r = await staffApi(page, "POST", `/api/staff/applications/${id}/lots/${lot}/transition`, { action });
      assert.equal(r.status, 200, JSON.stringify(r.json));
    }
  }

  // Freeze and commit, naming a drand quicknet round; then draw with its
  // beacon. Round 123 is a real published one (2023), so that its beacon exists:
  // https://api3.drand.sh/52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971/public/123
  await page.reload();
  await page.waitForSelector("#lottery-source");
  await page.selectOption("#lottery-round", "test-round");
  await page.fill("#lottery-source", "123");
  await page.getByRole("button", { name: "Freeze entrants and commit" }).click();
  const lotteryStatus = "section[aria-labelledby=lottery-title] [role=status]";
  await page.waitForFunction((sel) => document.querySelector(sel).textContent.length > 0, lotteryStatus);
  assert.match(await page.textContent(lotteryStatus), /statement committed/);
  await page.goto(base + "/lottery/test-round");
  await page.waitForSelector("pre.statement");
  assert.match(await page.textContent("pre.statement"), /randomness_source: drand quicknet round 123 \(chain 52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971\)/);
  assert.match(await page.textContent("[data-testid=seed]"), /not drawn yet/);
  // Before the draw: the round by its name, and the entrants in no ranked order.
  await page.waitForFunction(() => document.querySelector("h1").textContent === "The lottery of Test round");
  assert.equal(await page.locator("ol.ranked").count(), 0);
  assert.ok(await page.locator("ul.entrants li").count() >= 2);
  assert.match(await page.textContent("main"), /this is not a ranking/);

  await page.goto(base + "/staff/admin");
  await page.waitForSelector("#lottery-beacon");
  await page.selectOption("#lottery-round", "test-round");
  const beacon = {
    round: 123,
    randomness: "fb8f7bc29bf24db51871ec8c79f3a1e4bd0557bc0dfcee9ed1d924e69d1c60dc",
    signature: "b75c69d0b72a5d906e854e808ba7e2accb1542ac355ae486d591aa9d43765482e26cd02df835d3546d23c4b13e0dfc92",
  };
  // A changed signature is refused, in a plain sentence; nothing is drawn.
  await page.fill("#lottery-beacon", JSON.stringify({ ...beacon, signature: beacon.signature.replace("b75c", "b75d") }));
  page.once("dialog", (d) => d.accept());
  await page.getByRole("button", { name: "Draw", exact: true }).click();
  await page.waitForFunction(() => /signature is not drand quicknet's/.test(document.querySelector("section[aria-labelledby=lottery-title] [role=alert]").textContent));
  await page.fill("#lottery-beacon", JSON.stringify(beacon));
  page.once("dialog", (d) => d.accept());
  await page.getByRole("button", { name: "Draw", exact: true }).click();
  await page.waitForFunction(() => /Drawn and published/.test(document.querySelector("section[aria-labelledby=lottery-title] [role=status]").textContent));

  // The public page: Verify recomputes it all in the browser.
  await page.goto(base + "/lottery/test-round");
  await page.waitForSelector(`ol.ranked[data-lot="${lot}"] li`);
  assert.match(await page.textContent("[data-testid=seed]"), /^[0-9a-f]{64}$/);
  await page.getByRole("button", { name: "Verify" }).click();
  await page.waitForFunction(() => /^Matches/.test(document.querySelector("[data-testid=verify-result]").textContent));
  assert.deepEqual(await axeViolations(page), [], "the lottery page");
  await page.screenshot({ path: path.join(shots, "lottery.png"), fullPage: true });
  const ranked = await page.locator(`ol.ranked[data-lot="${lot}"] li`).allTextContents();
  assert.equal(ranked.length, 2);

  // A tampered file (another randomness) is caught, naming the seed (and the beacon's randomness).
  await page.route("**/api/rounds/test-round/lottery", async (route) => {
    const response = await route.fetch();
    const json = await response.json();
    json.randomness = "0".repeat(64);
    await route.fulfill({ response, json });
  });
  await page.reload();
  await page.waitForSelector("pre.statement");
  await page.getByRole("button", { name: "Verify" }).click();
  await page.waitForFunction(() => /Does not match/.test(document.querySelector("[data-testid=verify-result]").textContent));
  assert.match(await page.textContent("[data-testid=verify-result]"), /seed: published/);
  await page.unroute("**/api/rounds/test-round/lottery");

  // Each applicant's status page shows their id and rank; rank 1 has the lot.
  const winner = ranked[0];
  for (const receipt of [one, two]) {
    await page.goto(receipt.status_url);
    await page.waitForSelector("[data-testid=lottery-standing]");
    const standing = await page.textContent("[data-testid=lottery-standing]");
    assert.match(standing, /you entered as E-[0-9A-Z]{4}-[0-9A-Z]{4}; you are number [12] of 2/);
    const lotState = await page.textContent("[data-testid=lot-state]");
    if (standing.includes(winner)) assert.match(lotState, /set aside for you/);
    else assert.match(lotState, /lottery/);
  }

  // The standing links to the lot's own lottery page: that lot only, the
  // same Verify, and a way back to the whole round.
  await page.click("[data-testid=lottery-standing]");
  await page.waitForSelector(`ol.ranked[data-lot="${lot}"] li`);
  assert.equal(new URL(page.url()).pathname, `/lottery/test-round/${lot}`);
  // Titled by the round's name, not its slug.
  await page.waitForFunction(() => /^Lot [0-9-]+ in the lottery of Test round$/.test(document.querySelector("h1").textContent));
  assert.equal(await page.locator("ol.ranked").count(), 1);
  assert.deepEqual(await page.locator(`ol.ranked[data-lot="${lot}"] li`).allTextContents(), ranked);
  await page.getByRole("button", { name: "Verify" }).click();
  await page.waitForFunction(() => /^Matches/.test(document.querySelector("[data-testid=verify-result]").textContent));
  assert.deepEqual(await axeViolations(page), [], "a lot's lottery page");
  await page.getByRole("link", { name: /The whole lottery of Test round/ }).click();
  await page.waitForSelector(`#lot-${lot} h3 a`);
  assert.equal(new URL(page.url()).pathname, "/lottery/test-round");
  assert.deepEqual(errors, []);
  await page.close();
});
