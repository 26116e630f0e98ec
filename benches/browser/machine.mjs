// What else ran on the machine while a browser benchmark measured something: the
// CPU the other processes took (every process but this driver and the Chromium it
// launched), from /proc. The benchmark's two cores are shared (other builds, other
// drivers): the 10M load's time follows the CPU the others take during it
// (BENCHMARKS.md, "The load's spread (twelfth session, helper s12h3)"), so each load
// is reported with it. Linux only; elsewhere every reading is null.
import { readFileSync, readdirSync } from 'node:fs';

/** A /proc file's text, null when it is gone (or not Linux). */
export const read = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};
/** The fields after a /proc stat line's command name. */
const fields = (stat) => stat.slice(stat.lastIndexOf(')') + 2).split(' ');

/** Whether `pid` descends from this process (a Chromium it launched, not another driver's): cached per pid. */
const ours = new Map();
export function descends(pid) {
  if (ours.has(pid)) return ours.get(pid);
  let yes = false;
  for (let q = Number(pid), i = 0; q > 1 && i < 64; i++) {
    if (q === process.pid) {
      yes = true;
      break;
    }
    const st = read(`/proc/${q}/stat`);
    if (!st) break;
    q = Number(fields(st)[1]);
  }
  ours.set(pid, yes);
  return yes;
}

/**
 * Samples, every `everyMs`, the machine's busy CPU (/proc/stat), the CPU of this
 * process and of every process descending from it (the Chromium it launched), and
 * the CPU pressure's total (/proc/pressure/cpu). `others(t0, t1)` (epoch ms) gives,
 * between the samples nearest to t0 and t1: `ms` the CPU of the other processes,
 * `share` that CPU as a share of the machine's cores over the window, `psi_ms` the
 * time some task waited for a CPU; null without /proc or samples. `stop()` ends it.
 */
export function machineSampler(everyMs = 50) {
  const cores = (read('/proc/cpuinfo')?.match(/^processor\s*:/gm) ?? []).length || 1;
  const tick = 10; // ms per clock tick (USER_HZ 100)
  const samples = [];
  const sample = () => {
    const stat = read('/proc/stat');
    if (!stat) return;
    const f = stat.split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal
    const busy = (f[0] + f[1] + f[2] + f[5] + f[6]) * tick;
    let mine = 0;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid) || Number(pid) === process.pid || !descends(pid)) continue;
      const st = read(`/proc/${pid}/stat`);
      if (st) {
        const g = fields(st);
        mine += (Number(g[11]) + Number(g[12])) * tick;
      }
    }
    const self = process.cpuUsage();
    mine += (self.user + self.system) / 1000;
    const psi = Number(/some avg10=\S+ avg60=\S+ avg300=\S+ total=(\d+)/.exec(read('/proc/pressure/cpu') ?? '')?.[1] ?? NaN) / 1000;
    samples.push({ at: Date.now(), busy, mine, psi });
  };
  sample();
  const timer = setInterval(sample, everyMs);
  timer.unref?.();
  return {
    stop: () => clearInterval(timer),
    others(t0, t1) {
      if (samples.length < 2 || !(t1 > t0)) return null;
      const near = (t) => samples.reduce((best, s) => (Math.abs(s.at - t) < Math.abs(best.at - t) ? s : best));
      const [a, b] = [near(t0), near(t1)];
      if (b.at <= a.at) return null;
      // A process of ours that ended between the samples takes its CPU with it: never below 0.
      const ms = Math.max(0, Math.round(b.busy - a.busy - (b.mine - a.mine)));
      return { ms, share: +(ms / ((b.at - a.at) * cores)).toFixed(3), psi_ms: Number.isFinite(b.psi - a.psi) ? Math.round(b.psi - a.psi) : null };
    },
  };
}
