//! What a step did, in values a front end formats: the verdict, every port with the nodePort it
//! ended up with and why (its [`Provenance`]), and for a rejection its typed [`Cause`] next to the
//! apiserver's exact message.

use crate::cluster_ips::ClusterIp;
use crate::registry::Allocation;
use crate::status::ApiError;
use portband_allocator::gofmt::Quoted;
use portband_allocator::ip::Ip;
use portband_allocator::{BandKind, BandUsage, Metrics, Pick};
use portband_contract::Mode;

use crate::cluster::Source;

/// The verb of a step: the kubectl command it stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// `kubectl apply`.
    Apply,
    /// `kubectl replace`.
    Replace,
    /// `kubectl create`.
    Create,
    /// `kubectl delete`.
    Delete,
}

impl Action {
    /// `apply`, `replace`, `create` or `delete`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Apply => "apply",
            Action::Replace => "replace",
            Action::Create => "create",
            Action::Delete => "delete",
        }
    }
}

impl From<Mode> for Action {
    fn from(mode: Mode) -> Action {
        match mode {
            Mode::Apply => Action::Apply,
            Mode::Replace => Action::Replace,
            Mode::Create => Action::Create,
        }
    }
}

/// The request kubectl sent for an object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Request {
    /// A POST (`kubectl create`, or `kubectl apply` of a new Service).
    Create,
    /// A PUT (`kubectl replace`).
    Update,
    /// A PATCH (`kubectl apply` of an existing Service).
    Patch,
}

impl Request {
    /// How kubectl names the request in an error: `creating`, `replacing`, `patching`.
    pub fn doing(self) -> &'static str {
        match self {
            Request::Create => "creating",
            Request::Update => "replacing",
            Request::Patch => "patching",
        }
    }
}

/// How a step ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A new Service was stored.
    Created,
    /// An existing Service was replaced.
    Updated,
    /// A Service was removed.
    Deleted,
    /// The apiserver refused the request.
    Rejected,
    /// Not a Service: nothing was sent.
    Skipped,
}

impl Verdict {
    /// `created`, `updated`, `deleted`, `rejected` or `skipped`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Created => "created",
            Verdict::Updated => "updated",
            Verdict::Deleted => "deleted",
            Verdict::Rejected => "rejected",
            Verdict::Skipped => "skipped",
        }
    }
}

/// Why a nodePort (or the health-check port) has the value it has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Provenance {
    /// Written in the manifest, and held as written.
    Explicit,
    /// Left unset and chosen by the allocator, as the [`Pick`] tells.
    Allocated(Pick),
    /// Left unset on create and given the nodePort of `spec.ports[index]`, an entry with the same
    /// port number (upstream `initNodePorts`: one allocation for both).
    Shared {
        /// The entry whose nodePort this one uses.
        index: usize,
    },
    /// Left unset on update and kept from the Service it replaced, matched by port name
    /// (upstream `patchAllocatedValues`).
    Kept,
    /// Holds nothing in the allocator: a Service type without node ports (a value written on an
    /// ExternalName Service is stored as it is, never allocated), or a LoadBalancer with
    /// `allocateLoadBalancerNodePorts: false` that left it at 0.
    NotAllocated,
}

impl Provenance {
    /// `explicit`, `allocated`, `shared`, `kept` or `notAllocated`: the JSON contract's names.
    pub fn as_str(self) -> &'static str {
        match self {
            Provenance::Explicit => "explicit",
            Provenance::Allocated(_) => "allocated",
            Provenance::Shared { .. } => "shared",
            Provenance::Kept => "kept",
            Provenance::NotAllocated => "notAllocated",
        }
    }

    /// Whether the allocator holds the port for its Service.
    pub fn holds(self) -> bool {
        self != Provenance::NotAllocated
    }
}

/// A Service port with the nodePort it ended up with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortOutcome {
    /// The port's name.
    pub name: String,
    /// The Service port.
    pub port: i32,
    /// The protocol.
    pub protocol: String,
    /// The nodePort (0: none).
    pub node_port: i32,
    /// The band of the nodePort, if the allocator holds it.
    pub band: Option<BandKind>,
    /// Why the nodePort is what it is.
    pub provenance: Provenance,
}

