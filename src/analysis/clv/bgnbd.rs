//! The BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy
//! way"): while alive, a customer buys at a Poisson rate `λ ~ Gamma(r, α)`; after
//! each purchase they drop out with probability `p ~ Beta(a, b)`.
//!
//! For a customer with `x` repeat purchases, the last at `t_x`, observed for `T`
//! (all in the time unit), the likelihood is `A₁·A₂·(A₃ + δ_{x>0} A₄)` with
//! `A₁ = Γ(r+x) αʳ / Γ(r)`, `A₂ = Γ(a+b) Γ(b+x) / (Γ(b) Γ(a+b+x))`,
//! `A₃ = (α+T)^−(r+x)` and `A₄ = a/(b+x−1) · (α+t_x)^−(r+x)`. Evaluated as written
//! it overflows for large `x` or `T` (Excel's `#NUM!`; Hardie's note "Implementing
//! the BG/NBD model for customer base analysis in Excel"); here every factor stays a
//! logarithm and the sum is a log-sum-exp, so the log-likelihood is finite for any
//! `x`, `t_x ≤ T` and positive parameters.
//!
//! Predictions (Fader, Hardie & Lee 2005, eq. 10 and the P(alive) note of 2008):
//! - `P(alive | x, t_x, T) = 1 / (1 + δ_{x>0} a/(b+x−1) · ((α+T)/(α+t_x))^(r+x))`;
//! - `E[X(t) | x, t_x, T] = (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x)
//!   ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))] · P(alive)`;
//! - the unconditional `E[X(t)]` is the same with `x = t_x = T = 0`.
//!
//! The Gauss function is evaluated after Euler's transformation,
//! `(1−z)^(r+x) ₂F₁(r+x, b+x; c; z) = (1−z)^(a−1) ₂F₁(a+b−1−r, a−1; c; z)` with
//! `c = a+b+x−1`, whose series converges fast for large `x` and never overflows;
//! the factor `a − 1` is divided out analytically ([`super::special::hyp2f1_tail`],
//! `expm1`), so `a` near 1 loses no precision. That series needs more than
//! `|a+b−1−r| + |a−1|` terms, though: with `a` and `b` in the thousands or more
//! the untransformed series is summed instead (its terms shrink like those of
//! `(1−z)^−(r+x)` whatever `a` and `b`; [`BgNbd::uses_direct_series`]).

use crate::analysis::libm_ext::LibmExt;

use super::special::{LogProduct, digamma, hyp2f1_tail, ln_gamma, log_add_exp, trigamma};

/// Above this `|a+b−1−r| + |a−1|` the expectations sum the untransformed
/// series ([`BgNbd::uses_direct_series`]).
pub const EULER_TERMS_LIMIT: f64 = 1000.0;

/// BG/NBD parameters: `λ ~ Gamma(shape r, rate α)`, `p ~ Beta(a, b)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BgNbd {
    /// Shape of the purchase-rate distribution.
    pub r: f64,
    /// Rate (scale⁻¹) of the purchase-rate distribution, in time units.
    pub alpha: f64,
    /// First shape of the dropout-probability distribution.
    pub a: f64,
    /// Second shape of the dropout-probability distribution.
    pub b: f64,
}

/// One customer's calibration summary as the model sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rfm {
    /// Repeat purchases `x`.
    pub x: u32,
    /// Recency `t_x`: time of the last purchase since the first (time units).
    pub t_x: f64,
    /// Age `T`: time from the first purchase to the calibration end (time units).
    pub t: f64,
}

impl BgNbd {
    /// The parameters as an array `[r, α, a, b]`.
    pub fn to_array(self) -> [f64; 4] {
        [self.r, self.alpha, self.a, self.b]
    }

    /// Parameters from `[r, α, a, b]`.
    pub fn from_array(p: [f64; 4]) -> Self {
        Self {
            r: p[0],
            alpha: p[1],
            a: p[2],
            b: p[3],
        }
    }

