//! The engine in a Web Worker (`/engine.js`, which loads the JS module): the page sends batches
//! of [`Call`]s and awaits their results; the module's objects stay in the worker, named by
//! [`Handle`]s. [`WorkerEngine`] asks it what the page needs.

use super::{Added, Engine, EngineError, MomentView, NextPick, Opened, SettingsChange, TAIL};
use crate::presets::Preset;
use futures_channel::oneshot;
use portband_contract::{ApplyProgress, LogLine, Refusal, Release, StoredService};
use serde::de::DeserializeOwned;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

/// An object of the module's that lives in the worker (a cluster, a moment, an apply under
/// way): `{ handle: n }`.
#[derive(Clone, Debug)]
pub struct Handle(JsValue);

impl PartialEq for Handle {
    fn eq(&self, other: &Self) -> bool {
        self.number() == other.number()
    }
}

impl Handle {
    fn number(&self) -> Option<f64> {
        js_sys::Reflect::get(&self.0, &"handle".into())
            .ok()
            .and_then(|n| n.as_f64())
    }

    /// The handle a result stands for, if it is one.
    pub fn of(value: &JsValue) -> Option<Handle> {
        let handle = Handle(value.clone());
        handle.number().map(|_| handle)
    }
}

/// What a call is made on.
#[derive(Clone, Copy)]
pub enum Target<'a> {
    /// The module's functions and classes (`"Cluster.fromScenario"`, `"new Cluster"`).
    Module,
    /// An object in the worker.
    Object(&'a Handle),
    /// The result of an earlier call of the same batch, by its index.
    Result(usize),
}

/// One call of a batch: a method (or property) `name` of `target`, with `args`.
pub struct Call {
    message: js_sys::Array,
}

impl Call {
    /// `target.name(args…)`.
    pub fn new(target: Target<'_>, name: &str, args: &[JsValue]) -> Call {
        let message = js_sys::Array::new();
        message.push(&match target {
            Target::Module => JsValue::from_str("module"),
            Target::Object(handle) => handle.0.clone(),
            Target::Result(index) => {
                let reference = js_sys::Object::new();
                // Setting a property on a fresh object cannot fail.
                let _ = js_sys::Reflect::set(&reference, &"result".into(), &(index as u32).into());
                reference.into()
            }
        });
        message.push(&name.into());
        for arg in args {
            message.push(arg);
        }
        Call { message }
    }

    /// A handle as an argument.
    pub fn handle(handle: &Handle) -> JsValue {
        handle.0.clone()
    }
}

type Reply = Result<js_sys::Array, EngineError>;

fn failure(message: String) -> EngineError {
    EngineError::plain(message)
}

/// The worker and the batches waiting for their replies.
struct Inner {
    worker: Worker,
    waiting: RefCell<HashMap<u32, oneshot::Sender<Reply>>>,
    next: Cell<u32>,
    /// Why the worker cannot run calls, once it has said so.
    failed: RefCell<Option<String>>,
    _handlers: [Closure<dyn FnMut(web_sys::Event)>; 2],
}

/// The page's link to the engine worker; clones share it.
#[derive(Clone)]
pub struct Link(Rc<Inner>);

