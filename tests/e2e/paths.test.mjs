// Page tests of section 9: paths (from an event and from a funnel drop-off), funnel
// drivers and cross-sell. The tables equal engine.run on the same data (a second
// engine in the page), the charts are drawn, hovering shows the engine's counts,
// and the CSV exports hold the table. Drop-off paths and drivers run the Funnel
// section's funnel (filters, mode, window) by default; the section in Chinese.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { T, page, pageErrors, tid, loadFile, waitLoaded, text, download, setSteps, runFunnel, engineRun, tableValues, inked } from './harness.mjs';

async function rowHeads(testid) {
  return page.$$eval(`[data-testid="${testid}"] tbody th`, (t) => t.map((x) => x.textContent));
}

async function runAndWait(button, results, message) {
  await page.click(tid(button));
  await page.waitForFunction(([b, r, m]) => !document.querySelector(`[data-testid="${b}"]`).disabled &&
    (!document.querySelector(`[data-testid="${r}"]`).hidden || !document.querySelector(`[data-testid="${m}"]`).hidden),
  [button, results, message]);
}

/** Hovers canvas `testid` at (x, y) CSS pixels and returns the tooltip text ('' when none). */
async function hover(testid, x, y) {
  await page.locator(tid(testid)).scrollIntoViewIfNeeded();
  const box = await page.locator(tid(testid)).boundingBox();
  await page.mouse.move(box.x + x, box.y + y);
  const tip = page.locator(tid(`${testid}-tip`));
  if ((await tip.count()) === 0 || !(await tip.isVisible())) return '';
  return (await tip.textContent()).trim();
}

const nf = (n) => n.toLocaleString('en-US');

test('paths on the demo: from an event and from a funnel drop-off, equal to the engine', T, async () => {
  await page.click(tid('demo-button'));
  await waitLoaded('demo.csv');
  assert.equal(await page.isVisible(tid('discover')), true);
  await page.selectOption(tid('pa-event'), 'add_to_cart');
  await page.fill(tid('pa-steps'), '3');
  await runAndWait('pa-run', 'pa-results', 'pa-message');
  assert.equal(await page.isVisible(tid('pa-message')), false);
  const spec = { analysis: 'paths', event: 'add_to_cart', direction: 'after', steps: 3, collapse_repeats: true, min_share: 0.01, top: 20 };
  const want = await engineRun(spec);
  assert.ok(want.users > 100);
  assert.deepEqual(await tableValues('pa-table'), want.paths.map((p) => [String(p.users), String(p.users / want.users)]));
  assert.deepEqual(await rowHeads('pa-table'), want.paths.map((p) => (p.events.length ? p.events.join(' → ') : '(no further events)')));
  const ink = await inked('pa-chart');
  assert.ok(ink.n > ink.total / 20, `the flow is drawn (${ink.n} of ${ink.total} pixels inked)`);
  // The anchor box is the first column, from the top of the plot down.
  assert.equal(await hover('pa-chart', 18, 80), `add_to_cart: ${nf(want.users)} users (the anchor)`);
  const csv = await download('pa-csv');
  assert.match(csv.name, /paths\.csv$/);
  const lines = csv.text.split('\r\n').filter(Boolean);
  assert.equal(lines[0], 'rank,users,share,event_1,event_2,event_3');
  assert.equal(lines.length - 1, want.paths.length);
  assert.equal(lines[1], [1, want.paths[0].users, want.paths[0].users / want.users, ...[0, 1, 2].map((k) => want.paths[0].events[k] ?? '')].join(','));

  // Where users went after dropping off at step 2 of view → cart → purchase.
  await page.selectOption(tid('pa-mode'), 'funnel');
  assert.equal(await page.isVisible(tid('pa-funnel-fields')), true);
  await page.fill(tid('pa-funnel-steps'), 'page_view, add_to_cart, purchase');
  await page.fill(tid('pa-dropped'), '2');
  await runAndWait('pa-run', 'pa-results', 'pa-message');
  const fspec = { analysis: 'paths', from_funnel: { steps: [{ event: 'page_view' }, { event: 'add_to_cart' }, { event: 'purchase' }], window: '7d', dropped_after_step: 2 }, direction: 'after', steps: 3, collapse_repeats: true, min_share: 0.01, top: 20 };
  const fw = await engineRun(fspec);
  const dropped = await page.evaluate(async () => {
    const m = await import('/pkg/tidemark.js');
    await m.default();
    const e = m.Engine.fromCsv(m.demoCsv(), {}, 'x.csv');
    try {
      return e.dropoff({ analysis: 'funnel', steps: [{ event: 'page_view' }, { event: 'add_to_cart' }, { event: 'purchase' }], window: '7d' }, 2).length;
    } finally {
      e.free();
    }
  });
  assert.equal(fw.users, dropped, 'anchored users = the drop-off list');
  assert.deepEqual(await tableValues('pa-table'), fw.paths.map((p) => [String(p.users), String(p.users / fw.users)]));
  assert.match(await text('pa-summary'), new RegExp(`^${nf(fw.users)} users from dropped after add_to_cart`));
  assert.deepEqual(pageErrors, []);
});

