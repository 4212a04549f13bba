//! The cluster IP allocator of one service CIDR (KEP-3070): upstream's bitmap `ipallocator.Range`
//! and the IPAddress allocator that replaced it, both over the allocation map with an offset.

use crate::allocator::{BandUsage, Full, RestoreError, Snapshot};
use crate::banded::{Banded, Sparse, Store};
use crate::bands::BandKind;
use crate::bitmap::Bitmap;
use crate::ip::{Cidr, Ip};
use crate::metrics::{ByScope, Counters, Scope};
use crate::rng::Rng;
use std::fmt;

/// Which of upstream's allocators hands out cluster IPs, as the Kubernetes release and its
/// feature gates choose: it decides how many addresses a CIDR offers and which CIDRs the
/// `--service-cluster-ip-range` flag accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IpAllocatorKind {
    /// The bitmap allocator, alone to 1.32 (`MultiCIDRServiceAllocator` off): IPv6 ranges are cut
    /// to their first 65,536 addresses.
    Bitmap,
    /// The IPAddress allocator, with the bitmap still written beside it (1.33:
    /// `MultiCIDRServiceAllocator` on, `DisableAllocatorDualWrite` off): the flag keeps the
    /// bitmap's size limit.
    DualWrite,
    /// The IPAddress allocator alone (from 1.34): no size limit but IPv6 prefixes of at least 64.
    IpAddress,
}

impl IpAllocatorKind {
    /// The addresses of `cidr` the allocator hands out: all but the network address and, for
    /// IPv4, the broadcast address (`bitmap.go`'s `New`, `allocator.go`'s `hostsPerNetwork`).
    pub fn usable(self, cidr: Cidr) -> u64 {
        let host_bits = cidr.host_bits();
        match self {
            IpAllocatorKind::Bitmap => {
                let mut max = range_size(cidr);
                if cidr.is_v6() {
                    max = max.min(1 << 16);
                } else {
                    max = max.saturating_sub(1);
                }
                max.saturating_sub(1)
            }
            IpAllocatorKind::DualWrite | IpAllocatorKind::IpAddress => {
                if host_bits >= 64 {
                    return u64::MAX;
                }
                let hosts = (1u64 << host_bits) - 1;
                if cidr.is_v6() {
                    hosts
                } else {
                    hosts.saturating_sub(1)
                }
            }
        }
    }
}

/// `k8s.io/utils/net`'s `RangeSize`: the addresses of a CIDR, capped at the largest int64, and 0
/// for IPv4 /0 and /1 and IPv6 /0 and /1 (its guard reads "31 host bits or more" as empty).
fn range_size(cidr: Cidr) -> u64 {
    let (host_bits, mask_bits) = (cidr.host_bits(), cidr.mask_bits());
    if (mask_bits == 32 && host_bits >= 31) || (mask_bits == 128 && host_bits >= 127) {
        0
    } else if host_bits >= 63 {
        i64::MAX as u64
    } else {
        1 << host_bits
    }
}

/// The size of the static band of a service CIDR (upstream `calculateRangeOffset`): 0 for a CIDR
/// of at most 16 addresses, else clamp(size/16, 16, 256).
pub fn ip_static_band_size(cidr: Cidr) -> u64 {
    let size = range_size(cidr);
    if size <= 16 {
        0
    } else {
        (size / 16).clamp(16, 256)
    }
}

/// Why an address could not be taken; `Display` gives upstream's exact text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IpAllocError {
    /// The address lies outside the usable addresses of the range (upstream `ErrNotInRange`).
    NotInRange {
        /// The address asked for.
        ip: Ip,
        /// The range.
        cidr: Cidr,
    },
    /// The address is taken (upstream `ErrAllocated`).
    Allocated,
}

impl fmt::Display for IpAllocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IpAllocError::NotInRange { ip, cidr } => write!(
                f,
                "the provided IP ({ip}) is not in the valid range. The range of valid IPs is {cidr}"
            ),
            IpAllocError::Allocated => f.write_str("provided IP is already allocated"),
        }
    }
}

impl std::error::Error for IpAllocError {}

