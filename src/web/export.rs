//! `tableToArrow(table: ResultTable): Uint8Array` — a result table (`{columns,
//! rows}`, the rows of a CSV export as JSON cells) as the bytes of an Arrow IPC
//! file, for tools that read Arrow. Column types are inferred (`ipc` in the core).

use wasm_bindgen::prelude::*;

use super::convert::json_from_js;
use super::error::{WebError, WebResult};
use crate::ipc::{self, ResultTable};

/// `tableToArrow(table: ResultTable): Uint8Array` — throws with the core's sentence
/// when a row's length differs from the columns'.
#[wasm_bindgen(js_name = tableToArrow)]
pub fn table_to_arrow(
    #[wasm_bindgen(unchecked_param_type = "ResultTable")] table: JsValue,
) -> WebResult<Vec<u8>> {
    let json = json_from_js(table, "table")?;
    let table: ResultTable = serde_json::from_value(json)
        .map_err(|e| WebError::argument(format!("tableToArrow: not a table: {e}")))?;
    Ok(ipc::ipc_file(&table)?)
}
