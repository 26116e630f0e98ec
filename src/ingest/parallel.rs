//! A load in parts: byte ranges of one file parsed independently (in several Web
//! Workers in the page), then merged in file order into exactly the table and the
//! skipped-row report of the sequential load.
//!
//! ```text
//! head (first 256 KB) ─► plan ─┬─► PartLoader(range 0) ─► part bytes ─┐
//!                              ├─► PartLoader(range 1) ─► part bytes ─┼─► Merger ─► EventTable
//!                              └─► PartLoader(range 2) ─► part bytes ─┘   (in file order)
//! ```
//!
//! Every part follows the plan of the file's head ([`Merger::new`] and
//! [`PartLoader::new`] make it from the same bytes, as the sequential load does).
//! A range starts just after a `\n` ([`boundary_after`]) and ends where the next
//! one starts; only UTF-8 (and ASCII) files are split ([`Merger::splittable`]),
//! where a `\n` byte is always a line end, never part of a character.
//!
//! A part comes in two messages. First, as soon as its range is parsed, its
//! *announcement* ([`PartLoader::announce`]): whether it ended between records, its
//! counts, its skipped rows with line numbers counted from the range's first line,
//! its dictionaries (users, event names, every property) in first-seen order and
//! each user's row count. Then, as the part's worker sorts, its *columns* in its own
//! per-user order ([`PartLoader::finish`], or in pieces as the sort writes them:
//! [`PartLoader::finish_in_pieces`]; [`crate::table::TableBuilder::encode_columns`]).
//! The first range, parsed by the engine worker itself, is adopted as it is and the
//! first pass of its sort run while the other parts are on their way
//! ([`Merger::adopt_first`]: its rows packed by user,
//! [`crate::table::TableBuilder::pack_by_user`]). The merger reads the announcements
//! in file order ([`Merger::announce`]: the part's values interned into the growing
//! dictionaries, which keeps first-seen order; line numbers shifted by the lines
//! before the range) — while the parts' workers sort — and once the last one is in,
//! the sort's second pass writes its own rows straight into columns made for the
//! whole table, leaving each user a gap for each part's run
//! ([`crate::table::TableBuilder::place`]). Each part's columns, in file order, are
//! then copied into their gaps ([`Merger::add`], or piece by piece as they come:
//! [`Merger::add_piece`]): the table in per-user order with no sort of the whole and
//! no copy at the end.
//!
//! Quotes: a `\n` chosen as a split point may lie inside a quoted field. The part
//! before it was parsed from a true record start (by induction from the file's
//! start), so it knows whether its last byte ended a record outside quotes. When it
//! did not, that part and every later one are not used: [`Merger::announce`] says
//! where to continue, and once the columns of the parts before it are in, the rest
//! of the file is pushed through the merger sequentially ([`Merger::push`]). Never
//! a wrong table.
//!
//! An announcement's bytes: magic `TMPART2\0`; `u64` start, end and file size; `u8`
//! 1 when the range ended between records (else nothing follows); `u64` line ends in
//! the range, rows read, rows loaded, malformed byte sequences, bytes per row and
//! dictionary bytes (for the memory budget); the skipped rows
//! ([`Skipped::encode`]); the keys ([`crate::table::TableBuilder::encode_keys`]).
//! The columns' bytes: magic `TMCOLS1\0`; `u64` start; the columns
//! ([`crate::table::TableBuilder::encode_columns`]; nothing after a range that
//! ended inside a quoted field). Little-endian throughout.

use super::skipped::Skipped;
use super::sniff::{self, Plan, SNIFF_BYTES};
use super::{Active, LoadOptions, MAX_INPUT_BYTES, memory};
use crate::error::{Error, ErrorKind, Result};
use crate::table::{
    EventTable, Feed, PartKeys, Placement, Role, TableBuilder, TableMeta, WireReader, WireWriter,
};

const MAGIC: &[u8; 8] = b"TMPART2\0";
const COLUMNS: &[u8; 8] = b"TMCOLS1\0";

/// Where a range may start after `window`, the bytes from some offset on: just
/// after the first `\n` (`None` when the window holds none).
pub fn boundary_after(window: &[u8]) -> Option<usize> {
    memchr::memchr(b'\n', window).map(|i| i + 1)
}

