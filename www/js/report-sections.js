// One report section per analysis result: its definitions, its charts (drawn by the
// engine, as PNG) and its tables, with small groups suppressed. Aggregates only:
// no user id is ever read from a result here (the CLV customers list and any
// per-user field are skipped); member lists come only from `memberList`, when the
// author asks for them. Everything from the data becomes text nodes (el's `text`).
import {
  drawFunnel, drawRetention, drawRetentionCurve, drawLtv, drawLifecycle, drawRepeatGaps,
  drawRepeatByMonth, drawRfm, drawClvHoldout, drawClvPAlive, drawClvTiers, drawClvMatrix,
} from '/pkg/tidemark.js';
import { el, nf, formatPct, formatDuration, formatTime } from './dom.js';

const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const fmtMoney = (x) => (x === null || x === undefined ? '—' : money.format(x));
const fixed = (x, d) => (x === null || x === undefined ? '—' : x.toFixed(d));

/** The text a suppressed rate or amount shows. */
export const SUPPRESSED = 'suppressed';

/**
 * Small-group suppression with minimum `min`: a count n with 0 < n < min is shown
 * as "<min" and every rate or amount resting on it as "suppressed". Zero is shown
 * (it identifies nobody); min = 1 turns suppression off.
 */
export class Suppressor {
  constructor(min) {
    this.min = Math.max(1, Math.floor(min));
    this.hidden = 0;
  }

  /** True when a group of `n` users must not be shown. */
  small(n) {
    const a = Math.abs(n ?? 0);
    return a > 0 && a < this.min;
  }

  /** A count cell: the number, or "<min" for a small group. */
  count(n) {
    if (this.small(n)) {
      this.hidden++;
      return cell(`<${this.min}`, null, 'n suppressed');
    }
    return cell(n === null || n === undefined ? '—' : nf.format(n), n);
  }

  /** A cell showing `text` (raw `value`) unless any of `groups` is small. */
  guarded(text, value, ...groups) {
    if (groups.some((g) => this.small(g))) {
      this.hidden++;
      return cell(SUPPRESSED, null, 'n suppressed');
    }
    return cell(text, value);
  }

  /** True when some count in `counts` is small (a chart showing them is left out). */
  anySmall(counts) {
    return counts.some((n) => this.small(n));
  }
}

/** A numeric table cell with its raw value in data-value (null: none). */
function cell(text, value, cls = 'n') {
  const td = el('td', { class: cls, text });
  if (value !== null && value !== undefined) td.dataset.value = String(value);
  return td;
}

/** A table: `head` labels, `rows` arrays whose first item is the row label (text). */
function table(testid, head, rows) {
  const thead = el('thead', {}, el('tr', {}, ...head.map((h, i) => el('th', { scope: 'col', class: i ? 'n' : undefined, text: h }))));
  const tbody = el('tbody');
  for (const [label, ...cells] of rows) tbody.append(el('tr', {}, el('th', { scope: 'row', text: label }), ...cells));
  return el('div', { class: 'table-wrap' }, el('table', { 'data-testid': testid }, thead, tbody));
}

/** Draws `report` with `fn` on an off-screen canvas of `w`×`h` CSS pixels at 2×; a PNG data URL. */
export function chartPng(fn, report, w = 900, h = 480) {
  const canvas = document.createElement('canvas');
  canvas.dataset.minPixelRatio = '2';
  Object.assign(canvas.style, { position: 'fixed', left: '-20000px', top: '0', width: `${w}px`, height: `${h}px` });
  document.body.append(canvas);
  try {
    fn(canvas, report);
    return canvas.toDataURL('image/png');
  } finally {
    canvas.remove();
  }
}

/** A chart: {title, draw, counts, w?, h?}; `counts` are the user counts it shows. */
function chart(title, draw, counts, w, h) {
  return { title, draw, counts, w, h };
}

const funnelCounts = (r) => [...r.steps, ...(r.breakdown ?? []).flatMap((b) => b.steps)].flatMap((s) => [s.users, s.dropoff]);
const bucketName = (b) => (b.other ? '(other)' : b.value === null ? '(missing)' : b.value);

