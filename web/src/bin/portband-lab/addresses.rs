//! ClusterIPs (`lab.html#addresses&s=…&at=N`): the service CIDRs of a history from the app (its
//! share link's `s=`, at the step it showed) as the cluster IP allocator sees them (KEP-3070):
//! one cell per address (a /12 at one pixel each), the static band hatched and fenced, each
//! taken address in the colour of its Service (the app's list order, so the app's colours). A
//! click, or Enter, zooms in on a cell, down to cells large enough to read; −, Escape and the
//! buttons zoom out. Hovering a cell, or moving to it with the arrow keys, tells its addresses,
//! band and holder, and why that address is what it is.

use crate::grid::Holders;
use crate::linked;
use portband_contract::{AddressCell, Settings, KUBERNETES_SERVICE};
use portband_grid::{fit, Layout};
use portband_web::browser;
use portband_web::words::thousands;
use portband_web::worker_link::{read, Call, Handle, Link, Target};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use web_sys::{HtmlCanvasElement, HtmlInputElement};
use yew::prelude::*;

/// The box the grid is fitted into, in CSS pixels.
const BOX: (usize, usize) = (720, 400);
/// The most cells drawn: a /12's 1,048,318 addresses are a pixel each.
const MAX_CELLS: u64 = 1 << 20;
/// How many times fewer addresses a zoom in shows.
const ZOOM: u64 = 16;
/// The fewest addresses a window shows: cells large enough to read.
const LEAST: u64 = 256;

/// The addresses shown: `addresses` of them from offset `from` (0: the range's first usable
/// address), in at most [`MAX_CELLS`] cells of `span` addresses each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Window {
    from: u64,
    addresses: u64,
}

impl Window {
    /// The whole range of `size` addresses.
    fn whole(size: u64) -> Window {
        Window {
            from: 0,
            addresses: size,
        }
    }

    fn cells(self) -> u64 {
        self.addresses.clamp(1, MAX_CELLS)
    }

    /// The addresses a cell stands for.
    fn span(self) -> u64 {
        self.addresses.div_ceil(self.cells())
    }

    /// The window [`ZOOM`] times smaller (at least [`LEAST`] addresses) centred on `cell`,
    /// inside a range of `size`.
    fn zoom_in(self, cell: u64, size: u64) -> Window {
        let addresses = (self.addresses / ZOOM).max(LEAST).min(self.addresses);
        let centre = self.from + cell * self.span() + self.span() / 2;
        Window::around(centre, addresses, size)
    }

    /// The window [`ZOOM`] times larger around this one's middle, inside a range of `size`.
    fn zoom_out(self, size: u64) -> Window {
        let addresses = self.addresses.saturating_mul(ZOOM).min(size);
        Window::around(self.from + self.addresses / 2, addresses, size)
    }

    fn around(centre: u64, addresses: u64, size: u64) -> Window {
        let from = centre
            .saturating_sub(addresses / 2)
            .min(size.saturating_sub(addresses));
        Window { from, addresses }
    }

    /// How many of its cells lie in a static band of `static_size` addresses (a cell across the
    /// boundary counts as static).
    fn static_cells(self, static_size: u64) -> usize {
        static_size
            .saturating_sub(self.from)
            .div_ceil(self.span())
            .min(self.cells()) as usize
    }
}

/// The history opened in the worker.
#[derive(Clone, Debug, PartialEq)]
struct Opened {
    cluster: Handle,
    steps: usize,
    settings: Settings,
}

/// What the grid shows: the state after `at` steps, one CIDR's window of it.
#[derive(Clone, Debug, PartialEq)]
struct Shown {
    at: usize,
    cidr: usize,
    window: Window,
    /// The state in the worker, kept while it is shown (cells are described from it).
    moment: Handle,
    holders: Rc<Holders>,
    /// The window as one cell: its first and last address and how many are taken.
    whole: AddressCell,
}

/// A u64 as the module takes it, a BigInt.
fn big(n: u64) -> JsValue {
    JsValue::from(n)
}

