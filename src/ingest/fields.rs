//! The fields of one record, with the quoting rules of `csv-core` (which
//! `arrow-csv` uses, and [`super::dialect`] mirrors): a quote opens a quoted field
//! only at the start of a field, `""` inside quotes is one quote, text after the
//! closing quote joins the field, and a quote inside an unquoted field is literal.
//!
//! This replaced `arrow-csv`'s `Decoder` on the load's hot path: the splitter had
//! already found every record and counted its fields, so tokenizing again into
//! Arrow string arrays (and then reading them back) was a third of the load
//! (BENCHMARKS.md). Unquoted fields borrow the text; only quoted fields are copied.
//! The sniffing sample still goes through `arrow-csv`, and a property test checks
//! that both agree on random records.

/// Where one field's text is.
#[derive(Debug, Clone, Copy)]
enum Span {
    /// `record[start..end]`.
    Borrowed(usize, usize),
    /// `owned[start..end]` (an unquoted copy of a quoted field).
    Owned(usize, usize),
}

/// The fields of the current quoted record; reused from record to record.
#[derive(Debug, Default)]
pub struct Fields {
    spans: Vec<Span>,
    owned: String,
}

impl Fields {
    /// An empty field list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Splits `record` (without its line terminator) at delimiter `d`.
    pub fn split(&mut self, record: &str, d: u8) {
        self.spans.clear();
        self.owned.clear();
        let bytes = record.as_bytes();
        let end = bytes.len();
        let mut i = 0;
        loop {
            if i < end && bytes[i] == b'"' {
                let start = self.owned.len();
                let mut j = i + 1;
                // Inside quotes: copy up to each quote; `""` is a literal quote.
                loop {
                    match memchr::memchr(b'"', &bytes[j..]) {
                        None => {
                            // Unterminated (the splitter refuses these): take the rest.
                            self.owned.push_str(&record[j..]);
                            j = end;
                            break;
                        }
                        Some(q) => {
                            self.owned.push_str(&record[j..j + q]);
                            j += q + 1;
                            if j < end && bytes[j] == b'"' {
                                self.owned.push('"');
                                j += 1;
                            } else {
                                break;
                            }
                        }
                    }
                }
                // Text after the closing quote belongs to the field.
                let k = memchr::memchr(d, &bytes[j..]).map_or(end, |p| j + p);
                self.owned.push_str(&record[j..k]);
                self.spans.push(Span::Owned(start, self.owned.len()));
                if k == end {
                    break;
                }
                i = k + 1;
            } else {
                let k = memchr::memchr(d, &bytes[i..]).map_or(end, |p| i + p);
                self.spans.push(Span::Borrowed(i, k));
                if k == end {
                    break;
                }
                i = k + 1;
            }
        }
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// True when there are no fields.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The text of field `i` of `record` (the same record given to [`Fields::split`]);
    /// empty when there is no such field.
    #[inline(always)]
    pub fn get<'a>(&'a self, record: &'a str, i: usize) -> &'a str {
        match self.spans.get(i) {
            Some(&Span::Borrowed(a, b)) => record.get(a..b).unwrap_or(""),
            Some(&Span::Owned(a, b)) => self.owned.get(a..b).unwrap_or(""),
            None => "",
        }
    }
}

/// The cells of an unquoted record, straight from the delimiter offsets the record
/// splitter found ([`super::dialect::RecordSplitter::marks`]): no second walk over
/// its bytes, no copy of the offsets. Cells are bytes: cut at ASCII delimiters of
/// decoded text, each is UTF-8 already, and reading it as bytes saves the two
/// character-boundary checks per cell that slicing a `str` costs (a record with a
/// quote goes through [`Fields::split`] and its quoting rules instead).
#[derive(Debug, Clone, Copy)]
pub struct Marked<'a> {
    record: &'a [u8],
    marks: &'a [u32],
}

impl<'a> Marked<'a> {
    /// The cells of `record` (without its line terminator) whose delimiters outside
    /// quotes are at `marks` (offsets from its start, in order).
    #[inline]
    pub fn new(record: &'a [u8], marks: &'a [u32]) -> Self {
        Self { record, marks }
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.marks.len() + 1
    }

    /// Never: a record has at least one field.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The bytes of field `i`: from just after delimiter `i - 1` to delimiter `i`;
    /// empty when there is no such field.
    #[inline(always)]
    pub fn get(&self, i: usize) -> &'a [u8] {
        let start = match i.checked_sub(1) {
            None => 0,
            Some(p) => match self.marks.get(p) {
                Some(&m) => m as usize + 1,
                None => return &[],
            },
        };
        let end = self.marks.get(i).map_or(self.record.len(), |&m| m as usize);
        self.record.get(start..end).unwrap_or_default()
    }
}

/// `record` without its line terminator (`\n`, `\r` or `\r\n`).
pub fn strip_terminator(record: &str) -> &str {
    record
        .strip_suffix('\n')
        .map(|r| r.strip_suffix('\r').unwrap_or(r))
        .or_else(|| record.strip_suffix('\r'))
        .unwrap_or(record)
}

