//! Maximum likelihood: Newton's method on the exact Hessian ([`minimize_newton`],
//! which both CLV fits use) or a quasi-Newton (BFGS) minimiser ([`minimize`], for
//! objectives without a Hessian) over log-parameters, and standard errors from the
//! exact Hessian.
//!
//! Why our own: the maintained Rust optimiser (`argmin` 0.11) needs its `vec`
//! math backend for `Vec<f64>` parameters, which depends on `rand` with its
//! default features, hence `getrandom` 0.3, which refuses to compile for
//! `wasm32-unknown-unknown` without the `wasm_js` cfg flag (checked: "The
//! wasm32-unknown-unknown targets are not supported by default"). A Newton method and
//! a BFGS for 3–4 parameters with analytic derivatives are short enough to own and
//! test.
//!
//! The method (Nocedal & Wright, *Numerical Optimization*, alg. 6.1):
//! - the objective is the *mean* negative log-likelihood per customer over
//!   `φ = ln θ`, so the positivity constraints vanish and the tolerances do not
//!   depend on the number of customers;
//! - BFGS: the inverse Hessian starts as the identity, is rescaled by `sᵀy / yᵀy`
//!   after the first step, and gets the BFGS update whenever `sᵀy > 0` (otherwise
//!   it is kept; a non-descent direction resets it);
//! - Newton: the step solves `(H + λI) d = −g` with the exact Hessian `H` of the
//!   objective, `λ = 0` when `H` is positive definite and otherwise the smallest of
//!   `1e-8·s, 1e-7·s, …` (`s` the largest diagonal entry) that makes it so
//!   (Levenberg's damping, Nocedal & Wright §3.4); near the optimum the steps are
//!   pure Newton steps and converge quadratically: on CDNOW master the BG/NBD fit
//!   takes 6 iterations where BFGS took 18 (Gamma-Gamma: 20), and the Hessian
//!   costs each evaluation no further `exp` or `ln`. Both share the step rules below;
//! - each step is capped at 5 in every `ln θ` (a factor e⁵) and backtracks
//!   (halving) until the Armijo condition holds with a finite value;
//! - converged when every gradient component is at most `1e-8` in absolute value
//!   (the parameters are then right to about 1e-6 relative for well-conditioned
//!   fits), or when three iterations in a row lower the objective by less than
//!   `1e-14` relative (the floating-point floor: the objective's rounding noise
//!   hides any further decrease) with every gradient component at most `1e-5`;
//!   at most [`MAX_ITERATIONS`] iterations;
//! - at that floor a failed full step is not backtracked: when every gradient
//!   component is at most `1e-5` and the whole step predicts a decrease below
//!   [`FLOOR_DECREASE`] relative, the fit stops converged (halving such a step
//!   only finds, 30-odd evaluations later, a step too short to change the value);
//! - a *confirming* run (a further starting point, given the optimum already
//!   found) stops as soon as it reaches that optimum's value within
//!   [`CONFIRM_TOLERANCE`] relative with every gradient component at most `1e-5`:
//!   it has then found the same optimum, and the last iterations would only
//!   polish a point that is not reported.
//!
//! Standard errors: the exact Hessian of the total negative log-likelihood in the
//! natural parameters, inverted; `SE(θᵢ) = √(H⁻¹)ᵢᵢ`. `None` when it is not
//! positive definite (a flat or boundary optimum).

// Small dense linear algebra reads best with explicit indices.
#![allow(clippy::needless_range_loop)]

use crate::error::{Error, ErrorKind, Result};

/// The relative decrease below which a step is lost in the objective's rounding
/// (see the module doc).
pub const FLOOR_DECREASE: f64 = 1e-13;

/// How close to the optimum it confirms a confirming run must come (relative).
pub const CONFIRM_TOLERANCE: f64 = 1e-9;

/// An objective: its value and gradient at a point.
pub type Objective<'a, const N: usize> = dyn FnMut(&[f64; N]) -> (f64, [f64; N]) + 'a;

/// An objective with its Hessian: value, gradient and Hessian at a point.
pub type ObjectiveWithHessian<'a, const N: usize> =
    dyn FnMut(&[f64; N]) -> (f64, [f64; N], [[f64; N]; N]) + 'a;

/// The most iterations of one fit (Newton or BFGS).
pub const MAX_ITERATIONS: u32 = 500;

/// Gradient tolerance on the mean negative log-likelihood over `ln θ`.
pub const GRADIENT_TOLERANCE: f64 = 1e-8;

/// The gradient bound of the floating-point floor test (see the module doc).
pub const FLOOR_GRADIENT_TOLERANCE: f64 = 1e-5;