/// Opens `scenario` in the worker.
async fn open(link: &Link, scenario: &str) -> Result<Opened, String> {
    let opened = link
        .run(vec![
            Call::new(Target::Module, "Cluster.fromScenario", &[scenario.into()]),
            Call::new(Target::Result(0), "settings", &[]),
            Call::new(Target::Result(0), "length", &[]),
        ])
        .await
        .map_err(|e| e.message)?;
    Ok(Opened {
        cluster: Handle::of(&opened[0]).ok_or("the engine made no cluster")?,
        settings: read(&opened[1]).map_err(|e| e.message)?,
        steps: opened[2].as_f64().unwrap_or(0.0) as usize,
    })
}

/// The state after `at` steps, CIDR `cidr`'s `window` of it.
async fn show(
    link: &Link,
    opened: &Opened,
    at: usize,
    cidr: usize,
    window: Window,
) -> Result<Shown, String> {
    let answer = link
        .run(vec![
            Call::new(
                Target::Object(&opened.cluster),
                "at",
                &[JsValue::from(at as u32)],
            ),
            Call::new(
                Target::Result(0),
                "addresses",
                &[
                    JsValue::from(cidr as u32),
                    big(window.from),
                    big(window.span()),
                    JsValue::from(window.cells() as u32),
                ],
            ),
            Call::new(
                Target::Result(0),
                "addressCell",
                &[
                    JsValue::from(cidr as u32),
                    big(window.from),
                    big(window.addresses),
                ],
            ),
        ])
        .await
        .map_err(|e| e.message)?;
    Ok(Shown {
        at,
        cidr,
        window,
        moment: Handle::of(&answer[0]).ok_or("the engine made no moment")?,
        holders: Rc::new(Holders::of(&answer[1])),
        whole: read(&answer[2]).map_err(|e| e.message)?,
    })
}

/// Cell `cell` of what is shown, described by the worker.
async fn describe(link: &Link, shown: &Shown, cell: u64) -> Result<AddressCell, String> {
    let span = shown.window.span();
    let answer = link
        .run(vec![Call::new(
            Target::Object(&shown.moment),
            "addressCell",
            &[
                JsValue::from(shown.cidr as u32),
                big(shown.window.from + cell * span),
                big(span),
            ],
        )])
        .await
        .map_err(|e| e.message)?;
    read(&answer[0]).map_err(|e| e.message)
}

/// A band in words.
fn band(cell: &AddressCell) -> &'static str {
    match cell.band {
        Some(portband_contract::Band::Static) => "static band",
        Some(portband_contract::Band::Dynamic) => "dynamic band",
        None => "both bands",
    }
}

/// A cell in words: its addresses, band and holder, and for one address held, why it is that
/// address ("Why this address?").
fn words(cell: &AddressCell) -> String {
    let addresses = if cell.size == 1 {
        cell.first.clone()
    } else {
        format!(
            "{}–{} ({} addresses)",
            cell.first,
            cell.last,
            thousands(cell.size)
        )
    };
    let holder = cell.service.as_deref().unwrap_or("");
    let held = match (cell.taken, cell.size) {
        (0, _) => "free".to_owned(),
        (_, 1) => format!("held by {holder}"),
        (taken, _) => format!("{} taken, the first by {holder}", thousands(taken)),
    };
    let mut text = format!("{addresses} · {} · {held}", band(cell));
    if cell.size == 1 && cell.taken == 1 {
        let why = if holder == KUBERNETES_SERVICE {
            "kube-apiserver's own Service, which takes the range's second address at start-up"
                .to_owned()
        } else if cell.explicit {
            match cell.band {
                Some(portband_contract::Band::Static) => "written in the manifest (clusterIP), in the static band, which dynamic allocation leaves alone while the dynamic band has room".to_owned(),
                _ => "written in the manifest (clusterIP), in the dynamic band, where a Service created without a clusterIP may take it first".to_owned(),
            }
        } else if let (Some(start), Some(passed)) = (&cell.scan_start, cell.passed) {
            let fell_back = if cell.band == Some(portband_contract::Band::Static) {
                " (the dynamic band was full, so it scanned the static band)"
            } else {
                ""
            };
            format!(
                "chosen by the allocator: its scan started at {start}, a random address of the band, and passed {} taken addresses{fell_back}",
                thousands(passed)
            )
        } else {
            String::new()
        };
        if !why.is_empty() {
            text.push_str(&format!(". Why this address? {why}."));
        }
    }
    text
}

