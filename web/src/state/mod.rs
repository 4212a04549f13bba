//! The app's state, in parts that each own one concern: the history as the engine reports it
//! ([`Run`]), the settings fields ([`Settings`]), the editor ([`Editor`]) and the page's relation
//! to links ([`LinkSession`]). [`Action`]s are the only way to change it; the reducer hands each
//! to the parts it concerns, and puts what it asks of the engine in the [`Outbox`], whose
//! answers come back as [`Action::Replied`].

mod editor;
mod link_session;
mod requests;
mod run;
mod settings;

pub use editor::{Editor, Marks, TextWindow};
pub use link_session::LinkSession;
pub use requests::{execute, Opening, Reply, Request, Shown};
pub use run::{Fresh, Listed, Logged, Run};
pub use settings::Settings;

use crate::engine::{MomentView, SettingsChange};
use crate::link::Fragment;
use crate::presets::PRESETS;
use crate::saved::Saved;
use portband_allocator::gofmt::Quoted;
use portband_contract::ApplyProgress;
use portband_contract::{Mode, Release};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::ops::Range;
use std::rc::Rc;
use yew::{Reducible, UseReducerDispatcher};

/// How the page changes the state: the reducer's dispatcher, stable across renders.
pub type Dispatch = UseReducerDispatcher<AppState>;

/// The scenario a page opens with when it has no work: no steps, the default settings.
pub const EMPTY: &str = "apiVersion: portband/v1\nkind: Scenario\nsteps: []\n";

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

/// What the reducer asks of the engine, in order: shared by every copy of the state (it is not
/// part of its value), drained by the engine hook after each render, or by the native tests.
#[derive(Clone, Debug, Default)]
pub struct Outbox(Rc<RefCell<VecDeque<Request>>>);

impl Outbox {
    /// Asks for `request`.
    pub fn send(&self, request: Request) {
        self.0.borrow_mut().push_back(request);
    }

    /// Every request not yet taken, oldest first.
    pub fn take(&self) -> Vec<Request> {
        self.0.borrow_mut().drain(..).collect()
    }
}

/// An Apply under way in the engine: the text, how it is sent, how far it is, and the flag
/// that stops it between two slices.
#[derive(Clone, Debug)]
pub struct Applying {
    /// The text, as it was when Apply was pressed.
    pub text: Rc<str>,
    /// How far it is, once the engine has said.
    pub progress: Option<ApplyProgress>,
    /// Slices run so far.
    pub slices: usize,
    /// Set to stop it.
    pub stop: Rc<Cell<bool>>,
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
    /// How far it is, once the engine has reported its first slice (a short Apply ends first,
    /// and shows no progress).
    pub fn progress(&self) -> Option<Progress> {
        let p = self.progress.as_ref()?;
        Some(Progress {
            phase: match p.phase.as_str() {
                "decoding" => Phase::Decoding,
                "running" => Phase::Running,
                _ => Phase::Parsing,
            },
            done: p.done,
            total: p.total,
            slices: self.slices,
        })
    }
}

/// The speeds the history plays at, in quarters of the normal speed, and how the picker names
/// them.
pub const SPEEDS: [(u32, &str); 5] = [(1, "0.25×"), (2, "0.5×"), (4, "1×"), (8, "2×"), (16, "4×")];

/// The normal speed's place in [`SPEEDS`].
pub const NORMAL_SPEED: usize = 2;

