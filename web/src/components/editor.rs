//! The YAML editor: line numbers, marked error lines, Apply (button and Ctrl/Cmd+Enter) and its
//! progress. A long text is held a window of lines at a time (see [`TextWindow`]): the page
//! scrolls a sheet as tall as the whole text, and the text area sits on it where its lines belong.

use crate::state::{Marks, Phase, Progress, TextWindow};
use crate::view;
use portband_contract::Mode;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{ClipboardEvent, HtmlElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

/// The height of a line in CSS pixels, for the text area, the line numbers and the sheet.
const LINE_PX: u32 = 19;
/// The space above the first line and below the last.
const PAD_PX: u32 = 6;

/// Props of [`Editor`].
#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// The editor's text.
    pub text: Rc<String>,
    /// The lines of it the text area holds.
    pub window: TextWindow,
    /// The line the current input problem points at.
    pub problem_line: Option<u32>,
    /// Lines the last apply's rejections point at, with their messages.
    pub marks: Marks,
    /// Whether a preset replaced text that can be put back.
    pub can_restore: bool,
    /// How far the Apply in progress is.
    pub progress: Option<Progress>,
    /// The text area's text changed.
    pub onedit: Callback<String>,
    /// The whole text was replaced by this one (all of it was selected).
    pub onedit_all: Callback<String>,
    /// The lines `top..top + rows` are in view.
    pub onscroll: Callback<(u32, u32)>,
    /// How Apply sends the text's manifests.
    pub mode: Mode,
    /// Apply the text.
    pub onapply: Callback<()>,
    /// Send the manifests as this kubectl command.
    pub onmode: Callback<Mode>,
    /// Stop the Apply in progress.
    pub oncancel: Callback<()>,
    /// Put back the text a preset replaced.
    pub onrestore: Callback<()>,
}

/// Where the caret goes when the window moves: byte offsets in the whole text.
#[derive(Default)]
struct Caret {
    /// Where it was when the view last scrolled.
    kept: Option<(usize, usize)>,
    /// Where Ctrl+Home or Ctrl+End sent it.
    jump: Option<usize>,
    /// Ctrl+A selected the whole text, beyond the window held, and the selection has not moved
    /// since: typing, pasting, cutting or copying acts on all of it.
    all: bool,
}

