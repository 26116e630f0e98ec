//! Parameter recovery at scale: simulates N customers (default 1,000,000) from the
//! CDNOW BG/NBD and Gamma-Gamma parameters (`tests/common/clv_sim.rs`), fits them
//! with the whole CLV analysis, and prints true vs fitted ± standard error, the
//! z-scores and the time of each stage, with progress on stderr.
//!
//! Then it fits BG/NBD once more on the exact continuous-time summaries
//! `(x, t_x, T)` of a second simulation of the same customers, with no calendar
//! in between: that isolates the fitter from the day-level data model (purchases
//! on one local day are one purchase day, times are whole days), which at a
//! million customers is a visible bias next to the tiny standard errors.
//!
//! ```sh
//! cargo run --release --example clv_recovery -- 1000000 [seed]
//! ```

#[path = "../tests/common/clv_sim.rs"]
mod clv_sim;

use std::io::Write;
use std::time::Instant;

use clv_sim::Population;
use clv_sim::Rng;
use tidemark::analysis::clv;
use tidemark::analysis::clv::bgnbd::Rfm;
use tidemark::progress::Progress;
use tidemark::spec::Spec;

/// Prints the percentage done on stderr when it changes.
struct Percent {
    last: u64,
    started: Instant,
}

impl Progress for Percent {
    fn report(&mut self, done: u64, total: u64) {
        let pct = (100 * done).checked_div(total).unwrap_or(0);
        if pct != self.last {
            self.last = pct;
            eprint!(
                "\r  fitting: {pct:3}%  ({:.1} s)",
                self.started.elapsed().as_secs_f64()
            );
            let _ = std::io::stderr().flush();
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .and_then(|a| a.replace('_', "").parse().ok())
        .unwrap_or(1_000_000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let population = Population::cdnow_like(n, seed);
    println!(
        "{n} simulated customers (seed {seed}), first purchases over {} days, calibration to {}",
        population.cohort_days,
        population.end_date()
    );

    let t = Instant::now();
    let table = population.table();
    println!(
        "simulated {} purchase events in {:.2} s",
        table.len(),
        t.elapsed().as_secs_f64()
    );

    let Ok(Spec::Clv(spec)) = Spec::from_json(&population.spec_json()) else {
        eprintln!("clv_recovery: the spec does not parse");
        std::process::exit(1);
    };
    let t = Instant::now();
    let mut progress = Percent {
        last: u64::MAX,
        started: t,
    };
    let report = match clv::clv_with_progress(&table, &spec, &mut progress) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("\nclv_recovery: {e}");
            std::process::exit(1);
        }
    };
    eprintln!();
    println!(
        "fitted and scored {} customers ({} repeat buyers) in {:.2} s; BG/NBD {} iterations, LL {:.1}",
        report.customers_fitted,
        report.repeat_buyers,
        t.elapsed().as_secs_f64(),
        report.bgnbd.iterations,
        report.bgnbd.log_likelihood
    );

    let row = |name: &str, truth: f64, got: f64, se: Option<f64>| match se {
        Some(se) => println!(
            "  {name:<6} true {truth:>8.4}   fitted {got:>8.4} ± {se:.4}   z = {:+.2}",
            (got - truth) / se
        ),
        None => println!("  {name:<6} true {truth:>8.4}   fitted {got:>8.4} (no SE)"),
    };
    let bg = &report.bgnbd;
    let se = bg.std_errors.as_ref();
    println!(
        "BG/NBD (converged {}, starts agree {}):",
        bg.converged, bg.starts_agree
    );
    let truth = population.bgnbd;
    row("r", truth.r, bg.r, se.map(|s| s.r));
    row("alpha", truth.alpha, bg.alpha, se.map(|s| s.alpha));
    row("a", truth.a, bg.a, se.map(|s| s.a));
    row("b", truth.b, bg.b, se.map(|s| s.b));
    match &report.gamma_gamma {
        Some(gg) => {
            let se = gg.std_errors.as_ref();
            let truth = population.gamma_gamma;
            println!("Gamma-Gamma ({} customers):", gg.customers);
            row("p", truth.p, gg.p, se.map(|s| s.p));
            row("q", truth.q, gg.q, se.map(|s| s.q));
            row("v", truth.v, gg.v, se.map(|s| s.v));
        }
        None => println!("Gamma-Gamma: not fitted ({:?})", report.gamma_gamma_note),
    }
    for w in &report.warnings {
        println!("warning: {w}");
    }

    direct_fit(&population);
}

/// Simulates the same population in continuous time (weeks, no day rounding, no
/// merging) and fits BG/NBD straight from `(x, t_x, T)`.
fn direct_fit(population: &Population) {
    let m = population.bgnbd;
    let mut rng = Rng(population.seed ^ 0x9e37_79b9_7f4a_7c15);
    let n = population.customers;
    let end = population.end_day as f64 / 7.0;
    let data: Vec<Rfm> = (0..n)
        .map(|i| {
            let first = (i as f64 * population.cohort_days as f64) / n.max(1) as f64 / 7.0;
            let t = end - first;
            let lambda = rng.gamma(m.r) / m.alpha;
            let p = rng.beta(m.a, m.b);
            let (mut s, mut x, mut t_x) = (0.0, 0u32, 0.0);
            loop {
                s += -rng.uniform().ln() / lambda;
                if s > t {
                    break;
                }
                x += 1;
                t_x = s;
                if rng.uniform() < p {
                    break;
                }
            }
            Rfm { x, t_x, t }
        })
        .collect();
    let t0 = Instant::now();
    match clv::fit_bgnbd(
        &data,
        &[[1.0, 1.0, 1.0, 1.0], [0.5, 5.0, 0.5, 2.0]],
        &mut |_, _| true,
    ) {
        Ok(fit) => {
            println!(
                "BG/NBD on the continuous-time summaries ({n} customers, {:.2} s, starts agree {}):",
                t0.elapsed().as_secs_f64(),
                fit.starts_agree
            );
            let se = fit.std_errors;
            let p = fit.params;
            for (i, (name, truth, got)) in [
                ("r", m.r, p.r),
                ("alpha", m.alpha, p.alpha),
                ("a", m.a, p.a),
                ("b", m.b, p.b),
            ]
            .into_iter()
            .enumerate()
            {
                match se {
                    Some(se) => println!(
                        "  {name:<6} true {truth:>8.4}   fitted {got:>8.4} ± {:.4}   z = {:+.2}",
                        se[i],
                        (got - truth) / se[i]
                    ),
                    None => println!("  {name:<6} true {truth:>8.4}   fitted {got:>8.4} (no SE)"),
                }
            }
        }
        Err(e) => eprintln!("clv_recovery: the direct fit failed: {e}"),
    }
}
