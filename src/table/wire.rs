//! The byte layout of a part of a parallel load ([`crate::ingest::parallel`]):
//! little-endian integers, strings as lengths then text, read back with every
//! length checked. A writer and a reader, nothing else.

/// Appends little-endian values to a buffer.
#[derive(Debug, Default)]
pub struct WireWriter {
    /// The bytes written so far.
    pub bytes: Vec<u8>,
}

impl WireWriter {
    /// One byte.
    pub fn u8(&mut self, v: u8) {
        self.bytes.push(v);
    }
    /// A `u32`.
    pub fn u32(&mut self, v: u32) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    /// A `u64`.
    pub fn u64(&mut self, v: u64) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    /// A length (`usize` as `u64`).
    pub fn count(&mut self, n: usize) {
        self.u64(n as u64);
    }
    /// A string: its length, then its UTF-8 bytes.
    pub fn str(&mut self, s: &str) {
        self.count(s.len());
        self.bytes.extend_from_slice(s.as_bytes());
    }
    /// Strings: their count, every length as `u32`, then all the text.
    /// `items()` yields them (it is called twice).
    pub fn strings<'a, I: Iterator<Item = &'a str>>(
        &mut self,
        count: usize,
        items: impl Fn() -> I,
    ) {
        self.count(count);
        for s in items() {
            self.u32(u32::try_from(s.len()).unwrap_or(u32::MAX));
        }
        for s in items() {
            self.bytes.extend_from_slice(s.as_bytes());
        }
    }
}

/// Reads what [`WireWriter`] wrote; every read checks the bytes are there.
#[derive(Debug)]
pub struct WireReader<'a> {
    bytes: &'a [u8],
}

/// Why a part's bytes could not be read (a bug or a corrupted transfer).
pub type WireError = String;

impl<'a> WireReader<'a> {
    /// A reader over `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Self { bytes }
    }
    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], WireError> {
        if n > self.bytes.len() {
            return Err(format!("{n} bytes expected, {} left", self.bytes.len()));
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }
    /// One byte.
    pub fn u8(&mut self) -> Result<u8, WireError> {
        Ok(self.take(1)?[0])
    }
    /// A `u32`.
    pub fn u32(&mut self) -> Result<u32, WireError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    /// A `u64`.
    pub fn u64(&mut self) -> Result<u64, WireError> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }
    /// A length, checked against the bytes left when each item takes `item` bytes
    /// (so a corrupted length cannot ask for a huge allocation).
    pub fn count(&mut self, item: usize) -> Result<usize, WireError> {
        let n = self.u64()?;
        let n = usize::try_from(n).map_err(|_| format!("length {n} too large"))?;
        if n.saturating_mul(item.max(1)) > self.bytes.len() && item > 0 {
            return Err(format!("length {n} exceeds the bytes left"));
        }
        Ok(n)
    }
    /// A string.
    pub fn str(&mut self) -> Result<&'a str, WireError> {
        let n = self.count(1)?;
        std::str::from_utf8(self.take(n)?).map_err(|e| e.to_string())
    }
    /// Strings written by [`WireWriter::strings`], in order.
    pub fn strings(&mut self) -> Result<Vec<&'a str>, WireError> {
        let count = self.count(4)?;
        let lens = self.take(count * 4)?;
        let lens: Vec<usize> = lens
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as usize)
            .collect();
        let total: usize = lens.iter().sum();
        let text = std::str::from_utf8(self.take(total)?).map_err(|e| e.to_string())?;
        let mut out = Vec::with_capacity(count);
        let mut at = 0;
        for n in lens {
            let s = text
                .get(at..at + n)
                .ok_or_else(|| "a string is cut inside a character".to_string())?;
            out.push(s);
            at += n;
        }
        Ok(out)
    }
    /// Bytes not read yet.
    pub fn left(&self) -> usize {
        self.bytes.len()
    }
    /// True when every byte was read.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}
