// Page tests of the cohort panels (repeat purchase, …): same server and browser as
// page.test.mjs. The numbers shown are checked against engine.run on the same data,
// evaluated in the page itself (the module is loaded a second time there).
// Every request the page makes is recorded; anything not same-origin fails the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { T, page, pageErrors, tid, loadFile, waitLoaded, text, download } from './harness.mjs';

// ------------------------------------------------------------------ tests

/** Inked (non-white, non-transparent) pixels of the canvas with this test id. */
async function inked(testid) {
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

/** engine.run(spec) on the demo data, in the page (the same module, a second engine). */
async function demoRun(spec) {
  return page.evaluate(async (s) => {
    const m = await import('/pkg/tidemark.js');
    await m.default();
    const engine = m.Engine.fromCsv(m.demoCsv(), {}, 'demo.csv');
    try {
      return engine.run(s);
    } finally {
      engine.free();
    }
  }, spec);
}

/** Rows of a table body as the raw data-value of each td. */
async function tableValues(testid) {
  return page.$$eval(`[data-testid="${testid}"] tbody tr`, (rows) =>
    rows.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.dataset.value)));
}

async function runRepeat() {
  await page.click(tid('rp-run'));
  await page.waitForFunction(() => !document.querySelector('[data-testid="rp-run"]').disabled &&
    (!document.querySelector('[data-testid="rp-results"]').hidden ||
      !document.querySelector('[data-testid="rp-message"]').hidden));
}

test('repeat purchase on the demo: rates and drivers equal the engine, charts drawn, exports', T, async () => {
  await page.click(tid('demo-button'));
  await waitLoaded('demo.csv');
  assert.equal(await page.isVisible(tid('repeat')), true);
  await page.fill(tid('rp-windows'), '30, 60, 90');
  await page.fill(tid('rp-drivers-days'), '7');
  await page.fill(tid('rp-min-group'), '30');
  await runRepeat();
  assert.equal(await page.isVisible(tid('rp-message')), false);
  const ev = await page.inputValue(tid('rp-event'));
  const want = await demoRun({ analysis: 'repurchase', purchase_event: ev === '' ? null : ev, within_days: [30, 60, 90], drivers_within_days: 7, min_group: 30 });
  const rates = await tableValues('rp-rates');
  assert.deepEqual(rates, want.rates.map((r) => [String(r.eligible), String(r.repeaters), r.rate === null ? '' : String(r.rate), String(r.not_yet_eligible)]));
  const drivers = await tableValues('rp-drivers');
  assert.ok(want.drivers.length > 0, 'the demo has drivers');
  assert.deepEqual(drivers, want.drivers.map((d) => [String(d.with_rate), String(d.without_rate), d.lift === null ? '' : String(d.lift), `${d.ci_low},${d.ci_high}`, String(d.p_value), `${d.with_users},${d.without_users}`]));
  const behaviours = await page.$$eval('[data-testid="rp-drivers"] tbody th', (t) => t.map((x) => x.textContent));
  assert.deepEqual(behaviours, want.drivers.map((d) => d.behaviour));
  const sentences = await page.$$eval('[data-testid="rp-sentences"] li', (t) => t.map((x) => x.textContent));
  assert.deepEqual(sentences, want.drivers.slice(0, 3).map((d) => d.sentence));
  const hidden = await text('rp-hidden');
  assert.match(hidden, new RegExp(`^.*${want.hidden_small_groups} behaviours? with fewer than 30`));
  assert.match(hidden, /association, not causation/);
  for (const c of ['rp-gaps', 'rp-months']) {
    const ink = await inked(c);
    assert.ok(ink.n > ink.total / 100, `${c} is blank`);
  }
  const csv = await download('rp-csv-drivers');
  assert.match(csv.name, /repeat-drivers\.csv$/);
  assert.equal(csv.text.split('\r\n').filter(Boolean).length, want.drivers.length + 1);
  const rcsv = await download('rp-csv-rates');
  assert.equal(rcsv.text.split('\r\n')[1].split(',')[1], String(want.rates[0].eligible));
  const png = await Promise.all([page.waitForEvent('download'), page.click(tid('rp-png-gaps'))]);
  assert.match(png[0].suggestedFilename(), /\.png$/);
  assert.deepEqual(pageErrors, []);
});

