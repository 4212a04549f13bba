//! The port allocator: upstream's `PortAllocator` over an allocation bitmap with the band strategy.

use crate::banded::Banded;
use crate::bands::{Band, BandKind, Bands};
use crate::bitmap::Bitmap;
use crate::metrics::{Counters, Metrics, Scope};
use crate::range::{PortRange, RangeError};
use crate::rng::Rng;
use std::fmt;

/// How an allocator behaves beyond its range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Config {
    /// The KEP-3668 band split (feature gate `ServiceNodePortStaticSubrange`). `false` gives the
    /// behaviour before it: dynamic allocation picks from the whole range.
    pub static_subrange: bool,
    /// The seed of the random source; the same seed and the same operations give the same ports.
    pub seed: u64,
}

impl Default for Config {
    /// The band split on (as in every release since 1.29), seed 0.
    fn default() -> Self {
        Config {
            static_subrange: true,
            seed: 0,
        }
    }
}

/// Why an allocation failed; `Display` gives upstream's exact text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AllocError {
    /// The requested port lies outside the range (upstream `ErrNotInRange`).
    NotInRange(PortRange),
    /// The requested port is taken (upstream `ErrAllocated`).
    Allocated,
}

impl fmt::Display for AllocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AllocError::NotInRange(range) => write!(
                f,
                "provided port is not in the valid range. The range of valid ports is {range}"
            ),
            AllocError::Allocated => f.write_str("provided port is already allocated"),
        }
    }
}

impl std::error::Error for AllocError {}

/// Why a dynamic allocation failed, the one way it can: nothing is free (upstream `ErrFull`).
/// `Display` gives upstream's text; ports and cluster IPs share it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Full;

impl fmt::Display for Full {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("range is full")
    }
}

impl std::error::Error for Full {}

/// Why a snapshot could not be restored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RestoreError {
    /// The snapshot is of another range (upstream `ErrMismatchedNetwork`).
    MismatchedRange,
    /// The snapshot's range string does not parse.
    Range(RangeError),
    /// The snapshot's bitmap marks ports past the end of its range (upstream would take them silently).
    BitsBeyondRange,
    /// A cluster IP snapshot is of another network (upstream's IP `ErrMismatchedNetwork`).
    MismatchedNetwork,
    /// A cluster IP snapshot's range is not a CIDR (Go's `ParseCIDR` error).
    Cidr(String),
}

impl fmt::Display for RestoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RestoreError::MismatchedRange => {
                f.write_str("the provided port range does not match the current port range")
            }
            RestoreError::Range(e) => e.fmt(f),
            RestoreError::BitsBeyondRange => {
                f.write_str("the snapshot marks bits beyond the end of its range")
            }
            RestoreError::MismatchedNetwork => {
                f.write_str("the provided network does not match the current range")
            }
            RestoreError::Cidr(range) => write!(f, "invalid CIDR address: {range}"),
        }
    }
}

impl std::error::Error for RestoreError {}

/// An allocator's state in upstream's `RangeAllocation` format.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Snapshot {
    /// The range as upstream prints it, e.g. `30000-32767`.
    pub range: String,
    /// The bitmap as one big-endian unsigned integer, bit 0 = the first port, no leading zero bytes.
    pub data: Vec<u8>,
}

/// What a dynamic allocation chose, and how: with the band it names ([`Bands::get`]), enough to
/// explain the decision.
///
/// Eight bytes, so that `Result<Pick, Full>` comes back from [`PortAllocator::allocate_next`]
/// in a register: returned through memory, its reader waited on the allocator's narrower stores
/// (a third of a fill's time).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Pick {
    /// The port handed out.
    pub port: u16,
    /// The band the port lies in, which is the band the scan wrapped inside.
    pub band: BandKind,
    /// The randomly drawn port where the scan began, in the same band.
    pub scan_start: u16,
    /// How many taken ports the scan passed before it found `port` (wrapping inside the band;
    /// a band has at most 65,536 ports).
    pub skipped: u16,
}

// What the paragraph above relies on.
const _: () = assert!(std::mem::size_of::<Result<Pick, Full>>() == 8);

impl Pick {
    /// Whether the dynamic band was full, so the scan fell back to the static band.
    pub fn fell_back(self) -> bool {
        self.band == BandKind::Static
    }
}

