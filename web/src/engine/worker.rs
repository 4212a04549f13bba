//! The engine in a Web Worker, as the app asks it: [`WorkerEngine`] over the worker's
//! [`Link`].

use super::{Added, Engine, EngineError, MomentView, NextPick, Opened, SettingsChange, TAIL};
use crate::presets::Preset;
use portband_contract::{ApplyProgress, LogLine, Refusal, Release, StoredService};
use portband_web::worker_link::{field, holders, read, Call, Handle, Link, Target};
use std::cell::RefCell;
use std::ops::Range;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

fn failure(message: String) -> EngineError {
    EngineError::plain(message)
}

/// The engine as the page asks it things, over a [`Link`]: the cluster (and an apply under way)
/// live in the worker.
pub struct WorkerEngine {
    link: Link,
    cluster: RefCell<Option<Handle>>,
    applying: RefCell<Option<Handle>>,
    /// The last moment asked for, by the step asked: the Services list and the grid's lookups
    /// ask it again without replaying the history. Dropped when the cluster changes.
    moment: RefCell<Option<(usize, Handle)>>,
}

impl WorkerEngine {
    /// Starts the worker; the cluster is made by the first [`Engine::open`].
    pub fn spawn() -> Result<Self, EngineError> {
        Ok(WorkerEngine {
            link: Link::spawn()?,
            cluster: RefCell::default(),
            applying: RefCell::default(),
            moment: RefCell::default(),
        })
    }

    fn cluster(&self) -> Result<Handle, EngineError> {
        self.cluster
            .borrow()
            .clone()
            .ok_or_else(|| EngineError::plain("no cluster is open"))
    }

    /// Frees `handle` in the worker, not waiting for it.
    fn free(&self, handle: Handle) {
        let link = self.link.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let _ = link
                .run(vec![Call::new(Target::Object(&handle), "free", &[])])
                .await;
        });
    }

    /// The cluster changed: the moment kept is of its past.
    fn changed(&self) {
        if let Some((_, old)) = self.moment.borrow_mut().take() {
            self.free(old);
        }
    }

    /// The moment after `step` steps: the one kept, or a new one (which is kept).
    async fn moment_at(&self, step: usize) -> Result<Handle, EngineError> {
        if let Some((kept, handle)) = &*self.moment.borrow() {
            if *kept == step {
                return Ok(handle.clone());
            }
        }
        let cluster = self.cluster()?;
        let results = self
            .link
            .run(vec![Call::new(
                Target::Object(&cluster),
                "at",
                &[(step as u32).into()],
            )])
            .await?;
        let handle =
            Handle::of(&results[0]).ok_or_else(|| failure("no moment came back".into()))?;
        if let Some((_, old)) = self.moment.borrow_mut().replace((step, handle.clone())) {
            self.free(old);
        }
        Ok(handle)
    }

    /// Replaces the cluster with the one `call` makes, and reads what the page keeps of it.
    async fn replace(&self, call: Call) -> Result<Opened, EngineError> {
        let c = Target::Result(0);
        let results = self
            .link
            .run(vec![
                call,
                Call::new(c, "settings", &[]),
                Call::new(c, "length", &[]),
                Call::new(c, "lastInput", &[]),
                Call::new(c, "scenario", &[]),
                Call::new(c, "description", &[]),
                Call::new(c, "summary", &[]),
            ])
            .await?;
        let handle =
            Handle::of(&results[0]).ok_or_else(|| failure("no cluster came back".into()))?;
        if let Some(old) = self.cluster.borrow_mut().replace(handle) {
            self.free(old);
        }
        self.changed();
        Ok(Opened {
            settings: read(&results[1])?,
            length: number(&results[2]),
            last_input: read(&results[3])?,
            scenario: read(&results[4])?,
            description: results[5].as_string(),
            summary: read(&results[6])?,
        })
    }

    /// What the steps from `before` on added.
    async fn added(
        &self,
        before: usize,
        settings_taken: bool,
        description: Option<String>,
    ) -> Result<Added, EngineError> {
        self.changed();
        let cluster = self.cluster()?;
        let c = Target::Object(&cluster);
        let window = [JsValue::from(before as u32), JsValue::from(u32::MAX)];
        let results = self
            .link
            .run(vec![
                Call::new(c, "length", &[]),
                Call::new(c, "refusals", &window),
                Call::new(c, "taken", &window),
                Call::new(c, "lastServiceStep", &window[..1]),
                Call::new(c, "scenario", &[]),
                Call::new(c, "settings", &[]),
                Call::new(c, "summary", &[]),
            ])
            .await?;
        let length = number(&results[0]);
        let refusals: Vec<Refusal> = read(&results[1])?;
        // The history's last steps (the log shows them next), and the first refused.
        let tail = [length.saturating_sub(TAIL), length];
        let first_refused = refusals.first().map(|r| r.step);
        let mut calls = vec![Call::new(c, "log", &tail.map(|n| JsValue::from(n as u32)))];
        if let Some(step) = first_refused {
            let at = [step, step + 1].map(|n| JsValue::from(n as u32));
            calls.push(Call::new(c, "log", &at));
        }
        let rows = self.link.run(calls).await?;
        let first_refused = match first_refused {
            Some(_) => read::<Vec<LogLine>>(&rows[1])?.pop(),
            None => None,
        };
        Ok(Added {
            length,
            refusals,
            first_refused,
            tail: read(&rows[0])?,
            last_service: results[3].as_f64().map(|n| n as usize),
            taken: read(&results[2])?,
            scenario: read(&results[4])?,
            settings: read(&results[5])?,
            summary: read(&results[6])?,
            settings_taken,
            description,
        })
    }
}

