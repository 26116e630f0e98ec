// Languages: the switch translates the page's labelled texts and is remembered across
// reloads; Chinese event names and property values load, chart, export to CSV and
// appear in a report written in Chinese, with the engine's numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { T, page, pageErrors, tid, loadFile, waitLoaded, setSteps, runFunnel, text, download, exportReport, openOffline } from './harness.mjs';

/** 30 users: all 浏览商品, 20 then 加入购物车, 12 then 支付; 渠道 微信 for even users, else 支付宝. */
function csv() {
  const lines = ['用户,时间,事件,金额,渠道'];
  for (let i = 0; i < 30; i++) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    const ch = i % 2 === 0 ? '微信' : '支付宝';
    lines.push(`用户${i},2024-05-${day} 09:00:00,浏览商品,,${ch}`);
    if (i < 20) lines.push(`用户${i},2024-05-${day} 09:05:00,加入购物车,,${ch}`);
    if (i < 12) lines.push(`用户${i},2024-05-${day} 09:10:00,支付,${88 + i}.5,${ch}`);
  }
  return `${lines.join('\n')}\n`;
}

test('the language switch translates the page and is remembered', T, async () => {
  assert.equal(await page.getAttribute('html', 'lang'), 'en-US');
  await page.selectOption(tid('lang'), 'zh');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.equal(await text('demo-button'), '试用演示数据');
  assert.equal(await page.textContent('#funnel-title [data-i18n]'), '漏斗');
  assert.equal(await text('run-button'), '运行');
  assert.equal(await page.textContent('#loaded dt'), '文件');
  assert.equal(await page.$eval('[data-testid="mode"] option[value="strict"]', (o) => o.textContent), '严格（中间不能有其他事件）');
  // The segment pickers' RFM options name the segments in Chinese (the value stays the engine's name).
  assert.equal(await page.$eval('[data-testid="rt-segment"] option[value=\'{"rfm":"Champions"}\']', (o) => o.textContent), 'RFM: 冠军客户');
  // Every labelled text has a Chinese version (no English left in those elements).
  const left = await page.$$eval('[data-i18n]', (xs) => xs.map((x) => x.textContent).filter((t) => /^[A-Za-z][a-z ]+$/.test(t)));
  assert.deepEqual(left, []);
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.inputValue(tid('lang')), 'zh');
  assert.equal(await text('demo-button'), '试用演示数据');
  await page.selectOption(tid('lang'), 'en');
  assert.equal(await text('demo-button'), 'Try the demo data');
  assert.deepEqual(pageErrors, []);
});

