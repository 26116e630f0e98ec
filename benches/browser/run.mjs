// The side-by-side browser benchmark: Tidemark vs DuckDB-WASM on the same file, in
// Debian's headless Chromium (playwright-core; never downloads a browser). Usually
// started by scripts/bench-browser, which installs this directory's npm packages
// and builds pkg/ first:
//   node benches/browser/run.mjs [100k|1m|10m|30m|path/to/file.csv]
// For a size tag it generates target/bench/events_<tag>.csv if missing
// (benches/data/gen_events.py --seed 42). Then RUNS (3) rounds of one fresh browser per
// engine, alternated (ours, DuckDB's, ours, …), each started once the dirty pages
// are written back and the machine is ≥ 90% idle over a second: each loads
// www/bench.html?engine=<engine>, picks the file (named to the browser, which reads it
// where it is: the same page-cache pages for both engines) and waits for the page's
// JSON; the renderer's peak RSS (VmHWM) is read from /proc, and the CPU the machine's
// other processes took during the load (machine.mjs) is printed with it. Prints the
// side-by-side markdown table (medians of the browsers) and writes all runs to
// target/bench/browser_<name>.json.
// Exits non-zero, printing the differing numbers, when our results differ from
// DuckDB's or either differs from the seed-42 reference figures, or when the page
// requested anything outside its own origin.
//   env: RUNS=3, ENGINES=tidemark,duckdb, PARTS=N (our load in N parts, 1 = sequential;
//   default: as the page decides, www/js/parallel-load.js), SHARE=F (in parts: the
//   fraction of the file the engine worker parses itself; default the page's,
//   www/js/parallel-load.js: 0.48 of two parts),
//   RUN_TIMEOUT_S=900 (a browser's load + analyses; a timeout or a renderer crash fails
//   the run with the page's state and the stage it was in)
import { chromium } from 'playwright-core';
import { ARGS, serve } from './chromium.mjs';
import { machineSampler, descends, read } from './machine.mjs';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync, statSync } from 'node:fs';
import { resolve, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareEngines, compareReference } from './compare.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SIZES = { '100k': 100_000, '1m': 1_000_000, '10m': 10_000_000, '30m': 30_000_000 };
const arg = process.argv[2] || '1m';
const runs = Number(process.env.RUNS || 3);
const engines = (process.env.ENGINES || 'tidemark,duckdb').split(',');
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const say = (...a) => console.error('[bench-browser]', ...a);

// ---------------------------------------------------------------- the file

let file;
let seed42 = false;
if (SIZES[arg]) {
  file = resolve(root, `target/bench/events_${arg}.csv`);
  seed42 = true;
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    say(`generating ${file} (python3 benches/data/gen_events.py --rows ${SIZES[arg]} --seed 42)`);
    const g = spawnSync('python3', [resolve(root, 'benches/data/gen_events.py'), '--rows', String(SIZES[arg]),
      '--seed', '42', file + '.part'], { stdio: 'inherit' });
    if (g.status !== 0) throw new Error('the generator failed');
    spawnSync('mv', [file + '.part', file]);
  }
} else {
  file = resolve(arg);
  if (!existsSync(file)) throw new Error(`no such file: ${file} (or give 100k, 1m, 10m or 30m)`);
}
const name = SIZES[arg] ? arg : basename(file).replace(/\.[^.]*$/, '');
const bytes = statSync(file).size;
if (!existsSync(resolve(root, 'pkg/tidemark_bg.wasm'))) throw new Error('pkg/ is missing: run scripts/build-wasm');
if (engines.includes('duckdb') && !existsSync(resolve(root, 'benches/browser/node_modules/@duckdb/duckdb-wasm/dist'))) {
  throw new Error('DuckDB-WASM is not installed: run scripts/bench-browser (it runs npm ci in benches/browser)');
}

// ---------------------------------------------------------------- /proc

/**
 * Peak RSS (VmHWM, KiB) of the renderer processes of the Chromium this process
 * launched (one at a time): the max.
 */
function rendererPeakKiB() {
  let peak = 0;
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p) || !descends(p) || !read(`/proc/${p}/cmdline`)?.includes('--type=renderer')) continue;
    const m = /VmHWM:\s+(\d+) kB/.exec(read(`/proc/${p}/status`) ?? '');
    if (m) peak = Math.max(peak, Number(m[1]));
  }
  return peak;
}

// ---------------------------------------------------------------- runs

const { server, url } = await serve(root);
const origin = new URL(url).origin;

const machine = machineSampler();

