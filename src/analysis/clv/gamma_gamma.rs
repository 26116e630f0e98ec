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
    /// `(ln p, ln q, ln v)`; the gamma functions are computed once per distinct `x`.
    pub fn log_likelihood_and_gradient(&self, data: &[Spend]) -> (f64, [f64; 3]) {
        let Self { p, q, v } = *self;
        let (lg_q, dg_q, ln_v) = (ln_gamma(q), digamma(q), v.libm_ln());
        let mut per_x: BTreeMap<u32, [f64; 4]> = BTreeMap::new();
        let (mut ll, mut g) = (0.0, [0.0; 3]);
        for d in data {
            let x = f64::from(d.x);
            let px = p * x;
            let [lg, dg_sum, dg_px, ln_x] = *per_x.entry(d.x).or_insert_with(|| {
                [
                    ln_gamma(px + q) - ln_gamma(px),
                    digamma(px + q),
                    digamma(px),
                    x.libm_ln(),
                ]
            });
            let ln_m = d.m.libm_ln();
            let ln_vxm = (v + x * d.m).libm_ln();
            ll += lg - lg_q + q * ln_v + (px - 1.0) * ln_m + px * ln_x - (px + q) * ln_vxm;
            g[0] += x * (dg_sum - dg_px + ln_m + ln_x - ln_vxm);
            g[1] += dg_sum - dg_q + ln_v - ln_vxm;
            g[2] += q / v - (px + q) / (v + x * d.m);
        }
        for (gi, t) in g.iter_mut().zip(self.to_array()) {
            *gi *= t;
        }
        (ll, g)
    }
}
