// Saved analyses: run several analyses with non-default settings, save the state
// (the JSON file and the URL's #state=), reload the page, load the same data, and
// the page runs them again with identical results; a broken or mismatched state is
// a readable error, never a silent change. Rule segments travel with the state
// (restored in a browser that never saw them); a state needing a user attribute
// file waits for it; a CLV fit restores to the same numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { T, page, pageErrors, tid, waitLoaded, setSteps, runFunnel, text, root } from './harness.mjs';
import { sectionNineCsv } from './section9_data.mjs';

/** Every results table the test compares: the raw data-value (or text) of each cell. */
async function snapshot() {
  return page.evaluate(() => {
    const tables = ['results-table', 'rt-table', 'sg-table', 'tr-table', 'lc-table', 'rp-rates'];
    const out = {};
    for (const id of tables) {
      out[id] = [...document.querySelectorAll(`[data-testid="${id}"] tbody tr`)].map((tr) =>
        [...tr.cells].map((c) => c.dataset.value ?? c.textContent));
    }
    const forms = ['window-n', 'window-unit', 'mode', 'rt-period', 'rt-measure', 'rt-periods', 'lc-period', 'tr-by', 'tr-high', 'tr-mid', 'rp-windows', 'rp-min-group'];
    out.forms = forms.map((id) => document.querySelector(`[data-testid="${id}"]`).value);
    out.steps = [...document.querySelectorAll('[data-testid="steps"] .step-event')].map((s) => s.value);
    return out;
  });
}

/** Waits until the funnel, retention, lifecycle, RFM and tiers results are shown and idle. */
async function waitAllShown() {
  await page.waitForFunction(() => ['results', 'rt-results', 'lc-results', 'sg-results', 'tr-results', 'rp-results']
    .every((id) => !document.querySelector(`[data-testid="${id}"]`).hidden) &&
    ['run-button', 'rt-run', 'lc-run', 'sg-run', 'tr-run', 'rp-run'].every((id) => !document.querySelector(`[data-testid="${id}"]`).disabled));
}

async function click(button, results) {
  await page.click(tid(button));
  await page.waitForFunction(([b, r]) => !document.querySelector(`[data-testid="${r}"]`).hidden &&
    !document.querySelector(`[data-testid="${b}"]`).disabled, [button, results]);
}

async function demo() {
  await page.click(tid('demo-button'));
  await waitLoaded('demo.csv');
}

