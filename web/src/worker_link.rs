//! The pages' link to the engine's Web Worker (`/engine.js`, which loads the JS module): a page
//! sends batches of [`Call`]s and awaits their results; the module's objects stay in the
//! worker, named by [`Handle`]s.

use futures_channel::oneshot;
use serde::de::DeserializeOwned;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

/// Why the engine could not do what was asked: an input's error (with its position), or the
/// worker's own failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EngineError {
    /// The message, as the module gives it (`-:3:1: error: …`).
    pub message: String,
    /// Where in the text it points, for an input error.
    pub line: Option<u32>,
    /// The column there.
    pub column: Option<u32>,
    /// An input error's message alone, without its place.
    pub detail: Option<String>,
}

impl EngineError {
    /// An error without a position.
    pub fn plain(message: impl Into<String>) -> Self {
        EngineError {
            message: message.into(),
            line: None,
            column: None,
            detail: None,
        }
    }
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

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
            Target::Result(index) => Call::result(index),
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

    /// The result of call `index` of the same batch, as an argument (or a target).
    pub fn result(index: usize) -> JsValue {
        let reference = js_sys::Object::new();
        // Setting a property on a fresh object cannot fail.
        let _ = js_sys::Reflect::set(&reference, &"result".into(), &(index as u32).into());
        reference.into()
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

/// Property `name` of a JavaScript object (`undefined` when it has none).
pub fn field(value: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(value, &name.into()).unwrap_or(JsValue::UNDEFINED)
}

impl Link {
    /// Takes over the worker the page started while it loaded (`window.portbandEngine`, set by
    /// `start-engine.js`, which both pages include first), or starts one (`/engine.js`, next to
    /// the page).
    pub fn spawn() -> Result<Link, EngineError> {
        let window = gloo::utils::window();
        let early = js_sys::Reflect::get(&window, &"portbandEngine".into())
            .ok()
            .and_then(|w| w.dyn_into::<Worker>().ok());
        // An error the early worker met before now (`start-engine.js` kept it).
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

/// A moment's `holders()` as the module answers it (`{ services: Int32Array, explicit:
/// Uint8Array }`): each port's Service by its place in the list (-1: free), and whether the port
/// was written.
pub fn holders(value: &JsValue) -> (Vec<i32>, Vec<bool>) {
    let services = field(value, "services").unchecked_into::<js_sys::Int32Array>();
    let explicit = field(value, "explicit").unchecked_into::<js_sys::Uint8Array>();
    let explicit = explicit.to_vec().into_iter().map(|e| e != 0).collect();
    (services.to_vec(), explicit)
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
