//! SVG helpers shared by the chart tests: the text of every `<text>` element, and
//! an optional dump of each rendered chart (`TIDEMARK_CHART_OUT=dir`) for looking at.

#![allow(dead_code)]

/// Writes `svg` into `$TIDEMARK_CHART_OUT` as `NAME-HASH.svg` when that is set.
pub fn save(name: &str, svg: &str) {
    if let Some(dir) = std::env::var_os("TIDEMARK_CHART_OUT") {
        let name = format!("{name}-{:016x}.svg", fxhash(svg));
        std::fs::write(std::path::Path::new(&dir).join(name), svg).unwrap();
    }
}

/// FNV-1a of the text, for stable file names.
pub fn fxhash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// The text contents of every `<text>` element.
pub fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let body = &t[t.find('>')? + 1..];
            Some(body[..body.find("</text>")?].trim().to_string())
        })
        .collect()
}
