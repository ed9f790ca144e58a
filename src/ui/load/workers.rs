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
//! Each job holds its file's share of the memory budget (a
//! [`Reservation`]) until its batch's traces are added, or it is cancelled.
//! A compressed file always goes to a worker, which decompresses it up to
//! what the budget leaves for it.

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
use crate::ui::load::reader::module_or_url;
use crate::ui::load::reserve::Reservation;
use crate::ui::load::source::{compression_of, Source};
use crate::ui::load::spawn::{debug_mode, spawn, spawn_for_debug};
pub use crate::ui::load::spawn::{set_debug, DebugWorkers};
use crate::ui::shared::js::js_message;
use crate::ui::shared::js::JsBytes;
use crate::view_model::files::panicked_while_reading;
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
    budget: Reservation,
    /// Read in a worker whatever its size (a compressed file).
    to_worker: bool,
}

struct Running {
    job: u32,
    batch: u32,
    source: Source,
    budget: Reservation,
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
    /// The shares of the budget of its files done, until their traces are added.
    held: Vec<Reservation>,
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
    /// Jobs read on the page (small, or no worker could start): (job,
    /// batch, share of the budget).
    on_page: Vec<(u32, u32, Reservation)>,
}

thread_local! {
    static JOBS: RefCell<Jobs> = RefCell::new(Jobs::default());
}

/// True when files can be read in a worker on this page (a page built by
/// Trunk, in a browser with module workers).
pub fn available() -> bool {
    JOBS.with(|j| {
        let mut jobs = j.borrow_mut();
        jobs.glue
            .get_or_insert_with(|| crate::ui::load::reader::urls().map(|(glue, _)| glue))
            .is_some()
    })
}

/// Starts a spare worker now, so that the next file starts reading at once.
pub fn warm_up() {
    if !available() || JOBS.with(|j| j.borrow().spare.is_some()) {
        return;
    }
    let glue = JOBS.with(|j| j.borrow().glue.clone().flatten());
    if let Some(worker) = glue.and_then(|g| spawn(&g, &module_or_url()).ok()) {
        JOBS.with(|j| j.borrow_mut().spare = Some(worker));
    }
}

/// Reads `files` in workers, then adds their traces as one batch and tells
/// `then`; each file's share of the budget is held until then.
pub fn load_in_workers(loader: Loader, files: Vec<(Source, Reservation)>, then: Then) {
    let batch = JOBS.with(|j| {
        let mut jobs = j.borrow_mut();
        jobs.next += 1;
        let id = jobs.next;
        jobs.batches.push(Batch {
            id,
            pending: 0,
            added: Vec::new(),
            then,
            held: Vec::new(),
        });
        id
    });
    for (source, budget) in files {
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
            jobs.queued.push_back(Queued {
                job,
                batch,
                source,
                budget,
                to_worker: false,
            });
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
        if let Some(pos) = jobs.on_page.iter().position(|e| e.0 == job) {
            return Some(jobs.on_page.swap_remove(pos).1);
        }
        let pos = jobs.running.iter().position(|r| r.job == job)?;
        let running = jobs.running.swap_remove(pos);
        running.worker.terminate();
        Some(running.batch)
    });
    if let Some(batch) = found {
        done(loader, job, batch, None);
        pump(loader);
        warm_up();
    }
}