/// Free and used ports (or addresses, counted in `u64`) of each band.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct BandUsage<N = u32> {
    /// Taken ports in the static band.
    pub static_used: N,
    /// Free ports in the static band.
    pub static_free: N,
    /// Taken ports in the dynamic band.
    pub dynamic_used: N,
    /// Free ports in the dynamic band.
    pub dynamic_free: N,
}

/// Where the next dynamic allocation can land, and how likely each port is.
///
/// Its random start is uniform over the band, but the scan that follows is not: a free port right
/// after `k` taken ones is reached from `k + 1` starts, so it is picked with probability
/// `(k + 1) / span.size()`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NextPick {
    /// The band the scan runs in (the dynamic one while it has room).
    pub span: Band,
    /// Each free port of the band, with the number of random starts that lead to it; they add up
    /// to the band's size.
    pub starts: Vec<(u16, u32)>,
}

/// kube-apiserver's NodePort allocator for one range.
///
/// Explicit requests ([`PortAllocator::allocate`]) may take any free port of the range.
/// Dynamic requests ([`PortAllocator::allocate_next`]) start at a random port of the dynamic band,
/// scan upwards with wrap-around inside it, and fall back to the static band only when the
/// dynamic band is full.
#[derive(Clone, Debug)]
pub struct PortAllocator {
    range: PortRange,
    bands: Bands,
    config: Config,
    taken: Banded<Bitmap>,
    rng: Rng,
    counters: Counters<u32>,
}

impl PortAllocator {
    /// An empty allocator over `range`.
    pub fn new(range: PortRange, config: Config) -> Self {
        let bands = if config.static_subrange {
            Bands::of(range)
        } else {
            Bands::with_static_size(range, 0)
        };
        PortAllocator::with_bands(range, bands, config)
    }

    /// An empty allocator with bands of the caller's choosing (upstream's bitmap tests use
    /// offsets the formula would not give).
    pub(crate) fn with_bands(range: PortRange, bands: Bands, config: Config) -> Self {
        PortAllocator {
            range,
            bands,
            config,
            taken: Banded::new(
                Bitmap::new(range.size()),
                u64::from(range.size()),
                u64::from(bands.static_size()),
            ),
            rng: Rng::new(config.seed),
            counters: Counters::default(),
        }
    }

    /// An allocator built from a snapshot (upstream `NewFromSnapshot`): the range is parsed from it.
    pub fn from_snapshot(snapshot: &Snapshot, config: Config) -> Result<Self, RestoreError> {
        let range = PortRange::parse(&snapshot.range).map_err(RestoreError::Range)?;
        let mut allocator = PortAllocator::new(range, config);
        allocator.restore(snapshot)?;
        Ok(allocator)
    }

    /// Starts the random source over from `seed` (the lab continues a prepared allocator with
    /// each trial's own seed).
    pub(crate) fn reseed(&mut self, seed: u64) {
        self.config.seed = seed;
        self.rng = Rng::new(seed);
    }

    /// The range this allocator hands out ports from.
    pub fn range(&self) -> PortRange {
        self.range
    }

    /// The bands the allocator works with (no static band in legacy mode).
    pub fn bands(&self) -> Bands {
        self.bands
    }

    /// The configuration the allocator was built with.
    pub fn config(&self) -> Config {
        self.config
    }

    /// Takes `port` if it is in range and free (upstream `Allocate`). The band split does not apply.
    pub fn allocate(&mut self, port: i64) -> Result<(), AllocError> {
        let result = match self.range.offset_of(port) {
            None => Err(AllocError::NotInRange(self.range)),
            Some(offset) if self.taken.take(u64::from(offset)) => Ok(()),
            Some(_) => Err(AllocError::Allocated),
        };
        self.counters.record(Scope::Static, result.is_ok());
        result
    }

