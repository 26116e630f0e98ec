//! The rule language (`docs/segments.md`): every operator, precedence, every
//! metric on a small log worked out by hand, and every error message with its
//! column.

use tidemark::ErrorKind;
use tidemark::segment::{Rule, RuleOptions};
use tidemark::table::{EventTable, Role, TableBuilder, TableMeta};

/// Epoch ms of an ISO 8601 UTC time.
fn at(iso: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(iso)
        .unwrap()
        .timestamp_millis()
}

/// The log (data end 2024-03-10T10:00Z):
/// - a: page_view 03-01 (country CN, age 30), add_to_cart 03-08, purchase 03-09 (20)
/// - b: purchase 03-02 (5, country US, age 45), purchase 03-05 (7.5)
/// - c: page_view 03-10 (no country, no age)
/// - d: add_to_cart 03-04 (country CN, age "n/a"), no revenue
fn table() -> EventTable {
    let props = [
        ("country".to_string(), Role::Property),
        ("age".to_string(), Role::Property),
    ];
    let mut b = TableBuilder::new(true, &props);
    type Row<'a> = (
        &'a str,
        &'a str,
        &'a str,
        Option<f64>,
        Option<&'a str>,
        Option<&'a str>,
    );
    let rows: [Row; 7] = [
        (
            "a",
            "2024-03-01T10:00:00Z",
            "page_view",
            None,
            Some("CN"),
            Some("30"),
        ),
        ("a", "2024-03-08T10:00:00Z", "add_to_cart", None, None, None),
        (
            "a",
            "2024-03-09T10:00:00Z",
            "purchase",
            Some(20.0),
            None,
            None,
        ),
        (
            "b",
            "2024-03-02T10:00:00Z",
            "purchase",
            Some(5.0),
            Some("US"),
            Some("45"),
        ),
        (
            "b",
            "2024-03-05T10:00:00Z",
            "purchase",
            Some(7.5),
            None,
            None,
        ),
        ("c", "2024-03-10T10:00:00Z", "page_view", None, None, None),
        (
            "d",
            "2024-03-04T10:00:00Z",
            "add_to_cart",
            None,
            Some("CN"),
            Some("n/a"),
        ),
    ];
    for (user, time, event, revenue, country, age) in rows {
        b.push(user, at(time), event, revenue, &[country, age]);
    }
    b.build(TableMeta::synthetic("t.csv"))
}

fn members_as_of(t: &EventTable, rule: &str, as_of: Option<&str>) -> Vec<String> {
    let options = RuleOptions {
        as_of: as_of.map(str::to_owned),
        purchase_event: None,
    };
    let r = Rule::compile(t, rule, &options).unwrap_or_else(|e| panic!("{rule}: {e}"));
    let mask = r.mask(t);
    let mut ids: Vec<String> = (0..t.user_count() as u32)
        .filter(|&u| mask[u as usize])
        .map(|u| t.user_id(u).to_string())
        .collect();
    ids.sort();
    ids
}

fn members(t: &EventTable, rule: &str) -> Vec<String> {
    members_as_of(t, rule, None)
}

fn check(cases: &[(&str, &str)]) {
    let t = table();
    for (rule, want) in cases {
        let want: Vec<String> = want.split_whitespace().map(str::to_owned).collect();
        assert_eq!(members(&t, rule), want, "rule: {rule}");
    }
}

/// The error's column and message.
fn error_in(t: &EventTable, rule: &str) -> (usize, String) {
    match Rule::compile(t, rule, &RuleOptions::default()) {
        Ok(_) => panic!("{rule}: no error"),
        Err(e) => match e.kind {
            ErrorKind::BadRule { column, message } => (column, message),
            other => panic!("{rule}: not a rule error: {other:?}"),
        },
    }
}

fn error(rule: &str) -> (usize, String) {
    error_in(&table(), rule)
}

#[test]
fn every_comparison_operator_on_a_count() {
    check(&[
        ("purchases >= 2", "b"),
        ("purchases > 1", "b"),
        ("purchases < 1", "c d"),
        ("purchases <= 1", "a c d"),
        ("purchases = 1", "a"),
        ("purchases == 1", "a"),
        ("purchases != 1", "b c d"),
        ("purchases <> 1", "b c d"),
        ("purchases in [0, 2]", "b c d"),
        ("events = 1", "c d"),
        ("events in [3]", "a"),
    ]);
}

