//! Synthetic customers from known BG/NBD and Gamma-Gamma parameters, as an event
//! table the CLV analysis reads like any file (used by `tests/clv_recovery.rs` and
//! `examples/clv_recovery.rs`).
//!
//! The process, in weeks: customer `i` makes a first purchase at noon UTC on day
//! `d₀` (spread evenly over `cohort_days`), then, while alive, buys at the
//! Poisson rate `λ ~ Gamma(r, α)` per week; after each repeat purchase they drop out
//! with probability `p ~ Beta(a, b)`. Purchases are observed up to the calibration
//! end `E` (a day), so the age is `T = (E − d₀)/7` exactly; a purchase at
//! continuous time `s` days after the first lands on day `d₀ + round(s)` (an
//! unbiased recency, whole days as the engine counts them; two purchases on one
//! day merge, as the contract says, which is rare at these rates). Each purchase's
//! value is `z ~ Gamma(p_gg, ν)` with the customer's `ν ~ Gamma(q, v)` (rates).

#![allow(dead_code)]

use tidemark::analysis::clv::bgnbd::BgNbd;
use tidemark::analysis::clv::gamma_gamma::GammaGamma;
use tidemark::table::{EventTable, TableBuilder, TableMeta};

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;
/// 2020-01-01T12:00:00Z: noon of day 0.
pub const DAY0_NOON: i64 = 1_577_880_000_000;

/// The CDNOW estimates (Fader, Hardie & Lee 2005), a realistic truth.
pub const CDNOW_BGNBD: BgNbd = BgNbd {
    r: 0.243,
    alpha: 4.414,
    a: 0.793,
    b: 2.426,
};
/// The CDNOW Gamma-Gamma estimates.
pub const CDNOW_GG: GammaGamma = GammaGamma {
    p: 6.25,
    q: 3.74,
    v: 15.44,
};

/// A small seeded generator (SplitMix64) and the samplers the simulation needs.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in (0, 1).
    pub fn uniform(&mut self) -> f64 {
        ((self.next() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
    /// Gamma(shape, 1) by Marsaglia & Tsang (boosted for shape < 1).
    pub fn gamma(&mut self, shape: f64) -> f64 {
        if shape < 1.0 {
            return self.gamma(shape + 1.0) * self.uniform().powf(1.0 / shape);
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let x = self.normal();
            let v = (1.0 + c * x).powi(3);
            if v > 0.0 && self.uniform().ln() < 0.5 * x * x + d - d * v + d * v.ln() {
                return d * v;
            }
        }
    }
    /// Beta(a, b).
    pub fn beta(&mut self, a: f64, b: f64) -> f64 {
        let x = self.gamma(a);
        x / (x + self.gamma(b))
    }
}

/// What to simulate.
#[derive(Debug, Clone, Copy)]
pub struct Population {
    /// Customers.
    pub customers: usize,
    /// First purchases are spread over days `0 … cohort_days − 1`.
    pub cohort_days: i64,
    /// The calibration end day (inclusive); at least `cohort_days`.
    pub end_day: i64,
    /// The purchase process.
    pub bgnbd: BgNbd,
    /// The purchase values.
    pub gamma_gamma: GammaGamma,
    /// The seed.
    pub seed: u64,
}

impl Population {
    /// CDNOW-like: 12 weeks of first purchases, 39 weeks of calibration after
    /// them, the CDNOW parameters.
    pub fn cdnow_like(customers: usize, seed: u64) -> Population {
        Population {
            customers,
            cohort_days: 84,
            end_day: 84 + 39 * 7,
            bgnbd: CDNOW_BGNBD,
            gamma_gamma: CDNOW_GG,
            seed,
        }
    }

    /// The calibration end as the spec writes it (`2020-12-…`).
    pub fn end_date(&self) -> String {
        let ms = DAY0_NOON + self.end_day * DAY_MS;
        chrono::DateTime::from_timestamp_millis(ms)
            .map(|t| t.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    }

    /// Simulates the purchases as an event table (event `purchase`, revenue set).
    pub fn table(&self) -> EventTable {
        let mut rng = Rng(self.seed);
        let mut b = TableBuilder::new(true, &[]);
        let Population {
            bgnbd: m,
            gamma_gamma: g,
            ..
        } = *self;
        for i in 0..self.customers {
            let user = format!("c{i:07}");
            let first = (i as i64 * self.cohort_days) / self.customers.max(1) as i64;
            let age_days = (self.end_day - first) as f64;
            let lambda = rng.gamma(m.r) / m.alpha / 7.0; // per day
            let dropout = rng.beta(m.a, m.b);
            let nu = rng.gamma(g.q) / g.v;
            let value = |rng: &mut Rng| rng.gamma(g.p) / nu;
            let v0 = value(&mut rng);
            b.push(&user, DAY0_NOON + first * DAY_MS, "purchase", Some(v0), &[]);
            let mut s = 0.0;
            loop {
                s += -rng.uniform().ln() / lambda;
                if s > age_days {
                    break;
                }
                let day = first + s.round() as i64;
                let v = value(&mut rng);
                b.push(&user, DAY0_NOON + day * DAY_MS, "purchase", Some(v), &[]);
                if rng.uniform() < dropout {
                    break;
                }
            }
        }
        b.build(TableMeta::synthetic("simulated.csv"))
    }

    /// The CLV spec that fits this population (weekly, calibration to `end_day`).
    pub fn spec_json(&self) -> String {
        format!(
            r#"{{"analysis":"clv","purchase_event":"purchase","unit":"week","calibration_end":"{}","horizon":52}}"#,
            self.end_date()
        )
    }
}
