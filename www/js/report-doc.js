// The standalone report file: one HTML document built with DOM APIs (every string
// from the data or the author is a text node), serialised by XMLSerializer. It has
// its own CSP (no script, no network: images are data: URLs, styles inline), print
// CSS and a phone layout, and opens offline in any browser.
import { el } from './dom.js';
import { chartPng } from './report-sections.js';
import { tIn, formats } from './i18n.js';

/** The report's own policy: nothing may run or load except its inline styles and data: images. */
export const REPORT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

// No '>' or '&' here: the XML serialiser would escape them inside <style>.
const CSS = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; font-size: 15px; line-height: 1.45; color: #1d2330; }
body { margin: 0 auto; max-width: 980px; padding: 24px 20px 48px; background: #fff; }
h1 { font-size: 1.7rem; margin: 0 0 4px; letter-spacing: -0.01em; }
h2 { font-size: 1.25rem; margin: 32px 0 8px; padding-top: 12px; border-top: 2px solid #2459d6; }
h3 { font-size: 1rem; margin: 18px 0 6px; }
.meta { color: #5b6475; margin: 0 0 16px; }
.meta dt { font-weight: 600; float: left; clear: left; width: 11em; }
.meta dd { margin: 0 0 2px 11em; overflow-wrap: anywhere; }
.notes { white-space: pre-wrap; background: #f6f7f9; border-left: 4px solid #2459d6; padding: 10px 14px; margin: 16px 0; }
dl.defs { margin: 8px 0 12px; }
dl.defs dt { font-weight: 600; }
dl.defs dd { margin: 0 0 6px 0; color: #3b4252; }
figure { margin: 16px 0; break-inside: avoid; page-break-inside: avoid; }
figure img { display: block; width: 100%; height: auto; border: 1px solid #dfe3ea; border-radius: 6px; }
figcaption { color: #5b6475; font-size: 0.9rem; margin-top: 4px; }
.omitted { color: #5b6475; font-style: italic; border: 1px dashed #c5ccd8; border-radius: 6px; padding: 12px; }
.table-wrap { overflow-x: auto; margin: 8px 0 16px; }
table { border-collapse: collapse; font-size: 0.9rem; min-width: 50%; }
tbody th { white-space: nowrap; }
th, td { padding: 5px 9px; border-bottom: 1px solid #e6e9ef; text-align: left; vertical-align: top; }
thead th { background: #f1f3f7; font-weight: 600; }
.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.suppressed { color: #8a93a4; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f7f9; padding: 10px; border-radius: 6px; font-size: 0.85rem; }
.about { color: #5b6475; font-size: 0.9rem; }
code { overflow-wrap: anywhere; }
@media (max-width: 600px) {
  body { padding: 14px 10px 32px; font-size: 14px; }
  h1 { font-size: 1.35rem; }
  .meta dt { float: none; width: auto; }
  .meta dd { margin-left: 0; }
  th, td { padding: 4px 6px; }
}
@media print {
  :root { font-size: 11pt; }
  body { max-width: none; padding: 0; }
  h2 { break-after: avoid; page-break-after: avoid; }
  section.analysis { break-before: page; page-break-before: always; }
  .table-wrap { overflow: visible; }
  table { width: 100%; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  pre { background: none; border: 1px solid #ccc; }
  @page { margin: 16mm 14mm; }
}
`;

/**
 * The report as HTML text. `info`: {lang ('en' | 'zh'), title, notes, summary,
 * sha256, generated (a Date), min, sections: [{title, definitions, charts, tables,
 * spec}], members: element|null}.
 */
export function reportHtml(info) {
  const t = (key, ...args) => tIn(info.lang, key, ...args);
  const f = formats(info.lang);
  const doc = document.implementation.createHTMLDocument('');
  doc.documentElement.lang = info.lang === 'zh' ? 'zh-CN' : 'en';
  const head = doc.head;
  head.replaceChildren(
    el('meta', { charset: 'utf-8' }),
    el('meta', { 'http-equiv': 'Content-Security-Policy', content: REPORT_CSP }),
    el('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
    el('meta', { name: 'referrer', content: 'no-referrer' }),
    el('meta', { name: 'generator', content: 'Tidemark' }),
    el('title', { text: info.title }),
    el('style', { text: CSS }),
  );
  const s = info.summary;
  const meta = el('dl', { class: 'meta', 'data-testid': 'report-meta' });
  const fact = (label, value, testid) => meta.append(el('dt', { text: label }), el('dd', { text: value, 'data-testid': testid }));
  fact(t('r.meta.file'), s.file, 'report-file');
  fact(t('r.meta.sha'), info.sha256, 'report-sha256');
  fact(t('r.meta.range'), `${f.time(s.first_time)} – ${f.time(s.last_time)}`, 'report-range');
  fact(t('r.meta.rows'), t('r.meta.rows.value', f.int(s.rows), f.int(s.users), f.int(s.rows_read)), 'report-rows');
  fact(t('r.meta.tz'), s.time_zone, 'report-tz');
  fact(t('r.meta.generated'), f.time(info.generated.toISOString()), 'report-generated');
  const body = doc.body;
  body.replaceChildren(el('h1', { text: info.title, 'data-testid': 'report-title' }), meta);
  if (info.notes.trim()) body.append(el('div', { class: 'notes', text: info.notes, 'data-testid': 'report-notes' }));
  for (const sec of info.sections) body.append(sectionNode(sec, info.min, t));
  if (info.members) {
    body.append(el('section', { class: 'analysis' }, el('h2', { text: t('r.members') }), info.members));
  }
  body.append(el('section', { class: 'about' },
    el('h2', { text: t('r.about') }),
    el('p', { text: `${t('r.about.suppression', info.min)} ${info.members ? t('r.about.members') : t('r.about.no_ids')}` }),
    el('p', { text: t('r.about.sha') }),
  ));
  return `<!DOCTYPE html>\n${new XMLSerializer().serializeToString(doc.documentElement)}\n`;
}

function sectionNode(sec, min, t) {
  const node = el('section', { class: 'analysis', 'data-testid': `report-section-${sec.key}` }, el('h2', { text: sec.title }));
  const defs = el('dl', { class: 'defs' });
  for (const [term, def] of sec.definitions) defs.append(el('dt', { text: term }), el('dd', { text: def }));
  node.append(el('h3', { text: t('r.definitions') }), defs);
  // Sentences of the section (the drivers' findings, the CLV warnings), when any.
  for (const list of sec.lists ?? []) {
    if (list.items.length) node.append(el('h3', { text: list.title }), el('ul', { 'data-testid': list.testid }, ...list.items.map((x) => el('li', { text: x }))));
  }
  for (const c of sec.charts) {
    if (c.omitted) {
      node.append(el('p', { class: 'omitted', text: t('r.chart.omitted', c.title, min) }));
    } else if (c.png) {
      node.append(el('figure', {}, el('img', { src: c.png, alt: c.title }), el('figcaption', { text: c.note ? `${c.title} — ${c.note}` : c.title })));
    } else {
      node.append(el('p', { class: 'omitted', text: t('r.chart.failed', c.title, c.error) }));
    }
  }
  node.append(...sec.tables);
  node.append(el('h3', { text: t('r.spec') }), el('pre', { text: JSON.stringify(sec.spec, null, 2), 'data-testid': `report-spec-${sec.key}` }));
  return node;
}

/** Draws every chart of a section unless it shows a small group: adds png / omitted / error. */
export function drawCharts(sec, sup) {
  for (const c of sec.charts) {
    if (sup.anySmall(c.counts)) {
      c.omitted = true;
      continue;
    }
    try {
      c.png = chartPng(c.draw, c.report, c.w, c.h);
    } catch (e) {
      c.error = String(e?.message ?? e);
    }
  }
}