/// Starts queued loads while fewer than [`PARALLEL`] run. Small files
/// ([`ON_PAGE_BYTES`]) are read on the page unless compressed, and so is
/// every file once workers cannot start on this page.
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
            && !queued.to_worker
            && matches!(
                debug_mode(),
                DebugWorkers::Normal | DebugWorkers::PanicOnPage
            );
        let Some(glue) = glue.filter(|_| !small) else {
            read_on_page(loader, queued);
            continue;
        };
        match start(loader, queued, &glue) {
            Ok(running) => JOBS.with(|j| j.borrow_mut().running.push(running)),
            Err((queued, e)) => {
                workers_failed(loader, &queued.source.name, &e);
                read_on_page(loader, queued);
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
/// ends its job. A compressed one goes back to the queue for a worker, when
/// workers can start: it is never decompressed on the page then.
fn read_on_page(loader: Loader, queued: Queued) {
    let Queued {
        job,
        batch,
        source,
        budget,
        ..
    } = queued;
    JOBS.with(|j| j.borrow_mut().on_page.push((job, batch, budget)));
    leptos::task::spawn_local(async move {
        let workers = JOBS.with(|j| j.borrow().glue.clone().flatten().is_some());
        if workers && compression_of(&source.blob).await.is_some() {
            let Some(budget) = take_on_page(job) else {
                return; // cancelled meanwhile
            };
            JOBS.with(|j| {
                j.borrow_mut().queued.push_front(Queued {
                    job,
                    batch,
                    source,
                    budget,
                    to_worker: true,
                })
            });
            pump(loader);
            return;
        }
        let limit = JOBS.with(|j| {
            let jobs = j.borrow();
            let entry = jobs.on_page.iter().find(|e| e.0 == job);
            entry.map_or(0, |e| e.2.inflate_limit_bytes(loader))
        });
        let outcome =
            crate::ui::load::source::read_on_page(&source.blob, &source.name, limit).await;
        let Some(budget) = take_on_page(job) else {
            return; // cancelled meanwhile
        };
        loaded(loader, &source, &outcome);
        record(loader, batch, &source.name, outcome);
        done(loader, job, batch, Some(budget));
    });
}

/// Takes `job` off the list of jobs read on the page; `None` when it was
/// cancelled meanwhile.
fn take_on_page(job: u32) -> Option<Reservation> {
    JOBS.with(|j| {
        let mut jobs = j.borrow_mut();
        let pos = jobs.on_page.iter().position(|e| e.0 == job)?;
        Some(jobs.on_page.swap_remove(pos).2)
    })
}

fn start(loader: Loader, q: Queued, glue: &str) -> Result<Running, (Queued, String)> {
    let module = module_or_url();
    let spawned = match spawn_for_debug(glue, &module) {
        Some(debug) => debug,
        None => match JOBS.with(|j| j.borrow_mut().spare.take()) {
            Some(w) => Ok(w),
            None => spawn(glue, &module),
        },
    };
    let worker = match spawned {
        Ok(w) => w,
        Err(e) => return Err((q, e)),
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
        inflate_limit_bytes: q.budget.inflate_limit_bytes(loader),
    }
    .encode();
    let message = js_sys::Array::of2(&js_sys::Uint8Array::from(&request[..]), &q.source.blob);
    if debug_mode() == DebugWorkers::Panic {
        message.push(&JsValue::from_str("panic"));
    }
    if let Err(e) = worker.post_message(&message) {
        worker.terminate();
        return Err((q, js_message(&e)));
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
        budget: q.budget,
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
        budget,
        _on_message,
        _on_error,
        ..
    } = running;
    workers_failed(loader, &source.name, reason);
    // This may run inside the worker's own handler: drop its closures later.
    set_timeout(move || drop((_on_message, _on_error)), Duration::ZERO);
    read_on_page(
        loader,
        Queued {
            job,
            batch,
            source,
            budget,
            to_worker: false,
        },
    );
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
            finish(loader, job, Err(panicked_while_reading(&panic)));
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
        // Grow wasm memory once, up front, for the model read from the
        // message, rather than step by step while reading.
        let mut reserve: Vec<u8> = Vec::new();
        let _ = reserve.try_reserve(bytes.length() as usize * 2);
    }
    // Read where it arrived, a window at a time: never copied whole.
    match Reply::decode_from(&JsBytes(bytes)) {
        Ok(Reply::Progress { progress, .. }) => {
            if progress.stage == Stage::Decompressing {
                // What the file really is grows as it decompresses (the
                // worker stops it at the budget; this tells later files).
                JOBS.with(|j| {
                    if let Some(r) = j.borrow().running.iter().find(|r| r.job == job) {
                        let _ = r.budget.grow_to(loader, progress.bytes_read);
                    }
                });
            }
            loader.loading.progress.update(|ls| {
                if let Some(l) = ls.iter_mut().find(|l| l.job == job) {
                    l.progress = progress;
                }
            })
        }
        Ok(Reply::Loaded { loaded, .. }) => finish(loader, job, Ok(loaded)),
        Ok(Reply::Failed { message, .. }) => finish(loader, job, Err(message)),
        Ok(Reply::Part { .. }) => finish(
            loader,
            job,
            Err(String::from(
                "the worker sent a part of a file, not the file",
            )),
        ),
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
    let Running {
        batch,
        source,
        budget,
        worker,
        _on_message,
        _on_error,
        ..
    } = running;
    worker.terminate();
    loaded(loader, &source, &outcome);
    record(loader, batch, &source.name, outcome);
    done(loader, job, batch, Some(budget));
    // This runs inside the worker's own message handler: its closures are
    // dropped once the handler has returned.
    set_timeout(
        move || drop((worker, _on_message, _on_error)),
        Duration::ZERO,
    );
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

/// A job left its batch (done, with its share of the budget held until the
/// batch's traces are added; or cancelled, with none).
fn done(loader: Loader, job: u32, batch: u32, budget: Option<Reservation>) {
    loader.loading.files.update(|n| *n = n.saturating_sub(1));
    loader
        .loading
        .progress
        .update(|ls| ls.retain(|l| l.job != job));
    JOBS.with(|j| {
        if let Some(b) = j.borrow_mut().batches.iter_mut().find(|b| b.id == batch) {
            b.pending = b.pending.saturating_sub(1);
            b.held.extend(budget);
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
    if let Some(Batch {
        added, then, held, ..
    }) = finished
    {
        add_traces_then(loader, added, then);
        // Their models are counted as open now.
        drop(held);
    }
}
