//! The load's memory budget: before a file too big to hold kills the tab, stop with
//! a message naming the estimate and the limit.
//!
//! The estimate projects, from the declared file size and what the bytes read so
//! far became, the peak of the load: every row's columns at their current widths
//! (rows predicted from bytes per row so far), the dictionaries grown at the rate
//! of the latest bytes (new users and values per byte fall as a file goes on, so
//! the first check, over the whole sample, is the most cautious), and the build's
//! transient packed rows of the per-user sort (or, in a load in parts, a part's
//! columns waiting to be copied into place). It is checked after the first
//! 256 KB and again after every chunk. Measured against real loads in
//! BENCHMARKS.md ("Memory per event").

use crate::error::{Error, ErrorKind, Result};

/// The peak a load may reach in wasm32: the address space is 4 GiB, and the
/// analyses, the chunks in flight and the allocator's slack need the rest.
pub const WASM_LIMIT: u64 = 3 << 30;
/// The default natively, where `--max-memory-mb` (CLI) or `memory_limit`
/// (loading options) sets another.
pub const NATIVE_DEFAULT_LIMIT: u64 = 32 << 30;
/// Per row while the table is built, beyond its columns, for a row of `row_bytes`
/// bytes of columns: the per-user sort's packed rows (`table::packed`: the time,
/// the revenue and every key, with the user's key within its bucket, in whole
/// 8-byte words), alive with the columns during the sort's first pass and with
/// the new columns during its second. That is the row's bytes less the user key
/// (4), plus at most 2 bytes of the bucket's user key and 7 of rounding up to a
/// word: at most `row_bytes + 5` (this file's schema of the benchmark: 25 B of
/// columns, 24 B packed). A load in parts holds no more: its merged columns are
/// sized once, each part's columns (fewer bytes than its rows' columns) waiting
/// beside them.
fn build_bytes_per_row(row_bytes: u64) -> u64 {
    row_bytes + 5
}
/// The final per-user order: one row index per row.
const ORDER_BYTES_PER_ROW: u64 = 4;
/// Chunks in flight, decode buffers, the sniffing sample.
const BUFFERS: u64 = 8 << 20;

/// The limit for a requested one: the default when none, and never more than
/// wasm32 can hold.
pub fn limit(requested: Option<u64>) -> u64 {
    let default = if cfg!(target_pointer_width = "32") {
        WASM_LIMIT
    } else {
        NATIVE_DEFAULT_LIMIT
    };
    let cap = if cfg!(target_pointer_width = "32") {
        WASM_LIMIT
    } else {
        u64::MAX
    };
    requested.unwrap_or(default).min(cap)
}

/// What the bytes read so far became.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Input bytes read.
    pub bytes: u64,
    /// Rows loaded.
    pub rows: u64,
    /// Bytes per row of the columns now.
    pub row_bytes: u64,
    /// Bytes of the dictionaries now.
    pub dictionary_bytes: u64,
}

/// The budget of one load of a file of declared size.
#[derive(Debug, Clone)]
pub struct Budget {
    total: u64,
    limit: u64,
    last: Option<Progress>,
}

impl Budget {
    /// A budget for a `total`-byte input under `limit` bytes.
    pub fn new(total: u64, limit: u64) -> Self {
        Self {
            total,
            limit,
            last: None,
        }
    }

    /// The projected peak (bytes) and row count of the whole load, from `now`.
    pub fn estimate(&self, now: Progress) -> (u64, u64) {
        let bytes = now.bytes.max(1);
        let rows = (now.rows as f64 * (self.total.max(bytes) as f64 / bytes as f64)).ceil();
        let remaining = self.total.saturating_sub(now.bytes) as f64;
        // Dictionary growth per byte over the latest stretch (the whole prefix the
        // first time).
        let since = self.last.filter(|l| l.bytes < now.bytes);
        let (d_bytes, d_dict) = match since {
            Some(l) => (
                now.bytes - l.bytes,
                now.dictionary_bytes.saturating_sub(l.dictionary_bytes),
            ),
            None => (bytes, now.dictionary_bytes),
        };
        let dict_rate = d_dict as f64 / d_bytes.max(1) as f64;
        let per_row =
            (now.row_bytes + ORDER_BYTES_PER_ROW + build_bytes_per_row(now.row_bytes)) as f64;
        let peak = rows * per_row + now.dictionary_bytes as f64 + remaining * dict_rate;
        (peak as u64 + BUFFERS, rows as u64)
    }

    /// Checks the projection from `now`: an error naming the estimate and the
    /// limit when the load would not fit, else the projected rows (`None` before
    /// the first row).
    pub fn check(&mut self, file: &str, now: Progress) -> Result<Option<u64>> {
        if now.rows == 0 {
            return Ok(None);
        }
        let (estimate, rows) = self.estimate(now);
        self.last = Some(now);
        if estimate > self.limit {
            return Err(Error::at(
                ErrorKind::TooMuchMemory {
                    estimate,
                    limit: self.limit,
                    rows,
                    file_bytes: self.total,
                },
                file,
                None,
            ));
        }
        Ok(Some(rows))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projects_rows_columns_and_dictionary_growth() {
        let b = Budget::new(1_000_000, u64::MAX);
        // 1,000 bytes read made 10 rows of 20 B and 500 B of dictionaries.
        let now = Progress {
            bytes: 1_000,
            rows: 10,
            row_bytes: 20,
            dictionary_bytes: 500,
        };
        let (peak, rows) = b.estimate(now);
        assert_eq!(rows, 10_000);
        // 10,000 rows × (20 + 4 + 25) + 500 + 999,000 × 0.5 + buffers.
        assert_eq!(peak, 10_000 * 49 + 500 + 499_500 + BUFFERS);
    }

    #[test]
    fn later_checks_use_the_latest_dictionary_rate() {
        let mut b = Budget::new(1_000_000, u64::MAX);
        let first = Progress {
            bytes: 1_000,
            rows: 10,
            row_bytes: 20,
            dictionary_bytes: 500,
        };
        b.check("f.csv", first).unwrap();
        // The next 1,000 bytes added only 100 B of dictionary.
        let now = Progress {
            bytes: 2_000,
            rows: 20,
            row_bytes: 20,
            dictionary_bytes: 600,
        };
        let (peak, _) = b.estimate(now);
        assert_eq!(peak, 10_000 * 49 + 600 + 998_000 / 10 + BUFFERS);
    }

    #[test]
    fn refuses_over_the_limit_with_the_numbers() {
        let mut b = Budget::new(5_000_000_000, 3 << 30);
        let now = Progress {
            bytes: 1 << 20,
            rows: 20_000,
            row_bytes: 17,
            dictionary_bytes: 100_000,
        };
        let e = b.check("big.csv", now).unwrap_err();
        let ErrorKind::TooMuchMemory {
            estimate, limit, ..
        } = e.kind
        else {
            panic!("{e:?}")
        };
        assert!(estimate > limit);
        assert_eq!(limit, 3 << 30);
    }

    #[test]
    fn wasm_never_gets_more_than_it_can_hold() {
        if cfg!(target_pointer_width = "32") {
            assert_eq!(limit(Some(u64::MAX)), WASM_LIMIT);
        } else {
            assert_eq!(limit(None), NATIVE_DEFAULT_LIMIT);
            assert_eq!(limit(Some(1 << 40)), 1 << 40);
        }
    }
}
