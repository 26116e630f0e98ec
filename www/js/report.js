// The Report panel: pick any of the page's current results, add a title and notes,
// choose the minimum group size, and download one self-contained HTML file
// (report-doc.js) with charts, tables, definitions, specs, the date range and the
// SHA-256 of the input file (computed in the worker, streamed).
import { $, el } from './dom.js';
import { state, client, setStatus, showError } from './state.js';
import { download, baseName } from './exports.js';
import { allResults, resultOf, onResults } from './results.js';
import { Suppressor, sectionFor, memberList, useLanguage } from './report-sections.js';
import { t, lang, onLang, formats } from './i18n.js';
import { reportHtml, drawCharts } from './report-doc.js';

/** The fingerprint of the loaded source, computed once per source: {source, hex}. */
let fingerprint = null;

/** The SHA-256 (hex) of the loaded file or demo, from the worker. */
async function sha256() {
  if (fingerprint?.source === state.source) return fingerprint.hex;
  const src = state.source;
  const m = await client.request({ type: 'sha256', file: src.file, demo: !!src.demo });
  fingerprint = { source: src, hex: m.hex };
  return m.hex;
}

/** Rebuilds the list of analyses to pick from the current results. */
function renderPicker() {
  const list = $('rpt-pick');
  const results = allResults();
  const before = new Map([...list.querySelectorAll('input')].map((i) => [i.value, i.checked]));
  list.replaceChildren(...results.map((r) => {
    const box = el('input', { type: 'checkbox', value: r.key, 'data-testid': `report-pick-${r.key}` });
    box.checked = before.get(r.key) ?? true;
    return el('li', {}, el('label', {}, box, ` ${t(`name.${r.key}`)}`));
  }));
  $('rpt-empty').hidden = results.length > 0;
  $('rpt-download').disabled = results.length === 0;
  $('rpt-members').disabled = !resultOf('rfm');
  if (!resultOf('rfm')) $('rpt-members').checked = false;
}

/** The report of the picked results, as HTML text. */
export async function buildReport() {
  const picked = new Set([...$('rpt-pick').querySelectorAll('input:checked')].map((i) => i.value));
  const chosen = allResults().filter((r) => picked.has(r.key));
  const min = Number($('rpt-min').value);
  const sup = new Suppressor(Number.isFinite(min) && min >= 1 ? min : 5);
  useLanguage(lang());
  const sections = chosen.map((r) => {
    const sec = sectionFor(r, sup);
    for (const c of sec.charts) c.report ??= r.report;
    drawCharts(sec, sup);
    return { ...sec, key: r.key, spec: r.spec };
  });
  let members = null;
  if ($('rpt-members').checked && resultOf('rfm')) {
    const m = await client.request({ type: 'run', spec: { ...resultOf('rfm').spec, users: true } });
    members = memberList(m.report.users);
  }
  const title = $('rpt-title').value.trim() || t('r.default_title', state.summary.file);
  return reportHtml({
    lang: lang(),
    title,
    notes: $('rpt-notes').value,
    summary: state.summary,
    sha256: await sha256(),
    generated: new Date(),
    min: sup.min,
    sections,
    members,
  });
}

async function exportReport() {
  if (!state.summary) return;
  $('rpt-download').disabled = true;
  setStatus(t('report.building'));
  try {
    const html = await buildReport();
    download(new Blob([html], { type: 'text/html;charset=utf-8' }), `${baseName()}-report.html`);
    setStatus(t('report.done', formats().int(Math.round(html.length / 1024))));
  } catch (e) {
    if (e.kind !== 'crashed') showError(t('report.failed', e?.message ?? e));
  } finally {
    $('rpt-download').disabled = allResults().length === 0;
  }
}

/** The report panel. */
export const reportPanel = {
  name: 'report',
  wire() {
    onResults(renderPicker);
    onLang(renderPicker);
    $('rpt-download').addEventListener('click', exportReport);
  },
  onLoaded() {
    $('report').hidden = false;
    fingerprint = null;
    renderPicker();
  },
  onReset({ hide = false } = {}) {
    fingerprint = null;
    if (hide) $('report').hidden = true;
  },
};