/// The head a plan is made from: the first [`SNIFF_BYTES`] of a `total`-byte file,
/// or all of it when shorter.
pub fn head_len(total: u64) -> u64 {
    total.min(SNIFF_BYTES as u64)
}

/// The plan of a `total`-byte file from its head (exactly [`head_len`] bytes).
fn plan_of(file: &str, options: &LoadOptions, head: &[u8], total: u64) -> Result<Plan> {
    if total > MAX_INPUT_BYTES {
        return Err(Error::at(
            ErrorKind::TooLarge {
                bytes: total,
                limit: MAX_INPUT_BYTES,
            },
            file,
            None,
        ));
    }
    if head.len() as u64 != head_len(total) {
        return Err(Error::new(ErrorKind::BadOption(format!(
            "a load in parts needs the first {} bytes of the file, not {}",
            head_len(total),
            head.len()
        ))));
    }
    if total == 0 {
        return Err(Error::at(ErrorKind::EmptyFile, file, None));
    }
    // As the sequential load: the whole file is in the head only when shorter than it.
    sniff::plan(file, head, total < SNIFF_BYTES as u64, options)
}

/// The columns of a part on their way into a [`Merger`].
#[derive(Debug)]
enum Incoming {
    /// Before the placement (or a fallback): kept whole until it.
    Kept(Vec<u8>),
    /// Filled in as they come: the magic and start read so far, then the fill.
    Filling { prefix: Vec<u8>, feed: Feed },
}

/// Checks a part's columns' magic and start (`prefix`: their first 16 bytes)
/// against the start of the part due.
fn check_columns_prefix(prefix: &[u8], start: u64) -> std::result::Result<(), String> {
    let mut r = WireReader::new(prefix);
    if r.take(COLUMNS.len())? != COLUMNS {
        return Err("not a part's columns".into());
    }
    let from = r.u64()?;
    if from != start {
        return Err(format!(
            "the columns of bytes {from}.. where those of bytes {start}.. were due"
        ));
    }
    Ok(())
}

fn corrupt(file: &str, why: String) -> Error {
    Error::at(
        ErrorKind::Csv(format!("a part of the parallel load is unreadable ({why})")),
        file,
        None,
    )
}

/// Loads one byte range of a file: [`PartLoader::push`] its bytes in order, then
/// [`PartLoader::announce`] gives the part's announcement for [`Merger::announce`]
/// and [`PartLoader::finish`] its columns for [`Merger::add`].
pub struct PartLoader {
    file: String,
    start: u64,
    end: u64,
    total: u64,
    bytes_in: u64,
    /// Byte-order-mark bytes still to drop (the first range only).
    skip: usize,
    active: Box<Active>,
    budget: memory::Budget,
    reserved: bool,
    /// Once closed: whether the range ended between records.
    clean: Option<bool>,
}

impl PartLoader {
    /// A loader for bytes `start..end` of the `total`-byte file `file`, whose first
    /// [`head_len`] bytes are `head`. `start` must follow a `\n` (or be 0). Refuses
    /// a file that is not UTF-8, too large, or not a CSV the plan can read.
    pub fn new(
        file: &str,
        options: &LoadOptions,
        head: &[u8],
        total: u64,
        start: u64,
        end: u64,
    ) -> Result<PartLoader> {
        let plan = plan_of(file, options, head, total)?;
        if plan.encoding.encoding != encoding_rs::UTF_8 {
            return Err(Error::new(ErrorKind::BadOption(
                "only a UTF-8 file loads in parts".into(),
            )));
        }
        if start > end || end > total {
            return Err(Error::new(ErrorKind::BadOption(format!(
                "bytes {start}..{end} are not a range of a {total}-byte file"
            ))));
        }
        let skip = if start == 0 { plan.encoding.bom_len } else { 0 };
        Ok(PartLoader {
            file: file.to_string(),
            start,
            end,
            total,
            bytes_in: 0,
            skip,
            active: Active::new(plan, start == 0, 1),
            budget: memory::Budget::new(end - start, memory::limit(options.memory_limit)),
            reserved: false,
            clean: None,
        })
    }

