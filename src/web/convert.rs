//! JS values ⇄ JSON values: how option, spec and result objects cross the boundary.
//!
//! In: a plain JS object (or `undefined`/`null`) becomes a `serde_json::Value`, which
//! the core then reads strictly (`LoadOptions::from_value`, `Spec::from_value`), so a
//! typo'd field is reported by name exactly as in the CLI. Out: results are
//! serialized to the JSON text the CLI prints and parsed by `JSON.parse`, so `None`
//! is `null` (not `undefined`) and maps are plain objects.

use serde::Serialize;
use wasm_bindgen::JsValue;

use super::error::{WebError, WebResult};
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
