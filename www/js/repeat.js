// The repeat-purchase panel: rates with eligibility, the gap histogram, the rate
// by first-purchase month, and the behaviour drivers table with sentences.
import { drawRepeatGaps, drawRepeatByMonth } from '/pkg/tidemark.js';
import { $, el, nf, option, numCell, tile, formatPct, formatSignedPts, formatP } from './dom.js';
import { client, setStatus, panelError } from './state.js';
import { t, onLang, lang } from './i18n.js';
import { driverLabel, driverSentence } from './sentences.js';
import { fillSegmentSelect, onSavedChange, chosenSegment, chosenName } from './saved.js';
import { downloadCsv, exportCanvas, drawInto } from './exports.js';
import { remember } from './results.js';

/** Event names that usually mean a purchase, most likely first. */
const PURCHASE_NAMES = ['purchase', 'order', 'order_completed', 'purchased', 'buy', 'transaction', 'checkout_completed', '支付', '购买', '下单'];

/** The purchase event the page proposes for a loaded table, or null (the engine then guesses). */
export function purchaseEventGuess(s) {
  const lower = s.events.map((e) => e.name.toLowerCase());
  const guess = PURCHASE_NAMES.find((n) => lower.includes(n));
  return guess ? s.events[lower.indexOf(guess)].name : null;
}

/** The last repurchase result shown. */
let repeat = null;

function renderForm(s) {
  $('repeat').hidden = false;
  $('rp-results').hidden = true;
  $('rp-message').hidden = true;
  repeat = null;
  const sel = $('rp-event');
  sel.replaceChildren(option('', t('u7.guess'), true));
  for (const e of s.events) sel.append(option(e.name, e.name));
  const guess = purchaseEventGuess(s);
  if (guess) sel.value = guess;
  fillSegmentSelects();
}

function fillSegmentSelects() {
  fillSegmentSelect($('rp-segment'), t('u7.all_users'));
  fillSegmentSelect($('rp-compare'), '—');
}

function buildSpec() {
  const windows = $('rp-windows').value.split(/[\s,;]+/).filter(Boolean).map(Number);
  const spec = { analysis: 'repurchase', within_days: windows };
  const ev = $('rp-event').value;
  spec.purchase_event = ev === '' ? null : ev;
  const d = Number($('rp-drivers-days').value);
  if ($('rp-drivers-days').value !== '') spec.drivers_within_days = d;
  const g = Number($('rp-min-group').value);
  if ($('rp-min-group').value !== '') spec.min_group = g;
  const segment = chosenSegment($('rp-segment'));
  if (segment) spec.segment = segment;
  if ($('rp-compare').value !== '') spec.segments = [{ name: chosenName($('rp-compare')), segment: chosenSegment($('rp-compare')) }];
  return spec;
}

async function run() {
  const spec = buildSpec();
  $('rp-run').disabled = true;
  $('rp-message').hidden = true;
  setStatus(t('u7.rp.busy'));
  try {
    const m = await client.request({ type: 'run', spec });
    repeat = m.report;
    remember('repurchase', spec, m.report);
    render(m.report);
    setStatus(t('u7.rp.done', nf.format(m.report.buyers), nf.format(m.report.repeat_buyers)));
  } catch (e) {
    $('rp-results').hidden = true;
    panelError('rp-message', e);
    setStatus(t('u7.rp.failed'));
  } finally {
    $('rp-run').disabled = false;
  }
}

function render(r) {
  $('rp-results').hidden = false;
  const tiles = $('rp-tiles');
  tiles.replaceChildren(
    tile(t('ov.buyers'), nf.format(r.buyers), t('u7.rp.event', r.purchase_event, r.purchase_event_guessed), t('ov.buyers.def')),
    ...r.rates.map((x) =>
      tile(t('u7.rp.within', x.days), formatPct(x.rate), t('u7.rp.within_sub', nf.format(x.repeaters), nf.format(x.eligible), nf.format(x.not_yet_eligible)),
        t('u7.rp.within_def', x.days))),
    tile(t('ov.median_gap'), r.median_gap_days === null ? '—' : `${+r.median_gap_days.toFixed(1)} ${t('unit.d')}`, null, t('ov.median_gap.def')),
  );
  const rates = $('rp-rates').tBodies[0];
  rates.replaceChildren();
  r.rates.forEach((x, i) => rates.append(el('tr', { testid: `rp-rate-${i}` },
    el('th', { scope: 'row', text: t('r.days', x.days) }),
    numCell(nf.format(x.eligible), x.eligible), numCell(nf.format(x.repeaters), x.repeaters),
    numCell(formatPct(x.rate), x.rate), numCell(nf.format(x.not_yet_eligible), x.not_yet_eligible))));
  renderCompare(r);

  const sentences = $('rp-sentences');
  sentences.replaceChildren(...r.drivers.slice(0, 3).map((d) => el('li', { text: driverSentence(d, r.drivers_within_days, lang()) })));
  showAllDrivers = false;
  renderDrivers(r);
  draw();
}

