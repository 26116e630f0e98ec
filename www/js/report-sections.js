// One report section per analysis result: its definitions, its charts (drawn by the
// engine, as PNG) and its tables, with small groups suppressed. Aggregates only:
// no user id is ever read from a result here (the CLV customers list and any
// per-user field are skipped); member lists come only from `memberList`, when the
// author asks for them. Everything from the data becomes text nodes (el's `text`).
import {
  drawFunnel, drawRetention, drawRetentionCurve, drawLtv, drawLifecycle, drawRepeatGaps,
  drawRepeatByMonth, drawRfm, drawClvHoldout, drawClvPAlive, drawClvTiers, drawClvMatrix,
  drawPaths, drawFunnelDrivers, drawBasket,
} from '/pkg/tidemark.js';
import { el } from './dom.js';
import { tIn, formats, segmentName } from './i18n.js';
import { driverLabel, driverSentence, clvWarnings, gammaGammaNote } from './sentences.js';

/** The language of the report being built: t (its texts) and f (its number formats). */
let t = (key, ...args) => tIn('en', key, ...args);
let f = formats('en');
let seg = (name) => segmentName(name, 'en');
/** The language code of the report being built. */
let code = 'en';

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
    return cell(f.int(n), n);
  }

  /** A cell showing `text` (raw `value`) unless any of `groups` is small. */
  guarded(text, value, ...groups) {
    if (groups.some((g) => this.small(g))) {
      this.hidden++;
      return cell(t('r.suppressed'), null, 'n suppressed');
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

/** A chart: {title, draw, counts, w?, h?, report?}; `counts` are the user counts it shows; `report` what it draws (default: the section's result). */
function chart(title, draw, counts, w, h, report) {
  return { title, draw, counts, w, h, report };
}

const funnelCounts = (r) => [...r.steps, ...(r.breakdown ?? []).flatMap((b) => b.steps)].flatMap((s) => [s.users, s.dropoff]);
const bucketName = (b) => (b.other ? t('r.other') : b.value === null ? t('r.missing') : b.value);

function funnelSection(r, spec, sup) {
  const rows = [];
  const steps = (list, prefix) => list.forEach((st, i) => rows.push([
    `${prefix}${i + 1}. ${st.label || st.event}`,
    sup.count(st.users),
    sup.guarded(f.pct(st.conversion_from_previous), st.conversion_from_previous, st.users, i ? list[i - 1].users : 0),
    sup.guarded(f.pct(st.conversion_from_first), st.conversion_from_first, st.users, list[0].users),
    i === 0 ? cell('—', null) : sup.count(st.dropoff),
    sup.guarded(f.duration(st.median_seconds_from_previous), st.median_seconds_from_previous, st.users),
  ]));
  steps(r.steps, '');
  for (const b of r.breakdown ?? []) steps(b.steps, `${spec.breakdown} = ${bucketName(b)} · `);
  return {
    title: t('r.funnel'),
    definitions: [
      [t('r.funnel.users'), t('r.funnel.users.def', t(`r.mode.${r.mode}`), f.duration(r.window_seconds))],
      [t('r.funnel.conversion'), t('r.funnel.conversion.def')],
      [t('r.funnel.dropoff'), t('r.funnel.dropoff.def')],
      [t('r.funnel.median'), t('r.funnel.median.def')],
    ],
    charts: [chart(t('r.funnel.chart'), drawFunnel, funnelCounts(r))],
    tables: [table('report-funnel', [t('r.col.step'), t('r.col.users'), t('r.col.from_previous'), t('r.col.from_first'), t('r.funnel.dropoff'), t('r.funnel.median')], rows)],
  };
}

/** The number of period columns of a retention result's matrix. */
const retentionWidth = (r) => Math.max(0, ...r.cohorts.map((c) => c.retained.length));

/** The cohort × period matrix of a retention result, small groups suppressed (`testid`: its table). */
function retentionTable(r, sup, testid) {
  const width = retentionWidth(r);
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
        cells.push(cell(`${f.money(c.revenue_per_user?.[k] ?? null)}${star}`, c.revenue_per_user?.[k] ?? null));
      } else {
        cells.push(cell(c.complete[k] ? f.pct(c.retained_rate[k]) : `${f.int(n)}*`, n));
      }
    }
    return [c.start, ...cells];
  });
  const period = t(`r.period.${r.period}`);
  const head = [t('r.col.cohort'), t('r.col.size'), ...Array.from({ length: width }, (_, k) => t('r.period.k', period, k))];
  return table(testid, head, rows);
}

