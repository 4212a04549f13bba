//! A history's earlier states: rebuilt from its checkpoints, they are exactly what a replay from
//! the start gives (allocator bitmap, random state, metrics and stored Services); and the same
//! history under other settings, compared.

use portband_contract::Cause;
use portband_kube::{read, Cluster, ClusterConfig, History, Session, CHECKPOINT_INTERVAL};

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

#[test]
fn stored_services_sort_numbers_by_their_value() {
    let service = |name: &str| {
        format!("apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\nspec: {{type: NodePort, ports: [{{port: 80}}]}}\n")
    };
    let mut history = History::new(ClusterConfig::default());
    for name in ["app-10", "app-2", "app-1", "app-01", "app-2b"] {
        for step in read(&service(name)).unwrap().steps {
            history.push(step);
        }
    }
    let names: Vec<_> = history
        .cluster()
        .services()
        .iter()
        .map(|s| s.service.name.as_str())
        .collect();
    // The kubernetes Service, which every cluster starts with, is in the same namespace.
    assert_eq!(
        names,
        ["app-1", "app-01", "app-2", "app-2b", "app-10", "kubernetes"]
    );
    // Only equal names are the same Service: app-01 and app-1 are two.
    assert!(history
        .outcomes()
        .iter()
        .all(|o| o.verdict == portband_kube::Verdict::Created));
    let key = "app-1".parse().unwrap();
    assert_eq!(
        history.cluster().service(&key).unwrap().service.name,
        "app-1"
    );
}

/// Compare: the KEP's story with and without the band split differs in one outcome, MinIO's
/// (created with the split; refused without it, its port held by a dynamic allocation); the
/// hundred dynamic nodePorts that land elsewhere are not differences of outcome.
#[test]
fn the_same_history_under_other_settings_differs_where_an_outcome_does() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scenarios/kep-3668-story.yaml"
    );
    let split = Session::from_scenario(&std::fs::read_to_string(path).unwrap()).unwrap();
    let legacy = split.with_settings(ClusterConfig {
        static_subrange: false,
        ..split.now().config()
    });
    let differences = split.differences(&legacy);
    assert_eq!(differences.len(), 1, "{differences:#?}");
    let minio = &differences[0];
    assert_eq!(minio.step, 100);
    assert_eq!(
        (
            minio.here.step.service.as_str(),
            minio.here.step.result.as_str()
        ),
        ("storage/minio", "created")
    );
    assert_eq!(minio.there.step.result, "rejected");
    let Some(Cause::Taken {
        port: 30009,
        holder: Some(holder),
        ..
    }) = &minio.there.cause
    else {
        panic!("{:?}", minio.there.cause);
    };
    assert_eq!(holder.service, "apps/app-62");
    // The other way round, the same step; and a run under its own settings differs nowhere.
    let back = legacy.differences(&split);
    assert_eq!(
        (back.len(), back[0].here.step.result.as_str()),
        (1, "rejected")
    );
    assert!(split
        .differences(&split.with_settings(split.now().config()))
        .is_empty());
}
