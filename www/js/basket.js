// The cross-sell panel (section 9): frequent item sets and association rules over
// baskets (an order id, or a user's purchases on one day); the rule matrix drawn
// by the engine, the rules table, "customers who bought X also bought", CSV export.
import { drawBasket } from '/pkg/tidemark.js';
import { $, el, nf, option, numCell, formatPct } from './dom.js';
import { client, setStatus, panelError } from './state.js';
import { downloadCsv, exportCanvas, drawInto } from './exports.js';
import { purchaseEventGuess } from './repeat.js';
import { t } from './i18n.js';
import { remember } from './results.js';

/** The last basket result shown. */
let basket = null;

function renderForm(s) {
  $('discover').hidden = false;
  $('bk-results').hidden = true;
  $('bk-message').hidden = true;
  basket = null;
  const props = s.columns.filter((c) => ['property', 'item', 'order'].includes(c.role));
  const item = $('bk-item');
  item.replaceChildren(option('', t('s9.bk_item_default'), true));
  for (const c of props) item.append(option(c.name, `${c.name} (${c.role})`));
  const order = $('bk-order');
  order.replaceChildren(option('', t('s9.bk_order_default'), true));
  for (const c of props) order.append(option(c.name, t('s9.bk_order_id', c.name)));
  const ev = $('bk-event');
  ev.replaceChildren(option('', t('s9.bk_event_default'), true));
  for (const e of s.events) ev.append(option(e.name, e.name));
  const guess = purchaseEventGuess(s);
  if (guess) ev.value = guess;
}

/** The spec the form describes. */
export function basketSpec() {
  const v = (id) => $(id).value.trim();
  const spec = {
    analysis: 'basket',
    item: v('bk-item') || null,
    order: v('bk-order') || null,
    purchase_event: v('bk-event') || null,
    min_support: Number(v('bk-support')) / 100,
    min_confidence: Number(v('bk-confidence')) / 100,
    max_len: Number(v('bk-max-len')),
    for_item: v('bk-for') || null,
  };
  return spec;
}

async function run() {
  const spec = basketSpec();
  $('bk-run').disabled = true;
  $('bk-message').hidden = true;
  setStatus(t('s9.bk_computing'));
  try {
    const m = await client.request({ type: 'run', spec });
    basket = m.report;
    render(m.report);
    remember('basket', spec, m.report);
    setStatus(t('s9.bk_done', nf.format(m.report.baskets), nf.format(m.report.rules_total)));
  } catch (e) {
    $('bk-results').hidden = true;
    panelError('bk-message', e);
    setStatus(t('s9.bk_failed'));
  } finally {
    $('bk-run').disabled = false;
  }
}

function ruleRow(r, i, prefix) {
  return el('tr', { testid: `${prefix}-${i}` },
    el('th', { scope: 'row', text: r.antecedent.join(' + ') }),
    el('td', { text: r.consequent.join(' + ') }),
    numCell(nf.format(r.baskets), r.baskets), numCell(formatPct(r.support), r.support),
    numCell(formatPct(r.confidence), r.confidence), numCell(r.lift.toFixed(2), r.lift));
}

function render(r) {
  $('bk-chart').setAttribute('aria-label', t('s9.bk_chart'));
  $('bk-results').hidden = false;
  const by = r.basket_by === 'user_day' ? t('s9.bk_by_day') : t('s9.bk_by_order', r.basket_by);
  const left = [r.rows_without_item ? t('s9.bk_left_item', nf.format(r.rows_without_item)) : '', r.rows_without_order ? t('s9.bk_left_order', nf.format(r.rows_without_order)) : ''].filter(Boolean).join(', ');
  $('bk-summary').textContent =
    t('s9.bk_summary', nf.format(r.baskets), by, nf.format(r.items), r.item_column, nf.format(r.min_baskets),
      nf.format(r.itemsets_total), nf.format(r.rules_total), r.rules_total > r.rules.length ? nf.format(r.rules.length) : '') +
    (left ? t('s9.bk_left', left) : '');
  const body = $('bk-rules').tBodies[0];
  body.replaceChildren(...r.rules.map((x, i) => ruleRow(x, i, 'bk-rule')));
  if (r.rules.length === 0) body.append(el('tr', {}, el('td', { colspan: '6', text: t('s9.bk_no_rule') })));
  const box = $('bk-also-box');
  box.hidden = r.also_bought === null;
  if (r.also_bought !== null) {
    $('bk-also-title').textContent = t('s9.bk_also_title', r.for_item);
    const also = $('bk-also').tBodies[0];
    also.replaceChildren(...r.also_bought.map((x, i) => el('tr', { testid: `bk-also-${i}` },
      el('th', { scope: 'row', text: x.consequent.join(' + ') }),
      numCell(nf.format(x.baskets), x.baskets), numCell(formatPct(x.confidence), x.confidence), numCell(x.lift.toFixed(2), x.lift))));
    if (r.also_bought.length === 0) also.append(el('tr', {}, el('td', { colspan: '4', text: t('s9.bk_also_none') })));
  }
  draw();
}

function draw() {
  if (basket) drawInto('bk-chart', drawBasket, basket);
}

function exportTable() {
  const r = basket;
  if (!r) return;
  downloadCsv([['antecedent', 'consequent', 'baskets', 'support', 'confidence', 'lift'],
    ...r.rules.map((x) => [x.antecedent.join(' + '), x.consequent.join(' + '), x.baskets, x.support, x.confidence, x.lift])], 'basket-rules');
}

/** The cross-sell panel. */
export const basketPanel = {
  name: 'basket',
  wire() {
    $('basket-form').addEventListener('submit', (e) => {
      e.preventDefault();
      run();
    });
    $('bk-png').addEventListener('click', () => exportCanvas('bk-chart', 'basket'));
    $('bk-csv').addEventListener('click', exportTable);
  },
  onLoaded: renderForm,
  onReset() {
    basket = null;
  },
  /** After a resize or a language switch: the texts and the chart again. */
  redraw() {
    for (const [id, key] of [['bk-item', 's9.bk_item_default'], ['bk-order', 's9.bk_order_default'], ['bk-event', 's9.bk_event_default']]) {
      const first = $(id).options[0];
      if (first && first.value === '') first.textContent = t(key);
    }
    for (const o of $('bk-order').options) if (o.value) o.textContent = t('s9.bk_order_id', o.value);
    if (basket) render(basket);
  },
};