    /// Feeds the range's next bytes; refuses, as the sequential load does, when the
    /// projected memory of this part would not fit.
    pub fn push(&mut self, chunk: &[u8]) -> Result<()> {
        self.bytes_in += chunk.len() as u64;
        if self.bytes_in > self.end - self.start {
            return Err(Error::new(ErrorKind::BadOption(format!(
                "more than the {} bytes of the range were pushed",
                self.end - self.start
            ))));
        }
        let drop = self.skip.min(chunk.len());
        self.skip -= drop;
        // As the sequential load: the columns sized once for the rows projected.
        self.active.push_checked(
            &self.file,
            &chunk[drop..],
            &mut self.budget,
            self.bytes_in,
            &mut self.reserved,
            self.end - self.start,
        )
    }

    /// Bytes pushed so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_in
    }

    /// Data rows parsed so far (loaded and skipped).
    pub fn rows_read(&self) -> u64 {
        self.active.rows_read
    }

    /// Ends the range (once): whether it ended between records (the last range:
    /// with no quote left open).
    fn close(&mut self) -> Result<bool> {
        if let Some(clean) = self.clean {
            return Ok(clean);
        }
        if self.bytes_in != self.end - self.start {
            return Err(Error::new(ErrorKind::BadOption(format!(
                "the range has {} bytes, {} were pushed",
                self.end - self.start,
                self.bytes_in
            ))));
        }
        let last = self.end == self.total;
        let Active { text, buf, .. } = self.active.as_mut();
        text.decode(&[], buf, true);
        let clean = if last {
            match self.active.feed_text(&self.file, true) {
                Ok(()) => true,
                Err(e) if e.kind == ErrorKind::UnterminatedQuote => false,
                Err(e) => return Err(e),
            }
        } else {
            self.active.feed_text(&self.file, false)?;
            self.active.splitter.between_records() && self.active.buf.is_empty()
        };
        self.clean = Some(clean);
        Ok(clean)
    }

    /// Ends the range: the part's announcement (see the module's layout) —
    /// its counts, skipped rows and keys, for [`Merger::announce`] — before its
    /// rows are sorted.
    pub fn announce(&mut self) -> Result<Vec<u8>> {
        let clean = self.close()?;
        let mut w = WireWriter::default();
        w.bytes.extend_from_slice(MAGIC);
        w.u64(self.start);
        w.u64(self.end);
        w.u64(self.total);
        w.u8(u8::from(clean));
        if !clean {
            return Ok(w.bytes);
        }
        let a = &self.active;
        let builder = &a.converter.builder;
        w.u64(a.splitter.line() - 1);
        w.u64(a.rows_read);
        w.u64(builder.len() as u64);
        w.u64(a.text.malformed);
        w.u64(builder.row_bytes() as u64);
        w.u64(builder.dictionary_bytes() as u64);
        a.converter.skipped.encode(&mut w);
        builder.encode_keys(&mut w);
        Ok(w.bytes)
    }

    /// True once the range is known to have ended between records (after
    /// [`PartLoader::announce`]); false before, or when it ended inside a quoted
    /// field (its columns are then never used).
    pub fn clean(&self) -> bool {
        self.clean == Some(true)
    }

    /// The part's columns in its per-user order, for [`Merger::add`] (after its
    /// announcement; only the header when the range ended inside a quoted field).
    pub fn finish(mut self) -> Result<Vec<u8>> {
        let (mut w, rows) = self.begin_columns()?;
        if let Some(rows) = rows {
            rows.encode_columns(&mut w);
        }
        Ok(w.bytes)
    }

    /// Closes the part and starts its columns' bytes: their header, and the
    /// part's rows to encode after it unless the range ended inside a quoted
    /// field (then the header is all).
    fn begin_columns(&mut self) -> Result<(WireWriter, Option<TableBuilder>)> {
        let clean = self.close()?;
        let mut w = WireWriter::default();
        w.bytes.extend_from_slice(COLUMNS);
        w.u64(self.start);
        let builder = &mut self.active.converter.builder;
        let rows = clean.then(|| std::mem::replace(builder, TableBuilder::new(false, &[])));
        Ok((w, rows))
    }

    /// [`PartLoader::finish`] handed to `emit` in pieces of `piece` bytes (the
    /// last one shorter; at least one piece) as the part's sort writes them, for
    /// [`Merger::add_piece`] then [`Merger::add_end`]: the columns are never
    /// whole in memory, and the first pieces can be filled in while the sort
    /// still writes the next. The same bytes as `finish`, in order.
    pub fn finish_in_pieces(mut self, piece: usize, mut emit: impl FnMut(&[u8])) -> Result<()> {
        let (mut w, rows) = self.begin_columns()?;
        if let Some(rows) = rows {
            rows.encode_columns_in_pieces(&mut w, piece, &mut emit);
        }
        // The rest (all of it after a range that ended inside a quoted field).
        w.bytes.chunks(piece.max(1)).for_each(emit);
        Ok(())
    }
}

