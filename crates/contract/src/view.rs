//! What the JS module says about a cluster beyond a run's report, for a view of it: who holds a
//! port, the Services stored, why a step was refused, the settings, the metrics, an apply's
//! progress, the releases modelled.

use crate::{required, Band, BandsReport, ProvenanceReport, ServiceCidrReport, StepReport};
use serde::{Deserialize, Serialize};

/// Who holds a nodePort: its first use, or the health check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Owner {
    /// `namespace/name`.
    pub service: String,
    /// The entry's name (empty for the health check).
    pub name: String,
    /// The entry's `port` (0 for the health check).
    pub port: i32,
    /// The entry's protocol.
    pub protocol: String,
    /// The nodePort's band.
    pub band: Option<Band>,
    /// Whether it is the health-check nodePort.
    pub health_check: bool,
}

/// A cell of a service CIDR's grid: the addresses at offsets `from..from + size` of the range's
/// usable addresses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddressCell {
    /// The first address.
    pub first: String,
    /// The last address (the first, for a cell of one).
    pub last: String,
    /// How many addresses (fewer than asked at the range's end).
    #[serde(serialize_with = "crate::count::serialize")]
    pub size: u64,
    /// Their band, or null when the cell spans both.
    pub band: Option<Band>,
    /// How many of them are taken.
    #[serde(serialize_with = "crate::count::serialize")]
    pub taken: u64,
    /// The Service holding the cell's first taken address, `namespace/name`, or null.
    pub service: Option<String>,
    /// Whether a manifest wrote that address, rather than the allocator choosing it.
    pub explicit: bool,
    /// For an address the allocator chose: the random address its scan started at.
    pub scan_start: Option<String>,
    /// For an address the allocator chose: how many taken addresses its scan passed.
    #[serde(serialize_with = "crate::count::serialize_option")]
    pub passed: Option<u64>,
}

/// A stored Service and the nodePorts it holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredService {
    /// `namespace/name`.
    pub service: String,
    /// `spec.type`.
    #[serde(rename = "type")]
    pub type_: String,
    /// Each nodePort once, in order of first use.
    pub node_ports: Vec<HeldPort>,
}

/// One nodePort a Service holds, with every use of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HeldPort {
    /// The port.
    pub node_port: i32,
    /// Its band.
    pub band: Option<Band>,
    /// The `spec.ports` entries that use it.
    pub uses: Vec<PortUse>,
    /// Whether it is the health-check nodePort.
    pub health_check: bool,
    /// Whether a manifest wrote it rather than the allocator choosing it.
    pub explicit: bool,
}

/// A `spec.ports` entry that uses a nodePort.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortUse {
    /// Its name.
    pub name: String,
    /// `port`.
    pub port: i32,
    /// Its protocol.
    pub protocol: String,
}

/// The provenance of a step's ports, and what else it did or why it was refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    /// Each entry's provenance.
    pub ports: Vec<ProvenanceReport>,
    /// The health-check port's.
    pub health_check_node_port: Option<ProvenanceReport>,
    /// The nodePorts it gave back.
    pub released: Vec<i32>,
    /// Why it was refused, where more can be said than the message.
    pub cause: Option<Cause>,
    /// The kind of an object that is not a Service (nothing was sent).
    pub kind: Option<String>,
    /// The line of its input the step (or its error) points at.
    pub line: u32,
}

/// Why a step was refused, where more can be said than its message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    try_from = "CauseFields"
)]
pub enum Cause {
    /// `field` asked for `port`, which `holder` holds (none: an earlier field of the request).
    Taken {
        /// The field.
        field: String,
        /// The port.
        port: i32,
        /// Who holds it.
        holder: Option<Holder>,
    },
    /// `field` asked for `port`, outside the range.
    OutOfRange {
        /// The field.
        field: String,
        /// The port.
        port: i32,
    },
    /// `field` needed a port and none was free.
    Full {
        /// The field.
        field: String,
    },
    /// Two entries of one protocol ask for one nodePort (on update).
    Duplicate {
        /// The protocol.
        protocol: String,
        /// The port.
        port: i32,
    },
}

/// A [`Cause`] as it reads from JSON: the kind and every kind's fields. Read through this flat
/// object rather than as serde's internally tagged enum, which buffers each object whole first:
/// the web page, which reads causes, is smaller by it.
#[derive(Deserialize)]
struct CauseFields {
    kind: String,
    field: Option<String>,
    port: Option<i32>,
    holder: Option<Holder>,
    protocol: Option<String>,
}

impl TryFrom<CauseFields> for Cause {
    type Error = String;