    /// The log-likelihood of one customer (log space throughout; see the module doc).
    pub fn log_likelihood(&self, x: f64, t_x: f64, t: f64) -> f64 {
        let Self { r, alpha, a, b } = *self;
        let ln_a1 = ln_gamma(r + x) - ln_gamma(r) + r * alpha.libm_ln();
        let ln_a2 = ln_gamma(a + b) + ln_gamma(b + x) - ln_gamma(b) - ln_gamma(a + b + x);
        let ln_a3 = -(r + x) * (alpha + t).libm_ln();
        let ln_sum = if x > 0.0 {
            let ln_a4 = a.libm_ln() - (b + x - 1.0).libm_ln() - (r + x) * (alpha + t_x).libm_ln();
            log_add_exp(ln_a3, ln_a4)
        } else {
            ln_a3
        };
        ln_a1 + ln_a2 + ln_sum
    }

    /// `ln` of the odds of having dropped out: `ln(a/(b+x−1)) + (r+x) ln((α+T)/(α+t_x))`
    /// (`−∞` when `x = 0`).
    fn ln_dropout_odds(&self, x: f64, t_x: f64, t: f64) -> f64 {
        if x <= 0.0 {
            return f64::NEG_INFINITY;
        }
        let Self { r, alpha, a, b } = *self;
        a.libm_ln() - (b + x - 1.0).libm_ln()
            + (r + x) * ((alpha + t).libm_ln() - (alpha + t_x).libm_ln())
    }

    /// The probability that the customer is still alive at the end of calibration.
    pub fn p_alive(&self, x: f64, t_x: f64, t: f64) -> f64 {
        let l = self.ln_dropout_odds(x, t_x, t);
        // 1 / (1 + eˡ), without overflow for large l.
        if l > 0.0 {
            let e = (-l).libm_exp();
            e / (1.0 + e)
        } else {
            1.0 / (1.0 + l.libm_exp())
        }
    }

    /// True when [`BgNbd::expected_if_alive`] sums the untransformed series: when
    /// `|a+b−1−r| + |a−1|` exceeds [`EULER_TERMS_LIMIT`] (Euler's series then
    /// needs at least that many terms, and with `a`, `b` in the millions — where a
    /// fit ends up when the dropout probability barely varies — it never
    /// converges) and `a` is not within 1e-3 of 1 (the untransformed form divides
    /// by `a − 1`).
    pub fn uses_direct_series(&self) -> bool {
        let Self { r, a, b, .. } = *self;
        (a + b - 1.0 - r).abs() + (a - 1.0).abs() > EULER_TERMS_LIMIT && (a - 1.0).abs() >= 1e-3
    }

    /// `E[X(h) | x, T] / P(alive)` from the untransformed series:
    /// `(a+b+x−1)/(a−1) · [1 − (1−z)^(r+x) ₂F₁(r+x, b+x; a+b+x−1; z)]`. The series'
    /// term ratio `(r+x+k)(b+x+k) z / ((c+k)(k+1))` is below `(r+x+k) z/(k+1)`, so it
    /// converges like the binomial series of `(1−z)^−(r+x)` whatever `a` and `b`;
    /// the sum is kept scaled (it may exceed the largest float when the power
    /// underflows), and `1 − P` is `−expm1(ln P)`.
    fn expected_if_alive_direct(&self, horizon: f64, x: f64, t: f64) -> f64 {
        let Self { r, alpha, a, b } = *self;
        let c = a + b + x - 1.0;
        let z = horizon / (alpha + t + horizon);
        let ln_1mz = (alpha + t).libm_ln() - (alpha + t + horizon).libm_ln();
        let (rx, bx) = (r + x, b + x);
        let (mut term, mut sum, mut scale) = (1.0f64, 1.0f64, 0.0f64);
        for k in 0..1_000_000u32 {
            let k = f64::from(k);
            let ratio = (rx + k) * (bx + k) * z / ((c + k) * (k + 1.0));
            term *= ratio;
            sum += term;
            if sum > 1e280 {
                sum *= 1e-280;
                term *= 1e-280;
                scale += 280.0 * std::f64::consts::LN_10;
            }
            if term == 0.0 || (ratio < 1.0 && term <= 1e-17 * sum) {
                break;
            }
        }
        let ln_p = rx * ln_1mz + sum.libm_ln() + scale;
        c / (a - 1.0) * -ln_p.libm_exp_m1()
    }

    /// Expected purchases in the next `horizon` time units given `(x, t_x, T)`.
    pub fn expected_purchases(&self, horizon: f64, x: f64, t_x: f64, t: f64) -> f64 {
        self.expected_if_alive(horizon, x, t) * self.p_alive(x, t_x, t)
    }

