// The funnel panel: step builder with filters, window, mode and breakdown; the
// chart with tooltips; the table; PNG, CSV and drop-off user exports.
import { drawFunnel } from '/pkg/tidemark.js';
import { $, el, nf, option, formatPct, formatDuration } from './dom.js';
import { t, onLang } from './i18n.js';
import { state, client, setStatus, showError, showEngineError, clearError } from './state.js';
import { download, downloadCsv, baseName, csvText } from './exports.js';
import { fillSegmentSelect, onSavedChange, chosenSegment, chosenName } from './saved.js';
import { remember } from './results.js';

const MAX_STEPS = 10;
const MIN_STEPS = 2;
/** Funnel stages suggested after a load, each with the names it goes by. */
const STAGES = [
  ['page_view', 'pageview', 'view_page', 'screen_view', 'visit', 'session_start'],
  ['product_view', 'view_item', 'view_product', 'product_viewed', 'item_view'],
  ['add_to_cart', 'add_to_basket', 'cart_add', 'added_to_cart', 'addtocart'],
  ['checkout', 'begin_checkout', 'checkout_start', 'start_checkout', 'checkout_started'],
  ['purchase', 'order', 'order_completed', 'purchased', 'buy', 'transaction'],
];

/** This panel's state: the last report, its spec, and where drawFunnel put the bars. */
const funnel = { report: null, spec: null, layout: null };

/** Columns usable in step filters and breakdowns. */
export function propertyColumns(s) {
  return s.columns.filter((c) => ['property', 'order', 'item'].includes(c.role)).map((c) => c.name);
}

/** A funnel worth showing first: known stages in order, else the most frequent events. */
function suggestSteps(s) {
  const names = s.events.map((e) => e.name);
  const lower = new Map(names.map((n) => [n.toLowerCase(), n]));
  const picked = [];
  for (const stage of STAGES) {
    const hit = stage.map((n) => lower.get(n)).find(Boolean);
    if (hit && !picked.includes(hit)) picked.push(hit);
  }
  if (picked.length >= MIN_STEPS) return picked;
  return names.slice(0, Math.min(3, names.length));
}

function renderBuilder(s) {
  $('funnel').hidden = false;
  const keep = funnel.spec && funnel.spec.steps.every((st) => s.events.some((e) => e.name === st.event));
  const steps = keep ? funnel.spec.steps : suggestSteps(s).map((event) => ({ event }));
  const list = $('steps');
  list.replaceChildren();
  for (const st of steps) list.append(stepRow(s, st));
  while (list.children.length < MIN_STEPS) list.append(stepRow(s, { event: s.events[0]?.name ?? '' }));
  const bd = $('breakdown');
  const current = bd.value;
  bd.replaceChildren(option('', t('ui.none')));
  for (const name of propertyColumns(s)) bd.append(option(name, name, name === current));
  fillSegmentSelects();
  updateStepControls();
}

/** The user attribute columns (an attached attribute file): breakdowns by the user's value. */
export function setAttributeColumns(columns) {
  const bd = $('breakdown');
  const keep = bd.value;
  for (const o of [...bd.options]) if (o.dataset.attribute) o.remove();
  for (const name of columns) {
    const o = option(name, t('u7.fn.attribute', name), name === keep);
    o.dataset.attribute = 'true';
    bd.append(o);
  }
}

function fillSegmentSelects() {
  fillSegmentSelect($('funnel-segment'), t('u7.all_users'));
  fillSegmentSelect($('funnel-compare-a'), '—');
  fillSegmentSelect($('funnel-compare-b'), '—');
}

