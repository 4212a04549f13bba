//! What the state asks of the engine ([`Request`]), and the one place that turns a request into
//! engine calls and their answers into [`Reply`]s for the reducer: [`execute`], run by the
//! page's hook with the worker's engine, and by the native tests with the in-process one.

use crate::engine::{Added, Engine, EngineError, MomentView, Opened, SettingsChange};
use crate::presets::PRESETS;
use portband_contract::{ApplyProgress, LogLine, Release, StoredService};
use std::cell::Cell;
use std::ops::Range;
use std::rc::Rc;

/// The most steps one `repeat` makes (portband-kube's `MAX_REPEAT`).
pub const MAX_REPEAT: usize = 65_536;

/// The work an Apply may do between two looks at the page: YAML events read or steps run (a
/// step costs six events), some 40 ms on a slow machine.
pub const SLICE: u32 = 40_000;

/// What the page shows of a moment: the Services its list shows, and the Service highlighted
/// (to look for). A request that adds steps describes the moment after them this way, so that
/// the page takes both in one answer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Shown {
    /// The stored Services to list, by place.
    pub services: Range<usize>,
    /// A Service to look for (`namespace/name`).
    pub has: Option<String>,
}

/// Why a scenario is opened: what the reducer does with it once it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Opening {
    /// Preset `i`.
    Preset(usize),
    /// A shared link.
    Link,
    /// The work the browser kept.
    Saved,
    /// The work a link replaced, taken back.
    SwitchBack,
    /// A fresh start under the same settings.
    Reset,
    /// The page's first cluster, when it has no work to open.
    Start,
}

/// One thing the state asks of the engine.
#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    /// The Kubernetes releases modelled (the version picker's).
    Releases,
    /// Replace the cluster with a scenario's, shown at step `at` (or the end).
    Open {
        /// The scenario file.
        scenario: Rc<str>,
        /// The step to show.
        at: Option<usize>,
        /// Why.
        why: Opening,
    },
    /// Fetch lesson `preset`'s scenario file, to open it at step `at` (or the end).
    Lesson {
        /// The lesson, by its place in the list.
        preset: usize,
        /// The step to show.
        at: Option<usize>,
    },
    /// Forget every step; the settings stay.
    Reset,
    /// Run the same inputs under other settings.
    Reconfigure(SettingsChange),
    /// Apply a text, its manifests sent as `mode` says (`apply`, `replace`, `create`), until
    /// `stop` is set.
    Apply {
        /// The text.
        text: Rc<str>,
        /// The kubectl command.
        mode: &'static str,
        /// Set to stop it between two slices.
        stop: Rc<Cell<bool>>,
        /// What to describe of the moment after.
        shown: Shown,
    },
    /// Delete a Service (`namespace/name`); describe the moment after as `Shown` says.
    Delete(String, Shown),
    /// Add this many NodePort Services with one dynamic port each, numbered on from the highest
    /// `filler-N` the cluster holds; describe the moment after as `Shown` says.
    AddServices(usize, Shown),
    /// Describe the state after `step` steps, with the stored Services `services`, and whether
    /// Service `has` was stored.
    Moment {
        /// The step.
        step: usize,
        /// The Services to list.
        services: Range<usize>,
        /// A Service to look for (the one highlighted).
        has: Option<String>,
    },
    /// Steps `rows` in a log's words (the log scrolled to them).
    Log(Range<usize>),
    /// The first refused step from `from` on (`forward`), or the last one before `from`.
    Refusal {
        /// Where to look from.
        from: usize,
        /// Which way.
        forward: bool,
    },
    /// The stored Service at `place` in the list after `step` steps (the grid points at a
    /// port of it), to highlight it if `select`.
    Inspect {
        /// The step.
        step: usize,
        /// Its place in the list.
        place: usize,
        /// Whether to highlight it.
        select: bool,
    },
    /// List the stored Services `services` after `step` steps (the list scrolled to them).
    Services {
        /// The step.
        step: usize,
        /// The Services to list, by place.
        services: Range<usize>,
    },
}

