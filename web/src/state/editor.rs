//! The editor's text, the window of it the text area holds, the text a preset replaced, and
//! what the last Apply found in it.

use super::Shared;
use crate::engine::EngineError;
use portband_contract::Mode;
use portband_contract::Refusal;
use std::rc::Rc;

/// A problem with the editor's text, at a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextProblem {
    /// `Line L, column C: message`.
    pub message: String,
    /// The line it points at.
    pub line: u32,
}

/// Texts up to this size sit whole in the text area. A longer one is held a window of lines at
/// a time, around the lines in view: with megabytes in it, a browser's text area takes most of
/// a second per keystroke.
pub const WHOLE_BYTES: usize = 128 << 10;
/// Lines a window holds above and below those in view.
const MARGIN: u32 = 300;
/// How close to a window's edge the view may come before the window moves.
const GUARD: u32 = 100;

/// The lines of the text the text area holds: all of them, or a window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TextWindow {
    /// The first line held, from 0.
    pub first: u32,
    /// How many lines are held.
    pub lines: u32,
    /// Where they are in the text: bytes `start..end`, without the line break after the last.
    pub start: usize,
    /// See `start`.
    pub end: usize,
    /// How many lines the whole text has.
    pub total: u32,
}

/// The editor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Editor {
    /// The text (shared: copying the state copies no megabytes).
    pub text: Rc<String>,
    /// The lines the text area holds.
    pub window: TextWindow,
    /// The text a preset replaced, offered back.
    pub replaced: Option<String>,
    /// Why the text could not be read, the last time it was applied.
    pub problem: Option<TextProblem>,
    /// Lines the last Apply's rejections point at, with their messages, while the text is
    /// unchanged: [`Marks`].
    pub marks: Marks,
    /// How Apply sends the text's manifests: `kubectl apply`, `replace` or `create`.
    pub mode: Mode,
}

impl Editor {
    /// An editor holding `text`.
    pub fn new(text: String) -> Self {
        let mut editor = Editor {
            text: Rc::new(text),
            window: TextWindow::default(),
            replaced: None,
            problem: None,
            marks: Marks::default(),
            mode: Mode::default(),
        };
        editor.set_text(None);
        editor
    }

    /// The text the text area holds.
    pub fn shown(&self) -> &str {
        &self.text[self.window.start..self.window.end]
    }

    /// Whether the text area holds a window of the text rather than all of it.
    pub fn windowed(&self) -> bool {
        self.text.len() > WHOLE_BYTES
    }

    /// The user changed the text area's text (`shown`): its marks and problem no longer apply.
    /// False if it is the same.
    pub fn edit(&mut self, shown: String) -> bool {
        if shown == self.shown() {
            return false;
        }
        let lines = line_count(&shown);
        let w = &mut self.window;
        w.total = (w.total - w.lines).saturating_add(lines);
        w.lines = lines;
        Rc::make_mut(&mut self.text).replace_range(w.start..w.end, &shown);
        w.end = w.start + shown.len();
        let (first, held, lines, total) = (w.first, w.end - w.start, w.lines, w.total);
        if self.windowed() && held > WHOLE_BYTES && lines > 2 * MARGIN {
            // A paste made the text area's text long: it holds a window from here on.
            self.window = self.window_around(first, 0);
        } else if !self.windowed() && lines != total {
            // A cut made the text short: the text area holds all of it.
            self.window = self.window_around(0, 0);
        }
        self.marks = Marks::default();
        self.problem = None;
        true
    }

    /// The window to hold once the lines `top..top + rows` are in view: a new one when they come
    /// near the edge of the one held, else none.
    pub fn scrolled(&self, top: u32, rows: u32) -> Option<TextWindow> {
        let w = self.window;
        let bottom = top.saturating_add(rows).min(w.total);
        let top = top.min(bottom);
        // Each edge of the window is the text's, or lines enough away from the view.
        let above = w.first == 0 || top >= w.first + GUARD;
        let below = w.first + w.lines == w.total || bottom + GUARD <= w.first + w.lines;
        (self.windowed() && !(above && below)).then(|| self.window_around(top, rows))
    }

