//! `Engine`: a loaded event table and the analyses on it.
//!
//! ```js
//! const engine = Engine.fromCsv(bytes, { roles: { user: 'customer_id' } }, 'orders.csv');
//! engine.summary();                       // Summary
//! engine.run({ analysis: 'funnel', … });  // FunnelReport (throws on a bad spec)
//! engine.dropoff(spec, 2);                // user ids that reached step 2, not step 3
//! engine.attachAttributes(bytes, 'users.csv'); // user attributes for segment rules
//! engine.free();                          // releases the table's memory
//! ```

use wasm_bindgen::prelude::*;

use super::convert::{json_from_js, report_to_js, spec_from_js, to_js};
use super::error::{WebError, WebResult};
use crate::analysis;
use crate::ingest::{self, LoadOptions};
use crate::progress::{Progress, Silent};
use crate::report::Summary;
use crate::spec::Spec;
use crate::table::EventTable;

/// Progress reported to a JS callback `(done, total)`; it cannot cancel (a
/// synchronous call in a worker hears no messages: the page cancels by ending
/// the worker).
struct JsProgress(js_sys::Function);

impl Progress for JsProgress {
    fn report(&mut self, done: u64, total: u64) {
        let _ = self.0.call2(
            &JsValue::NULL,
            &JsValue::from_f64(done as f64),
            &JsValue::from_f64(total as f64),
        );
    }
}

/// The name used for an input when the caller gives none.
pub const DEFAULT_NAME: &str = "data.csv";

/// A loaded event table. Create it with `Engine.fromCsv` or `CsvLoader.finish()`;
/// call `free()` when done (the table lives in wasm memory, not the JS heap).
#[wasm_bindgen]
pub struct Engine {
    table: EventTable,
}

impl Engine {
    /// Wraps a loaded table.
    pub fn new(table: EventTable) -> Engine {
        Engine { table }
    }

    /// The table (for Rust callers and tests).
    pub fn table(&self) -> &EventTable {
        &self.table
    }
}

/// Reads a loading-options argument (`undefined`/`null` = defaults).
pub fn load_options(options: JsValue) -> WebResult<LoadOptions> {
    Ok(LoadOptions::from_value(json_from_js(
        options,
        "loading options",
    )?)?)
}

#[wasm_bindgen]
impl Engine {
    /// `Engine.fromCsv(bytes: Uint8Array, options?: LoadOptions, name?: string): Engine`
    /// — loads a whole CSV held in memory. `name` (default `"data.csv"`) is used in
    /// messages (`name:line: reason`). Throws an `Error` when the file cannot be
    /// used. For large files in a worker, stream with `CsvLoader` instead.
    #[wasm_bindgen(js_name = fromCsv)]
    pub fn from_csv(
        bytes: &[u8],
        #[wasm_bindgen(unchecked_optional_param_type = "LoadOptions | null")] options: Option<
            JsValue,
        >,
        #[wasm_bindgen(unchecked_optional_param_type = "string | null")] name: Option<String>,
    ) -> WebResult<Engine> {
        let options = load_options(options.unwrap_or(JsValue::UNDEFINED))?;
        let name = name.unwrap_or_else(|| DEFAULT_NAME.to_string());
        let table = ingest::load(&name, bytes, options, &mut Silent)?;
        Ok(Engine::new(table))
    }

    /// `engine.summary(): Summary` — what was loaded: rows read and loaded, users,
    /// encoding, delimiter, date order and time format (each with its reason),
    /// columns with type, role and reason, event counts, skipped rows by reason.
    #[wasm_bindgen(unchecked_return_type = "Summary")]
    pub fn summary(&self) -> WebResult<JsValue> {
        to_js(&Summary::of(&self.table))
    }

    /// `engine.run(spec: Spec | string): Report` — runs an analysis spec (an object
    /// or JSON text) and returns its result object (`analysis: 'funnel'`, `steps`,
    /// …; missing values are `null`). Throws an `Error` naming what is wrong with a
    /// bad spec.
    #[wasm_bindgen(unchecked_return_type = "Report")]
    pub fn run(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Spec | string")] spec: JsValue,
    ) -> WebResult<JsValue> {
        let spec = spec_from_js(spec)?;
        report_to_js(analysis::run(&self.table, &spec)?)
    }

    /// `engine.runWithProgress(spec: Spec | string, onProgress: (done: number,
    /// total: number) => void): Report` — as `run`, calling `onProgress` while a long
    /// analysis (the CLV fit) works. An exception thrown by `onProgress` is
    /// ignored. The call is synchronous: run it in a worker.
    #[wasm_bindgen(js_name = runWithProgress, unchecked_return_type = "Report")]
    pub fn run_with_progress(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Spec | string")] spec: JsValue,
        #[wasm_bindgen(unchecked_param_type = "(done: number, total: number) => void")]
        on_progress: js_sys::Function,
    ) -> WebResult<JsValue> {
        let spec = spec_from_js(spec)?;
        let mut progress = JsProgress(on_progress);
        report_to_js(analysis::run_with_progress(
            &self.table,
            &spec,
            &mut progress,
        )?)
    }

    /// `engine.attachAttributes(bytes: Uint8Array, name?: string, idColumn?: string):
    /// AttachReport` — reads a user attribute file (a CSV keyed by user id: the
    /// column `idColumn`, default the first) and attaches its columns as user
    /// properties for segment rules, replacing any attached before. Returns rows,
    /// matched users and the ids not in the data. Throws an `Error` naming the
    /// file and line of a bad row (a duplicate id, a ragged row).
    #[wasm_bindgen(js_name = attachAttributes, unchecked_return_type = "AttachReport")]
    pub fn attach_attributes(
        &mut self,
        bytes: &[u8],
        #[wasm_bindgen(unchecked_optional_param_type = "string | null")] name: Option<String>,
        #[wasm_bindgen(unchecked_optional_param_type = "string | null")] id_column: Option<String>,
    ) -> WebResult<JsValue> {
        let name = name.unwrap_or_else(|| "attributes.csv".to_string());
        let (attributes, report) =
            ingest::attributes::read(&self.table, &name, bytes, id_column.as_deref())?;
        self.table.set_attributes(Some(attributes));
        to_js(&report)
    }

    /// `engine.dropoff(spec: FunnelSpec | string, step: number): string[]` — the ids
    /// of the users who reached funnel step `step` (1-based) but not the next one.
    pub fn dropoff(
        &self,
        #[wasm_bindgen(unchecked_param_type = "FunnelSpec | string")] spec: JsValue,
        step: u32,
    ) -> WebResult<Vec<String>> {
        let funnel = match spec_from_js(spec)? {
            Spec::Funnel(f) => f,
            #[allow(unreachable_patterns)]
            _ => {
                return Err(WebError::argument(
                    "dropoff needs a funnel spec ({\"analysis\": \"funnel\", …})",
                ));
            }
        };
        Ok(analysis::funnel::dropoff_users(
            &self.table,
            &funnel,
            step as usize,
        )?)
    }
}

/// `warmUpAnalyses(): number` — runs the page's analyses once on a small demo
/// table (loaded sequentially), results made into JS objects as `engine.run` does,
/// so that a tiered wasm engine has optimised their code before the first analysis
/// of a real file (see `analysis::warm_up`); the number of analyses run.
#[wasm_bindgen(js_name = warmUpAnalyses)]
pub fn warm_up_analyses() -> WebResult<f64> {
    let (table, specs) = analysis::warm_up::inputs()?;
    for spec in &specs {
        report_to_js(analysis::run(&table, spec)?)?;
    }
    Ok(specs.len() as f64)
}
