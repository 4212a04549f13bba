//! The browser calls both pages make: a history packed for an address (the browser's own
//! deflate, base64url) and unpacked from one, a file offered for download, and the address's
//! fragment.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r##"
const LIMIT = 16 << 20;
const base64url = (bytes) => {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
};
async function drain(stream) {
  const reader = stream.getReader(), parts = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > LIMIT) { await reader.cancel(); throw "it unpacks to more than 16 MiB"; }
    parts.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) { out.set(part, at); at += part.length; }
  return out;
}
export async function pack(text) {
  return base64url(await drain(new Blob([text]).stream().pipeThrough(new CompressionStream("deflate-raw"))));
}
export async function unpack(code) {
  let bytes;
  try {
    bytes = Uint8Array.from(atob(code.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
  } catch { throw "it is not base64url text"; }
  try {
    const out = await drain(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw")));
    return new TextDecoder("utf-8", { fatal: true }).decode(out);
  } catch (e) { throw typeof e === "string" ? e : "it is not compressed portband state (the link may be cut short)"; }
}
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
    #[wasm_bindgen(catch)]
    async fn pack(text: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch)]
    async fn unpack(code: &str) -> Result<JsValue, JsValue>;
    /// Offers `text` as a file called `name`, of media type `kind`.
    pub fn download(name: &str, text: &str, kind: &str);
    /// The address's fragment, without its `#`.
    pub fn fragment() -> String;
    /// Replaces the address's fragment (without a new history entry).
    pub fn set_fragment(fragment: &str);
}

/// Compresses a state for the address.
pub async fn pack_state(text: &str) -> Result<String, String> {
    let packed = pack(text).await.map_err(message)?;
    Ok(packed.as_string().unwrap_or_default())
}

/// Unpacks an address's state, or says why it cannot be read.
pub async fn unpack_state(code: &str) -> Result<String, String> {
    let text = unpack(code).await.map_err(message)?;
    Ok(text.as_string().unwrap_or_default())
}

/// What a browser call that failed threw, in words.
pub fn message(error: JsValue) -> String {
    error
        .as_string()
        .unwrap_or_else(|| "the browser refused".to_owned())
}
