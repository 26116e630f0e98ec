// Where the engine's start-up goes, in fresh headless browsers: for each of N fresh
// Chromium instances (Debian's, via playwright-core), load www/bench.html with no
// file and read the phases the page and its worker record (epoch ms, #startup):
// worker spawned, worker global created, worker script run (its static imports
// fetched), JS glue imported, wasm fetched, compiled (main thread), module received
// by the worker, instantiated + start function (ready). Prints each browser's phases
// relative to the page script's start, then the medians and ranges, and the load
// average of the machine before and after.
//   node benches/browser/startup.mjs [N=12] [LABEL=PKG_DIR[,WWW_DIR][,route][,webui][,SERVER.mjs][,disable=A+B] ...]
// With several variants (a pkg/ and optionally a www/ each; default: this repo's),
// the browsers alternate between them (A, B, A, B, …) so that a machine whose load
// drifts affects each alike, and each variant gets N browsers.
// `route`: every request of that variant's browsers is intercepted (and continued),
// as run.mjs did until the fifth session to refuse anything outside the origin: what
// the interception costs. `webui`: Chromium launched without ./chromium.mjs's
// --disable-features, so it preloads its omnibox popup during the start-up, as every
// benchmark before the fifth session did. `SERVER.mjs` (a path ending in .mjs): that
// static server instead of scripts/serve.mjs (the same arguments), e.g. an older copy
// of it: what the server's way of responding costs. `disable=A+B`: Chromium launched
// with --disable-features=A,B instead of ./chromium.mjs's list (e.g. an older list).
//   env: PAGE=bench.html?engine=tidemark (or ?engine=duckdb: its start-up alone; or
//        index.html: the real page, ms from navigation start to its engine-ready and
//        draw-ready marks; or examples/portal.html: the widget page, ms from navigation
//        start to each of its three widgets' tidemark-ready event, and how many times
//        the wasm was fetched), TRACE=1 (also a Chromium trace of the v8.wasm categories
//        per browser: the compile and instantiate events, summed), JSON=file (all
//        runs written there)
import { chromium } from 'playwright-core';
import { ARGS, BASE_ARGS } from './chromium.mjs';
import { spawn } from 'node:child_process';
import { mkdtempSync, symlinkSync, readFileSync, writeFileSync, statSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { resolve, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const n = Number(process.argv[2] || 12);
const specs = process.argv.slice(3);
const pagePath = process.env.PAGE || 'bench.html?engine=tidemark';
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

/** A variant: a root with www/ and pkg/ (scripts/serve.mjs serves <root>/www and <root>/pkg), served on its own port. */
async function variant(spec) {
  const eq = spec.indexOf('=');
  const [label, dirs] = eq > 0 ? [spec.slice(0, eq), spec.slice(eq + 1)] : ['pkg', spec];
  const parts = dirs.split(',');
  // disable=A+B: Chromium launched with --disable-features=A,B instead of ./chromium.mjs's list.
  const disable = parts.find((d) => d.startsWith('disable='))?.slice('disable='.length).replaceAll('+', ',');
  const route = parts.includes('route');
  const webui = parts.includes('webui');
  const serveScript = resolve(parts.find((d) => d.endsWith('.mjs')) || join(root, 'scripts/serve.mjs'));
  const [pkg, www] = parts.filter((d) => d !== 'route' && d !== 'webui' && !d.endsWith('.mjs') && !d.startsWith('disable='))
    .map((d) => resolve(d));
  const args = webui ? BASE_ARGS : disable !== undefined ? [...BASE_ARGS, `--disable-features=${disable}`] : ARGS;
  // This repository's www/: its bundles (www/dist/) rebuilt from the sources first, as
  // chromium.mjs's serve() does (another www/ is measured as it is).
  if (!www || www === join(root, 'www')) await (await import('../../scripts/bundle.mjs')).build();
  const serveRoot = mkdtempSync(join(tmpdir(), 'tidemark-startup-'));
  symlinkSync(www || join(root, 'www'), join(serveRoot, 'www'));
  symlinkSync(pkg, join(serveRoot, 'pkg'));
  symlinkSync(join(root, 'benches'), join(serveRoot, 'benches')); // /vendor/ (DuckDB-WASM) when installed
  symlinkSync(join(root, 'examples'), join(serveRoot, 'examples')); // the widget page (PAGE=examples/portal.html)
  const wasmFile = join(pkg, 'tidemark_bg.wasm');
  const raw = statSync(wasmFile).size;
  const gz = gzipSync(readFileSync(wasmFile), { level: 9 }).length;
  console.log(`${label}: pkg ${pkg}${www ? `, www ${www}` : ''}, served by ${serveScript}: tidemark_bg.wasm ${raw} B raw, ${gz} B gzip -9`);
  const server = spawn(process.execPath, [serveScript, '--port', '0', '--root', serveRoot]);
  const url = await new Promise((ok, fail) => {
    server.stdout.on('data', (d) => {
      const m = String(d).match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (m) ok(m[0]);
    });
    server.on('exit', (c) => fail(new Error(`server exited ${c}`)));
  });
  // The wasm requested once before the first browser: every variant's first browser then
  // finds it in the page cache (and in whatever cache a variant's server keeps).
  await (await fetch(`${url}pkg/tidemark_bg.wasm`)).arrayBuffer();
  return { label, url, server, serveRoot, raw, gz, route, args, runs: [] };
}
const variants = [];
for (const spec of specs.length ? specs : [`pkg=${join(root, 'pkg')}`]) variants.push(await variant(spec));

// The phases, in the order they happen, as offsets from the page script's start.
const PORTAL = pagePath.startsWith('examples/portal.html');
const STEPS = PORTAL ? [
  ['first', 'first widget ready (tidemark-ready)'],
  ['w-funnel', 'funnel widget ready'],
  ['w-retention', 'retention widget ready'],
  ['w-segments', 'segments widget ready (render())'],
  ['wasm_fetches', 'requests of tidemark_bg.wasm (page and worker)'],
] : process.env.PAGE && !process.env.PAGE.startsWith('bench.html') ? [
  ['app_responseEnd', 'app.js fetched'],
  ['wasm_fetchStart', 'wasm fetch starts'],
  ['wasm_responseEnd', 'wasm fetched'],
  ['engine', 'engine worker ready'],
  ['draw', 'drawing module ready (body[data-ready])'],
  ['wasm_fetches', 'requests of tidemark_bg.wasm'],
] : [
  ['spawned', 'new Worker returned'],
  ['worker_origin', 'worker global created'],
  ['worker_script', 'worker script runs (static imports done)'],
  ['glue', 'JS glue imported'],
  ['wasm_fetchStart', 'wasm fetch starts (main)'],
  ['wasm_responseStart', 'wasm first byte (main)'],
  ['wasm_responseEnd', 'wasm fetched (main)'],
  ['compiled', 'compileStreaming resolved (main)'],
  ['module', 'module received (worker)'],
  ['init_start', 'instantiate starts (worker)'],
  ['ready', 'ready (instantiated + start fn)'],
];

const TRACE_CATEGORIES = ['v8.wasm', 'disabled-by-default-v8.wasm.detailed', 'v8', 'devtools.timeline'];

async function once({ url, route, args }) {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args });
  try {
    const context = await browser.newContext();
    // ROUTE=1: intercept every request as benches/browser/run.mjs does (to refuse
    // anything outside the origin), to measure what the interception costs.
    if (route) await context.route('**/*', (route) => route.continue());
    const page = await context.newPage();
    let wasmFetches = 0;
    context.on('request', (r) => { if (r.url().endsWith('/tidemark_bg.wasm')) wasmFetches++; });
    if (PORTAL) {
      await page.addInitScript(() => {
        globalThis.__widgetsReady = {};
        document.addEventListener('tidemark-ready', (e) => {
          globalThis.__widgetsReady[e.target.id || e.target.parentElement.id] = performance.now();
        }, true);
      });
    }
    if (process.env.TRACE) await browser.startTracing(page, { categories: TRACE_CATEGORIES });
    await page.goto(url + pagePath);
    if (PORTAL) return await portal(browser, page, () => wasmFetches);
    if (!pagePath.startsWith('bench.html')) return await realPage(browser, page);
    await page.waitForSelector('[data-testid=bench-startup][data-done]', { timeout: 60_000 });
    const p = JSON.parse(await page.textContent('[data-testid=bench-startup]'));
    const rel = { startup: p.ready - p.started, init: p.init_start ? p.ready - p.init_start : 0 };
    for (const [k] of STEPS) if (typeof p[k] === 'number') rel[k] = p[k] - p.started;
    if (process.env.TRACE) rel.trace = summariseTrace(JSON.parse(String(await browser.stopTracing())));
    return rel;
  } finally {
    await browser.close();
  }
}

