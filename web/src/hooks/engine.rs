//! The engine, from the page: the worker's engine made once, and every request the reducer puts
//! in the outbox run in order, one at a time, each answer dispatched back as a reply.

use crate::engine::worker::WorkerEngine;
use crate::engine::EngineError;
use crate::state::{execute, Action, Dispatch, Outbox, Reply, Request};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

/// The requests waiting for the engine, and whether a task is running them.
#[derive(Default)]
struct Queue {
    waiting: RefCell<VecDeque<Request>>,
    running: Cell<bool>,
}

/// Says on the page whether the engine has work: `data-engine="busy"` or `"idle"` on the root
/// element (for a busy cursor, and for tests that wait for the page's answer).
fn mark(busy: bool) {
    if let Some(root) = gloo::utils::document().document_element() {
        let _ = root.set_attribute("data-engine", if busy { "busy" } else { "idle" });
    }
}

/// After each render, takes what the reducer asked of the engine and runs it. If the worker
/// cannot start, every request fails with why.
#[hook]
pub fn use_engine(outbox: &Outbox, dispatch: Dispatch) {
    let engine = use_memo((), |_| WorkerEngine::spawn().map(Rc::new));
    let queue = use_memo((), |_| Rc::new(Queue::default()));
    let outbox = outbox.clone();
    use_effect(move || {
        let requests = outbox.take();
        if requests.is_empty() {
            return;
        }
        queue.waiting.borrow_mut().extend(requests);
        if queue.running.replace(true) {
            return;
        }
        mark(true);
        let (engine, queue) = ((*engine).clone(), (*queue).clone());
        spawn_local(async move {
            loop {
                let next = queue.waiting.borrow_mut().pop_front();
                let Some(request) = next else { break };
                let reply = |reply: Reply| dispatch.dispatch(Action::Replied(Box::new(reply)));
                match &engine {
                    Ok(engine) => execute(engine.as_ref(), request, reply).await,
                    Err(error) => reply(Reply::Failed {
                        error: EngineError::plain(error.to_string()),
                        opening: None,
                    }),
                }
            }
            queue.running.set(false);
            mark(false);
        });
    });
}