    fn try_from(f: CauseFields) -> Result<Self, String> {
        Ok(match f.kind.as_str() {
            "taken" => Cause::Taken {
                field: required(f.field, "field")?,
                port: required(f.port, "port")?,
                holder: f.holder,
            },
            "outOfRange" => Cause::OutOfRange {
                field: required(f.field, "field")?,
                port: required(f.port, "port")?,
            },
            "full" => Cause::Full {
                field: required(f.field, "field")?,
            },
            "duplicate" => Cause::Duplicate {
                protocol: required(f.protocol, "protocol")?,
                port: required(f.port, "port")?,
            },
            other => return Err(format!("unknown variant `{other}`")),
        })
    }
}

/// The stored Service's field that holds a port.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    /// `namespace/name`.
    pub service: String,
    /// The field, e.g. `spec.ports[0].nodePort`.
    pub field: String,
}

/// A step in the words a log shows it with: the step itself, and what kube-apiserver and kubectl
/// would print for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogLine {
    /// The step.
    pub step: StepReport,
    /// Each port with its nodePort, band and provenance, then the health-check port:
    /// `http 80/TCP → 31870 (dynamic, allocated)`.
    pub port_lines: Vec<String>,
    /// A refusal as kubectl prints it for standard input (`Error from server (Invalid): …`).
    pub kubectl_error: Option<String>,
    /// The refusal's HTTP status code (none for one kubectl refused to send).
    pub code: Option<u16>,
    /// The refusal's Status reason (`Invalid`, `AlreadyExists`, …; empty for none).
    pub reason: Option<String>,
    /// The kind of an object that is not a Service (nothing was sent).
    pub kind: Option<String>,
    /// Why it was refused, where more can be said than the message.
    pub cause: Option<Cause>,
    /// The nodePorts the step holds, each once with its uses.
    pub held: Vec<HeldPort>,
    /// The note its scenario step carries (a lesson's words), if any.
    pub note: Option<String>,
}

/// A step whose outcome differs when the same inputs run under other settings (with and without
/// the band split, say): each run's step as its log shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Difference {
    /// The step, from 0.
    pub step: usize,
    /// This run's.
    pub here: LogLine,
    /// The other run's.
    pub there: LogLine,
}

/// A refused step: where its input (or error) points, the message, and the port another
/// Service held, if that was why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    /// The step, from 0.
    pub step: usize,
    /// The line.
    pub line: u32,
    /// The apiserver's message.
    pub message: String,
    /// The port fought over.
    pub taken: Option<i32>,
}

/// The chance a dynamically allocated port had of being the one picked: the allocator's random
/// start is uniform over the band it scans, and the scan takes the first free port from there, so
/// a port right after `k` taken ones is reached from `k + 1` of the band's starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chance {
    /// The port picked.
    pub port: i32,
    /// The random starts that lead to it.
    pub starts: u32,
    /// The starts there were: the size of the band scanned.
    pub of: u32,
}

/// A Kubernetes release modelled, and what its band split's feature gate allows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Release {
    /// `1.Y`.
    pub version: String,
    /// `alpha`, `beta`, `locked` or `removed`.
    pub gate: String,
    /// Whether the split is on when the apiserver is started without the gate's flag.
    pub split_by_default: bool,
    /// Why no cluster of it runs without the split, if none can.
    pub no_legacy_note: Option<String>,
}

/// A cluster's settings, each given or defaulted, and the bands they make.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// The range, as upstream prints it.
    pub range: String,
    /// The seed of the allocator's random choices.
    pub seed: u64,
    /// The KEP-3668 band split.
    pub static_subrange: bool,
    /// The Kubernetes release modelled.
    pub kubernetes_version: String,
    /// The service CIDRs (`--service-cluster-ip-range`), primary first, with their bands.
    #[serde(rename = "serviceCIDRs")]
    pub service_cidrs: Vec<ServiceCidrReport>,
    /// The bands.
    pub bands: BandsReport,
}

/// The last text applied, and how its manifests were sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastInput {
    /// The text.
    pub text: String,
    /// `apply`, `replace` or `create`.
    pub mode: String,
}

/// The allocator's four upstream metrics (`kube_apiserver_nodeport_allocator_*`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metrics {
    /// `allocated_ports` (gauge).
    pub allocated_ports: u32,
    /// `available_ports` (gauge).
    pub available_ports: u32,
    /// `allocation_total{scope}`.
    pub allocation_total: Scoped,
    /// `allocation_errors_total{scope}`.
    pub allocation_errors_total: Scoped,
}

/// A counter by scope.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scoped {
    /// `scope="static"`: nodePorts written in a manifest.
    #[serde(rename = "static")]
    pub static_scope: u64,
    /// `scope="dynamic"`: nodePorts the allocator chose.
    pub dynamic: u64,
}

/// How far an apply done a slice at a time is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyProgress {
    /// `parsing`, `decoding`, `running` or `failed`.
    pub phase: String,
    /// Bytes parsed, documents decoded or steps run.
    pub done: usize,
    /// Of how many.
    pub total: usize,
}