async function once(engine, i) {
  // Launched, not connected to: playwright then names the file to the browser, which
  // reads it where it lies. A browser connected to over a WebSocket (launchServer +
  // connect, until the twelfth session) got a copy streamed into playwright's
  // artifacts directory instead: 28–69 s per browser and 657 MiB of dirty pages
  // written back around the loads (BENCHMARKS.md, twelfth session, s12h3).
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  const foreign = [];
  try {
    const context = await browser.newContext();
    // Nothing may leave the origin (DuckDB must not fetch a CDN bundle or an
    // extension): every request is recorded, and any other origin fails the run.
    // Recorded, not intercepted: routing would hold every request of the start-up
    // being measured for a round trip to this process; the page's CSP (connect-src
    // 'self', and /vendor/'s own) is what blocks a foreign request.
    context.on('request', (req) => {
      const u = req.url();
      if (new URL(u).origin === origin || u.startsWith('blob:') || u.startsWith('data:')) return;
      foreign.push(u);
    });
    const page = await context.newPage();
    const console_ = [];
    page.on('console', (m) => { if (m.type() === 'error') console_.push(m.text()); });
    page.on('pageerror', (e) => console_.push(String(e)));
    // A renderer that dies (or a load that never ends) must fail the run with what is
    // known, not leave the driver waiting for an hour: the crash rejects the wait.
    const crash = new Promise((_, fail) => {
      page.on('crash', () => fail(new Error(`${engine} run ${i + 1}: the renderer crashed${stage()}`)));
    });
    crash.catch(() => {});
    let stageAt = 'opening the page';
    const stage = () => ` (while ${stageAt}; ${((Date.now() - t0) / 1000).toFixed(1)} s after the page was opened)\n${console_.join('\n')}`;
    const t0 = Date.now();
    const until = (p) => Promise.race([p, crash]);
    await until(page.goto(`${url}bench.html?engine=${engine}${process.env.PARTS ? `&parts=${process.env.PARTS}` : ''}${process.env.SHARE ? `&share=${process.env.SHARE}` : ''}`));
    // The file only once the engine is ready, as a user picks it after the page has loaded.
    stageAt = 'starting the engine';
    await until(page.waitForSelector('[data-testid=bench-out][data-ready], [data-testid=bench-out][data-done]', { timeout: 120_000 }));
    // The start-up's phases (epoch ms, #startup: bench.js and its worker for ours, started
    // and ready for DuckDB's), kept as ms after the page script started: a slow start-up
    // then shows which chain decided it (printed below for those above the median).
    const phases = await page.textContent('[data-testid=bench-startup]').catch(() => '');
    stageAt = 'handing over the file (setInputFiles)';
    const s0 = Date.now();
    await until(page.setInputFiles('[data-testid=bench-file]', file));
    const handOver = Date.now() - s0;
    if (handOver > 30_000) say(`${engine} run ${i + 1}: setInputFiles took ${(handOver / 1000).toFixed(1)} s`);
    stageAt = 'loading and analysing';
    try {
      await until(page.waitForSelector('[data-testid=bench-out][data-done]', { timeout: Number(process.env.RUN_TIMEOUT_S || 900) * 1000 }));
    } catch (e) {
      if (!/Timeout/.test(String(e))) throw e;
      // What the page got to: its output so far and the load's progress line.
      const seen = await page.evaluate(() => document.body.innerText.slice(-2000)).catch((x) => `(unreadable: ${x})`);
      throw new Error(`${engine} run ${i + 1}: no result after ${process.env.RUN_TIMEOUT_S || 900} s${stage()}\nthe page shows:\n${seen}`);
    }
    const r = JSON.parse(await page.textContent('[data-testid=bench-out]'));
    r.hand_over_ms = handOver;
    // The load's window: ours reports it (epoch ms); DuckDB's starts as the file is handed over.
    const [l0, l1] = r.load_at ?? [s0 + handOver, s0 + handOver + r.load_auto_ms];
    r.others_during_load = machine.others(l0, l1);
    r.startup_phases = startupPhases(phases);
    r.renderer_peak_kib = rendererPeakKiB();
    r.foreign_requests = foreign;
    if (r.error) throw new Error(`${engine} run ${i + 1}: ${r.error}\n${console_.join('\n')}`);
    return r;
  } finally {
    await browser.close().catch(() => {});
  }
}

/**
 * The #startup JSON (epoch ms) as ms after the page script started (`started`), in the
 * order the phases happened; `page_origin` (navigation start) comes out negative. Null
 * when the page wrote none.
 */
function startupPhases(text) {
  let p;
  try {
    p = JSON.parse(text);
  } catch {
    return null;
  }
  if (!p || typeof p.started !== 'number') return null;
  const rel = Object.entries(p).filter(([k, v]) => k !== 'started' && typeof v === 'number')
    .map(([k, v]) => [k, +(v - p.started).toFixed(1)]);
  return Object.fromEntries(rel.sort((a, b) => a[1] - b[1]));
}

