//! The first look at a file: encoding, delimiter, header, column types and roles,
//! the date order. Produces a [`Plan`] that the streaming load then follows.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::{Array, RecordBatch};
use arrow_csv::ReaderBuilder;
use arrow_schema::{DataType, Field, Schema, SchemaRef};

use super::LoadOptions;
use super::dialect::{Record, RecordSplitter, sniff_delimiter};
use super::encoding::{Detected, Refusal, TextDecoder, detect};
use super::roles::{assign, unique_names};
use super::timestamp::{Shape, decide_date_order, shape_of};
use crate::error::{Error, ErrorKind, Result};
use crate::table::{ColumnInfo, DateOrder, Role};
use crate::zone::Zone;

/// How many bytes are looked at before loading starts.
pub const SNIFF_BYTES: usize = 256 * 1024;
/// How many records are sampled for types and roles.
const SAMPLE_RECORDS: usize = 2000;

/// Everything decided before the rows are read.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Encoding and why.
    pub encoding: Detected,
    /// The delimiter.
    pub delimiter: u8,
    /// Whether the first record is a header.
    pub has_header: bool,
    /// Column names, types and roles.
    pub columns: Vec<ColumnInfo>,
    /// Day/month order and why.
    pub date_order: (DateOrder, String),
    /// Description of the time column's format.
    pub time_format: String,
    /// The zone.
    pub tz: Zone,
    /// The Arrow schema used to tokenize (every column as text).
    pub schema: SchemaRef,
}

/// Looks at the start of the file (`raw`: at least [`SNIFF_BYTES`] unless the file
/// is shorter, then `whole` is true) and decides the plan.
pub fn plan(file: &str, raw: &[u8], whole: bool, options: &LoadOptions) -> Result<Plan> {
    let at = |kind: ErrorKind, line: Option<u64>| Error::at(kind, file, line);
    let tz = match options.time_zone.as_deref().map(str::trim) {
        None | Some("") => Zone::utc(),
        Some(name) => Zone::named(name).ok_or_else(|| {
            Error::new(ErrorKind::BadOption(format!(
                "unknown time zone \"{name}\" (use an IANA name such as UTC, Europe/Berlin, Asia/Shanghai)"
            )))
        })?,
    };
    let encoding = detect(raw, options.encoding.as_deref(), whole).map_err(|why| match why {
        Refusal::Binary(kind) => at(ErrorKind::Binary(kind.to_string()), None),
        Refusal::UnknownLabel(why) => Error::new(ErrorKind::BadOption(why)),
    })?;
    let mut text = String::with_capacity(raw.len());
    TextDecoder::new(encoding.encoding).decode(&raw[encoding.bom_len..], &mut text, whole);
    let text = text.into_bytes();
    if text.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(at(ErrorKind::EmptyFile, None));
    }
    let (delimiter, _why) = match options.delimiter {
        Some(d) => (d, "set by you".to_string()),
        None => sniff_delimiter(&text),
    };
    let mut splitter = RecordSplitter::new(delimiter);
    let mut records = Vec::new();
    splitter.scan(&text, &mut records);
    if whole {
        match splitter.finish(&text) {
            Ok(Some(r)) => records.push(r),
            Ok(None) => {}
            Err(line) => return Err(at(ErrorKind::UnterminatedQuote, Some(line))),
        }
    }
    records.truncate(SAMPLE_RECORDS);
    let Some(header) = records.first().copied() else {
        // Not one complete record in the first chunk: a single enormous header line.
        return Err(at(
            ErrorKind::Csv(
                "the first line is longer than 256 KB: this does not look like a CSV header".into(),
            ),
            Some(1),
        ));
    };
    let n = header.fields;
    let schema: SchemaRef = Arc::new(Schema::new(
        (0..n)
            .map(|i| Field::new(format!("c{i}"), DataType::Utf8, true))
            .collect::<Vec<_>>(),
    ));
    let good: Vec<Record> = records.iter().copied().filter(|r| r.fields == n).collect();
    let data_rows = records.len().saturating_sub(1);
    let ragged = data_rows - (good.len() - 1);
    if data_rows >= 4 && ragged * 2 > data_rows {
        let first_bad = records
            .iter()
            .find(|r| r.fields != n)
            .map(|r| (r.line, r.fields));
        if let Some((line, found)) = first_bad {
            return Err(at(ErrorKind::RaggedRow { expected: n, found }, Some(line)));
        }
    }
    let batch = tokenize(&text, &good, &schema, delimiter)
        .map_err(|e| at(ErrorKind::Csv(e), Some(header.line)))?;
    let cells = |col: usize| -> Vec<String> {
        let arr = batch.column(col).as_string::<i32>();
        (0..arr.len())
            .map(|r| {
                if arr.is_null(r) {
                    String::new()
                } else {
                    arr.value(r).to_string()
                }
            })
            .collect()
    };
    let columns_text: Vec<Vec<String>> = (0..n).map(cells).collect();
    let first_row: Vec<String> = columns_text
        .iter()
        .map(|c| c.first().cloned().unwrap_or_default())
        .collect();
    let has_header = !looks_like_data(&first_row);
    let names = if has_header {
        unique_names(&first_row)
    } else {
        (1..=n).map(|i| format!("column {i}")).collect()
    };
    let skip = usize::from(has_header);
    let samples: Vec<Vec<&str>> = columns_text
        .iter()
        .map(|c| c.iter().skip(skip).map(String::as_str).collect())
        .collect();
    if has_header && samples.first().is_none_or(|s| s.is_empty()) && whole {
        return Err(at(ErrorKind::NoRows, None));
    }
    let mut columns = assign(&names, &samples, &options.roles)?;
    if !has_header {
        for c in &mut columns {
            c.reason = format!("{} (the file has no header line)", c.reason);
        }
    }
    for role in [Role::User, Role::Time] {
        if !columns.iter().any(|c| c.role == role) {
            return Err(at(
                ErrorKind::MissingRole {
                    role: role.name(),
                    columns: names.clone(),
                },
                None,
            ));
        }
    }
    let time_col = columns
        .iter()
        .position(|c| c.role == Role::Time)
        .unwrap_or(0);
    let lines: Vec<u64> = good.iter().skip(skip).map(|r| r.line).collect();
    let time_values = || lines.iter().copied().zip(samples[time_col].iter().copied());
    let date_order = match options.date_order {
        DateOrder::Auto => decide_date_order(time_values()),
        set => (set, "set by you".into()),
    };
    let time_format = describe_format(time_values().map(|(_, v)| v), date_order.0);
    Ok(Plan {
        encoding,
        delimiter,
        has_header,
        columns,
        date_order,
        time_format,
        tz,
        schema,
    })
}

