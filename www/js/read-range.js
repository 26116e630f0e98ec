// Reading a byte range of a File (or any Blob) in pieces, for the loads of
// www/worker.js, js/parallel-load.js and the benchmark. No imports: the node tests
// (tests/e2e/read-range.test.mjs) run it on node's own Blob.

/** Bytes per piece: a push into a loader copies a piece into wasm memory. */
export const PUSH_BYTES = 1 << 20;

/** Buffers a range is read into, each filled while the one before is parsed. */
const READ_AHEAD = 3;

/**
 * A read that brings nothing for this long is taken as stalled: the stream is
 * dropped and the range read on, from the first byte not yet taken, through a fresh
 * one. Chromium's File streams were seen to stop delivering for good in 2 of 7 10M
 * loads in parts (two workers reading halves of one File: both readers stopped at
 * once, the page alive and idle); with this watchdog none stalled in 156 loads, not
 * even once to recover (BENCHMARKS.md, eleventh and twelfth sessions): the cause is
 * not known.
 */
export const STALL_MS = 2000;

/** Stalls in a row (no byte between them) before the reading fails. */
const STALLS = 4;

/**
 * Reads bytes `start..end` of `file` into `sink(bytes)`, piece by piece, until
 * `stopped()`. `sink` must use the bytes before it returns (a push into wasm
 * copies them): the buffers are reused. A BYOB reader fills READ_AHEAD reused
 * buffers of PUSH_BYTES, so reads run ahead of the parse without allocating a
 * fresh buffer per chunk (10M events in 2 parts: the renderer's CPU for reading
 * the 657 MiB fell from ≈ 1.4 s to ≈ 0.6 s, BENCHMARKS.md). A browser without
 * BYOB readers for a Blob's stream gets the default reader's chunks, gathered
 * into pushes of about PUSH_BYTES. A stream that stalls (`stallMs`, default
 * STALL_MS) is replaced by a fresh one from where it stopped; after STALLS stalls
 * with no byte between them the reading fails with an error saying so.
 */
export async function streamRange(file, start, end, sink, stopped, { stallMs = STALL_MS } = {}) {
  let at = start;
  let stalls = 0;
  const take = (bytes) => {
    at += bytes.length;
    stalls = 0;
    sink(bytes);
  };
  while (await streamFrom(file, at, end, take, stopped, stallMs) === STALLED) {
    stalls += 1;
    console.warn(`read-range: the stream of bytes ${start}..${end} stalled at ${at}; reading on through a fresh one`);
    if (stalls >= STALLS) {
      throw new Error(`reading ${file.name ?? 'the file'} stalled: no bytes for ${stallMs / 1000} s at byte ${at}, ${stalls} times in a row`);
    }
  }
}

/** What streamFrom returns when its stream brought nothing for `stallMs`. */
const STALLED = Symbol('stalled');

/** `promise`, or STALLED when it has not settled after `ms`. */
function orStalled(promise, ms) {
  let timer;
  const stall = new Promise((resolve) => { timer = setTimeout(() => resolve(STALLED), ms); });
  return Promise.race([promise, stall]).finally(() => clearTimeout(timer));
}

/** One stream over `start..end` into `sink`: STALLED when a read brought nothing for `stallMs`. */
async function streamFrom(file, start, end, sink, stopped, stallMs) {
  const stream = file.slice(start, end).stream();
  let reader;
  try {
    reader = stream.getReader({ mode: 'byob' });
  } catch {
    return gatherRange(stream.getReader(), sink, stopped, stallMs);
  }
  const pending = [];
  try {
    const read = (view) => {
      const p = reader.read(view);
      p.catch(() => {}); // the one awaited still throws; the others were read ahead
      pending.push(p);
    };
    for (let i = 0; i < READ_AHEAD; i++) read(new Uint8Array(PUSH_BYTES));
    for (;;) {
      if (stopped()) return;
      const r = await orStalled(pending.shift(), stallMs);
      if (r === STALLED) return STALLED;
      const { done, value } = r;
      if (done) break;
      sink(value);
      read(new Uint8Array(value.buffer));
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

/** streamFrom without a BYOB reader: the default reader's chunks in pushes of about PUSH_BYTES. */
async function gatherRange(reader, sink, stopped, stallMs) {
  let parts = [];
  let held = 0;
  const flush = () => {
    if (held === 0) return;
    let buf = parts[0];
    if (parts.length > 1) {
      buf = new Uint8Array(held);
      let at = 0;
      for (const p of parts) {
        buf.set(p, at);
        at += p.length;
      }
    }
    parts = [];
    held = 0;
    sink(buf);
  };
  try {
    for (;;) {
      if (stopped()) return;
      const r = await orStalled(reader.read(), stallMs);
      if (r === STALLED) {
        // What was gathered is whole bytes of the range: the fresh stream starts after it.
        flush();
        return STALLED;
      }
      const { done, value } = r;
      if (done) break;
      parts.push(value);
      held += value.length;
      if (held >= PUSH_BYTES) flush();
    }
    if (!stopped()) flush();
  } finally {
    reader.cancel().catch(() => {});
  }
}
