//! CSV bytes → [`EventTable`], streaming: push chunks as they arrive, then finish.
//!
//! ```text
//! bytes ─► encoding (detect, decode to UTF-8) ─► dialect (records, physical lines)
//!       ─► fields (borrowed cell text) ─► convert (roles, times, revenue; skips
//!          counted by reason) ─► TableBuilder ─► EventTable
//! ```
//!
//! (The sniffing sample is tokenized by `arrow-csv`, which also types its columns;
//! the bulk of the file goes through [`fields`], see there for why.)
//!
//! The first [`sniff::SNIFF_BYTES`] decide the plan (encoding, delimiter, header,
//! roles, date order); after that each chunk is decoded, split into whole records
//! (a ragged record is skipped and counted, never fed to the parser) and converted
//! row by row. Memory holds the table being built plus one chunk, never the whole file.

pub mod attributes;
pub mod blocks;
pub mod convert;
pub mod dialect;
pub mod encoding;
pub mod fields;
pub mod memory;
pub mod number;
pub mod parallel;
pub mod roles;
pub mod skipped;
pub mod sniff;
pub mod timestamp;

use std::collections::BTreeMap;

use crate::error::{Error, ErrorKind, Result};
use crate::progress::Progress;
use crate::table::{DateOrder, EventTable, TableMeta};
use convert::Converter;
use dialect::{Record, RecordSplitter, Sink};
use encoding::TextDecoder;
use skipped::SkipReason;
use sniff::{Plan, SNIFF_BYTES};

/// The largest input accepted, in bytes. In wasm32 the whole engine has 4 GiB of
/// memory; the table takes roughly a third of the CSV's size, and the browser
/// needs room for the file's chunks and the page.
pub const MAX_INPUT_BYTES: u64 = if cfg!(target_pointer_width = "32") {
    3_000_000_000
} else {
    1 << 40
};

/// Loading options: role overrides, time zone, date order, encoding, delimiter.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Role name → column name, or `None` to say "no column has this role".
    pub roles: BTreeMap<String, Option<String>>,
    /// IANA zone for timestamps without offset (default UTC).
    pub time_zone: Option<String>,
    /// Day/month order for ambiguous dates.
    pub date_order: DateOrder,
    /// Force a text encoding by label ("gbk", "windows-1252", "utf-8").
    pub encoding: Option<String>,
    /// Force a delimiter.
    pub delimiter: Option<u8>,
    /// The most memory (bytes) a load of a declared size may need: refused early
    /// when the projection is larger ([`memory`]). Default: 3 GiB in wasm32 (and
    /// never more), 32 GiB natively.
    pub memory_limit: Option<u64>,
}

impl LoadOptions {
    /// Reads options from JSON (the JS API's `options` object, the CLI's flags):
    /// `{"roles": {"user": "customer_id", "event": null}, "time_zone": "UTC",
    /// "date_order": "auto" | "dmy" | "mdy", "encoding": "gbk", "delimiter": ";"}`.
    /// Every field is optional; an unknown field or role is an error.
    pub fn from_value(value: serde_json::Value) -> Result<LoadOptions> {
        let bad = |why: String| Error::new(ErrorKind::BadOption(why));
        let obj = match value {
            serde_json::Value::Null => return Ok(LoadOptions::default()),
            serde_json::Value::Object(o) => o,
            other => {
                return Err(bad(format!(
                    "loading options must be an object, not {other}"
                )));
            }
        };
        let mut out = LoadOptions::default();
        for (key, v) in obj {
            match (key.as_str(), v) {
                ("roles", serde_json::Value::Object(roles)) => {
                    for (role, col) in roles {
                        if crate::table::Role::from_name(&role).is_none() {
                            return Err(bad(format!(
                                "unknown role \"{role}\" (roles: user, time, event, revenue, order, item)"
                            )));
                        }
                        let col = match col {
                            serde_json::Value::Null => None,
                            serde_json::Value::String(s) => Some(s),
                            other => {
                                return Err(bad(format!(
                                    "role {role}: expected a column name or null, not {other}"
                                )));
                            }
                        };
                        out.roles.insert(role, col);
                    }
                }
                ("roles", serde_json::Value::Null) => {}
                ("memory_limit", serde_json::Value::Number(n)) => {
                    let Some(bytes) = n.as_u64().filter(|&b| b > 0) else {
                        return Err(bad(format!(
                            "memory_limit must be a positive whole number of bytes, not {n}"
                        )));
                    };
                    out.memory_limit = Some(bytes);
                }
                ("time_zone", serde_json::Value::String(s)) => out.time_zone = Some(s),
                ("date_order", serde_json::Value::String(s)) => {
                    out.date_order = match s.as_str() {
                        "auto" => DateOrder::Auto,
                        "dmy" => DateOrder::DayFirst,
                        "mdy" => DateOrder::MonthFirst,
                        _ => {
                            return Err(bad(format!("date_order \"{s}\" is not auto, dmy or mdy")));
                        }
                    }
                }
                ("encoding", serde_json::Value::String(s)) => out.encoding = Some(s),
                ("delimiter", serde_json::Value::String(s)) => {
                    let d = match s.as_str() {
                        "\\t" | "tab" => b'\t',
                        _ if s.len() == 1 => s.as_bytes()[0],
                        _ => return Err(bad(format!("delimiter \"{s}\" must be one character"))),
                    };
                    out.delimiter = Some(d);
                }
                (
                    "time_zone" | "date_order" | "encoding" | "delimiter" | "memory_limit",
                    serde_json::Value::Null,
                ) => {}
                (k, v) => {
                    return Err(bad(format!(
                        "unknown or malformed loading option \"{k}\": {v}"
                    )));
                }
            }
        }
        Ok(out)
    }
}