test('a CSV with no purchase event: a clear message in the repeat panel', T, async () => {
  const rows = ['user_id,timestamp,event'];
  for (let u = 0; u < 20; u++) {
    rows.push(`u${u},2026-01-0${1 + (u % 9)}T10:00:00Z,page_view`);
    rows.push(`u${u},2026-02-0${1 + (u % 9)}T10:00:00Z,signup`);
  }
  await loadFile('nopurchase.csv', rows.join('\n') + '\n');
  await waitLoaded('nopurchase.csv');
  await runRepeat();
  assert.equal(await page.isVisible(tid('rp-results')), false);
  const msg = await text('rp-message');
  assert.ok(msg.length > 10, `message: ${msg}`);
  assert.match(msg, /purchase/i);
  await page.waitForSelector('[data-testid="ov-tiles"][data-ready="true"]');
  assert.equal(await page.isVisible(tid('ov-message')), true);
  assert.match(await text('ov-message'), /purchase/i);
  // The other panels still work on the same file.
  await runRetention();
  assert.equal(await page.isVisible(tid('rt-results')), true);
  await page.click(tid('lc-run'));
  await page.waitForFunction(() => !document.querySelector('[data-testid="lc-results"]').hidden);
  await page.click(tid('run-button'));
  await page.waitForFunction(() => !document.querySelector('[data-testid="results"]').hidden);
  assert.deepEqual(pageErrors, []);
});

async function runRetention() {
  await page.click(tid('rt-run'));
  await page.waitForFunction(() => !document.querySelector('[data-testid="rt-run"]').disabled &&
    (!document.querySelector('[data-testid="rt-results"]').hidden ||
      !document.querySelector('[data-testid="rt-message"]').hidden));
}

test('retention on the demo: the matrix equals the engine, incomplete cells marked, charts, LTV', T, async () => {
  await page.click(tid('demo-button'));
  await waitLoaded('demo.csv');
  await page.selectOption(tid('rt-period'), 'week');
  await page.fill(tid('rt-periods'), '8');
  await page.selectOption(tid('rt-measure'), 'revenue');
  await runRetention();
  assert.equal(await page.isVisible(tid('rt-message')), false);
  const want = await demoRun({ analysis: 'retention', period: 'week', start_event: null, return_event: null, periods: 8, mode: 'bounded', measure: 'revenue' });
  const cells = await page.$$eval('[data-testid="rt-table"] tbody tr', (rows) =>
    rows.map((tr) => [...tr.querySelectorAll('td')].slice(1).filter((td) => td.dataset.value !== undefined)
      .map((td) => ({ n: td.dataset.value, complete: td.dataset.complete, text: td.textContent }))));
  assert.equal(cells.length, want.cohorts.length);
  let partial = 0;
  want.cohorts.forEach((c, i) => {
    assert.deepEqual(cells[i].map((x) => x.n), c.retained.map(String), `cohort ${c.start}`);
    assert.deepEqual(cells[i].map((x) => x.complete), c.complete.map(String));
    c.complete.forEach((ok, k) => {
      if (ok) assert.equal(cells[i][k].text, c.retained_rate[k] === null ? '—' : `${(c.retained_rate[k] * 100).toFixed(1)}%`);
      else {
        partial++;
        assert.ok(cells[i][k].text.endsWith('*') && !cells[i][k].text.includes('%'), `incomplete cell shown as ${cells[i][k].text}`);
      }
    });
  });
  assert.ok(partial > 0, 'the demo has incomplete cells');
  const ltv = await page.$$eval('[data-testid="rt-ltv-table"] tbody tr', (rows) =>
    rows.map((tr) => [...tr.querySelectorAll('td')].slice(1).filter((td) => td.dataset.value !== undefined)
      .map((td) => ({ v: td.dataset.value, complete: td.dataset.complete, text: td.textContent }))));
  want.cohorts.forEach((c, i) => {
    assert.deepEqual(ltv[i].map((x) => x.v), c.cumulative_revenue_per_user.map((v) => (v === null ? '' : String(v))), `LTV of ${c.start}`);
    c.complete.forEach((ok, k) => assert.equal(ltv[i][k].text.endsWith('*'), !ok));
  });
  for (const c of ['rt-heatmap', 'rt-curve', 'rt-ltv']) {
    const ink = await inked(c);
    assert.ok(ink.n > ink.total / 100, `${c} is blank`);
  }
  const csv = await download('rt-csv');
  assert.match(csv.name, /retention\.csv$/);
  const total = want.cohorts.reduce((a, c) => a + c.retained.length, 0);
  assert.equal(csv.text.split('\r\n').filter(Boolean).length, total + 1);
  assert.deepEqual(pageErrors, []);
});

