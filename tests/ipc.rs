//! Result tables as Arrow IPC files: read back with arrow's own IPC reader, every
//! column has the type the rules give (booleans, whole numbers, numbers, text) and
//! every cell its value, on hand-made tables and on random ones (proptest) checked
//! against a naive reference of the type rules; bad tables are errors naming the row.

use std::io::Cursor;

use arrow_array::{Array, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_ipc::reader::FileReader;
use arrow_schema::DataType;
use proptest::prelude::*;
use serde_json::{Value, json};
use tidemark::ipc::{ResultTable, ipc_file};

fn read(bytes: &[u8]) -> RecordBatch {
    assert_eq!(&bytes[..6], b"ARROW1", "the IPC file magic at the start");
    assert_eq!(&bytes[bytes.len() - 6..], b"ARROW1", "and at the end");
    let mut reader = FileReader::try_new(Cursor::new(bytes.to_vec()), None).expect("an IPC file");
    let batch = reader.next().expect("one batch").expect("readable");
    assert!(reader.next().is_none(), "exactly one batch");
    batch
}

fn table(columns: &[&str], rows: Vec<Vec<Value>>) -> ResultTable {
    ResultTable {
        columns: columns.iter().map(|c| c.to_string()).collect(),
        rows,
    }
}

/// The cell `row` of `col` as JSON, the way the reference expects it back.
fn cell(batch: &RecordBatch, col: usize, row: usize) -> Value {
    let a = batch.column(col);
    if a.is_null(row) {
        return Value::Null;
    }
    match a.data_type() {
        DataType::Boolean => json!(
            a.as_any()
                .downcast_ref::<BooleanArray>()
                .expect("bool")
                .value(row)
        ),
        DataType::Int64 => json!(
            a.as_any()
                .downcast_ref::<Int64Array>()
                .expect("i64")
                .value(row)
        ),
        DataType::Float64 => json!(
            a.as_any()
                .downcast_ref::<Float64Array>()
                .expect("f64")
                .value(row)
        ),
        DataType::Utf8 => json!(
            a.as_any()
                .downcast_ref::<StringArray>()
                .expect("utf8")
                .value(row)
        ),
        other => panic!("unexpected type {other}"),
    }
}

#[test]
fn a_funnel_table_round_trips_with_its_types() {
    let t = table(
        &[
            "step",
            "event",
            "users",
            "conversion",
            "median_seconds",
            "complete",
        ],
        vec![
            vec![
                json!(1),
                json!("浏览商品"),
                json!(5000),
                Value::Null,
                Value::Null,
                json!(true),
            ],
            vec![
                json!(2),
                json!("<img src=x onerror=alert(1)>"),
                json!(2189),
                json!(0.4378),
                json!(774.0),
                json!(false),
            ],
            vec![
                json!(3),
                json!("=HYPERLINK(\"x\")"),
                json!(0),
                json!(0.0),
                json!(12.5),
                Value::Null,
            ],
        ],
    );
    let batch = read(&ipc_file(&t).expect("written"));
    let schema = batch.schema();
    let types: Vec<_> = schema
        .fields()
        .iter()
        .map(|f| (f.name().as_str(), f.data_type().clone()))
        .collect();
    assert_eq!(
        types,
        vec![
            ("step", DataType::Int64),
            ("event", DataType::Utf8),
            ("users", DataType::Int64),
            ("conversion", DataType::Float64),
            ("median_seconds", DataType::Float64),
            ("complete", DataType::Boolean),
        ]
    );
    assert_eq!(batch.num_rows(), 3);
    assert_eq!(cell(&batch, 1, 0), json!("浏览商品"));
    // Text stays as it is: no formula guard, no escaping.
    assert_eq!(cell(&batch, 1, 2), json!("=HYPERLINK(\"x\")"));
    assert_eq!(cell(&batch, 3, 0), Value::Null);
    assert_eq!(cell(&batch, 4, 1), json!(774.0));
    assert_eq!(cell(&batch, 5, 2), Value::Null);
}

#[test]
fn mixed_columns_become_text_and_empty_ones_nulls() {
    let t = table(
        &["mixed", "nulls", "big"],
        vec![
            vec![json!("a"), Value::Null, json!(u64::MAX)],
            vec![json!(1.5), Value::Null, json!(1)],
            vec![json!(true), Value::Null, json!(2)],
        ],
    );
    let batch = read(&ipc_file(&t).expect("written"));
    assert_eq!(batch.schema().field(0).data_type(), &DataType::Utf8);
    assert_eq!(
        (0..3).map(|r| cell(&batch, 0, r)).collect::<Vec<_>>(),
        vec![json!("a"), json!("1.5"), json!("true")]
    );
    assert_eq!(batch.schema().field(1).data_type(), &DataType::Utf8);
    assert_eq!(batch.column(1).null_count(), 3);
    // u64::MAX does not fit i64: the column is Float64.
    assert_eq!(batch.schema().field(2).data_type(), &DataType::Float64);
}

#[test]
fn no_rows_is_a_schema_only_file() {
    let batch = read(&ipc_file(&table(&["a", "b"], vec![])).expect("written"));
    assert_eq!(batch.num_rows(), 0);
    assert_eq!(batch.schema().fields().len(), 2);
}

#[test]
fn a_ragged_row_or_no_column_is_an_error() {
    let e = ipc_file(&table(
        &["a", "b"],
        vec![vec![json!(1), json!(2)], vec![json!(1)]],
    ))
    .expect_err("ragged");
    assert_eq!(
        e.to_string(),
        "bad table: row 2 of the table has 1 cells, not 2 (one per column)"
    );
    let e = ipc_file(&table(&[], vec![])).expect_err("no columns");
    assert_eq!(
        e.to_string(),
        "bad table: an Arrow table needs at least one column"
    );
    let e =
        serde_json::from_value::<ResultTable>(json!({"columns": ["a"], "rows": [], "extra": 1}));
    assert!(e.is_err(), "unknown fields are errors");
}

/// The type rules, written out naively.
fn reference_type(cells: &[Value]) -> DataType {
    let present: Vec<&Value> = cells.iter().filter(|v| !v.is_null()).collect();
    if present.is_empty() {
        DataType::Utf8
    } else if present.iter().all(|v| matches!(v, Value::Bool(_))) {
        DataType::Boolean
    } else if present
        .iter()
        .all(|v| matches!(v, Value::Number(n) if n.as_i64().is_some()))
    {
        DataType::Int64
    } else if present.iter().all(|v| matches!(v, Value::Number(_))) {
        DataType::Float64
    } else {
        DataType::Utf8
    }
}

fn any_cell() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|i| json!(i)),
        (-1e9f64..1e9).prop_map(|f| json!(f)),
        "[a-z<>=\"， 中文]{0,6}".prop_map(Value::String),
    ]
}