    /// The part of [`BgNbd::expected_purchases`] that does not depend on the
    /// recency: `E[X(horizon) | x, T] / P(alive)`. Customers with the same `x`
    /// and `T` share it, whatever their `t_x` (scoring caches it that way).
    pub fn expected_if_alive(&self, horizon: f64, x: f64, t: f64) -> f64 {
        if horizon <= 0.0 {
            return 0.0;
        }
        if self.uses_direct_series() {
            let e = self.expected_if_alive_direct(horizon, x, t);
            if e.is_finite() && e >= 0.0 {
                return e;
            }
        }
        let Self { r, alpha, a, b } = *self;
        let c = a + b + x - 1.0;
        let z = horizon / (alpha + t + horizon);
        // ln(1 − z), accurate for small z.
        let ln_1mz = (alpha + t).libm_ln() - (alpha + t + horizon).libm_ln();
        let beta1 = a - 1.0;
        // [1 − (1−z)^β₁ ₂F₁] / β₁ = −expm1(β₁ ln(1−z))/β₁ − (1−z)^β₁ G.
        let head = if beta1 == 0.0 {
            -ln_1mz
        } else {
            -(beta1 * ln_1mz).libm_exp_m1() / beta1
        };
        let g = hyp2f1_tail(a + b - 1.0 - r, beta1, c, z);
        // (1−z)^β₁ · G in log space: for large a the factor alone underflows while
        // G is huge.
        let tail = if g > 0.0 {
            (beta1 * ln_1mz + g.libm_ln()).libm_exp()
        } else {
            (beta1 * ln_1mz).libm_exp() * g
        };
        let e = c * (head - tail);
        if e.is_finite() && e >= 0.0 {
            return e;
        }
        // The series overflows when a and b are very large, which is where a fit
        // ends up when the dropout probability barely varies between customers
        // (a, b → ∞ with p₀ = a/(a+b) fixed; the demo data does this). The limit
        // there is the model with every customer's p = p₀:
        // E = (1/p₀)·[1 − ((α+T)/(α+T+p₀·h))^(r+x)], with the exact prefactor
        // c/(a−1) for 1/p₀ (they differ by O(1/a)).
        let p0 = a / (a + b);
        let base = (alpha + t) / (alpha + t + p0 * horizon);
        c / beta1 * -((r + x) * base.libm_ln()).libm_exp_m1()
    }

    /// Unconditional expected purchases of a new customer in `t` time units, `E[X(t)]`.
    pub fn expected_unconditional(&self, t: f64) -> f64 {
        self.expected_purchases(t, 0.0, 0.0, 0.0)
    }
}

/// `(max(l3, l4), 1 + e^−|l3−l4|, e^l3 / (e^l3 + e^l4), e^l4 / (e^l3 + e^l4))` with
/// one `exp`: `ln(e^l3 + e^l4)` is the first plus the logarithm of the second,
/// which the likelihood's inner loop multiplies into a [`LogProduct`] rather than
/// taking one `ln` per customer group.
fn mix(l3: f64, l4: f64) -> (f64, f64, f64, f64) {
    if l4 <= l3 {
        let e = (l4 - l3).libm_exp();
        let share = 1.0 / (1.0 + e);
        (l3, 1.0 + e, share, e * share)
    } else {
        let e = (l3 - l4).libm_exp();
        let share = 1.0 / (1.0 + e);
        (l4, 1.0 + e, e * share, share)
    }
}

/// What one likelihood evaluation computes once per distinct `x`: the constant
/// part `c(x)` of `ln L` and its derivatives, `ln(a/(b+x−1))` and `1/(b+x−1)`.
struct PerX {
    c: f64,
    dr: f64,
    da: f64,
    db: f64,
    drr: f64,
    /// `∂²c/∂a² = ∂²c/∂a∂b`.
    dab: f64,
    dbb: f64,
    ln4: f64,
    inv_b: f64,
}

/// Customers grouped by identical `(x, t_x, T)`, with the distinct values of each
/// so that one likelihood evaluation computes the gamma functions once per distinct
/// `x` and the logarithms once per distinct time: the cost is one `exp` and one
/// `ln` per distinct customer summary, whatever the number of customers.
#[derive(Debug, Clone)]
pub struct Grouped {
    xs: Vec<f64>,
    ages: Vec<f64>,
    recencies: Vec<f64>,
    /// (weight, index into xs, into ages, into recencies).
    groups: Vec<(f64, usize, usize, usize)>,
    customers: f64,
}

