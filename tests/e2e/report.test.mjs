// The exported report: built from the page's results, downloaded, then opened from
// disk (file://) in a fresh offline context where every request but file: is
// aborted. Its numbers equal engine.run on the same data, its fingerprint equals
// node's SHA-256 of the file, no user id appears anywhere in it, small groups are
// suppressed, and HTML in the data, title and notes shows as text and never runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { T, page, pageErrors, tid, loadFile, waitLoaded, setSteps, runFunnel, engineRun, exportReport as download, openOffline } from './harness.mjs';
import { sectionNineCsv } from './section9_data.mjs';

/** The report downloaded, as shop-report.html. */
const exportReport = () => download('shop-report.html');

const IMG = '<img src=x onerror=alert(1)>';
const SCRIPT = '<script>alert(2)</script>';

/**
 * 40 users `cust-7f3a-<i>`: all view a page; 30 then do the event named IMG; users
 * 0..19 buy (revenue 10 + i), users 0..7 twice. Channel: SCRIPT for even users,
 * "email" for odd ones, except users 37 and 39: "rare" (a group of 2).
 */
function csv() {
  const lines = ['user_id,timestamp,event,revenue,channel'];
  const t = (i, h) => new Date(Date.UTC(2024, 2, 1) + (i * 24 + h) * 3600_000).toISOString();
  for (let i = 0; i < 40; i++) {
    const user = `cust-7f3a-${String(i).padStart(3, '0')}`;
    const channel = i === 37 || i === 39 ? 'rare' : i % 2 === 0 ? `"${SCRIPT}"` : 'email';
    lines.push(`${user},${t(i, 0)},page_view,,${channel}`);
    if (i < 30) lines.push(`${user},${t(i, 1)},"${IMG}",,${channel}`);
    if (i < 20) lines.push(`${user},${t(i, 2)},purchase,${10 + i}.00,${channel}`);
    if (i < 8) lines.push(`${user},${t(i, 24 * 9)},purchase,5.50,${channel}`);
  }
  return `${lines.join('\n')}\n`;
}

async function waitIdle(button) {
  await page.waitForFunction((b) => !document.querySelector(`[data-testid="${b}"]`).disabled, button);
}

