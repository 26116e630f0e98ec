//! Small statistics shared by the analyses: median and mean (both `None` for no
//! values, so an empty group reads as `null` in JSON rather than as a misleading
//! 0), the complementary error function, and the comparison of two proportions
//! (Wald interval of the difference, pooled two-proportion z-test), and the 2×2
//! table's odds ratio (Haldane correction, Woolf interval) with Fisher's exact test.

use crate::analysis::libm_ext::LibmExt;

/// The median of `values` (reordered in place): the middle value, or the mean of
/// the two middle values for an even count; `None` when empty. NaNs sort last
/// (`f64::total_cmp`), so they never panic the sort.
pub fn median(values: &mut [f64]) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    values.sort_unstable_by(f64::total_cmp);
    let mid = n / 2;
    if n % 2 == 1 {
        Some(values[mid])
    } else {
        Some((values[mid - 1] + values[mid]) / 2.0)
    }
}

/// The arithmetic mean of `values`; `None` when empty.
pub fn mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    Some(values.iter().sum::<f64>() / values.len() as f64)
}

/// The complementary error function `erfc(x) = 1 − erf(x)`, to about 1e-14
/// relative error: the Maclaurin series of `erf` for `|x| < 2.5` (where `erfc`
/// is at least 4e-4, so the subtraction loses nothing that matters), and the
/// continued fraction `erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))`
/// (evaluated by the modified Lentz method) above; `erfc(−x) = 2 − erfc(x)`.
pub fn erfc(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x < 0.0 {
        return 2.0 - erfc(-x);
    }
    if x < 2.5 {
        // erf(x) = 2/√π Σ (−1)^n x^(2n+1) / (n! (2n+1))
        let x2 = x * x;
        let mut term = x; // (−1)^n x^(2n+1) / n!
        let mut sum = x;
        for n in 1..200 {
            term *= -x2 / n as f64;
            let add = term / (2 * n + 1) as f64;
            sum += add;
            if add.abs() < 1e-17 * sum.abs() {
                break;
            }
        }
        return 1.0 - sum * std::f64::consts::FRAC_2_SQRT_PI;
    }
    if x > 27.0 {
        return 0.0; // below the smallest f64
    }
    // Continued fraction b0 + a1/(b1 + a2/(b2 + …)) with b_i = x, a_i = i/2.
    let tiny = 1e-300;
    let mut f = x;
    let mut c = x;
    let mut d = 0.0;
    for i in 1..500 {
        let a = i as f64 / 2.0;
        d = x + a * d;
        if d.abs() < tiny {
            d = tiny;
        }
        c = x + a / c;
        if c.abs() < tiny {
            c = tiny;
        }
        d = 1.0 / d;
        let delta = c * d;
        f *= delta;
        if (delta - 1.0).abs() < 1e-16 {
            break;
        }
    }
    (-x * x).libm_exp() / (f * std::f64::consts::PI.sqrt())
}

/// The two-sided p-value of a standard normal statistic `z`: `P(|Z| >= |z|) =
/// erfc(|z| / √2)`.
pub fn normal_two_sided_p(z: f64) -> f64 {
    erfc(z.abs() / std::f64::consts::SQRT_2).min(1.0)
}

/// The 0.975 quantile of the standard normal distribution (a 95% interval).
pub const Z_95: f64 = 1.959_963_984_540_054;

/// Two proportions `x1 / n1` and `x0 / n0` compared.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProportionTest {
    /// `x1 / n1`.
    pub p1: f64,
    /// `x0 / n0`.
    pub p0: f64,
    /// Low end of the 95% Wald interval of `p1 − p0`:
    /// `(p1 − p0) ± 1.96 · sqrt(p1(1 − p1)/n1 + p0(1 − p0)/n0)`.
    pub ci_low: f64,
    /// High end of that interval.
    pub ci_high: f64,
    /// Two-sided p-value of the pooled two-proportion z-test: with
    /// `p = (x1 + x0)/(n1 + n0)`, `z = (p1 − p0) / sqrt(p(1 − p)(1/n1 + 1/n0))`;
    /// 1 when `p` is 0 or 1 (both groups identical: no evidence of a difference).
    pub p_value: f64,
}

