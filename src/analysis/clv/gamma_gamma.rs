//! The Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, "RFM
//! and CLV: using iso-value curves"; Fader & Hardie 2013, "The Gamma-Gamma model of
//! monetary value"): each transaction's value is `Gamma(p, ν)`, with the customer's
//! `ν ~ Gamma(q, v)`, independent of the purchase process.
//!
//! For a customer with `x` valued transactions of mean `m`, the mean has density
//! `Γ(px+q) / (Γ(px) Γ(q)) · v^q m^(px−1) x^(px) / (v + x m)^(px+q)`; the
//! log-likelihood below is its logarithm (finite for any `x ≥ 1`, `m > 0`). The
//! expected spend per transaction given `(x, m)` is the weighted mean
//! `(q−1)/(px+q−1) · pv/(q−1) + px/(px+q−1) · m = p (v + x m) / (px + q − 1)`.

use crate::analysis::libm_ext::LibmExt;
use std::collections::BTreeMap;

use super::special::{LogProduct, digamma, ln_gamma, trigamma};

/// Gamma-Gamma parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GammaGamma {
    /// Shape of a transaction's value.
    pub p: f64,
    /// Shape of the customers' rate `ν`.
    pub q: f64,
    /// Rate of the customers' `ν` (in money units).
    pub v: f64,
}

/// One customer's spend summary: `x ≥ 1` valued transactions of mean `m > 0`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spend {
    /// Number of valued transactions averaged.
    pub x: u32,
    /// Their mean value.
    pub m: f64,
}

impl GammaGamma {
    /// The parameters as an array `[p, q, v]`.
    pub fn to_array(self) -> [f64; 3] {
        [self.p, self.q, self.v]
    }

    /// Parameters from `[p, q, v]`.
    pub fn from_array(a: [f64; 3]) -> Self {
        Self {
            p: a[0],
            q: a[1],
            v: a[2],
        }
    }

    /// The log-likelihood of one customer's mean spend.
    pub fn log_likelihood(&self, x: f64, m: f64) -> f64 {
        let Self { p, q, v } = *self;
        let px = p * x;
        ln_gamma(px + q) - ln_gamma(px) - ln_gamma(q)
            + q * v.libm_ln()
            + (px - 1.0) * m.libm_ln()
            + px * x.libm_ln()
            - (px + q) * (v + x * m).libm_ln()
    }

    /// Expected spend per transaction of a customer with `x` valued transactions of
    /// mean `m`; with `x = 0`, the population mean `pv/(q−1)` (`None` when `q ≤ 1`:
    /// the mean is infinite).
    pub fn expected_spend(&self, x: f64, m: f64) -> Option<f64> {
        let Self { p, q, v } = *self;
        if x > 0.0 {
            Some(p * (v + x * m) / (p * x + q - 1.0))
        } else {
            (q > 1.0).then(|| p * v / (q - 1.0))
        }
    }

    /// The total log-likelihood of `data` with its gradient and Hessian in
    /// `(p, q, v)` (see [`Spends::log_likelihood_derivatives`], which a fit should
    /// use: it prepares the data once).
    pub fn log_likelihood_derivatives(&self, data: &[Spend]) -> (f64, [f64; 3], [[f64; 3]; 3]) {
        Spends::new(data).log_likelihood_derivatives(self)
    }
}

/// Spend summaries prepared for repeated likelihood evaluations, grouped by `x`:
/// per group the count and `Σ ln m` (constant), so an evaluation costs the gamma
/// functions and one `ln` per distinct `x`, and per customer one multiplication
/// (into a [`LogProduct`] of `v + x·m`), one division and two multiply-adds.
#[derive(Debug, Clone)]
pub struct Spends {
    /// Per distinct `x`, ascending: (x, customers, Σ ln m, the customers' m).
    groups: Vec<(f64, f64, f64, Vec<f64>)>,
}

impl Spends {
    /// Prepares `data`.
    pub fn new(data: &[Spend]) -> Self {
        let mut by_x: BTreeMap<u32, Vec<f64>> = BTreeMap::new();
        for d in data {
            by_x.entry(d.x).or_default().push(d.m);
        }
        let groups = by_x
            .into_iter()
            .map(|(x, ms)| {
                let sum_ln_m = ms.iter().map(|m| m.libm_ln()).sum();
                (f64::from(x), ms.len() as f64, sum_ln_m, ms)
            })
            .collect();
        Self { groups }
    }

    /// The total log-likelihood with its gradient and Hessian in the natural
    /// parameters `(p, q, v)`. Per group of `n` customers with `x` transactions,
    /// with `S = Σ ln(v + x m)`, `S₁ = Σ 1/(v + x m)`, `S₂ = Σ 1/(v + x m)²`:
    /// `∂²/∂p² = n x² (ψ₁(px+q) − ψ₁(px))`, `∂²/∂p∂q = n x ψ₁(px+q)`,
    /// `∂²/∂p∂v = −x S₁`, `∂²/∂q² = n (ψ₁(px+q) − ψ₁(q))`, `∂²/∂q∂v = n/v − S₁`,
    /// `∂²/∂v² = −n q/v² + (px+q) S₂`.
    pub fn log_likelihood_derivatives(&self, model: &GammaGamma) -> (f64, [f64; 3], [[f64; 3]; 3]) {
        let GammaGamma { p, q, v } = *model;
        let (lg_q, dg_q, tg_q, ln_v) = (ln_gamma(q), digamma(q), trigamma(q), v.libm_ln());
        let (mut ll, mut g, mut h) = (0.0, [0.0; 3], [[0.0; 3]; 3]);
        for (x, n, sum_ln_m, ms) in &self.groups {
            let (x, n, sum_ln_m) = (*x, *n, *sum_ln_m);
            let px = p * x;
            let (lg, dg_sum, dg_px, ln_x) = (
                ln_gamma(px + q) - ln_gamma(px),
                digamma(px + q),
                digamma(px),
                x.libm_ln(),
            );
            let (tg_sum, tg_px) = (trigamma(px + q), trigamma(px));
            // Σ ln(v + x m), Σ 1/(v + x m) and Σ 1/(v + x m)² over the group.
            let mut logs = LogProduct::default();
            let (mut inverse, mut inverse2) = (0.0, 0.0);
            for &m in ms {
                let vxm = v + x * m;
                logs.mul(vxm);
                let i = 1.0 / vxm;
                inverse += i;
                inverse2 += i * i;
            }
            let sum_ln_vxm = logs.sum_of_logs();
            ll += n * (lg - lg_q + q * ln_v + px * ln_x) + (px - 1.0) * sum_ln_m
                - (px + q) * sum_ln_vxm;
            g[0] += x * (n * (dg_sum - dg_px + ln_x) + sum_ln_m - sum_ln_vxm);
            g[1] += n * (dg_sum - dg_q + ln_v) - sum_ln_vxm;
            g[2] += n * q / v - (px + q) * inverse;
            h[0][0] += n * x * x * (tg_sum - tg_px);
            h[0][1] += n * x * tg_sum;
            h[0][2] -= x * inverse;
            h[1][1] += n * (tg_sum - tg_q);
            h[1][2] += n / v - inverse;
            h[2][2] += -n * q / (v * v) + (px + q) * inverse2;
        }
        super::fit::mirror_upper(&mut h);
        (ll, g, h)
    }
}
