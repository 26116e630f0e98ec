// The cross-sell panel (section 8): frequent item sets and association rules over
// baskets (an order id, or a user's purchases on one day); the rule matrix drawn
// by the engine, the rules table, "customers who bought X also bought", CSV export.
import { drawBasket } from '/pkg/tidemark.js';
import { $, el, nf, option, numCell, formatPct } from './dom.js';
import { client, setStatus, panelError } from './state.js';
import { downloadCsv, exportCanvas, drawInto } from './exports.js';
import { purchaseEventGuess } from './repeat.js';

/** The last basket result shown. */
let basket = null;

function renderForm(s) {
  $('discover').hidden = false;
  $('bk-results').hidden = true;
  $('bk-message').hidden = true;
  basket = null;
  const props = s.columns.filter((c) => ['property', 'item', 'order'].includes(c.role));
  const item = $('bk-item');
  item.replaceChildren(option('', '(the item column)', true));
  for (const c of props) item.append(option(c.name, `${c.name} (${c.role})`));
  const order = $('bk-order');
  order.replaceChildren(option('', '(the order column, else one user and day)', true));
  for (const c of props) order.append(option(c.name, `order id: ${c.name}`));
  const ev = $('bk-event');
  ev.replaceChildren(option('', '(every row with an item)', true));
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
  setStatus('Mining baskets…');
  try {
    const m = await client.request({ type: 'run', spec });
    basket = m.report;
    render(m.report);
    setStatus(`Cross-sell: ${nf.format(m.report.baskets)} baskets, ${nf.format(m.report.rules_total)} rules.`);
  } catch (e) {
    $('bk-results').hidden = true;
    panelError('bk-message', e);
    setStatus('The baskets could not be mined.');
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
  $('bk-results').hidden = false;
  const by = r.basket_by === 'user_day' ? 'one user and local day' : `order id (${r.basket_by})`;
  const left = [r.rows_without_item ? `${nf.format(r.rows_without_item)} rows without an item` : '', r.rows_without_order ? `${nf.format(r.rows_without_order)} without an order id` : ''].filter(Boolean).join(', ');
  $('bk-summary').textContent =
    `${nf.format(r.baskets)} baskets (by ${by}) of ${nf.format(r.items)} items from ${r.item_column}; an item set is frequent in at least ${nf.format(r.min_baskets)} baskets. ` +
    `${nf.format(r.itemsets_total)} frequent sets, ${nf.format(r.rules_total)} rules${r.rules_total > r.rules.length ? ` (the top ${nf.format(r.rules.length)} by lift listed)` : ''}.` +
    (left ? ` Left out: ${left}.` : '');
  const body = $('bk-rules').tBodies[0];
  body.replaceChildren(...r.rules.map((x, i) => ruleRow(x, i, 'bk-rule')));
  if (r.rules.length === 0) body.append(el('tr', {}, el('td', { colspan: '6', text: 'No rule passes the thresholds: lower the minimum support or confidence.' })));
  const box = $('bk-also-box');
  box.hidden = r.also_bought === null;
  if (r.also_bought !== null) {
    $('bk-also-title').textContent = `Customers who bought ${r.for_item} also bought`;
    const also = $('bk-also').tBodies[0];
    also.replaceChildren(...r.also_bought.map((x, i) => el('tr', { testid: `bk-also-${i}` },
      el('th', { scope: 'row', text: x.consequent.join(' + ') }),
      numCell(nf.format(x.baskets), x.baskets), numCell(formatPct(x.confidence), x.confidence), numCell(x.lift.toFixed(2), x.lift))));
    if (r.also_bought.length === 0) also.append(el('tr', {}, el('td', { colspan: '4', text: 'Nothing passes the thresholds with this item.' })));
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
  redraw: draw,
};
