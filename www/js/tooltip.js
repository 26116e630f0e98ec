// Hover tooltips for the cohort charts: the draw functions return `hits` (one
// target per cell, bar or point, with its text, from the engine's chart::tips);
// this shows the target under the pointer in a small box over the chart. The
// text comes from the data, so it is set with textContent only.
import { el } from './dom.js';

/** Layouts by canvas id, replaced on every draw. */
const layouts = new Map();

/** The hit under (x, y) in CSS pixels of the canvas: the nearest centre among the targets holding it. */
export function hitAt(layout, x, y) {
  let best = null;
  let bestD = Infinity;
  for (const h of layout?.hits ?? []) {
    const r = h.rect;
    if (x < r.x0 || x >= r.x1 || y < r.y0 || y >= r.y1) continue;
    const dx = x - (r.x0 + r.x1) / 2;
    const dy = y - (r.y0 + r.y1) / 2;
    const d = dx * dx + dy * dy;
    // Later targets (the average curve, drawn last) win ties.
    if (d <= bestD) {
      best = h;
      bestD = d;
    }
  }
  return best;
}

/** The tooltip box of a canvas, created on first use inside its .chart-box. */
function tipBox(canvas) {
  const box = canvas.parentElement;
  let tip = box.querySelector('.chart-tip');
  if (!tip) {
    tip = el('div', { class: 'chart-tip', role: 'tooltip', testid: `${canvas.id}-tip`, hidden: true });
    box.append(tip);
  }
  return tip;
}

function hide(canvas) {
  const tip = canvas.parentElement.querySelector('.chart-tip');
  if (tip) tip.hidden = true;
}

function move(canvas, event) {
  const r = canvas.getBoundingClientRect();
  const x = event.clientX - r.left;
  const y = event.clientY - r.top;
  const hit = hitAt(layouts.get(canvas.id), x, y);
  if (!hit) {
    hide(canvas);
    return;
  }
  const tip = tipBox(canvas);
  tip.textContent = hit.tip;
  tip.hidden = false;
  // Beside the pointer, kept inside the chart box.
  const boxW = canvas.parentElement.clientWidth;
  const left = Math.max(0, Math.min(canvas.offsetLeft + x + 14, boxW - tip.offsetWidth - 2));
  tip.style.left = `${left}px`;
  tip.style.top = `${canvas.offsetTop + y + 16}px`;
}

/** Remembers the layout `drawInto` returned for canvas `id` (null clears it) and hides a stale tip. */
export function setLayout(id, layout) {
  const canvas = document.getElementById(id);
  if (!canvas) return;
  if (!canvas.dataset.tips) {
    canvas.dataset.tips = 'on';
    canvas.addEventListener('mousemove', (e) => move(canvas, e));
    canvas.addEventListener('mouseleave', () => hide(canvas));
  }
  if (layout) layouts.set(id, layout);
  else layouts.delete(id);
  hide(canvas);
}
