// Rule segments (part of the Segments panel): a rule typed by hand
// (docs/segments.md) counted by the engine — size, share of users and of revenue —
// with a mistake shown at its column; member export as CSV; saving the rule by
// name (saved.js); and a user attribute file whose columns rules can read.
import { $, el, nf, formatPct } from './dom.js';
import { client, setStatus, panelError } from './state.js';
import { downloadCsv } from './exports.js';
import { savedSegments, saveSegment, removeSegment, onSavedChange } from './saved.js';
import { setAttributeColumns } from './funnel.js';

const money = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** The spec of the last segment counted. */
let lastSpec = null;

/** The purchase event and date of the Segments form (shared with RFM and tiers). */
function common() {
  const ev = $('sg-event').value;
  const asOf = $('sg-as-of').value;
  return { purchase_event: ev === '' ? null : ev, as_of: asOf === '' ? null : asOf };
}

function specFromForm(users = false) {
  return { analysis: 'segment', rule: $('rs-rule').value, ...common(), users };
}

/** Shows a rule error; with a column, the rule again with a caret under it. */
function showRuleError(e) {
  panelError('rs-message', e);
  const caret = $('rs-caret');
  const m = /column (\d+):/.exec(e.message ?? '');
  if (!m || e.kind === 'crashed') {
    caret.hidden = true;
    return;
  }
  const column = Number(m[1]);
  const rule = $('rs-rule').value;
  caret.textContent = `${rule}\n${' '.repeat(Math.max(0, column - 1))}^`;
  caret.hidden = false;
}

async function run() {
  const spec = specFromForm();
  $('rs-run').disabled = true;
  $('rs-message').hidden = true;
  $('rs-caret').hidden = true;
  setStatus('Counting the segment…');
  try {
    const r = (await client.request({ type: 'run', spec })).report;
    lastSpec = spec;
    render(r);
    setStatus(`Segment: ${nf.format(r.users)} of ${nf.format(r.total_users)} users.`);
  } catch (e) {
    $('rs-results').hidden = true;
    lastSpec = null;
    showRuleError(e);
    setStatus('The rule could not be used.');
  } finally {
    $('rs-run').disabled = false;
  }
}

function render(r) {
  $('rs-results').hidden = false;
  const size = $('rs-size');
  size.textContent = nf.format(r.users);
  size.dataset.value = String(r.users);
  const share = $('rs-share');
  share.textContent = formatPct(r.share_users);
  share.dataset.value = r.share_users === null ? '' : String(r.share_users);
  const rev = $('rs-revenue-share');
  rev.textContent = r.revenue === null ? 'no revenue column' : `${money.format(r.revenue)} (${formatPct(r.share_revenue)})`;
  rev.dataset.value = r.share_revenue === null ? '' : String(r.share_revenue);
  $('rs-summary').textContent =
    `of ${nf.format(r.total_users)} users, as of ${r.as_of ?? '—'}` +
    (r.purchase_event ? ` (purchase event: ${r.purchase_event})` : '');
  if (!$('rs-name').value) $('rs-name').value = r.rule ?? '';
}

/** The members with their metrics, as CSV (formulas neutralised by exports.js). */
async function exportMembers() {
  if (!lastSpec) return;
  $('rs-members').disabled = true;
  try {
    const r = (await client.request({ type: 'run', spec: { ...lastSpec, users: true } })).report;
    const cols = ['user', 'events', 'purchases', 'revenue', 'days_since_first', 'days_since_last', 'days_since_first_purchase', 'days_since_last_purchase'];
    downloadCsv([cols, ...r.members.map((m) => cols.map((c) => m[c]))], `segment-${($('rs-name').value || 'rule').toLowerCase().replace(/[^a-z0-9]+/g, '-')}`);
    setStatus(`${nf.format(r.members.length)} members exported.`);
  } catch (e) {
    showRuleError(e);
  } finally {
    $('rs-members').disabled = false;
  }
}

function save() {
  if (!lastSpec) return;
  const name = $('rs-name').value.trim() || lastSpec.rule;
  saveSegment(name, lastSpec.rule);
  setStatus(`Segment "${name}" saved: it is offered in the funnel, repeat-purchase and retention filters.`);
}

function renderSaved(list = savedSegments()) {
  const ul = $('rs-saved');
  ul.replaceChildren(...list.map((s, i) => {
    const use = el('button', { type: 'button', class: 'button', text: 'Edit', testid: `rs-saved-edit-${i}` });
    use.addEventListener('click', () => {
      $('rs-rule').value = s.rule;
      $('rs-name').value = s.name;
      run();
    });
    const rm = el('button', { type: 'button', class: 'button', text: 'Remove', testid: `rs-saved-remove-${i}` });
    rm.addEventListener('click', () => removeSegment(s.name));
    return el('li', { testid: `rs-saved-${i}` }, el('strong', { text: s.name }), el('code', { text: s.rule }), use, rm);
  }));
  $('rs-saved-none').hidden = list.length > 0;
}

async function attach() {
  const file = $('rs-attr-file').files?.[0];
  if (!file) return;
  $('rs-attr-message').hidden = true;
  setStatus(`Reading ${file.name}…`);
  try {
    const m = await client.request({ type: 'attach', file });
    showAttach(m.report);
    setStatus(`${file.name}: ${nf.format(m.report.matched_users)} users matched.`);
  } catch (e) {
    $('rs-attr-summary').textContent = '';
    panelError('rs-attr-message', e);
    setStatus('The attribute file could not be used.');
  } finally {
    $('rs-attr-file').value = '';
  }
}

/** The attach report as text (ids are data: text only). */
function showAttach(r) {
  setAttributeColumns(r?.columns ?? []);
  if (!r) {
    $('rs-attr-summary').textContent = '';
    return;
  }
  const more = r.unmatched - r.unmatched_ids.length;
  $('rs-attr-summary').textContent =
    `${r.file}: ${nf.format(r.rows)} rows keyed by "${r.id_column}"; ${nf.format(r.matched_users)} users matched, ` +
    `${nf.format(r.users_without_row)} users of the data have no row; ${nf.format(r.unmatched)} ids not in the data` +
    (r.unmatched ? `: ${r.unmatched_ids.join(', ')}${more > 0 ? ` and ${nf.format(more)} more` : ''}` : '') +
    `. Columns for rules: ${r.columns.join(', ')}.`;
  $('rs-attr-summary').dataset.matched = String(r.matched_users);
  $('rs-attr-summary').dataset.unmatched = String(r.unmatched);
}

/** The rule-segments part of the Segments panel. */
export const rulesPanel = {
  name: 'rules',
  wire() {
    $('rules-form').addEventListener('submit', (e) => {
      e.preventDefault();
      run();
    });
    $('rs-members').addEventListener('click', exportMembers);
    $('rs-save').addEventListener('click', save);
    $('rs-attr-file').addEventListener('change', attach);
    onSavedChange(renderSaved);
    renderSaved();
  },
  onLoaded(s) {
    $('rs-results').hidden = true;
    $('rs-message').hidden = true;
    $('rs-caret').hidden = true;
    lastSpec = null;
    showAttach(s.attributes ?? null);
    if (s.attributes_error) panelError('rs-attr-message', { message: s.attributes_error });
  },
  onReset() {
    lastSpec = null;
  },
};
