// The browser benchmark of section 9 (issue 9), not a test: paths, funnel drivers and
// the market basket in headless Chromium with the page's engine, timed like
// clv.mjs: the file is loaded once per browser (streamed through CsvLoader in 1 MiB
// pushes, as the page's worker does), then each spec runs 5 times on the loaded
// table (engine.run, the result as a JS object included); the median of the 5 per
// browser, then the median over RUNS fresh browsers. Each chart is drawn once on a
// 900×480 canvas and timed too.
//   node benches/browser/discover.mjs        (needs pkg/: scripts/build-wasm)
// Inputs (generated into target/bench/ when missing, seed 42):
//   events_1m.csv    benches/data/gen_events.py --rows 1000000 --seed 42
//   baskets_100k.csv benches/data/gen_baskets.py --orders 100000 --seed 42
// env: RUNS=3. playwright-core comes from benches/browser/node_modules (scripts/bench-browser
// installs it) or, when that is absent, from tests/e2e/node_modules (scripts/setup).
import { spawnSync } from 'node:child_process';
import { serve } from './chromium.mjs';
import { existsSync, mkdirSync, openSync, closeSync, renameSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const runs = Number(process.env.RUNS || 3);
const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const say = (...a) => console.error('[discover]', ...a);

let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch {
  ({ chromium } = await import(pathToFileURL(resolve(root, 'tests/e2e/node_modules/playwright-core/index.mjs')).href));
}

const FUNNEL = {
  steps: [{ event: 'page_view' }, { event: 'product_view' }, { event: 'add_to_cart' }, { event: 'purchase' }],
  window: '7d',
};
/** (input file, [name, spec, draw function]) — the specs of benches/engine.rs, plus the drop-off paths. */
const WORK = [
  ['events_1m.csv', [
    ['paths_after_add_to_cart', { analysis: 'paths', event: 'add_to_cart', direction: 'after', steps: 5 }, 'drawPaths'],
    ['paths_dropped_after_step_3', { analysis: 'paths', from_funnel: { ...FUNNEL, dropped_after_step: 3 }, steps: 5 }, 'drawPaths'],
    ['funnel_drivers', { analysis: 'funnel_drivers', funnel: FUNNEL }, 'drawFunnelDrivers'],
    ['basket_category_user_day', { analysis: 'basket', item: 'category', purchase_event: 'purchase', min_support: 0.001 }, 'drawBasket'],
  ]],
  ['baskets_100k.csv', [
    ['basket_100k_orders', { analysis: 'basket', min_support: 0.001, min_confidence: 0.1, max_len: 3 }, 'drawBasket'],
  ]],
];

function ensure(name) {
  const file = resolve(root, 'target/bench', name);
  if (existsSync(file)) return file;
  mkdirSync(dirname(file), { recursive: true });
  say(`generating ${file}`);
  const part = `${file}.part`;
  const g = name.startsWith('events')
    ? spawnSync('python3', [resolve(root, 'benches/data/gen_events.py'), '--rows', '1000000', '--seed', '42', part], { stdio: 'inherit' })
    : (() => {
      const fd = openSync(part, 'w');
      const r = spawnSync('python3', [resolve(root, 'benches/data/gen_baskets.py'), '--orders', '100000', '--seed', '42'], { stdio: ['ignore', fd, 'inherit'] });
      closeSync(fd);
      return r;
    })();
  if (g.status !== 0) throw new Error(`generating ${name} failed`);
  renameSync(part, file);
  return file;
}

if (!existsSync(resolve(root, 'pkg/tidemark_bg.wasm'))) throw new Error('pkg/ is missing: run scripts/build-wasm');
const { server, url } = await serve(root);

/** One browser: load `file`, time each spec 5 times and each chart once. */
async function once(file, work) {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  try {
    const page = await browser.newPage();
    // bench.html only for its CSP and origin: no engine is started (?engine=none).
    await page.goto(`${url}bench.html?engine=none`);
    await page.evaluate(() => {
      const input = document.createElement('input');
      input.type = 'file';
      input.id = 'discover-file';
      document.body.append(input);
    });
    await page.setInputFiles('#discover-file', file);
    return await page.evaluate(async (work) => {
      const wasm = await import('/pkg/tidemark.js');
      await wasm.default();
      const f = document.getElementById('discover-file').files[0];
      let t = performance.now();
      const loader = new wasm.CsvLoader(f.name, {});
      const reader = f.stream().getReader();
      let pending = [];
      let size = 0;
      const flush = () => {
        const buf = new Uint8Array(size);
        let at = 0;
        for (const p of pending) { buf.set(p, at); at += p.length; }
        loader.push(buf);
        pending = [];
        size = 0;
      };
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        pending.push(value);
        size += value.length;
        if (size >= 1 << 20) flush();
      }
      if (size) flush();
      const engine = loader.finish();
      const loadMs = performance.now() - t;
      const rows = engine.summary().rows;
      const out = {};
      for (const [name, spec, draw] of work) {
        const times = [];
        let report;
        for (let k = 0; k < 5; k++) {
          t = performance.now();
          report = engine.run(spec);
          times.push(performance.now() - t);
        }
        times.sort((a, b) => a - b);
        const canvas = document.createElement('canvas');
        canvas.style.width = '900px';
        canvas.style.height = '480px';
        document.body.append(canvas);
        t = performance.now();
        wasm[draw](canvas, report);
        const drawMs = performance.now() - t;
        canvas.remove();
        const size = {
          paths: (r) => `${r.users} users, ${r.distinct_paths} distinct paths, ${r.nodes.length} nodes, ${r.links.length} links`,
          funnel_drivers: (r) => `${r.entered} entered, ${r.converted} converted, ${r.drivers.length} drivers listed, ${r.hidden_small_groups} hidden`,
          basket: (r) => `${r.baskets} baskets, ${r.items} items, ${r.itemsets_total} frequent sets, ${r.rules_total} rules`,
        }[report.analysis](report);
        out[name] = { ms: times[2], runs: times.map((x) => +x.toFixed(1)), draw_ms: drawMs, size };
      }
      return { rows, load_ms: loadMs, out };
    }, work);
  } finally {
    await browser.close();
  }
}

const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const result = {};
try {
  for (const [name, work] of WORK) {
    const file = ensure(name);
    const all = [];
    for (let i = 0; i < runs; i++) {
      const r = await once(file, work);
      say(`${name} browser ${i + 1}: load ${r.load_ms.toFixed(0)} ms, ` +
        Object.entries(r.out).map(([k, v]) => `${k} ${v.ms.toFixed(1)} ms (draw ${v.draw_ms.toFixed(1)})`).join(', '));
      all.push(r);
    }
    result[name] = {
      rows: all[0].rows,
      load_ms: +med(all.map((r) => r.load_ms)).toFixed(0),
      analyses: Object.fromEntries(Object.keys(all[0].out).map((k) => [k, {
        ms: +med(all.map((r) => r.out[k].ms)).toFixed(1),
        draw_ms: +med(all.map((r) => r.out[k].draw_ms)).toFixed(1),
        size: all[0].out[k].size,
      }])),
    };
  }
} finally {
  server.kill();
}
console.log(JSON.stringify({ runs, result }, null, 2));
