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
  /** The most memory (bytes) a load of a declared size (`CsvLoader.expectBytes`)
   *  may need; refused early when the projection is larger. Default and maximum:
   *  3 GiB (the wasm32 address space is 4 GiB). */
  memory_limit?: number | null;
}

/**
 * A result table for tableToArrow: column names and rows of cells (one per column).
 * Types are inferred per column: booleans, whole numbers (Int64), numbers (Float64),
 * else text (Utf8); null is a null.
 */
export interface ResultTable {
  columns: string[];
  rows: Array<Array<string | number | boolean | null>>;
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
  /** Sum of the revenue column over every loaded row holding a number; null without a revenue column. */
  revenue_total: number | null;
  /** Loaded rows whose revenue cell holds a number (0 without a revenue column). */
  revenue_rows: number;
  /** Bytes the loaded table holds in memory (columns, dictionaries, per-user order). */
  table_bytes: number;
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
  /** A property column (or an attached user attribute) to split users by, or null. */
  breakdown?: string | null;
  /** Values listed before the rest become "other" (default 10). */
  breakdown_limit?: number;
  /** Earliest / latest time of step 1 (ISO 8601). */
  from?: string | null;
  to?: string | null;
  /** Only the users of this segment count (docs/segments.md). */
  segment?: SegmentRef | null;
  /** One result per named segment, side by side (`by_segment`). */
  segments?: NamedSegment[];
}

/** An event: a name, or a name with property filters. */
export type EventSpec = string | FunnelStepSpec;

/** A cohort retention spec. */
export interface RetentionSpec {
  analysis: "retention";
  period?: "day" | "week" | "month";
  /** null = any event. */
  start_event?: EventSpec | null;
  return_event?: EventSpec | null;
  /** The largest k (default 12). */
  periods?: number;
  mode?: "bounded" | "unbounded";
  measure?: "users" | "revenue";
  /** Only the users of this segment count (docs/segments.md). */
  segment?: SegmentRef | null;
  /** One result per named segment, side by side (`by_segment`). */
  segments?: NamedSegment[];
}

/** A repeat-purchase spec. */
export interface RepurchaseSpec {
  analysis: "repurchase";
  /** null = guessed from the event names. */
  purchase_event?: EventSpec | null;
  /** Default [30, 60, 90]; the first is also the drivers' outcome window. */
  within_days?: number[];
  /** Days after the first purchase a behaviour counts in (default 7; 0 = no drivers). */
  drivers_within_days?: number;
  /** Driver groups smaller than this are hidden (default 30). */
  min_group?: number;
  /** Only the users of this segment count (docs/segments.md). */
  segment?: SegmentRef | null;
  /** One result per named segment, side by side (`by_segment`). */
  segments?: NamedSegment[];
}

/** A lifecycle spec. */
export interface LifecycleSpec {
  analysis: "lifecycle";
  period?: "day" | "week" | "month";
  event?: EventSpec | null;
}

/** An RFM spec. */
export interface RfmSpec {
  analysis: "rfm";
  /** null = guessed from the event names. */
  purchase_event?: EventSpec | null;
  /** A date (its whole local day counts) or a time; null = the last event time. */
  as_of?: string | null;
  /** Also list every buyer's values and scores (default false). */
  users?: boolean;
}

/** A value-tiers spec. By share: high = top share of buyers, mid = top share down
 *  to the end of the mid tier (defaults 0.2 and 0.5). By value: metric thresholds. */
export interface TiersSpec {
  analysis: "tiers";
  purchase_event?: EventSpec | null;
  metric?: "revenue" | "purchases";
  by?: "share" | "value";
  high?: number | null;
  mid?: number | null;
  as_of?: string | null;
  users?: boolean;
}


/** A predictive CLV spec (BG/NBD + Gamma-Gamma). */
export interface ClvSpec {
  analysis: "clv";
  /** null = guessed from the event names. */
  purchase_event?: EventSpec | null;
  unit?: "day" | "week";
  /** Last local date of the calibration period ("1997-09-30"); null = the data end. */
  calibration_end?: string | null;
  /** In units (default 52 weeks or 365 days). */
  horizon?: number | null;
  /** Per unit, 0 to 1 (default 0). */
  discount_rate?: number;
  /** Fit Gamma-Gamma on the revenue column (default true). */
  revenue?: boolean;
  /** Share of customers in the high tier (default 0.2). */
  high_share?: number;
  /** Share in the mid tier (default 0.3); the rest are low. */
  mid_share?: number;
  /** High-value customers with P(alive) below this are at risk (default 0.5). */
  at_risk_below?: number;
}