/// Merges parts in file order into the table; after a part that ended inside a
/// quoted field, loads the rest of the file sequentially.
pub struct Merger {
    file: String,
    total: u64,
    /// Where the next part starts (or, after a fallback, the first byte to push).
    next: u64,
    /// Line ends before `next`.
    lines: u64,
    /// Sequential from `next` on: parts are no longer taken.
    sequential: bool,
    /// Bytes pushed since the fallback.
    pushed: u64,
    /// Byte-order-mark bytes still to drop (a fallback from the file's start).
    skip: usize,
    reserved: bool,
    active: Box<Active>,
    budget: memory::Budget,
    /// The parts announced, their keys read into the first's dictionaries, in
    /// file order.
    parts: Vec<PartKeys>,
    /// Where each of `parts` starts.
    starts: Vec<u64>,
    /// Rows in `parts`.
    part_rows: u64,
    /// Columns that came before the placement (or before a fallback), in order.
    waiting: Vec<Vec<u8>>,
    /// Parts whose columns came (placed or waiting).
    columns_in: usize,
    /// The merge under way, once the last part is announced.
    placement: Option<Placement>,
    /// The columns of the next part, coming in pieces ([`Merger::add_piece`]).
    incoming: Option<Incoming>,
    /// A part ended inside a quoted field: the rest is pushed from here once the
    /// columns of the parts before it are in.
    fallback_at: Option<u64>,
}

impl Merger {
    /// A merger for the `total`-byte file `file`, whose first [`head_len`] bytes
    /// are `head`: the plan every part follows. Refuses a file too large to hold.
    pub fn new(file: &str, options: &LoadOptions, head: &[u8], total: u64) -> Result<Merger> {
        let plan = plan_of(file, options, head, total)?;
        Ok(Merger {
            file: file.to_string(),
            total,
            next: 0,
            lines: 0,
            sequential: false,
            pushed: 0,
            skip: 0,
            reserved: false,
            active: Active::new(plan, true, 1),
            budget: memory::Budget::new(total, memory::limit(options.memory_limit)),
            parts: Vec::new(),
            starts: Vec::new(),
            part_rows: 0,
            waiting: Vec::new(),
            columns_in: 0,
            placement: None,
            incoming: None,
            fallback_at: None,
        })
    }

    /// True when the file may be split: UTF-8 (or ASCII) text. Else push it all
    /// through a sequential [`super::Loader`].
    pub fn splittable(&self) -> bool {
        self.active.plan.encoding.encoding == encoding_rs::UTF_8
    }

    /// Where the next part must start (after a fallback: the first byte to push).
    pub fn next_start(&self) -> u64 {
        self.next
    }

