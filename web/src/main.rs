//! The portband web app: paste Services, watch what kube-apiserver would do with their node ports.

mod cells;
mod components;
mod engine;
mod hooks;
mod link;
mod presets;
mod saved;
mod state;
mod view;

use cells::Cells;
use components::controls::Controls;
use components::editor::Editor;
use components::explain::explain;
use components::lessons::Lessons;
use components::outcomes::Outcomes;
use components::port_grid::PortGrid;
use components::services::ServiceList;
use components::share::{not_kept, Share};
use components::summary::summary;
use components::timeline::timeline;
use hooks::{
    use_embed_messages, use_engine, use_framed, use_handlers, use_persistence, use_player,
    use_shortcuts, Sharing,
};
use portband_web::panic_banner;
use presets::PRESETS;
use saved::{Saved, Slot};
use state::{AppState, Run, Shared};
use yew::prelude::*;

/// The whole app: controls on top, the editor and the outcome log on the left, the grid on the right;
/// or, in an embed, the step controls, the grid and the log alone.
#[component]
fn App() -> Html {
    let fragment = use_memo((), |_| hooks::incoming_fragment());
    let state = {
        let fragment = fragment.clone();
        use_reducer(move || {
            // An embed never reads the work saved in the browser.
            let load = |slot| {
                if fragment.embed {
                    Saved::default()
                } else {
                    saved::load(slot)
                }
            };
            AppState::opened(&fragment, load(Slot::Current), load(Slot::BeforeLink))
        })
    };
    let dispatch = state.dispatcher();
    use_engine(&state.outbox, dispatch.clone());
    let (sharing, kept) = use_persistence(&state, dispatch.clone(), &fragment);
    use_shortcuts(dispatch.clone());
    let run = state.timeline.as_ref();
    let (position, len) = run.map_or((0, 0), |r| (r.position(), r.len()));
    use_embed_messages(
        state.link.embed,
        run.map(|r| (r.position(), r.len())),
        dispatch.clone(),
    );
    let framed = use_framed(state.link.embed, state.link.layout);
    let compact = framed.compact;
    // A preset's embed is titled by the preset's name, and captioned by its description unless the
    // address gives a caption.
    let (preset, description) = state.scenario.clone().unwrap_or_default();
    if let (true, Some(i)) = (state.link.embed, preset) {
        // On every render: setting the same title again costs nothing, and needs no hook.
        gloo::utils::document().set_title(&format!("{} — portband", PRESETS[i].name));
    }
    // An embed's frame is titled by the preset's name and description.
    let frame_title = match (preset, &description) {
        (Some(i), Some(d)) => Some(format!("{} — {d}", PRESETS[i].name)),
        (Some(i), None) => Some(PRESETS[i].name.to_owned()),
        (None, d) => d.clone(),
    };
    // The note of the step shown (a lesson's words), while its scenario step's steps are shown.
    let note = run
        .and_then(Run::shown_row)
        .and_then(|row| row.note.clone());
    let caption = state
        .link
        .caption
        .as_deref()
        .and_then(link::caption_text)
        .or(description);
    let note = note.map(|note| {
        html! { <p class="step-note" data-testid="step-note" aria-live="polite">{ note }</p> }
    });
    use_player(
        run.is_some_and(|r| r.playing),
        state.speed,
        dispatch.clone(),
    );
    // An Apply's progress shows once the engine reports some (after its first slice): a short
    // Apply ends before that, and the page paints its result alone.
    let progress = state.applying.as_ref().and_then(|job| job.progress());
    let on = use_handlers(&dispatch);
    let fresh = run.map(|r| r.fresh.clone()).unwrap_or(0..0);
    let moment = run.and_then(|r| r.moment.clone());
    // The grid's cells, worked out once per moment shown rather than on every render (each key
    // typed renders the page).
    let range = run.map(|r| view::bands(&r.settings).0);
    let cells = use_memo((moment.clone(), range), |(moment, range)| {
        let (moment, range) = (moment.as_ref()?, (*range)?);
        Some(Shared::new(Cells::of(moment, range)))
    });
    // The step the cursor stands after, numbered from 1, with the engine's explanation of it.
    let shown_step = moment
        .as_ref()
        .and_then(|m| Some((m.step, m.row.as_ref()?, m.explanation.as_ref()?)));
    let problems = html! {
        { for state.problems().into_iter().map(|problem| html! {
            <div class="problem" role="alert" data-testid="error">{ problem }</div>
        }) }
    };
    let playing = run.is_some_and(|r| r.playing);
    let timeline = timeline(position, len, playing, state.speed, &on);
    let grid = match (run, &moment, &*cells) {
        (Some(run), Some(moment), Some(cells)) => {
            let (range, bands) = view::bands(&run.settings);
            let fresh_ports = if run.added.taken.is_empty() {
                moment.taken.clone()
            } else {
                view::fresh_ports(&run.added.taken)
            };
            // The port a fresh refusal fought over: of the steps added, or of the step shown.
            let conflict = run.added.conflict.or(match shown_step {
                Some((_, row, _)) if fresh.len() == 1 => match row.cause {
                    Some(portband_contract::Cause::Taken { port, .. }) => Some(port),
                    _ => None,
                },
                _ => None,
            });
            let scans = shown_step
                .map(|(_, _, e)| {
                    view::scans(e.ports.iter().chain(&e.health_check_node_port).cloned())
                })
                .unwrap_or_default();
            html! {
                <PortGrid
                    cells={cells.clone()}
                    {bands}
                    {range}
                    selected={moment.selected.filter(|_| state.selected.is_some())}
                    listed={run.listed.clone()}
                    fresh={fresh_ports}
                    {conflict}
                    {scans}
                    odds={state.shade_odds}
                    onodds={on.odds.clone()}
                    onselect={on.select_holder.clone()}
                    oninspect={on.inspect.clone()}
                    fill={framed.fixed}
                />
            }
        }
        _ => html! { <p class="starting" data-testid="starting">{ "Starting the engine…" }</p> },
    };
    let editor = html! {
        <Editor
            text={state.editor.text.clone()}
            window={state.editor.window}
            problem_line={state.editor.problem.as_ref().map(|p| p.line)}
            marks={state.editor.marks.clone()}
            can_restore={state.editor.replaced.is_some()}
            progress={progress.clone()}
            onedit={on.edit.clone()}
            onedit_all={on.edit_all.clone()}
            onscroll={on.scroll_editor.clone()}
            mode={state.editor.mode}
            onapply={on.apply.clone()}
            onmode={on.mode.clone()}
            oncancel={on.cancel.clone()}
            onrestore={on.restore.clone()}
        />
    };
    let outcomes = html! {
        <Outcomes {len} log={run.map(|r| r.log.clone()).unwrap_or_default()} fresh={fresh.clone()}
            selected={state.selected.clone()} {position} onseek={on.seek.clone()}
            onselect={on.select.clone()} onrows={on.scroll_log.clone()} />
    };
    let why = match run {
        Some(run) => explain(
            shown_step,
            moment.as_ref().map_or(&[], |m| &m.chances[..]),
            &run.settings,
        ),
        None => Html::default(),
    };
    let announcement = match run {
        Some(run) => view::announce(fresh.clone(), len, run.shown_row(), &run.added),
        None => String::new(),
    };
    let announcer = html! { <div class="visually-hidden" aria-live="polite" data-testid="announcer">{ announcement }</div> };
    if state.link.embed {
        let open = match &sharing {
            Sharing::Link(fragment) => {
                format!("{}#{}", link::base(), fragment.trim_start_matches("embed&"))
            }
            _ => link::base(),
        };
        let caption = caption.map(|caption| html! {
            <p class="embed-caption" data-testid="embed-caption" title={caption.clone()}>{ caption }</p>
        });
        let why = html! {
            <details class="embed-why" data-testid="embed-why">
                <summary>{ "Why this port?" }</summary>
                { why }
            </details>
        };
        // Compact: the step shown on one line, in the announcer's words; standard: the log.
        let line = match shown_step {
            Some((_, row, _)) => view::describe(row),
            None => "Nothing applied yet.".to_owned(),
        };
        return html! {
            <div class={classes!("app", "embed", compact.then_some("compact"))} data-testid="embed">
                <div class="embed-bar">
                    { timeline }
                    if !compact {
                        <button class="primary" data-testid="embed-apply" onclick={on.apply.reform(|_| ())} title="Apply the YAML below the grid">{ "Apply" }</button>
                    }
                    <a href={open} target="_blank" rel="noopener">{ "Open in portband ↗" }</a>
                </div>
                { problems }
                { caption }
                if compact {
                    <div class="embed-body">{ grid }</div>
                    <div class="embed-line"><p data-testid="embed-step" title={line.clone()}>{ line }</p>{ why }</div>
                } else {
                    <div class="embed-body">{ grid }<div class="embed-side">{ outcomes }{ why }</div></div>
                    <details class="embed-yaml"><summary>{ "YAML" }</summary>{ editor }</details>
                }
                { announcer }
            </div>
        };
    }
    let version = run.map_or_else(String::new, |r| r.settings.kubernetes_version.clone());
    let static_subrange = run.is_none_or(|r| r.settings.static_subrange);
    let compare = LabView {
        view: "compare",
        words: "Compare",
        testid: "to-compare",
        what: "This history with and without the band split",
        opener: "Compare",
    };
    html! {
        <div class="app">
            <header class="bar">
                <h1>{ "portband" }</h1>
                <p class="tagline">{ "kube-apiserver's NodePort allocator, with the KEP-3668 static/dynamic band split" }</p>
                <Lessons open={preset} onopen={on.preset.clone()} />
                <a href="lab.html" data-testid="to-lab" title="The band split measured over many simulated clusters">{ "Lab" }</a>
                { lab_view(&sharing, compare) }
                <Controls
                    range_text={state.settings.range_text.clone()}
                    seed_text={state.settings.seed_text.clone()}
                    range_invalid={state.settings.range_error.is_some()}
                    seed_invalid={state.settings.seed_error.is_some()}
                    {version}
                    releases={state.releases.clone()}
                    {static_subrange}
                    onrange={on.range.clone()} onseed={on.seed.clone()} onsubrange={on.subrange.clone()} onversion={on.version.clone()}
                    onadd={on.add.clone()} onreset={on.reset.clone()}
                />
                <Share sharing={sharing.clone()} scenario={run.map(|r| r.scenario.clone())} title={frame_title} />
            </header>
            { problems }
            { about(state.scenario.as_ref()) }
            if let Some(notice) = &state.notice {
                <div class="notice" role="status">{ notice }</div>
            }
            if state.link.before_link.is_some() {
                <div class="notice" role="status" data-testid="before-link">
                    { "A link replaced your own work; it is kept. " }
                    <button data-testid="switch-back" onclick={on.switch_back.reform(|_| ())}>{ "Switch back to my work" }</button>
                    { " " }
                    <button data-testid="drop-backup" onclick={on.drop_backup.reform(|_| ())}>{ "Forget it" }</button>
                </div>
            }
            <main>
                <section class="left">
                    { not_kept(kept, state.editor.text.len()) }
                    { editor }
                    { outcomes }
                </section>
                <section class="right">
                    { timeline }
                    { note }
                    if let (Some(run), Some(moment)) = (run, &moment) {
                        { summary(moment, &run.settings) }
                    }
                    { grid_switch(&sharing) }
                    { grid }
                    { why }
                    <ServiceList len={moment.as_ref().map_or(0, |m| m.service_count)}
                        listed={run.map(|r| r.listed.clone()).unwrap_or_default()}
                        selected={state.selected.clone()}
                        onselect={on.select.clone()} ondelete={on.delete.clone()} onrows={on.scroll_services.clone()} />
                </section>
            </main>
            { announcer }
        </div>
    }
}