/**
 * The real page (PAGE=index.html): ms from navigation start to the engine worker's
 * ready (the mark 'tidemark:engine-ready' of www/js/client.js), to the drawing module
 * (body[data-ready], mark 'tidemark:draw-ready'), and the wasm's fetch (how many, when).
 */
async function realPage(browser, page) {
  await page.waitForFunction(() => performance.getEntriesByName('tidemark:engine-ready').length
    && performance.getEntriesByName('tidemark:draw-ready').length, null, { timeout: 60_000 });
  const r = await page.evaluate(() => {
    const mark = (n) => performance.getEntriesByName(n)[0].startTime;
    const wasm = performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/tidemark_bg.wasm'));
    const app = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/app.js'));
    return { engine: mark('tidemark:engine-ready'), draw: mark('tidemark:draw-ready'), wasm_fetches: wasm.length,
      wasm_fetchStart: wasm[0]?.fetchStart, wasm_responseEnd: wasm[0]?.responseEnd, app_responseEnd: app?.responseEnd };
  });
  if (process.env.TRACE) r.trace = summariseTrace(JSON.parse(String(await browser.stopTracing())));
  return { ...r, startup: r.engine, init: 0, started: 0 };
}

/**
 * The widget page (PAGE=examples/portal.html): ms from navigation start to each
 * widget's `tidemark-ready` event, the first of them, and the requests of the wasm
 * (by the page and the widgets' worker).
 */
