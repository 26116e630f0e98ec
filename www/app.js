// The page (main thread): UI, the worker that owns the engine, and chart drawing.
// The engine computes in the worker; charts are drawn here (plotters measures text
// through `window`). Every string that came from the data reaches the DOM as text
// (textContent, option.text), never as HTML.
import init, { drawFunnel, drawRepeatGaps, drawRepeatByMonth, drawRetention, drawRetentionCurve, drawLtv, drawLifecycle } from '/pkg/tidemark.js';

const MAX_STEPS = 10;
const MIN_STEPS = 2;
/** Roles a column can take, in the order shown. */
const ROLES = ['user', 'time', 'event', 'revenue', 'order', 'item', 'property'];
/** Funnel stages suggested after a load, each with the names it goes by. */
const STAGES = [
  ['page_view', 'pageview', 'view_page', 'screen_view', 'visit', 'session_start'],
  ['product_view', 'view_item', 'view_product', 'product_viewed', 'item_view'],
  ['add_to_cart', 'add_to_basket', 'cart_add', 'added_to_cart', 'addtocart'],
  ['checkout', 'begin_checkout', 'checkout_start', 'start_checkout', 'checkout_started'],
  ['purchase', 'order', 'order_completed', 'purchased', 'buy', 'transaction'],
];

const $ = (id) => document.getElementById(id);
const nf = new Intl.NumberFormat('en-US');

/** Creates an element; `text` becomes textContent, other props are attributes. */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = String(value);
    else if (key === 'testid') node.dataset.testid = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function option(value, text, selected = false) {
  const o = document.createElement('option');
  o.value = value;
  o.text = text;
  o.selected = selected;
  return o;
}

// ---------------------------------------------------------------- the worker

/** Talks to the engine worker; replaces it when it crashes (a wasm panic). */
class EngineClient {
  constructor({ onCrash }) {
    this.onCrash = onCrash;
    this.pending = new Map();
    this.nextId = 1;
    this.worker = null;
  }

  ensure() {
    if (this.worker) return this.worker;
    const w = new Worker('worker.js', { type: 'module' });
    w.onmessage = (e) => this.receive(e.data);
    w.onerror = (e) => {
      e.preventDefault?.();
      this.crash(`the engine worker failed: ${e.message || 'it could not start'}`);
    };
    this.worker = w;
    return w;
  }

  request(msg, onProgress) {
    const id = this.nextId++;
    const worker = this.ensure();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress, type: msg.type });
      worker.postMessage({ ...msg, id });
    });
  }

  cancel() {
    this.worker?.postMessage({ type: 'cancel' });
  }

  receive(m) {
    if (!m || m.type === 'ready') return;
    if (m.type === 'crashed') return this.crash(m.message);
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.type === 'progress') return p.onProgress?.(m);
    this.pending.delete(m.id);
    if (m.type === 'error' || m.type === 'cancelled') {
      const err = new Error(m.type === 'cancelled' ? 'cancelled' : m.message);
      err.kind = m.type === 'cancelled' ? 'cancelled' : m.kind;
      err.line = m.line ?? null;
      p.reject(err);
    } else {
      p.resolve(m);
    }
  }

  /** Ends the broken worker; the next request starts a fresh one. */
  crash(message) {
    this.worker?.terminate();
    this.worker = null;
    const lost = [...this.pending.values()];
    this.pending.clear();
    for (const p of lost) {
      const err = new Error(message);
      err.kind = 'crashed';
      p.reject(err);
    }
    this.onCrash(message, lost.map((p) => p.type));
  }
}

// ---------------------------------------------------------------- state

const state = {
  /** What is loaded or loading: {file: File} or {demo: true}. Kept to reload. */
  source: null,
  /** Role overrides sent as options.roles. */
  roles: {},
  summary: null,
  report: null,
  spec: null,
  loading: false,
  /** Counts loads, so the answer to a superseded load is ignored. */
  loadSeq: 0,
  /** Where drawFunnel put the bars (CSS pixels), for the tooltip. */
  layout: null,
  /** The last repurchase result shown. */
  repeat: null,
  /** The last retention result shown. */
  retention: null,
  /** The last lifecycle result shown. */
  lifecycle: null,
};

const client = new EngineClient({ onCrash: handleCrash });

// ---------------------------------------------------------------- messages

function setStatus(text) {
  $('status').textContent = text;
}

function showError(message) {
  $('error-text').textContent = message;
  $('error').hidden = false;
}

function clearError() {
  $('error').hidden = true;
  $('error-text').textContent = '';
}

function handleCrash(message, lostTypes) {
  showError(`The engine stopped unexpectedly and was restarted. ${message}`);
  const duringLoad = lostTypes.includes('load');
  if (state.summary && state.source && !duringLoad) {
    // The table lived in the crashed worker: read the file again, quietly.
    setStatus('Reloading the file in the restarted engine…');
    loadSource(state.source, { keepError: true });
  } else if (duringLoad) {
    // The engine that held the previous table is gone too.
    state.summary = null;
    state.report = null;
    for (const id of ['loaded', 'funnel', 'results']) $(id).hidden = true;
  }
}

