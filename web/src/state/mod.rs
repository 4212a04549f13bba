//! The app's state, in parts that each own one concern: the history and its cursor
//! ([`Timeline`]), the settings fields ([`Settings`]), the editor ([`Editor`]) and the page's
//! relation to links ([`LinkSession`]). [`Action`]s are the only way to change it; the reducer
//! hands each to the parts it concerns.

mod applying;
mod editor;
mod link_session;
mod requests;
mod run;
mod settings;
mod timeline;

pub use applying::{Applying, Phase, Progress, SLICE};
pub use editor::{Editor, Marks, TextWindow};
pub use link_session::LinkSession;
pub use settings::Settings;
pub use timeline::Timeline;

use crate::link::Fragment;
use crate::presets::{Preset, PRESETS};
use crate::saved::Saved;
use applying::Advanced;
use portband_allocator::gofmt::Quoted;
use portband_kube::{
    read, write_scenario, ClusterConfig, Entry, InputError, KubeVersion, Mode, ServiceKey, Verdict,
};
use std::cell::RefCell;
use std::rc::Rc;
use yew::{Reducible, UseReducerDispatcher};

/// How the page changes the state: the reducer's dispatcher, stable across renders.
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

impl<T> Eq for Shared<T> {}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// Everything the app shows.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The history and the moment shown.
    pub timeline: Timeline,
    /// The settings as typed.
    pub settings: Settings,
    /// The editor.
    pub editor: Editor,
    /// Links: the embed view, a link being opened, the work a link replaced.
    pub link: LinkSession,
    /// The Service whose ports are highlighted (`namespace/name`).
    pub selected: Option<String>,
    /// A note about what the last action did beyond the obvious.
    pub notice: Option<String>,
    /// The scenario the history comes from, while nothing else has changed it: the preset's
    /// index, if it is one, and the scenario's description.
    pub scenario: Option<(Option<usize>, Option<String>)>,
    /// An Apply still running (a long text): the one part of the state that changes in place,
    /// advanced by the reducer alone, a slice per [`Action::ContinueApply`].
    pub applying: Option<Shared<RefCell<Applying>>>,
}

/// The ways the state changes.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// The text area's text changed (the window of the editor's text it holds).
    Edit(String),
    /// The whole editor text was replaced (select all, then type or paste).
    EditAll(String),
    /// The editor shows lines `top..top + rows`.
    ScrollEditor(u32, u32),
    /// Apply the editor's text as new steps.
    Apply,
    /// Send the editor's manifests as this kubectl command from now on.
    SetMode(Mode),
    /// Do the next slice of the Apply in progress.
    ContinueApply,
    /// Stop the Apply in progress; nothing of it is added.
    CancelApply,
    /// Use this `--service-node-port-range` (replays every step).
    SetRange(String),
    /// Use this seed (replays every step).
    SetSeed(String),
    /// Turn the KEP-3668 band split on or off (replays every step).
    SetStaticSubrange(bool),
    /// Model this Kubernetes release, with its band split's default (replays every step).
    SetVersion(KubeVersion),
    /// Forget every step.
    Reset,
    /// Delete a stored Service.
    Delete(ServiceKey),
    /// Add this many NodePort Services with dynamic ports.
    AddServices(usize),
    /// Load preset `i`: its settings and text, applied to a fresh cluster.
    LoadPreset(usize),
    /// Load the preset of this name (a page around an embed asked for it).
    LoadPresetNamed(String),
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

impl Default for AppState {
    /// A fresh page: the welcome text, no steps, the default settings.
    fn default() -> Self {
        let config = ClusterConfig::default();
        AppState {
            timeline: Timeline::new(config),
            settings: Settings::of(config),
            editor: Editor::new(WELCOME.to_owned()),
            link: LinkSession::default(),
            selected: None,
            notice: None,
            scenario: None,
            applying: None,
        }
    }
}

impl Action {
    /// Whether the action changes the history or its settings, which stops an Apply in progress
    /// (its steps would run on a history that is gone).
    fn stops_applying(&self) -> bool {
        matches!(
            self,
            Action::SetRange(_)
                | Action::SetSeed(_)
                | Action::SetVersion(_)
                | Action::SetStaticSubrange(_)
                | Action::Reset
                | Action::Delete(_)
                | Action::AddServices(_)
                | Action::LoadPreset(_)
                | Action::OpenLink(..)
                | Action::SwitchBack
                | Action::CancelApply
        )
    }
}

