//! The app's state: the cluster's settings, the steps applied so far (and their outcomes), the
//! editor's text and what went wrong. `Action`s are the only way to change it.

use crate::cells::Cells;
use crate::link::Fragment;
use crate::presets::{Preset, PRESETS};
use crate::saved::{self, Saved, Slot};
use portband_allocator::gofmt::Quoted;
use portband_allocator::PortRange;
use portband_kube::{
    read, write_scenario, Cluster, ClusterConfig, Entry, History, Input, InputError, ServiceKey,
    Source, Step, MAX_REPEAT, MAX_SEED,
};
use std::rc::Rc;
use yew::{Reducible, UseReducerDispatcher};

/// How components change the state: the reducer's dispatcher, stable across renders (so that
/// passing it does not re-render a component by itself).
pub type Dispatch = UseReducerDispatcher<AppState>;

/// The Services pasted into the editor when the app first opens.
pub const WELCOME: &str =
    "# Paste Services (or a scenario, or `kubectl get svc -A -o yaml`) and press Apply.
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector: {app: web}
  ports:
  - {name: http, port: 80}
  - {name: admin, port: 8443, nodePort: 30080}
---
apiVersion: v1
kind: Service
metadata:
  name: dns
  namespace: kube-system
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  selector: {k8s-app: dns}
  ports:
  - {name: dns-tcp, port: 53, protocol: TCP}
  - {name: dns-udp, port: 53, protocol: UDP}
";

/// A shared, immutable value that props compare by identity: a new value is a new `Rc`.
#[derive(Debug, Default)]
pub struct Shared<T>(pub Rc<T>);

impl<T> Shared<T> {
    /// Wraps `value`.
    pub fn new(value: T) -> Self {
        Shared(Rc::new(value))
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// A problem with what the user typed, pointing at the line when there is one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Which input: `yaml`, `range`, `seed` or `link`.
    pub field: &'static str,
    /// The message.
    pub message: String,
    /// The editor line it points at.
    pub line: Option<u32>,
}

impl Problem {
    /// A problem with a link or with work kept in the browser: it points at no editor line.
    fn link(message: String) -> Self {
        Problem {
            field: "link",
            message,
            line: None,
        }
    }
}

/// Everything the app shows.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The editor's text.
    pub editor: String,
    /// The editor text a preset replaced, offered back.
    pub replaced_editor: Option<String>,
    /// The range as typed.
    pub range_text: String,
    /// The seed as typed.
    pub seed_text: String,
    /// The settings the cluster runs with.
    pub config: ClusterConfig,
    /// Every step so far, its outcome, and the current state.
    pub history: Shared<History>,
    /// What the history was given, in order: what share links and the saved work record.
    pub entries: Shared<Vec<Entry>>,
    /// Which point of the history is shown: after the first `n` steps, or `None` for after the last.
    pub cursor: Option<usize>,
    /// The cluster at the cursor, when the cursor is in the past.
    pub past: Option<Shared<Cluster>>,
    /// Whether the history is playing (stepping forward by itself).
    pub playing: bool,
    /// Who holds each port at the cursor.
    pub cells: Shared<Cells>,
    /// The current input problem.
    pub problem: Option<Problem>,
    /// A note about what the last action did beyond the obvious.
    pub notice: Option<String>,
    /// The Service whose ports are highlighted.
    pub selected: Option<String>,
    /// The outcomes drawn as fresh: those the last action added, or the step at the cursor.
    pub fresh: std::ops::Range<usize>,
    /// Editor lines the last apply's rejections point at, while the text is unchanged.
    pub marks: Vec<(u32, String)>,
    /// The compact view for documentation pages: nothing is saved in the browser.
    pub embed: bool,
    /// A shared link is being opened: nothing is saved or written to the address until it is.
    pub opening: bool,
    /// The work a shared link (or a preset's link) replaced, offered back.
    pub before_link: Option<Saved>,
}

