//! Helpers shared by the integration tests (each test crate uses some of them).
#![allow(dead_code)]

use portband_allocator::PortRange;
use portband_kube::{read, ClusterConfig, History, KubeVersion, Outcome};

/// Runs every step of every input, in order, on a cluster with `range` and seed 1.
pub fn run(range: &str, inputs: &[&str]) -> History {
    let config = ClusterConfig {
        range: PortRange::parse_flag(range).unwrap(),
        seed: 1,
        ..ClusterConfig::default()
    };
    run_with(config, inputs)
}

/// Runs every step of every input, in order, on a cluster of Kubernetes `version` (`1.Y`), with
/// the default range and seed 1.
pub fn run_at(version: &str, inputs: &[&str]) -> History {
    let config = ClusterConfig {
        version: KubeVersion::parse(version).unwrap(),
        seed: 1,
        ..ClusterConfig::default()
    };
    run_with(config, inputs)
}

fn run_with(config: ClusterConfig, inputs: &[&str]) -> History {
    let mut history = History::new(config);
    for text in inputs {
        let input = read(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        for step in input.steps {
            history.push(step);
        }
    }
    history
}

/// Runs a case file from `tests/cases` (its own range if it is a scenario that sets one).
pub fn case(name: &str) -> History {
    let path = format!("{}/tests/cases/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let input = read(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let range = input.range.map(|r| r.to_string()).unwrap_or_default();
    run(&range, &[&text])
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