async function portal(browser, page, wasmFetches) {
  await page.waitForFunction(() => Object.keys(globalThis.__widgetsReady).length === 3, null, { timeout: 60_000 });
  const r = await page.evaluate(() => ({ ...globalThis.__widgetsReady }));
  r.first = Math.min(...Object.values(r));
  r.wasm_fetches = wasmFetches();
  if (process.env.TRACE) r.trace = summariseTrace(JSON.parse(String(await browser.stopTracing())));
  return { ...r, startup: Math.max(r['w-funnel'], r['w-retention'], r['w-segments']), init: 0, started: 0 };
}

/** Total duration per wasm-related trace event name (complete 'X' events and B/E pairs). */
function summariseTrace(trace) {
  const events = trace.traceEvents || trace;
  const sums = {};
  const open = new Map();
  for (const e of events) {
    if (!/wasm|Wasm|WebAssembly/.test(e.name) && !/wasm/.test(e.cat)) continue;
    const key = e.name;
    if (e.ph === 'X') sums[key] = (sums[key] || 0) + (e.dur || 0) / 1000;
    else if (e.ph === 'B') open.set(`${e.tid}:${key}`, e.ts);
    else if (e.ph === 'E' && open.has(`${e.tid}:${key}`)) {
      sums[key] = (sums[key] || 0) + (e.ts - open.get(`${e.tid}:${key}`)) / 1000;
      open.delete(`${e.tid}:${key}`);
    } else if (e.ph === 'I' || e.ph === 'i' || e.ph === 'n') sums[`${key} (count)`] = (sums[`${key} (count)`] || 0) + 1;
  }
  for (const k of Object.keys(sums)) sums[k] = +sums[k].toFixed(1);
  return sums;
}

const before = load();
try {
  for (let i = 0; i < n; i++) {
    for (const v of variants) {
      const r = await once(v);
      v.runs.push(r);
      console.log(`${v.label} ${String(i + 1).padStart(2)}: startup ${r.startup.toFixed(0)} ms | ` +
        STEPS.map(([k]) => `${k} ${r[k] === undefined ? '-' : r[k].toFixed(0)}`).join(', ') +
        ` | init ${r.init.toFixed(0)}` + (r.trace ? `\n  trace: ${JSON.stringify(r.trace)}` : ''));
    }
  }
} finally {
  for (const v of variants) {
    v.server.kill();
    rmSync(v.serveRoot, { recursive: true }); // the symlinks only
  }
}
const fmt = (xs) => `${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
const after = load();
for (const { label, runs, raw, gz } of variants) {
  console.log(`\n${label} (wasm ${raw} B raw, ${gz} B gzip): median (min–max) of ${n} fresh browsers, ms after the page script starts; load average before ${before}, after ${after}`);
  console.log(`  start-up (ready): ${fmt(runs.map((r) => r.startup))}`);
  for (const [k, label] of STEPS) {
    const xs = runs.map((r) => r[k]).filter((x) => typeof x === 'number');
    if (xs.length) console.log(`  ${label}: ${fmt(xs)}`);
  }
  console.log(`  instantiate + start function (worker): ${fmt(runs.map((r) => r.init))}`);
}
if (process.env.JSON) {
  writeFileSync(process.env.JSON, JSON.stringify({ load_before: before, load_after: after,
    variants: variants.map(({ label, raw, gz, runs }) => ({ label, raw, gz, runs })) }, null, 2));
}