// ---------------------------------------------------------------- loading

function loadOptions() {
  const opts = {};
  const roles = Object.fromEntries(Object.entries(state.roles));
  if (Object.keys(roles).length) opts.roles = roles;
  const tz = $('opt-tz').value.trim();
  if (tz) opts.time_zone = tz;
  const order = $('opt-date-order').value;
  if (order && order !== 'auto') opts.date_order = order;
  const enc = $('opt-encoding').value;
  if (enc) opts.encoding = enc;
  const delim = $('opt-delimiter').value;
  if (delim) opts.delimiter = delim;
  return opts;
}

function setLoading(on) {
  state.loading = on;
  $('progress-box').hidden = !on;
  $('cancel-button').disabled = !on;
  $('demo-button').disabled = on;
  $('choose-button').disabled = on;
  if (on) {
    $('progress').removeAttribute('value');
    $('progress-text').textContent = 'Starting…';
  }
}

function showProgress({ bytes, total, rows }) {
  const bar = $('progress');
  if (total > 0) {
    bar.max = total;
    bar.value = Math.min(bytes, total);
  }
  const pct = total > 0 ? ` (${Math.floor((100 * bytes) / total)}%)` : '';
  $('progress-text').textContent =
    `${formatBytes(bytes)} of ${formatBytes(total)}${pct} · ${nf.format(rows)} rows`;
}

/** Loads (or reloads with the current options) a file or the demo. */
async function loadSource(source, { keepError = false } = {}) {
  if (state.loading) client.cancel();
  const seq = ++state.loadSeq;
  const current = () => seq === state.loadSeq;
  state.source = source;
  if (!keepError) clearError();
  setLoading(true);
  const name = source.demo ? 'the demo data' : source.file.name;
  setStatus(`Reading ${name}…`);
  try {
    const m = await client.request(
      { type: 'load', file: source.file, demo: !!source.demo, options: loadOptions() },
      showProgress,
    );
    if (!current()) return false;
    state.summary = m.summary;
    renderSummary(m.summary);
    renderBuilder(m.summary);
    renderRepeatForm(m.summary);
    renderRetentionForm(m.summary);
    renderLifecycleForm(m.summary);
    renderOverview(m.summary, seq);
    const s = m.summary;
    setStatus(`Loaded ${s.file}: ${nf.format(s.rows)} events from ${nf.format(s.users)} users.`);
    return true;
  } catch (e) {
    if (!current()) return false;
    if (e.kind === 'cancelled') setStatus('Loading cancelled.');
    else if (e.kind !== 'crashed') {
      showError(e.message);
      setStatus('The file could not be loaded.');
    }
    return false;
  } finally {
    if (current()) setLoading(false);
  }
}

function startNewSource(source) {
  state.roles = {};
  state.report = null;
  state.spec = null;
  $('results').hidden = true;
  loadSource(source);
}

// ---------------------------------------------------------------- what was loaded

function renderSummary(s) {
  $('loaded').hidden = false;
  $('s-file').textContent = s.file;
  for (const [id, v] of [['s-rows-read', s.rows_read], ['s-rows', s.rows], ['s-users', s.users]]) {
    $(id).textContent = nf.format(v);
    $(id).dataset.value = String(v);
  }
  $('s-first').textContent = formatTime(s.first_time);
  $('s-last').textContent = formatTime(s.last_time);

  const facts = $('s-facts');
  facts.replaceChildren();
  const fact = (label, value, reason) =>
    facts.append(
      el('div', {}, el('dt', { text: label }), el('dd', {}, el('strong', { text: value }), reason ? el('span', { class: 'reason', text: ` — ${reason}` }) : null)),
    );
  fact('Encoding', s.encoding, s.encoding_reason);
  const delimiterNames = { ',': 'comma (,)', ';': 'semicolon (;)', '\t': 'tab', '|': 'pipe (|)' };
  fact('Delimiter', delimiterNames[s.delimiter] ?? s.delimiter, null);
  fact('Date order', s.date_order, s.date_order_reason);
  fact('Time format', s.time_format, null);
  fact('Time zone', s.time_zone, null);
  if (s.order_file) fact('Events', 'purchase', 'no event column: every row is an order');

  const skipped = $('skipped-list');
  skipped.replaceChildren();
  for (const k of s.skipped) {
    const lines = k.lines.length
      ? ` (line${k.lines.length > 1 ? 's' : ''} ${k.lines.join(', ')}${k.count > k.lines.length ? ', …' : ''})`
      : '';
    skipped.append(el('li', { text: `${k.reason}: ${nf.format(k.count)} row${k.count === 1 ? '' : 's'}${lines}` }));
  }
  $('skipped-box').hidden = s.skipped.length === 0;

  const cols = $('columns-table').tBodies[0];
  cols.replaceChildren();
  s.columns.forEach((c, i) => {
    const select = el('select', { 'aria-label': `Role of column ${c.name}`, testid: `role-${i}` });
    for (const r of ROLES) select.append(option(r, r, r === c.role));
    select.dataset.column = c.name;
    select.dataset.role = c.role;
    select.addEventListener('change', () => changeRole(c.name, c.role, select.value));
    cols.append(
      el('tr', {}, el('th', { scope: 'row', text: c.name }), el('td', { text: c.type }), el('td', {}, select), el('td', { class: 'reason', text: c.reason })),
    );
  });

  const events = $('events-table').tBodies[0];
  events.replaceChildren();
  for (const e of s.events) {
    events.append(el('tr', {}, el('td', { text: e.name }), el('td', { class: 'n', text: nf.format(e.count) })));
  }
}

