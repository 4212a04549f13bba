//! The lab (`portband simulate --format json`).

use crate::BandsReport;
use serde::{Deserialize, Serialize};

/// The lab's experiment and its result at every point.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SimulationReport {
    /// The range, e.g. `30000-32767`.
    pub range: String,
    /// The range's bands with the split, whatever the modes simulated.
    pub bands: BandsReport,
    /// Trials per point.
    pub trials: u32,
    /// The seed.
    pub seed: u64,
    /// `dynamic-first` or `random`.
    pub order: String,
    /// The ports requested explicitly.
    pub static_ports: Vec<u16>,
    /// One per number of dynamic requests.
    pub points: Vec<PointReport>,
}

/// One number of dynamic requests, under each mode simulated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PointReport {
    /// The number of dynamic requests.
    pub dynamic: u32,
    /// With the band split, if simulated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<ModeReport>,
    /// Without it, if simulated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legacy: Option<ModeReport>,
}

/// How often one mode conflicted at one point.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModeReport {
    /// Trials that conflicted.
    pub conflicts: u32,
    /// Trials run.
    pub trials: u32,
    /// `conflicts / trials`.
    pub p: f64,
    /// The Wilson score interval at 95 %.
    pub ci95: [f64; 2],
    /// The exact probability where a closed form is known, else null.
    pub analytic: Option<f64>,
}
