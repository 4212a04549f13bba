//! The log of steps: what each did, its nodePorts with their band and provenance, and the
//! apiserver's error text, windowed (a history may hold 100,000 steps).

use crate::components::window::{clicked, Window};
use crate::state::Shared;
use portband_kube::{Cause, History, Outcome};
use yew::prelude::*;

/// Every row's height in CSS pixels: two lines of text (the stylesheet keeps it).
const ROW_HEIGHT: u32 = 46;

/// Props of [`Outcomes`].
#[derive(Properties, PartialEq)]
pub struct OutcomesProps {
    /// The run.
    pub history: Shared<History>,
    /// The outcomes the last action added.
    pub fresh: std::ops::Range<usize>,
    /// The highlighted Service.
    pub selected: Option<String>,
    /// How many steps the shown state has run (later steps are dimmed).
    pub position: usize,
    /// Show the cluster after this many steps.
    pub onseek: Callback<usize>,
    /// Highlight this Service.
    pub onselect: Callback<Option<String>>,
}

/// The outcome log. A click on a step's number moves the cursor there; on its Service, highlights
/// it. The step shown (the newest, after an Apply) is scrolled into view.
#[component]
pub fn Outcomes(props: &OutcomesProps) -> Html {
    let len = props.history.outcomes().len();
    let row = {
        let deps = (
            props.history.clone(),
            props.fresh.clone(),
            props.selected.clone(),
            props.position,
        );
        use_callback(
            deps,
            move |i: usize, (history, fresh, selected, position)| {
                let outcome = &history.outcomes()[i];
                // The step the cursor stands after is current; later ones have not happened yet.
                let when = match (i + 1).cmp(position) {
                    std::cmp::Ordering::Equal if *position < history.outcomes().len() => "current",
                    std::cmp::Ordering::Greater => "future",
                    _ => "",
                };
                let row = Row {
                    number: i + 1,
                    outcome,
                    fresh: fresh.contains(&i),
                    selected: selected.as_deref() == Some(outcome.service.as_str()),
                    when,
                };
                row.render()
            },
        )
    };
    // One handler for the whole list: each row's buttons say what they do.
    let onclick = {
        let (onseek, onselect) = (props.onseek.clone(), props.onselect.clone());
        Callback::from(move |e: MouseEvent| {
            if let Some(step) = clicked(&e, "data-seek").and_then(|n| n.parse().ok()) {
                onseek.emit(step);
            } else if let Some(service) = clicked(&e, "data-select") {
                onselect.emit(Some(service));
            }
        })
    };
    html! {
        <div class="outcomes">
            <h2>{ format!("Steps ({len})") }</h2>
            if len == 0 {
                <p class="empty">{ "Nothing applied yet." }</p>
            }
            <Window {len} row_height={ROW_HEIGHT} {row} follow={props.position.checked_sub(1)}
                testid="outcomes" label="Steps" {onclick} />
        </div>
    }
}

/// One step of the log.
struct Row<'a> {
    number: usize,
    outcome: &'a Outcome,
    fresh: bool,
    selected: bool,
    when: &'static str,
}

impl Row<'_> {
    fn render(&self) -> Html {
        let outcome = self.outcome;
        let verdict = outcome.verdict.as_str();
        let node_ports: Vec<String> = outcome
            .held()
            .iter()
            .filter(|h| !h.ports.is_empty())
            .map(|h| h.node_port.to_string())
            .collect();
        let detail = match &outcome.error {
            Some(error) => {
                let text = outcome
                    .kubectl_error("STDIN")
                    .unwrap_or_else(|| error.to_string());
                let holder = match &outcome.cause {
                    Some(Cause::Taken {
                        holder: Some(holder),
                        ..
                    }) => format!(
                        " The port is held by {} ({}).",
                        holder.service, holder.field
                    ),
                    Some(Cause::Taken { holder: None, .. }) => {
                        " An earlier field of the same request took the port.".to_owned()
                    }
                    _ => String::new(),
                };
                let code = match error.code() {
                    Some(code) => format!("{code} {}", error.reason()),
                    None => "kubectl".to_owned(),
                };
                html! {
                    <p class="apierror" title={format!("{code}: {text}{holder}")}>
                        <span class="code">{ code }</span><code>{ text }</code>
                        <span class="holder">{ holder }</span>
                    </p>
                }
            }
            None => {
                let lines = outcome.port_lines();
                html! { <p class="ports">{ lines.join(" · ") }</p> }
            }
        };
        html! {
            <div class={classes!("outcome", verdict, self.fresh.then_some("fresh"), self.selected.then_some("selected"), self.when)}
                data-testid="outcome" data-service={outcome.service.clone()} data-result={verdict}
                data-node-ports={node_ports.join(",")}>
                <div class="line">
                    <button class="link n" data-seek={self.number.to_string()}
                        title="Show the cluster after this step, and why">{ self.number }</button>
                    <span class="verb">{ outcome.action.as_str() }</span>
                    <button class="link service" data-select={outcome.service.clone()}>
                        { &outcome.service }
                    </button>
                    <span class={classes!("verdict", verdict)}>{ verdict }</span>
                    if let Some(kind) = &outcome.kind {
                        <span class="kind">{ format!("({kind})") }</span>
                    }
                </div>
                { detail }
            </div>
        }
    }
}