/// An answer, for the reducer.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// The Kubernetes releases modelled.
    Releases(Vec<Release>),
    /// A scenario was opened (or the inputs run under other settings: `why` is `None`).
    Opened {
        /// The cluster.
        opened: Opened,
        /// The step to show.
        at: Option<usize>,
        /// Why it was opened.
        why: Option<Opening>,
    },
    /// A lesson's scenario file, to open at step `at`.
    Lesson {
        /// The lesson, by its place in the list.
        preset: usize,
        /// Its scenario file.
        text: Rc<str>,
        /// The step to show.
        at: Option<usize>,
    },
    /// How far an Apply is.
    Progress(ApplyProgress),
    /// Steps were added (an Apply, a delete), and the moment to show after them described (if
    /// it could be).
    Added(Added, Option<Box<MomentView>>),
    /// The state after some steps.
    Moment(MomentView),
    /// The refused step looked for, if there is one.
    Refusal {
        /// The step, from 0.
        found: Option<usize>,
        /// Which way it was looked for.
        forward: bool,
    },
    /// Steps in a log's words, from step `from`.
    Log {
        /// The first one's step, from 0.
        from: usize,
        /// The steps.
        lines: Vec<LogLine>,
    },
    /// The stored Service at `place` after `step` steps, if there was one.
    Inspected {
        /// The step.
        step: usize,
        /// Its place in the list.
        place: usize,
        /// The Service.
        service: Option<StoredService>,
        /// Whether to highlight it.
        select: bool,
    },
    /// Stored Services after `step` steps, from place `from`.
    Services {
        /// The step.
        step: usize,
        /// The first one's place in the list.
        from: usize,
        /// The Services.
        services: Vec<StoredService>,
    },
    /// A request failed; nothing changed. For an opening, why it was asked.
    Failed {
        /// What went wrong.
        error: EngineError,
        /// The opening that failed, if it was one.
        opening: Option<Opening>,
    },
    /// An Apply was stopped; nothing of it was added.
    Stopped,
}

/// Runs `request` on `engine`, telling `reply` each answer.
pub async fn execute(engine: &impl Engine, request: Request, mut reply: impl FnMut(Reply)) {
    let failed = |error, opening| Reply::Failed { error, opening };
    match request {
        Request::Releases => match engine.releases().await {
            Ok(releases) => reply(Reply::Releases(releases)),
            Err(error) => reply(failed(error, None)),
        },
        Request::Open { scenario, at, why } => match engine.open(&scenario).await {
            Ok(opened) => reply(Reply::Opened {
                opened,
                at,
                why: Some(why),
            }),
            Err(error) => reply(failed(error, Some(why))),
        },
        Request::Lesson { preset, at } => match engine.lesson(&PRESETS[preset]).await {
            Ok(text) => reply(Reply::Lesson {
                preset,
                text: Rc::from(text),
                at,
            }),
            Err(error) => reply(failed(error, Some(Opening::Preset(preset)))),
        },
        Request::Reset => match engine.reset().await {
            Ok(opened) => reply(Reply::Opened {
                opened,
                at: None,
                why: Some(Opening::Reset),
            }),
            Err(error) => reply(failed(error, Some(Opening::Reset))),
        },
        Request::Reconfigure(change) => match engine.reconfigure(&change).await {
            Ok(opened) => reply(Reply::Opened {
                opened,
                at: None,
                why: None,
            }),
            Err(error) => reply(failed(error, None)),
        },
        Request::Apply {
            text,
            mode,
            stop,
            shown,
        } => apply(engine, &text, mode, &stop, &shown, &mut reply).await,
        Request::AddServices(count, shown) => {
            let now = match engine.services(usize::MAX, 0..usize::MAX).await {
                Ok(now) => now,
                Err(error) => return reply(failed(error, None)),
            };
            let names = now.iter().map(|s| s.service.as_str());
            let text = fillers(names, count);
            apply(
                engine,
                &text,
                "apply",
                &Cell::new(false),
                &shown,
                &mut reply,
            )
            .await;
        }
        Request::Delete(key, shown) => match engine.delete(&key).await {
            Ok(added) => reply(with_moment(engine, added, &shown).await),
            Err(error) => reply(failed(error, None)),
        },
        Request::Moment {
            step,
            services,
            has,
        } => match engine.moment(step, services, has.as_deref()).await {
            Ok(moment) => reply(Reply::Moment(moment)),
            Err(error) => reply(failed(error, None)),
        },
        Request::Log(rows) => match engine.log(rows.clone()).await {
            Ok(lines) => reply(Reply::Log {
                from: rows.start,
                lines,
            }),
            Err(error) => reply(failed(error, None)),
        },
        Request::Refusal { from, forward } => match engine.refusal(from, forward).await {
            Ok(found) => reply(Reply::Refusal { found, forward }),
            Err(error) => reply(failed(error, None)),
        },
        Request::Inspect {
            step,
            place,
            select,
        } => match engine.services(step, place..place + 1).await {
            Ok(mut list) => reply(Reply::Inspected {
                step,
                place,
                service: list.pop(),
                select,
            }),
            Err(error) => reply(failed(error, None)),
        },
        Request::Services { step, services } => {
            match engine.services(step, services.clone()).await {
                Ok(list) => reply(Reply::Services {
                    step,
                    from: services.start,
                    services: list,
                }),
                Err(error) => reply(failed(error, None)),
            }
        }
    }
}

/// Steps added, with the moment the page shows after them.
async fn with_moment(engine: &impl Engine, added: Added, shown: &Shown) -> Reply {
    let moment = engine
        .moment(
            added.shown_step(),
            shown.services.clone(),
            shown.has.as_deref(),
        )
        .await;
    Reply::Added(added, moment.ok().map(Box::new))
}

