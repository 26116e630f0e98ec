// Loads a file again and again, each in a fresh headless Chromium (Debian's), through
// www/bench.html?engine=tidemark (parts as the query says), and reports every load that
// does not finish in time or whose renderer crashes — with the page's live progress
// (#progress: bytes and rows read per part, the stage marks so far) and its console,
// where www/js/read-range.js says when a File stream stalled and was replaced.
// Made to hunt the loads that never ended (BENCHMARKS.md, "Eleventh session (lead)").
// Each load is printed with its stage marks and the CPU the machine's other processes
// took during it (machine.mjs): the load's time follows it; at the end, the loads'
// spread and the count of File streams that stalled ("read-range: … stalled at …").
//   node benches/browser/stalls.mjs FILE.csv [N=10]
//   env: QUERY='&parts=2' (appended to bench.html's query), TIMEOUT_S=120
// Exits non-zero when a load failed.
import { chromium } from 'playwright-core';
import { ARGS, serve } from './chromium.mjs';
import { machineSampler } from './machine.mjs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const file = process.argv[2] && resolve(process.argv[2]);
const n = Number(process.argv[3] || 10);
if (!file) throw new Error('usage: node benches/browser/stalls.mjs FILE.csv [N]');
const query = process.env.QUERY ?? '&parts=2';
const timeout = Number(process.env.TIMEOUT_S || 120) * 1000;

const { server, url } = await serve(root);
const machine = machineSampler();
let failed = 0;
let recovered = 0;
let stalled = 0;
const loads = [];
try {
  for (let i = 0; i < n; i++) {
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
    const t = Date.now();
    const msgs = [];
    const at = () => `${((Date.now() - t) / 1000).toFixed(1)} s`;
    try {
      const page = await browser.newPage();
      page.on('console', (m) => msgs.push(`[${at()} ${m.type()}] ${m.text()}`));
      page.on('pageerror', (e) => msgs.push(`[${at()} pageerror] ${e}`));
      page.on('crash', () => msgs.push(`[${at()}] the renderer crashed`));
      await page.goto(`${url}bench.html?engine=tidemark${query}`);
      await page.waitForSelector('[data-testid=bench-out][data-ready], [data-testid=bench-out][data-done]', { timeout: 60_000 });
      await page.setInputFiles('[data-testid=bench-file]', file);
      try {
        await page.waitForSelector('[data-testid=bench-out][data-done]', { timeout });
        const r = JSON.parse(await page.textContent('[data-testid=bench-out]'));
        const stalls = msgs.filter((m) => /stalled/.test(m));
        if (stalls.length) recovered++;
        stalled += stalls.length;
        const others = r.load_at ? machine.others(r.load_at[0], r.load_at[1]) : null;
        loads.push(r.load_auto_ms);
        const st = r.load_stages_ms ?? {};
        console.log(`${i + 1}: ${r.error ? `error ${r.error}` : 'ok'}, load ${r.load_auto_ms} ms` +
          ` (engine's part parsed ${st.first_part}, sorted ${st.first_sorted}; part 1 parsed ${st.part1_parsed}, keys in ${st.part1_keys_received}, last piece ${st.part1_encoded}; built ${st.built})` +
          `${others ? `, others took ${others.ms} ms of CPU (${(others.share * 100).toFixed(0)}% of the cores), CPU pressure ${others.psi_ms} ms` : ''}` +
          `${stalls.length ? `\n  recovered: ${stalls.join('\n  ')}` : ''}`);
        if (r.error) failed++;
      } catch (e) {
        failed++;
        const progress = await page.textContent('[data-testid=bench-progress]', { timeout: 5000 }).catch((x) => `(unreadable: ${x})`);
        console.log(`${i + 1}: FAILED after ${at()}: ${String(e).split('\n')[0]}\n  ${progress}\n  ${msgs.join('\n  ')}`);
      }
    } finally {
      await browser.close().catch(() => {});
    }
  }
} finally {
  machine.stop();
  server.kill();
}
const sorted = [...loads].sort((a, b) => a - b);
if (sorted.length) console.log(`loads: ${sorted[0]}–${sorted.at(-1)} ms, median ${sorted[sorted.length >> 1]} ms (${sorted.length} loads)`);
console.log(`${failed} of ${n} loads failed; ${recovered} recovered from a stalled stream (${stalled} "stalled" messages)`);
process.exitCode = failed ? 1 : 0;
