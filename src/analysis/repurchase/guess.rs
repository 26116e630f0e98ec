//! Guessing the purchase event when a repurchase spec leaves it out.
//!
//! An order file (no event column) has one event, `purchase`. Otherwise the event
//! names are compared with a list of usual purchase names, in English and
//! Chinese, after normalising case, surrounding spaces and `-`/space to `_`
//! (`Order Completed` → `order_completed`). The first name of the list that some
//! event matches wins; when several event names match it, the most frequent
//! (then the first in name order). No match is an error listing the event
//! names, so the user can pick one.

use crate::analysis::select::event_list;
use crate::error::{Error, Result};
use crate::ingest::convert::ORDER_EVENT;
use crate::table::EventTable;

/// Usual purchase event names, most telling first.
pub const PURCHASE_NAMES: [&str; 24] = [
    "purchase",
    "purchased",
    "purchases",
    "order",
    "orders",
    "order_completed",
    "order_placed",
    "completed_order",
    "place_order",
    "paid",
    "payment",
    "payment_success",
    "pay",
    "checkout_completed",
    "transaction",
    "buy",
    "支付",
    "支付成功",
    "付款",
    "购买",
    "下单",
    "成交",
    "订单",
    "购买成功",
];

/// Lowercase, trimmed, with spaces and hyphens as underscores.
fn normalise(name: &str) -> String {
    name.trim()
        .to_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect()
}

/// The guessed purchase event name, or an error naming the events there are.
pub fn purchase_event(table: &EventTable) -> Result<String> {
    purchase_event_for(table, "repurchase")
}

/// [`purchase_event`] for the analysis `what` (named in the error).
pub fn purchase_event_for(table: &EventTable, what: &str) -> Result<String> {
    if table.meta().order_file && table.event_key(ORDER_EVENT).is_some() {
        return Ok(ORDER_EVENT.to_string());
    }
    let counts = table.event_counts();
    let names: Vec<(String, &str, u64)> = table
        .event_names()
        .iter()
        .zip(counts)
        .map(|(n, c)| (normalise(n), n, c))
        .collect();
    for want in PURCHASE_NAMES {
        let best = names
            .iter()
            .filter(|(norm, _, _)| norm == want)
            .max_by(|a, b| a.2.cmp(&b.2).then_with(|| b.1.cmp(a.1)));
        if let Some((_, name, _)) = best {
            return Ok(name.to_string());
        }
    }
    Err(Error::spec(format!(
        "{what}: no purchase event found (looked for {} …); set \"purchase_event\" to one of the events: {}",
        PURCHASE_NAMES[..6].join(", "),
        event_list(table)
    )))
}
