//! Column names, detected types and roles: which column is the user, the time, the
//! event, the revenue, the order id, the item — and why each was guessed.
//!
//! Header names decide first (English and Chinese spellings, case, spaces and
//! underscores ignored); values decide next (a column whose values are timestamps is
//! the time). The user's overrides always win. A column never disappears: whatever
//! has no other role is a property.

use std::collections::BTreeMap;

use super::number::parse_number;
use super::timestamp::{Shape, shape_of};
use crate::error::{Error, ErrorKind, Result};
use crate::table::{ColumnInfo, ColumnType, Role};

/// Header spellings per role, compared after [`normalize`].
const NAMES: [(Role, &[&str]); 6] = [
    (
        Role::User,
        &[
            "userid",
            "user",
            "customerid",
            "customer",
            "clientid",
            "client",
            "memberid",
            "member",
            "uid",
            "distinctid",
            "buyerid",
            "buyer",
            "accountid",
            "visitorid",
            "personid",
            "shopperid",
            "custid",
            "用户id",
            "用户",
            "用户编号",
            "客户id",
            "客户",
            "客户编号",
            "会员id",
            "会员",
            "会员编号",
            "买家id",
            "买家",
        ],
    ),
    (
        Role::Time,
        &[
            "timestamp",
            "time",
            "datetime",
            "date",
            "eventtime",
            "eventdate",
            "eventtimestamp",
            "createdat",
            "created",
            "occurredat",
            "orderdate",
            "ordertime",
            "purchasedate",
            "purchasetime",
            "ts",
            "invoicedate",
            "transactiondate",
            "时间",
            "日期",
            "事件时间",
            "下单时间",
            "支付时间",
            "付款时间",
            "创建时间",
            "订单时间",
            "交易时间",
        ],
    ),
    (
        Role::Event,
        &[
            "event",
            "eventname",
            "eventtype",
            "action",
            "activity",
            "eventaction",
            "type",
            "事件",
            "事件名",
            "事件名称",
            "行为",
            "行为类型",
            "事件类型",
        ],
    ),
    (
        Role::Revenue,
        &[
            "revenue",
            "amount",
            "price",
            "total",
            "value",
            "sales",
            "ordervalue",
            "gmv",
            "totalprice",
            "totalamount",
            "payment",
            "paid",
            "saleamount",
            "金额",
            "收入",
            "实付金额",
            "支付金额",
            "订单金额",
            "销售额",
            "付款金额",
            "价格",
        ],
    ),
    (
        Role::Order,
        &[
            "orderid",
            "order",
            "ordernumber",
            "orderno",
            "transactionid",
            "transaction",
            "invoice",
            "invoiceno",
            "invoiceid",
            "basketid",
            "basket",
            "订单号",
            "订单id",
            "订单编号",
            "交易号",
        ],
    ),
    (
        Role::Item,
        &[
            "item",
            "itemid",
            "sku",
            "product",
            "productid",
            "productname",
            "itemname",
            "stockcode",
            "商品",
            "商品id",
            "商品名称",
            "商品编号",
            "产品",
            "货号",
        ],
    ),
];

/// Lowercases and drops spaces, `_`, `-` and `.` so `Customer ID` = `customer_id`.
pub fn normalize(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Makes header names usable: trimmed, an empty one becomes `column N`, a repeated
/// one gets ` (2)`, ` (3)`….
pub fn unique_names(raw: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(raw.len());
    for (i, r) in raw.iter().enumerate() {
        let base = match r.trim() {
            "" => format!("column {}", i + 1),
            t => t.to_string(),
        };
        let mut name = base.clone();
        let mut n = 2;
        while out.contains(&name) {
            name = format!("{base} ({n})");
            n += 1;
        }
        out.push(name);
    }
    out
}

/// The type of a column from its sampled non-empty values.
pub fn detect_type(values: &[&str]) -> ColumnType {
    let vals: Vec<&str> = values
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .collect();
    if vals.is_empty() {
        return ColumnType::Empty;
    }
    let all = |f: &dyn Fn(&str) -> bool| vals.iter().all(|v| f(v));
    let is_int = |v: &str| {
        let d = v.strip_prefix('-').unwrap_or(v);
        !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())
    };
    let date_like = |v: &str| matches!(shape_of(v), Some(Shape::YearFirst | Shape::DayMonth));
    if all(&date_like) {
        ColumnType::Time
    } else if all(&is_int) {
        ColumnType::Integer
    } else if all(&|v| parse_number(v).is_some()) {
        ColumnType::Number
    } else if all(&|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "false")) {
        ColumnType::Boolean
    } else {
        ColumnType::Text
    }
}

