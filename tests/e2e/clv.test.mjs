// Page tests of the predicted-CLV panel on the CDNOW sample (tests/data): the
// parameters shown equal engine.run's JSON on the same bytes (evaluated in the page),
// the customers table sorts, pages and filters, the charts are drawn, the CSV export
// has the filtered rows, and a cancelled fit leaves the page usable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { T, page, pageErrors, tid, loadFile, waitLoaded, text, download, root, inked } from './harness.mjs';

const CDNOW = await readFile(resolve(root, 'tests/data/cdnow_sample.csv'), 'utf8');
const SPEC = { analysis: 'clv', purchase_event: 'purchase', unit: 'week', calibration_end: '1997-09-30', horizon: 39, discount_rate: 0.01 };

/** engine.run(spec) on the CDNOW sample, in the page (a second engine). */
async function cdnowRun(spec) {
  return page.evaluate(async ([csv, s]) => {
    const m = await import('/pkg/tidemark.js');
    await m.default();
    const engine = m.Engine.fromCsv(new TextEncoder().encode(csv), {}, 'cdnow_sample.csv');
    try {
      return engine.run(s);
    } finally {
      engine.free();
    }
  }, [CDNOW, spec]);
}

async function loadCdnow() {
  await loadFile('cdnow_sample.csv', CDNOW);
  await waitLoaded('cdnow_sample.csv');
  assert.equal(await page.isVisible(tid('clv')), true);
}

async function fillForm() {
  await page.selectOption(tid('clv-event'), 'purchase');
  await page.selectOption(tid('clv-unit'), 'week');
  await page.fill(tid('clv-end'), '1997-09-30');
  await page.fill(tid('clv-horizon'), '39');
  await page.fill(tid('clv-discount'), '0.01');
}

async function runClv() {
  await page.click(tid('clv-run'));
  await page.waitForFunction(() => !document.querySelector('[data-testid="clv-run"]').disabled &&
    (!document.querySelector('[data-testid="clv-results"]').hidden ||
      !document.querySelector('[data-testid="clv-message"]').hidden));
  assert.equal(await page.isVisible(tid('clv-message')), false, await text('clv-message'));
}

/** The data-value of column `key` over the rows shown. */
async function column(key) {
  const index = await page.$$eval('[data-testid="clv-customers"] thead th', (ths, k) =>
    ths.findIndex((th) => th.dataset.testid === `clv-sort-${k}`), key);
  return page.$$eval('[data-testid="clv-customers"] tbody tr', (rows, i) =>
    rows.map((tr) => {
      const td = tr.children[i];
      return td.dataset.value === undefined ? td.textContent : td.dataset.value;
    }), index);
}