/// The editor pane.
#[component]
pub fn Editor(props: &EditorProps) -> Html {
    let area = use_node_ref();
    let sheet = use_node_ref();
    let caret = use_mut_ref(Caret::default);
    let windowed = props.window.lines < props.window.total;
    let all_selected = use_state(|| false);
    // Whether all of the text area's text is selected.
    let whole = |area: &HtmlTextAreaElement| {
        let len = area.text_length();
        area.selection_start().ok().flatten() == Some(0)
            && area.selection_end().ok().flatten() == Some(len)
    };
    let select_all = {
        let (caret, all_selected) = (caret.clone(), all_selected.clone());
        move |all: bool| {
            caret.borrow_mut().all = all;
            all_selected.set(all);
        }
    };
    let oninput = {
        let (onedit, onedit_all, caret) = (
            props.onedit.clone(),
            props.onedit_all.clone(),
            caret.clone(),
        );
        let select_all = select_all.clone();
        Callback::from(move |e: InputEvent| {
            let value = e.target_unchecked_into::<HtmlTextAreaElement>().value();
            // With all of it selected, any edit replaces the whole text.
            let replacing = caret.borrow().all;
            caret.borrow_mut().kept = None;
            select_all(false);
            if replacing {
                onedit_all.emit(value);
            } else {
                onedit.emit(value);
            }
        })
    };
    // Copying or cutting everything after Ctrl+A takes the whole text.
    let clipboard = |cut: bool| {
        let (text, caret, onedit_all) =
            (props.text.clone(), caret.clone(), props.onedit_all.clone());
        let select_all = select_all.clone();
        Callback::from(move |e: Event| {
            let area = e.target_unchecked_into::<HtmlTextAreaElement>();
            let Ok(e) = e.dyn_into::<ClipboardEvent>() else {
                return;
            };
            if !(caret.borrow().all && whole(&area)) {
                return;
            }
            let Some(data) = e.clipboard_data() else {
                return;
            };
            if data.set_data("text/plain", &text).is_ok() {
                e.prevent_default();
                if cut {
                    select_all(false);
                    onedit_all.emit(String::new());
                }
            }
        })
    };
    let (oncopy, oncut) = (clipboard(false), clipboard(true));
    let onpointerdown = {
        let select_all = select_all.clone();
        Callback::from(move |_: PointerEvent| select_all(false))
    };
    let onblur = {
        let select_all = select_all.clone();
        Callback::from(move |_: FocusEvent| select_all(false))
    };
    let onscroll = {
        let (onscroll, caret, area) = (props.onscroll.clone(), caret.clone(), area.clone());
        let start = props.window.start;
        Callback::from(move |e: Event| {
            let box_ = e.target_unchecked_into::<HtmlElement>();
            if let Some(area) = focused(&area) {
                caret.borrow_mut().kept = selection(&area).map(|(a, b)| (start + a, start + b));
            }
            let top = (box_.scroll_top().max(0) as u32).saturating_sub(PAD_PX) / LINE_PX;
            let rows = box_.client_height().max(0) as u32 / LINE_PX + 1;
            onscroll.emit((top, rows));
        })
    };
    let onkeydown = {
        let (onapply, caret, sheet) = (props.onapply.clone(), caret.clone(), sheet.clone());
        let (window, len) = (props.window, props.text.len());
        Callback::from(move |e: KeyboardEvent| {
            let command = e.ctrl_key() || e.meta_key();
            let key = e.key();
            if key == "Enter" && command {
                e.prevent_default();
                onapply.emit(());
                return;
            }
            if windowed && command && key.eq_ignore_ascii_case("a") {
                // The text area holds a window: select it, and note that all is meant.
                e.prevent_default();
                e.target_unchecked_into::<HtmlTextAreaElement>().select();
                select_all(true);
                return;
            }
            if key.starts_with("Arrow") || key.starts_with("Page") || key == "Home" || key == "End"
            {
                select_all(false);
            }
            // Ctrl+Home and Ctrl+End reach the text's ends, beyond the window held.
            let to_end = match key.as_str() {
                "Home" if command && window.first > 0 => false,
                "End" if command && window.first + window.lines < window.total => true,
                _ => return,
            };
            e.prevent_default();
            caret.borrow_mut().jump = Some(if to_end { len } else { 0 });
            if let Some(scroller) = sheet.cast::<HtmlElement>().and_then(|s| s.parent_element()) {
                scroller.set_scroll_top(if to_end { scroller.scroll_height() } else { 0 });
            }
        })
    };
    {
        // After the window moves, the caret stays where it was in the text if the window holds
        // that place, else it goes to the first line in view.
        let (area, sheet, caret) = (area.clone(), sheet.clone(), caret.clone());
        use_effect_with(
            (props.window.first, props.window.start),
            move |&(first, start)| {
                place_caret(&area, &sheet, &caret, first, start);
            },
        );
    }
    {
        // The text area is as large as its text, so it never scrolls itself; a keystroke can
        // scroll it before the page has grown it.
        let area = area.clone();
        use_effect(move || {
            if let Some(area) = area.cast::<HtmlElement>() {
                area.set_scroll_top(0);
                area.set_scroll_left(0);
            }
        });
    }
    let onapply = props.onapply.reform(|_: MouseEvent| ());
    let oncancel = props.oncancel.reform(|_: MouseEvent| ());
    let onrestore = props.onrestore.reform(|_: MouseEvent| ());
    let w = props.window;
    let shown = &props.text[w.start..w.end];
    let gutter_runs = line_numbers(w.first, w.lines, props.problem_line, &props.marks);
    let sheet_style = format!(
        "height: {}px; padding-top: {}px",
        (w.total + 1) * LINE_PX + 2 * PAD_PX,
        w.first * LINE_PX
    );
    let area_style = format!(
        "height: {}px; width: calc({}ch + {}px)",
        (w.lines + 1) * LINE_PX + 2 * PAD_PX,
        columns(shown) + 2,
        4 * PAD_PX
    );
    let onmode = {
        let onmode = props.onmode.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(mode) = select.value().parse() {
                onmode.emit(mode);
            }
        })
    };
    html! {
        <div class="editor">
            <div class="editor-head">
                <h2 id="editor-title">{ "Services" }</h2>
                if let Some(progress) = &props.progress {
                    <div class="applying" role="status" data-testid="applying">
                        <progress max={progress.total.max(1).to_string()} value={progress.done.to_string()} />
                        <span>{ describe(progress) }</span>
                        <button onclick={oncancel} data-testid="cancel-apply">{ "Stop" }</button>
                    </div>
                } else {
                    <span class="hint" data-testid="editor-hint">{
                        if *all_selected {
                            format!("All {} lines ({}) selected", w.total, view::size(props.text.len()))
                        } else {
                            "Ctrl/⌘ + Enter applies".to_owned()
                        }
                    }</span>
                    if props.can_restore {
                        <button class="link" onclick={onrestore}>{ "Put back my text" }</button>
                    }
                    <select data-testid="mode" aria-label="How Apply sends the manifests" onchange={onmode}
                        title="The kubectl command Apply stands for. A scenario's own steps say theirs.">
                        { for MODES.into_iter().map(|(mode, label)| html! {
                            <option value={mode.as_str()} selected={mode == props.mode}>{ label }</option>
                        }) }
                    </select>
                    <button class="primary" data-testid="apply" onclick={onapply}>{ "Apply" }</button>
                }
            </div>
            <div class="code" style={format!("line-height: {LINE_PX}px")} {onscroll}>
                <div class="sheet" ref={sheet} style={sheet_style}>
                    <pre class="gutter" aria-hidden="true">{ gutter_runs }</pre>
                    <textarea ref={area} data-testid="yaml-input" aria-labelledby="editor-title" spellcheck="false"
                        wrap="off" style={area_style} value={shown.to_owned()} {oninput} {onkeydown}
                        {oncopy} {oncut} {onpointerdown} {onblur} />
                </div>
            </div>
        </div>
    }
}