function stepRow(s, step = {}) {
  const li = el('li', { class: 'step' });
  const eventSel = el('select', { class: 'step-event', 'aria-label': t('ui.event') });
  for (const e of s.events) eventSel.append(option(e.name, `${e.name} (${nf.format(e.count)})`, e.name === step.event));
  const filterCol = el('select', { class: 'step-filter-col' });
  filterCol.append(option('', t('u7.fn.no_filter')));
  const [[fcol, fval] = []] = Object.entries(step.where ?? {});
  for (const name of propertyColumns(s)) filterCol.append(option(name, name, name === fcol));
  const filterVal = el('input', { class: 'step-filter-val', placeholder: t('u7.fn.value'), type: 'text' });
  filterVal.value = fval === undefined ? '' : String(fval);
  filterVal.disabled = !filterCol.value;
  filterCol.addEventListener('change', () => {
    filterVal.disabled = !filterCol.value;
    if (filterCol.value) filterVal.focus();
  });
  const remove = el('button', { type: 'button', class: 'button icon step-remove', text: '×' });
  remove.addEventListener('click', () => {
    if ($('steps').children.length <= MIN_STEPS) return;
    li.remove();
    updateStepControls();
  });
  li.append(
    el('span', { class: 'step-label' }),
    eventSel,
    el('span', { class: 'where', text: t('u7.fn.where') }),
    filterCol,
    el('span', { class: 'eq', text: '=' }),
    filterVal,
    remove,
  );
  return li;
}

function updateStepControls() {
  const rows = [...$('steps').children];
  rows.forEach((li, i) => {
    li.dataset.testid = `step-${i + 1}`;
    li.querySelector('.step-label').textContent = t('u7.fn.step', i + 1);
    li.querySelector('.step-event').setAttribute('aria-label', t('u7.fn.step_event', i + 1));
    li.querySelector('.step-filter-col').setAttribute('aria-label', t('u7.fn.step_filter_col', i + 1));
    li.querySelector('.step-filter-val').setAttribute('aria-label', t('u7.fn.step_filter_val', i + 1));
    li.querySelector('.step-filter-val').placeholder = t('u7.fn.value');
    li.querySelector('.where').textContent = t('u7.fn.where');
    li.querySelector('.step-filter-col').options[0].text = t('u7.fn.no_filter');
    const rm = li.querySelector('.step-remove');
    rm.setAttribute('aria-label', t('u7.fn.remove_step', i + 1));
    rm.disabled = rows.length <= MIN_STEPS;
  });
  $('add-step').disabled = rows.length >= MAX_STEPS;
}

function buildSpec() {
  const steps = [...$('steps').children].map((li) => {
    const step = { event: li.querySelector('.step-event').value };
    const col = li.querySelector('.step-filter-col').value;
    if (col) step.where = { [col]: li.querySelector('.step-filter-val').value };
    return step;
  });
  const n = $('window-n').value.trim();
  const limit = Number.parseInt($('breakdown-limit').value, 10);
  const spec = {
    analysis: 'funnel',
    steps,
    window: `${n === '' ? '7' : n}${$('window-unit').value}`,
    mode: $('mode').value,
    breakdown: $('breakdown').value || null,
    breakdown_limit: Number.isFinite(limit) && limit > 0 ? limit : 10,
  };
  // Only a chosen segment is part of the spec: "all users" is the spec without one.
  const segment = chosenSegment($('funnel-segment'));
  if (segment) spec.segment = segment;
  const compare = ['funnel-compare-a', 'funnel-compare-b']
    .map((id) => $(id))
    .filter((sel) => sel.value !== '')
    .map((sel) => ({ name: chosenName(sel), segment: chosenSegment(sel) }));
  if (compare.length) spec.segments = compare;
  return spec;
}

/**
 * The report the chart and the table show: with compared segments, their
 * funnels as the buckets (the chart draws buckets side by side).
 */
function shown(report) {
  if (!report.by_segment) return report;
  return {
    ...report,
    breakdown: report.by_segment.map((p) => ({ value: p.segment.name, other: false, steps: p.result.steps, segment: p.segment })),
  };
}

