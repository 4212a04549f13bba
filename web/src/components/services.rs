//! The Services stored in the cluster, with their nodePorts and a Delete button each.
//! Rendered as HTML text (see `markup`): a cluster can hold thousands of Services.

use crate::markup::{clicked_button, element, escape};
use crate::state::{Action, Dispatch, Shared};
use crate::view::held_lines;
use portband_kube::{Cluster, History};
use std::fmt::Write;
use yew::prelude::*;

/// Props of [`ServiceList`].
#[derive(Properties, PartialEq)]
pub struct ServiceListProps {
    /// The run.
    pub history: Shared<History>,
    /// The cluster at the history's cursor, when that is in the past.
    pub past: Option<Shared<Cluster>>,
    /// The highlighted Service.
    pub selected: Option<String>,
    /// Where actions go.
    pub ondispatch: Dispatch,
}

/// The applied Services. A click on a name highlights the Service; Delete deletes it.
#[component]
pub fn ServiceList(props: &ServiceListProps) -> Html {
    let items = {
        let deps = (
            props.history.clone(),
            props.past.clone(),
            props.selected.clone(),
        );
        use_memo(deps, |(history, past, selected)| {
            render(
                past.as_deref().unwrap_or(history.cluster()),
                selected.as_deref(),
            )
        })
    };
    let onclick = {
        let ondispatch = props.ondispatch.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(button) = clicked_button(&e) else {
                return;
            };
            if let Some(key) = button
                .get_attribute("data-delete")
                .and_then(|key| key.parse().ok())
            {
                ondispatch.dispatch(Action::Delete(key));
            } else if let Some(key) = button.get_attribute("data-select") {
                ondispatch.dispatch(Action::Select(Some(key)));
            }
        })
    };
    let count = props
        .past
        .as_deref()
        .unwrap_or(props.history.cluster())
        .services()
        .len();
    html! {
        <div class="services">
            <h2>{ format!("Applied Services ({count})") }</h2>
            if count == 0 {
                <p class="empty">{ "None yet. Apply some from the editor, load a preset, or add Services." }</p>
            } else {
                <ul data-testid="services" {onclick}>{ Html::from_html_unchecked(AttrValue::from((*items).clone())) }</ul>
            }
        </div>
    }
}

/// The most Services listed: the browser builds a thousand rows fast, 65,536 slowly.
const MOST: usize = 1000;

fn render(cluster: &Cluster, selected: Option<&str>) -> String {
    let services = cluster.services();
    let mut out = String::with_capacity(services.len().min(MOST) * 260);
    for stored in services.iter().take(MOST) {
        let key = stored.service.key();
        let is_selected = selected == Some(key.as_str());
        let ports = held_lines(&stored.held(), &stored.ports);
        let escaped = escape(&key);
        let _ = write!(
            out,
            r#"<li class="service{}" data-service="{escaped}"><button class="link name" data-select="{escaped}" aria-pressed="{is_selected}">{escaped}</button>"#,
            if is_selected { " selected" } else { "" },
        );
        element(
            &mut out,
            "span",
            r#" class="type""#,
            &stored.service.spec.type_,
        );
        element(
            &mut out,
            "span",
            r#" class="ports""#,
            &if ports.is_empty() {
                "no nodePorts".to_owned()
            } else {
                ports.join("; ")
            },
        );
        let _ = write!(
            out,
            r#"<button class="delete" data-delete="{escaped}" aria-label="Delete {escaped}">Delete</button></li>"#
        );
    }
    if services.len() > MOST {
        let _ = write!(
            out,
            r#"<li class="elided">…and {} more, not listed: point at their ports on the grid.</li>"#,
            services.len() - MOST
        );
    }
    out
}