/// The switch between the grids: this page's NodePort grid, and the ClusterIP grid of the same
/// history at the same step, a page of its own (the lab's ClusterIPs view).
fn grid_switch(sharing: &Sharing) -> Html {
    let addresses = LabView {
        view: "addresses",
        words: "ClusterIPs",
        testid: "to-addresses",
        what: "The cluster IPs this history's Services hold, at the step shown (KEP-3070)",
        opener: "the ClusterIP grid",
    };
    html! {
        <nav class="grid-switch" aria-label="Grid">
            <span aria-current="page">{ "NodePorts" }</span>
            { lab_view(sharing, addresses) }
        </nav>
    }
}

/// A view of the lab page that opens this history from its link.
struct LabView {
    /// The view's name in the lab page's address.
    view: &'static str,
    /// The link's words.
    words: &'static str,
    /// The link's `data-testid`.
    testid: &'static str,
    /// What the view shows (the link's title).
    what: &'static str,
    /// The view, as the title of a link not yet available names it.
    opener: &'static str,
}

/// A link to a view of the lab page with the history's link (`lab.html#VIEW&FRAGMENT`); while the
/// link is being made, or the history is too large for one, the same words shown off, with a title
/// that says why. Always shown, so that nothing moves under the pointer while a link is made.
fn lab_view(sharing: &Sharing, lab: LabView) -> Html {
    let why = match sharing {
        Sharing::Link(fragment) => {
            return html! {
                <a href={format!("lab.html#{}&{fragment}", lab.view)} data-testid={lab.testid} title={lab.what}>{ lab.words }</a>
            }
        }
        Sharing::Packing => format!("Making this history's link, which {} opens…", lab.opener),
        Sharing::TooBig | Sharing::TooLong(_) => format!(
            "This history is too large for a link, which {}, a page of its own, needs",
            lab.opener
        ),
    };
    html! { <a role="link" aria-disabled="true" title={why}>{ lab.words }</a> }
}

/// What the history shown is about: a lesson's title and introduction, or a scenario's
/// description.
fn about(scenario: Option<&(Option<usize>, Option<String>)>) -> Html {
    match scenario {
        Some((Some(i), _)) => html! {
            <section class="lesson-intro" data-testid="lesson-intro">
                <h2>{ PRESETS[*i].label }</h2>
                <p>{ PRESETS[*i].introduction }</p>
            </section>
        },
        Some((None, Some(description))) => html! {
            <p class="description" data-testid="scenario-description">{ description }</p>
        },
        _ => Html::default(),
    }
}

fn main() {
    panic_banner::install(
        "Your text is still in the editor: copy it, then reload the page. \
         Please report this with the text that caused it.",
    );
    yew::Renderer::<App>::new().render();
}