async function runFunnel() {
  clearError();
  const spec = buildSpec();
  $('run-button').disabled = true;
  setStatus(t('u7.fn.busy'));
  try {
    const m = await client.request({ type: 'run', spec });
    funnel.report = shown(m.report);
    funnel.spec = spec;
    remember('funnel', spec, m.report);
    renderResults(funnel.report, spec);
    const first = m.report.steps[0]?.users ?? 0;
    const last = m.report.steps.at(-1)?.users ?? 0;
    setStatus(t('u7.fn.done', nf.format(first), nf.format(last)));
  } catch (e) {
    if (e.kind !== 'crashed') showEngineError(e);
    setStatus(t('u7.fn.failed'));
  } finally {
    $('run-button').disabled = false;
  }
}

function renderResults(report, spec) {
  $('results').hidden = false;
  const body = $('results-table').tBodies[0];
  body.replaceChildren();
  const stepRows = (steps, bucket) =>
    steps.forEach((st, i) => {
      const cell = (text, value, cls = 'n') => {
        const td = el('td', { class: cls, text });
        if (value !== undefined) td.dataset.value = value === null ? '' : String(value);
        return td;
      };
      const tr = el(
        'tr',
        { testid: bucket === undefined ? `result-step-${i + 1}` : undefined },
        el('th', { scope: 'row', text: `${i + 1}. ${st.label || st.event}` }),
        cell(nf.format(st.users), st.users),
        cell(formatPct(st.conversion_from_previous), st.conversion_from_previous),
        cell(formatPct(st.conversion_from_first), st.conversion_from_first),
        cell(i === 0 ? '—' : nf.format(st.dropoff), st.dropoff),
        cell(formatDuration(st.median_seconds_from_previous), st.median_seconds_from_previous),
        cell(formatDuration(st.mean_seconds_from_previous), st.mean_seconds_from_previous),
      );
      if (bucket !== undefined) tr.classList.add('bucket-step');
      body.append(tr);
    });
  $('funnel-filter-note').textContent = report.segment
    ? t('u7.filter_note', chosenName($('funnel-segment')), nf.format(report.segment.users), formatPct(report.segment.share_users))
    : '';
  stepRows(report.steps);
  (report.breakdown ?? []).forEach((b, i) => {
    const name = bucketName(b);
    const head = b.segment
      ? t('u7.fn.part_head', name, nf.format(b.segment.users), formatPct(b.segment.share_users))
      : `${spec.breakdown} = ${name}`;
    body.append(el('tr', { class: 'bucket', testid: b.segment ? `funnel-part-${i}` : undefined }, el('th', { scope: 'rowgroup', colspan: '7', text: head })));
    stepRows(b.steps, name);
  });
  const sel = $('dropoff-step');
  sel.replaceChildren();
  for (let k = 1; k < report.steps.length; k++) {
    sel.append(option(String(k), `${k}. ${report.steps[k - 1].label || report.steps[k - 1].event}`));
  }
  drawChart();
}

/** The chart's tooltip: the bar under the pointer, from the layout drawFunnel returned. */
function chartTooltip(event) {
  const canvas = $('chart');
  const bars = funnel.layout?.bars ?? [];
  const r = canvas.getBoundingClientRect();
  const x = event.clientX - r.left;
  const y = event.clientY - r.top;
  const bar = bars.find((b) => x >= b.rect.x0 && x < b.rect.x1 && y >= b.rect.y0 && y < b.rect.y1);
  if (!bar || !funnel.report) {
    canvas.removeAttribute('title');
    return;
  }
  const bucket = bar.bucket === null || bar.bucket === undefined ? null : funnel.report.breakdown?.[bar.bucket];
  const step = (bucket ? bucket.steps : funnel.report.steps)[bar.step];
  const who = !bucket ? '' : bucket.segment ? t('u7.fn.tip_segment', bucketName(bucket)) : ` (${funnel.spec?.breakdown} = ${bucketName(bucket)})`;
  canvas.title = t('u7.fn.tip', bar.step + 1, step?.label ?? '', who, nf.format(bar.users), formatPct(step?.conversion_from_first));
}

