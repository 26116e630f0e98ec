// The retention panel: cohort × period matrix (users or revenue), heatmap, the
// average curve, and the historical LTV curves and table for the revenue measure.
// Two compared segments (`segments` in the spec): one average curve each on the
// curve chart (drawn by the engine) and their matrices side by side.
import { drawRetention, drawRetentionCurve, drawLtv } from '/pkg/tidemark.js';
import { $, el, nf, money, option, numCell, formatPct } from './dom.js';
import { t, onLang } from './i18n.js';
import { client, setStatus, panelError } from './state.js';
import { downloadCsv, exportCanvas, drawInto } from './exports.js';
import { fillSegmentSelect, onSavedChange, chosenSegment, chosenName } from './saved.js';
import { remember } from './results.js';

/** The last retention result shown. */
let retention = null;

function renderForm(s) {
  $('retention').hidden = false;
  $('rt-results').hidden = true;
  $('rt-message').hidden = true;
  retention = null;
  for (const id of ['rt-start', 'rt-return']) {
    const sel = $(id);
    sel.replaceChildren(option('', t('u7.any_event'), true));
    for (const e of s.events) sel.append(option(e.name, e.name));
  }
  fillSegmentSelects();
}

function fillSegmentSelects() {
  fillSegmentSelect($('rt-segment'), t('u7.all_users'));
  fillSegmentSelect($('rt-compare-a'), '—');
  fillSegmentSelect($('rt-compare-b'), '—');
}

function buildSpec() {
  const ev = (id) => ($(id).value === '' ? null : $(id).value);
  const spec = {
    analysis: 'retention',
    period: $('rt-period').value,
    start_event: ev('rt-start'),
    return_event: ev('rt-return'),
    periods: Number($('rt-periods').value),
    mode: $('rt-mode').value,
    measure: $('rt-measure').value,
  };
  // Only a chosen segment is part of the spec: "all users" is the spec without one.
  const segment = chosenSegment($('rt-segment'));
  if (segment) spec.segment = segment;
  const compare = ['rt-compare-a', 'rt-compare-b']
    .map((id) => $(id))
    .filter((sel) => sel.value !== '')
    .map((sel) => ({ name: chosenName(sel), segment: chosenSegment(sel) }));
  if (compare.length) spec.segments = compare;
  return spec;
}

async function run() {
  const spec = buildSpec();
  $('rt-run').disabled = true;
  $('rt-message').hidden = true;
  setStatus(t('u7.rt.busy'));
  try {
    const m = await client.request({ type: 'run', spec });
    retention = m.report;
    remember('retention', spec, m.report);
    render(m.report);
    setStatus(t('u7.rt.done', nf.format(m.report.cohorts.length)));
  } catch (e) {
    $('rt-results').hidden = true;
    panelError('rt-message', e);
    setStatus(t('u7.rt.failed'));
  } finally {
    $('rt-run').disabled = false;
  }
}


/**
 * One matrix cell. Users measure: the share of the cohort active in period k
 * (data-value: the active count). Revenue measure: revenue per cohort user in
 * period k (data-value: the cohort's revenue that period). An incomplete period
 * shows its partial value with a * and never a plain percentage.
 */
function matrixCell(r, c, k) {
  const n = c.retained[k];
  const rate = c.retained_rate[k];
  const active = t('u7.rt.active', nf.format(n), nf.format(c.size));
  let text;
  let title;
  let value;
  if (r.measure === 'revenue') {
    const total = c.revenue?.[k] ?? null;
    const perUser = c.revenue_per_user?.[k] ?? null;
    text = perUser === null ? '—' : money.fixed2(perUser);
    title = t('u7.rt.revenue_tip', total === null ? '—' : money.fixed2(total), text, active);
    value = total;
  } else {
    text = c.complete[k] ? formatPct(rate) : nf.format(n);
    title = active;
    value = n;
  }
  if (!c.complete[k]) {
    text = `${text}*`;
    title = t('u7.rt.partial_tip', title);
  }
  const td = el('td', { class: c.complete[k] ? 'n' : 'n partial', text, title });
  td.dataset.value = value === null ? '' : String(value);
  td.dataset.retained = String(n);
  td.dataset.complete = String(c.complete[k]);
  td.dataset.rate = rate === null ? '' : String(rate);
  return td;
}

function render(r) {
  $('rt-results').hidden = false;
  $('rt-filter-note').textContent = r.segment
    ? t('u7.filter_note_end', chosenName($('rt-segment')), nf.format(r.segment.users), formatPct(r.segment.share_users))
    : '';
  const width = matrixWidth(r);
  $('rt-table-note').textContent = r.measure === 'revenue'
    ? t('u7.rt.note_revenue', t(`r.period.${r.period}`))
    : t('u7.rt.note_users', t(`r.period.${r.period}`));
  renderMatrix($('rt-table'), r, width, 'rt-row');
  renderParts(r);
  renderLtvTable(r, width);
  $('rt-ltv-box').hidden = r.measure !== 'revenue';
  $('rt-png-ltv').hidden = r.measure !== 'revenue';
  draw();
}

/** The number of period columns of a result's matrix. */
function matrixWidth(r) {
  return Math.max(0, ...r.cohorts.map((c) => c.retained.length));
}

