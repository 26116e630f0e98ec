// The page-test harness shared by every tests/e2e/*.test.mjs: scripts/serve.mjs on a
// free port, Debian's Chromium driven by playwright-core (never a downloaded browser),
// a fresh context per test with every request recorded (anything not same-origin
// fails the run), page errors and dialogs collected, and the helpers the tests use.
// Importing it registers the hooks. `page`, `pageErrors` and `dialogs` are live
// bindings, reassigned before each test.
import { before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { resolve, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { build as buildBundles } from '../../scripts/bundle.mjs';
// The benchmarks' launch flags: the brief's, and the browser's own omnibox-popup
// preload disabled (work no page asks for, on the same two cores as the tests).
import { ARGS } from '../../benches/browser/chromium.mjs';

export const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, '../..');
export const T = { timeout: 60_000 };

let server;
let base;
let browser;
export let page;
/** Requests to anything but the page's own origin (data: and blob: are local). */
export const foreign = [];
/** Errors thrown in the page or its workers, and alert/confirm dialogs. */
export let pageErrors = [];
export let dialogs = [];

before(async () => {
  // The page's and the workers' bundles (www/dist/) from the sources as they are now: a test run
  // after an edit of www/*.js never meets a stale bundle (scripts/bundle.mjs; a file
  // is rewritten only when it changed, atomically, so parallel test files agree).
  await buildBundles();
  server = spawn(process.execPath, [resolve(root, 'scripts/serve.mjs'), '--port', '0'], { cwd: root });
  base = await new Promise((ok, fail) => {
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/Tidemark: (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) ok(m[1]);
    });
    server.stderr.on('data', (d) => process.stderr.write(d));
    server.on('exit', (code) => fail(new Error(`serve.mjs exited with ${code}`)));
  });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
});

after(async () => {
  await browser?.close();
  server?.kill();
  assert.deepEqual(foreign, [], 'the page must request nothing but its own files');
});

beforeEach(async () => {
  const context = await browser.newContext({ acceptDownloads: true });
  page = await context.newPage();
  if (process.env.E2E_CONSOLE) page.on("console", (m) => console.log("console:", m.type(), m.text()));
  pageErrors = [];
  dialogs = [];
  const origin = new URL(base).origin;
  const record = (url) => {
    const u = new URL(url);
    if (u.protocol === 'data:' || u.protocol === 'blob:') return;
    if (u.origin !== origin) foreign.push(url);
  };
  context.on('request', (r) => record(r.url()));
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  await page.goto(base);
  await page.waitForSelector('body[data-ready="true"]');
});

afterEach(async () => {
  await page?.context().close();
  assert.deepEqual(dialogs, [], 'no dialog may open');
});

// ------------------------------------------------------------------ helpers

export const tid = (id) => `[data-testid="${id}"]`;

/** The page's engine worker (www/worker.js, bundled as www/dist/worker.js), not the part workers it starts. */
export const engineWorker = () => page.workers().find((w) => new URL(w.url()).pathname === '/dist/worker.js');

export async function loadFile(name, content) {
  const buffer = Buffer.isBuffer(content) ? content : Buffer.from(content);
  await page.setInputFiles(tid('file-input'), { name, mimeType: 'text/csv', buffer });
}

export async function waitLoaded(file) {
  await page.waitForFunction(
    (f) => !document.querySelector('[data-testid="loaded"]').hidden &&
      document.querySelector('[data-testid="s-file"]').textContent === f &&
      document.querySelector('[data-testid="progress-box"]').hidden,
    file,
  );
}

export async function text(id) {
  return (await page.textContent(tid(id))).trim();
}

/** Sets the steps of the funnel builder to these event names. */
export async function setSteps(events) {
  while ((await page.locator(`${tid('steps')} > li`).count()) < events.length) {
    await page.click(tid('add-step'));
  }
  while ((await page.locator(`${tid('steps')} > li`).count()) > events.length) {
    await page.locator(`${tid('steps')} > li .step-remove`).last().click();
  }
  for (const [i, ev] of events.entries()) {
    await page.selectOption(`${tid(`step-${i + 1}`)} .step-event`, ev);
  }
}

export async function runFunnel() {
  await page.click(tid('run-button'));
  await page.waitForFunction(() => !document.querySelector('[data-testid="results"]').hidden &&
    !document.querySelector('[data-testid="run-button"]').disabled);
}

/** The all-users rows of the results table, as raw values. */
export async function resultRows() {
  return page.$$eval('[data-testid^="result-step-"]', (rows) =>
    rows.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.dataset.value)));
}

/** Inked (non-white, non-transparent) pixels of the canvas `testid`, and its size. */
export async function inked(testid) {
  return page.evaluate((id) => {
    const c = document.querySelector(`[data-testid="${id}"]`);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
      const transparent = d[i + 3] === 0;
      const white = d[i] > 245 && d[i + 1] > 245 && d[i + 2] > 245;
      if (!transparent && !white) n++;
    }
    return { n, total: c.width * c.height };
  }, testid);
}

/** The funnel chart's inked pixels. */
export async function canvasInkedPixels() {
  return inked('chart');
}

/** Rows of a table body as the raw data-value of each td. */
export async function tableValues(testid) {
  return page.$$eval(`[data-testid="${testid}"] tbody tr`, (rows) =>
    rows.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.dataset.value)));
}

/**
 * engine.run(spec) in the page, on a fresh engine over `csv` text (the demo log when
 * null) loaded as file `name`: the reference the page's tables are compared with.
 */
export async function engineRun(spec, csv = null, name = 'x.csv') {
  return page.evaluate(async ([s, t, n]) => {
    const m = await import('/pkg/tidemark.js');
    await m.default();
    const bytes = t === null ? m.demoCsv() : new TextEncoder().encode(t);
    const engine = m.Engine.fromCsv(bytes, {}, n);
    try {
      return engine.run(s);
    } finally {
      engine.free();
    }
  }, [spec, csv, name]);
}

export async function download(testid) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(tid(testid))]);
  return { name: dl.suggestedFilename(), text: await readFile(await dl.path(), 'utf8') };
}

/** Downloads the report (its file name checked when `name` is given): its path on disk and its text. */
export async function exportReport(name = null) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(tid('rpt-download'))]);
  if (name !== null) assert.equal(dl.suggestedFilename(), name);
  const dir = await mkdtemp(join(tmpdir(), 'tidemark-report-'));
  const file = join(dir, 'report.html');
  await copyFile(await dl.path(), file);
  return { file, html: await readFile(file, 'utf8') };
}

/**
 * Opens `file` from disk in a fresh offline context (every request but file: is
 * aborted) and checks it asked for nothing, opened no dialog and threw nothing.
 */
export async function openOffline(file) {
  const ctx = await page.context().browser().newContext({ offline: true });
  const requests = [];
  const dialogs = [];
  const errors = [];
  await ctx.route('**/*', (route) => {
    const url = route.request().url();
    requests.push(url);
    return url.startsWith('file:') ? route.continue() : route.abort();
  });
  const rp = await ctx.newPage();
  rp.on('dialog', (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  rp.on('pageerror', (e) => errors.push(e.message));
  await rp.goto(pathToFileURL(file).href);
  await rp.waitForLoadState('load');
  assert.deepEqual(requests.filter((u) => !u.startsWith('file:')), [], 'the report requests nothing');
  assert.deepEqual(dialogs, []);
  assert.deepEqual(errors, []);
  return { ctx, rp };
}
