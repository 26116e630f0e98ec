// Makes the reference screenshots of an exported report (not a test: run by hand,
// look at the images, commit them): `node tests/e2e/screenshots.mjs [out-dir]`.
// Loads the demo in the page, runs funnel, retention, RFM and tiers, downloads the
// report in each language the page offers, opens it from disk offline and saves
// the top of it (desktop) and a phone-width view, as small PNGs in tests/screenshots/.
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

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
    for (const [button, results] of [['rt-run', 'rt-results'], ['sg-run', 'sg-results'], ['tr-run', 'tr-results']]) {
      await page.click(tid(button));
      await page.waitForFunction((r) => !document.querySelector(`[data-testid="${r}"]`).hidden, results);
    }
    await page.fill(tid('rpt-title'), lang === 'zh' ? '演示店铺：2026 年上半年' : 'Demo shop: first half of 2026');
    await page.fill(tid('rpt-notes'), lang === 'zh' ? '漏斗、留存与 RFM 分群。' : 'Funnel, retention and RFM segments, for the client meeting.');
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click(tid('rpt-download'))]);
    const file = join(await mkdtemp(join(tmpdir(), 'tidemark-shot-')), 'report.html');
    await copyFile(await dl.path(), file);
    const ctx = await browser.newContext({ offline: true, viewport: { width: 820, height: 1200 } });
    const rp = await ctx.newPage();
    await rp.goto(pathToFileURL(file).href);
    await rp.screenshot({ path: join(out, `report-${lang}.png`), type: 'png', scale: 'css' });
    await rp.setViewportSize({ width: 390, height: 800 });
    await rp.screenshot({ path: join(out, `report-${lang}-phone.png`), type: 'png', scale: 'css' });
    console.log(`report-${lang}: ${file}`);
  }
} finally {
  await browser.close();
  server.kill();
}
