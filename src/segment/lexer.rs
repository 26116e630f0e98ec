//! The rule lexer: text → tokens, each with the 1-based column (in characters)
//! where it starts, so every parse error can point at the mistake.

use super::RuleError;

/// What a token is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// A name: a metric, a property, a function or a keyword (`and`, `or`, `not`,
    /// `in`, `within`); bare (`plan`) or in backquotes (`` `signup source` ``).
    Ident(String),
    /// True for a backquoted name (never a keyword).
    Quoted(String),
    /// A number (`2`, `30.5`, `-1`).
    Number(f64),
    /// Text in double quotes, escapes resolved.
    Text(String),
    /// `=`, `!=`, `<`, `<=`, `>`, `>=`.
    Op(&'static str),
    /// `(`.
    Open,
    /// `)`.
    Close,
    /// `[`.
    OpenList,
    /// `]`.
    CloseList,
    /// `,`.
    Comma,
    /// The end of the rule.
    End,
}

impl Tok {
    /// How the token reads in a message.
    pub(crate) fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("'{s}'"),
            Tok::Quoted(s) => format!("`{s}`"),
            Tok::Number(n) => format!("the number {n}"),
            Tok::Text(s) => format!("the text \"{s}\""),
            Tok::Op(o) => format!("'{o}'"),
            Tok::Open => "'('".into(),
            Tok::Close => "')'".into(),
            Tok::OpenList => "'['".into(),
            Tok::CloseList => "']'".into(),
            Tok::Comma => "','".into(),
            Tok::End => "the end of the rule".into(),
        }
    }
}

/// A token and its 1-based column.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub column: usize,
}

/// Splits a rule into tokens, ending with [`Tok::End`] (its column is one past the
/// last character).
pub(crate) fn tokens(text: &str) -> Result<Vec<Token>, RuleError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let column = i + 1;
        let at = |tok| Token { tok, column };
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        match c {
            '(' => out.push(at(Tok::Open)),
            ')' => out.push(at(Tok::Close)),
            '[' => out.push(at(Tok::OpenList)),
            ']' => out.push(at(Tok::CloseList)),
            ',' => out.push(at(Tok::Comma)),
            '=' => {
                // `==` reads as `=`.
                if chars.get(i + 1) == Some(&'=') {
                    i += 1;
                }
                out.push(at(Tok::Op("=")));
            }
            '!' | '<' | '>' => {
                let eq = chars.get(i + 1) == Some(&'=');
                let op = match (c, eq) {
                    ('!', true) => "!=",
                    ('<', true) => "<=",
                    ('>', true) => ">=",
                    ('<', false) if chars.get(i + 1) == Some(&'>') => {
                        i += 1;
                        "!="
                    }
                    ('<', false) => "<",
                    ('>', false) => ">",
                    _ => {
                        return Err(RuleError::new(
                            column,
                            "'!' alone is not an operator: write 'not' or '!='",
                        ));
                    }
                };
                if eq {
                    i += 1;
                }
                out.push(at(Tok::Op(op)));
            }
            '"' => {
                let (s, next) = text_literal(&chars, i)?;
                out.push(at(Tok::Text(s)));
                i = next;
                continue;
            }
            '`' => {
                let end = chars[i + 1..]
                    .iter()
                    .position(|&c| c == '`')
                    .ok_or_else(|| {
                        RuleError::new(column, "this name in backquotes is never closed with '`'")
                    })?;
                let name: String = chars[i + 1..i + 1 + end].iter().collect();
                if name.is_empty() {
                    return Err(RuleError::new(column, "an empty name in backquotes"));
                }
                out.push(at(Tok::Quoted(name)));
                i += end + 2;
                continue;
            }
            c if c.is_ascii_digit() || c == '.' || c == '-' => {
                let start = i;
                i += 1;
                while i < chars.len()
                    && (chars[i].is_ascii_digit()
                        || chars[i] == '.'
                        || chars[i] == '_'
                        || ((chars[i] == 'e' || chars[i] == 'E')
                            && chars
                                .get(i + 1)
                                .is_some_and(|d| d.is_ascii_digit() || *d == '-')))
                {
                    if chars[i] == 'e' || chars[i] == 'E' {
                        i += 1;
                    }
                    i += 1;
                }
                let word: String = chars[start..i].iter().filter(|&&c| c != '_').collect();
                if chars.get(i).is_some_and(|c| c.is_alphabetic()) {
                    let mut j = i;
                    while j < chars.len() && chars[j].is_alphanumeric() {
                        j += 1;
                    }
                    let all: String = chars[start..j].iter().collect();
                    return Err(RuleError::new(
                        column,
                        format!(
                            "{all} is not a number; a duration goes in quotes (within = \"{all}\")"
                        ),
                    ));
                }
                let n: f64 = word
                    .parse()
                    .ok()
                    .filter(|n: &f64| n.is_finite())
                    .ok_or_else(|| RuleError::new(column, format!("{word} is not a number")))?;
                out.push(at(Tok::Number(n)));
                continue;
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '.')
                {
                    i += 1;
                }
                out.push(at(Tok::Ident(chars[start..i].iter().collect())));
                continue;
            }
            '\'' => {
                return Err(RuleError::new(
                    column,
                    "text goes in double quotes (\"CN\"), not single quotes",
                ));
            }
            '&' | '|' => {
                let word = if c == '&' { "and" } else { "or" };
                return Err(RuleError::new(
                    column,
                    format!("'{c}' is not an operator: write '{word}'"),
                ));
            }
            other => {
                return Err(RuleError::new(
                    column,
                    format!("unexpected character '{other}'"),
                ));
            }
        }
        i += 1;
    }
    out.push(Token {
        tok: Tok::End,
        column: chars.len() + 1,
    });
    Ok(out)
}

/// A double-quoted text starting at `chars[start]`; escapes `\"`, `\\`, `\n`,
/// `\t`. Returns the text and the index after the closing quote.
fn text_literal(chars: &[char], start: usize) -> Result<(String, usize), RuleError> {
    let mut s = String::new();
    let mut i = start + 1;
    while i < chars.len() {
        match chars[i] {
            '"' => return Ok((s, i + 1)),
            '\\' => {
                let c = match chars.get(i + 1) {
                    Some('"') => '"',
                    Some('\\') => '\\',
                    Some('n') => '\n',
                    Some('t') => '\t',
                    Some(other) => {
                        return Err(RuleError::new(
                            i + 1,
                            format!("unknown escape '\\{other}' (use \\\", \\\\, \\n or \\t)"),
                        ));
                    }
                    None => break,
                };
                s.push(c);
                i += 2;
            }
            c => {
                s.push(c);
                i += 1;
            }
        }
    }
    Err(RuleError::new(
        start + 1,
        "this text is never closed with '\"'",
    ))
}
