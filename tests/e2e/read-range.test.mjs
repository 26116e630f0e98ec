// www/js/read-range.js (how every load reads the File) on node's own Blob: the
// pieces of a range, concatenated, are exactly the range's bytes — through the
// BYOB reader that reuses its buffers, and through the fallback for streams without
// one —; a stop ends the reading; a failing stream's error reaches the caller.
// No browser needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { streamRange, PUSH_BYTES } from '../../www/js/read-range.js';

/** Reads `start..end` of `file`, copying each piece (the buffers are reused). */
async function readAll(file, start, end, stopped = () => false) {
  const pieces = [];
  await streamRange(file, start, end, (bytes) => pieces.push(Uint8Array.from(bytes)), stopped);
  return pieces;
}

const concat = (pieces) => {
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** A Blob-like file whose slices stream `chunk`-byte pieces from a plain (not byte) stream: no BYOB reader. */
function plainStreamFile(bytes, chunk) {
  return {
    size: bytes.length,
    slice: (a, b) => ({
      stream: () => {
        const part = bytes.subarray(a, b);
        let at = 0;
        return new ReadableStream({
          pull(c) {
            if (at >= part.length) {
              c.close();
              return;
            }
            c.enqueue(part.slice(at, at + chunk));
            at += chunk;
          },
        });
      },
    }),
  };
}

test('a range read through the BYOB reader is exactly its bytes', async () => {
  const bytes = new Uint8Array(randomBytes(3 * PUSH_BYTES + 12_345));
  const file = new Blob([bytes]);
  const n = bytes.length;
  const ranges = [[0, n], [0, 0], [n, n], [1, 2], [PUSH_BYTES - 1, PUSH_BYTES + 1], [17, n - 5]];
  for (let i = 0; i < 6; i++) {
    const a = Math.floor(Math.random() * n);
    ranges.push([a, a + Math.floor(Math.random() * (n - a + 1))]);
  }
  for (const [a, b] of ranges) {
    const pieces = await readAll(file, a, b);
    assert.deepEqual(concat(pieces), bytes.subarray(a, b), `range ${a}..${b}`);
    assert.ok(pieces.every((p) => p.length > 0 && p.length <= PUSH_BYTES), `piece sizes of ${a}..${b}`);
  }
});

test('the BYOB reader reuses its buffers: a piece kept without a copy is taken back (why sinks must copy)', async () => {
  const bytes = new Uint8Array(randomBytes(8 * PUSH_BYTES));
  const kept = [];
  await streamRange(new Blob([bytes]), 0, bytes.length, (piece) => kept.push(piece), () => false);
  assert.ok(kept.length >= 8, `${kept.length} pieces`);
  // Each piece's buffer went back to the reader for the next read (detached here).
  assert.ok(kept.every((p) => p.byteLength === 0), 'a piece kept its bytes: buffers were not reused');
});

test('without a BYOB reader, the chunks are gathered into pushes of about PUSH_BYTES', async () => {
  const bytes = new Uint8Array(randomBytes(2 * PUSH_BYTES + 777));
  for (const chunk of [1000, 65_536, PUSH_BYTES + 3]) {
    const file = plainStreamFile(bytes, chunk);
    const pieces = await readAll(file, 5, bytes.length - 9);
    assert.deepEqual(concat(pieces), bytes.subarray(5, bytes.length - 9), `chunks of ${chunk}`);
    // Every push but the last holds at least PUSH_BYTES (gathered), under one more chunk.
    for (const p of pieces.slice(0, -1)) assert.ok(p.length >= PUSH_BYTES && p.length < PUSH_BYTES + chunk, `${p.length}`);
  }
});

test('a stop ends the reading early, in either reader', async () => {
  const bytes = new Uint8Array(randomBytes(6 * PUSH_BYTES));
  for (const file of [new Blob([bytes]), plainStreamFile(bytes, 65_536)]) {
    let pushes = 0;
    const pieces = await readAll(file, 0, bytes.length, () => pushes++ >= 2);
    const got = concat(pieces);
    assert.ok(got.length < bytes.length, `read ${got.length} of ${bytes.length}`);
    assert.deepEqual(got, bytes.subarray(0, got.length));
  }
});

test("a failing stream's error reaches the caller", async () => {
  const file = {
    size: 10,
    slice: () => ({
      stream: () => new ReadableStream({
        type: 'bytes',
        pull(c) {
          c.error(new Error('the file could not be read'));
        },
      }),
    }),
  };
  await assert.rejects(readAll(file, 0, 10), /could not be read/);
});

/**
 * A Blob-like file whose slices stream their bytes from a byte stream (BYOB
 * readers) or a plain one, in pieces of `chunk`; the streams listed in `stalls`
 * (0 = the first slice streamed, …) stop delivering for good after that many bytes.
 */
function stallingFile(bytes, chunk, stalls, { byob = true } = {}) {
  let streams = 0;
  return {
    size: bytes.length,
    slice: (a, b) => ({
      stream: () => {
        const stallAt = stalls.get(streams++) ?? Infinity;
        const part = bytes.subarray(a, b);
        let at = 0;
        const never = new Promise(() => {});
        return new ReadableStream({
          type: byob ? 'bytes' : undefined,
          pull(c) {
            if (at >= stallAt) return never;
            if (at >= part.length) {
              c.close();
              c.byobRequest?.respond(0);
              return undefined;
            }
            const n = Math.min(chunk, part.length - at, stallAt - at);
            const view = c.byobRequest?.view;
            if (view) {
              const m = Math.min(n, view.byteLength);
              view.set(part.subarray(at, at + m));
              at += m;
              c.byobRequest.respond(m);
            } else {
              c.enqueue(part.slice(at, at + n));
              at += n;
            }
            return undefined;
          },
        });
      },
    }),
  };
}

test('a stream that stalls is replaced by a fresh one from where it stopped: the range is still exactly its bytes', { timeout: 20_000 }, async () => {
  const bytes = new Uint8Array(randomBytes(3 * PUSH_BYTES + 4321));
  for (const byob of [true, false]) {
    // The first stream stalls inside the second push, the fresh one at once, the third never.
    const file = stallingFile(bytes, 300_000, new Map([[0, PUSH_BYTES + 123_456], [1, 0]]), { byob });
    const pieces = [];
    await streamRange(file, 7, bytes.length - 3, (p) => pieces.push(Uint8Array.from(p)), () => false, { stallMs: 50 });
    assert.deepEqual(concat(pieces), bytes.subarray(7, bytes.length - 3), `byob ${byob}`);
  }
});

test('a file whose every stream stalls fails with an error saying so, not a load that never ends', { timeout: 20_000 }, async () => {
  const bytes = new Uint8Array(randomBytes(PUSH_BYTES));
  for (const byob of [true, false]) {
    const file = stallingFile(bytes, 65_536, new Map([0, 1, 2, 3, 4, 5].map((i) => [i, i === 0 ? 200_000 : 0])), { byob });
    await assert.rejects(
      streamRange(file, 0, bytes.length, () => {}, () => false, { stallMs: 30 }),
      /reading the file stalled: no bytes for 0.03 s at byte \d+, 4 times in a row/,
      `byob ${byob}`,
    );
  }
});
