// Saved analyses: the page's state (loading options and roles, and the spec of every
// analysis shown) as a small JSON file and in the URL hash (#state=<base64url JSON>).
// Loading a state with the same or a newer data file fills every form from its spec
// and runs it again: the one definition of each metric a team shares. A state is
// parsed strictly (unknown fields are errors), and a spec the page cannot show in
// full (a field without a control, an event the file does not have) is an error,
// never a silent change. The rule segments the specs use travel with the state
// (`segments: [{name, rule}]`, saved into this browser on restore, so the selectors
// offer them); RFM, tier and CLV references are in the specs as they are. A user
// attribute file cannot travel: the state names it (`attributes`) and a restore
// waits for it to be picked. Section 9's paths and funnel drivers record where their
// funnel came from (`funnel_sources: {paths|funnel_drivers: "funnel"|"typed"}`): a
// "funnel" one waits on restore for the Funnel section's re-run and must be that
// very funnel; a "typed" one fills the form's steps and window.
import { $ } from './dom.js';
import { state, setStatus, showError } from './state.js';
import { download, baseName } from './exports.js';
import { allResults, onResults, resultOf, ORDER } from './results.js';
import { panelFunnel } from './funnel_source.js';
import { showSteps } from './funnel.js';
import { t } from './i18n.js';
import { loadSource } from './load.js';
import { savedSegments, saveSegment } from './saved.js';
import { onAttached } from './rules.js';

/** The state format's version; a newer one is refused with a message. */
export const STATE_VERSION = 1;

/** The loading options a state carries, and the control that holds each. */
const OPTION_CONTROLS = { time_zone: 'opt-tz', date_order: 'opt-date-order', encoding: 'opt-encoding', delimiter: 'opt-delimiter' };

/** A state loaded but not applied yet (waiting for a file, or for the reload with its options). */
let pending = null;

/**
 * The rule segments `analyses` use: [{name, rule}]. A compared part keeps its own
 * name; a filter is named as this browser's saved segment with that rule (else by
 * its rule).
 */
export function usedSegments(analyses) {
  const out = [];
  const local = savedSegments();
  const add = (name, rule) => {
    if (!out.some((s) => s.name === name && s.rule === rule)) out.push({ name, rule });
  };
  // Section 9's funnels (`funnel`, `from_funnel`) carry the Funnel section's segment.
  for (const spec of Object.values(analyses).flatMap((x) => [x, x.funnel, x.from_funnel]).filter(Boolean)) {
    const rule = spec.segment?.rule;
    if (typeof rule === 'string') add(local.find((s) => s.rule === rule)?.name ?? rule, rule);
    for (const part of spec.segments ?? []) {
      if (typeof part?.segment?.rule === 'string') add(part.name, part.segment.rule);
    }
  }
  return out;
}