/**
 * The average curves of `r` (or, with `compared`, of its segments) cut before the
 * first period where a curve rests on a small group (its users or its retained
 * users): {report, counts, note}. The chart draws only the periods before; when even
 * the first is small, `counts` holds that small group, so the chart is left out.
 */
function curvesUpTo(r, compared, sup) {
  const averages = compared ? r.by_segment.map((p) => p.result.average) : [r.average];
  const length = Math.max(0, ...averages.map((a) => a?.rate?.length ?? 0));
  const smallAt = (k) => averages.some((a) => sup.small(a?.users?.[k] ?? 0) || sup.small(a?.retained?.[k] ?? 0));
  let k = 0;
  while (k < length && !smallAt(k)) k++;
  const cut = (a) => (a ? Object.fromEntries(Object.entries(a).map(([f, v]) => [f, Array.isArray(v) ? v.slice(0, k) : v])) : a);
  const report = compared
    ? { ...r, by_segment: r.by_segment.map((p) => ({ ...p, result: { ...p.result, average: cut(p.result.average) } })) }
    : { ...r, by_segment: null, average: cut(r.average) };
  // The counts the chart shows: the periods kept, or the first one when it is small.
  const upTo = k === 0 ? Math.min(1, length) : k;
  const counts = averages.flatMap((a) => [...(a?.users ?? []).slice(0, upTo), ...(a?.retained ?? []).slice(0, upTo)]);
  return { report, counts, note: k > 0 && k < length ? t('s5.rep.curve_until', k - 1, sup.min) : null };
}

function retentionSection(r, sup) {
  const revenue = r.measure === 'revenue';
  const counts = r.cohorts.flatMap((c) => [c.size, ...c.retained]);
  const period = t(`r.period.${r.period}`);
  const charts = [
    chart(t('r.retention.heatmap'), drawRetention, counts, 900, 560),
  ];
  // The average curve of the result itself; compared segments get their own chart below.
  const own = curvesUpTo(r, false, sup);
  charts.push({ ...chart(t('r.retention.curve'), drawRetentionCurve, own.counts, undefined, undefined, own.report), note: own.note });
  if (revenue) charts.push(chart(t('r.retention.ltv'), drawLtv, counts));
  const definitions = [
    [t('r.col.cohort'), t('r.retention.cohort.def', period, r.start_event)],
    [t('r.period.k', period, 'k'), revenue ? t('r.retention.revenue.def', period) : t('r.retention.users.def', period, r.return_event, r.mode === 'unbounded')],
    ['*', t('r.retention.partial.def')],
  ];
  const size = (s) => (sup.small(s.users) ? `<${sup.min}` : f.int(s.users));
  const share = (s) => (sup.small(s.users) ? t('r.suppressed') : f.pct(s.share_users));
  if (r.segment) definitions.push([t('s5.rep.rt_filter'), t('s5.rep.rt_filter.def', r.segment.name, size(r.segment), share(r.segment))]);
  const tables = [retentionTable(r, sup, 'report-retention')];
  // Compared segments (by_segment): one average curve each on one chart (drawn by the
  // engine up to the first period where a curve rests on a small group) and each
  // one's matrix.
  const parts = r.by_segment ?? [];
  if (parts.length) {
    definitions.push([t('s5.rep.rt_compare'), t('s5.rep.rt_compare.def', parts.map((p) => p.segment.name))]);
    const both = curvesUpTo(r, true, sup);
    charts.push({ ...chart(t('s5.rep.rt_compare_curve'), drawRetentionCurve, both.counts, undefined, undefined, both.report), note: both.note });
    parts.forEach((p, i) => tables.push(
      el('h3', { text: t('s5.rep.rt_part', p.segment.name, size(p.segment), share(p.segment)), 'data-testid': `report-retention-part-head-${i}` }),
      retentionTable(p.result, sup, `report-retention-part-${i}`)));
  }
  return {
    title: t('r.retention', period),
    definitions,
    charts,
    tables,
  };
}

