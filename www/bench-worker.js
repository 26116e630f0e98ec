// Benchmark worker: times wasm start-up, the streaming load of a File through
// CsvLoader (1 MiB pushes), and the funnel of the shared bench README.
// The handler is installed synchronously: a message that arrived while a top-level
// await was pending would otherwise be dropped.
const t0 = performance.now();
let initMs = 0;
const ready = import('/pkg/tidemark.js').then(async (wasm) => {
  const exports = await wasm.default();
  initMs = performance.now() - t0;
  return { wasm, exports };
});

const SPEC = {
  analysis: 'funnel',
  steps: [{ event: 'page_view' }, { event: 'product_view' }, { event: 'add_to_cart' }, { event: 'purchase' }],
  window: '7d',
  mode: 'ordered',
};
const CHUNK = 1 << 20;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

self.onmessage = async ({ data: { file } }) => {
  try {
    const { wasm, exports } = await ready;
    const t1 = performance.now();
    const loader = new wasm.CsvLoader(file.name, {});
    const reader = file.stream().getReader();
    let pending = [];
    let pendingBytes = 0;
    const flush = () => {
      if (!pendingBytes) return;
      const buf = new Uint8Array(pendingBytes);
      let at = 0;
      for (const p of pending) { buf.set(p, at); at += p.length; }
      loader.push(buf);
      pending = [];
      pendingBytes = 0;
    };
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      pending.push(value);
      pendingBytes += value.length;
      if (pendingBytes >= CHUNK) flush();
    }
    flush();
    const engine = loader.finish();
    const loadMs = performance.now() - t1;
    const summary = engine.summary();
    const times = [];
    let report;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      report = engine.run(SPEC);
      times.push(performance.now() - t);
    }
    self.postMessage({
      file: file.name,
      bytes: file.size,
      rows: summary.rows,
      users: summary.users,
      init_ms: Math.round(initMs),
      load_ms: Math.round(loadMs),
      load_mb_per_s: +(file.size / 1e6 / (loadMs / 1000)).toFixed(1),
      load_rows_per_s: Math.round(summary.rows / (loadMs / 1000)),
      funnel_ms_median_of_5: +median(times).toFixed(1),
      funnel_steps: report.steps.map((s) => s.users),
      wasm_memory_mb: Math.round(exports.memory.buffer.byteLength / 1e6),
    });
  } catch (e) {
    self.postMessage({ error: String(e && e.message || e) });
  }
};