/// Compares `x1 / n1` with `x0 / n0`; `None` when either group is empty.
pub fn two_proportions(x1: u64, n1: u64, x0: u64, n0: u64) -> Option<ProportionTest> {
    if n1 == 0 || n0 == 0 {
        return None;
    }
    let (x1f, n1f, x0f, n0f) = (x1 as f64, n1 as f64, x0 as f64, n0 as f64);
    let (p1, p0) = (x1f / n1f, x0f / n0f);
    let diff = p1 - p0;
    let se = (p1 * (1.0 - p1) / n1f + p0 * (1.0 - p0) / n0f).sqrt();
    let pooled = (x1f + x0f) / (n1f + n0f);
    let se0 = (pooled * (1.0 - pooled) * (1.0 / n1f + 1.0 / n0f)).sqrt();
    let p_value = if se0 > 0.0 {
        normal_two_sided_p(diff / se0)
    } else {
        1.0
    };
    Some(ProportionTest {
        p1,
        p0,
        ci_low: diff - Z_95 * se,
        ci_high: diff + Z_95 * se,
        p_value,
    })
}

/// The odds ratio of a 2×2 table `[[a, b], [c, d]]` with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OddsRatio {
    /// `a·d / (b·c)`, with 0.5 added to every cell when any is 0 (Haldane).
    pub odds_ratio: f64,
    /// `exp(ln OR − 1.96 · sqrt(1/a + 1/b + 1/c + 1/d))` (Woolf), same cells.
    pub ci_low: f64,
    /// `exp(ln OR + 1.96 · sqrt(…))`.
    pub ci_high: f64,
}

/// The odds ratio and Woolf 95% interval of `[[a, b], [c, d]]`.
pub fn odds_ratio(a: u64, b: u64, c: u64, d: u64) -> OddsRatio {
    let shift = if a == 0 || b == 0 || c == 0 || d == 0 {
        0.5
    } else {
        0.0
    };
    let [a, b, c, d] = [a, b, c, d].map(|x| x as f64 + shift);
    let ln = (a * d / (b * c)).libm_ln();
    let se = (1.0 / a + 1.0 / b + 1.0 / c + 1.0 / d).sqrt();
    OddsRatio {
        odds_ratio: ln.libm_exp(),
        ci_low: (ln - Z_95 * se).libm_exp(),
        ci_high: (ln + Z_95 * se).libm_exp(),
    }
}

/// The two-sided p-value of Fisher's exact test on `[[a, b], [c, d]]`: with the
/// margins fixed, the sum of the hypergeometric probabilities of every table no
/// more likely than the observed one (relative tolerance 1e-7, as R's
/// `fisher.test`).
pub fn fisher_exact(a: u64, b: u64, c: u64, d: u64) -> f64 {
    let (row1, col1, n) = (a + b, a + c, a + b + c + d);
    let ln_choose = |n: u64, k: u64| {
        libm::lgamma(n as f64 + 1.0)
            - libm::lgamma(k as f64 + 1.0)
            - libm::lgamma((n - k) as f64 + 1.0)
    };
    let ln_denom = ln_choose(n, col1);
    // P(X = x): x of the first row in the first column.
    let ln_p = |x: u64| ln_choose(row1, x) + ln_choose(n - row1, col1 - x) - ln_denom;
    let lo = col1.saturating_sub(n - row1);
    let hi = row1.min(col1);
    let observed = ln_p(a);
    let mut p = 0.0;
    for x in lo..=hi {
        let l = ln_p(x);
        if l <= observed + 1e-7 {
            p += l.libm_exp();
        }
    }
    p.min(1.0)
}

