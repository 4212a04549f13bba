//! Fill and churn benchmarks for the port and cluster IP allocators, each beside a bare bitmap
//! running the same algorithm, and upstream's cluster IP benchmarks (figures in the README's
//! performance section).

use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BatchSize, BenchmarkGroup, Criterion, Throughput,
};
use portband_allocator::ip::Cidr;
use portband_allocator::lab::{Experiment, Lab, Order};
use portband_allocator::{
    ip_static_band_size, static_band_size, Config, IpAllocator, IpAllocatorKind, PortAllocator,
    PortRange, Rng,
};
use std::hint::black_box;

const RANGES: [&str; 2] = ["30000-32767", "0-65535"];

fn allocator(range: &str) -> PortAllocator {
    PortAllocator::new(PortRange::parse(range).unwrap(), Config::default())
}

/// The reference the allocator is measured against: the same algorithm (a random start in the
/// dynamic band, a word scan that wraps inside it, then the static band) on a bare bitmap, with no
/// metrics, no explanation and no ports, only offsets.
struct Bare {
    words: Vec<u64>,
    size: u32,
    split: u32,
    used: u32,
    rng: Rng,
}

impl Bare {
    fn new(range: &str) -> Self {
        let size = PortRange::parse(range).unwrap().size();
        Bare::with(size, static_band_size(size))
    }

    /// The bare map of a service CIDR's usable addresses.
    fn of_cidr(cidr: Cidr) -> Self {
        let size = IpAllocatorKind::IpAddress.usable(cidr) as u32;
        Bare::with(size, ip_static_band_size(cidr) as u32)
    }

    fn with(size: u32, split: u32) -> Self {
        Bare {
            words: vec![0; size.div_ceil(64) as usize],
            size,
            split,
            used: 0,
            rng: Rng::new(0),
        }
    }

    /// The first clear bit of `lo..hi`.
    fn first_clear(&self, lo: u32, hi: u32) -> Option<u32> {
        let mut at = lo;
        while at < hi {
            let word = self.words[(at / 64) as usize] | ((1u64 << (at % 64)) - 1);
            let free = !word;
            if free != 0 {
                let found = at - at % 64 + free.trailing_zeros();
                return (found < hi).then_some(found);
            }
            at = at - at % 64 + 64;
        }
        None
    }

    fn scan(&mut self, lo: u32, hi: u32) -> Option<u32> {
        if lo >= hi {
            return None;
        }
        let from = lo + self.rng.below(hi - lo);
        self.first_clear(from, hi)
            .or_else(|| self.first_clear(lo, from))
    }

    /// A call, as the allocator's is: the reference pays for calling an API, not for being
    /// inlined into the benchmark's loop (which keeps its counters in registers across calls).
    #[inline(never)]
    fn allocate_next(&mut self) -> Option<u32> {
        if self.used == self.size {
            return None;
        }
        let found = self
            .scan(self.split, self.size)
            .or_else(|| self.scan(0, self.split))?;
        self.words[(found / 64) as usize] |= 1 << (found % 64);
        self.used += 1;
        Some(found)
    }

