//! Keeping the state outside the page as the user works: the work in localStorage (not in an
//! embed), the history in the address's fragment (so that the address is always a share link),
//! and, once at start, opening the shared state the address carries.

use crate::link::{Fragment, MOST_LINK};
use crate::saved::{self, Slot};
use crate::state::{Action, AppState, Dispatch};
use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use portband_contract::MAX_SCENARIO_BYTES;
use portband_web::browser;
use std::cell::RefCell;
use std::rc::Rc;
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
    /// The history is over 16 MiB of YAML: no link, and not kept across reloads.
    TooBig,
    /// The link would be longer than browsers take: the address does not hold the state.
    TooLong(usize),
}

/// What the browser keeps across reloads: false where its storage refused (full).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kept {
    /// The editor's text.
    pub editor: bool,
    /// The history.
    pub history: bool,
}

/// How long the state must stay unchanged before it is saved and packed into the address.
const SETTLE_MS: u32 = 120;
/// How long the editor's text must stay unchanged before it is saved: typing writes once per
/// pause, not once per key (writing megabytes takes the browser a fifth of a second).
const EDITOR_SETTLE_MS: u32 = 400;

/// A state waiting to be saved and put in the address.
struct Job {
    text: String,
    at: Option<usize>,
    embed: bool,
    /// The change this job is for: a later change makes its link stale.
    ticket: u64,
}

impl Job {
    /// Saves the work (an embed saves nothing); false if the browser refused to keep it.
    fn save(&self) -> bool {
        self.embed || saved::save_history(Some(&self.text), self.at)
    }

    /// Saves the work and puts the state in the address, unless the state has changed again by
    /// the time it is packed.
    fn run(
        self,
        latest: Rc<RefCell<u64>>,
        sharing: UseStateHandle<Sharing>,
        kept: UseStateHandle<bool>,
    ) {
        kept.set(self.save());
        spawn_local(async move {
            let Ok(code) = browser::pack_state(&self.text).await else {
                return;
            };
            if *latest.borrow() != self.ticket {
                return;
            }
            let fragment = Fragment::write(self.embed, &code, self.at);
            if fragment.len() > MOST_LINK {
                clear_state(self.embed);
                sharing.set(Sharing::TooLong(fragment.len()));
            } else {
                browser::set_fragment(&fragment);
                saved::note_own_address(&code);
                sharing.set(Sharing::Link(fragment));
            }
        });
    }
}

/// Leaves no state in the address (an embed stays an embed).
fn clear_state(embed: bool) {
    browser::set_fragment(if embed { "embed" } else { "" });
}

/// What the address asks for, without the state when it is the one this tab wrote itself (a
/// reload, not a shared link: the saved work is as new as the address, or newer). An embed saves
/// nothing, so it always opens its address's state.
pub fn incoming_fragment() -> Fragment {
    let mut fragment = Fragment::current();
    if !fragment.embed && fragment.state.as_deref().is_some_and(saved::is_own_address) {
        fragment.state = None;
    }
    fragment
}