function funnelSection(r, spec, sup) {
  const rows = [];
  const steps = (list, prefix) => list.forEach((st, i) => rows.push([
    `${prefix}${i + 1}. ${st.label || st.event}`,
    sup.count(st.users),
    sup.guarded(formatPct(st.conversion_from_previous), st.conversion_from_previous, st.users, i ? list[i - 1].users : 0),
    sup.guarded(formatPct(st.conversion_from_first), st.conversion_from_first, st.users, list[0].users),
    i === 0 ? cell('—', null) : sup.count(st.dropoff),
    sup.guarded(formatDuration(st.median_seconds_from_previous), st.median_seconds_from_previous, st.users),
  ]));
  steps(r.steps, '');
  for (const b of r.breakdown ?? []) steps(b.steps, `${spec.breakdown} = ${bucketName(b)} · `);
  return {
    title: 'Funnel',
    definitions: [
      ['Users at step k', `Users who did steps 1…k in ${r.mode} mode with the last within ${formatDuration(r.window_seconds)} of the first (ordered: in order, other events may come between; strict: nothing between; unordered: any order).`],
      ['Conversion', 'Users at a step divided by users at the previous step, and by users at step 1.'],
      ['Drop-off', 'Users who reached the previous step but not this one.'],
      ['Median time', 'Median time from the previous step, over users who reached this step.'],
    ],
    charts: [chart('Users per step', drawFunnel, funnelCounts(r))],
    tables: [table('report-funnel', ['Step', 'Users', 'From previous', 'From step 1', 'Drop-off', 'Median time'], rows)],
  };
}

function retentionSection(r, sup) {
  const width = Math.max(0, ...r.cohorts.map((c) => c.retained.length));
  const revenue = r.measure === 'revenue';
  const rows = r.cohorts.map((c) => {
    const cells = [sup.count(c.size)];
    for (let k = 0; k < width; k++) {
      if (k >= c.retained.length) {
        cells.push(cell('', null, 'n empty'));
        continue;
      }
      const n = c.retained[k];
      const star = c.complete[k] ? '' : '*';
      if (sup.small(c.size) || sup.small(n)) {
        cells.push(sup.small(n) ? sup.count(n) : sup.guarded('', null, c.size));
      } else if (revenue) {
        cells.push(cell(`${fmtMoney(c.revenue_per_user?.[k] ?? null)}${star}`, c.revenue_per_user?.[k] ?? null));
      } else {
        cells.push(cell(c.complete[k] ? formatPct(c.retained_rate[k]) : `${nf.format(n)}*`, n));
      }
    }
    return [c.start, ...cells];
  });
  const counts = r.cohorts.flatMap((c) => [c.size, ...c.retained]);
  const charts = [chart('Cohort heatmap', drawRetention, counts, 900, 560), chart('Average retention', drawRetentionCurve, [...(r.average?.users ?? []), ...(r.average?.retained ?? [])])];
  if (revenue) charts.push(chart('Historical LTV: cumulative revenue per user', drawLtv, counts));
  const head = ['Cohort', 'Size', ...Array.from({ length: width }, (_, k) => `${r.period} ${k}`)];
  return {
    title: `Retention by ${r.period}`,
    definitions: [
      ['Cohort', `The ${r.period} of a user's first ${r.start_event ?? 'event'} (start event); size = its users.`],
      [`${r.period} k`, revenue
        ? `Revenue of the cohort in ${r.period} k divided by its size (revenue per cohort user).`
        : `Share of the cohort with a ${r.return_event ?? 'any'} event in ${r.period} k${r.mode === 'unbounded' ? ' or later (unbounded)' : ''}.`],
      ['*', 'Incomplete period: it ends after the data end, so the count is partial (never a final percentage).'],
    ],
    charts,
    tables: [table('report-retention', head, rows)],
  };
}

function repurchaseSection(r, sup) {
  const rates = r.rates.map((x) => [`${x.days} days`, sup.count(x.eligible), sup.count(x.repeaters),
    sup.guarded(formatPct(x.rate), x.rate, x.eligible, x.repeaters), sup.count(x.not_yet_eligible)]);
  const months = r.by_first_month.map((m) => [m.month, sup.count(m.buyers), sup.count(m.eligible), sup.count(m.repeaters),
    sup.guarded(formatPct(m.rate), m.rate, m.eligible, m.repeaters)]);
  const drivers = r.drivers.slice(0, 10).map((d) => [d.behaviour,
    sup.guarded(formatPct(d.with_rate), d.with_rate, d.with_users), sup.guarded(formatPct(d.without_rate), d.without_rate, d.without_users),
    sup.guarded(d.lift === null ? '—' : `×${d.lift.toFixed(2)}`, d.lift, d.with_users, d.without_users),
    cell(d.p_value === null ? '—' : d.p_value < 0.001 ? '< 0.001' : d.p_value.toFixed(3), d.p_value),
    sup.count(d.with_users), sup.count(d.without_users)]);
  return {
    title: 'Repeat purchase',
    definitions: [
      ['Buyers', `Users with at least one ${r.purchase_event} event: ${nf.format(r.buyers)}; ${nf.format(r.repeat_buyers)} bought again.`],
      ['Repeat within N days', 'Among buyers whose first purchase is at least N days before the data end, the share whose next purchase is at most N days after the first. Buyers with less than N days of data are not yet eligible.'],
      ['Median days to 2nd purchase', r.median_gap_days === null ? '—' : `${r.median_gap_days.toFixed(1)} days (over repeat buyers).`],
      ['Drivers', `Repeat rate within ${r.outcome_days} days of buyers who did a behaviour within ${r.drivers_within_days} days after their first purchase vs those who did not; association, not causation. The top 10 shown.`],
    ],
    charts: [
      chart('Days from the first to the second purchase', drawRepeatGaps, r.gap_histogram.map((b) => b.users)),
      chart('Repeat rate by first-purchase month', drawRepeatByMonth, r.by_first_month.flatMap((m) => [m.buyers, m.eligible, m.repeaters])),
    ],
    tables: [
      table('report-repeat-rates', ['Window', 'Eligible', 'Repeat buyers', 'Rate', 'Not yet eligible'], rates),
      table('report-repeat-months', ['First purchase', 'Buyers', 'Eligible', 'Repeat buyers', 'Rate'], months),
      table('report-repeat-drivers', ['Behaviour', 'With', 'Without', 'Lift', 'p', 'Buyers with', 'Buyers without'], drivers),
    ],
  };
}

