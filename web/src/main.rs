//! The portband web app: paste Services, watch what kube-apiserver would do with their node ports.

mod cells;
mod components;
mod grid;
mod link;
mod persist;
mod presets;
mod saved;
mod state;
mod view;

use components::controls::Controls;
use components::editor::Editor;
use components::explain::explain;
use components::outcomes::Outcomes;
use components::port_grid::PortGrid;
use components::services::ServiceList;
use components::share::Share;
use components::summary::summary;
use components::timeline::timeline;
use state::{Action, AppState, Dispatch};
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The heap: Talc instead of the standard library's dlmalloc, 3 kB (gzipped) smaller.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static HEAP: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// The whole app: controls on top, the editor and the outcome log on the left, the grid on the right;
/// or, in an embed, the step controls, the grid and the log alone.
#[component]
fn App() -> Html {
    let fragment = use_memo((), |_| persist::incoming_fragment());
    let state = {
        let fragment = fragment.clone();
        use_reducer(move || AppState::restored(&fragment))
    };
    let dispatch = state.dispatcher();
    let (sharing, kept) = persist::use_persistence(&state, dispatch.clone(), &fragment);
    let history = &state.history;
    let cluster = state.shown();
    use_shortcuts(dispatch.clone());
    use_player(state.playing, dispatch.clone());
    let fresh = view::fresh_ports(&history.outcomes()[state.fresh.clone()]);
    // The step the cursor stands after, numbered from 1.
    let shown_step = state
        .position()
        .checked_sub(1)
        .and_then(|i| Some((i + 1, history.outcomes().get(i)?)));
    let scans = shown_step
        .map(|(_, outcome)| view::scans(outcome))
        .unwrap_or_default();
    let conflict = view::conflict(&history.outcomes()[state.fresh.clone()]);
    let problem = state.problem.as_ref().map(|problem| {
        html! { <div class="problem" role="alert" data-testid="error">{ &problem.message }</div> }
    });
    let onseek = {
        let dispatch = dispatch.clone();
        use_callback((), move |n: usize, _| dispatch.dispatch(Action::Seek(n)))
    };
    let onplay = {
        let dispatch = dispatch.clone();
        use_callback((), move |(), _| dispatch.dispatch(Action::TogglePlay))
    };
    let timeline = timeline(
        state.position(),
        history.outcomes().len(),
        state.playing,
        &onseek,
        &onplay,
    );
    let grid = html! {
        <PortGrid
            cells={state.cells.clone()}
            bands={cluster.bands()}
            range={cluster.allocator().range()}
            selected={state.selected.clone()}
            {fresh}
            conflict={conflict}
            {scans}
            ondispatch={dispatch.clone()}
        />
    };
    let editor = html! {
        <Editor
            text={state.editor.clone()}
            problem_line={state.problem.as_ref().and_then(|p| p.line)}
            marks={state.marks.clone()}
            can_restore={state.replaced_editor.is_some()}
            ondispatch={dispatch.clone()}
        />
    };
    let onselect = {
        let dispatch = dispatch.clone();
        use_callback((), move |key: String, _| {
            dispatch.dispatch(Action::Select(Some(key)))
        })
    };
    let ondelete = {
        let dispatch = dispatch.clone();
        use_callback((), move |key, _| dispatch.dispatch(Action::Delete(key)))
    };
    let outcomes = html! {
        <Outcomes history={state.history.clone()} fresh={state.fresh.clone()} selected={state.selected.clone()}
            position={state.position()} {onseek} onselect={onselect.clone()} />
    };
    let announcement = view::announce(history.outcomes(), state.fresh.clone());
    let announcer = html! { <div class="visually-hidden" aria-live="polite" data-testid="announcer">{ announcement }</div> };
    if state.embed {
        let onapply = {
            let dispatch = dispatch.clone();
            Callback::from(move |_| dispatch.dispatch(Action::Apply))
        };
        let open = match &sharing {
            persist::Sharing::Link(fragment) => {
                format!("{}#{}", link::base(), fragment.trim_start_matches("embed&"))
            }
            _ => link::base(),
        };
        return html! {
            <div class="app embed" data-testid="embed">
                <div class="embed-bar">
                    { timeline }
                    <button class="primary" data-testid="embed-apply" onclick={onapply} title="Apply the YAML below the grid">{ "Apply" }</button>
                    <a href={open} target="_blank" rel="noopener">{ "Open in portband ↗" }</a>
                </div>
                { for problem }
                <div class="embed-body">
                    { grid }
                    { outcomes }
                </div>
                <details class="embed-yaml"><summary>{ "YAML" }</summary>{ editor }</details>
                { announcer }
            </div>
        };
    }
    html! {
        <div class="app">
            <header class="bar">
                <h1>{ "portband" }</h1>
                <p class="tagline">{ "kube-apiserver's NodePort allocator, with the KEP-3668 static/dynamic band split" }</p>
                <Controls
                    range_text={state.range_text.clone()}
                    seed_text={state.seed_text.clone()}
                    static_subrange={state.config.static_subrange}
                    ondispatch={dispatch.clone()}
                />
                <Share sharing={sharing.clone()} {kept} entries={state.entries.clone()} config={state.config} />
            </header>
            { for problem }
            if let Some(notice) = &state.notice {
                <div class="notice" role="status">{ notice }</div>
            }
            if state.before_link.is_some() {
                <div class="notice" role="status" data-testid="before-link">
                    { "A link replaced your own work; it is kept. " }
                    <button data-testid="switch-back" onclick={dispatch_on(&dispatch, Action::SwitchBack)}>{ "Switch back to my work" }</button>
                    { " " }
                    <button data-testid="drop-backup" onclick={dispatch_on(&dispatch, Action::DropBackup)}>{ "Forget it" }</button>
                </div>
            }
            <main>
                <section class="left">
                    { editor }
                    { outcomes }
                </section>
                <section class="right">
                    { timeline }
                    { summary(cluster) }
                    { grid }
                    { explain(shown_step, cluster) }
                    <ServiceList history={state.history.clone()} past={state.past.clone()} selected={state.selected.clone()} {onselect} {ondelete} />
                </section>
            </main>
            { announcer }
        </div>
    }
}

