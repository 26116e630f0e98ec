// The widgets' shared engine worker: one per page, holding one table per data
// source (every widget showing the same URL or File uses the same table). Its first
// message is the engine's wasm, compiled by ./engine.js on the page:
//   {type: 'module', module: WebAssembly.Module | null}   (null: fetch and compile it here)
// Then messages, each with an `id` echoed back:
//   {type: 'load', id, key, source: {url} | {file} | {bytes}, options, name}
//        → {id, summary}      the table under `key` (loaded once)
//   {type: 'run', id, key, spec} → {id, report}
//   {type: 'free', key}                    forgets the table (rows or bytes given to one widget)
// Failures answer {id, error: {message, kind, line}} with the engine's sentence.
import { ENGINE_URL } from './engine-url.js';

// No warm-up of the analyses here (the page's engine worker runs warmUpAnalyses
// once ready): a widget's first message is the load of its own data, which would
// wait behind it (≈ 150–200 ms in headless Chromium on 2 cores), and a widget's
// tables are small, where the first run's baseline-tier code costs milliseconds.
let given;
const compiled = new Promise((resolve) => {
  given = resolve;
});
const ready = Promise.all([import(ENGINE_URL), compiled]).then(async ([m, module]) => {
  await m.default(module ? { module_or_path: module } : undefined);
  return m;
});
/** key → Promise<Engine>. */
const tables = new Map();

async function bytesOf(source) {
  if (source.bytes) return source.bytes;
  if (source.file) return new Uint8Array(await source.file.arrayBuffer());
  const res = await fetch(source.url);
  if (!res.ok) throw new Error(`${source.url}: HTTP ${res.status} ${res.statusText}`);
  return new Uint8Array(await res.arrayBuffer());
}

function table(key, source, options, name) {
  if (!tables.has(key)) {
    const loading = (async () => {
      const m = await ready;
      return m.Engine.fromCsv(await bytesOf(source), options ?? {}, name);
    })();
    loading.catch(() => tables.delete(key));
    tables.set(key, loading);
  }
  return tables.get(key);
}

self.onmessage = async ({ data: msg }) => {
  if (msg.type === 'module') {
    given(msg.module);
    return;
  }
  try {
    if (msg.type === 'free') {
      const loading = tables.get(msg.key);
      tables.delete(msg.key);
      (await loading)?.free();
      return;
    }
    if (msg.type === 'load') {
      const engine = await table(msg.key, msg.source, msg.options, msg.name);
      postMessage({ id: msg.id, summary: engine.summary() });
    } else if (msg.type === 'run') {
      const engine = await tables.get(msg.key);
      if (!engine) throw new Error('no data is loaded for this chart');
      postMessage({ id: msg.id, report: engine.run(msg.spec) });
    } else {
      throw new Error(`unknown message type ${JSON.stringify(msg.type)}`);
    }
  } catch (e) {
    postMessage({ id: msg.id, error: { message: String(e?.message ?? e), kind: e?.kind ?? null, line: e?.line ?? null } });
  }
};
