// Makes the reference screenshots of an exported report (not a test: run by hand,
// look at the images, commit them): `node tests/e2e/screenshots.mjs [out-dir]`.
// Loads the demo in the page, runs funnel, repeat purchase, retention comparing two
// segments, lifecycle, RFM, tiers, CLV, paths and funnel drivers (the demo has no
// item column for cross-sell), downloads the report in each language the page
// offers, opens it from disk offline and saves, per language: the top of it
// (report-LANG.png) and a phone-width view (-phone), the retention comparison
// (-compare: both segments' curves and matrices; -compare-phone) and section 9
// (-s9: paths and funnel drivers), as indexed PNGs (png8.mjs) in tests/screenshots/.
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { decodePng, encodePng8 } from './png8.mjs';

const root = resolve(fileURLToPath(import.meta.url), '../../..');

const out = resolve(process.argv[2] ?? join(root, 'tests', 'screenshots'));
const tid = (id) => `[data-testid="${id}"]`;

const server = spawn(process.execPath, [join(root, 'scripts/serve.mjs'), '--port', '0'], { cwd: root });
const base = await new Promise((ok) => {
  let text = '';
  server.stdout.on('data', (d) => {
    text += d;
    const m = text.match(/Tidemark: (http:\/\/127\.0\.0\.1:\d+\/)/);
    if (m) ok(m[1]);
  });
});
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless=new', '--no-sandbox', '--disable-gpu'] });
try {
  await mkdir(out, { recursive: true });
  const langs = process.env.LANGS ? process.env.LANGS.split(',') : ['en', 'zh'];
  for (const lang of langs) {
    const page = await (await browser.newContext({ acceptDownloads: true, locale: lang === 'zh' ? 'zh-CN' : 'en-US' })).newPage();
    await page.goto(base);
    await page.waitForSelector('body[data-ready="true"]');
    if (lang !== 'en') await page.selectOption(tid('lang'), lang);
    await page.click(tid('demo-button'));
    await page.waitForFunction(() => !document.querySelector('[data-testid="loaded"]').hidden &&
      document.querySelector('[data-testid="progress-box"]').hidden);
    await page.click(tid('run-button'));
    await page.waitForFunction(() => !document.querySelector('[data-testid="results"]').hidden);
    // Monthly cohorts of two large groups, so no average point rests on fewer than 5
    // users and the compared curves are drawn.
    await page.selectOption(tid('rt-period'), 'month');
    await page.selectOption(tid('rt-compare-a'), JSON.stringify({ tier: 'high' }));
    await page.selectOption(tid('rt-compare-b'), JSON.stringify({ tier: 'low' }));
    await page.selectOption(tid('lc-period'), 'month');
    await page.selectOption(tid('pa-event'), 'add_to_cart');
    for (const [button, results] of [['rp-run', 'rp-results'], ['rt-run', 'rt-results'], ['lc-run', 'lc-results'], ['sg-run', 'sg-results'],
      ['tr-run', 'tr-results'], ['clv-run', 'clv-results'], ['pa-run', 'pa-results'], ['fd-run', 'fd-results']]) {
      await page.click(tid(button));
      await page.waitForFunction(([b, r]) => !document.querySelector(`[data-testid="${r}"]`).hidden &&
        !document.querySelector(`[data-testid="${b}"]`).disabled, [button, results], { timeout: 120_000 });
    }
    await page.fill(tid('rpt-title'), lang === 'zh' ? '演示店铺：2026 年上半年' : 'Demo shop: first half of 2026');
    await page.fill(tid('rpt-notes'), lang === 'zh' ? '漏斗、复购、留存（高价值 vs 低价值）、RFM、CLV 与路径。' : 'Funnel, repeat purchase, retention (high vs low value), RFM, CLV and paths, for the client meeting.');
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click(tid('rpt-download'))]);
    const file = join(await mkdtemp(join(tmpdir(), 'tidemark-shot-')), 'report.html');
    await copyFile(await dl.path(), file);
    const ctx = await browser.newContext({ offline: true, viewport: { width: 820, height: 1200 } });
    const rp = await ctx.newPage();
    await rp.goto(pathToFileURL(file).href);
    /** Saves a screenshot (options as page.screenshot's) as an indexed PNG. */
    const save = async (name, options = {}) => {
      const path = join(out, `report-${lang}${name}.png`);
      await writeFile(path, encodePng8(decodePng(await rp.screenshot({ type: 'png', scale: 'css', ...options }))));
      console.log(`${path}: ${(await readFile(path)).length} bytes`);
    };
    /** The page-coordinates band from the top of `from` to the bottom of `to` (at most `max` pixels). */
    const band = (from, to, max) => rp.evaluate(([a, b, m]) => {
      const top = document.querySelector(a).getBoundingClientRect().top + scrollY - 8;
      const bottom = document.querySelector(b).getBoundingClientRect().bottom + scrollY + 8;
      return { x: 0, y: top, width: document.documentElement.clientWidth, height: Math.min(m, bottom - top) };
    }, [from, to, max]);
    await save('');
    const compareTitle = lang === 'zh' ? '对比分群的平均留存' : 'Average retention of the compared segments';
    await save('-compare', { fullPage: true, clip: await band(`figure:has(img[alt="${compareTitle}"])`, '[data-testid="report-retention-part-1"]', 1800) });
    await save('-s9', { fullPage: true, clip: await band('[data-testid="report-section-paths"]', '[data-testid="report-section-funnel_drivers"] figure', 2800) });
    await rp.setViewportSize({ width: 390, height: 800 });
    await save('-phone');
    // The comparison on a phone: the matrices scroll sideways inside their boxes.
    await save('-compare-phone', { fullPage: true, clip: await band(`figure:has(img[alt="${compareTitle}"])`, '[data-testid="report-retention-part-1"]', 1800) });
    console.log(`report-${lang}: ${file}`);
  }
} finally {
  await browser.close();
  server.kill();
}
