// The paths panel (section 9): from an event, or from the users who dropped off a
// funnel step (by default of the Funnel section's funnel, see funnel_source.js), the
// top sequences of the next (or previous) events; a Sankey drawn by the engine with
// hover counts, the path table and its CSV export. Texts in the page language.
import { drawPaths } from '/pkg/tidemark.js';
import { $, el, nf, option, numCell, formatPct } from './dom.js';
import { client, setStatus, panelError } from './state.js';
import { downloadCsv, exportCanvas, drawInto } from './exports.js';
import { purchaseEventGuess } from './repeat.js';
import { t } from './i18n.js';
import { funnelOf, refreshSource, wireSource } from './funnel_source.js';
import { remember } from './results.js';

/** The last paths result shown. */
let paths = null;
/** True when that result is anchored on a funnel drop-off. */
let fromFunnel = false;

/** A starting funnel for a loaded table: the most frequent event, then the purchase event (or the second). */
export function defaultSteps(s) {
  const names = s.events.map((e) => e.name);
  const last = purchaseEventGuess(s);
  const first = names.find((n) => n !== last) ?? '';
  return [first, last ?? names.find((n) => n !== first) ?? ''].filter(Boolean).join(', ');
}

function renderForm(s) {
  $('discover').hidden = false;
  $('pa-results').hidden = true;
  $('pa-message').hidden = true;
  paths = null;
  const sel = $('pa-event');
  sel.replaceChildren();
  s.events.forEach((e, i) => sel.append(option(e.name, `${e.name} (${nf.format(e.count)})`, i === 0)));
  $('pa-funnel-steps').value = defaultSteps(s);
  refreshSource('pa');
}

function showMode() {
  const funnel = $('pa-mode').value === 'funnel';
  $('pa-funnel-fields').hidden = !funnel;
  $('pa-funnel-note').hidden = !funnel;
  $('pa-event').disabled = funnel;
}

/** Where form `prefix`'s funnel comes from now: 'funnel' (the Funnel section's) or 'typed'. */
export function sourceOf(prefix) {
  return $(`${prefix}-funnel-source`).value === 'panel' ? 'funnel' : 'typed';
}

/** The spec the form describes. */
export function pathsSpec() {
  const spec = {
    analysis: 'paths',
    direction: $('pa-direction').value,
    steps: Number($('pa-steps').value),
    collapse_repeats: $('pa-collapse').checked,
    min_share: Number($('pa-min-share').value) / 100,
    top: 20,
  };
  if ($('pa-mode').value === 'funnel') {
    spec.from_funnel = { ...funnelOf('pa'), dropped_after_step: Number($('pa-dropped').value) };
  } else {
    spec.event = $('pa-event').value;
  }
  return spec;
}

async function run() {
  const spec = pathsSpec();
  const source = spec.from_funnel ? sourceOf('pa') : undefined;
  $('pa-run').disabled = true;
  $('pa-message').hidden = true;
  setStatus(t('s9.pa_computing'));
  try {
    const m = await client.request({ type: 'run', spec });
    paths = m.report;
    fromFunnel = Boolean(spec.from_funnel);
    render(m.report);
    remember('paths', spec, m.report, source);
    setStatus(t('s9.pa_done', nf.format(m.report.users), nf.format(m.report.distinct_paths)));
  } catch (e) {
    $('pa-results').hidden = true;
    panelError('pa-message', e);
    setStatus(t('s9.pa_failed'));
  } finally {
    $('pa-run').disabled = false;
  }
}

/** A path as text: "checkout → purchase"; an empty path says so. */
export function pathText(events) {
  return events.length === 0 ? t('s9.pa_none_after') : events.join(' → ');
}

/** The anchor in the page language: the engine labels a drop-off anchor "dropped after STEP". */
function anchorText(r) {
  const prefix = 'dropped after ';
  return fromFunnel && r.anchor.startsWith(prefix) ? t('s9.pa_dropped_anchor', r.anchor.slice(prefix.length)) : r.anchor;
}

function render(r) {
  $('pa-chart').setAttribute('aria-label', t('s9.pa_chart'));
  $('pa-results').hidden = false;
  const other = r.other_events.length ? t('s9.pa_other', r.other_label, r.other_events.join(', ')) : '';
  $('pa-summary').textContent =
    t('s9.pa_summary', nf.format(r.users), anchorText(r), r.direction === 'after', r.steps, r.collapse_repeats,
      nf.format(r.distinct_paths), nf.format(r.other_paths_users)) + other;
  const body = $('pa-table').tBodies[0];
  body.replaceChildren();
  r.paths.forEach((p, i) => body.append(el('tr', { testid: `pa-row-${i}` },
    el('th', { scope: 'row', text: pathText(p.events) }),
    numCell(nf.format(p.users), p.users),
    numCell(formatPct(r.users ? p.users / r.users : null), r.users ? p.users / r.users : null))));
  draw();
}

function draw() {
  if (paths) drawInto('pa-chart', drawPaths, paths);
}

function exportTable() {
  const r = paths;
  if (!r) return;
  const width = r.steps;
  const head = ['rank', 'users', 'share', ...Array.from({ length: width }, (_, i) => `event_${i + 1}`)];
  downloadCsv([head, ...r.paths.map((p, i) => [i + 1, p.users, r.users ? p.users / r.users : '', ...Array.from({ length: width }, (_, k) => p.events[k] ?? '')])], 'paths');
}

/** The paths panel. */
export const pathsPanel = {
  name: 'paths',
  wire() {
    $('paths-form').addEventListener('submit', (e) => {
      e.preventDefault();
      run();
    });
    $('pa-mode').addEventListener('change', showMode);
    wireSource('pa', 'pa-funnel-steps', 'pa-window');
    $('pa-png').addEventListener('click', () => exportCanvas('pa-chart', 'paths'));
    $('pa-csv').addEventListener('click', exportTable);
  },
  onLoaded: renderForm,
  onReset({ hide = false } = {}) {
    paths = null;
    if (hide) $('discover').hidden = true;
  },
  /** After a resize or a language switch: the texts and the chart again. */
  redraw() {
    refreshSource('pa');
    if (paths) render(paths);
  },
};
