//! A simulated cluster: the Services stored so far, the node-port and cluster IP allocators, and the outcome of
//! every step, so that front ends can replay, step through and explain a run.

use crate::cluster_ips::{ClusterIp, ClusterIps};
use crate::decode::{unknown_in, Object};
use crate::key::ServiceKey;
use crate::kubectl;
use crate::outcome::{
    held, Action, Cause, HealthCheck, Held, Holder, Outcome, PortOutcome, Provenance, Request,
    Verdict,
};
use crate::registry::{self, Allocators, Committed};
use crate::service::Service;
use crate::status::ApiError;
use crate::version::KubeVersion;
use crate::yaml::Pos;
use portband_allocator::ip::Ip;
use portband_allocator::{Bands, Config, PortAllocator, PortRange, Rng, ServiceCidrs};
use portband_contract::Mode;
use std::sync::Arc;

/// What a simulated kube-apiserver is configured with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ClusterConfig {
    /// The Kubernetes release modelled.
    pub version: KubeVersion,
    /// `--service-node-port-range`.
    pub range: PortRange,
    /// The KEP-3668 band split (false: the behaviour before it).
    pub static_subrange: bool,
    /// The seed of the allocators' random sources.
    pub seed: u64,
    /// `--service-cluster-ip-range`.
    pub service_cidrs: ServiceCidrs,
}