function repurchaseSection(r, sup) {
  const rates = r.rates.map((x) => [t('r.days', x.days), sup.count(x.eligible), sup.count(x.repeaters),
    sup.guarded(f.pct(x.rate), x.rate, x.eligible, x.repeaters), sup.count(x.not_yet_eligible)]);
  const months = r.by_first_month.map((m) => [m.month, sup.count(m.buyers), sup.count(m.eligible), sup.count(m.repeaters),
    sup.guarded(f.pct(m.rate), m.rate, m.eligible, m.repeaters)]);
  const drivers = r.drivers.slice(0, 10).map((d) => [driverLabel(d, code),
    sup.guarded(f.pct(d.with_rate), d.with_rate, d.with_users), sup.guarded(f.pct(d.without_rate), d.without_rate, d.without_users),
    sup.guarded(d.lift === null ? '—' : `×${f.fixed(d.lift, 2)}`, d.lift, d.with_users, d.without_users),
    cell(d.p_value === null ? '—' : d.p_value < 0.001 ? '< 0.001' : f.fixed(d.p_value, 3), d.p_value),
    sup.count(d.with_users), sup.count(d.without_users)]);
  return {
    title: t('r.repeat'),
    definitions: [
      [t('r.repeat.buyers'), t('r.repeat.buyers.def', r.purchase_event, f.int(r.buyers), f.int(r.repeat_buyers))],
      [t('r.repeat.within'), t('r.repeat.within.def')],
      [t('r.repeat.median'), r.median_gap_days === null ? '—' : t('r.repeat.median.def', f.fixed(r.median_gap_days, 1))],
      [t('r.repeat.drivers'), t('r.repeat.drivers.def', r.outcome_days, r.drivers_within_days)],
    ],
    charts: [
      chart(t('r.repeat.gaps'), drawRepeatGaps, r.gap_histogram.map((b) => b.users)),
      chart(t('r.repeat.by_month'), drawRepeatByMonth, r.by_first_month.flatMap((m) => [m.buyers, m.eligible, m.repeaters])),
    ],
    tables: [
      table('report-repeat-rates', [t('r.col.window'), t('r.col.eligible'), t('r.col.repeaters'), t('r.col.rate'), t('r.col.not_yet')], rates),
      table('report-repeat-months', [t('r.col.first_month'), t('r.repeat.buyers'), t('r.col.eligible'), t('r.col.repeaters'), t('r.col.rate')], months),
      table('report-repeat-drivers', [t('r.col.behaviour'), t('r.col.with'), t('r.col.without'), t('r.col.lift'), 'p', t('r.col.with_n'), t('r.col.without_n')], drivers),
    ],
    // The sentences of the top drivers whose groups are both shown (they quote the counts).
    lists: [{
      title: t('s5.rep.drivers'),
      testid: 'report-repeat-sentences',
      items: r.drivers.filter((d) => !sup.small(d.with_users) && !sup.small(d.without_users)).slice(0, 3)
        .map((d) => driverSentence(d, r.drivers_within_days, code)),
    }],
  };
}

