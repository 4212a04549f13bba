//! A history's earlier states: rebuilt from its checkpoints, they are exactly what a replay from
//! the start gives (allocator bitmap, random state, metrics and stored Services).

use portband_kube::{read, Cluster, ClusterConfig, History, CHECKPOINT_INTERVAL};

fn same(a: &Cluster, b: &Cluster) -> bool {
    a.allocator().snapshot() == b.allocator().snapshot()
        && a.allocator().metrics() == b.allocator().metrics()
        && a.services() == b.services()
}

#[test]
fn a_state_from_a_checkpoint_is_the_state_a_full_replay_gives() {
    // More creates than the range has ports (the later ones are refused), and some deletes.
    let n = 2 * CHECKPOINT_INTERVAL + 700;
    let text = format!(
        "apiVersion: portband/v1\nkind: Scenario\nrange: 30000-31999\nsteps:\n\
         - apply: {{apiVersion: v1, kind: Service, metadata: {{name: s}}, spec: {{type: NodePort, ports: [{{port: 80}}]}}}}\n  repeat: {n}\n\
         - delete: s-3\n- delete: s-2500\n"
    );
    let input = read(&text).unwrap();
    let config = input.config_over(ClusterConfig::default());
    let mut history = History::new(config);
    for step in input.steps.clone() {
        history.push(step);
    }
    let replay = |count: usize| {
        let mut cluster = Cluster::new(config);
        for step in &input.steps[..count] {
            cluster.run(step);
        }
        cluster
    };
    let len = history.steps().len();
    for count in [
        0,
        1,
        CHECKPOINT_INTERVAL - 1,
        CHECKPOINT_INTERVAL,
        CHECKPOINT_INTERVAL + 1,
        2 * CHECKPOINT_INTERVAL,
        len - 1,
        len,
    ] {
        assert!(
            same(&history.state_at(count), &replay(count)),
            "after {count} steps"
        );
    }
    assert!(same(&history.state_at(len), history.cluster()));
}