    /// Takes a free port the way upstream's `AllocateNext` does, and tells how it was found:
    /// a random start in the dynamic band and a scan that wraps inside it, then, only if the
    /// dynamic band is full, the same in the static band.
    pub fn allocate_next(&mut self) -> Result<Pick, Full> {
        let Some(hit) = self.taken.take_next(&mut self.rng) else {
            self.counters.record(Scope::Dynamic, false);
            return Err(Full);
        };
        self.counters.record(Scope::Dynamic, true);
        // Offsets of a port range fit in u32, and a band's skipped count in u16.
        let port_at = |offset: u64| self.range.port_at(offset as u32);
        Ok(Pick {
            port: port_at(hit.found),
            band: hit.band(self.taken.split()),
            scan_start: port_at(hit.from),
            skipped: hit.skipped() as u16,
        })
    }

    /// Frees `port` (upstream `Release`): idempotent, and a no-op outside the range.
    /// Returns whether the port was taken.
    pub fn release(&mut self, port: i64) -> bool {
        let Some(offset) = self.range.offset_of(port) else {
            return false;
        };
        let was_taken = self.taken.release(u64::from(offset));
        self.counters.released();
        was_taken
    }

    /// Whether `port` is taken (false outside the range).
    pub fn has(&self, port: i64) -> bool {
        self.range
            .offset_of(port)
            .is_some_and(|offset| self.taken.store.get(offset))
    }

    /// The number of free ports.
    pub fn free(&self) -> u32 {
        self.range.size() - self.used()
    }

    /// The number of taken ports.
    pub fn used(&self) -> u32 {
        // A port range has at most 65,536 ports.
        self.taken.used() as u32
    }

    /// The taken ports in ascending order (upstream `ForEach`).
    pub fn iter(&self) -> impl Iterator<Item = u16> + '_ {
        self.taken
            .store
            .ones()
            .map(|offset| self.range.port_at(offset))
    }

    /// Free and used ports of each band.
    pub fn band_usage(&self) -> BandUsage {
        let static_size = self.bands.static_size();
        let static_used = self.taken.static_used() as u32;
        let dynamic_used = self.used() - static_used;
        BandUsage {
            static_used,
            static_free: static_size - static_used,
            dynamic_used,
            dynamic_free: self.bands.dynamic_size() - dynamic_used,
        }
    }

    /// The upstream metrics as they stand after every operation so far.
    pub fn metrics(&self) -> Metrics {
        let (allocated_ports, available_ports) = self.counters.gauges(self.used(), self.free());
        Metrics {
            allocated_ports,
            available_ports,
            allocation_total: self.counters.allocation_total,
            allocation_errors_total: self.counters.allocation_errors_total,
        }
    }

    /// The state in upstream's snapshot format.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            range: self.range.to_string(),
            data: self.taken.store.to_be_bytes(),
        }
    }

    /// Replaces the taken ports with a snapshot's (upstream `Restore`). The snapshot must be of the same range.
    pub fn restore(&mut self, snapshot: &Snapshot) -> Result<(), RestoreError> {
        if snapshot.range != self.range.to_string() {
            return Err(RestoreError::MismatchedRange);
        }
        let bitmap = Bitmap::from_be_bytes(self.range.size(), &snapshot.data)
            .map_err(|_| RestoreError::BitsBeyondRange)?;
        self.counters.restoring(self.used(), self.free());
        self.taken.replace(bitmap);
        Ok(())
    }

    /// Where the next [`PortAllocator::allocate_next`] can land, with each port's chance; `None`
    /// when the range is full.
    pub fn next_pick(&self) -> Option<NextPick> {
        let split = self.bands.static_size();
        let (lo, hi) = [(split, self.range.size()), (0, split)]
            .into_iter()
            .find(|&(lo, hi)| lo < hi && self.taken.store.count_in(lo, hi) < hi - lo)?;
        let free: Vec<u32> = self.taken.store.zeros_in(lo, hi).collect();
        let size = hi - lo;
        // The starts that reach a free port: itself and the taken run before it, back to the
        // free port before (the last one, for the first, as the scan wraps).
        let starts = free
            .iter()
            .enumerate()
            .map(|(i, &offset)| {
                let before = if i == 0 {
                    free[free.len() - 1]
                } else {
                    free[i - 1]
                };
                let gap = (offset + size - before - 1) % size;
                (self.range.port_at(offset), gap + 1)
            })
            .collect();
        Some(NextPick {
            span: Band {
                first: self.range.port_at(lo),
                last: self.range.port_at(hi - 1),
            },
            starts,
        })
    }
}