/// A streaming loader: [`Loader::push`] chunks in order, then [`Loader::finish`].
pub struct Loader {
    file: String,
    options: LoadOptions,
    bytes_in: u64,
    /// The input's declared size, if any: sizes the columns up front.
    expected: Option<u64>,
    /// With a declared size: the memory projection checked after every chunk.
    budget: Option<memory::Budget>,
    state: State,
}

enum State {
    /// Collecting the first bytes to decide the plan.
    Sniffing(Vec<u8>),
    /// Following the plan.
    Loading(Box<Active>),
}

/// The state of a load under way.
struct Active {
    plan: Plan,
    text: TextDecoder,
    /// Decoded text not yet parsed: at most one incomplete record between pushes.
    /// Text (the decoder validated it), so records are read with no second check.
    buf: String,
    splitter: RecordSplitter,
    header_pending: bool,
    /// The current record's fields (reused).
    fields: fields::Fields,
    converter: Converter,
    rows_read: u64,
}

impl Loader {
    /// A loader for an input called `file` (a path or a dropped file's name).
    pub fn new(file: &str, options: LoadOptions) -> Result<Loader> {
        Ok(Loader {
            file: file.to_string(),
            options,
            bytes_in: 0,
            expected: None,
            budget: None,
            state: State::Sniffing(Vec::new()),
        })
    }

    /// Declares the input's total size when known: refuses, before reading, an input
    /// too large to hold here; then, after the first 256 KB and every later chunk,
    /// refuses as soon as the projected memory of the whole load exceeds the limit
    /// ([`memory`], [`LoadOptions::memory_limit`]).
    ///
    /// The size also lets the table's columns be allocated once, at the row count
    /// the first records predict, instead of growing by doubling (which briefly
    /// holds the old and the new buffer: in wasm, whose memory never shrinks, that
    /// peak stays).
    pub fn expect_bytes(&mut self, total: u64) -> Result<()> {
        if total > MAX_INPUT_BYTES {
            return Err(Error::at(
                ErrorKind::TooLarge {
                    bytes: total,
                    limit: MAX_INPUT_BYTES,
                },
                &self.file,
                None,
            ));
        }
        self.expected = Some(total);
        self.budget = Some(memory::Budget::new(
            total,
            memory::limit(self.options.memory_limit),
        ));
        Ok(())
    }

    /// Feeds the next chunk of bytes.
    pub fn push(&mut self, chunk: &[u8]) -> Result<()> {
        self.bytes_in += chunk.len() as u64;
        if self.bytes_in > MAX_INPUT_BYTES {
            return Err(Error::at(
                ErrorKind::TooLarge {
                    bytes: self.bytes_in,
                    limit: MAX_INPUT_BYTES,
                },
                &self.file,
                None,
            ));
        }
        match &mut self.state {
            State::Sniffing(raw) => {
                raw.extend_from_slice(chunk);
                if raw.len() >= SNIFF_BYTES {
                    let raw = std::mem::take(raw);
                    let mut active = start(&self.file, &self.options, &raw, false)?;
                    active.feed_text(&self.file, false)?;
                    self.state = State::Loading(active);
                    // Checked before the columns are sized for the whole file: a
                    // declared size too big to hold must not be reserved first.
                    if let Some(rows) = self.check_memory()?
                        && let State::Loading(active) = &mut self.state
                    {
                        active.reserve_rows(rows, self.expected.unwrap_or(0));
                    }
                }
                Ok(())
            }
            State::Loading(active) => {
                active.feed_chunk(&self.file, chunk)?;
                self.check_memory().map(|_| ())
            }
        }
    }

