// What the page holds between events: the loaded source and summary, each panel's
// last result, the engine client, the status line and the error box.
import { $ } from './dom.js';
import { EngineClient } from './client.js';
import { errorText } from './errors.js';

/** Shared page state. Panels keep their own last result under their own key. */
export const state = {
  /** What is loaded or loading: {file: File} or {demo: true}. Kept to reload. */
  source: null,
  /**
   * The user attribute file attached: {file: File, report} (engine.attachAttributes'
   * report), or null. Sent with every load, so a fresh worker attaches it too.
   */
  attributes: null,
  /** Role overrides sent as options.roles. */
  roles: {},
  /** engine.summary() of the loaded table. */
  summary: null,
  loading: false,
  /** Counts loads, so the answer to a superseded load is ignored. */
  loadSeq: 0,
};

/**
 * The panels, in page order. Each is `{ name, wire(), onLoaded(summary, seq), onReset?(), redraw?() }`:
 * `wire` once at start, `onLoaded` after every successful load, `onReset` when a new
 * file replaces the table, `redraw` when the page is resized.
 */
export const panels = [];

const crashHandlers = [];

/** Called as `fn(message, lostRequestTypes)` when the worker crashed and was replaced. */
export function onCrash(fn) {
  crashHandlers.push(fn);
}

/** The engine in its worker. */
export const client = new EngineClient({
  onCrash: (message, lost) => {
    for (const fn of crashHandlers) fn(message, lost);
  },
});

/** The one-line status under the header. */
export function setStatus(text) {
  $('status').textContent = text;
}

/**
 * Shows the error box with `message` (as text); `original`, when given and
 * different (the engine's English sentence), is its title and data-original.
 */
export function showError(message, original = null) {
  const box = $('error-text');
  box.textContent = message;
  setOriginal(box, message, original);
  $('error').hidden = false;
}

/** Shows an engine error (an Error with the worker's `kind`) in the page's language. */
export function showEngineError(e) {
  showError(errorText(e), e?.message ?? null);
}

function setOriginal(node, shown, original) {
  if (original && original !== shown) {
    node.title = original;
    node.dataset.original = original;
  } else {
    node.removeAttribute('title');
    delete node.dataset.original;
  }
}

/** Hides the error box. */
export function clearError() {
  $('error').hidden = true;
  $('error-text').textContent = '';
  setOriginal($('error-text'), '', null);
}

/** Shows a panel's own message box (`id`) for a failed run, unless the worker crashed (reported already). */
export function panelError(id, e) {
  if (e.kind === 'crashed') return;
  const shown = errorText(e);
  $(id).textContent = shown;
  setOriginal($(id), shown, e.message);
  $(id).hidden = false;
}
