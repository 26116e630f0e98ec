// Downloads (CSV or Arrow IPC tables, PNG) and drawing into a canvas with a readable failure note.
import { tableToArrow } from '/pkg/tidemark.js';
import { $, el } from './dom.js';
import { state, showError } from './state.js';
import { t } from './i18n.js';
import { setLayout } from './tooltip.js';

/** One CSV cell: formulas neutralised (leading = + - @ tab CR get a '), quoted when needed. */
export function csvCell(value) {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  if (/[",\n\r]/.test(text)) text = `"${text.replaceAll('"', '""')}"`;
  return text;
}

/** Rows of cells → CSV text (CRLF lines). */
export function csvText(rows) {
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** Saves `blob` as `filename` (an object URL; nothing leaves the machine). */
export function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Downloads `rows` (a header row, then data rows) as `<file>-<suffix>.csv`, or, when
 * the header's "Tables as" switch says Arrow, as `<file>-<suffix>.arrow` (an Arrow
 * IPC file built by the engine; cells as they are, types inferred per column).
 */
export function downloadCsv(rows, suffix) {
  if ($('table-format')?.value === 'arrow') {
    const clean = (v) => (v === undefined ? null : v);
    try {
      const bytes = tableToArrow({ columns: rows[0].map(String), rows: rows.slice(1).map((r) => r.map(clean)) });
      download(new Blob([bytes], { type: 'application/vnd.apache.arrow.file' }), `${baseName()}-${suffix}.arrow`);
    } catch (e) {
      showError(`The table could not be written as Arrow: ${e?.message ?? e}`);
    }
    return;
  }
  download(new Blob([csvText(rows)], { type: 'text/csv' }), `${baseName()}-${suffix}.csv`);
}

/** The loaded file's name, safe for a download name (letters of any script kept). */
export function baseName() {
  const name = state.summary?.file ?? 'tidemark';
  return name.replace(/\.[^.]*$/, '').replace(/[^\p{L}\p{N}_.-]+/gu, '_') || 'tidemark';
}

/** Downloads canvas `id` as `<file>-<suffix>.png`. */
export function exportCanvas(id, suffix) {
  $(id).toBlob((blob) => {
    if (blob) download(blob, `${baseName()}-${suffix}.png`);
    else showError(t('u7.png_failed'));
  }, 'image/png');
}

/**
 * Draws `report` on canvas `id` with `fn`; returns its layout (whose hover
 * targets then drive the chart's tooltip), or null with a note under the chart.
 */
export function drawInto(id, fn, report) {
  const canvas = $(id);
  const box = canvas.parentElement;
  box.querySelector('.chart-note')?.remove();
  try {
    const layout = fn(canvas, report);
    setLayout(id, layout);
    return layout;
  } catch (e) {
    setLayout(id, null);
    box.append(el('p', { class: 'chart-note', text: t('u7.chart_failed', e?.message ?? e) }));
    return null;
  }
}
