//! The history as the engine reports it, for a page whose engine runs in a worker: its length, the
//! steps the log shows in a log's words, the inputs as a scenario, the cursor, playing, what is
//! fresh, and the moment shown as the engine last described it. Moving the cursor asks the
//! engine for the moment ([`Request::Moment`]); its answer is taken only if it is still the one
//! wanted, so a fast stepper never sees an older moment over a newer one. The log and the
//! Services list ask for the rows they scroll to ([`Request::Log`], [`Request::Services`]); the
//! engine answers in order, so an answer is always of the history as the state has it then.

use super::requests::Request;
use super::Shared;
use crate::engine::{Added, MomentView, Opened};
use portband_contract::{LastInput, LogLine, Settings, StoredService};
use std::ops::Range;

/// How many stored Services a moment lists: those the list shows, and more either side, so that
/// a short scroll needs no new answer.
const SERVICES_ASKED: usize = 128;

/// How many steps the log asks for at once, around those it shows (a screenful is about 15).
const LOG_ASKED: usize = 64;

/// The rows to ask for, at least `asked`, centred on `rows`.
fn around(rows: &Range<usize>, asked: usize) -> Range<usize> {
    let start = (rows.start + rows.end).saturating_sub(asked) / 2;
    start..start + asked.max(rows.len())
}

/// Steps of the history in a log's words, a window of it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Logged {
    /// The first one's step, from 0.
    pub from: usize,
    /// The steps.
    pub lines: Vec<LogLine>,
}

impl Logged {
    /// Step `i`, if it is here.
    pub fn get(&self, i: usize) -> Option<&LogLine> {
        self.lines.get(i.checked_sub(self.from)?)
    }
}

/// What the last action added, for the grid's rings and what a screen reader hears (empty
/// once the cursor moves).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fresh {
    /// The ports each new step took.
    pub taken: Vec<Vec<i32>>,
    /// How many new steps were refused.
    pub refused: usize,
    /// The first of them, in a log's words.
    pub first_refused: Option<LogLine>,
    /// The last new step, in a log's words.
    pub last: Option<LogLine>,
    /// The port a refused new step found another Service holding.
    pub conflict: Option<i32>,
}

/// Stored Services of a moment, a window of its list: kept apart from the moment, so that the
/// list's scrolling does not redraw the grid.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Listed {
    /// The moment's step.
    pub step: usize,
    /// The first one's place in the list.
    pub from: usize,
    /// The Services.
    pub services: Vec<StoredService>,
    /// One more, outside them, that the grid asked about (by place).
    pub inspected: Option<(usize, StoredService)>,
}

impl Listed {
    /// The Service at `place` in the list, if it is listed.
    pub fn get(&self, place: usize) -> Option<&StoredService> {
        place
            .checked_sub(self.from)
            .and_then(|i| self.services.get(i))
            .or_else(|| {
                let (at, service) = self.inspected.as_ref()?;
                (*at == place).then_some(service)
            })
    }
}

/// A history with a cursor, as the engine reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    /// The settings it runs under, and their bands.
    pub settings: Settings,
    /// How many steps it has.
    length: usize,
    /// The steps the log has asked for, in a log's words.
    pub log: Shared<Logged>,
    /// The inputs, as a scenario file: what saved work and links keep.
    pub scenario: Shared<String>,
    /// The last text applied, and how.
    pub last_input: Option<LastInput>,
    /// Ports free after the last step.
    pub free: u32,
    /// Which moment is shown: after the first `n` steps, or `None` for after the last.
    cursor: Option<usize>,
    /// Whether the history is playing.
    pub playing: bool,
    /// The steps drawn as fresh: those the last action added, or the step at the cursor.
    pub fresh: Range<usize>,
    /// What the fresh steps did, when the last action added them.
    pub added: Shared<Fresh>,
    /// The moment shown, as the engine described it; it may lag the cursor until its answer.
    pub moment: Option<Shared<MomentView>>,
    /// The stored Services of the moment shown that the engine has listed.
    pub listed: Shared<Listed>,
    /// The moment asked for and not yet answered.
    wanted: Option<usize>,
    /// The stored Services each moment lists, by place: around those the list shows.
    services: Range<usize>,
    /// The rows the Services list shows.
    rows_shown: Range<usize>,
    /// The steps the log shows.
    log_shown: Range<usize>,
}

