//! Time travel: step back and forward through the history, jump to either end or to the previous
//! or next rejection, play at a speed, and a scrubber that shows where you are and how long the
//! history is. The buttons never move.

use crate::hooks::Handlers;
use crate::state::SPEEDS;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// The step controls, after `position` of `len` steps, playing at `speed` (a place in
/// [`SPEEDS`]; a view function: it keeps no state). Its buttons dispatch through `on`.
pub fn timeline(position: usize, len: usize, playing: bool, speed: usize, on: &Handlers) -> Html {
    let (onseek, onplay) = (&on.seek, &on.play);
    let seek = |n: usize| onseek.reform(move |_: MouseEvent| n);
    let onplay = onplay.reform(|_: MouseEvent| ());
    let onscrub = {
        let onseek = onseek.clone();
        Callback::from(move |e: InputEvent| {
            let value = e.target_unchecked_into::<HtmlInputElement>().value();
            if let Ok(n) = value.parse() {
                onseek.emit(n);
            }
        })
    };
    let refusal = |forward: bool| on.refusal.reform(move |_: MouseEvent| forward);
    let onspeed = on.speed.reform(|e: Event| {
        let select: HtmlSelectElement = e.target_unchecked_into();
        select.value().parse().unwrap_or(crate::state::NORMAL_SPEED)
    });
    let label = if position == len {
        format!("Step {position} of {len} (now)")
    } else {
        format!("Step {position} of {len}")
    };
    html! {
        <div class="timeline" role="group" aria-label="History">
            <button class="jump" data-testid="rejection-back" onclick={refusal(false)} disabled={position < 2} title="The previous rejection (Shift+←)" aria-label="The previous rejection">{ "◀✕" }</button>
            <button data-testid="step-first" onclick={seek(0)} disabled={position == 0} title="Before the first step (Home)" aria-label="Before the first step">{ "|◀" }</button>
            <button data-testid="step-back" onclick={seek(position.saturating_sub(1))} disabled={position == 0} title="One step back (←)" aria-label="One step back">{ "◀" }</button>
            <button data-testid="play" onclick={onplay} disabled={len == 0} aria-pressed={playing.to_string()} title="Play or pause (Space)">
                { if playing { "Pause" } else { "Play" } }
            </button>
            <button data-testid="step-forward" onclick={seek(position + 1)} disabled={position >= len} title="One step forward (→)" aria-label="One step forward">{ "▶" }</button>
            <button data-testid="step-last" onclick={seek(len)} disabled={position >= len} title="After the last step (End)" aria-label="After the last step">{ "▶|" }</button>
            <button class="jump" data-testid="rejection-forward" onclick={refusal(true)} disabled={position >= len} title="The next rejection (Shift+→)" aria-label="The next rejection">{ "✕▶" }</button>
            <select class="speed" data-testid="speed" aria-label="Play speed" title="Play speed (< and >)" onchange={onspeed}>
                { for SPEEDS.iter().enumerate().map(|(i, (_, name))| html! {
                    <option value={i.to_string()} selected={i == speed}>{ *name }</option>
                }) }
            </select>
            <input type="range" data-testid="scrubber" min="0" max={len.to_string()} value={position.to_string()}
                aria-label="Step" aria-valuetext={label.clone()} oninput={onscrub} disabled={len == 0} />
            <span class="position" data-testid="step-position" aria-live="polite">{ label }</span>
        </div>
    }
}
