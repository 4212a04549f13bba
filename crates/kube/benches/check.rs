//! `portband check --cluster`: read a realistic 2,000-Service `kubectl get svc -A -o yaml` dump,
//! store it, and review manifests against it (figures in the README's performance section).

use criterion::{criterion_group, criterion_main, Criterion};
use portband_kube::{check, read_sent, ClusterConfig, Mode, Rule, State};
use std::fmt::Write;

/// The range's size: dump ports are spread over it by a step coprime to it, so none repeats.
const RANGE_SIZE: u32 = 2768;

/// A dump of 2,000 Services as `kubectl get svc -A -o yaml` prints them: uid, resourceVersion,
/// creationTimestamp, kubectl's last-applied annotation, cluster IPs and families, status; single
/// NodePorts, TCP+UDP pairs on one nodePort, LoadBalancers with a health-check port, ClusterIPs.
fn dump() -> String {
    let mut next = 0u32;
    let mut node_port = || {
        next += 1;
        30000 + (next * 7919) % RANGE_SIZE
    };
    let mut text = String::from("apiVersion: v1\nitems:\n");
    for i in 0..2000u32 {
        let (kind, ports, extra) = match i % 10 {
            0..=4 => (
                "NodePort",
                format!("    - {{name: http, nodePort: {}, port: 80, protocol: TCP, targetPort: 8080}}\n", node_port()),
                "    externalTrafficPolicy: Cluster\n".to_owned(),
            ),
            5 => {
                let port = node_port();
                (
                    "NodePort",
                    format!("    - {{name: dns-tcp, nodePort: {port}, port: 53, protocol: TCP, targetPort: 53}}\n    - {{name: dns-udp, nodePort: {port}, port: 53, protocol: UDP, targetPort: 53}}\n"),
                    "    externalTrafficPolicy: Cluster\n".to_owned(),
                )
            }
            6 => (
                "LoadBalancer",
                format!("    - {{name: https, nodePort: {}, port: 443, protocol: TCP, targetPort: https}}\n", node_port()),
                format!("    allocateLoadBalancerNodePorts: true\n    externalTrafficPolicy: Local\n    healthCheckNodePort: {}\n", node_port()),
            ),
            _ => (
                "ClusterIP",
                "    - {name: grpc, port: 9090, protocol: TCP, targetPort: 9090}\n".to_owned(),
                String::new(),
            ),
        };
        let (name, namespace) = (format!("svc-{i}"), format!("team-{}", i % 17));
        let ip = format!("10.96.{}.{}", i / 250, i % 250 + 2);
        let _ = write!(
            text,
            "- apiVersion: v1\n  kind: Service\n  metadata:\n    annotations:\n      kubectl.kubernetes.io/last-applied-configuration: |\n        \
             {{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{{\"annotations\":{{}},\"labels\":{{\"app\":\"{name}\"}},\"name\":\"{name}\",\"namespace\":\"{namespace}\"}},\"spec\":{{\"selector\":{{\"app\":\"{name}\"}},\"type\":\"{kind}\"}}}}\n    \
             creationTimestamp: \"2026-11-02T09:{:02}:{:02}Z\"\n    labels:\n      app: {name}\n    name: {name}\n    namespace: {namespace}\n    \
             resourceVersion: \"{}\"\n    uid: 0b8c43d6-7a55-4f0e-8c8b-{i:012x}\n  spec:\n    clusterIP: {ip}\n    clusterIPs:\n    - {ip}\n{extra}    \
             internalTrafficPolicy: Cluster\n    ipFamilies:\n    - IPv4\n    ipFamilyPolicy: SingleStack\n    ports:\n{ports}    selector:\n      app: {name}\n    \
             sessionAffinity: None\n    type: {kind}\n  status:\n    loadBalancer: {{}}\n",
            i / 60 % 60,
            i % 60,
            40_000 + i * 7,
        );
    }
    text.push_str("kind: List\nmetadata:\n  resourceVersion: \"\"\n");
    text
}

/// Twenty manifests: new Services with and without nodePorts, one pinned to a port the dump holds,
/// and updates of Services the dump has.
fn manifests() -> String {
    let mut text = String::new();
    for i in 0..20 {
        let (name, port) = match i % 4 {
            0 => (format!("new-{i}"), String::new()),
            1 => (
                format!("new-{i}"),
                format!(", nodePort: {}", 30000 + 7919 % RANGE_SIZE),
            ),
            _ => (format!("svc-{}", i * 10), String::new()),
        };
        let _ = write!(
            text,
            "---\napiVersion: v1\nkind: Service\nmetadata: {{name: {name}, namespace: team-{}}}\nspec:\n  type: NodePort\n  selector: {{app: {name}}}\n  ports:\n  - {{name: http, port: 80, targetPort: 8080{port}}}\n",
            (i * 10) % 17
        );
    }
    text
}

fn check_against_a_dump(c: &mut Criterion) {
    let (dump, manifests) = (dump(), manifests());
    let config = ClusterConfig::default();
    let reviewed = [read_sent(&manifests, Mode::Apply).unwrap()];
    let mut group = c.benchmark_group("check");
    group.bench_function("2000-service dump (read + store)", |b| {
        b.iter(|| {
            let state = State::of(&read_sent(&dump, Mode::Create).unwrap(), config);
            // And the kubernetes Service every cluster has.
            assert_eq!(state.cluster().services().len(), 2001);
            assert!(state.refused().is_empty());
            state
        })
    });
    let state = State::of(&read_sent(&dump, Mode::Create).unwrap(), config);
    group.bench_function("20 manifests against it", |b| {
        b.iter(|| {
            let found = check(&reviewed, &state);
            // The five pinned to a port the dump holds, and nothing else.
            assert_eq!(found.len(), 5);
            assert!(found.iter().all(|d| d.rule == Rule::PortTaken));
            found
        })
    });
    // The dump checked against itself: 2,000 updates, each its own dry run (a copy of the
    // allocator, never of the Service list), so the cost grows with the manifests alone.
    let itself = [read_sent(&dump, Mode::Apply).unwrap()];
    group.bench_function("the 2000-service dump against itself", |b| {
        b.iter(|| {
            let found = check(&itself, &state);
            // Each is an update of itself, holding its own ports: nothing to report.
            assert!(found.is_empty(), "{found:?}");
            found
        })
    });
    group.finish();
    eprintln!("the dump is {:.1} MB", dump.len() as f64 / 1e6);
}

criterion_group!(benches, check_against_a_dump);
criterion_main!(benches);
