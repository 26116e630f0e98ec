// Page tests: scripts/serve.mjs on a free port, Debian's Chromium driven by
// playwright-core (never a downloaded browser). Needs pkg/ (scripts/build-wasm).
//   node --test tests/e2e/
// Every request the page makes is recorded; anything not same-origin fails the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { here, T, page, pageErrors, dialogs, tid, loadFile, waitLoaded, text, setSteps, runFunnel, resultRows, canvasInkedPixels, download, engineWorker } from './harness.mjs';

// ------------------------------------------------------------------ tests

test('a CSV through the file input: summary, funnel numbers, chart, exports', T, async () => {
  const csv = await readFile(resolve(here, 'fixtures/shop.csv'));
  await loadFile('shop.csv', csv);
  await waitLoaded('shop.csv');
  assert.equal(await page.getAttribute(tid('s-rows-read'), 'data-value'), '13');
  assert.equal(await page.getAttribute(tid('s-rows'), 'data-value'), '13');
  assert.equal(await page.getAttribute(tid('s-users'), 'data-value'), '6');
  assert.match(await text('s-first'), /^2024-03-01 09:00:00/);
  assert.equal(await page.locator(`${tid('events-table')} tbody tr`).count(), 3);
  assert.equal(await page.isHidden(tid('skipped')), true);

  // The suggestion already is page_view → add_to_cart → purchase; set it anyway.
  await setSteps(['page_view', 'add_to_cart', 'purchase']);
  await page.fill(tid('window-n'), '7');
  await page.selectOption(tid('window-unit'), 'd');
  await runFunnel();
  const rows = await resultRows();
  // users, from previous, from first, drop-off, median s, mean s
  assert.deepEqual(rows.map((r) => Number(r[0])), [5, 3, 2]);
  assert.equal(rows[0][1], '');
  assert.equal(Number(rows[1][1]), 0.6);
  assert.ok(Math.abs(Number(rows[2][1]) - 2 / 3) < 1e-9);
  assert.deepEqual(rows.map((r) => Number(r[2])), [1, 0.6, 0.4]);
  assert.deepEqual(rows.map((r) => Number(r[3])), [0, 2, 1]);
  assert.deepEqual(rows.slice(1).map((r) => Number(r[4])), [300, 480]);
  assert.deepEqual(rows.slice(1).map((r) => Number(r[5])), [320, 480]);
  const shown = await page.$$eval('[data-testid="result-step-2"] td', (tds) => tds.map((t) => t.textContent));
  assert.deepEqual(shown.slice(0, 4), ['3', '60.0%', '60.0%', '2']);

  const ink = await canvasInkedPixels();
  assert.ok(ink.n > ink.total / 50, `the chart is blank (${ink.n} of ${ink.total} pixels inked)`);

  const table = await download('export-csv');
  assert.equal(table.name, 'shop-funnel.csv');
  const lines = table.text.trim().split(/\r\n/);
  assert.equal(lines[0], 'step,event,label,users,conversion_from_previous,conversion_from_first,dropoff,median_seconds_from_previous,mean_seconds_from_previous');
  assert.match(lines[1], /^1,page_view,[^,]*,5,,1,0,,$/);
  assert.match(lines[2], /^2,add_to_cart,[^,]*,3,0\.6,0\.6,2,300,320$/);
  assert.match(lines[3], /^3,purchase,[^,]*,2,0\.666666\d*,0\.4,1,480,480$/);

  await page.selectOption(tid('dropoff-step'), '1');
  const lost = await download('export-dropoff');
  assert.deepEqual(lost.text.trim().split(/\r\n/), ['user', 'u3', 'u4']);

  const png = await download('export-png');
  assert.equal(png.name, 'shop-funnel.png');
  assert.deepEqual(pageErrors, []);
});

test('the demo button loads, suggests a funnel and draws it', T, async () => {
  await page.click(tid('demo-button'));
  await waitLoaded('demo.csv');
  assert.ok(Number(await page.getAttribute(tid('s-users'), 'data-value')) > 100);
  const steps = await page.$$eval('[data-testid="steps"] .step-event', (s) => s.map((x) => x.value));
  assert.ok(steps.length >= 2, `suggested steps: ${steps}`);
  await runFunnel();
  const rows = await resultRows();
  assert.equal(rows.length, steps.length);
  assert.ok(Number(rows[0][0]) > 0);
  const ink = await canvasInkedPixels();
  assert.ok(ink.n > ink.total / 50, 'the demo chart is blank');
  assert.deepEqual(pageErrors, []);
});

