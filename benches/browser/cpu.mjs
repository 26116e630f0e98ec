// Where the CPU of our load goes, per Chromium process and thread, and what else the
// load waited for: for each of N fresh headless Chromium instances (Debian's, via
// playwright-core), load www/bench.html?engine=tidemark, hand it the file once the
// engine is ready, and sample every Chromium thread's CPU time and minor faults
// (/proc/PID/task/TID/stat), context switches (…/status) and every Chromium
// process's bytes read from disk (/proc/PID/io read_bytes), with the machine's
// CPU (/proc/stat: busy, iowait, steal) and pressure (/proc/pressure/{cpu,io,memory})
// every 40 ms; the load's start and end (epoch ms, `load_at` in the page's result)
// pick the samples nearest to them. Before each browser: how much of the file is in
// the page cache (fincore). Prints, per browser, the load and its stage marks, one
// line of what the load waited for (`wait:` — below), and the CPU of each process
// type and thread name over the load (the engine and part workers are the
// renderer's "DedicatedWorker" threads, the browser's reading of the File its
// "ThreadPoolForeg" and "Chrome_IOThread"), then the medians; with OUT=FILE.json,
// every load's numbers as JSON lines.
//   node benches/browser/cpu.mjs FILE.csv [N=3]
//   env: QUERY='&parts=2&share=0.5' (appended to bench.html's query),
//        XARGS='--js-flags=…' (extra Chromium arguments, space-separated),
//        CONNECT=1 (as run.mjs: a browser server connected over its WebSocket, which
//        makes playwright stream the file into a copy instead of naming it),
//        OUT=FILE.json (append one JSON line per load), DROP=1 (evict the file from
//        the page cache before each browser: `dd … iflag=nocache`, the cold case; on a
//        copy of one's own: every hard link and every reader shares those pages)
// The `wait:` line, over the load: `cache` the file's share in the page cache before
// the browser started; `disk` bytes Chromium read from disk; `workers` the
// DedicatedWorker threads' CPU, their minor faults (first touch of fresh memory) and
// voluntary / involuntary context switches (waiting for something / preempted); `others`
// the CPU of every process that is not Chromium nor this driver (the machine's
// other work on the same cores); `steal` the CPU the hypervisor gave elsewhere;
// `psi` the time some task waited for a CPU / for IO (/proc/pressure, ms); the
// page cache's dirty pages when the load started and what was written to disk during it.
// `parse (CPU in wall)`: each parsing worker's CPU from the load's start to its range
// parsed, against that wall time, its minor faults and how often it was preempted.
// Linux only (/proc). Samples taken 40 ms apart: a thread's CPU is known to ≈ 10 ms
// (the kernel's tick) plus what ran in the ≤ 20 ms between the load's ends and the
// nearest samples.
import { chromium } from 'playwright-core';
import { ARGS, serve } from './chromium.mjs';
import { descends, read } from './machine.mjs';
import { appendFileSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
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

/**
 * One sample of every Chromium thread and process of ours: `threads` "type thread-name #tid"
 * → {cpu (ms), minflt, vol, invol}; `procs` "type #pid" → {readBytes, majflt}.
 */
function chromiumNow() {
  const threads = new Map();
  const procs = new Map();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const cmd = read(`/proc/${pid}/cmdline`);
    if (!cmd || !cmd.includes('chromium') || !descends(pid)) continue;
    // The browser's own WebUI (its omnibox popup, chromium.mjs) is a renderer of its own.
    const type = cmd.includes('--top-chrome-webui') ? 'webui' : cmd.match(/--type=([a-z-]+)/)?.[1] ?? 'browser';
    const io = read(`/proc/${pid}/io`);
    const pst = read(`/proc/${pid}/stat`);
    if (io && pst) {
      procs.set(`${type} #${pid}`, {
        readBytes: Number(/read_bytes: (\d+)/.exec(io)?.[1] ?? 0),
        majflt: Number(pst.slice(pst.lastIndexOf(')') + 2).split(' ')[9]),
      });
    }
    let tids = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      const st = read(`/proc/${pid}/task/${tid}/stat`);
      if (!st) continue; // The thread ended.
      const name = st.slice(st.indexOf('(') + 1, st.lastIndexOf(')'));
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      const t = { cpu: (Number(f[11]) + Number(f[12])) * 10, minflt: Number(f[7]), vol: 0, invol: 0 };
      // Context switches only of the threads that parse (the rest: CPU only).
      if (name === 'DedicatedWorker') {
        const status = read(`/proc/${pid}/task/${tid}/status`) ?? '';
        t.vol = Number(/\nvoluntary_ctxt_switches:\s+(\d+)/.exec(status)?.[1] ?? 0);
        t.invol = Number(/nonvoluntary_ctxt_switches:\s+(\d+)/.exec(status)?.[1] ?? 0);
      }
      // utime + stime, in clock ticks of 10 ms.
      threads.set(`${type} ${name} #${tid}`, t);
    }
  }
  return { threads, procs };
}

