//! The CSV dialect: the delimiter, and where each record starts and ends.
//!
//! [`RecordSplitter`] walks the text once with the same quoting rules as `csv-core`
//! (which `arrow-csv` uses): a quote opens a quoted field only at the start of a
//! field, `""` inside quotes is a quote, `\r`, `\n` and `\r\n` end a record, and empty
//! lines are not records. It tracks *physical* line numbers (a quoted newline counts),
//! which `arrow-csv` does not, and the field count of every record, so ragged rows are
//! reported by line and never reach the parser.
//!
//! The same walk records where every field ends (the offsets of the delimiters
//! outside quotes, [`RecordSplitter::marks`]) and whether a record has a quote at
//! all, so that the fields of an unquoted record are known without walking its
//! bytes again ([`super::fields::Marked`]).

use super::blocks;

/// The delimiters that are tried, in order of preference on a tie.
pub const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Whether the splitter's fast path reads 16-byte blocks of masks ([`blocks`]):
/// in wasm with SIMD, where that is one vector load and a few compares. Natively
/// `memchr3` (AVX2) and a word-wise delimiter search measured faster than the
/// portable blocks.
const BLOCKS: bool = cfg!(all(target_arch = "wasm32", target_feature = "simd128"));

/// One complete record in the text buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    /// Offset of its first byte.
    pub start: usize,
    /// Offset just past its terminator (or the end of the text).
    pub end: usize,
    /// Physical line (1-based) where it starts.
    pub line: u64,
    /// Number of fields.
    pub fields: usize,
    /// True when the record had no terminator (the end of the file).
    pub unterminated: bool,
    /// Index of its first delimiter offset in the splitter's kept marks (records of
    /// [`RecordSplitter::scan`] and [`RecordSplitter::finish`], valid until the next
    /// scan; see [`RecordSplitter::marks`]); 0 for a record given to a [`Sink`].
    pub mark: u32,
    /// True when a quote occurs anywhere in it: its fields need the quoting rules.
    pub quoted: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

/// Where [`RecordSplitter::scan_into`] delivers each record it completes, in
/// order, as soon as it is complete (so that a loader converts it while its bytes
/// are still in the cache, with no list of records in between).
pub trait Sink {
    /// A complete record and the offsets, from its start, of its delimiters outside
    /// quotes (`rec.fields - 1` of them; valid only during the call).
    fn record(&mut self, rec: &Record, marks: &[u32]);
}

/// The records of a [`RecordSplitter::scan`], with their delimiter offsets kept.
struct Keep<'a> {
    out: &'a mut Vec<Record>,
    kept: &'a mut Vec<u32>,
}

impl Sink for Keep<'_> {
    #[inline]
    fn record(&mut self, rec: &Record, marks: &[u32]) {
        self.out.push(Record {
            mark: offset(self.kept.len()),
            ..*rec
        });
        self.kept.extend_from_slice(marks);
    }
}

/// Splits text into records, across chunk boundaries.
#[derive(Debug, Clone)]
pub struct RecordSplitter {
    delimiter: u8,
    state: State,
    fields: usize,
    content: bool,
    /// Physical line of the next byte.
    line: u64,
    last_cr: bool,
    rec_start: usize,
    rec_line: u64,
    quote_line: u64,
    cursor: usize,
    /// Offsets (from its start) of the incomplete record's delimiters outside quotes.
    marks: Vec<u32>,
    /// The delimiter offsets of the records the last [`RecordSplitter::scan`] (and
    /// [`RecordSplitter::finish`]) returned, in order ([`Record::mark`]).
    kept: Vec<u32>,
    /// Whether the fast path reads 16-byte blocks ([`BLOCKS`]; tests try both).
    blocks: bool,
    /// A quote was seen in the incomplete record.
    quoted: bool,
}