/// Tokenizes sample records with arrow-csv into one batch of text columns.
fn tokenize(
    text: &[u8],
    recs: &[Record],
    schema: &SchemaRef,
    delimiter: u8,
) -> std::result::Result<RecordBatch, String> {
    let mut decoder = ReaderBuilder::new(schema.clone())
        .with_header(false)
        .with_delimiter(delimiter)
        .with_batch_size(recs.len().max(1))
        .build_decoder();
    for r in recs {
        let mut slice = &text[r.start..r.end];
        let owned;
        if r.unterminated {
            let mut v = slice.to_vec();
            v.push(b'\n');
            owned = v;
            slice = &owned;
        }
        while !slice.is_empty() {
            let used = decoder.decode(slice).map_err(|e| e.to_string())?;
            if used == 0 {
                break;
            }
            slice = &slice[used..];
        }
    }
    decoder
        .flush()
        .map_err(|e| e.to_string())?
        .map_or_else(|| Ok(RecordBatch::new_empty(schema.clone())), Ok)
}

/// A first record that holds a date, or only numbers, is data, not a header.
fn looks_like_data(first: &[String]) -> bool {
    let date = first
        .iter()
        .any(|v| matches!(shape_of(v), Some(Shape::YearFirst | Shape::DayMonth)));
    let numeric = first
        .iter()
        .all(|v| v.trim().is_empty() || super::number::parse_number(v).is_some());
    date || numeric
}

fn describe_format<'a>(values: impl Iterator<Item = &'a str>, order: DateOrder) -> String {
    let mut counts: Vec<(Shape, usize)> = Vec::new();
    for v in values {
        if let Some(s) = shape_of(v) {
            match counts.iter_mut().find(|(k, _)| *k == s) {
                Some((_, c)) => *c += 1,
                None => counts.push((s, 1)),
            }
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    match counts.as_slice() {
        [] => "unknown (no readable time in the first rows)".into(),
        [(s, _)] => s.describe(order).into(),
        many => format!(
            "mixed: {}",
            many.iter()
                .map(|(s, c)| format!("{} ({c})", s.describe(order)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
