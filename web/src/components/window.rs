//! A windowed list: of `len` rows of one fixed height, only those in view and a few either side
//! are rendered (keyed by index); padding above and below stands for the rest, so the scroll bar
//! is that of the whole list. Any number of rows scrolls as fast as a screenful.

use std::ops::Range;
use web_sys::Element;
use yew::prelude::*;

/// Rows rendered beyond each edge of the view, so that a fast scroll shows no gap.
const OVERSCAN: usize = 8;

/// Props of [`Window`].
#[derive(Properties, PartialEq)]
pub struct WindowProps {
    /// How many rows there are.
    pub len: usize,
    /// Every row's height in CSS pixels (the stylesheet gives rows the same).
    pub row_height: u32,
    /// Renders the content of row `i` (from 0) into its `<li>`.
    pub row: Callback<usize, Html>,
    /// A row to bring into view whenever this value changes (the step shown, the newest step).
    #[prop_or_default]
    pub follow: Option<usize>,
    /// The `data-testid` of the list.
    pub testid: AttrValue,
    /// What the list is, for screen readers.
    pub label: AttrValue,
    /// Clicks anywhere in the list (its rows' buttons say what they do).
    #[prop_or_default]
    pub onclick: Option<Callback<MouseEvent>>,
    /// The rows rendered changed (for a list whose rows are fetched as it scrolls).
    #[prop_or_default]
    pub onrows: Option<Callback<Range<usize>>>,
}

/// The rows of a list of `len` rows `height` pixels high that a box scrolled to `top`, `client`
/// pixels high, shows, and [`OVERSCAN`] more either side.
fn rows_in(top: u32, client: u32, height: usize, len: usize) -> Range<usize> {
    let first = (top as usize / height).saturating_sub(OVERSCAN).min(len);
    let last = ((top + client) as usize)
        .div_ceil(height)
        .saturating_add(OVERSCAN)
        .min(len);
    first..last
}

/// The list, in a scrolling box whose height the stylesheet sets.
#[component]
pub fn Window(props: &WindowProps) -> Html {
    let viewport = use_node_ref();
    // The box's scroll position and height, as last read: the state renders the rows in view; the
    // cell lets an effect know them without reading the DOM (which would force a layout).
    let view = use_state(|| (0u32, 600u32));
    let known = use_mut_ref(|| None::<(u32, u32)>);
    let read = {
        let (viewport, view, known) = (viewport.clone(), view.clone(), known.clone());
        move || {
            if let Some(element) = viewport.cast::<Element>() {
                let next = (
                    element.scroll_top().max(0) as u32,
                    element.client_height().max(0) as u32,
                );
                *known.borrow_mut() = Some(next);
                if next != *view {
                    view.set(next);
                }
            }
        }
    };
    {
        // The box's height is known once it is laid out, and changes with the window.
        let read = read.clone();
        use_effect_with((), move |_| {
            read();
            let listener =
                gloo::events::EventListener::new(&gloo::utils::window(), "resize", move |_| read());
            move || drop(listener)
        });
    }
    {
        let (viewport, view, height, known) = (
            viewport.clone(),
            view.clone(),
            props.row_height,
            known.clone(),
        );
        let len = props.len as u32;
        use_effect_with(props.follow, move |follow| {
            let (Some(row), Some(element)) = (*follow, viewport.cast::<Element>()) else {
                return;
            };
            let Some((top, client)) = *known.borrow() else {
                return;
            };
            let (row_top, row_bottom) = (row as u32 * height, (row as u32 + 1) * height);
            let scrolled = if row_top < top {
                row_top
            } else if row_bottom > top + client {
                row_bottom.saturating_sub(client)
            } else {
                return;
            };
            // As the browser clamps it: the list's height less the box's.
            let scrolled = scrolled.min((len * height).saturating_sub(client));
            element.set_scroll_top(scrolled as i32);
            *known.borrow_mut() = Some((scrolled, client));
            view.set((scrolled, client));
        });
    }
    let onscroll = Callback::from(move |_: Event| read());
    let (top, client) = *view;
    let height = props.row_height.max(1) as usize;
    let Range {
        start: first,
        end: last,
    } = rows_in(top, client, height, props.len);
    let padding = format!(
        "padding-top: {}px; padding-bottom: {}px",
        first * height,
        (props.len - last) * height
    );
    let row_style = format!("height: {height}px");
    let (onrows, len) = (props.onrows.clone(), props.len);
    use_effect_with(first..last, move |rows| {
        if let Some(onrows) = onrows {
            // Where the box is now: a row followed (the effect above) has just scrolled it, and
            // the rows this render drew are about to go.
            let rows = match *known.borrow() {
                Some((top, client)) => rows_in(top, client, height, len),
                None => rows.clone(),
            };
            onrows.emit(rows);
        }
    });
    html! {
        <div ref={viewport} class="window" {onscroll}>
            <ol data-testid={&props.testid} data-count={props.len.to_string()} aria-label={&props.label}
                style={padding} onclick={props.onclick.clone()}>
                { for (first..last).map(|i| html! {
                    <li key={i} style={row_style.clone()}
                        aria-setsize={props.len.to_string()} aria-posinset={(i + 1).to_string()}>
                        { props.row.emit(i) }
                    </li>
                }) }
            </ol>
        </div>
    }
}

/// The value of attribute `name` on the button a click in a list landed on, if it has one: rows
/// say with data attributes what their buttons do, and the list has one click handler.
pub fn clicked(event: &MouseEvent, name: &str) -> Option<String> {
    use wasm_bindgen::JsCast;
    let target = event.target()?.dyn_into::<Element>().ok()?;
    target.closest("button").ok()??.get_attribute(name)
}