impl RecordSplitter {
    /// A splitter for `delimiter`, starting at line 1.
    pub fn new(delimiter: u8) -> Self {
        Self {
            delimiter,
            state: State::FieldStart,
            fields: 0,
            content: false,
            line: 1,
            last_cr: false,
            rec_start: 0,
            rec_line: 1,
            quote_line: 1,
            cursor: 0,
            marks: Vec::new(),
            kept: Vec::new(),
            blocks: BLOCKS,
            quoted: false,
        }
    }

    /// A splitter for `delimiter` whose first byte is on physical line `line`: a
    /// byte range that starts just after a line end outside quotes (a part of a
    /// parallel load, [`super::parallel`]) continues the file's numbering from there.
    pub fn at_line(delimiter: u8, line: u64) -> Self {
        Self {
            line,
            rec_line: line,
            quote_line: line,
            ..Self::new(delimiter)
        }
    }

    /// The splitter with its fast path reading 16-byte blocks or not (tests check
    /// both ways on every target).
    #[cfg(test)]
    pub(crate) fn with_blocks(self, blocks: bool) -> Self {
        Self { blocks, ..self }
    }

    /// True between records: after a line end outside quotes (or before anything),
    /// with no byte of a next record seen. A range that ends here ended exactly at a
    /// record boundary; one that ends inside a quoted field did not.
    pub fn between_records(&self) -> bool {
        self.state == State::FieldStart && !self.content
    }

    /// The physical line of the next byte (1 + the line ends seen so far).
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Scans the bytes of `buf` not yet seen, pushing every record completed.
    /// Returns the offset where the incomplete record begins (all before it may be
    /// dropped from the buffer, followed by [`RecordSplitter::shift`]).
    /// The delimiter offsets of the records pushed by the last scan (and of the one
    /// [`RecordSplitter::finish`] returned) are in [`RecordSplitter::marks`] until
    /// the next scan.
    pub fn scan(&mut self, buf: &[u8], out: &mut Vec<Record>) -> usize {
        let mut kept = std::mem::take(&mut self.kept);
        kept.clear();
        let keep_from = self.scan_into(
            buf,
            &mut Keep {
                out,
                kept: &mut kept,
            },
        );
        self.kept = kept;
        keep_from
    }

    /// [`RecordSplitter::scan`] delivering each record to `sink` as soon as it is
    /// complete, with its delimiter offsets (which are not kept).
    pub fn scan_into<S: Sink>(&mut self, buf: &[u8], sink: &mut S) -> usize {
        let d = self.delimiter;
        let mut i = self.cursor;
        if self.at_boundary(i) {
            i = self.plain_records(buf, i, sink);
        }
        while i < buf.len() {
            if matches!(self.state, State::FieldStart | State::Unquoted) {
                // Fast path outside quotes: jump to the next line end or quote,
                // noting the delimiters in between. Byte by byte this scan was a
                // quarter of the load time (BENCHMARKS.md).
                let stop = self.unquoted_run(buf, i);
                if stop > i {
                    self.content = true;
                    self.last_cr = false;
                    self.state = if buf[stop - 1] == d {
                        State::FieldStart
                    } else {
                        State::Unquoted
                    };
                    i = stop;
                    // The run ended at a line end or quote: handled below at once,
                    // without a second look for the stop.
                    if i >= buf.len() {
                        break;
                    }
                }
            }
            let b = buf[i];
            if b == b'"' {
                self.quoted = true;
            }
            match b {
                b'\r' => {
                    self.line += 1;
                    self.last_cr = true;
                }
                b'\n' => {
                    if !self.last_cr {
                        self.line += 1;
                    }
                    self.last_cr = false;
                }
                _ => self.last_cr = false,
            }
            match self.state {
                State::Quoted => {
                    if b == b'"' {
                        self.state = State::QuoteInQuoted;
                    } else {
                        // Fast path: skip to the next quote.
                        if let Some(q) = buf[i + 1..]
                            .iter()
                            .position(|&c| c == b'"' || c == b'\n' || c == b'\r')
                        {
                            let skipped = &buf[i + 1..i + 1 + q];
                            if !skipped.is_empty() {
                                self.last_cr = false;
                            }
                            i += q + 1;
                            continue;
                        }
                        if i + 1 < buf.len() {
                            self.last_cr = false;
                        }
                        i = buf.len();
                        continue;
                    }
                }
                State::QuoteInQuoted if b == b'"' => self.state = State::Quoted,
                _ if b == d => {
                    self.marks.push(offset(i - self.rec_start));
                    self.fields += 1;
                    self.content = true;
                    self.state = State::FieldStart;
                }
                _ if b == b'\n' || b == b'\r' => {
                    if self.content {
                        let rec = Record {
                            start: self.rec_start,
                            end: i + 1,
                            line: self.rec_line,
                            fields: self.fields + 1,
                            unterminated: false,
                            mark: 0,
                            quoted: self.quoted,
                        };
                        sink.record(&rec, &self.marks);
                    }
                    self.marks.clear();
                    self.fields = 0;
                    self.content = false;
                    self.quoted = false;
                    self.state = State::FieldStart;
                    self.rec_start = i + 1;
                    self.rec_line = self.line;
                    if b == b'\n' {
                        i = self.plain_records(buf, i + 1, sink);
                        continue;
                    }
                }
                State::FieldStart if b == b'"' => {
                    self.state = State::Quoted;
                    self.content = true;
                    self.quote_line = self.line;
                }
                _ => {
                    self.state = State::Unquoted;
                    self.content = true;
                }
            }
            i += 1;
        }
        self.cursor = buf.len();
        self.rec_start
    }

