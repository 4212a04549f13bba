//! portband's JSON contract: the objects `portband … --format json` prints, the JS module
//! returns and the web app reads, declared once. Plain data with serde both ways; the engine
//! (`portband-kube`) builds them from its values.

mod check;
mod count;
mod input;
mod lab;
mod run;
mod view;

pub use check::{CheckReport, FindingReport, PlaceReport};
pub use input::{Mode, MAX_SCENARIO_BYTES, MAX_SEED};
pub use lab::{ModeReport, PointReport, SimulationReport};
pub use run::{
    Band, BandReport, BandsReport, CidrUsage, PortReport, ProvenanceReport, RangeReport, Report,
    ServiceCidrReport, ServiceCidrsReport, StepReport, Summary, Usage,
};
pub use view::{
    AddressCell, ApplyProgress, Cause, Chance, Difference, Explanation, HeldPort, Holder,
    LastInput, LogLine, Metrics, Owner, PortUse, Refusal, Release, Scoped, Settings, StoredService,
};

/// The Service every cluster has from the start, which kube-apiserver creates (`namespace/name`).
pub const KUBERNETES_SERVICE: &str = "default/kubernetes";

/// A field a kind of object needs, or serde's words for its absence.
fn required<T>(value: Option<T>, name: &str) -> Result<T, String> {
    value.ok_or_else(|| format!("missing field `{name}`"))
}