/// The ways the state changes.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// The editor's text changed.
    Edit(String),
    /// Apply the editor's text as new steps.
    Apply,
    /// Use this `--service-node-port-range` (replays every step).
    SetRange(String),
    /// Use this seed (replays every step).
    SetSeed(String),
    /// Turn the KEP-3668 band split on or off (replays every step).
    SetStaticSubrange(bool),
    /// Forget every step.
    Reset,
    /// Delete a stored Service.
    Delete(ServiceKey),
    /// Add this many NodePort Services with dynamic ports.
    AddServices(usize),
    /// Load preset `i`: its settings and text, applied to a fresh cluster.
    LoadPreset(usize),
    /// Put back the editor text a preset replaced.
    RestoreEditor,
    /// Open a shared link's history (a scenario file), at this step.
    OpenLink(String, Option<usize>),
    /// A shared link could not be unpacked, for this reason.
    LinkFailed(String),
    /// Go back to the work a shared link replaced.
    SwitchBack,
    /// Forget the work a shared link replaced.
    DropBackup,
    /// Highlight a Service's ports (or none).
    Select(Option<String>),
    /// Show the state after the first `n` steps (the last step or beyond: the present).
    Seek(usize),
    /// Move the cursor by this many steps.
    StepBy(isize),
    /// Start or stop playing the history.
    TogglePlay,
    /// One beat of playing: the next step, and stop at the end.
    Tick,
}

impl AppState {
    /// The state the app opens with: the saved work (not in an embed), then a preset the address
    /// names. A shared state in the address is opened once it is unpacked ([`Action::OpenLink`]).
    pub fn restored(fragment: &Fragment) -> Self {
        let mut state = AppState::with_config(ClusterConfig::default());
        state.embed = fragment.embed;
        state.opening = fragment.state.is_some();
        if !state.embed {
            let saved = saved::load(Slot::Current);
            if let Some(editor) = saved.editor {
                state.editor = editor;
            }
            if let Some(history) = &saved.history {
                if let Err(e) = state.load_history(history, saved.at) {
                    state.problem = Some(Problem::link(format!(
                        "The saved history could not be read ({e}); it starts afresh."
                    )));
                }
            }
            let before = saved::load(Slot::BeforeLink);
            state.before_link = (before != Saved::default()).then_some(before);
        }
        if let Some(name) = &fragment.preset {
            match PRESETS.iter().position(|p| p.name == name.as_str()) {
                Some(i) if !state.opening => {
                    state.keep_before_link(PRESETS[i].text);
                    state.load_preset(&PRESETS[i]);
                }
                Some(_) => {}
                None => {
                    state.problem = Some(Problem::link(format!(
                        "This link names a preset portband does not have: {}. Presets: {}.",
                        Quoted(name),
                        PRESETS
                            .iter()
                            .map(|p| p.name)
                            .collect::<Vec<_>>()
                            .join(", ")
                    )))
                }
            }
        }
        state
    }

    fn with_config(config: ClusterConfig) -> Self {
        let history = History::new(config);
        AppState {
            editor: WELCOME.to_owned(),
            replaced_editor: None,
            range_text: config.range.to_string(),
            seed_text: config.seed.to_string(),
            config,
            cells: Shared::new(Cells::of(history.cluster())),
            history: Shared::new(history),
            entries: Shared::default(),
            cursor: None,
            past: None,
            playing: false,
            problem: None,
            notice: None,
            selected: None,
            fresh: 0..0,
            marks: Vec::new(),
            embed: false,
            opening: false,
            before_link: None,
        }
    }