/** A role changed in the columns table: reload with the new mapping. */
async function changeRole(column, oldRole, newRole) {
  if (!state.source || oldRole === newRole) return;
  const before = { ...state.roles };
  // A column holds one role: drop any other override naming it.
  for (const [role, col] of Object.entries(state.roles)) if (col === column) delete state.roles[role];
  if (oldRole !== 'property') state.roles[oldRole] = null;
  if (newRole !== 'property') state.roles[newRole] = column;
  const ok = await loadSource(state.source);
  if (!ok) {
    state.roles = before;
    if (state.summary) renderSummary(state.summary);
  }
}

// ---------------------------------------------------------------- the funnel builder

/** Columns usable in step filters and breakdowns. */
function propertyColumns(s) {
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
  const keep = state.spec && state.spec.steps.every((st) => s.events.some((e) => e.name === st.event));
  const steps = keep ? state.spec.steps : suggestSteps(s).map((event) => ({ event }));
  const list = $('steps');
  list.replaceChildren();
  for (const st of steps) list.append(stepRow(s, st));
  while (list.children.length < MIN_STEPS) list.append(stepRow(s, { event: s.events[0]?.name ?? '' }));
  const bd = $('breakdown');
  const current = bd.value;
  bd.replaceChildren(option('', 'None'));
  for (const name of propertyColumns(s)) bd.append(option(name, name, name === current));
  updateStepControls();
}

function stepRow(s, step = {}) {
  const li = el('li', { class: 'step' });
  const eventSel = el('select', { class: 'step-event', 'aria-label': 'Event' });
  for (const e of s.events) eventSel.append(option(e.name, `${e.name} (${nf.format(e.count)})`, e.name === step.event));
  const filterCol = el('select', { class: 'step-filter-col', 'aria-label': 'Filter column' });
  filterCol.append(option('', 'no filter'));
  const [[fcol, fval] = []] = Object.entries(step.where ?? {});
  for (const name of propertyColumns(s)) filterCol.append(option(name, name, name === fcol));
  const filterVal = el('input', { class: 'step-filter-val', 'aria-label': 'Filter value', placeholder: 'value', type: 'text' });
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
    el('span', { class: 'where', text: 'where' }),
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
    li.querySelector('.step-label').textContent = `Step ${i + 1}`;
    li.querySelector('.step-event').setAttribute('aria-label', `Step ${i + 1} event`);
    li.querySelector('.step-filter-col').setAttribute('aria-label', `Step ${i + 1} filter column`);
    li.querySelector('.step-filter-val').setAttribute('aria-label', `Step ${i + 1} filter value`);
    const rm = li.querySelector('.step-remove');
    rm.setAttribute('aria-label', `Remove step ${i + 1}`);
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
  return {
    analysis: 'funnel',
    steps,
    window: `${n === '' ? '7' : n}${$('window-unit').value}`,
    mode: $('mode').value,
    breakdown: $('breakdown').value || null,
    breakdown_limit: Number.isFinite(limit) && limit > 0 ? limit : 10,
  };
}

async function runFunnel() {
  clearError();
  const spec = buildSpec();
  $('run-button').disabled = true;
  setStatus('Computing the funnel…');
  try {
    const m = await client.request({ type: 'run', spec });
    state.report = m.report;
    state.spec = spec;
    renderResults(m.report, spec);
    const first = m.report.steps[0]?.users ?? 0;
    const last = m.report.steps.at(-1)?.users ?? 0;
    setStatus(`Funnel: ${nf.format(first)} users started, ${nf.format(last)} completed.`);
  } catch (e) {
    if (e.kind !== 'crashed') showError(e.message);
    setStatus('The funnel could not be computed.');
  } finally {
    $('run-button').disabled = false;
  }
}

