//! Create scenarios C1–C13 (`tests/cases/c*.yaml`), after upstream's `storage.go`
//! (`initNodePorts`, `allocHealthCheckNodePort`) and `storage_test.go`'s `TestCreateInitNodePorts`,
//! and the order of errors: allocation before validation, as `beginCreate` runs it.

mod common;
use common::{case, error, last, node_ports, run, run_at, run_sent};
use portband_kube::{Cause, Mode, Verdict};

#[test]
fn c1_one_dynamic_port_in_the_dynamic_band() {
    let history = case("c01-one-dynamic-port");
    let outcome = last(&history);
    assert_eq!(outcome.verdict, Verdict::Created);
    let np = outcome.ports[0].node_port;
    assert!(
        (30086..=32767).contains(&np),
        "{np} is not in the dynamic band"
    );
    assert_eq!(
        outcome.ports[0].band,
        Some(portband_allocator::BandKind::Dynamic)
    );
    assert_eq!(outcome.allocations.len(), 1);
    assert!(outcome.allocations[0].pick.is_some());
}

#[test]
fn c2_same_port_number_shares_one_node_port() {
    let history = case("c02-same-port-number-shares");
    let ports = node_ports(last(&history));
    assert_eq!(ports[0], ports[1]);
    assert_ne!(ports[0], 0);
    assert_eq!(history.cluster().allocator().used(), 1);
}

#[test]
fn c3_an_explicit_port_is_found_for_the_whole_port_number() {
    let history = case("c03-explicit-port-for-the-port-number");
    assert_eq!(node_ports(last(&history)), [30053, 30053]);
    assert_eq!(history.cluster().allocator().used(), 1);
}

#[test]
fn c4_two_explicit_ports_for_one_port_number_are_both_taken() {
    let history = case("c04-two-explicit-ports");
    assert_eq!(node_ports(last(&history)), [30053, 30054]);
    assert_eq!(history.cluster().allocator().used(), 2);
}

#[test]
fn c5_c6_different_port_numbers_cannot_share_on_create() {
    for name in [
        "c05-different-port-numbers-udp",
        "c06-different-port-numbers-tcp",
    ] {
        let history = case(name);
        let outcome = last(&history);
        assert_eq!(outcome.verdict, Verdict::Rejected);
        assert_eq!(
            error(outcome),
            "Service \"web\" is invalid: spec.ports[1].nodePort: Invalid value: 30080: provided port is already allocated"
        );
        assert_eq!(outcome.error.as_ref().unwrap().reason(), "Invalid");
        assert_eq!(
            history.cluster().allocator().used(),
            0,
            "the failed request gave 30080 back"
        );
    }
}

#[test]
fn c7_cluster_ip_with_a_node_port_is_forbidden_without_allocating() {
    let history = case("c07-cluster-ip-with-node-port");
    let outcome = last(&history);
    assert_eq!(
        error(outcome),
        "Service \"web\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"
    );
    assert_eq!(outcome.error.as_ref().unwrap().pos().unwrap().line, 6);
    assert_eq!(
        history
            .cluster()
            .allocator()
            .metrics()
            .allocation_total
            .total(),
        0
    );
}

#[test]
fn c8_c9_load_balancer_without_node_port_allocation() {
    let history = case("c08-c09-load-balancer-without-node-ports");
    assert_eq!(node_ports(&history.outcomes()[0]), [0]);
    assert_eq!(node_ports(&history.outcomes()[1]), [0, 30080]);
    assert_eq!(history.cluster().allocator().used(), 1);
}

#[test]
fn c10_local_load_balancer_gets_a_health_check_port() {
    let history = case("c10-local-load-balancer");
    let outcome = last(&history);
    let mut all = node_ports(outcome);
    all.push(outcome.health_check.unwrap().node_port);
    assert!(all.iter().all(|p| (30086..=32767).contains(p)), "{all:?}");
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), 3);
}

#[test]
fn c11_health_check_port_equal_to_a_node_port() {
    let history = case("c11-health-check-equals-node-port");
    let outcome = last(&history);
    assert_eq!(
        error(outcome),
        "Internal error occurred: failed to allocate requested HealthCheck NodePort 30100: provided port is already allocated"
    );
    assert_eq!(outcome.error.as_ref().unwrap().reason(), "InternalError");
    assert_eq!(history.cluster().allocator().used(), 0);
}

#[test]
fn c12_health_check_port_on_a_node_port_service() {
    let history = case("c12-health-check-on-node-port");
    assert_eq!(
        error(last(&history)),
        "Service \"web\" is invalid: spec.healthCheckNodePort: Invalid value: 30100: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"
    );
    assert_eq!(
        history.cluster().allocator().used(),
        0,
        "the dynamic port was given back"
    );
}

