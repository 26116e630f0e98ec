//! CSV bytes → [`EventTable`]. PLACEHOLDER: being written.

pub mod dialect;
pub mod encoding;
pub mod timestamp;

use crate::error::{Error, ErrorKind, Result};
use crate::progress::Progress;
use crate::table::{DateOrder, EventTable};
use std::collections::BTreeMap;

/// Loading options: role overrides, time zone, date order, encoding, delimiter.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Role name → column name, or `None` to say "no column has this role".
    pub roles: BTreeMap<String, Option<String>>,
    /// IANA zone for timestamps without offset (default UTC).
    pub time_zone: Option<String>,
    /// Day/month order for ambiguous dates.
    pub date_order: DateOrder,
    /// Force a text encoding by label ("gbk", "windows-1252", "utf-8").
    pub encoding: Option<String>,
    /// Force a delimiter.
    pub delimiter: Option<u8>,
}

impl LoadOptions {
    /// Reads options from JSON (the JS API's `options` object, the CLI's flags):
    /// `{"roles": {"user": "customer_id", "event": null}, "time_zone": "UTC",
    /// "date_order": "auto" | "dmy" | "mdy", "encoding": "gbk", "delimiter": ";"}`.
    /// Every field is optional; an unknown field or role is an error.
    pub fn from_value(value: serde_json::Value) -> Result<LoadOptions> {
        let bad = |why: String| Error::new(ErrorKind::BadOption(why));
        let obj = match value {
            serde_json::Value::Null => return Ok(LoadOptions::default()),
            serde_json::Value::Object(o) => o,
            other => {
                return Err(bad(format!(
                    "loading options must be an object, not {other}"
                )));
            }
        };
        let mut out = LoadOptions::default();
        for (key, v) in obj {
            match (key.as_str(), v) {
                ("roles", serde_json::Value::Object(roles)) => {
                    for (role, col) in roles {
                        if crate::table::Role::from_name(&role).is_none() {
                            return Err(bad(format!(
                                "unknown role \"{role}\" (roles: user, time, event, revenue, order, item)"
                            )));
                        }
                        let col = match col {
                            serde_json::Value::Null => None,
                            serde_json::Value::String(s) => Some(s),
                            other => {
                                return Err(bad(format!(
                                    "role {role}: expected a column name or null, not {other}"
                                )));
                            }
                        };
                        out.roles.insert(role, col);
                    }
                }
                ("roles", serde_json::Value::Null) => {}
                ("time_zone", serde_json::Value::String(s)) => out.time_zone = Some(s),
                ("date_order", serde_json::Value::String(s)) => {
                    out.date_order = match s.as_str() {
                        "auto" => DateOrder::Auto,
                        "dmy" => DateOrder::DayFirst,
                        "mdy" => DateOrder::MonthFirst,
                        _ => {
                            return Err(bad(format!("date_order \"{s}\" is not auto, dmy or mdy")));
                        }
                    }
                }
                ("encoding", serde_json::Value::String(s)) => out.encoding = Some(s),
                ("delimiter", serde_json::Value::String(s)) => {
                    let d = match s.as_str() {
                        "\\t" | "tab" => b'\t',
                        _ if s.len() == 1 => s.as_bytes()[0],
                        _ => return Err(bad(format!("delimiter \"{s}\" must be one character"))),
                    };
                    out.delimiter = Some(d);
                }
                (
                    "time_zone" | "date_order" | "encoding" | "delimiter",
                    serde_json::Value::Null,
                ) => {}
                (k, v) => {
                    return Err(bad(format!(
                        "unknown or malformed loading option \"{k}\": {v}"
                    )));
                }
            }
        }
        Ok(out)
    }
}

/// A streaming loader: push chunks, then finish.
pub struct Loader {
    file: String,
}

impl Loader {
    /// A loader for a file of this name.
    pub fn new(file: &str, _options: LoadOptions) -> Result<Loader> {
        Ok(Loader {
            file: file.to_string(),
        })
    }
    /// Feeds the next chunk of bytes.
    pub fn push(&mut self, _chunk: &[u8]) -> Result<()> {
        Ok(())
    }
    /// Bytes pushed so far.
    pub fn bytes_read(&self) -> u64 {
        0
    }
    /// Data rows parsed so far.
    pub fn rows_read(&self) -> u64 {
        0
    }
    /// Finishes the load.
    pub fn finish(self) -> Result<EventTable> {
        Err(Error::at(ErrorKind::EmptyFile, &self.file, None))
    }
}

/// Loads a whole buffer, reporting progress between chunks.
pub fn load(
    file: &str,
    bytes: &[u8],
    options: LoadOptions,
    progress: &mut dyn Progress,
) -> Result<EventTable> {
    let mut loader = Loader::new(file, options)?;
    let total = bytes.len() as u64;
    for (i, chunk) in bytes.chunks(1 << 20).enumerate() {
        if progress.cancelled() {
            return Err(Error::new(ErrorKind::Cancelled));
        }
        loader.push(chunk)?;
        progress.report(((i + 1) * (1 << 20)).min(bytes.len()) as u64, total);
    }
    loader.finish()
}
