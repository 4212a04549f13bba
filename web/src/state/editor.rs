//! The editor's text, the text a preset replaced, and what the last Apply found in it.

use portband_kube::{InputError, Outcome};

/// A problem with the editor's text, at a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextProblem {
    /// `Line L, column C: message`.
    pub message: String,
    /// The line it points at.
    pub line: u32,
}

/// The editor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Editor {
    /// The text.
    pub text: String,
    /// The text a preset replaced, offered back.
    pub replaced: Option<String>,
    /// Why the text could not be read, the last time it was applied.
    pub problem: Option<TextProblem>,
    /// Lines the last Apply's rejections point at, with their messages, while the text is
    /// unchanged.
    pub marks: Vec<(u32, String)>,
}

impl Editor {
    /// An editor holding `text`.
    pub fn new(text: String) -> Self {
        Editor {
            text,
            replaced: None,
            problem: None,
            marks: Vec::new(),
        }
    }

    /// The user changed the text: its marks and problem no longer apply. False if it is the same.
    pub fn edit(&mut self, text: String) -> bool {
        if text == self.text {
            return false;
        }
        self.text = text;
        self.marks.clear();
        self.problem = None;
        true
    }

    /// Shows `text` (a preset's), keeping the user's text to offer back.
    pub fn replace(&mut self, text: &str) {
        if self.text != text {
            self.replaced = Some(std::mem::replace(&mut self.text, text.to_owned()));
        }
        self.marks.clear();
        self.problem = None;
    }

    /// Puts back the text a preset replaced.
    pub fn restore(&mut self) {
        if let Some(text) = self.replaced.take() {
            self.text = text;
            self.marks.clear();
            self.problem = None;
        }
    }

    /// The text could not be read.
    pub fn failed(&mut self, error: &InputError) {
        self.problem = Some(TextProblem {
            message: format!(
                "Line {}, column {}: {}",
                error.pos.line, error.pos.column, error.message
            ),
            line: error.pos.line,
        });
    }

    /// The text was applied with these outcomes: its rejections mark their lines.
    pub fn applied(&mut self, outcomes: &[Outcome]) {
        self.problem = None;
        self.marks = outcomes
            .iter()
            .filter_map(|o| {
                let error = o.error.as_ref()?;
                let line = error.pos().unwrap_or(o.source.pos).line;
                Some((line, error.to_string()))
            })
            .collect();
    }
}
