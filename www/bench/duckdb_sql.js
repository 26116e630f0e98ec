// Spec -> DuckDB SQL. Pure ES module (no imports): used by the browser benchmark
// (www/bench/duckdb.js runs it in DuckDB-WASM; benches/browser/run.mjs drives it),
// so the peer runs the same SQL on the same file as our engine.
//
// Semantics follow ANALYSES.md (the contract, ../shared/ANALYSES.md); the choices
// it leaves open are written next to each builder. Taken into the project from
// ../shared/bench/duckdb_sql.js; only these comments changed.

export const DEFAULT_COLUMNS = { user: 'user_id', time: 'timestamp', event: 'event', revenue: 'revenue' };

// Explicit schema of the generated event log (benches/data/gen_events.py).
export const TYPED_COLUMNS = {
  user_id: 'BIGINT',
  event: 'VARCHAR',
  timestamp: 'TIMESTAMP', // '2025-03-04T10:22:31Z' parses as UTC
  revenue: 'DECIMAL(12,2)', // exact sums (RFM monetary ties must not depend on float order)
  channel: 'VARCHAR',
  device: 'VARCHAR',
  country: 'VARCHAR',
  category: 'VARCHAR',
};

// Position key that realises the per-user total order (time, input row):
// whole seconds * 1e8 + rowid. Valid for second-resolution timestamps and
// < 1e8 rows (rowid of a table created from one read_csv follows file order:
// preserve_insertion_order is on by default).
const ROW_FACTOR = 100000000;

