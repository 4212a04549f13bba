//! A review (`portband check --format json`).

use serde::{Deserialize, Serialize};

/// A review: every finding with where it is, and the counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckReport {
    /// The findings, in input order.
    pub diagnostics: Vec<FindingReport>,
    /// How many are errors.
    pub errors: usize,
    /// How many are warnings.
    pub warnings: usize,
}

/// One finding of a review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingReport {
    /// Where it is.
    #[serde(flatten)]
    pub place: PlaceReport,
    /// `error` or `warning`.
    pub severity: String,
    /// `namespace/name`.
    pub service: String,
    /// What is wrong.
    pub message: String,
    /// Where the other half of a conflict is, or null.
    pub related: Option<PlaceReport>,
}

/// A place in an input: its file's name, line and column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaceReport {
    /// The file's name, as given.
    pub file: String,
    /// The line, from 1.
    pub line: u32,
    /// The column, from 1.
    pub column: u32,
}
