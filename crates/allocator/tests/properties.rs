//! Property tests of the allocator against a plain model: arbitrary ranges up to 0-65535 and
//! arbitrary sequences of Allocate, AllocateNext and Release.

use portband_allocator::{AllocError, BandKind, Config, Full, PortAllocator, PortRange, Scope};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug)]
enum Op {
    /// Allocate the port at this position relative to the range's base (may fall outside).
    Allocate(i64),
    AllocateNext,
    /// Release the port at this position relative to the range's base (may fall outside).
    Release(i64),
}

fn ranges() -> impl Strategy<Value = PortRange> {
    let size = prop_oneof![0u32..=40, 0u32..=600, 0u32..=65536];
    size.prop_flat_map(|size| (0..=65536 - size, Just(size)))
        .prop_map(|(base, size)| PortRange::new(base as u16, size).unwrap())
}

fn ops(size: u32) -> impl Strategy<Value = Vec<Op>> {
    let span = i64::from(size) + 4;
    let op = prop_oneof![
        2 => (-3..span).prop_map(Op::Allocate),
        5 => Just(Op::AllocateNext),
        1 => (-3..span).prop_map(Op::Release),
    ];
    proptest::collection::vec(op, 0..400)
}

fn case() -> impl Strategy<Value = (PortRange, Config, Vec<Op>)> {
    (ranges(), any::<bool>(), any::<u64>()).prop_flat_map(|(range, static_subrange, seed)| {
        let config = Config {
            static_subrange,
            seed,
        };
        (Just(range), Just(config), ops(range.size()))
    })
}