impl PartialEq for Link {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

fn field(value: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(value, &name.into()).unwrap_or(JsValue::UNDEFINED)
}

impl Link {
    /// Takes over the worker the page started while it loaded (`window.portbandEngine`, set by
    /// index.html), or starts one (`/engine.js`, next to the page).
    pub fn spawn() -> Result<Link, EngineError> {
        let window = gloo::utils::window();
        let early = js_sys::Reflect::get(&window, &"portbandEngine".into())
            .ok()
            .and_then(|w| w.dyn_into::<Worker>().ok());
        // An error the early worker met before now (index.html kept it).
        let early_error = early
            .as_ref()
            .and_then(|w| js_sys::Reflect::get(w, &"startError".into()).ok())
            .and_then(|e| e.as_string());
        let worker = match early {
            Some(worker) => {
                // Taken once: a later spawn starts its own.
                let _ = js_sys::Reflect::delete_property(&window, &"portbandEngine".into());
                worker
            }
            None => {
                let options = WorkerOptions::new();
                options.set_type(WorkerType::Module);
                Worker::new_with_options("engine.js", &options)
                    .map_err(|e| failure(format!("the engine could not start: {}", describe(&e))))?
            }
        };
        let inner = Rc::new_cyclic(|weak: &std::rc::Weak<Inner>| {
            let on = |f: fn(&Inner, &web_sys::Event)| {
                let weak = weak.clone();
                Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
                    if let Some(inner) = weak.upgrade() {
                        f(&inner, &event);
                    }
                })
            };
            let onmessage = on(|inner, event| {
                if let Some(event) = event.dyn_ref::<MessageEvent>() {
                    inner.receive(&event.data());
                }
            });
            // The worker's script itself could not load or run (no module workers, offline).
            let onerror = on(|inner, event| {
                let why = event
                    .dyn_ref::<web_sys::ErrorEvent>()
                    .map(|e| e.message())
                    .filter(|m| !m.is_empty())
                    .unwrap_or_else(|| "its script did not load".to_owned());
                inner.fail(format!("the engine could not start: {why}"));
            });
            worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
            worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
            Inner {
                worker,
                waiting: RefCell::default(),
                next: Cell::new(0),
                failed: RefCell::default(),
                _handlers: [onmessage, onerror],
            }
        });
        if let Some(why) = early_error {
            inner.fail(format!("the engine could not start: {why}"));
        }
        Ok(Link(inner))
    }

    /// Runs `calls` in order in the worker; their results, or the first error.
    pub async fn run(&self, calls: Vec<Call>) -> Result<Vec<JsValue>, EngineError> {
        if let Some(failed) = self.0.failed.borrow().clone() {
            return Err(failure(failed));
        }
        let id = self.0.next.get() + 1;
        self.0.next.set(id);
        let batch = js_sys::Array::new();
        for call in &calls {
            batch.push(&call.message);
        }
        let message = js_sys::Object::new();
        // Setting properties on a fresh object cannot fail.
        let _ = js_sys::Reflect::set(&message, &"id".into(), &id.into());
        let _ = js_sys::Reflect::set(&message, &"calls".into(), &batch);
        let (sender, receiver) = oneshot::channel();
        self.0.waiting.borrow_mut().insert(id, sender);
        self.0
            .worker
            .post_message(&message)
            .map_err(|e| failure(describe(&e)))?;
        let results = receiver
            .await
            .map_err(|_| failure("the engine stopped".to_owned()))??;
        Ok(results.iter().collect())
    }
}

/// A result read as `T` (a value the module returns, in the JSON contract's shape).
pub fn read<T: DeserializeOwned>(value: &JsValue) -> Result<T, EngineError> {
    serde_wasm_bindgen::from_value(value.clone())
        .map_err(|e| failure(format!("the engine's answer was not understood: {e}")))
}

impl Inner {
    /// The worker cannot run calls: every batch waiting, and every later one, fails with why.
    fn fail(&self, why: String) {
        *self.failed.borrow_mut() = Some(why.clone());
        for (_, waiting) in self.waiting.borrow_mut().drain() {
            let _ = waiting.send(Err(failure(why.clone())));
        }
    }

    /// A message from the worker: a batch's reply, or whether it could load.
    fn receive(&self, data: &JsValue) {
        if let Some(failed) = field(data, "failed").as_string() {
            return self.fail(format!("the engine could not load: {failed}"));
        }
        let Some(id) = field(data, "id").as_f64() else {
            return;
        };
        let Some(waiting) = self.waiting.borrow_mut().remove(&(id as u32)) else {
            return;
        };
        let error = field(data, "error");
        let reply = if error.is_object() {
            let number = |name| field(&error, name).as_f64().map(|n| n as u32);
            Err(EngineError {
                message: field(&error, "message").as_string().unwrap_or_default(),
                line: number("line"),
                column: number("column"),
                detail: field(&error, "detail").as_string(),
            })
        } else {
            Ok(field(data, "results").unchecked_into())
        };
        // The page may have stopped waiting: nothing to tell it then.
        let _ = waiting.send(reply);
    }
}

/// A thrown JavaScript value, as text.
fn describe(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
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
        let holders = &results[3];
        let service_count = number(&results[4]);
        let selected = usize::try_from(results[6].as_f64().unwrap_or(-1.0) as i64).ok();
        Ok(MomentView {
            step,
            summary: read(&results[1])?,
            metrics: read(&results[2])?,
            holders: field(holders, "services")
                .unchecked_into::<js_sys::Int32Array>()
                .to_vec(),
            explicit: field(holders, "explicit")
                .unchecked_into::<js_sys::Uint8Array>()
                .to_vec()
                .into_iter()
                .map(|e| e != 0)
                .collect(),
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
