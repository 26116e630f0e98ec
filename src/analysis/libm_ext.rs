//! The transcendental functions of the analyses, from the `libm` crate on every
//! target: natively `f64::ln`/`exp` call the platform's C library, in wasm a port of
//! musl, and the two differ in the last bit now and then — enough to change a
//! p-value's or a CLV's printed digits. With one implementation everywhere the same
//! file and spec give byte-identical JSON natively and in the browser (checked by
//! `tests/golden.rs` and `tests/web.rs`; `tests/tidy.rs` forbids the `std` forms in
//! `src/analysis/`). `sqrt` needs nothing: IEEE 754 rounds it exactly everywhere.

/// `f64` methods named after the `std` ones they replace.
pub trait LibmExt {
    /// Natural logarithm (`libm::log`).
    fn libm_ln(self) -> f64;
    /// `e^x` (`libm::exp`).
    fn libm_exp(self) -> f64;
    /// `e^x - 1`, exact near 0 (`libm::expm1`).
    fn libm_exp_m1(self) -> f64;
    /// `ln(1 + x)`, exact near 0 (`libm::log1p`).
    fn libm_ln_1p(self) -> f64;
}

impl LibmExt for f64 {
    #[inline]
    fn libm_ln(self) -> f64 {
        libm::log(self)
    }
    #[inline]
    fn libm_exp(self) -> f64 {
        libm::exp(self)
    }
    #[inline]
    fn libm_exp_m1(self) -> f64 {
        libm::expm1(self)
    }
    #[inline]
    fn libm_ln_1p(self) -> f64 {
        libm::log1p(self)
    }
}

#[cfg(test)]
mod tests {
    use super::LibmExt;

    #[test]
    fn agrees_with_std_to_an_ulp_or_two() {
        for &x in &[1e-300, 1e-9, 0.1, 0.5, 1.0, 2.0, 10.0, 123.456, 1e300] {
            let close = |a: f64, b: f64| (a - b).abs() <= 4.0 * f64::EPSILON * a.abs().max(b.abs());
            assert!(close(x.libm_ln(), x.ln()), "ln {x}");
            assert!(close(x.libm_ln_1p(), x.ln_1p()), "ln_1p {x}");
            let y = x.min(700.0) * if x > 1.0 { -1.0 } else { 1.0 };
            assert!(close(y.libm_exp(), y.exp()), "exp {y}");
            assert!(close(y.libm_exp_m1(), y.exp_m1()), "exp_m1 {y}");
        }
    }
}
