//! Ingestion through the public API: every error and skip reason with its message,
//! every timestamp form, encodings, delimiters, chunking, and real data (CDNOW).

use tidemark::error::ErrorKind;
use tidemark::ingest::{LoadOptions, Loader, load};
use tidemark::progress::Silent;
use tidemark::report::Summary;
use tidemark::table::{DateOrder, EventTable, Role};

fn load_str(text: &str) -> Result<EventTable, tidemark::Error> {
    load(
        "t.csv",
        text.as_bytes(),
        LoadOptions::default(),
        &mut Silent,
    )
}

fn load_bytes_with(bytes: &[u8], options: LoadOptions) -> Result<EventTable, tidemark::Error> {
    load("t.csv", bytes, options, &mut Silent)
}

fn err(text: &str) -> String {
    match load_str(text) {
        Ok(_) => panic!("expected an error for {text:?}"),
        Err(e) => e.to_string(),
    }
}

fn times(t: &EventTable) -> Vec<String> {
    (0..t.len() as u32)
        .map(|r| tidemark::report::iso_utc(t.time(r)))
        .collect()
}

fn skipped(t: &EventTable) -> Vec<(String, u64, Vec<u64>)> {
    t.meta()
        .skipped
        .iter()
        .map(|s| (s.reason.clone(), s.count, s.lines.clone()))
        .collect()
}

fn assert_rows_add_up(t: &EventTable) {
    let s = Summary::of(t);
    let skipped: u64 = s.skipped.iter().map(|k| k.count).sum();
    assert_eq!(s.rows_read, s.rows + skipped, "rows_read = rows + skipped");
}

// ---- errors: one per reason, asserting the message ----

#[test]
fn empty_file_errored() {
    assert_eq!(err(""), "t.csv: the file is empty");
    assert_eq!(err("\n\n  \n"), "t.csv: the file is empty");
}

#[test]
fn header_only_errored() {
    assert_eq!(
        err("user,time,event\n"),
        "t.csv: the file has a header but no data rows"
    );
}

#[test]
fn binary_file_errored() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    let e = load_bytes_with(png, LoadOptions::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "t.csv: this is not a CSV text file (it looks like a PNG image)"
    );
    let xlsx = b"PK\x03\x04\x14\0\x06\0\0\0[Content_Types].xml...xl/workbook.xml";
    let e = load_bytes_with(xlsx, LoadOptions::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "t.csv: this is not a CSV text file (it looks like an Excel .xlsx workbook (save it as CSV first))"
    );
}

#[test]
fn missing_user_column_errored() {
    let e = err("when,what\n2024-01-01,a\n");
    assert_eq!(
        e,
        "t.csv: no user column found (columns: when, what); choose one with the user role"
    );
}

#[test]
fn missing_time_column_errored() {
    let e = err("user_id,event\nu1,a\n");
    assert_eq!(
        e,
        "t.csv: no time column found (columns: user_id, event); choose one with the time role"
    );
}

#[test]
fn unknown_role_column_errored() {
    let mut o = LoadOptions::default();
    o.roles.insert("user".into(), Some("nope".into()));
    let e = load_bytes_with(b"user_id,time\nu,2024-01-01\n", o).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the user role names column \"nope\", which is not in the file (columns: user_id, time)"
    );
}

#[test]
fn unterminated_quote_errored() {
    let e = err("user_id,time,event\nu1,2024-01-01,a\nu2,2024-01-02,\"open\nu3,2024-01-03,c\n");
    assert_eq!(e, "t.csv:3: a quoted field starts here and is never closed");
}

#[test]
fn mostly_ragged_rows_errored() {
    let e = err("user_id,time,event\nu1,2024-01-01\nu2,2024-01-02\nu3,2024-01-03\nu4,2024-01-04\n");
    assert_eq!(e, "t.csv:2: row has 2 fields, the header has 3");
}

#[test]
fn every_row_skipped_errored() {
    let e = err("user_id,time\n,2024-01-01\nu2,notatime\n");
    assert_eq!(
        e,
        "t.csv: no row could be used: 1 row(s) with missing user id (first on line 2); \
         1 row(s) with time not readable (first on line 3: \"notatime\")"
    );
}

#[test]
fn bad_time_zone_errored() {
    let o = LoadOptions {
        time_zone: Some("Mars/Olympus".into()),
        ..Default::default()
    };
    let e = load_bytes_with(b"user_id,time\nu,2024-01-01\n", o).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("unknown time zone \"Mars/Olympus\""),
        "{e}"
    );
}

