//! Update rows U1–U13 (`tests/cases/u*.yaml`), after upstream's `storage.go` and `alloc.go`
//! (`patchAllocatedValues`, `updateNodePorts`, `txnUpdateNodePorts`) and `storage_test.go`'s
//! `TestUpdateNodePorts` and `TestPatchAllocatedValues`, and the update-only errors.

mod common;
use common::{case, case_at, error, last, node_ports, run, run_at, run_sent};
use portband_kube::{Mode, Provenance, Verdict};

fn service(name: &str, spec: &str) -> String {
    format!("apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\nspec:\n{spec}")
}

#[test]
fn u1_node_port_to_cluster_ip_releases_the_ports() {
    let history = case("u01-node-port-to-cluster-ip");
    let allocated = history.outcomes()[0].ports[0].node_port;
    let outcome = last(&history);
    assert_eq!(outcome.verdict, Verdict::Updated);
    assert_eq!(node_ports(outcome), [0]);
    assert_eq!(outcome.released, [allocated]);
    assert_eq!(history.cluster().allocator().used(), 0);

    let history = case("u01b-node-port-to-cluster-ip-pinned");
    assert_eq!(last(&history).verdict, Verdict::Updated);
    assert_eq!(node_ports(last(&history)), [0]);
    assert!(!history.cluster().allocator().has(30080));
}

#[test]
fn u2_node_port_to_cluster_ip_with_a_new_node_port_is_refused() {
    let history = case("u02-node-port-to-cluster-ip-new-port");
    assert_eq!(
        error(last(&history)),
        "Service \"web\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"
    );
    assert!(
        history.cluster().allocator().has(30080),
        "nothing is released"
    );
}

#[test]
fn u3_changing_a_node_port() {
    let history = case("u03-change-node-port");
    assert_eq!(node_ports(last(&history)), [30081]);
    assert_eq!(last(&history).released, [30080]);
    assert!(!history.cluster().allocator().has(30080));

    let history = case("u03b-change-to-a-taken-node-port");
    assert_eq!(
        error(last(&history)),
        "Service \"web\" is invalid: spec.ports[0].nodePort: Invalid value: 30081: provided port is already allocated"
    );
    assert!(
        history.cluster().allocator().has(30080),
        "the old port is kept"
    );
}

#[test]
fn u4_removing_a_port_releases_its_node_port() {
    let history = case("u04-remove-a-port");
    let old = node_ports(&history.outcomes()[0]);
    assert_eq!(node_ports(last(&history)), [old[0]]);
    assert_eq!(last(&history).released, [old[1]]);
}

#[test]
fn u5_reapplying_keeps_the_allocated_ports() {
    let history = case("u05-reapply");
    let first = node_ports(&history.outcomes()[0]);
    assert_eq!(node_ports(last(&history)), first);
    assert!(last(&history).allocations.is_empty());
    assert_eq!(
        history
            .cluster()
            .allocator()
            .metrics()
            .allocation_total
            .total(),
        2
    );
}

#[test]
fn u6_cluster_ip_to_node_port_does_not_share() {
    let history = case("u06-cluster-ip-to-node-port");
    let ports = node_ports(last(&history));
    assert_ne!(ports[0], ports[1], "no sharing by port number on update");
    assert_eq!(history.cluster().allocator().used(), 2);
}

#[test]
fn u7_external_traffic_policy_changes_allocate_and_release_the_health_check_port() {
    let history = case("u07-external-traffic-policy");
    let hc = history.outcomes()[1].health_check.unwrap().node_port;
    assert!(history.outcomes()[1]
        .allocations
        .iter()
        .any(|a| a.field == "spec.healthCheckNodePort"));
    assert_eq!(last(&history).health_check, None);
    assert_eq!(last(&history).released, [hc]);
    assert_eq!(history.cluster().allocator().used(), 1);
}

#[test]
fn u8_load_balancer_to_node_port_keeps_node_ports_and_drops_the_health_check_port() {
    let history = case("u08-load-balancer-to-node-port");
    let before = &history.outcomes()[0];
    assert_eq!(node_ports(last(&history)), node_ports(before));
    assert_eq!(
        last(&history).released,
        [before.health_check.unwrap().node_port]
    );
    let stored = history.cluster().service(&"web".parse().unwrap()).unwrap();
    assert_eq!(stored.service.spec.allocate_load_balancer_node_ports, None);
}

