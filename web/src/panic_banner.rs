//! The visible report of a crash: a dead page must never be silent.
//!
//! The release build aborts at once on a panic, without formatting a message (smaller code): the
//! wasm module traps, and the listeners [`install`] sets up report the trap. Other builds hand the
//! panic's message to the banner first. The banner is written by JavaScript, which still runs
//! when the wasm module cannot.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
let shown = false;
let advice = "";
export function report(message) {
  if (shown) return;
  shown = true;
  const banner = document.createElement("div");
  banner.className = "panic";
  banner.setAttribute("role", "alert");
  banner.dataset.testid = "panic";
  banner.textContent = `portband hit an internal error and stopped responding: ${message}. ` +
    advice;
  document.body.prepend(banner);
}
export function watch(what_to_do) {
  advice = what_to_do;
  const trap = (error) => {
    if (error instanceof WebAssembly.RuntimeError) report(`${error.name}: ${error.message}`);
  };
  addEventListener("error", (event) => trap(event.error));
  addEventListener("unhandledrejection", (event) => trap(event.reason));
}
"#)]
extern "C" {
    fn report(message: &str);
    fn watch(advice: &str);
}

/// From now on, a crash of the page's code shows a banner with its message and `advice`, what
/// the user can do next (once).
pub fn install(advice: &str) {
    watch(advice);
    // The release build aborts on a panic before any hook could run.
    #[cfg(not(panic = "immediate-abort"))]
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        report(&info.to_string());
    }));
}
