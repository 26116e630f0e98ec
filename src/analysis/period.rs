//! Calendar periods (day, ISO week, month) cut in the table's time zone.
//!
//! A period is numbered by an `i64` index that grows by one per period, so that
//! "period `c + k`" is plain addition:
//! - day: days since 1970-01-01 of the *local* date;
//! - week: ISO weeks (Monday start) since the week of Monday 1969-12-29;
//! - month: `year · 12 + month − 1`.
//!
//! An instant's period comes from its local calendar date in the zone ([`Zone`]),
//! so a local day of 23 or 25 hours around a daylight-saving shift is still one
//! day. A period's start instant is the first instant of its first local date: the
//! local midnight, its earlier reading when midnight occurs twice, or the end of
//! the gap when a shift skips midnight.
//!
//! Interpretation: in the rare zones whose clocks fall back across midnight, the
//! local date of later instants can briefly go backwards; each instant still
//! belongs to the period of its own local date.

use chrono::{Datelike, NaiveDate, NaiveDateTime};

use crate::ingest::timestamp::days_from_civil;
use crate::spec::PeriodUnit;
use crate::zone::Zone;

/// Milliseconds in a day of exactly 86,400 s.
pub const DAY_MS: i64 = 86_400_000;

/// Days from 1970-01-01 (a Thursday) back to the Monday that starts week 0.
const WEEK_SHIFT: i64 = 3;

/// Periods of one unit in one time zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    tz: Zone,
    unit: PeriodUnit,
    /// The instants (epoch ms) chrono can represent: inside them a local time
    /// needs no further range check.
    first_ms: i64,
    last_ms: i64,
}

impl Calendar {
    /// Periods of `unit` in `tz`.
    pub fn new(tz: Zone, unit: PeriodUnit) -> Self {
        Self {
            tz,
            unit,
            first_ms: chrono::DateTime::<chrono::Utc>::MIN_UTC.timestamp_millis(),
            last_ms: chrono::DateTime::<chrono::Utc>::MAX_UTC.timestamp_millis(),
        }
    }

    /// The unit.
    pub fn unit(&self) -> PeriodUnit {
        self.unit
    }

    /// The local calendar date of an instant (epoch ms).
    pub fn local_date(&self, ms: i64) -> NaiveDate {
        // Out of chrono's range, also after the zone's offset (never for parsed
        // times): the epoch's date. (`with_timezone(..).date_naive()` panics there.)
        ms.checked_add(self.tz.offset_ms_at(ms))
            .and_then(chrono::DateTime::from_timestamp_millis)
            .map_or_else(NaiveDate::default, |local| local.date_naive())
    }

    /// The index of the period holding an instant (epoch ms).
    ///
    /// Called once per event by the cohort analyses, so it works on day numbers:
    /// the zone's offset at the instant (none for UTC), the local day number, and
    /// the period from it, without building a calendar date and converting back
    /// (that round trip was most of a retention run). Equal to
    /// `index_of_date(local_date(ms))`, which a property test checks.
    #[inline]
    pub fn index(&self, ms: i64) -> i64 {
        let offset_ms = if self.tz.is_utc() {
            0
        } else {
            self.tz.offset_ms_at(ms)
        };
        let Some(local) = ms.checked_add(offset_ms) else {
            return self.index_of_date(self.local_date(ms));
        };
        // A comparison, not `from_timestamp_millis(local).is_none()`: building the
        // date only to check its range was most of a UTC retention run.
        if local < self.first_ms || local > self.last_ms {
            return self.index_of_date(self.local_date(ms));
        }
        let days = local.div_euclid(DAY_MS);
        match self.unit {
            PeriodUnit::Day => days,
            PeriodUnit::Week => (days + WEEK_SHIFT).div_euclid(7),
            PeriodUnit::Month => {
                let (year, month) = year_month_of_days(days);
                year * 12 + month - 1
            }
        }
    }

    /// The index of the period holding a local date.
    pub fn index_of_date(&self, date: NaiveDate) -> i64 {
        let days = days_from_civil(date.year(), date.month(), date.day());
        match self.unit {
            PeriodUnit::Day => days,
            PeriodUnit::Week => (days + WEEK_SHIFT).div_euclid(7),
            PeriodUnit::Month => date.year() as i64 * 12 + date.month0() as i64,
        }
    }

