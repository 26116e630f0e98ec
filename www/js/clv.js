// The predicted-CLV panel: BG/NBD + Gamma-Gamma fitted in the worker with progress
// and cancel, the fitted parameters with standard errors and warnings, four charts,
// and the per-customer table (sorted by any column, paginated, filtered by tier or
// "at risk", exported as CSV). Only one page of rows is ever in the DOM.
import { drawClvHoldout, drawClvPAlive, drawClvTiers, drawClvMatrix } from '/pkg/tidemark.js';
import { $, el, nf, option, numCell, tile, formatPct } from './dom.js';
import { state, client, setStatus, panelError } from './state.js';
import { t, onLang, lang } from './i18n.js';
import { clvWarnings, gammaGammaNote } from './sentences.js';
import { downloadCsv, exportCanvas, drawInto } from './exports.js';
import { purchaseEventGuess } from './repeat.js';
import { loadSource } from './load.js';
import { remember } from './results.js';

/** Rows per page of the customers table. */
export const PAGE_SIZE = 50;

/** The customers table's columns: key, header, how a cell is written. */
const COLUMNS = [
  ['user', 'u7.clv.customer', (v) => v],
  ['tier', 'r.col.tier', (v) => t(`r.tier.${v}`)],
  ['frequency', 'x', (v) => nf.format(v)],
  ['recency', 't_x', (v) => fixed(v, 1)],
  ['T', 'T', (v) => fixed(v, 1)],
  ['p_alive', 'P(alive)', (v) => formatPct(v)],
  ['churn_risk', 'u7.clv.churn_risk', (v) => formatPct(v)],
  ['expected_purchases', 'u7.clv.expected_purchases', (v) => fixed(v, 2)],
  ['expected_spend', 'u7.clv.expected_spend', (v) => fixed(v, 2)],
  ['clv', 'CLV', (v) => fixed(v, 2)],
  ['holdout_purchases', 'u7.clv.holdout_purchases', (v) => nf.format(v)],
];

function fixed(v, digits) {
  return v === null || v === undefined ? '—' : v.toFixed(digits);
}

/** The last result, and the table's view of it. */
let report = null;
const view = { sort: 'clv', descending: true, filter: 'all', page: 0, rows: [] };
/** The fit under way: {cancelled}. */
let job = null;

function renderForm(s) {
  $('clv').hidden = false;
  $('clv-results').hidden = true;
  $('clv-message').hidden = true;
  report = null;
  const sel = $('clv-event');
  sel.replaceChildren(option('', t('u7.guess'), true));
  for (const e of s.events) sel.append(option(e.name, e.name));
  const guess = purchaseEventGuess(s);
  if (guess) sel.value = guess;
  // Default calibration end: the data end (no holdout); an earlier date gives one.
  const last = s.last_time ? s.last_time.slice(0, 10) : '';
  $('clv-end').value = '';
  $('clv-end').max = last;
  $('clv-end').placeholder = last;
}

/** The spec from the form. */
export function buildSpec() {
  const spec = { analysis: 'clv', unit: $('clv-unit').value };
  const ev = $('clv-event').value;
  spec.purchase_event = ev === '' ? null : ev;
  const end = $('clv-end').value;
  spec.calibration_end = end === '' ? null : end;
  if ($('clv-horizon').value !== '') spec.horizon = Number($('clv-horizon').value);
  if ($('clv-discount').value !== '') spec.discount_rate = Number($('clv-discount').value);
  return spec;
}

function setRunning(on) {
  $('clv-run').disabled = on;
  $('clv-cancel').disabled = !on;
  $('clv-progress').hidden = !on;
  if (on) $('clv-progress').removeAttribute('value');
}

async function run() {
  const spec = buildSpec();
  const mine = { cancelled: false };
  job = mine;
  setRunning(true);
  $('clv-message').hidden = true;
  setStatus(t('u7.clv.busy'));
  try {
    const m = await client.request({ type: 'fit', spec }, ({ done, total }) => {
      if (total > 0) {
        $('clv-progress').max = total;
        $('clv-progress').value = done;
      }
    });
    if (mine.cancelled) return;
    report = m.report;
    remember('clv', spec, m.report);
    render();
    const r = m.report;
    setStatus(t('u7.clv.done', nf.format(r.customers_fitted), nf.format(r.at_risk)));
  } catch (e) {
    if (e.kind === 'cancelled' || mine.cancelled) {
      setStatus(t('u7.clv.cancelled'));
    } else {
      $('clv-results').hidden = true;
      panelError('clv-message', e);
      setStatus(t('u7.clv.failed'));
    }
  } finally {
    if (job === mine) {
      job = null;
      setRunning(false);
    }
  }
}

