//! `Applying`: `Cluster.apply` a slice of work at a time, for a page (or a Web Worker) that shows
//! how far a long text is and lets its user stop: nothing changes in the cluster until
//! `Cluster.finish` takes the finished work.

use crate::error::input_error;
use portband_kube::{Entry, History, Mode, ReadProgress, Reading, Step};
use serde::Serialize;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// What one step costs, in units of [`Applying::run`]'s budget (a YAML event read or decoded
/// is one).
const STEP_COST: u32 = 6;

/// An apply under way, on a copy of the cluster's history.
#[wasm_bindgen]
pub struct Applying {
    /// The text, kept for the entry it becomes.
    text: Rc<str>,
    mode: Mode,
    /// Whether a scenario's settings replace the cluster's.
    take_settings: bool,
    /// The cluster's history as it was at the start, then with the steps run so far.
    history: History,
    /// The cluster's changes at the start: `finish` refuses a cluster that has changed since.
    start: u64,
    stage: Stage,
    description: Option<String>,
    settings_taken: bool,
}

enum Stage {
    Reading(Reading),
    Running {
        steps: std::vec::IntoIter<Step>,
        total: usize,
    },
    /// The text could not be used: this error, again on every call.
    Failed(JsValue),
}

/// How far an [`Applying`] is.
#[derive(Serialize)]
struct Progress {
    phase: &'static str,
    done: usize,
    total: usize,
}

impl Applying {
    /// An apply of `text` on a copy of `history`.
    pub(crate) fn new(
        text: &str,
        mode: Mode,
        take_settings: bool,
        history: History,
        changes: u64,
    ) -> Self {
        let text: Rc<str> = Rc::from(text);
        Applying {
            stage: Stage::Reading(Reading::new(text.clone(), mode)),
            text,
            mode,
            take_settings,
            start: changes,
            history,
            description: None,
            settings_taken: false,
        }
    }

    /// Whether every step has run.
    pub(crate) fn finished(&self) -> bool {
        matches!(&self.stage, Stage::Running { steps, .. } if steps.len() == 0)
    }

    /// The cluster's changes when the apply started.
    pub(crate) fn start(&self) -> u64 {
        self.start
    }

    /// The history with the steps run, and the entry the text becomes.
    pub(crate) fn into_parts(self) -> (History, Entry) {
        (
            self.history,
            Entry::Manifests(self.text.to_string(), self.mode),
        )
    }
}

#[wasm_bindgen]
impl Applying {
    /// Does up to `budget` units of work (a YAML event read or decoded is one, a step run six:
    /// 40,000 take some 40 ms in a browser on a slow machine) and returns whether the apply is
    /// done. Throws as `apply` does for a text it cannot use.
    pub fn run(&mut self, budget: u32) -> Result<bool, JsValue> {
        let mut budget = budget.max(1);
        while budget > 0 {
            match &mut self.stage {
                Stage::Reading(reading) => {
                    let events = budget.min(4_096);
                    budget -= events;
                    let Some(input) = reading.advance(events as usize) else {
                        continue;
                    };
                    let input = match input {
                        Ok(input) => input,
                        Err(e) => {
                            let error = input_error("-", &e);
                            self.stage = Stage::Failed(error.clone());
                            return Err(error);
                        }
                    };
                    let current = self.history.cluster().config();
                    let config = input.config_over(current);
                    if self.take_settings && config != current {
                        let mut history = History::new(config);
                        for step in self.history.steps() {
                            history.push(step.clone());
                        }
                        self.history = history;
                        self.settings_taken = true;
                    }
                    self.description = input.description;
                    self.stage = Stage::Running {
                        total: input.steps.len(),
                        steps: input.steps.into_iter(),
                    };
                }
                Stage::Failed(error) => return Err(error.clone()),
                Stage::Running { steps, .. } => {
                    if steps.len() == 0 {
                        return Ok(true);
                    }
                    let count = (budget / STEP_COST).max(1) as usize;
                    budget = budget.saturating_sub(count as u32 * STEP_COST);
                    for step in steps.by_ref().take(count) {
                        self.history.push(step);
                    }
                }
            }
        }
        Ok(self.finished())
    }

    /// How far it is: `{ phase: "parsing" | "decoding" | "running" | "failed", done, total }`
    /// (bytes parsed, documents decoded, or steps run).
    #[wasm_bindgen(getter, unchecked_return_type = "ApplyProgress")]
    pub fn progress(&self) -> JsValue {
        let (phase, done, total) = match &self.stage {
            Stage::Reading(reading) => match reading.progress() {
                ReadProgress::Parsing(done, total) => ("parsing", done, total),
                ReadProgress::Decoding(done, total) => ("decoding", done, total),
            },
            Stage::Running { steps, total } => ("running", total - steps.len(), *total),
            Stage::Failed(_) => ("failed", 0, 0),
        };
        crate::to_js(&Progress { phase, done, total })
    }

    /// A scenario's description, once the text is read.
    #[wasm_bindgen(getter)]
    pub fn description(&self) -> Option<String> {
        self.description.clone()
    }

    /// Whether the text was a scenario whose settings (with `takeSettings`) replaced the
    /// cluster's: the steps before it run again under them.
    #[wasm_bindgen(getter, js_name = settingsTaken)]
    pub fn settings_taken(&self) -> bool {
        self.settings_taken
    }
}
