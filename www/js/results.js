// The results the page shows now, one per analysis, with the spec that made each:
// what a report is built from and what a saved state records. Each panel calls
// `remember` after a successful run; a new load forgets them all.

/** Analysis key → {spec, report}, in the order they were first run. */
const current = new Map();

/** Listeners called with no argument whenever the set of results changes. */
const listeners = [];

/** Records the latest result of `key` (e.g. 'funnel', 'rfm') and the spec behind it. */
export function remember(key, spec, report) {
  current.set(key, { spec: structuredClone(spec), report });
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

/** Every result shown now: [{key, spec, report}], in page order. */
export function allResults() {
  const order = ['funnel', 'repurchase', 'retention', 'lifecycle', 'rfm', 'tiers', 'clv'];
  return [...current.entries()]
    .map(([key, r]) => ({ key, ...r }))
    .sort((a, b) => order.indexOf(a.key) - order.indexOf(b.key));
}

/** Calls `fn()` whenever a result is remembered or the results are forgotten. */
export function onResults(fn) {
  listeners.push(fn);
}
