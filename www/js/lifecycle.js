// The lifecycle panel: new / returning / resurrecting / dormant per period.
import { drawLifecycle } from '/pkg/tidemark.js';
import { $, el, nf, option, numCell } from './dom.js';
import { client, setStatus, panelError } from './state.js';
import { t, onLang } from './i18n.js';
import { downloadCsv, exportCanvas, drawInto } from './exports.js';
import { remember } from './results.js';

/** The last lifecycle result shown. */
let lifecycle = null;

function renderForm(s) {
  $('lifecycle').hidden = false;
  $('lc-results').hidden = true;
  $('lc-message').hidden = true;
  lifecycle = null;
  const sel = $('lc-event');
  sel.replaceChildren(option('', t('u7.any_event'), true));
  for (const e of s.events) sel.append(option(e.name, e.name));
}

async function run() {
  const spec = { analysis: 'lifecycle', period: $('lc-period').value, event: $('lc-event').value === '' ? null : $('lc-event').value };
  $('lc-run').disabled = true;
  $('lc-message').hidden = true;
  setStatus(t('u7.lc.busy'));
  try {
    const m = await client.request({ type: 'run', spec });
    lifecycle = m.report;
    remember('lifecycle', spec, m.report);
    render(m.report);
    setStatus(t('u7.lc.done', nf.format(m.report.periods.length)));
  } catch (e) {
    $('lc-results').hidden = true;
    panelError('lc-message', e);
    setStatus(t('u7.lc.failed'));
  } finally {
    $('lc-run').disabled = false;
  }
}

function render(r) {
  $('lc-results').hidden = false;
  const body = $('lc-table').tBodies[0];
  body.replaceChildren();
  r.periods.forEach((p, i) => body.append(el('tr', { testid: `lc-row-${i}` },
    el('th', { scope: 'row', text: p.complete ? p.start : t('r.in_progress', p.start) }),
    numCell(nf.format(p.new), p.new), numCell(nf.format(p.returning), p.returning),
    numCell(nf.format(p.resurrecting), p.resurrecting), numCell(nf.format(p.dormant), p.dormant),
    numCell(nf.format(p.active), p.active))));
  draw();
}

function draw() {
  if (lifecycle) drawInto('lc-chart', drawLifecycle, lifecycle);
}

function exportTable() {
  const r = lifecycle;
  if (!r) return;
  downloadCsv([['start', 'new', 'returning', 'resurrecting', 'dormant', 'active', 'complete'], ...r.periods.map((p) => [p.start, p.new, p.returning, p.resurrecting, p.dormant, p.active, p.complete])], 'lifecycle');
}

/** The lifecycle panel. */
export const lifecyclePanel = {
  name: 'lifecycle',
  wire() {
    $('lifecycle-form').addEventListener('submit', (e) => {
      e.preventDefault();
      run();
    });
    $('lc-png').addEventListener('click', () => exportCanvas('lc-chart', 'lifecycle'));
    $('lc-csv').addEventListener('click', exportTable);
    onLang(() => {
      if (lifecycle) render(lifecycle);
    });
  },
  onLoaded: renderForm,
  onReset({ hide = false } = {}) {
    lifecycle = null;
    if (hide) $('lifecycle').hidden = true;
  },
  redraw: draw,
};