test('lifecycle on the demo: the table equals the engine, the chart is drawn', T, async () => {
  await page.click(tid('demo-button'));
  await waitLoaded('demo.csv');
  await page.selectOption(tid('lc-period'), 'month');
  await page.click(tid('lc-run'));
  await page.waitForFunction(() => !document.querySelector('[data-testid="lc-run"]').disabled &&
    !document.querySelector('[data-testid="lc-results"]').hidden);
  const want = await demoRun({ analysis: 'lifecycle', period: 'month', event: null });
  assert.deepEqual(await tableValues('lc-table'), want.periods.map((p) => [p.new, p.returning, p.resurrecting, p.dormant, p.active].map(String)));
  const ink = await inked('lc-chart');
  assert.ok(ink.n > ink.total / 100, 'the lifecycle chart is blank');
  const csv = await download('lc-csv');
  assert.equal(csv.text.split('\r\n').filter(Boolean).length, want.periods.length + 1);
  assert.deepEqual(pageErrors, []);
});

test('overview tiles after loading the demo equal the engine, each with a definition', T, async () => {
  await page.click(tid('demo-button'));
  await waitLoaded('demo.csv');
  await page.waitForSelector('[data-testid="ov-tiles"][data-ready="true"]');
  const ev = await page.inputValue(tid('rp-event'));
  const rep = await demoRun({ analysis: 'repurchase', purchase_event: ev === '' ? null : ev });
  const tiles = await page.$$eval('[data-testid="ov-tiles"] .tile', (ts) =>
    ts.map((x) => ({ id: x.dataset.testid, value: x.querySelector('.tile-value').textContent, sub: x.querySelector('.tile-sub')?.textContent ?? '', title: x.title })));
  const by = Object.fromEntries(tiles.map((x) => [x.id, x]));
  for (const x of tiles) assert.ok(x.title.length > 10, `${x.id} has no definition`);
  const nf = new Intl.NumberFormat('en-US');
  assert.equal(by['ov-users'].value, nf.format(Number(await page.getAttribute(tid('s-users'), 'data-value'))));
  assert.equal(by['ov-buyers'].value, nf.format(rep.buyers));
  for (const r of rep.rates) {
    assert.equal(by[`ov-repeat-${r.days}`].value, r.rate === null ? '—' : `${(r.rate * 100).toFixed(1)}%`);
    assert.equal(by[`ov-repeat-${r.days}`].sub, `${nf.format(r.repeaters)} of ${nf.format(r.eligible)} eligible`);
  }
  assert.ok(by['ov-revenue'] && by['ov-per-buyer'] && by['ov-median-gap'] && by['ov-conversion']);
  assert.deepEqual(pageErrors, []);
});

test('drivers named like formulas are shown as text and neutralised in the CSV', T, async () => {
  const rows = ['user_id,timestamp,event'];
  for (let u = 0; u < 12; u++) {
    rows.push(`u${u},2026-01-01T10:00:00Z,purchase`);
    if (u % 2 === 0) rows.push(`u${u},2026-01-02T10:00:00Z,=HYPERLINK("x")`);
    if (u % 3 === 0) rows.push(`u${u},2026-01-10T10:00:00Z,purchase`);
    rows.push(`u${u},2026-06-01T10:00:00Z,page_view`);
  }
  await loadFile('formula.csv', rows.map((r) => r.replace(/=HYPERLINK\("x"\)/, '"=HYPERLINK(""x"")"')).join('\n') + '\n');
  await waitLoaded('formula.csv');
  await page.fill(tid('rp-min-group'), '1');
  await page.fill(tid('rp-windows'), '30');
  await runRepeat();
  const behaviours = await page.$$eval('[data-testid="rp-drivers"] tbody th', (t) => t.map((x) => x.textContent));
  assert.ok(behaviours.includes('=HYPERLINK("x")'), `behaviours: ${behaviours}`);
  const csv = await download('rp-csv-drivers');
  assert.ok(csv.text.includes(`"'=HYPERLINK(""x"")"`), csv.text);
  assert.deepEqual(pageErrors, []);
});
