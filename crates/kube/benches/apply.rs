//! Parse and apply a 2,000-Service manifest (figures in the README's performance section).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use portband_kube::{read, ClusterConfig, History};
use std::fmt::Write;

/// 2,000 Services of the shapes real clusters have: single-port NodePorts, TCP+UDP pairs,
/// LoadBalancers with health checks, explicit ports in the static band, ClusterIPs.
fn manifest() -> String {
    let mut text = String::new();
    for i in 0..2000 {
        let spec = match i % 10 {
            0..=4 => "  type: NodePort\n  ports:\n  - {name: http, port: 80, targetPort: 8080}\n".to_owned(),
            5 => "  type: NodePort\n  ports:\n  - {name: dns-tcp, port: 53}\n  - {name: dns-udp, port: 53, protocol: UDP}\n".to_owned(),
            6 => "  type: LoadBalancer\n  externalTrafficPolicy: Local\n  ports:\n  - {name: https, port: 443}\n".to_owned(),
            7 if i < 800 => format!("  type: NodePort\n  ports:\n  - {{name: admin, port: 8443, nodePort: {}}}\n", 30000 + i / 10),
            _ => "  ports:\n  - {name: grpc, port: 9090}\n".to_owned(),
        };
        let _ = write!(
            text,
            "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc-{i}\n  namespace: team-{}\n  labels: {{app: svc-{i}}}\nspec:\n  selector: {{app: svc-{i}}}\n{spec}",
            i % 17
        );
    }
    text
}

fn apply(c: &mut Criterion) {
    let text = manifest();
    let mut group = c.benchmark_group("apply");
    group.throughput(Throughput::Elements(2000));
    group.bench_function("2000 services (parse + allocate)", |b| {
        b.iter(|| {
            let input = read(&text).unwrap();
            let mut history = History::new(ClusterConfig::default());
            for step in input.steps {
                history.push(step);
            }
            assert_eq!(history.outcomes().len(), 2000);
            history
        })
    });
    group.bench_function("2000 services (parse only)", |b| {
        b.iter(|| read(&text).unwrap())
    });
    group.finish();
}

criterion_group!(benches, apply);
criterion_main!(benches);
