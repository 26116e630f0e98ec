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

use super::special::{digamma, ln_gamma};

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

    /// The total log-likelihood of `data` and its gradient with respect to
    /// `(ln p, ln q, ln v)` (see [`Spends::log_likelihood_and_gradient`], which
    /// a fit should use: it prepares the data once).
    pub fn log_likelihood_and_gradient(&self, data: &[Spend]) -> (f64, [f64; 3]) {
        Spends::new(data).log_likelihood_and_gradient(self)
    }
}

/// Spend summaries prepared for repeated likelihood evaluations: the distinct `x`
/// and each customer's `ln m` computed once, so an evaluation costs the gamma
/// functions once per distinct `x` and one `ln` per customer.
#[derive(Debug, Clone)]
pub struct Spends {
    /// Distinct `x`, ascending.
    xs: Vec<f64>,
    /// Per customer: (index into `xs`, `m`, `ln m`).
    rows: Vec<(usize, f64, f64)>,
}

impl Spends {
    /// Prepares `data`.
    pub fn new(data: &[Spend]) -> Self {
        let distinct: BTreeMap<u32, usize> = data
            .iter()
            .map(|d| (d.x, 0))
            .collect::<BTreeMap<_, _>>()
            .into_keys()
            .enumerate()
            .map(|(i, x)| (x, i))
            .collect();
        let xs = distinct.keys().map(|&x| f64::from(x)).collect();
        let rows = data
            .iter()
            .map(|d| {
                let i = distinct.get(&d.x).copied().unwrap_or(0);
                (i, d.m, d.m.libm_ln())
            })
            .collect();
        Self { xs, rows }
    }

    /// The total log-likelihood and its gradient with respect to
    /// `(ln p, ln q, ln v)`.
    pub fn log_likelihood_and_gradient(&self, model: &GammaGamma) -> (f64, [f64; 3]) {
        let GammaGamma { p, q, v } = *model;
        let (lg_q, dg_q, ln_v) = (ln_gamma(q), digamma(q), v.libm_ln());
        // Per distinct x: ln Γ(px+q) − ln Γ(px), ψ(px+q), ψ(px), ln x.
        let per_x: Vec<[f64; 4]> = self
            .xs
            .iter()
            .map(|&x| {
                let px = p * x;
                [
                    ln_gamma(px + q) - ln_gamma(px),
                    digamma(px + q),
                    digamma(px),
                    x.libm_ln(),
                ]
            })
            .collect();
        let (mut ll, mut g) = (0.0, [0.0; 3]);
        for &(xi, m, ln_m) in &self.rows {
            let x = self.xs[xi];
            let [lg, dg_sum, dg_px, ln_x] = per_x[xi];
            let px = p * x;
            let vxm = v + x * m;
            let ln_vxm = vxm.libm_ln();
            ll += lg - lg_q + q * ln_v + (px - 1.0) * ln_m + px * ln_x - (px + q) * ln_vxm;
            g[0] += x * (dg_sum - dg_px + ln_m + ln_x - ln_vxm);
            g[1] += dg_sum - dg_q + ln_v - ln_vxm;
            g[2] += q / v - (px + q) / vxm;
        }
        for (gi, t) in g.iter_mut().zip(model.to_array()) {
            *gi *= t;
        }
        (ll, g)
    }
}
