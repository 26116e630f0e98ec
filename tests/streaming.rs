//! The streaming loader's chunk handling against one push of the whole input (which
//! decodes all of it into one buffer before parsing). UTF-8 is parsed in place, in
//! each pushed chunk, with only the record a chunk leaves open carried over to the
//! next: on random records after a prefix longer than the sniffing sample —
//! multi-byte characters (split by chunk ends), invalid UTF-8 and a truncated
//! character (at chunk ends too), quoted line ends and delimiters, CRLF and
//! `\r`-only line ends, ragged and blank lines, numeric ids of 1–20 digits with
//! leading zeros, times at the edges of the day — cut into chunks of random sizes
//! from one byte up (so that every byte of a record is a chunk boundary in some
//! case), the table (every row, every dictionary in key order, the summary with its
//! skipped rows and lines and the encoding's malformed count) or the error is the
//! same.

use proptest::prelude::*;
use tidemark::ingest::{LoadOptions, Loader};

#[path = "common/table_dump.rs"]
mod table_dump;
use table_dump::outcome;

/// A header and rows past the sniffing sample, so that the body streams.
fn prefix() -> Vec<u8> {
    let mut out = b"user_id,time,event,revenue,note\n".to_vec();
    let mut i = 0u64;
    while out.len() <= tidemark::ingest::sniff::SNIFF_BYTES + 1000 {
        let note = ["plain", "é中", "", "\"a,b\""][i as usize % 4];
        out.extend(
            format!(
                "{},2024-01-{:02}T{:02}:{:02}:{:02}Z,ev{},{},{note}\n",
                3_006_369_229 + i % 977,
                1 + i % 28,
                i % 24,
                i % 60,
                (i * 7) % 60,
                i % 5,
                if i.is_multiple_of(3) { "12.5" } else { "" },
            )
            .as_bytes(),
        );
        i += 1;
    }
    out
}

const PIECES: [&[u8]; 22] = [
    b"1234567890,2024-01-02T10:11:12Z,view,,plain\n",
    b"3006369229,2024-01-02T23:59:59Z,buy,12.5,\"q,\"\"x\"\"\"\r\n",
    "中文用户,2024-01-03 00:00:00,浏览,,é\n".as_bytes(),
    b"42,2024-01-03T24:00:00Z,view,,x\n",
    b"0042,2024-02-29T01:02:03Z,view,,\"line\nbreak\"\n",
    b"9999999999999999999,2024-01-02T10:11:12Z,view,,x\r",
    b"18446744073709551616,2024-01-02T10:11:12Z,view,,x\n",
    b"1234567890123456,2024-01-02T10:1:12Z,view,,x\n",
    b"\xff\xfe bad,2024-01-02T10:11:12Z,view,,x\n",
    b"7,2024-01-02T00:00:00,view,,\xe4\xb8\n",
    b",,,,\n",
    b"a,b\n",
    b"\n",
    b"\r\n",
    b"\"",
    "é".as_bytes(),
    "中".as_bytes(),
    b"0,2024-01-02T10:11:12Z,view,-3,x",
    b"\n12345678,2024-12-31T23:59:59Z,view,,x",
    b"123456789,2024-01-02T10:11:12Z,view,1e3,\"\"\n",
    b"u1,2024-01-02T10:11:12+08:00,view,,x\r\n",
    b"u1,2024-01-02T10:11:12Z,view,NaN,x\n",
];

/// The pieces with invalid UTF-8 or a lone quote.
const BAD: [usize; 3] = [8, 9, 14];

fn whole(bytes: &[u8]) -> String {
    let run = || {
        let mut loader = Loader::new("t.csv", LoadOptions::default())?;
        loader.push(bytes)?;
        loader.finish()
    };
    outcome(run())
}

fn chunked(bytes: &[u8], sizes: &[usize], declared: bool) -> String {
    let run = || {
        let mut loader = Loader::new("t.csv", LoadOptions::default())?;
        if declared {
            loader.expect_bytes(bytes.len() as u64)?;
        }
        let (mut at, mut k) = (0, 0);
        while at < bytes.len() {
            let end = (at + sizes[k % sizes.len()]).min(bytes.len());
            loader.push(&bytes[at..end])?;
            (at, k) = (end, k + 1);
        }
        loader.finish()
    };
    outcome(run())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn chunks_parsed_in_place_equal_one_decoded_buffer(
        picks in proptest::collection::vec(0usize..PIECES.len(), 0..300),
        sizes in proptest::collection::vec(prop_oneof![1usize..80, 80usize..5000, 60_000usize..300_000], 1..40),
        declared in proptest::bool::ANY,
        clean in proptest::bool::ANY,
    ) {
        let mut bytes = prefix();
        for p in picks {
            // Invalid UTF-8 sends a whole chunk down the decoding path, and a lone
            // quote swallows the rest into one field: in half the cases, neither.
            if clean && BAD.contains(&p) {
                continue;
            }
            bytes.extend_from_slice(PIECES[p]);
        }
        let want = whole(&bytes);
        let got = chunked(&bytes, &sizes, declared);
        prop_assert!(got == want, "chunks {sizes:?}\n--- chunked\n{}\n--- whole\n{}", &got[..got.len().min(2000)], &want[..want.len().min(2000)]);
    }
}

