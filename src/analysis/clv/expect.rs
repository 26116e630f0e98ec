//! The BG/NBD expectations given alive, `E[X(h) | x, T] / P(alive)`
//! ([`BgNbd::expected_if_alive`]), for many customers and a fixed list of
//! horizons `h` (scoring: every unit of the CLV horizon, and the holdout).
//!
//! The expectation is `c · (head − (1−z)^β₁ G)` with `z = h/(α+T+h)`,
//! `β₁ = a − 1`, `c = a+b+x−1` and `G` the tail of a Gauss series in `z` (see
//! [`super::bgnbd`]). `z`, `ln(1−z)`, `(1−z)^β₁` and the head depend only on
//! `(T, h)`; the series' term ratios `(α₁+k)(β₁+k)/((c+k)(k+1))` only on `x`.
//! So each age computes its logarithms and powers once for every `x`, and each
//! `x` its ratios once for every age: the series costs two multiplications per
//! term and no division, and a customer group no `exp` or `ln` at all. (Before,
//! each `(x, T, h)` took five transcendental calls and a division per term: on
//! CDNOW master 979 `(x, T)` × 41 horizons were the bulk of scoring.)
//!
//! Where the fast form is not finite (a series overflowing when `a` and `b` run
//! off; a product of an underflowing power and a huge series), the value is
//! [`BgNbd::expected_if_alive`]'s, which handles those cases.

use foldhash::fast::FixedState;
use hashbrown::HashMap;

use crate::analysis::libm_ext::LibmExt;

use super::bgnbd::BgNbd;

/// The most `(T, h)` terms kept (32 bytes each): with many ages and a long
/// horizon (days over years), the cache starts over rather than grow.
const AGE_TERMS_BUDGET: usize = 1 << 18;

/// The most term ratios kept per `x`: a series that needs more (`z` very near 1)
/// computes the rest as it goes, as [`super::special::hyp2f1_tail`] does.
const RATIOS_KEPT: usize = 4096;

/// What one `(T, h)` shares across every `x`.
#[derive(Debug, Clone, Copy)]
struct AgeTerm {
    z: f64,
    /// `[1 − (1−z)^β₁] / β₁` (`−ln(1−z)` when `β₁ = 0`).
    head: f64,
    /// `ln(1−z)`.
    ln_1mz: f64,
    /// `(1−z)^β₁`.
    power: f64,
}

/// The expectations given alive at fixed horizons, with the shared parts cached.
#[derive(Debug)]
pub struct IfAlive {
    model: BgNbd,
    horizons: Vec<f64>,
    /// Per age (bits of `T`): one term per horizon.
    ages: HashMap<u64, Vec<AgeTerm>, FixedState>,
    /// Per `x`: the series' term ratios so far (grown on demand).
    ratios: HashMap<u32, Vec<f64>, FixedState>,
}

impl IfAlive {
    /// The expectations of `model` at `horizons` (time units; `≤ 0` gives 0).
    pub fn new(model: BgNbd, horizons: Vec<f64>) -> Self {
        Self {
            model,
            horizons,
            ages: HashMap::default(),
            ratios: HashMap::default(),
        }
    }

    /// The horizons, in the order [`IfAlive::at`] fills its output.
    pub fn horizons(&self) -> &[f64] {
        &self.horizons
    }

    /// `out[i] = E[X(horizons[i]) | x, T] / P(alive)` for a customer with `x`
    /// repeat purchases and age `t`; `out` has one slot per horizon.
    pub fn at(&mut self, x: u32, t: f64, out: &mut [f64]) {
        let model = self.model;
        if model.uses_direct_series() {
            // Nothing to share: each value is one short series.
            for (slot, &h) in out.iter_mut().zip(&self.horizons) {
                *slot = model.expected_if_alive(h, f64::from(x), t);
            }
            return;
        }
        let beta1 = model.a - 1.0;
        let alpha1 = model.a + model.b - 1.0 - model.r;
        let xf = f64::from(x);
        let c = model.a + model.b + xf - 1.0;
        let horizons = &self.horizons;
        if (self.ages.len() + 1) * horizons.len() > AGE_TERMS_BUDGET
            && !self.ages.contains_key(&t.to_bits())
        {
            self.ages.clear();
        }
        let terms = self
            .ages
            .entry(t.to_bits())
            .or_insert_with(|| age_terms(&model, t, horizons));
        let ratios = self.ratios.entry(x).or_default();
        for ((slot, term), &h) in out.iter_mut().zip(terms.iter()).zip(horizons) {
            if h <= 0.0 {
                *slot = 0.0;
                continue;
            }
            let g = series(alpha1, beta1, c, term.z, ratios);
            let tail = if g > 0.0 {
                let product = term.power * g;
                if product.is_finite() && term.power.is_normal() {
                    product
                } else {
                    // (1−z)^β₁ · G in log space: the power alone underflows while
                    // G is huge.
                    (beta1 * term.ln_1mz + g.libm_ln()).libm_exp()
                }
            } else {
                term.power * g
            };
            let e = c * (term.head - tail);
            *slot = if e.is_finite() && e >= 0.0 {
                e
            } else {
                model.expected_if_alive(h, xf, t)
            };
        }
    }
}

