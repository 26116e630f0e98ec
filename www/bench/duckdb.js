// The peer side of the browser benchmark (www/bench.html?engine=duckdb): DuckDB-WASM
// (npm @duckdb/duckdb-wasm, "eh" bundle, one thread, in DuckDB's own worker) runs
// the SQL of duckdb_sql.js on the same File. Everything is fetched from this origin:
// /vendor/ is served by scripts/serve.mjs from benches/browser/node_modules (the
// bare imports resolve through the import map of bench.html), and the bundle is
// given explicitly, so DuckDB never picks a CDN one; extension autoloading is off.
import * as duckdb from '@duckdb/duckdb-wasm';
import { loadSql, BUILDERS } from './duckdb_sql.js';
import { SPECS, ANALYSES, timed, peer } from './common.js';

const VENDOR = new URL('/vendor/duckdb/', location.href).href;
const BUNDLE = {
  mainModule: VENDOR + 'duckdb-eh.wasm',
  mainWorker: VENDOR + 'duckdb-browser-eh.worker.js',
  pthreadWorker: null,
};
const FILE = 'events.csv';

const plain = (table) => table.toArray().map((row) => row.toJSON());

/** Starts DuckDB; `t0` = when the page began importing this module. */
export async function start(t0) {
  const worker = new Worker(BUNDLE.mainWorker);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(BUNDLE.mainModule, BUNDLE.pthreadWorker);
  await db.open({});
  const conn = await db.connect();
  await conn.query('SET autoinstall_known_extensions = false');
  await conn.query('SET autoload_known_extensions = false');
  const initMs = performance.now() - t0;
  return { db, conn, initMs, readyAt: performance.timeOrigin + performance.now() };
}

export async function run({ db, conn, initMs, readyAt }, file) {
  const version = plain(await conn.query('SELECT version() AS v'))[0].v;
  const threads = plain(await conn.query("SELECT current_setting('threads') AS t"))[0].t;

  // Load: register the File (read through FileReader on demand), then CREATE TABLE,
  // first with read_csv's auto-detection, then with the explicit column types. The
  // analyses run on the typed table (exact DECIMAL revenue for the RFM sums).
  const t1 = performance.now();
  await db.registerFileHandle(FILE, file, duckdb.DuckDBDataProtocol.BROWSER_FILEREADER, true);
  await conn.query(loadSql(FILE, { variant: 'auto' }));
  const loadAutoMs = performance.now() - t1;
  const autoTypes = plain(await conn.query('SELECT column_name, column_type FROM (DESCRIBE events)'));
  const t2 = performance.now();
  await conn.query(loadSql(FILE, { variant: 'typed' }));
  const loadTypedMs = performance.now() - t2;
  const counts = plain(await conn.query('SELECT count(*) AS n, count(DISTINCT user_id) AS u FROM events'))[0];

  const timings = {};
  const results = {};
  const sql = {};
  for (const name of ANALYSES) {
    const builder = BUILDERS[SPECS[name].analysis];
    sql[name] = builder(SPECS[name]);
    const t = await timed(async () => plain(await conn.query(sql[name])));
    timings[name] = t;
    results[name] = name === 'funnel' ? peer.funnel(t.value, SPECS.funnel.steps.length)
      : name === 'retention' ? peer.retention(t.value, SPECS.retention.periods)
        : peer[name](t.value);
    delete t.value;
  }
  await conn.close();
  await db.terminate();
  return {
    engine: 'duckdb',
    duckdb_version: version,
    bundle: 'eh',
    threads: Number(threads),
    file: file.name,
    bytes: file.size,
    rows: Number(counts.n),
    users: Number(counts.u),
    auto_detected_types: Object.fromEntries(autoTypes.map((r) => [r.column_name, r.column_type])),
    init_ms: +initMs.toFixed(1),
    ready_at: readyAt,
    load_auto_ms: +loadAutoMs.toFixed(1),
    load_typed_ms: +loadTypedMs.toFixed(1),
    timings,
    results,
    unavailable: {},
  };
}