    /// Reads the next part's announcement ([`PartLoader::announce`]; its range
    /// must start where the last one ended): its keys into the dictionaries, its
    /// counts and skipped rows. After the last part's, places the rows for the
    /// merge ([`crate::table::TableBuilder::place`]). `None`: announced.
    /// `Some(offset)`: the part ended inside a quoted field, so neither it nor any
    /// later part is used: [`Merger::add`] the columns of the parts announced
    /// before it, then push the file's bytes from `offset` to the end
    /// ([`Merger::push`]), then [`Merger::finish`].
    pub fn announce(&mut self, part: &[u8]) -> Result<Option<u64>> {
        let file = self.file.clone();
        let bad = |why: String| corrupt(&file, why);
        if self.sequential || self.fallback_at.is_some() || self.placement.is_some() {
            return Err(bad("a part after the last one or a fallback".into()));
        }
        let mut r = WireReader::new(part);
        if r.take(MAGIC.len()).map_err(bad)? != MAGIC {
            return Err(bad("not a part's announcement".into()));
        }
        let (start, end, total) = (
            r.u64().map_err(bad)?,
            r.u64().map_err(bad)?,
            r.u64().map_err(bad)?,
        );
        if start != self.next || end < start || total != self.total {
            return Err(bad(format!(
                "bytes {start}..{end} of {total} where bytes {}.. of {} were due",
                self.next, self.total
            )));
        }
        if r.u8().map_err(bad)? != 1 {
            self.fallback_at = Some(start);
            if self.columns_in == self.parts.len() {
                self.fall_back()?;
            }
            return Ok(Some(start));
        }
        let lines = r.u64().map_err(bad)?;
        let rows_read = r.u64().map_err(bad)?;
        let rows = r.u64().map_err(bad)?;
        let malformed = r.u64().map_err(bad)?;
        let row_bytes = r.u64().map_err(bad)?;
        let dictionary_bytes = r.u64().map_err(bad)?;
        let skipped = Skipped::decode(&mut r).map_err(bad)?;
        let keys = &part[part.len() - r.left()..];
        let builder = &self.active.converter.builder;
        // The projection of the whole load with this part's rows on top, its
        // dictionaries as if all new (cautious), at the wider of the two widths.
        // Nothing is reserved: the merge makes columns of the exact size.
        self.budget.check(
            &self.file,
            memory::Progress {
                bytes: end.max(1),
                rows: builder.len() as u64 + self.part_rows + rows,
                row_bytes: (builder.row_bytes() as u64).max(row_bytes),
                dictionary_bytes: builder.dictionary_bytes() as u64 + dictionary_bytes,
            },
        )?;
        let a = self.active.as_mut();
        let read = a.converter.builder.read_keys(keys).map_err(bad)?;
        if read.rows() as u64 != rows {
            return Err(bad(format!(
                "{} rows in the keys, {rows} in the header",
                read.rows()
            )));
        }
        self.part_rows += rows;
        self.parts.push(read);
        self.starts.push(start);
        a.converter.skipped.append(skipped, self.lines);
        a.rows_read += rows_read;
        a.text.malformed += malformed;
        self.lines += lines;
        self.next = end;
        if end == self.total {
            self.place()?;
        }
        Ok(None)
    }

    /// Every part announced: the merge's columns made, the own rows placed, and
    /// the columns that came already copied in.
    fn place(&mut self) -> Result<()> {
        let file = self.file.clone();
        let builder = &mut self.active.converter.builder;
        let mut placement = builder
            .place(&self.parts)
            .map_err(|why| corrupt(&file, why))?;
        for (columns, keys) in std::mem::take(&mut self.waiting).iter().zip(&self.parts) {
            builder
                .fill(&mut placement, keys, &columns[COLUMNS.len() + 8..])
                .map_err(|why| corrupt(&file, why))?;
        }
        self.placement = Some(placement);
        Ok(())
    }

    /// The next announced part's columns ([`PartLoader::finish`]), in file order:
    /// copied into their places once every part is announced (until then kept).
    /// The same as [`Merger::add_piece`] with all of them, then [`Merger::add_end`].
    pub fn add(&mut self, columns: Vec<u8>) -> Result<()> {
        if self.placement.is_none() && self.incoming.is_none() {
            // Kept as they are until the placement (or a fallback): not copied.
            self.begin_columns()?;
            self.incoming = Some(Incoming::Kept(columns));
            return self.add_end();
        }
        self.add_piece(&columns)?;
        self.add_end()
    }

    /// The next piece of the next announced part's columns (pieces of any length,
    /// in order; then [`Merger::add_end`]): once every part is announced, each
    /// block of rows is copied into its place as soon as it is complete, so that
    /// the columns (hundreds of MB) need not be copied whole into this memory —
    /// fresh pages, whose first touch costs more than the copy — before the fill.
    pub fn add_piece(&mut self, piece: &[u8]) -> Result<()> {
        let file = self.file.clone();
        let bad = |why: String| corrupt(&file, why);
        if self.incoming.is_none() {
            self.begin_columns()?;
            self.incoming = Some(match self.placement {
                Some(_) => Incoming::Filling {
                    prefix: Vec::with_capacity(COLUMNS.len() + 8),
                    feed: Feed::default(),
                },
                None => Incoming::Kept(Vec::new()),
            });
        }
        let start = self.starts.get(self.columns_in).copied();
        let keys = self.parts.get(self.columns_in);
        let builder = &mut self.active.converter.builder;
        match (self.incoming.as_mut(), self.placement.as_mut(), start, keys) {
            (
                Some(Incoming::Filling { prefix, feed }),
                Some(placement),
                Some(start),
                Some(keys),
            ) => {
                let mut piece = piece;
                let want = COLUMNS.len() + 8;
                if prefix.len() < want {
                    let take = (want - prefix.len()).min(piece.len());
                    prefix.extend_from_slice(&piece[..take]);
                    piece = &piece[take..];
                    if prefix.len() < want {
                        return Ok(());
                    }
                    check_columns_prefix(prefix, start).map_err(bad)?;
                }
                builder
                    .fill_piece(placement, keys, feed, piece)
                    .map_err(bad)
            }
            (Some(Incoming::Kept(columns)), _, _, _) => {
                columns.extend_from_slice(piece);
                Ok(())
            }
            _ => Err(bad("the columns of a part not announced".into())),
        }
    }

