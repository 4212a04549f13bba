//! The visible report of a crash: a dead page must never be silent.
//!
//! The release build aborts at once on a panic, without formatting a message (smaller code): the
//! wasm module traps, and the listeners [`watch`] sets up report the trap. Other builds hand the
//! panic's message to [`report`] first. The banner is written by JavaScript, which still runs when
//! the wasm module cannot.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
let shown = false;
export function report(message) {
  if (shown) return;
  shown = true;
  const banner = document.createElement("div");
  banner.className = "panic";
  banner.setAttribute("role", "alert");
  banner.dataset.testid = "panic";
  banner.textContent = `portband hit an internal error and stopped responding: ${message}. ` +
    "Your text is still in the editor: copy it, then reload the page. " +
    "Please report this with the text that caused it.";
  document.body.prepend(banner);
}
export function watch() {
  const trap = (error) => {
    if (error instanceof WebAssembly.RuntimeError) report(`${error.name}: ${error.message}`);
  };
  addEventListener("error", (event) => trap(event.error));
  addEventListener("unhandledrejection", (event) => trap(event.reason));
}
"#)]
extern "C" {
    /// Shows `message` in a banner at the top of the page, with what to do next (once).
    pub fn report(message: &str);
    /// Reports any later trap of the wasm module (an aborted panic) with [`report`].
    pub fn watch();
}