function lifecycleSection(r, sup) {
  const rows = r.periods.map((p) => [p.complete ? p.start : t('r.in_progress', p.start),
    sup.count(p.new), sup.count(p.returning), sup.count(p.resurrecting), sup.count(p.dormant), sup.count(p.active)]);
  return {
    title: t('r.lifecycle', t(`r.period.${r.period}`)),
    definitions: ['new', 'returning', 'resurrecting', 'dormant'].map((k) => [t(`r.lc.${k}`), t(`r.lc.${k}.def`)]),
    charts: [chart(t('r.lifecycle.chart'), drawLifecycle, r.periods.flatMap((p) => [p.new, p.returning, p.resurrecting, p.dormant]))],
    tables: [table('report-lifecycle', [t('r.col.period'), t('r.lc.new'), t('r.lc.returning'), t('r.lc.resurrecting'), t('r.lc.dormant'), t('r.lc.active')], rows)],
  };
}

function rfmSection(r, sup) {
  const rows = r.segments.map((s) => [seg(s.name), sup.count(s.users),
    sup.guarded(f.pct(s.share_users), s.share_users, s.users), sup.guarded(f.money(s.revenue), s.revenue, s.users),
    sup.guarded(f.pct(s.share_revenue), s.share_revenue, s.users), sup.guarded(f.money(s.avg_order_value), s.avg_order_value, s.users),
    sup.guarded(f.fixed(s.days_since_last, 1), s.days_since_last, s.users)]);
  // The score rules in the report's language, as the page shows them ("R ≤ 2 且 F ≤ 4", "其他").
  const rules = r.rules.map((x) => [seg(x.name), el('td', { text: x.rule === 'otherwise' ? t('u7.sg.otherwise') : x.rule.replaceAll(' and ', t('u7.sg.and')) })]);
  return {
    title: t('r.rfm'),
    definitions: [
      [t('r.rfm.as_of'), t('r.rfm.as_of.def', f.time(r.as_of), f.int(r.buyers), r.purchase_event)],
      [t('r.rfm.scores'), t('r.rfm.scores.def')],
      [t('r.rfm.segment'), t('r.rfm.segment.def')],
    ],
    charts: [chart(t('r.rfm.chart'), drawRfm, r.grid.map((g) => g.users), 900, 560)],
    tables: [
      table('report-rfm', [t('r.rfm.segment'), t('r.col.users'), t('r.col.share_users'), t('r.col.revenue'), t('r.col.share_revenue'), t('r.col.aov'), t('r.col.days_since')], rows),
      table('report-rfm-rules', [t('r.rfm.segment'), t('r.col.rule')], rules),
    ],
  };
}

function tiersSection(r, sup) {
  const threshold = [r.thresholds.high, r.thresholds.mid, null];
  const metric = t(`r.metric.${r.metric}`);
  const rows = r.tiers.map((x, i) => [t(`r.tier.${x.name}`), sup.count(x.users),
    sup.guarded(f.pct(x.share_users), x.share_users, x.users), sup.guarded(f.money(x.revenue), x.revenue, x.users),
    sup.guarded(f.pct(x.share_revenue), x.share_revenue, x.users), sup.count(x.purchases),
    cell(threshold[i] === null ? '—' : r.metric === 'revenue' ? f.money(threshold[i]) : f.int(threshold[i]), threshold[i])]);
  return {
    title: t('r.tiers', metric),
    definitions: [
      [t('r.tiers.tiers'), r.by === 'share'
        ? t('r.tiers.share.def', f.pct(r.thresholds.high_given), f.pct(r.thresholds.mid_given), metric)
        : t('r.tiers.value.def', r.thresholds.high_given, r.thresholds.mid_given, metric)],
      [t('r.col.threshold'), t('r.tiers.threshold.def')],
    ],
    charts: [],
    tables: [table('report-tiers', [t('r.col.tier'), t('r.col.users'), t('r.col.share_users'), t('r.col.revenue'), t('r.col.share_revenue'), t('r.col.purchases'), t('r.col.threshold')], rows)],
  };
}

