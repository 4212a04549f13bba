//! The log of steps: what each did, its nodePorts and bands, and the apiserver's error text.
//! Rendered as HTML text (see `markup`): a run can have thousands of steps.

use crate::markup::{clicked_button, element, escape};
use crate::state::{Action, Dispatch, Shared};
use portband_kube::{Cause, History, Outcome};
use std::fmt::Write;
use web_sys::Element;
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
    /// How many steps the shown state has run (later steps are dimmed).
    pub position: usize,
    /// Where actions go.
    pub ondispatch: Dispatch,
}

/// The outcome log. A click on a step's number moves the cursor there; on its Service, highlights it.
#[component]
pub fn Outcomes(props: &OutcomesProps) -> Html {
    let list = use_node_ref();
    let items = {
        let deps = (
            props.history.clone(),
            props.fresh.clone(),
            props.selected.clone(),
            props.position,
        );
        use_memo(deps, |(history, fresh, selected, position)| {
            render(history.outcomes(), fresh, selected.as_deref(), *position)
        })
    };
    // New steps scroll the newest into view; any other re-render keeps the reader's place, read
    // here, before the list's content is replaced (which resets its scroll position). Only then:
    // the read forces a layout of the half-updated page (24 ms of an Apply of 500 Services).
    let count = props.history.outcomes().len();
    let scroll = use_mut_ref(|| (0usize, 0i32));
    if scroll.borrow().0 == count {
        if let Some(list) = list.cast::<Element>() {
            scroll.borrow_mut().1 = list.scroll_top();
        }
    }
    {
        let (list, scroll) = (list.clone(), scroll.clone());
        use_effect_with(items.clone(), move |_| {
            let Some(list) = list.cast::<Element>() else {
                return;
            };
            let mut scroll = scroll.borrow_mut();
            if scroll.0 != count {
                scroll.0 = count;
                list.set_scroll_top(list.scroll_height());
            } else {
                list.set_scroll_top(scroll.1);
            }
        });
    }
    let onclick = {
        let ondispatch = props.ondispatch.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(button) = clicked_button(&e) else {
                return;
            };
            if let Some(step) = button
                .get_attribute("data-seek")
                .and_then(|n| n.parse().ok())
            {
                ondispatch.dispatch(Action::Seek(step));
            } else if let Some(key) = button.get_attribute("data-select") {
                ondispatch.dispatch(Action::Select(Some(key)));
            }
        })
    };
    html! {
        <div class="outcomes">
            <h2>{ format!("Steps ({count})") }</h2>
            if count == 0 {
                <p class="empty">{ "Nothing applied yet." }</p>
            }
            <ol ref={list} data-testid="outcomes" aria-live="polite" {onclick}>
                { Html::from_html_unchecked(AttrValue::from((*items).clone())) }
            </ol>
        </div>
    }
}

/// The most steps listed at once: a window around the cursor. A thousand rows take the browser a
/// few tens of milliseconds to build; 65,536 took seconds.
const MOST: usize = 1000;

/// The `<li>` of each step in the window around the cursor, and a note for those left out.
fn render(
    outcomes: &[Outcome],
    fresh: &std::ops::Range<usize>,
    selected: Option<&str>,
    position: usize,
) -> String {
    let len = outcomes.len();
    let first = position
        .saturating_sub(MOST / 2)
        .min(len.saturating_sub(MOST));
    let last = len.min(first + MOST);
    let mut out = String::with_capacity((last - first) * 300);
    if first > 0 {
        let _ = write!(
            out,
            r#"<li class="elided">Steps 1–{first} are not listed: step back to see them.</li>"#
        );
    }
    for (i, outcome) in outcomes.iter().enumerate().take(last).skip(first) {
        // The step the cursor stands after is current; later ones have not happened yet.
        let when = match (i + 1).cmp(&position) {
            std::cmp::Ordering::Equal if position < len => " current",
            std::cmp::Ordering::Greater => " future",
            _ => "",
        };
        let selected = selected == Some(outcome.service.as_str());
        step(&mut out, i, outcome, fresh.contains(&i), selected, when);
    }
    if last < len {
        let _ = write!(
            out,
            r#"<li class="elided">Steps {}–{len} are not listed: step forward to see them.</li>"#,
            last + 1
        );
    }
    out
}

fn step(out: &mut String, i: usize, outcome: &Outcome, fresh: bool, selected: bool, when: &str) {
    let verdict = outcome.verdict.as_str();
    let node_ports: Vec<String> = outcome
        .held()
        .iter()
        .filter(|h| !h.ports.is_empty())
        .map(|h| h.node_port.to_string())
        .collect();
    let service = escape(&outcome.service);
    let _ = write!(
        out,
        r#"<li class="outcome {verdict}{}{}{when}" data-testid="outcome" data-service="{service}" data-result="{verdict}" data-node-ports="{}"><div class="line"><button class="link n" data-seek="{}" title="Show the cluster after this step, and why">{}</button><span class="verb">{}</span><button class="link service" data-select="{service}">{service}</button><span class="verdict {verdict}">{verdict}</span>"#,
        if fresh { " fresh" } else { "" },
        if selected { " selected" } else { "" },
        node_ports.join(","),
        i + 1,
        i + 1,
        outcome.action.as_str(),
    );
    if let Some(kind) = &outcome.kind {
        element(out, "span", r#" class="kind""#, &format!("({kind})"));
    }
    out.push_str("</div>");
    let lines = outcome.port_lines();
    if !lines.is_empty() {
        out.push_str(r#"<ul class="ports">"#);
        for line in &lines {
            element(out, "li", "", line);
        }
        out.push_str("</ul>");
    }
    if let Some(error) = &outcome.error {
        out.push_str(r#"<p class="apierror">"#);
        element(
            out,
            "span",
            r#" class="code""#,
            &format!("{} {}", error.code(), error.reason()),
        );
        element(
            out,
            "code",
            "",
            &outcome
                .kubectl_error("STDIN")
                .unwrap_or_else(|| error.to_string()),
        );
        if let Some(Cause::Taken { holder, .. }) = &outcome.cause {
            let note = match holder {
                Some(holder) => format!(
                    " The port is held by {} ({}).",
                    holder.service, holder.field
                ),
                None => " An earlier field of the same request took the port.".to_owned(),
            };
            element(out, "span", r#" class="holder""#, &note);
        }
        out.push_str("</p>");
    }
    out.push_str("</li>");
}
