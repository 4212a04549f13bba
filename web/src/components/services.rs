//! The Services stored in the cluster, with their nodePorts and a Delete button each.

use crate::state::Action;
use crate::state::Shared;
use portband_kube::History;
use yew::prelude::*;

/// Props of [`ServiceList`].
#[derive(Properties, PartialEq)]
pub struct ServiceListProps {
    /// The run.
    pub history: Shared<History>,
    /// The highlighted Service.
    pub selected: Option<String>,
    /// Where actions go.
    pub ondispatch: Callback<Action>,
}

/// The applied Services.
#[component]
pub fn ServiceList(props: &ServiceListProps) -> Html {
    let services = props.history.cluster().services();
    html! {
        <div class="services">
            <h2>{ format!("Applied Services ({})", services.len()) }</h2>
            if services.is_empty() {
                <p class="empty">{ "None yet. Apply some from the editor, load a preset, or add Services." }</p>
            } else {
                <ul data-testid="services">
                    { for services.iter().map(|service| {
                        let key = &service.key();
                        let ports: Vec<String> = service.spec.ports.iter().filter(|p| p.node_port != 0).map(|p| p.node_port.to_string()).collect();
                        let select = { let (d, k) = (props.ondispatch.clone(), key.clone()); Callback::from(move |_| d.emit(Action::Select(Some(k.clone())))) };
                        let delete = { let (d, k) = (props.ondispatch.clone(), key.clone()); Callback::from(move |_| d.emit(Action::Delete(k.clone()))) };
                        let class = classes!("service", (props.selected.as_ref() == Some(key)).then_some("selected"));
                        html! {
                            <li {class} data-service={key.clone()}>
                                <button class="link name" onclick={select} aria-pressed={(props.selected.as_ref() == Some(key)).to_string()}>{ key }</button>
                                <span class="type">{ &service.spec.type_ }</span>
                                <span class="ports">{ if ports.is_empty() { "no nodePorts".to_owned() } else { ports.join(", ") } }</span>
                                <button class="delete" aria-label={format!("Delete {key}")} onclick={delete}>{ "Delete" }</button>
                            </li>
                        }
                    }) }
                </ul>
            }
        </div>
    }
}
