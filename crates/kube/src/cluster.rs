//! A simulated cluster: the Services stored so far, the node-port allocator, and the outcome of
//! every step, so that front ends can replay, step through and explain a run.

use crate::decode::Object;
use crate::registry::{self, Allocation};
use crate::service::Service;
use crate::status::ApiError;
use crate::yaml::Pos;
use portband_allocator::gofmt::Quoted;
use portband_allocator::{BandKind, BandUsage, Bands, Config, Metrics, PortAllocator, PortRange};

/// What a simulated kube-apiserver is configured with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ClusterConfig {
    /// `--service-node-port-range`.
    pub range: PortRange,
    /// The KEP-3668 band split (false: the behaviour before it).
    pub static_subrange: bool,
    /// The seed of the allocator's random source.
    pub seed: u64,
}

impl Default for ClusterConfig {
    /// 30000-32767, band split on, seed 0.
    fn default() -> Self {
        ClusterConfig {
            range: PortRange::default(),
            static_subrange: true,
            seed: 0,
        }
    }
}

/// Where a step came from in its input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Source {
    /// The input's document, from 1.
    pub document: usize,
    /// Where the step starts.
    pub pos: Pos,
}

/// One request against the cluster.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// `kubectl apply` of one object: create it, or update it if it exists.
    Apply {
        /// The object.
        object: Object,
        /// Where it was written.
        source: Source,
    },
    /// `kubectl delete service`.
    Delete {
        /// The namespace.
        namespace: String,
        /// The name.
        name: String,
        /// Where it was written.
        source: Source,
    },
}

impl Step {
    /// Where the step was written.
    pub fn source(&self) -> Source {
        match self {
            Step::Apply { source, .. } | Step::Delete { source, .. } => *source,
        }
    }
}

/// The verb of a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// An apply.
    Apply,
    /// A delete.
    Delete,
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
    /// The band of the nodePort, if it has one in range.
    pub band: Option<BandKind>,
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
    /// For an apply: whether the Service existed, so that the apply was an update.
    pub updating: bool,
    /// The Service's ports after the step (for a delete: the ports it had). Empty when rejected or skipped.
    pub ports: Vec<PortOutcome>,
    /// The health-check nodePort, if the Service has one.
    pub health_check_node_port: Option<i32>,
    /// The band of the health-check nodePort.
    pub health_check_band: Option<BandKind>,
    /// Why it was rejected.
    pub error: Option<ApiError>,
    /// For a rejection because a port is taken: who holds it.
    pub holder: Option<Holder>,
    /// The ports the step took, in order, with how dynamic ones were chosen.
    pub allocations: Vec<Allocation>,
    /// The ports the step released.
    pub released: Vec<i32>,
    /// Where the step was written.
    pub source: Source,
    /// The allocator's metrics after the step.
    pub metrics: Metrics,
    /// Used and free ports per band after the step.
    pub usage: BandUsage,
}

impl Outcome {
    /// One line per port, then one for the health-check port: `http 80/TCP → 31870 (dynamic)`,
    /// `healthCheckNodePort → 30156 (dynamic)`.
    pub fn port_lines(&self) -> Vec<String> {
        let target = |port: i32, band: Option<BandKind>| match (port, band) {
            (0, _) => "no nodePort".to_owned(),
            (port, Some(band)) => format!("{port} ({band})"),
            (port, None) => port.to_string(),
        };
        let mut lines: Vec<String> = self
            .ports
            .iter()
            .map(|p| {
                let name = if p.name.is_empty() {
                    String::new()
                } else {
                    format!("{} ", p.name)
                };
                format!(
                    "{name}{}/{} → {}",
                    p.port,
                    p.protocol,
                    target(p.node_port, p.band)
                )
            })
            .collect();
        if let Some(hc) = self.health_check_node_port {
            lines.push(format!(
                "healthCheckNodePort → {}",
                target(hc, self.health_check_band)
            ));
        }
        lines
    }

