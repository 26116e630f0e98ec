// <tidemark-chart src="orders.csv" spec='{"analysis":"retention",…}'> and
// render(element, {url | file | rows | data, spec}): a Tidemark chart for any page.
// Shadow DOM (no CSS leaks in or out; parts exposed for theming), sized by its
// container, one shared engine for every widget on the page (./engine.js). A bad
// spec or file shows its message inside that widget only. Data reaches the DOM as
// text only. Attributes: src, spec, chart (which chart of the analysis), heading,
// options (loading options JSON), table ("none" hides the numbers), lang (zh: the
// widget's texts and the chart in Simplified Chinese; else the nearest lang). The chart's
// height is the CSS variable --tidemark-chart-height (default 300px); its width, the
// container's.
import { compute, release, drawModule } from './engine.js';

/** Charts per analysis (the first is the default): name → draw export. */
const CHARTS = {
  funnel: { funnel: 'drawFunnel' },
  retention: { heatmap: 'drawRetention', curve: 'drawRetentionCurve', ltv: 'drawLtv' },
  repurchase: { gaps: 'drawRepeatGaps', 'by-month': 'drawRepeatByMonth' },
  lifecycle: { lifecycle: 'drawLifecycle' },
  rfm: { grid: 'drawRfm' },
  clv: { tiers: 'drawClvTiers', holdout: 'drawClvHoldout', palive: 'drawClvPAlive', matrix: 'drawClvMatrix' },
  tiers: {},
};

/**
 * The widget's own texts in Simplified Chinese, used when the element (or an
 * ancestor, or the page) has a `lang` starting with "zh"; English otherwise. The
 * engine draws the chart in the same language (the canvas's data-lang).
 */
const ZH = {
  Funnel: '漏斗', Retention: '留存', 'Repeat purchase': '复购', Lifecycle: '生命周期', 'RFM segments': 'RFM 分群',
  'Predicted CLV': '预测 CLV', 'Value tiers': '价值分层', 'Loading…': '加载中…', Step: '步骤', Users: '用户数',
  'Of step 1': '占第 1 步', Day: '日', Week: '周', Month: '月', Cohorts: '同期群数', Retained: '留存率', Within: '时间窗',
  'Repeat rate': '复购率', Eligible: '合格买家', Period: '周期', New: '新增', Returning: '回访', Resurrecting: '召回',
  Dormant: '沉睡', Segment: '分群', Share: '占比', Tier: '层级', Revenue: '收入', Customers: '客户数', 'Mean CLV': 'CLV 均值',
};
const NAMES = { funnel: 'Funnel', retention: 'Retention', repurchase: 'Repeat purchase', lifecycle: 'Lifecycle', rfm: 'RFM segments', clv: 'Predicted CLV', tiers: 'Value tiers' };

/** The language of `node`: its own or the nearest `lang` (else the page's). */
function langOf(node) {
  const tag = node.closest('[lang]')?.getAttribute('lang') ?? document.documentElement.lang ?? '';
  return /^zh\b/i.test(tag) ? 'zh' : 'en';
}

const CSS = `
:host { display: block; box-sizing: border-box; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK SC", sans-serif; color: #1d2330; container-type: inline-size; }
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
.box { border: 1px solid #dfe3ea; border-radius: 8px; background: #fff; padding: 10px 12px; height: 100%; display: flex; flex-direction: column; gap: 6px; }
.title { margin: 0; font-weight: 600; font-size: 1em; }
.chart { position: relative; flex: 1 1 auto; min-height: 0; }
canvas { display: block; width: 100%; height: var(--tidemark-chart-height, 300px); }
table { border-collapse: collapse; font-size: 0.9em; width: 100%; }
th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid #eef0f4; }
th.n, td.n { text-align: right; font-variant-numeric: tabular-nums; }
.error { margin: 0; padding: 8px 10px; border-radius: 6px; background: #fef3f2; color: #b42318; white-space: pre-wrap; overflow-wrap: anywhere; }
.status { margin: 0; color: #5b6475; font-size: 0.9em; }
[hidden] { display: none !important; }
`;

let sheet = null;
function styles() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
  }
  return sheet;
}

