// Result checks of the browser benchmark: our engine against DuckDB-WASM (same
// file, results in the common shape of www/bench/common.js), and both against the
// reference figures for seed 42. Each check returns a list of differences (strings),
// empty when equal.

// Reference figures (benches/data/gen_events.py --seed 42), checked equal between
// DuckDB-WASM, native DuckDB and a plain Python implementation (../shared/bench/README.md):
// funnel page_view → product_view → add_to_cart → purchase (7 d) users per step;
// 30-day repeat: repeaters / eligible.
export const REFERENCE = {
  100000: { funnel: [5642, 4808, 3550, 2008], repeat: { repeaters: 616, eligible: 1722 } },
  1000000: { funnel: [55540, 47570, 35087, 20353], repeat: { repeaters: 6617, eligible: 17588 } },
  10000000: { funnel: [553205, 473954, 349622, 203011], repeat: { repeaters: 65236, eligible: 176236 } },
};

const near = (a, b, tol) => (a === null || b === null ? a === b : Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)));

function funnel(a, b) {
  const out = [];
  a.users.forEach((u, i) => {
    if (u !== b.users[i]) out.push(`funnel step ${i + 1} users: tidemark ${u}, duckdb ${b.users[i]}`);
  });
  if (a.users.length !== b.users.length) out.push(`funnel steps: tidemark ${a.users.length}, duckdb ${b.users.length}`);
  for (let i = 1; i < a.users.length; i++) {
    // Step times come from the same chain in both (earliest start reaching the level).
    if (!near(a.median_seconds[i], b.median_seconds[i], 1e-9)) {
      out.push(`funnel step ${i + 1} median seconds: tidemark ${a.median_seconds[i]}, duckdb ${b.median_seconds[i]}`);
    }
    if (!near(a.mean_seconds[i], b.mean_seconds[i], 1e-9)) {
      out.push(`funnel step ${i + 1} mean seconds: tidemark ${a.mean_seconds[i]}, duckdb ${b.mean_seconds[i]}`);
    }
  }
  return out;
}

function retention(a, b) {
  const out = [];
  // We list every period from the first cohort to the last (empty ones with size 0);
  // DuckDB lists non-empty cohorts only.
  for (const c of a.cohorts) {
    if (c.size === 0 && c.retained.some((x) => x !== 0)) out.push(`retention ${c.start}: empty cohort with returns ${c.retained}`);
  }
  const ours = a.cohorts.filter((c) => c.size > 0);
  const theirs = new Map(b.cohorts.map((c) => [c.start, c]));
  const seen = new Set();
  for (const c of ours) {
    const d = theirs.get(c.start);
    if (!d) { out.push(`retention cohort ${c.start} (size ${c.size}): only in tidemark`); continue; }
    seen.add(c.start);
    if (c.retained.length !== d.retained.length) {
      out.push(`retention ${c.start}: cells k = 0..${c.retained.length - 1} in tidemark, 0..${d.retained.length - 1} in duckdb`);
    }
    const n = Math.max(c.retained.length, d.retained.length);
    for (let k = 0; k < n; k++) {
      if (c.retained[k] !== d.retained[k]) out.push(`retention ${c.start} retained[${k}]: tidemark ${c.retained[k]}, duckdb ${d.retained[k]}`);
      if (k < c.complete.length && k < d.complete.length && c.complete[k] !== d.complete[k]) {
        out.push(`retention ${c.start} complete[${k}]: tidemark ${c.complete[k]}, duckdb ${d.complete[k]}`);
      }
    }
  }
  for (const c of b.cohorts) if (!seen.has(c.start)) out.push(`retention cohort ${c.start} (size ${c.size}): only in duckdb`);
  return out;
}

function rfm(a, b) {
  const out = [];
  const key = (c) => `${c.r}${c.f}${c.m}`;
  const theirs = new Map(b.cells.map((c) => [key(c), c]));
  const seen = new Set();
  for (const c of a.cells) {
    const d = theirs.get(key(c));
    if (!d) { out.push(`rfm cell (${c.r},${c.f},${c.m}): only in tidemark (${c.users} users)`); continue; }
    seen.add(key(c));
    if (c.users !== d.users) out.push(`rfm cell (${c.r},${c.f},${c.m}) users: tidemark ${c.users}, duckdb ${d.users}`);
    if (c.revenue_cents !== d.revenue_cents) {
      out.push(`rfm cell (${c.r},${c.f},${c.m}) revenue cents: tidemark ${c.revenue_cents}, duckdb ${d.revenue_cents}`);
    }
    if (c.segment !== null && c.segment !== d.segment) out.push(`rfm cell (${c.r},${c.f},${c.m}) segment: tidemark ${c.segment}, duckdb ${d.segment}`);
  }
  for (const c of b.cells) if (!seen.has(key(c))) out.push(`rfm cell (${c.r},${c.f},${c.m}): only in duckdb (${c.users} users)`);
  return out;
}

function repeat(a, b) {
  const out = [];
  for (const k of ['days', 'buyers', 'eligible', 'repeaters']) {
    if (a[k] !== b[k]) out.push(`repeat ${k}: tidemark ${a[k]}, duckdb ${b[k]}`);
  }
  if (!near(a.median_gap_days, b.median_gap_days, 1e-9)) {
    out.push(`repeat median gap days: tidemark ${a.median_gap_days}, duckdb ${b.median_gap_days}`);
  }
  return out;
}

export const CHECKS = { funnel, retention, rfm, repeat };

/** Differences between our results and DuckDB's, per analysis; `null` = not compared (n/a). */
export function compareEngines(ours, theirs) {
  const out = {};
  for (const [name, check] of Object.entries(CHECKS)) {
    out[name] = ours.results[name] && theirs.results[name] ? check(ours.results[name], theirs.results[name]) : null;
  }
  return out;
}

/** Differences from the reference figures (only for the seed-42 files of known size). */
export function compareReference(engine, r, rows) {
  const ref = REFERENCE[rows];
  if (!ref) return [];
  const out = [];
  const f = r.results.funnel;
  if (f && f.users.join('/') !== ref.funnel.join('/')) out.push(`${engine} funnel ${f.users.join(' / ')}, reference ${ref.funnel.join(' / ')}`);
  const p = r.results.repeat;
  if (p && (p.repeaters !== ref.repeat.repeaters || p.eligible !== ref.repeat.eligible)) {
    out.push(`${engine} 30-day repeat ${p.repeaters} / ${p.eligible}, reference ${ref.repeat.repeaters} / ${ref.repeat.eligible}`);
  }
  return out;
}
