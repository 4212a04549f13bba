//! The lessons list: each lesson's title and introduction, a button to open it.

use crate::presets::PRESETS;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

/// Props of [`Lessons`].
#[derive(Properties, PartialEq)]
pub struct LessonsProps {
    /// The lesson the history is, while nothing else has changed it.
    pub open: Option<usize>,
    /// Open lesson `i`.
    pub onopen: Callback<usize>,
}

/// A disclosure in the header that lists the lessons; choosing one (or Escape) closes it.
#[component]
pub fn Lessons(props: &LessonsProps) -> Html {
    let list = use_node_ref();
    let close = {
        let list = list.clone();
        move || {
            if let Some(list) = list.cast::<Element>() {
                let _ = list.remove_attribute("open");
            }
        }
    };
    let onkeydown = {
        let close = close.clone();
        let list = list.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                close();
                // Back to the summary, where the focus was when the list opened.
                if let Some(summary) = list.cast::<Element>().and_then(|l| l.first_element_child())
                {
                    let _ = summary.unchecked_into::<HtmlElement>().focus();
                }
            }
        })
    };
    let lessons = PRESETS.iter().enumerate().map(|(i, lesson)| {
        let onclick = {
            let (close, onopen) = (close.clone(), props.onopen.clone());
            Callback::from(move |_: MouseEvent| {
                close();
                onopen.emit(i);
            })
        };
        let current = props.open == Some(i);
        html! {
            <li>
                <button data-testid="lesson" aria-current={current.then_some("true")} {onclick}>{ lesson.label }</button>
                <p>{ lesson.introduction }</p>
            </li>
        }
    });
    html! {
        <details class="lessons" ref={list} data-testid="lessons" {onkeydown}>
            <summary>{ "Lessons" }</summary>
            <ol>{ for lessons }</ol>
        </details>
    }
}