/// How far an apply is after a slice (`done`, and its `progress`): `None` once every step
/// has run.
fn progress(done: &JsValue, progress: &JsValue) -> Result<Option<ApplyProgress>, EngineError> {
    if done.as_bool() == Some(true) {
        Ok(None)
    } else {
        Ok(Some(read(progress)?))
    }
}

/// A count the module returned.
fn number(value: &JsValue) -> usize {
    value.as_f64().unwrap_or(0.0) as usize
}

impl Engine for WorkerEngine {
    async fn releases(&self) -> Result<Vec<Release>, EngineError> {
        let results = self
            .link
            .run(vec![Call::new(Target::Module, "kubernetesVersions", &[])])
            .await?;
        read(&results[0])
    }

    async fn lesson(&self, preset: &Preset) -> Result<String, EngineError> {
        let failed = |why: String| {
            EngineError::plain(format!(
                "The lesson \"{}\" could not be loaded: {why}.",
                preset.label
            ))
        };
        let reason = |e: JsValue| {
            e.dyn_ref::<js_sys::Error>().map_or_else(
                || "the request failed".to_owned(),
                |e| String::from(e.message()),
            )
        };
        let path = preset.path();
        let response = JsFuture::from(gloo::utils::window().fetch_with_str(&path))
            .await
            .map_err(reason)
            .map_err(failed)?
            .unchecked_into::<web_sys::Response>();
        if !response.ok() {
            return Err(failed(format!("{path} answered {}", response.status())));
        }
        let text = response.text().map_err(reason).map_err(failed)?;
        let text = JsFuture::from(text).await.map_err(reason).map_err(failed)?;
        Ok(text.as_string().unwrap_or_default())
    }

    async fn open(&self, scenario: &str) -> Result<Opened, EngineError> {
        self.replace(Call::new(
            Target::Module,
            "Cluster.fromScenario",
            &[scenario.into()],
        ))
        .await
    }

