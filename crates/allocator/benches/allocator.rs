//! Upstream's cluster IP benchmarks and the lab's sweep (figures in the README's performance
//! section; `versus_bare` has the fills and churn of both allocators, beside a bare bitmap).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use portband_allocator::ip::Cidr;
use portband_allocator::lab::{Experiment, Lab, Order};
use portband_allocator::{IpAllocator, IpAllocatorKind, PortRange};
use std::hint::black_box;

/// `portband simulate`'s default: every K from 0 to 2,768 over 30000-32767, 10,000 trials, one
/// static port (the range's first), dynamic requests first, with the split and without.
fn lab_sweep(c: &mut Criterion) {
    let range = PortRange::parse("30000-32767").unwrap();
    let experiment = Experiment {
        range,
        dynamic: (0..=range.size()).collect(),
        static_ports: vec![30000],
        order: Order::DynamicFirst,
        trials: 10_000,
        seed: 0,
    };
    let mut group = c.benchmark_group("lab");
    group.sample_size(10);
    group.bench_function("default sweep, 10000 trials, both modes", |b| {
        b.iter(|| {
            [true, false].map(|split| {
                let mut lab = Lab::new(experiment.clone(), split).unwrap();
                lab.run(experiment.trials);
                lab.tallies()
            })
        })
    });
    group.finish();
}

fn cidr(value: &str) -> Cidr {
    Cidr::parse(value).unwrap()
}

/// Upstream's own benchmarks (`ipallocator/bitmap_test.go`): AllocateNext on a fresh
/// 10.0.0.0/12 and on fd00::/24 (the bitmap allocator cuts it to 65,535 addresses), per call, over
/// a whole fill. Upstream's figures, in its comments: 870.9 ns and 194.0 ns per call on a Xeon
/// E5-2678 v3.
fn ip_upstream(c: &mut Criterion) {
    let mut group = c.benchmark_group("ip_upstream");
    group.sample_size(10);
    for (name, range) in [
        ("AllocateNextIPv4Size1048574", "10.0.0.0/12"),
        ("AllocateNextIPv6Size65535", "fd00::/24"),
    ] {
        let size = IpAllocatorKind::Bitmap.usable(cidr(range));
        group.throughput(Throughput::Elements(size));
        group.bench_function(name, |b| {
            b.iter_batched_ref(
                || IpAllocator::new(cidr(range), IpAllocatorKind::Bitmap, 0),
                |ips| {
                    for _ in 0..size {
                        black_box(ips.allocate_next().unwrap());
                    }
                },
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, ip_upstream, lab_sweep);
criterion_main!(benches);