/// Guesses roles for columns from names and sampled values, then applies the user's
/// overrides (`role → column`, or `role → None` for "no column").
pub fn assign(
    names: &[String],
    samples: &[Vec<&str>],
    overrides: &BTreeMap<String, Option<String>>,
) -> Result<Vec<ColumnInfo>> {
    let mut cols: Vec<ColumnInfo> = names
        .iter()
        .enumerate()
        .map(|(i, n)| ColumnInfo {
            name: n.clone(),
            kind: detect_type(samples.get(i).map(Vec::as_slice).unwrap_or(&[])),
            role: Role::Property,
            reason: "no other role fits: usable in filters and breakdowns".into(),
        })
        .collect();
    // 1. By header name: the first column with a known spelling takes the role.
    for (role, spellings) in NAMES {
        let found = cols.iter().enumerate().position(|(i, c)| {
            let values = samples.get(i).map(Vec::as_slice).unwrap_or(&[]);
            c.role == Role::Property
                && spellings.contains(&normalize(&c.name).as_str())
                && fits(c, role, values)
        });
        if let Some(i) = found {
            cols[i].role = role;
            cols[i].reason = format!(
                "header \"{}\" is a usual name for the {}",
                cols[i].name,
                role_word(role)
            );
        }
    }
    // 2. By values: a time column whose values are dates; a user column named like an id.
    if !cols.iter().any(|c| c.role == Role::Time) {
        if let Some(c) = cols
            .iter_mut()
            .find(|c| c.role == Role::Property && c.kind == ColumnType::Time)
        {
            c.role = Role::Time;
            c.reason = "its values are dates and times".into();
        } else if let Some((i, shape)) = cols.iter().enumerate().find_map(|(i, c)| {
            let v = samples.get(i)?;
            let shape = unix_or_compact(v)?;
            (c.role == Role::Property).then_some((i, shape))
        }) {
            cols[i].role = Role::Time;
            cols[i].kind = ColumnType::Time;
            cols[i].reason = format!("its values read as {}", shape.describe(Default::default()));
        }
    }
    if !cols.iter().any(|c| c.role == Role::User)
        && let Some(c) = cols.iter_mut().find(|c| {
            let n = normalize(&c.name);
            c.role == Role::Property
                && (n.ends_with("id") || n.ends_with("编号"))
                && c.kind != ColumnType::Time
        })
    {
        c.role = Role::User;
        c.reason = format!("the first column named like an id (\"{}\")", c.name);
    }
    // A column chosen as time must really hold timestamps; YYYYMMDD integers count.
    for (i, c) in cols.iter_mut().enumerate() {
        if c.role == Role::Time
            && c.kind == ColumnType::Integer
            && samples.get(i).and_then(|v| unix_or_compact(v)).is_some()
        {
            c.kind = ColumnType::Time;
        }
    }
    apply_overrides(&mut cols, overrides)?;
    Ok(cols)
}

/// Whether a column named for `role` holds values that can play it: revenue needs at
/// least half numbers (bad cells are skipped and reported, not a reason to ignore
/// the column); time must not be true/false.
fn fits(c: &ColumnInfo, role: Role, values: &[&str]) -> bool {
    match role {
        Role::Revenue => {
            let filled: Vec<&&str> = values.iter().filter(|v| !v.trim().is_empty()).collect();
            let numeric = filled.iter().filter(|v| parse_number(v).is_some()).count();
            filled.is_empty() || numeric * 2 >= filled.len()
        }
        Role::Time => c.kind != ColumnType::Boolean,
        _ => true,
    }
}

fn unix_or_compact(values: &[&str]) -> Option<Shape> {
    let vals: Vec<&str> = values
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .collect();
    let first = shape_of(vals.first()?)?;
    (matches!(
        first,
        Shape::Compact | Shape::UnixSeconds | Shape::UnixMillis
    ) && vals.iter().all(|v| shape_of(v) == Some(first)))
    .then_some(first)
}

fn role_word(role: Role) -> &'static str {
    match role {
        Role::User => "user id",
        Role::Time => "time",
        Role::Event => "event name",
        Role::Revenue => "revenue amount",
        Role::Order => "order id",
        Role::Item => "product",
        Role::Property => "property",
    }
}