    /// True at the start of a record at `i`, with nothing of it seen and no `\r`
    /// just before: where [`RecordSplitter::plain_records`] may take over.
    #[inline]
    fn at_boundary(&self, i: usize) -> bool {
        self.state == State::FieldStart && !self.content && !self.last_cr && i == self.rec_start
    }

    /// The fast path for whole plain records, from the start of a record at `i`
    /// (at a boundary: [`RecordSplitter::at_boundary`]): each record with no quote
    /// and with its `\n` or `\r\n` within `buf` is found by
    /// [`RecordSplitter::plain_run`], its delimiters noted and the record pushed,
    /// with the state in locals. Stops at the start of the first record it does
    /// not take (a quote, a lone `\r`, an empty line, or — in wasm — fewer than 16
    /// bytes left before its end): the byte-wise walk goes on from there with the
    /// state exactly as it would have been after walking these records itself.
    fn plain_records<S: Sink>(&mut self, buf: &[u8], mut i: usize, sink: &mut S) -> usize {
        let mut line = self.line;
        if self.blocks {
            (i, line) = self.plain_windows(buf, i, line, sink);
        }
        // At a boundary the incomplete record has no delimiters yet: `marks` is
        // empty, and holds one record's at a time.
        let mut marks = std::mem::take(&mut self.marks);
        loop {
            let start = i;
            marks.clear();
            let Some(stop) = self.plain_run(buf, start, &mut marks) else {
                break;
            };
            // The record's end, and where the next one starts.
            let (end, next) = match (buf.get(stop), buf.get(stop + 1)) {
                (Some(b'\n'), _) => (stop + 1, stop + 1),
                (Some(b'\r'), Some(b'\n')) => (stop + 1, stop + 2),
                _ => break,
            };
            if stop == start {
                // An empty line: not a record (the walk counts its line).
                break;
            }
            let rec = Record {
                start,
                end,
                line,
                fields: marks.len() + 1,
                unterminated: false,
                mark: 0,
                quoted: false,
            };
            sink.record(&rec, &marks);
            line += 1;
            i = next;
        }
        marks.clear();
        self.marks = marks;
        self.line = line;
        self.rec_start = i;
        self.rec_line = line;
        i
    }

