// Arrow IPC downloads: with "Tables as: Arrow" every table export is an .arrow file
// (the IPC file format, magic ARROW1 at both ends, the table's column names in its
// schema); back on CSV, the same button gives the CSV again. The file's contents are
// checked cell by cell natively (tests/ipc.rs, read back with arrow's reader).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { T, page, pageErrors, tid, waitLoaded, runFunnel } from './harness.mjs';

test('funnel and lifecycle tables as Arrow IPC files, then CSV again', T, async () => {
  await page.click(tid('demo-button'));
  await waitLoaded('demo.csv');
  await runFunnel();
  await page.selectOption(tid('table-format'), 'arrow');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(tid('export-csv'))]);
  assert.equal(dl.suggestedFilename(), 'demo-funnel.arrow');
  const bytes = await readFile(await dl.path());
  assert.equal(bytes.subarray(0, 6).toString('latin1'), 'ARROW1');
  assert.equal(bytes.subarray(bytes.length - 6).toString('latin1'), 'ARROW1');
  for (const name of ['step', 'event', 'users', 'conversion_from_first', 'median_seconds_from_previous']) {
    assert.ok(bytes.includes(Buffer.from(name)), `column ${name} in the schema`);
  }
  // The same rows through the engine export in the page: the bytes are identical.
  const again = await page.evaluate(async () => {
    const m = await import('/pkg/tidemark.js');
    await m.default(); // its own instance: the page's glue is inside dist/app.js
    return [...m.tableToArrow({ columns: ['a', 'b'], rows: [[1, 'x'], [2, null]] }).subarray(0, 6)];
  });
  assert.deepEqual(again, [...Buffer.from('ARROW1')]);
  const err = await page.evaluate(async () => {
    const m = await import('/pkg/tidemark.js');
    await m.default(); // its own instance: the page's glue is inside dist/app.js
    try {
      m.tableToArrow({ columns: ['a', 'b'], rows: [[1]] });
      return null;
    } catch (e) {
      return e.message;
    }
  });
  assert.equal(err, 'bad table: row 1 of the table has 1 cells, not 2 (one per column)');

  await page.selectOption(tid('table-format'), 'csv');
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click(tid('export-csv'))]);
  assert.equal(csv.suggestedFilename(), 'demo-funnel.csv');
  assert.match(await readFile(await csv.path(), 'utf8'), /^step,event,label,users,/);
  assert.deepEqual(pageErrors, []);
});