/** Any analysis spec. */
/**
 * A segment: a rule (docs/segments.md), an RFM segment (with any RFM spec field),
 * a value tier (with any tiers spec field), or a list of user ids.
 */
export type SegmentRef =
  | { rule: string; as_of?: string | null; purchase_event?: EventSpec | null }
  | ({ rfm: string } & Omit<RfmSpec, "analysis">)
  | ({ tier: "high" | "mid" | "low" } & Omit<TiersSpec, "analysis">)
  | ({ clv: "high" | "mid" | "low" | "at_risk" } & Omit<ClvSpec, "analysis">)
  | { ids: string[] };

/** A segment of a breakdown; `name` defaults to the segment's label. */
export interface NamedSegment { name?: string | null; segment: SegmentRef; }

/** One segment's size, shares and (with `users: true`) members. */
export type SegmentSpec = { analysis: "segment"; name?: string | null; users?: boolean } & SegmentRef;

export type Spec = FunnelSpec | RetentionSpec | RepurchaseSpec | LifecycleSpec | RfmSpec | TiersSpec | ClvSpec | SegmentSpec | PathsSpec | FunnelDriversSpec | BasketSpec;

/** Who a segment holds: the size of a filter or of one breakdown part. */
export interface SegmentSize {
  name: string;
  users: number;
  share_users: number | null;
  /** Revenue over all the members' rows; null without a revenue column. */
  revenue: number | null;
  share_revenue: number | null;
}

/** One part of a breakdown by segment. */
export interface SegmentPart<T> { segment: SegmentSize; result: T; }

/** A member of a segment with the rule metrics (days are fractional). */
export interface SegmentMember {
  user: string;
  events: number;
  purchases: number | null;
  revenue: number | null;
  days_since_first: number | null;
  days_since_last: number | null;
  days_since_first_purchase: number | null;
  days_since_last_purchase: number | null;
}

/** A segment result (`engine.run({analysis: "segment", rule: "…"})`). */
export interface SegmentReport {
  analysis: "segment";
  name: string;
  rule: string | null;
  as_of: string | null;
  purchase_event: string | null;
  total_users: number;
  users: number;
  share_users: number | null;
  revenue: number | null;
  share_revenue: number | null;
  members: SegmentMember[] | null;
}

/** What `engine.attachAttributes` read. */
export interface AttachReport {
  file: string;
  id_column: string;
  columns: string[];
  rows: number;
  matched_users: number;
  users_without_row: number;
  /** Rows whose id is not a user of the data, and the first 20 of those ids. */
  unmatched: number;
  unmatched_ids: string[];
}

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
  /** The segment filter's size, when the spec had one. */
  segment?: SegmentSize;
  /** One result per named segment, when asked for (results carry no `analysis`). */
  by_segment?: SegmentPart<Omit<FunnelReport, "analysis">>[];
}

/** One cohort's row. */
export interface Cohort {
  start: string;
  size: number;
  /** retained[0] = size. */
  retained: number[];
  retained_rate: (number | null)[];
  /** false: the period ends after the data end (a partial count). */
  complete: boolean[];
  revenue: number[] | null;
  revenue_per_user: (number | null)[] | null;
  cumulative_revenue_per_user: (number | null)[] | null;
}

/** The average curve over complete cells. */
export interface RetentionAverage {
  cohorts: number[];
  users: number[];
  retained: number[];
  rate: (number | null)[];
  revenue_per_user: (number | null)[] | null;
  cumulative_revenue_per_user: (number | null)[] | null;
}

/** A retention result. */
export interface RetentionReport {
  analysis: "retention";
  period: string;
  mode: string;
  measure: string;
  periods: number;
  start_event: string | null;
  return_event: string | null;
  data_end: string | null;
  cohorts: Cohort[];
  average: RetentionAverage;
  /** The segment filter's size, when the spec had one. */
  segment?: SegmentSize;
  /** One result per named segment, when asked for (results carry no `analysis`). */
  by_segment?: SegmentPart<Omit<RetentionReport, "analysis">>[];
}