/// The modes beside Apply, as the picker names them.
const MODES: [(Mode, &str); 3] = [
    (Mode::Apply, "kubectl apply"),
    (Mode::Replace, "kubectl replace"),
    (Mode::Create, "kubectl create"),
];

/// What an Apply in progress is doing.
fn describe(progress: &Progress) -> String {
    let Progress { done, total, .. } = progress;
    match progress.phase {
        Phase::Parsing => format!("Reading {} of {}", view::size(*done), view::size(*total)),
        Phase::Decoding => format!("Decoding document {done} of {total}"),
        Phase::Running => format!("Running step {done} of {total}"),
    }
}

/// The text area, if it has the focus.
fn focused(area: &NodeRef) -> Option<HtmlTextAreaElement> {
    let area = area.cast::<HtmlTextAreaElement>()?;
    let active = gloo::utils::document().active_element()?;
    (active == **area).then_some(area)
}

/// The text area's selection, in bytes of its text.
fn selection(area: &HtmlTextAreaElement) -> Option<(usize, usize)> {
    let text = area.value();
    let start = area.selection_start().ok()??;
    let end = area.selection_end().ok()??;
    Some((utf8_offset(&text, start), utf8_offset(&text, end)))
}

/// Puts the caret where [`Caret`] says, after the window moved to hold lines from `first` on,
/// starting at byte `start` of the text.
fn place_caret(
    area: &NodeRef,
    sheet: &NodeRef,
    caret: &Rc<RefCell<Caret>>,
    first: u32,
    start: usize,
) {
    let mut caret = caret.borrow_mut();
    let wanted = caret.jump.take().map(|at| (at, at)).or(caret.kept.take());
    let Some(area) = focused(area) else {
        return;
    };
    let text = area.value();
    let end = start + text.len();
    let (from, to) = match wanted {
        Some((a, b)) if (start..=end).contains(&a) && (start..=end).contains(&b) => {
            (a - start, b - start)
        }
        _ => {
            let scrolled = sheet
                .cast::<HtmlElement>()
                .and_then(|s| s.parent_element())
                .map_or(0, |s| s.scroll_top().max(0) as u32);
            let line = (scrolled.saturating_sub(PAD_PX) / LINE_PX).saturating_sub(first);
            let at = text
                .split_inclusive('\n')
                .take(line as usize)
                .map(str::len)
                .sum::<usize>();
            (at, at)
        }
    };
    let _ = area.set_selection_range(utf16_offset(&text, from), utf16_offset(&text, to));
}

