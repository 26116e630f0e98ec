//! The one error type of the browser layer, thrown to JS as an `Error`.
//!
//! The message is always the sentence a user reads: a core error's `Display`
//! (`orders.csv:17: a quoted field starts here and is never closed`), or a sentence
//! about a JS argument that could not be read. The thrown `Error` also carries
//! `name = "TidemarkError"`, `kind` (e.g. `"bad_spec"`, `"cancelled"`) and, when the
//! error belongs to a line of the input, `file` and `line`, so the page can react
//! without parsing the message.

use std::fmt;

use wasm_bindgen::JsValue;

use crate::error::{Error, ErrorKind};

/// An error of the browser layer.
#[derive(Debug, Clone)]
pub enum WebError {
    /// The core refused (bad input, bad option, bad spec, cancelled…).
    Core(Error),
    /// A JS argument could not be read (wrong type, not JSON-like, a detached canvas).
    Argument(String),
}

impl WebError {
    /// An argument error with this sentence.
    pub fn argument(why: impl Into<String>) -> Self {
        WebError::Argument(why.into())
    }

    /// A short machine-readable name of what went wrong.
    pub fn kind(&self) -> &'static str {
        match self {
            WebError::Argument(_) => "argument",
            WebError::Core(e) => match e.kind {
                ErrorKind::EmptyFile => "empty_file",
                ErrorKind::NoRows => "no_rows",
                ErrorKind::Binary(_) => "binary",
                ErrorKind::RaggedRow { .. } => "ragged_row",
                ErrorKind::UnterminatedQuote => "unterminated_quote",
                ErrorKind::MissingRole { .. } => "missing_role",
                ErrorKind::UnknownColumn { .. } => "unknown_column",
                ErrorKind::NoUsableRows(_) => "no_usable_rows",
                ErrorKind::TooLarge { .. } => "too_large",
                ErrorKind::TooMuchMemory { .. } => "too_much_memory",
                ErrorKind::BadOption(_) => "bad_option",
                ErrorKind::Csv(_) => "csv",
                ErrorKind::BadSpec(_) => "bad_spec",
                ErrorKind::BadRule { .. } => "bad_rule",
                ErrorKind::BadTable(_) => "bad_table",
                ErrorKind::Cancelled => "cancelled",
                ErrorKind::Io(_) => "io",
            },
        }
    }
}

impl From<Error> for WebError {
    fn from(e: Error) -> Self {
        WebError::Core(e)
    }
}

impl fmt::Display for WebError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebError::Core(e) => write!(f, "{e}"),
            WebError::Argument(why) => write!(f, "{why}"),
        }
    }
}

impl std::error::Error for WebError {}

impl From<WebError> for JsValue {
    /// A JS `Error` with the sentence as its message, plus `name`, `kind`, `file`, `line`
    /// and, for a bad segment rule, `column`.
    fn from(e: WebError) -> JsValue {
        let js = js_sys::Error::new(&e.to_string());
        js.set_name("TidemarkError");
        let set = |key: &str, value: JsValue| {
            // Setting a property on a fresh Error object cannot fail; if it somehow
            // did, the message alone still says everything.
            let _ = js_sys::Reflect::set(&js, &JsValue::from_str(key), &value);
        };
        set("kind", JsValue::from_str(e.kind()));
        if let WebError::Core(Error {
            kind: ErrorKind::BadRule { column, .. },
            ..
        }) = &e
        {
            set("column", JsValue::from_f64(*column as f64));
        }
        if let WebError::Core(Error {
            location: Some(loc),
            ..
        }) = &e
        {
            set("file", JsValue::from_str(&loc.file));
            if let Some(line) = loc.line {
                set("line", JsValue::from_f64(line as f64));
            }
        }
        js.into()
    }
}

/// The result type of every fallible export.
pub type WebResult<T> = Result<T, WebError>;

/// Runs `step` on the streaming state in `slot` (`used_up`: the error when it is
/// empty). A failed step uses the state up: a load cannot go on after bytes it
/// refused, so the next call says so instead of continuing half-fed.
pub fn step_or_spend<T, R>(
    slot: &mut Option<T>,
    used_up: &str,
    step: impl FnOnce(&mut T) -> crate::error::Result<R>,
) -> WebResult<R> {
    let state = slot.as_mut().ok_or_else(|| WebError::argument(used_up))?;
    let result = step(state);
    if result.is_err() {
        *slot = None;
    }
    Ok(result?)
}