#[test]
fn money_and_days_metrics() {
    check(&[
        ("revenue >= 12.5", "a b"),
        ("revenue = 0", "c d"),
        ("revenue > 12.4 and revenue < 12.6", "b"),
        ("days_since_last < 2", "a c"),
        ("days_since_last = 1", "a"),
        ("days_since_first = 9", "a"),
        ("days_since_first = 0", "c"),
        ("days_since_first >= 6 and days_since_first <= 8", "b d"),
        ("days_since_last_purchase <= 5", "a b"),
        ("days_since_first_purchase > 7", "b"),
        // Users without a purchase have no purchase days: every comparison but
        // != is false for them.
        ("days_since_last_purchase >= 0", "a b"),
        ("days_since_last_purchase != 1", "b c d"),
    ]);
}

#[test]
fn properties_text_numbers_lists_and_missing_values() {
    check(&[
        (r#"country = "CN""#, "a d"),
        (r#"country != "CN""#, "b c"),
        (r#"country in ["US", "CN"]"#, "a b d"),
        (r#"country in ["FR"]"#, ""),
        (r#"`country` = "US""#, "b"),
        ("age >= 40", "b"),
        ("age < 40", "a"),
        ("age = 30", "a"),
        // A missing value or a cell that is not a number equals nothing.
        ("age != 30", "b c d"),
        ("age in [30, 45]", "a b"),
        (r#"age = "n/a""#, "d"),
        (r#"country = "C\"N""#, ""),
    ]);
}

#[test]
fn did_and_count_with_and_without_a_window() {
    check(&[
        (r#"did("purchase")"#, "a b"),
        (r#"did("add_to_cart", within = "7d")"#, "a d"),
        (r#"did("add_to_cart", within = "5d")"#, "a"),
        // Both ends of the window count: exactly 48 h before the data end is in.
        (r#"did("add_to_cart", within = "48h")"#, "a"),
        (r#"did("add_to_cart", within = "47h")"#, ""),
        (r#"did("add_to_cart", within = "6d")"#, "a d"),
        (r#"did("add_to_cart", within = "1d")"#, ""),
        (r#"did("add_to_cart") and not did("purchase")"#, "d"),
        (r#"count("purchase") >= 2"#, "b"),
        (r#"count("purchase", within = "6d") = 1"#, "a b"),
        (r#"count("page_view", within = "1d") = 1"#, "c"),
        (r#"count("page_view") in [0]"#, "b d"),
    ]);
}

#[test]
fn precedence_and_parentheses() {
    check(&[
        // and binds tighter than or.
        (r#"purchases >= 1 or events = 1 and country = "US""#, "a b"),
        (r#"(purchases >= 1 or events = 1) and country = "US""#, "b"),
        (
            r#"country = "US" and purchases >= 1 or events = 1"#,
            "b c d",
        ),
        (r#"country = "US" and (purchases >= 1 or events = 1)"#, "b"),
        // not binds tighter than and.
        ("not purchases >= 1 and events = 1", "c d"),
        ("not (purchases >= 1 and events = 2)", "a c d"),
        (r#"not not did("purchase")"#, "a b"),
        // Keywords in any case; the chain is left to right.
        ("events = 1 OR events = 2 Or events = 3", "a b c d"),
        ("events >= 1 AND purchases >= 1 and revenue > 15", "a"),
        ("((events = 2))", "b"),
    ]);
}

#[test]
fn as_of_cuts_every_metric() {
    let t = table();
    assert_eq!(
        members_as_of(&t, "purchases >= 2", Some("2024-03-04")),
        Vec::<String>::new()
    );
    // A date counts its whole day: b's second purchase at 10:00 is in.
    assert_eq!(
        members_as_of(&t, "purchases >= 2", Some("2024-03-05")),
        ["b"]
    );
    // Recency runs to the end of that day (the next midnight): 14 h.
    assert_eq!(
        members_as_of(
            &t,
            "days_since_last < 0.6 and days_since_last > 0.5",
            Some("2024-03-05")
        ),
        ["b"]
    );
    // Users with no event yet have no days and zero counts.
    assert_eq!(
        members_as_of(&t, "events = 0", Some("2024-03-01")),
        ["b", "c", "d"]
    );
    assert_eq!(
        members_as_of(
            &t,
            r#"did("add_to_cart", within = "1d")"#,
            Some("2024-03-04")
        ),
        ["d"]
    );
}

#[test]
fn columns_count_characters_not_bytes() {
    let (column, message) = error(r#"country = "中国" and x = 1"#);
    assert_eq!(column, 20);
    assert!(message.starts_with("unknown name 'x'"), "{message}");
}

#[test]
fn the_error_sentence_names_the_column() {
    let e = Rule::compile(&table(), "purchases >= ", &RuleOptions::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "bad segment rule, column 14: expected a value after '>=' (a number, or text in double quotes), found the end of the rule"
    );
}

#[test]
fn every_syntax_error_at_its_column() {
    let cases: &[(&str, usize, &str)] = &[
        (
            "",
            1,
            "the rule is empty (e.g. purchases >= 2 and days_since_last < 30)",
        ),
        (
            "   ",
            1,
            "the rule is empty (e.g. purchases >= 2 and days_since_last < 30)",
        ),
        (
            "purchases >= ",
            14,
            "expected a value after '>=' (a number, or text in double quotes), found the end of the rule",
        ),
        (
            "purchases = and",
            13,
            "expected a value after '=' (a number, or text in double quotes), found 'and'",
        ),
        (
            "purchases 2",
            11,
            "expected a comparison (=, !=, <, <=, >, >= or in) after 'purchases', found the number 2",
        ),
        (
            "`my col` 2",
            10,
            "expected a comparison (=, !=, <, <=, >, >= or in) after `my col`, found the number 2",
        ),
        (
            "purchases",
            10,
            "expected a comparison (=, !=, <, <=, >, >= or in) after 'purchases', found the end of the rule",
        ),
        (
            "purchases >= 2 purchases",
            16,
            "expected 'and', 'or' or the end of the rule, found 'purchases'",
        ),
        ("purchases >= 2)", 15, "this ')' has no '(' to close"),
        (
            "(purchases >= 2",
            16,
            "expected ')' to close the '(' at column 1, found the end of the rule",
        ),
        ("()", 2, "expected a condition inside '( )'"),
        ("purchases >= 2 and", 19, "expected a condition after 'and'"),
        ("purchases >= 2 or ", 19, "expected a condition after 'or'"),
        ("not", 4, "expected a condition after 'not'"),
        (
            "and purchases > 1",
            1,
            "expected a condition, found the word 'and'",
        ),
        (
            "purchases > 1 and or events > 1",
            19,
            "expected a condition, found the word 'or'",
        ),
        (
            ">= 2",
            1,
            "expected a condition (a name like purchases, did(…), 'not' or '('), found '>='",
        ),
        (
            "2 = purchases",
            1,
            "expected a condition (a name like purchases, did(…), 'not' or '('), found the number 2",
        ),
        (
            r#"foo("x")"#,
            1,
            "unknown function 'foo' (functions: did, count)",
        ),
        (
            "did(purchase)",
            5,
            "did(…) takes an event name in double quotes, like did(\"purchase\"), found 'purchase'",
        ),
        (
            "count() > 1",
            7,
            "count(…) takes an event name in double quotes, like count(\"purchase\"), found ')'",
        ),
        (
            r#"did("purchase" within = "7d")"#,
            16,
            "expected ',' or ')' after the event name, found 'within'",
        ),
        (
            r#"did("purchase", in = "7d")"#,
            17,
            "expected within = \"7d\" after the event name, found 'in'",
        ),
        (
            r#"did("purchase", within "7d")"#,
            24,
            "expected '=' after 'within', found the text \"7d\"",
        ),
        (
            r#"did("purchase", within = 7)"#,
            26,
            "within takes a duration in double quotes, like \"7d\", found the number 7",
        ),
        (
            r#"did("purchase", within = "7x")"#,
            26,
            "\"7x\" is not a duration: unknown unit \"x\" (use s, m, h, d or w, e.g. \"7d\")",
        ),
        (
            r#"did("purchase", within = "7d""#,
            30,
            "expected ')' to close did( at column 1, found the end of the rule",
        ),
        (
            r#"count("purchase") "x""#,
            19,
            "expected a comparison (=, !=, <, <=, >, >= or in) after count(…), found the text \"x\"",
        ),
        (
            r#"country in "CN""#,
            12,
            "expected '[' after 'in' (in [\"a\", \"b\"]), found the text \"CN\"",
        ),
        (
            "country in []",
            9,
            "the list after 'in' is empty: give at least one value",
        ),
        (
            r#"country in ["CN" "US"]"#,
            18,
            "expected ',' or ']' in the list, found the text \"US\"",
        ),
        (
            "country in [CN]",
            13,
            "expected a value in the list (a number, or text in double quotes), found 'CN'",
        ),
        (
            r#"country in ["CN","#,
            18,
            "expected a value in the list (a number, or text in double quotes), found the end of the rule",
        ),
        // The lexer's.
        (
            "country = 'CN'",
            11,
            "text goes in double quotes (\"CN\"), not single quotes",
        ),
        (
            r#"country = "CN"#,
            11,
            "this text is never closed with '\"'",
        ),
        (
            r#"country = "C\qN""#,
            13,
            "unknown escape '\\q' (use \\\", \\\\, \\n or \\t)",
        ),
        (
            "events > 1 & events < 3",
            12,
            "'&' is not an operator: write 'and'",
        ),
        (
            "events > 1 || events < 3",
            12,
            "'|' is not an operator: write 'or'",
        ),
        (
            "purchases ! 2",
            11,
            "'!' alone is not an operator: write 'not' or '!='",
        ),
        (
            r#"`country = "CN""#,
            1,
            "this name in backquotes is never closed with '`'",
        ),
        ("`` = 1", 1, "an empty name in backquotes"),
        (
            "purchases >= 7d",
            14,
            "7d is not a number; a duration goes in quotes (within = \"7d\")",
        ),
        ("purchases >= 1.2.3", 14, "1.2.3 is not a number"),
        ("purchases = #", 13, "unexpected character '#'"),
    ];
    for (rule, column, message) in cases {
        assert_eq!(error(rule), (*column, message.to_string()), "rule: {rule}");
    }
}

#[test]
fn every_name_and_type_error_at_its_column() {
    let events = "\"purchase\", \"add_to_cart\", \"page_view\"";
    let cases: Vec<(&str, usize, String)> = vec![
        ("purchse >= 2", 1, "unknown name 'purchse' (metrics: events, purchases, revenue, days_since_first, days_since_last, days_since_first_purchase, days_since_last_purchase; properties: country, age)".into()),
        ("events > 1 and Country = 1", 16, "unknown name 'Country' (metrics: events, purchases, revenue, days_since_first, days_since_last, days_since_first_purchase, days_since_last_purchase; properties: country, age)".into()),
        (r#"purchases = "2""#, 13, "purchases is a number: compare it with a number, not the text \"2\"".into()),
        (r#"revenue in [1, "x"]"#, 16, "revenue is a number: compare it with a number, not the text \"x\"".into()),
        (r#"count("purchase") = "x""#, 21, "count(…) is a number: compare it with a number, not the text \"x\"".into()),
        (r#"count("purchase") in ["x"]"#, 23, "count(…) is a number: compare it with a number, not the text \"x\"".into()),
        (r#"country < "CN""#, 9, "'<' compares numbers, and \"CN\" is text: compare country with = or !=, or with a number".into()),
        (r#"country >= "CN""#, 9, "'>=' compares numbers, and \"CN\" is text: compare country with = or !=, or with a number".into()),
        (r#"did("checkout")"#, 5, format!("no event \"checkout\" in the data (events: {events})")),
        (r#"events > 0 and count("Purchase") > 1"#, 22, format!("no event \"Purchase\" in the data (events: {events})")),
    ];
    for (rule, column, message) in cases {
        assert_eq!(error(rule), (column, message), "rule: {rule}");
    }
}

#[test]
fn a_purchase_metric_without_a_purchase_event_is_an_error_at_it() {
    let mut b = TableBuilder::new(false, &[]);
    b.push("a", at("2024-03-01T10:00:00Z"), "page_view", None, &[]);
    b.push("b", at("2024-03-02T10:00:00Z"), "signup", None, &[]);
    let t = b.build(TableMeta::synthetic("t.csv"));
    // Metrics that do not need it still work.
    assert_eq!(members(&t, "events = 1"), ["a", "b"]);
    let (column, message) = error_in(&t, "events = 1 and purchases > 0");
    assert_eq!(column, 16);
    assert!(
        message.starts_with("this metric needs the purchase event, and "),
        "{message}"
    );
    assert!(message.contains("\"page_view\""), "{message}");
    // A named purchase event makes it work.
    let r = Rule::compile(
        &t,
        "purchases > 0",
        &RuleOptions {
            as_of: None,
            purchase_event: Some(tidemark::spec::EventSpec::Name("signup".into())),
        },
    )
    .unwrap();
    assert_eq!(r.mask(&t), [false, true]);
}

#[test]
fn a_bad_as_of_is_a_spec_error() {
    let e = Rule::compile(
        &table(),
        "events > 0",
        &RuleOptions {
            as_of: Some("yesterday".into()),
            purchase_event: None,
        },
    )
    .unwrap_err();
    assert!(
        e.to_string().starts_with("bad spec: segment \"as_of\": "),
        "{e}"
    );
}

// ------------------------------------------------------------------ naive reference

mod naive {
    //! Random rules on random logs, evaluated by the engine and by a naive
    //! evaluator written from the definitions in `docs/segments.md`.

    use super::*;
    use proptest::prelude::*;

    /// user, second of the log, event index, revenue cents, country index.
    pub type Ev = (u8, u32, u8, u16, u8);
    const EVENTS: [&str; 3] = ["page_view", "add_to_cart", "purchase"];
    const COUNTRIES: [&str; 4] = ["CN", "US", "FR", ""];
    const DAY: f64 = 86_400_000.0;
    const T0: i64 = 1_704_067_200_000;

    #[derive(Debug, Clone)]
    pub enum R {
        Metric(&'static str, &'static str, f64),
        Country(&'static str, usize),
        CountryIn(Vec<usize>),
        Did(usize, Option<u32>),
        Count(usize, Option<u32>, &'static str, u32),
        And(Box<R>, Box<R>),
        Or(Box<R>, Box<R>),
        Not(Box<R>),
    }

    fn op_name() -> impl Strategy<Value = &'static str> {
        prop_oneof![
            Just("="),
            Just("!="),
            Just("<"),
            Just("<="),
            Just(">"),
            Just(">=")
        ]
    }

    pub fn arb_rule() -> impl Strategy<Value = R> {
        let metric = prop_oneof![
            Just("events"),
            Just("purchases"),
            Just("revenue"),
            Just("days_since_first"),
            Just("days_since_last"),
            Just("days_since_first_purchase"),
            Just("days_since_last_purchase"),
        ];
        let atom = prop_oneof![
            (metric, op_name(), 0..12u32).prop_map(|(m, o, v)| R::Metric(m, o, f64::from(v))),
            (prop_oneof![Just("="), Just("!=")], 0..4usize).prop_map(|(o, c)| R::Country(o, c)),
            prop::collection::vec(0..4usize, 1..3).prop_map(R::CountryIn),
            (0..3usize, proptest::option::of(1..10u32)).prop_map(|(e, d)| R::Did(e, d)),
            (
                0..3usize,
                proptest::option::of(1..10u32),
                op_name(),
                0..4u32
            )
                .prop_map(|(e, d, o, n)| R::Count(e, d, o, n)),
        ];
        atom.prop_recursive(3, 12, 2, |inner| {
            prop_oneof![
                (inner.clone(), inner.clone()).prop_map(|(a, b)| R::And(Box::new(a), Box::new(b))),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| R::Or(Box::new(a), Box::new(b))),
                inner.prop_map(|a| R::Not(Box::new(a))),
            ]
        })
    }

    fn within(d: Option<u32>) -> String {
        d.map_or(String::new(), |d| format!(", within = \"{d}d\""))
    }

    /// The rule's text, every compound in parentheses.
    pub fn text(r: &R) -> String {
        match r {
            R::Metric(m, o, v) => format!("{m} {o} {v}"),
            R::Country(o, c) => format!("country {o} \"{}\"", COUNTRIES[*c]),
            R::CountryIn(cs) => format!(
                "country in [{}]",
                cs.iter()
                    .map(|c| format!("\"{}\"", COUNTRIES[*c]))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            R::Did(e, d) => format!("did(\"{}\"{})", EVENTS[*e], within(*d)),
            R::Count(e, d, o, n) => format!("count(\"{}\"{}) {o} {n}", EVENTS[*e], within(*d)),
            R::And(a, b) => format!("({}) and ({})", text(a), text(b)),
            R::Or(a, b) => format!("({}) or ({})", text(a), text(b)),
            R::Not(a) => format!("not ({})", text(a)),
        }
    }

    fn cmp(o: &str, a: f64, b: f64) -> bool {
        match o {
            "=" => a == b,
            "!=" => a != b,
            "<" => a < b,
            "<=" => a <= b,
            ">" => a > b,
            _ => a >= b,
        }
    }

    /// One user's events in (time, input) order, and the data end.
    pub struct User<'a> {
        pub events: Vec<&'a Ev>,
        pub end: i64,
    }

    fn time(e: &Ev) -> i64 {
        T0 + i64::from(e.1) * 1000
    }

    fn metric(u: &User, m: &str) -> f64 {
        let days = |t: Option<i64>| t.map_or(f64::NAN, |t| (u.end - t) as f64 / DAY);
        let purchases: Vec<&&Ev> = u.events.iter().filter(|e| e.2 == 2).collect();
        match m {
            "events" => u.events.len() as f64,
            "purchases" => purchases.len() as f64,
            "revenue" => u
                .events
                .iter()
                .filter(|e| e.2 == 2)
                .fold(0.0, |s, e| s + f64::from(e.3) / 100.0),
            "days_since_first" => days(u.events.first().map(|e| time(e))),
            "days_since_last" => days(u.events.last().map(|e| time(e))),
            "days_since_first_purchase" => days(purchases.first().map(|e| time(e))),
            _ => days(purchases.last().map(|e| time(e))),
        }
    }

    fn count(u: &User, e: usize, d: Option<u32>) -> f64 {
        let since = d.map_or(i64::MIN, |d| u.end - i64::from(d) * 86_400_000);
        u.events
            .iter()
            .filter(|x| x.2 as usize == e && time(x) >= since)
            .count() as f64
    }

    fn country(u: &User) -> Option<usize> {
        u.events
            .iter()
            .rev()
            .map(|e| e.4 as usize % 4)
            .find(|&c| !COUNTRIES[c].is_empty())
    }

    pub fn eval(r: &R, u: &User) -> bool {
        match r {
            R::Metric(m, o, v) => cmp(o, metric(u, m), *v),
            R::Country(o, c) => {
                // An empty literal matches no value (cells are never empty).
                let equal = country(u).is_some_and(|x| x == *c);
                if *o == "=" { equal } else { !equal }
            }
            R::CountryIn(cs) => country(u).is_some_and(|x| cs.contains(&x)),
            R::Did(e, d) => count(u, *e, *d) > 0.0,
            R::Count(e, d, o, n) => cmp(o, count(u, *e, *d), f64::from(*n)),
            R::And(a, b) => eval(a, u) && eval(b, u),
            R::Or(a, b) => eval(a, u) || eval(b, u),
            R::Not(a) => !eval(a, u),
        }
    }

    pub fn build(events: &[Ev]) -> EventTable {
        let props = [("country".to_string(), Role::Property)];
        let mut b = TableBuilder::new(true, &props);
        for e in events {
            let ev = EVENTS[e.2 as usize];
            let revenue = (ev == "purchase").then(|| f64::from(e.3) / 100.0);
            let c = COUNTRIES[e.4 as usize % 4];
            b.push(
                &format!("u{}", e.0),
                time(e),
                ev,
                revenue,
                &[(!c.is_empty()).then_some(c)],
            );
        }
        b.build(TableMeta::synthetic("t.csv"))
    }

    pub fn users(events: &[Ev]) -> Vec<(String, User<'_>)> {
        let end = events.iter().map(time).max().unwrap_or(0);
        let mut ids: Vec<u8> = events.iter().map(|e| e.0).collect();
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter()
            .map(|id| {
                let mut evs: Vec<(usize, &Ev)> = events
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| e.0 == id)
                    .collect();
                evs.sort_by_key(|(i, e)| (time(e), *i));
                (
                    format!("u{id}"),
                    User {
                        events: evs.into_iter().map(|(_, e)| e).collect(),
                        end,
                    },
                )
            })
            .collect()
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 1000,
        failure_persistence: None,
        ..proptest::prelude::ProptestConfig::default()
    })]

    #[test]
    fn random_rules_match_a_naive_evaluator(
        events in proptest::collection::vec((0..10u8, 0..(20 * 86_400u32), 0..3u8, 1..5_000u16, 0..4u8), 1..60),
        rule in naive::arb_rule(),
    ) {
        let table = naive::build(&events);
        let text = naive::text(&rule);
        let compiled = Rule::compile(&table, &text, &RuleOptions::default());
        let compiled = match compiled {
            Ok(c) => c,
            // An event of the rule that no row has, or no purchase event at all.
            Err(e) => {
                let m = e.to_string();
                proptest::prop_assert!(m.contains("no event") || m.contains("needs the purchase event"), "{text}: {m}");
                return Ok(());
            }
        };
        let mask = compiled.mask(&table);
        for (id, user) in naive::users(&events) {
            let key = table.user_key(&id).unwrap() as usize;
            proptest::prop_assert_eq!(mask[key], naive::eval(&rule, &user), "{} for {}", text, id);
        }
    }
}