    /// The end of the next part's columns ([`Merger::add_piece`]).
    pub fn add_end(&mut self) -> Result<()> {
        let file = self.file.clone();
        let bad = |why: String| corrupt(&file, why);
        let start = self.starts.get(self.columns_in).copied();
        match (self.incoming.take(), start) {
            (Some(Incoming::Kept(columns)), Some(start)) => {
                let mut r = WireReader::new(&columns);
                let prefix = r.take(COLUMNS.len() + 8).map_err(bad)?;
                check_columns_prefix(prefix, start).map_err(bad)?;
                match (self.placement.as_mut(), self.parts.get(self.columns_in)) {
                    (Some(placement), Some(keys)) => self
                        .active
                        .converter
                        .builder
                        .fill(placement, keys, &columns[COLUMNS.len() + 8..])
                        .map_err(bad)?,
                    _ => self.waiting.push(columns),
                }
            }
            (Some(Incoming::Filling { prefix, feed }), Some(_)) => {
                if prefix.len() < COLUMNS.len() + 8 {
                    return Err(bad("not a part's columns".into()));
                }
                let placement = self
                    .placement
                    .as_mut()
                    .ok_or_else(|| bad("the columns of a part not placed".into()))?;
                self.active
                    .converter
                    .builder
                    .fill_end(placement, feed)
                    .map_err(bad)?;
            }
            _ => return Err(bad("the end of columns that never began".into())),
        }
        self.columns_in += 1;
        if self.fallback_at.is_some() && self.columns_in == self.parts.len() {
            self.fall_back()?;
        }
        Ok(())
    }

    /// Checks that the next part's columns may come now.
    fn begin_columns(&self) -> Result<()> {
        if self.sequential {
            return Err(corrupt(
                &self.file,
                "a part's columns after the load went sequential".into(),
            ));
        }
        if self.columns_in >= self.parts.len() {
            return Err(corrupt(
                &self.file,
                "the columns of a part not announced".into(),
            ));
        }
        Ok(())
    }

    /// The first part as it is, instead of its bytes: its columns and dictionaries
    /// become the merger's, with nothing copied (the engine worker loads the first
    /// range itself). The same answer as [`Merger::add`].
    pub fn adopt_first(&mut self, mut part: PartLoader) -> Result<Option<u64>> {
        if self.sequential
            || self.next != 0
            || !self.parts.is_empty()
            || part.start != 0
            || part.total != self.total
        {
            return Err(corrupt(
                &self.file,
                "only the first part of this file can be adopted".into(),
            ));
        }
        if !part.close()? {
            self.fall_back()?;
            return Ok(Some(0));
        }
        // The first pass of its sort now, while the other parts are still being
        // parsed; the second writes the rows straight into the merge's columns
        // once every part's keys are read (`place`).
        part.active.converter.builder.pack_by_user();
        self.lines = part.active.splitter.line() - 1;
        self.next = part.end;
        self.active = part.active;
        Ok(None)
    }

    /// Continues sequentially from `next`, which follows a line end outside quotes:
    /// the parts read so far become rows of the builder (which sorts them all at
    /// the end, as the sequential load does).
    fn fall_back(&mut self) -> Result<()> {
        self.sequential = true;
        let at_start = self.next == 0;
        let a = self.active.as_mut();
        // The adopted rows, still packed, back in columns before rows are added.
        a.converter.builder.unpack();
        for (columns, keys) in std::mem::take(&mut self.waiting).iter().zip(&self.parts) {
            keys.append_to(&columns[COLUMNS.len() + 8..], &mut a.converter.builder)
                .map_err(|why| corrupt(&self.file, why))?;
        }
        self.parts.clear();
        self.starts.clear();
        a.splitter = super::RecordSplitter::at_line(a.plan.delimiter, self.lines + 1);
        a.header_pending = at_start && a.plan.has_header;
        a.buf.clear();
        if at_start {
            self.skip = a.plan.encoding.bom_len;
        }
        Ok(())
    }

