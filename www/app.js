// The page (main thread): wires the panels in www/js/ and starts the engine worker.
// The engine computes in the worker (www/worker.js); charts are drawn here (plotters
// measures text through `window`). Every string that came from the data reaches the
// DOM as text (textContent, option.text), never as HTML. ARCHITECTURE.md maps the modules.
import init from '/pkg/tidemark.js';
import { $ } from './js/dom.js';
import { panels, client, setStatus, showError } from './js/state.js';
import { wireLoad } from './js/load.js';
import { overviewPanel } from './js/overview.js';
import { funnelPanel } from './js/funnel.js';
import { repeatPanel } from './js/repeat.js';
import { retentionPanel } from './js/retention.js';
import { lifecyclePanel } from './js/lifecycle.js';
import { segmentsPanel } from './js/segments.js';
import { clvPanel } from './js/clv.js';
import { pathsPanel } from './js/paths.js';
import { funnelDriversPanel } from './js/funnel_drivers.js';
import { basketPanel } from './js/basket.js';

// onLoaded runs in this order after every load; the overview asks the engine last.
panels.push(funnelPanel, repeatPanel, retentionPanel, lifecyclePanel, segmentsPanel, clvPanel, overviewPanel);
panels.push(pathsPanel, funnelDriversPanel, basketPanel); // section 8; they ask the engine only on Run

function wire() {
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
  wire();
  client.ensure(); // start the engine while the user picks a file
  try {
    await init();
    document.body.dataset.ready = 'true';
    setStatus('Ready. Drop a CSV or try the demo data.');
  } catch (e) {
    showError(`The chart module could not start: ${e?.message ?? e}`);
  }
}

main();
