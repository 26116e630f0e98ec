//! `{"analysis": "segment"}`: size, share of users and of revenue, and the
//! members with their metrics, for a rule (worked out by hand), an RFM segment
//! and a tier (checked against the RFM and tiers reports' own user lists) and a
//! list of ids; every spec error of a segment reference.

use serde_json::{Value, json};
use tidemark::analysis;
use tidemark::spec::Spec;
use tidemark::table::{EventTable, Role, TableBuilder, TableMeta};

fn at(iso: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(iso)
        .unwrap()
        .timestamp_millis()
}

/// The log of `segment_rule.rs` (data end 2024-03-10T10:00Z).
fn table() -> EventTable {
    let props = [("country".to_string(), Role::Property)];
    let mut b = TableBuilder::new(true, &props);
    type Row<'a> = (&'a str, &'a str, &'a str, Option<f64>, Option<&'a str>);
    let rows: [Row; 7] = [
        ("a", "2024-03-01T10:00:00Z", "page_view", None, Some("CN")),
        ("a", "2024-03-08T10:00:00Z", "add_to_cart", None, None),
        ("a", "2024-03-09T10:00:00Z", "purchase", Some(20.0), None),
        (
            "b",
            "2024-03-02T10:00:00Z",
            "purchase",
            Some(5.0),
            Some("US"),
        ),
        ("b", "2024-03-05T10:00:00Z", "purchase", Some(7.5), None),
        ("c", "2024-03-10T10:00:00Z", "page_view", None, None),
        ("d", "2024-03-04T10:00:00Z", "add_to_cart", None, Some("CN")),
    ];
    for (user, time, event, revenue, country) in rows {
        b.push(user, at(time), event, revenue, &[country]);
    }
    b.build(TableMeta::synthetic("t.csv"))
}

fn run(t: &EventTable, spec: Value) -> Value {
    let spec = Spec::from_value(spec).unwrap();
    serde_json::to_value(analysis::run(t, &spec).unwrap()).unwrap()
}

fn spec_error(t: &EventTable, spec: Value) -> String {
    match Spec::from_value(spec) {
        Err(e) => e.to_string(),
        Ok(s) => analysis::run(t, &s).unwrap_err().to_string(),
    }
}