impl Run {
    /// The history of a cluster the engine opened, shown at step `at` (or now); the request
    /// for that moment.
    pub fn opened(opened: Opened, at: Option<usize>) -> (Self, Request) {
        let mut run = Run {
            settings: opened.settings,
            length: opened.length,
            log: Shared::default(),
            scenario: Shared::new(opened.scenario),
            last_input: opened.last_input,
            free: opened.summary.free,
            cursor: None,
            playing: false,
            fresh: 0..0,
            added: Shared::default(),
            moment: None,
            listed: Shared::default(),
            wanted: None,
            services: 0..SERVICES_ASKED,
            rows_shown: 0..0,
            log_shown: 0..0,
        };
        let request = run.seek(at.unwrap_or(usize::MAX));
        run.fresh = 0..0;
        (run, request)
    }

    /// How many steps have run.
    pub fn len(&self) -> usize {
        self.length
    }

    /// Whether no step has run.
    pub fn is_empty(&self) -> bool {
        self.length == 0
    }

    /// The stored Services each moment lists, by place.
    pub fn services_asked(&self) -> Range<usize> {
        self.services.clone()
    }

    /// The rows the log and the Services list of `before`, a history this one replaces,
    /// showed: the requests for those this one lacks (the lists keep their places).
    pub fn keep_views(&mut self, before: &Run) -> Vec<Request> {
        self.rows_shown = before.rows_shown.clone();
        self.view_log(before.log_shown.clone())
            .into_iter()
            .collect()
    }

    /// The log shows steps `rows`: the request for them, if some are not here.
    pub fn view_log(&mut self, rows: Range<usize>) -> Option<Request> {
        self.log_shown = rows.clone();
        let wanted = rows.start.min(self.length)..rows.end.min(self.length);
        if wanted.clone().all(|i| self.log.get(i).is_some()) {
            return None;
        }
        let asked = around(&rows, LOG_ASKED);
        Some(Request::Log(asked.start..asked.end.min(self.length)))
    }

    /// The engine's answer for steps of the log.
    pub fn show_log(&mut self, from: usize, lines: Vec<LogLine>) {
        self.log = Shared::new(Logged { from, lines });
    }

    /// The step shown's row, if the engine has described it.
    pub fn shown_row(&self) -> Option<&LogLine> {
        let moment = self.moment.as_ref()?;
        moment
            .row
            .as_ref()
            .filter(|_| moment.step == self.position())
    }

    /// How many steps the moment shown has run.
    pub fn position(&self) -> usize {
        self.cursor.unwrap_or(self.len())
    }

    /// The moment shown, when it is not the last: what saved work and links record as `at`.
    pub fn cursor(&self) -> Option<usize> {
        self.cursor
    }

    /// Moves the cursor to after the first `n` steps (the last step or beyond: now); the
    /// request for that moment.
    pub fn seek(&mut self, n: usize) -> Request {
        let len = self.len();
        self.cursor = (n < len).then_some(n);
        let position = self.position();
        self.fresh = position.saturating_sub(1)..position;
        self.added = Shared::default();
        self.wanted = Some(position);
        Request::Moment {
            step: position,
            services: self.services.clone(),
            has: None,
        }
    }

    /// The Services list shows `rows` (by place): the request for them, if the moment shown
    /// lacks some.
    pub fn view_services(&mut self, rows: Range<usize>) -> Option<Request> {
        self.rows_shown = rows.clone();
        let moment = self.moment.as_ref()?;
        let count = moment.service_count;
        if rows
            .clone()
            .take_while(|&i| i < count)
            .all(|i| self.listed.get(i).is_some())
        {
            return None;
        }
        // Centred on the rows shown, so that a scroll either way stays inside for a while.
        self.services = around(&rows, SERVICES_ASKED);
        Some(Request::Services {
            step: moment.step,
            services: self.services.clone(),
        })
    }

