//! A load in parts (`ingest::parallel`) against the sequential load of the same
//! bytes: on random CSVs with quoted delimiters, quotes and newlines, CRLF, blank
//! lines, ragged and bad rows, split at random offsets into 1–4 parts, the merged
//! table (every row, every dictionary in key order), the summary and the skipped
//! report equal the sequential load's — and so does an error. A split inside a
//! quoted newline falls back to a sequential load of the rest, still equal. Parts
//! whose users' times go backwards or tie across the cuts, users and values in some
//! parts only, still equal; and the merge itself (parts in part-local per-user
//! order placed into one table) against a naive sort of the concatenated parts.

use std::collections::HashMap;

use proptest::prelude::*;
use tidemark::error::ErrorKind;
use tidemark::ingest::parallel::{Merger, PartLoader, head_len, load_in_parts, ranges};
use tidemark::ingest::{LoadOptions, load};
use tidemark::progress::Silent;
use tidemark::table::{EventTable, Feed, PartKeys, Role, TableBuilder, TableMeta, WireWriter};

#[path = "common/table_dump.rs"]
mod table_dump;
use table_dump::{dump, outcome};

fn sequential(bytes: &[u8], options: &LoadOptions) -> String {
    outcome(load("t.csv", bytes, options.clone(), &mut Silent))
}

fn in_parts(bytes: &[u8], options: &LoadOptions, cuts: &[u64]) -> String {
    outcome(load_in_parts("t.csv", bytes, options, cuts))
}

/// The load in parts with every part, the first too, merged from its bytes (the
/// merger's receiving builder starts empty); with `piece`, each part's columns
/// written and given in pieces of that many bytes (`PartLoader::finish_in_pieces`,
/// `Merger::add_piece`).
fn in_parts_as_bytes(
    bytes: &[u8],
    options: &LoadOptions,
    cuts: &[u64],
    piece: Option<usize>,
) -> String {
    let total = bytes.len() as u64;
    let head = &bytes[..head_len(total) as usize];
    let run = || -> Result<EventTable, tidemark::Error> {
        let mut merger = Merger::new("t.csv", options, head, total)?;
        if !merger.splittable() {
            merger.push(bytes)?;
            return merger.finish();
        }
        // Each part's columns added as soon as it is announced (the page announces
        // every part first: `load_in_parts`): before the placement they wait.
        for (start, end) in ranges(bytes, cuts) {
            let mut part = PartLoader::new("t.csv", options, head, total, start, end)?;
            part.push(&bytes[start as usize..end as usize])?;
            if let Some(from) = merger.announce(&part.announce()?)? {
                merger.push(&bytes[from as usize..])?;
                break;
            }
            match piece {
                None => merger.add(part.finish()?)?,
                Some(n) => {
                    let mut added = Ok(());
                    part.finish_in_pieces(n, |p| {
                        if added.is_ok() {
                            added = merger.add_piece(p);
                        }
                    })?;
                    added?;
                    merger.add_end()?;
                }
            }
        }
        merger.finish()
    };
    outcome(run())
}

/// True when the load of `bytes` cut at `cuts` fell back to a sequential load
/// (a part ended inside a quoted field): the same steps as `load_in_parts`.
fn falls_back(bytes: &[u8], cuts: &[u64]) -> bool {
    let o = LoadOptions::default();
    let total = bytes.len() as u64;
    let head = &bytes[..head_len(total) as usize];
    let mut merger = Merger::new("t.csv", &o, head, total).expect("plan");
    for (start, end) in ranges(bytes, cuts) {
        let mut part = PartLoader::new("t.csv", &o, head, total, start, end).expect("part");
        part.push(&bytes[start as usize..end as usize])
            .expect("push");
        if merger
            .announce(&part.announce().expect("announce"))
            .expect("announce")
            .is_some()
        {
            return true;
        }
        merger.add(part.finish().expect("finish")).expect("add");
    }
    false
}

/// One cell: plain, quoted with a delimiter, a doubled quote or a newline inside,
/// non-ASCII, or blank.
fn cell(pool: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(pool).prop_map(str::to_string),
        1 => proptest::sample::select(pool).prop_map(|s| format!("\"{s}\"")),
        1 => proptest::sample::select(pool).prop_map(|s| format!("\"{s},x\"")),
        1 => proptest::sample::select(pool).prop_map(|s| format!("\"{s}\"\"q\"")),
        1 => proptest::sample::select(pool).prop_map(|s| format!("\"{s}\nnext\"")),
        1 => proptest::sample::select(pool).prop_map(|s| format!("\"{s}\r\n\r\nx\"")),
        1 => Just("用户".to_string()),
        1 => Just(String::new()),
    ]
}

