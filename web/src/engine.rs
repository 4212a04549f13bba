//! The engine: portband's JS module, run in a Web Worker (`/engine.js`) so that the page holds
//! only the view's code and a long Apply never blocks it. The page sends batches of [`Call`]s
//! and awaits their results; the module's objects stay in the worker, named by [`Handle`]s.

use futures_channel::oneshot;
use serde::de::DeserializeOwned;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
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

/// Why a batch failed: the call that threw (its index), and the error's message and position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EngineError {
    /// The index of the call that threw, if one did (none: the worker itself failed).
    pub at: Option<usize>,
    /// The error's message, as the module gives it (`-:3:1: error: …`).
    pub message: String,
    /// Where in the text it points, for an input error.
    pub line: Option<u32>,
    /// The column there.
    pub column: Option<u32>,
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl EngineError {
    fn worker(message: String) -> Self {
        EngineError {
            at: None,
            message,
            line: None,
            column: None,
        }
    }
}

type Reply = Result<js_sys::Array, EngineError>;

/// The worker and the batches waiting for their replies.
struct Inner {
    worker: Worker,
    waiting: RefCell<HashMap<u32, oneshot::Sender<Reply>>>,
    next: Cell<u32>,
    /// Why the worker cannot run calls, once it has said so.
    failed: RefCell<Option<String>>,
    _onmessage: Closure<dyn FnMut(MessageEvent)>,
}

/// The page's link to the engine worker; clones share it.
#[derive(Clone)]
pub struct Engine(Rc<Inner>);

impl PartialEq for Engine {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

fn field(value: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(value, &name.into()).unwrap_or(JsValue::UNDEFINED)
}

impl Engine {
    /// Starts the worker (`/engine.js`, next to the page).
    pub fn spawn() -> Result<Engine, EngineError> {
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let worker = Worker::new_with_options("engine.js", &options).map_err(|e| {
            EngineError::worker(format!("the engine could not start: {}", describe(&e)))
        })?;
        let inner = Rc::new_cyclic(|weak: &std::rc::Weak<Inner>| {
            let weak = weak.clone();
            let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                if let Some(inner) = weak.upgrade() {
                    inner.receive(&event.data());
                }
            });
            worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
            Inner {
                worker,
                waiting: RefCell::default(),
                next: Cell::new(0),
                failed: RefCell::default(),
                _onmessage: onmessage,
            }
        });
        Ok(Engine(inner))
    }

    /// Runs `calls` in order in the worker; their results, or the first error.
    pub async fn run(&self, calls: Vec<Call>) -> Result<Vec<JsValue>, EngineError> {
        if let Some(failed) = self.0.failed.borrow().clone() {
            return Err(EngineError::worker(failed));
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
            .map_err(|e| EngineError::worker(describe(&e)))?;
        let results = receiver
            .await
            .map_err(|_| EngineError::worker("the engine stopped".to_owned()))??;
        Ok(results.iter().collect())
    }

    /// Runs `calls` and reads the last result as `T`.
    pub async fn get<T: DeserializeOwned>(&self, calls: Vec<Call>) -> Result<T, EngineError> {
        let results = self.run(calls).await?;
        read(results.last().unwrap_or(&JsValue::UNDEFINED))
    }
}

/// A result read as `T` (a value the module returns, in the JSON contract's shape).
pub fn read<T: DeserializeOwned>(value: &JsValue) -> Result<T, EngineError> {
    serde_wasm_bindgen::from_value(value.clone())
        .map_err(|e| EngineError::worker(format!("the engine's answer was not understood: {e}")))
}

impl Inner {
    /// A message from the worker: a batch's reply, or whether it could load.
    fn receive(&self, data: &JsValue) {
        if let Some(failed) = field(data, "failed").as_string() {
            *self.failed.borrow_mut() = Some(format!("the engine could not load: {failed}"));
            for (_, waiting) in self.waiting.borrow_mut().drain() {
                let _ = waiting.send(Err(EngineError::worker(failed.clone())));
            }
            return;
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
                at: field(data, "at").as_f64().map(|n| n as usize),
                message: field(&error, "message").as_string().unwrap_or_default(),
                line: number("line"),
                column: number("column"),
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