/**
 * One line for a start-up: its phases (ms after the page script started) and, for
 * ours, which chain decided — the worker's (spawn, its script, the glue) or the main
 * thread's (the wasm's fetch and compile): the later of `glue` and `compiled`, as the
 * worker instantiates only once it has both.
 */
function describeStartup(r) {
  const p = r.startup_phases;
  if (!p) return 'no phases recorded';
  const list = Object.entries(p).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ');
  if (typeof p.compiled !== 'number' || typeof p.glue !== 'number') return list;
  const chain = p.compiled >= p.glue
    ? `the main thread's (wasm fetched at ${p.wasm_responseEnd?.toFixed(0) ?? '?'}, compiled at ${p.compiled.toFixed(0)}; the worker's script ran at ${p.glue.toFixed(0)})`
    : `the worker's (spawned at ${p.spawned?.toFixed(0) ?? '?'}, its global at ${p.worker_origin?.toFixed(0) ?? '?'}, its script at ${p.glue.toFixed(0)}; the module compiled at ${p.compiled.toFixed(0)})`;
  return `${list}\n    decided by ${chain}`;
}

/** The machine's idle share over one second (all cores; /proc/stat). */
async function idleShare() {
  const times = () => readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const a = times();
  await new Promise((r) => setTimeout(r, 1000));
  const b = times();
  const d = b.map((v, i) => v - a[i]);
  const total = d.reduce((x, y) => x + y, 0);
  // idle + iowait
  return total > 0 ? (d[3] + d[4]) / total : 1;
}

/**
 * Before a browser starts: writes back the dirty pages (`sync`: the machine's other
 * work writes too; the kernel would write them back in the middle of a load) — then
 * waits (up to 15 s) until the machine is ≥ 90% idle over a second (the previous
 * browser's exit frees up to 3 GB).
 */
async function quiet() {
  spawnSync('sync');
  let idle = 0;
  for (let i = 0; i < 15; i++) {
    idle = await idleShare();
    if (idle >= 0.9) return;
  }
  say(`the machine did not settle: ${(idle * 100).toFixed(0)}% idle`);
}

const all = {};
try {
  for (const engine of engines) all[engine] = [];
  // The engines alternate browser by browser (ours, DuckDB's, ours, …), so that
  // a machine whose load drifts, or the first browser after an idle spell, hits
  // each alike.
  for (let i = 0; i < runs; i++) {
    for (const engine of engines) {
      await quiet();
      const r = await once(engine, i);
      const t = Object.entries(r.timings).map(([k, v]) => `${k} ${v.ms} ms`).join(', ');
      say(`${engine} run ${i + 1}: start-up ${r.startup_ms} ms, load ${r.load_auto_ms} ms` +
        `${r.load_parts ? ` (${r.load_parts} part${r.load_parts > 1 ? 's' : ''}${r.load_fallback ? ', fell back' : ''}` +
        `${r.load_stages_ms ? `; ${Object.entries(r.load_stages_ms).map(([k, v]) => `${k} ${v}`).join(', ')}` : ''})` : ''}` +
        `${r.load_typed_ms ? ` (typed ${r.load_typed_ms} ms)` : ''}, ${t}, renderer peak ${(r.renderer_peak_kib / 1024).toFixed(0)} MiB` +
        `${r.others_during_load ? `; other processes took ${r.others_during_load.ms} ms of CPU during the load (${(r.others_during_load.share * 100).toFixed(0)}% of the cores)` : ''}`);
      all[engine].push(r);
    }
  }
} finally {
  machine.stop();
  server.kill();
}

// ---------------------------------------------------------------- checks

const problems = [];
for (const engine of engines) {
  const rs = all[engine];
  for (const r of rs) if (r.foreign_requests.length) problems.push(`${engine} requested outside the origin: ${r.foreign_requests.join(', ')}`);
  for (let i = 1; i < rs.length; i++) {
    if (JSON.stringify(rs[i].results) !== JSON.stringify(rs[0].results)) problems.push(`${engine}: results differ between browser runs 1 and ${i + 1}`);
  }
  if (seed42) problems.push(...compareReference(engine, rs[0], rs[0].rows));
}
let diffs = null;
if (all.tidemark && all.duckdb) {
  const a = all.tidemark[0];
  const b = all.duckdb[0];
  if (a.rows !== b.rows || a.users !== b.users) problems.push(`rows/users: tidemark ${a.rows}/${a.users}, duckdb ${b.rows}/${b.users}`);
  diffs = compareEngines(a, b);
  for (const [k, d] of Object.entries(diffs)) {
    if (d === null) say(`${k}: not compared (${a.unavailable[k] || b.unavailable[k] || 'missing'})`);
    else if (d.length) problems.push(...d.slice(0, 40), ...(d.length > 40 ? [`… ${d.length - 40} more ${k} differences`] : []));
    else say(`${k}: tidemark = duckdb`);
  }
}