impl Default for ClusterConfig {
    /// The newest release modelled, 30000-32767, its band split (on), seed 0, the service CIDR
    /// 10.96.0.0/12.
    fn default() -> Self {
        let version = KubeVersion::default();
        ClusterConfig {
            version,
            range: PortRange::default(),
            static_subrange: version.static_subrange_gate().default_on(),
            seed: 0,
            service_cidrs: ServiceCidrs::default(),
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
    /// One object of a manifest, sent as `mode` says (`kubectl apply`, `replace` or `create`).
    Object {
        /// The object.
        object: Object,
        /// The kubectl command.
        mode: Mode,
        /// Where it was written.
        source: Source,
    },
    /// `kubectl delete service`.
    Delete {
        /// The Service.
        key: ServiceKey,
        /// Where it was written.
        source: Source,
    },
}

impl Step {
    /// Where the step was written.
    pub fn source(&self) -> Source {
        match self {
            Step::Object { source, .. } | Step::Delete { source, .. } => *source,
        }
    }
}

/// A stored Service with its ports as the step that stored it left them.
#[derive(Clone, Debug, PartialEq)]
pub struct Stored {
    /// The Service as stored.
    pub service: Service,
    /// Its ports, with their nodePorts, bands and provenance.
    pub ports: Vec<PortOutcome>,
    /// Its health-check nodePort, if it needs one.
    pub health_check: Option<HealthCheck>,
    /// Its cluster IPs, in its families' order (none for a headless or ExternalName Service).
    pub cluster_ips: Vec<ClusterIp>,
}

impl Stored {
    /// The nodePorts it holds, each once.
    pub fn held(&self) -> Vec<Held> {
        held(&self.ports, self.health_check.as_ref())
    }
}

/// The stored Services and the allocators.
#[derive(Clone, Debug)]
pub struct Cluster {
    config: ClusterConfig,
    allocators: Allocators,
    /// Sorted by (namespace, name); shared, so that a copy of the cluster (a checkpoint of its
    /// history, or a dry run) copies one pointer, and a change copies the list once.
    services: Arc<Vec<Arc<Stored>>>,
}

impl Cluster {
    /// A new cluster: no Service but the `kubernetes` Service, which kube-apiserver creates at
    /// start-up with the second address of the primary service CIDR (10.96.0.1 for
    /// 10.96.0.0/12).
    pub fn new(config: ClusterConfig) -> Self {
        let ports = PortAllocator::new(
            config.range,
            Config {
                static_subrange: config.static_subrange,
                seed: config.seed,
            },
        );
        let ips = ClusterIps::new(config.service_cidrs, config.version, config.seed);
        let mut cluster = Cluster {
            config,
            allocators: Allocators { ports, ips },
            services: Arc::default(),
        };
        let kubernetes = Service::kubernetes(config.service_cidrs.kubernetes_service_ip());
        // Its address is the range's second, which every accepted range has free at start.
        if let Ok((service, committed)) =
            registry::create(&mut cluster.allocators, kubernetes, config.version)
        {
            let stored = cluster.stored(service, &committed);
            Arc::make_mut(&mut cluster.services).push(Arc::new(stored));
        }
        cluster
    }

    /// The configuration.
    pub fn config(&self) -> ClusterConfig {
        self.config
    }

    /// The node-port allocator.
    pub fn allocator(&self) -> &PortAllocator {
        &self.allocators.ports
    }

    /// The cluster IP allocators.
    pub fn cluster_ips(&self) -> &ClusterIps {
        &self.allocators.ips
    }

    /// The bands the allocator uses (no static band in legacy mode).
    pub fn bands(&self) -> Bands {
        self.allocators.ports.bands()
    }

    /// The stored Services, ordered by namespace, then name, numbers by their value (`app-2` before
    /// `app-10`).
    pub fn services(&self) -> &[Arc<Stored>] {
        &self.services
    }

    /// For every port of the range, by offset from its first port, what `view` makes of the
    /// Service that holds it (the first to, should two): called with the Service's index in
    /// the list (sorted by namespace and name, which picks its colour in a grid: a Service added
    /// earlier in that order moves the colours of those after it), the Service, and the port
    /// with what uses it.
    pub fn holders<T>(&self, mut view: impl FnMut(usize, &Stored, &Held) -> T) -> Vec<Option<T>> {
        let range = self.allocators.ports.range();
        let mut holders: Vec<Option<T>> = (0..range.size()).map(|_| None).collect();
        for (index, stored) in self.services.iter().enumerate() {
            for held in stored.held() {
                if let Some(offset) = range.offset_of(i64::from(held.node_port)) {
                    holders[offset as usize].get_or_insert_with(|| view(index, stored, &held));
                }
            }
        }
        holders
    }

    /// The stored Service `key`.
    pub fn service(&self, key: &ServiceKey) -> Option<&Stored> {
        self.find(&key.namespace, &key.name)
            .ok()
            .map(|i| &*self.services[i])
    }

    /// The stored Service `key`'s index in the list (sorted by namespace and name).
    pub fn index_of(&self, key: &ServiceKey) -> Option<usize> {
        self.find(&key.namespace, &key.name).ok()
    }

    /// Where `namespace/name` is, or would go, in the sorted list.
    fn find(&self, namespace: &str, name: &str) -> Result<usize, usize> {
        self.services.binary_search_by(|s| {
            natural(&s.service.namespace, namespace).then_with(|| natural(&s.service.name, name))
        })
    }

    /// The stored Service holding `port` as a nodePort or health-check port, if any.
    pub fn holder_of(&self, port: i32) -> Option<Holder> {
        self.services.iter().find_map(|stored| {
            let field = stored
                .ports
                .iter()
                .enumerate()
                .find(|(_, p)| p.node_port == port && p.provenance.holds())
                .map(|(i, p)| match p.name.as_str() {
                    "" => format!("spec.ports[{i}].nodePort"),
                    name => format!("spec.ports[{i}].nodePort ({name})"),
                })
                .or_else(|| {
                    stored
                        .health_check
                        .is_some_and(|h| h.node_port == port)
                        .then(|| "spec.healthCheckNodePort".to_owned())
                })?;
            Some(Holder {
                port,
                service: stored.service.key(),
                field,
            })
        })
    }

    /// The stored Service holding the cluster IP `ip`, as `namespace/name`.
    pub fn holder_of_ip(&self, ip: Ip) -> Option<String> {
        self.services
            .iter()
            .find(|stored| stored.cluster_ips.iter().any(|held| held.ip == ip))
            .map(|stored| stored.service.key())
    }

    /// A refused object step.
    fn refused(
        &self,
        action: Action,
        key: String,
        error: ApiError,
        cause: Cause,
        source: Source,
    ) -> Outcome {
        let mut outcome = self.outcome(action, key, Verdict::Rejected, source);
        outcome.error = Some(error);
        outcome.cause = Some(cause);
        outcome
    }

    /// Runs one step.
    pub fn run(&mut self, step: &Step) -> Outcome {
        match step {
            Step::Object {
                object,
                mode,
                source,
            } => self.send(object, *mode, *source),
            Step::Delete { key, source } => self.delete(key, *source),
        }
    }

    /// kubectl's part of an object step, then the apiserver's: which request is sent, if any.
    pub(crate) fn send(&mut self, object: &Object, mode: Mode, source: Source) -> Outcome {
        self.request(object, mode, source, true)
    }

    /// What [`Cluster::send`] would answer, leaving the cluster as it is (the apiserver's dry
    /// run): a copy of the allocator takes the ports, and the Service is not stored.
    pub(crate) fn dry_run(&self, object: &Object, mode: Mode, source: Source) -> Outcome {
        self.clone().request(object, mode, source, false)
    }

    /// A request, stored when `store` is set and it succeeds.
    fn request(&mut self, object: &Object, mode: Mode, source: Source, store: bool) -> Outcome {
        let action = Action::from(mode);
        let service = match object {
            Object::Other { kind, key } => {
                let mut outcome = self.outcome(action, key.clone(), Verdict::Skipped, source);
                outcome.kind = Some(kind.clone());
                return outcome;
            }
            Object::Undecodable { key, message, pos } => {
                let error = ApiError::BadRequest {
                    message: message.clone(),
                    pos: *pos,
                };
                return self.refused(action, key.clone(), error, Cause::Undecodable, source);
            }
            Object::Service(service) => service,
        };
        let key = service.key();
        if let Some((message, pos)) = unknown_in(service, self.config.version) {
            let error = ApiError::BadRequest { message, pos };
            return self.refused(action, key, error, Cause::Undecodable, source);
        }
        let found = self.find(&service.namespace, &service.name);
        let live = found.ok().map(|i| &self.services[i].service);
        let name = || service.name.clone();
        let (request, sent) = match (mode, live) {
            (Mode::Apply, _) if service.name.is_empty() && !service.generate_name.is_empty() => {
                let message = format!(
                    "from {}: cannot use generate name with apply",
                    service.generate_name
                );
                let error = ApiError::Kubectl { message };
                return self.refused(action, key, error, Cause::Client, source);
            }
            (Mode::Create, Some(_)) => {
                let error = ApiError::AlreadyExists { name: name() };
                let mut outcome = self.refused(action, key, error, Cause::Exists, source);
                outcome.request = Some(Request::Create);
                return outcome;
            }
            (Mode::Replace, None) => {
                let error = ApiError::NotFound { name: name() };
                let mut outcome = self.refused(action, key, error, Cause::NotFound, source);
                outcome.request = Some(Request::Update);
                return outcome;
            }
            (Mode::Apply, None) => (Request::Create, kubectl::annotated(service)),
            (Mode::Apply, Some(live)) => (
                Request::Patch,
                kubectl::merged(&kubectl::annotated(service), live),
            ),
            (Mode::Replace, Some(_)) => (Request::Update, Service::clone(service)),
            (Mode::Create, None) => (Request::Create, self.named(service)),
        };
        // A generated name every draw of which is taken.
        if live.is_none() && self.find(&sent.namespace, &sent.name).is_ok() {
            let error = ApiError::AlreadyExists {
                name: sent.name.clone(),
            };
            let mut outcome = self.refused(action, sent.key(), error, Cause::Exists, source);
            outcome.request = Some(Request::Create);
            return outcome;
        }
        let result = match live {
            Some(live) if request != Request::Create => {
                registry::update(&mut self.allocators, sent, live, self.config.version)
            }
            _ => registry::create(&mut self.allocators, sent, self.config.version),
        };
        let verdict = match request {
            Request::Create => Verdict::Created,
            Request::Update | Request::Patch => Verdict::Updated,
        };
        match result {
            Ok((stored, committed)) => {
                let key = stored.key();
                let stored = self.stored(stored, &committed);
                let mut outcome = self.outcome(action, key, verdict, source);
                outcome.request = Some(request);
                outcome.ports = stored.ports.clone();
                outcome.health_check = stored.health_check;
                outcome.cluster_ips = stored.cluster_ips.clone();
                outcome.allocations = committed.allocations;
                outcome.released = committed.released;
                outcome.released_ips = committed.released_ips;
                if store {
                    let at = self.find(&stored.service.namespace, &stored.service.name);
                    let services = Arc::make_mut(&mut self.services);
                    match at {
                        Ok(i) => services[i] = Arc::new(stored),
                        Err(i) => services.insert(i, Arc::new(stored)),
                    }
                }
                outcome
            }
            Err(refused) => {
                let cause = match refused.cause {
                    Cause::Taken { field, port, .. } => Cause::Taken {
                        field,
                        port,
                        holder: self.holder_of(port),
                    },
                    Cause::AddressTaken { ip, .. } => Cause::AddressTaken {
                        ip,
                        holder: self.holder_of_ip(ip),
                    },
                    cause => cause,
                };
                let mut outcome = self.refused(action, key, refused.error, cause, source);
                outcome.request = Some(request);
                outcome
            }
        }
    }

    /// `service`, named by the apiserver when it has only a `generateName`: the prefix (at most 58
    /// characters) and five characters from upstream's alphabet, drawn from the cluster's seed and
    /// how many Services it holds, so that a history replays alike. A name already taken is drawn
    /// again, up to eight times in all, as the apiserver retries (then the create meets the
    /// Service that holds it).
    fn named(&self, service: &Service) -> Service {
        const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
        let mut named = service.clone();
        if named.name.is_empty() && !named.generate_name.is_empty() {
            let prefix: String = named.generate_name.chars().take(58).collect();
            let mut rng = Rng::new(self.config.seed ^ self.services.len() as u64);
            for _ in 0..8 {
                let suffix: String = (0..5)
                    .map(|_| char::from(ALPHABET[rng.below(ALPHABET.len() as u32) as usize]))
                    .collect();
                named.name = format!("{prefix}{suffix}");
                if self.find(&named.namespace, &named.name).is_err() {
                    break;
                }
            }
        }
        named
    }

    fn delete(&mut self, key: &ServiceKey, source: Source) -> Outcome {
        let found = self.find(&key.namespace, &key.name);
        let key_text = key.to_string();
        match found
            .ok()
            .map(|i| Arc::make_mut(&mut self.services).remove(i))
        {
            Some(stored) => {
                let (released, released_ips) =
                    registry::delete(&mut self.allocators, &stored.service);
                let stored = Arc::unwrap_or_clone(stored);
                let mut outcome = self.outcome(Action::Delete, key_text, Verdict::Deleted, source);
                outcome.ports = stored.ports;
                outcome.health_check = stored.health_check;
                outcome.cluster_ips = stored.cluster_ips;
                outcome.released = released;
                outcome.released_ips = released_ips;
                outcome
            }
            None => {
                let mut outcome = self.outcome(Action::Delete, key_text, Verdict::Rejected, source);
                outcome.error = Some(ApiError::NotFound {
                    name: key.name.clone(),
                });
                outcome.cause = Some(Cause::NotFound);
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
            request: None,
            ports: Vec::new(),
            health_check: None,
            error: None,
            cause: None,
            cluster_ips: Vec::new(),
            allocations: Vec::new(),
            released: Vec::new(),
            released_ips: Vec::new(),
            source,
            metrics: self.allocators.ports.metrics(),
            usage: self.allocators.ports.band_usage(),
        }
    }

    /// `service` as stored by a request that committed: its ports with their bands and provenance.
    fn stored(&self, service: Service, committed: &Committed) -> Stored {
        let band = |port: i32, provenance: Provenance| {
            (port != 0 && provenance.holds())
                .then(|| self.bands().band_of(i64::from(port)))
                .flatten()
        };
        let ports = service
            .spec
            .ports
            .iter()
            .zip(&committed.ports)
            .map(|(p, &provenance)| PortOutcome {
                name: p.name.clone(),
                port: p.port,
                protocol: p.protocol.clone(),
                node_port: p.node_port,
                band: band(p.node_port, provenance),
                provenance,
            })
            .collect();
        let health_check = committed.health_check.map(|provenance| {
            let node_port = service.spec.health_check_node_port;
            HealthCheck {
                node_port,
                band: band(node_port, provenance),
                provenance,
            }
        });
        let cluster_ips = service
            .spec
            .cluster_ips
            .iter()
            .zip(&committed.cluster_ips)
            .filter_map(|(ip, &provenance)| {
                let ip = Ip::parse(ip)?;
                Some(ClusterIp {
                    ip,
                    band: self.allocators.ips.band_of(ip),
                    provenance,
                })
            })
            .collect();
        Stored {
            service,
            ports,
            health_check,
            cluster_ips,
        }
    }
}

/// Text in natural order (numbers by their value), ties broken byte by byte so that only equal
/// texts compare equal.
fn natural(a: &str, b: &str) -> std::cmp::Ordering {
    alphanumeric_sort::compare_str(a, b).then_with(|| a.cmp(b))
}

/// How many steps apart a history keeps copies of its state, so that any earlier state is at
/// most this many steps of replay away.
pub const CHECKPOINT_INTERVAL: usize = 2048;

/// A run: the configuration, every step with its outcome, and the state after the last one.
#[derive(Clone, Debug)]
pub struct History {
    cluster: Cluster,
    steps: Vec<Step>,
    outcomes: Vec<Outcome>,
    /// The state after every [`CHECKPOINT_INTERVAL`] steps: `checkpoints[k]` after `(k + 1)` times
    /// that many (cheap: the Services are shared).
    checkpoints: Vec<Cluster>,
}

impl History {
    /// An empty run.
    pub fn new(config: ClusterConfig) -> Self {
        History {
            cluster: Cluster::new(config),
            steps: Vec::new(),
            outcomes: Vec::new(),
            checkpoints: Vec::new(),
        }
    }

    /// Runs `step` on the current state and records it.
    pub fn push(&mut self, step: Step) -> &Outcome {
        let outcome = self.cluster.run(&step);
        self.steps.push(step);
        self.outcomes.push(outcome);
        if self.steps.len() % CHECKPOINT_INTERVAL == 0 {
            self.checkpoints.push(self.cluster.clone());
        }
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

    /// The state after the first `count` steps: the current one after them all, otherwise
    /// rebuilt by replaying them from the nearest checkpoint before (the seed makes the replay
    /// exact).
    pub fn state_at(&self, count: usize) -> Cluster {
        if count >= self.steps.len() {
            return self.cluster.clone();
        }
        let (mut cluster, from) = match (count / CHECKPOINT_INTERVAL).checked_sub(1) {
            Some(k) => (self.checkpoints[k].clone(), (k + 1) * CHECKPOINT_INTERVAL),
            None => (Cluster::new(self.cluster.config()), 0),
        };
        for step in &self.steps[from..count] {
            cluster.run(step);
        }
        cluster
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::read;

    /// A dry run answers as a request would, stores nothing, and copies no list of Services (so
    /// that `check` against a big cluster stays linear in the manifests).
    #[test]
    fn a_dry_run_answers_and_leaves_the_cluster_as_it_is() {
        let input = read("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: NodePort, ports: [{port: 80, nodePort: 30080}]}\n").unwrap();
        let Step::Object {
            object,
            mode,
            source,
        } = &input.steps[0]
        else {
            unreachable!("a manifest's step")
        };
        let mut cluster = Cluster::new(ClusterConfig::default());
        let dry = cluster.dry_run(object, *mode, *source);
        assert_eq!(dry.verdict, Verdict::Created);
        assert!(cluster.services().len() == 1 && cluster.allocator().used() == 0);
        assert_eq!(Arc::strong_count(&cluster.services), 1, "the copy is gone");
        let sent = cluster.send(object, *mode, *source);
        assert_eq!(
            (sent.verdict, sent.ports.clone()),
            (dry.verdict, dry.ports.clone())
        );
        // Again, now that it exists: an update of itself, still stored once.
        assert_eq!(
            cluster.dry_run(object, *mode, *source).verdict,
            Verdict::Updated
        );
        assert_eq!(
            cluster.services().len(),
            2,
            "the kubernetes Service and web"
        );
        assert_eq!(Arc::strong_count(&cluster.services), 1);
    }
}
