//! The history and the cursor into it: every step applied so far with its outcome, what the
//! history was given (its entries, for links and saved work), the moment shown, playing, and the
//! caches derived from the moment shown.

use super::Shared;
use crate::cells::Cells;
use portband_kube::{
    read, Cluster, ClusterConfig, Entry, History, Mode, ServiceKey, Source, Step, MAX_REPEAT,
};
use std::ops::Range;
use std::rc::Rc;

/// A history with a cursor.
#[derive(Clone, Debug)]
pub struct Timeline {
    /// Every step so far, its outcome, and the state after the last one.
    pub history: Shared<History>,
    /// What the history was given, in order: what share links and the saved work record.
    pub entries: Shared<Vec<Entry>>,
    /// Which moment is shown: after the first `n` steps, or `None` for after the last.
    cursor: Option<usize>,
    /// The cluster at the cursor, when the cursor is in the past.
    past: Option<Shared<Cluster>>,
    /// Whether the history is playing (stepping forward by itself).
    pub playing: bool,
    /// Who holds each port at the moment shown.
    pub cells: Shared<Cells>,
    /// The outcomes drawn as fresh: those the last action added, or the step at the cursor.
    pub fresh: Range<usize>,
}

impl Timeline {
    /// An empty history under `config`.
    pub fn new(config: ClusterConfig) -> Self {
        let history = History::new(config);
        Timeline {
            cells: Shared::new(Cells::of(history.cluster())),
            history: Shared::new(history),
            entries: Shared::default(),
            cursor: None,
            past: None,
            playing: false,
            fresh: 0..0,
        }
    }

    /// A history of `steps` under `config`, recorded as `entries`, shown at step `at` (or now).
    pub fn replayed(
        config: ClusterConfig,
        steps: Vec<Step>,
        entries: Shared<Vec<Entry>>,
        at: Option<usize>,
    ) -> Self {
        let mut timeline = Timeline::new(config);
        timeline.entries = entries;
        timeline.run(steps);
        timeline.fresh = 0..0;
        if let Some(at) = at {
            timeline.seek(at);
        }
        timeline
    }

    /// The settings the history runs under.
    pub fn config(&self) -> ClusterConfig {
        self.history.cluster().config()
    }

    /// How many steps the moment shown has run.
    pub fn position(&self) -> usize {
        self.cursor.unwrap_or(self.history.outcomes().len())
    }

    /// The moment shown, when it is not the last: what saved work and links record as `at`.
    pub fn cursor(&self) -> Option<usize> {
        self.cursor
    }

    /// The cluster at the cursor, when the cursor is in the past.
    pub fn past(&self) -> Option<&Shared<Cluster>> {
        self.past.as_ref()
    }

    /// The cluster as shown: at the cursor, or now.
    pub fn shown(&self) -> &Cluster {
        self.past.as_deref().unwrap_or(self.history.cluster())
    }

