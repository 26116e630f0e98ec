// A load in parts, in the engine worker (www/worker.js, www/bench-worker.js): the
// file is cut into byte ranges just after a "\n"; the engine worker parses the first
// range itself and one part worker (www/part-worker.js) per other range parses the
// rest, into transferable buffers — its keys (dictionaries, users' row counts) as
// soon as it is parsed, then its sorted columns in pieces as its sort writes them —;
// they are merged in file order (PartMerger, src/ingest/parallel.rs): every part's
// keys read (and the engine's own rows placed for the merge) while the part workers
// sort, then each part's pieces copied into place, the first ones while the part
// worker still writes the last. This gives exactly the sequential load's table.
// No SharedArrayBuffer and no cross-origin isolation: each part worker gets the
// compiled WebAssembly.Module and the File (both can be posted; a File slice is read
// in the worker) and posts its part back as transferred ArrayBuffers.
// When a cut fell inside a quoted field, the merger says from where to go on, and
// the rest of the file is pushed through it here, sequentially.
import { PartLoader, PartMerger, headLength, boundaryAfter, warmUp } from '/pkg/tidemark.js';
import { streamRange } from './read-range.js';

/** Files smaller than this load sequentially (starting workers costs more). */
export const PARALLEL_MIN_BYTES = 32 << 20;
/** The most parts by default (the workers share the machine's cores). */
export const MAX_PARTS = 4;
/** Bytes read after a cut to find the next "\n"; none found: no cut there. */
const WINDOW_BYTES = 1 << 20;
// The pieces a part worker posts its columns in, handed to the merger as they come
// (PartMerger.addPiece).
const FILL_PIECE = 4 << 20;
/**
 * The engine worker's share of a file loaded in two parts. Besides its range it sorts
 * its own rows, reads the part's keys and fills the part's columns in, and builds the
 * table at the end, while the part worker sorts its own: at 0.5 the engine worker
 * burnt ≈ 0.2 s more CPU than the part worker over a 10M load (a load's end waited for
 * it); the two balance, the build's finish included, at 0.48 (BENCHMARKS.md, "The
 * load's spread (twelfth session, helper s12h3)": 66 loads at 0.44–0.52). Three parts
 * or more split evenly: not measured.
 */
export const FIRST_SHARE_OF_TWO = 0.48;

/**
 * How many parts to load `size` bytes in (1 = sequentially). `setting` is the load
 * option `parallel`: `false` (never), `true` or absent (the default: files of at
 * least PARALLEL_MIN_BYTES in min(hardwareConcurrency, MAX_PARTS) parts when there
 * are two cores or more), or `{parts, minBytes}` to choose. `self.__tidemarkParallel`
 * (the same object, set by the page tests in the engine worker) overrides it; its
 * test-only fields: `panicInPart` (that part worker panics), `hold` (the load waits,
 * part workers running, until cancelled; a sequential load waits after its first
 * bytes, www/worker.js), `fillPiece` (the pieces, in bytes, a part worker posts
 * its columns in, instead of FILL_PIECE).
 */
export function partCount(size, setting) {
  if (setting === false && !globalThis.__tidemarkParallel) return 1;
  const s = { ...(setting && typeof setting === 'object' ? setting : {}), ...(globalThis.__tidemarkParallel ?? {}) };
  const cores = Number(globalThis.navigator?.hardwareConcurrency) || 1;
  const parts = Math.floor(s.parts ?? (cores >= 2 ? Math.min(cores, MAX_PARTS) : 1));
  if (size < (s.minBytes ?? PARALLEL_MIN_BYTES) || !(parts >= 2)) return 1;
  return Math.min(parts, 16);
}

/**
 * Parses bytes `start..end` of `file` into a part (a Uint8Array), or null when
 * stopped. `onProgress(bytes, rows)` after every push. With `keep`, the loader
 * itself is returned, all pushed (for PartMerger.adoptFirst; the caller frees it).
 */
export async function loadRange({ file, name, options, head, start, end, onProgress, stopped = () => false, keep = false }) {
  const loader = new PartLoader(name, options, head, file.size, start, end);
  let kept = false;
  try {
    await streamRange(file, start, end, (chunk) => {
      loader.push(chunk);
      onProgress?.(loader.bytesRead, loader.rowsRead);
    }, stopped);
    if (stopped()) return null;
    if (keep) {
      kept = true;
      return loader;
    }
    return loader.finish();
  } finally {
    if (!kept) loader.free();
  }
}