    /// The work as it is kept: the history as a scenario file, as the address holds it too.
    pub fn saved(&self) -> Saved {
        Saved {
            editor: Some(self.editor.clone()),
            history: Some(write_scenario(&self.config, &self.entries)),
            at: self.cursor,
        }
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        next.notice = None;
        match action {
            Action::Edit(text) => {
                if text == next.editor {
                    return self;
                }
                next.editor = text;
                next.marks.clear();
                if next.problem.as_ref().is_some_and(|p| p.field == "yaml") {
                    next.problem = None;
                }
            }
            Action::Apply => next.apply_editor(),
            Action::SetRange(text) => {
                next.range_text = text.clone();
                match PortRange::parse_flag(&text) {
                    Ok(range) => {
                        next.problem = None;
                        next.reconfigure(ClusterConfig {
                            range,
                            ..next.config
                        });
                    }
                    Err(e) => {
                        next.problem = Some(Problem {
                            field: "range",
                            message: format!("Invalid range {}: {e}", Quoted(&text)),
                            line: None,
                        })
                    }
                }
            }
            Action::SetSeed(text) => {
                next.seed_text = text.clone();
                match text.trim().parse::<u64>().ok().filter(|&s| s <= MAX_SEED) {
                    Some(seed) => {
                        next.problem = None;
                        next.reconfigure(ClusterConfig {
                            seed,
                            ..next.config
                        });
                    }
                    None => {
                        next.problem = Some(Problem {
                            field: "seed",
                            message: format!(
                                "The seed must be a whole number from 0 to {MAX_SEED}"
                            ),
                            line: None,
                        })
                    }
                }
            }
            Action::SetStaticSubrange(on) => next.reconfigure(ClusterConfig {
                static_subrange: on,
                ..next.config
            }),
            Action::Reset => {
                next.history = Shared::new(History::new(next.config));
                next.entries = Shared::default();
                next.after_steps(0);
            }
            Action::Delete(key) => {
                let step = Step::Delete {
                    key: key.clone(),
                    source: Source::default(),
                };
                Rc::make_mut(&mut next.entries.0).push(Entry::Delete(key));
                next.push_steps(vec![step]);
            }
            Action::AddServices(0) => return self,
            Action::AddServices(count) => {
                let text = fillers(next.history.cluster(), count);
                if let Ok(input) = read(&text) {
                    next.record(text, input.steps);
                }
            }
            Action::LoadPreset(i) => {
                let Some(preset) = PRESETS.get(i) else {
                    return self;
                };
                next.load_preset(preset);
            }
            Action::RestoreEditor => {
                if let Some(text) = next.replaced_editor.take() {
                    next.editor = text;
                    next.marks.clear();
                }
            }
            Action::OpenLink(text, at) => {
                next.opening = false;
                next.keep_before_link(&text);
                match next.load_history(&text, at) {
                    Ok(()) => {
                        if next.embed {
                            if let Some(Entry::Manifests(last)) = next
                                .entries
                                .iter()
                                .rev()
                                .find(|e| matches!(e, Entry::Manifests(_)))
                            {
                                next.editor = last.clone();
                            }
                        }
                    }
                    Err(e) => {
                        next = (*self).clone();
                        next.opening = false;
                        next.problem = Some(Problem::link(format!("This link's history could not be read ({e}); your own work is still here.")));
                    }
                }
            }
            Action::LinkFailed(reason) => {
                next.opening = false;
                next.problem = Some(Problem::link(format!(
                    "This link could not be opened: {reason}. Your own work is still here."
                )));
            }
            Action::SwitchBack => {
                let Some(before) = next.before_link.take() else {
                    return self;
                };
                next.editor = before.editor.unwrap_or_else(|| WELCOME.to_owned());
                next.marks.clear();
                let history = before
                    .history
                    .unwrap_or_else(|| write_scenario(&ClusterConfig::default(), &[]));
                if let Err(e) = next.load_history(&history, before.at) {
                    next.problem = Some(Problem::link(format!(
                        "Your earlier history could not be read ({e})."
                    )));
                }
            }
            Action::DropBackup => next.before_link = None,
            Action::Select(key) => {
                if key == next.selected {
                    return self;
                }
                next.selected = key;
            }
            Action::Seek(n) => {
                next.playing = false;
                next.seek(n);
            }
            Action::StepBy(delta) => {
                let position = next.position().saturating_add_signed(delta);
                next.playing = false;
                next.seek(position);
            }
            Action::TogglePlay => {
                let len = next.history.outcomes().len();
                next.playing = !next.playing && len > 0;
                if next.playing && next.position() >= len {
                    next.seek(0);
                }
            }
            Action::Tick => {
                if !next.playing {
                    return self;
                }
                let position = next.position() + 1;
                next.seek(position);
                next.playing = position < next.history.outcomes().len();
            }
        }
        Rc::new(next)
    }
}