impl PortOutcome {
    /// `http 80/TCP`, or `80/TCP` for a port without a name.
    pub fn label(&self) -> String {
        match self.name.as_str() {
            "" => format!("{}/{}", self.port, self.protocol),
            name => format!("{name} {}/{}", self.port, self.protocol),
        }
    }
}

/// The health-check nodePort of a LoadBalancer Service with `externalTrafficPolicy: Local`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HealthCheck {
    /// `spec.healthCheckNodePort`.
    pub node_port: i32,
    /// Its band.
    pub band: Option<BandKind>,
    /// Why it is what it is (never [`Provenance::Shared`]).
    pub provenance: Provenance,
}

/// Which stored Service holds a port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holder {
    /// The port.
    pub port: i32,
    /// `namespace/name`.
    pub service: String,
    /// The field that holds the port, e.g. `spec.ports[0].nodePort` (named, if the port has a name).
    pub field: String,
}

/// Why a request was refused, as a value; the apiserver's message is [`Outcome::error`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cause {
    /// An explicitly requested port is taken: by a stored Service (`holder`), or, with no holder,
    /// by an earlier field of the same request (which gave it back when it failed).
    Taken {
        /// The field that asked for it.
        field: String,
        /// The port.
        port: i32,
        /// Who holds it.
        holder: Option<Holder>,
    },
    /// An explicitly requested port lies outside the range.
    OutOfRange {
        /// The field that asked for it.
        field: String,
        /// The port.
        port: i32,
    },
    /// No port was free for a field left unset.
    Full {
        /// The field that needed one.
        field: String,
    },
    /// A written cluster IP is taken: by a stored Service (`holder`, `namespace/name`), or, with
    /// no holder, by an earlier family of the same request.
    AddressTaken {
        /// The address.
        ip: Ip,
        /// Who holds it.
        holder: Option<String>,
    },
    /// A written cluster IP lies outside its family's service CIDR.
    AddressOutOfRange {
        /// The address.
        ip: Ip,
    },
    /// No cluster IP was free for a Service that needed one.
    AddressesFull,
    /// On update, two entries with one protocol ask for one nodePort.
    Duplicate {
        /// The protocol.
        protocol: String,
        /// The nodePort.
        port: i32,
    },
    /// Validation refused the object; the fields are the error's causes.
    Invalid,
    /// The object could not be decoded as a v1 Service.
    Undecodable,
    /// A delete or replace of a Service that does not exist.
    NotFound,
    /// A create of a Service that exists.
    Exists,
    /// kubectl refused to send the object.
    Client,
}

/// One nodePort a Service holds, with every use of it: entries of `spec.ports` that share it
/// and the health check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Held {
    /// The port.
    pub node_port: i32,
    /// Its band.
    pub band: Option<BandKind>,
    /// The indices of the `spec.ports` entries that use it.
    pub ports: Vec<usize>,
    /// Whether it is the health-check nodePort.
    pub health_check: bool,
    /// Whether a manifest wrote it (for any of its uses) rather than the allocator choosing it.
    pub explicit: bool,
}

/// The nodePorts held by a Service with these ports and health check, each once, in order of
/// first use.
pub fn held(ports: &[PortOutcome], health_check: Option<&HealthCheck>) -> Vec<Held> {
    let mut held: Vec<Held> = Vec::new();
    let uses = ports
        .iter()
        .enumerate()
        .map(|(i, p)| (Some(i), p.node_port, p.band, p.provenance))
        .chain(health_check.map(|h| (None, h.node_port, h.band, h.provenance)));
    for (index, node_port, band, provenance) in uses {
        if node_port == 0 || !provenance.holds() {
            continue;
        }
        let at = match held.iter().position(|h| h.node_port == node_port) {
            Some(at) => at,
            None => {
                held.push(Held {
                    node_port,
                    band,
                    ports: Vec::new(),
                    health_check: false,
                    explicit: false,
                });
                held.len() - 1
            }
        };
        let entry = &mut held[at];
        match index {
            Some(i) => entry.ports.push(i),
            None => entry.health_check = true,
        }
        entry.explicit |= provenance == Provenance::Explicit;
    }
    held
}