export interface RepeatRate { days: number; eligible: number; repeaters: number; rate: number | null; not_yet_eligible: number; }
export interface GapBin { from_days: number; to_days: number; users: number; }
export interface MonthRate { month: string; buyers: number; eligible: number; repeaters: number; rate: number | null; }
export interface Driver {
  behaviour: string; event: string; property: string | null; value: string | null;
  with_users: number; with_rate: number; without_users: number; without_rate: number;
  lift: number | null; ci_low: number; ci_high: number; p_value: number; sentence: string;
}

/** A repeat-purchase result. */
export interface RepurchaseReport {
  analysis: "repurchase";
  purchase_event: string;
  purchase_event_guessed: boolean;
  buyers: number;
  repeat_buyers: number;
  data_end: string | null;
  rates: RepeatRate[];
  median_gap_days: number | null;
  mean_gap_days: number | null;
  gap_histogram: GapBin[];
  by_first_month: MonthRate[];
  outcome_days: number;
  drivers_within_days: number;
  min_group: number;
  drivers: Driver[];
  hidden_small_groups: number;
  /** The segment filter's size, when the spec had one. */
  segment?: SegmentSize;
  /** One result per named segment, when asked for (results carry no `analysis`). */
  by_segment?: SegmentPart<Omit<RepurchaseReport, "analysis">>[];
}

export interface LifecyclePeriod {
  start: string; new: number; returning: number; resurrecting: number;
  /** Negative or 0. */
  dormant: number; active: number; complete: boolean;
}

/** A lifecycle result. */
export interface LifecycleReport {
  analysis: "lifecycle";
  period: string;
  event: string | null;
  data_end: string | null;
  periods: LifecyclePeriod[];
}

/** One RFM segment. */
export interface RfmSegment {
  name: string; users: number; revenue: number; purchases: number;
  share_users: number | null; share_revenue: number | null;
  avg_order_value: number | null;
  /** Mean days from the last purchase to as_of. */
  days_since_last: number | null;
}
/** One (R, F) cell of the grid. */
export interface RfmGridCell { r: number; f: number; users: number; revenue: number; segment: string; }
/** One non-empty (R, F, M) triple. */
export interface RfmCell { r: number; f: number; m: number; users: number; revenue: number; segment: string; }
/** The values of the users who got a score. */
export interface ScoreRange { score: number; users: number; min: number | null; max: number | null; }
/** One buyer's RFM values and scores. */
export interface RfmUser {
  user: string; recency_seconds: number; recency_days: number; frequency: number; monetary: number;
  r: number; f: number; m: number; segment: string;
}

/** An RFM result. */
export interface RfmReport {
  analysis: "rfm";
  purchase_event: string;
  purchase_event_guessed: boolean;
  /** ISO 8601 UTC; null for an empty table. */
  as_of: string | null;
  buyers: number;
  non_buyers: number;
  purchases: number;
  revenue: number;
  /** Decimals summed exactly; null = floating point. */
  revenue_decimals: number | null;
  /** All 11, best first. */
  segments: RfmSegment[];
  /** (R, F) → name, in the order the rules are tried. */
  rules: { name: string; rule: string }[];
  /** 25 cells, R = 1..5 then F = 1..5. */
  grid: RfmGridCell[];
  cells: RfmCell[];
  scores: { recency_days: ScoreRange[]; frequency: ScoreRange[]; monetary: ScoreRange[] };
  /** Only with users: true. */
  users?: RfmUser[];
}

/** One value tier. */
export interface Tier {
  name: "high" | "mid" | "low"; users: number; share_users: number | null;
  revenue: number; share_revenue: number | null; purchases: number;
  min: number | null; max: number | null;
}
/** One buyer's tier. */
export interface TierUser { user: string; value: number; purchases: number; revenue: number; tier: string; }

/** A value-tiers result. */
export interface TiersReport {
  analysis: "tiers";
  purchase_event: string;
  purchase_event_guessed: boolean;
  metric: string;
  by: string;
  as_of: string | null;
  buyers: number;
  non_buyers: number;
  revenue: number;
  /** high / mid as metric values (null: the tier is empty by construction). */
  thresholds: { high_given: number; mid_given: number; high: number | null; mid: number | null };
  tiers: Tier[];
  /** Only with users: true; highest value first. */
  users?: TierUser[];
}


