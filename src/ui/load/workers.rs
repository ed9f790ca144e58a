//! Reading files in Web Workers, so that the page stays responsive while a
//! large file loads, shows how far it has got, and can stop it.
//!
//! The worker runs this same wasm module: the page hands it the compiled
//! `WebAssembly.Module` and the URL of the wasm-bindgen glue, and `main` sees
//! that there is no window and calls [`crate::worker::serve`] instead of
//! mounting the page.
//! One worker per file (two at a time), ended when its file is done, so a
//! cancel is `terminate()` and the memory a large file needed goes back to
//! the browser at once. Messages are the bytes of [`crate::model::wire`].

use std::cell::RefCell;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::model::wire::{Progress, Reply, Request, Stage};
use crate::model::Trace;
use crate::ui::app_state::Loader;
use crate::ui::load::outcome::{accept, add_traces_then, loaded, Then};
use crate::ui::load::source::Source;
use crate::ui::shared::js::js_message;
use crate::view_model::progress::LoadStatus;
use crate::worker::{too_large, MAX_FILE_BYTES};

/// Files read at once (each in its own worker).
const PARALLEL: usize = 2;

/// Files up to this size are read on the page: handing one to a worker
/// (start-up, transfer, hand-back) costs more than parsing it, ~20 ms at
/// most here (measured in bench/NOTES.md).
const ON_PAGE_BYTES: f64 = 2.0 * 1024.0 * 1024.0;

/// The progress bar appears for loads still running after this long.
const SHOW_AFTER: Duration = Duration::from_millis(400);

/// A worker must answer its first message within this long, or it is taken
/// for one that could not start (and the file is read on the page instead).
pub const START_TIMEOUT: Duration = Duration::from_secs(10);

struct Queued {
    job: u32,
    batch: u32,
    source: Source,
}

