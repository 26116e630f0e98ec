//! The TypeScript declarations of the objects that cross the boundary: loading
//! options, specs, the summary and results (`../shared/ANALYSES.md`, "Specs and
//! results"). They land in `pkg/tidemark.d.ts`; the exports refer to them through
//! `unchecked_param_type` / `unchecked_return_type`.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** A column role. */
export type Role = "user" | "time" | "event" | "revenue" | "order" | "item" | "property";

/** Loading options; every field is optional, an unknown field is an error. */
export interface LoadOptions {
  /** Role → column name, or null for "no column has this role" (e.g. event: null). */
  roles?: Partial<Record<Role, string | null>>;
  /** IANA zone for timestamps without an offset (default "UTC"). */
  time_zone?: string | null;
  /** Day/month order of ambiguous dates (default "auto"). */
  date_order?: "auto" | "dmy" | "mdy" | null;
  /** Force a text encoding by label ("utf-8", "windows-1252", "gbk", …). */
  encoding?: string | null;
  /** Force a one-character delimiter ("," ";" "|" or "\t" / "tab"). */
  delimiter?: string | null;
}

/** One column of the loaded file. */
export interface ColumnSummary {
  name: string;
  /** Detected type: integer, number, time, boolean, text, empty. */
  type: string;
  role: Role;
  /** Why this role was chosen. */
  reason: string;
}

/** An event name and its row count. */
export interface EventCount { name: string; count: number; }

/** Rows skipped for one reason, with the first physical line numbers. */
export interface SkippedRows { reason: string; count: number; lines: number[]; }

/** What was loaded (`engine.summary()`, the same object as `tidemark inspect`). */
export interface Summary {
  file: string;
  /** Data rows read: always rows + every skipped count. */
  rows_read: number;
  /** Rows loaded as events. */
  rows: number;
  users: number;
  encoding: string;
  encoding_reason: string;
  delimiter: string;
  date_order: string;
  date_order_reason: string;
  time_format: string;
  time_zone: string;
  /** True when there is no event column (every row is a "purchase"). */
  order_file: boolean;
  columns: ColumnSummary[];
  /** Most frequent first. */
  events: EventCount[];
  skipped: SkippedRows[];
  /** ISO 8601 UTC, null when empty. */
  first_time: string | null;
  last_time: string | null;
}

/** A duration: seconds, or text with one unit s, m, h, d or w (e.g. "7d"). */
export type Duration = number | string;

/** A property filter value: text, a number, or any of a list. */
export type FilterValue = string | number | FilterValue[];

/** One funnel step: an event name, optionally with property filters (all must hold). */
export interface FunnelStepSpec {
  event: string;
  where?: Record<string, FilterValue> | null;
}

/** A funnel spec. */
export interface FunnelSpec {
  analysis: "funnel";
  /** 2 to 10 steps. */
  steps: FunnelStepSpec[];
  /** Conversion window, default "7d". */
  window?: Duration;
  mode?: "ordered" | "strict" | "unordered";
  /** A property column to split users by, or null. */
  breakdown?: string | null;
  /** Values listed before the rest become "other" (default 10). */
  breakdown_limit?: number;
  /** Earliest / latest time of step 1 (ISO 8601). */
  from?: string | null;
  to?: string | null;
}

/** Any analysis spec. */
export type Spec = FunnelSpec;

/** One step of a funnel result. */
export interface FunnelStep {
  event: string;
  /** The event name with its filters, e.g. "purchase (channel = ads)". */
  label: string;
  users: number;
  /** null for step 1 or a zero base. */
  conversion_from_previous: number | null;
  conversion_from_first: number | null;
  dropoff: number;
  median_seconds_from_previous: number | null;
  mean_seconds_from_previous: number | null;
}

/** The funnel of one breakdown value. */
export interface FunnelBucket {
  /** The property's raw text; null when missing or for the "other" bucket. */
  value: string | null;
  other: boolean;
  steps: FunnelStep[];
}

/** A funnel result (`engine.run(funnelSpec)`). */
export interface FunnelReport {
  analysis: "funnel";
  mode: string;
  window_seconds: number;
  steps: FunnelStep[];
  breakdown: FunnelBucket[] | null;
}

/** Any analysis result. */
export type Report = FunnelReport;

/** A rectangle in CSS pixels of the canvas: x0 <= x < x1, y0 <= y < y1, y down. */
export interface PixelRect { x0: number; y0: number; x1: number; y1: number; }

/** One bar of a chart and what it shows. */
export interface BarRect {
  /** Step index, 0-based. */
  step: number;
  /** Breakdown bucket index (report order), null without a breakdown. */
  bucket: number | null;
  users: number;
  rect: PixelRect;
}

/** Where a chart drew things, in CSS pixels (for tooltips and hit-testing). */
export interface ChartLayout {
  area: PixelRect;
  /** The region bars grow in; its bottom is the baseline. */
  plot: PixelRect;
  bars: BarRect[];
  /** True when there was nothing to draw (an empty-state message was shown). */
  empty: boolean;
}
"#;
