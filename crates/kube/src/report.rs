//! The JSON reports: a run, a range's bands, a review and a simulation, a stable contract shared by the CLI
//! (`--format json`) and the JS module.

use crate::check::{Diagnostic, Location, Severity};
use crate::cluster::{Cluster, History};
use crate::outcome::{Outcome, Provenance};
use crate::version::KubeVersion;
use portband_allocator::ip::Cidr;
use portband_allocator::lab::{self, Study, Tally};
use portband_allocator::{Band, BandKind, Bands, IpBand, IpBands, PortRange};
use serde::Serialize;

/// A whole run: the range, its bands, every step and the final usage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The Kubernetes release modelled, e.g. `1.35`.
    #[serde(rename = "kubernetesVersion")]
    pub kubernetes_version: KubeVersion,
    /// The range, e.g. `30000-32767`.
    pub range: String,
    /// The bands the allocator used.
    pub bands: BandsReport,
    /// One entry per step, in order.
    pub steps: Vec<StepReport>,
    /// Used and free ports after the last step.
    pub summary: Summary,
}

/// The two bands (of ports, or with `A` = `String` and `N` = `u64`, of addresses).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BandsReport<A = u16, N = u32> {
    /// The static band (size 0 and no first/last when there is none).
    #[serde(rename = "static")]
    pub static_band: BandReport<A, N>,
    /// The dynamic band.
    pub dynamic: BandReport<A, N>,
}

/// One band.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BandReport<A = u16, N = u32> {
    /// The first port (or address), or null for an empty band.
    pub first: Option<A>,
    /// The last port (or address), or null for an empty band.
    pub last: Option<A>,
    /// The number of ports (or addresses).
    pub size: N,
}

/// A service CIDR and its bands (`portband bands --service-cluster-ip-range`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ServiceCidrReport {
    /// The CIDR as the apiserver prints it, e.g. `10.96.0.0/12`.
    pub cidr: String,
    /// Its bands, addresses as strings.
    #[serde(flatten)]
    pub bands: BandsReport<String, u64>,
}

impl ServiceCidrReport {
    /// The report of `cidr` split into `bands`.
    pub fn new(cidr: Cidr, bands: &IpBands) -> Self {
        let band = |band: Option<IpBand>| BandReport {
            first: band.map(|b| b.first.to_string()),
            last: band.map(|b| b.last.to_string()),
            size: band.map_or(0, |b| b.size),
        };
        ServiceCidrReport {
            cidr: cidr.to_string(),
            bands: BandsReport {
                static_band: band(bands.static_band),
                dynamic: band(bands.dynamic_band),
            },
        }
    }
}

/// The service CIDRs of a cluster, primary first (`portband bands --service-cluster-ip-range
/// --format json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ServiceCidrsReport {
    /// Each CIDR with its bands.
    #[serde(rename = "serviceCIDRs")]
    pub service_cidrs: Vec<ServiceCidrReport>,
}

/// One step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepReport {
    /// The kubectl command: `apply`, `replace`, `create` or `delete`.
    pub action: &'static str,
    /// `namespace/name`.
    pub service: String,
    /// `created`, `updated`, `deleted`, `rejected` or `skipped`.
    pub result: &'static str,
    /// The ports and the nodePorts they got.
    pub ports: Vec<PortReport>,
    /// The health-check nodePort, or null.
    pub health_check_node_port: Option<i32>,
    /// Why the health-check nodePort is what it is, or null.
    pub health_check_provenance: Option<ProvenanceReport>,
    /// The apiserver's message, or null.
    pub error: Option<String>,
}

/// One port of a step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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
    /// `static`, `dynamic`, or null.
    pub band: Option<&'static str>,
    /// Why the nodePort is what it is.
    pub provenance: ProvenanceReport,
}

/// Why a nodePort is what it is: `{"kind": "explicit" | "allocated" | "shared" | "kept" |
/// "notAllocated", …}`, with the allocator's pick for `allocated` and the entry for `shared`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ProvenanceReport {
    /// Written in the manifest.
    Explicit,
    /// Chosen by the allocator.
    Allocated {
        /// `static` or `dynamic`.
        band: &'static str,
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

impl From<Provenance> for ProvenanceReport {
    fn from(provenance: Provenance) -> Self {
        match provenance {
            Provenance::Explicit => ProvenanceReport::Explicit,
            Provenance::Allocated(pick) => ProvenanceReport::Allocated {
                band: pick.band.as_str(),
                scan_start: pick.scan_start,
                passed: pick.skipped,
                fell_back: pick.fell_back,
                span: BandReport::of(Some(pick.span)),
            },
            Provenance::Shared { index } => ProvenanceReport::Shared { with: index },
            Provenance::Kept => ProvenanceReport::Kept,
            Provenance::NotAllocated => ProvenanceReport::NotAllocated,
        }
    }
}

/// Used and free ports, in all and per band.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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
}

/// Used and free ports of one band.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Usage {
    /// Ports taken.
    pub used: u32,
    /// Ports free.
    pub free: u32,
}

impl BandReport {
    /// The report of a band, or of none.
    pub fn of(band: Option<Band>) -> Self {
        BandReport {
            first: band.map(|b| b.first),
            last: band.map(|b| b.last),
            size: band.map_or(0, Band::size),
        }
    }
}

impl BandsReport {
    /// The report of `bands`.
    pub fn new(bands: &Bands) -> Self {
        BandsReport {
            static_band: BandReport::of(bands.static_band),
            dynamic: BandReport::of(bands.dynamic_band),
        }
    }
}

