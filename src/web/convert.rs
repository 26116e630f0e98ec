//! JS values ⇄ JSON values: how option, spec and result objects cross the boundary.
//!
//! In: a plain JS object (or `undefined`/`null`) becomes a `serde_json::Value`, which
//! the core then reads strictly (`LoadOptions::from_value`, `Spec::from_value`), so a
//! typo'd field is reported by name exactly as in the CLI. Out: results are
//! serialized to the JSON text the CLI prints and parsed by `JSON.parse`, so `None`
//! is `null` (not `undefined`) and maps are plain objects.

use serde::Serialize;
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

use super::error::{WebError, WebResult};
use crate::report::Report;
use crate::spec::Spec;

/// Reads a JSON-like JS value (`undefined` and `null` become `null`). `what` names
/// the argument in the error ("loading options", "spec").
pub fn json_from_js(value: JsValue, what: &str) -> WebResult<serde_json::Value> {
    if value.is_undefined() || value.is_null() {
        return Ok(serde_json::Value::Null);
    }
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| WebError::argument(format!("{what}: not a JSON-like object: {e}")))
}

/// Reads a spec given as an object or as JSON text.
pub fn spec_from_js(value: JsValue) -> WebResult<Spec> {
    match value.as_string() {
        Some(text) => Ok(Spec::from_json(&text)?),
        None => Ok(Spec::from_value(json_from_js(value, "spec")?)?),
    }
}

/// Serializes a result to a plain JS object (`None` → `null`): the JSON text the
/// CLI prints, parsed by the browser's `JSON.parse`. Building the object property
/// by property through `serde-wasm-bindgen` crosses into JS once per field, which
/// for a CLV result (23,570 customers × 14 fields) was a third of the analysis'
/// time in the page; one string and one parse is several times faster.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> WebResult<JsValue> {
    let text = serde_json::to_string(value)
        .map_err(|e| WebError::argument(format!("could not build the result object: {e}")))?;
    js_sys::JSON::parse(&text)
        .map_err(|_| WebError::argument("could not build the result object: JSON.parse failed"))
}

/// Serializes an analysis result like [`to_js`], except a CLV result's customers,
/// which cross as columns (typed arrays and one JSON array of ids) and become the
/// same plain objects in a JS loop: for 23,570 customers that is about 10× faster
/// than serializing and parsing them as JSON text (BENCHMARKS.md, CLV).
pub fn report_to_js(report: Report) -> WebResult<JsValue> {
    let Report::Clv(mut clv) = report else {
        return to_js(&report);
    };
    let customers = std::mem::take(&mut clv.customers);
    let object = to_js(&Report::Clv(clv))?;
    let users: Vec<&str> = customers.iter().map(|c| c.user.as_str()).collect();
    let users = serde_json::to_string(&users)
        .map_err(|e| WebError::argument(format!("could not build the result object: {e}")))?;
    let mut tiers: Vec<&str> = Vec::new();
    let mut ints = Vec::with_capacity(2 * customers.len());
    let mut flags = Vec::with_capacity(2 * customers.len());
    let mut nums = Vec::with_capacity(8 * customers.len());
    let none = |v: Option<f64>| v.unwrap_or(f64::NAN);
    for c in &customers {
        let tier = match tiers.iter().position(|t| *t == c.tier) {
            Some(i) => i,
            None => {
                tiers.push(&c.tier);
                tiers.len() - 1
            }
        };
        ints.extend([c.frequency, c.holdout_purchases]);
        flags.extend([u8::try_from(tier).unwrap_or(u8::MAX), u8::from(c.at_risk)]);
        nums.extend([
            c.recency,
            c.age,
            c.expected_purchases,
            c.p_alive,
            none(c.spend),
            none(c.expected_spend),
            none(c.clv),
            c.churn_risk,
        ]);
    }
    let tiers = serde_json::to_string(&tiers)
        .map_err(|e| WebError::argument(format!("could not build the result object: {e}")))?;
    let array = clv_customers(&users, &tiers, &ints, &flags, &nums);
    js_sys::Reflect::set(&object, &JsValue::from_str("customers"), &array)
        .map_err(|_| WebError::argument("could not build the result object: customers"))?;
    Ok(object)
}

#[wasm_bindgen(inline_js = r#"
export function clv_customers(users, tiers, ints, flags, nums) {
  const ids = JSON.parse(users);
  const names = JSON.parse(tiers);
  const opt = (v) => (Number.isNaN(v) ? null : v);
  const out = new Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const k = 2 * i;
    const f = 8 * i;
    out[i] = {
      user: ids[i], frequency: ints[k], recency: nums[f], T: nums[f + 1],
      expected_purchases: nums[f + 2], p_alive: nums[f + 3], spend: opt(nums[f + 4]),
      expected_spend: opt(nums[f + 5]), clv: opt(nums[f + 6]), holdout_purchases: ints[k + 1],
      tier: names[flags[k]], churn_risk: nums[f + 7], at_risk: flags[k + 1] === 1,
    };
  }
  return out;
}
"#)]
extern "C" {
    /// Builds the customers' objects from their columns (see [`report_to_js`]).
    fn clv_customers(users: &str, tiers: &str, ints: &[u32], flags: &[u8], nums: &[f64])
    -> JsValue;
}
