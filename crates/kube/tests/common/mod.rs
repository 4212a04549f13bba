//! Helpers shared by the integration tests.

use portband_allocator::PortRange;
use portband_kube::{read, ClusterConfig, History, Outcome};

/// Runs every step of every input, in order, on a cluster with `range` and seed 1.
pub fn run(range: &str, inputs: &[&str]) -> History {
    let config = ClusterConfig {
        range: PortRange::parse_flag(range).unwrap(),
        seed: 1,
        ..ClusterConfig::default()
    };
    let mut history = History::new(config);
    for text in inputs {
        let input = read(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        for step in input.steps {
            history.push(step);
        }
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
