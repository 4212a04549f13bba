//! The grid on a 2D canvas: its pixels, then marks over them.

use crate::pixels::{band_boundary, Layout};
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

/// The 2D context of `canvas`, if it has one.
pub fn context_2d(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
}

/// `canvas` sized to `layout` (its pixels, left alone when they already are: resizing clears a
/// canvas), and its 2D context.
pub fn fit(canvas: &HtmlCanvasElement, layout: &Layout) -> Option<CanvasRenderingContext2d> {
    let (width, height) = layout.size();
    if canvas.width() != width as u32 || canvas.height() != height as u32 {
        canvas.set_width(width as u32);
        canvas.set_height(height as u32);
    }
    context_2d(canvas)
}

/// A grid drawn on a canvas, `top` pixels from its top edge, for marks over its cells.
pub struct Marks<'a> {
    context: &'a CanvasRenderingContext2d,
    layout: &'a Layout,
    top: f64,
}

impl<'a> Marks<'a> {
    /// Puts the grid's `pixels` (from [`crate::paint`]) on the canvas, `top` pixels down.
    #[inline]
    pub fn put(
        context: &'a CanvasRenderingContext2d,
        layout: &'a Layout,
        pixels: &[u8],
        top: f64,
    ) -> Self {
        let (width, height) = layout.size();
        if let Ok(image) = ImageData::new_with_u8_clamped_array_and_sh(
            Clamped(pixels),
            width as u32,
            height as u32,
        ) {
            let _ = context.put_image_data(&image, 0.0, top);
        }
        Marks {
            context,
            layout,
            top,
        }
    }

    /// The width of a mark's line for this grid's cells.
    #[inline]
    pub fn line(&self) -> f64 {
        (self.layout.cell as f64 / 5.0).max(1.0)
    }

    /// A ring of `width` pixels in `colour` inside cell `index`.
    #[inline]
    pub fn ring(&self, index: usize, colour: &str, width: f64) {
        let (x, y) = self.layout.origin(index);
        let side = (self.layout.cell as f64 - width).max(1.0);
        self.context.set_stroke_style_str(colour);
        self.context.set_line_width(width);
        self.context.stroke_rect(
            x as f64 + width / 2.0,
            self.top + y as f64 + width / 2.0,
            side,
            side,
        );
    }

    /// A cross over cell `index` (a rejection's port), in the colour and width of the last ring.
    #[inline]
    pub fn cross(&self, index: usize) {
        let (x, y) = self.layout.origin(index);
        let (x, y, cell) = (x as f64, self.top + y as f64, self.layout.cell as f64);
        self.context.begin_path();
        self.context.move_to(x, y);
        self.context.line_to(x + cell, y + cell);
        self.context.move_to(x + cell, y);
        self.context.line_to(x, y + cell);
        self.context.stroke();
    }

    /// The fence between the static band (cells `0..split`) and the dynamic one.
    #[inline]
    pub fn fence(&self, split: usize) {
        let boundary = band_boundary(self.layout, split);
        if let Some(&(x, y)) = boundary.first() {
            self.context.set_stroke_style_str("#263238");
            self.context
                .set_line_width((self.layout.cell as f64 / 6.0).clamp(1.0, 3.0));
            self.context.begin_path();
            self.context.move_to(x, self.top + y);
            for &(x, y) in &boundary[1..] {
                self.context.line_to(x, self.top + y);
            }
            self.context.stroke();
        }
    }
}
