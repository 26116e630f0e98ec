//! User attribute files (`ingest/attributes.rs`): matched and unmatched ids, the
//! id column, encodings and delimiters through the event loader's machinery,
//! every error with its line, and attribute columns in rules and filters.

use serde_json::json;
use tidemark::analysis;
use tidemark::ingest::attributes::{AttachReport, attach};
use tidemark::segment::{Rule, RuleOptions};
use tidemark::spec::Spec;
use tidemark::table::{EventTable, TableBuilder, TableMeta};

/// Users u1..u4, one purchase each on consecutive days.
fn events() -> EventTable {
    let mut b = TableBuilder::new(true, &[]);
    for (i, u) in ["u1", "u2", "u3", "u4"].iter().enumerate() {
        b.push(
            u,
            1_700_000_000_000 + i as i64 * 86_400_000,
            "purchase",
            Some(10.0 * (i as f64 + 1.0)),
            &[],
        );
    }
    b.build(TableMeta::synthetic("events.csv"))
}

fn ok(bytes: &[u8], id: Option<&str>) -> (EventTable, AttachReport) {
    attach(events(), "users.csv", bytes, id).unwrap()
}

fn err(bytes: &[u8], id: Option<&str>) -> String {
    attach(events(), "users.csv", bytes, id)
        .unwrap_err()
        .to_string()
}

fn members(t: &EventTable, rule: &str) -> Vec<String> {
    let mask = Rule::compile(t, rule, &RuleOptions::default())
        .unwrap_or_else(|e| panic!("{rule}: {e}"))
        .mask(t);
    (0..t.user_count() as u32)
        .filter(|&u| mask[u as usize])
        .map(|u| t.user_id(u).to_string())
        .collect()
}