fn apply_overrides(
    cols: &mut [ColumnInfo],
    overrides: &BTreeMap<String, Option<String>>,
) -> Result<()> {
    let names: Vec<String> = cols.iter().map(|c| c.name.clone()).collect();
    for (role_name, column) in overrides {
        let role = Role::from_name(role_name).ok_or_else(|| {
            Error::new(ErrorKind::BadOption(format!(
                "unknown role \"{role_name}\" (roles: user, time, event, revenue, order, item)"
            )))
        })?;
        if role == Role::Property {
            continue;
        }
        for c in cols.iter_mut().filter(|c| c.role == role) {
            c.role = Role::Property;
            c.reason = format!("you unset the {role_name} role");
        }
        if let Some(col) = column {
            let c = cols.iter_mut().find(|c| &c.name == col).ok_or_else(|| {
                Error::new(ErrorKind::UnknownColumn {
                    role: role_name.clone(),
                    column: col.clone(),
                    columns: names.clone(),
                })
            })?;
            c.role = role;
            c.reason = "set by you".into();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guess(names: &[&str], rows: &[&[&str]]) -> Vec<(String, &'static str)> {
        let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        let samples: Vec<Vec<&str>> = (0..names.len())
            .map(|i| rows.iter().map(|r| r[i]).collect())
            .collect();
        assign(&names, &samples, &BTreeMap::new())
            .unwrap()
            .into_iter()
            .map(|c| (c.name, c.role.name()))
            .collect()
    }

    #[test]
    fn cdnow_columns() {
        let g = guess(
            &["customer_id", "date", "cds", "amount"],
            &[&["0001", "19970101", "2", "29.33"]],
        );
        assert_eq!(
            g,
            vec![
                ("customer_id".into(), "user"),
                ("date".into(), "time"),
                ("cds".into(), "property"),
                ("amount".into(), "revenue")
            ]
        );
    }

    #[test]
    fn chinese_headers() {
        let g = guess(
            &["用户ID", "事件", "时间", "金额"],
            &[&["a", "购买", "2024-01-01 10:00", "9.9"]],
        );
        let roles: Vec<_> = g.iter().map(|(_, r)| *r).collect();
        assert_eq!(roles, vec!["user", "event", "time", "revenue"]);
    }

    #[test]
    fn by_values_when_names_say_nothing() {
        let g = guess(
            &["who_id", "what", "when"],
            &[&["a", "x", "2024-01-01T10:00:00Z"]],
        );
        let roles: Vec<_> = g.iter().map(|(_, r)| *r).collect();
        assert_eq!(roles, vec!["user", "property", "time"]);
        let g = guess(&["visitor", "epoch"], &[&["a", "1700000000"]]);
        assert_eq!(g[1].1, "time");
    }

    #[test]
    fn overrides_win_and_unknown_columns_error() {
        let names: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let samples = vec![vec!["x"], vec!["2024-01-01"], vec!["y"]];
        let mut o = BTreeMap::new();
        o.insert("user".to_string(), Some("c".to_string()));
        o.insert("event".to_string(), None);
        let cols = assign(&names, &samples, &o).unwrap();
        assert_eq!(cols[2].role, Role::User);
        assert_eq!(cols[2].reason, "set by you");
        o.insert("user".to_string(), Some("zz".to_string()));
        let e = assign(&names, &samples, &o).unwrap_err();
        assert!(
            e.to_string()
                .contains("names column \"zz\", which is not in the file"),
            "{e}"
        );
    }

    #[test]
    fn unique_header_names() {
        let raw: Vec<String> = ["id", "", "id", " x "]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(unique_names(&raw), vec!["id", "column 2", "id (2)", "x"]);
    }

    #[test]
    fn types() {
        assert_eq!(detect_type(&["1", "-2", ""]), ColumnType::Integer);
        assert_eq!(detect_type(&["1.5", "2"]), ColumnType::Number);
        assert_eq!(
            detect_type(&["2024-01-01", "2024-01-02 10:00"]),
            ColumnType::Time
        );
        assert_eq!(detect_type(&["true", "FALSE"]), ColumnType::Boolean);
        assert_eq!(detect_type(&["a", "1"]), ColumnType::Text);
        assert_eq!(detect_type(&["", " "]), ColumnType::Empty);
    }
}
