// Page tests of the segments panel (RFM and value tiers): the numbers shown equal
// engine.run on the same data (evaluated in the page with a second engine), the
// grid is drawn, and member exports hold the right users with formulas neutralised.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { T, page, pageErrors, tid, loadFile, waitLoaded, text, download } from './harness.mjs';

/** engine.run(spec) in the page on `csv` text, or on the demo log when `csv` is null. */
async function engineRun(spec, csv = null) {
  return page.evaluate(async ([s, text]) => {
    const m = await import('/pkg/tidemark.js');
    await m.default();
    const bytes = text === null ? m.demoCsv() : new TextEncoder().encode(text);
    const engine = m.Engine.fromCsv(bytes, {}, 'x.csv');
    try {
      return engine.run(s);
    } finally {
      engine.free();
    }
  }, [spec, csv]);
}

/** Rows of a table body as the raw data-value of each td. */
async function tableValues(testid) {
  return page.$$eval(`[data-testid="${testid}"] tbody tr`, (rows) =>
    rows.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.dataset.value)));
}

/** Inked (non-white, non-transparent) pixels of a canvas. */
async function inked(testid) {
  return page.evaluate((id) => {
    const c = document.querySelector(`[data-testid="${id}"]`);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] !== 0 && !(d[i] > 245 && d[i + 1] > 245 && d[i + 2] > 245)) n++;
    }
    return { n, total: c.width * c.height };
  }, testid);
}

async function runAndWait(button, results, message) {
  await page.click(tid(button));
  await page.waitForFunction(([b, r, m]) => !document.querySelector(`[data-testid="${b}"]`).disabled &&
    (!document.querySelector(`[data-testid="${r}"]`).hidden || !document.querySelector(`[data-testid="${m}"]`).hidden),
  [button, results, message]);
}

const str = (x) => (x === null ? '' : String(x));

test('RFM and tiers on the demo: tables equal the engine, grid drawn, member exports', T, async () => {
  await page.click(tid('demo-button'));
  await waitLoaded('demo.csv');
  assert.equal(await page.isVisible(tid('segments')), true);
  await runAndWait('sg-run', 'sg-results', 'sg-message');
  assert.equal(await page.isVisible(tid('sg-message')), false);
  const ev = await page.inputValue(tid('sg-event'));
  const spec = { analysis: 'rfm', purchase_event: ev === '' ? null : ev, as_of: null };
  const want = await engineRun(spec);
  assert.ok(want.buyers > 100, 'the demo has buyers');
  assert.deepEqual(await tableValues('sg-table'), want.segments.map((s) =>
    [String(s.users), str(s.share_users), String(s.revenue), str(s.share_revenue), str(s.avg_order_value), str(s.days_since_last)]));
  const names = await page.$$eval('[data-testid="sg-table"] tbody th', (t) => t.map((x) => x.textContent));
  assert.deepEqual(names, want.segments.map((s) => s.name));
  assert.equal(await page.locator(`${tid('sg-rules')} tbody tr`).count(), 11);
  const rules = await page.$$eval('[data-testid="sg-rules"] tbody tr', (rows) => rows.map((r) => [...r.cells].slice(1).map((c) => c.textContent)));
  assert.deepEqual(rules, want.rules.map((r) => [r.name, r.rule]));
  assert.match(await text('sg-summary'), new RegExp(`^${want.buyers.toLocaleString('en-US')} buyers scored as of`));
  const ink = await inked('sg-chart');
  assert.ok(ink.n > ink.total / 20, `the grid is drawn (${ink.n} of ${ink.total} pixels inked)`);

  // Members of the largest segment, exactly the engine's users of that segment.
  const largest = want.segments.reduce((a, b) => (b.users > a.users ? b : a));
  await page.selectOption(tid('sg-member-segment'), largest.name);
  const csv = await download('sg-members');
  assert.match(csv.name, /rfm-.*\.csv$/);
  const lines = csv.text.split('\r\n').filter(Boolean);
  assert.equal(lines[0], 'user,segment,recency_days,frequency,monetary,r,f,m');
  const all = (await engineRun({ ...spec, users: true })).users.filter((u) => u.segment === largest.name);
  assert.equal(lines.length - 1, largest.users);
  assert.deepEqual(lines.slice(1), all.map((u) => [u.user, u.segment, u.recency_days, u.frequency, u.monetary, u.r, u.f, u.m].join(',')));

  // Value tiers with the default thresholds.
  await runAndWait('tr-run', 'tr-results', 'tr-message');
  const tspec = { analysis: 'tiers', purchase_event: spec.purchase_event, as_of: null, metric: 'revenue', by: 'share', high: 0.2, mid: 0.5 };
  const tw = await engineRun(tspec);
  const thr = [tw.thresholds.high, tw.thresholds.mid, null];
  assert.deepEqual(await tableValues('tr-table'), tw.tiers.map((t, i) =>
    [String(t.users), str(t.share_users), String(t.revenue), str(t.share_revenue), String(t.purchases), str(thr[i]), t.users === 0 ? '' : `${t.min},${t.max}`]));
  assert.equal(tw.tiers.reduce((a, t) => a + t.users, 0), want.buyers);
  await page.selectOption(tid('tr-member-tier'), 'high');
  const tcsv = await download('tr-members');
  const tl = tcsv.text.split('\r\n').filter(Boolean);
  assert.equal(tl[0], 'user,tier,value_revenue,purchases,revenue');
  assert.equal(tl.length - 1, tw.tiers[0].users);
  const top = (await engineRun({ ...tspec, users: true })).users.filter((u) => u.tier === 'high');
  assert.deepEqual(tl.slice(1), top.map((u) => [u.user, u.tier, u.value, u.purchases, u.revenue].join(',')));
  assert.deepEqual(pageErrors, []);
});

