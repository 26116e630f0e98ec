// The segments panel: RFM as of a date (the R×F grid drawn by the engine, the
// segments table, the score → segment rules, member export per segment) and the
// value tiers (table, member export per tier). Both run in the worker.
import { drawRfm } from '/pkg/tidemark.js';
import { $, el, nf, money, option, numCell, formatPct, formatTime } from './dom.js';
import { t, onLang, segmentName } from './i18n.js';
import { client, setStatus, panelError } from './state.js';
import { downloadCsv, exportCanvas, drawInto } from './exports.js';
import { purchaseEventGuess } from './repeat.js';
import { remember } from './results.js';

const fmtMoney = (x) => (x === null || x === undefined ? '—' : money.format(x));
const fmtDays = (x) => (x === null || x === undefined ? '—' : `${x.toFixed(1)} ${t('unit.d')}`);

/** An RFM rule ("R ≤ 2 and F ≤ 4", "otherwise") in the page's language. */
function ruleText(rule) {
  return rule === 'otherwise' ? t('u7.sg.otherwise') : rule.replaceAll(' and ', t('u7.sg.and'));
}

/** The last RFM and tiers results shown, and the specs that made them. */
let rfm = null;
let rfmSpec = null;
let tiers = null;
let tiersSpec = null;

function renderForm(s) {
  $('segments').hidden = false;
  for (const id of ['sg-results', 'sg-message', 'tr-results', 'tr-message']) $(id).hidden = true;
  rfm = tiers = rfmSpec = tiersSpec = null;
  const sel = $('sg-event');
  sel.replaceChildren(option('', t('u7.guess'), true));
  for (const e of s.events) sel.append(option(e.name, e.name));
  const guess = purchaseEventGuess(s);
  if (guess) sel.value = guess;
  $('sg-as-of').value = '';
}

/** Purchase event and date, shared by RFM and tiers. */
function common() {
  const ev = $('sg-event').value;
  const asOf = $('sg-as-of').value;
  return { purchase_event: ev === '' ? null : ev, as_of: asOf === '' ? null : asOf };
}

/** Runs `spec` in the worker with the panel's button, message and status handling. */
async function request(spec, { button, message, results, busy, failed }) {
  $(button).disabled = true;
  $(message).hidden = true;
  setStatus(busy);
  try {
    return (await client.request({ type: 'run', spec })).report;
  } catch (e) {
    $(results).hidden = true;
    panelError(message, e);
    setStatus(failed);
    return null;
  } finally {
    $(button).disabled = false;
  }
}

async function runRfm() {
  const spec = { analysis: 'rfm', ...common() };
  const r = await request(spec, { button: 'sg-run', message: 'sg-message', results: 'sg-results', busy: t('u7.sg.busy'), failed: t('u7.sg.failed') });
  if (!r) return;
  rfm = r;
  rfmSpec = spec;
  remember('rfm', spec, r);
  renderRfm(r);
  setStatus(t('u7.sg.done', nf.format(r.buyers), formatTime(r.as_of)));
}

function renderRfm(r) {
  $('sg-results').hidden = false;
  $('sg-summary').textContent =
    t('u7.sg.summary', nf.format(r.buyers), formatTime(r.as_of), r.purchase_event, r.purchase_event_guessed, nf.format(r.non_buyers), fmtMoney(r.revenue), nf.format(r.purchases));
  const body = $('sg-table').tBodies[0];
  body.replaceChildren();
  r.segments.forEach((s, i) => body.append(el('tr', { testid: `sg-row-${i}` },
    el('th', { scope: 'row', text: segmentName(s.name) }),
    numCell(nf.format(s.users), s.users), numCell(formatPct(s.share_users), s.share_users),
    numCell(fmtMoney(s.revenue), s.revenue), numCell(formatPct(s.share_revenue), s.share_revenue),
    numCell(fmtMoney(s.avg_order_value), s.avg_order_value), numCell(fmtDays(s.days_since_last), s.days_since_last))));
  const rules = $('sg-rules').tBodies[0];
  rules.replaceChildren(...r.rules.map((x, i) => el('tr', {},
    numCell(String(i + 1)), el('td', { text: segmentName(x.name) }), el('td', { text: ruleText(x.rule) }))));
  const range = (x, f) => (x.users === 0 ? '—' : x.min === x.max ? f(x.min) : `${f(x.min)} – ${f(x.max)}`);
  const scores = $('sg-scores').tBodies[0];
  scores.replaceChildren();
  for (let k = 4; k >= 0; k--) {
    const [rr, ff, mm] = [r.scores.recency_days[k], r.scores.frequency[k], r.scores.monetary[k]];
    scores.append(el('tr', {}, el('th', { scope: 'row', text: String(k + 1) }),
      numCell(range(rr, fmtDays)), numCell(range(ff, (x) => nf.format(x))), numCell(range(mm, fmtMoney))));
  }
  const sel = $('sg-member-segment');
  const keep = sel.value;
  sel.replaceChildren(...r.segments.map((s) => option(s.name, `${segmentName(s.name)} (${nf.format(s.users)})`)));
  sel.value = r.segments.some((s) => s.name === keep) ? keep : (r.segments.find((s) => s.users > 0)?.name ?? r.segments[0].name);
  drawGrid();
}

function drawGrid() {
  if (rfm) drawInto('sg-chart', drawRfm, rfm);
}

function exportSegments() {
  const r = rfm;
  if (!r) return;
  downloadCsv([['segment', 'users', 'share_users', 'revenue', 'share_revenue', 'purchases', 'avg_order_value', 'days_since_last'],
    ...r.segments.map((s) => [s.name, s.users, s.share_users, s.revenue, s.share_revenue, s.purchases, s.avg_order_value, s.days_since_last])], 'rfm-segments');
}

