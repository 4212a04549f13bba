//! The browser calls both pages make: a file offered for download, and the address's fragment.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r##"
export function download(name, text, kind) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([text], { type: kind }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 0);
}
export function fragment() { return location.hash.slice(1); }
export function set_fragment(fragment) {
  history.replaceState(history.state, "", fragment ? "#" + fragment : location.pathname + location.search);
}
"##)]
extern "C" {
    /// Offers `text` as a file called `name`, of media type `kind`.
    pub fn download(name: &str, text: &str, kind: &str);
    /// The address's fragment, without its `#`.
    pub fn fragment() -> String;
    /// Replaces the address's fragment (without a new history entry).
    pub fn set_fragment(fragment: &str);
}