// ---------------------------------------------------------------- results

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
  stepRows(report.steps);
  for (const b of report.breakdown ?? []) {
    const name = bucketName(b);
    body.append(
      el('tr', { class: 'bucket' }, el('th', { scope: 'rowgroup', colspan: '7', text: `${spec.breakdown} = ${name}` })),
    );
    stepRows(b.steps, name);
  }
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
  const bars = state.layout?.bars ?? [];
  const r = canvas.getBoundingClientRect();
  const x = event.clientX - r.left;
  const y = event.clientY - r.top;
  const bar = bars.find((b) => x >= b.rect.x0 && x < b.rect.x1 && y >= b.rect.y0 && y < b.rect.y1);
  if (!bar || !state.report) {
    canvas.removeAttribute('title');
    return;
  }
  const bucket = bar.bucket === null || bar.bucket === undefined ? null : state.report.breakdown?.[bar.bucket];
  const step = (bucket ? bucket.steps : state.report.steps)[bar.step];
  const who = bucket ? ` (${state.spec?.breakdown} = ${bucketName(bucket)})` : '';
  canvas.title = `Step ${bar.step + 1}: ${step?.label ?? ''}${who}: ${nf.format(bar.users)} users, ${formatPct(step?.conversion_from_first)} of step 1`;
}

function bucketName(b) {
  if (b.other) return '(other)';
  return b.value === null ? '(missing)' : b.value;
}

function drawChart() {
  if (!state.report) return;
  const canvas = $('chart');
  const box = canvas.parentElement;
  box.querySelector('.chart-note')?.remove();
  state.layout = null;
  try {
    state.layout = drawFunnel(canvas, state.report);
  } catch (e) {
    box.append(el('p', { class: 'chart-note', text: `The chart could not be drawn: ${e?.message ?? e}` }));
  }
}

// ---------------------------------------------------------------- exports