test('Chinese event names: loaded, charted, exported to CSV, and a Chinese report', { timeout: 90_000 }, async () => {
  const data = csv();
  await page.selectOption(tid('lang'), 'zh');
  await loadFile('订单.csv', data);
  await waitLoaded('订单.csv');
  const events = await page.$$eval('[data-testid="events-table"] tbody td:first-child', (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(events.sort(), ['加入购物车', '支付', '浏览商品'].sort());
  assert.equal(await text('status'), '已载入 订单.csv：30 位用户的 62 个事件。');
  assert.equal(await page.textContent('#s-facts dt'), '编码');
  await page.waitForSelector('[data-testid="ov-tiles"][data-ready="true"]');
  const label = () => page.$eval('[data-testid="ov-repeat-30"] .tile-label', (x) => x.textContent);
  assert.equal(await label(), '30 天内复购');
  await page.selectOption(tid('lang'), 'en');
  assert.equal(await label(), 'Repeat within 30 d', 'the tiles follow a switch at once');
  await page.selectOption(tid('lang'), 'zh');
  await setSteps(['浏览商品', '加入购物车', '支付']);
  await page.selectOption(tid('breakdown'), '渠道');
  await runFunnel();
  const users = await page.$$eval('[data-testid^="result-step-"]', (rows) => rows.map((tr) => tr.querySelector('td').dataset.value));
  assert.deepEqual(users, ['30', '20', '12']);
  const ink = await page.evaluate(() => {
    const c = document.querySelector('[data-testid="chart"]');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] !== 0 && !(d[i] > 245 && d[i + 1] > 245 && d[i + 2] > 245)) n++;
    return n / (c.width * c.height);
  });
  assert.ok(ink > 0.02, `the funnel is drawn (${ink})`);
  const table = await download('export-csv');
  assert.equal(table.name, '订单-funnel.csv');
  assert.ok(table.text.includes('1,浏览商品,浏览商品,30,'), table.text);
  assert.ok(table.text.includes('微信,3,支付,支付,6,'), table.text);

  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(tid('rpt-download'))]);
  const html = await readFile(await dl.path(), 'utf8');
  const rp = await page.context().newPage();
  try {
    await rp.setContent(html.replace(/^<!DOCTYPE html>\n/, ''));
    assert.equal(await rp.getAttribute('html', 'lang'), 'zh-CN');
    assert.equal(await rp.textContent('[data-testid="report-title"]'), 'Tidemark 报告：订单.csv');
    assert.match(await rp.textContent('[data-testid="report-section-funnel"]'), /^漏斗指标定义第 k 步用户数/);
    assert.equal(await rp.textContent('[data-testid="report-rows"]'), '30 位用户的 62 个事件（共读取 62 行）');
    const rows = await rp.$$eval('[data-testid="report-funnel"] tbody tr', (trs) =>
      trs.map((tr) => [tr.querySelector('th').textContent, tr.querySelector('td').dataset.value ?? tr.querySelector('td').textContent]));
    assert.deepEqual(rows, [
      ['1. 浏览商品', '30'], ['2. 加入购物车', '20'], ['3. 支付', '12'],
      ['渠道 = 微信 · 1. 浏览商品', '15'], ['渠道 = 微信 · 2. 加入购物车', '10'], ['渠道 = 微信 · 3. 支付', '6'],
      ['渠道 = 支付宝 · 1. 浏览商品', '15'], ['渠道 = 支付宝 · 2. 加入购物车', '10'], ['渠道 = 支付宝 · 3. 支付', '6'],
    ]);
    assert.equal(html.includes('用户1,') || html.includes('用户0'), false, 'no user id in the report');
  } finally {
    await rp.close();
  }
  assert.deepEqual(pageErrors, []);
});

/**
 * 60 users from 2024-05-01: all 浏览商品, 40 加入购物车, 24 支付; 12 buy again in June and 6
 * in July (repeat buyers, so the CLV model fits; 12 of 24 is few enough for its warning);
 * 评价 a day after the first purchase by buyers 0, 2, …, 10 (repeaters) and 12, 16, 20
 * (not): a behaviour driver, also with its 渠道 value; 渠道 微信 / 支付宝. Every name is
 * Chinese, so any English word left on the page is the page's own.
 */
