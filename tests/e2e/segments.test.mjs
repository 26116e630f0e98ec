// Page tests of the segments panel (RFM and value tiers): the numbers shown equal
// engine.run on the same data (evaluated in the page with a second engine), the
// grid is drawn, and member exports hold the right users with formulas neutralised.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { T, page, pageErrors, tid, loadFile, waitLoaded, text, download, setSteps, runFunnel, resultRows, canvasInkedPixels, engineRun, tableValues, inked } from './harness.mjs';

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

/** The lines of a downloaded CSV. */
const csvLines = (csv) => csv.text.split('\r\n').filter(Boolean);

async function countRule(rule) {
  await page.fill(tid('rs-rule'), rule);
  await runAndWait('rs-run', 'rs-results', 'rs-message');
}

test('a rule segment typed by hand: size equals the engine, members export, saved for the funnel', T, async () => {
  await page.click(tid('demo-button'));
  await waitLoaded('demo.csv');
  const rule = 'purchases >= 2 and days_since_last < 30 or country = "CN" and not did("add_to_cart", within = "14d")';
  await countRule(rule);
  assert.equal(await page.isVisible(tid('rs-message')), false);
  const ev = await page.inputValue(tid('sg-event'));
  const spec = { analysis: 'segment', rule, purchase_event: ev === '' ? null : ev, as_of: null };
  const want = await engineRun(spec);
  assert.ok(want.users > 10 && want.users < want.total_users, `a real subset (${want.users} of ${want.total_users})`);
  assert.equal(await page.getAttribute(tid('rs-size'), 'data-value'), String(want.users));
  assert.equal(await page.getAttribute(tid('rs-share'), 'data-value'), String(want.share_users));
  assert.equal(await page.getAttribute(tid('rs-revenue-share'), 'data-value'), String(want.share_revenue));

  // The members, exactly the engine's, with their metrics.
  const csv = await download('rs-members');
  assert.match(csv.name, /segment-.*\.csv$/);
  const lines = csvLines(csv);
  assert.equal(lines[0], 'user,events,purchases,revenue,days_since_first,days_since_last,days_since_first_purchase,days_since_last_purchase');
  const members = (await engineRun({ ...spec, users: true })).members;
  assert.equal(lines.length - 1, want.users);
  const cell = (x) => (x === null ? '' : String(x));
  assert.deepEqual(lines.slice(1), members.map((m) => [m.user, m.events, m.purchases, m.revenue, m.days_since_first, m.days_since_last, m.days_since_first_purchase, m.days_since_last_purchase].map(cell).join(',')));

  // Saved by name: listed, and offered in the funnel, repeat and retention filters.
  await page.fill(tid('rs-name'), 'Loyal or quiet CN');
  await page.click(tid('rs-save'));
  assert.match(await text('rs-saved-0'), /Loyal or quiet CN/);
  for (const sel of ['funnel-segment', 'funnel-compare-a', 'rp-segment', 'rt-segment']) {
    const labels = await page.$$eval(`${tid(sel)} option`, (o) => o.map((x) => x.text));
    assert.ok(labels.includes('Loyal or quiet CN'), `${sel}: ${labels.join(', ')}`);
  }
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('tidemark.segments')));
  assert.deepEqual(stored, [{ name: 'Loyal or quiet CN', rule }]);
  assert.deepEqual(pageErrors, []);
});

