//! A rule compiled against a table: names resolved (metrics, then user
//! attributes, then event properties), types checked, each mistake reported at
//! its column; then the per-user values computed once (`metrics.rs`) and the rule
//! evaluated per user into a [`Mask`].
//!
//! Missing values (a user without purchases has no `days_since_last_purchase`,
//! a user without a value of a property): every comparison is false except `!=`,
//! which is true (a missing value equals nothing); `in` is false.

use super::metrics::{Call, METRICS, Metric, UserMetrics};
use super::parser::{CmpOp, EventCall, Expr, Literal, Operand, parse};
use super::{Mask, RuleError};
use crate::analysis::repurchase::guess;
use crate::analysis::segments::buyers::AsOf;
use crate::analysis::select::{Selector, event_list};
use crate::error::{Error, ErrorKind, Result};
use crate::spec::EventSpec;
use crate::table::{Dict, EventTable, PropertyColumn};

/// What a rule needs besides its text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleOptions {
    /// The analysis date (as RFM's `as_of`); `None` = the last event time.
    pub as_of: Option<String>,
    /// The purchase event for `purchases` and the `*_purchase` metrics; `None` =
    /// guessed (as repeat purchase does).
    pub purchase_event: Option<EventSpec>,
}

/// Where a property's per-user value comes from.
#[derive(Debug, Clone, Copy)]
enum Source {
    /// The i-th referenced event property (last value per user).
    Event(usize),
    /// The i-th column of the user attributes.
    Attribute(usize),
}

/// A compiled rule node.
#[derive(Debug, Clone)]
enum Node {
    /// Everyone (the metrics of a segment that is not a rule).
    All,
    /// Any of two or more.
    Or(Vec<Node>),
    /// All of two or more.
    And(Vec<Node>),
    Not(Box<Node>),
    Metric {
        metric: Metric,
        op: CmpOp,
        value: f64,
    },
    MetricIn {
        metric: Metric,
        values: Vec<f64>,
    },
    Count {
        call: usize,
        op: CmpOp,
        value: f64,
    },
    CountIn {
        call: usize,
        values: Vec<f64>,
    },
    Did {
        call: usize,
    },
    /// Per value key, whether it passes; `missing` for a user without a value.
    Prop {
        source: Source,
        accept: Vec<bool>,
        missing: bool,
    },
}

/// A rule ready to evaluate: its values are computed.
#[derive(Debug, Clone)]
pub struct Rule {
    text: String,
    node: Node,
    metrics: UserMetrics,
    as_of: Option<AsOf>,
    purchase_label: Option<String>,
}

/// Turns a rule error into the core error.
fn bad(e: RuleError) -> Error {
    Error::new(ErrorKind::BadRule {
        column: e.column,
        message: e.message,
    })
}

/// Collects what a syntax tree references while compiling it.
struct Resolver<'t> {
    table: &'t EventTable,
    calls: Vec<Call>,
    props: Vec<&'t PropertyColumn>,
    needs_purchases: Option<usize>,
}

impl<'t> Resolver<'t> {
    fn call(&mut self, c: &EventCall) -> std::result::Result<usize, RuleError> {
        let event = self.table.event_key(&c.event).ok_or_else(|| {
            RuleError::new(
                c.event_column,
                format!(
                    "no event \"{}\" in the data (events: {})",
                    c.event,
                    event_list(self.table)
                ),
            )
        })?;
        let call = Call {
            event,
            within_ms: c.within.map(|d| d.millis),
        };
        Ok(match self.calls.iter().position(|x| *x == call) {
            Some(i) => i,
            None => {
                self.calls.push(call);
                self.calls.len() - 1
            }
        })
    }

    /// A property by name: a user attribute first, then an event property.
    fn property(&mut self, name: &str) -> Option<(Source, &'t Dict)> {
        if let Some(attrs) = self.table.attributes()
            && let Some(i) = attrs.columns().iter().position(|c| c.name() == name)
        {
            return Some((Source::Attribute(i), attrs.columns()[i].dictionary()));
        }
        let col = self.table.property(name)?;
        let i = match self.props.iter().position(|p| std::ptr::eq(*p, col)) {
            Some(i) => i,
            None => {
                self.props.push(col);
                self.props.len() - 1
            }
        };
        Some((Source::Event(i), col.dictionary()))
    }