test('report: offline file with the engine numbers, no user ids, suppression, HTML as text', { timeout: 120_000 }, async () => {
  const data = csv();
  await loadFile('shop.csv', data);
  await waitLoaded('shop.csv');
  // The page itself shows the event names as text.
  const events = await page.$$eval('[data-testid="events-table"] tbody td:first-child', (tds) => tds.map((td) => td.textContent));
  assert.ok(events.includes(IMG), events.join(' | '));

  await setSteps(['page_view', IMG, 'purchase']);
  await page.selectOption(tid('breakdown'), 'channel');
  await runFunnel();
  // The page shows the HTML values (an event, a breakdown value) as text: no element
  // was made from them (and no dialog opened: the harness checks).
  const inPage = await page.evaluate(([a, b]) => ({
    text: [...document.querySelectorAll('[data-testid="results"] th, [data-testid="results"] td')].map((x) => x.textContent).join('\n'),
    made: document.querySelectorAll('img[onerror], img[src="x"]').length + [...document.scripts].filter((x) => x.textContent.includes('alert(')).length,
  }), [SCRIPT, IMG]);
  assert.ok(inPage.text.includes(IMG) && inPage.text.includes(SCRIPT), inPage.text);
  assert.equal(inPage.made, 0);
  await page.click(tid('sg-run'));
  await page.waitForFunction(() => !document.querySelector('[data-testid="sg-results"]').hidden);
  await page.click(tid('rt-run'));
  await page.waitForFunction(() => !document.querySelector('[data-testid="rt-results"]').hidden);
  await waitIdle('rt-run');

  // A chart's PNG export is drawn at 2× whatever the screen (here 1×).
  const [png] = await Promise.all([page.waitForEvent('download'), page.click(tid('export-png'))]);
  const head = await readFile(await png.path());
  const cssWidth = await page.$eval(tid('chart'), (c) => c.clientWidth);
  assert.equal(await page.evaluate(() => devicePixelRatio), 1);
  assert.equal(head.readUInt32BE(16), 2 * cssWidth, 'PNG width (IHDR) = 2 × the CSS width');

  assert.equal(await page.isVisible(tid('report')), true);
  const picks = await page.$$eval('[data-testid="rpt-pick"] input', (xs) => xs.map((x) => [x.value, x.checked]));
  assert.deepEqual(picks, [['funnel', true], ['retention', true], ['rfm', true]]);
  await page.fill(tid('rpt-title'), `Q1 ${SCRIPT}`);
  await page.fill(tid('rpt-notes'), `Notes line 1\n${IMG}`);
  const { file, html } = await exportReport();

  // Aggregates only: no user id, no raw HTML from the data, its own strict CSP.
  assert.equal(html.includes('cust-7f3a'), false, 'a user id is in the report');
  assert.equal(/<script/i.test(html), false, 'a <script> tag is in the report');
  assert.equal(html.includes('<img src=x'), false);
  assert.ok(html.includes(`content="default-src 'none'; img-src data:; style-src 'unsafe-inline'`));
  // The range in the report's locale format (en-US, UTC), from the page's ISO-like times.
  const when = async (id) => new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC', hourCycle: 'h23' })
    .format(new Date((await page.textContent(tid(id))).replace(' UTC', 'Z').replace(' ', 'T')));
  const range = `${await when('s-first')} UTC – ${await when('s-last')} UTC`;
  assert.equal(range, 'Mar 1, 2024, 00:00:00 UTC – Apr 9, 2024, 00:00:00 UTC');
  const sha = createHash('sha256').update(data).digest('hex');
  assert.ok(html.includes(sha), 'the SHA-256 of the input file');
  // The worker's two ways (crypto.subtle on the whole file, our streamed SHA-256) agree with node's.
  const both = await page.evaluate(async () => {
    const { client, state } = globalThis.__tidemarkPage; // the page's own (it runs from dist/app.js)
    const ask = (stream) => client.request({ type: 'sha256', file: state.source.file, stream });
    return [await ask(false), await ask(true)].map((m) => [m.how, m.hex, m.bytes]);
  });
  assert.deepEqual(both, [['subtle', sha, Buffer.byteLength(data)], ['stream', sha, Buffer.byteLength(data)]]);

  const funnelSpec = { analysis: 'funnel', steps: [{ event: 'page_view' }, { event: IMG }, { event: 'purchase' }], window: '7d', mode: 'ordered', breakdown: 'channel', breakdown_limit: 10 };
  const funnel = await engineRun(funnelSpec, data);
  const rfm = await engineRun({ analysis: 'rfm', purchase_event: 'purchase', as_of: null }, data);
  const retention = await engineRun({ analysis: 'retention', period: 'week', start_event: null, return_event: null, periods: 12, mode: 'bounded', measure: 'users' }, data);

  const { ctx, rp } = await openOffline(file);
  try {
    assert.equal(await rp.title(), `Q1 ${SCRIPT}`);
    assert.equal(await rp.textContent(tid('report-title')), `Q1 ${SCRIPT}`);
    assert.equal(await rp.textContent(tid('report-notes')), `Notes line 1\n${IMG}`);
    assert.equal(await rp.textContent(tid('report-sha256')), sha);
    assert.equal(await rp.locator('script').count(), 0);
    assert.equal(await rp.locator('img:not([src^="data:image/png"])').count(), 0);

    // Funnel rows: all users, then per channel; "rare" (2 users) suppressed.
    const rows = await rp.$$eval('[data-testid="report-funnel"] tbody tr', (trs) =>
      trs.map((tr) => [tr.querySelector('th').textContent, ...[...tr.querySelectorAll('td')].map((td) => td.dataset.value ?? td.textContent)]));
    const want = [];
    const add = (steps, prefix) => steps.forEach((st, i) => want.push([`${prefix}${i + 1}. ${st.label || st.event}`, String(st.users)]));
    add(funnel.steps, '');
    for (const b of funnel.breakdown) add(b.steps, `channel = ${b.value} · `);
    assert.deepEqual(rows.map((r) => [r[0], r[1]]), want.map(([label, users]) => [label, Number(users) > 0 && Number(users) < 5 ? '<5' : users]));
    assert.ok(rows.some((r) => r[0].startsWith(`channel = ${SCRIPT} · `)), 'the HTML value is a row label, as text');
    const rare = rows.filter((r) => r[0].startsWith('channel = rare'));
    assert.equal(rare.length, 3);
    assert.deepEqual(rare[0].slice(1, 4), ['<5', 'suppressed', 'suppressed']);
    // A chart showing the small "rare" bucket is left out, with a note.
    assert.match(await rp.textContent(tid('report-section-funnel')), /Chart "Users per step" left out: it would show a group of fewer than 5 users/);

    // RFM: segment sizes equal the engine's, below 5 shown as "<5".
    const seg = await rp.$$eval('[data-testid="report-rfm"] tbody tr', (trs) =>
      trs.map((tr) => [tr.querySelector('th').textContent, tr.querySelector('td').dataset.value ?? tr.querySelector('td').textContent]));
    assert.deepEqual(seg, rfm.segments.map((s) => [s.name, s.users > 0 && s.users < 5 ? '<5' : String(s.users)]));
    assert.equal(rfm.segments.reduce((a, s) => a + s.users, 0), 20);

    // Retention: cohort sizes and complete cells equal the engine's counts.
    const rt = await rp.$$eval('[data-testid="report-retention"] tbody tr', (trs) =>
      trs.map((tr) => [tr.querySelector('th').textContent, [...tr.querySelectorAll('td')].map((td) => td.dataset.value ?? td.textContent)]));
    assert.deepEqual(rt.map((r) => r[0]), retention.cohorts.map((c) => c.start));
    retention.cohorts.forEach((c, i) => {
      const small = (n) => n > 0 && n < 5;
      assert.equal(rt[i][1][0], small(c.size) ? '<5' : String(c.size));
      c.retained.forEach((n, k) => {
        const got = rt[i][1][k + 1];
        if (small(n)) assert.equal(got, '<5');
        else if (!small(c.size)) assert.equal(got, String(n));
      });
    });

    // Specs, definitions and the date range are in.
    assert.deepEqual(JSON.parse(await rp.textContent(tid('report-spec-funnel'))), funnelSpec);
    assert.equal(await rp.textContent(tid('report-range')), range);
    assert.match(await rp.textContent(tid('report-section-rfm')), /Definitions.*R, F, M scores/s);

    // Phone width: nothing wider than the screen but the scrolling table boxes.
    await rp.setViewportSize({ width: 375, height: 700 });
    const overflow = await rp.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(overflow <= 375, `page width at 375 px: ${overflow}`);
  } finally {
    await ctx.close();
  }

  // With minimum 1 nothing is suppressed: every chart is in, drawn at 2× (900 CSS px → 1800).
  await page.fill(tid('rpt-min'), '1');
  const second = await exportReport();
  assert.equal(second.html.includes('cust-7f3a'), false, 'a user id is in the report');
  assert.equal(second.html.includes('<5'), false);
  const opened = await openOffline(second.file);
  try {
    const imgs = await opened.rp.$$eval('img', (xs) => xs.map((x) => [x.complete, x.naturalWidth, x.alt]));
    assert.deepEqual(imgs.map((x) => x[2]), ['Users per step', 'Cohort heatmap', 'Average retention', 'Buyers by recency and frequency score']);
    for (const [complete, w] of imgs) assert.ok(complete && w === 1800, JSON.stringify(imgs));
    assert.equal(await opened.rp.locator('.omitted').count(), 0);
  } finally {
    await opened.ctx.close();
  }

  // The member list only when the author ticks it: then every buyer's id and segment, as text.
  await page.check(tid('rpt-members'));
  const third = await exportReport();
  const users = (await engineRun({ analysis: 'rfm', purchase_event: 'purchase', as_of: null, users: true }, data)).users;
  assert.equal(users.length, 20);
  const withIds = await openOffline(third.file);
  try {
    const members = await withIds.rp.$$eval('[data-testid="report-members"] tbody tr', (trs) =>
      trs.map((tr) => [tr.querySelector('th').textContent, tr.querySelector('td').textContent]));
    assert.deepEqual(members, users.map((u) => [u.user, u.segment]));
    assert.match(await withIds.rp.textContent('section.about'), /The author included a member list with user ids/);
  } finally {
    await withIds.ctx.close();
  }
  assert.deepEqual(pageErrors, []);
});

