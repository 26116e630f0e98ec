// DOM helpers and number/time formatting shared by every panel. Everything that
// came from the data reaches the DOM through `text` (textContent), never as HTML.

/** The element with this id. */
export const $ = (id) => document.getElementById(id);

/** Integer formatting with thousands separators. */
export const nf = new Intl.NumberFormat('en-US');

/** Creates an element; `text` becomes textContent, `testid` data-testid, other props attributes. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = String(value);
    else if (key === 'testid') node.dataset.testid = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

/** An <option> whose label is set as text. */
export function option(value, text, selected = false) {
  const o = document.createElement('option');
  o.value = value;
  o.text = text;
  o.selected = selected;
  return o;
}

/** A table cell with its raw value in data-value (for tests and exports). */
export function numCell(text, value) {
  const td = el('td', { class: 'n', text });
  if (value !== undefined) td.dataset.value = value === null ? '' : String(value);
  return td;
}

/** A KPI tile: label, big value, optional sub-line; `title` is the hover definition. */
export function tile(label, value, sub, title) {
  return el('div', { class: 'tile', title }, el('span', { class: 'tile-label', text: label }), el('span', { class: 'tile-value', text: value }), sub ? el('span', { class: 'tile-sub', text: sub }) : null);
}

/** 0.1234 → "12.3%"; null → "—". */
export function formatPct(x) {
  return x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`;
}

/** Seconds → "12 s", "3.5 min", "2 h", "1.5 d". */
export function formatDuration(s) {
  if (s === null || s === undefined) return '—';
  if (s < 60) return `${+s.toFixed(1)} s`;
  if (s < 3600) return `${+(s / 60).toFixed(1)} min`;
  if (s < 86400) return `${+(s / 3600).toFixed(1)} h`;
  return `${+(s / 86400).toFixed(1)} d`;
}

/** Bytes → "1.5 MB". */
export function formatBytes(n) {
  if (!Number.isFinite(n)) return '?';
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

/** An ISO time for people: "2025-01-02 10:00:00 UTC". */
export function formatTime(iso) {
  if (!iso) return '—';
  return iso.replace('T', ' ').replace(/Z$/, ' UTC');
}

/** A difference of rates in percentage points: "+3.2 pts". */
export function formatSignedPts(x) {
  const v = (x * 100).toFixed(1);
  return `${x > 0 ? '+' : ''}${v} pts`;
}

/** A p-value: "< 0.001" or three decimals. */
export function formatP(p) {
  if (p === null || p === undefined) return '—';
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}
