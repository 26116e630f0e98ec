//! Architecture rules checked as ordinary tests (see ARCHITECTURE.md, Invariants).

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn sources() -> Vec<(String, String)> {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(root())
                .expect("under root")
                .display()
                .to_string();
            (rel, std::fs::read_to_string(&p).expect("utf-8 source"))
        })
        .collect()
}

#[test]
fn only_src_web_names_wasm_crates() {
    for (path, text) in sources() {
        if path.starts_with("src/web/") {
            continue;
        }
        for name in [
            "wasm_bindgen",
            "web_sys",
            "js_sys",
            "serde_wasm_bindgen",
            "plotters_canvas",
        ] {
            assert!(
                !text.contains(name),
                "{path} names {name}: only src/web/ may"
            );
        }
    }
}

#[test]
fn wasm_crates_are_wasm32_only_dependencies() {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).expect("Cargo.toml");
    let mut section = String::new();
    for line in manifest.lines() {
        if line.starts_with('[') {
            section = line.to_string();
        }
        for name in [
            "wasm-bindgen",
            "js-sys",
            "web-sys",
            "serde-wasm-bindgen",
            "plotters-canvas",
        ] {
            if line.starts_with(&format!("{name} ")) || line.starts_with(&format!("{name}=")) {
                assert!(
                    section.contains("wasm32"),
                    "{name} is declared in {section}, outside a wasm32-only section"
                );
            }
        }
    }
}

#[test]
fn every_module_starts_with_a_doc_comment() {
    for (path, text) in sources() {
        let first = text
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or_default();
        assert!(
            first.starts_with("//!"),
            "{path} must start with a //! module doc"
        );
    }
}

#[test]
fn the_web_layer_denies_unwrap() {
    let web = std::fs::read_to_string(root().join("src/web/mod.rs")).expect("src/web/mod.rs");
    assert!(
        web.contains("#![deny(clippy::unwrap_used"),
        "src/web/mod.rs must deny clippy::unwrap_used"
    );
    let lib = std::fs::read_to_string(root().join("src/lib.rs")).expect("src/lib.rs");
    assert!(
        lib.contains("deny(clippy::unwrap_used"),
        "src/lib.rs must deny clippy::unwrap_used"
    );
}

/// The example specs of the contract, one per analysis, still parse: those this
/// version computes parse to a spec; the others say plainly they are not available.
#[test]
fn contract_examples_parse() {
    let path = root().join("../shared/ANALYSES.md");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut seen = 0;
    for line in text.lines().filter(|l| l.starts_with("| ")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let Some(spec) = cells
            .get(2)
            .and_then(|c| c.strip_prefix('`'))
            .and_then(|c| c.strip_suffix('`'))
        else {
            continue;
        };
        if !spec.starts_with("{\"analysis\"") {
            continue;
        }
        seen += 1;
        let name = cells[1];
        match tidemark::spec::Spec::from_json(spec) {
            Ok(_) => assert!(
                tidemark::spec::ANALYSES.contains(&(name, true)),
                "{name} parsed but is not marked available"
            ),
            Err(e) => {
                assert!(
                    tidemark::spec::ANALYSES.contains(&(name, false)),
                    "the contract's {name} example does not parse: {e}"
                );
                assert!(
                    e.to_string().contains("not available in this version yet"),
                    "{e}"
                );
            }
        }
    }
    assert_eq!(seen, 6, "expected the six example specs of the contract");
}

fn page_scripts(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            page_scripts(&path, out);
        } else if path.extension().is_some_and(|e| e == "js" || e == "html") {
            out.push(path);
        }
    }
}

/// The page puts data into the DOM as text only and fetches nothing but its own
/// files: no HTML sinks, no absolute URLs in any script or page under www/.
#[test]
fn the_page_has_no_html_sinks_and_no_remote_urls() {
    let mut files = Vec::new();
    page_scripts(&root().join("www"), &mut files);
    assert!(files.len() >= 5, "expected the page's scripts under www/");
    for path in files {
        let text = std::fs::read_to_string(&path).expect("utf-8 page file");
        let rel = path
            .strip_prefix(root())
            .expect("under root")
            .display()
            .to_string();
        for sink in [
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
            "new Function",
        ] {
            assert!(!text.contains(sink), "{rel} uses {sink}");
        }
        for scheme in ["http://", "https://", "//cdn", "ws://", "wss://"] {
            assert!(
                !text.contains(scheme),
                "{rel} names a remote URL ({scheme})"
            );
        }
    }
}

/// Determinism between targets (issue 8): natively `f64::ln`, `exp`… call the
/// platform's C library, in wasm a port of musl, and the two differ in the last
/// bit now and then. The analyses use the `libm` crate's instead
/// (`src/analysis/libm_ext.rs`), so their JSON is byte-identical everywhere
/// (`tests/golden.rs`, `tests/web.rs`). Unit tests may use either.
#[test]
fn analyses_use_libm_for_transcendental_functions() {
    const STD_FORMS: [&str; 14] = [
        ".ln()",
        ".exp()",
        ".exp_m1()",
        ".ln_1p()",
        ".exp2()",
        ".log2()",
        ".log10()",
        ".log(",
        ".powf(",
        ".cbrt()",
        ".tanh()",
        ".atan(",
        "f64::ln",
        "f64::exp",
    ];
    for (path, text) in sources() {
        if !path.starts_with("src/analysis/") {
            continue;
        }
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (n, line) in code.lines().enumerate() {
            let line = line.split("//").next().unwrap_or("");
            for form in STD_FORMS {
                assert!(
                    !line.contains(form),
                    "{path}:{}: `{form}` is the platform's; use LibmExt (src/analysis/libm_ext.rs) or libm::",
                    n + 1
                );
            }
        }
    }
}