/** True when `rule` names `column` as a whole word (a rule on a user attribute). */
function mentions(rule, column) {
  const esc = column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\p{L}\\p{N}_])${esc}($|[^\\p{L}\\p{N}_])`, 'u').test(rule);
}

/** The attribute file the state needs (its name), or null: a rule or a breakdown reads one of its columns. */
function usedAttributes(analyses, segments) {
  const attached = state.attributes;
  if (!attached) return null;
  const columns = attached.report?.columns ?? [];
  const used = columns.some((c) => analyses.funnel?.breakdown === c || segments.some((s) => mentions(s.rule, c)));
  return used ? attached.file.name : null;
}

/** The page's state now: {version, options, roles, analyses: {key: spec}, segments?, attributes?}. */
export function currentState() {
  const options = {};
  for (const [key, id] of Object.entries(OPTION_CONTROLS)) options[key] = $(id).value;
  const analyses = {};
  const sources = {};
  for (const r of allResults()) {
    analyses[r.key] = r.spec;
    if (r.source) sources[r.key] = r.source;
  }
  const out = { version: STATE_VERSION, options, roles: { ...state.roles }, analyses };
  if (Object.keys(sources).length) out.funnel_sources = sources;
  const segments = usedSegments(analyses);
  if (segments.length) out.segments = segments;
  const attributes = usedAttributes(analyses, segments);
  if (attributes) out.attributes = attributes;
  return out;
}

/** UTF-8 JSON → base64url (no padding). */
export function encodeState(obj) {
  const bytes = new TextEncoder().encode(JSON.stringify(obj));
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** base64url → the parsed JSON; throws a readable Error. */
export function decodeState(text) {
  let bin;
  try {
    bin = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  } catch {
    throw new Error('the link\'s #state= is not valid base64url');
  }
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

const ANALYSES = ORDER;

/** Checks a parsed state's shape; returns it or throws an Error naming the problem. */
export function checkState(s) {
  const fail = (why) => {
    throw new Error(`saved analyses: ${why}`);
  };
  if (!s || typeof s !== 'object' || Array.isArray(s)) fail('not a JSON object');
  for (const k of Object.keys(s)) if (!['version', 'options', 'roles', 'analyses', 'segments', 'attributes', 'funnel_sources'].includes(k)) fail(`unknown field "${k}"`);
  if (s.version !== STATE_VERSION) fail(`version ${JSON.stringify(s.version)} is not ${STATE_VERSION} (saved by a newer Tidemark?)`);
  for (const k of Object.keys(s.options ?? {})) if (!(k in OPTION_CONTROLS)) fail(`unknown option "${k}"`);
  for (const [role, col] of Object.entries(s.roles ?? {})) {
    if (!['user', 'time', 'event', 'revenue', 'order', 'item'].includes(role)) fail(`unknown role "${role}"`);
    if (col !== null && typeof col !== 'string') fail(`the ${role} role must name a column or be null`);
  }
  for (const [k, spec] of Object.entries(s.analyses ?? {})) {
    if (!ANALYSES.includes(k)) fail(`unknown analysis "${k}"`);
    const want = k === 'repurchase' ? 'repurchase' : k;
    if (!spec || spec.analysis !== want) fail(`the ${k} spec must have "analysis": "${want}"`);
  }
  if (s.segments !== undefined && !Array.isArray(s.segments)) fail('"segments" must be a list of {name, rule}');
  for (const seg of s.segments ?? []) {
    const ok = seg && typeof seg === 'object' && typeof seg.name === 'string' && typeof seg.rule === 'string' &&
      Object.keys(seg).every((f) => f === 'name' || f === 'rule');
    if (!ok) fail(`the saved segment ${JSON.stringify(seg)} is not {"name": …, "rule": …}`);
  }
  if (s.attributes !== undefined && typeof s.attributes !== 'string') fail('"attributes" must name the user attribute file');
  const sources = s.funnel_sources ?? {};
  if (typeof sources !== 'object' || Array.isArray(sources)) fail('"funnel_sources" must be an object');
  for (const [k, v] of Object.entries(sources)) {
    if (k !== 'paths' && k !== 'funnel_drivers') fail(`unknown funnel source "${k}"`);
    if (v !== 'funnel' && v !== 'typed') fail(`the ${k} funnel source must be "funnel" or "typed"`);
  }
  return s;
}

/** Sets a control to `value`; a select without such an option, or an input that refuses it, is an error. */
function set(id, value, what) {
  const node = $(id);
  const text = value === null || value === undefined ? '' : String(value);
  node.value = text;
  if (node.value === text) return;
  throw new Error(node.tagName === 'SELECT' ? `${what} "${text}" is not in this file` : `${what} "${text}" cannot be set in the page's form`);
}

/** Throws when `spec` has a field the page has no control for. */
function onlyFields(key, spec, fields) {
  const extra = Object.keys(spec).filter((f) => f !== 'analysis' && !fields.includes(f));
  if (extra.length) throw new Error(`the saved ${key} spec has ${extra.map((f) => `"${f}"`).join(', ')}, which the page cannot set`);
}

/**
 * Chooses the segment `ref` (a spec's segment reference) in the select `id`, or
 * none; with `name`, a rule segment's option must carry that name too (a compared
 * part's name is part of the spec). A reference the select does not offer is an error.
 */