function clvSection(r, sup) {
  const params = [];
  for (const [model, fit, names] of [['BG/NBD', r.bgnbd, ['r', 'alpha', 'a', 'b']], ['Gamma-Gamma', r.gamma_gamma, ['p', 'q', 'v']]]) {
    if (!fit) continue;
    for (const k of names) {
      const se = fit.std_errors?.[k] ?? null;
      params.push([`${model} ${k}`, cell(f.fixed(fit[k], 4), fit[k]), cell(f.fixed(se, 4), se)]);
    }
  }
  const holdout = (r.holdout ?? []).map((h) => [`${h.frequency}${h.and_more ? '+' : ''}`, sup.count(h.customers),
    sup.guarded(f.fixed(h.actual_mean, 3), h.actual_mean, h.customers), sup.guarded(f.fixed(h.predicted_mean, 3), h.predicted_mean, h.customers)]);
  const tiers = r.tiers.map((x) => [t(`r.tier.${x.name}`), sup.count(x.customers), sup.guarded(f.pct(x.share), x.share, x.customers),
    sup.guarded(f.money(x.clv_total), x.clv_total, x.customers), sup.guarded(f.money(x.clv_mean), x.clv_mean, x.customers),
    sup.guarded(f.pct(x.p_alive_mean), x.p_alive_mean, x.customers), sup.count(x.at_risk)]);
  const matrixCounts = [...(r.matrix?.customers ?? []).flat(), r.matrix?.customers_above ?? 0];
  const unit = t(`r.period.${r.unit}`);
  const charts = [
    chart(t('r.clv.palive.chart'), drawClvPAlive, r.p_alive_histogram.map((b) => b.customers)),
    chart(t('r.clv.tiers.chart'), drawClvTiers, r.tiers.map((x) => x.customers)),
    chart(t('r.clv.matrix.chart'), drawClvMatrix, matrixCounts, 900, 560),
  ];
  // Without a holdout (calibration end = data end) there is no holdout chart or table.
  if (r.holdout) charts.unshift(chart(t('r.clv.holdout.chart'), drawClvHoldout, r.holdout.map((h) => h.customers)));
  const tables = [table('report-clv-params', [t('r.col.parameter'), t('r.col.estimate'), t('r.col.se')], params)];
  if (r.holdout) tables.push(table('report-clv-holdout', [t('r.col.calibration_purchases'), t('r.col.customers'), t('r.col.actual_mean'), t('r.col.predicted_mean')], holdout));
  tables.push(table('report-clv-tiers', [t('r.col.tier'), t('r.col.customers'), t('r.col.share'), t('r.col.clv_total'), t('r.col.clv_mean'), t('r.col.palive_mean'), t('r.col.at_risk')], tiers));
  return {
    title: t('r.clv'),
    definitions: [
      [t('r.clv.model'), t('r.clv.model.def', f.int(r.customers_fitted), r.calibration_end, unit)],
      ['CLV', t('r.clv.clv.def', r.horizon, unit, r.discount_rate)],
      ['P(alive)', t('r.clv.palive.def')],
      [t('r.clv.holdout'), t('r.clv.holdout.def')],
      ...(r.gamma_gamma ? [] : [['Gamma-Gamma', t('s5.rep.no_gg', gammaGammaNote(r.gamma_gamma_note, code))]]),
    ],
    charts,
    tables,
    // The warnings, their counts of customers suppressed like the tables'.
    lists: [{
      title: t('s5.rep.warnings'),
      testid: 'report-clv-warnings',
      items: clvWarnings(r, code, (n) => (sup.small(n) ? `<${sup.min}` : f.int(n))),
    }],
  };
}

/**
 * Section 9's rows each describe one group (a path, a feature's with/without users, a
 * rule's baskets): a row resting on a small group (`groups(item)`: its counts) is
 * left out whole, and counted as hidden. Returns the kept items.
 */
function keepLarge(sup, items, groups) {
  const kept = items.filter((x) => !groups(x).some((n) => sup.small(n)));
  sup.hidden += items.length - kept.length;
  return kept;
}

/** The last row of a table whose `n` rows resting on small groups were left out (none when n = 0); `width` cells after its label. */
function leftOut(sup, n, width) {
  return n ? [[t('s4.r.left_out', f.int(n), f.int(sup.min)), ...Array.from({ length: width }, () => cell('', null, 'n suppressed'))]] : [];
}

