//! The history as the engine reports it, for a page whose engine runs in a worker: every step in
//! a log's words, the inputs as a scenario, the cursor, playing, what is
//! fresh, and the moment shown as the engine last described it. Moving the cursor asks the
//! engine for the moment ([`Request::Moment`]); its answer is taken only if it is still the one
//! wanted, so a fast stepper never sees an older moment over a newer one.

use super::requests::Request;
use super::Shared;
use crate::engine::{Added, MomentView, Opened};
use portband_contract::{LastInput, LogLine, Settings, StoredService};
use std::ops::Range;

/// How many stored Services a moment lists: those the list shows, and more either side, so that
/// a short scroll needs no new answer.
const SERVICES_ASKED: usize = 128;

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
}

impl Listed {
    /// The Service at `place` in the list, if it is listed.
    pub fn get(&self, place: usize) -> Option<&StoredService> {
        self.services.get(place.checked_sub(self.from)?)
    }
}

/// A history with a cursor, as the engine reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    /// The settings it runs under, and their bands.
    pub settings: Settings,
    /// Every step, in a log's words.
    pub rows: Shared<Vec<LogLine>>,
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
    /// The ports the fresh steps took, when the last action added them.
    pub fresh_taken: Shared<Vec<Vec<i32>>>,
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
}

impl Run {
    /// The history of a cluster the engine opened, shown at step `at` (or now); the request
    /// for that moment.
    pub fn opened(opened: Opened, at: Option<usize>) -> (Self, Request) {
        let mut run = Run {
            settings: opened.settings,
            rows: Shared::new(opened.rows),
            scenario: Shared::new(opened.scenario),
            last_input: opened.last_input,
            free: opened.summary.free,
            cursor: None,
            playing: false,
            fresh: 0..0,
            fresh_taken: Shared::default(),
            moment: None,
            listed: Shared::default(),
            wanted: None,
            services: 0..SERVICES_ASKED,
            rows_shown: 0..0,
        };
        let request = run.seek(at.unwrap_or(usize::MAX));
        run.fresh = 0..0;
        (run, request)
    }

    /// How many steps have run.
    pub fn len(&self) -> usize {
        self.rows.len()
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
        self.fresh_taken = Shared::default();
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
        let start = (rows.start + rows.end).saturating_sub(SERVICES_ASKED) / 2;
        self.services = start..start + SERVICES_ASKED.max(rows.len());
        Some(Request::Services {
            step: moment.step,
            services: self.services.clone(),
        })
    }

    /// The engine's answer for stored Services: shown if they are of the moment shown.
    pub fn show_services(&mut self, step: usize, from: usize, services: Vec<StoredService>) {
        if self.moment.as_ref().is_some_and(|m| m.step == step) {
            self.listed = Shared::new(Listed {
                step,
                from,
                services,
            });
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
    /// after them, the new ones fresh.
    pub fn add(&mut self, added: Added) -> Request {
        let before = if added.settings_taken { 0 } else { self.len() };
        let rows = std::rc::Rc::make_mut(&mut self.rows.0);
        rows.truncate(before);
        rows.extend(added.rows);
        self.settings = added.settings;
        self.free = added.summary.free;
        self.scenario = Shared::new(added.scenario);
        self.playing = false;
        let request = self.seek(usize::MAX);
        self.fresh = before..self.len();
        self.fresh_taken = Shared::new(added.taken);
        request
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
        assert_eq!(run.moment.as_ref().unwrap().service_count, 29);
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
            },
        );
        let Some(Reply::Added(added)) = replies.last() else {
            panic!("{replies:?}")
        };
        let request = run.add(added.clone());
        settle(&engine, &mut run, request);
        assert_eq!(
            (run.len(), run.cursor(), run.fresh.clone()),
            (32, None, 31..32)
        );
        assert_eq!(*run.fresh_taken, [[30007]]);
        assert_eq!(run.rows[31].held[0].node_port, 30007);
        assert!(run.scenario.contains("mode: create"));
        assert_eq!(run.moment.as_ref().unwrap().service_count, 30);
    }
}
