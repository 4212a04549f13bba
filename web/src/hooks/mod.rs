//! The app's custom hooks: the engine, what the page keeps outside itself, keyboard shortcuts,
//! playing, and callbacks that dispatch actions.

mod embed;
mod engine;
mod persistence;
mod player;
mod shortcuts;

pub use embed::{use_embed_messages, use_framed};
pub use engine::use_engine;
pub use persistence::{incoming_fragment, use_persistence, Kept, Sharing};
pub use player::use_player;
pub use shortcuts::use_shortcuts;

use crate::state::{Action, Dispatch};
use std::rc::Rc;
use yew::prelude::*;

/// The callbacks the page's parts change the state through, each dispatching one kind of
/// [`Action`]: made once, so that passing them never re-renders a part by itself.
#[derive(PartialEq)]
pub struct Handlers {
    /// Show the state after this many steps.
    pub seek: Callback<usize>,
    /// Start or stop playing.
    pub play: Callback<()>,
    /// Play at this speed (a place in the speeds).
    pub speed: Callback<usize>,
    /// Shade the grid's free ports by the next pick's odds, or not.
    pub odds: Callback<bool>,
    /// Show the next rejection (`true`) or the previous one.
    pub refusal: Callback<bool>,
    /// Highlight a Service's ports (or none).
    pub select: Callback<Option<String>>,
    /// Delete a Service.
    pub delete: Callback<String>,
    /// The text area's text changed.
    pub edit: Callback<String>,
    /// The whole editor text was replaced.
    pub edit_all: Callback<String>,
    /// The editor shows these lines.
    pub scroll_editor: Callback<(u32, u32)>,
    /// The Services list shows these rows.
    pub scroll_services: Callback<std::ops::Range<usize>>,
    /// The log shows these steps.
    pub scroll_log: Callback<std::ops::Range<usize>>,
    /// Highlight the Service at this place in the list (a port of it chosen on the grid).
    pub select_holder: Callback<Option<usize>>,
    /// The grid describes a port of the Service at this place, whose name the page lacks.
    pub inspect: Callback<usize>,
    /// Apply the editor's text.
    pub apply: Callback<()>,
    /// Send the editor's manifests as this kubectl command.
    pub mode: Callback<portband_contract::Mode>,
    /// Stop the Apply in progress.
    pub cancel: Callback<()>,
    /// Put back the text a preset replaced.
    pub restore: Callback<()>,
    /// Use this range, as typed.
    pub range: Callback<String>,
    /// Use this seed, as typed.
    pub seed: Callback<String>,
    /// Turn the band split on or off.
    pub subrange: Callback<bool>,
    /// Model this Kubernetes release.
    pub version: Callback<String>,
    /// Load preset `i`.
    pub preset: Callback<usize>,
    /// Add this many Services.
    pub add: Callback<usize>,
    /// Forget every step.
    pub reset: Callback<()>,
    /// Go back to the work a link replaced.
    pub switch_back: Callback<()>,
    /// Forget the work a link replaced.
    pub drop_backup: Callback<()>,
}

/// The page's [`Handlers`], made on the first render.
#[hook]
pub fn use_handlers(dispatch: &Dispatch) -> Rc<Handlers> {
    let dispatch = dispatch.clone();
    use_memo((), move |_| Handlers {
        seek: dispatching(&dispatch, Action::Seek),
        play: dispatching(&dispatch, |()| Action::TogglePlay),
        speed: dispatching(&dispatch, Action::SetSpeed),
        odds: dispatching(&dispatch, Action::ShadeOdds),
        refusal: dispatching(&dispatch, Action::SeekRefusal),
        select: dispatching(&dispatch, Action::Select),
        delete: dispatching(&dispatch, Action::Delete),
        edit: dispatching(&dispatch, Action::Edit),
        edit_all: dispatching(&dispatch, Action::EditAll),
        scroll_editor: dispatching(&dispatch, |(top, rows)| Action::ScrollEditor(top, rows)),
        scroll_services: dispatching(&dispatch, Action::ScrollServices),
        scroll_log: dispatching(&dispatch, Action::ScrollLog),
        select_holder: dispatching(&dispatch, Action::SelectHolder),
        inspect: dispatching(&dispatch, Action::Inspect),
        apply: dispatching(&dispatch, |()| Action::Apply),
        mode: dispatching(&dispatch, Action::SetMode),
        cancel: dispatching(&dispatch, |()| Action::CancelApply),
        restore: dispatching(&dispatch, |()| Action::RestoreEditor),
        range: dispatching(&dispatch, Action::SetRange),
        seed: dispatching(&dispatch, Action::SetSeed),
        subrange: dispatching(&dispatch, Action::SetStaticSubrange),
        version: dispatching(&dispatch, Action::SetVersion),
        preset: dispatching(&dispatch, Action::LoadPreset),
        add: dispatching(&dispatch, Action::AddServices),
        reset: dispatching(&dispatch, |()| Action::Reset),
        switch_back: dispatching(&dispatch, |()| Action::SwitchBack),
        drop_backup: dispatching(&dispatch, |()| Action::DropBackup),
    })
}

/// A callback that dispatches `make(value)`.
fn dispatching<T: 'static>(dispatch: &Dispatch, make: fn(T) -> Action) -> Callback<T> {
    let dispatch = dispatch.clone();
    Callback::from(move |value| dispatch.dispatch(make(value)))
}