/// The smallest expected count of `[[a, b], [c, d]]` under independence (row
/// total × column total / n); 0 for an empty table.
pub fn min_expected(a: u64, b: u64, c: u64, d: u64) -> f64 {
    let n = (a + b + c + d) as f64;
    if n == 0.0 {
        return 0.0;
    }
    let rows = [(a + b) as f64, (c + d) as f64];
    let cols = [(a + c) as f64, (b + d) as f64];
    rows.iter()
        .flat_map(|r| cols.iter().map(move |c| r * c / n))
        .fold(f64::INFINITY, f64::min)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odds_ratio_by_hand() {
        // [[20, 10], [5, 15]]: OR = 300 / 50 = 6; se = sqrt(1/20 + 1/10 + 1/5 + 1/15)
        // = sqrt(0.41667) = 0.645497; CI = 6 · exp(±1.96 · 0.645497) = 1.6934, 21.258.
        let o = odds_ratio(20, 10, 5, 15);
        assert!((o.odds_ratio - 6.0).abs() < 1e-12);
        assert!((o.ci_low - 1.693_4).abs() < 1e-3, "{}", o.ci_low);
        assert!((o.ci_high - 21.258).abs() < 1e-2, "{}", o.ci_high);
        // A zero cell: Haldane: (2.5 · 3.5) / (0.5 · 1.5) = 11.6667.
        let o = odds_ratio(2, 0, 1, 3);
        assert!((o.odds_ratio - 8.75 / 0.75).abs() < 1e-12);
    }

    #[test]
    fn fisher_exact_matches_published_values() {
        // The lady tasting tea, [[3, 1], [1, 3]]: two-sided p = 34/70 = 0.4857.
        assert!((fisher_exact(3, 1, 1, 3) - 34.0 / 70.0).abs() < 1e-12);
        // [[1, 9], [11, 3]] (Wikipedia, "Fisher's exact test"): p = 0.002759.
        assert!((fisher_exact(1, 9, 11, 3) - 0.002_759_456).abs() < 1e-8);
        // Symmetric under transposition and row swap.
        assert!((fisher_exact(9, 1, 3, 11) - 0.002_759_456).abs() < 1e-8);
        assert_eq!(fisher_exact(0, 0, 0, 0), 1.0);
        assert!((min_expected(3, 1, 1, 3) - 2.0).abs() < 1e-12);
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&mut [7.0]), Some(7.0));
        assert_eq!(median(&mut []), None);
    }

    #[test]
    fn mean_of_values() {
        assert_eq!(mean(&[1.0, 2.0, 6.0]), Some(3.0));
        assert_eq!(mean(&[]), None);
    }

    #[test]
    fn erfc_matches_published_values() {
        // Reference values from Abramowitz & Stegun / mpmath (15+ digits).
        let cases = [
            (0.0, 1.0),
            (0.1, 0.887_537_083_981_715),
            (0.5, 0.479_500_122_186_953_5),
            (1.0, 0.157_299_207_050_285_13),
            (2.0, 0.004_677_734_981_047_266),
            (2.5, 0.000_406_952_017_444_959),
            (3.0, 2.209_049_699_858_544e-5),
            (5.0, 1.537_459_794_428_035e-12),
            (10.0, 2.088_487_583_762_545e-45),
            (-1.0, 1.842_700_792_949_715),
        ];
        for (x, want) in cases {
            let got = erfc(x);
            assert!(
                ((got - want) / want).abs() < 1e-12,
                "erfc({x}) = {got}, want {want}"
            );
        }
        assert_eq!(erfc(30.0), 0.0);
        assert_eq!(erfc(-30.0), 2.0);
    }

    #[test]
    fn p_value_of_z_1_96_is_5_percent() {
        assert!((normal_two_sided_p(Z_95) - 0.05).abs() < 1e-12);
        assert!((normal_two_sided_p(-Z_95) - 0.05).abs() < 1e-12);
        assert_eq!(normal_two_sided_p(0.0), 1.0);
    }

    #[test]
    fn two_proportions_by_hand() {
        // 30/100 vs 10/100: diff 0.2; Wald se = sqrt(.21/100 + .09/100) = sqrt(.003);
        // pooled p = .2, se0 = sqrt(.16 · .02) = sqrt(.0032); z = .2/.0565685 = 3.5355.
        let t = two_proportions(30, 100, 10, 100).unwrap();
        assert_eq!((t.p1, t.p0), (0.3, 0.1));
        let se = 0.003f64.sqrt();
        assert!((t.ci_low - (0.2 - Z_95 * se)).abs() < 1e-12);
        assert!((t.ci_high - (0.2 + Z_95 * se)).abs() < 1e-12);
        // P(|Z| > 3.535534) = 4.0695e-4 (statistical tables / scipy).
        assert!(
            (t.p_value - 4.069_520_174_449_6e-4).abs() < 1e-9,
            "{}",
            t.p_value
        );
        assert_eq!(two_proportions(0, 5, 0, 7).unwrap().p_value, 1.0);
        assert_eq!(two_proportions(1, 0, 0, 7), None);
    }
}