/// Everything a front end shows about one step.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// Apply or delete.
    pub action: Action,
    /// `namespace/name`.
    pub service: String,
    /// For skipped objects, their kind.
    pub kind: Option<String>,
    /// How it ended.
    pub verdict: Verdict,
    /// For an object step: the request kubectl sent, if it sent one.
    pub request: Option<Request>,
    /// The Service's ports after the step (for a delete: the ports it had). Empty when rejected or skipped.
    pub ports: Vec<PortOutcome>,
    /// The health-check nodePort, if the Service has one.
    pub health_check: Option<HealthCheck>,
    /// The Service's cluster IPs after the step (for a delete: those it had), in its families'
    /// order. Empty when rejected or skipped, and for headless and ExternalName Services.
    pub cluster_ips: Vec<ClusterIp>,
    /// Why it was rejected: the apiserver's error.
    pub error: Option<ApiError>,
    /// Why it was rejected, as a value.
    pub cause: Option<Cause>,
    /// The ports the step took, in order, with how dynamic ones were chosen.
    pub allocations: Vec<Allocation>,
    /// The ports the step released.
    pub released: Vec<i32>,
    /// The cluster IPs the step released.
    pub released_ips: Vec<Ip>,
    /// Where the step was written.
    pub source: Source,
    /// The allocator's metrics after the step.
    pub metrics: Metrics,
    /// Used and free ports per band after the step.
    pub usage: BandUsage,
}

impl Outcome {
    /// The nodePorts the Service holds after the step (for a delete: held until it), each once.
    pub fn held(&self) -> Vec<Held> {
        held(&self.ports, self.health_check.as_ref())
    }

    /// One line per port, then one for the health-check port, each with its band and provenance:
    /// `http 80/TCP → 31870 (dynamic, allocated)`, `healthCheckNodePort → 30156 (static, explicit)`.
    pub fn port_lines(&self) -> Vec<String> {
        let target = |port: i32, band: Option<BandKind>, provenance: Provenance| {
            let how = match provenance {
                Provenance::Shared { index } => match self.ports.get(index) {
                    Some(other) => format!("shared with {}", other.label()),
                    None => "shared".to_owned(),
                },
                Provenance::Allocated(pick) if pick.fell_back() => {
                    "allocated: the dynamic band was full".to_owned()
                }
                Provenance::NotAllocated => "not allocated".to_owned(),
                other => other.as_str().to_owned(),
            };
            match (port, band) {
                (0, _) => "no nodePort".to_owned(),
                (port, Some(band)) => format!("{port} ({band}, {how})"),
                (port, None) => format!("{port} ({how})"),
            }
        };
        let mut lines: Vec<String> = self
            .ports
            .iter()
            .map(|p| {
                format!(
                    "{} → {}",
                    p.label(),
                    target(p.node_port, p.band, p.provenance)
                )
            })
            .collect();
        if let Some(hc) = &self.health_check {
            lines.push(format!(
                "healthCheckNodePort → {}",
                target(hc.node_port, hc.band, hc.provenance)
            ));
        }
        lines
    }

    /// The error as `kubectl` prints it for an object read from `file` (kubectl says `STDIN` for
    /// standard input), e.g. `Error from server (Invalid): error when creating "web.yaml": Service
    /// "web" is invalid: …`, or `error: …` for one kubectl refused to send.
    pub fn kubectl_error(&self, file: &str) -> Option<String> {
        let error = self.error.as_ref()?;
        if let ApiError::Kubectl { message } = error {
            return Some(format!("error: {message}"));
        }
        let from_server = match error.reason() {
            "" => "Error from server".to_owned(),
            reason => format!("Error from server ({reason})"),
        };
        let doing = match (self.action, self.request) {
            (Action::Delete, _) => return Some(format!("{from_server}: {error}")),
            (_, Some(request)) => request.doing(),
            (_, None) => "creating",
        };
        Some(format!(
            "{from_server}: error when {doing} {}: {error}",
            Quoted(file)
        ))
    }
}