const USERS: &[&str] = &["u1", "u2", "42", "7", "u3", "ü9"];
const EVENTS: &[&str] = &["view", "cart", "purchase", "sign up"];
const PLACES: &[&str] = &["CN", "DE", "US", "x"];

fn time() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => (1u32..28, 0u32..24).prop_map(|(d, h)| format!("2024-03-{d:02}T{h:02}:00:00Z")),
        1 => Just("not a time".to_string()),
        1 => Just("1900-01-01".to_string()),
        1 => Just(String::new()),
    ]
}

fn revenue() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just(String::new()),
        3 => (0u32..10_000).prop_map(|c| format!("{}.{:02}", c / 100, c % 100)),
        1 => Just("abc".to_string()),
    ]
}

/// One line: a row (sometimes ragged), or a blank line, with `\n` or `\r\n`.
fn line() -> impl Strategy<Value = String> {
    let row = (cell(USERS), time(), cell(EVENTS), revenue(), cell(PLACES));
    (row, 0u8..20, proptest::bool::ANY).prop_map(|((u, t, e, r, p), kind, crlf)| {
        let end = if crlf { "\r\n" } else { "\n" };
        match kind {
            0 => end.to_string(),
            1 => format!("{u},{t},{e}{end}"),
            2 => format!("{u},{t},{e},{r},{p},extra{end}"),
            _ => format!("{u},{t},{e},{r},{p}{end}"),
        }
    })
}

fn csv() -> impl Strategy<Value = (Vec<u8>, bool)> {
    (
        proptest::collection::vec(line(), 1..40),
        proptest::bool::ANY,
        0u8..8,
    )
        .prop_map(|(lines, bom, ending)| {
            let mut text = String::new();
            if bom {
                text.push('\u{FEFF}');
            }
            text.push_str("user_id,timestamp,event,revenue,country\n");
            for l in lines {
                text.push_str(&l);
            }
            match ending {
                // No final line end.
                0 => {
                    while text.ends_with(['\n', '\r']) {
                        text.pop();
                    }
                }
                // A quote never closed.
                1 => text.push_str("u1,\"2024-03-01"),
                _ => {}
            }
            (text.into_bytes(), bom)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    /// Any split into 1–4 parts gives the sequential load's table, summary and
    /// skipped rows, or its error.
    #[test]
    fn parts_merge_into_the_sequential_load(
        (bytes, _bom) in csv(),
        cuts in proptest::collection::vec(0u64..4000, 0..4),
        piece in proptest::option::of(1usize..300),
    ) {
        let o = LoadOptions::default();
        let want = sequential(&bytes, &o);
        let cuts: Vec<u64> = cuts.iter().map(|c| c % (bytes.len() as u64 + 1)).collect();
        prop_assert_eq!(in_parts(&bytes, &o, &cuts), want.clone());
        prop_assert_eq!(in_parts_as_bytes(&bytes, &o, &cuts, piece), want);
    }

    /// A part's columns written in pieces as its sort makes them are its columns
    /// written whole, cut every `piece` bytes: each piece but the last exactly
    /// that long, none empty, in order.
    #[test]
    fn a_parts_pieces_are_its_columns_cut_in_order(
        (bytes, _bom) in csv(),
        cut in 0u64..4000,
        piece in 1usize..600,
    ) {
        let o = LoadOptions::default();
        let total = bytes.len() as u64;
        let head = &bytes[..head_len(total) as usize];
        for (start, end) in ranges(&bytes, &[cut % (total + 1)]) {
            let part = || -> Result<PartLoader, tidemark::Error> {
                let mut part = PartLoader::new("t.csv", &o, head, total, start, end)?;
                part.push(&bytes[start as usize..end as usize])?;
                part.announce()?;
                Ok(part)
            };
            let (Ok(whole), Ok(cut)) = (part(), part()) else {
                continue;
            };
            let whole = whole.finish().expect("the columns");
            let mut pieces: Vec<Vec<u8>> = Vec::new();
            cut.finish_in_pieces(piece, |p| pieces.push(p.to_vec())).expect("the pieces");
            prop_assert!(!pieces.is_empty());
            prop_assert!(pieces.iter().all(|p| !p.is_empty()));
            let (last, full) = pieces.split_last().expect("a piece");
            prop_assert!(full.iter().all(|p| p.len() == piece));
            prop_assert!(last.len() <= piece);
            prop_assert_eq!(pieces.concat(), whole);
        }
    }
}

/// `lines` data lines after the header `user_id,timestamp,event,country`, every
/// 10th with a country holding a quoted newline; line `bad` (a physical line
/// number) has an unreadable time.
fn big_file(lines: usize, bad: u64) -> Vec<u8> {
    let mut text = String::from("user_id,timestamp,event,country\n");
    let mut line = 2u64;
    for i in 0..lines {
        let time = if line == bad {
            "soon".to_string()
        } else {
            format!("2024-01-{:02}T00:00:{:02}Z", 1 + i % 28, i % 60)
        };
        let country = if i % 10 == 3 { "\"Dubai,\nUAE\"" } else { "CN" };
        text.push_str(&format!(
            "user{},{time},event{},{country}\n",
            i % 997,
            i % 7
        ));
        line += if i % 10 == 3 { 2 } else { 1 };
    }
    text.into_bytes()
}

#[test]
fn a_big_file_in_parts_equals_the_sequential_load_and_names_the_bad_line() {
    // Larger than the 256 KB head, so the plan sees only the head; the bad row sits
    // in the third part, its line counted from the file's start (hand-computed:
    // row 27,272 starts on line 2 + 27,272 + 2,727 quoted newlines = 30,001).
    let bytes = big_file(30_000, 30_001);
    assert!(bytes.len() > 4 * 256 * 1024);
    let o = LoadOptions::default();
    let want = sequential(&bytes, &o);
    let t = load_in_parts("t.csv", &bytes, &o, &[400_000, 800_000, 1_100_000]).expect("loads");
    let skipped = &t.meta().skipped;
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].lines, vec![30_001]);
    assert_eq!(skipped[0].count, 1);
    assert_eq!(t.len(), 29_999);
    assert_eq!(dump(&t), want);
}

