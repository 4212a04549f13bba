//! Sharing: "Copy link" (the address always holds the state), "Copy embed code" for
//! documentation pages, and "Download scenario", the fallback for histories too long for a link;
//! and a warning when the browser does not keep the work.

use crate::hooks::{Kept, Sharing};
use crate::link::{self, LONG_LINK};
use crate::state::Shared;
use crate::view;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

/// Props of [`Share`].
#[derive(Properties, PartialEq)]
pub struct ShareProps {
    /// Where the link stands.
    pub sharing: Sharing,
    /// The history as a scenario file, with its settings (for the download); none while the
    /// engine starts.
    pub scenario: Option<Shared<String>>,
    /// What the embed shows, for its frame's title: a preset's name and description.
    pub title: Option<String>,
}

/// The share buttons and what became of the last one pressed.
#[component]
pub fn Share(props: &ShareProps) -> Html {
    let said = use_state(|| None::<String>);
    {
        let said = said.clone();
        use_effect_with(props.sharing.clone(), move |_| said.set(None));
    }
    let link = match &props.sharing {
        Sharing::Link(fragment) => Some(fragment),
        _ => None,
    };
    // The embed code for a frame of `width`×`height`, titled for screen readers by what it shows.
    // (Its quotes as the attribute needs them; a title has no markup.)
    let title = props
        .title
        .as_deref()
        .unwrap_or("NodePort allocation")
        .replace('"', "&quot;");
    // With the line of /js/embed.js (beside the page), which sizes every portband frame of the
    // page to its content; the small frame asks for the compact layout, which a frame sized to
    // its content would not choose by itself.
    let embed = |(width, height): (u32, u32), layout: &str| {
        link.map(|fragment| {
            let (base, folder) = (link::base(), link::folder());
            format!(
                r#"<iframe src="{base}?embed{layout}#{fragment}" width="{width}" height="{height}" style="border: 0" loading="lazy" title="portband: {title}"></iframe>
<script src="{folder}js/embed.js" async></script>"#
            )
        })
    };
    let (large, small) = (embed((800, 500), ""), embed((400, 300), "=compact"));
    let link = link.map(|fragment| format!("{}#{fragment}", link::base()));
    // Copies `text`; if the browser refuses, says where else to find it.
    let copy = |text: Option<String>, done: &'static str, elsewhere: bool| {
        let said = said.clone();
        Callback::from(move |_: MouseEvent| {
            let (said, text) = (said.clone(), text.clone());
            spawn_local(async move {
                let Some(text) = text else { return };
                said.set(Some(match link::copy_text(&text).await {
                    Ok(()) => format!("{done} ({} characters).", text.len()),
                    Err(e) if elsewhere => {
                        format!("Copying failed: {e}. The address bar holds the link.")
                    }
                    Err(e) => format!("Copying failed: {e}. Select and copy it here: {text}"),
                }));
            });
        })
    };
    let ondownload = {
        let scenario = props.scenario.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(scenario) = &scenario {
                portband_web::browser::download(
                    "portband-scenario.yaml",
                    scenario,
                    "application/yaml",
                );
            }
        })
    };
    let status = said.as_ref().cloned().unwrap_or_else(|| match (&props.sharing, &link) {
        (Sharing::Packing, _) => "Making the link…".to_owned(),
        (Sharing::Link(_), Some(link)) if link.len() > LONG_LINK => format!(
            "This link is {} characters long: some chat tools and browsers cut links that long. Download scenario is the safe way to share it.",
            link.len()
        ),
        (Sharing::TooLong(n), _) => format!(
            "This history makes a link of {n} characters, too long for a browser: Download scenario instead."
        ),
        (Sharing::TooBig, _) => "This history is over 16 MiB of YAML, more than portband reads in one document: it has no link and is not kept across reloads.".to_owned(),
        _ => String::new(),
    });
    html! {
        <div class="share" role="group" aria-label="Share">
            <button data-testid="copy-link" onclick={copy(link.clone(), "Link copied", true)} disabled={link.is_none()}
                title="The address always holds the whole state: range, seed, switch, every step, the step shown">{ "Copy link" }</button>
            <button data-testid="copy-embed" onclick={copy(large, "Embed code copied", false)} disabled={link.is_none()}
                title="An <iframe> of the compact view for documentation pages, 800×500">{ "Copy embed code" }</button>
            <button data-testid="copy-embed-small" onclick={copy(small, "Embed code (400×300) copied", false)} disabled={link.is_none()}
                title="The same, in a 400×300 frame">{ "400×300" }</button>
            <button data-testid="download" onclick={ondownload} title="The history as a scenario file: paste it back, or run it with the portband CLI">{ "Download scenario" }</button>
            <span class="share-status" data-testid="share-status" role="status">{ status }</span>
        </div>
    }
}

/// A warning, where the user works, when the browser's storage refused the work: it would be
/// gone after a reload. `text_len`: the editor's text, in bytes.
pub fn not_kept(kept: Kept, text_len: usize) -> Html {
    let what = match (kept.editor, kept.history) {
        (true, true) => return Html::default(),
        (false, true) => format!(
            "the editor's text ({}) is not kept if this page is reloaded or closed. Keep your own copy of it.",
            view::size(text_len)
        ),
        (true, false) => "the history is not kept if this page is reloaded or closed. Download scenario keeps it.".to_owned(),
        (false, false) => format!(
            "neither the editor's text ({}) nor the history is kept if this page is reloaded or closed. Keep your own copy of the text; Download scenario keeps the history.",
            view::size(text_len)
        ),
    };
    html! {
        <div class="notice warning" role="alert" data-testid="not-kept">
            { format!("Your browser's storage is full: {what}") }
        </div>
    }
}