/** One CSV cell: formulas neutralised (leading = + - @ tab CR get a '), quoted when needed. */
export function csvCell(value) {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  if (/[",\n\r]/.test(text)) text = `"${text.replaceAll('"', '""')}"`;
  return text;
}

function csvText(rows) {
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function baseName() {
  const name = state.summary?.file ?? 'tidemark';
  return name.replace(/\.[^.]*$/, '').replace(/[^\w.-]+/g, '_') || 'tidemark';
}

function exportTable() {
  const r = state.report;
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
  download(new Blob([csvText(rows)], { type: 'text/csv' }), `${baseName()}-funnel.csv`);
}

function exportPng() {
  $('chart').toBlob((blob) => {
    if (blob) download(blob, `${baseName()}-funnel.png`);
    else showError('The chart could not be exported.');
  }, 'image/png');
}

async function exportDropoff() {
  if (!state.spec) return;
  const step = Number($('dropoff-step').value);
  try {
    const m = await client.request({ type: 'dropoff', spec: state.spec, step });
    const rows = [['user'], ...m.users.map((u) => [u])];
    download(new Blob([csvText(rows)], { type: 'text/csv' }), `${baseName()}-lost-after-step-${step}.csv`);
    setStatus(`${nf.format(m.users.length)} users reached step ${step} but not step ${step + 1}.`);
  } catch (e) {
    if (e.kind !== 'crashed') showError(e.message);
  }
}

// ---------------------------------------------------------------- repeat purchase

/** Event names that usually mean a purchase, most likely first. */
const PURCHASE_NAMES = ['purchase', 'order', 'order_completed', 'purchased', 'buy', 'transaction', 'checkout_completed', '支付', '购买', '下单'];

function renderRepeatForm(s) {
  $('repeat').hidden = false;
  $('rp-results').hidden = true;
  $('rp-message').hidden = true;
  state.repeat = null;
  const sel = $('rp-event');
  sel.replaceChildren(option('', '(guess)', true));
  for (const e of s.events) sel.append(option(e.name, e.name));
  const lower = s.events.map((e) => e.name.toLowerCase());
  const guess = PURCHASE_NAMES.find((n) => lower.includes(n));
  if (guess) sel.value = s.events[lower.indexOf(guess)].name;
}

function buildRepeatSpec() {
  const windows = $('rp-windows').value.split(/[\s,;]+/).filter(Boolean).map(Number);
  const spec = { analysis: 'repurchase', within_days: windows };
  const ev = $('rp-event').value;
  spec.purchase_event = ev === '' ? null : ev;
  const d = Number($('rp-drivers-days').value);
  if ($('rp-drivers-days').value !== '') spec.drivers_within_days = d;
  const g = Number($('rp-min-group').value);
  if ($('rp-min-group').value !== '') spec.min_group = g;
  return spec;
}

async function runRepeat() {
  const spec = buildRepeatSpec();
  $('rp-run').disabled = true;
  $('rp-message').hidden = true;
  setStatus('Computing repeat purchases…');
  try {
    const m = await client.request({ type: 'run', spec });
    state.repeat = m.report;
    renderRepeat(m.report);
    setStatus(`Repeat purchase: ${nf.format(m.report.buyers)} buyers, ${nf.format(m.report.repeat_buyers)} bought again.`);
  } catch (e) {
    $('rp-results').hidden = true;
    if (e.kind !== 'crashed') {
      $('rp-message').textContent = e.message;
      $('rp-message').hidden = false;
    }
    setStatus('Repeat purchases could not be computed.');
  } finally {
    $('rp-run').disabled = false;
  }
}

/** A table cell with its raw value in data-value (for tests and exports). */
function numCell(text, value) {
  const td = el('td', { class: 'n', text });
  if (value !== undefined) td.dataset.value = value === null ? '' : String(value);
  return td;
}

function tile(label, value, sub, title) {
  return el('div', { class: 'tile', title }, el('span', { class: 'tile-label', text: label }), el('span', { class: 'tile-value', text: value }), sub ? el('span', { class: 'tile-sub', text: sub }) : null);
}

function renderRepeat(r) {
  $('rp-results').hidden = false;
  const tiles = $('rp-tiles');
  tiles.replaceChildren(
    tile('Buyers', nf.format(r.buyers), `purchase event: ${r.purchase_event}${r.purchase_event_guessed ? ' (guessed)' : ''}`, 'Users with at least one purchase event.'),
    ...r.rates.map((x) =>
      tile(`Repeat within ${x.days} days`, formatPct(x.rate), `${nf.format(x.repeaters)} of ${nf.format(x.eligible)} eligible; ${nf.format(x.not_yet_eligible)} not yet eligible`,
        `Among buyers whose first purchase is at least ${x.days} days before the data end, the share who bought again within ${x.days} days.`)),
    tile('Median days to 2nd purchase', r.median_gap_days === null ? '—' : `${+r.median_gap_days.toFixed(1)} d`, null, 'Median gap between the first and the second purchase, over repeat buyers.'),
  );
  const rates = $('rp-rates').tBodies[0];
  rates.replaceChildren();
  r.rates.forEach((x, i) => rates.append(el('tr', { testid: `rp-rate-${i}` },
    el('th', { scope: 'row', text: `${x.days} days` }),
    numCell(nf.format(x.eligible), x.eligible), numCell(nf.format(x.repeaters), x.repeaters),
    numCell(formatPct(x.rate), x.rate), numCell(nf.format(x.not_yet_eligible), x.not_yet_eligible))));

  const sentences = $('rp-sentences');
  sentences.replaceChildren(...r.drivers.slice(0, 3).map((d) => el('li', { text: d.sentence })));
  const body = $('rp-drivers').tBodies[0];
  body.replaceChildren();
  r.drivers.forEach((d, i) => body.append(el('tr', { testid: `rp-driver-${i}` },
    el('th', { scope: 'row', text: d.behaviour }),
    numCell(formatPct(d.with_rate), d.with_rate), numCell(formatPct(d.without_rate), d.without_rate),
    numCell(d.lift === null ? '—' : `×${d.lift.toFixed(2)}`, d.lift),
    numCell(`${formatSignedPts(d.ci_low)} to ${formatSignedPts(d.ci_high)}`, `${d.ci_low},${d.ci_high}`),
    numCell(formatP(d.p_value), d.p_value),
    numCell(`${nf.format(d.with_users)} / ${nf.format(d.without_users)}`, `${d.with_users},${d.without_users}`))));
  if (r.drivers.length === 0) {
    body.append(el('tr', {}, el('td', { colspan: '7', text: 'No behaviour has enough buyers with and without it.' })));
  }
  $('rp-hidden').textContent =
    `Behaviours done within ${r.drivers_within_days} days after the first purchase; outcome: a repeat within ${r.outcome_days} days. ` +
    `${nf.format(r.hidden_small_groups)} behaviour${r.hidden_small_groups === 1 ? '' : 's'} with fewer than ${nf.format(r.min_group)} buyers on a side ${r.hidden_small_groups === 1 ? 'is' : 'are'} hidden. ` +
    'This is association, not causation: buyers who do a behaviour may differ in other ways.';
  drawRepeat();
}

function drawRepeat() {
  const r = state.repeat;
  if (!r) return;
  drawInto('rp-gaps', drawRepeatGaps, r);
  drawInto('rp-months', drawRepeatByMonth, r);
}

/** Draws `report` on canvas `id` with `fn`; a failure becomes a note under it. */
function drawInto(id, fn, report) {
  const canvas = $(id);
  const box = canvas.parentElement;
  box.querySelector('.chart-note')?.remove();
  try {
    return fn(canvas, report);
  } catch (e) {
    box.append(el('p', { class: 'chart-note', text: `The chart could not be drawn: ${e?.message ?? e}` }));
    return null;
  }
}

function formatSignedPts(x) {
  const v = (x * 100).toFixed(1);
  return `${x > 0 ? '+' : ''}${v} pts`;
}

function formatP(p) {
  if (p === null || p === undefined) return '—';
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

function exportCanvas(id, suffix) {
  $(id).toBlob((blob) => {
    if (blob) download(blob, `${baseName()}-${suffix}.png`);
    else showError('The chart could not be exported.');
  }, 'image/png');
}

function exportRepeatRates() {
  const r = state.repeat;
  if (!r) return;
  const rows = [['days', 'eligible', 'repeaters', 'rate', 'not_yet_eligible'], ...r.rates.map((x) => [x.days, x.eligible, x.repeaters, x.rate, x.not_yet_eligible])];
  download(new Blob([csvText(rows)], { type: 'text/csv' }), `${baseName()}-repeat-rates.csv`);
}

function exportRepeatDrivers() {
  const r = state.repeat;
  if (!r) return;
  const rows = [['behaviour', 'event', 'property', 'value', 'with_users', 'with_rate', 'without_users', 'without_rate', 'lift', 'ci_low', 'ci_high', 'p_value', 'sentence'],
    ...r.drivers.map((d) => [d.behaviour, d.event, d.property, d.value, d.with_users, d.with_rate, d.without_users, d.without_rate, d.lift, d.ci_low, d.ci_high, d.p_value, d.sentence])];
  download(new Blob([csvText(rows)], { type: 'text/csv' }), `${baseName()}-repeat-drivers.csv`);
}

// ---------------------------------------------------------------- retention

function renderRetentionForm(s) {
  $('retention').hidden = false;
  $('rt-results').hidden = true;
  $('rt-message').hidden = true;
  state.retention = null;
  for (const id of ['rt-start', 'rt-return']) {
    const sel = $(id);
    sel.replaceChildren(option('', '(any event)', true));
    for (const e of s.events) sel.append(option(e.name, e.name));
  }
}

function buildRetentionSpec() {
  const ev = (id) => ($(id).value === '' ? null : $(id).value);
  return {
    analysis: 'retention',
    period: $('rt-period').value,
    start_event: ev('rt-start'),
    return_event: ev('rt-return'),
    periods: Number($('rt-periods').value),
    mode: $('rt-mode').value,
    measure: $('rt-measure').value,
  };
}

async function runRetention() {
  const spec = buildRetentionSpec();
  $('rt-run').disabled = true;
  $('rt-message').hidden = true;
  setStatus('Computing retention…');
  try {
    const m = await client.request({ type: 'run', spec });
    state.retention = m.report;
    renderRetention(m.report);
    setStatus(`Retention: ${nf.format(m.report.cohorts.length)} cohorts.`);
  } catch (e) {
    $('rt-results').hidden = true;
    if (e.kind !== 'crashed') {
      $('rt-message').textContent = e.message;
      $('rt-message').hidden = false;
    }
    setStatus('Retention could not be computed.');
  } finally {
    $('rt-run').disabled = false;
  }
}

function renderRetention(r) {
  $('rt-results').hidden = false;
  const width = Math.max(0, ...r.cohorts.map((c) => c.retained.length));
  const head = $('rt-table').tHead.rows[0];
  head.replaceChildren(el('th', { scope: 'col', text: 'Cohort' }), el('th', { scope: 'col', class: 'n', text: 'Size' }));
  for (let k = 0; k < width; k++) head.append(el('th', { scope: 'col', class: 'n', text: `${r.period} ${k}` }));
  const body = $('rt-table').tBodies[0];
  body.replaceChildren();
  r.cohorts.forEach((c, i) => {
    const tr = el('tr', { testid: `rt-row-${i}` }, el('th', { scope: 'row', text: c.start }), numCell(nf.format(c.size), c.size));
    for (let k = 0; k < width; k++) {
      if (k >= c.retained.length) {
        tr.append(el('td', { class: 'n empty', text: '' }));
        continue;
      }
      const n = c.retained[k];
      const rate = c.retained_rate[k];
      let td;
      if (c.complete[k]) {
        td = el('td', { class: 'n', text: formatPct(rate), title: `${nf.format(n)} of ${nf.format(c.size)} users` });
      } else {
        td = el('td', { class: 'n partial', text: `${nf.format(n)}*`, title: `incomplete period: ${nf.format(n)} users so far (partial)` });
      }
      td.dataset.value = String(n);
      td.dataset.complete = String(c.complete[k]);
      td.dataset.rate = rate === null ? '' : String(rate);
      tr.append(td);
    }
    body.append(tr);
  });
  renderLtvTable(r, width);
  $('rt-ltv-box').hidden = r.measure !== 'revenue';
  $('rt-png-ltv').hidden = r.measure !== 'revenue';
  drawRetentionCharts();
}

/** Cumulative revenue per cohort user; incomplete cells get a * and no plain value. */
function renderLtvTable(r, width) {
  const wrap = $('rt-ltv-wrap');
  wrap.hidden = r.measure !== 'revenue';
  if (wrap.hidden) return;
  const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
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

function drawRetentionCharts() {
  const r = state.retention;
  if (!r) return;
  drawInto('rt-heatmap', drawRetention, r);
  drawInto('rt-curve', drawRetentionCurve, r);
  if (r.measure === 'revenue') drawInto('rt-ltv', drawLtv, r);
}

function exportRetention() {
  const r = state.retention;
  if (!r) return;
  const rows = [['cohort', 'size', 'period', 'retained', 'retained_rate', 'complete', 'revenue', 'revenue_per_user', 'cumulative_revenue_per_user']];
  for (const c of r.cohorts) {
    c.retained.forEach((n, k) => rows.push([c.start, c.size, k, n, c.retained_rate[k], c.complete[k], c.revenue?.[k], c.revenue_per_user?.[k], c.cumulative_revenue_per_user?.[k]]));
  }
  download(new Blob([csvText(rows)], { type: 'text/csv' }), `${baseName()}-retention.csv`);
}

// ---------------------------------------------------------------- lifecycle

function renderLifecycleForm(s) {
  $('lifecycle').hidden = false;
  $('lc-results').hidden = true;
  $('lc-message').hidden = true;
  state.lifecycle = null;
  const sel = $('lc-event');
  sel.replaceChildren(option('', '(any event)', true));
  for (const e of s.events) sel.append(option(e.name, e.name));
}

async function runLifecycle() {
  const spec = { analysis: 'lifecycle', period: $('lc-period').value, event: $('lc-event').value === '' ? null : $('lc-event').value };
  $('lc-run').disabled = true;
  $('lc-message').hidden = true;
  setStatus('Computing the lifecycle…');
  try {
    const m = await client.request({ type: 'run', spec });
    state.lifecycle = m.report;
    renderLifecycle(m.report);
    setStatus(`Lifecycle: ${nf.format(m.report.periods.length)} periods.`);
  } catch (e) {
    $('lc-results').hidden = true;
    if (e.kind !== 'crashed') {
      $('lc-message').textContent = e.message;
      $('lc-message').hidden = false;
    }
    setStatus('The lifecycle could not be computed.');
  } finally {
    $('lc-run').disabled = false;
  }
}

function renderLifecycle(r) {
  $('lc-results').hidden = false;
  const body = $('lc-table').tBodies[0];
  body.replaceChildren();
  r.periods.forEach((p, i) => body.append(el('tr', { testid: `lc-row-${i}` },
    el('th', { scope: 'row', text: p.complete ? p.start : `${p.start} (in progress)` }),
    numCell(nf.format(p.new), p.new), numCell(nf.format(p.returning), p.returning),
    numCell(nf.format(p.resurrecting), p.resurrecting), numCell(nf.format(p.dormant), p.dormant),
    numCell(nf.format(p.active), p.active))));
  drawLifecycleChart();
}

function drawLifecycleChart() {
  if (state.lifecycle) drawInto('lc-chart', drawLifecycle, state.lifecycle);
}

function exportLifecycle() {
  const r = state.lifecycle;
  if (!r) return;
  const rows = [['start', 'new', 'returning', 'resurrecting', 'dormant', 'active', 'complete'], ...r.periods.map((p) => [p.start, p.new, p.returning, p.resurrecting, p.dormant, p.active, p.complete])];
  download(new Blob([csvText(rows)], { type: 'text/csv' }), `${baseName()}-lifecycle.csv`);
}

// ---------------------------------------------------------------- overview

/** KPI tiles after a load: from the summary, a repurchase run and a revenue run. */
async function renderOverview(s, seq) {
  $('overview').hidden = false;
  const tiles = $('ov-tiles');
  const msg = $('ov-message');
  msg.hidden = true;
  delete tiles.dataset.ready;
  const t = (key, label, value, sub, title) => {
    const node = tile(label, value, sub, title);
    node.dataset.testid = `ov-${key}`;
    return node;
  };
  tiles.replaceChildren(t('users', 'Users', nf.format(s.users), null, 'Distinct users in the loaded file.'));
  const ev = $('rp-event').value;
  let rep = null;
  let revenue = null;
  try {
    rep = (await client.request({ type: 'run', spec: { analysis: 'repurchase', purchase_event: ev === '' ? null : ev } })).report;
  } catch (e) {
    if (seq !== state.loadSeq) return;
    if (e.kind !== 'crashed') {
      msg.textContent = e.message;
      msg.hidden = false;
    }
  }
  try {
    const r = (await client.request({ type: 'run', spec: { analysis: 'retention', period: 'month', periods: 1000, measure: 'revenue' } })).report;
    revenue = r.cohorts.reduce((a, c) => a + (c.revenue ?? []).reduce((x, y) => x + y, 0), 0);
  } catch {
    revenue = null; // no revenue column
  }
  if (seq !== state.loadSeq) return;
  const money = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
  const list = [t('users', 'Users', nf.format(s.users), null, 'Distinct users in the loaded file.')];
  if (rep) {
    list.push(
      t('buyers', 'Buyers', nf.format(rep.buyers), `event: ${rep.purchase_event}`, 'Users with at least one purchase event.'),
      t('conversion', 'First-purchase conversion', formatPct(s.users ? rep.buyers / s.users : null), null, 'Buyers divided by all users.'),
      ...rep.rates.map((x) => t(`repeat-${x.days}`, `Repeat within ${x.days} d`, formatPct(x.rate), `${nf.format(x.repeaters)} of ${nf.format(x.eligible)} eligible`,
        `Share of buyers who bought again within ${x.days} days of their first purchase, among those whose first purchase is at least ${x.days} days before the data end.`)),
    );
  }
  list.push(t('revenue', 'Revenue', revenue === null ? '—' : money.format(revenue), revenue === null ? 'no revenue column' : null, 'Sum of the revenue column over all rows.'));
  if (rep) {
    list.push(
      t('per-buyer', 'Revenue per buyer', revenue === null || !rep.buyers ? '—' : money.format(revenue / rep.buyers), null, 'Total revenue divided by the number of buyers.'),
      t('median-gap', 'Median days to 2nd purchase', rep.median_gap_days === null ? '—' : `${+rep.median_gap_days.toFixed(1)}`, null, 'Median days between the first and second purchase, over repeat buyers.'),
    );
  }
  tiles.replaceChildren(...list);
  tiles.dataset.ready = 'true';
  state.overview = { repurchase: rep, revenue };
}

// ---------------------------------------------------------------- formatting

function formatPct(x) {
  return x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`;
}

function formatDuration(s) {
  if (s === null || s === undefined) return '—';
  if (s < 60) return `${+s.toFixed(1)} s`;
  if (s < 3600) return `${+(s / 60).toFixed(1)} min`;
  if (s < 86400) return `${+(s / 3600).toFixed(1)} h`;
  return `${+(s / 86400).toFixed(1)} d`;
}

function formatBytes(n) {
  if (!Number.isFinite(n)) return '?';
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

function formatTime(iso) {
  if (!iso) return '—';
  return iso.replace('T', ' ').replace(/Z$/, ' UTC');
}

// ---------------------------------------------------------------- wiring

function wire() {
  const input = $('file-input');
  $('choose-button').addEventListener('click', () => input.click());
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file) startNewSource({ file });
    input.value = '';
  });
  $('demo-button').addEventListener('click', () => startNewSource({ demo: true }));
  $('cancel-button').addEventListener('click', () => {
    client.cancel();
    $('progress-text').textContent = 'Cancelling…';
  });
  $('error-close').addEventListener('click', clearError);

  const zone = $('dropzone');
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    const file = e.dataTransfer?.files?.[0];
    if (file) startNewSource({ file });
  });
  // A file dropped anywhere else must not make the browser navigate away.
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => e.preventDefault());

  for (const id of ['opt-encoding', 'opt-delimiter', 'opt-date-order', 'opt-tz']) {
    $(id).addEventListener('change', () => {
      if (state.source && !state.loading) loadSource(state.source);
    });
  }
  const tzs = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const list = $('tz-list');
  for (const z of ['UTC', ...tzs]) list.append(option(z, z));

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

  $('repeat-form').addEventListener('submit', (e) => {
    e.preventDefault();
    runRepeat();
  });
  $('rp-png-gaps').addEventListener('click', () => exportCanvas('rp-gaps', 'repeat-gaps'));
  $('rp-png-months').addEventListener('click', () => exportCanvas('rp-months', 'repeat-by-month'));
  $('rp-csv-rates').addEventListener('click', exportRepeatRates);
  $('rp-csv-drivers').addEventListener('click', exportRepeatDrivers);

  $('retention-form').addEventListener('submit', (e) => {
    e.preventDefault();
    runRetention();
  });
  $('rt-png-heatmap').addEventListener('click', () => exportCanvas('rt-heatmap', 'retention-heatmap'));
  $('rt-png-curve').addEventListener('click', () => exportCanvas('rt-curve', 'retention-curve'));
  $('rt-png-ltv').addEventListener('click', () => exportCanvas('rt-ltv', 'ltv'));
  $('rt-csv').addEventListener('click', exportRetention);

  $('lifecycle-form').addEventListener('submit', (e) => {
    e.preventDefault();
    runLifecycle();
  });
  $('lc-png').addEventListener('click', () => exportCanvas('lc-chart', 'lifecycle'));
  $('lc-csv').addEventListener('click', exportLifecycle);

  $('chart').addEventListener('mousemove', chartTooltip);
  let resizeTimer = 0;
  new ResizeObserver(() => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      drawChart();
      drawRepeat();
      drawRetentionCharts();
      drawLifecycleChart();
    }, 120);
  }).observe($('chart').parentElement);
}

async function main() {
  wire();
  client.ensure(); // start the engine while the user picks a file
  try {
    await init();
    document.body.dataset.ready = 'true';
    setStatus('Ready. Drop a CSV or try the demo data.');
  } catch (e) {
    showError(`The chart module could not start: ${e?.message ?? e}`);
  }
}

main();
