//! Fill and churn benchmarks for the allocator (figures in the README's performance section).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use portband_allocator::lab::{Experiment, Lab, Order};
use portband_allocator::{Config, PortAllocator, PortRange};
use std::hint::black_box;

const RANGES: [&str; 2] = ["30000-32767", "0-65535"];

fn allocator(range: &str) -> PortAllocator {
    PortAllocator::new(PortRange::parse(range).unwrap(), Config::default())
}

/// AllocateNext until the range is full, from an empty allocator each time.
fn fill(c: &mut Criterion) {
    let mut group = c.benchmark_group("fill");
    for range in RANGES {
        let size = PortRange::parse(range).unwrap().size();
        group.throughput(Throughput::Elements(u64::from(size)));
        group.bench_function(range, |b| {
            b.iter_batched_ref(
                || allocator(range),
                |ports| {
                    while let Ok(pick) = ports.allocate_next() {
                        black_box(pick);
                    }
                },
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

/// At 95 % occupancy: release one random taken port, then AllocateNext.
fn churn(c: &mut Criterion) {
    let mut group = c.benchmark_group("churn_95");
    for range in RANGES {
        let mut ports = allocator(range);
        let target = ports.range().size() * 95 / 100;
        let mut taken: Vec<u16> = (0..target)
            .map(|_| ports.allocate_next().unwrap().port)
            .collect();
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        group.bench_function(range, |b| {
            b.iter(|| {
                // xorshift64: a cheap, fixed victim sequence outside the allocator.
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let victim = (state % taken.len() as u64) as usize;
                ports.release(i64::from(taken[victim]));
                taken[victim] = ports.allocate_next().unwrap().port;
            })
        });
    }
    group.finish();
}

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

criterion_group!(benches, fill, churn, lab_sweep);
criterion_main!(benches);