#[test]
fn too_large_errored() {
    let mut loader = Loader::new("huge.csv", LoadOptions::default()).unwrap();
    match loader.expect_bytes(u64::MAX) {
        Ok(()) => assert_eq!(
            tidemark::ingest::MAX_INPUT_BYTES,
            u64::MAX,
            "natively there is no limit"
        ),
        Err(e) => assert!(matches!(e.kind, ErrorKind::TooLarge { .. })),
    }
}

// ---- skips: one per reason, counted with lines ----

#[test]
fn skip_reasons_are_counted_with_lines() {
    let text = "user_id,time,event,revenue\n\
                u1,2024-01-01,view,\n\
                ,2024-01-01,view,\n\
                u2,,view,\n\
                u3,31/31/2024,view,\n\
                u4,2024-01-02,,\n\
                u5,2024-01-02,buy,abc\n\
                u6,2024-01-02,buy\n\
                u7,2024-01-03,buy,9.5\n";
    let t = load_str(text).unwrap();
    assert_eq!(t.len(), 2);
    assert_eq!(
        skipped(&t),
        vec![
            ("missing user id".into(), 1, vec![3]),
            ("missing time".into(), 1, vec![4]),
            ("time not readable".into(), 1, vec![5]),
            ("missing event name".into(), 1, vec![6]),
            ("revenue is not a number".into(), 1, vec![7]),
            ("wrong number of fields".into(), 1, vec![8]),
        ]
    );
    assert_rows_add_up(&t);
}

#[test]
fn line_numbers_count_quoted_newlines_and_blank_lines() {
    let text = "user_id,time,note\r\nu1,2024-01-01,\"two\r\nlines\"\r\n\r\n,2024-01-02,x\r\n";
    let t = load_str(text).unwrap();
    assert_eq!(skipped(&t), vec![("missing user id".into(), 1, vec![5])]);
    assert_eq!(t.property("note").unwrap().value(0), Some("two\r\nlines"));
}

// ---- timestamps ----

#[test]
fn every_timestamp_form() {
    let cases = [
        ("2024-03-01T09:30:15Z", "2024-03-01T09:30:15Z"),
        ("2024-03-01T09:30:15.5+01:00", "2024-03-01T08:30:15.500Z"),
        ("2024-03-01 09:30", "2024-03-01T09:30:00Z"),
        ("2024-03-01", "2024-03-01T00:00:00Z"),
        ("2024/03/01 09:30:15", "2024-03-01T09:30:15Z"),
        ("20240301", "2024-03-01T00:00:00Z"),
        ("1709285415", "2024-03-01T09:30:15Z"),
        ("1709285415000", "2024-03-01T09:30:15Z"),
    ];
    for (input, want) in cases {
        let t = load_str(&format!("user_id,time\nu,{input}\n")).unwrap();
        assert_eq!(times(&t), vec![want.to_string()], "{input}");
    }
}

#[test]
fn day_month_order_decided_from_data_and_overridable() {
    let t = load_str("user_id,time\nu,03/04/2024\nu,25/04/2024\n").unwrap();
    assert_eq!(t.meta().date_order, DateOrder::DayFirst);
    assert!(
        t.meta().date_order_reason.contains("line 3"),
        "{}",
        t.meta().date_order_reason
    );
    assert_eq!(times(&t)[0], "2024-04-03T00:00:00Z");
    let t = load_str("user_id,time\nu,03/04/2024\nu,04/25/2024\n").unwrap();
    assert_eq!(t.meta().date_order, DateOrder::MonthFirst);
    assert_eq!(times(&t)[0], "2024-03-04T00:00:00Z");
    let o = LoadOptions {
        date_order: DateOrder::DayFirst,
        ..Default::default()
    };
    let t = load_bytes_with(b"user_id,time\nu,03/04/2024\n", o).unwrap();
    assert_eq!(times(&t)[0], "2024-04-03T00:00:00Z");
    assert_eq!(t.meta().date_order_reason, "set by you");
}

