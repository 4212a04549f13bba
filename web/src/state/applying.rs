//! An Apply run a slice of work at a time: between slices the page shows how far it is and
//! stays responsive. A text of a few hundred lines finishes in its first slice, so only long
//! texts are ever seen applying.

use super::Timeline;
use portband_kube::{Input, InputError, Mode, ReadProgress, Reading, Step};
use std::fmt;
use std::rc::Rc;

/// The work one slice may do, in YAML events read or steps run (a step costs about as much as
/// [`STEP_COST`] events): some 40 ms in a browser on a slow machine.
pub const SLICE: usize = 40_000;
/// What one step costs, in YAML events.
const STEP_COST: usize = 6;
/// How many events are read between looks at the budget.
const CHUNK: usize = 4_096;

/// An Apply in progress: reading the text, then running its steps on a copy of the timeline,
/// which replaces the page's when the last step has run.
pub struct Applying {
    /// The text, as it was when Apply was pressed.
    text: Rc<str>,
    /// How its manifests are sent.
    mode: Mode,
    stage: Stage,
    /// Slices run so far.
    slices: usize,
    /// A note to show when the Apply is done (the scenario's settings were taken, say).
    pub notice: Option<String>,
}

enum Stage {
    Reading(Reading),
    Running {
        timeline: Timeline,
        steps: std::vec::IntoIter<Step>,
        total: usize,
        /// The history's length before the first of these steps.
        before: usize,
        /// The scenario's description.
        description: Option<String>,
    },
}

/// What a slice came to.
pub enum Advanced {
    /// More slices are needed.
    Working,
    /// The text is read: what it asks for, or why it cannot be used. Steps run once
    /// [`Applying::run`] is given the timeline to run them on.
    Read(Result<Input, InputError>),
    /// Every step has run: the timeline with them (its new outcomes marked fresh), and the
    /// scenario's description.
    Ran(Timeline, Option<String>),
}

/// How far an Apply is, for the page to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    /// What it is doing.
    pub phase: Phase,
    /// Bytes parsed, documents decoded, or steps run.
    pub done: usize,
    /// Of how many.
    pub total: usize,
    /// Slices run so far: a new slice is a new progress, even where the numbers stay.
    pub slices: usize,
}

/// What an Apply is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Parsing the YAML.
    Parsing,
    /// Decoding manifest documents.
    Decoding,
    /// Running the steps.
    Running,
}

impl Applying {
    /// An Apply of `text`, its manifests sent as `mode` says, nothing done yet.
    pub fn new(text: &str, mode: Mode) -> Self {
        let text: Rc<str> = Rc::from(text);
        Applying {
            stage: Stage::Reading(Reading::new(text.clone(), mode)),
            text,
            mode,
            slices: 0,
            notice: None,
        }
    }

    /// The text being applied.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Runs the steps the text asked for on `timeline`, recording the text as one entry.
    pub fn run(&mut self, mut timeline: Timeline, input: Input) {
        let before = timeline.history.outcomes().len();
        timeline.record_unseen(self.text.to_string(), self.mode, Vec::new());
        self.stage = Stage::Running {
            timeline,
            total: input.steps.len(),
            steps: input.steps.into_iter(),
            before,
            description: input.description,
        };
    }

    /// Does up to `budget` units of work (see [`SLICE`]), taking what it used from it.
    pub fn advance(&mut self, budget: &mut usize) -> Advanced {
        self.slices += 1;
        match &mut self.stage {
            Stage::Reading(reading) => {
                while *budget > 0 {
                    let events = CHUNK.min(*budget);
                    *budget -= events;
                    if let Some(input) = reading.advance(events) {
                        return Advanced::Read(input);
                    }
                }
                Advanced::Working
            }
            Stage::Running {
                timeline,
                steps,
                before,
                description,
                ..
            } => {
                let count = (*budget / STEP_COST).max(1).min(steps.len());
                *budget = budget.saturating_sub(count * STEP_COST);
                timeline.run_unseen(steps.by_ref().take(count));
                if steps.len() > 0 {
                    return Advanced::Working;
                }
                let mut timeline = timeline.clone();
                timeline.redraw();
                timeline.fresh = *before..timeline.history.outcomes().len();
                Advanced::Ran(timeline, description.take())
            }
        }
    }

    /// How far it is.
    pub fn progress(&self) -> Progress {
        let (phase, done, total) = match &self.stage {
            Stage::Reading(reading) => match reading.progress() {
                ReadProgress::Parsing(done, total) => (Phase::Parsing, done, total),
                ReadProgress::Decoding(done, total) => (Phase::Decoding, done, total),
            },
            Stage::Running { steps, total, .. } => (Phase::Running, total - steps.len(), *total),
        };
        Progress {
            phase,
            done,
            total,
            slices: self.slices,
        }
    }
}

impl fmt::Debug for Applying {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Applying")
            .field("progress", &self.progress())
            .finish_non_exhaustive()
    }
}
