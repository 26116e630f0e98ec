// The report of a retention panel comparing two segments: opened from disk offline,
// in English and in Chinese, it shows both segments — one average curve each on one
// chart and each one's cohort matrix — with the same small-group suppression, and
// every number equals engine.run of the same retention filtered by that segment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { page, pageErrors, tid, waitLoaded, engineRun, exportReport, openOffline } from './harness.mjs';

const MIN = 5;
const small = (n) => n > 0 && n < MIN;

/** A report matrix's rows: [cohort, size, cells…]; a suppressed cell reads '<5' (a small count) or 'S' (resting on one). */
async function matrix(rp, testid) {
  return rp.$$eval(`[data-testid="${testid}"] tbody tr`, (trs) => trs.map((tr) => [tr.querySelector('th').textContent,
    ...[...tr.querySelectorAll('td')].map((td) => (td.classList.contains('suppressed') ? (td.textContent.startsWith('<') ? td.textContent : 'S') : td.dataset.value ?? ''))]));
}

/** The rows `matrix` must read for the retention result `r`, built from its cohorts. */
function expected(r) {
  const width = Math.max(0, ...r.cohorts.map((c) => c.retained.length));
  return r.cohorts.map((c) => [c.start, small(c.size) ? `<${MIN}` : String(c.size),
    ...Array.from({ length: width }, (_, k) => {
      if (k >= c.retained.length) return '';
      const n = c.retained[k];
      if (small(n)) return `<${MIN}`;
      return small(c.size) ? 'S' : String(n);
    })]);
}

test('report: a retention comparing two segments shows both, with engine numbers, in English and Chinese, offline', { timeout: 240_000 }, async () => {
  await page.click(tid('demo-button'));
  await waitLoaded('demo.csv');
  await page.selectOption(tid('rt-compare-a'), JSON.stringify({ tier: 'high' }));
  await page.selectOption(tid('rt-compare-b'), JSON.stringify({ rfm: 'At risk' }));
  await page.click(tid('rt-run'));
  await page.waitForFunction(() => !document.querySelector('[data-testid="rt-results"]').hidden &&
    !document.querySelector('[data-testid="rt-run"]').disabled);
  const spec = await page.evaluate(() => globalThis.__tidemarkPage.resultOf('retention').spec);
  assert.equal(spec.segments.length, 2);
  // The reference: the same retention filtered by each segment, on a fresh engine.
  const { segments, ...base } = spec;
  const all = await engineRun(base);
  const parts = [];
  for (const s of segments) parts.push(await engineRun({ ...base, segment: s.segment }));
  assert.ok(parts.every((p) => p.segment.users > 0 && p.segment.users < all.cohorts.reduce((n, c) => n + c.size, 0)));
  assert.notDeepEqual(expected(parts[0]), expected(parts[1]), 'two different segments');
  assert.ok(parts.some((p) => expected(p).flat().includes(`<${MIN}`)), 'some group is small enough to be suppressed');

  for (const lang of ['en', 'zh']) {
    await page.selectOption(tid('lang'), lang);
    const { file, html } = await exportReport();
    const { ctx, rp } = await openOffline(file);
    try {
      assert.deepEqual(await matrix(rp, 'report-retention'), expected(all), `${lang}: all users`);
      for (const [i, p] of parts.entries()) {
        assert.deepEqual(await matrix(rp, `report-retention-part-${i}`), expected(p), `${lang}: segment ${i}`);
        const head = await rp.textContent(tid(`report-retention-part-head-${i}`));
        const users = new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en-US').format(p.segment.users);
        assert.ok(head.startsWith(`${segments[i].name}${lang === 'zh' ? '：' : ': '}${users}${lang === 'zh' ? ' 位用户' : ' users'}`), head);
      }
      // The compared curves: one chart drawn by the engine up to the last period where
      // no curve rests on a small group (saying so), or left out when the first does.
      const section = await rp.textContent(tid('report-section-retention'));
      const title = lang === 'zh' ? '对比分群的平均留存' : 'Average retention of the compared segments';
      const length = Math.max(...parts.map((p) => p.average.rate.length));
      let upTo = 0;
      while (upTo < length && !parts.some((p) => small(p.average.users[upTo] ?? 0) || small(p.average.retained[upTo] ?? 0))) upTo++;
      assert.ok(upTo > 0 && upTo < length, `on this data the curves are cut (${upTo} of ${length} periods)`);
      assert.equal(await rp.locator(`img[alt="${title}"]`).count(), upTo > 0 ? 1 : 0, `${lang}: the compared curves chart`);
      if (upTo === 0) assert.ok(section.includes(title), 'a note says the chart was left out');
      if (upTo > 0 && upTo < length) {
        const caption = await rp.textContent(`figure:has(img[alt="${title}"]) figcaption`);
        assert.ok(caption.includes(lang === 'zh' ? `只画到第 ${upTo - 1} 期` : `drawn up to period ${upTo - 1}`), caption);
      }
      assert.ok(section.includes(lang === 'zh' ? '对比的分群' : 'Compared segments'), 'the comparison is defined');
      assert.equal(await rp.getAttribute('html', 'lang'), lang === 'zh' ? 'zh-CN' : 'en');
      assert.equal(/<script/i.test(html), false);
    } finally {
      await ctx.close();
    }
  }
  assert.deepEqual(pageErrors, []);
});
