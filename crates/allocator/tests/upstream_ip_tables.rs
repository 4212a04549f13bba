//! Upstream's cluster IP test tables as table-driven tests: `pkg/registry/core/service/
//! ipallocator/bitmap_test.go` (the bitmap allocator) and `allocator_test.go` (the IPAddress
//! allocator's sizes and last addresses), and the flag's errors from `cmd/kube-apiserver/app/
//! options/validation.go` and `completion.go`.

use portband_allocator::ip::{Cidr, Ip};
use portband_allocator::{
    ip_static_band_size, BandKind, ByScope, Full, IpAllocError, IpAllocator, IpAllocatorKind,
    RestoreError, ServiceCidrs,
};
use std::collections::HashSet;

fn cidr(value: &str) -> Cidr {
    Cidr::parse(value).unwrap_or_else(|| panic!("{value} is not a CIDR"))
}

fn ip(value: &str) -> Ip {
    Ip::parse(value).unwrap_or_else(|| panic!("{value} is not an address"))
}

fn bitmap(value: &str) -> IpAllocator {
    IpAllocator::new(cidr(value), IpAllocatorKind::Bitmap, 0)
}

/// `bitmap_test.go` `TestAllocate`: fill the range, release one, get it back, the edges refused.
#[test]
fn allocate_fills_the_range_and_refuses_its_edges() {
    let cases: [(&str, u64, &str, &[&str], &str); 3] = [
        (
            "192.168.1.0/24",
            254,
            "192.168.1.5",
            &["192.168.0.1", "192.168.1.0", "192.168.1.255", "192.168.2.2"],
            "192.168.1.1",
        ),
        (
            "10.0.0.0/15",
            131_070,
            "10.0.0.5",
            &["10.0.0.0", "10.15.255.255", "10.255.255.2"],
            "10.0.0.1",
        ),
        (
            "2001:db8:1::/48",
            65_535,
            "2001:db8:1::5",
            &[
                "2001:db8::1",
                "2001:db8:1::",
                "2001:db8:1::1:0",
                "2001:db8:2::2",
            ],
            "2001:db8:1::1",
        ),
    ];
    for (range, free, released, out_of_range, already) in cases {
        let mut r = bitmap(range);
        assert_eq!(r.cidr().to_string(), range);
        assert_eq!((r.free(), r.used()), (free, 0), "{range}");
        let mut found = HashSet::new();
        while r.free() > 0 {
            let pick = r.allocate_next().unwrap();
            assert!(r.cidr().contains(pick.ip), "{range}: {}", pick.ip);
            assert!(found.insert(pick.ip), "{range}: {} twice", pick.ip);
        }
        assert_eq!(r.allocate_next(), Err(Full));
        assert!(r.release(ip(released)));
        assert_eq!((r.free(), r.used()), (1, free - 1));
        assert_eq!(r.allocate_next().unwrap().ip, ip(released));
        assert!(r.release(ip(released)));
        for outside in out_of_range {
            assert!(
                matches!(
                    r.allocate(ip(outside)),
                    Err(IpAllocError::NotInRange { .. })
                ),
                "{range}: {outside}"
            );
        }
        assert_eq!(r.allocate(ip(already)), Err(IpAllocError::Allocated));
        assert_eq!((r.free(), r.used()), (1, free - 1));
        r.allocate(ip(released)).unwrap();
        assert_eq!((r.free(), r.used()), (0, free));
    }
}

/// `TestAllocateTiny` and `TestAllocateSmall`: a /32 has no address, a /30 two.
#[test]
fn tiny_and_small_ranges() {
    let mut tiny = bitmap("192.168.1.0/32");
    assert_eq!(tiny.free(), 0);
    assert_eq!(tiny.allocate_next(), Err(Full));

    let mut small = bitmap("192.168.1.240/30");
    assert_eq!(small.free(), 2);
    let a = small.allocate_next().unwrap().ip;
    let b = small.allocate_next().unwrap().ip;
    assert_ne!(a, b);
    for taken in [a, b] {
        assert!(small.has(taken));
        assert_eq!(small.allocate(taken), Err(IpAllocError::Allocated));
    }
    for _ in 0..100 {
        assert_eq!(small.allocate_next(), Err(Full));
    }
    assert_eq!((small.free(), small.size()), (0, 2));
}