test('HTML in the data is shown as text and never runs', T, async () => {
  const evil = '<img src=x onerror=alert(1)>';
  const csv = [
    'user,time,event,note',
    `a,2024-01-01,${evil},"<script>alert(2)</script>"`,
    'a,2024-01-02,=SUM(1+1),x',
    'b,2024-01-01,page_view,"<b>bold</b>"',
  ].join('\n');
  await loadFile('evil.csv', csv);
  await waitLoaded('evil.csv');
  const names = await page.$$eval('[data-testid="events-table"] tbody td:first-child', (tds) => tds.map((t) => t.textContent));
  assert.ok(names.includes(evil), `event names shown: ${names}`);
  assert.equal(await page.locator('main img, main script, main b').count(), 0);
  await setSteps([evil, '=SUM(1+1)']);
  await runFunnel();
  const label = await page.textContent(`${tid('result-step-1')} th`);
  assert.ok(label.includes(evil));
  const table = await download('export-csv');
  assert.ok(table.text.includes(",'=SUM(1+1),"), `formula not neutralised:\n${table.text}`);
  assert.deepEqual(dialogs, []);
  assert.deepEqual(pageErrors, []);
});

test('a broken file shows the error with its line; a ragged row is listed by line', T, async () => {
  await loadFile('broken.csv', 'user,time,event\nu1,2024-01-01,a\nu2,2024-01-01,"never closed\n');
  await page.waitForSelector(`${tid('error')}:not([hidden])`);
  assert.match(await text('error-text'), /^broken\.csv:3: /);

  await loadFile('ragged.csv', 'user,time,event\nu1,2024-01-01,a\nu2,2024-01-01,b,extra\nu3,2024-01-02,c\n');
  await waitLoaded('ragged.csv');
  assert.equal(await page.isHidden(tid('error')), true, 'a new load clears the old error');
  assert.equal(await page.getAttribute(tid('s-rows-read'), 'data-value'), '3');
  assert.equal(await page.getAttribute(tid('s-rows'), 'data-value'), '2');
  assert.match(await text('skipped'), /line 3\b/);
});

test('cancelling a large load leaves the page usable', T, async () => {
  // About 30 MB: 600k events of 20k users.
  const lines = ['user_id,timestamp,event,channel'];
  const events = ['page_view', 'product_view', 'add_to_cart', 'purchase'];
  for (let i = 0; i < 600_000; i++) {
    const t = new Date(Date.UTC(2024, 0, 1) + i * 7_000).toISOString();
    lines.push(`user_${i % 20_000},${t},${events[i % 4]},channel_${i % 7}`);
  }
  const big = Buffer.from(lines.join('\n'));
  assert.ok(big.length > 25e6, `${big.length} bytes`);
  // Loaded sequentially and held after its first MiB until cancelled (test hook):
  // the parse would otherwise finish before the click.
  const worker = engineWorker();
  await worker.evaluate(() => { self.__tidemarkParallel = { parts: 1, hold: true }; });
  try {
    await loadFile('big.csv', big);
    await page.waitForSelector(`${tid('progress-box')}:not([hidden])`);
    await page.waitForFunction(() => Number(document.getElementById('progress')?.value) > 0);
    await page.click(tid('cancel-button'));
    await page.waitForFunction(() => document.querySelector('[data-testid="status"]').textContent.includes('cancelled'));
  } finally {
    await worker.evaluate(() => { self.__tidemarkParallel = undefined; });
  }
  assert.equal(await page.isHidden(tid('progress-box')), true);
  assert.equal(await page.isHidden(tid('loaded')), true, 'nothing half-loaded is shown');

  const csv = await readFile(resolve(here, 'fixtures/shop.csv'));
  await loadFile('shop.csv', csv);
  await waitLoaded('shop.csv');
  assert.equal(await page.getAttribute(tid('s-users'), 'data-value'), '6');
});

