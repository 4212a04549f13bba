//! HTML written as text, for the long lists (the step log, the Service list): the browser's parser
//! builds thousands of elements far faster than a virtual DOM does. Every piece of text goes
//! through [`escape`].

use std::fmt::Write;

/// `text` with `& < > " '` escaped, safe inside elements and quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Appends `<tag attrs>escaped text</tag>` to `out`; `attrs` must already be escaped.
pub fn element(out: &mut String, tag: &str, attrs: &str, text: &str) {
    let _ = write!(out, "<{tag}{attrs}>{}</{tag}>", escape(text));
}

/// The button a click in a list written by this module landed on (its actions are data attributes).
pub fn clicked_button(event: &web_sys::MouseEvent) -> Option<web_sys::Element> {
    use wasm_bindgen::JsCast;
    let target = event.target()?.dyn_into::<web_sys::Element>().ok()?;
    target.closest("button").ok().flatten()
}

#[cfg(test)]
mod tests {
    use super::{element, escape};

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape(r#"<b a="1">&'"#),
            "&lt;b a=&quot;1&quot;&gt;&amp;&#39;"
        );
        let mut out = String::new();
        element(&mut out, "span", r#" class="x""#, "a<b");
        assert_eq!(out, r#"<span class="x">a&lt;b</span>"#);
    }
}