struct Running {
    job: u32,
    batch: u32,
    source: Source,
    /// The worker has answered (it started).
    answered: bool,
    worker: web_sys::Worker,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

/// Files dropped together: their traces are added together, as one drop.
struct Batch {
    id: u32,
    pending: usize,
    added: Vec<(String, Arc<Trace>)>,
    then: Then,
}

#[derive(Default)]
struct Jobs {
    next: u32,
    queued: VecDeque<Queued>,
    running: Vec<Running>,
    batches: Vec<Batch>,
    /// Where the wasm-bindgen glue is: found once (`Some(None)`: not found).
    glue: Option<Option<String>>,
    /// A worker already started and waiting, so that a drop does not wait
    /// for one to start (about 0.1–0.2 s).
    spare: Option<web_sys::Worker>,
    /// Jobs read on the page because no worker could start: (job, batch).
    on_page: Vec<(u32, u32)>,
}

thread_local! {
    static JOBS: RefCell<Jobs> = RefCell::new(Jobs::default());
}

/// True when files can be read in a worker on this page (a page built by
/// Trunk, in a browser with module workers).
pub fn available() -> bool {
    JOBS.with(|j| {
        let mut jobs = j.borrow_mut();
        jobs.glue.get_or_insert_with(glue_url).is_some()
    })
}

/// Starts a spare worker now, so that the next file starts reading at once.
pub fn warm_up() {
    if !available() || JOBS.with(|j| j.borrow().spare.is_some()) {
        return;
    }
    let glue = JOBS.with(|j| j.borrow().glue.clone().flatten());
    if let Some(worker) = glue.and_then(|g| spawn(&g).ok()) {
        JOBS.with(|j| j.borrow_mut().spare = Some(worker));
    }
}

/// Reads `files` in workers, then adds their traces as one batch and tells `then`.
pub fn load_in_workers(loader: Loader, files: Vec<Source>, then: Then) {
    let batch = JOBS.with(|j| {
        let mut jobs = j.borrow_mut();
        jobs.next += 1;
        let id = jobs.next;
        jobs.batches.push(Batch {
            id,
            pending: 0,
            added: Vec::new(),
            then,
        });
        id
    });
    for source in files {
        let size = source.blob.size();
        let name = source.name.clone();
        if size > MAX_FILE_BYTES {
            loader.messages.errors.update(|es| {
                es.retain(|e| e.file != name);
                es.push(crate::view_model::files::FileProblem {
                    file: name.clone(),
                    message: too_large(size),
                });
            });
            continue;
        }
        let job = JOBS.with(|j| {
            let mut jobs = j.borrow_mut();
            jobs.next += 1;
            let job = jobs.next;
            if let Some(b) = jobs.batches.iter_mut().find(|b| b.id == batch) {
                b.pending += 1;
            }
            jobs.queued.push_back(Queued { job, batch, source });
            job
        });
        loader.loading.files.update(|n| *n += 1);
        loader.loading.progress.update(|ls| {
            ls.push(LoadStatus {
                job,
                name,
                progress: Progress {
                    stage: Stage::Reading,
                    done: 0,
                    total_bytes: size as u64,
                    bytes_read: 0,
                },
                shown: false,
            })
        });
        set_timeout(
            move || {
                loader.loading.progress.update(|ls| {
                    if let Some(l) = ls.iter_mut().find(|l| l.job == job) {
                        l.shown = true;
                    }
                })
            },
            SHOW_AFTER,
        );
    }
    finish_batch_if_done(loader, batch);
    pump(loader);
}

/// Stops a load; what was loaded before stays as it was.
pub fn cancel(loader: Loader, job: u32) {
    let found = JOBS.with(|j| {
        let mut jobs = j.borrow_mut();
        if let Some(pos) = jobs.queued.iter().position(|q| q.job == job) {
            return jobs.queued.remove(pos).map(|q| q.batch);
        }
        if let Some(pos) = jobs.on_page.iter().position(|&(j, _)| j == job) {
            return Some(jobs.on_page.swap_remove(pos).1);
        }
        let pos = jobs.running.iter().position(|r| r.job == job)?;
        let running = jobs.running.swap_remove(pos);
        running.worker.terminate();
        Some(running.batch)
    });
    if let Some(batch) = found {
        done(loader, job, batch);
        pump(loader);
        warm_up();
    }
}

/// Starts queued loads while fewer than [`PARALLEL`] run. Small files
/// ([`ON_PAGE_BYTES`]) are read on the page, and so is every file once
/// workers cannot start on this page.
fn pump(loader: Loader) {
    loop {
        let next = JOBS.with(|j| {
            let mut jobs = j.borrow_mut();
            match jobs.glue.clone().flatten() {
                Some(_) if jobs.running.len() >= PARALLEL => None,
                glue => jobs.queued.pop_front().map(|q| (q, glue)),
            }
        });
        let Some((queued, glue)) = next else {
            return;
        };
        let small = queued.source.blob.size() <= ON_PAGE_BYTES
            && DEBUG.with(|d| d.get()) == DebugWorkers::Normal;
        let Some(glue) = glue.filter(|_| !small) else {
            read_on_page(loader, queued.job, queued.batch, queued.source);
            continue;
        };
        let (job, batch) = (queued.job, queued.batch);
        match start(loader, queued, &glue) {
            Ok(running) => JOBS.with(|j| j.borrow_mut().running.push(running)),
            Err((source, e)) => {
                workers_failed(loader, &source.name, &e);
                read_on_page(loader, job, batch, source);
            }
        }
    }
}

/// No worker could start (`reason`): say so, naming the file, and read
/// this and every later file on the page.
fn workers_failed(loader: Loader, name: &str, reason: &str) {
    let spare = JOBS.with(|j| {
        let mut jobs = j.borrow_mut();
        jobs.glue = Some(None);
        jobs.spare.take()
    });
    if let Some(spare) = spare {
        spare.terminate();
    }
    web_sys::console::warn_1(&format!("loading worker did not start: {reason}").into());
    let reason = reason.to_string();
    loader.messages.notes.update(|ns| {
        ns.push(crate::view_model::files::FileProblem {
            file: name.to_string(),
            message: format!(
                "was read on the page instead of in the background: the background reader could not start ({reason}). \
                 The page may not respond while a large file is read"
            ),
        })
    });
}

/// Reads one file on the page (a small one, or workers cannot start), then
/// ends its job.
fn read_on_page(loader: Loader, job: u32, batch: u32, source: Source) {
    JOBS.with(|j| j.borrow_mut().on_page.push((job, batch)));
    leptos::task::spawn_local(async move {
        let outcome = crate::ui::load::source::read_on_page(&source.blob).await;
        let cancelled = JOBS.with(|j| {
            let mut jobs = j.borrow_mut();
            let pos = jobs.on_page.iter().position(|&(j, _)| j == job);
            pos.map(|p| jobs.on_page.swap_remove(p)).is_none()
        });
        if cancelled {
            return;
        }
        loaded(loader, &source, &outcome);
        record(loader, batch, &source.name, outcome);
        done(loader, job, batch);
    });
}

/// The bootstrap each worker runs: waits for the module and the glue URL,
/// starts this wasm module (whose `main` then calls [`serve`]), and hands it
/// the messages that arrived meanwhile.
const BOOTSTRAP: &str = r#"
let pending = [];
self.onmessage = async (first) => {
  self.onmessage = (e) => pending.push(e);
  try {
    const glue = await import(first.data.glue);
    await glue.default({ module_or_path: first.data.module });
  } catch (err) {
    self.postMessage({ fatal: String(err && err.message || err) });
    return;
  }
  for (const e of pending) self.onmessage(e);
  pending = [];
};
"#;

/// What a debug hook (see [`crate::ui::shared::debug`]) makes the next workers do.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DebugWorkers {
    /// Work.
    #[default]
    Normal,
    /// Panic on the first file.
    Panic,
    /// Fail to start (the glue cannot be imported).
    NoStart,
    /// Never answer (never told where the glue is).
    Hang,
}

