//! Parameter recovery: customers simulated from known BG/NBD and Gamma-Gamma
//! parameters (`common/clv_sim.rs`), written as purchase events and fitted by the
//! whole CLV analysis (days, frequency, recency, age, spend), recover each
//! parameter within 3 of its standard errors. The million-customer version is
//! `cargo run --release --example clv_recovery -- 1000000`.

mod common;

use common::clv_sim::Population;
use tidemark::analysis::clv;
use tidemark::report::ClvReport;
use tidemark::spec::Spec;

fn fit(population: &Population) -> ClvReport {
    let Spec::Clv(spec) = Spec::from_json(&population.spec_json()).unwrap() else {
        panic!("not clv")
    };
    clv::clv(&population.table(), &spec).unwrap()
}

#[track_caller]
fn within_3_se(name: &str, got: f64, want: f64, se: f64) {
    assert!(se.is_finite() && se > 0.0, "{name}: SE {se}");
    let z = (got - want) / se;
    assert!(
        z.abs() < 3.0,
        "{name}: fitted {got:.4} ± {se:.4}, true {want}, z = {z:.2}"
    );
}

#[test]
fn simulated_cdnow_like_customers_recover_both_models() {
    for seed in [11, 12] {
        let population = Population::cdnow_like(30_000, seed);
        let r = fit(&population);
        assert_eq!(r.customers_fitted, 30_000);
        assert!(r.bgnbd.converged && r.bgnbd.starts_agree, "{:?}", r.bgnbd);
        let truth = population.bgnbd;
        let se = r.bgnbd.std_errors.clone().unwrap();
        within_3_se("r", r.bgnbd.r, truth.r, se.r);
        within_3_se("alpha", r.bgnbd.alpha, truth.alpha, se.alpha);
        within_3_se("a", r.bgnbd.a, truth.a, se.a);
        within_3_se("b", r.bgnbd.b, truth.b, se.b);
        let gg = r.gamma_gamma.clone().unwrap();
        let truth = population.gamma_gamma;
        let se = gg.std_errors.clone().unwrap();
        within_3_se("p", gg.p, truth.p, se.p);
        within_3_se("q", gg.q, truth.q, se.q);
        within_3_se("v", gg.v, truth.v, se.v);
        // Spend was simulated independent of frequency.
        let rho = r.spend_frequency_correlation.unwrap();
        assert!(rho.abs() < 0.1, "correlation {rho}");
        assert_eq!(r.zero_value_purchases_excluded, 0);
    }
}
