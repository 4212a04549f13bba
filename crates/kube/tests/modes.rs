//! kubectl's three ways of sending a manifest (`apply`, `replace`, `create`), where they differ,
//! with what kubectl and the apiserver together answer (`pkg/cmd/apply`, `pkg/cmd/replace`,
//! `pkg/cmd/create`; apimachinery's strategic merge patch).

mod common;
use common::{error, run};
use portband_kube::{History, Provenance, Verdict, LAST_APPLIED};

/// A scenario of `steps` (each `- apply: …`, `- replace: …` or `- create: …`).
fn scenario(steps: &str) -> History {
    run(
        "",
        &[&format!(
            "apiVersion: portband/v1\nkind: Scenario\nseed: 1\nsteps:\n{steps}"
        )],
    )
}

fn step(verb: &str, spec: &str) -> String {
    format!("- {verb}:\n    apiVersion: v1\n    kind: Service\n    metadata: {{name: web}}\n    spec: {spec}\n")
}

fn node_ports(history: &History, i: usize) -> Vec<i32> {
    history.outcomes()[i]
        .ports
        .iter()
        .map(|p| p.node_port)
        .collect()
}

#[test]
fn renaming_a_port_keeps_its_node_port_under_apply_only() {
    let before = step("apply", "{type: NodePort, ports: [{name: http, port: 80}]}");
    for (verb, kept) in [("apply", true), ("replace", false)] {
        let renamed = step(verb, "{type: NodePort, ports: [{name: web, port: 80}]}");
        let history = scenario(&format!("{before}{renamed}"));
        let (first, second) = (node_ports(&history, 0), node_ports(&history, 1));
        assert_eq!(history.outcomes()[1].verdict, Verdict::Updated, "{verb}");
        // apply merges the entry by its port number; replace re-fills by port name and finds none.
        assert_eq!(first == second, kept, "{verb}: {first:?} → {second:?}");
        let provenance = history.outcomes()[1].ports[0].provenance;
        if kept {
            assert_eq!(provenance, Provenance::Kept);
        } else {
            assert!(matches!(provenance, Provenance::Allocated(_)));
            assert_eq!(history.outcomes()[1].released, first);
        }
    }
}

#[test]
fn a_field_written_before_is_removed_and_another_writers_field_is_kept() {
    let local = "{type: LoadBalancer, externalTrafficPolicy: Local, ports: [{port: 80}]}";
    let cluster = "{type: LoadBalancer, ports: [{port: 80}]}";
    // Written by the last apply, gone from the manifest: removed, and the health-check port goes.
    let history = scenario(&format!(
        "{}{}",
        step("apply", local),
        step("apply", cluster)
    ));
    assert!(history.outcomes()[0].health_check.is_some());
    assert_eq!(history.outcomes()[1].health_check, None);
    assert_eq!(history.outcomes()[1].released.len(), 1);
    // Written by another writer (a create, which keeps no last-applied configuration): apply
    // leaves it, replace removes it.
    for (verb, kept) in [("apply", true), ("replace", false)] {
        let history = scenario(&format!("{}{}", step("create", local), step(verb, cluster)));
        assert_eq!(history.outcomes()[1].health_check.is_some(), kept, "{verb}");
    }
}

#[test]
fn reapplying_without_node_ports_keeps_them_in_every_mode() {
    let pinned = "{type: NodePort, ports: [{name: http, port: 80, nodePort: 30080}]}";
    let bare = "{type: NodePort, ports: [{name: http, port: 80}]}";
    for verb in ["apply", "replace"] {
        let history = scenario(&format!("{}{}", step("apply", pinned), step(verb, bare)));
        // apply sends nodePort: null, replace leaves it out; the apiserver re-fills it by name.
        assert_eq!(node_ports(&history, 1), [30080], "{verb}");
        assert_eq!(history.outcomes()[1].ports[0].provenance, Provenance::Kept);
        assert!(history.outcomes()[1].released.is_empty());
    }
}

#[test]
fn create_refuses_an_existing_service_and_replace_a_missing_one() {
    let spec = "{ports: [{port: 80}]}";
    let history = scenario(&format!("{}{}", step("create", spec), step("create", spec)));
    assert_eq!(
        history.outcomes()[1].kubectl_error("web.yaml").unwrap(),
        "Error from server (AlreadyExists): error when creating \"web.yaml\": services \"web\" already exists"
    );
    let history = scenario(&step("replace", spec));
    assert_eq!(
        history.outcomes()[0].kubectl_error("web.yaml").unwrap(),
        "Error from server (NotFound): error when replacing \"web.yaml\": services \"web\" not found"
    );
}

