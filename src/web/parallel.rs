//! A load in parts (`ingest::parallel`): `PartLoader` parses one byte range of a
//! file in a worker into two transferable buffers, its keys (before its sort) and its
//! columns; `PartMerger` reads every part's keys, then their columns, in file order
//! into the engine. `www/js/parallel-load.js` drives them.
//!
//! ```js
//! const head = new Uint8Array(await file.slice(0, headLength(file.size)).arrayBuffer());
//! const merger = new PartMerger(file.name, options, head, file.size);
//! // in each worker, for bytes start..end (start just after a "\n": boundaryAfter):
//! const part = new PartLoader(file.name, options, head, file.size, start, end);
//! for (const chunk of chunksOf(file.slice(start, end))) part.push(chunk);
//! const keys = part.announce();                 // Uint8Array: post it back at once,
//! const columns = part.finish();                // then sort, and post this one back
//! // or post each piece as the sort writes it: part.finishInPieces(4 << 20, post);
//! // the first range's loader itself: merger.adoptFirst(part); then, in file order:
//! const from = merger.announce(keys);           // -1, or: the columns of the parts
//! // before, then push the bytes from `from` on; then each part's columns in order:
//! merger.add(columns);                         // or, not copying it whole first:
//! // for (const piece of piecesOf(columns)) merger.addPiece(piece); merger.addEnd();
//! // (the pieces of finishInPieces, in order, as they come)
//! const engine = merger.finish();
//! ```

use wasm_bindgen::prelude::*;

use super::engine::{Engine, load_options};
use super::error::{WebError, WebResult, step_or_spend};
use crate::ingest::parallel;

const USED_UP: &str = "this loader is finished; start a new one";

/// `headLength(total: number): number` — how many bytes of the file's start the
/// plan is made from (the first 256 KiB, or the whole file when shorter).
#[wasm_bindgen(js_name = headLength)]
pub fn head_length(total: f64) -> f64 {
    parallel::head_len(total.max(0.0) as u64) as f64
}

/// `boundaryAfter(window: Uint8Array): number` — where a part may start within
/// `window` (just after its first `"\n"`), or -1.
#[wasm_bindgen(js_name = boundaryAfter)]
pub fn boundary_after(window: &[u8]) -> f64 {
    parallel::boundary_after(window).map_or(-1.0, |b| b as f64)
}

/// `warmUp(): number` — runs the merge of a load in parts on a small synthetic
/// table and plans a small synthetic file, so that their functions are compiled
/// optimised before a real load calls them once each (see
/// `ingest::parallel::warm_up`); the rows it built (0: something failed).
#[wasm_bindgen(js_name = warmUp)]
pub fn warm_up() -> f64 {
    parallel::warm_up() as f64
}

/// One byte range of a file being parsed into a part.
#[wasm_bindgen]
pub struct PartLoader {
    inner: Option<parallel::PartLoader>,
}

#[wasm_bindgen]
impl PartLoader {
    /// `new PartLoader(name, options, head: Uint8Array, total, start, end)` — bytes
    /// `start..end` of the `total`-byte file; `head`: its first `headLength(total)`
    /// bytes. Throws when the file is not UTF-8 or the plan cannot read it.
    #[wasm_bindgen(constructor)]
    pub fn new(
        name: &str,
        #[wasm_bindgen(unchecked_param_type = "LoadOptions | null | undefined")] options: JsValue,
        head: &[u8],
        total: f64,
        start: f64,
        end: f64,
    ) -> WebResult<PartLoader> {
        let options = load_options(options)?;
        let loader = parallel::PartLoader::new(
            name,
            &options,
            head,
            total.max(0.0) as u64,
            start.max(0.0) as u64,
            end.max(0.0) as u64,
        )?;
        Ok(PartLoader {
            inner: Some(loader),
        })
    }

    /// `part.push(chunk: Uint8Array)` — the range's next bytes. Throws (and is then
    /// used up) when the part would not fit in memory.
    pub fn push(&mut self, chunk: &[u8]) -> WebResult<()> {
        step_or_spend(&mut self.inner, USED_UP, |l| l.push(chunk))
    }

    /// `part.bytesRead: number` — bytes pushed so far.
    #[wasm_bindgen(getter, js_name = bytesRead)]
    pub fn bytes_read(&self) -> f64 {
        self.inner.as_ref().map_or(0.0, |l| l.bytes_read() as f64)
    }

    /// `part.rowsRead: number` — data rows parsed so far.
    #[wasm_bindgen(getter, js_name = rowsRead)]
    pub fn rows_read(&self) -> f64 {
        self.inner.as_ref().map_or(0.0, |l| l.rows_read() as f64)
    }

    /// `part.announce(): Uint8Array` — ends the range: the part's counts,
    /// skipped rows, dictionaries and users' row counts, for `PartMerger.announce`
    /// (post it before the columns: it is made before the sort).
    pub fn announce(&mut self) -> WebResult<Vec<u8>> {
        step_or_spend(&mut self.inner, USED_UP, |l| l.announce())
    }

    /// `part.clean: boolean` — after `announce`: the range ended between records
    /// (else its columns are never used).
    #[wasm_bindgen(getter)]
    pub fn clean(&self) -> bool {
        self.inner.as_ref().is_some_and(parallel::PartLoader::clean)
    }

    /// `part.finish(): Uint8Array` — the part's columns in its per-user order,
    /// for `PartMerger.add` (post its `buffer` as a transferable). The loader is
    /// used up.
    pub fn finish(&mut self) -> WebResult<Vec<u8>> {
        let loader = self
            .inner
            .take()
            .ok_or_else(|| WebError::argument(USED_UP))?;
        Ok(loader.finish()?)
    }

