// Loading a file (or the demo) through the worker with progress and cancel, the
// "what was loaded" summary with role changes, and reloading after a crash.
import { $, el, nf, option, formatBytes, formatTime } from './dom.js';
import { state, panels, client, onCrash, setStatus, showError, showEngineError, clearError } from './state.js';
import { errorText } from './errors.js';
import { reasonText, typeText } from './reasons.js';
import { forgetAll } from './results.js';
import { t, onLang, lang } from './i18n.js';
import { timeFormatText } from './sentences.js';

/** Roles a column can take, in the order shown. */
const ROLES = ['user', 'time', 'event', 'revenue', 'order', 'item', 'property'];

/** The loading options from the page's controls and role overrides. */
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
    $('progress-text').textContent = t('ld.starting');
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
    t('ld.progress', formatBytes(bytes), formatBytes(total), pct, nf.format(rows));
}

/**
 * Loads (or reloads with the current options) a file or the demo; true when it loaded.
 * `quiet`: the same table again into a fresh worker (after a cancelled fit): the
 * panels keep their forms and results.
 */
export async function loadSource(source, { keepError = false, quiet = false } = {}) {
  if (state.loading) client.cancel();
  const seq = ++state.loadSeq;
  const current = () => seq === state.loadSeq;
  state.source = source;
  if (!keepError) clearError();
  setLoading(true);
  const name = source.demo ? t('ld.the_demo') : source.file.name;
  setStatus(t('ld.reading', name));
  try {
    const m = await client.request(
      { type: 'load', file: source.file, demo: !!source.demo, options: loadOptions(), attributes: state.attributes?.file ?? null },
      showProgress,
    );
    if (!current()) return false;
    const s = m.summary;
    state.summary = s;
    if (quiet) {
      setStatus(t('ld.ready_again', s.file));
      return true;
    }
    renderSummary(s);
    forgetAll();
    // One panel failing must not leave the panels after it unset.
    for (const p of panels) {
      try {
        p.onLoaded?.(s, seq);
      } catch (e) {
        console.error(`panel ${p.name}:`, e);
        showError(`The ${p.name ?? 'a'} panel could not start: ${e?.message ?? e}`);
      }
    }
    setStatus(t('ld.loaded', s.file, nf.format(s.rows), nf.format(s.users)));
    return true;
  } catch (e) {
    if (!current()) return false;
    if (e.kind === 'cancelled') setStatus(t('ld.cancelled'));
    else if (e.kind !== 'crashed') {
      showEngineError(e);
      setStatus(t('ld.failed'));
    }
    return false;
  } finally {
    if (current()) setLoading(false);
  }
}

/** A new file or the demo replaces the table: forget role overrides and results. */
function startNewSource(source) {
  state.roles = {};
  for (const p of panels) p.onReset?.();
  loadSource(source);
}

function handleCrash(message, lostTypes) {
  const original = `The engine stopped unexpectedly and was restarted. ${message}`;
  showError(t('u7.ld.crashed', errorText({ kind: 'crashed', message })), original);
  const duringLoad = lostTypes.includes('load');
  if (state.summary && state.source && !duringLoad) {
    // The table lived in the crashed worker: read the file again, quietly.
    setStatus(t('u7.ld.reloading'));
    loadSource(state.source, { keepError: true });
  } else if (duringLoad) {
    // The engine that held the previous table is gone too.
    state.summary = null;
    $('loaded').hidden = true;
    for (const p of panels) p.onReset?.({ hide: true });
  }
}

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
  fact(t('ld.encoding'), s.encoding, reasonText(s.encoding_reason));
  const delimiterNames = { ',': 'u7.ld.comma', ';': 'u7.ld.semicolon', '\t': 'u7.ld.tab', '|': 'u7.ld.pipe' };
  fact(t('ld.delimiter'), delimiterNames[s.delimiter] ? t(delimiterNames[s.delimiter]) : s.delimiter, null);
  fact(t('ld.date_order'), ['dmy', 'mdy', 'ymd'].includes(s.date_order) ? t(`u7.order.${s.date_order}`) : s.date_order, reasonText(s.date_order_reason));
  fact(t('ld.time_format'), timeFormatText(s.time_format, lang()), null);
  fact(t('ld.time_zone'), s.time_zone, null);
  if (s.order_file) fact(t('ld.events'), 'purchase', t('ld.order_file'));

  const skipped = $('skipped-list');
  skipped.replaceChildren();
  for (const k of s.skipped) {
    const lines = k.lines.length ? t('u7.ld.lines', k.lines.length, `${k.lines.join(', ')}${k.count > k.lines.length ? ', …' : ''}`) : '';
    skipped.append(el('li', { text: t('u7.ld.skipped', k.reason, nf.format(k.count), k.count, lines) }));
  }
  $('skipped-box').hidden = s.skipped.length === 0;

  const cols = $('columns-table').tBodies[0];
  cols.replaceChildren();
  s.columns.forEach((c, i) => {
    const select = el('select', { 'aria-label': t('u7.ld.role_of', c.name), testid: `role-${i}` });
    for (const r of ROLES) select.append(option(r, t(`u7.role.${r}`), r === c.role));
    select.dataset.column = c.name;
    select.dataset.role = c.role;
    select.addEventListener('change', () => changeRole(c.name, c.role, select.value));
    cols.append(
      el('tr', {}, el('th', { scope: 'row', text: c.name }), el('td', { text: typeText(c.type) }), el('td', {}, select), el('td', { class: 'reason', text: reasonText(c.reason) })),
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

/** The loading controls: pick, drop, demo, cancel, options. */
export function wireLoad() {
  onCrash(handleCrash);
  // The facts of what was loaded follow a language switch.
  onLang(() => {
    if (state.summary && !$('loaded').hidden) renderSummary(state.summary);
  });
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
    $('progress-text').textContent = t('ld.cancelling');
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
}