#[test]
fn time_zone_applies_to_local_times() {
    let o = LoadOptions {
        time_zone: Some("Asia/Shanghai".into()),
        ..Default::default()
    };
    let t = load_bytes_with(
        b"user_id,time\nu,2024-03-01 08:00\nu,2024-03-01T08:00Z\n",
        o,
    )
    .unwrap();
    assert_eq!(
        times(&t),
        vec!["2024-03-01T00:00:00Z", "2024-03-01T08:00:00Z"]
    );
    assert_eq!(Summary::of(&t).time_zone, "Asia/Shanghai");
}

// ---- encodings ----

#[test]
fn gbk_is_detected_and_decoded() {
    let text = "用户ID,时间,事件,金额\n张三,2024-01-01 10:00,浏览商品,\n李四,2024-01-02 11:00,支付,99.5\n王五,2024-01-03 12:00,加入购物车,\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    let t = load_bytes_with(&gbk, LoadOptions::default()).unwrap();
    assert!(
        t.meta().encoding == "GBK" || t.meta().encoding == "gb18030",
        "{}",
        t.meta().encoding
    );
    assert_eq!(t.user_id(0), "张三");
    assert!(t.event_key("支付").is_some());
    assert_eq!(t.meta().column_for(Role::Revenue).unwrap().name, "金额");
}

#[test]
fn windows_1252_is_detected_and_can_be_overridden() {
    let text = "user_id,time,city\nJosé,2024-01-01,Málaga\nFrançois,2024-01-02,Besançon\nRenée,2024-01-03,Zürich\n";
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
    let t = load_bytes_with(&bytes, LoadOptions::default()).unwrap();
    assert_eq!(t.meta().encoding, "windows-1252");
    assert_eq!(t.user_id(0), "José");
    let o = LoadOptions {
        encoding: Some("utf-8".into()),
        ..Default::default()
    };
    let t = load_bytes_with(&bytes, o).unwrap();
    assert_eq!(t.meta().encoding, "UTF-8");
    assert!(
        t.meta().encoding_reason.contains("malformed"),
        "{}",
        t.meta().encoding_reason
    );
}

#[test]
fn utf8_bom_and_utf16_bom() {
    let t = load_bytes_with(
        b"\xEF\xBB\xBFuser_id,time\nu,2024-01-01\n",
        LoadOptions::default(),
    )
    .unwrap();
    assert_eq!(t.meta().columns[0].name, "user_id");
    assert_eq!(t.meta().encoding_reason, "byte order mark");
    let mut utf16 = vec![0xFF, 0xFE];
    for u in "user_id,time\r\nü,2024-01-01\r\n".encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    let t = load_bytes_with(&utf16, LoadOptions::default()).unwrap();
    assert_eq!(t.meta().encoding, "UTF-16LE");
    assert_eq!(t.user_id(0), "ü");
}

// ---- delimiters, quoting, headers ----

#[test]
fn every_delimiter() {
    for d in [",", ";", "\t", "|"] {
        let text = format!("user_id{d}time{d}event\nu1{d}2024-01-01{d}a\nu2{d}2024-01-02{d}b\n");
        let t = load_str(&text).unwrap();
        assert_eq!(t.meta().delimiter, d.as_bytes()[0], "{d:?}");
        assert_eq!(t.len(), 2);
    }
}

#[test]
fn quoted_fields_with_delimiters_and_quotes() {
    let t = load_str("user_id,time,event,note\n\"u,1\",2024-01-01,\"say \"\"hi\"\"\",\"a;b\"\n")
        .unwrap();
    assert_eq!(t.user_id(0), "u,1");
    assert_eq!(t.event_names().get(0), "say \"hi\"");
    assert_eq!(t.property("note").unwrap().value(0), Some("a;b"));
}

#[test]
fn file_without_header_gets_column_names() {
    let t = load_str("u1,2024-01-01,view\nu2,2024-01-02,buy\n").unwrap_err();
    // Without a header nothing names the user: the message lists the generated names.
    assert!(
        t.to_string().contains("column 1, column 2, column 3"),
        "{t}"
    );
    let mut o = LoadOptions::default();
    o.roles.insert("user".into(), Some("column 1".into()));
    o.roles.insert("event".into(), Some("column 3".into()));
    let t = load_bytes_with(b"u1,2024-01-01,view\nu2,2024-01-02,buy\n", o).unwrap();
    assert_eq!(t.len(), 2);
    assert_eq!(t.meta().column_for(Role::Time).unwrap().name, "column 2");
}

