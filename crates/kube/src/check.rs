//! A pre-flight review of manifests, before they reach a cluster: what a careful reviewer of
//! node ports would flag.
//!
//! Each Service is first applied alone to the cluster as it is (an empty one, or a [`State`]: the
//! Services of `kubectl get svc -A -o yaml`), so that anything the apiserver would refuse is
//! reported with the apiserver's own message: an out-of-range nodePort, validation, two ports of
//! one Service fighting over a nodePort, a port another Service already holds (named), an update
//! that changes what may not change. Then the Services are compared: an explicit nodePort
//! requested by two Services is an error, and an explicit port in the dynamic band draws a
//! warning, since any Service created without a nodePort may take it first.

use crate::cluster::{Cluster, ClusterConfig, Step};
use crate::cluster_ips::{family_name, IpProvenance};
use crate::decode::Object;
use crate::input::Input;
use crate::key::ServiceKey;
use crate::outcome::{Cause, Holder, Outcome, Verdict};
use crate::service::Service;
use crate::yaml::Pos;
use portband_allocator::{BandKind, Bands};
use portband_contract::{Mode, KUBERNETES_SERVICE};
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

/// What kind of finding a diagnostic is: one per reason the apiserver refuses a Service, and one
/// per risk the review sees across Services.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rule {
    /// An explicit port another Service (or another field of the same one) already holds.
    PortTaken,
    /// An explicit port outside the range.
    PortOutOfRange,
    /// No free port for a field left unset.
    RangeFull,
    /// Two entries with one protocol ask for one nodePort on update.
    DuplicateNodePort,
    /// Validation refuses the Service.
    Invalid,
    /// The object is no v1 Service the apiserver can decode.
    Undecodable,
    /// A replace of a Service the cluster does not have.
    NotFound,
    /// A create of a Service the cluster has.
    AlreadyExists,
    /// kubectl refuses to send the object.
    KubectlRefused,
    /// One explicit port requested by two of the reviewed Services.
    RequestedTwice,
    /// An explicit port in the dynamic band.
    DynamicBand,
    /// A written cluster IP another Service (or the `kubernetes` Service) already holds.
    ClusterIpTaken,
    /// A written cluster IP outside the cluster's service CIDRs.
    ClusterIpOutOfRange,
    /// No free cluster IP for a Service that needs one.
    ClusterIpRangeFull,
    /// A written cluster IP in the dynamic band of its service CIDR.
    ClusterIpDynamicBand,
}

impl Rule {
    /// Every rule, in a fixed order (a SARIF log lists them so).
    pub const ALL: [Rule; 15] = [
        Rule::PortTaken,
        Rule::PortOutOfRange,
        Rule::RangeFull,
        Rule::DuplicateNodePort,
        Rule::Invalid,
        Rule::Undecodable,
        Rule::NotFound,
        Rule::AlreadyExists,
        Rule::KubectlRefused,
        Rule::RequestedTwice,
        Rule::DynamicBand,
        Rule::ClusterIpTaken,
        Rule::ClusterIpOutOfRange,
        Rule::ClusterIpRangeFull,
        Rule::ClusterIpDynamicBand,
    ];

