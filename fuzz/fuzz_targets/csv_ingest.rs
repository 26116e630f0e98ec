//! CSV ingestion through the streaming `Loader`, the way the page feeds it: the
//! input's first two bytes choose the chunk sizes, the rest is the file. Must never
//! panic; a load must end in a table or an error naming the file; a table must
//! satisfy `rows_read = rows + Σ skipped`; and the chunking must not change the
//! outcome (the same summary, or the same message, as one whole push).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tidemark::ingest::{LoadOptions, Loader};
use tidemark::report::Summary;

fn load(bytes: &[u8], chunks: &[usize]) -> Result<Summary, String> {
    let mut loader = Loader::new("f.csv", LoadOptions::default()).map_err(|e| e.to_string())?;
    loader
        .expect_bytes(bytes.len() as u64)
        .map_err(|e| e.to_string())?;
    let mut at = 0;
    let mut i = 0;
    while at < bytes.len() {
        let n = chunks[i % chunks.len()].min(bytes.len() - at);
        loader
            .push(&bytes[at..at + n])
            .map_err(|e| e.to_string())?;
        at += n;
        i += 1;
    }
    let table = loader.finish().map_err(|e| e.to_string())?;
    Ok(Summary::of(&table))
}

fuzz_target!(|data: &[u8]| {
    let (head, bytes) = data.split_at(data.len().min(2));
    let chunks: Vec<usize> = head.iter().map(|&b| usize::from(b) + 1).collect();
    let chunks = if chunks.is_empty() { vec![1] } else { chunks };
    let chunked = load(bytes, &chunks);
    let whole = load(bytes, &[usize::MAX]);
    match (&chunked, &whole) {
        (Ok(a), Ok(b)) => {
            let skipped: u64 = a.skipped.iter().map(|s| s.count).sum();
            assert_eq!(a.rows_read, a.rows + skipped, "rows_read = rows + skipped");
            assert!(a.rows > 0, "a table has rows");
            assert_eq!(a, b, "chunking changed the summary");
        }
        (Err(a), Err(b)) => {
            assert!(a.starts_with("f.csv"), "the message names the file: {a}");
            assert_eq!(a, b, "chunking changed the message");
        }
        _ => panic!("chunked {chunked:?} but whole {whole:?}"),
    }
});