function lifecycleSection(r, sup) {
  const rows = r.periods.map((p) => [p.complete ? p.start : `${p.start} (in progress)`,
    sup.count(p.new), sup.count(p.returning), sup.count(p.resurrecting), sup.count(p.dormant), sup.count(p.active)]);
  return {
    title: `Lifecycle by ${r.period}`,
    definitions: [
      ['New', 'Users whose first event is in the period.'],
      ['Returning', 'Active this period and the previous one.'],
      ['Resurrecting', 'Active this period, not the previous one, but before.'],
      ['Dormant', 'Active the previous period, not this one (counted negative).'],
    ],
    charts: [chart('New, returning, resurrecting, dormant', drawLifecycle, r.periods.flatMap((p) => [p.new, p.returning, p.resurrecting, p.dormant]))],
    tables: [table('report-lifecycle', ['Period', 'New', 'Returning', 'Resurrecting', 'Dormant', 'Active'], rows)],
  };
}

function rfmSection(r, sup) {
  const rows = r.segments.map((s) => [s.name, sup.count(s.users),
    sup.guarded(formatPct(s.share_users), s.share_users, s.users), sup.guarded(fmtMoney(s.revenue), s.revenue, s.users),
    sup.guarded(formatPct(s.share_revenue), s.share_revenue, s.users), sup.guarded(fmtMoney(s.avg_order_value), s.avg_order_value, s.users),
    sup.guarded(fixed(s.days_since_last, 1), s.days_since_last, s.users)]);
  const rules = r.rules.map((x) => [x.name, el('td', { text: x.rule })]);
  return {
    title: 'RFM segments',
    definitions: [
      ['As of', `${formatTime(r.as_of)}; ${nf.format(r.buyers)} buyers scored (purchase event ${r.purchase_event}).`],
      ['R, F, M scores', 'Recency (days since the last purchase; the most recent get 5), frequency (purchases) and monetary (revenue), each 1 + floor(5 · (rank − 1) / n), ties sharing the lowest rank.'],
      ['Segment', 'From R and F: the first rule in the rules table that matches.'],
    ],
    charts: [chart('Buyers by recency and frequency score', drawRfm, r.grid.map((g) => g.users), 900, 560)],
    tables: [
      table('report-rfm', ['Segment', 'Users', 'Share of users', 'Revenue', 'Share of revenue', 'Avg order value', 'Days since last (mean)'], rows),
      table('report-rfm-rules', ['Segment', 'Rule'], rules),
    ],
  };
}

function tiersSection(r, sup) {
  const threshold = [r.thresholds.high, r.thresholds.mid, null];
  const rows = r.tiers.map((t, i) => [t.name, sup.count(t.users),
    sup.guarded(formatPct(t.share_users), t.share_users, t.users), sup.guarded(fmtMoney(t.revenue), t.revenue, t.users),
    sup.guarded(formatPct(t.share_revenue), t.share_revenue, t.users), sup.count(t.purchases),
    cell(threshold[i] === null ? '—' : r.metric === 'revenue' ? fmtMoney(threshold[i]) : nf.format(threshold[i]), threshold[i])]);
  return {
    title: `Value tiers by ${r.metric}`,
    definitions: [
      ['Tiers', r.by === 'share'
        ? `High: the top ${formatPct(r.thresholds.high_given)} of buyers by ${r.metric}; mid: down to the top ${formatPct(r.thresholds.mid_given)}; low: the rest. Ties at a boundary stay in the upper tier.`
        : `High: ${r.metric} at least ${r.thresholds.high_given}; mid: at least ${r.thresholds.mid_given}; low: the rest.`],
      ['Threshold', 'The smallest value in the tier (its lower bound).'],
    ],
    charts: [],
    tables: [table('report-tiers', ['Tier', 'Users', 'Share of users', 'Revenue', 'Share of revenue', 'Purchases', 'Threshold'], rows)],
  };
}

