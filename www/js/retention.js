// The retention panel: cohort × period matrix (users or revenue), heatmap, the
// average curve, and the historical LTV curves and table for the revenue measure.
import { drawRetention, drawRetentionCurve, drawLtv } from '/pkg/tidemark.js';
import { $, el, nf, option, numCell, formatPct } from './dom.js';
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
    sel.replaceChildren(option('', '(any event)', true));
    for (const e of s.events) sel.append(option(e.name, e.name));
  }
  fillSegmentSelect($('rt-segment'), 'All users');
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
  return spec;
}

async function run() {
  const spec = buildSpec();
  $('rt-run').disabled = true;
  $('rt-message').hidden = true;
  setStatus('Computing retention…');
  try {
    const m = await client.request({ type: 'run', spec });
    retention = m.report;
    remember('retention', spec, m.report);
    render(m.report);
    setStatus(`Retention: ${nf.format(m.report.cohorts.length)} cohorts.`);
  } catch (e) {
    $('rt-results').hidden = true;
    panelError('rt-message', e);
    setStatus('Retention could not be computed.');
  } finally {
    $('rt-run').disabled = false;
  }
}

/** Two-decimal amounts for the revenue tables. */
const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/**
 * One matrix cell. Users measure: the share of the cohort active in period k
 * (data-value: the active count). Revenue measure: revenue per cohort user in
 * period k (data-value: the cohort's revenue that period). An incomplete period
 * shows its partial value with a * and never a plain percentage.
 */
function matrixCell(r, c, k) {
  const n = c.retained[k];
  const rate = c.retained_rate[k];
  const active = `${nf.format(n)} of ${nf.format(c.size)} users active`;
  let text;
  let title;
  let value;
  if (r.measure === 'revenue') {
    const total = c.revenue?.[k] ?? null;
    const perUser = c.revenue_per_user?.[k] ?? null;
    text = perUser === null ? '—' : money.format(perUser);
    title = `revenue ${total === null ? '—' : money.format(total)} (${text} per cohort user); ${active}`;
    value = total;
  } else {
    text = c.complete[k] ? formatPct(rate) : nf.format(n);
    title = active;
    value = n;
  }
  if (!c.complete[k]) {
    text = `${text}*`;
    title = `incomplete period (partial): ${title} so far`;
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
    ? `Only the segment ${chosenName($('rt-segment'))}: ${nf.format(r.segment.users)} users (${formatPct(r.segment.share_users)} of all); the data end is the whole file's.`
    : '';
  const width = Math.max(0, ...r.cohorts.map((c) => c.retained.length));
  $('rt-table-note').textContent = r.measure === 'revenue'
    ? `Each cell: revenue per cohort user in ${r.period} k (the cohort's revenue that ${r.period} ÷ its size). Hover a cell for the total and the active users.`
    : `Each cell: the share of the cohort active in ${r.period} k. Hover a cell for the counts.`;
  const head = $('rt-table').tHead.rows[0];
  head.replaceChildren(el('th', { scope: 'col', text: 'Cohort' }), el('th', { scope: 'col', class: 'n', text: 'Size' }));
  for (let k = 0; k < width; k++) head.append(el('th', { scope: 'col', class: 'n', text: `${r.period} ${k}` }));
  const body = $('rt-table').tBodies[0];
  body.replaceChildren();
  r.cohorts.forEach((c, i) => {
    const tr = el('tr', { testid: `rt-row-${i}` }, el('th', { scope: 'row', text: c.start }), numCell(nf.format(c.size), c.size));
    for (let k = 0; k < width; k++) {
      tr.append(k < c.retained.length ? matrixCell(r, c, k) : el('td', { class: 'n empty', text: '' }));
    }
    body.append(tr);
  });
  renderLtvTable(r, width);
  $('rt-ltv-box').hidden = r.measure !== 'revenue';
  $('rt-png-ltv').hidden = r.measure !== 'revenue';
  draw();
}

/** Cumulative revenue per cohort user; incomplete cells get a * and no plain value. */
function renderLtvTable(r, width) {
  const wrap = $('rt-ltv-wrap');
  wrap.hidden = r.measure !== 'revenue';
  if (wrap.hidden) return;
  const head = $('rt-ltv-table').tHead.rows[0];
  head.replaceChildren(el('th', { scope: 'col', text: 'Cohort' }), el('th', { scope: 'col', class: 'n', text: 'Size' }));
  for (let k = 0; k < width; k++) head.append(el('th', { scope: 'col', class: 'n', text: `${r.period} ${k}` }));
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
      const text = v === null ? '—' : money.format(v);
      const td = el('td', { class: c.complete[k] ? 'n' : 'n partial', text: c.complete[k] ? text : `${text}*`, title: c.complete[k] ? undefined : 'incomplete period (partial)' });
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
  const rows = [['cohort', 'size', 'period', 'retained', 'retained_rate', 'complete', 'revenue', 'revenue_per_user', 'cumulative_revenue_per_user']];
  for (const c of r.cohorts) {
    c.retained.forEach((n, k) => rows.push([c.start, c.size, k, n, c.retained_rate[k], c.complete[k], c.revenue?.[k], c.revenue_per_user?.[k], c.cumulative_revenue_per_user?.[k]]));
  }
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
    onSavedChange(() => fillSegmentSelect($('rt-segment'), 'All users'));
  },
  onLoaded: renderForm,
  onReset({ hide = false } = {}) {
    retention = null;
    if (hide) $('retention').hidden = true;
  },
  redraw: draw,
};
