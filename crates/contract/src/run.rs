//! A run (`portband apply --format json`) and the bands of a range or a service CIDR.

use crate::required;
use serde::{Deserialize, Serialize};

/// A whole run: the range, its bands, every step and the final usage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// The Kubernetes release modelled, e.g. `1.35`.
    pub kubernetes_version: String,
    /// The range, e.g. `30000-32767`.
    pub range: String,
    /// The bands the allocator used.
    pub bands: BandsReport,
    /// The service CIDRs (`--service-cluster-ip-range`), primary first, with their bands.
    #[serde(rename = "serviceCIDRs")]
    pub service_cidrs: Vec<ServiceCidrReport>,
    /// One entry per step, in order.
    pub steps: Vec<StepReport>,
    /// Used and free ports after the last step.
    pub summary: Summary,
}

/// A band of the range: `static` (for ports written in manifests) or `dynamic` (where the
/// allocator looks first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Band {
    /// The lower band.
    Static,
    /// The upper band.
    Dynamic,
}

impl Band {
    /// `"static"` or `"dynamic"`, as the JSON writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Static => "static",
            Band::Dynamic => "dynamic",
        }
    }
}

/// The two bands (of ports, or with `A` = `String` and `N` = `u64`, of addresses).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound(serialize = "A: Serialize, N: Copy + Into<u64>"))]
pub struct BandsReport<A = u16, N = u32> {
    /// The static band (size 0 and no first/last when there is none).
    #[serde(rename = "static")]
    pub static_band: BandReport<A, N>,
    /// The dynamic band.
    pub dynamic: BandReport<A, N>,
}

/// One band.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound(serialize = "A: Serialize, N: Copy + Into<u64>"))]
pub struct BandReport<A = u16, N = u32> {
    /// The first port (or address), or null for an empty band.
    pub first: Option<A>,
    /// The last port (or address), or null for an empty band.
    pub last: Option<A>,
    /// The number of ports (or addresses).
    #[serde(serialize_with = "crate::count::serialize")]
    pub size: N,
}

/// A service CIDR and its bands (`portband bands --service-cluster-ip-range`). Its bands are
/// fields of its own rather than a flattened [`BandsReport`]: serde's flattening buffers each
/// object whole, which costs a reader much code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceCidrReport {
    /// The CIDR as the apiserver prints it, e.g. `10.96.0.0/12`.
    pub cidr: String,
    /// The static band, addresses as strings (size 0 and no first/last when there is none).
    #[serde(rename = "static")]
    pub static_band: BandReport<String, u64>,
    /// The dynamic band.
    pub dynamic: BandReport<String, u64>,
}

/// The service CIDRs of a cluster, primary first (`portband bands --service-cluster-ip-range
/// --format json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceCidrsReport {
    /// Each CIDR with its bands.
    #[serde(rename = "serviceCIDRs")]
    pub service_cidrs: Vec<ServiceCidrReport>,
}

/// One step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StepReport {
    /// The kubectl command: `apply`, `replace`, `create` or `delete`.
    pub action: String,
    /// `namespace/name`.
    pub service: String,
    /// `created`, `updated`, `deleted`, `rejected` or `skipped`.
    pub result: String,
    /// The ports and the nodePorts they got.
    pub ports: Vec<PortReport>,
    /// The health-check nodePort, or null.
    pub health_check_node_port: Option<i32>,
    /// Why the health-check nodePort is what it is, or null.
    pub health_check_provenance: Option<ProvenanceReport>,
    /// The Service's cluster IPs, in its families' order (none for headless, ExternalName and
    /// rejected steps).
    #[serde(rename = "clusterIPs")]
    pub cluster_ips: Vec<String>,
    /// The band of each cluster IP, parallel to `clusterIPs`.
    #[serde(rename = "ipBands")]
    pub ip_bands: Vec<Band>,
    /// The apiserver's message, or null.
    pub error: Option<String>,
}

/// One port of a step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PortReport {
    /// The port's name.
    pub name: String,
    /// The Service port.
    pub port: i32,
    /// The protocol.
    pub protocol: String,
    /// The nodePort (0 when it has none).
    pub node_port: i32,
    /// Its band, or null.
    pub band: Option<Band>,
    /// Why the nodePort is what it is.
    pub provenance: ProvenanceReport,
}

