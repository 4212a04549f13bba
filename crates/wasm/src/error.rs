//! Unusable input as JavaScript errors: the CLI's `FILE:line:column: error: …` text with the file
//! named `-` (or `cluster`, for `check`'s cluster state), and `line` and `column` properties where
//! there is a position.

use portband_kube::InputError;
use wasm_bindgen::JsValue;

/// An `Error` for input named `file` that cannot be read.
pub fn input_error(file: &str, e: &InputError) -> JsValue {
    let error = js_sys::Error::new(&format!(
        "{file}:{}:{}: error: {} (document {})",
        e.pos.line, e.pos.column, e.message, e.document
    ));
    for (key, value) in [("line", e.pos.line), ("column", e.pos.column)] {
        // Setting a property on a fresh Error cannot fail.
        let _ = js_sys::Reflect::set(&error, &key.into(), &value.into());
    }
    let _ = js_sys::Reflect::set(&error, &"detail".into(), &e.message.as_str().into());
    error.into()
}

/// An `Error` with no position: `error: <message>`.
pub fn plain_error(message: &str) -> JsValue {
    js_sys::Error::new(&format!("error: {message}")).into()
}