/// A column: mostly of one kind, sometimes mixed.
fn any_column(rows: usize) -> impl Strategy<Value = Vec<Value>> {
    prop_oneof![
        proptest::collection::vec(
            prop_oneof![Just(Value::Null), any::<i64>().prop_map(|i| json!(i))],
            rows
        ),
        proptest::collection::vec(
            prop_oneof![Just(Value::Null), any::<bool>().prop_map(Value::Bool)],
            rows
        ),
        proptest::collection::vec(
            prop_oneof![Just(Value::Null), (-1e6f64..1e6).prop_map(|f| json!(f))],
            rows
        ),
        proptest::collection::vec(any_cell(), rows),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn random_tables_round_trip(columns in (0usize..12).prop_flat_map(|rows| proptest::collection::vec(any_column(rows), 1..6))) {
        let n_rows = columns[0].len();
        let names: Vec<String> = (0..columns.len()).map(|c| format!("c{c}")).collect();
        let rows: Vec<Vec<Value>> = (0..n_rows).map(|r| columns.iter().map(|c| c[r].clone()).collect()).collect();
        let t = ResultTable { columns: names.clone(), rows };
        let batch = read(&ipc_file(&t).expect("written"));
        let schema = batch.schema();
        prop_assert_eq!(batch.num_rows(), n_rows);
        for (c, col) in columns.iter().enumerate() {
            let want = reference_type(col);
            prop_assert_eq!(schema.field(c).name(), &names[c]);
            prop_assert_eq!(schema.field(c).data_type(), &want);
            for (r, v) in col.iter().enumerate() {
                let expected = match (&want, v) {
                    (_, Value::Null) => Value::Null,
                    (DataType::Utf8, Value::String(s)) => json!(s),
                    (DataType::Utf8, other) => json!(other.to_string()),
                    (DataType::Float64, Value::Number(n)) => json!(n.as_f64().expect("f64")),
                    (_, other) => other.clone(),
                };
                prop_assert_eq!(cell(&batch, c, r), expected, "column {} row {}", c, r);
            }
        }
    }
}