/// The byte offset of UTF-16 offset `units` in `text` (a text area counts in UTF-16).
fn utf8_offset(text: &str, units: u32) -> usize {
    let mut seen = 0;
    for (at, c) in text.char_indices() {
        if seen >= units as usize {
            return at;
        }
        seen += c.len_utf16();
    }
    text.len()
}

/// The UTF-16 offset of byte offset `at` in `text` (or of the character it falls in: a caret kept
/// from a text since replaced may point anywhere).
fn utf16_offset(text: &str, at: usize) -> u32 {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let units: usize = text[..at].chars().map(char::len_utf16).sum();
    u32::try_from(units).unwrap_or(u32::MAX)
}

/// The width of the longest line, in character cells: a tab takes up to 8, a character outside
/// ASCII is counted as 2, so that wide characters are never cut off.
fn columns(text: &str) -> usize {
    text.split('\n')
        .map(|line| {
            line.chars().fold(0, |width, c| match c {
                '\t' => width / 8 * 8 + 8,
                c if c.is_ascii() => width + 1,
                _ => width + 2,
            })
        })
        .max()
        .unwrap_or(0)
}

/// The line numbers of the `lines` lines from `first` (from 0), as a few text runs with the
/// marked lines (the problem's line and the rejections' lines, with their messages as tooltips)
/// in between: thousands of lines stay a handful of DOM nodes.
fn line_numbers(first: u32, lines: u32, problem_line: Option<u32>, marks: &Marks) -> Html {
    let (from, to) = (first + 1, first + lines);
    let shown = marks.partition_point(|(line, _)| *line < from)
        ..marks.partition_point(|(line, _)| *line <= to);
    let mut marked: Vec<(u32, &str)> = marks[shown]
        .iter()
        .map(|(line, message)| (*line, message.as_str()))
        .collect();
    // The input's error takes its line.
    if let Some(line) = problem_line.filter(|line| (from..=to).contains(line)) {
        let at = marked.partition_point(|(marked, _)| *marked < line);
        let here = (line, "the input error is here");
        match marked.get_mut(at) {
            Some(mark) if mark.0 == line => *mark = here,
            _ => marked.insert(at, here),
        }
    }
    let numbers = |from: u32, to: u32| (from..to).map(|n| format!("{n}\n")).collect::<String>();
    let mut runs = Vec::with_capacity(marked.len() * 2 + 1);
    let mut next = from;
    for (line, message) in marked {
        runs.push(html! { { numbers(next, line) } });
        runs.push(
            html! { <span class="mark" title={message.to_owned()}>{ format!("{line}\n") }</span> },
        );
        next = line + 1;
    }
    runs.push(html! { { numbers(next, to + 1) } });
    runs.into_iter().collect()
}
