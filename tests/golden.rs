//! Determinism (issue 8): the same file and spec give byte-identical result JSON
//! across runs, and the same as the committed golden files, which the wasm test
//! (`tests/web.rs`) checks too. See `tests/common/golden.rs`.

#[path = "common/golden.rs"]
mod golden;

#[test]
fn results_are_byte_identical_across_runs_and_equal_the_golden_files() {
    let first = golden::outputs();
    let again = golden::outputs();
    assert_eq!(first, again, "two runs in one process differ");
    let bless = std::env::var_os("TIDEMARK_BLESS").is_some();
    for ((name, got), want) in first.iter().zip(golden::EXPECTED) {
        if bless {
            let path = format!(
                "{}/tests/data/golden/{name}.json",
                env!("CARGO_MANIFEST_DIR")
            );
            std::fs::write(&path, got).expect("golden file written");
            continue;
        }
        assert!(
            got == want,
            "{name}: the result differs from tests/data/golden/{name}.json (TIDEMARK_BLESS=1 rewrites it after an intended change): {}",
            golden::first_difference(got, want)
        );
    }
}