/// `TestAllocateReserved`: dynamic allocation fills the upper band before it touches the lower.
#[test]
fn dynamic_allocation_fills_the_upper_band_first() {
    let mut r = bitmap("192.168.1.0/25");
    let offset = ip_static_band_size(r.cidr());
    assert_eq!(offset, 16);
    for _ in 0..r.size() - offset {
        assert_eq!(r.allocate_next().unwrap().band, BandKind::Dynamic);
    }
    for i in offset..r.size() {
        assert!(r.has(ip(&format!("192.168.1.{}", i + 1))));
    }
    assert_eq!(r.free(), offset);
    for i in 0..offset {
        r.allocate(ip(&format!("192.168.1.{}", i + 1))).unwrap();
    }
    assert_eq!(r.free(), 0);
    assert!(r.release(ip("192.168.1.10")));
    let pick = r.allocate_next().unwrap();
    assert_eq!((pick.ip, pick.band), (ip("192.168.1.10"), BandKind::Static));
    assert_eq!(r.free(), 0);
}

/// `TestForEach`: the taken addresses, each once.
#[test]
fn iter_lists_the_taken_addresses() {
    let sets: [&[&str]; 4] = [
        &[],
        &["192.168.1.1"],
        &["192.168.1.1", "192.168.1.254"],
        &["192.168.1.1", "192.168.1.128", "192.168.1.254"],
    ];
    for set in sets {
        let mut r = bitmap("192.168.1.0/24");
        for address in set {
            r.allocate(ip(address)).unwrap();
            assert!(r.has(ip(address)));
        }
        let listed: Vec<String> = r.iter().map(|a| a.to_string()).collect();
        assert_eq!(listed, set.to_vec());
    }
}

/// `TestSnapshot` and `TestNewFromSnapshot`.
#[test]
fn snapshots_restore_the_same_network_only() {
    let mut r = bitmap("192.168.1.0/24");
    let taken: Vec<Ip> = (0..10).map(|_| r.allocate_next().unwrap().ip).collect();
    let snapshot = r.snapshot().unwrap();
    assert_eq!(snapshot.range, "192.168.1.0/24");
    assert_eq!(
        bitmap("192.168.2.0/24").restore(&snapshot),
        Err(RestoreError::MismatchedNetwork)
    );
    let mut other = bitmap("192.168.1.0/24");
    other.restore(&snapshot).unwrap();
    assert!(taken.iter().all(|&a| other.has(a)));
    assert_eq!(other.free(), r.free());

    let mut r = bitmap("192.168.0.0/24");
    let taken: Vec<Ip> = (0..128).map(|_| r.allocate_next().unwrap().ip).collect();
    let restored =
        IpAllocator::from_snapshot(&r.snapshot().unwrap(), IpAllocatorKind::Bitmap, 1).unwrap();
    assert_eq!((restored.free(), restored.used()), (126, 128));
    assert!(taken.iter().all(|&a| restored.has(a)));
    assert_eq!(
        RestoreError::MismatchedNetwork.to_string(),
        "the provided network does not match the current range"
    );
}

/// `TestClusterIPMetrics`: gauges, and counters by scope (errors: taken addresses asked for
/// again, and dynamic requests past full). The gauges here read 0 until the first success
/// (docs/fidelity.md).
#[test]
fn metrics_count_as_upstream_counts() {
    let mut a = bitmap("10.0.0.0/24");
    let mut b = bitmap("2001:db8::/112");
    let first = a.allocate_next().unwrap().ip;
    let second = a.allocate_next().unwrap().ip;
    let m = a.metrics();
    assert_eq!(
        (m.available_ips, m.allocated_ips, m.allocation_total.total()),
        (252, 2, 2)
    );
    for taken in [first, second] {
        assert_eq!(a.allocate(taken), Err(IpAllocError::Allocated));
    }
    assert_eq!(a.metrics().allocation_errors_total.total(), 2);
    for taken in [first, second] {
        assert!(a.release(taken));
    }
    let m = a.metrics();
    assert_eq!(
        (m.available_ips, m.allocated_ips, m.allocation_total.total()),
        (254, 0, 2)
    );
    for _ in 0..264 {
        let _ = a.allocate_next();
        let _ = b.allocate_next();
    }
    // free, used, allocations, errors.
    let counts = |r: &IpAllocator| {
        let m = r.metrics();
        let total = |c: ByScope| c.total();
        (
            m.available_ips,
            m.allocated_ips,
            total(m.allocation_total),
            total(m.allocation_errors_total),
        )
    };
    assert_eq!(counts(&a), (0, 254, 256, 12));
    assert_eq!(
        counts(&b),
        (65_271, 264, 264, 0),
        "an IPv6 range is cut to 2^16 and keeps its last address"
    );
}

/// `Test_calculateRangeOffset`.
#[test]
fn calculate_range_offset() {
    for (range, want) in [
        ("192.168.1.1/32", 0),
        ("fd00::1/128", 0),
        ("192.168.1.1/30", 0),
        ("fd00::1/126", 0),
        ("192.168.1.1/28", 0),
        ("192.168.1.1/27", 16),
        ("fd00::1/124", 0),
        ("fd00::1/122", 16),
        ("192.168.1.1/22", 64),
        ("fd00::1/118", 64),
        ("192.168.1.1/8", 256),
        ("fd00::1/12", 256),
    ] {
        assert_eq!(ip_static_band_size(cidr(range)), want, "{range}");
    }
}