    /// A short kebab-case name: `port-taken`.
    pub fn id(self) -> &'static str {
        match self {
            Rule::PortTaken => "port-taken",
            Rule::PortOutOfRange => "port-out-of-range",
            Rule::RangeFull => "range-full",
            Rule::DuplicateNodePort => "duplicate-node-port",
            Rule::Invalid => "invalid",
            Rule::Undecodable => "undecodable",
            Rule::NotFound => "not-found",
            Rule::AlreadyExists => "already-exists",
            Rule::KubectlRefused => "kubectl-refused",
            Rule::RequestedTwice => "requested-twice",
            Rule::DynamicBand => "dynamic-band",
            Rule::ClusterIpTaken => "cluster-ip-taken",
            Rule::ClusterIpOutOfRange => "cluster-ip-out-of-range",
            Rule::ClusterIpRangeFull => "cluster-ip-range-full",
            Rule::ClusterIpDynamicBand => "cluster-ip-dynamic-band",
        }
    }

    /// How serious its findings are.
    pub fn severity(self) -> Severity {
        match self {
            Rule::DynamicBand | Rule::ClusterIpDynamicBand => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// One sentence: what the rule finds.
    pub fn summary(self) -> &'static str {
        match self {
            Rule::PortTaken => "An explicit nodePort or healthCheckNodePort is already held by another Service.",
            Rule::PortOutOfRange => "An explicit nodePort lies outside the cluster's --service-node-port-range.",
            Rule::RangeFull => "No node port is free for a port that needs one.",
            Rule::DuplicateNodePort => "Two ports of one protocol ask for the same nodePort.",
            Rule::Invalid => "The apiserver's validation refuses the Service.",
            Rule::Undecodable => "The object cannot be decoded as a v1 Service.",
            Rule::NotFound => "kubectl replace names a Service the cluster does not have.",
            Rule::AlreadyExists => "kubectl create names a Service the cluster already has.",
            Rule::KubectlRefused => "kubectl refuses to send the object.",
            Rule::RequestedTwice => "Two Services ask for the same explicit node port; the second one applied is refused.",
            Rule::DynamicBand => "An explicit node port lies in the dynamic band, where a Service without a nodePort may take it first.",
            Rule::ClusterIpTaken => "A clusterIP written in the manifest is already held by another Service.",
            Rule::ClusterIpOutOfRange => "A clusterIP written in the manifest lies outside the cluster's --service-cluster-ip-range.",
            Rule::ClusterIpRangeFull => "No cluster IP is free for a Service that needs one.",
            Rule::ClusterIpDynamicBand => "A clusterIP written in the manifest lies in the dynamic band of its range, where a Service without a clusterIP may take it first.",
        }
    }

    /// What to do about it.
    pub fn help(self) -> &'static str {
        match self {
            Rule::PortTaken | Rule::RequestedTwice => {
                "Pick a port no other Service holds (a free one in the static band), or leave nodePort unset for one to be allocated."
            }
            Rule::PortOutOfRange => "Pick a port inside the range, or leave nodePort unset.",
            Rule::RangeFull => "Free node ports (delete Services that no longer need them) or widen the range.",
            Rule::DuplicateNodePort => "Give each port of one protocol its own nodePort.",
            Rule::Invalid => "Change the fields the message names, as the apiserver asks.",
            Rule::Undecodable => "Fix the field's type as the message says.",
            Rule::NotFound => "Create the Service first, or use kubectl apply.",
            Rule::AlreadyExists => "Use kubectl apply or replace to change an existing Service.",
            Rule::KubectlRefused => "Fix the manifest as kubectl's message says.",
            Rule::DynamicBand => {
                "Pick a free port in the static band (the range's lower ports), which dynamic allocation uses only when the dynamic band is full."
            }
            Rule::ClusterIpTaken => "Pick an address no other Service holds (a free one in the static band), or leave clusterIP unset for one to be allocated.",
            Rule::ClusterIpOutOfRange => "Pick an address inside --service-cluster-ip-range, or leave clusterIP unset.",
            Rule::ClusterIpRangeFull => "Free addresses (delete Services that no longer need them) or widen --service-cluster-ip-range.",
            Rule::ClusterIpDynamicBand => {
                "Pick a free address in the static band (the range's lowest addresses), which dynamic allocation uses only when the dynamic band is full."
            }
        }
    }

    /// What a finding's related place is, for those that have one.
    pub fn related_note(self) -> &'static str {
        match self {
            Rule::RequestedTwice => "first requested here",
            _ => "held here",
        }
    }

    /// The rule of a refusal.
    fn of(cause: Option<&Cause>) -> Rule {
        match cause {
            Some(Cause::Taken { .. }) => Rule::PortTaken,
            Some(Cause::OutOfRange { .. }) => Rule::PortOutOfRange,
            Some(Cause::Full { .. }) => Rule::RangeFull,
            Some(Cause::Duplicate { .. }) => Rule::DuplicateNodePort,
            Some(Cause::Undecodable) => Rule::Undecodable,
            Some(Cause::NotFound) => Rule::NotFound,
            Some(Cause::Exists) => Rule::AlreadyExists,
            Some(Cause::Client) => Rule::KubectlRefused,
            Some(Cause::AddressTaken { .. }) => Rule::ClusterIpTaken,
            Some(Cause::AddressOutOfRange { .. }) => Rule::ClusterIpOutOfRange,
            Some(Cause::AddressesFull) => Rule::ClusterIpRangeFull,
            Some(Cause::Invalid) | None => Rule::Invalid,
        }
    }
}

