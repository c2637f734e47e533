// Load on the public paths a city's neighbours use at once: parcels by map
// view (bbox), search, vector tiles, and applications sent, each at 64
// concurrent connections, then all four mixed. Prints requests/s, p50, p99
// and the errors of each; fails (exit 1) on any error, a 5xx or a refused
// request that should have been accepted.
//
// Run by `make bench-load`, which builds the release binary and sets
// DATABASE_URL. BENCH_PARCELS (default 200000), BENCH_CONNECTIONS (64) and
// BENCH_SECONDS (15 per phase) change the run. The generated city is written
// once, and imported into a fresh database of its own at each run.
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import http from "node:http";
import os from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const bin = path.join(root, "target/release/sidelot");
const data = path.join(root, "target/bench-data");
const PARCELS = Number(process.env.BENCH_PARCELS ?? 200000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);

const url = process.env.DATABASE_URL;
if (!url) throw new Error("set DATABASE_URL (make bench-load does)");
if (!existsSync(bin)) throw new Error(`bench: ${bin} is missing: run make bench-load`);
const [base, query = ""] = url.split("?");
const server = base.slice(0, base.lastIndexOf("/"));
const q = query ? `?${query}` : "";
const dbName = `sidelot_bench_load_${PARCELS}`;
const benchUrl = `${server}/${dbName}${q}`;
const psql = (db, sql) => execFileSync("psql", [db, "-qtAc", sql],
  { encoding: "utf8", maxBuffer: 1 << 28, env: { ...process.env, PGOPTIONS: "-c client_min_messages=warning" } }).trim();
const say = (line) => console.error(`bench: ${line}`);

// --- The city and an open round offering its city-owned lots -------------
mkdirSync(data, { recursive: true });
const name = `generated_${PARCELS}`;
if (!existsSync(path.join(data, `${name}.shp`))) {
  execFileSync(bin, ["sample", "--parcels", String(PARCELS), "--out", data, "--name", name], { stdio: "inherit" });
}
// A fresh database each run: applications leave an append-only audit
// trail, and every neighbour must be able to apply again.
psql(`${server}/postgres${q}`, `drop database if exists ${dbName}`);
psql(`${server}/postgres${q}`, `create database ${dbName}`);
say(`importing ${PARCELS.toLocaleString("en-US")} parcels`);
execFileSync(bin, ["--database-url", benchUrl, "import", "parcels", path.join(data, `${name}.shp`)], { stdio: ["ignore", "ignore", "inherit"] });
writeFileSync(path.join(data, "bench-load-round.toml"), 'slug = "load"\nname = "Load"\nopens = "2020-01-01T00:00"\n'
  + 'closes = "2099-01-01T00:00"\ntime_zone = "America/Chicago"\n[rules]\neligible = ["adjacent", "across_alley", "same_block"]\nmax_lots = 1\n');
execFileSync(bin, ["--database-url", benchUrl, "round", "create", path.join(data, "bench-load-round.toml")], { stdio: "ignore" });
const lots = psql(benchUrl, "select pin from parcels where source->>'CITY_OWNED' in ('T', 'true') order by pin");
writeFileSync(path.join(data, "bench-load-lots.csv"), `pin\n${lots}\n`);
execFileSync(bin, ["--database-url", benchUrl, "import", "lots", "--round", "load", path.join(data, "bench-load-lots.csv")], { stdio: "ignore" });
psql(benchUrl, "analyze");
// The map's stored tiles, prepared again for the lots just offered, as after
// an import.
execFileSync(bin, ["--database-url", benchUrl, "tiles", "prepare"], { stdio: "ignore" });

// What the clients ask for: views at street level, address prefixes and
// PINs, tiles at z14-z16, and (lot, neighbour) pairs that may apply, each
// neighbour once.
const [west, south, east, north] = psql(benchUrl,
  "select concat_ws(',', ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)) from (select ST_Extent(geom) e from parcels) x")
  .split(",").map(Number);