function pathsSection(r, spec, sup) {
  const kept = keepLarge(sup, r.paths, (p) => [p.users]);
  const label = (p) => (p.events.length === 0 ? t('s4.r.pa_none_after') : p.events.join(' → '));
  const rows = kept.map((p) => [label(p), sup.count(p.users), sup.guarded(f.pct(r.users ? p.users / r.users : null), r.users ? p.users / r.users : null, r.users)]);
  rows.push(...leftOut(sup, r.paths.length - kept.length, 2));
  // The Sankey shows only boxes and bands of at least the minimum.
  const big = (n) => !sup.small(n);
  const nodes = (r.nodes ?? []).filter((n) => big(n.users));
  const links = (r.links ?? []).filter((l) => big(l.users));
  const chartReport = { ...r, paths: kept, nodes, links };
  // The engine names a drop-off anchor "dropped after STEP" (English).
  const prefix = 'dropped after ';
  const anchor = spec.from_funnel && r.anchor.startsWith(prefix) ? t('s9.pa_dropped_anchor', r.anchor.slice(prefix.length)) : r.anchor;
  const other = r.other_events.length ? t('s4.r.pa_other', r.other_label, r.other_events.join(', ')) : '';
  return {
    title: t('s4.r.paths'),
    definitions: [
      [t('s4.r.pa_anchor'), t('s4.r.pa_anchor.def', anchor, f.int(r.users), r.direction === 'after', r.steps, r.collapse_repeats)],
      [t('s4.r.pa_path'), t('s4.r.pa_path.def', f.int(r.distinct_paths), f.int(r.other_paths_users)) + other],
      [t('s4.r.small'), t('s4.r.pa_small.def', f.int(sup.min))],
    ],
    charts: [chart(t('s4.r.pa_chart'), drawPaths, [r.users], 900, 560, chartReport)],
    tables: [table('report-paths', [t('s4.r.pa_path'), t('r.col.users'), t('r.col.share')], rows)],
  };
}

function driversSection(r, sup) {
  const groups = (d) => [d.converters_with + d.dropped_with, d.converters_without + d.dropped_without];
  const kept = keepLarge(sup, r.drivers, groups);
  const ratio = (x) => (Number.isFinite(x) ? `×${x >= 100 ? f.fixed(x, 0) : f.fixed(x, 2)}` : '—');
  const rows = kept.map((d) => [d.feature,
    cell(f.pct(d.with_rate), d.with_rate), cell(f.pct(d.without_rate), d.without_rate),
    cell(ratio(d.odds_ratio), d.odds_ratio), cell(`${ratio(d.ci_low)} – ${ratio(d.ci_high)}`, null),
    cell(d.p_value === null ? '—' : d.p_value < 0.001 ? '< 0.001' : f.fixed(d.p_value, 3), d.p_value),
    sup.count(groups(d)[0]), sup.count(groups(d)[1])]);
  rows.push(...leftOut(sup, r.drivers.length - kept.length, 7));
  return {
    title: t('s4.r.drivers'),
    definitions: [
      [t('s4.r.fd_funnel'), t('s4.r.fd_funnel.def', r.steps.join(' → '), f.int(r.entered), f.int(r.converted), f.int(r.dropped))],
      [t('s4.r.fd_feature'), t('s4.r.fd_feature.def')],
      [t('s4.r.fd_odds'), t('s4.r.fd_odds.def')],
      [t('s4.r.small'), t('s4.r.fd_small.def', f.int(sup.min), f.int(r.min_group), f.int(r.hidden_small_groups))],
    ],
    charts: [chart(t('s4.r.fd_chart'), drawFunnelDrivers, [r.entered], undefined, undefined, { ...r, drivers: kept })],
    tables: [table('report-funnel-drivers', [t('s4.r.fd_feature'), t('r.col.with'), t('r.col.without'), t('s4.r.fd_odds'), t('s4.r.fd_ci'), 'p', t('r.col.with_n'), t('r.col.without_n')], rows)],
  };
}

