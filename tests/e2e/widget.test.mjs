// The embeddable widget on examples/portal.html: three widgets (two elements, one
// render() call) share one engine worker and show the engine's numbers; the portal's
// CSS does not reach inside and the widget's does not leak out; a bad spec shows an
// error inside that widget only; HTML in the data shows as text and never runs; the
// wasm is downloaded (and compiled) once for the page and its worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { T, page, pageErrors } from './harness.mjs';

const SPECS = {
  'w-funnel': { analysis: 'funnel', steps: [{ event: 'page_view' }, { event: 'add_to_cart' }, { event: 'checkout' }, { event: 'purchase' }], window: '7d' },
  'w-retention': { analysis: 'retention', period: 'month', periods: 5 },
  'w-segments': { analysis: 'rfm', purchase_event: 'purchase' },
};

/** engine.run on the portal's data file, with an engine of the test's own. */
async function engineRun(spec) {
  return page.evaluate(async (s) => {
    const m = await import('/pkg/tidemark.js');
    await m.default();
    const bytes = new Uint8Array(await (await fetch('/examples/shop-events.csv')).arrayBuffer());
    const engine = m.Engine.fromCsv(bytes, {}, 'shop-events.csv');
    try {
      return engine.run(s);
    } finally {
      engine.free();
    }
  }, spec);
}

/** The widget hosts: [id, state, report, table cells, error text] for each. */
async function widgets() {
  return page.evaluate(() => [...document.querySelectorAll('tidemark-chart')].map((w) => [
    w.id || w.parentElement.id, w.dataset.state, w.report,
    [...w.shadowRoot.querySelectorAll('tbody tr')].map((tr) => [...tr.cells].map((c) => c.textContent)),
    w.shadowRoot.querySelector('.error').hidden ? null : w.shadowRoot.querySelector('.error').textContent,
  ]));
}

async function waitSettled() {
  await page.waitForFunction(() => [...document.querySelectorAll('tidemark-chart')].every((w) => ['ready', 'error'].includes(w.dataset.state)));
}

