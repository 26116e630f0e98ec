//! The 11 named RFM segments and the rules from (R, F) scores to a name
//! (ANALYSES.md, "Segments"): the first rule that matches wins.

/// A named RFM segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Segment {
    /// R = 5 and F ≥ 4.
    Champions,
    /// R ≤ 4 and F ≥ 4 (after the rules above it).
    Loyal,
    /// F ≥ 2 (after the rules above it).
    PotentialLoyalist,
    /// Everything left: R = 5 and F = 1.
    New,
    /// R = 4 (after the rules above it).
    Promising,
    /// R = 3 and F = 3.
    NeedAttention,
    /// R = 3 and F ≤ 2.
    AboutToSleep,
    /// R ≤ 2 and F = 5.
    CannotLose,
    /// R ≤ 2 and F ≤ 4 (after the rules above it).
    AtRisk,
    /// R ≤ 2 and F ≤ 2, not both 1.
    Hibernating,
    /// R = 1 and F = 1.
    Lost,
}

impl Segment {
    /// Every segment in the order reports list them: the most valuable first.
    pub const ALL: [Segment; 11] = [
        Segment::Champions,
        Segment::Loyal,
        Segment::PotentialLoyalist,
        Segment::New,
        Segment::Promising,
        Segment::NeedAttention,
        Segment::AboutToSleep,
        Segment::CannotLose,
        Segment::AtRisk,
        Segment::Hibernating,
        Segment::Lost,
    ];

    /// The rules' order: the first that matches names the segment.
    pub const RULES: [Segment; 11] = [
        Segment::Lost,
        Segment::Hibernating,
        Segment::AtRisk,
        Segment::CannotLose,
        Segment::AboutToSleep,
        Segment::NeedAttention,
        Segment::Loyal,
        Segment::Champions,
        Segment::PotentialLoyalist,
        Segment::Promising,
        Segment::New,
    ];

    /// The segment of the scores `(r, f)`, each 1–5.
    pub fn of(r: u8, f: u8) -> Segment {
        // The contract's rules, literally, in order.
        if r == 1 && f == 1 {
            Segment::Lost
        } else if r <= 2 && f <= 2 {
            Segment::Hibernating
        } else if r <= 2 && f <= 4 {
            Segment::AtRisk
        } else if r <= 2 {
            Segment::CannotLose
        } else if r == 3 && f <= 2 {
            Segment::AboutToSleep
        } else if r == 3 && f == 3 {
            Segment::NeedAttention
        } else if r <= 4 && f >= 4 {
            Segment::Loyal
        } else if r == 5 && f >= 4 {
            Segment::Champions
        } else if f >= 2 {
            Segment::PotentialLoyalist
        } else if r == 4 {
            Segment::Promising
        } else {
            Segment::New
        }
    }

    /// The name reports use.
    pub fn name(self) -> &'static str {
        match self {
            Segment::Champions => "Champions",
            Segment::Loyal => "Loyal",
            Segment::PotentialLoyalist => "Potential loyalist",
            Segment::New => "New",
            Segment::Promising => "Promising",
            Segment::NeedAttention => "Need attention",
            Segment::AboutToSleep => "About to sleep",
            Segment::CannotLose => "Cannot lose",
            Segment::AtRisk => "At risk",
            Segment::Hibernating => "Hibernating",
            Segment::Lost => "Lost",
        }
    }

    /// The contract's rule, as written there (read in [`Segment::RULES`] order).
    pub fn rule(self) -> &'static str {
        match self {
            Segment::Lost => "R = 1 and F = 1",
            Segment::Hibernating => "R ≤ 2 and F ≤ 2",
            Segment::AtRisk => "R ≤ 2 and F ≤ 4",
            Segment::CannotLose => "R ≤ 2",
            Segment::AboutToSleep => "R = 3 and F ≤ 2",
            Segment::NeedAttention => "R = 3 and F = 3",
            Segment::Loyal => "R ≤ 4 and F ≥ 4",
            Segment::Champions => "R = 5 and F ≥ 4",
            Segment::PotentialLoyalist => "F ≥ 2",
            Segment::Promising => "R = 4",
            Segment::New => "otherwise",
        }
    }

    /// The position in [`Segment::ALL`].
    pub fn index(self) -> usize {
        Segment::ALL.iter().position(|&s| s == self).unwrap_or(0)
    }
}