#[test]
fn a_split_inside_a_quoted_newline_falls_back_and_is_still_equal() {
    let bytes = big_file(30_000, 5);
    let text = String::from_utf8(bytes.clone()).expect("utf-8");
    // Cut just before the newline inside the 10th quoted field past 500 KB.
    let inside = text[500_000..].find("Dubai,\n").expect("a quoted newline") + 500_000 + 5;
    let cuts = [200_000, inside as u64, 900_000];
    assert!(falls_back(&bytes, &cuts), "the cut lies inside quotes");
    assert!(!falls_back(&bytes, &[200_000, 900_000]));
    let o = LoadOptions::default();
    assert_eq!(in_parts(&bytes, &o, &cuts), sequential(&bytes, &o));
    // The same cut in the first part's range: everything after byte 0 sequential.
    let first = text.find("Dubai,\n").expect("a quoted newline") + 5;
    assert!(falls_back(&bytes, &[first as u64]));
    assert_eq!(
        in_parts(&bytes, &o, &[first as u64]),
        sequential(&bytes, &o)
    );
}

#[test]
fn an_unterminated_quote_in_the_last_part_names_its_line() {
    let mut bytes = big_file(20_000, 0);
    bytes.extend_from_slice(b"u1,\"2024-01-01\nu2,2024-01-02,e,CN\n");
    let lines = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
    let o = LoadOptions::default();
    let got = in_parts(&bytes, &o, &[300_000, 600_000]);
    assert_eq!(got, sequential(&bytes, &o));
    assert_eq!(
        got,
        format!(
            "error: t.csv:{}: a quoted field starts here and is never closed",
            lines - 1
        )
    );
}

#[test]
fn a_legacy_encoding_loads_unsplit() {
    // windows-1252 "é" (0xE9) is not UTF-8: the merger loads it sequentially.
    let mut bytes = b"user_id,timestamp,event\n".to_vec();
    for i in 0..50 {
        bytes.extend_from_slice(format!("caf\u{e9}{i},2024-01-01T00:00:00Z,view\n").as_bytes());
    }
    let latin: Vec<u8> = String::from_utf8(bytes)
        .expect("utf-8")
        .chars()
        .map(|c| c as u32 as u8)
        .collect();
    let o = LoadOptions::default();
    let head = &latin[..head_len(latin.len() as u64) as usize];
    let merger = Merger::new("t.csv", &o, head, latin.len() as u64).expect("plan");
    assert!(!merger.splittable());
    assert!(PartLoader::new("t.csv", &o, head, latin.len() as u64, 0, 10).is_err());
    assert_eq!(in_parts(&latin, &o, &[300, 900]), sequential(&latin, &o));
}