test('a typo in a rule shows its column and a caret under it', T, async () => {
  await page.click(tid('demo-button'));
  await waitLoaded('demo.csv');
  const rule = 'purchases >= 2 and days_since_lst < 30';
  await countRule(rule);
  assert.equal(await page.isVisible(tid('rs-results')), false);
  const message = await text('rs-message');
  assert.match(message, /^bad segment rule, column 20: unknown name 'days_since_lst' \(metrics: events, purchases/);
  const caret = (await page.textContent(tid('rs-caret'))).split('\n');
  assert.equal(caret[0], rule);
  assert.equal(caret[1], `${' '.repeat(19)}^`);
  assert.equal(rule.slice(19, 33), 'days_since_lst');
  await countRule('purchases >= ');
  assert.match(await text('rs-message'), /column 14: expected a value after '>='/);
  assert.deepEqual(pageErrors, []);
});

test('the funnel compares two segments side by side and filters by one', T, async () => {
  await page.click(tid('demo-button'));
  await waitLoaded('demo.csv');
  // A saved rule segment (saved through the Segments panel).
  await countRule('purchases >= 2 and days_since_last < 30 or country = "CN"');
  await page.fill(tid('rs-name'), 'Loyal or quiet CN');
  await page.click(tid('rs-save'));
  await setSteps(['page_view', 'add_to_cart', 'purchase']);
  const saved = await page.$eval(`${tid('funnel-compare-a')} optgroup[label="Saved segments"] option`, (o) => o.value);
  await page.selectOption(tid('funnel-compare-a'), saved);
  await page.selectOption(tid('funnel-compare-b'), JSON.stringify({ rfm: 'Champions' }));
  await runFunnel();
  const base = { analysis: 'funnel', steps: [{ event: 'page_view' }, { event: 'add_to_cart' }, { event: 'purchase' }], window: '7d', mode: 'ordered', breakdown: null, breakdown_limit: 10 };
  const got = await engineRun({ ...base, segments: [{ name: 'A', segment: JSON.parse(saved) }, { name: 'B', segment: { rfm: 'Champions' } }] });
  assert.equal(got.by_segment.length, 2);
  // Each part's rows: the engine's funnel filtered by that segment.
  const partRows = await page.$$eval('[data-testid="results-table"] tbody tr', (rows) => {
    const parts = [];
    for (const tr of rows) {
      if (tr.dataset.testid?.startsWith('funnel-part-')) parts.push({ head: tr.textContent, rows: [] });
      else if (parts.length && tr.classList.contains('bucket-step')) parts.at(-1).rows.push([...tr.querySelectorAll('td')].map((td) => td.dataset.value));
    }
    return parts;
  });
  assert.equal(partRows.length, 2);
  assert.match(partRows[0].head, /^Segment Loyal or quiet CN: /);
  assert.match(partRows[1].head, /^Segment RFM: Champions: /);
  const str2 = (x) => (x === null ? '' : String(x));
  for (const [i, seg] of [JSON.parse(saved), { rfm: 'Champions' }].entries()) {
    const alone = await engineRun({ ...base, segment: seg });
    assert.ok(alone.segment.users > 0);
    assert.equal(got.by_segment[i].segment.users, alone.segment.users);
    assert.deepEqual(partRows[i].rows, alone.steps.map((s) => [s.users, s.conversion_from_previous, s.conversion_from_first, s.dropoff, s.median_seconds_from_previous, s.mean_seconds_from_previous].map(str2)));
  }
  const ink = await canvasInkedPixels();
  assert.ok(ink.n > ink.total / 50, 'both funnels drawn');

  // As a filter: the all-users rows become the segment's.
  await page.selectOption(tid('funnel-compare-a'), '');
  await page.selectOption(tid('funnel-compare-b'), '');
  await page.selectOption(tid('funnel-segment'), JSON.stringify({ tier: 'high' }));
  await runFunnel();
  const high = await engineRun({ ...base, segment: { tier: 'high' } });
  assert.deepEqual(await resultRows(), high.steps.map((s) => [s.users, s.conversion_from_previous, s.conversion_from_first, s.dropoff, s.median_seconds_from_previous, s.mean_seconds_from_previous].map(str2)));
  assert.match(await text('funnel-filter-note'), new RegExp(`^Only the segment Tier: high: ${high.segment.users.toLocaleString('en-US')} users`));
  assert.deepEqual(pageErrors, []);
});

test('an attribute file: matched and unmatched ids, and rules on its columns', T, async () => {
  const events = [
    'user,time,event,revenue',
    'a,2024-03-01T10:00:00Z,page_view,',
    'a,2024-03-02T10:00:00Z,purchase,10',
    'b,2024-03-03T10:00:00Z,purchase,20',
    'c,2024-03-04T10:00:00Z,page_view,',
  ].join('\n') + '\n';
  await loadFile('small.csv', events);
  await waitLoaded('small.csv');
  await page.setInputFiles(tid('rs-attr-file'), { name: 'plans.csv', mimeType: 'text/csv', buffer: Buffer.from('id,plan\na,pro\nc,pro\n=evil,free\n') });
  await page.waitForFunction(() => document.querySelector('[data-testid="rs-attr-summary"]').textContent !== '');
  assert.equal(await page.getAttribute(tid('rs-attr-summary'), 'data-matched'), '2');
  assert.equal(await page.getAttribute(tid('rs-attr-summary'), 'data-unmatched'), '1');
  assert.match(await text('rs-attr-summary'), /plans\.csv: 3 rows keyed by "id"; 2 users matched, 1 users of the data have no row; 1 ids not in the data: =evil\. Columns for rules: plan\./);
  await countRule('plan = "pro" and purchases >= 1');
  assert.equal(await page.getAttribute(tid('rs-size'), 'data-value'), '1');
  await countRule('plan != "pro"');
  assert.equal(await page.getAttribute(tid('rs-size'), 'data-value'), '1');
  // The attribute is a funnel breakdown by the user's value: a (pro) bought, c (pro) did not.
  await setSteps(['page_view', 'purchase']);
  await page.selectOption(tid('breakdown'), 'plan');
  await page.fill(tid('window-n'), '30');
  await runFunnel();
  const heads = await page.$$eval('[data-testid="results-table"] tr.bucket', (rows) => rows.map((r) => r.textContent));
  assert.deepEqual(heads, ['plan = pro']);
  const pro = await page.$$eval('[data-testid="results-table"] tr.bucket-step', (rows) => rows.map((r) => r.querySelector('td').dataset.value));
  assert.deepEqual(pro, ['2', '1']);
  // A duplicate id: the file and line, nothing attached.
  await page.setInputFiles(tid('rs-attr-file'), { name: 'dup.csv', mimeType: 'text/csv', buffer: Buffer.from('id,plan\na,pro\na,free\n') });
  await page.waitForFunction(() => !document.querySelector('[data-testid="rs-attr-message"]').hidden);
  assert.equal(await text('rs-attr-message'), 'dup.csv:3: user id "a" is also on line 2: an attribute file has one row per user');
  assert.deepEqual(pageErrors, []);
});

test('repeat purchase and retention take a segment filter; repeat compares with a segment', T, async () => {
  await page.click(tid('demo-button'));
  await waitLoaded('demo.csv');
  const highTier = JSON.stringify({ tier: 'high' });
  await page.selectOption(tid('rp-segment'), JSON.stringify({ rfm: 'Champions' }));
  await page.selectOption(tid('rp-compare'), highTier);
  await runAndWait('rp-run', 'rp-results', 'rp-message');
  const ev = await page.inputValue(tid('rp-event'));
  const rspec = { analysis: 'repurchase', within_days: [30, 60, 90], purchase_event: ev, drivers_within_days: 7, min_group: 30 };
  const champions = await engineRun({ ...rspec, segment: { rfm: 'Champions' }, segments: [{ name: 'high', segment: { tier: 'high' } }] });
  assert.ok(champions.segment.users > 0);
  const rates = await tableValues('rp-rates');
  assert.deepEqual(rates, champions.rates.map((x) => [String(x.eligible), String(x.repeaters), str(x.rate), String(x.not_yet_eligible)]));
  assert.match(await text('rp-filter-note'), /^Only the segment RFM: Champions: /);
  // The comparison: Champions (filter) beside Champions ∩ high tier.
  const compare = await tableValues('rp-compare-table');
  const part = champions.by_segment[0].result;
  assert.deepEqual(compare, [[String(champions.buyers), String(part.buyers)], ...champions.rates.map((x, i) => [str(x.rate), str(part.rates[i].rate)])]);

  await page.selectOption(tid('rt-segment'), highTier);
  await runAndWait('rt-run', 'rt-results', 'rt-message');
  const high = await engineRun({ analysis: 'retention', period: 'week', start_event: null, return_event: null, periods: 12, mode: 'bounded', measure: 'users', segment: { tier: 'high' } });
  const sizes = await page.$$eval('[data-testid^="rt-row-"]', (rows) => rows.map((r) => r.querySelectorAll('td')[0].dataset.value));
  assert.deepEqual(sizes, high.cohorts.map((c) => String(c.size)));
  assert.equal(high.cohorts.reduce((a, c) => a + c.size, 0), high.segment.users);
  assert.match(await text('rt-filter-note'), /^Only the segment Tier: high: /);
  assert.deepEqual(pageErrors, []);
});

test('retention compares two segments: one curve each on one chart, both matrices side by side, equal to the engine', T, async () => {
  await page.click(tid('demo-button'));
  await waitLoaded('demo.csv');
  const parts = [['Tier: high', { tier: 'high' }], ['RFM: Champions', { rfm: 'Champions' }]];
  await page.selectOption(tid('rt-compare-a'), JSON.stringify(parts[0][1]));
  await page.selectOption(tid('rt-compare-b'), JSON.stringify(parts[1][1]));
  await runAndWait('rt-run', 'rt-results', 'rt-message');
  assert.equal(await page.isVisible(tid('rt-message')), false);
  const base = { analysis: 'retention', period: 'week', start_event: null, return_event: null, periods: 12, mode: 'bounded', measure: 'users' };
  const got = await engineRun({ ...base, segments: parts.map(([name, segment]) => ({ name, segment })) });
  assert.equal(got.by_segment.length, 2);
  // The main matrix is all users; each part's matrix is the engine's retention filtered by that segment.
  const all = await engineRun(base);
  assert.deepEqual((await tableValues('rt-table')).map((r) => r[0]), all.cohorts.map((c) => String(c.size)));
  for (const [i, [name, segment]] of parts.entries()) {
    const alone = await engineRun({ ...base, segment });
    assert.ok(alone.segment.users > 0, name);
    assert.equal(got.by_segment[i].segment.users, alone.segment.users);
    const width = Math.max(...alone.cohorts.map((c) => c.retained.length));
    const shown = (await tableValues(`rt-part-${i}`)).map((r) => r.map((v) => v ?? ''));
    assert.deepEqual(shown, alone.cohorts.map((c) =>
      [String(c.size), ...Array.from({ length: width }, (_, k) => (k < c.retained.length ? String(c.retained[k]) : ''))]));
    assert.equal(alone.cohorts.reduce((a, c) => a + c.size, 0), alone.segment.users);
    assert.match(await text(`rt-part-head-${i}`), new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${alone.segment.users.toLocaleString('en-US')} users`));
  }
  // Two curves on the curve chart: pixels in the first two palette colours.
  const colours = await page.evaluate(() => {
    const c = document.querySelector('[data-testid="rt-curve"]');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const near = (i, [r, g, b]) => Math.abs(d[i] - r) < 8 && Math.abs(d[i + 1] - g) < 8 && Math.abs(d[i + 2] - b) < 8 && d[i + 3] > 200;
    let a = 0;
    let b = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (near(i, [78, 121, 167])) a++;
      if (near(i, [242, 142, 43])) b++;
    }
    return [a, b];
  });
  assert.ok(colours[0] > 200 && colours[1] > 200, `both curves drawn: ${colours}`);
  // The CSV holds every part's rows after the main matrix's, each named.
  const csv = await download('rt-csv');
  const lines = csv.text.split('\r\n').filter(Boolean);
  assert.equal(lines[0], 'segment,cohort,size,period,retained,retained_rate,complete,revenue,revenue_per_user,cumulative_revenue_per_user');
  const cells = (r) => r.cohorts.reduce((a, c) => a + c.retained.length, 0);
  assert.equal(lines.length - 1, cells(all) + cells(got.by_segment[0].result) + cells(got.by_segment[1].result));
  assert.equal(lines.filter((l) => l.startsWith('RFM: Champions,')).length, cells(got.by_segment[1].result));
  // A report draws the result's own average curve, then the compared segments' curves on
  // one chart, each cut before the first period where a curve rests on fewer than 5
  // users (the counts the chart shows are checked against the minimum).
  const drawn = await page.evaluate(async (report) => {
    const m = await import('/js/report-sections.js');
    const sec = m.sectionFor({ key: 'retention', spec: {}, report }, new m.Suppressor(5));
    return sec.charts.map((c) => (c.report === undefined ? 'section'
      : c.report.by_segment === null ? null : { counts: c.counts, lengths: c.report.by_segment.map((p) => p.result.average.rate.length) }));
  }, got);
  assert.deepEqual(drawn.slice(0, 2), ['section', null]);
  const cut = drawn[2];
  const averages = got.by_segment.map((p) => p.result.average);
  let upTo = 0;
  while (averages.every((a) => [a.users[upTo], a.retained[upTo]].every((n) => n !== undefined && (n === 0 || n >= 5)))) upTo++;
  assert.deepEqual(cut.lengths, [upTo, upTo]);
  assert.ok(upTo > 0 && cut.counts.every((n) => n === 0 || n >= 5), JSON.stringify(cut));
  assert.deepEqual(pageErrors, []);
});
