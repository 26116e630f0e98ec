// The engine's worker: it owns the Engine (the loaded table) and runs every analysis,
// so the page never freezes. It runs bundled with its imports as www/dist/worker.js
// (scripts/bundle.mjs), which js/boot.js and js/client.js start.
// Messages in (each may carry an `id`, echoed back):
//   {type: 'load', id, file: File | undefined, demo: boolean, options, attributes: File | null}
//     `attributes`: the page's user attribute file, attached after the load when this
//     worker holds none (a fresh worker after a crash or a cancelled fit).
//     `options.parallel` (this worker's, not the engine's): false loads sequentially;
//     by default a UTF-8 file of 32 MiB or more, with two cores or more, loads in
//     min(cores, 4) parts in part workers (js/parallel-load.js, part-worker.js);
//     {parts, minBytes} chooses. A part worker's panic is reported as 'crashed'.
//   {type: 'cancel'}                       stops the load under way
//   {type: 'summary', id}                  {type: 'summary', id, summary}
//   {type: 'run', id, spec}                {type: 'result', id, report}
//   {type: 'dropoff', id, spec, step}      {type: 'dropoff', id, users}
//   {type: 'attach', id, file: File}       {type: 'attached', id, report}: a user
//     attribute file (engine.attachAttributes); kept and attached again after
//     every later load, its report (or error) then in summary.attributes
//     (summary.attributes_error).
//   {type: 'fit', id, spec}                {type: 'result', id, report}, with
//                                          {type: 'progress', id, done, total} meanwhile.
//     A fit is one synchronous call: this worker hears no 'cancel' during it, so
//     the page cancels a fit by ending the worker (and reloading the file).
//   {type: 'sha256', id, file, demo, stream}  {type: 'sha256', id, hex, bytes, how}: the
//                                          SHA-256 of the file's bytes (or the demo's)
//   {type: '__panic'}                      TEST ONLY: calls debugPanic()
// Messages out besides the answers above:
//   {type: 'ready'} once the wasm is initialised
//   {type: 'progress', id, bytes, total, rows} while loading
//   {type: 'loaded', id, summary}  {type: 'cancelled', id}
//   {type: 'error', id, message, kind, line}
//   {type: 'crashed', id, message}  after a wasm panic: this worker is now unusable,
//                                   the page terminates it and starts a new one.
import init, { CsvLoader, demoCsv, lastPanic, debugPanic, warmUpAnalyses } from '/pkg/tidemark.js';
import { Sha256 } from './js/sha256.js';
import { partCount, loadInParts, prestartParts } from './js/parallel-load.js';
import { streamRange } from './js/read-range.js';

/** Bytes per push into the loader (the demo is pushed in slices too, for progress). */
const PUSH_BYTES = 1 << 20;
/** Minimum milliseconds between two progress messages. */
const PROGRESS_EVERY_MS = 80;
/** Milliseconds after a load in parts before new part workers are started. */
const REFILL_AFTER_MS = 1000;

let engine = null;
/** The user attribute file attached last: {bytes, name}, attached again after a reload. */
let attributes = null;
/** The load under way: {id, cancelled}. */
let current = null;
let crashed = false;
// Started with the name 'wasm-posted', the page posts the module it compiled
// ({type: 'module', module}) and this worker only instantiates it; otherwise the
// worker fetches and compiles the module itself.
let gotModule;
const posted = self.name === 'wasm-posted';
const moduleOrPath = posted ? new Promise((resolve) => { gotModule = resolve; }) : Promise.resolve(undefined);
const ready = moduleOrPath.then((module) => init(module ? { module_or_path: module } : undefined)).then(
  () => {
    postMessage({ type: 'ready' });
    prestart();
    warmUp();
  },
  (e) => {
    crashed = true;
    postMessage({ type: 'crashed', message: `the engine could not start: ${e?.message ?? e}` });
  },
);

/**
 * Part workers for a load in parts of a large file, started before the file comes
 * (js/parallel-load.js): once ready, and again after each load, which ends those
 * it used.
 */
function prestart() {
  moduleOrPath.then((module) => prestartParts(module)).catch(() => {});
}

/**
 * The analyses run once on a small table (warmUpAnalyses), so that the first one on
 * the user's file runs optimised code; only a speed-up, but a panic in it ends the
 * engine as any other.
 */
function warmUp() {
  try {
    // For the page tests: how many analyses ran.
    self.__tidemarkWarmedUp = warmUpAnalyses();
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) fail(undefined, e);
  }
}