    fn unknown_name(&self, name: &str, column: usize) -> RuleError {
        let mut props: Vec<&str> = Vec::new();
        if let Some(a) = self.table.attributes() {
            props.extend(a.columns().iter().map(|c| c.name()));
        }
        props.extend(self.table.properties().iter().map(|p| p.name()));
        let metrics: Vec<&str> = METRICS.iter().map(|(n, _)| *n).collect();
        RuleError::new(
            column,
            format!(
                "unknown name '{name}' (metrics: {}; properties: {})",
                metrics.join(", "),
                if props.is_empty() {
                    "none".to_string()
                } else {
                    props.join(", ")
                }
            ),
        )
    }

    fn number(
        value: &Literal,
        value_column: usize,
        what: &str,
    ) -> std::result::Result<f64, RuleError> {
        match value {
            Literal::Number(n) => Ok(*n),
            Literal::Text(_) => Err(RuleError::new(
                value_column,
                format!(
                    "{what} is a number: compare it with a number, not {}",
                    value.describe()
                ),
            )),
        }
    }

    fn compile_all(&mut self, all: &[Expr]) -> std::result::Result<Vec<Node>, RuleError> {
        all.iter().map(|e| self.compile(e)).collect()
    }

    fn compile(&mut self, e: &Expr) -> std::result::Result<Node, RuleError> {
        Ok(match e {
            Expr::Or(all) => Node::Or(self.compile_all(all)?),
            Expr::And(all) => Node::And(self.compile_all(all)?),
            Expr::Not(a) => Node::Not(Box::new(self.compile(a)?)),
            Expr::Did(c) => Node::Did {
                call: self.call(c)?,
            },
            Expr::Compare {
                left,
                op,
                column,
                value,
                value_column,
            } => match left {
                Operand::Count(c) => Node::Count {
                    call: self.call(c)?,
                    op: *op,
                    value: Self::number(value, *value_column, "count(…)")?,
                },
                Operand::Name { name, column: nc } => {
                    if let Some(metric) = self.metric(name, *nc) {
                        Node::Metric {
                            metric,
                            op: *op,
                            value: Self::number(value, *value_column, name)?,
                        }
                    } else if let Some((source, dict)) = self.property(name) {
                        prop_compare(source, dict, *op, value, *column, name)?
                    } else {
                        return Err(self.unknown_name(name, *nc));
                    }
                }
            },
            Expr::In { left, values } => match left {
                Operand::Count(c) => Node::CountIn {
                    call: self.call(c)?,
                    values: values
                        .iter()
                        .map(|(v, col)| Self::number(v, *col, "count(…)"))
                        .collect::<std::result::Result<_, _>>()?,
                },
                Operand::Name { name, column } => {
                    if let Some(metric) = self.metric(name, *column) {
                        Node::MetricIn {
                            metric,
                            values: values
                                .iter()
                                .map(|(v, col)| Self::number(v, *col, name))
                                .collect::<std::result::Result<_, _>>()?,
                        }
                    } else if let Some((source, dict)) = self.property(name) {
                        let accept = dict
                            .iter()
                            .map(|cell| values.iter().any(|(v, _)| literal_equals(v, cell)))
                            .collect();
                        Node::Prop {
                            source,
                            accept,
                            missing: false,
                        }
                    } else {
                        return Err(self.unknown_name(name, *column));
                    }
                }
            },
        })
    }

    fn metric(&mut self, name: &str, column: usize) -> Option<Metric> {
        let m = METRICS.iter().find(|(n, _)| *n == name).map(|(_, m)| *m)?;
        if m.needs_purchases() && self.needs_purchases.is_none() {
            self.needs_purchases = Some(column);
        }
        Some(m)
    }
}

/// True when a cell equals a literal: the same text, or the same number when the
/// cell parses as one.
fn literal_equals(v: &Literal, cell: &str) -> bool {
    match v {
        Literal::Text(t) => t == cell,
        Literal::Number(n) => cell.trim().parse::<f64>().is_ok_and(|c| c == *n),
    }
}

/// A property compared with a literal: text with `=`/`!=`, or the cell as a
/// number with any operator (a cell that is not a number fails every operator
/// but `!=`).
fn prop_compare(
    source: Source,
    dict: &Dict,
    op: CmpOp,
    value: &Literal,
    op_column: usize,
    name: &str,
) -> std::result::Result<Node, RuleError> {
    let accept: Vec<bool> = match value {
        Literal::Text(t) => {
            if op.is_order() {
                return Err(RuleError::new(
                    op_column,
                    format!(
                        "'{}' compares numbers, and \"{t}\" is text: compare {name} with = or !=, or with a number",
                        op.text()
                    ),
                ));
            }
            dict.iter()
                .map(|cell| (cell == t) == (op == CmpOp::Eq))
                .collect()
        }
        Literal::Number(n) => dict
            .iter()
            .map(|cell| {
                let c = cell.trim().parse::<f64>().unwrap_or(f64::NAN);
                op.holds(c, *n)
            })
            .collect(),
    };
    Ok(Node::Prop {
        source,
        accept,
        missing: op == CmpOp::Ne,
    })
}

