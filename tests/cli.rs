//! The process boundary: the real `tidemark` binary, its JSON on stdout, and its
//! `file:line: reason` errors on stderr with a non-zero exit.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn tidemark(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tidemark"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn tidemark_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tidemark"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    child.wait_with_output().expect("wait")
}

fn data(name: &str) -> String {
    format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn temp_file(name: &str, content: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tidemark-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, content).expect("write temp file");
    path
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

fn stderr(out: &Output) -> String {
    assert!(
        !out.status.success(),
        "expected failure, got: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).trim().to_string()
}

#[test]
fn inspect_cdnow() {
    let v = json(&tidemark(&["inspect", &data("cdnow_sample.csv")]));
    assert_eq!(v["rows_read"], 6919);
    assert_eq!(v["rows"], 6919);
    assert_eq!(v["users"], 2357);
    assert_eq!(v["columns"][0]["role"], "user");
    assert_eq!(v["columns"][1]["role"], "time");
    assert_eq!(v["columns"][3]["role"], "revenue");
    assert_eq!(v["events"][0]["name"], "purchase");
    assert_eq!(v["first_time"], "1997-01-01T00:00:00Z");
}

#[test]
fn inspect_with_roles_and_tz_flags() {
    let f = temp_file(
        "roles.csv",
        b"a,b,c\nx,2024-01-01 08:00,buy\ny,2024-01-02 09:00,view\n",
    );
    let path = f.to_str().expect("utf-8 path");
    let v = json(&tidemark(&[
        "inspect",
        path,
        "--roles",
        "user=a,time=b,event=c",
        "--tz",
        "Asia/Shanghai",
    ]));
    assert_eq!(v["users"], 2);
    assert_eq!(v["time_zone"], "Asia/Shanghai");
    assert_eq!(v["first_time"], "2024-01-01T00:00:00Z");
    assert_eq!(v["columns"][0]["reason"], "set by you");
}

#[test]
fn inspect_missing_file_errored() {
    let e = stderr(&tidemark(&["inspect", "/nonexistent/x.csv"]));
    assert!(
        e.starts_with("/nonexistent/x.csv: cannot read the file:"),
        "{e}"
    );
}

#[test]
fn inspect_unterminated_quote_errored() {
    let f = temp_file("quote.csv", b"user_id,time\nu,2024-01-01\nu,\"2024\n");
    let e = stderr(&tidemark(&["inspect", f.to_str().expect("path")]));
    assert!(
        e.ends_with("quote.csv:3: a quoted field starts here and is never closed"),
        "{e}"
    );
}

#[test]
fn inspect_bad_roles_flag_errored() {
    let e = stderr(&tidemark(&[
        "inspect",
        &data("cdnow_sample.csv"),
        "--roles",
        "user",
    ]));
    assert_eq!(e, "--roles: \"user\" is not ROLE=COLUMN");
    let e = stderr(&tidemark(&[
        "inspect",
        &data("cdnow_sample.csv"),
        "--roles",
        "user=nope",
    ]));
    assert!(
        e.contains("names column \"nope\", which is not in the file"),
        "{e}"
    );
}

#[test]
fn run_bad_spec_errored() {
    let e = stderr(&tidemark_stdin(
        &["run", &data("cdnow_sample.csv"), "--spec", "-"],
        "{\"analysis\":\"nope\"}",
    ));
    assert!(
        e.starts_with("-: bad spec: unknown analysis \"nope\""),
        "{e}"
    );
    let e = stderr(&tidemark_stdin(
        &["run", &data("cdnow_sample.csv"), "--spec", "-"],
        "not json",
    ));
    assert!(e.contains("bad spec: not valid JSON"), "{e}");
}

const EVENTS: &str = "user_id,event,timestamp,channel\n\
u1,view,2024-01-01T10:00:00Z,ads\n\
u1,cart,2024-01-01T10:05:00Z,ads\n\
u1,buy,2024-01-01T11:05:00Z,ads\n\
u2,view,2024-01-02T10:00:00Z,seo\n\
u2,cart,2024-01-02T10:10:00Z,seo\n\
u3,view,2024-01-03T10:00:00Z,=cmd()\n\
u4,cart,2024-01-03T10:00:00Z,seo\n";

const FUNNEL: &str = r#"{"analysis":"funnel","steps":[{"event":"view"},{"event":"cart"},{"event":"buy"}],"window":"1d","breakdown":"channel"}"#;

#[test]
fn run_funnel_prints_the_contract_fields() {
    let f = temp_file("events.csv", EVENTS.as_bytes());
    let v = json(&tidemark_stdin(
        &["run", f.to_str().expect("path"), "--spec", "-"],
        FUNNEL,
    ));
    assert_eq!(v["analysis"], "funnel");
    let users: Vec<u64> = v["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| s["users"].as_u64().expect("n"))
        .collect();
    assert_eq!(users, vec![3, 2, 1]);
    assert_eq!(v["steps"][1]["conversion_from_previous"], 2.0 / 3.0);
    assert_eq!(v["steps"][1]["dropoff"], 1);
    // cart after view: 5 min (u1) and 10 min (u2): median = mean = 450 s.
    assert_eq!(v["steps"][1]["median_seconds_from_previous"], 450.0);
    assert_eq!(v["steps"][2]["median_seconds_from_previous"], 3600.0);
    assert_eq!(
        v["steps"][0]["conversion_from_previous"],
        serde_json::Value::Null
    );
    let values: Vec<&str> = v["breakdown"]
        .as_array()
        .expect("buckets")
        .iter()
        .map(|b| b["value"].as_str().expect("v"))
        .collect();
    assert_eq!(values, vec!["=cmd()", "ads", "seo"]);
}

#[test]
fn dropoff_prints_users_as_csv() {
    let f = temp_file("events2.csv", EVENTS.as_bytes());
    let spec = temp_file("funnel.json", FUNNEL.as_bytes());
    let out = tidemark(&[
        "dropoff",
        f.to_str().expect("path"),
        "--spec",
        spec.to_str().expect("path"),
        "--step",
        "1",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "user\nu3\n");
    let out = tidemark(&[
        "dropoff",
        f.to_str().expect("path"),
        "--spec",
        spec.to_str().expect("path"),
        "--step",
        "3",
    ]);
    assert!(stderr(&out).contains("step 3 is not between 1 and 2"));
}

#[test]
fn run_funnel_unknown_column_errored() {
    let f = temp_file("events3.csv", EVENTS.as_bytes());
    let spec = r#"{"analysis":"funnel","steps":[{"event":"view","where":{"chanel":"ads"}},{"event":"buy"}]}"#;
    let e = stderr(&tidemark_stdin(
        &["run", f.to_str().expect("path"), "--spec", "-"],
        spec,
    ));
    assert!(e.contains("no column \"chanel\""), "{e}");
}

#[test]
fn run_repurchase_retention_and_lifecycle_on_cdnow() {
    let cdnow = data("cdnow_sample.csv");
    let run = |spec: &str| json(&tidemark_stdin(&["run", &cdnow, "--spec", "-"], spec));
    let v = run(r#"{"analysis":"repurchase","within_days":[90]}"#);
    assert_eq!(v["analysis"], "repurchase");
    assert_eq!(v["purchase_event"], "purchase");
    assert_eq!(v["rates"][0]["eligible"], 2357);
    assert_eq!(v["rates"][0]["repeaters"], 705);
    let v = run(
        r#"{"analysis":"retention","period":"month","start_event":null,"return_event":null,"periods":12,"mode":"bounded","measure":"revenue"}"#,
    );
    assert_eq!(v["cohorts"][0]["start"], "1997-01-01");
    assert_eq!(v["cohorts"][0]["retained"][0], v["cohorts"][0]["size"]);
    assert_eq!(v["cohorts"][0]["retained"].as_array().unwrap().len(), 13);
    assert!(
        v["cohorts"][0]["cumulative_revenue_per_user"][12]
            .as_f64()
            .unwrap()
            > 0.0
    );
    let v = run(r#"{"analysis":"lifecycle","period":"month","event":null}"#);
    assert_eq!(v["periods"][0]["start"], "1997-01-01");
    assert_eq!(v["periods"].as_array().unwrap().len(), 18);
    assert_eq!(v["periods"][17]["start"], "1998-06-01");
}

#[test]
fn dropoff_and_svg_need_a_funnel_errored() {
    let spec = temp_file("lifecycle.json", br#"{"analysis":"lifecycle"}"#);
    let spec = spec.to_str().expect("path");
    let cdnow = data("cdnow_sample.csv");
    let e = stderr(&tidemark(&[
        "dropoff", &cdnow, "--spec", spec, "--step", "1",
    ]));
    assert!(
        e.ends_with(
            "lifecycle.json: bad spec: dropoff needs a funnel spec ({\"analysis\":\"funnel\", …})"
        ),
        "{e}"
    );
    let svg = std::env::temp_dir().join("tidemark-never-written.svg");
    let e = stderr(&tidemark(&[
        "run",
        &cdnow,
        "--spec",
        spec,
        "--svg",
        svg.to_str().expect("path"),
    ]));
    assert!(
        e.contains("--svg draws funnels and RFM grids only for now"),
        "{e}"
    );
}

#[test]
fn run_rfm_and_tiers_on_cdnow_with_the_grid_as_svg() {
    let cdnow = data("cdnow_sample.csv");
    let spec = temp_file(
        "rfm.json",
        br#"{"analysis":"rfm","purchase_event":"purchase","as_of":null,"users":true}"#,
    );
    let svg = temp_file("rfm.svg", b"");
    let v = json(&tidemark(&[
        "run",
        &cdnow,
        "--spec",
        spec.to_str().expect("path"),
        "--svg",
        svg.to_str().expect("path"),
    ]));
    assert_eq!(v["analysis"], "rfm");
    assert_eq!(v["buyers"], 2357);
    assert_eq!(v["non_buyers"], 0);
    assert_eq!(v["as_of"], "1998-06-30T00:00:00Z");
    assert_eq!(v["revenue_decimals"], 2);
    let segments = v["segments"].as_array().expect("segments");
    assert_eq!(segments.len(), 11);
    let sum = |key: &str| -> u64 { segments.iter().map(|s| s[key].as_u64().unwrap()).sum() };
    assert_eq!(sum("users"), 2357);
    assert_eq!(sum("purchases"), v["purchases"].as_u64().unwrap());
    assert_eq!(v["grid"].as_array().expect("grid").len(), 25);
    assert_eq!(v["users"].as_array().expect("users").len(), 2357);
    let drawn = std::fs::read_to_string(&svg).expect("the SVG was written");
    assert!(
        drawn.starts_with("<svg"),
        "{}",
        &drawn[..drawn.len().min(80)]
    );
    assert!(drawn.contains("Champions"));

    let run = |spec: &str| json(&tidemark_stdin(&["run", &cdnow, "--spec", "-"], spec));
    let v = run(r#"{"analysis":"tiers","metric":"revenue","by":"share","high":0.2,"mid":0.5}"#);
    assert_eq!(v["analysis"], "tiers");
    let tiers = v["tiers"].as_array().expect("tiers");
    let names: Vec<&str> = tiers.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["high", "mid", "low"]);
    let users: u64 = tiers.iter().map(|t| t["users"].as_u64().unwrap()).sum();
    assert_eq!(users, 2357);
    assert!(tiers[0]["users"].as_u64().unwrap() >= 472); // ⌈0.2 · 2357⌉
    assert!(v["thresholds"]["high"].as_f64().unwrap() > v["thresholds"]["mid"].as_f64().unwrap());
}

#[test]
fn run_tiers_bad_thresholds_errored() {
    let cdnow = data("cdnow_sample.csv");
    let e = stderr(&tidemark_stdin(
        &["run", &cdnow, "--spec", "-"],
        r#"{"analysis":"tiers","by":"value","high":10}"#,
    ));
    assert!(
        e.ends_with(
            "-: bad spec: tiers: by value, give both \"high\" and \"mid\" as revenue values (e.g. \"high\": 500, \"mid\": 100)"
        ),
        "{e}"
    );
}
