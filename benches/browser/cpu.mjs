// Where the CPU of our load goes, per Chromium process and thread: for each of N
// fresh headless Chromium instances (Debian's, via playwright-core), load
// www/bench.html?engine=tidemark, hand it the file once the engine is ready, and
// sample every Chromium thread's CPU time (/proc/PID/task/TID/stat, user + system)
// every 40 ms; the load's start and end (epoch ms, `load_at` in the page's result)
// pick the samples nearest to them. Prints, per browser, the load and its stage
// marks and the CPU of each process type and thread name over the load (the engine
// and part workers are the renderer's "DedicatedWorker" threads, the browser's
// reading of the File its "ThreadPoolForeg" and "Chrome_IOThread"), then the medians.
//   node benches/browser/cpu.mjs FILE.csv [N=3]
//   env: QUERY='&parts=2&share=0.5' (appended to bench.html's query),
//        XARGS='--js-flags=…' (extra Chromium arguments, space-separated)
// Linux only (/proc). Samples taken 40 ms apart: a thread's CPU is known to ≈ 10 ms
// (the kernel's tick) plus what ran in the ≤ 20 ms between the load's ends and the
// nearest samples.
import { chromium } from 'playwright-core';
import { ARGS, serve } from './chromium.mjs';
import { readFileSync, readdirSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const file = process.argv[2] && resolve(process.argv[2]);
const runs = Number(process.argv[3] || 3);
if (!file) throw new Error('usage: node benches/browser/cpu.mjs FILE.csv [N]');
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** CPU ms of every thread of every Chromium process: "type thread-name #tid" → ms. */
function threads() {
  const out = new Map();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let cmd;
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!cmd.includes('chromium')) continue;
    const type = cmd.match(/--type=([a-z-]+)/)?.[1] ?? 'browser';
    let tids = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        const st = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const name = st.slice(st.indexOf('(') + 1, st.lastIndexOf(')'));
        const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
        // utime + stime, in clock ticks of 10 ms.
        out.set(`${type} ${name} #${tid}`, (Number(f[11]) + Number(f[12])) * 10);
      } catch {
        // The thread ended.
      }
    }
  }
  return out;
}

const { server, url } = await serve(root);

const all = [];
try {
  for (let i = 0; i < runs; i++) {
    const samples = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        samples.push([Date.now(), threads()]);
        await new Promise((r) => setTimeout(r, 40));
      }
    })();
    const xargs = process.env.XARGS ? process.env.XARGS.split(' ') : [];
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [...ARGS, ...xargs] });
    let r;
    try {
      const page = await browser.newPage();
      await page.goto(`${url}bench.html?engine=tidemark${process.env.QUERY ?? ''}`);
      await page.waitForSelector('[data-testid=bench-out][data-ready], [data-testid=bench-out][data-done]', { timeout: 120_000 });
      await page.setInputFiles('[data-testid=bench-file]', file);
      await page.waitForSelector('[data-testid=bench-out][data-done]', { timeout: 3_600_000 });
      r = JSON.parse(await page.textContent('[data-testid=bench-out]'));
    } finally {
      sampling = false;
      await sampler;
      await browser.close();
    }
    if (r.error) throw new Error(r.error);
    const near = (t) => samples.reduce((best, s) => (Math.abs(s[0] - t) < Math.abs(best[0] - t) ? s : best));
    const [a, b] = [near(r.load_at[0]), near(r.load_at[1])];
    const cpu = new Map();
    for (const [k, v] of b[1]) {
      const d = v - (a[1].get(k) ?? 0);
      const key = k.replace(/ #\d+$/, '');
      if (d > 0) cpu.set(key, (cpu.get(key) ?? 0) + d);
    }
    const total = [...cpu.values()].reduce((x, y) => x + y, 0);
    console.log(`browser ${i + 1}: load ${r.load_auto_ms} ms in ${r.load_parts} part(s), CPU ${total} ms ` +
      `(samples ${Math.round(a[0] - r.load_at[0])} / ${Math.round(b[0] - r.load_at[1])} ms from the load's ends)`);
    if (r.load_stages_ms) console.log(`  stages: ${Object.entries(r.load_stages_ms).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    for (const [k, v] of [...cpu].sort((x, y) => y[1] - x[1])) console.log(`  ${String(v).padStart(6)} ms  ${k}`);
    all.push({ load: r.load_auto_ms, total, cpu });
  }
} finally {
  server.kill();
}
const keys = [...new Set(all.flatMap((x) => [...x.cpu.keys()]))];
console.log(`\nmedian of ${all.length}: load ${median(all.map((x) => x.load))} ms, CPU ${median(all.map((x) => x.total))} ms`);
for (const k of keys.sort((x, y) => median(all.map((r) => r.cpu.get(y) ?? 0)) - median(all.map((r) => r.cpu.get(x) ?? 0)))) {
  const m = median(all.map((x) => x.cpu.get(k) ?? 0));
  if (m > 0) console.log(`  ${String(m).padStart(6)} ms  ${k}`);
}