export interface BgNbdFit {
  r: number; alpha: number; a: number; b: number; log_likelihood: number;
  /** null when the Hessian is not positive definite. */
  std_errors: { r: number; alpha: number; a: number; b: number } | null;
  converged: boolean; iterations: number; starts: number; starts_agree: boolean;
}
export interface GammaGammaFit {
  p: number; q: number; v: number; log_likelihood: number;
  std_errors: { p: number; q: number; v: number } | null;
  converged: boolean; iterations: number;
  /** Customers fitted (with a positive repeat spend). */
  customers: number;
  /** pv/(q−1); null when q ≤ 1. */
  mean_spend: number | null;
}
export interface HoldoutRow {
  /** Calibration repeat purchases (with and_more: this or more). */
  frequency: number; and_more: boolean; customers: number;
  actual_mean: number; predicted_mean: number;
}
export interface ClvTier {
  name: "high" | "mid" | "low"; customers: number; share: number;
  clv_total: number | null; clv_mean: number | null;
  expected_purchases_mean: number | null; p_alive_mean: number | null; at_risk: number;
}
export interface PAliveBin { from: number; to: number; customers: number; }
export interface FrequencyRecencyMatrix {
  /** The age T (units) every cell assumes: the longest age. */
  age: number; recency_width: number;
  frequencies: number[]; recency_from: number[];
  /** [row][column]: expected purchases over the horizon. */
  expected: number[][];
  /** [row][column]: actual customers. */
  customers: number[][];
  customers_above: number;
}
export interface ClvCustomer {
  user: string;
  /** Repeat purchase days x. */
  frequency: number;
  /** t_x, in units. */
  recency: number;
  /** Age, in units. */
  T: number;
  expected_purchases: number; p_alive: number;
  spend: number | null; expected_spend: number | null; clv: number | null;
  holdout_purchases: number;
  tier: "high" | "mid" | "low"; churn_risk: number; at_risk: boolean;
}

/** One reason for caution in a CLV result: a code and the numbers its sentence quotes. */
export type ClvWarning =
  | { code: "few_repeat_buyers"; repeat_buyers: number; customers: number; calibration_end: string; minimum: number }
  | { code: "bgnbd_not_converged"; iterations: number }
  | { code: "bgnbd_starts_disagree" }
  | { code: "bgnbd_no_std_errors" }
  | { code: "spend_frequency_correlated"; r: number }
  | { code: "gamma_gamma_infinite_mean"; q: number }
  | { code: "gamma_gamma_not_converged" }
  | { code: "negative_revenue_days"; days: number }
  | { code: "tiers_by_expected_purchases" };

/** A predictive CLV result. */
export interface ClvReport {
  analysis: "clv";
  purchase_event: string; purchase_event_guessed: boolean;
  unit: "day" | "week"; calibration_end: string; data_end: string;
  horizon: number; discount_rate: number;
  customers_fitted: number; repeat_buyers: number; customers_after_calibration: number;
  bgnbd: BgNbdFit;
  gamma_gamma: GammaGammaFit | null; gamma_gamma_note: string | null;
  spend_frequency_correlation: number | null;
  zero_value_purchases_excluded: number;
  holdout_length: number | null; holdout: HoldoutRow[] | null;
  warnings: string[];
  /** The same warnings, in order, as data (a page in another language writes its own sentences). */
  warning_details: ClvWarning[];
  tier_metric: "clv" | "expected_purchases";
  high_share: number; mid_share: number; at_risk_below: number;
  tiers: ClvTier[]; at_risk: number;
  p_alive_histogram: PAliveBin[];
  matrix: FrequencyRecencyMatrix;
  /** The charts do not read it: a result without it draws the same. */
  customers: ClvCustomer[];
}

/** Any analysis result. */
export type Report = FunnelReport | RetentionReport | RepurchaseReport | LifecycleReport | RfmReport | TiersReport | ClvReport | SegmentReport | PathsReport | FunnelDriversReport | BasketReport;

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