/// A band of addresses: `first..=last`, `size` of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IpBand {
    /// The first address of the band.
    pub first: Ip,
    /// The last address of the band (inclusive).
    pub last: Ip,
    /// The number of addresses.
    pub size: u64,
}

/// The two bands of a service CIDR; either may be absent (a CIDR of at most 16 addresses has no
/// static band, one with no usable address has neither).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IpBands {
    /// The lower band, kept for `clusterIP`s written in manifests.
    pub static_band: Option<IpBand>,
    /// The upper band, where dynamic allocation looks first.
    pub dynamic_band: Option<IpBand>,
}

impl IpBands {
    /// The bands of `cidr`'s addresses as `kind` counts them (KEP-3070).
    pub fn of(cidr: Cidr, kind: IpAllocatorKind) -> Self {
        let size = kind.usable(cidr);
        let split = ip_static_band_size(cidr).min(size);
        let first = cidr.network().to_bits().wrapping_add(1);
        let band = |lo: u64, hi: u64| {
            (lo < hi).then(|| IpBand {
                first: Ip::from_bits(first.wrapping_add(u128::from(lo))),
                last: Ip::from_bits(first.wrapping_add(u128::from(hi - 1))),
                size: hi - lo,
            })
        };
        IpBands {
            static_band: band(0, split),
            dynamic_band: band(split, size),
        }
    }
}

/// What a dynamic allocation chose, and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IpPick {
    /// The address handed out.
    pub ip: Ip,
    /// The band it lies in.
    pub band: BandKind,
    /// The randomly drawn address where the scan began, in the same band.
    pub scan_start: Ip,
    /// How many taken addresses the scan passed, wrapping inside the band (the allocator's
    /// [`IpAllocator::bands`] has the band's ends).
    pub skipped: u64,
}

/// The four metrics kube-apiserver exports for a cluster IP allocator
/// (`kube_apiserver_clusterip_allocator_*`, labelled by CIDR), updated as upstream updates them;
/// the gauges read 0 until the first successful operation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IpMetrics {
    /// `kube_apiserver_clusterip_allocator_allocated_ips` (gauge).
    pub allocated_ips: u64,
    /// `kube_apiserver_clusterip_allocator_available_ips` (gauge).
    pub available_ips: u64,
    /// `kube_apiserver_clusterip_allocator_allocation_total{scope}` (counter).
    pub allocation_total: ByScope,
    /// `kube_apiserver_clusterip_allocator_allocation_errors_total{scope}` (counter).
    pub allocation_errors_total: ByScope,
}

/// Ranges up to this many addresses keep a bitmap (2 MiB); larger ones a sorted set.
const BITMAP_LIMIT: u64 = 1 << 24;

/// The taken addresses: a bitmap, or for a range too large for one, a sorted set.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Addresses {
    Bitmap(Bitmap),
    Sparse(Sparse),
}

impl Store for Addresses {
    fn get(&self, i: u64) -> bool {
        match self {
            Addresses::Bitmap(b) => Store::get(b, i),
            Addresses::Sparse(s) => s.get(i),
        }
    }

    fn set(&mut self, i: u64) -> bool {
        match self {
            Addresses::Bitmap(b) => Store::set(b, i),
            Addresses::Sparse(s) => s.set(i),
        }
    }

    fn clear(&mut self, i: u64) -> bool {
        match self {
            Addresses::Bitmap(b) => Store::clear(b, i),
            Addresses::Sparse(s) => s.clear(i),
        }
    }

    fn count_in(&self, lo: u64, hi: u64) -> u64 {
        match self {
            Addresses::Bitmap(b) => Store::count_in(b, lo, hi),
            Addresses::Sparse(s) => s.count_in(lo, hi),
        }
    }

    #[inline(always)]
    fn first_clear_wrapping(&self, lo: u64, hi: u64, start: u64) -> Option<u64> {
        match self {
            Addresses::Bitmap(b) => Store::first_clear_wrapping(b, lo, hi, start),
            Addresses::Sparse(s) => s.first_clear_wrapping(lo, hi, start),
        }
    }
}

