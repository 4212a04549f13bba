//! Running a long Apply a slice at a time.

use crate::state::{Action, Dispatch, Progress};
use gloo::timers::callback::Timeout;
use yew::prelude::*;

/// While an Apply runs, its next slice after each render of the last one's progress: the browser
/// paints and takes input in between.
#[hook]
pub fn use_applying(progress: Option<Progress>, dispatch: Dispatch) {
    use_effect_with(progress, move |progress| {
        let timer = progress
            .is_some()
            .then(|| Timeout::new(0, move || dispatch.dispatch(Action::ContinueApply)));
        move || drop(timer)
    });
}
