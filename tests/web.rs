//! The wasm API in a real browser (wasm-bindgen-test, headless Chromium): loading,
//! the summary, a funnel checked against hand-computed counts, errors as JS `Error`s
//! with readable messages, and drawing on a canvas.
//!
//! ```sh
//! CHROMEDRIVER=/usr/bin/chromedriver \
//! CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
//!   cargo test --target wasm32-unknown-unknown --test web
//! ```
//! Chromium's flags come from `webdriver.json` at the repository root. Natively this
//! file compiles to nothing.

#![cfg(target_arch = "wasm32")]

use tidemark::web::{CsvLoader, Engine, WebError};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Four users. Funnel page_view → add_to_cart → purchase (ordered, 7d):
/// u1 reaches 3 (gaps 60 s, 120 s), u2 reaches 2 (gap 120 s), u3 reaches 1,
/// u4 never views a page (0). Steps: 3, 2, 1.
const CSV: &str = "user_id,timestamp,event,channel
u1,2024-01-01T00:00:00Z,page_view,ads
u1,2024-01-01T00:01:00Z,add_to_cart,ads
u1,2024-01-01T00:03:00Z,purchase,ads
u2,2024-01-01T00:00:00Z,page_view,seo
u2,2024-01-01T00:02:00Z,add_to_cart,seo
u3,2024-01-02T00:00:00Z,page_view,ads
u4,2024-01-02T00:00:00Z,add_to_cart,ads
";

const SPEC: &str = r#"{"analysis":"funnel","steps":[{"event":"page_view"},{"event":"add_to_cart"},{"event":"purchase"}],"window":"7d","mode":"ordered"}"#;

fn engine() -> Engine {
    match Engine::from_csv(CSV.as_bytes(), None, Some("small.csv".into())) {
        Ok(e) => e,
        Err(e) => panic!("the small CSV should load: {e}"),
    }
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).expect("readable property")
}

fn num(obj: &JsValue, key: &str) -> f64 {
    get(obj, key)
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is not a number"))
}

fn json(obj: &JsValue) -> String {
    js_sys::JSON::stringify(obj)
        .map(String::from)
        .unwrap_or_default()
}

/// The JS Error a failing export throws, and its message.
fn thrown(e: WebError) -> (js_sys::Error, String) {
    let js: JsValue = e.into();
    let err: js_sys::Error = js.dyn_into().expect("a JS Error object");
    let message = String::from(err.message());
    (err, message)
}

fn spec_js(text: &str) -> JsValue {
    js_sys::JSON::parse(text).expect("valid JSON")
}

