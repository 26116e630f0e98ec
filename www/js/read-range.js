// Reading a byte range of a File (or any Blob) in pieces, for the loads of
// www/worker.js, js/parallel-load.js and the benchmark. No imports: the node tests
// (tests/e2e/read-range.test.mjs) run it on node's own Blob.

/** Bytes per piece: a push into a loader copies a piece into wasm memory. */
export const PUSH_BYTES = 1 << 20;

/** Buffers a range is read into, each filled while the one before is parsed. */
const READ_AHEAD = 3;

/**
 * Reads bytes `start..end` of `file` into `sink(bytes)`, piece by piece, until
 * `stopped()`. `sink` must use the bytes before it returns (a push into wasm
 * copies them): the buffers are reused. A BYOB reader fills READ_AHEAD reused
 * buffers of PUSH_BYTES, so reads run ahead of the parse without allocating a
 * fresh buffer per chunk (10M events in 2 parts: the renderer's CPU for reading
 * the 657 MiB fell from ≈ 1.4 s to ≈ 0.6 s, BENCHMARKS.md). A browser without
 * BYOB readers for a Blob's stream gets the default reader's chunks, gathered
 * into pushes of about PUSH_BYTES.
 */
export async function streamRange(file, start, end, sink, stopped) {
  const stream = file.slice(start, end).stream();
  let reader;
  try {
    reader = stream.getReader({ mode: 'byob' });
  } catch {
    return gatherRange(stream.getReader(), sink, stopped);
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
      const { done, value } = await pending.shift();
      if (done) break;
      sink(value);
      read(new Uint8Array(value.buffer));
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

/** streamRange without a BYOB reader: the default reader's chunks in pushes of about PUSH_BYTES. */
async function gatherRange(reader, sink, stopped) {
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
      const { done, value } = await reader.read();
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