/// [`strip_terminator`] on bytes.
#[inline]
pub fn strip_terminator_bytes(record: &[u8]) -> &[u8] {
    match record {
        [rest @ .., b'\r', b'\n'] | [rest @ .., b'\n' | b'\r'] => rest,
        _ => record,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::Array;
    use arrow_array::cast::AsArray;
    use arrow_csv::ReaderBuilder;
    use arrow_schema::{DataType, Field, Schema};

    use super::*;
    use crate::ingest::dialect::RecordSplitter;

    fn fields_of(record: &str, d: u8) -> Vec<String> {
        let mut f = Fields::new();
        f.split(record, d);
        (0..f.len()).map(|i| f.get(record, i).to_string()).collect()
    }

    #[test]
    fn quoting_rules() {
        assert_eq!(fields_of("a,b,c", b','), ["a", "b", "c"]);
        assert_eq!(fields_of("a,,", b','), ["a", "", ""]);
        assert_eq!(fields_of("", b','), [""]);
        assert_eq!(fields_of("\"a,b\",c", b','), ["a,b", "c"]);
        assert_eq!(fields_of("\"say \"\"hi\"\"\";x", b';'), ["say \"hi\"", "x"]);
        assert_eq!(fields_of("\"ab\"cd,e", b','), ["abcd", "e"]);
        assert_eq!(fields_of("a\"b,c", b','), ["a\"b", "c"]);
        assert_eq!(fields_of("\"line\nbreak\",z", b','), ["line\nbreak", "z"]);
        assert_eq!(fields_of("\"\",\"\"", b','), ["", ""]);
    }

    #[test]
    fn terminators() {
        assert_eq!(strip_terminator("a,b\r\n"), "a,b");
        assert_eq!(strip_terminator("a,b\n"), "a,b");
        assert_eq!(strip_terminator("a,b\r"), "a,b");
        assert_eq!(strip_terminator("a,b"), "a,b");
    }

    /// arrow-csv's decoder on the same records: the behaviour this module replaced.
    fn arrow_fields(text: &str, d: u8, columns: usize) -> Vec<Vec<String>> {
        let schema = Arc::new(Schema::new(
            (0..columns)
                .map(|i| Field::new(format!("c{i}"), DataType::Utf8, true))
                .collect::<Vec<_>>(),
        ));
        let mut decoder = ReaderBuilder::new(schema)
            .with_header(false)
            .with_delimiter(d)
            .with_batch_size(1 << 16)
            .build_decoder();
        let mut input = text.as_bytes();
        while !input.is_empty() {
            let used = decoder.decode(input).expect("arrow decodes");
            if used == 0 {
                break;
            }
            input = &input[used..];
        }
        let Some(batch) = decoder.flush().expect("arrow flushes") else {
            return Vec::new();
        };
        (0..batch.num_rows())
            .map(|r| {
                (0..columns)
                    .map(|c| {
                        let a = batch.column(c).as_string::<i32>();
                        if a.is_null(r) {
                            String::new()
                        } else {
                            a.value(r).to_string()
                        }
                    })
                    .collect()
            })
            .collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1500))]
        /// On records of one field count (as the loader feeds them), the fields equal
        /// arrow-csv's.
        #[test]
        fn fields_agree_with_arrow_csv(
            chars in proptest::collection::vec(
                proptest::sample::select(vec!["a", "b", ",", "\"", "\n", "\r\n", " ", "é", "\"\""]), 0..60),
        ) {
            let text: String = chars.concat();
            let mut s = RecordSplitter::new(b',');
            let mut recs = Vec::new();
            s.scan(text.as_bytes(), &mut recs);
            if s.finish(text.as_bytes()).is_err() {
                return Ok(()); // an open quote: the loader reports it, nothing is split
            }
            let Some(first) = recs.first() else { return Ok(()) };
            let n = first.fields;
            let same: Vec<_> = recs.iter().filter(|r| r.fields == n).collect();
            let joined: String = same.iter().map(|r| {
                let t = &text[r.start..r.end];
                format!("{}\n", strip_terminator(t))
            }).collect();
            let want = arrow_fields(&joined, b',', n);
            let got: Vec<Vec<String>> = same.iter().map(|r| fields_of(strip_terminator(&text[r.start..r.end]), b',')).collect();
            proptest::prop_assert_eq!(got, want);
        }

        /// The fields cut at the splitter's delimiter offsets (one walk) equal the
        /// fields of the two-walk split, on every record of random text (quotes,
        /// `""`, CRLF, quoted newlines, text after a closing quote), fed in chunks.
        #[test]
        fn marks_give_the_fields_of_the_split(
            chars in proptest::collection::vec(
                proptest::sample::select(vec!["a", "bc", ";", ",", "\"", "\n", "\r\n", "\r", " ", "é", "\"\""]), 0..80),
            cut in 0usize..200,
            semicolon in proptest::bool::ANY,
            blocks in proptest::bool::ANY,
        ) {
            let d = if semicolon { b';' } else { b',' };
            let text: String = chars.concat();
            let mut cut = cut.min(text.len());
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            let mut s = RecordSplitter::new(d).with_blocks(blocks);
            let mut two_walks = Fields::new();
            let mut check = |s: &RecordSplitter, recs: &[crate::ingest::dialect::Record]| {
                for r in recs {
                    let record = strip_terminator(&text[r.start..r.end]);
                    assert_eq!(strip_terminator_bytes(&text.as_bytes()[r.start..r.end]), record.as_bytes());
                    two_walks.split(record, d);
                    let b: Vec<&[u8]> = (0..two_walks.len()).map(|i| two_walks.get(record, i).as_bytes()).collect();
                    assert_eq!(b.len(), r.fields);
                    if r.quoted {
                        continue; // the loader splits these with the quoting rules
                    }
                    let marked = Marked::new(record.as_bytes(), s.marks(r));
                    let a: Vec<&[u8]> = (0..marked.len()).map(|i| marked.get(i)).collect();
                    assert_eq!(a, b, "record {record:?}");
                    assert_eq!(marked.get(r.fields), b"", "past the last field");
                }
            };
            let mut recs = Vec::new();
            s.scan(&text.as_bytes()[..cut], &mut recs);
            check(&s, &recs);
            recs.clear();
            s.scan(text.as_bytes(), &mut recs);
            check(&s, &recs);
            if let Ok(Some(last)) = s.finish(text.as_bytes()) {
                check(&s, &[last]);
            }
        }
    }
}