/** An Error carrying a part worker's answer: its kind and line, or `crashed` after a panic. */
function partError(m) {
  const err = new Error(m.message);
  err.kind = m.kind ?? null;
  err.line = m.line ?? null;
  err.crashed = m.type === 'crashed';
  return err;
}

/** Part workers started and not yet ended (the page tests read it after a cancel). */
let running = 0;
const count = (delta) => {
  running += delta;
  globalThis.__tidemarkPartWorkers = running;
};

/** Part workers started ahead of a load (prestartParts), instantiated and waiting for a range. */
const standby = [];

/**
 * A part worker, started: `{worker, module, early, ready}`; `early` keeps the
 * events it sent before a load adopted it (its 'ready', or an error), `ready`
 * resolves once it is instantiated.
 */
function spawnPartWorker(module) {
  const worker = new Worker(new URL('../dist/part-worker.js', import.meta.url), { type: 'module' });
  const early = [];
  let readyNow;
  const ready = new Promise((resolve) => { readyNow = resolve; });
  worker.onmessage = (e) => {
    if (e.data?.type === 'ready') readyNow();
    early.push(e);
  };
  worker.onerror = (e) => {
    e.preventDefault?.();
    early.push(e);
  };
  worker.postMessage({ type: 'init', module });
  return { worker, module, early, ready };
}

/**
 * Starts the part workers a load in parts of a large file would use (`setting`:
 * as partCount's) before any file arrives, so that such a load finds them
 * instantiated instead of waiting ≈ 50–100 ms for them, and warms the engine up
 * (warmOnce); the engine worker calls this once ready and after every load in
 * parts, which ends the workers it used. Resolves when they are all instantiated.
 */
export function prestartParts(module, setting) {
  const want = partCount(Number.MAX_SAFE_INTEGER, setting) - 1;
  while (standby.length < want) standby.push(spawnPartWorker(module));
  // Also for one core: a sequential load plans its file too.
  warmOnce();
  return Promise.all(standby.map((s) => s.ready));
}

let warmed = false;
/**
 * The merge's functions and the plan run once on a small table and file (warmUp),
 * so that the engine has optimised them (shared with the part workers, which get
 * the same compiled module) before a load calls each of them once; once per
 * engine worker.
 */
function warmOnce() {
  if (warmed) return;
  warmed = true;
  warmUp();
}

/** A started part worker for `module` that has not failed, if one waits. */
function takeSpare(module) {
  while (standby.length) {
    const spare = standby.shift();
    if (spare.module === module && !spare.early.some((e) => e.type === 'error')) return spare;
    spare.worker.terminate();
  }
  return null;
}

/**
 * Starts a part worker on one range (a waiting one when there is one): {keys,
 * next(), promise, ready (it runs), stop()}; `keys` resolves with {bytes (the
 * part's announcement), at: {parsed, announced, received}}; `next()` with each
 * piece of its columns in order ({bytes}), then {end: true, at: {first_piece,
 * encoded, received}} (epoch ms: its range parsed, its keys, its first and last
 * piece made, and the end's arrival here), as `promise` does. A failure rejects
 * `keys`, `promise` and the `next()` after the pieces that came before it.
 */
function startPart({ module, file, name, options, head, start, end, piece, onProgress, debugPanic }) {
  const spare = takeSpare(module);
  const { worker, early, ready: started } = spare ?? spawnPartWorker(module);
  count(1);
  let live = true;
  let settle;
  let settleKeys;
  const promise = new Promise((resolve, reject) => {
    settle = { resolve, reject };
  });
  const keys = new Promise((resolve, reject) => {
    settleKeys = { resolve, reject };
  });
  const now = () => performance.timeOrigin + performance.now();
  // The pieces (and the end) not yet taken, and the next() waiting for one.
  const queue = [];
  let failure = null;
  let waiting = null;
  const put = (item) => {
    if (waiting) {
      waiting.resolve(item);
      waiting = null;
    } else queue.push(item);
  };
  const fail = (err) => {
    failure ??= err;
    waiting?.reject(err);
    waiting = null;
    settleKeys.reject(err);
    settle.reject(err);
  };
  const next = () => {
    if (queue.length) return Promise.resolve(queue.shift());
    if (failure) return Promise.reject(failure);
    return new Promise((resolve, reject) => { waiting = { resolve, reject }; });
  };
  // Running (or already settled, e.g. failed to start): see loadInParts.
  const ready = Promise.race([started, promise.then(() => {}, () => {})]);
  const onMessage = ({ data: m }) => {
    if (m.type === 'ready') return;
    if (m.type === 'progress') onProgress(m.bytes, m.rows);
    else if (m.type === 'keys') settleKeys.resolve({ bytes: new Uint8Array(m.bytes), at: { ...m.at, received: now() } });
    else if (m.type === 'piece') put({ bytes: new Uint8Array(m.bytes) });
    else if (m.type === 'part') {
      const done = { end: true, at: { ...m.at, received: now() } };
      put(done);
      settle.resolve(done);
    } else fail(partError(m));
  };
  const onError = (e) => {
    e.preventDefault?.();
    fail(partError({ type: 'crashed', message: `a part worker failed: ${e.message || 'it could not start'}` }));
  };
  worker.onmessage = onMessage;
  worker.onerror = onError;
  for (const e of early) (e.type === 'error' ? onError : onMessage)(e);
  worker.postMessage({ type: 'part', module, file, name, options, head, start, end, piece, debugPanic: !!debugPanic });
  // Rejections are read in file order; none may go unhandled meanwhile.
  promise.catch(() => {});
  keys.catch(() => {});
  const stop = () => {
    if (!live) return;
    live = false;
    worker.terminate();
    count(-1);
  };
  return { keys, next, promise, ready, stop, spare: spare !== null };
}

