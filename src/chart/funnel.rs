//! The funnel chart. PLACEHOLDER: being written.
