//! Special functions the CLV models need: `ln Γ` (from `libm`, a port of musl's
//! `lgamma`), the digamma and trigamma functions `ψ`, `ψ₁`, and the hypergeometric series behind the
//! BG/NBD expectations.

use crate::analysis::libm_ext::LibmExt;

/// `ln Γ(x)` for `x > 0`.
pub fn ln_gamma(x: f64) -> f64 {
    libm::lgamma(x)
}

/// The digamma function `ψ(x) = d/dx ln Γ(x)` for `x > 0`, to about 1e-15
/// relative: the recurrence `ψ(x) = ψ(x + 1) − 1/x` up to `x ≥ 10`, then the
/// asymptotic series `ln x − 1/(2x) − Σ B₂ₖ / (2k x²ᵏ)`.
pub fn digamma(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return f64::NAN;
    }
    let mut x = x;
    let mut shift = 0.0;
    while x < 10.0 {
        shift -= 1.0 / x;
        x += 1.0;
    }
    let inv = 1.0 / x;
    let inv2 = inv * inv;
    // B2/2, B4/4, … B12/12: 1/12, −1/120, 1/252, −1/240, 1/132, −691/32760.
    let series = inv2
        * (1.0 / 12.0
            - inv2
                * (1.0 / 120.0
                    - inv2
                        * (1.0 / 252.0
                            - inv2
                                * (1.0 / 240.0 - inv2 * (1.0 / 132.0 - inv2 * 691.0 / 32760.0)))));
    shift + x.libm_ln() - 0.5 * inv - series
}

/// The trigamma function `ψ₁(x) = d²/dx² ln Γ(x)` for `x > 0`, to about 1e-15
/// relative: the recurrence `ψ₁(x) = ψ₁(x + 1) + 1/x²` up to `x ≥ 10`, then the
/// asymptotic series `1/x + 1/(2x²) + Σ B₂ₖ / x²ᵏ⁺¹`.
pub fn trigamma(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return f64::NAN;
    }
    let mut x = x;
    let mut shift = 0.0;
    while x < 10.0 {
        shift += 1.0 / (x * x);
        x += 1.0;
    }
    let inv = 1.0 / x;
    let inv2 = inv * inv;
    // B2, B4, … B12: 1/6, −1/30, 1/42, −1/30, 5/66, −691/2730.
    let series = inv2
        * inv
        * (1.0 / 6.0
            - inv2
                * (1.0 / 30.0
                    - inv2
                        * (1.0 / 42.0
                            - inv2 * (1.0 / 30.0 - inv2 * (5.0 / 66.0 - inv2 * 691.0 / 2730.0)))));
    shift + inv + 0.5 * inv2 + series
}

/// The tail `G = Σ_{k≥1} (α₁)_k (β₁+1)_{k−1} z^k / ((c)_k k!)` of the Gauss series
/// `₂F₁(α₁, β₁; c; z) = 1 + β₁ G`, for `0 ≤ z < 1` and `c > 0`.
///
/// Splitting off the factor `β₁` lets the BG/NBD expectation divide by `a − 1`
/// without cancelling when `a` is near 1 (see [`super::bgnbd`]). The sum stops
/// when a term no longer changes it (relative 1e-17), after at most 1,000,000 terms
/// (only reached for `z` within about 1e-5 of 1).
pub fn hyp2f1_tail(alpha1: f64, beta1: f64, c: f64, z: f64) -> f64 {
    if z == 0.0 {
        return 0.0;
    }
    let mut term = alpha1 * z / c;
    let mut sum = term;
    for k in 1..1_000_000u32 {
        let k = f64::from(k);
        term *= (alpha1 + k) * (beta1 + k) * z / ((c + k) * (k + 1.0));
        sum += term;
        if term == 0.0 || (term.abs() <= 1e-17 * sum.abs() && k > beta1.abs() + alpha1.abs()) {
            break;
        }
    }
    sum
}

/// A sum of logarithms kept as a product with a separate binary exponent: one
/// multiplication per factor and one `ln` at the end instead of one `ln` per
/// factor (the likelihoods' inner loops, where `ln` was most of the fit's time).
/// The product's relative rounding error grows like `n·ε`, so for `n` factors the
/// sum is off by about `n·1e-16` in absolute terms.
pub struct LogProduct {
    mantissa: f64,
    exponent: i32,
}

impl Default for LogProduct {
    fn default() -> Self {
        Self {
            mantissa: 1.0,
            exponent: 0,
        }
    }
}

impl LogProduct {
    /// Multiplies in a positive factor (0, ∞ or NaN make the logarithm −∞, ∞ or
    /// NaN, as a sum of logarithms would).
    #[inline]
    pub fn mul(&mut self, factor: f64) {
        if (1e-100..=1e100).contains(&factor) {
            self.mantissa *= factor;
        } else {
            // An extreme factor enters as its own mantissa and exponent, so the
            // running product (kept within 1e±150) can never overflow.
            let (m, e) = libm::frexp(factor);
            self.mantissa *= m;
            self.exponent = self.exponent.saturating_add(e);
        }
        if !(1e-150..=1e150).contains(&self.mantissa) {
            let (m, e) = libm::frexp(self.mantissa);
            self.mantissa = m;
            self.exponent = self.exponent.saturating_add(e);
        }
    }

