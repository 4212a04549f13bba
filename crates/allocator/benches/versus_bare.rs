//! The allocators against a bare bitmap running the same algorithm: a random start in the
//! dynamic band, a word scan that wraps inside it, then the static band, with no metrics, no
//! explanation of the pick and offsets instead of ports or addresses.
//!
//! The two are timed turn about, a run of one then a run of the other, so that a machine whose
//! speed drifts (this project's build machines vary by a third from minute to minute) slows both
//! alike; each case prints the ratio of the two fastest runs and of the two medians. The ClusterIP
//! issue's target is 1.2×; the README's performance section has the figures.

use portband_allocator::ip::Cidr;
use portband_allocator::{
    ip_static_band_size, static_band_size, Config, IpAllocator, IpAllocatorKind, PortAllocator,
    PortRange, Rng,
};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// The reference: the same algorithm on a bare bitmap.
struct Bare {
    words: Vec<u64>,
    size: u32,
    split: u32,
    used: u32,
    rng: Rng,
}

impl Bare {
    fn of_range(range: PortRange) -> Self {
        Bare::with(range.size(), static_band_size(range.size()))
    }

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
            let free = !(self.words[(at / 64) as usize] | ((1u64 << (at % 64)) - 1));
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

    /// A call, as the allocator's is (so is `release`): the reference pays for calling an API,
    /// not for being inlined into the benchmark's loop (which keeps its counters in registers
    /// across calls).
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

    #[inline(never)]
    fn release(&mut self, offset: u32) {
        let word = &mut self.words[(offset / 64) as usize];
        if *word & (1 << (offset % 64)) != 0 {
            *word &= !(1 << (offset % 64));
            self.used -= 1;
        }
    }
}

/// Something timed: each call runs once more and says how long it took.
type Run<'a> = Box<dyn FnMut() -> Duration + 'a>;

/// Times `allocator` and `bare` turn about `rounds` times and prints the case's line: each
/// side's fastest and median run divided by `per` (the operations a run does), and their ratios.
fn versus(case: &str, rounds: usize, per: u32, mut allocator: Run, mut bare: Run) {
    let (mut a, mut b) = (Vec::with_capacity(rounds), Vec::with_capacity(rounds));
    for _ in 0..rounds {
        a.push(allocator());
        b.push(bare());
    }
    a.sort();
    b.sort();
    let each = |d: Duration| d.as_secs_f64() * 1e9 / f64::from(per);
    let (fastest, median) = ((a[0], b[0]), (a[rounds / 2], b[rounds / 2]));
    println!(
        "{case:<34} {:>9.2} {:>9.2} {:>6.2}×   {:>9.2} {:>9.2} {:>6.2}×",
        each(fastest.0),
        each(fastest.1),
        each(fastest.0) / each(fastest.1),
        each(median.0),
        each(median.1),
        each(median.0) / each(median.1),
    );
}

/// A run that fills a fresh map (made before the clock starts) with `next` until it has `picks`.
fn filling<T: 'static>(
    picks: u32,
    fresh: impl Fn() -> T + 'static,
    next: impl Fn(&mut T) -> bool + 'static,
) -> Run<'static> {
    Box::new(move || {
        let mut map = fresh();
        let start = Instant::now();
        for _ in 0..picks {
            black_box(next(&mut map));
        }
        start.elapsed()
    })
}

/// Operations per churn run.
const CHURN_RUN: u32 = 10_000;

/// A run of `CHURN_RUN` churn operations at 95 % occupancy: release a taken offset (a fixed
/// xorshift64 sequence picks which) and take another with `replace`, which returns the offset it
/// took. Both sides keep their taken set as 4-byte offsets, so that it weighs the same.
fn churning<'a>(mut taken: Vec<u32>, mut replace: impl FnMut(u32) -> u32 + 'a) -> Run<'a> {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    Box::new(move || {
        let start = Instant::now();
        for _ in 0..CHURN_RUN {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let victim = (state % taken.len() as u64) as usize;
            taken[victim] = replace(taken[victim]);
        }
        start.elapsed()
    })
}