/// Where a minimisation ended.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Minimum<const N: usize> {
    /// The point reached (the minimiser's variables, here `ln θ`).
    pub point: [f64; N],
    /// The objective there.
    pub value: f64,
    /// True when the gradient test was met.
    pub converged: bool,
    /// Iterations done.
    pub iterations: u32,
    /// A confirming run that stopped on reaching the value it confirms (its
    /// point is then close to, not at, that optimum).
    pub confirmed: bool,
}

fn dot<const N: usize>(a: &[f64; N], b: &[f64; N]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn max_abs<const N: usize>(a: &[f64; N]) -> f64 {
    a.iter().fold(0.0, |m, v| m.max(v.abs()))
}

fn identity<const N: usize>() -> [[f64; N]; N] {
    let mut h = [[0.0; N]; N];
    for (i, row) in h.iter_mut().enumerate() {
        row[i] = 1.0;
    }
    h
}

/// Minimises `objective` (value and gradient) from `start` by BFGS.
///
/// With `confirm = Some(value)` (an optimum's value already found from another
/// start), the run stops as soon as it reaches that value (see the module doc)
/// and says so in [`Minimum::confirmed`].
///
/// `on_iteration(i)` is called after each iteration; returning `false` cancels
/// the work ([`ErrorKind::Cancelled`]).
pub fn minimize<const N: usize>(
    objective: &mut Objective<'_, N>,
    start: [f64; N],
    confirm: Option<f64>,
    on_iteration: &mut dyn FnMut(u32) -> bool,
) -> Result<Minimum<N>> {
    descend(
        &mut |p: &[f64; N]| {
            let (f, g) = objective(p);
            (f, g, None)
        },
        start,
        confirm,
        on_iteration,
    )
}

/// As [`minimize`], by Newton's method on the exact Hessian (see the module doc):
/// for objectives whose Hessian costs little more than their gradient.
pub fn minimize_newton<const N: usize>(
    objective: &mut ObjectiveWithHessian<'_, N>,
    start: [f64; N],
    confirm: Option<f64>,
    on_iteration: &mut dyn FnMut(u32) -> bool,
) -> Result<Minimum<N>> {
    descend(
        &mut |p: &[f64; N]| {
            let (f, g, h) = objective(p);
            (f, g, Some(h))
        },
        start,
        confirm,
        on_iteration,
    )
}

/// An objective's value, gradient and (for Newton) Hessian at a point.
type Evaluation<const N: usize> = (f64, [f64; N], Option<[[f64; N]; N]>);

/// The Newton direction `−(H + λI)⁻¹ g` for the smallest `λ` of `0, 1e-8·s,
/// 1e-7·s, …` (`s` the largest diagonal entry in absolute value) that makes the
/// matrix positive definite; `None` when none does (non-finite entries).
fn newton_direction<const N: usize>(h: &[[f64; N]; N], g: &[f64; N]) -> Option<[f64; N]> {
    let scale = (0..N).fold(0.0f64, |m, i| m.max(h[i][i].abs())).max(1e-12);
    let mut lambda = 0.0;
    for _ in 0..24 {
        let mut m = *h;
        for (i, row) in m.iter_mut().enumerate() {
            row[i] += lambda;
        }
        if let Some(inv) = invert_spd(&m) {
            let mut d = [0.0; N];
            for i in 0..N {
                d[i] = -dot(&inv[i], g);
            }
            return Some(d);
        }
        lambda = if lambda == 0.0 {
            1e-8 * scale
        } else {
            lambda * 10.0
        };
    }
    None
}

/// The descent both minimisers share: the direction from the exact Hessian when
/// the evaluation has one, else from the BFGS inverse-Hessian estimate; then the
/// same capped, backtracking step and stopping rules.
fn descend<const N: usize>(
    objective: &mut dyn FnMut(&[f64; N]) -> Evaluation<N>,
    start: [f64; N],
    confirm: Option<f64>,
    on_iteration: &mut dyn FnMut(u32) -> bool,
) -> Result<Minimum<N>> {
    let mut x = start;
    let (mut f, mut g, mut hessian) = objective(&x);
    if !f.is_finite() || g.iter().any(|v| !v.is_finite()) {
        return Ok(Minimum {
            point: x,
            value: f,
            converged: false,
            iterations: 0,
            confirmed: false,
        });
    }
    let mut h = identity::<N>();
    let mut first = true;
    let mut iterations = 0;
    let mut stalled = 0;
    while iterations < MAX_ITERATIONS {
        if max_abs(&g) <= GRADIENT_TOLERANCE {
            return Ok(Minimum {
                point: x,
                value: f,
                converged: true,
                iterations,
                confirmed: false,
            });
        }
        if let Some(target) = confirm
            && (f - target).abs() <= CONFIRM_TOLERANCE * target.abs().max(1.0)
            && max_abs(&g) <= FLOOR_GRADIENT_TOLERANCE
        {
            return Ok(Minimum {
                point: x,
                value: f,
                converged: false,
                iterations,
                confirmed: true,
            });
        }
        iterations += 1;
        let mut d = [0.0; N];
        match hessian.as_ref().and_then(|m| newton_direction(m, &g)) {
            Some(newton) => d = newton,
            None => {
                for i in 0..N {
                    d[i] = -dot(&h[i], &g);
                }
            }
        }
        if dot(&d, &g) >= 0.0 {
            h = identity();
            first = true;
            d = g.map(|v| -v);
        }
        let longest = max_abs(&d);
        if longest > 5.0 {
            d = d.map(|v| v * 5.0 / longest);
        }
        let slope = dot(&d, &g);
        let at_floor =
            max_abs(&g) <= FLOOR_GRADIENT_TOLERANCE && -slope <= FLOOR_DECREASE * f.abs();
        let mut step = 1.0;
        let mut accepted = None;
        for _ in 0..if at_floor { 1 } else { 60 } {
            let mut trial = x;
            for i in 0..N {
                trial[i] += step * d[i];
            }
            let (ft, gt, ht) = objective(&trial);
            if ft.is_finite() && gt.iter().all(|v| v.is_finite()) && ft <= f + 1e-4 * step * slope {
                accepted = Some((trial, ft, gt, ht));
                break;
            }
            step *= 0.5;
        }
        let Some((xn, fnew, gn, hn)) = accepted else {
            // No decrease along a descent direction: at the optimum to rounding.
            let converged = max_abs(&g) <= FLOOR_GRADIENT_TOLERANCE;
            return Ok(Minimum {
                point: x,
                value: f,
                converged,
                iterations,
                confirmed: false,
            });
        };
        let mut s = [0.0; N];
        let mut y = [0.0; N];
        for i in 0..N {
            s[i] = xn[i] - x[i];
            y[i] = gn[i] - g[i];
        }
        stalled = if f - fnew <= 1e-14 * f.abs().max(1.0) {
            stalled + 1
        } else {
            0
        };
        let sy = dot(&s, &y);
        if hn.is_none() && sy > 0.0 {
            if first {
                let scale = sy / dot(&y, &y);
                h = identity();
                for (i, row) in h.iter_mut().enumerate() {
                    row[i] = scale;
                }
                first = false;
            }
            // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, with ρ = 1/sᵀy.
            let rho = 1.0 / sy;
            let mut hy = [0.0; N];
            for i in 0..N {
                hy[i] = dot(&h[i], &y);
            }
            let yhy = dot(&y, &hy);
            for i in 0..N {
                for j in 0..N {
                    h[i][j] += -rho * (s[i] * hy[j] + hy[i] * s[j])
                        + (rho * rho * yhy + rho) * s[i] * s[j];
                }
            }
        }
        x = xn;
        f = fnew;
        g = gn;
        hessian = hn;
        if !on_iteration(iterations) {
            return Err(Error::new(ErrorKind::Cancelled));
        }
        if stalled >= 3 && max_abs(&g) <= FLOOR_GRADIENT_TOLERANCE {
            return Ok(Minimum {
                point: x,
                value: f,
                converged: true,
                iterations,
                confirmed: false,
            });
        }
    }
    Ok(Minimum {
        point: x,
        value: f,
        converged: max_abs(&g) <= GRADIENT_TOLERANCE,
        iterations,
        confirmed: false,
    })
}

/// Copies the upper triangle of `m` into its lower triangle (a symmetric matrix
/// whose upper triangle was computed).
pub fn mirror_upper<const N: usize>(m: &mut [[f64; N]; N]) {
    for i in 0..N {
        for j in 0..i {
            m[i][j] = m[j][i];
        }
    }
}

/// The inverse of a symmetric positive-definite matrix by Cholesky; `None` when
/// it is not positive definite (or not finite).
pub fn invert_spd<const N: usize>(m: &[[f64; N]; N]) -> Option<[[f64; N]; N]> {
    // m = L Lᵀ.
    let mut l = [[0.0; N]; N];
    for i in 0..N {
        for j in 0..=i {
            let sum: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let d = m[i][i] - sum;
                if !(d > 0.0 && d.is_finite()) {
                    return None;
                }
                l[i][i] = d.sqrt();
            } else {
                l[i][j] = (m[i][j] - sum) / l[j][j];
            }
        }
    }
    // Columns of m⁻¹ by forward and back substitution.
    let mut inv = [[0.0; N]; N];
    for c in 0..N {
        let mut y = [0.0; N];
        for i in 0..N {
            let e = if i == c { 1.0 } else { 0.0 };
            let sum: f64 = (0..i).map(|k| l[i][k] * y[k]).sum();
            y[i] = (e - sum) / l[i][i];
        }
        let mut x = [0.0; N];
        for i in (0..N).rev() {
            let sum: f64 = (i + 1..N).map(|k| l[k][i] * x[k]).sum();
            x[i] = (y[i] - sum) / l[i][i];
        }
        for i in 0..N {
            inv[i][c] = x[i];
        }
    }
    inv.iter().flatten().all(|v| v.is_finite()).then_some(inv)
}