/// The addresses each allocator hands out: the bitmap's (`bitmap.go` `New`: IPv6 cut to 2^16,
/// IPv4's broadcast address kept back) and the IPAddress allocator's (`hostsPerNetwork`).
#[test]
fn usable_addresses_per_allocator() {
    for (range, bitmap_size, ipaddress_size) in [
        ("10.96.0.0/12", 1_048_574, 1_048_574),
        ("10.0.0.0/24", 254, 254),
        ("192.168.1.0/31", 0, 0),
        ("192.168.1.0/32", 0, 0),
        ("fd00:10:96::/112", 65_535, 65_535),
        ("fd00:10:96::/108", 65_535, 1_048_575),
        ("fd00::/64", 65_535, u64::MAX),
        ("fd00::/127", 1, 1),
        ("0.0.0.0/1", 0, 2_147_483_646),
    ] {
        let c = cidr(range);
        assert_eq!(IpAllocatorKind::Bitmap.usable(c), bitmap_size, "{range}");
        assert_eq!(
            IpAllocatorKind::IpAddress.usable(c),
            ipaddress_size,
            "{range}"
        );
    }
}

/// `allocator_test.go` `Test_hostsPerNetwork` (the IPAddress allocator's addresses) and
/// `Test_broadcastAddress` (its last address: an IPv6 range keeps its all-ones address).
#[test]
fn the_ipaddress_allocators_sizes_and_last_addresses() {
    for (range, addresses) in [
        ("192.168.1.0/24", 254),
        ("192.168.1.0/32", 0),
        ("192.168.1.0/31", 0),
        ("0.0.0.0/1", i32::MAX as u64 - 1),
        ("0.0.0.0/0", u32::MAX as u64 - 1),
        ("2001:db2::/112", 65_535),
        ("2001:db8::/128", 0),
        ("2001:db8::/127", 1),
        ("2001:db8::/65", i64::MAX as u64),
        ("2001:db8::/64", u64::MAX),
        ("2001:db8::/12", u64::MAX),
    ] {
        let r = IpAllocator::new(cidr(range), IpAllocatorKind::IpAddress, 0);
        assert_eq!(r.size(), addresses, "{range}");
    }
    for (range, last) in [
        ("192.168.0.0/24", "192.168.0.254"),
        ("10.0.0.0/12", "10.15.255.254"),
        ("fd00:1:2:3::/64", "fd00:1:2:3:ffff:ffff:ffff:ffff"),
        ("00fc::/112", "fc::ffff"),
        ("fc00::/112", "fc00::ffff"),
    ] {
        let r = IpAllocator::new(cidr(range), IpAllocatorKind::IpAddress, 0);
        let band = r.bands().dynamic_band.unwrap();
        assert_eq!(
            band.last.to_string(),
            last,
            "{range}: IPv4 keeps its broadcast address back"
        );
    }
}

/// The bands of kubeadm's default range: kube-dns's 10.96.0.10 and the `kubernetes` Service's
/// 10.96.0.1 lie in the static band.
#[test]
fn the_default_range_keeps_its_well_known_addresses_static() {
    let r = IpAllocator::new(cidr("10.96.0.0/12"), IpAllocatorKind::IpAddress, 0);
    let bands = r.bands();
    let s = bands.static_band.unwrap();
    let d = bands.dynamic_band.unwrap();
    assert_eq!(
        (s.first.to_string(), s.last.to_string(), s.size),
        ("10.96.0.1".into(), "10.96.1.0".into(), 256)
    );
    assert_eq!(
        (d.first.to_string(), d.last.to_string(), d.size),
        ("10.96.1.1".into(), "10.111.255.254".into(), 1_048_318)
    );
    assert_eq!(r.band_of(ip("10.96.0.10")), Some(BandKind::Static));
    assert_eq!(r.band_of(ip("10.96.0.0")), None);
    assert_eq!(
        IpAllocError::NotInRange { ip: ip("10.112.0.1"), cidr: r.cidr() }.to_string(),
        "the provided IP (10.112.0.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12"
    );
}

