//! How long work talks back: it reports the fraction done and asks whether it
//! was cancelled. The only channel from the core to its caller.

/// Receives progress from long work (loading, fitting) and can cancel it.
pub trait Progress {
    /// `done` of `total` units (bytes, rows, iterations) are finished.
    fn report(&mut self, done: u64, total: u64);
    /// True when the caller wants the work to stop; the work then returns
    /// [`crate::ErrorKind::Cancelled`].
    fn cancelled(&self) -> bool {
        false
    }
}

/// Progress that nobody watches.
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;

impl Progress for Silent {
    fn report(&mut self, _done: u64, _total: u64) {}
}