    /// With a declared size, projects the whole load's memory from what the bytes so
    /// far became, and refuses when it would not fit; else the projected rows.
    fn check_memory(&mut self) -> Result<Option<u64>> {
        let (Some(budget), State::Loading(active)) = (self.budget.as_mut(), &self.state) else {
            return Ok(None);
        };
        budget.check(&self.file, active.progress(self.bytes_in))
    }

    /// Bytes pushed so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_in
    }

    /// Data rows parsed so far (loaded and skipped).
    pub fn rows_read(&self) -> u64 {
        match &self.state {
            State::Sniffing(_) => 0,
            State::Loading(a) => a.rows_read,
        }
    }

    /// Finishes the load: the last record, the last batch, the table.
    pub fn finish(self) -> Result<EventTable> {
        let file = self.file.clone();
        let mut active = match self.state {
            State::Sniffing(raw) => {
                if raw.is_empty() {
                    return Err(Error::at(ErrorKind::EmptyFile, &file, None));
                }
                start(&file, &self.options, &raw, true)?
            }
            State::Loading(mut active) => {
                let Active { text, buf, .. } = active.as_mut();
                text.decode(&[], buf, true);
                active
            }
        };
        active.feed_text(&file, true)?;
        active.into_table(&file)
    }
}

/// Decides the plan from the first bytes and sets up the streaming state. The plan
/// looks at exactly the first [`SNIFF_BYTES`] (or the whole input when shorter),
/// however the input was chunked: a parallel load ([`parallel`]) plans from the
/// same bytes and so follows the same plan.
fn start(file: &str, options: &LoadOptions, raw: &[u8], whole: bool) -> Result<Box<Active>> {
    let plan = sniff::plan(file, &raw[..raw.len().min(SNIFF_BYTES)], whole, options)?;
    let mut active = Active::new(plan, true, 1);
    let Active {
        text, buf, plan, ..
    } = active.as_mut();
    buf.reserve(raw.len() + 1024);
    text.decode(&raw[plan.encoding.bom_len.min(raw.len())..], buf, whole);
    Ok(active)
}

impl Active {
    /// The state at the start of a stretch of the input whose first byte is on
    /// physical line `line` and follows a line end outside quotes (or is the
    /// file's first byte: then `at_start`, and a header is expected when the plan
    /// has one).
    fn new(plan: Plan, at_start: bool, line: u64) -> Box<Active> {
        Box::new(Active {
            splitter: RecordSplitter::at_line(plan.delimiter, line),
            header_pending: at_start && plan.has_header,
            converter: Converter::new(&plan),
            text: TextDecoder::new(plan.encoding.encoding),
            plan,
            buf: String::new(),
            fields: fields::Fields::new(),
            rows_read: 0,
        })
    }

    /// Sizes the columns once for the `rows` the budget projects (2% spare, never
    /// more than one row per two bytes of a `total`-byte input), instead of letting
    /// them grow by doubling (which briefly holds the old and the new buffer: in
    /// wasm, whose memory never shrinks, that peak stays).
    /// What the load so far became, for the memory budget, after `bytes` input bytes.
    fn progress(&self, bytes: u64) -> memory::Progress {
        let builder = &self.converter.builder;
        memory::Progress {
            bytes,
            rows: builder.len() as u64,
            row_bytes: builder.row_bytes() as u64,
            dictionary_bytes: builder.dictionary_bytes() as u64,
        }
    }

    /// Decodes and parses the next `chunk`, checks `budget` at `bytes` read so
    /// far, and the first time it projects the load's rows sizes the columns for
    /// them (`reserved` remembers; `total`: the bytes this load reads). The push of
    /// a load in parts ([`parallel`]); the sequential [`Loader`] sizes its columns
    /// once, when its plan is made.
    fn push_checked(
        &mut self,
        file: &str,
        chunk: &[u8],
        budget: &mut memory::Budget,
        bytes: u64,
        reserved: &mut bool,
        total: u64,
    ) -> Result<()> {
        self.feed_chunk(file, chunk)?;
        if let Some(rows) = budget.check(file, self.progress(bytes))?
            && !*reserved
        {
            *reserved = true;
            self.reserve_rows(rows, total);
        }
        Ok(())
    }

    fn reserve_rows(&mut self, rows: u64, total: u64) {
        let want = (rows as f64 * 1.02).min(total as f64 / 2.0) as usize;
        let have = self.converter.builder.len();
        self.converter.builder.reserve(want.saturating_sub(have));
    }

