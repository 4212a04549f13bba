//! Upstream's allocation map with an offset (`allocator.NewAllocationMapWithOffset`), shared by
//! node ports and cluster IPs: a store of taken offsets `0..size` split at `split` into a lower
//! static band and an upper dynamic band, and the scan that picks a free offset (a random start in
//! the dynamic band, wrapping inside it, then the same in the static band).

use crate::bands::BandKind;
use crate::bitmap::Bitmap;
use crate::rng::Rng;
use std::collections::BTreeSet;

/// Where taken offsets are kept.
pub(crate) trait Store {
    /// Whether offset `i` is taken.
    fn get(&self, i: u64) -> bool;
    /// Takes offset `i`; false if it already was.
    fn set(&mut self, i: u64) -> bool;
    /// Frees offset `i`; false if it already was free.
    fn clear(&mut self, i: u64) -> bool;
    /// The number of taken offsets in `lo..hi`.
    fn count_in(&self, lo: u64, hi: u64) -> u64;
    /// The first free offset of the band `lo..hi` from `lo + start`, wrapping around to `lo`.
    fn first_clear_wrapping(&self, lo: u64, hi: u64, start: u64) -> Option<u64>;
}

impl Store for Bitmap {
    #[inline]
    fn get(&self, i: u64) -> bool {
        Bitmap::get(self, i as u32)
    }

    #[inline]
    fn set(&mut self, i: u64) -> bool {
        Bitmap::set(self, i as u32)
    }

    #[inline]
    fn clear(&mut self, i: u64) -> bool {
        Bitmap::clear(self, i as u32)
    }

    #[inline]
    fn count_in(&self, lo: u64, hi: u64) -> u64 {
        u64::from(Bitmap::count_in(self, lo as u32, hi as u32))
    }

    #[inline(always)]
    fn first_clear_wrapping(&self, lo: u64, hi: u64, start: u64) -> Option<u64> {
        Bitmap::first_clear_wrapping(self, lo as u32, hi as u32, start as u32).map(u64::from)
    }
}

/// Taken offsets of a range too large for a bitmap (an IPv6 service CIDR under the IPAddress
/// allocator has up to 2^64 − 1 addresses), as a sorted set; a scan passes only taken offsets.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Sparse(BTreeSet<u64>);

impl Sparse {
    /// The first free offset of `lo..hi`: past the run of taken offsets that starts at `lo`.
    fn first_clear_in(&self, lo: u64, hi: u64) -> Option<u64> {
        let mut next = lo;
        for &taken in self.0.range(lo..hi) {
            if taken != next {
                break;
            }
            next += 1;
        }
        (next < hi).then_some(next)
    }

    /// The taken offsets in ascending order.
    pub fn ones(&self) -> impl Iterator<Item = u64> + '_ {
        self.0.iter().copied()
    }
}

impl Store for Sparse {
    fn get(&self, i: u64) -> bool {
        self.0.contains(&i)
    }

    fn set(&mut self, i: u64) -> bool {
        self.0.insert(i)
    }

    fn clear(&mut self, i: u64) -> bool {
        self.0.remove(&i)
    }

    fn count_in(&self, lo: u64, hi: u64) -> u64 {
        self.0.range(lo..hi).count() as u64
    }

    fn first_clear_wrapping(&self, lo: u64, hi: u64, start: u64) -> Option<u64> {
        let from = lo + start;
        self.first_clear_in(from, hi)
            .or_else(|| self.first_clear_in(lo, from))
    }
}

/// A free offset found by [`Banded::find_next`]: the band `lo..hi` it was found in, the random
/// start of the scan, and the offset itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Hit {
    pub lo: u64,
    pub hi: u64,
    pub from: u64,
    pub found: u64,
}

impl Hit {
    /// The band the offset lies in, for a map split at `split`.
    pub fn band(&self, split: u64) -> BandKind {
        if self.lo == split {
            BandKind::Dynamic
        } else {
            BandKind::Static
        }
    }

    /// How many taken offsets the scan passed, wrapping inside the band (no divide).
    pub fn skipped(&self) -> u64 {
        if self.found >= self.from {
            self.found - self.from
        } else {
            self.found + (self.hi - self.lo) - self.from
        }
    }
}

/// Taken offsets `0..size`, split at `split` into the static band below and the dynamic band.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Banded<S> {
    pub store: S,
    size: u64,
    split: u64,
    /// Counted here rather than by the store, so that an allocator whose store is one of several
    /// kinds reads it without asking which.
    used: u64,
}