/** Posts a failure: a panic ends this worker; anything else is a readable error. */
function fail(id, e) {
  if (e?.crashed === true) {
    // A part worker of a load in parts panicked: reported as this engine's panic.
    crashed = true;
    postMessage({ type: 'crashed', id, message: e.message });
    return;
  }
  if (e instanceof WebAssembly.RuntimeError || crashed) {
    crashed = true;
    let message = null;
    try {
      message = lastPanic();
    } catch {
      // The instance may be too broken to answer; the hook also left the message here.
    }
    message = message ?? globalThis.__tidemarkPanic ?? `internal error: ${e?.message ?? e}`;
    postMessage({ type: 'crashed', id, message });
    return;
  }
  postMessage({
    type: 'error',
    id,
    message: String(e?.message ?? e),
    kind: e?.kind ?? null,
    line: e?.line ?? null,
  });
}

/** Makes `next` the engine (keeping the previous one until then) and posts the summary. */
function loaded(id, next) {
  // Keep the previous table until the new one loaded, so a failed reload (say, a
  // role mapped to the wrong column) leaves the page where it was.
  engine?.free();
  engine = next;
  const summary = engine.summary();
  if (attributes) {
    try {
      summary.attributes = engine.attachAttributes(attributes.bytes, attributes.name);
    } catch (e) {
      summary.attributes_error = String(e?.message ?? e);
      attributes = null;
    }
  }
  postMessage({ type: 'loaded', id, summary });
  return summary;
}

/**
 * A file of PARALLEL_MIN_BYTES or more, with two cores or more, loads in parts in
 * several workers (js/parallel-load.js); true when done that way (loaded or
 * cancelled), false to load sequentially (not UTF-8, no cut found).
 */
async function loadParallel(job, file, options, parallel) {
  const parts = partCount(file.size, parallel);
  if (parts < 2) return false;
  const { id } = job;
  let lastPost = 0;
  let result;
  try {
    result = await loadInParts({
      file, name: file.name, options, module: await moduleOrPath, parts, job,
      progress: (bytes, rows) => {
        const now = performance.now();
        if (now - lastPost < PROGRESS_EVERY_MS) return;
        lastPost = now;
        postMessage({ type: 'progress', id, bytes, total: file.size, rows });
      },
    });
  } finally {
    // The load ended the part workers it used: new ones for the next, a little
    // later (not while the page asks for its first results).
    setTimeout(prestart, REFILL_AFTER_MS);
  }
  if (!result) return false;
  if (result.cancelled) {
    postMessage({ type: 'cancelled', id });
    return true;
  }
  const summary = loaded(id, result.engine);
  // For the page tests: how the last load in parts went.
  self.__tidemarkLastLoad = { parts: result.parts, cuts: result.cuts, fallback: result.fallback, spares: result.spares, pieces: result.pieces, summary };
  return true;
}

async function load({ id, file, demo, options, attributes: attributeFile }) {
  if (current) {
    current.cancelled = true;
    current.abort?.();
  }
  const job = { id, cancelled: false, abort: null };
  current = job;
  if (attributeFile && !attributes) {
    attributes = { bytes: new Uint8Array(await attributeFile.arrayBuffer()), name: attributeFile.name };
  }
  // `parallel` is this worker's option (js/parallel-load.js: partCount), not the engine's.
  const { parallel, ...engineOptions } = options ?? {};
  options = engineOptions;
  if (!demo) {
    let done = true;
    try {
      done = await loadParallel(job, file, options, parallel);
    } catch (e) {
      fail(id, e);
    }
    if (done) {
      if (current === job) current = null;
      return;
    }
  }
  const name = demo ? 'demo.csv' : file.name;
  const loader = new CsvLoader(name, options);
  let lastPost = 0;
  const progress = (total, force) => {
    const now = performance.now();
    if (!force && now - lastPost < PROGRESS_EVERY_MS) return;
    lastPost = now;
    postMessage({ type: 'progress', id, bytes: loader.bytesRead, total, rows: loader.rowsRead });
  };
  try {
    let total;
    if (demo) {
      const bytes = demoCsv();
      total = bytes.length;
      for (let at = 0; at < total; at += PUSH_BYTES) {
        if (job.cancelled) break;
        loader.push(bytes.subarray(at, at + PUSH_BYTES));
        progress(total, false);
        await new Promise((r) => setTimeout(r, 0));
      }
    } else {
      total = file.size;
      loader.expectBytes(total);
      const sink = (chunk) => {
        loader.push(chunk);
        progress(total, false);
      };
      let from = 0;
      // TEST ONLY: `__tidemarkParallel.hold` (js/parallel-load.js: partCount) also
      // holds a sequential load, after its first bytes, until it is cancelled.
      if (globalThis.__tidemarkParallel?.hold) {
        from = Math.min(total, PUSH_BYTES);
        await streamRange(file, 0, from, sink, () => job.cancelled);
        progress(total, true);
        while (!job.cancelled) await new Promise((r) => setTimeout(r, 20));
      }
      // Read ahead into reused buffers (js/read-range.js); each push copies into wasm.
      await streamRange(file, from, total, sink, () => job.cancelled);
    }
    if (job.cancelled) {
      loader.free();
      postMessage({ type: 'cancelled', id });
      return;
    }
    progress(total, true);
    const next = loader.finish();
    loader.free();
    loaded(id, next);
  } catch (e) {
    try {
      loader.free();
    } catch {
      // already freed or poisoned
    }
    fail(id, e);
  } finally {
    if (current === job) current = null;
  }
}

