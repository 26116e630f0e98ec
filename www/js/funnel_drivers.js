// The funnel drivers panel (section 8): which events and property values, before
// converting or dropping off, go with converting more or less often; odds ratios
// with intervals, a forest plot drawn by the engine, sentences, CSV export.
import { drawFunnelDrivers } from '/pkg/tidemark.js';
import { $, el, nf, numCell, formatPct, formatP } from './dom.js';
import { client, setStatus, panelError } from './state.js';
import { downloadCsv, exportCanvas, drawInto } from './exports.js';
import { stepsFrom, defaultSteps } from './paths.js';

/** The last drivers result shown. */
let drivers = null;

function renderForm(s) {
  $('discover').hidden = false;
  $('fd-results').hidden = true;
  $('fd-message').hidden = true;
  drivers = null;
  $('fd-steps').value = defaultSteps(s);
}

/** The spec the form describes. */
export function driversSpec() {
  const spec = {
    analysis: 'funnel_drivers',
    funnel: { steps: stepsFrom($('fd-steps').value), window: $('fd-window').value.trim() || '7d' },
  };
  if ($('fd-min-group').value !== '') spec.min_group = Number($('fd-min-group').value);
  return spec;
}

async function run() {
  const spec = driversSpec();
  $('fd-run').disabled = true;
  $('fd-message').hidden = true;
  setStatus('Computing funnel drivers…');
  try {
    const m = await client.request({ type: 'run', spec });
    drivers = m.report;
    render(m.report);
    setStatus(`Funnel drivers: ${nf.format(m.report.converted)} of ${nf.format(m.report.entered)} converted.`);
  } catch (e) {
    $('fd-results').hidden = true;
    panelError('fd-message', e);
    setStatus('The funnel drivers could not be computed.');
  } finally {
    $('fd-run').disabled = false;
  }
}

/** An odds ratio for a cell: "×2.41". */
function ratio(x) {
  return Number.isFinite(x) ? `×${x >= 100 ? x.toFixed(0) : x.toPrecision(3)}` : '—';
}

function render(r) {
  $('fd-results').hidden = false;
  $('fd-summary').textContent =
    `${nf.format(r.entered)} users entered ${r.steps[0]}; ${nf.format(r.converted)} reached ${r.steps[r.steps.length - 1]}, ${nf.format(r.dropped)} dropped off.`;
  $('fd-sentences').replaceChildren(...r.drivers.slice(0, 3).map((d) => el('li', { text: d.sentence })));
  const body = $('fd-table').tBodies[0];
  body.replaceChildren();
  r.drivers.forEach((d, i) => body.append(el('tr', { testid: `fd-row-${i}` },
    el('th', { scope: 'row', text: d.feature }),
    numCell(formatPct(d.with_rate), d.with_rate), numCell(formatPct(d.without_rate), d.without_rate),
    numCell(ratio(d.odds_ratio), d.odds_ratio),
    numCell(`${ratio(d.ci_low)} to ${ratio(d.ci_high)}`, `${d.ci_low},${d.ci_high}`),
    numCell(`${formatP(d.p_value)}${d.test === 'fisher' ? ' (exact)' : ''}`, d.p_value),
    numCell(formatPct(d.support), d.support),
    numCell(`${nf.format(d.converters_with + d.dropped_with)} / ${nf.format(d.converters_without + d.dropped_without)}`,
      `${d.converters_with + d.dropped_with},${d.converters_without + d.dropped_without}`))));
  if (r.drivers.length === 0) {
    body.append(el('tr', {}, el('td', { colspan: '8', text: 'No feature has enough users with and without it.' })));
  }
  $('fd-hidden').textContent =
    `Features: events (other than the funnel's steps) and property values before converting, or before the window ran out. ` +
    `Sorted by |ln odds ratio| × support. ${nf.format(r.hidden_small_groups)} with fewer than ${nf.format(r.min_group)} users on a side hidden` +
    `${r.not_listed ? `, ${nf.format(r.not_listed)} more not listed` : ''}. ` +
    'This is association, not causation: users who do something may differ in other ways.';
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
  },
  onLoaded: renderForm,
  onReset() {
    drivers = null;
  },
  redraw: draw,
};
