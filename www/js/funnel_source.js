// The funnel that section 9's paths (drop-off) and funnel-drivers forms run on: by
// default the exact funnel the Funnel section ran last (its steps with their
// property filters, mode and window, as remembered in results.js), or the steps
// typed in the form. Each form has a `<prefix>-funnel-source` select, labels of
// class `<prefix>-typed` for the typed fields, and a `<prefix>-funnel-note` that
// says which funnel a run uses.
import { $ } from './dom.js';
import { t } from './i18n.js';
import { resultOf, onResults } from './results.js';

/** Comma-separated event names → funnel steps. */
export function stepsFrom(text) {
  return text.split(',').map((s) => s.trim()).filter(Boolean).map((event) => ({ event }));
}

/**
 * The Funnel section's last funnel as a nested funnel spec (without `analysis` and
 * the breakdown, which change no one's funnel level), or null when none ran since
 * the load. A segment is kept: the engine refuses it here with its own message
 * rather than the page silently dropping it.
 */
export function panelFunnel() {
  const r = resultOf('funnel');
  if (!r) return null;
  const { steps, window, mode, from, to, segment, segments } = r.spec;
  const f = { steps: structuredClone(steps), window, mode };
  if (from) f.from = from;
  if (to) f.to = to;
  if (segment) f.segment = segment;
  if (segments?.length) f.segments = segments;
  return f;
}

/** A funnel in words: "page_view (channel = ads) → purchase, ordered, within 7d". */
export function describeFunnel(f) {
  const steps = f.steps.map((s) => {
    const where = Object.entries(s.where ?? {}).map(([k, v]) => `${k} = ${v}`).join(', ');
    return where ? `${s.event} (${where})` : s.event;
  }).join(' → ');
  const parts = [steps, t(`s9.mode_${f.mode ?? 'ordered'}`), t('s9.within', f.window ?? '7d')];
  if (f.from || f.to) parts.push(t('s9.from_to', f.from ?? '…', f.to ?? '…'));
  if (f.segment || f.segments) parts.push(t('s9.segment'));
  return parts.join(', ');
}

/** What the user chose per form prefix, once they touched the select (else the default). */
const chosen = {};
/** Per form prefix: the ids of its typed steps and window inputs. */
const typed = {};

/** True when the form `prefix` runs the Funnel section's funnel. */
function usesPanel(prefix) {
  return panelFunnel() !== null && (chosen[prefix] ?? 'panel') === 'panel';
}

/** The funnel of form `prefix`: the Funnel section's, or the typed steps and window. */
export function funnelOf(prefix) {
  if (usesPanel(prefix)) return panelFunnel();
  const { steps, window } = typed[prefix];
  return { steps: stepsFrom($(steps).value), window: $(window).value.trim() || '7d' };
}

/** Shows the form's choice: the select, the typed fields, the note. */
export function refreshSource(prefix) {
  const sel = $(`${prefix}-funnel-source`);
  const panel = panelFunnel();
  sel.querySelector('option[value="panel"]').disabled = panel === null;
  const usePanel = usesPanel(prefix);
  sel.value = usePanel ? 'panel' : 'typed';
  for (const l of document.querySelectorAll(`.${prefix}-typed`)) l.hidden = usePanel;
  const note = $(`${prefix}-funnel-note`);
  if (usePanel) note.textContent = t('s9.funnel_uses', describeFunnel(panel));
  else if (panel === null) note.textContent = t('s9.funnel_none');
  else note.textContent = t('s9.funnel_typed_uses', describeFunnel(funnelOf(prefix)));
}

/**
 * Wires the form `prefix` (typed steps in input `steps`, window in `window`): its
 * select, and a refresh whenever the Funnel section's result changes.
 */
export function wireSource(prefix, steps, window) {
  typed[prefix] = { steps, window };
  $(`${prefix}-funnel-source`).addEventListener('change', (e) => {
    chosen[prefix] = e.target.value;
    refreshSource(prefix);
  });
  for (const id of [steps, window]) $(id).addEventListener('input', () => refreshSource(prefix));
  onResults(() => refreshSource(prefix));
}
