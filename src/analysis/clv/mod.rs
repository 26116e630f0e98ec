//! Predictive customer lifetime value (ANALYSES.md, "Customer lifetime value"):
//! BG/NBD for the number of purchases, Gamma-Gamma for the spend per purchase,
//! fitted by maximum likelihood, then per customer P(alive), expected purchases and
//! CLV over a horizon, and the holdout check.
//!
//! Data flow: the purchase event is resolved (given, or guessed as in
//! repurchase) → `summary.rs` turns each user's purchases into days, `x`,
//! recency, age, spend, holdout purchases → `fit.rs` maximises the likelihoods of
//! `bgnbd.rs` and `gamma_gamma.rs` → every customer is scored.
//!
//! Interpretations of the contract, where it is silent:
//! - The calibration end is a local *date* (inclusive); its default is the date
//!   of the last event (any event). Ages are counted to that date:
//!   `T = (end date − first purchase date) / unit`, so a customer whose first
//!   purchase is on the end date has `T = 0`.
//! - Holdout: purchase days after the calibration end date up to the date of the
//!   last event; its length is the difference of those dates in units. Rows of the
//!   holdout check are `x = 0 … 6` and `7+`.
//! - The BG/NBD fit starts from two points ([`START_COUNT`]); the best optimum is
//!   reported, and `starts_agree` says whether both reached it (log-likelihoods
//!   within 1e-6 relative). A warning otherwise. The second start only has to
//!   confirm the first optimum: it stops once it reaches that value (1e-9
//!   relative, gradient at most 1e-5; [`fit::minimize_newton`]). Gamma-Gamma's two starts
//!   work the same way.
//! - CLV over a horizon of `H` units with discount rate `d` per unit is
//!   `E[spend] · Σ_{k=1..H} (E[X(k)|x,t_x,T] − E[X(k−1)|x,t_x,T]) / (1+d)^k`: each
//!   unit's expected purchases discounted from the end of that unit. With `d = 0` it
//!   is `E[spend] · E[X(H)|x,t_x,T]`.
//! - Expected spend: Gamma-Gamma's conditional mean for customers with a positive
//!   repeat spend, the population mean `pv/(q−1)` for the others (one-time buyers,
//!   only zero-value repeats); `null` everywhere without a Gamma-Gamma fit, and
//!   for the others when `q ≤ 1`.
//! - Value tiers and churn risk: see [`tiers`]; the chart summaries: see [`views`].
//! - Warnings: fewer than [`MIN_REPEAT_BUYERS`] repeat buyers; a fit that did not
//!   converge or whose standard errors are undefined; starts that disagree; a
//!   spend–frequency correlation of at least [`NOTABLE_CORRELATION`] in absolute
//!   value; negative revenue days; `q ≤ 1`.

pub mod bgnbd;
pub mod expect;
pub mod fit;
pub mod gamma_gamma;
pub mod special;
pub mod summary;
pub mod tiers;
pub mod views;

use foldhash::fast::FixedState;
use hashbrown::HashMap;

use crate::analysis::period::Calendar;
use crate::analysis::repurchase::guess;
use crate::analysis::select::Selector;
use crate::error::{Error, ErrorKind, Result};
use crate::progress::{Progress, Silent};
use crate::report::{
    BgNbdErrors, BgNbdFit, ClvCustomer, ClvReport, ClvWarning, GammaGammaErrors, GammaGammaFit,
    HoldoutRow,
};
use crate::spec::{ClvSpec, EventSpec, PeriodUnit};
use crate::table::EventTable;

use bgnbd::{BgNbd, Grouped, Rfm};
use expect::IfAlive;
use gamma_gamma::{GammaGamma, Spend, Spends};
use summary::CustomerDays;

/// Starting points of the BG/NBD fit.
pub const START_COUNT: usize = 2;
/// Below this many repeat buyers the fit is flagged as unreliable.
pub const MIN_REPEAT_BUYERS: u64 = 100;
/// A spend–frequency correlation this large (in absolute value) is flagged.
pub const NOTABLE_CORRELATION: f64 = 0.3;
/// Holdout rows: `x = 0 … HOLDOUT_ROWS − 2`, then `HOLDOUT_ROWS − 1` and more.
const HOLDOUT_ROWS: u32 = 8;
/// Progress units of the whole analysis.
const WORK: u64 = 1000;
/// Progress treats a fit's start as done after this many Newton iterations
/// (typically 5–8; more only stay at the end of the start's share).
const TYPICAL_ITERATIONS: u32 = 12;