test('changing a column role reloads with the new mapping', T, async () => {
  const csv = await readFile(resolve(here, 'fixtures/shop.csv'));
  await loadFile('shop.csv', csv);
  await waitLoaded('shop.csv');
  const roleOf = (name) =>
    page.$eval(`select[data-column="${name}"]`, (s) => s.value);
  assert.equal(await roleOf('event'), 'event');
  assert.equal(await roleOf('channel'), 'property');
  await page.selectOption('select[data-column="channel"]', 'event');
  await page.waitForFunction(() => document.querySelector('select[data-column="channel"]')?.dataset.role === 'event');
  await waitLoaded('shop.csv');
  const names = await page.$$eval('[data-testid="events-table"] tbody td:first-child', (tds) => tds.map((t) => t.textContent).sort());
  assert.deepEqual(names, ['ads', 'email', 'seo']);
  assert.equal(await roleOf('event'), 'property');
});

test('a panic in the engine restarts the worker and the page stays usable', T, async () => {
  const csv = await readFile(resolve(here, 'fixtures/shop.csv'));
  await loadFile('shop.csv', csv);
  await waitLoaded('shop.csv');
  const worker = engineWorker();
  assert.ok(worker, 'the engine worker is running');
  // The test-only message: the worker calls debugPanic().
  // The page may terminate the worker before evaluate() returns: that is the point.
  await worker.evaluate(() => self.onmessage({ data: { type: '__panic' } })).catch(() => {});
  await page.waitForSelector(`${tid('error')}:not([hidden])`);
  assert.match(await text('error-text'), /restarted.*debugPanic/s);
  await page.waitForFunction(() => document.querySelector('[data-testid="status"]').textContent.startsWith('Loaded'));
  await setSteps(['page_view', 'add_to_cart', 'purchase']);
  await runFunnel();
  assert.deepEqual((await resultRows()).map((r) => Number(r[0])), [5, 3, 2]);
});

test('after a panic the restarted engine gets the user attribute file again: a rule on it still works', T, async () => {
  const csv = await readFile(resolve(here, 'fixtures/shop.csv'));
  await loadFile('shop.csv', csv);
  await waitLoaded('shop.csv');
  // u1, u3 and u5 are on the pro plan; of them u1 and u5 purchased.
  await page.setInputFiles(tid('rs-attr-file'), { name: 'plans.csv', mimeType: 'text/csv', buffer: Buffer.from('user,plan\nu1,pro\nu2,free\nu3,pro\nu5,pro\n') });
  await page.waitForFunction(() => document.querySelector('[data-testid="rs-attr-summary"]').dataset.matched === '4');
  const count = async (rule) => {
    await page.fill(tid('rs-rule'), rule);
    await page.click(tid('rs-run'));
    await page.waitForFunction(() => !document.querySelector('[data-testid="rs-run"]').disabled &&
      (!document.querySelector('[data-testid="rs-results"]').hidden || !document.querySelector('[data-testid="rs-message"]').hidden));
    assert.equal(await page.isHidden(tid('rs-message')), true, await text('rs-message'));
    return page.getAttribute(tid('rs-size'), 'data-value');
  };
  assert.equal(await count('plan = "pro" and purchases >= 1'), '2');
  const worker = engineWorker();
  await worker.evaluate(() => self.onmessage({ data: { type: '__panic' } })).catch(() => {});
  await page.waitForSelector(`${tid('error')}:not([hidden])`);
  await page.waitForFunction(() => document.querySelector('[data-testid="status"]').textContent.startsWith('Loaded'));
  // The fresh worker attached the page's copy of the file after reloading the data.
  assert.equal(await page.getAttribute(tid('rs-attr-summary'), 'data-matched'), '4');
  assert.match(await text('rs-attr-summary'), /^plans\.csv: 4 rows keyed by "user"/);
  assert.equal(await count('plan = "pro" and purchases >= 1'), '2');
  assert.equal(await count('plan = "free"'), '1');
  // The attribute is still a funnel breakdown.
  await setSteps(['page_view', 'purchase']);
  await page.selectOption(tid('breakdown'), 'plan');
  await runFunnel();
  const heads = await page.$$eval('[data-testid="results-table"] tr.bucket', (rows) => rows.map((r) => r.textContent));
  assert.ok(heads.includes('plan = pro') && heads.includes('plan = free'), heads.join(' | '));
});
