// Browser benchmark (not a test): serves the page, opens www/bench.html in Debian's
// headless Chromium through playwright-core, loads a CSV through the file input and
// prints the timings the bench worker reports. Median of 3 fresh browsers.
//   node tests/e2e/bench.mjs target/bench/events_1m.csv
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const file = resolve(process.argv[2] || 'target/bench/events_1m.csv');
const runs = Number(process.env.RUNS || 3);
const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--no-first-run'];

const server = spawn('node', [resolve(root, 'scripts/serve.mjs'), '--port', '0'], { cwd: root });
const url = await new Promise((ok, fail) => {
  server.stdout.on('data', (d) => {
    const m = String(d).match(/http:\/\/127\.0\.0\.1:\d+\//);
    if (m) ok(m[0]);
  });
  server.on('exit', (c) => fail(new Error(`server exited ${c}`)));
});

const results = [];
try {
  for (let i = 0; i < runs; i++) {
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
    const page = await browser.newPage();
    await page.goto(`${url}bench.html`);
    await page.setInputFiles('[data-testid=bench-file]', file);
    await page.waitForSelector('[data-testid=bench-out][data-done]', { timeout: 600_000 });
    const r = JSON.parse(await page.textContent('[data-testid=bench-out]'));
    if (r.error) throw new Error(r.error);
    results.push(r);
    console.error(`run ${i + 1}:`, JSON.stringify(r));
    await browser.close();
  }
} finally {
  server.kill();
}
const med = (k) => {
  const s = results.map((r) => r[k]).sort((a, b) => a - b);
  return s[s.length >> 1];
};
console.log(JSON.stringify({
  file, runs, rows: results[0].rows, bytes: results[0].bytes,
  init_ms: med('init_ms'), load_ms: med('load_ms'), load_mb_per_s: med('load_mb_per_s'),
  load_rows_per_s: med('load_rows_per_s'), funnel_ms: med('funnel_ms_median_of_5'),
  funnel_steps: results[0].funnel_steps, wasm_memory_mb: med('wasm_memory_mb'),
}, null, 2));