thread_local! {
    static DEBUG: std::cell::Cell<DebugWorkers> = const { std::cell::Cell::new(DebugWorkers::Normal) };
}

/// Makes the workers started from now on misbehave, for tests.
pub fn set_debug(mode: DebugWorkers) {
    DEBUG.with(|d| d.set(mode));
}

/// A new worker, told where the glue is and given the compiled module.
fn spawn(glue: &str) -> Result<web_sys::Worker, String> {
    let parts = js_sys::Array::of1(&JsValue::from_str(BOOTSTRAP));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|e| js_message(&e))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| js_message(&e))?;
    let worker_options = web_sys::WorkerOptions::new();
    worker_options.set_type(web_sys::WorkerType::Module);
    let worker = web_sys::Worker::new_with_options(&url, &worker_options);
    let _ = web_sys::Url::revoke_object_url(&url);
    let worker = worker.map_err(|e| js_message(&e))?;
    let init = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&init, &"glue".into(), &JsValue::from_str(glue));
    let _ = js_sys::Reflect::set(&init, &"module".into(), &wasm_bindgen::module());
    worker.post_message(&init).map_err(|e| js_message(&e))?;
    Ok(worker)
}

/// A worker as the debug hook wants it, for tests; `None` normally.
fn spawn_for_debug(glue: &str) -> Option<Result<web_sys::Worker, String>> {
    match DEBUG.with(|d| d.get()) {
        DebugWorkers::Normal | DebugWorkers::Panic => None,
        DebugWorkers::NoStart => Some(spawn(&format!("{glue}.no-such-glue.js"))),
        DebugWorkers::Hang => {
            let parts = js_sys::Array::of1(&JsValue::from_str("self.onmessage = () => {};"));
            let options = web_sys::BlobPropertyBag::new();
            options.set_type("text/javascript");
            let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
            let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
            let worker = web_sys::Worker::new(&url).map_err(|e| js_message(&e));
            let _ = web_sys::Url::revoke_object_url(&url);
            Some(worker)
        }
    }
}

