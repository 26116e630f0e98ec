// The page's start-up (issue 4): the wasm download starts from index.html's preload,
// before the page's module graph has loaded, and is the only download of the wasm
// (js/wasm.js's compileStreaming takes the preloaded response; a mismatch of URL,
// mode or credentials would fetch the 3.4 MB twice); the engine worker that
// js/boot.js starts early (its script requested before the page's modules have all
// arrived: it does not wait for app.js's graph)
// is the one the page uses (adopted, not a second worker), and it answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { T, page, pageErrors, loadFile, waitLoaded, engineWorker } from './harness.mjs';

test('one download of the wasm, begun before the page modules load; one engine worker, the early one, answering', T, async () => {
  await page.waitForFunction(() => performance.getEntriesByName('tidemark:engine-ready').length === 1);
  const r = await page.evaluate(() => {
    const res = performance.getEntriesByType('resource');
    const find = (suffix) => res.filter((e) => new URL(e.name).pathname.endsWith(suffix));
    return {
      wasm: find('/pkg/tidemark_bg.wasm').map((e) => ({ start: e.fetchStart, initiator: e.initiatorType })),
      // A module deep in app.js's graph (app.js → i18n.js → lang/zh.js).
      deep: find('/js/lang/zh.js').map((e) => e.fetchStart),
      boot: find('/js/boot.js').length,
      worker: find('/dist/worker.js').map((e) => e.fetchStart),
      // When the last of the page's own modules arrived (app.js's graph; boot.js and
      // the worker's sha256.js aside).
      graphEnd: Math.max(...res.filter((e) => /^\/js\/.*\.js$/.test(new URL(e.name).pathname) &&
        !/\/(boot|sha256)\.js$/.test(e.name)).map((e) => e.responseEnd)),
    };
  });
  assert.equal(r.wasm.length, 1, `the wasm must be downloaded once: ${JSON.stringify(r.wasm)}`);
  assert.equal(r.wasm[0].initiator, 'link', 'the download is the preload of index.html');
  assert.equal(r.boot, 1);
  assert.equal(r.deep.length, 1);
  assert.ok(r.wasm[0].start < r.deep[0], `the wasm download starts (${r.wasm[0].start} ms) before the page's deeper modules are requested (${r.deep[0]} ms)`);
  assert.equal(r.worker.length, 1, 'one engine worker script fetched');
  assert.ok(r.worker[0] < r.graphEnd, `the engine worker starts (its script requested at ${r.worker[0]} ms) before the page's modules have all arrived (${r.graphEnd} ms)`);

  // The early worker was adopted: a file loads through it, and the page has one worker.
  await loadFile('early.csv', 'user,time,event\nu1,2024-01-01T00:00:00Z,a\nu2,2024-01-02T00:00:00Z,b\n');
  await waitLoaded('early.csv');
  const urls = page.workers().map((w) => new URL(w.url()).pathname);
  assert.deepEqual(urls.filter((u) => u !== '/dist/part-worker.js'), ['/dist/worker.js'], 'one engine worker: the one js/boot.js started');
  // Besides it, only the part workers it starts ahead of a large file's load in
  // parts (js/parallel-load.js prestartParts): one per further core, at most 3.
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const spares = cores >= 2 ? Math.min(cores, 4) - 1 : 0;
  assert.equal(urls.filter((u) => u === '/dist/part-worker.js').length, spares, `${spares} part workers waiting`);
  // Once ready, before any file, it ran the analyses on a small table (analysis::warm_up).
  assert.equal(await engineWorker().evaluate(() => self.__tidemarkWarmedUp), 7, 'the analyses warmed up');
  assert.deepEqual(pageErrors, []);
});

// Each worker's scripts are one file (scripts/bundle.mjs → www/dist/): a worker whose
// module graph were fetched module by module (an unbundled entry, an import left in a
// bundle, a part worker spawned from www/part-worker.js) would request the modules
// only workers import, and the glue and its snippet a second time (the page's own
// drawing instance is the one request allowed).
test('every worker runs from its one bundle: the engine and part workers fetch no module of their own', T, async () => {
  const requested = [];
  const workers = [];
  page.context().on('request', (r) => requested.push(new URL(r.url()).pathname));
  page.on('worker', (w) => workers.push(new URL(w.url()).pathname));
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForFunction(() => performance.getEntriesByName('tidemark:engine-ready').length === 1);
  // A load in 3 parts: two part workers run a range each (the test hook of parallel.test.mjs).
  await engineWorker().evaluate(() => { self.__tidemarkParallel = { minBytes: 0, parts: 3 }; });
  const rows = Array.from({ length: 3000 }, (_, i) => `u${i % 97},2024-03-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z,${i % 3 ? 'view' : 'buy'}`);
  await loadFile('bundled.csv', `user,time,event\n${rows.join('\n')}\n`);
  await waitLoaded('bundled.csv');
  assert.equal(await engineWorker().evaluate(() => self.__tidemarkLastLoad?.parts), 3, 'loaded in 3 parts');

  assert.ok(workers.filter((w) => w === '/dist/part-worker.js').length >= 2, `the engine worker and part workers: ${workers}`);
  for (const w of workers) assert.ok(['/dist/worker.js', '/dist/part-worker.js'].includes(w), `a worker from ${w}`);
  const count = (path) => requested.filter((p) => p === path).length;
  assert.equal(count('/dist/worker.js'), 1, 'the engine worker script, once');
  assert.ok(count('/dist/part-worker.js') >= 2, `a part worker script per part worker: ${count('/dist/part-worker.js')}`);
  for (const only of ['/worker.js', '/part-worker.js', '/js/parallel-load.js', '/js/read-range.js']) {
    assert.equal(count(only), 0, `${only} is inside the bundles, never fetched`);
  }
  // The page's own module graph imports the glue for drawing: once; a worker's would be a second.
  assert.equal(count('/pkg/tidemark.js'), 1, 'the glue fetched once, by the page');
  assert.equal(requested.filter((p) => p.startsWith('/pkg/snippets/')).length, 1, 'the glue\'s snippet fetched once, by the page');
  assert.deepEqual(pageErrors, []);
});