    /// Moves the cursor to after the first `n` steps (the last step or beyond: now). Forward from
    /// the moment shown only the steps in between run (playing stays linear); backward, the state
    /// comes from the history's nearest checkpoint.
    pub fn seek(&mut self, n: usize) {
        let len = self.history.outcomes().len();
        if n >= len {
            self.cursor = None;
            self.past = None;
        } else {
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

    /// Moves the cursor by `delta` steps and stops playing.
    pub fn step_by(&mut self, delta: isize) {
        self.playing = false;
        self.seek(self.position().saturating_add_signed(delta));
    }

    /// Starts playing (from the start when at the end), or stops.
    pub fn toggle_play(&mut self) {
        let len = self.history.outcomes().len();
        self.playing = !self.playing && len > 0;
        if self.playing && self.position() >= len {
            self.seek(0);
        }
    }

    /// One beat of playing: the next step, and a stop at the end. False when not playing.
    pub fn tick(&mut self) -> bool {
        if !self.playing {
            return false;
        }
        let position = self.position() + 1;
        self.seek(position);
        self.playing = position < self.history.outcomes().len();
        true
    }

    /// Runs `steps` read from `text` (its manifests sent as `mode` says) and records the text as
    /// one entry.
    pub fn record(&mut self, text: String, mode: Mode, steps: Vec<Step>) {
        self.record_unseen(text, mode, steps);
        self.redraw();
    }

    /// As [`Timeline::record`], leaving the grid's cells as they were (see
    /// [`Timeline::run_unseen`]).
    pub fn record_unseen(&mut self, text: String, mode: Mode, steps: Vec<Step>) {
        Rc::make_mut(&mut self.entries.0).push(Entry::Manifests(text, mode));
        self.run_unseen(steps);
    }

    /// Deletes the Service `key`, as one entry.
    pub fn delete(&mut self, key: ServiceKey) {
        let step = Step::Delete {
            key: key.clone(),
            source: Source::default(),
        };
        Rc::make_mut(&mut self.entries.0).push(Entry::Delete(key));
        self.run(vec![step]);
    }

    /// Adds `count` NodePort Services with one dynamic port each, numbered on from the highest
    /// `filler-N` the cluster holds, as one entry.
    pub fn add_fillers(&mut self, count: usize) {
        let first = self
            .history
            .cluster()
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
        let text = format!(
            "apiVersion: portband/v1\nkind: Scenario\nsteps:\n- apply: {{apiVersion: v1, kind: Service, metadata: {{name: filler}}, spec: {{type: NodePort, ports: [{{name: http, port: 80}}]}}}}\n  repeat: {}\n  first: {first}\n",
            count.clamp(1, MAX_REPEAT)
        );
        if let Ok(input) = read(&text) {
            self.record(text, Mode::Apply, input.steps);
        }
    }

    /// The last text applied, and how its manifests were sent.
    pub fn last_text(&self) -> Option<(&str, Mode)> {
        self.entries.iter().rev().find_map(|entry| match entry {
            Entry::Manifests(text, mode) => Some((text.as_str(), *mode)),
            Entry::Delete(_) => None,
        })
    }

    /// Forgets every step; the settings stay.
    pub fn reset(&mut self) {
        *self = Timeline::new(self.config());
    }

    /// Replays every step under `config`, keeping the moment shown.
    pub fn reconfigure(&mut self, config: ClusterConfig) {
        if config == self.config() {
            return;
        }
        let cursor = self.cursor;
        let steps = self.history.steps().to_vec();
        // The same inputs: shared, not copied.
        let entries = self.entries.clone();
        *self = Timeline::replayed(config, steps, entries, cursor);
    }

    /// Runs `steps` and shows the moment after them, the new outcomes fresh.
    pub fn run(&mut self, steps: impl IntoIterator<Item = Step>) {
        self.run_unseen(steps);
        self.redraw();
    }

    /// As [`Timeline::run`], but leaves the grid's cells as they were: for the slices of an
    /// Apply, whose timeline is shown once, when the last has run ([`Timeline::redraw`]).
    pub fn run_unseen(&mut self, steps: impl IntoIterator<Item = Step>) {
        let before = self.history.outcomes().len();
        let history = Rc::make_mut(&mut self.history.0);
        for step in steps {
            history.push(step);
        }
        self.cursor = None;
        self.past = None;
        self.playing = false;
        self.fresh = before..self.history.outcomes().len();
    }

    /// Works out who holds each port now, for the grid.
    pub fn redraw(&mut self) {
        self.cells = Shared::new(Cells::of(self.history.cluster()));
    }
}

#[cfg(test)]
mod tests {
    use super::Timeline;
    use portband_kube::{read, ClusterConfig, Mode};

    fn thirty_and_a_delete() -> Timeline {
        let mut timeline = Timeline::new(ClusterConfig::default());
        let text = "apiVersion: portband/v1\nkind: Scenario\nsteps:\n- apply: {apiVersion: v1, kind: Service, metadata: {name: s}, spec: {type: NodePort, ports: [{port: 80}]}}\n  repeat: 30\n- delete: s-3\n";
        timeline.record(text.to_owned(), Mode::Apply, read(text).unwrap().steps);
        timeline
    }

    #[test]
    fn stepping_forward_shows_what_a_replay_shows() {
        let mut timeline = thirty_and_a_delete();
        timeline.seek(0);
        for n in 1..=25 {
            timeline.step_by(1);
            let mut direct = thirty_and_a_delete();
            direct.seek(n);
            assert_eq!(timeline.position(), n);
            assert_eq!(timeline.cells.0, direct.cells.0, "step {n}");
            assert_eq!(timeline.shown().services(), direct.shown().services());
        }
    }

    #[test]
    fn playing_runs_to_the_end_and_stops() {
        let mut timeline = thirty_and_a_delete();
        timeline.toggle_play();
        assert!(timeline.playing);
        assert_eq!(timeline.position(), 0, "playing from the end starts over");
        let mut beats = 0;
        while timeline.tick() {
            beats += 1;
        }
        assert_eq!(beats, 31);
        assert!(!timeline.playing);
        assert_eq!(timeline.cursor(), None, "the end is now");
    }

    #[test]
    fn new_settings_replay_every_step_at_the_same_moment() {
        let mut timeline = thirty_and_a_delete();
        timeline.seek(10);
        let before = timeline.history.outcomes()[0].ports[0].node_port;
        timeline.reconfigure(ClusterConfig {
            seed: 99,
            ..ClusterConfig::default()
        });
        assert_eq!(timeline.position(), 10);
        assert_eq!(timeline.history.outcomes().len(), 31);
        assert_eq!(timeline.entries.len(), 1);
        assert_ne!(timeline.history.outcomes()[0].ports[0].node_port, before);
    }

    #[test]
    fn fillers_number_on_from_the_highest() {
        let mut timeline = Timeline::new(ClusterConfig::default());
        timeline.add_fillers(3);
        timeline.delete("filler-2".parse().unwrap());
        timeline.add_fillers(2);
        let names: Vec<_> = timeline
            .history
            .cluster()
            .services()
            .iter()
            .map(|s| s.service.name.clone())
            .collect();
        assert_eq!(names, ["filler-1", "filler-3", "filler-4", "filler-5"]);
        assert_eq!(timeline.entries.len(), 3);
        assert_eq!(timeline.fresh, 4..6);
    }
}