const addresses = psql(benchUrl, "select split_part(address, ' ', 1) || ' ' || split_part(address, ' ', 3) from parcels "
  + "where address is not null order by md5(pin) limit 2000").split("\n");
const pins = psql(benchUrl, "select pin from parcels order by md5(pin) limit 2000").split("\n");
const pairs = psql(benchUrl, `
  select distinct on (p.pin) l.pin || '|' || p.pin
    from round_lots r join parcels l on l.pin = r.pin
    join parcels p on p.pin <> l.pin and p.geom && l.geom and ST_Intersects(p.geom, l.geom)
   where not exists (select 1 from round_lots o where o.pin = p.pin)
     and ST_Length(ST_Intersection(ST_Boundary(l.geom), ST_Buffer(p.geom, 0.000001))::geography) > 10
   order by p.pin, l.pin`).split("\n").map((row) => row.split("|"));
say(`${PARCELS.toLocaleString("en-US")} parcels, ${lots.split("\n").length} lots offered, ${pairs.length} neighbours who may apply`);

const tileX = (lon, z) => Math.floor((lon + 180) / 360 * 2 ** z);
const tileY = (lat, z) => {
  const r = lat * Math.PI / 180;
  return Math.floor((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2 * 2 ** z);
};
let seed = 7;
const random = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
const pick = (list) => list[Math.floor(random() * list.length)];

const kinds = {
  bbox: () => {
    const w = 0.004, h = 0.003;
    const x = west + random() * (east - west - w), y = south + random() * (north - south - h);
    return { path: `/api/parcels?bbox=${x.toFixed(6)},${y.toFixed(6)},${(x + w).toFixed(6)},${(y + h).toFixed(6)}` };
  },
  search: () => ({ path: `/api/search?q=${encodeURIComponent(random() < 0.5 ? pick(addresses) : pick(pins))}` }),
  tiles: () => {
    const z = 14 + Math.floor(random() * 3);
    const x = tileX(west, z) + Math.floor(random() * (tileX(east, z) - tileX(west, z) + 1));
    const y = tileY(north, z) + Math.floor(random() * (tileY(south, z) - tileY(north, z) + 1));
    return { path: `/tiles/parcels/${z}/${x}/${y}.pbf`, ok: [200, 204] };
  },
  apply: () => {
    const pair = pairs.pop();
    if (!pair) return null;
    const [lot, owned] = pair;
    const boundary = `bench${Math.floor(random() * 1e9)}`;
    const fields = { applicant_name: "Load Neighbour", email: `n${owned}@example.org`, mailing_address: "1 Main St",
      owned, lot, planned_use: "garden", attests_ownership: "true", attests_taxes: "true" };
    let body = "";
    for (const [k, v] of Object.entries(fields)) body += `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
    body += `--${boundary}\r\nContent-Disposition: form-data; name="deed"; filename="deed.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n% ${owned}\n%%EOF\n\r\n--${boundary}--\r\n`;
    return { path: "/api/applications", method: "POST", ok: [201],
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` }, body };
  },
};

// --- The server -----------------------------------------------------------
async function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}
const port = await freePort();
const dataDir = mkdtempSync(path.join(os.tmpdir(), "sidelot-bench-load-"));
const child = spawn(bin, ["--database-url", benchUrl, "serve", "--bind", `127.0.0.1:${port}`, "--static-dir", "/nonexistent",
  "--data-dir", dataDir], { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, RUST_LOG: "error" } });
for (let i = 0; ; i++) {
  const ok = await new Promise((resolve) => {
    http.get({ host: "127.0.0.1", port, path: "/api/health" }, (r) => { r.resume(); resolve(r.statusCode === 200); })
      .on("error", () => resolve(false));
  });
  if (ok) break;
  if (i > 300) { child.kill("SIGTERM"); throw new Error("sidelot did not start"); }
  await new Promise((r) => setTimeout(r, 200));
}

// --- One phase: CONNECTIONS clients asking for SECONDS --------------------
function send(agent, req) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const r = http.request({ host: "127.0.0.1", port, agent, path: req.path, method: req.method ?? "GET",
      headers: { "accept-encoding": "gzip", ...(req.headers ?? {}) } }, (res) => {
      res.on("data", () => {});
      res.on("end", () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
    });
    r.on("error", (e) => resolve({ status: 0, ms: 0, error: e.message }));
    if (req.body) r.write(req.body);
    r.end();
  });
}

async function phase(label, mix) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const times = [];
  const byKind = new Map();
  const errors = new Map();
  const end = Date.now() + SECONDS * 1000;
  const started = Date.now();
  let i = 0;
  async function client() {
    while (Date.now() < end) {
      const kind = mix[i++ % mix.length];
      const req = kinds[kind]();
      if (!req) {
        // No neighbour left to apply: the others go on.
        if (mix.every((k) => k === kind)) return;
        continue;
      }
      const r = await send(agent, req);
      const ok = (req.ok ?? [200]).includes(r.status);
      if (ok) {
        times.push(r.ms);
        byKind.set(kind, [...(byKind.get(kind) ?? []), r.ms]);
      }
      else {
        const key = `${kind} ${r.status}${r.error ? ` ${r.error}` : ""}`;
        errors.set(key, (errors.get(key) ?? 0) + 1);
      }
    }
  }
  await Promise.all(Array.from({ length: CONNECTIONS }, client));
  agent.destroy();
  const seconds = (Date.now() - started) / 1000;
  times.sort((a, b) => a - b);
  const at = (p) => times.length ? times[Math.min(times.length - 1, Math.floor(times.length * p))] : NaN;
  const failed = [...errors.values()].reduce((a, b) => a + b, 0);
  const kindsSeen = [...byKind].map(([k, t]) => {
    t.sort((a, b) => a - b);
    return `${k} ${t.length} p50 ${t[Math.floor(t.length / 2)].toFixed(0)} p99 ${t[Math.min(t.length - 1, Math.floor(t.length * 0.99))].toFixed(0)} ms`;
  });
  if (mix.length > 1) say(`${label}: ${kindsSeen.join("; ")}`);
  return { label, n: times.length, rps: times.length / seconds, p50: at(0.5), p99: at(0.99), failed, errors };
}

// Half the neighbours apply in their own phase, the other half in the mix.
const reserve = pairs.splice(0, Math.floor(pairs.length / 2));
const results = [];
for (const [label, mix] of [["parcels by bbox", ["bbox"]], ["search", ["search"]], ["tiles z14-16", ["tiles"]],
  ["applications sent", ["apply"]], ["reads mixed", ["bbox", "search", "tiles", "tiles", "bbox"]], ["all four mixed", ["bbox", "search", "tiles", "tiles", "bbox", "apply"]]]) {
  if (label === "all four mixed") pairs.push(...reserve);
  say(`${label}: ${CONNECTIONS} connections for ${SECONDS} s`);
  const result = await phase(label, mix);
  results.push(result);
  if (mix.includes("apply")) say(`${label}: ${pairs.length} neighbours left who may apply`);
}
child.kill("SIGTERM");

console.log(`\n${PARCELS.toLocaleString("en-US")} parcels, ${CONNECTIONS} connections, ${SECONDS} s per phase\n`);
console.log("| phase | requests | req/s | p50 ms | p99 ms | errors |");
console.log("|---|---:|---:|---:|---:|---:|");
for (const r of results) {
  console.log(`| ${r.label} | ${r.n.toLocaleString("en-US")} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.failed} |`);
}
const failures = results.filter((r) => r.failed > 0);
for (const r of failures) console.error(`bench: ${r.label}: ${[...r.errors].map(([k, v]) => `${v} x ${k}`).join(", ")}`);
process.exit(failures.length ? 1 : 0);