    /// `part.finishInPieces(piece: number, send: (piece: Uint8Array) => void)` —
    /// `finish` handed to `send` in pieces of `piece` bytes (the last one shorter)
    /// as the part's sort writes them, each a fresh `Uint8Array` of its own (post
    /// its `buffer` as a transferable), for `PartMerger.addPiece` and then
    /// `addEnd`: the columns are never whole in memory. The loader is used up;
    /// an exception of `send` stops the pieces and is thrown again.
    #[wasm_bindgen(js_name = finishInPieces)]
    pub fn finish_in_pieces(
        &mut self,
        piece: f64,
        #[wasm_bindgen(unchecked_param_type = "(piece: Uint8Array) => void")]
        send: js_sys::Function,
    ) -> Result<(), JsValue> {
        let loader = self
            .inner
            .take()
            .ok_or_else(|| WebError::argument(USED_UP))?;
        let mut failed = None;
        loader
            .finish_in_pieces(piece.max(1.0) as usize, |bytes| {
                if failed.is_some() {
                    return;
                }
                let view = js_sys::Uint8Array::new_with_length(bytes.len() as u32);
                view.copy_from(bytes);
                if let Err(e) = send.call1(&JsValue::NULL, &view) {
                    failed = Some(e);
                }
            })
            .map_err(WebError::from)?;
        failed.map_or(Ok(()), Err)
    }
}

/// The parts of one file merged in file order into an engine.
#[wasm_bindgen]
pub struct PartMerger {
    inner: Option<parallel::Merger>,
}

#[wasm_bindgen]
impl PartMerger {
    /// `new PartMerger(name, options, head: Uint8Array, total)` — throws when the
    /// file is too large or its head cannot be read as a CSV.
    #[wasm_bindgen(constructor)]
    pub fn new(
        name: &str,
        #[wasm_bindgen(unchecked_param_type = "LoadOptions | null | undefined")] options: JsValue,
        head: &[u8],
        total: f64,
    ) -> WebResult<PartMerger> {
        let options = load_options(options)?;
        let merger = parallel::Merger::new(name, &options, head, total.max(0.0) as u64)?;
        Ok(PartMerger {
            inner: Some(merger),
        })
    }

    /// `merger.splittable: boolean` — false for a file that is not UTF-8: load it
    /// with a `CsvLoader`.
    #[wasm_bindgen(getter)]
    pub fn splittable(&self) -> bool {
        self.inner
            .as_ref()
            .is_some_and(parallel::Merger::splittable)
    }

    /// `merger.announce(keys: Uint8Array): number` — the next part's
    /// announcement in file order (`PartLoader.announce`): -1 when read; else the
    /// part ended inside a quoted field: `add` the columns of the parts announced
    /// before it, then push (`merger.push`) the bytes from the returned offset to
    /// the end instead of any further part.
    pub fn announce(&mut self, keys: &[u8]) -> WebResult<f64> {
        let from = step_or_spend(&mut self.inner, USED_UP, |m| m.announce(keys))?;
        Ok(from.map_or(-1.0, |from| from as f64))
    }

    /// `merger.add(columns: Uint8Array)` — the next announced part's columns
    /// (`PartLoader.finish`), in file order: copied into their places.
    pub fn add(&mut self, columns: Vec<u8>) -> WebResult<()> {
        step_or_spend(&mut self.inner, USED_UP, |m| m.add(columns))
    }

    /// `merger.addPiece(piece: Uint8Array)` — the next piece of the next announced
    /// part's columns, in order (then `addEnd()`): as `add`, without copying the
    /// whole columns into the engine's memory first.
    #[wasm_bindgen(js_name = addPiece)]
    pub fn add_piece(&mut self, piece: &[u8]) -> WebResult<()> {
        step_or_spend(&mut self.inner, USED_UP, |m| m.add_piece(piece))
    }

    /// `merger.addEnd()` — the end of a part's columns given by `addPiece`.
    #[wasm_bindgen(js_name = addEnd)]
    pub fn add_end(&mut self) -> WebResult<()> {
        step_or_spend(&mut self.inner, USED_UP, |m| m.add_end())
    }

    /// `merger.adoptFirst(part: PartLoader): number` — the first range's loader
    /// itself, all pushed, instead of its `finish()` bytes: its table becomes the
    /// merger's with nothing copied. The loader is used up. Answers as `announce`.
    #[wasm_bindgen(js_name = adoptFirst)]
    pub fn adopt_first(&mut self, part: &mut PartLoader) -> WebResult<f64> {
        let loader = part
            .inner
            .take()
            .ok_or_else(|| WebError::argument(USED_UP))?;
        let from = step_or_spend(&mut self.inner, USED_UP, |m| m.adopt_first(loader))?;
        Ok(from.map_or(-1.0, |from| from as f64))
    }

    /// `merger.push(chunk: Uint8Array)` — after `add` returned an offset: the
    /// file's bytes from there on, in order.
    pub fn push(&mut self, chunk: &[u8]) -> WebResult<()> {
        step_or_spend(&mut self.inner, USED_UP, |m| m.push(chunk))
    }

    /// `merger.rowsRead: number` — data rows merged or pushed so far.
    #[wasm_bindgen(getter, js_name = rowsRead)]
    pub fn rows_read(&self) -> f64 {
        self.inner.as_ref().map_or(0.0, |m| m.rows_read() as f64)
    }

    /// `merger.finish(): Engine` — the engine over the merged table. The merger is
    /// used up.
    pub fn finish(&mut self) -> WebResult<Engine> {
        let merger = self
            .inner
            .take()
            .ok_or_else(|| WebError::argument(USED_UP))?;
        Ok(Engine::new(merger.finish()?))
    }
}
