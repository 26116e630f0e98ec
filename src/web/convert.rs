//! JS values ⇄ JSON values: how option, spec and result objects cross the boundary.
//!
//! In: a plain JS object (or `undefined`/`null`) becomes a `serde_json::Value`, which
//! the core then reads strictly (`LoadOptions::from_value`, `Spec::from_value`), so a
//! typo'd field is reported by name exactly as in the CLI. Out: results are
//! serialized with `Serializer::json_compatible()`, so `None` is `null` (not
//! `undefined`) and maps are plain objects: the same JSON the CLI prints.

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

/// Serializes a result to a plain JS object (`None` → `null`).
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> WebResult<JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| WebError::argument(format!("could not build the result object: {e}")))
}
