//! The port grid: one cell per port on a canvas, the static band hatched and fenced off, cells
//! coloured by owner, and on request the free ports shaded by how likely each is to be the next
//! dynamic pick. Hover or keyboard focus tells a cell's port, band and owner (or odds); a click
//! highlights a Service's ports.

use crate::cells::Cells;
use crate::state::{Listed, Shared};
use crate::view::uses;
use portband_allocator::{BandKind, Bands, PortRange};
use portband_grid::{fit, paint, Layout, Marks, Paint};
use portband_web::words::percent;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

/// The box the grid is fitted into, in CSS pixels, at most: as wide as its container, this tall.
const BOX: (usize, usize) = (720, 400);

/// Below this container width (a phone), cells stay at least [`TAP`] CSS pixels wide and the grid
/// scrolls instead (but in an embed's frame, which it fills).
const NARROW: usize = 600;

/// The smallest cell a finger can point at, in CSS pixels.
const TAP: usize = 8;

/// Props of [`PortGrid`].
#[derive(Properties, PartialEq)]
pub struct PortGridProps {
    /// Who holds each port.
    pub cells: Shared<Cells>,
    /// The allocator's bands.
    pub bands: Bands,
    /// The range.
    pub range: PortRange,
    /// The highlighted Service's place in the list.
    pub selected: Option<usize>,
    /// The Services the page knows by place: whose names the descriptions give.
    pub listed: Shared<Listed>,
    /// Ports taken by the last action.
    pub fresh: Vec<i32>,
    /// The port a rejection of the last action fought over.
    pub conflict: Option<i32>,
    /// The scans of the explained step's dynamic allocations: the ports passed, start first.
    pub scans: Vec<Vec<u16>>,
    /// Whether free ports are shaded by the next dynamic pick's odds.
    pub odds: bool,
    /// Shade the odds, or not.
    pub onodds: Callback<bool>,
    /// Highlight the Service at this place in the list (or none).
    pub onselect: Callback<Option<usize>>,
    /// A cell of the Service at this place is described, and it is not in `listed`.
    pub oninspect: Callback<usize>,
    /// Fit the whole grid into its box's height as well as its width (an embed's frame, whose
    /// grid has the height the frame leaves it), however small the cells: nothing scrolls.
    #[prop_or_default]
    pub fill: bool,
}