function richCsv() {
  const lines = ['用户,时间,事件,金额,渠道'];
  for (let i = 0; i < 60; i++) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    const ch = i % 2 === 0 ? '微信' : '支付宝';
    lines.push(`用户${i},2024-05-${day} 09:00:00,浏览商品,,${ch}`);
    if (i < 40) lines.push(`用户${i},2024-05-${day} 09:05:00,加入购物车,,${ch}`);
    if (i < 24) lines.push(`用户${i},2024-05-${day} 09:10:00,支付,${50 + i}.5,${ch}`);
    if ((i < 12 && i % 2 === 0) || i === 12 || i === 16 || i === 20) lines.push(`用户${i},2024-05-${day} 20:00:00,评价,,${ch}`);
    if (i < 12) lines.push(`用户${i},2024-06-${day} 10:00:00,支付,${30 + i},${ch}`);
    if (i < 6) lines.push(`用户${i},2024-07-${day} 10:00:00,支付,${20 + i},${ch}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Tokens allowed in Latin letters on a Chinese page: acronyms, model and format
 * names, units, date-format letters, ln. The engine's own descriptions and sentences
 * (the time format of "What was loaded", the behaviour drivers' labels and sentences,
 * the CLV warnings, rule errors) are walked like every other text.
 */
const ALLOWED = new Set(['CSV', 'PNG', 'JSON', 'HTML', 'UTF', 'LTV', 'CLV', 'RFM', 'BG', 'NBD', 'Gamma', 'alive', 'SHA',
  'Tidemark', 'WebAssembly', 'English', 'UTC', 'KB', 'MB', 'GB', 'Arrow', 'IPC', 'CI', 'ID', 'csv', 'alpha',
  'ISO', 'YYYY', 'MM', 'DD', 'ln']);
const RFM_NAMES = ['Champions', 'Loyal', 'Potential loyalist', 'New', 'Promising', 'Need attention', 'About to sleep',
  'Cannot lose', 'At risk', 'Hibernating', 'Lost'];
/** Containers of data-derived or untranslated engine texts, and section 9 (another part of the work). */
const SKIP = ['#rs-caret', 'code', 'script', 'style', 'textarea', '#clv-customers tbody'];

/** Every visible text node of the page (the selected option of each select included), minus the skipped containers. */
async function visibleTexts() {
  return page.evaluate((skip) => {
    const out = [];
    const visible = (el) => el.checkVisibility?.() ?? el.getClientRects().length > 0;
    const skipped = (el) => skip.some((s) => el.closest(s));
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      const text = n.textContent.trim();
      if (!text || !el || el.closest('option, select') || skipped(el) || !visible(el)) continue;
      out.push({ text, where: el.dataset.testid ?? el.id ?? el.tagName });
    }
    for (const sel of document.querySelectorAll('select')) {
      if (!skipped(sel) && visible(sel) && sel.selectedOptions[0]) out.push({ text: sel.selectedOptions[0].text, where: sel.dataset.testid ?? sel.id });
    }
    return out;
  }, SKIP);
}

/** The texts still holding an English word (Latin letters not in ALLOWED, after removing the RFM names). */
function english(texts) {
  return texts.filter(({ text }) => {
    let rest = text.replaceAll('#state=', ' ');
    for (const name of RFM_NAMES) rest = rest.replaceAll(name, ' ');
    return (rest.match(/[A-Za-z]{2,}/g) ?? []).some((w) => !ALLOWED.has(w));
  });
}

test('every dictionary key has its Chinese text', async () => {
  const en = (await import('../../www/js/lang/en.js')).default;
  const zh = (await import('../../www/js/lang/zh.js')).default;
  // Deliberately none: a key only in English would show English in the Chinese page.
  const missing = Object.keys(en).filter((k) => !(k in zh));
  assert.deepEqual(missing, []);
  assert.deepEqual(Object.keys(zh).filter((k) => !(k in en)), [], 'no Chinese key without an English one');
  // Function texts take the same arguments in both languages.
  for (const [k, v] of Object.entries(en)) assert.equal(typeof zh[k], typeof v, k);
});

test('in 中文, after running every panel, no visible text of the page is English', { timeout: 120_000 }, async () => {
  await page.selectOption(tid('lang'), 'zh');
  await loadFile('订单.csv', richCsv());
  await waitLoaded('订单.csv');
  const run = async (button, results, message) => {
    await page.click(tid(button));
    await page.waitForFunction(([b, r, m]) => !document.querySelector(`[data-testid="${b}"]`).disabled &&
      (!document.querySelector(`[data-testid="${r}"]`).hidden || !document.querySelector(`[data-testid="${m}"]`).hidden), [button, results, message]);
    assert.equal(await page.isHidden(tid(message)), true, `${button}: ${await page.textContent(tid(message))}`);
  };
  // Segments: RFM, tiers, a rule saved by name, an attribute file.
  await run('sg-run', 'sg-results', 'sg-message');
  await run('tr-run', 'tr-results', 'tr-message');
  await page.fill(tid('rs-rule'), 'purchases >= 2');
  await run('rs-run', 'rs-results', 'rs-message');
  await page.fill(tid('rs-name'), '复购用户');
  await page.click(tid('rs-save'));
  await page.setInputFiles(tid('rs-attr-file'), { name: '属性.csv', mimeType: 'text/csv', buffer: Buffer.from('编号,套餐\n用户0,专业版\n用户1,免费版\n访客9,免费版\n') });
  await page.waitForFunction(() => document.querySelector('[data-testid="rs-attr-summary"]').dataset.matched === '2');
  // The funnel comparing the saved rule with the high tier.
  await setSteps(['浏览商品', '加入购物车', '支付']);
  await page.selectOption(tid('funnel-compare-a'), JSON.stringify({ rule: 'purchases >= 2' }));
  await page.selectOption(tid('funnel-compare-b'), JSON.stringify({ tier: 'high' }));
  await runFunnel();
  await page.selectOption(tid('rp-compare'), JSON.stringify({ tier: 'high' }));
  // Windows the June repeats fall in, and groups small enough for the drivers to show.
  await page.fill(tid('rp-windows'), '45, 90');
  await page.fill(tid('rp-min-group'), '3');
  await run('rp-run', 'rp-results', 'rp-message');
  const sentences = await page.$$eval('#rp-sentences li', (lis) => lis.map((li) => li.textContent));
  assert.ok(sentences.length >= 2, sentences.join(' | '));
  // The data end on 2024-07-06, so buyers 0–21 (first purchase by May 22) have 45 days;
  // 0–11 repeat (in June). 评价: buyers 0, 2, …, 10 and 12, 16, 20 did it (6 of 9
  // repeat); of the other 13, 6 repeat.
  assert.ok(sentences.includes('首购后 7 天内做过“评价”的买家复购率为 67%，没做过的为 46%（人数 9 对 13）'), sentences.join(' | '));
  const labels = await page.$$eval('[data-testid="rp-drivers"] tbody th', (ths) => ths.map((th) => th.textContent));
  assert.ok(labels.includes('评价') && labels.includes('评价（渠道 = 微信）'), labels.join(' | '));
  await page.selectOption(tid('rt-segment'), JSON.stringify({ rule: 'purchases >= 2' }));
  await page.selectOption(tid('rt-compare-a'), JSON.stringify({ tier: 'high' }));
  await page.selectOption(tid('rt-compare-b'), JSON.stringify({ clv: 'high' }));
  await page.selectOption(tid('rt-measure'), 'revenue');
  await run('rt-run', 'rt-results', 'rt-message');
  await run('lc-run', 'lc-results', 'lc-message');
  await run('clv-run', 'clv-results', 'clv-message');
  const warnings = await page.$$eval('#clv-warnings li', (lis) => lis.map((li) => li.textContent));
  // Calibration up to the data end (2024-07-06): 12 of the 24 buyers bought again.
  assert.ok(warnings.includes('24 位客户中只有 12 位在 2024-07-06 之前再次购买：复购客户太少，BG/NBD 的估计不可靠（建议至少 100 位）'), warnings.join(' | '));
  assert.ok((await text('s-facts')).includes('ISO 8601（YYYY-MM-DD，时间和时区偏移可选）'), 'the time format in Chinese');
  // Section 9: paths from an event and the drivers of a typed funnel (the file has no
  // item column for cross-sell).
  await page.selectOption(tid('pa-event'), '加入购物车');
  await run('pa-run', 'pa-results', 'pa-message');
  await page.selectOption(tid('fd-funnel-source'), 'typed');
  await page.fill(tid('fd-steps'), '浏览商品, 加入购物车, 支付');
  await page.fill(tid('fd-min-group'), '3');
  await run('fd-run', 'fd-results', 'fd-message');
  // A bad rule: its message, details included, in Chinese.
  await page.fill(tid('rs-rule'), 'purchases >= ');
  await page.click(tid('rs-run'));
  await page.waitForSelector(`${tid('rs-message')}:not([hidden])`);
  const texts = await visibleTexts();
  assert.ok(texts.length > 300, `${texts.length} texts walked`);
  const left = english(texts);
  assert.deepEqual(left, [], `English left: ${left.map((x) => `${x.where}: ${x.text}`).join(' | ')}`);
  // RFM segment names are shown in Chinese (the engine's English names stay the identifiers).
  const rfmHeads = await page.$$eval('[data-testid="sg-table"] tbody th', (ths) => ths.map((th) => th.textContent));
  assert.ok(rfmHeads.includes('冠军客户') && rfmHeads.includes('已流失') && !rfmHeads.includes('Champions'), rfmHeads.join(', '));
  // Numbers and dates in the locale's forms; the panels' texts in Chinese.
  assert.equal(await text('s-first'), '2024年5月1日 09:00:00 UTC');
  assert.match(await text('rt-part-head-0'), /^价值层级：高：\d+ 位用户/);
  // A switch back to English rebuilds the texts the panels made.
  await page.selectOption(tid('lang'), 'en');
  // (The part's name is the spec's, chosen in Chinese.)
  assert.match(await text('rt-part-head-0'), /^价值层级：高: \d+ users \(/);
  assert.match(await text('tr-summary'), /^\d+ buyers by revenue as of /);
  await page.selectOption(tid('lang'), 'zh');
  assert.deepEqual(english(await visibleTexts()), [], 'and back to Chinese');

  // The Chinese report of all these results: the drivers' sentences and labels and the
  // CLV warnings in Chinese, and no English word in any text but the specs' JSON.
  const { file } = await exportReport();
  const { ctx, rp } = await openOffline(file);
  try {
    const items = (id) => rp.$$eval(`[data-testid="${id}"] li`, (lis) => lis.map((li) => li.textContent));
    assert.ok((await items('report-repeat-sentences')).includes('首购后 7 天内做过“评价”的买家复购率为 67%，没做过的为 46%（人数 9 对 13）'));
    const drivers = await rp.$$eval('[data-testid="report-repeat-drivers"] tbody th', (ths) => ths.map((th) => th.textContent));
    assert.ok(drivers.includes('评价（渠道 = 微信）'), drivers.join(' | '));
    assert.ok((await items('report-clv-warnings')).includes('24 位客户中只有 12 位在 2024-07-06 之前再次购买：复购客户太少，BG/NBD 的估计不可靠（建议至少 100 位）'));
    const texts = await rp.evaluate(() => {
      const out = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (n.textContent.trim() && !n.parentElement.closest('pre')) out.push({ text: n.textContent.trim(), where: n.parentElement.tagName });
      }
      return out;
    });
    // Names in quotes (a rule segment's name is its rule), the file's SHA-256 and the
    // command that checks it are data.
    const left = english(texts.map(({ text, where }) => ({ where, text: text.replace(/“[^”]*”|\b[0-9a-f]{64}\b|sha256sum/g, ' ') })));
    assert.deepEqual(left, [], `English in the Chinese report: ${left.map((x) => `${x.where}: ${x.text}`).join(' | ')}`);
  } finally {
    await ctx.close();
  }
  assert.deepEqual(pageErrors, []);
});

test('engine errors in 中文: translated by kind, the place and details kept, the English original in the title', T, async () => {
  await page.selectOption(tid('lang'), 'zh');
  await loadFile('坏.csv', '用户,时间,事件\nu1,2024-01-01,a\nu2,2024-01-01,"never closed\n');
  await page.waitForSelector(`${tid('error')}:not([hidden])`);
  assert.equal(await text('error-text'), '坏.csv:3: 带引号的字段从这里开始，但一直没有闭合');
  assert.equal(await page.getAttribute(tid('error-text'), 'title'), '坏.csv:3: a quoted field starts here and is never closed');
  await loadFile('订单.csv', richCsv());
  await waitLoaded('订单.csv');
  await page.fill(tid('rs-rule'), 'purchases >= ');
  await page.click(tid('rs-run'));
  await page.waitForSelector(`${tid('rs-message')}:not([hidden])`);
  assert.equal(await text('rs-message'), '分群规则有误，第 14 列：“>=”之后应为一个值（数字，或双引号中的文本），却是规则末尾');
  assert.match(await page.getAttribute(tid('rs-message'), 'title'), /^bad segment rule, column 14: /);
  // The caret still sits under column 14.
  assert.equal((await page.textContent(tid('rs-caret'))).split('\n')[1], `${' '.repeat(13)}^`);
  assert.deepEqual(pageErrors, []);
});

/**
 * Specs the page's forms can send wrong (a field left empty or out of range, a date
 * after the data, an event or column the file lacks, a table without revenue or a
 * purchase event), and rules with every kind of mistake the rule box can hold.
 */
const BAD_SPECS = [
  { analysis: 'funnel', steps: [{ event: '浏览商品' }], window: '7d' },
  { analysis: 'funnel', steps: [{ event: '浏览商品' }, { event: '不存在' }], window: '7d' },
  { analysis: 'funnel', steps: [{ event: '浏览商品' }, { event: '支付' }], window: '-1d' },
  { analysis: 'funnel', steps: [{ event: '浏览商品' }, { event: '支付' }], window: 'abcd' },
  { analysis: 'funnel', steps: [{ event: '浏览商品' }, { event: '支付' }], window: '7y' },
  { analysis: 'funnel', steps: [{ event: '浏览商品' }, { event: '支付' }], window: '7d', breakdown: '城市' },
  { analysis: 'funnel', steps: [{ event: '浏览商品' }, { event: '支付' }], window: '7d', breakdown: '渠道', breakdown_limit: 0 },
  { analysis: 'repurchase', within_days: [] },
  { analysis: 'repurchase', within_days: [-5] },
  { analysis: 'repurchase', within_days: [1.5] },
  { analysis: 'repurchase', within_days: [30], purchase_event: '不存在' },
  { analysis: 'retention', period: 'week', periods: 0 },
  { analysis: 'retention', period: 'week', periods: 5000 },
  { analysis: 'clv', calibration_end: '2030-01-01' },
  { analysis: 'clv', calibration_end: '2024-04-01' },
  { analysis: 'clv', horizon: 0 },
  { analysis: 'clv', discount_rate: 2 },
  { analysis: 'clv', high_share: 0.8, mid_share: 0.5 },
  { analysis: 'tiers', by: 'share', high: 2, mid: 0.5 },
  { analysis: 'tiers', by: 'share', high: 0.5, mid: 0.2 },
  { analysis: 'tiers', by: 'value', metric: 'revenue' },
  { analysis: 'tiers', by: 'value', metric: 'revenue', high: 10, mid: 100 },
  { analysis: 'retention', period: 'week', segment: { rfm: 'Nobody' } },
  { analysis: 'retention', period: 'week', segment: { tier: 'top' } },
  { analysis: 'paths', event: '支付', steps: 0 },
  { analysis: 'paths', event: '支付', min_share: 2 },
  { analysis: 'basket', min_support: 0 },
  { analysis: 'basket', max_len: 9 },
];
/** On a file without revenue, purchase-like events or an item column. */
const BARE_SPECS = [
  { analysis: 'retention', period: 'week', measure: 'revenue' },
  { analysis: 'repurchase', within_days: [30] },
  { analysis: 'basket', purchase_event: '浏览' },
];
const BAD_RULES = ['', '!purchases', '`没关', '``', 'purchases >= 2x', 'did("支付", within = 7d)', "渠道 = '微信'",
  'purchases => 2', 'purchases >= 2 $', '渠道 = "a\\q"', '渠道 = "没关', 'purchases >= 2)', 'purchases >= 2 purchases',
  'not', '()', '(purchases >= 2', 'sum("支付")', 'purchases', 'purchases >= ', '渠道 in "a"', '渠道 in []', '渠道 in [1 2]',
  '渠道 in [>]', 'did(支付)', 'did("支付" 7)', 'did("支付", within 7)', 'did("支付", within = 7)', 'did("支付", within = "7x")',
  'did("支付", within = "7d" x)', 'did("不存在")', '城市 = "北京"', 'purchases = "多"', '渠道 > "a"', 'and', '>= 2',
  `${'('.repeat(101)}purchases >= 1${')'.repeat(101)}`];

test('every spec and rule error the forms can cause reads in Chinese, names kept', { timeout: 90_000 }, async () => {
  await page.selectOption(tid('lang'), 'zh');
  const bare = '用户,时间,事件\n用户1,2024-01-01,浏览\n用户2,2024-01-02,浏览\n';
  const errors = await page.evaluate(async ([rich, bareCsv, specs, bareSpecs, rules]) => {
    const m = await import('/pkg/tidemark.js');
    await m.default();
    const { errorText } = await import('/js/errors.js');
    const out = [];
    for (const [csv, list] of [[rich, [...specs, ...rules.map((rule) => ({ analysis: 'segment', rule }))]], [bareCsv, bareSpecs]]) {
      const engine = m.Engine.fromCsv(new TextEncoder().encode(csv), {}, '订单.csv');
      try {
        for (const spec of list) {
          try {
            engine.run(spec);
            out.push({ spec, message: '(no error)', kind: null, text: '' });
          } catch (e) {
            out.push({ spec, message: e.message, kind: e.kind, text: errorText({ message: e.message, kind: e.kind }) });
          }
        }
      } finally {
        engine.free();
      }
    }
    return out;
  }, [richCsv(), bare, BAD_SPECS, BARE_SPECS, BAD_RULES]);
  assert.equal(errors.length, BAD_SPECS.length + BAD_RULES.length + BARE_SPECS.length);
  const left = [];
  for (const e of errors) {
    assert.ok(['bad_spec', 'bad_rule'].includes(e.kind), `${JSON.stringify(e.spec)}: ${e.message}`);
    // Names, symbols and code stay as written, in quotes; nothing else is English.
    const rest = e.text.replace(/“[^”]*”|"[^"]*"|'[^']*'|`[^`]*`/g, ' ');
    const words = (rest.match(/[A-Za-z]{2,}/g) ?? []).filter((w) => !ALLOWED.has(w));
    if (words.length || e.text.includes('详情为英文') || e.text === e.message) left.push(`${e.message}\n    → ${e.text}`);
  }
  assert.deepEqual(left, [], `not translated:\n${left.join('\n')}`);
  // The column of a rule error and the names of a spec error are kept (events by frequency).
  const byRule = (rule) => errors.find((e) => e.spec.rule === rule).text;
  assert.equal(byRule('purchases >= 2 $'), '分群规则有误，第 16 列：意外的字符“$”');
  assert.equal(byRule('did("不存在")'), '分群规则有误，第 5 列：数据中没有事件“不存在”（现有事件："浏览商品", "支付", "加入购物车", "评价"）');
  assert.equal(errors[1].text, '规格有误：漏斗第 2 步：数据中没有事件“不存在”（现有事件："浏览商品", "支付", "加入购物车", "评价"）');
  assert.equal(errors[0].text, '规格有误：漏斗：漏斗需要 2 到 10 步，这个漏斗有 1 步');
});
