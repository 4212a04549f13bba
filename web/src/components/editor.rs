//! The YAML editor: line numbers, marked error lines, Apply (button and Ctrl/Cmd+Enter).

use crate::state::Action;
use web_sys::{HtmlElement, HtmlTextAreaElement};
use yew::prelude::*;

/// Props of [`Editor`].
#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// The text.
    pub text: String,
    /// The line the current input problem points at.
    pub problem_line: Option<u32>,
    /// Lines the last apply's rejections point at, with their messages.
    pub marks: Vec<(u32, String)>,
    /// Whether a preset replaced text that can be put back.
    pub can_restore: bool,
    /// Where actions go.
    pub ondispatch: Callback<Action>,
}

/// The editor pane.
#[component]
pub fn Editor(props: &EditorProps) -> Html {
    let gutter = use_node_ref();
    let oninput = {
        let ondispatch = props.ondispatch.clone();
        Callback::from(move |e: InputEvent| {
            ondispatch.emit(Action::Edit(
                e.target_unchecked_into::<HtmlTextAreaElement>().value(),
            ))
        })
    };
    let onkeydown = {
        let ondispatch = props.ondispatch.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
                e.prevent_default();
                ondispatch.emit(Action::Apply);
            }
        })
    };
    let onscroll = {
        let gutter = gutter.clone();
        Callback::from(move |e: Event| {
            let area = e.target_unchecked_into::<HtmlTextAreaElement>();
            if let Some(gutter) = gutter.cast::<HtmlElement>() {
                gutter.set_scroll_top(area.scroll_top());
            }
        })
    };
    let onapply = {
        let ondispatch = props.ondispatch.clone();
        Callback::from(move |_| ondispatch.emit(Action::Apply))
    };
    let onrestore = {
        let ondispatch = props.ondispatch.clone();
        Callback::from(move |_| ondispatch.emit(Action::RestoreEditor))
    };
    let lines = props.text.split('\n').count();
    let mark = |line: u32| -> Option<String> {
        if props.problem_line == Some(line) {
            return Some("the input error is here".to_owned());
        }
        props
            .marks
            .iter()
            .find(|(l, _)| *l == line)
            .map(|(_, m)| m.clone())
    };
    html! {
        <div class="editor">
            <div class="editor-head">
                <h2 id="editor-title">{ "Services" }</h2>
                <span class="hint">{ "Ctrl/⌘ + Enter applies" }</span>
                if props.can_restore {
                    <button class="link" onclick={onrestore}>{ "Put back my text" }</button>
                }
                <button class="primary" data-testid="apply" onclick={onapply}>{ "Apply" }</button>
            </div>
            <div class="code">
                <pre class="gutter" ref={gutter} aria-hidden="true">
                    { for (1..=lines as u32).map(|line| match mark(line) {
                        Some(message) => html! { <span class="mark" title={message}>{ line }{ "\n" }</span> },
                        None => html! { <>{ line }{ "\n" }</> },
                    }) }
                </pre>
                <textarea data-testid="yaml-input" aria-labelledby="editor-title" spellcheck="false" wrap="off"
                    value={props.text.clone()} {oninput} {onkeydown} {onscroll} />
            </div>
        </div>
    }
}