/// The bare bitmap's churn run, at `target` offsets taken.
fn bare_churning(mut bare: Bare, target: u32) -> Run<'static> {
    let taken = (0..target).map(|_| bare.allocate_next().unwrap()).collect();
    churning(taken, move |offset| {
        bare.release(offset);
        bare.allocate_next().unwrap()
    })
}

fn port_range(value: &str) -> PortRange {
    PortRange::parse(value).unwrap()
}

fn cidr(value: &str) -> Cidr {
    Cidr::parse(value).unwrap()
}

fn addresses(cidr: Cidr) -> IpAllocator {
    IpAllocator::new(cidr, IpAllocatorKind::IpAddress, 0)
}

fn main() {
    println!(
        "{:<34} {:>9} {:>9} {:>7}   {:>9} {:>9} {:>7}",
        "ns per AllocateNext", "fastest", "bare", "ratio", "median", "bare", "ratio"
    );
    for (range, rounds) in [("30000-32767", 2000), ("0-65535", 200)] {
        let range = port_range(range);
        versus(
            &format!("fill {range}"),
            rounds,
            range.size(),
            filling(
                range.size(),
                move || PortAllocator::new(range, Config::default()),
                |ports| ports.allocate_next().is_ok(),
            ),
            filling(
                range.size(),
                move || Bare::of_range(range),
                |bare| bare.allocate_next().is_some(),
            ),
        );
    }
    for (value, rounds, whole) in [("10.96.0.0/16", 200, true), ("10.96.0.0/12", 20, false)] {
        let range = cidr(value);
        let usable = IpAllocatorKind::IpAddress.usable(range);
        let picks = if whole {
            usable
        } else {
            usable - ip_static_band_size(range)
        } as u32;
        let band = if whole { "" } else { "'s dynamic band" };
        versus(
            &format!("fill {value}{band}"),
            rounds,
            picks,
            filling(
                picks,
                move || addresses(range),
                |ips| ips.allocate_next().is_ok(),
            ),
            filling(
                picks,
                move || Bare::of_cidr(range),
                |bare| bare.allocate_next().is_some(),
            ),
        );
    }
    println!("ns per release and AllocateNext at 95 %");
    for value in ["30000-32767", "0-65535"] {
        let range = port_range(value);
        let target = range.size() * 95 / 100;
        let mut ports = PortAllocator::new(range, Config::default());
        let taken = (0..target)
            .map(|_| ports.allocate_next().unwrap().port)
            .map(|port| range.offset_of(i64::from(port)).unwrap())
            .collect();
        versus(
            &format!("churn {value}"),
            300,
            CHURN_RUN,
            churning(taken, move |offset| {
                ports.release(i64::from(range.port_at(offset)));
                let port = ports.allocate_next().unwrap().port;
                range.offset_of(i64::from(port)).unwrap()
            }),
            bare_churning(Bare::of_range(range), target),
        );
    }
    let range = cidr("10.96.0.0/16");
    let target = IpAllocatorKind::IpAddress.usable(range) as u32 * 95 / 100;
    let mut ips = addresses(range);
    let offset = |ips: &IpAllocator, ip| ips.offset_of(ip).unwrap() as u32;
    let taken = (0..target)
        .map(|_| {
            let ip = ips.allocate_next().unwrap().ip;
            offset(&ips, ip)
        })
        .collect();
    versus(
        "churn 10.96.0.0/16",
        300,
        CHURN_RUN,
        churning(taken, move |taken| {
            ips.release(ips.address_at(u64::from(taken)));
            let ip = ips.allocate_next().unwrap().ip;
            offset(&ips, ip)
        }),
        bare_churning(Bare::of_cidr(range), target),
    );
}