/// Computes the CLV report of `spec` on `table` (no progress, no cancellation).
pub fn clv(table: &EventTable, spec: &ClvSpec) -> Result<ClvReport> {
    clv_with_progress(table, spec, &mut Silent)
}

/// A BG/NBD fit with its diagnostics.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BgNbdResult {
    /// The parameters.
    pub params: BgNbd,
    /// Their log-likelihood.
    pub log_likelihood: f64,
    /// Standard errors of `[r, α, a, b]`.
    pub std_errors: Option<[f64; 4]>,
    /// Converged (best start).
    pub converged: bool,
    /// Iterations (best start).
    pub iterations: u32,
    /// Every start reached the same optimum.
    pub starts_agree: bool,
}

/// Fits BG/NBD by maximum likelihood from each of `starts` (`[r, α, a, b]`), by
/// Newton's method on the exact Hessian ([`Grouped::log_likelihood_derivatives`]);
/// `on_iteration(start, iteration)` returns `false` to cancel.
pub fn fit_bgnbd(
    data: &[Rfm],
    starts: &[[f64; 4]],
    on_iteration: &mut dyn FnMut(usize, u32) -> bool,
) -> Result<BgNbdResult> {
    let grouped = Grouped::new(data);
    let n = grouped.customers().max(1.0);
    let mut objective = |phi: &[f64; 4]| {
        let theta = phi.map(libm::exp);
        let (ll, g, h) = grouped.log_likelihood_derivatives(&BgNbd::from_array(theta));
        in_log_parameters(ll, g, h, theta, n)
    };
    let (best, values) = best_of_starts(
        &mut |start, confirm, on_iteration| {
            fit::minimize_newton(&mut objective, start, confirm, on_iteration)
        },
        starts,
        on_iteration,
    )?;
    let Some(best) = best else {
        return Err(Error::spec("clv: no starting point for the BG/NBD fit"));
    };
    let theta = best.point.map(libm::exp);
    // The Hessian of the total negative log-likelihood in the natural parameters.
    let (_, _, h) = grouped.log_likelihood_derivatives(&BgNbd::from_array(theta));
    let hessian = h.map(|row| row.map(|v| -v));
    let agree = values
        .iter()
        .all(|v| (v - best.value).abs() <= 1e-6 * best.value.abs().max(1e-12));
    Ok(BgNbdResult {
        params: BgNbd::from_array(theta),
        log_likelihood: -best.value * n,
        std_errors: fit::standard_errors(&hessian),
        converged: best.converged,
        iterations: best.iterations,
        starts_agree: agree,
    })
}

/// One minimisation: from a start (`ln θ`), confirming an optimum's value or
/// not, reporting iterations.
type Minimizer<'a, const N: usize> =
    dyn FnMut([f64; N], Option<f64>, &mut dyn FnMut(u32) -> bool) -> Result<fit::Minimum<N>> + 'a;

/// Minimises (over `ln θ`) from each of `starts` (natural parameters) in turn:
/// the best optimum and every start's final value. A start after a converged one
/// only confirms it (it stops on reaching its value: [`fit::minimize`]) and is
/// never reported as the best.
fn best_of_starts<const N: usize>(
    minimize: &mut Minimizer<'_, N>,
    starts: &[[f64; N]],
    on_iteration: &mut dyn FnMut(usize, u32) -> bool,
) -> Result<(Option<fit::Minimum<N>>, Vec<f64>)> {
    let mut best: Option<fit::Minimum<N>> = None;
    let mut values = Vec::with_capacity(starts.len());
    for (i, start) in starts.iter().enumerate() {
        let confirm = best.as_ref().filter(|m| m.converged).map(|m| m.value);
        let m = minimize(start.map(libm::log), confirm, &mut |it| on_iteration(i, it))?;
        values.push(m.value);
        if !m.confirmed && fit::better(&m, best.as_ref()) {
            best = Some(m);
        }
    }
    Ok((best, values))
}

/// A Gamma-Gamma fit with its diagnostics.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GammaGammaResult {
    /// The parameters.
    pub params: GammaGamma,
    /// Their log-likelihood.
    pub log_likelihood: f64,
    /// Standard errors of `[p, q, v]`.
    pub std_errors: Option<[f64; 3]>,
    /// Converged (best start).
    pub converged: bool,
    /// Iterations (best start).
    pub iterations: u32,
}