    /// The engine's answer for stored Services: shown if they are of the moment shown.
    pub fn show_services(&mut self, step: usize, from: usize, services: Vec<StoredService>) {
        if self.moment.as_ref().is_some_and(|m| m.step == step) {
            let inspected = self.listed.inspected.clone();
            self.listed = Shared::new(Listed {
                step,
                from,
                services,
                inspected,
            });
        }
    }

    /// The request for the Service at `place` in the list of the moment shown, when it is not
    /// listed (to `select` it once known).
    pub fn inspect(&self, place: usize, select: bool) -> Option<Request> {
        let moment = self.moment.as_ref()?;
        (self.listed.get(place).is_none() && place < moment.service_count).then_some(
            Request::Inspect {
                step: moment.step,
                place,
                select,
            },
        )
    }

    /// The engine's answer for the Service at `place`: kept if it is of the moment shown.
    pub fn show_inspected(&mut self, step: usize, place: usize, service: StoredService) {
        if self.listed.step == step {
            std::rc::Rc::make_mut(&mut self.listed.0).inspected = Some((place, service));
        }
    }

    /// The request for the moment shown again (the highlighted Service changed); what is fresh
    /// stays.
    pub fn refresh(&mut self) -> Request {
        let position = self.position();
        self.wanted = Some(position);
        Request::Moment {
            step: position,
            services: self.services.clone(),
            has: None,
        }
    }

    /// Moves the cursor by `delta` steps and stops playing.
    pub fn step_by(&mut self, delta: isize) -> Request {
        self.playing = false;
        self.seek(self.position().saturating_add_signed(delta))
    }

    /// Starts playing (from the start when at the end), or stops.
    pub fn toggle_play(&mut self) -> Option<Request> {
        let len = self.len();
        self.playing = !self.playing && len > 0;
        (self.playing && self.position() >= len).then(|| self.seek(0))
    }

    /// One beat of playing: the next step, and a stop at the end; nothing when not playing.
    pub fn tick(&mut self) -> Option<Request> {
        if !self.playing {
            return None;
        }
        let position = self.position() + 1;
        let request = self.seek(position);
        self.playing = position < self.len();
        Some(request)
    }

    /// Steps the engine added (or, with new settings, every step again); shows the moment
    /// after them, the new ones fresh. The requests: that moment, and the log's rows it lacks.
    pub fn add(&mut self, added: Added) -> Vec<Request> {
        let before = if added.settings_taken {
            self.log = Shared::default();
            0
        } else {
            self.length
        };
        // The log follows the step shown, near the end: the last steps come with the answer.
        let tail_from = added.length - added.tail.len();
        let last = added.tail.last().filter(|_| added.length > before).cloned();
        self.log = Shared::new(Logged {
            from: tail_from,
            lines: added.tail,
        });
        self.length = added.length;
        self.settings = added.settings;
        self.free = added.summary.free;
        self.scenario = Shared::new(added.scenario);
        self.playing = false;
        let request = self.seek(usize::MAX);
        self.fresh = before..self.len();
        self.added = Shared::new(Fresh {
            taken: added.taken,
            refused: added.refusals.len(),
            conflict: added.refusals.iter().find_map(|r| r.taken),
            first_refused: added.first_refused,
            last,
        });
        let log = self.view_log(self.log_shown.clone());
        std::iter::once(request).chain(log).collect()
    }