/** Files up to this size are hashed whole by crypto.subtle (about 8× faster than ours). */
const WHOLE_HASH_LIMIT = 256 << 20;

const toHex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');

/**
 * The SHA-256 of a File or of the demo bytes: by crypto.subtle on the whole bytes
 * when they are small enough and the page is a secure context, else streamed
 * through js/sha256.js (never the whole file in memory). `stream` forces the latter.
 */
async function fingerprint({ file, demo, stream }) {
  const size = demo ? null : file.size;
  const subtle = !stream && globalThis.crypto?.subtle && (demo || size <= WHOLE_HASH_LIMIT);
  if (demo) {
    const bytes = demoCsv();
    const hex = subtle ? toHex(await crypto.subtle.digest('SHA-256', bytes)) : new Sha256().update(bytes).hex();
    return { hex, bytes: bytes.length, how: subtle ? 'subtle' : 'stream' };
  }
  if (subtle) {
    return { hex: toHex(await crypto.subtle.digest('SHA-256', await file.arrayBuffer())), bytes: size, how: 'subtle' };
  }
  const hash = new Sha256();
  const reader = file.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    hash.update(value);
  }
  return { hex: hash.hex(), bytes: size, how: 'stream' };
}

function needEngine() {
  if (!engine) throw new Error('no file is loaded yet');
  return engine;
}

self.onmessage = async (event) => {
  const msg = event.data ?? {};
  if (msg.type === 'module') {
    gotModule?.(msg.module);
    return;
  }
  if (msg.type === 'cancel') {
    if (current) {
      current.cancelled = true;
      current.abort?.();
    }
    return;
  }
  await ready;
  if (crashed) {
    postMessage({ type: 'crashed', id: msg.id, message: 'the engine stopped earlier' });
    return;
  }
  try {
    switch (msg.type) {
      case 'load':
        await load(msg);
        break;
      case 'summary':
        postMessage({ type: 'summary', id: msg.id, summary: needEngine().summary() });
        break;
      case 'run':
        postMessage({ type: 'result', id: msg.id, report: needEngine().run(msg.spec) });
        break;
      case 'fit': {
        let lastPost = 0;
        const onProgress = (done, total) => {
          const now = performance.now();
          if (now - lastPost < PROGRESS_EVERY_MS && done < total) return;
          lastPost = now;
          postMessage({ type: 'progress', id: msg.id, done, total });
        };
        postMessage({ type: 'result', id: msg.id, report: needEngine().runWithProgress(msg.spec, onProgress) });
        break;
      }
      case 'dropoff':
        postMessage({ type: 'dropoff', id: msg.id, users: needEngine().dropoff(msg.spec, msg.step) });
        break;
      case 'attach': {
        const bytes = new Uint8Array(await msg.file.arrayBuffer());
        const report = needEngine().attachAttributes(bytes, msg.file.name);
        attributes = { bytes, name: msg.file.name };
        postMessage({ type: 'attached', id: msg.id, report });
        break;
      }
      case 'sha256':
        postMessage({ type: 'sha256', id: msg.id, ...(await fingerprint(msg)) });
        break;
      case '__panic':
        // TEST ONLY (tests/e2e): a deliberate panic, to check the page survives one.
        debugPanic();
        break;
      default:
        throw new Error(`unknown message type ${JSON.stringify(msg.type)}`);
    }
  } catch (e) {
    fail(msg.id, e);
  }
};
