#!/usr/bin/env node
// Serves the page on localhost, with no dependencies:
//   node scripts/serve.mjs [--port 8080] [--root .] [--rebuild]
// www/ at /, pkg/ at /pkg/, examples/ at /examples/ (the portal embedding the widget). Binds 127.0.0.1 only. --port 0 picks a free port.
// /vendor/… serves DuckDB-WASM and its ES module dependencies for the browser
// benchmark (www/bench.html?engine=duckdb), only when scripts/bench-browser has
// installed them into benches/browser/node_modules; otherwise those paths are 404.
// --rebuild (scripts/dev): www/dist/, the page's and the workers' bundles (scripts/bundle.mjs), is
// rebuilt before each request of one of its files, so that an edit of www/*.js shows
// on a reload (esbuild takes tens of milliseconds; a file is rewritten only if changed).
// Prints "Tidemark: http://127.0.0.1:PORT/" once listening.
import { createServer } from 'node:http';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { resolve, join, extname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.ts': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

function parseArgs(argv) {
  const out = { port: 8080, root: resolve(fileURLToPath(import.meta.url), '..', '..'), rebuild: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--port') out.port = Number(val());
    else if (a === '--root') out.root = resolve(val());
    else if (a === '--rebuild') out.rebuild = true;
    else if (a === '--help' || a === '-h') {
      console.log('usage: node scripts/serve.mjs [--port 8080] [--root .] [--rebuild]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!Number.isInteger(out.port) || out.port < 0 || out.port > 65535) {
    throw new Error('--port must be an integer from 0 to 65535');
  }
  return out;
}

let args;
try {
  args = parseArgs(process.argv.slice(2));
} catch (e) {
  console.error(`serve.mjs: ${e.message}`);
  process.exit(2);
}

const BENCH_MODULES = join(args.root, 'benches', 'browser', 'node_modules');
const VENDOR = [
  ['/vendor/duckdb/', join(BENCH_MODULES, '@duckdb', 'duckdb-wasm', 'dist')],
  ['/vendor/arrow/', join(BENCH_MODULES, 'apache-arrow')],
  ['/vendor/flatbuffers/', join(BENCH_MODULES, 'flatbuffers')],
  ['/vendor/tslib/', join(BENCH_MODULES, 'tslib')],
].filter(([, dir]) => existsSync(dir));
const MOUNTS = [
  ['/pkg/', join(args.root, 'pkg')],
  ['/examples/', join(args.root, 'examples')],
  ...VENDOR,
  ['/', join(args.root, 'www')],
];
// DuckDB's worker gets no CSP from the page that starts it: this one keeps it on
// this origin too (its wasm is compiled from a same-origin fetch).
const VENDOR_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";

/** Maps a URL path to a file under one of the mounts, refusing anything outside. */
function fileFor(urlPath) {
  let path;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  for (const [prefix, dir] of MOUNTS) {
    if (!path.startsWith(prefix)) continue;
    let rel = path.slice(prefix.length);
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = resolve(dir, rel);
    if (file !== dir && !file.startsWith(dir + sep)) return null;
    return file;
  }
  return null;
}

/**
 * Files up to this size are read whole (from the page cache, synchronously) and sent
 * by one write with their headers; larger ones are streamed. A stream reads 64 KiB at a
 * time on libuv's thread pool, each read a hand-off between threads: on a busy 2-core
 * machine the 3 MB wasm took 20–470 ms to arrive that way, and the scripts requested
 * beside it waited too (BENCHMARKS.md, "Start-up, robustly", twelfth session).
 */
const WHOLE_MAX = 64 * 2 ** 20;

/** --rebuild: scripts/bundle.mjs's build, one at a time; a failure is served as a 500. */
let rebuilding = Promise.resolve();
async function rebuildBundles() {
  const { build, root } = await import('./bundle.mjs');
  if (resolve(root) !== resolve(args.root)) throw new Error('--rebuild builds this repository\'s www/dist/: it needs the default --root');
  await build();
}

const server = createServer(async (req, res) => {
  const send = (code, text) => {
    res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(text);
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');
  const url = new URL(req.url, 'http://127.0.0.1');
  const file = fileFor(url.pathname);
  if (!file) return send(404, 'not found\n');
  if (args.rebuild && url.pathname.startsWith('/dist/')) {
    rebuilding = rebuilding.catch(() => {}).then(rebuildBundles);
    try {
      await rebuilding;
    } catch (e) {
      console.error(`serve.mjs: rebuilding www/dist/: ${e.message}`);
      return send(500, `rebuilding www/dist/ failed: ${e.message}\n`);
    }
  }
  let info;
  let body = null;
  try {
    info = statSync(file);
    if (info.isFile() && info.size <= WHOLE_MAX) body = readFileSync(file);
  } catch {
    return send(404, 'not found\n');
  }
  if (!info.isFile()) return send(404, 'not found\n');
  res.writeHead(200, {
    'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': body ? body.length : info.size,
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    ...(url.pathname.startsWith('/vendor/') ? { 'Content-Security-Policy': VENDOR_CSP } : {}),
  });
  if (req.method === 'HEAD') return res.end();
  if (body) return res.end(body);
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
});

server.on('error', (e) => {
  console.error(`serve.mjs: ${e.message}`);
  process.exit(1);
});
server.listen(args.port, '127.0.0.1', () => {
  console.log(`Tidemark: http://127.0.0.1:${server.address().port}/`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
