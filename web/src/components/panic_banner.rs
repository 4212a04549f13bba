//! The visible report of a panic: a dead page must never be silent.

/// Shows `message` in a banner at the top of the page, with what to do next.
pub fn show(message: &str) {
    let Some(document) = gloo::utils::window().document() else {
        return;
    };
    let Ok(banner) = document.create_element("div") else {
        return;
    };
    banner.set_class_name("panic");
    let _ = banner.set_attribute("role", "alert");
    let _ = banner.set_attribute("data-testid", "panic");
    banner.set_text_content(Some(&format!(
        "portband hit an internal error and stopped responding: {message}. \
         Your text is still in the editor: copy it, then reload the page. \
         Please report this with the text that caused it."
    )));
    if let Some(body) = document.body() {
        let _ = body.prepend_with_node_1(&banner);
    }
}
