//! Timestamp parsing. PLACEHOLDER for the full parser: only `parse_bound` for now.

use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

/// Parses a spec's time bound (`from`/`to`): an ISO 8601 date or date-time, with or
/// without offset (without: read in `tz`). A plain date as an `end` bound means the
/// end of that day (its last millisecond); as a start bound, its first.
pub fn parse_bound(text: &str, tz: Tz, end: bool) -> Result<i64, String> {
    let t = text.trim();
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(t) {
        return Ok(dt.timestamp_millis());
    }
    let local = if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        let day = d.and_hms_opt(0, 0, 0).ok_or("bad date")?;
        if end {
            day + chrono::Duration::days(1) - chrono::Duration::milliseconds(1)
        } else {
            day
        }
    } else {
        NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S")
            .or_else(|_| NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S"))
            .map_err(|_| format!("\"{text}\" is not a date or time (write e.g. 2024-03-01 or 2024-03-01T09:00:00Z)"))?
    };
    tz.from_local_datetime(&local)
        .earliest()
        .map(|d| d.timestamp_millis())
        .ok_or_else(|| format!("\"{text}\" does not exist in time zone {}", tz.name()))
}