function bucketName(b) {
  if (b.other) return t('r.other');
  return b.value === null ? t('r.missing') : b.value;
}

function drawChart() {
  if (!funnel.report) return;
  const canvas = $('chart');
  const box = canvas.parentElement;
  box.querySelector('.chart-note')?.remove();
  funnel.layout = null;
  try {
    funnel.layout = drawFunnel(canvas, funnel.report);
  } catch (e) {
    box.append(el('p', { class: 'chart-note', text: t('u7.chart_failed', e?.message ?? e) }));
  }
}

function exportTable() {
  const r = funnel.report;
  if (!r) return;
  const header = ['step', 'event', 'label', 'users', 'conversion_from_previous', 'conversion_from_first', 'dropoff', 'median_seconds_from_previous', 'mean_seconds_from_previous'];
  const line = (st, i) => [i + 1, st.event, st.label, st.users, st.conversion_from_previous, st.conversion_from_first, st.dropoff, st.median_seconds_from_previous, st.mean_seconds_from_previous];
  let rows;
  if (r.breakdown) {
    rows = [['breakdown', ...header], ...r.steps.map((st, i) => ['(all users)', ...line(st, i)])];
    for (const b of r.breakdown) rows.push(...b.steps.map((st, i) => [bucketName(b), ...line(st, i)]));
  } else {
    rows = [header, ...r.steps.map(line)];
  }
  downloadCsv(rows, 'funnel');
}

function exportPng() {
  $('chart').toBlob((blob) => {
    if (blob) download(blob, `${baseName()}-funnel.png`);
    else showError(t('u7.png_failed'));
  }, 'image/png');
}

async function exportDropoff() {
  if (!funnel.spec) return;
  const step = Number($('dropoff-step').value);
  try {
    const m = await client.request({ type: 'dropoff', spec: funnel.spec, step });
    const rows = [['user'], ...m.users.map((u) => [u])];
    download(new Blob([csvText(rows)], { type: 'text/csv' }), `${baseName()}-lost-after-step-${step}.csv`);
    setStatus(t('u7.fn.dropoff', nf.format(m.users.length), step));
  } catch (e) {
    if (e.kind !== 'crashed') showEngineError(e);
  }
}

/** Shows `steps` ([{event, where?}]) in the step builder (a saved analysis being restored). */
export function showSteps(steps) {
  funnel.spec = { steps };
  renderBuilder(state.summary);
}

/** The funnel panel. */
export const funnelPanel = {
  name: 'funnel',
  wire() {
    $('add-step').addEventListener('click', () => {
      if (!state.summary || $('steps').children.length >= MAX_STEPS) return;
      const row = stepRow(state.summary, { event: state.summary.events[0]?.name });
      $('steps').append(row);
      updateStepControls();
      row.querySelector('select').focus();
    });
    $('funnel-form').addEventListener('submit', (e) => {
      e.preventDefault();
      runFunnel();
    });
    $('export-png').addEventListener('click', exportPng);
    $('export-csv').addEventListener('click', exportTable);
    $('export-dropoff').addEventListener('click', exportDropoff);
    $('chart').addEventListener('mousemove', chartTooltip);
    onSavedChange(() => fillSegmentSelects());
    // The texts built after a run follow a language switch.
    onLang(() => {
      if (!state.summary) return;
      updateStepControls();
      if (funnel.report && funnel.spec) renderResults(funnel.report, funnel.spec);
    });
  },
  onLoaded(s) {
    renderBuilder(s);
  },
  onReset({ hide = false } = {}) {
    funnel.report = null;
    funnel.spec = null;
    $('results').hidden = true;
    if (hide) $('funnel').hidden = true;
  },
  redraw: drawChart,
};
