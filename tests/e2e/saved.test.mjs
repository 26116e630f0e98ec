// Saved analyses: run several analyses with non-default settings, save the state
// (the JSON file and the URL's #state=), reload the page, load the same data, and
// the page runs them again with identical results; a broken or mismatched state is
// a readable error, never a silent change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { T, page, pageErrors, tid, waitLoaded, setSteps, runFunnel, text } from './harness.mjs';

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