    /// The fast path's first stage in wasm: from the start of a record at `i` on
    /// physical line `line`, 64 bytes at a time ([`blocks::window`]: where the
    /// delimiters, line ends and quotes are), every delimiter and line end taken in
    /// order from the masks' bits, whatever records they belong to, and each record
    /// ended by `\n` or `\r\n` delivered at its line end. Stops at the start of
    /// the record where a quote, a lone `\r`, an empty line, a record of more than
    /// [`WINDOW_MARKS`] delimiters or the last 64 bytes of `buf` are: returns that
    /// start and its line, for the per-record path and the byte-wise walk.
    #[inline]
    fn plain_windows<S: Sink>(
        &self,
        buf: &[u8],
        i: usize,
        mut line: u64,
        sink: &mut S,
    ) -> (usize, u64) {
        let d = self.delimiter;
        let mut marks = [0u32; WINDOW_MARKS];
        // Delimiters of the current record so far.
        let mut n = 0;
        // The current record's start.
        let mut start = i;
        let mut w = i;
        while let Some(bytes) = buf.get(w..w + 64) {
            let Ok(bytes) = <&[u8; 64]>::try_from(bytes) else {
                break;
            };
            let m = blocks::window(bytes, d);
            // Only the bytes before the window's first quote.
            let before = match m.quote.trailing_zeros() {
                64 => u64::MAX,
                q => (1u64 << q) - 1,
            };
            let mut bits = (m.delimiter | m.end) & before;
            while bits != 0 {
                let b = bits.trailing_zeros();
                bits &= bits - 1;
                let at = w + b as usize;
                if m.delimiter >> b & 1 != 0 {
                    let Some(slot) = marks.get_mut(n) else {
                        return (start, line);
                    };
                    *slot = offset(at - start);
                    n += 1;
                    continue;
                }
                if at < start {
                    // The `\n` of a `\r\n` already taken.
                    continue;
                }
                if at == start {
                    // An empty line: not a record (the walk counts its line).
                    return (start, line);
                }
                let next = match (buf.get(at), buf.get(at + 1)) {
                    (Some(b'\n'), _) => at + 1,
                    (Some(b'\r'), Some(b'\n')) => at + 2,
                    _ => return (start, line),
                };
                let rec = Record {
                    start,
                    end: at + 1,
                    line,
                    fields: n + 1,
                    unterminated: false,
                    mark: 0,
                    quoted: false,
                };
                sink.record(&rec, marks.get(..n).unwrap_or_default());
                line += 1;
                n = 0;
                start = next;
            }
            if before != u64::MAX {
                break;
            }
            w += 64;
        }
        (start, line)
    }

    /// From the start of a record at `start` to its first line end or quote:
    /// pushes the offsets (from `start`) of the delimiters on the way to `marks`
    /// and returns where it stopped; `None` when `buf` ends first (then `marks`
    /// may hold some of the record's: the caller drops them). In wasm sixteen
    /// bytes at a time ([`blocks`], `None` when fewer than 16 are left), natively
    /// `memchr3` and then the word-wise delimiter search.
    #[inline(always)]
    fn plain_run(&self, buf: &[u8], start: usize, marks: &mut Vec<u32>) -> Option<usize> {
        let d = self.delimiter;
        if !self.blocks {
            let rest = buf.get(start..)?;
            let stop = memchr::memchr3(b'\n', b'\r', b'"', rest)?;
            push_offsets(&rest[..stop], d, 0, marks);
            return Some(start + stop);
        }
        let mut j = start;
        loop {
            let block: &[u8; 16] = buf.get(j..j + 16)?.try_into().ok()?;
            let m = blocks::masks(block, d);
            let stop = m.stop.trailing_zeros().min(16);
            let mut hits = m.delimiter & ((1u32 << stop) - 1);
            let base = j - start;
            while hits != 0 {
                marks.push(offset(base + hits.trailing_zeros() as usize));
                hits &= hits - 1;
            }
            if stop < 16 {
                return Some(j + stop as usize);
            }
            j += 16;
        }
    }