#[test]
fn c13_range_full() {
    let history = case("c13-range-full");
    assert_eq!(
        error(last(&history)),
        "Internal error occurred: failed to allocate a nodePort: range is full"
    );
    assert_eq!(history.outcomes()[1].verdict, Verdict::Created);
}

#[test]
fn explicit_port_out_of_range() {
    let history = run(
        "",
        &["
apiVersion: v1
kind: Service
metadata: {name: nginx}
spec:
  type: NodePort
  ports: [{port: 80, nodePort: 80}]
"],
    );
    assert_eq!(
        error(last(&history)),
        "Service \"nginx\" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767"
    );
}

#[test]
fn a_taken_port_names_its_holder() {
    let first = "apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: team}\nspec: {type: NodePort, ports: [{name: http, port: 80, nodePort: 30080}]}\n";
    let second = "apiVersion: v1\nkind: Service\nmetadata: {name: b}\nspec: {type: NodePort, ports: [{port: 81, nodePort: 30080}]}\n";
    let history = run("", &[first, second]);
    let Some(Cause::Taken {
        field,
        port,
        holder: Some(holder),
    }) = last(&history).cause.clone()
    else {
        panic!("{:?}", last(&history).cause);
    };
    assert_eq!((field.as_str(), port), ("spec.ports[0].nodePort", 30080));
    assert_eq!(holder.service, "team/a");
    assert_eq!(holder.field, "spec.ports[0].nodePort (http)");
}

#[test]
fn allocation_errors_win_over_validation_errors() {
    let first = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {type: NodePort, ports: [{port: 80, nodePort: 30080}]}\n";
    let second = "apiVersion: v1\nkind: Service\nmetadata: {name: Bad_Name}\nspec: {type: NodePort, ports: [{port: 80, protocol: FOO, nodePort: 30080}]}\n";
    let history = run("", &[first, second]);
    assert_eq!(
        error(last(&history)),
        "Service \"Bad_Name\" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated"
    );
}

#[test]
fn several_validation_causes_are_joined_in_brackets() {
    let history = run(
        "",
        &["
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  ports:
  - {port: 80, protocol: FOO}
  - {port: 0}
"],
    );
    assert_eq!(
        error(last(&history)),
        "Service \"web\" is invalid: [spec.ports[0].name: Required value, spec.ports[0].protocol: Unsupported value: \"FOO\": supported values: \"SCTP\", \"TCP\", \"UDP\", spec.ports[1].name: Required value, spec.ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive, spec.ports[1].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive]"
    );
}

#[test]
fn a_failed_request_gives_its_ports_back() {
    let bad = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: NodePort, ports: [{name: a, port: 80, nodePort: 30080}, {name: b, port: 81, nodePort: 30080}]}\n";
    let good = "apiVersion: v1\nkind: Service\nmetadata: {name: other}\nspec: {type: NodePort, ports: [{port: 80, nodePort: 30080}]}\n";
    let history = run("", &[bad, good]);
    assert_eq!(last(&history).verdict, Verdict::Created);
    assert_eq!(node_ports(last(&history)), [30080]);
}

#[test]
fn a_duplicate_port_is_printed_as_its_release_prints_it() {
    // validation.go's key for (protocol, port), through field.Duplicate: apimachinery's
    // field/errors.go prints it with %#v up to v0.33 and as JSON from v0.34 (Kubernetes 1.34).
    let text = "
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports: [{name: a, port: 80}, {name: b, port: 80}]
";
    let message = |version: &str| error(last(&run_at(version, &[text])));
    let go = "Service \"web\" is invalid: spec.ports[1]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}";
    let json = "Service \"web\" is invalid: spec.ports[1]: Duplicate value: {\"Name\":\"\",\"Protocol\":\"TCP\",\"AppProtocol\":null,\"Port\":80,\"TargetPort\":0,\"NodePort\":0}";
    assert_eq!(message("1.27"), go);
    assert_eq!(message("1.33"), go);
    assert_eq!(message("1.34"), json);
    assert_eq!(message("1.35"), json);
}

#[test]
fn delete_releases_node_ports_and_health_check_port() {
    let lb = "apiVersion: v1\nkind: Service\nmetadata: {name: lb}\nspec: {type: LoadBalancer, externalTrafficPolicy: Local, ports: [{port: 80}]}\n";
    let delete = "apiVersion: portband/v1\nkind: Scenario\nsteps:\n- delete: default/lb\n- delete: default/lb\n";
    let history = run("", &[lb, delete]);
    let deleted = &history.outcomes()[1];
    assert_eq!(deleted.verdict, Verdict::Deleted);
    assert_eq!(deleted.released.len(), 2);
    assert_eq!(history.cluster().allocator().used(), 0);
    assert_eq!(error(last(&history)), "services \"lb\" not found");
}

/// `ValidateService`'s ExternalName, sessionAffinity and internalTrafficPolicy rules and
/// `IsDNS1123Label`'s dots, after
/// `pkg/apis/core/validation/validation.go` and apimachinery's `validation.go`.
#[test]
fn external_names_dotted_labels_and_policies_are_checked_as_upstream_checks_them() {
    let refused = |spec: &str| {
        let text =
            format!("apiVersion: v1\nkind: Service\nmetadata: {{name: web}}\nspec: {spec}\n");
        error(last(&run("", &[&text])))
    };
    assert_eq!(
        refused("{type: ExternalName}"),
        "Service \"web\" is invalid: spec.externalName: Required value"
    );
    assert_eq!(
        refused("{type: ExternalName, externalName: Example.com.}"),
        "Service \"web\" is invalid: spec.externalName: Invalid value: \"Example.com\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    );
    assert_eq!(
        refused("{type: ExternalName, externalName: db.example.com, clusterIP: 10.96.0.9}"),
        "Service \"web\" is invalid: spec.clusterIPs: Forbidden: may not be set for ExternalName services"
    );
    assert_eq!(
        refused("{type: NodePort, ports: [{name: a.b, port: 80}, {name: c, port: 81}]}"),
        "Service \"web\" is invalid: spec.ports[0].name: Invalid value: \"a.b\": must not contain dots"
    );
    assert_eq!(
        refused("{type: NodePort, sessionAffinity: Sticky, internalTrafficPolicy: Node, ports: [{port: 80}]}"),
        "Service \"web\" is invalid: [spec.sessionAffinity: Unsupported value: \"Sticky\": supported values: \"ClientIP\", \"None\", spec.internalTrafficPolicy: Unsupported value: \"Node\": supported values: \"Cluster\", \"Local\"]"
    );
    let fine = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: ExternalName, externalName: db.example.com.}\n";
    assert_eq!(last(&run("", &[fine])).error, None);
}

/// `ValidateObjectMeta`'s labels and annotations and `ValidateService`'s selector, after
/// apimachinery's `ValidateLabels`, `ValidateAnnotations`, `IsQualifiedName` and
/// `IsValidLabelValue` (v0.27.0 to v0.35.0), keys in sorted order.
#[test]
fn labels_annotations_and_selectors_are_checked_as_upstream_checks_them() {
    let sent = |mode, version: &str, meta: &str, spec: &str| {
        let text = format!("apiVersion: v1\nkind: Service\nmetadata: {{name: web, {meta}}}\nspec: {{type: NodePort, ports: [{{port: 80}}]{spec}}}\n");
        error(last(&run_sent(version, mode, &[&text])))
    };
    let refused = |version: &str, meta: &str, spec: &str| sent(Mode::Create, version, meta, spec);
    let name_part = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    assert_eq!(
        refused("1.35", "labels: {-app: web, tier: -front}", ""),
        format!("Service \"web\" is invalid: [metadata.labels: Invalid value: \"-app\": {name_part}, metadata.labels: Invalid value: \"-front\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')]")
    );
    assert_eq!(
        refused("1.35", "annotations: {/x: a}", ", selector: {Example.com/app: web}"),
        "Service \"web\" is invalid: [metadata.annotations: Invalid value: \"/x\": prefix part must be non-empty, spec.selector: Invalid value: \"Example.com/app\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')]"
    );
    // Annotation keys are checked in lower case; a key with two slashes is worded by release.
    let two_slashes = |version| {
        refused(
            version,
            "annotations: {a/b/c: x, Example.com/Note: note}",
            "",
        )
    };
    assert!(two_slashes("1.35").ends_with("Invalid value: \"a/b/c\": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"), "{}", two_slashes("1.35"));
    assert!(
        two_slashes("1.34").contains("Invalid value: \"a/b/c\": a qualified name must consist of")
    );
    // 256 KiB of annotations in all; the message by release.
    let big = format!("annotations: {{note: {}}}", "x".repeat(262_141));
    assert_eq!(
        refused("1.35", &big, ""),
        "Service \"web\" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes"
    );
    assert_eq!(
        refused("1.31", &big, ""),
        "Service \"web\" is invalid: metadata.annotations: Too long: must have at most 262144 bytes"
    );
    let fits = format!("annotations: {{note: {}}}", "x".repeat(262_140));
    assert_eq!(refused("1.35", &fits, ""), "");
    // kubectl apply copies the manifest into its annotation, so the same note no longer fits.
    assert_eq!(
        sent(Mode::Apply, "1.35", &fits, ""),
        "Service \"web\" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes"
    );
    // A label value that is not a string is the JSON decoding error a cluster gives.
    let text = "apiVersion: v1\nkind: Service\nmetadata: {name: web, labels: {tier: 1}}\nspec: {type: NodePort, ports: [{port: 80}]}\n";
    assert_eq!(
        error(last(&run("", &[text]))),
        "Service in version \"v1\" cannot be handled as a Service: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string"
    );
}