impl AppState {
    /// The state a page opens with: in the full app, the saved work (`saved`, and `before` the
    /// work a link replaced); then a preset the address names, at its step. A shared state in
    /// the address is opened once it is unpacked ([`Action::OpenLink`]).
    pub fn opened(fragment: &Fragment, saved: Saved, before: Saved) -> Self {
        let mut state = AppState::default();
        state.link.embed = fragment.embed;
        state.link.layout = fragment.layout;
        state.link.caption = fragment.caption.clone();
        state.link.opening = fragment.state.is_some();
        if !state.link.embed {
            if let Some(editor) = saved.editor {
                state.editor = Editor::new(editor);
            }
            if let Some(history) = &saved.history {
                if let Err(e) = state.load_history(history, saved.at) {
                    state.link.problem = Some(format!(
                        "The saved history could not be read ({e}); it starts afresh."
                    ));
                }
            }
            state.link.before_link = (before != Saved::default()).then_some(before);
        }
        if let Some(name) = &fragment.preset {
            match PRESETS.iter().find(|p| p.name == name.as_str()) {
                Some(preset) if !state.link.opening => {
                    state.keep_before_link(preset.text);
                    state.load_preset(preset);
                    if let Some(at) = fragment.at {
                        state.timeline.seek(at);
                    }
                }
                Some(_) => {}
                None => state.link.problem = Some(unknown_preset("This link names", name)),
            }
        }
        state
    }

    /// The work as it is kept: the history as a scenario file, as the address holds it too.
    pub fn saved(&self) -> Saved {
        Saved {
            editor: Some(self.editor.text.to_string()),
            history: Some(write_scenario(
                &self.timeline.config(),
                &self.timeline.entries,
            )),
            at: self.timeline.cursor(),
        }
    }

    /// What is wrong, one message per field or source: a link, the editor's text, the settings.
    pub fn problems(&self) -> Vec<&str> {
        let mut problems: Vec<&str> = self.link.problem.iter().map(String::as_str).collect();
        problems.extend(self.editor.problem.as_ref().map(|p| p.message.as_str()));
        problems.extend(self.settings.errors());
        problems
    }

    /// Starts applying the editor's text and does up to `budget` of its work (see [`SLICE`]).
    fn apply_editor(&mut self, budget: usize) {
        let job = Applying::new(&self.editor.text, self.editor.mode);
        self.applying = Some(Shared::new(RefCell::new(job)));
        self.continue_apply(budget);
    }

    /// Does up to `budget` more work on the Apply in progress: reads the text, takes a
    /// scenario's settings, runs the steps; once they have run, the view shows them.
    fn continue_apply(&mut self, mut budget: usize) {
        let Some(job) = self.applying.take() else {
            return;
        };
        while budget > 0 {
            let advanced = job.borrow_mut().advance(&mut budget);
            match advanced {
                Advanced::Working => {}
                Advanced::Read(Err(e)) => return self.editor.failed(&e),
                Advanced::Read(Ok(input)) => {
                    self.link.problem = None;
                    let config = input.config_over(self.timeline.config());
                    let mut notice = None;
                    if config != self.timeline.config() {
                        self.reconfigure(config);
                        notice = Some(format!(
                            "Using the scenario's settings: Kubernetes {}, range {}, seed {}, band split {}.",
                            config.version,
                            config.range,
                            config.seed,
                            if config.static_subrange { "on" } else { "off" }
                        ));
                    }
                    if input.steps.is_empty() {
                        self.editor.applied(&[]);
                        self.notice = notice.or_else(|| {
                            Some(
                                "Nothing to apply: the text holds no Kubernetes object (only \
                                 comments, empty documents or lists without items)."
                                    .to_owned(),
                            )
                        });
                        return;
                    }
                    let mut job = job.borrow_mut();
                    job.notice = notice;
                    job.run(self.timeline.clone(), input);
                }
                Advanced::Ran(timeline, description) => {
                    let job = job.borrow();
                    let first = timeline.fresh.start;
                    self.timeline = timeline;
                    self.scenario = description.map(|d| (None, Some(d)));
                    self.notice.clone_from(&job.notice);
                    if job.text() == *self.editor.text {
                        self.editor
                            .applied(&self.timeline.history.outcomes()[first..]);
                    }
                    self.land_on_last_service(first);
                    return;
                }
            }
        }
        self.applying = Some(job);
    }