    /// Decodes and parses the next `chunk`. UTF-8 is parsed where it is, in the
    /// chunk (validated once, not copied into `buf` first): only the record the
    /// last chunk left incomplete is completed in `buf` — with this chunk's bytes up
    /// to its first line end — and the one this chunk leaves incomplete is copied
    /// there. Anything else (another encoding, malformed bytes, a record still open
    /// after that first line end: a quoted line end, `\r`-only line ends) takes the
    /// decoding path for the rest of the chunk.
    fn feed_chunk(&mut self, file: &str, chunk: &[u8]) -> Result<()> {
        if !self.text.is_utf8() {
            self.text.decode(chunk, &mut self.buf, false);
            return self.feed_text(file, false);
        }
        let mut rest = chunk;
        if !self.buf.is_empty() || self.text.has_carry() {
            // A line end is ASCII: the bytes before it end at a character boundary.
            let end = memchr::memchr(b'\n', rest).map_or(rest.len(), |nl| nl + 1);
            let (head, tail) = rest.split_at(end);
            self.text.decode(head, &mut self.buf, false);
            self.feed_text(file, false)?;
            rest = tail;
            if rest.is_empty() {
                return Ok(());
            }
            if !self.buf.is_empty() || self.text.has_carry() {
                self.text.decode(rest, &mut self.buf, false);
                return self.feed_text(file, false);
            }
        }
        let Some(text) = self.text.valid_prefix(rest) else {
            self.text.decode(rest, &mut self.buf, false);
            return self.feed_text(file, false);
        };
        // `buf` is empty: the splitter's offsets start at the chunk's text.
        let keep_from = self.parse(file, text, false)?;
        if !is_char_boundary(text, keep_from) {
            return Err(Error::at(
                ErrorKind::Csv("a record does not start at a character boundary".into()),
                file,
                None,
            ));
        }
        // The incomplete record waits in `buf` (a character the chunk cut, in the
        // decoder).
        self.text.decode(&rest[keep_from..], &mut self.buf, false);
        self.splitter.shift(keep_from);
        Ok(())
    }

    /// Parses every whole record in `buf` (with `last`, the final one too).
    fn feed_text(&mut self, file: &str, last: bool) -> Result<()> {
        let buf = std::mem::take(&mut self.buf);
        let parsed = self.parse(file, buf.as_bytes(), last);
        self.buf = buf;
        let keep_from = parsed?;
        if last {
            self.buf.clear();
            return Ok(());
        }
        if !self.buf.is_char_boundary(keep_from) {
            return Err(Error::at(
                ErrorKind::Csv("a record does not start at a character boundary".into()),
                file,
                None,
            ));
        }
        self.buf.drain(..keep_from);
        self.splitter.shift(keep_from);
        Ok(())
    }

    /// Parses every whole record of `text` not yet scanned (with `last`, the final
    /// one too): the text the splitter's offsets refer to. Returns where the
    /// incomplete record begins. Each record is converted as soon as the splitter
    /// completes it ([`Rows`]).
    fn parse(&mut self, file: &str, text: &[u8], last: bool) -> Result<usize> {
        let Active {
            plan,
            splitter,
            header_pending,
            fields,
            converter,
            rows_read,
            ..
        } = self;
        let mut rows = Rows {
            text,
            expected: plan.columns.len(),
            delimiter: plan.delimiter,
            header_pending,
            rows_read,
            fields,
            converter,
            bad: None,
        };
        let keep_from = splitter.scan_into(text, &mut rows);
        if last {
            match splitter.finish(text) {
                Ok(Some(rec)) => rows.record(&rec, splitter.marks(&rec)),
                Ok(None) => {}
                Err(line) => return Err(Error::at(ErrorKind::UnterminatedQuote, file, Some(line))),
            }
        }
        if let Some(line) = rows.bad {
            return Err(bad_record(file, line));
        }
        Ok(keep_from)
    }