/**
 * Where the parts start: 0 and, for each cut, just after the next "\n". The first
 * range (the engine worker's own) gets `firstShare` of the file (default:
 * FIRST_SHARE_OF_TWO of two parts, an even split of more), the others share the rest evenly.
 */
async function partStarts(file, parts, firstShare) {
  const total = file.size;
  const first = firstShare > 0 && firstShare < 1 ? firstShare : parts === 2 ? FIRST_SHARE_OF_TWO : 1 / parts;
  const starts = [0];
  for (let i = 1; i < parts; i++) {
    const cut = Math.floor(total * (first + ((1 - first) * (i - 1)) / (parts - 1)));
    const window = new Uint8Array(await file.slice(cut, Math.min(total, cut + WINDOW_BYTES)).arrayBuffer());
    const b = boundaryAfter(window);
    if (b >= 0 && cut + b < total && cut + b > starts.at(-1)) starts.push(cut + b);
  }
  return starts;
}

/**
 * Loads `file` in `parts` parts (`firstShare`: the fraction of the file this
 * worker parses itself; default: partStarts's). `job.cancelled` stops it (every part worker is
 * ended at once through `job.abort`, which this sets); `progress(bytes, rows)` sums
 * every part. Resolves with {engine, parts, cuts (where each part but the first starts), fallback, spares (part workers that
 * were started before the load), pieces (of the parts' columns, added), ms} (`ms`: milliseconds from the
 * start to each stage, for the benchmark), with null when the file
 * cannot be split (not UTF-8, no line end near a cut: load it sequentially), or
 * with {cancelled: true}. Throws the first part's error in file order; a part
 * worker's panic throws an Error with `crashed` set.
 */
