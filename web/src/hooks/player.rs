//! Playing the history.

use crate::state::{Action, Dispatch, SPEEDS};
use yew::prelude::*;

/// While playing, a step forward every beat: 0.9 s at the normal speed, or 2 s for people who ask
/// for reduced motion; `speed` (a place in [`SPEEDS`]) divides it.
#[hook]
pub fn use_player(playing: bool, speed: usize, dispatch: Dispatch) {
    use_effect_with((playing, speed), move |&(playing, speed)| {
        let reduced = gloo::utils::window()
            .match_media("(prefers-reduced-motion: reduce)")
            .ok()
            .flatten()
            .is_some_and(|m| m.matches());
        let quarters = SPEEDS.get(speed).map_or(4, |s| s.0);
        let beat = if reduced { 2000 } else { 900 } * 4 / quarters;
        let timer = playing.then(|| {
            gloo::timers::callback::Interval::new(beat, move || dispatch.dispatch(Action::Tick))
        });
        move || drop(timer)
    });
}
