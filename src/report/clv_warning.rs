//! A CLV result's reasons for caution as data: a `code` and the numbers each quotes.
//! `Display` is the English sentence of the result's `warnings`; a reader in another
//! language (the page in Chinese) writes its own sentence from the fields.

use std::fmt;

use serde::{Deserialize, Serialize};

/// One reason why a CLV result deserves caution. In JSON an object with a `code`
/// (the variant in snake case) and the variant's fields.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ClvWarning {
    /// Fewer repeat buyers than `minimum` in the calibration period.
    FewRepeatBuyers {
        /// Customers with a repeat purchase day before the calibration end.
        repeat_buyers: u64,
        /// Customers fitted.
        customers: u64,
        /// The calibration end (local date).
        calibration_end: String,
        /// The number of repeat buyers to aim for.
        minimum: u64,
    },
    /// The BG/NBD fit stopped without meeting its convergence test.
    BgnbdNotConverged {
        /// Iterations run.
        iterations: u32,
    },
    /// The BG/NBD starts reached different optima; the best is shown.
    BgnbdStartsDisagree,
    /// The BG/NBD standard errors are undefined.
    BgnbdNoStdErrors,
    /// Spend and frequency are correlated (Gamma-Gamma assumes independence).
    SpendFrequencyCorrelated {
        /// Pearson's r.
        r: f64,
    },
    /// Gamma-Gamma q ≤ 1: the population mean spend is infinite.
    GammaGammaInfiniteMean {
        /// The fitted q.
        q: f64,
    },
    /// The Gamma-Gamma fit did not meet its convergence test.
    GammaGammaNotConverged,
    /// Repeat purchase days with a negative revenue, left out of the spend.
    NegativeRevenueDays {
        /// How many.
        days: u64,
    },
    /// No Gamma-Gamma fit: the tiers rank by expected purchases.
    TiersByExpectedPurchases,
}

impl fmt::Display for ClvWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClvWarning::FewRepeatBuyers {
                repeat_buyers,
                customers,
                calibration_end,
                minimum,
            } => write!(
                f,
                "only {repeat_buyers} of {customers} customers bought again before {calibration_end}: too few repeat buyers for reliable BG/NBD estimates (aim for at least {minimum})"
            ),
            ClvWarning::BgnbdNotConverged { iterations } => write!(
                f,
                "the BG/NBD fit stopped after {iterations} iterations without meeting its convergence test"
            ),
            ClvWarning::BgnbdStartsDisagree => write!(
                f,
                "the BG/NBD fit reached different optima from different starting points; the best is shown"
            ),
            ClvWarning::BgnbdNoStdErrors => write!(
                f,
                "the BG/NBD standard errors are undefined (the likelihood is flat or the optimum is on a boundary)"
            ),
            ClvWarning::SpendFrequencyCorrelated { r } => write!(
                f,
                "spend and purchase frequency are correlated (r = {r:.2}); Gamma-Gamma assumes they are independent, so expected spend and CLV may be biased"
            ),
            ClvWarning::GammaGammaInfiniteMean { q } => write!(
                f,
                "Gamma-Gamma q = {q:.3} ≤ 1: the population mean spend is infinite, so customers without a repeat spend get no expected spend"
            ),
            ClvWarning::GammaGammaNotConverged => {
                write!(f, "the Gamma-Gamma fit did not meet its convergence test")
            }
            ClvWarning::NegativeRevenueDays { days } => write!(
                f,
                "{days} repeat purchase days have a negative revenue (refunds?); they are left out of the spend, with the zero-value ones"
            ),
            ClvWarning::TiersByExpectedPurchases => write!(
                f,
                "without a Gamma-Gamma fit there is no CLV: the value tiers rank customers by expected purchases"
            ),
        }
    }
}