const pct = (x) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);
const num = (x) => (x === null || x === undefined ? '—' : new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(x));

/** The key numbers of a result, as [header, rows], in language `lang`. */
function numbers(r, lang) {
  const [head, rows] = rawNumbers(r, lang);
  return [head.map((h) => (lang === 'zh' ? ZH[h] ?? h : h)), rows];
}

function rawNumbers(r, lang) {
  switch (r.analysis) {
    case 'funnel': return [['Step', 'Users', 'Of step 1'], r.steps.map((s, i) => [`${i + 1}. ${s.label || s.event}`, num(s.users), pct(s.conversion_from_first)])];
    case 'retention': return [[r.period[0].toUpperCase() + r.period.slice(1), 'Cohorts', 'Retained'], (r.average?.rate ?? []).map((x, k) => [`${k}`, num(r.average.cohorts[k]), pct(x)])];
    case 'repurchase': return [['Within', 'Repeat rate', 'Eligible'], r.rates.map((x) => [lang === 'zh' ? `${x.days} 天` : `${x.days} days`, pct(x.rate), num(x.eligible)])];
    case 'lifecycle': return [['Period', 'New', 'Returning', 'Resurrecting', 'Dormant'], r.periods.slice(-6).map((p) => [p.start, num(p.new), num(p.returning), num(p.resurrecting), num(p.dormant)])];
    case 'rfm': return [['Segment', 'Users', 'Share'], r.segments.map((s) => [s.name, num(s.users), pct(s.share_users)])];
    case 'tiers': return [['Tier', 'Users', 'Revenue'], r.tiers.map((t) => [t.name, num(t.users), num(t.revenue)])];
    case 'clv': return [['Tier', 'Customers', 'Mean CLV'], r.tiers.map((t) => [t.name, num(t.customers), num(t.clv_mean)])];
    default: return [[], []];
  }
}

