// Types of the embeddable widget (pkg/widget/tidemark-chart.js).
import type { LoadOptions } from '../tidemark.js';

/** Where a widget's data comes from: exactly one of these. */
export type WidgetData =
  | { url: string }
  | { file: File }
  | { rows: Array<Record<string, string | number | null>> | Array<Array<string | number | null>> }
  | { data: string | Uint8Array | ArrayBuffer };

/** What render() shows: the data, a spec of the JSON contract, and optionally which chart. */
export type WidgetInput = WidgetData & {
  /** e.g. {"analysis": "retention", "period": "week"}: any spec `engine.run` accepts. */
  spec: { analysis: string; [field: string]: unknown };
  /** retention: "heatmap" | "curve" | "ltv"; repurchase: "gaps" | "by-month"; clv: "tiers" | "holdout" | "palive" | "matrix". */
  chart?: string;
  /** Loading options (roles, time_zone, …), as for `Engine.fromCsv`. */
  options?: LoadOptions;
  /** The title above the chart (default: the analysis name). */
  heading?: string;
};

/**
 * `<tidemark-chart src="…" spec='{…}' chart="…" heading="…" options='{…}' table="none" lang="zh">`.
 * `data-state` is "loading", "ready" or "error"; events `tidemark-ready` ({report})
 * and `tidemark-error` ({message}) are dispatched on it.
 */
export class TidemarkChart extends HTMLElement {
  /** The last result (as `engine.run` returns it), or null. */
  report: unknown | null;
  /** The loaded table's summary, or null. */
  summary: unknown | null;
  /** The last error shown, or null. */
  error: Error | null;
  /** Loads (shared per source), runs and draws again. */
  update(): Promise<unknown>;
}

/** Renders into `target` (a <tidemark-chart>, or any element that gets one appended); resolves with the report. */
export function render(target: HTMLElement, input: WidgetInput): Promise<unknown>;
