//! Time travel: step back and forward through the history, jump to either end, play, and a
//! scrubber that shows where you are and how long the history is. The buttons never move.

use crate::state::{Action, Dispatch};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Props of [`Timeline`].
#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    /// How many steps the shown state has run.
    pub position: usize,
    /// How many steps there are.
    pub len: usize,
    /// Whether the history is playing.
    pub playing: bool,
    /// Where actions go.
    pub ondispatch: Dispatch,
}

/// The step controls.
#[component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let seek = |n: usize| {
        let ondispatch = props.ondispatch.clone();
        Callback::from(move |_: MouseEvent| ondispatch.dispatch(Action::Seek(n)))
    };
    let (position, len) = (props.position, props.len);
    let onplay = {
        let ondispatch = props.ondispatch.clone();
        Callback::from(move |_: MouseEvent| ondispatch.dispatch(Action::TogglePlay))
    };
    let onscrub = {
        let ondispatch = props.ondispatch.clone();
        Callback::from(move |e: InputEvent| {
            if let Ok(n) = e
                .target_unchecked_into::<HtmlInputElement>()
                .value()
                .parse()
            {
                ondispatch.dispatch(Action::Seek(n));
            }
        })
    };
    let label = if position == len {
        format!("Step {position} of {len} (now)")
    } else {
        format!("Step {position} of {len}")
    };
    html! {
        <div class="timeline" role="group" aria-label="History">
            <button data-testid="step-first" onclick={seek(0)} disabled={position == 0} title="Before the first step (Home)" aria-label="Before the first step">{ "|◀" }</button>
            <button data-testid="step-back" onclick={seek(position.saturating_sub(1))} disabled={position == 0} title="One step back (←)" aria-label="One step back">{ "◀" }</button>
            <button data-testid="play" onclick={onplay} disabled={len == 0} aria-pressed={props.playing.to_string()} title="Play or pause (Space)">
                { if props.playing { "Pause" } else { "Play" } }
            </button>
            <button data-testid="step-forward" onclick={seek(position + 1)} disabled={position >= len} title="One step forward (→)" aria-label="One step forward">{ "▶" }</button>
            <button data-testid="step-last" onclick={seek(len)} disabled={position >= len} title="After the last step (End)" aria-label="After the last step">{ "▶|" }</button>
            <input type="range" data-testid="scrubber" min="0" max={len.to_string()} value={position.to_string()}
                aria-label="Step" aria-valuetext={label.clone()} oninput={onscrub} disabled={len == 0} />
            <span class="position" data-testid="step-position" aria-live="polite">{ label }</span>
        </div>
    }
}
