// The parcels' vector tiles on a generated city of 1,000,000 parcels:
// sidelot beside Martin (the tile server a GIS team would otherwise put in
// front of the same `parcels` table), each in its default configuration.
//
// Prints how long the tiles' preparation takes after the import, then, for
// each server, tiles/s and p50/p99 per zoom over a fixed list of z10-z16
// tiles covering the city, with 16 connections, cold (first pass, right
// after the server starts) and warm (second pass).
//
// Run by `make bench-tiles`, which builds the release binary and sets
// DATABASE_URL. Martin is built here, once, into target/bench-tools (only
// this script installs it). BENCH_PARCELS (default 1000000),
// BENCH_CONNECTIONS (16) and BENCH_PER_ZOOM (300 tiles at most per zoom)
// change the run.
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import http from "node:http";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const bin = path.join(root, "target/release/sidelot");
const data = path.join(root, "target/bench-data");
const tools = path.join(root, "target/bench-tools");
const martinBin = path.join(tools, "bin/martin");
const MARTIN_VERSION = "1.14.0";
const PARCELS = Number(process.env.BENCH_PARCELS ?? 1000000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const PER_ZOOM = Number(process.env.BENCH_PER_ZOOM ?? 300);
const LOTS = 500;

const url = process.env.DATABASE_URL;
if (!url) throw new Error("set DATABASE_URL (make bench-tiles does)");
if (!existsSync(bin)) throw new Error(`bench: ${bin} is missing: run make bench-tiles`);
const [base, query = ""] = url.split("?");
const server = base.slice(0, base.lastIndexOf("/"));
const q = query ? `?${query}` : "";
const dbName = `sidelot_bench_tiles_${PARCELS}`;
const benchUrl = `${server}/${dbName}${q}`;
const psql = (db, sql) => execFileSync("psql", [db, "-qtAc", sql],
  { encoding: "utf8", maxBuffer: 1 << 26, env: { ...process.env, PGOPTIONS: "-c client_min_messages=warning" } }).trim();
const say = (line) => console.error(`bench: ${line}`);

// --- Martin, built once --------------------------------------------------
if (!existsSync(martinBin)) {
  say(`building Martin ${MARTIN_VERSION} (PostGIS sources only) into ${tools}: once, some minutes`);
  execFileSync("cargo", ["install", "--locked", "--quiet", "martin", "--version", MARTIN_VERSION,
    "--no-default-features", "--features", "postgres", "--root", tools], { stdio: "inherit" });
}

// --- The city ------------------------------------------------------------
mkdirSync(data, { recursive: true });
const name = `generated_${PARCELS}`;
if (!existsSync(path.join(data, `${name}.shp`))) {
  execFileSync(bin, ["sample", "--parcels", String(PARCELS), "--out", data, "--name", name], { stdio: "inherit" });
}
const fresh = psql(`${server}/postgres${q}`, `select count(*) from pg_database where datname = '${dbName}'`) === "0";
const timed = (args) => {
  const out = execFileSync(bin, ["--database-url", benchUrl, ...args], { encoding: "utf8" });
  const m = out.match(/tiles prepared: ([\d,]+) tiles of zooms [\d-]+ in ([\d.]+) s/);
  if (!m) throw new Error(`bench: no preparation reported by sidelot ${args.join(" ")}:\n${out}`);
  return { tiles: m[1], seconds: Number(m[2]) };
};
if (fresh) {
  psql(`${server}/postgres${q}`, `create database ${dbName}`);
  say(`importing ${PARCELS.toLocaleString("en-US")} parcels (once; the database is kept)`);
  execFileSync(bin, ["--database-url", benchUrl, "import", "parcels", path.join(data, `${name}.shp`)], { stdio: ["ignore", "ignore", "inherit"] });
}
execFileSync(bin, ["--database-url", benchUrl, "migrate"], { stdio: "ignore" });
psql(benchUrl, "analyze");

// An open round offering 500 lots spread over the city, so that the low
// zooms have lots to show.
psql(benchUrl, "delete from application_lots; delete from round_lots; delete from rounds");
writeFileSync(path.join(data, "bench-round.toml"), 'slug = "bench"\nname = "Bench"\nopens = "2020-01-01T00:00"\ncloses = "2099-01-01T00:00"\ntime_zone = "UTC"\n');
execFileSync(bin, ["--database-url", benchUrl, "round", "create", path.join(data, "bench-round.toml")], { stdio: "ignore" });
const lots = psql(benchUrl, `select pin from parcels where source->>'CITY_OWNED' in ('T', 'true') order by md5(pin) limit ${LOTS}`).split("\n");
writeFileSync(path.join(data, "bench-lots.csv"), `pin\n${lots.join("\n")}\n`);
execFileSync(bin, ["--database-url", benchUrl, "import", "lots", "--round", "bench", path.join(data, "bench-lots.csv")], { stdio: "ignore" });
// The tiles as an import leaves them, prepared again for the lots just
// offered (the same work as after an import, timed).
const prepared = timed(["tiles", "prepare"]);

// --- The tiles asked for: every tile over the city at z10-z13, and an even
// spread of at most PER_ZOOM of them at z14-z16 -------------------------
const [west, south, east, north] = psql(benchUrl,
  "select concat_ws(',', ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)) from (select ST_Extent(geom) e from parcels) x")
  .split(",").map(Number);
const tileX = (lon, z) => Math.floor((lon + 180) / 360 * 2 ** z);
const tileY = (lat, z) => {
  const r = lat * Math.PI / 180;
  return Math.floor((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2 * 2 ** z);
};
const list = [];
for (let z = 10; z <= 16; z++) {
  const all = [];
  for (let x = tileX(west, z); x <= tileX(east, z); x++) {
    for (let y = tileY(north, z); y <= tileY(south, z); y++) all.push([z, x, y]);
  }
  const step = Math.max(1, Math.ceil(all.length / PER_ZOOM));
  list.push(...all.filter((_, i) => i % step === 0));
}
say(`${list.length} tiles from z10 to z16 over ${west.toFixed(3)},${south.toFixed(3)},${east.toFixed(3)},${north.toFixed(3)}`);

// --- Running one server --------------------------------------------------
async function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

async function start(kind) {
  const port = await freePort();
  const child = kind === "sidelot"
    ? spawn(bin, ["--database-url", benchUrl, "serve", "--bind", `127.0.0.1:${port}`, "--static-dir", "/nonexistent"],
      { stdio: ["ignore", "ignore", "inherit"] })
    : spawn(martinBin, ["--listen-addresses", `127.0.0.1:${port}`, benchUrl],
      { stdio: ["ignore", "ignore", "ignore"], env: { ...process.env, RUST_LOG: "error" } });
  const probe = kind === "sidelot" ? "/api/health" : "/health";
  for (let i = 0; i < 300; i++) {
    const ok = await new Promise((resolve) => {
      http.get({ host: "127.0.0.1", port, path: probe }, (r) => { r.resume(); resolve(r.statusCode === 200); })
        .on("error", () => resolve(false));
    });
    if (ok) return { child, port };
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill("SIGTERM");
  throw new Error(`${kind} did not start`);
}

function pathOf(kind, [z, x, y]) {
  return kind === "sidelot" ? `/tiles/parcels/${z}/${x}/${y}.pbf` : `/parcels/${z}/${x}/${y}`;
}

async function pass(kind, port) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const times = new Map();
  let next = 0, bytes = 0, failed = 0;
  const t0 = performance.now();
  async function worker() {
    while (next < list.length) {
      const tile = list[next++];
      const t = performance.now();
      const status = await new Promise((resolve) => {
        http.get({ host: "127.0.0.1", port, path: pathOf(kind, tile), agent, headers: { "accept-encoding": "gzip" } }, (r) => {
          r.on("data", (c) => { bytes += c.length; });
          r.on("end", () => resolve(r.statusCode));
        }).on("error", () => resolve(0));
      });
      if (status !== 200 && status !== 204) failed++;
      const z = tile[0];
      if (!times.has(z)) times.set(z, []);
      times.get(z).push(performance.now() - t);
    }
  }
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  return { seconds, bytes, failed, times };
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p / 100 * s.length))];
};
const ms = (v) => v.toFixed(1);