test('funnel drivers on the demo: table, sentences and forest plot equal the engine', T, async () => {
  await page.click(tid('demo-button'));
  await waitLoaded('demo.csv');
  await page.fill(tid('fd-steps'), 'page_view, add_to_cart, purchase');
  await runAndWait('fd-run', 'fd-results', 'fd-message');
  assert.equal(await page.isVisible(tid('fd-message')), false);
  const want = await engineRun({ analysis: 'funnel_drivers', funnel: { steps: [{ event: 'page_view' }, { event: 'add_to_cart' }, { event: 'purchase' }], window: '7d' }, min_group: 30 });
  assert.ok(want.drivers.length > 3);
  assert.deepEqual(await rowHeads('fd-table'), want.drivers.map((d) => d.feature));
  assert.deepEqual(await tableValues('fd-table'), want.drivers.map((d) => [String(d.with_rate), String(d.without_rate), String(d.odds_ratio), `${d.ci_low},${d.ci_high}`, String(d.p_value), String(d.support),
    `${d.converters_with + d.dropped_with},${d.converters_without + d.dropped_without}`]));
  const sentences = await page.$$eval('[data-testid="fd-sentences"] li', (l) => l.map((x) => x.textContent));
  assert.deepEqual(sentences, want.drivers.slice(0, 3).map((d) => d.sentence));
  assert.match(await text('fd-hidden'), /association, not causation/);
  const ink = await inked('fd-chart');
  assert.ok(ink.n > 500, `the forest plot is drawn (${ink.n} pixels inked)`);
  const csv = await download('fd-csv');
  const lines = csv.text.split('\r\n').filter(Boolean);
  assert.match(lines[0], /^feature,kind,event,property,value,converters_with/);
  assert.equal(lines.length - 1, want.drivers.length);
  // A one-step funnel is refused with the engine's sentence.
  await page.fill(tid('fd-steps'), 'page_view');
  await runAndWait('fd-run', 'fd-results', 'fd-message');
  assert.match(await text('fd-message'), /2 to 10 steps/);
  assert.deepEqual(pageErrors, []);
});

/** 300 orders over 60 users: bread+milk often together, beer+diapers sometimes. */
function basketCsv() {
  const rows = ['user_id,order_id,timestamp,event,sku'];
  let seed = 7;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const items = ['bread', 'milk', 'beer', 'diapers', 'eggs', 'cola'];
  for (let o = 0; o < 300; o++) {
    const set = new Set();
    if (rnd() < 0.5) ['bread', 'milk'].forEach((x) => set.add(x));
    if (rnd() < 0.3) ['beer', 'diapers'].forEach((x) => set.add(x));
    set.add(items[Math.floor(rnd() * items.length)]);
    const day = String(1 + (o % 28)).padStart(2, '0');
    for (const it of [...set].sort()) rows.push(`u${o % 60},o${o},2024-03-${day}T10:00:00Z,purchase,${it}`);
  }
  return rows.join('\n') + '\n';
}

test('cross-sell: rules and "also bought" equal the engine, matrix drawn with hover, CSV', T, async () => {
  const csv = basketCsv();
  await loadFile('baskets.csv', csv);
  await waitLoaded('baskets.csv');
  await page.fill(tid('bk-support'), '5');
  await page.fill(tid('bk-confidence'), '20');
  await page.fill(tid('bk-for'), 'beer');
  await runAndWait('bk-run', 'bk-results', 'bk-message');
  assert.equal(await page.isVisible(tid('bk-message')), false);
  const want = await engineRun({ analysis: 'basket', item: null, order: null, purchase_event: 'purchase', min_support: 0.05, min_confidence: 0.2, max_len: 3, for_item: 'beer' }, csv);
  assert.equal(want.baskets, 300);
  assert.equal(want.basket_by, 'order_id');
  assert.ok(want.rules.length > 2);
  assert.deepEqual(await tableValues('bk-rules'), want.rules.map((r) => [r.consequent.join(' + '), String(r.baskets), String(r.support), String(r.confidence), String(r.lift)].map((v, i) => (i === 0 ? undefined : v))));
  assert.deepEqual(await rowHeads('bk-rules'), want.rules.map((r) => r.antecedent.join(' + ')));
  assert.equal(await text('bk-also-title'), 'Customers who bought beer also bought');
  assert.deepEqual(await rowHeads('bk-also'), want.also_bought.map((r) => r.consequent[0]));
  assert.equal(want.also_bought[0].consequent[0], 'diapers');
  const ink = await inked('bk-chart');
  assert.ok(ink.n > 1000, `the matrix is drawn (${ink.n} pixels inked)`);
  const box = await page.locator(tid('bk-chart')).boundingBox();
  // The first cell (top-left of the matrix): the top rule by lift.
  let tip = '';
  for (let x = 60; x < box.width / 2 && !tip.startsWith('Bought'); x += 10) tip = await hover('bk-chart', x, 62);
  assert.match(tip, /^Bought .+ → also bought .+: \d+ baskets \(support .+\), confidence .+, lift \d+\.\d\d$/);
  const out = await download('bk-csv');
  const lines = out.text.split('\r\n').filter(Boolean);
  assert.equal(lines[0], 'antecedent,consequent,baskets,support,confidence,lift');
  assert.equal(lines.length - 1, want.rules.length);
  // The demo has no item column: the engine's sentence shows in the panel.
  await page.click(tid('demo-button'));
  await waitLoaded('demo.csv');
  await runAndWait('bk-run', 'bk-results', 'bk-message');
  assert.match(await text('bk-message'), /no item column/);
  assert.deepEqual(pageErrors, []);
});