#[test]
fn no_trailing_newline_and_crlf() {
    let t = load_str("user_id,time\r\nu1,2024-01-01\r\nu2,2024-01-02").unwrap();
    assert_eq!(t.len(), 2);
    assert_eq!(t.user_id(1), "u2");
}

// ---- streaming ----

#[test]
fn chunked_load_equals_whole_load() {
    let mut text = String::from("user_id,time,event,revenue,note\n");
    for i in 0..7000 {
        let note = if i % 7 == 0 {
            "\"multi\nline, quoted\""
        } else {
            "plain"
        };
        let user = if i % 113 == 0 {
            String::new()
        } else {
            format!("u{}", i % 97)
        };
        text.push_str(&format!(
            "{user},2024-01-{:02}T10:{:02}:00Z,ev{},{}.5,{note}\n",
            1 + i % 28,
            i % 60,
            i % 5,
            i
        ));
    }
    assert!(
        text.len() > tidemark::ingest::sniff::SNIFF_BYTES,
        "longer than the sniffing sample, so that the streaming path runs"
    );
    let whole = load_str(&text).unwrap();
    for (chunk, declared) in [
        (1usize, false),
        (7, true),
        (1000, false),
        (65_536, true),
        (300_000, false),
        (300_000, true),
    ] {
        let mut loader = Loader::new("t.csv", LoadOptions::default()).unwrap();
        if declared {
            // Sizes the columns up front: the table must not change.
            loader.expect_bytes(text.len() as u64).unwrap();
        }
        for c in text.as_bytes().chunks(chunk) {
            loader.push(c).unwrap();
        }
        let t = loader.finish().unwrap();
        assert_eq!(
            Summary::of(&t),
            Summary::of(&whole),
            "chunk {chunk}, declared {declared}"
        );
        assert_eq!(times(&t), times(&whole));
        assert_eq!(skipped(&t), skipped(&whole));
    }
    assert_rows_add_up(&whole);
    assert_eq!(skipped(&whole)[0].1, 62);
}

#[test]
fn cancelled_load_stops() {
    struct CancelNow;
    impl tidemark::progress::Progress for CancelNow {
        fn report(&mut self, _: u64, _: u64) {}
        fn cancelled(&self) -> bool {
            true
        }
    }
    let e = load(
        "t.csv",
        b"user_id,time\nu,2024-01-01\n",
        LoadOptions::default(),
        &mut CancelNow,
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Cancelled);
}

// ---- real data ----

#[test]
fn cdnow_sample_loads_as_an_order_file() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/cdnow_sample.csv"
    ))
    .unwrap();
    let t = load(
        "cdnow_sample.csv",
        &bytes,
        LoadOptions::default(),
        &mut Silent,
    )
    .unwrap();
    let s = Summary::of(&t);
    assert_eq!((s.rows_read, s.rows, s.users), (6919, 6919, 2357));
    assert!(s.order_file);
    let roles: Vec<(&str, &str)> = s
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.role.as_str()))
        .collect();
    assert_eq!(
        roles,
        vec![
            ("customer_id", "user"),
            ("date", "time"),
            ("cds", "property"),
            ("amount", "revenue")
        ]
    );
    assert_eq!(s.events.len(), 1);
    assert_eq!(
        (s.events[0].name.as_str(), s.events[0].count),
        ("purchase", 6919)
    );
    assert_eq!(s.first_time.as_deref(), Some("1997-01-01T00:00:00Z"));
    assert_eq!(s.last_time.as_deref(), Some("1998-06-30T00:00:00Z"));
    assert_eq!(s.time_format, "YYYYMMDD");
    let total: f64 = (0..t.len() as u32).filter_map(|r| t.revenue(r)).sum();
    assert!((total - 244_091.94).abs() < 0.01, "{total}");
}

// ---- hostile input: random bytes never panic, and nothing is lost silently ----