    /// From `i` (outside quotes) to the next line end or quote (or the end of
    /// `buf`): records the delimiters on the way and returns where it stopped.
    /// In wasm sixteen bytes at a time ([`blocks`]); natively, and for the last
    /// few bytes, `memchr3` to the stop (AVX2 natively: faster there than the
    /// portable blocks, BENCHMARKS.md) and then the delimiters before it.
    #[inline]
    fn unquoted_run(&mut self, buf: &[u8], mut i: usize) -> usize {
        let d = self.delimiter;
        let before = self.marks.len();
        while self.blocks
            && let Some(block) = buf.get(i..i + 16)
        {
            let Ok(block) = <&[u8; 16]>::try_from(block) else {
                break;
            };
            let m = blocks::masks(block, d);
            let stop = m.stop.trailing_zeros().min(16);
            let mut hits = m.delimiter & ((1u32 << stop) - 1);
            let base = i - self.rec_start;
            while hits != 0 {
                let at = base + hits.trailing_zeros() as usize;
                self.marks.push(offset(at));
                hits &= hits - 1;
            }
            if stop < 16 {
                self.fields += self.marks.len() - before;
                return i + stop as usize;
            }
            i += 16;
        }
        let rest = &buf[i..];
        let stop = memchr::memchr3(b'\n', b'\r', b'"', rest).unwrap_or(rest.len());
        push_offsets(&rest[..stop], d, i - self.rec_start, &mut self.marks);
        self.fields += self.marks.len() - before;
        i + stop
    }

    /// The caller removed the first `n` bytes of the buffer.
    pub fn shift(&mut self, n: usize) {
        self.rec_start -= n;
        self.cursor -= n;
    }

    /// At the end of the text: the last record if it had no terminator, or the line
    /// of a quote that was never closed.
    pub fn finish(&mut self, buf: &[u8]) -> Result<Option<Record>, u64> {
        if self.state == State::Quoted {
            return Err(self.quote_line);
        }
        if !self.content {
            return Ok(None);
        }
        let rec = Record {
            start: self.rec_start,
            end: buf.len(),
            line: self.rec_line,
            fields: self.fields + 1,
            unterminated: true,
            mark: offset(self.kept.len()),
            quoted: self.quoted,
        };
        self.kept.append(&mut self.marks);
        self.content = false;
        self.quoted = false;
        self.rec_start = buf.len();
        Ok(Some(rec))
    }

    /// The offsets, from the record's start, of the delimiters outside quotes of a
    /// record of the last scan (or of the record [`RecordSplitter::finish`] returned):
    /// `fields - 1` of them, so field `i` ends at `marks[i]` (the last at the
    /// record's end).
    pub fn marks(&self, rec: &Record) -> &[u32] {
        let from = rec.mark as usize;
        self.kept
            .get(from..from + rec.fields - 1)
            .unwrap_or_default()
    }
}

/// The most delimiters of a record [`RecordSplitter::plain_windows`] takes (a
/// record with more goes the per-record path).
const WINDOW_MARKS: usize = 64;

/// `n` as a `u32` offset (records and buffers stay far below 4 GiB: the input is
/// pushed in chunks of a few MiB).
#[inline]
fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Pushes `base + j` for every `span[j] == d`, eight bytes at a time: each word
/// is compared with the delimiter repeated (the exact zero-byte test, no false
/// positives), and the set high bits give the positions. In one walk this finds
/// what counting the delimiters and then splitting the fields found in two.
#[inline]
fn push_offsets(span: &[u8], d: u8, base: usize, out: &mut Vec<u32>) {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let pattern = u64::from_ne_bytes([d; 8]);
    let mut words = span.chunks_exact(8);
    let mut at = base;
    for word in &mut words {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(word);
        let x = u64::from_le_bytes(bytes) ^ pattern;
        // High bit of each byte set exactly where the byte of `x` is zero.
        let mut hits = !(((x & LOW7) + LOW7) | x | LOW7);
        while hits != 0 {
            out.push(offset(at + (hits.trailing_zeros() / 8) as usize));
            hits &= hits - 1;
        }
        at += 8;
    }
    for (j, &c) in words.remainder().iter().enumerate() {
        if c == d {
            out.push(offset(at + j));
        }
    }
}