/// True when `m` is a better optimum than `best`: converged beats not converged,
/// then the lower finite value wins.
pub fn better<const N: usize>(m: &Minimum<N>, best: Option<&Minimum<N>>) -> bool {
    let Some(b) = best else { return true };
    let key = |x: &Minimum<N>| (x.converged, x.value.is_finite());
    match key(m).cmp(&key(b)) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => m.value < b.value,
    }
}

/// Standard errors `√(H⁻¹)ᵢᵢ` from the Hessian `h` of a negative log-likelihood.
pub fn standard_errors<const N: usize>(h: &[[f64; N]; N]) -> Option<[f64; N]> {
    let inv = invert_spd(h)?;
    let mut se = [0.0; N];
    for i in 0..N {
        if inv[i][i] <= 0.0 {
            return None;
        }
        se[i] = inv[i][i].sqrt();
    }
    Some(se)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimises_the_rosenbrock_function() {
        let mut f = |p: &[f64; 2]| {
            let (x, y) = (p[0], p[1]);
            let v = (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2);
            let g = [
                -2.0 * (1.0 - x) - 400.0 * x * (y - x * x),
                200.0 * (y - x * x),
            ];
            (v, g)
        };
        let m = minimize(&mut f, [-1.2, 1.0], None, &mut |_| true).unwrap();
        assert!(m.converged, "{m:?}");
        assert!((m.point[0] - 1.0).abs() < 1e-6 && (m.point[1] - 1.0).abs() < 1e-6);
    }

    /// Rosenbrock's function with its exact Hessian.
    fn rosenbrock(p: &[f64; 2]) -> (f64, [f64; 2], [[f64; 2]; 2]) {
        let (x, y) = (p[0], p[1]);
        let v = (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2);
        let g = [
            -2.0 * (1.0 - x) - 400.0 * x * (y - x * x),
            200.0 * (y - x * x),
        ];
        let h = [
            [2.0 - 400.0 * (y - x * x) + 800.0 * x * x, -400.0 * x],
            [-400.0 * x, 200.0],
        ];
        (v, g, h)
    }

    #[test]
    fn newton_minimises_the_rosenbrock_function_in_fewer_iterations() {
        // From (−1.2, 1) the Hessian is positive definite; from (0, 1) it is not
        // (the damped step must still descend).
        for start in [[-1.2, 1.0], [0.0, 1.0], [2.0, -1.0]] {
            let newton = minimize_newton(&mut rosenbrock, start, None, &mut |_| true).unwrap();
            assert!(newton.converged, "{start:?}: {newton:?}");
            assert!((newton.point[0] - 1.0).abs() < 1e-6 && (newton.point[1] - 1.0).abs() < 1e-6);
            let mut f = |p: &[f64; 2]| {
                let (v, g, _) = rosenbrock(p);
                (v, g)
            };
            let bfgs = minimize(&mut f, start, None, &mut |_| true).unwrap();
            assert!(
                newton.iterations < bfgs.iterations,
                "{newton:?} vs {bfgs:?}"
            );
        }
        let h = rosenbrock(&[0.0, 1.0]).2;
        assert!(
            invert_spd(&h).is_none(),
            "the second start must test the damping"
        );
    }

    #[test]
    fn newton_confirms_and_cancels_like_bfgs() {
        let mut f = |p: &[f64; 1]| {
            let (v, g) = two_minima(p);
            let x = p[0];
            (v, g, [[12.0 * x * x - 4.0]])
        };
        let left = minimize_newton(&mut f, [-1.3], None, &mut |_| true).unwrap();
        assert!(left.converged && left.point[0] < 0.0);
        let quick = minimize_newton(&mut f, [-0.4], Some(left.value), &mut |_| true).unwrap();
        assert!(
            quick.confirmed && (quick.value - left.value).abs() <= CONFIRM_TOLERANCE * left.value
        );
        let right = minimize_newton(&mut f, [1.1], Some(left.value), &mut |_| true).unwrap();
        assert!(right.converged && !right.confirmed && right.point[0] > 0.0);
        let e = minimize_newton(&mut f, [0.3], None, &mut |_| false).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Cancelled);
    }

    #[test]
    fn cancellation_stops_the_fit() {
        let mut f = |p: &[f64; 1]| ((p[0] - 3.0).powi(4), [4.0 * (p[0] - 3.0).powi(3)]);
        let e = minimize(&mut f, [0.0], None, &mut |_| false).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Cancelled);
    }

    /// A bowl with two minima (near −1, the lower, and near +1), offset so that
    /// relative tolerances apply.
    fn two_minima(p: &[f64; 1]) -> (f64, [f64; 1]) {
        let x = p[0];
        (
            10.0 + (x * x - 1.0).powi(2) + 0.3 * x,
            [4.0 * x * (x * x - 1.0) + 0.3],
        )
    }

    #[test]
    fn a_confirming_run_stops_on_the_optimum_it_confirms_and_only_there() {
        let mut f = two_minima;
        let left = minimize(&mut f, [-1.3], None, &mut |_| true).unwrap();
        assert!(left.converged && !left.confirmed && left.point[0] < 0.0);
        // From another start into the same basin: stops on reaching its value.
        let full = minimize(&mut f, [-0.4], None, &mut |_| true).unwrap();
        let quick = minimize(&mut f, [-0.4], Some(left.value), &mut |_| true).unwrap();
        assert!(quick.confirmed && !quick.converged, "{quick:?}");
        assert!(quick.iterations < full.iterations, "{quick:?} vs {full:?}");
        assert!((quick.value - left.value).abs() <= CONFIRM_TOLERANCE * left.value);
        // Into the other basin: the target is never reached, the run converges there.
        let right = minimize(&mut f, [1.1], Some(left.value), &mut |_| true).unwrap();
        assert!(right.converged && !right.confirmed && right.point[0] > 0.0);
        assert!(right.value > left.value + 0.1);
    }

    #[test]
    fn stops_at_the_rounding_floor_without_backtracking_in_vain() {
        // Value noise of 1e-11 (a sum's rounding) and gradient noise of 1e-7: near
        // the optimum the gradient never meets the 1e-8 tolerance and the point
        // reached sits lower in the noise than its neighbours, so no step verifies
        // a decrease. The fit must stop there, converged, instead of halving each
        // step 30-odd times per iteration.
        let noise = |v: f64| {
            let h = v.to_bits().wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 11;
            h as f64 / (1u64 << 53) as f64
        };
        let evaluations = std::cell::Cell::new(0u32);
        let mut f = |p: &[f64; 2]| {
            evaluations.set(evaluations.get() + 1);
            let (x, y) = (p[0] - 1.0, p[1] + 2.0);
            let wobble = 1e-7 * (noise(p[1]) - 0.5);
            (
                1e3 + x.powi(4) + x * x + 3.0 * y * y + 1e-11 * noise(p[0] + p[1]),
                [4.0 * x.powi(3) + 2.0 * x + wobble, 6.0 * y - wobble],
            )
        };
        let m = minimize(&mut f, [3.0, 1.0], None, &mut |_| true).unwrap();
        assert!(m.converged, "{m:?}");
        assert!((m.point[0] - 1.0).abs() < 1e-5 && (m.point[1] + 2.0).abs() < 1e-5);
        assert!(
            evaluations.get() < 2 * (m.iterations + 1) + 5,
            "{} evaluations in {} iterations",
            evaluations.get(),
            m.iterations
        );
    }

    #[test]
    fn inverse_and_standard_errors() {
        let m = [[4.0, 2.0], [2.0, 3.0]];
        let inv = invert_spd(&m).unwrap();
        // det = 8: inverse = [[3, −2], [−2, 4]] / 8.
        assert!((inv[0][0] - 0.375).abs() < 1e-15 && (inv[0][1] + 0.25).abs() < 1e-15);
        let se = standard_errors(&m).unwrap();
        assert!((se[1] - 0.5f64.sqrt()).abs() < 1e-15);
        assert!(invert_spd(&[[1.0, 2.0], [2.0, 1.0]]).is_none());
    }
}