/// The grid, its band labels, legend and the description of the cell under the pointer or focus.
#[component]
pub fn PortGrid(props: &PortGridProps) -> Html {
    let canvas = use_node_ref();
    let pixels = use_mut_ref(Vec::<u8>::new);
    let hover = use_state(|| None::<(usize, f64, f64)>);
    let focus = use_state(|| None::<usize>);
    let odds = props.odds;
    // The canvas's width (and, to fill, the height its box leaves it), read on mount and whenever
    // the box changes size.
    let size = use_state_eq(|| (BOX.0, BOX.1));
    {
        let (canvas, size, fill) = (canvas.clone(), size.clone(), props.fill);
        use_effect_with(fill, move |&fill| {
            let wrap = canvas
                .cast::<HtmlCanvasElement>()
                .and_then(|c| c.parent_element());
            let canvas_box = wrap.as_ref().and_then(|w| w.parent_element());
            let observed = canvas_box.clone();
            let read = Closure::<dyn Fn()>::new(move || {
                if let (Some(wrap), Some(canvas_box)) = (&wrap, &canvas_box) {
                    let width = wrap.client_width().max(0) as usize;
                    let height = if fill {
                        canvas_box.client_height().max(0) as usize
                    } else {
                        BOX.1
                    };
                    if width > 0 && height > 0 {
                        size.set((width, height));
                    }
                }
            });
            // The observer reports the box's size as soon as it observes it, then on every change.
            let observer = web_sys::ResizeObserver::new(read.as_ref().unchecked_ref()).ok();
            if let (Some(observer), Some(canvas_box)) = (&observer, &observed) {
                observer.observe(canvas_box);
            }
            move || {
                if let Some(observer) = observer {
                    observer.disconnect();
                }
                drop(read);
            }
        });
    }
    let (width, height) = *size;
    let count = props.cells.count();
    let layout = if props.fill {
        fill_box(count, width, height)
    } else if width < NARROW {
        Layout::at_least(count, width, BOX.1, TAP)
    } else {
        Layout::fit(count, width.min(BOX.0), BOX.1)
    };

    {
        let (canvas, pixels) = (canvas.clone(), pixels.clone());
        let deps = (
            props.cells.clone(),
            props.bands,
            props.selected,
            props.fresh.clone(),
            props.conflict,
            *focus,
            props.scans.clone(),
            layout,
            odds,
        );
        let range = props.range;
        use_effect_with(
            deps,
            move |(cells, bands, selected, fresh, conflict, focus, scans, layout, odds)| {
                if let Some(canvas) = canvas.cast::<HtmlCanvasElement>() {
                    let overlay = Overlay {
                        range,
                        selected: *selected,
                        fresh,
                        conflict: *conflict,
                        focus: *focus,
                        scans,
                        odds: *odds,
                    };
                    draw(
                        &canvas,
                        layout,
                        cells,
                        bands,
                        &overlay,
                        &mut pixels.borrow_mut(),
                    );
                }
            },
        );
    }

    let cell_from_event = {
        let canvas = canvas.clone();
        move |e: &MouseEvent| -> Option<(usize, f64, f64)> {
            let canvas = canvas.cast::<HtmlCanvasElement>()?;
            let rect = canvas.get_bounding_client_rect();
            let (x, y) = (
                f64::from(e.client_x()) - rect.left(),
                f64::from(e.client_y()) - rect.top(),
            );
            let scale = f64::from(canvas.width()) / rect.width().max(1.0);
            layout.cell_at(x * scale, y * scale).map(|i| (i, x, y))
        }
    };
    let onmousemove = {
        let (hover, cell_from_event) = (hover.clone(), cell_from_event.clone());
        Callback::from(move |e: MouseEvent| {
            let next = cell_from_event(&e);
            if next.map(|h| h.0) != hover.map(|h| h.0) || next.is_some() {
                hover.set(next);
            }
        })
    };
    let onmouseleave = {
        let hover = hover.clone();
        Callback::from(move |_| hover.set(None))
    };
    let onclick = {
        let (onselect, cells, focus) = (props.onselect.clone(), props.cells.clone(), focus.clone());
        Callback::from(move |e: MouseEvent| {
            let index = cell_from_event(&e).map(|h| h.0);
            focus.set(index);
            onselect.emit(index.and_then(|i| cells.owner(i)).map(|o| o.index));
        })
    };
    let onkeydown = {
        let (focus, onselect, cells) = (focus.clone(), props.onselect.clone(), props.cells.clone());
        let (count, columns) = (layout.count, layout.columns.max(1));
        Callback::from(move |e: KeyboardEvent| {
            if count == 0 {
                return;
            }
            let at = focus.unwrap_or(0);
            let row_start = at - at % columns;
            let next = match e.key().as_str() {
                "ArrowRight" => (at + 1).min(count - 1),
                "ArrowLeft" => at.saturating_sub(1),
                "ArrowDown" => (at + columns).min(count - 1),
                "ArrowUp" => at.saturating_sub(columns),
                "PageDown" => (at + 10 * columns).min(count - 1),
                "PageUp" => at.saturating_sub(10 * columns),
                "Home" if e.ctrl_key() => 0,
                "End" if e.ctrl_key() => count - 1,
                "Home" => row_start,
                "End" => (row_start + columns - 1).min(count - 1),
                "Enter" | " " => {
                    e.prevent_default();
                    onselect.emit(cells.owner(at).map(|o| o.index));
                    return;
                }
                "Escape" => {
                    onselect.emit(None);
                    return;
                }
                _ => return,
            };
            e.prevent_default();
            focus.set(Some(next));
        })
    };
    let onfocus = {
        let focus = focus.clone();
        Callback::from(move |_| {
            if focus.is_none() {
                focus.set(Some(0));
            }
        })
    };
    let describe = |index: usize| -> String {
        let port = props.range.port_at(index as u32);
        let band = match props.bands.band_of(i64::from(port)) {
            Some(BandKind::Static) => "static band",
            Some(BandKind::Dynamic) => "dynamic band",
            None => "outside the range",
        };
        match props.cells.owner(index) {
            Some(o) => {
                let how = if o.explicit {
                    "explicit (written in the manifest)"
                } else {
                    "allocated"
                };
                match props.listed.get(o.index) {
                    Some(service) => {
                        let what = service
                            .node_ports
                            .iter()
                            .find(|p| p.node_port == i32::from(port))
                            .map(uses)
                            .unwrap_or_default();
                        format!("{port} · {band} · {} {what} · {how}", service.service)
                    }
                    None => format!("{port} · {band} · {how} · looking up its Service…"),
                }
            }
            None => match props.cells.odds(index).filter(|_| odds) {
                Some((starts, of)) => format!(
                    "{port} · {band} · free · next pick: {starts} of {of} random starts ({})",
                    percent(starts, of)
                ),
                None => format!("{port} · {band} · free"),
            },
        }
    };
    let ontoggle = props.onodds.reform(|e: Event| {
        e.target_unchecked_into::<web_sys::HtmlInputElement>()
            .checked()
    });
    // A focus kept from a larger range may point past this one's end.
    let focused = focus.filter(|&i| i < layout.count);
    let described = hover.map(|h| h.0).or(focused);
    // The Service of the cell described, when the page does not know its name yet.
    let unknown = described
        .and_then(|i| props.cells.owner(i))
        .map(|o| o.index)
        .filter(|&i| props.listed.get(i).is_none());
    {
        let oninspect = props.oninspect.clone();
        use_effect_with(unknown, move |unknown| {
            if let Some(index) = *unknown {
                oninspect.emit(index);
            }
        });
    }
    let info = described.map(describe);
    let labels = band_labels(&props.bands);
    // The axis: the first port of every few rows, placed where that row is drawn (the canvas is
    // scaled to its box's width; rows at least 14 CSS pixels apart).
    let row_height = layout.cell as f64 * width as f64 / layout.size().0.max(1) as f64;
    let every = ((14.0 / row_height.max(0.1)).ceil() as usize).max(1);
    let axis = (0..layout.rows).step_by(every).map(|row| {
        let port = props.range.port_at((row * layout.columns) as u32);
        // Whole pixels: formatting a float would bring the float printer into the module.
        let top = (row as f64 * row_height) as u32;
        html! { <span style={format!("top: {top}px")}>{ port }</span> }
    });
    html! {
        <div class="grid">
            <p class="band-labels">{ for labels }</p>
            <div class="canvas-box">
                <div class="axis" data-testid="grid-axis" aria-hidden="true">{ for axis }</div>
                <div class="canvas-wrap">
                // The WAI-ARIA grid pattern over pixels: one tab stop; the canvas's fallback content
                // holds only the focused cell, placed by its row and column indices.
                <canvas ref={canvas} data-testid="port-grid" tabindex="0" role="grid"
                    aria-label={format!("Port grid of {} ports; arrow keys move between ports, Enter highlights a port's Service", props.range.size())}
                    aria-rowcount={layout.rows.to_string()} aria-colcount={layout.columns.to_string()}
                    aria-activedescendant={focused.map(|_| "port-focus")}
                    {onmousemove} {onmouseleave} {onclick} {onkeydown} {onfocus}>
                    if let Some(i) = focused {
                        <div role="row" aria-rowindex={(i / layout.columns.max(1) + 1).to_string()}>
                            <div role="gridcell" id="port-focus" data-testid="focused-port"
                                aria-colindex={(i % layout.columns.max(1) + 1).to_string()}>{ describe(i) }</div>
                        </div>
                    }
                </canvas>
                if let Some((index, x, y)) = *hover {
                    <div class="tooltip" style={format!("left: {}px; top: {}px", x as i32 + 14, y as i32 + 14)}>{ describe(index) }</div>
                }
                </div>
            </div>
            <p class="cell-info" data-testid="cell-info" aria-live="polite">
                { info.unwrap_or_else(|| "Point at a port, or focus the grid and use the arrow keys.".to_owned()) }
            </p>
            <label class="odds-switch" title="Random start plus a scan upwards: a free port right after k taken ones is the next pick from k + 1 of the band's starts">
                <input type="checkbox" data-testid="next-pick" checked={odds} onchange={ontoggle} />
                { " Shade the next pick's odds" }
            </label>
            { legend(odds) }
        </div>
    }
}