    /// After steps from `first` on, shows the last of them that reached a Service (objects of
    /// other kinds, such as the webhook configuration many manifests end with, change nothing),
    /// so that the view and "Why this port?" speak of it.
    fn land_on_last_service(&mut self, first: usize) {
        let outcomes = self.timeline.history.outcomes();
        let added = first..outcomes.len();
        let last = outcomes[first..]
            .iter()
            .rposition(|o| o.verdict != Verdict::Skipped);
        if let Some(last) = last.filter(|&i| first + i + 1 < outcomes.len()) {
            self.timeline.seek(first + last + 1);
            self.timeline.fresh = added;
        }
    }

    /// A fresh cluster with a preset's settings (the defaults for those it leaves out) and steps,
    /// its text in the editor.
    fn load_preset(&mut self, preset: &Preset) {
        self.editor.replace(preset.text);
        self.timeline = Timeline::new(ClusterConfig::default());
        self.settings = Settings::of(ClusterConfig::default());
        // A preset is short: it is applied at once, so that the page opens on it.
        self.apply_editor(usize::MAX);
        let i = PRESETS.iter().position(|p| std::ptr::eq(p, preset));
        self.scenario = Some((i, self.scenario.take().and_then(|(_, d)| d)));
    }

    /// Keeps the current work (a history, or text typed in the editor) to offer back, unless it
    /// already is `history`'s.
    fn keep_before_link(&mut self, history: &str) {
        let kept = self.saved();
        let has_work = !self.timeline.entries.is_empty() || *self.editor.text != WELCOME;
        if !self.link.embed && has_work && kept.history.as_deref() != Some(history) {
            self.link.before_link = Some(kept);
        }
    }

    /// Replaces the history with a scenario file's (its settings, or the defaults), shown at
    /// step `at`.
    fn load_history(&mut self, text: &str, at: Option<usize>) -> Result<(), InputError> {
        let input = read(text)?;
        let config = input.config_over(ClusterConfig::default());
        let entries = input
            .entries
            .unwrap_or_else(|| vec![Entry::Manifests(text.to_owned(), Mode::Apply)]);
        self.timeline = Timeline::replayed(config, input.steps, Shared::new(entries), at);
        self.settings = Settings::of(config);
        self.link.problem = None;
        self.selected = None;
        // Apply goes on as the history's last text was sent.
        self.editor.mode = self
            .timeline
            .last_text()
            .map_or(Mode::Apply, |(_, mode)| mode);
        Ok(())
    }

    /// Runs the history under `config`; the settings fields show it.
    fn reconfigure(&mut self, config: ClusterConfig) {
        self.timeline.reconfigure(config);
        self.settings.range_text = config.range.to_string();
        self.settings.seed_text = config.seed.to_string();
    }
}

