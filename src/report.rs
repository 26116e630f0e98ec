//! The results: the output side of the JSON contract (`../shared/ANALYSES.md`).
//!
//! Every type here serializes to exactly the field names of the contract; fields
//! beyond it are additions, never renames.

use serde::Serialize;

use crate::table::EventTable;

/// What was loaded: the object of `tidemark inspect` and `engine.summary()`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Summary {
    /// The input's name.
    pub file: String,
    /// Data rows read: always `rows` plus every skipped count.
    pub rows_read: u64,
    /// Rows loaded as events.
    pub rows: u64,
    /// Distinct users.
    pub users: u64,
    /// Text encoding used.
    pub encoding: String,
    /// Why that encoding.
    pub encoding_reason: String,
    /// Field delimiter, as a one-character string (`"\t"` for tab).
    pub delimiter: String,
    /// Day/month order used for ambiguous dates (`dmy` or `mdy`).
    pub date_order: String,
    /// Why that order.
    pub date_order_reason: String,
    /// The timestamp format recognised in the time column.
    pub time_format: String,
    /// Zone used for timestamps without an offset and for calendar periods.
    pub time_zone: String,
    /// True when the file has no event column (every row is a `purchase`).
    pub order_file: bool,
    /// Every column with its type, role and the reason for the role.
    pub columns: Vec<ColumnSummary>,
    /// Event names with their counts, most frequent first.
    pub events: Vec<EventCount>,
    /// Skipped rows by reason, with the first line numbers.
    pub skipped: Vec<SkippedRows>,
    /// First event time (ISO 8601, UTC), `null` when empty.
    pub first_time: Option<String>,
    /// Last event time (ISO 8601, UTC), `null` when empty.
    pub last_time: Option<String>,
}

/// One column in the summary.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ColumnSummary {
    /// Header name.
    pub name: String,
    /// Detected type: integer, number, time, boolean, text, empty.
    #[serde(rename = "type")]
    pub kind: String,
    /// Role: user, time, event, revenue, order, item, property.
    pub role: String,
    /// Why the role was chosen.
    pub reason: String,
}

/// An event name and how many rows have it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EventCount {
    /// The event name.
    pub name: String,
    /// Rows with it.
    pub count: u64,
}

/// Rows skipped for one reason.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SkippedRows {
    /// The reason.
    pub reason: String,
    /// How many rows.
    pub count: u64,
    /// The first physical line numbers.
    pub lines: Vec<u64>,
}

/// Formats epoch milliseconds as ISO 8601 UTC (`2024-03-01T09:30:00Z`, with
/// milliseconds only when they are not zero).
pub fn iso_utc(ms: i64) -> String {
    match chrono::DateTime::from_timestamp_millis(ms) {
        Some(t) if ms % 1000 == 0 => t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        Some(t) => t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        None => ms.to_string(),
    }
}

impl Summary {
    /// The summary of a loaded table.
    pub fn of(table: &EventTable) -> Summary {
        let meta = table.meta();
        let counts = table.event_counts();
        let mut events: Vec<EventCount> = table
            .event_names()
            .iter()
            .zip(&counts)
            .map(|(name, &count)| EventCount {
                name: name.to_string(),
                count,
            })
            .collect();
        events.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
        let range = table.time_range();
        Summary {
            file: meta.file.clone(),
            rows_read: meta.rows_read,
            rows: table.len() as u64,
            users: table.user_count() as u64,
            encoding: meta.encoding.clone(),
            encoding_reason: meta.encoding_reason.clone(),
            delimiter: (meta.delimiter as char).to_string(),
            date_order: meta.date_order.name().to_string(),
            date_order_reason: meta.date_order_reason.clone(),
            time_format: meta.time_format.clone(),
            time_zone: meta.time_zone.name().to_string(),
            order_file: meta.order_file,
            columns: meta
                .columns
                .iter()
                .map(|c| ColumnSummary {
                    name: c.name.clone(),
                    kind: c.kind.name().to_string(),
                    role: c.role.name().to_string(),
                    reason: c.reason.clone(),
                })
                .collect(),
            events,
            skipped: meta
                .skipped
                .iter()
                .map(|s| SkippedRows {
                    reason: s.reason.clone(),
                    count: s.count,
                    lines: s.lines.clone(),
                })
                .collect(),
            first_time: range.map(|(a, _)| iso_utc(a)),
            last_time: range.map(|(_, b)| iso_utc(b)),
        }
    }
}

/// Any analysis result.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "analysis", rename_all = "lowercase")]
pub enum Report {
    /// A funnel's result.
    Funnel(FunnelReport),
}

/// The result of a funnel.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FunnelReport {
    /// ordered, strict or unordered.
    pub mode: String,
    /// The window in seconds.
    pub window_seconds: f64,
    /// Every step, for all users.
    pub steps: Vec<FunnelStep>,
    /// Per breakdown value, when a breakdown was asked for (`null` otherwise).
    pub breakdown: Option<Vec<FunnelBucket>>,
}

/// One step of a funnel.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FunnelStep {
    /// The step's event name.
    pub event: String,
    /// A readable label: the event name with its filters (`purchase (channel = ads)`).
    pub label: String,
    /// Users who reached this step (level >= k).
    pub users: u64,
    /// users / users of the previous step; `null` for step 1 or a zero base.
    pub conversion_from_previous: Option<f64>,
    /// users / users of step 1; `null` when step 1 has none.
    pub conversion_from_first: Option<f64>,
    /// Users lost since the previous step (previous users − users; 0 for step 1).
    pub dropoff: u64,
    /// Median seconds from the previous step over users who reached this one.
    pub median_seconds_from_previous: Option<f64>,
    /// Mean seconds from the previous step over users who reached this one.
    pub mean_seconds_from_previous: Option<f64>,
}

/// The funnel of one breakdown value.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FunnelBucket {
    /// The property's raw text on the chain's first event; `null` when missing
    /// (and for the merged "other" bucket).
    pub value: Option<String>,
    /// True for the bucket that merges every value past `breakdown_limit`.
    pub other: bool,
    /// The steps, as for all users.
    pub steps: Vec<FunnelStep>,
}

/// One CSV cell as exports write it: quoted when needed, and a leading `=`, `+`, `-`
/// or `@` neutralised with `'` so a spreadsheet never runs it as a formula.
pub fn csv_cell(text: &str) -> String {
    let guarded = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_formulas_neutralised() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("-2"), "'-2");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn iso_times() {
        assert_eq!(iso_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_utc(1_500), "1970-01-01T00:00:01.500Z");
        assert_eq!(iso_utc(-86_400_000), "1969-12-31T00:00:00Z");
    }
}
