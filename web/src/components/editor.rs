//! The YAML editor: line numbers, marked error lines, Apply (button and Ctrl/Cmd+Enter).

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
    /// The text changed.
    pub onedit: Callback<String>,
    /// Apply the text.
    pub onapply: Callback<()>,
    /// Put back the text a preset replaced.
    pub onrestore: Callback<()>,
}

/// The editor pane.
#[component]
pub fn Editor(props: &EditorProps) -> Html {
    let gutter = use_node_ref();
    let oninput = props
        .onedit
        .reform(|e: InputEvent| e.target_unchecked_into::<HtmlTextAreaElement>().value());
    let onkeydown = {
        let onapply = props.onapply.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
                e.prevent_default();
                onapply.emit(());
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
    let onapply = props.onapply.reform(|_: MouseEvent| ());
    let onrestore = props.onrestore.reform(|_: MouseEvent| ());
    let gutter_runs = line_numbers(
        props.text.split('\n').count() as u32,
        props.problem_line,
        &props.marks,
    );
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
                <pre class="gutter" ref={gutter} aria-hidden="true">{ gutter_runs }</pre>
                <textarea data-testid="yaml-input" aria-labelledby="editor-title" spellcheck="false" wrap="off"
                    value={props.text.clone()} {oninput} {onkeydown} {onscroll} />
            </div>
        </div>
    }
}

/// The line numbers `1..=lines`, as a few text runs with the marked lines (the problem's line and
/// the rejections' lines, with their messages as tooltips) in between: thousands of lines stay a
/// handful of DOM nodes.
fn line_numbers(lines: u32, problem_line: Option<u32>, marks: &[(u32, String)]) -> Html {
    let mut marked: Vec<(u32, &str)> = marks
        .iter()
        .map(|(line, message)| (*line, message.as_str()))
        .collect();
    if let Some(line) = problem_line {
        marked.push((line, "the input error is here"));
    }
    marked.retain(|(line, _)| (1..=lines).contains(line));
    marked.sort_unstable();
    marked.dedup_by_key(|(line, _)| *line);
    let numbers = |from: u32, to: u32| (from..to).map(|n| format!("{n}\n")).collect::<String>();
    let mut runs = Vec::with_capacity(marked.len() * 2 + 1);
    let mut next = 1;
    for (line, message) in marked {
        runs.push(html! { { numbers(next, line) } });
        runs.push(
            html! { <span class="mark" title={message.to_owned()}>{ format!("{line}\n") }</span> },
        );
        next = line + 1;
    }
    runs.push(html! { { numbers(next, lines + 1) } });
    runs.into_iter().collect()
}