/// Every chunk boundary inside the records after the prefix, one at a time: the
/// prefix in one push (decoded whole, with the plan), then the body in two pushes
/// (parsed in place) cut at each of its bytes.
#[test]
fn a_cut_at_every_byte_of_the_body() {
    let mut bytes = prefix();
    let body_from = bytes.len();
    for p in [0, 2, 4, 8, 9, 1, 15, 16, 19, 5, 20] {
        bytes.extend_from_slice(PIECES[p]);
    }
    let want = whole(&bytes);
    assert!(want.contains("中文用户"), "the body loaded");
    for cut in body_from + 1..bytes.len() {
        let sizes = [body_from, cut - body_from, bytes.len()];
        assert_eq!(chunked(&bytes, &sizes, true), want, "cut at {cut}");
    }
}

/// A plain CSV reader, byte by byte, with `csv-core`'s quoting rules (a quote opens
/// a quoted field only at a field's start, `""` inside quotes is a quote, text after
/// the closing quote joins the field, a quote elsewhere is literal; `\n`, `\r` and
/// `\r\n` end a record outside quotes; a line with no byte is not a record): every
/// record's first physical line and its fields, unquoted. `None` when a quote is
/// left open. No fast path, no offsets: the reference of the loader's records and
/// cells.
fn naive_records(text: &[u8], d: u8) -> Option<Vec<(u64, Vec<Vec<u8>>)>> {
    #[derive(PartialEq)]
    enum S {
        Start,
        Unquoted,
        Quoted,
        AfterQuote,
    }
    let (mut out, mut fields, mut field) = (Vec::new(), Vec::new(), Vec::new());
    let (mut state, mut line, mut rec_line, mut any) = (S::Start, 1u64, 1u64, false);
    for (i, &b) in text.iter().enumerate() {
        let new_line = b == b'\r' || (b == b'\n' && (i == 0 || text[i - 1] != b'\r'));
        let end = b == b'\n' || b == b'\r';
        match state {
            S::Quoted if b == b'"' => state = S::AfterQuote,
            S::Quoted => field.push(b),
            S::AfterQuote if b == b'"' => {
                field.push(b'"');
                state = S::Quoted;
            }
            _ if b == d => {
                fields.push(std::mem::take(&mut field));
                (state, any) = (S::Start, true);
            }
            _ if end => {
                if any {
                    fields.push(std::mem::take(&mut field));
                    out.push((rec_line, std::mem::take(&mut fields)));
                }
                (state, any) = (S::Start, false);
            }
            S::Start if b == b'"' => (state, any) = (S::Quoted, true),
            _ => {
                field.push(b);
                (state, any) = (S::Unquoted, true);
            }
        }
        if new_line {
            line += 1;
        }
        if end && state == S::Start && !any {
            rec_line = line;
        }
    }
    if matches!(state, S::Quoted) {
        return None;
    }
    if any {
        fields.push(field);
        out.push((rec_line, fields));
    }
    Some(out)
}

/// The table the loader should make of `text` (UTF-8, a header, comma-separated),
/// by the naive reader's records and cells through the same plan and converter;
/// `None` when a quote is left open. The summary's meta is `meta` (the loader's):
/// what is compared is every row, every dictionary, and the skipped rows apart.
fn naive_table(
    text: &[u8],
    meta: &tidemark::table::TableMeta,
) -> Option<(String, Vec<tidemark::table::SkipTally>, u64)> {
    use tidemark::ingest::{convert::Converter, skipped::SkipReason, sniff};
    let head = &text[..text.len().min(sniff::SNIFF_BYTES)];
    let plan = sniff::plan(
        "t.csv",
        head,
        head.len() == text.len(),
        &LoadOptions::default(),
    )
    .ok()?;
    let records = naive_records(text, plan.delimiter)?;
    let mut converter = Converter::new(&plan);
    let expected = plan.columns.len();
    let mut rows_read = 0;
    for (line, fields) in records.iter().skip(usize::from(plan.has_header)) {
        rows_read += 1;
        if fields.len() != expected {
            let why = format!("{} fields, expected {expected}", fields.len());
            converter
                .skipped
                .add(SkipReason::WrongFieldCount, *line, &why);
            continue;
        }
        converter.convert_cells(|i| fields[i].as_slice(), *line);
    }
    let skipped = converter.skipped.tallies();
    let table = converter.builder.build(meta.clone());
    Some((table_dump::dump(&table), skipped, rows_read))
}

