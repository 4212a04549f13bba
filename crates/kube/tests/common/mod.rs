//! Helpers shared by the integration tests (each test crate uses some of them).
#![allow(dead_code)]

use portband_allocator::{PortRange, ServiceCidrs};
use portband_kube::{
    read, read_sent, ClusterConfig, History, KubeVersion, Mode, Object, Outcome, Step,
};

/// Runs every step of every input, in order, on a cluster with `range` and seed 1.
pub fn run(range: &str, inputs: &[&str]) -> History {
    let config = ClusterConfig {
        range: PortRange::parse_flag(range).unwrap(),
        seed: 1,
        ..ClusterConfig::default()
    };
    run_with(config, Mode::Apply, inputs)
}

/// Runs every step of every input, in order, on a cluster of Kubernetes `version` (`1.Y`), with
/// the default range and seed 1.
pub fn run_at(version: &str, inputs: &[&str]) -> History {
    run_sent(version, Mode::Apply, inputs)
}

/// As [`run_at`], on a cluster whose `--service-cluster-ip-range` is `service_cidrs` (the
/// default when `None`).
pub fn run_on(version: &str, service_cidrs: Option<&str>, inputs: &[&str]) -> History {
    let version = KubeVersion::parse(version).unwrap();
    let service_cidrs = service_cidrs.map_or_else(ServiceCidrs::default, |flag| {
        ServiceCidrs::parse(flag, version.ip_allocator()).unwrap()
    });
    let config = ClusterConfig {
        version,
        seed: 1,
        service_cidrs,
        ..ClusterConfig::default()
    };
    run_with(config, Mode::Apply, inputs)
}

/// As [`run_at`], with the objects of manifests sent as `mode` says.
pub fn run_sent(version: &str, mode: Mode, inputs: &[&str]) -> History {
    let config = ClusterConfig {
        version: KubeVersion::parse(version).unwrap(),
        seed: 1,
        ..ClusterConfig::default()
    };
    run_with(config, mode, inputs)
}

/// Runs every step of every input, in order, on a cluster of `config`, objects sent as `mode` says.
pub fn run_with(config: ClusterConfig, mode: Mode, inputs: &[&str]) -> History {
    let mut history = History::new(config);
    for text in inputs {
        let input = read_sent(text, mode).unwrap_or_else(|e| panic!("{e}\n{text}"));
        for step in input.steps {
            history.push(step);
        }
    }
    history
}

/// Runs a case file from `tests/cases` (its own range if it is a scenario that sets one) as
/// upstream's storage tests send their objects: a Service's first document is created, the next
/// ones replace it (a PUT, as `kubectl replace` sends).
pub fn case(name: &str) -> History {
    case_at(name, &KubeVersion::NEWEST.to_string())
}

/// As [`case`], on a cluster of Kubernetes `version` (`1.Y`).
pub fn case_at(name: &str, version: &str) -> History {
    let path = format!("{}/tests/cases/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let input = read(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let config = ClusterConfig {
        range: input.range.unwrap_or_default(),
        service_cidrs: input.service_cidrs.unwrap_or_default(),
        seed: 1,
        version: KubeVersion::parse(version).unwrap(),
        ..ClusterConfig::default()
    };
    let mut history = History::new(config);
    let mut seen = Vec::new();
    for step in input.steps {
        let step = match step {
            Step::Object {
                object: Object::Service(service),
                source,
                ..
            } => {
                let mode = if seen.contains(&service.key()) {
                    Mode::Replace
                } else {
                    seen.push(service.key());
                    Mode::Create
                };
                Step::Object {
                    object: Object::Service(service),
                    mode,
                    source,
                }
            }
            step => step,
        };
        history.push(step);
    }
    history
}

/// The last outcome of a run.
pub fn last(history: &History) -> &Outcome {
    history.outcomes().last().expect("at least one step")
}

/// The nodePorts of an outcome, in port order.
pub fn node_ports(outcome: &Outcome) -> Vec<i32> {
    outcome.ports.iter().map(|p| p.node_port).collect()
}

/// The Status message of a rejected outcome.
pub fn error(outcome: &Outcome) -> String {
    outcome
        .error
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default()
}
