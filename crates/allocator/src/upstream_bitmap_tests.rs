//! Upstream's `pkg/registry/core/service/allocator/bitmap_test.go` tables, run through the allocator over the
//! range `0..max` with the tables' own static band sizes.

use crate::{Bands, Config, PortAllocator, PortRange};

/// (name, max, static band size) of the five configurations most tests run over.
const CONFIGURATIONS: [(&str, u32, u32); 5] = [
    ("NewAllocationMap", 32, 0),
    ("NewAllocationMapWithOffset max < 16", 8, 0),
    ("NewAllocationMapWithOffset max > 16", 128, 16),
    ("NewAllocationMapWithOffset max > 256", 1024, 64),
    ("NewAllocationMapWithOffset max value", 65535, 256),
];

fn bitmap(max: u32, reserved: u32, seed: u64) -> PortAllocator {
    let range = PortRange::new(0, max).unwrap();
    let config = Config {
        seed,
        ..Config::default()
    };
    PortAllocator::with_bands(range, Bands::with_static_size(range, reserved), config)
}

fn for_each_configuration(test: impl Fn(&str, PortAllocator, u32)) {
    for (name, max, reserved) in CONFIGURATIONS {
        test(name, bitmap(max, reserved, 11), max);
    }
}

#[test]
fn allocate() {
    for_each_configuration(|name, mut map, max| {
        map.allocate_next().unwrap();
        assert_eq!(map.used(), 1, "{name}");
        assert_eq!(map.free(), max - 1, "{name}");
    });
}

#[test]
fn allocate_max() {
    for_each_configuration(|name, mut map, max| {
        for k in 0..max {
            map.allocate(i64::from(k))
                .unwrap_or_else(|e| panic!("{name}: {k}: {e}"));
        }
        assert!(map.allocate_next().is_err(), "{name}");
        let past = map.allocate(i64::from(max)).unwrap_err();
        assert!(
            past.to_string()
                .starts_with("provided port is not in the valid range"),
            "{name}"
        );
        assert_eq!(map.free(), 0, "{name}");
    });
}

#[test]
fn allocate_next_max() {
    for_each_configuration(|name, mut map, max| {
        for _ in 0..max {
            map.allocate_next()
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        assert!(map.allocate_next().is_err(), "{name}");
        assert_eq!(map.free(), 0, "{name}");
    });
}

#[test]
fn allocate_error() {
    for_each_configuration(|name, mut map, _| {
        map.allocate(3).unwrap();
        assert_eq!(
            map.allocate(3).unwrap_err().to_string(),
            "provided port is already allocated",
            "{name}"
        );
    });
}

#[test]
fn release() {
    for_each_configuration(|name, mut map, _| {
        map.allocate(3).unwrap();
        assert!(map.has(3), "{name}");
        assert!(map.release(3), "{name}");
        assert!(!map.has(3), "{name}");
    });
}

#[test]
fn for_each() {
    let sets: [&[u16]; 4] = [&[], &[0], &[0, 2, 5], &[0, 1, 2, 3, 4, 5, 6, 7]];
    for set in sets {
        for_each_configuration(|name, mut map, _| {
            for &port in set {
                map.allocate(i64::from(port)).unwrap();
            }
            assert_eq!(map.iter().collect::<Vec<_>>(), set, "{name}");
        });
    }
}

#[test]
fn snapshot_and_restore_ignores_max() {
    // Upstream restores into a map of another size when the spec string matches; here the range
    // string is the spec, so the check is: the same range, another static band, restores fine.
    let mut map = bitmap(10, 0, 1);
    map.allocate(3).unwrap();
    let snapshot = map.snapshot();
    let mut other = bitmap(10, 2, 2);
    other.restore(&snapshot).unwrap();
    assert_eq!(other.used(), 1);
    assert!(other.has(3));
}

#[test]
fn allocate_max_reserved() {
    for seed in 0..20 {
        let mut map = bitmap(128, 16, seed);
        for _ in 0..112 {
            map.allocate_next().unwrap();
        }
        assert_eq!(map.free(), 16);
        assert!(
            (0..16).all(|k| !map.has(k)),
            "seed {seed}: a dynamic port landed in the static band"
        );
        let pick = map.allocate_next().unwrap();
        assert!(pick.port < 16 && pick.fell_back());
        assert_eq!((map.used(), map.free()), (113, 15));
    }
}

#[test]
fn pre_allocate_reserved_full() {
    let mut map = bitmap(128, 16, 5);
    for k in (16..128).chain(0..15) {
        map.allocate(k).unwrap();
    }
    assert_eq!(map.free(), 1);
    assert!(!map.has(15));
    assert_eq!(map.allocate_next().unwrap().port, 15);
    assert_eq!(map.free(), 0);
    assert!(map.allocate_next().is_err());
    assert_eq!(map.used(), 128);
}

#[test]
fn allocate_uniqueness() {
    for seed in 0..20 {
        let mut map = bitmap(128, 16, seed);
        let mut ports: Vec<u16> = (0..128)
            .map(|_| map.allocate_next().unwrap().port)
            .collect();
        ports.sort_unstable();
        ports.dedup();
        assert_eq!(ports.len(), 128, "seed {seed}: duplicates handed out");
    }
}