#[test]
fn a_refused_patch_says_patching() {
    let history = scenario(&format!(
        "{}{}",
        step("apply", "{type: NodePort, ports: [{port: 80}]}"),
        step(
            "apply",
            "{type: NodePort, ports: [{port: 80, nodePort: 80}]}"
        )
    ));
    assert_eq!(
        history.outcomes()[1].kubectl_error("web.yaml").unwrap(),
        "Error from server (Invalid): error when patching \"web.yaml\": Service \"web\" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767"
    );
}

#[test]
fn generate_name_works_with_create_and_not_with_apply() {
    let unnamed = |verb: &str| {
        format!("- {verb}:\n    apiVersion: v1\n    kind: Service\n    metadata: {{generateName: web-}}\n    spec: {{ports: [{{port: 80}}]}}\n")
    };
    let applied = scenario(&unnamed("apply"));
    assert_eq!(
        applied.outcomes()[0].kubectl_error("web.yaml").unwrap(),
        "error: from web-: cannot use generate name with apply"
    );
    let created = scenario(&format!("{}{}", unnamed("create"), unnamed("create")));
    let names: Vec<&str> = created
        .outcomes()
        .iter()
        .map(|o| o.service.strip_prefix("default/web-").unwrap())
        .collect();
    assert_eq!(created.outcomes()[1].verdict, Verdict::Created);
    assert_ne!(names[0], names[1], "each create gets its own name");
    for suffix in names {
        assert_eq!(suffix.len(), 5);
        assert!(suffix
            .bytes()
            .all(|b| b"bcdfghjklmnpqrstvwxz2456789".contains(&b)));
    }
}

#[test]
fn apply_keeps_its_configuration_in_an_annotation_and_replace_drops_it() {
    let spec = "{ports: [{port: 80}]}";
    let annotated = |history: &History| {
        let key = "default/web".parse().unwrap();
        let stored = &history.cluster().service(&key).unwrap().service;
        stored
            .annotations
            .iter()
            .any(|(key, _)| key == LAST_APPLIED)
    };
    assert!(annotated(&scenario(&step("apply", spec))));
    assert!(!annotated(&scenario(&step("create", spec))));
    assert!(!annotated(&scenario(&format!(
        "{}{}",
        step("apply", spec),
        step("replace", spec)
    ))));
}

#[test]
fn apply_cannot_add_a_protocol_to_a_port_number_it_already_has() {
    // kubectl apply's patch merges spec.ports by port number alone (kubernetes/kubernetes#59482):
    // adding 53/UDP beside 53/TCP reports success and changes nothing. replace adds it.
    let tcp = "{type: NodePort, ports: [{name: dns-tcp, port: 53, protocol: TCP}]}";
    let both = "{type: NodePort, ports: [{name: dns-tcp, port: 53, protocol: TCP}, {name: dns-udp, port: 53, protocol: UDP}]}";
    let applied = scenario(&format!("{}{}", step("apply", tcp), step("apply", both)));
    assert_eq!(applied.outcomes()[1].verdict, Verdict::Updated);
    assert_eq!(node_ports(&applied, 1), node_ports(&applied, 0));
    assert_eq!(applied.outcomes()[1].ports[0].protocol, "TCP");
    let replaced = scenario(&format!("{}{}", step("apply", tcp), step("replace", both)));
    assert_eq!(replaced.outcomes()[1].ports.len(), 2);
    // A Service created with both keeps both when the same manifest is applied again.
    let again = scenario(&format!("{}{}", step("apply", both), step("apply", both)));
    assert_eq!(node_ports(&again, 1), node_ports(&again, 0));
    assert_eq!(again.outcomes()[1].ports.len(), 2);
    assert!(again.outcomes()[1].allocations.is_empty());
}

#[test]
fn an_existing_udp_port_takes_the_added_tcp_entry_s_place() {
    // kubernetes/kubernetes#105610: live 31337/UDP, applied [31337/TCP, 31337/UDP]: one entry,
    // 31337/TCP, is left.
    let udp =
        "{type: NodePort, ports: [{name: udp-debug, protocol: UDP, port: 31337, nodePort: 31337}]}";
    let both = "{type: NodePort, ports: [{name: tcp-debug, protocol: TCP, port: 31337, nodePort: 31337}, {name: udp-debug, protocol: UDP, port: 31337, nodePort: 31337}]}";
    let history = scenario(&format!("{}{}", step("apply", udp), step("apply", both)));
    let ports = &history.outcomes()[1].ports;
    assert_eq!(ports.len(), 1);
    assert_eq!(
        (ports[0].name.as_str(), ports[0].protocol.as_str()),
        ("tcp-debug", "TCP")
    );
    assert_eq!(error(&history.outcomes()[1]), "");
}
