// The bad-input corpus (tests/data/bad/) in the page, a few of its files: the
// message names the file (and the line when there is one), a skipped row is
// listed with its line, and the page stays usable after each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { T, page, pageErrors, tid, loadFile, waitLoaded, text, root, engineWorker } from './harness.mjs';

const bad = (name) => readFile(resolve(root, 'tests/data/bad', name));

async function refused(name) {
  await loadFile(name, await bad(name));
  await page.waitForSelector(`${tid('error')}:not([hidden])`);
  return text('error-text');
}

test('binary files renamed .csv are refused with what they are', T, async () => {
  assert.equal(await refused('png.csv'), 'png.csv: this is not a CSV text file (it looks like a PNG image)');
  assert.equal(await refused('xlsx.csv'),
    'xlsx.csv: this is not a CSV text file (it looks like an Excel .xlsx workbook (save it as CSV first))');
  assert.equal(await page.isHidden(tid('loaded')), true, 'nothing is shown as loaded');
  assert.deepEqual(pageErrors, []);
});

test('an unterminated quote names the file and the line it opens on', T, async () => {
  assert.equal(await refused('unterminated_quote.csv'),
    'unterminated_quote.csv:3: a quoted field starts here and is never closed');
  // Still usable: a good file loads next.
  await loadFile('ragged_rows.csv', await bad('ragged_rows.csv'));
  await waitLoaded('ragged_rows.csv');
  assert.equal(await page.isHidden(tid('error')), true);
});

test('ragged rows are skipped, counted and listed by line', T, async () => {
  await loadFile('ragged_rows.csv', await bad('ragged_rows.csv'));
  await waitLoaded('ragged_rows.csv');
  assert.equal(await page.getAttribute(tid('s-rows-read'), 'data-value'), '5');
  assert.equal(await page.getAttribute(tid('s-rows'), 'data-value'), '3');
  const skipped = await text('skipped');
  assert.match(skipped, /wrong number of fields/);
  assert.match(skipped, /\b3\b.*\b4\b/s);
  assert.deepEqual(pageErrors, []);
});

test('times before 1970 or after 2100 are skipped with their reason', T, async () => {
  await loadFile('dates_out_of_range.csv', await bad('dates_out_of_range.csv'));
  await waitLoaded('dates_out_of_range.csv');
  assert.equal(await page.getAttribute(tid('s-rows-read'), 'data-value'), '5');
  assert.equal(await page.getAttribute(tid('s-rows'), 'data-value'), '1');
  assert.match(await text('skipped'), /time before 1970 or after 2100/);
});

test('a file too big for the tab is refused early, with the estimate and the limit', T, async () => {
  // A 2.5 MB file with a unique session id per row, whose File claims 2.9 GB (just
  // under the 3 GB size cap): the projection from its first chunk must refuse it
  // before the rest is read, and the page must stay usable.
  const lines = ['user_id,timestamp,event,session'];
  for (let i = 0; i < 40_000; i++) {
    const t = new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString();
    lines.push(`u${i % 3000},${t},page_view,s${String(i).padStart(12, '0')}-${(i * 7919) % 100000}`);
  }
  const csv = Buffer.from(lines.join('\n'));
  const worker = engineWorker();
  assert.ok(worker, 'the engine worker is running');
  await worker.evaluate(() => {
    Object.defineProperty(File.prototype, 'size', { get() { return 2_900_000_000; } });
  });
  await loadFile('huge.csv', csv);
  await page.waitForSelector(`${tid('error')}:not([hidden])`);
  const message = await text('error-text');
  assert.match(message,
    /^huge\.csv: the file is too large to analyse here: its 2,900 MB would need about [\d,.]+ (MB|GB) of memory \(about [\d,]+ rows, estimated from its size and the rows read so far\), more than the limit of 3,221 MB; split it into smaller files \(e\.g\. by date range\)$/);
  assert.equal(await page.isHidden(tid('loaded')), true);
  await page.click(tid('demo-button'));
  await waitLoaded('demo.csv');
  assert.deepEqual(pageErrors, []);
});

test('the page\'s CSV exports neutralise every formula prefix (OWASP: = + - @ tab CR)', T, async () => {
  const cells = await page.evaluate(async () => {
    const { csvCell } = await import('/js/exports.js');
    return ['=1+1', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1', 'plain', '=HYPERLINK("http://x","y")']
      .map((v) => csvCell(v));
  });
  assert.deepEqual(cells, ["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\t=1", `"'\r=1"`, 'plain',
    `"'=HYPERLINK(""http://x"",""y"")"`]);
});
