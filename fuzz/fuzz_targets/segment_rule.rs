//! The segment rule language (`docs/segments.md`): any text through the lexer and
//! parser (`check_syntax`) and, compiled against a small fixed table with a user
//! attribute file (`Rule::compile`), evaluated per user. Must never panic. A
//! refusal is a rule error at a column inside the text (1 to one past its last
//! character); compiling refuses a text exactly as the parser does; a rule that
//! compiles gives one verdict per user, and `not (rule)` gives the opposite ones
//! (unless the two levels it adds pass the nesting limit).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tidemark::error::ErrorKind;
use tidemark::ingest::attributes::attach;
use tidemark::ingest::{LoadOptions, load};
use tidemark::progress::Silent;
use tidemark::segment::{Rule, RuleOptions, check_syntax};
use tidemark::table::EventTable;

/// Three events, revenue, an event property (`country`) and a numeric one (`score`).
const EVENTS: &str = "user_id,time,event,revenue,country,score\n\
u1,2024-01-01T10:00:00Z,page_view,,CN,1\n\
u1,2024-01-02T09:00:00Z,purchase,20,CN,\n\
u1,2024-02-10T09:00:00Z,purchase,35.5,US,x\n\
u2,2024-01-03T12:00:00Z,page_view,,US,7\n\
u2,2024-03-25T12:00:00Z,add_to_cart,,US,\n\
u3,2024-03-28T08:00:00Z,purchase,99,,2.5\n\
u4,2024-03-30T08:00:00Z,add_to_cart,,FR,\n";

/// The user attributes: text, numbers, an empty cell, a name with a space, and a
/// user (u4) without a row.
const USERS: &str = "id,plan,age,signup source\n\
u1,pro,30,ads\n\
u2,free,n/a,\n\
u3,team,45,seo\n";

fn table() -> &'static EventTable {
    static TABLE: OnceLock<EventTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        let events = load(
            "e.csv",
            EVENTS.as_bytes(),
            LoadOptions::default(),
            &mut Silent,
        )
        .expect("the fixed table loads");
        attach(events, "users.csv", USERS.as_bytes(), None)
            .expect("the attributes attach")
            .0
    })
}

/// The column and message of a rule error; panics on any other error.
fn rule_error(text: &str, e: &tidemark::error::Error) -> (usize, String) {
    match &e.kind {
        ErrorKind::BadRule { column, message } => (*column, message.clone()),
        other => panic!("{text:?}: not a rule error: {other:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let t = table();
    let end = text.chars().count() + 1;
    let syntax = check_syntax(text);
    if let Err(e) = &syntax {
        assert!((1..=end).contains(&e.column), "{text:?}: {e}");
        assert!(!e.message.is_empty(), "{text:?}");
    }
    match Rule::compile(t, text, &RuleOptions::default()) {
        Ok(rule) => {
            assert!(syntax.is_ok(), "{text:?} compiles but {syntax:?}");
            let mask = rule.mask(t);
            assert_eq!(mask.len(), t.user_count(), "{text:?}");
            // Two levels more may pass the nesting limit; nothing else may fail.
            match Rule::compile(t, &format!("not ({text})"), &RuleOptions::default()) {
                Ok(not) => {
                    let flipped: Vec<bool> = not.mask(t).iter().map(|m| !m).collect();
                    assert_eq!(flipped, mask, "{text:?}: not (rule) is not the complement");
                }
                Err(e) => assert!(e.to_string().contains("levels deep"), "{text:?}: {e}"),
            }
        }
        Err(e) => {
            let (column, message) = rule_error(text, &e);
            assert!((1..=end).contains(&column), "{text:?}: {e}");
            assert!(
                e.to_string()
                    .starts_with(&format!("bad segment rule, column {column}: ")),
                "{e}"
            );
            if let Err(s) = &syntax {
                assert_eq!((column, &message), (s.column, &s.message), "{text:?}");
            }
        }
    }
});