/** The members of the chosen segment, per user: the same spec again with users: true. */
async function exportMembers() {
  if (!rfmSpec) return;
  const name = $('sg-member-segment').value;
  const r = await request({ ...rfmSpec, users: true }, { button: 'sg-members', message: 'sg-message', results: 'sg-message', busy: t('u7.sg.listing'), failed: t('u7.sg.list_failed') });
  if (!r) return;
  const members = r.users.filter((u) => u.segment === name);
  downloadCsv([['user', 'segment', 'recency_days', 'frequency', 'monetary', 'r', 'f', 'm'],
    ...members.map((u) => [u.user, u.segment, u.recency_days, u.frequency, u.monetary, u.r, u.f, u.m])],
  `rfm-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`);
  setStatus(t('u7.sg.exported', nf.format(members.length), name));
}

function tiersSpecFromForm() {
  const spec = { analysis: 'tiers', ...common(), metric: $('tr-metric').value, by: $('tr-by').value };
  for (const k of ['high', 'mid']) {
    const v = $(`tr-${k}`).value;
    if (v !== '') spec[k] = Number(v);
  }
  return spec;
}

async function runTiers() {
  const spec = tiersSpecFromForm();
  const r = await request(spec, { button: 'tr-run', message: 'tr-message', results: 'tr-results', busy: t('u7.tr.busy'), failed: t('u7.tr.failed') });
  if (!r) return;
  tiers = r;
  tiersSpec = spec;
  remember('tiers', spec, r);
  renderTiers(r);
  setStatus(t('u7.tr.done', nf.format(r.buyers), t(`r.metric.${r.metric}`)));
}

function renderTiers(r) {
  $('tr-results').hidden = false;
  const fmt = r.metric === 'revenue' ? fmtMoney : (x) => (x === null ? '—' : nf.format(x));
  $('tr-summary').textContent =
    t('u7.tr.summary', nf.format(r.buyers), t(`r.metric.${r.metric}`), formatTime(r.as_of), t(`u7.tr.by.${r.by}`), r.thresholds.high_given, r.thresholds.mid_given, nf.format(r.non_buyers));
  const threshold = [r.thresholds.high, r.thresholds.mid, null];
  const body = $('tr-table').tBodies[0];
  body.replaceChildren();
  r.tiers.forEach((tier, i) => body.append(el('tr', { testid: `tr-row-${i}` },
    el('th', { scope: 'row', text: t(`r.tier.${tier.name}`) }),
    numCell(nf.format(tier.users), tier.users), numCell(formatPct(tier.share_users), tier.share_users),
    numCell(fmtMoney(tier.revenue), tier.revenue), numCell(formatPct(tier.share_revenue), tier.share_revenue),
    numCell(nf.format(tier.purchases), tier.purchases),
    numCell(i === 2 ? '—' : fmt(threshold[i]), threshold[i]),
    numCell(tier.users === 0 ? '—' : `${fmt(tier.min)} – ${fmt(tier.max)}`, tier.users === 0 ? null : `${tier.min},${tier.max}`))));
}

function exportTiers() {
  const r = tiers;
  if (!r) return;
  const threshold = [r.thresholds.high, r.thresholds.mid, null];
  downloadCsv([['tier', 'users', 'share_users', 'revenue', 'share_revenue', 'purchases', 'threshold', 'min', 'max'],
    ...r.tiers.map((tier, i) => [tier.name, tier.users, tier.share_users, tier.revenue, tier.share_revenue, tier.purchases, threshold[i], tier.min, tier.max])], `tiers-${r.metric}`);
}

async function exportTierMembers() {
  if (!tiersSpec) return;
  const name = $('tr-member-tier').value;
  const r = await request({ ...tiersSpec, users: true }, { button: 'tr-members', message: 'tr-message', results: 'tr-message', busy: t('u7.tr.listing'), failed: t('u7.sg.list_failed') });
  if (!r) return;
  const members = r.users.filter((u) => u.tier === name);
  downloadCsv([['user', 'tier', `value_${r.metric}`, 'purchases', 'revenue'], ...members.map((u) => [u.user, u.tier, u.value, u.purchases, u.revenue])], `tier-${name}`);
  setStatus(t('u7.tr.exported', nf.format(members.length), t(`r.tier.${name}`)));
}

/** The segments panel (RFM and value tiers). */
export const segmentsPanel = {
  name: 'segments',
  wire() {
    // The texts built after a run follow a language switch.
    onLang(() => {
      if (rfm) renderRfm(rfm);
      if (tiers) renderTiers(tiers);
    });
    $('segments-form').addEventListener('submit', (e) => {
      e.preventDefault();
      runRfm();
    });
    $('tiers-form').addEventListener('submit', (e) => {
      e.preventDefault();
      runTiers();
    });
    $('tr-by').addEventListener('change', () => {
      const share = $('tr-by').value === 'share';
      $('tr-high').value = share ? '0.2' : '';
      $('tr-mid').value = share ? '0.5' : '';
    });
    $('sg-png').addEventListener('click', () => exportCanvas('sg-chart', 'rfm-grid'));
    $('sg-csv').addEventListener('click', exportSegments);
    $('sg-members').addEventListener('click', exportMembers);
    $('tr-csv').addEventListener('click', exportTiers);
    $('tr-members').addEventListener('click', exportTierMembers);
  },
  onLoaded: renderForm,
  onReset({ hide = false } = {}) {
    rfm = tiers = rfmSpec = tiersSpec = null;
    if (hide) $('segments').hidden = true;
  },
  redraw: drawGrid,
};