    /// The first local date of a period (`None` only far outside chrono's range).
    pub fn start_date(&self, index: i64) -> Option<NaiveDate> {
        let from_days = |days: i64| {
            let ce = days.checked_add(719_163)?;
            NaiveDate::from_num_days_from_ce_opt(i32::try_from(ce).ok()?)
        };
        match self.unit {
            PeriodUnit::Day => from_days(index),
            PeriodUnit::Week => from_days(index.checked_mul(7)? - WEEK_SHIFT),
            PeriodUnit::Month => {
                let year = i32::try_from(index.div_euclid(12)).ok()?;
                NaiveDate::from_ymd_opt(year, index.rem_euclid(12) as u32 + 1, 1)
            }
        }
    }

    /// The first local date of a period as ISO text (`2024-03-04`).
    pub fn start_iso(&self, index: i64) -> String {
        self.start_date(index)
            .map_or_else(|| format!("period {index}"), |d| d.to_string())
    }

    /// The first instant (epoch ms) of a period; see the module doc for midnights
    /// that occur twice or never.
    pub fn start_ms(&self, index: i64) -> i64 {
        match self.start_date(index) {
            Some(date) => first_instant_of(&self.tz, date),
            None if index < 0 => i64::MIN,
            None => i64::MAX,
        }
    }

    /// The end of a period (exclusive, epoch ms): the start of the next one.
    pub fn end_ms(&self, index: i64) -> i64 {
        self.start_ms(index.saturating_add(1))
    }
}

impl Calendar {
    /// A [`Cursor`]: the same periods as [`Calendar::index`], remembered for the
    /// instants that follow.
    pub fn cursor(&self) -> Cursor<'_> {
        Cursor {
            cal: self,
            lo: 0,
            hi: 0,
            index: 0,
        }
    }

    /// True when the period index never decreases from instant to later instant
    /// between `first` and `last` (inclusive): in UTC, inside chrono's range. (A
    /// zone's clock may fall back across midnight, and out of that range the index
    /// is the epoch's.)
    pub fn ascends_over(&self, first: i64, last: i64) -> bool {
        self.tz.is_utc() && self.first_ms <= first && last <= self.last_ms
    }

    /// The local times (ms on the local clock, from 1970-01-01T00:00) of period
    /// `index`, `[start, end)`, when they lie inside the range where
    /// [`Calendar::index`] reads the period from the local day number alone.
    fn local_span(&self, index: i64) -> Option<(i64, i64)> {
        let (first_day, end_day) = match self.unit {
            PeriodUnit::Day => (index, index.checked_add(1)?),
            PeriodUnit::Week => {
                let first = index.checked_mul(7)?.checked_sub(WEEK_SHIFT)?;
                (first, first.checked_add(7)?)
            }
            PeriodUnit::Month => {
                let day_one = |i: i64| -> Option<i64> {
                    let year = i32::try_from(i.div_euclid(12)).ok()?;
                    Some(days_from_civil(year, i.rem_euclid(12) as u32 + 1, 1))
                };
                (day_one(index)?, day_one(index.checked_add(1)?)?)
            }
        };
        let start = first_day.checked_mul(DAY_MS)?;
        let end = end_day.checked_mul(DAY_MS)?;
        (self.first_ms <= start && end - 1 <= self.last_ms).then_some((start, end))
    }
}

/// The period of instant after instant, as [`Calendar::index`] gives it, with the
/// last period's local span remembered: an instant whose local time falls in it
/// is answered by two comparisons (UTC) or the zone's offset and two comparisons,
/// with no division. A user's rows come in time order, so most instants fall in
/// the period of the one before. Any order of instants is answered exactly (a
/// property test checks it against `Calendar::index`, in zones with daylight
/// saving too): inside a period's local span the period is a function of the
/// local time alone, whatever the zone does to the instants around it.
#[derive(Debug, Clone)]
pub struct Cursor<'c> {
    cal: &'c Calendar,
    /// The local span `[lo, hi)` (ms) of period `index`; empty at first.
    lo: i64,
    hi: i64,
    index: i64,
}