export const ident = (s) => '"' + String(s).replace(/"/g, '""') + '"';
export const lit = (s) => "'" + String(s).replace(/'/g, "''") + "'";

/** "7d", "30m", "2w", "12h", "45s" or a number of seconds -> seconds */
export function parseDuration(d) {
  if (typeof d === 'number') return d;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$/.exec(String(d));
  if (!m) throw new Error(`bad duration: ${JSON.stringify(d)}`);
  const mult = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[m[2]];
  return Math.round(Number(m[1]) * mult);
}

function whereOf(where) {
  if (!where) return '';
  const parts = Object.entries(where).map(([k, v]) =>
    v === null ? `${ident(k)} IS NULL` : `${ident(k)} = ${typeof v === 'number' ? v : lit(v)}`);
  return parts.length ? ' AND ' + parts.join(' AND ') : '';
}

// ---------------------------------------------------------------- loading

/** CREATE TABLE from a CSV. variant 'auto': read_csv auto-detection; 'typed': explicit column types. */
export function loadSql(file, { variant = 'typed', table = 'events' } = {}) {
  if (variant === 'auto') {
    return `CREATE OR REPLACE TABLE ${ident(table)} AS SELECT * FROM read_csv(${lit(file)})`;
  }
  const cols = Object.entries(TYPED_COLUMNS).map(([k, v]) => `${lit(k)}: ${lit(v)}`).join(', ');
  return `CREATE OR REPLACE TABLE ${ident(table)} AS SELECT * FROM read_csv(${lit(file)}, header = true, ` +
    `auto_detect = false, delim = ',', quote = '"', columns = {${cols}})`;
}

// ---------------------------------------------------------------- funnel

/**
 * Ordered funnel (ANALYSES.md "Funnel", mode ordered).
 * For a fixed start e1 the greedy chain (earliest next matching event after the
 * previous one, in (time, row) order) reaches the highest level; a chain stops
 * when the next greedy step is later than time(e1) + W. A user's level is the
 * max over all starts. Each c_k below holds every start that reaches step k
 * (with the chain's times), built by one ASOF join per step. users_k =
 * distinct users in c_k. Step timings come from the earliest-starting chain that
 * reaches the user's level (arg_max on (level, -start position)).
 * Result: one row: users_1..n, median_k/mean_k (seconds from step k-1, k >= 2).
 */
export function funnelSql(spec, { table = 'events', columns = DEFAULT_COLUMNS } = {}) {
  const mode = spec.mode || 'ordered';
  if (mode !== 'ordered') throw new Error(`funnel mode ${mode} is not implemented for DuckDB`);
  const steps = spec.steps;
  if (!Array.isArray(steps) || steps.length < 2) throw new Error('funnel needs at least 2 steps');
  const W = parseDuration(spec.window ?? '7d');
  const n = steps.length;
  const U = ident(columns.user), T = ident(columns.time), E = ident(columns.event);
  const events = [...new Set(steps.map((s) => s.event))];
  const anyWhere = steps.some((s) => s.where && Object.keys(s.where).length);
  const extra = anyWhere ? ', *' : '';
  const lines = [];
  lines.push(`WITH ev AS (`);
  lines.push(`  SELECT ${U} AS u, ${E} AS e, epoch_ms(${T}) // 1000 AS t,`);
  lines.push(`         (epoch_ms(${T}) // 1000) * ${ROW_FACTOR} + rowid AS p${extra}`);
  lines.push(`  FROM ${ident(table)}`);
  lines.push(`  WHERE ${E} IN (${events.map(lit).join(', ')}) AND ${T} IS NOT NULL AND ${U} IS NOT NULL`);
  lines.push(`),`);
  steps.forEach((s, i) => {
    lines.push(`s${i + 1} AS (SELECT u, t, p FROM ev WHERE e = ${lit(s.event)}${whereOf(s.where)}),`);
  });
  lines.push(`c1 AS (SELECT u, p AS p1, t AS t1, p AS q FROM s1),`);
  for (let k = 2; k <= n; k++) {
    const prevT = [];
    for (let j = 2; j < k; j++) prevT.push(`c.t${j}`);
    lines.push(`c${k} AS (`);
    lines.push(`  SELECT c.u, c.p1, c.t1, ${prevT.length ? prevT.join(', ') + ', ' : ''}s.t AS t${k}, s.p AS q`);
    lines.push(`  FROM c${k - 1} c ASOF JOIN s${k} s ON c.u = s.u AND c.q < s.p`);
    lines.push(`  WHERE s.t - c.t1 <= ${W}`);
    lines.push(`),`);
  }
  // Chains that reach level >= 2; per user keep the best (highest level, earliest start).
  const tcols = [];
  for (let j = 1; j <= n; j++) tcols.push(`t${j}`);
  const unions = [];
  for (let k = 2; k <= n; k++) {
    const sel = tcols.map((c, j) => (j + 1 <= k ? c : `NULL::BIGINT AS ${c}`)).join(', ');
    unions.push(`  SELECT u, p1, ${k} AS lvl, ${sel} FROM c${k}`);
  }
  lines.push(`lv AS (`);
  lines.push(unions.join('\n  UNION ALL\n'));
  lines.push(`),`);
  lines.push(`best AS (`);
  lines.push(`  SELECT u, arg_max({${['lvl', ...tcols].map((c) => `'${c}': ${c}`).join(', ')}}, {'lvl': lvl, 'np': -p1}) AS b`);
  lines.push(`  FROM lv GROUP BY u`);
  lines.push(`)`);
  const sel = [`(SELECT count(DISTINCT u) FROM s1) AS users_1`];
  for (let k = 2; k <= n; k++) {
    sel.push(`count(*) FILTER (WHERE b.lvl >= ${k}) AS users_${k}`);
    sel.push(`median(b.t${k} - b.t${k - 1}) AS median_${k}`);
    sel.push(`avg(b.t${k} - b.t${k - 1}) AS mean_${k}`);
  }
  lines.push(`SELECT ${sel.join(',\n       ')}`);
  lines.push(`FROM best`);
  return lines.join('\n');
}

// ---------------------------------------------------------------- retention

/**
 * Cohort retention (bounded). Cohort = calendar period (UTC, ISO weeks start
 * Monday) of the user's first start event (default: any event);
 * retained[k] = users of the cohort with a return event (default: any) in
 * period cohort + k, k = 1..periods; retained[0] = cohort size.
 * Result rows: cohort (date string), k, users; plus last_t (epoch seconds of the
 * last event in the data, for the "complete" flags computed by the caller:
 * period c+k is complete when its end <= last_t + 1 s).
 */
export function retentionSql(spec, { table = 'events', columns = DEFAULT_COLUMNS } = {}) {
  const period = spec.period || 'week';
  if (!['day', 'week', 'month'].includes(period)) throw new Error(`bad period ${period}`);
  if ((spec.mode || 'bounded') !== 'bounded') throw new Error(`retention mode ${spec.mode} is not implemented for DuckDB`);
  const P = spec.periods ?? 12;
  const U = ident(columns.user), T = ident(columns.time), E = ident(columns.event);
  const tb = ident(table);
  const diff = period === 'week' ? `date_diff('day', s.cohort, r.pt) // 7` : `date_diff('${period}', s.cohort, r.pt)`;
  const retWhere = spec.return_event ? ` AND ${E} = ${lit(spec.return_event)}` : '';
  const startWhere = spec.start_event ? ` AND ${E} = ${lit(spec.start_event)}` : '';
  const lines = [];
  lines.push(`WITH r AS (`);
  lines.push(`  SELECT DISTINCT ${U} AS u, date_trunc('${period}', ${T}) AS pt`);
  lines.push(`  FROM ${tb} WHERE ${U} IS NOT NULL AND ${T} IS NOT NULL${retWhere}`);
  lines.push(`),`);
  if (!spec.start_event && !spec.return_event) {
    lines.push(`s AS (SELECT u, min(pt) AS cohort FROM r GROUP BY u),`);
  } else {
    lines.push(`s AS (`);
    lines.push(`  SELECT ${U} AS u, date_trunc('${period}', min(${T})) AS cohort`);
    lines.push(`  FROM ${tb} WHERE ${U} IS NOT NULL AND ${T} IS NOT NULL${startWhere} GROUP BY ${U}`);
    lines.push(`),`);
  }
  lines.push(`m AS (`);
  lines.push(`  SELECT s.cohort, ${diff} AS k, count(*) AS users`);
  lines.push(`  FROM r JOIN s ON r.u = s.u`);
  lines.push(`  WHERE r.pt > s.cohort AND r.pt < s.cohort + INTERVAL ${P + 1} ${period.toUpperCase()}`);
  lines.push(`  GROUP BY ALL`);
  lines.push(`  UNION ALL`);
  lines.push(`  SELECT cohort, 0 AS k, count(*) AS users FROM s GROUP BY ALL`);
  lines.push(`)`);
  lines.push(`SELECT strftime(cohort, '%Y-%m-%d') AS cohort, k, users,`);
  lines.push(`       (SELECT epoch_ms(max(${T})) // 1000 FROM ${tb}) AS last_t`);
  lines.push(`FROM m ORDER BY cohort, k`);
  return lines.join('\n');
}

// ---------------------------------------------------------------- RFM

// (R, F) score -> named segment, as in ANALYSES.md (Segments, RFM).
export const RFM_SEGMENTS_SQL = `CASE
    WHEN r = 1 AND f = 1 THEN 'Lost'
    WHEN r <= 2 AND f <= 2 THEN 'Hibernating'
    WHEN r <= 2 AND f <= 4 THEN 'At risk'
    WHEN r <= 2 THEN 'Cannot lose'
    WHEN r = 3 AND f <= 2 THEN 'About to sleep'
    WHEN r = 3 AND f = 3 THEN 'Need attention'
    WHEN r <= 4 AND f >= 4 THEN 'Loyal'
    WHEN r = 5 AND f >= 4 THEN 'Champions'
    WHEN f >= 2 THEN 'Potential loyalist'
    WHEN r = 4 THEN 'Promising'
    ELSE 'New'
  END`;

/**
 * RFM on purchases. as_of = spec.as_of or the last event time in the data.
 * recency = whole seconds from the last purchase to as_of, frequency = number of
 * purchases, monetary = sum of revenue. Scores over the users with >= 1 purchase:
 * 1 + floor(5 * (rank - 1) / n), rank = the lowest 1-based rank among ties in
 * ascending order (recency reversed: recent = 5), so ties get the same score.
 * Result rows: r, f, m, users, revenue_cents, segment (one row per score cell).
 */
export function rfmSql(spec, { table = 'events', columns = DEFAULT_COLUMNS } = {}) {
  const U = ident(columns.user), T = ident(columns.time), E = ident(columns.event), R = ident(columns.revenue);
  const tb = ident(table);
  const pe = spec.purchase_event || 'purchase';
  const asOf = spec.as_of ? `epoch_ms(${lit(spec.as_of)}::TIMESTAMP) // 1000` : `(SELECT epoch_ms(max(${T})) // 1000 FROM ${tb})`;
  return `WITH p AS (
  SELECT ${U} AS u, count(*) AS freq, coalesce(sum(${R}), 0) AS money,
         ${asOf} - epoch_ms(max(${T})) // 1000 AS rec
  FROM ${tb} WHERE ${E} = ${lit(pe)} AND ${U} IS NOT NULL AND ${T} IS NOT NULL
  GROUP BY ${U}
),
s AS (
  SELECT u, money,
         1 + (5 * (rank() OVER (ORDER BY rec DESC) - 1)) // count(*) OVER () AS r,
         1 + (5 * (rank() OVER (ORDER BY freq) - 1)) // count(*) OVER () AS f,
         1 + (5 * (rank() OVER (ORDER BY money) - 1)) // count(*) OVER () AS m
  FROM p
)
SELECT r, f, m, count(*) AS users, CAST(round(sum(money) * 100) AS BIGINT) AS revenue_cents,
  ${RFM_SEGMENTS_SQL} AS segment
FROM s GROUP BY r, f, m ORDER BY r, f, m`;
}

// ---------------------------------------------------------------- repurchase

/**
 * Repeat-purchase rate within N days. First purchase = earliest purchase in
 * (time, row) order; second = the next one. Eligible: first + N days <= end of
 * data (last event time); repeater: eligible and second <= first + N days.
 * Also median days from first to second purchase (users with >= 2 purchases).
 * Result rows: days, buyers, eligible, repeaters, median_gap_days.
 */
export function repurchaseSql(spec, { table = 'events', columns = DEFAULT_COLUMNS } = {}) {
  const U = ident(columns.user), T = ident(columns.time), E = ident(columns.event);
  const tb = ident(table);
  const pe = spec.purchase_event || 'purchase';
  const days = (spec.within_days && spec.within_days.length ? spec.within_days : [30]).map((d) => {
    const x = Number(d);
    if (!Number.isInteger(x) || x <= 0) throw new Error(`bad within_days ${d}`);
    return x;
  });
  return `WITH p AS (
  SELECT ${U} AS u, epoch_ms(${T}) // 1000 AS t,
         row_number() OVER (PARTITION BY ${U} ORDER BY ${T}, rowid) AS rn
  FROM ${tb} WHERE ${E} = ${lit(pe)} AND ${U} IS NOT NULL AND ${T} IS NOT NULL
),
fs AS (
  SELECT u, min(t) FILTER (WHERE rn = 1) AS t1, min(t) FILTER (WHERE rn = 2) AS t2
  FROM p WHERE rn <= 2 GROUP BY u
),
e AS (SELECT epoch_ms(max(${T})) // 1000 AS t_end FROM ${tb}),
d(days) AS (VALUES ${days.map((x) => `(${x})`).join(', ')})
SELECT d.days, count(*) AS buyers,
  count(*) FILTER (WHERE fs.t1 + d.days * 86400 <= e.t_end) AS eligible,
  count(*) FILTER (WHERE fs.t1 + d.days * 86400 <= e.t_end AND fs.t2 <= fs.t1 + d.days * 86400) AS repeaters,
  (SELECT median(t2 - t1) / 86400.0 FROM fs WHERE t2 IS NOT NULL) AS median_gap_days
FROM fs, e, d GROUP BY d.days ORDER BY d.days`;
}

export const BUILDERS = { funnel: funnelSql, retention: retentionSql, rfm: rfmSql, repurchase: repurchaseSql };
