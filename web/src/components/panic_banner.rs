//! The visible report of a panic: a dead page must never be silent.

use crate::markup::escape;

/// Shows `message` in a banner at the top of the page, with what to do next.
pub fn show(message: &str) {
    let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    else {
        return;
    };
    let banner = format!(
        r#"<div class="panic" role="alert" data-testid="panic">portband hit an internal error and stopped responding: {}. Your text is still in the editor: copy it, then reload the page. Please report this with the text that caused it.</div>"#,
        escape(message)
    );
    let _ = body.insert_adjacent_html("afterbegin", &banner);
}