impl Cursor<'_> {
    /// The index of the period holding an instant (epoch ms): `Calendar::index`.
    #[inline]
    pub fn index(&mut self, ms: i64) -> i64 {
        let local = if self.cal.tz.is_utc() {
            Some(ms)
        } else {
            ms.checked_add(self.cal.tz.offset_ms_at(ms))
        };
        match local {
            Some(l) if self.lo <= l && l < self.hi => self.index,
            _ => self.step(ms, local),
        }
    }

    /// An instant outside the remembered span: its period, whose span is
    /// remembered when it is inside the range of day numbers.
    #[cold]
    #[inline(never)]
    fn step(&mut self, ms: i64, local: Option<i64>) -> i64 {
        let index = self.cal.index(ms);
        match (local, self.cal.local_span(index)) {
            (Some(l), Some((lo, hi))) if lo <= l && l < hi => {
                (self.lo, self.hi, self.index) = (lo, hi, index);
            }
            _ => (self.lo, self.hi) = (0, 0),
        }
        index
    }
}

/// The first instant whose local date in `tz` is `date` or later.
fn first_instant_of(tz: &Zone, date: NaiveDate) -> i64 {
    const MINUTE: i64 = 60_000;
    let midnight = NaiveDateTime::from(date).and_utc().timestamp_millis();
    // A shift that skips midnight leaves a gap; step through it (a gap is at most
    // a day, e.g. Pacific/Apia on 2011-12-30), quarter of an hour at a time
    // (every zone's offsets are multiples of 15 minutes).
    for quarter in 0..=4 * 48 {
        let local = midnight + 15 * MINUTE * quarter;
        if let Some(t) = tz.earliest_utc(local) {
            if quarter == 0 {
                return t;
            }
            // The gap ended somewhere in the last quarter hour: search it by minute.
            let before = local - 15 * MINUTE;
            for minute in 1..=15 {
                if let Some(t) = tz.earliest_utc(before + minute * MINUTE) {
                    return t;
                }
            }
            return t;
        }
    }
    // Unreachable for real zones: fall back to UTC midnight.
    midnight
}