function setSegment(id, ref, what, name) {
  const sel = $(id);
  if (ref === undefined || ref === null) {
    sel.value = '';
    return;
  }
  const value = JSON.stringify(ref);
  const offered = [...sel.options].filter((o) => o.value === value);
  // A rule segment is known by its name too; RFM, tier and CLV labels are the page's (in its language).
  const o = offered.find((x) => name === undefined || typeof ref.rule !== 'string' || x.text === name);
  if (!o) {
    throw new Error(offered.length
      ? `${what} ${value} is offered as "${offered[0].text}", not "${name}"`
      : `${what} ${value} is not offered by the page`);
  }
  o.selected = true;
}

/** The compared parts of a spec (at most one per select of `ids`), each chosen in its select; the others emptied. */
function setParts(ids, parts, what) {
  const list = parts ?? [];
  if (!Array.isArray(list) || list.length > ids.length) throw new Error(`the page compares at most ${ids.length} segment${ids.length > 1 ? 's' : ''} here`);
  ids.forEach((id, i) => setSegment(id, list[i]?.segment, what, list[i]?.name));
}

/** A funnel window ("7d", "36h", 600) as the form's number and unit. */
function windowParts(w) {
  const units = { m: 60, h: 3600, d: 86400, w: 604800 };
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$/.exec(String(w ?? '7d'));
  const seconds = typeof w === 'number' ? w : m ? Number(m[1]) * (m[2] === 's' ? 1 : units[m[2]]) : NaN;
  if (!Number.isFinite(seconds)) throw new Error(`the funnel window ${JSON.stringify(w)} is not a duration`);
  if (m && m[2] !== 's') return [m[1], m[2]];
  for (const u of ['w', 'd', 'h']) if (seconds % units[u] === 0) return [String(seconds / units[u]), u];
  return [String(seconds / 60), 'm'];
}