/// Bytes that make CSV-like text: structure characters, timestamp pieces, digits,
/// letters, a multi-byte character and invalid UTF-8.
fn csvish() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
    use proptest::prelude::*;
    let piece = proptest::sample::select(vec![
        &b","[..],
        b";",
        b"\t",
        b"\"",
        b"\"\"",
        b"\n",
        b"\r\n",
        b"\r",
        b" ",
        b"u1",
        b"u2",
        b"42",
        b"view",
        b"purchase",
        b"2024-01-02",
        b"T10:00:00Z",
        b"2024-01-02T10:00:00+08:00",
        b"19.99",
        b"-3",
        b"NaN",
        b"=cmd()",
        "é".as_bytes(),
        "中".as_bytes(),
        b"\xff\xfe",
        b"\x00",
        b"1700000000",
        b"03/04/2024",
    ]);
    (
        proptest::bool::ANY,
        proptest::collection::vec(piece, 0..200),
    )
        .prop_map(|(header, pieces)| {
            let mut out = if header {
                b"user_id,time,event,revenue\n".to_vec()
            } else {
                Vec::new()
            };
            for p in pieces {
                out.extend_from_slice(p);
            }
            out
        })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1500))]
    /// Any input loads or fails with a message naming the file; a loaded table
    /// accounts for every data row (rows_read = rows + skipped); loading in random
    /// chunks gives the same table or the same error.
    #[test]
    fn random_bytes_load_or_fail_cleanly(bytes in csvish(), chunk in 1usize..64) {
        let whole = load_bytes_with(&bytes, LoadOptions::default());
        let mut loader = Loader::new("t.csv", LoadOptions::default()).unwrap();
        let mut pushed = Ok(());
        for c in bytes.chunks(chunk) {
            pushed = loader.push(c);
            if pushed.is_err() {
                break;
            }
        }
        let chunked = pushed.and_then(|()| loader.finish());
        match (&whole, &chunked) {
            (Ok(a), Ok(b)) => {
                assert_rows_add_up(a);
                proptest::prop_assert_eq!(Summary::of(a), Summary::of(b));
            }
            (Err(a), Err(b)) => {
                proptest::prop_assert!(a.to_string().starts_with("t.csv"), "{}", a);
                proptest::prop_assert_eq!(a.to_string(), b.to_string());
            }
            _ => proptest::prop_assert!(false, "whole {:?} vs chunked {:?}", whole.as_ref().map(|_| ()), chunked.as_ref().map(|_| ())),
        }
    }
}

// ---- memory: a load that would not fit stops early, with the numbers ----

/// Pushes `bytes` in 1 MiB chunks after declaring `declared` bytes; the error, and
/// how many bytes had been pushed when it came.
fn load_declared(
    bytes: &[u8],
    declared: u64,
    limit: Option<u64>,
) -> (Result<EventTable, tidemark::Error>, usize) {
    let options = LoadOptions {
        memory_limit: limit,
        ..Default::default()
    };
    let mut loader = Loader::new("huge.csv", options).unwrap();
    if let Err(e) = loader.expect_bytes(declared) {
        return (Err(e), 0);
    }
    let mut pushed = 0;
    for chunk in bytes.chunks(1 << 20) {
        pushed += chunk.len();
        if let Err(e) = loader.push(chunk) {
            return (Err(e), pushed);
        }
    }
    (loader.finish(), pushed)
}

#[test]
fn a_declared_huge_file_is_refused_after_the_first_chunk() {
    let demo = tidemark::demo::demo_csv();
    // Declared 200 GB: the first MiB already projects far beyond the native default.
    let (got, pushed) = load_declared(demo.as_bytes(), 200_000_000_000, None);
    let e = got.unwrap_err();
    assert_eq!(
        pushed,
        1 << 20,
        "refused at the first check, not at the end"
    );
    let ErrorKind::TooMuchMemory {
        estimate,
        limit,
        rows,
        file_bytes,
    } = e.kind
    else {
        panic!("{e}")
    };
    assert_eq!(limit, tidemark::ingest::memory::NATIVE_DEFAULT_LIMIT);
    assert_eq!(file_bytes, 200_000_000_000);
    assert!(estimate > limit);
    // Rows projected from bytes per row of the demo (about 70 B per line).
    let per_line = demo.len() as f64 / demo.lines().count() as f64;
    let want_rows = 200e9 / per_line;
    assert!(
        (rows as f64 / want_rows - 1.0).abs() < 0.1,
        "{rows} rows projected, about {want_rows} expected"
    );
    let text = e.to_string();
    assert!(
        text.starts_with(&format!(
            "huge.csv: the file is too large to analyse here: its 200.0 GB would need about {:.1} GB of memory",
            estimate as f64 / 1e9
        )),
        "{text}"
    );
    assert!(
        text.ends_with(&format!(
            "more than the limit of {:.1} GB; split it into smaller files (e.g. by date range)",
            limit as f64 / 1e9
        )),
        "{text}"
    );
}