    async fn reset(&self) -> Result<Opened, EngineError> {
        let cluster = self.cluster()?;
        let settings: portband_contract::Settings = read(
            &self
                .link
                .run(vec![Call::new(Target::Object(&cluster), "settings", &[])])
                .await?[0],
        )?;
        let options = js_sys::Object::new();
        for (key, value) in [
            ("range", JsValue::from(settings.range)),
            ("seed", JsValue::from(settings.seed as f64)),
            ("staticSubrange", JsValue::from(settings.static_subrange)),
            (
                "kubernetesVersion",
                JsValue::from(settings.kubernetes_version),
            ),
        ] {
            // Setting a property on a fresh object cannot fail.
            let _ = js_sys::Reflect::set(&options, &key.into(), &value);
        }
        self.replace(Call::new(Target::Module, "new Cluster", &[options.into()]))
            .await
    }

    async fn reconfigure(&self, change: &SettingsChange) -> Result<Opened, EngineError> {
        let cluster = self.cluster()?;
        let options = js_sys::Object::new();
        let set = |key: &str, value: JsValue| {
            // Setting a property on a fresh object cannot fail.
            let _ = js_sys::Reflect::set(&options, &key.into(), &value);
        };
        if let Some(range) = &change.range {
            set("range", range.into());
        }
        if let Some(seed) = change.seed {
            set("seed", (seed as f64).into());
        }
        if let Some(split) = change.static_subrange {
            set("staticSubrange", split.into());
        }
        if let Some(version) = &change.kubernetes_version {
            set("kubernetesVersion", version.into());
        }
        self.replace(Call::new(
            Target::Object(&cluster),
            "withSettings",
            &[options.into()],
        ))
        .await
    }

