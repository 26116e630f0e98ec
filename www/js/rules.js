// Rule segments (part of the Segments panel): a rule typed by hand
// (docs/segments.md) counted by the engine — size, share of users and of revenue —
// with a mistake shown at its column; member export as CSV; saving the rule by
// name (saved.js); and a user attribute file whose columns rules can read.
import { $, el, nf, money, formatPct } from './dom.js';
import { t, onLang } from './i18n.js';
import { state, client, setStatus, panelError } from './state.js';
import { downloadCsv } from './exports.js';
import { savedSegments, saveSegment, removeSegment, onSavedChange } from './saved.js';
import { setAttributeColumns } from './funnel.js';


/** The spec of the last segment counted, and its result. */
let lastSpec = null;
let lastReport = null;

/** Listeners called after a user attribute file was attached. */
const attachedListeners = [];

/** Calls `fn()` after every successful attach of a user attribute file. */
export function onAttached(fn) {
  attachedListeners.push(fn);
}

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
  setStatus(t('u7.rs.busy'));
  try {
    const r = (await client.request({ type: 'run', spec })).report;
    lastSpec = spec;
    lastReport = r;
    render(r);
    setStatus(t('u7.rs.done', nf.format(r.users), nf.format(r.total_users)));
  } catch (e) {
    $('rs-results').hidden = true;
    lastSpec = null;
    showRuleError(e);
    setStatus(t('u7.rs.failed'));
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
  rev.textContent = r.revenue === null ? t('ov.revenue.none') : `${money.format(r.revenue)} (${formatPct(r.share_revenue)})`;
  rev.dataset.value = r.share_revenue === null ? '' : String(r.share_revenue);
  $('rs-summary').textContent = t('u7.rs.summary', nf.format(r.total_users), r.as_of ?? '—', r.purchase_event);
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
    setStatus(t('u7.rs.exported', nf.format(r.members.length)));
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
  setStatus(t('u7.rs.saved', name));
}

function renderSaved(list = savedSegments()) {
  const ul = $('rs-saved');
  ul.replaceChildren(...list.map((s, i) => {
    const use = el('button', { type: 'button', class: 'button', text: t('u7.rs.edit'), testid: `rs-saved-edit-${i}` });
    use.addEventListener('click', () => {
      $('rs-rule').value = s.rule;
      $('rs-name').value = s.name;
      run();
    });
    const rm = el('button', { type: 'button', class: 'button', text: t('u7.rs.remove'), testid: `rs-saved-remove-${i}` });
    rm.addEventListener('click', () => removeSegment(s.name));
    return el('li', { testid: `rs-saved-${i}` }, el('strong', { text: s.name }), el('code', { text: s.rule }), use, rm);
  }));
  $('rs-saved-none').hidden = list.length > 0;
}

async function attach() {
  const file = $('rs-attr-file').files?.[0];
  if (!file) return;
  $('rs-attr-message').hidden = true;
  setStatus(t('ld.reading', file.name));
  try {
    const m = await client.request({ type: 'attach', file });
    // Kept by the page too: a fresh worker (after a crash) gets it with the next load.
    state.attributes = { file, report: m.report };
    showAttach(m.report);
    setStatus(t('u7.rs.matched', file.name, nf.format(m.report.matched_users)));
    for (const fn of attachedListeners) fn();
  } catch (e) {
    $('rs-attr-summary').textContent = '';
    panelError('rs-attr-message', e);
    setStatus(t('u7.rs.attr_failed'));
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
  const ids = r.unmatched ? t('u7.rs.ids', r.unmatched_ids.join(', '), more > 0 ? nf.format(more) : null) : '';
  $('rs-attr-summary').textContent = t('u7.rs.attr_summary', r.file, nf.format(r.rows), r.id_column, nf.format(r.matched_users),
    nf.format(r.users_without_row), nf.format(r.unmatched), ids, r.columns.join(', '));
  $('rs-attr-summary').dataset.matched = String(r.matched_users);
  $('rs-attr-summary').dataset.unmatched = String(r.unmatched);
}

/** The rule-segments part of the Segments panel. */
export const rulesPanel = {
  name: 'rules',
  wire() {
    // The texts built after a count, the saved list and the attribute summary follow a language switch.
    onLang(() => {
      if (lastReport && !$('rs-results').hidden) render(lastReport);
      renderSaved();
      if (state.attributes) showAttach(state.attributes.report);
    });
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
    if (state.attributes && s.attributes) state.attributes.report = s.attributes;
    if (s.attributes_error) {
      state.attributes = null;
      panelError('rs-attr-message', { message: s.attributes_error });
    }
  },
  onReset() {
    lastSpec = null;
  },
};