function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The custom element. `report`, `summary` and `error` hold the last outcome. */
export class TidemarkChart extends HTMLElement {
  static get observedAttributes() {
    return ['src', 'spec', 'chart', 'heading', 'options', 'table', 'lang'];
  }

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = [styles()];
    this.ui = {
      title: el('p', { class: 'title', part: 'title' }),
      chart: el('div', { class: 'chart', part: 'chart' }),
      canvas: el('canvas', { role: 'img', 'data-min-pixel-ratio': '2' }),
      table: el('table', { part: 'table' }),
      error: el('p', { class: 'error', role: 'alert', part: 'error', hidden: '' }),
      status: el('p', { class: 'status', part: 'status' }, 'Loading…'),
    };
    this.ui.chart.append(this.ui.canvas);
    root.append(el('div', { class: 'box', part: 'box' }, undefined));
    root.firstChild.append(this.ui.title, this.ui.status, this.ui.error, this.ui.chart, this.ui.table);
    /** Input given by render(): {url | file | rows | data, spec, chart, options, heading}. */
    this.input = null;
    this.report = null;
    this.summary = null;
    this.error = null;
    this.seq = 0;
    this.resize = new ResizeObserver(() => {
      clearTimeout(this.resizeTimer);
      this.resizeTimer = setTimeout(() => this.draw(), 100);
    });
  }

  connectedCallback() {
    this.resize.observe(this);
    if (!this.started) {
      this.started = true;
      queueMicrotask(() => this.update().catch(() => {}));
    }
  }

  disconnectedCallback() {
    this.resize.disconnect();
    release(this.tableKey);
    this.tableKey = null;
  }

  attributeChangedCallback() {
    if (this.started) this.update().catch(() => {});
  }

  /** What to show: render()'s input, else the attributes. */
  settings() {
    const i = this.input ?? {};
    const parse = (name, text) => {
      if (text === null || text === undefined || text === '') return undefined;
      try {
        return JSON.parse(text);
      } catch (e) {
        throw new Error(`the ${name} attribute is not JSON: ${e.message}`);
      }
    };
    return {
      data: i.url || i.file || i.rows || i.data !== undefined ? i : { url: this.getAttribute('src') },
      spec: i.spec ?? parse('spec', this.getAttribute('spec')),
      options: i.options ?? parse('options', this.getAttribute('options')),
      chart: i.chart ?? this.getAttribute('chart'),
      heading: i.heading ?? this.getAttribute('heading'),
    };
  }

  /** Loads (shared), runs and draws; resolves with the report or rejects with the error shown. */
  async update() {
    const seq = ++this.seq;
    const ui = this.ui;
    this.dataset.state = 'loading';
    ui.error.hidden = true;
    ui.status.hidden = false;
    const lang = langOf(this);
    const say = (en) => (lang === 'zh' ? ZH[en] ?? en : en);
    ui.status.textContent = say('Loading…');
    ui.canvas.dataset.lang = lang;
    try {
      const s = this.settings();
      if (!s.spec || typeof s.spec !== 'object') throw new Error('no spec: give a spec like {"analysis": "funnel", …}');
      if (!s.data.url && !s.data.file && !s.data.rows && s.data.data === undefined) throw new Error('no data: give src (a URL), or data, file or rows');
      ui.title.textContent = s.heading || say(NAMES[s.spec.analysis] ?? '') || String(s.spec.analysis);
      const charts = CHARTS[s.spec.analysis] ?? {};
      const chartName = s.chart || Object.keys(charts)[0];
      if (s.chart && !charts[s.chart]) throw new Error(`chart "${s.chart}" is not one of ${Object.keys(charts).join(', ') || '(none for this analysis)'}`);
      const { summary, report, key } = await compute(s.data, s.spec, s.options);
      if (seq !== this.seq) {
        release(key);
        return report;
      }
      if (this.tableKey !== key) release(this.tableKey);
      this.tableKey = key;
      this.summary = summary;
      this.report = report;
      this.error = null;
      this.drawName = charts[chartName] ?? null;
      ui.status.hidden = true;
      ui.chart.hidden = !this.drawName;
      ui.canvas.setAttribute('aria-label', `${ui.title.textContent}: ${chartName ?? ''}`);
      this.fillTable(report);
      await this.draw();
      this.dataset.state = 'ready';
      this.dispatchEvent(new CustomEvent('tidemark-ready', { detail: { report } }));
      return report;
    } catch (e) {
      if (seq !== this.seq) throw e;
      this.error = e;
      this.report = null;
      ui.status.hidden = true;
      ui.chart.hidden = true;
      ui.table.replaceChildren();
      ui.error.textContent = String(e?.message ?? e);
      ui.error.hidden = false;
      this.dataset.state = 'error';
      this.dispatchEvent(new CustomEvent('tidemark-error', { detail: { message: ui.error.textContent } }));
      throw e;
    }
  }

  fillTable(report) {
    const t = this.ui.table;
    const [head, rows] = numbers(report, langOf(this));
    t.hidden = this.getAttribute('table') === 'none' || rows.length === 0;
    const tr = (cells, tag) => {
      const row = document.createElement('tr');
      cells.forEach((c, i) => row.append(el(tag, i ? { class: 'n' } : {}, c)));
      return row;
    };
    const thead = document.createElement('thead');
    thead.append(tr(head, 'th'));
    const tbody = document.createElement('tbody');
    for (const r of rows) tbody.append(tr(r, 'td'));
    t.replaceChildren(thead, tbody);
  }

  async draw() {
    if (!this.report || !this.drawName) return;
    const m = await drawModule();
    try {
      m[this.drawName](this.ui.canvas, this.report);
    } catch (e) {
      this.ui.error.textContent = `The chart could not be drawn: ${e?.message ?? e}`;
      this.ui.error.hidden = false;
    }
  }
}

if (!customElements.get('tidemark-chart')) customElements.define('tidemark-chart', TidemarkChart);

/**
 * Renders a chart into `target`: a <tidemark-chart> is used as is, any other element
 * gets one appended. `input`: {url | file | rows | data, spec, chart?, options?,
 * heading?}. Resolves with the engine's report; rejects with the error it shows.
 */
export function render(target, input) {
  let chart = target;
  if (!(target instanceof TidemarkChart)) {
    chart = document.createElement('tidemark-chart');
    chart.started = true;
    target.append(chart);
  }
  chart.input = input;
  chart.started = true;
  return chart.update();
}
