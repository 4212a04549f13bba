//! The log of steps: what each did, its nodePorts and bands, and the apiserver's error text.

use crate::state::Action;
use crate::state::Shared;
use portband_kube::{Action as Verb, History, Outcome};
use yew::prelude::*;

/// Props of [`Outcomes`].
#[derive(Properties, PartialEq)]
pub struct OutcomesProps {
    /// The run.
    pub history: Shared<History>,
    /// The outcomes the last action added.
    pub fresh: std::ops::Range<usize>,
    /// The highlighted Service.
    pub selected: Option<String>,
    /// Where actions go.
    pub ondispatch: Callback<Action>,
}

/// The outcome log.
#[component]
pub fn Outcomes(props: &OutcomesProps) -> Html {
    let outcomes = props.history.outcomes();
    let last = use_node_ref();
    {
        let last = last.clone();
        use_effect_with(outcomes.len(), move |_| {
            if let Some(element) = last.cast::<web_sys::Element>() {
                element.scroll_into_view_with_bool(false);
            }
        });
    }
    html! {
        <div class="outcomes">
            <h2>{ format!("Steps ({})", outcomes.len()) }</h2>
            if outcomes.is_empty() {
                <p class="empty">{ "Nothing applied yet." }</p>
            }
            <ol data-testid="outcomes" aria-live="polite">
                { for outcomes.iter().enumerate().map(|(i, outcome)| {
                    let node_ref = if i + 1 == outcomes.len() { last.clone() } else { NodeRef::default() };
                    step(outcome, i, props, node_ref)
                }) }
            </ol>
        </div>
    }
}

fn step(outcome: &Outcome, i: usize, props: &OutcomesProps, node_ref: NodeRef) -> Html {
    let verdict = outcome.verdict.as_str();
    let node_ports: Vec<String> = outcome
        .ports
        .iter()
        .filter(|p| p.node_port != 0)
        .map(|p| p.node_port.to_string())
        .collect();
    let mut unique = node_ports.clone();
    unique.dedup();
    let onclick = {
        let (d, key) = (props.ondispatch.clone(), outcome.service.clone());
        Callback::from(move |_| d.emit(Action::Select(Some(key.clone()))))
    };
    let verb = match outcome.action {
        Verb::Apply => "apply",
        Verb::Delete => "delete",
    };
    let class = classes!(
        "outcome",
        verdict,
        props.fresh.contains(&i).then_some("fresh"),
        (props.selected.as_ref() == Some(&outcome.service)).then_some("selected")
    );
    html! {
        <li {class} ref={node_ref} data-testid="outcome" data-service={outcome.service.clone()} data-result={verdict} data-node-ports={unique.join(",")}>
            <div class="line">
                <span class="n">{ i + 1 }</span>
                <span class="verb">{ verb }</span>
                <button class="link service" {onclick}>{ &outcome.service }</button>
                <span class={classes!("verdict", verdict)}>{ verdict }</span>
                if let Some(kind) = &outcome.kind {
                    <span class="kind">{ format!("({kind})") }</span>
                }
            </div>
            if !outcome.ports.is_empty() {
                <ul class="ports">
                    { for outcome.ports.iter().map(|p| {
                        let name = if p.name.is_empty() { String::new() } else { format!("{} ", p.name) };
                        let target = match (p.node_port, p.band) {
                            (0, _) => "no nodePort".to_owned(),
                            (np, Some(band)) => format!("{np} ({band})"),
                            (np, None) => np.to_string(),
                        };
                        html! { <li>{ format!("{name}{}/{} → {target}", p.port, p.protocol) }</li> }
                    }) }
                    if let Some(hc) = outcome.health_check_node_port {
                        <li>{ format!("healthCheckNodePort → {hc}{}", outcome.health_check_band.map_or(String::new(), |b| format!(" ({b})"))) }</li>
                    }
                </ul>
            }
            if let Some(error) = &outcome.error {
                <p class="apierror">
                    <span class="code">{ format!("{} {}", error.code(), error.reason()) }</span>
                    <code>{ error.to_string() }</code>
                    if let Some(holder) = &outcome.holder {
                        <span class="holder">{ format!(" The port is held by {} ({}).", holder.service, holder.field) }</span>
                    }
                </p>
            }
        </li>
    }
}