/// Chooses the delimiter from the start of the text: the candidate that splits the
/// first records into the same number of fields most consistently, preferring more
/// fields. Returns the delimiter and why it was chosen.
pub fn sniff_delimiter(sample: &[u8]) -> (u8, String) {
    let mut best: Option<(u8, f64, usize)> = None;
    for &d in &CANDIDATES {
        let mut s = RecordSplitter::new(d);
        let mut recs = Vec::new();
        s.scan(sample, &mut recs);
        recs.truncate(200);
        let Some(first) = recs.first() else { continue };
        let h = first.fields;
        if h < 2 {
            continue;
        }
        let same = recs.iter().filter(|r| r.fields == h).count() as f64 / recs.len() as f64;
        let better = match best {
            None => true,
            Some((_, bs, bh)) => {
                (same >= 0.9 && bs < 0.9)
                    || ((same >= 0.9) == (bs >= 0.9) && (h > bh || (h == bh && same > bs)))
            }
        };
        if better {
            best = Some((d, same, h));
        }
    }
    match best {
        Some((d, _, h)) => (
            d,
            format!("splits the header into {h} columns consistently"),
        ),
        None => (b',', "only one column found with any delimiter".into()),
    }
}

/// A printable name of a delimiter.
pub fn delimiter_name(d: u8) -> String {
    match d {
        b'\t' => "tab".into(),
        b' ' => "space".into(),
        other => (other as char).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The splitter's rules byte by byte, written plainly (no fast path): the
    /// reference the optimised scan is checked against.
    /// Each record comes with the offsets of its delimiters outside quotes.
    type Marked = (Record, Vec<u32>);

    fn reference(text: &[u8], d: u8) -> (Vec<Marked>, Result<(), u64>) {
        let (mut out, mut line, mut rec_line, mut rec_start) = (Vec::new(), 1u64, 1u64, 0usize);
        let (mut fields, mut content, mut quoted, mut after_quote, mut at_start) =
            (0usize, false, false, false, true);
        let (mut marks, mut any_quote) = (Vec::new(), false);
        let mut quote_line = 1;
        let mut i = 0;
        while i < text.len() {
            let b = text[i];
            any_quote |= b == b'"';
            let is_crlf_tail = b == b'\n' && i > 0 && text[i - 1] == b'\r';
            if (b == b'\n' && !is_crlf_tail) || b == b'\r' {
                line += 1;
            }
            if quoted {
                if b == b'"' {
                    quoted = false;
                    after_quote = true;
                }
            } else if after_quote && b == b'"' {
                quoted = true;
                after_quote = false;
            } else if b == d {
                marks.push((i - rec_start) as u32);
                fields += 1;
                content = true;
                at_start = true;
                after_quote = false;
            } else if b == b'\n' || b == b'\r' {
                if content {
                    let rec = Record {
                        start: rec_start,
                        end: i + 1,
                        line: rec_line,
                        fields: fields + 1,
                        unterminated: false,
                        mark: 0,
                        quoted: any_quote,
                    };
                    out.push((rec, std::mem::take(&mut marks)));
                }
                marks.clear();
                (fields, content, at_start, after_quote, any_quote) =
                    (0, false, true, false, false);
                rec_start = i + 1;
                rec_line = line;
            } else if at_start && b == b'"' {
                quoted = true;
                content = true;
                at_start = false;
                quote_line = line;
            } else {
                content = true;
                at_start = false;
                after_quote = false;
            }
            i += 1;
        }
        if quoted {
            return (out, Err(quote_line));
        }
        if content {
            let rec = Record {
                start: rec_start,
                end: text.len(),
                line: rec_line,
                fields: fields + 1,
                unterminated: true,
                mark: 0,
                quoted: any_quote,
            };
            out.push((rec, marks));
        }
        (out, Ok(()))
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// Fed in random chunks, the splitter finds the records of the plain reference,
        /// with the same delimiter offsets and quote flags.
        #[test]
        fn scan_agrees_with_the_plain_reference(
            picks in proptest::collection::vec(0usize..64, 0..400),
            dense in proptest::bool::ANY,
            cuts in proptest::collection::vec(0usize..400, 0..6),
            semicolon in proptest::bool::ANY,
            blocks in proptest::bool::ANY,
        ) {
            // Dense: a line end or quote every few bytes. Sparse: runs of tens of
            // bytes between them, which the 16-byte blocks of the fast path cross.
            let alphabet: &[u8] = if dense { b"ab,;\"\r\n " } else { b"abcdefgh,;,; ab\"\r\nabcdefgh,;ab,;,;xyzxyzxyzxyzxyzxyzxyzxyz,,;;" };
            let bytes: Vec<u8> = picks.iter().map(|&p| alphabet[p % alphabet.len()]).collect();
            let d = if semicolon { b';' } else { b',' };
            let (want, want_end) = reference(&bytes, d);
            let mut s = RecordSplitter::new(d).with_blocks(blocks);
            let mut got = Vec::new();
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(bytes.len())).collect();
            cuts.sort_unstable();
            cuts.push(bytes.len());
            // The marks of a scan's records are valid until the next scan.
            let marked = |s: &RecordSplitter, recs: &[Record]| -> Vec<Marked> {
                recs.iter().map(|r| (Record { mark: 0, ..*r }, s.marks(r).to_vec())).collect()
            };
            for c in cuts {
                let mut recs = Vec::new();
                s.scan(&bytes[..c], &mut recs);
                got.extend(marked(&s, &recs));
            }
            let end = s.finish(&bytes).map(|last| got.extend(marked(&s, &Vec::from_iter(last))));
            proptest::prop_assert_eq!(&got, &want);
            proptest::prop_assert_eq!(end, want_end);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]
        /// Records of the shape the fast path for plain records takes (fields of
        /// 0–40 bytes: many records longer than a block or a window, many shorter),
        /// ended by `\n`, `\r\n`, a lone `\r` or an empty line, some with a
        /// quoted field (with a line end inside), some of 64–71 fields (more
        /// delimiters than the window path holds), fed in chunks cut anywhere: with
        /// and without the blocks, the records, their delimiter offsets, the line
        /// after each scan and whether it ended between records equal the plain
        /// reference's.
        #[test]
        fn plain_records_agree_with_the_reference(
            rows in proptest::collection::vec(
                (proptest::collection::vec(0usize..40, 1..9), 0usize..12, 0usize..8, 0usize..16), 0..60),
            cuts in proptest::collection::vec(0usize..3000, 0..8),
            tab in proptest::bool::ANY,
        ) {
            let d = if tab { b'\t' } else { b',' };
            let mut bytes = Vec::new();
            for (r, (fields, quote, end, wide)) in rows.iter().enumerate() {
                let count = if *wide == 0 { 64 + fields.len() - 1 } else { fields.len() };
                for (f, &len) in fields.iter().cycle().take(count).enumerate() {
                    if f > 0 {
                        bytes.push(d);
                    }
                    if *quote == 0 && f == 1 {
                        bytes.extend_from_slice(b"\"q,\n\"\"\"");
                    }
                    bytes.extend((0..len).map(|k| b"abcdefghij0123456789 xyz"[(k * 7 + r + f) % 24]));
                }
                bytes.extend_from_slice(match end {
                    0..=2 => &b"\n"[..],
                    3 | 4 => b"\r\n",
                    5 => b"\r",
                    6 => b"\n\n",
                    _ => b"\r\n\r\n",
                });
            }
            let (want, want_end) = reference(&bytes, d);
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(bytes.len())).collect();
            cuts.sort_unstable();
            cuts.push(bytes.len());
            let mut walks = Vec::new();
            for blocks in [false, true] {
                let mut s = RecordSplitter::new(d).with_blocks(blocks);
                let mut got = Vec::new();
                let mut states = Vec::new();
                for &c in &cuts {
                    let mut recs = Vec::new();
                    s.scan(&bytes[..c], &mut recs);
                    got.extend(recs.iter().map(|r| (Record { mark: 0, ..*r }, s.marks(r).to_vec())));
                    states.push((s.line(), s.between_records()));
                }
                let end = s.finish(&bytes).map(|last| {
                    got.extend(last.iter().map(|r| (Record { mark: 0, ..*r }, s.marks(r).to_vec())));
                });
                proptest::prop_assert_eq!(&got, &want, "blocks {}", blocks);
                proptest::prop_assert_eq!(&end, &want_end);
                walks.push(states);
            }
            proptest::prop_assert_eq!(&walks[0], &walks[1]);
        }
    }

    fn split_all(text: &str, d: u8) -> Vec<Record> {
        let mut s = RecordSplitter::new(d);
        let mut out = Vec::new();
        s.scan(text.as_bytes(), &mut out);
        if let Ok(Some(r)) = s.finish(text.as_bytes()) {
            out.push(r);
        }
        out
    }

    #[test]
    fn lines_fields_quotes_and_terminators() {
        let t = "a,b,c\r\n1,\"x\ny\",3\n\n4,\"q\"\"\",6\r7,8,9";
        let r = split_all(t, b',');
        let lines: Vec<_> = r.iter().map(|r| (r.line, r.fields)).collect();
        assert_eq!(lines, vec![(1, 3), (2, 3), (5, 3), (6, 3)]);
        assert!(r[3].unterminated);
        assert_eq!(&t[r[1].start..r[1].end], "1,\"x\ny\",3\n");
    }

    #[test]
    fn chunked_scan_equals_whole_scan() {
        let t = "u,t\r\n\"a\r\nb\",2\n3,\"4\"\"x\"\r\n5,6\n";
        let whole = split_all(t, b',');
        for cut in 1..t.len() {
            let mut s = RecordSplitter::new(b',');
            let mut out = Vec::new();
            let mut buf: Vec<u8> = t.as_bytes()[..cut].to_vec();
            let keep = s.scan(&buf, &mut out);
            let mut got: Vec<(u64, usize, String)> = out
                .iter()
                .map(|r| {
                    (
                        r.line,
                        r.fields,
                        String::from_utf8_lossy(&buf[r.start..r.end]).into(),
                    )
                })
                .collect();
            buf.drain(..keep);
            s.shift(keep);
            buf.extend_from_slice(&t.as_bytes()[cut..]);
            out.clear();
            s.scan(&buf, &mut out);
            got.extend(out.iter().map(|r| {
                (
                    r.line,
                    r.fields,
                    String::from_utf8_lossy(&buf[r.start..r.end]).into(),
                )
            }));
            let want: Vec<(u64, usize, String)> = whole
                .iter()
                .map(|r| (r.line, r.fields, t[r.start..r.end].to_string()))
                .collect();
            assert_eq!(got, want, "cut at {cut}");
        }
    }

    #[test]
    fn unterminated_quote_names_its_line() {
        let t = "a,b\n1,2\n3,\"oops\n4,5\n";
        let mut s = RecordSplitter::new(b',');
        let mut out = Vec::new();
        s.scan(t.as_bytes(), &mut out);
        assert_eq!(s.finish(t.as_bytes()), Err(3));
    }

    #[test]
    fn sniffs_each_delimiter() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1,2,3\n").0, b',');
        assert_eq!(sniff_delimiter(b"a;b;c\n1,5;2;3\n").0, b';');
        assert_eq!(sniff_delimiter(b"a\tb\n1\t2\n").0, b'\t');
        assert_eq!(sniff_delimiter(b"a|b|c\n1|2|3\n").0, b'|');
        assert_eq!(sniff_delimiter(b"name,\"x;y\"\n1,2\n").0, b',');
    }
}
