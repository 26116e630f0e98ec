// A load in parts in the page (www/js/parallel-load.js, www/part-worker.js): with the
// threshold forced low through the engine worker's test hook
// (self.__tidemarkParallel), a file loaded in 3 parts gives the summary of the
// sequential load (Engine.fromCsv on the main thread), the same funnel as the
// sequential load in the page, a bad row's physical line number counted from the
// file's start, and the same again when a cut falls inside a quoted newline (the
// fallback). A part worker's panic is reported like the engine's; Cancel ends every
// part worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  T, page, pageErrors, tid, loadFile, waitLoaded, text, here, setSteps, runFunnel, resultRows,
  engineWorker as engineWorkerOfPage,
} from './harness.mjs';

const ROWS = 6000;
/** The row (0-based) with an unreadable time. */
const BAD = 5500;
/** Its physical line: the header, 5,500 rows before it, 1,100 of them (i % 5 = 2) two lines long. */
const BAD_LINE = 2 + BAD + 1100;

/** A CRLF shop log; every 5th row's note holds a quoted newline, comma and quotes; row 0's note is `padding` x's. */
function shopCsv(padding) {
  const lines = ['user_id,timestamp,event,revenue,note'];
  for (let i = 0; i < ROWS; i++) {
    const user = `u${(i * 7919) % 613}`;
    const event = ['view', 'cart', 'purchase'][(i * 31) % 3];
    const time = i === BAD ? 'not a time'
      : `2024-02-${String(1 + (i % 28)).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00Z`;
    const revenue = event === 'purchase' ? ((i % 50) + 0.5).toFixed(2) : '';
    const note = i === 0 ? 'x'.repeat(padding) : i % 5 === 2 ? '"line one\nline, two ""quoted"""' : 'plain';
    lines.push([user, time, event, revenue, note].join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** For each cut i·size/parts: is the first "\n" at or after it inside quotes? (the split rule of partStarts) */
function cutsInQuotes(csv, parts) {
  const b = Buffer.from(csv);
  const inQuotes = new Map();
  let quoted = false;
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0x22) quoted = !quoted;
    else if (b[i] === 0x0a) inQuotes.set(i, quoted);
  }
  const out = [];
  for (let p = 1; p < parts; p++) {
    const nl = b.indexOf(0x0a, Math.floor((b.length * p) / parts));
    out.push(inQuotes.get(nl));
  }
  return out;
}

/** The padding of row 0 that puts the cuts where `want` ([inQuotes per cut]) says. */
function padFor(want) {
  for (let k = 1; k < 4000; k++) {
    if (JSON.stringify(cutsInQuotes(shopCsv(k), 3)) === JSON.stringify(want)) return k;
  }
  throw new Error(`no padding gives cuts ${want}`);
}

async function engineWorker() {
  await loadFile('shop.csv', await readFile(resolve(here, 'fixtures/shop.csv')));
  await waitLoaded('shop.csv');
  const worker = engineWorkerOfPage();
  assert.ok(worker, 'the engine worker is running');
  return worker;
}

/** The sequential summary of `csv` on the main thread. */
async function sequentialSummary(csv, name) {
  return page.evaluate(async ([t, n]) => {
    const m = await import('/pkg/tidemark.js');
    await m.default();
    const engine = m.Engine.fromCsv(new TextEncoder().encode(t), {}, n);
    try {
      return engine.summary();
    } finally {
      engine.free();
    }
  }, [csv, name]);
}

async function funnelRows() {
  await setSteps(['view', 'cart', 'purchase']);
  await runFunnel();
  return resultRows();
}

/** Loads `csv` in 3 parts and checks it against the sequential load; returns how the parts went. */
async function checkInParts(csv, name) {
  const worker = await engineWorker();
  // The parts' columns posted and handed to the merger in pieces of 1,000 bytes
  // (4 MiB outside tests): pieces end inside blocks of rows and inside the header.
  await worker.evaluate(() => { self.__tidemarkParallel = { minBytes: 0, parts: 3, fillPiece: 1000 }; });
  await loadFile(name, csv);
  await waitLoaded(name);
  const last = await worker.evaluate(() => self.__tidemarkLastLoad);
  assert.ok(last, 'the load went in parts');
  const want = await sequentialSummary(csv, name);
  assert.deepEqual(last.summary, want, 'the summary of the sequential load');
  assert.equal(await page.getAttribute(tid('s-rows-read'), 'data-value'), String(ROWS));
  assert.equal(await page.getAttribute(tid('s-rows'), 'data-value'), String(ROWS - 1));
  assert.deepEqual(want.skipped.map((s) => [s.reason, s.count, s.lines]), [['time not readable', 1, [BAD_LINE]]]);
  assert.match(await text('skipped'), new RegExp(`time not readable.*\\b${BAD_LINE.toLocaleString('en-US').replace(',', ',?')}\\b`, 's'));
  const inParts = await funnelRows();
  // The same file loaded sequentially in the page.
  await worker.evaluate(() => { self.__tidemarkParallel = { parts: 1 }; self.__tidemarkLastLoad = null; });
  await loadFile(`seq-${name}`, csv);
  await waitLoaded(`seq-${name}`);
  assert.equal(await worker.evaluate(() => self.__tidemarkLastLoad), null, 'loaded sequentially');
  assert.deepEqual(await funnelRows(), inParts, 'the funnel of the sequential load');
  assert.ok(Number(inParts[0][0]) > 100, 'a real funnel');
  assert.deepEqual(pageErrors, []);
  return last;
}

/** The part workers running in the page (started ahead of a load, or loading). */
const partWorkers = () => page.workers().filter((w) => new URL(w.url()).pathname === '/dist/part-worker.js').length;

test('a file loaded in 3 parts equals the sequential load, with the bad row on its physical line', T, async () => {
  const csv = shopCsv(padFor([false, false]));
  const last = await checkInParts(csv, 'parts.csv');
  assert.equal(last.parts, 3);
  assert.equal(last.fallback, false);
  // The parts' columns were posted by their workers piece by piece as their
  // sorts wrote them (tens of kB each, in pieces of 1,000 bytes).
  assert.ok(last.pieces > 20, `the columns came in pieces (${last.pieces})`);
  // The engine worker starts a part worker per further core (at most 3) once ready,
  // before any file: the load took them instead of waiting for new ones to start,
  // and after the load (which ends the workers it used) new ones are started.
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const spares = cores >= 2 ? Math.min(cores, 4) - 1 : 0;
  assert.equal(last.spares, Math.min(spares, 2), 'part workers started before the file');
  // Another load in 3 parts: it ends its 2 part workers, and 2 new ones wait after it.
  const worker = engineWorkerOfPage();
  await worker.evaluate(() => { self.__tidemarkParallel = { minBytes: 0, parts: 3 }; });
  await loadFile('again.csv', csv);
  await waitLoaded('again.csv');
  const again = await worker.evaluate(() => self.__tidemarkLastLoad);
  assert.equal(again.parts, 3);
  assert.deepEqual({ ...again.summary, file: 'parts.csv' }, last.summary);
  const until = Date.now() + 15_000;
  while (partWorkers() !== 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  assert.equal(partWorkers(), 2, 'part workers waiting again after the load');
});

test('a file loaded in 2 parts is cut after the engine worker\'s share (FIRST_SHARE_OF_TWO) and equals the sequential load', T, async () => {
  const csv = shopCsv(padFor([false, false]));
  const worker = await engineWorker();
  await worker.evaluate(() => { self.__tidemarkParallel = { minBytes: 0, parts: 2 }; });
  await loadFile('two.csv', csv);
  await waitLoaded('two.csv');
  const last = await worker.evaluate(() => self.__tidemarkLastLoad);
  assert.equal(last.parts, 2);
  // The cut: just after the first "\n" at or after 0.48 of the file (an even split would be 0.5).
  const b = Buffer.from(csv);
  assert.deepEqual(last.cuts, [b.indexOf(0x0a, Math.floor(b.length * 0.48)) + 1]);
  assert.ok(b.indexOf(0x0a, Math.floor(b.length * 0.48)) < Math.floor(b.length * 0.5), 'the cut is not the even split\'s');
  assert.deepEqual(last.summary, await sequentialSummary(csv, 'two.csv'), 'the summary of the sequential load');
  assert.deepEqual(pageErrors, []);
});

test('a cut inside a quoted newline falls back to a sequential rest and is still equal', T, async () => {
  const csv = shopCsv(padFor([false, true]));
  const last = await checkInParts(csv, 'quoted.csv');
  assert.equal(last.parts, 3);
  assert.equal(last.fallback, true);
});

test('a panic in a part worker is reported like the engine\'s, and the page recovers', T, async () => {
  const worker = await engineWorker();
  await worker.evaluate(() => { self.__tidemarkParallel = { minBytes: 0, parts: 3, panicInPart: 2 }; });
  await loadFile('panic.csv', shopCsv(10));
  await page.waitForSelector(`${tid('error')}:not([hidden])`);
  assert.match(await text('error-text'), /restarted.*debugPanic/s);
  // As after the engine's own panic during a load, the page does not retry by itself
  // (a file that crashes would loop); the next load goes to a fresh engine worker
  // (without the hook: sequential) and works.
  assert.equal(await page.isHidden(tid('loaded')), true);
  await loadFile('panic.csv', shopCsv(10));
  await waitLoaded('panic.csv');
  assert.equal(await page.getAttribute(tid('s-rows'), 'data-value'), String(ROWS - 1));
});

test('Cancel during a load in parts ends every part worker, and the next load works', T, async () => {
  const worker = await engineWorker();
  // `hold`: the load waits, its part workers started, until it is cancelled.
  await worker.evaluate(() => { self.__tidemarkParallel = { minBytes: 0, parts: 3, hold: true }; });
  await loadFile('held.csv', shopCsv(10));
  await worker.evaluate(() => new Promise((ok) => {
    const poll = () => (self.__tidemarkPartWorkers === 2 ? ok() : setTimeout(poll, 20));
    poll();
  }));
  await page.click(tid('cancel-button'));
  await worker.evaluate(() => new Promise((ok) => {
    const poll = () => (self.__tidemarkPartWorkers === 0 ? ok() : setTimeout(poll, 20));
    poll();
  }));
  await page.waitForSelector(`${tid('progress-box')}[hidden]`, { state: 'attached' });
  assert.equal(await worker.evaluate(() => self.__tidemarkLastLoad ?? null), null, 'nothing loaded');
  await worker.evaluate(() => { self.__tidemarkParallel = { minBytes: 0, parts: 3 }; });
  await loadFile('after.csv', shopCsv(10));
  await waitLoaded('after.csv');
  assert.equal(await page.getAttribute(tid('s-rows'), 'data-value'), String(ROWS - 1));
  assert.equal(await worker.evaluate(() => self.__tidemarkPartWorkers), 0, 'every part worker ended');
  assert.deepEqual(pageErrors, []);
});
