//! Share links: the page address's fragment carries the history (a scenario file, compressed with
//! the browser's own deflate: `portband_web::browser`), the step shown, and whether the page is an
//! embed. Also the browser calls that sharing needs: the clipboard, the page's address.

use wasm_bindgen::prelude::*;

/// Links longer than this may be cut by chat tools, mail clients and some browsers.
pub const LONG_LINK: usize = 8_000;
/// Browsers refuse addresses longer than about 2 MB; states past this are not put in the address.
pub const MOST_LINK: usize = 1_900_000;

#[wasm_bindgen(inline_js = r##"
export async function copy(text) {
  try { await navigator.clipboard.writeText(text); } catch { throw "the browser did not allow copying"; }
}
export function address() { return [location.search, location.hash.slice(1)]; }
export function base() { return location.origin + location.pathname; }
export function folder() { return new URL(".", location.href).href; }
"##)]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn copy(text: &str) -> Result<(), JsValue>;
    fn address() -> Vec<String>;
    /// The page's address without query or fragment.
    pub fn base() -> String;
    /// The address of the page's folder (where `js/` is), with its final `/`.
    pub fn folder() -> String;
}

#[wasm_bindgen]
extern "C" {
    /// JavaScript's `decodeURIComponent`: throws on a malformed escape or one that is not UTF-8.
    #[wasm_bindgen(catch, js_name = decodeURIComponent)]
    fn decode_uri_component(text: &str) -> Result<String, JsValue>;
}

/// What the page's address asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fragment {
    /// `?embed` or `#embed`: the view for documentation pages.
    pub embed: bool,
    /// `embed=compact` or `embed=standard`: the embed's layout (plain `embed`: by frame size).
    pub layout: Layout,
    /// `caption=`: a line shown above an embed's grid, percent-encoded ([`caption_text`]).
    pub caption: Option<String>,
    /// `s=`: the compressed state.
    pub state: Option<String>,
    /// `at=`: the step shown.
    pub at: Option<usize>,
    /// `preset=`: a preset's name.
    pub preset: Option<String>,
}

/// How an embed lays itself out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Layout {
    /// By the frame's size: compact in a short or small frame (about 400×300), standard otherwise.
    #[default]
    Auto,
    /// The grid first, the step shown on one line, "Why this port?" a click away.
    Compact,
    /// The grid, the log and "Why this port?".
    Standard,
}

impl Layout {
    /// Whether a frame of `width`×`height` CSS pixels shows this layout as compact.
    pub fn compact_at(self, width: f64, height: f64) -> bool {
        match self {
            // Short frames, and small ones; a narrow but tall frame (a phone) stacks the
            // standard layout.
            Layout::Auto => height < 380.0 || (width < 560.0 && height < 560.0),
            Layout::Compact => true,
            Layout::Standard => false,
        }
    }
}

impl Fragment {
    /// Reads the page's address.
    pub fn current() -> Fragment {
        let parts = address();
        let part = |i: usize| parts.get(i).map_or("", String::as_str);
        Fragment::parse(part(0), part(1))
    }

    /// Reads a query (`?embed`) and a fragment without its `#` (`embed&s=…&at=3`).
    pub fn parse(query: &str, fragment: &str) -> Fragment {
        let mut out = Fragment::default();
        let query = query.trim_start_matches('?').split('&');
        for part in query.chain(fragment.split('&')) {
            match part.split_once('=') {
                Some(("s", code)) if !code.is_empty() => out.state = Some(code.to_owned()),
                Some(("at", n)) => out.at = n.parse().ok(),
                Some(("preset", name)) => out.preset = Some(name.to_owned()),
                Some(("caption", text)) if !text.is_empty() => out.caption = Some(text.to_owned()),
                Some(("embed", layout)) => {
                    out.embed = true;
                    out.layout = match layout {
                        "compact" => Layout::Compact,
                        "standard" => Layout::Standard,
                        _ => Layout::Auto,
                    };
                }
                None if part == "embed" => out.embed = true,
                _ => {}
            }
        }
        out
    }

    /// The fragment for `state` (already packed) shown at step `at`.
    pub fn write(embed: bool, state: &str, at: Option<usize>) -> String {
        let mut out = String::new();
        if embed {
            out.push_str("embed&");
        }
        if let Some(at) = at {
            out.push_str(&format!("at={at}&"));
        }
        out.push_str("s=");
        out.push_str(state);
        out
    }
}

/// A `caption=` as the embed shows it: percent-decoded (`+` for a space, as forms write it) and
/// trimmed; `None` when empty or not percent-encoded UTF-8.
pub fn caption_text(encoded: &str) -> Option<String> {
    let text = decode_uri_component(&encoded.replace('+', " ")).ok()?;
    let text = text.trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// Puts `text` on the clipboard.
pub async fn copy_text(text: &str) -> Result<(), String> {
    copy(text).await.map_err(portband_web::browser::message)
}

#[cfg(test)]
mod tests {
    use super::{Fragment, Layout};

    #[test]
    fn reads_and_writes_fragments() {
        let f = Fragment::parse("", "at=3&s=abc-_");
        assert_eq!(
            (f.embed, f.state.as_deref(), f.at),
            (false, Some("abc-_"), Some(3))
        );
        assert!(Fragment::parse("?x=1&embed", "").embed);
        assert!(Fragment::parse("", "embed&preset=kep-3668-story").embed);
        assert_eq!(
            Fragment::parse("", "preset=kep-3668-story")
                .preset
                .as_deref(),
            Some("kep-3668-story")
        );
        assert_eq!(Fragment::parse("", "garbage&&s=&at=x"), Fragment::default());
        // The embed's layout and caption, from the query or the fragment.
        let f = Fragment::parse(
            "?embed=compact",
            "preset=dns-tcp-and-udp&caption=Two%20ports,+one+nodePort",
        );
        assert_eq!((f.embed, f.layout), (true, Layout::Compact));
        assert_eq!(f.caption.as_deref(), Some("Two%20ports,+one+nodePort"));
        assert_eq!(
            Fragment::parse("", "embed=standard").layout,
            Layout::Standard
        );
        assert_eq!(Fragment::parse("", "embed=sideways").layout, Layout::Auto);
        assert_eq!(Fragment::parse("", "embed&caption=").caption, None);
        assert!(Layout::Auto.compact_at(400.0, 300.0));
        assert!(!Layout::Auto.compact_at(800.0, 500.0));
        assert!(!Layout::Auto.compact_at(390.0, 844.0));
        assert!(Layout::Auto.compact_at(1200.0, 350.0));
        assert!(Layout::Compact.compact_at(800.0, 500.0));
        assert!(!Layout::Standard.compact_at(400.0, 300.0));
        let written = Fragment::write(true, "abc", Some(2));
        assert_eq!(written, "embed&at=2&s=abc");
        let back = Fragment::parse("", &written);
        assert_eq!(
            (back.embed, back.at, back.state.as_deref()),
            (true, Some(2), Some("abc"))
        );
    }
}
