// The overview: KPI tiles computed right after a load, each with a definition on
// hover, in the page's language (the tiles are rebuilt when it changes).
import { $, nf, tile, formatPct } from './dom.js';
import { state, client } from './state.js';
import { purchaseEventGuess } from './repeat.js';
import { t as tr } from './i18n.js';

/** What the tiles show: the summary and the repurchase result of the last load. */
let shown = null;

/** KPI tiles after a load: from the summary (users, revenue) and a repurchase run. */
async function render(s, seq) {
  $('overview').hidden = false;
  const tiles = $('ov-tiles');
  const msg = $('ov-message');
  msg.hidden = true;
  delete tiles.dataset.ready;
  shown = null;
  tiles.replaceChildren(usersTile(s));
  let rep = null;
  try {
    rep = (await client.request({ type: 'run', spec: { analysis: 'repurchase', purchase_event: purchaseEventGuess(s) } })).report;
  } catch (e) {
    if (seq !== state.loadSeq) return;
    if (e.kind !== 'crashed') {
      msg.textContent = e.message;
      msg.hidden = false;
    }
  }
  if (seq !== state.loadSeq) return;
  shown = { s, rep };
  fill();
  tiles.dataset.ready = 'true';
}

function named(key, label, value, sub, title) {
  const node = tile(label, value, sub, title);
  node.dataset.testid = `ov-${key}`;
  return node;
}

function usersTile(s) {
  return named('users', tr('ov.users'), nf.format(s.users), null, tr('ov.users.def'));
}

/** Builds the tiles of `shown` in the current language. */
function fill() {
  if (!shown) return;
  const { s, rep } = shown;
  // The engine's total of the revenue column (null without one): every loaded
  // row holding a number, whatever its event.
  const revenue = s.revenue_total ?? null;
  const money = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
  const list = [usersTile(s)];
  if (rep) {
    list.push(
      named('buyers', tr('ov.buyers'), nf.format(rep.buyers), tr('ov.buyers.sub', rep.purchase_event), tr('ov.buyers.def')),
      named('conversion', tr('ov.conversion'), formatPct(s.users ? rep.buyers / s.users : null), null, tr('ov.conversion.def')),
      ...rep.rates.map((x) => named(`repeat-${x.days}`, tr('ov.repeat', x.days), formatPct(x.rate),
        tr('ov.repeat.sub', nf.format(x.repeaters), nf.format(x.eligible)), tr('ov.repeat.def', x.days))),
    );
  }
  list.push(named('revenue', tr('ov.revenue'), revenue === null ? '—' : money.format(revenue),
    revenue === null ? tr('ov.revenue.none') : tr('ov.revenue.sub', nf.format(s.revenue_rows)), tr('ov.revenue.def')));
  if (rep) {
    list.push(
      named('per-buyer', tr('ov.per_buyer'), revenue === null || !rep.buyers ? '—' : money.format(revenue / rep.buyers), null, tr('ov.per_buyer.def')),
      named('median-gap', tr('ov.median_gap'), rep.median_gap_days === null ? '—' : `${+rep.median_gap_days.toFixed(1)}`, null, tr('ov.median_gap.def')),
    );
  }
  $('ov-tiles').replaceChildren(...list);
}

/** The overview panel (no controls of its own). */
export const overviewPanel = {
  name: 'overview',
  wire() {},
  onLoaded: render,
  onReset({ hide = false } = {}) {
    shown = null;
    if (hide) $('overview').hidden = true;
  },
  redraw: fill,
};