const results = [];
for (const kind of ["sidelot", "martin"]) {
  const { child, port } = await start(kind);
  try {
    for (const label of ["cold", "warm"]) {
      const r = await pass(kind, port);
      results.push({ kind, label, ...r });
      say(`${kind} ${label}: ${(list.length / r.seconds).toFixed(0)} tiles/s, ${(r.bytes / 1e6).toFixed(1)} MB, ${r.failed} failed`);
    }
  } finally {
    child.kill("SIGTERM");
  }
}

console.log(`\nTiles of a generated city of ${PARCELS.toLocaleString("en-US")} parcels (${LOTS} offered), ${list.length} tiles z10-z16, ${CONNECTIONS} connections, gzip.`);
console.log(`Preparation after the import (density cells, street names, every tile of z10-z16 rendered and stored): ${prepared.tiles} tiles in ${prepared.seconds.toFixed(1)} s\n`);
const zooms = [...new Set(list.map((t) => t[0]))];
console.log(`| server | pass | tiles/s | MB | ${zooms.map((z) => `z${z} p50/p99 ms`).join(" | ")} |`);
console.log(`|---|---|---|---|${zooms.map(() => "---").join("|")}|`);
for (const r of results) {
  const cells = zooms.map((z) => `${ms(pct(r.times.get(z), 50))} / ${ms(pct(r.times.get(z), 99))}`);
  console.log(`| ${r.kind} | ${r.label} | ${(list.length / r.seconds).toFixed(0)} | ${(r.bytes / 1e6).toFixed(1)} | ${cells.join(" | ")} |`);
}
if (results.some((r) => r.failed > 0)) {
  console.log("\nSome tiles failed: see the counts above.");
  process.exitCode = 1;
}