#[test]
fn the_memory_budget_and_the_size_limit_hold() {
    let bytes = big_file(30_000, 0);
    let o = LoadOptions {
        memory_limit: Some(1 << 20),
        ..LoadOptions::default()
    };
    let e = load_in_parts("t.csv", &bytes, &o, &[400_000, 800_000]).expect_err("refused");
    assert!(matches!(e.kind, ErrorKind::TooMuchMemory { .. }), "{e}");
    let e = load("t.csv", &bytes, o, &mut Silent).expect_err("refused");
    assert!(matches!(e.kind, ErrorKind::TooMuchMemory { .. }), "{e}");
    let head = &bytes[..256 * 1024];
    let e = Merger::new("t.csv", &LoadOptions::default(), head, 1 << 50)
        .err()
        .expect("too large");
    assert!(matches!(e.kind, ErrorKind::TooLarge { .. }), "{e}");
}

#[test]
fn a_corrupted_part_is_an_error_not_a_table() {
    let bytes = big_file(1_000, 0);
    let o = LoadOptions::default();
    let total = bytes.len() as u64;
    let head = &bytes[..head_len(total) as usize];
    let (start, end) = ranges(&bytes, &[])[0];
    let mut part = PartLoader::new("t.csv", &o, head, total, start, end).expect("part");
    part.push(&bytes).expect("push");
    let mut keys = part.announce().expect("announce");
    let mut columns = part.finish().expect("finish");
    let unreadable = |e: tidemark::Error| {
        assert!(
            e.to_string()
                .contains("a part of the parallel load is unreadable"),
            "{e}"
        );
    };
    // Cut keys, cut columns, columns of another range.
    let mut merger = Merger::new("t.csv", &o, head, total).expect("plan");
    let mut cut = keys.clone();
    cut.truncate(keys.len() - 3);
    unreadable(merger.announce(&cut).expect_err("corrupted keys"));
    let mut merger = Merger::new("t.csv", &o, head, total).expect("plan");
    assert_eq!(merger.announce(&keys).expect("announced"), None);
    let whole = columns.clone();
    columns.truncate(columns.len() - 3);
    unreadable(merger.add(columns).expect_err("corrupted columns"));
    let mut merger = Merger::new("t.csv", &o, head, total).expect("plan");
    assert_eq!(merger.announce(&keys).expect("announced"), None);
    let mut moved = whole.clone();
    moved[8] ^= 1;
    unreadable(
        merger
            .add(moved.clone())
            .expect_err("columns of another range"),
    );
    // The same in pieces: cut columns are an error at their end, moved ones once
    // their start is in; whole ones in pieces load.
    let announced = || {
        let mut merger = Merger::new("t.csv", &o, head, total).expect("plan");
        assert_eq!(merger.announce(&keys).expect("announced"), None);
        merger
    };
    let mut merger = announced();
    for p in whole[..whole.len() - 3].chunks(1000) {
        merger.add_piece(p).expect("a piece");
    }
    unreadable(merger.add_end().expect_err("cut columns, in pieces"));
    let mut merger = announced();
    merger.add_piece(&moved[..10]).expect("not yet known");
    unreadable(
        merger
            .add_piece(&moved[10..])
            .expect_err("another range, in pieces"),
    );
    let mut merger = announced();
    for p in whole.chunks(5) {
        merger.add_piece(p).expect("a piece");
    }
    merger.add_end().expect("the end");
    assert_eq!(
        dump(&merger.finish().expect("loads")),
        dump(&load("t.csv", &bytes, o.clone(), &mut Silent).expect("loads"))
    );
    // An event key outside the part's dictionary (one-byte keys: the first
    // block's first event key, after its count and times; no revenue column).
    let block = 16 + 8 + 1 + 1 + 8 + 1;
    let n = u32::from_le_bytes(whole[block..block + 4].try_into().expect("4 bytes")) as usize;
    let mut bad_key = whole.clone();
    bad_key[block + 4 + 8 * n] = 200;
    let mut merger = announced();
    let e = merger
        .add(bad_key)
        .expect_err("a key outside the dictionary");
    assert!(e.to_string().contains("key 200 not in a dictionary"), "{e}");
    unreadable(e);
    // Keys of another range.
    keys[8] ^= 1;
    let mut merger = Merger::new("t.csv", &o, head, total).expect("plan");
    unreadable(merger.announce(&keys).expect_err("another range"));
}

