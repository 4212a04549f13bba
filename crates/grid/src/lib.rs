//! portband's band-split port grid, as the web app draws it and the JS module's `drawGrid` draws it
//! on a page's own canvas: one cell per port of the range, the static band hatched and fenced off,
//! each taken port in the colour of the Service that holds it.
//!
//! `pixels` is the geometry and the pixels, free of the DOM (tested natively); `canvas` puts the
//! pixels and the marks over them (rings, the fence) on a 2D canvas. Who holds each port is the
//! engine's to say (`portband-kube`'s `Cluster::holders`).

mod canvas;
mod pixels;

pub use canvas::{context_2d, fit, Marks};
pub use pixels::{band_boundary, paint, palette, Layout, Paint};