/** Cancel: the fit cannot hear messages, so the worker is ended and the file read again quietly. */
async function cancel() {
  if (!job) return;
  job.cancelled = true;
  client.restart();
  setStatus(t('u7.clv.rereading'));
  if (state.source) await loadSource(state.source, { keepError: true, quiet: true });
}

function render() {
  const r = report;
  $('clv-results').hidden = false;
  const gg = r.gamma_gamma;
  const total = r.tiers.reduce((s, t) => s + (t.clv_total ?? 0), 0);
  $('clv-tiles').replaceChildren(
    tile(t('u7.clv.fitted'), nf.format(r.customers_fitted), t('u7.clv.fitted_sub', nf.format(r.repeat_buyers), r.purchase_event, r.purchase_event_guessed),
      t('u7.clv.fitted_def')),
    tile(t('u7.clv.end'), r.calibration_end, r.holdout_length === null ? t('u7.clv.no_holdout') : t('u7.clv.holdout', fixed(r.holdout_length, 1), t(`u7.clv.unit.${r.unit}`), r.data_end)),
    tile(t('u7.clv.predicted', r.horizon, t(`u7.clv.unit.${r.unit}`)), gg ? fixed(total, 0) : '—', gg ? t('u7.clv.discount', r.discount_rate, t(`u7.clv.unit1.${r.unit}`)) : gammaGammaNote(r.gamma_gamma_note, lang())),
    tile(t('u7.clv.at_risk'), nf.format(r.at_risk), t('u7.clv.at_risk_sub', formatPct(r.at_risk_below)), t('u7.clv.at_risk_def')),
  );
  const body = $('clv-params').tBodies[0];
  const b = r.bgnbd;
  const param = (model, name, value, se) => el('tr', { testid: `clv-param-${name}` },
    el('td', { text: model }), el('th', { scope: 'row', text: name === 'log-likelihood' ? t('u7.clv.loglik') : name }),
    numCell(value.toFixed(4), value), numCell(se === null || se === undefined ? '—' : se.toFixed(4), se ?? null));
  body.replaceChildren(
    param('BG/NBD', 'r', b.r, b.std_errors?.r), param('BG/NBD', 'alpha', b.alpha, b.std_errors?.alpha),
    param('BG/NBD', 'a', b.a, b.std_errors?.a), param('BG/NBD', 'b', b.b, b.std_errors?.b),
    param('BG/NBD', 'log-likelihood', b.log_likelihood, null),
  );
  if (gg) {
    body.append(param('Gamma-Gamma', 'p', gg.p, gg.std_errors?.p), param('Gamma-Gamma', 'q', gg.q, gg.std_errors?.q),
      param('Gamma-Gamma', 'v', gg.v, gg.std_errors?.v));
  }
  const rho = r.spend_frequency_correlation;
  $('clv-fit-note').textContent =
    t('u7.clv.fit', b.converged, b.iterations, b.starts, b.starts_agree) +
    (gg ? t('u7.clv.gg', nf.format(gg.customers)) : t('u7.clv.no_gg', gammaGammaNote(r.gamma_gamma_note, lang()))) +
    t('u7.clv.rho', rho === null ? '—' : rho.toFixed(3), nf.format(r.zero_value_purchases_excluded)) +
    t('u7.clv.tiers', r.tier_metric === 'clv', formatPct(r.high_share), formatPct(r.mid_share));
  $('clv-warnings').replaceChildren(...clvWarnings(r, lang()).map((w) => el('li', { text: w })));
  view.page = 0;
  refilter();
  draw();
}

/** The result without its customers: what the charts read (no 23k-row copy into wasm). */
function chartReport() {
  return { ...report, customers: [] };
}

function draw() {
  if (!report) return;
  const r = chartReport();
  drawInto('clv-holdout', drawClvHoldout, r);
  drawInto('clv-palive', drawClvPAlive, r);
  drawInto('clv-tiers', drawClvTiers, r);
  drawInto('clv-matrix', drawClvMatrix, r);
}

