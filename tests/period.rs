//! Calendar periods (ANALYSES.md, "The event table": periods are cut in the chosen
//! zone, weeks start on Monday): indexes, start dates and exclusive ends across
//! daylight-saving shifts, month ends, leap years and ISO week 53.

use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;
use tidemark::analysis::period::Calendar;
use tidemark::spec::PeriodUnit;

const NY: Tz = chrono_tz::America::New_York;
const BERLIN: Tz = chrono_tz::Europe::Berlin;

/// The engine's zone of a chrono-tz zone (the tests' reference reads chrono-tz).
fn zone(tz: Tz) -> tidemark::zone::Zone {
    tidemark::zone::Zone::named(tz.name()).expect("the zone is in both databases")
}

/// Epoch ms of an RFC 3339 time.
fn ms(text: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(text)
        .unwrap()
        .timestamp_millis()
}

/// Epoch ms of a local wall time in `tz` (must exist and be unambiguous).
fn local(tz: Tz, text: &str) -> i64 {
    let naive = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
    tz.from_local_datetime(&naive)
        .single()
        .unwrap()
        .timestamp_millis()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn days_around_dst_are_23_and_25_hours_long() {
    let cal = Calendar::new(zone(NY), PeriodUnit::Day);
    // 2024-03-10: clocks 02:00 → 03:00 (23 h); 2024-11-03: 02:00 → 01:00 (25 h).
    let spring = cal.index(local(NY, "2024-03-10 12:00"));
    assert_eq!(cal.start_iso(spring), "2024-03-10");
    assert_eq!(cal.end_ms(spring) - cal.start_ms(spring), 23 * 3_600_000);
    let fall = cal.index(local(NY, "2024-11-03 12:00"));
    assert_eq!(cal.end_ms(fall) - cal.start_ms(fall), 25 * 3_600_000);
    assert_eq!(cal.start_ms(fall), ms("2024-11-03T00:00:00-04:00"));
    assert_eq!(cal.end_ms(fall), ms("2024-11-04T00:00:00-05:00"));
    // The last instant of the day and the first of the next.
    assert_eq!(cal.index(ms("2024-11-03T23:59:59.999-05:00")), fall);
    assert_eq!(cal.index(ms("2024-11-04T00:00:00-05:00")), fall + 1);
    // Berlin: 2024-03-31 is 23 h, 2024-10-27 is 25 h.
    let cal = Calendar::new(zone(BERLIN), PeriodUnit::Day);
    let d = cal.index_of_date(date(2024, 3, 31));
    assert_eq!(cal.end_ms(d) - cal.start_ms(d), 23 * 3_600_000);
    let d = cal.index_of_date(date(2024, 10, 27));
    assert_eq!(cal.end_ms(d) - cal.start_ms(d), 25 * 3_600_000);
}

#[test]
fn the_same_instant_falls_in_different_periods_by_zone() {
    // 2024-03-31T22:30Z is Sunday 31 March in New York, Monday 1 April in Berlin.
    let t = ms("2024-03-31T22:30:00Z");
    let ny_week = Calendar::new(zone(NY), PeriodUnit::Week);
    let berlin_week = Calendar::new(zone(BERLIN), PeriodUnit::Week);
    assert_eq!(ny_week.start_iso(ny_week.index(t)), "2024-03-25");
    assert_eq!(berlin_week.start_iso(berlin_week.index(t)), "2024-04-01");
    let ny_month = Calendar::new(zone(NY), PeriodUnit::Month);
    let berlin_month = Calendar::new(zone(BERLIN), PeriodUnit::Month);
    assert_eq!(ny_month.start_iso(ny_month.index(t)), "2024-03-01");
    assert_eq!(berlin_month.start_iso(berlin_month.index(t)), "2024-04-01");
    let utc = Calendar::new(zone(Tz::UTC), PeriodUnit::Day);
    assert_eq!(utc.start_iso(utc.index(t)), "2024-03-31");
}

#[test]
fn weeks_start_on_monday_and_week_53_is_one_week() {
    let cal = Calendar::new(zone(Tz::UTC), PeriodUnit::Week);
    // 2020 has an ISO week 53: Monday 2020-12-28 to Sunday 2021-01-03.
    let w53 = cal.index_of_date(date(2020, 12, 28));
    for d in [date(2020, 12, 31), date(2021, 1, 1), date(2021, 1, 3)] {
        assert_eq!(cal.index_of_date(d), w53, "{d}");
    }
    assert_eq!(cal.index_of_date(date(2021, 1, 4)), w53 + 1);
    assert_eq!(cal.index_of_date(date(2020, 12, 27)), w53 - 1);
    assert_eq!(cal.start_iso(w53), "2020-12-28");
    // 2026 too: Monday 2026-12-28 to Sunday 2027-01-03.
    let w = cal.index_of_date(date(2027, 1, 3));
    assert_eq!(cal.start_iso(w), "2026-12-28");
    assert_eq!(cal.start_iso(w + 1), "2027-01-04");
    // Every start is a Monday, and every index matches chrono's ISO week.
    for i in -60..3000 {
        let start = cal.start_date(i).unwrap();
        assert_eq!(start.format("%u").to_string(), "1", "{start}");
        assert_eq!(cal.index_of_date(start), i);
        assert_eq!(cal.index_of_date(start + chrono::Days::new(6)), i);
    }
    // A week across the Berlin spring shift is 167 hours long.
    let cal = Calendar::new(zone(BERLIN), PeriodUnit::Week);
    let w = cal.index_of_date(date(2024, 3, 31));
    assert_eq!(cal.start_iso(w), "2024-03-25");
    assert_eq!(cal.end_ms(w) - cal.start_ms(w), 167 * 3_600_000);
}

#[test]
fn months_end_on_their_last_day_leap_years_included() {
    let cal = Calendar::new(zone(BERLIN), PeriodUnit::Month);
    let feb = cal.index(local(BERLIN, "2024-02-29 23:59"));
    assert_eq!(cal.start_iso(feb), "2024-02-01");
    assert_eq!(cal.index(local(BERLIN, "2024-03-01 00:00")), feb + 1);
    // 29 days in leap February, no DST shift inside.
    assert_eq!(cal.end_ms(feb) - cal.start_ms(feb), 29 * 86_400_000);
    let feb23 = cal.index_of_date(date(2023, 2, 28));
    assert_eq!(cal.end_ms(feb23) - cal.start_ms(feb23), 28 * 86_400_000);
    // March 2024 in Berlin loses an hour; October gains one.
    let mar = feb + 1;
    assert_eq!(
        cal.end_ms(mar) - cal.start_ms(mar),
        31 * 86_400_000 - 3_600_000
    );
    let oct = cal.index_of_date(date(2024, 10, 1));
    assert_eq!(
        cal.end_ms(oct) - cal.start_ms(oct),
        31 * 86_400_000 + 3_600_000
    );
    // December → January crosses the year; 1900 is not a leap year, 2000 is.
    let dec = cal.index_of_date(date(2023, 12, 31));
    assert_eq!(cal.start_iso(dec + 1), "2024-01-01");
    let utc = Calendar::new(zone(Tz::UTC), PeriodUnit::Month);
    let f1900 = utc.index_of_date(date(1900, 2, 1));
    assert_eq!(utc.end_ms(f1900) - utc.start_ms(f1900), 28 * 86_400_000);
    let f2000 = utc.index_of_date(date(2000, 2, 1));
    assert_eq!(utc.end_ms(f2000) - utc.start_ms(f2000), 29 * 86_400_000);
}

#[test]
fn end_is_exclusive_and_equals_the_next_start() {
    for tz in [Tz::UTC, NY, BERLIN, chrono_tz::Asia::Kolkata] {
        for unit in [PeriodUnit::Day, PeriodUnit::Week, PeriodUnit::Month] {
            let cal = Calendar::new(zone(tz), unit);
            let first = cal.index(ms("2020-10-01T00:00:00Z"));
            for p in first..first + 200 {
                let (start, end) = (cal.start_ms(p), cal.end_ms(p));
                assert_eq!(end, cal.start_ms(p + 1));
                assert_eq!(cal.index(start), p, "{tz} {unit:?} {p}");
                assert_eq!(cal.index(end - 1), p, "{tz} {unit:?} {p}");
                assert_eq!(cal.index(end), p + 1);
            }
        }
    }
}
