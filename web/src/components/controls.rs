//! The cluster's settings (Kubernetes release, range, seed, band split), Reset, and "add
//! Services".

use portband_contract::Release;
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Props of [`Controls`].
#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    /// The range as typed.
    pub range_text: String,
    /// The seed as typed.
    pub seed_text: String,
    /// Whether the range as typed is refused.
    pub range_invalid: bool,
    /// Whether the seed as typed is refused.
    pub seed_invalid: bool,
    /// The Kubernetes release modelled, `1.Y`.
    pub version: String,
    /// The releases to choose from (none until the engine has said).
    pub releases: Rc<[Release]>,
    /// Whether the KEP-3668 band split is on.
    pub static_subrange: bool,
    /// Model this release (its band split's default with it).
    pub onversion: Callback<String>,
    /// Use this range, as typed.
    pub onrange: Callback<String>,
    /// Use this seed, as typed.
    pub onseed: Callback<String>,
    /// Turn the band split on or off.
    pub onsubrange: Callback<bool>,
    /// Add this many Services.
    pub onadd: Callback<usize>,
    /// Forget every step.
    pub onreset: Callback<()>,
}

/// The settings bar.
#[component]
pub fn Controls(props: &ControlsProps) -> Html {
    let add_count = use_state(|| 100usize);
    let text = |callback: &Callback<String>| {
        callback.reform(|e: Event| e.target_unchecked_into::<HtmlInputElement>().value())
    };
    let onsubrange = props
        .onsubrange
        .reform(|e: Event| e.target_unchecked_into::<HtmlInputElement>().checked());
    let onversion = props
        .onversion
        .reform(|e: Event| e.target_unchecked_into::<HtmlSelectElement>().value());
    // What the band split's setting means in a real cluster of this release.
    let release = props.releases.iter().find(|r| r.version == props.version);
    let split_note = match release {
        Some(Release {
            no_legacy_note: Some(note),
            ..
        }) if !props.static_subrange => Some((
            format!(
                "comparison only: no Kubernetes {} cluster runs without it",
                props.version
            ),
            note.clone(),
        )),
        Some(release) if props.static_subrange && release.gate == "alpha" => Some((
            format!(
                "{}: only with the alpha feature gate turned on",
                props.version
            ),
            "--feature-gates=ServiceNodePortStaticSubrange=true: off by default in this release"
                .to_owned(),
        )),
        _ => None,
    };
    let oncount = {
        let add_count = add_count.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlInputElement>().value();
            add_count.set(value.trim().parse::<usize>().unwrap_or(0).min(65_536));
        })
    };
    let count = *add_count;
    let onadd = props.onadd.reform(move |_: MouseEvent| count);
    let onreset = props.onreset.reform(|_: MouseEvent| ());
    html! {
        <div class="controls">
            <label title="The release modelled: the band split's feature gate and the apiserver's behaviour follow it">
                { "Kubernetes " }
                <select data-testid="kubernetes-version" onchange={onversion} disabled={props.releases.is_empty()}>
                    if props.releases.is_empty() {
                        <option selected=true>{ if props.version.is_empty() { "…" } else { &props.version } }</option>
                    }
                    { for props.releases.iter().map(|r| html! {
                        <option value={r.version.clone()} selected={r.version == props.version}>{ &r.version }</option>
                    }) }
                </select>
            </label>
            <label title="--service-node-port-range: a-b, a+offset or a single port; empty means 30000-32767">
                { "Range " }
                <input type="text" size="13" spellcheck="false" data-testid="range-input"
                    aria-invalid={props.range_invalid.to_string()} value={props.range_text.clone()} onchange={text(&props.onrange)} />
            </label>
            <label title="The same seed gives the same dynamic ports">
                { "Seed " }
                <input type="text" inputmode="numeric" size="6" data-testid="seed-input"
                    aria-invalid={props.seed_invalid.to_string()} value={props.seed_text.clone()} onchange={text(&props.onseed)} />
            </label>
            <label title="KEP-3668 (ServiceNodePortStaticSubrange): dynamic ports avoid the static band while the dynamic band has room">
                <input type="checkbox" data-testid="static-subrange" checked={props.static_subrange} onchange={onsubrange} />
                { " Band split (KEP-3668)" }
            </label>
            if let Some((label, title)) = split_note {
                <span class="hint" data-testid="split-note" {title}>{ label }</span>
            }
            <span class="add">
                <label title="NodePort Services with one dynamic port each, named filler-N">
                    { "Services to add " }
                    <input type="number" min="1" max="65536" size="6" data-testid="add-count"
                        value={add_count.to_string()} onchange={oncount} />
                </label>
                <button data-testid="add-services" onclick={onadd}>{ "Add Services" }</button>
            </span>
            <button data-testid="reset" onclick={onreset} title="Forget every step">{ "Reset" }</button>
        </div>
    }
}
