//! `CsvLoader`: a streaming load, fed chunk by chunk (the worker reads a `File`'s
//! stream into it, reporting progress and checking for cancel between chunks).
//!
//! ```js
//! const loader = new CsvLoader(file.name, options);
//! loader.expectBytes(file.size);          // optional: refuses a file too large, early
//! for await (const chunk of file.stream()) loader.push(chunk);
//! const engine = loader.finish();         // the loader is used up
//! ```

use wasm_bindgen::prelude::*;

use super::engine::{Engine, load_options};
use super::error::{WebError, WebResult, step_or_spend};
use crate::ingest::Loader;

const USED_UP: &str = "this CsvLoader is finished; start a new one";

/// A load in progress. After `finish()` (or an error from `push`), the loader is
/// used up and any further call throws; `free()` releases it early (a cancel).
#[wasm_bindgen]
pub struct CsvLoader {
    inner: Option<Loader>,
}

impl CsvLoader {
    fn loader(&mut self) -> WebResult<&mut Loader> {
        self.inner
            .as_mut()
            .ok_or_else(|| WebError::argument(USED_UP))
    }
}

#[wasm_bindgen]
impl CsvLoader {
    /// `new CsvLoader(name: string, options?: LoadOptions)` — `name` is the file's
    /// name as shown in messages. Throws on invalid options.
    #[wasm_bindgen(constructor)]
    pub fn new(
        name: &str,
        #[wasm_bindgen(unchecked_optional_param_type = "LoadOptions | null")] options: Option<
            JsValue,
        >,
    ) -> WebResult<CsvLoader> {
        let options = load_options(options.unwrap_or(JsValue::UNDEFINED))?;
        Ok(CsvLoader {
            inner: Some(Loader::new(name, options)?),
        })
    }

    /// `loader.expectBytes(total: number)` — declares the file's size; throws when it
    /// is too large to load here, before any byte is read.
    #[wasm_bindgen(js_name = expectBytes)]
    pub fn expect_bytes(&mut self, total: f64) -> WebResult<()> {
        Ok(self.loader()?.expect_bytes(total.max(0.0) as u64)?)
    }

    /// `loader.push(chunk: Uint8Array)` — feeds the next bytes of the file, in order.
    /// Throws on input that cannot be read (the message names the line); the loader
    /// is then used up.
    pub fn push(&mut self, chunk: &[u8]) -> WebResult<()> {
        step_or_spend(&mut self.inner, USED_UP, |l| l.push(chunk))
    }

    /// `loader.bytesRead: number` — bytes pushed so far.
    #[wasm_bindgen(getter, js_name = bytesRead)]
    pub fn bytes_read(&self) -> f64 {
        self.inner.as_ref().map_or(0.0, |l| l.bytes_read() as f64)
    }

    /// `loader.rowsRead: number` — data rows parsed so far (loaded and skipped).
    #[wasm_bindgen(getter, js_name = rowsRead)]
    pub fn rows_read(&self) -> f64 {
        self.inner.as_ref().map_or(0.0, |l| l.rows_read() as f64)
    }

    /// `loader.finish(): Engine` — ends the load and returns the engine. Throws when
    /// the file cannot be used (empty, no usable rows, an unclosed quote…).
    pub fn finish(&mut self) -> WebResult<Engine> {
        let loader = self
            .inner
            .take()
            .ok_or_else(|| WebError::argument(USED_UP))?;
        Ok(Engine::new(loader.finish()?))
    }
}