test('portal: three widgets, one engine, the engine numbers, no CSS leaks', T, async () => {
  // Every request of the wasm, the page's and the worker's.
  const wasm = [];
  const onRequest = (r) => {
    if (new URL(r.url()).pathname.endsWith('/tidemark_bg.wasm')) wasm.push(r.url());
  };
  page.context().on('request', onRequest);
  try {
    await page.goto(new URL('/examples/portal.html', page.url()).href);
    await waitSettled();
  } finally {
    page.context().off('request', onRequest);
  }
  assert.equal(wasm.length, 1, `the wasm is downloaded once, compiled on the page and posted to the worker: ${wasm}`);
  const shown = await widgets();
  assert.deepEqual(shown.map((w) => [w[0], w[1]]), [['w-funnel', 'ready'], ['w-retention', 'ready'], ['w-segments', 'ready']]);
  assert.equal(page.workers().length, 1, 'one engine worker for every widget');
  for (const [id, , report, cells] of shown) {
    const want = await engineRun(SPECS[id]);
    assert.deepEqual(report, want, id);
    if (id === 'w-funnel') {
      assert.deepEqual(cells.map((c) => c[1]), want.steps.map((s) => s.users.toLocaleString('en-US')));
      assert.ok(want.steps[0].users > 100 && want.steps[3].users > 10);
    }
    if (id === 'w-segments') assert.deepEqual(cells.map((c) => [c[0], c[1]]), want.segments.map((s) => [s.name, String(s.users)]));
    if (id === 'w-retention') assert.deepEqual(cells.map((c) => c[2]), want.average.rate.map((x) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`)));
  }
  const look = await page.evaluate(() => {
    const w = document.getElementById('w-funnel');
    const td = w.shadowRoot.querySelector('td');
    const canvas = w.shadowRoot.querySelector('canvas');
    const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let inked = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] !== 0 && !(d[i] > 245 && d[i + 1] > 245 && d[i + 2] > 245)) inked++;
    const legacy = document.querySelector('table.legacy');
    return {
      tdColor: getComputedStyle(td).color,
      tableBorder: getComputedStyle(w.shadowRoot.querySelector('table')).borderTopWidth,
      canvasOutline: getComputedStyle(canvas).outlineStyle,
      legacyBorder: getComputedStyle(legacy).borderTopStyle,
      legacyCollapse: getComputedStyle(legacy).borderCollapse,
      inked: inked / (canvas.width * canvas.height),
      width: canvas.getBoundingClientRect().width,
      parentWidth: w.getBoundingClientRect().width,
    };
  });
  assert.notEqual(look.tdColor, 'rgb(170, 51, 51)', 'the portal CSS reaches into the widget');
  assert.equal(look.tableBorder, '0px');
  assert.equal(look.canvasOutline, 'none');
  assert.equal(look.legacyBorder, 'double', 'the portal keeps its own table style');
  assert.equal(look.legacyCollapse, 'separate', 'the widget CSS leaks out');
  assert.ok(look.inked > 0.02, `the funnel is drawn (${look.inked})`);
  assert.ok(look.width > 0.8 * look.parentWidth - 40, 'the chart fills its container');
  assert.deepEqual(pageErrors, []);
});

test('a bad spec is an error inside its widget only; HTML in rows stays text', T, async () => {
  await page.goto(new URL('/examples/portal.html', page.url()).href);
  await waitSettled();
  const before = await widgets();
  await page.evaluate(() => {
    const add = (id, spec) => {
      const w = document.createElement('tidemark-chart');
      w.id = id;
      w.setAttribute('src', 'shop-events.csv');
      w.setAttribute('spec', spec);
      document.querySelector('main').append(w);
    };
    add('bad-event', JSON.stringify({ analysis: 'funnel', steps: [{ event: 'page_view' }, { event: 'refund' }] }));
    add('bad-json', '{"analysis": "funnel",');
    add('bad-field', JSON.stringify({ analysis: 'lifecycle', period: 'week', colour: 'red' }));
  });
  await waitSettled();
  const after = await widgets();
  assert.deepEqual(after.slice(0, 3), before, 'the other widgets are untouched');
  const errors = Object.fromEntries(after.slice(3).map((w) => [w[0], [w[1], w[4]]]));
  assert.equal(errors['bad-event'][0], 'error');
  assert.match(errors['bad-event'][1], /refund/);
  assert.match(errors['bad-json'][1], /^the spec attribute is not JSON/);
  assert.match(errors['bad-field'][1], /colour/);
  const outside = await page.evaluate(() => document.body.textContent);
  assert.equal(/refund|not JSON|colour/.test(outside), false, 'no error outside the widgets');

  // render() with rows whose values are HTML: shown as text, never run.
  const result = await page.evaluate(async () => {
    const { render } = await import('/widget/tidemark-chart.js');
    const img = '<img src=x onerror=alert(1)>';
    const script = '<script>alert(2)</script>';
    const rows = [];
    for (let i = 0; i < 6; i++) {
      rows.push({ user: `u${i}`, time: `2024-01-0${i + 1}T10:00:00Z`, event: 'visit' });
      if (i < 4) rows.push({ user: `u${i}`, time: `2024-01-0${i + 1}T11:00:00Z`, event: img });
      if (i < 2) rows.push({ user: `u${i}`, time: `2024-01-0${i + 1}T12:00:00Z`, event: script });
    }
    const box = document.createElement('div');
    document.querySelector('main').append(box);
    const report = await render(box, { rows, spec: { analysis: 'funnel', steps: [{ event: 'visit' }, { event: img }, { event: script }], window: '1d' } });
    const w = box.querySelector('tidemark-chart');
    return {
      users: report.steps.map((s) => s.users),
      labels: [...w.shadowRoot.querySelectorAll('tbody tr')].map((tr) => tr.firstElementChild.textContent),
      imgs: w.shadowRoot.querySelectorAll('img').length + document.querySelectorAll('img').length,
      scripts: w.shadowRoot.querySelectorAll('script').length + [...document.scripts].filter((x) => x.textContent.includes('alert')).length,
    };
  });
  assert.deepEqual(result.users, [6, 4, 2]);

  // lang="zh" on the element: its texts and the engine's chart in Chinese, same numbers.
  const zh = await page.evaluate(async () => {
    const w = document.createElement('tidemark-chart');
    w.setAttribute('lang', 'zh-CN');
    w.setAttribute('src', 'shop-events.csv');
    w.setAttribute('spec', JSON.stringify({ analysis: 'funnel', steps: [{ event: 'page_view' }, { event: 'purchase' }], window: '7d' }));
    document.querySelector('main').append(w);
    await new Promise((ok) => w.addEventListener('tidemark-ready', ok, { once: true }));
    return {
      title: w.shadowRoot.querySelector('.title').textContent,
      head: [...w.shadowRoot.querySelectorAll('thead th')].map((th) => th.textContent),
      canvasLang: w.shadowRoot.querySelector('canvas').dataset.lang,
      users: w.report.steps.map((s) => s.users),
    };
  });
  const want = await engineRun({ analysis: 'funnel', steps: [{ event: 'page_view' }, { event: 'purchase' }], window: '7d' });
  assert.deepEqual(zh, { title: '漏斗', head: ['步骤', '用户数', '占第 1 步'], canvasLang: 'zh', users: want.steps.map((s) => s.users) });
  assert.deepEqual(result.labels, ['1. visit', '2. <img src=x onerror=alert(1)>', '3. <script>alert(2)</script>']);
  assert.equal(result.imgs, 0);
  assert.equal(result.scripts, 0);
  assert.equal(page.workers().length, 1, 'still one engine');
  assert.deepEqual(pageErrors, []);
});

test('the package layout: pkg/widget/ finds its engine beside it and renders', T, async () => {
  const out = await page.evaluate(async () => {
    const { render } = await import('/pkg/widget/tidemark-chart.js');
    const box = document.createElement('div');
    document.body.append(box);
    const rows = [['user', 'time', 'event', 'revenue']];
    for (let i = 0; i < 8; i++) rows.push([`c${i}`, `2024-02-0${i + 1}`, 'purchase', 10 + i]);
    const report = await render(box, { rows, spec: { analysis: 'rfm', purchase_event: 'purchase' } });
    return { buyers: report.buyers, state: box.firstChild.dataset.state };
  });
  assert.deepEqual(out, { buyers: 8, state: 'ready' });
  const pkg = JSON.parse(await page.evaluate(async () => (await fetch('/pkg/package.json')).text()));
  assert.equal(pkg.exports['./widget'].default, './widget/tidemark-chart.js');
  assert.ok(pkg.files.includes('widget/') && pkg.files.includes('README.md'));
  assert.deepEqual(pageErrors, []);
});
