//! Keeping the state outside the page as the user works: the work in localStorage (not in an
//! embed), the history in the address's fragment (so that the address is always a share link),
//! and, once at start, opening the shared state the address carries.

use crate::link::{self, Fragment, MOST_LINK};
use crate::saved::{self, Slot};
use crate::state::{Action, AppState, Dispatch};
use portband_kube::MAX_DOCUMENT_BYTES;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

/// Where sharing stands, for the share panel.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Sharing {
    /// The link is being made.
    #[default]
    Packing,
    /// The address holds the state: this fragment (without `#`).
    Link(String),
    /// The history is over 1 MiB of YAML: no link, and not kept across reloads.
    TooBig,
    /// The link would be longer than browsers take: the address does not hold the state.
    TooLong(usize),
}

/// Opens the address's shared state once, then keeps the work and the address up to date.
#[hook]
pub fn use_persistence(state: &AppState, dispatch: Dispatch, fragment: &Fragment) -> Sharing {
    let sharing = use_state(Sharing::default);
    let latest = use_mut_ref(|| 0u64);
    {
        let first = fragment.clone();
        use_effect_with((), move |_| {
            let open = move |fragment: Fragment| {
                let (Some(code), at) = (fragment.state, fragment.at) else {
                    return;
                };
                let dispatch = dispatch.clone();
                spawn_local(async move {
                    dispatch.dispatch(match link::unpack_state(&code).await {
                        Ok(text) => Action::OpenLink(text, at),
                        Err(reason) => Action::LinkFailed(reason),
                    });
                });
            };
            open(first);
            // A link pasted into the address bar of an open page changes only the fragment.
            let listener = gloo::events::EventListener::new(&gloo::utils::window(), "hashchange", move |_| {
                let fragment = Fragment::current();
                if !fragment.state.as_deref().is_some_and(saved::is_own_address) {
                    open(fragment);
                }
            });
            move || drop(listener)
        });
    }
    {
        let (embed, opening) = (state.embed, state.opening);
        use_effect_with(
            (state.editor.clone(), embed, opening),
            |(editor, embed, opening)| {
                if !embed && !opening {
                    saved::save_editor(editor);
                }
            },
        );
    }
    {
        let before = state.before_link.clone();
        let skip = state.embed || state.opening;
        use_effect_with((before, skip), |(before, skip)| {
            if !skip {
                saved::save(Slot::BeforeLink, &before.clone().unwrap_or_default());
            }
        });
    }
    {
        let deps = (
            state.entries.clone(),
            state.config,
            state.cursor,
            state.embed,
            state.opening,
        );
        let text = (!state.opening).then(|| state.scenario());
        let sharing = sharing.clone();
        use_effect_with(deps, move |(_, _, at, embed, _)| {
            let Some(text) = text else { return };
            if text.len() > MAX_DOCUMENT_BYTES {
                sharing.set(Sharing::TooBig);
                return;
            }
            if !*embed {
                saved::save_history(&text, *at);
            }
            *latest.borrow_mut() += 1;
            let ticket = *latest.borrow();
            let (at, embed) = (*at, *embed);
            sharing.set(Sharing::Packing);
            spawn_local(async move {
                let Ok(code) = link::pack_state(&text).await else {
                    return;
                };
                if *latest.borrow() != ticket {
                    return;
                }
                let fragment = Fragment::write(embed, &code, at);
                if fragment.len() > MOST_LINK {
                    link::set_fragment(if embed { "embed" } else { "" });
                    sharing.set(Sharing::TooLong(fragment.len()));
                } else {
                    link::set_fragment(&fragment);
                    saved::note_own_address(&code);
                    sharing.set(Sharing::Link(fragment));
                }
            });
        });
    }
    (*sharing).clone()
}