fn ids(report: &Value) -> Vec<String> {
    report["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["user"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_rule_segment_by_hand() {
    let t = table();
    let r = run(
        &t,
        json!({"analysis": "segment", "rule": "purchases >= 1", "users": true}),
    );
    assert_eq!(r["analysis"], "segment");
    assert_eq!(r["name"], "purchases >= 1");
    assert_eq!(r["rule"], "purchases >= 1");
    assert_eq!(r["as_of"], "2024-03-10T10:00:00Z");
    assert_eq!(r["purchase_event"], "purchase");
    assert_eq!(r["total_users"], 4);
    assert_eq!(r["users"], 2);
    assert_eq!(r["share_users"], 0.5);
    assert_eq!(r["revenue"], 32.5);
    assert_eq!(r["share_revenue"], 1.0);
    assert_eq!(
        r["members"],
        json!([
            {"user": "a", "events": 3, "purchases": 1, "revenue": 20.0,
             "days_since_first": 9.0, "days_since_last": 1.0,
             "days_since_first_purchase": 1.0, "days_since_last_purchase": 1.0},
            {"user": "b", "events": 2, "purchases": 2, "revenue": 12.5,
             "days_since_first": 8.0, "days_since_last": 5.0,
             "days_since_first_purchase": 8.0, "days_since_last_purchase": 5.0}
        ])
    );
    let cn = run(
        &t,
        json!({"analysis": "segment", "name": "China", "rule": "country = \"CN\"", "users": true}),
    );
    assert_eq!(cn["name"], "China");
    assert_eq!(ids(&cn), ["a", "d"]);
    assert_eq!(cn["share_revenue"], 20.0 / 32.5);
    // d never bought: no purchase days.
    assert_eq!(cn["members"][1]["days_since_last_purchase"], Value::Null);
    assert_eq!(cn["members"][1]["purchases"], 0);
    // Without "users", no members.
    let plain = run(&t, json!({"analysis": "segment", "rule": "events >= 1"}));
    assert_eq!(plain["members"], Value::Null);
    assert_eq!(plain["users"], 4);
}

#[test]
fn as_of_cuts_the_members_and_the_revenue_shares() {
    let t = table();
    let r = run(
        &t,
        json!({"analysis": "segment", "rule": "events >= 1", "as_of": "2024-03-04", "users": true}),
    );
    assert_eq!(ids(&r), ["a", "b", "d"]);
    // Only b's first purchase (5) is before the end of 03-04, out of 5 in all.
    assert_eq!(r["revenue"], 5.0);
    assert_eq!(r["share_revenue"], 1.0);
    assert_eq!(r["as_of"], "2024-03-05T00:00:00Z");
}

#[test]
fn rfm_and_tier_segments_are_the_users_those_reports_list() {
    let t = table();
    let rfm = run(&t, json!({"analysis": "rfm", "users": true}));
    let tiers = run(&t, json!({"analysis": "tiers", "users": true}));
    let listed = |report: &Value, field: &str, name: &str| -> Vec<String> {
        let mut v: Vec<String> = report["users"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| u[field] == name)
            .map(|u| u["user"].as_str().unwrap().to_string())
            .collect();
        v.sort();
        v
    };
    for name in [
        "Champions",
        "New",
        "Lost",
        "Potential loyalist",
        "Promising",
    ] {
        let r = run(
            &t,
            json!({"analysis": "segment", "rfm": name, "users": true}),
        );
        assert_eq!(ids(&r), listed(&rfm, "segment", name), "{name}");
        assert_eq!(r["name"], format!("RFM {name}"));
    }
    for name in ["high", "mid", "low"] {
        let r = run(
            &t,
            json!({"analysis": "segment", "tier": name, "users": true}),
        );
        assert_eq!(ids(&r), listed(&tiers, "tier", name), "{name}");
    }
    let by_value = run(
        &t,
        json!({"analysis": "segment", "tier": "high", "by": "value", "high": 15, "mid": 10, "users": true}),
    );
    assert_eq!(ids(&by_value), ["a"]);
}

#[test]
fn a_list_of_ids() {
    let r = run(
        &table(),
        json!({"analysis": "segment", "ids": ["c", "b"], "users": true}),
    );
    assert_eq!(ids(&r), ["b", "c"]);
    assert_eq!(r["name"], "2 users");
    assert_eq!(r["revenue"], 12.5);
}

#[test]
fn a_filter_reports_its_size() {
    let t = table();
    let r = run(
        &t,
        json!({"analysis": "funnel", "steps": [{"event": "page_view"}, {"event": "purchase"}],
               "window": "10d", "segment": {"rule": "country = \"CN\""}}),
    );
    assert_eq!(
        r["segment"],
        json!({"name": "country = \"CN\"", "users": 2, "share_users": 0.5,
               "revenue": 20.0, "share_revenue": 20.0 / 32.5})
    );
    // a: page_view then purchase; d has no page_view.
    assert_eq!(r["steps"][0]["users"], 1);
    assert_eq!(r["steps"][1]["users"], 1);
}

#[test]
fn every_segment_reference_error() {
    let t = table();
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"analysis": "segment"}),
            "bad spec: segment: a segment needs one of \"rule\", \"rfm\", \"tier\", \"clv\" or \"ids\"",
        ),
        (
            json!({"analysis": "segment", "rule": "events > 1", "rfm": "New"}),
            "bad spec: segment: a segment has one of \"rule\", \"rfm\", \"tier\", \"clv\" or \"ids\", not rule and rfm",
        ),
        (
            json!({"analysis": "segment", "rule": "events > 1", "asof": null}),
            "bad spec: segment: unknown field `asof`, expected one of `rule`, `as_of`, `purchase_event`",
        ),
        (
            json!({"analysis": "segment", "rule": "events > 1", "users": 1}),
            "bad spec: segment: \"users\" must be true or false",
        ),
        (
            json!({"analysis": "segment", "rule": "events > 1", "name": 2}),
            "bad spec: segment: \"name\" must be a text",
        ),
        (
            json!({"analysis": "segment", "rfm": 3}),
            "bad spec: segment: \"rfm\" must be a text",
        ),
        (
            json!({"analysis": "segment", "rfm": "Champion"}),
            "bad spec: segment: no RFM segment \"Champion\" (segments: Champions, Loyal, Potential loyalist, New, Promising, Need attention, About to sleep, Cannot lose, At risk, Hibernating, Lost)",
        ),
        (
            json!({"analysis": "segment", "tier": "top"}),
            "bad spec: segment: no tier \"top\" (tiers: high, mid, low)",
        ),
        (
            json!({"analysis": "segment", "tier": "high", "by": "value"}),
            "bad spec: tiers: by value, give both \"high\" and \"mid\" as revenue values (e.g. \"high\": 500, \"mid\": 100)",
        ),
        (
            json!({"analysis": "segment", "ids": ["a", "zz"]}),
            "bad spec: segment: no user \"zz\" in the data",
        ),
        (
            json!({"analysis": "segment", "ids": "a"}),
            "bad spec: segment: \"ids\" is a list of user ids",
        ),
        (
            json!({"analysis": "segment", "ids": ["a"], "rules": 1}),
            "bad spec: segment: unknown field `rules` beside \"ids\"",
        ),
        (
            json!({"analysis": "funnel", "steps": [{"event": "page_view"}, {"event": "purchase"}], "segment": "x"}),
            "bad spec: funnel: segment: a segment is an object like {\"rule\": \"purchases >= 2\"}, {\"rfm\": \"Champions\"}, {\"tier\": \"high\"}, {\"clv\": \"at_risk\"} or {\"ids\": [\"u1\"]}",
        ),
        (
            json!({"analysis": "retention", "segments": [{"segment": {"rule": "events >"}}]}),
            "bad segment rule, column 9: expected a value after '>' (a number, or text in double quotes), found the end of the rule",
        ),
        (
            json!({"analysis": "repurchase", "segments": [{"name": "x"}]}),
            "bad spec: repurchase: missing field `segment`",
        ),
    ];
    for (spec, want) in cases {
        let got = spec_error(&t, spec.clone());
        assert!(got.starts_with(want), "{spec}\n got: {got}\nwant: {want}");
    }
}

