//! The results of the sequence and basket analyses: paths ([`PathsReport`]),
//! funnel drivers ([`FunnelDriversReport`]) and the market basket
//! ([`BasketReport`]). The rules behind every number are in `analysis::paths`,
//! `analysis::funnel_drivers` and `analysis::basket`.

use serde::{Deserialize, Serialize};

/// The result of a paths analysis.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PathsReport {
    /// The anchor's label: the event (with filters), or the funnel step.
    pub anchor: String,
    /// `after` or `before`.
    pub direction: String,
    /// The most events per path.
    pub steps: usize,
    /// True when consecutive repeats were merged.
    pub collapse_repeats: bool,
    /// Users with an anchor (each has exactly one path, maybe empty).
    pub users: u64,
    /// The label of the rare-event group in `paths`, `nodes` and `links`:
    /// `(other)`, or a variant no event of the table is named (`docs/analyses-extra.md`).
    pub other_label: String,
    /// The event names grouped as `other_label` (below `min_share` of all events), sorted.
    pub other_events: Vec<String>,
    /// Distinct paths.
    pub distinct_paths: u64,
    /// The top paths, most users first (ties by their events).
    pub paths: Vec<PathRow>,
    /// Users whose path is not among the listed ones.
    pub other_paths_users: u64,
    /// Per depth (0 = the anchor), users per event: the Sankey's boxes.
    pub nodes: Vec<PathNode>,
    /// Per depth `d >= 1`, users going from an event at `d - 1` to one at `d`.
    pub links: Vec<PathLink>,
}

/// One path and how many users followed it exactly.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PathRow {
    /// The events, nearest to the anchor first (empty: nothing after/before it).
    pub events: Vec<String>,
    /// Users.
    pub users: u64,
}

/// Users at one depth with one event.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PathNode {
    /// 0 for the anchor, then 1..=steps.
    pub depth: usize,
    /// The event (or "other").
    pub event: String,
    /// Users.
    pub users: u64,
}

/// Users whose path goes from `from` at `depth - 1` to `to` at `depth`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PathLink {
    /// The depth of `to` (at least 1).
    pub depth: usize,
    /// The event at `depth - 1`.
    pub from: String,
    /// The event at `depth`.
    pub to: String,
    /// Users.
    pub users: u64,
}

/// The result of a funnel drivers analysis.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FunnelDriversReport {
    /// The funnel's step labels.
    pub steps: Vec<String>,
    /// Users who entered step 1.
    pub entered: u64,
    /// Of them, users who reached the last step.
    pub converted: u64,
    /// The others.
    pub dropped: u64,
    /// The smallest with- and without-group shown.
    pub min_group: u64,
    /// The listed drivers, by impact.
    pub drivers: Vec<FunnelDriver>,
    /// Features that passed `min_group` but were beyond `top`.
    pub not_listed: u64,
    /// Features hidden because a group was smaller than `min_group`.
    pub hidden_small_groups: u64,
}

/// One feature compared between converters and drop-offs.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FunnelDriver {
    /// Readable: `review` or `channel = ads`.
    pub feature: String,
    /// `event` or `property`.
    pub kind: String,
    /// The event name (`kind` = event).
    pub event: Option<String>,
    /// The property column (`kind` = property).
    pub property: Option<String>,
    /// The property value (`kind` = property).
    pub value: Option<String>,
    /// Converters with the feature (cell a).
    pub converters_with: u64,
    /// Converters without it (cell b).
    pub converters_without: u64,
    /// Drop-offs with it (cell c).
    pub dropped_with: u64,
    /// Drop-offs without it (cell d).
    pub dropped_without: u64,
    /// Conversion of the users with the feature: a / (a + c).
    pub with_rate: f64,
    /// Conversion of the users without it: b / (b + d).
    pub without_rate: f64,
    /// Share of the entrants with the feature: (a + c) / n.
    pub support: f64,
    /// Odds ratio a·d / (b·c), with 0.5 added to every cell when one is 0.
    pub odds_ratio: f64,
    /// Low end of the Woolf 95% interval.
    pub ci_low: f64,
    /// High end of the Woolf 95% interval.
    pub ci_high: f64,
    /// Two-sided p-value (see `test`).
    pub p_value: f64,
    /// `fisher` (an expected cell below 5) or `chi_square` (Pearson, 1 df).
    pub test: String,
    /// Plain-language sentence (association, not cause).
    pub sentence: String,
}

/// The result of a market basket analysis.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BasketReport {
    /// The item column.
    pub item_column: String,
    /// How baskets were formed: the order column's name, or `user_day`.
    pub basket_by: String,
    /// Baskets (with at least one item).
    pub baskets: u64,
    /// Distinct items.
    pub items: u64,
    /// Purchase rows read into baskets.
    pub rows: u64,
    /// Purchase rows left out because their item cell is empty.
    pub rows_without_item: u64,
    /// Purchase rows left out because their order cell is empty.
    pub rows_without_order: u64,
    /// The smallest basket count of a frequent item set: `ceil(min_support × baskets)`.
    pub min_baskets: u64,
    /// Frequent item sets of 2 or more items, by support (the top `top`).
    pub itemsets: Vec<ItemSet>,
    /// Frequent item sets of 2 or more items in all.
    pub itemsets_total: u64,
    /// Rules by lift, then confidence (the top `top`).
    pub rules: Vec<Rule>,
    /// Rules passing the thresholds in all.
    pub rules_total: u64,
    /// With `for_item`: the item.
    pub for_item: Option<String>,
    /// With `for_item`: the rules from that item alone to one item, by confidence.
    pub also_bought: Option<Vec<Rule>>,
}

/// A frequent item set.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ItemSet {
    /// The items, sorted.
    pub items: Vec<String>,
    /// Baskets holding all of them.
    pub baskets: u64,
    /// baskets / all baskets.
    pub support: f64,
}

/// An association rule `antecedent → consequent`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Rule {
    /// The items bought (sorted).
    pub antecedent: Vec<String>,
    /// The items also bought (sorted).
    pub consequent: Vec<String>,
    /// Baskets holding both sides.
    pub baskets: u64,
    /// Share of all baskets holding both sides.
    pub support: f64,
    /// baskets(both) / baskets(antecedent).
    pub confidence: f64,
    /// confidence / support(consequent).
    pub lift: f64,
}