impl Report {
    /// The report of a run.
    pub fn new(history: &History) -> Self {
        let cluster = history.cluster();
        Report {
            kubernetes_version: cluster.config().version,
            range: cluster.allocator().range().to_string(),
            bands: BandsReport::new(&cluster.bands()),
            steps: history.outcomes().iter().map(StepReport::new).collect(),
            summary: Summary::of(cluster),
        }
    }
}

impl Summary {
    /// The ports `cluster` uses and leaves free, in all and per band.
    pub fn of(cluster: &Cluster) -> Self {
        let allocator = cluster.allocator();
        let usage = allocator.band_usage();
        Summary {
            used: allocator.used(),
            free: allocator.free(),
            static_band: Usage {
                used: usage.static_used,
                free: usage.static_free,
            },
            dynamic: Usage {
                used: usage.dynamic_used,
                free: usage.dynamic_free,
            },
        }
    }
}

impl StepReport {
    /// The report of one outcome.
    pub fn new(outcome: &Outcome) -> Self {
        StepReport {
            action: outcome.action.as_str(),
            service: outcome.service.clone(),
            result: outcome.verdict.as_str(),
            ports: outcome
                .ports
                .iter()
                .map(|p| PortReport {
                    name: p.name.clone(),
                    port: p.port,
                    protocol: p.protocol.clone(),
                    node_port: p.node_port,
                    band: p.band.map(BandKind::as_str),
                    provenance: p.provenance.into(),
                })
                .collect(),
            health_check_node_port: outcome.health_check.map(|h| h.node_port),
            health_check_provenance: outcome.health_check.map(|h| h.provenance.into()),
            error: outcome.error.as_ref().map(ToString::to_string),
        }
    }
}

/// A range and its bands (`portband bands --format json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RangeReport {
    /// The range, e.g. `30000-32767`.
    pub range: String,
    /// How many ports it has.
    pub size: u32,
    /// Its bands.
    #[serde(flatten)]
    pub bands: BandsReport,
}

impl RangeReport {
    /// The report of `range` split into `bands`.
    pub fn new(range: PortRange, bands: &Bands) -> Self {
        RangeReport {
            range: range.to_string(),
            size: range.size(),
            bands: BandsReport::new(bands),
        }
    }
}

/// A review (`portband check --format json`): every finding with where it is, and the counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckReport {
    /// The findings, in input order.
    pub diagnostics: Vec<FindingReport>,
    /// How many are errors.
    pub errors: usize,
    /// How many are warnings.
    pub warnings: usize,
}

/// One finding of a review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FindingReport {
    /// Where it is.
    #[serde(flatten)]
    pub place: PlaceReport,
    /// `error` or `warning`.
    pub severity: &'static str,
    /// `namespace/name`.
    pub service: String,
    /// What is wrong.
    pub message: String,
    /// Where the other half of a conflict is, or null.
    pub related: Option<PlaceReport>,
}

/// A place in an input: its file's name, line and column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlaceReport {
    /// The file's name, as given.
    pub file: String,
    /// The line, from 1.
    pub line: u32,
    /// The column, from 1.
    pub column: u32,
}

impl CheckReport {
    /// The report of `diagnostics` over inputs named `files` (by input index).
    pub fn new(diagnostics: &[Diagnostic], files: &[&str]) -> Self {
        let place = |location: Location| PlaceReport {
            file: files[location.input].to_owned(),
            line: location.pos.line,
            column: location.pos.column,
        };
        let count = |severity| {
            diagnostics
                .iter()
                .filter(|d| d.severity() == severity)
                .count()
        };
        CheckReport {
            diagnostics: diagnostics
                .iter()
                .map(|d| FindingReport {
                    place: place(d.location),
                    severity: d.severity().as_str(),
                    service: d.service.clone(),
                    message: d.message.clone(),
                    related: d.related.map(place),
                })
                .collect(),
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
        }
    }
}

/// `portband simulate --format json`: the lab's experiment and its result at every point.
#[derive(Clone, Debug, PartialEq, Serialize)]
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
    pub order: &'static str,
    /// The ports requested explicitly.
    #[serde(rename = "staticPorts")]
    pub static_ports: Vec<u16>,
    /// One per number of dynamic requests.
    pub points: Vec<PointReport>,
}

/// One number of dynamic requests, under each mode simulated.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PointReport {
    /// The number of dynamic requests.
    pub dynamic: u32,
    /// With the band split, if simulated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub split: Option<ModeReport>,
    /// Without it, if simulated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legacy: Option<ModeReport>,
}

/// How often one mode conflicted at one point.
#[derive(Clone, Debug, PartialEq, Serialize)]
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

impl SimulationReport {
    /// The report of a study, over the trials run so far.
    pub fn new(study: &Study) -> Self {
        let experiment = study.experiment();
        let (split, legacy) = study.tallies();
        let mode = |tallies: Option<&Vec<Tally>>, on: bool, i: usize| {
            tallies.map(|tallies| {
                let tally = tallies[i];
                let (low, high) = tally.wilson95();
                ModeReport {
                    conflicts: tally.conflicts,
                    trials: tally.trials,
                    p: tally.p(),
                    ci95: [low, high],
                    analytic: lab::exact(
                        experiment.range,
                        on,
                        &experiment.static_ports,
                        experiment.order,
                        experiment.dynamic[i],
                    ),
                }
            })
        };
        SimulationReport {
            range: experiment.range.to_string(),
            bands: BandsReport::new(&Bands::of(experiment.range)),
            trials: experiment.trials,
            seed: experiment.seed,
            order: experiment.order.as_str(),
            static_ports: experiment.static_ports.clone(),
            points: experiment
                .dynamic
                .iter()
                .enumerate()
                .map(|(i, &dynamic)| PointReport {
                    dynamic,
                    split: mode(split.as_ref(), true, i),
                    legacy: mode(legacy.as_ref(), false, i),
                })
                .collect(),
        }
    }
}
