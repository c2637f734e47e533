// Eligibility pre-check benchmark: p50/p99 latency of GET /api/eligibility
// on a generated city of 1,000,000 parcels, one request at a time over a
// kept-alive connection, against the release binary on this machine.
//
// Pairs: for 500 city-owned lots, a parcel touching it, one across the alley
// (3-8 m), one across the street (15-30 m) and one 300-600 m away: the
// answers a neighbour most often gets, and the costliest (the block walk).
//
// Usage: DATABASE_URL=... node scripts/bench-eligibility.mjs   (make
// bench-eligibility sets it up).
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const bin = path.join(root, "target/release/sidelot");
const data = path.join(root, "target/bench-data");
const PARCELS = Number(process.env.BENCH_PARCELS ?? 1000000);
const LOTS = 500;

const url = process.env.DATABASE_URL;
if (!url) throw new Error("set DATABASE_URL (make bench-eligibility does)");
if (!existsSync(bin)) throw new Error(`bench: ${bin} is missing: run make bench-eligibility`);
const [base, query = ""] = url.split("?");
const server = base.slice(0, base.lastIndexOf("/"));
const q = query ? `?${query}` : "";
const benchUrl = `${server}/sidelot_bench_eligibility${q}`;
const psql = (db, sql) => execFileSync("psql", [db, "-qtAc", sql],
  { encoding: "utf8", maxBuffer: 1 << 26, env: { ...process.env, PGOPTIONS: "-c client_min_messages=warning" } }).trim();

mkdirSync(data, { recursive: true });
const name = `generated_${PARCELS}`;
if (!existsSync(path.join(data, `${name}.shp`))) {
  execFileSync(bin, ["sample", "--parcels", String(PARCELS), "--out", data, "--name", name], { stdio: "inherit" });
}
const fresh = psql(`${server}/postgres${q}`, "select count(*) from pg_database where datname = 'sidelot_bench_eligibility'") === "0";
if (fresh) {
  psql(`${server}/postgres${q}`, "create database sidelot_bench_eligibility");
  console.error(`bench: importing ${PARCELS.toLocaleString("en-US")} parcels (once; the database is kept)`);
  execFileSync(bin, ["--database-url", benchUrl, "import", "parcels", path.join(data, `${name}.shp`)], { stdio: ["ignore", "ignore", "inherit"] });
}
execFileSync(bin, ["--database-url", benchUrl, "migrate"], { stdio: "ignore" });
psql(benchUrl, "analyze parcels");

// An open round offering 500 lots spread over the city.
psql(benchUrl, "delete from round_lots; delete from rounds; delete from block_sets");
writeFileSync(path.join(data, "bench-round.toml"), 'slug = "bench"\nname = "Bench"\nopens = "2020-01-01T00:00"\ncloses = "2099-01-01T00:00"\ntime_zone = "UTC"\n');
// Creating the round computes the geometric blocks of the whole city once.
const t0 = performance.now();
execFileSync(bin, ["--database-url", benchUrl, "round", "create", path.join(data, "bench-round.toml")], { stdio: "ignore" });
const blocksSeconds = (performance.now() - t0) / 1000;
const blockCount = psql(benchUrl, "select blocks from block_sets where gap_cm = 800");
const lots = psql(benchUrl, `select pin from parcels where source->>'CITY_OWNED' in ('T', 'true') order by md5(pin) limit ${LOTS}`).split("\n");
writeFileSync(path.join(data, "bench-lots.csv"), `pin\n${lots.join("\n")}\n`);
execFileSync(bin, ["--database-url", benchUrl, "import", "lots", "--round", "bench", path.join(data, "bench-lots.csv")], { stdio: "ignore" });

const pairs = psql(benchUrl, `
  select l.pin || ' ' || x.pin || ' ' || x.band
    from parcels l
    cross join lateral (
      (select p.pin, 'touching' band from parcels p
        where p.pin <> l.pin and p.geom && l.geom and ST_Intersects(p.geom, l.geom) order by p.pin limit 1)
      union all
      (select p.pin, 'alley' from parcels p
        where p.geom && ST_Expand(l.geom, 0.0001) and ST_Distance(p.geom::geography, l.geom::geography) between 3 and 8 order by p.pin limit 1)
      union all
      (select p.pin, 'street' from parcels p
        where p.geom && ST_Expand(l.geom, 0.0004) and ST_Distance(p.geom::geography, l.geom::geography) between 15 and 30 order by p.pin limit 1)
      union all
      (select p.pin, 'far' from parcels p
        where p.geom && ST_Expand(l.geom, 0.008) and not p.geom && ST_Expand(l.geom, 0.004) order by p.pin limit 1)
    ) x
   where l.pin = any('{${lots.join(",")}}')`).split("\n").map((line) => line.split(" "));

const port = await new Promise((resolve) => {
  const s = createServer();
  s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
});
const serve = spawn(bin, ["--database-url", benchUrl, "serve", "--bind", `127.0.0.1:${port}`, "--static-dir", "/nonexistent"],
  { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, RUST_LOG: "warn" } });
await new Promise((resolve, reject) => {
  serve.stdout.on("data", (d) => { if (String(d).includes("serving on")) resolve(); });
  serve.on("exit", (code) => reject(new Error(`sidelot serve exited with ${code}`)));
});

try {
  const ask = async ([lot, owned]) => {
    const t0 = performance.now();
    const r = await fetch(`http://127.0.0.1:${port}/api/eligibility?lot=${lot}&owned=${owned}`);
    const body = await r.json();
    if (r.status !== 200) throw new Error(`${lot}/${owned}: ${JSON.stringify(body)}`);
    return { ms: performance.now() - t0, relation: body.relation };
  };
  for (const p of pairs.slice(0, 100)) await ask(p); // warm the caches
  const times = { all: [] };
  const relations = {};
  for (const p of pairs) {
    const { ms, relation } = await ask(p);
    (times[p[2]] ??= []).push(ms);
    times.all.push(ms);
    relations[relation] = (relations[relation] ?? 0) + 1;
  }
  const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
  console.log(`\neligibility benchmark: ${PARCELS.toLocaleString("en-US")} generated parcels, ${pairs.length} pairs around ${lots.length} lots, one request at a time`);
  console.log(`round created with its geometric blocks computed in ${blocksSeconds.toFixed(1)} s (${Number(blockCount).toLocaleString("en-US")} blocks)`);
  console.log(`relations answered: ${Object.entries(relations).map(([k, v]) => `${k} ${v}`).join(", ")}\n`);
  console.log(`${"pairs".padEnd(12)} ${"n".padStart(6)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"max ms".padStart(8)}`);
  for (const [band, xs] of Object.entries(times)) {
    console.log(`${band.padEnd(12)} ${String(xs.length).padStart(6)} ${pct(xs, 0.5).toFixed(2).padStart(8)} ${pct(xs, 0.99).toFixed(2).padStart(8)} ${Math.max(...xs).toFixed(2).padStart(8)}`);
  }
} finally {
  serve.kill("SIGTERM");
}