/// kube-apiserver's cluster IP allocator for one service CIDR.
///
/// Explicit requests ([`IpAllocator::allocate`]) may take any free usable address. Dynamic ones
/// ([`IpAllocator::allocate_next`]) start at a random address of the upper (dynamic) band, scan
/// upwards with wrap-around inside it, and use the lower (static) band only when it is full.
#[derive(Clone, Debug)]
pub struct IpAllocator {
    cidr: Cidr,
    kind: IpAllocatorKind,
    /// The first usable address (offset 0) as a number.
    first: u128,
    bands: IpBands,
    taken: Banded<Addresses>,
    rng: Rng,
    counters: Counters<u64>,
}

impl IpAllocator {
    /// An empty allocator over `cidr`, as `kind` would hand out its addresses, with the seed of
    /// its random source.
    pub fn new(cidr: Cidr, kind: IpAllocatorKind, seed: u64) -> Self {
        let size = kind.usable(cidr);
        let store = if size <= BITMAP_LIMIT {
            Addresses::Bitmap(Bitmap::new(size as u32))
        } else {
            Addresses::Sparse(Sparse::default())
        };
        let bands = IpBands::of(cidr, kind);
        let split = bands.static_band.map_or(0, |b| b.size);
        IpAllocator {
            cidr,
            kind,
            first: cidr.network().to_bits().wrapping_add(1),
            bands,
            taken: Banded::new(store, size, split),
            rng: Rng::new(seed),
            counters: Counters::default(),
        }
    }

    /// The range.
    pub fn cidr(&self) -> Cidr {
        self.cidr
    }

    /// The allocator upstream uses for it.
    pub fn kind(&self) -> IpAllocatorKind {
        self.kind
    }

    /// The static and dynamic bands.
    pub fn bands(&self) -> IpBands {
        self.bands
    }

    /// Takes `ip` if it is a free usable address of the range (upstream `Allocate`).
    pub fn allocate(&mut self, ip: Ip) -> Result<(), IpAllocError> {
        let result = match self.offset_of(ip) {
            None => Err(IpAllocError::NotInRange {
                ip,
                cidr: self.cidr,
            }),
            Some(offset) if self.taken.take(offset) => Ok(()),
            Some(_) => Err(IpAllocError::Allocated),
        };
        self.counters.record(Scope::Static, result.is_ok());
        result
    }

    /// Takes a free address the way upstream's `AllocateNext` does, and tells how it was found.
    pub fn allocate_next(&mut self) -> Result<IpPick, Full> {
        let Some(hit) = self.taken.take_next(&mut self.rng) else {
            self.counters.record(Scope::Dynamic, false);
            return Err(Full);
        };
        self.counters.record(Scope::Dynamic, true);
        Ok(IpPick {
            ip: self.address_at(hit.found),
            band: hit.band(self.taken.split()),
            scan_start: self.address_at(hit.from),
            skipped: hit.skipped(),
        })
    }

    /// Frees `ip` (upstream `Release`): idempotent, a no-op outside the range. Returns whether
    /// the address was taken.
    pub fn release(&mut self, ip: Ip) -> bool {
        let Some(offset) = self.offset_of(ip) else {
            return false;
        };
        let was_taken = self.taken.release(offset);
        self.counters.released();
        was_taken
    }

    /// Whether `ip` is taken (false outside the range).
    pub fn has(&self, ip: Ip) -> bool {
        self.offset_of(ip)
            .is_some_and(|offset| self.taken.store.get(offset))
    }

    /// The band `ip` lies in, or `None` when it is not a usable address of the range.
    pub fn band_of(&self, ip: Ip) -> Option<BandKind> {
        let offset = self.offset_of(ip)?;
        Some(if offset < self.taken.split() {
            BandKind::Static
        } else {
            BandKind::Dynamic
        })
    }

    /// The number of usable addresses.
    pub fn size(&self) -> u64 {
        self.taken.size()
    }

    /// The number of taken addresses.
    pub fn used(&self) -> u64 {
        self.taken.used()
    }

    /// The number of free addresses.
    pub fn free(&self) -> u64 {
        self.taken.size() - self.taken.used()
    }

