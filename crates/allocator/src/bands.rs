//! The KEP-3668 split of a range into a lower "static" band and an upper "dynamic" band.

use crate::range::PortRange;
use std::fmt;

/// Ranges with at most this many ports get no static band.
pub const STATIC_BAND_THRESHOLD: u32 = 16;
/// The smallest static band of a range that has one.
pub const STATIC_BAND_MIN: u32 = 16;
/// The largest static band.
pub const STATIC_BAND_MAX: u32 = 128;
/// The static band is one port in this many.
pub const STATIC_BAND_STEP: u32 = 32;

/// The size of the static band for a range of `n` ports (upstream's `calculateRangeOffset`):
/// 0 when `n ≤ 16`, else clamp(⌊n/32⌋, 16, 128).
pub fn static_band_size(n: u32) -> u32 {
    if n <= STATIC_BAND_THRESHOLD {
        0
    } else {
        (n / STATIC_BAND_STEP).clamp(STATIC_BAND_MIN, STATIC_BAND_MAX)
    }
}

/// Which band a port lies in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BandKind {
    /// The lower band, kept for explicitly requested nodePorts; dynamic allocation uses it last.
    Static,
    /// The upper band, where dynamic allocation looks first.
    Dynamic,
}

impl BandKind {
    /// `"static"` or `"dynamic"`.
    pub fn as_str(self) -> &'static str {
        match self {
            BandKind::Static => "static",
            BandKind::Dynamic => "dynamic",
        }
    }
}

impl fmt::Display for BandKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One non-empty band: the ports `first..=last`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Band {
    /// The first port of the band.
    pub first: u16,
    /// The last port of the band (inclusive).
    pub last: u16,
}

impl Band {
    /// The number of ports in the band.
    pub fn size(self) -> u32 {
        u32::from(self.last) - u32::from(self.first) + 1
    }

    /// Whether `port` lies in the band.
    pub fn contains(self, port: i64) -> bool {
        (i64::from(self.first)..=i64::from(self.last)).contains(&port)
    }
}

impl fmt::Display for Band {
    /// `first–last (size)`, e.g. `30000–30085 (86)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}–{} ({})", self.first, self.last, self.size())
    }
}

/// The two bands of a range. Either may be absent: a range of at most 16 ports (or legacy mode)
/// has no static band, and the empty range has no dynamic band either.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Bands {
    /// The lower band, if the range has one.
    pub static_band: Option<Band>,
    /// The upper band, if the range is not empty.
    pub dynamic_band: Option<Band>,
}

impl Bands {
    /// The bands of `range` with a static band of `static_size` ports (at most the range's size).
    pub fn with_static_size(range: PortRange, static_size: u32) -> Self {
        let band = |from: u32, to: u32| {
            (from < to).then(|| Band {
                first: range.port_at(from),
                last: range.port_at(to - 1),
            })
        };
        let split = static_size.min(range.size());
        Bands {
            static_band: band(0, split),
            dynamic_band: band(split, range.size()),
        }
    }

    /// The KEP-3668 bands of `range`.
    pub fn of(range: PortRange) -> Self {
        Bands::with_static_size(range, static_band_size(range.size()))
    }

    /// The size of the static band (0 when there is none).
    pub fn static_size(&self) -> u32 {
        self.static_band.map_or(0, Band::size)
    }

    /// The size of the dynamic band (0 for the empty range).
    pub fn dynamic_size(&self) -> u32 {
        self.dynamic_band.map_or(0, Band::size)
    }

    /// The band of kind `kind`, if the range has one.
    pub fn get(&self, kind: BandKind) -> Option<Band> {
        match kind {
            BandKind::Static => self.static_band,
            BandKind::Dynamic => self.dynamic_band,
        }
    }

    /// The band `port` lies in, or `None` outside the range.
    pub fn band_of(&self, port: i64) -> Option<BandKind> {
        if self.static_band.is_some_and(|b| b.contains(port)) {
            Some(BandKind::Static)
        } else if self.dynamic_band.is_some_and(|b| b.contains(port)) {
            Some(BandKind::Dynamic)
        } else {
            None
        }
    }
}