    /// The engine's answer for a moment: shown if it is the one wanted; the request for the
    /// Services the list shows, if it lacks some.
    pub fn show(&mut self, moment: MomentView) -> Option<Request> {
        if self.wanted != Some(moment.step) {
            return None;
        }
        self.wanted = None;
        let mut moment = moment;
        self.listed = Shared::new(Listed {
            step: moment.step,
            from: moment.services_from,
            services: std::mem::take(&mut moment.services),
            inspected: None,
        });
        self.moment = Some(Shared::new(moment));
        self.view_services(self.rows_shown.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::Run;
    use crate::engine::local::{now, LocalEngine};
    use crate::engine::Engine;
    use crate::state::requests::{execute, Opening, Reply, Request};

    /// Runs `request` on `engine`; its replies.
    fn ask(engine: &LocalEngine, request: Request) -> Vec<Reply> {
        let mut replies = Vec::new();
        now(execute(engine, request, |r| replies.push(r)));
        replies
    }

    /// Takes a moment's answer, and the answers to what it asks in turn.
    fn settle(engine: &LocalEngine, run: &mut Run, request: Request) {
        for reply in ask(engine, request) {
            let next = match reply {
                Reply::Moment(moment) => run.show(moment),
                Reply::Services {
                    step,
                    from,
                    services,
                } => {
                    run.show_services(step, from, services);
                    None
                }
                Reply::Log { from, lines } => {
                    run.show_log(from, lines);
                    None
                }
                other => panic!("{other:?}"),
            };
            if let Some(next) = next {
                settle(engine, run, next);
            }
        }
    }

    /// The names of the Services the moment shown lists for `rows` (`None`: not listed).
    fn listed(run: &Run, rows: std::ops::Range<usize>) -> Vec<Option<String>> {
        rows.map(|i| Some(run.listed.get(i)?.service.clone()))
            .collect()
    }

    #[test]
    fn the_services_list_gets_the_services_it_scrolls_to_at_every_step() {
        let engine = LocalEngine::default();
        let scenario = "apiVersion: portband/v1\nkind: Scenario\nsteps:\n- apply: {apiVersion: v1, kind: Service, metadata: {name: s}, spec: {type: ClusterIP, ports: [{port: 80}]}}\n  repeat: 400\n";
        let replies = ask(
            &engine,
            Request::Open {
                scenario: scenario.into(),
                at: None,
                why: Opening::Link,
            },
        );
        let [Reply::Opened { opened, .. }] = &replies[..] else {
            panic!("{replies:?}")
        };
        let (mut run, request) = Run::opened(opened.clone(), None);
        settle(&engine, &mut run, request);
        let every = |step: usize| -> Vec<Option<String>> {
            let all = now(engine.moment(step, 0..usize::MAX, None)).unwrap();
            all.services.into_iter().map(|s| Some(s.service)).collect()
        };
        assert_eq!(
            listed(&run, 0..20),
            every(400)[0..20],
            "the first rows at once"
        );
        assert_eq!(listed(&run, 300..301), [None], "not the far ones");

        let moment = run.moment.clone();
        let request = run
            .view_services(300..330)
            .expect("rows it lacks are asked for");
        settle(&engine, &mut run, request);
        assert_eq!(listed(&run, 300..330), every(400)[300..330]);
        assert!(
            run.moment == moment,
            "the moment, and so the grid, stays as it was"
        );
        assert!(
            run.view_services(302..332).is_none(),
            "a short scroll needs nothing"
        );

        // A step back lists the same rows, of that moment.
        let request = run.seek(350);
        settle(&engine, &mut run, request);
        assert_eq!(listed(&run, 300..330), every(350)[300..330]);
        // Past the end of a shorter list, nothing is missing.
        let request = run.seek(310);
        settle(&engine, &mut run, request);
        assert_eq!(listed(&run, 300..310), every(310)[300..310]);
        assert!(run.view_services(305..330).is_none());
    }

    const THIRTY_AND_A_DELETE: &str = "apiVersion: portband/v1\nkind: Scenario\nsteps:\n- apply: {apiVersion: v1, kind: Service, metadata: {name: s}, spec: {type: NodePort, ports: [{port: 80}]}}\n  repeat: 30\n- delete: s-3\n";

    fn opened(engine: &LocalEngine, at: Option<usize>) -> Run {
        let replies = ask(
            engine,
            Request::Open {
                scenario: THIRTY_AND_A_DELETE.into(),
                at,
                why: Opening::Link,
            },
        );
        let [Reply::Opened { opened, at, .. }] = &replies[..] else {
            panic!("{replies:?}")
        };
        let (mut run, request) = Run::opened(opened.clone(), *at);
        settle(engine, &mut run, request);
        run
    }

    #[test]
    fn stepping_shows_the_moment_a_fresh_open_shows() {
        let engine = LocalEngine::default();
        let mut run = opened(&engine, Some(0));
        for n in 1..=25 {
            let request = run.step_by(1);
            settle(&engine, &mut run, request);
            let direct = opened(&LocalEngine::default(), Some(n));
            assert_eq!(run.position(), n);
            let shown = |r: &Run| r.moment.as_ref().map(|m| (**m).clone());
            assert!(
                shown(&run) == shown(&direct),
                "step {n}: not the moment a fresh open shows"
            );
            assert_eq!(run.fresh, n - 1..n);
        }
    }

    #[test]
    fn an_answer_for_an_older_moment_is_not_shown() {
        let engine = LocalEngine::default();
        let mut run = opened(&engine, None);
        let first = run.seek(3);
        let second = run.seek(7);

        settle(&engine, &mut run, first);
        assert_eq!(
            run.moment.as_ref().unwrap().step,
            31,
            "still the opened moment"
        );
        settle(&engine, &mut run, second);
        assert_eq!(run.moment.as_ref().unwrap().step, 7);
    }

    #[test]
    fn playing_runs_to_the_end_and_stops() {
        let engine = LocalEngine::default();
        let mut run = opened(&engine, None);
        let request = run.toggle_play().expect("playing from the end starts over");
        settle(&engine, &mut run, request);
        assert!(run.playing);
        assert_eq!(run.position(), 0);
        let mut beats = 0;
        while let Some(request) = run.tick() {
            settle(&engine, &mut run, request);
            beats += 1;
        }
        assert_eq!(beats, 31);
        assert!(!run.playing);
        assert_eq!(run.cursor(), None, "the end is now");
        // The scenario's Services, and the kubernetes Service.
        assert_eq!(run.moment.as_ref().unwrap().service_count, 29 + 1);
    }

    #[test]
    fn added_steps_are_fresh_and_shown() {
        let engine = LocalEngine::default();
        let mut run = opened(&engine, Some(5));
        let text = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: NodePort, ports: [{port: 80, nodePort: 30007}]}\n";
        let replies = ask(
            &engine,
            Request::Apply {
                text: text.into(),
                mode: "create",
                stop: std::rc::Rc::default(),
                shown: Default::default(),
            },
        );
        let Some(Reply::Added(added, _)) = replies.last() else {
            panic!("{replies:?}")
        };
        for request in run.add(added.clone()) {
            settle(&engine, &mut run, request);
        }
        assert_eq!(
            (run.len(), run.cursor(), run.fresh.clone()),
            (32, None, 31..32)
        );
        assert_eq!(run.added.taken, [[30007]]);
        assert_eq!(run.added.last.as_ref().unwrap().held[0].node_port, 30007);
        assert_eq!(run.shown_row().unwrap().step.service, "default/web");
        assert!(run.scenario.contains("mode: create"));
        assert_eq!(
            run.moment.as_ref().unwrap().service_count,
            30 + 1,
            "and kubernetes"
        );
    }

    #[test]
    fn the_log_gets_the_steps_it_scrolls_to_and_keeps_them_across_new_settings() {
        let engine = LocalEngine::default();
        let mut run = opened(&engine, None);
        let all = now(engine.log(0..usize::MAX)).unwrap();
        assert!(
            run.log.lines.is_empty(),
            "no row is sent before the log asks"
        );
        let request = run.view_log(20..30).expect("rows it lacks are asked for");
        settle(&engine, &mut run, request);
        for (i, line) in all.iter().enumerate().take(30).skip(20) {
            assert_eq!(run.log.get(i), Some(line), "step {i}");
        }
        assert_eq!(
            run.view_log(22..28),
            None,
            "rows it has are not asked again"
        );
        // A history under new settings keeps the log's place and asks for its rows again.
        let replies = ask(
            &engine,
            Request::Reconfigure(crate::engine::SettingsChange {
                seed: Some(9),
                ..Default::default()
            }),
        );
        let [Reply::Opened { opened, .. }] = &replies[..] else {
            panic!("{replies:?}")
        };
        let (mut next, request) = Run::opened(opened.clone(), None);
        let kept = next.keep_views(&run);
        settle(&engine, &mut next, request);
        assert_eq!(kept.len(), 1, "{kept:?}");
        for request in kept {
            settle(&engine, &mut next, request);
        }
        let again = now(engine.log(0..usize::MAX)).unwrap();
        assert_ne!(again[20..30], all[20..30], "another seed, other ports");
        for (i, line) in again.iter().enumerate().take(30).skip(20) {
            assert_eq!(next.log.get(i), Some(line), "step {i}");
        }
    }
}