    /// After a fallback ([`Merger::add`] gave `Some`), or to load an unsplit file
    /// from byte 0 with no part added: the file's next bytes.
    pub fn push(&mut self, chunk: &[u8]) -> Result<()> {
        if !self.sequential {
            if self.next != 0 || self.fallback_at.is_some() {
                return Err(corrupt(
                    &self.file,
                    "bytes pushed between parts, or before the columns of the parts before".into(),
                ));
            }
            self.fall_back()?;
        }
        self.pushed += chunk.len() as u64;
        if self.next + self.pushed > self.total {
            return Err(corrupt(&self.file, "more bytes than the file has".into()));
        }
        let drop = self.skip.min(chunk.len());
        self.skip -= drop;
        self.active.push_checked(
            &self.file,
            &chunk[drop..],
            &mut self.budget,
            self.next + self.pushed,
            &mut self.reserved,
            self.total,
        )
    }

    /// Data rows read so far (loaded and skipped).
    pub fn rows_read(&self) -> u64 {
        self.active.rows_read
    }

    /// The table, once every part was added (or every byte after a fallback pushed).
    pub fn finish(mut self) -> Result<EventTable> {
        let file = self.file.clone();
        if self.sequential {
            if self.next + self.pushed != self.total {
                return Err(corrupt(
                    &file,
                    format!(
                        "bytes {}..{} were not pushed",
                        self.next + self.pushed,
                        self.total
                    ),
                ));
            }
            let Active { text, buf, .. } = self.active.as_mut();
            text.decode(&[], buf, true);
            self.active.feed_text(&file, true)?;
        } else if self.next != self.total {
            return Err(corrupt(
                &file,
                format!("bytes {}..{} are in no part", self.next, self.total),
            ));
        } else if let Some(placement) = self.placement.take() {
            // Every part's runs in their places: only users whose times go
            // backwards across a cut are left to sort.
            self.active
                .converter
                .builder
                .finish_merge(placement)
                .map_err(|why| corrupt(&file, why))?;
        } else if !self.parts.is_empty() {
            return Err(corrupt(&file, "the parts were never placed".into()));
        }
        self.active.into_table(&file)
    }
}