    /// `Σ ln(factor)` so far.
    pub fn sum_of_logs(&self) -> f64 {
        self.mantissa.libm_ln() + f64::from(self.exponent) * std::f64::consts::LN_2
    }
}

/// `ln(eᵃ + eᵇ)` without overflow.
pub fn log_add_exp(a: f64, b: f64) -> f64 {
    let (hi, lo) = if a >= b { (a, b) } else { (b, a) };
    if hi == f64::NEG_INFINITY {
        return hi;
    }
    hi + (lo - hi).libm_exp().libm_ln_1p()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digamma_known_values() {
        // ψ(1) = −γ, ψ(1/2) = −γ − 2 ln 2, ψ(10) = H₉ − γ.
        let euler = 0.577_215_664_901_532_9;
        assert!((digamma(1.0) + euler).abs() < 1e-14);
        assert!((digamma(0.5) + euler + 2.0 * 2f64.ln()).abs() < 1e-14);
        let h9: f64 = (1..10).map(|k| 1.0 / f64::from(k)).sum();
        assert!((digamma(10.0) - (h9 - euler)).abs() < 1e-14);
        // Against the derivative of ln Γ.
        for x in [0.01, 0.3, 2.5, 17.0, 400.0] {
            let h = 1e-5 * x;
            let d = (ln_gamma(x + h) - ln_gamma(x - h)) / (2.0 * h);
            assert!((digamma(x) - d).abs() < 1e-6 * d.abs().max(1.0), "{x}");
        }
    }

    #[test]
    fn trigamma_known_values() {
        // ψ₁(1) = π²/6, ψ₁(1/2) = π²/2, ψ₁(n + 1) = ψ₁(n) − 1/n².
        let pi2 = std::f64::consts::PI * std::f64::consts::PI;
        assert!((trigamma(1.0) - pi2 / 6.0).abs() < 1e-14);
        assert!((trigamma(0.5) - pi2 / 2.0).abs() < 1e-13);
        let by_recurrence = pi2 / 6.0 - (1..25).map(|k| 1.0 / f64::from(k * k)).sum::<f64>();
        assert!((trigamma(25.0) - by_recurrence).abs() < 1e-14);
        // Against the derivative of ψ.
        for x in [0.01, 0.3, 2.5, 17.0, 400.0] {
            let h = 1e-5 * x;
            let d = (digamma(x + h) - digamma(x - h)) / (2.0 * h);
            assert!((trigamma(x) - d).abs() < 1e-6 * d.abs(), "{x}");
        }
        assert!(trigamma(0.0).is_nan() && trigamma(-1.0).is_nan());
    }

    #[test]
    fn hyp2f1_tail_matches_closed_forms() {
        // ₂F₁(1, 1; 2; z) = −ln(1 − z)/z, so G = (F − 1)/β₁ with β₁ = 1.
        for z in [0.1f64, 0.5, 0.9, 0.99] {
            let f: f64 = -(1.0 - z).ln() / z;
            assert!(
                (1.0 + hyp2f1_tail(1.0, 1.0, 2.0, z) - f).abs() < 1e-12 * f,
                "{z}"
            );
        }
    }

    #[test]
    fn log_product_equals_the_sum_of_logarithms() {
        let mut x = 7u64;
        let mut product = LogProduct::default();
        let mut sum = 0.0;
        for i in 0..20_000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let u = (x >> 11) as f64 / (1u64 << 53) as f64;
            // Factors from 1e-300 to 1e300, so the product renormalises both ways.
            let f = if i % 2 == 0 {
                (u * 690.0).exp()
            } else {
                (-u * 690.0).exp()
            };
            product.mul(f);
            sum += f.ln();
        }
        assert!(
            (product.sum_of_logs() - sum).abs() < 1e-9 * sum.abs().max(1.0),
            "{} vs {sum}",
            product.sum_of_logs()
        );
        let mut zero = LogProduct::default();
        zero.mul(0.0);
        assert_eq!(zero.sum_of_logs(), f64::NEG_INFINITY);
        assert_eq!(LogProduct::default().sum_of_logs(), 0.0);
    }

    #[test]
    fn log_add_exp_is_stable() {
        assert!((log_add_exp(1000.0, 1000.0) - (1000.0 + 2f64.ln())).abs() < 1e-12);
        assert_eq!(log_add_exp(-1e308, f64::NEG_INFINITY), -1e308);
        assert!((log_add_exp(0.0, 0.0) - 2f64.ln()).abs() < 1e-15);
    }
}