#[wasm_bindgen_test]
fn summary_counts_rows_users_events_and_roles() {
    let s = engine().summary().expect("summary");
    assert_eq!(num(&s, "rows_read"), 7.0);
    assert_eq!(num(&s, "rows"), 7.0);
    assert_eq!(num(&s, "users"), 4.0);
    assert_eq!(get(&s, "file").as_string().as_deref(), Some("small.csv"));
    assert_eq!(get(&s, "delimiter").as_string().as_deref(), Some(","));
    assert_eq!(
        get(&s, "first_time").as_string().as_deref(),
        Some("2024-01-01T00:00:00Z")
    );
    let text = json(&s);
    assert!(text.contains(r#"{"name":"page_view","count":3}"#), "{text}");
    assert!(text.contains(r#""name":"user_id","#), "{text}");
    assert!(text.contains(r#""role":"user""#), "{text}");
    assert!(text.contains(r#""skipped":[]"#), "{text}");
}

#[wasm_bindgen_test]
fn funnel_matches_hand_counts() {
    let e = engine();
    for spec in [spec_js(SPEC), JsValue::from_str(SPEC)] {
        let r = e.run(spec).expect("funnel runs");
        assert_eq!(get(&r, "analysis").as_string().as_deref(), Some("funnel"));
        let steps: js_sys::Array = get(&r, "steps").dyn_into().expect("steps array");
        assert_eq!(steps.length(), 3);
        let users: Vec<f64> = steps.iter().map(|s| num(&s, "users")).collect();
        assert_eq!(users, vec![3.0, 2.0, 1.0]);
        let first = steps.get(0);
        assert!(
            get(&first, "conversion_from_previous").is_null(),
            "null, not undefined"
        );
        let second = steps.get(1);
        assert!((num(&second, "conversion_from_previous") - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(num(&second, "dropoff"), 1.0);
        assert_eq!(num(&second, "median_seconds_from_previous"), 90.0);
        assert_eq!(num(&second, "mean_seconds_from_previous"), 90.0);
        let third = steps.get(2);
        assert!((num(&third, "conversion_from_first") - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(num(&third, "median_seconds_from_previous"), 120.0);
        assert!(get(&r, "breakdown").is_null());
    }
}

#[wasm_bindgen_test]
fn dropoff_lists_users_lost_after_a_step() {
    let e = engine();
    assert_eq!(e.dropoff(spec_js(SPEC), 1).expect("dropoff"), vec!["u3"]);
    assert_eq!(e.dropoff(spec_js(SPEC), 2).expect("dropoff"), vec!["u2"]);
}

#[wasm_bindgen_test]
fn breakdown_by_channel() {
    let spec = r#"{"analysis":"funnel","steps":[{"event":"page_view"},{"event":"add_to_cart"}],"breakdown":"channel"}"#;
    let r = engine().run(spec_js(spec)).expect("funnel runs");
    let text = json(&r);
    assert!(text.contains(r#""value":"ads""#), "{text}");
    assert!(text.contains(r#""value":"seo""#), "{text}");
}

#[wasm_bindgen_test]
fn bad_spec_throws_a_readable_error() {
    let bad = r#"{"analysis":"funnel","steps":[{"event":"a"},{"event":"b"}],"windw":"7d"}"#;
    let Err(e) = engine().run(spec_js(bad)) else {
        panic!("a typo'd field must be refused");
    };
    let (err, message) = thrown(e);
    assert!(message.contains("unknown field `windw`"), "{message}");
    assert_eq!(String::from(err.name()), "TidemarkError");
    assert_eq!(get(&err, "kind").as_string().as_deref(), Some("bad_spec"));

    let Err(e) = engine().run(spec_js(r#"{"analysis":"funnel","steps":[{"event":"a"}]}"#)) else {
        panic!("one step must be refused");
    };
    assert!(thrown(e).1.contains("2 to 10 steps"));

    let Err(e) = engine().run(JsValue::from_str("{not json")) else {
        panic!("bad JSON text must be refused");
    };
    assert!(thrown(e).1.contains("not valid JSON"));
}

#[wasm_bindgen_test]
fn attributes_and_rule_segments_as_a_funnel_filter() {
    let mut e = engine();
    let report = e
        .attach_attributes(
            b"id,plan\nu1,pro\nu3,pro\nzz,free\n",
            Some("plans.csv".into()),
            None,
        )
        .expect("the attribute file attaches");
    assert_eq!(num(&report, "matched_users"), 2.0);
    assert_eq!(json(&get(&report, "unmatched_ids")), r#"["zz"]"#);
    // u1 reaches 3 steps, u3 reaches 1: the filtered funnel is 2, 1, 1.
    let spec = r#"{"analysis":"funnel","steps":[{"event":"page_view"},{"event":"add_to_cart"},{"event":"purchase"}],"segment":{"rule":"plan = \"pro\""}}"#;
    let r = e.run(spec_js(spec)).expect("the filtered funnel runs");
    let text = json(&r);
    assert!(
        text.contains(r#""segment":{"name":"plan = \"pro\"","users":2,"share_users":0.5"#),
        "{text}"
    );
    let users: Vec<f64> = (0..3)
        .map(|i| {
            num(
                &js_sys::Reflect::get_u32(&get(&r, "steps"), i).expect("a step"),
                "users",
            )
        })
        .collect();
    assert_eq!(users, [2.0, 1.0, 1.0]);
    // A mistake in a rule: a JS Error with its column.
    let Err(err) = e.run(spec_js(r#"{"analysis":"segment","rule":"plan = "}"#)) else {
        panic!("an incomplete rule must be refused");
    };
    let (err, message) = thrown(err);
    assert!(
        message.starts_with("bad segment rule, column 8: expected a value after '='"),
        "{message}"
    );
    assert_eq!(get(&err, "kind").as_string().as_deref(), Some("bad_rule"));
    assert_eq!(get(&err, "column").as_f64(), Some(8.0));
}

#[wasm_bindgen_test]
fn bad_options_throw() {
    let opts = spec_js(r#"{"roles":{"usr":"user_id"}}"#);
    let Err(e) = Engine::from_csv(CSV.as_bytes(), Some(opts), None) else {
        panic!("an unknown role must be refused");
    };
    assert!(thrown(e).1.contains("unknown role \"usr\""));
}

#[wasm_bindgen_test]
fn broken_csv_throws_with_file_and_line() {
    let broken = "user,time,event\nu1,2024-01-01,a\nu2,2024-01-01,\"never closed\n";
    let Err(e) = Engine::from_csv(broken.as_bytes(), None, Some("broken.csv".into())) else {
        panic!("an unclosed quote must be refused");
    };
    let (err, message) = thrown(e);
    assert!(message.starts_with("broken.csv:3: "), "{message}");
    assert_eq!(num(&err, "line"), 3.0);

    let Err(e) = Engine::from_csv(b"", None, Some("empty.csv".into())) else {
        panic!("an empty file must be refused");
    };
    assert!(thrown(e).1.starts_with("empty.csv: the file is empty"));
}

#[wasm_bindgen_test]
fn ragged_rows_are_skipped_with_their_line() {
    let ragged = "user,time,event\nu1,2024-01-01,a\nu2,2024-01-01,b,extra\nu3,2024-01-02,c\n";
    let e = Engine::from_csv(ragged.as_bytes(), None, Some("ragged.csv".into()))
        .expect("ragged rows are skipped, not fatal");
    let s = e.summary().expect("summary");
    assert_eq!(num(&s, "rows_read"), 3.0);
    assert_eq!(num(&s, "rows"), 2.0);
    let text = json(&get(&s, "skipped"));
    assert!(text.contains(r#""lines":[3]"#), "{text}");
}

#[wasm_bindgen_test]
fn streaming_loader_matches_whole_load() {
    let mut loader = CsvLoader::new("streamed.csv", None).expect("loader");
    for chunk in CSV.as_bytes().chunks(5) {
        loader.push(chunk).expect("push");
    }
    assert_eq!(loader.bytes_read(), CSV.len() as f64);
    let e = loader.finish().expect("finish");
    assert_eq!(num(&e.summary().expect("summary"), "users"), 4.0);
    let Err(again) = loader.finish() else {
        panic!("a finished loader cannot finish again");
    };
    assert!(thrown(again).1.contains("finished"));
}

/// A 640×360 CSS-pixel canvas attached to the test page's body.
fn attached_canvas() -> web_sys::HtmlCanvasElement {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("a document");
    let canvas: web_sys::HtmlCanvasElement = document
        .create_element("canvas")
        .expect("canvas")
        .dyn_into()
        .expect("a canvas element");
    canvas
        .set_attribute("style", "width: 640px; height: 360px; display: block")
        .expect("style");
    document
        .body()
        .expect("body")
        .append_child(&canvas)
        .expect("attached");
    canvas
}

#[wasm_bindgen_test]
fn draw_funnel_paints_the_canvas() {
    let report = engine().run(spec_js(SPEC)).expect("funnel runs");
    let canvas = attached_canvas();
    tidemark::web::chart::draw_funnel(canvas.clone(), report).expect("drawn");
    let (w, h) = (canvas.width(), canvas.height());
    assert!(w >= 640 && h >= 360, "backing store {w}x{h}");
    let ctx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .expect("2d")
        .dyn_into()
        .expect("2d context");
    let pixels = ctx
        .get_image_data(0.0, 0.0, f64::from(w), f64::from(h))
        .expect("pixels")
        .data();
    let first = [pixels[0], pixels[1], pixels[2], pixels[3]];
    let differing = pixels
        .chunks_exact(4)
        .filter(|p| *p != first.as_slice())
        .count();
    assert!(
        differing > (w * h / 50) as usize,
        "only {differing} pixels differ from the background"
    );
    let Err(e) = tidemark::web::chart::draw_funnel(canvas, spec_js(r#"{"rows":1}"#)) else {
        panic!("a non-report must be refused");
    };
    assert!(thrown(e).1.contains("not a funnel result"));
}

#[wasm_bindgen_test]
fn cohort_draws_paint_and_refuse_the_wrong_report() {
    let canvas = attached_canvas();
    use tidemark::web::chart as c;
    let e = engine();
    let retention = e
        .run(spec_js(
            r#"{"analysis":"retention","period":"day","periods":3}"#,
        ))
        .expect("retention runs");
    let repurchase = e
        .run(spec_js(
            r#"{"analysis":"repurchase","purchase_event":"purchase"}"#,
        ))
        .expect("repurchase runs");
    let lifecycle = e
        .run(spec_js(r#"{"analysis":"lifecycle","period":"day"}"#))
        .expect("lifecycle runs");
    let heatmap = c::draw_retention(canvas.clone(), retention.clone()).expect("heatmap");
    // One hover target per drawn cell, each with its text, inside the grid.
    let hits: js_sys::Array = get(&heatmap, "hits").dyn_into().expect("hits is an array");
    let cells: usize = e
        .run(spec_js(
            r#"{"analysis":"retention","period":"day","periods":3}"#,
        ))
        .map(|r| {
            let cohorts: js_sys::Array = get(&r, "cohorts").dyn_into().expect("cohorts");
            cohorts
                .iter()
                .map(|c| js_sys::Array::from(&get(&c, "retained")).length() as usize)
                .sum()
        })
        .expect("retention runs");
    assert_eq!(hits.length() as usize, cells, "{}", json(&heatmap));
    let plot = get(&heatmap, "plot");
    for hit in hits.iter() {
        let tip = get(&hit, "tip").as_string().expect("tip is text");
        assert!(tip.starts_with("Cohort "), "{tip}");
        let rect = get(&hit, "rect");
        assert!(num(&rect, "x0") >= num(&plot, "x0") && num(&rect, "x1") <= num(&plot, "x1"));
        assert!(num(&rect, "y0") >= num(&plot, "y0") && num(&rect, "y1") <= num(&plot, "y1"));
    }
    c::draw_retention_curve(canvas.clone(), retention.clone()).expect("curve");
    c::draw_ltv(canvas.clone(), retention.clone()).expect("ltv (empty state)");
    c::draw_repeat_gaps(canvas.clone(), repurchase.clone()).expect("gaps");
    c::draw_repeat_by_month(canvas.clone(), repurchase).expect("by month");
    c::draw_lifecycle(canvas.clone(), lifecycle).expect("lifecycle");
    let Err(err) = c::draw_lifecycle(canvas, retention) else {
        panic!("a retention result is not a lifecycle result");
    };
    assert!(thrown(err).1.contains("this is a retention result"));
}

/// The canvas's pixels that differ from its first pixel.
fn painted(canvas: &web_sys::HtmlCanvasElement) -> usize {
    let ctx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .expect("2d")
        .dyn_into()
        .expect("2d context");
    let (w, h) = (canvas.width(), canvas.height());
    let pixels = ctx
        .get_image_data(0.0, 0.0, f64::from(w), f64::from(h))
        .expect("pixels")
        .data();
    let first = [pixels[0], pixels[1], pixels[2], pixels[3]];
    pixels
        .chunks_exact(4)
        .filter(|p| *p != first.as_slice())
        .count()
}

#[wasm_bindgen_test]
fn rfm_runs_and_draws_its_grid() {
    let e = engine();
    let report = e
        .run(spec_js(r#"{"analysis":"rfm","users":true}"#))
        .expect("rfm runs");
    // u1 is the only buyer: every score is 1, the segment is Lost.
    assert_eq!(num(&report, "buyers"), 1.0);
    assert_eq!(num(&report, "non_buyers"), 3.0);
    let users = json(&get(&report, "users"));
    assert!(users.contains(r#""user":"u1""#), "{users}");
    assert!(users.contains(r#""segment":"Lost""#), "{users}");
    let tiers = e
        .run(spec_js(r#"{"analysis":"tiers","metric":"purchases"}"#))
        .expect("tiers runs");
    assert!(json(&get(&tiers, "tiers")).contains(r#""name":"high""#));

    let canvas = attached_canvas();
    let layout = tidemark::web::chart::draw_rfm(canvas.clone(), report).expect("drawn");
    assert_eq!(get(&layout, "empty").as_bool(), Some(false));
    let (w, h) = (canvas.width(), canvas.height());
    assert!(
        painted(&canvas) > (w * h / 50) as usize,
        "the grid paints the canvas"
    );
    let Err(err) = tidemark::web::chart::draw_rfm(canvas, tiers) else {
        panic!("a tiers result is not an rfm result");
    };
    assert!(thrown(err).1.contains("this is a tiers result"));
}

#[wasm_bindgen_test]
fn clv_runs_with_progress_and_its_charts_paint() {
    use std::cell::Cell;
    use std::rc::Rc;
    use tidemark::web::chart as c;
    use wasm_bindgen::closure::Closure;

    let bytes = include_bytes!("data/cdnow_sample.csv");
    let e = Engine::from_csv(bytes, None, Some("cdnow_sample.csv".into())).expect("loads");
    let calls = Rc::new(Cell::new(0u32));
    let last = Rc::new(Cell::new((0.0, 0.0)));
    let (c2, l2) = (calls.clone(), last.clone());
    let cb = Closure::<dyn FnMut(f64, f64)>::new(move |done: f64, total: f64| {
        c2.set(c2.get() + 1);
        l2.set((done, total));
    });
    let spec = spec_js(
        r#"{"analysis":"clv","purchase_event":"purchase","unit":"week","calibration_end":"1997-09-30","horizon":39,"discount_rate":0.01}"#,
    );
    let report = e
        .run_with_progress(
            spec.clone(),
            cb.as_ref().unchecked_ref::<js_sys::Function>().clone(),
        )
        .expect("clv runs");
    assert!(calls.get() > 5, "{} progress calls", calls.get());
    assert_eq!(last.get().0, last.get().1, "ends at 100%");
    // The same result as `run`.
    assert_eq!(json(&report), json(&e.run(spec).expect("run")));
    let bg = get(&report, "bgnbd");
    assert_eq!((num(&bg, "r") * 1000.0).round(), 243.0);
    assert_eq!(num(&report, "customers_fitted"), 2357.0);

    // The charts read the summaries only: drawn from a copy without customers.
    let bare = js_sys::Object::assign(&js_sys::Object::new(), report.unchecked_ref());
    js_sys::Reflect::set(&bare, &"customers".into(), &js_sys::Array::new()).expect("set");
    let bare: JsValue = bare.into();
    let canvas = attached_canvas();
    let holdout = c::draw_clv_holdout(canvas.clone(), bare.clone()).expect("holdout");
    assert_eq!(js_sys::Array::from(&get(&holdout, "marks")).length(), 16);
    assert!(painted(&canvas) > 5_000);
    let p_alive = c::draw_clv_p_alive(canvas.clone(), bare.clone()).expect("p alive");
    assert_eq!(js_sys::Array::from(&get(&p_alive, "marks")).length(), 20);
    let tiers = c::draw_clv_tiers(canvas.clone(), bare.clone()).expect("tiers");
    let marks = js_sys::Array::from(&get(&tiers, "marks"));
    assert_eq!(marks.length(), 3);
    let rect = get(&marks.get(0), "rect");
    assert!(
        num(&rect, "y1") > num(&rect, "y0"),
        "the high tier has a bar"
    );
    let matrix = c::draw_clv_matrix(canvas.clone(), bare).expect("matrix");
    assert!(js_sys::Array::from(&get(&matrix, "marks")).length() > 100);
    assert_eq!(get(&matrix, "empty").as_bool(), Some(false));
    assert!(painted(&canvas) > 20_000);

    let funnel = engine().run(spec_js(SPEC)).expect("funnel");
    let Err(err) = c::draw_clv_tiers(canvas, funnel) else {
        panic!("a funnel result is not a clv result");
    };
    assert!(
        thrown(err)
            .1
            .contains("this is a funnel result, not a clv result")
    );
}

/// The CLV customers cross into JS as columns and are rebuilt as objects in JS
/// (`web::convert::report_to_js`): the result equals, field for field, the core's
/// report serialized by serde (the CLI's JSON), with `null` where there is no
/// spend, on a file where some customers have no repeat spend.
#[wasm_bindgen_test]
fn clv_customers_cross_as_columns_and_equal_the_core_report() {
    let bytes = include_bytes!("data/cdnow_sample.csv");
    let e = Engine::from_csv(bytes, None, Some("cdnow_sample.csv".into())).expect("loads");
    let text = r#"{"analysis":"clv","purchase_event":"purchase","unit":"week","calibration_end":"1997-09-30","horizon":39,"discount_rate":0.01}"#;
    let got: serde_json::Value =
        serde_json::from_str(&json(&e.run(spec_js(text)).expect("runs"))).expect("json");
    let spec = tidemark::spec::Spec::from_json(text).expect("spec");
    let want =
        serde_json::to_value(tidemark::analysis::run(e.table(), &spec).expect("core")).expect("v");
    let customers = got["customers"].as_array().expect("customers");
    assert_eq!(customers.len(), 2357);
    assert!(customers.iter().any(|c| c["spend"].is_null()));
    assert!(customers.iter().any(|c| c["tier"] == "high"));
    assert!(customers.iter().any(|c| c["at_risk"] == true));
    let (got, want) = (numbers_as_f64(got), numbers_as_f64(want));
    if let Some(path) = first_difference(&got, &want, String::new()) {
        panic!("the JS result differs from the core's at {path}");
    }
}

/// The path of the first value where `a` and `b` differ.
fn first_difference(a: &serde_json::Value, b: &serde_json::Value, at: String) -> Option<String> {
    use serde_json::Value;
    match (a, b) {
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (p, q))| first_difference(p, q, format!("{at}[{i}]"))),
        (Value::Object(x), Value::Object(y)) if x.len() == y.len() => {
            x.iter().find_map(|(k, p)| match y.get(k) {
                Some(q) => first_difference(p, q, format!("{at}.{k}")),
                None => Some(format!("{at}.{k} (missing)")),
            })
        }
        _ if a == b => None,
        _ => Some(format!("{at}: {a} vs {b}")),
    }
}

/// Every number as an `f64` (JS's `1` and serde's `1.0` are the same number).
fn numbers_as_f64(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Number(n) => n
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::Null, Value::Number),
        Value::Array(a) => Value::Array(a.into_iter().map(numbers_as_f64).collect()),
        Value::Object(o) => {
            Value::Object(o.into_iter().map(|(k, v)| (k, numbers_as_f64(v))).collect())
        }
        other => other,
    }
}

#[path = "common/golden.rs"]
mod golden;

/// Determinism across targets: in wasm the engine gives byte for byte the JSON
/// the native build wrote into tests/data/golden/ (tests/golden.rs).
#[wasm_bindgen_test]
fn results_equal_the_native_golden_files() {
    for ((name, got), want) in golden::outputs().iter().zip(golden::EXPECTED) {
        assert!(
            got == want,
            "{name}: wasm result differs from the native golden file: {}",
            golden::first_difference(got, want)
        );
    }
}