test('drop-off paths and drivers reuse the Funnel section\'s filtered funnel, equal to engine.run on its spec', { timeout: 90_000 }, async () => {
  await page.click(tid('demo-button'));
  await waitLoaded('demo.csv');
  // Before any funnel ran, the typed steps are the only choice.
  await page.selectOption(tid('pa-mode'), 'funnel');
  assert.equal(await page.inputValue(tid('fd-funnel-source')), 'typed');
  assert.equal(await page.$eval(`${tid('fd-funnel-source')} option[value="panel"]`, (o) => o.disabled), true);
  // The Funnel section: page_view where channel = ads → add_to_cart → purchase, strict, within 3 days.
  await setSteps(['page_view', 'add_to_cart', 'purchase']);
  await page.selectOption(`${tid('step-1')} .step-filter-col`, 'channel');
  await page.fill(`${tid('step-1')} .step-filter-val`, 'ads');
  await page.selectOption(tid('mode'), 'strict');
  await page.fill(tid('window-n'), '3');
  await runFunnel();
  const funnel = { steps: [{ event: 'page_view', where: { channel: 'ads' } }, { event: 'add_to_cart' }, { event: 'purchase' }], window: '3d', mode: 'strict' };
  for (const prefix of ['pa', 'fd']) {
    assert.equal(await page.inputValue(tid(`${prefix}-funnel-source`)), 'panel', `${prefix}: the Funnel section's funnel is the default once it ran`);
    assert.equal(await text(`${prefix}-funnel-note`), "Uses the Funnel section's funnel: page_view (channel = ads) → add_to_cart → purchase, strict, within 3d.");
    assert.equal(await page.isVisible(tid(`${prefix === 'pa' ? 'pa-funnel' : 'fd'}-steps`)), false, 'the typed steps are hidden');
  }

  await page.fill(tid('pa-dropped'), '1');
  await runAndWait('pa-run', 'pa-results', 'pa-message');
  assert.equal(await page.isVisible(tid('pa-message')), false);
  const pspec = { analysis: 'paths', from_funnel: { ...funnel, dropped_after_step: 1 }, direction: 'after', steps: 5, collapse_repeats: true, min_share: 0.01, top: 20 };
  const pw = await engineRun(pspec);
  const typed = await engineRun({ ...pspec, from_funnel: { steps: funnel.steps.map((x) => ({ event: x.event })), window: '7d', dropped_after_step: 1 } });
  assert.ok(pw.users > 0 && pw.users !== typed.users, `the filtered funnel anchors other users (${pw.users} vs ${typed.users})`);
  assert.deepEqual(await rowHeads('pa-table'), pw.paths.map((p) => (p.events.length ? p.events.join(' → ') : '(no further events)')));
  assert.deepEqual(await tableValues('pa-table'), pw.paths.map((p) => [String(p.users), String(p.users / pw.users)]));

  await runAndWait('fd-run', 'fd-results', 'fd-message');
  assert.equal(await page.isVisible(tid('fd-message')), false);
  const dw = await engineRun({ analysis: 'funnel_drivers', funnel, min_group: 30 });
  assert.equal(await text('fd-summary'), `${nf(dw.entered)} users entered ${dw.steps[0]}; ${nf(dw.converted)} reached purchase, ${nf(dw.dropped)} dropped off.`);
  assert.deepEqual(await rowHeads('fd-table'), dw.drivers.map((d) => d.feature));
  assert.deepEqual(await tableValues('fd-table'), dw.drivers.map((d) => [String(d.with_rate), String(d.without_rate), String(d.odds_ratio), `${d.ci_low},${d.ci_high}`, String(d.p_value), String(d.support),
    `${d.converters_with + d.dropped_with},${d.converters_without + d.dropped_without}`]));

  // The typed steps stay the alternative.
  await page.selectOption(tid('fd-funnel-source'), 'typed');
  assert.equal(await page.isVisible(tid('fd-steps')), true);
  await page.fill(tid('fd-steps'), 'page_view, add_to_cart, purchase');
  await runAndWait('fd-run', 'fd-results', 'fd-message');
  const tw = await engineRun({ analysis: 'funnel_drivers', funnel: { steps: funnel.steps.map((x) => ({ event: x.event })), window: '7d' }, min_group: 30 });
  assert.deepEqual(await rowHeads('fd-table'), tw.drivers.map((d) => d.feature));
  assert.equal(await text('fd-summary'), `${nf(tw.entered)} users entered page_view; ${nf(tw.converted)} reached purchase, ${nf(tw.dropped)} dropped off.`);
  assert.deepEqual(pageErrors, []);
});