// ---------------------------------------------------------------- table

const med = (engine, f) => {
  if (!all[engine]) return null;
  const xs = all[engine].map(f).filter((x) => typeof x === 'number');
  return xs.length ? median(xs) : null;
};
const ms = (x) => (x === null ? 'n/a' : x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x >= 100 ? x.toFixed(0) : x.toFixed(1)} ms`);
const mib = (kib) => (kib === null ? 'n/a' : `${(kib / 1024).toFixed(0)} MiB`);
const first = (engine) => all[engine] && all[engine][0];
const rows = (first('tidemark') || first('duckdb')).rows;
const duck = first('duckdb');
const duckName = duck ? `DuckDB-WASM ${duck.duckdb_version} (${duck.bundle}, ${duck.threads} thread${duck.threads === 1 ? '' : 's'})` : 'DuckDB-WASM';
const ratio = (a, b) => (a && b ? `${(b / a).toFixed(1)}×` : '');
const line = (label, a, b, fmt = ms) => `| ${label} | ${fmt(a)} | ${fmt(b)} | ${ratio(a, b)} |`;
const timing = (engine, k) => med(engine, (r) => (r.timings[k] ? r.timings[k].ms : null));
const na = (engine, k) => (all[engine] && all[engine][0].unavailable[k] ? 'n/a (not in this build)' : null);
const cell = (engine, k) => na(engine, k) || ms(timing(engine, k));
const table = [
  `| ${name}: ${rows.toLocaleString('en')} events (${(bytes / 2 ** 20).toFixed(1)} MiB), median of ${runs} browsers | Tidemark | ${duckName} | DuckDB / Tidemark |`,
  '|---|---|---|---|',
  line('start-up (page: start the engine → ready; wasm compile + init)', med('tidemark', (r) => r.startup_ms), med('duckdb', (r) => r.startup_ms)),
  line('load the File, types auto-detected', med('tidemark', (r) => r.load_auto_ms), med('duckdb', (r) => r.load_auto_ms)),
  `| load the File, typed columns | — | ${ms(med('duckdb', (r) => r.load_typed_ms))} | |`,
  ...[['funnel', '4-step ordered funnel, 7 d'], ['retention', 'weekly retention, 12 weeks (bounded)'],
    ['rfm', 'RFM (purchase)'], ['repeat', '30-day repeat rate']].map(([k, label]) =>
    `| ${label} (median of 5) | ${cell('tidemark', k)} | ${cell('duckdb', k)} | ${na('tidemark', k) || na('duckdb', k) ? '' : ratio(timing('tidemark', k), timing('duckdb', k))} |`),
  ...[['lifecycle', 'weekly lifecycle'], ['ltv', 'monthly revenue retention (historical LTV), 12 months'],
    ['repurchase_full', 'repeat within 30/60/90 d with the behaviour drivers']].map(([k, label]) =>
    `| ${label} (median of 5, Tidemark only) | ${ms(timing('tidemark', k))} | — | |`),
  line('renderer peak memory (VmHWM)', med('tidemark', (r) => r.renderer_peak_kib), med('duckdb', (r) => r.renderer_peak_kib), mib),
  `| memory per event (Tidemark: wasm memory after load; renderer peak) | ${all.tidemark
    ? `${(med('tidemark', (r) => r.wasm_memory_after_load_bytes) / rows).toFixed(0)} B; ${(med('tidemark', (r) => r.renderer_peak_kib) * 1024 / rows).toFixed(0)} B` : 'n/a'} | ${duck
    ? `renderer peak ${(med('duckdb', (r) => r.renderer_peak_kib) * 1024 / rows).toFixed(0)} B` : 'n/a'} | |`,
].join('\n');

const outFile = resolve(root, `target/bench/browser_${name}.json`);
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, JSON.stringify({ file, bytes, rows, runs, engines, diffs, problems, table, results: all }, null, 2));
console.log(table);
// Why a start-up was slow: the phases of every browser above its engine's median.
for (const engine of engines) {
  const m = med(engine, (r) => r.startup_ms);
  all[engine].forEach((r, i) => {
    if (typeof r.startup_ms === 'number' && r.startup_ms > m) {
      say(`${engine} run ${i + 1}: start-up ${ms(r.startup_ms)} > median ${ms(m)}; phases (ms after the page script started): ${describeStartup(r)}`);
    }
  });
}
say(`all runs: ${outFile}`);
if (problems.length) {
  console.error('\nRESULTS DIFFER:');
  for (const p of problems) console.error('  ' + p);
  process.exit(1);
}