export async function loadInParts({ file, name, options, module, parts, job, progress, firstShare }) {
  const t0 = performance.now();
  const ms = {};
  // The stage marks so far, and later each part's bytes and rows read, for a caller
  // that shows a load's progress (the benchmark page: where a stalled load stopped).
  job.marks = ms;
  const mark = (key) => { ms[key] = Math.round(performance.now() - t0); };
  const markAt = (key, epochMs) => { ms[key] = Math.round(epochMs - performance.timeOrigin - t0); };
  const total = file.size;
  const head = new Uint8Array(await file.slice(0, headLength(total)).arrayBuffer());
  mark('head_read');
  const merger = new PartMerger(name, options, head, total);
  mark('planned');
  const workers = [];
  let cancel;
  const cancelled = new Promise((resolve) => { cancel = resolve; });
  const stopAll = () => {
    for (const w of workers) w.stop();
    cancel({ cancelled: true });
  };
  job.abort = stopAll;
  const stopped = () => job.cancelled;
  try {
    if (!merger.splittable) return null;
    const starts = await partStarts(file, parts, firstShare ?? globalThis.__tidemarkParallel?.firstShare);
    mark('cuts');
    if (starts.length < 2 || stopped()) return stopped() ? { cancelled: true } : null;
    const ranges = starts.map((s, i) => [s, starts[i + 1] ?? total]);
    const seen = ranges.map(() => ({ bytes: 0, rows: 0 }));
    job.seen = seen;
    const report = () => progress(seen.reduce((a, s) => a + s.bytes, 0), seen.reduce((a, s) => a + s.rows, 0));
    const onProgressOf = (i) => (bytes, rows) => {
      seen[i] = { bytes, rows };
      report();
    };
    const hook = globalThis.__tidemarkParallel ?? {};
    const piece = hook.fillPiece > 0 ? hook.fillPiece : FILL_PIECE;
    for (const [i, [start, end]] of ranges.entries()) {
      if (i === 0) continue;
      workers.push(startPart({
        module, file, name, options, head, start, end, piece, onProgress: onProgressOf(i),
        debugPanic: hook.panicInPart === i,
      }));
    }
    mark('workers_started');
    // While the part workers start, unless done before the file came (prestartParts).
    warmOnce();
    mark('warmed_up');
    // Wait until every part worker runs before parsing here: this worker's parse
    // keeps its event loop busy (each read resolves at once), and a nested worker's
    // start needs that loop — started and left alone, the part workers began only
    // when the first part was done (10M: 2.35 s in, their half in at 5.1 s).
    await Promise.race([Promise.all(workers.map((w) => w.ready)), cancelled]);
    if (stopped()) return { cancelled: true };
    mark('workers_ready');
    // TEST ONLY: `hold` waits here, part workers running, until the load is cancelled.
    if (hook.hold) await cancelled;
    const first = await loadRange({ file, name, options, head, start: 0, end: ranges[0][1], onProgress: onProgressOf(0), stopped, keep: true });
    if (stopped()) {
      first?.free();
      return { cancelled: true };
    }
    mark('first_part');
    // The first part stays in this worker's memory: adopted, not copied (and put
    // in per-user order while the other parts are still on their way).
    let from;
    try {
      from = merger.adoptFirst(first);
    } finally {
      first.free();
    }
    mark('first_sorted');
    // Every part's keys in file order (the last one's also places this worker's
    // rows for the merge), while the part workers sort their columns.
    let announced = 0;
    let reading = 0;
    for (let i = 1; i < ranges.length && from < 0; i++) {
      const keys = await Promise.race([workers[i - 1].keys, cancelled]);
      if (stopped()) return { cancelled: true };
      for (const [k, v] of Object.entries(keys.at ?? {})) markAt(`part${i}_${k === 'received' ? 'keys_received' : k}`, v);
      const m0 = performance.now();
      from = merger.announce(keys.bytes);
      reading += performance.now() - m0;
      if (from < 0) announced = i;
    }
    mark('parts_announced');
    ms.reading_keys = Math.round(reading);
    // Then each announced part's columns (before a fallback: those of the parts
    // before it), copied into place in file order, piece by piece as they come
    // (those posted while this worker sorted and placed its rows waited in its
    // message queue): each block filled into place as it completes, through one
    // reused buffer of the engine's memory — the part's columns are never copied
    // whole, neither out of the part worker's memory nor into this one's.
    let filling = 0;
    let pieces = 0;
    for (let i = 1; i <= announced; i++) {
      for (;;) {
        const item = await Promise.race([workers[i - 1].next(), cancelled]);
        if (stopped()) return { cancelled: true };
        const m0 = performance.now();
        if (item.end) {
          merger.addEnd();
          filling += performance.now() - m0;
          for (const [k, v] of Object.entries(item.at ?? {})) markAt(`part${i}_${k}`, v);
          break;
        }
        if (ms[`part${i}_first_filled`] === undefined) mark(`part${i}_first_filled`);
        merger.addPiece(item.bytes);
        pieces += 1;
        filling += performance.now() - m0;
      }
    }
    mark('parts_in');
    ms.filling_parts = Math.round(filling);
    for (const w of workers) w.stop();
    const fallback = from >= 0;
    if (fallback) {
      // A cut inside a quoted field: the rest, from the merger's offset, sequentially.
      seen.fill({ bytes: 0, rows: 0 });
      seen[0] = { bytes: from, rows: merger.rowsRead };
      let pushed = 0;
      await streamRange(file, from, total, (chunk) => {
        merger.push(chunk);
        pushed += chunk.length;
        seen[0] = { bytes: from + pushed, rows: merger.rowsRead };
        report();
      }, stopped);
      if (stopped()) return { cancelled: true };
    }
    const engine = merger.finish();
    mark('built');
    return { engine, parts: ranges.length, cuts: starts.slice(1), fallback, spares: workers.filter((w) => w.spare).length, pieces, ms };
  } finally {
    for (const w of workers) w.stop();
    job.abort = null;
    merger.free();
  }
}