impl<S: Store> Banded<S> {
    /// An empty map over `store`, which must be empty.
    pub fn new(store: S, size: u64, split: u64) -> Self {
        Banded {
            store,
            size,
            split,
            used: 0,
        }
    }

    /// The number of offsets.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The size of the static band.
    pub fn split(&self) -> u64 {
        self.split
    }

    /// The number of taken offsets.
    pub fn used(&self) -> u64 {
        self.used
    }

    /// The taken offsets of the static band: counted when asked for (it has at most 256), so
    /// that taking and freeing need not.
    pub fn static_used(&self) -> u64 {
        self.store.count_in(0, self.split)
    }

    /// Takes an offset below `size`; false if it already was taken.
    pub fn take(&mut self, offset: u64) -> bool {
        // A branch, not `used += u64::from(newly)`: rustc 1.95's MIR GVN dropped that addition
        // from `PortAllocator::allocate` in optimized builds (rust-lang/rust#158206, fixed in
        // 1.96.1). `scripts/test` runs this crate's tests optimized to catch the like.
        let newly = self.store.set(offset);
        if newly {
            self.used += 1;
        }
        newly
    }

    /// Frees an offset below `size`; false if it was free.
    pub fn release(&mut self, offset: u64) -> bool {
        let was_taken = self.store.clear(offset);
        if was_taken {
            self.used -= 1;
        }
        was_taken
    }

    /// Replaces the store (a restored snapshot) and counts it again.
    pub fn replace(&mut self, store: S) {
        self.used = store.count_in(0, self.size);
        self.store = store;
    }

    /// Takes a free offset as upstream's strategy finds one, drawing the scan's start from `rng`;
    /// `None` when every offset is taken.
    #[inline(always)]
    pub fn take_next(&mut self, rng: &mut Rng) -> Option<Hit> {
        if self.used >= self.size {
            return None;
        }
        let hit = self
            .scan(self.split, self.size, rng)
            .or_else(|| self.scan(0, self.split, rng))?;
        self.take(hit.found);
        Some(hit)
    }

    #[inline(always)]
    fn scan(&self, lo: u64, hi: u64, rng: &mut Rng) -> Option<Hit> {
        if lo >= hi {
            return None;
        }
        let from = lo + rng.below_u64(hi - lo);
        let found = self.store.first_clear_wrapping(lo, hi, from - lo)?;
        Some(Hit {
            lo,
            hi,
            from,
            found,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::{any, prop_assert_eq, prop_oneof, proptest, Just, Strategy};

    #[derive(Clone, Debug)]
    enum Op {
        Take(u64),
        Release(u64),
        Next,
    }

    fn ops(size: u64) -> impl Strategy<Value = Vec<Op>> {
        let op = prop_oneof![
            (0..size).prop_map(Op::Take),
            (0..size).prop_map(Op::Release),
            Just(Op::Next),
            Just(Op::Next),
        ];
        proptest::collection::vec(op, 0..400)
    }

    proptest! {
        /// The sorted set and the bitmap are the same map: every operation answers the same,
        /// and the scan finds the same offsets from the same random starts.
        #[test]
        fn the_sparse_store_behaves_as_the_bitmap(
            (size, split, ops) in (1u64..300).prop_flat_map(|size| (Just(size), 0..=size, ops(size))),
            seed in any::<u64>(),
        ) {
            let mut dense = Banded::new(Bitmap::new(size as u32), size, split);
            let mut sparse = Banded::new(Sparse::default(), size, split);
            let (mut rng_dense, mut rng_sparse) = (Rng::new(seed), Rng::new(seed));
            for op in ops {
                match op {
                    Op::Take(o) => prop_assert_eq!(dense.take(o), sparse.take(o)),
                    Op::Release(o) => prop_assert_eq!(dense.release(o), sparse.release(o)),
                    Op::Next => prop_assert_eq!(
                        dense.take_next(&mut rng_dense),
                        sparse.take_next(&mut rng_sparse)
                    ),
                }
                prop_assert_eq!(dense.used(), sparse.used());
                prop_assert_eq!(dense.static_used(), sparse.static_used());
            }
        }
    }

    #[test]
    fn a_full_map_has_nothing_next() {
        let mut map = Banded::new(Sparse::default(), 3, 1);
        let mut rng = Rng::new(1);
        for _ in 0..3 {
            let hit = map.take_next(&mut rng).unwrap();
            assert!(map.store.get(hit.found));
        }
        assert_eq!(map.take_next(&mut rng), None);
        assert_eq!(map.static_used(), 1);
    }
}