/// Opens the address's shared state once, then keeps the work and the address up to date.
/// Returns where the link stands, and what the browser keeps across reloads.
#[hook]
pub fn use_persistence(
    state: &AppState,
    dispatch: Dispatch,
    fragment: &Fragment,
) -> (Sharing, Kept) {
    let sharing = use_state(Sharing::default);
    let kept_history = use_state(|| true);
    let kept_editor = use_state(|| true);
    let latest = use_mut_ref(|| 0u64);
    let pending = use_mut_ref(|| None::<Job>);
    let pending_text = use_mut_ref(|| None::<Rc<String>>);
    {
        let first = fragment.clone();
        let (pending, latest, pending_text) =
            (pending.clone(), latest.clone(), pending_text.clone());
        use_effect_with((), move |_| {
            let open = move |fragment: Fragment| {
                let (Some(code), at) = (fragment.state, fragment.at) else {
                    return;
                };
                let dispatch = dispatch.clone();
                spawn_local(async move {
                    dispatch.dispatch(match browser::unpack_state(&code).await {
                        Ok(text) => Action::OpenLink(text, at),
                        Err(reason) => Action::LinkFailed(reason),
                    });
                });
            };
            open(first);
            // A link pasted into the address bar of an open page changes only the fragment; a
            // link still being packed for the state before must not overwrite it.
            let listener = EventListener::new(&gloo::utils::window(), "hashchange", move |_| {
                *latest.borrow_mut() += 1;
                open(incoming_fragment());
            });
            let flush = EventListener::new(&gloo::utils::window(), "pagehide", move |_| {
                if let Some(job) = pending.borrow_mut().take() {
                    let _ = job.save();
                }
                if let Some(text) = pending_text.borrow_mut().take() {
                    let _ = saved::save_editor(&text);
                }
            });
            move || drop((listener, flush))
        });
    }
    {
        // The editor's text, once typing pauses. A text the storage refused is not tried again
        // until it is shorter.
        let (embed, opening) = (state.link.embed, state.link.opening);
        let (kept, timer) = (kept_editor.clone(), use_mut_ref(|| None::<Timeout>));
        let refused = use_mut_ref(|| usize::MAX);
        use_effect_with(
            (state.editor.text.clone(), embed, opening),
            move |(text, embed, opening)| {
                if *embed || *opening {
                    return;
                }
                *pending_text.borrow_mut() = Some(text.clone());
                *timer.borrow_mut() = Some(Timeout::new(EDITOR_SETTLE_MS, move || {
                    let Some(text) = pending_text.borrow_mut().take() else {
                        return;
                    };
                    let saved = text.len() < *refused.borrow() && saved::save_editor(&text);
                    let limit = if saved {
                        usize::MAX
                    } else {
                        text.len().min(*refused.borrow())
                    };
                    *refused.borrow_mut() = limit;
                    kept.set(saved);
                }));
            },
        );
    }
    {
        let before = state.link.before_link.clone();
        let skip = state.link.embed || state.link.opening;
        use_effect_with((before, skip), |(before, skip)| {
            if !skip {
                saved::save(Slot::BeforeLink, &before.clone().unwrap_or_default());
            }
        });
    }
    {
        // Saving and packing wait until changes settle (a burst of steps, or playing, writes
        // once) and never delay the frame that shows a change; leaving the page saves at once.
        let (pending, timer) = (pending.clone(), use_mut_ref(|| None::<Timeout>));
        let deps = (
            state.timeline.as_ref().map(|t| t.scenario.clone()),
            state.timeline.as_ref().and_then(|t| t.cursor()),
            state.link.embed,
            state.link.opening,
        );
        let (sharing, kept) = (sharing.clone(), kept_history.clone());
        use_effect_with(deps, move |(scenario, at, embed, opening)| {
            // Nothing to keep before the engine has opened a cluster, or while a link opens.
            let Some(scenario) = scenario.as_ref().filter(|_| !*opening) else {
                return;
            };
            // Any change makes a link still being packed for an earlier state stale.
            *latest.borrow_mut() += 1;
            let ticket = *latest.borrow();
            let text = scenario.to_string();
            if text.len() > MAX_SCENARIO_BYTES {
                // Too big to read back: an older saved history must not come back instead.
                if !*embed {
                    let _ = saved::save_history(None, None);
                }
                *pending.borrow_mut() = None;
                clear_state(*embed);
                sharing.set(Sharing::TooBig);
                return;
            }
            sharing.set(Sharing::Packing);
            *pending.borrow_mut() = Some(Job {
                text,
                at: *at,
                embed: *embed,
                ticket,
            });
            *timer.borrow_mut() = Some(Timeout::new(SETTLE_MS, move || {
                if let Some(job) = pending.borrow_mut().take() {
                    job.run(latest, sharing, kept);
                }
            }));
        });
    }
    let kept = Kept {
        editor: *kept_editor,
        history: *kept_history,
    };
    ((*sharing).clone(), kept)
}