#[test]
fn u9_turning_off_node_port_allocation_keeps_existing_ports() {
    // Sent with the live nodePort (as `kubectl apply` merges it in, or `kubectl edit` leaves it),
    // the port stays at every release: turning allocation off releases nothing by itself.
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/cases/u09-stop-allocating-node-ports.yaml"
    ))
    .unwrap();
    for version in ["1.29", "1.35"] {
        let history = run_sent(version, Mode::Apply, &[&text]);
        assert_eq!(
            node_ports(last(&history)),
            node_ports(&history.outcomes()[0]),
            "{version}"
        );
        assert_eq!(last(&history).ports[0].provenance, Provenance::Kept);
        assert!(last(&history).released.is_empty(), "{version}");
    }
    // A PUT without nodePorts has them re-filled to 1.29 (issue #122381) and clears them from
    // 1.30 (kubernetes/kubernetes#122320).
    let history = case_at("u09-stop-allocating-node-ports", "1.29");
    assert_eq!(
        node_ports(last(&history)),
        node_ports(&history.outcomes()[0])
    );
    assert!(last(&history).released.is_empty());
    let history = case_at("u09-stop-allocating-node-ports", "1.30");
    assert_eq!(node_ports(last(&history)), [0]);
    assert_eq!(last(&history).released, node_ports(&history.outcomes()[0]));
    assert_eq!(history.cluster().allocator().used(), 0);
}

#[test]
fn u10_a_new_udp_entry_gets_its_own_port_on_update() {
    let history = case("u10-add-udp-on-update");
    let x = history.outcomes()[0].ports[0].node_port;
    let ports = node_ports(last(&history));
    assert_eq!(ports[0], x);
    assert_ne!(ports[1], x);
}

#[test]
fn duplicate_node_port_on_update_is_a_plain_error() {
    let history = case("u11-duplicate-node-port-on-update");
    let outcome = last(&history);
    assert_eq!(error(outcome), "duplicate nodePort: {TCP 30080}");
    assert_eq!(outcome.error.as_ref().unwrap().reason(), "");
    assert!(history.cluster().allocator().has(30080));
}

#[test]
fn health_check_port_is_immutable() {
    let history = case("u12-health-check-port-is-immutable");
    assert_eq!(
        error(last(&history)),
        "Service \"lb\" is invalid: spec.healthCheckNodePort: Forbidden: field is immutable"
    );
}

#[test]
fn history_replays_to_any_step() {
    let a = service("a", "  type: NodePort\n  ports: [{port: 80}]\n");
    let b = service("b", "  type: NodePort\n  ports: [{port: 80}]\n");
    let history = run("", &[&a, &b]);
    let at_one = history.state_at(1);
    assert_eq!(at_one.services().len(), 2, "the kubernetes Service and a");
    assert_eq!(at_one.allocator().used(), 1);
    let at_two = history.state_at(2);
    assert!(at_two
        .allocator()
        .iter()
        .eq(history.cluster().allocator().iter()));
}

/// `storage_test.go`'s `TestFeatureType` cases `Headless-NodePort` and `NodePort-Headless`: the
/// apiserver re-fills `clusterIP`/`clusterIPs` from the stored Service (`patchAllocatedValues`),
/// keeps them in step (`normalizeClusterIPs`), and `validateUpgradeDowngradeClusterIPs` refuses a
/// changed address.
#[test]
fn headless_and_node_port_do_not_turn_into_each_other() {
    let headless = service("web", "  clusterIP: None\n  ports: [{port: 80}]\n");
    let node_port = service("web", "  type: NodePort\n  ports: [{port: 80}]\n");
    // Headless to NodePort without writing clusterIP: it stays None, which NodePort refuses,
    // and the nodePort the update took is given back.
    let history = run("", &[&headless, &node_port]);
    assert_eq!(
        error(last(&history)),
        "Service \"web\" is invalid: spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"
    );
    assert_eq!(history.cluster().allocator().used(), 0);
    // NodePort to headless: the allocated address may not change to None; the nodePort stays.
    let history = run("", &[&node_port, &headless]);
    assert_eq!(
        error(last(&history)),
        "Service \"web\" is invalid: spec.clusterIPs[0]: Invalid value: [\"None\"]: may not change once set"
    );
    assert_eq!(history.cluster().allocator().used(), 1);
    let old = run_at("1.33", &[&node_port, &headless]);
    assert_eq!(
        error(last(&old)),
        "Service \"web\" is invalid: spec.clusterIPs[0]: Invalid value: []string{\"None\"}: may not change once set",
        "Go syntax before 1.34"
    );
}