/// Upstream's bit-by-bit scan from `start` over a band, wrapping inside it.
fn reference_scan(taken: &BTreeSet<u16>, first: u16, last: u16, start: u16) -> Option<u16> {
    let (first, last, start) = (u32::from(first), u32::from(last), u32::from(start));
    let size = last - first + 1;
    (0..size)
        .map(|i| (first + (start - first + i) % size) as u16)
        .find(|p| !taken.contains(p))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn allocator_matches_the_model((range, config, ops) in case()) {
        let mut ports = PortAllocator::new(range, config);
        let bands = ports.bands();
        let mut model = BTreeSet::new();
        let (mut ok, mut failed) = ([0u64; 2], [0u64; 2]);
        let base = i64::from(range.base());

        for op in ops {
            match op {
                Op::Allocate(at) => {
                    let port = base + at;
                    let expected = if !range.contains(port) {
                        Err(AllocError::NotInRange(range))
                    } else if model.contains(&(port as u16)) {
                        Err(AllocError::Allocated)
                    } else {
                        Ok(())
                    };
                    prop_assert_eq!(ports.allocate(port), expected.clone());
                    if expected.is_ok() {
                        model.insert(port as u16);
                        ok[0] += 1;
                    } else {
                        failed[0] += 1;
                    }
                }
                Op::AllocateNext => {
                    // The chances (for ranges whose every port the test can afford to list)...
                    let next = (range.size() <= 4096).then(|| ports.next_pick());
                    let result = ports.allocate_next();
                    if let Some(next) = &next {
                        prop_assert_eq!(next.is_none(), result.is_err());
                    }
                    // ...against a count over every random start of the band.
                    if let (Some(Some(next)), Ok(pick)) = (&next, &result) {
                        prop_assert_eq!(Some(next.span), bands.get(pick.band));
                        prop_assert_eq!(next.starts.iter().map(|s| s.1).sum::<u32>(), next.span.size());
                        prop_assert!(next.starts.iter().any(|s| s.0 == pick.port));
                        if next.span.size() <= 100 {
                            let mut counted = BTreeMap::new();
                            for start in next.span.first..=next.span.last {
                                let port = reference_scan(&model, next.span.first, next.span.last, start).unwrap();
                                *counted.entry(port).or_insert(0u32) += 1;
                            }
                            prop_assert_eq!(next.starts.iter().copied().collect::<BTreeMap<_, _>>(), counted);
                        }
                    }
                    match result {
                    Err(e) => {
                        prop_assert_eq!(e, Full);
                        prop_assert_eq!(model.len() as u32, range.size(), "Full with free ports left");
                        failed[1] += 1;
                    }
                    Ok(pick) => {
                        prop_assert!(range.contains(i64::from(pick.port)));
                        prop_assert!(!model.contains(&pick.port), "{} handed out twice", pick.port);
                        let dynamic = bands.dynamic_band.unwrap();
                        let dynamic_has_room = (dynamic.first..=dynamic.last).any(|p| !model.contains(&p));
                        let band = match pick.band {
                            BandKind::Dynamic => dynamic,
                            BandKind::Static => bands.static_band.unwrap(),
                        };
                        prop_assert_eq!(pick.band == BandKind::Dynamic, dynamic_has_room,
                            "a dynamic pick left the dynamic band while it had room, or the reverse");
                        prop_assert_eq!(pick.fell_back(), !dynamic_has_room);
                        prop_assert!(band.contains(i64::from(pick.scan_start)));
                        prop_assert_eq!(
                            Some(pick.port),
                            reference_scan(&model, band.first, band.last, pick.scan_start),
                            "the word scan and the bit scan disagree"
                        );
                        let distance = (u32::from(pick.port) + band.size() - u32::from(pick.scan_start)) % band.size();
                        prop_assert_eq!(u32::from(pick.skipped), distance);
                        model.insert(pick.port);
                        ok[1] += 1;
                    }
                    }
                }
                Op::Release(at) => {
                    let port = base + at;
                    let expected = range.contains(port) && model.remove(&(port as u16));
                    prop_assert_eq!(ports.release(port), expected);
                }
            }

            prop_assert_eq!(ports.used() as usize, model.len());
            prop_assert_eq!(ports.free() + ports.used(), range.size());
            let usage = ports.band_usage();
            let in_static = model.iter().filter(|&&p| bands.band_of(i64::from(p)) == Some(BandKind::Static)).count() as u32;
            prop_assert_eq!(usage.static_used, in_static);
            prop_assert_eq!(usage.static_used + usage.dynamic_used, ports.used());
            prop_assert_eq!(usage.static_used + usage.static_free, bands.static_size());
            prop_assert_eq!(usage.dynamic_used + usage.dynamic_free, bands.dynamic_size());
        }

        prop_assert!(ports.iter().eq(model.iter().copied()));
        for &port in model.iter().take(20) {
            prop_assert!(ports.has(i64::from(port)));
        }
        let m = ports.metrics();
        prop_assert_eq!([m.allocation_total.get(Scope::Static), m.allocation_total.get(Scope::Dynamic)], ok);
        prop_assert_eq!([m.allocation_errors_total.get(Scope::Static), m.allocation_errors_total.get(Scope::Dynamic)], failed);

        let snapshot = ports.snapshot();
        let restored = PortAllocator::from_snapshot(&snapshot, config).unwrap();
        prop_assert!(restored.iter().eq(ports.iter()));
        prop_assert_eq!(restored.band_usage(), ports.band_usage());
        prop_assert_eq!(restored.snapshot(), snapshot);
    }

    #[test]
    fn any_free_in_range_port_can_be_allocated(
        (range, config, ops) in case(),
        at in any::<prop::sample::Index>(),
    ) {
        prop_assume!(!range.is_empty());
        let mut ports = PortAllocator::new(range, config);
        for op in ops {
            match op {
                Op::Allocate(p) => { let _ = ports.allocate(i64::from(range.base()) + p); }
                Op::AllocateNext => { let _ = ports.allocate_next(); }
                Op::Release(p) => { ports.release(i64::from(range.base()) + p); }
            }
        }
        let port = range.port_at(at.index(range.size() as usize) as u32);
        let was_taken = ports.has(i64::from(port));
        prop_assert_eq!(ports.allocate(i64::from(port)).is_ok(), !was_taken);
        prop_assert!(ports.has(i64::from(port)));
    }

    #[test]
    fn a_seed_reproduces_a_run((range, config, ops) in case()) {
        let run = || {
            let mut ports = PortAllocator::new(range, config);
            let picks: Vec<_> = ops.iter().filter(|op| matches!(op, Op::AllocateNext))
                .map(|_| ports.allocate_next().ok()).collect();
            picks
        };
        prop_assert_eq!(run(), run());
    }
}