/** The filter note, and the repeat rates side by side with a compared segment's. */
function renderCompare(r) {
  $('rp-filter-note').textContent = r.segment
    ? t('u7.filter_note_end', chosenName($('rp-segment')), nf.format(r.segment.users), formatPct(r.segment.share_users))
    : '';
  const part = r.by_segment?.[0];
  $('rp-compare-box').hidden = !part;
  if (!part) return;
  const mine = r.segment ? chosenName($('rp-segment')) : t('u7.all_users');
  $('rp-compare-table').tHead.rows[0].replaceChildren(
    el('th', { scope: 'col', text: t('ui.within') }),
    el('th', { scope: 'col', class: 'n', text: mine }),
    el('th', { scope: 'col', class: 'n', text: part.segment.name }));
  const body = $('rp-compare-table').tBodies[0];
  body.replaceChildren(
    el('tr', {}, el('th', { scope: 'row', text: t('ov.buyers') }), numCell(nf.format(r.buyers), r.buyers), numCell(nf.format(part.result.buyers), part.result.buyers)),
    ...r.rates.map((x, i) => {
      const y = part.result.rates[i];
      return el('tr', { testid: `rp-compare-${i}` }, el('th', { scope: 'row', text: t('r.days', x.days) }),
        numCell(formatPct(x.rate), x.rate), numCell(formatPct(y.rate), y.rate));
    }));
}

/** The drivers table shows this many rows until "show all" is pressed. */
const DRIVERS_SHOWN = 20;

/** True once "show all" was pressed for the current result. */
let showAllDrivers = false;

/** The drivers table (the top DRIVERS_SHOWN, or all), the show-all control and the notes. */
function renderDrivers(r) {
  const body = $('rp-drivers').tBodies[0];
  body.replaceChildren();
  const total = r.drivers.length;
  const shown = showAllDrivers ? total : Math.min(total, DRIVERS_SHOWN);
  r.drivers.slice(0, shown).forEach((d, i) => body.append(el('tr', { testid: `rp-driver-${i}` },
    el('th', { scope: 'row', text: driverLabel(d, lang()) }),
    numCell(formatPct(d.with_rate), d.with_rate), numCell(formatPct(d.without_rate), d.without_rate),
    numCell(d.lift === null ? '—' : `×${d.lift.toFixed(2)}`, d.lift),
    numCell(t('u7.rp.ci', formatSignedPts(d.ci_low), formatSignedPts(d.ci_high)), `${d.ci_low},${d.ci_high}`),
    numCell(formatP(d.p_value), d.p_value),
    numCell(`${nf.format(d.with_users)} / ${nf.format(d.without_users)}`, `${d.with_users},${d.without_users}`))));
  if (r.drivers.length === 0) {
    body.append(el('tr', {}, el('td', { colspan: '7', text: t('u7.rp.no_drivers') })));
  }
  $('rp-hidden').textContent = t('u7.rp.hidden', r.drivers_within_days, r.outcome_days, nf.format(r.hidden_small_groups), r.hidden_small_groups, nf.format(r.min_group));
  const more = $('rp-drivers-more');
  const note = $('rp-drivers-shown');
  note.hidden = total <= DRIVERS_SHOWN;
  note.textContent = shown < total
    ? t('u7.rp.top', nf.format(shown), nf.format(total), nf.format(total - shown))
    : t('u7.rp.all', nf.format(total));
  more.hidden = shown >= total;
  more.textContent = t('u7.rp.show_all', nf.format(total));
}

function draw() {
  if (!repeat) return;
  drawInto('rp-gaps', drawRepeatGaps, repeat);
  drawInto('rp-months', drawRepeatByMonth, repeat);
}

function exportRates() {
  const r = repeat;
  if (!r) return;
  downloadCsv([['days', 'eligible', 'repeaters', 'rate', 'not_yet_eligible'], ...r.rates.map((x) => [x.days, x.eligible, x.repeaters, x.rate, x.not_yet_eligible])], 'repeat-rates');
}

function exportDrivers() {
  const r = repeat;
  if (!r) return;
  downloadCsv([['behaviour', 'event', 'property', 'value', 'with_users', 'with_rate', 'without_users', 'without_rate', 'lift', 'ci_low', 'ci_high', 'p_value', 'sentence'],
    ...r.drivers.map((d) => [d.behaviour, d.event, d.property, d.value, d.with_users, d.with_rate, d.without_users, d.without_rate, d.lift, d.ci_low, d.ci_high, d.p_value, d.sentence])], 'repeat-drivers');
}

/** The repeat-purchase panel. */
export const repeatPanel = {
  name: 'repeat',
  wire() {
    $('repeat-form').addEventListener('submit', (e) => {
      e.preventDefault();
      run();
    });
    $('rp-png-gaps').addEventListener('click', () => exportCanvas('rp-gaps', 'repeat-gaps'));
    $('rp-png-months').addEventListener('click', () => exportCanvas('rp-months', 'repeat-by-month'));
    $('rp-csv-rates').addEventListener('click', exportRates);
    $('rp-csv-drivers').addEventListener('click', exportDrivers);
    onSavedChange(fillSegmentSelects);
    // The texts built after a run follow a language switch.
    onLang(() => {
      if (!repeat) return;
      const all = showAllDrivers;
      render(repeat);
      showAllDrivers = all;
      renderDrivers(repeat);
    });
    $('rp-drivers-more').addEventListener('click', () => {
      if (!repeat) return;
      showAllDrivers = true;
      renderDrivers(repeat);
    });
  },
  onLoaded: renderForm,
  onReset({ hide = false } = {}) {
    repeat = null;
    if (hide) $('repeat').hidden = true;
  },
  redraw: draw,
};