/// Everything the app shows.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The history and the moment shown: `None` until the engine has opened the first cluster.
    pub timeline: Option<Run>,
    /// The Kubernetes releases the engine models (none until it says).
    pub releases: Rc<[Release]>,
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
    /// How fast the history plays: an index into [`SPEEDS`].
    pub speed: usize,
    /// Whether the grid shades free ports by the next dynamic pick's odds (a lesson about them
    /// switches it on).
    pub shade_odds: bool,
    /// The scenario the history comes from, while nothing else has changed it: the preset's
    /// index, if it is one, and the scenario's description.
    pub scenario: Option<(Option<usize>, Option<String>)>,
    /// An Apply under way in the engine.
    pub applying: Option<Applying>,
    /// What the state asks of the engine.
    pub outbox: Outbox,
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
    /// The Services list shows these rows (by place in the list).
    ScrollServices(Range<usize>),
    /// The log shows these steps (from 0).
    ScrollLog(Range<usize>),
    /// The grid points at a port of the Service at this place in the list: its name is wanted.
    Inspect(usize),
    /// Highlight the Service at this place in the list (a port of it chosen on the grid), or
    /// none.
    SelectHolder(Option<usize>),
    /// Apply the editor's text as new steps.
    Apply,
    /// Send the editor's manifests as this kubectl command from now on.
    SetMode(Mode),
    /// Stop the Apply in progress; nothing of it is added.
    CancelApply,
    /// Use this `--service-node-port-range` (replays every step).
    SetRange(String),
    /// Use this seed (replays every step).
    SetSeed(String),
    /// Turn the KEP-3668 band split on or off (replays every step).
    SetStaticSubrange(bool),
    /// Model this Kubernetes release, with its band split's default (replays every step).
    SetVersion(String),
    /// Forget every step.
    Reset,
    /// Delete a stored Service.
    Delete(String),
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
    /// Play at this speed (a place in [`SPEEDS`]).
    SetSpeed(usize),
    /// Play this many speeds faster (or slower).
    SpeedBy(isize),
    /// Shade free ports by the next pick's odds, or not.
    ShadeOdds(bool),
    /// Show the step after the next rejection (`true`) or the one before the current step.
    SeekRefusal(bool),
    /// The engine answered (boxed: an answer is large next to the other actions).
    Replied(Box<Reply>),
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
    /// The state a page opens with, and what it asks the engine first: in the full app, the
    /// saved work (`saved`, and `before` the work a link replaced); then a preset the address
    /// names, at its step. A shared state in the address is opened once it is unpacked
    /// ([`Action::OpenLink`]).
    pub fn opened(fragment: &Fragment, saved: Saved, before: Saved) -> Self {
        let mut state = AppState {
            timeline: None,
            releases: Rc::from([]),
            settings: Settings::default(),
            editor: Editor::new(WELCOME.to_owned()),
            link: LinkSession::default(),
            selected: None,
            notice: None,
            speed: NORMAL_SPEED,
            shade_odds: false,
            scenario: None,
            applying: None,
            outbox: Outbox::default(),
        };
        state.link.embed = fragment.embed;
        state.link.layout = fragment.layout;
        state.link.caption = fragment.caption.clone();
        state.link.opening = fragment.state.is_some();
        let mut first = (Rc::from(EMPTY), None, Opening::Start);
        if !state.link.embed {
            if let Some(editor) = saved.editor {
                state.editor = Editor::new(editor);
            }
            if let Some(history) = saved.history {
                first = (Rc::from(history), saved.at, Opening::Saved);
            }
            state.link.before_link = (before != Saved::default()).then_some(before);
        }
        state.outbox.send(Request::Releases);
        let preset = fragment.preset.as_ref().map(|name| {
            PRESETS
                .iter()
                .position(|p| p.name == name.as_str())
                .ok_or_else(|| unknown_preset("This link names", name))
        });
        // An embed opens what its address names and nothing before it: the page around it is
        // told of every history it shows. Should that fail, it opens an empty one then.
        let named = state.link.opening || matches!(preset, Some(Ok(_)));
        if !(state.link.embed && named) {
            state.outbox.send(Request::Open {
                scenario: first.0,
                at: first.1,
                why: first.2,
            });
        }
        match preset {
            Some(Ok(i)) if !state.link.opening => state.load_preset(i, fragment.at),
            Some(Ok(_)) | None => {}
            Some(Err(problem)) => state.link.problem = Some(problem),
        }
        state
    }

    /// The work as it is kept: the history as a scenario file, as the address holds it too.
    pub fn saved(&self) -> Saved {
        Saved {
            editor: Some(self.editor.text.to_string()),
            history: self.timeline.as_ref().map(|t| t.scenario.to_string()),
            at: self.timeline.as_ref().and_then(Run::cursor),
        }
    }

    /// What is wrong, one message per field or source: a link, the editor's text, the settings.
    pub fn problems(&self) -> Vec<&str> {
        let mut problems: Vec<&str> = self.link.problem.iter().map(String::as_str).collect();
        problems.extend(self.editor.problem.as_ref().map(|p| p.message.as_str()));
        problems.extend(self.settings.errors());
        problems
    }

    /// What the page shows of a moment: the Services its list shows, the highlighted one.
    fn shown(&self) -> Shown {
        Shown {
            services: self.timeline.as_ref().map_or(0..0, |t| t.services_asked()),
            has: self.selected.clone(),
        }
    }

    /// The engine described a moment: shown if it is still the one wanted.
    fn moment_described(&mut self, moment: MomentView) {
        if moment.has == Some(false) {
            self.selected = None;
        }
        if let Some(request) = self.timeline.as_mut().and_then(|t| t.show(moment)) {
            self.outbox.send(request);
        }
    }

    /// Asks the engine for the moment `request` names, with the highlighted Service.
    fn show(&self, request: Request) {
        let request = match request {
            Request::Moment { step, services, .. } => Request::Moment {
                step,
                services,
                has: self.selected.clone(),
            },
            other => other,
        };
        self.outbox.send(request);
    }

    /// Highlights Service `key` (or none): the moment shown is asked again, for where the
    /// Service is in its list.
    fn select(&mut self, key: Option<String>) {
        self.selected = key;
        if let Some(request) = self.timeline.as_mut().map(Run::refresh) {
            self.show(request);
        }
    }

    /// Applies `text` as `mode` says, in the engine.
    fn apply_text(&mut self, text: Rc<str>, mode: Mode) {
        let applying = Applying {
            text: text.clone(),
            progress: None,
            slices: 0,
            stop: Rc::default(),
        };
        let stop = applying.stop.clone();
        self.applying = Some(applying);
        self.outbox.send(Request::Apply {
            text,
            mode: mode.as_str(),
            stop,
            shown: self.shown(),
        });
    }

    /// Fetches lesson `i`'s scenario, to open at step `at` ([`Self::open_lesson`]).
    fn load_preset(&mut self, i: usize, at: Option<usize>) {
        self.outbox.send(Request::Lesson { preset: i, at });
    }

    /// A fresh cluster with lesson `i`'s settings (the defaults for those it leaves out) and
    /// steps from its scenario file `text`, shown at step `at`, the file in the editor.
    fn open_lesson(&mut self, i: usize, text: Rc<str>, at: Option<usize>) {
        self.shade_odds |= PRESETS[i].shades_odds;
        self.keep_before_link(&text);
        self.editor.replace(&text);
        self.outbox.send(Request::Open {
            scenario: text,
            at,
            why: Opening::Preset(i),
        });
    }

    /// Loads the preset named `name` (a page around an embed asked for it), or says it has none.
    fn load_preset_named(&mut self, name: &str) {
        match PRESETS.iter().position(|p| p.name == name) {
            Some(i) => self.load_preset(i, None),
            None => self.link.problem = Some(unknown_preset("The page asks for", name)),
        }
    }

    /// Keeps the current work (a history, or text typed in the editor) to offer back, unless it
    /// already is `history`'s.
    fn keep_before_link(&mut self, history: &str) {
        let kept = self.saved();
        let has_work =
            self.timeline.as_ref().is_some_and(|t| !t.is_empty()) || *self.editor.text != WELCOME;
        if !self.link.embed && has_work && kept.history.as_deref() != Some(history) {
            self.link.before_link = Some(kept);
        }
    }

    /// Opens a shared link's history (a scenario file) at step `at`.
    fn open_link(&mut self, history: String, at: Option<usize>) {
        self.outbox.send(Request::Open {
            scenario: Rc::from(history),
            at,
            why: Opening::Link,
        });
    }

    /// A shared link could not be unpacked, for `reason`.
    fn link_failed(&mut self, reason: &str) {
        self.link.opening = false;
        self.link.problem = Some(format!(
            "This link could not be opened: {reason}. Your own work is still here."
        ));
        self.start_if_nothing_open();
    }

    /// Opens an empty history if none is open (an embed that waited for what its address
    /// named, which failed).
    fn start_if_nothing_open(&mut self) {
        if self.timeline.is_none() && self.link.embed {
            self.outbox.send(Request::Open {
                scenario: Rc::from(EMPTY),
                at: None,
                why: Opening::Start,
            });
        }
    }

    /// Runs the inputs under other settings.
    fn reconfigure(&mut self, change: SettingsChange) {
        self.outbox.send(Request::Reconfigure(change));
    }

    /// The engine opened a cluster.
    fn opened_by_engine(
        &mut self,
        opened: crate::engine::Opened,
        at: Option<usize>,
        why: Option<Opening>,
    ) {
        let at = match why {
            // New settings keep the moment shown.
            None => self.timeline.as_ref().and_then(Run::cursor),
            Some(_) => at,
        };
        let (description, last_input) = (opened.description.clone(), opened.last_input.clone());
        let settings = opened.settings.clone();
        let (mut run, request) = Run::opened(opened, at);
        let kept = self.timeline.as_ref().map(|old| run.keep_views(old));
        self.timeline = Some(run);
        self.show(request);
        for request in kept.into_iter().flatten() {
            self.outbox.send(request);
        }
        let Some(why) = why else {
            // New settings: the fields show them, and keep a field's error.
            self.settings.range_text.clone_from(&settings.range);
            self.settings.seed_text = settings.seed.to_string();
            return;
        };
        self.settings = Settings::of(&settings);
        self.selected = None;
        if matches!(why, Opening::Link | Opening::SwitchBack) {
            self.link.problem = None;
        }
        // Apply goes on as the history's last text was sent.
        let mode = last_input
            .as_ref()
            .and_then(|l| l.mode.parse().ok())
            .unwrap_or_default();
        match why {
            Opening::Preset(i) => {
                self.scenario = Some((Some(i), description));
            }
            Opening::Link => {
                self.link.opening = false;
                self.scenario = None;
                // The link's last applied text in the editor (the user's own is kept above).
                if let Some(last) = last_input {
                    self.editor = Editor::new(last.text);
                }
                self.editor.mode = mode;
            }
            Opening::Saved | Opening::SwitchBack => {
                self.scenario = None;
                self.editor.mode = mode;
            }
            Opening::Reset | Opening::Start => self.scenario = None,
        }
    }

    /// The engine added steps (an Apply, a delete, Services added).
    fn added_by_engine(&mut self, added: crate::engine::Added, moment: Option<Box<MomentView>>) {
        let applied = self.applying.take();
        let Some(timeline) = &mut self.timeline else {
            return;
        };
        let first = if added.settings_taken {
            0
        } else {
            timeline.len()
        };
        if added.settings_taken {
            let s = &added.settings;
            self.notice = Some(format!(
                "Using the scenario's settings: Kubernetes {}, range {}, seed {}, band split {}.",
                s.kubernetes_version,
                s.range,
                s.seed,
                if s.static_subrange { "on" } else { "off" }
            ));
            self.settings = Settings::of(s);
        } else if added.length == first && applied.is_some() {
            self.notice = Some(
                "Nothing to apply: the text holds no Kubernetes object (only comments, empty \
                 documents or lists without items)."
                    .to_owned(),
            );
        }
        if let Some(applied) = &applied {
            if *applied.text == *self.editor.text {
                self.editor.applied(&added.refusals);
            }
            self.link.problem = None;
        }
        let description = added.description.clone();
        let shown = added.shown_step();
        let mut requests = timeline.add(added);
        // The scenario the history comes from, while nothing else has changed it.
        self.scenario = description.map(|d| (None, Some(d)));
        // The view speaks of the last step that reached a Service (`Added::shown_step`); the
        // steps added stay fresh.
        if shown < timeline.len() {
            let fresh = (timeline.fresh.clone(), timeline.added.clone());
            requests[0] = timeline.seek(shown);
            (timeline.fresh, timeline.added) = fresh;
        }
        // The engine described that moment with its answer: nothing more to ask for it.
        if let Some(moment) = moment.filter(|m| m.step == timeline.position()) {
            requests.remove(0);
            self.moment_described(*moment);
        }
        for request in requests {
            self.show(request);
        }
    }

    /// A request failed.
    fn failed(&mut self, error: crate::engine::EngineError, opening: Option<Opening>) {
        match opening {
            Some(Opening::Saved) => {
                self.link.problem = Some(format!(
                    "The saved history could not be read ({error}); it starts afresh."
                ));
                self.outbox.send(Request::Open {
                    scenario: Rc::from(EMPTY),
                    at: None,
                    why: Opening::Start,
                });
            }
            Some(Opening::Link) => {
                self.link.opening = false;
                self.link.problem = Some(format!(
                    "This link's history could not be read ({error}); your own work is still here."
                ));
                self.start_if_nothing_open();
            }
            Some(Opening::SwitchBack) => {
                self.link.problem =
                    Some(format!("Your earlier history could not be read ({error})."));
            }
            Some(Opening::Preset(_)) => {
                self.link.problem = Some(error.to_string());
                self.start_if_nothing_open();
            }
            Some(Opening::Reset | Opening::Start) => {
                self.link.problem = Some(error.to_string());
            }
            None if self.applying.take().is_some() => self.editor.failed(&error),
            None => self.notice = Some(error.to_string()),
        }
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
        if let Action::ScrollServices(rows) | Action::ScrollLog(rows) = &action {
            // Like the editor's, a scroll changes nothing else; most need no answer.
            let mut next = (*self).clone();
            let request = next.timeline.as_mut().and_then(|t| match action {
                Action::ScrollLog(_) => t.view_log(rows.clone()),
                _ => t.view_services(rows.clone()),
            });
            if let Some(request) = request {
                next.outbox.send(request);
            }
            return Rc::new(next);
        }
        let mut next = (*self).clone();
        if let Action::Replied(reply) = action {
            match *reply {
                Reply::Progress(progress) => {
                    if let Some(applying) = &mut next.applying {
                        applying.progress = Some(progress);
                        applying.slices += 1;
                    }
                }
                Reply::Releases(releases) => next.releases = Rc::from(releases),
                Reply::Opened { opened, at, why } => next.opened_by_engine(opened, at, why),
                Reply::Lesson { preset, text, at } => next.open_lesson(preset, text, at),
                Reply::Added(added, moment) => next.added_by_engine(added, moment),
                Reply::Moment(moment) => next.moment_described(moment),
                Reply::Services {
                    step,
                    from,
                    services,
                } => {
                    if let Some(timeline) = &mut next.timeline {
                        timeline.show_services(step, from, services);
                    }
                }
                Reply::Refusal { found, forward } => match (found, &mut next.timeline) {
                    (Some(step), Some(timeline)) => {
                        timeline.playing = false;
                        let request = timeline.seek(step + 1);
                        next.show(request);
                    }
                    _ => {
                        next.notice = Some(
                            if forward {
                                "No rejection after this step."
                            } else {
                                "No rejection before this step."
                            }
                            .to_owned(),
                        );
                    }
                },
                Reply::Log { from, lines } => {
                    if let Some(timeline) = &mut next.timeline {
                        timeline.show_log(from, lines);
                    }
                }
                Reply::Inspected {
                    step,
                    place,
                    service,
                    select,
                } => {
                    let name = service.as_ref().map(|s| s.service.clone());
                    if let (Some(timeline), Some(service)) = (&mut next.timeline, service) {
                        timeline.show_inspected(step, place, service);
                    }
                    if select && name.is_some() {
                        next.select(name);
                    }
                }
                Reply::Failed { error, opening } => next.failed(error, opening),
                Reply::Stopped => next.applying = None,
            }
            return Rc::new(next);
        }
        next.notice = None;
        if let Some(applying) = next.applying.take_if(|_| action.stops_applying()) {
            applying.stop.set(true);
            next.notice = Some(
                "Stopped applying the editor's text: none of its steps were added.".to_owned(),
            );
        }
        let Some(timeline) = next.timeline.as_mut() else {
            // Until the engine has opened a cluster, only the editor and the links change, and
            // an Apply or a preset chosen waits for the cluster (the engine answers in order).
            match action {
                Action::LoadPreset(i) if i < PRESETS.len() => next.load_preset(i, None),
                Action::LoadPresetNamed(name) => next.load_preset_named(&name),
                Action::Apply if next.applying.is_some() => return self,
                Action::Apply => {
                    let text: Rc<str> = Rc::from(next.editor.text.as_str());
                    let mode = next.editor.mode;
                    next.apply_text(text, mode);
                }
                Action::Edit(text) => {
                    next.editor.edit(text);
                }
                Action::EditAll(text) => {
                    next.editor.edit_all(text);
                }
                Action::SetMode(mode) => next.editor.mode = mode,
                Action::OpenLink(text, at) => next.open_link(text, at),
                Action::LinkFailed(reason) => next.link_failed(&reason),
                _ => return self,
            }
            return Rc::new(next);
        };
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
            Action::Apply => {
                let text: Rc<str> = Rc::from(next.editor.text.as_str());
                let mode = next.editor.mode;
                next.apply_text(text, mode);
            }
            Action::SetMode(mode) => next.editor.mode = mode,
            Action::CancelApply
            | Action::ScrollEditor(..)
            | Action::ScrollServices(_)
            | Action::ScrollLog(_)
            | Action::Replied(_) => {}
            Action::SetRange(text) => {
                if let Some(change) = next.settings.set_range(text) {
                    next.reconfigure(change);
                }
            }
            Action::SetSeed(text) => {
                if let Some(change) = next.settings.set_seed(text) {
                    next.reconfigure(change);
                }
            }
            Action::SetStaticSubrange(static_subrange) => next.reconfigure(SettingsChange {
                static_subrange: Some(static_subrange),
                ..SettingsChange::default()
            }),
            Action::SetVersion(version) => next.reconfigure(SettingsChange {
                kubernetes_version: Some(version),
                ..SettingsChange::default()
            }),
            Action::Reset => next.outbox.send(Request::Reset),
            Action::Delete(key) => {
                if timeline.cursor().is_some() {
                    next.notice = Some(format!(
                        "Deleted {key} after the last step, where the view now is: a deletion \
                         is always added at the end."
                    ));
                }
                next.outbox.send(Request::Delete(key, next.shown()));
            }
            Action::AddServices(0) => return self,
            Action::AddServices(count) => {
                let free = timeline.free as usize;
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
                    next.outbox
                        .send(Request::AddServices(count.min(free), next.shown()));
                }
            }
            Action::LoadPreset(i) => {
                if i >= PRESETS.len() {
                    return self;
                }
                next.load_preset(i, None);
            }
            Action::LoadPresetNamed(name) => next.load_preset_named(&name),
            Action::RestoreEditor => next.editor.restore(),
            Action::OpenLink(text, at) => {
                next.keep_before_link(&text);
                next.open_link(text, at);
            }
            Action::LinkFailed(reason) => next.link_failed(&reason),
            Action::SwitchBack => {
                let Some(before) = next.link.before_link.take() else {
                    return self;
                };
                next.editor = Editor::new(before.editor.unwrap_or_else(|| WELCOME.to_owned()));
                next.outbox.send(Request::Open {
                    scenario: Rc::from(before.history.unwrap_or_else(|| EMPTY.to_owned())),
                    at: before.at,
                    why: Opening::SwitchBack,
                });
            }
            Action::DropBackup => next.link.before_link = None,
            Action::Select(key) => {
                if key == next.selected {
                    return self;
                }
                next.select(key);
            }
            Action::Inspect(index) => {
                let Some(request) = timeline.inspect(index, false) else {
                    return self;
                };
                next.outbox.send(request);
            }
            Action::SelectHolder(None) => next.select(None),
            Action::SelectHolder(Some(index)) => {
                match timeline.listed.get(index).map(|s| s.service.clone()) {
                    Some(name) => next.select(Some(name)),
                    None => {
                        if let Some(request) = timeline.inspect(index, true) {
                            next.outbox.send(request);
                        }
                    }
                }
            }
            Action::Seek(n) => {
                timeline.playing = false;
                let request = timeline.seek(n);
                next.show(request);
            }
            Action::StepBy(delta) => {
                let request = timeline.step_by(delta);
                next.show(request);
            }
            Action::TogglePlay => {
                if let Some(request) = timeline.toggle_play() {
                    next.show(request);
                }
            }
            Action::Tick => match timeline.tick() {
                Some(request) => next.show(request),
                None => return self,
            },
            Action::SetSpeed(speed) => next.speed = speed.min(SPEEDS.len() - 1),
            Action::ShadeOdds(on) => next.shade_odds = on,
            Action::SpeedBy(delta) => {
                next.speed = next
                    .speed
                    .saturating_add_signed(delta)
                    .min(SPEEDS.len() - 1)
            }
            Action::SeekRefusal(forward) => {
                // The current step is the one before the position: the next rejection is after
                // it, the previous one before it.
                let position = timeline.position();
                let from = if forward {
                    position
                } else {
                    position.saturating_sub(1)
                };
                next.outbox.send(Request::Refusal { from, forward });
            }
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests;
