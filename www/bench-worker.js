// Benchmark worker for our engine (www/bench.html?engine=tidemark; bench.js starts it
// bundled, as www/dist/bench-worker.js, as the page starts its workers): times wasm
// start-up, the load of a File as the page does it (in parts in several workers
// for a large file, js/parallel-load.js; else streamed through CsvLoader by
// js/read-range.js's streamRange, with the size declared, as www/worker.js does; type and role detection included; ?parts=N forces N parts, 1 = one), then each analysis of bench/common.js RUNS times on
// the loaded table, and reports the timings, the results in the common shape and
// the wasm linear memory.
// The handler is installed synchronously: a message that arrived while a top-level
// await was pending would otherwise be dropped.
import { SPECS, ANALYSES, OURS_ONLY, timed, ours, isUnknownAnalysis } from './bench/common.js';
import * as glueModule from '/pkg/tidemark.js';

// The page compiles the wasm module (streaming, while this worker starts) and
// posts it here; this worker only imports the JS glue and instantiates it.
// Start-up phases (epoch ms) go to the page as {startup} once ready
// (benches/browser/startup.mjs reads them).
const at = () => performance.timeOrigin + performance.now();
const t0 = performance.now();
const phases = { worker_origin: performance.timeOrigin, worker_script: at() };
let initMs = 0;
let readyAt = 0;
let gotModule;
const compiled = new Promise((resolve) => { gotModule = resolve; });
phases.glue = at();
const glue = Promise.resolve(glueModule);
const ready = Promise.all([glue, compiled]).then(async ([wasm, module]) => {
  phases.init_start = at();
  const exports = await wasm.default({ module_or_path: module });
  initMs = performance.now() - t0;
  readyAt = at();
  phases.ready = readyAt;
  self.postMessage({ startup: phases });
  // As the page's engine worker: the analyses warmed up on a small table, and
  // the part workers of a load in parts started before the file comes; the page
  // hands the file over once they run.
  const { prestartParts } = await import('./js/parallel-load.js');
  const parts = Number(new URLSearchParams(self.location.search).get('parts')) || undefined;
  const started = prestartParts(module, parts ? { parts, minBytes: 0 } : undefined);
  wasm.warmUpAnalyses();
  await started;
  self.postMessage({ partsReady: at() });
  return { wasm, exports };
});

/**
 * Loads the File as the page does (www/worker.js): in parts in several workers when
 * js/parallel-load.js's partCount says so (`parts`: a forced count, 1 = sequential;
 * absent = the page's default), else streamed through one CsvLoader.
 */
async function load(wasm, file, parts, firstShare) {
  const { partCount, loadInParts } = await import('./js/parallel-load.js');
  const n = partCount(file.size, parts ? { parts, minBytes: 0 } : undefined);
  if (n > 1) {
    const job = { cancelled: false, abort: null };
    // Bytes and rows read so far and the stage marks (`job.marks`), posted at most
    // every 250 ms while the load runs: the page shows them (#progress), so that a
    // load that stalls shows where.
    let read = { bytes: 0, rows: 0 };
    let posted = 0;
    const post = () => {
      posted = performance.now();
      self.postMessage({ progress: { ...read, ms: Math.round(posted - t0), parts: job.seen, marks: job.marks } });
    };
    const t0 = performance.now();
    const ticker = setInterval(post, 250);
    const progress = (bytes, rows) => {
      read = { bytes, rows };
      if (performance.now() - posted > 250) post();
    };
    let r;
    try {
      r = await loadInParts({ file, name: file.name, options: {}, module: await compiled, parts: n, job, progress, firstShare });
    } finally {
      clearInterval(ticker);
    }
    if (r) return { engine: r.engine, parts: r.parts, fallback: r.fallback, stages: r.ms };
  }
  return { engine: await loadSequential(wasm, file), parts: 1, fallback: false };
}

async function loadSequential(wasm, file) {
  const loader = new wasm.CsvLoader(file.name, {});
  loader.expectBytes(file.size);
  // As the page's sequential load (www/worker.js): the same reader.
  const { streamRange } = await import('./js/read-range.js');
  await streamRange(file, 0, file.size, (chunk) => loader.push(chunk), () => false);
  return loader.finish();
}

self.onmessage = async ({ data: { file, module, parts, share } }) => {
  if (module) {
    phases.module = at();
    gotModule(module);
    return;
  }
  try {
    const { wasm, exports } = await ready;
    const t1 = performance.now();
    const loadStartedAt = at();
    const loadedAs = await load(wasm, file, parts, share);
    const loadEndedAt = at();
    const { engine } = loadedAs;
    const loadMs = performance.now() - t1;
    const summary = engine.summary();
    const memoryAfterLoad = exports.memory.buffer.byteLength;
    const timings = {};
    const results = {};
    const unavailable = {};
    for (const name of ANALYSES) {
      try {
        const t = await timed(() => engine.run(SPECS[name]));
        timings[name] = t;
        results[name] = ours[name](t.value);
        delete t.value;
      } catch (e) {
        const message = String((e && e.message) || e);
        if (!isUnknownAnalysis(message, SPECS[name].analysis)) throw e;
        unavailable[name] = message;
      }
    }
    for (const [name, spec] of Object.entries(OURS_ONLY)) {
      const t = await timed(() => engine.run(spec));
      delete t.value;
      timings[name] = t;
    }
    self.postMessage({
      engine: 'tidemark',
      file: file.name,
      bytes: file.size,
      rows: summary.rows,
      users: summary.users,
      init_ms: +initMs.toFixed(1),
      ready_at: readyAt,
      load_auto_ms: +loadMs.toFixed(1),
      load_parts: loadedAs.parts,
      load_fallback: loadedAs.fallback,
      load_stages_ms: loadedAs.stages ?? null,
      // Epoch ms, to line the load up with per-process or per-thread CPU samples.
      load_at: [loadStartedAt, loadEndedAt],
      timings,
      results,
      unavailable,
      wasm_memory_after_load_bytes: memoryAfterLoad,
      wasm_memory_bytes: exports.memory.buffer.byteLength,
    });
  } catch (e) {
    self.postMessage({ error: String((e && e.message) || e) });
  }
};