/// Why a preset asked for by name (`who` asked: "This link names") cannot be loaded.
fn unknown_preset(who: &str, name: &str) -> String {
    let names: Vec<_> = PRESETS.iter().map(|p| p.name).collect();
    format!(
        "{who} a preset portband does not have: {}. Presets: {}.",
        Quoted(name),
        names.join(", ")
    )
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        if let Action::ScrollEditor(top, rows) = action {
            // Scrolling is frequent: most scrolls change nothing, and cost no copy.
            let Some(window) = self.editor.scrolled(top, rows) else {
                return self;
            };
            let mut next = (*self).clone();
            next.editor.window = window;
            return Rc::new(next);
        }
        let mut next = (*self).clone();
        if action == Action::ContinueApply {
            next.continue_apply(SLICE);
            return Rc::new(next);
        }
        next.notice = None;
        if next.applying.is_some() && action.stops_applying() {
            next.applying = None;
            next.notice = Some(
                "Stopped applying the editor's text: none of its steps were added.".to_owned(),
            );
        }
        match action {
            Action::Edit(text) => {
                if !next.editor.edit(text) {
                    return self;
                }
            }
            Action::EditAll(text) => {
                if !next.editor.edit_all(text) {
                    return self;
                }
            }
            // A second Apply while one runs is a key pressed twice.
            Action::Apply if next.applying.is_some() => return self,
            Action::Apply => next.apply_editor(SLICE),
            Action::SetMode(mode) => next.editor.mode = mode,
            Action::ContinueApply | Action::CancelApply | Action::ScrollEditor(..) => {}
            Action::SetRange(text) => {
                if let Some(config) = next.settings.set_range(text, next.timeline.config()) {
                    next.timeline.reconfigure(config);
                }
            }
            Action::SetSeed(text) => {
                if let Some(config) = next.settings.set_seed(text, next.timeline.config()) {
                    next.timeline.reconfigure(config);
                }
            }
            Action::SetStaticSubrange(static_subrange) => {
                let config = next.timeline.config();
                next.timeline.reconfigure(ClusterConfig {
                    static_subrange,
                    ..config
                });
            }
            Action::SetVersion(version) => {
                let config = next.timeline.config();
                next.timeline.reconfigure(ClusterConfig {
                    version,
                    static_subrange: version.static_subrange_gate().default_on(),
                    ..config
                });
            }
            Action::Reset => next.timeline.reset(),
            Action::Delete(key) => {
                if next.timeline.cursor().is_some() {
                    next.notice = Some(format!(
                        "Deleted {key} after the last step, where the view now is: a deletion \
                         is always added at the end."
                    ));
                }
                next.timeline.delete(key);
            }
            Action::AddServices(0) => return self,
            Action::AddServices(count) => {
                let free = next.timeline.history.cluster().allocator().free() as usize;
                next.notice = if free == 0 {
                    Some(
                        "The range is full: no Service can get a nodePort, so none was added."
                            .into(),
                    )
                } else if count > free {
                    Some(format!(
                        "Added {free} Services: the range had {free} free ports."
                    ))
                } else {
                    None
                };
                if free > 0 {
                    next.timeline.add_fillers(count.min(free));
                }
            }
            Action::LoadPreset(i) => {
                let Some(preset) = PRESETS.get(i) else {
                    return self;
                };
                next.load_preset(preset);
            }
            Action::LoadPresetNamed(name) => match PRESETS.iter().find(|p| p.name == name) {
                Some(preset) => next.load_preset(preset),
                None => next.link.problem = Some(unknown_preset("The page asks for", &name)),
            },
            Action::RestoreEditor => next.editor.restore(),
            Action::OpenLink(text, at) => {
                next.link.opening = false;
                next.keep_before_link(&text);
                match next.load_history(&text, at) {
                    // The link's last applied text in the editor (the user's own is kept above).
                    Ok(()) => {
                        if let Some((text, mode)) = next.timeline.last_text() {
                            next.editor = Editor::new(text.to_owned());
                            next.editor.mode = mode;
                        }
                    }
                    Err(e) => {
                        next = (*self).clone();
                        next.link.opening = false;
                        next.link.problem = Some(format!(
                            "This link's history could not be read ({e}); your own work is still here."
                        ));
                    }
                }
            }
            Action::LinkFailed(reason) => {
                next.link.opening = false;
                next.link.problem = Some(format!(
                    "This link could not be opened: {reason}. Your own work is still here."
                ));
            }
            Action::SwitchBack => {
                let Some(before) = next.link.before_link.take() else {
                    return self;
                };
                next.editor = Editor::new(before.editor.unwrap_or_else(|| WELCOME.to_owned()));
                let history = before
                    .history
                    .unwrap_or_else(|| write_scenario(&ClusterConfig::default(), &[]));
                if let Err(e) = next.load_history(&history, before.at) {
                    next.link.problem =
                        Some(format!("Your earlier history could not be read ({e})."));
                }
            }
            Action::DropBackup => next.link.before_link = None,
            Action::Select(key) => {
                if key == next.selected {
                    return self;
                }
                next.selected = key;
            }
            Action::Seek(n) => {
                next.timeline.playing = false;
                next.timeline.seek(n);
            }
            Action::StepBy(delta) => next.timeline.step_by(delta),
            Action::TogglePlay => next.timeline.toggle_play(),
            Action::Tick => {
                if !next.timeline.tick() {
                    return self;
                }
            }
        }
        // When the history changes, a highlighted Service that no longer exists is no more, and
        // the history no longer is only the scenario it came from.
        if next.timeline.history != self.timeline.history {
            let inputs_changed = *next.timeline.entries != *self.timeline.entries;
            if inputs_changed && next.scenario == self.scenario {
                next.scenario = None;
            }
            let cluster = next.timeline.history.cluster();
            let exists =
                |key: &String| key.parse().is_ok_and(|key| cluster.service(&key).is_some());
            if !next.selected.as_ref().is_some_and(exists) {
                next.selected = None;
            }
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests;