/** A hover target of a cohort chart and its tooltip text. */
export interface ChartHit {
  /** The cohort (index in `cohorts`) of a heatmap cell or a cohort's curve; null for the average curve and bars. */
  cohort: number | null;
  /** The period k of a cell or point; for bars the index in `periods`, `gap_histogram` or `by_first_month`. */
  at: number;
  /** Where the pointer must be (bars: the whole column; points: a square around the point). */
  rect: PixelRect;
  /** Plain text to show (render it as text, never as HTML). */
  tip: string;
}

/** Where a cohort chart drew, in CSS pixels, with one hover target per cell, bar or point. */
export interface CohortLayout {

/** One bar or heatmap cell of a CLV chart. */
export interface ClvMark {
  /** Row of the list the chart reads (holdout, p_alive_histogram, tiers, matrix row). */
  index: number;
  /** Holdout: 0 actual, 1 expected; matrix: the column; else 0. */
  series: number;
  value: number | null;
  customers: number;
  rect: PixelRect;
}

/** Where a CLV chart drew, in CSS pixels. */
export interface ClvLayout {
  area: PixelRect;
  plot: PixelRect;
  marks: ClvMark[];
  empty: boolean;
}
"#;

/// Paths, funnel drivers and the market basket (`docs/analyses-extra.md`).
#[wasm_bindgen(typescript_custom_section)]
const TS_PATHS_TYPES: &'static str = r#"
/** Paths from or to an anchor event (exactly one of event, from_funnel). */
export interface PathsSpec {
  analysis: "paths";
  event?: string | FunnelStepSpec | null;
  from_funnel?: (Omit<FunnelSpec, "analysis"> & { dropped_after_step: number }) | null;
  direction?: "after" | "before";
  /** 1–10, default 5. */
  steps?: number;
  collapse_repeats?: boolean;
  top?: number;
  /** Events below this share of all rows become one group (`other_label`); default 0.01. */
  min_share?: number;
}
export interface PathsReport {
  analysis: "paths";
  anchor: string; direction: "after" | "before"; steps: number; collapse_repeats: boolean;
  users: number;
  /** The label of the rare-event group in paths, nodes and links: "(other)", or a variant no event has. */
  other_label: string;
  other_events: string[]; distinct_paths: number;
  /** Events nearest the anchor first. */
  paths: { events: string[]; users: number }[];
  other_paths_users: number;
  nodes: { depth: number; event: string; users: number }[];
  links: { depth: number; from: string; to: string; users: number }[];
}

/** Which features are over- or under-represented among a funnel's converters. */
export interface FunnelDriversSpec {
  analysis: "funnel_drivers";
  funnel: Omit<FunnelSpec, "analysis">;
  /** Default 30. */
  min_group?: number;
  /** Default 50. */
  top?: number;
}
export interface FunnelDriver {
  feature: string; kind: "event" | "property";
  event: string | null; property: string | null; value: string | null;
  converters_with: number; converters_without: number; dropped_with: number; dropped_without: number;
  with_rate: number; without_rate: number; support: number;
  odds_ratio: number; ci_low: number; ci_high: number; p_value: number;
  test: "fisher" | "chi_square"; sentence: string;
}
export interface FunnelDriversReport {
  analysis: "funnel_drivers";
  steps: string[]; entered: number; converted: number; dropped: number; min_group: number;
  drivers: FunnelDriver[]; not_listed: number; hidden_small_groups: number;
}

/** Frequent item sets and association rules. */
export interface BasketSpec {
  analysis: "basket";
  purchase_event?: string | FunnelStepSpec | null;
  item?: string | null; order?: string | null;
  min_support?: number; min_confidence?: number; max_len?: number;
  for_item?: string | null; top?: number;
}
export interface BasketRule {
  antecedent: string[]; consequent: string[]; baskets: number;
  support: number; confidence: number; lift: number;
}
export interface BasketReport {
  analysis: "basket";
  item_column: string; basket_by: string; baskets: number; items: number; rows: number;
  rows_without_item: number; rows_without_order: number; min_baskets: number;
  itemsets: { items: string[]; baskets: number; support: number }[]; itemsets_total: number;
  rules: BasketRule[]; rules_total: number;
  for_item: string | null; also_bought: BasketRule[] | null;
}
"#;