/** Fills `table` (thead with one row, tbody) with the cohort × period matrix of `r`; rows get testids `${prefix}-${i}`. */
function renderMatrix(table, r, width, prefix) {
  const head = table.tHead.rows[0];
  head.replaceChildren(el('th', { scope: 'col', text: t('r.col.cohort') }), el('th', { scope: 'col', class: 'n', text: t('r.col.size') }));
  for (let k = 0; k < width; k++) head.append(el('th', { scope: 'col', class: 'n', text: t('r.period.k', t(`r.period.${r.period}`), k) }));
  const body = table.tBodies[0];
  body.replaceChildren();
  r.cohorts.forEach((c, i) => {
    const tr = el('tr', { testid: `${prefix}-${i}` }, el('th', { scope: 'row', text: c.start }), numCell(nf.format(c.size), c.size));
    for (let k = 0; k < width; k++) {
      tr.append(k < c.retained.length ? matrixCell(r, c, k) : el('td', { class: 'n empty', text: '' }));
    }
    body.append(tr);
  });
}

/** The compared segments' matrices side by side (text only: names are the user's). */
function renderParts(r) {
  const parts = r.by_segment ?? [];
  $('rt-compare').hidden = parts.length === 0;
  $('rt-compare-parts').replaceChildren(...parts.map((p, i) => {
    const table = el('table', { testid: `rt-part-${i}` }, el('thead', {}, el('tr')), el('tbody'));
    renderMatrix(table, p.result, matrixWidth(p.result), `rt-part-${i}-row`);
    const head = t('u7.part_head', p.segment.name, nf.format(p.segment.users), formatPct(p.segment.share_users));
    return el('div', { testid: `rt-part-box-${i}` }, el('h4', { text: head, testid: `rt-part-head-${i}` }), el('div', { class: 'table-wrap' }, table));
  }));
}

/** Cumulative revenue per cohort user; incomplete cells get a * and no plain value. */
function renderLtvTable(r, width) {
  const wrap = $('rt-ltv-wrap');
  wrap.hidden = r.measure !== 'revenue';
  if (wrap.hidden) return;
  const head = $('rt-ltv-table').tHead.rows[0];
  head.replaceChildren(el('th', { scope: 'col', text: t('r.col.cohort') }), el('th', { scope: 'col', class: 'n', text: t('r.col.size') }));
  for (let k = 0; k < width; k++) head.append(el('th', { scope: 'col', class: 'n', text: t('r.period.k', t(`r.period.${r.period}`), k) }));
  const body = $('rt-ltv-table').tBodies[0];
  body.replaceChildren();
  for (const c of r.cohorts) {
    const tr = el('tr', {}, el('th', { scope: 'row', text: c.start }), numCell(nf.format(c.size), c.size));
    const cum = c.cumulative_revenue_per_user ?? [];
    for (let k = 0; k < width; k++) {
      if (k >= cum.length) {
        tr.append(el('td', { class: 'n empty', text: '' }));
        continue;
      }
      const v = cum[k];
      const text = v === null ? '—' : money.fixed2(v);
      const td = el('td', { class: c.complete[k] ? 'n' : 'n partial', text: c.complete[k] ? text : `${text}*`, title: c.complete[k] ? undefined : t('u7.rt.partial') });
      td.dataset.value = v === null ? '' : String(v);
      td.dataset.complete = String(c.complete[k]);
      tr.append(td);
    }
    body.append(tr);
  }
}

function draw() {
  const r = retention;
  if (!r) return;
  drawInto('rt-heatmap', drawRetention, r);
  drawInto('rt-curve', drawRetentionCurve, r);
  if (r.measure === 'revenue') drawInto('rt-ltv', drawLtv, r);
}

function exportTable() {
  const r = retention;
  if (!r) return;
  const cols = ['cohort', 'size', 'period', 'retained', 'retained_rate', 'complete', 'revenue', 'revenue_per_user', 'cumulative_revenue_per_user'];
  const cells = (res, lead) => res.cohorts.flatMap((c) => c.retained.map((n, k) =>
    [...lead, c.start, c.size, k, n, c.retained_rate[k], c.complete[k], c.revenue?.[k], c.revenue_per_user?.[k], c.cumulative_revenue_per_user?.[k]]));
  const parts = r.by_segment ?? [];
  // With compared segments, a first column says whose row it is.
  const rows = parts.length
    ? [['segment', ...cols], ...cells(r, [r.segment ? r.segment.name : '(all users)']), ...parts.flatMap((p) => cells(p.result, [p.segment.name]))]
    : [cols, ...cells(r, [])];
  downloadCsv(rows, 'retention');
}

/** The retention panel. */
export const retentionPanel = {
  name: 'retention',
  wire() {
    $('retention-form').addEventListener('submit', (e) => {
      e.preventDefault();
      run();
    });
    $('rt-png-heatmap').addEventListener('click', () => exportCanvas('rt-heatmap', 'retention-heatmap'));
    $('rt-png-curve').addEventListener('click', () => exportCanvas('rt-curve', 'retention-curve'));
    $('rt-png-ltv').addEventListener('click', () => exportCanvas('rt-ltv', 'ltv'));
    $('rt-csv').addEventListener('click', exportTable);
    onSavedChange(fillSegmentSelects);
    // The texts built after a run follow a language switch.
    onLang(() => {
      if (retention) render(retention);
    });
  },
  onLoaded: renderForm,
  onReset({ hide = false } = {}) {
    retention = null;
    if (hide) $('retention').hidden = true;
  },
  redraw: draw,
};