/// Fits Gamma-Gamma by maximum likelihood (two starts scaled to the mean spend),
/// by Newton's method on the exact Hessian
/// ([`Spends::log_likelihood_derivatives`]); `on_iteration(start, iteration)`
/// returns `false` to cancel.
pub fn fit_gamma_gamma(
    data: &[Spend],
    on_iteration: &mut dyn FnMut(usize, u32) -> bool,
) -> Result<GammaGammaResult> {
    let n = (data.len() as f64).max(1.0);
    let mean = data.iter().map(|d| d.m).sum::<f64>() / n;
    let spends = Spends::new(data);
    let mut objective = |phi: &[f64; 3]| {
        let theta = phi.map(libm::exp);
        let (ll, g, h) = spends.log_likelihood_derivatives(&GammaGamma::from_array(theta));
        in_log_parameters(ll, g, h, theta, n)
    };
    let starts = [[1.0, 2.0, mean], [5.0, 5.0, 4.0 * mean]];
    let (best, _) = best_of_starts(
        &mut |start, confirm, on_iteration| {
            fit::minimize_newton(&mut objective, start, confirm, on_iteration)
        },
        &starts,
        on_iteration,
    )?;
    let Some(best) = best else {
        return Err(Error::spec(
            "clv: no starting point for the Gamma-Gamma fit",
        ));
    };
    let theta = best.point.map(libm::exp);
    let (_, _, h) = spends.log_likelihood_derivatives(&GammaGamma::from_array(theta));
    let hessian = h.map(|row| row.map(|v| -v));
    Ok(GammaGammaResult {
        params: GammaGamma::from_array(theta),
        log_likelihood: -best.value * n,
        std_errors: fit::standard_errors(&hessian),
        converged: best.converged,
        iterations: best.iterations,
    })
}

/// The mean negative log-likelihood over `φ = ln θ` with its gradient and
/// Hessian, from the total log-likelihood `ll` of `n` customers and its natural
/// derivatives `g`, `h` at `θ`: `∂/∂φᵢ = θᵢ ∂/∂θᵢ` and
/// `∂²/∂φᵢ∂φⱼ = θᵢθⱼ ∂²/∂θᵢ∂θⱼ + δᵢⱼ θᵢ ∂/∂θᵢ`.
fn in_log_parameters<const N: usize>(
    ll: f64,
    g: [f64; N],
    h: [[f64; N]; N],
    theta: [f64; N],
    n: f64,
) -> (f64, [f64; N], [[f64; N]; N]) {
    let mut hessian = [[0.0; N]; N];
    let mut gradient = [0.0; N];
    for i in 0..N {
        for j in 0..N {
            hessian[i][j] = -theta[i] * theta[j] * h[i][j] / n;
        }
        hessian[i][i] -= theta[i] * g[i] / n;
        gradient[i] = -theta[i] * g[i] / n;
    }
    (-ll / n, gradient, hessian)
}

/// Discounted expected purchases over `horizon` units:
/// `Σ_{k=1..H} (E[X(k)|…] − E[X(k−1)|…]) / (1+d)^k`.
pub fn discounted_purchases(
    model: &BgNbd,
    horizon: u32,
    discount: f64,
    x: f64,
    t_x: f64,
    t: f64,
) -> f64 {
    discounted_if_alive(model, horizon, discount, x, t) * model.p_alive(x, t_x, t)
}

/// [`discounted_purchases`] divided by P(alive): it depends on `x` and `T` only,
/// so customers who share them share it (one series per unit of the horizon, the
/// bulk of scoring).
pub fn discounted_if_alive(model: &BgNbd, horizon: u32, discount: f64, x: f64, t: f64) -> f64 {
    if discount == 0.0 {
        return model.expected_if_alive(f64::from(horizon), x, t);
    }
    let (mut sum, mut previous, mut factor) = (0.0, 0.0, 1.0);
    for k in 1..=horizon {
        let e = model.expected_if_alive(f64::from(k), x, t);
        factor /= 1.0 + discount;
        sum += (e - previous) * factor;
        previous = e;
    }
    sum
}

/// `Σ_k (E(k) − E(k−1)) / (1+d)^k` from `E(1), …, E(H)` (the last one when
/// `d = 0`): [`discounted_if_alive`] from expectations already computed.
fn discount_sum(by_unit: &[f64], discount: f64) -> f64 {
    if discount == 0.0 {
        return by_unit.last().copied().unwrap_or(0.0);
    }
    let (mut sum, mut previous, mut factor) = (0.0, 0.0, 1.0);
    for &e in by_unit {
        factor /= 1.0 + discount;
        sum += (e - previous) * factor;
        previous = e;
    }
    sum
}

