//! A cell's bytes together with the text that follows them in the loader's
//! buffer, so that a lookup of a short value can read a fixed 16-byte window at
//! the cell's start (two word loads and two masks) instead of branching on the
//! cell's length to pick its words ([`super::recent`]).

/// One cell: its bytes (UTF-8), and `rest`, the text from its first byte to the end
/// of the buffer it was cut from (`bytes` is a prefix of `rest`).
#[derive(Debug, Clone, Copy)]
pub struct Cell<'a> {
    bytes: &'a [u8],
    rest: &'a [u8],
}

impl<'a> Cell<'a> {
    /// A cell with nothing known after it.
    #[inline]
    pub fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, rest: bytes }
    }

    /// The first `len` bytes of `rest` (all of `rest` when shorter), with `rest` as
    /// the text that follows.
    #[inline]
    pub fn within(rest: &'a [u8], len: usize) -> Self {
        Self {
            bytes: rest.get(..len).unwrap_or(rest),
            rest,
        }
    }

    /// The cell's bytes.
    #[inline(always)]
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The sixteen bytes from the cell's start, when the buffer has them.
    #[inline(always)]
    pub fn window(&self) -> Option<&'a [u8; 16]> {
        self.rest.get(..16).and_then(|w| w.try_into().ok())
    }
}
