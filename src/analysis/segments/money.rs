//! Exact revenue sums, so that equal totals are equal and RFM ties are real ties.
//!
//! Revenue is held as `f64`. Summing floats depends on the order and leaves
//! `0.1 + 0.2 != 0.3`, so two users who spent the same would get different
//! monetary ranks (the peer, DuckDB, sums `DECIMAL(12,2)` exactly). So when every
//! revenue value read is a decimal with at most [`MAX_DECIMALS`] places (the
//! nearest double of one, as the parser produces), values are summed as `i128`
//! integers of `round(x · 10^k)`, `k` the most places any value has, and turned
//! back to `f64` once at the end. Otherwise (more places, huge or non-finite
//! values) they are summed as `f64` in row order, and ties are only those the
//! floats give.

/// The most decimal places summed exactly.
pub const MAX_DECIMALS: u32 = 6;

/// Integers up to 2^53 are exact in `f64`: scaled values must stay below.
const EXACT_LIMIT: f64 = 9_007_199_254_740_992.0;

/// `10^d` for `d = 0..=MAX_DECIMALS`.
const POWERS: [f64; MAX_DECIMALS as usize + 1] = [1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6];

/// How revenue is summed: fixed point with `decimals` places, or floating point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scale {
    /// Integers of `round(x · 10^decimals)`.
    Fixed {
        /// Decimal places.
        decimals: u32,
    },
    /// Plain `f64` sums.
    Float,
}

/// A running sum under a [`Scale`]: only the field of the scale is used.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Sum {
    units: i128,
    float: f64,
}

/// The fewest decimal places (up to [`MAX_DECIMALS`]) that give back `v`.
fn places(v: f64) -> Option<u32> {
    if !v.is_finite() {
        return None;
    }
    // `round_ties_even` (one wasm instruction; `round` is a libm call there): a
    // value with a tie at `d` places has more than `d` places either way.
    (0..=MAX_DECIMALS).find(|&d| {
        let p = POWERS[d as usize];
        let scaled = v * p;
        scaled.abs() < EXACT_LIMIT && scaled.round_ties_even() / p == v
    })
}

impl Scale {
    /// The scale that sums all of `values` exactly, if one does.
    pub(crate) fn of(values: impl Iterator<Item = f64>) -> Scale {
        let mut decimals = 0;
        let mut largest = 0.0f64;
        for v in values {
            match places(v) {
                Some(d) => decimals = decimals.max(d),
                None => return Scale::Float,
            }
            largest = largest.max(v.abs());
        }
        if largest * 10f64.powi(decimals as i32) < EXACT_LIMIT {
            Scale::Fixed { decimals }
        } else {
            Scale::Float
        }
    }

    /// The decimals of a fixed scale.
    pub(crate) fn decimals(self) -> Option<u32> {
        match self {
            Scale::Fixed { decimals } => Some(decimals),
            Scale::Float => None,
        }
    }

    /// Adds `v` to `sum`.
    pub(crate) fn add(self, sum: &mut Sum, v: f64) {
        match self {
            Scale::Fixed { decimals } => {
                // Under the scale every `|v · 10^d| < 2^53`: an `i64` holds it.
                sum.units += i128::from((v * POWERS[decimals as usize]).round_ties_even() as i64);
            }
            Scale::Float => sum.float += v,
        }
    }

    /// Adds two sums.
    pub(crate) fn plus(self, a: Sum, b: Sum) -> Sum {
        match self {
            Scale::Fixed { .. } => Sum {
                units: a.units + b.units,
                float: 0.0,
            },
            Scale::Float => Sum {
                units: 0,
                float: a.float + b.float,
            },
        }
    }

    /// The sum as a number.
    pub(crate) fn value(self, sum: Sum) -> f64 {
        match self {
            Scale::Fixed { decimals } => sum.units as f64 / 10f64.powi(decimals as i32),
            Scale::Float => sum.float,
        }
    }

    /// A key ordered like the sums' values, equal exactly when they are equal.
    pub(crate) fn key(self, sum: Sum) -> i128 {
        match self {
            Scale::Fixed { .. } => sum.units,
            Scale::Float => {
                // The usual total-order bits of an f64, with -0 read as +0.
                let x = if sum.float == 0.0 { 0.0 } else { sum.float };
                let b = x.to_bits() as i64;
                i128::from(b ^ (((b >> 63) as u64) >> 1) as i64)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cents_sum_exactly() {
        let s = Scale::of([0.1, 0.2, 12.34].into_iter());
        assert_eq!(s, Scale::Fixed { decimals: 2 });
        let mut a = Sum::default();
        s.add(&mut a, 0.1);
        s.add(&mut a, 0.2);
        let mut b = Sum::default();
        s.add(&mut b, 0.3);
        assert_eq!(s.key(a), s.key(b));
        assert_eq!(s.value(a), 0.3);
        assert_eq!(s.value(s.plus(a, b)), 0.6);
    }

    #[test]
    fn too_many_places_fall_back_to_floats() {
        assert_eq!(Scale::of([0.1234567].into_iter()), Scale::Float);
        assert_eq!(Scale::of([f64::INFINITY].into_iter()), Scale::Float);
        assert_eq!(Scale::of([1e16].into_iter()), Scale::Float);
        assert_eq!(
            Scale::of([5.0, -3.0].into_iter()),
            Scale::Fixed { decimals: 0 }
        );
    }

    #[test]
    fn float_keys_order_like_values() {
        let s = Scale::Float;
        let key = |x: f64| {
            let mut a = Sum::default();
            s.add(&mut a, x);
            s.key(a)
        };
        let xs = [-5.5, -0.0, 0.0, 1e-9, 2.5, 1e300];
        for w in xs.windows(2) {
            assert!(key(w[0]) <= key(w[1]), "{w:?}");
        }
        assert_eq!(key(-0.0), key(0.0));
    }
}
