//! One file sent to one loading worker: the worker started (or the spare
//! one taken), told what to read, and what it says passed on; and the spare
//! worker, started ahead so that a drop does not wait for one to start
//! (about 0.1–0.2 s).

use std::cell::RefCell;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::ui::load::reader::module_or_url;
use crate::ui::load::reply::{self, Said};
use crate::ui::load::spawn::{debug_mode, spawn, spawn_for_debug, DebugWorkers};
use crate::ui::shared::js::js_message;

thread_local! {
    /// Where the wasm-bindgen glue is: found once (`Some(None)`: not found).
    static GLUE: RefCell<Option<Option<String>>> = const { RefCell::new(None) };
    static SPARE: RefCell<Option<web_sys::Worker>> = const { RefCell::new(None) };
}

/// Where the readers' glue is, when the page can start workers.
pub fn glue() -> Option<String> {
    GLUE.with(|g| {
        g.borrow_mut()
            .get_or_insert_with(|| crate::ui::load::reader::urls().map(|(glue, _)| glue))
            .clone()
    })
}

/// Starts the spare worker, unless there is one; false when it cannot start.
pub fn spawn_spare() -> bool {
    if SPARE.with(|s| s.borrow().is_some()) {
        return true;
    }
    let Some(Ok(worker)) = glue().map(|g| spawn(&g, &module_or_url())) else {
        return false;
    };
    SPARE.with(|s| *s.borrow_mut() = Some(worker));
    true
}

/// Ends the spare worker, if there is one.
pub fn end_spare() {
    if let Some(spare) = SPARE.with(|s| s.borrow_mut().take()) {
        spare.terminate();
    }
}

type OnMessage = Closure<dyn FnMut(web_sys::MessageEvent)>;
type OnError = Closure<dyn FnMut(web_sys::Event)>;

/// A worker reading a file, with its handlers (dropped with it).
pub struct Reading {
    worker: web_sys::Worker,
    handlers: (OnMessage, OnError),
}

impl Reading {
    /// Ends the worker. This may run inside its own handler: the handlers
    /// are dropped once that has returned.
    pub fn end(self) {
        self.worker.terminate();
        let handlers = self.handlers;
        leptos::prelude::set_timeout(move || drop(handlers), std::time::Duration::ZERO);
    }
}

/// Starts a worker (the spare one if `spare`, else a new one) running the
/// readers' module from `glue`, and posts it `request` and the file's `blob`. Each
/// message it sends goes to `said`; an error it raises to `failed` with its
/// words. `Err`: why it could not be started or told.
pub fn start(
    glue: &str,
    spare: bool,
    request: &[u8],
    blob: &web_sys::Blob,
    mut said: impl FnMut(Said) + 'static,
    mut failed: impl FnMut(String) + 'static,
) -> Result<Reading, String> {
    let module = module_or_url();
    let spare = spare
        .then(|| SPARE.with(|s| s.borrow_mut().take()))
        .flatten();
    let worker = match (spawn_for_debug(glue, &module), spare) {
        (Some(debug), spare) => {
            if let Some(spare) = spare {
                spare.terminate();
            }
            debug?
        }
        (None, Some(spare)) => spare,
        (None, None) => spawn(glue, &module)?,
    };
    let on_message = OnMessage::new(move |ev: web_sys::MessageEvent| said(reply::read(&ev.data())));
    let on_error = OnError::new(move |ev: web_sys::Event| {
        ev.prevent_default();
        let detail = ev
            .dyn_ref::<web_sys::ErrorEvent>()
            .map(|e| e.message())
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| String::from("it stopped"));
        failed(detail);
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let message = js_sys::Array::of2(&js_sys::Uint8Array::from(request), blob);
    if debug_mode() == DebugWorkers::Panic {
        message.push(&JsValue::from_str("panic"));
    }
    if let Err(e) = worker.post_message(&message) {
        worker.terminate();
        return Err(js_message(&e));
    }
    Ok(Reading {
        worker,
        handlers: (on_message, on_error),
    })
}
