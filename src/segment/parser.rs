//! The rule parser: tokens → a syntax tree, by recursive descent with the
//! precedence `or` < `and` < `not` < comparison (the grammar is in
//! `docs/segments.md`). Names are not resolved here (see `eval.rs`): this layer
//! only knows the shape of a rule.

use super::RuleError;
use super::lexer::{Tok, Token, tokens};
use crate::spec::Duration;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    fn of(op: &str) -> Option<CmpOp> {
        Some(match op {
            "=" => CmpOp::Eq,
            "!=" => CmpOp::Ne,
            "<" => CmpOp::Lt,
            "<=" => CmpOp::Le,
            ">" => CmpOp::Gt,
            ">=" => CmpOp::Ge,
            _ => return None,
        })
    }
    /// The operator as written.
    pub(crate) fn text(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
    /// True for `<`, `<=`, `>`, `>=`.
    pub(crate) fn is_order(self) -> bool {
        !matches!(self, CmpOp::Eq | CmpOp::Ne)
    }
    /// Applies the operator to two ordered values.
    pub(crate) fn holds<T: PartialOrd>(self, a: T, b: T) -> bool {
        match self {
            CmpOp::Eq => a == b,
            CmpOp::Ne => a != b,
            CmpOp::Lt => a < b,
            CmpOp::Le => a <= b,
            CmpOp::Gt => a > b,
            CmpOp::Ge => a >= b,
        }
    }
}

/// A literal on the right of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Literal {
    Number(f64),
    Text(String),
}

impl Literal {
    pub(crate) fn describe(&self) -> String {
        match self {
            Literal::Number(n) => format!("the number {n}"),
            Literal::Text(t) => format!("the text \"{t}\""),
        }
    }
}

/// An event named in `did(…)` or `count(…)`, with its optional window.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EventCall {
    pub event: String,
    /// Column of the event name.
    pub event_column: usize,
    pub within: Option<Duration>,
}

/// What a comparison compares: a named value or `count("event", within = …)`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Operand {
    Name { name: String, column: usize },
    Count(EventCall),
}

/// The syntax tree of a rule.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    /// Two or more conditions, any of which holds (a chain is one node, so a long
    /// rule is a wide tree, not a deep one).
    Or(Vec<Expr>),
    /// Two or more conditions that all hold.
    And(Vec<Expr>),
    Not(Box<Expr>),
    /// `operand op literal`; `column` is the operator's, `value_column` the literal's.
    Compare {
        left: Operand,
        op: CmpOp,
        column: usize,
        value: Literal,
        value_column: usize,
    },
    /// `operand in [literal, …]`; each literal with its column.
    In {
        left: Operand,
        values: Vec<(Literal, usize)>,
    },
    /// `did("event", within = "7d")`.
    Did(EventCall),
}

/// Parses a rule's text.
pub(crate) fn parse(text: &str) -> Result<Expr, RuleError> {
    let toks = tokens(text)?;
    let mut p = Parser {
        toks,
        at: 0,
        depth: 0,
    };
    if p.peek().tok == Tok::End {
        return Err(RuleError::new(
            1,
            "the rule is empty (e.g. purchases >= 2 and days_since_last < 30)",
        ));
    }
    let e = p.or()?;
    let t = p.peek();
    if t.tok != Tok::End {
        let msg = if t.tok == Tok::Close {
            "this ')' has no '(' to close".to_string()
        } else {
            format!(
                "expected 'and', 'or' or the end of the rule, found {}",
                t.tok.describe()
            )
        };
        return Err(RuleError::new(t.column, msg));
    }
    Ok(e)
}

/// How deeply `(` and `not` may nest: the parser, the compiler and the evaluator
/// recurse once per level, and a deeper rule would overflow the stack (1 MiB in
/// the browser's worker) instead of being refused.
pub(crate) const MAX_DEPTH: usize = 100;

struct Parser {
    toks: Vec<Token>,
    at: usize,
    /// `(` and `not` open around the current token.
    depth: usize,
}

fn is_word(tok: &Tok, word: &str) -> bool {
    matches!(tok, Tok::Ident(s) if s.eq_ignore_ascii_case(word))
}

/// Words that cannot be names.
const KEYWORDS: [&str; 5] = ["and", "or", "not", "in", "within"];

impl Parser {
    fn peek(&self) -> &Token {
        // The last token is always `End`.
        &self.toks[self.at.min(self.toks.len() - 1)]
    }
    fn next(&mut self) -> Token {
        let t = self.peek().clone();
        if self.at < self.toks.len() - 1 {
            self.at += 1;
        }
        t
    }

    fn or(&mut self) -> Result<Expr, RuleError> {
        let mut all = vec![self.and()?];
        while is_word(&self.peek().tok, "or") {
            self.next();
            all.push(self.operand_after("or", Self::and)?);
        }
        Ok(one_or(all, Expr::Or))
    }

    fn and(&mut self) -> Result<Expr, RuleError> {
        let mut all = vec![self.not()?];
        while is_word(&self.peek().tok, "and") {
            self.next();
            all.push(self.operand_after("and", Self::not)?);
        }
        Ok(one_or(all, Expr::And))
    }

