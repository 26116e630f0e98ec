// Page tests of the cohort panels (repeat purchase, …): same server and browser as
// page.test.mjs. The numbers shown are checked against engine.run on the same data,
// evaluated in the page itself (the module is loaded a second time there).
// Every request the page makes is recorded; anything not same-origin fails the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { T, page, pageErrors, tid, loadFile, waitLoaded, text, download, inked, tableValues, engineRun } from './harness.mjs';

// ------------------------------------------------------------------ tests

/** engine.run(spec) on the demo data, in the page (the same module, a second engine). */
const demoRun = (spec) => engineRun(spec, null, 'demo.csv');

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
  // The table shows the top 20 (the rest behind "show all").
  assert.deepEqual(drivers, want.drivers.slice(0, 20).map((d) => [String(d.with_rate), String(d.without_rate), d.lift === null ? '' : String(d.lift), `${d.ci_low},${d.ci_high}`, String(d.p_value), `${d.with_users},${d.without_users}`]));
  const behaviours = await page.$$eval('[data-testid="rp-drivers"] tbody th', (t) => t.map((x) => x.textContent));
  assert.deepEqual(behaviours, want.drivers.slice(0, 20).map((d) => d.behaviour));
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

/** The matrix cells of each row (tds with a value): value, retained, complete, text, title. */
async function matrixCells() {
  return page.$$eval('[data-testid="rt-table"] tbody tr', (rows) =>
    rows.map((tr) => [...tr.querySelectorAll('td')].slice(1).filter((td) => td.dataset.value !== undefined)
      .map((td) => ({ v: td.dataset.value, n: td.dataset.retained, complete: td.dataset.complete, text: td.textContent, title: td.title }))));
}

const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

