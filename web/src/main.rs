//! The portband web app: paste Services, watch what kube-apiserver would do with their node ports.

mod cells;
mod components;
mod grid;
mod link;
mod markup;
mod persist;
mod presets;
mod saved;
mod state;

use components::controls::Controls;
use components::editor::Editor;
use components::explain::Explain;
use components::outcomes::Outcomes;
use components::port_grid::PortGrid;
use components::services::ServiceList;
use components::share::Share;
use components::summary::Summary;
use components::timeline::Timeline;
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
    let fresh = fresh_ports(&history.outcomes()[state.fresh.clone()]);
    let scans = state
        .position()
        .checked_sub(1)
        .and_then(|i| history.outcomes().get(i))
        .map(|o| scans(o, &cluster.bands()))
        .unwrap_or_default();
    let conflict = history.outcomes()[state.fresh.clone()]
        .iter()
        .find_map(|o| o.holder.as_ref().map(|h| h.port));
    let problem = state.problem.as_ref().map(|problem| {
        html! { <div class="problem" role="alert" data-testid="error">{ &problem.message }</div> }
    });
    let timeline = html! {
        <Timeline position={state.position()} len={history.outcomes().len()} playing={state.playing} ondispatch={dispatch.clone()} />
    };
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
    let outcomes = html! {
        <Outcomes history={state.history.clone()} fresh={state.fresh.clone()} selected={state.selected.clone()} position={state.position()} ondispatch={dispatch.clone()} />
    };
    let announcement = announce(history.outcomes(), state.fresh.clone());
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
                    <Summary history={state.history.clone()} past={state.past.clone()} />
                    { grid }
                    <Explain history={state.history.clone()} position={state.position()} bands={cluster.bands()}
                        range={cluster.allocator().range()} static_subrange={state.config.static_subrange} />
                    <ServiceList history={state.history.clone()} past={state.past.clone()} selected={state.selected.clone()} ondispatch={dispatch} />
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

/// What a screen reader hears after an action: the step it did or moved to, or a summary of many.
fn announce(outcomes: &[portband_kube::Outcome], fresh: std::ops::Range<usize>) -> String {
    let describe = |o: &portband_kube::Outcome| {
        let ports: Vec<String> = o
            .ports
            .iter()
            .filter(|p| p.node_port != 0)
            .map(|p| p.node_port.to_string())
            .collect();
        match &o.error {
            Some(error) => format!("{} {}: {error}", o.service, o.verdict.as_str()),
            None if ports.is_empty() => format!("{} {}", o.service, o.verdict.as_str()),
            None => format!(
                "{} {}, nodePorts {}",
                o.service,
                o.verdict.as_str(),
                ports.join(", ")
            ),
        }
    };
    let (step, len) = (fresh.end, outcomes.len());
    match &outcomes[fresh] {
        [] => String::new(),
        [one] => format!("Step {step} of {len}: {}.", describe(one)),
        many => {
            let rejected: Vec<_> = many.iter().filter(|o| o.error.is_some()).collect();
            let mut text = format!("{} steps applied, {} rejected.", many.len(), rejected.len());
            if let Some(first) = rejected.first() {
                text.push_str(&format!(" First rejection: {}.", describe(first)));
            }
            text
        }
    }
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

/// The ports each dynamic allocation of a step passed, from its random start to the port it took
/// (wrapping inside its band); at most a few thousand cells each, which is all a grid can show.
fn scans(outcome: &portband_kube::Outcome, bands: &portband_allocator::Bands) -> Vec<Vec<u16>> {
    const MOST: u32 = 4096;
    outcome
        .allocations
        .iter()
        .filter_map(|a| {
            let pick = a.pick?;
            let band = match pick.band {
                portband_allocator::BandKind::Static => bands.static_band?,
                portband_allocator::BandKind::Dynamic => bands.dynamic_band?,
            };
            let (first, size) = (u32::from(band.first), band.size());
            let start = u32::from(pick.scan_start) - first;
            Some(
                (0..=pick.skipped.min(MOST))
                    .map(|i| (first + (start + i) % size) as u16)
                    .collect(),
            )
        })
        .collect()
}

/// The ports to ring as fresh: those the last action took, or only its last step's when it took
/// so many that rings everywhere would say nothing.
fn fresh_ports(outcomes: &[portband_kube::Outcome]) -> Vec<i32> {
    const MOST: usize = 32;
    let ports =
        |o: &portband_kube::Outcome| o.allocations.iter().map(|a| a.port).collect::<Vec<_>>();
    let all: Vec<i32> = outcomes.iter().flat_map(ports).collect();
    if all.len() <= MOST {
        all
    } else {
        outcomes.last().map(ports).unwrap_or_default()
    }
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
