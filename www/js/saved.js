// Saved segments: named rules kept in localStorage (this browser only; nothing
// leaves the machine), and the segment selectors of the funnel, repeat-purchase
// and retention panels, which offer the saved rules, the RFM segments and the
// value tiers. An option's value is the spec's segment reference as JSON.
import { el, option } from './dom.js';
import { t, onLang, segmentName } from './i18n.js';

const KEY = 'tidemark.segments';
const RFM = ['Champions', 'Loyal', 'Potential loyalist', 'New', 'Promising', 'Need attention',
  'About to sleep', 'Cannot lose', 'At risk', 'Hibernating', 'Lost'];
const TIERS = ['high', 'mid', 'low'];

const listeners = [];

/** The saved segments: [{name, rule}], in the order saved. */
export function savedSegments() {
  try {
    const list = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(list) ? list.filter((s) => typeof s?.name === 'string' && typeof s?.rule === 'string') : [];
  } catch {
    return [];
  }
}

function store(list) {
  localStorage.setItem(KEY, JSON.stringify(list));
  for (const fn of listeners) fn(list);
}

/** Saves (or replaces, by name) a named rule. */
export function saveSegment(name, rule) {
  const list = savedSegments().filter((s) => s.name !== name);
  list.push({ name, rule });
  store(list);
}

/** Removes a saved segment by name. */
export function removeSegment(name) {
  store(savedSegments().filter((s) => s.name !== name));
}

/** Calls `fn(list)` whenever the saved segments change (and after a language switch: the labels are the page's). */
export function onSavedChange(fn) {
  listeners.push(fn);
}

onLang(() => {
  const list = savedSegments();
  for (const fn of listeners) fn(list);
});

/**
 * Refills a segment <select>: `none` first (value ''), then the saved rules,
 * the RFM segments and the tiers; keeps the current choice when it still exists.
 */
export function fillSegmentSelect(sel, none) {
  const keep = sel.value;
  const saved = savedSegments();
  const group = (label, items) => el('optgroup', { label }, ...items);
  sel.replaceChildren(option('', none));
  if (saved.length) {
    sel.append(group(t('h.saved_segments'), saved.map((s) => option(JSON.stringify({ rule: s.rule }), s.name))));
  }
  sel.append(group(t('name.rfm'), RFM.map((n) => option(JSON.stringify({ rfm: n }), `RFM: ${segmentName(n)}`))));
  sel.append(group(t('u7.seg.tiers_group'), TIERS.map((x) => option(JSON.stringify({ tier: x }), t('u7.seg.tier', t(`r.tier.${x}`))))));
  // Predicted value (the CLV fit with its defaults: weekly, calibration to the data end).
  sel.append(group(t('u7.seg.clv_group'), [
    option(JSON.stringify({ clv: 'high' }), t('u7.seg.clv_high')),
    option(JSON.stringify({ clv: 'at_risk' }), t('u7.seg.clv_at_risk')),
  ]));
  sel.value = [...sel.options].some((o) => o.value === keep) ? keep : '';
}

/** The segment reference chosen in `sel`, or null. */
export function chosenSegment(sel) {
  return sel.value === '' ? null : JSON.parse(sel.value);
}

/** The label of the chosen option (the segment's name in the page). */
export function chosenName(sel) {
  return sel.selectedOptions[0]?.text ?? '';
}