/// The layout of `count` cells whose canvas, scaled to `width` CSS pixels, is at most `height`
/// tall (or one pixel a cell, if even that is too tall).
fn fill_box(count: usize, width: usize, height: usize) -> Layout {
    let mut within = height;
    loop {
        let layout = Layout::fit(count, width, within);
        let (canvas_width, canvas_height) = layout.size();
        if canvas_height * width <= height * canvas_width || layout.cell == 1 || within == 1 {
            return layout;
        }
        within -= layout.cell.min(within - 1);
    }
}

fn band_labels(bands: &Bands) -> Vec<Html> {
    let mut labels = Vec::new();
    if let Some(band) = bands.static_band {
        labels.push(html! { <span class="label static"><span class="static-swatch" aria-hidden="true"></span>{ format!("static {band}") }</span> });
    }
    if let Some(band) = bands.dynamic_band {
        labels.push(html! { <span class="label dynamic"><span class="dynamic-swatch" aria-hidden="true"></span>{ format!("dynamic {band}") }</span> });
    }
    labels
}

/// What is drawn over the cells.
struct Overlay<'a> {
    range: PortRange,
    selected: Option<usize>,
    fresh: &'a [i32],
    conflict: Option<i32>,
    focus: Option<usize>,
    scans: &'a [Vec<u16>],
    /// Whether free ports are shaded by the next pick's odds.
    odds: bool,
}