test('CLV on the CDNOW sample: parameters equal the engine, table sorts, pages and filters, charts drawn', T, async () => {
  await loadCdnow();
  await fillForm();
  await runClv();
  const want = await cdnowRun(SPEC);
  assert.equal(Math.round(want.bgnbd.r * 1000), 243, 'the published fit');

  // Parameters and standard errors exactly as the engine computed them.
  const param = async (name) => page.$$eval(`[data-testid="clv-param-${name}"] td.n`, (tds) => tds.map((td) => td.dataset.value));
  const bg = want.bgnbd;
  for (const k of ['r', 'alpha', 'a', 'b']) {
    assert.deepEqual(await param(k), [String(bg[k]), String(bg.std_errors[k])], k);
  }
  assert.deepEqual(await param('log-likelihood'), [String(bg.log_likelihood), '']);
  const gg = want.gamma_gamma;
  for (const k of ['p', 'q', 'v']) {
    assert.deepEqual(await param(k), [String(gg[k]), String(gg.std_errors[k])], k);
  }
  const note = await text('clv-fit-note');
  assert.match(note, /converged/);
  assert.match(note, /2 starting points agree/);
  assert.ok(note.includes(`Spend–frequency correlation: ${want.spend_frequency_correlation.toFixed(3)}`), note);
  assert.ok(note.includes(`excluded from spend: ${want.zero_value_purchases_excluded}`), note);

  // The table: 50 rows, by CLV descending, the engine's top 50.
  assert.equal(await text('clv-count'), `${want.customers.length.toLocaleString('en-US')} of ${want.customers.length.toLocaleString('en-US')} customers`);
  const byClv = [...want.customers].sort((x, y) => y.clv - x.clv);
  const clvs = (await column('clv')).map(Number);
  assert.equal(clvs.length, 50);
  assert.deepEqual(clvs, byClv.slice(0, 50).map((c) => c.clv));
  assert.equal(await page.locator('[data-testid="clv-customers"] tbody tr').count(), 50, 'one page in the DOM');

  // Sort by P(alive): descending, then ascending; every page ordered.
  await page.click(`${tid('clv-sort-p_alive')} button`);
  let p = (await column('p_alive')).map(Number);
  assert.deepEqual(p, [...p].sort((a, b) => b - a));
  await page.click(`${tid('clv-sort-p_alive')} button`);
  p = (await column('p_alive')).map(Number);
  const lowest = want.customers.map((c) => c.p_alive).sort((a, b) => a - b).slice(0, 50);
  assert.deepEqual(p, lowest);
  await page.click(tid('clv-next'));
  const p2 = (await column('p_alive')).map(Number);
  assert.ok(p2[0] >= p[49] && p2.every((v, i) => i === 0 || v >= p2[i - 1]));
  assert.match(await text('clv-page'), /^Page 2 of 48$/);
  // Sort by customer id, ascending text.
  await page.click(`${tid('clv-sort-user')} button`);
  const users = await column('user');
  assert.deepEqual(users, want.customers.map((c) => c.user).sort().slice(0, 50));

  // Filter: at risk = high value with P(alive) < 0.5.
  await page.selectOption(tid('clv-filter'), 'at_risk');
  const atRisk = want.customers.filter((c) => c.at_risk);
  assert.equal(atRisk.length, want.at_risk);
  assert.ok(atRisk.length > 0);
  assert.match(await text('clv-count'), new RegExp(`^${atRisk.length} of `));
  assert.ok((await column('tier')).every((t) => t === 'high'));
  assert.ok((await column('p_alive')).every((v) => Number(v) < 0.5));
  const csv = await download('clv-csv');
  assert.match(csv.name, /cdnow_sample-clv-customers-at_risk\.csv$/);
  const lines = csv.text.split('\r\n').filter(Boolean);
  assert.equal(lines.length, atRisk.length + 1);
  assert.equal(lines[0].split(',')[0], 'user');
  await page.selectOption(tid('clv-filter'), 'mid');
  assert.ok((await column('tier')).every((t) => t === 'mid'));
  assert.match(await text('clv-count'), new RegExp(`^${want.tiers[1].customers.toLocaleString('en-US')} of `));

  for (const c of ['clv-holdout', 'clv-palive', 'clv-tiers', 'clv-matrix']) {
    const ink = await inked(c);
    assert.ok(ink.n > ink.total / 100, `${c} is blank`);
  }
  const png = await Promise.all([page.waitForEvent('download'), page.click(tid('clv-png-matrix'))]);
  assert.match(png[0].suggestedFilename(), /clv-matrix\.png$/);
  assert.deepEqual(pageErrors, []);
});

test('a data-driven customer id cannot inject a formula into the CSV', T, async () => {
  const rows = ['customer_id,date,amount'];
  for (let u = 0; u < 30; u++) {
    const id = u === 0 ? '=HYPERLINK("x")' : `c${u}`;
    rows.push(`"${id.replaceAll('"', '""')}",2024-01-0${1 + (u % 9)},${10 + u}`);
    if (u % 2 === 0) rows.push(`"${id.replaceAll('"', '""')}",2024-02-1${u % 9},${20 + u}`);
    if (u % 3 === 0) rows.push(`"${id.replaceAll('"', '""')}",2024-03-1${u % 9},${15 + u}`);
  }
  await loadFile('formula.csv', rows.join('\n') + '\n');
  await waitLoaded('formula.csv');
  await runClv();
  const csv = await download('clv-csv');
  assert.ok(csv.text.includes(`"'=HYPERLINK(""x"")"`), csv.text.slice(0, 300));
  const cell = await page.$$eval('[data-testid="clv-customers"] tbody td', (tds) => tds.map((t) => t.textContent));
  assert.ok(cell.includes('=HYPERLINK("x")'), 'shown as text');
  assert.deepEqual(pageErrors, []);
});

test('cancelling a fit ends the worker, reloads the file quietly, and the page still works', T, async () => {
  await loadCdnow();
  await fillForm();
  // Run and cancel in one turn, so the cancel lands while the fit is pending.
  await page.evaluate(() => {
    document.querySelector('[data-testid="clv-run"]').click();
    document.querySelector('[data-testid="clv-cancel"]').click();
  });
  await page.waitForFunction(() => /Ready again/.test(document.querySelector('[data-testid="status"]').textContent));
  assert.equal(await page.isVisible(tid('clv-results')), false);
  assert.equal(await page.isDisabled(tid('clv-cancel')), true);
  assert.equal(await page.isDisabled(tid('clv-run')), false);
  assert.equal(await page.isVisible(tid('error')), false);
  // The form kept its values; a new fit works in the fresh worker.
  assert.equal(await page.inputValue(tid('clv-end')), '1997-09-30');
  await runClv();
  assert.equal(await page.isVisible(tid('clv-results')), true);
  // Another panel too.
  await page.click(tid('rp-run'));
  await page.waitForFunction(() => !document.querySelector('[data-testid="rp-results"]').hidden);
  assert.deepEqual(pageErrors, []);
});