/** JSON with sorted keys: two specs equal whatever their key order. */
function canonical(x) {
  if (Array.isArray(x)) return `[${x.map(canonical).join(',')}]`;
  if (x && typeof x === 'object') return `{${Object.keys(x).sort().filter((k) => x[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical(x[k])}`).join(',')}}`;
  return JSON.stringify(x);
}

/** A percentage control's text for a fraction (0.07 → "7"), without float noise. */
function percent(x) {
  return String(Number((x * 100).toPrecision(12)));
}

/** Section-9 runs waiting for the Funnel section's re-run: [{funnel, go, fail, before}]. */
let afterFunnel = [];

/** Runs the waiting section-9 forms once the Funnel section has a new result (theirs, or an error). */
function funnelArrived() {
  const now = resultOf('funnel');
  const ready = afterFunnel.filter((w) => now && now !== w.before);
  afterFunnel = afterFunnel.filter((w) => !ready.includes(w));
  const failed = [];
  for (const w of ready) {
    if (canonical(panelFunnel()) === canonical(w.funnel)) w.go();
    else failed.push(w.what);
  }
  if (failed.length) showError(t('u7.ps.some_failed', failed.map((k) => `${k}: ${t('s4.ps.other_funnel')}`).join('; ')));
}

/** Fills each panel's form from the saved spec and presses its Run button, in page order. */
function applySpecs(analyses, sources = {}) {
  const events = new Set(state.summary.events.map((e) => e.name));
  const event = (name, what) => {
    if (name !== null && name !== undefined && !events.has(name)) throw new Error(`${what} "${name}" is not an event of this file`);
  };
  const need = (key, sp, fields) => {
    const missing = fields.filter((f) => sp[f] === undefined);
    if (missing.length) throw new Error(`the saved ${key} spec lacks ${missing.map((f) => `"${f}"`).join(', ')}, which the page always sets`);
  };
  /** Chooses section 9's funnel of form `prefix` (steps input `steps`, window input `win`), then runs `go`. */
  const funnelSource = (key, prefix, steps, win, funnel, go) => {
    const sel = $(`${prefix}-funnel-source`);
    if (!funnel || !Array.isArray(funnel.steps)) throw new Error(`the saved ${key} spec has no funnel`);
    if ((sources[key] ?? 'typed') === 'funnel') {
      if (!analyses.funnel) throw new Error(t('s4.ps.no_funnel'));
      afterFunnel.push({ what: key, funnel, before: resultOf('funnel'), go: () => {
        sel.value = 'panel';
        sel.dispatchEvent(new Event('change'));
        go();
      } });
      return;
    }
    const extra = Object.keys(funnel).filter((f) => f !== 'steps' && f !== 'window');
    if (extra.length || funnel.steps.some((st) => Object.keys(st).some((f) => f !== 'event'))) {
      throw new Error(`the saved ${key} funnel has fields the typed steps cannot set`);
    }
    for (const st of funnel.steps) event(st.event, `${key} funnel step`);
    sel.value = 'typed';
    sel.dispatchEvent(new Event('change'));
    set(steps, funnel.steps.map((st) => st.event).join(', '), 'funnel steps');
    set(win, funnel.window ?? '7d', 'funnel window');
    go();
  };
  const apply = {
    paths(sp) {
      onlyFields('paths', sp, ['direction', 'steps', 'collapse_repeats', 'min_share', 'top', 'event', 'from_funnel']);
      need('paths', sp, ['direction', 'steps', 'collapse_repeats', 'min_share']);
      if ((sp.top ?? 20) !== 20) throw new Error('the page shows the top 20 paths, not a saved "top" of ' + JSON.stringify(sp.top));
      set('pa-direction', sp.direction, 'direction');
      set('pa-steps', sp.steps, 'steps');
      $('pa-collapse').checked = sp.collapse_repeats === true;
      set('pa-min-share', percent(sp.min_share), 'minimum share');
      const mode = $('pa-mode');
      mode.value = sp.from_funnel ? 'funnel' : 'event';
      mode.dispatchEvent(new Event('change'));
      if (!sp.from_funnel) {
        event(sp.event, 'paths event');
        set('pa-event', sp.event, 'paths event');
        $('pa-run').click();
        return;
      }
      const { dropped_after_step: dropped, ...funnel } = sp.from_funnel;
      set('pa-dropped', dropped, 'dropped after step');
      funnelSource('paths', 'pa', 'pa-funnel-steps', 'pa-window', funnel, () => $('pa-run').click());
    },
    funnel_drivers(sp) {
      onlyFields('funnel_drivers', sp, ['funnel', 'min_group']);
      set('fd-min-group', sp.min_group ?? '', 'minimum group');
      funnelSource('funnel_drivers', 'fd', 'fd-steps', 'fd-window', sp.funnel, () => $('fd-run').click());
    },
    basket(sp) {
      onlyFields('basket', sp, ['item', 'order', 'purchase_event', 'min_support', 'min_confidence', 'max_len', 'for_item']);
      need('basket', sp, ['min_support', 'min_confidence', 'max_len']);
      event(sp.purchase_event, 'purchase event');
      set('bk-item', sp.item ?? '', 'item column');
      set('bk-order', sp.order ?? '', 'order column');
      set('bk-event', sp.purchase_event ?? '', 'purchase event');
      set('bk-support', percent(sp.min_support), 'minimum support');
      set('bk-confidence', percent(sp.min_confidence), 'minimum confidence');
      set('bk-max-len', sp.max_len, 'largest item set');
      set('bk-for', sp.for_item ?? '', 'item');
      $('bk-run').click();
    },
    funnel(sp) {
      onlyFields('funnel', sp, ['steps', 'window', 'mode', 'breakdown', 'breakdown_limit', 'segment', 'segments']);
      for (const st of sp.steps ?? []) event(st.event, 'funnel step');
      showSteps(sp.steps);
      const [n, unit] = windowParts(sp.window);
      set('window-n', n, 'window');
      set('window-unit', unit, 'window unit');
      set('mode', sp.mode ?? 'ordered', 'funnel mode');
      set('breakdown', sp.breakdown ?? '', 'breakdown column');
      set('breakdown-limit', sp.breakdown_limit ?? 10, 'breakdown limit');
      setSegment('funnel-segment', sp.segment, 'segment');
      setParts(['funnel-compare-a', 'funnel-compare-b'], sp.segments, 'compared segment');
      $('run-button').click();
    },
    repurchase(sp) {
      onlyFields('repurchase', sp, ['purchase_event', 'within_days', 'drivers_within_days', 'min_group', 'segment', 'segments']);
      event(sp.purchase_event, 'purchase event');
      set('rp-event', sp.purchase_event ?? '', 'purchase event');
      set('rp-windows', (sp.within_days ?? [30, 60, 90]).join(', '), 'windows');
      set('rp-drivers-days', sp.drivers_within_days ?? '', 'drivers window');
      set('rp-min-group', sp.min_group ?? '', 'minimum group');
      setSegment('rp-segment', sp.segment, 'segment');
      setParts(['rp-compare'], sp.segments, 'compared segment');
      $('rp-run').click();
    },
    retention(sp) {
      onlyFields('retention', sp, ['period', 'start_event', 'return_event', 'periods', 'mode', 'measure', 'segment', 'segments']);
      event(sp.start_event, 'start event');
      event(sp.return_event, 'return event');
      set('rt-period', sp.period ?? 'week', 'period');
      set('rt-start', sp.start_event ?? '', 'start event');
      set('rt-return', sp.return_event ?? '', 'return event');
      set('rt-periods', sp.periods ?? 12, 'periods');
      set('rt-mode', sp.mode ?? 'bounded', 'mode');
      set('rt-measure', sp.measure ?? 'users', 'measure');
      setSegment('rt-segment', sp.segment, 'segment');
      setParts(['rt-compare-a', 'rt-compare-b'], sp.segments, 'compared segment');
      $('rt-run').click();
    },
    lifecycle(sp) {
      onlyFields('lifecycle', sp, ['period', 'event']);
      event(sp.event, 'lifecycle event');
      set('lc-period', sp.period ?? 'week', 'period');
      set('lc-event', sp.event ?? '', 'lifecycle event');
      $('lc-run').click();
    },
    rfm(sp) {
      onlyFields('rfm', sp, ['purchase_event', 'as_of']);
      event(sp.purchase_event, 'purchase event');
      set('sg-event', sp.purchase_event ?? '', 'purchase event');
      set('sg-as-of', sp.as_of ?? '', 'as-of date');
      $('sg-run').click();
    },
    tiers(sp) {
      onlyFields('tiers', sp, ['purchase_event', 'as_of', 'metric', 'by', 'high', 'mid']);
      event(sp.purchase_event, 'purchase event');
      set('sg-event', sp.purchase_event ?? '', 'purchase event');
      set('sg-as-of', sp.as_of ?? '', 'as-of date');
      set('tr-metric', sp.metric ?? 'revenue', 'metric');
      set('tr-by', sp.by ?? 'share', 'thresholds by');
      set('tr-high', sp.high ?? '', 'high threshold');
      set('tr-mid', sp.mid ?? '', 'mid threshold');
      $('tr-run').click();
    },
    clv(sp) {
      onlyFields('clv', sp, ['purchase_event', 'unit', 'calibration_end', 'horizon', 'discount_rate']);
      event(sp.purchase_event, 'purchase event');
      set('clv-event', sp.purchase_event ?? '', 'purchase event');
      set('clv-unit', sp.unit ?? 'week', 'unit');
      set('clv-end', sp.calibration_end ?? '', 'calibration end');
      set('clv-horizon', sp.horizon ?? '', 'horizon');
      set('clv-discount', sp.discount_rate ?? '', 'discount rate');
      $('clv-run').click();
    },
  };
  const failed = [];
  afterFunnel = [];
  for (const key of ANALYSES) {
    if (!analyses[key]) continue;
    try {
      apply[key](analyses[key]);
    } catch (e) {
      failed.push(`${key}: ${e.message}`);
    }
  }
  if (failed.length) showError(t('u7.ps.some_failed', failed.join('; ')));
}

/** Applies `pending` to the loaded table: options first (a reload when they differ), then the specs. */
function applyPending() {
  const s = pending;
  if (!s || !state.summary || !state.source) return;
  const wantRoles = s.roles ?? {};
  let reload = JSON.stringify(wantRoles) !== JSON.stringify(state.roles);
  try {
    for (const [key, id] of Object.entries(OPTION_CONTROLS)) {
      if (s.options?.[key] === undefined) continue;
      if ($(id).value !== s.options[key]) reload = true;
      set(id, s.options[key], key.replace('_', ' '));
    }
  } catch (e) {
    pending = null;
    showError(t('u7.ps.failed', e.message));
    return;
  }
  if (reload && !s.reloaded) {
    s.reloaded = true;
    state.roles = { ...wantRoles };
    loadSource(state.source);
    return;
  }
  if (s.attributes && !state.attributes) {
    // Applied once a user attribute file is attached (rules.js tells onAttached).
    note(t('saved.need_attributes', s.attributes));
    return;
  }
  pending = null;
  const notes = registerSegments(s.segments ?? []);
  note([t('saved.restored'), ...notes].join(' '));
  applySpecs(s.analyses ?? {}, s.funnel_sources ?? {});
}

/** Says `text` in the status line and, until the next state, under the saved-analyses buttons (runs overwrite the status). */
function note(text) {
  setStatus(text);
  $('state-note').textContent = text;
  $('state-note').hidden = false;
}

/**
 * Saves the state's rule segments into this browser (the selectors then offer
 * them); one saved here under the same name with another rule is replaced, and
 * said so. Returns the sentences to show.
 */
function registerSegments(list) {
  const added = [];
  const replaced = [];
  for (const { name, rule } of list) {
    const local = savedSegments().find((x) => x.name === name);
    if (local?.rule === rule) continue;
    (local ? replaced : added).push(name);
    saveSegment(name, rule);
  }
  const quote = (xs) => xs.map((x) => `"${x}"`).join(', ');
  const notes = [];
  if (added.length) notes.push(t('saved.segments_added', quote(added)));
  if (replaced.length) notes.push(t('saved.segments_replaced', quote(replaced)));
  return notes;
}

/** Takes a state (parsed JSON) to apply now, or once a file is loaded. */
export function restore(obj) {
  pending = checkState(obj);
  $('state-note').hidden = true;
  if (state.summary) applyPending();
  else setStatus(t('saved.waiting'));
}

function saveFile() {
  const text = `${JSON.stringify(currentState(), null, 2)}\n`;
  download(new Blob([text], { type: 'application/json' }), `${baseName()}-analyses.json`);
}

/** Keeps the URL's #state= equal to the page's state (nothing when no analysis has run). */
function updateHash() {
  const s = currentState();
  $('save-state').disabled = Object.keys(s.analyses).length === 0;
  if (pending) return;
  const url = Object.keys(s.analyses).length ? `#state=${encodeState(s)}` : location.pathname + location.search;
  history.replaceState(null, '', url);
}

async function readFile(file) {
  try {
    restore(JSON.parse(await file.text()));
  } catch (e) {
    showError(`${file.name}: ${e.message}`);
  }
}

/** The saved-analyses controls (in the load card); a state applies once every panel's form is ready (see onLoaded). */
export const savedPanel = {
  name: 'saved',
  wire() {
    $('save-state').addEventListener('click', saveFile);
    const input = $('state-input');
    $('load-state').addEventListener('click', () => input.click());
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      if (file) readFile(file);
      input.value = '';
    });
    onResults(updateHash);
    onResults(funnelArrived);
    onAttached(() => applyPending());
    const m = /^#state=([A-Za-z0-9_-]+)$/.exec(location.hash);
    if (m) {
      try {
        restore(decodeState(m[1]));
      } catch (e) {
        showError(t('u7.ps.link_failed', e.message));
      }
    }
  },
  onLoaded() {
    // After every panel's onLoaded (section 9's are listed after this one): their forms are ready then.
    queueMicrotask(applyPending);
  },
};
