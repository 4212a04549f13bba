//! A fixed-length bitmap on 64-bit words: bit k set means offset k is taken.

const WORD: u32 = u64::BITS;

/// Bits `0..len`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Bitmap {
    words: Vec<u64>,
    len: u32,
}

/// A snapshot's bytes set a bit at or beyond the bitmap's length.
#[derive(Debug)]
pub(crate) struct BitsBeyondLength;

impl Bitmap {
    /// An empty bitmap of `len` bits.
    pub fn new(len: u32) -> Self {
        Bitmap {
            words: vec![0; len.div_ceil(WORD) as usize],
            len,
        }
    }

    /// Whether bit `i` is set. `i` must be below the length.
    pub fn get(&self, i: u32) -> bool {
        self.words[(i / WORD) as usize] & (1 << (i % WORD)) != 0
    }

    /// Sets bit `i`; false if it was already set.
    pub fn set(&mut self, i: u32) -> bool {
        let (word, mask) = (&mut self.words[(i / WORD) as usize], 1 << (i % WORD));
        let was_clear = *word & mask == 0;
        *word |= mask;
        was_clear
    }

    /// Clears bit `i`; false if it was already clear.
    pub fn clear(&mut self, i: u32) -> bool {
        let (word, mask) = (&mut self.words[(i / WORD) as usize], 1 << (i % WORD));
        let was_set = *word & mask != 0;
        *word &= !mask;
        was_set
    }

    /// The number of set bits in `lo..hi`.
    pub fn count_in(&self, lo: u32, hi: u32) -> u32 {
        self.words_in(lo, hi)
            .map(|(_, word, keep)| (word & keep).count_ones())
            .sum()
    }

    /// The first clear bit in `lo..hi`, scanning a word at a time: only the first word needs a
    /// mask (its bits below `lo` count as taken), and a bit found past `hi` means none.
    #[inline(always)]
    pub fn first_clear_in(&self, lo: u32, hi: u32) -> Option<u32> {
        if lo >= hi {
            return None;
        }
        let (mut w, last) = ((lo / WORD) as usize, ((hi - 1) / WORD) as usize);
        let mut free = !(self.words[w] | ((1u64 << (lo % WORD)) - 1));
        loop {
            if free != 0 {
                let found = w as u32 * WORD + free.trailing_zeros();
                return (found < hi).then_some(found);
            }
            if w == last {
                return None;
            }
            w += 1;
            free = !self.words[w];
        }
    }

    /// The first clear bit in the band `lo..hi`, starting at `lo + start` and wrapping around to `lo`:
    /// the same bit upstream's bit-by-bit scan `lo + (start + i) mod (hi - lo)` finds first.
    #[inline(always)]
    pub fn first_clear_wrapping(&self, lo: u32, hi: u32, start: u32) -> Option<u32> {
        let from = lo + start;
        self.first_clear_in(from, hi)
            .or_else(|| self.first_clear_in(lo, from))
    }

    /// The words that cover `lo..hi`, as (word index, word, mask of the bits that lie in `lo..hi`).
    fn words_in(&self, lo: u32, hi: u32) -> impl Iterator<Item = (u32, u64, u64)> + '_ {
        let (first, last) = (lo / WORD, hi.saturating_sub(1) / WORD);
        (first..=last).filter(move |_| lo < hi).map(move |w| {
            let mut keep = !0u64;
            if w == first {
                keep &= !0 << (lo % WORD);
            }
            if w == last && hi % WORD != 0 {
                keep &= !(!0 << (hi % WORD));
            }
            (w, self.words[w as usize], keep)
        })
    }

    /// The set bits in ascending order.
    pub fn ones(&self) -> impl Iterator<Item = u32> + '_ {
        self.words
            .iter()
            .enumerate()
            .flat_map(|(w, &word)| bits_of(w as u32, word))
    }

    /// The clear bits of `lo..hi` in ascending order, a word at a time.
    pub fn zeros_in(&self, lo: u32, hi: u32) -> impl Iterator<Item = u32> + '_ {
        self.words_in(lo, hi)
            .flat_map(|(w, word, keep)| bits_of(w, !word & keep))
    }

    /// The bitmap read as one big unsigned integer (bit 0 least significant), in big-endian bytes
    /// with leading zero bytes dropped: Go's `big.Int.Bytes()`, upstream's snapshot format.
    pub fn to_be_bytes(&self) -> Vec<u8> {
        let bytes: Vec<u8> = self
            .words
            .iter()
            .rev()
            .flat_map(|w| w.to_be_bytes())
            .collect();
        let leading_zeros = bytes.iter().take_while(|&&b| b == 0).count();
        bytes[leading_zeros..].to_vec()
    }

    /// The inverse of [`Bitmap::to_be_bytes`] for a bitmap of `len` bits. Leading zero bytes are allowed.
    pub fn from_be_bytes(len: u32, bytes: &[u8]) -> Result<Self, BitsBeyondLength> {
        let mut map = Bitmap::new(len);
        for (i, &byte) in bytes.iter().rev().enumerate() {
            if byte == 0 {
                continue;
            }
            let bit = u64::try_from(i).map_or(u64::MAX, |i| i * 8);
            if bit + u64::from(8 - byte.leading_zeros()) > u64::from(len) {
                return Err(BitsBeyondLength);
            }
            let bit = bit as u32;
            map.words[(bit / WORD) as usize] |= u64::from(byte) << (bit % WORD);
        }
        Ok(map)
    }
}

