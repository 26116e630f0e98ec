//! The small summaries the CLV charts read, so a chart never needs the
//! per-customer list: the distribution of P(alive) and the frequency × recency
//! matrix.
//!
//! - P(alive): [`P_ALIVE_BINS`] equal bins over `[0, 1]`, each `[from, to)`, the
//!   last one closed (`P(alive) = 1` counts in it).
//! - The matrix (as in Fader, Hardie & Lee's "frequency/recency" plots): rows are
//!   frequencies `x = 0 … F` with `F = min(largest x, MAX_FREQUENCIES − 1)`; columns
//!   are recency bins of a whole number of units `w` (at most
//!   [`MAX_RECENCY_BINS`] of them) covering `0 … T_max`, the longest age. A cell's
//!   value is the model's expected purchases over the horizon for a customer with
//!   that `x`, `t_x` at the bin's middle (at most `T_max`) and age `T_max` — one
//!   long-standing customer, so the cells compare; row 0 is flat (without repeat
//!   purchases recency carries no information). Each cell also counts the actual
//!   customers with that `x` and a recency in the bin (whatever their age);
//!   customers with `x > F` are counted in `customers_above`.

use crate::report::{ClvCustomer, FrequencyRecencyMatrix, PAliveBin};

use super::bgnbd::BgNbd;

/// Bins of the P(alive) histogram.
pub const P_ALIVE_BINS: usize = 20;
/// Rows of the matrix (frequencies `0 … MAX_FREQUENCIES − 1`).
pub const MAX_FREQUENCIES: u32 = 25;
/// Columns of the matrix.
pub const MAX_RECENCY_BINS: usize = 26;

/// The histogram of P(alive) over `customers`.
pub fn p_alive_histogram(customers: &[ClvCustomer]) -> Vec<PAliveBin> {
    let mut counts = [0u64; P_ALIVE_BINS];
    for c in customers {
        if c.p_alive.is_finite() {
            let k = (c.p_alive.clamp(0.0, 1.0) * P_ALIVE_BINS as f64).floor() as usize;
            counts[k.min(P_ALIVE_BINS - 1)] += 1;
        }
    }
    counts
        .iter()
        .enumerate()
        .map(|(k, &n)| PAliveBin {
            from: k as f64 / P_ALIVE_BINS as f64,
            to: (k + 1) as f64 / P_ALIVE_BINS as f64,
            customers: n,
        })
        .collect()
}

/// The frequency × recency matrix of `model` over `horizon` units (see the module
/// doc).
pub fn matrix(model: &BgNbd, horizon: u32, customers: &[ClvCustomer]) -> FrequencyRecencyMatrix {
    let finite = |v: f64| if v.is_finite() { v.max(0.0) } else { 0.0 };
    let age = customers.iter().map(|c| finite(c.age)).fold(0.0, f64::max);
    let largest_x = customers.iter().map(|c| c.frequency).max().unwrap_or(0);
    let top = largest_x.min(MAX_FREQUENCIES - 1);
    // Whole units per bin, so bins cover 0 … age in at most MAX_RECENCY_BINS.
    let width = ((age + 1.0) / MAX_RECENCY_BINS as f64).ceil().max(1.0);
    let bins = (((age / width).floor() as usize) + 1).min(MAX_RECENCY_BINS);
    let recency_from: Vec<f64> = (0..bins).map(|k| k as f64 * width).collect();
    let h = f64::from(horizon);
    let expected = (0..=top)
        .map(|x| {
            // Every cell of a row shares x and the age: the series once per row.
            let if_alive = model.expected_if_alive(h, f64::from(x), age);
            recency_from
                .iter()
                .map(|from| {
                    let t_x = if x == 0 {
                        0.0
                    } else {
                        (from + width / 2.0).min(age)
                    };
                    let e = if_alive * model.p_alive(f64::from(x), t_x, age);
                    if e.is_finite() { e } else { 0.0 }
                })
                .collect()
        })
        .collect();
    let mut counts = vec![vec![0u64; bins]; top as usize + 1];
    let mut above = 0;
    for c in customers {
        if c.frequency > top {
            above += 1;
            continue;
        }
        let k = ((finite(c.recency) / width).floor() as usize).min(bins - 1);
        counts[c.frequency as usize][k] += 1;
    }
    FrequencyRecencyMatrix {
        age,
        recency_width: width,
        frequencies: (0..=top).collect(),
        recency_from,
        expected,
        customers: counts,
        customers_above: above,
    }
}