/// The ClusterIPs view.
#[component]
pub fn Addresses() -> Html {
    let link = use_memo((), |_| Link::spawn().map_err(|e| e.message));
    let opened = use_state(|| None::<Result<Rc<Opened>, String>>);
    let shown = use_state(|| None::<Shown>);
    let focus = use_state(|| None::<u64>);
    // The focused cell as the keys move it (keys can come faster than renders).
    let focused = use_mut_ref(|| None::<u64>);
    let told = use_state(|| None::<String>);
    // What was asked for last: an answer for anything else is dropped.
    let wanted = use_memo((), |_| Rc::new(Cell::new(0u32)));
    // The moment in the worker that is shown, freed when another replaces it.
    let kept = use_mut_ref(|| None::<Handle>);
    let go = {
        let (link, opened, shown, told, wanted) = (
            link.clone(),
            opened.clone(),
            shown.clone(),
            told.clone(),
            (*wanted).clone(),
        );
        Callback::from(
            move |(current, at, cidr, window): (Rc<Opened>, usize, usize, Window)| {
                let Ok(link) = (*link).clone() else { return };
                let ticket = wanted.get() + 1;
                wanted.set(ticket);
                let (opened, shown, told, wanted, kept) = (
                    opened.clone(),
                    shown.clone(),
                    told.clone(),
                    wanted.clone(),
                    kept.clone(),
                );
                wasm_bindgen_futures::spawn_local(async move {
                    match show(&link, &current, at, cidr, window).await {
                        Ok(new) => {
                            let old = if wanted.get() == ticket {
                                kept.replace(Some(new.moment.clone()))
                            } else {
                                Some(new.moment.clone())
                            };
                            if let Some(old) = old {
                                let freed = vec![Call::new(Target::Object(&old), "free", &[])];
                                let _ = link.run(freed).await;
                            }
                            if wanted.get() == ticket {
                                told.set(None);
                                shown.set(Some(new));
                            }
                        }
                        Err(why) => opened.set(Some(Err(why))),
                    }
                });
            },
        )
    };
    {
        let (link, opened, go) = (link.clone(), opened.clone(), go.clone());
        use_effect_with((), move |_| {
            let at = linked::param("at").and_then(|a| a.parse::<usize>().ok());
            wasm_bindgen_futures::spawn_local(async move {
                const MISSING: &str = "This address names no history: open ClusterIPs from the app, where it takes the history you are working on.";
                let result = match linked::history(&link, MISSING).await {
                    Ok((link, scenario)) => open(&link, &scenario).await.map(Rc::new),
                    Err(why) => Err(why),
                };
                if let Ok(o) = &result {
                    let size = o
                        .settings
                        .service_cidrs
                        .first()
                        .map_or(0, |c| c.static_band.size + c.dynamic.size);
                    let at = at.unwrap_or(o.steps).min(o.steps);
                    go.emit((o.clone(), at, 0, Window::whole(size)));
                }
                opened.set(Some(result));
            });
        });
    }
    let (o, s) = match (&*opened, &*shown) {
        (Some(Err(why)), _) => {
            return html! { <div class="problem" role="alert" data-testid="error">{ why }</div> }
        }
        (Some(Ok(o)), Some(s)) => (o.clone(), s.clone()),
        _ => {
            return html! { <p class="lab-progress" role="status" data-testid="addresses-status">{ "Running the history…" }</p> }
        }
    };
    let Some(cidr) = o.settings.service_cidrs.get(s.cidr).cloned() else {
        return html! { <div class="problem" role="alert" data-testid="error">{ "The cluster has no such service CIDR." }</div> };
    };
    let size = cidr.static_band.size + cidr.dynamic.size;
    let static_size = cidr.static_band.size;
    let window = s.window;
    let cells = window.cells();
    let go = {
        let o = o.clone();
        go.reform(move |(at, cidr, window)| (o.clone(), at, cidr, window))
    };
    let to = |at: usize, window: Window| {
        let (go, cidr) = (go.clone(), s.cidr);
        Callback::from(move |_: MouseEvent| go.emit((at, cidr, window)))
    };
    let onscrub = {
        let (go, cidr) = (go.clone(), s.cidr);
        Callback::from(move |e: InputEvent| {
            let value = e.target_unchecked_into::<HtmlInputElement>().value();
            if let Ok(at) = value.parse() {
                go.emit((at, cidr, window));
            }
        })
    };
    let tell = {
        let (link, told, s) = ((*link).clone(), told.clone(), s.clone());
        Callback::from(move |cell: u64| {
            let Ok(link) = link.clone() else { return };
            let (told, s) = (told.clone(), s.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let text = describe(&link, &s, cell)
                    .await
                    .map_or_else(|why| why, |c| words(&c));
                told.set(Some(text));
            });
        })
    };
    let zoom_in = {
        let (go, focus, focused, s) = (go.clone(), focus.clone(), focused.clone(), s.clone());
        Callback::from(move |cell: u64| {
            focus.set(None);
            *focused.borrow_mut() = None;
            go.emit((s.at, s.cidr, window.zoom_in(cell, size)));
        })
    };
    let zoom_out = {
        let (go, focus, focused, s) = (go.clone(), focus.clone(), focused.clone(), s.clone());
        Callback::from(move |whole: bool| {
            focus.set(None);
            *focused.borrow_mut() = None;
            let window = if whole {
                Window::whole(size)
            } else {
                window.zoom_out(size)
            };
            go.emit((s.at, s.cidr, window));
        })
    };
    let onkey = {
        let (focus, focused, tell, zoom_in, zoom_out) = (
            focus.clone(),
            focused.clone(),
            tell.clone(),
            zoom_in.clone(),
            zoom_out.clone(),
        );
        let columns = Layout::fit(cells as usize, BOX.0, BOX.1).columns as u64;
        Callback::from(move |e: KeyboardEvent| {
            let current = *focused.borrow();
            let at = current.unwrap_or(0);
            // The first arrow key press focuses the first cell; the next ones move.
            let step = |moved: u64| Some(if current.is_some() { moved } else { 0 });
            let moved = match e.key().as_str() {
                "ArrowLeft" => step(at.saturating_sub(1)),
                "ArrowRight" => step((at + 1).min(cells - 1)),
                "ArrowUp" => step(at.saturating_sub(columns)),
                "ArrowDown" => step((at + columns).min(cells - 1)),
                "Enter" | "+" => {
                    zoom_in.emit(at);
                    None
                }
                "-" | "Escape" => {
                    zoom_out.emit(false);
                    None
                }
                _ => return,
            };
            e.prevent_default();
            if let Some(cell) = moved {
                *focused.borrow_mut() = Some(cell);
                focus.set(Some(cell));
                tell.emit(cell);
            }
        })
    };
    let cidrs = o.settings.service_cidrs.iter().enumerate().map(|(i, c)| {
        let onclick = {
            let (go, at, size) = (
                go.clone(),
                s.at,
                c.static_band.size + c.dynamic.size,
            );
            Callback::from(move |_: MouseEvent| go.emit((at, i, Window::whole(size))))
        };
        html! {
            <button aria-pressed={(i == s.cidr).to_string()} {onclick} data-testid="cidr">{ &c.cidr }</button>
        }
    });
    let band_words =
        |name: &str, b: &portband_contract::BandReport<String, u64>| match (&b.first, &b.last) {
            (Some(first), Some(last)) => {
                format!("{name} {first}–{last} ({})", thousands(b.size))
            }
            _ => format!("no {name} band"),
        };
    let legend = format!(
        "{} (hatched, fenced off), {}; coloured by Service, in the app's colours; a dot: a clusterIP written in a manifest",
        band_words("static", &cidr.static_band),
        band_words("dynamic", &cidr.dynamic)
    );
    let span = window.span();
    let scale = if span == 1 {
        "one address a cell".to_owned()
    } else {
        format!("{} addresses a cell", thousands(span))
    };
    let position = format!(
        "Showing {}–{} ({} addresses, {} taken), {scale}",
        s.whole.first,
        s.whole.last,
        thousands(s.whole.size),
        thousands(s.whole.taken)
    );
    let steps = thousands(o.steps as u64);
    let at = s.at;
    let label = format!(
        "The service CIDR {}'s addresses after step {at}: {position}",
        cidr.cidr
    );
    // Back to the app's NodePort grid, at the same history and step.
    let fragment = browser::fragment();
    let ports = format!(
        "./#{}",
        fragment
            .trim_start_matches("addresses")
            .trim_start_matches('&')
    );
    html! {
        <section class="compare addresses">
            <nav class="grid-switch" aria-label="Grid">
                <a href={ports} data-testid="to-ports">{ "NodePorts" }</a>
                <span aria-current="page">{ "ClusterIPs" }</span>
            </nav>
            <p class="compare-step">
                <button onclick={to(at.saturating_sub(1), window)} disabled={at == 0} aria-label="One step back">{ "◀" }</button>
                <input type="range" data-testid="addresses-scrubber" aria-label="The step the grid shows" min="0"
                    max={o.steps.to_string()} value={at.to_string()} oninput={onscrub} />
                <button onclick={to((at + 1).min(o.steps), window)} disabled={at >= o.steps} aria-label="One step forward">{ "▶" }</button>
                <span data-testid="addresses-position" aria-live="polite">{ format!("After step {} of {steps}", thousands(at as u64)) }</span>
            </p>
            if o.settings.service_cidrs.len() > 1 {
                <p class="compare-step">{ "Service CIDR: " }{ for cidrs }</p>
            }
            <p class="compare-step">
                <button onclick={zoom_out.reform(|_: MouseEvent| false)} disabled={window.addresses >= size} data-testid="zoom-out">{ "Zoom out" }</button>
                <button onclick={zoom_out.reform(|_: MouseEvent| true)} disabled={window.addresses >= size} data-testid="zoom-whole">{ "Whole range" }</button>
                <span data-testid="addresses-window">{ position }</span>
            </p>
            <p class="hint">{ legend }</p>
            <AddressGrid holders={s.holders.clone()} static_cells={window.static_cells(static_size)}
                focus={*focus} {label} ontell={tell} onzoom={zoom_in} onkey={onkey} />
            <p class="lab-reading" data-testid="address-info" aria-live="polite">
                { (*told).clone().unwrap_or_else(|| "Hover over a cell, or focus the grid and use the arrow keys, to read its addresses; click or press Enter to zoom in, − or Escape to zoom out.".to_owned()) }
            </p>
        </section>
    }
}