impl Rule {
    /// Parses `text`, resolves it against `table` and computes the values it
    /// reads. A mistake in the text is an [`ErrorKind::BadRule`] at its column.
    pub fn compile(table: &EventTable, text: &str, options: &RuleOptions) -> Result<Rule> {
        let expr = parse(text).map_err(bad)?;
        let mut r = Resolver {
            table,
            calls: Vec::new(),
            props: Vec::new(),
            needs_purchases: None,
        };
        let node = r.compile(&expr).map_err(bad)?;
        Self::measure(table, text, node, r, options)
    }

    /// The rule everyone matches, with every metric computed: the member
    /// metrics of a segment that is not a rule.
    pub fn everyone(table: &EventTable, options: &RuleOptions) -> Result<Rule> {
        let r = Resolver {
            table,
            calls: Vec::new(),
            props: Vec::new(),
            needs_purchases: None,
        };
        Self::measure(table, "", Node::All, r, options)
    }

    fn measure(
        table: &EventTable,
        text: &str,
        node: Node,
        r: Resolver<'_>,
        options: &RuleOptions,
    ) -> Result<Rule> {
        let as_of = AsOf::resolve(table, options.as_of.as_deref(), "segment")?;
        // The purchase event: needed when the rule reads a purchase metric; else
        // resolved when possible, for the member export.
        let event = match (&options.purchase_event, r.needs_purchases) {
            (Some(e), _) => Some(e.clone()),
            (None, Some(column)) => Some(EventSpec::Name(
                guess::purchase_event_for(table, "segment").map_err(|e| {
                    bad(RuleError::new(
                        column,
                        format!(
                            "this metric needs the purchase event, and {}",
                            e.to_string().trim_start_matches("bad spec: ")
                        ),
                    ))
                })?,
            )),
            (None, None) => guess::purchase_event_for(table, "segment")
                .ok()
                .map(EventSpec::Name),
        };
        let selector = event
            .as_ref()
            .map(|e| Selector::compile(table, Some(e), "segment purchase_event"))
            .transpose()?;
        let metrics = UserMetrics::compute(table, as_of, selector.as_ref(), &r.calls, &r.props);
        Ok(Rule {
            text: text.to_string(),
            node,
            metrics,
            as_of,
            purchase_label: selector.and_then(|s| s.label()),
        })
    }

    /// The rule's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The per-user values (for the member export).
    pub fn metrics(&self) -> &UserMetrics {
        &self.metrics
    }

    /// The as-of instant (ms), `None` for an empty table.
    pub fn as_of_instant(&self) -> Option<i64> {
        self.as_of.map(|a| a.instant)
    }

    /// The purchase event's label, when one was resolved.
    pub fn purchase_event(&self) -> Option<&str> {
        self.purchase_label.as_deref()
    }

    /// Whether each user (by key) of `table` — the table the rule was compiled
    /// against — matches.
    pub fn mask(&self, table: &EventTable) -> Mask {
        (0..table.user_count())
            .map(|u| self.eval(&self.node, table, u))
            .collect()
    }

    fn eval(&self, node: &Node, table: &EventTable, u: usize) -> bool {
        let m = &self.metrics;
        match node {
            Node::All => true,
            Node::Or(all) => all.iter().any(|n| self.eval(n, table, u)),
            Node::And(all) => all.iter().all(|n| self.eval(n, table, u)),
            Node::Not(a) => !self.eval(a, table, u),
            Node::Metric { metric, op, value } => op.holds(m.metric(*metric, u), *value),
            Node::MetricIn { metric, values } => {
                let v = m.metric(*metric, u);
                values.contains(&v)
            }
            Node::Count { call, op, value } => op.holds(f64::from(m.counts[*call][u]), *value),
            Node::CountIn { call, values } => values.contains(&f64::from(m.counts[*call][u])),
            Node::Did { call } => m.counts[*call][u] > 0,
            Node::Prop {
                source,
                accept,
                missing,
            } => {
                let key = match source {
                    Source::Event(i) => m.props[*i][u].checked_sub(1),
                    Source::Attribute(i) => table
                        .attributes()
                        .and_then(|a| a.columns()[*i].key_of(u as u32)),
                };
                key.map_or(*missing, |k| accept[k as usize])
            }
        }
    }
}