/// As [`clv`], reporting progress and stopping with [`ErrorKind::Cancelled`] when
/// `progress` asks.
pub fn clv_with_progress(
    table: &EventTable,
    spec: &ClvSpec,
    progress: &mut dyn Progress,
) -> Result<ClvReport> {
    let (event_spec, guessed) = match &spec.purchase_event {
        Some(e) => (e.clone(), false),
        None => (EventSpec::Name(guess::purchase_event(table)?), true),
    };
    let purchase = Selector::compile(table, Some(&event_spec), "clv purchase_event")?;
    let Some((_, last)) = table.time_range() else {
        return Err(Error::spec("clv: the table is empty"));
    };
    let calendar = Calendar::new(table.meta().time_zone.clone(), PeriodUnit::Day);
    let data_end_day = calendar.index(last);
    let end_day = match spec.calibration_end_date()? {
        Some(date) => calendar.index_of_date(date),
        None => data_end_day,
    };
    // A calibration end after the data would age every customer into a future
    // with no data (a fuzzed spec with the year 9894 made an 11-row fit take 47 s):
    // refused, like any other date that names nothing in the table.
    if end_day > data_end_day {
        return Err(Error::spec(format!(
            "clv: calibration_end {} is after the last event ({}); choose a date up to it, or null for the last event's date",
            calendar.start_iso(end_day),
            calendar.start_iso(data_end_day)
        )));
    }
    let unit = spec.unit.days() as f64;
    let horizon = spec.horizon_units();
    let checkpoint = |progress: &mut dyn Progress, done: u64| {
        progress.report(done.min(WORK), WORK);
        if progress.cancelled() {
            Err(Error::new(ErrorKind::Cancelled))
        } else {
            Ok(())
        }
    };

    let summary = summary::summarise(table, &purchase, &calendar, end_day, spec.revenue);
    checkpoint(progress, 100)?;
    let end_text = calendar.start_iso(end_day);
    if summary.customers.is_empty() {
        return Err(Error::spec(format!(
            "clv: no customer made a purchase on or before the calibration end {end_text}"
        )));
    }
    let rfm: Vec<Rfm> = summary
        .customers
        .iter()
        .map(|c| Rfm {
            x: c.x,
            t_x: c.recency_days as f64 / unit,
            t: c.age_days as f64 / unit,
        })
        .collect();
    let repeat_buyers = rfm.iter().filter(|c| c.x > 0).count() as u64;
    let mean_t = rfm.iter().map(|c| c.t).sum::<f64>() / rfm.len() as f64;
    let mean_x = rfm.iter().map(|c| f64::from(c.x)).sum::<f64>() / rfm.len() as f64;
    // α is a time scale: start where r/α matches the mean purchase rate.
    let alpha0 = (mean_t.max(1.0) / (mean_x + 0.1)).clamp(1e-3, 1e6);
    let starts = [[1.0, alpha0, 1.0, 1.0], [0.5, 0.2 * alpha0, 2.0, 5.0]];
    let mut on_iteration = |start: usize, it: u32| {
        let slice = 500 / START_COUNT as u64;
        progress.report(
            100 + start as u64 * slice
                + u64::from(it.min(TYPICAL_ITERATIONS)) * slice / u64::from(TYPICAL_ITERATIONS),
            WORK,
        );
        !progress.cancelled()
    };
    let bg = fit_bgnbd(&rfm, &starts, &mut on_iteration)?;
    checkpoint(progress, 600)?;

    let mut warnings = Vec::new();
    let (gamma_gamma, gg_note, correlation) = if !spec.revenue {
        (None, Some("revenue is off in the spec".to_string()), None)
    } else if !table.has_revenue() {
        (
            None,
            Some("the table has no revenue column".to_string()),
            None,
        )
    } else {
        let spends: Vec<Spend> = summary
            .customers
            .iter()
            .filter_map(|c| {
                c.spend.map(|m| Spend {
                    x: c.valued_repeat_days,
                    m,
                })
            })
            .collect();
        if spends.len() < 2 {
            (
                None,
                Some(format!(
                    "{} customer(s) with a positive repeat spend in calibration: Gamma-Gamma needs at least 2",
                    spends.len()
                )),
                None,
            )
        } else {
            let gg = fit_gamma_gamma(&spends, &mut |start, it| {
                progress.report(
                    600 + start as u64 * 100
                        + u64::from(it.min(TYPICAL_ITERATIONS)) * 100
                            / u64::from(TYPICAL_ITERATIONS),
                    WORK,
                );
                !progress.cancelled()
            })?;
            (
                Some((gg, spends.len() as u64)),
                None,
                correlation_of(&spends),
            )
        }
    };
    checkpoint(progress, 800)?;

    // Scoring, once per distinct (x, recency, age).
    let model = bg.params;
    let holdout_days = data_end_day - end_day;
    let holdout_length = (holdout_days > 0).then(|| holdout_days as f64 / unit);
    let mut cache: HashMap<(u32, i64, i64), Score, FixedState> = HashMap::default();
    // Per (x, T): the expectations given alive, which do not depend on t_x: at
    // every unit of the horizon (the discounted sum), and at the holdout's length.
    let mut alive: HashMap<(u32, i64), [f64; 3], FixedState> = HashMap::default();
    let mut if_alive = IfAlive::new(
        model,
        (1..=horizon).map(f64::from).chain(holdout_length).collect(),
    );
    let mut at_horizons = vec![0.0; if_alive.horizons().len()];
    let mut customers = Vec::with_capacity(summary.customers.len());
    let mut holdout_rows = vec![(0u64, 0.0f64, 0.0f64); HOLDOUT_ROWS as usize];
    let total = summary.customers.len() as u64;
    for (i, c) in summary.customers.iter().enumerate() {
        if i % 1024 == 0 {
            checkpoint(progress, 800 + 200 * i as u64 / total.max(1))?;
        }
        let CustomerDays {
            user,
            x,
            recency_days,
            age_days,
            spend,
            valued_repeat_days,
            holdout,
        } = *c;
        let (xf, tx, t) = (
            f64::from(x),
            recency_days as f64 / unit,
            age_days as f64 / unit,
        );
        let &mut Score {
            p_alive,
            expected,
            discounted,
            predicted_holdout,
        } = cache.entry((x, recency_days, age_days)).or_insert_with(|| {
            let [expected, discounted, holdout] =
                *alive.entry((x, age_days)).or_insert_with(|| {
                    if_alive.at(x, t, &mut at_horizons);
                    let by_unit = &at_horizons[..horizon as usize];
                    [
                        by_unit.last().copied().unwrap_or(0.0),
                        discount_sum(by_unit, spec.discount_rate),
                        holdout_length.map_or(0.0, |_| at_horizons[horizon as usize]),
                    ]
                });
            let p_alive = model.p_alive(xf, tx, t);
            Score {
                p_alive,
                expected: expected * p_alive,
                discounted: discounted * p_alive,
                predicted_holdout: holdout * p_alive,
            }
        });
        let expected_spend = gamma_gamma.as_ref().and_then(|(gg, _)| {
            gg.params
                .expected_spend(f64::from(valued_repeat_days), spend.unwrap_or(0.0))
        });
        if holdout_length.is_some() {
            let row = &mut holdout_rows[x.min(HOLDOUT_ROWS - 1) as usize];
            row.0 += 1;
            row.1 += f64::from(holdout);
            row.2 += predicted_holdout;
        }
        customers.push(ClvCustomer {
            user: table.user_id(user).to_string(),
            frequency: x,
            recency: tx,
            age: t,
            expected_purchases: expected,
            p_alive,
            spend,
            expected_spend,
            clv: expected_spend.map(|s| s * discounted),
            holdout_purchases: holdout,
            tier: String::new(),
            churn_risk: 1.0 - p_alive,
            at_risk: false,
        });
    }
    checkpoint(progress, WORK)?;

    let holdout = holdout_length.map(|_| {
        holdout_rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.0 > 0)
            .map(|(x, &(n, actual, predicted))| HoldoutRow {
                frequency: x as u32,
                and_more: x as u32 == HOLDOUT_ROWS - 1,
                customers: n,
                actual_mean: actual / n as f64,
                predicted_mean: predicted / n as f64,
            })
            .collect()
    });

    if repeat_buyers < MIN_REPEAT_BUYERS {
        warnings.push(ClvWarning::FewRepeatBuyers {
            repeat_buyers,
            customers: rfm.len() as u64,
            calibration_end: end_text.clone(),
            minimum: MIN_REPEAT_BUYERS,
        });
    }
    if !bg.converged {
        warnings.push(ClvWarning::BgnbdNotConverged {
            iterations: bg.iterations,
        });
    }
    if !bg.starts_agree {
        warnings.push(ClvWarning::BgnbdStartsDisagree);
    }
    if bg.std_errors.is_none() {
        warnings.push(ClvWarning::BgnbdNoStdErrors);
    }
    if let Some(rho) = correlation
        && rho.abs() >= NOTABLE_CORRELATION
    {
        warnings.push(ClvWarning::SpendFrequencyCorrelated { r: rho });
    }
    if let Some((gg, _)) = &gamma_gamma {
        if gg.params.q <= 1.0 {
            warnings.push(ClvWarning::GammaGammaInfiniteMean { q: gg.params.q });
        }
        if !gg.converged {
            warnings.push(ClvWarning::GammaGammaNotConverged);
        }
    }
    if summary.negative_value_days > 0 {
        warnings.push(ClvWarning::NegativeRevenueDays {
            days: summary.negative_value_days,
        });
    }

    let tier_metric = tiers::metric(&customers);
    let assigned = tiers::assign(&customers, tier_metric, spec.high_share, spec.mid_share);
    for (c, tier) in customers.iter_mut().zip(assigned) {
        c.tier = tier.name().to_string();
        c.at_risk = tiers::at_risk(tier, c.p_alive, spec.at_risk_below);
    }
    let tier_summary = tiers::summarise(&customers);
    let at_risk = customers.iter().filter(|c| c.at_risk).count() as u64;
    if tier_metric == tiers::TierMetric::ExpectedPurchases {
        warnings.push(ClvWarning::TiersByExpectedPurchases);
    }

    let errors = bg.std_errors;
    Ok(ClvReport {
        purchase_event: purchase.label().unwrap_or_default(),
        purchase_event_guessed: guessed,
        unit: spec.unit.name().to_string(),
        calibration_end: end_text,
        data_end: calendar.start_iso(data_end_day),
        horizon,
        discount_rate: spec.discount_rate,
        customers_fitted: rfm.len() as u64,
        repeat_buyers,
        customers_after_calibration: summary.after_calibration,
        bgnbd: BgNbdFit {
            r: model.r,
            alpha: model.alpha,
            a: model.a,
            b: model.b,
            log_likelihood: bg.log_likelihood,
            std_errors: errors.map(|e| BgNbdErrors {
                r: e[0],
                alpha: e[1],
                a: e[2],
                b: e[3],
            }),
            converged: bg.converged,
            iterations: bg.iterations,
            starts: START_COUNT as u32,
            starts_agree: bg.starts_agree,
        },
        gamma_gamma: gamma_gamma.map(|(gg, n)| GammaGammaFit {
            p: gg.params.p,
            q: gg.params.q,
            v: gg.params.v,
            log_likelihood: gg.log_likelihood,
            std_errors: gg.std_errors.map(|e| GammaGammaErrors {
                p: e[0],
                q: e[1],
                v: e[2],
            }),
            converged: gg.converged,
            iterations: gg.iterations,
            customers: n,
            mean_spend: gg.params.expected_spend(0.0, 0.0),
        }),
        gamma_gamma_note: gg_note,
        spend_frequency_correlation: correlation,
        zero_value_purchases_excluded: summary.zero_value_days,
        holdout_length,
        holdout,
        warnings: warnings.iter().map(ToString::to_string).collect(),
        warning_details: warnings,
        tier_metric: tier_metric.name().to_string(),
        high_share: spec.high_share,
        mid_share: spec.mid_share,
        at_risk_below: spec.at_risk_below,
        tiers: tier_summary,
        at_risk,
        p_alive_histogram: views::p_alive_histogram(&customers),
        matrix: views::matrix(&model, horizon, &customers),
        customers,
    })
}

/// The predictions of one distinct `(x, recency, age)`.
#[derive(Debug, Clone, Copy)]
struct Score {
    p_alive: f64,
    expected: f64,
    discounted: f64,
    predicted_holdout: f64,
}

/// Pearson correlation of `x` and `m`; `None` when either is constant.
fn correlation_of(data: &[Spend]) -> Option<f64> {
    let n = data.len() as f64;
    let mx = data.iter().map(|d| f64::from(d.x)).sum::<f64>() / n;
    let mm = data.iter().map(|d| d.m).sum::<f64>() / n;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for d in data {
        let (dx, dm) = (f64::from(d.x) - mx, d.m - mm);
        sxy += dx * dm;
        sxx += dx * dx;
        syy += dm * dm;
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}