    /// The taken addresses in ascending order (upstream `ForEach`).
    pub fn iter(&self) -> Box<dyn Iterator<Item = Ip> + '_> {
        match &self.taken.store {
            Addresses::Bitmap(b) => Box::new(b.ones().map(|o| self.address_at(u64::from(o)))),
            Addresses::Sparse(s) => Box::new(s.ones().map(|o| self.address_at(o))),
        }
    }

    /// Free and used addresses of each band.
    pub fn band_usage(&self) -> BandUsage<u64> {
        let split = self.taken.split();
        let static_used = self.taken.static_used();
        let dynamic_used = self.used() - static_used;
        BandUsage {
            static_used,
            static_free: split - static_used,
            dynamic_used,
            dynamic_free: self.taken.size() - split - dynamic_used,
        }
    }

    /// The upstream metrics as they stand after every operation so far.
    pub fn metrics(&self) -> IpMetrics {
        let (allocated_ips, available_ips) = self.counters.gauges(self.used(), self.free());
        IpMetrics {
            allocated_ips,
            available_ips,
            allocation_total: self.counters.allocation_total,
            allocation_errors_total: self.counters.allocation_errors_total,
        }
    }

    /// The state in upstream's `RangeAllocation` form, for a range kept in a bitmap (upstream's
    /// bitmap allocator's ranges always are); `None` for a range of more than 2^24 addresses,
    /// which only the IPAddress allocator accepts and which it keeps as objects, not a bitmap.
    pub fn snapshot(&self) -> Option<Snapshot> {
        match &self.taken.store {
            Addresses::Bitmap(b) => Some(Snapshot {
                range: self.cidr.to_string(),
                data: b.to_be_bytes(),
            }),
            Addresses::Sparse(_) => None,
        }
    }

    /// Replaces the taken addresses with a snapshot's (upstream `Restore`); the snapshot must be
    /// of the same network.
    pub fn restore(&mut self, snapshot: &Snapshot) -> Result<(), RestoreError> {
        let cidr = Cidr::parse(&snapshot.range)
            .ok_or_else(|| RestoreError::Cidr(snapshot.range.clone()))?;
        if cidr != self.cidr {
            return Err(RestoreError::MismatchedNetwork);
        }
        let bitmap = Bitmap::from_be_bytes(self.taken.size() as u32, &snapshot.data)
            .ok()
            .filter(|_| matches!(self.taken.store, Addresses::Bitmap(_)))
            .ok_or(RestoreError::BitsBeyondRange)?;
        self.counters.restoring(self.used(), self.free());
        self.taken.replace(Addresses::Bitmap(bitmap));
        Ok(())
    }

    /// An allocator built from a snapshot (upstream `NewFromSnapshot`): the CIDR is parsed from it.
    pub fn from_snapshot(
        snapshot: &Snapshot,
        kind: IpAllocatorKind,
        seed: u64,
    ) -> Result<Self, RestoreError> {
        let cidr = Cidr::parse(&snapshot.range)
            .ok_or_else(|| RestoreError::Cidr(snapshot.range.clone()))?;
        let mut allocator = IpAllocator::new(cidr, kind, seed);
        allocator.restore(snapshot)?;
        Ok(allocator)
    }

    /// The offset of a usable address (the first usable address, after the network's, is 0), or
    /// `None` for any other address.
    pub fn offset_of(&self, ip: Ip) -> Option<u64> {
        let offset = ip.to_bits().wrapping_sub(self.first);
        // An IPv4 range's addresses are all IPv4 (IPv4-mapped, as numbers); an IPv6 range's
        // numbers can take in IPv4 ones (`::/64` holds `::ffff:0:0/96`).
        (offset < u128::from(self.taken.size()) && (!self.cidr.is_v6() || ip.is_v6()))
            .then_some(offset as u64)
    }

    /// The usable address at `offset` (below [`IpAllocator::size`]).
    pub fn address_at(&self, offset: u64) -> Ip {
        Ip::from_bits(self.first.wrapping_add(u128::from(offset)))
    }

    /// How many of the addresses at offsets `lo..hi` are taken.
    pub fn taken_in(&self, lo: u64, hi: u64) -> u64 {
        let hi = hi.min(self.size());
        if lo >= hi {
            0
        } else {
            self.taken.store.count_in(lo, hi)
        }
    }
}
