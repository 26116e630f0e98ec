// The one engine every widget on a page shares: a single worker (./worker.js) that
// keeps one table per data source, and the engine module on the main thread for
// drawing (plotters measures text through `window`). The wasm is fetched and compiled
// once, here, and posted to the worker: both instantiate the same module. Data comes
// from a URL, a File, bytes or text, or rows (objects or arrays, turned into CSV here).
import { ENGINE_URL } from './engine-url.js';

/** The engine's wasm, beside its JS module. */
const WASM_URL = new URL('tidemark_bg.wasm', ENGINE_URL).href;

let worker = null;
let nextId = 1;
const pending = new Map();
/** File → key, so every widget showing the same File shares its table. */
const fileKeys = new WeakMap();
let nextKey = 1;
let drawing = null;
let compiled = null;

/**
 * The engine's wasm fetched and compiled once per page (streaming when served as
 * application/wasm): the worker and the drawing module both instantiate it, so the
 * page downloads and compiles it once, and the worker's start-up overlaps the compile.
 */
function engineWasm() {
  compiled ??= fetch(WASM_URL).then((res) => {
    if (!res.ok) throw new Error(`${WASM_URL}: HTTP ${res.status} ${res.statusText}`);
    return res.headers.get('Content-Type')?.split(';')[0].trim() === 'application/wasm'
      ? WebAssembly.compileStreaming(res)
      : res.arrayBuffer().then((bytes) => WebAssembly.compile(bytes));
  });
  return compiled;
}

/** The shared worker, started on first use. */
function sharedWorker() {
  if (worker) return worker;
  worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  // The compiled module, or null when the compile failed here: the worker then
  // fetches the wasm itself (and reports what went wrong, if it fails there too).
  const w = worker;
  engineWasm().then((module) => w.postMessage({ type: 'module', module }), () => w.postMessage({ type: 'module', module: null }));
  // The drawing module too, while the worker loads the data: a report is drawn as
  // soon as it comes (its failure is reported where a chart awaits it).
  drawModule().catch(() => {});
  worker.onmessage = ({ data }) => {
    const p = pending.get(data.id);
    if (!p) return;
    pending.delete(data.id);
    if (data.error) {
      const err = new Error(data.error.message);
      err.kind = data.error.kind;
      err.line = data.error.line;
      p.reject(err);
    } else {
      p.resolve(data);
    }
  };
  worker.onerror = (e) => {
    e.preventDefault?.();
    const lost = [...pending.values()];
    pending.clear();
    worker.terminate();
    worker = null;
    for (const p of lost) p.reject(new Error(`the Tidemark engine failed: ${e.message || 'it could not start'}`));
  };
  return worker;
}

function request(msg) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    sharedWorker().postMessage({ ...msg, id });
  });
}

/** The engine module on this thread, initialised once from the shared compile (for the draw functions). */
export function drawModule() {
  drawing ??= Promise.all([import(ENGINE_URL), engineWasm()]).then(async ([m, module]) => {
    await m.default({ module_or_path: module });
    return m;
  });
  return drawing;
}

/** One CSV field: quoted when it holds a delimiter, quote, line break or edge spaces. */
function csvField(v) {
  const text = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rows (objects, or arrays after a header array) → CSV bytes. */
export function rowsToCsv(rows) {
  if (!Array.isArray(rows) || rows.length === 0) throw new Error('rows: expected a non-empty array');
  let lines;
  if (Array.isArray(rows[0])) {
    lines = rows.map((r) => r.map(csvField).join(','));
  } else {
    const cols = [];
    for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
    lines = [cols.map(csvField).join(','), ...rows.map((r) => cols.map((c) => csvField(r[c])).join(','))];
  }
  return new TextEncoder().encode(`${lines.join('\n')}\n`);
}

/** `{url | file | rows | data}` → {key, source, name} for the worker. */
function sourceOf(input, options) {
  const opt = JSON.stringify(options ?? {});
  if (input.url) {
    const url = new URL(input.url, document.baseURI).href;
    return { key: `url:${url}:${opt}`, source: { url }, name: url.split('/').pop() || 'data.csv' };
  }
  if (input.file) {
    if (!fileKeys.has(input.file)) fileKeys.set(input.file, `file:${nextKey++}`);
    return { key: `${fileKeys.get(input.file)}:${opt}`, source: { file: input.file }, name: input.file.name };
  }
  if (input.rows) return { key: `rows:${nextKey++}`, source: { bytes: rowsToCsv(input.rows) }, name: 'rows.csv' };
  if (input.data !== undefined) {
    const d = input.data;
    const bytes = typeof d === 'string' ? new TextEncoder().encode(d) : d instanceof ArrayBuffer ? new Uint8Array(d) : d;
    return { key: `data:${nextKey++}`, source: { bytes }, name: 'data.csv' };
  }
  throw new Error('no data: give src (a URL), or data, file or rows');
}

/**
 * Loads the input's table (once per source) and runs `spec` on it: {summary, report,
 * key}. A table made from rows or bytes belongs to the one widget that gave them:
 * it should `release(key)` it when it shows something else or leaves the page.
 */
export async function compute(input, spec, options) {
  const { key, source, name } = sourceOf(input, options);
  const { summary } = await request({ type: 'load', key, source, options, name });
  const { report } = await request({ type: 'run', key, spec });
  return { summary, report, key };
}

/** Frees a table made from rows or bytes (URL and File tables stay shared). */
export function release(key) {
  if (worker && key && (key.startsWith('rows:') || key.startsWith('data:'))) worker.postMessage({ type: 'free', key });
}