impl AppState {
    /// How many steps the shown state has run.
    pub fn position(&self) -> usize {
        self.cursor.unwrap_or(self.history.outcomes().len())
    }

    /// The cluster as shown: at the cursor, or now.
    pub fn shown(&self) -> &Cluster {
        self.past.as_deref().unwrap_or(self.history.cluster())
    }

    /// Moves the cursor to after the first `n` steps, replaying them.
    fn seek(&mut self, n: usize) {
        let len = self.history.outcomes().len();
        if n >= len {
            self.cursor = None;
            self.past = None;
        } else {
            // Forward from the moment shown, only the steps in between run (playing stays
            // linear); backward, the history replays from its start.
            let cluster = match (&self.past, self.cursor) {
                (Some(past), Some(at)) if at <= n => {
                    let mut cluster = Cluster::clone(past);
                    for step in &self.history.steps()[at..n] {
                        cluster.run(step);
                    }
                    cluster
                }
                _ => self.history.state_at(n),
            };
            self.cursor = Some(n);
            self.past = Some(Shared::new(cluster));
        }
        self.fresh = n.min(len).saturating_sub(1)..n.min(len);
        self.cells = Shared::new(Cells::of(self.shown()));
    }

    /// Reads the editor and runs its steps; a scenario's own settings take over the cluster.
    fn apply_editor(&mut self) {
        let input = match read(&self.editor) {
            Ok(input) => input,
            Err(e) => {
                self.problem = Some(Problem {
                    field: "yaml",
                    message: format!(
                        "Line {}, column {}: {}",
                        e.pos.line, e.pos.column, e.message
                    ),
                    line: Some(e.pos.line),
                });
                return;
            }
        };
        self.problem = None;
        self.adopt_settings(&input);
        let before = self.history.outcomes().len();
        self.record(self.editor.clone(), input.steps);
        self.marks = self.history.outcomes()[before..]
            .iter()
            .filter_map(|o| {
                let error = o.error.as_ref()?;
                let line = error.pos().unwrap_or(o.source.pos).line;
                Some((line, error.to_string()))
            })
            .collect();
    }

    /// Runs the steps read from `text` and records the text as one entry.
    fn record(&mut self, text: String, steps: Vec<Step>) {
        Rc::make_mut(&mut self.entries.0).push(Entry::Manifests(text));
        self.push_steps(steps);
    }

    /// A fresh cluster with a preset's settings and steps, its text in the editor.
    fn load_preset(&mut self, preset: &Preset) {
        if self.editor != preset.text {
            self.replaced_editor =
                Some(std::mem::replace(&mut self.editor, preset.text.to_owned()));
        }
        self.history = Shared::new(History::new(self.config));
        self.entries = Shared::default();
        self.apply_editor();
    }

    /// Keeps the current work to offer back, unless it already is `history`'s.
    fn keep_before_link(&mut self, history: &str) {
        let kept = self.saved();
        if !self.embed && !self.entries.is_empty() && kept.history.as_deref() != Some(history) {
            self.before_link = Some(kept);
        }
    }

    /// Replaces the history with a scenario file's (its settings, or the defaults), shown at
    /// step `at`.
    fn load_history(&mut self, text: &str, at: Option<usize>) -> Result<(), InputError> {
        let input = read(text)?;
        let config = input.config_over(ClusterConfig::default());
        let mut history = History::new(config);
        for step in input.steps {
            history.push(step);
        }
        self.entries = Shared::new(
            input
                .entries
                .unwrap_or_else(|| vec![Entry::Manifests(text.to_owned())]),
        );
        self.config = config;
        self.range_text = config.range.to_string();
        self.seed_text = config.seed.to_string();
        self.history = Shared::new(history);
        self.problem = None;
        self.selected = None;
        self.after_steps(self.history.outcomes().len());
        if let Some(at) = at {
            self.seek(at);
        }
        Ok(())
    }