    async fn start(
        &self,
        text: &str,
        mode: &str,
        budget: u32,
    ) -> Result<Option<ApplyProgress>, EngineError> {
        let cluster = self.cluster()?;
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"mode".into(), &mode.into());
        let _ = js_sys::Reflect::set(&options, &"takeSettings".into(), &true.into());
        // The first slice in the same batch: the worker goes on while the page paints.
        let job = Target::Result(0);
        let results = self
            .link
            .run(vec![
                Call::new(
                    Target::Object(&cluster),
                    "start",
                    &[text.into(), options.into()],
                ),
                Call::new(job, "run", &[budget.into()]),
                Call::new(job, "progress", &[]),
            ])
            .await?;
        let job = Handle::of(&results[0]).ok_or_else(|| failure("no apply came back".into()))?;
        if let Some(old) = self.applying.borrow_mut().replace(job) {
            self.free(old);
        }
        progress(&results[1], &results[2])
    }

    async fn run(&self, budget: u32) -> Result<Option<ApplyProgress>, EngineError> {
        let job = self
            .applying
            .borrow()
            .clone()
            .ok_or_else(|| EngineError::plain("no apply under way"))?;
        let j = Target::Object(&job);
        let results = self
            .link
            .run(vec![
                Call::new(j, "run", &[budget.into()]),
                Call::new(j, "progress", &[]),
            ])
            .await?;
        progress(&results[0], &results[1])
    }

    async fn finish(&self) -> Result<Added, EngineError> {
        let cluster = self.cluster()?;
        let job = self
            .applying
            .borrow_mut()
            .take()
            .ok_or_else(|| EngineError::plain("no apply under way"))?;
        let j = Target::Object(&job);
        let results = self
            .link
            .run(vec![
                Call::new(Target::Object(&cluster), "length", &[]),
                Call::new(j, "settingsTaken", &[]),
                Call::new(j, "description", &[]),
                Call::new(Target::Object(&cluster), "finish", &[Call::handle(&job)]),
            ])
            .await?;
        let settings_taken = results[1].as_bool().unwrap_or(false);
        let before = if settings_taken {
            0
        } else {
            number(&results[0])
        };
        self.added(before, settings_taken, results[2].as_string())
            .await
    }

    async fn cancel(&self) {
        if let Some(job) = self.applying.borrow_mut().take() {
            self.free(job);
        }
    }

    async fn delete(&self, key: &str) -> Result<Added, EngineError> {
        let cluster = self.cluster()?;
        let c = Target::Object(&cluster);
        let results = self
            .link
            .run(vec![
                Call::new(c, "length", &[]),
                Call::new(c, "delete", &[key.into()]),
            ])
            .await?;
        let before = number(&results[0]);
        self.added(before, false, None).await
    }

    async fn moment(
        &self,
        step: usize,
        services: Range<usize>,
        has: Option<&str>,
    ) -> Result<MomentView, EngineError> {
        let cluster = self.cluster()?;
        let moment = self.moment_at(step).await?;
        let m = Target::Object(&moment);
        let results = self
            .link
            .run(vec![
                Call::new(m, "step", &[]),
                Call::new(m, "summary", &[]),
                Call::new(m, "metrics", &[]),
                Call::new(m, "holders", &[]),
                Call::new(m, "serviceCount", &[]),
                Call::new(
                    m,
                    "services",
                    &[(services.start as u32).into(), (services.end as u32).into()],
                ),
                Call::new(m, "indexOf", &[has.unwrap_or("").into()]),
                Call::new(m, "nextPick", &[]),
                Call::new(m, "chances", &[]),
            ])
            .await?;
        let step = number(&results[0]);
        let (row, explanation, taken) = match step.checked_sub(1) {
            Some(last) => {
                let c = Target::Object(&cluster);
                let (at, next) = (JsValue::from(last as u32), JsValue::from(step as u32));
                let window = [at.clone(), next];
                let results = self
                    .link
                    .run(vec![
                        Call::new(c, "log", &window),
                        Call::new(c, "explain", &[at]),
                        Call::new(c, "taken", &window),
                    ])
                    .await?;
                let taken: Vec<Vec<i32>> = read(&results[2])?;
                let row = read::<Vec<LogLine>>(&results[0])?.pop();
                (row, Some(read(&results[1])?), taken.concat())
            }
            None => (None, None, Vec::new()),
        };
        let (holders, explicit) = holders(&results[3]);
        let service_count = number(&results[4]);
        let selected = usize::try_from(results[6].as_f64().unwrap_or(-1.0) as i64).ok();
        Ok(MomentView {
            step,
            summary: read(&results[1])?,
            metrics: read(&results[2])?,
            holders,
            explicit,
            service_count,
            services: read(&results[5])?,
            services_from: services.start.min(service_count),
            row,
            explanation,
            taken,
            has: has.map(|_| selected.is_some()),
            selected,
            next_pick: (!results[7].is_null()).then(|| {
                let next = &results[7];
                NextPick {
                    ports: field(next, "ports")
                        .unchecked_into::<js_sys::Int32Array>()
                        .to_vec(),
                    starts: field(next, "starts")
                        .unchecked_into::<js_sys::Uint32Array>()
                        .to_vec(),
                    of: field(&field(next, "span"), "size").as_f64().unwrap_or(0.0) as u32,
                }
            }),
            chances: read(&results[8])?,
        })
    }

    async fn refusal(&self, from: usize, forward: bool) -> Result<Option<usize>, EngineError> {
        let cluster = self.cluster()?;
        let results = self
            .link
            .run(vec![Call::new(
                Target::Object(&cluster),
                "nextRefusal",
                &[(from as u32).into(), forward.into()],
            )])
            .await?;
        Ok(results[0].as_f64().map(|n| n as usize))
    }

    async fn log(&self, rows: Range<usize>) -> Result<Vec<LogLine>, EngineError> {
        let cluster = self.cluster()?;
        let window = [(rows.start as u32).into(), (rows.end as u32).into()];
        let results = self
            .link
            .run(vec![Call::new(Target::Object(&cluster), "log", &window)])
            .await?;
        read(&results[0])
    }

    async fn services(
        &self,
        step: usize,
        services: Range<usize>,
    ) -> Result<Vec<StoredService>, EngineError> {
        let moment = self.moment_at(step).await?;
        let window = [(services.start as u32).into(), (services.end as u32).into()];
        let results = self
            .link
            .run(vec![Call::new(
                Target::Object(&moment),
                "services",
                &window,
            )])
            .await?;
        read(&results[0])
    }
}
