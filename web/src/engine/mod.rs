//! The engine, as the page asks it things: portband's JS module in a Web Worker
//! ([`worker::WorkerEngine`]), so that the page holds only the view's code and a long Apply
//! never blocks it; natively, for the state's tests, `portband-kube`'s `Session` in-process
//! (`local::LocalEngine`). Answers are the JSON contract's objects (`portband-contract`).

#[cfg(test)]
pub mod local;
pub mod worker;

use crate::presets::Preset;
use portband_contract::{
    ApplyProgress, Chance, Explanation, LastInput, LogLine, Metrics, Refusal, Release, Settings,
    StoredService, Summary,
};
pub use portband_web::worker_link::EngineError;
use std::ops::Range;

/// Settings to run the same inputs under (those given; a new version without a split brings
/// that release's).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SettingsChange {
    /// A range, as typed and checked.
    pub range: Option<String>,
    /// A seed.
    pub seed: Option<u64>,
    /// The band split.
    pub static_subrange: Option<bool>,
    /// A Kubernetes release, `1.Y`.
    pub kubernetes_version: Option<String>,
}

/// How many of the history's last steps an answer that adds steps brings along.
pub const TAIL: usize = 32;

/// A cluster replaced (opened from a scenario, or run under other settings).
#[derive(Clone, Debug, PartialEq)]
pub struct Opened {
    /// Its settings.
    pub settings: Settings,
    /// How many steps it has (the log asks for the rows it shows: [`Engine::log`]).
    pub length: usize,
    /// The last text applied, and how.
    pub last_input: Option<LastInput>,
    /// Its inputs, as a scenario file.
    pub scenario: String,
    /// The description of the scenario it came from.
    pub description: Option<String>,
    /// The ports used and free after the last step.
    pub summary: Summary,
}

/// Steps added to the cluster.
#[derive(Clone, Debug, PartialEq)]
pub struct Added {
    /// How many steps the cluster has now; the new ones are its last (all of them when
    /// `settings_taken`).
    pub length: usize,
    /// The new steps refused, with their lines.
    pub refusals: Vec<Refusal>,
    /// The first of them, in a log's words.
    pub first_refused: Option<LogLine>,
    /// The history's last [`TAIL`] steps (new or not), in a log's words:
    /// the log shows them next.
    pub tail: Vec<LogLine>,
    /// The last new step that reached a Service (objects of other kinds change nothing).
    pub last_service: Option<usize>,
    /// The ports each took.
    pub taken: Vec<Vec<i32>>,
    /// The cluster's inputs, as a scenario file.
    pub scenario: String,
    /// Its settings (a scenario applied may bring its own).
    pub settings: Settings,
    /// Whether a scenario's settings replaced the cluster's: every row changed.
    pub settings_taken: bool,
    /// A scenario's description.
    pub description: Option<String>,
    /// The ports used and free after the last step.
    pub summary: Summary,
}

impl Added {
    /// The step the page shows after them: after the last new step that reached a Service
    /// (objects of other kinds, such as the webhook configuration many manifests end with,
    /// change nothing), so that the view and "Why this port?" speak of it; else the end.
    pub fn shown_step(&self) -> usize {
        self.last_service.map_or(self.length, |i| i + 1)
    }
}

/// The state after some steps, as the page shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct MomentView {
    /// How many steps had run.
    pub step: usize,
    /// Ports used and free.
    pub summary: Summary,
    /// The allocator's metrics.
    pub metrics: Metrics,
    /// For each port of the range, the index in the Service list of the Service holding it
    /// (-1: free).
    pub holders: Vec<i32>,
    /// For each port of the range, whether a manifest wrote it.
    pub explicit: Vec<bool>,
    /// How many Services were stored.
    pub service_count: usize,
    /// The stored Services asked for, from `services_from` (the page keeps them apart from the
    /// moment: `run::Listed`).
    pub services: Vec<StoredService>,
    /// The first of `services`.
    pub services_from: usize,
    /// The last step, in a log's words.
    pub row: Option<LogLine>,
    /// Why the last step's ports are what they are.
    pub explanation: Option<Explanation>,
    /// The ports the last step took.
    pub taken: Vec<i32>,
    /// Whether the Service asked about was stored.
    pub has: Option<bool>,
    /// Its index in the Service list, if it was.
    pub selected: Option<usize>,
    /// Where the next dynamic allocation can land (none when the range is full).
    pub next_pick: Option<NextPick>,
    /// The chance each port the last step picked had.
    pub chances: Vec<Chance>,
}

/// Each free port of the band the next dynamic allocation scans, with the random starts that
/// reach it (of the band's `of`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NextPick {
    /// The free ports.
    pub ports: Vec<i32>,
    /// The starts that reach each.
    pub starts: Vec<u32>,
    /// The band's size: every start.
    pub of: u32,
}

/// What the page asks of the engine. Calls are answered in the order they are made.
#[allow(async_fn_in_trait)]
pub trait Engine {
    /// The Kubernetes releases the engine models, oldest first (the last is the default).
    async fn releases(&self) -> Result<Vec<Release>, EngineError>;
    /// The scenario file of the lesson `preset`, as the app serves it.
    async fn lesson(&self, preset: &Preset) -> Result<String, EngineError>;
    /// Replaces the cluster with a scenario file's (its settings and steps; a manifest is one
    /// input sent with `kubectl apply`).
    async fn open(&self, scenario: &str) -> Result<Opened, EngineError>;
    /// A cluster with no steps under the same settings.
    async fn reset(&self) -> Result<Opened, EngineError>;
    /// Runs the same inputs under other settings.
    async fn reconfigure(&self, change: &SettingsChange) -> Result<Opened, EngineError>;
    /// Starts applying `text`, its manifests sent as `mode` says (a scenario's settings are
    /// taken), and runs its first slice of `budget`: how far it is, or `None` once every step
    /// has run.
    async fn start(
        &self,
        text: &str,
        mode: &str,
        budget: u32,
    ) -> Result<Option<ApplyProgress>, EngineError>;
    /// Runs a slice of the apply under way: how far it is, or `None` once every step has run.
    async fn run(&self, budget: u32) -> Result<Option<ApplyProgress>, EngineError>;
    /// Adds the finished apply's steps to the cluster.
    async fn finish(&self) -> Result<Added, EngineError>;
    /// Drops the apply under way: nothing of it is added.
    async fn cancel(&self);
    /// `kubectl delete service` of `key`.
    async fn delete(&self, key: &str) -> Result<Added, EngineError>;
    /// The state after `step` steps, with the stored Services `services`, the explanation of its
    /// last step, and whether Service `has` (`namespace/name`) was stored.
    async fn moment(
        &self,
        step: usize,
        services: Range<usize>,
        has: Option<&str>,
    ) -> Result<MomentView, EngineError>;
    /// Steps `rows` in a log's words.
    async fn log(&self, rows: Range<usize>) -> Result<Vec<LogLine>, EngineError>;
    /// The first refused step from `from` on (`forward`), or the last one before `from`.
    async fn refusal(&self, from: usize, forward: bool) -> Result<Option<usize>, EngineError>;
    /// The stored Services `services` (by place in the list) after `step` steps.
    async fn services(
        &self,
        step: usize,
        services: Range<usize>,
    ) -> Result<Vec<StoredService>, EngineError>;
}
