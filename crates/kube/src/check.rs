//! A pre-flight review of manifests, before they reach a cluster: what a careful reviewer of
//! node ports would flag.
//!
//! Each Service is first applied alone to an empty cluster, so that anything the apiserver would
//! refuse on its own (an out-of-range nodePort, validation, two ports of one Service fighting over
//! a nodePort) is reported with the apiserver's own message. Then the Services are compared:
//! an explicit nodePort requested by two Services is an error, and an explicit port in the dynamic
//! band draws a warning, since any Service created without a nodePort may take it first.

use crate::cluster::{Cluster, ClusterConfig, Step};
use crate::decode::Object;
use crate::input::Input;
use crate::kubectl::Mode;
use crate::outcome::Verdict;
use crate::service::Service;
use crate::version::KubeVersion;
use crate::yaml::Pos;
use portband_allocator::{BandKind, Bands, PortRange};
use std::collections::BTreeMap;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The apiserver would refuse something.
    Error,
    /// It works today, but is fragile.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A place in one of the checked inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// The input's index in the list given to [`check`].
    pub input: usize,
    /// The position in that input.
    pub pos: Pos,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Where.
    pub location: Location,
    /// The Service concerned, `namespace/name`.
    pub service: String,
    /// What is wrong.
    pub message: String,
    /// Another place involved (the first request of a shared port).
    pub related: Option<Location>,
}

/// Reviews the Services of `inputs` (in order) against `range`, with the messages of `version`.
pub fn check(inputs: &[Input], range: PortRange, version: KubeVersion) -> Vec<Diagnostic> {
    let config = ClusterConfig {
        version,
        range,
        ..ClusterConfig::default()
    };
    let bands = Bands::of(range);
    let mut diagnostics = Vec::new();
    let mut requested: BTreeMap<i32, (String, Location)> = BTreeMap::new();

    for (index, input) in inputs.iter().enumerate() {
        for step in &input.steps {
            let Step::Object {
                object,
                mode,
                source,
            } = step
            else {
                continue;
            };
            let at = |pos: Pos| Location { input: index, pos };
            let service = match object {
                Object::Service(service) => service,
                Object::Undecodable { key, message, pos } => {
                    diagnostics.push(error(at(*pos), key, message.clone()));
                    continue;
                }
                Object::Other { .. } => continue,
            };
            // Alone on an empty cluster, a replace would find nothing to replace: check it as the
            // create it would be.
            let mode = match mode {
                Mode::Replace => Mode::Create,
                mode => *mode,
            };
            let alone = Cluster::new(config).send(object, mode, *source);
            if alone.verdict == Verdict::Rejected {
                if let Some(e) = &alone.error {
                    diagnostics.push(error(
                        at(e.pos().unwrap_or(source.pos)),
                        &alone.service,
                        e.to_string(),
                    ));
                }
                continue;
            }
            for (port, pos, field) in explicit_ports(service) {
                let here = at(pos.unwrap_or(source.pos));
                let key = service.key();
                match requested.get(&port) {
                    Some((other, first)) if *other != key => diagnostics.push(Diagnostic {
                        related: Some(*first),
                        ..error(
                            here,
                            &key,
                            format!(
                                "{field} {port} is also requested by {other}; whichever is applied second is \
                                 refused: provided port is already allocated"
                            ),
                        )
                    }),
                    Some(_) => {}
                    None => {
                        requested.insert(port, (key.clone(), here));
                    }
                }
                if let (Some(BandKind::Dynamic), Some(static_band)) =
                    (bands.band_of(i64::from(port)), bands.static_band)
                {
                    let dynamic = bands.dynamic_band.expect("a port in the dynamic band");
                    diagnostics.push(Diagnostic {
                        severity: Severity::Warning,
                        location: here,
                        service: key,
                        message: format!(
                            "{field} {port} is in the dynamic band {dynamic}, where any Service created without \
                             a nodePort may take it first; pick a free port in the static band {static_band}"
                        ),
                        related: None,
                    });
                }
            }
        }
    }
    diagnostics.sort_by_key(|d| d.location);
    diagnostics
}

fn error(location: Location, service: &str, message: String) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        location,
        service: service.to_owned(),
        message,
        related: None,
    }
}

/// The explicit nodePorts and health-check port of a Service, each once, with where they are written.
fn explicit_ports(service: &Service) -> Vec<(i32, Option<Pos>, &'static str)> {
    let mut ports: Vec<(i32, Option<Pos>, &'static str)> = Vec::new();
    for port in service.spec.ports.iter().filter(|p| p.node_port != 0) {
        if !ports.iter().any(|(p, _, _)| *p == port.node_port) {
            ports.push((port.node_port, port.node_port_pos, "nodePort"));
        }
    }
    let hc = service.spec.health_check_node_port;
    if hc != 0 {
        ports.push((
            hc,
            service.spec.health_check_node_port_pos,
            "healthCheckNodePort",
        ));
    }
    ports
}