    /// Takes a scenario's range, seed and band-split setting, if it sets any that differ.
    fn adopt_settings(&mut self, input: &Input) {
        let config = input.config_over(self.config);
        if config != self.config {
            self.reconfigure(config);
            self.notice = Some(format!(
                "Using the scenario's settings: range {}, seed {}, band split {}.",
                config.range,
                config.seed,
                if config.static_subrange { "on" } else { "off" }
            ));
        }
    }

    /// Changes the settings and replays every step under them.
    fn reconfigure(&mut self, config: ClusterConfig) {
        if config == self.config {
            return;
        }
        self.config = config;
        self.range_text = config.range.to_string();
        self.seed_text = config.seed.to_string();
        let mut history = History::new(config);
        for step in self.history.steps() {
            history.push(step.clone());
        }
        self.history = Shared::new(history);
        // The same step stays in view, now under the new settings.
        let cursor = self.cursor;
        self.after_steps(self.history.outcomes().len());
        if let Some(n) = cursor {
            self.seek(n);
        }
    }

    fn push_steps(&mut self, steps: Vec<Step>) {
        let before = self.history.outcomes().len();
        let history = Rc::make_mut(&mut self.history.0);
        for step in steps {
            history.push(step);
        }
        self.after_steps(before);
    }

    fn after_steps(&mut self, first_new: usize) {
        self.cursor = None;
        self.past = None;
        self.playing = false;
        self.fresh = first_new..self.history.outcomes().len();
        self.cells = Shared::new(Cells::of(self.history.cluster()));
        if self.selected.as_ref().is_some_and(|s| {
            s.parse()
                .map_or(true, |key| self.history.cluster().service(&key).is_none())
        }) {
            self.selected = None;
        }
    }
}

/// A scenario that adds `count` NodePort Services with one dynamic port each, numbered on from
/// the highest `filler-N` the cluster holds.
fn fillers(cluster: &Cluster, count: usize) -> String {
    let first = cluster
        .services()
        .iter()
        .filter(|s| s.service.namespace == "default")
        .filter_map(|s| {
            s.service
                .name
                .strip_prefix("filler-")?
                .parse::<usize>()
                .ok()
        })
        .max()
        .unwrap_or(0)
        + 1;
    format!(
        "apiVersion: portband/v1\nkind: Scenario\nsteps:\n- apply: {{apiVersion: v1, kind: Service, metadata: {{name: filler}}, spec: {{type: NodePort, ports: [{{name: http, port: 80}}]}}}}\n  repeat: {}\n  first: {first}\n",
        count.clamp(1, MAX_REPEAT)
    )
}

#[cfg(test)]
mod tests {
    use super::{Action, AppState};
    use portband_kube::{read, ClusterConfig};
    use yew::Reducible;

    #[test]
    fn stepping_forward_shows_what_a_replay_shows() {
        let mut state = AppState::with_config(ClusterConfig::default());
        let text = "apiVersion: portband/v1\nkind: Scenario\nsteps:\n- apply: {apiVersion: v1, kind: Service, metadata: {name: s}, spec: {type: NodePort, ports: [{port: 80}]}}\n  repeat: 30\n- delete: s-3\n";
        state.record(text.to_owned(), read(text).unwrap().steps);
        let mut state = std::rc::Rc::new(state);
        state = state.reduce(Action::Seek(0));
        for n in 1..=25 {
            state = state.reduce(Action::StepBy(1));
            let mut direct = AppState::clone(&state);
            direct.past = None;
            direct.cursor = None;
            direct.seek(n);
            assert_eq!(state.cells.0, direct.cells.0, "step {n}");
            assert_eq!(
                state.shown().services().len(),
                direct.shown().services().len()
            );
        }
    }
}