/// A click handler that dispatches `action`.
fn dispatch_on(dispatch: &Dispatch, action: Action) -> Callback<MouseEvent> {
    let dispatch = dispatch.clone();
    Callback::from(move |_| dispatch.dispatch(action.clone()))
}

/// Keyboard shortcuts for the history, anywhere but in a field or the grid: ← and → step, Home and
/// End jump to either end, Space plays and pauses.
#[hook]
fn use_shortcuts(dispatch: Dispatch) {
    use_effect_with((), move |_| {
        let document = gloo::utils::document();
        let listener = gloo::events::EventListener::new(&document, "keydown", move |event| {
            let Some(event) = event.dyn_ref::<web_sys::KeyboardEvent>() else {
                return;
            };
            if event.ctrl_key() || event.meta_key() || event.alt_key() || event.default_prevented()
            {
                return;
            }
            let in_control = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|t| {
                    t.closest("input, textarea, select, canvas, button")
                        .ok()
                        .flatten()
                        .is_some()
                });
            let action = match event.key().as_str() {
                "ArrowLeft" => Action::StepBy(-1),
                "ArrowRight" => Action::StepBy(1),
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
        });
        move || drop(listener)
    });
}

/// While playing, a step forward every beat: 0.9 s, or 2 s for people who ask for reduced motion.
#[hook]
fn use_player(playing: bool, dispatch: Dispatch) {
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

fn main() {
    components::panic_banner::watch();
    // The release build aborts on a panic before any hook could run (see `panic_banner`).
    #[cfg(not(panic = "immediate-abort"))]
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        components::panic_banner::report(&info.to_string());
    }));
    yew::Renderer::<App>::new().render();
}
