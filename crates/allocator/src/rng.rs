//! A small seedable random source whose sequence is part of portband's contract.
//!
//! Upstream draws from Go's time-seeded `math/rand`, which nothing can reproduce. portband instead
//! draws from SplitMix64 with Lemire's unbiased bounded integers, written out here rather than taken
//! from a crate so that a seed gives the same ports in every version: share links depend on it.

/// SplitMix64: a 64-bit state stepped by a Weyl sequence and mixed.
#[derive(Clone, Debug)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator whose whole sequence is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        Rng { state: seed }
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform integer in `0..bound` (Lemire's multiply-and-reject). `bound` must be positive.
    pub fn below(&mut self, bound: u32) -> u32 {
        debug_assert!(bound > 0);
        let bound = u64::from(bound);
        loop {
            let product = (self.next_u64() >> 32) * bound;
            let low = product & 0xFFFF_FFFF;
            // Reject the few low values that would over-represent some results.
            if low >= bound || low >= (1u64 << 32) % bound {
                return (product >> 32) as u32;
            }
        }
    }

    /// A uniform integer in `0..bound` for bounds past `u32` too (a /64's addresses); below
    /// 2^32 it is [`Rng::below`], so ports and small ranges draw the same sequence either way.
    pub fn below_u64(&mut self, bound: u64) -> u64 {
        if let Ok(small) = u32::try_from(bound) {
            return u64::from(self.below(small));
        }
        // Lemire's method on 64 bits: reject the low products below 2^64 mod bound.
        let threshold = bound.wrapping_neg() % bound;
        loop {
            let product = u128::from(self.next_u64()) * u128::from(bound);
            if product as u64 >= threshold {
                return (product >> 64) as u64;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Rng;

    #[test]
    fn same_seed_same_sequence() {
        let draw = |seed| {
            let mut rng = Rng::new(seed);
            (0..100).map(|_| rng.below(2682)).collect::<Vec<_>>()
        };
        assert_eq!(draw(7), draw(7));
        assert_ne!(draw(7), draw(8));
    }

    #[test]
    fn wide_bounds_draw_below_them_and_small_ones_as_below() {
        let (mut a, mut b) = (Rng::new(5), Rng::new(5));
        for _ in 0..100 {
            assert_eq!(a.below_u64(2682), u64::from(b.below(2682)));
        }
        let mut rng = Rng::new(9);
        let bound = (1u64 << 40) + 7;
        let draws: Vec<u64> = (0..1000).map(|_| rng.below_u64(bound)).collect();
        assert!(draws.iter().all(|&d| d < bound));
        assert!(
            draws.iter().any(|&d| d >= 1 << 39),
            "the upper half is reached"
        );
        assert!(rng.below_u64(u64::MAX) < u64::MAX);
    }

    /// The sequence is a contract (share links replay it): these values may never change.
    #[test]
    fn golden_values() {
        // SplitMix64's published first outputs for seed 0.
        let mut rng = Rng::new(0);
        let raw: Vec<u64> = (0..3).map(|_| rng.next_u64()).collect();
        assert_eq!(
            raw,
            [
                0xe220_a839_7b1d_cdaf,
                0x6e78_9e6a_a1b9_65f4,
                0x06c4_5d18_8009_454f
            ]
        );
        let draws = |seed, bound| {
            let mut rng = Rng::new(seed);
            (0..6).map(|_| rng.below(bound)).collect::<Vec<_>>()
        };
        assert_eq!(draws(0, 2682), [2369, 1157, 70, 2603, 285, 877]);
        assert_eq!(draws(1, 65536), [37130, 48875, 63635, 29121, 29115, 49997]);
        assert_eq!(draws(9_007_199_254_740_991, 17), [2, 3, 8, 4, 6, 16]);
    }

    #[test]
    fn stays_below_the_bound_and_reaches_every_value() {
        let mut rng = Rng::new(42);
        let mut seen = [false; 17];
        for _ in 0..2000 {
            let v = rng.below(17) as usize;
            seen[v] = true;
        }
        assert!(seen.iter().all(|&s| s));
        assert_eq!(Rng::new(1).below(1), 0);
    }

    #[test]
    fn roughly_uniform() {
        let mut rng = Rng::new(3);
        let mut counts = [0u32; 10];
        for _ in 0..100_000 {
            counts[rng.below(10) as usize] += 1;
        }
        assert!(
            counts.iter().all(|&c| (9_000..11_000).contains(&c)),
            "{counts:?}"
        );
    }
}
