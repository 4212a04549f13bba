//! Property tests of the cluster IP allocator against a plain model: arbitrary IPv4 and IPv6
//! service CIDRs (bitmaps and sorted sets), every allocator kind, and arbitrary sequences of
//! Allocate, AllocateNext and Release.

use portband_allocator::ip::{Cidr, Ip};
use portband_allocator::{BandKind, Full, IpAllocError, IpAllocator, IpAllocatorKind};
use proptest::prelude::*;
use std::collections::BTreeSet;

#[derive(Clone, Debug)]
enum Op {
    /// Allocate the address this far after the network's (may fall outside the usable ones).
    Allocate(u64),
    AllocateNext,
    /// Release the address this far after the network's.
    Release(u64),
}

/// A CIDR written as `network/prefix`: IPv4 /20 to /32, IPv6 /60 to /128 (past 2^24 addresses
/// the IPAddress allocator keeps a sorted set).
fn cidrs() -> impl Strategy<Value = Cidr> {
    let v4 =
        (any::<[u8; 4]>(), 20u8..=32).prop_map(|([a, b, c, d], p)| format!("{a}.{b}.{c}.{d}/{p}"));
    let v6 = (any::<[u16; 8]>(), 60u8..=128).prop_map(|(g, p)| {
        let groups: Vec<String> = g.iter().map(|x| format!("{x:x}")).collect();
        format!("{}/{p}", groups.join(":"))
    });
    prop_oneof![v4, v6].prop_map(|text| Cidr::parse(&text).expect("a written CIDR parses"))
}

fn kinds() -> impl Strategy<Value = IpAllocatorKind> {
    prop_oneof![
        Just(IpAllocatorKind::Bitmap),
        Just(IpAllocatorKind::DualWrite),
        Just(IpAllocatorKind::IpAddress),
    ]
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    let op = prop_oneof![
        2 => (0u64..300).prop_map(Op::Allocate),
        5 => Just(Op::AllocateNext),
        1 => (0u64..300).prop_map(Op::Release),
    ];
    proptest::collection::vec(op, 0..300)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn the_ip_allocator_matches_the_model(
        cidr in cidrs(), kind in kinds(), seed in any::<u64>(), ops in ops(),
    ) {
        let mut ips = IpAllocator::new(cidr, kind, seed);
        let size = ips.size();
        let bands = ips.bands();
        let static_size = bands.static_band.map_or(0, |b| b.size);
        prop_assert_eq!(static_size + bands.dynamic_band.map_or(0, |b| b.size), size);
        // The usable addresses: the network's own is never one.
        prop_assert_eq!(ips.band_of(cidr.network()), None);
        let mut model: BTreeSet<Ip> = BTreeSet::new();
        for op in ops {
            match op {
                Op::Allocate(offset) | Op::Release(offset) if cidr.address_at(u128::from(offset)).is_none() => {}
                Op::Allocate(offset) => {
                    let ip = cidr.address_at(u128::from(offset)).unwrap();
                    let result = ips.allocate(ip);
                    match ips.band_of(ip) {
                        None => {
                            let outside = matches!(result, Err(IpAllocError::NotInRange { .. }));
                            prop_assert!(outside, "{ip} is not usable: {result:?}");
                        }
                        Some(_) if model.contains(&ip) => prop_assert_eq!(result, Err(IpAllocError::Allocated)),
                        Some(_) => {
                            prop_assert_eq!(result, Ok(()));
                            model.insert(ip);
                        }
                    }
                }
                Op::Release(offset) => {
                    let ip = cidr.address_at(u128::from(offset)).unwrap();
                    prop_assert_eq!(ips.release(ip), model.remove(&ip));
                }
                Op::AllocateNext => {
                    let dynamic_used = model.iter().filter(|&&ip| ips.band_of(ip) == Some(BandKind::Dynamic)).count() as u64;
                    let dynamic_has_room = dynamic_used < size - static_size;
                    match ips.allocate_next() {
                        Err(e) => {
                            prop_assert_eq!(e, Full);
                            prop_assert_eq!(model.len() as u64, size, "Full with free addresses left");
                        }
                        Ok(pick) => {
                            prop_assert!(cidr.contains(pick.ip));
                            prop_assert!(model.insert(pick.ip), "{} handed out twice", pick.ip);
                            prop_assert_eq!(ips.band_of(pick.ip), Some(pick.band));
                            // The dynamic band first, the static one only when it is full.
                            prop_assert_eq!(pick.band == BandKind::Dynamic, dynamic_has_room);
                            prop_assert_eq!(ips.band_of(pick.scan_start), Some(pick.band));
                            prop_assert!(pick.skipped < size);
                        }
                    }
                }
            }
            prop_assert_eq!(ips.used(), model.len() as u64);
            prop_assert_eq!(ips.used() + ips.free(), size);
            let usage = ips.band_usage();
            prop_assert_eq!(usage.static_used + usage.static_free, static_size);
            prop_assert_eq!(usage.static_used + usage.dynamic_used, ips.used());
        }
        prop_assert!(ips.iter().eq(model.iter().copied()));
        // A bitmap's snapshot restores the same addresses.
        if let Some(snapshot) = ips.snapshot() {
            let restored = IpAllocator::from_snapshot(&snapshot, kind, 0).unwrap();
            prop_assert!(restored.iter().eq(model.iter().copied()));
        }
    }
}