/// Lines whose users, events and countries are partly local to one quarter of
/// the file (so that some users appear in only some parts, and the later parts
/// bring new dictionary values), with times from a handful of days in any order
/// (so a user's times go backwards across a cut, and tie across it).
fn shuffled_csv() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec((0u8..10, 1u8..5, 0u8..6, 0u8..4, 0u8..5), 1..160).prop_map(|rows| {
        let n = rows.len();
        let mut text = String::from("user_id,timestamp,event,revenue,country\n");
        for (i, (u, day, e, r, c)) in rows.into_iter().enumerate() {
            let quarter = i * 4 / n;
            let user = if u < 4 {
                format!("u{u}")
            } else {
                format!("q{quarter}-{u}")
            };
            let event = if e < 3 {
                format!("e{e}")
            } else {
                format!("q{quarter}-e{e}")
            };
            let revenue = if r == 0 {
                String::new()
            } else {
                format!("{r}.5")
            };
            let country = match c {
                0 => String::new(),
                1 | 2 => format!("c{c}"),
                _ => format!("q{quarter}-c{c}"),
            };
            text.push_str(&format!(
                "{user},2024-03-0{day}T00:00:00Z,{event},{revenue},{country}\n"
            ));
        }
        text.into_bytes()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Users in some parts only, times going backwards and tying across the cuts,
    /// dictionary values first seen in a later part: still the sequential table.
    #[test]
    fn parts_out_of_time_order_merge_into_the_sequential_load(
        bytes in shuffled_csv(),
        cuts in proptest::collection::vec(0.0f64..1.0, 0..4),
    ) {
        let o = LoadOptions::default();
        let cuts: Vec<u64> = cuts.iter().map(|c| (c * bytes.len() as f64) as u64).collect();
        let want = sequential(&bytes, &o);
        prop_assert_eq!(in_parts(&bytes, &o, &cuts), want.clone());
        prop_assert_eq!(in_parts_as_bytes(&bytes, &o, &cuts, Some(7)), want);
    }
}

/// One row of the merge's reference: user, time, event, revenue, country.
type Row = (String, i64, String, Option<f64>, Option<String>);

/// A builder holding `rows` in order.
fn builder_of(rows: &[Row]) -> TableBuilder {
    let mut b = TableBuilder::new(true, &[("country".to_string(), Role::Property)]);
    for (u, t, e, r, c) in rows {
        b.push(u, *t, e, *r, &[c.as_deref()]);
    }
    b
}

/// The naive reference of a merge: every part's rows concatenated in file order,
/// then sorted by (the user's first-seen rank, time, row); and the dictionaries in
/// first-seen order.
fn naive_merge(parts: &[Vec<Row>]) -> (Vec<Row>, Vec<String>, Vec<String>, Vec<String>) {
    let all: Vec<Row> = parts.concat();
    /// Distinct values in first-seen order, with each one's rank.
    #[derive(Default)]
    struct Seen(Vec<String>, HashMap<String, usize>);
    impl Seen {
        fn see(&mut self, v: &str) {
            if !self.1.contains_key(v) {
                self.1.insert(v.to_string(), self.0.len());
                self.0.push(v.to_string());
            }
        }
    }
    let (mut users, mut events, mut countries) =
        (Seen::default(), Seen::default(), Seen::default());
    for (u, _, e, _, c) in &all {
        users.see(u);
        events.see(e);
        if let Some(c) = c.as_deref().filter(|c| !c.is_empty()) {
            countries.see(c);
        }
    }
    let mut idx: Vec<usize> = (0..all.len()).collect();
    idx.sort_by_key(|&i| (users.1[&all[i].0], all[i].1, i));
    let rows = idx.into_iter().map(|i| all[i].clone()).collect();
    (rows, users.0, events.0, countries.0)
}

/// How the receiving builder's own rows are before the merge.
#[derive(Debug, Clone, Copy)]
enum First {
    /// As pushed (the placement sorts them).
    Pushed,
    /// Sorted (`sort_by_user`).
    Sorted,
    /// Packed by the sort's first pass (`pack_by_user`, as `adopt_first` leaves
    /// them): the placement's second pass writes them into the merged columns.
    Packed,
}

fn first_mode() -> impl Strategy<Value = First> {
    prop_oneof![
        Just(First::Pushed),
        Just(First::Sorted),
        Just(First::Packed)
    ]
}

/// Parts merged the way the merger does: the first part's builder reads the
/// others' keys, places its own rows, then fills in each part's columns (each
/// written in its own per-user order, in blocks).
fn merged(parts: &[Vec<Row>], first: First, piece: Option<usize>) -> EventTable {
    let mut receiver = builder_of(&parts[0]);
    match first {
        First::Pushed => {}
        First::Sorted => receiver.sort_by_user(),
        First::Packed => receiver.pack_by_user(),
    }
    let written: Vec<(Vec<u8>, Vec<u8>)> = parts[1..]
        .iter()
        .map(|rows| {
            let b = builder_of(rows);
            let (mut keys, mut columns) = (WireWriter::default(), WireWriter::default());
            b.encode_keys(&mut keys);
            b.encode_columns(&mut columns);
            (keys.bytes, columns.bytes)
        })
        .collect();
    let read: Vec<PartKeys> = written
        .iter()
        .map(|(keys, _)| receiver.read_keys(keys).expect("keys read back"))
        .collect();
    let mut placement = receiver.place(&read).expect("placed");
    for ((keys, (_, columns)), rows) in read.iter().zip(&written).zip(&parts[1..]) {
        match piece {
            None => receiver
                .fill(&mut placement, keys, columns)
                .expect("filled"),
            Some(n) => {
                // Written again in pieces as the sort makes them (the part
                // worker's way), each filled in as it comes.
                let mut feed = Feed::default();
                let mut w = WireWriter::default();
                let mut pieces = 0;
                builder_of(rows).encode_columns_in_pieces(&mut w, n, &mut |p| {
                    assert_eq!(p.len(), n, "a whole piece");
                    pieces += 1;
                    receiver
                        .fill_piece(&mut placement, keys, &mut feed, p)
                        .expect("a piece filled");
                });
                assert!(w.bytes.len() < n, "less than a piece left");
                assert_eq!(pieces * n + w.bytes.len(), columns.len());
                receiver
                    .fill_piece(&mut placement, keys, &mut feed, &w.bytes)
                    .expect("the rest filled");
                receiver.fill_end(&mut placement, feed).expect("filled");
            }
        }
    }
    receiver.finish_merge(placement).expect("merged");
    receiver.build(TableMeta::synthetic("t.csv"))
}

fn check_merge(
    parts: &[Vec<Row>],
    first: First,
    piece: Option<usize>,
) -> Result<(), TestCaseError> {
    let t = merged(parts, first, piece);
    let (rows, users, events, countries) = naive_merge(parts);
    let ids: Vec<&str> = (0..t.user_count() as u32).map(|u| t.user_id(u)).collect();
    prop_assert_eq!(ids, users.iter().map(String::as_str).collect::<Vec<_>>());
    prop_assert_eq!(
        t.event_names().iter().collect::<Vec<_>>(),
        events.iter().map(String::as_str).collect::<Vec<_>>()
    );
    let country = &t.properties()[0];
    prop_assert_eq!(
        country.dictionary().iter().collect::<Vec<_>>(),
        countries.iter().map(String::as_str).collect::<Vec<_>>()
    );
    prop_assert_eq!(t.len(), rows.len());
    for (r, (u, time, e, rev, c)) in rows.iter().enumerate() {
        let r = r as u32;
        prop_assert_eq!(t.user_id(t.user(r)), u.as_str());
        prop_assert_eq!(t.time(r), *time);
        prop_assert_eq!(t.event_names().get(t.event(r)), e.as_str());
        prop_assert_eq!(t.revenue(r).map(f64::to_bits), rev.map(f64::to_bits));
        prop_assert_eq!(country.value(r), c.as_deref().filter(|c| !c.is_empty()));
    }
    // The per-user order: each user's rows contiguous, in user-key order.
    let mut next = 0u32;
    for (u, rows_of) in t.order().iter() {
        prop_assert!(!rows_of.is_empty());
        prop_assert_eq!(
            rows_of.iter().collect::<Vec<_>>(),
            (next..next + rows_of.len() as u32).collect::<Vec<_>>()
        );
        prop_assert!(rows_of.iter().all(|r| t.user(r) == u));
        next += rows_of.len() as u32;
    }
    prop_assert_eq!(next as usize, t.len());
    Ok(())
}

fn merge_row(wide: bool) -> impl Strategy<Value = Row> {
    (0u8..12, 0i64..6, 0u8..5, 0u32..4, 0u16..400).prop_map(move |(u, t, e, r, c)| {
        let country = match (wide, c % 4) {
            (_, 0) => None,
            (true, _) => Some(format!("v{c}")),
            (false, k) => Some(format!("c{k}")),
        };
        (
            format!("user{u}"),
            t * 1000,
            format!("ev{e}"),
            (r > 0).then(|| f64::from(r) * 1.25),
            country,
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// The merge of 1–4 parts in part-local per-user order equals the naive
    /// reference: rows concatenated in file order and sorted by (user's first-seen
    /// rank, time, row). Small times collide within and across parts; with `wide`
    /// the country keys need two bytes.
    #[test]
    fn the_merge_equals_a_sort_of_the_concatenated_parts(
        wide in proptest::bool::ANY,
        first in first_mode(),
        parts in proptest::collection::vec(proptest::collection::vec(merge_row(false), 0..40), 1..5),
        extra in proptest::collection::vec(merge_row(true), 0..300),
        piece in proptest::option::of(1usize..400),
    ) {
        let mut parts = parts;
        if wide {
            let last = parts.len() - 1;
            parts[last].extend(extra);
        }
        check_merge(&parts, first, piece)?;
    }
}

/// A row of one of `users` users (more than the sort's 512 buckets: buckets of
/// several users), times from a small range in any order.
fn many_users_row(users: u16) -> impl Strategy<Value = Row> {
    (0..users, 0i64..40, 0u8..5, 0u32..3, 0u8..6).prop_map(|(u, t, e, r, c)| {
        (
            format!("id{u}"),
            t * 1000,
            format!("ev{e}"),
            (r > 0).then(|| f64::from(r) * 0.5),
            (c > 0).then(|| format!("c{c}")),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// The merge with thousands of users (buckets of several users in the sort),
    /// 1–5 parts: users in the first part only, in later parts only, in both; the
    /// first part's own times going backwards; every way the own rows come.
    #[test]
    fn the_merge_of_many_users_equals_a_sort_of_the_concatenated_parts(
        first in first_mode(),
        parts in proptest::collection::vec(proptest::collection::vec(many_users_row(3_000), 0..2_500), 1..6),
        only_first in proptest::collection::vec(many_users_row(700), 0..700),
        piece in proptest::option::of(1usize..5_000),
    ) {
        let mut parts = parts;
        // Users with rows in the first part alone.
        parts[0].extend(only_first.into_iter().map(|mut r| {
            r.0 = format!("first-{}", r.0);
            r
        }));
        check_merge(&parts, first, piece)?;
    }
}

#[test]
fn the_merge_widens_keys_past_65536_values() {
    // 70,000 distinct countries over two parts: four-byte keys in the merged
    // column; user 0 in both parts with its second part's times earlier.
    let row = |i: usize, t: i64| -> Row {
        (
            format!("user{}", i % 3),
            t,
            "view".to_string(),
            None,
            Some(format!("country{i}")),
        )
    };
    let first: Vec<Row> = (0..40_000).map(|i| row(i, 1_000 + i as i64)).collect();
    let second: Vec<Row> = (40_000..70_000)
        .map(|i| row(i, i as i64 - 40_000))
        .collect();
    for mode in [First::Pushed, First::Packed] {
        check_merge(&[first.clone(), second.clone()], mode, None).expect("equal to the reference");
    }
    // Its columns (many blocks) in pieces that cut blocks anywhere.
    for piece in [1, 4093, 1 << 20] {
        check_merge(&[first.clone(), second.clone()], First::Pushed, Some(piece))
            .expect("equal to the reference, in pieces");
    }
}

#[test]
fn the_warm_up_merges_its_two_parts() {
    // Two synthetic parts of 10,000 rows each: the whole merge ran.
    assert_eq!(tidemark::ingest::parallel::warm_up(), 20_000);
}
