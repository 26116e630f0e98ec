// The page's start-up (issue 4): the wasm download starts from index.html's preload,
// before the page's script (app.js's graph, bundled as dist/app.js) has run, and is
// the only download of the wasm (js/wasm.js's compileStreaming takes the preloaded
// response; a mismatch of URL, mode or credentials would fetch the 3.4 MB twice); the
// engine worker that js/boot.js starts early (before app.js runs: it does not wait
// for the page's script) is the one the page uses (adopted,
// not a second worker), and it answers. Then: every script of the page and of its
// workers is one request, its bundle (scripts/bundle.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { T, page, pageErrors, loadFile, waitLoaded, engineWorker } from './harness.mjs';

test('one download of the wasm, begun before the page script runs; one engine worker, the early one, answering', T, async () => {
  await page.waitForFunction(() => performance.getEntriesByName('tidemark:engine-ready').length === 1);
  const r = await page.evaluate(() => {
    const res = performance.getEntriesByType('resource');
    const find = (suffix) => res.filter((e) => new URL(e.name).pathname.endsWith(suffix));
    return {
      wasm: find('/pkg/tidemark_bg.wasm').map((e) => ({ start: e.fetchStart, initiator: e.initiatorType })),
      boot: find('/js/boot.js').length,
      worker: find('/dist/worker.js').map((e) => e.fetchStart),
      // When boot.js started it (its script's fetch begins later, off the page's thread).
      workerStarted: performance.getEntriesByName('tidemark:worker-started')[0]?.startTime,
      // When the page's script (dist/app.js) began to run.
      appStart: performance.getEntriesByName('tidemark:app-start')[0]?.startTime,
    };
  });
  assert.equal(r.wasm.length, 1, `the wasm must be downloaded once: ${JSON.stringify(r.wasm)}`);
  assert.equal(r.wasm[0].initiator, 'link', 'the download is the preload of index.html');
  assert.equal(r.boot, 1);
  assert.ok(r.wasm[0].start < r.appStart, `the wasm download starts (${r.wasm[0].start} ms) before the page's script runs (${r.appStart} ms)`);
  assert.equal(r.worker.length, 1, 'one engine worker script fetched');
  assert.ok(r.workerStarted < r.appStart, `the engine worker starts (at ${r.workerStarted} ms) before the page's script runs (${r.appStart} ms)`);

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

// Each script is one file (scripts/bundle.mjs → www/dist/): a page or worker whose
// module graph were fetched module by module (an unbundled entry, an import left in a
// bundle, a part worker spawned from www/part-worker.js) would request the modules
// of www/js/ (only boot.js, a classic script, is fetched on its own), and the glue
// and its snippet more than once (the page's own drawing instance, bundled, fetches
// neither).
test('the page and every worker run from one bundle each: no module fetched on its own', T, async () => {
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
  assert.equal(count('/dist/app.js'), 1, 'the page script, once');
  const scripts = requested.filter((p) => p.endsWith('.js'));
  const own = scripts.filter((p) => !p.startsWith('/dist/') && p !== '/js/boot.js');
  assert.deepEqual(own, [], 'nothing but the bundles and boot.js: every module is inside a bundle');
  assert.deepEqual(pageErrors, []);
});

// Started without a module (no 'wasm-posted' name; a part worker's 'init' without
// one), a bundled worker fetches and compiles the wasm itself, from the glue's default
// URL: scripts/bundle.mjs rewrites it to ../pkg/tidemark_bg.wasm, relative to the
// bundle in dist/, where the glue's own would name dist/tidemark_bg.wasm.
test('a bundled worker given no module finds the wasm itself', T, async () => {
  const answers = await page.evaluate(() => Promise.all([['dist/worker.js', null], ['dist/part-worker.js', { type: 'init' }]].map(
    ([url, hello]) => new Promise((resolve) => {
      const w = new Worker(url, { type: 'module' });
      w.onmessage = ({ data }) => {
        if (data?.type !== 'ready' && data?.type !== 'crashed') return;
        w.terminate();
        resolve(`${url}: ${data.type}${data.message ? ` ${data.message}` : ''}`);
      };
      w.onerror = (e) => resolve(`${url}: error ${e.message}`);
      if (hello) w.postMessage(hello);
    }))));
  assert.deepEqual(answers, ['dist/worker.js: ready', 'dist/part-worker.js: ready']);
  const fetched = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname)
    .filter((p) => p.endsWith('.wasm')));
  assert.ok(!fetched.includes('/dist/tidemark_bg.wasm'), `${fetched}`);
  assert.deepEqual(pageErrors, []);
});