test('section 9 in Chinese: labels, summaries, sentences and chart hovers', { timeout: 90_000 }, async () => {
  await page.selectOption(tid('lang'), 'zh');
  // Every labelled text of the section has a Chinese version.
  const left = await page.$$eval('#discover [data-i18n]', (xs) => xs.map((x) => x.textContent).filter((t) => /[A-Za-z]{3}/.test(t) && !/PNG|CSV|CI/.test(t)));
  assert.deepEqual(left, []);
  assert.equal(await page.textContent('#discover-title [data-i18n]'), '路径、漏斗驱动因素与交叉销售');
  assert.equal(await text('pa-run'), '运行');
  await page.click(tid('demo-button'));
  await waitLoaded('demo.csv');
  await page.selectOption(tid('pa-event'), 'add_to_cart');
  await runAndWait('pa-run', 'pa-results', 'pa-message');
  const pw = await engineRun({ analysis: 'paths', event: 'add_to_cart', direction: 'after', steps: 5, collapse_repeats: true, min_share: 0.01, top: 20 });
  assert.match(await text('pa-summary'), new RegExp(`^起点为“add_to_cart”的 ${nf(pw.users)} 位用户（每位用户的第一次），之后的 5 个事件，已合并连续重复。`));
  assert.equal(await text('status'), `路径：${nf(pw.users)} 位用户，${nf(pw.distinct_paths)} 条不同路径。`);
  assert.equal(await hover('pa-chart', 18, 80), `add_to_cart：${nf(pw.users)} 位用户（起点）`);
  await page.selectOption(tid('pa-mode'), 'funnel');
  await page.fill(tid('pa-funnel-steps'), 'page_view, add_to_cart, purchase');
  await page.fill(tid('pa-dropped'), '2');
  await runAndWait('pa-run', 'pa-results', 'pa-message');
  assert.match(await text('pa-summary'), /^起点为“在 add_to_cart 之后流失”的 \d/);

  await page.fill(tid('fd-steps'), 'page_view, add_to_cart, purchase');
  await runAndWait('fd-run', 'fd-results', 'fd-message');
  const dw = await engineRun({ analysis: 'funnel_drivers', funnel: { steps: [{ event: 'page_view' }, { event: 'add_to_cart' }, { event: 'purchase' }], window: '7d' }, min_group: 30 });
  const sentences = await page.$$eval('[data-testid="fd-sentences"] li', (l) => l.map((x) => x.textContent));
  assert.equal(sentences.length, Math.min(3, dw.drivers.length));
  sentences.forEach((s, i) => assert.ok(s.includes(dw.drivers[i].feature) && s.includes('的转化率为') && s.includes('优势比'), s));
  assert.match(await text('fd-hidden'), /这是关联而非因果/);

  await loadFile('baskets.csv', basketCsv());
  await waitLoaded('baskets.csv');
  await page.fill(tid('bk-support'), '5');
  await page.fill(tid('bk-for'), 'beer');
  await runAndWait('bk-run', 'bk-results', 'bk-message');
  assert.equal(await text('bk-also-title'), '购买了 beer 的客户还购买了');
  assert.match(await text('bk-summary'), /^300 个购物篮（按订单号（order_id）），来自 sku 的 6 个商品/);
  let tip = '';
  const box = await page.locator(tid('bk-chart')).boundingBox();
  for (let x = 60; x < box.width / 2 && !tip.startsWith('购买'); x += 10) tip = await hover('bk-chart', x, 62);
  assert.match(tip, /^购买 .+ → 同时购买 .+：\d+ 个购物篮（支持度 .+），置信度 .+，提升度 \d+\.\d\d$/);
  // Back to English: the shown results follow at once.
  await page.selectOption(tid('lang'), 'en');
  assert.equal(await text('bk-also-title'), 'Customers who bought beer also bought');
  assert.deepEqual(pageErrors, []);
});
