// A part worker of a load in parts (www/js/parallel-load.js): started by the engine
// worker, often before any file (prestartParts), for one byte range of a File.
// Messages in:
//   {type: 'init', module}               instantiate now, then wait for a range
//   {type: 'part', module, file, name, options, head, start, end, piece, debugPanic}
//     `module`: the compiled WebAssembly.Module (instantiated, never fetched again;
//     when absent the wasm is fetched and compiled here), unless 'init' came first;
//     `head`: the file's first headLength(size) bytes, which every part plans from;
//     `piece`: the bytes of each piece of the columns; `debugPanic`: TEST ONLY.
// Messages out:
//   {type: 'ready'}                      instantiated (once)
//   {type: 'progress', bytes, rows}      while reading (at most every 80 ms)
//   {type: 'keys', bytes: ArrayBuffer, at}  the part's announcement (transferred): its
//                                        counts, dictionaries and users' row counts, for
//                                        PartMerger.announce, posted as soon as the range
//                                        is parsed (`at.parsed`, `at.announced`: epoch ms)
//   {type: 'piece', bytes: ArrayBuffer}  then its columns, sorted into the part's
//                                        per-user order, in pieces of `piece` bytes (the
//                                        last one shorter) posted (transferred) as the
//                                        sort writes them, for PartMerger.addPiece in order
//                                        (none for a range that ended inside a quoted field)
//   {type: 'part', at}                   the columns' end (PartMerger.addEnd); `at.encoded`:
//                                        when the last piece was made, `at.first_piece`: the first
//   {type: 'error', message, kind, line} the range could not be loaded
//   {type: 'crashed', message}           a panic (the engine worker reports it as its own)
// The engine worker ends this worker when the part is in, or on cancel.
import init, { lastPanic, debugPanic } from '/pkg/tidemark.js';
import { loadRange } from './js/parallel-load.js';

const PROGRESS_EVERY_MS = 80;
/** The columns' pieces when the engine worker names no size. */
const PIECE_BYTES = 4 << 20;

/** The instance, once asked for ('init', or the first 'part'); posts 'ready' when made. */
let started = null;
const start = (module) => {
  started ??= init(module ? { module_or_path: module } : undefined).then(() => postMessage({ type: 'ready' }));
  // A failure is reported when a range comes (its 'part' awaits this again).
  started.catch(() => {});
  return started;
};

self.onmessage = async ({ data: m }) => {
  if (m?.type === 'init') {
    start(m.module);
    return;
  }
  if (m?.type !== 'part') return;
  try {
    await start(m.module);
    if (m.debugPanic) debugPanic();
    let last = 0;
    const loader = await loadRange({
      ...m,
      keep: true,
      onProgress: (bytes, rows) => {
        const now = performance.now();
        if (now - last < PROGRESS_EVERY_MS) return;
        last = now;
        postMessage({ type: 'progress', bytes, rows });
      },
    });
    const epoch = () => performance.timeOrigin + performance.now();
    const parsed = epoch();
    const at = {};
    try {
      // The keys first: the engine worker reads them and places its own rows
      // while this worker sorts.
      const keys = loader.announce();
      postMessage({ type: 'keys', bytes: keys.buffer, at: { parsed, announced: epoch() } }, [keys.buffer]);
      // Sorted into the part's per-user order, each piece posted as soon as the
      // sort has written it (not for a range that ended inside a quoted field:
      // never used): the engine worker fills the first pieces in while the later
      // ones are written, and no copy of the whole columns follows the sort.
      if (loader.clean) {
        loader.finishInPieces(m.piece > 0 ? m.piece : PIECE_BYTES, (view) => {
          at.first_piece ??= epoch();
          postMessage({ type: 'piece', bytes: view.buffer }, [view.buffer]);
        });
      }
    } finally {
      loader.free();
    }
    postMessage({ type: 'part', at: { ...at, encoded: epoch() } });
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) {
      let message = null;
      try {
        message = lastPanic();
      } catch {
        // The instance may be too broken to answer.
      }
      postMessage({ type: 'crashed', message: message ?? globalThis.__tidemarkPanic ?? `internal error: ${e?.message ?? e}` });
      return;
    }
    postMessage({ type: 'error', message: String(e?.message ?? e), kind: e?.kind ?? null, line: e?.line ?? null });
  }
};
