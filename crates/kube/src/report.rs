//! The JSON contract's objects (`portband-contract`: a run, a range's bands, a review, a
//! simulation) built from the engine's values, for the CLI (`--format json`) and the JS module.

use crate::check::{Diagnostic, Location, Severity};
use crate::cluster::{Cluster, History};
use crate::outcome::{Outcome, Provenance};
use crate::version::{Gate, KubeVersion};
use portband_allocator::ip::Cidr;
use portband_allocator::lab::{self, Study, Tally};
use portband_allocator::{BandKind, BandUsage, Bands, IpBand, IpBands, PortRange};
use portband_contract::{
    Band, BandReport, BandsReport, CheckReport, CidrUsage, FindingReport, ModeReport, PlaceReport,
    PointReport, PortReport, ProvenanceReport, RangeReport, Release, Report, ServiceCidrReport,
    SimulationReport, StepReport, Summary, Usage,
};

/// The contract's name of a band.
pub fn band(kind: BandKind) -> Band {
    match kind {
        BandKind::Static => Band::Static,
        BandKind::Dynamic => Band::Dynamic,
    }
}

/// A band of ports, or none.
pub fn band_report(band: Option<portband_allocator::Band>) -> BandReport {
    BandReport {
        first: band.map(|b| b.first),
        last: band.map(|b| b.last),
        size: band.map_or(0, portband_allocator::Band::size),
    }
}

/// The two bands of a range.
pub fn bands_report(bands: &Bands) -> BandsReport {
    BandsReport {
        static_band: band_report(bands.static_band),
        dynamic: band_report(bands.dynamic_band),
    }
}

/// A service CIDR split into `bands`.
pub fn service_cidr_report(cidr: Cidr, bands: &IpBands) -> ServiceCidrReport {
    let band = |band: Option<IpBand>| BandReport {
        first: band.map(|b| b.first.to_string()),
        last: band.map(|b| b.last.to_string()),
        size: band.map_or(0, |b| b.size),
    };
    ServiceCidrReport {
        cidr: cidr.to_string(),
        static_band: band(bands.static_band),
        dynamic: band(bands.dynamic_band),
    }
}

/// Why a nodePort is what it is, in a cluster whose range has `bands`.
pub fn provenance_report(provenance: Provenance, bands: &Bands) -> ProvenanceReport {
    match provenance {
        Provenance::Explicit => ProvenanceReport::Explicit,
        Provenance::Allocated(pick) => ProvenanceReport::Allocated {
            band: band(pick.band),
            scan_start: pick.scan_start,
            passed: u32::from(pick.skipped),
            fell_back: pick.fell_back(),
            span: band_report(bands.get(pick.band)),
        },
        Provenance::Shared { index } => ProvenanceReport::Shared { with: index },
        Provenance::Kept => ProvenanceReport::Kept,
        Provenance::NotAllocated => ProvenanceReport::NotAllocated,
    }
}

/// A whole run: the range, its bands, the service CIDRs, every step and the final usage.
pub fn report(history: &History) -> Report {
    let cluster = history.cluster();
    Report {
        kubernetes_version: cluster.config().version.to_string(),
        range: cluster.allocator().range().to_string(),
        bands: bands_report(&cluster.bands()),
        service_cidrs: service_cidrs_report(cluster),
        steps: history
            .outcomes()
            .iter()
            .map(|o| step_report(o, &cluster.bands()))
            .collect(),
        summary: summary(cluster),
    }
}

/// The service CIDRs of `cluster`, primary first, each with its bands.
pub fn service_cidrs_report(cluster: &Cluster) -> Vec<ServiceCidrReport> {
    let allocators = cluster.cluster_ips().allocators();
    allocators
        .iter()
        .map(|a| service_cidr_report(a.cidr(), &a.bands()))
        .collect()
}

/// Used and free, in each band.
fn band_usages<N: Copy>(usage: BandUsage<N>) -> (Usage<N>, Usage<N>) {
    let static_band = Usage {
        used: usage.static_used,
        free: usage.static_free,
    };
    let dynamic = Usage {
        used: usage.dynamic_used,
        free: usage.dynamic_free,
    };
    (static_band, dynamic)
}

/// The ports and addresses `cluster` uses and leaves free, in all and per band.
pub fn summary(cluster: &Cluster) -> Summary {
    let allocator = cluster.allocator();
    let (static_band, dynamic) = band_usages(allocator.band_usage());
    Summary {
        used: allocator.used(),
        free: allocator.free(),
        static_band,
        dynamic,
        service_cidrs: cluster
            .cluster_ips()
            .allocators()
            .iter()
            .map(|a| {
                let (static_band, dynamic) = band_usages(a.band_usage());
                CidrUsage {
                    cidr: a.cidr().to_string(),
                    used: a.used(),
                    free: a.free(),
                    static_band,
                    dynamic,
                }
            })
            .collect(),
    }
}

/// One step's outcome, in a cluster whose range has `bands`.
pub fn step_report(outcome: &Outcome, bands: &Bands) -> StepReport {
    StepReport {
        action: outcome.action.as_str().to_owned(),
        service: outcome.service.clone(),
        result: outcome.verdict.as_str().to_owned(),
        ports: outcome
            .ports
            .iter()
            .map(|p| PortReport {
                name: p.name.clone(),
                port: p.port,
                protocol: p.protocol.clone(),
                node_port: p.node_port,
                band: p.band.map(band),
                provenance: provenance_report(p.provenance, bands),
            })
            .collect(),
        health_check_node_port: outcome.health_check.map(|h| h.node_port),
        health_check_provenance: outcome
            .health_check
            .map(|h| provenance_report(h.provenance, bands)),
        cluster_ips: outcome
            .cluster_ips
            .iter()
            .map(|held| held.ip.to_string())
            .collect(),
        ip_bands: outcome
            .cluster_ips
            .iter()
            .filter_map(|held| held.band.map(band))
            .collect(),
        error: outcome.error.as_ref().map(ToString::to_string),
    }
}

/// A range and its bands (`portband bands --format json`).
pub fn range_report(range: PortRange, bands: &Bands) -> RangeReport {
    RangeReport {
        range: range.to_string(),
        size: range.size(),
        bands: bands_report(bands),
    }
}

/// A review of `diagnostics` over inputs named `files` (by input index).
pub fn check_report(diagnostics: &[Diagnostic], files: &[&str]) -> CheckReport {
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
                severity: d.severity().as_str().to_owned(),
                service: d.service.clone(),
                message: d.message.clone(),
                related: d.related.map(place),
            })
            .collect(),
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
    }
}

/// A study of the lab, over the trials run so far (`portband simulate --format json`).
pub fn simulation_report(study: &Study) -> SimulationReport {
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
        bands: bands_report(&Bands::of(experiment.range)),
        trials: experiment.trials,
        seed: experiment.seed,
        order: experiment.order.as_str().to_owned(),
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

/// The Kubernetes releases modelled, oldest first (the last is the default): each with its band
/// split's feature gate (the JS module's `kubernetesVersions()`, the web app's version picker).
pub fn releases() -> Vec<Release> {
    KubeVersion::supported()
        .map(|v| {
            let gate = v.static_subrange_gate();
            Release {
                version: v.to_string(),
                gate: match gate {
                    Gate::Alpha => "alpha",
                    Gate::Beta => "beta",
                    Gate::Locked => "locked",
                    Gate::Removed => "removed",
                }
                .to_owned(),
                split_by_default: gate.default_on(),
                no_legacy_note: v.no_legacy_note(),
            }
        })
        .collect()
}