#[test]
fn matched_and_unmatched_ids_are_reported() {
    let (t, r) = ok(
        b"id,plan,region\nu1,pro,EU\nu2,free,US\nx9,pro,EU\nu4,,EU\nx7,free,\n",
        None,
    );
    assert_eq!(r.id_column, "id");
    assert_eq!(r.columns, ["plan", "region"]);
    assert_eq!(r.rows, 5);
    assert_eq!(r.matched_users, 3);
    assert_eq!(r.users_without_row, 1);
    assert_eq!(r.unmatched, 2);
    assert_eq!(r.unmatched_ids, ["x9", "x7"]);
    assert_eq!(members(&t, r#"plan = "pro""#), ["u1"]);
    // u3 has no row and u4 an empty plan: no value, so != holds.
    assert_eq!(members(&t, r#"plan != "pro""#), ["u2", "u3", "u4"]);
    assert_eq!(
        members(&t, r#"region = "EU" and purchases >= 1"#),
        ["u1", "u4"]
    );
    assert_eq!(
        members(&t, r#"plan in ["free", "pro"] or revenue >= 40"#),
        ["u1", "u2", "u4"]
    );
}

#[test]
fn the_id_column_by_name_any_delimiter_and_encoding() {
    let (t, r) = ok(b"plan;user\npro;u3\nfree;u1\n", Some("user"));
    assert_eq!((r.matched_users, r.unmatched), (2, 0));
    assert_eq!(members(&t, r#"plan = "pro""#), ["u3"]);
    // UTF-8 with a BOM and quoted fields with the delimiter inside.
    let (t, _) = ok("\u{feff}id,source\nu2,\"ads, search\"\n".as_bytes(), None);
    assert_eq!(members(&t, r#"source = "ads, search""#), ["u2"]);
    // GBK (Chinese Excel): 地区 = 华东.
    let (gbk, _, _) = encoding_rs::GBK.encode("id,地区\nu1,华东\nu2,华北\nu3,华东\nu4,华南\n");
    let (t, _) = ok(&gbk, None);
    assert_eq!(members(&t, "`地区` = \"华东\""), ["u1", "u3"]);
}

#[test]
fn numbers_in_attributes_compare_as_numbers() {
    let (t, _) = ok(b"id,age\nu1,31\nu2,45.5\nu3,n/a\n", None);
    assert_eq!(members(&t, "age >= 31"), ["u1", "u2"]);
    assert_eq!(members(&t, "age < 40"), ["u1"]);
}

#[test]
fn attributes_reach_filters_and_breakdowns() {
    let (t, _) = ok(b"id,plan\nu1,pro\nu2,pro\n", None);
    let spec = Spec::from_value(json!({
        "analysis": "repurchase", "purchase_event": "purchase",
        "segment": {"rule": "plan = \"pro\""},
        "segments": [{"name": "free", "segment": {"rule": "plan != \"pro\""}}]
    }))
    .unwrap();
    let r = serde_json::to_value(analysis::run(&t, &spec).unwrap()).unwrap();
    assert_eq!(r["segment"]["users"], 2);
    assert_eq!(r["buyers"], 2);
    assert_eq!(r["by_segment"][0]["segment"]["users"], 0);
    assert_eq!(r["by_segment"][0]["result"]["buyers"], 0);
}

#[test]
fn every_attribute_file_error_names_the_file_and_line() {
    let cases: [(&[u8], Option<&str>, &str); 8] = [
        (b"", None, "users.csv: the file is empty"),
        (
            b"id,plan\n",
            None,
            "users.csv: the file has a header but no data rows",
        ),
        (
            b"id\nu1\n",
            None,
            "users.csv:1: an attribute file needs a user-id column and at least one attribute column; this one has only \"id\"",
        ),
        (
            b"id,plan\nu1,pro\nu2\n",
            None,
            "users.csv:3: row has 1 field, the header has 2",
        ),
        (
            b"id,plan\nu1,pro\n,free\n",
            None,
            "users.csv:3: the user id (column \"id\") is empty",
        ),
        (
            b"id,plan\nu1,pro\nu2,free\nu1,free\n",
            None,
            "users.csv:4: user id \"u1\" is also on line 2: an attribute file has one row per user",
        ),
        (
            b"id,plan\nu1,\"pro\n",
            None,
            "users.csv:2: a quoted field starts here and is never closed",
        ),
        (
            b"id,plan\nu1,pro\n",
            Some("user"),
            "users.csv: the user role names column \"user\", which is not in the file (columns: id, plan)",
        ),
    ];
    for (bytes, id, want) in cases {
        assert_eq!(err(bytes, id), want, "{}", String::from_utf8_lossy(bytes));
    }
    assert!(
        err(b"\x89PNG\r\n\x1a\n\0\0", None).starts_with("users.csv: this is not a CSV text file")
    );
}

#[test]
fn a_restricted_table_keeps_its_users_attributes() {
    let (t, _) = ok(b"id,plan\nu2,pro\nu4,free\n", None);
    let sub = t.restrict(&[false, true, false, true]);
    assert_eq!(members(&sub, r#"plan = "free""#), ["u4"]);
    assert_eq!(members(&sub, r#"plan = "pro""#), ["u2"]);
}

#[test]
fn a_funnel_breaks_down_by_a_user_attribute() {
    let mut b = TableBuilder::new(false, &[]);
    // u1, u2: view then buy; u3: view only; u4: buys without a view.
    for (u, t, e) in [
        ("u1", 0, "view"),
        ("u1", 1, "buy"),
        ("u2", 0, "view"),
        ("u2", 5, "buy"),
        ("u3", 0, "view"),
        ("u4", 0, "buy"),
    ] {
        b.push(u, 1_700_000_000_000 + t * 60_000, e, None, &[]);
    }
    let t = b.build(TableMeta::synthetic("events.csv"));
    let (t, _) = attach(t, "plans.csv", b"id,plan\nu1,pro\nu3,pro\nu2,free\n", None).unwrap();
    let spec = Spec::from_value(json!({
        "analysis": "funnel", "steps": [{"event": "view"}, {"event": "buy"}], "breakdown": "plan"
    }))
    .unwrap();
    let r = serde_json::to_value(analysis::run(&t, &spec).unwrap()).unwrap();
    let buckets: Vec<(String, u64, u64)> = r["breakdown"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["value"].as_str().unwrap_or("(none)").to_string(),
                b["steps"][0]["users"].as_u64().unwrap(),
                b["steps"][1]["users"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(buckets, [("pro".into(), 2, 1), ("free".into(), 1, 1)]);
}