/// The indices of the set bits of `word`, the `w`-th word, in ascending order.
fn bits_of(w: u32, word: u64) -> impl Iterator<Item = u32> {
    std::iter::successors((word != 0).then_some(word), |&rest| {
        let rest = rest & (rest - 1);
        (rest != 0).then_some(rest)
    })
    .map(move |rest| w * WORD + rest.trailing_zeros())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Upstream's scan, one bit at a time: `lo + (start + i) mod (hi - lo)` for i = 0, 1, …
    fn reference_scan(map: &Bitmap, lo: u32, hi: u32, start: u32) -> Option<u32> {
        let size = hi - lo;
        (0..size)
            .map(|i| lo + (start + i) % size)
            .find(|&bit| !map.get(bit))
    }

    fn bitmap_from(len: u32, taken: &[bool]) -> Bitmap {
        let mut map = Bitmap::new(len);
        for (i, _) in taken.iter().enumerate().filter(|(_, &t)| t) {
            map.set(i as u32);
        }
        map
    }

    /// A bitmap of up to 700 bits, dense or sparse, with a band and a start inside it.
    fn scan_case() -> impl Strategy<Value = (Bitmap, u32, u32, u32)> {
        (1u32..700, 0.0f64..=1.0)
            .prop_flat_map(|(len, density)| {
                (
                    Just(len),
                    proptest::collection::vec(proptest::bool::weighted(density), len as usize),
                    0..len,
                    0..len,
                )
            })
            .prop_flat_map(|(len, taken, a, b)| {
                let (lo, hi) = (a.min(b), a.max(b) + 1);
                (
                    Just(bitmap_from(len, &taken)),
                    Just(lo),
                    Just(hi),
                    0..hi - lo,
                )
            })
    }

    proptest! {
        #[test]
        fn word_scan_picks_what_the_bit_scan_picks((map, lo, hi, start) in scan_case()) {
            prop_assert_eq!(map.first_clear_wrapping(lo, hi, start), reference_scan(&map, lo, hi, start));
        }

        #[test]
        fn count_in_matches_bit_count((map, lo, hi, _start) in scan_case()) {
            let expected = (lo..hi).filter(|&i| map.get(i)).count() as u32;
            prop_assert_eq!(map.count_in(lo, hi), expected);
        }

        #[test]
        fn bytes_round_trip((map, _lo, _hi, _start) in scan_case()) {
            let bytes = map.to_be_bytes();
            prop_assert!(bytes.first() != Some(&0));
            let back = Bitmap::from_be_bytes(map.len, &bytes).unwrap();
            prop_assert_eq!(back, map);
        }
    }

    #[test]
    fn bytes_are_big_endian_with_bit_zero_least_significant() {
        let mut map = Bitmap::new(201);
        assert!(map.to_be_bytes().is_empty());
        map.set(0);
        map.set(9);
        assert_eq!(map.to_be_bytes(), vec![0x02, 0x01]);
        map.set(200);
        assert_eq!(map.to_be_bytes().len(), 26);
        assert_eq!(map.to_be_bytes()[0], 0x01);
    }

    #[test]
    fn from_bytes_rejects_bits_past_the_end() {
        assert!(Bitmap::from_be_bytes(9, &[0x01, 0xff]).is_ok());
        assert!(Bitmap::from_be_bytes(9, &[0x02, 0xff]).is_err());
        assert!(Bitmap::from_be_bytes(8, &[0, 0, 0, 0xff]).is_ok());
    }

    #[test]
    fn ones_ascend() {
        let mut map = Bitmap::new(300);
        for i in [299, 0, 64, 63, 128] {
            map.set(i);
        }
        assert_eq!(map.ones().collect::<Vec<_>>(), vec![0, 63, 64, 128, 299]);
        assert_eq!(map.count_in(0, 300), 5);
        assert!(map.clear(64));
        assert!(!map.clear(64));
        assert_eq!(map.count_in(0, 300), 4);
    }

    #[test]
    fn scan_of_full_band_finds_nothing() {
        let mut map = Bitmap::new(130);
        for i in 0..130 {
            map.set(i);
        }
        map.clear(5);
        assert_eq!(map.first_clear_wrapping(10, 130, 17), None);
        assert_eq!(map.first_clear_wrapping(0, 10, 7), Some(5));
    }
}