test('save state → reload the page → load the data → identical results (link and file)', { timeout: 120_000 }, async () => {
  await demo();
  await setSteps(['page_view', 'add_to_cart', 'checkout', 'purchase']);
  await page.fill(tid('window-n'), '36');
  await page.selectOption(tid('window-unit'), 'h');
  await page.selectOption(tid('mode'), 'strict');
  await runFunnel();
  await page.fill(tid('rp-windows'), '14, 45');
  await page.fill(tid('rp-min-group'), '20');
  await click('rp-run', 'rp-results');
  await page.selectOption(tid('rt-period'), 'month');
  await page.selectOption(tid('rt-measure'), 'revenue');
  await page.fill(tid('rt-periods'), '4');
  await click('rt-run', 'rt-results');
  await page.selectOption(tid('lc-period'), 'month');
  await click('lc-run', 'lc-results');
  await click('sg-run', 'sg-results');
  await page.selectOption(tid('tr-by'), 'value');
  await page.fill(tid('tr-high'), '300');
  await page.fill(tid('tr-mid'), '100');
  await click('tr-run', 'tr-results');
  const before = await snapshot();
  assert.equal(before['results-table'].length, 4);
  assert.ok(before['tr-table'].length === 3 && before['rt-table'].length >= 6);

  const url = page.url();
  const hash = new URL(url).hash;
  assert.match(hash, /^#state=[A-Za-z0-9_-]+$/);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(tid('save-state'))]);
  assert.equal(dl.suggestedFilename(), 'demo-analyses.json');
  const saved = JSON.parse(await readFile(await dl.path(), 'utf8'));
  assert.equal(saved.version, 1);
  assert.deepEqual(Object.keys(saved.analyses), ['funnel', 'repurchase', 'retention', 'lifecycle', 'rfm', 'tiers']);
  assert.deepEqual(saved.analyses.repurchase.within_days, [14, 45]);
  assert.equal(saved.analyses.repurchase.min_group, 20);
  assert.deepEqual(saved.analyses.funnel.steps.map((s) => s.event), ['page_view', 'add_to_cart', 'checkout', 'purchase']);
  assert.equal(saved.analyses.funnel.window, '36h');
  assert.deepEqual(saved.analyses.tiers, { analysis: 'tiers', purchase_event: 'purchase', as_of: null, metric: 'revenue', by: 'value', high: 300, mid: 100 });
  // The link carries the same state.
  const fromHash = await page.evaluate((h) => JSON.parse(new TextDecoder().decode(Uint8Array.from(
    atob(h.replaceAll('-', '+').replaceAll('_', '/')), (c) => c.charCodeAt(0)))), hash.slice('#state='.length));
  assert.deepEqual(fromHash, saved);

  // 1. The link: a fresh page with #state=, then the same data.
  await page.goto('about:blank');
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  await demo();
  await waitAllShown();
  assert.deepEqual(await snapshot(), before);
  assert.equal(new URL(page.url()).hash, hash, 'the link is unchanged after the re-run');

  // 2. The file: a fresh page without a hash, the data, then the saved JSON.
  await page.goto(url.replace(/#.*$/, ''));
  await page.waitForSelector('body[data-ready="true"]');
  await demo();
  assert.equal(await page.isHidden(tid('rt-results')), true);
  await page.setInputFiles(tid('state-input'), { name: 'team.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(saved)) });
  await waitAllShown();
  assert.deepEqual(await snapshot(), before);
  assert.equal(await page.isHidden(tid('error')), true);
  assert.deepEqual(pageErrors, []);
});

test('a saved state is checked: unknown fields, newer versions and missing events are errors', T, async () => {
  await demo();
  const open = async (obj) => {
    await page.setInputFiles(tid('state-input'), { name: 'team.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(obj)) });
    await page.waitForSelector(`${tid('error')}:not([hidden])`);
    const message = await text('error-text');
    await page.click('#error-close');
    return message;
  };
  assert.equal(await open({ version: 1, analyses: {}, colour: 'red' }), 'team.json: saved analyses: unknown field "colour"');
  assert.match(await open({ version: 2, analyses: {} }), /version 2 is not 1/);
  assert.match(await open({ version: 1, analyses: { funnel: { analysis: 'retention' } } }), /the funnel spec must have "analysis": "funnel"/);
  assert.match(await open({ version: 1, analyses: { funnel: { analysis: 'funnel', steps: [{ event: 'page_view' }, { event: 'refund' }], window: '7d' } } }),
    /funnel: funnel step "refund" is not an event of this file/);
  assert.match(await open({ version: 1, analyses: { funnel: { analysis: 'funnel', steps: [{ event: 'page_view' }, { event: 'purchase' }], from: '2026-01-01' } } }),
    /the saved funnel spec has "from", which the page cannot set/);
  assert.match(await open({ version: 1, analyses: { rfm: { analysis: 'rfm', purchase_event: 'purchase', as_of: '2026-03-01T10:00:00Z' } } }),
    /rfm: as-of date "2026-03-01T10:00:00Z" cannot be set in the page's form/);
  // The funnel was not run from any of them.
  assert.equal(await page.isHidden(tid('results')), true);
  assert.deepEqual(pageErrors, []);
});

test('a saved state with roles and options reloads the file with them, then runs its analyses', T, async () => {
  const csv = ['user_id,timestamp,event,amount', 'a,2024-01-01 10:00,view,', 'a,2024-01-02 10:00,buy,10',
    'b,2024-01-01 11:00,view,', 'b,2024-01-03 11:00,buy,20', 'c,2024-01-02 12:00,view,'].join('\n') + '\n';
  const state = {
    version: 1,
    options: { time_zone: 'Europe/Berlin' },
    roles: { revenue: null },
    analyses: { funnel: { analysis: 'funnel', steps: [{ event: 'view' }, { event: 'buy' }], window: '1d', mode: 'ordered', breakdown: null, breakdown_limit: 10 } },
  };
  await page.setInputFiles(tid('state-input'), { name: 'team.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(state)) });
  // The state file is read asynchronously: wait for its message.
  await page.waitForFunction(() => /load the data file/.test(document.querySelector('[data-testid="status"]').textContent));
  assert.match(await text('status'), /load the data file/);
  await page.setInputFiles(tid('file-input'), { name: 'shop.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.waitForFunction(() => !document.querySelector('[data-testid="results"]').hidden &&
    !document.querySelector('[data-testid="run-button"]').disabled);
  assert.equal(await page.inputValue(tid('opt-tz')), 'Europe/Berlin');
  // The amount column is no longer the revenue: it is a property now.
  const roles = await page.$$eval('[data-testid="columns-table"] select', (xs) => xs.map((x) => [x.dataset.column, x.value]));
  assert.deepEqual(roles, [['user_id', 'user'], ['timestamp', 'time'], ['event', 'event'], ['amount', 'property']]);
  const users = await page.$$eval('[data-testid^="result-step-"]', (rows) => rows.map((tr) => tr.querySelector('td').dataset.value));
  assert.deepEqual(users, ['3', '1'], 'b bought 2 days after the view: outside the 1-day window');
  const link = JSON.parse(Buffer.from(new URL(page.url()).hash.slice('#state='.length), 'base64url').toString('utf8'));
  assert.deepEqual(link.roles, { revenue: null });
  assert.equal(link.options.time_zone, 'Europe/Berlin');
  assert.deepEqual(link.analyses.funnel, state.analyses.funnel);
  assert.deepEqual(pageErrors, []);
});

/** The funnel table, its filter note, and the retention matrices (main and compared parts) as raw cell values. */
async function segmentSnapshot() {
  return page.evaluate(() => {
    const rows = (sel) => [...document.querySelectorAll(`${sel} tbody tr`)].map((tr) => [...tr.cells].map((c) => c.dataset.value ?? c.textContent));
    const txt = (id) => document.querySelector(`[data-testid="${id}"]`)?.textContent ?? null;
    return {
      funnel: rows('[data-testid="results-table"]'),
      funnelNote: txt('funnel-filter-note'),
      retention: rows('[data-testid="rt-table"]'),
      parts: [0, 1].map((i) => ({ head: txt(`rt-part-head-${i}`), rows: rows(`[data-testid="rt-part-${i}"]`) })),
      selects: ['funnel-segment', 'rt-segment', 'rt-compare-a', 'rt-compare-b'].map((id) => {
        const s = document.querySelector(`[data-testid="${id}"]`);
        return [s.value, s.selectedOptions[0]?.text];
      }),
    };
  });
}

async function saveState() {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(tid('save-state'))]);
  return JSON.parse(await readFile(await dl.path(), 'utf8'));
}

async function openState(obj) {
  await page.setInputFiles(tid('state-input'), { name: 'team.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(obj)) });
}

test('segments travel with the state: a rule-segment funnel filter and a retention by RFM segment, restored in another browser', { timeout: 120_000 }, async () => {
  const rule = 'purchases >= 2 or country = "CN"';
  await demo();
  await page.fill(tid('rs-rule'), rule);
  await click('rs-run', 'rs-results');
  await page.fill(tid('rs-name'), 'Repeat or CN');
  await page.click(tid('rs-save'));
  await setSteps(['page_view', 'add_to_cart', 'purchase']);
  await page.selectOption(tid('funnel-segment'), JSON.stringify({ rule }));
  await runFunnel();
  await page.selectOption(tid('rt-compare-a'), JSON.stringify({ rfm: 'Champions' }));
  await page.selectOption(tid('rt-compare-b'), JSON.stringify({ rfm: 'Hibernating' }));
  await click('rt-run', 'rt-results');
  const before = await segmentSnapshot();
  assert.match(before.funnelNote, /^Only the segment Repeat or CN: /);
  assert.equal(before.funnel.length, 3);
  for (const part of before.parts) assert.ok(part.rows.length > 0, JSON.stringify(part));
  assert.match(before.parts[0].head, /^RFM: Champions: /);
  assert.match(before.parts[1].head, /^RFM: Hibernating: /);

  const saved = await saveState();
  assert.deepEqual(saved.segments, [{ name: 'Repeat or CN', rule }]);
  assert.deepEqual(saved.analyses.funnel.segment, { rule });
  assert.deepEqual(saved.analyses.retention.segments, [
    { name: 'RFM: Champions', segment: { rfm: 'Champions' } },
    { name: 'RFM: Hibernating', segment: { rfm: 'Hibernating' } },
  ]);
  assert.equal(saved.attributes, undefined, 'no attribute file is needed');

  // Another browser: no saved segments, no hash; the same data, then the state file.
  await page.evaluate(() => localStorage.clear());
  await page.goto(page.url().replace(/#.*$/, ''));
  await page.waitForSelector('body[data-ready="true"]');
  await demo();
  assert.equal(await page.$$eval(`${tid('funnel-segment')} option`, (o) => o.some((x) => x.text === 'Repeat or CN')), false);
  await openState(saved);
  await page.waitForFunction(() => ['results', 'rt-results'].every((id) => !document.querySelector(`[data-testid="${id}"]`).hidden) &&
    ['run-button', 'rt-run'].every((id) => !document.querySelector(`[data-testid="${id}"]`).disabled));
  assert.deepEqual(await segmentSnapshot(), before);
  assert.match(await text('state-note'), /^Saved analyses restored: running them again\. Segments added to this browser: "Repeat or CN"\.$/);
  assert.deepEqual(await page.evaluate(() => JSON.parse(localStorage.getItem('tidemark.segments'))), [{ name: 'Repeat or CN', rule }]);
  // The page's link now carries the same state.
  const link = JSON.parse(Buffer.from(new URL(page.url()).hash.slice('#state='.length), 'base64url').toString('utf8'));
  assert.deepEqual(link, saved);
  assert.equal(await page.isHidden(tid('error')), true, await text('error-text'));
  assert.deepEqual(pageErrors, []);
});

test('a state whose rule reads a user attribute names the file and waits for it', { timeout: 90_000 }, async () => {
  const events = ['user,time,event,revenue', 'a,2024-03-01T10:00:00Z,page_view,', 'a,2024-03-02T10:00:00Z,purchase,10',
    'b,2024-03-03T10:00:00Z,page_view,', 'b,2024-03-04T10:00:00Z,purchase,20', 'c,2024-03-04T10:00:00Z,page_view,',
    'd,2024-03-05T10:00:00Z,page_view,'].join('\n') + '\n';
  const plans = Buffer.from('id,plan\na,pro\nc,pro\nd,pro\nb,free\n');
  const loadEvents = async () => {
    await page.setInputFiles(tid('file-input'), { name: 'small.csv', mimeType: 'text/csv', buffer: Buffer.from(events) });
    await waitLoaded('small.csv');
  };
  const attach = () => page.setInputFiles(tid('rs-attr-file'), { name: 'plans.csv', mimeType: 'text/csv', buffer: plans });
  await loadEvents();
  await attach();
  await page.waitForFunction(() => document.querySelector('[data-testid="rs-attr-summary"]').dataset.matched === '4');
  await page.fill(tid('rs-rule'), 'plan = "pro"');
  await click('rs-run', 'rs-results');
  await page.fill(tid('rs-name'), 'Pro plan');
  await page.click(tid('rs-save'));
  await setSteps(['page_view', 'purchase']);
  await page.fill(tid('window-n'), '30');
  await page.selectOption(tid('funnel-segment'), JSON.stringify({ rule: 'plan = "pro"' }));
  await runFunnel();
  const before = await segmentSnapshot();
  // Hand-counted: a, c, d are pro and viewed; only a bought.
  assert.deepEqual(before.funnel.map((r) => r[1]), ['3', '1']);
  const saved = await saveState();
  assert.equal(saved.attributes, 'plans.csv');
  assert.deepEqual(saved.segments, [{ name: 'Pro plan', rule: 'plan = "pro"' }]);

  await page.goto(page.url().replace(/#.*$/, ''));
  await page.waitForSelector('body[data-ready="true"]');
  await loadEvents();
  await openState(saved);
  await page.waitForFunction(() => /plans\.csv/.test(document.querySelector('[data-testid="status"]').textContent));
  assert.match(await text('status'), /use the user attribute file plans\.csv\. Pick it/);
  assert.equal(await text('state-note'), await text('status'), 'the request stays visible');
  assert.equal(await page.isHidden(tid('results')), true, 'nothing runs without the attribute file');
  await attach();
  await page.waitForFunction(() => !document.querySelector('[data-testid="results"]').hidden &&
    !document.querySelector('[data-testid="run-button"]').disabled);
  assert.deepEqual(await segmentSnapshot(), before);
  assert.match(await text('state-note'), /^Saved analyses restored/);
  assert.deepEqual(pageErrors, []);
});

test('a CLV analysis with its own calibration end and horizon restores to identical numbers', { timeout: 120_000 }, async () => {
  const cdnow = await readFile(resolve(root, 'tests/data/cdnow_sample.csv'));
  const loadCdnow = async () => {
    await page.setInputFiles(tid('file-input'), { name: 'cdnow_sample.csv', mimeType: 'text/csv', buffer: cdnow });
    await waitLoaded('cdnow_sample.csv');
  };
  const fitted = () => page.waitForFunction(() => !document.querySelector('[data-testid="clv-results"]').hidden &&
    !document.querySelector('[data-testid="clv-run"]').disabled);
  const clvSnapshot = () => page.evaluate(() => ({
    params: [...document.querySelectorAll('[data-testid="clv-params"] tbody tr')].map((tr) => [...tr.cells].map((c) => c.dataset.value ?? c.textContent)),
    tiles: document.querySelector('[data-testid="clv-tiles"]').textContent,
    note: document.querySelector('[data-testid="clv-fit-note"]').textContent,
    count: document.querySelector('[data-testid="clv-count"]').textContent,
    customers: [...document.querySelectorAll('[data-testid="clv-customers"] tbody tr')].map((tr) => tr.textContent),
    form: ['clv-event', 'clv-unit', 'clv-end', 'clv-horizon', 'clv-discount'].map((id) => document.querySelector(`[data-testid="${id}"]`).value),
  }));
  await loadCdnow();
  await page.selectOption(tid('clv-event'), 'purchase');
  await page.selectOption(tid('clv-unit'), 'week');
  await page.fill(tid('clv-end'), '1997-09-30');
  await page.fill(tid('clv-horizon'), '39');
  await page.fill(tid('clv-discount'), '0.01');
  await page.click(tid('clv-run'));
  await fitted();
  const before = await clvSnapshot();
  assert.deepEqual(before.form, ['purchase', 'week', '1997-09-30', '39', '0.01']);
  assert.match(before.tiles, /holdout/, 'the calibration end left a holdout');
  const saved = await saveState();
  assert.deepEqual(saved.analyses.clv, { analysis: 'clv', unit: 'week', purchase_event: 'purchase', calibration_end: '1997-09-30', horizon: 39, discount_rate: 0.01 });

  await page.goto(page.url().replace(/#.*$/, ''));
  await page.waitForSelector('body[data-ready="true"]');
  await loadCdnow();
  assert.equal(await page.inputValue(tid('clv-horizon')), '52', 'the form starts at its defaults');
  await openState(saved);
  await fitted();
  assert.deepEqual(await clvSnapshot(), before);
  assert.deepEqual(pageErrors, []);
});

test('section 9 travels with the state: drop-off paths on the Funnel section\'s funnel, drivers on typed steps, baskets', { timeout: 150_000 }, async () => {
  const csv = sectionNineCsv();
  const load = async () => {
    await page.setInputFiles(tid('file-input'), { name: 'shop9.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await waitLoaded('shop9.csv');
  };
  const shown = ['results', 'pa-results', 'fd-results', 'bk-results'];
  const buttons = ['run-button', 'pa-run', 'fd-run', 'bk-run'];
  const waitShown = () => page.waitForFunction(([r, b]) => r.every((id) => !document.querySelector(`[data-testid="${id}"]`).hidden) &&
    b.every((id) => !document.querySelector(`[data-testid="${id}"]`).disabled), [shown, buttons]);
  const snap = () => page.evaluate(() => {
    const rows = (id) => [...document.querySelectorAll(`[data-testid="${id}"] tbody tr`)].map((tr) => [...tr.cells].map((c) => c.dataset.value ?? c.textContent));
    const value = (id) => {
      const n = document.querySelector(`[data-testid="${id}"]`);
      return n.type === 'checkbox' ? n.checked : n.value;
    };
    return {
      tables: Object.fromEntries(['results-table', 'pa-table', 'fd-table', 'bk-rules', 'bk-also'].map((id) => [id, rows(id)])),
      texts: ['pa-summary', 'fd-summary', 'bk-summary', 'pa-funnel-note', 'fd-funnel-note'].map((id) => document.querySelector(`[data-testid="${id}"]`).textContent),
      forms: ['pa-mode', 'pa-direction', 'pa-steps', 'pa-min-share', 'pa-collapse', 'pa-funnel-source', 'pa-dropped', 'fd-funnel-source', 'fd-steps', 'fd-window',
        'fd-min-group', 'bk-item', 'bk-order', 'bk-event', 'bk-support', 'bk-confidence', 'bk-max-len', 'bk-for'].map(value),
    };
  });
  await load();
  await setSteps(['page_view', 'add_to_cart', 'purchase']);
  await page.fill(tid('window-n'), '2');
  await runFunnel();
  // Paths: users who dropped off after step 2 of the Funnel section's funnel, before-direction, 3 events, 7% share.
  await page.selectOption(tid('pa-mode'), 'funnel');
  assert.equal(await page.inputValue(tid('pa-funnel-source')), 'panel');
  await page.fill(tid('pa-dropped'), '2');
  await page.selectOption(tid('pa-direction'), 'before');
  await page.fill(tid('pa-steps'), '3');
  await page.fill(tid('pa-min-share'), '7');
  await page.uncheck(tid('pa-collapse'));
  await click('pa-run', 'pa-results');
  // Drivers: typed steps and window, a small minimum group.
  await page.selectOption(tid('fd-funnel-source'), 'typed');
  await page.fill(tid('fd-steps'), 'page_view, purchase');
  await page.fill(tid('fd-window'), '1d');
  await page.fill(tid('fd-min-group'), '5');
  await click('fd-run', 'fd-results');
  // Baskets: by order id, 5% support, 20% confidence, pairs only, for beer.
  await page.fill(tid('bk-support'), '5');
  await page.fill(tid('bk-confidence'), '20');
  await page.fill(tid('bk-max-len'), '2');
  await page.fill(tid('bk-for'), 'beer');
  await click('bk-run', 'bk-results');
  await waitShown();
  const before = await snap();
  assert.ok(before.tables['pa-table'].length > 0 && before.tables['fd-table'].length > 0 && before.tables['bk-rules'].length > 0, JSON.stringify(before.tables));
  assert.ok(before.tables['bk-also'].length > 0);

  const saved = await saveState();
  assert.deepEqual(Object.keys(saved.analyses), ['funnel', 'paths', 'funnel_drivers', 'basket']);
  assert.deepEqual(saved.funnel_sources, { paths: 'funnel', funnel_drivers: 'typed' });
  const { steps, window, mode } = saved.analyses.funnel;
  assert.deepEqual(saved.analyses.paths, { analysis: 'paths', direction: 'before', steps: 3, collapse_repeats: false, min_share: 0.07, top: 20,
    from_funnel: { steps, window, mode, dropped_after_step: 2 } });
  assert.deepEqual(saved.analyses.funnel_drivers, { analysis: 'funnel_drivers', funnel: { steps: [{ event: 'page_view' }, { event: 'purchase' }], window: '1d' }, min_group: 5 });
  assert.deepEqual(saved.analyses.basket, { analysis: 'basket', item: null, order: null, purchase_event: 'purchase', min_support: 0.05, min_confidence: 0.2, max_len: 2, for_item: 'beer' });
  const url = page.url();

  // The file: a fresh page, the same data, then the state.
  await page.goto(url.replace(/#.*$/, ''));
  await page.waitForSelector('body[data-ready="true"]');
  await load();
  assert.equal(await page.inputValue(tid('fd-min-group')), '30', 'the form starts at its defaults');
  await openState(saved);
  await waitShown();
  assert.deepEqual(await snap(), before);
  assert.equal(await page.isHidden(tid('error')), true, await text('error-text'));

  // The link: a fresh page with #state=, then the same data.
  await page.goto('about:blank');
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  await load();
  await waitShown();
  assert.deepEqual(await snap(), before);

  // A drop-off path saved on an earlier funnel than the state's is an error, not a silent re-run on another funnel.
  const stale = structuredClone(saved);
  stale.analyses.paths.from_funnel.window = '9d';
  delete stale.analyses.funnel_drivers;
  delete stale.analyses.basket;
  await page.goto(url.replace(/#.*$/, ''));
  await page.waitForSelector('body[data-ready="true"]');
  await load();
  await openState(stale);
  await page.waitForSelector(`${tid('error')}:not([hidden])`);
  assert.match(await text('error-text'), /paths: it ran on an earlier funnel of the Funnel section/);
  assert.equal(await page.isHidden(tid('pa-results')), true);
  assert.deepEqual(pageErrors, []);
});