/// The year and month (1–12) of a day number since 1970-01-01 (proleptic
/// Gregorian; Howard Hinnant's `civil_from_days`).
fn year_month_of_days(days: i64) -> (i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        /// The day-number fast path equals the calendar-date path, in UTC and in
        /// zones with daylight saving, half-hour offsets and a date-line jump.
        #[test]
        fn index_equals_the_index_of_the_local_date(
            ms in -4_000_000_000_000i64..7_000_000_000_000,
            zone in proptest::sample::select(vec!["UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Apia", "America/St_Johns"]),
            unit in proptest::sample::select(vec![PeriodUnit::Day, PeriodUnit::Week, PeriodUnit::Month]),
        ) {
            let tz = Zone::named(zone).expect("zone");
            let cal = Calendar::new(tz, unit);
            proptest::prop_assert_eq!(cal.index(ms), cal.index_of_date(cal.local_date(ms)));
        }

        /// Local dates and the first instants of days agree with chrono-tz, an
        /// independent copy of the IANA database (its release 2025b, ours 2026f:
        /// instants from 1906 to 2024, which both releases describe alike).
        #[test]
        fn local_dates_and_day_starts_agree_with_chrono_tz(
            ms in -2_000_000_000_000i64..1_735_689_600_000,
            zone in proptest::sample::select(vec!["America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Apia", "America/St_Johns", "America/Sao_Paulo", "Asia/Tehran", "America/Havana"]),
        ) {
            use chrono::{Offset, TimeZone};
            let theirs: chrono_tz::Tz = zone.parse().expect("chrono-tz zone");
            let cal = Calendar::new(Zone::named(zone).expect("zone"), PeriodUnit::Day);
            let utc = chrono::DateTime::from_timestamp_millis(ms).expect("in range").naive_utc();
            let want = (utc + theirs.offset_from_utc_datetime(&utc).fix()).date();
            let date = cal.local_date(ms);
            proptest::prop_assert_eq!(date, want, "{} at {}", zone, ms);
            // The day's first instant: chrono-tz's earliest reading of the first
            // local minute of the day that exists.
            let day = cal.index_of_date(date);
            let midnight = chrono::NaiveDateTime::from(date);
            let first = (0..=48 * 60)
                .find_map(|m| theirs.from_local_datetime(&(midnight + chrono::Duration::minutes(m))).earliest())
                .expect("a minute of the day exists")
                .timestamp_millis();
            proptest::prop_assert_eq!(cal.start_ms(day), first, "{} on {}", zone, date);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(600))]
        /// A cursor answers as `Calendar::index`, instant after instant: runs of
        /// ascending instants (a user's rows) around daylight-saving shifts,
        /// midnights that occur twice or never, and jumps back and forth.
        #[test]
        fn a_cursor_answers_as_the_calendar(
            zone in proptest::sample::select(vec!["UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Pacific/Apia", "America/Sao_Paulo", "America/Havana", "Asia/Tehran", "America/St_Johns"]),
            unit in proptest::sample::select(vec![PeriodUnit::Day, PeriodUnit::Week, PeriodUnit::Month]),
            runs in proptest::collection::vec(
                (-2_500_000_000_000i64..4_200_000_000_000, proptest::collection::vec(0i64..40 * 3_600_000, 0..30)),
                1..6,
            ),
        ) {
            let cal = Calendar::new(Zone::named(zone).expect("zone"), unit);
            let mut cursor = cal.cursor();
            for (start, steps) in runs {
                let mut ms = start;
                proptest::prop_assert_eq!(cursor.index(ms), cal.index(ms), "{} {:?} {}", zone, unit, ms);
                for step in steps {
                    ms += step;
                    proptest::prop_assert_eq!(cursor.index(ms), cal.index(ms), "{} {:?} {}", zone, unit, ms);
                }
            }
        }
    }

    /// Near the ends of chrono's range and of `i64` the cursor still answers as
    /// the calendar (its span is never remembered there).
    #[test]
    fn a_cursor_answers_as_the_calendar_at_the_ends_of_the_range() {
        let ends = [
            i64::MIN,
            i64::MAX,
            chrono::DateTime::<chrono::Utc>::MIN_UTC.timestamp_millis(),
            chrono::DateTime::<chrono::Utc>::MAX_UTC.timestamp_millis(),
        ];
        for zone in ["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago"] {
            for unit in [PeriodUnit::Day, PeriodUnit::Week, PeriodUnit::Month] {
                let cal = Calendar::new(Zone::named(zone).unwrap(), unit);
                let mut cursor = cal.cursor();
                for end in ends {
                    for step in -3..=3i64 {
                        for delta in [step * DAY_MS / 2, step] {
                            let ms = end.saturating_add(delta);
                            assert_eq!(cursor.index(ms), cal.index(ms), "{zone} {unit:?} {ms}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn index_equals_the_index_of_the_local_date_at_the_ends_of_chronos_range() {
        let ends = [
            chrono::DateTime::<chrono::Utc>::MIN_UTC.timestamp_millis(),
            chrono::DateTime::<chrono::Utc>::MAX_UTC.timestamp_millis(),
        ];
        for zone in ["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago"] {
            let tz = Zone::named(zone).unwrap();
            for unit in [PeriodUnit::Day, PeriodUnit::Week, PeriodUnit::Month] {
                let cal = Calendar::new(tz.clone(), unit);
                for end in ends {
                    for step in -3..=3i64 {
                        for delta in [step * DAY_MS / 2, step] {
                            let ms = end.saturating_add(delta);
                            assert_eq!(
                                cal.index(ms),
                                cal.index_of_date(cal.local_date(ms)),
                                "{zone} {unit:?} {ms}"
                            );
                        }
                    }
                }
            }
        }
    }

    fn ms(text: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(text)
            .unwrap()
            .timestamp_millis()
    }

    #[test]
    fn week_zero_starts_monday_1969_12_29() {
        let cal = Calendar::new(Zone::utc(), PeriodUnit::Week);
        assert_eq!(cal.index(0), 0);
        assert_eq!(cal.start_iso(0), "1969-12-29");
        assert_eq!(cal.index(ms("1969-12-28T23:59:59Z")), -1);
        assert_eq!(cal.start_iso(-1), "1969-12-22");
    }

    #[test]
    fn gap_at_midnight_starts_when_the_gap_ends() {
        // America/Sao_Paulo skipped 2018-11-04 00:00–01:00 (UTC−3 → UTC−2).
        let cal = Calendar::new(Zone::named("America/Sao_Paulo").unwrap(), PeriodUnit::Day);
        let day = cal.index_of_date(NaiveDate::from_ymd_opt(2018, 11, 4).unwrap());
        assert_eq!(cal.start_ms(day), ms("2018-11-04T01:00:00-02:00"));
        assert_eq!(cal.end_ms(day - 1), cal.start_ms(day));
        // Pacific/Apia skipped the whole of 2011-12-30.
        let cal = Calendar::new(Zone::named("Pacific/Apia").unwrap(), PeriodUnit::Day);
        let day = cal.index_of_date(NaiveDate::from_ymd_opt(2011, 12, 30).unwrap());
        assert_eq!(cal.start_ms(day), ms("2011-12-31T00:00:00+14:00"));
    }
}