/// Props of [`AddressGrid`].
#[derive(Properties, PartialEq)]
struct AddressGridProps {
    holders: Rc<Holders>,
    static_cells: usize,
    /// The cell the arrow keys moved to.
    focus: Option<u64>,
    label: String,
    /// A cell was pointed at.
    ontell: Callback<u64>,
    /// Zoom in on a cell.
    onzoom: Callback<u64>,
    onkey: Callback<KeyboardEvent>,
}

/// The grid of a window of addresses: drawn whenever what it shows changes.
#[component]
fn AddressGrid(props: &AddressGridProps) -> Html {
    let canvas = use_node_ref();
    let pixels = use_mut_ref(Vec::<u8>::new);
    let count = props.holders.services.len();
    let layout = Layout::fit(count, BOX.0, BOX.1);
    {
        let (canvas, pixels) = (canvas.clone(), pixels.clone());
        let deps = (props.holders.clone(), props.static_cells, props.focus);
        use_effect_with(deps, move |(holders, static_cells, focus)| {
            let Some(canvas) = canvas.cast::<HtmlCanvasElement>() else {
                return;
            };
            let performance = gloo::utils::window().performance();
            if let Some(performance) = &performance {
                let _ = performance.mark("portband:address-grid-draw-start");
            }
            let Some(context) = fit(&canvas, &layout) else {
                return;
            };
            let marks = holders.draw(&context, &layout, *static_cells, &mut pixels.borrow_mut());
            // The focused cell as the app's grid marks it: black, then yellow inside.
            if let Some(cell) = focus.map(|c| c as usize).filter(|&c| c < layout.count) {
                let line = marks.line();
                marks.ring(cell, "#000000", line * 2.0);
                marks.ring(cell, "#ffeb3b", line);
            }
            // The redraw's duration, for web/measure.mjs (scripts/web-measure).
            if let Some(performance) = performance {
                performance.clear_measures_with_measure_name("portband:address-grid-draw");
                let _ = performance.measure_with_start_mark(
                    "portband:address-grid-draw",
                    "portband:address-grid-draw-start",
                );
            }
        });
    }
    // The cell under a pointer event, in the canvas's own pixels (CSS may scale it).
    let cell_of = {
        let canvas = canvas.clone();
        move |e: &MouseEvent| {
            let canvas = canvas.cast::<HtmlCanvasElement>()?;
            let scale = f64::from(canvas.width()) / f64::from(canvas.client_width().max(1));
            layout
                .cell_at(
                    f64::from(e.offset_x()) * scale,
                    f64::from(e.offset_y()) * scale,
                )
                .map(|c| c as u64)
        }
    };
    let onmousemove = {
        let (cell_of, ontell) = (cell_of.clone(), props.ontell.clone());
        let last = use_mut_ref(|| None::<u64>);
        Callback::from(move |e: MouseEvent| {
            let cell = cell_of(&e);
            if cell != *last.borrow() {
                *last.borrow_mut() = cell;
                if let Some(cell) = cell {
                    ontell.emit(cell);
                }
            }
        })
    };
    let onclick = {
        let onzoom = props.onzoom.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(cell) = cell_of(&e) {
                onzoom.emit(cell);
            }
        })
    };
    html! {
        <canvas ref={canvas} class="still-grid address-grid" role="img" tabindex="0" aria-label={props.label.clone()}
            data-testid="address-grid" data-cells={count.to_string()}
            {onmousemove} {onclick} onkeydown={props.onkey.clone()} />
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_12_is_a_pixel_per_address_and_zooms_to_readable_cells() {
        let size = 1_048_574;
        let whole = Window::whole(size);
        assert_eq!((whole.cells(), whole.span()), (1_048_574, 1));
        assert_eq!(whole.static_cells(256), 256);
        let mut window = whole;
        let mut sizes = Vec::new();
        while window.addresses > LEAST {
            window = window.zoom_in(0, size);
            sizes.push(window.addresses);
        }
        assert_eq!(sizes, [65_535, 4_095, 256]);
        assert_eq!(
            window.from, 0,
            "zoomed at the first cell, the window starts there"
        );
        // Out again, back to the whole range.
        while window.addresses < size {
            window = window.zoom_out(size);
        }
        assert_eq!(window, whole);
    }

    #[test]
    fn a_64_is_cells_of_many_addresses_and_a_zoom_stays_inside() {
        let size = u64::MAX;
        let whole = Window::whole(size);
        assert_eq!(whole.cells(), MAX_CELLS);
        assert_eq!(whole.span(), size.div_ceil(MAX_CELLS));
        let last = whole.zoom_in(MAX_CELLS - 1, size);
        assert!(last.from + last.addresses <= size);
        assert_eq!(last.addresses, size / ZOOM);
        // A window past the static band has none of it; one across it counts its cells.
        assert_eq!(last.static_cells(256), 0);
        let first = Window {
            from: 100,
            addresses: 4096,
        };
        assert_eq!(first.static_cells(256), 156);
    }

    #[test]
    fn a_cell_is_told_with_why_it_is_that_address() {
        let cell = |service: &str, explicit: bool, band, scan: Option<&str>| AddressCell {
            first: "10.96.0.10".into(),
            last: "10.96.0.10".into(),
            size: 1,
            band: Some(band),
            taken: 1,
            service: Some(service.into()),
            explicit,
            scan_start: scan.map(Into::into),
            passed: scan.map(|_| 3),
        };
        use portband_contract::Band::{Dynamic, Static};
        assert_eq!(
            words(&cell("kube-system/kube-dns", true, Static, None)),
            "10.96.0.10 · static band · held by kube-system/kube-dns. Why this address? written in the manifest (clusterIP), in the static band, which dynamic allocation leaves alone while the dynamic band has room."
        );
        assert!(words(&cell(KUBERNETES_SERVICE, true, Static, None))
            .ends_with("takes the range's second address at start-up."));
        assert!(words(&cell("default/web", false, Dynamic, Some("10.100.0.1"))).ends_with(
            "its scan started at 10.100.0.1, a random address of the band, and passed 3 taken addresses."
        ));
        assert!(
            words(&cell("default/web", false, Static, Some("10.96.0.3")))
                .contains("the dynamic band was full")
        );
        let free = AddressCell {
            last: "10.96.0.25".into(),
            size: 16,
            band: None,
            taken: 0,
            service: None,
            explicit: false,
            ..cell("x", false, Static, None)
        };
        assert_eq!(
            words(&free),
            "10.96.0.10–10.96.0.25 (16 addresses) · both bands · free"
        );
    }
}