/// Applies `text` a slice at a time, a progress reply after each, stopping if asked.
async fn apply(
    engine: &impl Engine,
    text: &str,
    mode: &'static str,
    stop: &Cell<bool>,
    shown: &Shown,
    reply: &mut impl FnMut(Reply),
) {
    let failed = |error| Reply::Failed {
        error,
        opening: None,
    };
    // Stopped while it waited for the engine: nothing to start.
    if stop.get() {
        return reply(Reply::Stopped);
    }
    let mut next = engine.start(text, mode, SLICE).await;
    loop {
        match next {
            Ok(Some(progress)) => reply(Reply::Progress(progress)),
            Ok(None) => break,
            Err(error) => return reply(failed(error)),
        }
        if stop.get() {
            engine.cancel().await;
            return reply(Reply::Stopped);
        }
        next = engine.run(SLICE).await;
    }
    match engine.finish().await {
        Ok(added) => reply(with_moment(engine, added, shown).await),
        Err(error) => reply(failed(error)),
    }
}

/// A scenario that adds `count` NodePort Services with one dynamic port each, `filler-N`
/// numbered on from the highest among `names` (`namespace/name`s).
pub fn fillers<'a>(names: impl Iterator<Item = &'a str>, count: usize) -> String {
    let first = names
        .filter_map(|name| name.strip_prefix("default/filler-")?.parse::<usize>().ok())
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
    use super::{execute, Opening, Reply, Request, Shown};
    use crate::engine::local::{now, LocalEngine};
    use std::cell::Cell;
    use std::rc::Rc;

    fn run(engine: &LocalEngine, request: Request) -> Vec<Reply> {
        let mut replies = Vec::new();
        now(execute(engine, request, |r| replies.push(r)));
        replies
    }

    fn apply(text: &str, mode: &'static str, stop: bool) -> Request {
        Request::Apply {
            text: text.into(),
            mode,
            stop: Rc::new(Cell::new(stop)),
            shown: Default::default(),
        }
    }

    fn now_moment(engine: &LocalEngine, has: Option<&str>) -> crate::engine::MomentView {
        let request = Request::Moment {
            step: usize::MAX,
            services: 0..10,
            has: has.map(str::to_owned),
        };
        match &run(engine, request)[..] {
            [Reply::Moment(moment)] => moment.clone(),
            replies => panic!("{replies:?}"),
        }
    }

    #[test]
    fn fillers_number_on_from_the_highest() {
        let engine = LocalEngine::default();
        for request in [
            Request::AddServices(3, Shown::default()),
            Request::Delete("filler-2".into(), Shown::default()),
            Request::AddServices(2, Shown::default()),
        ] {
            run(&engine, request);
        }
        let moment = now_moment(&engine, None);
        let names: Vec<&str> = moment.services.iter().map(|s| s.service.as_str()).collect();
        assert_eq!(
            names,
            [
                "default/filler-1",
                "default/filler-3",
                "default/filler-4",
                "default/filler-5",
                "default/kubernetes"
            ]
        );
    }

    #[test]
    fn each_request_answers_as_the_engine_does() {
        let engine = LocalEngine::default();
        let scenario = "apiVersion: portband/v1\nkind: Scenario\nrange: 30000-30099\nsteps: []\n";
        let open = Request::Open {
            scenario: scenario.into(),
            at: None,
            why: Opening::Preset(2),
        };
        let replies = run(&engine, open);
        assert!(matches!(
            &replies[..],
            [Reply::Opened {
                why: Some(Opening::Preset(2)),
                ..
            }]
        ));

        let many: String = (0..3000)
            .map(|i| format!("apiVersion: v1\nkind: Service\nmetadata: {{name: s{i}}}\nspec: {{type: ClusterIP, ports: [{{port: 80}}]}}\n---\n"))
            .collect();
        let replies = run(&engine, apply(&many, "create", false));
        let progress = replies
            .iter()
            .filter(|r| matches!(r, Reply::Progress(_)))
            .count();
        assert!(
            progress > 1,
            "{progress} progress replies: a long text is applied in slices"
        );
        let Some(Reply::Added(added, Some(moment))) = replies.last() else {
            panic!("{replies:?}")
        };
        assert_eq!(added.length, 3000);
        assert_eq!(
            moment.step, 3000,
            "the moment after the steps comes with them"
        );
        assert_eq!(added.tail.last().unwrap().step.service, "default/s2999");

        assert_eq!(run(&engine, apply(&many, "apply", true)), [Reply::Stopped]);
        let moment = now_moment(&engine, Some("s7"));
        assert_eq!(moment.step, 3000, "the stopped apply added nothing");
        assert_eq!(moment.has, Some(true));

        let link = Request::Open {
            scenario: "a: [".into(),
            at: None,
            why: Opening::Link,
        };
        let replies = run(&engine, link);
        let [Reply::Failed {
            error,
            opening: Some(Opening::Link),
        }] = &replies[..]
        else {
            panic!("{replies:?}")
        };
        assert_eq!(error.line, Some(2));
    }
}
