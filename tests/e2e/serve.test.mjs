// scripts/serve.mjs, the static server of the page, the page tests and the benchmarks
// (node only, no browser): on a temporary root of random files, small ones (sent whole,
// in one write) and one over the whole-file limit (streamed), every byte and header is
// checked against the file itself; HEAD, a missing file, a directory and a path outside
// the root are refused as before.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = mkdtempSync(join(tmpdir(), 'tidemark-serve-'));
let server;
let base;

/** Random sizes around the edges that matter: empty, one byte, a stream chunk (64 KiB), a few MB. */
const SIZES = [0, 1, 65_535, 65_536, 65_537, 1 + Math.floor(Math.random() * 4_000_000)];
/** Over serve.mjs's whole-file limit (64 MiB): streamed. */
const LARGE = 64 * 2 ** 20 + 1 + Math.floor(Math.random() * 100_000);
const files = new Map();

before(async () => {
  mkdirSync(join(dir, 'www', 'sub'), { recursive: true });
  mkdirSync(join(dir, 'pkg'));
  SIZES.forEach((n, i) => {
    const body = randomBytes(n);
    const path = i % 2 ? `/sub/f${i}.bin` : `/f${i}.js`;
    writeFileSync(join(dir, 'www', path), body);
    files.set(path, body);
  });
  const wasm = randomBytes(3_000_000);
  writeFileSync(join(dir, 'pkg', 'm.wasm'), wasm);
  files.set('/pkg/m.wasm', wasm);
  const large = randomBytes(LARGE);
  writeFileSync(join(dir, 'www', 'large.csv'), large);
  files.set('/large.csv', large);
  writeFileSync(join(dir, 'secret.txt'), 'outside www/');
  server = spawn(process.execPath, [join(root, 'scripts/serve.mjs'), '--port', '0', '--root', dir]);
  base = await new Promise((ok, fail) => {
    server.stdout.on('data', (d) => {
      const m = String(d).match(/http:\/\/127\.0\.0\.1:\d+/);
      if (m) ok(m[0]);
    });
    server.on('exit', (c) => fail(new Error(`serve.mjs exited ${c}`)));
  });
});

after(() => {
  server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

const TYPES = { '.js': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm', '.csv': 'text/csv; charset=utf-8', '.bin': 'application/octet-stream' };

test('every file arrives byte for byte, with its length and type, whole or streamed', async () => {
  for (const [path, body] of files) {
    const r = await fetch(base + path);
    assert.equal(r.status, 200, path);
    assert.equal(r.headers.get('content-length'), String(body.length), path);
    assert.equal(r.headers.get('content-type'), TYPES[path.slice(path.lastIndexOf('.'))], path);
    assert.equal(r.headers.get('cache-control'), 'no-cache', path);
    const got = Buffer.from(await r.arrayBuffer());
    assert.ok(got.equals(body), `${path}: ${got.length} bytes differ from the file's ${body.length}`);
  }
});

test('HEAD gives the headers and no body', async () => {
  for (const [path, body] of files) {
    const r = await fetch(base + path, { method: 'HEAD' });
    assert.equal(r.status, 200, path);
    assert.equal(r.headers.get('content-length'), String(body.length), path);
    assert.equal((await r.arrayBuffer()).byteLength, 0, path);
  }
});

test('a missing file, a directory, a path outside the root and another method are refused', async () => {
  assert.equal((await fetch(`${base}/nope.js`)).status, 404);
  assert.equal((await fetch(`${base}/sub`)).status, 404);
  assert.equal((await fetch(`${base}/%2e%2e/secret.txt`)).status, 404);
  assert.equal((await fetch(`${base}/pkg/%2e%2e/secret.txt`)).status, 404);
  assert.equal((await fetch(`${base}/f0.js`, { method: 'POST', body: 'x' })).status, 405);
});
