//! The fuzz targets' properties (`fuzz/fuzz_targets/`), replayed on stable over
//! every committed input in `fuzz/seeds/TARGET/`: the seeds, and any input a fuzz
//! run crashed on (it goes there once fixed, so the crash can never come back
//! unnoticed, even where nightly and cargo-fuzz are missing). What the long runs
//! found: `fuzz/README.md` ("Results").

use tidemark::error::ErrorKind;
use tidemark::ingest::attributes::attach;
use tidemark::ingest::parallel::load_in_parts;
use tidemark::ingest::{LoadOptions, Loader, load};
use tidemark::progress::Silent;
use tidemark::report::Summary;
use tidemark::segment::{Rule, RuleOptions, check_syntax};
use tidemark::spec::{Duration, Spec};

#[path = "common/table_dump.rs"]
mod table_dump;

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

/// `csv_parts`: the load in parts cut where the input's first bytes say equals the
/// sequential load, table and error alike.
#[test]
fn csv_parts_seeds() {
    for (name, data) in seeds("csv_parts") {
        let (cuts, bytes) = table_dump::parts_input(&data);
        let options = LoadOptions::default();
        let parts = table_dump::outcome(load_in_parts("f.csv", bytes, &options, &cuts));
        let sequential = table_dump::outcome(load("f.csv", bytes, options, &mut Silent));
        assert_eq!(parts, sequential, "{name}: cuts {cuts:?}");
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

/// `segment_rule`: a refusal is a rule error at a column of the text (or one past
/// it), the same from the parser and the compiler; a rule that compiles gives a
/// verdict per user and `not (rule)` the opposite ones. The fixed table: three
/// events, revenue, properties, and an attribute file without a row for u4.
#[test]
fn segment_rule_seeds() {
    let events = "user_id,time,event,revenue,country,score\n\
                  u1,2024-01-01T10:00:00Z,page_view,,CN,1\n\
                  u1,2024-01-02T09:00:00Z,purchase,20,CN,\n\
                  u1,2024-02-10T09:00:00Z,purchase,35.5,US,x\n\
                  u2,2024-01-03T12:00:00Z,page_view,,US,7\n\
                  u2,2024-03-25T12:00:00Z,add_to_cart,,US,\n\
                  u3,2024-03-28T08:00:00Z,purchase,99,,2.5\n\
                  u4,2024-03-30T08:00:00Z,add_to_cart,,FR,\n";
    let users = "id,plan,age,signup source\nu1,pro,30,ads\nu2,free,n/a,\nu3,team,45,seo\n";
    let t = load(
        "e.csv",
        events.as_bytes(),
        LoadOptions::default(),
        &mut Silent,
    )
    .expect("loads");
    let (t, _) = attach(t, "users.csv", users.as_bytes(), None).expect("attaches");
    let options = RuleOptions::default();
    let (mut compiled, mut refused) = (0, 0);
    for (name, data) in seeds("segment_rule") {
        let Ok(text) = std::str::from_utf8(&data) else {
            continue;
        };
        let end = text.chars().count() + 1;
        let syntax = check_syntax(text);
        match Rule::compile(&t, text, &options) {
            Ok(rule) => {
                compiled += 1;
                assert!(syntax.is_ok(), "{name}: compiles but {syntax:?}");
                let mask = rule.mask(&t);
                assert_eq!(mask.len(), t.user_count(), "{name}");
                match Rule::compile(&t, &format!("not ({text})"), &options) {
                    Ok(not) => {
                        let flipped: Vec<bool> = not.mask(&t).iter().map(|m| !m).collect();
                        assert_eq!(flipped, mask, "{name}: not (rule)");
                    }
                    Err(e) => assert!(e.to_string().contains("levels deep"), "{name}: {e}"),
                }
            }
            Err(e) => {
                refused += 1;
                let ErrorKind::BadRule { column, message } = &e.kind else {
                    panic!("{name}: not a rule error: {e}");
                };
                assert!((1..=end).contains(column), "{name}: {e}");
                if let Err(s) = &syntax {
                    assert_eq!((*column, message), (s.column, &s.message), "{name}");
                }
            }
        }
    }
    // The docs' examples compile; the parser tests' mistakes are refused.
    assert!(
        compiled >= 20 && refused >= 40,
        "{compiled} compiled, {refused} refused"
    );
}

/// The crash `segment_rule` found: deep nesting (here 5,000 `(` or `not`) overflowed the
/// stack (a SIGSEGV); now refused at the 101st level. A long chain of `and`/`or`
/// was a tree as deep as the chain is long; now it is one wide node.
#[test]
fn segment_rule_crashes_are_refused_or_evaluated() {
    let t = load(
        "e.csv",
        "user_id,time,event\nu1,2024-01-01T10:00:00Z,purchase\nu1,2024-01-02T10:00:00Z,purchase\nu2,2024-01-02T10:00:00Z,view\n".as_bytes(),
        LoadOptions::default(),
        &mut Silent,
    )
    .expect("loads");
    let options = RuleOptions::default();
    for (name, column, what) in [
        ("crash-deep-parens", 101, "'('"),
        ("crash-deep-not", 401, "'not'"),
    ] {
        let text = std::fs::read_to_string(format!(
            "{}/fuzz/seeds/segment_rule/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("seed");
        let e = Rule::compile(&t, &text, &options).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "bad segment rule, column {column}: this {what} nests the rule more than 100 levels deep ('(' and 'not' inside each other)"
            )
        );
    }
    // 100 levels are fine, and evaluate.
    let deep = format!("{}events > 1{}", "(".repeat(100), ")".repeat(100));
    let rule = Rule::compile(&t, &deep, &options).expect("100 levels");
    assert_eq!(rule.mask(&t), [true, false]);
    let nots = format!("{}events > 1", "not ".repeat(100));
    assert_eq!(
        Rule::compile(&t, &nots, &options)
            .expect("100 nots")
            .mask(&t),
        [true, false]
    );
    // The chain: 2,000 × (events > 1) and …, or 1,000 × did("purchase").
    let text = std::fs::read_to_string(format!(
        "{}/fuzz/seeds/segment_rule/crash-long-chain",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("seed");
    let rule = Rule::compile(&t, &text, &options).expect("the chain compiles");
    assert_eq!(rule.mask(&t), [true, false]);
}
