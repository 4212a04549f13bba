//! The Services stored in the cluster, with the nodePorts each holds and a Delete button each,
//! windowed (a cluster may hold 65,536 Services). The `kubernetes` Service, which kube-apiserver
//! creates at start-up, is listed as such.

use crate::components::window::{clicked, Window};
use crate::state::{Listed, Shared};
use crate::view::held_lines;
use portband_contract::KUBERNETES_SERVICE;
use std::ops::Range;
use yew::prelude::*;

/// Every row's height in CSS pixels (the stylesheet keeps it).
const ROW_HEIGHT: u32 = 32;

/// Props of [`ServiceList`].
#[derive(Properties, PartialEq)]
pub struct ServiceListProps {
    /// How many Services the moment shown stored.
    pub len: usize,
    /// Those the engine has listed.
    pub listed: Shared<Listed>,
    /// The highlighted Service.
    pub selected: Option<String>,
    /// Highlight this Service.
    pub onselect: Callback<Option<String>>,
    /// Delete this Service.
    pub ondelete: Callback<String>,
    /// The list shows these rows (the engine is asked for the Services it lacks).
    pub onrows: Callback<Range<usize>>,
}

/// The applied Services. A click on a name highlights the Service; Delete deletes it.
#[component]
pub fn ServiceList(props: &ServiceListProps) -> Html {
    let len = props.len;
    let row = {
        let deps = (props.listed.clone(), props.selected.clone());
        use_callback(deps, move |i: usize, (listed, selected)| {
            // The engine lists the moment's Services around those in view; others wait for it.
            let Some(stored) = listed.get(i) else {
                return html! { <div class="service pending" aria-busy="true">{ "…" }</div> };
            };
            let key = &stored.service;
            let is_selected = selected.as_deref() == Some(key.as_str());
            let ports = held_lines(&stored.node_ports);
            let ports = if !ports.is_empty() {
                ports.join("; ")
            } else if key == KUBERNETES_SERVICE {
                "no nodePorts; kube-apiserver's own, made at start-up".to_owned()
            } else {
                "no nodePorts".to_owned()
            };
            html! {
                <div class={classes!("service", is_selected.then_some("selected"))} data-service={key.clone()}>
                    <button class="link name" aria-pressed={is_selected.to_string()} data-select={key.clone()} title={key.clone()}>{ key }</button>
                    <span class="type">{ &stored.type_ }</span>
                    <span class="ports" title={ports.clone()}>{ ports }</span>
                    <button class="delete" aria-label={format!("Delete {key}")} data-delete={key.clone()}>{ "Delete" }</button>
                </div>
            }
        })
    };
    // One handler for the whole list: each row's buttons say what they do.
    let onclick = {
        let (onselect, ondelete) = (props.onselect.clone(), props.ondelete.clone());
        Callback::from(move |e: MouseEvent| {
            if let Some(key) = clicked(&e, "data-delete") {
                ondelete.emit(key);
            } else if let Some(key) = clicked(&e, "data-select") {
                onselect.emit(Some(key));
            }
        })
    };
    html! {
        <div class="services">
            <h2>{ format!("Services ({len})") }</h2>
            if len == 0 {
                <p class="empty">{ "None. Apply some from the editor, load a preset, or add Services." }</p>
            } else {
                <Window {len} row_height={ROW_HEIGHT} {row} testid="services" label="Services" {onclick} onrows={props.onrows.clone()} />
            }
        </div>
    }
}