    /// Enters a `(` or `not` at `column`, refusing a rule nested too deeply.
    fn enter(&mut self, column: usize, what: &str) -> Result<(), RuleError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(RuleError::new(
                column,
                format!(
                    "this {what} nests the rule more than {MAX_DEPTH} levels deep ('(' and 'not' inside each other)"
                ),
            ));
        }
        Ok(())
    }

    /// Parses the right side of `word`, with a message naming it when nothing follows.
    fn operand_after(
        &mut self,
        word: &str,
        f: fn(&mut Self) -> Result<Expr, RuleError>,
    ) -> Result<Expr, RuleError> {
        let t = self.peek().clone();
        if t.tok == Tok::End {
            return Err(RuleError::new(
                t.column,
                format!("expected a condition after '{word}'"),
            ));
        }
        f(self)
    }

    fn not(&mut self) -> Result<Expr, RuleError> {
        if is_word(&self.peek().tok, "not") {
            let t = self.next();
            self.enter(t.column, "'not'")?;
            let inner = self.operand_after("not", Self::not)?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, RuleError> {
        let t = self.next();
        match &t.tok {
            Tok::Open => {
                self.enter(t.column, "'('")?;
                if self.peek().tok == Tok::Close {
                    return Err(RuleError::new(
                        self.peek().column,
                        "expected a condition inside '( )'",
                    ));
                }
                let e = self.or()?;
                let close = self.next();
                if close.tok != Tok::Close {
                    return Err(RuleError::new(
                        close.column,
                        format!(
                            "expected ')' to close the '(' at column {}, found {}",
                            t.column,
                            close.tok.describe()
                        ),
                    ));
                }
                self.depth -= 1;
                Ok(e)
            }
            Tok::Ident(name) if self.peek().tok == Tok::Open => {
                let lower = name.to_ascii_lowercase();
                match lower.as_str() {
                    "did" => Ok(Expr::Did(self.call(name, t.column)?)),
                    "count" => {
                        let call = self.call(name, t.column)?;
                        self.comparison(Operand::Count(call), "count(…)")
                    }
                    _ => Err(RuleError::new(
                        t.column,
                        format!("unknown function '{name}' (functions: did, count)"),
                    )),
                }
            }
            Tok::Ident(name) if KEYWORDS.iter().any(|k| name.eq_ignore_ascii_case(k)) => {
                Err(RuleError::new(
                    t.column,
                    format!("expected a condition, found the word '{name}'"),
                ))
            }
            Tok::Ident(name) | Tok::Quoted(name) => {
                let left = Operand::Name {
                    name: name.clone(),
                    column: t.column,
                };
                let shown = match &t.tok {
                    Tok::Quoted(_) => format!("`{name}`"),
                    _ => format!("'{name}'"),
                };
                self.comparison(left, &shown)
            }
            Tok::End => Err(RuleError::new(
                t.column,
                "expected a condition, found the end of the rule",
            )),
            other => Err(RuleError::new(
                t.column,
                format!(
                    "expected a condition (a name like purchases, did(…), 'not' or '('), found {}",
                    other.describe()
                ),
            )),
        }
    }

    /// `op literal` or `in [literal, …]` after `left` (shown as `shown`).
    fn comparison(&mut self, left: Operand, shown: &str) -> Result<Expr, RuleError> {
        let t = self.next();
        if is_word(&t.tok, "in") {
            return self.list(left, t.column);
        }
        let Tok::Op(op) = t.tok else {
            return Err(RuleError::new(
                t.column,
                format!(
                    "expected a comparison (=, !=, <, <=, >, >= or in) after {shown}, found {}",
                    t.tok.describe()
                ),
            ));
        };
        let op = CmpOp::of(op).ok_or_else(|| RuleError::new(t.column, "unknown operator"))?;
        let v = self.next();
        let value = literal(&v.tok).ok_or_else(|| {
            RuleError::new(
                v.column,
                format!(
                    "expected a value after '{}' (a number, or text in double quotes), found {}",
                    op.text(),
                    v.tok.describe()
                ),
            )
        })?;
        Ok(Expr::Compare {
            left,
            op,
            column: t.column,
            value,
            value_column: v.column,
        })
    }

    /// `[literal, …]` after `in` (at column `in_column`).
    fn list(&mut self, left: Operand, in_column: usize) -> Result<Expr, RuleError> {
        let open = self.next();
        if open.tok != Tok::OpenList {
            return Err(RuleError::new(
                open.column,
                format!(
                    "expected '[' after 'in' (in [\"a\", \"b\"]), found {}",
                    open.tok.describe()
                ),
            ));
        }
        let mut values = Vec::new();
        loop {
            let v = self.next();
            if v.tok == Tok::CloseList && values.is_empty() {
                return Err(RuleError::new(
                    in_column,
                    "the list after 'in' is empty: give at least one value",
                ));
            }
            let lit = literal(&v.tok).ok_or_else(|| {
                RuleError::new(
                    v.column,
                    format!(
                        "expected a value in the list (a number, or text in double quotes), found {}",
                        v.tok.describe()
                    ),
                )
            })?;
            values.push((lit, v.column));
            let sep = self.next();
            match sep.tok {
                Tok::Comma => continue,
                Tok::CloseList => break,
                other => {
                    return Err(RuleError::new(
                        sep.column,
                        format!(
                            "expected ',' or ']' in the list, found {}",
                            other.describe()
                        ),
                    ));
                }
            }
        }
        Ok(Expr::In { left, values })
    }

    /// `("event" [, within = "7d"])` after a function name.
    fn call(&mut self, name: &str, column: usize) -> Result<EventCall, RuleError> {
        self.next(); // '('
        let ev = self.next();
        let Tok::Text(event) = ev.tok else {
            return Err(RuleError::new(
                ev.column,
                format!(
                    "{name}(…) takes an event name in double quotes, like {name}(\"purchase\"), found {}",
                    ev.tok.describe()
                ),
            ));
        };
        let mut within = None;
        let sep = self.next();
        match sep.tok {
            Tok::Close => {}
            Tok::Comma => {
                let w = self.next();
                if !is_word(&w.tok, "within") {
                    return Err(RuleError::new(
                        w.column,
                        format!(
                            "expected within = \"7d\" after the event name, found {}",
                            w.tok.describe()
                        ),
                    ));
                }
                let eq = self.next();
                if eq.tok != Tok::Op("=") {
                    return Err(RuleError::new(
                        eq.column,
                        format!("expected '=' after 'within', found {}", eq.tok.describe()),
                    ));
                }
                let d = self.next();
                let Tok::Text(text) = &d.tok else {
                    return Err(RuleError::new(
                        d.column,
                        format!(
                            "within takes a duration in double quotes, like \"7d\", found {}",
                            d.tok.describe()
                        ),
                    ));
                };
                within = Some(Duration::parse(text).map_err(|e| RuleError::new(d.column, e))?);
                let close = self.next();
                if close.tok != Tok::Close {
                    return Err(RuleError::new(
                        close.column,
                        format!(
                            "expected ')' to close {name}( at column {column}, found {}",
                            close.tok.describe()
                        ),
                    ));
                }
            }
            other => {
                return Err(RuleError::new(
                    sep.column,
                    format!(
                        "expected ',' or ')' after the event name, found {}",
                        other.describe()
                    ),
                ));
            }
        }
        Ok(EventCall {
            event,
            event_column: ev.column,
            within,
        })
    }
}

/// The only condition of a chain, or the chain of two or more.
fn one_or(all: Vec<Expr>, chain: fn(Vec<Expr>) -> Expr) -> Expr {
    match <[Expr; 1]>::try_from(all) {
        Ok([only]) => only,
        Err(all) => chain(all),
    }
}

fn literal(tok: &Tok) -> Option<Literal> {
    match tok {
        Tok::Number(n) => Some(Literal::Number(*n)),
        Tok::Text(t) => Some(Literal::Text(t.clone())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` conditions nested in `(` … `)`, or behind `not`s.
    fn nested(n: usize) -> String {
        format!("{}events > 1{}", "(".repeat(n), ")".repeat(n))
    }

    #[test]
    fn nesting_is_refused_past_the_limit_at_the_first_level_too_deep() {
        assert!(parse(&nested(MAX_DEPTH)).is_ok());
        let e = parse(&nested(MAX_DEPTH + 1)).unwrap_err();
        assert_eq!(e.column, MAX_DEPTH + 1);
        assert!(
            e.message
                .starts_with("this '(' nests the rule more than 100 levels deep")
        );
        assert!(parse(&"not ".repeat(MAX_DEPTH)).is_err()); // nothing after the last not
        assert!(parse(&format!("{}events > 1", "not ".repeat(MAX_DEPTH))).is_ok());
        let e = parse(&format!("{}events > 1", "not ".repeat(MAX_DEPTH + 1))).unwrap_err();
        assert_eq!(e.column, 4 * MAX_DEPTH + 1);
        assert!(e.message.starts_with("this 'not' nests"), "{}", e.message);
        // Depth is nesting, not count: side by side groups are fine.
        let wide = vec![nested(MAX_DEPTH); 3].join(" or ");
        assert!(parse(&wide).is_ok());
        // The fuzz target's overflow (a SIGSEGV on ~5,000 '(').
        assert!(parse(&nested(5000)).is_err());
    }

    #[test]
    fn a_chain_is_one_wide_node() {
        let n = 20_000;
        let chain = vec!["events > 1"; n].join(" and ");
        let Ok(Expr::And(all)) = parse(&chain) else {
            panic!("not an and-chain");
        };
        assert_eq!(all.len(), n);
        // and binds tighter than or: a or b and c or d = Or[a, And[b, c], d].
        let Ok(Expr::Or(parts)) = parse("a = 1 or b = 1 and c = 1 or d = 1") else {
            panic!("not an or-chain");
        };
        assert_eq!(parts.len(), 3);
        assert!(matches!(&parts[1], Expr::And(x) if x.len() == 2));
        assert!(matches!(&parts[0], Expr::Compare { .. }));
    }
}