    fn release(&mut self, offset: u32) {
        let word = &mut self.words[(offset / 64) as usize];
        if *word & (1 << (offset % 64)) != 0 {
            *word &= !(1 << (offset % 64));
            self.used -= 1;
        }
    }
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
        group.bench_function(format!("{range} (bare bitmap)"), |b| {
            b.iter_batched_ref(
                || Bare::new(range),
                |bare| {
                    while let Some(offset) = bare.allocate_next() {
                        black_box(offset);
                    }
                },
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

/// At 95 % occupancy: each iteration releases a taken port (or address) and takes another with
/// `replace`, which returns what it took; the victims are a fixed xorshift64 sequence, chosen
/// outside the allocator.
fn churn_95<T: Copy>(
    group: &mut BenchmarkGroup<WallTime>,
    name: &str,
    mut taken: Vec<T>,
    mut replace: impl FnMut(T) -> T,
) {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    group.bench_function(name, |b| {
        b.iter(|| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let victim = (state % taken.len() as u64) as usize;
            taken[victim] = replace(taken[victim]);
        })
    });
}

/// The bare bitmap's churn at 95 %, beside the allocator's benchmark `name`.
fn bare_churn_95(group: &mut BenchmarkGroup<WallTime>, name: &str, mut bare: Bare, target: u32) {
    let taken = (0..target).map(|_| bare.allocate_next().unwrap()).collect();
    churn_95(group, &format!("{name} (bare bitmap)"), taken, |offset| {
        bare.release(offset);
        bare.allocate_next().unwrap()
    });
}

/// Ports at 95 % occupancy: release one random taken port, then AllocateNext.
fn churn(c: &mut Criterion) {
    let mut group = c.benchmark_group("churn_95");
    for range in RANGES {
        let mut ports = allocator(range);
        let target = ports.range().size() * 95 / 100;
        let taken = (0..target)
            .map(|_| ports.allocate_next().unwrap().port)
            .collect();
        churn_95(&mut group, range, taken, |port| {
            ports.release(i64::from(port));
            ports.allocate_next().unwrap().port
        });
        bare_churn_95(&mut group, range, Bare::new(range), target);
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

fn cidr(value: &str) -> Cidr {
    Cidr::parse(value).unwrap()
}

fn addresses(value: &str) -> IpAllocator {
    IpAllocator::new(cidr(value), IpAllocatorKind::IpAddress, 0)
}

/// Cluster IPs: AllocateNext over a whole /16, and over a /12 until its dynamic band is full.
fn ip_fill(c: &mut Criterion) {
    let mut group = c.benchmark_group("ip_fill");
    group.sample_size(10);
    for (range, whole) in [("10.96.0.0/16", true), ("10.96.0.0/12", false)] {
        let all = IpAllocatorKind::IpAddress.usable(cidr(range));
        let picks = if whole {
            all
        } else {
            all - ip_static_band_size(cidr(range))
        };
        let name = if whole {
            range.to_owned()
        } else {
            format!("{range} dynamic band")
        };
        group.throughput(Throughput::Elements(picks));
        group.bench_function(name.as_str(), |b| {
            b.iter_batched_ref(
                || addresses(range),
                |ips| {
                    for _ in 0..picks {
                        black_box(ips.allocate_next().unwrap());
                    }
                },
                BatchSize::LargeInput,
            )
        });
        group.bench_function(format!("{name} (bare bitmap)"), |b| {
            b.iter_batched_ref(
                || Bare::of_cidr(cidr(range)),
                |bare| {
                    for _ in 0..picks {
                        black_box(bare.allocate_next().unwrap());
                    }
                },
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

/// Cluster IPs at 95 % occupancy of a /16: release one random taken address, then AllocateNext.
fn ip_churn(c: &mut Criterion) {
    let mut group = c.benchmark_group("ip_churn_95");
    let range = "10.96.0.0/16";
    let mut ips = addresses(range);
    let target = ips.size() * 95 / 100;
    let offset = |ips: &IpAllocator, ip| ips.offset_of(ip).unwrap() as u32;
    let taken: Vec<u32> = (0..target)
        .map(|_| {
            let ip = ips.allocate_next().unwrap().ip;
            offset(&ips, ip)
        })
        .collect();
    churn_95(&mut group, range, taken, |taken| {
        ips.release(ips.address_at(u64::from(taken)));
        let ip = ips.allocate_next().unwrap().ip;
        offset(&ips, ip)
    });
    bare_churn_95(&mut group, range, Bare::of_cidr(cidr(range)), target as u32);
    group.finish();
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

criterion_group!(
    benches,
    fill,
    churn,
    ip_fill,
    ip_churn,
    ip_upstream,
    lab_sweep
);
criterion_main!(benches);
