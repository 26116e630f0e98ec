// The funnel drivers panel (section 9): which events and property values, before
// converting or dropping off, go with converting more or less often, on the Funnel
// section's funnel by default (funnel_source.js) or typed steps; odds ratios with
// intervals, a forest plot drawn by the engine, sentences, CSV export.
import { drawFunnelDrivers } from '/pkg/tidemark.js';
import { $, el, nf, numCell, formatPct, formatP } from './dom.js';
import { client, setStatus, panelError } from './state.js';
import { downloadCsv, exportCanvas, drawInto } from './exports.js';
import { defaultSteps, sourceOf } from './paths.js';
import { remember } from './results.js';
import { t } from './i18n.js';
import { funnelOf, refreshSource, wireSource } from './funnel_source.js';

/** The last drivers result shown. */
let drivers = null;

function renderForm(s) {
  $('discover').hidden = false;
  $('fd-results').hidden = true;
  $('fd-message').hidden = true;
  drivers = null;
  $('fd-steps').value = defaultSteps(s);
  refreshSource('fd');
}

/** The spec the form describes. */
export function driversSpec() {
  const spec = {
    analysis: 'funnel_drivers',
    funnel: funnelOf('fd'),
  };
  if ($('fd-min-group').value !== '') spec.min_group = Number($('fd-min-group').value);
  return spec;
}

async function run() {
  const spec = driversSpec();
  const source = sourceOf('fd');
  $('fd-run').disabled = true;
  $('fd-message').hidden = true;
  setStatus(t('s9.fd_computing'));
  try {
    const m = await client.request({ type: 'run', spec });
    drivers = m.report;
    render(m.report);
    remember('funnel_drivers', spec, m.report, source);
    setStatus(t('s9.fd_done', nf.format(m.report.converted), nf.format(m.report.entered)));
  } catch (e) {
    $('fd-results').hidden = true;
    panelError('fd-message', e);
    setStatus(t('s9.fd_failed'));
  } finally {
    $('fd-run').disabled = false;
  }
}

/** An odds ratio for a cell: "×2.41". */
function ratio(x) {
  return Number.isFinite(x) ? `×${x >= 100 ? x.toFixed(0) : x.toPrecision(3)}` : '—';
}

/** A driver's plain-language sentence in the page language (the engine writes English). */
function sentence(d) {
  return t('s9.fd_sentence', d, formatPct(d.with_rate), formatPct(d.without_rate), ratio(d.odds_ratio).replace('×', ''),
    nf.format(d.converters_with + d.dropped_with), nf.format(d.converters_without + d.dropped_without));
}

function render(r) {
  $('fd-chart').setAttribute('aria-label', t('s9.fd_chart'));
  $('fd-results').hidden = false;
  $('fd-summary').textContent =
    t('s9.fd_summary', nf.format(r.entered), r.steps[0], nf.format(r.converted), r.steps[r.steps.length - 1], nf.format(r.dropped));
  $('fd-sentences').replaceChildren(...r.drivers.slice(0, 3).map((d) => el('li', { text: sentence(d) })));
  const body = $('fd-table').tBodies[0];
  body.replaceChildren();
  r.drivers.forEach((d, i) => body.append(el('tr', { testid: `fd-row-${i}` },
    el('th', { scope: 'row', text: d.feature }),
    numCell(formatPct(d.with_rate), d.with_rate), numCell(formatPct(d.without_rate), d.without_rate),
    numCell(ratio(d.odds_ratio), d.odds_ratio),
    numCell(`${ratio(d.ci_low)} ${t('s9.fd_to')} ${ratio(d.ci_high)}`, `${d.ci_low},${d.ci_high}`),
    numCell(`${formatP(d.p_value)}${d.test === 'fisher' ? ` ${t('s9.fd_exact')}` : ''}`, d.p_value),
    numCell(formatPct(d.support), d.support),
    numCell(`${nf.format(d.converters_with + d.dropped_with)} / ${nf.format(d.converters_without + d.dropped_without)}`,
      `${d.converters_with + d.dropped_with},${d.converters_without + d.dropped_without}`))));
  if (r.drivers.length === 0) {
    body.append(el('tr', {}, el('td', { colspan: '8', text: t('s9.fd_empty') })));
  }
  $('fd-hidden').textContent = t('s9.fd_note', nf.format(r.hidden_small_groups), nf.format(r.min_group), r.not_listed ? nf.format(r.not_listed) : 0);
  draw();
}

function draw() {
  if (drivers) drawInto('fd-chart', drawFunnelDrivers, drivers);
}

function exportTable() {
  const r = drivers;
  if (!r) return;
  downloadCsv([['feature', 'kind', 'event', 'property', 'value', 'converters_with', 'converters_without', 'dropped_with', 'dropped_without', 'with_rate', 'without_rate', 'support', 'odds_ratio', 'ci_low', 'ci_high', 'p_value', 'test', 'sentence'],
    ...r.drivers.map((d) => [d.feature, d.kind, d.event, d.property, d.value, d.converters_with, d.converters_without, d.dropped_with, d.dropped_without, d.with_rate, d.without_rate, d.support, d.odds_ratio, d.ci_low, d.ci_high, d.p_value, d.test, d.sentence])], 'funnel-drivers');
}

/** The funnel drivers panel. */
export const funnelDriversPanel = {
  name: 'funnel_drivers',
  wire() {
    $('drivers-form').addEventListener('submit', (e) => {
      e.preventDefault();
      run();
    });
    $('fd-png').addEventListener('click', () => exportCanvas('fd-chart', 'funnel-drivers'));
    $('fd-csv').addEventListener('click', exportTable);
    wireSource('fd', 'fd-steps', 'fd-window');
  },
  onLoaded: renderForm,
  onReset() {
    drivers = null;
  },
  /** After a resize or a language switch: the texts and the chart again. */
  redraw() {
    refreshSource('fd');
    if (drivers) render(drivers);
  },
};