/// Why a nodePort is what it is: `{"kind": "explicit" | "allocated" | "shared" | "kept" |
/// "notAllocated", …}`, with the allocator's pick for `allocated` and the entry for `shared`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    try_from = "ProvenanceFields"
)]
pub enum ProvenanceReport {
    /// Written in the manifest.
    Explicit,
    /// Chosen by the allocator.
    Allocated {
        /// The band it came from.
        band: Band,
        /// The random port the scan started at.
        scan_start: u16,
        /// How many taken ports the scan passed.
        passed: u32,
        /// Whether the dynamic band was full, so the static band was scanned.
        fell_back: bool,
        /// The band the scan wrapped inside.
        span: BandReport,
    },
    /// The nodePort of `ports[with]`, an entry with the same port number.
    Shared {
        /// The entry's index in `ports`.
        with: usize,
    },
    /// Kept from the Service the step replaced, by port name.
    Kept,
    /// Not held in the allocator (no nodePort, or a value stored but never allocated).
    NotAllocated,
}

/// A [`ProvenanceReport`] as it reads from JSON: the kind and every kind's fields (read flat, as
/// [`crate::Cause`] is, for a smaller reader).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProvenanceFields {
    kind: String,
    band: Option<Band>,
    scan_start: Option<u16>,
    passed: Option<u32>,
    fell_back: Option<bool>,
    span: Option<BandReport>,
    with: Option<usize>,
}

impl TryFrom<ProvenanceFields> for ProvenanceReport {
    type Error = String;

    fn try_from(f: ProvenanceFields) -> Result<Self, String> {
        Ok(match f.kind.as_str() {
            "explicit" => ProvenanceReport::Explicit,
            "allocated" => ProvenanceReport::Allocated {
                band: required(f.band, "band")?,
                scan_start: required(f.scan_start, "scanStart")?,
                passed: required(f.passed, "passed")?,
                fell_back: required(f.fell_back, "fellBack")?,
                span: required(f.span, "span")?,
            },
            "shared" => ProvenanceReport::Shared {
                with: required(f.with, "with")?,
            },
            "kept" => ProvenanceReport::Kept,
            "notAllocated" => ProvenanceReport::NotAllocated,
            other => return Err(format!("unknown variant `{other}`")),
        })
    }
}

/// Used and free ports, in all and per band, and the same of each service CIDR's addresses.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Ports taken.
    pub used: u32,
    /// Ports free.
    pub free: u32,
    /// The static band.
    #[serde(rename = "static")]
    pub static_band: Usage,
    /// The dynamic band.
    pub dynamic: Usage,
    /// Each service CIDR's addresses, primary first.
    #[serde(rename = "serviceCIDRs")]
    pub service_cidrs: Vec<CidrUsage>,
}

/// Used and free ports (or with `N` = `u64`, addresses) of one band.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound(serialize = "N: Copy + Into<u64>"))]
pub struct Usage<N = u32> {
    /// Taken.
    #[serde(serialize_with = "crate::count::serialize")]
    pub used: N,
    /// Free.
    #[serde(serialize_with = "crate::count::serialize")]
    pub free: N,
}

/// Used and free addresses of one service CIDR, in all and per band.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CidrUsage {
    /// The CIDR, e.g. `10.96.0.0/12`.
    pub cidr: String,
    /// Addresses taken.
    #[serde(serialize_with = "crate::count::serialize")]
    pub used: u64,
    /// Addresses free.
    #[serde(serialize_with = "crate::count::serialize")]
    pub free: u64,
    /// The static band.
    #[serde(rename = "static")]
    pub static_band: Usage<u64>,
    /// The dynamic band.
    pub dynamic: Usage<u64>,
}

/// A range and its bands (`portband bands --format json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RangeReport {
    /// The range, e.g. `30000-32767`.
    pub range: String,
    /// How many ports it has.
    pub size: u32,
    /// Its bands.
    #[serde(flatten)]
    pub bands: BandsReport,
}