test('retention on the demo: the users matrix equals the engine, incomplete cells marked', T, async () => {
  await page.click(tid('demo-button'));
  await waitLoaded('demo.csv');
  await page.selectOption(tid('rt-period'), 'week');
  await page.fill(tid('rt-periods'), '8');
  await page.selectOption(tid('rt-measure'), 'users');
  await runRetention();
  const want = await demoRun({ analysis: 'retention', period: 'week', start_event: null, return_event: null, periods: 8, mode: 'bounded', measure: 'users' });
  const cells = await matrixCells();
  assert.equal(cells.length, want.cohorts.length);
  let partial = 0;
  want.cohorts.forEach((c, i) => {
    assert.deepEqual(cells[i].map((x) => x.v), c.retained.map(String), `cohort ${c.start}`);
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
  assert.match(await text('rt-table-note'), /share of the cohort active/);
  assert.equal(await page.isVisible(tid('rt-ltv-table')), false);
  assert.deepEqual(pageErrors, []);
});

test('retention with measure=revenue: the matrix shows revenue per cohort user, LTV table and charts', T, async () => {
  await page.click(tid('demo-button'));
  await waitLoaded('demo.csv');
  await page.selectOption(tid('rt-period'), 'week');
  await page.fill(tid('rt-periods'), '8');
  await page.selectOption(tid('rt-measure'), 'revenue');
  await runRetention();
  assert.equal(await page.isVisible(tid('rt-message')), false);
  const want = await demoRun({ analysis: 'retention', period: 'week', start_event: null, return_event: null, periods: 8, mode: 'bounded', measure: 'revenue' });
  const cells = await matrixCells();
  assert.equal(cells.length, want.cohorts.length);
  let partial = 0;
  want.cohorts.forEach((c, i) => {
    // The cell's value is the cohort's revenue that period; its text the revenue per user.
    assert.deepEqual(cells[i].map((x) => x.v), c.revenue.map(String), `revenue of ${c.start}`);
    assert.deepEqual(cells[i].map((x) => x.n), c.retained.map(String));
    c.complete.forEach((ok, k) => {
      const perUser = c.revenue_per_user[k] === null ? '—' : money.format(c.revenue_per_user[k]);
      assert.equal(cells[i][k].text, ok ? perUser : `${perUser}*`, `${c.start} k=${k}`);
      assert.ok(!cells[i][k].text.includes('%'), 'no percentage in a revenue cell');
      assert.ok(cells[i][k].title.includes(`revenue ${money.format(c.revenue[k])}`), cells[i][k].title);
      if (!ok) partial++;
    });
  });
  assert.ok(partial > 0, 'the demo has incomplete cells');
  assert.match(await text('rt-table-note'), /revenue per cohort user/);
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

/** Moves the pointer over (x, y) in CSS pixels of canvas `id`; returns the tooltip shown (or null). */
async function hover(id, x, y) {
  await page.locator(tid(id)).scrollIntoViewIfNeeded();
  const box = await page.locator(tid(id)).boundingBox();
  await page.mouse.move(box.x + x, box.y + y);
  const tip = page.locator(tid(`${id}-tip`));
  if ((await tip.count()) === 0 || !(await tip.isVisible())) return null;
  return tip.textContent();
}

/**
 * The layout `fn` (drawRetention, …) returns for `spec` on the demo, drawn on a
 * detached canvas of the same CSS size as the page's canvas `id`: where the page's
 * own targets are.
 */
async function layoutLike(id, fn, spec) {
  const size = await page.$eval(tid(id), (c) => [c.clientWidth, c.clientHeight]);
  return page.evaluate(async ([f, s, w, h]) => {
    const m = await import('/pkg/tidemark.js');
    await m.default(); // its own instance: the page's glue is inside dist/app.js
    const engine = m.Engine.fromCsv(m.demoCsv(), {}, 'demo.csv');
    const canvas = document.createElement('canvas');
    canvas.style.width = `${w}px`;
    canvas.style.height = `${h}px`;
    document.body.append(canvas);
    try {
      return m[f](canvas, engine.run(s));
    } finally {
      canvas.remove();
      engine.free();
    }
  }, [fn, spec, ...size]);
}

const centre = (r) => [(r.x0 + r.x1) / 2, (r.y0 + r.y1) / 2];

test('hovering a heatmap cell, a curve point and a lifecycle bar shows its numbers as text', T, async () => {
  await page.click(tid('demo-button'));
  await waitLoaded('demo.csv');
  await page.selectOption(tid('rt-period'), 'month');
  await page.fill(tid('rt-periods'), '4');
  await page.selectOption(tid('rt-measure'), 'users');
  await runRetention();
  const spec = { analysis: 'retention', period: 'month', start_event: null, return_event: null, periods: 4, mode: 'bounded', measure: 'users' };
  const want = await demoRun(spec);
  const nf = new Intl.NumberFormat('en-US');

  // The heatmap: one target per cell; the first cohort's cell at k = 1.
  const heat = await layoutLike('rt-heatmap', 'drawRetention', spec);
  const c0 = want.cohorts[0];
  assert.equal(heat.hits.filter((h) => h.cohort === 0).length, c0.retained.length, 'one target per cell');
  assert.equal(heat.hits.length, want.cohorts.reduce((a, c) => a + c.retained.length, 0));
  const cell = heat.hits.find((h) => h.cohort === 0 && h.at === 1);
  const tip = await hover('rt-heatmap', ...centre(cell.rect));
  assert.equal(tip, cell.tip);
  assert.equal(tip, `Cohort ${c0.start} (${nf.format(c0.size)} users) · month 1: ${nf.format(c0.retained[1])} active (${(c0.retained_rate[1] * 100).toFixed(1)}%)`);
  // Off the grid: no tooltip.
  assert.equal(await hover('rt-heatmap', 2, 2), null);

  // The average curve: its point at k = 1.
  const curve = await layoutLike('rt-curve', 'drawRetentionCurve', spec);
  const p = curve.hits.find((h) => h.at === 1);
  assert.equal(await hover('rt-curve', ...centre(p.rect)), p.tip);
  const a = want.average;
  assert.equal(p.tip, `Average · month 1: ${(a.rate[1] * 100).toFixed(1)}% active (${nf.format(a.retained[1])} returning), from ${a.cohorts[1]} complete cohort${a.cohorts[1] === 1 ? '' : 's'} (${nf.format(a.users[1])} users)`);

  // Lifecycle: a whole column is a target; its text has the four counts.
  await page.selectOption(tid('lc-period'), 'month');
  await page.click(tid('lc-run'));
  await page.waitForFunction(() => !document.querySelector('[data-testid="lc-results"]').hidden);
  const lspec = { analysis: 'lifecycle', period: 'month', event: null };
  const life = await demoRun(lspec);
  const lay = await layoutLike('lc-chart', 'drawLifecycle', lspec);
  assert.equal(lay.hits.length, life.periods.length);
  const bar = lay.hits[1];
  const p1 = life.periods[1];
  const lt = await hover('lc-chart', (bar.rect.x0 + bar.rect.x1) / 2, bar.rect.y0 + 3);
  assert.equal(lt, `Month of ${p1.start}: ${nf.format(p1.active)} active — ${nf.format(p1.new)} new, ${nf.format(p1.returning)} returning, ${nf.format(p1.resurrecting)} resurrecting; ${nf.format(-p1.dormant)} dormant`);
  // The tooltip is text: nothing in it is markup.
  assert.equal(await page.$eval(tid('lc-chart-tip'), (t) => t.children.length), 0);
  // Leaving the chart hides it.
  await page.mouse.move(0, 0);
  assert.equal(await page.isVisible(tid('lc-chart-tip')), false);
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
  // Revenue: the sum of the revenue column of the demo CSV, computed here from the
  // CSV text itself (not by the engine).
  const csvText = await page.evaluate(async () => {
    const m = await import('/pkg/tidemark.js');
    await m.default();
    return new TextDecoder().decode(m.demoCsv());
  });
  const lines = csvText.trim().split('\n');
  const header = lines[0].split(',');
  const col = header.indexOf('revenue');
  assert.ok(col >= 0, `the demo has a revenue column: ${header}`);
  let sum = 0;
  let withAmount = 0;
  for (const line of lines.slice(1)) {
    const cell = line.split(',')[col];
    if (cell !== undefined && cell.trim() !== '') {
      sum += Number(cell);
      withAmount++;
    }
  }
  const money = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
  assert.equal(by['ov-revenue'].value, money.format(sum));
  assert.equal(by['ov-revenue'].sub, `${nf.format(withAmount)} rows with an amount`);
  assert.equal(by['ov-per-buyer'].value, money.format(sum / rep.buyers));
  assert.deepEqual(pageErrors, []);
});

test('the Revenue tile without a revenue column says so', T, async () => {
  const rows = ['user_id,timestamp,event'];
  for (let u = 0; u < 5; u++) rows.push(`u${u},2026-01-0${1 + u}T10:00:00Z,purchase`);
  await loadFile('norevenue.csv', rows.join('\n') + '\n');
  await waitLoaded('norevenue.csv');
  await page.waitForSelector('[data-testid="ov-tiles"][data-ready="true"]');
  assert.equal(await page.$eval('[data-testid="ov-revenue"] .tile-value', (x) => x.textContent), '—');
  assert.equal(await page.$eval('[data-testid="ov-revenue"] .tile-sub', (x) => x.textContent), 'no revenue column');
  assert.deepEqual(pageErrors, []);
});

test('the drivers table shows the top 20 with a note and a "show all" control', T, async () => {
  // 30 behaviours b0..b29, each done by half the buyers: all pass min_group 1.
  const rows = ['user_id,timestamp,event'];
  for (let u = 0; u < 40; u++) {
    rows.push(`u${u},2026-01-01T10:00:00Z,purchase`);
    for (let b = 0; b < 30; b++) if ((u + b) % 2 === 0 || (u % (b + 2)) === 0) rows.push(`u${u},2026-01-02T10:00:00Z,b${b}`);
    if (u % 3 === 0) rows.push(`u${u},2026-01-10T10:00:00Z,purchase`);
    rows.push(`u${u},2026-06-01T10:00:00Z,page_view`);
  }
  await loadFile('many-drivers.csv', rows.join('\n') + '\n');
  await waitLoaded('many-drivers.csv');
  await page.fill(tid('rp-min-group'), '1');
  await page.fill(tid('rp-windows'), '30');
  await page.fill(tid('rp-drivers-days'), '7');
  await runRepeat();
  const ev = await page.inputValue(tid('rp-event'));
  const want = await page.evaluate(async ([text, e]) => {
    const m = await import('/pkg/tidemark.js');
    await m.default(); // its own instance: the page's glue is inside dist/app.js
    const engine = m.Engine.fromCsv(new TextEncoder().encode(text), {}, 'many-drivers.csv');
    try {
      return engine.run({ analysis: 'repurchase', purchase_event: e === '' ? null : e, within_days: [30], drivers_within_days: 7, min_group: 1 });
    } finally {
      engine.free();
    }
  }, [rows.join('\n') + '\n', ev]);
  const n = want.drivers.length;
  assert.ok(n > 20, `${n} drivers`);
  const shownBehaviours = () => page.$$eval('[data-testid="rp-drivers"] tbody th', (t) => t.map((x) => x.textContent));
  assert.deepEqual(await shownBehaviours(), want.drivers.slice(0, 20).map((d) => d.behaviour));
  assert.match(await text('rp-drivers-shown'), new RegExp(`^Showing the top 20 of ${n} behaviours .*; ${n - 20} more hidden\\.$`));
  assert.equal(await text('rp-drivers-more'), `Show all ${n}`);
  // Small-group hiding is still reported.
  assert.match(await text('rp-hidden'), /behaviours? with fewer than 1 buyers on a side/);
  await page.click(tid('rp-drivers-more'));
  assert.deepEqual(await shownBehaviours(), want.drivers.map((d) => d.behaviour));
  assert.equal(await page.isVisible(tid('rp-drivers-more')), false);
  assert.equal(await text('rp-drivers-shown'), `Showing all ${n} behaviours.`);
  // The CSV export has every driver either way.
  const csv = await download('rp-csv-drivers');
  assert.equal(csv.text.split('\r\n').filter(Boolean).length, n + 1);
  // A new run shows the top 20 again.
  await runRepeat();
  assert.equal((await shownBehaviours()).length, 20);
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
