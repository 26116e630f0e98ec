// The browser benchmark's shared part (pure ES module, no DOM): the analyses both
// engines run, the timing helper, and the normalisers that turn each engine's
// result into one common shape, so benches/browser/run.mjs can compare them field
// by field (benches/browser/compare.mjs).
//
// Common shapes:
//   funnel:    {users: [n1..n4], median_seconds: [null, m2..m4], mean_seconds: [null, ..]}
//   retention: {cohorts: [{start: 'YYYY-MM-DD', size, retained: [k = 0..], complete: [..]}]}
//   rfm:       {cells: [{r, f, m, users, revenue_cents, segment}]} sorted by (r, f, m)
//   repeat:    {days, buyers, eligible, repeaters, median_gap_days}

export const RUNS = 5;

/** The four analyses of issue 4, as Tidemark specs (the DuckDB SQL builders read the same objects). */
export const SPECS = {
  funnel: {
    analysis: 'funnel',
    steps: [{ event: 'page_view' }, { event: 'product_view' }, { event: 'add_to_cart' }, { event: 'purchase' }],
    window: '7d',
    mode: 'ordered',
  },
  retention: { analysis: 'retention', period: 'week', periods: 12, mode: 'bounded' },
  rfm: { analysis: 'rfm', purchase_event: 'purchase' },
  // The peer's SQL computes the rate only: no behaviour drivers (0 days = none).
  repeat: { analysis: 'repurchase', purchase_event: 'purchase', within_days: [30], drivers_within_days: 0 },
};

export const ANALYSES = Object.keys(SPECS);

/** Analyses timed for Tidemark only (DuckDB's SQL has no counterpart here): the rest of issue 3's. */
export const OURS_ONLY = {
  lifecycle: { analysis: 'lifecycle', period: 'week' },
  ltv: { analysis: 'retention', period: 'month', periods: 12, measure: 'revenue' },
  repurchase_full: { analysis: 'repurchase', purchase_event: 'purchase', within_days: [30, 60, 90], drivers_within_days: 7 },
};

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs `f` RUNS times (awaiting it); returns {ms: median, runs: [ms..], value: last result}. */
export async function timed(f) {
  const runs = [];
  let value;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    value = await f();
    runs.push(performance.now() - t);
  }
  return { ms: +median(runs).toFixed(2), runs: runs.map((x) => +x.toFixed(2)), value };
}

const num = (x) => (x === null || x === undefined ? null : Number(x));

// ---------------------------------------------------------------- Tidemark reports

export const ours = {
  funnel(report) {
    return {
      users: report.steps.map((s) => s.users),
      median_seconds: report.steps.map((s) => num(s.median_seconds_from_previous)),
      mean_seconds: report.steps.map((s) => num(s.mean_seconds_from_previous)),
    };
  },
  retention(report) {
    return {
      cohorts: report.cohorts.map((c) => ({
        start: String(c.start).slice(0, 10),
        size: c.size,
        retained: c.retained,
        complete: c.complete,
      })),
    };
  },
  // The RFM report (being built): cells[] {r, f, m, users, revenue}, one per non-empty score triple.
  rfm(report) {
    const cells = (report.cells || []).map((c) => ({
      r: c.r, f: c.f, m: c.m, users: c.users, revenue_cents: Math.round(c.revenue * 100), segment: c.segment ?? null,
    }));
    cells.sort((a, b) => a.r - b.r || a.f - b.f || a.m - b.m);
    return { cells };
  },
  repeat(report) {
    const rate = report.rates[0];
    return {
      days: rate.days,
      buyers: report.buyers,
      eligible: rate.eligible,
      repeaters: rate.repeaters,
      median_gap_days: num(report.median_gap_days),
    };
  },
};

/** True when `engine.run` refused the spec because this build has no such analysis. */
// (today's message: 'bad spec: the "rfm" analysis is not available in this version yet').
export function isUnknownAnalysis(message, name) {
  return String(message).includes(name) && /not available|unknown (variant|analysis)/i.test(message);
}

// ---------------------------------------------------------------- DuckDB rows (plain objects)

const DAY = 86400;
const WEEK = 7 * DAY;
const epochSeconds = (ymd) => Date.parse(`${ymd}T00:00:00Z`) / 1000;
// Monday-based week number since the epoch (1970-01-01 was a Thursday).
const weekIndex = (t) => Math.floor((Math.floor(t / DAY) + 3) / 7);

export const peer = {
  funnel(rows, steps) {
    const r = rows[0];
    const users = [];
    const medianS = [null];
    const meanS = [null];
    for (let k = 1; k <= steps; k++) users.push(num(r[`users_${k}`]));
    for (let k = 2; k <= steps; k++) {
      medianS.push(num(r[`median_${k}`]));
      meanS.push(num(r[`mean_${k}`]));
    }
    return { users, median_seconds: medianS, mean_seconds: meanS };
  },
  // rows (cohort, k, users, last_t). A cohort's row runs to k = periods or to the
  // period holding the data end (ANALYSES.md); cell k is complete when its period
  // ends at or before last_t + 1 s (the rule written in duckdb_sql.js).
  retention(rows, periods) {
    const byCohort = new Map();
    let lastT = null;
    for (const row of rows) {
      lastT = num(row.last_t);
      const c = String(row.cohort);
      if (!byCohort.has(c)) byCohort.set(c, new Map());
      byCohort.get(c).set(num(row.k), num(row.users));
    }
    const endWeek = weekIndex(lastT);
    const cohorts = [];
    for (const [start, cells] of [...byCohort].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const t0 = epochSeconds(start);
      let len = Math.min(periods, endWeek - weekIndex(t0)) + 1;
      for (const k of cells.keys()) len = Math.max(len, k + 1); // never hide a cell DuckDB reports
      const retained = Array.from({ length: len }, (_, k) => cells.get(k) ?? 0);
      const complete = retained.map((_, k) => t0 + (k + 1) * WEEK <= lastT + 1);
      cohorts.push({ start, size: retained[0], retained, complete });
    }
    return { cohorts, last_t: lastT };
  },
  rfm(rows) {
    const cells = rows.map((r) => ({
      r: num(r.r), f: num(r.f), m: num(r.m), users: num(r.users), revenue_cents: num(r.revenue_cents), segment: r.segment,
    }));
    cells.sort((a, b) => a.r - b.r || a.f - b.f || a.m - b.m);
    return { cells };
  },
  repeat(rows) {
    const r = rows[0];
    return {
      days: num(r.days),
      buyers: num(r.buyers),
      eligible: num(r.eligible),
      repeaters: num(r.repeaters),
      median_gap_days: num(r.median_gap_days),
    };
  },
};
