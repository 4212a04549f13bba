//! Playing the history.

use crate::state::{Action, Dispatch};
use yew::prelude::*;

/// While playing, a step forward every beat: 0.9 s, or 2 s for people who ask for reduced motion.
#[hook]
pub fn use_player(playing: bool, dispatch: Dispatch) {
    use_effect_with(playing, move |&playing| {
        let reduced = gloo::utils::window()
            .match_media("(prefers-reduced-motion: reduce)")
            .ok()
            .flatten()
            .is_some_and(|m| m.matches());
        let beat = if reduced { 2000 } else { 900 };
        let timer = playing.then(|| {
            gloo::timers::callback::Interval::new(beat, move || dispatch.dispatch(Action::Tick))
        });
        move || drop(timer)
    });
}
