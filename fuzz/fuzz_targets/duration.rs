//! The duration parser (`"7d"`, `"1.5h"`, `"3600"`): any text must parse or give
//! a reason, never panic; a parsed duration is never negative; and its display
//! (`7d`, `90m`, `1.5s`) parses back to the same duration.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tidemark::spec::Duration;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Duration::parse(text) {
        Ok(d) => {
            assert!(d.millis >= 0, "{text:?} gave {d:?}");
            let shown = d.to_string();
            assert_eq!(Duration::parse(&shown), Ok(d), "{text:?} shown as {shown:?}");
        }
        Err(why) => assert!(why.contains("is not a duration"), "{why}"),
    }
});