/// CLV segments are the customers the CLV report lists under that tier, or at
/// risk, on the CDNOW sample; usable as a filter like any segment.
#[test]
fn clv_tier_and_at_risk_segments_are_the_customers_the_clv_report_lists() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/cdnow_sample.csv"
    ))
    .expect("the CDNOW sample");
    let t = tidemark::ingest::load(
        "cdnow_sample.csv",
        &bytes,
        tidemark::ingest::LoadOptions::default(),
        &mut tidemark::progress::Silent,
    )
    .expect("loads");
    let clv_fields = json!({"unit": "week", "calibration_end": "1997-09-30"});
    let mut clv_spec = clv_fields.clone();
    clv_spec["analysis"] = json!("clv");
    let report = run(&t, clv_spec);
    let listed = |keep: &dyn Fn(&Value) -> bool| -> Vec<String> {
        let mut v: Vec<String> = report["customers"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| keep(c))
            .map(|c| c["user"].as_str().unwrap().to_string())
            .collect();
        v.sort();
        v
    };
    for group in ["high", "mid", "low", "at_risk"] {
        let mut spec = clv_fields.clone();
        spec["analysis"] = json!("segment");
        spec["clv"] = json!(group);
        spec["users"] = json!(true);
        let r = run(&t, spec);
        let want = if group == "at_risk" {
            listed(&|c| c["at_risk"] == true)
        } else {
            listed(&|c| c["tier"] == group)
        };
        assert!(!want.is_empty(), "{group}");
        let mut got = ids(&r);
        got.sort();
        assert_eq!(got, want, "{group}");
        assert_eq!(r["name"], format!("CLV {group}"));
    }
    // As a filter: a repurchase of the at-risk customers counts exactly them.
    let r = run(
        &t,
        json!({"analysis": "repurchase", "within_days": [30], "segment": {"clv": "at_risk", "unit": "week", "calibration_end": "1997-09-30"}}),
    );
    assert_eq!(r["buyers"], json!(listed(&|c| c["at_risk"] == true).len()));
    assert_eq!(
        spec_error(&t, json!({"analysis": "segment", "clv": "vip"})),
        "bad spec: segment: no CLV group \"vip\" (groups: high, mid, low, at_risk)"
    );
}
