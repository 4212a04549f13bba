//! The grid's geometry and pixels, free of the DOM so that they can be tested natively.

/// How the cells of a range are laid out: `columns` cells a row, each `cell` pixels square.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// The number of cells.
    pub count: usize,
    /// Cells per row.
    pub columns: usize,
    /// Rows.
    pub rows: usize,
    /// The side of a cell in canvas pixels (1 for large ranges: the canvas is then scaled by CSS).
    pub cell: usize,
}

impl Layout {
    /// The layout of `count` cells in a box of about `width` × `height` CSS pixels.
    pub fn fit(count: usize, width: usize, height: usize) -> Self {
        let count_f = count.max(1) as f64;
        let area = (width.max(1) * height.max(1)) as f64;
        let cell = ((area / count_f).sqrt().floor() as usize).clamp(1, 24);
        let columns = if cell > 1 {
            (width / cell).max(1)
        } else {
            (count_f * width as f64 / height.max(1) as f64)
                .sqrt()
                .ceil() as usize
        };
        let columns = columns.min(count.max(1));
        Layout {
            count,
            columns,
            rows: count.div_ceil(columns),
            cell,
        }
    }

    /// The layout for a box `width` CSS pixels wide: [`Layout::fit`] in a box of `height`, unless
    /// its cells would be smaller than `least` pixels, in which case they are `least` pixels and
    /// the grid grows as tall as it needs (its box scrolls).
    pub fn at_least(count: usize, width: usize, height: usize, least: usize) -> Self {
        let fitted = Layout::fit(count, width, height);
        if fitted.cell >= least {
            return fitted;
        }
        let columns = (width / least.max(1)).clamp(1, count.max(1));
        Layout {
            count,
            columns,
            rows: count.div_ceil(columns),
            cell: least,
        }
    }

    /// The canvas size in pixels.
    pub fn size(&self) -> (usize, usize) {
        (self.columns * self.cell, self.rows.max(1) * self.cell)
    }

    /// The cell at canvas pixel (x, y), if there is one.
    pub fn cell_at(&self, x: f64, y: f64) -> Option<usize> {
        if x < 0.0 || y < 0.0 {
            return None;
        }
        let (column, row) = ((x as usize) / self.cell, (y as usize) / self.cell);
        let index = row * self.columns + column;
        (column < self.columns && index < self.count).then_some(index)
    }

    /// The top-left canvas pixel of cell `index`.
    pub fn origin(&self, index: usize) -> (usize, usize) {
        (
            (index % self.columns) * self.cell,
            (index / self.columns) * self.cell,
        )
    }
}

/// The grid's colours (RGB; the pixels are RGBA, fully opaque).
pub mod palette {
    /// A colour.
    pub type Rgb = [u8; 3];
    /// A free port of the dynamic band.
    pub const FREE: Rgb = [0xe8, 0xec, 0xef];
    /// A free port of the static band (it also gets hatching when cells are large enough).
    pub const FREE_STATIC: Rgb = [0xd3, 0xdb, 0xe2];
    /// The hatching of the static band.
    pub const HATCH: Rgb = [0x9a, 0xa8, 0xb5];
    /// The dot that marks an explicit (user-written) nodePort.
    pub const DOT: Rgb = [0x1b, 0x1f, 0x23];
    /// The free port likeliest to be the next dynamic pick (likelier ports are shaded towards it
    /// from the free colour): the violet of the scan's rings.
    pub const PICK: Rgb = [0x7b, 0x2c, 0xbf];

    /// `from` shaded towards `to` by `weight` / 255.
    pub fn mix(from: Rgb, to: Rgb, weight: u8) -> Rgb {
        let (w, rest) = (u16::from(weight), 255 - u16::from(weight));
        std::array::from_fn(|i| ((u16::from(from[i]) * rest + u16::from(to[i]) * w) / 255) as u8)
    }
    /// Service colours: Okabe and Ito's palette, told apart with the common colour-vision deficiencies.
    pub const SERVICES: [Rgb; 7] = [
        [0xe6, 0x9f, 0x00],
        [0x56, 0xb4, 0xe9],
        [0x00, 0x9e, 0x73],
        [0xf0, 0xe4, 0x42],
        [0x00, 0x72, 0xb2],
        [0xd5, 0x5e, 0x00],
        [0xcc, 0x79, 0xa7],
    ];
    /// The colour of the Service with index `i`.
    pub fn service(i: usize) -> Rgb {
        SERVICES[i % SERVICES.len()]
    }
}

/// How a taken cell is painted: in the colour of the Service with this index in the cluster's
/// list, with a dot when a manifest wrote the port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paint {
    /// The Service's index (its colour).
    pub index: usize,
    /// Whether the port was written (explicit), not chosen by the allocator.
    pub explicit: bool,
}

