// DOM helpers and number/time formatting shared by every panel, in the page's
// locale (i18n.js). Everything that came from the data reaches the DOM through
// `text` (textContent), never as HTML.
import { lang, locale, formats, t } from './i18n.js';

/** The element with this id. */
export const $ = (id) => document.getElementById(id);

/** Integer formatting with thousands separators, in the page's locale. */
export const nf = { format: (x) => new Intl.NumberFormat(locale()).format(x) };

/** Amounts with at most two decimals, in the page's locale (`fixed2`: exactly two). */
export const money = {
  format: (x) => new Intl.NumberFormat(locale(), { maximumFractionDigits: 2 }).format(x),
  fixed2: (x) => new Intl.NumberFormat(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(x),
};

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

/** Seconds → "12 s", "3.5 min", "2 h", "1.5 d" (秒, 分钟, 小时, 天 in Chinese). */
export function formatDuration(s) {
  if (s === null || s === undefined) return '—';
  const [n, unit] = s < 60 ? [s, 's'] : s < 3600 ? [s / 60, 'min'] : s < 86400 ? [s / 3600, 'h'] : [s / 86400, 'd'];
  return `${+n.toFixed(1)} ${t(`unit.${unit}`)}`;
}

/** Bytes → "1.5 MB". */
export function formatBytes(n) {
  if (!Number.isFinite(n)) return '?';
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

/** An ISO time for people: "2025-01-02 10:00:00 UTC"; in Chinese the locale's date ("2025年1月2日 10:00:00 UTC"). */
export function formatTime(iso) {
  if (!iso) return '—';
  if (lang() !== 'en' && /Z$/.test(iso)) return formats().time(iso);
  return iso.replace('T', ' ').replace(/Z$/, ' UTC');
}

/** A difference of rates in percentage points: "+3.2 pts". */
export function formatSignedPts(x) {
  const v = (x * 100).toFixed(1);
  return `${x > 0 ? '+' : ''}${v} ${t('u7.pts')}`;
}

/** A p-value: "< 0.001" or three decimals. */
export function formatP(p) {
  if (p === null || p === undefined) return '—';
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}
