// Languages: English and Simplified Chinese. `t(key, …args)` looks a text up in the
// chosen language's dictionary (lang/en.js, lang/zh.js; a value may be a function of
// the args), falling back to English. The choice is remembered in localStorage and
// sets <html lang>. Numbers and dates are formatted with Intl for the locale.
import en from './lang/en.js';
import zh from './lang/zh.js';

const DICTS = { en, zh };
/** The languages offered: code → name in that language. */
export const LANGUAGES = { en: 'English', zh: '简体中文' };
const LOCALES = { en: 'en-US', zh: 'zh-CN' };
const STORE_KEY = 'tidemark.lang';

function initial() {
  try {
    const saved = localStorage.getItem(STORE_KEY);
    if (saved && saved in DICTS) return saved;
  } catch {
    // Storage may be unavailable (a file:// page, privacy settings): English.
  }
  return 'en';
}

let current = initial();
const listeners = [];

/** The chosen language code ('en' or 'zh'). */
export const lang = () => current;

/** The chosen language's BCP 47 locale ('en-US', 'zh-CN'). */
export const locale = () => LOCALES[current];

/** Chooses a language, remembers it, and tells every listener. */
export function setLang(code) {
  if (!(code in DICTS)) throw new Error(`unknown language ${code}`);
  current = code;
  try {
    localStorage.setItem(STORE_KEY, code);
  } catch {
    // Not remembered; still switched.
  }
  for (const fn of listeners) fn(code);
}

/** Calls `fn(code)` after every language change. */
export function onLang(fn) {
  listeners.push(fn);
}

/** The text of `key` in language `code` (default: the chosen one). */
export function tIn(code, key, ...args) {
  const v = DICTS[code]?.[key] ?? en[key];
  if (v === undefined) return key;
  return typeof v === 'function' ? v(...args) : v;
}

/** The text of `key` in the chosen language. */
export const t = (key, ...args) => tIn(current, key, ...args);

/**
 * An RFM segment's name as language `code` shows it (default: the chosen one). The
 * engine's English name stays the identifier in specs, exports and member lists.
 */
export function segmentName(name, code = current) {
  return DICTS[code]?.[`rfm.seg.${name}`] ?? name;
}

/** Formatters for language `code`: integers, percentages, money, fixed decimals, dates. */
export function formats(code = current) {
  const loc = LOCALES[code];
  const int = new Intl.NumberFormat(loc);
  const money = new Intl.NumberFormat(loc, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const none = (x) => x === null || x === undefined;
  return {
    int: (x) => (none(x) ? '—' : int.format(x)),
    pct: (x) => (none(x) ? '—' : new Intl.NumberFormat(loc, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(x)),
    money: (x) => (none(x) ? '—' : money.format(x)),
    fixed: (x, d) => (none(x) ? '—' : new Intl.NumberFormat(loc, { minimumFractionDigits: d, maximumFractionDigits: d, useGrouping: false }).format(x)),
    /** Seconds as "12 s", "3.5 min", "2 h", "1.5 d" (秒, 分钟, 小时, 天). */
    duration: (x) => {
      if (none(x)) return '—';
      const [n, unit] = x < 60 ? [x, 's'] : x < 3600 ? [x / 60, 'min'] : x < 86400 ? [x / 3600, 'h'] : [x / 86400, 'd'];
      return `${new Intl.NumberFormat(loc, { maximumFractionDigits: 1 }).format(n)} ${tIn(code, `unit.${unit}`)}`;
    },
    /** An ISO time as a date and time in UTC, e.g. "2026-01-02 10:00:00 UTC" / "2026/1/2 10:00:00 UTC". */
    time: (iso) => (iso ? `${new Intl.DateTimeFormat(loc, { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC', hourCycle: 'h23' }).format(new Date(iso))} UTC` : '—'),
  };
}

/**
 * Sets the text of every element with data-i18n="key", the aria-label of every
 * element with data-i18n-aria="key" (and <html lang>) in `root`.
 */
export function translatePage(root = document) {
  document.documentElement.lang = locale();
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll('[data-i18n-aria]')) node.setAttribute('aria-label', t(node.dataset.i18nAria));
}