#[test]
fn cluster_ips_are_kept_on_reapply_and_may_not_change() {
    // Re-applied without clusterIP: the stored address is kept, as are the nodePorts.
    let plain = service("web", "  type: NodePort\n  ports: [{port: 80}]\n");
    let history = run("", &[&plain, &plain]);
    assert_eq!(last(&history).verdict, Verdict::Updated);
    // A manifest with its own address: the same again is fine, another is refused.
    let pinned = |ip: &str| {
        service(
            "web",
            &format!("  clusterIP: {ip}\n  ports: [{{port: 80}}]\n"),
        )
    };
    let history = run("", &[&pinned("10.96.0.10"), &pinned("10.96.0.10")]);
    assert_eq!(last(&history).verdict, Verdict::Updated);
    let history = run("", &[&pinned("10.96.0.10"), &pinned("10.96.0.11")]);
    assert_eq!(
        error(last(&history)),
        "Service \"web\" is invalid: spec.clusterIPs[0]: Invalid value: [\"10.96.0.11\"]: may not change once set"
    );
    // Empty clusterIP and clusterIPs are unset ones (upstream looks at the lengths): kept.
    let cleared = service(
        "web",
        "  clusterIP: \"\"\n  clusterIPs: []\n  ports: [{port: 80}]\n",
    );
    let history = run("", &[&pinned("10.96.0.10"), &cleared]);
    assert_eq!(last(&history).verdict, Verdict::Updated);
    // To ExternalName and back: the address goes, and a new one may be written.
    let external = service("web", "  type: ExternalName\n  externalName: example.com\n");
    let history = run(
        "",
        &[&pinned("10.96.0.10"), &external, &pinned("10.96.0.12")],
    );
    assert!(
        history.outcomes().iter().all(|o| o.error.is_none()),
        "{:?}",
        error(last(&history))
    );
}

/// `validateLoadBalancerClassField` and `validateServicePort`'s appProtocol (qualified names), and
/// `dropTypeDependentFields` clearing an unchanged class when a Service stops being a LoadBalancer.
#[test]
fn load_balancer_class_and_app_protocol_follow_upstream() {
    let lb = |class: &str| {
        service(
            "web",
            &format!(
                "  type: LoadBalancer\n  loadBalancerClass: {class}\n  ports: [{{port: 80}}]\n"
            ),
        )
    };
    let history = run("", &[&lb("example.com/lb"), &lb("example.com/other")]);
    assert_eq!(
        error(last(&history)),
        "Service \"web\" is invalid: spec.loadBalancerClass: Invalid value: \"example.com/other\": may not change once set"
    );
    let plain = service("web", "  type: LoadBalancer\n  ports: [{port: 80}]\n");
    let history = run("", &[&lb("example.com/lb"), &plain]);
    assert_eq!(
        error(last(&history)),
        "Service \"web\" is invalid: spec.loadBalancerClass: Invalid value: null: may not change once set"
    );
    // To NodePort with the class left as it was: the class is dropped, not refused.
    let node_port = service(
        "web",
        "  type: NodePort\n  loadBalancerClass: example.com/lb\n  ports: [{port: 80}]\n",
    );
    let history = run("", &[&lb("example.com/lb"), &node_port]);
    assert_eq!(last(&history).verdict, Verdict::Updated);
    // Created with one: Forbidden.
    let history = run("", &[&node_port]);
    assert_eq!(
        error(last(&history)),
        "Service \"web\" is invalid: spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer'"
    );
    let bad = service(
        "web",
        "  type: NodePort\n  ports: [{port: 80, appProtocol: -h2c}]\n",
    );
    assert!(error(last(&run("", &[&bad]))).starts_with(
        "Service \"web\" is invalid: spec.ports[0].appProtocol: Invalid value: \"-h2c\": name part must consist of alphanumeric characters"
    ));
    let good = service(
        "web",
        "  type: NodePort\n  ports: [{port: 80, appProtocol: kubernetes.io/h2c}]\n",
    );
    assert_eq!(last(&run("", &[&good])).error, None);
}

#[test]
fn u13_clearing_the_node_ports_of_a_load_balancer_that_allocates_none() {
    // TestPatchAllocatedValues's reset_partial_NodePorts, then reset_NodePort.
    let name = "u13-clear-node-ports-without-allocation";
    for version in ["1.27", "1.29"] {
        let history = case_at(name, version);
        let verdicts: Vec<Verdict> = history.outcomes().iter().map(|o| o.verdict).collect();
        assert_eq!(
            verdicts,
            [Verdict::Created, Verdict::Updated, Verdict::Updated]
        );
        for outcome in history.outcomes() {
            assert_eq!(node_ports(outcome), [30093, 30094], "{version}");
            assert!(outcome.released.is_empty(), "{version}");
        }
        assert_eq!(history.cluster().allocator().used(), 2);
    }
    for version in ["1.30", "1.35"] {
        let history = case_at(name, version);
        let outcomes = history.outcomes();
        assert_eq!(node_ports(&outcomes[1]), [30093, 0], "{version}");
        assert_eq!(outcomes[1].released, [30094]);
        assert_eq!(outcomes[1].ports[1].provenance, Provenance::NotAllocated);
        assert_eq!(node_ports(&outcomes[2]), [0, 0]);
        assert_eq!(outcomes[2].released, [30093]);
        assert_eq!(history.cluster().allocator().used(), 0);
    }
}
