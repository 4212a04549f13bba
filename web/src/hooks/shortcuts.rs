//! Keyboard shortcuts for the history.

use crate::state::{Action, Dispatch};
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Keyboard shortcuts for the history wherever the keys have no use of their own (anywhere but in
/// a field, a menu, the scrubber or the grid; on a button too): ← and → step, Shift+← and
/// Shift+→ go to the previous and next rejection, Home and End jump to either end, Space plays
/// and pauses, < and > play slower and faster.
#[hook]
pub fn use_shortcuts(dispatch: Dispatch) {
    use_effect_with((), move |_| {
        let document = gloo::utils::document();
        // Not passive: the keys' own effects (scrolling the page, pressing a focused button) are
        // prevented.
        let options = gloo::events::EventListenerOptions::enable_prevent_default();
        let listener = gloo::events::EventListener::new_with_options(
            &document,
            "keydown",
            options,
            move |event| {
                let Some(event) = event.dyn_ref::<web_sys::KeyboardEvent>() else {
                    return;
                };
                if event.ctrl_key()
                    || event.meta_key()
                    || event.alt_key()
                    || event.default_prevented()
                {
                    return;
                }
                let in_control = event
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .is_some_and(|t| {
                        t.closest("input, textarea, select, canvas")
                            .ok()
                            .flatten()
                            .is_some()
                    });
                let action = match event.key().as_str() {
                    "ArrowLeft" if event.shift_key() => Action::SeekRefusal(false),
                    "ArrowRight" if event.shift_key() => Action::SeekRefusal(true),
                    "ArrowLeft" => Action::StepBy(-1),
                    "ArrowRight" => Action::StepBy(1),
                    "<" => Action::SpeedBy(-1),
                    ">" => Action::SpeedBy(1),
                    "Home" => Action::Seek(0),
                    "End" => Action::Seek(usize::MAX),
                    " " => Action::TogglePlay,
                    _ => return,
                };
                if in_control {
                    return;
                }
                event.prevent_default();
                dispatch.dispatch(action);
            },
        );
        move || drop(listener)
    });
}
