//! The fuzz targets' properties (`fuzz/fuzz_targets/`), replayed on stable over
//! every committed input in `fuzz/seeds/TARGET/`: the seeds, and any input a fuzz
//! run crashed on (it goes there once fixed, so the crash can never come back
//! unnoticed, even where nightly and cargo-fuzz are missing). The long runs found
//! no crash so far (BENCHMARKS.md, "Fuzzing").

use tidemark::ingest::{LoadOptions, Loader, load};
use tidemark::progress::Silent;
use tidemark::report::Summary;
use tidemark::spec::{Duration, Spec};

fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = format!("{}/fuzz/seeds/{target}", env!("CARGO_MANIFEST_DIR"));
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("seed dir")
        .map(|e| {
            let path = e.expect("entry").path();
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(&path).expect("seed readable"))
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "{dir} has seeds");
    out
}

/// `csv_ingest`: the first two bytes choose the chunk sizes, the rest is the file.
fn load_chunked(bytes: &[u8], chunks: &[usize]) -> Result<Summary, String> {
    let mut loader = Loader::new("f.csv", LoadOptions::default()).map_err(|e| e.to_string())?;
    loader
        .expect_bytes(bytes.len() as u64)
        .map_err(|e| e.to_string())?;
    let mut at = 0;
    for i in 0.. {
        if at >= bytes.len() {
            break;
        }
        let n = chunks[i % chunks.len()].min(bytes.len() - at);
        loader.push(&bytes[at..at + n]).map_err(|e| e.to_string())?;
        at += n;
    }
    loader
        .finish()
        .map(|t| Summary::of(&t))
        .map_err(|e| e.to_string())
}

#[test]
fn csv_ingest_seeds() {
    for (name, data) in seeds("csv_ingest") {
        let (head, bytes) = data.split_at(data.len().min(2));
        let chunks: Vec<usize> = head.iter().map(|&b| usize::from(b) + 1).collect();
        let chunks = if chunks.is_empty() { vec![1] } else { chunks };
        let chunked = load_chunked(bytes, &chunks);
        let whole = load_chunked(bytes, &[usize::MAX]);
        match (&chunked, &whole) {
            (Ok(a), Ok(b)) => {
                let skipped: u64 = a.skipped.iter().map(|s| s.count).sum();
                assert_eq!(a.rows_read, a.rows + skipped, "{name}");
                assert_eq!(a, b, "{name}: chunking changed the summary");
            }
            (Err(a), Err(b)) => {
                assert!(a.starts_with("f.csv"), "{name}: {a}");
                assert_eq!(a, b, "{name}: chunking changed the message");
            }
            _ => panic!("{name}: chunked {chunked:?} but whole {whole:?}"),
        }
    }
}

#[test]
fn spec_json_seeds() {
    let csv = "user_id,time,event,revenue,channel\n\
               u1,2024-01-01T10:00:00Z,page_view,,ads\n\
               u1,2024-01-02T09:00:00Z,purchase,20,ads\n\
               u1,2024-02-10T09:00:00Z,purchase,35.5,seo\n\
               u2,2024-01-03T12:00:00Z,page_view,,seo\n\
               u2,2024-01-09T12:00:00Z,purchase,12,seo\n\
               u4,2024-02-01T08:00:00Z,purchase,99,ads\n\
               u4,2024-03-20T08:00:00Z,purchase,5,ads\n";
    let table = load("t.csv", csv.as_bytes(), LoadOptions::default(), &mut Silent).expect("loads");
    let mut parsed = 0;
    for (name, data) in seeds("spec_json") {
        let Ok(text) = std::str::from_utf8(&data) else {
            continue;
        };
        let Ok(spec) = Spec::from_json(text) else {
            continue;
        };
        parsed += 1;
        if let Ok(report) = tidemark::analysis::run(&table, &spec) {
            let a = serde_json::to_string(&report).expect("serializes");
            let b = serde_json::to_string(&report).expect("serializes");
            assert_eq!(a, b, "{name}");
        }
    }
    assert!(parsed >= 10, "the example specs parse ({parsed})");
}

#[test]
fn duration_seeds() {
    for (name, data) in seeds("duration") {
        let Ok(text) = std::str::from_utf8(&data) else {
            continue;
        };
        match Duration::parse(text) {
            Ok(d) => {
                assert!(d.millis >= 0, "{name}");
                assert_eq!(Duration::parse(&d.to_string()), Ok(d), "{name}: {text:?}");
            }
            Err(why) => assert!(why.contains("is not a duration"), "{name}: {why}"),
        }
    }
}
