// The browser benchmark page: one engine per page load, chosen by the query
// (bench.html?engine=tidemark, the default, or ?engine=duckdb), started as soon as
// the page loads; the picked file is handed to it and the page shows the JSON it
// reports (read by benches/browser/run.mjs).
const out = document.getElementById('out');
const engine = new URLSearchParams(location.search).get('engine') || 'tidemark';
document.getElementById('engine').textContent = engine;

// Start-up as the page sees it, the same for both engines: from starting the engine
// (spawning our worker; importing DuckDB's module, which spawns its worker) to ready.
const now = () => performance.timeOrigin + performance.now();
const started = now();
const show = (data) => {
  if (data.ready_at) data.startup_ms = +(data.ready_at - started).toFixed(1);
  out.textContent = JSON.stringify(data, null, 2);
  out.dataset.done = data.error ? 'error' : 'yes';
};
const fail = (e) => show({ error: String((e && e.message) || e) });
// The engine is ready (data-ready on #out): benches/browser/run.mjs hands over the
// file only then, so that sending it into the browser (hundreds of MB through
// playwright's connection) does not run during the start-up it measures.
const markReady = () => { out.dataset.ready = 'yes'; };
/** The start-up's phases (epoch ms: started, …, ready) in #startup, for benches/browser/startup.mjs. */
const showStartup = (phases) => {
  const el = document.getElementById('startup');
  el.textContent = JSON.stringify(phases, null, 2);
  el.dataset.done = 'yes';
  markReady();
};

let runFile;
if (engine === 'tidemark') {
  // As the page does (www/js/client.js): compile the module here while the worker
  // starts, and post it to the worker, which only instantiates it.
  // The phases of the start-up (epoch ms) go to #startup for benches/browser/startup.mjs.
  const phases = { page_origin: performance.timeOrigin, started };
  // The query (?parts=N) goes to the worker: it starts the part workers that many parts need.
  const worker = new Worker(`dist/bench-worker.js${location.search}`, { type: 'module' });
  phases.spawned = now();
  // The file is handed over once the engine is ready and its part workers run (as
  // in the page, where they start once the engine is ready, long before a file is
  // dropped); the start-up measured ends at the engine's ready.
  let shown = null;
  worker.onmessage = ({ data }) => {
    if (data.partsReady) {
      showStartup({ ...shown, parts_ready: data.partsReady });
      return;
    }
    // Live progress of a load (bytes and rows read, stage marks so far): shown apart
    // from the result, so that a load that never ends shows where it stopped.
    if (data.progress) {
      const el = document.getElementById('progress');
      el.textContent = `progress: ${JSON.stringify(data.progress)}`;
      return;
    }
    if (!data.startup) return show(data);
    const wasm = performance.getEntriesByName(new URL('/pkg/tidemark_bg.wasm', location.href).href)[0];
    if (wasm) {
      for (const k of ['fetchStart', 'responseStart', 'responseEnd']) phases[`wasm_${k}`] = performance.timeOrigin + wasm[k];
    }
    shown = { ...phases, ...data.startup };
  };
  worker.onerror = (e) => fail(`worker error: ${e.message}`);
  WebAssembly.compileStreaming(fetch('/pkg/tidemark_bg.wasm'))
    .then((module) => {
      phases.compiled = now();
      worker.postMessage({ module });
      phases.posted = now();
    }, fail);
  // ?parts=N: load in N parts (1 = sequentially); absent: as the page decides.
  const parts = Number(new URLSearchParams(location.search).get('parts')) || undefined;
  // ?share=F: the fraction of the file the engine worker parses itself (a load in parts).
  const share = Number(new URLSearchParams(location.search).get('share')) || undefined;
  runFile = (file) => worker.postMessage({ file, parts, share });
} else if (engine === 'duckdb') {
  const t0 = performance.now();
  const duck = import('./bench/duckdb.js').then(async (m) => ({ m, ctx: await m.start(t0) }));
  duck.then(({ ctx }) => showStartup({ page_origin: performance.timeOrigin, started, ready: ctx.readyAt }), fail);
  runFile = (file) => duck.then(({ m, ctx }) => m.run(ctx, file)).then(show, fail);
} else {
  fail(`unknown engine ${engine}: use ?engine=tidemark or ?engine=duckdb`);
}

document.getElementById('file').addEventListener('change', (e) => {
  const file = e.target.files[0];
  if (!file || !runFile) return;
  out.textContent = `loading ${file.name} (${file.size} bytes) into ${engine}…`;
  delete out.dataset.done;
  runFile(file);
});
