// A report of all seven analyses on the demo log: every section is there with its
// charts drawn or left out for a reason, the numbers equal engine.run's, no user id
// of the data appears anywhere (the CLV customers list is never included), and it
// prints one analysis per page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { page, pageErrors, tid, waitLoaded, runFunnel, engineRun } from './harness.mjs';

async function run(button, results) {
  await page.click(tid(button));
  await page.waitForFunction(([b, r]) => !document.querySelector(`[data-testid="${b}"]`).disabled &&
    !document.querySelector(`[data-testid="${r}"]`).hidden, [button, results]);
}

/** A report table's rows: [row label, cells as data-value or text]. */
async function rows(rp, testid) {
  return rp.$$eval(`[data-testid="${testid}"] tbody tr`, (trs) =>
    trs.map((tr) => [tr.querySelector('th').textContent, ...[...tr.querySelectorAll('td')].map((td) => td.dataset.value ?? td.textContent)]));
}

const shown = (n) => (n > 0 && n < 5 ? '<5' : String(n));

test('a report of all seven analyses: sections, engine numbers, no user ids, print layout', { timeout: 240_000 }, async () => {
  await page.click(tid('demo-button'));
  await waitLoaded('demo.csv');
  await runFunnel();
  await run('rp-run', 'rp-results');
  await run('rt-run', 'rt-results');
  await page.selectOption(tid('lc-period'), 'month');
  await run('lc-run', 'lc-results');
  await run('sg-run', 'sg-results');
  await run('tr-run', 'tr-results');
  await run('clv-run', 'clv-results');
  const picks = await page.$$eval('[data-testid="rpt-pick"] input', (xs) => xs.map((x) => x.value));
  assert.deepEqual(picks, ['funnel', 'repurchase', 'retention', 'lifecycle', 'rfm', 'tiers', 'clv']);
  const downloading = page.waitForEvent('download', { timeout: 60_000 });
  await page.click(tid('rpt-download'));
  await page.waitForFunction(() => !document.querySelector('[data-testid="rpt-download"]').disabled);
  assert.equal(await page.isHidden(tid('error')), true, await page.textContent(tid('error-text')));
  const html = await readFile(await (await downloading).path(), 'utf8');

  // No user id: the demo's ids are u + 5 digits; the PNG data URLs are left out of the search.
  const text = html.replace(/src="data:image\/png;base64,[A-Za-z0-9+/=]+"/g, '');
  assert.equal(/u\d{5}/.test(text), false, `a user id in the report: ${text.match(/.{40}u\d{5}.{40}/)?.[0]}`);
  assert.equal(text.includes('"customers"'), false);

  const rp = await page.context().newPage();
  try {
    await rp.setContent(html.replace(/^<!DOCTYPE html>\n/, ''));
    for (const key of picks) assert.equal(await rp.locator(tid(`report-section-${key}`)).count(), 1, key);
    assert.equal(await rp.locator('.omitted', { hasText: 'could not be drawn' }).count(), 0);
    const imgs = await rp.$$eval('img', (xs) => xs.map((x) => [x.alt, x.naturalWidth]));
    assert.ok(imgs.length >= 6, JSON.stringify(imgs));
    for (const [alt, w] of imgs) assert.equal(w, 1800, alt);

    const spec = (key) => page.evaluate((k) => globalThis.__tidemarkPage.resultOf(k).spec, key);
    const lc = await engineRun(await spec('lifecycle'), null, 'demo.csv');
    assert.deepEqual((await rows(rp, 'report-lifecycle')).map((r) => r.slice(1, 5)),
      lc.periods.map((p) => [shown(p.new), shown(p.returning), shown(p.resurrecting), shown(p.dormant)]));
    const rep = await engineRun(await spec('repurchase'), null, 'demo.csv');
    assert.deepEqual((await rows(rp, 'report-repeat-rates')).map((r) => [r[1], r[2]]), rep.rates.map((x) => [shown(x.eligible), shown(x.repeaters)]));
    const tiers = await engineRun(await spec('tiers'), null, 'demo.csv');
    assert.deepEqual((await rows(rp, 'report-tiers')).map((r) => r[1]), tiers.tiers.map((t) => shown(t.users)));
    const clv = await engineRun(await spec('clv'), null, 'demo.csv');
    assert.deepEqual((await rows(rp, 'report-clv-tiers')).map((r) => r[1]), clv.tiers.map((t) => shown(t.customers)));
    assert.deepEqual((await rows(rp, 'report-clv-params')).slice(0, 4).map((r) => [r[0], Number(r[1])]),
      ['r', 'alpha', 'a', 'b'].map((k) => [`BG/NBD ${k}`, clv.bgnbd[k]]));

    // Print: one analysis per page; the PDF has at least one page per section.
    await rp.emulateMedia({ media: 'print' });
    const breaks = await rp.$$eval('section.analysis', (xs) => xs.map((x) => getComputedStyle(x).breakBefore));
    assert.deepEqual(breaks, picks.map(() => 'page'));
    const pdf = await rp.pdf({ format: 'A4' });
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
    assert.ok(pages >= picks.length + 1, `${pages} PDF pages`);
  } finally {
    await rp.close();
  }
  assert.deepEqual(pageErrors, []);
});
