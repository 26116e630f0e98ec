// Languages: the switch translates the page's labelled texts and is remembered across
// reloads; Chinese event names and property values load, chart, export to CSV and
// appear in a report written in Chinese, with the engine's numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { T, page, pageErrors, tid, loadFile, waitLoaded, setSteps, runFunnel, text, download } from './harness.mjs';

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