function clvSection(r, sup) {
  const params = [];
  for (const [model, fit] of [['BG/NBD', r.bgnbd], ['Gamma-Gamma', r.gamma_gamma]]) {
    if (!fit) continue;
    for (const [k, se] of Object.entries(fit.std_errors ?? {})) params.push([`${model} ${k}`, cell(fixed(fit[k], 4), fit[k]), cell(fixed(se, 4), se)]);
  }
  const holdout = r.holdout.map((h) => [`${h.frequency}${h.and_more ? '+' : ''}`, sup.count(h.customers),
    sup.guarded(fixed(h.actual_mean, 3), h.actual_mean, h.customers), sup.guarded(fixed(h.predicted_mean, 3), h.predicted_mean, h.customers)]);
  const tiers = r.tiers.map((t) => [t.name, sup.count(t.customers), sup.guarded(formatPct(t.share), t.share, t.customers),
    sup.guarded(fmtMoney(t.clv_total), t.clv_total, t.customers), sup.guarded(fmtMoney(t.clv_mean), t.clv_mean, t.customers),
    sup.guarded(formatPct(t.p_alive_mean), t.p_alive_mean, t.customers), sup.count(t.at_risk)]);
  const matrixCounts = [...(r.matrix?.customers ?? []).flat(), r.matrix?.customers_above ?? 0];
  return {
    title: 'Predicted lifetime value',
    definitions: [
      ['Model', `BG/NBD for repeat purchases and Gamma-Gamma for spend, fitted by maximum likelihood on ${nf.format(r.customers_fitted)} customers up to ${r.calibration_end} (unit: ${r.unit}).`],
      ['CLV', `Expected spend over the next ${r.horizon} ${r.unit}s, discounted at ${r.discount_rate} per ${r.unit}.`],
      ['P(alive)', 'Probability that a customer is still active; churn risk = 1 − P(alive).'],
      ['Holdout', 'Mean repeat purchases after the calibration end, actual vs predicted, by calibration frequency.'],
    ],
    charts: [
      chart('Holdout: actual vs predicted', drawClvHoldout, r.holdout.map((h) => h.customers)),
      chart('Customers by P(alive)', drawClvPAlive, r.p_alive_histogram.map((b) => b.customers)),
      chart('Predicted CLV by tier', drawClvTiers, r.tiers.map((t) => t.customers)),
      chart('Expected purchases by frequency and recency', drawClvMatrix, matrixCounts, 900, 560),
    ],
    tables: [
      table('report-clv-params', ['Parameter', 'Estimate', 'Std. error'], params),
      table('report-clv-holdout', ['Calibration purchases', 'Customers', 'Actual mean', 'Predicted mean'], holdout),
      table('report-clv-tiers', ['Tier', 'Customers', 'Share', 'CLV total', 'CLV mean', 'P(alive) mean', 'At risk'], tiers),
    ],
  };
}

/** The section of one result {key, spec, report}: {title, definitions, charts, tables}. */
export function sectionFor({ key, spec, report }, sup) {
  switch (key) {
    case 'funnel': return funnelSection(report, spec, sup);
    case 'retention': return retentionSection(report, sup);
    case 'repurchase': return repurchaseSection(report, sup);
    case 'lifecycle': return lifecycleSection(report, sup);
    case 'rfm': return rfmSection(report, sup);
    case 'tiers': return tiersSection(report, sup);
    case 'clv': return clvSection(report, sup);
    default: throw new Error(`no report section for ${key}`);
  }
}

/** The RFM member list (user ids: only when the author asks for it), from a run with users: true. */
export function memberList(users) {
  const rows = users.map((u) => [u.user, el('td', { text: u.segment }), cell(String(u.r), u.r), cell(String(u.f), u.f), cell(String(u.m), u.m)]);
  return table('report-members', ['User', 'Segment', 'R', 'F', 'M'], rows);
}

/** Human names of the analyses, for the picker. */
export const ANALYSIS_NAMES = {
  funnel: 'Funnel', repurchase: 'Repeat purchase', retention: 'Retention', lifecycle: 'Lifecycle',
  rfm: 'RFM segments', tiers: 'Value tiers', clv: 'Predicted CLV',
};
