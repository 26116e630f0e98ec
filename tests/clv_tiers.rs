//! CLV value tiers, churn risk and the chart summaries (P(alive) histogram,
//! frequency × recency matrix) against naive references: on random customer lists
//! with many ties, and on the CDNOW sample through the engine.

use tidemark::analysis::clv::tiers::{self, Tier, TierMetric};
use tidemark::analysis::clv::{self, views};
use tidemark::report::{ClvCustomer, ClvReport};
use tidemark::spec::{ClvSpec, Spec};
use tidemark::table::EventTable;

fn spec(fields: &str) -> Result<ClvSpec, String> {
    let sep = if fields.is_empty() { "" } else { "," };
    match Spec::from_json(&format!(r#"{{"analysis":"clv"{sep}{fields}}}"#)) {
        Ok(Spec::Clv(c)) => Ok(c),
        Ok(other) => panic!("not clv: {other:?}"),
        Err(e) => Err(e.to_string()),
    }
}

fn cdnow_sample() -> EventTable {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/cdnow_sample.csv");
    let bytes = std::fs::read(path).unwrap();
    tidemark::ingest::load(
        "cdnow_sample.csv",
        &bytes,
        tidemark::LoadOptions::default(),
        &mut tidemark::progress::Silent,
    )
    .unwrap()
}

const CDNOW_SPEC: &str = r#""purchase_event":"purchase","unit":"week","calibration_end":"1997-09-30","horizon":39,"discount_rate":0.01"#;

fn customer(clv: Option<f64>, expected: f64, p_alive: f64) -> ClvCustomer {
    ClvCustomer {
        user: String::new(),
        frequency: 0,
        recency: 0.0,
        age: 1.0,
        expected_purchases: expected,
        p_alive,
        spend: None,
        expected_spend: clv.map(|_| 1.0),
        clv,
        holdout_purchases: 0,
        tier: String::new(),
        churn_risk: 1.0 - p_alive,
        at_risk: false,
    }
}

/// The definition, spelled out: count the customers with a strictly larger value.
fn naive_tier(values: &[f64], i: usize, high: f64, mid: f64) -> &'static str {
    let n = values.len() as f64;
    let larger = values.iter().filter(|v| **v > values[i]).count() as f64;
    if larger < high * n {
        "high"
    } else if larger < (high + mid) * n {
        "mid"
    } else {
        "low"
    }
}

/// SplitMix64.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[test]
fn tiers_match_the_naive_definition_on_random_lists_with_ties() {
    let mut rng = Rng(7);
    for round in 0..300 {
        let n = 1 + rng.below(60) as usize;
        // Few distinct values, so ties straddle the boundaries; some missing CLVs.
        let distinct = 1 + rng.below(8);
        let list: Vec<ClvCustomer> = (0..n)
            .map(|_| {
                let v = rng.below(distinct) as f64 * 2.5;
                let clv = (rng.below(10) != 0).then_some(v);
                customer(clv, v / 10.0, rng.below(101) as f64 / 100.0)
            })
            .collect();
        let high = rng.below(11) as f64 / 10.0;
        let mid = rng.below(11 - (high * 10.0).round() as u64) as f64 / 10.0;
        let metric = tiers::metric(&list);
        assert_eq!(
            metric == TierMetric::Clv,
            list.iter().any(|c| c.clv.is_some())
        );
        let values: Vec<f64> = list
            .iter()
            .map(|c| match metric {
                TierMetric::Clv => c.clv.unwrap_or(f64::NEG_INFINITY),
                TierMetric::ExpectedPurchases => c.expected_purchases,
            })
            .collect();
        let got = tiers::assign(&list, metric, high, mid);
        for (i, t) in got.iter().enumerate() {
            assert_eq!(
                t.name(),
                naive_tier(&values, i, high, mid),
                "round {round}: customer {i} of {values:?}, shares {high}/{mid}"
            );
        }
        // Equal values share a tier.
        for i in 0..n {
            for j in 0..n {
                if values[i] == values[j] {
                    assert_eq!(got[i], got[j]);
                }
            }
        }
    }
}

#[test]
fn without_any_clv_tiers_rank_by_expected_purchases() {
    let list: Vec<ClvCustomer> = (0..10).map(|i| customer(None, f64::from(i), 0.9)).collect();
    assert_eq!(tiers::metric(&list), TierMetric::ExpectedPurchases);
    let got = tiers::assign(&list, TierMetric::ExpectedPurchases, 0.2, 0.3);
    let names: Vec<&str> = got.iter().map(|t| t.name()).collect();
    assert_eq!(
        names,
        [
            "low", "low", "low", "low", "low", "mid", "mid", "mid", "high", "high"
        ]
    );
    assert!(tiers::at_risk(Tier::High, 0.49, 0.5));
    assert!(!tiers::at_risk(Tier::High, 0.5, 0.5));
    assert!(!tiers::at_risk(Tier::Mid, 0.1, 0.5));
}

fn cdnow_report(extra: &str) -> ClvReport {
    let fields = if extra.is_empty() {
        CDNOW_SPEC.to_string()
    } else {
        format!("{CDNOW_SPEC},{extra}")
    };
    clv::clv(&cdnow_sample(), &spec(&fields).unwrap()).unwrap()
}