function basketSection(r, sup) {
  const kept = keepLarge(sup, r.rules, (x) => [x.baskets]);
  const rows = kept.map((x) => [x.antecedent.join(' + '), el('td', { text: x.consequent.join(' + ') }), sup.count(x.baskets),
    cell(f.pct(x.support), x.support), cell(f.pct(x.confidence), x.confidence), cell(f.fixed(x.lift, 2), x.lift)]);
  rows.push(...leftOut(sup, r.rules.length - kept.length, 5));
  const tables = [table('report-basket', [t('s4.r.bk_bought'), t('s4.r.bk_also'), t('s4.r.bk_baskets'), t('s4.r.bk_support'), t('s4.r.bk_confidence'), t('s4.r.bk_lift')], rows)];
  if (r.also_bought !== null) {
    const also = keepLarge(sup, r.also_bought, (x) => [x.baskets]);
    const alsoRows = also.map((x) => [x.consequent.join(' + '), sup.count(x.baskets), cell(f.pct(x.confidence), x.confidence), cell(f.fixed(x.lift, 2), x.lift)]);
    alsoRows.push(...leftOut(sup, r.also_bought.length - also.length, 3));
    tables.push(table('report-basket-also', [t('s4.r.bk_also_for', r.for_item), t('s4.r.bk_baskets'), t('s4.r.bk_confidence'), t('s4.r.bk_lift')], alsoRows));
  }
  const by = r.basket_by === 'user_day' ? t('s4.r.bk_by_day') : t('s4.r.bk_by_order', r.basket_by);
  return {
    title: t('s4.r.basket'),
    definitions: [
      [t('s4.r.bk_baskets'), t('s4.r.bk_baskets.def', f.int(r.baskets), by, f.int(r.items), r.item_column, f.int(r.min_baskets))],
      [t('s4.r.bk_support'), t('s4.r.bk_support.def')],
      [t('s4.r.bk_confidence'), t('s4.r.bk_confidence.def')],
      [t('s4.r.bk_lift'), t('s4.r.bk_lift.def')],
      [t('s4.r.small'), t('s4.r.bk_small.def', f.int(sup.min))],
    ],
    charts: [chart(t('s4.r.bk_chart'), drawBasket, [r.baskets], 900, 560, { ...r, rules: kept })],
    tables,
  };
}

/** Builds the next sections in language `code` ('en', 'zh'). */
export function useLanguage(lang) {
  t = (key, ...args) => tIn(lang, key, ...args);
  f = formats(lang);
  seg = (name) => segmentName(name, lang);
  code = lang;
}

/** The section of one result {key, spec, report}: {title, definitions, charts, tables, lists?: [{title, testid, items}]}. */
export function sectionFor({ key, spec, report }, sup) {
  switch (key) {
    case 'funnel': return funnelSection(report, spec, sup);
    case 'retention': return retentionSection(report, sup);
    case 'repurchase': return repurchaseSection(report, sup);
    case 'lifecycle': return lifecycleSection(report, sup);
    case 'rfm': return rfmSection(report, sup);
    case 'tiers': return tiersSection(report, sup);
    case 'clv': return clvSection(report, sup);
    case 'paths': return pathsSection(report, spec, sup);
    case 'funnel_drivers': return driversSection(report, sup);
    case 'basket': return basketSection(report, sup);
    default: throw new Error(`no report section for ${key}`);
  }
}

/** The RFM member list (user ids: only when the author asks for it), from a run with users: true. */
export function memberList(users) {
  const rows = users.map((u) => [u.user, el('td', { text: seg(u.segment) }), cell(String(u.r), u.r), cell(String(u.f), u.f), cell(String(u.m), u.m)]);
  return table('report-members', [t('r.col.user'), t('r.rfm.segment'), 'R', 'F', 'M'], rows);
}