/// A place in one of the checked inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// The input's index in the list given to [`check`]; the state's input, if any, comes after
    /// them (its index is the number of inputs).
    pub input: usize,
    /// The position in that input.
    pub pos: Pos,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// What kind of finding (and so how serious).
    pub rule: Rule,
    /// Where.
    pub location: Location,
    /// The Service concerned, `namespace/name`.
    pub service: String,
    /// What is wrong.
    pub message: String,
    /// Another place involved (the first request of a shared port).
    pub related: Option<Location>,
}

/// The cluster manifests are reviewed against: an empty one, or the Services of a state (a
/// `kubectl get svc -A -o yaml` dump, or a scenario) as they are.
#[derive(Clone, Debug)]
pub struct State {
    cluster: Cluster,
    given: bool,
    refused: Vec<Outcome>,
}

impl State {
    /// A new cluster of `config` (no Service but the `kubernetes` Service).
    pub fn empty(config: ClusterConfig) -> Self {
        State {
            cluster: Cluster::new(config),
            given: false,
            refused: Vec::new(),
        }
    }

    /// The cluster `input`'s steps leave, from a new one of `config`.
    pub fn of(input: &Input, config: ClusterConfig) -> Self {
        let mut state = State::empty(config);
        state.given = true;
        for step in &input.steps {
            let outcome = state.cluster.run(&state.stored_as(step));
            if outcome.verdict == Verdict::Rejected {
                state.refused.push(outcome);
            }
        }
        state
    }

    /// A state's step as it stores a Service: a create of one the new cluster already has (the
    /// `kubernetes` Service, which a dump lists) is the replace that would store it as it is.
    fn stored_as(&self, step: &Step) -> Step {
        match step {
            Step::Object {
                object: Object::Service(service),
                mode: Mode::Create,
                source,
            } if self
                .cluster
                .service(&ServiceKey::new(&service.namespace, &service.name))
                .is_some() =>
            {
                Step::Object {
                    object: Object::Service(service.clone()),
                    mode: Mode::Replace,
                    source: *source,
                }
            }
            step => step.clone(),
        }
    }

    /// The state's steps the cluster refused (a dump taken from a cluster of another range, say):
    /// their Services are not in it.
    pub fn refused(&self) -> &[Outcome] {
        &self.refused
    }

    /// The cluster.
    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    /// Where the state writes the port `holder` holds (else where it writes that Service).
    fn place_of(&self, holder: &Holder) -> Option<Pos> {
        let (namespace, name) = holder.service.split_once('/')?;
        let stored = self.cluster.service(&ServiceKey::new(namespace, name))?;
        let spec = &stored.service.spec;
        let written = if spec.health_check_node_port == holder.port {
            spec.health_check_node_port_pos
        } else {
            spec.ports
                .iter()
                .find(|p| p.node_port == holder.port)
                .and_then(|p| p.node_port_pos)
        };
        Some(written.unwrap_or(stored.service.pos))
    }
}