    fn into_table(self, file: &str) -> Result<EventTable> {
        let Active {
            plan,
            converter,
            rows_read,
            text,
            ..
        } = self;
        let loaded = converter.builder.len() as u64;
        if rows_read == 0 {
            return Err(Error::at(ErrorKind::NoRows, file, None));
        }
        if loaded == 0 {
            return Err(Error::at(
                ErrorKind::NoUsableRows(converter.skipped.describe()),
                file,
                None,
            ));
        }
        let mut encoding_reason = plan.encoding.reason.clone();
        if text.malformed > 0 {
            encoding_reason.push_str(&format!(
                "; {} malformed byte sequence(s) were replaced by \u{FFFD} (choose another encoding if text looks wrong)",
                text.malformed
            ));
        }
        let meta = TableMeta {
            file: file.to_string(),
            encoding: plan.encoding.encoding.name().to_string(),
            encoding_reason,
            delimiter: plan.delimiter,
            date_order: plan.date_order.0,
            date_order_reason: plan.date_order.1.clone(),
            time_format: plan.time_format.clone(),
            time_zone: plan.tz,
            rows_read,
            order_file: !plan
                .columns
                .iter()
                .any(|c| c.role == crate::table::Role::Event),
            skipped: converter.skipped.tallies(),
            columns: plan.columns.clone(),
        };
        debug_assert_eq!(rows_read, loaded + converter.skipped.total());
        Ok(converter.builder.build(meta))
    }
}

/// The loader's [`Sink`]: each record counted, skipped with its reason, or
/// converted into a row as soon as the splitter completes it.
/// `text` is UTF-8 (decoded, or a chunk [`TextDecoder::valid_prefix`] checked):
/// an unquoted record's cells are read as bytes, cut at its delimiter offsets; a
/// quoted record is checked as text again (never failing) for its quoting rules.
struct Rows<'a> {
    /// The text the records' offsets refer to.
    text: &'a [u8],
    /// Fields per record (the plan's columns).
    expected: usize,
    delimiter: u8,
    header_pending: &'a mut bool,
    rows_read: &'a mut u64,
    /// A quoted record's fields (reused).
    fields: &'a mut fields::Fields,
    converter: &'a mut Converter,
    /// The line of the first record that was not text at character boundaries
    /// (never: records start and end at ASCII line ends of decoded text).
    bad: Option<u64>,
}

impl Sink for Rows<'_> {
    #[inline]
    fn record(&mut self, rec: &Record, marks: &[u32]) {
        if *self.header_pending {
            *self.header_pending = false;
            return;
        }
        *self.rows_read += 1;
        if rec.fields != self.expected {
            let why = format!("{} fields, expected {}", rec.fields, self.expected);
            self.converter
                .skipped
                .add(SkipReason::WrongFieldCount, rec.line, &why);
            return;
        }
        if !rec.quoted {
            // Cut at its delimiter offsets, as bytes (`Marked`).
            let Some(bytes) = self.text.get(rec.start..rec.end) else {
                self.bad.get_or_insert(rec.line);
                return;
            };
            let cells = fields::Marked::new(fields::strip_terminator_bytes(bytes), marks);
            self.converter.convert_cells(|i| cells.get(i), rec.line);
            return;
        }
        let Some(text) = self
            .text
            .get(rec.start..rec.end)
            .and_then(|b| std::str::from_utf8(b).ok())
        else {
            self.bad.get_or_insert(rec.line);
            return;
        };
        let record = fields::strip_terminator(text);
        self.fields.split(record, self.delimiter);
        self.converter.convert_row(record, self.fields, rec.line);
    }
}

/// True when `at` is the end of `text` or the start of a character in it.
fn is_char_boundary(text: &[u8], at: usize) -> bool {
    match text.get(at) {
        Some(&b) => (b as i8) >= -0x40,
        None => at == text.len(),
    }
}

/// The error of a record that is not text at character boundaries (never: records
/// start and end at ASCII line ends of decoded text).
fn bad_record(file: &str, line: u64) -> Error {
    Error::at(
        ErrorKind::Csv("a record is not valid UTF-8 after decoding".into()),
        file,
        Some(line),
    )
}

/// Loads a whole buffer, reporting progress (bytes) between chunks and stopping
/// when cancelled.
pub fn load(
    file: &str,
    bytes: &[u8],
    options: LoadOptions,
    progress: &mut dyn Progress,
) -> Result<EventTable> {
    const CHUNK: usize = 1 << 20;
    let mut loader = Loader::new(file, options)?;
    loader.expect_bytes(bytes.len() as u64)?;
    let total = bytes.len() as u64;
    for chunk in bytes.chunks(CHUNK) {
        if progress.cancelled() {
            return Err(Error::new(ErrorKind::Cancelled));
        }
        loader.push(chunk)?;
        progress.report(loader.bytes_read(), total);
    }
    loader.finish()
}

#[cfg(test)]
mod tests {
    use super::is_char_boundary;

    #[test]
    fn char_boundaries_equal_strs() {
        let text = "a,é中\n😀x";
        for at in 0..=text.len() + 1 {
            assert_eq!(
                is_char_boundary(text.as_bytes(), at),
                text.is_char_boundary(at),
                "{at}"
            );
        }
    }
}