/// Runs the merge's work — a part's keys and its columns sorted and written, the
/// first part sorted, the keys read, the own rows placed, the columns filled in,
/// the build — on two small synthetic parts, and the plan of a
/// small synthetic file (three times), and returns the table's row count (0 if
/// anything failed). For a wasm engine that compiles code in tiers (V8: a quick
/// baseline first, optimised code for a function once it has run long enough):
/// these functions run once per load (the plan once per part), each for a long
/// time in the baseline code, so the engine worker runs this once, ready before any
/// file comes, and the load's own calls find them optimised (10M events in 2 parts,
/// in Node's V8: the merge 220 → 184–190 ms, a part's sort and write 545 → 458–489
/// ms; in the page, the plan of the 10M file 27 → 6 ms; BENCHMARKS.md).
pub fn warm_up() -> usize {
    let mut file = String::from("user_id,event,timestamp,revenue,channel,country\n");
    for i in 0..4_000u32 {
        let revenue = if i % 4 == 0 {
            format!("{}.5", i % 97)
        } else {
            String::new()
        };
        file.push_str(&format!(
            "{},{},2025-01-0{}T0{}:1{}:2{}Z,{revenue},{},{}\n",
            i.wrapping_mul(1_000_003) % 99_991,
            ["view", "cart", "buy"][(i % 3) as usize],
            1 + i % 9,
            i % 10,
            i % 10,
            i % 10,
            ["ads", "seo"][(i % 2) as usize],
            ["US", "DE", "FR"][(i % 3) as usize],
        ));
    }
    let total = file.len() as u64;
    let head = &file.as_bytes()[..head_len(total) as usize];
    for _ in 0..3 {
        if plan_of("warm-up.csv", &LoadOptions::default(), head, total).is_err() {
            return 0;
        }
    }
    const ROWS: u32 = 10_000;
    let properties: Vec<(String, Role)> = ["channel", "device", "country", "category"]
        .iter()
        .map(|n| (n.to_string(), Role::Property))
        .collect();
    let ids: Vec<String> = (0..9_000).map(|u| u.to_string()).collect();
    let values: Vec<String> = (0..9).map(|v| v.to_string()).collect();
    let part = |from: u32| {
        let mut b = TableBuilder::new(true, &properties);
        for i in from..from + ROWS {
            let cell = |k: u32| (i % k != 0).then(|| values[(i % k) as usize].as_str());
            b.push(
                &ids[(i.wrapping_mul(2_654_435_761) % 9_000) as usize],
                i64::from(i) * 1_000,
                ["view", "cart", "buy"][(i % 3) as usize],
                (i % 4 == 0).then_some(f64::from(i % 100)),
                &[cell(5), cell(3), cell(7), cell(9)],
            );
        }
        b
    };
    let second = part(ROWS);
    let (mut keys, mut columns) = (WireWriter::default(), WireWriter::default());
    second.encode_keys(&mut keys);
    second.encode_columns(&mut columns);
    let mut first = part(0);
    first.pack_by_user();
    let merged = first.read_keys(&keys.bytes).and_then(|p| {
        let mut placement = first.place(std::slice::from_ref(&p))?;
        first.fill(&mut placement, &p, &columns.bytes)?;
        first.finish_merge(placement)
    });
    if merged.is_err() {
        return 0;
    }
    first.build(TableMeta::synthetic("warm-up")).len()
}

/// Loads `bytes` in parts cut at the first `\n` at or after each of `cuts`, one
/// part after the other, the first adopted and the others merged from their bytes
/// (the page runs them in workers; this is the same work in one thread, for the
/// tests).
pub fn load_in_parts(
    file: &str,
    bytes: &[u8],
    options: &LoadOptions,
    cuts: &[u64],
) -> Result<EventTable> {
    let total = bytes.len() as u64;
    let head = &bytes[..head_len(total) as usize];
    let mut merger = Merger::new(file, options, head, total)?;
    if !merger.splittable() {
        merger.push(bytes)?;
        return merger.finish();
    }
    // As the page: the first part adopted, the others announced in file order,
    // then their columns added in file order.
    let mut announced = Vec::new();
    let mut fell_back = None;
    for (start, end) in ranges(bytes, cuts) {
        let mut part = PartLoader::new(file, options, head, total, start, end)?;
        part.push(&bytes[start as usize..end as usize])?;
        fell_back = if start == 0 {
            merger.adopt_first(part)?
        } else {
            let from = merger.announce(&part.announce()?)?;
            if from.is_none() {
                announced.push(part);
            }
            from
        };
        if fell_back.is_some() {
            break;
        }
    }
    // Each part's columns in pieces as its sort writes them, as the page's part
    // workers post them (there 4 MiB; here a few dozen bytes, varying, so that
    // pieces cut the header and blocks).
    for part in announced {
        let piece = 1 + (part.start % 61) as usize;
        let mut added = Ok(());
        part.finish_in_pieces(piece, |p| {
            if added.is_ok() {
                added = merger.add_piece(p);
            }
        })?;
        added?;
        merger.add_end()?;
    }
    if let Some(from) = fell_back {
        merger.push(&bytes[from as usize..])?;
    }
    merger.finish()
}

/// The ranges `bytes` splits into at the first `\n` at or after each cut (cuts in
/// any order; empty ranges dropped).
pub fn ranges(bytes: &[u8], cuts: &[u64]) -> Vec<(u64, u64)> {
    let total = bytes.len() as u64;
    let mut starts: Vec<u64> = cuts
        .iter()
        .filter_map(|&c| {
            let c = c.min(total) as usize;
            boundary_after(&bytes[c..]).map(|b| (c + b) as u64)
        })
        .filter(|&s| s < total)
        .collect();
    starts.push(0);
    starts.sort_unstable();
    starts.dedup();
    starts
        .iter()
        .zip(starts.iter().skip(1).chain([&total]))
        .map(|(&s, &e)| (s, e))
        .collect()
}