/// Paints every cell into `pixels` (RGBA, the layout's size), reusing its allocation: the cells
/// `0..static_size` are the static band, `owner` says how a taken cell is painted, and `odds` how
/// strongly a free one is shaded as a likely next pick (0: not at all, 255: the likeliest).
pub fn paint(
    layout: &Layout,
    static_size: usize,
    owner: impl Fn(usize) -> Option<Paint>,
    odds: impl Fn(usize) -> u8,
    pixels: &mut Vec<u8>,
) {
    let (width, height) = layout.size();
    pixels.clear();
    // White, fully opaque: the gaps between cells.
    pixels.resize(width * height * 4, 0xff);
    let cell = layout.cell;
    let gap = usize::from(cell >= 4);
    let inner = cell - gap;
    for index in 0..layout.count {
        let in_static = index < static_size;
        let owner = owner(index);
        let base = match owner {
            Some(owner) => palette::service(owner.index),
            None if in_static => palette::mix(palette::FREE_STATIC, palette::PICK, odds(index)),
            None => palette::mix(palette::FREE, palette::PICK, odds(index)),
        };
        let hatch = in_static && owner.is_none() && cell >= 5;
        // An explicit port gets a dark dot in its middle, when the cell is large enough to show one.
        let dot = owner.is_some_and(|o| o.explicit) && cell >= 6;
        let (lo, hi) = (inner / 3, inner - inner / 3);
        let (x0, y0) = layout.origin(index);
        for dy in 0..inner {
            let row = ((y0 + dy) * width + x0) * 4;
            for dx in 0..inner {
                let colour = if dot && (lo..hi).contains(&dx) && (lo..hi).contains(&dy) {
                    palette::DOT
                } else if hatch && (dx + dy) % 4 == 0 {
                    palette::HATCH
                } else {
                    base
                };
                pixels[row + dx * 4..row + dx * 4 + 3].copy_from_slice(&colour);
            }
        }
    }
}

/// The boundary between the static band (cells `0..split`) and the rest, as a polyline in canvas
/// pixels; empty when there is no static band.
pub fn band_boundary(layout: &Layout, split: usize) -> Vec<(f64, f64)> {
    if split == 0 || split >= layout.count {
        return Vec::new();
    }
    let (c, r, cell) = (
        split % layout.columns,
        split / layout.columns,
        layout.cell as f64,
    );
    let (c, r, right) = (
        c as f64 * cell,
        r as f64 * cell,
        (layout.columns * layout.cell) as f64,
    );
    if c == 0.0 {
        vec![(0.0, r), (right, r)]
    } else {
        vec![(0.0, r + cell), (c, r + cell), (c, r), (right, r)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_fit_the_box() {
        let default = Layout::fit(2768, 640, 360);
        assert!(default.cell >= 8, "{default:?}");
        let (w, h) = default.size();
        assert!(w <= 640 && h <= 360 + default.cell, "{default:?}");
        assert!(default.columns * default.rows >= 2768);

        let huge = Layout::fit(65536, 640, 360);
        assert_eq!(huge.cell, 1);
        assert!(huge.columns * huge.rows >= 65536);
        let (w, h) = huge.size();
        let ratio = w as f64 / h as f64;
        assert!((1.5..2.1).contains(&ratio), "{huge:?}");

        let tiny = Layout::fit(1, 640, 360);
        assert_eq!((tiny.columns, tiny.rows), (1, 1));
        let empty = Layout::fit(0, 640, 360);
        assert_eq!(empty.rows, 0);
    }

    #[test]
    fn narrow_boxes_keep_cells_large_enough_to_tap() {
        // A phone's 340 px: the fitted cells would be 4 px; at least 8, in 42 columns.
        let phone = Layout::at_least(2768, 340, 400, 8);
        assert_eq!((phone.cell, phone.columns, phone.rows), (8, 42, 66));
        assert!(phone.size().0 <= 340);
        let huge = Layout::at_least(65536, 340, 400, 8);
        assert_eq!((huge.cell, huge.columns), (8, 42));
        assert_eq!(huge.rows, 65536usize.div_ceil(42));
        // Where cells are large enough, nothing changes.
        assert_eq!(
            Layout::at_least(2768, 720, 400, 8),
            Layout::fit(2768, 720, 400)
        );
    }

    #[test]
    fn cells_are_found_where_they_are_drawn() {
        let layout = Layout::fit(2768, 640, 360);
        for index in [0, 1, layout.columns, 2767] {
            let (x, y) = layout.origin(index);
            assert_eq!(layout.cell_at(x as f64 + 0.5, y as f64 + 0.5), Some(index));
        }
        let (w, _) = layout.size();
        assert_eq!(layout.cell_at(w as f64 + 1.0, 0.0), None);
        assert_eq!(layout.cell_at(-1.0, 0.0), None);
    }

    #[test]
    fn free_cells_are_shaded_by_their_odds_and_held_ones_are_not() {
        let layout = Layout {
            count: 4,
            columns: 4,
            rows: 1,
            cell: 2,
        };
        let held = |i| {
            (i == 3).then_some(Paint {
                index: 0,
                explicit: false,
            })
        };
        let mut pixels = Vec::new();
        paint(&layout, 1, held, |i| [0, 255, 128, 255][i], &mut pixels);
        // The first pixel of each cell (cells are 2 px wide with no gap at this size).
        let colour = |i: usize| -> [u8; 3] { pixels[i * 8..i * 8 + 3].try_into().unwrap() };
        assert_eq!(
            colour(0),
            palette::FREE_STATIC,
            "odds 0: the static band's free colour"
        );
        assert_eq!(colour(1), palette::PICK, "the likeliest: the pick colour");
        let half = colour(2);
        assert!((0..3)
            .all(|c| half[c].abs_diff(palette::FREE[c]) > 20
                && half[c].abs_diff(palette::PICK[c]) > 20));
        assert_eq!(
            colour(3),
            palette::service(0),
            "a held port keeps its Service's colour"
        );
    }

    #[test]
    fn boundary_follows_the_split() {
        let layout = Layout {
            count: 100,
            columns: 10,
            rows: 10,
            cell: 10,
        };
        assert_eq!(band_boundary(&layout, 0), vec![]);
        assert_eq!(band_boundary(&layout, 20), vec![(0.0, 20.0), (100.0, 20.0)]);
        assert_eq!(
            band_boundary(&layout, 23),
            vec![(0.0, 30.0), (30.0, 30.0), (30.0, 20.0), (100.0, 20.0)]
        );
    }
}
