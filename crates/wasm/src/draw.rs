//! `drawGrid`: the band-split grid on a page's own canvas, drawn as the web app draws it (the
//! pixels and marks of `portband-grid`), with the bands named above it.

use crate::cluster::Cluster;
use crate::error::plain_error;
use crate::options;
use portband_grid::{context_2d, paint, Layout, Marks, Paint};
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

/// The band names' line above the grid, in canvas pixels.
const LABELS: f64 = 22.0;

/// Options of `drawGrid`.
#[derive(Default, Deserialize)]
struct DrawOptions {
    at: Option<f64>,
    highlight: Option<String>,
}

#[wasm_bindgen(inline_js = r#"
export function locator(first, columns, cell, top, count) {
  return (x, y) => {
    const column = Math.floor(x / cell), row = Math.floor((y - top) / cell), index = row * columns + column;
    return x >= 0 && y >= top && column < columns && index < count ? first + index : null;
  };
}
"#)]
extern "C" {
    /// The function from canvas coordinates to the port drawn there (`null` off the cells).
    fn locator(first: u32, columns: u32, cell: u32, top: f64, count: u32) -> js_sys::Function;
}

/// Draws the cluster's grid on `canvas`, filling its width and height: the state after `at` steps
/// (default: all), the ports of the Service `highlight` (`namespace/name`) ringed. Returns a
/// function from canvas coordinates to the port under them, or `null`.
#[wasm_bindgen(js_name = drawGrid, unchecked_return_type = "(x: number, y: number) => number | null")]
pub fn draw_grid(
    canvas: &HtmlCanvasElement,
    cluster: &Cluster,
    #[wasm_bindgen(unchecked_param_type = "DrawOptions")] options_value: JsValue,
) -> Result<js_sys::Function, JsValue> {
    let options: DrawOptions = options(options_value, "drawGrid", &["at", "highlight"])?;
    let history = cluster.session().history();
    let steps = history.outcomes().len();
    let at = match options.at {
        None => steps,
        Some(at) if at.fract() == 0.0 && (0.0..=steps as f64).contains(&at) => at as usize,
        Some(_) => {
            return Err(plain_error(&format!(
                "invalid drawGrid options: `at` is a whole number from 0 to {steps}, the steps run"
            )))
        }
    };
    let context =
        context_2d(canvas).ok_or_else(|| plain_error("drawGrid: the canvas has no 2D context"))?;
    let state = history.state_at(at);
    let range = state.allocator().range();
    let bands = state.allocator().bands();
    let (width, height) = (canvas.width() as usize, canvas.height() as usize);
    let layout = Layout::fit(
        range.size() as usize,
        width,
        height.saturating_sub(LABELS as usize),
    );
    context.clear_rect(0.0, 0.0, width as f64, height as f64);
    context.set_font("600 13px system-ui, sans-serif");
    context.set_fill_style_str("#1d2733");
    let mut x = 0.0;
    for (name, band) in [
        ("static", bands.static_band),
        ("dynamic", bands.dynamic_band),
    ] {
        if let Some(band) = band {
            let label = format!("{name} {band}");
            let _ = context.fill_text(&label, x, 15.0);
            x += context.measure_text(&label).map_or(0.0, |m| m.width()) + 18.0;
        }
    }
    let holding = state.holders(|index, stored, held| {
        let paint = Paint {
            index,
            explicit: held.explicit,
        };
        (paint, stored.service.key())
    });
    let owner = |i: usize| {
        holding
            .get(i)
            .and_then(Option::as_ref)
            .map(|(paint, _)| *paint)
    };
    let mut pixels = Vec::new();
    let split = bands.static_size() as usize;
    paint(&layout, split, owner, |_| 0, &mut pixels);
    let marks = Marks::put(&context, &layout, &pixels, LABELS);
    if let Some(service) = &options.highlight {
        let held = |(_, h): &(usize, &Option<(Paint, String)>)| {
            h.as_ref().is_some_and(|(_, key)| key == service)
        };
        for (index, _) in holding.iter().enumerate().filter(held) {
            marks.ring(index, "#000000", marks.line().max(1.5));
        }
    }
    marks.fence(split);
    Ok(locator(
        u32::from(range.base()),
        layout.columns as u32,
        layout.cell as u32,
        LABELS,
        range.size(),
    ))
}