test('RFM as of a date, and member ids that look like formulas are neutralised', T, async () => {
  const csv = [
    'user_id,timestamp,event,revenue',
    '"=HYPERLINK(""http://x"")",2024-03-01T10:00:00Z,purchase,10.00',
    '+1,2024-03-01T10:00:00Z,purchase,10.00',
    '@me,2024-03-01T10:00:00Z,purchase,10.00',
    '-5,2024-03-01T10:00:00Z,purchase,10.00',
    'later,2024-03-08T10:00:00Z,purchase,99.00',
    'later,2024-03-10T10:00:00Z,page_view,',
  ].join('\n') + '\n';
  await loadFile('formulas.csv', csv);
  await waitLoaded('formulas.csv');
  await page.fill(tid('sg-as-of'), '2024-03-05');
  await runAndWait('sg-run', 'sg-results', 'sg-message');
  const want = await engineRun({ analysis: 'rfm', purchase_event: 'purchase', as_of: '2024-03-05' }, csv);
  assert.equal(want.buyers, 4);
  assert.equal(want.as_of, '2024-03-06T00:00:00Z');
  assert.match(await text('sg-summary'), /^4 buyers scored as of 2024-03-06 00:00:00 UTC/);
  assert.match(await text('sg-summary'), /1 users without a purchase by then/);
  // Four identical buyers: every score 1, all Lost.
  assert.equal(await page.inputValue(tid('sg-member-segment')), 'Lost');
  const members = await download('sg-members');
  const lines = members.text.split('\r\n').filter(Boolean);
  assert.equal(lines.length, 5);
  assert.ok(lines.includes(`"'=HYPERLINK(""http://x"")",Lost,4.583333333333333,1,10,1,1,1`), lines.join('\n'));
  for (const id of ["'+1", "'@me", "'-5"]) {
    assert.ok(lines.some((l) => l.startsWith(`${id},Lost,`)), `${id} in ${lines.join(' | ')}`);
  }
  // A bad threshold: a readable message in the tiers form.
  await page.fill(tid('tr-high'), '1.5');
  await runAndWait('tr-run', 'tr-results', 'tr-message');
  assert.match(await text('tr-message'), /between 0 and 1/);
  assert.deepEqual(pageErrors, []);
});