/// Reviews the Services of `inputs` (in order) against `state`.
pub fn check(inputs: &[Input], state: &State) -> Vec<Diagnostic> {
    let bands = Bands::of(state.cluster.config().range);
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
                    diagnostics.push(error(Rule::Undecodable, at(*pos), key, message.clone()));
                    continue;
                }
                Object::Other { .. } => continue,
            };
            // Alone on an empty cluster, a replace would find nothing to replace: check it as the
            // create it would be. Against a state, it is what it is.
            let mode = match mode {
                Mode::Replace if !state.given => Mode::Create,
                mode => *mode,
            };
            let alone = state.cluster.dry_run(object, mode, *source);
            if alone.verdict == Verdict::Rejected {
                if let Some(e) = &alone.error {
                    let mut finding = error(
                        Rule::of(alone.cause.as_ref()),
                        at(e.pos().unwrap_or(source.pos)),
                        &alone.service,
                        e.to_string(),
                    );
                    if let Some(Cause::Taken {
                        holder: Some(holder),
                        ..
                    }) = &alone.cause
                    {
                        let Holder {
                            port,
                            service,
                            field,
                        } = holder;
                        // The field alone, without the port's name the holder's field adds.
                        let field = field.split(" (").next().unwrap_or(field);
                        finding.message += &format!("; {service} holds {port} ({field})");
                        finding.related = state.place_of(holder).map(|pos| Location {
                            input: inputs.len(),
                            pos,
                        });
                    }
                    if let Some(Cause::AddressTaken {
                        ip,
                        holder: Some(holder),
                    }) = &alone.cause
                    {
                        finding.message += &format!("; {holder} holds {ip}");
                        finding.related = holder
                            .parse()
                            .ok()
                            .and_then(|key| state.cluster.service(&key))
                            .filter(|_| state.given && holder != KUBERNETES_SERVICE)
                            .map(|stored| Location {
                                input: inputs.len(),
                                pos: stored.service.pos,
                            });
                    }
                    diagnostics.push(finding);
                }
                continue;
            }
            let key = service.key();
            // A written address in the dynamic band (the outcome says which it got and how).
            for held in alone
                .cluster_ips
                .iter()
                .filter(|held| held.provenance == IpProvenance::Explicit)
                .filter(|held| held.band == Some(BandKind::Dynamic))
            {
                let allocator = state.cluster.cluster_ips().of(family_name(held.ip.is_v6()));
                // A range without a static band has no better place to offer.
                let Some((Some(static_band), Some(dynamic_band))) =
                    allocator.map(|a| (a.bands().static_band, a.bands().dynamic_band))
                else {
                    continue;
                };
                let words =
                    |band: portband_allocator::IpBand| format!("{}–{}", band.first, band.last);
                diagnostics.push(Diagnostic {
                    rule: Rule::ClusterIpDynamicBand,
                    location: at(source.pos),
                    service: key.clone(),
                    message: format!(
                        "clusterIP {} is in the dynamic band {}, where any Service created without a \
                         clusterIP may take it first; pick a free address in the static band {}",
                        held.ip,
                        words(dynamic_band),
                        words(static_band)
                    ),
                    related: None,
                });
            }
            for (port, pos, field) in explicit_ports(service) {
                let here = at(pos.unwrap_or(source.pos));
                match requested.get(&port) {
                    Some((other, first)) if *other != key => diagnostics.push(Diagnostic {
                        related: Some(*first),
                        ..error(
                            Rule::RequestedTwice,
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
                // A port this Service already holds in the cluster cannot be taken from it.
                let held = state
                    .cluster
                    .holder_of(port)
                    .is_some_and(|holder| holder.service == key);
                if let (Some(BandKind::Dynamic), Some(static_band), false) =
                    (bands.band_of(i64::from(port)), bands.static_band, held)
                {
                    let dynamic = bands.dynamic_band.expect("a port in the dynamic band");
                    let free = if state.given {
                        let free = state.cluster.allocator().band_usage().dynamic_free;
                        format!(" with {free} free,")
                    } else {
                        ",".to_owned()
                    };
                    diagnostics.push(Diagnostic {
                        rule: Rule::DynamicBand,
                        location: here,
                        service: key.clone(),
                        message: format!(
                            "{field} {port} is in the dynamic band {dynamic}{free} where any Service created \
                             without a nodePort may take it first; pick a free port in the static band {static_band}"
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

fn error(rule: Rule, location: Location, service: &str, message: String) -> Diagnostic {
    Diagnostic {
        rule,
        location,
        service: service.to_owned(),
        message,
        related: None,
    }
}

impl Diagnostic {
    /// Error or warning, as its rule is.
    pub fn severity(&self) -> Severity {
        self.rule.severity()
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