/// A /64 under the IPAddress allocator: 2^64 − 1 addresses, kept as a set; the scan and the
/// bands behave as for a bitmap.
#[test]
fn a_huge_ipv6_range_allocates_and_releases() {
    let mut r = IpAllocator::new(cidr("fd00:10:96::/64"), IpAllocatorKind::IpAddress, 3);
    assert_eq!(r.size(), u64::MAX);
    assert_eq!(r.bands().static_band.unwrap().size, 256);
    let picks: Vec<Ip> = (0..1000).map(|_| r.allocate_next().unwrap().ip).collect();
    assert_eq!(picks.iter().collect::<HashSet<_>>().len(), 1000);
    assert!(picks
        .iter()
        .all(|&a| r.band_of(a) == Some(BandKind::Dynamic)));
    r.allocate(ip("fd00:10:96::a")).unwrap();
    assert_eq!(
        r.allocate(ip("fd00:10:96::a")),
        Err(IpAllocError::Allocated)
    );
    assert_eq!(r.used(), 1001);
    assert!(r.release(picks[0]));
    assert!(!r.has(picks[0]));
    assert_eq!(r.snapshot(), None);
    assert_eq!(r.iter().count(), 1000);
}

/// `::/64` holds `::ffff:0:0/96` as numbers, but an IPv4 address is not in an IPv6 range (Go's
/// `IPNet.Contains` compares the lengths of the address in its shortest form and the network's).
#[test]
fn an_ipv4_address_is_not_in_an_ipv6_range_around_the_mapped_block() {
    let mut r = IpAllocator::new(cidr("::/64"), IpAllocatorKind::IpAddress, 0);
    assert_eq!(r.offset_of(ip("10.0.0.1")), None);
    assert!(matches!(
        r.allocate(ip("10.0.0.1")),
        Err(IpAllocError::NotInRange { .. })
    ));
    assert!(!r.release(ip("10.0.0.1")));
    assert_eq!(
        r.offset_of(ip("::ffff:a00:1")),
        None,
        "the same address, written in hex"
    );
    assert_eq!(r.offset_of(ip("::fffe:a00:1")), Some(0xfffe_0a00_0000));
    r.allocate(ip("::fffe:a00:1")).unwrap();
    assert_eq!(r.used(), 1);
}

/// The last networks of each family build without overflow, and hand out nothing or their one
/// address.
#[test]
fn the_last_networks_of_each_family() {
    for (range, size) in [
        ("255.255.255.255/32", 0),
        ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", 0),
        ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127", 1),
    ] {
        let mut r = IpAllocator::new(cidr(range), IpAllocatorKind::IpAddress, 0);
        assert_eq!(r.size(), size, "{range}");
        assert_eq!(r.allocate_next().is_ok(), size == 1, "{range}");
    }
}

/// The flag as `completion.go` and `validation.go` read it.
#[test]
fn the_flag_is_read_as_the_apiserver_reads_it() {
    use IpAllocatorKind::{Bitmap, DualWrite, IpAddress};
    let ok = |value: &str, kind| ServiceCidrs::parse(value, kind).unwrap().to_string();
    let err = |value: &str, kind| ServiceCidrs::parse(value, kind).unwrap_err().to_string();
    assert_eq!(ok("10.96.0.0/12", Bitmap), "10.96.0.0/12");
    assert_eq!(
        ok("10.96.0.5/12,FD00:10:96::/108", Bitmap),
        "10.96.0.0/12,fd00:10:96::/108"
    );
    assert_eq!(ok("", Bitmap), "10.0.0.0/24");
    assert_eq!(ok("10.0.0.0/8", IpAddress), "10.0.0.0/8");
    assert_eq!(
        ServiceCidrs::parse("10.96.0.0/12", Bitmap)
            .unwrap()
            .kubernetes_service_ip()
            .to_string(),
        "10.96.0.1"
    );
    assert_eq!(
        err("10.96.0.0", Bitmap),
        "service-cluster-ip-range[0] is not a valid cidr"
    );
    assert_eq!(
        err(" 10.96.0.0/12", Bitmap),
        "service-cluster-ip-range[0] is not a valid cidr"
    );
    assert_eq!(
        err("10.96.0.0/12,", Bitmap),
        "service-cluster-ip-range[1] is not an ip net"
    );
    assert_eq!(
        err("10.0.0.0/30", Bitmap),
        "error determining service IP ranges for primary service cidr: the service cluster IP range must be at least 8 IP addresses"
    );
    assert_eq!(
        err("10.0.0.0/8", DualWrite),
        "specified --service-cluster-ip-range is too large; for 32-bit addresses, the mask must be >= 12"
    );
    assert_eq!(
        err("10.96.0.0/12,10.0.0.0/16", Bitmap),
        "--service-cluster-ip-range[0] and --service-cluster-ip-range[1] must be of different IP family"
    );
    assert_eq!(
        err("10.96.0.0/12,fd00::/64,10.0.0.0/16", Bitmap),
        "[--service-cluster-ip-range must not contain more than two entries, specified --service-cluster-ip-range[1] is too large; for 128-bit addresses, the mask must be >= 108]"
    );
    assert_eq!(
        err("fd00::/48", IpAddress),
        "shortest allowed prefix length for service CIDR is 64, got 48"
    );
}
