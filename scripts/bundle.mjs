#!/usr/bin/env node
// Each worker's module graph, and the page's, as one ES module file: www/dist/<entry>.js
// (generated, git-ignored), which index.html loads and the page, the bench page and
// the part workers spawn.
//   node scripts/bundle.mjs            build (a file is rewritten only when it changed)
//   node scripts/bundle.mjs --check    exit 1 if www/dist/ is not what the sources give
// A worker started from a module fetches its import graph level by level (worker.js →
// js/parallel-load.js + /pkg/tidemark.js → pkg/snippets/…), each level a round trip
// before the script runs and can instantiate the posted wasm module; one file is one
// request (BENCHMARKS.md, "Start-up: one script per worker"). The page's app.js
// graph (some thirty modules, four levels deep) likewise.
// esbuild (tests/e2e's npm package, installed by scripts/setup) resolves /pkg/… to
// this repository's pkg/ (scripts/build-wasm's output), inlines dynamic imports (no
// code splitting), and keeps one copy of the glue per bundle: every module of a
// worker shares the instance it initialised. The glue's default wasm URL
// (`new URL('tidemark_bg.wasm', import.meta.url)`, used when init is given no module)
// is rewritten to `../pkg/tidemark_bg.wasm`: import.meta.url is the bundle's, in
// www/dist/, and the site serves pkg/ at /pkg/.
// Called by scripts/build-wasm (after wasm-bindgen), by tests/e2e/harness.mjs before
// the page tests, and by scripts/serve.mjs --rebuild (scripts/dev) before it serves
// one of them.
import { createRequire } from 'node:module';
import { readFile, writeFile, rename, mkdir } from 'node:fs/promises';
import { resolve, join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Where the bundles go (served at /dist/). */
export const OUT_DIR = join(root, 'www', 'dist');
/** The entries: www/<name> → www/dist/<name>: the workers (engine, part, bench) and the page. */
export const ENTRIES = ['worker.js', 'part-worker.js', 'bench-worker.js', 'app.js'];

const GLUE_URL = "new URL('tidemark_bg.wasm', import.meta.url)";
const BUNDLE_GLUE_URL = "new URL('../pkg/tidemark_bg.wasm', import.meta.url)";

/** esbuild, from tests/e2e's node_modules (scripts/setup installs it). */
function esbuild() {
  const require = createRequire(join(root, 'tests', 'e2e', 'package.json'));
  try {
    return require('esbuild');
  } catch (e) {
    throw new Error(`esbuild is not installed (run scripts/setup): ${e.message}`);
  }
}

/** /pkg/… → pkg/…; the glue's default wasm URL made relative to www/dist/. */
const pkgPlugin = {
  name: 'tidemark-pkg',
  setup(build) {
    build.onResolve({ filter: /^\/pkg\// }, (args) => ({ path: join(root, args.path) }));
    build.onLoad({ filter: /[\\/]pkg[\\/]tidemark\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const found = text.split(GLUE_URL).length - 1;
      if (found !== 1) {
        throw new Error(`${relative(root, args.path)}: expected the glue's default wasm URL ${GLUE_URL} once, found it ${found} times (a new wasm-bindgen?)`);
      }
      return { contents: text.replace(GLUE_URL, BUNDLE_GLUE_URL), loader: 'js' };
    });
  },
};

/** The bundles, in memory: [{name, text, inputs}] (inputs: repository-relative paths). */
export async function bundles() {
  const result = await esbuild().build({
    entryPoints: ENTRIES.map((name) => ({ in: join(root, 'www', name), out: name.replace(/\.js$/, '') })),
    outdir: OUT_DIR,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    // No minification: readable in the browser's debugger; comments are dropped anyway.
    legalComments: 'none',
    charset: 'utf8',
    write: false,
    // The metafile's paths relative to the repository, wherever this runs from.
    absWorkingDir: root,
    metafile: true,
    logLevel: 'silent',
    plugins: [pkgPlugin],
  });
  return result.outputFiles.map((f) => {
    const meta = result.metafile.outputs[relative(root, f.path)];
    if (!meta) throw new Error(`esbuild's metafile does not list ${f.path}`);
    return { name: relative(OUT_DIR, f.path), text: f.text, inputs: Object.keys(meta.inputs) };
  });
}

/** Builds www/dist/, rewriting only the files that changed (atomically: concurrent runs are safe). */
export async function build() {
  const out = await bundles();
  await mkdir(OUT_DIR, { recursive: true });
  const written = [];
  for (const { name, text } of out) {
    const path = join(OUT_DIR, name);
    const old = await readFile(path, 'utf8').catch(() => null);
    if (old === text) continue;
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, text);
    await rename(tmp, path);
    written.push(name);
  }
  return { out, written };
}

/** The names of the bundles under www/dist/ that differ from a fresh build (or are missing). */
export async function stale() {
  const out = await bundles();
  const bad = [];
  for (const { name, text } of out) {
    const old = await readFile(join(OUT_DIR, name), 'utf8').catch(() => null);
    if (old !== text) bad.push(name);
  }
  return bad;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    if (process.argv.includes('--check')) {
      const bad = await stale();
      if (bad.length) {
        console.error(`bundle.mjs: stale or missing in www/dist/: ${bad.join(', ')} (run node scripts/bundle.mjs)`);
        process.exit(1);
      }
    } else {
      const { out } = await build();
      for (const { name, text } of out) console.log(`www/dist/${name}: ${Buffer.byteLength(text)} bytes`);
    }
  } catch (e) {
    console.error(`bundle.mjs: ${e.message}`);
    process.exit(1);
  }
}
