//! The panic hook: a panic is logged, kept for `lastPanic()`, and poisons only the
//! worker it happened in.
//!
//! A panic in wasm32 aborts: the call throws a `WebAssembly.RuntimeError`
//! ("unreachable") and the instance must not be trusted again. The worker catches
//! that, asks `lastPanic()` for the sentence, reports it to the page and is
//! replaced. The message is also put on `globalThis.__tidemarkPanic`, readable even
//! if calling into the broken instance fails.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs the hook (idempotent: a second call replaces it with the same hook).
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let message = format!("internal error (please report it): {info}");
        let _ = js_sys::Reflect::set(
            &js_sys::global(),
            &JsValue::from_str("__tidemarkPanic"),
            &JsValue::from_str(&message),
        );
        LAST_PANIC.with(|slot| {
            if let Ok(mut slot) = slot.try_borrow_mut() {
                *slot = Some(message);
            }
        });
    }));
}

/// `lastPanic(): string | undefined` — the message of the last panic in this
/// instance (`"internal error (please report it): panicked at src/…: reason"`).
#[wasm_bindgen(js_name = lastPanic)]
pub fn last_panic() -> Option<String> {
    LAST_PANIC.with(|slot| slot.try_borrow().ok().and_then(|s| s.clone()))
}

/// `debugPanic(): never` — TEST ONLY: panics on purpose, so the page tests can check
/// that a crashed worker is replaced and its message shown. The page reaches it only
/// through the worker message `{type: '__panic'}`, which no control sends.
#[wasm_bindgen(js_name = debugPanic)]
pub fn debug_panic() {
    panic!("debugPanic() was called (a deliberate test panic)");
}