fn start(loader: Loader, q: Queued, glue: &str) -> Result<Running, (Source, String)> {
    let spawned = match spawn_for_debug(glue) {
        Some(debug) => debug,
        None => match JOBS.with(|j| j.borrow_mut().spare.take()) {
            Some(w) => Ok(w),
            None => spawn(glue),
        },
    };
    let worker = match spawned {
        Ok(w) => w,
        Err(e) => return Err((q.source, e)),
    };
    let job = q.job;
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            on_reply(loader, job, ev.data());
        });
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
        ev.prevent_default();
        let detail = ev
            .dyn_ref::<web_sys::ErrorEvent>()
            .map(|e| e.message())
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| String::from("it stopped"));
        if answered(job) == Some(false) {
            not_started(loader, job, &detail);
            return;
        }
        // It was reading, and said nothing of a panic: a wasm trap that is
        // not a panic is memory running out.
        finish(
            loader,
            job,
            Err(format!(
                "the reader crashed ({detail}); the file may be too large for this browser's memory"
            )),
        );
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let request = Request::Load {
        job,
        name: q.source.name.clone(),
    }
    .encode();
    let message = js_sys::Array::of2(&js_sys::Uint8Array::from(&request[..]), &q.source.blob);
    if DEBUG.with(|d| d.get()) == DebugWorkers::Panic {
        message.push(&JsValue::from_str("panic"));
    }
    if let Err(e) = worker.post_message(&message) {
        worker.terminate();
        return Err((q.source, js_message(&e)));
    }
    set_timeout(
        move || {
            if answered(job) == Some(false) {
                not_started(
                    loader,
                    job,
                    &format!("it did not answer within {} s", START_TIMEOUT.as_secs()),
                );
            }
        },
        START_TIMEOUT,
    );
    Ok(Running {
        job,
        batch: q.batch,
        source: q.source,
        answered: false,
        worker,
        _on_message: on_message,
        _on_error: on_error,
    })
}

/// Whether the worker reading `job` has answered; `None` once it is not running.
fn answered(job: u32) -> Option<bool> {
    JOBS.with(|j| {
        j.borrow()
            .running
            .iter()
            .find(|r| r.job == job)
            .map(|r| r.answered)
    })
}

/// The worker for `job` did not start: end it, say so, read the file on the page.
fn not_started(loader: Loader, job: u32, reason: &str) {
    let running = JOBS.with(|j| {
        let mut jobs = j.borrow_mut();
        let pos = jobs.running.iter().position(|r| r.job == job)?;
        Some(jobs.running.swap_remove(pos))
    });
    let Some(running) = running else {
        return;
    };
    running.worker.terminate();
    let Running {
        job,
        batch,
        source,
        _on_message,
        _on_error,
        ..
    } = running;
    workers_failed(loader, &source.name, reason);
    // This may run inside the worker's own handler: drop its closures later.
    set_timeout(move || drop((_on_message, _on_error)), Duration::ZERO);
    read_on_page(loader, job, batch, source);
    pump(loader);
}