    /// The error as `kubectl` prints it for an object read from `file` (kubectl says `STDIN` for
    /// standard input), e.g. `Error from server (Invalid): error when creating "web.yaml": Service
    /// "web" is invalid: …`. Updates say `replacing`, as apply steps replace the object.
    pub fn kubectl_error(&self, file: &str) -> Option<String> {
        let error = self.error.as_ref()?;
        let from_server = match error.reason() {
            "" => "Error from server".to_owned(),
            reason => format!("Error from server ({reason})"),
        };
        Some(match self.action {
            Action::Delete => format!("{from_server}: {error}"),
            Action::Apply => {
                let verb = if self.updating {
                    "replacing"
                } else {
                    "creating"
                };
                format!("{from_server}: error when {verb} {}: {error}", Quoted(file))
            }
        })
    }
}

/// The stored Services and the allocator.
#[derive(Clone, Debug)]
pub struct Cluster {
    config: ClusterConfig,
    allocator: PortAllocator,
    /// Sorted by (namespace, name).
    services: Vec<Service>,
}

impl Cluster {
    /// An empty cluster.
    pub fn new(config: ClusterConfig) -> Self {
        let allocator = PortAllocator::new(
            config.range,
            Config {
                static_subrange: config.static_subrange,
                seed: config.seed,
            },
        );
        Cluster {
            config,
            allocator,
            services: Vec::new(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> ClusterConfig {
        self.config
    }

    /// The node-port allocator.
    pub fn allocator(&self) -> &PortAllocator {
        &self.allocator
    }

    /// The bands the allocator uses (no static band in legacy mode).
    pub fn bands(&self) -> Bands {
        self.allocator.bands()
    }

    /// The stored Services, ordered by namespace, then name.
    pub fn services(&self) -> &[Service] {
        &self.services
    }

    /// The stored Service `namespace/name`.
    pub fn service(&self, key: &str) -> Option<&Service> {
        self.find(key).ok().map(|i| &self.services[i])
    }

    /// Where `namespace/name` is, or would go, in the sorted list.
    fn find(&self, key: &str) -> Result<usize, usize> {
        let (namespace, name) = key.split_once('/').unwrap_or(("default", key));
        self.services
            .binary_search_by(|s| (s.namespace.as_str(), s.name.as_str()).cmp(&(namespace, name)))
    }

    /// The stored Service holding `port` as a nodePort or health-check port, if any.
    pub fn holder_of(&self, port: i32) -> Option<Holder> {
        self.services.iter().find_map(|svc| {
            let field = svc
                .spec
                .ports
                .iter()
                .enumerate()
                .find(|(_, p)| p.node_port == port)
                .map(|(i, p)| match p.name.as_str() {
                    "" => format!("spec.ports[{i}].nodePort"),
                    name => format!("spec.ports[{i}].nodePort ({name})"),
                })
                .or_else(|| {
                    (svc.spec.health_check_node_port == port)
                        .then(|| "spec.healthCheckNodePort".to_owned())
                })?;
            Some(Holder {
                port,
                service: svc.key(),
                field,
            })
        })
    }

    /// Runs one step.
    pub fn run(&mut self, step: &Step) -> Outcome {
        match step {
            Step::Apply { object, source } => self.apply(object, *source),
            Step::Delete {
                namespace,
                name,
                source,
            } => self.delete(namespace, name, *source),
        }
    }

    fn apply(&mut self, object: &Object, source: Source) -> Outcome {
        match object {
            Object::Other { kind, key } => {
                let mut outcome =
                    self.outcome(Action::Apply, key.clone(), Verdict::Skipped, source);
                outcome.kind = Some(kind.clone());
                outcome
            }
            Object::Undecodable { key, message, pos } => {
                let mut outcome =
                    self.outcome(Action::Apply, key.clone(), Verdict::Rejected, source);
                outcome.error = Some(ApiError::BadRequest {
                    message: message.clone(),
                    pos: *pos,
                });
                outcome
            }
            Object::Service(service) => {
                let key = service.key();
                let old = self.find(&key).ok().map(|i| &self.services[i]);
                let (verdict, result) = match old {
                    None => (
                        Verdict::Created,
                        registry::create(&mut self.allocator, service.clone()),
                    ),
                    Some(old) => (
                        Verdict::Updated,
                        registry::update(&mut self.allocator, service.clone(), old),
                    ),
                };
                match result {
                    Ok((stored, committed)) => {
                        let mut outcome = self.outcome(Action::Apply, key.clone(), verdict, source);
                        outcome.updating = verdict == Verdict::Updated;
                        self.describe_ports(&mut outcome, &stored);
                        outcome.allocations = committed.allocations;
                        outcome.released = committed.released;
                        match self.find(&key) {
                            Ok(i) => self.services[i] = stored,
                            Err(i) => self.services.insert(i, stored),
                        }
                        outcome
                    }
                    Err(refused) => {
                        let mut outcome =
                            self.outcome(Action::Apply, key, Verdict::Rejected, source);
                        outcome.updating = verdict == Verdict::Updated;
                        outcome.holder = refused.contested.and_then(|p| self.holder_of(p));
                        outcome.error = Some(refused.error);
                        outcome
                    }
                }
            }
        }
    }

    fn delete(&mut self, namespace: &str, name: &str, source: Source) -> Outcome {
        let key = format!("{namespace}/{name}");
        match self.find(&key).ok().map(|i| self.services.remove(i)) {
            Some(service) => {
                let released = registry::delete(&mut self.allocator, &service);
                let mut outcome = self.outcome(Action::Delete, key, Verdict::Deleted, source);
                self.describe_ports(&mut outcome, &service);
                outcome.released = released;
                outcome
            }
            None => {
                let mut outcome = self.outcome(Action::Delete, key, Verdict::Rejected, source);
                outcome.error = Some(ApiError::NotFound {
                    name: name.to_owned(),
                });
                outcome
            }
        }
    }

    fn outcome(
        &self,
        action: Action,
        service: String,
        verdict: Verdict,
        source: Source,
    ) -> Outcome {
        Outcome {
            action,
            service,
            kind: None,
            verdict,
            updating: false,
            ports: Vec::new(),
            health_check_node_port: None,
            health_check_band: None,
            error: None,
            holder: None,
            allocations: Vec::new(),
            released: Vec::new(),
            source,
            metrics: *self.allocator.metrics(),
            usage: self.allocator.band_usage(),
        }
    }

    /// Fills in an outcome's ports, health-check port and their bands from `service`.
    fn describe_ports(&self, outcome: &mut Outcome, service: &Service) {
        let band = |port: i32| {
            (port != 0)
                .then(|| self.bands().band_of(i64::from(port)))
                .flatten()
        };
        outcome.ports = service
            .spec
            .ports
            .iter()
            .map(|p| PortOutcome {
                name: p.name.clone(),
                port: p.port,
                protocol: p.protocol.clone(),
                node_port: p.node_port,
                band: band(p.node_port),
            })
            .collect();
        outcome.health_check_node_port = health_check(service);
        outcome.health_check_band = outcome.health_check_node_port.and_then(band);
    }
}

fn health_check(service: &Service) -> Option<i32> {
    (service.needs_health_check() && service.spec.health_check_node_port != 0)
        .then_some(service.spec.health_check_node_port)
}

/// A run: the configuration, every step with its outcome, and the state after the last one.
#[derive(Clone, Debug)]
pub struct History {
    cluster: Cluster,
    steps: Vec<Step>,
    outcomes: Vec<Outcome>,
}

impl History {
    /// An empty run.
    pub fn new(config: ClusterConfig) -> Self {
        History {
            cluster: Cluster::new(config),
            steps: Vec::new(),
            outcomes: Vec::new(),
        }
    }

    /// Runs `step` on the current state and records it.
    pub fn push(&mut self, step: Step) -> &Outcome {
        let outcome = self.cluster.run(&step);
        self.steps.push(step);
        self.outcomes.push(outcome);
        self.outcomes.last().expect("just pushed")
    }

    /// The state after the last step.
    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    /// The steps, in order.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// The outcome of each step, in order.
    pub fn outcomes(&self) -> &[Outcome] {
        &self.outcomes
    }

    /// The state after the first `count` steps, rebuilt by replaying them (the seed makes the replay exact).
    pub fn state_at(&self, count: usize) -> Cluster {
        let mut cluster = Cluster::new(self.cluster.config());
        for step in &self.steps[..count.min(self.steps.len())] {
            cluster.run(step);
        }
        cluster
    }
}