/** Clicks the report's download button; the file copied to a temporary directory, and its text. */
test('report: section 9 (paths, funnel drivers, cross-sell) with small rows left out, in English and Chinese', { timeout: 150_000 }, async () => {
  const data = sectionNineCsv({ user: (u) => `cust-9-${u}`, coupon: true });
  await loadFile('shop.csv', data);
  await waitLoaded('shop.csv');
  const runIt = async (button, results) => {
    await page.click(tid(button));
    await page.waitForFunction(([b, r]) => !document.querySelector(`[data-testid="${r}"]`).hidden &&
      !document.querySelector(`[data-testid="${b}"]`).disabled, [button, results]);
  };
  await page.selectOption(tid('pa-event'), 'page_view');
  await page.fill(tid('pa-steps'), '3');
  await runIt('pa-run', 'pa-results');
  await page.fill(tid('fd-steps'), 'page_view, purchase');
  await page.fill(tid('fd-min-group'), '2');
  await runIt('fd-run', 'fd-results');
  await page.fill(tid('bk-support'), '1');
  await page.fill(tid('bk-confidence'), '10');
  await page.fill(tid('bk-for'), 'beer');
  await runIt('bk-run', 'bk-results');
  const picks = await page.$$eval('[data-testid="rpt-pick"] input', (xs) => xs.map((x) => [x.value, x.checked]));
  assert.deepEqual(picks, [['paths', true], ['funnel_drivers', true], ['basket', true]]);
  const MIN = 10;
  await page.fill(tid('rpt-min'), String(MIN));

  // The expected rows, from engine.run on the same data: rows resting on a group of fewer than MIN are left out.
  const small = (n) => n > 0 && n < MIN;
  const paths = await engineRun({ analysis: 'paths', direction: 'after', steps: 3, collapse_repeats: true, min_share: 0.01, top: 20, event: 'page_view' }, data);
  const drivers = await engineRun({ analysis: 'funnel_drivers', funnel: { steps: [{ event: 'page_view' }, { event: 'purchase' }], window: '7d' }, min_group: 2 }, data);
  const basket = await engineRun({ analysis: 'basket', item: null, order: null, purchase_event: 'purchase', min_support: 0.01, min_confidence: 0.1, max_len: 3, for_item: 'beer' }, data);
  const keptPaths = paths.paths.filter((p) => !small(p.users));
  const groups = (d) => [d.converters_with + d.dropped_with, d.converters_without + d.dropped_without];
  const keptDrivers = drivers.drivers.filter((d) => !groups(d).some(small));
  const keptRules = basket.rules.filter((r) => !small(r.baskets));
  const keptAlso = basket.also_bought.filter((r) => !small(r.baskets));
  // The data must exercise both sides: rows kept and rows left out.
  for (const [all, kept] of [[paths.paths, keptPaths], [drivers.drivers, keptDrivers], [basket.rules, keptRules]]) {
    assert.ok(kept.length > 0 && kept.length < all.length, `${kept.length} of ${all.length} kept`);
  }
  const leftOut = (all, kept, lang) => (all.length > kept.length
    ? [lang === 'en' ? `${all.length - kept.length} row${all.length - kept.length === 1 ? '' : 's'} of fewer than ${MIN} left out` : `已省略 ${all.length - kept.length} 行少于 ${MIN} 的数据`]
    : []);
  const rowsOf = (rp, id) => rp.$$eval(`[data-testid="${id}"] tbody tr`, (trs) =>
    trs.map((tr) => [tr.querySelector('th').textContent, ...[...tr.querySelectorAll('td')].map((td) => td.dataset.value ?? td.textContent)]));

  for (const lang of ['en', 'zh']) {
    await page.selectOption(tid('lang'), lang);
    const { file, html } = await exportReport();
    assert.equal(html.includes('cust-9-'), false, 'a user id is in the report');
    const { ctx, rp } = await openOffline(file);
    try {
      const titles = await rp.$$eval('section.analysis h2', (hs) => hs.map((h) => h.textContent));
      assert.deepEqual(titles, lang === 'en' ? ['Paths', 'Funnel drivers', 'Cross-sell: bought together'] : ['路径', '漏斗驱动因素', '交叉销售：一起购买']);
      const pa = await rowsOf(rp, 'report-paths');
      const none = lang === 'en' ? '(no further event)' : '（没有后续事件）';
      assert.deepEqual(pa.map((r) => r.slice(0, 2)), [
        ...keptPaths.map((p) => [p.events.length ? p.events.join(' → ') : none, String(p.users)]),
        ...leftOut(paths.paths, keptPaths, lang).map((x) => [x, '']),
      ]);
      const fd = await rowsOf(rp, 'report-funnel-drivers');
      assert.deepEqual(fd.map((r) => [r[0], r[1], r[2], r[6], r[7]]), [
        ...keptDrivers.map((d) => [d.feature, String(d.with_rate), String(d.without_rate), ...groups(d).map(String)]),
        ...leftOut(drivers.drivers, keptDrivers, lang).map((x) => [x, '', '', '', '']),
      ]);
      const bk = await rowsOf(rp, 'report-basket');
      assert.deepEqual(bk.map((r) => r.slice(0, 6)), [
        ...keptRules.map((r) => [r.antecedent.join(' + '), r.consequent.join(' + '), String(r.baskets), String(r.support), String(r.confidence), String(r.lift)]),
        ...leftOut(basket.rules, keptRules, lang).map((x) => [x, '', '', '', '', '']),
      ]);
      const also = await rowsOf(rp, 'report-basket-also');
      assert.deepEqual(also.map((r) => r.slice(0, 2)), [
        ...keptAlso.map((r) => [r.consequent.join(' + '), String(r.baskets)]),
        ...leftOut(basket.also_bought, keptAlso, lang).map((x) => [x, '']),
      ]);
      // Each section's chart is in, drawn at 2× (900 CSS px → 1800 pixels wide).
      const imgs = await rp.$$eval('img', (xs) => xs.map((x) => [x.alt, x.complete, x.naturalWidth]));
      assert.deepEqual(imgs.map((x) => x[0]), lang === 'en'
        ? ['Paths as a flow, step by step', 'Odds ratios with 95% intervals', 'Association rules: bought × also bought, coloured by lift']
        : ['路径流向图：逐步的事件', '优势比及 95% 区间', '关联规则：购买 × 同时购买，按提升度着色']);
      for (const [, complete, w] of imgs) assert.ok(complete && w === 1800, JSON.stringify(imgs));
      assert.deepEqual(JSON.parse(await rp.textContent(tid('report-spec-basket'))), { analysis: 'basket', item: null, order: null, purchase_event: 'purchase', min_support: 0.01, min_confidence: 0.1, max_len: 3, for_item: 'beer' });
      assert.match(await rp.textContent(tid('report-section-paths')), lang === 'en' ? /A path of fewer than 10 users is left out/ : /少于 10 位用户的路径不列入表格/);
    } finally {
      await ctx.close();
    }
  }
  await page.selectOption(tid('lang'), 'en');
  assert.deepEqual(pageErrors, []);
});
