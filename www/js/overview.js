// The overview: KPI tiles computed right after a load, each with a definition on hover.
import { $, nf, tile, formatPct } from './dom.js';
import { state, client } from './state.js';
import { purchaseEventGuess } from './repeat.js';

/** KPI tiles after a load: from the summary, a repurchase run and a revenue run. */
async function render(s, seq) {
  $('overview').hidden = false;
  const tiles = $('ov-tiles');
  const msg = $('ov-message');
  msg.hidden = true;
  delete tiles.dataset.ready;
  const t = (key, label, value, sub, title) => {
    const node = tile(label, value, sub, title);
    node.dataset.testid = `ov-${key}`;
    return node;
  };
  tiles.replaceChildren(t('users', 'Users', nf.format(s.users), null, 'Distinct users in the loaded file.'));
  let rep = null;
  let revenue = null;
  try {
    rep = (await client.request({ type: 'run', spec: { analysis: 'repurchase', purchase_event: purchaseEventGuess(s) } })).report;
  } catch (e) {
    if (seq !== state.loadSeq) return;
    if (e.kind !== 'crashed') {
      msg.textContent = e.message;
      msg.hidden = false;
    }
  }
  try {
    const r = (await client.request({ type: 'run', spec: { analysis: 'retention', period: 'month', periods: 1000, measure: 'revenue' } })).report;
    revenue = r.cohorts.reduce((a, c) => a + (c.revenue ?? []).reduce((x, y) => x + y, 0), 0);
  } catch {
    revenue = null; // no revenue column
  }
  if (seq !== state.loadSeq) return;
  const money = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
  const list = [t('users', 'Users', nf.format(s.users), null, 'Distinct users in the loaded file.')];
  if (rep) {
    list.push(
      t('buyers', 'Buyers', nf.format(rep.buyers), `event: ${rep.purchase_event}`, 'Users with at least one purchase event.'),
      t('conversion', 'First-purchase conversion', formatPct(s.users ? rep.buyers / s.users : null), null, 'Buyers divided by all users.'),
      ...rep.rates.map((x) => t(`repeat-${x.days}`, `Repeat within ${x.days} d`, formatPct(x.rate), `${nf.format(x.repeaters)} of ${nf.format(x.eligible)} eligible`,
        `Share of buyers who bought again within ${x.days} days of their first purchase, among those whose first purchase is at least ${x.days} days before the data end.`)),
    );
  }
  list.push(t('revenue', 'Revenue', revenue === null ? '—' : money.format(revenue), revenue === null ? 'no revenue column' : null, 'Sum of the revenue column over all rows.'));
  if (rep) {
    list.push(
      t('per-buyer', 'Revenue per buyer', revenue === null || !rep.buyers ? '—' : money.format(revenue / rep.buyers), null, 'Total revenue divided by the number of buyers.'),
      t('median-gap', 'Median days to 2nd purchase', rep.median_gap_days === null ? '—' : `${+rep.median_gap_days.toFixed(1)}`, null, 'Median days between the first and second purchase, over repeat buyers.'),
    );
  }
  tiles.replaceChildren(...list);
  tiles.dataset.ready = 'true';
}

/** The overview panel (no controls of its own). */
export const overviewPanel = {
  name: 'overview',
  wire() {},
  onLoaded: render,
  onReset({ hide = false } = {}) {
    if (hide) $('overview').hidden = true;
  },
};
