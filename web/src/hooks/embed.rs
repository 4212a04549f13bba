//! An embed's conversation with the page around it, through `postMessage`: it says which step it
//! shows (`portband:step-changed`), and it takes the page's commands to show a step, apply YAML or
//! load a preset. A page that sizes its frames to their content (`/js/embed.js`) asks with
//! `portband:auto-size`; the embed then lays itself out by its width alone and says its height
//! (`portband:resize`) whenever it changes. Only the parent window is listened to, and messages of
//! any other shape are ignored.

use crate::link::Layout;
use crate::state::{Action, Dispatch};
use wasm_bindgen::prelude::*;
use yew::prelude::*;

#[wasm_bindgen(inline_js = r#"
const around = () => (parent !== window ? parent : null);
export function post_step(at, of) { around()?.postMessage({ type: "portband:step-changed", at, of }, "*"); }
export function command_of(e) {
  const d = e.data;
  if (!around() || e.source !== parent || !d || typeof d !== "object") return 255;
  if (d.type === "portband:step" && Number.isInteger(d.at) && d.at >= 0) return 0;
  if (d.type === "portband:apply" && typeof d.yaml === "string") return 1;
  if (d.type === "portband:preset" && typeof d.name === "string") return 2;
  if (d.type === "portband:auto-size") fit_content();
  return 255;
}
let natural = false;
function fit_content() {
  if (natural) return;
  natural = true;
  document.documentElement.classList.add("natural");
  const body = document.body;
  new ResizeObserver(() => parent.postMessage({ type: "portband:resize", height: Math.ceil(body.getBoundingClientRect().height) }, "*")).observe(body);
  dispatchEvent(new Event("resize"));
}
export const frame_height = () => (natural ? Infinity : innerHeight);
export function at_of(e) { return e.data.at; }
export function text_of(e) { return e.data.yaml ?? e.data.name; }
"#)]
extern "C" {
    /// Posts `{ type: "portband:step-changed", at, of }` to the window around the embed, if there
    /// is one.
    fn post_step(at: f64, of: f64);
    /// Which command a `message` event is: 0 step, 1 apply, 2 preset; 255 for anything else (a
    /// message of another shape, or from a window other than the parent). `portband:auto-size`
    /// is carried out here, in the page: the document takes the class `natural` (the stylesheet
    /// then lays the embed out by its width alone) and its height is posted to the parent
    /// (`portband:resize`) now and whenever its size changes.
    fn command_of(event: &web_sys::Event) -> u8;
    /// The frame's height, as far as the layout goes by it: none (infinite) once the frame is
    /// sized to its content.
    fn frame_height() -> f64;
    /// A step command's `at`.
    fn at_of(event: &web_sys::Event) -> f64;
    /// An apply command's `yaml`, or a preset command's `name`.
    fn text_of(event: &web_sys::Event) -> String;
}

/// In an embed: tells the parent the step shown (`at` of `of`, as the step controls say it) when
/// it changes, once a history is shown (`shown`), and runs the parent's commands.
#[hook]
pub fn use_embed_messages(embed: bool, shown: Option<(usize, usize)>, dispatch: Dispatch) {
    use_effect_with((embed, shown), |&(embed, shown)| {
        if let (true, Some((at, of))) = (embed, shown) {
            post_step(at as f64, of as f64);
        }
    });
    use_effect_with(embed, move |&embed| {
        let listeners = embed.then(|| {
            let window = gloo::utils::window();
            gloo::events::EventListener::new(&window, "message", move |event| {
                let actions = match command_of(event) {
                    0 => vec![Action::Seek(at_of(event) as usize)],
                    1 => vec![Action::EditAll(text_of(event)), Action::Apply],
                    2 => vec![Action::LoadPresetNamed(text_of(event))],
                    _ => return,
                };
                for action in actions {
                    dispatch.dispatch(action);
                }
            })
        });
        move || drop(listeners)
    });
}

/// How an embed lays itself out in its frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Framed {
    /// The compact layout, rather than the standard one.
    pub compact: bool,
    /// The frame has a height of its own (not sized to its content): the grid fills what is left.
    pub fixed: bool,
}

/// In an embed: whether it shows its compact layout, as `layout` says or, for
/// [`Layout::Auto`], as the frame's size does, and whether the frame has a height of its own
/// (both followed when the frame is resized). A frame sized to its content has no height of its
/// own to go by: it takes the standard layout. Outside an embed: neither.
#[hook]
pub fn use_framed(embed: bool, layout: Layout) -> Framed {
    let size = || {
        let window = gloo::utils::window();
        let width = window.inner_width().ok().and_then(|v| v.as_f64());
        (width.unwrap_or(0.0), frame_height())
    };
    let frame = use_state(size);
    {
        let frame = frame.clone();
        use_effect_with(embed, move |&embed| {
            let listener = embed.then(|| {
                gloo::events::EventListener::new(&gloo::utils::window(), "resize", move |_| {
                    frame.set(size())
                })
            });
            move || drop(listener)
        });
    }
    Framed {
        compact: embed && layout.compact_at(frame.0, frame.1),
        fixed: embed && frame.1.is_finite(),
    }
}