fn draw(
    canvas: &HtmlCanvasElement,
    layout: &Layout,
    cells: &Cells,
    bands: &Bands,
    overlay: &Overlay,
    pixels: &mut Vec<u8>,
) {
    let performance = gloo::utils::window().performance();
    if let Some(performance) = &performance {
        let _ = performance.mark("portband:grid-draw-start");
    }
    let Some(context) = fit(canvas, layout) else {
        return;
    };
    let owner = |i| {
        cells.owner(i).map(|o| Paint {
            index: o.index,
            explicit: o.explicit,
        })
    };
    let shade = |i| if overlay.odds { cells.shade(i) } else { 0 };
    paint(layout, bands.static_size() as usize, owner, shade, pixels);
    let marks = Marks::put(&context, layout, pixels, 0.0);
    let line = marks.line();
    let ring = |index: usize, colour: &str, width: f64| marks.ring(index, colour, width);
    if let Some(selected) = overlay.selected {
        for index in
            (0..cells.count()).filter(|&i| cells.owner(i).is_some_and(|o| o.index == selected))
        {
            ring(index, "#000000", line.max(1.5));
        }
    }
    let offset = |port: i32| overlay.range.offset_of(i64::from(port)).map(|o| o as usize);
    for index in overlay.fresh.iter().filter_map(|&p| offset(p)) {
        ring(index, "#ffffff", line);
    }
    if let Some(index) = overlay.conflict.and_then(offset) {
        ring(index, "#c2185b", line * 2.0);
        marks.cross(index);
    }
    // A scan: the cells it passed in violet (a colour no Service and no other mark has), its
    // random start marked by a thicker ring.
    for scan in overlay.scans {
        for (i, index) in scan
            .iter()
            .filter_map(|&p| offset(i32::from(p)))
            .enumerate()
        {
            ring(index, SCAN, if i == 0 { line * 2.0 } else { line });
        }
    }
    // The fence between the bands goes over the rings, so that no highlight hides it.
    marks.fence(bands.static_size() as usize);
    if let Some(index) = overlay.focus.filter(|&i| i < layout.count) {
        ring(index, "#000000", line * 2.0);
        ring(index, "#ffeb3b", line);
    }
    // The last full redraw's duration, for web/measure.mjs (scripts/web-measure):
    // `performance.getEntriesByName("portband:grid-draw")`.
    if let Some(performance) = performance {
        performance.clear_measures_with_measure_name("portband:grid-draw");
        let _ =
            performance.measure_with_start_mark("portband:grid-draw", "portband:grid-draw-start");
    }
}

/// The colour of a scan's rings: none of the Services' colours, nor another mark's.
const SCAN: &str = "#7b2cbf";

/// What each look of a cell means (a swatch's class, and its meaning). Bands differ by hatching
/// and a fence, not colour alone.
const LEGEND: [(&str, &str); 8] = [
    ("free", "free (dynamic band)"),
    (
        "free-static",
        "free (static band: hatched, fenced by a dark line)",
    ),
    (
        "taken",
        "taken: coloured by Service (seven colours, repeating in list order)",
    ),
    ("explicit", "dot: nodePort written in the manifest"),
    ("fresh", "white ring: taken by the last action"),
    ("conflict", "crossed: the port a rejection fought over"),
    ("selected", "black ring: the selected Service"),
    (
        "scan",
        "violet rings: the ports the step's scan passed, its random start thicker",
    ),
];

/// The legend of the grid's marks, with the odds' shading when it is shown.
fn legend(odds: bool) -> Html {
    html! {
        <ul class="legend" aria-label="Legend">
            { for LEGEND.iter().map(|(class, text)| html! {
                <li><span class={classes!("swatch", *class)}></span>{ *text }</li>
            }) }
            if odds {
                <li data-testid="odds-legend"><span class="swatch pick"></span>{ "violet shading: how likely each free port is to be the next dynamic pick, darkest the likeliest (one after k taken ports: k + 1 of the band's random starts)" }</li>
            }
        </ul>
    }
}
