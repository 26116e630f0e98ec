//! A result table as an Arrow IPC file (`.arrow`), for tools that read Arrow
//! (pandas/pyarrow, Polars, DuckDB, R arrow…).
//!
//! The page exports its tables as rows of JSON cells (the same rows as its CSV
//! exports, without the spreadsheet formula guard: Arrow cells are data, never
//! formulas). Each column's type is inferred from its non-null cells:
//! all booleans → `Boolean`; all numbers that are whole and fit `i64` → `Int64`;
//! all numbers → `Float64`; anything else → `Utf8` (numbers and booleans written as
//! their JSON text). `null` is a null in any type; a column of nulls only is `Utf8`.
//! Every column is nullable. The file is the IPC *file* format (magic `ARROW1`), one
//! record batch.

use std::sync::Arc;

use arrow_array::{ArrayRef, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, ErrorKind, Result};

fn bad(why: String) -> Error {
    Error::new(ErrorKind::BadTable(why))
}

/// A table of named columns and rows of JSON cells (`{columns: [...], rows: [[...]]}`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ResultTable {
    /// Column names, in order.
    pub columns: Vec<String>,
    /// Rows, each with one cell per column.
    pub rows: Vec<Vec<Value>>,
}

/// The Arrow type of a column, from its cells (see the module docs).
pub fn column_type<'a>(cells: impl Iterator<Item = &'a Value> + Clone) -> DataType {
    let present = cells.filter(|v| !v.is_null());
    if present.clone().next().is_none() {
        return DataType::Utf8;
    }
    if present.clone().all(Value::is_boolean) {
        return DataType::Boolean;
    }
    if present
        .clone()
        .all(|v| v.is_i64() || (v.is_u64() && v.as_i64().is_some()))
    {
        return DataType::Int64;
    }
    if present.clone().all(Value::is_number) {
        return DataType::Float64;
    }
    DataType::Utf8
}

/// A cell as text for a `Utf8` column: strings as they are, anything else as JSON.
fn text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// The table as one Arrow record batch.
pub fn record_batch(table: &ResultTable) -> Result<RecordBatch> {
    let n = table.columns.len();
    if n == 0 {
        return Err(bad("an Arrow table needs at least one column".to_string()));
    }
    for (i, row) in table.rows.iter().enumerate() {
        if row.len() != n {
            return Err(bad(format!(
                "row {} of the table has {} cells, not {n} (one per column)",
                i + 1,
                row.len()
            )));
        }
    }
    let mut fields = Vec::with_capacity(n);
    let mut arrays: Vec<ArrayRef> = Vec::with_capacity(n);
    for (c, name) in table.columns.iter().enumerate() {
        let cells = table.rows.iter().map(move |r| &r[c]);
        let data_type = column_type(cells.clone());
        let array: ArrayRef = match data_type {
            DataType::Boolean => Arc::new(cells.map(Value::as_bool).collect::<BooleanArray>()),
            DataType::Int64 => Arc::new(cells.map(Value::as_i64).collect::<Int64Array>()),
            DataType::Float64 => Arc::new(cells.map(Value::as_f64).collect::<Float64Array>()),
            _ => Arc::new(cells.map(text).collect::<StringArray>()),
        };
        fields.push(Field::new(name, data_type, true));
        arrays.push(array);
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
        .map_err(|e| bad(format!("the table cannot be an Arrow batch: {e}")))
}

/// The table as the bytes of an Arrow IPC file.
pub fn ipc_file(table: &ResultTable) -> Result<Vec<u8>> {
    let batch = record_batch(table)?;
    let fail = |e: arrow_schema::ArrowError| bad(format!("writing Arrow IPC: {e}"));
    let mut writer =
        arrow_ipc::writer::FileWriter::try_new(Vec::new(), &batch.schema()).map_err(fail)?;
    writer.write(&batch).map_err(fail)?;
    writer.finish().map_err(fail)?;
    writer.into_inner().map_err(fail)
}