/// Sorted distinct values (by `total_cmp`, so `-0.0` and `0.0` stay apart).
fn distinct(values: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut all: Vec<f64> = values.collect();
    all.sort_unstable_by(f64::total_cmp);
    all.dedup_by(|a, b| a.total_cmp(b).is_eq());
    all
}

/// The index of `v` in the sorted distinct `values` (it is there: they were made
/// from the same data).
fn position(values: &[f64], v: f64) -> usize {
    values
        .binary_search_by(|p| p.total_cmp(&v))
        .unwrap_or_else(|i| i)
}

impl Grouped {
    /// Groups the summaries: one sort of their index triples (no maps).
    pub fn new(data: &[Rfm]) -> Self {
        let xs = distinct(data.iter().map(|d| f64::from(d.x)));
        let ages = distinct(data.iter().map(|d| d.t));
        let recencies = distinct(data.iter().map(|d| d.t_x));
        let mut keys: Vec<(usize, usize, usize)> = data
            .iter()
            .map(|d| {
                (
                    position(&xs, f64::from(d.x)),
                    position(&ages, d.t),
                    position(&recencies, d.t_x),
                )
            })
            .collect();
        keys.sort_unstable();
        let mut groups: Vec<(f64, usize, usize, usize)> = Vec::new();
        for (x, t, r) in keys {
            match groups.last_mut() {
                Some(g) if (g.1, g.2, g.3) == (x, t, r) => g.0 += 1.0,
                _ => groups.push((1.0, x, t, r)),
            }
        }
        Self {
            xs,
            ages,
            recencies,
            groups,
            customers: data.len() as f64,
        }
    }

    /// Number of customers.
    pub fn customers(&self) -> f64 {
        self.customers
    }