/// Every customer's tier, churn risk and at-risk flag, and every tier summary,
/// recomputed naively from the report's own customers.
fn check_report(r: &ClvReport) {
    let n = r.customers.len();
    assert_eq!(r.tier_metric, "clv");
    let values: Vec<f64> = r
        .customers
        .iter()
        .map(|c| c.clv.unwrap_or(f64::NEG_INFINITY))
        .collect();
    for (i, c) in r.customers.iter().enumerate() {
        assert_eq!(
            c.tier,
            naive_tier(&values, i, r.high_share, r.mid_share),
            "{c:?}"
        );
        assert_eq!(c.churn_risk, 1.0 - c.p_alive);
        assert_eq!(c.at_risk, c.tier == "high" && c.p_alive < r.at_risk_below);
    }
    let names: Vec<&str> = r.tiers.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["high", "mid", "low"]);
    for t in &r.tiers {
        let members: Vec<&ClvCustomer> = r.customers.iter().filter(|c| c.tier == t.name).collect();
        assert_eq!(t.customers, members.len() as u64);
        assert!((t.share - members.len() as f64 / n as f64).abs() < 1e-12);
        let total: f64 = members.iter().map(|c| c.clv.unwrap()).sum();
        assert!((t.clv_total.unwrap() - total).abs() <= 1e-9 * total.abs().max(1.0));
        assert!(
            (t.clv_mean.unwrap() - total / members.len() as f64).abs()
                <= 1e-9 * total.abs().max(1.0)
        );
        assert_eq!(
            t.at_risk,
            members.iter().filter(|c| c.at_risk).count() as u64
        );
    }
    assert_eq!(r.tiers.iter().map(|t| t.customers).sum::<u64>(), n as u64);
    assert_eq!(
        r.at_risk,
        r.customers.iter().filter(|c| c.at_risk).count() as u64
    );
}

#[test]
fn cdnow_tiers_and_churn_risk() {
    let r = cdnow_report("");
    check_report(&r);
    // Nominal shares are met up to the ties at each boundary.
    let high = &r.tiers[0];
    assert!(high.share >= 0.2 && high.share < 0.25, "{high:?}");
    assert!(r.tiers[0].clv_mean > r.tiers[1].clv_mean);
    assert!(r.tiers[1].clv_mean > r.tiers[2].clv_mean);
    assert!(r.at_risk > 0, "CDNOW has lapsed heavy buyers");

    let other = cdnow_report(r#""high_share":0.1,"mid_share":0.5,"at_risk_below":0.3"#);
    check_report(&other);
    assert!(other.tiers[0].customers < r.tiers[0].customers);
    assert!(other.at_risk <= r.at_risk);
}

#[test]
fn cdnow_p_alive_histogram_and_matrix() {
    let r = cdnow_report("");
    let h = &r.p_alive_histogram;
    assert_eq!(h.len(), views::P_ALIVE_BINS);
    assert_eq!(h[0].from, 0.0);
    assert_eq!(h[h.len() - 1].to, 1.0);
    for (k, bin) in h.iter().enumerate() {
        let naive = r
            .customers
            .iter()
            .filter(|c| {
                c.p_alive >= bin.from
                    && (c.p_alive < bin.to || (k == h.len() - 1 && c.p_alive <= 1.0))
            })
            .count() as u64;
        assert_eq!(bin.customers, naive, "bin {k}");
    }
    // One-time buyers are alive for sure under BG/NBD.
    let one_time = r.customers.iter().filter(|c| c.frequency == 0).count() as u64;
    assert!(h[h.len() - 1].customers >= one_time);

    let m = &r.matrix;
    let max_t = r.customers.iter().map(|c| c.age).fold(0.0, f64::max);
    assert_eq!(m.age, max_t);
    let max_x = r.customers.iter().map(|c| c.frequency).max().unwrap();
    assert_eq!(
        m.frequencies.len() as u32,
        max_x.min(views::MAX_FREQUENCIES - 1) + 1
    );
    assert!(m.recency_from.len() <= views::MAX_RECENCY_BINS);
    assert!(m.recency_from.last().unwrap() <= &max_t);
    assert_eq!(m.expected.len(), m.frequencies.len());
    let cells: u64 = m.customers.iter().flatten().sum();
    assert_eq!(cells + m.customers_above, r.customers.len() as u64);
    for (row, &x) in m.frequencies.iter().enumerate() {
        for (col, &from) in m.recency_from.iter().enumerate() {
            let naive = r
                .customers
                .iter()
                .filter(|c| {
                    c.frequency == x
                        && c.recency >= from
                        && (c.recency < from + m.recency_width || col == m.recency_from.len() - 1)
                })
                .count() as u64;
            assert_eq!(m.customers[row][col], naive, "x {x}, bin {col}");
            assert!(m.expected[row][col].is_finite() && m.expected[row][col] >= 0.0);
        }
    }
    // For repeat buyers, more recent means more expected purchases; more
    // frequent and recent means more than less frequent.
    let last = m.recency_from.len() - 1;
    for row in 1..m.frequencies.len() {
        for col in 1..=last {
            assert!(m.expected[row][col] >= m.expected[row][col - 1]);
        }
    }
    assert!(m.expected[5][last] > m.expected[1][last]);
}

#[test]
fn tier_spec_errored() {
    let cases = [
        (r#""high_share":1.2"#, "high_share and mid_share"),
        (r#""high_share":0.7,"mid_share":0.5"#, "add up to at most 1"),
        (r#""mid_share":-0.1"#, "not 0.2 and -0.1"),
        (r#""at_risk_below":2"#, "at_risk_below is a probability"),
    ];
    for (fields, want) in cases {
        let e = spec(fields).unwrap_err();
        assert!(e.contains(want), "{fields}: {e}");
    }
    let s = spec("").unwrap();
    assert_eq!(
        (s.high_share, s.mid_share, s.at_risk_below),
        (0.2, 0.3, 0.5)
    );
}
