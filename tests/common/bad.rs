//! The bad-input corpus (`tests/data/bad/`, see its README) and what each file must
//! give: a refusal with its exact message, or a load with exact skip tallies. Shared
//! by `tests/bad_inputs.rs` (the library) and `tests/cli.rs` (the binary), so both
//! boundaries are held to the same outcome. The expectations are hand-written from
//! the files' contents, never copied from the engine's output.
#![allow(dead_code)]

/// What loading one corpus file must give.
#[derive(Debug, Clone, Copy)]
pub enum Outcome {
    /// Refused: the message is the file's name followed by this text
    /// (`":3: …"` with a line, `": …"` without).
    Refused(&'static str),
    /// Loaded `rows` events; `skipped` is every (reason, count, first lines), in
    /// the order of their first line.
    Loaded {
        rows: u64,
        skipped: &'static [(&'static str, u64, &'static [u64])],
    },
}

/// Every committed corpus file and its outcome.
pub const CORPUS: &[(&str, Outcome)] = &[
    ("empty.csv", Outcome::Refused(": the file is empty")),
    (
        "header_only.csv",
        Outcome::Refused(": the file has a header but no data rows"),
    ),
    (
        "png.csv",
        Outcome::Refused(": this is not a CSV text file (it looks like a PNG image)"),
    ),
    (
        "zip.csv",
        Outcome::Refused(
            ": this is not a CSV text file (it looks like a ZIP archive (unpack it first))",
        ),
    ),
    (
        "xlsx.csv",
        Outcome::Refused(
            ": this is not a CSV text file (it looks like an Excel .xlsx workbook (save it as CSV first))",
        ),
    ),
    (
        "utf16_bom.csv",
        Outcome::Loaded {
            rows: 2,
            skipped: &[],
        },
    ),
    (
        "gbk_no_bom.csv",
        Outcome::Loaded {
            rows: 3,
            skipped: &[],
        },
    ),
    (
        "mixed_line_endings.csv",
        Outcome::Loaded {
            rows: 4,
            skipped: &[],
        },
    ),
    (
        "quoted_newlines.csv",
        // Line 2 holds a record spanning lines 2-3, line 4 one spanning 4-6; the
        // row without a user starts on physical line 7.
        Outcome::Loaded {
            rows: 2,
            skipped: &[("missing user id", 1, &[7])],
        },
    ),
    (
        "unterminated_quote.csv",
        Outcome::Refused(":3: a quoted field starts here and is never closed"),
    ),
    (
        "ragged_rows.csv",
        Outcome::Loaded {
            rows: 3,
            skipped: &[("wrong number of fields", 2, &[3, 4])],
        },
    ),
    (
        "duplicate_and_empty_headers.csv",
        Outcome::Loaded {
            rows: 2,
            skipped: &[],
        },
    ),
    (
        "empty_user_column.csv",
        Outcome::Refused(": no row could be used: 3 row(s) with missing user id (first on line 2)"),
    ),
    (
        "mixed_timestamp_formats.csv",
        Outcome::Loaded {
            rows: 3,
            skipped: &[("time not readable", 1, &[5])],
        },
    ),
    (
        "dates_out_of_range.csv",
        Outcome::Loaded {
            rows: 1,
            skipped: &[("time before 1970 or after 2100", 4, &[2, 3, 4, 5])],
        },
    ),
    (
        "revenue_negative_and_text.csv",
        Outcome::Loaded {
            rows: 3,
            skipped: &[("revenue is not a number", 1, &[3])],
        },
    ),
    (
        "revenue_nan_infinity.csv",
        Outcome::Loaded {
            rows: 5,
            skipped: &[("revenue is not a number", 4, &[2, 3, 4, 7])],
        },
    ),
    (
        "formula_injection.csv",
        Outcome::Loaded {
            rows: 3,
            skipped: &[],
        },
    ),
];

/// The path of a corpus file.
pub fn path(name: &str) -> String {
    format!("{}/tests/data/bad/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The bytes of a corpus file.
pub fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(path(name)).expect("corpus file readable")
}

/// Length of the big field of [`big_field`].
pub const BIG_FIELD_BYTES: usize = 1 << 20;

/// A data row with one quoted 1 MiB field (holding newlines and doubled quotes)
/// between two ordinary rows. Its line count: 1 header + 1 + 1 + the field's
/// newlines + 1.
pub fn big_field() -> Vec<u8> {
    let field = big_field_value();
    let quoted = field.replace('"', "\"\"");
    format!(
        "user_id,time,event,note\nu1,2024-01-01,a,short\nu2,2024-01-02,b,\"{quoted}\"\nu3,2024-01-03,c,end\n"
    )
    .into_bytes()
}

/// The text of [`big_field`]'s field, unquoted.
pub fn big_field_value() -> String {
    let mut field = String::with_capacity(BIG_FIELD_BYTES);
    let mut i = 0usize;
    while field.len() < BIG_FIELD_BYTES {
        field.push(match i % 1000 {
            0 => '\n',
            500 => '"',
            _ => (b'a' + (i % 26) as u8) as char,
        });
        i += 1;
    }
    field
}

/// Columns of [`wide`].
pub const WIDE_COLUMNS: usize = 10_000;

/// 10,000 columns: user, time, event and 9,997 properties `p3…`, three rows.
pub fn wide() -> Vec<u8> {
    let mut out = String::from("user_id,time,event");
    for c in 3..WIDE_COLUMNS {
        out.push_str(&format!(",p{c}"));
    }
    out.push('\n');
    for r in 0..3 {
        out.push_str(&format!("u{r},2024-01-0{},view", r + 1));
        for c in 3..WIDE_COLUMNS {
            out.push_str(&format!(",{}", c * 10 + r));
        }
        out.push('\n');
    }
    out.into_bytes()
}
