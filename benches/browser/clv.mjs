// The CLV benchmark in the browser (issue 5's speed bar), not a test: loads
// ../shared/data/cdnow_master.csv (23,570 customers) with the same engine as the
// page in headless Chromium, then times the whole CLV analysis (per-customer
// summary, BG/NBD fit, Gamma-Gamma fit, scoring every customer) on the loaded
// table, median of 5 runs per browser, in RUNS fresh browsers.
//   node benches/browser/clv.mjs [path/to/cdnow_master.csv]
// The peer figure is lifetimes 0.11.3 natively on the same file: 1.15 s (issue 5).
import { chromium } from 'playwright-core';
import { serve } from './chromium.mjs';
import { readFileSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const file = resolve(process.argv[2] || resolve(root, '../shared/data/cdnow_master.csv'));
const runs = Number(process.env.RUNS || 3);
const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const SPEC = {
  analysis: 'clv', purchase_event: 'purchase', unit: 'week',
  calibration_end: '1997-09-30', horizon: 39, discount_rate: 0.01,
};

const { server, url } = await serve(root);

const bytes = [...readFileSync(file)];
const results = [];
try {
  for (let i = 0; i < runs; i++) {
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
    const page = await browser.newPage();
    await page.goto(`${url}bench.html`);
    const r = await page.evaluate(async ({ bytes, spec }) => {
      const wasm = await import('/pkg/tidemark.js');
      await wasm.default();
      const data = new Uint8Array(bytes);
      let t = performance.now();
      const engine = wasm.Engine.fromCsv(data, {}, 'cdnow_master.csv');
      const loadMs = performance.now() - t;
      const times = [];
      let report;
      for (let k = 0; k < 5; k++) {
        t = performance.now();
        report = engine.run(spec);
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      // Where the time goes, once: the fit reports progress 0–800 per mille, the
      // scoring 800–1000; what follows the last report is building the result.
      let fitEnd = 0;
      let scoreEnd = 0;
      t = performance.now();
      engine.runWithProgress(spec, (done, total) => {
        const now = performance.now() - t;
        if (done * 1000 < 800 * total) fitEnd = now;
        scoreEnd = now;
      });
      const whole = performance.now() - t;
      return {
        load_ms: loadMs,
        clv_ms: times[2],
        clv_runs_ms: times,
        phases_ms: { fit: fitEnd, scoring: scoreEnd - fitEnd, result: whole - scoreEnd },
        customers: report.customers_fitted,
        zero_value_excluded: report.zero_value_purchases_excluded,
        bgnbd: [report.bgnbd.r, report.bgnbd.alpha, report.bgnbd.a, report.bgnbd.b],
        gamma_gamma: report.gamma_gamma && [report.gamma_gamma.p, report.gamma_gamma.q, report.gamma_gamma.v],
      };
    }, { bytes, spec: SPEC });
    results.push(r);
    console.error(`run ${i + 1}: load ${r.load_ms.toFixed(1)} ms, clv ${r.clv_ms.toFixed(1)} ms`);
    await browser.close();
  }
} finally {
  server.kill();
}
const med = (k) => results.map((r) => r[k]).sort((a, b) => a - b)[results.length >> 1];
const clv = med('clv_ms');
console.log(JSON.stringify({
  file, runs, customers: results[0].customers,
  zero_value_purchases_excluded: results[0].zero_value_excluded,
  load_ms: +med('load_ms').toFixed(1), clv_ms: +clv.toFixed(1),
  lifetimes_native_ms: 1150, speedup_vs_lifetimes: +(1150 / clv).toFixed(1),
  phases_ms_first_browser: results[0].phases_ms,
  bgnbd: results[0].bgnbd, gamma_gamma: results[0].gamma_gamma,
}, null, 2));