/// Records for the fast paths and their hand-backs: plain ones of the benchmark's
/// shape (shorter and longer than the 16- and 64-byte steps), and quotes, quoted
/// line ends and delimiters, CRLF, lone CR, empty lines, multi-byte characters,
/// ragged records, a record of 80 fields (more delimiters than a window path
/// holds), long cells.
const SHAPES: [&str; 16] = [
    "3620491348,page_view,2025-01-06T01:55:18Z,,email,desktop,BR,\n",
    "3620491348,purchase,2025-01-06T02:01:46Z,32.65,email,desktop,BR,beauty\n",
    "1605857724,product_view,2025-01-06T03:02:13Z,,organic_search,mobile,US,books\r\n",
    "42,page_view,2025-01-06T03:02:13Z,,direct,tablet,DE,\r",
    "\n",
    "\r\n",
    "7,\"add,to\ncart\",2025-01-06T03:02:14Z,,\"a\"\"b\",x,FR,\n",
    "8,\"quoted\"tail,2025-01-06 03:02:15,1.5,email,desktop,中国,é\n",
    "9,sign\"up,2025-01-06T03:02:16Z,,email,desktop,BR,\n",
    "10,page_view,2025-01-06T03:02:17Z,,email\n",
    "11,page_view,2025-01-06T03:02:18Z,,email,desktop,BR,,,\n",
    ",page_view,2025-01-06T03:02:19Z,,email,desktop,BR,\n",
    " 12 ,  page_view ,2025-01-06T03:02:20Z, 3 ,email,desktop,BR,x\n",
    "13,page_view,not a time,,email,desktop,BR,\n",
    "14,a_rather_long_event_name_that_spans_more_than_one_window_of_sixty_four_bytes,2025-01-06T03:02:21Z,,email,desktop,BR,a_long_category_value_too\n",
    "",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]
    /// The loader (its fast paths: whole plain records found 64 or 16 bytes at a
    /// time and converted as each is found; chunks parsed in place) on random
    /// records after a prefix longer than the sniffing sample, cut into chunks at
    /// random, makes the table of the naive reader's records and cells: the same
    /// rows, dictionaries, skipped rows with their reasons and lines.
    #[test]
    fn the_loader_equals_a_naive_reader(
        picks in proptest::collection::vec(0usize..SHAPES.len() + 1, 0..400),
        sizes in proptest::collection::vec(prop_oneof![1usize..100, 100usize..5000, 60_000usize..300_000], 1..20),
    ) {
        let mut text = b"user_id,event,timestamp,revenue,channel,device,country,category\n".to_vec();
        let mut i = 0u64;
        while text.len() <= tidemark::ingest::sniff::SNIFF_BYTES + 500 {
            text.extend(format!("{},page_view,2025-01-06T00:00:{:02}Z,,email,desktop,BR,\n", 1_000_000 + i % 997, i % 60).as_bytes());
            i += 1;
        }
        for p in picks {
            match SHAPES.get(p) {
                Some(&"") => {
                    // A record of 80 fields.
                    text.extend_from_slice(&[b'x', b','].repeat(80)[..159]);
                    text.push(b'\n');
                }
                Some(shape) => text.extend_from_slice(shape.as_bytes()),
                None => text.extend_from_slice(SHAPES[p % 3].trim_end().as_bytes()),
            }
        }
        let run = || {
            let mut loader = Loader::new("t.csv", LoadOptions::default())?;
            loader.expect_bytes(text.len() as u64)?;
            let (mut at, mut k) = (0, 0);
            while at < text.len() {
                let end = (at + sizes[k % sizes.len()]).min(text.len());
                loader.push(&text[at..end])?;
                (at, k) = (end, k + 1);
            }
            loader.finish()
        };
        let table = run().map_err(|e| TestCaseError::fail(format!("the loader failed: {e}")))?;
        let (want, skipped, rows_read) = naive_table(&text, table.meta()).ok_or_else(|| TestCaseError::fail("no quote is left open"))?;
        let got = table_dump::dump(&table);
        prop_assert!(got == want, "--- loader\n{}\n--- naive\n{}", &got[..got.len().min(3000)], &want[..want.len().min(3000)]);
        prop_assert_eq!(&table.meta().skipped, &skipped);
        prop_assert_eq!(table.meta().rows_read, rows_read);
    }
}