#[test]
fn the_memory_limit_is_configurable_and_the_estimate_brackets_the_real_table() {
    let demo = tidemark::demo::demo_csv();
    let declared = demo.len() as u64;
    let table = load_str(&demo).unwrap();
    let real = table.heap_bytes() as u64;
    // The projection never falls below the table it builds: a limit of exactly
    // the real table is refused…
    let (got, _) = load_declared(demo.as_bytes(), declared, Some(real));
    assert!(
        matches!(got, Err(ref e) if matches!(e.kind, ErrorKind::TooMuchMemory { .. })),
        "{:?}",
        got.map(|_| ())
    );
    // …and it is not wildly above: four times the table (plus the fixed 8 MiB of
    // buffers) is enough.
    let (got, _) = load_declared(demo.as_bytes(), declared, Some(4 * real + (8 << 20)));
    let t = got.unwrap();
    assert_eq!(t.len(), table.len());
    let mut want = Summary::of(&table);
    want.file = "huge.csv".into();
    assert_eq!(Summary::of(&t), want);
}

#[test]
fn memory_limit_option_parses_strictly() {
    let o = LoadOptions::from_value(serde_json::json!({"memory_limit": 1000000})).unwrap();
    assert_eq!(o.memory_limit, Some(1_000_000));
    for bad in [
        serde_json::json!({"memory_limit": -1}),
        serde_json::json!({"memory_limit": 0}),
        serde_json::json!({"memory_limit": 1.5}),
        serde_json::json!({"memory_limit": "1G"}),
    ] {
        let e = LoadOptions::from_value(bad.clone())
            .unwrap_err()
            .to_string();
        assert!(e.contains("memory_limit"), "{bad}: {e}");
    }
}

/// Rows of `users` numeric ids in sessions, as an event log has them: a new user
/// now and then, else one seen recently (within the last 8,192 users). Ids are
/// 10 digits on both sides of 2^32 (the id index's narrow slots hold up to
/// 4,294,967,295): below it only, or above it too from row `wide_from` on.
fn many_users_csv(users: u64, wide_from: Option<u64>) -> (Vec<u8>, Vec<String>) {
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let id = |u: u64, row: u64| match wide_from {
        // Just above the bound, interleaved with the narrow ones.
        Some(w) if row >= w && u % 2 == 1 => 4_294_967_296 + u,
        // Just below it, down from 4,294,967,295.
        _ => 4_294_967_295 - u,
    };
    let mut text = b"user_id,time,event\n".to_vec();
    let mut ids = Vec::new();
    let (mut seen, mut row) = (0u64, 0u64);
    while seen < users {
        let r = next();
        let u = if seen == 0 || r % 2 == 0 {
            seen += 1;
            seen - 1
        } else {
            seen - 1 - (r >> 20) % seen.min(8192)
        };
        let id = id(u, row).to_string();
        text.extend_from_slice(
            format!(
                "{id},2024-01-01T00:{:02}:{:02}Z,view\n",
                row / 60 % 60,
                row % 60
            )
            .as_bytes(),
        );
        ids.push(id);
        row += 1;
    }
    (text, ids)
}

/// Enough numeric user ids for the id index's cache of recent values (over
/// 12,288 users), near the narrow slots' bound, with and without a switch to
/// wide slots midway: every user keeps one key, in first-seen order — the
/// dictionary and each user's row count equal a plain map's over the same ids.
#[test]
fn many_numeric_users_keep_their_keys() {
    for wide_from in [None, Some(300_000)] {
        let (text, ids) = many_users_csv(200_000, wide_from);
        let t = load_bytes_with(&text, LoadOptions::default()).unwrap();
        let mut first_seen: Vec<&str> = Vec::new();
        let mut count: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for id in &ids {
            let n = count.entry(id).or_insert(0);
            if *n == 0 {
                first_seen.push(id);
            }
            *n += 1;
        }
        assert_eq!(t.len(), ids.len());
        assert_eq!(t.user_count(), first_seen.len());
        let mut got = vec![0usize; t.user_count()];
        for row in 0..t.len() as u32 {
            got[t.user(row) as usize] += 1;
        }
        for (k, id) in first_seen.iter().enumerate() {
            assert_eq!(t.user_id(k as u32), *id, "key {k}");
            assert_eq!(got[k], count[id], "{id}");
        }
    }
}
