//! A loading worker's helpers: workers of the same module it starts as soon
//! as it starts (so they are ready when a file comes), each reading one run
//! of a large file's elements while the loading worker reads the first
//! (see [`crate::model::formats::parallel`]). They end with it.

use std::cell::RefCell;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::model::formats::parallel::{self, Part, Plan};
use crate::model::wire::{Reply, Request};

thread_local! {
    static HELPERS: RefCell<Vec<web_sys::Worker>> = const { RefCell::new(Vec::new()) };
}

/// Starts the helpers this worker was allowed (none for a helper itself).
pub fn start() {
    let Some((glue, module, helpers)) = super::spawn::told() else {
        return;
    };
    let started: Vec<web_sys::Worker> = (0..helpers)
        .filter_map(|_| super::spawn::spawn(&glue, &module, 0).ok())
        .collect();
    HELPERS.with(|h| *h.borrow_mut() = started);
}

/// How many helpers are ready.
pub fn count() -> usize {
    HELPERS.with(|h| h.borrow().len())
}

/// Reads the runs of `plan` over `bytes` (the whole file; `blob`, when the
/// file is one, lets helpers read their runs from it themselves): every
/// run but the first goes to a helper, the first is read here meanwhile.
/// A helper that is missing, fails or refuses gives `None` for its run.
pub async fn read_runs(
    job: u32,
    plan: &Plan,
    bytes: &[u8],
    blob: Option<&web_sys::Blob>,
) -> Vec<Option<Part>> {
    let helpers: Vec<web_sys::Worker> = HELPERS.with(|h| h.borrow().clone());
    let mut waits = Vec::new();
    for (run, helper) in plan.runs.iter().skip(1).zip(&helpers) {
        waits.push(ask(helper, job, plan, run, bytes, blob));
    }
    let mut parts = Vec::with_capacity(plan.runs.len());
    let started = js_sys::Date::now();
    parts.push(
        plan.runs
            .first()
            .and_then(|run| parallel::read_part(plan.kind, &parallel::run_text(bytes, run))),
    );
    // A helper that never answers (stuck, or its start failed silently)
    // must not hang the load: past twice this worker's own run and ten
    // seconds more, its run is read in one pass with the rest.
    let patience = 2.0 * (js_sys::Date::now() - started) + 10_000.0;
    for wait in waits {
        parts.push(match wait {
            Some(promise) => {
                let late = js_sys::Promise::new(&mut |resolve, _| {
                    let scope: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
                    let _ = scope.set_timeout_with_callback_and_timeout_and_arguments_0(
                        &resolve,
                        patience as i32,
                    );
                });
                let first = js_sys::Promise::race(&js_sys::Array::of2(&promise, &late));
                answer(JsFuture::from(first).await.unwrap_or(JsValue::NULL))
            }
            None => None,
        });
    }
    // Runs beyond the helpers (never planned so): read in one pass instead.
    parts.resize_with(plan.runs.len(), || None);
    parts
}

/// Sends `run` to `helper`; the promise resolves with its answer (or null
/// when it fails).
fn ask(
    helper: &web_sys::Worker,
    job: u32,
    plan: &Plan,
    run: &std::ops::Range<usize>,
    bytes: &[u8],
    blob: Option<&web_sys::Blob>,
) -> Option<js_sys::Promise> {
    // The run in brackets: slices of the file itself when it is one (no
    // copy here), else a copy of the run moved to the helper.
    let (payload, transfer): (JsValue, js_sys::Array) = match blob {
        Some(blob) => {
            let slice = blob
                .slice_with_f64_and_f64(run.start as f64, run.end as f64)
                .ok()?;
            let parts =
                js_sys::Array::of3(&JsValue::from_str("["), &slice, &JsValue::from_str("]"));
            let whole = web_sys::Blob::new_with_blob_sequence(&parts).ok()?;
            (whole.into(), js_sys::Array::new())
        }
        None => {
            let text = parallel::run_text(bytes, run);
            let array = js_sys::Uint8Array::new_with_length(text.len() as u32);
            array.copy_from(&text);
            let buffer = array.buffer();
            (buffer.clone().into(), js_sys::Array::of1(&buffer))
        }
    };
    let request = js_sys::Uint8Array::from(
        &Request::ReadPart {
            job,
            kind: plan.kind,
        }
        .encode()[..],
    );
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let done = resolve.clone();
        let on_message = Closure::once_into_js(move |ev: JsValue| {
            let data = js_sys::Reflect::get(&ev, &"data".into()).unwrap_or(JsValue::NULL);
            let _ = done.call1(&JsValue::NULL, &data);
        });
        let on_error = Closure::once_into_js(move |_: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &JsValue::NULL);
        });
        helper.set_onmessage(Some(on_message.unchecked_ref()));
        helper.set_onerror(Some(on_error.unchecked_ref()));
    });
    helper
        .post_message_with_transfer(&js_sys::Array::of2(&request, &payload), &transfer)
        .ok()?;
    Some(promise)
}

/// A helper's answer: its part, or `None` (refused, failed, not a part).
fn answer(data: JsValue) -> Option<Part> {
    let bytes = data.dyn_into::<js_sys::Uint8Array>().ok()?.to_vec();
    match Reply::decode(&bytes) {
        Ok(Reply::Part { part, .. }) => part.map(|p| *p),
        _ => None,
    }
}
