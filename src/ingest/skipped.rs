//! Skipped rows, counted by reason with the first line numbers: nothing vanishes.

use crate::table::{SkipTally, WireError, WireReader, WireWriter};

/// Why a row was not loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// The user cell is empty.
    MissingUser,
    /// The time cell is empty.
    MissingTime,
    /// The time cell holds no readable timestamp.
    UnreadableTime,
    /// The time is before 1970 or after 2100: a placeholder (`1900-01-01`,
    /// `9999-12-31`), not an event (see [`super::timestamp::EARLIEST_MS`]).
    TimeOutOfRange,
    /// The event cell is empty.
    MissingEvent,
    /// The revenue cell holds text that is not a finite number.
    BadRevenue,
    /// The row has more or fewer fields than the header.
    WrongFieldCount,
}

impl SkipReason {
    /// Every reason, indexed by its code in a part's bytes.
    const ALL: [SkipReason; 7] = [
        SkipReason::MissingUser,
        SkipReason::MissingTime,
        SkipReason::UnreadableTime,
        SkipReason::TimeOutOfRange,
        SkipReason::MissingEvent,
        SkipReason::BadRevenue,
        SkipReason::WrongFieldCount,
    ];
    /// The reason as a person reads it.
    pub fn text(self) -> &'static str {
        match self {
            SkipReason::MissingUser => "missing user id",
            SkipReason::MissingTime => "missing time",
            SkipReason::UnreadableTime => "time not readable",
            SkipReason::TimeOutOfRange => "time before 1970 or after 2100",
            SkipReason::MissingEvent => "missing event name",
            SkipReason::BadRevenue => "revenue is not a number",
            SkipReason::WrongFieldCount => "wrong number of fields",
        }
    }
}

/// Counts per reason, in first-seen order.
#[derive(Debug, Clone, Default)]
pub struct Skipped {
    tallies: Vec<(SkipReason, SkipTally)>,
    /// First example per reason, for the message when everything was skipped.
    examples: Vec<(SkipReason, String)>,
}

impl Skipped {
    /// Records one skipped row on `line`, with an example of the bad value.
    pub fn add(&mut self, reason: SkipReason, line: u64, example: &str) {
        match self.tallies.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, t)) => {
                t.count += 1;
                if t.lines.len() < SkipTally::MAX_LINES {
                    t.lines.push(line);
                }
            }
            None => {
                self.tallies.push((
                    reason,
                    SkipTally {
                        reason: reason.text().into(),
                        count: 1,
                        lines: vec![line],
                    },
                ));
                self.examples
                    .push((reason, example.chars().take(60).collect()));
            }
        }
    }

    /// Adds the rows another part of the same file skipped, whose line numbers are
    /// `line_offset` less than the file's (a part of a parallel load, read after
    /// the rows counted here): the same counts, first lines and examples as if
    /// this had read them itself.
    pub fn append(&mut self, other: Skipped, line_offset: u64) {
        for ((reason, tally), (_, example)) in other.tallies.into_iter().zip(other.examples) {
            match self.tallies.iter_mut().find(|(r, _)| *r == reason) {
                Some((_, t)) => {
                    t.count += tally.count;
                    let room = SkipTally::MAX_LINES.saturating_sub(t.lines.len());
                    t.lines
                        .extend(tally.lines.iter().take(room).map(|l| l + line_offset));
                }
                None => {
                    let lines = tally.lines.iter().map(|l| l + line_offset).collect();
                    self.tallies.push((reason, SkipTally { lines, ..tally }));
                    self.examples.push((reason, example));
                }
            }
        }
    }

    /// Writes the tallies and examples (a part's bytes, [`super::parallel`]).
    pub fn encode(&self, w: &mut WireWriter) {
        w.count(self.tallies.len());
        for ((reason, t), (_, example)) in self.tallies.iter().zip(&self.examples) {
            let code = SkipReason::ALL
                .iter()
                .position(|r| r == reason)
                .unwrap_or(0);
            w.u8(code as u8);
            w.u64(t.count);
            w.count(t.lines.len());
            for &l in &t.lines {
                w.u64(l);
            }
            w.str(example);
        }
    }

    /// Reads what [`Skipped::encode`] wrote.
    pub fn decode(r: &mut WireReader<'_>) -> Result<Skipped, WireError> {
        let n = r.count(1)?;
        let mut out = Skipped::default();
        for _ in 0..n {
            let code = usize::from(r.u8()?);
            let reason = *SkipReason::ALL
                .get(code)
                .ok_or_else(|| format!("skip reason {code}"))?;
            let count = r.u64()?;
            let lines = (0..r.count(8)?)
                .map(|_| r.u64())
                .collect::<Result<_, _>>()?;
            let example = r.str()?.to_string();
            out.tallies.push((
                reason,
                SkipTally {
                    reason: reason.text().into(),
                    count,
                    lines,
                },
            ));
            out.examples.push((reason, example));
        }
        Ok(out)
    }

    /// Total rows skipped.
    pub fn total(&self) -> u64 {
        self.tallies.iter().map(|(_, t)| t.count).sum()
    }

    /// The tallies, for the table's metadata, ordered by their first line.
    pub fn tallies(&self) -> Vec<SkipTally> {
        let mut out: Vec<SkipTally> = self.tallies.iter().map(|(_, t)| t.clone()).collect();
        out.sort_by_key(|t| t.lines.first().copied());
        out
    }

    /// One sentence listing every reason with its count and first line.
    pub fn describe(&self) -> String {
        let mut rows: Vec<(&SkipTally, &String)> = self
            .tallies
            .iter()
            .zip(&self.examples)
            .map(|((_, t), (_, ex))| (t, ex))
            .collect();
        rows.sort_by_key(|(t, _)| t.lines.first().copied());
        rows.into_iter()
            .map(|(t, ex)| {
                let first = t.lines.first().copied().unwrap_or(0);
                if ex.is_empty() {
                    format!(
                        "{} row(s) with {} (first on line {first})",
                        t.count, t.reason
                    )
                } else {
                    format!(
                        "{} row(s) with {} (first on line {first}: \"{ex}\")",
                        t.count, t.reason
                    )
                }
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}
