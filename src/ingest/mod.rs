//! CSV bytes → [`EventTable`]. PLACEHOLDER: being written.

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