    /// Number of distinct `(x, t_x, T)`.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// True when there is no customer.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// The total log-likelihood with its gradient and Hessian in the natural
    /// parameters `(r, α, a, b)`.
    ///
    /// Per customer `ln L = c(x) + ln(e^l₃ + δ_{x>0} e^l₄)` with `l₃ = ln A₃` and
    /// `l₄ = ln A₄`; with the shares `s₃ = e^l₃/(e^l₃ + e^l₄)` and `s₄ = 1 − s₃`,
    /// the log-sum-exp has gradient `s₃∇l₃ + s₄∇l₄` and Hessian
    /// `s₃∇²l₃ + s₄∇²l₄ + s₃s₄ (∇l₃ − ∇l₄)(∇l₃ − ∇l₄)ᵀ`, and `c(x)`'s second
    /// derivatives are trigamma differences. The Hessian costs the inner loop a
    /// handful of multiplications per group, no further `exp` or `ln`.
    pub fn log_likelihood_derivatives(&self, p: &BgNbd) -> (f64, [f64; 4], [[f64; 4]; 4]) {
        let BgNbd { r, alpha, a, b } = *p;
        let (lg_r, lg_b, lg_ab) = (ln_gamma(r), ln_gamma(b), ln_gamma(a + b));
        let (dg_r, dg_b, dg_ab) = (digamma(r), digamma(b), digamma(a + b));
        let (tg_r, tg_b, tg_ab) = (trigamma(r), trigamma(b), trigamma(a + b));
        let ln_alpha = alpha.libm_ln();
        let ln_a = a.libm_ln();
        // Per distinct x: the constant part of ln L and of its derivatives.
        let per_x: Vec<PerX> = self
            .xs
            .iter()
            .map(|&x| {
                let inv_b = if x > 0.0 { 1.0 / (b + x - 1.0) } else { 0.0 };
                PerX {
                    c: ln_gamma(r + x) - lg_r + r * ln_alpha + lg_ab + ln_gamma(b + x)
                        - lg_b
                        - ln_gamma(a + b + x),
                    dr: digamma(r + x) - dg_r + ln_alpha,
                    da: dg_ab - digamma(a + b + x),
                    db: dg_ab + digamma(b + x) - dg_b - digamma(a + b + x),
                    drr: trigamma(r + x) - tg_r,
                    dab: tg_ab - trigamma(a + b + x),
                    dbb: tg_ab + trigamma(b + x) - tg_b - trigamma(a + b + x),
                    ln4: if x > 0.0 {
                        ln_a - (b + x - 1.0).libm_ln()
                    } else {
                        f64::NEG_INFINITY
                    },
                    inv_b,
                }
            })
            .collect();
        let logs = |v: &[f64]| -> Vec<(f64, f64)> {
            v.iter()
                .map(|&t| ((alpha + t).libm_ln(), 1.0 / (alpha + t)))
                .collect()
        };
        let (age, rec) = (logs(&self.ages), logs(&self.recencies));
        let mut ll = 0.0;
        // Σ w·∂c/∂θ and the rest of the gradient.
        let mut g = [0.0; 4];
        // Σ w·∂²c: rr, (aa = ab), bb.
        let (mut c_rr, mut c_ab, mut c_bb) = (0.0, 0.0, 0.0);
        // Σ w (s₃/(α+T) + s₄/(α+t_x)), Σ w (r+x)(s₃/(α+T)² + s₄/(α+t_x)²),
        // Σ w s₄, Σ w s₄/(b+x−1)².
        let (mut m_ra, mut m_aa, mut s4_sum, mut s4_bb) = (0.0, 0.0, 0.0, 0.0);
        // Σ w s₃s₄ u uᵀ with u = ∇l₃ − ∇l₄ (upper triangle, row by row).
        let mut outer = [0.0; 10];
        // Σ w·ln(1 + e) of the log-sum-exps, as one product (w is a whole count).
        let mut sums = LogProduct::default();
        for &(w, xi, ti, ri) in &self.groups {
            let x = self.xs[xi];
            let k = &per_x[xi];
            let (l_t, i_t) = age[ti];
            let (l_r, i_r) = rec[ri];
            let rx = r + x;
            let l3 = -rx * l_t;
            let (top, one_plus_e, s3, s4) = if x > 0.0 {
                mix(l3, k.ln4 - rx * l_r)
            } else {
                (l3, 1.0, 1.0, 0.0)
            };
            ll += w * (k.c + top);
            if one_plus_e != 1.0 {
                if w <= 64.0 {
                    // Repeated multiplication, not `powi`: bit-identical on every target.
                    for _ in 0..w as u32 {
                        sums.mul(one_plus_e);
                    }
                } else {
                    ll += w * one_plus_e.libm_ln();
                }
            }
            let inv_mix = s3 * i_t + s4 * i_r;
            g[0] += w * (k.dr - s3 * l_t - s4 * l_r);
            g[1] -= w * rx * inv_mix;
            g[2] += w * k.da;
            g[3] += w * (k.db - s4 * k.inv_b);
            c_rr += w * k.drr;
            c_ab += w * k.dab;
            c_bb += w * k.dbb;
            m_ra += w * inv_mix;
            m_aa += w * rx * (s3 * i_t * i_t + s4 * i_r * i_r);
            s4_sum += w * s4;
            s4_bb += w * s4 * k.inv_b * k.inv_b;
            if s4 > 0.0 {
                let q = w * s3 * s4;
                let u = [l_r - l_t, rx * (i_r - i_t), -1.0 / a, k.inv_b];
                let mut at = 0;
                for i in 0..4 {
                    let qi = q * u[i];
                    for uj in &u[i..] {
                        outer[at] += qi * uj;
                        at += 1;
                    }
                }
            }
        }
        ll += sums.sum_of_logs();
        let n = self.customers;
        g[1] += n * r / alpha;
        g[2] += s4_sum / a;
        // The upper triangle of `outer` by (i, j), i ≤ j.
        let o = |i: usize, j: usize| outer[i * 4 - i * (i + 1) / 2 + j];
        let mut h = [[0.0; 4]; 4];
        h[0][0] = c_rr + o(0, 0);
        h[0][1] = n / alpha - m_ra + o(0, 1);
        h[1][1] = -n * r / (alpha * alpha) + m_aa + o(1, 1);
        h[0][2] = o(0, 2);
        h[0][3] = o(0, 3);
        h[1][2] = o(1, 2);
        h[1][3] = o(1, 3);
        h[2][2] = c_ab - s4_sum / (a * a) + o(2, 2);
        h[2][3] = c_ab + o(2, 3);
        h[3][3] = c_bb + s4_bb + o(3, 3);
        super::fit::mirror_upper(&mut h);
        (ll, g, h)
    }
}
