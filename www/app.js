// The page (main thread): wires the panels in www/js/ and starts the engine worker.
// The engine computes in the worker (www/worker.js); charts are drawn here (plotters
// measures text through `window`). Every string that came from the data reaches the
// DOM as text (textContent, option.text), never as HTML. ARCHITECTURE.md maps the modules.
import init from '/pkg/tidemark.js';
import { wasmModule } from './js/wasm.js';
import { $ } from './js/dom.js';
import { panels, client, setStatus, showError, state } from './js/state.js';
import { resultOf } from './js/results.js';
import { wireLoad } from './js/load.js';
import { overviewPanel } from './js/overview.js';
import { funnelPanel } from './js/funnel.js';
import { repeatPanel } from './js/repeat.js';
import { retentionPanel } from './js/retention.js';
import { lifecyclePanel } from './js/lifecycle.js';
import { segmentsPanel } from './js/segments.js';
import { rulesPanel } from './js/rules.js';
import { clvPanel } from './js/clv.js';
import { pathsPanel } from './js/paths.js';
import { funnelDriversPanel } from './js/funnel_drivers.js';
import { basketPanel } from './js/basket.js';
import { reportPanel } from './js/report.js';
import { savedPanel } from './js/pagestate.js';
import { t, lang, setLang, onLang, translatePage } from './js/i18n.js';

// onLoaded runs in this order after every load; the overview asks the engine last.
panels.push(funnelPanel, repeatPanel, retentionPanel, lifecyclePanel, segmentsPanel, rulesPanel, clvPanel, reportPanel, overviewPanel, savedPanel);
panels.push(pathsPanel, funnelDriversPanel, basketPanel); // section 9; they ask the engine only on Run

// TEST ONLY (tests/e2e): the page's live state. The page runs from one bundle
// (dist/app.js), so a test importing /js/state.js or /js/results.js would get fresh
// copies of those modules, holding nothing.
globalThis.__tidemarkPage = { client, state, resultOf };

/** The language switch: the page's labelled texts follow it; the choice is remembered. */
function wireLanguage() {
  const sel = $('lang');
  sel.value = lang();
  sel.addEventListener('change', () => setLang(sel.value));
  // The engine draws chart texts in <html lang>: redraw every chart in the new language.
  onLang(() => {
    translatePage();
    for (const p of panels) p.redraw?.();
  });
  translatePage();
}

function wire() {
  wireLanguage();
  wireLoad();
  for (const p of panels) p.wire();
  let resizeTimer = 0;
  new ResizeObserver(() => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      for (const p of panels) p.redraw?.();
    }, 120);
  }).observe($('chart').parentElement);
}

async function main() {
  // When the page's script began (tests/e2e/startup.test.mjs: the engine worker was started before).
  performance.mark('tidemark:app-start');
  wire();
  client.ensure(); // start the engine while the user picks a file
  try {
    await init({ module_or_path: await wasmModule });
    document.body.dataset.ready = 'true';
    performance.mark('tidemark:draw-ready');
    // Unless a saved state from the link already said what to do next.
    if (!$('status').textContent) setStatus(t('app.ready'));
  } catch (e) {
    showError(`The chart module could not start: ${e?.message ?? e}`);
  }
}

main();