/// The shared terms of age `t` at each horizon.
fn age_terms(model: &BgNbd, t: f64, horizons: &[f64]) -> Vec<AgeTerm> {
    let beta1 = model.a - 1.0;
    let ln_age = (model.alpha + t).libm_ln();
    horizons
        .iter()
        .map(|&h| {
            let z = h / (model.alpha + t + h);
            // ln(1 − z), accurate for small z.
            let ln_1mz = ln_age - (model.alpha + t + h).libm_ln();
            let head = if beta1 == 0.0 {
                -ln_1mz
            } else {
                -(beta1 * ln_1mz).libm_exp_m1() / beta1
            };
            AgeTerm {
                z,
                head,
                ln_1mz,
                power: (beta1 * ln_1mz).libm_exp(),
            }
        })
        .collect()
}

/// The tail `G = Σ_{k≥1} (α₁)_k (β₁+1)_{k−1} z^k / ((c)_k k!)` (as
/// [`super::special::hyp2f1_tail`], with the same stopping rule), its term
/// ratios taken from (and added to, up to [`RATIOS_KEPT`])
/// `ratios[k−1] = (α₁+k)(β₁+k)/((c+k)(k+1))`.
fn series(alpha1: f64, beta1: f64, c: f64, z: f64, ratios: &mut Vec<f64>) -> f64 {
    if z == 0.0 {
        return 0.0;
    }
    let mut term = alpha1 * z / c;
    let mut sum = term;
    for k in 1..1_000_000u32 {
        let i = k as usize - 1;
        let ratio = match ratios.get(i) {
            Some(&r) => r,
            None => {
                let kf = f64::from(k);
                let r = (alpha1 + kf) * (beta1 + kf) / ((c + kf) * (kf + 1.0));
                if i < RATIOS_KEPT {
                    ratios.push(r);
                }
                r
            }
        };
        term *= ratio * z;
        sum += term;
        if term == 0.0
            || (term.abs() <= 1e-17 * sum.abs() && f64::from(k) > beta1.abs() + alpha1.abs())
        {
            break;
        }
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(a: f64, b: f64) -> f64 {
        (a - b).abs() / b.abs().max(1e-300)
    }

    /// Every horizon of every customer against [`BgNbd::expected_if_alive`].
    fn check(model: BgNbd, horizons: &[f64], xs: &[u32], ages: &[f64]) {
        let mut table = IfAlive::new(model, horizons.to_vec());
        let mut out = vec![0.0; horizons.len()];
        for &x in xs {
            for &t in ages {
                table.at(x, t, &mut out);
                for (&h, &got) in horizons.iter().zip(&out) {
                    let want = model.expected_if_alive(h, f64::from(x), t);
                    assert!(
                        got == want || rel(got, want) < 1e-12,
                        "{model:?} x={x} T={t} h={h}: {got} vs {want}"
                    );
                }
            }
        }
    }

    #[test]
    fn equals_the_direct_expectation_for_many_customers() {
        let horizons: Vec<f64> = (0..=40).map(f64::from).chain([0.5, 13.7, 500.0]).collect();
        let xs = [0u32, 1, 2, 7, 30, 500];
        let ages = [0.0, 0.5, 12.0, 38.86, 77.0, 10_000.0];
        for model in [
            BgNbd {
                r: 0.243,
                alpha: 4.414,
                a: 0.793,
                b: 2.426,
            },
            BgNbd {
                r: 2.5,
                alpha: 0.7,
                a: 1.0,
                b: 0.4,
            },
            BgNbd {
                r: 0.05,
                alpha: 80.0,
                a: 3.5,
                b: 30.0,
            },
        ] {
            check(model, &horizons, &xs, &ages);
        }
        // a and b run off: the series overflows and the direct form's limit
        // applies (each series runs to its million-term cap: few customers).
        let run_off = BgNbd {
            r: 0.3,
            alpha: 5.0,
            a: 4.0e7,
            b: 1.2e8,
        };
        check(run_off, &[0.0, 1.0, 13.7], &[2], &[38.86]);
    }

    #[test]
    fn a_small_budget_recomputes_instead_of_growing() {
        let model = BgNbd {
            r: 0.243,
            alpha: 4.414,
            a: 0.793,
            b: 2.426,
        };
        let horizons: Vec<f64> = (1..=2000).map(f64::from).collect();
        let ages: Vec<f64> = (0..300).map(|d| f64::from(d) / 7.0).collect();
        let mut table = IfAlive::new(model, horizons.clone());
        let mut out = vec![0.0; horizons.len()];
        for &t in &ages {
            table.at(3, t, &mut out);
            assert!(table.ages.len() * horizons.len() <= AGE_TERMS_BUDGET);
        }
        table.at(3, 1.5, &mut out);
        assert!(rel(out[99], model.expected_if_alive(100.0, 3.0, 1.5)) < 1e-12);
    }
}
