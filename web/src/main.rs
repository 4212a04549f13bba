//! The portband web app: paste Services, watch what kube-apiserver would do with their node ports.

mod cells;
mod components;
mod grid;
mod markup;
mod presets;
mod state;

use components::controls::Controls;
use components::editor::Editor;
use components::outcomes::Outcomes;
use components::port_grid::PortGrid;
use components::services::ServiceList;
use components::summary::Summary;
use state::AppState;
use yew::prelude::*;

/// The whole app: controls on top, the editor and the outcome log on the left, the grid on the right.
#[component]
fn App() -> Html {
    let state = use_reducer(AppState::default);
    let dispatch = state.dispatcher();
    let history = &state.history;
    let cluster = history.cluster();
    let fresh = fresh_ports(&history.outcomes()[state.fresh.clone()]);
    let conflict = history.outcomes()[state.fresh.clone()]
        .iter()
        .find_map(|o| o.holder.as_ref().map(|h| h.port));
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
            </header>
            if let Some(problem) = &state.problem {
                <div class="problem" role="alert" data-testid="error">{ &problem.message }</div>
            }
            if let Some(notice) = &state.notice {
                <div class="notice" role="status">{ notice }</div>
            }
            <main>
                <section class="left">
                    <Editor
                        text={state.editor.clone()}
                        problem_line={state.problem.as_ref().and_then(|p| p.line)}
                        marks={state.marks.clone()}
                        can_restore={state.replaced_editor.is_some()}
                        ondispatch={dispatch.clone()}
                    />
                    <Outcomes history={state.history.clone()} fresh={state.fresh.clone()} selected={state.selected.clone()} ondispatch={dispatch.clone()} />
                </section>
                <section class="right">
                    <Summary history={state.history.clone()} />
                    <PortGrid
                        cells={state.cells.clone()}
                        bands={cluster.bands()}
                        range={cluster.allocator().range()}
                        selected={state.selected.clone()}
                        {fresh}
                        conflict={conflict}
                        ondispatch={dispatch.clone()}
                    />
                    <ServiceList history={state.history.clone()} selected={state.selected.clone()} ondispatch={dispatch} />
                </section>
            </main>
        </div>
    }
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
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        components::panic_banner::show(&info.to_string());
    }));
    yew::Renderer::<App>::new().render();
}
