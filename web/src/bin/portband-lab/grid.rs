//! A grid to look at, not to work in: the band-split grid of one state (the app's colours, dots
//! and fence, from `portband-grid`), with the ports a comparison points at ringed and the ports
//! a refusal fought over crossed.

use portband_grid::{fit, paint, Layout, Marks, Paint};
use std::rc::Rc;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::prelude::*;

/// The box the grid is fitted into, in CSS pixels.
const BOX: (usize, usize) = (720, 240);

/// Who holds each port of a state: a Service's place in the list (its colour), or -1; and
/// whether a manifest wrote the port.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Holders {
    /// By port offset: the holder's place, or -1.
    pub services: Vec<i32>,
    /// By port offset: whether the port was written.
    pub explicit: Vec<bool>,
}

impl Holders {
    /// A moment's `holders()` (or `addresses()`), as the worker answers it.
    pub fn of(value: &wasm_bindgen::JsValue) -> Holders {
        let (services, explicit) = portband_web::worker_link::holders(value);
        Holders { services, explicit }
    }

    /// How cell `i` is painted: in its holder's colour, with a dot if it was written; `None`
    /// when it is free.
    fn paint(&self, i: usize) -> Option<Paint> {
        let index = usize::try_from(*self.services.get(i)?).ok()?;
        Some(Paint {
            index,
            explicit: self.explicit.get(i).copied().unwrap_or(false),
        })
    }

    /// Draws the cells in `layout` on `context` (the first `static_cells` hatched and fenced
    /// off), painting into `pixels`; the marks to draw over them.
    pub fn draw<'a>(
        &self,
        context: &'a CanvasRenderingContext2d,
        layout: &'a Layout,
        static_cells: usize,
        pixels: &mut Vec<u8>,
    ) -> Marks<'a> {
        paint(layout, static_cells, |i| self.paint(i), |_| 0, pixels);
        let marks = Marks::put(context, layout, pixels, 0.0);
        marks.fence(static_cells);
        marks
    }
}

/// Props of [`StillGrid`].
#[derive(Properties, PartialEq)]
pub struct StillGridProps {
    /// Who holds each port.
    pub holders: Rc<Holders>,
    /// The size of the static band (its ports come first).
    pub static_size: usize,
    /// Port offsets to ring.
    pub rings: Vec<usize>,
    /// Port offsets to cross.
    pub crosses: Vec<usize>,
    /// What the grid shows, for those who cannot see it.
    pub label: String,
}

/// The grid of one state, drawn once per change of its props.
#[component]
pub fn StillGrid(props: &StillGridProps) -> Html {
    let canvas = use_node_ref();
    {
        let canvas = canvas.clone();
        let deps = (
            props.holders.clone(),
            props.static_size,
            props.rings.clone(),
            props.crosses.clone(),
        );
        use_effect_with(deps, move |(holders, static_size, rings, crosses)| {
            let Some(canvas) = canvas.cast::<HtmlCanvasElement>() else {
                return;
            };
            let layout = Layout::fit(holders.services.len(), BOX.0, BOX.1);
            let Some(context) = fit(&canvas, &layout) else {
                return;
            };
            let marks = holders.draw(&context, &layout, *static_size, &mut Vec::new());
            let line = marks.line().max(1.5);
            for &index in rings {
                marks.ring(index, "#000000", line);
            }
            for &index in crosses {
                marks.ring(index, "#b3261e", line);
                marks.cross(index);
            }
        });
    }
    html! {
        <canvas ref={canvas} class="still-grid" role="img" aria-label={props.label.clone()} />
    }
}
