//! The log of steps: what each did, its nodePorts with their band and provenance, and the
//! apiserver's error text, windowed (a history may hold 100,000 steps).

use crate::components::window::{clicked, Window};
use crate::state::{Logged, Shared};
use portband_contract::{Cause, LogLine};
use std::ops::Range;
use yew::prelude::*;

/// Every row's height in CSS pixels: two lines of text (the stylesheet keeps it).
const ROW_HEIGHT: u32 = 46;

/// Props of [`Outcomes`].
#[derive(Properties, PartialEq)]
pub struct OutcomesProps {
    /// How many steps there are.
    pub len: usize,
    /// The steps the engine has described, in a log's words (the others show as loading).
    pub log: Shared<Logged>,
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
    /// The log shows these steps (the engine is asked for those it lacks).
    pub onrows: Callback<Range<usize>>,
}

/// The outcome log. A click on a step's number moves the cursor there; on its Service, highlights
/// it. The step shown (the newest, after an Apply) is scrolled into view.
#[component]
pub fn Outcomes(props: &OutcomesProps) -> Html {
    let len = props.len;
    let row = {
        let deps = (
            props.log.clone(),
            props.fresh.clone(),
            props.selected.clone(),
            props.position,
            len,
        );
        use_callback(
            deps,
            move |i: usize, (log, fresh, selected, position, len)| {
                let Some(outcome) = log.get(i) else {
                    return html! {
                        <div class="outcome pending" aria-busy="true">
                            <div class="line"><span class="n">{ i + 1 }</span><span class="verb">{ "…" }</span></div>
                        </div>
                    };
                };
                // The step the cursor stands after is current; later ones have not happened yet.
                let when = match (i + 1).cmp(position) {
                    std::cmp::Ordering::Equal if position < len => "current",
                    std::cmp::Ordering::Greater => "future",
                    _ => "",
                };
                let row = Row {
                    number: i + 1,
                    outcome,
                    fresh: fresh.contains(&i),
                    selected: selected.as_deref() == Some(outcome.step.service.as_str()),
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
                testid="outcomes" label="Steps" {onclick} onrows={props.onrows.clone()} />
        </div>
    }
}

/// One step of the log.
struct Row<'a> {
    number: usize,
    outcome: &'a LogLine,
    fresh: bool,
    selected: bool,
    when: &'static str,
}

impl Row<'_> {
    fn render(&self) -> Html {
        let outcome = self.outcome;
        let step = &outcome.step;
        let verdict = step.result.as_str();
        let node_ports: Vec<String> = outcome
            .held
            .iter()
            .filter(|h| !h.uses.is_empty())
            .map(|h| h.node_port.to_string())
            .collect();
        let detail = match &step.error {
            Some(error) => {
                let text = outcome
                    .kubectl_error
                    .clone()
                    .unwrap_or_else(|| error.clone());
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
                let code = match outcome.code {
                    Some(code) => format!("{code} {}", outcome.reason.as_deref().unwrap_or("")),
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
                let text = ports_and_addresses(outcome);
                html! { <p class="ports" title={text.clone()}>{ text }</p> }
            }
        };
        html! {
            <div class={classes!("outcome", verdict.to_owned(), self.fresh.then_some("fresh"), self.selected.then_some("selected"), self.when)}
                data-testid="outcome" data-service={step.service.clone()} data-result={verdict.to_owned()}
                data-node-ports={node_ports.join(",")}>
                <div class="line">
                    <button class="link n" data-seek={self.number.to_string()}
                        title="Show the cluster after this step, and why">{ self.number }</button>
                    <span class="verb">{ &step.action }</span>
                    <button class="link service" data-select={step.service.clone()} title={step.service.clone()}>
                        { &step.service }
                    </button>
                    <span class={classes!("verdict", verdict.to_owned())}>{ verdict }</span>
                    if let Some(kind) = &outcome.kind {
                        <span class="kind">{ format!("({kind})") }</span>
                    }
                </div>
                { detail }
            </div>
        }
    }
}

/// A step's ports as the engine words them, then its cluster IPs with their bands:
/// `http 80/TCP → 31870 (dynamic, allocated) · clusterIP 10.105.17.17 (dynamic)`.
fn ports_and_addresses(outcome: &LogLine) -> String {
    let step = &outcome.step;
    let mut parts = outcome.port_lines.clone();
    if !step.cluster_ips.is_empty() {
        let addresses: Vec<String> = step
            .cluster_ips
            .iter()
            .zip(&step.ip_bands)
            .map(|(ip, band)| format!("{ip} ({})", band.as_str()))
            .collect();
        let name = if addresses.len() == 1 {
            "clusterIP"
        } else {
            "clusterIPs"
        };
        parts.push(format!("{name} {}", addresses.join(", ")));
    }
    parts.join(" · ")
}