fn on_reply(loader: Loader, job: u32, data: JsValue) {
    let Some(bytes) = data.dyn_ref::<js_sys::Uint8Array>() else {
        let field = |name: &str| {
            js_sys::Reflect::get(&data, &name.into())
                .ok()
                .and_then(|f| f.as_string())
        };
        if let Some(panic) = field("panic") {
            finish(
                loader,
                job,
                Err(format!(
                    "the viewer hit an internal error (a panic) while reading it; \
                     this is a bug in the viewer, not necessarily in the file. Details: {}",
                    crate::ui::shared::panic::clip(&panic)
                )),
            );
        } else {
            let fatal = field("fatal").unwrap_or_else(|| String::from("an unexpected message"));
            not_started(loader, job, &fatal);
        }
        return;
    };
    JOBS.with(|j| {
        if let Some(r) = j.borrow_mut().running.iter_mut().find(|r| r.job == job) {
            r.answered = true;
        }
    });
    if bytes.length() > 1 << 20 {
        // Grow wasm memory once, up front, for the message and the model read
        // from it, rather than step by step while reading.
        let mut reserve: Vec<u8> = Vec::new();
        let _ = reserve.try_reserve(bytes.length() as usize * 2);
    }
    match Reply::decode(&bytes.to_vec()) {
        Ok(Reply::Progress { progress, .. }) => loader.loading.progress.update(|ls| {
            if let Some(l) = ls.iter_mut().find(|l| l.job == job) {
                l.progress = progress;
            }
        }),
        Ok(Reply::Loaded { loaded, .. }) => finish(loader, job, Ok(loaded)),
        Ok(Reply::Failed { message, .. }) => finish(loader, job, Err(message)),
        Err(e) => finish(loader, job, Err(e.to_string())),
    }
}

/// A running load ended: its worker goes, its outcome joins its batch.
fn finish(loader: Loader, job: u32, outcome: Result<crate::model::Loaded, String>) {
    let running = JOBS.with(|j| {
        let mut jobs = j.borrow_mut();
        let pos = jobs.running.iter().position(|r| r.job == job)?;
        Some(jobs.running.swap_remove(pos))
    });
    let Some(running) = running else {
        return; // cancelled meanwhile
    };
    running.worker.terminate();
    loaded(loader, &running.source, &outcome);
    record(loader, running.batch, &running.source.name, outcome);
    done(loader, job, running.batch);
    // This runs inside the worker's own message handler: its closures are
    // dropped once the handler has returned.
    set_timeout(move || drop(running), Duration::ZERO);
    pump(loader);
    warm_up();
}

fn record(loader: Loader, batch: u32, name: &str, outcome: Result<crate::model::Loaded, String>) {
    let mut added = Vec::new();
    accept(loader, name, outcome, &mut added);
    JOBS.with(|j| {
        if let Some(b) = j.borrow_mut().batches.iter_mut().find(|b| b.id == batch) {
            b.added.extend(added);
        }
    });
}

/// A job left its batch (done or cancelled).
fn done(loader: Loader, job: u32, batch: u32) {
    loader.loading.files.update(|n| *n = n.saturating_sub(1));
    loader
        .loading
        .progress
        .update(|ls| ls.retain(|l| l.job != job));
    JOBS.with(|j| {
        if let Some(b) = j.borrow_mut().batches.iter_mut().find(|b| b.id == batch) {
            b.pending = b.pending.saturating_sub(1);
        }
    });
    finish_batch_if_done(loader, batch);
}

fn finish_batch_if_done(loader: Loader, batch: u32) {
    let finished = JOBS.with(|j| {
        let mut jobs = j.borrow_mut();
        let pos = jobs
            .batches
            .iter()
            .position(|b| b.id == batch && b.pending == 0)?;
        Some(jobs.batches.swap_remove(pos))
    });
    if let Some(Batch { added, then, .. }) = finished {
        add_traces_then(loader, added, then);
    }
}

/// The URL of the wasm-bindgen glue module that Trunk put in the page (its
/// `modulepreload` link, else the module script that imports it).
fn glue_url() -> Option<String> {
    let document = web_sys::window()?.document()?;
    let base = document.base_uri().ok().flatten()?;
    let href = document
        .query_selector("link[rel=modulepreload][href$='.js']")
        .ok()
        .flatten()
        .and_then(|l| l.get_attribute("href"))
        .or_else(|| {
            let scripts = document.query_selector_all("script[type=module]").ok()?;
            (0..scripts.length()).find_map(|i| {
                let text = scripts.item(i)?.text_content()?;
                let (_, rest) = text.split_once(" from '")?;
                let (path, _) = rest.split_once('\'')?;
                path.ends_with(".js").then(|| path.to_string())
            })
        })?;
    web_sys::Url::new_with_base(&href, &base)
        .ok()
        .map(|u| u.href())
}