    /// The window around the lines `top..top + rows` (all of them for a short text).
    fn window_around(&self, top: u32, rows: u32) -> TextWindow {
        let total = self.window.total;
        let (first, last) = if self.windowed() {
            let last = top.saturating_add(rows).saturating_add(MARGIN).min(total);
            (top.saturating_sub(MARGIN).min(last), last)
        } else {
            (0, total)
        };
        let start = self.line_start(first);
        let end = match self.line_start(last) {
            0 => 0,
            next if last < total => next - 1,
            _ => self.text.len(),
        };
        TextWindow {
            first,
            lines: last - first,
            start,
            end,
            total,
        }
    }

    /// The byte offset where line `line` (from 0) starts, found from the window's first line,
    /// so that the scan is as long as the move. Past the last line: the text's length.
    fn line_start(&self, line: u32) -> usize {
        let bytes = self.text.as_bytes();
        let w = self.window;
        if line >= w.total {
            return bytes.len();
        }
        let mut at = w.start.min(bytes.len());
        if line >= w.first {
            for _ in w.first..line {
                at += bytes[at..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(0, |i| i + 1);
            }
        } else {
            for _ in line..w.first {
                // Back over the line break that ends the line before, then to that line's start.
                at = bytes[..at.saturating_sub(1)]
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |i| i + 1);
            }
        }
        at
    }

    /// Shows a new text, from its first line; `replaced` keeps the one before to offer back.
    fn set_text(&mut self, replaced: Option<String>) {
        self.window = TextWindow {
            total: line_count(&self.text),
            ..TextWindow::default()
        };
        self.window = self.window_around(0, 0);
        if replaced.is_some() {
            self.replaced = replaced;
        }
        self.marks = Marks::default();
        self.problem = None;
    }

    /// Shows `text` (a preset's), keeping the user's text to offer back.
    pub fn replace(&mut self, text: &str) {
        let replaced = (*self.text != text)
            .then(|| std::mem::replace(&mut self.text, Rc::new(text.to_owned())));
        self.set_text(replaced.map(Rc::unwrap_or_clone));
    }

    /// The user replaced the whole text (selected all of it, beyond the window held, and typed
    /// or pasted over it). False if it is the same.
    pub fn edit_all(&mut self, text: String) -> bool {
        if *self.text == text {
            return false;
        }
        self.text = Rc::new(text);
        self.set_text(None);
        true
    }

    /// Puts back the text a preset replaced.
    pub fn restore(&mut self) {
        if let Some(text) = self.replaced.take() {
            self.text = Rc::new(text);
            self.set_text(None);
        }
    }

    /// The text could not be read (the engine's error, with its position).
    pub fn failed(&mut self, error: &EngineError) {
        let line = error.line.unwrap_or(1);
        let message = error.detail.as_deref().unwrap_or(&error.message);
        self.problem = Some(TextProblem {
            message: format!(
                "Line {line}, column {}: {message}",
                error.column.unwrap_or(1)
            ),
            line,
        });
    }

    /// The text was applied with these refusals: they mark their lines.
    pub fn applied(&mut self, refusals: &[Refusal]) {
        self.problem = None;
        let mut marks: Vec<(u32, String)> = refusals
            .iter()
            .map(|r| (r.line, r.message.clone()))
            .collect();
        marks.sort_unstable();
        marks.dedup_by_key(|(line, _)| *line);
        self.marks = Shared::new(marks);
    }
}

/// Lines with a message each, in line order, one per line (the first message of a line in
/// sorted order): built once per Apply, shared by every render, and searched by line range
/// rather than scanned.
pub type Marks = Shared<Vec<(u32, String)>>;

/// How many lines a text has: one more than its line breaks.
fn line_count(text: &str) -> u32 {
    let breaks = text.bytes().filter(|&b| b == b'\n').count();
    u32::try_from(breaks + 1).unwrap_or(u32::MAX)
}
