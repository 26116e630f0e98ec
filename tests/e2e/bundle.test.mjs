// The workers' bundles (www/dist/, scripts/bundle.mjs): each worker's scripts as one
// file. No browser: the files on disk against a fresh build of the sources, and what
// each bundle would still request when it runs. The page side (each worker fetches
// exactly its bundle) is in startup.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve, dirname, relative } from 'node:path';
import { ENTRIES, OUT_DIR, root, bundles } from '../../scripts/bundle.mjs';

/** The file scripts/serve.mjs serves at a URL path (/pkg/ → pkg/, else www/). */
const served = (path) => (path.startsWith('/pkg/') ? join(root, path) : join(root, 'www', path));

/**
 * The naive reference: every module an entry reaches, by its import statements
 * (static, side-effect and dynamic, with a literal specifier; comments stripped),
 * as repository-relative paths; /pkg/… is pkg/.
 */
async function reachable(entry) {
  const seen = new Set();
  const todo = [entry];
  while (todo.length) {
    const file = todo.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    const code = (await readFile(join(root, file), 'utf8'))
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
    const specs = [
      ...code.matchAll(/^\s*(?:import|export)\s[^;]*?\bfrom\s*['"]([^'"]+)['"]/gm),
      ...code.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm),
      ...code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
    ].map((m) => m[1]);
    for (const spec of specs) {
      const path = spec.startsWith('/pkg/') ? spec.slice(1) : relative(root, resolve(root, dirname(file), spec));
      todo.push(path);
    }
  }
  return seen;
}

test('each bundle is one request: no import left, one glue, URLs that resolve to served files', async () => {
  const built = await bundles();
  assert.deepEqual(built.map((b) => b.name).sort(), [...ENTRIES].sort());
  for (const { name, text, inputs } of built) {
    // A static or dynamic import left in the bundle would be a further round trip
    // (and a second module instance of what it names).
    const left = text.match(/^\s*(import|export)\s[^;]*\bfrom\s*["'][^"']+["']|\bimport\s*\(|^\s*import\s*["']/gm);
    assert.equal(left, null, `${name} still imports: ${left}`);
    // One glue per worker: parallel-load.js and the entry share the instance they
    // initialised (two copies would leave one of them uninitialised).
    assert.equal(inputs.filter((p) => p === 'pkg/tidemark.js').length, 1, `${name}: inputs ${inputs}`);
    assert.equal(text.match(/function __wbg_get_imports\(/g)?.length, 1, `${name}: one copy of the glue`);
    // The entry's whole module graph is inside: exactly the modules it reaches.
    assert.deepEqual([...inputs].sort(), [...(await reachable(`www/${name}`))].sort(), `${name}: its inputs`);
    // Every URL the bundle makes relative to itself (the glue's default wasm, the
    // part worker it spawns) names a file the site serves, the part worker's bundle
    // and never the unbundled www/part-worker.js.
    const urls = [...text.matchAll(/new URL\(\s*["']([^"']+)["']\s*,\s*import\.meta\.url\s*\)/g)].map((m) => m[1]);
    assert.ok(urls.length >= 1, `${name}: the glue's default wasm URL`);
    for (const rel of urls) {
      const path = new URL(rel, `http://site/dist/${name}`).pathname;
      assert.ok(path === '/pkg/tidemark_bg.wasm' || path.startsWith('/dist/'), `${name}: new URL(${rel}) is ${path}`);
      assert.ok((await stat(served(path))).isFile(), `${name}: ${path} is served`);
    }
    assert.ok(urls.map((rel) => new URL(rel, `http://site/dist/${name}`).pathname).includes('/pkg/tidemark_bg.wasm'), `${name}: ${urls}`);
  }
});

test('www/dist/ holds exactly what the sources give now (no stale bundle)', async () => {
  // scripts/build-wasm and the page tests' harness rebuild it; a bundle left from
  // older sources (an edit of www/*.js, a new pkg/) would be tested and shipped instead.
  for (const { name, text } of await bundles()) {
    const disk = await readFile(join(OUT_DIR, name), 'utf8').catch(() => null);
    assert.ok(disk !== null, `www/dist/${name} is missing: run node scripts/bundle.mjs (scripts/build-wasm does)`);
    if (disk === text) continue;
    let at = 0;
    while (at < disk.length && disk[at] === text[at]) at++;
    assert.fail(`www/dist/${name} differs from a fresh build at character ${at}: ${JSON.stringify(disk.slice(at, at + 80))} vs ${JSON.stringify(text.slice(at, at + 80))}`);
  }
});
