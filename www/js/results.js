// The results the page shows now, one per analysis, with the spec that made each:
// what a report is built from and what a saved state records. Each panel calls
// `remember` after a successful run; a new load forgets them all.

/** Analysis key → {spec, report, source?}, in the order they were first run. */
const current = new Map();

/** Listeners called with no argument whenever the set of results changes. */
const listeners = [];

/**
 * Records the latest result of `key` (e.g. 'funnel', 'rfm') and the spec behind it;
 * `source` says where a section-9 funnel came from ('funnel': the Funnel section's,
 * 'typed': the form's steps), which a saved state carries.
 */
export function remember(key, spec, report, source) {
  const r = { spec: structuredClone(spec), report };
  if (source) r.source = source;
  current.set(key, r);
  for (const fn of listeners) fn();
}

/** Forgets every result (a new table was loaded). */
export function forgetAll() {
  current.clear();
  for (const fn of listeners) fn();
}

/** The result of `key`, or null. */
export function resultOf(key) {
  return current.get(key) ?? null;
}

/** The analysis keys in page order. */
export const ORDER = ['funnel', 'repurchase', 'retention', 'lifecycle', 'rfm', 'tiers', 'clv', 'paths', 'funnel_drivers', 'basket'];

/** Every result shown now: [{key, spec, report, source?}], in page order. */
export function allResults() {
  const order = ORDER;
  return [...current.entries()]
    .map(([key, r]) => ({ key, ...r }))
    .sort((a, b) => order.indexOf(a.key) - order.indexOf(b.key));
}

/** Calls `fn()` whenever a result is remembered or the results are forgotten. */
export function onResults(fn) {
  listeners.push(fn);
}
