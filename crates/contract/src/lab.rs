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

impl SimulationReport {
    /// The points as `portband simulate --format csv` prints them: a header line, then one row
    /// per point and mode simulated, an empty field for a null; `number` writes each fraction
    /// (the CLI as JSON does).
    pub fn csv(&self, number: impl Fn(f64) -> String) -> String {
        let mut out = String::from("dynamic,mode,conflicts,trials,p,ci95_low,ci95_high,analytic\n");
        for point in &self.points {
            for (name, mode) in [("split", &point.split), ("legacy", &point.legacy)] {
                if let Some(m) = mode {
                    let fields = [
                        point.dynamic.to_string(),
                        name.to_owned(),
                        m.conflicts.to_string(),
                        m.trials.to_string(),
                        number(m.p),
                        number(m.ci95[0]),
                        number(m.ci95[1]),
                        m.analytic.map(&number).unwrap_or_default(),
                    ];
                    out.push_str(&fields.join(","));
                    out.push('\n');
                }
            }
        }
        out
    }
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