/** The machine: /proc/stat's CPU ticks (busy, iowait, steal: ms) and the pressure totals (µs). */
function machineNow() {
  const f = read('/proc/stat').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal
  const ms = (x) => x * 10;
  const psi = (kind) => Number(/some avg10=\S+ avg60=\S+ avg300=\S+ total=(\d+)/.exec(read(`/proc/pressure/${kind}`) ?? '')?.[1] ?? 0);
  return {
    busy: ms(f[0] + f[1] + f[2] + f[5] + f[6]),
    iowait: ms(f[4]),
    steal: ms(f[7]),
    psiCpu: psi('cpu'),
    psiIo: psi('io'),
    psiMem: psi('memory'),
    self: process.cpuUsage(),
    ...dirtyNow(),
  };
}

/** Dirty and under-writeback page-cache pages (MiB), and sectors written to disk (/proc/vmstat). */
function dirtyNow() {
  const v = read('/proc/vmstat') ?? '';
  const n = (k) => Number(new RegExp(`\\n${k} (\\d+)`).exec(v)?.[1] ?? 0);
  return { dirty: (n('nr_dirty') * 4) / 1024, writeback: (n('nr_writeback') * 4) / 1024, written: (n('pgpgout') / 1024) };
}

/** The share of `path`'s pages in the page cache (fincore), or null. */
function cached(path) {
  const r = spawnSync('fincore', ['--bytes', '--noheadings', '--output', 'RES,SIZE', path], { encoding: 'utf8' });
  const [res, size] = (r.stdout ?? '').trim().split(/\s+/).map(Number);
  return size > 0 ? res / size : null;
}

const { server, url } = await serve(root);