/** Sort value of a cell: null/undefined last whatever the direction. */
function compare(key, descending) {
  return (x, y) => {
    const a = x[key];
    const b = y[key];
    const an = a === null || a === undefined;
    const bn = b === null || b === undefined;
    if (an || bn) return an === bn ? 0 : an ? 1 : -1;
    const c = typeof a === 'string' ? (a < b ? -1 : a > b ? 1 : 0) : a - b;
    return descending ? -c : c;
  };
}

/** The customers the filter keeps, in the current order. */
function refilter() {
  const f = view.filter;
  const keep = f === 'all' ? () => true : f === 'at_risk' ? (c) => c.at_risk : (c) => c.tier === f;
  view.rows = report.customers.filter(keep).sort(compare(view.sort, view.descending));
  renderTable();
}

function renderTable() {
  const head = $('clv-customers').tHead.rows[0];
  head.replaceChildren(...COLUMNS.map(([key, label]) => {
    const th = el('th', { scope: 'col', class: key === 'user' || key === 'tier' ? null : 'n', testid: `clv-sort-${key}` });
    const button = el('button', { type: 'button', class: 'sort', text: t(label) + (view.sort === key ? (view.descending ? ' ▼' : ' ▲') : '') });
    button.addEventListener('click', () => {
      if (view.sort === key) view.descending = !view.descending;
      else {
        view.sort = key;
        view.descending = key !== 'user' && key !== 'tier';
      }
      view.page = 0;
      refilter();
    });
    th.append(button);
    if (view.sort === key) th.setAttribute('aria-sort', view.descending ? 'descending' : 'ascending');
    return th;
  }));
  const pages = Math.max(1, Math.ceil(view.rows.length / PAGE_SIZE));
  view.page = Math.min(view.page, pages - 1);
  const slice = view.rows.slice(view.page * PAGE_SIZE, (view.page + 1) * PAGE_SIZE);
  const body = $('clv-customers').tBodies[0];
  body.replaceChildren(...slice.map((c) => el('tr', { 'data-user': c.user },
    ...COLUMNS.map(([key, , fmt]) => (key === 'user' || key === 'tier'
      ? el('td', { text: fmt(c[key]) })
      : numCell(fmt(c[key]), c[key]))))));
  if (slice.length === 0) body.append(el('tr', {}, el('td', { colspan: String(COLUMNS.length), text: t('u7.clv.no_match') })));
  $('clv-count').textContent = t('u7.clv.count', nf.format(view.rows.length), nf.format(report.customers.length));
  $('clv-page').textContent = t('u7.clv.page', view.page + 1, pages);
  $('clv-prev').disabled = view.page === 0;
  $('clv-next').disabled = view.page >= pages - 1;
}

function exportCustomers() {
  if (!report) return;
  const keys = COLUMNS.map(([k]) => k);
  const extra = ['spend', 'at_risk'];
  downloadCsv([[...keys, ...extra], ...view.rows.map((c) => [...keys, ...extra].map((k) => c[k]))],
    view.filter === 'all' ? 'clv-customers' : `clv-customers-${view.filter}`);
}

/** The predicted-CLV panel. */
export const clvPanel = {
  name: 'clv',
  wire() {
    // The texts built after a fit follow a language switch.
    onLang(() => {
      if (report) render();
    });
    $('clv-form').addEventListener('submit', (e) => {
      e.preventDefault();
      run();
    });
    $('clv-cancel').addEventListener('click', cancel);
    $('clv-unit').addEventListener('change', () => {
      $('clv-horizon').value = $('clv-unit').value === 'day' ? '365' : '52';
    });
    $('clv-filter').addEventListener('change', () => {
      view.filter = $('clv-filter').value;
      view.page = 0;
      if (report) refilter();
    });
    $('clv-prev').addEventListener('click', () => {
      view.page = Math.max(0, view.page - 1);
      renderTable();
    });
    $('clv-next').addEventListener('click', () => {
      view.page += 1;
      renderTable();
    });
    $('clv-csv').addEventListener('click', exportCustomers);
    for (const [id, name] of [['holdout', 'clv-holdout'], ['palive', 'clv-p-alive'], ['tiers', 'clv-tiers'], ['matrix', 'clv-matrix']]) {
      $(`clv-png-${id}`).addEventListener('click', () => exportCanvas(`clv-${id}`, name));
    }
  },
  onLoaded: renderForm,
  onReset({ hide = false } = {}) {
    report = null;
    if (hide) $('clv').hidden = true;
  },
  redraw: draw,
};