const all = [];
try {
  for (let i = 0; i < runs; i++) {
    if (process.env.DROP === '1') spawnSync('dd', [`if=${file}`, 'iflag=nocache', 'count=0', 'status=none']);
    const cache = cached(file);
    const loadavg = read('/proc/loadavg').split(' ').slice(0, 3).join(' ');
    const samples = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        samples.push([Date.now(), chromiumNow(), machineNow()]);
        await new Promise((r) => setTimeout(r, 40));
      }
    })();
    const xargs = process.env.XARGS ? process.env.XARGS.split(' ') : [];
    // CONNECT=1: as run.mjs, a browser server connected to over its WebSocket, into which
    // playwright streams the file (a copy in its artifacts directory) instead of naming it.
    const bserver = process.env.CONNECT === '1' ? await chromium.launchServer({ executablePath: '/usr/bin/chromium', args: [...ARGS, ...xargs] }) : null;
    const browser = bserver ? await chromium.connect(bserver.wsEndpoint()) : await chromium.launch({ executablePath: '/usr/bin/chromium', args: [...ARGS, ...xargs] });
    let r;
    let handOver = 0;
    const console_ = [];
    try {
      const page = await browser.newPage();
      page.on('console', (m) => console_.push(`[${m.type()}] ${m.text()}`));
      await page.goto(`${url}bench.html?engine=tidemark${process.env.QUERY ?? ''}`);
      await page.waitForSelector('[data-testid=bench-out][data-ready], [data-testid=bench-out][data-done]', { timeout: 120_000 });
      const h0 = Date.now();
      await page.setInputFiles('[data-testid=bench-file]', file);
      handOver = Date.now() - h0;
      await page.waitForSelector('[data-testid=bench-out][data-done]', { timeout: Number(process.env.TIMEOUT_S || 3600) * 1000 });
      r = JSON.parse(await page.textContent('[data-testid=bench-out]'));
    } finally {
      sampling = false;
      await sampler;
      await browser.close();
      await bserver?.close();
    }
    if (r.error) throw new Error(r.error);
    const near = (t) => samples.reduce((best, s) => (Math.abs(s[0] - t) < Math.abs(best[0] - t) ? s : best));
    const [a, b] = [near(r.load_at[0]), near(r.load_at[1])];
    const cpu = new Map();
    const workers = { cpu: 0, minflt: 0, vol: 0, invol: 0, each: [] };
    for (const [k, v] of b[1].threads) {
      const was = a[1].threads.get(k) ?? { cpu: 0, minflt: 0, vol: 0, invol: 0 };
      const d = v.cpu - was.cpu;
      const key = k.replace(/ #\d+$/, '');
      if (d > 0) cpu.set(key, (cpu.get(key) ?? 0) + d);
      if (key === 'renderer DedicatedWorker' && d > 0) {
        const w = { cpu: d, minflt: v.minflt - was.minflt, vol: v.vol - was.vol, invol: v.invol - was.invol };
        for (const f of ['cpu', 'minflt', 'vol', 'invol']) workers[f] += w[f];
        workers.each.push(w);
      }
    }
    // Each parsing worker's CPU over its own parse (the load's start to its range
    // parsed: `first_part` for the engine worker, `part1_parsed` for the part
    // worker): the parse's work, against the wall time it took. The DedicatedWorker
    // threads in order of their ids: the engine worker's first (started with the page).
    const st = r.load_stages_ms ?? {};
    const parse = [];
    const tids = [...b[1].threads.keys()].filter((k) => k.startsWith('renderer DedicatedWorker'))
      .sort((x, y) => Number(x.split('#')[1]) - Number(y.split('#')[1]));
    for (const [j, mark] of [st.first_part, st.part1_parsed].entries()) {
      if (mark === undefined || !tids[j]) continue;
      const end = near(r.load_at[0] + mark);
      const was = a[1].threads.get(tids[j]);
      const now = end[1].threads.get(tids[j]);
      if (was && now) parse.push({ wall: mark, cpu: now.cpu - was.cpu, minflt: now.minflt - was.minflt, invol: now.invol - was.invol });
    }
    let disk = 0;
    let majflt = 0;
    for (const [k, v] of b[1].procs) {
      const was = a[1].procs.get(k) ?? { readBytes: 0, majflt: 0 };
      disk += v.readBytes - was.readBytes;
      majflt += v.majflt - was.majflt;
    }
    const total = [...cpu.values()].reduce((x, y) => x + y, 0);
    const [ma, mb] = [a[2], b[2]];
    const selfMs = (mb.self.user + mb.self.system - ma.self.user - ma.self.system) / 1000;
    const wait = {
      cache,
      disk,
      majflt,
      workers,
      parse,
      others: Math.round(mb.busy - ma.busy - total - selfMs),
      driver: Math.round(selfMs),
      steal: mb.steal - ma.steal,
      iowait: mb.iowait - ma.iowait,
      psiCpu: Math.round((mb.psiCpu - ma.psiCpu) / 1000),
      psiIo: Math.round((mb.psiIo - ma.psiIo) / 1000),
      psiMem: Math.round((mb.psiMem - ma.psiMem) / 1000),
      handOver,
      dirtyAtStart: Math.round(ma.dirty + ma.writeback),
      writtenMiB: Math.round(mb.written - ma.written),
    };
    const stalls = console_.filter((m) => /stalled/.test(m));
    console.log(`browser ${i + 1}: load ${r.load_auto_ms} ms in ${r.load_parts} part(s), CPU ${total} ms ` +
      `(samples ${Math.round(a[0] - r.load_at[0])} / ${Math.round(b[0] - r.load_at[1])} ms from the load's ends), loadavg ${loadavg}`);
    if (parse.length) console.log(`  parse (CPU in wall): ${parse.map((p, j) => `${j ? 'part' : 'engine'} ${p.cpu} in ${p.wall} ms (${p.minflt} flt, ${p.invol} preempted)`).join(', ')}`);
    if (r.load_stages_ms) console.log(`  stages: ${Object.entries(r.load_stages_ms).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    console.log(`  wait: cache ${cache === null ? '?' : `${(cache * 100).toFixed(0)}%`}, disk ${(disk / 2 ** 20).toFixed(1)} MiB (${majflt} major faults), ` +
      `workers ${workers.each.map((w) => `${w.cpu} ms/${w.minflt} flt/${w.vol}+${w.invol} cs`).join(', ')}, ` +
      `others ${wait.others} ms, driver ${wait.driver} ms, steal ${wait.steal} ms, iowait ${wait.iowait} ms, psi cpu ${wait.psiCpu} io ${wait.psiIo} mem ${wait.psiMem} ms; ` +
      `hand-over ${handOver} ms, dirty at the start ${wait.dirtyAtStart} MiB, written during the load ${wait.writtenMiB} MiB` +
      `${stalls.length ? `\n  stalled: ${stalls.join('\n  ')}` : ''}`);
    for (const [k, v] of [...cpu].sort((x, y) => y[1] - x[1])) console.log(`  ${String(v).padStart(6)} ms  ${k}`);
    all.push({ load: r.load_auto_ms, total, cpu });
    if (process.env.OUT) {
      appendFileSync(process.env.OUT, JSON.stringify({
        at: new Date().toISOString(), loadavg, query: process.env.QUERY ?? '', load: r.load_auto_ms, load_at: r.load_at, stages: r.load_stages_ms,
        total, cpu: Object.fromEntries(cpu), wait, stalls: stalls.length,
      }) + '\n');
    }
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
